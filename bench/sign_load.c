/*
 * sign_load: the signing stream of bench/initiative.sh (issue 18), a load
 * client in C.
 *
 * What: CONNS keep-alive connections (default 32) to one urne server, driven by
 * one thread on epoll, each with one request in flight at a time: a POST of a
 * signature to /api/initiatives/ID/signatures, every request a different elector
 * of the bench's generated roll (elector i is "Nom" + i in base 26 over five
 * capitals, least significant first, given "Jean", born 1970-01-01, commune
 * "C<i % 500>": bench/initiative.sh's generator and bench/sign.lua's naming),
 * from FIRST on; past the roll's N electors it starts again at 0 (a second
 * signature: 409, counted among the refused). For SECONDS seconds requests are
 * sent; then none, and the answers still awaited are waited for (TIMEOUT at
 * most each). It prints, one "key value" a line: the answers, those 2xx, those
 * refused (any other status, each status counted too: "status 409 12"), the
 * errors (a connection lost, refused or reset, an answer malformed, a timeout:
 * the request unanswered), the latencies' p50, p99 and max in milliseconds
 * (each request's, from its first byte written to its answer's last read), and
 * the client's own CPU per request. Nothing is hidden: a request sent is
 * answered 2xx, refused or an error, and the three add up to the requests sent.
 *
 * Why: wrk with a Lua script (bench/sign.lua, still there as a fallback) cost
 * some 22 µs of CPU per request, on the same two cores as the server it
 * measures; the bench's rate was partly the client's. This one formats each
 * request with a few copies and parses each answer once.
 *
 * How: answers are read as HTTP/1.1 says: a status line, headers up to the
 * blank line, then a body of Content-Length bytes, or chunked
 * (Transfer-Encoding: chunked, chunks then trailers), or up to the connection's
 * end when neither is given; 1xx, 204 and 304 have none, and a 1xx (but 101) is
 * an interim answer, skipped: the final one follows. "Connection: close" or
 * the server's end closes the connection after the answer, and a new one is
 * opened. A request is never sent again: one unanswered is an error.
 *
 * The page stream (rate18): -g PATH makes every request a GET of PATH as a
 * browser asks for it (Accept-Encoding: gzip): bench/initiative.sh reads the
 * live counter page, /initiatives/1, beside the signing.
 *
 * The rate: -r RATE (requests per second, over all the connections) makes the
 * client open-loop, as wrk2 is: request k is scheduled at k / RATE seconds from
 * the start, whether or not the server has answered the ones before; it is sent
 * on the first idle connection once its time has come, and its latency is
 * counted from its scheduled time, not from its sending. A server slower than
 * the rate then shows as latency (the requests wait for a connection), not as
 * fewer requests asked with the latency of those few (the "coordinated
 * omission" of a closed loop, where each connection waits for its answer
 * before asking again). The requests whose time came before the end but that
 * found no idle connection by then are "missed": counted, and their latency's
 * lower bound (the end minus their scheduled time) is among the latencies, so
 * that p99 cannot hide them. "scheduled" says how many the rate asked for
 * (RATE x SECONDS): sent + missed. Without -r (or -r 0) each connection asks
 * again as soon as it is answered: as fast as the server and the client go.
 * "rate_per_s" is the 2xx answers per second of the sending window. The
 * client wakes for its schedule every -w TICK microseconds at most (default
 * 200; 0: for each request), sending then all the requests due: a wake per
 * request cost it more CPU than the server's per page (22 µs against 20, the
 * page read alone at 20,000/s); the wait up to the tick is in the latencies
 * (they start at the schedule), 0.2 ms at most.
 *
 *   sign_load [-c CONNS] [-d SECONDS] [-n ELECTORS] [-f FIRST] [-i ID] [-t TIMEOUT]
 *             [-g PATH] [-r RATE] [-w TICK] HOST PORT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_MAX 65536 /* an answer's bytes held at most (a signature's answer is some 200) */

typedef struct {
    int fd;
    int connecting;      /* connect() under way */
    int busy;            /* a request in flight */
    uint64_t sent;       /* when its latency starts, ns: its first byte written, or (-r) its scheduled time */
    uint64_t retry_at;   /* refused: not opened again before this (ns) */
    char out[512];
    size_t out_len, out_off;
    char in[IN_MAX];
    size_t in_len;
} conn;

