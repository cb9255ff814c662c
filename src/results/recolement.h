/*
 * recolement: the life of a tally sheet between the polling station and the
 * published result, and the commission's review of it (récolement).
 *
 * A bureau's sheet is missing until a secretary enters it. With double entry, two
 * different people type the same procès-verbal: it counts only when both agree,
 * otherwise it waits (pending, or mismatch with the differences shown to both). A
 * commission member may contest a counted sheet: the bureau is then 'contested' and
 * every unit above it is frozen (shown as such, never as final) until the
 * commission decides: validate the figures, correct them (the old ones are kept
 * beside the new), annul the bureau, or order a new vote. A decision may be
 * escalated to the higher commission (tier 2), which decides again and so can
 * overrule it.
 *
 * Pure: states and transitions only. The server keeps the states in the store and
 * asks here what an action leads to.
 */
#ifndef URNE_RECOLEMENT_H
#define URNE_RECOLEMENT_H

#include "results.h"

typedef enum {
    URNE_SHEET_MISSING,   /* nothing entered */
    URNE_SHEET_PENDING,   /* double entry: one entry in, waiting for the second */
    URNE_SHEET_MISMATCH,  /* double entry: the two entries differ */
    URNE_SHEET_ENTERED,   /* counted */
    URNE_SHEET_VALIDATED, /* counted, confirmed by the commission */
    URNE_SHEET_CONTESTED, /* counted provisionally; freezes every unit above */
    URNE_SHEET_ANNULLED,  /* the bureau's votes are annulled: counts as reported, with no votes */
    URNE_SHEET_REVOTE,    /* a new vote is ordered: missing again until its sheet is entered */
    URNE_SHEET_NSTATES
} urne_sheet_state;

/* "missing", "pending", ... ; urne_sheet_state_parse returns -1 when unknown. */
const char *urne_sheet_state_name(urne_sheet_state s);
int urne_sheet_state_parse(const char *name, urne_sheet_state *out);

/* 1 when the sheet's figures count in the totals (entered, validated, contested),
 * 2 when the bureau counts as reported with no votes (annulled), 0 otherwise. */
int urne_sheet_state_counts(urne_sheet_state s);

typedef enum { URNE_DECIDE_VALIDATE, URNE_DECIDE_CORRECT, URNE_DECIDE_ANNUL, URNE_DECIDE_REVOTE } urne_decision;

const char *urne_decision_name(urne_decision d);
int urne_decision_parse(const char *name, urne_decision *out);

/* The figures of one sheet as typed: counts and one vote per candidate, as many
 * as the sheet's contest has (no bound of its own). The votes are owned by the
 * figures: a zeroed urne_figures ({0}) is a valid empty value, and every
 * function below that fills figures takes a valid value (empty or owned) and
 * replaces it, freeing what it held. Release with urne_figures_free; copy with
 * urne_figures_copy, never with a struct assignment (both would own the votes). */
typedef struct urne_figures {
    int64_t inscrits, votants, blancs, nuls, exprimes; /* exprimes -1 when not stated */
    size_t nvotes;
    int64_t *votes; /* nvotes counts, malloc'ed; NULL when nvotes is 0 */
} urne_figures;

/* Give f room for n votes, all 0 (its counts are kept, its old votes freed).
 * 0, or -1 when out of memory: f then holds no votes (nvotes 0). */
int urne_figures_alloc(urne_figures *f, size_t n);
/* Make dst a deep copy of src (dst's old votes freed). 0, or -1 when out of
 * memory: dst is then empty (zeroed). dst == src is a no-op. */
int urne_figures_copy(urne_figures *dst, const urne_figures *src);
/* Free f's votes and leave it empty (zeroed). NULL, or an empty value: no-op. */
void urne_figures_free(urne_figures *f);

int urne_figures_equal(const urne_figures *a, const urne_figures *b);

/* Copy figures into a sheet of the round (which must have f->nvotes candidates)
 * and from it: urne_figures_from_sheet fills f (a valid value, replaced) with one
 * vote per candidate of the sheet's contest; 0, or -1 when out of memory (f
 * empty). */
void urne_figures_to_sheet(const urne_figures *f, urne_sheet *s);
int urne_figures_from_sheet(const urne_round *round, const urne_sheet *s, urne_figures *f);

