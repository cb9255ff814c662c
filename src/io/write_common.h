/*
 * write_common: what the text writers share — aligning columns on characters, not
 * bytes, so that accented names line up, and CSV cells quoted as spreadsheets expect.
 */
#ifndef URNE_WRITE_COMMON_H
#define URNE_WRITE_COMMON_H

#include <stdio.h>
#include <string.h>

/* Characters (not bytes) in a UTF-8 string. */
static inline size_t urne_write_width(const char *s) {
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Write s and pad it with spaces to w characters. */
static inline void urne_write_pad(FILE *out, const char *s, size_t w) {
    fputs(s, out);
    for (size_t i = urne_write_width(s); i < w; i++) fputc(' ', out);
}

/* A CSV cell, in double quotes (inner quotes doubled) when it holds the separator, a
 * quote or a line break; nothing for NULL. */
static inline void urne_write_csv_cell(FILE *out, const char *s, char sep) {
    if (s == NULL) return;
    const char *special = sep == ';' ? ";\"\r\n" : ",\"\r\n";
    if (strpbrk(s, special) == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

#endif
