/*
 * urne_arena: blocks chained from the newest. The first is 64 KiB and each new one
 * twice the last, up to 4 MiB, so a small election costs one small block and a
 * national file a dozen big ones (obtained through urne_mem, on huge pages). A
 * request larger than a block gets a block of its own, so big vote arrays do not
 * waste the tail of the current block. See urne_arena.h for the contract.
 *
 * Blocks are taken uncleared (urne_mem_alloc_raw): urne_arena_alloc clears what it
 * hands out and urne_arena_alloc_raw promises nothing, so clearing a whole 64 KiB block
 * up front only touched 16 pages that a small count never uses (issue 16: two arenas,
 * ~30 of a count's ~220 page faults, each 10 to 20 µs on the development VM).
 */
#include "urne_arena.h"

#include <stdlib.h>
#include <string.h>

#include "urne_mem.h"

#define ARENA_BLOCK_SIZE (64 * 1024)
#define ARENA_BLOCK_MAX (4 * 1024 * 1024)
#define ARENA_ALIGN 16

struct urne_arena_block {
    urne_arena_block *next;
    size_t used;
    size_t size;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

void urne_arena_init(urne_arena *arena) { arena->head = NULL; }

void *urne_arena_alloc(urne_arena *arena, size_t size) {
    void *p = urne_arena_alloc_raw(arena, size);
    if (p != NULL) memset(p, 0, size);
    return p;
}

void *urne_arena_alloc_raw(urne_arena *arena, size_t size) {
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (rounded < size) return NULL;
    urne_arena_block *b = arena->head;
    if (b == NULL || b->size - b->used < rounded) {
        size_t grown = b == NULL ? ARENA_BLOCK_SIZE : b->size < ARENA_BLOCK_MAX / 2 ? 2 * b->size : ARENA_BLOCK_MAX;
        size_t cap = rounded > grown ? rounded : grown;
        urne_arena_block *nb = urne_mem_alloc_raw(sizeof(urne_arena_block) + cap);
        if (nb == NULL) return NULL;
        nb->used = 0;
        nb->size = cap;
        if (b != NULL && rounded > grown) {
            /* Keep filling the current block: slot the big one behind it. */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            arena->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += rounded;
    return p;
}

char *urne_arena_strndup(urne_arena *arena, const char *s, size_t len) {
    char *p = urne_arena_alloc(arena, len + 1);
    if (p == NULL) return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *urne_arena_strdup(urne_arena *arena, const char *s) {
    return urne_arena_strndup(arena, s, strlen(s));
}

int urne_arena_reserve(urne_arena *arena, size_t size) {
    urne_arena_block *b = arena->head;
    if (b != NULL && b->size - b->used >= size) return 0;
    if (size < ARENA_BLOCK_SIZE) size = ARENA_BLOCK_SIZE;
    urne_arena_block *nb = urne_mem_alloc_raw(sizeof(urne_arena_block) + size);
    if (nb == NULL) return -1;
    nb->used = 0;
    nb->size = size;
    nb->next = b;
    arena->head = nb;
    return 0;
}

void urne_arena_adopt(urne_arena *into, urne_arena *from) {
    urne_arena_block *last = from->head;
    if (last == NULL) return;
    while (last->next != NULL) last = last->next;
    /* Behind into's current block, which keeps filling. */
    if (into->head == NULL) {
        into->head = from->head;
    } else {
        last->next = into->head->next;
        into->head->next = from->head;
    }
    from->head = NULL;
}

void urne_arena_free(urne_arena *arena) {
    urne_arena_block *b = arena->head;
    while (b != NULL) {
        urne_arena_block *next = b->next;
        urne_mem_free(b);
        b = next;
    }
    arena->head = NULL;
}
