/*
 * pg_wait: every answer the PostgreSQL store waits for, waited for with a
 * deadline, and the connections it opens, made so that a dead host is seen.
 *
 * Why (issue 17): libpq's PQexec and PQgetResult wait for ever. A database that
 * closes its connections (a restart) is seen at once: the store says it is
 * unavailable, the server answers 503 with Retry-After, and the next request opens
 * the connection again (pg_store.c). One that stops answering without closing them
 * (a frozen server, a host gone behind a cut that drops packets) was not seen: every
 * request that needed it waited, holding the application's one lock, so that the
 * server soon answered nothing at all until the database came back.
 *
 * How: a statement is sent (PQsend*), and its answer awaited on the connection's
 * socket with poll(2) (urne_pg_next, PQgetResult's counterpart; urne_pg_last,
 * PQexec's). The deadline is on silence: `timeout_ms` with not a byte from
 * PostgreSQL while an answer is awaited, so that a long answer that comes (a large
 * read streaming in) is never cut, only one that does not come. When it passes,
 * the socket is shut down (shutdown(2)) and libpq reads the end of it as it reads a
 * server that closed the connection: the connection is CONNECTION_BAD, and every
 * path that handles a lost connection handles this one (the 503, the line in the
 * log, the connection opened again by a later request or the watch's next try).
 * The caller learns the process id of the session PostgreSQL may still hold for
 * it (a transaction open there, urne's write lock with it, a COMMIT waiting in its
 * socket): the next connection ends that session and waits until it is gone
 * (urne_pg_end_stalled), so that a transaction's fate is settled before anything is
 * read again, and the lock freed even when the old host's packets never come back.
 * Opening a connection again waits the same way (urne_pg_connect, urne_pg_reset),
 * instead of libpq's connect_timeout, 10 s by default, for each request meanwhile.
 *
 * Which deadline: `urne serve` sets one on its store, URNE_PG_TIMEOUT seconds (10
 * when unset; 0 for none), for the round trips of its requests and its watch
 * (pg_watch.c, which uses 10 s when the store has none: its thread must never hang).
 * A request's round trips are short by design (an entry is one round trip of six
 * statements; an import sends its bureaux 512 rows a round trip), and the silence
 * allowed is long beside them. What may run long has none: the commands (`urne
 * store copy`, `urne audit verify`, a count over millions of signatures, the
 * migrations `urne migrate` or any open runs before a server sets its deadline).
 * A statement that a server would have PostgreSQL run silently for longer than the
 * deadline is cut, and its request answered 503: set URNE_PG_TIMEOUT higher then.
 *
 * Sending: the connection stays in libpq's blocking mode, so a send waits only
 * when the kernel's socket buffer is full: a request's statements are far smaller
 * than it, and a dead host's unacknowledged data is bounded by tcp_user_timeout.
 *
 * Connections: libpq leaves TCP keepalives to the system, whose first probe comes
 * after two hours of silence, so that a host gone between two requests is found
 * only by the next one's deadline, and a session's LISTEN, or the write lock of an
 * old session, would stay as long on the server's side too. Unless the connection
 * string (a URL or keywords) sets them, or names a service (whose file is left to
 * say them), urne_pg_connect asks for a first probe after 30 s of silence, then
 * every 10 s, the connection dropped after 3 unanswered, and tcp_user_timeout 30 s
 * (data unacknowledged for as long drops it). They apply to TCP connections only;
 * a Unix socket has no keepalives, its server being on the same machine. Its
 * fallback_application_name is "urne" (pg_stat_activity says who holds a session).
 * And libpq waits for ever for a connection to be made when nothing sets
 * connect_timeout: urne gives it 10 s by default (below), for the first connection
 * of a process (a command, a server starting), which waits no deadline of its own.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "pg_internal.h"

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for `events` or timeout_ms pass: 1 ready (or poll failed:
 * libpq then meets the failure itself), 0 when the time passed. */
static int ready(int fd, short events, int timeout_ms) {
    assert(timeout_ms > 0);
    int64_t until = now_ms() + timeout_ms;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        int64_t left = until - now_ms();
        if (left <= 0) return 0;
        int rc = poll(&p, 1, (int)left);
        if (rc > 0 || (rc < 0 && errno != EINTR)) return 1;
    }
}

