/*
 * rounding: from a distribution over panels to m equally likely panels, keeping every
 * volunteer's probability as close as possible to what the distribution gives them
 * (Flanigan, Kehne, Procaccia, 'Fair sortition made transparent', 2021).
 *
 * A lottery anyone can check is m tickets, each a panel: panel P gets c_P of them, so
 * its probability becomes c_P / m and a member of type t is selected with probability
 * pi'_t = sum_P c_P x_t(P) / (n_t m) instead of pi_t. As in the paper, each count is
 * m p_P rounded down or up (so that no panel's probability moves by 1/m or more); which
 * ones go up decides how far the pi'_t stray. Largest remainders (round up the panels
 * closest to their next ticket) ignores the volunteers entirely; here it is only the
 * start. Then, while it helps, one ticket moves from a panel rounded up to one rounded
 * down, chosen to lower the largest deviation |pi'_t - pi_t| of any type (and, at
 * equal largest deviation, the sum of squared deviations, which spreads the error and
 * opens the way to lowering the largest later). Only moves that can help the worst
 * type are tried: a panel holding more of it gives a ticket to one holding fewer, or
 * the reverse. The result is never worse than largest remainders and is a local
 * optimum (no single move improves it), not a proven global one.
 *
 * Everything here is arithmetic in a fixed order: no clock, no solver, so anyone
 * rerunning the draw on another machine gets the same tickets. The search is bounded
 * in moves (URNE_SORTITION_ROUNDING_MOVES, each strictly improving), not in time; were
 * it ever reached, the result says so (local_optimum 0) rather than claim a local
 * optimum it did not reach.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"


/* Counts by largest remainders: every x_q rounded down, then up for the largest
 * fractional parts (lowest index first on ties) until they sum to m. rem: P scratch. */
static void largest_remainders(const double *x, size_t P, size_t m, size_t *copies, double *rem) {
    size_t given = 0;
    for (size_t q = 0; q < P; q++) {
        copies[q] = (size_t)floor(x[q]);
        given += copies[q];
        rem[q] = x[q] - floor(x[q]);
    }
    for (; given < m && P > 0; given++) {
        size_t best = 0;
        for (size_t q = 1; q < P; q++)
            if (rem[q] > rem[best]) best = q;
        copies[best]++;
        rem[best] = -1;
    }
}

/* The largest |pi'_t - pi_t|, from the deviations in tickets. */
static double largest(const double *dev, size_t T, size_t m) {
    double worst = 0;
    for (size_t t = 0; t < T; t++)
        if (fabs(dev[t]) > worst) worst = fabs(dev[t]);
    return worst / (double)m;
}

/* dev[t] = sum_P c_P x_t(P) / n_t - m pi_t: type t's deviation in tickets. */
static void deviations(const urne_pool *pool, const urne_sortition_result *r, size_t m, const size_t *copies,
                       double *dev) {
    size_t T = pool->ntypes;
    for (size_t t = 0; t < T; t++) {
        dev[t] = -(double)m * r->type_prob[t];
        for (size_t q = 0; q < r->npanels; q++)
            if (r->panels[q * T + t]) dev[t] += (double)copies[q] * (double)r->panels[q * T + t] / (double)pool->type_size[t];
    }
}

typedef struct mover {
    const urne_pool *pool;
    const urne_sortition_result *r;
    size_t T;
    double *dev, *delta;
    size_t *touched, ntouched;
    char *mark;
    size_t moves;
    urne_sparse share;  /* column q: x_t(q) / n_t for the types panel q seats */
} mover;

/* The effect of moving one ticket from panel `from` to panel `to` into delta[] (the
 * types touched listed in touched[]). */
static void move_effect(mover *mv, size_t from, size_t to) {
    for (size_t i = 0; i < mv->ntouched; i++) mv->delta[mv->touched[i]] = 0, mv->mark[mv->touched[i]] = 0;
    mv->ntouched = 0;
    for (int side = 0; side < 2; side++) {
        size_t q = side ? to : from;
        for (CoinBigIndex e = mv->share.start[q]; e < mv->share.start[q + 1]; e++) {
            size_t t = (size_t)mv->share.index[e];
            if (!mv->mark[t]) mv->mark[t] = 1, mv->touched[mv->ntouched++] = t;
            mv->delta[t] += side ? mv->share.value[e] : -mv->share.value[e];
        }
    }
}

/* Improve `copies` by moving tickets (see above). up[q]: panel q is rounded up.
 * Returns 1 at a local optimum, 0 when the bound of moves stopped it. */
