/*
 * pg_watch: the changes several urne servers make to one PostgreSQL database,
 * announced by the one that makes them and heard by the others (store.h).
 *
 * Announcing: every change appends its audit entry inside its transaction, and
 * the notification goes in the statement that appends it (append_announce:
 * pg_audit.c's data-modifying WITH ends in SELECT pg_notify), on the channel of the
 * change's kind (urne_sheet, urne_bureau, urne_dispute, urne_election, urne_user,
 * urne_notice, urne_initiative: the audit action's first word; a signature, which
 * writes no audit entry, is announced so too (urne_store_announce); any other
 * kind, one day, on
 * urne_other, so that no change goes unheard). PostgreSQL delivers a
 * notification when, and only when, its transaction commits, in the order of the
 * commits: a change rolled back is never announced, and a change committed always
 * is. The payload is "ORIGIN OBJECT": the origin names the store handle that made
 * the change (host, process, clock: urne_pg_origin), so that a server skips its
 * own changes, which it applied itself after its commit; the object is the audit
 * entry's ("election/3/bureau/12", "user/4"). A change that appends an audit
 * entry whose `after` text is shorter than URNE_STORE_CHANGE_AFTER (and, as
 * jansson writes it, on one line) carries it too, with its seq: "ORIGIN
 * OBJECT\nSEQ HASH AFTER", the seq and hash added by the statement that seals the
 * entry (pg_audit.c; PostgreSQL takes payloads under 8,000 bytes), so that a
 * server hearing a sheet entered elsewhere patches it from the record the entry
 * wrote rather than reading the row back (app/watch.c). A longer text is not
 * carried, and the hearer reads the database as before. The seq and hash also
 * tell the store's reads of the audit head where it now is, with no read of its
 * own (pg_audit.c); a change heard without them (a signature, a text too long, a
 * lost connection) makes the next read of the head go to the database.
 *
 * Sheets entered are the exception, for they come by thousands a minute: with a
 * NOTIFY each, every listening backend of PostgreSQL woke, read the queue and
 * wrote to its server for each entry, the sender's own included (some 60-75 µs of
 * PostgreSQL's CPU an entry with two servers: bench/RESULTS.md, "pg17e"). While
 * this handle's watch is open, a sheet entered ("sheet.enter") appends its audit
 * entry with no notification; after its commit the handle notes its seqs (the
 * transaction's appends, from the head at its begin to its last: the advisory
 * lock makes them consecutive) and wakes the watch's thread, which announces, on
 * the channel urne_log with its origin as payload, that this process entered
 * sheets: at once when its last such announcement is a window old (WINDOW_MS),
 * else when the window ends, so at most one per window however many entries. A
 * watch hearing urne_log from another origin reads the log's rows after its
 * cursor (the seq it has read up to, the head when it connected) and reports each
 * sheet entered there as its notification would have carried it (kind "sheet",
 * the object, the seq, hash and after text), skipping its own handle's seqs; the
 * log's order is the commits' (pg_audit.c), so a cursor misses none. Every
 * POLL_S the watch reads the log all the same, heard or not: a server killed
 * within its window, its last sheets committed and never announced, is so heard
 * by the others within a second or so. Nothing is acknowledged otherwise than
 * before: the announcement only ever follows the commit. What changes is the
 * delay: a sheet is seen elsewhere up to a window later than its commit, and the
 * changes of other kinds (announced in their transactions, at once) may be heard
 * before sheets committed earlier; app/watch.c orders what it applies by seq, not
 * by arrival, so that costs a read, never a wrong state. A process with no watch
 * open (the commands, a server starting or stopping) announces its sheets in
 * their transactions as before. All the servers of one database must defer so, or
 * none: one that does not read the log would not hear the others' sheets.
 *
 * Hearing: a watch is a connection of its own, opened with the store's conninfo,
 * which LISTENs to every channel, and whose socket its one thread polls
 * (urne_store_watch_wait). It never shares the store's connection, which the
 * requests use under the application's lock: the thread waits on the socket
 * without the lock, and takes it only to apply what it heard (app/watch.c).
 *
 * Starting: a server loads what it holds (its elections, its initiatives and
 * their counts) before it opens its watch, and a change another process commits
 * in between is in neither: PostgreSQL keeps no notification for a session that
 * was not listening, and the log's cursor starts at the head read once
 * listening. So the store notes PostgreSQL's snapshot when it is opened, before
 * any load (urne_pg's opened_snapshot; SQLite's watch reads its log from the head
 * as the store was opened, sqlite_watch.c, to the same end), and the watch's
 * first connection, once listening, asks in the statement that reads the head
 * whether a transaction committed since (pg_start.c): if one did, its first
 * wait says URNE_WATCH_MISSED, and the caller reloads everything, once (after
 * listening: what commits after that is heard). Exact, not usually: a change no
 * notification tells of committed before the LISTEN took effect, so after that
 * snapshot and at the latest in the one the head is read in; every change writes
 * (a signature too, which appends no audit entry but a row), so its transaction
 * has an id, and is found committed. Not the audit head alone, compared: a
 * signature moves none, and a signature's id is drawn before its commit, so ids
 * are not in the order of the commits either. Not listening before the load: a
 * notification heard meanwhile could not be told seen by the load or not, and a
 * signature counted twice is as wrong as one missed. A database at rest costs one
 * statement at the open and the look, with nothing to look up; a transaction
 * that changed nothing of urne's (autovacuum's statistics, another database of
 * the cluster) a reload that was not needed, never one missed.
 *
 * Any reload of everything (this one, or after a lost connection) comes after a
 * LISTEN, so that a signature committed between the LISTEN and the reload's
 * read is both counted by the read and heard after it. A change announced
 * without an entry (pg_announce: a signature, a forum's tally) therefore
 * carries its transaction's id ("ORIGIN OBJECT\nx N XID"), the caller reads
 * everything in one REPEATABLE READ read and hands its snapshot to the watch
 * (urne_store_watch_seen), and the watch answers `seen` for each such change that
 * snapshot shows committed (urne_store_watch_saw): the caller does not count it
 * again. So too when the caller reads one object again alone (an initiative,
 * after a transition, an invalidation or a roll heard from another server): a
 * signature of it committed before that read and heard after is in both, and
 * the read's snapshot is kept for that object, and what is under it, alone (a
 * signature of another initiative committed at the same moment is in no read:
 * counted). The answer is asked when the change is applied, not when it is
 * heard: a batch may hold the change that makes the caller read an initiative
 * again and, after it, a signature that read saw. The snapshots kept are the
 * last reload of everything's and, since it, the last of each object read alone
 * (pg_start.c's urne_pg_seen: one an initiative at most, all dropped at the next
 * reload of everything, whose snapshot is later). N, this
 * process's count of such announcements, makes each payload unique: PostgreSQL
 * delivers identical payloads of one transaction once, and a group of
 * signatures committed together may hold two of one territory.
 *
 * A lost connection (the database restarted, a network cut) is seen as the socket
 * turning readable with nothing to read; the watch then tries to connect again at
 * most once a second. Notifications sent meanwhile are lost for good (PostgreSQL
 * keeps them only for sessions listening at the commit), so after reconnecting
 * the watch says URNE_WATCH_RESYNC once, and the caller reloads everything.
 * Every round trip of the watch has a deadline (pg_wait.c: the store's, else 10 s),
 * and so has its connecting: a database that stops answering without closing (a
 * frozen server, a dead host) is found lost at the log's next read, within POLL_S
 * and the deadline, and tried again every second as above, the session given up on
 * ended once connected again. The store's own connection asks, through the handle's
 * heard_state, for every election to be reloaded when a commit's answer was lost
 * with it (URNE_WATCH_RELOAD: pg_store.c's revived).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pg_internal.h"
#include "pq_lazy.h"

const char *const urne_pg_channels[] = {"urne_sheet",  "urne_bureau", "urne_dispute",    "urne_election",
                                        "urne_user",   "urne_notice", "urne_initiative", "urne_other",
                                        NULL};

typedef struct pg_watch {
    urne_store_watch base; /* first */
    PGconn *conn;
    char *conninfo;
    char origin[64];
    urne_pg_heard *state; /* the store's: what moved the head, heard here (pg_audit.c) */
    urne_store_own *own;  /* the store's: the sheets it entered (skipped in the log) */
    char where[256];
    char error[1024]; /* room for where, what and PostgreSQL's message, never cut */
    int lost;         /* the connection is lost: open it again */
    double last_try;  /* when it was last tried (monotonic seconds) */
    int wake[2];      /* the pipe the writers wake the thread by (state->wake_fd is [1]) */
    int64_t cursor;   /* the log read up to this seq for the sheets entered elsewhere */
    int need_read;    /* another server said it entered sheets: read the log after cursor */
    double last_read; /* when the log was last read */
    double last_sent; /* when this process last announced its deferred sheets */
    double window;    /* seconds: at most one announcement of them per window */
    int timeout_ms;   /* the deadline on its round trips (pg_wait.c): the store's, else URNE_PG_TIMEOUT_S */
    int stalled_pid;  /* the session given up on at the deadline, ended once connected again (0: none) */
    int timed_out;    /* the last failure was the deadline's: said so */
    unsigned reload_seen; /* state->reload as last reported (URNE_WATCH_RELOAD) */
    int missed;           /* a transaction committed between the store's open and the first LISTEN:
                             URNE_WATCH_MISSED, once */
    urne_pg_seen seen;    /* the snapshots of the caller's reloads (urne_store_watch_seen) */
} pg_watch;

