/*
 * leximin: the fairest distribution over panels. LEXIMIN is first computed over the
 * quotas' LP relaxation and decomposed into panels (relaxation.c), which is exact when it
 * goes through and is tried first (see relaxed() below); this file is otherwise the
 * paper's column generation over types, which decides when it does not, and MAXIMIN.
 *
 * With types t (n_t interchangeable volunteers each) and a panel P giving x_t(P) seats
 * to type t, a member of t is selected with probability a_tP = x_t(P) / n_t in P. A
 * round maximises the smallest probability z of the types not fixed yet (U), the fixed
 * ones (F) keeping at least their value v_t. The master LP is that problem over the
 * panels found so far, one row per type (so its basis stays T + 1 wide however many
 * panels join):
 *
 *     maximise  z
 *     subject to  sum_P lambda_P a_tP >= z    for t in U
 *                 sum_P lambda_P a_tP >= v_t  for t in F
 *                 sum_P lambda_P = 1,  lambda >= 0
 *
 * Its duals y_t >= 0 (summing to 1 over U) price a panel at sum_t a_tP y_t, and
 * yhat = z + sum_{t in F} v_t y_t is what the best known panel is worth. Pricing (see
 * search.c) looks for a valid panel worth more; it joins as a new column, re-solved by
 * primal simplex from the last basis. When none is worth more, every type of U with
 * positive y_t is tight in every optimal distribution (complementary slackness) and is
 * fixed. The y_t sum to 1, so at least the largest is positive and every round fixes
 * someone; positive is judged relative to that largest, never by a fixed threshold
 * (with thousands of types every y_t may be tiny). Finally a primal LP over the panels
 * found gives the distribution.
 *
 * Pricing is stabilised (see round_once), the panel set is seeded by multiplicative
 * weights and by panels covering every type before the first round (panels.c). The
 * master is built once and kept: fixing a type only takes it out of z's column and
 * gives its row a lower bound, so each round restarts from the last one's basis, and
 * the last distribution stays feasible.
 *
 * MAXIMIN is the first round alone: the smallest probability maximised, nothing more.
 *
 * Limits (issue 14): no clock. Each pricing is a panel search counted against the
 * budget (urne_search_spend), its MIP stopped at the budget's node limit; the caller's
 * "should I stop?" is polled before each. When the budget or the caller stops a round,
 * every type left is fixed at the value the panels known reach, so the distribution is
 * valid, and the result says what stopped it. A pricing MIP stopped at its node limit
 * may leave a round's optimality unproven: the round goes on, and the result says so
 * (URNE_SORTITION_STOP_NODES) unless something stops it harder later.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"

#define PRICING_GAP 1e-3 /* stabilised pricing needs a good panel and a bound, not the proven optimum */

typedef struct state {
    const urne_pool *p;
    size_t T;
    urne_search search;
    urne_panels panels;
    char *fixed;
    double *v;          /* value of fixed types */
    urne_sortition_progress progress;
    void *ctx;
    size_t round, nfixed, lp_solves;
    Clp_Simplex *master;  /* kept from round to round, its basis with it */
    const char *phase;    /* for the progress line */
} state;

static double a(const state *s, size_t panel, size_t t) {
    return (double)s->panels.x[panel * s->T + t] / (double)s->p->type_size[t];
}

/* Tell the caller where the search is (the caller throttles: the engine has no clock). */
static void report(state *s) {
    if (!s->progress) return;
    urne_sortition_progress_info info = {s->phase,           s->round,
                                         s->nfixed,          s->T,
                                         s->panels.n,        s->lp_solves + s->search.lp_solves,
                                         s->search.mip_solves, s->search.searches};
    s->progress(s->ctx, &info);
}

/* The master over the panels known: maximise z with every type of U at z or more and
 * every fixed type at v_t or more. Rows: one per type, then the convexity row;
 * columns: z, then the panels in order (panel q is column q + 1). NULL on failure
 * (memory). */
