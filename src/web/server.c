/*
 * server: urne on libmicrohttpd: a request's life, and starting and stopping.
 *
 * A request's life: libmicrohttpd calls `on_request` first with the headers (we
 * refuse a body over its room or over the server's budget for large bodies
 * (body.c), and a path or query with a control character or broken UTF-8, at
 * once), then with the body in pieces (gathered in urne_req by body.c),
 * then a last time to answer. `dispatch` then serves an anonymous GET from the
 * cache when it can (cache.c), parses the body (a form or JSON, flattened into
 * fields: request.c), finds the session (cookie, or a bearer token for API
 * clients: session.c), refuses a POST sent from another site (origin.c), checks
 * the CSRF token of any POST made with a cookie, and
 * hands the request to api.c or pages.c, which answer through reply.c. When it is
 * done, `on_completed` writes one JSON line to the access log and frees the
 * request. The log is written through a buffer of 64 KiB, not a system call
 * per line (4.5 % of a signature's server time, bench/RESULTS.md): it is
 * flushed when no request is left in flight and the last flush was 2 ms ago or
 * more (a server at rest has written every line but those of its last 2 ms,
 * which the watchdog writes), at least once a second (by the header deadlines'
 * watchdog, also while a slow request stays in flight), and at a clean stop;
 * only a crash may lose its last second or two. A handler may leave its request waiting (urne_req_wait: a signature
 * waiting for its group's commit, app/initiative_batch.c): the connection is
 * suspended, no thread is held, and once resumed libmicrohttpd calls
 * `on_request` again, which hands the request to the answer it was left with.
 *
 * Around that life: connections are counted per client address and given a
 * deadline for their headers (conns.c, deadline.c), client addresses are read
 * through the trusted proxies (addr.c), paths and queries are unescaped and
 * checked (clean.c), and failed logins are throttled (throttle.c, called by the
 * login action). web.h says what handlers may call; server.h, what these files
 * share.
 *
 * Start: the listening address and the trusted proxies are checked first (a
 * mistake there is a usage error, exit 2); the connection limits come from the
 * process's file limit, raised to its hard limit. Shutdown: SIGTERM or SIGINT
 * stops accepting connections, lets requests in flight finish, and closes the
 * store cleanly.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../app/initiative.h"
#include "../app/queries.h"
#include "../app/results_live.h"
#include "../app/watch.h"
#include "../core/urne_sanitize.h"
#include "../core/urne_time.h"
#include "addr.h"
#include "body.h"
#include "cache.h"
#include "clean.h"
#include "conns.h"
#include "deadline.h"
#include "flash.h"
#include "origin.h"
#include "mail.h"
#include "reply.h"
#include "request.h"
#include "server.h"
#include "serve.h"
#include "session.h"
#include "signing.h"
#include "throttle.h"
#include "web.h"

urne_mhd urne_server_mhd;


double urne_server_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the request's life ---- */

