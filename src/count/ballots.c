/*
 * ballots: see ballots.h. Rankings are hashed (a word-wide multiply-shift mix over
 * candidates and tie marks) into an open-addressing table of indices that is kept
 * under three quarters full (TABLE_FULL).
 *
 * For speed (every ballot of a file passes here once, 100,000 of them in the count
 * benchmark): each ranking keeps its hash, so that a probe compares hashes before
 * rankings and growing the table rehashes nothing; a ballot's candidates are checked
 * against a bitmap rather than against one another, a bitmap of one word, kept in a
 * register, when there are at most 64 candidates (nearly every count); a strict
 * ranking (tied NULL) has its tie marks cleared at once. A reader that can bound
 * the rankings from its file's size reserves the arrays (urne_ballots_reserve), and
 * nothing is copied as the rankings come. Without a reserve, the merge table grows
 * apart from the arrays, with the rankings met.
 *
 * Page faults (issue 16): on the virtual machines urne is measured on, a first touch
 * of a 4 KiB page costs 10 to 20 microseconds, and the arrays of a 100,000-ballot file
 * took ~1,000 of them, more time than reading the file. So a reserve puts every array
 * and the merge table (sized for the rankings reserved, at most 1 MiB, so it never
 * rehashes on the way) in one block from urne_ballots_bulk_alloc: from 256 KiB on,
 * whole 2 MiB pages from urne_mem, which maps them on 2 MiB boundaries advised for
 * transparent huge pages, so the kernel fills the block a 2 MiB page at a time, a fault
 * and a 2 MiB clear (~0.2 ms) for 512 faults. The table's slots hold an index + 1, 0
 * empty, so that a fresh block or calloc'ed table is an empty table without a memset;
 * the tie marks of a fresh block are zero already. An array that outgrows the block is
 * copied to the heap; the block is freed whole. A reader that has checked a ranking's
 * candidates as it read them adds it with urne_ballots_add_checked, which does not
 * check them again.
 *
 * The weight bound is kept here, where every ballot enters: a weight below 1 or a
 * total above URNE_BALLOTS_WEIGHT_MAX is refused before anything changes, so the
 * methods can sum weights in int64 without a check on every addition. The arrays of
 * preferences exist from the start, even when every ballot is empty, so that
 * `prefs + start[k]` never offsets a null pointer.
 */
#include "ballots.h"

#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"

int urne_ballots_init(urne_ballots *b, size_t ncand, const char *const *names) {
    memset(b, 0, sizeof *b);
    urne_arena_init(&b->arena);
    b->ncand = ncand;
    b->prefs = malloc(16 * sizeof *b->prefs);
    b->tied = malloc(16);
    if (b->prefs == NULL || b->tied == NULL) return -1;
    b->prefs_cap = 16;
    b->names = urne_arena_alloc(&b->arena, (ncand ? ncand : 1) * sizeof *b->names);
    if (b->names == NULL) return -1;
    for (size_t i = 0; names && i < ncand; i++)
        if (urne_ballots_name(b, i, names[i]) != 0) return -1;
    return 0;
}

int urne_ballots_name(urne_ballots *b, size_t i, const char *name) {
    if (i >= b->ncand) return -1;
    b->names[i] = urne_arena_strdup(&b->arena, name);
    return b->names[i] ? 0 : -1;
}

int urne_ballots_title(urne_ballots *b, const char *title) {
    b->title = urne_arena_strdup(&b->arena, title);
    return b->title ? 0 : -1;
}

/* The ranking's hash: its candidates four at a time (a 64-bit word of four uint16),
 * then the positions of its tie marks, each folded in with a multiply and a shift
 * (the finaliser of MurmurHash3's 64-bit mix, written here). Word-wide because this
 * runs once per ballot read: byte-wise FNV-1a over a ten-candidate ranking was a
 * tenth of a count's instructions. Only equality of hashes matters, never their
 * order: the rankings keep the order in which they were first met. */
