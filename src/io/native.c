/*
 * native: urne's own CSV of tally sheets, meant to be filled in by hand (or in a
 * spreadsheet) by a section secretary. README.md documents it for users; in short:
 *
 *   # election: Primaire ouverte de Villeurbanne, second tour
 *   # round: 2
 *   # rules: primary
 *   # levels: commune, bureau
 *   # candidate: Claire DUVAL; born 1972-03-14; group DVG
 *   commune,bureau,inscrits,votants,blancs,nuls,exprimes,Claire DUVAL,Marc PEYRON
 *   Villeurbanne,1,1040,372,3,2,367,151,216
 *
 * Lines starting with '#' are metadata when they read "# key: value" with a known key
 * (election, round, rules, blank, set, levels, candidate, college), comments otherwise;
 * the empty cells a spreadsheet pads them with (";;;") are dropped. The separator is
 * ',', ';' or a tab (whichever the header uses most); a row of empty cells is skipped. Columns are found by name:
 * one per level (a level without a column is a single unit), inscrits, votants,
 * blancs, nuls, optionally exprimes and college, and every other column is a
 * candidate. A row whose figures are all empty (but inscrits, which may be known
 * beforehand) is a bureau expected but not yet counted: the result stays partial until it is filled in. The file is one contest.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_common.h"
#include "results_io.h"

#define MAX_META_CANDIDATES 256

enum { K_INSCRITS, K_VOTANTS, K_BLANCS, K_NULS, K_EXPRIMES, K_NCOUNTS };
static const char *count_names[K_NCOUNTS] = {"inscrits", "votants", "blancs", "nuls", "exprimes"};

typedef struct meta_candidate {
    char name[128];
    char born[16];
    char group[64];
    long line;
    int seen;
} meta_candidate;

typedef struct meta {
    char election[256];
    int round;
    char rules[32];
    char levels[URNE_MAX_LEVELS][48];
    size_t nlevels;
    meta_candidate *cands;
    size_t ncands;
    long levels_line;
} meta;

static urne_span trim_span(const char *p, size_t len) {
    while (len && isspace((unsigned char)*p)) p++, len--;
    while (len && isspace((unsigned char)p[len - 1])) len--;
    urne_span s = {p, len, 0};
    return s;
}

static void copy_span(char *dst, size_t size, urne_span s) {
    snprintf(dst, size, "%.*s", (int)s.len, s.p);
}

static int valid_date(const char *d) {
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)d[i])) return 0;
    int m = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
    return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

/* Split a "; "-separated metadata value into trimmed parts. */
static size_t split_parts(urne_span v, urne_span *parts, size_t max) {
    size_t n = 0;
    const char *p = v.p, *end = v.p + v.len;
    while (n < max) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        const char *stop = q ? q : end;
        parts[n++] = trim_span(p, (size_t)(stop - p));
        if (!q) break;
        p = q + 1;
    }
    return n;
}

/* "# set: KEY=VALUE": check the setting on a preset and keep it in the round. 0 or -1. */
static int meta_set(urne_span val, long ln, urne_round *round, urne_diags *diags) {
    char kv[128], k[64];
    urne_phrase why;
    copy_span(kv, sizeof kv, val);
    const char *eq = strchr(kv, '=');
    urne_rules probe;
    urne_rules_preset("party", &probe);
    if (eq != NULL) snprintf(k, sizeof k, "%.*s", (int)(eq - kv), kv);
    size_t max = sizeof round->rule_settings / sizeof round->rule_settings[0];
    if (eq == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "set", "metadata", "'%s': a setting reads '# set: KEY=VALUE'", kv);
        return -1;
    }
    if (urne_rules_set(&probe, k, eq + 1, &why) != 0) {
        urne_diags_add_phrase(diags, URNE_DIAG_ERROR, ln, "set", "metadata", &why);
        return -1;
    }
    if (round->nrule_settings == max) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "set", "metadata", "'%s': a file holds at most %zu '# set:' lines",
                       kv, max);
        return -1;
    }
    round->rule_settings[round->nrule_settings++] = urne_round_intern(round, kv, strlen(kv));
    return 0;
}

