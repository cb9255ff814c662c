/*
 * initiative rules: the presets, the thresholds' arithmetic and the rules' checks
 * (see rules.h). The rules text's reader is rules_text.c.
 *
 * A threshold is resolved in 128 bits and refused when it does not fit in int64,
 * never wrapped: with num <= den a SHARE never exceeds its base, but seats * count
 * may, and a wrong answer there would say an initiative succeeded.
 */
#include <assert.h>
#include <string.h>

#include "../core/urne_num.h"
#include "calendar.h"
#include "rules.h"

/* The rules' codes (urne_diag.rule). */
#define RULE_BASIS "basis-not-allowed"          /* a basis this threshold cannot have */
#define RULE_POSITIVE "must-be-positive"        /* an ABSOLUTE or PER_SEAT count <= 0 */
#define RULE_SHARE "share-out-of-range"         /* num <= 0, den <= 0 or num > den */
#define RULE_NOTHING "no-threshold"             /* no national nor territory threshold */
#define RULE_TERRITORIES "territories-without-minimum" /* territories counted but no minimum */
#define RULE_WINDOW "window-missing"            /* neither a close date nor a length */
#define RULE_ORDER "closes-before-opens"
#define RULE_LENGTH "window-out-of-range"       /* months or days negative or absurd */
#define RULE_AGE "age-out-of-range"
#define RULE_FLAG "not-a-flag"
#define RULE_EMAIL "email-counts-only"             /* identity = email with a share, minimums or a roll */
#define RULE_TEXT "text-character"              /* a roll or organisation the rules text cannot hold */
#define RULE_FIGURE_UNUSED "figure-unused"      /* seats without "per-seat", a minimum without "given" */
#define RULE_FIGURES "too-many-figures"         /* past URNE_INITIATIVE_FIGURES_MAX territories */