static uint32_t hash_ranking(const uint16_t *prefs, const uint8_t *tied, size_t n) {
    const uint64_t mult = 0xff51afd7ed558ccdULL;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(&w, prefs + i, sizeof w);
        h = (h ^ w) * mult;
        h ^= h >> 32;
    }
    w = 0; /* the last one to three, as memcpy would lay them in a little-endian word */
    switch (n - i) { /* not a loop: one to three, without a loop's counting */
    case 3: w |= (uint64_t)prefs[i + 2] << 32; __attribute__((fallthrough));
    case 2: w |= (uint64_t)prefs[i + 1] << 16; __attribute__((fallthrough));
    case 1: w |= prefs[i];
    }
    h = (h ^ w) * mult;
    uint64_t ties = 0;
    for (i = 1; tied && i < n; i++) ties += (uint64_t)(tied[i] != 0) * ((uint64_t)i * 0x9e3779b97f4a7c15ULL);
    h = (h ^ (h >> 33) ^ ties) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* Whether p lies in b's reserved block: such an array is copied out to grow, and
 * freed with the block. */
static int in_block(const urne_ballots *b, const void *p) {
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)b->block;
    return b->block != NULL && a >= lo && a < lo + b->block_size;
}

/* One array resized to `bytes`, its first `used` bytes kept: realloc'ed when it is the
 * heap's, copied to the heap when it lies in the block. NULL when out of memory (the
 * array as it was). */
static void *resize_array(const urne_ballots *b, void *p, size_t used, size_t bytes) {
    if (!in_block(b, p)) return realloc(p, bytes);
    void *q = malloc(bytes);
    if (q != NULL && used) memcpy(q, p, used);
    return q;
}

static int same_ranking(const urne_ballots *b, uint32_t k, const uint16_t *prefs, const uint8_t *tied, size_t n) {
    if (b->len[k] != n) return 0;
    const uint16_t *p = b->prefs + b->start[k];
    const uint8_t *t = b->tied + b->start[k];
    if (n && memcmp(p, prefs, n * sizeof *prefs) != 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] != (tied && i && tied[i] ? 1 : 0)) return 0;
    return 1;
}

/* Room for `cap` rankings in the per-ranking arrays (cap >= b->n). 0 or -1 (what was
 * there is kept). */
static int resize_rankings(urne_ballots *b, size_t cap) {
    int64_t *w = resize_array(b, b->weight, b->n * sizeof *w, cap * sizeof *w);
    if (w) b->weight = w;
    uint32_t *s = resize_array(b, b->start, b->n * sizeof *s, cap * sizeof *s);
    if (s) b->start = s;
    uint16_t *l = resize_array(b, b->len, b->n * sizeof *l, cap * sizeof *l);
    if (l) b->len = l;
    uint32_t *hs = resize_array(b, b->hash, b->n * sizeof *hs, cap * sizeof *hs);
    if (hs) b->hash = hs;
    if (!w || !s || !l || !hs) return -1;
    b->cap = cap;
    return 0;
}

/* The merge table is grown before it would be three quarters full: at most 3/4 and at
 * least 3/8 after growing, where "under half" kept it at 1/4 to 1/2 and twice the
 * size. Linear probing at 3/4 costs a few probes more, each a comparison of kept
 * hashes; a table twice the size cost a page fault for every 1,024 slots, a fault
 * costing more than a thousand probes (100,000 ballots: 256 pages fewer). */
#define TABLE_FULL(b) (4 * ((b)->n + 1) > 3 * (b)->slot_cap)

/* Fill the empty table `slots` of `scap` slots (a power of two, more than 4/3 of b->n)
 * from the kept hashes. A slot holds its ranking's index + 1, so that 0, what calloc
 * and a fresh mapping hold, is an empty slot: a new table is never cleared by hand. */
