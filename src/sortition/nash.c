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
 *
 * Optimal is claimed only when both hold: over the panels known, no gradient exceeds n
 * by more than NASH_TOL (EM converged), and pricing finds no other panel that does.
 * When pricing finds none but EM has not converged yet, EM goes on. Limits (issue
 * 14), none of them a clock: EM steps in all (budget.em_steps), pricings
 * (budget.panel_searches, their MIPs stopped at budget.mip_nodes), and the caller's
 * "should I stop?", polled between pricings and every 256 EM steps. What stopped it is
 * in the result; the distribution is then the best found over the panels known.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"

#define NASH_TOL 1e-8      /* optimal when no panel's gradient exceeds n by more than this, relative: the
                            * welfare is then within n x NASH_TOL of the optimum */
#define EM_STEPS 20000     /* at most, between two pricings */

typedef struct nash {
    const urne_pool *p;
    size_t T;
    urne_search search;
    urne_panels ps;
    double *lambda;        /* ps.n (room for cap): the distribution over the panels known */
    size_t cap;
    double *pi, *inv;      /* T: each type's probability, and 1 / pi_t (0 for types on no panel) */
    char *covered;         /* T: the type is on some valid panel */
    double n;              /* volunteers some panel holds: the others stay at 0 and out of the objective */
    int64_t *x;            /* T: scratch panel */
    size_t em_steps, max_em_steps;
} nash;

static void probabilities(nash *g) {
    size_t T = g->T;
    const urne_panels *ps = &g->ps;
    memset(g->pi, 0, T * sizeof *g->pi);
    for (size_t q = 0; q < ps->n; q++)
        if (g->lambda[q] > 0)
            for (size_t t = 0; t < T; t++)
                if (ps->x[q * T + t]) g->pi[t] += g->lambda[q] * (double)ps->x[q * T + t];
    for (size_t t = 0; t < T; t++) {
        g->pi[t] /= (double)g->p->type_size[t];
        g->inv[t] = g->covered[t] && g->pi[t] > 0 ? 1.0 / g->pi[t] : 0.0;
    }
}

static double gradient(const urne_panels *ps, size_t q, const double *inv) {
    double g = 0;
    for (size_t t = 0; t < ps->T; t++)
        if (ps->x[q * ps->T + t]) g += (double)ps->x[q * ps->T + t] * inv[t];
    return g;
}

/* EM over the panels known: until optimal over them, EM_STEPS, the budget of steps or
 * the caller. Leaves pi and inv at the final lambda. Returns the largest gradient over
 * n before the last step (1 + NASH_TOL or less: optimal over the panels known). */
static double em(nash *g) {
    double gmax = INFINITY;
    for (int step = 0; step < EM_STEPS; step++) {
        if (g->em_steps >= g->max_em_steps) {
            if (g->search.stopped == URNE_SORTITION_COMPLETE || g->search.stopped == URNE_SORTITION_STOP_NODES)
                g->search.stopped = URNE_SORTITION_STOP_EM;
            break;
        }
        if ((step & 255) == 255 && urne_search_stopped(&g->search)) break;
        g->em_steps++;
        probabilities(g);
        double total = 0;
        gmax = 0;
        for (size_t q = 0; q < g->ps.n; q++) {
            double gq = gradient(&g->ps, q, g->inv) / g->n;
            if (gq > gmax) gmax = gq;
            total += g->lambda[q] *= gq;
        }
        for (size_t q = 0; q < g->ps.n; q++) g->lambda[q] /= total;
        if (gmax <= 1 + NASH_TOL / 10) break; /* optimal over the panels known */
    }
    probabilities(g);
    return gmax;
}

/* A panel whose gradient exceeds n (1 + NASH_TOL), added to the panels known: local
 * search from the heaviest panel first, then the exact search. 1 added, 0 none (none
 * exists, unless the MIP stopped at its node limit short of the proof: then
 * URNE_SORTITION_STOP_NODES is latched), -1 memory, -2 solver. */