static Clp_Simplex *build_master(state *s) {
    size_t T = s->T, P = s->panels.n, R = T + 1;
    urne_sparse m = {0};
    double *lb = calloc(P + 1, sizeof *lb), *ub = malloc((P + 1) * sizeof *ub), *obj = calloc(P + 1, sizeof *obj),
           *rlb = malloc(R * sizeof *rlb), *rub = malloc(R * sizeof *rub);
    Clp_Simplex *lp = NULL;
    if (!lb || !ub || !obj || !rlb || !rub || urne_sparse_reserve(&m, P + 1, P * (T + 1) + T) != 0) goto out;
    for (size_t t = 0; t < T; t++)
        if (!s->fixed[t]) urne_sparse_add(&m, (int)t, -1.0);
    urne_sparse_end_col(&m);
    ub[0] = 1.0, obj[0] = 1.0;
    for (size_t q = 0; q < P; q++) {
        for (size_t t = 0; t < T; t++)
            if (s->panels.x[q * T + t]) urne_sparse_add(&m, (int)t, a(s, q, t));
        urne_sparse_add(&m, (int)T, 1.0);
        urne_sparse_end_col(&m);
        ub[q + 1] = URNE_LP_INF;
    }
    for (size_t t = 0; t < T; t++) rlb[t] = s->fixed[t] ? s->v[t] : 0.0, rub[t] = URNE_LP_INF;
    rlb[T] = rub[T] = 1.0;
    lp = Clp_newModel();
    if (lp == NULL) goto out;
    Clp_setLogLevel(lp, 0);
    Clp_loadProblem(lp, (int)(P + 1), (int)R, m.start, m.index, m.value, lb, ub, obj, rlb, rub);
    Clp_setObjSense(lp, -1.0);
    Clp_setPrimalTolerance(lp, 1e-9); /* fixed types are held within this of what the last round gave them */
out:
    urne_sparse_free(&m);
    free(lb), free(ub), free(obj), free(rlb), free(rub);
    return lp;
}

/* A new panel is a new column of the master. 0 or -1 (memory). */
static int master_add_panel(state *s, Clp_Simplex *lp, size_t q) {
    size_t T = s->T, n = 0;
    CoinBigIndex start[2] = {0, 0};
    int *rows = malloc((T + 1) * sizeof *rows);
    double *vals = malloc((T + 1) * sizeof *vals), lo = 0.0, hi = URNE_LP_INF, obj = 0.0;
    if (!rows || !vals) {
        free(rows), free(vals);
        return -1;
    }
    for (size_t t = 0; t < T; t++)
        if (s->panels.x[q * T + t]) rows[n] = (int)t, vals[n++] = a(s, q, t);
    rows[n] = (int)T, vals[n++] = 1.0;
    start[1] = (CoinBigIndex)n;
    Clp_addColumns(lp, 1, &lo, &hi, &obj, start, rows, vals);
    free(rows), free(vals);
    return 0;
}

/* The master's duals y_t >= 0 per type (CLP's sign convention for a maximisation set
 * aside), and yhat = z + sum_{t in F} v_t y_t: the dual objective equals the primal. */
static double master_duals(const state *s, Clp_Simplex *lp, double *y) {
    const double *price = Clp_getRowPrice(lp);
    double yhat = Clp_objectiveValue(lp);
    for (size_t t = 0; t < s->T; t++) {
        y[t] = fabs(price[t]) > 1e-13 ? fabs(price[t]) : 0.0;
        if (s->fixed[t]) yhat += s->v[t] * y[t];
    }
    return yhat;
}

/* Add panel xs if it is new and worth more than cutoff under w: 1 added, 0 not, -1 memory. */
static int offer(state *s, Clp_Simplex *master, const double *w, const int64_t *x, double cutoff) {
    if (urne_search_value(&s->search, w, x) <= cutoff) return 0;
    int rc = urne_panels_add(&s->panels, x);
    if (rc == 1 && master_add_panel(s, master, s->panels.n - 1) != 0) return -1;
    return rc;
}

/* Re-solve the master from its last basis (still primal feasible: panels only join),
 * afresh when primal simplex stalls on a degenerate LP. 1 optimal, 0 not. */
