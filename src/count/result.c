/*
 * result: building a count's report, and the lot generator. See count.h.
 */
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
