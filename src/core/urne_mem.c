/*
 * urne_mem: see urne_mem.h. Every block starts with a header recording how it was
 * obtained (heap or mapping) and its usable size, so free and grow need no size
 * from the caller.
 */
#define _DEFAULT_SOURCE
#include "urne_mem.h"
#include "urne_sanitize.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Under AddressSanitizer every block comes from the heap, so that it checks the
 * bounds of each one (a mapping is addressable to its last page). */
#define MEM_HEAP_ONLY URNE_ASAN

/* Below this a block comes from the heap: huge pages only pay for big arrays. */
#define MEM_MAP_THRESHOLD ((size_t)1 << 20)
#define MEM_HUGE ((size_t)2 << 20)

typedef struct mem_header {
    size_t size;      /* usable bytes after the header */
    size_t mapped;    /* length of the whole mapping, 0 for a heap block */
    void *map_start;  /* start of the mapping, NULL for a heap block */
    size_t pad;       /* keeps the header a multiple of 16 bytes */
} mem_header;

static void *from_heap(size_t size) {
    mem_header *h = calloc(1, sizeof *h + size);
    if (h == NULL) return NULL;
    h->size = size;
    return h + 1;
}

/* Not cleared: malloc, the header written field by field. */
static void *from_heap_raw(size_t size) {
    mem_header *h = malloc(sizeof *h + size);
    if (h == NULL) return NULL;
    h->size = size;
    h->mapped = 0;
    h->map_start = NULL;
    h->pad = 0;
    return h + 1;
}

#if defined(__linux__) && defined(MADV_HUGEPAGE) && !MEM_HEAP_ONLY
#define MEM_MAPPED 1
/* A mapping whose data starts on a 2 MiB boundary after one page for the header. */
static void *from_mapping(size_t size) {
    size_t page = 4096;
    if (size > SIZE_MAX - 2 * MEM_HUGE - page) return NULL;
    size_t want = page + size;
    size_t len = want + MEM_HUGE;
    void *raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uintptr_t data = ((uintptr_t)raw + page + MEM_HUGE - 1) & ~(uintptr_t)(MEM_HUGE - 1);
    /* The huge-page advice is a hint: a kernel that refuses it still gives zeroed pages. */
    madvise((void *)data, (uintptr_t)raw + len - data, MADV_HUGEPAGE);
    mem_header *h = (mem_header *)data - 1;
    h->size = size;
    h->mapped = len;
    h->map_start = raw;
    return (void *)data;
}
#else
static void *from_mapping(size_t size) { return from_heap(size); }
#endif

void *urne_mem_alloc(size_t size) {
    if (size == 0) return NULL;
    if (size > SIZE_MAX - sizeof(mem_header)) return NULL;
    return size < MEM_MAP_THRESHOLD ? from_heap(size) : from_mapping(size);
}

void *urne_mem_alloc_raw(size_t size) {
    if (size == 0) return NULL;
    if (size > SIZE_MAX - sizeof(mem_header)) return NULL;
    return size < MEM_MAP_THRESHOLD ? from_heap_raw(size) : from_mapping(size);
}

void urne_mem_free(void *p) {
    if (p == NULL) return;
    mem_header *h = (mem_header *)p - 1;
#if defined(MEM_MAPPED)
    if (h->mapped) {
        munmap(h->map_start, h->mapped);
        return;
    }
#endif
    free(h);
}

void *urne_mem_grow(void *p, size_t size) {
    if (p == NULL) return urne_mem_alloc(size);
    mem_header *h = (mem_header *)p - 1;
    if (size <= h->size) return p;
    void *n = urne_mem_alloc(size);
    if (n == NULL) return NULL;
    memcpy(n, p, h->size);
    urne_mem_free(p);
    return n;
}

void *urne_mem_room(void *items, size_t n, size_t *cap, size_t size, size_t first) {
    assert(cap && size > 0 && first > 0 && n <= *cap);
    if (n < *cap) return items;
    size_t more = *cap ? 2 * *cap : first;
    if (more < *cap || more > SIZE_MAX / size) return NULL;
    void *p = realloc(items, more * size);
    if (p != NULL) *cap = more;
    return p;
}
