/*
 * sqlite_watch: the changes other processes make to a server's SQLite file,
 * heard by the server (store.h's watch, the same interface as PostgreSQL's).
 *
 * Why: a server keeps its elections and initiatives in memory, and the command
 * line writes to the same file while it runs (`urne initiative create`, a roll
 * imported, letter codes made, an election imported, an account created or
 * granted). Before this file the server saw none of it until it restarted.
 *
 * What is heard: every change the command line makes appends its audit entry
 * in its transaction (app/: users.c, grants.c, import.c, initiative*.c;
 * letter codes made in batches append theirs with the last batch, so the
 * server hears them when all are stored). SQLite's writers are serialised by
 * its write lock and each append reads the head under it (sqlite_audit.c), so
 * the log's order is the commits' and a cursor on its seq misses nothing.
 * The server's own changes that append no entry (signatures: up to 15,000 a
 * second) are not read back at all: the watch looks at the log only.
 *
 * How: a connection of its own on the file (WAL: it never waits for the
 * writer, and holds no snapshot between polls), which every POLL_MS asks
 * PRAGMA data_version (a number that moves when another connection, of this
 * process or another, committed: no read of a table, no I/O when nothing
 * moved); when it moved, reads the log's rows after its cursor (the primary
 * key's range: none while only signatures commit) and reports each as a change
 * named by its action's first word and its object, with its seq and its
 * `after` text when that fits (what PostgreSQL's notification carries: so
 * app/watch.c applies both alike). The rows this handle committed are skipped,
 * and not even read when they follow the cursor (a server alone writing, its
 * sheets entered by thousands, reads none back): the store notes each
 * transaction's seqs before its COMMIT and keeps them once it returned
 * (store_own.h); a row still in flight stops the read, which takes it up again
 * a millisecond later. Cost while signing: one PRAGMA and one empty indexed
 * read every POLL_MS (bench/RESULTS.md, reload18: some 0.03 % of the server's
 * CPU).
 *
 * A failed read (an I/O error, a file being restored) closes the connection
 * and says URNE_WATCH_LOST; the watch opens it again at most once a second, and
 * then says URNE_WATCH_RESYNC, so that the caller reloads everything, as after a
 * PostgreSQL connection lost. A database in memory has no other process: its
 * watch only waits.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite_internal.h"
#include "sqlite_walbuf.h"

#define POLL_MS 200 /* how often the file is looked at: the delay a change is seen with */

typedef struct sq_watch {
    urne_store_watch base; /* first */
    urne_sqlite *q;        /* the store: its own seqs (q->own), nothing else from this thread */
    sqlite3 *db;           /* NULL: lost (or a database in memory, memory = 1) */
    sqlite3_stmt *version, *log;
    char path[4096];
    int memory;
    int lost;
    double last_try;   /* when the connection was last opened (monotonic seconds) */
    int64_t cursor;    /* the log read up to this seq */
    int64_t seen;      /* data_version as last read */
    int more;          /* read the log at the next turn whatever data_version says: 1 at once
                          (a full batch), 2 soon (a row in flight here) */
    int backoff;       /* ms waited before looking again at a commit in flight here: 1, 2, 4... 50 */
    char error[1024];
} sq_watch;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void close_db(sq_watch *w) {
    sqlite3_finalize(w->version);
    sqlite3_finalize(w->log);
    sqlite3_close(w->db);
    w->version = w->log = NULL;
    w->db = NULL;
}

/* Put "path: what: SQLite's message" in w->error. */
static void watch_fail(sq_watch *w, const char *what) {
    snprintf(w->error, sizeof w->error, "%.400s: %.160s: %.400s", w->path, what,
             w->db ? sqlite3_errmsg(w->db) : "out of memory");
}

