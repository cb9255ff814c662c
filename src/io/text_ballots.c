/*
 * text_ballots: ballots a person can write by hand.
 *
 *   # title: Bureau de la section de Montval
 *   # seats: 3
 *   # candidates: Alice MARTIN, Bruno ROSSI, Chloé DIALLO
 *   12: Alice MARTIN > Bruno ROSSI = Chloé DIALLO
 *   Bruno ROSSI > Alice MARTIN
 *
 * One ballot kind per line: an optional count and ':' (default 1), then candidates best
 * first, '>' between ranks and '=' between equals. With '# candidates:' every name must
 * be one of them (typos are caught); without it, candidates are taken in order of first
 * appearance. The same lines with one name each ("1200: Liste A") are list votes for the
 * seat methods. Lines starting with '#' are comments unless they are one of the keys
 * above or a college:
 *
 *   # college: Salariés; weight 50
 *   # college: Usagers; weight 20
 *   [Salariés] 3: Alice > Bruno
 *   [Usagers] 40: Bruno > Alice
 *
 * Then every ballot names its college, and each college's ballots are weighted so that
 * the college counts for its weight whatever its number of voters: a ballot weighs
 * weight x L / voters, L the least common multiple of the colleges' voters (exact
 * integers, for every method).
 *
 * A count is a whole number from 1 to URNE_BALLOTS_WEIGHT_MAX: "0: A > B" and
 * "-3: A > B" are refused with their line (the second is not a candidate called
 * "-3: A"), and so are colleges whose weighting would pass the bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../io/parse_common.h"
#include "ballots_io.h"

#define RULE_TEXT "text-format"
#define MAX_NAMES 4096

typedef struct names {
    char **items;
    size_t n;
    int declared;
} names;

static urne_span trimmed(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
    urne_span s = {p, (size_t)(end - p), 0};
    return s;
}

static long find_name(const names *ns, urne_span s) {
    for (size_t i = 0; i < ns->n; i++)
        if (strlen(ns->items[i]) == s.len && memcmp(ns->items[i], s.p, s.len) == 0) return (long)i;
    return -1;
}

static int add_name(names *ns, urne_span s) {
    if (ns->n == MAX_NAMES) return -1;
    ns->items[ns->n] = malloc(s.len + 1);
    if (ns->items[ns->n] == NULL) return -1;
    memcpy(ns->items[ns->n], s.p, s.len);
    ns->items[ns->n][s.len] = '\0';
    ns->n++;
    return 0;
}

/* Split "count: rest": *count (default 1) and the rest; -1 when the count is bad
 * (reported at line `ln` unless diags is NULL). A sign before the digits makes it a
 * count too, so that "-3: A" is a negative count, not a name. */
static int split_count(urne_span line, int64_t *count, urne_span *rest, long ln, urne_diags *diags) {
    const char *colon = memchr(line.p, ':', line.len);
    *count = 1;
    *rest = line;
    if (colon == NULL) return 0;
    urne_span c = trimmed(line.p, colon);
    size_t sign = c.len > 1 && (c.p[0] == '-' || c.p[0] == '+') ? 1 : 0;
    int digits = c.len > sign;
    for (size_t i = sign; i < c.len; i++) digits &= c.p[i] >= '0' && c.p[i] <= '9';
    if (!digits) return 0; /* a colon inside a name */
    if (c.p[0] == '+') c.p++, c.len--;
    int64_t ignored;
    if (urne_num_parse_count(c.p, c.len, &ignored) == URNE_NUM_OVERFLOW) { /* beyond int64: never wrapped */
        if (diags)
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "count", RULE_TEXT,
                           "the count before ':' must be a whole number that fits in 64 bits: '%.*s' does not "
                           "(a ballot's count is at most %lld)",
                           (int)(c.len > 40 ? 40 : c.len), c.p, (long long)URNE_BALLOTS_WEIGHT_MAX);
        return -1;
    }
    int rc = urne_parse_weight(c, ln, "count", count, diags);
    if (rc == -2 && diags)
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "count", RULE_TEXT, "the count before ':' must be a whole number");
    if (rc != 0) return -1;
    rest->p = colon + 1;
    rest->len = (size_t)(line.p + line.len - rest->p);
    return 0;
}

