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
 * A withdrawn candidate is skipped where ranked (the next preference counts), and
 * never elected (urne_ballots.withdrawn).
 *
 * Dialects in use, all read (droop's and OpenSTV's documentation and loaders):
 *   [tie 3 2 1]           droop: the order in which ties are broken instead of by lot
 *                         (every candidate once), kept in urne_ballots.tie_order
 *   [withdrawn 4]         droop: withdrawn candidates, like the negative numbers
 *   [droop ...]           droop's own options (its rule, its arithmetic): not urne's,
 *                         which counts by the rule it is given; said in a warning
 *   (id) 1 2 3 0          a ballot identifier. OpenSTV writes "(id) 1 2 3 0" with the
 *                         weight 1 after the id; droop "(id) 2 3 0", the id standing
 *                         for weight 1. The file's id lines settle which: a line whose
 *                         first number is not 1 can only be droop's, a candidate
 *                         ranked twice only OpenSTV's; if neither settles it, the file
 *                         is refused rather than read one way by guess. Either every
 *                         ballot has an id or none.
 *   1 2 - 3 0             OpenSTV: a skipped rank, the next preference counts
 *   # ...                 a comment to the end of the line (both), where a word starts
 * Option lines come after the first line and before the first ballot, one or more
 * bracketed options a line. droop's [nick] (ballots naming candidates by nickname),
 * [undeclared] (Minneapolis write-ins) and block comments (slash-star) are refused with
 * their line, not guessed at.
 *
 * A weight is a whole number from 1 to URNE_BALLOTS_WEIGHT_MAX. Negative numbers
 * name withdrawn candidates only on their own line, right after the first: a line
 * "-3 1 2 3 0" among the ballots is a ballot of weight -3, refused with its line,
 * never read as "withdraw candidate 3" (which would silently change who is elected),
 * and "0 1 2 0" is a ballot of no voters, refused too. Only a line "0" alone ends the
 * ballots.
 *
 * For speed (a file of 100,000 ballots is read once per count, and reading it cost
 * five to ten times what counting it did: ~65 instructions a byte, by the reader below with
 * a function call per number, a copy of each line, a comment search, and a check of
 * each candidate against the ones before it): the plain ballot line, "W c c ... 0"
 * with nothing else, which is what files hold by the thousand, is read on a path of
 * its own (read_plain_ballot) in one pass over its bytes where they lie (a line before
 * the text's last newline ends in a newline of its own, which stops every loop, so no
 * byte is compared with the end of the text), digits folded in as they come (a
 * candidate of one or two digits, nearly all of them, without a loop), a candidate
 * ranked twice seen by a per-candidate stamp, and the ranking handed on as checked
 * (urne_parse_add_checked: the merging does not check the candidates again, which
 * was a tenth of reading a file). Any line
 * that is not plain — options, ids, ties, comments, the end line, every error — goes
 * to the general reader, unchanged, which words every message as before: the plain
 * path only accepts lines the general one reads to the same ballot. The ballot arrays
 * are reserved from the file's size (urne_ballots_reserve), so they are never copied
 * as they grow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/parse_common.h"
#include "ballots_io.h"

#define RULE_BLT "blt-format"
#define RULE_OPTION "blt-option"

static int rest_blank(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    return p >= end;
}

