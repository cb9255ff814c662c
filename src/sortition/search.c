/*
 * search: the panel of greatest weight under the quotas. See sortition_internal.h for
 * why there are three ways to look for it.
 *
 * Rows of the constraint matrix: one per (category, feature) with the quota as bounds,
 * one per shared household (at most one seat), and the size row (exactly k). Column t
 * has a 1 in the row of each of its features, in its household's row if any, and in
 * the size row; its bounds are 0..n_t.
 *
 * No clock (issue 14): a MIP is bounded by CBC's node limit, never by its seconds
 * limit, and the loops that call the search count their panel searches here
 * (urne_search_spend) against a budget; the caller's "should I stop?" callback is
 * polled between searches, never inside CBC. Everything CBC and CLP are asked to do is
 * then the same on every machine, whatever its speed (CBC runs single-threaded).
 */
#include <assert.h>
#include <coin/Cbc_C_Interface.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"

int urne_sparse_reserve(urne_sparse *m, size_t ncols, size_t nnz) {
    m->start = malloc((ncols + 1) * sizeof *m->start);
    m->index = malloc((nnz ? nnz : 1) * sizeof *m->index);
    m->value = malloc((nnz ? nnz : 1) * sizeof *m->value);
    m->nnz = m->ncols = 0;
    m->cap = nnz;
    if (m->start) m->start[0] = 0;
    return m->start && m->index && m->value ? 0 : -1;
}

void urne_sparse_add(urne_sparse *m, int row, double v) {
    assert(m->nnz < m->cap);
    m->index[m->nnz] = row;
    m->value[m->nnz++] = v;
}

void urne_sparse_end_col(urne_sparse *m) { m->start[++m->ncols] = (CoinBigIndex)m->nnz; }

void urne_sparse_free(urne_sparse *m) {
    free(m->start);
    free(m->index);
    free(m->value);
    memset(m, 0, sizeof *m);
}

const char *urne_sortition_stop_name(urne_sortition_stop stop) {
    switch (stop) {
    case URNE_SORTITION_COMPLETE: return "complete";
    case URNE_SORTITION_STOP_SEARCHES: return "budget of panel searches used up";
    case URNE_SORTITION_STOP_NODES: return "node limit of a pricing MIP reached";
    case URNE_SORTITION_STOP_EM: return "budget of multiplicative updates used up";
    case URNE_SORTITION_STOP_CALLER: return "stopped by the caller";
    }
    return "unknown";
}

void urne_search_limits(urne_search *s, const urne_sortition_options *opt) {
    const urne_sortition_budget *b = opt ? &opt->budget : NULL;
    s->max_searches = b && b->panel_searches ? b->panel_searches : URNE_SORTITION_DEFAULT_SEARCHES;
    size_t nodes = b && b->mip_nodes ? b->mip_nodes : URNE_SORTITION_DEFAULT_NODES;
    s->nodes = nodes < INT32_MAX ? (int)nodes : INT32_MAX; /* CBC takes an int */
    s->should_stop = opt ? opt->should_stop : NULL;
    s->stop_ctx = opt ? opt->stop_ctx : NULL;
}

/* A stop that ends the search (a node limit only leaves a proof unmade: the search
 * goes on to the end). */
static int ends_search(urne_sortition_stop stop) {
    return stop != URNE_SORTITION_COMPLETE && stop != URNE_SORTITION_STOP_NODES;
}

int urne_search_stopped(urne_search *s) {
    if (!ends_search(s->stopped) && s->should_stop && s->should_stop(s->stop_ctx))
        s->stopped = URNE_SORTITION_STOP_CALLER;
    return ends_search(s->stopped);
}

int urne_search_spend(urne_search *s) {
    if (urne_search_stopped(s)) return 0;
    if (s->max_searches && s->searches >= s->max_searches) {
        s->stopped = URNE_SORTITION_STOP_SEARCHES;
        return 0;
    }
    s->searches++;
    return 1;
}

static uint32_t household_of(const urne_pool *p, size_t t) {
    return p->type_household ? p->type_household[t] : URNE_NO_HOUSEHOLD;
}

