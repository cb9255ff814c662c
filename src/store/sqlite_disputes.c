/*
 * sqlite_disputes: the commission's disputes on SQLite (store_disputes.h holds
 * the contracts; store.c has checked the lengths of what is written). The texts
 * of its queries are shared with PostgreSQL's (store_sql.h), but the opening's.
 *
 * One row per dispute, an escalation being a new row that points at the one it
 * appeals (escalated_from). The figures before and after are the figures' JSON;
 * every text is read into the dispute's fixed fields, a stored one too long
 * refused with the dispute named, never cut (figures cut would no longer parse,
 * a reason cut would say less than was decided).
 */
#include <stdio.h>
#include <string.h>

#include "sqlite_internal.h"
#include "store_sql.h"

/* A dispute from URNE_SQL_DISPUTE_COLS's columns. 0, or -1 when a text does not fit. */
static int dispute_row(urne_store *s, sqlite3_stmt *st, urne_dispute *d) {
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, URNE_SQL_DISPUTE_ID);
    d->election = sqlite3_column_int64(st, URNE_SQL_DISPUTE_ELECTION);
    d->bureau = sqlite3_column_int64(st, URNE_SQL_DISPUTE_BUREAU);
    d->tier = sqlite3_column_int(st, URNE_SQL_DISPUTE_TIER);
    d->escalated_from = sqlite3_column_int64(st, URNE_SQL_DISPUTE_FROM);
    for (size_t k = 0; k < urne_sql_dispute_ntexts; k++) {
        const urne_store_text_col *c = &urne_sql_dispute_texts[k];
        if (urne_sql_col(s, st, c->col, (char *)d + c->offset, c->size, "disputes", c->name, "dispute %lld",
                         (long long)d->id) < 0)
            return -1;
    }
    return 0;
}

static int64_t sq_dispute_open(urne_store *s, const urne_dispute *d) {
    /* SQLite's variant (store_sql.h says why): nothing when the bureau has an open
     * dispute already (store_disputes.h). */
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO disputes(election_id, bureau_idx, tier, state, reason, opened_by,"
                                        " opened_at, deadline, figures_before, escalated_from)"
                                        " SELECT ?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8, ?9 WHERE NOT EXISTS"
                                        " (SELECT 1 FROM disputes WHERE election_id = ?1 AND bureau_idx = ?2"
                                        " AND state = 'open')");
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
    return sqlite3_changes(urne_sql_db(s)) > 0 ? sqlite3_last_insert_rowid(urne_sql_db(s)) : 0;
}

/* The first dispute that sql (a shared text: store_sql.h) returns, bound to a
 * (and b when sql has a second parameter): 1, 0 when none, -1. */
static int dispute_query(urne_store *s, const char *sql, int64_t a, int64_t b, urne_dispute *out) {
    sqlite3_stmt *st = urne_sql_prepare(s, sql, "reading disputes");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) > 1) sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st), ok = 0;
    if (rc == SQLITE_ROW) ok = dispute_row(s, st, out);
    sqlite3_finalize(st);
    if (ok < 0) return -1;
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading disputes");
}

static int sq_dispute_get(urne_store *s, int64_t id, urne_dispute *out) {
    return dispute_query(s, urne_sql_dispute_get, id, 0, out);
}

static int sq_dispute_open_for(urne_store *s, int64_t election, size_t bureau, urne_dispute *out) {
    return dispute_query(s, urne_sql_dispute_open_for, election, (int64_t)bureau, out);
}

static int sq_dispute_update(urne_store *s, const urne_dispute *d, const char *expected) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_dispute_update);
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, d->state, -1, SQLITE_TRANSIENT);
    urne_sql_bind_text(st, 2, d->decision);
    urne_sql_bind_text(st, 3, d->decision_reason);
    urne_sql_bind_text(st, 4, d->decided_by);
    urne_sql_bind_text(st, 5, d->decided_at);
    urne_sql_bind_text(st, 6, d->figures_after);
    sqlite3_bind_int64(st, 7, d->id);
    sqlite3_bind_text(st, 8, expected, -1, SQLITE_TRANSIENT);
    if (urne_sql_step_done(s, st, "updating a dispute") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0;
}

static int sq_dispute_each(urne_store *s, int64_t election, int (*fn)(const urne_dispute *d, void *ctx),
                           void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_dispute_each, "listing disputes");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, election);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_dispute d;
        stop = dispute_row(s, st, &d) < 0 ? -1 : fn(&d, ctx);
    }
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "listing disputes");
    sqlite3_finalize(st);
    return stop;
}

const urne_store_dispute_ops urne_sqlite_dispute_ops = {
    .open = sq_dispute_open,
    .get = sq_dispute_get,
    .open_for = sq_dispute_open_for,
    .update = sq_dispute_update,
    .each = sq_dispute_each,
};
