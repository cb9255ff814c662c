/*
 * relaxation: LEXIMIN through the LP relaxation of the quotas, when it is exact.
 *
 * A panel is an integer point of the quotas' polytope
 *
 *     Q = { x : 0 <= x_t <= n_t, every quota row within its bounds, sum_t x_t = k }
 *
 * (x_t seats for type t). A distribution over panels gives type t the expected seats
 * E[x_t], a point of conv(panels), which lies inside Q. So the LEXIMIN over Q itself
 * — a sequence of compact LPs with T + 1 columns, with no column generation at all — is
 * at least as good, in leximin order, as any distribution over panels. When its point
 * is a convex combination of panels, that combination *is* the LEXIMIN distribution,
 * exactly: nothing over panels can beat what nothing over Q beats.
 *
 * Q is not integral in general (with three categories or more some of its vertices are
 * fractional), so exactness is checked, never assumed: the point is decomposed into
 * panels, or the decomposition proves along its way that it cannot go on, and then
 * leximin.c's column generation does the work, starting from the panels met.
 *
 * The decomposition is Carathéodory's, made constructive. The point x lies inside a
 * face F of Q: the bounds and quota rows tight at x. Any panel c on F (a small MIP:
 * the same constraints, those of F held with equality) writes x = lambda c +
 * (1 - lambda) x' with x' = (x - lambda c) / (1 - lambda), still on F; the largest such
 * lambda puts x' on a face of lower dimension. So at most dim Q + 1 panels, one MIP
 * each, and no LP. When F holds no panel, x is no combination of panels (every panel
 * of a combination lies on the smallest face holding it), so the decomposition stops
 * there. Every point after the first is one the procedure chose, so a stop proves
 * nothing about the LEXIMIN point itself: the column generation then decides.
 *
 * On the instances measured (bench/RESULTS.md), Q's LEXIMIN decomposed every time, and
 * this path replaces hundreds of master LPs, each a dense T-row factorisation, by T
 * small MIPs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"

#define FACE_EPS 1e-9 /* seats within this of a bound, or a row within this of its quota, are on it */
#define DECOMPOSE_REST 1e-7 /* a remainder of this weight or less may be left out: probabilities move by less */

/* The LP: columns x_0 .. x_{T-1} then z; rows the search's (quotas, households, size),
 * then one per type, x_t / n_t - z >= 0 (>= v_t once fixed, z's coefficient then 0). */
static Clp_Simplex *build(const urne_search *s) {
    size_t T = s->T, R = s->R, C = T + 1, nnz = s->m.nnz + 2 * T;
    CoinBigIndex *start = malloc((C + 1) * sizeof *start);
    int *index = malloc(nnz * sizeof *index);
    double *value = malloc(nnz * sizeof *value), *clb = calloc(C, sizeof *clb), *cub = malloc(C * sizeof *cub),
           *obj = calloc(C, sizeof *obj), *rlb = malloc((R + T) * sizeof *rlb), *rub = malloc((R + T) * sizeof *rub);
    Clp_Simplex *lp = NULL;
    if (!start || !index || !value || !clb || !cub || !obj || !rlb || !rub) goto out;
    size_t e = 0;
    for (size_t t = 0; t < T; t++) {
        start[t] = (CoinBigIndex)e;
        for (CoinBigIndex i = s->m.start[t]; i < s->m.start[t + 1]; i++) index[e] = s->m.index[i], value[e++] = s->m.value[i];
        index[e] = (int)(R + t), value[e++] = 1.0 / (double)s->p->type_size[t];
        cub[t] = s->cub[t];
    }
    start[T] = (CoinBigIndex)e;
    for (size_t t = 0; t < T; t++) index[e] = (int)(R + t), value[e++] = -1.0;
    start[C] = (CoinBigIndex)e;
    cub[T] = URNE_LP_INF, obj[T] = 1.0;
    memcpy(rlb, s->rlb, R * sizeof *rlb), memcpy(rub, s->rub, R * sizeof *rub);
    for (size_t t = 0; t < T; t++) rlb[R + t] = 0.0, rub[R + t] = URNE_LP_INF;
    lp = Clp_newModel();
    if (lp == NULL) goto out;
    Clp_setLogLevel(lp, 0);
    Clp_loadProblem(lp, (int)C, (int)(R + T), start, index, value, clb, cub, obj, rlb, rub);
    Clp_setObjSense(lp, -1.0);
    Clp_setPrimalTolerance(lp, 1e-9);
    Clp_scaling(lp, 0);
out:
    free(start), free(index), free(value), free(clb), free(cub), free(obj), free(rlb), free(rub);
    return lp;
}

