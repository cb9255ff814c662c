/*
 * pg_audit: the audit log on PostgreSQL, and the rows as stored that `urne audit
 * verify` compares with it (store_audit.h holds the contracts, audit/replay.h says
 * why). The texts are store_sql.c's, shared with sqlite_audit.c, but for the
 * variants, the head read under its row lock and the append sealed here (below);
 * an entry's row is decoded by urne_store_audit_row, as on SQLite.
 *
 * The log is the table `audit`, one row per entry, and `audit_head` holds the last
 * seq and hash. An entry is sealed by PostgreSQL, in the statement that appends it
 * and moves the head (urne_pg_audit_append_sealed): the hash is audit/chain.c's,
 * computed with PostgreSQL's sha256 over the same bytes (each field's UTF-8 octet
 * length in decimal, a colon, the text), so that the append needs no answer
 * before it is sent and an entry is one round trip (pg_pipeline.c); `urne audit
 * verify` recomputes every hash in C (tests/pg/test_pg.py seals names outside
 * ASCII so). SQLite, which has no SHA-256 of its own, seals in C (sqlite_audit.c).
 * The chain's order under concurrent writers (several processes on one database)
 * is held twice: every write transaction has taken urne's advisory lock at its
 * begin (pg_store.c), and the append reads the head with FOR UPDATE in its own
 * statement, which locks its row until the transaction ends, so that two appends
 * never seal on the same head: the second waits, then reads the head the first
 * left (READ COMMITTED rereads the row it waited for), and its statement, coming
 * after the lock's, sees every commit of the writers before. The first append of
 * all creates the head's row; two of them at once would collide on its primary
 * key, the loser failing rather than forking the chain.
 *
 * The readers for verify do not go through the loaders the server uses: a
 * tampered row must be seen as written, never repaired or skipped on the way. A
 * text too long for the field it is read into fails the read, naming the table,
 * the column and the row.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* ---- the log ---- */

/* The variant (store_sql.h): the head read for an append, its row locked. */
const char urne_pg_sql_head_locked[] = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";

int urne_pg_head_from(urne_store *s, const PGresult *r) {
    urne_pg *q = urne_pgq(s);
    q->head_seq = 0;
    snprintf(q->head_hash, sizeof q->head_hash, "%s", URNE_AUDIT_GENESIS);
    if (PQntuples(r) == 0) return 0;
    q->head_seq = urne_pg_int64(r, 0, 0);
    return urne_pg_col(s, r, 0, 1, q->head_hash, sizeof q->head_hash, "audit_head", "hash", "the head");
}

int urne_pg_load_head(urne_store *s, int lock) {
    PGresult *r = lock ? urne_pg_run(s, urne_pg_sql_head_locked, NULL, "locking the audit head")
                       : urne_pg_run(s, urne_sql_audit_head, NULL, "reading the audit head");
    if (r == NULL) return -1;
    int ok = urne_pg_head_from(s, r);
    PQclear(r);
    return ok;
}

/* The variant: the entry sealed by PostgreSQL, in the statement that appends it
 * and moves the head, so that an append needs no answer before it is sent (one
 * round trip for a whole entry: pg_pipeline.c). The head is read under its row
 * lock in the statement (READ COMMITTED reads the row it waited for in its latest
 * version; none: the first append of all, on URNE_AUDIT_GENESIS, $7); the hash is
 * audit/chain.c's, byte for byte: SHA-256 over each field as "LENGTH:TEXT", the
 * length in octets of its UTF-8 text in decimal, in the order the tag
 * "urne-audit-1", seq, at, actor, action, object, before, after, prev; hex in lower
 * case. The new seq and hash come back (URNE_PG_AFTER_APPENDED) to the handle. */
