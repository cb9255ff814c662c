/*
 * preflib: PrefLib's ordinal formats (2022 layout), and Debian's tally sheets.
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
 * Debian: "Option 3------->: Steve McIntyre" names option 3, and "V: 3-311-56 <hash>"
 * ranks option 1 third, leaves 2 unranked, ranks 3 and 4 first... Both are read into
 * urne_ballots with ties kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/parse_common.h"
#include "ballots_io.h"

#define RULE_PREFLIB "preflib-format"
#define RULE_DEBIAN "debian-format"

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

int urne_io_parse_preflib(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, diags) != 0) return -1;
    enum { MAXC = 4096 };
    char(*names)[256] = calloc(MAXC, 256);
    uint16_t *prefs = malloc(MAXC * sizeof *prefs);
    uint8_t *tied = malloc(MAXC);
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
    for (long i = 0; i < n; i++) {
        if (names[i][0] == '\0') snprintf(names[i], 256, "Alternative %ld", i + 1);
        if (urne_ballots_name(out, (size_t)i, names[i]) != 0) goto oom;
    }
    int have = line.p != NULL;
    while (have) {
        long ln = it.lineno;
        if (!urne_span_blank(line) && line.p[0] != '#') {
            const char *p = line.p, *end = line.p + line.len;
            const char *colon = memchr(p, ':', (size_t)(end - p));
            int64_t count;
            if (colon == NULL || urne_num_parse_count(p, (size_t)(colon - p), &count) != URNE_NUM_OK) {
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, "count", RULE_PREFLIB,
                               "a data line reads 'count: a,b,{c,d}' with count a whole number");
            } else {
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
                else if (!bad && urne_ballots_add(out, count, prefs, tied, categories ? last_group_at : k) == -1)
                    goto oom;
            }
        }
        have = urne_lines_next(&it, &line);
    }
    if (diags->errors == 0 && out->n == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no ballot after the header");
    if (diags->errors > 0) goto fail;
    free(names), free(prefs), free(tied);
    urne_lines_free(&it);
    return 0;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
fail:
    free(names), free(prefs), free(tied);
    urne_lines_free(&it);
    urne_ballots_free(out);
    return -1;
}

int urne_io_parse_debian(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, diags) != 0) return -1;
    enum { MAXC = 36 };
    char names[MAXC][256];
    long n = 0;
    urne_span line;
    /* Pass 1: the options. */
    while (urne_lines_next(&it, &line)) {
        const char *o = NULL;
        for (size_t i = 0; i + 6 < line.len; i++)
            if (memcmp(line.p + i, "Option", 6) == 0) {
                o = line.p + i + 6;
                break;
            }
        if (o == NULL) continue;
        const char *end = line.p + line.len;
        while (o < end && *o == ' ') o++;
        long num = 0;
        while (o < end && *o >= '0' && *o <= '9') num = num * 10 + (*o++ - '0');
        const char *colon = memchr(o, ':', (size_t)(end - o));
        if (num < 1 || num > MAXC || colon == NULL) continue;
        const char *name = colon + 1;
        while (name < end && *name == ' ') name++;
        snprintf(names[num - 1], sizeof names[0], "%.*s", (int)(end - name), name);
        if (num > n) n = num;
    }
    if (n == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "Option", RULE_DEBIAN,
                       "no 'Option N--->: name' lines: not a Debian tally sheet");
        urne_lines_free(&it);
        return -1;
    }
    if (urne_ballots_init(out, (size_t)n, NULL) != 0) goto oom;
    for (long i = 0; i < n; i++)
        if (urne_ballots_name(out, (size_t)i, names[i]) != 0) goto oom;
    /* Pass 2: the votes. */
    urne_lines_rewind(&it);
    while (urne_lines_next(&it, &line)) {
        if (line.len < 3 || memcmp(line.p, "V:", 2) != 0) continue;
        const char *p = line.p + 2, *end = line.p + line.len;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        const char *v = p;
        while (p < end && *p != ' ' && *p != '\t') p++;
        long k = (long)(p - v);
        if (k != n) {
            urne_diags_add(diags, URNE_DIAG_ERROR, it.lineno, "vote", RULE_DEBIAN,
                           "the vote '%.*s' has %ld ranks, but there are %ld options", (int)k, v, k, n);
            continue;
        }
        /* Order the options by their digit; equal digits are equal ranks. */
        uint16_t prefs[MAXC];
        uint8_t tied[MAXC];
        size_t m = 0;
        int bad = 0;
        for (long i = 0; i < n; i++)
            if (v[i] != '-' && (v[i] < '1' || v[i] > '9')) {
                urne_diags_add(diags, URNE_DIAG_ERROR, it.lineno, "vote", RULE_DEBIAN,
                               "rank '%c' for option %ld: ranks are 1 to 9, or '-' for unranked", v[i], i + 1);
                bad = 1;
                break;
            }
        if (bad) continue;
        for (char r = '1'; r <= '9'; r++) {
            int first = 1;
            for (long i = 0; i < n; i++)
                if (v[i] == r) {
                    tied[m] = (uint8_t)!first;
                    prefs[m++] = (uint16_t)i;
                    first = 0;
                }
        }
        if (urne_ballots_add(out, 1, prefs, tied, m) == -1) goto oom;
    }
    urne_lines_free(&it);
    if (diags->errors == 0 && out->total == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no 'V:' vote line");
    if (diags->errors > 0) {
        urne_ballots_free(out);
        return -1;
    }
    return 0;
oom:
    urne_lines_free(&it);
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    urne_ballots_free(out);
    return -1;
}

