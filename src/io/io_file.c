/*
 * io_file: see io_file.h.
 */
#include "io_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int urne_io_read_file(const char *path, char **buf, size_t *len, urne_diags *diags) {
    *buf = NULL;
    *len = 0;
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "readable-file", "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (!is_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "readable-file", "is a directory, not a file");
        fclose(f);
        return -1;
    }
    size_t cap = (!is_stdin && fstat(fileno(f), &st) == 0 && st.st_size > 0) ? (size_t)st.st_size + 1 : 65536;
    char *data = malloc(cap + 1);
    size_t n = 0;
    while (data != NULL) {
        n += fread(data + n, 1, cap - n, f);
        if (n < cap) break;
        char *bigger = realloc(data, cap * 2 + 1);
        if (bigger == NULL) {
            free(data);
            data = NULL;
            break;
        }
        data = bigger;
        cap *= 2;
    }
    int err = ferror(f);
    if (!is_stdin) fclose(f);
    if (data == NULL || err) {
        free(data);
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "readable-file",
                       data == NULL ? "out of memory reading the file" : "read error");
        return -1;
    }
    data[n] = '\0';
    *buf = data;
    *len = n;
    return 0;
}