static const char *header(const urne_req *r, const char *name) {
    return urne_server_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result dispatch(urne_req *r) {
    urne_req_pick_lang(r);
    if (r->body_refused) return urne_body_refuse(r);
    int is_get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int has_cookie = urne_server_mhd.lookup_connection_value(r->conn, MHD_COOKIE_KIND, "urne_session") != NULL ||
                     urne_server_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization") != NULL ||
                     urne_flash_carried(r); /* a form's message to show: the page is this browser's */
    if (is_get && !has_cookie) {
        r->cacheable = 1;
        enum MHD_Result ret;
        if (urne_cache_serve(r, &ret)) return ret;
    }
    if (!is_get && strcmp(r->method, "POST") != 0)
        return urne_reply_refuse(r, 405, _(r, "Method not allowed."));
    /* A POST a browser was made to send from another site (origin.c): the public's
     * forms have no session, hence no CSRF token, to refuse it by. */
    if (!is_get && !urne_origin_ours(header(r, "Origin"), header(r, "Referer"), header(r, "Sec-Fetch-Site"), header(r, "Host"),
                                     r->srv->public_url_given ? r->srv->public_url : NULL))
        return urne_reply_refuse(r, 403, _(r, "This form was sent from another site than this one: it is refused. "
                                             "To sign or send it, fill it in on this site's own page."));
    char why[300];
    if (urne_req_parse_body(r, why, sizeof why) < 0) return urne_reply_refuse(r, 400, why);
    /* The database out of reach: try again later, rather than act as the public. */
    if (urne_session_find(r) < 0 && urne_store_unavailable(r->srv->app.store)) return urne_reply_unavailable(r);
    /* A POST carried by a cookie must prove it comes from our own page or script. */
    if (!is_get && r->user.role != URNE_ROLE_PUBLIC && !r->bearer) {
        const char *t = urne_server_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        if (t == NULL) t = urne_req_param(r, "csrf");
        if (t == NULL || strlen(t) != strlen(r->csrf) || sodium_memcmp(t, r->csrf, strlen(r->csrf)) != 0)
            return urne_reply_refuse(r, 403,
                                     _(r, "Missing or invalid CSRF token: reload the page and try again."));
    }
    if (strncmp(r->url, "/api/", 5) == 0) return urne_api_handle(r);
    return urne_pages_handle(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    urne_req *r = *con_cls;
    if (r == NULL) {
        r = calloc(1, sizeof *r);
        if (r == NULL) return MHD_NO;
        r->srv = cls;
        __atomic_add_fetch(&r->srv->in_flight, 1, __ATOMIC_RELAXED); /* until on_completed */
        r->conn = conn;
        r->method = method;
        r->url = url;
        r->started = urne_server_now();
        *con_cls = r;
        /* The unescaper marked the connection: a control character or broken
         * UTF-8 in the path or the query. Answered before any body is read. */
        urne_conn *x = urne_conns_get(conn);
        if (x && r->srv->deadlines) urne_deadlines_busy(r->srv->deadlines, x->deadline, 1); /* headers complete */
        if (x && x->bad_url) {
            x->bad_url = 0;
            urne_req_pick_lang(r);
            return urne_reply_refuse(r, 400,
                                     _(r, "Bad address: a control character or invalid UTF-8 in the path or query."));
        }
        if (urne_body_begin(r, url, method) != 0)
            return dispatch(r); /* answered before the body is read; the connection then closes */
        return MHD_YES;
    }
    if (*upload_size) {
        if (urne_body_add(r, upload, *upload_size) < 0) return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->resumed) { /* a request that waited (urne_req_wait), its answer ready */
        enum MHD_Result (*answer)(urne_req *) = r->resumed;
        r->resumed = NULL;
        return answer(r);
    }
    if (r->status) return MHD_YES; /* already answered (body refused) */
    return dispatch(r);
}

enum MHD_Result urne_req_wait(urne_req *r, enum MHD_Result (*resumed)(urne_req *r), void *waiting) {
    r->resumed = resumed;
    r->waiting = waiting;
    urne_server_mhd.suspend_connection(r->conn);
    return MHD_YES;
}

void urne_req_resume(urne_req *r) { urne_server_mhd.resume_connection(r->conn); }

/* s as a JSON string onto b: '"' and '\\' escaped; a text with a control
 * character or broken UTF-8 (a path refused for it) written with '?' for its
 * odd bytes, so that the line stays JSON. */
static void log_string(urne_buf *b, const char *s) {
    s = s ? s : "";
    size_t n = strlen(s);
    int clean = urne_clean_text((const unsigned char *)s, n, 0);
    urne_buf_reserve(b, 2 * n + 2);
    if (b->oom) return;
    char *o = b->data + b->len;
    *o++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') *o++ = '\\';
        *o++ = (char)(!clean && (*c < 0x20 || *c >= 0x7f) ? '?' : *c);
    }
    *o++ = '"';
    b->len = (size_t)(o - b->data);
    b->data[b->len] = 0;
}

/* v (>= 0) in decimal onto b, at least `width` digits (zeros in front). */
static void log_number(urne_buf *b, long long v, int width) {
    char d[24];
    int k = sizeof d;
    unsigned long long u = v < 0 ? 0 : (unsigned long long)v;
    do {
        d[--k] = (char)('0' + u % 10);
        u /= 10;
    } while ((u || (int)sizeof d - k < width) && k > 0);
    urne_buf_put(b, d + k, sizeof d - (size_t)k);
}

/* At rest, the log's buffer is written unless it was written less than this
 * long ago (seconds). Under load a server is "at rest" between most requests
 * (two threads each answering a cached page in microseconds leave none in
 * flight at every other completion): the write at each rest was a write(2) per
 * request, 12 % of the counter page's server time (bench/RESULTS.md, issue 18,
 * page18). A line left in the buffer by this gap is written by the next rest
 * that comes after it, or by the watchdog's flush within a second or two. */
#define LOG_REST_GAP 0.002

/* The time now as the log writes it (UTC, to the second): made again only when
 * the second changed since this thread's last line. */
static const char *log_time(void) {
    static __thread time_t last = -1;
    static __thread char at[24];
    time_t t = time(NULL);
    if (t != last) {
        urne_time_iso((int64_t)t, at); /* the second just read: one clock read a line */
        last = t;
    }
    return at;
}

/* The client's address into addr, and the peer's into peer when it is a
 * trusted proxy (else peer is ""): the peer's address made text once. */
static void log_addresses(const urne_req *r, char addr[64], char peer[64]) {
    urne_addr p;
    peer[0] = 0;
    if (urne_addr_peer(r->conn, &p) < 0) {
        snprintf(addr, 64, "?");
        return;
    }
    urne_addr_text(&p, peer, 64);
    if (urne_proxies_trusted(r->srv->proxies, &p))
        urne_req_addr(r, addr, 64); /* the client it forwards for */
    else {
        memcpy(addr, peer, 64);
        peer[0] = 0;
    }
}

/* The request's line (a JSON object of fixed keys: no tree built), made
 * outside the log's lock and written into its buffer under it; flushed with
 * those before it when it was the last in flight (`rest`) and the last flush
 * was LOG_REST_GAP ago, or the last flush was a second ago. A line that memory
 * cannot hold is not written (a log is no reason to fail a request). */
static void log_access(urne_req *r, int rest) {
    urne_server *srv = r->srv;
    if (srv->access_log == NULL) return;
    char addr[64], peer[64];
    const char *at = log_time();
    log_addresses(r, addr, peer);
    double now = urne_server_now();
    long long us = (long long)((now - r->started) * 1e6 + 0.5); /* "ms" with three decimals, as integers */
    urne_buf b = {0};
    urne_buf_reserve(&b, 256 + strlen(r->url));
    urne_buf_puts(&b, "{\"time\":");
    log_string(&b, at);
    urne_buf_puts(&b, ",\"remote\":");
    log_string(&b, addr);
    urne_buf_puts(&b, ",\"method\":");
    log_string(&b, r->method);
    urne_buf_puts(&b, ",\"path\":");
    log_string(&b, r->url);
    urne_buf_puts(&b, ",\"status\":");
    log_number(&b, r->status, 1);
    urne_buf_puts(&b, ",\"bytes\":");
    log_number(&b, (long long)r->sent, 1);
    urne_buf_puts(&b, ",\"ms\":");
    log_number(&b, us / 1000, 1);
    urne_buf_puts(&b, ".");
    log_number(&b, us % 1000, 3);
    urne_buf_puts(&b, ",\"user\":");
    log_string(&b, r->user.role == URNE_ROLE_PUBLIC ? "" : r->user.name);
    if (*peer && strcmp(peer, addr) != 0) { /* behind a trusted proxy, the proxy too */
        urne_buf_puts(&b, ",\"peer\":");
        log_string(&b, peer);
    }
    urne_buf_puts(&b, "}\n");
    FILE *f = srv->access_log;
    pthread_mutex_lock(&srv->log_lock);
    if (!b.oom) fwrite(b.data, 1, b.len, f);
    if ((rest && now - srv->log_flushed >= LOG_REST_GAP) || now - srv->log_flushed >= 1.0) {
        fflush(f);
        srv->log_flushed = now;
    }
    pthread_mutex_unlock(&srv->log_lock);
    urne_buf_free(&b);
}

/* Once a second, from the deadlines' watchdog: the lines waiting in the log's
 * buffer written, when none was for a second (a request still in flight, a slow
 * download, would otherwise hold the lines of those answered before it). */
static void log_tick(void *ctx) {
    urne_server *srv = ctx;
    if (srv->access_log == NULL) return;
    double now = urne_server_now();
    pthread_mutex_lock(&srv->log_lock);
    if (now - srv->log_flushed >= 1.0) {
        fflush(srv->access_log);
        srv->log_flushed = now;
    }
    pthread_mutex_unlock(&srv->log_lock);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
    urne_req *r = *con_cls;
    if (r == NULL) return;
    urne_conn *x = urne_conns_get(conn);
    if (x && r->srv->deadlines) urne_deadlines_busy(r->srv->deadlines, x->deadline, 0); /* the next one's clock */
    log_access(r, __atomic_sub_fetch(&r->srv->in_flight, 1, __ATOMIC_RELAXED) == 0);
    for (size_t i = 0; i < r->nparams; i++) {
        free(r->params[i].key);
        free(r->params[i].value);
    }
    free(r->params);
    urne_body_end(r);
    free(r->waiting);
    free(r);
    *con_cls = NULL;
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_in *sa, urne_lang lang, char *err, size_t size) {
    char host[64] = "127.0.0.1";
    const char *colon = strrchr(listen, ':');
    const char *port = colon ? colon + 1 : listen;
    if (colon && colon > listen) snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    char *end;
    long p = strtol(port, &end, 10);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)p);
    if (*port == 0 || *end || p < 1 || p > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        snprintf(err, size, urne_i18n_text(lang, "--listen %s: expected ADDRESS:PORT with an IPv4 address, e.g. 127.0.0.1:8080"),
                 listen);
        return -1;
    }
    return 0;
}

