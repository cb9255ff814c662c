/*
 * io_file: see io_file.h. mmap for regular files, a growing heap buffer otherwise.
 */
#include "io_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_stream(int fd, urne_io_buffer *out) {
    size_t cap = 65536, n = 0;
    char *data = malloc(cap);
    while (data != NULL) {
        ssize_t got = read(fd, data + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            free(data);
            return -1;
        }
        if (got == 0) break;
        n += (size_t)got;
        if (n == cap) {
            char *bigger = realloc(data, cap * 2);
            if (bigger == NULL) {
                free(data);
                errno = ENOMEM;
                return -1;
            }
            data = bigger;
            cap *= 2;
        }
    }
    if (data == NULL) {
        errno = ENOMEM;
        return -1;
    }
    out->heap = data;
    out->data = data;
    out->len = n;
    return 0;
}

int urne_io_read_file(const char *path, urne_io_buffer *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    out->data = "";
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        /* The two common causes as whole messages, which can be translated; the C
         * library's words for the rest. */
        if (e == ENOENT)
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "readable-file", "cannot open: No such file or directory");
        else if (e == EACCES)
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "readable-file", "cannot open: Permission denied");
        else
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "readable-file", "cannot open: %s", strerror(e));
        if (fd > 0) close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "readable-file", "is a directory, not a file");
        close(fd);
        return -1;
    }
    int rc = 0;
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            out->map = map;
            out->data = map;
            out->len = (size_t)st.st_size;
        } else {
            rc = read_stream(fd, out);
        }
    } else if (!S_ISREG(st.st_mode)) {
        rc = read_stream(fd, out);
    }
    if (rc != 0) urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "readable-file", "read error: %s", strerror(errno));
    if (!is_stdin) close(fd);
    return rc;
}

void urne_io_buffer_free(urne_io_buffer *buf) {
    if (buf->map) munmap(buf->map, buf->len);
    free(buf->heap);
    memset(buf, 0, sizeof *buf);
}
