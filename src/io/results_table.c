/*
 * results_table: the report as text for people at a terminal — one block per unit
 * (turnout, blank and null ballots, the candidates), then the outcome of each contest.
 * Columns are aligned on characters, not bytes, so accented names and French
 * numbers ("1 155 604", whose separator is a three-byte no-break space) line up.
 *
 * The table speaks its reader's language (the CLI's, from the environment): its
 * words come from the catalogue (po/fr.po), numbers are grouped and percentages
 * written the reader's way, and the outcome is worded from its phrases, as on the
 * web pages. JSON and CSV stay in one language for programs.
 */
#include <string.h>

#include "../i18n/words.h"
#include "results_io.h"
#include "write_common.h"

/* Right-align s in w characters. */
static void pad_left(FILE *out, const char *s, size_t w) {
    for (size_t i = urne_write_width(s); i < w; i++) fputc(' ', out);
    fputs(s, out);
}

/* A percentage num/den exact to two decimals, the reader's way ("21,55" in French). */
static const char *pct(urne_lang lang, urne_wide num, urne_wide den, char *buf, size_t size) {
    char plain[48];
    urne_num_pct(num, den, '.', plain, sizeof plain);
    return urne_i18n_decimal(lang, plain, buf, size);
}

/* One line of the unit's figures: name, value, and its share of `of` (NULL: none). */
static void figure(FILE *out, urne_lang lang, const char *name, int64_t v, urne_wide num, urne_wide den,
                   const char *of) {
    char n[48], p[48];
    fprintf(out, "  ");
    urne_write_pad(out, name, 13);
    pad_left(out, urne_i18n_int(lang, v, n, sizeof n), 14);
    if (of) {
        fprintf(out, "  ");
        pad_left(out, pct(lang, num, den, p, sizeof p), 6);
        fprintf(out, " %s", of);
    }
    fputc('\n', out);
}

static void write_candidates(FILE *out, urne_lang lang, const urne_report *rep, const urne_unit *u, int64_t basis) {
    int blank = rep->rules->blank_recognised;
    const char *blank_name = urne_i18n_text(lang, "(blank ballots)");
    size_t nw = blank ? urne_write_width(blank_name) : 9;
    for (size_t j = 0; j < u->nlines; j++)
        if (urne_write_width(u->lines[j].name) > nw) nw = urne_write_width(u->lines[j].name);
    if (nw > 40) nw = 40;
    fprintf(out, "  ");
    urne_write_pad(out, u->contest == URNE_NONE ? urne_i18n_text(lang, "Nuance") : urne_i18n_text(lang, "Candidate"),
                   nw);
    fputc(' ', out);
    pad_left(out, urne_i18n_text(lang, "Votes"), 12);
    fprintf(out, "  ");
    pad_left(out, urne_i18n_text(lang, "% valid"), 10);
    fprintf(out, "  ");
    pad_left(out, urne_i18n_text(lang, "% registered"), 10);
    fputc('\n', out);
    for (size_t j = 0; j <= u->nlines; j++) {
        const char *name;
        int64_t v;
        if (j < u->nlines) {
            name = u->lines[j].name;
            v = u->lines[j].voix;
        } else if (blank) {
            name = blank_name;
            v = u->blancs;
        } else {
            break;
        }
        char n[48], pe[48], pi[48];
        fprintf(out, "  ");
        urne_write_pad(out, name, nw);
        fputc(' ', out);
        pad_left(out, urne_i18n_int(lang, v, n, sizeof n), 12);
        fprintf(out, "  ");
        pad_left(out, pct(lang, v, basis, pe, sizeof pe), 10);
        fprintf(out, "  ");
        pad_left(out, pct(lang, v, u->inscrits, pi, sizeof pi), 10);
        fputc('\n', out);
    }
    if (blank) fprintf(out, "  %s\n", urne_i18n_text(lang, "* blank vote recognised: blank ballots count among valid votes"));
}