/* Raise the soft limit on open files to the hard one: each connection is one.
 * Returns the limit now in force (0 when unknown). */
static rlim_t raise_file_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit want = rl;
        want.rlim_cur = rl.rlim_max == RLIM_INFINITY ? 1048576 : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
    }
    return rl.rlim_cur == RLIM_INFINITY ? 1048576 : rl.rlim_cur;
}

/* Files the server keeps open besides connections: the store (database, WAL,
 * shared memory), the log, the listening socket, a wake-up per thread... */
#define FILES_RESERVED 64

/* How many connections may be open at once: `asked` (--max-connections; 0: the
 * default), never more than the file limit allows (said on standard error). */
static unsigned connection_limit(unsigned asked, urne_lang lang) {
    rlim_t files = raise_file_limit();
    rlim_t room = files > FILES_RESERVED + 16 ? files - FILES_RESERVED : 16;
    unsigned fit = room < 1000000 ? (unsigned)room : 1000000;
    unsigned max_conn = asked ? asked : fit < URNE_SERVE_MAX_CONNECTIONS ? fit : URNE_SERVE_MAX_CONNECTIONS;
    if (max_conn > fit) {
        fprintf(stderr,
                urne_i18n_text(lang, "urne serve: --max-connections %u is more than the open-file limit allows (%llu "
                                     "files); using %u\n"),
                max_conn, (unsigned long long)files, fit);
        max_conn = fit;
    }
    return max_conn;
}

