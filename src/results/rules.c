/*
 * rules: from a contest's totals to its outcome, under French two-round rules and
 * the variants our users run.
 *
 * Presets (adjustable field by field through urne_rules):
 *   presidential  round 1 won by an absolute majority of exprimés, else the top two
 *                 go to round 2, won by relative majority (Constitution, art. 7).
 *   legislative   round 1 needs more than 50 % of exprimés and at least 25 % of
 *                 inscrits; round 2 is open to every candidate with at least 12.5 %
 *                 of inscrits and at least to the top two; round 2 is won by relative
 *                 majority, a tie going to the older candidate (Code électoral L126, L162).
 *   primary       an open primary: majority in round 1, else top two.
 *   party         an internal designation: inscrits are the members; same mechanics.
 *   coop          a general assembly with weighted colleges (SCIC): each college's
 *                 votes become shares of its exprimés, weighted by the college's weight;
 *                 one round, adopted or elected only with more than half the weighted total.
 *   single        one round, relative majority.
 * Recognised blank vote (any preset): blank ballots count among exprimés, so every share
 * includes them, and if they reach an absolute majority the round is void.
 *
 * All comparisons are exact: shares are integers over one common denominator per
 * contest (for colleges, the weight total times the lcm of the colleges' exprimés).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_text.h"
#include "results.h"

typedef struct preset {
    const char *name;
    urne_rules rules;
} preset;

#define TWO_ROUNDS .rounds = 2, .qualify_top = 2, .tie = URNE_TIE_REPORT
static const preset presets[] = {
    {"presidential", {.preset = "presidential", TWO_ROUNDS}},
    {"legislative",
     {.preset = "legislative", .rounds = 2, .win_inscrits_den = 4, .qualify_top = 2, .qualify_inscrits_den = 8,
      .tie = URNE_TIE_OLDER}},
    {"primary", {.preset = "primary", TWO_ROUNDS}},
    {"party", {.preset = "party", TWO_ROUNDS}},
    {"coop", {.preset = "coop", .rounds = 1, .qualify_top = 2, .final_needs_majority = 1, .colleges = 1}},
    {"single", {.preset = "single", .rounds = 1, .qualify_top = 2}},
};

int urne_rules_preset(const char *name, urne_rules *out) {
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(presets[i].name, name) == 0) {
            *out = presets[i].rules;
            return 0;
        }
    return -1;
}

static int parse_small(const char *v, int64_t lo, int64_t hi, int64_t *out) {
    int64_t n;
    if (urne_num_parse_count(v, strlen(v), &n) != URNE_NUM_OK || n < lo || n > hi) return -1;
    *out = n;
    return 0;
}

/* Each refusal is one phrase naming the setting at fault and what is accepted:
 * a code with its parameters, worded by the adapter in its reader's language. */
int urne_rules_set(urne_rules *r, const char *key, const char *value, urne_phrase *why) {
    int64_t n;
    if (strcmp(key, "rounds") == 0) {
        if (parse_small(value, 1, 2, &n) == 0) return r->rounds = (int)n, 0;
        urne_phrase_set(why, "'rounds=%s': rounds is 1 or 2", value);
    } else if (strcmp(key, "qualify-top") == 0) {
        if (parse_small(value, 1, 1000, &n) == 0) return r->qualify_top = (int)n, 0;
        urne_phrase_set(why, "'qualify-top=%s': qualify-top is a whole number from 1 to 1000", value);
    } else if (strcmp(key, "win-inscrits") == 0) {
        if (parse_small(value, 0, 1000, &n) == 0) return r->win_inscrits_den = n, 0;
        urne_phrase_set(why, "'win-inscrits=%s': win-inscrits is N in 'at least 1/N of inscrits' (4 for 25 %%), "
                             "or 0 for none", value);
    } else if (strcmp(key, "qualify-inscrits") == 0) {
        if (parse_small(value, 0, 1000, &n) == 0) return r->qualify_inscrits_den = n, 0;
        urne_phrase_set(why, "'qualify-inscrits=%s': qualify-inscrits is N in 'at least 1/N of inscrits' "
                             "(8 for 12.5 %%), or 0 for none", value);
    } else if (strcmp(key, "tie") == 0) {
        if (strcmp(value, "older") == 0) return r->tie = URNE_TIE_OLDER, 0;
        if (strcmp(value, "report") == 0) return r->tie = URNE_TIE_REPORT, 0;
        urne_phrase_set(why, "'tie=%s': tie is 'older' (the older candidate wins) or 'report' (the tie is the "
                             "outcome)", value);
    } else if (strcmp(key, "final-majority") == 0) {
        if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) return r->final_needs_majority = value[0] == 'y', 0;
        urne_phrase_set(why, "'final-majority=%s': final-majority is 'yes' or 'no'", value);
    } else if (strcmp(key, "blank") == 0) {
        if (strcmp(value, "recognised") == 0 || strcmp(value, "not-recognised") == 0)
            return r->blank_recognised = value[0] == 'r', 0;
        urne_phrase_set(why, "'blank=%s': blank is 'recognised' or 'not-recognised'", value);
    } else {
        urne_phrase_set(why, "unknown rule '%s' (rounds, qualify-top, win-inscrits, qualify-inscrits, tie, "
                             "final-majority, blank)", key);
    }
    return -1;
}

