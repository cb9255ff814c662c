/*
 * match: what every mechanism shares (see match.h): the hosts' orders over
 * pupils as keys, who is eligible where, the lottery, and the run's dispatch.
 *
 * A host's order is made a single 128-bit key per (pupil, host), lower first:
 * the high half is the pupil's rank when the host ranks its applicants, else the
 * pupil's priority turned so that higher comes first; the low half is the
 * tie-break, the pupil's lottery position (single tie-breaking) or the host's
 * own draw in its top 32 bits (multiple), and in both cases something unique to
 * the pupil (its place in the identifiers' byte order) so that no two pupils
 * ever tie and no row order can change a result. Comparing two pupils is then
 * one integer comparison, which is what makes a million pupils quick.
 *
 * The draws are hashes of the seed and the identifiers (a splitmix64 finaliser
 * over an FNV-1a hash of the bytes), not a generator stepped in row order, for
 * the same reason. They are for fairness that anyone can replay from the
 * published seed, not for secrecy.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t hash_id(const char *s, uint64_t seed) {
    uint64_t h = 0xcbf29ce484222325ULL ^ mix64(seed + 0x9E3779B97F4A7C15ULL);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) h = (h ^ *c) * 0x100000001b3ULL;
    return mix64(h);
}

/* Sorting pupils by a 64-bit value, then by identifier. */
typedef struct ordered {
    uint64_t value;
    const char *id;
    uint32_t pupil;
} ordered;

static int by_value_then_id(const void *a, const void *b) {
    const ordered *x = a, *y = b;
    if (x->value != y->value) return x->value < y->value ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Fill rank[] with each pupil's position when sorted by value[] then id. 0, or -1. */
static int rank_pupils(const urne_match_pupil *pupils, size_t n, const uint64_t *value, uint32_t *rank) {
    ordered *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL) return -1;
    for (size_t i = 0; i < n; i++) v[i] = (ordered){value[i], pupils[i].id, (uint32_t)i};
    qsort(v, n, sizeof *v, by_value_then_id);
    for (size_t i = 0; i < n; i++) rank[v[i].pupil] = (uint32_t)i;
    free(v);
    return 0;
}

void urne_match_draw(const urne_match_pupil *pupils, size_t n, uint64_t seed, int64_t *lottery) {
    uint64_t *value = calloc(n ? n : 1, sizeof *value);
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    if (value && rank) {
        for (size_t i = 0; i < n; i++) value[i] = hash_id(pupils[i].id, seed);
        if (rank_pupils(pupils, n, value, rank) == 0)
            for (size_t i = 0; i < n; i++) lottery[i] = (int64_t)rank[i] + 1;
        else
            for (size_t i = 0; i < n; i++) lottery[i] = 0;
    } else
        for (size_t i = 0; i < n; i++) lottery[i] = 0; /* out of memory: the caller's check of 0 says so */
    free(value);
    free(rank);
}

void urne_match_prep_free(urne_match_prep *prep) {
    free(prep->id_rank);
    free(prep->lottery_rank);
    free(prep->host_hash);
    free(prep->pupil_hash);
    free(prep->room);
    free(prep->reserved_room);
    memset(prep, 0, sizeof *prep);
}

int urne_match_prepare(const urne_match_instance *in, urne_match_prep *prep) {
    memset(prep, 0, sizeof *prep);
    prep->in = in;
    size_t n = in->npupils ? in->npupils : 1, m = in->nhosts ? in->nhosts : 1;
    prep->id_rank = malloc(n * sizeof *prep->id_rank);
    prep->lottery_rank = malloc(n * sizeof *prep->lottery_rank);
    prep->host_hash = malloc(m * sizeof *prep->host_hash);
    prep->pupil_hash = malloc(n * sizeof *prep->pupil_hash);
    prep->room = malloc(m * sizeof *prep->room);
    prep->reserved_room = malloc(m * sizeof *prep->reserved_room);
    uint64_t *lot = calloc(n, sizeof *lot); /* zeroes: the identifiers' order alone first */
    int bad = !prep->id_rank || !prep->lottery_rank || !prep->host_hash || !prep->pupil_hash || !prep->room ||
              !prep->reserved_room || !lot;
    /* the identifiers' order only breaks the hosts' own draws (multiple tie-breaking) */
    if (!bad && in->tie == URNE_MATCH_TIE_MULTIPLE) bad = rank_pupils(in->pupils, in->npupils, lot, prep->id_rank) < 0;
    if (!bad) {
        /* lottery numbers may be negative: shift them to order as unsigned */
        for (size_t i = 0; i < in->npupils; i++) lot[i] = (uint64_t)in->pupils[i].lottery ^ (1ULL << 63);
        bad = rank_pupils(in->pupils, in->npupils, lot, prep->lottery_rank) < 0;
    }
    free(lot);
    if (bad) {
        urne_match_prep_free(prep);
        return -1;
    }
    for (size_t h = 0; h < in->nhosts; h++) prep->host_hash[h] = hash_id(in->hosts[h].id, in->seed);
    for (size_t p = 0; p < in->npupils; p++) prep->pupil_hash[p] = hash_id(in->pupils[p].id, 0);
    for (size_t h = 0; h < in->nhosts; h++) prep->room[h] = in->hosts[h].capacity, prep->reserved_room[h] = in->hosts[h].reserved;
    for (size_t p = 0; in->kept && p < in->npupils; p++) {
        uint32_t h = in->kept[p];
        if (h == URNE_MATCH_NONE || (in->absent && in->absent[p])) continue;
        assert(h < in->nhosts);
        prep->room[h]--;
        if (in->pupils[p].priority > 0) prep->reserved_room[h]--;
    }
    for (size_t h = 0; h < in->nhosts; h++) {
        if (prep->room[h] < 0) prep->room[h] = 0; /* more kept than places: io refuses it; stay defined */
        if (prep->reserved_room[h] < 0) prep->reserved_room[h] = 0;
        if (prep->reserved_room[h] > prep->room[h]) prep->reserved_room[h] = prep->room[h];
    }
    return 0;
}