/* The access log: path, "-" for standard error, NULL for none (*out NULL). 0, or
 * -1 when the file cannot be opened (said on standard error). */
static int open_access_log(const char *path, urne_lang lang, FILE **out) {
    *out = NULL;
    if (path && strcmp(path, "-") == 0)
        *out = stderr;
    else if (path) {
        *out = fopen(path, "a");
        if (*out == NULL) {
            fprintf(stderr, urne_i18n_text(lang, "urne serve: %s: cannot open the access log\n"), path);
            return -1;
        }
        setvbuf(*out, NULL, _IOFBF, 64 * 1024); /* flushed by log_access, and fclose at the stop */
    }
    return 0;
}

/* libmicrohttpd, listening on sa with the server's callbacks: `threads` threads,
 * at most max_conn connections, idle ones closed after timeout seconds. NULL when
 * it cannot listen.
 * A connection's memory is CONNECTION_MEMORY: libmicrohttpd zeroes all of it
 * after every request (1.8 % of the server's time at 36 KiB under the signing
 * bench, issue 18), so not its default 64 KiB: 16 KiB, which holds a request's
 * headers up to about 12 KiB (measured: one header of 12,000 bytes passes; one
 * of 20,000, or a 6,000-byte cookie beside another 6,000-byte header, is
 * answered 431 by libmicrohttpd), more than most servers allow per line
 * (nginx's and Apache's default is 8 KiB). The sanitizer build keeps 36 KiB, above 32 KiB, so that
 * libmicrohttpd maps the pool rather than mallocs it and gives it back to the
 * system when the connection closes (a malloc'ed pool stays in the sanitizer's
 * quarantine: 1,000 connections grew that build by 42 MiB in test_security).
 * Its threads poll(2) their connections rather than use epoll: with epoll,
 * Debian's libmicrohttpd 0.9.75 lost read events of connections suspended and
 * resumed (a signature waits for its group's commit so), for good: under the
 * signing bench (128 connections) about one run in four ended with every
 * connection holding a request the server never read, its threads idle in
 * epoll_wait, the sockets in the epoll set (edge-triggered: the edge was
 * taken, the connection not marked ready; issue 18, bench/RESULTS.md).
 * poll is level-triggered: a connection with bytes waiting is seen at the
 * next round, whatever happened before; none stalled in 20 runs. It costs a
 * pass over the thread's connections per round (a few microseconds for a
 * hundred), and saves the two epoll_ctl calls of each suspension and
 * resumption. */
