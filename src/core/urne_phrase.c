/*
 * urne_phrase: render a printf call's arguments to text now, substitute them into
 * a wording later.
 *
 * Both halves walk a format with the same small parser (next_conversion), so the
 * n-th conversion of the English format and the n-th conversion of its
 * translation name the same argument. Rendering hands each conversion, with its
 * flags, width and precision, to snprintf with the argument's own type: the text
 * is exactly what printf would have written for it.
 */
#include "urne_phrase.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One conversion of a format: fmt[start..end) is "%...c". */
typedef struct conversion {
    size_t start, end;
    int star_width, star_precision;
    char length[3];  /* "", "hh", "h", "l", "ll", "z", "j", "t", "L" */
    char conv;       /* the conversion character; '%' for "%%" */
    int position;    /* n of "%n$...", a translation's reordering; 0 for the next argument */
} conversion;

/* Find the next conversion at or after fmt[from]; 0 when there is none. */
static int next_conversion(const char *fmt, size_t from, conversion *c) {
    const char *s = strchr(fmt + from, '%');
    if (s == NULL) return 0;
    memset(c, 0, sizeof *c);
    c->start = (size_t)(s - fmt);
    s++;
    const char *digits = s;
    while (*s >= '0' && *s <= '9') s++;
    if (s > digits && *s == '$')
        c->position = atoi(digits), s++;
    else
        s = digits;
    while (*s && strchr("-+ #0'", *s)) s++;
    if (*s == '*') {
        c->star_width = 1;
        s++;
    } else {
        while (*s >= '0' && *s <= '9') s++;
    }
    if (*s == '.') {
        s++;
        if (*s == '*') {
            c->star_precision = 1;
            s++;
        } else {
            while (*s >= '0' && *s <= '9') s++;
        }
    }
    size_t n = 0;
    while (*s && strchr("hlzjtL", *s) && n < 2) c->length[n++] = *s++;
    c->conv = *s;
    c->end = *s ? (size_t)(s - fmt) + 1 : (size_t)(s - fmt);
    return 1;
}

/* Keep arg in p's text as argument number p->nargs, cut to the room left. */
static void keep(urne_phrase *p, const char *arg, char kind) {
    assert(p->nargs < URNE_PHRASE_MAX_ARGS); /* a message with more arguments needs a larger bound */
    if (p->nargs >= URNE_PHRASE_MAX_ARGS) return;
    size_t used = p->nargs ? p->at[p->nargs - 1] + strlen(p->text + p->at[p->nargs - 1]) + 1 : 0;
    size_t room = sizeof p->text - used;
    if (room == 0) return;
    size_t len = strlen(arg);
    p->at[p->nargs] = (unsigned short)used;
    p->kinds[p->nargs] = kind;
    if (len < room) {
        memcpy(p->text + used, arg, len + 1);
    } else if (room > 4) {
        size_t cut = room - 4;
        while (cut > 0 && ((unsigned char)arg[cut] & 0xC0) == 0x80) cut--; /* not inside a UTF-8 character */
        memcpy(p->text + used, arg, cut);
        memcpy(p->text + used + cut, "...", 4);
    } else {
        p->text[used] = '\0';
    }
    p->nargs++;
}

