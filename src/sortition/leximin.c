/*
 * leximin: the fairest distribution over panels, by column generation over types.
 *
 * With types t (n_t interchangeable volunteers each) and a panel P giving x_t(P) seats
 * to type t, a member of t is selected with probability a_tP = x_t(P) / n_t in P. A
 * round maximises the smallest probability z of the types not fixed yet (U), the fixed
 * ones (F) keeping at least their value v_t. We solve its dual as the master LP, so that
 * the dual values are plain columns:
 *
 *     minimise  yhat - sum_{t in F} v_t y_t
 *     subject to  yhat >= sum_t a_tP y_t   for every panel P found so far
 *                 sum_{t in U} y_t = 1,  y >= 0
 *
 * and price: the feasible panel maximising sum_t a_tP y_t, a MIP over the quotas (CBC).
 * While it beats yhat, it joins the master; when none does, z = the master's optimum,
 * and every type of U with positive y_t is tight (complementary slackness): it is fixed
 * at z. At least the largest y_t is positive, since they sum to 1, so every round fixes
 * someone. Finally a primal LP over the panels found gives the distribution.
 *
 * Within a round the master is kept: a new panel is a new row, re-solved by dual simplex
 * from the last basis. Each pricing MIP is a fresh CBC model (CBC's C interface warns
 * against reusing a solved model); it is small, since it counts types, not people.
 */
#include <coin/Cbc_C_Interface.h>
#include <coin/Clp_C_Interface.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sortition.h"

#define INF 1e30     /* CLP reads bounds at or above 1e30 as infinite; DBL_MAX overflows its scaling */
#define EPS 1e-9        /* a pricing improvement smaller than this is none */
#define SLACK 1e-9      /* fixed types keep z less this, so that rounding never makes a round infeasible */
#define TIGHT 1e-7      /* a dual value above this, relative to the largest, marks a tight type */

typedef struct sparse {
    CoinBigIndex *start;
    int *index;
    double *value;
    size_t nnz, cap, ncols;
} sparse;

static int sp_reserve(sparse *m, size_t ncols, size_t nnz) {
    m->start = malloc((ncols + 1) * sizeof *m->start);
    m->index = malloc((nnz ? nnz : 1) * sizeof *m->index);
    m->value = malloc((nnz ? nnz : 1) * sizeof *m->value);
    m->nnz = m->ncols = 0;
    m->cap = nnz;
    if (m->start) m->start[0] = 0;
    return m->start && m->index && m->value ? 0 : -1;
}

static void sp_add(sparse *m, int row, double v) {
    m->index[m->nnz] = row;
    m->value[m->nnz++] = v;
}

static void sp_end_col(sparse *m) { m->start[++m->ncols] = (CoinBigIndex)m->nnz; }

static void sp_free(sparse *m) {
    free(m->start);
    free(m->index);
    free(m->value);
}

/* Rows of the quota constraints: one per (category, feature), then the size row. */
static size_t quota_rows(const urne_pool *p) {
    size_t r = 0;
    for (size_t c = 0; c < p->ncat; c++) r += p->nfeat[c];
    return r + 1;
}

/* The panel maximising sum_t w_t x_t under the quotas; x gets the seats per type.
 * 1 found, 0 infeasible, -1 failure. */
