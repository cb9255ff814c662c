/*
 * ballots_io: choosing the ballot reader — from the name of the format, the file's
 * extension, or its first lines. See ballots_io.h.
 */
#include <stdlib.h>
#include <string.h>

#include "ballots_io.h"

int urne_io_ballot_format_parse(const char *name, urne_ballot_format *out) {
    static const struct { const char *name; urne_ballot_format fmt; } names[] = {
        {"auto", URNE_BFMT_AUTO}, {"blt", URNE_BFMT_BLT}, {"hil", URNE_BFMT_BLT},
        {"soc", URNE_BFMT_PREFLIB}, {"soi", URNE_BFMT_PREFLIB}, {"toc", URNE_BFMT_PREFLIB},
        {"toi", URNE_BFMT_PREFLIB}, {"cat", URNE_BFMT_PREFLIB}, {"debian", URNE_BFMT_DEBIAN},
        {"text", URNE_BFMT_TEXT}, {"csv", URNE_BFMT_CSV},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0) return *out = names[i].fmt, 0;
    return -1;
}

urne_ballot_format urne_io_ballot_format_from_name(const char *path) {
    const char *dot = strrchr(path, '.');
    urne_ballot_format fmt;
    if (dot == NULL || strchr(dot, '/') != NULL) return URNE_BFMT_AUTO;
    char ext[8];
    size_t n = strlen(dot + 1);
    if (n == 0 || n >= sizeof ext) return URNE_BFMT_AUTO;
    for (size_t i = 0; i <= n; i++) ext[i] = (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ? dot[1 + i] + 32 : dot[1 + i]);
    if (strcmp(ext, "debian") == 0 || strcmp(ext, "text") == 0) return URNE_BFMT_AUTO;
    return urne_io_ballot_format_parse(ext, &fmt) == 0 ? fmt : URNE_BFMT_AUTO;
}

urne_ballot_format urne_io_ballot_format_guess(const char *buf, size_t len) {
    size_t probe = len < 4096 ? len : 4096;
    for (size_t k = 0; k + 22 <= probe; k++)
        if (memcmp(buf + k, "# NUMBER ALTERNATIVES:", 22) == 0 || memcmp(buf + k, "# FILE NAME:", 12) == 0)
            return URNE_BFMT_PREFLIB;
    for (size_t k = 0; k + 6 <= probe; k++)
        if (memcmp(buf + k, "Option", 6) == 0 || memcmp(buf + k, "\nV: ", 4) == 0) return URNE_BFMT_DEBIAN;
    /* BLT starts with a line of two whole numbers. */
    size_t i = 0, numbers = 0;
    while (i < probe && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')) i++;
    while (i < probe && buf[i] != '\n') {
        if (buf[i] >= '0' && buf[i] <= '9') {
            numbers++;
            while (i < probe && buf[i] >= '0' && buf[i] <= '9') i++;
        } else if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r') {
            i++;
        } else {
            return URNE_BFMT_TEXT;
        }
    }
    return numbers == 2 ? URNE_BFMT_BLT : URNE_BFMT_TEXT;
}

/* A table a spreadsheet saved as tab-separated text (Excel's "Texte Unicode"): its
 * first line neither blank nor '#' has a tab, and no ':' or '>' of a ballot line. */
static int tab_table(const char *buf, size_t len) {
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len, k = i;
        while (k < end && (buf[k] == ' ' || buf[k] == '\r')) k++;
        if (k < end && buf[k] != '#')
            return memchr(buf + i, '\t', end - i) && !memchr(buf + i, ':', end - i) && !memchr(buf + i, '>', end - i);
        i = end + 1;
    }
    return 0;
}

int urne_io_parse_ballots(const char *buf, size_t len, urne_ballot_format fmt, urne_encoding enc, urne_ballots *out,
                          urne_diags *diags) {
    if (fmt == URNE_BFMT_AUTO) {
        /* Guessed from the text itself when the file is UTF-16 (each parser converts it again). */
        char *utf8 = NULL;
        size_t n = 0;
        if (urne_text_utf16_to_utf8(buf, len, &utf8, &n, diags) < 0) return -1;
        const char *text = utf8 ? utf8 : buf;
        if (utf8 == NULL) n = len;
        fmt = urne_io_ballot_format_guess(text, n);
        if (fmt == URNE_BFMT_TEXT && tab_table(text, n)) fmt = URNE_BFMT_CSV; /* what text is by default */
        free(utf8);
    }
    switch (fmt) {
    case URNE_BFMT_PREFLIB: return urne_io_parse_preflib(buf, len, enc, out, diags);
    case URNE_BFMT_DEBIAN: return urne_io_parse_debian(buf, len, enc, out, diags);
    case URNE_BFMT_TEXT: return urne_io_parse_text_ballots(buf, len, enc, out, diags);
    case URNE_BFMT_CSV: return urne_io_parse_approval_csv(buf, len, enc, out, diags);
    case URNE_BFMT_BLT:
    case URNE_BFMT_AUTO: break;
    }
    return urne_io_parse_blt(buf, len, enc, out, diags);
}