/* The sheets entered on one server are announced at most once per window
 * (URNE_PG_ANNOUNCE_MS overrides it: the tests' 60 s make a burst one
 * announcement whatever the machine's speed), and a server that heard nothing
 * reads the log once per poll all the same (below). */
#define WINDOW_MS 50
#define WINDOW_MAX_MS 600000
#define POLL_S 1.0

void urne_pg_origin(char *out, size_t size) {
    char host[32] = "";
    if (gethostname(host, sizeof host) != 0) host[0] = 0;
    host[sizeof host - 1] = 0;
    for (char *c = host; *c; c++)
        if (*c == ' ') *c = '_'; /* the payload's first word */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(out, size, "%s/%ld/%lld.%09ld", host[0] ? host : "host", (long)getpid(), (long long)ts.tv_sec,
             ts.tv_nsec);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* PostgreSQL's message on one line, into w->error after `what` (the deadline's,
 * when it passed). */
static void watch_fail(pg_watch *w, const char *what) {
    char msg[400];
    if (w->timed_out)
        snprintf(msg, sizeof msg, "PostgreSQL did not answer within %d s; the connection is closed", w->timeout_ms / 1000);
    else
        snprintf(msg, sizeof msg, "%s", w->conn ? PQerrorMessage(w->conn) : urne_pq_why_null());
    w->timed_out = 0;
    urne_pg_one_line(msg);
    snprintf(w->error, sizeof w->error, "%s: %s: %s", w->where, what, msg[0] ? msg : "no message");
}

