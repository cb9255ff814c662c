/*
 * parallel: see parallel.h. POSIX threads, started per call: a call reads tens of
 * megabytes, so the 50 microseconds a thread costs to start do not matter, and no
 * pool outlives the work.
 */
#include "parallel.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* Below this many bytes a chunk is not worth a thread. */
#define MIN_CHUNK_BYTES ((size_t)1 << 20)

size_t urne_io_chunks(size_t len, unsigned asked) {
    if (asked > 0) return asked < URNE_IO_MAX_CHUNKS ? asked : URNE_IO_MAX_CHUNKS;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = len / MIN_CHUNK_BYTES + 1;
    if (cpus > 0 && n > (size_t)cpus) n = (size_t)cpus;
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

void urne_io_run(void *(*fn)(void *), void *items, size_t size, size_t n) {
    pthread_t tid[URNE_IO_MAX_CHUNKS];
    int started[URNE_IO_MAX_CHUNKS] = {0};
    char *base = items;
    for (size_t i = 1; i < n && i < URNE_IO_MAX_CHUNKS; i++)
        started[i] = pthread_create(&tid[i], NULL, fn, base + i * size) == 0;
    if (n > 0) fn(base);
    for (size_t i = 1; i < n; i++) {
        if (i < URNE_IO_MAX_CHUNKS && started[i])
            pthread_join(tid[i], NULL);
        else
            fn(base + i * size);
    }
}
