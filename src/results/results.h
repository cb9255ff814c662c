/*
 * results: the results engine — tally sheets (procès-verbaux), their checks,
 * aggregation up the territory tree, and the rules that turn totals into an
 * outcome (elected, qualified for round 2, void, tie, undecided).
 *
 * The engine is pure: plain functions over in-memory data, no I/O, no globals.
 * File formats live in io/, printing in cli/. Everything a human must read about
 * the input is returned as urne_diags.
 *
 * Model. A round of an election has:
 *   - levels: the territory tree, top to bottom, configurable ("national,
 *     departement, circonscription, commune, bureau" or "federation,
 *     circonscription, section"). The last level is the one sheets are filled at.
 *   - contests: the units in which the outcome is decided (the nation for a
 *     presidential round, each circonscription for a legislative one). Each has its
 *     own candidates, stored contiguously.
 *   - sheets: one per bureau, giving for every level the key of the unit it belongs
 *     to. Keys are not assumed to nest (Lyon's communes straddle circonscriptions),
 *     so each level is grouped on its own key.
 *   - optionally colleges with weights (a cooperative's general assembly).
 * Counts are int64; shares are exact rationals; percentages are rounded half up.
 */
#ifndef URNE_RESULTS_H
#define URNE_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_arena.h"
#include "../core/urne_diag.h"
#include "../core/urne_num.h"
#include "../core/urne_strpool.h"

#define URNE_MAX_LEVELS 6
#define URNE_NONE ((size_t)-1)

/* Rule identifiers carried by diagnostics (stable: tests and users grep them). */
#define URNE_RULE_NEGATIVE "no-negative-count"
#define URNE_RULE_VOTANTS_LE_INSCRITS "votants-le-inscrits"
#define URNE_RULE_VOTANTS_BALANCE "votants-balance"
#define URNE_RULE_EXPRIMES_SUM "exprimes-sum"
#define URNE_RULE_UNKNOWN_CANDIDATE "unknown-candidate"
#define URNE_RULE_DUPLICATE_BUREAU "duplicate-bureau"
#define URNE_RULE_MISSING_COLLEGE "unknown-college"
#define URNE_RULE_PARTIAL "partial"
#define URNE_RULE_STATED_TOTAL "stated-total"
#define URNE_RULE_COUNT_BOUND "count-bound"

/* The largest figure one sheet may carry (inscrits, votants, any count): ten
 * billion, above every electorate on Earth, so a real sheet never meets it, and far
 * enough below INT64_MAX (9.2e18) that the sums of up to URNE_SHEETS_MAX sheets of
 * one file cannot overflow. A figure above it is impossible, never "confirmed". */
#define URNE_COUNT_MAX INT64_C(10000000000)
/* The most sheets one round may hold (a file, an election): 100 million. */
#define URNE_SHEETS_MAX ((size_t)100000000)

typedef struct urne_candidate {
    const char *name;       /* as printed: "Emmanuel MACRON" */
    const char *first_name; /* "Emmanuel", NULL when the source has only one name field */
    const char *last_name;  /* "MACRON", NULL likewise */
    const char *group;      /* nuance or list label, NULL when none */
    const char *sex;        /* "M", "F" or NULL */
    const char *birth_date; /* "YYYY-MM-DD" or NULL; the 'older' tie-break needs it */
    int panel;              /* ballot-board number, 0 when unknown */
    size_t contest;
} urne_candidate;

typedef struct urne_contest {
    const char *key;
    const char *label;
    size_t cand_first; /* its candidates are candidates[cand_first .. cand_first+ncand) */
    size_t ncand;
} urne_contest;

typedef struct urne_college {
    const char *name;
    int64_t weight; /* a share, in any unit (percent, per-mille): only ratios matter */
} urne_college;

/* The fields every pass over the sheets reads (keys, counts) come first: they fill
 * two cache lines, and codes and labels, read only for printing, a third. */
typedef struct urne_sheet {
    const char *key[URNE_MAX_LEVELS];   /* unit at each level, unique in the round, interned */
    size_t contest;
    size_t college;          /* URNE_NONE without colleges */
    long line;               /* source line, for messages */
    int reported;            /* 0: the bureau is expected but its sheet is not in yet */
    int64_t inscrits, votants, blancs, nuls;
    int64_t exprimes_stated; /* -1 when the sheet does not state it */
    int64_t *votes;          /* one per candidate of the contest */
    const char *code[URNE_MAX_LEVELS];  /* the code as the source writes it ("0001"), may be NULL */
    const char *label[URNE_MAX_LEVELS]; /* its name for people, may be NULL */
} urne_sheet;

