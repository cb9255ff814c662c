/*
 * initiative rules text: "key = value" lines read into urne_initiative_rules
 * (the grammar is in rules.h).
 *
 * Why a line format of its own rather than JSON: an organiser writes these rules
 * by hand, one per line, and a refused line is named by its number and key; the
 * store and the API will keep the rules as this same text, so one reader serves
 * all. Every value is read whole and checked: "10 %", "10%" and "0.5%" are
 * shares, "1/5" a fraction, "1000000" or "1 000 000" a count (digits grouped the
 * French way too); anything else is an error naming the line, the key and the
 * rule, never a default silently kept. The percentage becomes the exact rational
 * it writes (0.5 % = 5/1000), so no rounding happens before the threshold's own
 * rounding up.
 */
#include <assert.h>
#include <string.h>

#include "../core/urne_num.h"
#include "calendar.h"
#include "rules.h"

#define RULE_SYNTAX "line-syntax"        /* no '=' */
#define RULE_KEY "unknown-key"
#define RULE_PRESET "unknown-preset"
#define RULE_PRESET_FIRST "preset-not-first"
#define RULE_VALUE "bad-value"           /* a value that is not of its key's shape */
#define RULE_DATE "bad-date"
#define RULE_TOO_LONG "value-too-long"
#define RULE_REPEATED "key-repeated"
#define RULE_FIGURES "too-many-figures"  /* past URNE_INITIATIVE_FIGURES_MAX territories */
#define RULE_NAME "territory-name"       /* "seats = 20": no territory named, or one too long */

typedef struct span {
    const char *s;
    size_t n;
} span;