/* "# levels: a, b, c": the level names, top first. 0 or -1. */
static int meta_levels(urne_span val, long ln, meta *m, urne_diags *diags) {
    m->nlevels = 0;
    m->levels_line = ln;
    const char *p = val.p, *end = val.p + val.len;
    while (p <= end) {
        const char *q = memchr(p, ',', (size_t)(end - p));
        const char *stop = q ? q : end;
        urne_span lv = trim_span(p, (size_t)(stop - p));
        if (lv.len == 0 || m->nlevels == URNE_MAX_LEVELS) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "levels", "metadata",
                           "levels are 1 to %d names separated by commas", URNE_MAX_LEVELS);
            return -1;
        }
        copy_span(m->levels[m->nlevels++], sizeof m->levels[0], lv);
        if (!q) break;
        p = q + 1;
    }
    return 0;
}

/* "# candidate: NAME; born YYYY-MM-DD; group LABEL": one declared candidate. 0 or -1. */
static int meta_declare(urne_span val, long ln, meta *m, urne_diags *diags) {
    urne_span parts[4];
    size_t n = split_parts(val, parts, 4);
    if (parts[0].len == 0 || m->ncands == MAX_META_CANDIDATES) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "candidate", "metadata",
                       "a candidate line reads '# candidate: NAME; born YYYY-MM-DD; group LABEL'");
        return -1;
    }
    meta_candidate *c = &m->cands[m->ncands++];
    memset(c, 0, sizeof *c);
    c->line = ln;
    copy_span(c->name, sizeof c->name, parts[0]);
    for (size_t i = 1; i < n; i++) {
        if (parts[i].len > 5 && strncasecmp(parts[i].p, "born ", 5) == 0) {
            copy_span(c->born, sizeof c->born, trim_span(parts[i].p + 5, parts[i].len - 5));
            if (!valid_date(c->born)) {
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, "born", "metadata",
                               "birth date '%s' is not YYYY-MM-DD", c->born);
                return -1;
            }
        } else if (parts[i].len > 6 && strncasecmp(parts[i].p, "group ", 6) == 0) {
            copy_span(c->group, sizeof c->group, trim_span(parts[i].p + 6, parts[i].len - 6));
        } else {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "candidate", "metadata",
                           "'%.*s' is neither 'born YYYY-MM-DD' nor 'group LABEL'", (int)parts[i].len,
                           parts[i].p);
            return -1;
        }
    }
    return 0;
}

/* Handle one "# key: value" line. Returns -1 on a malformed known key. */
static int read_meta(urne_span line, long ln, meta *m, urne_round *round, urne_diags *diags) {
    line = urne_span_trim_padding(line); /* "# levels: commune, bureau;;;;" as a spreadsheet saves it */
    urne_span body = trim_span(line.p + 1, line.len - 1);
    const char *colon = memchr(body.p, ':', body.len);
    if (colon == NULL) return 0;
    urne_span key = trim_span(body.p, (size_t)(colon - body.p));
    urne_span val = trim_span(colon + 1, (size_t)(body.p + body.len - colon - 1));
    if (urne_span_eq_nocase(key, "election")) {
        copy_span(m->election, sizeof m->election, val);
    } else if (urne_span_eq_nocase(key, "round")) {
        int64_t r = 0;
        if (urne_num_parse_count(val.p, val.len, &r) != URNE_NUM_OK || r < 1 || r > 2) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "round", "metadata", "round must be 1 or 2, not '%.*s'",
                           (int)val.len, val.p);
            return -1;
        }
        m->round = (int)r;
    } else if (urne_span_eq_nocase(key, "rules")) {
        copy_span(m->rules, sizeof m->rules, val);
        urne_rules probe;
        if (urne_rules_preset(m->rules, &probe) != 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "rules", "metadata", "unknown rules preset '%s' (known: %s)",
                           m->rules, urne_rules_preset_names());
            return -1;
        }
    } else if (urne_span_eq_nocase(key, "blank")) {
        if (!urne_span_eq_nocase(val, "recognised") && !urne_span_eq_nocase(val, "recognized") &&
            !urne_span_eq_nocase(val, "not recognised")) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "blank", "metadata",
                           "blank is 'recognised' or 'not recognised', not '%.*s'", (int)val.len, val.p);
            return -1;
        }
        round->blank_recognised_hint = !urne_span_eq_nocase(val, "not recognised");
    } else if (urne_span_eq_nocase(key, "set")) {
        return meta_set(val, ln, round, diags);
    } else if (urne_span_eq_nocase(key, "levels")) {
        return meta_levels(val, ln, m, diags);
    } else if (urne_span_eq_nocase(key, "candidate")) {
        return meta_declare(val, ln, m, diags);
    } else if (urne_span_eq_nocase(key, "college")) {
        urne_span parts[2];
        size_t n = split_parts(val, parts, 2);
        int64_t w = 0;
        if (n != 2 || parts[0].len == 0 || parts[1].len < 7 || strncasecmp(parts[1].p, "weight ", 7) != 0 ||
            urne_num_parse_count(parts[1].p + 7, parts[1].len - 7, &w) != URNE_NUM_OK || w <= 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "college", "metadata",
                           "a college line reads '# college: NAME; weight N' with N a whole number > 0");
            return -1;
        }
        char name[128];
        copy_span(name, sizeof name, parts[0]);
        if (urne_round_add_college(round, name, w) == URNE_NONE) return -1;
    }
    return 0;
}