int urne_search_init(urne_search *s, const urne_pool *p, int64_t k) {
    memset(s, 0, sizeof *s);
    s->p = p;
    s->k = k;
    s->T = p->ntypes;
    for (size_t c = 0; c < p->ncat; c++) s->nquota += p->nfeat[c];
    s->R = s->nquota + p->nhouseholds + 1;
    size_t T = s->T, R = s->R;
    s->row0 = malloc((p->ncat + 1) * sizeof *s->row0);
    s->rlb = malloc(R * sizeof *s->rlb);
    s->rub = malloc(R * sizeof *s->rub);
    s->cub = malloc((T ? T : 1) * sizeof *s->cub);
    s->clb = calloc(T ? T : 1, sizeof *s->clb);
    s->obj = calloc(T ? T : 1, sizeof *s->obj);
    s->count = malloc(R * sizeof *s->count);
    s->order = malloc((T ? T : 1) * sizeof *s->order);
    s->incumbent = malloc((T ? T : 1) * sizeof *s->incumbent);
    if (!s->incumbent || !s->clb || !s->row0 || !s->rlb || !s->rub || !s->cub || !s->obj || !s->count || !s->order ||
        urne_sparse_reserve(&s->m, T, T * (p->ncat + 2)) != 0)
        goto oom;
    size_t r = 0;
    for (size_t c = 0; c < p->ncat; c++) {
        s->row0[c] = r;
        for (size_t f = 0; f < p->nfeat[c]; f++, r++) s->rlb[r] = (double)p->min[c][f], s->rub[r] = (double)p->max[c][f];
    }
    for (size_t h = 0; h < p->nhouseholds; h++, r++) s->rlb[r] = 0, s->rub[r] = 1;
    s->rlb[R - 1] = s->rub[R - 1] = (double)k;
    for (size_t t = 0; t < T; t++) {
        for (size_t c = 0; c < p->ncat; c++) urne_sparse_add(&s->m, (int)(s->row0[c] + p->type_feature[t * p->ncat + c]), 1.0);
        uint32_t h = household_of(p, t);
        if (h != URNE_NO_HOUSEHOLD) urne_sparse_add(&s->m, (int)(s->nquota + h), 1.0);
        urne_sparse_add(&s->m, (int)(R - 1), 1.0);
        urne_sparse_end_col(&s->m);
        s->cub[t] = (double)p->type_size[t];
    }
    s->relax = Clp_newModel();
    if (s->relax == NULL) goto oom;
    Clp_setLogLevel(s->relax, 0);
    Clp_loadProblem(s->relax, (int)T, (int)R, s->m.start, s->m.index, s->m.value, s->clb, s->cub, s->obj, s->rlb, s->rub);
    Clp_setObjSense(s->relax, -1.0); /* maximise */
    return 0;
oom:
    urne_search_free(s);
    return -1;
}

void urne_search_free(urne_search *s) {
    if (s->relax) Clp_deleteModel(s->relax);
    urne_sparse_free(&s->m);
    free(s->row0), free(s->rlb), free(s->rub), free(s->clb), free(s->cub), free(s->obj), free(s->count), free(s->order), free(s->incumbent);
    memset(s, 0, sizeof *s);
}

double urne_search_value(const urne_search *s, const double *w, const int64_t *x) {
    double v = 0;
    for (size_t t = 0; t < s->T; t++)
        if (x[t]) v += w[t] * (double)x[t];
    return v;
}

/* Members per row of panel x into s->count. */
static void count_rows(urne_search *s, const int64_t *x) {
    memset(s->count, 0, s->R * sizeof *s->count);
    for (size_t t = 0; t < s->T; t++)
        if (x[t])
            for (CoinBigIndex e = s->m.start[t]; e < s->m.start[t + 1]; e++) s->count[s->m.index[e]] += x[t];
}

int urne_search_valid(urne_search *s, const int64_t *x) {
    for (size_t t = 0; t < s->T; t++)
        if (x[t] < 0 || x[t] > s->p->type_size[t]) return 0;
    count_rows(s, x);
    for (size_t r = 0; r < s->R; r++)
        if ((double)s->count[r] < s->rlb[r] || (double)s->count[r] > s->rub[r]) return 0;
    return 1;
}

static int by_weight_desc(const void *a, const void *b) {
    const urne_weighted *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    return x->t < y->t ? -1 : 1;
}

/* May one seat move from type a to type b? Only the rows where their columns differ
 * change: a's must stay at or above their minimum, b's at or below their maximum. */
static int may_swap(const urne_search *s, size_t a, size_t b) {
    const urne_pool *p = s->p;
    for (size_t c = 0; c < p->ncat; c++) {
        uint32_t fa = p->type_feature[a * p->ncat + c], fb = p->type_feature[b * p->ncat + c];
        if (fa == fb) continue;
        size_t ra = s->row0[c] + fa, rb = s->row0[c] + fb;
        if ((double)(s->count[ra] - 1) < s->rlb[ra] || (double)(s->count[rb] + 1) > s->rub[rb]) return 0;
    }
    uint32_t hb = household_of(p, b);
    if (hb != URNE_NO_HOUSEHOLD && hb != household_of(p, a) && s->count[s->nquota + hb] >= 1) return 0;
    return 1;
}

