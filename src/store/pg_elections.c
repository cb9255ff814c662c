/*
 * pg_elections: elections, their bureaux and sheets, typed entries, assignments
 * and publication, on PostgreSQL (store_elections.h holds the contracts; store.c
 * has checked the lengths of what is written). The SQL texts are store_sql.c's,
 * shared with sqlite_elections.c, but for creating an election (its id comes back
 * by RETURNING id here; store_sql.h lists the variants); the same layout: a bureau's keys, codes and labels at every
 * level joined by the ASCII unit separator (0x1F), its sheet's state and figures
 * (JSON) on its row; the meta's texts read into fixed fields, a stored one too
 * long refused with the election named.
 *
 * The structure digest hashes the same columns in the same order as SQLite's,
 * each value as text preceded by its length ("-" for NULL): PostgreSQL's text of
 * an integer is SQLite's, so an election has one digest whichever store holds it.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

static int insert_structure(urne_store *s, int64_t id, const urne_round *r) {
    for (size_t c = 0; c < r->ncontests; c++) {
        urne_pg_params p = {0};
        urne_pg_int(&p, id);
        urne_pg_int(&p, (int64_t)c);
        urne_pg_text(&p, r->contests[c].key ? r->contests[c].key : "");
        urne_pg_opt(&p, r->contests[c].label);
        if (urne_pg_do(s, urne_sql_election_contest_put, &p,
                       "storing a contest", NULL) < 0)
            return -1;
    }
    for (size_t i = 0; i < r->ncandidates; i++) {
        const urne_candidate *c = &r->candidates[i];
        urne_pg_params p = {0};
        urne_pg_int(&p, id);
        urne_pg_int(&p, (int64_t)i);
        urne_pg_int(&p, (int64_t)c->contest);
        urne_pg_text(&p, c->name);
        urne_pg_opt(&p, c->group);
        urne_pg_opt(&p, c->sex);
        urne_pg_opt(&p, c->birth_date);
        urne_pg_int(&p, c->panel);
        urne_pg_opt(&p, c->first_name);
        urne_pg_opt(&p, c->last_name);
        if (urne_pg_do(s,
                       urne_sql_election_candidate_put,
                       &p, "storing a candidate", NULL) < 0)
            return -1;
    }
    for (size_t i = 0; i < r->ncolleges; i++) {
        urne_pg_params p = {0};
        urne_pg_int(&p, id);
        urne_pg_int(&p, (int64_t)i);
        urne_pg_text(&p, r->colleges[i].name);
        urne_pg_int(&p, r->colleges[i].weight);
        if (urne_pg_do(s, urne_sql_election_college_put, &p,
                       "storing a college", NULL) < 0)
            return -1;
    }
    return 0;
}

/* One bureau of a new election, its levels joined in joined[3], sent on batch b.
 * 0 or -1. */
static int insert_bureau(urne_store *s, urne_pg_batch *b, int64_t id, const urne_round *r, size_t i,
                         char *const joined[3], urne_sheet_state state, const char *at) {
    const urne_sheet *sh = &r->sheets[i];
    /* Figures are kept even for a bureau not counted yet: its inscrits are known. */
    urne_figures f = {0};
    char *fig = urne_figures_from_sheet(r, sh, &f) == 0 ? urne_figures_json(&f) : NULL;
    urne_figures_free(&f);
    if (fig == NULL) return urne_store_fail(s, "bureau %zu: out of memory", i + 1);
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    urne_pg_int(&p, (int64_t)i);
    urne_pg_int(&p, (int64_t)sh->contest);
    if (sh->college != URNE_NONE)
        urne_pg_int(&p, (int64_t)sh->college);
    else
        urne_pg_null(&p);
    for (int k = 0; k < 3; k++) urne_pg_text(&p, joined[k]);
    urne_pg_text(&p, urne_sheet_state_name(state));
    urne_pg_opt(&p, fig);
    urne_pg_text(&p, urne_sheet_state_counts(state) ? at : NULL);
    int rc = urne_pg_batch_add(b, &p); /* libpq has copied the values: fig can go */
    free(fig);
    return rc;
}