enum col_kind { COL_LEVEL, COL_COUNT, COL_COLLEGE, COL_CANDIDATE, COL_UNKNOWN };

#define RULE_UNDECLARED_LEVEL "undeclared-level"

typedef struct column {
    enum col_kind kind;
    size_t index;     /* level, count or candidate index */
    const char *name; /* as the header writes it (interned) */
    int level_like;   /* a candidate, or an unknown column, that may be a level no one
                         declared: before the first count, or named like one (commune) */
    int reported;     /* its values were said to be names, once */
} column;

/* What the parser knows once the header is read. */
typedef struct native {
    urne_round *round;
    meta m;
    urne_span *f;          /* the fields of the line at hand */
    column *cols;          /* what each column of the header is */
    char sep;
    long ncols, header_line, first_count_col;
    long level_col[URNE_MAX_LEVELS], count_col[K_NCOUNTS], college_col;
    size_t ncand_cols;
    const char *national;
} native;

/* A name that usually names units rather than a candidate. */
static int level_word(const char *folded) {
    static const char *const words[] = {"commune", "bureau", "bureau de vote", "circonscription", "departement",
                                        "region", "canton", "section", "federation", "arrondissement",
                                        "ville", "quartier", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strcmp(folded, words[i]) == 0) return 1;
    return 0;
}

/* The '# levels:' line the header asks for: the declared levels that have no column
 * (but the default top, 'total'), then, in the header's order, the columns that are
 * levels or look like levels no one declared. */
static void levels_advice(const native *nt, char *out, size_t size) {
    const meta *m = &nt->m;
    size_t used = (size_t)snprintf(out, size, "'# levels: ");
    int first = 1;
    for (size_t l = 0; l < m->nlevels; l++) {
        if (nt->level_col[l] >= 0 || (l == 0 && m->levels_line == 0)) continue;
        if (used < size) used += (size_t)snprintf(out + used, size - used, "%s%s", first ? "" : ", ", m->levels[l]);
        first = 0;
    }
    for (long i = 0; i < nt->ncols; i++) {
        const column *c = &nt->cols[i];
        const char *name = c->kind == COL_LEVEL ? m->levels[c->index]
                           : (c->kind == COL_CANDIDATE || c->kind == COL_UNKNOWN) && c->level_like ? c->name
                                                                                                 : NULL;
        if (name == NULL || used >= size) continue;
        used += (size_t)snprintf(out + used, size - used, "%s%s", first ? "" : ", ", name);
        first = 0;
    }
    if (used < size) snprintf(out + used, size - used, "'");
}

/* The columns that matched no declared candidate, said once the header is read: with
 * how to declare the column as a level when it may be one. */