static void apply_swap(urne_search *s, int64_t *x, size_t a, size_t b) {
    for (CoinBigIndex e = s->m.start[a]; e < s->m.start[a + 1]; e++) s->count[s->m.index[e]]--;
    for (CoinBigIndex e = s->m.start[b]; e < s->m.start[b + 1]; e++) s->count[s->m.index[e]]++;
    x[a]--, x[b]++;
}

double urne_search_improve(urne_search *s, const double *w, int64_t *x) {
    size_t T = s->T;
    assert(urne_search_valid(s, x));
    for (size_t t = 0; t < T; t++) s->order[t].w = w[t], s->order[t].t = t;
    qsort(s->order, T, sizeof *s->order, by_weight_desc);
    count_rows(s, x);
    for (size_t steps = 0; steps < URNE_IMPROVE_STEPS; steps++) {
        /* best improvement: for each type holding seats, the heaviest type it may give one to */
        size_t best_a = T, best_b = T;
        double best_gain = 1e-12;
        for (size_t a = 0; a < T; a++) {
            if (x[a] == 0) continue;
            for (size_t i = 0; i < T; i++) {
                size_t b = s->order[i].t;
                if (w[b] - w[a] <= best_gain) break;
                if (b == a || x[b] >= s->p->type_size[b] || !may_swap(s, a, b)) continue;
                best_gain = w[b] - w[a], best_a = a, best_b = b;
                break;
            }
        }
        if (best_a == T) break;
        apply_swap(s, x, best_a, best_b);
    }
    assert(urne_search_valid(s, x));
    return urne_search_value(s, w, x);
}

/* CBC 2.10 was seen to abort on an internal assertion with weights spanning many
 * orders of magnitude: same argmax, better conditioned — the largest weight 1,
 * negligible ones 0. Returns the scale (w = scale x obj), 0 when every weight is. */
static double scaled_objective(const urne_search *s, const double *w, double *obj) {
    double wmax = 0;
    for (size_t t = 0; t < s->T; t++)
        if (fabs(w[t]) > wmax) wmax = fabs(w[t]);
    for (size_t t = 0; t < s->T; t++) obj[t] = wmax > 0 && fabs(w[t]) / wmax > 1e-9 ? w[t] / wmax : 0.0;
    return wmax;
}

/* A MIP start: the incumbent, improved by local search under the current objective. */
static void warm_start(urne_search *s, Cbc_Model *model) {
    size_t T = s->T;
    urne_search_improve(s, s->obj, s->incumbent);
    int *idx = malloc((T ? T : 1) * sizeof *idx);
    double *val = malloc((T ? T : 1) * sizeof *val);
    if (idx && val) { /* out of memory: no start, the MIP finds its own */
        for (size_t t = 0; t < T; t++) idx[t] = (int)t, val[t] = (double)s->incumbent[t];
        Cbc_setMIPStartI(model, (int)T, idx, val);
    }
    free(idx), free(val);
}

/* Copy the MIP's best panel into xs[0..T), then up to room - 1 other valid, distinct
 * panels it saved; sets *found, s->bound, the incumbent. FOUND, or FAILED when CBC's
 * best is not a valid panel. */
static int take_solutions(urne_search *s, Cbc_Model *model, double scale, int64_t *xs, size_t room, size_t *found) {
    size_t T = s->T;
    const double *sol = Cbc_bestSolution(model);
    double value = Cbc_getObjValue(model), best_possible = Cbc_getBestPossibleObjValue(model);
    s->bound = (best_possible > value ? best_possible : value) * scale; /* stopped early: CBC's bound */
    for (size_t t = 0; t < T; t++) xs[t] = (int64_t)llround(sol[t]);
    *found = 1;
    int saved = Cbc_numberSavedSolutions(model);
    for (int i = 0; i < saved && *found < room; i++) {
        const double *other = Cbc_savedSolution(model, i);
        int64_t *x = xs + *found * T;
        for (size_t t = 0; t < T; t++) x[t] = (int64_t)llround(other[t]);
        if (urne_search_valid(s, x) && memcmp(x, xs, T * sizeof *x) != 0) (*found)++;
    }
    if (!urne_search_valid(s, xs)) return URNE_SEARCH_FAILED;
    memcpy(s->incumbent, xs, T * sizeof *xs), s->have_incumbent = 1;
    return URNE_SEARCH_FOUND;
}

/* The MIP over s->obj, which the caller has just set, within column bounds clb..cub
 * and row bounds rlb..rub (the search's own, or a face's); from the incumbent when
 * `warm`; at most `nodes` branch-and-bound nodes (0: no limit). There is no time limit
 * on purpose: CBC's seconds limit would make the panel found depend on the machine. */