static void fill_table(const urne_ballots *b, uint32_t *slots, size_t scap) {
    for (uint32_t k = 0; k < b->n; k++) {
        size_t j = b->hash[k] & (scap - 1);
        while (slots[j] != 0) j = (j + 1) & (scap - 1);
        slots[j] = k + 1;
    }
}

/* A table of `scap` slots on the heap, filled again. 0 or -1 (the old table kept). */
static int rehash(urne_ballots *b, size_t scap) {
    uint32_t *slots = calloc(scap, sizeof *slots);
    if (slots == NULL) return -1;
    fill_table(b, slots, scap);
    if (!in_block(b, b->slots)) free(b->slots);
    b->slots = slots;
    b->slot_cap = scap;
    return 0;
}

/* Room for one ranking more: the arrays doubled when full, the table doubled when it
 * would be half full. The two grow apart, so that the arrays may be reserved large
 * (urne_ballots_reserve) while the table, which every probe reads at random, stays as
 * small as the rankings met allow. */
static int grow_rankings(urne_ballots *b) {
    if (b->n >= UINT32_MAX - 1) return -1; /* indices and index + 1 are 32-bit */
    if (b->n == b->cap && resize_rankings(b, b->cap ? b->cap * 2 : 256) != 0) return -1;
    if (TABLE_FULL(b) && rehash(b, b->slot_cap ? b->slot_cap * 2 : 512) != 0) return -1;
    return 0;
}

/* Room for `cap` preferences in prefs and tied. 0 or -1 (what was there is kept). */
static int resize_prefs(urne_ballots *b, size_t cap) {
    uint16_t *p = resize_array(b, b->prefs, b->nprefs * sizeof *p, cap * sizeof *p);
    if (p) b->prefs = p;
    uint8_t *t = resize_array(b, b->tied, b->nprefs, cap);
    if (t) b->tied = t;
    if (!p || !t) return -1;
    b->prefs_cap = cap;
    return 0;
}

/* The merge table a reserved block holds: room for the rankings reserved, at most
 * TABLE_RESERVE_MAX slots (1 MiB; a file with more distinct rankings grows its table as
 * before), since every slot of it is touched at random. */
#define TABLE_RESERVE_MAX ((size_t)1 << 18)

/* The next `bytes` of a block at *off (aligned to 8), *off moved past them. */
static size_t carve(size_t *off, size_t bytes) {
    size_t at = (*off + 7) & ~(size_t)7;
    *off = at + bytes;
    return at;
}

/* Move every array into one new block from urne_mem holding `rankings` rankings,
 * `prefs` preferences and a merge table for them: huge pages for a big file, one
 * first touch for all. 0, or -1 with nothing changed. */
static int reserve_block(urne_ballots *b, size_t rankings, size_t prefs) {
    size_t scap = 512;
    while (scap < TABLE_RESERVE_MAX && 4 * (rankings + 1) > 3 * scap) scap *= 2;
    if (scap < b->slot_cap) scap = b->slot_cap;
    size_t off = 0, o_weight = carve(&off, rankings * sizeof *b->weight), o_start = carve(&off, rankings * 4),
           o_hash = carve(&off, rankings * 4), o_len = carve(&off, rankings * 2), o_prefs = carve(&off, prefs * 2),
           o_tied = carve(&off, prefs), o_slots = carve(&off, scap * 4);
    char *block = urne_ballots_bulk_alloc(off);
    if (block == NULL) return -1;
    int64_t *weight = (int64_t *)(block + o_weight);
    uint32_t *start = (uint32_t *)(block + o_start), *hash = (uint32_t *)(block + o_hash);
    uint16_t *len = (uint16_t *)(block + o_len), *p = (uint16_t *)(block + o_prefs);
    uint8_t *tied = (uint8_t *)(block + o_tied);
    if (b->n) { /* rankings added before the reserve, copied over */
        memcpy(weight, b->weight, b->n * sizeof *weight);
        memcpy(start, b->start, b->n * sizeof *start);
        memcpy(hash, b->hash, b->n * sizeof *hash);
        memcpy(len, b->len, b->n * sizeof *len);
    }
    if (b->nprefs) {
        memcpy(p, b->prefs, b->nprefs * sizeof *p);
        memcpy(tied, b->tied, b->nprefs);
    }
    free(b->weight), free(b->start), free(b->hash), free(b->len), free(b->prefs), free(b->tied), free(b->slots);
    b->weight = weight, b->start = start, b->hash = hash, b->len = len, b->prefs = p, b->tied = tied;
    b->cap = rankings;
    b->prefs_cap = prefs;
    b->slots = (uint32_t *)(block + o_slots);
    b->slot_cap = scap;
    b->block = block;
    b->block_size = off; /* what was asked: in_block looks no further */
    fill_table(b, b->slots, scap);
    return 0;
}