static int best_panel(const urne_pool *p, int64_t k, const double *w, const int64_t *warm, int64_t *x) {
    size_t T = p->ntypes, R = quota_rows(p);
    sparse m = {0};
    double *lb = calloc(T, sizeof *lb), *ub = malloc(T * sizeof *ub), *rlb = malloc(R * sizeof *rlb),
           *rub = malloc(R * sizeof *rub), *obj = NULL;
    size_t *row0 = malloc((p->ncat + 1) * sizeof *row0);
    int rc = -1;
    if (!lb || !ub || !rlb || !rub || !row0 || sp_reserve(&m, T, T * (p->ncat + 1)) != 0) goto out;
    size_t r = 0;
    for (size_t c = 0; c < p->ncat; c++) {
        row0[c] = r;
        for (size_t f = 0; f < p->nfeat[c]; f++, r++) rlb[r] = (double)p->min[c][f], rub[r] = (double)p->max[c][f];
    }
    rlb[R - 1] = rub[R - 1] = (double)k;
    for (size_t t = 0; t < T; t++) {
        for (size_t c = 0; c < p->ncat; c++) sp_add(&m, (int)(row0[c] + p->type_feature[t * p->ncat + c]), 1.0);
        sp_add(&m, (int)(R - 1), 1.0);
        sp_end_col(&m);
        ub[t] = (double)p->type_size[t];
    }
    /* Same argmax, better conditioned: the largest weight 1, negligible ones 0. CBC 2.10
     * was seen to abort on an internal assertion with weights spanning many orders. */
    double wmax = 0;
    for (size_t t = 0; t < T; t++)
        if (w[t] > wmax) wmax = w[t];
    obj = malloc(T * sizeof *obj);
    if (obj == NULL) goto out;
    for (size_t t = 0; t < T; t++) obj[t] = wmax > 0 && w[t] / wmax > 1e-9 ? w[t] / wmax : 0.0;
    Cbc_Model *mip = Cbc_newModel();
    if (mip == NULL) goto out;
    Cbc_setLogLevel(mip, 0);
    Cbc_loadProblem(mip, (int)T, (int)R, m.start, m.index, m.value, lb, ub, obj, rlb, rub);
    Cbc_setObjSense(mip, -1); /* maximise */
    for (size_t t = 0; t < T; t++) Cbc_setInteger(mip, (int)t);
    (void)warm; /* a warm start made CBC 2.10 abort on an internal assertion (CbcBranchDynamic) */
    Cbc_solve(mip);
    if (Cbc_isProvenInfeasible(mip)) {
        rc = 0;
    } else if (Cbc_isProvenOptimal(mip)) {
        const double *sol = Cbc_getColSolution(mip);
        for (size_t t = 0; t < T; t++) x[t] = (int64_t)llround(sol[t]);
        rc = 1;
    }
    Cbc_deleteModel(mip);
out:
    sp_free(&m);
    free(lb), free(ub), free(rlb), free(rub), free(row0), free(obj);
    return rc;
}

int urne_sortition_feasible(const urne_pool *pool, int64_t k, urne_diags *diags) {
    double *w = calloc(pool->ntypes ? pool->ntypes : 1, sizeof *w);
    int64_t *x = malloc((pool->ntypes ? pool->ntypes : 1) * sizeof *x);
    int rc = w && x ? best_panel(pool, k, w, NULL, x) : -1;
    free(w), free(x);
    if (rc < 0) urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the MIP solver (CBC) failed");
    return rc;
}

typedef struct state {
    const urne_pool *p;
    int64_t k;
    size_t T;
    int64_t *panels; /* npanels x T */
    size_t npanels, cap;
    char *fixed;
    double *v;       /* value of fixed types */
    size_t lp_solves, mip_solves;
} state;

static double a(const state *s, size_t panel, size_t t) {
    return (double)s->panels[panel * s->T + t] / (double)s->p->type_size[t];
}

static int add_panel(state *s, const int64_t *x) {
    for (size_t q = 0; q < s->npanels; q++)
        if (memcmp(s->panels + q * s->T, x, s->T * sizeof *x) == 0) return 0; /* known already */
    if (s->npanels == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        int64_t *np = realloc(s->panels, cap * s->T * sizeof *np);
        if (np == NULL) return -1;
        s->panels = np;
        s->cap = cap;
    }
    memcpy(s->panels + s->npanels * s->T, x, s->T * sizeof *x);
    s->npanels++;
    return 1;
}