/* Walk the candidates of a ballot line, calling `each` for every name with its tie flag.
 * Errors of form go to diags (NULL: not reported). */
typedef int (*name_fn)(void *ctx, urne_span name, int tied, long line);

static int walk(urne_span rest, long ln, urne_diags *diags, name_fn each, void *ctx) {
    const char *p = rest.p, *end = rest.p + rest.len;
    int tied = 0, any = 0;
    while (p <= end) {
        const char *q = p;
        while (q < end && *q != '>' && *q != '=') q++;
        urne_span name = trimmed(p, q);
        if (name.len == 0) {
            if (!any && q == end) return 0; /* an empty ballot */
            if (diags != NULL) /* pass 1 only collects names; pass 2 reports */
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, "ranking", RULE_TEXT,
                               "an empty place in the ranking (write 'A > B = C')");
            return -1;
        }
        if (each(ctx, name, tied, ln) != 0) return -1;
        any = 1;
        if (q >= end) break;
        tied = *q == '=';
        p = q + 1;
    }
    return 0;
}

static int collect(void *ctx, urne_span name, int tied, long ln) {
    (void)tied, (void)ln;
    names *ns = ctx;
    return find_name(ns, name) >= 0 || ns->declared ? 0 : add_name(ns, name);
}

typedef struct build {
    names *ns;
    uint16_t *prefs;
    uint8_t *tied;
    size_t n;
    urne_diags *diags;
} build;

static int place(void *ctx, urne_span name, int tied, long ln) {
    build *bd = ctx;
    long i = find_name(bd->ns, name);
    if (i < 0) {
        urne_diags_add(bd->diags, URNE_DIAG_ERROR, ln, "candidate", "unknown-candidate",
                       "'%.*s' is not among the declared candidates", (int)name.len, name.p);
        return -1;
    }
    for (size_t k = 0; k < bd->n; k++)
        if (bd->prefs[k] == i) {
            urne_diags_add(bd->diags, URNE_DIAG_ERROR, ln, "candidate", "repeated-rank",
                           "'%.*s' is ranked twice on the same ballot", (int)name.len, name.p);
            return -1;
        }
    bd->tied[bd->n] = (uint8_t)(bd->n > 0 && tied);
    bd->prefs[bd->n++] = (uint16_t)i;
    return 0;
}

/* Colleges: "# college: NAME; weight N", then ballot lines "[NAME] 3: A > B". */
#define MAX_COLLEGES 64

typedef struct colleges {
    char name[MAX_COLLEGES][128];
    int64_t weight[MAX_COLLEGES];
    int64_t voters[MAX_COLLEGES];
    int64_t factor[MAX_COLLEGES]; /* ballot weight per voter: weight x lcm(voters) / voters */
    size_t n;
} colleges;

/* Split "[NAME] rest": the college's index in *college, or -1 when the line names none;
 * -2 (with an error) for an unknown college. */
static int split_college(urne_span *line, const colleges *cs, long *college, long ln, urne_diags *diags) {
    urne_span t = trimmed(line->p, line->p + line->len);
    *college = -1;
    if (t.len == 0 || t.p[0] != '[') return 0;
    const char *close = memchr(t.p, ']', t.len);
    if (close == NULL) {
        if (diags) urne_diags_add(diags, URNE_DIAG_ERROR, ln, "college", RULE_TEXT, "a '[' is left open");
        return -2;
    }
    urne_span name = trimmed(t.p + 1, close);
    for (size_t i = 0; i < cs->n; i++)
        if (strlen(cs->name[i]) == name.len && memcmp(cs->name[i], name.p, name.len) == 0) *college = (long)i;
    if (*college < 0) {
        if (diags)
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "college", "unknown-college",
                           "'%.*s' is not a declared college", (int)name.len, name.p);
        return -2;
    }
    line->p = close + 1;
    line->len = (size_t)(t.p + t.len - line->p);
    return 0;
}

