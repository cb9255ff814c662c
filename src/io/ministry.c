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

#include "ministry_internal.h"
#include "results_io.h"

static const struct {
    const char *folded;
    enum ministry_role role;
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

static int read_header(urne_span line, ministry_layout *lay, urne_diags *diags) {
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
        enum ministry_role role = R_IGNORE;
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
    static const enum ministry_role needed[] = {R_INSCRITS, R_VOTANTS, R_BLANCS, R_NULS};
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

long ministry_group_col(const ministry_layout *lay, size_t g, int k) {
    if (!lay->repeating) return lay->group_col[g][k];
    return lay->block_off[k] < 0 ? -1 : lay->block_start + (long)g * lay->block_width + lay->block_off[k];
}

static const urne_span empty_span = {"", 0, 0};

/* Read the fields of `line` that the layout names. A line without quotes (all of them
 * in official files) is read from its separator positions, building spans only for
 * the columns used; one with quotes goes through the general splitter. Ballot
 * numbers and sexes are read only when `all` (the first sheet) asks for them.
 * Returns 0, or -1 on an open quote. */
static int read_row(const ministry_layout *lay, urne_span line, ministry_row *r, uint32_t *pos, urne_span *spans,
                    int all) {
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
        for (int k = all ? 0 : GROUP_ROLE(R_G_NOM); k < NGROUP_ROLES; k++) r->group[g][k] = FIELD(ministry_group_col(lay, g, k));
#undef FIELD
    return 0;
}

/* A span of the raw text as UTF-8 (converted when the file is latin-1), in `arena`,
 * with a quoted field's doubled quotes undone. */
static char *copy_raw(urne_arena *arena, urne_span s, urne_encoding enc) {
    char tmp[512];
    urne_span conv = {tmp, urne_text_to_utf8(s, enc, tmp, sizeof tmp), s.quoted};
    return urne_span_dup(arena, conv);
}

static int setup_round(urne_round *round, const ministry_layout *lay, const ministry_row *rw, size_t ngroups, long line,
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
        if (pn > INT32_MAX) pn = 0; /* not a ballot-board number: unknown, as an unreadable one is, never cut to int */
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

/* Candidate groups of the row just read, or -1 after an error (wrong field count). */
static long row_groups(const ministry_layout *lay, const ministry_row *rw, long ln, urne_diags *diags) {
    long n = rw->nfields;
    if (!lay->repeating) {
        if (n == lay->header_fields) return (long)lay->ngroups;
        if (n < lay->header_fields)
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields, but the header has %ld (truncated line?)", n, lay->header_fields);
        else
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT, "%ld fields, but the header has %ld",
                           n, lay->header_fields);
        return -1;
    }
    long rest = n - lay->block_start;
    if (rest < lay->block_width || rest % lay->block_width != 0) {
        if (rest < lay->block_width)
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields: a sheet has %ld fixed fields then candidate groups of %ld fields, so %ld after "
                           "the fixed ones is too few (truncated line?)",
                           n, lay->block_start, lay->block_width, rest < 0 ? 0 : rest);
        else
            urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields: a sheet has %ld fixed fields then candidate groups of %ld fields, so %ld after "
                           "the fixed ones is not a whole number of groups",
                           n, lay->block_start, lay->block_width, rest);
        return -1;
    }
    if (rest / lay->block_width > MAX_GROUPS) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_CANDIDATE_GROUPS,
                       "%ld candidate groups; at most %d are supported", rest / lay->block_width, MAX_GROUPS);
        return -1;
    }
    return rest / lay->block_width;
}

const enum ministry_role ministry_unit_code[3] = {R_DEPT_CODE, R_CIRCO_CODE, R_COMMUNE_CODE};
const enum ministry_role ministry_unit_label[3] = {R_DEPT_LABEL, R_CIRCO_LABEL, R_COMMUNE_LABEL};

