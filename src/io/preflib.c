/*
 * preflib: PrefLib's ordinal and categorical formats (2022 layout).
 *
 *   # NUMBER ALTERNATIVES: 4
 *   # ALTERNATIVE NAME 1: Branden Robinson
 *   100: 3,1,2,4
 *   12: 1,{2,3}
 *
 * Categorical (.cat, "# NUMBER CATEGORIES"): "13: {9,10},{1,2,...}" puts each voter's
 * candidates in categories, best first; they are read as ranks, the last category left
 * unranked, so that approval ballots (Yes, No) approve exactly their Yes candidates.
 *
 * PrefLib defines a count as the number of voters who cast that order: a positive
 * integer. A count of 0 or below is refused with its line (it is an impossible line,
 * not a ballot to skip), and so is one above URNE_BALLOTS_WEIGHT_MAX.
 *
 * For speed (Meath 2002, 25,101 data lines, is counted by Scottish STV in a fraction
 * of the time reading it took): the plain ordinal line, "N: a,b,c" with no braces,
 * is read on a path of its own (read_plain_order) in one pass over its bytes where
 * they lie (a line before the text's last newline ends in one of its own, which stops
 * every loop, so no byte is compared with the end of the text), digits folded in,
 * a candidate ranked twice seen by a per-candidate stamp instead of a comparison with
 * every one before it. Any other line goes to the general reader (read_data_line),
 * unchanged, which words every message as before; categorical files are read by it
 * alone. The ballot arrays are reserved from the file's size (urne_ballots_reserve).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/parse_common.h"
#include "ballots_io.h"

#define RULE_PREFLIB "preflib-format"

static int starts(urne_span s, const char *prefix) {
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

/* Read "# NUMBER ALTERNATIVES" and the names; returns the number of alternatives or -1. */
static long preflib_header(urne_lines *it, urne_span *first_data, char names[][256], long max, int *categories,
                           urne_diags *diags) {
    long n = -1;
    *categories = 0;
    urne_span line;
    while (urne_lines_next(it, &line)) {
        if (urne_span_blank(line)) continue;
        if (line.p[0] != '#') {
            *first_data = line;
            return n;
        }
        if (starts(line, "# NUMBER CATEGORIES:")) {
            *categories = 1;
        } else if (starts(line, "# NUMBER ALTERNATIVES:")) {
            int64_t v;
            urne_span num = {line.p + 22, line.len - 22, 0};
            if (urne_num_parse_count(num.p, num.len, &v) != URNE_NUM_OK || v < 1 || v > max) {
                urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, "NUMBER ALTERNATIVES", RULE_PREFLIB,
                               "the number of alternatives must be a whole number from 1 to %ld", max);
                return -1;
            }
            n = (long)v;
        } else if (starts(line, "# ALTERNATIVE NAME ")) {
            const char *p = line.p + 19, *end = line.p + line.len;
            const char *colon = memchr(p, ':', (size_t)(end - p));
            int64_t i;
            if (colon == NULL || urne_num_parse_count(p, (size_t)(colon - p), &i) != URNE_NUM_OK || i < 1 || i > max) {
                urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, "ALTERNATIVE NAME", RULE_PREFLIB,
                               "expected '# ALTERNATIVE NAME i: name' with i from 1 to %ld", max);
                return -1;
            }
            const char *name = colon + 1;
            while (name < end && *name == ' ') name++;
            snprintf(names[i - 1], 256, "%.*s", (int)(end - name), name);
        }
    }
    first_data->len = 0;
    first_data->p = NULL;
    return n;
}

/* What the plain path needs from line to line: the candidates, and per candidate the
 * stamp of the last plain line ranking it, so that a candidate ranked twice is seen
 * without comparing it with the ones before it. */
typedef struct plain_orders {
    uint32_t ncand;
    uint32_t stamp;      /* the plain line being read, counted from 1 */
    uint32_t *ranked_on; /* ncand stamps */
    uint16_t *prefs;
    const char *last_nl; /* the text's last '\n', NULL when it has none */
} plain_orders;

static int is_digit(char c) { return (unsigned char)(c - '0') < 10; }

