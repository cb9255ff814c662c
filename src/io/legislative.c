/*
 * legislative: the Ministry's legislative results per circonscription, and its
 * per-département summary.
 *
 * Per circonscription (one row each, usually no header): département code and name,
 * circonscription number and name, Inscrits, Abstentions, %, Votants, %, Blancs, %, %,
 * Nuls, %, %, Exprimés, %, % (18 fields), then one group of 9 fields per candidate:
 * N°Panneau, Sexe, Nom, Prénom, Nuance, Voix, % Voix/Ins, % Voix/Exp, Elu. Rows are
 * padded with empty groups to the widest circonscription. Each circonscription is a
 * contest with its own candidates; above it, totals are by Nuance.
 *
 * Per département (stated totals, for --compare): code, name, then the same 14 counts
 * and percentages (16 fields), then groups of 5: Nuance, Voix, % Ins, % Exp, Sièges.
 */
#include <stdlib.h>
#include <string.h>

#include "parse_common.h"
#include "results_io.h"

#define CIRCO_FIXED 18
#define CIRCO_GROUP 9
#define DEPT_FIXED 16
#define DEPT_GROUP 5

/* Counts at the same offsets in both files, after the first `skip` code/name fields. */
enum { C_INSCRITS = 0, C_VOTANTS = 3, C_BLANCS = 5, C_NULS = 8, C_EXPRIMES = 11 };

static int is_header(urne_span first) {
    char folded[64];
    urne_text_fold_header(first, folded, sizeof folded);
    return strcmp(folded, "code du departement") == 0;
}

static int group_empty(const urne_span *f, long from, long width) {
    for (long i = 0; i < width; i++)
        if (f[from + i].len > 0) return 0;
    return 1;
}

/* Read the five counts starting at field `base`. */
static int read_counts(const urne_span *f, long base, long line, int64_t out[5], urne_diags *diags) {
    static const int off[5] = {C_INSCRITS, C_VOTANTS, C_BLANCS, C_NULS, C_EXPRIMES};
    static const char *names[5] = {"Inscrits", "Votants", "Blancs", "Nuls", "Exprimés"};
    int bad = 0;
    for (int i = 0; i < 5; i++)
        if (urne_parse_count(f[base + off[i]], line, names[i], &out[i], diags) != 0) bad = 1;
    return bad ? -1 : 0;
}

/* A per-département summary row: counts right after the code and name, where a
 * circonscription row has its number and its name. */
static int is_summary_row(const urne_span *f, long n) {
    int64_t v;
    return n > 4 && urne_num_parse_grouped(f[2].p, f[2].len, &v) == URNE_NUM_OK &&
           urne_num_parse_grouped(f[3].p, f[3].len, &v) == URNE_NUM_OK;
}

/* Count the groups of `width` after `fixed` fields; -1 with an error if the row is malformed. */
static long count_groups(const urne_span *f, long n, long fixed, long width, long line, urne_diags *diags) {
    if (n < fixed || (n - fixed) % width != 0) {
        if (n < fixed)
            urne_diags_add(diags, URNE_DIAG_ERROR, line, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields: a row has %ld fixed fields then candidate groups of %ld (truncated line?)", n,
                           fixed, width);
        else
            urne_diags_add(diags, URNE_DIAG_ERROR, line, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields: a row has %ld fixed fields then candidate groups of %ld, and this row ends "
                           "inside a group",
                           n, fixed, width);
        return -1;
    }
    long groups = 0;
    while (groups < (n - fixed) / width && !group_empty(f, fixed + groups * width, width)) groups++;
    for (long g = groups; g < (n - fixed) / width; g++)
        if (!group_empty(f, fixed + g * width, width)) {
            urne_diags_add(diags, URNE_DIAG_ERROR, line, NULL, URNE_RULE_CANDIDATE_GROUPS,
                           "candidate group %ld is empty but group %ld after it is not", groups + 1, g + 1);
            return -1;
        }
    if (groups == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, line, NULL, URNE_RULE_CANDIDATE_GROUPS, "no candidate on this row");
        return -1;
    }
    return groups;
}

/* Each of the row's `groups` candidates' Voix into votes, and a name for each. 0, or
 * -1 after errors naming the fields. */
