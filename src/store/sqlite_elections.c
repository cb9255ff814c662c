/*
 * sqlite_elections: elections, their bureaux and sheets, entries, assignments,
 * publication and disputes, on SQLite (see store.h for the contracts).
 *
 * An election's structure is its round: levels, contests, candidates, colleges,
 * and one row per bureau carrying the bureau's key, code and label at every level
 * (joined by the ASCII unit separator, 0x1F, which no election file uses). The
 * bureau row also holds the sheet's current state and figures, as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

#define SEP '\x1f'

/* Join the strings of one sheet's levels with SEP; "" stands for NULL. */
static size_t join_levels(const char *const *v, size_t n, char *out, size_t size) {
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + used, size - used, "%s%s", i ? "\x1f" : "", v[i] ? v[i] : "");
        if (k < 0 || (size_t)k >= size - used) return 0;
        used += (size_t)k;
    }
    return used;
}

static int insert_structure(urne_store *s, int64_t id, const urne_round *r) {
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO contests(election_id, idx, key, label) VALUES (?, ?, ?, ?)");
    if (st == NULL) return -1;
    for (size_t c = 0; c < r->ncontests; c++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)c);
        sqlite3_bind_text(st, 3, r->contests[c].key ? r->contests[c].key : "", -1, SQLITE_STATIC);
        urne_sql_bind_text(st, 4, r->contests[c].label);
        if (urne_sql_step_done(s, st, "storing a contest") < 0) return -1;
    }
    st = urne_sql_stmt(s, "INSERT INTO candidates(election_id, idx, contest_idx, name, grp, sex, birth_date, panel,"
                          " first_name, last_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
    st = urne_sql_stmt(s, "INSERT INTO colleges(election_id, idx, name, weight) VALUES (?, ?, ?, ?)");
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

int64_t urne_store_election_create(urne_store *s, const urne_election_meta *m, const urne_round *r,
                                   const urne_sheet_state *states) {
    char levels[512], at[24];
    if (join_levels(r->levels, r->nlevels, levels, sizeof levels) == 0 && r->nlevels) {
        snprintf(s->error, sizeof s->error, "level names too long");
        return -1;
    }
    for (size_t i = 0; i < sizeof levels && levels[i]; i++)
        if (levels[i] == SEP) levels[i] = ',';
    urne_store_now(at);
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO elections(title, round, preset, settings, levels, contest_level,"
                                        " double_entry, deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, m->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, m->round);
    sqlite3_bind_text(st, 3, m->preset, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, m->settings, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, levels, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, (int64_t)r->contest_level);
    sqlite3_bind_int(st, 7, m->double_entry);
    urne_sql_bind_text(st, 8, m->deadline);
    sqlite3_bind_text(st, 9, at, -1, SQLITE_TRANSIENT);
    if (urne_sql_step_done(s, st, "storing an election") < 0) return -1;
    int64_t id = sqlite3_last_insert_rowid(s->db);
    if (insert_structure(s, id, r) < 0) return -1;

    st = urne_sql_stmt(s, "INSERT INTO bureaux(election_id, idx, contest_idx, college_idx, keys, codes, labels,"
                          " state, figures, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL) return -1;
    char keys[2048], codes[2048], labels[2048];
    for (size_t i = 0; i < r->nsheets; i++) {
        const urne_sheet *sh = &r->sheets[i];
        if (!join_levels(sh->key, r->nlevels, keys, sizeof keys)) {
            snprintf(s->error, sizeof s->error, "bureau %zu: keys too long", i + 1);
            return -1;
        }
        join_levels(sh->code, r->nlevels, codes, sizeof codes);
        join_levels(sh->label, r->nlevels, labels, sizeof labels);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_int64(st, 3, (int64_t)sh->contest);
        if (sh->college != URNE_NONE)
            sqlite3_bind_int64(st, 4, (int64_t)sh->college);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_text(st, 5, keys, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, codes, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, labels, -1, SQLITE_TRANSIENT);
        urne_sheet_state state = states ? states[i] : URNE_SHEET_MISSING;
        sqlite3_bind_text(st, 8, urne_sheet_state_name(state), -1, SQLITE_STATIC);
        /* Figures are kept even for a bureau not counted yet: its inscrits are known. */
        urne_figures f;
        urne_figures_from_sheet(r, sh, &f);
        char *fig = urne_figures_json(&f);
        /* Bound for every bureau: a reset statement keeps the last bureau's bindings. */
        if (urne_sheet_state_counts(state))
            sqlite3_bind_text(st, 10, at, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 10);
        urne_sql_bind_text(st, 9, fig);
        free(fig);
        if (urne_sql_step_done(s, st, "storing a bureau") < 0) return -1;
    }
    return id;
}

static const char *const meta_sql = "SELECT id, title, round, preset, settings, double_entry, deadline, created_at,"
                                    " published_at, published_digest, levels, contest_level, reopened_at,"
                                    " reopened_reason, previous_published_at, previous_digest,"
                                    " previous_reopened_at, previous_reopened_reason FROM elections";

static void meta_row(sqlite3_stmt *st, urne_election_meta *m) {
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(st, 0);
    urne_sql_col_copy(st, 1, m->title, sizeof m->title);
    m->round = sqlite3_column_int(st, 2);
    urne_sql_col_copy(st, 3, m->preset, sizeof m->preset);
    urne_sql_col_copy(st, 4, m->settings, sizeof m->settings);
    m->double_entry = sqlite3_column_int(st, 5);
    urne_sql_col_copy(st, 6, m->deadline, sizeof m->deadline);
    urne_sql_col_copy(st, 7, m->created_at, sizeof m->created_at);
    urne_sql_col_copy(st, 8, m->published_at, sizeof m->published_at);
    urne_sql_col_copy(st, 9, m->published_digest, sizeof m->published_digest);
    urne_sql_col_copy(st, 12, m->reopened_at, sizeof m->reopened_at);
    urne_sql_col_copy(st, 13, m->reopened_reason, sizeof m->reopened_reason);
    urne_sql_col_copy(st, 14, m->previous_published_at, sizeof m->previous_published_at);
    urne_sql_col_copy(st, 15, m->previous_digest, sizeof m->previous_digest);
    urne_sql_col_copy(st, 16, m->previous_reopened_at, sizeof m->previous_reopened_at);
    urne_sql_col_copy(st, 17, m->previous_reopened_reason, sizeof m->previous_reopened_reason);
}

int urne_store_election_each(urne_store *s, int (*fn)(const urne_election_meta *m, void *ctx), void *ctx) {
    sqlite3_stmt *st;
    char sql[512];
    snprintf(sql, sizeof sql, "%s ORDER BY id", meta_sql);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "listing elections");
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_election_meta m;
        meta_row(st, &m);
        stop = fn(&m, ctx);
    }
    sqlite3_finalize(st);
    return stop;
}

int urne_store_election_meta(urne_store *s, int64_t id, urne_election_meta *out) {
    sqlite3_stmt *st;
    char sql[512];
    snprintf(sql, sizeof sql, "%s WHERE id = ?", meta_sql);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "reading an election");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) meta_row(st, out);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading an election");
}