int urne_rules_equal(const urne_rules *a, const urne_rules *b) {
    return a->rounds == b->rounds && a->blank_recognised == b->blank_recognised &&
           a->win_inscrits_den == b->win_inscrits_den && a->qualify_top == b->qualify_top &&
           a->qualify_inscrits_den == b->qualify_inscrits_den && a->final_needs_majority == b->final_needs_majority &&
           a->tie == b->tie && a->colleges == b->colleges;
}

const char *urne_rules_preset_names(void) { return "presidential, legislative, primary, party, coop, single"; }

int64_t urne_results_basis(const urne_unit *unit, const urne_rules *rules) {
    /* both at most 10^18 for checked sheets (URNE_SHEETS_MAX x URNE_COUNT_MAX): no overflow */
    return unit->exprimes + (rules->blank_recognised ? unit->blancs : 0);
}

const char *urne_outcome_kind_name(urne_outcome_kind kind) {
    switch (kind) {
    case URNE_OUTCOME_ELECTED: return "elected";
    case URNE_OUTCOME_SECOND_ROUND: return "second-round";
    case URNE_OUTCOME_VOID: return "void";
    case URNE_OUTCOME_TIE: return "tie";
    case URNE_OUTCOME_UNDECIDED: return "undecided";
    }
    return "?";
}

void urne_outcomes_free(urne_outcome *outcomes, size_t n) {
    if (outcomes == NULL) return;
    for (size_t i = 0; i < n; i++) {
        free(outcomes[i].ranked);
        free(outcomes[i].chosen);
    }
    free(outcomes);
}