/* The bureaux of a new election: one row per sheet, with its figures, pipelined
 * (70,000 bureaux without 70,000 round trips). */
static int insert_bureaux(urne_store *s, int64_t id, const urne_round *r, const urne_sheet_state *states,
                          const char *at) {
    urne_pg_batch b;
    if (urne_pg_batch_begin(s, &b,
                            urne_sql_election_bureau_put,
                            "storing a bureau") < 0)
        return -1;
    char *joined[3] = {NULL, NULL, NULL};
    size_t cap[3] = {0, 0, 0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->nsheets; i++) {
        const urne_sheet *sh = &r->sheets[i];
        if (urne_store_levels_join(sh->key, r->nlevels, &joined[0], &cap[0]) < 0 ||
            urne_store_levels_join(sh->code, r->nlevels, &joined[1], &cap[1]) < 0 ||
            urne_store_levels_join(sh->label, r->nlevels, &joined[2], &cap[2]) < 0)
            rc = urne_store_fail(s, "bureau %zu: out of memory", i + 1);
        else
            rc = insert_bureau(s, &b, id, r, i, joined, states ? states[i] : URNE_SHEET_MISSING, at);
    }
    for (int k = 0; k < 3; k++) free(joined[k]);
    urne_store_said keep;
    urne_store_keep(s, &keep);
    int ended = urne_pg_batch_end(&b);
    if (rc < 0) urne_store_restore(s, &keep); /* the first failure is the one to say */
    return rc < 0 ? -1 : ended;
}

static int64_t pg_election_create(urne_store *s, const urne_election_meta *m, const urne_round *r,
                                  const urne_sheet_state *states) {
    char *levels = NULL, at[24];
    size_t cap = 0;
    if (urne_store_levels_join(r->levels, r->nlevels, &levels, &cap) < 0) return urne_store_fail(s, "out of memory");
    for (char *p = levels; *p; p++)
        if (*p == URNE_STORE_LEVEL_SEP) *p = ',';
    urne_store_now(at);
    urne_pg_params p = {0};
    urne_pg_text(&p, m->title);
    urne_pg_int(&p, m->round);
    urne_pg_text(&p, m->preset);
    urne_pg_text(&p, m->settings);
    urne_pg_text(&p, levels);
    urne_pg_int(&p, (int64_t)r->contest_level);
    urne_pg_int(&p, m->double_entry);
    urne_pg_opt(&p, m->deadline);
    urne_pg_text(&p, at);
    urne_pg_text(&p, m->space); /* '' for the site, never NULL */
    urne_pg_text(&p, m->zone[0] ? m->zone : "Europe/Paris");
    PGresult *res = urne_pg_run(s,
                                "INSERT INTO elections(title, round, preset, settings, levels, contest_level,"
                                " double_entry, deadline, created_at, space, zone)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                                &p, "storing an election");
    free(levels);
    if (res == NULL) return -1;
    int64_t id = urne_pg_int64(res, 0, 0);
    PQclear(res);
    if (insert_structure(s, id, r) < 0 || insert_bureaux(s, id, r, states, at) < 0) return -1;
    return id;
}

/* An election's record from URNE_SQL_ELECTION_META's columns of row i. 0, or -1 when a text does not fit. */
static int meta_row(urne_store *s, const PGresult *r, int i, urne_election_meta *m) {
    memset(m, 0, sizeof *m);
    m->id = urne_pg_int64(r, i, 0);
    m->round = (int)urne_pg_int64(r, i, 2);
    m->double_entry = (int)urne_pg_int64(r, i, 5);
    for (size_t k = 0; k < urne_sql_election_ntexts; k++) {
        const urne_store_text_col *c = &urne_sql_election_texts[k];
        if (urne_pg_col(s, r, i, c->col, (char *)m + c->offset, c->size, "elections", c->name, "election %lld",
                        (long long)m->id) < 0)
            return -1;
    }
    return 0;
}

static int pg_election_each(urne_store *s, int (*fn)(const urne_election_meta *m, void *ctx), void *ctx) {
    PGresult *r = urne_pg_run(s, urne_sql_election_meta_each, NULL, "listing elections");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) {
        urne_election_meta m;
        stop = meta_row(s, r, i, &m) < 0 ? -1 : fn(&m, ctx);
    }
    PQclear(r);
    return stop;
}

