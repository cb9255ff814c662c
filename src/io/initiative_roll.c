/*
 * initiative_roll: the electoral roll's CSV reader (see initiative_roll.h).
 *
 * The columns are found by their folded names, so a commune's export with its
 * columns in another order, in French, or with columns of its own, reads the
 * same. Each line's fields are copied (bounded: a field longer than a name can
 * be is refused with its length) and handed to the identity engine, whose fault
 * becomes the line's error with the engine's rule code. Lines are kept in file
 * order with their numbers, so that the store's refusal of a duplicate elector
 * can name the line too.
 */
#include <stdlib.h>
#include <string.h>

#include "initiative_roll.h"
#include "parse_common.h"

enum { COL_NAME, COL_GIVEN, COL_BIRTH, COL_COMMUNE, COL_TERRITORY, COL_ELECTOR, NCOLS };
static const char *const column_names[NCOLS][3] = {
    {"name", "nom", NULL},       {"given", "prenoms", "prenom"},   {"birth", "naissance", "date de naissance"},
    {"commune", NULL, NULL},     {"territory", "territoire", NULL}, {"elector", "numero", "numero electeur"},
};
#define FIELD_MAX 256 /* bytes of one field, its NUL included */

/* The header's columns into col[] (-1 when absent). 0, or -1 with the errors added. */
static int read_header(urne_span line, char sep, long ln, long col[NCOLS], urne_diags *d) {
    urne_parse_find_columns(line, sep, &column_names[0][0], NCOLS, 3, col);
    int bad = 0;
    for (int c = 0; c <= COL_COMMUNE; c++)
        if (col[c] < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, column_names[c][0], URNE_RULE_HEADER,
                           "the header has no column '%s' (name or nom, given or prenoms, birth or naissance, and "
                           "commune are needed)",
                           column_names[c][0]);
            bad = -1;
        }
    return bad;
}

/* Field f copied into out (FIELD_MAX bytes). 0, or -1 with the error added. */
static int copy_field(urne_span f, long ln, const char *field, char *out, urne_diags *d) {
    if (f.len >= FIELD_MAX) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, field, URNE_INITIATIVE_ID_TOO_LONG,
                       "%zu bytes, more than the %d a field may hold", f.len, FIELD_MAX - 1);
        return -1;
    }
    memcpy(out, f.p, f.len);
    out[f.len] = 0;
    return 0;
}

/* One elector's line into *r. 0, or -1 with the errors added. */
static int read_line(urne_span line, char sep, long ln, const long col[NCOLS], int64_t now, urne_roll_line *r,
                     urne_diags *d) {
    urne_span f[64];
    long nf = urne_fields_split(line, sep, f, 64), need = 0;
    for (int k = 0; k < NCOLS; k++)
        if (col[k] + 1 > need) need = col[k] + 1;
    if (nf < need || nf > 64) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                       nf < 0 ? "a quote is left open" : "%ld fields, but the header names %ld columns", nf, need);
        return -1;
    }
    static const char *const fields[NCOLS] = {"name", "given", "birth", "commune", "territory", "elector"};
    char text[NCOLS][FIELD_MAX];
    for (int c = 0; c < NCOLS; c++) {
        text[c][0] = 0;
        if (col[c] >= 0 && copy_field(f[col[c]], ln, fields[c], text[c], d) < 0) return -1;
    }
    memset(r, 0, sizeof *r);
    r->line = ln;
    urne_initiative_identity_fault fault;
    if (urne_initiative_identity_make(text[COL_NAME], text[COL_GIVEN], text[COL_BIRTH], text[COL_COMMUNE], now,
                                      &r->id, &fault) < 0) {
        urne_diags_add_phrase(d, URNE_DIAG_ERROR, ln, fault.field, fault.rule, &fault.why);
        return -1;
    }
    const char *territory = text[COL_TERRITORY][0] ? text[COL_TERRITORY] : r->id.commune;
    if (strlen(territory) >= sizeof r->territory || strlen(text[COL_ELECTOR]) >= sizeof r->elector) {
        int which = strlen(territory) >= sizeof r->territory;
        urne_diags_add(d, URNE_DIAG_ERROR, ln, which ? "territory" : "elector", URNE_INITIATIVE_ID_TOO_LONG,
                       "more than %zu bytes", (which ? sizeof r->territory : sizeof r->elector) - 1);
        return -1;
    }
    strcpy(r->territory, territory);
    strcpy(r->elector, text[COL_ELECTOR]);
    return 0;
}

static int grow(urne_roll *out, size_t *cap) {
    if (out->n < *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 256;
    urne_roll_line *ni = realloc(out->items, ncap * sizeof *ni);
    if (ni == NULL) return -1;
    out->items = ni;
    *cap = ncap;
    return 0;
}

int urne_io_parse_roll(const char *buf, size_t len, int64_t now, urne_roll *out, urne_diags *d) {
    memset(out, 0, sizeof *out);
    size_t before = d->errors, cap = 0;
    long col[NCOLS];
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
        if (grow(out, &cap) < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, NULL, "memory", "out of memory reading the roll");
            break;
        }
        if (read_line(line, sep, it.lineno, col, now, &out->items[out->n], d) == 0) out->n++;
    }
    urne_lines_free(&it);
    if (have_header && out->n == 0 && d->errors == before)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no elector after the header line");
    if (!have_header && d->errors == before)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file has no header line");
    if (d->errors > before) {
        urne_roll_free(out);
        return -1;
    }
    return 0;
}

void urne_roll_free(urne_roll *r) {
    free(r->items);
    memset(r, 0, sizeof *r);
}