/* Split a SEP-joined text into n interned strings ("" becomes NULL). */
static int split_levels(urne_round *r, const char *text, size_t n, const char **out) {
    const char *p = text ? text : "";
    for (size_t i = 0; i < n; i++) {
        const char *e = strchr(p, SEP);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        out[i] = len ? urne_round_intern(r, p, len) : NULL;
        if (len && out[i] == NULL) return -1;
        p = e ? e + 1 : p + len;
    }
    return 0;
}

static const char *col_str(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static int load_structure(urne_store *s, int64_t id, urne_round *r) {
    sqlite3_stmt *st;
    const char *sql = "SELECT c.idx, c.key, c.label, k.name, k.grp, k.sex, k.birth_date, k.panel, k.first_name,"
                      " k.last_name FROM contests c LEFT JOIN candidates k ON k.election_id = c.election_id"
                      " AND k.contest_idx = c.idx WHERE c.election_id = ? ORDER BY c.idx, k.idx";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "reading candidates");
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
    if (sqlite3_prepare_v2(s->db, "SELECT name, weight FROM colleges WHERE election_id = ? ORDER BY idx", -1, &st,
                           NULL) != SQLITE_OK)
        return urne_sql_fail(s, "reading colleges");
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (urne_round_add_college(r, col_str(st, 0), sqlite3_column_int64(st, 1)) == URNE_NONE) break;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading colleges");
}