static void text_copy(char *dst, const char *src) {
    size_t n = strlen(src);
    if (n >= URNE_INITIATIVE_TEXT_MAX) n = URNE_INITIATIVE_TEXT_MAX - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static urne_initiative_threshold share(int64_t num, int64_t den) {
    urne_initiative_threshold t = {URNE_INITIATIVE_SHARE, 0, num, den};
    return t;
}

static urne_initiative_threshold absolute(int64_t count) {
    urne_initiative_threshold t = {URNE_INITIATIVE_ABSOLUTE, count, 0, 0};
    return t;
}

static const char preset_names[][16] = {"49-3-citoyen", "rip", "local-petition", "eci", "territories"};
#define NPRESETS (sizeof preset_names / sizeof preset_names[0])

const char *urne_initiative_preset_name(size_t i) { return i < NPRESETS ? preset_names[i] : NULL; }

int urne_initiative_rules_preset(const char *name, urne_initiative_rules *out) {
    assert(name != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    size_t i = 0;
    while (i < NPRESETS && strcmp(name, preset_names[i]) != 0) i++;
    if (i == NPRESETS) return -1;
    text_copy(out->preset, name);
    out->age_min = 18;
    out->window_months = 12;
    out->supporters = URNE_INITIATIVE_CONFIDENTIAL;
    switch (i) {
    case 0: /* 49-3-citoyen */
        out->national = share(1, 100);
        out->stop_at_threshold = 1;
        break;
    case 1: /* rip */
        out->national = share(10, 100);
        out->window_months = 9;
        out->supporters = URNE_INITIATIVE_PUBLIC;
        break;
    case 2: /* local-petition */
        out->national = share(1, 5);
        out->stop_at_threshold = 1;
        break;
    case 3: /* eci */
        out->national = absolute(1000000);
        out->territory.basis = URNE_INITIATIVE_PER_SEAT;
        out->territory.count = 720;
        out->territories = absolute(7);
        break;
    default: /* territories */
        out->national = share(1, 100);
        out->territory = share(1, 100);
        out->territories = share(1, 2);
        out->stop_at_threshold = 1;
        break;
    }
    return 0;
}

urne_initiative_resolve_status urne_initiative_threshold_resolve(const urne_initiative_threshold *t, int64_t base,
                                                                 int64_t seats, int64_t given, int64_t *out) {
    assert(t != NULL && out != NULL && base >= 0);
    urne_wide v = 0;
    switch (t->basis) {
    case URNE_INITIATIVE_NONE: v = 0; break;
    case URNE_INITIATIVE_ABSOLUTE: v = t->count; break;
    case URNE_INITIATIVE_SHARE:
        assert(t->num > 0 && t->den > 0 && t->num <= t->den);
        v = ((urne_wide)base * t->num + t->den - 1) / t->den; /* rounded up, as a law reads it */
        break;
    case URNE_INITIATIVE_PER_SEAT:
        if (seats < 0) return URNE_INITIATIVE_RESOLVE_NO_SEATS;
        v = (urne_wide)seats * t->count;
        break;
    case URNE_INITIATIVE_GIVEN:
        if (given < 0) return URNE_INITIATIVE_RESOLVE_NO_GIVEN;
        v = given;
        break;
    }
    if (v > INT64_MAX) return URNE_INITIATIVE_RESOLVE_OVERFLOW;
    *out = (int64_t)v;
    return URNE_INITIATIVE_RESOLVED;
}

/* Check one threshold against the bases it may have (a bit per basis). */
static int check_threshold(const urne_initiative_threshold *t, const char *field, unsigned allowed, urne_diags *d) {
    if (!(allowed & (1u << t->basis))) {
        urne_diags_add(d, URNE_DIAG_ERROR, 0, field, RULE_BASIS, "%s cannot be given this way here", field);
        return -1;
    }
    if ((t->basis == URNE_INITIATIVE_ABSOLUTE || t->basis == URNE_INITIATIVE_PER_SEAT) && t->count <= 0) {
        urne_diags_add(d, URNE_DIAG_ERROR, 0, field, RULE_POSITIVE, "%s must be a positive number, not %lld", field,
                       (long long)t->count);
        return -1;
    }
    if (t->basis == URNE_INITIATIVE_SHARE && (t->num <= 0 || t->den <= 0 || t->num > t->den)) {
        urne_diags_add(d, URNE_DIAG_ERROR, 0, field, RULE_SHARE,
                       "%s must be a share above 0 and at most 100 %%, not %lld/%lld", field, (long long)t->num,
                       (long long)t->den);
        return -1;
    }
    return 0;
}

#define BIT(b) (1u << (b))

static int check_window(const urne_initiative_rules *r, urne_diags *d) {
    int bad = 0;
    if (r->window_months < 0 || r->window_days < 0 || r->window_months > 1200 || r->window_days > 36600) {
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "window", RULE_LENGTH,
                       "the collection window (%d months, %d days) must be of 0 to 1200 months and 0 to 36600 days",
                       r->window_months, r->window_days);
        bad = -1;
    }
    if (r->closes_at == 0 && r->window_months == 0 && r->window_days == 0) {
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "window", RULE_WINDOW,
                       "the collection window needs a closing date or a length");
        bad = -1;
    }
    if (r->opens_at != 0 && r->closes_at != 0 && r->closes_at <= r->opens_at) {
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "closes", RULE_ORDER,
                       "the collection must close after it opens");
        bad = -1;
    }
    return bad;
}

/* A roll's or an organisation's name as the rules text holds it: no control
 * character, no '#' (a comment there), no blank at either end (trimmed there). */
static void check_text(const char *text, const char *field, urne_diags *d) {
    size_t n = strlen(text);
    int bad = n > 0 && (text[0] == ' ' || text[n - 1] == ' ');
    for (size_t i = 0; i < n; i++) bad |= (unsigned char)text[i] < 0x20 || text[i] == 0x7F || text[i] == '#';
    if (bad)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, field, RULE_TEXT,
                       "%s must not hold a control character or '#', nor begin or end with a space", field);
}

int urne_initiative_rules_need_figures(const urne_initiative_rules *r) {
    assert(r != NULL);
    return r->territory.basis == URNE_INITIATIVE_PER_SEAT || r->territory.basis == URNE_INITIATIVE_GIVEN;
}

