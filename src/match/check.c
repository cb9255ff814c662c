/*
 * check: what an assignment says for itself, whoever made it: who stands last at
 * each host (its cutoffs), why a pupil did not get a better wish, and the
 * independent checker (see match.h).
 *
 * The checker does not trust the mechanism it checks. It rebuilds each host's
 * holdings from the assignment alone and asks, for every pupil and every wish
 * above what that pupil got, whether the host would have taken them: a free
 * place, or the pupil before the last one the host's choice rule keeps. Any
 * such pair blocks: both would rather have each other. Whether the result is
 * also the pupil-optimal stable one is checked by running deferred acceptance
 * and comparing, pupil by pupil: the pupil-optimal stable assignment is unique,
 * so any difference is a pupil who could have had better in some stable
 * assignment.
 */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

typedef struct held_entry {
    uint32_t host;
    urne_match_key key;
    uint32_t pupil;
} held_entry;

static int by_host_then_key(const void *a, const void *b) {
    const held_entry *x = a, *y = b;
    if (x->host != y->host) return x->host < y->host ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

void urne_match_cutoffs_free(urne_match_cutoffs *c) {
    free(c->reserved_worst), free(c->open_worst), free(c->reserved_held), free(c->held);
    memset(c, 0, sizeof *c);
}

int urne_match_cutoffs_make(const urne_match_prep *prep, const uint32_t *host_of, urne_match_cutoffs *c) {
    const urne_match_instance *in = prep->in;
    size_t m = in->nhosts ? in->nhosts : 1, placed = 0;
    c->reserved_worst = malloc(m * sizeof *c->reserved_worst), c->open_worst = malloc(m * sizeof *c->open_worst);
    c->reserved_held = calloc(m, sizeof *c->reserved_held), c->held = calloc(m, sizeof *c->held);
    for (size_t p = 0; p < in->npupils; p++) placed += host_of[p] != URNE_MATCH_NONE && urne_match_in_round(in, (uint32_t)p);
    held_entry *v = malloc((placed ? placed : 1) * sizeof *v);
    if (!c->reserved_worst || !c->open_worst || !c->reserved_held || !c->held || !v) {
        free(v);
        urne_match_cutoffs_free(c);
        return -1;
    }
    size_t k = 0;
    for (size_t p = 0; p < in->npupils; p++)
        if (host_of[p] != URNE_MATCH_NONE && urne_match_in_round(in, (uint32_t)p)) /* the kept are not in competition */
            v[k++] = (held_entry){host_of[p], urne_match_key_of(prep, (uint32_t)p, host_of[p]), (uint32_t)p};
    qsort(v, placed, sizeof *v, by_host_then_key);
    for (size_t h = 0; h < in->nhosts; h++) c->reserved_worst[h] = c->open_worst[h] = URNE_MATCH_NONE;
    /* In each host's run, best first: its first `reserved` priority pupils hold
     * the reserved places, everyone else the open ones. */
    for (size_t i = 0; i < placed; i++) {
        uint32_t h = v[i].host, p = v[i].pupil;
        c->held[h]++;
        if (in->pupils[p].priority > 0 && c->reserved_held[h] < prep->reserved_room[h]) {
            c->reserved_held[h]++;
            c->reserved_worst[h] = p;
        } else
            c->open_worst[h] = p;
    }
    free(v);
    return 0;
}

static int before(const urne_match_prep *prep, uint32_t p, uint32_t q, uint32_t h) {
    return urne_match_key_of(prep, p, h) < urne_match_key_of(prep, q, h);
}

int urne_match_would_take(const urne_match_prep *prep, const urne_match_cutoffs *c, uint32_t p, uint32_t h) {
    const urne_match_host *host = &prep->in->hosts[h];
    if (!urne_match_eligible(prep, p, h) || host->capacity == 0) return 0;
    if (c->held[h] < prep->room[h]) return 1;
    if (prep->in->pupils[p].priority > 0) {
        if (c->reserved_held[h] < prep->reserved_room[h]) return 1;
        if (c->reserved_worst[h] != URNE_MATCH_NONE && before(prep, p, c->reserved_worst[h], h)) return 1;
    }
    return c->open_worst[h] != URNE_MATCH_NONE && before(prep, p, c->open_worst[h], h);
}

/* How host h's order reads pupil p: its own rank, or priority and lottery. */
static void standing_at(const urne_match_prep *prep, uint32_t p, uint32_t h, urne_match_reason *r, int64_t *first,
                        int64_t *second) {
    urne_match_key k = urne_match_key_of(prep, p, h);
    r->by_rank = prep->in->hosts[h].ranks_own;
    *first = r->by_rank ? (int64_t)(uint64_t)(k >> 64) : prep->in->pupils[p].priority;
    *second = prep->in->tie == URNE_MATCH_TIE_MULTIPLE ? (int64_t)((uint64_t)k >> 32) : prep->in->pupils[p].lottery;
}

/* The pupil who stands last among those p competed with at h. */
static uint32_t cutoff_for(const urne_match_prep *prep, const urne_match_cutoffs *c, uint32_t p, uint32_t h) {
    uint32_t open = c->open_worst[h], reserved = c->reserved_worst[h];
    if (prep->in->pupils[p].priority <= 0 || reserved == URNE_MATCH_NONE) return open != URNE_MATCH_NONE ? open : reserved;
    if (open == URNE_MATCH_NONE) return reserved;
    return before(prep, open, reserved, h) ? reserved : open;
}

size_t urne_match_explain(const urne_match_prep *prep, urne_match_method method, const urne_match_result *result,
                          const urne_match_cutoffs *c, uint32_t p, urne_match_reason *reasons, size_t max) {
    const urne_match_pupil *pupil = &prep->in->pupils[p];
    if (!urne_match_in_round(prep->in, p)) return 0; /* placed (or not) in an earlier round */
    size_t upto = result->wish_of[p] ? result->wish_of[p] - 1 : pupil->nwishes, n = 0;
    for (size_t w = 0; w < upto; w++, n++) {
        if (n >= max) continue;
        uint32_t h = pupil->wishes[w];
        const urne_match_host *host = &prep->in->hosts[h];
        urne_match_reason *r = &reasons[n];
        memset(r, 0, sizeof *r);
        r->host = h, r->wish = (uint32_t)w + 1, r->cutoff_pupil = URNE_MATCH_NONE;
        if (host->capacity == 0) r->why = URNE_MATCH_WHY_NO_PLACES;
        else if (host->weeks && pupil->week >= 0 && !((host->weeks >> pupil->week) & 1)) r->why = URNE_MATCH_WHY_WEEK;
        else if (!urne_match_near(prep->in, p, h)) r->why = URNE_MATCH_WHY_TOO_FAR;
        else if (!urne_match_eligible(prep, p, h)) r->why = URNE_MATCH_WHY_NOT_RANKED;
        else if (method != URNE_MATCH_DA) r->why = URNE_MATCH_WHY_TRADED;
        else {
            r->why = URNE_MATCH_WHY_FULL;
            r->cutoff_pupil = cutoff_for(prep, c, p, h);
            standing_at(prep, p, h, r, &r->own_priority, &r->own_lottery);
            if (r->cutoff_pupil != URNE_MATCH_NONE)
                standing_at(prep, r->cutoff_pupil, h, r, &r->cutoff_priority, &r->cutoff_lottery);
        }
    }
    return n;
}

static int add_fault(urne_match_faults *f, urne_match_fault x) {
    f->total++;
    if (f->n >= URNE_MATCH_FAULTS_KEPT) return 0;
    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 16;
        urne_match_fault *ni = realloc(f->items, ncap * sizeof *ni);
        if (ni == NULL) return -1;
        f->items = ni, f->cap = ncap;
    }
    f->items[f->n++] = x;
    return 0;
}

