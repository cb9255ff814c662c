/*
 * nash: the distribution maximising the product of the volunteers' selection
 * probabilities (equivalently the sum of their logarithms), the Nash welfare of
 * Flanigan et al. (Nature 2021), over the volunteers some valid panel holds.
 *
 * With a distribution lambda over panels, a member of type t is selected with
 * probability pi_t = sum_P lambda_P x_t(P) / n_t, and the objective is
 * F = sum_t n_t log pi_t. Its gradient in the direction of panel P is
 * g_P = sum_t x_t(P) / pi_t, and at the optimum g_P <= n for every panel, with
 * equality on the support (the KKT conditions; sum_P lambda_P g_P = n always).
 *
 * Over the panels known, the multiplicative update lambda_P <- lambda_P g_P / n climbs
 * F monotonically (it is the EM iteration for mixture weights). Then pricing: the panel
 * maximising sum_t x_t / pi_t; while it is worth more than n it joins, else the
 * distribution is optimal within the tolerance.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"

#define NASH_TOL 1e-8      /* stop when no panel's gradient exceeds n by more than this, relative: the
                            * welfare is then within n x NASH_TOL of the optimum */
#define EM_STEPS 20000     /* at most, between two pricings */

static void probabilities(const urne_pool *p, const urne_panels *ps, const double *lambda, double *pi) {
    size_t T = p->ntypes;
    memset(pi, 0, T * sizeof *pi);
    for (size_t q = 0; q < ps->n; q++)
        if (lambda[q] > 0)
            for (size_t t = 0; t < T; t++)
                if (ps->x[q * T + t]) pi[t] += lambda[q] * (double)ps->x[q * T + t];
    for (size_t t = 0; t < T; t++) pi[t] /= (double)p->type_size[t];
}

static double gradient(const urne_panels *ps, size_t q, const double *inv) {
    double g = 0;
    for (size_t t = 0; t < ps->T; t++)
        if (ps->x[q * ps->T + t]) g += (double)ps->x[q * ps->T + t] * inv[t];
    return g;
}

int urne_sortition_nash(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                        urne_sortition_result *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    size_t T = pool->ntypes;
    urne_search search;
    urne_panels ps = {T, 0, 0, NULL};
    double start = urne_sortition_now(), deadline = opt->seconds > 0 ? start + opt->seconds : 0;
    double *lambda = NULL, *pi = malloc((T ? T : 1) * sizeof *pi), *inv = malloc((T ? T : 1) * sizeof *inv);
    char *covered = malloc(T ? T : 1);
    int64_t *x = malloc((T ? T : 1) * sizeof *x);
    int rc = -1, searching = 0;
    if (!pi || !inv || !covered || !x || urne_search_init(&search, pool, k) != 0) goto oom;
    searching = 1;
    size_t found = 0;
    if (urne_panels_start(&ps, &search, x, T < URNE_SEED_ROUNDS_MAX ? T : URNE_SEED_ROUNDS_MAX, deadline, covered, diags) != 0) goto done;
    double n = 0; /* volunteers some panel holds: the others stay at 0 and out of the objective */
    for (size_t t = 0; t < T; t++)
        if (covered[t]) n += (double)pool->type_size[t];
    size_t cap = ps.n * 2;
    lambda = malloc(cap * sizeof *lambda);
    if (lambda == NULL) goto oom;
    for (size_t q = 0; q < ps.n; q++) lambda[q] = 1.0 / (double)ps.n;
    for (;;) {
        for (int step = 0; step < EM_STEPS; step++) {
            probabilities(pool, &ps, lambda, pi);
            for (size_t t = 0; t < T; t++) inv[t] = covered[t] && pi[t] > 0 ? 1.0 / pi[t] : 0.0;
            double total = 0, gmax = 0;
            for (size_t q = 0; q < ps.n; q++) {
                double g = gradient(&ps, q, inv) / n;
                if (g > gmax) gmax = g;
                total += lambda[q] *= g;
            }
            for (size_t q = 0; q < ps.n; q++) lambda[q] /= total;
            if (gmax <= 1 + NASH_TOL / 10) break; /* optimal over the panels known */
            if ((step & 255) == 255 && deadline > 0 && urne_sortition_now() > deadline) break;
        }
        probabilities(pool, &ps, lambda, pi);
        for (size_t t = 0; t < T; t++) inv[t] = covered[t] && pi[t] > 0 ? 1.0 / pi[t] : 0.0;
        out->rounds++;
        if (opt->progress) {
            urne_sortition_progress_info info = {"nash", out->rounds, 0, T, ps.n, search.lp_solves, search.mip_solves,
                                                 urne_sortition_now() - start};
            opt->progress(opt->ctx, &info);
        }
        if (deadline > 0 && urne_sortition_now() > deadline) {
            out->timed_out = 1;
            break;
        }
        /* pricing: a panel whose gradient exceeds n. Local search from the heaviest panel first. */
        double cutoff = n * (1 + NASH_TOL);
        size_t heaviest = 0;
        for (size_t q = 1; q < ps.n; q++)
            if (lambda[q] > lambda[heaviest]) heaviest = q;
        memcpy(x, ps.x + heaviest * T, T * sizeof *x);
        int added = 0;
        if (urne_search_improve(&search, inv, x) > cutoff) added = urne_panels_add(&ps, x);
        if (added == 0) {
            int r = urne_search_best(&search, inv, cutoff, 0, x, 1, &found);
            if (r == URNE_SEARCH_FAILED || r == URNE_SEARCH_INFEASIBLE) goto solver;
            if (r == URNE_SEARCH_FOUND && urne_search_value(&search, inv, x) > cutoff) added = urne_panels_add(&ps, x);
        }
        if (added < 0) goto oom;
        if (added == 0) break; /* optimal within NASH_TOL */
        if (ps.n > cap) {
            cap *= 2;
            double *nl = realloc(lambda, cap * sizeof *nl);
            if (nl == NULL) goto oom;
            lambda = nl;
        }
        /* the new panel enters with a small share: EM never moves a zero weight */
        for (size_t q = 0; q + 1 < ps.n; q++) lambda[q] *= 1.0 - 1.0 / (double)ps.n;
        lambda[ps.n - 1] = 1.0 / (double)ps.n;
    }
    if (urne_sortition_result_set(out, pool, &ps, lambda) != 0) goto oom;
    out->lp_solves = search.lp_solves;
    out->mip_solves = search.mip_solves;
    out->panels_generated = ps.n;
    rc = 0;
    goto done;
solver:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the search for panels failed (solver or memory)");
    goto done;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
done:
    if (searching) urne_search_free(&search);
    urne_panels_free(&ps);
    free(lambda), free(pi), free(inv), free(covered), free(x);
    if (rc != 0) urne_sortition_result_free(out);
    return rc;
}