/* The line without its comment: '#' where a word starts, to the end of the line. */
static urne_span uncomment(urne_span line) {
    for (size_t i = 0; i < line.len; i++)
        if (line.p[i] == '#' && (i == 0 || line.p[i - 1] == ' ' || line.p[i - 1] == '\t')) {
            line.len = i;
            break;
        }
    return line;
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

/* One option "[name n n ...]" at p (at its '['); *p moves past its ']'. Numbers are
 * candidates, 1-based. 0, or -1 with the error added. */
static int read_option(const char **pp, const char *end, long ln, long long ncand, uint8_t *withdrawn,
                       urne_ballots *out, urne_diags *diags) {
    const char *p = *pp + 1, *name = p;
    while (p < end && *p != ' ' && *p != '\t' && *p != ']') p++;
    int nlen = (int)(p - name);
    int is_tie = nlen == 3 && memcmp(name, "tie", 3) == 0, is_wd = nlen == 9 && memcmp(name, "withdrawn", 9) == 0;
    int is_droop = nlen == 5 && memcmp(name, "droop", 5) == 0;
    const char *args = p, *close = memchr(p, ']', (size_t)(end - p));
    if (close == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "option", RULE_OPTION, "option [%.*s has no closing ']' on its line",
                       nlen, name);
        return -1;
    }
    *pp = close + 1;
    if (is_droop) {
        urne_diags_add(diags, URNE_DIAG_WARNING, ln, "option", RULE_OPTION,
                       "droop's options [droop%.*s] are not urne's: the count follows the rule it is given",
                       (int)(close - args), args);
        return 0;
    }
    if (!is_tie && !is_wd) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "option", RULE_OPTION,
                       "option [%.*s] is not read by urne (it reads [tie], [withdrawn] and [droop]): counting without "
                       "it would not be the file's count",
                       nlen, name);
        return -1;
    }
    uint32_t *order = NULL;
    if (is_tie) {
        order = urne_arena_alloc(&out->arena, (size_t)ncand * sizeof *order);
        if (order == NULL) return -1;
        for (long long c = 0; c < ncand; c++) order[c] = UINT32_MAX;
    }
    long long c, listed = 0;
    int r, twice = 0;
    while ((r = next_int(&args, close, &c)) != 0) {
        if (r != 1 || c < 1 || c > ncand) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "option", RULE_OPTION,
                           "option [%.*s]: candidate %lld does not exist: the file has %lld candidates", nlen, name,
                           r == 1 ? c : 0, ncand);
            return -1;
        }
        if (is_tie && order[c - 1] == UINT32_MAX) order[c - 1] = (uint32_t)listed;
        else if (is_tie) twice = 1;
        if (is_wd) withdrawn[c - 1] = 1;
        listed++;
    }
    if (!rest_blank(args, close)) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "option", RULE_OPTION,
                       "option [%.*s] takes candidate numbers (nicknames from [nick] are not read)", nlen, name);
        return -1;
    }
    if (is_tie && (twice || listed != ncand)) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "option", RULE_OPTION,
                       "option [tie] must list each of the %lld candidates exactly once", ncand);
        return -1;
    }
    if (is_tie) out->tie_order = order;
    return 0;
}