/* The plain data line of an ordinal file, the one it holds by the thousand:
 * "COUNT: c,c,...", the count of 1 to 12 digits (no leading zero, so within
 * URNE_BALLOTS_WEIGHT_MAX) right before the ':', candidates of 1 to 5 digits, each
 * 1..ncand and once, separated (and followed) by runs of ',' and ' ', then "\n" or
 * "\r\n". Read in one pass over the line at p: a line that starts before the text's
 * last '\n' has a '\n' of its own, which stops every loop. Returns 1 with the count,
 * the ranking in r->prefs (no ties) and *eol at the '\n'; 0 for any other line — ties
 * in braces, a comment, an error, the last line of a text without its '\n' — which
 * the general reader then reads, and words its errors, as it always has: so this path
 * accepts a subset of what the general one does, and makes of it the same ballot. */
static int read_plain_order(plain_orders *r, const char *p, int64_t *count, size_t *n, const char **eol) {
    const char *digits;
    if (r->last_nl == NULL || p > r->last_nl || *p < '1' || *p > '9') return 0;
    int64_t w = 0;
    for (digits = p; is_digit(*p) && p - digits < 12; p++) w = w * 10 + (*p - '0');
    if (*p++ != ':') return 0;
    uint32_t stamp = ++r->stamp, *ranked_on = r->ranked_on, ncand = r->ncand;
    if (stamp == 0) { /* once in 2^32 lines: forget every stamp */
        memset(ranked_on, 0, ncand * sizeof *ranked_on);
        stamp = r->stamp = 1;
    }
    size_t k = 0;
    for (;;) {
        while (*p == ' ' || *p == ',') p++;
        if (!is_digit(*p)) break;
        uint32_t c = 0;
        for (digits = p; is_digit(*p); p++) c = c * 10 + (uint32_t)(*p - '0');
        if (p - digits > 5 || c < 1 || c > ncand || ranked_on[c - 1] == stamp) return 0;
        ranked_on[c - 1] = stamp;
        r->prefs[k++] = (uint16_t)(c - 1);
    }
    if (*p == '\r') p++;
    if (*p != '\n') return 0;
    *count = w;
    *n = k;
    *eol = p;
    return 1;
}

/* Read the next line of it when it is a plain data line (read_plain_order), and add
 * its ballot to out: 1 when read (it has moved past the line, its line number
 * counted, as urne_lines_next would have), -1 when out of memory (not reported: the
 * caller's way out says it), 0 when the line is not plain (it has not moved). The
 * bytes are read where they lie, without urne_lines_next's copy: a plain line is
 * ASCII, the same in a latin-1 text as converted. */
static int next_plain_order(plain_orders *r, urne_lines *it, urne_ballots *out, urne_diags *diags) {
    const char *eol;
    int64_t count;
    size_t n;
    if (!read_plain_order(r, it->text + it->pos, &count, &n, &eol)) return 0;
    it->pos = (size_t)(eol + 1 - it->text);
    it->lineno++;
    return urne_parse_add_ballot(out, count, r->prefs, NULL, n, it->lineno, "count", diags) != 0 ? -1 : 1;
}

/* A data line (line ln) in general: "count: a,b,{c,d}", with ties in braces, blanks
 * and commas in any number, read into prefs and tied (room for n + 1 each: a candidate
 * ranked twice is stored before it is refused) and added to out; errors in the line
 * are added. 0, or -1 when out of memory (not reported). */