/* From here on a block is taken in huge pages (see ballots.h). */
#define BULK_HUGE_FROM ((size_t)256 << 10)
#define HUGE_PAGE ((size_t)2 << 20)

void *urne_ballots_bulk_alloc(size_t bytes) {
    /* urne_mem maps a block of a MiB or more from a 2 MiB boundary: a size made a whole
     * number of 2 MiB has its last part in a huge page too, not in 4 KiB ones. */
    if (bytes >= BULK_HUGE_FROM && bytes <= SIZE_MAX - HUGE_PAGE) bytes = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    return urne_mem_alloc(bytes);
}

void urne_ballots_bulk_free(void *p) { urne_mem_free(p); }

int urne_ballots_reserve(urne_ballots *b, size_t rankings, size_t prefs) {
    if (rankings > UINT32_MAX) rankings = UINT32_MAX;
    if (prefs > UINT32_MAX) prefs = UINT32_MAX;
    if (rankings < b->n) rankings = b->n;
    if (prefs < b->nprefs) prefs = b->nprefs;
    if (b->block == NULL && reserve_block(b, rankings, prefs) == 0) return 0;
    if (rankings > b->cap && resize_rankings(b, rankings) != 0) return -1;
    if (prefs > b->prefs_cap && resize_prefs(b, prefs) != 0) return -1;
    return 0;
}

/* 0 when prefs[0..n) are candidates of b, each at most once; -2 otherwise. One bit
 * per candidate (prefs are uint16, so 1,024 words cover any file), only the words
 * the candidates need cleared: linear in n where comparing every pair was quadratic. */
static int valid_candidates(const urne_ballots *b, const uint16_t *prefs, size_t n) {
    if (n > b->ncand || n > UINT16_MAX) return -2;
    if (b->ncand <= 64) { /* nearly every count: the bitmap is one word, in a register */
        uint64_t seen = 0;
        for (size_t i = 0; i < n; i++) {
            uint16_t c = prefs[i];
            if (c >= b->ncand || (seen >> c & 1)) return -2;
            seen |= UINT64_C(1) << c;
        }
        return 0;
    }
    uint64_t seen[(UINT16_MAX + 1) / 64];
    size_t words = ((b->ncand < UINT16_MAX + 1 ? b->ncand : UINT16_MAX + 1) + 63) / 64;
    memset(seen, 0, (words ? words : 1) * sizeof *seen);
    for (size_t i = 0; i < n; i++) {
        uint16_t c = prefs[i];
        uint64_t bit = UINT64_C(1) << (c & 63);
        if (c >= b->ncand || (seen[c >> 6] & bit)) return -2;
        seen[c >> 6] |= bit;
    }
    return 0;
}

/* The ballots' total with `weight` more in *total: 0, -3 (a weight below 1) or -4 (beyond
 * the bound), checked in that order. */
