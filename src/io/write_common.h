/*
 * write_common: what the text writers share — aligning columns on characters, not
 * bytes, so that accented names line up. Internal to io/.
 */
#ifndef URNE_WRITE_COMMON_H
#define URNE_WRITE_COMMON_H

#include <stdio.h>

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

#endif