static int read_data_line(urne_span line, long ln, long n, int categories, uint16_t *prefs, uint8_t *tied,
                          urne_ballots *out, urne_diags *diags) {
    const char *p = line.p, *end = line.p + line.len;
    const char *colon = memchr(p, ':', (size_t)(end - p));
    int64_t count = 0;
    int wr = colon ? urne_parse_weight((urne_span){p, (size_t)(colon - p), 0}, ln, "count", &count, diags) : -2;
    if (wr == -2) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "count", RULE_PREFLIB,
                       "a data line reads 'count: a,b,{c,d}' with count a whole number");
    } else if (wr == 0) {
        size_t k = 0;
        int in_brace = 0, first_in_brace = 0, bad = 0;
        /* .cat: each top-level group is a category, best first; the last
         * (the "No" of approval ballots) is left unranked. */
        size_t last_group_at = 0;
        for (p = colon + 1; p < end && !bad;) {
            while (p < end && (*p == ' ' || *p == ',')) p++;
            if (p >= end) break;
            if (*p == '{') {
                in_brace = 1, first_in_brace = 1, p++;
                last_group_at = k;
                continue;
            }
            if (*p == '}') {
                in_brace = 0, p++;
                continue;
            }
            int64_t c;
            const char *q = p;
            while (q < end && *q >= '0' && *q <= '9') q++;
            if (q == p || urne_num_parse_count(p, (size_t)(q - p), &c) != URNE_NUM_OK || c < 1 || c > n) {
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, "alternative", "unknown-candidate",
                               "'%.*s' is not an alternative (1 to %ld)", (int)(q > p ? q - p : 1), p, n);
                bad = 1;
                break;
            }
            for (size_t i = 0; i < k; i++)
                if (prefs[i] == c - 1) {
                    urne_diags_add(diags, URNE_DIAG_ERROR, ln, "alternative", "repeated-rank",
                                   "alternative %lld is ranked twice", (long long)c);
                    bad = 1;
                }
            if (!in_brace) last_group_at = k;
            tied[k] = (uint8_t)(in_brace && !first_in_brace);
            first_in_brace = 0;
            prefs[k++] = (uint16_t)(c - 1);
            p = q;
        }
        if (!bad && in_brace)
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "alternative", RULE_PREFLIB, "a '{' is left open");
        else if (!bad && urne_parse_add_ballot(out, count, prefs, tied, categories ? last_group_at : k, ln,
                                               "count", diags) != 0)
            return -1;
    }
    return 0;
}

int urne_io_parse_preflib(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, diags) != 0) return -1;
    enum { MAXC = 4096 };
    char(*names)[256] = calloc(MAXC, 256);
    uint16_t *prefs = malloc((MAXC + 1) * sizeof *prefs);
    uint8_t *tied = malloc(MAXC + 1);
    plain_orders plain = {0, 0, NULL, prefs, NULL};
    urne_span line;
    long n = -1;
    int categories = 0;
    if (names && prefs && tied) n = preflib_header(&it, &line, names, MAXC, &categories, diags);
    if (n < 1) {
        if (diags->errors == 0)
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, "NUMBER ALTERNATIVES", RULE_PREFLIB,
                           "no '# NUMBER ALTERNATIVES: n' header: not a PrefLib file (2022 format)");
        goto fail;
    }
    if (urne_ballots_init(out, (size_t)n, NULL) != 0) goto oom;
    /* A data line takes 4 bytes at least ("1:2\n"), a preference 2 ("2,"): room for as
     * many, so that the arrays are never copied as they grow (a hint). */
    urne_ballots_reserve(out, len / 4 + 1, len / 2 + 1);
    for (long i = 0; i < n; i++) {
        if (names[i][0] == '\0') snprintf(names[i], 256, "Alternative %ld", i + 1);
        if (urne_ballots_name(out, (size_t)i, names[i]) != 0) goto oom;
    }
    /* The plain path for ordinal files only: a categorical one leaves its last group
     * unranked, which only the general reader knows. */
    plain.ncand = (uint32_t)n;
    plain.ranked_on = categories ? NULL : calloc((size_t)n, sizeof *plain.ranked_on);
    if (!categories && plain.ranked_on == NULL) goto oom;
    for (size_t i = it.len; i > it.pos && plain.last_nl == NULL; i--)
        if (it.text[i - 1] == '\n') plain.last_nl = it.text + i - 1;
    int have = line.p != NULL, read;
    while (have) {
        if (!urne_span_blank(line) && line.p[0] != '#' &&
            read_data_line(line, it.lineno, n, categories, prefs, tied, out, diags) != 0)
            goto oom;
        /* Plain data lines one pass each; any other line as it always was read. */
        while (!categories && (read = next_plain_order(&plain, &it, out, diags)) == 1) continue;
        if (!categories && read < 0) goto oom;
        have = urne_lines_next(&it, &line);
    }
    free(plain.ranked_on);
    plain.ranked_on = NULL;
    if (diags->errors == 0 && out->n == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no ballot after the header");
    if (diags->errors > 0) goto fail;
    free(names), free(prefs), free(tied);
    urne_lines_free(&it);
    return 0;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
fail:
    free(plain.ranked_on);
    free(names), free(prefs), free(tied);
    urne_lines_free(&it);
    urne_ballots_free(out);
    return -1;
}
