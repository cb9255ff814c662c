/*
 * urne_mem: memory for the few large arrays of a national file (its 70,000 tally
 * sheets, the interning table, the arena's bigger blocks).
 *
 * Why not plain malloc: a national tally touches some 30 MB of fresh memory once.
 * In 4 KiB pages that is 8,000 page faults, each zeroing a page under the kernel's
 * memory lock, and it cost a quarter of the whole run. Large blocks here are mapped
 * on 2 MiB boundaries and advised for transparent huge pages, so the kernel fills
 * them 2 MiB at a time. Small requests, and systems without the advice, fall back
 * to calloc. Either way the contract is the same.
 */
#ifndef URNE_MEM_H
#define URNE_MEM_H

#include <stddef.h>

/* `size` zero-filled bytes aligned for any type, or NULL when memory is exhausted
 * (or size is 0). Release with urne_mem_free, never free(). */
void *urne_mem_alloc(size_t size);

/* The same without the zero-filling of a small block: `size` bytes whose contents are
 * unspecified (a mapped block is zero all the same), for a caller that writes before
 * it reads, such as the arena, which clears what it hands out. NULL as above. Release
 * with urne_mem_free. Why: calloc clears a recycled 64 KiB block whole, touching its
 * 16 pages at once (a page fault each, 10 to 20 µs on the development VM), where an
 * arena that holds a few hundred bytes needs one. */
void *urne_mem_alloc_raw(size_t size);

/* Resize a block from urne_mem_alloc (or NULL, then like urne_mem_alloc) to `size`
 * bytes, keeping its contents; bytes beyond the old size are zero. NULL when memory
 * is exhausted, and then `p` is left as it was. */
void *urne_mem_grow(void *p, size_t size);

/* Room for one item more in a growing array of `size`-byte items that holds n of
 * *cap (n <= *cap): items itself while n < *cap; else the array moved to a block
 * twice as large (`first` items for an empty one), *cap raised, the old block
 * released. NULL when memory is exhausted or the size would overflow, and then
 * items and *cap are as they were. The array is plain malloc's (free() it), not
 * urne_mem_alloc's: this is the one doubling that the small arrays of the
 * application and the audit's replay each wrote out before. */
void *urne_mem_room(void *items, size_t n, size_t *cap, size_t size, size_t first);

/* Release a block from urne_mem_alloc, urne_mem_alloc_raw or urne_mem_grow; NULL is
 * allowed. */
void urne_mem_free(void *p);

#endif