/* The host's rank for pupil p, or -1 when it does not rank p. */
static int64_t own_rank(const urne_match_host *host, uint32_t p) {
    size_t lo = 0, hi = host->nranked;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (host->ranked_pupils[mid] < p) lo = mid + 1;
        else hi = mid;
    }
    return lo < host->nranked && host->ranked_pupils[lo] == p ? (int64_t)host->ranks[lo] : -1;
}

int urne_match_in_round(const urne_match_instance *in, uint32_t p) {
    return !(in->absent && in->absent[p]) && !(in->kept && in->kept[p] != URNE_MATCH_NONE);
}

int urne_match_near(const urne_match_instance *in, uint32_t p, uint32_t h) {
    int32_t x = in->pupils[p].commune, y = in->hosts[h].commune;
    if (in->max_km < 0 || x < 0 || y < 0 || x == y) return 1;
    uint32_t a = (uint32_t)(x < y ? x : y), b = (uint32_t)(x < y ? y : x);
    size_t lo = 0, hi = in->ndistances;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const urne_match_distance *d = &in->distances[mid];
        if (d->a < a || (d->a == a && d->b < b)) lo = mid + 1;
        else hi = mid;
    }
    return lo < in->ndistances && in->distances[lo].a == a && in->distances[lo].b == b &&
           in->distances[lo].km <= in->max_km;
}

int urne_match_eligible(const urne_match_prep *prep, uint32_t p, uint32_t h) {
    const urne_match_host *host = &prep->in->hosts[h];
    const urne_match_pupil *pupil = &prep->in->pupils[p];
    if (host->weeks && pupil->week >= 0 && !((host->weeks >> pupil->week) & 1)) return 0;
    if (host->ranks_own && own_rank(host, p) < 0) return 0;
    return urne_match_near(prep->in, p, h);
}

urne_match_key urne_match_key_of(const urne_match_prep *prep, uint32_t p, uint32_t h) {
    const urne_match_host *host = &prep->in->hosts[h];
    uint64_t high;
    if (host->ranks_own) {
        int64_t r = own_rank(host, p);
        high = r < 0 ? UINT64_MAX : (uint64_t)r;
    } else {
        int64_t prio = prep->in->pupils[p].priority;
        assert(prio >= -URNE_MATCH_PRIORITY_MAX && prio <= URNE_MATCH_PRIORITY_MAX);
        high = (uint64_t)(URNE_MATCH_PRIORITY_MAX - prio);
    }
    uint64_t low;
    if (prep->in->tie == URNE_MATCH_TIE_MULTIPLE)
        low = (mix64(prep->host_hash[h] ^ prep->pupil_hash[p]) & 0xFFFFFFFF00000000ULL) | prep->id_rank[p];
    else
        low = prep->lottery_rank[p];
    return ((urne_match_key)high << 64) | low;
}

int urne_match_da(const urne_match_prep *prep, urne_match_result *out);
int urne_match_ttc(const urne_match_prep *prep, urne_match_result *out);
int urne_match_serial(const urne_match_prep *prep, urne_match_result *out);

/* Allocate the result's arrays, every pupil unplaced but those who keep a place
 * from an earlier round. 0, or -1. */
int urne_match_result_init(const urne_match_instance *in, urne_match_result *out) {
    size_t n = in->npupils ? in->npupils : 1, m = in->nhosts ? in->nhosts : 1;
    out->host_of = malloc(n * sizeof *out->host_of);
    out->wish_of = calloc(n, sizeof *out->wish_of);
    out->filled = calloc(m, sizeof *out->filled);
    out->filled_reserved = calloc(m, sizeof *out->filled_reserved);
    if (!out->host_of || !out->wish_of || !out->filled || !out->filled_reserved) {
        urne_match_result_free(out);
        return -1;
    }
    for (size_t p = 0; p < in->npupils; p++) {
        out->host_of[p] = URNE_MATCH_NONE;
        if (!in->kept || in->kept[p] == URNE_MATCH_NONE || (in->absent && in->absent[p])) continue;
        size_t w = 0;
        while (w < in->pupils[p].nwishes && in->pupils[p].wishes[w] != in->kept[p]) w++;
        out->host_of[p] = in->kept[p];
        out->wish_of[p] = w < in->pupils[p].nwishes ? (uint32_t)w + 1 : 0;
        out->filled[in->kept[p]]++;
    }
    return 0;
}

/* Place pupil p at its wish number w (0-based). */
void urne_match_place(const urne_match_instance *in, urne_match_result *out, uint32_t p, size_t w) {
    uint32_t h = in->pupils[p].wishes[w];
    out->host_of[p] = h;
    out->wish_of[p] = (uint32_t)w + 1;
    out->filled[h]++;
}

int urne_match_run(const urne_match_prep *prep, urne_match_method method, urne_match_result *out) {
    memset(out, 0, sizeof *out);
    switch (method) {
    case URNE_MATCH_DA: return urne_match_da(prep, out);
    case URNE_MATCH_TTC: return urne_match_ttc(prep, out);
    case URNE_MATCH_SERIAL: return urne_match_serial(prep, out);
    }
    return -1;
}

void urne_match_result_free(urne_match_result *r) {
    free(r->host_of);
    free(r->wish_of);
    free(r->filled);
    free(r->filled_reserved);
    memset(r, 0, sizeof *r);
}