static int pg_election_meta(urne_store *s, int64_t id, urne_election_meta *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *r = urne_pg_run(s, urne_sql_election_meta_get, &p, "reading an election");
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0, ok = found ? meta_row(s, r, 0, out) : 0;
    PQclear(r);
    return ok < 0 ? -1 : found;
}

static int load_structure(urne_store *s, int64_t id, urne_round *r) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *res = urne_pg_run(s,
                                urne_sql_election_contests_load,
                                &p, "reading candidates");
    if (res == NULL) return -1;
    int64_t last = -1;
    int ok = 0;
    for (int i = 0; ok == 0 && i < PQntuples(res); i++) {
        int64_t c = urne_pg_int64(res, i, 0);
        if (c != last && urne_round_add_contest(r, urne_pg_val(res, i, 1), urne_pg_val(res, i, 2)) == URNE_NONE)
            ok = -1;
        last = c;
        if (ok < 0 || PQgetisnull(res, i, 3)) continue;
        size_t k = urne_round_add_candidate(r, urne_pg_val(res, i, 3), urne_pg_val(res, i, 4), urne_pg_val(res, i, 5),
                                            urne_pg_val(res, i, 6), (int)urne_pg_int64(res, i, 7));
        if (k == URNE_NONE) ok = -1;
        else if (urne_pg_val(res, i, 8)) urne_round_set_names(r, k, urne_pg_val(res, i, 8), urne_pg_val(res, i, 9));
    }
    PQclear(res);
    if (ok < 0) return urne_store_fail(s, "election %lld: its candidates could not be read back", (long long)id);
    res = urne_pg_run(s, urne_sql_election_colleges_load, &p,
                      "reading colleges");
    if (res == NULL) return -1;
    for (int i = 0; ok == 0 && i < PQntuples(res); i++)
        if (urne_round_add_college(r, urne_pg_val(res, i, 0), urne_pg_int64(res, i, 1)) == URNE_NONE) ok = -1;
    PQclear(res);
    return ok < 0 ? urne_store_fail(s, "election %lld: its colleges could not be read back", (long long)id) : 0;
}

/* Row i of load_bureaux's columns into a new sheet of r and info b. 0, or -1
 * naming the row when it cannot be read back. */
