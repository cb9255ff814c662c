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

static void escape(urne_buf *b, const char *s, size_t n) { urne_buf_html_n(b, s, n); }

void urne_html_text(urne_buf *b, const char *s) {
    if (s) escape(b, s, strlen(s));
}

void urne_html_trusted(urne_buf *b, const char *markup) {
    if (markup) urne_buf_puts(b, markup);
}

void urne_html_url(urne_buf *b, const char *s) { urne_buf_url(b, s); }

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

/* One conversion of the format, as parsed: where it starts and how long it is,
 * its width and precision (taken from the arguments when written '*'), its length
 * modifier and its conversion letter. */
typedef struct spec {
    const char *start;
    size_t len;
    int has_width, star_width, width, star_prec, prec, length;
    char conv;
} spec;

/* Parse the conversion at pct ('%'), reading any '*' arguments from *ap. */
static void parse_spec(const char *pct, spec *c, va_list *ap) {
    const char *q = pct + 1;
    memset(c, 0, sizeof *c);
    c->start = pct;
    c->prec = -1;
    while (*q && strchr("-+ #0", *q)) q++;
    if (*q == '*') {
        c->star_width = c->has_width = 1;
        c->width = va_arg(*ap, int);
        q++;
    } else
        while (*q >= '0' && *q <= '9') q++, c->has_width = 1;
    if (*q == '.') {
        q++;
        if (*q == '*') {
            c->star_prec = 1;
            c->prec = va_arg(*ap, int);
            q++;
        } else {
            c->prec = 0;
            while (*q >= '0' && *q <= '9') c->prec = c->prec * 10 + (*q++ - '0');
        }
    }
    if (q[0] == 'h' && q[1] == 'h') c->length = LEN_HH, q += 2;
    else if (q[0] == 'l' && q[1] == 'l') c->length = LEN_LL, q += 2;
    else if (*q == 'h') c->length = LEN_H, q++;
    else if (*q == 'l') c->length = LEN_L, q++;
    else if (*q == 'z') c->length = LEN_Z, q++;
    else if (*q == 'j') c->length = LEN_J, q++;
    else if (*q == 't') c->length = LEN_T, q++;
    c->conv = *q;
    c->len = (size_t)(q - pct) + (*q ? 1 : 0);
}

/* A number formatted by snprintf's own rules, with the spec rebuilt around the
 * widest type (intmax_t, uintmax_t or double) so one call serves every length. */
static void put_number(urne_buf *b, const spec *c, intmax_t i, uintmax_t u, double d) {
    char f[32], out[512];
    if (c->len >= sizeof f - 2) {
        urne_buf_puts(b, "?");
        return;
    }
    size_t o = 0;
    int integer = strchr("diuxX", c->conv) != NULL;
    for (size_t k = 0; k < c->len; k++) {
        char ch = c->start[k];
        if (strchr("hlzjtL", ch)) continue;
        if (k == c->len - 1 && integer) f[o++] = 'j';
        f[o++] = ch;
    }
    f[o] = 0;
    int n, w = c->width, p = c->prec;
#define FORMAT(x)                                                                                \
    (c->star_width && c->star_prec ? snprintf(out, sizeof out, f, w, p, x)                       \
     : c->star_width               ? snprintf(out, sizeof out, f, w, x)                          \
     : c->star_prec                ? snprintf(out, sizeof out, f, p, x)                          \
                                   : snprintf(out, sizeof out, f, x))
    if (c->conv == 'd' || c->conv == 'i')
        n = FORMAT(i);
    else if (integer)
        n = FORMAT(u);
    else
        n = FORMAT(d);
#undef FORMAT
    if (n < 0 || (size_t)n >= sizeof out) {
        urne_buf_puts(b, "?");
        return;
    }
    urne_buf_put(b, out, (size_t)n);
}

/* Take the conversion's argument from *ap and write it, strings escaped. */
static void put_conversion(urne_buf *b, const spec *c, va_list *ap) {
    switch (c->conv) {
    case 's': {
        const char *s = va_arg(*ap, const char *);
        assert(!c->has_width); /* no width on strings: it would pad escaped text */
        if (s) escape(b, s, c->prec >= 0 ? strnlen(s, (size_t)c->prec) : strlen(s));
        return;
    }
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        escape(b, &ch, 1);
        return;
    }
    case 'd':
    case 'i': {
        intmax_t i;
        switch (c->length) {
        case LEN_LL: i = va_arg(*ap, long long); break;
        case LEN_L: i = va_arg(*ap, long); break;
        case LEN_Z: i = va_arg(*ap, ssize_t); break;
        case LEN_J: i = va_arg(*ap, intmax_t); break;
        case LEN_T: i = va_arg(*ap, ptrdiff_t); break;
        default: i = va_arg(*ap, int); break;
        }
        put_number(b, c, i, 0, 0);
        return;
    }
    case 'u':
    case 'x':
    case 'X': {
        uintmax_t u;
        switch (c->length) {
        case LEN_LL: u = va_arg(*ap, unsigned long long); break;
        case LEN_L: u = va_arg(*ap, unsigned long); break;
        case LEN_Z: u = va_arg(*ap, size_t); break;
        case LEN_J: u = va_arg(*ap, uintmax_t); break;
        case LEN_T: u = (uintmax_t)va_arg(*ap, ptrdiff_t); break;
        case LEN_HH: u = (unsigned char)va_arg(*ap, unsigned); break;
        case LEN_H: u = (unsigned short)va_arg(*ap, unsigned); break;
        default: u = va_arg(*ap, unsigned); break;
        }
        put_number(b, c, 0, u, 0);
        return;
    }
    case 'f':
    case 'g':
    case 'e': put_number(b, c, 0, 0, va_arg(*ap, double)); return;
    default:
        assert(!"urne_html: unsupported conversion");
        urne_buf_puts(b, "?");
        return;
    }
}

void urne_html_v(urne_buf *b, const char *fmt, va_list ap) {
    va_list args; /* a copy, so that its address can be handed to the helpers */
    va_copy(args, ap);
    for (const char *p = fmt; *p;) {
        const char *pct = strchr(p, '%');
        if (pct == NULL) {
            urne_buf_puts(b, p);
            break;
        }
        urne_buf_put(b, p, (size_t)(pct - p));
        if (pct[1] == '%') {
            urne_buf_put(b, "%", 1);
            p = pct + 2;
            continue;
        }
        spec c;
        parse_spec(pct, &c, &args);
        if (c.conv == 0) { /* a lone '%' at the end of the format */
            assert(!"urne_html: unterminated conversion");
            break;
        }
        put_conversion(b, &c, &args);
        p = pct + c.len;
    }
    va_end(args);
}

void urne_html(urne_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    urne_html_v(b, fmt, ap);
    va_end(ap);
}