void urne_match_faults_free(urne_match_faults *f) {
    free(f->items);
    memset(f, 0, sizeof *f);
}

/* Hosts that exist, were wished, take the pupil; no host over its places. */
static int check_placements(const urne_match_prep *prep, const uint32_t *host_of, urne_match_faults *f) {
    const urne_match_instance *in = prep->in;
    int64_t *count = calloc(in->nhosts ? in->nhosts : 1, sizeof *count);
    if (count == NULL) return -1;
    int oom = 0;
    for (size_t p = 0; p < in->npupils && !oom; p++) {
        uint32_t h = host_of[p];
        urne_match_fault x = {URNE_MATCH_KEPT_CHANGED, (uint32_t)p, h, 0, 0};
        if (in->absent && in->absent[p]) {
            if (h != URNE_MATCH_NONE) x.kind = URNE_MATCH_ABSENT_PLACED, oom = add_fault(f, x) < 0;
            continue;
        }
        if (in->kept && in->kept[p] != URNE_MATCH_NONE && h != in->kept[p]) {
            oom = add_fault(f, x) < 0;
            continue;
        }
        if (h == URNE_MATCH_NONE) continue;
        x.kind = URNE_MATCH_BAD_HOST;
        if (h >= in->nhosts) {
            oom = add_fault(f, x) < 0;
            continue;
        }
        count[h]++;
        size_t w = 0;
        while (w < in->pupils[p].nwishes && in->pupils[p].wishes[w] != h) w++;
        x.kind = w == in->pupils[p].nwishes ? URNE_MATCH_NOT_WISHED : URNE_MATCH_INELIGIBLE;
        if (x.kind == URNE_MATCH_NOT_WISHED || !urne_match_eligible(prep, (uint32_t)p, h)) oom = add_fault(f, x) < 0;
    }
    for (size_t h = 0; h < in->nhosts && !oom; h++)
        if (count[h] > in->hosts[h].capacity)
            oom = add_fault(f, (urne_match_fault){URNE_MATCH_OVER_CAPACITY, URNE_MATCH_NONE, (uint32_t)h, count[h],
                                                  in->hosts[h].capacity}) < 0;
    free(count);
    return oom ? -1 : 0;
}