/* Bring sheet `sheet` of round (held in memory) to `state` with the figures f:
 * what the totals must count after an entry or a decision. A sheet reports when
 * its state counts; f (NULL: none known) replaces its figures; a state that
 * counts no votes (annulled), or no figures, leaves only the inscrits, which are
 * known before any count. f must have as many votes as the sheet's contest has
 * candidates. */
void urne_recolement_apply(urne_round *round, size_t sheet, urne_sheet_state state, const urne_figures *f);

/* One figure on which two entries of a sheet differ, as data for the adapters to
 * word in their reader's language: a fixed figure (field "inscrits", "votants",
 * "blancs", "nuls" or "exprimes") or a candidate's votes (field NULL, name the
 * candidate's, cut to fit), and the two values. */
typedef struct urne_figure_diff {
    const char *field; /* a static string, or NULL for a candidate */
    char name[96];     /* the candidate's name when field is NULL */
    int64_t a, b;
} urne_figure_diff;

/* The figures on which b differs from a, in the order of the form (the fixed ones,
 * then the candidates of contest `contest` of round): at most max of them into out.
 * Returns how many differ in all (more than max when some were left out). */
size_t urne_figures_differences(const urne_round *round, size_t contest, const urne_figures *a, const urne_figures *b,
                                urne_figure_diff *out, size_t max);

/* Describe how b differs from a, field by field, in English for the API and the log
 * ("votants: 148 / 149; Yves LE GALL: 52 / 53"; pages word urne_figures_differences
 * in their reader's language), naming candidates from contest `contest` of round, into out (size
 * bytes, always NUL-terminated when size > 0). A description too long for out ends
 * with "…" at a character boundary. Returns the number of fields that differ. */
size_t urne_figures_diff(const urne_round *round, size_t contest, const urne_figures *a, const urne_figures *b,
                         char *out, size_t size);

/* May a secretary enter figures for a sheet in state s? 1, or 0 with the reason in
 * *why (an English sentence of a fixed table, in the catalogue: adapters look it
 * up in their reader's language). Sheets under the commission's review or already validated are
 * the commission's to change. */
int urne_recolement_may_enter(urne_sheet_state s, const char **why);

/* The state after an entry: single entry counts at once; with double entry it
 * depends on the other person's latest entry (have_other) and whether it agrees. */
urne_sheet_state urne_recolement_after_entry(int double_entry, int have_other, int other_agrees);

/* May a sheet that fails the check `rule` still be recorded when the person
 * entering it confirms that the procès-verbal really says so? Only for the
 * consistency checks (votants-le-inscrits, votants-balance, exprimes-sum): a real
 * procès-verbal can break them, and the commission must see it as written. An
 * impossible figure (negative, above URNE_COUNT_MAX, not a whole number) is never
 * confirmable: 0 for every other rule. */
int urne_recolement_rule_confirmable(const char *rule);

/* May a commission member contest a sheet in state s? (Only counted sheets.) 1, or
 * 0 with the reason in *why, as urne_recolement_may_enter gives it. */
int urne_recolement_may_contest(urne_sheet_state s, const char **why);

/* The state after a decision. */
urne_sheet_state urne_recolement_after_decision(urne_decision d);

/* The state of a unit from its bureaux' states: "frozen" when any is contested,
 * "partial" when any is not counted yet, "final" otherwise. */
typedef enum { URNE_UNIT_FINAL, URNE_UNIT_PARTIAL, URNE_UNIT_FROZEN } urne_unit_state;
const char *urne_unit_state_name(urne_unit_state s);
urne_unit_state urne_recolement_unit_state(const size_t count_by_state[URNE_SHEET_NSTATES]);

/* Bureaux whose turnout is far from the rest of their unit at `level` (the
 * commune, the circonscription): more than `points` percentage points away from
 * the unit's turnout computed without them, in units with at least 3 counted
 * bureaux. Appends one warning per bureau, rule "turnout-outlier", with both
 * turnouts; the line field carries the sheet index + 1. Returns how many. */
#define URNE_RULE_TURNOUT_OUTLIER "turnout-outlier"
size_t urne_results_turnout_outliers(const urne_round *round, size_t level, int points, urne_diags *diags);
/* The same among the sheets `among` keeps (among[i] nonzero; NULL: every reported
 * sheet, as above). A sheet left out is neither judged nor counted in the rest of
 * its unit: an annulled bureau, reported with no votes, is no outlier, and its 0
 * votants do not lower its unit's turnout for the others. */
size_t urne_results_turnout_outliers_among(const urne_round *round, size_t level, int points,
                                           const unsigned char *among, urne_diags *diags);

#endif