int urne_io_ballot_format_parse(const char *name, urne_ballot_format *out) {
    static const struct { const char *name; urne_ballot_format fmt; } names[] = {
        {"auto", URNE_BFMT_AUTO}, {"blt", URNE_BFMT_BLT}, {"hil", URNE_BFMT_BLT},
        {"soc", URNE_BFMT_PREFLIB}, {"soi", URNE_BFMT_PREFLIB}, {"toc", URNE_BFMT_PREFLIB},
        {"toi", URNE_BFMT_PREFLIB}, {"cat", URNE_BFMT_PREFLIB}, {"debian", URNE_BFMT_DEBIAN},
        {"text", URNE_BFMT_TEXT}, {"csv", URNE_BFMT_CSV},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0) return *out = names[i].fmt, 0;
    return -1;
}

urne_ballot_format urne_io_ballot_format_from_name(const char *path) {
    const char *dot = strrchr(path, '.');
    urne_ballot_format fmt;
    if (dot == NULL || strchr(dot, '/') != NULL) return URNE_BFMT_AUTO;
    char ext[8];
    size_t n = strlen(dot + 1);
    if (n == 0 || n >= sizeof ext) return URNE_BFMT_AUTO;
    for (size_t i = 0; i <= n; i++) ext[i] = (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ? dot[1 + i] + 32 : dot[1 + i]);
    if (strcmp(ext, "debian") == 0 || strcmp(ext, "text") == 0) return URNE_BFMT_AUTO;
    return urne_io_ballot_format_parse(ext, &fmt) == 0 ? fmt : URNE_BFMT_AUTO;
}

urne_ballot_format urne_io_ballot_format_guess(const char *buf, size_t len) {
    size_t probe = len < 4096 ? len : 4096;
    for (size_t k = 0; k + 22 <= probe; k++)
        if (memcmp(buf + k, "# NUMBER ALTERNATIVES:", 22) == 0 || memcmp(buf + k, "# FILE NAME:", 12) == 0)
            return URNE_BFMT_PREFLIB;
    for (size_t k = 0; k + 6 <= probe; k++)
        if (memcmp(buf + k, "Option", 6) == 0 || memcmp(buf + k, "\nV: ", 4) == 0) return URNE_BFMT_DEBIAN;
    /* BLT starts with a line of two whole numbers. */
    size_t i = 0, numbers = 0;
    while (i < probe && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')) i++;
    while (i < probe && buf[i] != '\n') {
        if (buf[i] >= '0' && buf[i] <= '9') {
            numbers++;
            while (i < probe && buf[i] >= '0' && buf[i] <= '9') i++;
        } else if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r') {
            i++;
        } else {
            return URNE_BFMT_TEXT;
        }
    }
    return numbers == 2 ? URNE_BFMT_BLT : URNE_BFMT_TEXT;
}

int urne_io_parse_ballots(const char *buf, size_t len, urne_ballot_format fmt, urne_encoding enc, urne_ballots *out,
                          urne_diags *diags) {
    if (fmt == URNE_BFMT_AUTO) fmt = urne_io_ballot_format_guess(buf, len);
    switch (fmt) {
    case URNE_BFMT_PREFLIB: return urne_io_parse_preflib(buf, len, enc, out, diags);
    case URNE_BFMT_DEBIAN: return urne_io_parse_debian(buf, len, enc, out, diags);
    case URNE_BFMT_TEXT: return urne_io_parse_text_ballots(buf, len, enc, out, diags);
    case URNE_BFMT_CSV: return urne_io_parse_approval_csv(buf, len, enc, out, diags);
    case URNE_BFMT_BLT:
    case URNE_BFMT_AUTO: break;
    }
    return urne_io_parse_blt(buf, len, enc, out, diags);
}
