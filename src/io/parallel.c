/*
 * parallel: see parallel.h. POSIX threads, started per call: a call reads tens of
 * megabytes, so the 50 microseconds a thread costs to start do not matter, and no
 * pool outlives the work. Items are handed out by one atomic counter.
 */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

/* Below this many bytes a chunk is not worth the handing out. */
#define MIN_CHUNK_BYTES ((size_t)1 << 20)
#define CHUNKS_PER_CORE 2

static size_t online_cores(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 0 ? (size_t)cpus : 1;
}

size_t urne_io_chunks(size_t len, unsigned asked) {
    if (asked > 0) return asked < URNE_IO_MAX_CHUNKS ? asked : URNE_IO_MAX_CHUNKS;
    size_t n = len / MIN_CHUNK_BYTES + 1, most = CHUNKS_PER_CORE * online_cores();
    if (n > most) n = most;
    return n < URNE_IO_MAX_CHUNKS ? n : URNE_IO_MAX_CHUNKS;
}

void urne_io_cut_lines(const char *text, size_t len, size_t n, size_t *cut) {
    cut[0] = 0;
    for (size_t i = 1; i < n; i++) {
        size_t at = len / n * i;
        if (at < cut[i - 1]) at = cut[i - 1];
        if (at > 0 && at < len && text[at - 1] != '\n') {
            const char *nl = memchr(text + at, '\n', len - at);
            at = nl ? (size_t)(nl - text) + 1 : len;
        }
        cut[i] = at;
    }
    cut[n] = len;
}

typedef struct run_state {
    void *(*fn)(void *);
    char *items;
    size_t size, n;
    atomic_size_t next; /* the first item not yet taken */
} run_state;

static void *take_items(void *arg) {
    run_state *st = arg;
    for (size_t i; (i = atomic_fetch_add(&st->next, 1)) < st->n;) st->fn(st->items + i * st->size);
    return NULL;
}

void urne_io_run(void *(*fn)(void *), void *items, size_t size, size_t n) {
    run_state st = {fn, items, size, n, 0};
    size_t threads = online_cores();
    if (threads > n) threads = n;
    if (threads > URNE_IO_MAX_CHUNKS) threads = URNE_IO_MAX_CHUNKS;
    pthread_t tid[URNE_IO_MAX_CHUNKS];
    size_t started = 0;
    while (started + 1 < threads && pthread_create(&tid[started], NULL, take_items, &st) == 0) started++;
    take_items(&st);
    for (size_t i = 0; i < started; i++) pthread_join(tid[i], NULL);
}
