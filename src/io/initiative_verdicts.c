/*
 * initiative_verdicts: the authority's verdicts on a sample (see
 * initiative_verdicts.h). The reasons are copied into one block kept with the
 * verdicts, so that the buffer read can be freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "initiative_verdicts.h"
#include "parse_common.h"

enum { COL_SIGNATURE, COL_VERDICT, COL_REASON, NCOLS };
static const char *const column_names[NCOLS][2] = {
    {"signature", NULL}, {"verdict", "avis"}, {"reason", "motif"}};
#define REASON_MAX 1000 /* bytes of a reason, as an invalidation's */

static int read_first(urne_span line, int64_t *sample) {
    static const char lead[] = "# sample ";
    if (line.len <= sizeof lead - 1 || memcmp(line.p, lead, sizeof lead - 1) != 0) return -1;
    int64_t v = 0;
    size_t i = sizeof lead - 1;
    for (; i < line.len && line.p[i] >= '0' && line.p[i] <= '9'; i++)
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, line.p[i] - '0', &v)) return -1;
    if (i == sizeof lead - 1 || v <= 0) return -1;
    *sample = v;
    return 0;
}

static int read_header(urne_span line, char sep, long ln, long col[NCOLS], urne_diags *d) {
    urne_parse_find_columns(line, sep, &column_names[0][0], NCOLS, 2, col);
    int bad = 0;
    for (int c = 0; c < NCOLS; c++)
        if (col[c] < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, column_names[c][0], URNE_RULE_HEADER,
                           "the header has no column '%s' (signature, verdict and reason are needed)",
                           column_names[c][0]);
            bad = -1;
        }
    return bad;
}

static int span_is(urne_span s, const char *word) { return s.len == strlen(word) && memcmp(s.p, word, s.len) == 0; }

/* One line into *v, its reason appended to *text. 0, or -1 with the error added. */
static int read_line(urne_span line, char sep, long ln, const long col[NCOLS], urne_initiative_verdict *v,
                     urne_verdicts *out, size_t *used, size_t *cap, urne_diags *d) {
    urne_span f[64];
    long nf = urne_fields_split(line, sep, f, 64);
    for (int c = 0; c < NCOLS; c++)
        if (nf < 0 || col[c] >= nf) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, column_names[c][0], URNE_RULE_FIELD_COUNT,
                           "the line has %ld field(s), too few for the column '%s'", nf, column_names[c][0]);
            return -1;
        }
    if (urne_parse_count(f[col[COL_SIGNATURE]], ln, "signature", &v->signature, d) < 0) return -1;
    urne_span verdict = f[col[COL_VERDICT]], reason = f[col[COL_REASON]];
    if (span_is(verdict, "valid") || span_is(verdict, "valide"))
        v->valid = 1;
    else if (span_is(verdict, "invalid") || span_is(verdict, "invalide"))
        v->valid = 0;
    else {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "verdict", "verdict", "'%.*s' is neither valid nor invalid",
                       (int)(verdict.len > 40 ? 40 : verdict.len), verdict.p);
        return -1;
    }
    if (reason.len > REASON_MAX) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "reason", "too-long", "%zu bytes, more than the %d a reason may hold",
                       reason.len, REASON_MAX);
        return -1;
    }
    if (!v->valid && reason.len == 0) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "reason", "reason", "an invalid signature needs its reason");
        return -1;
    }
    if (*used + reason.len + 1 > *cap) {
        size_t ncap = (*cap ? 2 * *cap : 4096) + reason.len + 1;
        char *t = realloc(out->text, ncap);
        if (t == NULL) return urne_diags_add(d, URNE_DIAG_ERROR, ln, NULL, "memory", "out of memory"), -1;
        out->text = t;
        *cap = ncap;
    }
    memcpy(out->text + *used, reason.p, reason.len);
    out->text[*used + reason.len] = 0;
    v->reason = (const char *)(uintptr_t)*used; /* an offset until the text stops moving */
    *used += reason.len + 1;
    return 0;
}

int urne_io_parse_verdicts(const char *buf, size_t len, urne_verdicts *out, urne_diags *d) {
    memset(out, 0, sizeof *out);
    size_t before = d->errors, cap = 0, used = 0, tcap = 0;
    long col[NCOLS];
    int stage = 0; /* 0: the sample's line, 1: the header, 2: verdicts */
    char sep = ',';
    urne_lines it;
    if (urne_parse_open(buf, len, URNE_ENC_AUTO, &it, d) < 0) return -1;
    urne_span line;
    while (urne_lines_next(&it, &line)) {
        if (urne_span_blank(line)) continue;
        if (stage == 0) {
            if (read_first(line, &out->sample) < 0) {
                urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, "sample", URNE_RULE_HEADER,
                               "the first line must be '# sample N', as `urne initiative sample` wrote it");
                break;
            }
            stage = 1;
        } else if (stage == 1) {
            sep = urne_parse_header_separator(line);
            if (read_header(line, sep, it.lineno, col, d) < 0) break;
            stage = 2;
        } else if (line.p[0] != '#') {
            if (out->n == cap) {
                size_t ncap = cap ? 2 * cap : 256;
                urne_initiative_verdict *v = realloc(out->items, ncap * sizeof *v);
                if (v == NULL) {
                    urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, NULL, "memory", "out of memory");
                    break;
                }
                out->items = v;
                cap = ncap;
            }
            if (read_line(line, sep, it.lineno, col, &out->items[out->n], out, &used, &tcap, d) == 0) out->n++;
        }
    }
    urne_lines_free(&it);
    if (stage < 2 && d->errors == before)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file has no header line");
    else if (out->n == 0 && d->errors == before)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no verdict after the header line");
    if (d->errors > before) {
        urne_verdicts_free(out);
        return -1;
    }
    for (size_t i = 0; i < out->n; i++) out->items[i].reason = out->text + (uintptr_t)out->items[i].reason;
    return 0;
}

void urne_verdicts_free(urne_verdicts *v) {
    free(v->items);
    free(v->text);
    memset(v, 0, sizeof *v);
}
