/*
 * legacy: the greedy draw the Sortition Foundation used before LEXIMIN, kept to
 * compare with. Seat by seat: take the most urgent feature — the largest (minimum
 * still needed) / (volunteers left who have it) among those below their maximum —
 * and a volunteer drawn at random among those left who have it; a feature that
 * reaches its maximum removes everyone left who has it, and a volunteer drawn removes
 * the rest of their household. A run that ends short of a minimum, or finds a minimum
 * that the volunteers left cannot reach, starts again.
 *
 * Its probabilities are not designed, only observed: the method is run `legacy_runs`
 * times from the seed and each distinct panel weighs its frequency. That is the
 * distribution the draw then rounds (exactly, since it is already in 1/runs steps).
 *
 * No clock (issue 14): the runs are counted (`legacy_runs`, the method's own
 * parameter), and the caller's "should I stop?" is polled after each; a stop keeps the
 * runs made, and the result says so. LEGACY optimises nothing, so its result is never
 * flagged optimal.
 */
#include <stdlib.h>
#include <string.h>

#include "../count/count.h"
#include "sortition_internal.h"

#define LEGACY_ATTEMPTS 1000 /* restarts allowed for one run before the method gives up */

typedef struct legacy {
    const urne_pool *p;
    size_t nrows;
    size_t *row0;          /* first (category, feature) row of each category */
    int64_t *selected, *left, *min, *max;
    char *available;
    size_t *candidates;
} legacy;

static size_t row_of(const legacy *g, size_t i, size_t c) { return g->row0[c] + g->p->feature[i * g->p->ncat + c]; }

static void remove_volunteer(legacy *g, size_t i) {
    if (!g->available[i]) return;
    g->available[i] = 0;
    for (size_t c = 0; c < g->p->ncat; c++) g->left[row_of(g, i, c)]--;
}

/* One attempt: 1 with the panel's seats per type in x, 0 when it got stuck. */
static int attempt(legacy *g, int64_t k, urne_lot *lot, int64_t *x) {
    const urne_pool *p = g->p;
    memset(x, 0, p->ntypes * sizeof *x);
    memset(g->selected, 0, g->nrows * sizeof *g->selected);
    memset(g->left, 0, g->nrows * sizeof *g->left);
    memset(g->available, 1, p->n);
    for (size_t i = 0; i < p->n; i++)
        for (size_t c = 0; c < p->ncat; c++) g->left[row_of(g, i, c)]++;
    for (int64_t seat = 0; seat < k; seat++) {
        size_t best = g->nrows;
        double urgency = 0;
        for (size_t r = 0; r < g->nrows; r++) {
            if (g->selected[r] >= g->max[r] || g->left[r] == 0) {
                if (g->selected[r] < g->min[r]) return 0; /* a minimum nobody left can reach */
                continue;
            }
            double u = (double)(g->min[r] - g->selected[r]) / (double)g->left[r];
            if (u > 1) return 0;
            if (best == g->nrows || u > urgency) best = r, urgency = u;
        }
        if (best == g->nrows) return 0;
        size_t nc = 0, c = 0;
        while (c + 1 < p->ncat && g->row0[c + 1] <= best) c++;
        for (size_t i = 0; i < p->n; i++)
            if (g->available[i] && row_of(g, i, c) == best) g->candidates[nc++] = i;
        size_t chosen = g->candidates[urne_lot_below(lot, nc)];
        x[p->type_of[chosen]]++;
        remove_volunteer(g, chosen);
        if (p->household && p->household[chosen] != URNE_NO_HOUSEHOLD)
            for (size_t i = 0; i < p->n; i++)
                if (p->household[i] == p->household[chosen]) remove_volunteer(g, i);
        for (size_t cc = 0; cc < p->ncat; cc++) {
            size_t r = row_of(g, chosen, cc);
            if (++g->selected[r] == g->max[r])
                for (size_t i = 0; i < p->n; i++)
                    if (g->available[i] && row_of(g, i, cc) == r) remove_volunteer(g, i);
        }
    }
    for (size_t r = 0; r < g->nrows; r++)
        if (g->selected[r] < g->min[r]) return 0;
    return 1;
}

int urne_sortition_legacy(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                          urne_sortition_result *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    size_t T = pool->ntypes, runs = opt->legacy_runs ? opt->legacy_runs : 1000;
    legacy g = {pool, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    for (size_t c = 0; c < pool->ncat; c++) g.nrows += pool->nfeat[c];
    g.row0 = malloc((pool->ncat + 1) * sizeof *g.row0);
    g.selected = malloc(g.nrows * sizeof *g.selected);
    g.left = malloc(g.nrows * sizeof *g.left);
    g.min = malloc(g.nrows * sizeof *g.min);
    g.max = malloc(g.nrows * sizeof *g.max);
    g.available = malloc(pool->n ? pool->n : 1);
    g.candidates = malloc((pool->n ? pool->n : 1) * sizeof *g.candidates);
    urne_panels ps = {T, 0, 0, NULL};
    size_t *times = NULL;
    double *prob = NULL;
    int64_t *x = malloc((T ? T : 1) * sizeof *x);
    int rc = -1;
    if (!g.row0 || !g.selected || !g.left || !g.min || !g.max || !g.available || !g.candidates || !x) goto oom;
    for (size_t c = 0, r = 0; c < pool->ncat; c++) {
        g.row0[c] = r;
        for (size_t f = 0; f < pool->nfeat[c]; f++, r++) g.min[r] = pool->min[c][f], g.max[r] = pool->max[c][f];
    }
    urne_lot lot;
    urne_lot_init(&lot, opt->seed);
    for (size_t run = 0; run < runs; run++) {
        int ok = 0;
        for (size_t tries = 0; tries < LEGACY_ATTEMPTS && !ok; tries++) ok = attempt(&g, k, &lot, x);
        if (!ok) {
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "legacy-stuck",
                           "the greedy method found no panel meeting the quotas in %d attempts (run %zu)",
                           LEGACY_ATTEMPTS, run + 1);
            goto done;
        }
        size_t q = urne_panels_find(&ps, x); /* which panel it was */
        if (q == ps.n) {
            size_t *nt = realloc(times, (ps.n + 1) * sizeof *nt);
            if (nt == NULL) goto oom;
            times = nt;
            times[q] = 0;
            if (urne_panels_add(&ps, x) < 0) goto oom;
        }
        times[q]++;
        if (opt->progress && (run + 1) % 100 == 0) {
            urne_sortition_progress_info info = {"legacy runs", run + 1, 0, T, ps.n, 0, 0, 0};
            opt->progress(opt->ctx, &info);
        }
        if (run + 1 < runs && opt->should_stop && opt->should_stop(opt->stop_ctx)) {
            out->stopped = URNE_SORTITION_STOP_CALLER;
            runs = run + 1;
            break;
        }
    }
    prob = malloc((ps.n ? ps.n : 1) * sizeof *prob);
    if (prob == NULL) goto oom;
    for (size_t q = 0; q < ps.n; q++) prob[q] = (double)times[q] / (double)runs;
    if (urne_sortition_result_set(out, pool, &ps, prob) != 0) goto oom;
    out->rounds = runs;
    out->panels_generated = ps.n;
    rc = 0;
    goto done;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
done:
    free(g.row0), free(g.selected), free(g.left), free(g.min), free(g.max), free(g.available), free(g.candidates);
    free(x), free(times), free(prob);
    urne_panels_free(&ps);
    if (rc != 0) urne_sortition_result_free(out);
    return rc;
}