/* Open the watch's connection and its statements: 0, or -1 with w->error said. */
static int open_db(sq_watch *w) {
    w->last_try = now_s();
    if (sqlite3_open_v2(w->path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, urne_sqlite_walbuf_vfs()) !=
            SQLITE_OK ||
        sqlite3_exec(w->db, "PRAGMA query_only = 1", NULL, NULL, NULL) != SQLITE_OK) {
        watch_fail(w, "cannot open the database to hear the changes other processes make");
        close_db(w);
        return -1;
    }
    sqlite3_busy_timeout(w->db, 1000);
    if (sqlite3_prepare_v2(w->db, "PRAGMA data_version", -1, &w->version, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db,
                           "SELECT seq, action, object, after FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2", -1,
                           &w->log, NULL) != SQLITE_OK) {
        watch_fail(w, "cannot prepare the audit log's read");
        close_db(w);
        return -1;
    }
    w->seen = -1; /* the first turn reads the log */
    return 0;
}

/* data_version now: 0 with it in *v, or -1. */
static int data_version(sq_watch *w, int64_t *v) {
    int rc = sqlite3_step(w->version);
    if (rc == SQLITE_ROW) *v = sqlite3_column_int64(w->version, 0);
    sqlite3_reset(w->version);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* One row of the log as the change it records into c: its kind (the action's
 * first word), object, seq and after text (when it fits on one line). 0, or -1
 * when its object does not fit a change's (then nothing can name what changed:
 * the caller says RESYNC). */
static int row_change(sqlite3_stmt *st, urne_store_change *c, int64_t seq) {
    const char *action = urne_sql_text(st, 1), *object = urne_sql_text(st, 2), *after = urne_sql_text(st, 3);
    action = action ? action : "";
    object = object ? object : "";
    after = after ? after : "";
    if (strlen(object) >= sizeof c->object) return -1;
    size_t kind = strcspn(action, ".");
    snprintf(c->kind, sizeof c->kind, "%.*s", (int)(kind < sizeof c->kind ? kind : sizeof c->kind - 1), action);
    snprintf(c->object, sizeof c->object, "%s", object);
    size_t alen = strlen(after);
    int carried = alen < URNE_STORE_CHANGE_AFTER && alen < sizeof c->after && !strchr(after, '\n');
    c->seq = carried ? seq : 0;
    memcpy(c->after, carried ? after : "", carried ? alen + 1 : 1);
    c->txn = 0;
    return 0;
}

/* The rows after the cursor, the handle's own skipped, into out: 0, 1 when one
 * could not be named (RESYNC), or -1 (a failed read). Stops before a row whose
 * commit is still in flight here, and after a full batch: w->more then says to
 * read again. */
static int read_log(sq_watch *w, urne_store_change *out, size_t cap, size_t *n) {
    urne_store_own_skip(&w->q->own, &w->cursor); /* the server's own rows next: not read at all */
    size_t want = cap - *n;
    sqlite3_bind_int64(w->log, 1, w->cursor);
    sqlite3_bind_int64(w->log, 2, (sqlite3_int64)want);
    int rc, unnamed = 0;
    size_t rows = 0;
    w->more = 0;
    while ((rc = sqlite3_step(w->log)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(w->log, 0);
        assert(seq > w->cursor);
        int whose = urne_store_own_whose(&w->q->own, seq);
        if (whose < 0) { /* committing here now: its row is read again at the next turn */
            w->more = 2;
            break;
        }
        rows++;
        w->cursor = seq;
        if (whose == 1) continue;
        if (row_change(w->log, &out[*n], seq) < 0)
            unnamed = 1;
        else
            (*n)++;
    }
    sqlite3_reset(w->log);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        watch_fail(w, "reading the changes other processes made from the audit log");
        return -1;
    }
    if (rows == want) w->more = 1; /* a full batch: more may follow */
    return unnamed;
}

/* One look at the file: the changes in out, or LOST (the connection closed). */
static urne_store_watch_event turn(sq_watch *w, urne_store_change *out, size_t cap, size_t *n) {
    int64_t v;
    if (data_version(w, &v) < 0) {
        watch_fail(w, "reading whether other processes changed the database");
        goto lost;
    }
    if (v == w->seen && !w->more) return URNE_WATCH_QUIET;
    w->seen = v;
    int rc = read_log(w, out, cap, n);
    if (rc < 0) goto lost;
    if (rc > 0) return URNE_WATCH_RESYNC; /* an object too long to name: everything read again */
    return *n ? URNE_WATCH_CHANGES : URNE_WATCH_QUIET;
lost:
    close_db(w);
    w->lost = 1;
    return URNE_WATCH_LOST;
}

