/*
 * urne_strpool: string interning. Unit codes ("69", "69-123", "69-123-0004") and
 * labels repeat on every row of a national file; interning stores each once and
 * lets aggregation group units by comparing pointers instead of strings.
 */
#ifndef URNE_STRPOOL_H
#define URNE_STRPOOL_H

#include <stddef.h>

#include "urne_arena.h"

typedef struct urne_strpool {
    urne_arena *arena;    /* where the strings live; not owned */
    const char **slots;   /* open addressing, NULL = empty */
    size_t *lens;
    size_t cap;           /* power of two */
    size_t count;
} urne_strpool;

/* Start an empty pool whose strings are allocated in `arena`. */
void urne_strpool_init(urne_strpool *pool, urne_arena *arena);

/* Return the unique NUL-terminated copy of s[0..len); the same pointer for equal
 * bytes. NULL when memory is exhausted. */
const char *urne_strpool_intern(urne_strpool *pool, const char *s, size_t len);

/* Free the table (the strings stay in the arena). */
void urne_strpool_free(urne_strpool *pool);

#endif