typedef struct urne_round {
    urne_arena arena;
    urne_strpool strings;
    const char *election;    /* title, may be NULL */
    int number;              /* 1 or 2 */
    const char *rules_hint;  /* preset named by the file itself, may be NULL */
    int blank_recognised_hint; /* the file itself says the blank vote is recognised */
    const char *rule_settings[16]; /* "key=value" adjustments the file makes (urne_rules_set) */
    size_t nrule_settings;
    size_t nlevels;
    const char *levels[URNE_MAX_LEVELS];
    size_t contest_level;
    urne_candidate *candidates;
    size_t ncandidates, cand_cap;
    urne_contest *contests;
    size_t ncontests, contest_cap;
    urne_sheet *sheets;
    size_t nsheets, sheet_cap;
    urne_college *colleges;
    size_t ncolleges, college_cap;
} urne_round;

/* ---- building a round (model.c) ---- */

/* A new empty round (number 1, no levels); NULL when out of memory. */
urne_round *urne_round_new(void);
void urne_round_free(urne_round *round);

/* Intern a string in the round; NULL when out of memory. */
const char *urne_round_intern(urne_round *round, const char *s, size_t len);

/* Set the levels (1..URNE_MAX_LEVELS names, top to bottom) and the level at which
 * contests are decided. Returns 0, or -1 if n or contest_level is out of range. */
int urne_round_set_levels(urne_round *round, const char *const *names, size_t n, size_t contest_level);

/* Index of the level called `name` (ASCII case-insensitive), or URNE_NONE. */
size_t urne_round_level(const urne_round *round, const char *name);

/* Add a contest; returns its index or URNE_NONE when out of memory. Candidates added
 * afterwards with urne_round_add_candidate belong to the last contest added. */
size_t urne_round_add_contest(urne_round *round, const char *key, const char *label);

/* Add a candidate to the last contest; strings are interned. Returns its index or
 * URNE_NONE (no contest yet, or out of memory). */
size_t urne_round_add_candidate(urne_round *round, const char *name, const char *group,
                                const char *sex, const char *birth_date, int panel);

/* Set the first and last names of candidate `index` (interned). 0 or -1. */
int urne_round_set_names(urne_round *round, size_t index, const char *first, const char *last);

/* Index within its contest of the candidate named `name`, or URNE_NONE. */
size_t urne_round_find_candidate(const urne_round *round, size_t contest, const char *name, size_t len);

/* Add a college with its weight; returns its index or URNE_NONE. */
size_t urne_round_add_college(urne_round *round, const char *name, int64_t weight);

/* Make room for `n` sheets in all, so that a large file grows the array once.
 * 0, or -1 when out of memory. */
int urne_round_reserve_sheets(urne_round *round, size_t n);

/* Append a sheet of `contest` with zeroed counts and one zeroed vote per candidate
 * of the contest; NULL when out of memory. The pointer is valid until the next add. */
urne_sheet *urne_round_add_sheet(urne_round *round, size_t contest);

/* Set *sheet to what urne_round_add_sheet gives (counts zero, exprimés not stated,
 * reported, no college), with `votes` as its vote array, left as it is. For parsers
 * that fill reserved sheets in place, from several threads: they then set nsheets. */
void urne_sheet_init(urne_sheet *sheet, size_t contest, int64_t *votes);

/* Set a sheet's five counts from an array in the order every format reads them:
 * inscrits, votants, blancs, nuls, exprimés as stated (-1 when not stated). */
void urne_sheet_set_counts(urne_sheet *sheet, const int64_t counts[5]);

/* ---- checks (check.c) ---- */

/* Check every sheet and append one error per failure: negative count, votants above
 * inscrits, blancs + nuls + votes != votants, stated exprimés != sum of votes, missing
 * college, duplicate bureau. Returns the number of errors added. */
size_t urne_results_check(const urne_round *round, urne_diags *diags);

/* The same checks for one sheet (its counts, not its uniqueness): what a form shows
 * while a secretary types. Returns the number of errors added. */
size_t urne_results_check_sheet(const urne_round *round, const urne_sheet *sheet, urne_diags *diags);

/* The last of urne_results_check's checks alone: one error per sheet whose bureau
 * (last-level key) an earlier sheet already has, naming that sheet's line. For
 * readers that check each sheet as they read it. Returns the number of errors added. */
size_t urne_results_check_duplicates(const urne_round *round, urne_diags *diags);

/* The bound on a round's sheets: 0 when `nsheets` is at most URNE_SHEETS_MAX;
 * otherwise one error (rule count-bound) at `line` — the line of the first sheet
 * beyond the bound — and -1. Every parser calls it on the sheets it read, and
 * urne_results_check on the round, so that the sums of checked sheets stay below
 * URNE_SHEETS_MAX x URNE_COUNT_MAX = 10^18. */