static void write_unit(FILE *out, urne_lang lang, const urne_report *rep, const urne_unit *u) {
    const char *lvl = rep->round->levels[rep->tally->level];
    char a[48], b[48];
    urne_i18n_int(lang, (int64_t)u->sheets_reported, a, sizeof a);
    urne_i18n_int(lang, (int64_t)u->sheets_expected, b, sizeof b);
    const char *sheet_level = rep->round->levels[rep->round->nlevels - 1];
    if (strcmp(u->key, lvl) == 0)
        fprintf(out, "%s (%s)", u->label, lvl);
    else if (strcmp(u->label, u->key) != 0)
        fprintf(out, "%s (%s %s)", u->label, lvl, u->key);
    else
        fprintf(out, "%s %s", lvl, u->key);
    char unit[64];
    urne_text_plural(sheet_level, unit, sizeof unit);
    fprintf(out, " — ");
    fprintf(out, urne_i18n_text(lang, "%s of %s %s"), a, b, unit);
    if (u->sheets_reported < u->sheets_expected) fprintf(out, " %s", urne_i18n_text(lang, "(partial)"));
    fputc('\n', out);
    int64_t basis = urne_results_basis(u, rep->rules);
    const char *of_registered = urne_i18n_text(lang, "% of registered");
    const char *of_voters = urne_i18n_text(lang, "% of voters");
    figure(out, lang, urne_i18n_text(lang, "Registered"), u->inscrits, 0, 0, NULL);
    figure(out, lang, urne_i18n_text(lang, "Abstentions"), u->inscrits - u->votants, u->inscrits - u->votants,
           u->inscrits, of_registered);
    figure(out, lang, urne_i18n_text(lang, "Voters"), u->votants, u->votants, u->inscrits, of_registered);
    figure(out, lang, urne_i18n_text(lang, "Blank"), u->blancs, u->blancs, u->votants, of_voters);
    figure(out, lang, urne_i18n_text(lang, "Void"), u->nuls, u->nuls, u->votants, of_voters);
    figure(out, lang,
           rep->rules->blank_recognised ? urne_i18n_text(lang, "Valid votes*") : urne_i18n_text(lang, "Valid votes"),
           basis, basis, u->votants, of_voters);
    write_candidates(out, lang, rep, u, basis);
    fputc('\n', out);
}

/* The outcome's sentences, worded from its phrases. */
static void write_reason(FILE *out, urne_lang lang, const urne_outcome *o) {
    char sentence[1024];
    fprintf(out, "  ");
    for (size_t i = 0; i < o->nphrases; i++) {
        urne_i18n_phrase(lang, &o->phrases[i], sentence, sizeof sentence);
        fprintf(out, "%s%s", i ? " " : "", sentence);
    }
    fputc('\n', out);
}

int urne_io_write_table(FILE *out, const urne_report *rep, urne_lang lang) {
    const urne_round *r = rep->round;
    if (r->election) {
        fprintf(out, "%s — ", r->election);
        fprintf(out, urne_i18n_text(lang, "round %d"), r->number);
        fprintf(out, "\n\n");
    }
    for (size_t i = 0; i < rep->tally->nunits; i++) write_unit(out, lang, rep, &rep->tally->units[i]);
    urne_rules base;
    urne_rules_preset(rep->rules->preset, &base);
    base.blank_recognised = rep->rules->blank_recognised;
    int adjusted = !urne_rules_equal(&base, rep->rules);
    const char *heading = adjusted ? (rep->rules->blank_recognised
                                          ? urne_i18n_text(lang, "Outcome under the %s rules (adjusted) with the blank vote recognised, round %d:")
                                          : urne_i18n_text(lang, "Outcome under the %s rules (adjusted), round %d:"))
                                   : (rep->rules->blank_recognised
                                          ? urne_i18n_text(lang, "Outcome under the %s rules with the blank vote recognised, round %d:")
                                          : urne_i18n_text(lang, "Outcome under the %s rules, round %d:"));
    fprintf(out, heading, urne_words_preset(lang, rep->rules->preset), r->number);
    fputc('\n', out);
    for (size_t k = 0; k < r->ncontests; k++) {
        const urne_outcome *o = &rep->outcomes[k];
        if (r->ncontests > 1) fprintf(out, "  %s: ", r->contests[k].label);
        else fprintf(out, "  ");
        fprintf(out, "%s", urne_words_outcome(lang, o->kind));
        for (size_t i = 0; i < o->nchosen; i++)
            fprintf(out, "%s%s", i ? ", " : " — ", r->candidates[o->chosen[i]].name);
        fprintf(out, "\n");
        if (r->ncontests == 1) write_reason(out, lang, o);
    }
    if (r->ncontests > 1) {
        size_t counts[URNE_OUTCOME_UNDECIDED + 1] = {0};
        for (size_t k = 0; k < r->ncontests; k++) counts[rep->outcomes[k].kind]++;
        char n[48];
        fprintf(out, "  ");
        fprintf(out, urne_i18n_text(lang, "In all: %s contests —"), urne_i18n_int(lang, (int64_t)r->ncontests, n, sizeof n));
        for (int kd = 0; kd <= URNE_OUTCOME_UNDECIDED; kd++)
            if (counts[kd])
                fprintf(out, " %s %s", urne_i18n_int(lang, (int64_t)counts[kd], n, sizeof n),
                        urne_words_outcome(lang, (urne_outcome_kind)kd));
        fprintf(out, "\n");
    }
    return ferror(out) ? -1 : 0;
}