static int solve_master(state *s) {
    Clp_primal(s->master, 0);
    s->lp_solves++;
    if (!Clp_isProvenOptimal(s->master)) {
        Clp_initialSolve(s->master);
        s->lp_solves++;
    }
    return Clp_isProvenOptimal(s->master);
}

/* The stabilised pricing's state within a round (see round_once). */
typedef struct pricing {
    double *center;     /* T + 1: the duals with the best Lagrangian bound so far */
    double *mix;        /* T: the point priced */
    double best_bound;  /* that bound */
    double alpha;       /* the centre's share of the point priced */
    int have_center, exact_phase;
} pricing;

/* One pricing: the best panel at the centre's mix with the master's duals w (per seat),
 * or at w itself in the exact phase; the panels found worth more than yhat + tol under
 * w join the master. *added: how many; *exact: priced at w. 0; 1 when the MIP reached
 * its node limit without any panel (URNE_SORTITION_STOP_NODES latched, nothing added);
 * or -1 (memory, or the solver: diags say which). */
static int price(state *s, pricing *pr, const double *w, double yhat, double z, double tol, int64_t *xs, size_t room,
                 size_t *added, int *exact, urne_diags *diags) {
    size_t T = s->T, found = 0;
    *added = 0;
    if (!pr->exact_phase && pr->have_center && pr->best_bound - z <= tol) pr->exact_phase = 1;
    /* the point priced: the master's duals, or their mix with the centre */
    const double *price_at = w;
    if (!pr->exact_phase && pr->have_center) {
        for (size_t t = 0; t < T; t++) pr->mix[t] = pr->alpha * pr->center[t] + (1 - pr->alpha) * w[t];
        price_at = pr->mix;
    }
    *exact = price_at == w;
    s->search.gap = *exact ? 0 : PRICING_GAP;
    int rc = urne_search_best(&s->search, price_at, -INFINITY, xs, room, &found);
    if (rc == URNE_SEARCH_STOPPED) {
        if (s->search.stopped == URNE_SORTITION_COMPLETE) s->search.stopped = URNE_SORTITION_STOP_NODES;
        return 1;
    }
    if (rc != URNE_SEARCH_FOUND) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the MIP solver (CBC) failed while pricing");
        return -1;
    }
    /* the Lagrangian bound at the point priced: no distribution does better than it */
    double fixed_part = 0, mass = 0;
    for (size_t t = 0; t < T; t++) {
        double yt = price_at[t] * (double)s->p->type_size[t];
        if (s->fixed[t]) fixed_part += s->v[t] * yt;
        else mass += yt;
    }
    double bound = (s->search.bound - fixed_part) / (mass > 0 ? mass : 1);
    if (bound < pr->best_bound) {
        pr->best_bound = bound;
        memcpy(pr->center, price_at, T * sizeof *pr->center);
        pr->have_center = 1;
    }
    for (size_t i = 0; i < found; i++) {
        int r = offer(s, s->master, w, xs + i * T, yhat + tol);
        if (r < 0) goto oom;
        *added += (size_t)r;
        /* and its local improvement under the master's own duals */
        if (urne_search_improve(&s->search, w, xs + i * T) > yhat + tol) {
            r = offer(s, s->master, w, xs + i * T, yhat + tol);
            if (r < 0) goto oom;
            *added += (size_t)r;
        }
    }
    return 0;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    return -1;
}

/* End of a round: fix the tight types (all of them when `all`) at what the master's
 * distribution gives them. y: the master's duals; z its value; mix, rlb: T and T + 1
 * scratch. */
