/*
 * urne_strpool: word-at-a-time hashing, linear probing, table kept under half full, the
 * hash stored in the slot so that probing stays within the table's cache lines.
 */
#include "urne_strpool.h"

#include <stdlib.h>

#include "urne_mem.h"
#include <string.h>

static uint32_t hash_bytes(const char *s, size_t len) {
    /* Eight bytes at a time, each word folded in by a multiply, then a final mix so
     * that the low bits (the slot) depend on every byte: a bureau key is one or two
     * words, where FNV-1a took one dependent multiply per byte. */
    const uint64_t k = 0xff51afd7ed558ccdULL;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * k;
        h ^= h >> 32;
    }
    if (i < len) { /* the last bytes: the word ending the string, or one byte at a time */
        uint64_t w = 0;
        if (len >= 8)
            memcpy(&w, s + len - 8, 8);
        else
            for (size_t j = len; j-- > i;) w = (w << 8) | (unsigned char)s[j];
        h = (h ^ w) * k;
        h ^= h >> 32;
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return (uint32_t)h;
}

void urne_strpool_init(urne_strpool *pool, urne_arena *arena) {
    memset(pool, 0, sizeof *pool);
    pool->arena = arena;
}

static int resize(urne_strpool *pool, size_t ncap) {
    urne_strpool_slot *ns = urne_mem_alloc(ncap * sizeof *ns);
    if (ns == NULL) return -1;
    for (size_t i = 0; i < pool->cap; i++) {
        if (pool->slots[i].str == NULL) continue;
        size_t j = pool->slots[i].hash & (ncap - 1);
        while (ns[j].str != NULL) j = (j + 1) & (ncap - 1);
        ns[j] = pool->slots[i];
    }
    urne_mem_free(pool->slots);
    pool->slots = ns;
    pool->cap = ncap;
    return 0;
}

int urne_strpool_reserve(urne_strpool *pool, size_t n) {
    size_t cap = pool->cap ? pool->cap : 1024;
    while (cap < 2 * (n + 1)) cap *= 2;
    return cap == pool->cap ? 0 : resize(pool, cap);
}

uint32_t urne_strpool_hash(const char *s, size_t len) { return hash_bytes(s, len); }

void urne_strpool_prefetch(const urne_strpool *pool, uint32_t hash) {
    if (pool->cap) __builtin_prefetch(&pool->slots[hash & (pool->cap - 1)]);
}

const char *urne_strpool_intern(urne_strpool *pool, const char *s, size_t len) {
    return urne_strpool_intern_hashed(pool, s, len, hash_bytes(s, len));
}

/* The slot holding s, or the empty slot where it belongs (after growing the table
 * when it would pass half full); NULL when memory runs out. */
static urne_strpool_slot *find_slot(urne_strpool *pool, const char *s, size_t len, uint32_t h) {
    if (len > UINT32_MAX) return NULL;
    if ((pool->count + 1) * 2 > pool->cap && resize(pool, pool->cap ? pool->cap * 2 : 1024) != 0) return NULL;
    size_t j = h & (pool->cap - 1);
    for (; pool->slots[j].str != NULL; j = (j + 1) & (pool->cap - 1)) {
        const urne_strpool_slot *sl = &pool->slots[j];
        if (sl->hash == h && sl->len == len && memcmp(sl->str, s, len) == 0) break;
    }
    return &pool->slots[j];
}

const char *urne_strpool_adopt(urne_strpool *pool, const char *s, size_t len, uint32_t h) {
    urne_strpool_slot *sl = find_slot(pool, s, len, h);
    if (sl == NULL) return NULL;
    if (sl->str == NULL) {
        sl->str = s;
        sl->len = (uint32_t)len;
        sl->hash = h;
        pool->count++;
    }
    return sl->str;
}

const char *urne_strpool_intern_hashed(urne_strpool *pool, const char *s, size_t len, uint32_t h) {
    urne_strpool_slot *sl = find_slot(pool, s, len, h);
    if (sl == NULL) return NULL;
    if (sl->str != NULL) return sl->str;
    char *copy = urne_arena_strndup(pool->arena, s, len);
    if (copy == NULL) return NULL;
    sl->str = copy;
    sl->len = (uint32_t)len;
    sl->hash = h;
    pool->count++;
    return copy;
}

void urne_strpool_free(urne_strpool *pool) {
    urne_mem_free(pool->slots);
    pool->slots = NULL;
    pool->cap = pool->count = 0;
}
