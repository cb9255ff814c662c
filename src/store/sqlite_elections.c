/*
 * sqlite_elections: elections, their bureaux and sheets, typed entries,
 * assignments and publication, on SQLite (store_elections.h holds the contracts;
 * store.c has checked the lengths of what is written). The SQL texts are
 * store_sql.c's, shared with pg_elections.c, but for creating an election (its id
 * read by sqlite3_last_insert_rowid here; store_sql.h lists the variants).
 *
 * An election's structure is its round: levels, contests, candidates, colleges,
 * and one row per bureau carrying the bureau's key, code and label at every level
 * (joined by the ASCII unit separator, 0x1F, which no election file uses). The
 * bureau row also holds the sheet's current state and figures, as JSON. The
 * joined texts have no length limit: they are built and read in memory of their
 * size. The record's texts are read into the meta's fixed fields, a stored one
 * too long refused with the election named.
 *
 * The structure digest stands for what an election's bureaux and candidates are
 * called (levels, contests, candidates, colleges, each bureau's keys, codes and
 * labels): SHA-256 over every such column in a fixed order, each value preceded by
 * its length ("-" for NULL). election.create records it; verify recomputes it, so
 * two candidates' names swapped by hand do not carry each other's votes unseen.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"
#include "store_sql.h"

static int insert_structure(urne_store *s, int64_t id, const urne_round *r) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_contest_put);
    if (st == NULL) return -1;
    for (size_t c = 0; c < r->ncontests; c++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)c);
        sqlite3_bind_text(st, 3, r->contests[c].key ? r->contests[c].key : "", -1, SQLITE_STATIC);
        urne_sql_bind_text(st, 4, r->contests[c].label);
        if (urne_sql_step_done(s, st, "storing a contest") < 0) return -1;
    }
    st = urne_sql_stmt(s, urne_sql_election_candidate_put);
    if (st == NULL) return -1;
    for (size_t i = 0; i < r->ncandidates; i++) {
        const urne_candidate *c = &r->candidates[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_int64(st, 3, (int64_t)c->contest);
        sqlite3_bind_text(st, 4, c->name, -1, SQLITE_STATIC);
        urne_sql_bind_text(st, 5, c->group);
        urne_sql_bind_text(st, 6, c->sex);
        urne_sql_bind_text(st, 7, c->birth_date);
        sqlite3_bind_int(st, 8, c->panel);
        urne_sql_bind_text(st, 9, c->first_name);
        urne_sql_bind_text(st, 10, c->last_name);
        if (urne_sql_step_done(s, st, "storing a candidate") < 0) return -1;
    }
    st = urne_sql_stmt(s, urne_sql_election_college_put);
    if (st == NULL) return -1;
    for (size_t i = 0; i < r->ncolleges; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_text(st, 3, r->colleges[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, r->colleges[i].weight);
        if (urne_sql_step_done(s, st, "storing a college") < 0) return -1;
    }
    return 0;
}

/* The bureaux of a new election: one row per sheet, with its figures. */
static int insert_bureaux(urne_store *s, int64_t id, const urne_round *r, const urne_sheet_state *states,
                          const char *at) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_bureau_put);
    if (st == NULL) return -1;
    char *joined[3] = {NULL, NULL, NULL};
    size_t cap[3] = {0, 0, 0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->nsheets; i++) {
        const urne_sheet *sh = &r->sheets[i];
        if (urne_store_levels_join(sh->key, r->nlevels, &joined[0], &cap[0]) < 0 ||
            urne_store_levels_join(sh->code, r->nlevels, &joined[1], &cap[1]) < 0 ||
            urne_store_levels_join(sh->label, r->nlevels, &joined[2], &cap[2]) < 0) {
            rc = urne_store_fail(s, "bureau %zu: out of memory", i + 1);
            break;
        }
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_int64(st, 3, (int64_t)sh->contest);
        if (sh->college != URNE_NONE)
            sqlite3_bind_int64(st, 4, (int64_t)sh->college);
        else
            sqlite3_bind_null(st, 4);
        for (int k = 0; k < 3; k++) sqlite3_bind_text(st, 5 + k, joined[k], -1, SQLITE_TRANSIENT);
        urne_sheet_state state = states ? states[i] : URNE_SHEET_MISSING;
        sqlite3_bind_text(st, 8, urne_sheet_state_name(state), -1, SQLITE_STATIC);
        /* Figures are kept even for a bureau not counted yet: its inscrits are known. */
        urne_figures f = {0};
        char *fig = urne_figures_from_sheet(r, sh, &f) == 0 ? urne_figures_json(&f) : NULL;
        urne_figures_free(&f);
        if (fig == NULL) {
            rc = urne_store_fail(s, "bureau %zu: out of memory", i + 1);
            break;
        }
        /* Bound for every bureau: a reset statement keeps the last bureau's bindings. */
        if (urne_sheet_state_counts(state))
            sqlite3_bind_text(st, 10, at, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 10);
        urne_sql_bind_text(st, 9, fig);
        free(fig);
        rc = urne_sql_step_done(s, st, "storing a bureau");
    }
    for (int k = 0; k < 3; k++) free(joined[k]);
    return rc;
}