static int64_t gcd64(int64_t a, int64_t b) {
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* factor[c] = weight[c] x L / voters[c], L the lcm of the colleges' voters: every
 * college then weighs its share whatever its size. -1 when the numbers overflow. */
static int college_factors(colleges *cs) {
    int64_t l = 1;
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->voters[i] == 0) continue;
        int64_t step = cs->voters[i] / gcd64(l, cs->voters[i]);
        if (__builtin_mul_overflow(l, step, &l)) return -1;
    }
    for (size_t i = 0; i < cs->n; i++)
        if (cs->voters[i] && __builtin_mul_overflow(cs->weight[i], l / cs->voters[i], &cs->factor[i])) return -1;
    return 0;
}

/* "# key: value" -> 1 and the value, when key matches. */
static int meta(urne_span line, const char *key, urne_span *value) {
    if (line.len < 2 || line.p[0] != '#') return 0;
    urne_span body = trimmed(line.p + 1, line.p + line.len);
    size_t k = strlen(key);
    if (body.len <= k || strncasecmp(body.p, key, k) != 0 || body.p[k] != ':') return 0;
    *value = trimmed(body.p + k + 1, body.p + body.len);
    return 1;
}

/* What the file says before its ballots are read (pass 1), and the room a ballot
 * line is placed in (pass 2). */
typedef struct text_file {
    names ns;
    build bd;
    colleges *cs;
    char title[256];
    int64_t seats;
} text_file;

/* "# candidates: A, B, C": each name not seen yet. 0, or -1 when out of memory. */
static int read_candidates(names *ns, urne_span value) {
    const char *p = value.p, *end = value.p + value.len;
    while (p < end) {
        const char *q = memchr(p, ',', (size_t)(end - p));
        if (q == NULL) q = end;
        urne_span name = trimmed(p, q);
        if (name.len && find_name(ns, name) < 0 && add_name(ns, name) != 0) return -1;
        p = q + 1;
    }
    ns->declared = 1;
    return 0;
}

/* "# college: NAME; weight N" */
static void read_college(colleges *cs, urne_span value, long ln, urne_diags *diags) {
    const char *semi = memchr(value.p, ';', value.len);
    urne_span name = trimmed(value.p, semi ? semi : value.p + value.len), w = {"", 0, 0};
    if (semi) w = trimmed(semi + 1, value.p + value.len);
    int64_t weight = 0;
    if (name.len == 0 || w.len < 7 || strncasecmp(w.p, "weight ", 7) != 0 ||
        urne_num_parse_count(w.p + 7, w.len - 7, &weight) != URNE_NUM_OK || weight <= 0 || cs->n == MAX_COLLEGES) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "college", RULE_TEXT,
                       "a college line reads '# college: NAME; weight N' with N a whole number > 0");
        return;
    }
    snprintf(cs->name[cs->n], sizeof cs->name[0], "%.*s", (int)name.len, name.p);
    cs->weight[cs->n++] = weight;
}

/* A ballot line in pass 1: its college and count are checked (and reported), its
 * names collected when no candidates are declared, its count added to its
 * college's voters. */
static void scan_ballot(text_file *tf, urne_span line, long ln, urne_diags *diags) {
    colleges *cs = tf->cs;
    int64_t count;
    urne_span rest;
    long college;
    if (split_college(&line, cs, &college, ln, diags) != 0) return;
    if (cs->n > 0 && college < 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "college", RULE_TEXT,
                       "colleges are declared: every ballot line starts with its [college]");
        return;
    }
    if (split_count(line, &count, &rest, ln, diags) != 0) return;
    walk(rest, ln, NULL, collect, &tf->ns);
    /* both at most the bound: their sum fits, and is checked against it */
    if (college >= 0 && (cs->voters[college] += count) > URNE_BALLOTS_WEIGHT_MAX) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "count", URNE_RULE_WEIGHT_BOUND,
                       "the college's voters add up to more than %lld", (long long)URNE_BALLOTS_WEIGHT_MAX);
        cs->voters[college] = 1; /* reported once; the file is rejected */
    }
}

/* Pass 1: the metadata, the colleges and the candidates' names. 0, or -1 when out of
 * memory; errors in the file go to diags. */
