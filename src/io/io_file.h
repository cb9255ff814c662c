/*
 * io_file: reading a whole input file, with an error that names it when that fails.
 * Parsers work on memory buffers (so fuzzers and the server can feed them too);
 * only this function touches the file system on the way in.
 */
#ifndef URNE_IO_FILE_H
#define URNE_IO_FILE_H

#include <stddef.h>

#include "../core/urne_diag.h"

/* Read `path` ("-" for standard input) into a malloc'd buffer (NUL-terminated, not
 * counted in *len). Returns 0, or -1 after adding an error to diags. */
int urne_io_read_file(const char *path, char **buf, size_t *len, urne_diags *diags);

#endif
