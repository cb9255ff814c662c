/*
 * urne_arena: a bump allocator that owns every string and array of one loaded
 * election, so that a whole round is freed in one call and parsers never juggle
 * ownership of the thousands of small pieces a national file is made of.
 *
 * Allocation never fails silently: on out-of-memory the functions return NULL
 * and the caller reports it; nothing is ever freed individually.
 */
#ifndef URNE_ARENA_H
#define URNE_ARENA_H

#include <stddef.h>

typedef struct urne_arena_block urne_arena_block;

typedef struct urne_arena {
    urne_arena_block *head;
} urne_arena;

/* Start an empty arena. */
void urne_arena_init(urne_arena *arena);

/* Return `size` bytes aligned for any type, zero-filled, or NULL when memory is exhausted. */
void *urne_arena_alloc(urne_arena *arena, size_t size);

/* The same without zero-filling, for buffers about to be overwritten whole. */
void *urne_arena_alloc_raw(urne_arena *arena, size_t size);

/* Copy `len` bytes of `s` and a terminating NUL; NULL on exhaustion. */
char *urne_arena_strndup(urne_arena *arena, const char *s, size_t len);

/* Copy a NUL-terminated string; NULL on exhaustion. */
char *urne_arena_strdup(urne_arena *arena, const char *s);

/* Make the next `size` bytes of allocations come from one block, allocated now if
 * the current one has not that much room: for a caller that knows how much it is
 * about to allocate (a reader that has counted its rows). 0, or -1 when memory is
 * exhausted (the arena is unchanged). */
int urne_arena_reserve(urne_arena *arena, size_t size);

/* Move every block of `from` into `into`: what was allocated in `from` now lives
 * as long as `into`, and `from` is left empty. For work done in several arenas at
 * once (one per thread) that ends up in one. */
void urne_arena_adopt(urne_arena *into, urne_arena *from);

/* Release every block. The arena can be reused after urne_arena_init. */
void urne_arena_free(urne_arena *arena);

#endif
