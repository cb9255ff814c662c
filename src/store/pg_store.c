/*
 * pg_store: the store on PostgreSQL, urne's second backend, for the hosts that
 * outgrow one machine: connecting, the schema and its migrations, transactions,
 * and the helpers the other pg_*.c files use around libpq. The table of functions
 * the store dispatches through (store_backend.h) is assembled here from each
 * domain's.
 *
 * One connection per store, opened from what urne_store_open was given: a URL
 * (postgresql://user@host/dbname) or a libpq keyword string (service=NAME,
 * host=... dbname=...), so ~/.pgpass, PGPASSWORD and pg_service.conf work as for
 * psql. Messages name the store by urne_store_where_safe: never its password.
 * A connection found lost after a statement failed outside any transaction (the
 * database restarted) is opened again, with one line on standard error, and the
 * statement tried once more; inside a transaction the failure stands (the
 * transaction went with the connection) and the caller rolls back. Statements
 * prepared on the old session are prepared again on the new one. While it cannot
 * be opened again (the database down), the store says it is unavailable
 * (urne_store_unavailable, with one line on standard error when it is first
 * found lost): the server answers 503 with Retry-After instead of 500, and the
 * next request tries to connect again. A database that stops answering without
 * closing (a frozen server, a dead host) is found so too: every answer is awaited
 * with a deadline (pg_wait.c, `urne serve`'s URNE_PG_TIMEOUT), past which the
 * connection is closed on this side and lost as above; its old session is ended
 * once the database answers, and a COMMIT whose answer was lost so has every
 * election reloaded (pg_pipeline.c).
 *
 * Why one connection and no pool: the server uses its store under the
 * application's one lock (app.h), which also covers the elections held in memory
 * that every write patches after its commit, and every write transaction takes
 * the one advisory lock besides; a pool would let reads overlap, but the reads
 * that matter (pages, the results) are served from memory without the store, so
 * connections beyond one would sit idle behind the lock. Several servers on one
 * database (pg_watch.c) are the way to more writers' throughput in flight: each
 * has its connection, plus the one its watch listens on.
 *
 * Round trips: inside a write transaction, the statements whose answers nobody
 * waits for are sent in libpq's pipeline and answered together (pg_pipeline.c), so
 * that an entry waits on PostgreSQL once, not nine times, and the write lock is
 * held only while PostgreSQL runs its statements. Statements: an entry is six
 * (BEGIN; the lock with the head; the bureau's row checked against memory; the
 * entry with the bureau's update; the audit entry sealed by PostgreSQL with the
 * head's move and the notification; COMMIT); the session and the assignment are
 * kept from earlier requests (app/users.c, app/results_entry.c); the head is not
 * read after a commit (the append's answer is the head then) nor after a change
 * heard (pg_audit.c), and the other servers do not read back a sheet entered here
 * (pg_watch.c).
 *
 * Transactions: a write transaction (begin) takes a transaction-level advisory
 * lock, one for all of urne, before anything else (waiting for it 10 s at most, as
 * SQLite waits 5 s for its write lock), so that writers follow one
 * another as they do on SQLite (BEGIN IMMEDIATE): what one reads in its
 * transaction (a sheet's state, the audit head) is not changed by another before
 * it commits, and the audit chain is appended in one order whatever the number of
 * processes. Begin also locks the head's row and reads it, in the statement that
 * takes the lock (what the transaction reads of the head is then the head it
 * appends on), and every append reads it again under that row lock in its own
 * statement and seals on it (pg_audit.c), so that the chain holds even against a
 * writer that did not come through begin. A read (read_begin) is
 * a REPEATABLE READ, READ ONLY transaction: one snapshot for the whole of `urne
 * audit verify`. PostgreSQL aborts a transaction at its first failed statement
 * (SQLite only undoes the statement): every caller rolls back after a failure, and
 * a COMMIT that PostgreSQL turns into a ROLLBACK is reported as the failure it is.
 *
 * The schema is versioned by the one row of urne_schema (SQLite keeps it in PRAGMA
 * user_version). The numbered migrations are SQLite's, in PostgreSQL's dialect
 * (pg_migrations.c), applied at open all in one transaction under the same advisory lock
 * (two servers starting on an empty database migrate it once; an open with
 * nothing to migrate does not wait for the writers); a database at a version
 * newer than this urne knows is refused, not opened.
 *
 * Ids: an identity column draws from a sequence, which a rollback does not give
 * back, so an id may be skipped after a failed write (SQLite would reuse it);
 * nothing in urne takes ids to be consecutive.
 *
 * Many rows of one statement (an election's bureaux) go through a batch
 * (urne_pg_batch): libpq's pipeline mode, the answers read every 512 rows, so
 * that an import of 70,000 bureaux does not wait 70,000 round trips.
 *
 * Texts: PostgreSQL holds UTF-8 only and refuses a text that is not (SQLite keeps
 * any bytes): such a write fails, named, and nothing is written.
 *
 * SQL texts shared with sqlite_*.c: both dialects read `$1`-style parameters
 * (SQLite binds them in order of first appearance, hence the check in
 * store_sql.h), so a query whose text the two agree on is written once, in
 * store_sql.c, with what its readers share (which column fills which field). So
 * far the disputes', grants', notices', accounts', sessions' and the audit log's
 * queries are; the elections' still keep a text per backend (the SQLite backend
 * binds `?` there), to move one domain at a time, each with its tests on both
 * backends. Where the dialects really differ, the variant
 * stays in its backend's file, saying why: the schema (an id is BIGINT GENERATED BY DEFAULT AS IDENTITY here, the
 * rowid alias INTEGER PRIMARY KEY there; INTEGER is 64-bit in SQLite, 32-bit here,
 * so every column that holds an int64 is BIGINT), the version (user_version), the
 * locks, `INSERT OR IGNORE` (ON CONFLICT DO NOTHING), the new row's id (RETURNING
 * id; sqlite3_last_insert_rowid), and text order (COLLATE "C" here, so that a
 * listing comes out in SQLite's byte order whatever the cluster's locale). The
 * statements themselves are the same queries, column for column, so that both
 * backends answer alike (the structure digest, above all, hashes the same texts).
 *
 * Backup: `urne backup` is SQLite's online copy; on PostgreSQL it fails saying to
 * use pg_dump, which copies a consistent snapshot while servers write.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "pg_internal.h"
#include "store_sql.h"
#include "pq_lazy.h"

/* The advisory lock every writer of an urne database takes: "urne" in ASCII. */
#define URNE_PG_WRITE_LOCK "1970433637"

