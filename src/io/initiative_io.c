/*
 * initiative_io: the counts CSV reader (see initiative_io.h).
 *
 * The columns are found by their names in the header, so that a file exported by
 * a spreadsheet with its columns in another order, or with columns of its own, is
 * read the same. Each line's counts go through urne_parse_count, which names what
 * to write instead of a bad figure. The duplicate check sorts the names once
 * (n log n) rather than comparing every pair: a file of 35,000 communes is
 * ordinary.
 */
#include <stdlib.h>
#include <string.h>

#include "initiative_io.h"
#include "parse_common.h"

#define RULE_DUPLICATE "duplicate-territory"
#define RULE_NAME "territory-name"

enum { COL_TERRITORY, COL_ELECTORATE, COL_SIGNATURES, COL_SEATS, COL_MINIMUM, NCOLS };
static const char column_names[NCOLS][12] = {"territory", "electorate", "signatures", "seats", "minimum"};

/* The header's columns into col[] (-1 when absent). 0, or -1 with the errors added. */
static int read_header(urne_span line, char sep, long ln, long col[NCOLS], urne_diags *d) {
    urne_span f[64];
    long nf = urne_fields_split(line, sep, f, 64);
    for (int c = 0; c < NCOLS; c++) col[c] = -1;
    for (long i = 0; i < nf && i < 64; i++)
        for (int c = 0; c < NCOLS; c++)
            if (urne_span_eq_nocase(f[i], column_names[c]) && col[c] < 0) col[c] = i;
    int bad = 0;
    for (int c = 0; c <= COL_SIGNATURES; c++)
        if (col[c] < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, column_names[c], URNE_RULE_HEADER,
                           "the header has no column '%s' (territory, electorate and signatures are needed)",
                           column_names[c]);
            bad = -1;
        }
    return bad;
}

/* An optional count: empty is -1 (not given). */
static int optional_count(urne_span s, long ln, const char *field, int64_t *out, urne_diags *d) {
    if (urne_span_blank(s)) return *out = -1, 0;
    return urne_parse_count(s, ln, field, out, d);
}

/* Read one territory's line into *c. 0, or -1 with the errors added. */
static int read_line(urne_span line, char sep, long ln, const long col[NCOLS], urne_arena *arena,
                     urne_initiative_count *c, urne_diags *d) {
    urne_span f[64];
    long nf = urne_fields_split(line, sep, f, 64);
    long need = 0;
    for (int k = 0; k < NCOLS; k++)
        if (col[k] + 1 > need) need = col[k] + 1;
    if (nf < need || nf > 64) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                       "%ld fields, but the header names %ld columns", nf, need);
        return -1;
    }
    urne_span name = f[col[COL_TERRITORY]];
    if (urne_span_blank(name)) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "territory", RULE_NAME, "the territory has no name");
        return -1;
    }
    c->name = urne_span_dup(arena, name);
    int bad = c->name == NULL ? -1 : 0;
    if (urne_parse_count(f[col[COL_ELECTORATE]], ln, "electorate", &c->electorate, d) < 0) bad = -1;
    if (urne_parse_count(f[col[COL_SIGNATURES]], ln, "signatures", &c->signatures, d) < 0) bad = -1;
    c->seats = c->minimum = -1;
    if (col[COL_SEATS] >= 0 && optional_count(f[col[COL_SEATS]], ln, "seats", &c->seats, d) < 0) bad = -1;
    if (col[COL_MINIMUM] >= 0 && optional_count(f[col[COL_MINIMUM]], ln, "minimum", &c->minimum, d) < 0) bad = -1;
    return bad;
}

typedef struct named {
    const char *name;
    long line;
} named;

static int by_name(const void *a, const void *b) {
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Every territory named twice, said at its second line. */
static void check_duplicates(const urne_initiative_count *items, const long *lines, size_t n, urne_diags *d) {
    named *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL) {
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory reading the counts");
        return;
    }
    for (size_t i = 0; i < n; i++) v[i].name = items[i].name, v[i].line = lines[i];
    qsort(v, n, sizeof *v, by_name);
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i].name, v[i - 1].name) == 0)
            urne_diags_add(d, URNE_DIAG_ERROR, v[i].line, "territory", RULE_DUPLICATE,
                           "territory %s is already counted at line %ld", v[i].name, v[i - 1].line);
    free(v);
}

static int grow(urne_initiative_counts *out, long **lines, size_t *cap) {
    if (out->n < *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    urne_initiative_count *ni = realloc(out->items, ncap * sizeof *ni);
    if (ni) out->items = ni;
    long *nl = realloc(*lines, ncap * sizeof *nl);
    if (nl) *lines = nl;
    if (!ni || !nl) return -1;
    *cap = ncap;
    return 0;
}

int urne_io_parse_initiative_counts(const char *buf, size_t len, urne_initiative_counts *out, urne_diags *d) {
    memset(out, 0, sizeof *out);
    urne_arena_init(&out->arena);
    size_t before = d->errors, cap = 0;
    long *lines = NULL, col[NCOLS];
    int have_header = 0;
    char sep = ',';
    urne_lines it;
    if (urne_parse_open(buf, len, URNE_ENC_AUTO, &it, d) < 0) return -1;
    urne_span line;
    while (urne_lines_next(&it, &line)) {
        if (urne_span_blank(line) || line.p[0] == '#') continue;
        if (!have_header) {
            sep = urne_parse_header_separator(line);
            if (read_header(line, sep, it.lineno, col, d) < 0) break;
            have_header = 1;
            continue;
        }
        if (grow(out, &lines, &cap) < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, NULL, "memory", "out of memory reading the counts");
            break;
        }
        if (read_line(line, sep, it.lineno, col, &out->arena, &out->items[out->n], d) == 0)
            lines[out->n++] = it.lineno;
    }
    urne_lines_free(&it);
    if (have_header && out->n == 0 && d->errors == before)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no territory after the header line");
    if (!have_header && d->errors == before)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file has no header line");
    if (d->errors == before) check_duplicates(out->items, lines, out->n, d);
    free(lines);
    if (d->errors != before) {
        urne_initiative_counts_free(out);
        return -1;
    }
    return 0;
}

void urne_initiative_counts_free(urne_initiative_counts *c) {
    free(c->items);
    urne_arena_free(&c->arena);
    memset(c, 0, sizeof *c);
    urne_arena_init(&c->arena);
}