static urne_wide gcd_wide(urne_wide a, urne_wide b) {
    while (b != 0) {
        urne_wide t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Per-contest accumulation: counts, and per college the basis and votes. */
typedef struct contest_sums {
    int64_t inscrits, votants, blancs, nuls, exprimes;
    size_t expected, reported;
} contest_sums;

static int by_share_desc(const void *a, const void *b) {
    const urne_standing *x = a, *y = b;
    if (x->share != y->share) return x->share > y->share ? -1 : 1;
    return x->candidate < y->candidate ? -1 : (x->candidate > y->candidate);
}

static void pct_of(const urne_outcome *o, urne_wide share, char *buf) {
    urne_num_pct(share, o->share_den, '.', buf, 48);
}

static int add_chosen(urne_outcome *o, size_t candidate) {
    for (size_t i = 0; i < o->nchosen; i++)
        if (o->chosen[i] == candidate) return 0;
    o->chosen[o->nchosen++] = candidate;
    return 0;
}

/* Say one whole sentence of the outcome's reason: appended to o->reason in English
 * and kept as a phrase (a code with parameters) for adapters to word. A sentence is
 * never built from pieces, so that each can be translated whole. */
static void say(urne_outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(urne_outcome *o, const char *fmt, ...) {
    /* The English reason groups digits as English readers do ("1,155 of 1,287"). */
    static const urne_phrase_style english = {",", NULL};
    urne_phrase p;
    va_list ap;
    va_start(ap, fmt);
    urne_phrase_vset(&p, fmt, ap);
    va_end(ap);
    size_t used = strlen(o->reason);
    if (used > 0 && used + 1 < sizeof o->reason) {
        o->reason[used++] = ' ';
        o->reason[used] = '\0';
    }
    urne_phrase_write(&p, NULL, &english, o->reason + used, sizeof o->reason - used);
    assert(o->nphrases < URNE_OUTCOME_PHRASES);
    if (o->nphrases < URNE_OUTCOME_PHRASES) o->phrases[o->nphrases++] = p;
}

/* The names of o->chosen, joined by ", ". */
static void chosen_names(const urne_round *r, const urne_outcome *o, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < o->nchosen && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", r->candidates[o->chosen[i]].name);
        if (n < 0) break;
        used += (size_t)n;
    }
}

static const char *cname(const urne_round *r, size_t c) { return r->candidates[c].name; }

/* Settle a tie for election among ranked[0..n) under rules->tie. */
static void settle_tie(const urne_round *r, const urne_rules *rules, urne_outcome *o, size_t n) {
    if (rules->tie == URNE_TIE_OLDER) {
        size_t oldest = URNE_NONE;
        int dates = 1;
        for (size_t i = 0; i < n; i++) {
            const char *d = r->candidates[o->ranked[i].candidate].birth_date;
            if (d == NULL) {
                dates = 0;
                break;
            }
            if (oldest == URNE_NONE || strcmp(d, r->candidates[o->ranked[oldest].candidate].birth_date) < 0)
                oldest = i;
        }
        if (dates) {
            o->kind = URNE_OUTCOME_ELECTED;
            add_chosen(o, o->ranked[oldest].candidate);
            say(o, "%zu candidates tie with %lld votes; the older, %s (born %s), is elected.", n,
                (long long)o->ranked[0].voix, cname(r, o->ranked[oldest].candidate),
                r->candidates[o->ranked[oldest].candidate].birth_date);
            return;
        }
        say(o, "The rules give a tie to the older candidate, but a birth date is missing.");
    }
    o->kind = URNE_OUTCOME_TIE;
    for (size_t i = 0; i < n; i++) add_chosen(o, o->ranked[i].candidate);
    say(o, "%zu candidates tie with %lld votes each: the rules leave the decision open.", n,
        (long long)o->ranked[0].voix);
}

/* Not elected in a round before the last: who goes to round 2 (everyone over
 * the inscrits threshold, and at least the top N; a tie across the last place
 * leaves it open). `p` is the leader's share as written. */
static void decide_round_two(const urne_round *r, const urne_rules *rules, urne_outcome *o, int majority,
                             const char *p) {
    const urne_standing *top = &o->ranked[0];
    if (majority)
        say(o, "%s has %s %% of valid votes but fewer than 1/%lld of registered voters: no election in round 1.",
            cname(r, top->candidate), p, (long long)rules->win_inscrits_den);
    else
        say(o, "No absolute majority (%s leads with %s %% of valid votes).", cname(r, top->candidate), p);
    size_t sure = 0;
    if (rules->qualify_inscrits_den)
        for (size_t i = 0; i < o->nranked; i++)
            if (o->ranked[i].voix > 0 && (urne_wide)o->ranked[i].voix * rules->qualify_inscrits_den >= o->inscrits) {
                add_chosen(o, o->ranked[i].candidate);
                sure++;
            }
    size_t need = (size_t)rules->qualify_top;
    if (need > o->nranked) need = o->nranked;
    size_t boundary_tie = 0;
    if (sure < need) {
        /* Top `need` by rank; a tie across the last place leaves it open. */
        urne_wide last = o->ranked[need - 1].share;
        size_t first_tied = need - 1, end_tied = need;
        while (first_tied > 0 && o->ranked[first_tied - 1].share == last) first_tied--;
        while (end_tied < o->nranked && o->ranked[end_tied].share == last) end_tied++;
        for (size_t i = 0; i < first_tied; i++) add_chosen(o, o->ranked[i].candidate);
        if (end_tied > need) {
            boundary_tie = end_tied - first_tied;
            for (size_t i = first_tied; i < end_tied; i++) add_chosen(o, o->ranked[i].candidate);
        } else {
            for (size_t i = first_tied; i < need; i++) add_chosen(o, o->ranked[i].candidate);
        }
    }
    if (boundary_tie) {
        o->kind = URNE_OUTCOME_TIE;
        say(o, "%zu candidates tie with %lld votes for the last place in round 2.", boundary_tie,
            (long long)o->ranked[need - 1].voix);
    } else {
        o->kind = URNE_OUTCOME_SECOND_ROUND;
        char names[sizeof o->reason];
        chosen_names(r, o, names, sizeof names);
        if (rules->qualify_inscrits_den)
            say(o, "Qualified for round 2: %s (at least 1/%lld of registered voters, and at least the top %d).", names,
                (long long)rules->qualify_inscrits_den, rules->qualify_top);
        else
            say(o, "Qualified for round 2: %s (the top %d).", names, rules->qualify_top);
    }
}

static void decide_one(const urne_round *r, const urne_rules *rules, urne_outcome *o) {
    char p[48];
    if (o->sheets_reported < o->sheets_expected) {
        char unit[64];
        urne_text_plural(r->nlevels ? r->levels[r->nlevels - 1] : "bureau", unit, sizeof unit);
        say(o, "Partial: %zu of %zu %s.", o->sheets_reported, o->sheets_expected, unit);
    }
    if (o->share_den == 0 || o->nranked == 0) {
        o->kind = URNE_OUTCOME_UNDECIDED;
        say(o, "No valid votes: nothing to decide.");
        return;
    }
    if (rules->blank_recognised && 2 * o->blank_share > o->share_den) {
        pct_of(o, o->blank_share, p);
        o->kind = URNE_OUTCOME_VOID;
        say(o, "Blank ballots hold %s %% of valid votes, an absolute majority: the round is void and must be "
               "run again with new candidates.", p);
        return;
    }
    const urne_standing *top = &o->ranked[0];
    size_t ntop = 1;
    while (ntop < o->nranked && o->ranked[ntop].share == top->share) ntop++;
    pct_of(o, top->share, p);
    int final = r->number >= rules->rounds;
    int majority = 2 * top->share > o->share_den;
    if (final && !(rules->final_needs_majority && !majority)) {
        if (ntop > 1) {
            settle_tie(r, rules, o, ntop);
        } else {
            o->kind = URNE_OUTCOME_ELECTED;
            add_chosen(o, top->candidate);
            if (majority)
                say(o, "%s is elected with %s %% of valid votes (absolute majority).", cname(r, top->candidate), p);
            else
                say(o, "%s is elected with %s %% of valid votes (relative majority).", cname(r, top->candidate), p);
        }
    } else if (majority && (rules->win_inscrits_den == 0 || (urne_wide)top->voix * rules->win_inscrits_den >= o->inscrits)) {
        o->kind = URNE_OUTCOME_ELECTED;
        add_chosen(o, top->candidate);
        if (rules->win_inscrits_den) {
            char q[48];
            urne_num_pct(top->voix, o->inscrits, '.', q, sizeof q);
            say(o, "%s is elected in round %d with %s %% of valid votes (absolute majority) and %s %% of registered voters "
                   "(at least 1/%lld needed).",
                cname(r, top->candidate), r->number, p, q, (long long)rules->win_inscrits_den);
        } else {
            say(o, "%s is elected in round %d with %s %% of valid votes (absolute majority).", cname(r, top->candidate),
                r->number, p);
        }
    } else if (final) {
        o->kind = URNE_OUTCOME_UNDECIDED;
        if (rules->colleges)
            say(o, "No absolute majority: %s leads with %s %% of valid votes (weighted by college), the rules need "
                   "more than half.", cname(r, top->candidate), p);
        else
            say(o, "No absolute majority: %s leads with %s %% of valid votes, the rules need more than half.",
                cname(r, top->candidate), p);
    } else {
        decide_round_two(r, rules, o, majority, p);
    }
    if (o->sheets_reported < o->sheets_expected && o->kind != URNE_OUTCOME_VOID) {
        say(o, "Provisional until every %s is in.", r->nlevels ? r->levels[r->nlevels - 1] : "bureau");
        o->kind = URNE_OUTCOME_UNDECIDED;
    }
}

/* Shares for one contest without colleges: voix over exprimés (plus blancs). */
static void plain_shares(urne_outcome *o, const int64_t *voix, const urne_contest *c, const urne_rules *rules) {
    o->share_den = o->exprimes + (rules->blank_recognised ? o->blancs : 0);
    o->blank_share = rules->blank_recognised ? o->blancs : 0;
    for (size_t j = 0; j < c->ncand; j++) o->ranked[j].share = voix[c->cand_first + j];
}

#define WIDE_MUL(a, b, out) __builtin_mul_overflow((a), (b), (out))

/* Shares for one contest with colleges. college_voix[k*ncolleges + g] holds candidate
 * k's votes in college g; basis[g] the college's exprimés (plus blancs), blank[g] its
 * blancs. Returns -1 on overflow of exact arithmetic. */
static int college_shares(const urne_round *r, urne_outcome *o, const urne_contest *c, const int64_t *college_voix,
                          const int64_t *basis, const int64_t *blank, const urne_rules *rules) {
    urne_wide lcm = 1, wsum = 0;
    size_t G = r->ncolleges;
    for (size_t g = 0; g < G; g++) {
        if (basis[g] <= 0) continue; /* a college that did not vote has its weight shared out */
        urne_wide b = basis[g];
        urne_wide step = b / gcd_wide(lcm, b);
        if (WIDE_MUL(lcm, step, &lcm)) return -1;
        wsum += r->colleges[g].weight;
    }
    if (wsum == 0) {
        o->share_den = 0;
        return 0;
    }
    if (WIDE_MUL(lcm, wsum, &o->share_den)) return -1;
    urne_wide check;
    if (WIDE_MUL(o->share_den, (urne_wide)20000, &check)) return -1; /* room for percentages */
    for (size_t j = 0; j <= c->ncand; j++) {
        urne_wide total = 0;
        for (size_t g = 0; g < G; g++) {
            if (basis[g] <= 0) continue;
            int64_t v = j < c->ncand ? college_voix[(c->cand_first + j) * G + g] : (rules->blank_recognised ? blank[g] : 0);
            urne_wide t;
            if (WIDE_MUL((urne_wide)r->colleges[g].weight * v, lcm / basis[g], &t)) return -1;
            total += t;
        }
        if (j < c->ncand)
            o->ranked[j].share = total;
        else
            o->blank_share = total;
    }
    return 0;
}

int urne_decision_sums_init(const urne_round *r, const urne_rules *rules, urne_decision_sums *s) {
    memset(s, 0, sizeof *s);
    size_t G = rules->colleges ? r->ncolleges : 0;
    s->ncolleges = G;
    s->outs = calloc(r->ncontests ? r->ncontests : 1, sizeof *s->outs);
    s->voix = calloc(r->ncandidates ? r->ncandidates : 1, sizeof *s->voix);
    s->cvoix = G ? calloc(r->ncandidates * G + 1, sizeof *s->cvoix) : NULL;
    s->basis = G ? calloc(r->ncontests * G, sizeof *s->basis) : NULL;
    s->blank = G ? calloc(r->ncontests * G, sizeof *s->blank) : NULL;
    if (s->outs == NULL || s->voix == NULL || (G && (!s->cvoix || !s->basis || !s->blank))) {
        urne_decision_sums_free(s);
        return -1;
    }
    for (size_t i = 0; i < r->nsheets && !s->overflow; i++) urne_decision_sums_sheet(s, r, rules, &r->sheets[i], 1);
    return 0;
}

void urne_decision_sums_free(urne_decision_sums *s) {
    free(s->outs);
    free(s->voix);
    free(s->cvoix);
    free(s->basis);
    free(s->blank);
    memset(s, 0, sizeof *s);
}

/* acc += sign * v, overflow-checked: a sum that passes int64 sets s->overflow.
 * Taking away what was added never overflows. */
static void add_signed(urne_decision_sums *s, int64_t *acc, int64_t v, int sign) {
    if (sign > 0)
        s->overflow |= __builtin_add_overflow(*acc, v, acc);
    else
        s->overflow |= __builtin_sub_overflow(*acc, v, acc);
}

int urne_decision_sums_sheet(urne_decision_sums *s, const urne_round *r, const urne_rules *rules,
                             const urne_sheet *sheet, int sign) {
    assert(sign == 1 || sign == -1);
    urne_outcome *o = &s->outs[sheet->contest];
    const urne_contest *c = &r->contests[sheet->contest];
    size_t G = s->ncolleges;
    o->sheets_expected += (size_t)(ptrdiff_t)sign;
    if (!sheet->reported) return s->overflow ? -1 : 0;
    o->sheets_reported += (size_t)(ptrdiff_t)sign;
    add_signed(s, &o->inscrits, sheet->inscrits, sign);
    add_signed(s, &o->votants, sheet->votants, sign);
    add_signed(s, &o->blancs, sheet->blancs, sign);
    add_signed(s, &o->nuls, sheet->nuls, sign);
    size_t g = sheet->college;
    for (size_t j = 0; j < c->ncand; j++) {
        add_signed(s, &o->exprimes, sheet->votes[j], sign);
        add_signed(s, &s->voix[c->cand_first + j], sheet->votes[j], sign);
        if (G && g < G) {
            add_signed(s, &s->cvoix[(c->cand_first + j) * G + g], sheet->votes[j], sign);
            add_signed(s, &s->basis[sheet->contest * G + g], sheet->votes[j], sign);
        }
    }
    if (G && g < G) {
        add_signed(s, &s->blank[sheet->contest * G + g], sheet->blancs, sign);
        if (rules->blank_recognised) add_signed(s, &s->basis[sheet->contest * G + g], sheet->blancs, sign);
    }
    return s->overflow ? -1 : 0;
}

int urne_results_decide(const urne_round *r, const urne_rules *rules, urne_outcome **out, urne_diags *diags) {
    *out = NULL;
    if (rules->colleges && r->ncolleges == 0) /* the error is decide_sums's */
        return urne_results_decide_sums(r, rules, NULL, out, diags);
    urne_decision_sums s;
    if (urne_decision_sums_init(r, rules, &s) < 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory deciding the outcome");
        return -1;
    }
    int rc = urne_results_decide_sums(r, rules, &s, out, diags);
    urne_decision_sums_free(&s);
    return rc;
}

int urne_results_decide_sums(const urne_round *r, const urne_rules *rules, const urne_decision_sums *sums,
                             urne_outcome **out, urne_diags *diags) {
    *out = NULL;
    if (rules->colleges && r->ncolleges == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "college", URNE_RULE_MISSING_COLLEGE,
                       "the %s rules weigh colleges, but the election declares none", rules->preset);
        return -1;
    }
    size_t G = sums->ncolleges;
    assert(G == (rules->colleges ? r->ncolleges : 0));
    urne_outcome *outs = calloc(r->ncontests ? r->ncontests : 1, sizeof *outs);
    int failed = outs == NULL;
    /* Checked sheets keep every sum below 10^18 (URNE_SHEETS_MAX sheets of figures at
     * most URNE_COUNT_MAX); the sums are overflow-checked all the same, so that a round
     * that skipped the checks is refused (count-bound), never decided on wrapped totals. */
    int overflow = sums->overflow;
    for (size_t k = 0; k < r->ncontests && !failed; k++) {
        const urne_outcome *o = &sums->outs[k];
        outs[k].sheets_expected = o->sheets_expected;
        outs[k].sheets_reported = o->sheets_reported;
        outs[k].inscrits = o->inscrits;
        outs[k].votants = o->votants;
        outs[k].blancs = o->blancs;
        outs[k].nuls = o->nuls;
        outs[k].exprimes = o->exprimes;
    }
    const int64_t *voix = sums->voix, *cvoix = sums->cvoix, *basis = sums->basis, *blank = sums->blank;
    /* exprimés + blancs, the basis of shares below, must fit as well */
    for (size_t k = 0; k < r->ncontests && !failed && !overflow; k++) {
        int64_t sum;
        overflow |= __builtin_add_overflow(outs[k].exprimes, outs[k].blancs, &sum);
    }
    if (overflow) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_COUNT_BOUND,
                       "the sheets' figures add up beyond 64 bits: each figure must be at most %lld, and a round "
                       "hold at most %zu sheets",
                       (long long)URNE_COUNT_MAX, URNE_SHEETS_MAX);
        failed = 1;
    }
    for (size_t k = 0; k < r->ncontests && !failed; k++) {
        urne_outcome *o = &outs[k];
        const urne_contest *c = &r->contests[k];
        o->contest = k;
        o->nranked = c->ncand;
        o->ranked = calloc(c->ncand + 1, sizeof *o->ranked);
        o->chosen = calloc(c->ncand + 1, sizeof *o->chosen);
        if (o->ranked == NULL || o->chosen == NULL) {
            failed = 1;
            break;
        }
        for (size_t j = 0; j < c->ncand; j++) {
            o->ranked[j].candidate = c->cand_first + j;
            o->ranked[j].voix = voix[c->cand_first + j];
        }
        if (G) {
            if (college_shares(r, o, c, cvoix, basis + k * G, blank + k * G, rules) != 0) {
                urne_diags_add(diags, URNE_DIAG_ERROR, 0, "college", "exact-arithmetic",
                               "contest %s: the colleges' figures are too large to weigh exactly", c->label);
                failed = 1;
                break;
            }
        } else {
            plain_shares(o, voix, c, rules);
        }
        qsort(o->ranked, o->nranked, sizeof *o->ranked, by_share_desc);
        decide_one(r, rules, o);
    }
    if (failed) {
        urne_outcomes_free(outs, r->ncontests);
        if (diags->errors == 0)
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory deciding the outcome");
        return -1;
    }
    *out = outs;
    return 0;
}