static int bureau_row(urne_store *s, const PGresult *res, int i, int64_t id, urne_round *r, urne_bureau_info *b) {
    size_t contest = (size_t)urne_pg_int64(res, i, 0);
    urne_sheet *sh = contest < r->ncontests ? urne_round_add_sheet(r, contest) : NULL;
    if (sh == NULL) return urne_store_fail(s, "election %lld: bureau %d could not be read back", (long long)id, i + 1);
    sh->college = PQgetisnull(res, i, 1) ? URNE_NONE : (size_t)urne_pg_int64(res, i, 1);
    sh->line = (long)i + 1;
    if (urne_store_levels_split(r, urne_pg_val(res, i, 2), r->nlevels, sh->key) < 0 ||
        urne_store_levels_split(r, urne_pg_val(res, i, 3), r->nlevels, sh->code) < 0 ||
        urne_store_levels_split(r, urne_pg_val(res, i, 4), r->nlevels, sh->label) < 0)
        return urne_store_fail(s, "election %lld: bureau %d could not be read back", (long long)id, i + 1);
    const char *state = urne_pg_val(res, i, 5), *figures = urne_pg_val(res, i, 6);
    if (urne_sheet_state_parse(state ? state : "", &b->state) < 0) b->state = URNE_SHEET_MISSING;
    sh->exprimes_stated = -1;
    urne_figures f = {0};
    int parsed = figures ? urne_figures_parse_json(figures, &f) : -1;
    if (parsed == 0 && f.nvotes == r->contests[contest].ncand) urne_figures_to_sheet(&f, sh);
    urne_figures_free(&f);
    if (parsed == -2) return urne_store_fail(s, "election %lld, bureau %d: out of memory", (long long)id, i + 1);
    int counts = urne_sheet_state_counts(b->state);
    sh->reported = counts != 0;
    if (counts == 2) { /* annulled: the bureau is in, its votes are not */
        sh->votants = sh->blancs = sh->nuls = 0;
        sh->exprimes_stated = -1;
        memset(sh->votes, 0, r->contests[contest].ncand * sizeof *sh->votes);
    }
    if (urne_pg_col(s, res, i, 7, b->entered_at, sizeof b->entered_at, "bureaux", "entered_at",
                    "election %lld, bureau %d", (long long)id, i) < 0)
        return -1;
    b->entered_by = urne_pg_int64(res, i, 8);
    b->validated_once = (int)urne_pg_int64(res, i, 9);
    b->changed_after_validation = (int)urne_pg_int64(res, i, 10);
    return 0;
}

static int load_bureaux(urne_store *s, int64_t id, urne_round *r, urne_bureau_info *info, size_t n) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *res = urne_pg_run(s,
                                urne_sql_election_bureaux_load,
                                &p, "reading bureaux");
    if (res == NULL) return -1;
    int ok = 0;
    size_t i = 0;
    while (ok == 0 && i < n && (int)i < PQntuples(res)) {
        ok = bureau_row(s, res, (int)i, id, r, &info[i]);
        i += ok == 0;
    }
    PQclear(res);
    if (ok < 0) return -1;
    if (i != n) return urne_store_fail(s, "election %lld: bureau %zu could not be read back", (long long)id, i + 1);
    return 0;
}

/* The levels' names (a malloc'ed copy into *levels), contest level and number
 * of bureaux of election id: 1, 0 when there is no such election, -1. */
static int load_shape(urne_store *s, int64_t id, char **levels, size_t *contest_level, size_t *n) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *r = urne_pg_run(s,
                              urne_sql_election_shape,
                              &p, "reading an election");
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0;
    if (found) {
        const char *v = urne_pg_val(r, 0, 0);
        *levels = strdup(v ? v : "");
        *contest_level = (size_t)urne_pg_int64(r, 0, 1);
        *n = (size_t)urne_pg_int64(r, 0, 2);
    }
    PQclear(r);
    if (!found) return 0;
    return *levels ? 1 : urne_store_fail(s, "out of memory");
}

/* A bureau's row's parameters, $1 to $8, as urne_sql_election_bureau_set takes
 * them (fig: its figures' JSON or NULL), and the failure when it has no row. */
static void bureau_params(urne_pg_params *p, int64_t election, size_t bureau, const urne_bureau_info *b,
                          const char *fig, char missing[96]) {
    urne_pg_text(p, urne_sheet_state_name(b->state));
    urne_pg_opt(p, fig);
    urne_pg_opt(p, b->entered_at);
    if (b->entered_by > 0)
        urne_pg_int(p, b->entered_by);
    else
        urne_pg_null(p);
    urne_pg_int(p, b->validated_once);
    urne_pg_int(p, b->changed_after_validation);
    urne_pg_int(p, election);
    urne_pg_int(p, (int64_t)bureau);
    snprintf(missing, 96, "election %lld has no bureau %zu", (long long)election, bureau);
}