static int64_t sq_election_create(urne_store *s, const urne_election_meta *m, const urne_round *r,
                                  const urne_sheet_state *states) {
    char *levels = NULL, at[24];
    size_t cap = 0;
    if (urne_store_levels_join(r->levels, r->nlevels, &levels, &cap) < 0) return urne_store_fail(s, "out of memory");
    for (char *p = levels; *p; p++)
        if (*p == URNE_STORE_LEVEL_SEP) *p = ',';
    urne_store_now(at);
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO elections(title, round, preset, settings, levels, contest_level,"
                                        " double_entry, deadline, created_at, space, zone)"
                                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL) {
        free(levels);
        return -1;
    }
    sqlite3_bind_text(st, 1, m->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, m->round);
    sqlite3_bind_text(st, 3, m->preset, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, m->settings, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, levels, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, (int64_t)r->contest_level);
    sqlite3_bind_int(st, 7, m->double_entry);
    urne_sql_bind_text(st, 8, m->deadline);
    sqlite3_bind_text(st, 9, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, m->space, -1, SQLITE_TRANSIENT); /* '' for the site, never NULL */
    sqlite3_bind_text(st, 11, m->zone[0] ? m->zone : "Europe/Paris", -1, SQLITE_TRANSIENT);
    int rc = urne_sql_step_done(s, st, "storing an election");
    free(levels);
    if (rc < 0) return -1;
    int64_t id = sqlite3_last_insert_rowid(urne_sql_db(s));
    if (insert_structure(s, id, r) < 0 || insert_bureaux(s, id, r, states, at) < 0) return -1;
    return id;
}

/* An election's record from URNE_SQL_ELECTION_META's columns. 0, or -1 when a text does not fit. */
static int meta_row(urne_store *s, sqlite3_stmt *st, urne_election_meta *m) {
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(st, 0);
    m->round = sqlite3_column_int(st, 2);
    m->double_entry = sqlite3_column_int(st, 5);
    for (size_t k = 0; k < urne_sql_election_ntexts; k++) {
        const urne_store_text_col *c = &urne_sql_election_texts[k];
        if (urne_sql_col(s, st, c->col, (char *)m + c->offset, c->size, "elections", c->name, "election %lld",
                        (long long)m->id) < 0)
            return -1;
    }
    return 0;
}

static int sq_election_each(urne_store *s, int (*fn)(const urne_election_meta *m, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_election_meta_each, "listing elections");
    if (st == NULL) return -1;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_election_meta m;
        stop = meta_row(s, st, &m) < 0 ? -1 : fn(&m, ctx);
    }
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "listing elections");
    sqlite3_finalize(st);
    return stop;
}

