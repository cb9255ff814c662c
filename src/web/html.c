/*
 * html: the page writer (see html.h).
 *
 * urne_html walks its format once. Literal runs are copied; each conversion is
 * parsed (flags, width, precision, length, conversion) and its argument taken from
 * the va_list with the type that conversion promises, which is what -Wformat has
 * already checked at the call site. Strings are escaped on the way in; numbers
 * cannot carry markup and are formatted by vsnprintf's own rules, one conversion
 * at a time, so "%.1f" and "%lld" mean here what they mean everywhere.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "html.h"

static void escape(urne_buf *b, const char *s, size_t n) {
    const char *run = s, *end = s + n;
    for (; s < end; s++) {
        const char *rep;
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

void urne_html_text(urne_buf *b, const char *s) {
    if (s) escape(b, s, strlen(s));
}

void urne_html_trusted(urne_buf *b, const char *markup) {
    if (markup) urne_buf_puts(b, markup);
}

void urne_html_url(urne_buf *b, const char *s) { urne_buf_url(b, s); }

/* One numeric conversion, spec[0..len) such as "%-5lld", formatted with its
 * argument. The argument has been read by the caller into a union of the widest
 * types, so this needs no va_list of its own. */
static void put_number(urne_buf *b, const char *spec, size_t len, int star_width, int width, int star_prec, int prec,
                       char conv, int length, intmax_t i, uintmax_t u, double d) {
    char f[32];
    if (len >= sizeof f - 4) {
        urne_buf_puts(b, "?");
        return;
    }
    /* Rebuild the spec with the integer argument at its widest, so one call site
     * serves every length modifier. */
    size_t o = 0;
    for (size_t k = 0; k < len; k++) {
        char c = spec[k];
        if (c == 'h' || c == 'l' || c == 'z' || c == 'j' || c == 't' || c == 'L') continue;
        if (k == len - 1 && (conv == 'd' || conv == 'i' || conv == 'u' || conv == 'x' || conv == 'X')) {
            f[o++] = 'j';
        }
        f[o++] = c;
    }
    f[o] = 0;
    (void)length;
    char out[512];
    int n;
    if (conv == 'd' || conv == 'i') {
        if (star_width && star_prec) n = snprintf(out, sizeof out, f, width, prec, i);
        else if (star_width) n = snprintf(out, sizeof out, f, width, i);
        else if (star_prec) n = snprintf(out, sizeof out, f, prec, i);
        else n = snprintf(out, sizeof out, f, i);
    } else if (conv == 'u' || conv == 'x' || conv == 'X') {
        if (star_width && star_prec) n = snprintf(out, sizeof out, f, width, prec, u);
        else if (star_width) n = snprintf(out, sizeof out, f, width, u);
        else if (star_prec) n = snprintf(out, sizeof out, f, prec, u);
        else n = snprintf(out, sizeof out, f, u);
    } else {
        if (star_width && star_prec) n = snprintf(out, sizeof out, f, width, prec, d);
        else if (star_width) n = snprintf(out, sizeof out, f, width, d);
        else if (star_prec) n = snprintf(out, sizeof out, f, prec, d);
        else n = snprintf(out, sizeof out, f, d);
    }
    if (n < 0 || (size_t)n >= sizeof out) {
        urne_buf_puts(b, "?");
        return;
    }
    urne_buf_put(b, out, (size_t)n);
}

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

void urne_html_v(urne_buf *b, const char *fmt, va_list ap) {
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        if (pct == NULL) {
            urne_buf_puts(b, p);
            return;
        }
        urne_buf_put(b, p, (size_t)(pct - p));
        const char *q = pct + 1;
        if (*q == '%') {
            urne_buf_put(b, "%", 1);
            p = q + 1;
            continue;
        }
        while (*q && strchr("-+ #0", *q)) q++;
        int star_width = 0, width = 0, star_prec = 0, prec = -1, has_width = 0;
        if (*q == '*') {
            star_width = has_width = 1;
            width = va_arg(ap, int);
            q++;
        } else
            while (*q >= '0' && *q <= '9') q++, has_width = 1;
        if (*q == '.') {
            q++;
            if (*q == '*') {
                star_prec = 1;
                prec = va_arg(ap, int);
                q++;
            } else {
                prec = 0;
                while (*q >= '0' && *q <= '9') prec = prec * 10 + (*q++ - '0');
            }
        }
        int length = LEN_NONE;
        if (q[0] == 'h' && q[1] == 'h') length = LEN_HH, q += 2;
        else if (q[0] == 'l' && q[1] == 'l') length = LEN_LL, q += 2;
        else if (*q == 'h') length = LEN_H, q++;
        else if (*q == 'l') length = LEN_L, q++;
        else if (*q == 'z') length = LEN_Z, q++;
        else if (*q == 'j') length = LEN_J, q++;
        else if (*q == 't') length = LEN_T, q++;
        char conv = *q;
        size_t speclen = (size_t)(q - pct) + 1;
        intmax_t i = 0;
        uintmax_t u = 0;
        double d = 0;
        switch (conv) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            assert(!has_width); /* no width on strings: it would pad escaped text */
            (void)has_width;
            if (s) escape(b, s, prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            escape(b, &c, 1);
            break;
        }
        case 'd':
        case 'i':
            switch (length) {
            case LEN_LL: i = va_arg(ap, long long); break;
            case LEN_L: i = va_arg(ap, long); break;
            case LEN_Z: i = va_arg(ap, ssize_t); break;
            case LEN_J: i = va_arg(ap, intmax_t); break;
            case LEN_T: i = va_arg(ap, ptrdiff_t); break;
            default: i = va_arg(ap, int); break;
            }
            put_number(b, pct, speclen, star_width, width, star_prec, prec, conv, length, i, 0, 0);
            break;
        case 'u':
        case 'x':
        case 'X':
            switch (length) {
            case LEN_LL: u = va_arg(ap, unsigned long long); break;
            case LEN_L: u = va_arg(ap, unsigned long); break;
            case LEN_Z: u = va_arg(ap, size_t); break;
            case LEN_J: u = va_arg(ap, uintmax_t); break;
            case LEN_T: u = (uintmax_t)va_arg(ap, ptrdiff_t); break;
            case LEN_HH: u = (unsigned char)va_arg(ap, unsigned); break;
            case LEN_H: u = (unsigned short)va_arg(ap, unsigned); break;
            default: u = va_arg(ap, unsigned); break;
            }
            put_number(b, pct, speclen, star_width, width, star_prec, prec, conv, length, 0, u, 0);
            break;
        case 'f':
        case 'g':
        case 'e':
            d = va_arg(ap, double);
            put_number(b, pct, speclen, star_width, width, star_prec, prec, conv, length, 0, 0, d);
            break;
        default:
            assert(!"urne_html: unsupported conversion");
            urne_buf_puts(b, "?");
            if (conv == 0) return;
            break;
        }
        p = q + 1;
    }
}

void urne_html(urne_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    urne_html_v(b, fmt, ap);
    va_end(ap);
}