/* Build and solve the dual master over the panels found so far; NULL on failure. */
static Clp_Simplex *build_master(state *s) {
    size_t T = s->T, P = s->npanels, R = P + 1;
    sparse m = {0};
    double *lb = calloc(T + 1, sizeof *lb), *ub = malloc((T + 1) * sizeof *ub), *obj = calloc(T + 1, sizeof *obj),
           *rlb = malloc(R * sizeof *rlb), *rub = malloc(R * sizeof *rub);
    Clp_Simplex *lp = NULL;
    if (!lb || !ub || !obj || !rlb || !rub || sp_reserve(&m, T + 1, (T + 1) * (P + 1)) != 0) goto out;
    for (size_t t = 0; t < T; t++) {
        for (size_t q = 0; q < P; q++)
            if (s->panels[q * T + t]) sp_add(&m, (int)q, -a(s, q, t));
        if (!s->fixed[t]) sp_add(&m, (int)P, 1.0);
        sp_end_col(&m);
        ub[t] = INF;
        obj[t] = s->fixed[t] ? -s->v[t] : 0.0;
    }
    for (size_t q = 0; q < P; q++) sp_add(&m, (int)q, 1.0);
    sp_end_col(&m);
    lb[T] = -INF, ub[T] = INF, obj[T] = 1.0;
    for (size_t q = 0; q < P; q++) rlb[q] = 0.0, rub[q] = INF;
    rlb[P] = rub[P] = 1.0;
    lp = Clp_newModel();
    if (lp == NULL) goto out;
    Clp_setLogLevel(lp, 0);
    Clp_loadProblem(lp, (int)(T + 1), (int)R, m.start, m.index, m.value, lb, ub, obj, rlb, rub);
    Clp_setObjSense(lp, 1.0);
    Clp_initialSolve(lp);
    s->lp_solves++;
out:
    sp_free(&m);
    free(lb), free(ub), free(obj), free(rlb), free(rub);
    return lp;
}

/* A new panel is a new row of the master (yhat >= sum_t a_tP y_t): add it and re-solve
 * by dual simplex from the last basis, rather than rebuilding. 0 or -1. */
static int master_add_panel(state *s, Clp_Simplex *lp, size_t q) {
    size_t T = s->T, n = 0;
    CoinBigIndex start[2] = {0, 0};
    int *cols = malloc((T + 1) * sizeof *cols);
    double *vals = malloc((T + 1) * sizeof *vals), lo = 0.0, hi = INF;
    if (!cols || !vals) {
        free(cols), free(vals);
        return -1;
    }
    for (size_t t = 0; t < T; t++)
        if (s->panels[q * T + t]) cols[n] = (int)t, vals[n++] = -a(s, q, t);
    cols[n] = (int)T, vals[n++] = 1.0;
    start[1] = (CoinBigIndex)n;
    Clp_addRows(lp, 1, &lo, &hi, start, cols, vals);
    Clp_dual(lp, 0);
    s->lp_solves++;
    free(cols), free(vals);
    return 0;
}

/* The master's solution: y (T) and yhat; returns its optimum, or NAN if not optimal. */
static double read_master(const state *s, Clp_Simplex *lp, double *y, double *yhat) {
    if (!Clp_isProvenOptimal(lp)) return NAN;
    const double *sol = Clp_getColSolution(lp);
    for (size_t t = 0; t < s->T; t++) y[t] = sol[t] > 0 ? sol[t] : 0;
    *yhat = sol[s->T];
    return Clp_objectiveValue(lp);
}

/* The distribution over the panels found giving every type at least v_t (slacks take
 * any numerical shortfall, and are minimised). */
