/*
 * words: codes worded for people (see words.h). Each table pairs a code with its
 * English, which is also the msgid of its French in po/fr.po; a context ("level",
 * "rules", "anomaly", "action", "format") keeps one English word apart from the
 * same word elsewhere, whose French may differ.
 */
#include "words.h"

#include <string.h>

typedef struct coded {
    const char *code;
    const char *one, *many; /* English; many is NULL where the word has no plural use */
} coded;

#define COUNT(t) (sizeof t / sizeof t[0])

/* The entry of table for code, or NULL. */
static const coded *find(const coded *table, size_t n, const char *code) {
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(table[i].code, code) == 0) return &table[i];
    return NULL;
}

static const coded levels[] = {
    {"national", NC_("level", "national"), NC_("level", "national")},
    {"region", NC_("level", "region"), NC_("level", "regions")},
    {"departement", NC_("level", "department"), NC_("level", "departments")},
    {"circonscription", NC_("level", "constituency"), NC_("level", "constituencies")},
    {"canton", NC_("level", "canton"), NC_("level", "cantons")},
    {"arrondissement", NC_("level", "arrondissement"), NC_("level", "arrondissements")},
    {"commune", NC_("level", "municipality"), NC_("level", "municipalities")},
    {"bureau", NC_("level", "polling station"), NC_("level", "polling stations")},
    {"federation", NC_("level", "federation"), NC_("level", "federations")},
    {"section", NC_("level", "section"), NC_("level", "sections")},
    {"college", NC_("level", "college"), NC_("level", "colleges")},
};

const char *urne_words_level(urne_lang lang, const char *code, int plural) {
    const coded *c = find(levels, COUNT(levels), code);
    if (c == NULL) return code ? code : "";
    return urne_i18n_ctext(lang, "level", plural ? c->many : c->one);
}

const char *urne_words_outcome(urne_lang lang, urne_outcome_kind kind) {
    static const char *const words[] = {N_("elected"), N_("second round"), N_("round void"), N_("tie"),
                                        N_("undecided")};
    return (size_t)kind < COUNT(words) ? urne_i18n_text(lang, words[kind]) : urne_outcome_kind_name(kind);
}

/* name, then the rule in one line (in many's place) */
static const coded presets[] = {
    {"presidential", NC_("rules", "presidential"),
     NC_("rules", "two rounds: an absolute majority of valid votes, else the top two go on")},
    {"legislative", NC_("rules", "legislative"),
     NC_("rules", "two rounds: an absolute majority and 25 % of registered voters; round 2 open from 12.5 % of "
                  "registered voters")},
    {"primary", NC_("rules", "primary"), NC_("rules", "two rounds: an absolute majority, else the top two go on")},
    {"party", NC_("rules", "party vote"),
     NC_("rules", "the registered voters are the members; an absolute majority, else the top two go on")},
    {"coop", NC_("rules", "cooperative"),
     NC_("rules", "one round, colleges weighted; the winner needs an absolute majority")},
    {"single", NC_("rules", "single round"), NC_("rules", "one round: the most votes wins")},
};

const char *urne_words_preset(urne_lang lang, const char *code) {
    const coded *c = find(presets, COUNT(presets), code);
    return c ? urne_i18n_ctext(lang, "rules", c->one) : code ? code : "";
}

const char *urne_words_preset_rule(urne_lang lang, const char *code) {
    const coded *c = find(presets, COUNT(presets), code);
    return c ? urne_i18n_ctext(lang, "rules", c->many) : "";
}

static const coded anomalies[] = {
    {"votants-le-inscrits", NC_("anomaly", "more voters than registered"), NULL},
    {"votants-balance", NC_("anomaly", "ballots do not add up to the voters"), NULL},
    {"exprimes-sum", NC_("anomaly", "valid votes do not match the candidates' votes"), NULL},
    {"no-negative-count", NC_("anomaly", "negative figure"), NULL},
    {"count-bound", NC_("anomaly", "figure out of bounds"), NULL},
    {"turnout-outlier", NC_("anomaly", "unusual turnout"), NULL},
    {"late", NC_("anomaly", "entered after the deadline"), NULL},
    {"mismatch", NC_("anomaly", "double entry differs"), NULL},
    {"changed-after-validation", NC_("anomaly", "changed after validation"), NULL},
    {"unknown-candidate", NC_("anomaly", "unknown candidate"), NULL},
    {"duplicate-bureau", NC_("anomaly", "polling station twice"), NULL},
    {"partial", NC_("anomaly", "partial results"), NULL},
};