static urne_store_watch *sq_watch_open(urne_store *s, char *err, size_t errsize) {
    urne_sqlite *q = urne_sq(s);
    sq_watch *w = calloc(1, sizeof *w);
    if (w == NULL) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    w->base.ops = &urne_sqlite_watch_ops;
    w->q = q;
    const char *path = sqlite3_db_filename(q->db, "main");
    w->memory = path == NULL || path[0] == 0;
    if (!w->memory && strlen(path) >= sizeof w->path) {
        snprintf(err, errsize, "the database's path is too long to open it again: %.200s...", path);
        free(w);
        return NULL;
    }
    snprintf(w->path, sizeof w->path, "%s", w->memory ? ":memory:" : path);
    /* The head when the store was opened, before the server loaded what it
     * holds: a change another process made while it loaded (seconds at ten
     * million signatures) is read again rather than lost; one it had loaded
     * already is applied twice, which changes nothing (a sheet's record is
     * applied only when newer, an initiative or election read again whole). */
    w->cursor = q->opened_seq;
    if (!w->memory && open_db(w) < 0) {
        snprintf(err, errsize, "%s", w->error);
        free(w);
        return NULL;
    }
    urne_store_own_switch(&q->own, 1);
    return &w->base;
}

static urne_store_watch_event sq_watch_wait(urne_store_watch *base, int timeout_ms, urne_store_change *out,
                                            size_t cap, size_t *n) {
    sq_watch *w = (sq_watch *)base;
    int ms = timeout_ms < POLL_MS ? timeout_ms : POLL_MS;
    if (w->memory) { /* nothing else writes to it */
        poll(NULL, 0, ms);
        return URNE_WATCH_QUIET;
    }
    if (w->lost) {
        double wait = w->last_try + 1.0 - now_s(); /* at most one try a second */
        if (wait > 0) {
            int wms = (int)(wait * 1000) + 1;
            poll(NULL, 0, wms < timeout_ms ? wms : timeout_ms);
            return URNE_WATCH_LOST;
        }
        if (open_db(w) < 0) return URNE_WATCH_LOST;
        w->lost = 0;
        return URNE_WATCH_RESYNC;
    }
    if (w->more == 2) { /* a commit of this server's in flight: looked at again soon, less often as it lasts */
        w->backoff = w->backoff ? (w->backoff * 2 < 50 ? w->backoff * 2 : 50) : 1;
        poll(NULL, 0, w->backoff);
    } else {
        w->backoff = 0;
        if (w->more != 1) poll(NULL, 0, ms); /* one look per call: the caller calls again at once */
    }
    return turn(w, out, cap, n);
}

static const char *sq_watch_error(const urne_store_watch *base) { return ((const sq_watch *)base)->error; }

static void sq_watch_close(urne_store_watch *base) {
    sq_watch *w = (sq_watch *)base;
    urne_store_own_switch(&w->q->own, 0);
    close_db(w);
    free(w);
}

/* Nothing to announce: the other processes read the log (above); a change
 * without an entry (a signature) is this server's own, and no other reads it. */
static int sq_announce(urne_store *s, const char *action, const char *object, const urne_audit_entry *e) {
    (void)s, (void)action, (void)object, (void)e;
    return 0;
}

/* No seen nor saw (store.h's urne_store_watch_seen): no change without an entry
 * is reported here, so none can be counted by a reload and again when heard. */
const urne_store_watch_ops urne_sqlite_watch_ops = {
    .announce = sq_announce,
    .append_announce = NULL,
    .open = sq_watch_open,
    .wait = sq_watch_wait,
    .error = sq_watch_error,
    .close = sq_watch_close,
};
