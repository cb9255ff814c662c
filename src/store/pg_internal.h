/*
 * pg_internal: what the PostgreSQL backend's files share: its handle, its tables
 * of functions (one per domain, assembled in pg_store.c), and the helpers around
 * libpq: parameters, statements, values. Not part of the store's interface.
 *
 * Parameters travel as text in libpq's text format, $1, $2... in the order they
 * are added to a urne_pg_params (an int64 as its decimal digits: nothing is
 * narrowed on the way); results come back as text too. Every fixed-size text is
 * read through urne_pg_col, which refuses a value too long for its field (naming
 * the table, the column and the row) instead of cutting it, as urne_sql_col does
 * for SQLite.
 */
#ifndef URNE_PG_INTERNAL_H
#define URNE_PG_INTERNAL_H

#include <assert.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "store_backend.h"
#include "store_own.h"
#include "store_sql.h"

#define URNE_PG_NPREPARED 256 /* every shared text (about 130) and the variants: beyond, a text runs unprepared */
/* How long a writer waits for another (seconds) before it gives up, as SQLite's
 * busy timeout does: a little more, since a large import takes longer here. */
#define URNE_PG_LOCK_WAIT "10"

#define URNE_PG_MAXPARAMS 24
/* Statements a write transaction may hold unsent answers for (pg_pipeline.c). */
#define URNE_PG_PIPE 24

/* What to do with the answer of a statement sent in a pipeline (pg_pipeline.c). */
typedef enum urne_pg_after {
    URNE_PG_AFTER_NONE,    /* nothing: only a failure counts */
    URNE_PG_AFTER_ONE_ROW, /* it must change exactly one row, or fail with its message */
    URNE_PG_AFTER_HEAD,    /* the audit head's row, read under its lock: into the handle */
    URNE_PG_AFTER_APPENDED, /* an append sealed by PostgreSQL: the new seq and hash into the handle */
    URNE_PG_AFTER_EXPECT,  /* a row expected as memory holds it: a failed cast when not (stale) */
    URNE_PG_AFTER_COMMIT,  /* COMMIT: the transaction committed, or the failure */
    URNE_PG_AFTER_KEEP,    /* the result, kept for the caller of urne_pg_run */
} urne_pg_after;

typedef struct urne_pg_pending {
    const char *what;
    urne_pg_after after;
    int slot;     /* a statement prepared by this send: forgotten if it fails; else -1 */
    char msg[96]; /* URNE_PG_AFTER_ONE_ROW's failure */
} urne_pg_pending;

/* What the watch's thread has heard that moves the audit head (pg_watch.c), for
 * the head's reads (pg_audit.c), under `lock`: the last change heard that came
 * with its entry's seq and hash (notifications come in the order of the commits),
 * how many came so (`sealed`), and how many came without (or may have been
 * missed: a lost connection). */
typedef struct urne_pg_heard {
    pthread_mutex_t lock;
    int64_t seq;
    char hash[URNE_AUDIT_HASH_HEX];
    unsigned sealed, unsealed;
    /* The sheets entered here whose announcement is deferred (pg_watch.c): the
     * watch's pipe to wake it (-1 when no watch is open: every change is then
     * announced in its transaction), and whether some wait for it; the seqs
     * this handle committed are in the handle's `own` (store_own.h), which the
     * watch skips when it reads the log. */
    int wake_fd;
    int pending;
    unsigned reload; /* moved when a commit's fate was unknown, now settled: the watch reloads all */
    int doubt_pid;   /* the store's session whose COMMIT's answer was lost, until it is ended (0: none) */
} urne_pg_heard;

/* The two counts of an urne_pg_heard at one moment. */
typedef struct urne_pg_heard_gen {
    unsigned sealed, unsealed;
} urne_pg_heard_gen;