/* Every pupil and wish above what it got that would take it. */
static int check_blocking(const urne_match_prep *prep, const uint32_t *host_of, urne_match_faults *f) {
    urne_match_cutoffs c;
    if (urne_match_cutoffs_make(prep, host_of, &c) < 0) return -1;
    int oom = 0;
    for (size_t p = 0; p < prep->in->npupils && !oom; p++) {
        const urne_match_pupil *pupil = &prep->in->pupils[p];
        if (!urne_match_in_round(prep->in, (uint32_t)p)) continue; /* kept places are not reopened */
        for (size_t w = 0; w < pupil->nwishes && pupil->wishes[w] != host_of[p] && !oom; w++)
            if (urne_match_would_take(prep, &c, (uint32_t)p, pupil->wishes[w]))
                oom = add_fault(f, (urne_match_fault){URNE_MATCH_BLOCKING_PAIR, (uint32_t)p, pupil->wishes[w], 0, 0}) < 0;
    }
    urne_match_cutoffs_free(&c);
    return oom ? -1 : 0;
}

long urne_match_check(const urne_match_prep *prep, const uint32_t *host_of, int stable, int optimal,
                      urne_match_faults *f) {
    size_t before_total = f->total;
    if (check_placements(prep, host_of, f) < 0) return -1;
    if (f->total != before_total) return (long)(f->total - before_total); /* the rest assumes placements hold */
    if (stable && check_blocking(prep, host_of, f) < 0) return -1;
    if (optimal) {
        urne_match_result best;
        if (urne_match_run(prep, URNE_MATCH_DA, &best) < 0) return -1;
        int oom = 0;
        for (size_t p = 0; p < prep->in->npupils && !oom; p++)
            if (best.host_of[p] != host_of[p])
                oom = add_fault(f, (urne_match_fault){URNE_MATCH_NOT_OPTIMAL, (uint32_t)p, best.host_of[p], 0, 0}) < 0;
        urne_match_result_free(&best);
        if (oom) return -1;
    }
    return (long)(f->total - before_total);
}
