/*
 * sqlite_audit: the audit log on SQLite, and the rows as stored that `urne audit
 * verify` compares with it (store_audit.h holds the contracts, audit/replay.h says
 * why). The texts are store_sql.c's, shared with pg_audit.c, and so is the
 * decoding of an entry's row (urne_store_audit_row).
 *
 * The log is the table `audit`, one row per entry, and `audit_head` holds the last
 * seq and hash. An append reads the head inside its write transaction, under
 * SQLite's write lock, so that another process that appended meanwhile (`urne
 * admin create` beside a running server) is chained onto, never forked from. The
 * handle keeps the last head read (at open, at each append, after a rollback).
 *
 * The readers for verify do not go through the loaders the server uses: a
 * tampered row must be seen as written (a state that is not a state, figures that
 * are not figures), never repaired or skipped on the way. Each reads one table in
 * order of id. A text too long for the field it is read into is not cut either:
 * the read fails, naming the table, the column and the row.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"
#include "store_sql.h"

/* ---- the log ---- */

int urne_sqlite_load_head(urne_store *s) {
    urne_sqlite *q = urne_sq(s);
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_audit_head);
    if (st == NULL) return -1;
    q->head_seq = 0;
    snprintf(q->head_hash, sizeof q->head_hash, "%s", URNE_AUDIT_GENESIS);
    int rc = sqlite3_step(st), ok = 0;
    if (rc == SQLITE_ROW) {
        q->head_seq = sqlite3_column_int64(st, 0);
        ok = urne_sql_col(s, st, 1, q->head_hash, sizeof q->head_hash, "audit_head", "hash", "the head");
    }
    sqlite3_reset(st);
    if (ok < 0) return -1;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading the audit head");
}

static int sq_audit_append(urne_store *s, urne_audit_entry *e) {
    urne_sqlite *q = urne_sq(s);
    if (sqlite3_get_autocommit(q->db)) /* outside a transaction the head could move under it */
        return urne_store_fail(s, "an audit entry is appended inside the transaction of its change");
    if (urne_sqlite_load_head(s) < 0) return -1;
    urne_audit_seal(e, q->head_seq, q->head_hash);
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_audit_append);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, e->seq);
    const char *texts[] = {e->at, e->actor, e->action, e->object, e->before, e->after, e->prev, e->hash};
    for (int i = 0; i < 8; i++) sqlite3_bind_text(st, 2 + i, texts[i], -1, SQLITE_STATIC);
    if (urne_sql_step_done(s, st, "appending to the audit log") < 0) return -1;
    st = urne_sql_stmt(s, urne_sql_audit_head_put);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, e->seq);
    sqlite3_bind_text(st, 2, e->hash, -1, SQLITE_STATIC);
    if (urne_sql_step_done(s, st, "moving the audit head") < 0) return -1;
    q->head_seq = e->seq;
    memcpy(q->head_hash, e->hash, sizeof q->head_hash);
    if (q->txn_first == 0) q->txn_first = e->seq; /* the transaction's seqs, for the watch (sq_commit) */
    q->txn_last = e->seq;
    return 0;
}

static int sq_audit_head(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]) {
    if (urne_sqlite_load_head(s) < 0) return -1;
    *seq = urne_sq(s)->head_seq;
    memcpy(hash, urne_sq(s)->head_hash, URNE_AUDIT_HASH_HEX);
    return 0;
}

/* SQLite's head is read from the file at every call: never from memory. */
static int sq_audit_head_now(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]) {
    return sq_audit_head(s, seq, hash);
}

static int64_t sq_audit_known(urne_store *s) { return urne_sq(s)->head_seq; }

static int sq_audit_each(urne_store *s, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_audit_each, "reading the audit log");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, from);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cols[9];
        for (int c = 1; c < 9; c++) cols[c] = urne_sql_text(st, c);
        urne_audit_entry e;
        stop = urne_store_audit_row(s, &e, sqlite3_column_int64(st, 0), cols) < 0 ? -1 : fn(&e, ctx);
    }
    if (!stop && rc != SQLITE_DONE) urne_sql_fail(s, "reading the audit log");
    sqlite3_finalize(st);
    return stop ? stop : (rc == SQLITE_DONE ? 0 : -1);
}

/* ---- the rows as stored ---- */

/* The caller's callback, the one of them that is set. */
typedef struct walker {
    int (*election)(const urne_audit_election *m, void *ctx);
    urne_store_sheet_fn sheet;
    urne_store_typed_fn typed;
    int (*dispute)(const urne_audit_dispute *d, void *ctx);
    int (*user)(const urne_audit_user *u, void *ctx);
    int (*assignment)(int64_t user, int64_t election, size_t bureau, void *ctx);
    void *ctx;
    urne_store *store; /* for the messages and the elections' structure digests */
} walker;

/* Step through every row of sql, calling row(st, w) on each; its return value
 * stops the walk when non-zero. */