/* The deadline passed: the session's process id into *stalled (-1 when libpq does
 * not know it; kept when *stalled already names one, the first to be ended), and
 * the connection ended on this side, as if the server had closed it (the socket
 * shut down, its end read: CONNECTION_BAD, the socket closed by libpq). */
static void give_up(PGconn *conn, int *stalled) {
    int pid = PQbackendPID(conn);
    if (*stalled <= 0) *stalled = pid > 0 ? pid : -1;
    int fd = PQsocket(conn);
    if (fd >= 0) shutdown(fd, SHUT_RDWR);
    PQconsumeInput(conn);
}

int urne_pg_wait(PGconn *conn, int timeout_ms, int *stalled) {
    if (PQflush(conn) != 0 || timeout_ms <= 0) return 0; /* a failed send: the result says it */
    while (PQisBusy(conn)) {
        int fd = PQsocket(conn);
        if (fd < 0) return 0;
        if (!ready(fd, POLLIN, timeout_ms)) {
            give_up(conn, stalled);
            return -1;
        }
        if (PQconsumeInput(conn) == 0) return 0; /* lost: PQgetResult says so */
    }
    return 0;
}

PGresult *urne_pg_next(PGconn *conn, int timeout_ms, int *stalled) {
    urne_pg_wait(conn, timeout_ms, stalled);
    return PQgetResult(conn);
}

PGresult *urne_pg_last(PGconn *conn, int sent, int timeout_ms, int *stalled) {
    if (!sent) return NULL; /* PQerrorMessage says why */
    PGresult *last = NULL, *r;
    while ((r = urne_pg_next(conn, timeout_ms, stalled)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (last && PQresultStatus(last) == PGRES_FATAL_ERROR)
            PQclear(r); /* the first failure is the one to say */
        else {
            PQclear(last);
            last = r;
        }
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH || PQstatus(conn) == CONNECTION_BAD)
            break;
    }
    return last;
}

/* Drive a connection being made (step: PQconnectPoll or PQresetPoll) to its end,
 * waiting timeout_ms at most in all: 0 (CONNECTION_OK or CONNECTION_BAD, as libpq
 * says), or -1 when the time passed: the attempt is then ended (its socket shut
 * down, and each further address libpq tries the same way), so that the
 * connection is CONNECTION_BAD. */
static int connecting(PGconn *conn, PostgresPollingStatusType (*step)(PGconn *), int timeout_ms) {
    int64_t until = now_ms() + timeout_ms;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        int64_t left = until - now_ms();
        int fd = PQsocket(conn);
        if (left <= 0 || (fd >= 0 && !ready(fd, st == PGRES_POLLING_READING ? POLLIN : POLLOUT, (int)left))) {
            for (int i = 0; i < 64 && PQstatus(conn) != CONNECTION_BAD; i++) {
                fd = PQsocket(conn);
                if (fd >= 0) shutdown(fd, SHUT_RDWR);
                if (step(conn) == PGRES_POLLING_FAILED) break;
            }
            return -1;
        }
        st = step(conn);
    }
    return 0;
}

/* store_backend.h's: a libpq keyword string, by its first keyword. */
int urne_pg_is_conninfo(const char *where) {
    size_t n = 0;
    while (islower((unsigned char)where[n]) || where[n] == '_') n++;
    size_t k = n;
    while (where[k] == ' ') k++;
    if (n == 0 || where[k] != '=') return 0;
    PQconninfoOption *known = PQconndefaults();
    int found = 0;
    for (PQconninfoOption *o = known; o && o->keyword && !found; o++)
        found = strlen(o->keyword) == n && strncmp(o->keyword, where, n) == 0;
    PQconninfoFree(known);
    return found;
}

/* Whether the parsed connection string o sets keyword. */
static int given(const PQconninfoOption *o, const char *keyword) {
    for (; o && o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0) return o->val && o->val[0];
    return 0;
}

/* libpq waits for ever for a connection to be made when nothing sets
 * connect_timeout: a database host that stopped answering (a network cut that drops
 * packets, a frozen server) would hold `urne serve` at start, and hold every request
 * behind a reconnection (PQreset, under the application's lock) for as long. So the
 * default given here, through libpq's own environment variable, which the URL, the
 * service file and the variable set by the administrator all override. */