static void fix_tight(state *s, int all, const double *y, double z, double *mix, double *rlb) {
    size_t T = s->T;
    Clp_Simplex *master = s->master;
    /* each type's probability under the master's distribution: a fixed type is held at
     * what this distribution gives it, never more, so that the next master is feasible
     * whatever CLP's tolerances let through */
    const double *lambda = Clp_getColSolution(master);
    memset(mix, 0, T * sizeof *mix);
    for (size_t q = 0; q < s->panels.n; q++) {
        double l = lambda[q + 1]; /* z is column 0 */
        if (l > 0)
            for (size_t t = 0; t < T; t++)
                if (s->panels.x[q * T + t]) mix[t] += l * a(s, q, t);
    }
    double ymax = 0;
    for (size_t t = 0; t < T; t++)
        if (!s->fixed[t] && y[t] > ymax) ymax = y[t];
    memcpy(rlb, Clp_getRowLower(master), (T + 1) * sizeof *rlb); /* updated for the next round */
    /* types fixed earlier may sit a hair below their value in this distribution (within
     * CLP's tolerance): lower the value to what it gives them, so that this distribution
     * stays strictly feasible and the next round starts from it */
    for (size_t t = 0; t < T; t++)
        if (s->fixed[t] && mix[t] - URNE_LEXIMIN_SLACK < s->v[t]) rlb[t] = s->v[t] = mix[t] - URNE_LEXIMIN_SLACK;
    size_t before = s->nfixed;
    for (size_t t = 0; t < T; t++)
        if (!s->fixed[t] && (all || urne_leximin_tight(y[t], ymax))) {
            s->fixed[t] = 1;
            s->v[t] = (mix[t] < z ? mix[t] : z) - URNE_LEXIMIN_SLACK;
            s->nfixed++;
            /* in the master, t leaves z's rows for a row of its own: at least v_t */
            rlb[t] = s->v[t];
            Clp_modifyCoefficient(master, (int)t, 0, 0.0, false);
        }
    assert(s->nfixed > before || before == T); /* every round fixes someone: rounds <= T */
    (void)before;
    Clp_chgRowLower(master, rlb);
}

/* One round: column generation until no panel beats the master, then fix the tight
 * types. Pricing is stabilised (Wentges): the panel searched for is the best under a
 * mix of the master's duals and the best duals seen so far (the "centre", whose
 * Lagrangian bound is the lowest), which damps the duals' oscillation that makes plain
 * column generation tail off. The bound at the centre closing on the master's value
 * ends the bulk of the round; a last exact pricing at the master's own duals then
 * proves them optimal, so that the types they mark are truly tight (unless that MIP
 * stopped at its node limit short of the proof: then URNE_SORTITION_STOP_NODES is
 * latched). `last`: fix every type (MAXIMIN stops after its first round). 0 done, 1
 * stopped by the budget or the caller (every type then fixed), -1 error. */
static int round_once(state *s, int last, int64_t *xs, size_t room, double *y, double *w, urne_diags *diags) {
    size_t T = s->T;
    if (s->master == NULL) s->master = build_master(s);
    Clp_Simplex *master = s->master;
    int ok = master && solve_master(s); /* from the last round's basis: still primal feasible */
    pricing pr = {malloc((T + 1) * sizeof(double)), malloc((T ? T : 1) * sizeof(double)), INFINITY, 0.8, 0, 0};
    double z = NAN;
    int stopped = 0;
    if (!pr.center || !pr.mix) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        goto fail;
    }
    for (;;) {
        if (!ok) {
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the LP solver (CLP) failed on the master problem");
            goto fail;
        }
        double yhat = master_duals(s, master, y);
        z = Clp_objectiveValue(master);
        report(s);
        if (!urne_search_spend(&s->search)) {
            stopped = 1;
            break;
        }
        double tol = 1e-9 + 1e-7 * fabs(yhat);
        for (size_t t = 0; t < T; t++) w[t] = y[t] / (double)s->p->type_size[t];
        size_t added = 0;
        int exact = 0;
        int r = price(s, &pr, w, yhat, z, tol, xs, room, &added, &exact, diags);
        if (r < 0) goto fail;
        if (r == 1) break; /* no panel within the node limit: the round ends unproven */
        if (added == 0) {
            if (exact) { /* exact pricing at the master's duals found nothing: optimal, if proven */
                if (s->search.node_limited && s->search.bound > yhat + tol && s->search.stopped == URNE_SORTITION_COMPLETE)
                    s->search.stopped = URNE_SORTITION_STOP_NODES;
                break;
            }
            pr.alpha = pr.alpha > 0.1 ? pr.alpha - 0.1 : 0; /* mispriced: lean towards the master's duals */
            if (pr.best_bound - z <= tol) pr.exact_phase = 1;
            continue;
        }
        ok = solve_master(s); /* a warm start gone astray is solved afresh */
    }
    fix_tight(s, last || stopped, y, z, pr.mix, pr.center);
    free(pr.center), free(pr.mix);
    s->round++;
    return stopped;