/* A snapshot of PostgreSQL's (pg_current_snapshot's text, "XMIN:XMAX:XIP,XIP..."):
 * the transactions complete when it was taken, those below xmin and those below
 * xmax not listed in xip (pg_start.c). set: 0 while none is held. */
typedef struct urne_pg_snap {
    uint64_t xmin, xmax;
    uint64_t *xip;
    size_t nxip;
    int set;
} urne_pg_snap;

typedef struct urne_pg {
    urne_store base; /* first: a urne_store * of this backend points to its urne_pg */
    PGconn *conn;
    int in_write; /* between begin and commit/rollback */
    int in_read;  /* between read_begin and read_end */
    char where[256]; /* the store as messages name it (urne_store_where_safe) */
    char *conninfo;  /* as given, for the watch's own connection (pg_watch.c) */
    char origin[64]; /* this handle among the processes: the payload's first word */
    /* Statements prepared on the connection, by the address of their text. */
    const char *prepared[URNE_PG_NPREPARED];
    /* The SQLSTATE of the last failed statement ("" when none). */
    char sqlstate[6];
    int timeout_ms;  /* the deadline on its round trips (pg_wait.c; 0: none) */
    int stalled_pid; /* the session given up on at a deadline, to end when connected again (0: none) */
    int in_doubt;    /* a COMMIT's answer lost with the connection: reload when connected again */
    struct timespec retry_at; /* after a reconnection that found no answer: none tried before (CLOCK_MONOTONIC) */
    int64_t lost_at; /* when the connection was found lost (time(2)), for the line saying it is back */
    char reopen_said[300]; /* why it could not be opened again, as last said ("" when not said) */
    /* The audit head as last read: under its row lock by a write transaction's
     * begin (then moved by each append), or just after a commit (pg_audit.c). */
    int64_t head_seq;
    char head_hash[URNE_AUDIT_HASH_HEX];
    /* The pipeline of the write transaction (pg_pipeline.c): statements sent and
     * not yet answered, in order. */
    urne_pg_pending pipe[URNE_PG_PIPE];
    int npipe;
    PGresult *kept;   /* URNE_PG_AFTER_KEEP's result, until its caller takes it */
    int committed;    /* URNE_PG_AFTER_COMMIT's answer was COMMIT */
    int head_in_tx;   /* the head was read under its row lock in this write transaction */
    int stale;        /* a URNE_PG_AFTER_EXPECT failed: the row was not as expected */
    int appended;     /* this write transaction appended to the audit log */
    int deferred;     /* ... a sheet entered, whose announcement waits for its commit (pg_watch.c) */
    int64_t tx_base;  /* the head's seq at its begin: its appends are the seqs after it */
    /* The head as committed (pg_audit.c): read outside any transaction, or just
     * after this handle's commit, when heard_state's counts stood at c_gen; not
     * valid from a write transaction's begin until then. */
    int c_valid;
    int64_t c_seq;
    char c_hash[URNE_AUDIT_HASH_HEX];
    urne_pg_heard_gen c_gen;
    urne_pg_heard heard_state;
    urne_store_own own; /* the sheets entered here, committed, while its watch is open (pg_watch.c) */
    /* PostgreSQL's snapshot (pg_current_snapshot, as text) when urne_pg_open
     * returned, before the caller loaded anything: its watch's first connection
     * finds whether a transaction committed since, which it may not have heard
     * (pg_watch.c). Read by urne_pg_open, which fails when it cannot be. */
    char *opened_snapshot;
} urne_pg;

extern const urne_store_ops urne_pg_ops;
extern const urne_store_user_ops urne_pg_user_ops;
extern const urne_store_election_ops urne_pg_election_ops;
extern const urne_store_dispute_ops urne_pg_dispute_ops;
extern const urne_store_audit_ops urne_pg_audit_ops;
extern const urne_store_notice_ops urne_pg_notice_ops;
extern const urne_store_initiative_ops urne_pg_initiative_ops;
extern const urne_store_match_ops urne_pg_match_ops;
extern const urne_store_forum_ops urne_pg_forum_ops;
extern const urne_store_grant_ops urne_pg_grant_ops;
extern const urne_store_row_ops urne_pg_row_ops;
extern const urne_store_watch_ops urne_pg_watch_ops;