static int improve(mover *mv, size_t P, const int *fractional, int *up, size_t *copies) {
    size_t T = mv->T;
    for (size_t moves = 0; moves < URNE_SORTITION_ROUNDING_MOVES; moves++) {
        /* the worst type, the largest deviation without it, and the sum of squares */
        size_t worst = 0;
        double ss = 0;
        for (size_t t = 0; t < T; t++) {
            ss += mv->dev[t] * mv->dev[t];
            if (fabs(mv->dev[t]) > fabs(mv->dev[worst])) worst = t;
        }
        double cur_max = fabs(mv->dev[worst]), best_max = cur_max, best_ss = ss;
        size_t best_from = P, best_to = P;
        int too_many = mv->dev[worst] > 0;
        for (size_t from = 0; from < P; from++) {
            if (!fractional[from] || !up[from]) continue;
            for (size_t to = 0; to < P; to++) {
                if (!fractional[to] || up[to]) continue;
                int64_t xf = mv->r->panels[from * T + worst], xt = mv->r->panels[to * T + worst];
                if (too_many ? xf <= xt : xf >= xt) continue; /* cannot help the worst type */
                move_effect(mv, from, to);
                /* the largest deviation after the move: touched types at their new
                 * value, the others as they are */
                double new_max = 0, new_ss = ss;
                for (size_t i = 0; i < mv->ntouched; i++) {
                    size_t t = mv->touched[i];
                    double v = mv->dev[t] + mv->delta[t];
                    new_ss += v * v - mv->dev[t] * mv->dev[t];
                    if (fabs(v) > new_max) new_max = fabs(v);
                }
                if (new_max > best_max + 1e-12) continue;
                for (size_t t = 0; t < T && new_max <= best_max + 1e-12; t++)
                    if (!mv->mark[t] && fabs(mv->dev[t]) > new_max) new_max = fabs(mv->dev[t]);
                if (new_max < best_max - 1e-12 || (new_max <= best_max + 1e-12 && new_ss < best_ss - 1e-12)) {
                    best_max = new_max, best_ss = new_ss, best_from = from, best_to = to;
                }
            }
        }
        if (best_from == P) return 1; /* no move improves: a local optimum */
        move_effect(mv, best_from, best_to);
        for (size_t i = 0; i < mv->ntouched; i++) mv->dev[mv->touched[i]] += mv->delta[mv->touched[i]];
        copies[best_from]--, copies[best_to]++;
        mv->moves++;
        up[best_from] = 0, up[best_to] = 1;
    }
    return 0;
}

int urne_sortition_round(const urne_pool *pool, const urne_sortition_result *r, size_t m, size_t *copies,
                         urne_sortition_rounding *how) {
    size_t P = r->npanels, T = pool->ntypes;
    double *x = malloc((P ? P : 1) * sizeof *x), *rem = malloc((P ? P : 1) * sizeof *rem);
    int *fractional = malloc((P ? P : 1) * sizeof *fractional), *up = malloc((P ? P : 1) * sizeof *up);
    mover mv = {pool, r, T, malloc((T ? T : 1) * sizeof(double)), calloc(T ? T : 1, sizeof(double)),
                malloc((T ? T : 1) * sizeof(size_t)), 0, calloc(T ? T : 1, 1), 0, {0}};
    int rc = -1;
    size_t nnz = 0;
    for (size_t e = 0; e < P * T; e++) nnz += r->panels[e] != 0;
    if (!x || !rem || !fractional || !up || !mv.dev || !mv.delta || !mv.touched || !mv.mark ||
        urne_sparse_reserve(&mv.share, P, nnz) != 0)
        goto out;
    for (size_t q = 0; q < P; q++) {
        for (size_t t = 0; t < T; t++)
            if (r->panels[q * T + t]) urne_sparse_add(&mv.share, (int)t, (double)r->panels[q * T + t] / (double)pool->type_size[t]);
        urne_sparse_end_col(&mv.share);
    }
    for (size_t q = 0; q < P; q++) {
        x[q] = r->panel_prob[q] * (double)m;
        double near = floor(x[q] + 0.5);
        if (fabs(x[q] - near) < 1e-9) x[q] = near; /* an exact count, up to floating-point noise */
    }
    largest_remainders(x, P, m, copies, rem);
    for (size_t q = 0; q < P; q++) {
        fractional[q] = x[q] != floor(x[q]);
        up[q] = fractional[q] && (double)copies[q] > x[q];
    }
    deviations(pool, r, m, copies, mv.dev);
    how->largest_remainders_deviation = largest(mv.dev, T, m);
    how->local_optimum = improve(&mv, P, fractional, up, copies);
    deviations(pool, r, m, copies, mv.dev); /* afresh, not the sum of the moves' updates */
    how->deviation = largest(mv.dev, T, m);
    how->moves = mv.moves;
#ifndef NDEBUG
    { /* m tickets, each count m p rounded down or up, never worse than largest remainders */
        size_t total = 0;
        for (size_t q = 0; q < P; q++) {
            assert((double)copies[q] >= floor(x[q]) && (double)copies[q] <= ceil(x[q]));
            total += copies[q];
        }
        assert(total == m);
        assert(how->deviation <= how->largest_remainders_deviation + 1e-12);
    }
#endif
    rc = 0;
out:
    urne_sparse_free(&mv.share);
    free(mv.dev), free(mv.delta), free(mv.touched), free(mv.mark), free(fractional), free(up), free(x), free(rem);
    return rc;
}