fail:
    free(pr.center), free(pr.mix);
    return -1;
}

/* The distribution over the panels found giving every type at least v_t (slacks take
 * any numerical shortfall, and are minimised). */
static int solve_primal(state *s, double *prob) {
    size_t T = s->T, P = s->panels.n, R = T + 1, C = P + T;
    urne_sparse m = {0};
    double *lb = calloc(C, sizeof *lb), *ub = malloc(C * sizeof *ub), *obj = calloc(C, sizeof *obj),
           *rlb = malloc(R * sizeof *rlb), *rub = malloc(R * sizeof *rub);
    int rc = -1;
    if (!lb || !ub || !obj || !rlb || !rub || urne_sparse_reserve(&m, C, P * (T + 1) + T) != 0) goto out;
    for (size_t q = 0; q < P; q++) {
        for (size_t t = 0; t < T; t++)
            if (s->panels.x[q * T + t]) urne_sparse_add(&m, (int)t, a(s, q, t));
        urne_sparse_add(&m, (int)T, 1.0);
        urne_sparse_end_col(&m);
        ub[q] = 1.0;
    }
    for (size_t t = 0; t < T; t++) {
        urne_sparse_add(&m, (int)t, 1.0);
        urne_sparse_end_col(&m);
        ub[P + t] = 1.0;
        obj[P + t] = 1.0;
        rlb[t] = s->v[t], rub[t] = URNE_LP_INF;
    }
    rlb[T] = rub[T] = 1.0;
    Clp_Simplex *lp = Clp_newModel();
    if (lp == NULL) goto out;
    Clp_setLogLevel(lp, 0);
    Clp_loadProblem(lp, (int)C, (int)R, m.start, m.index, m.value, lb, ub, obj, rlb, rub);
    Clp_initialSolve(lp);
    s->lp_solves++;
    if (Clp_isProvenOptimal(lp)) {
        const double *sol = Clp_getColSolution(lp);
        for (size_t q = 0; q < P; q++) prob[q] = sol[q] > 0 ? sol[q] : 0;
        rc = 0;
    }
    Clp_deleteModel(lp);
out:
    urne_sparse_free(&m);
    free(lb), free(ub), free(obj), free(rlb), free(rub);
    return rc;
}

/* Move the distribution into `out`: panels with positive probability only, and each
 * type's probability from them. */
int urne_sortition_result_set(urne_sortition_result *out, const urne_pool *p, urne_panels *panels, const double *prob) {
    size_t T = p->ntypes, P = panels->n, kept = 0;
    out->ntypes = T;
    out->panels = malloc((P ? P : 1) * (T ? T : 1) * sizeof *out->panels);
    out->panel_prob = malloc((P ? P : 1) * sizeof *out->panel_prob);
    out->type_prob = calloc(T ? T : 1, sizeof *out->type_prob);
    if (!out->panels || !out->panel_prob || !out->type_prob) return -1;
    double mass = 0;
    for (size_t q = 0; q < P; q++) mass += prob[q] > 1e-12 ? prob[q] : 0;
    for (size_t q = 0; q < P; q++) {
        if (prob[q] <= 1e-12) continue;
        memcpy(out->panels + kept * T, panels->x + q * T, T * sizeof *out->panels);
        out->panel_prob[kept++] = prob[q] / mass; /* sums to 1 exactly, up to rounding */
    }
    out->npanels = kept;
    out->min_prob = 1.0;
    for (size_t t = 0; t < T; t++) {
        for (size_t q = 0; q < kept; q++)
            out->type_prob[t] += out->panel_prob[q] * (double)out->panels[q * T + t] / (double)p->type_size[t];
        if (out->type_prob[t] < out->min_prob) out->min_prob = out->type_prob[t];
    }
#ifndef NDEBUG
    { /* the invariants every method promises: a distribution (weights summing to 1) over
       * valid panels of one size k, whose probabilities sum to k over the volunteers */
        assert(kept > 0);
        int64_t k = 0;
        double weights = 0, seats = 0;
        for (size_t t = 0; t < T; t++) k += out->panels[t];
        for (size_t q = 0; q < kept; q++) {
            assert(urne_pool_counts_valid(p, out->panels + q * T, k));
            weights += out->panel_prob[q];
        }
        for (size_t t = 0; t < T; t++) seats += out->type_prob[t] * (double)p->type_size[t];
        assert(fabs(weights - 1.0) < 1e-9);
        assert(fabs(seats - (double)k) < 1e-6 * (double)(k > 1 ? k : 1));
    }
#endif
    return 0;
}