/* The channels changes are announced on, "urne_" and the audit action's first
 * word; an action of another kind goes on urne_other (pg_watch.c). */
extern const char *const urne_pg_channels[];
/* The sheets entered by this transaction, committed (seqs first..last and perhaps
 * other appends between): announced by the watch, at most once per window
 * (pg_watch.c). */
void urne_pg_deferred_committed(urne_store *s, int64_t first, int64_t last);
/* A commit's fate was unknown and is now settled (pg_store.c's revived): the
 * watch, when one is open, reloads every election (URNE_WATCH_RELOAD). */
void urne_pg_ask_reload(urne_store *s);
/* A name for a new handle no other process holds: host, process id, clock. */
void urne_pg_origin(char *out, size_t size);

/* ---- pg_start.c: what the watch needs to hear everything committed since the
 * store was opened ---- */

/* PostgreSQL's snapshot now into the handle's opened_snapshot (urne_pg_open,
 * after the migrations): 0, or -1 with the store's error set. */
int urne_pg_snap_opened(urne_store *s);
/* The audit head, and whether a transaction committed since the snapshot $1
 * (its text), in one statement: two columns, a bigint and a boolean. */
extern const char urne_pg_sql_head_since[];
/* text parsed into *sn (what it held freed): 0, or -1 (not a snapshot's text, or
 * out of memory: *sn as it was). */
int urne_pg_snap_parse(urne_pg_snap *sn, const char *text);
/* Whether sn shows transaction xid complete (0 while sn holds none). */
int urne_pg_snap_saw(const urne_pg_snap *sn, uint64_t xid);
void urne_pg_snap_free(urne_pg_snap *sn);
/* What the caller's reads told a watch they saw (urne_store_watch_seen): the
 * snapshot of its last read of everything, and the snapshot of the last read of
 * each scope it read alone since (an object and what is under it: "initiative/7",
 * "initiative/7/signed/T1"), sorted by scope; a read of everything drops them
 * (its snapshot is later, so it saw all they saw). Zeroed: nothing seen. */
typedef struct urne_pg_scoped {
    char scope[96]; /* an object's length (urne_store_change) */
    urne_pg_snap snap;
} urne_pg_scoped;
typedef struct urne_pg_seen {
    urne_pg_snap all;
    urne_pg_scoped *scoped;
    size_t n, cap;
} urne_pg_seen;
/* The snapshot `text` kept as what a read of scope (NULL: everything) saw: 0, or
 * -1 (not a snapshot's text, a scope empty or too long, or out of memory: *seen
 * as it was). */
int urne_pg_seen_keep(urne_pg_seen *seen, const char *scope, const char *text);
/* Whether a read kept in seen that covered `object` (of everything, or of a
 * scope that is the object or one of its parents by '/') saw transaction xid
 * complete: what it read holds that transaction's change already, and so does
 * any read made after it (a later snapshot sees all an earlier one saw). */
int urne_pg_seen_saw(const urne_pg_seen *seen, const char *object, uint64_t xid);
void urne_pg_seen_free(urne_pg_seen *seen);
/* A decimal number at *p (a digit first), *p moved past it: 0 with it in *v, or -1. */
int urne_pg_decimal(const char **p, uint64_t *v);
/* URNE_TEST_HOLD_WATCH's wait at `stage` (pg_start.c says what, for the tests). */
void urne_pg_test_hold(const char *stage);
/* libpq's message made one line for a log or an error, in place: a line break
 * becomes "; " (libpq puts each message, and each hint, on a line of its own),
 * a space before an indented line in lower case (a sentence going on); runs of
 * blanks one space; nothing leading or trailing. */