static int read_votes(const urne_span *f, long groups, long ln, int64_t *votes, urne_diags *diags) {
    int bad = 0;
    for (long g = 0; g < groups; g++) {
        char field[48];
        snprintf(field, sizeof field, "Voix (candidate %ld)", g + 1);
        if (urne_parse_count(f[CIRCO_FIXED + g * CIRCO_GROUP + 5], ln, field, &votes[g], diags)) bad = 1;
        if (f[CIRCO_FIXED + g * CIRCO_GROUP + 2].len == 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "Nom", URNE_RULE_CANDIDATE_GROUPS,
                           "candidate %ld has no name", g + 1);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

/* The row's candidates, in the round with their names, sex, Nuance and panel. 0, or -1
 * when out of memory. */
static int add_candidates(urne_round *round, const urne_span *f, long groups) {
    for (long g = 0; g < groups; g++) {
        const urne_span *cg = &f[CIRCO_FIXED + g * CIRCO_GROUP];
        char name[256], first[128], last[128], sex[8], nuance[32];
        snprintf(first, sizeof first, "%.*s", (int)cg[3].len, cg[3].p);
        snprintf(last, sizeof last, "%.*s", (int)cg[2].len, cg[2].p);
        snprintf(name, sizeof name, "%s%s%s", first, first[0] ? " " : "", last);
        snprintf(sex, sizeof sex, "%.*s", (int)cg[1].len, cg[1].p);
        snprintf(nuance, sizeof nuance, "%.*s", (int)cg[4].len, cg[4].p);
        int64_t panel = 0;
        urne_num_parse_count(cg[0].p, cg[0].len, &panel);
        if (panel > INT32_MAX) panel = 0; /* unknown, as an unreadable one is, never cut to int */
        size_t idx = urne_round_add_candidate(round, name, nuance[0] ? nuance : "(none)", sex[0] ? sex : NULL,
                                              NULL, (int)panel);
        if (idx == URNE_NONE || urne_round_set_names(round, idx, first, last) != 0) return -1;
    }
    return 0;
}

/* What the rows of a file share: the round and the national unit above them all. */
typedef struct circo_reader {
    urne_round *round;
    urne_span *f; /* the fields of the row at hand */
    const char *national, *national_label;
} circo_reader;

/* The row's circonscription as a contest with its candidates and its one sheet
 * (counts c, votes). 0, or -1 when out of memory. */
static int add_circonscription(circo_reader *cr, long ln, const int64_t c[5], const int64_t *votes, long groups) {
    urne_round *round = cr->round;
    const urne_span *f = cr->f;
    urne_span parts[2] = {f[0], f[2]};
    char key[128], label[256];
    urne_parse_join(key, sizeof key, parts, 2);
    snprintf(label, sizeof label, "%.*s, %.*s", (int)f[1].len, f[1].p, (int)f[3].len, f[3].p);
    size_t contest = urne_round_add_contest(round, key, label);
    if (contest == URNE_NONE || add_candidates(round, f, groups) != 0) return -1;
    urne_sheet *s = urne_round_add_sheet(round, contest);
    if (s == NULL) return -1;
    s->line = ln;
    urne_sheet_set_counts(s, c);
    memcpy(s->votes, votes, (size_t)groups * sizeof *votes);
    s->key[0] = cr->national;
    s->label[0] = cr->national_label;
    s->key[1] = s->code[1] = urne_parse_intern(round, f[0]);
    s->label[1] = urne_parse_intern(round, f[1]);
    s->key[2] = round->contests[contest].key;
    s->code[2] = urne_parse_intern(round, f[2]);
    s->label[2] = round->contests[contest].label;
    return s->key[1] && s->label[1] && s->code[2] ? 0 : -1;
}

enum { ROW_READ = 0, ROW_STOP = 1, ROW_NO_MEMORY = -1 };

/* One line of the file: a circonscription added, or its errors reported (ROW_READ);
 * ROW_STOP when the file is a per-département summary; ROW_NO_MEMORY. */
static int read_circo_row(circo_reader *cr, urne_span line, long ln, urne_diags *diags) {
    urne_span *f = cr->f;
    long n = urne_fields_split(line, ';', f, URNE_MAX_FIELDS);
    if (n < 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                       "a quote is left open: the line is truncated");
        return ROW_READ;
    }
    if (ln == 1 && is_header(f[0])) return ROW_READ;
    if (n > URNE_MAX_FIELDS) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT, "more than %d fields",
                       URNE_MAX_FIELDS);
        return ROW_READ;
    }
    if (is_summary_row(f, n)) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                       "this is a per-département summary (counts follow the département's name), not "
                       "results per circonscription: count the circonscription file and give this one as "
                       "--compare FILE");
        return ROW_STOP;
    }
    long groups = count_groups(f, n, CIRCO_FIXED, CIRCO_GROUP, ln, diags);
    int64_t c[5];
    if (groups < 0 || read_counts(f, 4, ln, c, diags) != 0) return ROW_READ;
    int64_t *votes = malloc((size_t)groups * sizeof *votes);
    if (votes == NULL) return ROW_NO_MEMORY;
    int rc = ROW_READ;
    if (read_votes(f, groups, ln, votes, diags) == 0 && add_circonscription(cr, ln, c, votes, groups) != 0)
        rc = ROW_NO_MEMORY;
    free(votes);
    return rc;
}