static void decomposition_progress(void *ctx, size_t panels) {
    state *s = ctx;
    size_t known = s->panels.n;
    s->panels.n += panels; /* for the line only */
    report(s);
    s->panels.n = known;
}

/* One attempt at LEXIMIN over the quotas' LP relaxation, decomposed into panels (see
 * relaxation.c) in `dec` (empty on entry). 1: `out` holds the LEXIMIN distribution; 0:
 * not decomposed (or out of time); -1 error. */
static int relaxed_once(state *s, urne_panels *dec, urne_sortition_result *out, urne_diags *diags) {
    size_t T = s->T;
    double *x = malloc((T ? T : 1) * sizeof *x), *weights = NULL;
    int rc = -1;
    if (x == NULL) goto oom;
    s->phase = "relaxation";
    s->round = 0;
    int r = urne_relaxed_leximin(&s->search, x, &s->round, &s->lp_solves);
    if (r <= 0) {
        if (r < 0) goto oom;
        rc = 0; /* numerically hopeless: the column generation decides */
        goto out;
    }
    s->nfixed = T;
    report(s);
    s->phase = "decomposition";
    r = urne_relaxed_decompose(&s->search, x, dec, &weights, decomposition_progress, s);
    if (r < 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the MIP solver (CBC) failed decomposing the relaxation");
        goto out;
    }
    if (r != 1) {
        rc = 0;
        goto out;
    }
    if (urne_sortition_result_set(out, s->p, dec, weights) != 0) goto oom;
    /* the decomposition's own check: the panels give every type its value */
    for (size_t t = 0; t < T; t++)
        if (fabs(out->type_prob[t] - x[t] / (double)s->p->type_size[t]) > URNE_RELAXED_CHECK) {
            urne_sortition_result_free(out);
            memset(out, 0, sizeof *out);
            rc = 0;
            goto out;
        }
    out->rounds = s->round;
    out->lp_solves = s->lp_solves + s->search.lp_solves;
    out->mip_solves = s->search.mip_solves;
    out->panels_generated = s->panels.n + dec->n;
    out->panel_searches = s->search.searches;
    out->relaxed = 1;
    out->stopped = URNE_SORTITION_COMPLETE; /* a stop makes the decomposition return 2, never 1 */
    out->optimal = 1;
    rc = 1;
    goto out;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
out:
    free(x), free(weights);
    return rc;
}

/* Keep the panels a failed attempt met, for the column generation. 0 or -1 (memory). */
static int keep_panels(state *s, urne_panels *dec) {
    for (size_t q = 0; q < dec->n; q++)
        if (urne_panels_add(&s->panels, dec->x + q * s->T) < 0) return -1;
    urne_panels_free(dec);
    dec->T = s->T;
    return 0;
}

/* LEXIMIN through the relaxation (relaxation.c). When its point does not decompose, a
 * likely reason is volunteers whom no panel holds yet the relaxation gives a share: they
 * are found (panels covering everyone else), held at 0, and the relaxation tried once
 * more. 1: `out` holds the LEXIMIN distribution; 0: the column generation must decide,
 * from the panels met (in s->panels); -1 error. */
