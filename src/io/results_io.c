/*
 * results_io: choosing and running the right tally-sheet parser. See results_io.h.
 */
#include "results_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "parse_common.h"

static urne_results_format guess_from_line(urne_lines *it);

int urne_io_format_parse(const char *name, urne_results_format *out) {
    if (strcmp(name, "ministry") == 0) *out = URNE_FMT_MINISTRY;
    else if (strcmp(name, "legislative") == 0) *out = URNE_FMT_LEGISLATIVE;
    else if (strcmp(name, "native") == 0) *out = URNE_FMT_NATIVE;
    else if (strcmp(name, "auto") == 0) *out = URNE_FMT_AUTO;
    else return -1;
    return 0;
}

urne_results_format urne_io_guess_format(const char *text, size_t len, urne_encoding enc) {
    urne_lines it;
    urne_lines_init_encoded(&it, text, len, enc);
    urne_results_format fmt = guess_from_line(&it);
    urne_lines_free(&it);
    return fmt;
}

static urne_results_format guess_from_line(urne_lines *it) {
    urne_span line = {"", 0, 0};
    while (urne_lines_next(it, &line) && urne_span_blank(line)) {
    }
    if (it->lineno <= 0 || line.len == 0) return URNE_FMT_NATIVE;
    if (line.p[0] == '#') return URNE_FMT_NATIVE;
    urne_span f[URNE_MAX_FIELDS];
    long n = urne_fields_split(line, ';', f, URNE_MAX_FIELDS);
    if (n < 2) return URNE_FMT_NATIVE;
    if (n > URNE_MAX_FIELDS) n = URNE_MAX_FIELDS;
    /* A Ministry header names its codes and counts in French, in any order. */
    int code = 0, nuance = 0;
    char folded[128];
    for (long i = 0; i < n; i++) {
        urne_text_fold_header(f[i], folded, sizeof folded);
        code |= strncmp(folded, "code du departement", 19) == 0 || strncmp(folded, "code de la commune", 18) == 0;
        nuance |= strncmp(folded, "nuance", 6) == 0;
    }
    if (code) return nuance ? URNE_FMT_LEGISLATIVE : URNE_FMT_MINISTRY;
    int64_t v;
    /* No header: a legislative file starts with a département code, a name, then a
     * circonscription number and name and counts (or, for the per-département summary,
     * counts right away). */
    if (n > 4 && (urne_num_parse_grouped(f[4].p, f[4].len, &v) == URNE_NUM_OK ||
                  urne_num_parse_grouped(f[2].p, f[2].len, &v) == URNE_NUM_OK))
        return URNE_FMT_LEGISLATIVE;
    return URNE_FMT_NATIVE;
}

/* One part of a text to survey for its encoding, on a thread of its own. */
typedef struct survey_part {
    const char *buf;
    size_t len;
    int utf8;
    urne_text_survey survey;
} survey_part;

static void *survey_one(void *arg) {
    survey_part *p = arg;
    urne_text_survey_part(p->buf, p->len, p->utf8, &p->survey);
    return NULL;
}

/* urne_text_detect with the survey of a big text shared between the cores (a
 * national file's NUL bytes and UTF-8 sequences take 3 ms to look through), which
 * also notes where the parts are and how many lines each has, in *parts. */
static int detect(const char *buf, size_t len, urne_encoding requested, size_t *skip, urne_encoding *used,
                  urne_io_parts *parts, urne_diags *diags) {
    *skip = urne_text_bom(buf, len, &requested);
    buf += *skip;
    len -= *skip;
    size_t n = urne_io_chunks(len, 0);
    survey_part sp[URNE_IO_MAX_CHUNKS];
    parts->text = buf;
    parts->n = n;
    urne_io_cut_lines(buf, len, n, parts->cut);
    for (size_t i = 0; i < n; i++)
        sp[i] = (survey_part){buf + parts->cut[i], parts->cut[i + 1] - parts->cut[i], requested != URNE_ENC_LATIN1,
                              {0, 0, 0, 0}};
    urne_io_run(survey_one, sp, sizeof sp[0], n);
    urne_text_survey whole = sp[0].survey;
    for (size_t i = 0; i < n; i++) parts->newlines[i] = sp[i].survey.lines;
    for (size_t i = 1; i < n; i++) urne_text_survey_join(&whole, &sp[i].survey, parts->cut[i]);
    return urne_text_decide(buf, len, requested, &whole, used, diags);
}

urne_round *urne_io_results_parse(const char *buf, size_t len, urne_results_format fmt, urne_encoding enc,
                                  urne_diags *diags) {
    size_t skip;
    urne_encoding used;
    if (len == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file is empty");
        return NULL;
    }
    char *owned;
    if (urne_parse_prepare(buf, len, &enc, &owned, &buf, &len, diags) != 0) return NULL;
    urne_io_parts parts;
    if (detect(buf, len, enc, &skip, &used, &parts, diags) != 0) {
        free(owned);
        return NULL;
    }
    buf += skip;
    len -= skip;
    if (fmt == URNE_FMT_AUTO) fmt = urne_io_guess_format(buf, len, used);
    urne_round *round = NULL;
    int checked = 0;
    switch (fmt) {
    case URNE_FMT_MINISTRY:
        round = urne_io_parse_ministry_with(buf, len, used, &(urne_ministry_reading){0, 1, &parts}, diags);
        checked = 1; /* sheet by sheet, as they were read */
        break;
    case URNE_FMT_LEGISLATIVE: round = urne_io_parse_legislative(buf, len, used, diags); break;
    case URNE_FMT_NATIVE:
    case URNE_FMT_AUTO: round = urne_io_parse_native(buf, len, used, diags); break;
    }
    free(owned); /* the round keeps copies of its strings */
    if (round != NULL && !checked && urne_results_check(round, diags) > 0) {
        urne_round_free(round);
        round = NULL;
    }
    return round;
}