#define NMIGRATIONS urne_pg_nmigrations

/* ---- parameters, statements, values ---- */

void urne_pg_int(urne_pg_params *p, int64_t v) {
    assert(p->n < URNE_PG_MAXPARAMS);
    snprintf(p->ints[p->n], sizeof p->ints[p->n], "%lld", (long long)v);
    p->values[p->n] = p->ints[p->n];
    p->n++;
}

void urne_pg_text(urne_pg_params *p, const char *v) {
    assert(p->n < URNE_PG_MAXPARAMS);
    p->values[p->n++] = v;
}

void urne_pg_opt(urne_pg_params *p, const char *v) { urne_pg_text(p, v && v[0] ? v : NULL); }
void urne_pg_null(urne_pg_params *p) { urne_pg_text(p, NULL); }

void urne_pg_one_line(char *msg) {
    char *w = msg;
    for (const char *p = msg; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            const char *next = p + 1;
            while (*next == '\n' || *next == '\r' || *next == ' ' || *next == '\t') next++;
            if (*next == 0) break;
            /* an indented line in lower case goes on the sentence before */
            int goes_on = (p[1] == ' ' || p[1] == '\t') && islower((unsigned char)*next);
            while (w > msg && w[-1] == ' ') w--;
            if (w > msg && !goes_on) *w++ = ';';
            if (w > msg) *w++ = ' ';
            p = next - 1;
        } else if (*p == ' ' || *p == '\t') {
            if (w > msg && w[-1] != ' ') *w++ = ' ';
        } else
            *w++ = *p;
    }
    while (w > msg && w[-1] == ' ') w--;
    *w = 0;
}

/* What a failed statement's result (or, with none, the connection) says, on one
 * line: the severity and the message, its detail and hint, but not the statement's
 * text with a caret under the failing place, which libpq's whole message adds and
 * which says nothing to the one who reads a log. */
static void result_words(PGconn *conn, const PGresult *r, char *out, size_t size) {
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (primary == NULL) {
        snprintf(out, size, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
        urne_pg_one_line(out);
        return;
    }
    const char *severity = PQresultErrorField(r, PG_DIAG_SEVERITY), *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL),
               *hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
    snprintf(out, size, "%s%s%s%s%s%s%s", severity ? severity : "", severity ? ": " : "", primary,
             detail ? "\nDETAIL: " : "", detail ? detail : "", hint ? "\nHINT: " : "", hint ? hint : "");
    urne_pg_one_line(out);
}

/* The line saying the connection is lost, once per loss: given up on at the
 * deadline (pg_wait.c), or found closed. */
static void say_lost(urne_pg *q) {
    char at[24];
    urne_store_now(at);
    q->lost_at = (int64_t)time(NULL);
    if (q->stalled_pid) {
        fprintf(stderr,
                "urne: %s PostgreSQL (%s) did not answer within %d s; the connection is closed, and requests get "
                "503 until it answers\n",
                at, q->where, q->timeout_ms / 1000);
        return;
    }
    char msg[300];
    snprintf(msg, sizeof msg, "%s", PQerrorMessage(q->conn));
    urne_pg_one_line(msg);
    fprintf(stderr, "urne: %s the connection to PostgreSQL (%s) is lost (%s); requests get 503 until it is open again\n",
            at, q->where, msg[0] ? msg : "no message");
}