#define URNE_PG_CONNECT_TIMEOUT "10"

static pthread_once_t timeout_once = PTHREAD_ONCE_INIT; /* before any connection */
static void connect_timeout_default(void) { setenv("PGCONNECT_TIMEOUT", URNE_PG_CONNECT_TIMEOUT, 0); }

PGconn *urne_pg_connect(const char *conninfo, int timeout_ms, int *timed_out) {
    pthread_once(&timeout_once, connect_timeout_default);
    static const char *const keys[] = {"keepalives_idle", "keepalives_interval", "keepalives_count",
                                       "tcp_user_timeout"};
    static const char *const values[] = {"30", "10", "3", "30000"};
    const char *kw[8], *val[8];
    int n = 0;
    kw[n] = "fallback_application_name";
    val[n++] = "urne";
    char *err = NULL; /* a string libpq cannot read: no defaults, libpq says why as it connects */
    PQconninfoOption *o = PQconninfoParse(conninfo, &err);
    PQfreemem(err);
    const char *service = getenv("PGSERVICE");
    if (o && !given(o, "service") && !(service && service[0]))
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (!given(o, keys[i])) {
                kw[n] = keys[i];
                val[n++] = values[i];
            }
    PQconninfoFree(o);
    kw[n] = "dbname"; /* the string itself, last: what it says overrides the defaults above */
    val[n++] = conninfo;
    kw[n] = val[n] = NULL;
    *timed_out = 0;
    if (timeout_ms <= 0) return PQconnectdbParams(kw, val, 1);
    PGconn *conn = PQconnectStartParams(kw, val, 1);
    *timed_out = conn && PQstatus(conn) != CONNECTION_BAD && connecting(conn, PQconnectPoll, timeout_ms) < 0;
    return conn;
}

int urne_pg_reset(PGconn *conn, int timeout_ms) {
    if (timeout_ms <= 0) {
        PQreset(conn);
        return 0;
    }
    if (PQresetStart(conn) != 1) return 0; /* CONNECTION_BAD, PQerrorMessage says why */
    return connecting(conn, PQresetPoll, timeout_ms);
}

/* sql run with the session's process id as $1, restricted to the sessions of the
 * same account on the same database (behind a pooler, the id may be another's). */
static PGresult *about(PGconn *conn, const char *sql, const char *pid, int timeout_ms, int *stalled) {
    char text[256];
    snprintf(text, sizeof text, "%s FROM pg_stat_activity WHERE pid = $1::int AND usename = current_user AND"
                                " datname = current_database()", sql);
    const char *v[1] = {pid};
    return urne_pg_last(conn, PQsendQueryParams(conn, text, 1, NULL, v, NULL, NULL, 0), timeout_ms, stalled);
}

/* The session's process still there: 1, 0, or -1 (the connection failed). */
static int still_there(PGconn *conn, const char *pid, int timeout_ms, int *stalled) {
    PGresult *r = about(conn, "SELECT count(*)", pid, timeout_ms, stalled);
    int rc = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? strcmp(PQgetvalue(r, 0, 0), "0") != 0
                                                                             : -1;
    PQclear(r);
    return rc;
}

int urne_pg_end_stalled(PGconn *conn, int pid, int timeout_ms, int *stalled) {
    if (pid <= 0) return 0; /* unknown: nothing to end */
    char text[16];
    snprintf(text, sizeof text, "%d", pid);
    PGresult *r = about(conn, "SELECT pg_terminate_backend(pid)", text, timeout_ms, stalled);
    int ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    if (!ok) return -1;
    int64_t until = now_ms() + (timeout_ms > 0 ? timeout_ms : 10000);
    int there;
    while ((there = still_there(conn, text, timeout_ms, stalled)) == 1 && now_ms() < until) poll(NULL, 0, 20);
    return there == 0 ? 0 : -1;
}

int urne_pg_timeout_env(void) {
    const char *v = getenv("URNE_PG_TIMEOUT");
    if (v == NULL || *v == 0) return URNE_PG_TIMEOUT_S * 1000;
    char *end;
    errno = 0;
    long s = strtol(v, &end, 10);
    if (errno || *end || end == v || s < 0 || s > URNE_PG_TIMEOUT_MAX_S) return -1;
    return (int)s * 1000;
}
