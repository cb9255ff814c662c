/*
 * ministry: the Ministry of the Interior's per-bureau results file.
 *
 * The official PR17_BVot_T1_FE.txt is latin-1, ';'-separated, CRLF, comma decimals,
 * and its header names a single candidate group (N°Panneau;Sexe;Nom;Prénom;Voix;
 * % Voix/Ins;% Voix/Exp) while every row carries eleven. Extractions people pass
 * around re-encode it to UTF-8, number the groups (Nom_1 .. Nom_11), move columns
 * about, use dot decimals and append their own columns. So columns are found by
 * their folded header names, never by position:
 *   - fixed columns: codes and labels of département, circonscription, commune and
 *     bureau, Inscrits, Votants, Blancs, Nuls, Exprimés (percentages are ignored:
 *     urne recomputes them exactly);
 *   - numbered group columns map to their group;
 *   - unnumbered group columns form a block that repeats to the end of each row.
 * The levels of the round are the codes the file has (a per-commune file has no
 * bureau level). Candidates come from the first row and are matched by name on the
 * others; the whole file is one contest, decided at the top level.
 */
#include <stdlib.h>
#include <string.h>

#include "parse_common.h"
#include "results_io.h"

enum role {
    R_IGNORE,
    R_DEPT_CODE, R_DEPT_LABEL, R_CIRCO_CODE, R_CIRCO_LABEL, R_COMMUNE_CODE, R_COMMUNE_LABEL, R_BV_CODE,
    R_INSCRITS, R_VOTANTS, R_BLANCS, R_NULS, R_EXPRIMES,
    R_G_PANEL, R_G_SEX, R_G_NOM, R_G_PRENOM, R_G_VOIX, R_G_OTHER,
    R_COUNT
};

#define NGROUP_ROLES 5 /* panel, sex, nom, prenom, voix */
#define MAX_GROUPS 64

static const struct {
    const char *folded;
    enum role role;
} names[] = {
    {"code du departement", R_DEPT_CODE},   {"libelle du departement", R_DEPT_LABEL},
    {"code de la circonscription", R_CIRCO_CODE}, {"libelle de la circonscription", R_CIRCO_LABEL},
    {"code de la commune", R_COMMUNE_CODE}, {"libelle de la commune", R_COMMUNE_LABEL},
    {"code du b vote", R_BV_CODE},          {"code du bureau de vote", R_BV_CODE},
    {"inscrits", R_INSCRITS},               {"votants", R_VOTANTS},
    {"blancs", R_BLANCS},                   {"nuls", R_NULS},
    {"exprimes", R_EXPRIMES},               {"n panneau", R_G_PANEL},
    {"sexe", R_G_SEX},                      {"nom", R_G_NOM},
    {"prenom", R_G_PRENOM},                 {"voix", R_G_VOIX},
};

static const char *field_names[R_COUNT] = {
    [R_INSCRITS] = "Inscrits", [R_VOTANTS] = "Votants", [R_BLANCS] = "Blancs",
    [R_NULS] = "Nuls",         [R_EXPRIMES] = "Exprimés", [R_G_VOIX] = "Voix",
};

typedef struct layout {
    long fixed[R_G_PANEL];             /* column of each fixed role, -1 if absent */
    long group_col[MAX_GROUPS][NGROUP_ROLES]; /* numbered mode */
    size_t ngroups;                    /* numbered mode: groups named by the header */
    int repeating;                     /* unnumbered group block repeating to the end */
    long block_start, block_width;
    long block_off[NGROUP_ROLES];
    long header_fields;
} layout;

/* Split "nom 3" into base "nom" and group 3; returns the group or 0 when unnumbered. */
static long split_suffix(char *folded) {
    size_t n = strlen(folded);
    size_t i = n;
    while (i > 0 && folded[i - 1] >= '0' && folded[i - 1] <= '9') i--;
    if (i == n || i == 0 || folded[i - 1] != ' ') return 0;
    long g = strtol(folded + i, NULL, 10);
    folded[i - 1] = '\0';
    return g;
}