static int mip(urne_search *s, double scale, int nodes, const double *clb, const double *cub, const double *rlb,
               const double *rub, int warm, int64_t *xs, size_t room, size_t *found) {
    size_t T = s->T;
    Cbc_Model *model = Cbc_newModel();
    int rc = URNE_SEARCH_FAILED;
    s->node_limited = 0;
    if (model == NULL) goto out;
    Cbc_setLogLevel(model, 0);
    Cbc_loadProblem(model, (int)T, (int)s->R, s->m.start, s->m.index, s->m.value, clb, cub, s->obj, rlb, rub);
    Cbc_setObjSense(model, -1);
    for (size_t t = 0; t < T; t++) Cbc_setInteger(model, (int)t);
    if (nodes > 0) Cbc_setMaximumNodes(model, nodes);
    if (warm && s->have_incumbent) warm_start(s, model);
    /* The pricing MIPs are small and their LP relaxations tight: CBC's default cuts,
     * heuristics, preprocessing and strong branching cost more than the search they
     * save (measured: cuts and heuristics 115 ms -> 15 ms on a hard MIP; preprocessing
     * and strong branching 35 ms -> 20 ms a MIP over a 400-person LEXIMIN). */
    Cbc_setParameter(model, "cuts", "off");
    Cbc_setParameter(model, "heuristicsOnOff", "off");
    Cbc_setParameter(model, "preprocess", "off");
    Cbc_setParameter(model, "strong", "0");
    if (s->gap > 0) Cbc_setAllowableFractionGap(model, s->gap);
    Cbc_solve(model);
    s->mip_solves++;
    if (Cbc_isProvenInfeasible(model)) {
        rc = URNE_SEARCH_INFEASIBLE;
    } else if (Cbc_isProvenOptimal(model) || (Cbc_isNodeLimitReached(model) && Cbc_bestSolution(model))) {
        s->node_limited = !Cbc_isProvenOptimal(model);
        rc = take_solutions(s, model, scale, xs, room, found);
    } else if (Cbc_isNodeLimitReached(model)) {
        rc = URNE_SEARCH_STOPPED; /* nodes spent, no panel met: the caller decides */
    }
out:
    if (model) Cbc_deleteModel(model);
    return rc;
}

int urne_search_best(urne_search *s, const double *w, double cutoff, int64_t *xs, size_t room, size_t *found) {
    size_t T = s->T;
    *found = 0;
    s->node_limited = 0;
    double scale = scaled_objective(s, w, s->obj);
    Clp_chgObjCoefficients(s->relax, s->obj);
    Clp_primal(s->relax, 0);
    s->lp_solves++;
    if (!Clp_isProvenOptimal(s->relax)) { /* a stale basis can stall: start afresh once */
        Clp_initialSolve(s->relax);
        s->lp_solves++;
    }
    if (Clp_isProvenPrimalInfeasible(s->relax)) return URNE_SEARCH_INFEASIBLE;
    if (Clp_isProvenOptimal(s->relax)) {
        double bound = Clp_objectiveValue(s->relax) * scale;
        /* the bound is the LP's, within its tolerances: keep a margin before trusting it */
        s->bound = bound;
        if (scale > 0 && bound <= cutoff - 1e-9 * fabs(cutoff)) return URNE_SEARCH_NONE_ABOVE;
        const double *sol = Clp_getColSolution(s->relax);
        int integral = 1;
        for (size_t t = 0; t < T && integral; t++) {
            xs[t] = (int64_t)llround(sol[t]);
            if (fabs(sol[t] - (double)xs[t]) > 1e-7) integral = 0;
        }
        if (integral && urne_search_valid(s, xs)) {
            *found = 1;
            return URNE_SEARCH_FOUND;
        }
    }
    return mip(s, scale, s->nodes, s->clb, s->cub, s->rlb, s->rub, 1, xs, room, found);
}

#define FACE_NODES 100 /* a node limit, not a time limit: the same panel on every machine */

int urne_search_face(urne_search *s, const double *w, const double *clb, const double *cub, const double *rlb,
                     const double *rub, int64_t *x) {
    size_t found = 0;
    double scale = scaled_objective(s, w, s->obj);
    double gap = s->gap;
    s->gap = 0;
    int rc = mip(s, scale, FACE_NODES, clb, cub, rlb, rub, 0, x, 1, &found);
    if (rc == URNE_SEARCH_FAILED || rc == URNE_SEARCH_STOPPED) { /* no panel within the node limit: any panel at all */
        memset(s->obj, 0, s->T * sizeof *s->obj);
        rc = mip(s, 1.0, 0, clb, cub, rlb, rub, 0, x, 1, &found);
    }
    s->gap = gap;
    return rc;
}