#define PG_AUDIT_SEALED                                                                                         \
    "WITH old AS (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE),"                                  \
    " p AS (SELECT coalesce(old.seq, 0) + 1 AS seq, coalesce(old.hash, $7::text) AS prev"                      \
    " FROM (SELECT 1) AS one LEFT JOIN old ON true),"                                                          \
    " n AS (SELECT seq, prev, encode(sha256(convert_to('12:urne-audit-1'"                                      \
    " || octet_length(seq::text) || ':' || seq::text"                                                         \
    " || octet_length(convert_to($1::text, 'UTF8')) || ':' || $1::text"                                        \
    " || octet_length(convert_to($2::text, 'UTF8')) || ':' || $2::text"                                        \
    " || octet_length(convert_to($3::text, 'UTF8')) || ':' || $3::text"                                        \
    " || octet_length(convert_to($4::text, 'UTF8')) || ':' || $4::text"                                        \
    " || octet_length(convert_to($5::text, 'UTF8')) || ':' || $5::text"                                        \
    " || octet_length(convert_to($6::text, 'UTF8')) || ':' || $6::text"                                        \
    " || octet_length(convert_to(prev, 'UTF8')) || ':' || prev, 'UTF8')), 'hex') AS hash FROM p),"            \
    " entry AS (INSERT INTO audit(seq, at, actor, action, object, before, after, prev, hash)"                  \
    " SELECT seq, $1, $2, $3, $4, $5, $6, prev, hash FROM n),"                                                 \
    " head AS (INSERT INTO audit_head(id, seq, hash) SELECT 1, seq, hash FROM n"                               \
    " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash)"
const char urne_pg_sql_audit_sealed[] = PG_AUDIT_SEALED " SELECT seq, hash FROM n";

/* The same with the change's announcement (pg_watch.c) in the statement: the
 * payload $9, then, when $10 (the entry's after text) is not NULL, a line with the
 * new seq, hash and $10. PostgreSQL delivers it at the commit, as before. */
const char urne_pg_sql_audit_sealed_notify[] =
    PG_AUDIT_SEALED " SELECT seq, hash, pg_notify($8, $9 || coalesce(E'\\n' || seq || ' ' || hash || ' ' || $10, ''))"
                    " FROM n";

int urne_pg_audit_append_sealed(urne_store *s, const urne_audit_entry *e, const char *channel, const char *payload,
                                const char *after) {
    urne_pg *q = urne_pgq(s);
    assert((channel == NULL) == (payload == NULL) && (after == NULL || channel));
    if (!q->in_write) return urne_store_fail(s, "an audit entry is appended inside the transaction of its change");
    urne_pg_params p = {0};
    const char *texts[] = {e->at, e->actor, e->action, e->object, e->before, e->after, URNE_AUDIT_GENESIS};
    for (int i = 0; i < 7; i++) urne_pg_text(&p, texts[i] ? texts[i] : "");
    if (channel) {
        urne_pg_text(&p, channel);
        urne_pg_text(&p, payload);
        urne_pg_text(&p, after);
    }
    if (urne_pg_send(s, channel ? urne_pg_sql_audit_sealed_notify : urne_pg_sql_audit_sealed, 1, &p,
                     channel ? "appending to the audit log, moving its head and announcing the change"
                             : "appending to the audit log and moving its head",
                     URNE_PG_AFTER_APPENDED, NULL) < 0)
        return -1;
    q->appended = 1;
    return 0;
}

/* The entry and the head's move sent in the pipeline (the announcement, when
 * the store asks for one, goes with them: pg_watch.c). */
static int pg_audit_append(urne_store *s, urne_audit_entry *e) {
    return urne_pg_audit_append_sealed(s, e, NULL, NULL, NULL);
}

urne_pg_heard_gen urne_pg_heard_now(urne_store *s) {
    urne_pg_heard *h = &urne_pgq(s)->heard_state;
    pthread_mutex_lock(&h->lock);
    urne_pg_heard_gen g = {h->sealed, h->unsealed};
    pthread_mutex_unlock(&h->lock);
    return g;
}

void urne_pg_head_committed(urne_store *s, urne_pg_heard_gen gen) {
    urne_pg *q = urne_pgq(s);
    q->c_valid = 1;
    q->c_seq = q->head_seq;
    memcpy(q->c_hash, q->head_hash, sizeof q->c_hash);
    q->c_gen = gen;
}