const urne_initiative_figure *urne_initiative_rules_figure(const urne_initiative_rules *r, const char *name) {
    assert(r != NULL && name != NULL);
    for (size_t i = 0; i < r->nfigures; i++)
        if (strcmp(r->figures[i].territory, name) == 0) return &r->figures[i];
    return NULL;
}

void urne_initiative_figure_field(char *out, size_t size, int seats, const char *name, size_t n) {
    const char *word = seats ? "seats" : "minimum";
    size_t w = strlen(word), k = 0;
    assert(size > w + 1);
    memcpy(out, word, w), k = w;
    if (n > 0) out[k++] = ' ';
    if (n > size - k - 1) n = size - k - 1;
    memcpy(out + k, name, n);
    out[k + n] = 0;
}

/* The territories' figures: named as a roll's territory can be, positive, and
 * of the kind the territory's rule uses (one it does not use would be silently
 * ignored otherwise). */
static void check_figures(const urne_initiative_rules *r, urne_diags *d) {
    if (r->nfigures > URNE_INITIATIVE_FIGURES_MAX) {
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "territory", RULE_FIGURES, "more than %d territories' figures",
                       URNE_INITIATIVE_FIGURES_MAX);
        return;
    }
    for (size_t i = 0; i < r->nfigures; i++) {
        const urne_initiative_figure *f = &r->figures[i];
        char field[URNE_INITIATIVE_TEXT_MAX + 8];
        int has_seats = f->seats >= 0;
        size_t n = 0;
        while (n < URNE_INITIATIVE_TEXT_MAX && f->territory[n]) n++;
        urne_initiative_figure_field(field, sizeof field, has_seats, f->territory, n);
        int bad = n == 0 || n == URNE_INITIATIVE_TEXT_MAX || f->territory[0] == ' ' || f->territory[n - 1] == ' ';
        for (size_t k = 0; k < n; k++)
            bad |= (unsigned char)f->territory[k] < 0x20 || f->territory[k] == 0x7F || f->territory[k] == '#' ||
                   f->territory[k] == '=';
        if (bad)
            urne_diags_add(d, URNE_DIAG_ERROR, 0, field, RULE_TEXT,
                           "a territory's name must be 1 to %d bytes, without a control character, '#' or '=', nor "
                           "begin or end with a space",
                           URNE_INITIATIVE_TEXT_MAX - 1);
        if ((!has_seats && f->minimum < 0) || f->seats == 0 || f->minimum == 0 || f->seats < -1 || f->minimum < -1)
            urne_diags_add(d, URNE_DIAG_ERROR, 0, field, RULE_POSITIVE, "%s must be a positive number", field);
        if (has_seats && r->territory.basis != URNE_INITIATIVE_PER_SEAT)
            urne_diags_add(d, URNE_DIAG_ERROR, 0, field, RULE_FIGURE_UNUSED,
                           "territory %s's seats are used only by a minimum per seat (territory = 720 per-seat)",
                           f->territory);
        if (f->minimum >= 0 && r->territory.basis != URNE_INITIATIVE_GIVEN)
            urne_diags_add(d, URNE_DIAG_ERROR, 0, field, RULE_FIGURE_UNUSED,
                           "territory %s's own minimum is used only when the minimums are given (territory = given)",
                           f->territory);
    }
}