int urne_relaxed_leximin(urne_search *s, double *x, size_t *rounds, size_t *lp_solves) {
    size_t T = s->T, R = s->R, nfixed = 0;
    char *fixed = calloc(T ? T : 1, 1);
    double *rlb = malloc((R + T) * sizeof *rlb);
    Clp_Simplex *lp = build(s);
    int rc = -1;
    if (!fixed || !rlb || !lp) goto out;
    while (nfixed < T) {
        /* afresh every round: a warm primal simplex may leave a solution infeasible within
         * its tolerance, and the next rounds would build on that hair */
        Clp_initialSolve(lp);
        (*lp_solves)++;
        if (!Clp_isProvenOptimal(lp)) { /* only numerically: the true values are feasible */
            rc = 0;
            goto out;
        }
        double z = Clp_objectiveValue(lp), ymax = 0;
        const double *price = Clp_getRowPrice(lp);
        for (size_t t = 0; t < T; t++)
            if (!fixed[t] && fabs(price[R + t]) > ymax) ymax = fabs(price[R + t]);
        memcpy(rlb, Clp_getRowLower(lp), (R + T) * sizeof *rlb);
        for (size_t t = 0; t < T; t++) {
            if (fixed[t] || !urne_leximin_tight(fabs(price[R + t]), ymax)) continue;
            /* held at exactly the round's value, which is its LEXIMIN value: no slack given
             * (a hair given to each of a thousand types adds up and inflates the next
             * rounds' values), and the point is made of these values, not of the vertex's
             * (which may give a type a hair more) */
            fixed[t] = 1, nfixed++;
            x[t] = z * (double)s->p->type_size[t];
            rlb[R + t] = z;
            Clp_modifyCoefficient(lp, (int)(R + t), (int)T, 0.0, false);
        }
        Clp_chgRowLower(lp, rlb);
        (*rounds)++;
    }
    rc = 1;
out:
    if (lp) Clp_deleteModel(lp);
    free(fixed), free(rlb);
    return rc;
}

/* Record panel c with weight w: added to ps (its weight in *weights) or, already there,
 * its weight raised. 0 or -1 (memory). */
static int record(urne_panels *ps, double **weights, size_t *cap, const int64_t *c, double w) {
    size_t q = urne_panels_find(ps, c);
    if (q == ps->n) {
        if (urne_panels_add(ps, c) < 0) return -1;
        if (ps->n > *cap) {
            size_t ncap = *cap ? *cap * 2 : 64;
            double *nw = realloc(*weights, ncap * sizeof *nw);
            if (nw == NULL) return -1;
            *weights = nw, *cap = ncap;
        }
        (*weights)[q] = 0;
    }
    (*weights)[q] += w;
    return 0;
}

/* The largest lambda keeping (v - lambda c) / (1 - lambda) within [lo, hi], given v within
 * them: each side bounds it when c lies strictly inside on that side. */
static double step_limit(double lambda, double v, double c, double lo, double hi) {
    if (c > lo && (v - lo) / (c - lo) < lambda) lambda = (v - lo) / (c - lo);
    if (c < hi && (hi - v) / (hi - c) < lambda) lambda = (hi - v) / (hi - c);
    return lambda;
}

