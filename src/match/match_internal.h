/*
 * match_internal: what the mechanisms' files share and nobody else needs: the
 * result's allocation, placing a pupil, each mechanism's entry, and a binary
 * heap of (key, pupil) with the worst (greatest key) on top, which is how a
 * host in deferred acceptance knows whom it would drop.
 */
#ifndef URNE_MATCH_INTERNAL_H
#define URNE_MATCH_INTERNAL_H

#include "match.h"

int urne_match_result_init(const urne_match_instance *in, urne_match_result *out);
void urne_match_place(const urne_match_instance *in, urne_match_result *out, uint32_t p, size_t w);
int urne_match_da(const urne_match_prep *prep, urne_match_result *out);
int urne_match_ttc(const urne_match_prep *prep, urne_match_result *out);
int urne_match_serial(const urne_match_prep *prep, urne_match_result *out);

typedef struct urne_match_held {
    urne_match_key key;
    uint32_t pupil;
} urne_match_held;

/* A max-heap over a caller's array of room `cap`. */
typedef struct urne_match_heap {
    urne_match_held *v;
    size_t n;
} urne_match_heap;

static inline void urne_match_heap_push(urne_match_heap *h, urne_match_held x) {
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->v[parent].key >= x.key) break;
        h->v[i] = h->v[parent];
        i = parent;
    }
    h->v[i] = x;
}

static inline urne_match_held urne_match_heap_pop(urne_match_heap *h) {
    urne_match_held top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && h->v[c + 1].key > h->v[c].key) c++;
        if (last.key >= h->v[c].key) break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n) h->v[i] = last;
    return top;
}

#endif
