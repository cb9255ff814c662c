/*
 * parallel: reading one big text on every core. A national file is cut at line
 * boundaries into chunks, two per core; threads, one per core, take the chunks in
 * turn until none is left, so that a core the machine lends to someone else for a
 * while does not hold the others up: they take its share. The caller combines the
 * chunks' results in chunk order, so that what comes out is what one pass would
 * give. Internal to io/; the engines stay single-threaded and know nothing of this.
 */
#ifndef URNE_IO_PARALLEL_H
#define URNE_IO_PARALLEL_H

#include <stddef.h>

/* Most chunks a text is ever cut into. */
#define URNE_IO_MAX_CHUNKS 64

/* A text cut into parts at line starts, with the LF bytes of each part: what the
 * encoding survey learns on its way through, handed to the reader that follows so
 * that it need not count lines again. */
typedef struct urne_io_parts {
    const char *text;                       /* where the offsets start */
    size_t n;                               /* parts */
    size_t cut[URNE_IO_MAX_CHUNKS + 1];     /* part i is text[cut[i] .. cut[i + 1]) */
    size_t newlines[URNE_IO_MAX_CHUNKS];    /* LF bytes in part i */
} urne_io_parts;

/* How many chunks a text of `len` bytes deserves: two per online core, none smaller
 * than a mebibyte (so a small text is one chunk); `asked` > 0 overrides (capped at
 * URNE_IO_MAX_CHUNKS). */
size_t urne_io_chunks(size_t len, unsigned asked);

/* Cut text[0..len) into n pieces of about equal size, each but the last ending just
 * after a newline (a piece may be empty). Piece i is [cut[i], cut[i + 1]): cut has
 * n + 1 entries, cut[0] = 0 and cut[n] = len. */
void urne_io_cut_lines(const char *text, size_t len, size_t n, size_t *cut);

/* Call fn(items + i * size) once for every i in 0..n-1, on as many threads as there
 * are online cores (the calling thread one of them), each taking the next item not
 * yet taken; return when all are done. Items may run in any order and at the same
 * time, so they must not depend on each other; if no thread can be started, the
 * calling thread does them all. */
void urne_io_run(void *(*fn)(void *), void *items, size_t size, size_t n);

#endif