static int pg_bureau_set(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *b,
                         const urne_figures *figures) {
    char *fig = figures ? urne_figures_json(figures) : NULL;
    if (figures && fig == NULL) return urne_store_fail(s, "out of memory");
    urne_pg_params p = {0};
    char missing[96];
    bureau_params(&p, election, bureau, b, fig, missing);
    int rc = urne_pg_write(s, urne_sql_election_bureau_set, &p, "updating a bureau", missing);
    free(fig);
    return rc;
}

/* The variant: a sheet entered, its typing kept and its bureau's row set in one
 * statement (a data-modifying WITH: store_sql.c's urne_sql_election_entry_add,
 * then urne_sql_election_bureau_set, the same two writes, which SQLite runs as
 * two), so that an entry costs PostgreSQL one statement fewer. The UPDATE is the
 * statement's own: its count of rows is what the one-row check reads. */
static const char sql_sheet_entered[] =
    "WITH entry AS (INSERT INTO entries(election_id, bureau_idx, user_id, figures, at)"
    " VALUES ($7, $8, $9, $10, $11))"
    " UPDATE bureaux SET state = $1, figures = $2, entered_at = $3, entered_by = $4,"
    " validated_once = $5, changed_after_validation = $6 WHERE election_id = $7 AND idx = $8";

static int pg_sheet_entered(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *typed,
                            const urne_bureau_info *b, const urne_figures *counted) {
    char at[24];
    urne_store_now(at);
    char *typed_fig = urne_figures_json(typed), *fig = counted ? urne_figures_json(counted) : NULL;
    int rc = -1;
    if (typed_fig == NULL || (counted && fig == NULL))
        urne_store_fail(s, "out of memory");
    else {
        urne_pg_params p = {0};
        char missing[96];
        bureau_params(&p, election, bureau, b, fig, missing);
        urne_pg_int(&p, user);
        urne_pg_text(&p, typed_fig);
        urne_pg_text(&p, at);
        rc = urne_pg_write(s, sql_sheet_entered, &p, "recording an entry and updating its bureau", missing);
    }
    free(typed_fig);
    free(fig);
    return rc;
}

/* The row as memory holds it, or a failed cast that fails the transaction
 * (URNE_PG_AFTER_EXPECT: PostgreSQL skips the statements after it, COMMIT
 * included). The cast's text says what happened, for whoever reads
 * PostgreSQL's log ("invalid input syntax for type integer: \"urne: ..."); it
 * depends on count(*), so that PostgreSQL cannot fold it into a constant and
 * fail the statement whatever the row. The columns compared as pg_bureau_get reads them (a NULL entry time
 * as "", a NULL author as 0), the figures only when $2 is not NULL, as stored
 * (the text urne_figures_json writes). */
static const char sql_bureau_expect[] =
    "SELECT CASE WHEN count(*) = 1 THEN 1 ELSE ('urne: a bureau row changed by another server, read again: '"
    " || count(*))::int END FROM bureaux WHERE election_id = $7 AND idx = $8 AND state = $1"
    " AND ($2::text IS NULL OR figures = $2) AND coalesce(entered_at, '') = coalesce($3, '')"
    " AND coalesce(entered_by, 0) = coalesce($4::bigint, 0) AND validated_once = $5"
    " AND changed_after_validation = $6";

static int pg_bureau_expect(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *b,
                            const urne_figures *figures) {
    urne_pg *q = urne_pgq(s);
    if (!q->in_write) return urne_store_fail(s, "a bureau is expected inside a write transaction");
    char *fig = figures ? urne_figures_json(figures) : NULL;
    if (figures && fig == NULL) return urne_store_fail(s, "out of memory");
    urne_pg_params p = {0};
    char missing[96];
    bureau_params(&p, election, bureau, b, fig, missing);
    int rc = urne_pg_send(s, sql_bureau_expect, 1, &p, "checking that the bureau is as this server holds it",
                          URNE_PG_AFTER_EXPECT, NULL);
    free(fig);
    return rc < 0 ? -1 : 1;
}

