/*
 * csv_ballots: approval and grade ballots as a spreadsheet writes them.
 *
 *   # title: Budget participatif de Montval
 *   # grades: Excellent, Très bien, Bien, Assez bien, Passable, Insuffisant, À rejeter
 *   count;Jardin partagé;Piste cyclable;Ludothèque
 *   3;Très bien;Bien;À rejeter
 *   1;Excellent;;Passable
 *
 * A header of candidate names (an optional 'count' column gives each row's number of
 * voters), then one row per voter or kind of vote, ',', ';' or tab separated (a row of
 * empty cells is skipped; a file in UTF-16 with its mark, Excel's "Texte Unicode", is read
 * as well). With '# grades:'
 * (best first) the cells are grades, matched regardless of case and accents, an empty
 * cell the worst grade (no opinion counts as
 * rejection, as majority judgment prescribes); without it the cells are approvals:
 * 1, x, yes, oui approve, 0, no, non or empty do not. A count is a whole number from 1
 * to URNE_BALLOTS_WEIGHT_MAX (a row of no voters is an error, never skipped), and the
 * rows' counts add up to at most that bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../io/parse_common.h"
#include "ballots_io.h"

#define RULE_CSV "csv-format"
#define MAX_COLS 1024

static urne_span trim(urne_span s) {
    while (s.len && (*s.p == ' ' || *s.p == '\t')) s.p++, s.len--;
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t')) s.len--;
    return s;
}

static int is_word(urne_span s, const char *const *words) {
    for (size_t i = 0; words[i]; i++)
        if (urne_span_eq_nocase(s, words[i])) return 1;
    return 0;
}

/* Shared reading: header, grades, and a callback per data row. */
typedef struct csv_read {
    char title[256];
    char *grades[64];
    size_t ngrades;
    char *names[MAX_COLS];
    size_t ncand;
    long count_col;
    long col_of[MAX_COLS]; /* header column -> candidate index, -1 for count */
    long ncols;
    char sep;
} csv_read;

static void csv_free(csv_read *c) {
    for (size_t i = 0; i < c->ngrades; i++) free(c->grades[i]);
    for (size_t i = 0; i < c->ncand; i++) free(c->names[i]);
}

static char *dup_span(urne_span s) {
    char *p = malloc(s.len + 1);
    if (p) memcpy(p, s.p, s.len), p[s.len] = '\0';
    return p;
}

/* Read '#' lines and the header; leaves `it` on the first data line. -1 on error. */
static int read_head(urne_lines *it, csv_read *c, urne_diags *diags) {
    urne_span line;
    memset(c, 0, sizeof *c);
    c->count_col = -1;
    while (urne_lines_next(it, &line)) {
        if (urne_span_blank(line)) continue;
        if (line.p[0] == '#') {
            line = urne_span_trim_padding(line); /* "# grades: ...;;;" as a spreadsheet saves it */
            urne_span body = trim((urne_span){line.p + 1, line.len - 1, 0});
            if (body.len > 6 && strncasecmp(body.p, "title:", 6) == 0) {
                urne_span v = trim((urne_span){body.p + 6, body.len - 6, 0});
                snprintf(c->title, sizeof c->title, "%.*s", (int)v.len, v.p);
            } else if (body.len > 7 && strncasecmp(body.p, "grades:", 7) == 0) {
                const char *p = body.p + 7, *end = body.p + body.len;
                while (p < end && c->ngrades < 64) {
                    const char *q = memchr(p, ',', (size_t)(end - p));
                    if (q == NULL) q = end;
                    urne_span g = trim((urne_span){p, (size_t)(q - p), 0});
                    if (g.len && (c->grades[c->ngrades++] = dup_span(g)) == NULL) return -1;
                    p = q + 1;
                }
                if (c->ngrades < 2) {
                    urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, "grades", RULE_CSV,
                                   "a scale needs at least two grades, best first, separated by commas");
                    return -1;
                }
            }
            continue;
        }
        size_t semis = 0, commas = 0, tabs = 0;
        for (size_t i = 0; i < line.len; i++)
            semis += line.p[i] == ';', commas += line.p[i] == ',', tabs += line.p[i] == '\t';
        c->sep = tabs > semis && tabs > commas ? '\t' : semis > commas ? ';' : ',';
        urne_span f[MAX_COLS];
        long n = urne_fields_split(line, c->sep, f, MAX_COLS);
        if (n < 1 || n > MAX_COLS) {
            urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, NULL, URNE_RULE_HEADER, "the header line cannot be read");
            return -1;
        }
        c->ncols = n;
        for (long i = 0; i < n; i++) {
            urne_span h = trim(f[i]);
            if (urne_span_eq_nocase(h, "count")) {
                c->count_col = i;
                c->col_of[i] = -1;
                continue;
            }
            if (h.len == 0) {
                urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, NULL, URNE_RULE_HEADER, "column %ld has no name", i + 1);
                return -1;
            }
            c->col_of[i] = (long)c->ncand;
            if ((c->names[c->ncand++] = dup_span(h)) == NULL) return -1;
        }
        if (c->ncand == 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, NULL, URNE_RULE_HEADER, "the header names no candidate");
            return -1;
        }
        return 0;
    }
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no header line naming the candidates");
    return -1;
}