static void unknown_columns(const native *nt, long ln, urne_diags *diags) {
    for (long i = 0; i < nt->ncols; i++) {
        const column *c = &nt->cols[i];
        if (c->kind != COL_UNKNOWN) continue;
        if (!c->level_like) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, c->name, URNE_RULE_UNKNOWN_CANDIDATE,
                           "column '%s' is neither a level, a count nor a declared candidate", c->name);
            continue;
        }
        char advice[600];
        levels_advice(nt, advice, sizeof advice);
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, c->name, URNE_RULE_UNKNOWN_CANDIDATE,
                       "column '%s' is neither a level, a count nor a declared candidate; if it names units, "
                       "declare the levels above the header, top level first: %s; if it is a candidate, "
                       "declare it: '# candidate: %s'",
                       c->name, advice, c->name);
    }
}

/* Say what header column i (f[i]) is: a level, a count, the college or a candidate
 * (declared by metadata when any is). 0, or -1 when out of memory. */
static int header_column(native *nt, long i, long ln, urne_diags *diags) {
    meta *m = &nt->m;
    urne_span *f = nt->f;
    column *cols = nt->cols;
    char folded[128];
    urne_text_fold_header(f[i], folded, sizeof folded);
    int done = 0;
    for (size_t l = 0; l < m->nlevels && !done; l++) {
        char lf[64];
        urne_span ls = {m->levels[l], strlen(m->levels[l]), 0};
        urne_text_fold_header(ls, lf, sizeof lf);
        if (strcmp(folded, lf) == 0) cols[i].kind = COL_LEVEL, cols[i].index = l, nt->level_col[l] = i, done = 1;
    }
    for (int k = 0; k < K_NCOUNTS && !done; k++)
        if (strcmp(folded, count_names[k]) == 0) cols[i].kind = COL_COUNT, cols[i].index = (size_t)k, nt->count_col[k] = i, done = 1;
    if (strcmp(folded, "college") == 0) {
        nt->college_col = i; /* may also be a level: an assembly's colleges are its units */
        if (!done) cols[i].kind = COL_COLLEGE, done = 1;
    }
    if (done) return 0;
    if (f[i].len == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_HEADER, "column %ld has no name", i + 1);
        return -1;
    }
    char name[256];
    copy_span(name, sizeof name, f[i]);
    if ((cols[i].name = urne_round_intern(nt->round, name, strlen(name))) == NULL) return -1;
    cols[i].level_like = (nt->first_count_col >= 0 && i < nt->first_count_col) || level_word(folded);
    const meta_candidate *mc = NULL;
    for (size_t k = 0; k < m->ncands; k++)
        if (strcmp(m->cands[k].name, name) == 0) mc = &m->cands[k], m->cands[k].seen = 1;
    if (m->ncands > 0 && mc == NULL) {
        cols[i].kind = COL_UNKNOWN; /* said once the whole header is known (unknown_columns) */
        return 0;
    }
    if (urne_round_find_candidate(nt->round, 0, name, strlen(name)) != URNE_NONE) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, name, URNE_RULE_HEADER, "candidate '%s' has two columns", name);
        return 0;
    }
    cols[i].kind = COL_CANDIDATE;
    cols[i].index = urne_round_add_candidate(nt->round, name, mc && mc->group[0] ? mc->group : NULL, NULL,
                                             mc && mc->born[0] ? mc->born : NULL, 0);
    if (cols[i].index == URNE_NONE) return -1;
    nt->ncand_cols++;
    return 0;
}

/* After the header's columns: the counts, declared candidates and colleges it lacks
 * (or has without their declaration). 0, or -1 when it is no tally-sheet file at all. */