static int price(nash *g) {
    size_t T = g->T, found = 0;
    double cutoff = g->n * (1 + NASH_TOL);
    size_t heaviest = 0;
    for (size_t q = 1; q < g->ps.n; q++)
        if (g->lambda[q] > g->lambda[heaviest]) heaviest = q;
    memcpy(g->x, g->ps.x + heaviest * T, T * sizeof *g->x);
    if (urne_search_improve(&g->search, g->inv, g->x) > cutoff) {
        int added = urne_panels_add(&g->ps, g->x);
        if (added != 0) return added;
    }
    int r = urne_search_best(&g->search, g->inv, cutoff, g->x, 1, &found);
    if (r == URNE_SEARCH_FAILED || r == URNE_SEARCH_INFEASIBLE) return -2;
    if (r == URNE_SEARCH_FOUND && urne_search_value(&g->search, g->inv, g->x) > cutoff) {
        int added = urne_panels_add(&g->ps, g->x);
        if (added != 0) return added;
    }
    int proven = r == URNE_SEARCH_NONE_ABOVE || (r == URNE_SEARCH_FOUND && (!g->search.node_limited || g->search.bound <= cutoff));
    if (!proven && g->search.stopped == URNE_SORTITION_COMPLETE) g->search.stopped = URNE_SORTITION_STOP_NODES;
    return 0;
}

/* The new panel (the last of ps) enters with a small share: EM never moves a zero
 * weight. 0 or -1 (memory). */
static int welcome(nash *g) {
    if (g->ps.n > g->cap) {
        size_t cap = g->cap * 2;
        double *nl = realloc(g->lambda, cap * sizeof *nl);
        if (nl == NULL) return -1;
        g->lambda = nl, g->cap = cap;
    }
    for (size_t q = 0; q + 1 < g->ps.n; q++) g->lambda[q] *= 1.0 - 1.0 / (double)g->ps.n;
    g->lambda[g->ps.n - 1] = 1.0 / (double)g->ps.n;
    return 0;
}

/* The panels to start from and the uniform distribution over them. 0, or -1 with an
 * error in diags. */
static int nash_start(nash *g, urne_diags *diags) {
    size_t T = g->T;
    if (urne_panels_start(&g->ps, &g->search, g->x, T < URNE_SEED_ROUNDS_MAX ? T : URNE_SEED_ROUNDS_MAX, g->covered,
                          diags) != 0)
        return -1;
    for (size_t t = 0; t < T; t++)
        if (g->covered[t]) g->n += (double)g->p->type_size[t];
    g->cap = g->ps.n * 2;
    g->lambda = malloc(g->cap * sizeof *g->lambda);
    if (g->lambda == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        return -1;
    }
    for (size_t q = 0; q < g->ps.n; q++) g->lambda[q] = 1.0 / (double)g->ps.n;
    return 0;
}

int urne_sortition_nash(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                        urne_sortition_result *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    size_t T = pool->ntypes, TT = T ? T : 1;
    nash g = {pool, T, {0}, {T, 0, 0, NULL}, NULL, 0, malloc(TT * sizeof(double)), malloc(TT * sizeof(double)),
              malloc(TT), 0, malloc(TT * sizeof(int64_t)), 0, 0};
    int rc = -1, searching = 0;
    if (!g.pi || !g.inv || !g.covered || !g.x || urne_search_init(&g.search, pool, k) != 0) goto oom;
    searching = 1;
    urne_search_limits(&g.search, opt);
    g.max_em_steps = opt->budget.em_steps ? opt->budget.em_steps : URNE_SORTITION_DEFAULT_EM_STEPS;
    if (nash_start(&g, diags) != 0) goto done;
    for (;;) {
        double gmax = em(&g);
        out->rounds++;
        if (opt->progress) {
            urne_sortition_progress_info info = {"nash", out->rounds, 0, T, g.ps.n, g.search.lp_solves,
                                                 g.search.mip_solves, g.search.searches};
            opt->progress(opt->ctx, &info);
        }
        if (!urne_search_spend(&g.search)) break; /* the budget or the caller: the best found */
        int added = price(&g);
        if (added == -2) goto solver;
        if (added < 0 || (added == 1 && welcome(&g) != 0)) goto oom;
        if (added == 0 && gmax <= 1 + NASH_TOL) break; /* optimal within NASH_TOL */
    }
    if (urne_sortition_result_set(out, pool, &g.ps, g.lambda) != 0) goto oom;
    out->lp_solves = g.search.lp_solves;
    out->mip_solves = g.search.mip_solves;
    out->panels_generated = g.ps.n;
    out->panel_searches = g.search.searches;
    out->em_steps = g.em_steps;
    out->stopped = g.search.stopped;
    out->optimal = g.search.stopped == URNE_SORTITION_COMPLETE;
    rc = 0;
    goto done;
solver:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the search for panels failed (solver or memory)");
    goto done;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
done:
    if (searching) urne_search_free(&g.search);
    urne_panels_free(&g.ps);
    free(g.lambda), free(g.pi), free(g.inv), free(g.covered), free(g.x);
    if (rc != 0) urne_sortition_result_free(out);
    return rc;
}