static int pg_stale(urne_store *s) { return urne_pgq(s)->stale; }

static int pg_bureau_figures(urne_store *s, int64_t election, size_t bureau, urne_figures *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, election);
    urne_pg_int(&p, (int64_t)bureau);
    PGresult *r = urne_pg_run(s, urne_sql_election_bureau_figures, &p,
                              "reading a sheet");
    if (r == NULL) return -1;
    int found = 0, parsed = 0;
    if (PQntuples(r) > 0 && urne_pg_val(r, 0, 0))
        found = (parsed = urne_figures_parse_json(urne_pg_val(r, 0, 0), out)) == 0;
    PQclear(r);
    return parsed == -2 ? urne_store_fail(s, "out of memory") : found;
}

static int pg_bureau_get(urne_store *s, int64_t election, size_t bureau, urne_bureau_info *info, urne_figures *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, election);
    urne_pg_int(&p, (int64_t)bureau);
    PGresult *r = urne_pg_run(s,
                              urne_sql_election_bureau_get,
                              &p, "reading a sheet");
    if (r == NULL) return -1;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return urne_store_fail(s, "election %lld has no bureau %zu", (long long)election, bureau);
    }
    memset(info, 0, sizeof *info);
    const char *state = urne_pg_val(r, 0, 0), *figures = urne_pg_val(r, 0, 1);
    int rc = 0;
    if (urne_sheet_state_parse(state ? state : "", &info->state) < 0)
        rc = urne_store_fail(s, "election %lld, bureau %zu: state '%s' is none urne knows", (long long)election,
                             bureau, state ? state : "");
    else if (urne_pg_col(s, r, 0, 2, info->entered_at, sizeof info->entered_at, "bureaux", "entered_at",
                         "election %lld, bureau %zu", (long long)election, bureau) < 0)
        rc = -1;
    else if (figures) {
        int parsed = urne_figures_parse_json(figures, out);
        rc = parsed == 0    ? 1
             : parsed == -2 ? urne_store_fail(s, "out of memory")
                            : urne_store_fail(s, "election %lld, bureau %zu: its figures are not figures",
                                              (long long)election, bureau);
    }
    info->entered_by = urne_pg_int64(r, 0, 3);
    info->validated_once = (int)urne_pg_int64(r, 0, 4);
    info->changed_after_validation = (int)urne_pg_int64(r, 0, 5);
    PQclear(r);
    return rc;
}

static int pg_entry_add(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *f) {
    char at[24];
    urne_store_now(at);
    char *fig = urne_figures_json(f);
    if (fig == NULL) return urne_store_fail(s, "out of memory");
    urne_pg_params p = {0};
    urne_pg_int(&p, election);
    urne_pg_int(&p, (int64_t)bureau);
    urne_pg_int(&p, user);
    urne_pg_opt(&p, fig);
    urne_pg_text(&p, at);
    int rc = urne_pg_write(s,
                           urne_sql_election_entry_add,
                           &p, "recording an entry", NULL);
    free(fig);
    return rc;
}

static int pg_entry_other(urne_store *s, int64_t election, size_t bureau, int64_t user, int64_t *author,
                          urne_figures *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, election);
    urne_pg_int(&p, (int64_t)bureau);
    urne_pg_int(&p, user);
    PGresult *r = urne_pg_run(s,
                              urne_sql_election_entry_other,
                              &p, "reading entries");
    if (r == NULL) return -1;
    int found = 0, parsed = 0;
    if (PQntuples(r) > 0) {
        *author = urne_pg_int64(r, 0, 0);
        const char *fig = urne_pg_val(r, 0, 1);
        found = (parsed = urne_figures_parse_json(fig ? fig : "", out)) == 0;
    }
    PQclear(r);
    return parsed == -2 ? urne_store_fail(s, "out of memory") : found;
}