/* A line of options: "[tie 3 2 1] [withdrawn 4]". 0, or -1 with the error added. */
static int read_option_line(const char *p, const char *end, long ln, long long ncand, uint8_t *withdrawn,
                            urne_ballots *out, urne_diags *diags) {
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (p >= end) return 0;
        if (*p != '[') {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "option", RULE_OPTION,
                           "a line of options holds only bracketed options, '[name ...]'");
            return -1;
        }
        if (read_option(&p, end, ln, ncand, withdrawn, out, diags) != 0) return -1;
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
        if (p < end && *p == '-' && (p + 1 == end || p[1] == ' ' || p[1] == '\t')) { /* OpenSTV: a skipped rank */
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

/* How a file's ballot ids read: none, OpenSTV's "(id) 1 prefs 0" (weight 1 after the
 * id) or droop's "(id) prefs 0" (the id stands for weight 1). */
enum { IDS_NONE, IDS_OPENSTV, IDS_DROOP };

/* What an id line "(id) n ..." (p at its '(') says of the dialect. */
static void id_evidence(const char *p, const char *end, int *droop, int *openstv) {
    const char *close = memchr(p, ')', (size_t)(end - p));
    long long v;
    if (close == NULL) return;
    p = close + 1;
    if (next_int(&p, end, &v) != 1) return;
    if (v != 1) {
        *droop = 1; /* OpenSTV writes weight 1 after every id */
        return;
    }
    while (next_int(&p, end, &v) == 1)
        if (v == 1) *openstv = 1; /* droop would read candidate 1 ranked twice */
}

/* Settle the file's dialect of ballot ids at its first id line (p to end, line ln)
 * from all its id lines, read ahead to the line "0" on a copy of the iterator: only
 * for files with ids. IDS_*, or -1 with the error added. */
static int ballot_id_dialect(const urne_lines *it, const char *p, const char *end, long ln, urne_diags *diags) {
    /* A copy of the iterator with its own room for converted lines: the line p points
     * into (it->scratch, for a latin-1 file) stays as it is. */
    urne_lines ahead = *it;
    ahead.scratch = NULL;
    ahead.scratch_cap = 0;
    ahead.owned = NULL;
    int droop = 0, openstv = 0;
    id_evidence(p, end, &droop, &openstv);
    urne_span line;
    while (urne_lines_next(&ahead, &line)) {
        line = uncomment(line);
        const char *q = line.p, *qend = line.p + line.len;
        while (q < qend && (*q == ' ' || *q == '\t')) q++;
        if (q < qend && *q == '0' && rest_blank(q + 1, qend)) break;
        if (q < qend && *q == '(') id_evidence(q, qend, &droop, &openstv);
    }
    free(ahead.scratch);
    if (droop != openstv) return droop ? IDS_DROOP : IDS_OPENSTV;
    urne_diags_add(diags, URNE_DIAG_ERROR, ln, "id", RULE_BLT,
                   droop ? "ballot ids are followed by a weight on some lines (OpenSTV) and not on others (droop)"
                         : "every ballot id is followed by 1: OpenSTV's weight 1, or droop's first preference for "
                           "candidate 1? Nothing in the file settles it");
    return -1;
}

typedef struct blt_ballots {
    long long ncand;
    int ids;            /* IDS_* */
    int seen, with_id;  /* ballots read; of them, with an id */
    uint16_t *prefs;
    uint8_t *tied, *withdrawn;
    uint32_t *ranked_on; /* per candidate: the last plain line (its stamp) ranking it */
    uint32_t stamp;      /* the plain line being read, counted from 1 */
    const char *last_nl; /* the text's last '\n', NULL when it has none */
} blt_ballots;

static int is_blank(char c) { return c == ' ' || c == '\t'; }
static int is_digit(char c) { return (unsigned char)(c - '0') < 10; }

/* The plain ballot line, the one a file holds by the thousand: "W c c ... 0" — a
 * weight of 1 to 12 digits (no leading zero, so at most 10^12 - 1, within
 * URNE_BALLOTS_WEIGHT_MAX), candidates of 1 to 5 digits, each 1..ncand and once,
 * blanks between, blanks after the 0, then "\n" or "\r\n". Read in one pass over
 * the line at p: a line that starts before the text's last '\n' has a '\n' of its own,
 * which stops every loop (neither a digit nor a blank), so that no byte is compared
 * with the end of the text and the line's end need not be searched for; digits are
 * folded in as they come; each candidate is checked against ranked_on (the stamp of
 * the last line ranking it) rather than against the candidates before it. Returns 1
 * with the weight, the ballot in r->prefs (withdrawn candidates skipped, no ties) and
 * *eol at the line's '\n'; 0 when the line is anything else — an option, an id, a
 * tie, a comment, an error, the last line of a text without its '\n' — and then
 * nothing is changed but ranked_on: the general reader reads the line, and words its
 * errors, as it always has. So this path accepts a subset of what the general one
 * does, and makes of it the same ballot. */
static int read_plain_ballot(blt_ballots *r, const char *p, int64_t *weight, size_t *n, const char **eol) {
    const char *digits;
    if (r->last_nl == NULL || p > r->last_nl) return 0;
    while (is_blank(*p)) p++;
    if (*p < '1' || *p > '9') return 0;
    int64_t w = 0;
    for (digits = p; is_digit(*p) && p - digits < 12; p++) w = w * 10 + (*p - '0');
    /* Locals, not r's fields: the stores to ranked_on would otherwise reload them. */
    uint32_t stamp = ++r->stamp, *ranked_on = r->ranked_on;
    const uint8_t *withdrawn = r->withdrawn;
    uint16_t *prefs = r->prefs;
    uint32_t ncand = (uint32_t)r->ncand;
    if (stamp == 0) { /* once in 2^32 lines: forget every stamp */
        memset(ranked_on, 0, ncand * sizeof *ranked_on);
        stamp = r->stamp = 1;
    }
    size_t k = 0;
    for (;;) {
        if (!is_blank(*p)) return 0; /* a 13th digit, '=', '#', a truncated line... */
        do p++;
        while (is_blank(*p));
        /* A candidate of one or two digits (nearly all of them) without a loop: p[1] may
         * be read once p[0] is a digit, p[2] once p[1] is (the line's '\n' is further). */
        uint32_t c = (uint32_t)(unsigned char)(p[0] - '0');
        if (c > 9) return 0; /* before p[1] is read: p[0] may be the text's last '\n' */
        uint32_t d = (uint32_t)(unsigned char)(p[1] - '0');
        digits = p;
        p += d <= 9 ? 2 : 1;
        c = d <= 9 ? c * 10 + d : c;
        if (d <= 9)
            for (; is_digit(*p) && p - digits < 6; p++) c = c * 10 + (uint32_t)(*p - '0');
        if (p - digits > 5) return 0;
        if (c == 0) break;
        if (c > ncand || ranked_on[c - 1] == stamp) return 0;
        ranked_on[c - 1] = stamp;
        prefs[k] = (uint16_t)(c - 1); /* kept unless withdrawn, without a branch */
        k += !withdrawn[c - 1];
    }
    while (is_blank(*p)) p++;
    if (*p == '\r') p++;
    if (*p != '\n') return 0;
    *weight = w;
    *n = k;
    *eol = p;
    return 1;
}

/* Read the next line of it when it is a plain ballot line (read_plain_ballot), and
 * add its ballot to out: 1 when read (it has moved past the line, its line number
 * counted, as urne_lines_next would have), -1 when out of memory, 0 when the line is
 * not plain (it has not moved). The bytes are read where they lie, without
 * urne_lines_next's copy: a plain line is ASCII, the same in a latin-1 text as
 * converted. */
static int next_plain_ballot(blt_ballots *r, urne_lines *it, urne_ballots *out, urne_diags *diags) {
    const char *eol;
    int64_t weight;
    size_t n;
    if (r->with_id || !read_plain_ballot(r, it->text + it->pos, &weight, &n, &eol)) return 0;
    it->pos = (size_t)(eol + 1 - it->text);
    it->lineno++;
    r->seen = 1;
    if (urne_parse_add_checked(out, weight, r->prefs, n, it->lineno, "weight", diags) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, NULL, "memory", "out of memory");
        return -1;
    }
    return 1;
}

