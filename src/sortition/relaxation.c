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
 *
 * Limits (issue 14), none of them a clock: the LEXIMIN over Q takes at most T rounds
 * (each fixes a type), its LPs solved by CLP without a time or iteration limit; each
 * decomposition step is a budgeted panel search (urne_search_spend), its face MIP
 * stopped at a fixed 100 nodes; and the caller's "should I stop?" is polled between
 * rounds and steps. A stop is reported as such: the caller falls back to the column
 * generation, which stops too and says why.
 */
#include <assert.h>
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
        if (urne_search_stopped(s)) { /* the caller: the column generation reports it */
            rc = 0;
            goto out;
        }
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
        size_t before = nfixed;
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
        assert(nfixed > before); /* the largest dual is tight: at most T rounds */
        (void)before;
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

/* The decomposition's working state: the point left to decompose, the face it lies on,
 * the panel found on it. */
typedef struct decomposer {
    urne_search *s;
    double *x;            /* T: what is left, scaled back to a point of Q */
    double *clb, *cub;    /* T: the face's column bounds */
    double *w;            /* T: the face MIP's weights */
    double *count;        /* R: x's row sums */
    double *ccount;       /* R: the panel's row sums */
    double *rlo, *rhi;    /* R: the face's row bounds */
    int64_t *c;           /* T: the panel found on the face */
} decomposer;

/* The face x lies on: bounds and rows it sits on, held with equality (x snapped onto
 * them within FACE_EPS), and the weights that aim the face MIP at the types x seats
 * most. Returns 1 when x is integral (a panel itself, then in d->c), else 0. */
static int find_face(decomposer *d) {
    urne_search *s = d->s;
    size_t T = s->T, R = s->R;
    int integral = 1;
    memset(d->count, 0, R * sizeof *d->count);
    for (size_t t = 0; t < T; t++) {
        double n = s->cub[t], *x = &d->x[t];
        if (*x < FACE_EPS) *x = 0;
        if (*x > n - FACE_EPS) *x = n;
        d->clb[t] = *x == n ? n : 0;
        d->cub[t] = *x == 0 ? 0 : n;
        if (fabs(*x - nearbyint(*x)) > FACE_EPS) integral = 0;
        for (CoinBigIndex e = s->m.start[t]; e < s->m.start[t + 1]; e++) d->count[s->m.index[e]] += *x;
        /* seats where x has many, not where it has few: a panel close to x goes a long way */
        d->w[t] = d->clb[t] == d->cub[t] ? 0 : log(*x / n) - log1p(-*x / n);
    }
    if (integral) {
        for (size_t t = 0; t < T; t++) d->c[t] = (int64_t)llround(d->x[t]);
        return 1;
    }
    for (size_t r = 0; r < R; r++) {
        d->rlo[r] = s->rlb[r], d->rhi[r] = s->rub[r];
        if (d->count[r] < s->rlb[r] + FACE_EPS) d->rhi[r] = s->rlb[r];
        else if (d->count[r] > s->rub[r] - FACE_EPS) d->rlo[r] = s->rub[r];
    }
    return 0;
}

/* How far along d->c: the largest lambda keeping x' = (x - lambda c) / (1 - lambda) in Q
 * (on the face). */
static double step_length(decomposer *d) {
    urne_search *s = d->s;
    size_t T = s->T, R = s->R;
    double lambda = 1.0;
    memset(d->ccount, 0, R * sizeof *d->ccount);
    for (size_t t = 0; t < T; t++) {
        lambda = step_limit(lambda, d->x[t], (double)d->c[t], 0, s->cub[t]);
        for (CoinBigIndex e = s->m.start[t]; e < s->m.start[t + 1]; e++) d->ccount[s->m.index[e]] += (double)d->c[t];
    }
    for (size_t r = 0; r < R; r++) lambda = step_limit(lambda, d->count[r], d->ccount[r], d->rlo[r], d->rhi[r]);
    return lambda;
}

int urne_relaxed_decompose(urne_search *s, const double *x0, urne_panels *ps, double **weights,
                           void (*progress)(void *ctx, size_t panels), void *ctx) {
    size_t T = s->T, R = s->R, cap = 0, TT = T ? T : 1;
    decomposer d = {s,
                    malloc(TT * sizeof(double)),
                    malloc(TT * sizeof(double)),
                    malloc(TT * sizeof(double)),
                    malloc(TT * sizeof(double)),
                    malloc(R * sizeof(double)),
                    malloc(R * sizeof(double)),
                    malloc(R * sizeof(double)),
                    malloc(R * sizeof(double)),
                    malloc(TT * sizeof(int64_t))};
    double mass = 1.0; /* the weight of what is left */
    int rc = -1;
    *weights = NULL;
    assert(ps->n == 0);
    if (!d.x || !d.clb || !d.cub || !d.w || !d.count || !d.ccount || !d.rlo || !d.rhi || !d.c) goto out;
    memcpy(d.x, x0, T * sizeof *d.x);
    /* every step puts x on a face of lower dimension: T + R steps at most, unless
     * rounding hides a tight constraint, and then this stops it */
    for (size_t step = 0;; step++) {
        if (step > T + R) {
            rc = 0;
            goto out;
        }
        if (find_face(&d)) { /* x is a panel itself: the last one */
            if (!urne_search_valid(s, d.c)) rc = mass <= DECOMPOSE_REST ? 1 : 0;
            else rc = record(ps, weights, &cap, d.c, mass) == 0 ? 1 : -1;
            goto out;
        }
        if (!urne_search_spend(s)) {
            rc = 2;
            goto out;
        }
        int found = urne_search_face(s, d.w, d.clb, d.cub, d.rlo, d.rhi, d.c);
        if (found == URNE_SEARCH_INFEASIBLE) {
            /* what is left weighs nothing that shows: it is rounding noise, amplified
             * by the divisions by 1 - lambda, and the weights found are the answer */
            rc = mass <= DECOMPOSE_REST ? 1 : 0;
            goto out;
        }
        if (found != URNE_SEARCH_FOUND) goto out;
        double lambda = step_length(&d);
        if (lambda >= 1.0 - 1e-12) { /* x is c */
            rc = record(ps, weights, &cap, d.c, mass) == 0 ? 1 : -1;
            goto out;
        }
        if (record(ps, weights, &cap, d.c, mass * lambda) != 0) goto out;
        for (size_t t = 0; t < T; t++) d.x[t] = (d.x[t] - lambda * (double)d.c[t]) / (1.0 - lambda);
        mass *= 1.0 - lambda;
        if (progress) progress(ctx, ps->n);
    }
out:
    if (rc == 1) { /* the weights found sum to 1 but for the remainder left out */
        double total = 0;
        for (size_t q = 0; q < ps->n; q++) total += (*weights)[q];
        assert(fabs(total - 1.0) <= DECOMPOSE_REST + 1e-9);
        (void)total;
    }
    free(d.x), free(d.clb), free(d.cub), free(d.w), free(d.count), free(d.ccount), free(d.rlo), free(d.rhi), free(d.c);
    return rc;
}