const unit_entry *ministry_unit(row_reader *rd, int k, urne_span dept, urne_span code, urne_span label) {
    unit_cache *c = &rd->units[k];
    size_t i = 0;
    while (i < c->n && !ministry_unit_is(&c->recent[i], dept, code)) i++;
    if (i == c->n) { /* a new one: it takes the place of the oldest */
        if (c->n < UNIT_RECENT) c->n++;
        i = c->n - 1;
        unit_entry *e = &c->recent[i];
        /* A département is keyed by its code, the other levels by the département's
         * code and theirs, since commune and circonscription numbers restart in each. */
        urne_span parts[2] = {dept, code};
        char raw[256], key[256];
        urne_span joined = {raw, urne_parse_join(raw, sizeof raw, parts, k == 0 ? 1 : 2), dept.quoted || code.quoted};
        urne_span conv = {key, urne_text_to_utf8(joined, rd->file->enc, key, sizeof key), joined.quoted};
        pthread_mutex_lock(rd->round_lock);
        e->key = urne_parse_intern(rd->file->round, conv);
        pthread_mutex_unlock(rd->round_lock);
        e->code_copy = copy_raw(rd->arena, code, rd->file->enc);
        e->label = copy_raw(rd->arena, label, rd->file->enc);
        if (e->key == NULL || e->code_copy == NULL || e->label == NULL) {
            c->n--;
            return NULL;
        }
        /* Codes too long to remember are made again on every row: right, if slow. */
        int fits = dept.len <= sizeof e->dept && code.len <= sizeof e->code;
        e->dept_len = fits ? dept.len : (size_t)-1;
        e->code_len = fits ? code.len : (size_t)-1;
        if (fits) {
            memcpy(e->dept, dept.p, dept.len);
            memcpy(e->code, code.p, code.len);
        }
    }
    if (i > 0) { /* most recent first */
        unit_entry e = c->recent[i];
        memmove(&c->recent[1], &c->recent[0], i * sizeof e);
        c->recent[0] = e;
    }
    return &c->recent[0];
}

/* A sheet with another number of candidate groups than the first (which has at least one). */
static void other_groups(size_t ngroups, long nfields, size_t first, long ln, urne_diags *diags) {
    if (ngroups == 1)
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_CANDIDATE_GROUPS,
                       "%zu candidate group (%ld fields), but the first sheet has %zu: the line looks truncated",
                       ngroups, nfields, first);
    else if (ngroups < first)
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_CANDIDATE_GROUPS,
                       "%zu candidate groups (%ld fields), but the first sheet has %zu: the line looks truncated",
                       ngroups, nfields, first);
    else
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_CANDIDATE_GROUPS,
                       "%zu candidate groups (%ld fields), but the first sheet has %zu", ngroups, nfields, first);
}