/* One ballot line, p at its start (past blanks). 0, or -1 when out of memory; errors in
 * the line are added. */
static int read_ballot_line(blt_ballots *r, const char *p, const char *end, long ln, urne_ballots *out,
                            urne_diags *diags) {
    int has_id = *p == '(';
    if (has_id) {
        const char *close = memchr(p, ')', (size_t)(end - p));
        if (close == NULL) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "id", RULE_BLT, "a ballot id opened with '(' is not closed");
            return 0;
        }
        p = close + 1;
    }
    if (r->seen && has_id != r->with_id) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "id", RULE_BLT,
                       "either every ballot line starts with an id in parentheses or none does");
        return 0;
    }
    r->seen = 1;
    r->with_id = has_id;
    int64_t wv = 1;
    if (!has_id || r->ids == IDS_OPENSTV) {
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        const char *wtok = p;
        long long weight;
        if (next_int(&p, end, &weight) == 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "weight", RULE_BLT,
                           "a ballot line starts with its weight (a whole number), then preferences, then 0");
            return 0;
        }
        urne_span wspan = {wtok, (size_t)(p - wtok), 0};
        if (urne_parse_weight(wspan, ln, "weight", &wv, diags) != 0) return 0;
        if (has_id && wv != 1) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "weight", RULE_BLT,
                           "a ballot with an id is one ballot: its weight is 1, not %lld", (long long)wv);
            return 0;
        }
    }
    size_t n;
    if (read_preferences(p, end, ln, r->ncand, r->withdrawn, r->prefs, r->tied, &n, diags) != 0) return 0;
    if (urne_parse_add_ballot(out, wv, r->prefs, r->tied, n, ln, "weight", diags) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, "memory", "out of memory");
        return -1;
    }
    return 0;
}