static int solve_primal(state *s, double *prob) {
    size_t T = s->T, P = s->npanels, R = T + 1, C = P + T;
    sparse m = {0};
    double *lb = calloc(C, sizeof *lb), *ub = malloc(C * sizeof *ub), *obj = calloc(C, sizeof *obj),
           *rlb = malloc(R * sizeof *rlb), *rub = malloc(R * sizeof *rub);
    int rc = -1;
    if (!lb || !ub || !obj || !rlb || !rub || sp_reserve(&m, C, P * (T + 1) + T) != 0) goto out;
    for (size_t q = 0; q < P; q++) {
        for (size_t t = 0; t < T; t++)
            if (s->panels[q * T + t]) sp_add(&m, (int)t, a(s, q, t));
        sp_add(&m, (int)T, 1.0);
        sp_end_col(&m);
        ub[q] = 1.0;
    }
    for (size_t t = 0; t < T; t++) {
        sp_add(&m, (int)t, 1.0);
        sp_end_col(&m);
        ub[P + t] = 1.0;
        obj[P + t] = 1.0;
        rlb[t] = s->v[t], rub[t] = INF;
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
    sp_free(&m);
    free(lb), free(ub), free(obj), free(rlb), free(rub);
    return rc;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int urne_sortition_leximin(const urne_pool *pool, int64_t k, double seconds, urne_sortition_progress progress,
                           void *ctx, urne_sortition_result *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    size_t T = pool->ntypes;
    state s = {pool, k, T, NULL, 0, 0, calloc(T ? T : 1, 1), calloc(T ? T : 1, sizeof(double)), 0, 0};
    double *y = calloc(T ? T : 1, sizeof *y), *w = calloc(T ? T : 1, sizeof *w);
    int64_t *x = malloc((T ? T : 1) * sizeof *x);
    int rc = -1;
    double start = now_seconds();
    if (!s.fixed || !s.v || !y || !w || !x) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        goto done;
    }
    /* A first panel: every type weighted alike. */
    for (size_t t = 0; t < T; t++) w[t] = 1.0 / (double)pool->type_size[t];
    int found = best_panel(pool, k, w, NULL, x);
    s.mip_solves++;
    if (found <= 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, found == 0 ? "infeasible" : "solver",
                       found == 0 ? "no panel of %lld meets every quota" : "the MIP solver (CBC) failed", (long long)k);
        goto done;
    }
    add_panel(&s, x);
    size_t nfixed = 0;
    while (nfixed < T) {
        double yhat = 0, z = NAN;
        Clp_Simplex *master = build_master(&s);
        for (;;) { /* column generation for this round */
            z = master ? read_master(&s, master, y, &yhat) : NAN;
            if (isnan(z)) {
                urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the LP solver (CLP) failed");
                if (master) Clp_deleteModel(master);
                goto done;
            }
            if (seconds > 0 && now_seconds() - start > seconds) {
                out->timed_out = 1;
                break;
            }
            for (size_t t = 0; t < T; t++) w[t] = y[t] / (double)pool->type_size[t];
            found = best_panel(pool, k, w, s.panels + (s.npanels - 1) * T, x);
            s.mip_solves++;
            if (found < 0) {
                urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the MIP solver (CBC) failed");
                Clp_deleteModel(master);
                goto done;
            }
            double value = 0;
            for (size_t t = 0; t < T; t++) value += w[t] * (double)x[t];
            if (value <= yhat + EPS) break;
            int added = add_panel(&s, x);
            if (added == 0) break; /* the best panel is known: no improvement possible */
            if (added < 0 || master_add_panel(&s, master, s.npanels - 1) != 0) {
                Clp_deleteModel(master);
                goto done;
            }
        }
        Clp_deleteModel(master);
        /* Fix the tight types (all of them when out of time). */
        double ymax = 0;
        for (size_t t = 0; t < T; t++)
            if (!s.fixed[t] && y[t] > ymax) ymax = y[t];
        for (size_t t = 0; t < T; t++)
            if (!s.fixed[t] && (out->timed_out || y[t] > TIGHT * ymax || y[t] == ymax)) {
                s.fixed[t] = 1;
                s.v[t] = z - SLACK; /* exactly z may be out of reach by rounding: the next master would fail */
                nfixed++;
            }
        out->rounds++;
        if (progress) progress(ctx, out->rounds, nfixed, T, s.npanels);
    }
    /* The distribution, and each type's probability from it. */
    out->ntypes = T;
    out->npanels = s.npanels;
    out->panel_prob = malloc((s.npanels ? s.npanels : 1) * sizeof *out->panel_prob);
    out->type_prob = calloc(T ? T : 1, sizeof *out->type_prob);
    if (!out->panel_prob || !out->type_prob || solve_primal(&s, out->panel_prob) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the final LP (CLP) failed");
        goto done;
    }
    out->min_prob = 1.0;
    for (size_t t = 0; t < T; t++) {
        for (size_t q = 0; q < s.npanels; q++) out->type_prob[t] += out->panel_prob[q] * a(&s, q, t);
        if (out->type_prob[t] < out->min_prob) out->min_prob = out->type_prob[t];
    }
    out->panels = s.panels;
    s.panels = NULL;
    out->lp_solves = s.lp_solves;
    out->mip_solves = s.mip_solves;
    rc = 0;
done:
    free(s.panels), free(s.fixed), free(s.v), free(y), free(w), free(x);
    if (rc != 0) urne_sortition_result_free(out);
    return rc;
}