static int load_bureaux(urne_store *s, int64_t id, urne_round *r, urne_bureau_info *info, size_t n) {
    sqlite3_stmt *st;
    const char *sql = "SELECT contest_idx, college_idx, keys, codes, labels, state, figures, entered_at, entered_by,"
                      " validated_once, changed_after_validation FROM bureaux WHERE election_id = ? ORDER BY idx";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "reading bureaux");
    sqlite3_bind_int64(st, 1, id);
    int rc;
    size_t i = 0;
    while (i < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t contest = (size_t)sqlite3_column_int64(st, 0);
        if (contest >= r->ncontests) break;
        urne_sheet *sh = urne_round_add_sheet(r, contest);
        if (sh == NULL) break;
        sh->college = sqlite3_column_type(st, 1) == SQLITE_NULL ? URNE_NONE : (size_t)sqlite3_column_int64(st, 1);
        sh->line = (long)i + 1;
        if (split_levels(r, col_str(st, 2), r->nlevels, sh->key) < 0 ||
            split_levels(r, col_str(st, 3), r->nlevels, sh->code) < 0 ||
            split_levels(r, col_str(st, 4), r->nlevels, sh->label) < 0)
            break;
        urne_bureau_info *b = &info[i];
        if (urne_sheet_state_parse(col_str(st, 5), &b->state) < 0) b->state = URNE_SHEET_MISSING;
        sh->exprimes_stated = -1;
        urne_figures f;
        if (col_str(st, 6) && urne_figures_parse_json(col_str(st, 6), &f) == 0 &&
            f.nvotes == r->contests[contest].ncand)
            urne_figures_to_sheet(&f, sh);
        int counts = urne_sheet_state_counts(b->state);
        sh->reported = counts != 0;
        if (counts == 2) { /* annulled: the bureau is in, its votes are not */
            sh->votants = sh->blancs = sh->nuls = 0;
            sh->exprimes_stated = -1;
            memset(sh->votes, 0, r->contests[contest].ncand * sizeof *sh->votes);
        }
        urne_sql_col_copy(st, 7, b->entered_at, sizeof b->entered_at);
        b->entered_by = sqlite3_column_int64(st, 8);
        b->validated_once = sqlite3_column_int(st, 9);
        b->changed_after_validation = sqlite3_column_int(st, 10);
        i++;
    }
    sqlite3_finalize(st);
    if (i != n) {
        snprintf(s->error, sizeof s->error, "election %lld: bureau %zu could not be read back",
                 (long long)id, i + 1);
        return -1;
    }
    return 0;
}

urne_round *urne_store_election_load(urne_store *s, int64_t id, urne_election_meta *meta, urne_bureau_info **info) {
    *info = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT levels, contest_level, (SELECT count(*) FROM bureaux WHERE election_id = e.id)"
                           " FROM elections e WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        urne_sql_fail(s, "reading an election");
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        snprintf(s->error, sizeof s->error, "no election %lld", (long long)id);
        return NULL;
    }
    char levels[512];
    urne_sql_col_copy(st, 0, levels, sizeof levels);
    size_t contest_level = (size_t)sqlite3_column_int64(st, 1), n = (size_t)sqlite3_column_int64(st, 2);
    sqlite3_finalize(st);
    if (urne_store_election_meta(s, id, meta) != 1) return NULL;

    const char *names[URNE_MAX_LEVELS];
    size_t nlevels = 0;
    for (char *p = levels, *save = NULL, *t; (t = strtok_r(p, ",", &save)) && nlevels < URNE_MAX_LEVELS; p = NULL)
        names[nlevels++] = t;
    urne_round *r = urne_round_new();
    *info = calloc(n ? n : 1, sizeof **info);
    if (r == NULL || *info == NULL || urne_round_set_levels(r, names, nlevels, contest_level) < 0 ||
        urne_round_reserve_sheets(r, n) < 0) {
        snprintf(s->error, sizeof s->error, "election %lld: out of memory or bad levels", (long long)id);
        goto fail;
    }
    r->election = urne_round_intern(r, meta->title, strlen(meta->title));
    r->number = meta->round;
    r->rules_hint = urne_round_intern(r, meta->preset, strlen(meta->preset));
    if (load_structure(s, id, r) < 0 || load_bureaux(s, id, r, *info, n) < 0) goto fail;
    return r;
fail:
    urne_round_free(r);
    free(*info);
    *info = NULL;
    return NULL;
}

int urne_store_bureau_set(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *b,
                          const urne_figures *figures) {
    sqlite3_stmt *st = urne_sql_stmt(s, "UPDATE bureaux SET state = ?, figures = ?, entered_at = ?, entered_by = ?,"
                                        " validated_once = ?, changed_after_validation = ?"
                                        " WHERE election_id = ? AND idx = ?");
    if (st == NULL) return -1;
    char *fig = figures ? urne_figures_json(figures) : NULL;
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
    if (rc == 0 && sqlite3_changes(s->db) != 1) {
        snprintf(s->error, sizeof s->error, "election %lld has no bureau %zu", (long long)election, bureau);
        return -1;
    }
    return rc;
}