static int pg_assign(urne_store *s, int64_t user, int64_t election, size_t bureau) {
    urne_pg_params p = {0};
    urne_pg_int(&p, user);
    urne_pg_int(&p, election);
    urne_pg_int(&p, (int64_t)bureau);
    return urne_pg_do(s,
                      urne_sql_election_assign,
                      &p, "assigning a bureau", NULL);
}

static int pg_is_assigned(urne_store *s, int64_t user, int64_t election, size_t bureau) {
    urne_pg_params p = {0};
    urne_pg_int(&p, user);
    urne_pg_int(&p, election);
    urne_pg_int(&p, (int64_t)bureau);
    PGresult *r = urne_pg_run(s, urne_sql_election_is_assigned,
                              &p, "reading assignments");
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

static long pg_assigned_list(urne_store *s, int64_t user, int64_t election, size_t *out, size_t cap) {
    urne_pg_params p = {0};
    urne_pg_int(&p, user);
    urne_pg_int(&p, election);
    PGresult *r = urne_pg_run(s,
                              urne_sql_election_assigned_list,
                              &p, "reading assignments");
    if (r == NULL) return -1;
    long n = 0;
    for (int i = 0; i < PQntuples(r); i++)
        if ((size_t)n < cap) out[n++] = (size_t)urne_pg_int64(r, i, 0);
    PQclear(r);
    return n;
}

static int pg_publish(urne_store *s, int64_t election, const char *at, const char *digest) {
    urne_pg_params p = {0};
    urne_pg_text(&p, at);
    urne_pg_text(&p, digest);
    urne_pg_int(&p, election);
    /* Every right-hand side reads the row as it was before the update (in both
     * dialects). No row changed: a bureau contested (store_elections.h). */
    long changed = 0;
    if (urne_pg_do(
        s,
        urne_sql_election_publish,
        &p, "publishing", &changed) < 0)
        return -1;
    return changed > 0;
}

static int pg_reopen(urne_store *s, int64_t election, const char *at, const char *reason) {
    urne_pg_params p = {0};
    urne_pg_text(&p, at);
    urne_pg_text(&p, reason);
    urne_pg_int(&p, election);
    long changed = 0;
    if (urne_pg_do(s,
                   urne_sql_election_reopen,
                   &p, "reopening a publication", &changed) < 0)
        return -1;
    return changed > 0;
}

/* Absorb every column of every row of sql (with the election as $1) into h. */
static int absorb_rows(urne_store *s, crypto_hash_sha256_state *h, const char *sql, int64_t election) {
    urne_pg_params p = {0};
    urne_pg_int(&p, election);
    PGresult *r = urne_pg_run(s, sql, &p, "reading the structure");
    if (r == NULL) return -1;
    for (int i = 0; i < PQntuples(r); i++)
        for (int c = 0; c < PQnfields(r); c++) {
            const char *v = urne_pg_val(r, i, c);
            urne_store_digest_value(h, v, v ? (size_t)PQgetlength(r, i, c) : 0);
        }
    PQclear(r);
    return 0;
}

const urne_store_election_ops urne_pg_election_ops = {
    .create = pg_election_create,
    .each = pg_election_each,
    .meta = pg_election_meta,
    .load_shape = load_shape,
    .load_structure = load_structure,
    .load_bureaux = load_bureaux,
    .structure_absorb = absorb_rows,
    .bureau_set = pg_bureau_set,
    .bureau_figures = pg_bureau_figures,
    .bureau_get = pg_bureau_get,
    .entry_add = pg_entry_add,
    .sheet_entered = pg_sheet_entered,
    .bureau_expect = pg_bureau_expect,
    .stale = pg_stale,
    .entry_other = pg_entry_other,
    .assign = pg_assign,
    .is_assigned = pg_is_assigned,
    .assigned_list = pg_assigned_list,
    .publish = pg_publish,
    .reopen = pg_reopen,
};
