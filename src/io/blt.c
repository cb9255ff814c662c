/*
 * blt: the BLT ballot format (ERS, OpenSTV, droop) and David Hill's HIL variant.
 *
 *   9 4                   9 candidates, 4 seats
 *   -3                    optional: candidate 3 withdrawn (any number of negatives)
 *   149 1 0               149 ballots ranking candidate 1 only
 *   2 1 2=3 4 0           2 ballots: 1, then 2 and 3 equal, then 4
 *   0                     end of ballots
 *   "Nina Baker" ...      the names, quoted, one or several a line
 *   "ANDERSTON-CITY"      the title
 *
 * A withdrawn candidate is skipped where ranked (the next preference counts).
 *
 * A weight is a whole number from 1 to URNE_BALLOTS_WEIGHT_MAX. Negative numbers
 * name withdrawn candidates only on their own line, right after the first: a line
 * "-3 1 2 3 0" among the ballots is a ballot of weight -3, refused with its line,
 * never read as "withdraw candidate 3" (which would silently change who is elected),
 * and "0 1 2 0" is a ballot of no voters, refused too. Only a line "0" alone ends the
 * ballots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/parse_common.h"
#include "ballots_io.h"

#define RULE_BLT "blt-format"

static int rest_blank(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    return p >= end;
}

/* Parse an integer token at *p (skipping blanks): 1 and *out on success; 2 when it is
 * a number beyond +-10^15 (*p past it, *out unset: no candidate, weight or header
 * figure is that large, and reading on would overflow); 0 when no number is there. */
static int next_int(const char **p, const char *end, long long *out) {
    const char *q = *p;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
    if (q >= end) return 0;
    int neg = 0;
    if (*q == '-') neg = 1, q++;
    if (q >= end || *q < '0' || *q > '9') return 0;
    long long v = 0;
    int large = 0;
    while (q < end && *q >= '0' && *q <= '9') {
        if (v > 100000000000000LL) large = 1; /* v*10 + 9 would pass 10^15 */
        if (!large) v = v * 10 + (*q - '0');
        q++;
    }
    *p = q;
    if (large) return 2;
    *out = neg ? -v : v;
    return 1;
}

/* 1 when every token from p to end is a negative number (a withdrawn line). */
static int only_negatives(const char *p, const char *end) {
    long long v;
    int r;
    while ((r = next_int(&p, end, &v)) != 0)
        if (r != 1 || v >= 0) return 0;
    return rest_blank(p, end);
}

/* Read the first non-blank line, "CANDIDATES SEATS", into *ncand and *seats. 0, or -1
 * with the error added. */
static int read_header(urne_lines *it, long long *ncand, long long *seats, urne_diags *diags) {
    urne_span line;
    while (urne_lines_next(it, &line)) {
        if (urne_span_blank(line)) continue;
        const char *p = line.p, *end = line.p + line.len;
        if (next_int(&p, end, ncand) != 1 || next_int(&p, end, seats) != 1 || !rest_blank(p, end) || *ncand < 1 ||
            *ncand > 60000 || *seats < 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, "header", RULE_BLT,
                           "the first line must be 'CANDIDATES SEATS' (two whole numbers, at least 1 candidate)");
            return -1;
        }
        return 0;
    }
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file has no 'CANDIDATES SEATS' line");
    return -1;
}

/* Mark the candidates a line of negative numbers (from p to end, line ln) withdraws. */
static void read_withdrawn(const char *p, const char *end, long ln, long long ncand, uint8_t *withdrawn,
                           urne_diags *diags) {
    long long w;
    while (next_int(&p, end, &w) == 1) {
        if (-w > ncand) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "withdrawn", RULE_BLT,
                           "withdrawn candidate %lld: there are only %lld candidates", -w, ncand);
            continue;
        }
        withdrawn[-w - 1] = 1;
    }
}

/* Read a ballot's preferences from p to end (line ln) into prefs and tied, skipping
 * withdrawn candidates; sets *n. 0, or -1 with the error added. */
static int read_preferences(const char *p, const char *end, long ln, long long ncand, const uint8_t *withdrawn,
                            uint16_t *prefs, uint8_t *tied, size_t *n, urne_diags *diags) {
    int terminated = 0, next_tied = 0;
    long long c;
    *n = 0;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (p < end && *p == '=') {
            next_tied = 1;
            p++;
            continue;
        }
        int cr = next_int(&p, end, &c);
        if (cr == 0) break;
        if (cr == 2) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "preference", "unknown-candidate",
                           "a candidate number beyond 10^15 does not exist: the file has %lld candidates", ncand);
            return -1;
        }
        if (c == 0) {
            terminated = 1;
            break;
        }
        if (c < 1 || c > ncand) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "preference", "unknown-candidate",
                           "candidate %lld does not exist: the file has %lld candidates", c, ncand);
            return -1;
        }
        int repeated = 0;
        for (size_t i = 0; i < *n; i++) repeated |= prefs[i] == c - 1;
        if (repeated) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "preference", "repeated-rank",
                           "candidate %lld is ranked twice on the same ballot", c);
            return -1;
        }
        if (withdrawn[c - 1]) {
            next_tied = 0;
            continue;
        }
        tied[*n] = (uint8_t)(*n > 0 && next_tied);
        prefs[(*n)++] = (uint16_t)(c - 1);
        next_tied = 0;
    }
    if (!terminated || !rest_blank(p, end)) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "preference", RULE_BLT,
                       "a ballot line ends with 0 after its preferences (truncated line?)");
        return -1;
    }
    return 0;
}

