/*
 * feasibility: before any optimisation, can the quotas be met at all? When they cannot,
 * the smallest relaxation that makes them feasible — the fewest seats moved across
 * quota bounds, within min_flex/max_flex when the quota file gives them — names the
 * quotas in conflict and what to change ("gender/female: minimum 21 -> 19"). When they
 * can, the volunteers no valid panel holds (a type whose features only ever appear
 * together with a full quota, say) are found, so that they can be named before a
 * method quietly gives them probability 0.
 *
 * The relaxation is a MIP over the panel constraints of search.c, with two more
 * columns per quota row: seats below the minimum and seats above the maximum, both
 * penalised one for one.
 *
 * Everything here is exact, with no budget, node limit or callback (issue 14): an
 * answer cut short would name the wrong quotas or the wrong volunteers, and the work is
 * bounded anyway — one MIP for the relaxation (two with the flex bounds), at most one
 * panel search per type for the cover.
 */
#include <coin/Cbc_C_Interface.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sortition_internal.h"

/* The smallest relaxation; flex: keep within the flex bounds. 1 found (out->relax
 * filled), 0 none, -1 failure. */
static int relax(urne_search *s, int flex, urne_sortition_feasibility *out) {
    const urne_pool *p = s->p;
    size_t T = s->T, Q = s->nquota, C = T + 2 * Q;
    urne_sparse m = {0};
    double *clb = calloc(C, sizeof *clb), *cub = malloc(C * sizeof *cub), *obj = calloc(C, sizeof *obj);
    int rc = -1;
    Cbc_Model *model = NULL;
    if (!clb || !cub || !obj || urne_sparse_reserve(&m, C, s->m.nnz + 2 * Q) != 0) goto out;
    for (size_t t = 0; t < T; t++) {
        for (CoinBigIndex e = s->m.start[t]; e < s->m.start[t + 1]; e++) urne_sparse_add(&m, s->m.index[e], 1.0);
        urne_sparse_end_col(&m);
        cub[t] = s->cub[t];
    }
    for (size_t c = 0, r = 0; c < p->ncat; c++)
        for (size_t f = 0; f < p->nfeat[c]; f++, r++) {
            int has_flex = flex && p->min_flex && p->max_flex;
            int64_t below = has_flex ? p->min[c][f] - p->min_flex[c][f] : p->min[c][f];
            int64_t above = has_flex && p->max_flex[c][f] - p->max[c][f] < s->k ? p->max_flex[c][f] - p->max[c][f] : s->k;
            urne_sparse_add(&m, (int)r, 1.0); /* seats counted as if present: the minimum lowered */
            urne_sparse_end_col(&m);
            cub[T + 2 * r] = (double)below, obj[T + 2 * r] = 1.0;
            urne_sparse_add(&m, (int)r, -1.0); /* seats not counted: the maximum raised */
            urne_sparse_end_col(&m);
            cub[T + 2 * r + 1] = (double)(above > 0 ? above : 0), obj[T + 2 * r + 1] = 1.0;
        }
    model = Cbc_newModel();
    if (model == NULL) goto out;
    Cbc_setLogLevel(model, 0);
    Cbc_loadProblem(model, (int)C, (int)s->R, m.start, m.index, m.value, clb, cub, obj, s->rlb, s->rub);
    Cbc_setObjSense(model, 1);
    for (size_t j = 0; j < C; j++) Cbc_setInteger(model, (int)j);
    Cbc_solve(model);
    s->mip_solves++;
    if (Cbc_isProvenInfeasible(model)) {
        rc = 0;
    } else if (Cbc_isProvenOptimal(model)) {
        const double *sol = Cbc_getColSolution(model);
        out->relax = calloc(Q ? Q : 1, sizeof *out->relax);
        if (out->relax == NULL) goto out;
        for (size_t c = 0, r = 0; c < p->ncat; c++)
            for (size_t f = 0; f < p->nfeat[c]; f++, r++) {
                int64_t lower = llround(sol[T + 2 * r]), higher = llround(sol[T + 2 * r + 1]);
                if (lower == 0 && higher == 0) continue;
                urne_sortition_relax *x = &out->relax[out->nrelax++];
                x->cat = c, x->feat = f;
                x->min = p->min[c][f], x->max = p->max[c][f];
                x->new_min = p->min[c][f] - lower, x->new_max = p->max[c][f] + higher;
            }
        rc = 1;
    }
out:
    if (model) Cbc_deleteModel(model);
    urne_sparse_free(&m);
    free(clb), free(cub), free(obj);
    return rc;
}

int urne_sortition_check(const urne_pool *pool, int64_t k, urne_sortition_feasibility *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    size_t T = pool->ntypes;
    urne_search s;
    if (urne_search_init(&s, pool, k) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        return -1;
    }
    double *w = malloc((T ? T : 1) * sizeof *w);
    int64_t *x = malloc((T ? T : 1) * sizeof *x);
    urne_panels ps = {T, 0, 0, NULL};
    int rc = -1;
    if (!w || !x) goto fail;
    for (size_t t = 0; t < T; t++) w[t] = 1.0;
    size_t found = 0;
    int r = urne_search_best(&s, w, -INFINITY, x, 1, &found);
    if (r == URNE_SEARCH_FAILED) goto fail;
    if (r == URNE_SEARCH_INFEASIBLE) {
        out->feasible = 0;
        int rr = relax(&s, 1, out);
        if (rr == 1) {
            out->within_flex = 1;
        } else if (rr == 0) {
            rr = relax(&s, 0, out);
            if (rr == 0) out->size_impossible = 1;
        }
        if (rr < 0) goto fail;
    } else {
        out->feasible = 1;
        out->covered = malloc(T ? T : 1);
        if (out->covered == NULL || urne_panels_add(&ps, x) < 0 || urne_panels_cover(&ps, &s, out->covered) != 0)
            goto fail;
        for (size_t t = 0; t < T; t++) out->nuncovered += out->covered[t] ? 0 : (size_t)pool->type_size[t];
    }
    rc = 0;
    goto done;
fail:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "solver", "the feasibility check failed (solver or memory)");
    urne_sortition_check_free(out);
done:
    urne_panels_free(&ps);
    urne_search_free(&s);
    free(w), free(x);
    return rc;
}

void urne_sortition_check_free(urne_sortition_feasibility *c) {
    free(c->relax);
    free(c->covered);
    memset(c, 0, sizeof *c);
}