int urne_results_check_sheet_count(size_t nsheets, long line, urne_diags *diags);

/* Report the bureaux whose sheets are not in yet: one warning with the count
 * ("partial: 5 of 6 sections"), then one per missing bureau with its line. Returns
 * how many are missing. */
size_t urne_results_missing(const urne_round *round, urne_diags *diags);
/* Its two warnings, for who keeps them sheet by sheet: the count (nothing when
 * `missing` is 0), and the one for sheet `sheet`. */
void urne_results_missing_count(const urne_round *round, size_t missing, urne_diags *diags);
void urne_results_missing_one(const urne_round *round, size_t sheet, urne_diags *diags);

/* ---- aggregation (aggregate.c) ---- */

typedef struct urne_line {
    const char *name;  /* candidate name, or group label when lines are merged by group */
    const char *group;
    size_t candidate;  /* index in round->candidates, URNE_NONE for a merged line */
    int64_t voix;
} urne_line;

typedef struct urne_unit {
    const char *key;
    const char *label;
    const urne_sheet *first;  /* its first sheet: the codes and labels of the units above */
    size_t sheets_expected, sheets_reported;
    int64_t inscrits, votants, blancs, nuls, exprimes;
    size_t contest;    /* URNE_NONE when its lines are groups (several contests, or above them) */
    size_t nlines;
    urne_line *lines;  /* ballot order; merged by group across contests */
} urne_unit;

typedef struct urne_tally {
    urne_arena arena;
    size_t level;
    size_t nunits;
    urne_unit *units;  /* in order of first appearance in the sheets */
} urne_tally;

/* Sum the reported sheets into the units of `level`. A unit within one contest
 * lists that contest's candidates; a unit spanning several lists one line per group
 * (nuance) when every candidate has one, else per candidate name.
 * Returns 0, or -1 (level out of range, out of memory, or a sum beyond int64, which
 * sheets that passed urne_results_check never reach). Free with urne_tally_free. */
int urne_results_aggregate(const urne_round *round, size_t level, urne_tally *out);

void urne_tally_free(urne_tally *tally);

/* Add (sign 1) or take away (sign -1) one sheet's figures in unit `unit` of a tally
 * that urne_results_aggregate made from `round` (the sheet's unit at the tally's
 * level; its sheets_expected is left alone): what a sheet changed in place does to
 * the sums, taken away before the change and added after, without summing the
 * round again. A sheet not reported adds nothing. Returns 0, or -1 when a sum
 * would pass int64 or the sheet has a candidate the unit has no line for (the
 * tally is then wrong and must be made again). */
int urne_tally_sheet(urne_tally *tally, const urne_round *round, size_t unit, const urne_sheet *sheet, int sign);

/* 1 when every unit of level `lower` lies within a single unit of level `upper`
 * (bureaux within communes), 0 when some straddle (Lyon's communes across
 * circonscriptions), -1 when out of memory. */
int urne_results_nests(const urne_round *round, size_t upper, size_t lower);

/* Find a unit by key (NULL if absent). Linear: for reports, not hot paths. */
const urne_unit *urne_tally_find(const urne_tally *tally, const char *key);

/* Compare stated totals (e.g. an official departement file) with computed ones, unit
 * by unit and line by line (lines matched by name); every difference becomes a
 * warning with both numbers, named after `stated_name`. Units present on one side
 * only are reported too. Returns the number of differences. */
size_t urne_results_compare(const urne_tally *computed, const urne_tally *stated, const char *level_name,
                            const char *stated_name, urne_diags *diags);

/* ---- rules and outcome (rules.c) ---- */

typedef enum { URNE_TIE_REPORT, URNE_TIE_OLDER } urne_tie_break;

typedef struct urne_rules {
    const char *preset;
    int rounds;                 /* 2: two-round system; 1: one round, relative majority */
    int blank_recognised;       /* blank ballots count among exprimés */
    int64_t win_inscrits_den;   /* round-1 win also needs voix >= inscrits / den (4); 0 = no */
    int qualify_top;            /* at least this many go to round 2 (2) */
    int64_t qualify_inscrits_den; /* and every one with voix >= inscrits / den (8); 0 = no */
    int final_needs_majority;   /* the last round also needs more than half (a resolution) */
    urne_tie_break tie;         /* who wins a tie for election */
    int colleges;               /* weigh each college's shares */
} urne_rules;

/* The suffrages percentages are computed on: exprimés, plus blancs when the rules
 * recognise the blank vote. */
int64_t urne_results_basis(const urne_unit *unit, const urne_rules *rules);

