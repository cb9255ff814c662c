/*
 * result: building a count's report, and the lot generator. See count.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"

int urne_count_result_init(urne_count_result *r, size_t ncand, const char *method, const char *rule, int scale) {
    memset(r, 0, sizeof *r);
    urne_arena_init(&r->arena);
    r->method = method;
    r->rule = rule;
    r->ncand = ncand;
    r->scale = scale;
    r->condorcet_winner = URNE_COUNT_NONE;
    r->winners = urne_arena_alloc(&r->arena, (ncand ? ncand : 1) * sizeof *r->winners);
    return r->winners ? 0 : -1;
}

urne_count_stage *urne_count_stage_add(urne_count_result *r, const char *action, const int64_t *votes,
                                       int64_t nontransferable, const char *state) {
    if (r->nstages == r->stage_cap) {
        size_t cap = r->stage_cap ? r->stage_cap * 2 : 16;
        urne_count_stage *s = urne_arena_alloc(&r->arena, cap * sizeof *s);
        if (s == NULL) return NULL;
        if (r->nstages) memcpy(s, r->stages, r->nstages * sizeof *s);
        r->stages = s;
        r->stage_cap = cap;
    }
    urne_count_stage *st = &r->stages[r->nstages];
    memset(st, 0, sizeof *st);
    st->action = action;
    st->votes = urne_arena_alloc(&r->arena, (r->ncand ? r->ncand : 1) * sizeof *st->votes);
    st->state = urne_arena_alloc(&r->arena, r->ncand + 1);
    if (st->votes == NULL || st->state == NULL) return NULL;
    for (size_t i = 0; i < r->ncand; i++) {
        st->votes[i] = votes ? votes[i] : 0;
        st->state[i] = state ? state[i] : URNE_HOPEFUL;
    }
    st->nontransferable = nontransferable;
    r->nstages++;
    return st;
}

int urne_count_winner_add(urne_count_result *r, size_t candidate) {
    if (r->nwinners >= r->ncand) return -1;
    r->winners[r->nwinners++] = candidate;
    return 0;
}

void urne_count_result_free(urne_count_result *r) {
    urne_arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}

void urne_lot_init(urne_lot *lot, uint64_t seed) { lot->state = seed; }

static uint64_t next64(urne_lot *lot) {
    uint64_t z = (lot->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t urne_lot_below(urne_lot *lot, uint64_t n) {
    if (n <= 1) return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n; /* no modulo bias */
    uint64_t x;
    do x = next64(lot);
    while (x >= limit);
    return x % n;
}

size_t urne_count_pick(urne_count_result *r, const int64_t *now, const size_t *pool, size_t n, int highest,
                       urne_lot *lot, const char *const *names, const char *what) {
    if (n == 0) return URNE_COUNT_NONE;
    size_t *best = malloc(n * sizeof *best), nb = 0;
    if (best == NULL) return pool[0]; /* out of memory: a defined answer rather than none */
    const int64_t *row = now;
    int tied_now = 0;
    for (size_t s = 0;; s++) {
        /* keep the best of the current pool at `row` */
        int64_t lim = highest ? INT64_MIN : INT64_MAX;
        const size_t *from = s == 0 ? pool : best;
        size_t m = s == 0 ? n : nb;
        for (size_t i = 0; i < m; i++)
            if (highest ? row[from[i]] > lim : row[from[i]] < lim) lim = row[from[i]];
        size_t k = 0;
        for (size_t i = 0; i < m; i++)
            if (row[from[i]] == lim) best[k++] = from[i];
        nb = k;
        if (s == 0) tied_now = nb > 1;
        if (nb <= 1 || s >= r->nstages) break;
        row = r->stages[s].votes; /* then the earliest stage, the next, ... */
    }
    size_t c = best[0];
    if (nb > 1 && r->tie_order) {
        for (size_t i = 1; i < nb; i++)
            if (r->tie_order[best[i]] < r->tie_order[c]) c = best[i];
    } else if (nb > 1) {
        c = best[urne_lot_below(lot, nb)];
    }
    if (tied_now) {
        size_t used = strlen(r->tiebreak);
        snprintf(r->tiebreak + used, sizeof r->tiebreak - used, "%s%s: %s chosen %s", used ? "; " : "", what,
                 names[c] ? names[c] : "?",
                 nb > 1 ? (r->tie_order ? "by the tie order of the ballot file" : "by lot")
                        : "by the earliest stage at which the tied candidates differed");
    }
    free(best);
    return c;
}

int urne_count_check_ballots(const urne_ballots *b, int64_t per_vote, const char *method, urne_diags *diags) {
    if (urne_ballots_bounded(b) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "weight", URNE_RULE_WEIGHT_BOUND,
                       "%s: the ballots' weights must each be at least 1 and add up to at most %lld", method,
                       (long long)URNE_BALLOTS_WEIGHT_MAX);
        return -1;
    }
    int64_t units;
    if (per_vote < 1 || __builtin_mul_overflow(b->total, per_vote, &units)) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "weight", URNE_RULE_WEIGHT_BOUND,
                       "%s: the ballots' weights add up to %lld, more than the %lld this method can count exactly "
                       "(%lld units a vote in int64)",
                       method, (long long)b->total, (long long)(INT64_MAX / (per_vote < 1 ? 1 : per_vote)),
                       (long long)per_vote);
        return -1;
    }
    return 0;
}

int urne_count_stv_check(const urne_ballots *b, size_t seats, const char *rule, urne_diags *diags) {
    if (seats == 0 || seats > b->ncand) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "seats", "seats",
                       "%zu seats for %zu candidates: STV needs between 1 and the number of candidates", seats, b->ncand);
        return -1;
    }
    /* Any tie mark at all: the marks OR'ed a word at a time (every ballot's preferences
     * pass here once per count; byte by byte this was 4 % of a Scottish count). */
    uint64_t any = 0, w;
    size_t i = 0;
    for (; i + 8 <= b->nprefs; i += 8) {
        memcpy(&w, b->tied + i, sizeof w);
        any |= w;
    }
    for (; i < b->nprefs; i++) any |= b->tied[i];
    if (any) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "strict-ranking",
                       "a ballot ranks two candidates equal; %s STV counts strict rankings only", rule);
        return -1;
    }
    return 0;
}