/* What a PQsend* (its return: sent) answers, PQexec's way, within the watch's
 * deadline; a session given up on is noted, to be ended (pg_wait.c). */
static PGresult *answer(pg_watch *w, int sent) {
    int stalled = 0;
    PGresult *r = urne_pg_last(w->conn, sent, w->timeout_ms, &stalled);
    if (stalled) {
        w->timed_out = 1;
        if (w->stalled_pid <= 0) w->stalled_pid = stalled;
    }
    return r;
}

/* The store's session whose COMMIT's answer was lost (pg_pipeline.c), ended and
 * waited for, so that the reload that follows this reconnection reads what it did:
 * 0, or -1 when the connection failed meanwhile. */
static int end_doubt(pg_watch *w) {
    pthread_mutex_lock(&w->state->lock);
    int pid = w->state->doubt_pid;
    pthread_mutex_unlock(&w->state->lock);
    if (pid <= 0) return 0;
    int stalled = 0;
    int ended = urne_pg_end_stalled(w->conn, pid, w->timeout_ms, &stalled) == 0;
    if (stalled) w->timed_out = 1;
    if (PQstatus(w->conn) != CONNECTION_OK) return -1;
    pthread_mutex_lock(&w->state->lock);
    if (ended && w->state->doubt_pid == pid) w->state->doubt_pid = 0;
    pthread_mutex_unlock(&w->state->lock);
    return 0;
}

/* Connect and LISTEN to every channel: 0, or -1 with w->error said. A session
 * given up on before (its LISTEN holds PostgreSQL's queue of notifications) is
 * ended first. since: the first connection's, the store's snapshot at its open
 * (NULL: a reconnection, which the caller reloads after in any case): w->missed
 * then says whether a transaction committed between it and the LISTEN. */