void urne_pg_one_line(char *msg);
/* A notice processor that drops libpq's notices (a table that already exists;
 * the FATAL a server sends its sessions as it stops): set on every connection,
 * whose losses urne says in its own words (libpq's default prints them raw on
 * standard error, with no "urne:" and no context). */
void urne_pg_quiet(void *arg, const char *message);

/* ---- waiting for PostgreSQL with a deadline (pg_wait.c) ----
 * timeout_ms: the silence allowed while an answer is awaited (0: none, libpq's own
 * wait). When it passes, the connection is ended on this side (CONNECTION_BAD, as
 * if the server had closed it) and *stalled, when 0 or -1, receives the session's
 * process id (-1 when unknown); *stalled is left as it is otherwise. */
#define URNE_PG_TIMEOUT_S 10       /* URNE_PG_TIMEOUT's default, for a server's requests */
#define URNE_PG_TIMEOUT_MAX_S 3600 /* its largest */
/* Wait until a PQgetResult on conn will not block: 0, or -1 when the deadline
 * passed (the connection ended). A connection lost otherwise gives 0: PQgetResult
 * says it. */
int urne_pg_wait(PGconn *conn, int timeout_ms, int *stalled);
/* PQgetResult with the deadline. */
PGresult *urne_pg_next(PGconn *conn, int timeout_ms, int *stalled);
/* PQexec's answer to what a PQsend* (whose return is `sent`) sent: the first
 * failure, else the last result (a COPY's, or the connection lost, ends the
 * reading); NULL when !sent or nothing came (PQerrorMessage then says why). */
PGresult *urne_pg_last(PGconn *conn, int sent, int timeout_ms, int *stalled);
/* A new connection to conninfo, with urne's defaults for what conninfo leaves
 * unset (TCP keepalives, tcp_user_timeout, the application's name: pg_wait.c).
 * Made within timeout_ms (0: libpq's connect_timeout), *timed_out 1 when that
 * time passed; NULL when out of memory (or libpq missing: urne_pq_why_null), else
 * check PQstatus (CONNECTION_BAD with PQerrorMessage when it failed). */
PGconn *urne_pg_connect(const char *conninfo, int timeout_ms, int *timed_out);
/* PQreset within timeout_ms (0: libpq's own): 0, or -1 when the time passed (the
 * connection then CONNECTION_BAD); check PQstatus. */
int urne_pg_reset(PGconn *conn, int timeout_ms);
/* The session pid of a connection given up on, ended (pg_terminate_backend, as
 * the same account on the same database only) through conn, and waited for until
 * it is gone (its transaction rolled back or committed, its locks freed), within
 * timeout_ms (10 s when 0): 0, or -1 (not known to be gone). pid <= 0: 0. */
int urne_pg_end_stalled(PGconn *conn, int pid, int timeout_ms, int *stalled);
/* URNE_PG_TIMEOUT in milliseconds: its seconds (0 to URNE_PG_TIMEOUT_MAX_S; 0 for
 * no deadline), URNE_PG_TIMEOUT_S's when unset or empty, -1 when not a number. */
int urne_pg_timeout_env(void);

/* The PostgreSQL store behind s (which must be one). */
static inline urne_pg *urne_pgq(urne_store *s) {
    assert(s && s->ops == &urne_pg_ops);
    return (urne_pg *)s;
}

/* The parameters of one statement, $1 first. Texts are not copied: they must
 * live until the statement has run. */
typedef struct urne_pg_params {
    int n;
    const char *values[URNE_PG_MAXPARAMS];
    char ints[URNE_PG_MAXPARAMS][24];
} urne_pg_params;

/* Add an integer, a text (NULL: SQL NULL), a text that is NULL when empty (as the
 * SQLite backend binds optional texts), or NULL. */
void urne_pg_int(urne_pg_params *p, int64_t v);
void urne_pg_text(urne_pg_params *p, const char *v);
void urne_pg_opt(urne_pg_params *p, const char *v);
void urne_pg_null(urne_pg_params *p);

