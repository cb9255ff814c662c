/*
 * i18n: lookups in a compiled gettext catalogue, and numbers and moments as
 * French and English readers write them.
 *
 * The catalogue is msgfmt's .mo file, built into the program as bytes
 * (catalog_fr.c, generated at build). Its table of original strings is sorted, so
 * a lookup is a binary search over it, in place: nothing is parsed at start, nothing
 * is allocated, and any number of threads may look up at once.
 *
 * Moments: the store keeps UTC; a French page shows the time of the place where
 * the vote is held. The few zones French elections use are known here with their
 * rules, rather than read from the machine's tzdata (which a minimal server may
 * lack, and which localtime() would read through the process-wide TZ).
 */
#define _DEFAULT_SOURCE /* timegm */
#include "i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const unsigned char urne_catalog_fr[];
extern const size_t urne_catalog_fr_size;

/* ---- the .mo catalogue ---- */

#define MO_MAGIC 0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U

static uint32_t word_at(const unsigned char *mo, size_t off, int swapped) {
    uint32_t w;
    memcpy(&w, mo + off, sizeof w);
    if (swapped) w = (w >> 24) | ((w >> 8) & 0xff00U) | ((w << 8) & 0xff0000U) | (w << 24);
    return w;
}

/* The translation of key (a msgid) in the catalogue mo[0..size), and its length
 * (the bytes may hold several NUL-separated plural forms); NULL when absent or
 * when the catalogue is damaged. */
