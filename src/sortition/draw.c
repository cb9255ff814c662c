/*
 * draw: from the LEXIMIN distribution to one panel of people, reproducibly.
 *
 * The distribution is rounded to m equally likely panels (each panel's count
 * floor(p x m), then one more to the largest remainders), one of the m is chosen by
 * the published seed, and within each type the seats go to members chosen by a seeded
 * shuffle. Anyone holding the same files and seed recomputes the same panel.
 */
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
    double *rem = malloc((P ? P : 1) * sizeof *rem);
    size_t *members = malloc((pool->n ? pool->n : 1) * sizeof *members);
    if (!out->copies || !out->selected || !rem || !members) {
        free(rem), free(members);
        return -1;
    }
    size_t given = 0;
    for (size_t q = 0; q < P; q++) {
        double x = r->panel_prob[q] * (double)m;
        out->copies[q] = (size_t)x;
        rem[q] = x - (double)out->copies[q];
        given += out->copies[q];
    }
    while (given < m) { /* largest remainders, lowest index first on ties */
        size_t best = 0;
        for (size_t q = 1; q < P; q++)
            if (rem[q] > rem[best]) best = q;
        out->copies[best]++;
        rem[best] = -1;
        given++;
    }
    urne_lot lot;
    urne_lot_init(&lot, seed);
    size_t ticket = urne_lot_below(&lot, m), q = 0;
    for (size_t acc = 0; q < P; q++) {
        acc += out->copies[q];
        if (ticket < acc) break;
    }
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
    free(rem), free(members);
    return 0;
}

void urne_sortition_draw_free(urne_sortition_draw_result *d) {
    free(d->copies);
    free(d->selected);
    memset(d, 0, sizeof *d);
}