/* The result when it is a success, else NULL with what failed said on s. */
PGresult *urne_pg_checked(urne_store *s, PGresult *r, const char *what) {
    urne_pg *q = urne_pgq(s);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        q->sqlstate[0] = 0;
        urne_store_set_unavailable(s, 0);
        return r;
    }
    int bad = PQstatus(q->conn) == CONNECTION_BAD;
    if (bad && !urne_store_unavailable(s)) {
        say_lost(q);
        urne_store_set_unavailable(s, 1);
    }
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(q->sqlstate, sizeof q->sqlstate, "%s", code ? code : "");
    char msg[400];
    if (bad && q->stalled_pid) /* libpq would say the server closed it: this side did */
        snprintf(msg, sizeof msg, "PostgreSQL did not answer within %d s", q->timeout_ms / 1000);
    else
        result_words(q->conn, r, msg, sizeof msg);
    urne_store_fail(s, "%s: %s", what, msg[0] ? msg : "PostgreSQL error (no message)");
    PQclear(r);
    return NULL;
}

/* What a PQsend* on the store's connection (its return: sent) answers, PQexec's
 * way, within the store's deadline (pg_wait.c). */
static PGresult *answer(urne_pg *q, int sent) { return urne_pg_last(q->conn, sent, q->timeout_ms, &q->stalled_pid); }

/* Set the session up: UTF-8, no notices. 0 or -1. */
static int session_setup(urne_store *s);

/* Said when the reason it cannot be opened again changes: a password changed, the
 * database gone, pg_hba.conf refusing... would otherwise give 503 for ever with no
 * word of why once the server is back; a restart says at most a line or two. */
static void say_not_reopened(urne_store *s, int timed_out) {
    urne_pg *q = urne_pgq(s);
    char why[sizeof q->reopen_said];
    if (timed_out)
        snprintf(why, sizeof why, "PostgreSQL did not answer within %d s", q->timeout_ms / 1000);
    else if (PQstatus(q->conn) != CONNECTION_OK) {
        snprintf(why, sizeof why, "%s", PQerrorMessage(q->conn));
        urne_pg_one_line(why);
    } else
        snprintf(why, sizeof why, "%s", urne_store_error(s));
    if (strcmp(why, q->reopen_said) == 0) return;
    char at[24];
    urne_store_now(at);
    fprintf(stderr, "urne: %s the connection to PostgreSQL (%s) cannot be opened again (%s); requests get 503, "
                    "and it is tried again at each request\n",
            at, q->where, why[0] ? why : "no message");
    snprintf(q->reopen_said, sizeof q->reopen_said, "%s", why);
}

/* After a failure outside any transaction, when the connection turns out to be
 * lost (the server restarted, a network cut, no answer within the deadline): open
 * it again, with one line on standard error, so that the statement can be tried
 * once more. 1 when it is open again. Inside a transaction the failure stands: the
 * transaction is gone with the connection, and its caller rolls back. A try that
 * found no answer within the deadline is not made again before as long has passed
 * (the requests meanwhile get 503 at once, instead of each holding the
 * application's lock for the deadline). A session given up on at the deadline is ended first, and waited for (pg_wait.c): what it
 * held (urne's write lock, a transaction) is let go, and a COMMIT whose answer was
 * lost has its fate settled; then the watch reloads every election from the
 * database (urne_pg_ask_reload), so that memory holds what was committed, whichever
 * way it went. */