static const char *mo_find(const unsigned char *mo, size_t size, const char *key, uint32_t *len) {
    if (size < 28) return NULL;
    uint32_t magic;
    memcpy(&magic, mo, sizeof magic);
    if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED) return NULL;
    int swapped = magic == MO_MAGIC_SWAPPED;
    uint32_t n = word_at(mo, 8, swapped), originals = word_at(mo, 12, swapped),
             translations = word_at(mo, 16, swapped);
    if ((uint64_t)originals + 8ULL * n > size || (uint64_t)translations + 8ULL * n > size) return NULL;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t olen = word_at(mo, originals + 8 * mid, swapped), ooff = word_at(mo, originals + 8 * mid + 4, swapped);
        if ((uint64_t)ooff + olen >= size) return NULL;
        int cmp = strcmp(key, (const char *)mo + ooff);
        if (cmp == 0) {
            uint32_t tlen = word_at(mo, translations + 8 * mid, swapped),
                     toff = word_at(mo, translations + 8 * mid + 4, swapped);
            if ((uint64_t)toff + tlen >= size || tlen == 0) return NULL;
            *len = tlen;
            return (const char *)mo + toff;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *urne_i18n_text(urne_lang lang, const char *msgid) {
    if (lang != URNE_LANG_FR || msgid == NULL || msgid[0] == '\0') return msgid;
    uint32_t len;
    const char *t = mo_find(urne_catalog_fr, urne_catalog_fr_size, msgid, &len);
    return t ? t : msgid;
}

const char *urne_i18n_ctext(urne_lang lang, const char *ctx, const char *msgid) {
    if (lang != URNE_LANG_FR || msgid == NULL || msgid[0] == '\0') return msgid;
    /* A context's key in the .mo is "ctx\004msgid". */
    char key[512];
    int n = snprintf(key, sizeof key, "%s\004%s", ctx, msgid);
    if (n < 0 || (size_t)n >= sizeof key) return msgid;
    uint32_t len;
    const char *t = mo_find(urne_catalog_fr, urne_catalog_fr_size, key, &len);
    return t ? t : msgid;
}

const char *urne_i18n_plural(urne_lang lang, const char *singular, const char *plural, unsigned long n) {
    if (lang != URNE_LANG_FR) return n == 1 ? singular : plural;
    uint32_t len;
    const char *t = mo_find(urne_catalog_fr, urne_catalog_fr_size, singular, &len);
    if (t == NULL) return n == 1 ? singular : plural;
    /* French: one form for 0 and 1, the other beyond (Plural-Forms: plural=(n > 1)). */
    if (n > 1) {
        size_t first = strlen(t);
        if (first + 1 < len) return t + first + 1;
    }
    return t;
}

/* ---- languages ---- */

int urne_i18n_parse(const char *tag, urne_lang *lang) {
    if (tag == NULL) return -1;
    while (*tag == ' ') tag++;
    if (strncasecmp(tag, "fr", 2) == 0 && !((tag[2] >= 'a' && tag[2] <= 'z') || (tag[2] >= 'A' && tag[2] <= 'Z'))) {
        *lang = URNE_LANG_FR;
        return 0;
    }
    if (strncasecmp(tag, "en", 2) == 0 && !((tag[2] >= 'a' && tag[2] <= 'z') || (tag[2] >= 'A' && tag[2] <= 'Z'))) {
        *lang = URNE_LANG_EN;
        return 0;
    }
    return -1;
}

urne_lang urne_i18n_from_env(const char *language, const char *lc_all, const char *lc_messages, const char *lang) {
    urne_lang l;
    /* LANGUAGE is a colon-separated list of preferences: the first urne speaks wins. */
    if (language && *language) {
        const char *s = language;
        while (*s) {
            if (urne_i18n_parse(s, &l) == 0) return l;
            const char *colon = strchr(s, ':');
            if (colon == NULL) break;
            s = colon + 1;
        }
    }
    const char *order[] = {lc_all, lc_messages, lang};
    for (size_t i = 0; i < 3; i++)
        if (order[i] && *order[i]) return urne_i18n_parse(order[i], &l) == 0 ? l : URNE_LANG_EN;
    return URNE_LANG_EN;
}

/* ---- numbers ---- */

static const urne_phrase_style french = {"\u202f", ","};
static const urne_phrase_style english = {",", "."};

const urne_phrase_style *urne_i18n_style(urne_lang lang) { return lang == URNE_LANG_FR ? &french : &english; }

size_t urne_i18n_phrase(urne_lang lang, const urne_phrase *p, char *buf, size_t size) {
    return urne_phrase_write(p, urne_i18n_text(lang, p->fmt), urne_i18n_style(lang), buf, size);
}

/* A number alone, as a phrase of one argument: not a message, so kept out of the
 * catalogue (po/extract.sh takes urne_phrase_set's literal formats as messages). */
static const char number_only[] = "%lld", text_only[] = "%s";

char *urne_i18n_int(urne_lang lang, int64_t n, char *buf, size_t size) {
    urne_phrase p;
    urne_phrase_set(&p, number_only, (long long)n);
    urne_phrase_write(&p, NULL, urne_i18n_style(lang), buf, size);
    return buf;
}

char *urne_i18n_decimal(urne_lang lang, const char *decimal, char *buf, size_t size) {
    urne_phrase p;
    urne_phrase_set(&p, text_only, decimal);
    urne_phrase_write(&p, NULL, urne_i18n_style(lang), buf, size);
    return buf;
}

void urne_i18n_diag(urne_lang lang, const urne_diags *diags, const urne_diag *d, char *buf, size_t size) {
    char where[320], message[600];
    const char *file = diags->file ? diags->file : "<input>";
    if (d->line > 0)
        snprintf(where, sizeof where, "%s:%ld", file, d->line);
    else
        snprintf(where, sizeof where, "%s", file);
    /* English: the engine's own text, exactly as urne_diag_format writes it. French:
     * the translation, its numbers grouped and its decimals written as French readers
     * write them ("1 155 604", "26,58"). */
    if (d->phrase.fmt)
        urne_phrase_write(&d->phrase, urne_i18n_text(lang, d->phrase.fmt), lang == URNE_LANG_FR ? &french : NULL,
                          message, sizeof message);
    else
        snprintf(message, sizeof message, "%s", d->message);
    const char *sev = d->severity == URNE_DIAG_ERROR ? urne_i18n_text(lang, "error") : urne_i18n_text(lang, "warning");
    if (d->field[0] != '\0')
        snprintf(buf, size, urne_i18n_text(lang, "%s: %s: field '%s': %s [%s]"), where, sev, d->field, message,
                 d->rule);
    else
        snprintf(buf, size, urne_i18n_text(lang, "%s: %s: %s [%s]"), where, sev, message, d->rule);
}

size_t urne_i18n_diags_text(urne_lang lang, const urne_diags *diags, size_t max, char *buf, size_t size) {
    size_t used = 0;
    char part[700];
#define ADD(...)                                                                  \
    do {                                                                          \
        int k = snprintf(part, sizeof part, __VA_ARGS__);                         \
        if (k > 0 && used < size) snprintf(buf + used, size - used, "%s", part); \
        used += k > 0 ? (size_t)k : 0;                                            \
    } while (0)
    if (size) buf[0] = '\0';
    ADD(urne_i18n_text(lang, "%zu error(s) in %s:"), diags->errors, diags->file ? diags->file : "<input>");
    size_t shown = 0;
    for (size_t i = 0; i < diags->count && shown < max; i++, shown++) {
        char line[600];
        urne_i18n_diag(lang, diags, &diags->items[i], line, sizeof line);
        ADD("\n%s", line);
    }
    if (diags->errors + diags->warnings > shown)
        ADD(urne_i18n_text(lang, "\n(and %zu more)"), diags->errors + diags->warnings - shown);
#undef ADD
    return used;
}

/* ---- moments ---- */

/* Seconds since the epoch of the n-th (1-based; 0 = last) Sunday of month (1-12)
 * of year, at hour:00 UTC. */
static time_t sunday_utc(int year, int month, int nth, int hour) {
    struct tm t = {0};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = 1;
    t.tm_hour = hour;
    time_t first = timegm(&t);
    struct tm g;
    gmtime_r(&first, &g);
    int first_sunday = 1 + (7 - g.tm_wday) % 7;
    int day;
    if (nth > 0) {
        day = first_sunday + 7 * (nth - 1);
    } else {
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int last = days[month - 1] + (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));
        day = first_sunday;
        while (day + 7 <= last) day += 7;
    }
    return first + (time_t)(day - 1) * 86400;
}

