/*
 * download: see download.h.
 */
#include "download.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The code point of the UTF-8 sequence at s (its length in *n), or 0xFFFD with *n = 1
 * for a byte that starts none. */
static unsigned next_char(const unsigned char *s, size_t *n) {
    unsigned c = s[0];
    size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (k == 0) return *n = 1, 0xFFFD;
    unsigned cp = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) return *n = 1, 0xFFFD;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    *n = k;
    return cp;
}

/* The ASCII letters a Latin letter folds to ("" when it is none). */
static const char *fold(unsigned cp) {
    static const char *const latin1[64] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  /* C0 */
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", /* D0 */
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  /* E0 */
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",  /* F0 */
    };
    if (cp >= 0xC0 && cp <= 0xFF) return latin1[cp - 0xC0];
    if (cp == 0x152 || cp == 0x153) return "oe";
    if (cp == 0x178) return "y";
    return "";
}

size_t urne_download_slug(const char *text, char *out, size_t size) {
    const size_t most = size - 1 < 80 ? size - 1 : 80;
    size_t j = 0, last_dash = 0;
    int dash = 0; /* a '-' is owed before the next letter or digit */
    for (const unsigned char *s = (const unsigned char *)text; *s;) {
        size_t n;
        unsigned cp = next_char(s, &n);
        s += n;
        char ascii[3] = "";
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) ascii[0] = (char)cp;
        else if (cp >= 'A' && cp <= 'Z') ascii[0] = (char)(cp - 'A' + 'a');
        else snprintf(ascii, sizeof ascii, "%s", fold(cp));
        if (ascii[0] == 0) {
            dash = j > 0;
            continue;
        }
        size_t need = strlen(ascii) + (dash ? 1 : 0);
        if (j + need > most) {
            if (last_dash > 0 && last_dash >= most / 2) j = last_dash; /* cut between words */
            break;
        }
        if (dash) last_dash = j, out[j++] = '-', dash = 0;
        memcpy(out + j, ascii, strlen(ascii));
        j += strlen(ascii);
    }
    out[j] = 0;
    return j;
}

/* RFC 5987's attr-char: what a value may hold without percent-encoding. */
static int attr_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$&+-.^_`|~", c) != NULL);
}

void urne_download_disposition(const char *name, const char *fallback, const char *ext, char *out, size_t size) {
    char slug[96];
    if (urne_download_slug(name, slug, sizeof slug) == 0) urne_download_slug(fallback, slug, sizeof slug);
    if (slug[0] == 0) snprintf(slug, sizeof slug, "urne");
    size_t used = (size_t)snprintf(out, size, "attachment; filename=\"%s%s\"; filename*=UTF-8''", slug, ext);
    /* The name as written: whole characters, at most 120 bytes, no control
     * character, no mark that turns the text right to left (which could show
     * "txt.exe" as "exe.txt"), no path separator. */
    size_t taken = 0;
    for (const unsigned char *s = (const unsigned char *)name; *s && used + 12 < size;) {
        size_t n;
        unsigned cp = next_char(s, &n);
        int bidi = (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
        if (cp == 0xFFFD || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || bidi) {
            s += n;
            continue;
        }
        if (cp == '/' || cp == '\\') { /* a name, never a path */
            if (taken + 1 > 120) break;
            used += (size_t)snprintf(out + used, size - used, "-");
            taken++;
            s += n;
            continue;
        }
        if (taken + n > 120 || used + 3 * n + 3 * strlen(ext) >= size) break;
        for (size_t i = 0; i < n; i++, s++)
            used += attr_char(*s) ? (size_t)snprintf(out + used, size - used, "%c", *s)
                                  : (size_t)snprintf(out + used, size - used, "%%%02X", *s);
        taken += n;
    }
    if (taken == 0) /* nothing printable: the slug again */
        used += (size_t)snprintf(out + used, size - used, "%s", slug);
    for (const unsigned char *e = (const unsigned char *)ext; *e && used + 3 < size; e++)
        used += attr_char(*e) ? (size_t)snprintf(out + used, size - used, "%c", *e)
                              : (size_t)snprintf(out + used, size - used, "%%%02X", *e);
}

void urne_download_csv_cell(urne_buf *b, const char *s) {
    if (s == NULL) return;
    if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0') {
        /* The quote belongs to the cell: quoted as a whole when it needs quoting. */
        size_t n = strlen(s);
        char *q = malloc(n + 2);
        if (q == NULL) {
            b->oom = 1;
            return;
        }
        q[0] = '\'';
        memcpy(q + 1, s, n + 1);
        urne_buf_csv(b, q);
        free(q);
        return;
    }
    urne_buf_csv(b, s);
}