typedef int (*row_fn)(void *ctx, const csv_read *c, const urne_span *f, int64_t count, long line, urne_diags *diags);

/* Call fn for every data row with its fields and count; field-count and count errors
 * are reported here. Returns -1 when fn runs out of memory. */
static int each_row(urne_lines *it, const csv_read *c, urne_diags *diags, row_fn fn, void *ctx) {
    urne_span line, *f = malloc(MAX_COLS * sizeof *f);
    if (f == NULL) return -1;
    while (urne_lines_next(it, &line)) {
        if (urne_span_blank(line) || line.p[0] == '#' || urne_span_only_separators(line, c->sep)) continue;
        long n = urne_fields_split(line, c->sep, f, MAX_COLS);
        if (n != c->ncols) {
            if (n >= 0 && n < c->ncols)
                urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, NULL, URNE_RULE_FIELD_COUNT,
                               "%ld fields, but the header has %ld (truncated line?)", n, c->ncols);
            else
                urne_diags_add(diags, URNE_DIAG_ERROR, it->lineno, NULL, URNE_RULE_FIELD_COUNT,
                               "%ld fields, but the header has %ld", n, c->ncols);
            continue;
        }
        int64_t count = 1;
        if (c->count_col >= 0) {
            /* a row of no voters, or of fewer than none, is refused, not skipped */
            int rc = urne_parse_weight(f[c->count_col], it->lineno, "count", &count, diags);
            if (rc == -2) urne_parse_count(f[c->count_col], it->lineno, "count", &count, diags); /* says why */
            if (rc != 0) continue;
        }
        if (fn(ctx, c, f, count, it->lineno, diags) != 0) {
            free(f);
            return -1;
        }
    }
    free(f);
    return 0;
}

static int grade_row(void *ctx, const csv_read *c, const urne_span *f, int64_t count, long line, urne_diags *diags) {
    urne_grades *g = ctx;
    size_t grade[MAX_COLS];
    for (long i = 0; i < c->ncols; i++) {
        if (c->col_of[i] < 0) continue;
        urne_span cell = trim(f[i]);
        size_t k = c->ngrades - 1; /* empty: the worst grade */
        if (cell.len) {
            /* Compared folded: "à rejeter" is "À rejeter", "tres bien" is "Très bien". */
            char folded[128], want[128];
            urne_text_fold_header(cell, folded, sizeof folded);
            for (k = 0; k < c->ngrades; k++) {
                urne_span gs = {c->grades[k], strlen(c->grades[k]), 0};
                urne_text_fold_header(gs, want, sizeof want);
                if (strcmp(folded, want) == 0) break;
            }
            if (k == c->ngrades) {
                urne_diags_add(diags, URNE_DIAG_ERROR, line, c->names[c->col_of[i]], "unknown-grade",
                               "'%.*s' is not a grade of the scale (%s ... %s)", (int)cell.len, cell.p, c->grades[0],
                               c->grades[c->ngrades - 1]);
                return 0;
            }
        }
        grade[c->col_of[i]] = k;
    }
    /* The voters of the file stay within the ballots' bound, so that every
     * candidate's counts (each at most the total) and the majority judgment's sums
     * over them fit in int64. */
    if (count > URNE_BALLOTS_WEIGHT_MAX - g->total) {
        urne_diags_add(diags, URNE_DIAG_ERROR, line, "count", URNE_RULE_WEIGHT_BOUND,
                       "with this row the voters add up to more than %lld, the most one file may hold",
                       (long long)URNE_BALLOTS_WEIGHT_MAX);
        return 0;
    }
    for (size_t cand = 0; cand < c->ncand; cand++) g->counts[cand * g->ngrades + grade[cand]] += count;
    g->total += count;
    return 0;
}