/* The head outside a transaction: the head as committed (read outside any
 * transaction, or in the commit's round trip, pg_store.c), or the last change
 * the watch has heard with its seq and hash since that read, if newer: both are
 * committed entries of the chain. Read again when a change came without them
 * since (a signature, a text too long to carry, a lost connection: the head may
 * have moved unseen). A change committed after is heard, by a notification,
 * before or at the same time as anything else learns of it; but for a sheet
 * entered by another server, heard from the log after that server's
 * announcement, up to a window after its commit (pg_watch.c): meanwhile the head
 * said is the one before it, as committed, and a server's memory, patched by the
 * same watch, shows the sheet as that head does. Inside a transaction, read. */
static int pg_audit_head(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]) {
    urne_pg *q = urne_pgq(s);
    int inside = q->in_write || q->in_read;
    urne_pg_heard_gen gen = urne_pg_heard_now(s);
    if (inside || !q->c_valid || q->c_gen.unsealed != gen.unsealed) {
        if (urne_pg_load_head(s, 0) < 0) return -1;
        if (inside) {
            *seq = q->head_seq;
            memcpy(hash, q->head_hash, URNE_AUDIT_HASH_HEX);
            return 0;
        }
        urne_pg_head_committed(s, gen);
    }
    urne_pg_heard *h = &q->heard_state;
    pthread_mutex_lock(&h->lock);
    int heard = h->sealed != q->c_gen.sealed && h->seq > q->c_seq;
    *seq = heard ? h->seq : q->c_seq;
    memcpy(hash, heard ? h->hash : q->c_hash, URNE_AUDIT_HASH_HEX);
    pthread_mutex_unlock(&h->lock);
    return 0;
}

static int pg_audit_head_now(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]) {
    urne_pg *q = urne_pgq(s);
    urne_pg_heard_gen gen = urne_pg_heard_now(s);
    if (urne_pg_load_head(s, 0) < 0) return -1;
    if (!q->in_write && !q->in_read) urne_pg_head_committed(s, gen);
    *seq = q->head_seq;
    memcpy(hash, q->head_hash, URNE_AUDIT_HASH_HEX);
    return 0;
}

/* Inside a write transaction, the answers the pipeline waits for are read first:
 * the head read under its lock at the begin, then moved by each append's answer.
 * A failure is said on the store and fails the commit. */
static int64_t pg_audit_known(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    if (q->in_write && q->npipe > 0) urne_pg_flush(s);
    return q->head_seq;
}

static int pg_audit_each(urne_store *s, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, from);
    PGresult *r = urne_pg_run(s, urne_sql_audit_each, &p, "reading the audit log");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) {
        const char *cols[9];
        for (int c = 1; c < 9; c++) cols[c] = urne_pg_val(r, i, c);
        urne_audit_entry e;
        stop = urne_store_audit_row(s, &e, urne_pg_int64(r, i, 0), cols) < 0 ? -1 : fn(&e, ctx);
    }
    PQclear(r);
    return stop;
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

/* Every row of sql, calling row(r, i, w) on each; its return value stops the
 * walk when non-zero. */
static int walk(urne_store *s, const char *sql, const char *what, int (*row)(const PGresult *r, int i, const walker *w),
                const walker *w) {
    PGresult *r = urne_pg_run(s, sql, NULL, what);
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) stop = row(r, i, w);
    PQclear(r);
    return stop;
}

/* The columns' texts of row i, n of them (NULL when NULL), for store_sql.c's
 * decoders, which both backends share. */
static void texts_of(const PGresult *r, int i, const char **cols, int n) {
    for (int c = 0; c < n; c++) cols[c] = urne_pg_val(r, i, c);
}