static span trim(const char *s, size_t n) {
    while (n && (s[0] == ' ' || s[0] == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    span r = {s, n};
    return r;
}

static int is(span v, const char *word) { return v.n == strlen(word) && memcmp(v.s, word, v.n) == 0; }

/* A count, grouped or not. 0 or -1. */
static int parse_count(span v, int64_t *out) {
    return v.n && urne_num_parse_grouped(v.s, v.n, out) == URNE_NUM_OK ? 0 : -1;
}

/* "P%" or "P.DDD%" (a space before % allowed) as num/den; "A/B". 0 or -1. */
static int parse_share(span v, int64_t *num, int64_t *den) {
    const char *slash = memchr(v.s, '/', v.n);
    if (slash) {
        span a = trim(v.s, (size_t)(slash - v.s)), b = trim(slash + 1, v.n - (size_t)(slash - v.s) - 1);
        return parse_count(a, num) == 0 && parse_count(b, den) == 0 ? 0 : -1;
    }
    if (v.n < 2 || v.s[v.n - 1] != '%') return -1;
    span p = trim(v.s, v.n - 1);
    int64_t n = 0, d = 100;
    int seen_point = 0, digits = 0;
    for (size_t i = 0; i < p.n; i++) {
        char c = p.s[i];
        if (c == '.' || c == ',') { /* "0,5 %" as French writes it */
            if (seen_point) return -1;
            seen_point = 1;
            continue;
        }
        if (c < '0' || c > '9' || digits >= 15) return -1; /* 15 digits: n and d stay far inside int64 */
        n = n * 10 + (c - '0');
        digits++;
        if (seen_point) d *= 10;
    }
    if (digits == 0) return -1;
    *num = n, *den = d;
    return 0;
}

/* A threshold value; `territory` allows "N per-seat" and "given". 0 or -1. */
static int parse_threshold(span v, int territory, urne_initiative_threshold *t) {
    memset(t, 0, sizeof *t);
    if (is(v, "none")) return 0;
    if (territory && is(v, "given")) {
        t->basis = URNE_INITIATIVE_GIVEN;
        return 0;
    }
    const char *suffix = " per-seat";
    size_t sn = strlen(suffix);
    if (territory && v.n > sn && memcmp(v.s + v.n - sn, suffix, sn) == 0) {
        t->basis = URNE_INITIATIVE_PER_SEAT;
        return parse_count(trim(v.s, v.n - sn), &t->count);
    }
    if (parse_share(v, &t->num, &t->den) == 0) {
        t->basis = URNE_INITIATIVE_SHARE;
        return 0;
    }
    t->basis = URNE_INITIATIVE_ABSOLUTE;
    return parse_count(v, &t->count);
}

/* The next word of *v (up to a space), *v advanced past it and its spaces. */
static span next_word(span *v) {
    size_t k = 0;
    while (k < v->n && v->s[k] != ' ') k++;
    span w = {v->s, k};
    *v = trim(v->s + k, v->n - k);
    return w;
}

/* "N months", "N years", "N days", or "N months N days" (also "month", "year",
 * "day"): the window's length. 0 or -1. */
static int parse_window(span v, urne_initiative_rules *r) {
    int64_t months = 0, days = 0;
    int parts = 0;
    while (v.n > 0) {
        span number = next_word(&v), unit = next_word(&v);
        int64_t n;
        if (unit.n == 0 || parse_count(number, &n) < 0 || n > 36600 || ++parts > 2) return -1;
        if (is(unit, "months") || is(unit, "month")) months += n;
        else if (is(unit, "years") || is(unit, "year")) months += n * 12;
        else if (is(unit, "days") || is(unit, "day")) days += n;
        else return -1;
    }
    if (parts == 0 || months > 36600 * 12 || days > 36600) return -1;
    r->window_months = (int)months; /* out of range for the rules, but an int: urne_initiative_rules_check says */
    r->window_days = (int)days;
    return 0;
}

static int parse_text(span v, char *out) {
    if (v.n >= URNE_INITIATIVE_TEXT_MAX) return -1;
    memcpy(out, v.s, v.n);
    out[v.n] = 0;
    return 0;
}

static const char keys[][20] = {"preset", "national", "territory", "territories", "opens", "closes", "window",
                                   "stop-at-threshold", "age-min", "roll", "organisation", "supporters",
                                   "identity"};
#define NKEYS (sizeof keys / sizeof keys[0])

/* Apply one key's value (k indexes keys[]). 0, or -1 with the error added. */
static int apply(size_t k, span v, long line, urne_initiative_rules *r, urne_diags *d) {
    int64_t n = 0;
    int rc = 0;
    switch (k) {
    case 1: rc = parse_threshold(v, 0, &r->national); break;
    case 2: rc = parse_threshold(v, 1, &r->territory); break;
    case 3: rc = parse_threshold(v, 0, &r->territories); break;
    case 4:
    case 5:
        if (urne_initiative_moment_parse(v.s, v.n, k == 4 ? &r->opens_at : &r->closes_at) < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, line, keys[k], RULE_DATE,
                           "'%.*s' is not a date (YYYY-MM-DD) or a UTC moment (YYYY-MM-DDTHH:MM:SSZ)", (int)v.n,
                           v.s);
            return -1;
        }
        return 0;
    case 6: rc = parse_window(v, r); break;
    case 7:
        if (is(v, "yes")) r->stop_at_threshold = 1;
        else if (is(v, "no")) r->stop_at_threshold = 0;
        else rc = -1;
        break;
    case 8:
        rc = parse_count(v, &n);
        if (rc == 0 && n > URNE_INITIATIVE_AGE_MAX) rc = -1;
        if (rc == 0) r->age_min = (int)n;
        break;
    case 9:
    case 10:
        if (parse_text(v, k == 9 ? r->roll_territory : r->organisation) < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, line, keys[k], RULE_TOO_LONG, "%s is longer than %d bytes", keys[k],
                           URNE_INITIATIVE_TEXT_MAX - 1);
            return -1;
        }
        return 0;
    case 12:
        if (is(v, "roll")) r->identity = URNE_INITIATIVE_BY_ROLL;
        else if (is(v, "email")) r->identity = URNE_INITIATIVE_BY_EMAIL;
        else rc = -1;
        break;
    default:
        if (is(v, "public")) r->supporters = URNE_INITIATIVE_PUBLIC;
        else if (is(v, "confidential")) r->supporters = URNE_INITIATIVE_CONFIDENTIAL;
        else rc = -1;
        break;
    }
    if (rc < 0)
        urne_diags_add(d, URNE_DIAG_ERROR, line, keys[k], RULE_VALUE, "'%.*s' is not a valid value for %s", (int)v.n,
                       v.s, keys[k]);
    return rc;
}

/* The key's territory when it is "seats NAME" or "minimum NAME" (*seats set to
 * 1 for seats), else a span of length 0 with s NULL. */
static span figure_key(span key, int *seats) {
    static const char words[2][8] = {"minimum", "seats"}; /* no pointers: read-only in every build (initiative_pure) */
    for (int w = 0; w < 2; w++) {
        size_t n = strlen(words[w]);
        if (key.n >= n && memcmp(key.s, words[w], n) == 0 && (key.n == n || key.s[n] == ' ' || key.s[n] == '\t')) {
            *seats = w;
            return trim(key.s + n, key.n - n);
        }
    }
    span none = {NULL, 0};
    return none;
}