/* Seconds since the epoch of a clock reading taken as UTC (out-of-range fields
 * roll over, as timegm does). */
static time_t clock_as_utc(int year, int month, int day, int hour, int minute, int second) {
    struct tm t = {0};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_hour = hour;
    t.tm_min = minute;
    t.tm_sec = second;
    return timegm(&t);
}

typedef struct zone {
    const char *name;
    long standard;  /* seconds east of UTC */
    char rule;      /* 'E' EU summer time, 'A' North American, 0 none */
    const char *fr, *en; /* how a page names its time */
} zone;

static const zone zones[] = {
    {"Europe/Paris", 3600, 'E', "heure de Paris", "Paris time"},
    {"UTC", 0, 0, "temps universel (UTC)", "UTC"},
    {"Etc/UTC", 0, 0, "temps universel (UTC)", "UTC"},
    {"America/Guadeloupe", -14400, 0, "heure de la Guadeloupe", "Guadeloupe time"},
    {"America/Martinique", -14400, 0, "heure de la Martinique", "Martinique time"},
    {"America/St_Barthelemy", -14400, 0, "heure de Saint-Barthélemy", "Saint-Barthélemy time"},
    {"America/Marigot", -14400, 0, "heure de Saint-Martin", "Saint-Martin time"},
    {"America/Cayenne", -10800, 0, "heure de la Guyane", "French Guiana time"},
    {"America/Miquelon", -10800, 'A', "heure de Saint-Pierre-et-Miquelon", "Saint-Pierre and Miquelon time"},
    {"Indian/Reunion", 14400, 0, "heure de La Réunion", "Réunion time"},
    {"Indian/Mayotte", 10800, 0, "heure de Mayotte", "Mayotte time"},
    {"Pacific/Noumea", 39600, 0, "heure de Nouméa", "Nouméa time"},
    {"Pacific/Tahiti", -36000, 0, "heure de Tahiti", "Tahiti time"},
    {"Pacific/Wallis", 43200, 0, "heure de Wallis-et-Futuna", "Wallis and Futuna time"},
};
#define NZONES (sizeof zones / sizeof zones[0])

/* The zone named, or NULL. */
static const zone *zone_find(const char *name) {
    for (size_t i = 0; name && i < NZONES; i++)
        if (strcmp(zones[i].name, name) == 0) return &zones[i];
    return NULL;
}

int urne_i18n_zone_known(const char *name) {
    return zone_find(name) != NULL;
}

const char *urne_i18n_zone_at(size_t i) {
    return i < NZONES ? zones[i].name : NULL;
}

const char *urne_i18n_zone_label(urne_lang lang, const char *name) {
    const zone *z = zone_find(name);
    return z == NULL ? NULL : lang == URNE_LANG_FR ? z->fr : z->en;
}

long urne_i18n_zone_offset(const char *name, time_t utc, int *known) {
    const zone *z = zone_find(name);
    *known = z != NULL || name == NULL;
    if (z == NULL) z = &zones[0];
    struct tm g;
    gmtime_r(&utc, &g);
    int year = g.tm_year + 1900;
    if (z->rule == 'E' && utc >= sunday_utc(year, 3, 0, 1) && utc < sunday_utc(year, 10, 0, 1))
        return z->standard + 3600;
    /* North America: 2:00 local standard time on March's second Sunday to 2:00 local
     * summer time on November's first Sunday (UTC-3 zone: 05:00 and 04:00 UTC). */
    if (z->rule == 'A' && utc >= sunday_utc(year, 3, 2, 2) - z->standard &&
        utc < sunday_utc(year, 11, 1, 2) - z->standard - 3600)
        return z->standard + 3600;
    return z->standard;
}