/* The result when it is a success, else NULL (r cleared) with "what: PostgreSQL's
 * message" on s, the SQLSTATE kept, and the store marked unavailable when the
 * connection is found lost. */
PGresult *urne_pg_checked(urne_store *s, PGresult *r, const char *what);

/* ---- the pipeline of a write transaction (pg_pipeline.c) ----
 * Inside a write transaction the statements whose answer nobody waits for (the
 * writes, BEGIN and its locks, COMMIT) are sent without waiting: their answers are
 * read all at once, in one round trip, by the next statement that needs its own
 * (urne_pg_run sends it in the same pipeline) or by the commit. A failure is thus
 * reported by a later call than the one that sent it, naming what failed; every
 * caller of a write transaction rolls back after any failure, so none is lost. */

/* Send sql (prepared and kept by its address when `prepare`, as urne_pg_run does)
 * with p, its answer handled as `after` says (msg: URNE_PG_AFTER_ONE_ROW's
 * failure), inside a write transaction. 0, or -1 (said on s) when it cannot be
 * sent (a full pipeline is read first). */
int urne_pg_send(urne_store *s, const char *sql, int prepare, const urne_pg_params *p, const char *what,
                 urne_pg_after after, const char *msg);
/* Read every answer the pipeline waits for, and leave pipeline mode: 0, or -1 with
 * the first failure said on s (the statements after it were not run). Nothing to
 * read: 0 at once. */
int urne_pg_flush(urne_store *s);
/* A write that returns no rows: inside a write transaction, sent in its pipeline
 * (its failure reported by a later call); outside, run now. one_row: when not
 * NULL, the write must change exactly one row, else it fails with that message. */
int urne_pg_write(urne_store *s, const char *sql, const urne_pg_params *p, const char *what, const char *one_row);

/* Run sql with p's parameters (p NULL: none). sql must be a string literal (or
 * static): it is prepared once on the connection and kept, by its address. The
 * result (PGRES_COMMAND_OK or PGRES_TUPLES_OK; PQclear it), or NULL with
 * "what: PostgreSQL's message" in the store's error and the SQLSTATE kept. */
PGresult *urne_pg_run(urne_store *s, const char *sql, const urne_pg_params *p, const char *what);
/* The same for a text built at run time: not prepared, not kept. */
PGresult *urne_pg_run_once(urne_store *s, const char *sql, const urne_pg_params *p, const char *what);
/* urne_pg_run of a statement that returns no rows: 0, or -1. *changed (when not
 * NULL) receives the number of rows it changed. */
int urne_pg_do(urne_store *s, const char *sql, const urne_pg_params *p, const char *what, long *changed);

/* One statement run for many rows (an election's bureaux), pipelined: the rows
 * are sent without waiting for each answer, and the answers read every
 * URNE_PG_BATCH rows and at the end, so that a row costs no round trip of its
 * own. Inside a write transaction only (a failure leaves it to roll back). */
#define URNE_PG_BATCH 512
typedef struct urne_pg_batch {
    urne_store *s;
    const char *sql, *what;
    char name[16]; /* the prepared statement's */
    int pending;   /* rows sent since the answers were last read */
    int failed;
} urne_pg_batch;
/* Start a batch of sql (a literal, as for urne_pg_run). 0, or -1 naming what. */
int urne_pg_batch_begin(urne_store *s, urne_pg_batch *b, const char *sql, const char *what);
/* Send one row's parameters. 0, or -1 once the batch has failed (the first
 * failure's message on the store). */
int urne_pg_batch_add(urne_pg_batch *b, const urne_pg_params *p);
/* Read the last answers and leave pipeline mode: 0, or -1 when any row failed. */
int urne_pg_batch_end(urne_pg_batch *b);

/* 1 when the last failure was a constraint the schema holds (SQLSTATE class 23:
 * unique, check, foreign key, not null), as SQLITE_CONSTRAINT is for SQLite. */