/* Open a CSV: prologue and header. 0 with `it` on the first data row, or -1 (all freed). */
static int open_csv(const char *buf, size_t len, urne_encoding enc, urne_lines *it, csv_read *c, urne_diags *diags) {
    memset(c, 0, sizeof *c);
    if (urne_parse_open(buf, len, enc, it, diags) != 0) return -1;
    if (read_head(it, c, diags) == 0) return 0;
    csv_free(c);
    urne_lines_free(it);
    return -1;
}

/* After the rows: the title, an empty file, and the verdict. */
static int close_csv(urne_lines *it, csv_read *c, int64_t total, urne_diags *diags) {
    if (diags->errors == 0 && total == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no ballot after the header");
    csv_free(c);
    urne_lines_free(it);
    return diags->errors ? -1 : 0;
}

int urne_io_parse_grades_csv(const char *buf, size_t len, urne_encoding enc, urne_grades *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    urne_lines it;
    csv_read c;
    if (open_csv(buf, len, enc, &it, &c, diags) != 0) return -1;
    if (c.ngrades == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "grades", RULE_CSV,
                       "no '# grades: best, ..., worst' line: majority judgment needs the scale");
    else if (urne_grades_init(out, c.ncand, (const char *const *)c.names, c.ngrades, (const char *const *)c.grades) != 0 ||
             each_row(&it, &c, diags, grade_row, out) != 0 ||
             (c.title[0] && (out->title = urne_arena_strdup(&out->arena, c.title)) == NULL))
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    int rc = close_csv(&it, &c, out->total, diags);
    if (rc != 0) urne_grades_free(out);
    return rc;
}

static int approval_row(void *ctx, const csv_read *c, const urne_span *f, int64_t count, long line, urne_diags *diags) {
    static const char *const yes[] = {"1", "x", "yes", "oui", NULL};
    static const char *const no[] = {"0", "no", "non", "", NULL};
    urne_ballots *b = ctx;
    uint16_t prefs[MAX_COLS];
    uint8_t tied[MAX_COLS];
    size_t n = 0;
    for (long i = 0; i < c->ncols; i++) {
        if (c->col_of[i] < 0) continue;
        urne_span cell = trim(f[i]);
        if (is_word(cell, yes)) {
            tied[n] = n > 0;
            prefs[n++] = (uint16_t)c->col_of[i];
        } else if (!is_word(cell, no)) {
            urne_diags_add(diags, URNE_DIAG_ERROR, line, c->names[c->col_of[i]], "approval",
                           "'%.*s' is neither an approval (1, x, yes, oui) nor its absence (0, no, non, empty)",
                           (int)cell.len, cell.p);
            return 0;
        }
    }
    return urne_parse_add_ballot(b, count, prefs, tied, n, line, "count", diags);
}

int urne_io_parse_approval_csv(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    urne_lines it;
    csv_read c;
    if (open_csv(buf, len, enc, &it, &c, diags) != 0) return -1;
    if (c.ngrades > 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "grades", RULE_CSV, "this file holds grades: count it with --method mj");
    else if (urne_ballots_init(out, c.ncand, (const char *const *)c.names) != 0 ||
             each_row(&it, &c, diags, approval_row, out) != 0 || (c.title[0] && urne_ballots_title(out, c.title) != 0))
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    int rc = close_csv(&it, &c, out->total, diags);
    if (rc != 0) urne_ballots_free(out);
    return rc;
}