#if URNE_ASAN
#define CONNECTION_MEMORY ((size_t)36 * 1024)
#else
#define CONNECTION_MEMORY ((size_t)16 * 1024)
#endif
static struct MHD_Daemon *start_daemon(urne_server *srv, struct sockaddr_in *sa, unsigned threads, unsigned timeout,
                                       unsigned max_conn) {
    return urne_server_mhd.start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, urne_conns_accept, srv, on_request, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_LIMIT, max_conn,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, urne_conns_notify, srv, MHD_OPTION_UNESCAPE_CALLBACK, urne_clean_unescape, NULL,
        MHD_OPTION_END);
}

/* The start-up lines on standard output (not with --quiet). */
static void say_serving(const urne_serve_options *opt, const urne_server *srv, unsigned threads, unsigned max_conn,
                        unsigned timeout, size_t cache_bytes) {
    if (opt->quiet) return;
    char per[64];
    snprintf(per, sizeof per, "%s", urne_i18n_text(opt->lang, "no limit"));
    if (opt->max_per_address) snprintf(per, sizeof per, "%u", opt->max_per_address);
    size_t nproxies = urne_proxies_count(srv->proxies);
    char where[512]; /* the store as said: never its password */
    urne_store_where_safe(opt->db, where, sizeof where);
    printf(urne_i18n_plural(opt->lang, "urne: serving %s on http://%s/ (%zu election, %u threads); SIGTERM or Ctrl-C stops\n",
                            "urne: serving %s on http://%s/ (%zu elections, %u threads); SIGTERM or Ctrl-C stops\n",
                            srv->app.nelections),
           where, opt->listen, srv->app.nelections, threads);
    printf(urne_i18n_plural(opt->lang,
                            "urne: at most %u connections (per address: %s), idle ones closed after %u s; page cache "
                            "%zu MiB; %zu trusted proxy\n",
                            "urne: at most %u connections (per address: %s), idle ones closed after %u s; page cache "
                            "%zu MiB; %zu trusted proxies\n",
                            nproxies),
           max_conn, per, timeout, cache_bytes >> 20, nproxies);
    fflush(stdout);
}