static int read_header(text_file *tf, urne_lines *it, urne_diags *diags) {
    urne_span line, value;
    while (urne_lines_next(it, &line)) {
        if (meta(line, "title", &value)) {
            snprintf(tf->title, sizeof tf->title, "%.*s", (int)value.len, value.p);
        } else if (meta(line, "seats", &value)) {
            if (urne_num_parse_count(value.p, value.len, &tf->seats) != URNE_NUM_OK || tf->seats < 1)
                urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, "seats", RULE_TEXT, "seats is a whole number >= 1");
        } else if (meta(line, "candidates", &value)) {
            if (read_candidates(&tf->ns, value) != 0) return -1;
        } else if (meta(line, "college", &value)) {
            read_college(tf->cs, value, it->lineno, diags);
        } else if (!urne_span_blank(line) && line.p[0] != '#') {
            scan_ballot(tf, line, it->lineno, diags);
        }
    }
    if (tf->cs->n > 0 && college_factors(tf->cs) != 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "college", "exact-arithmetic",
                       "the colleges' sizes are too large to weigh their ballots exactly");
    return 0;
}

/* Pass 2: every ballot line into out, weighted by its college. 0, or -1 when out of
 * memory; errors in the file go to diags. */
static int read_ballots(text_file *tf, urne_lines *it, urne_ballots *out, urne_diags *diags) {
    const colleges *cs = tf->cs;
    urne_span line;
    urne_lines_rewind(it);
    while (urne_lines_next(it, &line)) {
        if (urne_span_blank(line) || line.p[0] == '#') continue;
        int64_t count, weight;
        urne_span rest;
        long college;
        /* the line's college and count were reported in pass 1 when wrong */
        if (split_college(&line, cs, &college, it->lineno, NULL) != 0 || (cs->n > 0 && college < 0)) continue;
        if (split_count(line, &count, &rest, it->lineno, NULL) != 0) continue;
        tf->bd.n = 0;
        if (walk(rest, it->lineno, diags, place, &tf->bd) != 0) continue;
        if (college >= 0 && __builtin_mul_overflow(count, cs->factor[college], &weight)) {
            urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, "college", "exact-arithmetic",
                           "the college's weighting overflows");
            continue;
        }
        if (urne_parse_add_ballot(out, college >= 0 ? weight : count, tf->bd.prefs, tf->bd.tied, tf->bd.n,
                                  it->lineno, college >= 0 ? "weight" : "count", diags) != 0)
            return -1;
        out->voters += count; /* each count is at most its weight (factors are >= 1): within the bound */
    }
    return 0;
}

int urne_io_parse_text_ballots(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, diags) != 0) return -1;
    text_file tf = {.ns = {calloc(MAX_NAMES, sizeof(char *)), 0, 0}};
    tf.bd = (build){&tf.ns, malloc(MAX_NAMES * sizeof(uint16_t)), malloc(MAX_NAMES), 0, diags};
    tf.cs = calloc(1, sizeof *tf.cs);
    int rc = -1;
    if (!tf.ns.items || !tf.bd.prefs || !tf.bd.tied || !tf.cs) goto oom;
    if (read_header(&tf, &it, diags) != 0) goto oom;
    if (tf.ns.n == 0) {
        if (diags->errors == 0)
            urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no candidate and no ballot in the file");
        goto done;
    }
    if (urne_ballots_init(out, tf.ns.n, (const char *const *)tf.ns.items) != 0) goto oom;
    if (tf.title[0] && urne_ballots_title(out, tf.title) != 0) goto oom;
    out->seats = (size_t)tf.seats;
    if (read_ballots(&tf, &it, out, diags) != 0) goto oom;
    if (diags->errors == 0 && out->total == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no ballot in the file");
    rc = diags->errors ? -1 : 0;
    if (rc != 0) urne_ballots_free(out);
    goto done;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    urne_ballots_free(out);
done:
    urne_lines_free(&it);
    for (size_t i = 0; tf.ns.items && i < tf.ns.n; i++) free(tf.ns.items[i]);
    free(tf.ns.items);
    free(tf.bd.prefs);
    free(tf.bd.tied);
    free(tf.cs);
    return rc;
}