/* An election's row, its columns found by name (store_sql.c). */
static int election_row(const PGresult *r, int i, const walker *w) {
    const char *names[URNE_SQL_ELECTION_COLS_MAX], *cols[URNE_SQL_ELECTION_COLS_MAX];
    int n = PQnfields(r);
    if (n > (int)(sizeof cols / sizeof cols[0])) return urne_store_fail(w->store, "elections: too many columns (%d)", n);
    for (int c = 0; c < n; c++) names[c] = PQfname(r, c);
    texts_of(r, i, cols, n);
    return urne_store_audit_election_call(w->store, n, names, cols, w->election, w->ctx);
}

static int pg_audit_elections(urne_store *s, int (*fn)(const urne_audit_election *m, void *ctx), void *ctx) {
    /* id first: the messages of the texts after it name the election. */
    return walk(s,
                urne_sql_verify_elections,
                "reading elections", election_row, &(walker){.election = fn, .ctx = ctx, .store = s});
}

static int sheet_row(const PGresult *r, int i, const walker *w) {
    const char *cols[10];
    texts_of(r, i, cols, 10);
    return urne_store_audit_sheet_call(w->store, cols, w->sheet, w->ctx);
}

static int pg_audit_sheets(urne_store *s, urne_store_sheet_fn fn, void *ctx) {
    return walk(s,
                urne_sql_verify_sheets,
                "reading bureaux", sheet_row, &(walker){.sheet = fn, .ctx = ctx, .store = s});
}

static int typed_row(const PGresult *r, int i, const walker *w) {
    const char *cols[6];
    texts_of(r, i, cols, 6);
    return urne_store_audit_typed_call(w->store, cols, w->typed, w->ctx);
}

static int pg_audit_typed(urne_store *s, urne_store_typed_fn fn, void *ctx) {
    return walk(s,
                urne_sql_verify_typed,
                "reading typed entries", typed_row, &(walker){.typed = fn, .ctx = ctx, .store = s});
}

static int dispute_row(const PGresult *r, int i, const walker *w) {
    urne_audit_dispute d = {0};
    const char *cols[16];
    texts_of(r, i, cols, 16);
    int rc = urne_store_audit_dispute_row(w->store, &d, cols);
    rc = rc < 0 ? -1 : w->dispute(&d, w->ctx);
    urne_audit_dispute_free(&d);
    return rc;
}

static int pg_audit_disputes(urne_store *s, int (*fn)(const urne_audit_dispute *d, void *ctx), void *ctx) {
    return walk(s,
                urne_sql_verify_disputes,
                "reading disputes", dispute_row, &(walker){.dispute = fn, .ctx = ctx, .store = s});
}

static int user_row(const PGresult *r, int i, const walker *w) {
    urne_audit_user u;
    const char *cols[4];
    texts_of(r, i, cols, 4);
    return urne_store_audit_user_row(w->store, &u, cols) < 0 ? -1 : w->user(&u, w->ctx);
}

static int pg_audit_users(urne_store *s, int (*fn)(const urne_audit_user *u, void *ctx), void *ctx) {
    return walk(s, urne_sql_verify_users, "reading accounts", user_row,
                &(walker){.user = fn, .ctx = ctx, .store = s});
}

static int assignment_row(const PGresult *r, int i, const walker *w) {
    const char *cols[3];
    texts_of(r, i, cols, 3);
    return urne_store_audit_assignment_call(cols, w->assignment, w->ctx);
}

static int pg_audit_assignments(urne_store *s, int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx),
                                void *ctx) {
    return walk(s, urne_sql_verify_assignments,
                "reading assignments", assignment_row, &(walker){.assignment = fn, .ctx = ctx, .store = s});
}

const urne_store_audit_ops urne_pg_audit_ops = {
    .append = pg_audit_append,
    .head = pg_audit_head,
    .head_now = pg_audit_head_now,
    .known = pg_audit_known,
    .each = pg_audit_each,
    .elections = pg_audit_elections,
    .sheets = pg_audit_sheets,
    .typed = pg_audit_typed,
    .disputes = pg_audit_disputes,
    .users = pg_audit_users,
    .assignments = pg_audit_assignments,
};