/* The application's change hook (under its lock): the cache is told what the
 * change may have touched (one election's sheets, or anything) and where the
 * audit log's head is now; when the head cannot be read, everything goes. */
static void cache_changed(void *ctx) {
    urne_server *srv = ctx;
    int64_t seq = 0;
    char hash[URNE_AUDIT_HASH_HEX];
    if (urne_app_audit_head(&srv->app, &seq, hash) < 0)
        urne_cache_changed(srv, 0, 0, NULL);
    else
        urne_cache_changed(srv, urne_live_changed_scope(&srv->app), seq, hash);
}

/* Everything urne_web_serve sets up, so that one function (serve_close) takes down
 * whatever was set up, after a failed step as after SIGTERM: what was not set up
 * is NULL or 0. */
typedef struct serving {
    urne_server srv;          /* the daemon's threads and the app's hook hold its address */
    urne_store *store;
    struct MHD_Daemon *daemon;
    int app_open;             /* urne_app_open succeeded (it closes the app itself when it fails) */
    sigset_t sigs;            /* SIGTERM and SIGINT: blocked, waited for by sigwait */
    unsigned max_conn, timeout, threads;
    size_t cache_bytes;
} serving;

/* The listening address and the trusted proxies, checked before anything starts:
 * 0, or the exit status (2: a usage error; 1: out of memory), said on standard
 * error. */
static int serve_check(const urne_serve_options *opt, struct sockaddr_in *sa, urne_proxies **proxies) {
    char err[600];
    if (parse_listen(opt->listen, sa, opt->lang, err, sizeof err) < 0) {
        fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s\n"), "serve", err);
        return 2;
    }
    size_t bad;
    *proxies = urne_proxies_new(opt->trusted_proxies, opt->ntrusted_proxies, &bad);
    if (*proxies == NULL && bad == opt->ntrusted_proxies) {
        fprintf(stderr, "%s", urne_i18n_text(opt->lang, "urne serve: out of memory\n"));
        return 1;
    }
    if (*proxies == NULL) {
        fprintf(stderr,
                urne_i18n_text(opt->lang,
                               "urne serve: --trusted-proxy %s: expected an IPv4 or IPv6 address, or ADDRESS/BITS\n"),
                opt->trusted_proxies[bad]);
        return 2;
    }
    return 0;
}

/* Libraries, the store, the elections it holds, the cache, the access log. 0, or -1
 * (said on standard error); serve_close takes down what was opened. */
