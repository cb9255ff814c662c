/*
 * ttc: the two mechanisms urne offers for comparison with deferred acceptance,
 * top trading cycles and serial dictatorship (see match.h).
 *
 * Both read the hosts' orders with single tie-breaking; the command line
 * refuses multiple tie-breaking for them rather than quietly ignore it.
 *
 * Top trading cycles follows one path of pointers: from a pupil to the best
 * host left among its wishes, from that host to the pupil it would take first
 * among those left, and so on, until the path meets itself. That loop is a
 * cycle: each pupil on it gets the host it points at, the hosts lose a place,
 * and the walk goes on from the path's remaining tail, whose last pointer is
 * looked at again. A pupil with no host left, or a host with nobody left to
 * point at, leaves the game the same way. Pointers only move forward (a host
 * skips pupils already placed, a pupil hosts already full), so the whole run
 * costs the wishes plus each host's walk down the common order. Hosts with the
 * common order share that order's array; "the next pupil left from here" is a
 * union-find over its positions, so placed pupils are skipped in near-constant
 * time. A host that offers only some weeks walks on past pupils of other weeks.
 * Reserved places need nothing more here: the common order already puts every
 * priority pupil first, and a host with its own ranking has chosen its order.
 */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

/* A pupil's place in the common order: priority turned so lower comes first, then lottery. */
typedef struct standing {
    uint64_t priority_turned;
    uint32_t lottery, pupil;
} standing;

static int by_standing(const void *a, const void *b) {
    const standing *x = a, *y = b;
    if (x->priority_turned != y->priority_turned) return x->priority_turned < y->priority_turned ? -1 : 1;
    return (x->lottery > y->lottery) - (x->lottery < y->lottery);
}

/* order[] = the pupils in the common order. 0, or -1 when memory runs out. */
static int common_order(const urne_match_prep *prep, uint32_t *order) {
    size_t n = prep->in->npupils;
    standing *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL) return -1;
    for (size_t p = 0; p < n; p++)
        v[p] = (standing){(uint64_t)(URNE_MATCH_PRIORITY_MAX - prep->in->pupils[p].priority), prep->lottery_rank[p],
                          (uint32_t)p};
    qsort(v, n, sizeof *v, by_standing);
    for (size_t i = 0; i < n; i++) order[i] = v[i].pupil;
    free(v);
    return 0;
}

int urne_match_serial(const urne_match_prep *prep, urne_match_result *out) {
    const urne_match_instance *in = prep->in;
    if (urne_match_result_init(in, out) < 0) return -1;
    uint32_t *order = malloc((in->npupils ? in->npupils : 1) * sizeof *order);
    if (order == NULL || common_order(prep, order) < 0) {
        free(order);
        urne_match_result_free(out);
        return -1;
    }
    for (size_t i = 0; i < in->npupils; i++) {
        uint32_t p = order[i];
        const urne_match_pupil *pupil = &in->pupils[p];
        if (!urne_match_in_round(in, p)) continue;
        for (size_t w = 0; w < pupil->nwishes; w++) {
            uint32_t h = pupil->wishes[w];
            if (out->filled[h] < in->hosts[h].capacity && urne_match_eligible(prep, p, h)) {
                urne_match_place(in, out, p, w);
                break;
            }
        }
    }
    free(order);
    return 0;
}

/* Top trading cycles' state. Nodes are pupils [0, n) and hosts [n, n + m). */
typedef struct ttc {
    const urne_match_prep *prep;
    urne_match_result *out;
    size_t n, m;
    uint32_t *order, *position, *skip; /* the common order, each pupil's place in it, the union-find */
    uint32_t *own;                     /* the ranking hosts' pupils by rank, host after host */
    size_t *own_at;                    /* host -> its first entry in own */
    size_t *cursor;                    /* host -> where its walk stands */
    uint32_t *wish_at;                 /* pupil -> the wish it points at */
    int64_t *left;                     /* host -> places left */
    uint8_t *gone;                     /* node -> placed, unplaceable, full or with nobody to take */
    uint32_t *path, *path_index;       /* the path of pointers; node -> its index there, or UINT32_MAX */
    size_t npath;
} ttc;

/* The first position at or after i whose pupil is still in the game (n at the end). */
static uint32_t next_left(ttc *t, uint32_t i) {
    while (t->skip[i] != i) {
        t->skip[i] = t->skip[t->skip[i]]; /* path halving */
        i = t->skip[i];
    }
    return i;
}

static uint32_t pupil_target(ttc *t, uint32_t p) {
    const urne_match_pupil *pupil = &t->prep->in->pupils[p];
    for (; t->wish_at[p] < pupil->nwishes; t->wish_at[p]++) {
        uint32_t h = pupil->wishes[t->wish_at[p]];
        if (!t->gone[t->n + h] && t->left[h] > 0 && urne_match_eligible(t->prep, p, h)) return (uint32_t)t->n + h;
    }
    return URNE_MATCH_NONE;
}

static uint32_t host_target(ttc *t, uint32_t h) {
    const urne_match_host *host = &t->prep->in->hosts[h];
    if (t->left[h] <= 0) return URNE_MATCH_NONE;
    if (host->ranks_own) {
        for (; t->cursor[h] < host->nranked; t->cursor[h]++) {
            uint32_t p = t->own[t->own_at[h] + t->cursor[h]];
            if (!t->gone[p] && urne_match_eligible(t->prep, p, h)) return p;
        }
        return URNE_MATCH_NONE;
    }
    for (uint32_t c = (uint32_t)t->cursor[h];; c++) {
        c = next_left(t, c);
        if (c == t->n) return URNE_MATCH_NONE;
        if (urne_match_eligible(t->prep, t->order[c], h)) {
            t->cursor[h] = c;
            return t->order[c];
        }
    }
}