const char *urne_words_anomaly(urne_lang lang, const char *code) {
    const coded *c = find(anomalies, COUNT(anomalies), code);
    return c ? urne_i18n_ctext(lang, "anomaly", c->one) : code ? code : "";
}

static const coded actions[] = {
    {"election.create", NC_("action", "election created"), NULL},
    {"election.publish", NC_("action", "results published"), NULL},
    {"election.reopen", NC_("action", "results reopened"), NULL},
    {"sheet.enter", NC_("action", "tally sheet entered"), NULL},
    {"bureau.contest", NC_("action", "polling station contested"), NULL},
    {"bureau.escalate", NC_("action", "appeal to the higher commission"), NULL},
    {"dispute.decide", NC_("action", "dispute decided"), NULL},
    {"user.create", NC_("action", "account created"), NULL},
    {"user.assign", NC_("action", "polling stations assigned"), NULL},
    {"user.grant", NC_("action", "role given in a space"), NULL},
    {"user.ungrant", NC_("action", "role withdrawn in a space"), NULL},
    {"notice.publish", NC_("action", "notice published"), NULL},
    {"initiative.create", NC_("action", "initiative created"), NULL},
    {"initiative.roll", NC_("action", "electoral roll imported"), NULL},
    {"initiative.submit", NC_("action", "initiative submitted"), NULL},
    {"initiative.admit", NC_("action", "initiative declared admissible"), NULL},
    {"initiative.reject", NC_("action", "initiative declared inadmissible"), NULL},
    {"initiative.open", NC_("action", "collection opened"), NULL},
    {"initiative.reach", NC_("action", "threshold reached"), NULL},
    {"initiative.close", NC_("action", "collection closed"), NULL},
    {"initiative.transmit", NC_("action", "initiative transmitted"), NULL},
    {"initiative.answer", NC_("action", "answer published"), NULL},
    {"initiative.invalidate", NC_("action", "signature invalidated"), NULL},
    {"initiative.codes", NC_("action", "one-time codes made"), NULL},
    {"initiative.sample", NC_("action", "verification sample drawn"), NULL},
    {"initiative.verify", NC_("action", "verification sample judged"), NULL},
    {"forum.create", NC_("action", "forum created"), NULL},
    {"forum.configure", NC_("action", "forum configured"), NULL},
    {"forum.ban", NC_("action", "author or address banned"), NULL},
    {"post.approve", NC_("action", "message approved"), NULL},
    {"post.reject", NC_("action", "message rejected"), NULL},
    {"post.hide", NC_("action", "message hidden"), NULL},
    {"post.edit", NC_("action", "message edited"), NULL},
    {"match.create", NC_("action", "matching campaign created"), NULL},
    {"match.import", NC_("action", "hosts and pupils imported"), NULL},
    {"match.add", NC_("action", "hosts and pupils added"), NULL},
    {"match.rankings", NC_("action", "host rankings given"), NULL},
    {"match.correct", NC_("action", "host rankings corrected"), NULL},
    {"match.distances", NC_("action", "distances between communes set"), NULL},
    {"match.places", NC_("action", "host's places changed"), NULL},
    {"match.wishes", NC_("action", "pupil's wishes changed"), NULL},
    {"match.run", NC_("action", "matching round run"), NULL},
    {"match.publish", NC_("action", "round published"), NULL},
    {"match.answer", NC_("action", "offer answered"), NULL},
    {"match.close", NC_("action", "matching campaign closed"), NULL},
};

const char *urne_words_action(urne_lang lang, const char *code) {
    const coded *c = find(actions, COUNT(actions), code);
    return c ? urne_i18n_ctext(lang, "action", c->one) : code ? code : "";
}

static const coded formats[] = {
    {"auto", NC_("format", "recognised from the file"), NULL},
    {"ministry", NC_("format", "Ministry of the Interior (per polling station)"), NULL},
    {"legislative", NC_("format", "Ministry, legislative (per constituency)"), NULL},
    {"native", NC_("format", "urne's tally-sheet CSV"), NULL},
};

const char *urne_words_format(urne_lang lang, const char *code) {
    const coded *c = find(formats, COUNT(formats), code);
    return c ? urne_i18n_ctext(lang, "format", c->one) : code ? code : "";
}

static const coded decisions[] = {
    {"validate", NC_("decision", "figures validated"), NULL},
    {"correct", NC_("decision", "figures corrected"), NULL},
    {"annul", NC_("decision", "bureau annulled"), NULL},
    {"revote", NC_("decision", "new vote ordered"), NULL},
};

const char *urne_words_decision(urne_lang lang, const char *code) {
    const coded *c = find(decisions, COUNT(decisions), code);
    return c ? urne_i18n_ctext(lang, "decision", c->one) : code ? code : "";
}