static int read_header(urne_span line, layout *lay, urne_diags *diags) {
    urne_span f[URNE_MAX_FIELDS];
    long n = urne_fields_split(line, ';', f, URNE_MAX_FIELDS);
    if (n < 0 || n > URNE_MAX_FIELDS) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 1, NULL, URNE_RULE_HEADER, "the header line cannot be read");
        return -1;
    }
    memset(lay, 0, sizeof *lay);
    for (int r = 0; r < R_G_PANEL; r++) lay->fixed[r] = -1;
    for (int g = 0; g < MAX_GROUPS; g++)
        for (int k = 0; k < NGROUP_ROLES; k++) lay->group_col[g][k] = -1;
    for (int k = 0; k < NGROUP_ROLES; k++) lay->block_off[k] = -1;
    lay->header_fields = n;
    lay->block_start = -1;
    int numbered = 0, unnumbered = 0;
    for (long i = 0; i < n; i++) {
        char folded[128];
        urne_text_fold_header(f[i], folded, sizeof folded);
        int percent = folded[0] == '%';
        long g = split_suffix(folded);
        enum role role = R_IGNORE;
        for (size_t k = 0; k < sizeof names / sizeof names[0] && !percent; k++)
            if (strcmp(folded, names[k].folded) == 0) role = names[k].role;
        if (role >= R_G_PANEL) {
            if (g > 0) {
                if (g > MAX_GROUPS) {
                    urne_diags_add(diags, URNE_DIAG_ERROR, 1, NULL, URNE_RULE_HEADER,
                                   "column %ld names candidate group %ld; at most %d are supported", i + 1, g,
                                   MAX_GROUPS);
                    return -1;
                }
                numbered = 1;
                lay->group_col[g - 1][role - R_G_PANEL] = i;
                if ((size_t)g > lay->ngroups) lay->ngroups = (size_t)g;
            } else {
                unnumbered = 1;
                if (lay->block_start < 0) lay->block_start = i;
                lay->block_off[role - R_G_PANEL] = i - lay->block_start;
            }
        } else if (role != R_IGNORE) {
            if (lay->block_start >= 0 && unnumbered) {
                urne_diags_add(diags, URNE_DIAG_ERROR, 1, NULL, URNE_RULE_HEADER,
                               "column %ld ('%.*s') follows the candidate columns; an unnumbered candidate "
                               "group must end the header", i + 1, (int)f[i].len, f[i].p);
                return -1;
            }
            lay->fixed[role] = i;
        }
    }
    if (numbered && unnumbered) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 1, NULL, URNE_RULE_HEADER,
                       "the header mixes numbered (Nom_1) and unnumbered (Nom) candidate columns");
        return -1;
    }
    static const enum role needed[] = {R_INSCRITS, R_VOTANTS, R_BLANCS, R_NULS};
    for (size_t k = 0; k < sizeof needed / sizeof needed[0]; k++)
        if (lay->fixed[needed[k]] < 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, 1, field_names[needed[k]], URNE_RULE_HEADER,
                           "the header has no '%s' column; is this a Ministry results file?",
                           field_names[needed[k]]);
            return -1;
        }
    if (!numbered && !unnumbered) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 1, "Voix", URNE_RULE_HEADER,
                       "the header has no candidate columns (N°Panneau, Nom, Prénom, Voix)");
        return -1;
    }
    for (size_t g = 0; g < (numbered ? lay->ngroups : 1); g++) {
        long *cols = numbered ? lay->group_col[g] : lay->block_off;
        if (cols[R_G_NOM - R_G_PANEL] < 0 || cols[R_G_VOIX - R_G_PANEL] < 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, 1, "Nom", URNE_RULE_HEADER,
                           "candidate group %zu has no 'Nom' or no 'Voix' column", g + 1);
            return -1;
        }
    }
    lay->repeating = unnumbered;
    if (unnumbered) lay->block_width = n - lay->block_start;
    return 0;
}

/* The last key interned at one level, to skip interning it again on the next row. */
typedef struct key_cache {
    char raw[128];
    size_t len;
    const char *key, *code, *label;
} key_cache;

/* The fields of one row that urne uses, found in a single pass (percentages and
 * extra columns are skipped without being stored). */
typedef struct row {
    long nfields;
    size_t ngroups;
    urne_span fixed[R_G_PANEL];
    urne_span group[MAX_GROUPS][NGROUP_ROLES];
} row;

static const urne_span empty_span = {"", 0, 0};