/* Keep the withdrawn candidates in out (arena), when there are any. 0 or -1. */
static int keep_withdrawn(const blt_ballots *r, urne_ballots *out) {
    int any = 0;
    for (long long c = 0; c < r->ncand; c++) any |= r->withdrawn[c];
    if (!any) return 0;
    out->withdrawn = urne_arena_alloc(&out->arena, (size_t)r->ncand);
    if (out->withdrawn == NULL) return -1;
    memcpy(out->withdrawn, r->withdrawn, (size_t)r->ncand);
    return 0;
}

/* The lines after the header up to the line "0": options, withdrawn candidates and
 * ballots, added to out. Sets *ended when the "0" was met. 0, or -1 when out of memory
 * (the error added); errors in the lines are added and reading goes on. */
static int read_ballots(urne_lines *it, long long ncand, urne_ballots *out, int *ended, urne_diags *diags) {
    blt_ballots r = {ncand, IDS_NONE, 0, 0, malloc((size_t)ncand * sizeof *r.prefs), malloc((size_t)ncand),
                     calloc((size_t)ncand, 1), calloc((size_t)ncand, sizeof *r.ranked_on), 0, NULL};
    int rc = -1, plain;
    urne_span line;
    if (r.prefs == NULL || r.tied == NULL || r.withdrawn == NULL || r.ranked_on == NULL) goto oom;
    for (size_t i = it->len; i > it->pos && r.last_nl == NULL; i--)
        if (it->text[i - 1] == '\n') r.last_nl = it->text + i - 1;
    for (;;) {
        /* Plain ballot lines one pass each; any other line as it always was read. */
        while ((plain = next_plain_ballot(&r, it, out, diags)) == 1) continue;
        if (plain < 0) goto out;
        if (!urne_lines_next(it, &line)) break;
        long ln = it->lineno;
        line = uncomment(line);
        if (urne_span_blank(line)) continue;
        const char *p = line.p, *end = line.p + line.len;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        long long first = 0;
        const char *q = p;
        int fr = next_int(&q, end, &first);
        if (fr == 1 && first == 0 && rest_blank(q, end)) {
            *ended = 1;
            break;
        }
        int negatives = fr == 1 && first < 0 && only_negatives(p, end);
        if (*p == '(' && !r.seen && (r.ids = ballot_id_dialect(it, p, end, ln, diags)) < 0) break;
        if (negatives && r.seen) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "withdrawn", RULE_BLT,
                           "withdrawn candidates (negative numbers) are listed right after the first line, before "
                           "any ballot");
        } else if (*p == '[' && r.seen) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "option", RULE_OPTION,
                           "options are listed right after the first line, before any ballot");
        } else if (*p == '[') {
            read_option_line(p, end, ln, ncand, r.withdrawn, out, diags);
        } else if (negatives) {
            read_withdrawn(p, end, ln, ncand, r.withdrawn, diags);
        } else if (read_ballot_line(&r, p, end, ln, out, diags) != 0) {
            goto out;
        }
    }
    if (keep_withdrawn(&r, out) != 0) goto oom;
    rc = 0;
    goto out;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
out:
    free(r.prefs);
    free(r.tied);
    free(r.withdrawn);
    free(r.ranked_on);
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
    /* A ballot line takes 6 bytes at least ("1 2 0\n"), a preference 2 ("2 "): room
     * for as many, so that the arrays are never copied as they grow (a hint). */
    urne_ballots_reserve(out, len / 6 + 1, len / 2 + 1);
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