int urne_pg_constraint_failed(urne_store *s);

/* Value (row, col) as text, NULL when NULL. */
static inline const char *urne_pg_val(const PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}
/* Value (row, col) as an integer: 0 when NULL (as sqlite3_column_int64). */
int64_t urne_pg_int64(const PGresult *r, int row, int col);

/* A row reader: row i of r into out (a domain's row struct): 0, or -1 said on s. */
typedef int (*urne_pg_read_fn)(urne_store *s, const PGresult *r, int i, void *out);
/* The first row of sql run with p, read into out: 1, 0 when none, -1. */
int urne_pg_get_one(urne_store *s, const char *sql, const urne_pg_params *p, const char *what, urne_pg_read_fn read,
                    void *out);
/* Every row of sql run with p, read into one buffer of `size` and passed to fn;
 * fn's non-zero return stops and is returned; 0 at the end, -1. */
int urne_pg_each(urne_store *s, const char *sql, const urne_pg_params *p, const char *what, size_t size,
                 urne_pg_read_fn read, int (*fn)(const void *row, void *ctx), void *ctx);
/* The id an INSERT ... RETURNING id answered, or -1 (said on s). */
int64_t urne_pg_returning_id(urne_store *s, const char *sql, const urne_pg_params *p, const char *what);

/* Copy value (row, col) as text ("" for NULL) into out of size bytes: 0, or -1
 * naming table.column and the row (row_fmt...) when it does not fit. Never cuts. */
int urne_pg_col(urne_store *s, const PGresult *r, int row, int col, char *out, size_t size, const char *table,
                const char *column, const char *row_fmt, ...) __attribute__((format(printf, 9, 10)));
/* Copy row `row`'s text columns cols[0..n) into the struct at base (each into its
 * field, urne_pg_col's way, naming table and the row's id): 0 or -1. */
struct urne_store_text_col;
int urne_pg_cols(urne_store *s, const PGresult *r, int row, const struct urne_store_text_col *cols, size_t n,
                 void *base, const char *table, int64_t id);

/* Read the audit head into the handle (pg_audit.c); `lock` takes the head's row
 * lock until the transaction ends (an append). 0 or -1. */
int urne_pg_load_head(urne_store *s, int lock);
/* The head read under its row lock (pg_audit.c; read as it is: store_sql.h's). */
extern const char urne_pg_sql_head_locked[];
/* Send e's append in the transaction's pipeline, sealed by PostgreSQL on the head
 * it reads under the head's row lock (the same hash as audit/chain.c's), and the
 * head's move, in one statement; with the notification pg_notify(channel,
 * payload) in it too when channel is not NULL, payload followed by a line "SEQ HASH
 * after" when after is not NULL. The handle's head moves when the answer is read
 * (URNE_PG_AFTER_APPENDED). e's seq, prev and hash are not set. 0, or -1 said on s. */
int urne_pg_audit_append_sealed(urne_store *s, const urne_audit_entry *e, const char *channel, const char *payload,
                                const char *after);
/* The same from a result of "SELECT seq, hash FROM audit_head ..." already read. */
int urne_pg_head_from(urne_store *s, const PGresult *r);
/* The head just read (q->head_seq, outside any transaction, or just after a
 * commit) taken as the head as committed, heard_state's counts having stood at gen
 * when it was sent (pg_audit.c). */
void urne_pg_head_committed(urne_store *s, urne_pg_heard_gen gen);
/* heard_state's counts now. */
urne_pg_heard_gen urne_pg_heard_now(urne_store *s);

/* The numbered migrations in PostgreSQL's dialect (pg_migrations.c): migration
 * v + 1 is urne_pg_migrations[v]; the schema this urne knows is at version
 * urne_pg_nmigrations. */
extern const char *const urne_pg_migrations[];
extern const int urne_pg_nmigrations;

#endif