static int watch_connect(pg_watch *w, const char *since) {
    PQfinish(w->conn);
    w->last_try = now_s();
    w->conn = urne_pg_connect(w->conninfo, w->timeout_ms, &w->timed_out);
    if (w->conn == NULL || PQstatus(w->conn) != CONNECTION_OK) {
        watch_fail(w, "cannot connect to PostgreSQL to listen for changes");
        return -1;
    }
    PQsetNoticeProcessor(w->conn, urne_pg_quiet, NULL);
    if (w->stalled_pid) {
        int stalled = 0;
        urne_pg_end_stalled(w->conn, w->stalled_pid, w->timeout_ms, &stalled);
        if (stalled) w->timed_out = 1;
        if (PQstatus(w->conn) != CONNECTION_OK) {
            watch_fail(w, "cannot connect to PostgreSQL to listen for changes");
            return -1;
        }
        w->stalled_pid = 0; /* gone, or could not be ended: its host's keepalives end it */
    }
    if (end_doubt(w) < 0) {
        watch_fail(w, "cannot connect to PostgreSQL to listen for changes");
        return -1;
    }
    char sql[256] = "";
    for (int i = 0; urne_pg_channels[i]; i++) {
        size_t len = strlen(sql);
        snprintf(sql + len, sizeof sql - len, "LISTEN %s;", urne_pg_channels[i]);
    }
    snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "LISTEN urne_log;");
    PGresult *r = answer(w, PQsendQuery(w->conn, sql));
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        watch_fail(w, "cannot listen for changes");
        return -1;
    }
    /* The log's rows after a seq, a window of them: the sheets entered, with their
     * records; the others' seqs only, to move past them. Bounded by seqs, not by a
     * LIMIT, so that its plan is the primary key's whatever the table's statistics. */
    r = answer(w, PQsendPrepare(w->conn, "urne_log",
                  "SELECT seq, action = 'sheet.enter', object, CASE WHEN action = 'sheet.enter' THEN after END, hash"
                  " FROM audit WHERE seq > $1::bigint AND seq <= $1::bigint + $2::bigint ORDER BY seq",
                  2, NULL));
    ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        watch_fail(w, "cannot prepare the audit log's read");
        return -1;
    }
    /* Listening first: a sheet committed after this read is in the log after it;
     * one committed before, after `since`, is missed, and said so. */
    if (since)
        r = answer(w, PQsendQueryParams(w->conn, urne_pg_sql_head_since, 1, NULL, &since, NULL, NULL, 0));
    else
        r = answer(w, PQsendQuery(w->conn, "SELECT coalesce((SELECT seq FROM audit_head WHERE id = 1), 0)"));
    ok = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok) w->cursor = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    if (ok && since) w->missed = strcmp(PQgetvalue(r, 0, 1), "f") != 0;
    PQclear(r);
    if (!ok) {
        watch_fail(w, "cannot read the audit log's head");
        return -1;
    }
    w->need_read = 0;
    w->last_read = now_s();
    return 0;
}

/* The payload size: the origin, the object, the seq and hash, the after text. */
#define PAYLOAD_SIZE (256 + URNE_STORE_CHANGE_AFTER + 24)

/* The channel and payload that announce the change (action, object): "ORIGIN
 * OBJECT". *carried: e's after text when it goes in the payload (short enough,
 * on one line: pg_audit.c adds it, after the seq and hash PostgreSQL seals), else
 * NULL. */
static void announcement(const urne_pg *q, const char *action, const char *object, const urne_audit_entry *e,
                         char channel[32], char payload[PAYLOAD_SIZE], const char **carried) {
    size_t kind = strcspn(action, ".");
    snprintf(channel, 32, "urne_other");
    for (int i = 0; urne_pg_channels[i]; i++)
        if (strlen(urne_pg_channels[i]) == 5 + kind && strncmp(urne_pg_channels[i] + 5, action, kind) == 0)
            snprintf(channel, 32, "%s", urne_pg_channels[i]);
    snprintf(payload, PAYLOAD_SIZE, "%s %s", q->origin, object);
    *carried = e && strlen(e->after) < URNE_STORE_CHANGE_AFTER && !strchr(e->after, '\n') ? e->after : NULL;
}

/* The announcements without an entry this process made: each one's number. */
static unsigned long long announced;

/* A change that appends no audit entry (e NULL: pg_audit.c's append carries the
 * others): "ORIGIN OBJECT\nx N XID", N this process's count of them, so that two
 * alike in one transaction (two signatures of one territory in a group) are two
 * (PostgreSQL delivers identical payloads of a transaction once), and XID its
 * transaction's id, so that a hearer that reloaded since knows whether its reload
 * saw it (urne_store_watch_seen, urne_store_watch_saw). */
static int pg_announce(urne_store *s, const char *action, const char *object, const urne_audit_entry *e) {
    urne_pg *q = urne_pgq(s);
    char channel[32], payload[PAYLOAD_SIZE];
    const char *carried;
    announcement(q, action, object, NULL, channel, payload, &carried);
    (void)e;
    size_t len = strlen(payload);
    snprintf(payload + len, sizeof payload - len, "\nx %llu ", __atomic_add_fetch(&announced, 1, __ATOMIC_RELAXED));
    urne_pg_params p = {0};
    urne_pg_text(&p, channel);
    urne_pg_text(&p, payload);
    static const char sql[] = "SELECT pg_notify($1, $2 || pg_current_xact_id()::text)";
    const char *what = "announcing the change to the other servers";
    if (q->in_write) return urne_pg_send(s, sql, 1, &p, what, URNE_PG_AFTER_NONE, NULL); /* in its pipeline */
    PGresult *r = urne_pg_run(s, sql, &p, what);
    PQclear(r);
    return r ? 0 : -1;
}

