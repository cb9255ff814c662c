/*
 * urne_strpool: string interning. Unit codes ("69", "69-123", "69-123-0004") and
 * labels repeat on every row of a national file; interning stores each once and
 * lets aggregation group units by comparing pointers instead of strings.
 */
#ifndef URNE_STRPOOL_H
#define URNE_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "urne_arena.h"

typedef struct urne_strpool_slot {
    const char *str;  /* NULL = empty */
    uint32_t len;
    uint32_t hash;    /* compared first, so a probe rarely touches the string */
} urne_strpool_slot;

typedef struct urne_strpool {
    urne_arena *arena;       /* where the strings live; not owned */
    urne_strpool_slot *slots; /* open addressing */
    size_t cap;              /* power of two */
    size_t count;
} urne_strpool;

/* Start an empty pool whose strings are allocated in `arena`. */
void urne_strpool_init(urne_strpool *pool, urne_arena *arena);

/* Make room for `n` strings without rehashing. 0, or -1 when out of memory. */
int urne_strpool_reserve(urne_strpool *pool, size_t n);

/* Return the unique NUL-terminated copy of s[0..len); the same pointer for equal
 * bytes. NULL when memory is exhausted or len does not fit in 32 bits. */
const char *urne_strpool_intern(urne_strpool *pool, const char *s, size_t len);

/* The hash the pool uses for s[0..len): callers that hash in one place (a worker
 * thread) and intern in another pass it to the *_hashed and adopt functions. */
uint32_t urne_strpool_hash(const char *s, size_t len);

/* Start loading the slot where a string of this hash is looked up: a hint only. */
void urne_strpool_prefetch(const urne_strpool *pool, uint32_t hash);

/* urne_strpool_intern with the hash urne_strpool_hash gives for the same bytes. */
const char *urne_strpool_intern_hashed(urne_strpool *pool, const char *s, size_t len, uint32_t hash);

/* urne_strpool_intern_hashed without a copy: when the bytes are new, the pool keeps
 * `s` itself, which must be NUL-terminated at len and live as long as the pool's
 * arena (allocated there, or in an arena later adopted by it). Returns the unique
 * pointer for these bytes: `s` or the one interned before. NULL when memory runs out. */
const char *urne_strpool_adopt(urne_strpool *pool, const char *s, size_t len, uint32_t hash);

/* Free the table (the strings stay in the arena). */
void urne_strpool_free(urne_strpool *pool);

#endif