int urne_initiative_rules_check(const urne_initiative_rules *r, urne_diags *d) {
    assert(r != NULL && d != NULL);
    size_t before = d->errors;
    unsigned counts = BIT(URNE_INITIATIVE_NONE) | BIT(URNE_INITIATIVE_ABSOLUTE) | BIT(URNE_INITIATIVE_SHARE);
    unsigned any = counts | BIT(URNE_INITIATIVE_PER_SEAT) | BIT(URNE_INITIATIVE_GIVEN);
    check_threshold(&r->national, "national", counts, d);
    check_threshold(&r->territory, "territory", any, d);
    check_threshold(&r->territories, "territories", counts, d);
    if (r->national.basis == URNE_INITIATIVE_NONE && r->territory.basis == URNE_INITIATIVE_NONE)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "national", RULE_NOTHING,
                       "an initiative needs a national threshold or a minimum per territory");
    if (r->territories.basis != URNE_INITIATIVE_NONE && r->territory.basis == URNE_INITIATIVE_NONE)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "territories", RULE_TERRITORIES,
                       "a number of territories to reach their minimum needs a minimum per territory");
    check_window(r, d);
    if (r->age_min < 0 || r->age_min > URNE_INITIATIVE_AGE_MAX)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "age-min", RULE_AGE, "the minimum age must be from 0 to %d, not %d",
                       URNE_INITIATIVE_AGE_MAX, r->age_min);
    if (r->stop_at_threshold != 0 && r->stop_at_threshold != 1)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "stop-at-threshold", RULE_FLAG, "%s must be yes or no",
                       "stop-at-threshold");
    check_text(r->roll_territory, "roll", d);
    check_text(r->organisation, "organisation", d);
    check_figures(r, d);
    if (r->identity != URNE_INITIATIVE_BY_ROLL && r->identity != URNE_INITIATIVE_BY_EMAIL)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "identity", RULE_FLAG, "identity must be roll or email");
    /* Without a roll the electorate is unknown: only counts of signatures. */
    if (r->identity == URNE_INITIATIVE_BY_EMAIL &&
        (r->national.basis == URNE_INITIATIVE_SHARE || r->territory.basis != URNE_INITIATIVE_NONE ||
         r->territories.basis != URNE_INITIATIVE_NONE || r->roll_territory[0]))
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "identity", RULE_EMAIL,
                       "confirmation by e-mail knows no electorate: the national threshold must be a number of "
                       "signatures (national = 500), with no minimum per territory and no roll");
    return d->errors == before ? 0 : -1;
}

int urne_initiative_rules_close(const urne_initiative_rules *r, int64_t opens_at, int64_t *out) {
    assert(r != NULL && out != NULL);
    if (r->closes_at != 0) {
        *out = r->closes_at;
        return 0;
    }
    if (r->window_months == 0 && r->window_days == 0) return -1;
    urne_initiative_date start = urne_initiative_date_of(opens_at), end;
    int64_t time_of_day = opens_at - urne_initiative_date_moment(start);
    if (urne_initiative_date_add_months(start, r->window_months, &end) < 0) return -1;
    int64_t days = urne_initiative_date_days(end) + r->window_days;
    if (urne_initiative_date_from_days(days).year > 9999) return -1;
    *out = days * URNE_INITIATIVE_DAY_SECONDS + time_of_day;
    return 0;
}

/* den a power of ten of 100 or more: num/den as a percentage with as many decimals
 * as den has zeros past 100, trailing zeros kept ("5.0%" is 50/1000), so that the
 * text reads back into the same num and den. */
static int write_percent(int64_t num, int64_t den, char *out) {
    int decimals = -2;
    int64_t p = den;
    while (p % 10 == 0) p /= 10, decimals++;
    if (p != 1 || decimals < 0) return -1;
    int64_t scale = den / 100; /* 10^decimals */
    size_t k = urne_num_write(num / scale, out);
    if (decimals > 0) {
        out[k++] = '.';
        int64_t frac = num % scale;
        for (int64_t s = scale / 10; s > 0; s /= 10) out[k++] = (char)('0' + frac / s % 10);
    }
    out[k++] = '%';
    out[k] = 0;
    return 0;
}

void urne_initiative_threshold_text(const urne_initiative_threshold *t, char *buf, size_t size) {
    assert(t != NULL && buf != NULL && size >= 48);
    size_t k;
    switch (t->basis) {
    case URNE_INITIATIVE_NONE: strcpy(buf, "none"); break;
    case URNE_INITIATIVE_GIVEN: strcpy(buf, "given"); break;
    case URNE_INITIATIVE_ABSOLUTE: urne_num_write(t->count, buf); break;
    case URNE_INITIATIVE_PER_SEAT:
        k = urne_num_write(t->count, buf);
        strcpy(buf + k, " per-seat");
        break;
    case URNE_INITIATIVE_SHARE:
        if (write_percent(t->num, t->den, buf) == 0) break;
        k = urne_num_write(t->num, buf);
        buf[k++] = '/';
        urne_num_write(t->den, buf + k);
        break;
    }
}