static int sq_election_meta(urne_store *s, int64_t id, urne_election_meta *out) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_election_meta_get, "reading an election");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), ok = 0;
    if (rc == SQLITE_ROW) ok = meta_row(s, st, out);
    sqlite3_finalize(st);
    if (ok < 0) return -1;
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading an election");
}
static const char *col_str(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static int load_structure(urne_store *s, int64_t id, urne_round *r) {
    sqlite3_stmt *st;
    const char *sql = urne_sql_election_contests_load;
    if (sqlite3_prepare_v2(urne_sql_db(s), sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "reading candidates");
    sqlite3_bind_int64(st, 1, id);
    int64_t last = -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t c = sqlite3_column_int64(st, 0);
        if (c != last && urne_round_add_contest(r, col_str(st, 1), col_str(st, 2)) == URNE_NONE) break;
        last = c;
        if (sqlite3_column_type(st, 3) == SQLITE_NULL) continue;
        size_t k = urne_round_add_candidate(r, col_str(st, 3), col_str(st, 4), col_str(st, 5), col_str(st, 6),
                                            sqlite3_column_int(st, 7));
        if (k == URNE_NONE) break;
        if (col_str(st, 8)) urne_round_set_names(r, k, col_str(st, 8), col_str(st, 9));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return urne_sql_fail(s, "reading candidates");
    if (sqlite3_prepare_v2(urne_sql_db(s), urne_sql_election_colleges_load, -1, &st,
                           NULL) != SQLITE_OK)
        return urne_sql_fail(s, "reading colleges");
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (urne_round_add_college(r, col_str(st, 0), sqlite3_column_int64(st, 1)) == URNE_NONE) break;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading colleges");
}


/* One bureau's row (load_bureaux's columns) into sheet sh and info b. 0, or -1
 * naming the row when it cannot be read back. */
static int bureau_row(urne_store *s, sqlite3_stmt *st, int64_t id, size_t i, urne_round *r, urne_bureau_info *b) {
    size_t contest = (size_t)sqlite3_column_int64(st, 0);
    urne_sheet *sh = contest < r->ncontests ? urne_round_add_sheet(r, contest) : NULL;
    if (sh == NULL) return urne_store_fail(s, "election %lld: bureau %zu could not be read back", (long long)id, i + 1);
    sh->college = sqlite3_column_type(st, 1) == SQLITE_NULL ? URNE_NONE : (size_t)sqlite3_column_int64(st, 1);
    sh->line = (long)i + 1;
    if (urne_store_levels_split(r, col_str(st, 2), r->nlevels, sh->key) < 0 ||
        urne_store_levels_split(r, col_str(st, 3), r->nlevels, sh->code) < 0 ||
        urne_store_levels_split(r, col_str(st, 4), r->nlevels, sh->label) < 0)
        return urne_store_fail(s, "election %lld: bureau %zu could not be read back", (long long)id, i + 1);
    if (urne_sheet_state_parse(col_str(st, 5) ? col_str(st, 5) : "", &b->state) < 0) b->state = URNE_SHEET_MISSING;
    sh->exprimes_stated = -1;
    urne_figures f = {0};
    int parsed = col_str(st, 6) ? urne_figures_parse_json(col_str(st, 6), &f) : -1;
    if (parsed == 0 && f.nvotes == r->contests[contest].ncand) urne_figures_to_sheet(&f, sh);
    urne_figures_free(&f);
    if (parsed == -2) return urne_store_fail(s, "election %lld, bureau %zu: out of memory", (long long)id, i + 1);
    int counts = urne_sheet_state_counts(b->state);
    sh->reported = counts != 0;
    if (counts == 2) { /* annulled: the bureau is in, its votes are not */
        sh->votants = sh->blancs = sh->nuls = 0;
        sh->exprimes_stated = -1;
        memset(sh->votes, 0, r->contests[contest].ncand * sizeof *sh->votes);
    }
    if (urne_sql_col(s, st, 7, b->entered_at, sizeof b->entered_at, "bureaux", "entered_at",
                     "election %lld, bureau %zu", (long long)id, i) < 0)
        return -1;
    b->entered_by = sqlite3_column_int64(st, 8);
    b->validated_once = sqlite3_column_int(st, 9);
    b->changed_after_validation = sqlite3_column_int(st, 10);
    return 0;
}

static int load_bureaux(urne_store *s, int64_t id, urne_round *r, urne_bureau_info *info, size_t n) {
    sqlite3_stmt *st =
        urne_sql_prepare(s,
                         urne_sql_election_bureaux_load,
                         "reading bureaux");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = SQLITE_DONE, ok = 0;
    size_t i = 0;
    while (ok == 0 && i < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ok = bureau_row(s, st, id, i, r, &info[i]);
        i += ok == 0;
    }
    sqlite3_finalize(st);
    if (ok < 0) return -1;
    if (i != n)
        return rc != SQLITE_DONE && rc != SQLITE_ROW
                   ? urne_sql_fail(s, "reading bureaux")
                   : urne_store_fail(s, "election %lld: bureau %zu could not be read back", (long long)id, i + 1);
    return 0;
}

/* The levels' names (a malloc'ed copy into *levels), contest level and number
 * of bureaux of election id: 1, 0 when there is no such election, -1. */
static int load_shape(urne_store *s, int64_t id, char **levels, size_t *contest_level, size_t *n) {
    sqlite3_stmt *st = urne_sql_prepare(s,
                                        urne_sql_election_shape,
                                        "reading an election");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *levels = strdup(col_str(st, 0) ? col_str(st, 0) : "");
        *contest_level = (size_t)sqlite3_column_int64(st, 1);
        *n = (size_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) return urne_sql_fail(s, "reading an election");
    return *levels ? 1 : urne_store_fail(s, "out of memory");
}

static int sq_bureau_set(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *b,
                          const urne_figures *figures) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_bureau_set);
    if (st == NULL) return -1;
    char *fig = figures ? urne_figures_json(figures) : NULL;
    if (figures && fig == NULL) return urne_store_fail(s, "out of memory");
    sqlite3_bind_text(st, 1, urne_sheet_state_name(b->state), -1, SQLITE_STATIC);
    urne_sql_bind_text(st, 2, fig);
    urne_sql_bind_text(st, 3, b->entered_at);
    if (b->entered_by > 0)
        sqlite3_bind_int64(st, 4, b->entered_by);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int(st, 5, b->validated_once);
    sqlite3_bind_int(st, 6, b->changed_after_validation);
    sqlite3_bind_int64(st, 7, election);
    sqlite3_bind_int64(st, 8, (int64_t)bureau);
    int rc = urne_sql_step_done(s, st, "updating a bureau");
    free(fig);
    if (rc == 0 && sqlite3_changes(urne_sql_db(s)) != 1) {
        urne_store_fail(s, "election %lld has no bureau %zu", (long long)election, bureau);
        return -1;
    }
    return rc;
}