static int header_complete(native *nt, long ln, urne_diags *diags) {
    int missing = 0;
    for (int k = 0; k < K_EXPRIMES; k++) missing += nt->count_col[k] < 0;
    if (missing > 1) {
        /* Not one column forgotten: not a tally-sheet file at all. */
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_HEADER,
                       "not a tally-sheet file urne knows: this header has %d of the columns inscrits, "
                       "votants, blancs, nuls (native format, see README), and is not a Ministry file "
                       "(--format ministry|legislative)", K_EXPRIMES - missing);
        return -1;
    }
    for (int k = 0; k < K_EXPRIMES; k++)
        if (nt->count_col[k] < 0)
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, count_names[k], URNE_RULE_HEADER,
                           "the header has no '%s' column", count_names[k]);
    for (size_t k = 0; k < nt->m.ncands; k++)
        if (!nt->m.cands[k].seen)
            urne_diags_add(diags, URNE_DIAG_ERROR, nt->m.cands[k].line, nt->m.cands[k].name, URNE_RULE_HEADER,
                           "candidate '%s' is declared but has no column in the header (line %ld)",
                           nt->m.cands[k].name, ln);
    if (nt->ncand_cols == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_HEADER, "the header names no candidate column");
    if (nt->round->ncolleges > 0 && nt->college_col < 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "college", URNE_RULE_HEADER,
                       "colleges are declared but the header has no 'college' column");
    if (nt->round->ncolleges == 0 && nt->college_col >= 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, "college", URNE_RULE_HEADER,
                       "a 'college' column, but no '# college: NAME; weight N' line declares them");
    return 0;
}

/* The header: settle separator, levels and columns, then the candidates. 0, or -1 to
 * give up (errors added, or none when out of memory). */
static int read_header(native *nt, urne_span line, long ln, urne_diags *diags) {
    meta *m = &nt->m;
    size_t semis = 0, commas = 0, tabs = 0;
    for (size_t i = 0; i < line.len; i++) semis += line.p[i] == ';', commas += line.p[i] == ',', tabs += line.p[i] == '\t';
    nt->sep = tabs > semis && tabs > commas ? '\t' : semis > commas ? ';' : ',';
    nt->ncols = urne_fields_split(line, nt->sep, nt->f, URNE_MAX_FIELDS);
    nt->header_line = ln;
    if (nt->ncols < 0 || nt->ncols > URNE_MAX_FIELDS) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_HEADER, "the header line cannot be read");
        return -1;
    }
    if (m->nlevels == 0) {
        strcpy(m->levels[0], "total");
        strcpy(m->levels[1], "bureau");
        m->nlevels = 2;
    }
    const char *names[URNE_MAX_LEVELS];
    for (size_t l = 0; l < m->nlevels; l++) names[l] = m->levels[l], nt->level_col[l] = -1;
    if (urne_round_set_levels(nt->round, names, m->nlevels, 0) != 0) return -1;
    for (int k = 0; k < K_NCOUNTS; k++) nt->count_col[k] = -1;
    const char *title = m->election[0] ? m->election : "Total";
    if (urne_round_add_contest(nt->round, "total", title) == URNE_NONE) return -1;
    nt->first_count_col = -1; /* where the figures start: columns before it may be levels */
    for (long i = 0; i < nt->ncols && nt->first_count_col < 0; i++) {
        char folded[128];
        urne_text_fold_header(nt->f[i], folded, sizeof folded);
        for (int k = 0; k < K_NCOUNTS; k++)
            if (strcmp(folded, count_names[k]) == 0) nt->first_count_col = i;
    }
    for (long i = 0; i < nt->ncols; i++) {
        nt->cols[i] = (column){COL_CANDIDATE, 0, NULL, 0, 0};
        if (header_column(nt, i, ln, diags) != 0) return -1;
    }
    unknown_columns(nt, ln, diags);
    if (header_complete(nt, ln, diags) != 0 || diags->errors > 0) return -1;
    nt->national = urne_round_intern(nt->round, m->levels[0], strlen(m->levels[0]));
    return 0;
}

/* A row's figures (n fields in nt->f) into counts and votes, and its college into
 * *college; `reported` when any figure but inscrits is filled in. 1 when the row is
 * sound, 0 when an error was added for it. */