int urne_relaxed_decompose(urne_search *s, const double *x0, urne_panels *ps, double **weights, double deadline,
                           void (*progress)(void *ctx, size_t panels), void *ctx) {
    size_t T = s->T, R = s->R, cap = 0, TT = T ? T : 1;
    double *x = malloc(TT * sizeof *x), *clb = malloc(TT * sizeof *clb), *cub = malloc(TT * sizeof *cub),
           *w = malloc(TT * sizeof *w), *count = malloc(R * sizeof *count), *ccount = malloc(R * sizeof *ccount),
           *rlo = malloc(R * sizeof *rlo), *rhi = malloc(R * sizeof *rhi);
    int64_t *c = malloc(TT * sizeof *c);
    double mass = 1.0;
    int rc = -1;
    *weights = NULL;
    if (!x || !clb || !cub || !w || !count || !ccount || !rlo || !rhi || !c) goto out;
    memcpy(x, x0, T * sizeof *x);
    /* every step puts x on a face of lower dimension: T + R steps at most, unless
     * rounding hides a tight constraint, and then this stops it */
    for (size_t step = 0;; step++) {
        if (step > T + R) {
            rc = 0;
            goto out;
        }
        if (deadline > 0 && urne_sortition_now() > deadline) {
            rc = 2;
            goto out;
        }
        /* the face: bounds and rows x sits on, held with equality */
        int integral = 1;
        memset(count, 0, R * sizeof *count);
        for (size_t t = 0; t < T; t++) {
            double n = s->cub[t];
            if (x[t] < FACE_EPS) x[t] = 0;
            if (x[t] > n - FACE_EPS) x[t] = n;
            clb[t] = x[t] == n ? n : 0;
            cub[t] = x[t] == 0 ? 0 : n;
            if (fabs(x[t] - nearbyint(x[t])) > FACE_EPS) integral = 0;
            for (CoinBigIndex e = s->m.start[t]; e < s->m.start[t + 1]; e++) count[s->m.index[e]] += x[t];
            /* seats where x has many, not where it has few: a panel close to x goes a long way */
            w[t] = clb[t] == cub[t] ? 0 : log(x[t] / n) - log1p(-x[t] / n);
        }
        if (integral) { /* x is a panel itself: the last one */
            for (size_t t = 0; t < T; t++) c[t] = (int64_t)llround(x[t]);
            if (!urne_search_valid(s, c)) {
                rc = mass <= DECOMPOSE_REST ? 1 : 0;
                goto out;
            }
            rc = record(ps, weights, &cap, c, mass) == 0 ? 1 : -1;
            goto out;
        }
        for (size_t r = 0; r < R; r++) {
            rlo[r] = s->rlb[r], rhi[r] = s->rub[r];
            if (count[r] < s->rlb[r] + FACE_EPS) rhi[r] = s->rlb[r];
            else if (count[r] > s->rub[r] - FACE_EPS) rlo[r] = s->rub[r];
        }
        int found = urne_search_face(s, w, clb, cub, rlo, rhi, c);
        if (found == URNE_SEARCH_INFEASIBLE) {
            /* what is left weighs nothing that shows: it is rounding noise, amplified
             * by the divisions by 1 - lambda, and the weights found are the answer */
            rc = mass <= DECOMPOSE_REST ? 1 : 0;
            goto out;
        }
        if (found != URNE_SEARCH_FOUND) goto out;
        /* how far along c: x' = (x - lambda c) / (1 - lambda) stays in Q */
        double lambda = 1.0;
        memset(ccount, 0, R * sizeof *ccount);
        for (size_t t = 0; t < T; t++) {
            lambda = step_limit(lambda, x[t], (double)c[t], 0, s->cub[t]);
            for (CoinBigIndex e = s->m.start[t]; e < s->m.start[t + 1]; e++) ccount[s->m.index[e]] += (double)c[t];
        }
        for (size_t r = 0; r < R; r++) lambda = step_limit(lambda, count[r], ccount[r], rlo[r], rhi[r]);
        if (lambda >= 1.0 - 1e-12) { /* x is c */
            rc = record(ps, weights, &cap, c, mass) == 0 ? 1 : -1;
            goto out;
        }
        if (record(ps, weights, &cap, c, mass * lambda) != 0) goto out;
        for (size_t t = 0; t < T; t++) x[t] = (x[t] - lambda * (double)c[t]) / (1.0 - lambda);
        mass *= 1.0 - lambda;
        if (progress) progress(ctx, ps->n);
    }
out:
    free(x), free(clb), free(cub), free(w), free(count), free(ccount), free(rlo), free(rhi), free(c);
    return rc;
}
