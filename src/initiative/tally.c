/*
 * initiative tally: the evaluation (see tally.h), in two passes: the first sums
 * and checks every territory's figures and resolves its minimum, so that nothing
 * is judged on a total that a later territory would have made overflow; the
 * second compares.
 */
#include <assert.h>
#include <string.h>

#include "../core/urne_num.h"
#include "tally.h"

static int64_t bp(int64_t num, int64_t den) { return den > 0 ? (int64_t)urne_num_basis_points(num, den) : 0; }

static const char *name_of(const urne_initiative_count *c) { return c->name ? c->name : "?"; }

/* Refuse with code, territory i and a phrase. */
static urne_initiative_tally_status refuse(urne_initiative_tally *out, urne_initiative_tally_status code, size_t i) {
    out->status = code;
    out->fault_index = i;
    out->reached = 0;
    return code;
}

/* c's seats and minimum: its own when given, else the rules' (rules.h), -1 when
 * neither. 0, or -1 with out->why said when both are given and differ. */
static int figures_of(const urne_initiative_rules *r, const urne_initiative_count *c, int64_t *seats,
                      int64_t *minimum, urne_initiative_tally *out) {
    const urne_initiative_figure *f = c->name ? urne_initiative_rules_figure(r, c->name) : NULL;
    int64_t rs = f ? f->seats : -1, rm = f ? f->minimum : -1;
    *seats = c->seats >= 0 ? c->seats : rs;
    *minimum = c->minimum >= 0 ? c->minimum : rm;
    if (c->seats >= 0 && rs >= 0 && c->seats != rs) {
        urne_phrase_set(&out->why, "territory %s: its counts give it %lld seats, the rules %lld", name_of(c),
                        (long long)c->seats, (long long)rs);
        return -1;
    }
    if (c->minimum >= 0 && rm >= 0 && c->minimum != rm) {
        urne_phrase_set(&out->why, "territory %s: its counts give it a minimum of %lld, the rules %lld", name_of(c),
                        (long long)c->minimum, (long long)rm);
        return -1;
    }
    return 0;
}

/* First pass: every territory's figures and minimum. */
static urne_initiative_tally_status check_counts(const urne_initiative_rules *r, const urne_initiative_count *counts,
                                                 size_t n, urne_initiative_territory_result *results,
                                                 urne_initiative_tally *out) {
    for (size_t i = 0; i < n; i++) {
        const urne_initiative_count *c = &counts[i];
        if (c->electorate < 0 || c->signatures < 0) {
            urne_phrase_set(&out->why, "territory %s: a negative count (%lld electors, %lld signatures)", name_of(c),
                            (long long)c->electorate, (long long)c->signatures);
            return refuse(out, URNE_INITIATIVE_TALLY_NEGATIVE, i);
        }
        /* Confirmed by e-mail (rules.h): no roll, so no electorate to exceed. */
        if (c->signatures > c->electorate && r->identity != URNE_INITIATIVE_BY_EMAIL) {
            urne_phrase_set(&out->why, "territory %s: %lld valid signatures exceed its %lld electors", name_of(c),
                            (long long)c->signatures, (long long)c->electorate);
            return refuse(out, URNE_INITIATIVE_TALLY_EXCEEDS, i);
        }
        if (__builtin_add_overflow(out->electorate, c->electorate, &out->electorate) ||
            __builtin_add_overflow(out->signatures, c->signatures, &out->signatures)) {
            urne_phrase_set(&out->why, "territory %s: the sum of the counts exceeds the largest count urne holds",
                            name_of(c));
            return refuse(out, URNE_INITIATIVE_TALLY_OVERFLOW, i);
        }
        urne_initiative_territory_result *t = &results[i];
        memset(t, 0, sizeof *t);
        int64_t seats, minimum;
        if (figures_of(r, c, &seats, &minimum, out) < 0) return refuse(out, URNE_INITIATIVE_TALLY_FIGURES_DIFFER, i);
        switch (urne_initiative_threshold_resolve(&r->territory, c->electorate, seats, minimum, &t->minimum)) {
        case URNE_INITIATIVE_RESOLVED: break;
        case URNE_INITIATIVE_RESOLVE_OVERFLOW:
            urne_phrase_set(&out->why, "territory %s: its minimum exceeds the largest count urne holds", name_of(c));
            return refuse(out, URNE_INITIATIVE_TALLY_OVERFLOW, i);
        case URNE_INITIATIVE_RESOLVE_NO_SEATS:
            urne_phrase_set(&out->why, "territory %s: its number of seats is needed for its minimum", name_of(c));
            return refuse(out, URNE_INITIATIVE_TALLY_NO_SEATS, i);
        case URNE_INITIATIVE_RESOLVE_NO_GIVEN:
            urne_phrase_set(&out->why, "territory %s: its minimum must be given", name_of(c));
            return refuse(out, URNE_INITIATIVE_TALLY_NO_MINIMUM, i);
        }
    }
    return URNE_INITIATIVE_TALLY_OK;
}

urne_initiative_tally_status urne_initiative_tally_evaluate(const urne_initiative_rules *r,
                                                            const urne_initiative_count *counts, size_t n,
                                                            urne_initiative_territory_result *results,
                                                            urne_initiative_tally *out) {
    assert(r != NULL && out != NULL && (n == 0 || (counts != NULL && results != NULL)));
    memset(out, 0, sizeof *out);
    if (n == 0) {
        urne_phrase_set(&out->why, "no territory was counted");
        return refuse(out, URNE_INITIATIVE_TALLY_NO_TERRITORIES, 0);
    }
    urne_initiative_tally_status st = check_counts(r, counts, n, results, out);
    if (st != URNE_INITIATIVE_TALLY_OK) return st;

    int has_territory_rule = r->territory.basis != URNE_INITIATIVE_NONE;
    for (size_t i = 0; i < n; i++) {
        urne_initiative_territory_result *t = &results[i];
        t->reached = has_territory_rule && counts[i].signatures >= t->minimum;
        t->share_bp = bp(counts[i].signatures, counts[i].electorate);
        t->progress_bp = bp(counts[i].signatures, t->minimum);
        out->territories_reaching += t->reached;
    }
    if (urne_initiative_threshold_resolve(&r->national, out->electorate, -1, -1, &out->national_threshold) !=
        URNE_INITIATIVE_RESOLVED) { /* ABSOLUTE or a SHARE of an int64: cannot overflow */
        assert(0);
        return refuse(out, URNE_INITIATIVE_TALLY_OVERFLOW, 0);
    }
    urne_initiative_resolve_status ts =
        urne_initiative_threshold_resolve(&r->territories, (int64_t)n, -1, -1, &out->territories_needed);
    assert(ts == URNE_INITIATIVE_RESOLVED);
    (void)ts;
    if (has_territory_rule && r->territories.basis == URNE_INITIATIVE_NONE)
        out->territories_needed = (int64_t)n; /* minimums without a number: every territory must reach its own */
    out->national_reached = out->signatures >= out->national_threshold;
    out->national_share_bp = bp(out->signatures, out->electorate);
    out->national_progress_bp = bp(out->signatures, out->national_threshold);
    out->territories_met = out->territories_reaching >= out->territories_needed;
    out->reached = out->national_reached && out->territories_met;
    /* Invariants: a reached initiative has at least its threshold and its territories. */
    assert(!out->reached || out->signatures >= out->national_threshold);
    assert(out->territories_reaching <= (int64_t)n);
    out->status = URNE_INITIATIVE_TALLY_OK;
    return URNE_INITIATIVE_TALLY_OK;
}
