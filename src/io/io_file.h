/*
 * io_file: reading a whole input file, with an error that names it when that fails.
 * Parsers work on memory buffers (so fuzzers and the server can feed them too);
 * only this module touches the file system on the way in. A regular file is mapped
 * rather than copied: a national file is tens of megabytes, and copying it would
 * cost as much as parsing it.
 */
#ifndef URNE_IO_FILE_H
#define URNE_IO_FILE_H

#include <stddef.h>

#include "../core/urne_diag.h"

typedef struct urne_io_buffer {
    const char *data; /* the file's bytes (not NUL-terminated) */
    size_t len;
    void *map;        /* mapping to release, or NULL */
    char *heap;       /* copy to release (standard input, pipes), or NULL */
} urne_io_buffer;

/* Read `path` ("-" for standard input). Returns 0, or -1 after adding an error to
 * diags. Release with urne_io_buffer_free. */
int urne_io_read_file(const char *path, urne_io_buffer *out, urne_diags *diags);

void urne_io_buffer_free(urne_io_buffer *buf);

#endif