static int sq_bureau_figures(urne_store *s, int64_t election, size_t bureau, urne_figures *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_bureau_figures);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, election);
    sqlite3_bind_int64(st, 2, (int64_t)bureau);
    int rc = sqlite3_step(st), found = 0, parsed = 0;
    if (rc == SQLITE_ROW && col_str(st, 0)) found = (parsed = urne_figures_parse_json(col_str(st, 0), out)) == 0;
    sqlite3_reset(st);
    if (parsed == -2) return urne_store_fail(s, "out of memory");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : urne_sql_fail(s, "reading a sheet");
}

static int sq_bureau_get(urne_store *s, int64_t election, size_t bureau, urne_bureau_info *info, urne_figures *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_bureau_get);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, election);
    sqlite3_bind_int64(st, 2, (int64_t)bureau);
    int step = sqlite3_step(st), rc = 0;
    memset(info, 0, sizeof *info);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? urne_store_fail(s, "election %lld has no bureau %zu", (long long)election, bureau)
                                 : urne_sql_fail(s, "reading a sheet");
        sqlite3_reset(st);
        return rc;
    }
    const char *state = col_str(st, 0), *figures = col_str(st, 1);
    if (urne_sheet_state_parse(state ? state : "", &info->state) < 0)
        rc = urne_store_fail(s, "election %lld, bureau %zu: state '%s' is none urne knows", (long long)election,
                             bureau, state ? state : "");
    else if (urne_store_copy(s, info->entered_at, sizeof info->entered_at, col_str(st, 2), "bureaux", "entered_at",
                             "election %lld, bureau %zu", (long long)election, bureau) < 0)
        rc = -1;
    else if (figures) {
        int parsed = urne_figures_parse_json(figures, out);
        rc = parsed == 0    ? 1
             : parsed == -2 ? urne_store_fail(s, "out of memory")
                            : urne_store_fail(s, "election %lld, bureau %zu: its figures are not figures",
                                              (long long)election, bureau);
    }
    info->entered_by = sqlite3_column_int64(st, 3);
    info->validated_once = sqlite3_column_int(st, 4);
    info->changed_after_validation = sqlite3_column_int(st, 5);
    sqlite3_reset(st);
    return rc;
}