/* An audit entry appended and its change announced in one statement
 * (pg_audit.c's urne_pg_sql_audit_sealed_notify); a sheet entered, when this
 * handle's watch is open, appended alone, its announcement deferred to the watch
 * (urne_pg_deferred_committed). */
static int pg_append_announce(urne_store *s, urne_audit_entry *e) {
    urne_pg *q = urne_pgq(s);
    if (strcmp(e->action, "sheet.enter") == 0) {
        pthread_mutex_lock(&q->heard_state.lock);
        int deferring = q->heard_state.wake_fd >= 0;
        pthread_mutex_unlock(&q->heard_state.lock);
        if (deferring) {
            q->deferred = 1;
            return urne_pg_audit_append_sealed(s, e, NULL, NULL, NULL);
        }
    }
    char channel[32], payload[PAYLOAD_SIZE];
    const char *carried;
    announcement(q, e->action, e->object, e, channel, payload, &carried);
    return urne_pg_audit_append_sealed(s, e, channel, payload, carried);
}

void urne_pg_deferred_committed(urne_store *s, int64_t first, int64_t last) {
    urne_pg *q = urne_pgq(s);
    urne_pg_heard *h = &q->heard_state;
    urne_store_own_keep(&q->own, first, last); /* the oldest forgotten when full: read back if met */
    pthread_mutex_lock(&h->lock);
    int wake = !h->pending && h->wake_fd >= 0;
    h->pending = 1;
    if (wake && write(h->wake_fd, "", 1) < 0) { /* full: the thread is awake already */
    }
    pthread_mutex_unlock(&h->lock);
}

void urne_pg_ask_reload(urne_store *s) {
    urne_pg_heard *h = &urne_pgq(s)->heard_state;
    pthread_mutex_lock(&h->lock);
    h->reload++;
    if (h->wake_fd >= 0 && write(h->wake_fd, "", 1) < 0) { /* full: the thread is awake already */
    }
    pthread_mutex_unlock(&h->lock);
}

/* The sheets this process entered, announced on urne_log when some wait and the
 * last announcement is a window old: 0, or -1 (the connection lost; they wait). */
static int send_deferred(pg_watch *w, int force) {
    urne_pg_heard *h = w->state;
    pthread_mutex_lock(&h->lock);
    int due = h->pending && (force || now_s() >= w->last_sent + w->window);
    if (due) h->pending = 0;
    pthread_mutex_unlock(&h->lock);
    if (!due) return 0;
    const char *v[1] = {w->origin};
    PGresult *r = answer(w, PQsendQueryParams(w->conn, "SELECT pg_notify('urne_log', $1)", 1, NULL, v, NULL, NULL, 0));
    int ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    w->last_sent = now_s();
    if (ok) return 0;
    pthread_mutex_lock(&h->lock);
    h->pending = 1;
    pthread_mutex_unlock(&h->lock);
    return -1;
}

/* How long the thread may wait (ms, at most timeout_ms): until the deferred
 * sheets are due, or the log's poll. */
static int wait_ms(pg_watch *w, int timeout_ms) {
    double now = now_s(), until = w->last_read + POLL_S;
    pthread_mutex_lock(&w->state->lock);
    if (w->state->pending && w->last_sent + w->window < until) until = w->last_sent + w->window;
    pthread_mutex_unlock(&w->state->lock);
    double ms = (until - now) * 1000 + 1;
    return ms < 0 ? 0 : ms < timeout_ms ? (int)ms : timeout_ms;
}

/* The watch's pipe, neither end blocking nor inherited: 0, or -1. */
static int make_pipe(int fd[2]) {
    if (pipe(fd) < 0) return -1;
    for (int i = 0; i < 2; i++)
        if (fcntl(fd[i], F_SETFL, O_NONBLOCK) < 0 || fcntl(fd[i], F_SETFD, FD_CLOEXEC) < 0) {
            close(fd[0]);
            close(fd[1]);
            fd[0] = fd[1] = -1;
            return -1;
        }
    return 0;
}

/* The window in seconds: URNE_PG_ANNOUNCE_MS's milliseconds (0 to WINDOW_MAX_MS),
 * else WINDOW_MS; -1 when it is set to anything else. */