static int revived(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    if (PQstatus(q->conn) != CONNECTION_BAD || q->in_write || q->in_read) return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < q->retry_at.tv_sec || (now.tv_sec == q->retry_at.tv_sec && now.tv_nsec < q->retry_at.tv_nsec))
        return 0; /* the last try found no answer: the requests meanwhile get 503 at once */
    urne_store_said keep;
    urne_store_keep(s, &keep);
    int timed_out = urne_pg_reset(q->conn, q->timeout_ms) < 0;
    if (timed_out) { /* no second try for as long: a try holds the application's lock while it waits */
        clock_gettime(CLOCK_MONOTONIC, &q->retry_at);
        q->retry_at.tv_sec += q->timeout_ms / 1000;
    }
    memset(q->prepared, 0, sizeof q->prepared); /* they went with the old session */
    if (PQstatus(q->conn) != CONNECTION_OK || session_setup(s) < 0) {
        say_not_reopened(s, timed_out);
        urne_store_restore(s, &keep);
        return 0;
    }
    int stalled = q->stalled_pid, ended = 0;
    if (stalled) {
        q->stalled_pid = 0;
        ended = urne_pg_end_stalled(q->conn, stalled, q->timeout_ms, &q->stalled_pid) == 0;
        if (PQstatus(q->conn) != CONNECTION_OK || (!ended && q->in_doubt)) {
            /* Not answering again; or the session whose COMMIT's answer was lost is
             * still there, and may commit yet: not open before it is ended (next try). */
            q->stalled_pid = stalled;
            shutdown(PQsocket(q->conn), SHUT_RDWR);
            PQconsumeInput(q->conn); /* CONNECTION_BAD: the next request tries again */
            urne_store_restore(s, &keep);
            return 0;
        }
    }
    if (q->in_doubt) {
        pthread_mutex_lock(&q->heard_state.lock);
        q->heard_state.doubt_pid = 0; /* the stalled session: ended above */
        pthread_mutex_unlock(&q->heard_state.lock);
        urne_pg_ask_reload(s);
    }
    q->reopen_said[0] = 0;
    char at[24];
    urne_store_now(at);
    long long lost = q->lost_at ? (long long)((int64_t)time(NULL) - q->lost_at) : 0;
    fprintf(stderr, "urne: %s the connection to PostgreSQL (%s) was lost; it is open again (%lld s after the loss was found)%s%s\n",
            at, q->where, lost,
            !stalled ? "" : stalled < 0 ? "; the session that did not answer was not known here" : ended ? "; the session that did not answer is ended" : "; the session that did not answer could not be ended (it ends when its host answers)",
            q->in_doubt ? "; a commit's answer was lost with it: every election is reloaded from the database" : "");
    q->lost_at = 0;
    q->in_doubt = 0;
    urne_store_set_unavailable(s, 0);
    return 1;
}

/* The index of sql's prepared statement, prepared now if it was not yet; -1 when
 * all slots are taken, -2 when it cannot be prepared (said on s). */
static int prepared(urne_store *s, const char *sql, const char *what, char name[16]) {
    urne_pg *q = urne_pgq(s);
    int i = 0;
    while (i < URNE_PG_NPREPARED && q->prepared[i] && q->prepared[i] != sql) i++;
    if (i == URNE_PG_NPREPARED) return -1;
    snprintf(name, 16, "urne%d", i);
    if (q->prepared[i] == NULL) {
        PGresult *r = urne_pg_checked(s, answer(q, PQsendPrepare(q->conn, name, sql, 0, NULL)), what);
        if (r == NULL) return -2;
        PQclear(r);
        q->prepared[i] = sql;
    }
    return i;
}

/* sql sent at the end of the write transaction's pipeline, and every answer read:
 * its result, or NULL (the first failure said). */
static PGresult *run_piped(urne_store *s, const char *sql, int prepare, const urne_pg_params *p, const char *what) {
    urne_pg *q = urne_pgq(s);
    if (urne_pg_send(s, sql, prepare, p, what, URNE_PG_AFTER_KEEP, NULL) < 0 || urne_pg_flush(s) < 0) return NULL;
    PGresult *r = q->kept;
    q->kept = NULL;
    return r;
}

static PGresult *run_once(urne_store *s, const char *sql, const urne_pg_params *p, const char *what) {
    urne_pg *q = urne_pgq(s);
    if (q->npipe > 0) return run_piped(s, sql, 0, p, what);
    return urne_pg_checked(
        s, answer(q, PQsendQueryParams(q->conn, sql, p ? p->n : 0, NULL, p ? p->values : NULL, NULL, NULL, 0)), what);
}

PGresult *urne_pg_run_once(urne_store *s, const char *sql, const urne_pg_params *p, const char *what) {
    PGresult *r = run_once(s, sql, p, what);
    return r == NULL && revived(s) ? run_once(s, sql, p, what) : r;
}

static PGresult *run_prepared(urne_store *s, const char *sql, const urne_pg_params *p, const char *what) {
    urne_pg *q = urne_pgq(s);
    if (q->npipe > 0) return run_piped(s, sql, 1, p, what);
    char name[16];
    int i = prepared(s, sql, what, name);
    if (i == -2) return NULL;
    if (i == -1) return run_once(s, sql, p, what); /* all kept: run it as is */
    return urne_pg_checked(
        s, answer(q, PQsendQueryPrepared(q->conn, name, p ? p->n : 0, p ? p->values : NULL, NULL, NULL, 0)), what);
}

PGresult *urne_pg_run(urne_store *s, const char *sql, const urne_pg_params *p, const char *what) {
    PGresult *r = run_prepared(s, sql, p, what);
    return r == NULL && revived(s) ? run_prepared(s, sql, p, what) : r;
}

int urne_pg_batch_begin(urne_store *s, urne_pg_batch *b, const char *sql, const char *what) {
    assert(urne_pgq(s)->in_write);
    *b = (urne_pg_batch){.s = s, .sql = sql, .what = what};
    if (urne_pg_flush(s) < 0) return -1;
    int i = prepared(s, sql, what, b->name);
    if (i == -2) return -1;
    if (i == -1) return urne_store_fail(s, "%s: no room left to prepare its statement", what);
    if (PQenterPipelineMode(urne_pgq(s)->conn) != 1) return urne_store_fail(s, "%s: cannot pipeline", what);
    return 0;
}