char *urne_i18n_moment(urne_lang lang, const char *iso, const char *zone_name, char *buf, size_t size) {
    int y, mo, d, h, mi, s = 0;
    char sep;
    if (iso == NULL || sscanf(iso, "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s) < 6 ||
        (sep != 'T' && sep != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) {
        snprintf(buf, size, "%s", iso ? iso : "");
        return buf;
    }
    time_t utc = clock_as_utc(y, mo, d, h, mi, s);
    int known;
    time_t local = utc + urne_i18n_zone_offset(zone_name, utc, &known);
    struct tm l;
    gmtime_r(&local, &l);
    static const char *fr_months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                      "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    static const char *en_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
    if (lang == URNE_LANG_FR)
        /* The hour never cut at a line's end: no-break spaces around its "h". */
        snprintf(buf, size, "%d%s %s %d à %d\u00a0h\u00a0%02d", l.tm_mday, l.tm_mday == 1 ? "er" : "", fr_months[l.tm_mon],
                 l.tm_year + 1900, l.tm_hour, l.tm_min);
    else
        snprintf(buf, size, "%d %s %d, %02d:%02d", l.tm_mday, en_months[l.tm_mon], l.tm_year + 1900, l.tm_hour,
                 l.tm_min);
    return buf;
}

/* p past blanks (spaces and no-break spaces, as a French keyboard or a paste gives them). */
static const char *skip_blanks(const char *p) {
    for (;;) {
        if (*p == ' ')
            p++;
        else if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
            p += 2; /* U+00A0 */
        else if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xAF)
            p += 3; /* U+202F */
        else
            return p;
    }
}

/* "DD/MM/YYYY[ à| at] HH:MM" (or "HH h MM", "HHhMM") rewritten as "YYYY-MM-DDTHH:MM"
 * into iso: 0, or -1 when text is not of that shape (its figures are checked
 * by the ISO reading). */
static int day_first_as_iso(const char *text, char iso[32]) {
    int d, mo, y, h, mi, used = 0;
    if (sscanf(text, "%2d/%2d/%4d%n", &d, &mo, &y, &used) != 3 || used != 10 || d < 0 || mo < 0 || y < 0) return -1;
    const char *p = skip_blanks(text + used);
    if (p == text + used) return -1; /* the date and the hour apart */
    if (strncmp(p, "\xc3\xa0", 2) == 0) p = skip_blanks(p + 2); /* "à" */
    else if (strncmp(p, "at ", 3) == 0) p = skip_blanks(p + 3);
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1])) return -1;
    h = (p[0] - '0') * 10 + (p[1] - '0');
    p += 2;
    if (*p == ':')
        p++;
    else {
        p = skip_blanks(p);
        if (*p != 'h' && *p != 'H') return -1;
        p = skip_blanks(p + 1);
    }
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || *skip_blanks(p + 2) != '\0') return -1;
    mi = (p[0] - '0') * 10 + (p[1] - '0');
    /* Each figure within its digits (sscanf's widths), said so for the compiler's sake. */
    snprintf(iso, 32, "%04u-%02u-%02uT%02u:%02u", (unsigned)y % 10000u, (unsigned)mo % 100u, (unsigned)d % 100u,
             (unsigned)h % 100u, (unsigned)mi % 100u);
    return 0;
}

int urne_i18n_moment_utc(const char *text, const char *zone_name, char out[24]) {
    int y, mo, d, h, mi, sec = 0, used = 0;
    char sep;
    out[0] = '\0';
    char iso[32];
    if (text && day_first_as_iso(text, iso) == 0) return urne_i18n_moment_utc(iso, zone_name, out);
    if (text == NULL || sscanf(text, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &used) != 6 ||
        (sep != 'T' && sep != ' '))
        return -1;
    const char *rest = text + used;
    if (rest[0] == ':') {
        int more = 0;
        if (sscanf(rest, ":%2d%n", &sec, &more) != 1 || more != 3) return -1;
        rest += more;
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
        sec > 59)
        return -1;
    time_t wall = clock_as_utc(y, mo, d, h, mi, sec); /* the written clock reading, as if it were UTC */
    struct tm back;
    gmtime_r(&wall, &back);
    if (back.tm_mday != d || back.tm_mon != mo - 1) return -1; /* 31 April, 29 February 2027 */
    time_t utc;
    if (rest[0] == 'Z' && rest[1] == '\0') {
        utc = wall;
    } else if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) <= 6) {
        int oh, om, n = 0;
        if (!(sscanf(rest + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5) &&
            !(sscanf(rest + 1, "%2d%2d%n", &oh, &om, &n) == 2 && n == 4))
            return -1;
        if (oh > 14 || om > 59) return -1;
        long offset = (oh * 3600L + om * 60L) * (rest[0] == '-' ? -1 : 1);
        utc = wall - offset;
    } else if (rest[0] == '\0') {
        int known;
        /* The offset at the instant the reading would be an hour before, then again at
         * the instant that gives: right everywhere but in the hour summer time moves. */
        long offset = urne_i18n_zone_offset(zone_name, wall - 3600, &known);
        offset = urne_i18n_zone_offset(zone_name, wall - offset, &known);
        utc = wall - offset;
    } else {
        return -1;
    }
    struct tm u;
    gmtime_r(&utc, &u);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &u);
    return 0;
}