/* Read "seats NAME = N" or "minimum NAME = N" into r's figures. */
static void apply_figure(span name, int seats, span v, long line, urne_initiative_rules *r, urne_diags *d) {
    char field[URNE_INITIATIVE_TEXT_MAX + 8];
    urne_initiative_figure_field(field, sizeof field, seats, name.s, name.n);
    if (name.n == 0 || name.n >= URNE_INITIATIVE_TEXT_MAX) {
        urne_diags_add(d, URNE_DIAG_ERROR, line, field, RULE_NAME,
                       "%s needs a territory's name of 1 to %d bytes: '%s TERRITORY = N'", seats ? "seats" : "minimum",
                       URNE_INITIATIVE_TEXT_MAX - 1, seats ? "seats" : "minimum");
        return;
    }
    int64_t n;
    if (parse_count(v, &n) < 0) {
        urne_diags_add(d, URNE_DIAG_ERROR, line, field, RULE_VALUE, "'%.*s' is not a number for %s", (int)v.n, v.s,
                       field);
        return;
    }
    urne_initiative_figure *f = NULL;
    for (size_t i = 0; i < r->nfigures && f == NULL; i++)
        if (strlen(r->figures[i].territory) == name.n && memcmp(r->figures[i].territory, name.s, name.n) == 0)
            f = &r->figures[i];
    if (f && (seats ? f->seats : f->minimum) >= 0) {
        urne_diags_add(d, URNE_DIAG_ERROR, line, field, RULE_REPEATED, "%s is given twice", field);
        return;
    }
    if (f == NULL && r->nfigures == URNE_INITIATIVE_FIGURES_MAX) {
        urne_diags_add(d, URNE_DIAG_ERROR, line, field, RULE_FIGURES, "the rules give figures to at most %d territories",
                       URNE_INITIATIVE_FIGURES_MAX);
        return;
    }
    if (f == NULL) {
        f = &r->figures[r->nfigures++];
        memcpy(f->territory, name.s, name.n);
        f->territory[name.n] = 0;
        f->seats = f->minimum = -1;
    }
    *(seats ? &f->seats : &f->minimum) = n;
}

/* Read the preset line (k == 0). */
static void apply_preset(span v, long line, int first, urne_initiative_rules *r, urne_diags *d) {
    if (!first) {
        urne_diags_add(d, URNE_DIAG_ERROR, line, "preset", RULE_PRESET_FIRST,
                       "the preset must come first: it sets every rule the lines after it change");
        return;
    }
    char name[URNE_INITIATIVE_TEXT_MAX];
    if (parse_text(v, name) < 0 || urne_initiative_rules_preset(name, r) < 0)
        urne_diags_add(d, URNE_DIAG_ERROR, line, "preset", RULE_PRESET,
                       "'%.*s' is not a preset (49-3-citoyen, rip, local-petition, eci, territories)", (int)v.n, v.s);
}

int urne_initiative_rules_parse(const char *text, size_t len, urne_initiative_rules *out, urne_diags *d) {
    assert(text != NULL && out != NULL && d != NULL);
    memset(out, 0, sizeof *out);
    size_t before = d->errors, pos = 0;
    long line = 0;
    int any = 0;
    unsigned seen = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        span l = {text + pos, end - pos};
        pos = end + 1;
        line++;
        const char *hash = memchr(l.s, '#', l.n);
        if (hash) l.n = (size_t)(hash - l.s);
        l = trim(l.s, l.n);
        if (l.n == 0) continue;
        const char *eq = memchr(l.s, '=', l.n);
        if (!eq) {
            urne_diags_add(d, URNE_DIAG_ERROR, line, NULL, RULE_SYNTAX, "a rule is written key = value");
            any = 1;
            continue;
        }
        span key = trim(l.s, (size_t)(eq - l.s)), v = trim(eq + 1, l.n - (size_t)(eq - l.s) - 1);
        size_t k = 0;
        while (k < NKEYS && !is(key, keys[k])) k++;
        int seats = 0;
        span name = k == NKEYS ? figure_key(key, &seats) : (span){NULL, 0};
        if (name.s != NULL) {
            apply_figure(name, seats, v, line, out, d);
            any = 1;
            continue;
        }
        if (k == NKEYS)
            urne_diags_add(d, URNE_DIAG_ERROR, line, NULL, RULE_KEY, "'%.*s' is not a rule's name", (int)key.n, key.s);
        else if (seen & (1u << k))
            urne_diags_add(d, URNE_DIAG_ERROR, line, keys[k], RULE_REPEATED, "%s is given twice", keys[k]);
        else if (k == 0)
            apply_preset(v, line, !any, out, d);
        else
            apply(k, v, line, out, d);
        if (k < NKEYS) seen |= 1u << k;
        any = 1;
    }
    if (d->errors != before) return -1;
    return urne_initiative_rules_check(out, d);
}