static int row_figures(native *nt, long n, long ln, int reported, int64_t *counts, int64_t *votes, size_t *college,
                       urne_diags *diags) {
    urne_span *f = nt->f;
    column *cols = nt->cols;
    int bad = 0;
    for (long i = 0; i < n; i++) {
        switch (cols[i].kind) {
        case COL_COUNT:
        case COL_CANDIDATE: {
            const char *fname = cols[i].kind == COL_COUNT ? count_names[cols[i].index]
                                                          : nt->round->candidates[cols[i].index].name;
            if (!reported && !(cols[i].kind == COL_COUNT && cols[i].index == K_INSCRITS && f[i].len > 0))
                break;
            if (f[i].len == 0) {
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, fname, URNE_RULE_COUNT_FORMAT,
                               "is empty while other figures of the sheet are filled in (leave every figure "
                               "empty for a bureau not yet counted)");
                bad = 1;
                break;
            }
            int64_t v;
            if (cols[i].kind == COL_CANDIDATE && cols[i].level_like &&
                urne_num_parse_grouped(f[i].p, f[i].len, &v) == URNE_NUM_INVALID) {
                bad = 1;
                if (cols[i].reported) break; /* said once for the column */
                cols[i].reported = 1;
                char advice[600];
                levels_advice(nt, advice, sizeof advice);
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, fname, RULE_UNDECLARED_LEVEL,
                               "'%.*s' is not a number of votes: column '%s' is read as a candidate because '%s' "
                               "is not a declared level; declare the levels above the header, top level first: %s",
                               (int)(f[i].len > 40 ? 40 : f[i].len), f[i].p, fname, fname, advice);
                break;
            }
            if (urne_parse_count(f[i], ln, fname, &v, diags) != 0) {
                bad = 1;
                break;
            }
            if (cols[i].kind == COL_COUNT)
                counts[cols[i].index] = v;
            else
                votes[cols[i].index] = v;
            break;
        }
        case COL_LEVEL:
            if (f[i].len == 0) {
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, nt->m.levels[cols[i].index], URNE_RULE_COUNT_FORMAT,
                               "the %s is empty: every row names its units", nt->m.levels[cols[i].index]);
                bad = 1;
            }
            break;
        case COL_COLLEGE:
        case COL_UNKNOWN: /* refused with the header: no row is read */
            break;
        }
    }
    if (nt->college_col >= 0) {
        urne_span cf = f[nt->college_col];
        for (size_t g = 0; g < nt->round->ncolleges; g++)
            if (strlen(nt->round->colleges[g].name) == cf.len &&
                strncasecmp(nt->round->colleges[g].name, cf.p, cf.len) == 0)
                *college = g;
        if (*college == URNE_NONE) {
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, "college", URNE_RULE_MISSING_COLLEGE,
                           "'%.*s' is not a declared college", (int)cf.len, cf.p);
            bad = 1;
        }
    }
    return !bad;
}

/* The sheet's keys, codes and labels, one per level, from the row's fields. Keys are
 * paths: "Villeurbanne/3" cannot collide with "Lyon/3". 0, or -1 when out of memory. */
static int row_keys(native *nt, urne_sheet *s) {
    const meta *m = &nt->m;
    char key[512] = "";
    size_t klen = 0;
    for (size_t l = 0; l < m->nlevels; l++) {
        urne_span code = nt->level_col[l] >= 0 ? nt->f[nt->level_col[l]]
                                               : (urne_span){m->levels[l], strlen(m->levels[l]), 0};
        if (l == 0 && nt->level_col[0] < 0) {
            s->key[0] = nt->national;
            s->label[0] = nt->round->contests[0].label;
            continue;
        }
        int w = snprintf(key + klen, sizeof key - klen, "%s%.*s", klen ? "/" : "", (int)code.len, code.p);
        if (w > 0) klen = klen + (size_t)w < sizeof key ? klen + (size_t)w : sizeof key - 1;
        s->key[l] = urne_round_intern(nt->round, key, klen);
        s->code[l] = s->label[l] = urne_parse_intern(nt->round, code);
        if (s->key[l] == NULL || s->label[l] == NULL) return -1;
    }
    return 0;
}

/* One row after the header: a sheet added to the round, or errors added and the row
 * skipped. 0, or -1 when out of memory. */
