/*
 * urne_strpool: FNV-1a hashing, linear probing, table kept under half full.
 */
#include "urne_strpool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void urne_strpool_init(urne_strpool *pool, urne_arena *arena) {
    memset(pool, 0, sizeof *pool);
    pool->arena = arena;
}

static int grow(urne_strpool *pool) {
    size_t ncap = pool->cap ? pool->cap * 2 : 1024;
    const char **nslots = calloc(ncap, sizeof *nslots);
    size_t *nlens = calloc(ncap, sizeof *nlens);
    if (nslots == NULL || nlens == NULL) {
        free(nslots);
        free(nlens);
        return -1;
    }
    for (size_t i = 0; i < pool->cap; i++) {
        if (pool->slots[i] == NULL) continue;
        size_t j = hash_bytes(pool->slots[i], pool->lens[i]) & (ncap - 1);
        while (nslots[j] != NULL) j = (j + 1) & (ncap - 1);
        nslots[j] = pool->slots[i];
        nlens[j] = pool->lens[i];
    }
    free(pool->slots);
    free(pool->lens);
    pool->slots = nslots;
    pool->lens = nlens;
    pool->cap = ncap;
    return 0;
}

const char *urne_strpool_intern(urne_strpool *pool, const char *s, size_t len) {
    if ((pool->count + 1) * 2 > pool->cap && grow(pool) != 0) return NULL;
    size_t j = hash_bytes(s, len) & (pool->cap - 1);
    while (pool->slots[j] != NULL) {
        if (pool->lens[j] == len && memcmp(pool->slots[j], s, len) == 0) return pool->slots[j];
        j = (j + 1) & (pool->cap - 1);
    }
    char *copy = urne_arena_strndup(pool->arena, s, len);
    if (copy == NULL) return NULL;
    pool->slots[j] = copy;
    pool->lens[j] = len;
    pool->count++;
    return copy;
}

void urne_strpool_free(urne_strpool *pool) {
    free(pool->slots);
    free(pool->lens);
    pool->slots = NULL;
    pool->lens = NULL;
    pool->cap = pool->count = 0;
}