int ministry_read_sheet(row_reader *rd, urne_span line, long ln, urne_sheet *dest, leaf_ref *leaf) {
    const ministry_file *mf = rd->file;
    const ministry_layout *lay = mf->lay;
    urne_round *round = mf->round;
    urne_diags *diags = rd->diags;
    urne_encoding enc = mf->enc;
    ministry_row *rw = &rd->rw;
    if (read_row(lay, line, rw, rd->pos, rd->spans, 0) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT,
                       "a quote is left open: the line is truncated");
        return 0;
    }
    long got = row_groups(lay, rw, ln, diags);
    if (got < 0) return 0;
    size_t ngroups = (size_t)got;
    if (ngroups != mf->ngroups) {
        other_groups(ngroups, rw->nfields, mf->ngroups, ln, diags);
        return 0;
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
        urne_span nom = rw->group[g][GROUP_ROLE(R_G_NOM)];
        urne_span prenom = rw->group[g][GROUP_ROLE(R_G_PRENOM)];
        urne_span voix = rw->group[g][GROUP_ROLE(R_G_VOIX)];
        if (urne_num_parse_count(voix.p, voix.len, &votes[g]) != URNE_NUM_OK) {
            /* Name the field only when it is wrong: this loop runs for every vote. */
            char field[160];
            snprintf(field, sizeof field, "Voix (group %zu, %s)", g + 1, round->candidates[g].last_name);
            if (count_raw(voix, enc, ln, field, &votes[g], diags) != 0) bad = 1; /* "1 210" is read */
        }
        /* Usually the same candidate as on the first sheet, at the same place. */
        if (ministry_same_span(nom, mf->raw_last[g]) && ministry_same_span(prenom, mf->raw_first[g])) {
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
    size_t ncand = round->contests[0].ncand;
    int64_t *sheet_votes = urne_arena_alloc(rd->arena, (ncand ? ncand : 1) * sizeof(int64_t));
    if (sheet_votes == NULL) return -1;
    urne_sheet *s = dest;
    urne_sheet_init(s, 0, sheet_votes);
    s->line = ln;
    urne_sheet_set_counts(s, &counts[R_INSCRITS]); /* the roles follow the same order */
    /* A candidate named in two groups gets both; a sum past int64 stays at INT64_MAX,
     * far above URNE_COUNT_MAX, so the sheet's check refuses it (count-bound) rather
     * than a wrapped, negative figure being reported as one. */
    for (size_t g = 0; g < ngroups; g++)
        if (__builtin_add_overflow(s->votes[slot[g]], votes[g], &s->votes[slot[g]])) s->votes[slot[g]] = INT64_MAX;

    /* Keys: national, then each present level. */
    size_t lv = 0;
    s->key[lv] = round->contests[0].key;
    s->label[lv++] = round->contests[0].label;
    for (int k = 0; k < 3; k++) {
        if (lay->fixed[ministry_unit_code[k]] < 0) continue;
        const unit_entry *u = ministry_unit(rd, k, rw->fixed[R_DEPT_CODE], rw->fixed[ministry_unit_code[k]],
                                            rw->fixed[ministry_unit_label[k]]);
        if (u == NULL) return -1;
        s->key[lv] = u->key;
        s->code[lv] = u->code_copy;
        s->label[lv++] = u->label;
    }
    if (lay->fixed[R_BV_CODE] >= 0) {
        urne_span parts[3] = {rw->fixed[R_DEPT_CODE], rw->fixed[R_COMMUNE_CODE], rw->fixed[R_BV_CODE]};
        char raw[256], key[256];
        urne_span joined = {raw, urne_parse_join(raw, sizeof raw, parts, 3), 0};
        size_t len = urne_text_to_utf8(joined, enc, key, sizeof key);
        leaf->hash = urne_strpool_hash(key, len);
        leaf->len = (uint32_t)len;
        s->key[lv] = urne_arena_strndup(rd->arena, key, len);
        s->code[lv] = copy_raw(rd->arena, rw->fixed[R_BV_CODE], enc);
        s->label[lv] = NULL;
        if (s->key[lv] == NULL || s->code[lv] == NULL) return -1;
    }
    return 1;
}

urne_round *urne_io_parse_ministry(const char *text, size_t len, urne_encoding enc, urne_diags *diags) {
    return urne_io_parse_ministry_with(text, len, enc, &(urne_ministry_reading){0, 0, NULL}, diags);
}

urne_round *urne_io_parse_ministry_with(const char *text, size_t len, urne_encoding enc,
                                        const urne_ministry_reading *how, urne_diags *diags) {
    urne_lines it;
    urne_span line;
    /* Rows are read raw, in the file's own encoding: counts, codes and the candidates'
     * names compare the same either way, and only the strings kept are converted. */
    urne_lines_init(&it, text, len);
    ministry_layout lay;
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
    ministry_file *mf = calloc(1, sizeof *mf);
    row_reader *rd = calloc(1, sizeof *rd);
    if (round == NULL || mf == NULL || rd == NULL) goto oom;
    mf->lay = &lay;
    mf->enc = enc;
    mf->round = round;

    /* The first sheet names the candidates and fixes how many groups every row has;
     * it is then read again with the others. */
    int more;
    while ((more = urne_lines_next(&it, &line)) && line.len == 0) {
    }
    if (!more) {
        free(rd);
        free(mf);
        return urne_parse_finish(round, diags, URNE_PARSE_NO_SHEET);
    }
    long first_line = it.lineno;
    size_t body = (size_t)(line.p - text);
    long got = -1;
    if (read_row(&lay, line, &rd->rw, rd->pos, rd->spans, 1) != 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, first_line, NULL, URNE_RULE_FIELD_COUNT,
                       "a quote is left open: the line is truncated");
    else
        got = row_groups(&lay, &rd->rw, first_line, diags);
    if (got < 0 || setup_round(round, &lay, &rd->rw, (size_t)got, first_line, enc, diags) != 0) {
        free(rd);
        free(mf);
        return urne_parse_finish(round, diags, URNE_PARSE_NO_SHEET);
    }
    mf->ngroups = (size_t)got;
    for (size_t g = 0; g < mf->ngroups; g++) { /* the names as the file writes them */
        urne_span first = rd->rw.group[g][GROUP_ROLE(R_G_PRENOM)], last = rd->rw.group[g][GROUP_ROLE(R_G_NOM)];
        mf->raw_first[g] = (urne_span){urne_arena_strndup(&round->arena, first.p, first.len), first.len, 0};
        mf->raw_last[g] = (urne_span){urne_arena_strndup(&round->arena, last.p, last.len), last.len, 0};
        if (mf->raw_first[g].p == NULL || mf->raw_last[g].p == NULL) goto oom;
    }
    free(rd);
    rd = NULL;
    if (ministry_read_rows(mf, text + body, len - body, first_line, how, diags) != 0) goto oom;
    free(mf);
    return urne_parse_finish(round, diags, URNE_PARSE_NO_SHEET);
oom:
    free(rd);
    free(mf);
    urne_round_free(round);
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    return NULL;
}