static int read_row(native *nt, urne_span line, long ln, urne_diags *diags) {
    urne_span *f = nt->f;
    long n = urne_fields_split(line, nt->sep, f, URNE_MAX_FIELDS);
    if (n < 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                       "a quote is left open: the line is truncated");
        return 0;
    }
    if (n != nt->ncols) {
        if (n < nt->ncols)
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields, but the header (line %ld) has %ld (truncated line?)", n, nt->header_line,
                           nt->ncols);
        else
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields, but the header (line %ld) has %ld", n, nt->header_line, nt->ncols);
        return 0;
    }
    /* Figures: all empty (not yet counted; inscrits may be known already) or all present. */
    size_t filled = 0;
    for (long i = 0; i < n; i++)
        if ((nt->cols[i].kind == COL_COUNT && nt->cols[i].index != K_INSCRITS) || nt->cols[i].kind == COL_CANDIDATE)
            filled += f[i].len > 0;
    int reported = filled > 0;
    int64_t counts[K_NCOUNTS] = {0, 0, 0, 0, -1};
    int64_t votes[URNE_MAX_FIELDS];
    size_t college = URNE_NONE;
    if (!row_figures(nt, n, ln, reported, counts, votes, &college, diags)) return 0;
    urne_round *round = nt->round;
    urne_sheet *s = urne_round_add_sheet(round, 0);
    if (s == NULL) return -1;
    s->line = ln;
    s->reported = reported;
    s->college = college;
    urne_sheet_set_counts(s, counts); /* K_INSCRITS .. K_EXPRIMES, in that order */
    if (nt->count_col[K_EXPRIMES] < 0 || !reported) s->exprimes_stated = -1;
    if (reported)
        for (size_t c = 0; c < round->ncandidates; c++) s->votes[c] = votes[c];
    return row_keys(nt, s);
}

/* After the last line: an empty file, a header without rows, too many sheets. */
static void check_end(const native *nt, int have_header, urne_diags *diags) {
    urne_round *round = nt->round;
    if (!have_header && diags->errors == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY,
                       "the file is empty: no header line (see README, 'Native tally sheets')");
    else if (diags->errors == 0 && round->nsheets == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no tally sheet after the header line");
    else if (round->nsheets > URNE_SHEETS_MAX)
        urne_results_check_sheet_count(round->nsheets, round->sheets[URNE_SHEETS_MAX].line, diags);
}

urne_round *urne_io_parse_native(const char *text, size_t len, urne_encoding enc, urne_diags *diags) {
    urne_lines it;
    urne_lines_init_encoded(&it, text, len, enc);
    native nt;
    memset(&nt, 0, sizeof nt);
    nt.round = urne_round_new();
    nt.m.round = 1;
    nt.m.cands = calloc(MAX_META_CANDIDATES, sizeof *nt.m.cands);
    nt.f = malloc(URNE_MAX_FIELDS * sizeof *nt.f);
    nt.cols = malloc(URNE_MAX_FIELDS * sizeof *nt.cols);
    nt.sep = ',';
    nt.college_col = -1;
    urne_round *round = nt.round;
    if (round == NULL || nt.m.cands == NULL || nt.f == NULL || nt.cols == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        goto fail;
    }
    urne_span line;
    int have_header = 0;
    while (urne_lines_next(&it, &line)) {
        long ln = it.lineno;
        if (urne_span_blank(line)) continue;
        if (line.p[0] == '#') {
            if (have_header) continue; /* comments between rows */
            if (read_meta(line, ln, &nt.m, round, diags) != 0) goto fail;
            continue;
        }
        if (!have_header) {
            if (read_header(&nt, line, ln, diags) != 0) goto fail;
            have_header = 1;
            continue;
        }
        if (urne_span_only_separators(line, nt.sep)) continue; /* an empty row of the spreadsheet */
        if (read_row(&nt, line, ln, diags) != 0) goto fail;
    }
    if (it.lineno < 0) goto fail;
    urne_lines_free(&it);
    check_end(&nt, have_header, diags);
    if (diags->errors > 0) goto fail;
    round->number = nt.m.round;
    if (nt.m.election[0]) round->election = urne_round_intern(round, nt.m.election, strlen(nt.m.election));
    if (nt.m.rules[0]) round->rules_hint = urne_round_intern(round, nt.m.rules, strlen(nt.m.rules));
    free(nt.m.cands);
    free(nt.f);
    free(nt.cols);
    return round;
fail:
    if (diags->errors == 0) urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    urne_lines_free(&it);
    urne_round_free(round);
    free(nt.m.cands);
    free(nt.f);
    free(nt.cols);
    return NULL;
}