urne_round *urne_io_parse_legislative(const char *text, size_t len, urne_encoding enc, urne_diags *diags) {
    static const char *const levels[] = {"national", "departement", "circonscription"};
    circo_reader cr = {urne_round_new(), malloc(URNE_MAX_FIELDS * sizeof *cr.f), NULL, NULL};
    if (cr.round == NULL || cr.f == NULL || urne_round_set_levels(cr.round, levels, 3, 2) != 0 ||
        (cr.national = urne_round_intern(cr.round, "national", 8)) == NULL ||
        (cr.national_label = urne_round_intern(cr.round, "Total", 5)) == NULL) {
        urne_round_free(cr.round);
        free(cr.f);
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        return NULL;
    }
    urne_lines it;
    urne_span line;
    urne_lines_init_encoded(&it, text, len, enc);
    int rc = ROW_READ;
    while (rc == ROW_READ && urne_lines_next(&it, &line))
        if (!urne_span_blank(line) && !urne_span_only_separators(line, ';')) /* empty rows */
            rc = read_circo_row(&cr, line, it.lineno, diags);
    free(cr.f);
    if (it.lineno < 0 || rc == ROW_NO_MEMORY) urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    urne_lines_free(&it);
    return urne_parse_finish(cr.round, diags, URNE_PARSE_NO_CIRCONSCRIPTION);
}

/* One row of the per-département summary (fields f[0..n)) into the next unit of out,
 * whose room for units is *cap; errors reported and the row skipped. 0, or -1 when
 * out of memory. */
static int read_dept_row(const urne_span *f, long n, long ln, urne_tally *out, size_t *cap, urne_diags *diags) {
    int64_t c[5];
    if (read_counts(f, 2, ln, c, diags) != 0) return 0;
    long groups = 0;
    while (DEPT_FIXED + (groups + 1) * DEPT_GROUP <= n && f[DEPT_FIXED + groups * DEPT_GROUP].len > 0) groups++;
    if (out->nunits == *cap) {
        urne_unit *nu = realloc(out->units, *cap * 2 * sizeof *nu);
        if (nu == NULL) return -1;
        out->units = nu;
        *cap *= 2;
    }
    urne_unit *u = &out->units[out->nunits];
    memset(u, 0, sizeof *u);
    u->key = urne_span_dup(&out->arena, f[0]);
    u->label = urne_span_dup(&out->arena, f[1]);
    u->inscrits = c[0];
    u->votants = c[1];
    u->blancs = c[2];
    u->nuls = c[3];
    u->exprimes = c[4];
    u->contest = URNE_NONE;
    u->lines = urne_arena_alloc(&out->arena, (size_t)(groups ? groups : 1) * sizeof *u->lines);
    if (u->key == NULL || u->label == NULL || u->lines == NULL) return -1;
    int bad = 0;
    for (long g = 0; g < groups; g++) {
        urne_line *l = &u->lines[g];
        l->name = l->group = urne_span_dup(&out->arena, f[DEPT_FIXED + g * DEPT_GROUP]);
        l->candidate = URNE_NONE;
        if (l->name == NULL) return -1;
        if (urne_parse_count(f[DEPT_FIXED + g * DEPT_GROUP + 1], ln, "Voix", &l->voix, diags)) bad = 1;
    }
    u->nlines = (size_t)groups;
    if (!bad) out->nunits++;
    return 0;
}

int urne_io_stated_parse(const char *buf, size_t len, urne_encoding enc, urne_tally *out, urne_diags *diags) {
    memset(out, 0, sizeof *out);
    urne_arena_init(&out->arena);
    out->level = 1;
    size_t skip;
    urne_encoding used;
    char *owned;
    if (urne_parse_prepare(buf, len, &enc, &owned, &buf, &len, diags) != 0) return -1;
    if (urne_text_detect(buf, len, enc, &skip, &used, diags) != 0) {
        free(owned);
        return -1;
    }
    urne_span *f = malloc(URNE_MAX_FIELDS * sizeof *f);
    size_t cap = 128;
    out->units = malloc(cap * sizeof *out->units);
    if (f == NULL || out->units == NULL) {
        free(f);
        free(owned);
        urne_tally_free(out);
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        return -1;
    }
    urne_lines it;
    urne_span line;
    urne_lines_init_encoded(&it, buf + skip, len - skip, used);
    int oom = 0;
    while (!oom && urne_lines_next(&it, &line)) {
        long ln = it.lineno;
        if (urne_span_blank(line) || urne_span_only_separators(line, ';')) continue; /* empty rows */
        long n = urne_fields_split(line, ';', f, URNE_MAX_FIELDS);
        if (n > 0 && ln == 1 && is_header(f[0])) continue;
        if (n < DEPT_FIXED || n > URNE_MAX_FIELDS) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields: a département row has %d fixed fields then groups of %d (Nuance, Voix, "
                           "%% Ins, %% Exp, Sièges)", n, DEPT_FIXED, DEPT_GROUP);
            continue;
        }
        oom = read_dept_row(f, n, ln, out, &cap, diags) != 0;
    }
    free(f);
    if (it.lineno < 0 || oom) urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    urne_lines_free(&it);
    free(owned); /* the units keep copies (urne_span_dup) */
    if (diags->errors == 0 && out->nunits == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file has no département row");
    if (diags->errors > 0) {
        urne_tally_free(out);
        return -1;
    }
    return 0;
}