static int relaxed(state *s, urne_sortition_result *out, urne_diags *diags) {
    size_t T = s->T;
    urne_panels dec = {T, 0, 0, NULL};
    char *covered = NULL;
    int r = relaxed_once(s, &dec, out, diags);
    if (r == 0 && !urne_search_stopped(&s->search)) {
        covered = malloc(T ? T : 1);
        if (covered == NULL || keep_panels(s, &dec) != 0) goto oom;
        size_t missing = 0;
        if (urne_panels_cover(&s->panels, &s->search, covered) == 0) /* else: the column generation will say why */
            for (size_t t = 0; t < T; t++)
                if (!covered[t]) s->search.cub[t] = 0, missing++; /* on no panel: no seat for them in any */
        if (missing > 0) r = relaxed_once(s, &dec, out, diags);
    }
    if (r == 0) {
        if (keep_panels(s, &dec) != 0) goto oom;
        s->round = 0, s->nfixed = 0;
    }
    urne_panels_free(&dec);
    free(covered);
    return r;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    urne_panels_free(&dec);
    free(covered);
    return -1;
}

int urne_sortition_leximin_rounds(const urne_pool *pool, int64_t k, size_t max_rounds,
                                  const urne_sortition_options *opt, urne_sortition_result *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    size_t T = pool->ntypes, room = 8;
    state s;
    memset(&s, 0, sizeof s);
    s.p = pool, s.T = T;
    s.progress = opt ? opt->progress : NULL;
    s.ctx = opt ? opt->ctx : NULL;
    s.panels.T = T;
    s.fixed = calloc(T ? T : 1, 1);
    s.v = calloc(T ? T : 1, sizeof *s.v);
    double *y = calloc(T ? T : 1, sizeof *y), *w = calloc(T ? T : 1, sizeof *w), *prob = NULL;
    int64_t *xs = malloc(room * (T ? T : 1) * sizeof *xs);
    int rc = -1;
    if (!s.fixed || !s.v || !y || !w || !xs || urne_search_init(&s.search, pool, k) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        goto done;
    }
    urne_search_limits(&s.search, opt);
    if (max_rounds == SIZE_MAX && !(opt && opt->no_relaxation)) { /* LEXIMIN: the relaxation first, when it is exact (relaxation.c) */
        int r = relaxed(&s, out, diags);
        if (r < 0) goto done;
        if (r == 1) {
            rc = 0;
            goto done;
        }
    }
    s.phase = "column generation";
    size_t seeds = T < URNE_SEED_ROUNDS_MAX ? T : URNE_SEED_ROUNDS_MAX;
    if (urne_panels_start(&s.panels, &s.search, xs, seeds, s.fixed, diags) != 0) goto done;
    /* types on no valid panel: fixed at 0 from the start (cover marked the others) */
    for (size_t t = 0; t < T; t++) {
        s.fixed[t] = !s.fixed[t];
        s.nfixed += (size_t)s.fixed[t];
    }
    while (s.nfixed < T) {
        int r = round_once(&s, s.round + 1 == max_rounds, xs, room, y, w, diags);
        if (r < 0) goto done;
        report(&s);
    }
    prob = malloc((s.panels.n ? s.panels.n : 1) * sizeof *prob);
    if (prob == NULL || solve_primal(&s, prob) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the final LP (CLP) failed");
        goto done;
    }
    if (urne_sortition_result_set(out, pool, &s.panels, prob) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        goto done;
    }
    out->rounds = s.round;
    out->lp_solves = s.lp_solves + s.search.lp_solves;
    out->mip_solves = s.search.mip_solves;
    out->panels_generated = s.panels.n;
    out->panel_searches = s.search.searches;
    out->stopped = s.search.stopped;
    out->optimal = s.search.stopped == URNE_SORTITION_COMPLETE;
    rc = 0;
done:
    urne_search_free(&s.search);
    urne_panels_free(&s.panels);
    if (s.master) Clp_deleteModel(s.master);
    free(s.fixed), free(s.v), free(y), free(w), free(xs), free(prob);
    if (rc != 0) urne_sortition_result_free(out);
    return rc;
}