static void leave(ttc *t, uint32_t node) {
    t->gone[node] = 1;
    if (node < t->n) t->skip[t->position[node]] = t->position[node] + 1;
}

/* The cycle is path[from..npath): each pupil gets the host after it. */
static void trade(ttc *t, size_t from) {
    const urne_match_instance *in = t->prep->in;
    for (size_t k = from; k < t->npath; k++) {
        uint32_t node = t->path[k];
        t->path_index[node] = UINT32_MAX;
        if (node < t->n) {
            urne_match_place(in, t->out, node, t->wish_at[node]);
            leave(t, node);
        } else if (--t->left[node - t->n] == 0)
            leave(t, node);
    }
    t->npath = from;
}

/* The hosts that rank their applicants, their pupils in rank order (ties by lottery). */
static int own_orders(ttc *t) {
    const urne_match_instance *in = t->prep->in;
    size_t total = 0;
    for (size_t h = 0; h < in->nhosts; h++) t->own_at[h] = total, total += in->hosts[h].nranked;
    t->own = malloc((total ? total : 1) * sizeof *t->own);
    standing *v = malloc((total ? total : 1) * sizeof *v);
    if (!t->own || !v) return free(v), -1;
    for (size_t h = 0; h < in->nhosts; h++) {
        const urne_match_host *host = &in->hosts[h];
        for (size_t i = 0; i < host->nranked; i++)
            v[i] = (standing){host->ranks[i], t->prep->lottery_rank[host->ranked_pupils[i]], host->ranked_pupils[i]};
        qsort(v, host->nranked, sizeof *v, by_standing);
        for (size_t i = 0; i < host->nranked; i++) t->own[t->own_at[h] + i] = v[i].pupil;
    }
    free(v);
    return 0;
}

static void ttc_free(ttc *t) {
    free(t->order), free(t->position), free(t->skip), free(t->own), free(t->own_at), free(t->cursor);
    free(t->wish_at), free(t->left), free(t->gone), free(t->path), free(t->path_index);
}

static int ttc_init(ttc *t, const urne_match_prep *prep, urne_match_result *out) {
    const urne_match_instance *in = prep->in;
    memset(t, 0, sizeof *t);
    t->prep = prep, t->out = out, t->n = in->npupils, t->m = in->nhosts;
    size_t n1 = t->n + 1, m1 = t->m + 1, nodes = t->n + t->m + 1;
    t->order = malloc(n1 * sizeof *t->order), t->position = malloc(n1 * sizeof *t->position);
    t->skip = malloc(n1 * sizeof *t->skip), t->own_at = malloc(m1 * sizeof *t->own_at);
    t->cursor = calloc(m1, sizeof *t->cursor), t->wish_at = calloc(n1, sizeof *t->wish_at);
    t->left = malloc(m1 * sizeof *t->left), t->gone = calloc(nodes, 1);
    t->path = malloc(nodes * sizeof *t->path), t->path_index = malloc(nodes * sizeof *t->path_index);
    if (!t->order || !t->position || !t->skip || !t->own_at || !t->cursor || !t->wish_at || !t->left || !t->gone ||
        !t->path || !t->path_index || common_order(prep, t->order) < 0 || own_orders(t) < 0)
        return ttc_free(t), -1;
    for (size_t i = 0; i < t->n; i++) t->position[t->order[i]] = (uint32_t)i;
    for (size_t i = 0; i <= t->n; i++) t->skip[i] = (uint32_t)i;
    for (size_t h = 0; h < t->m; h++) t->left[h] = prep->room[h];
    for (size_t p = 0; p < t->n; p++)
        if (!urne_match_in_round(in, (uint32_t)p)) leave(t, (uint32_t)p); /* kept or absent: not in the game */
    for (size_t v = 0; v < nodes; v++) t->path_index[v] = UINT32_MAX;
    return 0;
}

int urne_match_ttc(const urne_match_prep *prep, urne_match_result *out) {
    if (urne_match_result_init(prep->in, out) < 0) return -1;
    ttc t;
    if (ttc_init(&t, prep, out) < 0) return urne_match_result_free(out), -1;
    uint32_t start = 0;
    for (;;) {
        if (t.npath == 0) {
            while (start < t.n && t.gone[start]) start++;
            if (start == t.n) break;
            t.path_index[start] = 0, t.path[t.npath++] = start;
        }
        uint32_t x = t.path[t.npath - 1];
        uint32_t y = x < t.n ? pupil_target(&t, x) : host_target(&t, x - (uint32_t)t.n);
        if (y == URNE_MATCH_NONE) { /* nothing to point at: x leaves, its predecessor looks again */
            leave(&t, x);
            t.path_index[x] = UINT32_MAX;
            t.npath--;
        } else if (t.path_index[y] != UINT32_MAX)
            trade(&t, t.path_index[y]);
        else
            t.path_index[y] = (uint32_t)t.npath, t.path[t.npath++] = y;
    }
    ttc_free(&t);
    return 0;
}