typedef struct {
    int64_t sent, ok, refused, errors;
    int64_t scheduled, missed; /* -r: the requests the rate asked for; those never sent (no idle connection) */
    int64_t connection_errors; /* connections refused, stray bytes: no request lost on them */
    int64_t status[600];
    uint32_t *lat; /* µs, one per answer */
    size_t nlat, caplat;
} tally;

static struct {
    const char *host, *port;
    int conns, seconds, timeout;
    int64_t electors, next, id;
    struct addrinfo *addr;
    int ep;
    const char *path;          /* -g: a GET of this path, not a signature */
    double rate;               /* -r: requests per second, open-loop; 0: closed loop */
    uint64_t start, stop;      /* the sending window, ns */
    int64_t issued;            /* -r: the scheduled requests sent so far (request k: start + k / rate) */
    uint64_t tick;             /* -w: the least wait for the schedule, ns */
} cfg = {"127.0.0.1", NULL, 32, 10, 10, 1000000, 0, 1, NULL, -1, NULL, 0, 0, 0, 0, 200000};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "sign_load: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* -r: request k's scheduled time, ns. */
static uint64_t sched_at(int64_t k) {
    return cfg.start + (uint64_t)((double)k * 1e9 / cfg.rate);
}

/* -r: the requests the rate asks for in the window (k with sched_at(k) < stop). */
static int64_t sched_total(void) {
    int64_t k = (int64_t)((double)(cfg.stop - cfg.start) * cfg.rate / 1e9);
    while (k > 0 && sched_at(k - 1) >= cfg.stop) k--;
    while (sched_at(k) < cfg.stop) k++;
    return k;
}

/* An IPv6 address in Host is written in brackets ([::1]:8080). */
static const char *host_open(void) { return strchr(cfg.host, ':') ? "[" : ""; }
static const char *host_close(void) { return strchr(cfg.host, ':') ? "]" : ""; }

/* The next request into c->out: the page's GET (-g), or the next elector's
 * signature. */