/* Append text to the writer's buffer; the writer counts what it needed. */
typedef struct writer {
    char *buf;
    size_t size, len;
} writer;

static void put(writer *w, const char *text) {
    for (; *text; text++, w->len++)
        if (w->len + 1 < w->size) w->buf[w->len] = *text;
    if (w->size) w->buf[w->len < w->size ? w->len : w->size - 1] = 0;
}

static void put_int(writer *w, int64_t v) {
    char digits[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do digits[n++] = (char)('0' + u % 10), u /= 10;
    while (u);
    if (v < 0) put(w, "-");
    char one[2] = {0, 0};
    while (n) one[0] = digits[--n], put(w, one);
}

static void put_padded(writer *w, int v, int width) {
    char d[8] = {0};
    for (int i = width - 1; i >= 0; i--, v /= 10) d[i] = (char)('0' + v % 10);
    put(w, d);
}

static void put_moment(writer *w, const char *key, int64_t t) {
    urne_initiative_date d = urne_initiative_date_of(t);
    int64_t s = t - urne_initiative_date_moment(d);
    put(w, key);
    put(w, " = ");
    put_padded(w, d.year, 4), put(w, "-"), put_padded(w, d.month, 2), put(w, "-"), put_padded(w, d.day, 2);
    put(w, "T"), put_padded(w, (int)(s / 3600), 2), put(w, ":"), put_padded(w, (int)(s / 60 % 60), 2);
    put(w, ":"), put_padded(w, (int)(s % 60), 2), put(w, "Z\n");
}

static void put_threshold(writer *w, const char *key, const urne_initiative_threshold *t) {
    char text[64];
    urne_initiative_threshold_text(t, text, sizeof text);
    put(w, key), put(w, " = "), put(w, text), put(w, "\n");
}

size_t urne_initiative_rules_write(const urne_initiative_rules *r, char *buf, size_t size) {
    assert(r != NULL && (buf != NULL || size == 0));
    writer w = {buf, size, 0};
    if (r->preset[0]) put(&w, "preset = "), put(&w, r->preset), put(&w, "\n");
    put_threshold(&w, "national", &r->national);
    put_threshold(&w, "territory", &r->territory);
    put_threshold(&w, "territories", &r->territories);
    if (r->opens_at) put_moment(&w, "opens", r->opens_at);
    if (r->closes_at) put_moment(&w, "closes", r->closes_at);
    if (r->window_months || r->window_days) {
        put(&w, "window =");
        if (r->window_months) put(&w, " "), put_int(&w, r->window_months), put(&w, " months");
        if (r->window_days) put(&w, " "), put_int(&w, r->window_days), put(&w, " days");
        put(&w, "\n");
    }
    put(&w, r->stop_at_threshold ? "stop-at-threshold = yes\n" : "stop-at-threshold = no\n");
    put(&w, "age-min = "), put_int(&w, r->age_min), put(&w, "\n");
    if (r->roll_territory[0]) put(&w, "roll = "), put(&w, r->roll_territory), put(&w, "\n");
    if (r->organisation[0]) put(&w, "organisation = "), put(&w, r->organisation), put(&w, "\n");
    put(&w, r->supporters == URNE_INITIATIVE_PUBLIC ? "supporters = public\n" : "supporters = confidential\n");
    if (r->identity == URNE_INITIATIVE_BY_EMAIL) put(&w, "identity = email\n"); /* roll: every text before it */
    for (size_t i = 0; i < r->nfigures; i++) {
        const urne_initiative_figure *f = &r->figures[i];
        if (f->seats >= 0) put(&w, "seats "), put(&w, f->territory), put(&w, " = "), put_int(&w, f->seats), put(&w, "\n");
        if (f->minimum >= 0)
            put(&w, "minimum "), put(&w, f->territory), put(&w, " = "), put_int(&w, f->minimum), put(&w, "\n");
    }
    return w.len;
}