int urne_store_bureau_figures(urne_store *s, int64_t election, size_t bureau, urne_figures *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT figures FROM bureaux WHERE election_id = ? AND idx = ?");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, election);
    sqlite3_bind_int64(st, 2, (int64_t)bureau);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && col_str(st, 0)) found = urne_figures_parse_json(col_str(st, 0), out) == 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : urne_sql_fail(s, "reading a sheet");
}

int urne_store_entry_add(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *f) {
    char at[24];
    urne_store_now(at);
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO entries(election_id, bureau_idx, user_id, figures, at)"
                                        " VALUES (?, ?, ?, ?, ?)");
    if (st == NULL) return -1;
    char *fig = urne_figures_json(f);
    sqlite3_bind_int64(st, 1, election);
    sqlite3_bind_int64(st, 2, (int64_t)bureau);
    sqlite3_bind_int64(st, 3, user);
    urne_sql_bind_text(st, 4, fig);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
    int rc = urne_sql_step_done(s, st, "recording an entry");
    free(fig);
    return rc;
}

int urne_store_entry_other(urne_store *s, int64_t election, size_t bureau, int64_t user, int64_t *author,
                           urne_figures *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT user_id, figures FROM entries WHERE election_id = ? AND bureau_idx = ?"
                                        " AND user_id != ? ORDER BY id DESC LIMIT 1");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, election);
    sqlite3_bind_int64(st, 2, (int64_t)bureau);
    sqlite3_bind_int64(st, 3, user);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        *author = sqlite3_column_int64(st, 0);
        found = urne_figures_parse_json(col_str(st, 1), out) == 0;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : urne_sql_fail(s, "reading entries");
}

int urne_store_assign(urne_store *s, int64_t user, int64_t election, size_t bureau) {
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT OR IGNORE INTO assignments(user_id, election_id, bureau_idx)"
                                        " VALUES (?, ?, ?)");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_int64(st, 2, election);
    sqlite3_bind_int64(st, 3, (int64_t)bureau);
    return urne_sql_step_done(s, st, "assigning a bureau");
}

int urne_store_is_assigned(urne_store *s, int64_t user, int64_t election, size_t bureau) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT 1 FROM assignments WHERE user_id = ? AND election_id = ?"
                                        " AND bureau_idx = ?");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_int64(st, 2, election);
    sqlite3_bind_int64(st, 3, (int64_t)bureau);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading assignments");
}

long urne_store_assigned_list(urne_store *s, int64_t user, int64_t election, size_t *out, size_t cap) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT bureau_idx FROM assignments WHERE user_id = ? AND election_id = ?"
                                        " ORDER BY bureau_idx");
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

int urne_store_publish(urne_store *s, int64_t election, const char *at, const char *digest) {
    /* Every right-hand side reads the row as it was before the update. */
    sqlite3_stmt *st = urne_sql_stmt(
        s, "UPDATE elections SET"
           " previous_published_at = CASE WHEN reopened_at IS NULL THEN previous_published_at ELSE published_at END,"
           " previous_digest = CASE WHEN reopened_at IS NULL THEN previous_digest ELSE published_digest END,"
           " previous_reopened_at = CASE WHEN reopened_at IS NULL THEN previous_reopened_at ELSE reopened_at END,"
           " previous_reopened_reason = CASE WHEN reopened_at IS NULL THEN previous_reopened_reason"
           "   ELSE reopened_reason END,"
           " reopened_at = NULL, reopened_reason = NULL, published_at = ?, published_digest = ? WHERE id = ?");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, election);
    return urne_sql_step_done(s, st, "publishing");
}

int urne_store_reopen(urne_store *s, int64_t election, const char *at, const char *reason) {
    sqlite3_stmt *st = urne_sql_stmt(s, "UPDATE elections SET reopened_at = ?, reopened_reason = ? WHERE id = ?"
                                        " AND published_at IS NOT NULL AND reopened_at IS NULL");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, election);
    if (urne_sql_step_done(s, st, "reopening a publication") < 0) return -1;
    return sqlite3_changes(s->db) > 0;
}

/* ---- disputes ---- */

static const char *const dispute_cols =
    "SELECT id, election_id, bureau_idx, tier, state, reason, opened_by, opened_at, deadline, decision,"
    " decision_reason, decided_by, decided_at, figures_before, figures_after, escalated_from FROM disputes";