static void request_make(conn *c) {
    if (cfg.path) {
        int n = snprintf(c->out, sizeof c->out, "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nAccept-Encoding: gzip\r\n\r\n",
                         cfg.path, host_open(), cfg.host, host_close(), cfg.port);
        if (n < 0 || (size_t)n >= sizeof c->out) {
            fprintf(stderr, "sign_load: a request longer than %zu bytes\n", sizeof c->out);
            exit(2);
        }
        c->out_len = (size_t)n;
        c->out_off = 0;
        return;
    }
    int64_t i = cfg.next;
    cfg.next = cfg.next + 1 >= cfg.electors ? 0 : cfg.next + 1;
    char name[6];
    int64_t k = i;
    for (int j = 0; j < 5; j++, k /= 26) name[j] = (char)('A' + k % 26);
    name[5] = 0;
    char body[160];
    int bn = snprintf(body, sizeof body,
                      "{\"name\":\"Nom%s\",\"given\":\"Jean\",\"birth\":\"1970-01-01\",\"commune\":\"C%d\"}", name,
                      (int)(i % 500));
    int n = snprintf(c->out, sizeof c->out,
                     "POST /api/initiatives/%lld/signatures HTTP/1.1\r\nHost: %s%s%s:%s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                     (long long)cfg.id, host_open(), cfg.host, host_close(), cfg.port, bn, body);
    if (n < 0 || (size_t)n >= sizeof c->out) {
        fprintf(stderr, "sign_load: a request longer than %zu bytes\n", sizeof c->out);
        exit(2);
    }
    c->out_len = (size_t)n;
    c->out_off = 0;
}

static void conn_open(conn *c) {
    c->fd = socket(cfg.addr->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) die("socket");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->in_len = 0;
    c->busy = 0;
    c->connecting = connect(c->fd, cfg.addr->ai_addr, cfg.addr->ai_addrlen) < 0;
    if (c->connecting && errno != EINPROGRESS) die("connect");
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    if (epoll_ctl(cfg.ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl");
}

static void conn_close(conn *c) {
    close(c->fd); /* leaves the epoll set with it */
    c->fd = -1;
}

/* An error on c: its request, if any, counted unanswered; c closed. */
static void conn_fail(conn *c, tally *t) {
    if (c->busy) t->errors++;
    c->busy = 0;
    conn_close(c);
}

static void want_out(conn *c, int on) {
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(cfg.ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
}

/* What is left of c's request written: 0, or -1 the connection failed. */
static int conn_write(conn *c) {
    while (c->out_off < c->out_len) {
        ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) {
            want_out(c, 1);
            return 0;
        }
        if (w <= 0) return -1;
        c->out_off += (size_t)w;
    }
    return 0;
}

/* A new request sent on c (idle, connected), its latency counted from `from`
 * (0: now). */
static int conn_send(conn *c, tally *t, uint64_t from) {
    request_make(c);
    c->busy = 1;
    c->sent = from ? from : now_ns();
    t->sent++;
    return conn_write(c);
}

/* Whether requests are still sent at `now`: within the window; or (-r) a
 * request scheduled within it is not sent yet, for up to 10 ms after it (the
 * client's wake-ups are a tick apart: a request due in the window's last tick
 * would otherwise be counted missed with the server idle). Its latency still
 * counts from its scheduled time; a backlog past 10 ms is missed. */
static int still_sending(uint64_t now) {
    return now < cfg.stop || (cfg.rate > 0 && sched_at(cfg.issued) < cfg.stop && now < cfg.stop + 10000000u);
}

/* c idle and connected while sending: its next request sent, at once (closed
 * loop) or (-r) if one is due, the earliest; c failed if the write fails. */
static void conn_next(conn *c, tally *t) {
    if (cfg.rate > 0) {
        uint64_t at = sched_at(cfg.issued);
        if (at >= cfg.stop || at > now_ns()) return; /* none due: c waits idle */
        cfg.issued++;
        if (conn_send(c, t, at) < 0) conn_fail(c, t);
        return;
    }
    if (conn_send(c, t, 0) < 0) conn_fail(c, t);
}

/* A header's value when line (of n bytes, up to its CRLF) is that header. */
static const char *header_is(const char *line, size_t n, const char *name) {
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':') return NULL;
    const char *v = line + k + 1;
    while (*v == ' ' || *v == '\t') v++;
    return v;
}

/* The number written in p[0..n) in `base` (10 or 16), digits only, then
 * nothing but spaces or tabs (or, with `ext`, a ';' and a chunk's extension);
 * -1 when none, another character, or above IN_MAX. Not strtol: it skips
 * leading white space, CR and LF included, and so reads past the line (review
 * finding), and takes "0x1A" or "12abc". */
static long number_in(const char *p, size_t n, int base, int ext) {
    size_t k = 0;
    long v = 0;
    for (; k < n; k++) {
        int d = p[k] >= '0' && p[k] <= '9' ? p[k] - '0'
                : base == 16 && p[k] >= 'a' && p[k] <= 'f' ? p[k] - 'a' + 10
                : base == 16 && p[k] >= 'A' && p[k] <= 'F' ? p[k] - 'A' + 10 : -1;
        if (d < 0) break;
        v = v * base + d;
        if (v > IN_MAX) return -1;
    }
    if (k == 0) return -1;
    for (; k < n; k++) {
        if (ext && p[k] == ';') return v;
        if (p[k] != ' ' && p[k] != '\t') return -1;
    }
    return v;
}

/* The chunked body from p (n bytes): its length through the trailers' end,
 * 0 when incomplete, -1 when malformed. */
static long chunked_len(const char *p, size_t n) {
    size_t at = 0;
    for (;;) {
        const char *eol = memmem(p + at, n - at, "\r\n", 2);
        if (eol == NULL) return 0;
        long parsed = number_in(p + at, (size_t)(eol - (p + at)), 16, 1);
        if (parsed < 0) return -1;
        size_t size = (size_t)parsed;
        at = (size_t)(eol - p) + 2;
        if (size == 0) break;
        if (n - at < size + 2) return 0;
        if (memcmp(p + at + size, "\r\n", 2) != 0) return -1;
        at += size + 2;
    }
    for (;;) { /* trailers, then the blank line */
        const char *eol = memmem(p + at, n - at, "\r\n", 2);
        if (eol == NULL) return 0;
        size_t line = (size_t)(eol - (p + at));
        at += line + 2;
        if (line == 0) return (long)at;
    }
}

/* The answer in c->in, if whole: its length (*status, *close set), 0 when more
 * is to be read, -1 when malformed. `eof`: the server has closed (a body
 * without a length ends there). */
static long answer_len(const conn *c, int eof, int *status, int *close_after) {
    const char *p = c->in;
    size_t n = c->in_len;
    const char *hend = memmem(p, n, "\r\n\r\n", 4);
    if (hend == NULL) return n == IN_MAX ? -1 : 0;
    if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ') return -1;
    int st = 0;
    for (int k = 9; k < 12; k++) {
        if (p[k] < '0' || p[k] > '9') return -1;
        st = st * 10 + (p[k] - '0');
    }
    *status = st;
    *close_after = p[7] == '0'; /* HTTP/1.0: closed unless kept alive */
    long clen = -1;
    int chunked = 0;
    const char *line = memmem(p, n, "\r\n", 2) + 2;
    while (line < hend + 2) {
        const char *eol = memmem(line, (size_t)(hend + 2 - line), "\r\n", 2);
        size_t ln = (size_t)(eol - line);
        const char *v;
        if ((v = header_is(line, ln, "Content-Length")) != NULL) {
            clen = number_in(v, ln - (size_t)(v - line), 10, 0);
            if (clen < 0) return -1;
        } else if ((v = header_is(line, ln, "Transfer-Encoding")) != NULL)
            chunked = strncasecmp(v, "chunked", 7) == 0;
        else if ((v = header_is(line, ln, "Connection")) != NULL)
            *close_after = strncasecmp(v, "close", 5) == 0 ? 1 : strncasecmp(v, "keep-alive", 10) == 0 ? 0 : *close_after;
        line = eol + 2;
    }
    size_t head = (size_t)(hend + 4 - p);
    if (st < 200 || st == 204 || st == 304) return (long)head;
    if (chunked) {
        long b = chunked_len(hend + 4, n - head);
        return b <= 0 ? b : (long)head + b;
    }
    if (clen >= 0) return n - head >= (size_t)clen ? (long)head + clen : (n == IN_MAX ? -1 : 0);
    *close_after = 1; /* a body up to the end */
    return eof ? (long)n : (n == IN_MAX ? -1 : 0);
}

/* A latency of ns nanoseconds counted. */
static void lat_add(tally *t, uint64_t ns) {
    if (t->nlat == t->caplat) {
        t->caplat = t->caplat ? t->caplat * 2 : 65536;
        t->lat = realloc(t->lat, t->caplat * sizeof *t->lat);
        if (t->lat == NULL) die("realloc");
    }
    uint64_t us = ns / 1000;
    t->lat[t->nlat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static void tally_answer(tally *t, int status, uint64_t ns) {
    if (status >= 200 && status < 300) t->ok++; else t->refused++;
    if (status >= 100 && status < 600) t->status[status]++;
    lat_add(t, ns);
}

/* c readable: its answer read, counted, and c's next request sent while
 * `sending`. */
static void conn_read(conn *c, tally *t, int sending) {
    int eof = 0;
    ssize_t r = read(c->fd, c->in + c->in_len, IN_MAX - c->in_len);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (r < 0) { conn_fail(c, t); return; }
    if (r == 0) eof = 1;
    c->in_len += (size_t)r;
    if (!c->busy) { /* the server's end of an idle connection, or an answer to nothing */
        if (!eof || c->in_len) t->connection_errors++;
        conn_close(c);
        if (sending) conn_open(c);
        return;
    }
    int status = 0, close_after = 0;
    long len = answer_len(c, eof, &status, &close_after);
    while (len > 0 && status >= 100 && status < 200 && status != 101) { /* an interim answer: the final one follows */
        memmove(c->in, c->in + len, c->in_len - (size_t)len);
        c->in_len -= (size_t)len;
        len = answer_len(c, eof, &status, &close_after);
    }
    if (len < 0 || (len == 0 && eof) || (len > 0 && (size_t)len != c->in_len)) {
        conn_fail(c, t); /* malformed, cut short, or more than one answer */
        return;
    }
    if (len == 0) return;
    tally_answer(t, status, now_ns() - c->sent);
    c->busy = 0;
    c->in_len = 0;
    if (close_after || eof) {
        conn_close(c);
        if (sending) conn_open(c);
        return;
    }
    if (sending) conn_next(c, t);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(const tally *t, double p) {
    if (t->nlat == 0) return 0;
    size_t k = (size_t)(p * (double)(t->nlat - 1) + 0.5);
    return t->lat[k] / 1000.0;
}

static void report(tally *t, double secs) {
    if (t->nlat) qsort(t->lat, t->nlat, sizeof *t->lat, cmp_u32); /* never qsort(NULL, 0): UB */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
                 ru.ru_stime.tv_usec / 1e6;
    int64_t answers = t->ok + t->refused;
    printf("seconds %.3f\nsent %lld\nanswers %lld\nok %lld\nrefused %lld\nerrors %lld\nconnection_errors %lld\n", secs,
           (long long)t->sent, (long long)answers, (long long)t->ok, (long long)t->refused, (long long)t->errors,
           (long long)t->connection_errors);
    if (cfg.rate > 0) printf("rate %.0f\nscheduled %lld\nmissed %lld\n", cfg.rate, (long long)t->scheduled, (long long)t->missed);
    printf("rate_per_s %.0f\n", (double)t->ok * 1e9 / (double)(cfg.stop - cfg.start));
    for (int s = 0; s < 600; s++)
        if (t->status[s]) printf("status %d %lld\n", s, (long long)t->status[s]);
    printf("p50_ms %.3f\np99_ms %.3f\nmax_ms %.3f\n", pct_ms(t, 0.5), pct_ms(t, 0.99),
           t->nlat ? t->lat[t->nlat - 1] / 1000.0 : 0.0);
    if (answers + t->errors != t->sent) /* never: every request is answered or an error */
        fprintf(stderr, "sign_load: %lld sent, %lld answered, %lld errors\n", (long long)t->sent, (long long)answers,
                (long long)t->errors);
    printf("client_cpu_us_per_request %.2f\n", t->sent ? cpu * 1e6 / (double)t->sent : 0.0);
}

static void usage(void) {
    fprintf(stderr, "usage: sign_load [-c CONNS] [-d SECONDS] [-n ELECTORS] [-f FIRST] [-i ID] [-t TIMEOUT] [-g PATH] [-r RATE] [-w TICK] HOST PORT\n");
    exit(2);
}

static int64_t arg_int(const char *s, int64_t min) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min) usage();
    return v;
}

static void args(int argc, char **argv) {
    int o;
    char *end;
    while ((o = getopt(argc, argv, "c:d:n:f:i:t:g:r:w:")) != -1) switch (o) {
        case 'w': cfg.tick = (uint64_t)arg_int(optarg, 0) * 1000u; if (cfg.tick > 1000000000u) usage(); break;
        case 'g': cfg.path = optarg; break;
        case 'r':
            errno = 0;
            cfg.rate = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(cfg.rate >= 0 && cfg.rate <= 1e7)) usage();
            break;
        case 'c': cfg.conns = (int)arg_int(optarg, 1); break;
        case 'd': cfg.seconds = (int)arg_int(optarg, 1); break;
        case 'n': cfg.electors = arg_int(optarg, 1); break;
        case 'f': cfg.next = arg_int(optarg, 0); break;
        case 'i': cfg.id = arg_int(optarg, 1); break;
        case 't': cfg.timeout = (int)arg_int(optarg, 1); break;
        default: usage();
        }
    if (argc - optind != 2 || cfg.conns > 10000 || (cfg.path && (cfg.path[0] != '/' || strlen(cfg.path) > 400))) usage();
    cfg.host = argv[optind];
    cfg.port = argv[optind + 1];
    cfg.next %= cfg.electors;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    int rc = getaddrinfo(cfg.host, cfg.port, &hints, &cfg.addr);
    if (rc != 0) {
        fprintf(stderr, "sign_load: %s:%s: %s\n", cfg.host, cfg.port, gai_strerror(rc));
        exit(2);
    }
}

/* A connection's event handled. */
static void conn_event(conn *c, uint32_t events, tally *t, int sending) {
    if (c->connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        if ((events & (EPOLLERR | EPOLLHUP)) || getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
            /* A connection refused: counted, and tried again by the main loop 10 ms
             * on, not at once (against a closed port, at once was some
             * 23,000 tries a second: review finding). */
            t->connection_errors += sending;
            conn_close(c);
            c->retry_at = now_ns() + 10000000u; /* 10 ms */
            return;
        }
        c->connecting = 0;
        want_out(c, 0);
        if (sending) conn_next(c, t);
        return;
    }
    if (events & EPOLLOUT) {
        want_out(c, 0);
        if (c->busy && conn_write(c) < 0) { conn_fail(c, t); return; }
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) conn_read(c, t, sending);
}

/* -r: the requests due now sent on the idle connections, earliest first. */
static void dispatch(conn *cs, tally *t) {
    for (int i = 0; i < cfg.conns && sched_at(cfg.issued) < cfg.stop; i++) {
        conn *c = &cs[i];
        if (c->fd >= 0 && !c->busy && !c->connecting) conn_next(c, t);
    }
}

/* How long to wait for events: until the next scheduled request when one
 * could be sent (-r; the tick at least, unless it is due already), else 100 ms
 * (timeouts are checked between waits). */
static struct timespec wait_for(const conn *cs, uint64_t now) {
    uint64_t ns = 100000000u;
    if (cfg.rate > 0 && sched_at(cfg.issued) < cfg.stop) {
        int idle = 0;
        for (int i = 0; i < cfg.conns && !idle; i++)
            idle = cs[i].fd >= 0 && !cs[i].busy && !cs[i].connecting;
        uint64_t at = sched_at(cfg.issued);
        if (idle) ns = at > now ? (at - now < cfg.tick ? cfg.tick : at - now < ns ? at - now : ns) : 0;
    }
    return (struct timespec){.tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u)};
}

/* -r, once the window is over: the requests scheduled in it but never sent
 * (no idle connection in time) counted missed, each with its latency's lower
 * bound, the window's end minus its scheduled time. */
static void tally_missed(tally *t) {
    if (cfg.rate <= 0) return;
    t->scheduled = sched_total();
    for (int64_t k = cfg.issued; k < t->scheduled; k++) lat_add(t, cfg.stop - sched_at(k));
    t->missed = t->scheduled - cfg.issued;
}

int main(int argc, char **argv) {
    args(argc, argv);
    cfg.ep = epoll_create1(EPOLL_CLOEXEC);
    if (cfg.ep < 0) die("epoll_create1");
    conn *cs = calloc((size_t)cfg.conns, sizeof *cs);
    tally t = {0};
    if (cs == NULL) die("calloc");
    for (int i = 0; i < cfg.conns; i++) conn_open(&cs[i]);
    cfg.start = now_ns();
    cfg.stop = cfg.start + (uint64_t)cfg.seconds * 1000000000u;
    uint64_t timeout = (uint64_t)cfg.timeout * 1000000000u;
    struct epoll_event evs[256];
    for (;;) {
        uint64_t now = now_ns();
        int sending = still_sending(now), open = 0;
        for (int i = 0; i < cfg.conns; i++) { /* timeouts; the idle closed when the time is up */
            conn *c = &cs[i];
            if (c->fd >= 0 && c->busy && now - c->sent > timeout) conn_fail(c, &t);
            else if (c->fd >= 0 && !sending && !c->busy && !c->connecting) conn_close(c);
            else if (c->fd >= 0 && !sending && c->connecting) conn_close(c);
            if (c->fd < 0 && sending && now >= c->retry_at) conn_open(c);
            open += c->fd >= 0;
        }
        if (!sending && open == 0) break;
        if (sending && cfg.rate > 0) dispatch(cs, &t);
        struct timespec wait = wait_for(cs, now_ns());
        int n = epoll_pwait2(cfg.ep, evs, 256, &wait, NULL);
        if (n < 0 && errno != EINTR) die("epoll_pwait2");
        sending = still_sending(now_ns());
        for (int k = 0; k < n; k++) {
            conn *c = evs[k].data.ptr;
            if (c->fd >= 0) conn_event(c, evs[k].events, &t, sending);
        }
    }
    tally_missed(&t);
    report(&t, (now_ns() - cfg.start) / 1e9);
    free(t.lat);
    free(cs);
    freeaddrinfo(cfg.addr);
    close(cfg.ep);
    return 0;
}
