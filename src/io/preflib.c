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
