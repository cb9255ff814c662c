/*
 * pool: volunteers and their types. See sortition.h.
 */
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"

int urne_pool_types(urne_pool *pool) {
    size_t n = pool->n, c = pool->ncat;
    pool->type_of = urne_arena_alloc(&pool->arena, (n ? n : 1) * sizeof *pool->type_of);
    pool->type_size = urne_arena_alloc(&pool->arena, (n ? n : 1) * sizeof *pool->type_size);
    pool->type_feature = urne_arena_alloc(&pool->arena, (n && c ? n * c : 1) * sizeof *pool->type_feature);
    if (!pool->type_of || !pool->type_size || !pool->type_feature) return -1;
    /* Quadratic in types, linear in people: types are few (hundreds at most). */
    if (pool->household) {
        pool->type_household = urne_arena_alloc(&pool->arena, (n ? n : 1) * sizeof *pool->type_household);
        if (!pool->type_household) return -1;
    }
    pool->ntypes = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t *f = pool->feature + i * c;
        uint32_t h = pool->household ? pool->household[i] : URNE_NO_HOUSEHOLD;
        size_t t = 0;
        while (t < pool->ntypes && (h != URNE_NO_HOUSEHOLD || (pool->type_household && pool->type_household[t] != URNE_NO_HOUSEHOLD) ||
                                    memcmp(pool->type_feature + t * c, f, c * sizeof *f) != 0))
            t++;
        if (t == pool->ntypes) {
            memcpy(pool->type_feature + t * c, f, c * sizeof *f);
            pool->type_size[t] = 0;
            if (pool->type_household) pool->type_household[t] = h;
            pool->ntypes++;
        }
        pool->type_of[i] = (uint32_t)t;
        pool->type_size[t]++;
    }
    return 0;
}

void urne_pool_free(urne_pool *pool) {
    free(pool->feature);
    free((void *)pool->ids);
    free((void *)pool->lines);
    free(pool->household);
    urne_arena_free(&pool->arena);
    memset(pool, 0, sizeof *pool);
}

void urne_sortition_result_free(urne_sortition_result *r) {
    free(r->panels);
    free(r->panel_prob);
    free(r->type_prob);
    memset(r, 0, sizeof *r);
}

int urne_pool_counts_valid(const urne_pool *p, const int64_t *x, int64_t k) {
    int64_t size = 0;
    for (size_t t = 0; t < p->ntypes; t++) {
        if (x[t] < 0 || x[t] > p->type_size[t]) return 0;
        size += x[t];
    }
    if (size != k) return 0;
    for (size_t c = 0; c < p->ncat; c++)
        for (size_t f = 0; f < p->nfeat[c]; f++) {
            int64_t have = 0;
            for (size_t t = 0; t < p->ntypes; t++)
                if (p->type_feature[t * p->ncat + c] == f) have += x[t];
            if (have < p->min[c][f] || have > p->max[c][f]) return 0;
        }
    return 1;
}

int urne_pool_panel_valid(const urne_pool *p, int64_t k, const char *selected) {
    int64_t size = 0, *count = calloc(p->ncat * URNE_SORTITION_MAX_FEATURES + 1, sizeof *count);
    int64_t *seated = calloc(p->nhouseholds + 1, sizeof *seated);
    if (count == NULL || seated == NULL) {
        free(count), free(seated);
        return -1;
    }
    int ok = 1;
    for (size_t i = 0; i < p->n; i++) {
        if (!selected[i]) continue;
        size++;
        for (size_t c = 0; c < p->ncat; c++) count[c * URNE_SORTITION_MAX_FEATURES + p->feature[i * p->ncat + c]]++;
        if (p->household && p->household[i] != URNE_NO_HOUSEHOLD && ++seated[p->household[i]] > 1) ok = 0;
    }
    for (size_t c = 0; c < p->ncat; c++)
        for (size_t f = 0; f < p->nfeat[c]; f++) {
            int64_t have = count[c * URNE_SORTITION_MAX_FEATURES + f];
            if (have < p->min[c][f] || have > p->max[c][f]) ok = 0;
        }
    free(count), free(seated);
    return ok && size == k;
}