/* Fill `out` from a preset: presidential, legislative, primary, party, coop, single.
 * Returns 0, or -1 if the name is unknown. */
int urne_rules_preset(const char *name, urne_rules *out);

/* Adjust one field of a preset: `rounds` (1 or 2), `qualify-top` (N >= 1),
 * `win-inscrits` (round-1 win also needs voix >= inscrits/N; 0 = no such condition),
 * `qualify-inscrits` (round 2 also open to voix >= inscrits/N; 0 = none), `tie`
 * (`older` or `report`), `final-majority` (`yes`/`no`: the last round also needs more
 * than half), `blank` (`recognised` or `not-recognised`).
 * Returns 0, or -1 with `why` set: a phrase (a code with parameters, for the adapter
 * to word) naming the setting and saying what is accepted. */
int urne_rules_set(urne_rules *rules, const char *key, const char *value, urne_phrase *why);

/* 1 when both rules decide alike (every field but the preset's name), else 0. */
int urne_rules_equal(const urne_rules *a, const urne_rules *b);

/* A comma-separated list of the preset names, for help texts. */
const char *urne_rules_preset_names(void);

typedef enum {
    URNE_OUTCOME_ELECTED,
    URNE_OUTCOME_SECOND_ROUND,
    URNE_OUTCOME_VOID,
    URNE_OUTCOME_TIE,
    URNE_OUTCOME_UNDECIDED
} urne_outcome_kind;

/* "elected", "second-round", "void", "tie", "undecided". */
const char *urne_outcome_kind_name(urne_outcome_kind kind);

typedef struct urne_standing {
    size_t candidate;  /* index in round->candidates */
    int64_t voix;
    urne_wide share;   /* share = share / outcome.share_den of the counted suffrages */
} urne_standing;

/* At most this many sentences explain an outcome (decide_one says at most four). */
#define URNE_OUTCOME_PHRASES 5

typedef struct urne_outcome {
    size_t contest;
    urne_outcome_kind kind;
    size_t sheets_expected, sheets_reported;
    int64_t inscrits, votants, blancs, nuls, exprimes;
    urne_wide share_den;      /* common denominator of every share below */
    urne_wide blank_share;    /* blank ballots' share when recognised, else 0 */
    size_t nranked;
    urne_standing *ranked;    /* every candidate, best first; ties keep ballot order */
    size_t nchosen;
    size_t *chosen;           /* elected (1), qualified, or tied candidates */
    char reason[600];         /* the rule applied, in one or two sentences, in English */
    size_t nphrases;          /* the same sentences as codes with parameters, for adapters to word */
    urne_phrase phrases[URNE_OUTCOME_PHRASES];
} urne_outcome;

/* Decide every contest of the round under `rules` (round->number tells which round
 * this is). Fills *out with round->ncontests outcomes. Returns 0, or -1 after adding
 * an error to diags (colleges required but missing, numbers too large for exact
 * weighting, out of memory). Free with urne_outcomes_free. */
int urne_results_decide(const urne_round *round, const urne_rules *rules, urne_outcome **out,
                        urne_diags *diags);

void urne_outcomes_free(urne_outcome *outcomes, size_t n);

/* What deciding sums over the sheets, kept apart so that a sheet changed in place
 * is taken away and added again instead of summing the round anew:
 * urne_results_decide is urne_decision_sums_init then urne_results_decide_sums. */
typedef struct urne_decision_sums {
    size_t ncolleges;     /* the colleges weighed (0 without) */
    urne_outcome *outs;   /* per contest: sheets and the five counts only */
    int64_t *voix;        /* per candidate */
    int64_t *cvoix, *basis, *blank; /* with colleges: per candidate and college, per contest and college */
    int overflow;         /* a sum passed int64: deciding refuses (count-bound) */
} urne_decision_sums;

/* Sums of every sheet of the round under rules. 0, or -1 when out of memory. */
int urne_decision_sums_init(const urne_round *round, const urne_rules *rules, urne_decision_sums *sums);
/* Add (sign 1) or take away (sign -1) one sheet. 0, or -1 once a sum overflowed. */
int urne_decision_sums_sheet(urne_decision_sums *sums, const urne_round *round, const urne_rules *rules,
                             const urne_sheet *sheet, int sign);
void urne_decision_sums_free(urne_decision_sums *sums);
/* urne_results_decide on sums kept for round under the same rules (sums may be
 * NULL only when rules weigh colleges the round lacks: the error is then added). */
int urne_results_decide_sums(const urne_round *round, const urne_rules *rules, const urne_decision_sums *sums,
                             urne_outcome **out, urne_diags *diags);

#endif