static void dispute_row(sqlite3_stmt *st, urne_dispute *d) {
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, 0);
    d->election = sqlite3_column_int64(st, 1);
    d->bureau = sqlite3_column_int64(st, 2);
    d->tier = sqlite3_column_int(st, 3);
    urne_sql_col_copy(st, 4, d->state, sizeof d->state);
    urne_sql_col_copy(st, 5, d->reason, sizeof d->reason);
    urne_sql_col_copy(st, 6, d->opened_by, sizeof d->opened_by);
    urne_sql_col_copy(st, 7, d->opened_at, sizeof d->opened_at);
    urne_sql_col_copy(st, 8, d->deadline, sizeof d->deadline);
    urne_sql_col_copy(st, 9, d->decision, sizeof d->decision);
    urne_sql_col_copy(st, 10, d->decision_reason, sizeof d->decision_reason);
    urne_sql_col_copy(st, 11, d->decided_by, sizeof d->decided_by);
    urne_sql_col_copy(st, 12, d->decided_at, sizeof d->decided_at);
    urne_sql_col_copy(st, 13, d->figures_before, sizeof d->figures_before);
    urne_sql_col_copy(st, 14, d->figures_after, sizeof d->figures_after);
    d->escalated_from = sqlite3_column_int64(st, 15);
}

int64_t urne_store_dispute_open(urne_store *s, const urne_dispute *d) {
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO disputes(election_id, bureau_idx, tier, state, reason, opened_by,"
                                        " opened_at, deadline, figures_before, escalated_from)"
                                        " VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, d->election);
    sqlite3_bind_int64(st, 2, d->bureau);
    sqlite3_bind_int(st, 3, d->tier);
    sqlite3_bind_text(st, 4, d->reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, d->opened_by, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, d->opened_at, -1, SQLITE_TRANSIENT);
    urne_sql_bind_text(st, 7, d->deadline);
    urne_sql_bind_text(st, 8, d->figures_before);
    if (d->escalated_from > 0)
        sqlite3_bind_int64(st, 9, d->escalated_from);
    else
        sqlite3_bind_null(st, 9);
    if (urne_sql_step_done(s, st, "opening a dispute") < 0) return -1;
    return sqlite3_last_insert_rowid(s->db);
}

static int dispute_query(urne_store *s, const char *where, int64_t a, int64_t b, urne_dispute *out) {
    sqlite3_stmt *st;
    char sql[768];
    snprintf(sql, sizeof sql, "%s %s", dispute_cols, where);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "reading disputes");
    sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) > 1) sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) dispute_row(st, out);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading disputes");
}

int urne_store_dispute_get(urne_store *s, int64_t id, urne_dispute *out) {
    return dispute_query(s, "WHERE id = ?", id, 0, out);
}

int urne_store_dispute_open_for(urne_store *s, int64_t election, size_t bureau, urne_dispute *out) {
    return dispute_query(s, "WHERE election_id = ? AND bureau_idx = ? AND state = 'open' ORDER BY id DESC LIMIT 1",
                         election, (int64_t)bureau, out);
}

int urne_store_dispute_update(urne_store *s, const urne_dispute *d) {
    sqlite3_stmt *st = urne_sql_stmt(s, "UPDATE disputes SET state = ?, decision = ?, decision_reason = ?,"
                                        " decided_by = ?, decided_at = ?, figures_after = ? WHERE id = ?");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, d->state, -1, SQLITE_TRANSIENT);
    urne_sql_bind_text(st, 2, d->decision);
    urne_sql_bind_text(st, 3, d->decision_reason);
    urne_sql_bind_text(st, 4, d->decided_by);
    urne_sql_bind_text(st, 5, d->decided_at);
    urne_sql_bind_text(st, 6, d->figures_after);
    sqlite3_bind_int64(st, 7, d->id);
    return urne_sql_step_done(s, st, "updating a dispute");
}

int urne_store_dispute_each(urne_store *s, int64_t election, int (*fn)(const urne_dispute *d, void *ctx), void *ctx) {
    sqlite3_stmt *st;
    char sql[768];
    snprintf(sql, sizeof sql, "%s WHERE election_id = ? ORDER BY id", dispute_cols);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "listing disputes");
    sqlite3_bind_int64(st, 1, election);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_dispute d;
        dispute_row(st, &d);
        stop = fn(&d, ctx);
    }
    sqlite3_finalize(st);
    return stop;
}
