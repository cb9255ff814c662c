/*
 * draw: from the LEXIMIN distribution to one panel of people, reproducibly.
 *
 * The distribution is rounded to m equally likely panels (rounding.c), one of the m
 * is chosen by the published seed, and within each type the seats go to members chosen by a seeded
 * shuffle. Anyone holding the same files and seed recomputes the same panel.
 *
 * Alternates: for each member, in an order drawn by the same seed, a volunteer who can
 * take their seat keeping every quota (and no second seat in a household) — one with
 * the very same features when there is one, else any who fits — drawn by lot among
 * those who can and not already listed. When a member withdraws, their alternate is
 * called; the list is ordered, so that organisers call the next one who still fits if
 * that one is unavailable too.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../count/count.h"
#include "sortition.h"

uint64_t urne_sortition_seed(const char *text) {
    uint64_t h = 1469598103934665603ULL;
    for (; *text; text++) {
        h ^= (unsigned char)*text;
        h *= 1099511628211ULL;
    }
    return h;
}

int urne_sortition_draw(const urne_pool *pool, const urne_sortition_result *r, size_t m, uint64_t seed,
                        urne_sortition_draw_result *out) {
    memset(out, 0, sizeof *out);
    size_t P = r->npanels, T = pool->ntypes;
    out->m = m;
    out->copies = calloc(P ? P : 1, sizeof *out->copies);
    out->selected = calloc(pool->n ? pool->n : 1, 1);
    size_t *members = malloc((pool->n ? pool->n : 1) * sizeof *members);
    if (!out->copies || !out->selected || !members || urne_sortition_round(pool, r, m, out->copies, &out->rounding) != 0) {
        free(members);
        urne_sortition_draw_free(out);
        return -1;
    }
    urne_lot lot;
    urne_lot_init(&lot, seed);
    size_t ticket = urne_lot_below(&lot, m), q = 0;
    for (size_t acc = 0; q < P; q++) {
        acc += out->copies[q];
        if (ticket < acc) break;
    }
    assert(q < P); /* the copies sum to m */
    out->ticket = ticket;
    out->panel = q;
    for (size_t t = 0; t < T; t++) {
        size_t nm = 0;
        for (size_t i = 0; i < pool->n; i++)
            if (pool->type_of[i] == t) members[nm++] = i;
        for (size_t i = nm; i > 1; i--) { /* seeded Fisher-Yates */
            size_t j = urne_lot_below(&lot, i);
            size_t tmp = members[i - 1];
            members[i - 1] = members[j];
            members[j] = tmp;
        }
        for (int64_t s = 0; s < r->panels[q * T + t]; s++) out->selected[members[s]] = 1;
    }
    free(members);
#ifndef NDEBUG
    { /* the panel drawn is one of the distribution's, so it meets every quota */
        int64_t k = 0;
        for (size_t t = 0; t < T; t++) k += r->panels[q * T + t];
        int valid = urne_pool_panel_valid(pool, k, out->selected);
        assert(valid != 0); /* -1: out of memory for the check itself */
        (void)valid;
    }
#endif
    return 0;
}

/* May volunteer b take member a's seat keeping every quota? count: members per
 * (category, feature); seated: members per shared household. */
static int may_replace(const urne_pool *p, const int64_t *count, const int64_t *seated, size_t a, size_t b) {
    for (size_t c = 0; c < p->ncat; c++) {
        uint32_t fa = p->feature[a * p->ncat + c], fb = p->feature[b * p->ncat + c];
        if (fa == fb) continue;
        if (count[c * URNE_SORTITION_MAX_FEATURES + fa] - 1 < p->min[c][fa] ||
            count[c * URNE_SORTITION_MAX_FEATURES + fb] + 1 > p->max[c][fb])
            return 0;
    }
    uint32_t hb = p->household ? p->household[b] : URNE_NO_HOUSEHOLD;
    return hb == URNE_NO_HOUSEHOLD || seated[hb] - (p->household[a] == hb) == 0;
}

int urne_sortition_alternates(const urne_pool *p, const char *selected, uint64_t seed, urne_sortition_alternates_list *out) {
    memset(out, 0, sizeof *out);
    size_t n = p->n;
    size_t *members = malloc((n ? n : 1) * sizeof *members), *fits = malloc((n ? n : 1) * sizeof *fits);
    char *listed = calloc(n ? n : 1, 1);
    int64_t *count = calloc(p->ncat * URNE_SORTITION_MAX_FEATURES + 1, sizeof *count);
    int64_t *seated = calloc(p->nhouseholds + 1, sizeof *seated);
    out->alternate = malloc((n ? n : 1) * sizeof *out->alternate);
    out->replaces = malloc((n ? n : 1) * sizeof *out->replaces);
    if (!members || !fits || !listed || !count || !seated || !out->alternate || !out->replaces) {
        free(members), free(fits), free(listed), free(count), free(seated);
        urne_sortition_alternates_free(out);
        return -1;
    }
    size_t nm = 0;
    for (size_t i = 0; i < n; i++)
        if (selected[i]) {
            members[nm++] = i;
            for (size_t c = 0; c < p->ncat; c++) count[c * URNE_SORTITION_MAX_FEATURES + p->feature[i * p->ncat + c]]++;
            if (p->household && p->household[i] != URNE_NO_HOUSEHOLD) seated[p->household[i]]++;
        }
    urne_lot lot;
    urne_lot_init(&lot, seed ^ 0x616c7465726e6174ULL); /* "alternat": a stream apart from the draw's */
    for (size_t i = nm; i > 1; i--) {
        size_t j = urne_lot_below(&lot, i), tmp = members[i - 1];
        members[i - 1] = members[j];
        members[j] = tmp;
    }
    for (size_t m = 0; m < nm; m++) {
        size_t a = members[m], nf = 0;
        for (int same = 1; same >= 0 && nf == 0; same--) /* the same features first */
            for (size_t b = 0; b < n; b++) {
                if (selected[b] || listed[b]) continue;
                if (same && memcmp(p->feature + b * p->ncat, p->feature + a * p->ncat, p->ncat * sizeof *p->feature) != 0)
                    continue;
                if (may_replace(p, count, seated, a, b)) fits[nf++] = b;
            }
        if (nf == 0) {
            out->without++;
            continue;
        }
        size_t b = fits[urne_lot_below(&lot, nf)];
        listed[b] = 1;
        out->alternate[out->n] = b;
        out->replaces[out->n++] = a;
    }
    free(members), free(fits), free(listed), free(count), free(seated);
    return 0;
}

void urne_sortition_alternates_free(urne_sortition_alternates_list *l) {
    free(l->alternate);
    free(l->replaces);
    memset(l, 0, sizeof *l);
}

void urne_sortition_draw_free(urne_sortition_draw_result *d) {
    free(d->copies);
    free(d->selected);
    memset(d, 0, sizeof *d);
}
