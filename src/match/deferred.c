/*
 * deferred: deferred acceptance with pupils proposing (Gale and Shapley, 1962),
 * the default mechanism (see match.h for why).
 *
 * A free pupil asks its next wish; the host keeps the best applicants it has
 * room for and sends back the one it likes least; that pupil asks its next
 * wish. When nobody is free, or the free have asked every wish, the holdings
 * are the result. Each pupil asks each wish at most once, so the work is the
 * number of wishes times a heap operation: a million pupils with ten wishes
 * each is a few seconds' work, most of it cache misses.
 *
 * A host holds its applicants in two heaps, worst on top: `reserved`, its best
 * priority applicants up to its reserved places, and `open`, everyone else it
 * holds. An arriving priority pupil enters `reserved`, pushing the worst there
 * into `open` when it is over; whoever arrives, when the host holds more than
 * its places the worst of `open` is sent back. `reserved` is thereby always the
 * best priority pupils held, and the host's choice is the soft-reserve rule of
 * match.h: its best priority pupils for the reserved places, then the best of
 * the rest. A reserved place nobody with priority wants is an open one.
 */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

typedef struct host_state {
    urne_match_heap reserved, open;
    size_t reserved_room; /* min(reserved places, applicants) */
    int64_t capacity;     /* the places open in this round */
} host_state;

/* Give every host its two heaps, sized by what can reach them: no more than its
 * applicants, so that a host announcing a million places costs nothing. */
static urne_match_held *make_hosts(const urne_match_prep *prep, host_state *hs) {
    const urne_match_instance *in = prep->in;
    size_t *applicants = calloc(in->nhosts ? in->nhosts : 1, sizeof *applicants);
    if (applicants == NULL) return NULL;
    for (size_t p = 0; p < in->npupils; p++)
        for (size_t w = 0; w < in->pupils[p].nwishes; w++) applicants[in->pupils[p].wishes[w]]++;
    size_t total = 0;
    for (size_t h = 0; h < in->nhosts; h++) {
        size_t cap = (uint64_t)prep->room[h] < applicants[h] ? (size_t)prep->room[h] : applicants[h];
        size_t res = (uint64_t)prep->reserved_room[h] < cap ? (size_t)prep->reserved_room[h] : cap;
        total += cap + 1 + res + 1;
    }
    urne_match_held *pool = malloc(total * sizeof *pool);
    if (pool) {
        size_t at = 0;
        for (size_t h = 0; h < in->nhosts; h++) {
            size_t cap = (uint64_t)prep->room[h] < applicants[h] ? (size_t)prep->room[h] : applicants[h];
            size_t res = (uint64_t)prep->reserved_room[h] < cap ? (size_t)prep->reserved_room[h] : cap;
            hs[h] = (host_state){{pool + at, 0}, {pool + at + res + 1, 0}, res, prep->room[h]};
            at += cap + 1 + res + 1;
        }
    }
    free(applicants);
    return pool;
}

/* Pupil p (key k) applies to the host; returns whom the host sends back, which
 * may be p, or URNE_MATCH_NONE when it keeps everyone. */
static uint32_t apply(host_state *h, const urne_match_instance *in, uint32_t p, urne_match_key k) {
    if (h->capacity == 0) return p;
    urne_match_held x = {k, p};
    if (in->pupils[p].priority > 0 && h->reserved_room > 0) {
        urne_match_heap_push(&h->reserved, x);
        if (h->reserved.n <= h->reserved_room) goto placed;
        x = urne_match_heap_pop(&h->reserved); /* the worst priority pupil competes for an open place */
    }
    urne_match_heap_push(&h->open, x);
placed:
    if ((int64_t)(h->reserved.n + h->open.n) <= h->capacity) return URNE_MATCH_NONE;
    return urne_match_heap_pop(&h->open).pupil;
}

int urne_match_da(const urne_match_prep *prep, urne_match_result *out) {
    const urne_match_instance *in = prep->in;
    if (urne_match_result_init(in, out) < 0) return -1;
    host_state *hs = malloc((in->nhosts ? in->nhosts : 1) * sizeof *hs);
    uint32_t *next = calloc(in->npupils ? in->npupils : 1, sizeof *next);
    uint32_t *free_pupils = malloc((in->npupils ? in->npupils : 1) * sizeof *free_pupils);
    urne_match_held *pool = hs ? make_hosts(prep, hs) : NULL;
    if (!hs || !next || !free_pupils || !pool) {
        free(hs), free(next), free(free_pupils), free(pool);
        urne_match_result_free(out);
        return -1;
    }
    size_t nfree = 0;
    for (size_t p = in->npupils; p-- > 0;) /* the first pupil asks first */
        if (urne_match_in_round(in, (uint32_t)p)) free_pupils[nfree++] = (uint32_t)p;
    while (nfree > 0) {
        uint32_t p = free_pupils[--nfree];
        const urne_match_pupil *pupil = &in->pupils[p];
        while (next[p] < pupil->nwishes) {
            uint32_t h = pupil->wishes[next[p]];
            if (!urne_match_eligible(prep, p, h)) {
                next[p]++;
                continue;
            }
            uint32_t back = apply(&hs[h], in, p, urne_match_key_of(prep, p, h));
            if (back == p) {
                next[p]++;
                continue;
            }
            if (back != URNE_MATCH_NONE) {
                next[back]++;
                free_pupils[nfree++] = back;
            }
            break;
        }
    }
    for (size_t h = 0; h < in->nhosts; h++) {
        for (size_t i = 0; i < hs[h].reserved.n; i++) {
            uint32_t p = hs[h].reserved.v[i].pupil;
            urne_match_place(in, out, p, next[p]);
        }
        for (size_t i = 0; i < hs[h].open.n; i++) {
            uint32_t p = hs[h].open.v[i].pupil;
            urne_match_place(in, out, p, next[p]);
        }
        out->filled_reserved[h] = (int64_t)hs[h].reserved.n;
    }
    free(hs), free(next), free(free_pupils), free(pool);
    return 0;
}
