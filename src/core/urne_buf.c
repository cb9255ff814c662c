/*
 * urne_buf: growable buffer (see urne_buf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "urne_buf.h"
#include "urne_text.h"

static int grow(urne_buf *b, size_t more) {
    if (b->oom) return -1;
    if (b->len + more + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + more + 1) cap *= 2;
    char *d = realloc(b->data, cap);
    if (d == NULL) {
        b->oom = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

void urne_buf_reserve(urne_buf *b, size_t n) { (void)grow(b, n); }

void urne_buf_put(urne_buf *b, const char *s, size_t n) {
    if (grow(b, n) < 0) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void urne_buf_puts(urne_buf *b, const char *s) { urne_buf_put(b, s, strlen(s)); }

void urne_buf_printf(urne_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        urne_buf_put(b, small, (size_t)n);
        return;
    }
    if (grow(b, (size_t)n) < 0) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void urne_buf_html(urne_buf *b, const char *s) {
    if (s) urne_buf_html_n(b, s, strlen(s));
}

void urne_buf_html_n(urne_buf *b, const char *s, size_t n) {
    const char *run = s, *end = s + n;
    for (; s < end; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        urne_buf_put(b, run, (size_t)(s - run));
        urne_buf_puts(b, rep);
        run = s + 1;
    }
    urne_buf_put(b, run, (size_t)(s - run));
}

void urne_buf_csv(urne_buf *b, const char *s) {
    if (strpbrk(s, ",\"\r\n") == NULL) {
        urne_buf_puts(b, s);
        return;
    }
    urne_buf_put(b, "\"", 1);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) urne_buf_put(b, s, (size_t)(q - s) + 1), urne_buf_put(b, "\"", 1);
    urne_buf_puts(b, s);
    urne_buf_put(b, "\"", 1);
}

int urne_buf_json(urne_buf *b, const char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) { /* checked whole first: nothing appended when it is not UTF-8 */
        unsigned cp;
        size_t len = (unsigned char)s[i] < 0x80 ? 1 : urne_text_utf8_char(s + i, n - i, &cp);
        if (len == 0) return -1;
        i += len;
    }
    static const char hex[] = "0123456789ABCDEF";
    urne_buf_reserve(b, n + 2);
    urne_buf_put(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t len = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            if (c >= 0x20) continue;
            memcpy(e + 1, "u00", 3);
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            len = 6;
        }
        urne_buf_put(b, run, (size_t)(s - run));
        urne_buf_put(b, e, len);
        run = s + 1;
    }
    urne_buf_put(b, run, (size_t)(s - run));
    urne_buf_put(b, "\"", 1);
    return 0;
}

void urne_buf_url(urne_buf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            urne_buf_put(b, (const char *)&c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            urne_buf_put(b, e, 3);
        }
    }
}

char *urne_buf_take(urne_buf *b, size_t *len) {
    if (b->oom) {
        urne_buf_free(b);
        return NULL;
    }
    if (b->data == NULL) urne_buf_put(b, "", 0);
    if (b->data == NULL) return NULL;
    char *d = b->data;
    if (len) *len = b->len;
    memset(b, 0, sizeof *b);
    return d;
}

void urne_buf_free(urne_buf *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}