/* Read the fields of `line` that the layout names. A line without quotes (all of them
 * in official files) is read from its separator positions, building spans only for
 * the columns used; one with quotes goes through the general splitter. Ballot
 * numbers and sexes are read only when `all` (the first sheet) asks for them.
 * Returns 0, or -1 on an open quote. */
static int read_row(const layout *lay, urne_span line, row *r, uint32_t *pos, urne_span *spans, int all) {
    size_t nsep = 0;
    int quoted = memchr(line.p, '"', line.len) != NULL;
    if (quoted) {
        long n = urne_fields_split(line, ';', spans, URNE_MAX_FIELDS);
        if (n < 0) return -1;
        r->nfields = n;
    } else {
        nsep = urne_text_separators(line, ';', pos, URNE_MAX_FIELDS);
        r->nfields = (long)nsep + 1;
    }
    long usable = r->nfields < URNE_MAX_FIELDS ? r->nfields : URNE_MAX_FIELDS;
#define FIELD(col) ((col) < 0 || (col) >= usable ? empty_span : quoted ? spans[col] : urne_text_field_at(line, pos, nsep, (size_t)(col)))
    for (int k = 0; k < R_G_PANEL; k++) r->fixed[k] = FIELD(lay->fixed[k]);
    size_t ngroups = lay->ngroups;
    if (lay->repeating)
        ngroups = r->nfields > lay->block_start ? (size_t)((r->nfields - lay->block_start) / lay->block_width) : 0;
    if (ngroups > MAX_GROUPS) ngroups = MAX_GROUPS;
    for (size_t g = 0; g < ngroups; g++)
        for (int k = all ? 0 : R_G_NOM - R_G_PANEL; k < NGROUP_ROLES; k++) {
            long col = lay->repeating ? (lay->block_off[k] < 0 ? -1 : lay->block_start + (long)g * lay->block_width + lay->block_off[k])
                                      : lay->group_col[g][k];
            r->group[g][k] = FIELD(col);
        }
#undef FIELD
    return 0;
}

/* Names are a few bytes long: a plain loop beats a call to memcmp. */
static inline int span_equal(urne_span a, urne_span b) {
    if (a.len != b.len) return 0;
    for (size_t i = 0; i < a.len; i++)
        if (a.p[i] != b.p[i]) return 0;
    return 1;
}

/* Intern a span of the raw text, converting it to UTF-8 when the file is latin-1. */
static const char *intern_raw(urne_round *round, urne_span s, urne_encoding enc) {
    char tmp[512];
    urne_span conv = {tmp, urne_text_to_utf8(s, enc, tmp, sizeof tmp), s.quoted};
    return urne_parse_intern(round, conv);
}

static int setup_round(urne_round *round, const layout *lay, const row *rw, size_t ngroups, long line,
                       urne_encoding enc, urne_diags *diags) {
    const char *levels[URNE_MAX_LEVELS];
    size_t n = 0;
    levels[n++] = "national";
    if (lay->fixed[R_DEPT_CODE] >= 0) levels[n++] = "departement";
    if (lay->fixed[R_CIRCO_CODE] >= 0) levels[n++] = "circonscription";
    if (lay->fixed[R_COMMUNE_CODE] >= 0) levels[n++] = "commune";
    if (lay->fixed[R_BV_CODE] >= 0) levels[n++] = "bureau";
    if (urne_round_set_levels(round, levels, n, 0) != 0 ||
        urne_round_add_contest(round, "national", "Total") == URNE_NONE)
        return -1;
    for (size_t g = 0; g < ngroups; g++) {
        char first[256], last[256], sex[16], name[520];
        urne_span panel = rw->group[g][R_G_PANEL - R_G_PANEL];
        urne_text_to_utf8(rw->group[g][R_G_PRENOM - R_G_PANEL], enc, first, sizeof first);
        urne_text_to_utf8(rw->group[g][R_G_NOM - R_G_PANEL], enc, last, sizeof last);
        urne_text_to_utf8(rw->group[g][R_G_SEX - R_G_PANEL], enc, sex, sizeof sex);
        if (last[0] == '\0') {
            urne_diags_add(diags, URNE_DIAG_ERROR, line, "Nom", URNE_RULE_CANDIDATE_GROUPS,
                           "candidate group %zu has no name", g + 1);
            return -1;
        }
        snprintf(name, sizeof name, "%s%s%s", first, first[0] ? " " : "", last);
        int64_t pn = 0;
        urne_num_parse_count(panel.p, panel.len, &pn);
        size_t idx = urne_round_add_candidate(round, name, NULL, sex[0] ? sex : NULL, NULL, (int)pn);
        if (idx == URNE_NONE || urne_round_set_names(round, idx, first, last) != 0) return -1;
    }
    return 0;
}