static int serve_open(serving *s, const urne_serve_options *opt, int conns_ready) {
    char err[600];
    if (sodium_init() < 0) {
        fprintf(stderr, "%s", urne_i18n_text(opt->lang, "urne serve: libsodium could not start\n"));
        return -1;
    }
    if (urne_mhd_open(&urne_server_mhd, err, sizeof err) != 0) {
        fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s\n"), "serve", err);
        return -1;
    }
    char where[512]; /* the store as said: never its password */
    urne_store_where_safe(opt->db, where, sizeof where);
    urne_phrase why;
    s->store = urne_store_open_why(opt->db, &why);
    if (s->store == NULL) {
        urne_i18n_phrase(opt->lang, &why, err, sizeof err);
        fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s: %s\n"), "serve", where, err);
        return -1;
    }
    /* On PostgreSQL, no request waits for ever on a database that stops answering. */
    if (urne_store_serve_deadline(s->store, err, sizeof err) < 0) {
        urne_i18n_phrase(opt->lang, urne_store_error_phrase(s->store), err, sizeof err);
        fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s\n"), "serve", err);
        return -1;
    }
    /* SQLite's WAL copied back by a thread of its own, never under a commit. */
    if (urne_store_checkpointer_start(s->store, 0) < 0) {
        urne_i18n_phrase(opt->lang, urne_store_error_phrase(s->store), err, sizeof err);
        fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s: %s\n"), "serve", where, err);
        return -1;
    }
    s->srv.cache = urne_cache_new(s->cache_bytes);
    s->srv.throttle = urne_throttle_new();
    if (s->srv.throttle)
        urne_throttle_mail_limits(s->srv.throttle,
                                  opt->mail_per_address >= 0 ? opt->mail_per_address : URNE_SERVE_MAIL_PER_ADDRESS,
                                  opt->mail_per_network >= 0 ? opt->mail_per_network : URNE_SERVE_MAIL_PER_NETWORK);
    s->srv.flashes = urne_flashes_new();
    if (s->srv.cache == NULL || s->srv.throttle == NULL || s->srv.flashes == NULL || conns_ready < 0) {
        fprintf(stderr, "%s", urne_i18n_text(opt->lang, "urne serve: out of memory\n"));
        return -1;
    }
    urne_app_outcome opened;
    if (urne_app_open(&s->srv.app, s->store, &opened) != URNE_APP_OK) {
        urne_i18n_phrase(opt->lang, &opened.reason, err, sizeof err);
        if (opened.number > 0)
            fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s: election %lld: %s\n"), "serve", where,
                    (long long)opened.number, err);
        else
            fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s: %s\n"), "serve", where, err);
        urne_app_outcome_free(&opened);
        return -1;
    }
    s->app_open = 1;
    if (urne_app_initiative_warm(&s->srv.app, &opened) != URNE_APP_OK) {
        urne_i18n_phrase(opt->lang, &opened.reason, err, sizeof err);
        fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s: %s\n"), "serve", where, err);
        urne_app_outcome_free(&opened);
        return -1;
    }
    s->srv.app.changed = cache_changed;
    s->srv.app.changed_ctx = &s->srv;
    urne_app_read_begin(&s->srv.app);
    cache_changed(&s->srv); /* the audit log's head at start, which pages show */
    urne_app_read_end(&s->srv.app);
    /* On a database other servers share: hear their changes (app/watch.c). */
    if (urne_app_watch_start(&s->srv.app, err, sizeof err) < 0) {
        fprintf(stderr, urne_i18n_text(opt->lang, "urne %s: %s\n"), "serve", err);
        return -1;
    }
    if (urne_serve_mail_open(&s->srv, opt) < 0) return -1;
    return open_access_log(opt->access_log, opt->lang, &s->srv.access_log);
}

/* The header deadline's watchdog and libmicrohttpd's threads, with SIGTERM and
 * SIGINT blocked first so that every thread inherits the mask and the signals
 * reach sigwait only. 0, or -1 (said on standard error). */