/* The lines after the header up to the line "0": withdrawn candidates and ballots,
 * added to out. Sets *ended when the "0" was met. 0, or -1 when out of memory (the
 * error added); errors in the lines are added and reading goes on. */
static int read_ballots(urne_lines *it, long long ncand, urne_ballots *out, int *ended, urne_diags *diags) {
    uint16_t *prefs = malloc((size_t)ncand * sizeof *prefs);
    uint8_t *tied = malloc((size_t)ncand);
    uint8_t *withdrawn = calloc((size_t)ncand, 1);
    int rc = -1, ballots_seen = 0;
    urne_span line;
    if (prefs == NULL || tied == NULL || withdrawn == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        goto out;
    }
    while (!*ended && urne_lines_next(it, &line)) {
        long ln = it->lineno;
        if (urne_span_blank(line)) continue;
        const char *p = line.p, *end = line.p + line.len;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (*p == '(') { /* an optional ballot id: "(17) 1 2 3 0" */
            const char *close = memchr(p, ')', (size_t)(end - p));
            if (close) p = close + 1;
        }
        long long weight = 0;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        const char *wtok = p;
        int wr = next_int(&p, end, &weight);
        if (wr == 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "weight", RULE_BLT,
                           "a ballot line starts with its weight (a whole number), then preferences, then 0");
            continue;
        }
        if (wr == 1 && weight == 0 && rest_blank(p, end)) {
            *ended = 1;
            break;
        }
        if (wr == 1 && weight < 0 && only_negatives(wtok, end)) { /* withdrawn candidates */
            if (ballots_seen)
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, "withdrawn", RULE_BLT,
                               "withdrawn candidates (negative numbers) are listed right after the first line, "
                               "before any ballot");
            else
                read_withdrawn(wtok, end, ln, ncand, withdrawn, diags);
            continue;
        }
        ballots_seen = 1;
        /* Anything else is a ballot, whose weight must be 1 or more (and within the bound). */
        int64_t wv;
        urne_span wspan = {wtok, (size_t)(p - wtok), 0};
        if (urne_parse_weight(wspan, ln, "weight", &wv, diags) != 0) continue;
        size_t n;
        if (read_preferences(p, end, ln, ncand, withdrawn, prefs, tied, &n, diags) != 0) continue;
        if (urne_parse_add_ballot(out, wv, prefs, tied, n, ln, "weight", diags) != 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, "memory", "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    free(prefs);
    free(tied);
    free(withdrawn);
    return rc;
}

/* The quoted strings after the ballots, any number a line: ncand names, then the
 * title. Sets *named to the names read. 0, or -1 when out of memory. */
static int read_names(urne_lines *it, long long ncand, urne_ballots *out, long long *named, urne_diags *diags) {
    int titled = 0;
    urne_span line;
    *named = 0;
    while (urne_lines_next(it, &line)) {
        const char *p = line.p, *end = line.p + line.len;
        for (;;) {
            const char *open = memchr(p, '"', (size_t)(end - p));
            if (open == NULL) break;
            const char *close = memchr(open + 1, '"', (size_t)(end - open - 1));
            if (close == NULL) {
                urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, "name", RULE_BLT, "a quote is left open");
                break;
            }
            char nm[512];
            snprintf(nm, sizeof nm, "%.*s", (int)(close - open - 1), open + 1);
            if (*named < ncand) {
                if (urne_ballots_name(out, (size_t)(*named)++, nm) != 0) return -1;
            } else if (!titled) {
                if (urne_ballots_title(out, nm) != 0) return -1;
                titled = 1;
            }
            p = close + 1;
        }
    }
    return 0;
}

int urne_io_parse_blt(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, diags) != 0) return -1;
    long long ncand = 0, seats = 0, named = 0;
    if (read_header(&it, &ncand, &seats, diags) != 0) {
        urne_lines_free(&it);
        return -1;
    }
    if (urne_ballots_init(out, (size_t)ncand, NULL) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        goto fail;
    }
    out->seats = (size_t)seats;
    int ended = 0;
    if (read_ballots(&it, ncand, out, &ended, diags) != 0) goto fail;
    if (!ended && diags->errors == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, it.lineno, NULL, RULE_BLT,
                       "the ballots do not end with a line '0': the file is truncated");
    if (ended && read_names(&it, ncand, out, &named, diags) != 0) goto fail;
    if (ended && named < ncand)
        urne_diags_add(diags, URNE_DIAG_ERROR, it.lineno, "name", RULE_BLT,
                       "%lld candidates but %lld names after the ballots: the file is truncated", ncand, named);
    if (it.lineno < 0) urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    if (diags->errors > 0) goto fail;
    urne_lines_free(&it);
    return 0;
fail:
    urne_lines_free(&it);
    urne_ballots_free(out);
    return -1;
}