/* Render one conversion's argument from ap with snprintf, as printf would. */
static void render(urne_phrase *p, const char *fmt, const conversion *c, va_list *ap) {
    char spec[32], out[URNE_PHRASE_ARG_BYTES];
    size_t n = c->end - c->start;
    if (n >= sizeof spec) n = sizeof spec - 1;
    memcpy(spec, fmt + c->start, n);
    spec[n] = '\0';
    int width = c->star_width ? va_arg(*ap, int) : 0;
    int precision = c->star_precision ? va_arg(*ap, int) : 0;
    /* Every star is consumed above; hand snprintf the values in a spec of its own. */
    char plain[48];
    if (c->star_width || c->star_precision) {
        size_t o = 0;
        for (size_t i = 0; i < n && o + 12 < sizeof plain; i++) {
            if (spec[i] != '*') {
                plain[o++] = spec[i];
                continue;
            }
            int is_precision = i > 0 && spec[i - 1] == '.';
            o += (size_t)snprintf(plain + o, sizeof plain - o, "%d", is_precision ? precision : width);
        }
        plain[o] = '\0';
    } else {
        memcpy(plain, spec, n + 1);
    }
    char kind = 's';
    const char *l = c->length;
    switch (c->conv) {
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
        kind = (c->conv == 'd' || c->conv == 'i' || c->conv == 'u') ? 'i' : 's';
        if (strcmp(l, "ll") == 0) snprintf(out, sizeof out, plain, va_arg(*ap, long long));
        else if (strcmp(l, "l") == 0) snprintf(out, sizeof out, plain, va_arg(*ap, long));
        else if (strcmp(l, "z") == 0) snprintf(out, sizeof out, plain, va_arg(*ap, size_t));
        else if (strcmp(l, "j") == 0) snprintf(out, sizeof out, plain, va_arg(*ap, intmax_t));
        else if (strcmp(l, "t") == 0) snprintf(out, sizeof out, plain, va_arg(*ap, ptrdiff_t));
        else snprintf(out, sizeof out, plain, va_arg(*ap, int)); /* hh and h are promoted to int */
        break;
    case 'c':
        snprintf(out, sizeof out, plain, va_arg(*ap, int));
        break;
    case 'f': case 'F': case 'g': case 'G': case 'e': case 'E':
        if (strcmp(l, "L") == 0) snprintf(out, sizeof out, plain, va_arg(*ap, long double));
        else snprintf(out, sizeof out, plain, va_arg(*ap, double));
        break;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        char *bounded = NULL;
        if (s && c->star_precision && precision >= 0) {
            /* "%.*s" reads a span that need not end in '\0' (a field at the very end of
             * a file's buffer): copy at most precision bytes, never one past, so that no
             * printf (nor a sanitizer's, which reads a precision of 0 as none) looks further. */
            size_t k = 0;
            while (k < (size_t)precision && s[k]) k++;
            bounded = malloc(k + 1);
            if (bounded == NULL) {
                keep(p, "?", kind);
                return;
            }
            memcpy(bounded, s, k);
            bounded[k] = '\0';
            s = bounded;
        }
        int need = snprintf(out, sizeof out, plain, s ? s : "");
        if (need >= (int)sizeof out) {
            /* Longer than a phrase keeps: written whole, then cut by keep() with its mark. */
            char *whole = malloc((size_t)need + 1);
            if (whole) {
                snprintf(whole, (size_t)need + 1, plain, s ? s : "");
                keep(p, whole, kind);
                free(whole);
                free(bounded);
                return;
            }
        }
        free(bounded);
        break;
    }
    default:
        assert(!"urne_phrase: unsupported conversion");
        snprintf(out, sizeof out, "?");
        break;
    }
    keep(p, out, kind);
}

void urne_phrase_vset(urne_phrase *p, const char *fmt, va_list ap) {
    memset(p, 0, sizeof *p);
    p->fmt = fmt;
    va_list args;
    va_copy(args, ap);
    conversion c;
    for (size_t at = 0; next_conversion(fmt, at, &c); at = c.end) {
        if (c.conv == '%' || c.conv == '\0') {
            if (c.conv == '\0') break;
            continue;
        }
        render(p, fmt, &c, &args);
    }
    va_end(args);
}

void urne_phrase_set(urne_phrase *p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    urne_phrase_vset(p, fmt, ap);
    va_end(ap);
}

/* The writer's cursor: what fits goes into buf, the length counts everything. */
typedef struct out {
    char *buf;
    size_t size, len;
} out;