static int serve_start(serving *s, const urne_serve_options *opt, struct sockaddr_in *sa) {
    sigemptyset(&s->sigs);
    sigaddset(&s->sigs, SIGTERM);
    sigaddset(&s->sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &s->sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    s->threads = opt->threads ? opt->threads : (unsigned)(cores > 0 ? cores : 2);
    s->srv.deadlines = urne_deadlines_start(s->timeout, log_tick, &s->srv); /* headers within the same time as idleness */
    if (s->srv.deadlines == NULL) {
        fprintf(stderr, "%s", urne_i18n_text(opt->lang, "urne serve: cannot start the header deadline's watchdog\n"));
        return -1;
    }
    s->srv.signing = urne_signing_start(); /* NULL: the checks made in the requests' threads */
    s->daemon = start_daemon(&s->srv, sa, s->threads, s->timeout, s->max_conn);
    if (s->daemon == NULL) {
        fprintf(stderr,
                urne_i18n_text(opt->lang, "urne serve: cannot listen on %s (in use, or not an address of this machine)\n"),
                opt->listen);
        return -1;
    }
    return 0;
}

/* Stop and free what serve_open and serve_start set up, in the order that lets
 * requests in flight finish first: the signatures' checker, their committer,
 * the daemon, then what its threads used. */
static void serve_close(serving *s) {
    /* The signatures waiting for their group's commit answered first: a
     * connection still suspended when the daemon stops is libmicrohttpd's panic.
     * Those signed after are committed one by one in their request's thread. */
    urne_signing_stop(s->srv.signing); /* its checks made and committed, their connections resumed */
    if (s->app_open) urne_app_initiative_batch_stop(&s->srv.app);
    if (s->daemon) urne_server_mhd.stop_daemon(s->daemon);
    /* Freed only once no request thread is left: until the daemon stopped, a
     * signature could still reach the stopped checker (and be checked in its own
     * thread, the checker taking no job once stopping). */
    urne_signing_free(s->srv.signing);
    s->srv.signing = NULL;
    /* After the daemon (its requests ask the sender whether it sends) and before
     * the application and the store it uses. */
    urne_mailer_stop(s->srv.mailer); /* the mail in hand finished or left waiting */
    s->srv.mailer = NULL;
    urne_deadlines_stop(s->srv.deadlines);
    if (s->app_open) urne_app_watch_stop(&s->srv.app); /* before the cache and the app it changes */
    if (s->srv.cache) urne_cache_clear(&s->srv);
    urne_mhd_close(&urne_server_mhd); /* also when it was never opened */
    if (s->app_open) urne_app_close(&s->srv.app);
    urne_store_close(s->store);
    if (s->srv.access_log && s->srv.access_log != stderr) fclose(s->srv.access_log);
    urne_cache_free(s->srv.cache);
    urne_throttle_free(s->srv.throttle);
    urne_flashes_free(s->srv.flashes);
    urne_proxies_free(s->srv.proxies);
    urne_conns_free();
    pthread_mutex_destroy(&s->srv.log_lock);
}

int urne_web_serve(const urne_serve_options *opt) {
    struct sockaddr_in sa;
    urne_proxies *proxies;
    int rc = serve_check(opt, &sa, &proxies);
    if (rc != 0) return rc;

    serving s = {0};
    pthread_mutex_init(&s.srv.log_lock, NULL);
    s.srv.secure_cookies = opt->secure_cookies;
    s.srv.proxies = proxies;
    /* Connections: the file limit decides how many can be open at once. */
    s.max_conn = connection_limit(opt->max_connections, opt->lang);
    s.timeout = opt->connection_timeout ? opt->connection_timeout : URNE_SERVE_TIMEOUT;
    s.cache_bytes = opt->cache_bytes == (size_t)-1 ? (size_t)URNE_SERVE_CACHE_MIB << 20 : opt->cache_bytes;
    int conns_ready = urne_conns_init(opt->max_per_address, s.max_conn);
    if (serve_open(&s, opt, conns_ready) < 0 || serve_start(&s, opt, &sa) < 0) {
        serve_close(&s);
        return 1;
    }

    say_serving(opt, &s.srv, s.threads, s.max_conn, s.timeout, s.cache_bytes);
    int sig = 0;
    sigwait(&s.sigs, &sig);
    if (!opt->quiet) {
        printf(urne_i18n_text(opt->lang, "urne: %s received, finishing the requests in flight\n"),
               sig == SIGTERM ? "SIGTERM" : "SIGINT");
        fflush(stdout);
    }
    serve_close(&s);
    if (!opt->quiet) printf("%s", urne_i18n_text(opt->lang, "urne: stopped cleanly\n"));
    return 0;
}