/* A count read from the raw text; the message, if any, shows the field as UTF-8. */
static int count_raw(urne_span s, urne_encoding enc, long line, const char *field, int64_t *out, urne_diags *diags) {
    if (urne_num_parse_count(s.p, s.len, out) == URNE_NUM_OK) return 0;
    char tmp[128];
    urne_span conv = {tmp, urne_text_to_utf8(s, enc, tmp, sizeof tmp), 0};
    return urne_parse_count(conv, line, field, out, diags);
}

/* Lines in the text: enough to size the sheet array once. */
static size_t count_lines(const char *text, size_t len) {
    size_t n = 1;
    for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) n++;
    return n;
}

/* Reading rows: the layout and the first sheet's candidates (fixed once it is read),
 * where the sheets go, and the scratch space of the row loop. */
typedef struct row_reader {
    const layout *lay;
    urne_encoding enc;
    size_t ngroups;             /* candidate groups of the first sheet */
    const urne_span *raw_first; /* the candidates' names as the file writes them */
    const urne_span *raw_last;
    urne_round *round;          /* where the sheets go */
    urne_diags *diags;
    row rw;
    uint32_t pos[URNE_MAX_FIELDS];
    urne_span spans[URNE_MAX_FIELDS];
    key_cache cache[URNE_MAX_LEVELS];
} row_reader;

/* Candidate groups of the row just read, or -1 after an error (wrong field count). */
static long row_groups(const layout *lay, const row *rw, long ln, urne_diags *diags) {
    long n = rw->nfields;
    if (!lay->repeating) {
        if (n == lay->header_fields) return (long)lay->ngroups;
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT, "%ld fields, but the header has %ld%s",
                       n, lay->header_fields, n < lay->header_fields ? " (truncated line?)" : "");
        return -1;
    }
    long rest = n - lay->block_start;
    if (rest < lay->block_width || rest % lay->block_width != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                       "%ld fields: a sheet has %ld fixed fields then candidate groups of %ld fields, so %ld after "
                       "the fixed ones is %s",
                       n, lay->block_start, lay->block_width, rest < 0 ? 0 : rest,
                       rest < lay->block_width ? "too few (truncated line?)" : "not a whole number of groups");
        return -1;
    }
    if (rest / lay->block_width > MAX_GROUPS) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_CANDIDATE_GROUPS,
                       "%ld candidate groups; at most %d are supported", rest / lay->block_width, MAX_GROUPS);
        return -1;
    }
    return rest / lay->block_width;
}

/* Read one row into a sheet of rd->round. Returns 0 (the sheet added, or the row's
 * errors in diags), or -1 when memory runs out. */