static void put(out *o, const char *s, size_t n) {
    if (o->len + 1 < o->size) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

/* "1234567" (an optional '-' first) with sep every three digits. */
static void put_grouped(out *o, const char *digits, const char *sep) {
    if (*digits == '-') put(o, digits++, 1);
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) put(o, sep, strlen(sep));
        put(o, digits + i, 1);
    }
}

/* True for "-?[0-9]+\.[0-9]+": how the engines write a percentage or a ratio. */
static int is_decimal(const char *s) {
    if (*s == '-') s++;
    const char *d = s;
    while (*s >= '0' && *s <= '9') s++;
    if (s == d || *s != '.') return 0;
    const char *f = ++s;
    while (*s >= '0' && *s <= '9') s++;
    return s > f && *s == '\0';
}

static int is_whole(const char *s) {
    if (*s == '-') s++;
    if (*s == '\0') return 0;
    while (*s >= '0' && *s <= '9') s++;
    return *s == '\0';
}

/* True for "-?[0-9]{1,3}(,[0-9]{3})+": a whole number the engine grouped the English
 * way before it became an argument (urne_num_group). */
static int is_grouped(const char *s) {
    if (*s == '-') s++;
    size_t lead = 0;
    while (s[lead] >= '0' && s[lead] <= '9') lead++;
    if (lead == 0 || lead > 3 || s[lead] != ',') return 0;
    for (s += lead; *s; s += 4)
        if (s[0] != ',' || !(s[1] >= '0' && s[1] <= '9') || !(s[2] >= '0' && s[2] <= '9') ||
            !(s[3] >= '0' && s[3] <= '9'))
            return 0;
    return 1;
}

static void put_arg(out *o, const urne_phrase *p, size_t i, const urne_phrase_style *style) {
    const char *a = p->text + p->at[i];
    if (style && style->thousands && p->kinds[i] == 'i' && is_whole(a)) {
        put_grouped(o, a, style->thousands);
    } else if (style && style->thousands && p->kinds[i] == 's' && is_grouped(a)) {
        char digits[URNE_PHRASE_ARG_BYTES]; /* as long as any argument: nothing is cut */
        size_t j = 0;
        for (const char *c = a; *c && j + 1 < sizeof digits; c++)
            if (*c != ',') digits[j++] = *c;
        digits[j] = '\0';
        put_grouped(o, digits, style->thousands);
    } else if (style && style->decimal && p->kinds[i] == 's' && is_decimal(a)) {
        const char *dot = strchr(a, '.');
        put(o, a, (size_t)(dot - a));
        put(o, style->decimal, strlen(style->decimal));
        put(o, dot + 1, strlen(dot + 1));
    } else {
        put(o, a, strlen(a));
    }
}

void urne_phrase_replace(const urne_phrase *p, size_t i, const char *text, urne_phrase *dst) {
    urne_phrase q;
    memset(&q, 0, sizeof q);
    q.fmt = p->fmt;
    for (size_t k = 0; k < p->nargs; k++) keep(&q, k == i ? text : p->text + p->at[k], p->kinds[k]);
    *dst = q;
}

size_t urne_phrase_write(const urne_phrase *p, const char *wording, const urne_phrase_style *style, char *buf,
                         size_t size) {
    const char *w = wording ? wording : (p->fmt ? p->fmt : "");
    out o = {buf, size, 0};
    size_t at = 0, arg = 0;
    conversion c;
    while (next_conversion(w, at, &c)) {
        put(&o, w + at, c.start - at);
        at = c.end;
        if (c.conv == '%') {
            put(&o, "%", 1);
            continue;
        }
        if (c.conv == '\0') break;
        /* "%2$s": a translation that needs the arguments in another order names them. */
        size_t which = c.position > 0 ? (size_t)c.position - 1 : arg++;
        if (which < p->nargs) put_arg(&o, p, which, style);
    }
    put(&o, w + at, strlen(w + at));
    if (size > 0) buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}
