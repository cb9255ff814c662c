/*
 * panels: the set of distinct panels a method has found, and two ways to grow it
 * before any optimisation — diverse panels by multiplicative weights (the paper's
 * seeding, which spares column generation its slow start), and panels covering every
 * type that can be covered, which also tells which volunteers no valid panel holds.
 *
 * Neither is budgeted (issue 14): the seeding is a fixed number of local searches
 * (URNE_SEED_ROUNDS_MAX), which only the caller's callback may cut short, and the cover
 * is at most one exact search per type, run to the end, with no node limit, because it
 * decides which volunteers get probability 0: a cover cut short would give 0 to
 * someone a panel could hold, and no flag would make that fair.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"

size_t urne_panels_find(const urne_panels *ps, const int64_t *x) {
    size_t q = 0;
    while (q < ps->n && memcmp(ps->x + q * ps->T, x, ps->T * sizeof *x) != 0) q++;
    return q;
}

int urne_panels_add(urne_panels *ps, const int64_t *x) {
    assert(ps->n <= ps->cap);
    if (urne_panels_find(ps, x) < ps->n) return 0;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        int64_t *nx = realloc(ps->x, cap * (ps->T ? ps->T : 1) * sizeof *nx);
        if (nx == NULL) return -1;
        ps->x = nx;
        ps->cap = cap;
    }
    memcpy(ps->x + ps->n * ps->T, x, ps->T * sizeof *x);
    ps->n++;
    return 1;
}

void urne_panels_free(urne_panels *ps) {
    free(ps->x);
    memset(ps, 0, sizeof *ps);
}

int urne_panels_seed(urne_panels *ps, urne_search *s, int64_t *x, size_t rounds) {
    size_t T = s->T;
    double *u = malloc((T ? T : 1) * sizeof *u), *w = malloc((T ? T : 1) * sizeof *w);
    int rc = -1;
    if (!u || !w) goto out;
    for (size_t t = 0; t < T; t++) u[t] = 1.0;
    for (size_t i = 0; i < rounds && !urne_search_stopped(s); i++) {
        for (size_t t = 0; t < T; t++) w[t] = u[t] / (double)s->p->type_size[t];
        urne_search_improve(s, w, x);
        if (urne_panels_add(ps, x) < 0) goto out;
        double total = 0;
        for (size_t t = 0; t < T; t++) {
            u[t] *= 1.0 - 0.5 * (double)x[t] / (double)s->p->type_size[t];
            total += u[t];
        }
        for (size_t t = 0; t < T; t++) u[t] = u[t] * (double)T / total + 1e-12;
    }
    rc = 0;
out:
    free(u), free(w);
    return rc;
}

int urne_panels_cover(urne_panels *ps, urne_search *s, char *covered) {
    size_t T = s->T;
    double *w = malloc((T ? T : 1) * sizeof *w);
    int64_t *x = malloc((T ? T : 1) * sizeof *x);
    int rc = -1, nodes = s->nodes;
    s->nodes = 0; /* exact: see above */
    if (!w || !x) goto out;
    memset(covered, 0, T);
    for (size_t q = 0; q < ps->n; q++)
        for (size_t t = 0; t < T; t++)
            if (ps->x[q * T + t]) covered[t] = 1;
    for (;;) {
        size_t missing = 0;
        for (size_t t = 0; t < T; t++) {
            w[t] = covered[t] ? 0.0 : 1.0;
            missing += !covered[t];
        }
        if (missing == 0) break;
        /* a panel seating as many uncovered types as possible; none: they are on no panel */
        size_t found = 0;
        int r = urne_search_best(s, w, 0.5, x, 1, &found);
        if (r == URNE_SEARCH_NONE_ABOVE || (r == URNE_SEARCH_FOUND && urne_search_value(s, w, x) < 0.5)) break;
        if (r != URNE_SEARCH_FOUND) goto out;
        if (urne_panels_add(ps, x) < 0) goto out;
        for (size_t t = 0; t < T; t++)
            if (x[t]) covered[t] = 1;
    }
    rc = 0;
out:
    s->nodes = nodes;
    free(w), free(x);
    return rc;
}

int urne_panels_start(urne_panels *ps, urne_search *s, int64_t *x, size_t seeds, char *covered, urne_diags *diags) {
    double *w = malloc((s->T ? s->T : 1) * sizeof *w);
    if (w == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        return -1;
    }
    for (size_t t = 0; t < s->T; t++) w[t] = 1.0;
    size_t found = 0;
    int nodes = s->nodes;
    s->nodes = 0; /* the first panel too is exact: without it nothing can start */
    int first = urne_search_best(s, w, -INFINITY, x, 1, &found);
    s->nodes = nodes;
    free(w);
    if (first != URNE_SEARCH_FOUND) {
        if (first == URNE_SEARCH_INFEASIBLE)
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "infeasible", "no panel of %lld meets every quota",
                           (long long)s->k);
        else
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the MIP solver (CBC) failed");
        return -1;
    }
    if (urne_panels_add(ps, x) < 0 || urne_panels_seed(ps, s, x, seeds) != 0 ||
        urne_panels_cover(ps, s, covered) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the search for panels failed (solver or memory)");
        return -1;
    }
    return 0;
}