static int read_sheet(row_reader *rd, urne_span line, long ln) {
    const layout *lay = rd->lay;
    urne_round *round = rd->round;
    urne_diags *diags = rd->diags;
    urne_encoding enc = rd->enc;
    row *rw = &rd->rw;
    if (read_row(lay, line, rw, rd->pos, rd->spans, 0) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                       "a quote is left open: the line is truncated");
        return 0;
    }
    long got = row_groups(lay, rw, ln, diags);
    if (got < 0) return 0;
    size_t ngroups = (size_t)got;
    if (ngroups != rd->ngroups) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_CANDIDATE_GROUPS,
                       "%zu candidate group%s (%ld fields), but the first sheet has %zu%s", ngroups,
                       ngroups == 1 ? "" : "s", rw->nfields, rd->ngroups,
                       ngroups < rd->ngroups ? ": the line looks truncated" : "");
        return 0;
    }
    /* The bureau's key is new on every row: hash it now and let the interning
     * table's slot load while the row's counts and names are read. */
    char leaf[256];
    size_t leaf_len = 0;
    uint32_t leaf_hash = 0;
    if (lay->fixed[R_BV_CODE] >= 0) {
        urne_span parts[3] = {rw->fixed[R_DEPT_CODE], rw->fixed[R_COMMUNE_CODE], rw->fixed[R_BV_CODE]};
        char raw[256];
        urne_span joined = {raw, urne_parse_join(raw, sizeof raw, parts, 3), 0};
        leaf_len = urne_text_to_utf8(joined, enc, leaf, sizeof leaf);
        leaf_hash = urne_strpool_prepare(&round->strings, leaf, leaf_len);
    }
    int64_t counts[R_G_PANEL];
    int bad = 0;
    for (int r = R_INSCRITS; r <= R_EXPRIMES; r++) {
        counts[r] = -1;
        if (lay->fixed[r] >= 0 && count_raw(rw->fixed[r], enc, ln, field_names[r], &counts[r], diags) != 0) bad = 1;
    }
    int64_t votes[MAX_GROUPS];
    size_t slot[MAX_GROUPS];
    for (size_t g = 0; g < ngroups; g++) {
        urne_span nom = rw->group[g][R_G_NOM - R_G_PANEL];
        urne_span prenom = rw->group[g][R_G_PRENOM - R_G_PANEL];
        urne_span voix = rw->group[g][R_G_VOIX - R_G_PANEL];
        if (urne_num_parse_count(voix.p, voix.len, &votes[g]) != URNE_NUM_OK) {
            /* Name the field only when it is wrong: this loop runs for every vote. */
            char field[160];
            snprintf(field, sizeof field, "Voix (group %zu, %s)", g + 1, round->candidates[g].last_name);
            count_raw(voix, enc, ln, field, &votes[g], diags);
            bad = 1;
        }
        /* Usually the same candidate as on the first sheet, at the same place. */
        if (span_equal(nom, rd->raw_last[g]) && span_equal(prenom, rd->raw_first[g])) {
            slot[g] = g;
        } else {
            char name[520], first[256], last[256];
            urne_text_to_utf8(prenom, enc, first, sizeof first);
            urne_text_to_utf8(nom, enc, last, sizeof last);
            size_t nl = (size_t)snprintf(name, sizeof name, "%s%s%s", first, first[0] ? " " : "", last);
            slot[g] = urne_round_find_candidate(round, 0, name, nl);
            if (slot[g] == URNE_NONE) {
                urne_diags_add(diags, URNE_DIAG_ERROR, ln, "Nom", URNE_RULE_UNKNOWN_CANDIDATE,
                               "candidate group %zu names '%s', who is not among the candidates of the first sheet",
                               g + 1, name);
                bad = 1;
            }
        }
    }
    if (bad) return 0;
    urne_sheet *s = urne_round_add_sheet(round, 0);
    if (s == NULL) return -1;
    s->line = ln;
    s->inscrits = counts[R_INSCRITS];
    s->votants = counts[R_VOTANTS];
    s->blancs = counts[R_BLANCS];
    s->nuls = counts[R_NULS];
    s->exprimes_stated = counts[R_EXPRIMES];
    for (size_t g = 0; g < ngroups; g++) s->votes[slot[g]] += votes[g];

    /* Keys: national, then each present level qualified by the département.
     * Consecutive rows mostly share their département, circonscription and commune:
     * the cache saves interning them again. */
    size_t lv = 0;
    s->key[lv] = round->contests[0].key;
    s->label[lv++] = round->contests[0].label;
    static const enum role code_role[] = {R_DEPT_CODE, R_CIRCO_CODE, R_COMMUNE_CODE};
    static const enum role label_role[] = {R_DEPT_LABEL, R_CIRCO_LABEL, R_COMMUNE_LABEL};
    for (int k = 0; k < 3; k++) {
        if (lay->fixed[code_role[k]] < 0) continue;
        urne_span parts[2] = {rw->fixed[R_DEPT_CODE], rw->fixed[code_role[k]]};
        char key[256];
        size_t klen = urne_parse_join(key, sizeof key, parts, k == 0 ? 1 : 2);
        key_cache *kc = &rd->cache[lv];
        if (kc->key == NULL || kc->len != klen || memcmp(kc->raw, key, klen) != 0) {
            urne_span ks = {key, klen, 0};
            kc->key = intern_raw(round, ks, enc);
            kc->code = intern_raw(round, rw->fixed[code_role[k]], enc);
            kc->label = intern_raw(round, rw->fixed[label_role[k]], enc);
            kc->len = klen < sizeof kc->raw ? klen : 0;
            memcpy(kc->raw, key, kc->len);
            if (kc->key == NULL || kc->code == NULL) return -1;
        }
        s->key[lv] = kc->key;
        s->code[lv] = kc->code;
        s->label[lv++] = kc->label;
    }
    if (lay->fixed[R_BV_CODE] >= 0) { /* unique on every row: no cache, the hash prepared above */
        s->key[lv] = urne_strpool_intern_hashed(&round->strings, leaf, leaf_len, leaf_hash);
        s->code[lv] = intern_raw(round, rw->fixed[R_BV_CODE], enc);
        s->label[lv] = NULL;
        if (s->key[lv] == NULL || s->code[lv] == NULL) return -1;
    }
    return 0;
}