static int weigh(const urne_ballots *b, int64_t weight, int64_t *total) {
    if (weight < 1) return -3;
    if (__builtin_add_overflow(b->total, weight, total) || *total > URNE_BALLOTS_WEIGHT_MAX) return -4;
    return 0;
}

/* urne_ballots_add once the weight (bringing the ballots to `total`) and the candidates
 * are known to be valid. */
static int add_valid(urne_ballots *b, int64_t weight, int64_t total, const uint16_t *prefs, const uint8_t *tied,
                     size_t n) {
    if ((b->n == b->cap || TABLE_FULL(b)) && grow_rankings(b) != 0) return -1;
    uint32_t h = hash_ranking(prefs, tied, n);
    size_t j = h & (b->slot_cap - 1);
    for (; b->slots[j] != 0; j = (j + 1) & (b->slot_cap - 1)) {
        uint32_t k = b->slots[j] - 1;
        if (b->hash[k] == h && same_ranking(b, k, prefs, tied, n)) {
            b->weight[k] += weight; /* <= total: no overflow */
            b->total = total;
            return 0;
        }
    }
    if (b->nprefs + n > UINT32_MAX) return -1; /* start[] holds 32-bit offsets */
    if (b->nprefs + n > b->prefs_cap) {
        size_t cap = b->prefs_cap ? b->prefs_cap * 2 : 1024;
        while (cap < b->nprefs + n) cap *= 2;
        if (resize_prefs(b, cap) != 0) return -1;
    }
    uint32_t k = (uint32_t)b->n++;
    b->weight[k] = weight;
    b->start[k] = (uint32_t)b->nprefs;
    b->len[k] = (uint16_t)n;
    b->hash[k] = h;
    if (n) memcpy(b->prefs + b->nprefs, prefs, n * sizeof *prefs);
    uint8_t *t = b->tied + b->nprefs;
    if (tied == NULL && !in_block(b, t)) memset(t, 0, n); /* the block's are zero, never written past nprefs */
    for (size_t i = 0; tied && i < n; i++) t[i] = (uint8_t)(i && tied[i] ? 1 : 0);
    b->nprefs += n;
    b->slots[j] = k + 1;
    b->total = total;
    return 0;
}

int urne_ballots_add(urne_ballots *b, int64_t weight, const uint16_t *prefs, const uint8_t *tied, size_t n) {
    int64_t total;
    int rc = weigh(b, weight, &total);
    if (rc == 0 && valid_candidates(b, prefs, n) != 0) rc = -2;
    return rc != 0 ? rc : add_valid(b, weight, total, prefs, tied, n);
}

int urne_ballots_add_checked(urne_ballots *b, int64_t weight, const uint16_t *prefs, size_t n) {
    int64_t total;
    int rc = weigh(b, weight, &total);
    return rc != 0 ? rc : add_valid(b, weight, total, prefs, NULL, n);
}

const char *urne_ballots_add_error(int rc) {
    switch (rc) {
    case -1: return "out of memory";
    case -2: return "a candidate is out of range or ranked twice";
    case -3: return "a ballot's weight must be a whole number of at least 1";
    case -4: return "the ballots' weights add up to more than 1,000,000,000,000, the most one file may hold";
    }
    return "the ballot is invalid";
}

int urne_ballots_bounded(const urne_ballots *b) {
    int64_t sum = 0;
    for (size_t k = 0; k < b->n; k++)
        if (b->weight[k] < 1 || __builtin_add_overflow(sum, b->weight[k], &sum)) return -1;
    return sum == b->total && sum <= URNE_BALLOTS_WEIGHT_MAX ? 0 : -1;
}

void urne_ballots_free(urne_ballots *b) {
    void *arrays[] = {b->weight, b->start, b->len, b->prefs, b->tied, b->slots, b->hash};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        if (!in_block(b, arrays[i])) free(arrays[i]);
    urne_ballots_bulk_free(b->block);
    urne_arena_free(&b->arena);
    memset(b, 0, sizeof *b);
}