static double window_s(void) {
    const char *v = getenv("URNE_PG_ANNOUNCE_MS");
    if (v == NULL || *v == 0) return WINDOW_MS / 1000.0;
    char *end;
    errno = 0;
    long ms = strtol(v, &end, 10);
    if (errno || *end || end == v || ms < 0 || ms > WINDOW_MAX_MS) return -1;
    return ms / 1000.0;
}

static urne_store_watch *pg_watch_open(urne_store *s, char *err, size_t errsize) {
    urne_pg *q = urne_pgq(s);
    double window = window_s();
    if (window < 0) {
        snprintf(err, errsize, "URNE_PG_ANNOUNCE_MS: not a number of milliseconds from 0 to %d", WINDOW_MAX_MS);
        return NULL;
    }
    pg_watch *w = calloc(1, sizeof *w);
    if (w == NULL || (w->conninfo = strdup(q->conninfo)) == NULL) {
        free(w);
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    w->base.ops = &urne_pg_watch_ops;
    w->wake[0] = w->wake[1] = -1;
    w->window = window;
    w->timeout_ms = q->timeout_ms > 0 ? q->timeout_ms : URNE_PG_TIMEOUT_S * 1000;
    snprintf(w->origin, sizeof w->origin, "%s", q->origin);
    w->state = &q->heard_state;
    w->own = &q->own;
    snprintf(w->where, sizeof w->where, "%s", q->where);
    urne_pg_test_hold("load");
    if (watch_connect(w, q->opened_snapshot) < 0 || make_pipe(w->wake) < 0) {
        snprintf(err, errsize, "%s", w->error[0] ? w->error : "cannot make the watch's pipe");
        PQfinish(w->conn);
        free(w->conninfo);
        free(w);
        return NULL;
    }
    pthread_mutex_lock(&w->state->lock);
    int first = w->state->wake_fd < 0; /* the handle's first watch announces its sheets */
    pthread_mutex_unlock(&w->state->lock);
    if (first) urne_store_own_switch(w->own, 1); /* before any is deferred: each noted */
    pthread_mutex_lock(&w->state->lock);
    if (first) w->state->wake_fd = w->wake[1];
    w->reload_seen = w->state->reload;
    pthread_mutex_unlock(&w->state->lock);
    return &w->base;
}

/* The change a payload's text after its origin says: "OBJECT", or
 * "OBJECT\nSEQ HASH AFTER" (pg_audit.c's sealed append), the hash in *hash. A seq, hash or after
 * that is not as announce writes it drops all three (seq 0, after "", hash ""):
 * the hearer then reads the database, and the head is read again. */
static void change_from(urne_store_change *c, const char *text, char hash[URNE_AUDIT_HASH_HEX]) {
    size_t olen = strcspn(text, "\n");
    snprintf(c->object, sizeof c->object, "%.*s", (int)(olen < sizeof c->object ? olen : sizeof c->object - 1), text);
    c->seq = 0;
    c->after[0] = 0;
    hash[0] = 0;
    if (text[olen] != '\n') return;
    const char *p = text + olen + 1, *h;
    char *end;
    long long seq = strtoll(p, &end, 10);
    if (seq <= 0 || end == p || *end != ' ') return;
    h = end + 1;
    size_t hlen = strspn(h, "0123456789abcdef");
    if (hlen != URNE_AUDIT_HASH_HEX - 1 || h[hlen] != ' ' || strlen(h + hlen + 1) >= sizeof c->after) return;
    c->seq = seq;
    memcpy(hash, h, hlen);
    hash[hlen] = 0;
    memcpy(c->after, h + hlen + 1, strlen(h + hlen + 1) + 1);
}

/* A change heard (not this process's): the head's reads told (pg_audit.c). */
static void heard_change(pg_watch *w, int64_t seq, const char *hash) {
    pthread_mutex_lock(&w->state->lock);
    if (seq > 0) {
        w->state->seq = seq; /* the last heard, as a payload said it (a forged one forgotten so) */
        memcpy(w->state->hash, hash, URNE_AUDIT_HASH_HEX);
        w->state->sealed++;
    } else
        w->state->unsealed++;
    pthread_mutex_unlock(&w->state->lock);
}

/* The transaction id an announcement without an entry ends with (pg_announce:
 * "...\nx N XID"), or 0 (an entry's, or not as pg_announce writes it). */
static uint64_t announced_xid(const char *payload) {
    const char *p = strchr(payload, '\n');
    uint64_t n, xid;
    if (p == NULL || strncmp(p, "\nx ", 3) != 0) return 0;
    p += 3;
    if (urne_pg_decimal(&p, &n) < 0 || *p++ != ' ' || urne_pg_decimal(&p, &xid) < 0 || *p) return 0;
    return xid;
}

/* Move the notifications libpq holds into out (the process's own skipped). */
static void collect(pg_watch *w, urne_store_change *out, size_t cap, size_t *n) {
    PGnotify *nt;
    while (*n < cap && (nt = PQnotifies(w->conn)) != NULL) {
        const char *payload = nt->extra ? nt->extra : "";
        size_t olen = strcspn(payload, " ");
        int own = olen == strlen(w->origin) && strncmp(payload, w->origin, olen) == 0;
        if (strcmp(nt->relname, "urne_log") == 0) /* sheets entered: read from the log */
            w->need_read |= !own;
        else if (!own && strncmp(nt->relname, "urne_", 5) == 0) {
            urne_store_change *c = &out[(*n)++];
            char hash[URNE_AUDIT_HASH_HEX];
            snprintf(c->kind, sizeof c->kind, "%s", nt->relname + 5);
            change_from(c, payload[olen] ? payload + olen + 1 : "", hash);
            c->txn = announced_xid(payload); /* seen or not when applied: urne_store_watch_saw */
            heard_change(w, c->seq, hash);
        } else if (!own)
            heard_change(w, 0, "");
        PQfreemem(nt);
    }
}

/* The sheets entered elsewhere after the cursor, read from the log, as their
 * notifications would have carried them (change_from), this handle's own skipped:
 * 0, or -1 (the connection lost). The log's order is the commits' (pg_audit.c), so
 * the cursor misses none. */
static int read_log(pg_watch *w, urne_store_change *out, size_t cap, size_t *n) {
    if (*n >= cap) return 0; /* need_read stays: the next turn reads */
    urne_store_own_skip(w->own, &w->cursor); /* this handle's own sheets next: not read at all */
    char from[24], limit[24];
    snprintf(from, sizeof from, "%lld", (long long)w->cursor);
    size_t want = cap - *n;
    snprintf(limit, sizeof limit, "%zu", want);
    const char *v[2] = {from, limit};
    PGresult *r = answer(w, PQsendQueryPrepared(w->conn, "urne_log", 2, v, NULL, NULL, 0));
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    int rows = PQntuples(r);
    for (int i = 0; i < rows; i++) {
        int64_t seq = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        const char *object = PQgetvalue(r, i, 2), *after = PQgetvalue(r, i, 3), *hash = PQgetvalue(r, i, 4);
        assert(seq > w->cursor);
        w->cursor = seq;
        if (strcmp(PQgetvalue(r, i, 1), "t") != 0 || urne_store_own_whose(w->own, seq) == 1)
            continue; /* others are announced; its own applied after its commit */
        urne_store_change *c = &out[(*n)++];
        snprintf(c->kind, sizeof c->kind, "sheet");
        snprintf(c->object, sizeof c->object, "%s", object);
        size_t alen = strlen(after);
        int carried = alen < URNE_STORE_CHANGE_AFTER && alen < sizeof c->after && !strchr(after, '\n');
        c->seq = carried ? seq : 0;
        memcpy(c->after, carried ? after : "", carried ? alen + 1 : 1);
        c->txn = 0;
        heard_change(w, strlen(hash) == URNE_AUDIT_HASH_HEX - 1 ? seq : 0, hash);
    }
    PQclear(r);
    w->need_read = (size_t)rows == want; /* a full batch: more may follow */
    w->last_read = now_s();
    return 0;
}

/* The connection is found lost: say so once. */
static urne_store_watch_event lost(pg_watch *w, const char *what) {
    watch_fail(w, what);
    w->lost = 1;
    heard_change(w, 0, ""); /* what was missed is unknown: the head is read again */
    return URNE_WATCH_LOST;
}

/* What is heard now: the notifications libpq holds, then, once this process's
 * deferred sheets are announced, the sheets entered elsewhere read from the log
 * when another server said it entered some, or when the log was not read for a
 * poll (POLL_S: a server that stopped before announcing its last sheets is heard
 * so). */
static urne_store_watch_event turn(pg_watch *w, urne_store_change *out, size_t cap, size_t *n) {
    collect(w, out, cap, n);
    if (send_deferred(w, 0) < 0) return lost(w, "announcing the sheets entered here");
    collect(w, out, cap, n); /* heard meanwhile */
    if ((w->need_read || now_s() >= w->last_read + POLL_S) && read_log(w, out, cap, n) < 0)
        return lost(w, "reading the sheets entered elsewhere from the audit log");
    return *n ? URNE_WATCH_CHANGES : URNE_WATCH_QUIET;
}

static urne_store_watch_event pg_watch_wait(urne_store_watch *base, int timeout_ms, urne_store_change *out, size_t cap,
                                            size_t *n) {
    pg_watch *w = (pg_watch *)base;
    if (w->lost) {
        double wait = w->last_try + 1.0 - now_s(); /* at most one try a second */
        if (wait > 0) {
            int ms = (int)(wait * 1000) + 1;
            poll(NULL, 0, ms < timeout_ms ? ms : timeout_ms);
            return URNE_WATCH_LOST;
        }
        if (watch_connect(w, NULL) < 0) return URNE_WATCH_LOST;
        w->lost = 0;
        return URNE_WATCH_RESYNC;
    }
    if (w->missed) {
        w->missed = 0;
        urne_pg_test_hold("reload");
        return URNE_WATCH_MISSED;
    }
    pthread_mutex_lock(&w->state->lock);
    int reload = w->reload_seen != w->state->reload;
    w->reload_seen = w->state->reload;
    pthread_mutex_unlock(&w->state->lock);
    if (reload) return URNE_WATCH_RELOAD;
    urne_store_watch_event ev = turn(w, out, cap, n);
    if (ev != URNE_WATCH_QUIET) return ev;
    struct pollfd pfd[2] = {{.fd = PQsocket(w->conn), .events = POLLIN}, {.fd = w->wake[0], .events = POLLIN}};
    if (pfd[0].fd < 0) return lost(w, "the connection that listens for changes is closed");
    int rc = poll(pfd, 2, wait_ms(w, timeout_ms));
    if (rc < 0 && errno != EINTR) return lost(w, "waiting for changes");
    char drain[64];
    if (rc > 0 && (pfd[1].revents & POLLIN))
        while (read(w->wake[0], drain, sizeof drain) > 0) continue;
    if (rc > 0 && pfd[0].revents && PQconsumeInput(w->conn) == 0)
        return lost(w, "the connection that listens for changes was lost");
    if (PQstatus(w->conn) == CONNECTION_BAD) return lost(w, "the connection that listens for changes was lost");
    return turn(w, out, cap, n);
}

/* The snapshot of the caller's read, in which it reloaded scope (NULL: everything;
 * urne_store_watch_seen): read on s's connection, inside that read (REPEATABLE
 * READ: the transaction's snapshot, that of every read it made). */
static int pg_watch_seen(urne_store_watch *base, urne_store *s, const char *scope) {
    pg_watch *w = (pg_watch *)base;
    PGresult *r = urne_pg_run_once(s, "SELECT pg_current_snapshot()::text", NULL, "reading the reload's snapshot");
    if (r == NULL) return -1;
    int rc = PQntuples(r) == 1 ? urne_pg_seen_keep(&w->seen, scope, PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return rc < 0 ? urne_store_fail(s, "the reload's snapshot could not be kept (out of memory, or not as "
                                       "PostgreSQL writes it)")
                  : 0;
}

/* Whether the caller's reads told of (pg_watch_seen) saw c's transaction: a
 * change announced without an entry only (its id carried: announced_xid). */
static int pg_watch_saw(const urne_store_watch *base, const urne_store_change *c) {
    return c->txn > 0 && urne_pg_seen_saw(&((const pg_watch *)base)->seen, c->object, c->txn);
}

static const char *pg_watch_error(const urne_store_watch *base) { return ((const pg_watch *)base)->error; }

static void pg_watch_close(urne_store_watch *base) {
    pg_watch *w = (pg_watch *)base;
    pthread_mutex_lock(&w->state->lock);
    int mine = w->state->wake_fd == w->wake[1];
    if (mine) w->state->wake_fd = -1; /* from now on, every change announced in its transaction */
    pthread_mutex_unlock(&w->state->lock);
    if (mine) urne_store_own_switch(w->own, 0);
    if (mine && !w->lost) send_deferred(w, 1); /* those committed before */
    close(w->wake[0]);
    close(w->wake[1]);
    PQfinish(w->conn);
    free(w->conninfo);
    urne_pg_seen_free(&w->seen);
    free(w);
}

const urne_store_watch_ops urne_pg_watch_ops = {
    .announce = pg_announce,
    .append_announce = pg_append_announce,
    .open = pg_watch_open,
    .wait = pg_watch_wait,
    .error = pg_watch_error,
    .close = pg_watch_close,
    .seen = pg_watch_seen,
    .saw = pg_watch_saw,
};