static int sq_entry_add(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *f) {
    char at[24];
    urne_store_now(at);
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_entry_add);
    if (st == NULL) return -1;
    char *fig = urne_figures_json(f);
    if (fig == NULL) return urne_store_fail(s, "out of memory");
    sqlite3_bind_int64(st, 1, election);
    sqlite3_bind_int64(st, 2, (int64_t)bureau);
    sqlite3_bind_int64(st, 3, user);
    urne_sql_bind_text(st, 4, fig);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
    int rc = urne_sql_step_done(s, st, "recording an entry");
    free(fig);
    return rc;
}

static int sq_entry_other(urne_store *s, int64_t election, size_t bureau, int64_t user, int64_t *author,
                           urne_figures *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_entry_other);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, election);
    sqlite3_bind_int64(st, 2, (int64_t)bureau);
    sqlite3_bind_int64(st, 3, user);
    int rc = sqlite3_step(st), found = 0, parsed = 0;
    if (rc == SQLITE_ROW) {
        *author = sqlite3_column_int64(st, 0);
        found = (parsed = urne_figures_parse_json(col_str(st, 1), out)) == 0;
    }
    sqlite3_reset(st);
    if (parsed == -2) return urne_store_fail(s, "out of memory");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : urne_sql_fail(s, "reading entries");
}

static int sq_assign(urne_store *s, int64_t user, int64_t election, size_t bureau) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_assign);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_int64(st, 2, election);
    sqlite3_bind_int64(st, 3, (int64_t)bureau);
    return urne_sql_step_done(s, st, "assigning a bureau");
}

static int sq_is_assigned(urne_store *s, int64_t user, int64_t election, size_t bureau) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_is_assigned);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_int64(st, 2, election);
    sqlite3_bind_int64(st, 3, (int64_t)bureau);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading assignments");
}

static long sq_assigned_list(urne_store *s, int64_t user, int64_t election, size_t *out, size_t cap) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_assigned_list);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_int64(st, 2, election);
    long n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((size_t)n < cap) out[n++] = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : urne_sql_fail(s, "reading assignments");
}

static int sq_publish(urne_store *s, int64_t election, const char *at, const char *digest) {
    /* Every right-hand side reads the row as it was before the update. */
    sqlite3_stmt *st = urne_sql_stmt(
        s, urne_sql_election_publish);
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, election);
    if (urne_sql_step_done(s, st, "publishing") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0; /* 0: a bureau contested (store_elections.h) */
}

static int sq_reopen(urne_store *s, int64_t election, const char *at, const char *reason) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_election_reopen);
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, election);
    if (urne_sql_step_done(s, st, "reopening a publication") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0;
}

/* Absorb every column of every row of sql (bound to the election) into st. */
static int absorb_rows(urne_store *s, crypto_hash_sha256_state *h, const char *sql, int64_t election) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(urne_sql_db(s), sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "reading the structure");
    sqlite3_bind_int64(st, 1, election);
    int rc, n = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < n; i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            urne_store_digest_value(h, v, v ? (size_t)sqlite3_column_bytes(st, i) : 0);
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading the structure");
}

const urne_store_election_ops urne_sqlite_election_ops = {
    .create = sq_election_create,
    .each = sq_election_each,
    .meta = sq_election_meta,
    .load_shape = load_shape,
    .load_structure = load_structure,
    .load_bureaux = load_bureaux,
    .structure_absorb = absorb_rows,
    .bureau_set = sq_bureau_set,
    .bureau_figures = sq_bureau_figures,
    .bureau_get = sq_bureau_get,
    .entry_add = sq_entry_add,
    .entry_other = sq_entry_other,
    .assign = sq_assign,
    .is_assigned = sq_is_assigned,
    .assigned_list = sq_assigned_list,
    .publish = sq_publish,
    .reopen = sq_reopen,
};
