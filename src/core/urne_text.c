/*
 * urne_text: encoding decision, line and field splitting. See urne_text.h.
 */
#include "urne_text.h"

#include <string.h>
#include <strings.h>

int urne_text_encoding_parse(const char *name, urne_encoding *out) {
    if (strcasecmp(name, "auto") == 0) *out = URNE_ENC_AUTO;
    else if (strcasecmp(name, "utf8") == 0 || strcasecmp(name, "utf-8") == 0) *out = URNE_ENC_UTF8;
    else if (strcasecmp(name, "latin1") == 0 || strcasecmp(name, "latin-1") == 0 ||
             strcasecmp(name, "iso-8859-1") == 0)
        *out = URNE_ENC_LATIN1;
    else
        return -1;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned min;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    if (left < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

static long line_of(const char *buf, size_t pos) {
    long line = 1;
    for (size_t i = 0; i < pos; i++)
        if (buf[i] == '\n') line++;
    return line;
}

int urne_text_decode(const char *buf, size_t len, urne_encoding requested, urne_arena *arena,
                     const char **text, size_t *text_len, urne_encoding *used, urne_diags *diags) {
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
        if (requested == URNE_ENC_AUTO) requested = URNE_ENC_UTF8;
    }
    const void *nul = memchr(buf, '\0', len);
    if (nul != NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, line_of(buf, (size_t)((const char *)nul - buf)), NULL,
                       "text-file", "contains a NUL byte: this is not a text file");
        return -1;
    }
    const unsigned char *u = (const unsigned char *)buf;
    size_t multibyte = 0, first_bad = (size_t)-1;
    if (requested != URNE_ENC_LATIN1) {
        for (size_t i = 0; i < len;) {
            if (u[i] < 0x80) {
                i++;
                continue;
            }
            size_t n = utf8_seq(u + i, len - i);
            if (n == 0) {
                first_bad = i;
                break;
            }
            multibyte++;
            i += n;
        }
        if (first_bad == (size_t)-1) {
            *text = buf;
            *text_len = len;
            *used = URNE_ENC_UTF8;
            return 0;
        }
        if (requested == URNE_ENC_UTF8 || multibyte > 0) {
            size_t ls = first_bad;
            while (ls > 0 && buf[ls - 1] != '\n') ls--;
            urne_diags_add(diags, URNE_DIAG_ERROR, line_of(buf, first_bad), NULL, "encoding",
                           "invalid encoding: byte 0x%02X at column %zu is not UTF-8%s", u[first_bad],
                           first_bad - ls + 1,
                           requested == URNE_ENC_UTF8
                               ? " (the file was declared UTF-8)"
                               : " although earlier text is UTF-8: the file mixes two encodings");
            return -1;
        }
    }
    /* latin-1: each byte >= 0x80 becomes two UTF-8 bytes */
    size_t high = 0;
    for (size_t i = 0; i < len; i++) high += u[i] >= 0x80;
    if (high == 0) {
        *text = buf;
        *text_len = len;
        *used = URNE_ENC_LATIN1;
        return 0;
    }
    unsigned char *out = urne_arena_alloc(arena, len + high + 1);
    if (out == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory converting from latin-1");
        return -1;
    }
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (u[i] < 0x80) {
            out[j++] = u[i];
        } else {
            out[j++] = (unsigned char)(0xC0 | (u[i] >> 6));
            out[j++] = (unsigned char)(0x80 | (u[i] & 0x3F));
        }
    }
    *text = (const char *)out;
    *text_len = j;
    *used = URNE_ENC_LATIN1;
    return 0;
}

void urne_lines_init(urne_lines *it, const char *text, size_t len) {
    it->text = text;
    it->len = len;
    it->pos = 0;
    it->lineno = 0;
}

int urne_lines_next(urne_lines *it, urne_span *line) {
    if (it->pos >= it->len) return 0;
    const char *start = it->text + it->pos;
    const char *nl = memchr(start, '\n', it->len - it->pos);
    size_t n = nl ? (size_t)(nl - start) : it->len - it->pos;
    it->pos += n + (nl ? 1 : 0);
    if (n > 0 && start[n - 1] == '\r') n--;
    line->p = start;
    line->len = n;
    line->quoted = 0;
    it->lineno++;
    return 1;
}

static urne_span trim(const char *p, size_t len) {
    while (len > 0 && (*p == ' ' || *p == '\t')) p++, len--;
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
    urne_span s = {p, len, 0};
    return s;
}

long urne_fields_split(urne_span line, char sep, urne_span *fields, size_t max) {
    const char *p = line.p, *end = line.p + line.len;
    long n = 0;
    for (;;) {
        urne_span f;
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t')) q++;
        if (q < end && *q == '"') {
            const char *start = ++q;
            for (;;) {
                q = memchr(q, '"', (size_t)(end - q));
                if (q == NULL) return -1;
                if (q + 1 < end && q[1] == '"') {
                    q += 2;
                    continue;
                }
                break;
            }
            f.p = start;
            f.len = (size_t)(q - start);
            f.quoted = 1;
            q++;
            while (q < end && *q != sep) q++; /* text after the closing quote is ignored */
        } else {
            const char *s = memchr(p, sep, (size_t)(end - p));
            q = s ? s : end;
            f = trim(p, (size_t)(q - p));
        }
        if ((size_t)n < max) fields[n] = f;
        n++;
        if (q >= end) break;
        p = q + 1;
    }
    return n;
}

int urne_span_blank(urne_span s) {
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t') return 0;
    return 1;
}

int urne_span_eq_nocase(urne_span s, const char *word) {
    size_t n = strlen(word);
    return s.len == n && strncasecmp(s.p, word, n) == 0;
}

char *urne_span_dup(urne_arena *arena, urne_span s) {
    char *out = urne_arena_strndup(arena, s.p, s.len);
    if (out == NULL || !s.quoted) return out;
    size_t j = 0;
    for (size_t i = 0; i < s.len; i++) {
        out[j++] = s.p[i];
        if (s.p[i] == '"' && i + 1 < s.len && s.p[i + 1] == '"') i++;
    }
    out[j] = '\0';
    return out;
}

/* Fold the UTF-8 encodings of common accented latin letters (U+00C0..U+00FF) to ASCII. */
static char fold_latin(unsigned cp) {
    static const char map[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
    if (cp >= 0xC0 && cp <= 0xFF) return map[cp - 0xC0];
    return ' ';
}

void urne_text_fold_header(urne_span s, char *out, size_t size) {
    size_t j = 0;
    int space = 1;
    const unsigned char *u = (const unsigned char *)s.p;
    for (size_t i = 0; i < s.len && j + 1 < size; i++) {
        char c;
        if (u[i] >= 0x80) {
            unsigned cp = 0;
            if ((u[i] & 0xE0) == 0xC0 && i + 1 < s.len) {
                cp = ((u[i] & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu);
                i++;
            } else {
                while (i + 1 < s.len && (u[i + 1] & 0xC0) == 0x80) i++;
            }
            c = fold_latin(cp);
        } else {
            c = (char)u[i];
        }
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '%' || c == '/')) c = ' ';
        if (c == ' ') {
            if (space) continue;
            space = 1;
        } else {
            space = 0;
        }
        out[j++] = c;
    }
    while (j > 0 && out[j - 1] == ' ') j--;
    out[j] = '\0';
}
