/*
 * forum_render: the forum's renderer measured as the server uses it, one message at
 * a time in one process (bench/forum.sh). Reads a corpus whose messages are separated
 * by a line holding only the byte 0x1e (bench/gen_forum.py writes it), renders each
 * with urne_forum_render, and prints "BYTES SECONDS MESSAGES" for the rendering alone
 * (reading the file is not timed). Every fragment's length is summed and printed to
 * standard error, so the work cannot be optimised away.
 * Usage: forum_render CORPUS [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/forum/markup.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: forum_render CORPUS [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
        perror(argv[1]);
        return 1;
    }
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: could not be read\n", argv[1]);
        return 1;
    }
    fclose(f);
    double best = 0;
    size_t messages = 0, bytes = 0, out = 0;
    for (int r = 0; r < rounds; r++) {
        messages = bytes = 0;
        double t0 = now();
        for (char *p = text, *end = text + size; p < end;) {
            char *sep = memchr(p, 0x1e, (size_t)(end - p));
            size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
            size_t len;
            char *html = urne_forum_render(p, n, &len, NULL);
            if (html == NULL) return 1;
            out += len;
            free(html);
            bytes += n;
            messages++;
            p = sep ? sep + 2 : end; /* the separator and its newline */
        }
        double t = now() - t0;
        if (r == 0 || t < best) best = t;
    }
    fprintf(stderr, "forum_render: %zu bytes of HTML\n", out);
    printf("%zu %.6f %zu\n", bytes, best, messages);
    free(text);
    return 0;
}