static int walk(urne_store *s, const char *sql, const char *what, int (*row)(sqlite3_stmt *st, const walker *w),
                const walker *w) {
    sqlite3_stmt *st = urne_sql_prepare(s, sql, what);
    if (st == NULL) return -1;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) stop = row(st, w);
    if (!stop && rc != SQLITE_DONE) urne_sql_fail(s, what);
    sqlite3_finalize(st);
    return stop ? stop : rc == SQLITE_DONE ? 0 : -1;
}

/* The columns' texts of the row st stands on, n of them (NULL when NULL), for
 * store_sql.c's decoders, which both backends share. */
static void texts_of(sqlite3_stmt *st, const char **cols, int n) {
    for (int c = 0; c < n; c++) cols[c] = urne_sql_text(st, c);
}

/* An election's row, its columns found by name (store_sql.c). */
static int election_row(sqlite3_stmt *st, const walker *w) {
    const char *names[URNE_SQL_ELECTION_COLS_MAX], *cols[URNE_SQL_ELECTION_COLS_MAX];
    int n = sqlite3_column_count(st);
    if (n > (int)(sizeof cols / sizeof cols[0])) return urne_store_fail(w->store, "elections: too many columns (%d)", n);
    for (int c = 0; c < n; c++) names[c] = sqlite3_column_name(st, c);
    texts_of(st, cols, n);
    return urne_store_audit_election_call(w->store, n, names, cols, w->election, w->ctx);
}

static int sq_audit_elections(urne_store *s, int (*fn)(const urne_audit_election *m, void *ctx), void *ctx) {
    /* id first: the messages of the texts after it name the election. */
    return walk(s,
                urne_sql_verify_elections,
                "reading elections", election_row, &(walker){.election = fn, .ctx = ctx, .store = s});
}

static int sheet_row(sqlite3_stmt *st, const walker *w) {
    const char *cols[10];
    texts_of(st, cols, 10);
    return urne_store_audit_sheet_call(w->store, cols, w->sheet, w->ctx);
}

static int sq_audit_sheets(urne_store *s, urne_store_sheet_fn fn, void *ctx) {
    return walk(s,
                urne_sql_verify_sheets,
                "reading bureaux", sheet_row, &(walker){.sheet = fn, .ctx = ctx, .store = s});
}

static int typed_row(sqlite3_stmt *st, const walker *w) {
    const char *cols[6];
    texts_of(st, cols, 6);
    return urne_store_audit_typed_call(w->store, cols, w->typed, w->ctx);
}

static int sq_audit_typed(urne_store *s, urne_store_typed_fn fn, void *ctx) {
    return walk(s,
                urne_sql_verify_typed,
                "reading typed entries", typed_row, &(walker){.typed = fn, .ctx = ctx, .store = s});
}

static int dispute_row(sqlite3_stmt *st, const walker *w) {
    urne_audit_dispute d = {0};
    const char *cols[16];
    texts_of(st, cols, 16);
    int rc = urne_store_audit_dispute_row(w->store, &d, cols);
    rc = rc < 0 ? -1 : w->dispute(&d, w->ctx);
    urne_audit_dispute_free(&d);
    return rc;
}

static int sq_audit_disputes(urne_store *s, int (*fn)(const urne_audit_dispute *d, void *ctx), void *ctx) {
    return walk(s,
                urne_sql_verify_disputes,
                "reading disputes", dispute_row, &(walker){.dispute = fn, .ctx = ctx, .store = s});
}

static int user_row(sqlite3_stmt *st, const walker *w) {
    urne_audit_user u;
    const char *cols[4];
    texts_of(st, cols, 4);
    return urne_store_audit_user_row(w->store, &u, cols) < 0 ? -1 : w->user(&u, w->ctx);
}

static int sq_audit_users(urne_store *s, int (*fn)(const urne_audit_user *u, void *ctx), void *ctx) {
    return walk(s, urne_sql_verify_users, "reading accounts", user_row,
                &(walker){.user = fn, .ctx = ctx, .store = s});
}

static int assignment_row(sqlite3_stmt *st, const walker *w) {
    const char *cols[3];
    texts_of(st, cols, 3);
    return urne_store_audit_assignment_call(cols, w->assignment, w->ctx);
}

static int sq_audit_assignments(urne_store *s, int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx),
                                void *ctx) {
    return walk(s, urne_sql_verify_assignments,
                "reading assignments", assignment_row, &(walker){.assignment = fn, .ctx = ctx, .store = s});
}

const urne_store_audit_ops urne_sqlite_audit_ops = {
    .append = sq_audit_append,
    .head = sq_audit_head,
    .head_now = sq_audit_head_now,
    .known = sq_audit_known,
    .each = sq_audit_each,
    .elections = sq_audit_elections,
    .sheets = sq_audit_sheets,
    .typed = sq_audit_typed,
    .disputes = sq_audit_disputes,
    .users = sq_audit_users,
    .assignments = sq_audit_assignments,
};