/* Sync and read every answer sent since the last: 0, or -1 (the first failure
 * said, the rows after it answered "aborted" by PostgreSQL and passed over). */
static int batch_drain(urne_pg_batch *b) {
    PGconn *conn = urne_pgq(b->s)->conn;
    if (PQpipelineSync(conn) != 1) {
        b->failed = 1;
        return urne_store_fail(b->s, "%s: %s", b->what, PQerrorMessage(conn));
    }
    for (;;) {
        PGresult *r = urne_pg_next(conn, urne_pgq(b->s)->timeout_ms, &urne_pgq(b->s)->stalled_pid);
        if (r == NULL) { /* between two rows' answers; none more on a lost connection */
            if (PQstatus(conn) == CONNECTION_BAD) break;
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (st == PGRES_COMMAND_OK || st == PGRES_PIPELINE_ABORTED)
            PQclear(r);
        else if (!b->failed) {
            b->failed = 1;
            urne_pg_checked(b->s, r, b->what); /* says it, and clears r */
        } else
            PQclear(r);
    }
    if (PQstatus(conn) == CONNECTION_BAD && !b->failed) {
        b->failed = 1;
        urne_store_fail(b->s, "%s: the connection to PostgreSQL was lost", b->what);
    }
    b->pending = 0;
    return b->failed ? -1 : 0;
}

int urne_pg_batch_add(urne_pg_batch *b, const urne_pg_params *p) {
    if (b->failed) return -1;
    PGconn *conn = urne_pgq(b->s)->conn;
    if (PQsendQueryPrepared(conn, b->name, p->n, p->values, NULL, NULL, 0) != 1) {
        b->failed = 1;
        return urne_store_fail(b->s, "%s: %s", b->what, PQerrorMessage(conn));
    }
    return ++b->pending < URNE_PG_BATCH ? 0 : batch_drain(b);
}

int urne_pg_batch_end(urne_pg_batch *b) {
    PGconn *conn = urne_pgq(b->s)->conn;
    if (b->pending > 0) batch_drain(b); /* the last answers; after a failure, read and dropped */
    if (PQexitPipelineMode(conn) != 1 && !b->failed) {
        b->failed = 1;
        urne_store_fail(b->s, "%s: %s", b->what, PQerrorMessage(conn));
    }
    return b->failed ? -1 : 0;
}

int urne_pg_do(urne_store *s, const char *sql, const urne_pg_params *p, const char *what, long *changed) {
    PGresult *r = urne_pg_run(s, sql, p, what);
    if (r == NULL) return -1;
    if (changed) *changed = strtol(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return 0;
}

int urne_pg_constraint_failed(urne_store *s) { return strncmp(urne_pgq(s)->sqlstate, "23", 2) == 0; }

int64_t urne_pg_int64(const PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int urne_pg_get_one(urne_store *s, const char *sql, const urne_pg_params *p, const char *what, urne_pg_read_fn read,
                    void *out) {
    PGresult *r = urne_pg_run(s, sql, p, what);
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0 ? (read(s, r, 0, out) < 0 ? -1 : 1) : 0;
    PQclear(r);
    return found;
}

int urne_pg_each(urne_store *s, const char *sql, const urne_pg_params *p, const char *what, size_t size,
                 urne_pg_read_fn read, int (*fn)(const void *row, void *ctx), void *ctx) {
    PGresult *r = urne_pg_run(s, sql, p, what);
    if (r == NULL) return -1;
    void *buf = malloc(size);
    int stop = buf ? 0 : urne_store_fail(s, "out of memory reading the store's rows");
    for (int i = 0; !stop && i < PQntuples(r); i++) stop = read(s, r, i, buf) < 0 ? -1 : fn(buf, ctx);
    free(buf);
    PQclear(r);
    return stop;
}

int64_t urne_pg_returning_id(urne_store *s, const char *sql, const urne_pg_params *p, const char *what) {
    PGresult *r = urne_pg_run(s, sql, p, what);
    if (r == NULL) return -1;
    int64_t id = PQntuples(r) > 0 ? urne_pg_int64(r, 0, 0) : -1;
    PQclear(r);
    return id > 0 ? id : urne_store_fail(s, "%s: no id came back", what);
}

int urne_pg_cols(urne_store *s, const PGresult *r, int row, const urne_store_text_col *cols, size_t n, void *base,
                 const char *table, int64_t id) {
    for (size_t k = 0; k < n; k++)
        if (urne_pg_col(s, r, row, cols[k].col, (char *)base + cols[k].offset, cols[k].size, table, cols[k].name,
                        "%lld", (long long)id) < 0)
            return -1;
    return 0;
}

int urne_pg_col(urne_store *s, const PGresult *r, int row, int col, char *out, size_t size, const char *table,
                const char *column, const char *row_fmt, ...) {
    va_list ap;
    va_start(ap, row_fmt);
    int rc = urne_store_vcopy(s, out, size, urne_pg_val(r, row, col), table, column, row_fmt, ap);
    va_end(ap);
    return rc;
}

/* Run sql (no parameters, several statements allowed): 0, or -1 naming what. */
static int exec(urne_store *s, const char *sql, const char *what) {
    if (urne_pg_flush(s) < 0) return -1;
    urne_pg *q = urne_pgq(s);
    PGresult *r = urne_pg_checked(s, answer(q, PQsendQuery(q->conn, sql)), what);
    if (r == NULL && revived(s)) r = urne_pg_checked(s, answer(q, PQsendQuery(q->conn, sql)), what);
    PQclear(r);
    return r ? 0 : -1;
}

static int session_setup(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    /* PQsetClientEncoding's own SET, awaited with the deadline (libpq's waits for ever) */
    PGresult *r = urne_pg_checked(s, answer(q, PQsendQuery(q->conn, "SET client_encoding = 'UTF8'")), "setting the session");
    if (r == NULL) return PQstatus(q->conn) == CONNECTION_BAD ? -1 : urne_store_fail(s, "the server cannot speak UTF-8");
    PQclear(r);
    r = urne_pg_checked(s,
                        answer(q, PQsendQuery(q->conn, "SET client_min_messages = warning; SET lock_timeout = '"
                                                       URNE_PG_LOCK_WAIT "s'")),
                        "setting the session");
    PQclear(r);
    return r ? 0 : -1;
}

/* ---- the schema ---- */

static int pg_schema_version(urne_store *s) {
    PGresult *r = urne_pg_run(s, "SELECT version FROM urne_schema WHERE id = 1", NULL, "reading the schema version");
    int v = r && PQntuples(r) == 1 ? (int)urne_pg_int64(r, 0, 0) : -1;
    PQclear(r);
    return v;
}

/* Bring the schema to NMIGRATIONS inside the open transaction. 0 or -1. */
static int migrate_in(urne_store *s) {
    if (exec(s, "SELECT pg_advisory_xact_lock(" URNE_PG_WRITE_LOCK ")", "waiting for the other writers") < 0 ||
        exec(s,
             "CREATE TABLE IF NOT EXISTS urne_schema(id INTEGER PRIMARY KEY CHECK(id = 1), version INTEGER NOT NULL);"
             "INSERT INTO urne_schema(id, version) VALUES (1, 0) ON CONFLICT(id) DO NOTHING",
             "creating the schema's version") < 0)
        return -1;
    int v = pg_schema_version(s);
    if (v < 0) return -1;
    if (v > NMIGRATIONS)
        return urne_store_fail(s, "the database is at schema version %d, newer than this urne knows (%d): upgrade urne",
                               v, NMIGRATIONS);
    for (; v < NMIGRATIONS; v++) {
        char what[32];
        snprintf(what, sizeof what, "migration %d", v + 1);
        if (exec(s, urne_pg_migrations[v], what) < 0) return -1;
    }
    urne_pg_params p = {0};
    urne_pg_int(&p, NMIGRATIONS);
    return urne_pg_do(s, "UPDATE urne_schema SET version = $1 WHERE id = 1", &p, "recording the schema version",
                      NULL);
}

/* The schema's version as it is, without waiting for the writers: 0 when there
 * is no urne_schema yet, -1 on failure. */
static int current_version(urne_store *s) {
    PGresult *r = urne_pg_run(s, "SELECT to_regclass('urne_schema') IS NOT NULL", NULL, "reading the schema version");
    if (r == NULL) return -1;
    int exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!exists) return 0;
    r = urne_pg_run(s, "SELECT version FROM urne_schema WHERE id = 1", NULL, "reading the schema version");
    if (r == NULL) return -1;
    int v = PQntuples(r) ? (int)urne_pg_int64(r, 0, 0) : 0;
    PQclear(r);
    return v;
}

/* Bring the schema up to date: nothing to do (the usual case) is seen without
 * the lock; else the migrations run under it, the version read again there. */
static int migrate(urne_store *s) {
    int v = current_version(s);
    if (v < 0) return -1;
    if (v > NMIGRATIONS)
        return urne_store_fail(s, "the database is at schema version %d, newer than this urne knows (%d): upgrade urne",
                               v, NMIGRATIONS);
    if (v == NMIGRATIONS) return 0;
    if (exec(s, "BEGIN", "starting the migrations") < 0) return -1;
    urne_pgq(s)->in_write = 1; /* a statement of it is never retried on its own */
    int rc = migrate_in(s);
    urne_pgq(s)->in_write = 0;
    if (rc < 0) {
        /* 42501, insufficient_privilege: most often a database made by another
         * account (createdb as postgres), where PostgreSQL 15 and later let only
         * the owner create tables in the schema public. */
        int denied = strcmp(urne_pgq(s)->sqlstate, "42501") == 0;
        urne_store_said keep;
        urne_store_keep(s, &keep);
        exec(s, "ROLLBACK", "rolling back the migrations");
        urne_store_restore(s, &keep);
        if (denied) {
            char was[sizeof s->error];
            snprintf(was, sizeof was, "%s", urne_store_error(s));
            urne_store_fail(s, "%s; the account urne connects as may not create its tables there: make it the "
                               "database's owner (createdb -O ACCOUNT DBNAME, or ALTER DATABASE DBNAME OWNER TO "
                               "ACCOUNT): since PostgreSQL 15 only the owner may create tables in the schema public",
                            was);
        }
        return -1;
    }
    return exec(s, "COMMIT", "committing the migrations");
}

/* ---- opening and closing ---- */

static void pg_close(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    PQfinish(q->conn); /* the server rolls back a transaction left open */
    free(q->conninfo);
    free(q->opened_snapshot);
    pthread_mutex_destroy(&q->heard_state.lock);
    urne_store_own_destroy(&q->own);
    free(q);
}

void urne_pg_quiet(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

urne_store *urne_pg_open(const char *conninfo, urne_phrase *why) {
    urne_pg *q = calloc(1, sizeof *q);
    if (q == NULL) {
        urne_phrase_set(why, "out of memory");
        return NULL;
    }
    q->heard_state.lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    q->heard_state.wake_fd = -1;
    urne_store_own_init(&q->own);
    urne_store_where_safe(conninfo, q->where, sizeof q->where);
    q->base.ops = &urne_pg_ops;
    urne_store *s = &q->base;
    q->conninfo = strdup(conninfo);
    if (q->conninfo == NULL) {
        urne_phrase_set(why, "out of memory");
        free(q);
        return NULL;
    }
    urne_pg_origin(q->origin, sizeof q->origin);
    int timed_out;
    q->conn = urne_pg_connect(conninfo, 0, &timed_out); /* libpq's connect_timeout, below */
    if (q->conn == NULL || PQstatus(q->conn) != CONNECTION_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", q->conn ? PQerrorMessage(q->conn) : urne_pq_why_null());
        urne_pg_one_line(msg);
        urne_phrase_set(why, "cannot connect to PostgreSQL: %s", msg);
        PQfinish(q->conn);
        free(q->conninfo);
        free(q);
        return NULL;
    }
    PQsetNoticeProcessor(q->conn, urne_pg_quiet, NULL); /* kept by PQreset */
    if (session_setup(s) < 0 || migrate(s) < 0 || urne_pg_load_head(s, 0) < 0 || urne_pg_snap_opened(s) < 0) {
        *why = s->why;
        pg_close(s);
        return NULL;
    }
    return s;
}

/* ---- transactions ---- */

static int pg_backup(urne_store *s, const char *dest) {
    (void)dest;
    return urne_store_fail(s, "this store is PostgreSQL, which `urne backup` does not copy: use pg_dump "
                              "(pg_dump -Fc -f FILE DBNAME takes a consistent copy while urne runs; "
                              "pg_restore puts it back)");
}

static void pg_rollback(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    urne_store_said keep;
    urne_store_keep(s, &keep);
    exec(s, "ROLLBACK", "rolling back"); /* the pipeline's answers read and dropped first */
    q->in_write = q->head_in_tx = q->appended = q->deferred = 0;
    /* The head the append moved in memory is not read again: every append reads it
     * in its transaction, every other reader from the store (pg_audit.c). Nor is
     * the connection opened again here, which would hide from the caller that it
     * was lost (a 503, not a 500). */
    urne_store_restore(s, &keep);
}

/* A write transaction's own statements, prepared once on the connection like
 * every other (pg_pipeline.c): PostgreSQL then parses none of them again. */
static const char sql_begin[] = "BEGIN";
static const char sql_commit[] = "COMMIT";
/* urne's lock and the head's row locked and read in one statement (one fewer for
 * every write): the lock is an InitPlan that PostgreSQL evaluates as a one-time
 * filter before it reads the head's row, even when the table is empty (the first
 * write of all); a head another writer moved while this one waited for the lock
 * is read as that writer committed it (READ COMMITTED reads a row it locks after
 * waiting in its latest version). Its answer is read with the transaction's
 * others (the commit's, for an entry); the append reads the head again in its own
 * statement and seals on it (pg_audit.c), so that a head not found here (the first
 * append of all, or made by the writer waited for) is found there. */
static const char sql_lock_head[] =
    "SELECT seq, hash FROM audit_head WHERE id = 1"
    " AND (SELECT true FROM (SELECT pg_advisory_xact_lock(" URNE_PG_WRITE_LOCK ")) AS l) FOR UPDATE";

/* BEGIN, urne's lock and the head's row lock are sent in the transaction's
 * pipeline (pg_pipeline.c), not waited for: their answers are read with the first
 * statement that needs its own, and a lock not obtained in time is reported
 * there, as "another writer has held the database". */
static int pg_begin(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    if (PQstatus(q->conn) == CONNECTION_BAD) revived(s); /* outside any transaction: open it again */
    q->in_write = 1;
    q->head_in_tx = q->appended = q->deferred = q->committed = q->stale = 0;
    q->c_valid = 0; /* until read again after the commit (a write may move the head) */
    if (urne_pg_send(s, sql_begin, 1, NULL, "starting a write", URNE_PG_AFTER_NONE, NULL) < 0 ||
        urne_pg_send(s, sql_lock_head, 1, NULL, "starting a write", URNE_PG_AFTER_HEAD, NULL) < 0) {
        pg_rollback(s);
        return -1;
    }
    return 0;
}

/* COMMIT. Committed only when COMMIT's own answer says so. When the transaction
 * appended, its last entry is the head as committed (pg_audit.c), so that the
 * reads of the head that follow a change (the pages' and the cache's) need no
 * round trip: no writer can have moved the head between its append and the
 * commit, the head's row being locked from begin to commit, and a change
 * committed after is heard (a notification with its seq and hash, or without,
 * which makes the next read go to the database; a sheet entered elsewhere, read
 * from the log with its seq and hash: pg_watch.c). A sheet entered here is
 * announced by the watch after the commit (urne_pg_deferred_committed). */
static int pg_commit(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    if (!q->in_write) return exec(s, "COMMIT", "committing"); /* none open: as PostgreSQL answers it */
    urne_pg_heard_gen gen = urne_pg_heard_now(s);
    int rc = urne_pg_send(s, sql_commit, 1, NULL, "committing", URNE_PG_AFTER_COMMIT, NULL);
    if (rc == 0 || q->npipe > 0) urne_pg_flush(s);
    if (q->committed) {
        int appended = q->appended, deferred = q->deferred;
        q->in_write = q->head_in_tx = q->appended = q->deferred = q->committed = 0;
        if (appended) urne_pg_head_committed(s, gen);
        if (deferred) urne_pg_deferred_committed(s, q->tx_base + 1, q->head_seq);
        return 0;
    }
    pg_rollback(s);
    return -1;
}

/* A read transaction: its snapshot is taken at its first query, made here. */
static int pg_read_begin(urne_store *s) {
    if (exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SELECT count(*) FROM audit_head",
             "starting a read") < 0) {
        /* BEGIN may have run and the read failed: the aborted transaction ended,
         * the first error kept (review finding). */
        urne_store_said keep;
        urne_store_keep(s, &keep);
        if (PQtransactionStatus(urne_pgq(s)->conn) != PQTRANS_IDLE) exec(s, "ROLLBACK", "ending a failed read");
        urne_store_restore(s, &keep);
        return -1;
    }
    urne_pgq(s)->in_read = 1;
    return 0;
}

static void pg_read_end(urne_store *s) {
    urne_store_said keep;
    urne_store_keep(s, &keep);
    exec(s, "COMMIT", "ending a read");
    urne_pgq(s)->in_read = 0;
    urne_store_restore(s, &keep);
}

static int pg_serve_deadline(urne_store *s, char *err, size_t errsize) {
    int ms = urne_pg_timeout_env();
    if (ms < 0) {
        urne_store_fail(s, "URNE_PG_TIMEOUT: not a number of seconds from 0 to %s", "3600"); /* a setting's digits */
        _Static_assert(URNE_PG_TIMEOUT_MAX_S == 3600, "the message says 3600");
        snprintf(err, errsize, "%s", urne_store_error(s));
        return -1;
    }
    urne_pgq(s)->timeout_ms = ms;
    return 0;
}

static const urne_store_core_ops core_ops = {
    .close = pg_close,
    .schema_version = pg_schema_version,
    .backup = pg_backup,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .read_begin = pg_read_begin,
    .read_end = pg_read_end,
    .serve_deadline = pg_serve_deadline,
};

const urne_store_ops urne_pg_ops = {
    .name = "PostgreSQL",
    .core = &core_ops,
    .users = &urne_pg_user_ops,
    .elections = &urne_pg_election_ops,
    .disputes = &urne_pg_dispute_ops,
    .audit = &urne_pg_audit_ops,
    .notices = &urne_pg_notice_ops,
    .initiatives = &urne_pg_initiative_ops,
    .matches = &urne_pg_match_ops,
    .forums = &urne_pg_forum_ops,
    .grants = &urne_pg_grant_ops,
    .rows = &urne_pg_row_ops,
    .watch = &urne_pg_watch_ops,
};