urne_round *urne_io_parse_ministry(const char *text, size_t len, urne_encoding enc, urne_diags *diags) {
    urne_lines it;
    urne_span line;
    /* Rows are read raw, in the file's own encoding: counts, codes and the candidates'
     * names compare the same either way, and only the strings kept are converted. */
    urne_lines_init(&it, text, len);
    layout lay;
    if (!urne_lines_next(&it, &line) || urne_span_blank(line)) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file is empty");
        return NULL;
    }
    char *header = malloc(2 * line.len + 1);
    if (header == NULL) return NULL;
    urne_span hs = {header, urne_text_to_utf8(line, enc, header, 2 * line.len + 1), 0};
    int hrc = read_header(hs, &lay, diags);
    free(header);
    if (hrc != 0) return NULL;

    urne_round *round = urne_round_new();
    row_reader *rd = calloc(1, sizeof *rd);
    urne_span raw_first[MAX_GROUPS], raw_last[MAX_GROUPS];
    if (round == NULL || rd == NULL || urne_round_reserve_sheets(round, count_lines(text, len)) != 0) goto oom;
    rd->lay = &lay;
    rd->enc = enc;
    rd->round = round;
    rd->diags = diags;
    rd->raw_first = raw_first;
    rd->raw_last = raw_last;

    /* The first sheet names the candidates and fixes how many groups every row has. */
    int more;
    while ((more = urne_lines_next(&it, &line)) && line.len == 0) {
    }
    if (!more) {
        free(rd);
        return urne_parse_finish(round, diags, "no tally sheet after the header line");
    }
    long first_line = it.lineno;
    long got = -1;
    if (read_row(&lay, line, &rd->rw, rd->pos, rd->spans, 1) != 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, first_line, NULL, URNE_RULE_FIELD_COUNT,
                       "a quote is left open: the line is truncated");
    else
        got = row_groups(&lay, &rd->rw, first_line, diags);
    if (got < 0 || setup_round(round, &lay, &rd->rw, (size_t)got, first_line, enc, diags) != 0) {
        free(rd);
        return urne_parse_finish(round, diags, "no tally sheet after the header line");
    }
    rd->ngroups = (size_t)got;
    for (size_t g = 0; g < rd->ngroups; g++) { /* the names as the file writes them */
        raw_first[g] = rd->rw.group[g][R_G_PRENOM - R_G_PANEL];
        raw_last[g] = rd->rw.group[g][R_G_NOM - R_G_PANEL];
        raw_first[g].p = urne_arena_strndup(&round->arena, raw_first[g].p, raw_first[g].len);
        raw_last[g].p = urne_arena_strndup(&round->arena, raw_last[g].p, raw_last[g].len);
        if (raw_first[g].p == NULL || raw_last[g].p == NULL) goto oom;
    }
    if (read_sheet(rd, line, first_line) != 0) goto oom;
    while (urne_lines_next(&it, &line)) {
        if (line.len == 0) continue; /* a blank line carries no sheet */
        if (read_sheet(rd, line, it.lineno) != 0) goto oom;
    }
    free(rd);
    return urne_parse_finish(round, diags, "no tally sheet after the header line");
oom:
    free(rd);
    urne_round_free(round);
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    return NULL;
}
