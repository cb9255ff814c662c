/*
 * debian: the Debian project's published tally sheets.
 *
 *     Option 1--------->: Jeroen van Wolffelaar
 *   /  Option 2-------->: Ari Pollak
 *   V: 3-311-56 		5983810b34693310479f3b26eda85177
 *
 * "Option N--->: name" lines name the options; each "V:" line is a voter, the i-th
 * character ranking option i: digits 1 to 9 (equal digits equal ranks), '-' unranked.
 * The hash after it (the voter's secret check) is ignored. Every voter weighs 1; an
 * option number is read only as far as it can be one (at most 36), so that no digit
 * string, however long, overflows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/parse_common.h"
#include "ballots_io.h"

#define RULE_DEBIAN "debian-format"

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
        while (o < end && *o >= '0' && *o <= '9') {
            if (num <= MAXC) num = num * 10 + (*o - '0'); /* beyond MAXC it is refused below */
            o++;
        }
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
        if (urne_parse_add_ballot(out, 1, prefs, tied, m, it.lineno, "vote", diags) != 0) goto oom;
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
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    urne_lines_free(&it);
    urne_ballots_free(out);
    return -1;
}
