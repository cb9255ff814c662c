/*
 * server: urne on libmicrohttpd.
 *
 * A request's life: libmicrohttpd calls `on_request` first with the headers (we
 * refuse a body over the size limit, and a path or query with a control character
 * or broken UTF-8, at once), then with the body in pieces (gathered in urne_req),
 * then a last time to answer. We then parse the body (a form or JSON, flattened
 * into fields), find the session (cookie, or a bearer token for API clients),
 * check the CSRF token of any POST made with a cookie, and hand the request to
 * api.c or pages.c. When it is done, `on_completed` writes one JSON line to the
 * access log and frees the request.
 *
 * Every response, whoever builds it (a page, the API, an error, a redirect, the
 * cache), gets its headers from one function, add_headers: a Content-Security-
 * Policy that allows no inline script and no framing, nosniff, DENY and the
 * referrer policy.
 *
 * One client must not starve the others. libmicrohttpd holds at most
 * max_connections at once (from the process's file limit, raised to its hard
 * limit at start), and drops a connection idle or half-sent for
 * connection_timeout seconds; on top of that `on_accept` refuses a client address
 * that already holds max_per_address connections (counted by `on_connection` as
 * they open and close). Trusted proxies are exempt: every client comes through
 * them. libmicrohttpd's own per-address limit could not exempt them.
 *
 * Anonymous GETs are cached whole (the results pages on election night are read
 * far more than they change); any change clears the cache. The key is the
 * request as the handler saw it: the language, the path, and the query arguments
 * the handler read for that path (a path's record says which), so that
 * `?format=f1`, `?format=f2`... all find the one page. The cache holds at most
 * cache_bytes, dropping the least recently used entries; a body is shared with
 * the responses being sent from it (reference counted), not copied. A generation
 * number guards against a page rendered before a change being stored after it.
 * Cache hits carry `X-Cache: hit`.
 *
 * Failed logins are throttled per (account, address) pair (see web.h for the
 * rule); the address is the peer's, or the one a trusted proxy forwards.
 *
 * Shutdown: SIGTERM or SIGINT stops accepting connections, lets requests in flight
 * finish, and closes the store cleanly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "mhd.h"
#include "web.h"

/* libmicrohttpd's functions, opened by urne_web_serve before the daemon starts (see
 * mhd.h): one server per process, so one table. */
static urne_mhd mhd;

#define BODY_LIMIT (1u << 20)            /* forms and JSON */
#define IMPORT_LIMIT (256u << 20)        /* an election file */
#define SESSION_SECONDS (12 * 3600)

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A name from a request, fit for a log line: printable ASCII without quotes or
 * backslashes, at most 64 bytes. */
static void log_safe(const char *in, char *out, size_t size) {
    size_t o = 0;
    for (; in && *in && o + 1 < size && o < 64; in++)
        out[o++] = (unsigned char)*in >= 0x20 && (unsigned char)*in < 0x7f && *in != '"' && *in != '\\' ? *in : '?';
    out[o] = 0;
}

/* ---- client addresses ---- */

/* An address as 16 bytes: IPv6, or IPv4 mapped into it (::ffff:a.b.c.d). */
typedef struct addr16 {
    unsigned char b[16];
} addr16;

static const unsigned char v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int addr_from_sockaddr(const struct sockaddr *sa, addr16 *out) {
    memset(out, 0, sizeof *out);
    if (sa == NULL) return -1;
    if (sa->sa_family == AF_INET) {
        memcpy(out->b, v4_prefix, 12);
        memcpy(out->b + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        memcpy(out->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        return 0;
    }
    return -1;
}

/* Parse n bytes of s as an IPv4 or IPv6 address. 0, or -1. */
static int addr_parse(const char *s, size_t n, addr16 *out) {
    char text[INET6_ADDRSTRLEN + 1];
    if (n == 0 || n >= sizeof text) return -1;
    memcpy(text, s, n);
    text[n] = 0;
    struct in_addr a4;
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, text, &a4) == 1) {
        memcpy(out->b, v4_prefix, 12);
        memcpy(out->b + 12, &a4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, text, out->b) == 1 ? 0 : -1;
}

static void addr_text(const addr16 *a, char *out, size_t size) {
    if (memcmp(a->b, v4_prefix, 12) == 0)
        inet_ntop(AF_INET, a->b + 12, out, (socklen_t)size);
    else
        inet_ntop(AF_INET6, a->b, out, (socklen_t)size);
}

/* The trusted proxies: networks (an address is one of /32 or /128). */
typedef struct proxy_net {
    addr16 net;
    unsigned bits; /* of the 16-byte form: an IPv4 /24 is 120 */
} proxy_net;

struct urne_proxies {
    size_t n;
    proxy_net nets[];
};

/* Parse "ADDR" or "ADDR/BITS". 0, or -1. */
static int proxy_parse(const char *text, proxy_net *out) {
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (addr_parse(text, n, &out->net) < 0) return -1;
    int v4 = memcmp(out->net.b, v4_prefix, 12) == 0;
    out->bits = 128;
    if (slash) {
        char *end;
        long bits = strtol(slash + 1, &end, 10);
        if (slash[1] == 0 || *end || bits < 0 || bits > (v4 ? 32 : 128)) return -1;
        out->bits = (unsigned)bits + (v4 ? 96 : 0);
    }
    for (unsigned i = out->bits; i < 128; i++) out->net.b[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
    return 0;
}

static int proxy_trusted(const struct urne_proxies *p, const addr16 *a) {
    for (size_t k = 0; p && k < p->n; k++) {
        const proxy_net *n = &p->nets[k];
        unsigned full = n->bits / 8, rest = n->bits % 8;
        if (memcmp(a->b, n->net.b, full) != 0) continue;
        if (rest && ((a->b[full] ^ n->net.b[full]) & (unsigned char)(0xff00u >> rest))) continue;
        return 1;
    }
    return 0;
}

/* The X-Forwarded-For headers of a request, joined by commas; the right end is
 * kept when they are longer than the buffer (the right end is what we believe). */
typedef struct forwarded {
    char text[2048];
    size_t len;
} forwarded;

static enum MHD_Result gather_forwarded(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    forwarded *f = cls;
    (void)kind;
    if (key == NULL || value == NULL || strcasecmp(key, "X-Forwarded-For") != 0) return MHD_YES;
    size_t n = strlen(value);
    if (f->len) f->text[f->len++] = ',';
    if (n >= sizeof f->text - 1) {
        value += n - (sizeof f->text - 2);
        n = sizeof f->text - 2;
    }
    if (f->len + n >= sizeof f->text) {
        size_t drop = f->len + n - (sizeof f->text - 1);
        memmove(f->text, f->text + drop, f->len - drop);
        f->len -= drop;
    }
    memcpy(f->text + f->len, value, n);
    f->len += n;
    f->text[f->len] = 0;
    return MHD_YES;
}

/* One X-Forwarded-For entry: an address, "[IPv6]:port" or "IPv4:port" (some
 * proxies add the client's port). 0, or -1 when it is none of these. */
static int forwarded_parse(const char *s, size_t n, addr16 *out) {
    if (n > 2 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        return close ? addr_parse(s + 1, (size_t)(close - s - 1), out) : -1;
    }
    const char *colon = memchr(s, ':', n);
    if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)) == NULL) n = (size_t)(colon - s);
    return addr_parse(s, n, out);
}

/* The client behind a trusted proxy: walk X-Forwarded-For from the right, past
 * the trusted proxies; the first other address is the client. Stops at an entry
 * that is not an address (leaving the last one believed). */
static void forwarded_client(const urne_server *srv, struct MHD_Connection *conn, addr16 *client) {
    forwarded f = {.len = 0};
    mhd.get_connection_values(conn, MHD_HEADER_KIND, gather_forwarded, &f);
    size_t end = f.len;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && f.text[start - 1] != ',') start--;
        size_t a = start, b = end;
        while (a < b && (f.text[a] == ' ' || f.text[a] == '\t')) a++;
        while (b > a && (f.text[b - 1] == ' ' || f.text[b - 1] == '\t')) b--;
        addr16 hop;
        if (forwarded_parse(f.text + a, b - a, &hop) < 0) return;
        *client = hop;
        if (!proxy_trusted(srv->proxies, &hop)) return;
        if (start == 0) return;
        end = start - 1;
    }
}

static int conn_peer(struct MHD_Connection *conn, addr16 *out) {
    const union MHD_ConnectionInfo *ci = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci ? addr_from_sockaddr(ci->client_addr, out) : -1;
}

void urne_req_addr(const urne_req *r, char *out, size_t size) {
    addr16 peer, client;
    snprintf(out, size, "?");
    if (conn_peer(r->conn, &peer) < 0) return;
    client = peer;
    if (proxy_trusted(r->srv->proxies, &peer)) forwarded_client(r->srv, r->conn, &client);
    addr_text(&client, out, size);
}

/* ---- connections per address ---- */

/* What we keep about a connection (its socket context): the peer it is counted
 * under, and whether the request line being read has a bad path or query. */
typedef struct conn_ctx {
    addr16 peer;
    int counted;
    int bad_url;
    urne_deadline *deadline; /* the header deadline (deadline.h) */
} conn_ctx;

/* Open connections by peer address: open addressing, never more than half full
 * (entries at zero are dropped when the table is rebuilt). */
typedef struct conn_slot {
    addr16 addr;
    unsigned open;
    int used;
} conn_slot;

static struct {
    pthread_mutex_t lock;
    conn_slot *slots;
    size_t cap, used;
    unsigned limit; /* per address; 0: none */
} conns = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t addr_hash(const addr16 *a) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < 16; i++) h = (h ^ a->b[i]) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 29));
}

static conn_slot *conns_find(const addr16 *a, int create) {
    size_t mask = conns.cap - 1, h = addr_hash(a) & mask;
    for (; conns.slots[h].used; h = (h + 1) & mask)
        if (memcmp(conns.slots[h].addr.b, a->b, 16) == 0) return &conns.slots[h];
    if (!create) return NULL;
    if (conns.used + 1 > conns.cap / 2) {
        /* Rebuild without the addresses that hold no connection. */
        conn_slot *old = conns.slots, *fresh = calloc(conns.cap, sizeof *fresh);
        if (fresh == NULL) return NULL;
        conns.slots = fresh;
        conns.used = 0;
        for (size_t i = 0; i < conns.cap; i++)
            if (old[i].used && old[i].open) {
                size_t k = addr_hash(&old[i].addr) & mask;
                while (fresh[k].used) k = (k + 1) & mask;
                fresh[k] = old[i];
                conns.used++;
            }
        free(old);
        if (conns.used + 1 > conns.cap / 2) return NULL;
        h = addr_hash(a) & mask;
        while (conns.slots[h].used) h = (h + 1) & mask;
    }
    conns.slots[h] = (conn_slot){*a, 0, 1};
    conns.used++;
    return &conns.slots[h];
}

/* libmicrohttpd asks before taking a connection: refuse a peer that already
 * holds its share. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *sa, socklen_t len) {
    urne_server *srv = cls;
    addr16 a;
    (void)len;
    if (conns.limit == 0 || addr_from_sockaddr(sa, &a) < 0 || proxy_trusted(srv->proxies, &a)) return MHD_YES;
    pthread_mutex_lock(&conns.lock);
    conn_slot *s = conns.slots ? conns_find(&a, 0) : NULL;
    unsigned open = s ? s->open : 0;
    pthread_mutex_unlock(&conns.lock);
    return open >= conns.limit ? MHD_NO : MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
    urne_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_ctx *x = calloc(1, sizeof *x);
        *socket_context = x;
        if (x && srv->deadlines) {
            const union MHD_ConnectionInfo *fi = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
            if (fi) x->deadline = urne_deadlines_add(srv->deadlines, (int)fi->connect_fd);
        }
        if (x == NULL || conn_peer(conn, &x->peer) < 0 || proxy_trusted(srv->proxies, &x->peer)) return;
        pthread_mutex_lock(&conns.lock);
        conn_slot *s = conns.slots ? conns_find(&x->peer, 1) : NULL;
        if (s) {
            s->open++;
            x->counted = 1;
        }
        pthread_mutex_unlock(&conns.lock);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn_ctx *x = *socket_context;
        if (x == NULL) return;
        if (srv->deadlines) urne_deadlines_remove(srv->deadlines, x->deadline);
        if (x->counted) {
            pthread_mutex_lock(&conns.lock);
            conn_slot *s = conns_find(&x->peer, 0);
            if (s && s->open) s->open--;
            pthread_mutex_unlock(&conns.lock);
        }
        free(x);
        *socket_context = NULL;
    }
}

/* ---- paths and queries: %XX decoded, control characters and broken UTF-8 refused ---- */

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 1 when the n bytes of s are UTF-8 without control characters (NUL included);
 * with `breaks`, tabs and line breaks are allowed (a form's textarea, a file). */
static int clean_text_with(const unsigned char *s, size_t n, int breaks) {
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (breaks && (c == '\t' || c == '\n' || c == '\r')) {
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7f) return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        if (len == 0 || c > 0xf4 || i + len > n) return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80) return 0;
        if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0) || (c == 0xf0 && s[i + 1] < 0x90) ||
            (c == 0xf4 && s[i + 1] >= 0x90))
            return 0; /* overlong, a surrogate, or above U+10FFFF */
        i += len;
    }
    return 1;
}

static int clean_text(const unsigned char *s, size_t n) { return clean_text_with(s, n, 0); }

/* libmicrohttpd's unescaper, for the path and each query key and value: decodes
 * %XX in place and marks the connection's current request when the result is
 * not clean text (on_request then answers 400). "/e/1%00/b/1" would otherwise
 * reach the handlers as "/e/1". */
static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s) {
    size_t o = 0;
    (void)cls;
    for (size_t i = 0; s[i]; i++) {
        int hi, lo;
        if (s[i] == '%' && (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
            s[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else
            s[o++] = s[i];
    }
    s[o] = 0;
    if (!clean_text((const unsigned char *)s, o) && conn) {
        const union MHD_ConnectionInfo *ci = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        conn_ctx *x = ci ? ci->socket_context : NULL;
        if (x) x->bad_url = 1;
    }
    return o;
}

/* ---- the response cache ---- */

/* The query arguments handlers read, by name: a request's query_read has bit i
 * for query_names[i]. Handlers read a handful ("level", "unit"); a name beyond
 * QUERY_NAMES makes the request uncacheable rather than mis-keyed. */
#define QUERY_NAMES 16
static char query_names[QUERY_NAMES][32];
static size_t nquery_names;
static pthread_mutex_t query_lock = PTHREAD_MUTEX_INITIALIZER;

static int query_index(const char *name) {
    int found = -1;
    pthread_mutex_lock(&query_lock);
    for (size_t i = 0; i < nquery_names && found < 0; i++)
        if (strcmp(query_names[i], name) == 0) found = (int)i;
    if (found < 0 && nquery_names < QUERY_NAMES && strlen(name) < sizeof query_names[0]) {
        snprintf(query_names[nquery_names], sizeof query_names[0], "%s", name);
        found = (int)nquery_names++;
    }
    pthread_mutex_unlock(&query_lock);
    return found;
}

static const char *query_name(unsigned i) {
    pthread_mutex_lock(&query_lock);
    const char *n = i < nquery_names ? query_names[i] : "";
    pthread_mutex_unlock(&query_lock);
    return n; /* names are never changed once added */
}

/* A cached body, shared by the cache and the responses being sent from it. */
typedef struct cache_blob {
    atomic_uint refs;
    size_t len;
    char data[];
} cache_blob;

static void blob_release(cache_blob *b) {
    if (b && atomic_fetch_sub(&b->refs, 1) == 1) free(b);
}

/* libmicrohttpd's callback when it is done with a response's body. */
static void blob_release_data(void *data) { blob_release((cache_blob *)((char *)data - offsetof(cache_blob, data))); }

/* An entry is a response (body set), or a path's record (body NULL): the query
 * arguments the path's handler read, which the responses' keys are made of. Key,
 * type and extra headers ("name\0value\0" pairs) are stored after the struct. */
typedef struct cache_entry {
    struct cache_entry *next;          /* in its bucket */
    struct cache_entry *newer, *older; /* least recently used last */
    size_t hash, bytes, keylen;
    cache_blob *body;
    unsigned names;
    const char *key, *type, *headers;
    size_t nheaders;
} cache_entry;

struct urne_cache {
    pthread_mutex_t lock;
    unsigned long gen;
    size_t budget, used, count, nbuckets;
    cache_entry **buckets;
    cache_entry *newest, *oldest;
};

/* What an entry costs beyond its bytes: the struct, allocator overhead. */
#define CACHE_OVERHEAD (sizeof(cache_entry) + 64)

static size_t key_hash(const char *k, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 31));
}

/* A growable string for keys. */
typedef struct keybuf {
    char *s;
    size_t len, cap;
    int failed;
} keybuf;

static void kb_add(keybuf *k, const char *s, size_t n) {
    if (k->failed) return;
    if (k->len + n + 1 > k->cap) {
        size_t cap = k->cap ? k->cap : 256;
        while (cap < k->len + n + 1) cap *= 2;
        char *p = realloc(k->s, cap);
        if (p == NULL) {
            k->failed = 1;
            return;
        }
        k->s = p;
        k->cap = cap;
    }
    memcpy(k->s + k->len, s, n);
    k->len += n;
    k->s[k->len] = 0;
}

/* The key of a path's record ("P", language, path) or of a response ("R",
 * language, path, then each argument in `names` with its value, length-prefixed,
 * or marked absent). malloc'ed; NULL when out of memory. */
static char *cache_key(const urne_req *r, int record, unsigned names, size_t *len) {
    keybuf k = {0};
    char head[32];
    snprintf(head, sizeof head, "%c%d|", record ? 'P' : 'R', r->lang);
    kb_add(&k, head, strlen(head));
    kb_add(&k, r->url, strlen(r->url));
    for (unsigned i = 0; !record && i < QUERY_NAMES; i++) {
        if (!(names & (1u << i))) continue;
        const char *name = query_name(i);
        const char *v = mhd.lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
        char n[48];
        snprintf(n, sizeof n, "\x1f%s", name);
        kb_add(&k, n, strlen(n));
        if (v) {
            snprintf(n, sizeof n, "=%zu:", strlen(v));
            kb_add(&k, n, strlen(n));
            kb_add(&k, v, strlen(v));
        } else
            kb_add(&k, "!", 1);
    }
    if (k.failed) {
        free(k.s);
        return NULL;
    }
    *len = k.len;
    return k.s;
}

static cache_entry *cache_find(urne_cache *c, const char *key, size_t len, size_t hash) {
    if (c->nbuckets == 0) return NULL;
    for (cache_entry *e = c->buckets[hash & (c->nbuckets - 1)]; e; e = e->next)
        if (e->hash == hash && e->keylen == len && memcmp(e->key, key, len) == 0) return e;
    return NULL;
}

static void lru_unlink(urne_cache *c, cache_entry *e) {
    if (e->newer) e->newer->older = e->older; else c->newest = e->older;
    if (e->older) e->older->newer = e->newer; else c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_front(urne_cache *c, cache_entry *e) {
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest) c->newest->newer = e;
    c->newest = e;
    if (c->oldest == NULL) c->oldest = e;
}

static void cache_touch(urne_cache *c, cache_entry *e) {
    if (c->newest == e) return;
    lru_unlink(c, e);
    lru_front(c, e);
}

static void cache_remove(urne_cache *c, cache_entry *e) {
    cache_entry **p = &c->buckets[e->hash & (c->nbuckets - 1)];
    while (*p != e) p = &(*p)->next;
    *p = e->next;
    lru_unlink(c, e);
    c->used -= e->bytes;
    c->count--;
    blob_release(e->body);
    free(e);
}

/* Add e (not yet in the cache); grows the buckets to keep chains short. */
static void cache_insert(urne_cache *c, cache_entry *e) {
    if (c->count + 1 > c->nbuckets) {
        size_t n = c->nbuckets ? c->nbuckets * 2 : 1024;
        cache_entry **b = calloc(n, sizeof *b);
        if (b) {
            for (size_t i = 0; i < c->nbuckets; i++)
                for (cache_entry *x = c->buckets[i], *next; x; x = next) {
                    next = x->next;
                    x->next = b[x->hash & (n - 1)];
                    b[x->hash & (n - 1)] = x;
                }
            free(c->buckets);
            c->buckets = b;
            c->nbuckets = n;
        }
    }
    if (c->nbuckets == 0) {
        blob_release(e->body);
        free(e);
        return;
    }
    e->next = c->buckets[e->hash & (c->nbuckets - 1)];
    c->buckets[e->hash & (c->nbuckets - 1)] = e;
    lru_front(c, e);
    c->used += e->bytes;
    c->count++;
    while (c->used > c->budget && c->oldest && c->oldest != e) cache_remove(c, c->oldest);
}

/* A new entry for key, owning body (may be NULL), with type and headers copied. */
static cache_entry *entry_new(const char *key, size_t keylen, cache_blob *body, const char *type,
                              const char *const *headers) {
    size_t tlen = type ? strlen(type) + 1 : 1, hlen = 0, nh = 0;
    for (size_t i = 0; headers && headers[i]; i += 2, nh++) hlen += strlen(headers[i]) + strlen(headers[i + 1]) + 2;
    cache_entry *e = malloc(sizeof *e + keylen + 1 + tlen + hlen + 1);
    if (e == NULL) return NULL;
    memset(e, 0, sizeof *e);
    char *p = (char *)(e + 1);
    memcpy(p, key, keylen + 1);
    e->key = p;
    e->keylen = keylen;
    e->hash = key_hash(key, keylen);
    p += keylen + 1;
    memcpy(p, type ? type : "", tlen);
    e->type = p;
    p += tlen;
    e->headers = p;
    e->nheaders = nh;
    for (size_t i = 0; headers && headers[i]; i += 2)
        for (int k = 0; k < 2; k++) {
            size_t n = strlen(headers[i + k]) + 1;
            memcpy(p, headers[i + k], n);
            p += n;
        }
    e->body = body;
    e->bytes = CACHE_OVERHEAD + keylen + tlen + hlen + (body ? sizeof *body + body->len : 0);
    return e;
}

static void add_headers(struct MHD_Response *resp, const char *type, int cacheable, const char *const *extra,
                        const char *packed, size_t npacked);

/* Send a cached response if there is one; 1 when sent. Records the cache's
 * generation for cache_store either way. */
static int cache_serve(urne_req *r, enum MHD_Result *ret) {
    urne_cache *c = r->srv->cache;
    pthread_mutex_lock(&c->lock);
    r->cache_gen = c->gen;
    int off = c->budget == 0;
    pthread_mutex_unlock(&c->lock);
    if (off) return 0;
    /* ?lang=fr|en on a page sets the language cookie: rendered, not cached. */
    const char *lang = mhd.lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "lang");
    if (lang && (strcmp(lang, "fr") == 0 || strcmp(lang, "en") == 0) && strncmp(r->url, "/api/", 5) != 0) return 0;
    size_t plen, klen;
    char *pkey = cache_key(r, 1, 0, &plen);
    if (pkey == NULL) return 0;
    pthread_mutex_lock(&c->lock);
    cache_entry *p = cache_find(c, pkey, plen, key_hash(pkey, plen));
    unsigned names = p ? p->names : 0;
    if (p) cache_touch(c, p);
    pthread_mutex_unlock(&c->lock);
    free(pkey);
    if (p == NULL) return 0;
    char *key = cache_key(r, 0, names, &klen);
    if (key == NULL) return 0;
    struct MHD_Response *resp = NULL;
    size_t len = 0;
    pthread_mutex_lock(&c->lock);
    cache_entry *e = c->gen == r->cache_gen ? cache_find(c, key, klen, key_hash(key, klen)) : NULL;
    if (e && e->body) {
        cache_touch(c, e);
        atomic_fetch_add(&e->body->refs, 1);
        resp = mhd.create_response_from_buffer_with_free_callback(e->body->len, e->body->data, blob_release_data);
        if (resp == NULL)
            blob_release(e->body);
        else {
            add_headers(resp, e->type, 1, NULL, e->headers, e->nheaders);
            mhd.add_response_header(resp, "X-Cache", "hit"); /* for operators and tests */
            len = e->body->len;
        }
    }
    pthread_mutex_unlock(&c->lock);
    free(key);
    if (resp == NULL) return 0;
    *ret = mhd.queue_response(r->conn, 200, resp);
    mhd.destroy_response(resp);
    r->status = 200;
    r->sent = len;
    return 1;
}

/* Keep a 200 response to an anonymous GET, unless the cache changed since the
 * request began, it sets a cookie, or it would take more than an eighth of the
 * budget. */
static void cache_store(urne_req *r, const char *type, const char *body, size_t len, const char *const *headers) {
    urne_cache *c = r->srv->cache;
    for (size_t i = 0; headers && headers[i]; i += 2)
        if (strcasecmp(headers[i], "Set-Cookie") == 0) return;
    if (c->budget == 0 || len > c->budget / 8) return;
    size_t plen, klen;
    cache_blob *b = malloc(sizeof *b + (len ? len : 1));
    if (b == NULL) return;
    atomic_init(&b->refs, 1);
    b->len = len;
    memcpy(b->data, body, len);
    char *pkey = cache_key(r, 1, 0, &plen), *key = cache_key(r, 0, r->query_read, &klen);
    cache_entry *rec = pkey ? entry_new(pkey, plen, NULL, NULL, NULL) : NULL;
    cache_entry *e = key ? entry_new(key, klen, b, type, headers) : NULL;
    free(pkey);
    free(key);
    if (rec == NULL || e == NULL) {
        free(rec);
        free(e);
        free(b);
        return;
    }
    rec->names = r->query_read;
    pthread_mutex_lock(&c->lock);
    if (c->gen == r->cache_gen) {
        cache_entry *old = cache_find(c, rec->key, rec->keylen, rec->hash);
        if (old) {
            old->names = rec->names; /* what the handler reads now */
            cache_touch(c, old);
            free(rec);
        } else
            cache_insert(c, rec);
        rec = NULL;
        if (cache_find(c, e->key, e->keylen, e->hash) == NULL) {
            cache_insert(c, e);
            e = NULL;
        }
    }
    pthread_mutex_unlock(&c->lock);
    free(rec);
    if (e) {
        blob_release(e->body);
        free(e);
    }
}

/* The application's change hook: every committed change drops the cache. */
static void cache_changed(void *ctx) { urne_cache_clear(ctx); }

void urne_cache_clear(urne_server *srv) {
    urne_cache *c = srv->cache;
    pthread_mutex_lock(&c->lock);
    while (c->oldest) cache_remove(c, c->oldest);
    c->gen++;
    pthread_mutex_unlock(&c->lock);
}

/* ---- login throttling ---- */

#define PAIR_FAILURES 5     /* failures of one (account, address) pair before it waits */
#define ADDR_FAILURES 30    /* failures from one address before its failed pairs wait after one */
#define THROTTLE_PAUSE 60   /* the first wait, doubled at each further failure... */
#define THROTTLE_MAX 900    /* ...up to this */
#define THROTTLE_QUIET 900  /* failures are forgotten after this long without one */
#define THROTTLE_WAYS 8
#define PAIR_SETS 4096
#define ADDR_SETS 1024

/* A pair or an address, by a keyed hash of its text (0: an empty slot). */
typedef struct throttle_slot {
    uint64_t key;
    int failures;
    int told; /* a refusal during the current wait was logged: once is enough */
    double last, blocked_until;
} throttle_slot;

/* Set-associative tables: a key lives in one set of THROTTLE_WAYS slots, chosen by
 * a hash keyed with a secret, so nobody can aim at the set of someone else's pair
 * to push it out. A full set gives up its longest-idle slot not held back. */
struct urne_throttle {
    pthread_mutex_t lock;
    unsigned char secret[crypto_shorthash_KEYBYTES];
    throttle_slot pairs[PAIR_SETS][THROTTLE_WAYS];
    throttle_slot addrs[ADDR_SETS][THROTTLE_WAYS];
};

static uint64_t throttle_key(const urne_throttle *t, const char *addr, const char *name) {
    size_t a = strlen(addr), n = name ? strlen(name) : 0;
    unsigned char h[crypto_shorthash_BYTES];
    char *text = malloc(a + n + 2);
    if (text == NULL) return 1;
    memcpy(text, addr, a + 1);
    if (name) memcpy(text + a + 1, name, n + 1);
    crypto_shorthash(h, (const unsigned char *)text, name ? a + n + 2 : a, t->secret);
    free(text);
    uint64_t k;
    memcpy(&k, h, sizeof k);
    return k ? k : 1;
}

static throttle_slot *throttle_find(throttle_slot (*sets)[THROTTLE_WAYS], size_t nsets, uint64_t key, int create,
                                    double now) {
    throttle_slot *set = sets[(key >> 7) % nsets], *victim = NULL;
    for (size_t i = 0; i < THROTTLE_WAYS; i++)
        if (set[i].key == key) return &set[i];
    if (!create) return NULL;
    for (size_t i = 0; i < THROTTLE_WAYS; i++) {
        throttle_slot *s = &set[i];
        if (s->key == 0) {
            victim = s;
            break;
        }
        int held = s->blocked_until > now;
        if (victim == NULL || (victim->blocked_until > now && !held) ||
            ((victim->blocked_until > now) == held && s->last < victim->last))
            victim = s;
    }
    memset(victim, 0, sizeof *victim);
    victim->key = key;
    return victim;
}

/* The failures a slot still counts (forgotten after a quiet spell). */
static int throttle_failures(const throttle_slot *s, double now) {
    if (s == NULL) return 0;
    return s->blocked_until <= now && now - s->last > THROTTLE_QUIET ? 0 : s->failures;
}

/* Count a failure; returns the wait it starts (0: none). */
static double throttle_fail(throttle_slot *s, int limit, double now) {
    s->failures = throttle_failures(s, now) + 1;
    s->last = now;
    s->told = 0;
    if (s->failures < limit) return 0;
    double pause = THROTTLE_PAUSE;
    for (int i = limit; i < s->failures && pause < THROTTLE_MAX; i++) pause *= 2;
    if (pause > THROTTLE_MAX) pause = THROTTLE_MAX;
    s->blocked_until = now + pause;
    return pause;
}

/* One line on standard error, the server's own log (the access log keeps one line
 * per request; a refused login is there too, as a 429):
 *   urne: login throttled: address 10.0.0.7, account "obs", 5 failures, wait 60 s
 * The event is "login throttled" (a pair starts a wait), "login refused" (the
 * first attempt during a wait; the next ones are only in the access log, as 429s)
 * or "address throttled" (the address's failed pairs now wait after one failure). */
static void throttle_log(urne_server *srv, const char *event, const char *addr, const char *name, int failures,
                         int wait) {
    char who[80], at[24];
    log_safe(name, who, sizeof who);
    urne_store_now(at);
    pthread_mutex_lock(&srv->log_lock);
    if (*who)
        fprintf(stderr, "urne: %s %s: address %s, account \"%s\", %d failure%s, wait %d s\n", at, event,
                addr ? addr : "?", who, failures, failures == 1 ? "" : "s", wait);
    else
        fprintf(stderr, "urne: %s %s: address %s, %d failure%s, wait %d s\n", at, event, addr ? addr : "?", failures,
                failures == 1 ? "" : "s", wait);
    fflush(stderr);
    pthread_mutex_unlock(&srv->log_lock);
}

int urne_throttle_blocked(urne_server *srv, const char *name, const char *addr, int *retry_after) {
    urne_throttle *t = srv->throttle;
    addr = addr ? addr : "?";
    uint64_t kp = throttle_key(t, addr, name ? name : ""), ka = throttle_key(t, addr, NULL);
    double now = now_seconds(), wait = 0;
    pthread_mutex_lock(&t->lock);
    throttle_slot *p = throttle_find(t->pairs, PAIR_SETS, kp, 0, now);
    throttle_slot *a = throttle_find(t->addrs, ADDR_SETS, ka, 0, now);
    int failures = throttle_failures(p, now), tell = 0;
    if (p && p->blocked_until > now) wait = p->blocked_until - now;
    if (failures > 0 && a && a->blocked_until > now && a->blocked_until - now > wait) wait = a->blocked_until - now;
    if (wait > 0 && !p->told) tell = p->told = 1;
    pthread_mutex_unlock(&t->lock);
    *retry_after = wait > 0 ? (int)wait + 1 : 0;
    if (tell) throttle_log(srv, "login refused", addr, name, failures, *retry_after);
    return wait > 0;
}

void urne_throttle_record(urne_server *srv, const char *name, const char *addr, int success) {
    urne_throttle *t = srv->throttle;
    addr = addr ? addr : "?";
    uint64_t kp = throttle_key(t, addr, name ? name : ""), ka = throttle_key(t, addr, NULL);
    double now = now_seconds(), pair_wait = 0, addr_wait = 0;
    int failures = 0, addr_failures = 0;
    pthread_mutex_lock(&t->lock);
    if (success) {
        throttle_slot *p = throttle_find(t->pairs, PAIR_SETS, kp, 0, now);
        if (p) memset(p, 0, sizeof *p);
    } else {
        throttle_slot *p = throttle_find(t->pairs, PAIR_SETS, kp, 1, now);
        throttle_slot *a = throttle_find(t->addrs, ADDR_SETS, ka, 1, now);
        pair_wait = throttle_fail(p, PAIR_FAILURES, now);
        addr_wait = throttle_fail(a, ADDR_FAILURES, now);
        failures = p->failures;
        addr_failures = a->failures;
    }
    pthread_mutex_unlock(&t->lock);
    if (pair_wait > 0) throttle_log(srv, "login throttled", addr, name, failures, (int)pair_wait);
    if (addr_wait > 0) throttle_log(srv, "address throttled", addr, NULL, addr_failures, (int)addr_wait);
}

/* ---- requests ---- */

const char *urne_req_param(const urne_req *r, const char *key) {
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].key, key) == 0) return r->params[i].value;
    return NULL;
}

const char *urne_req_query(const urne_req *r, const char *key) {
    /* The cache keys a response on the arguments its handler read: note them
     * (the language is the request's already). The request is ours to change: the
     * const is the handlers' promise, not the object's. */
    if (r->cacheable && strcmp(key, "lang") != 0) {
        int i = query_index(key);
        if (i < 0)
            ((urne_req *)r)->cacheable = 0;
        else
            ((urne_req *)r)->query_read |= 1u << i;
    }
    return mhd.lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Add a body field. A field's name is clean one-line text and its value clean text
 * (line breaks allowed), each given once: a broken byte or a repeated field is
 * refused (400) rather than stored, cut at a NUL, or silently shadowed. 0, or -1
 * with the reason in why. */
static int add_param(urne_req *r, const char *k, size_t klen, const char *v, size_t vlen, char *why, size_t size) {
    if (r->nparams >= 4096) {
        snprintf(why, size, "too many fields (at most 4096)");
        return -1;
    }
    if (!clean_text((const unsigned char *)k, klen)) {
        snprintf(why, size, "a field's name holds a control character or is not UTF-8");
        return -1;
    }
    if (!clean_text_with((const unsigned char *)v, vlen, 1)) {
        snprintf(why, size, "field '%.*s': a control character or bytes that are not UTF-8", (int)(klen < 64 ? klen : 64),
                 k);
        return -1;
    }
    for (size_t i = 0; i < r->nparams; i++)
        if (strlen(r->params[i].key) == klen && memcmp(r->params[i].key, k, klen) == 0) {
            snprintf(why, size, "field '%.*s' is given twice", (int)(klen < 64 ? klen : 64), k);
            return -1;
        }
    urne_param *p = realloc(r->params, (r->nparams + 1) * sizeof *p);
    if (p == NULL) return -1;
    r->params = p;
    char *key = strndup(k, klen), *value = strndup(v, vlen);
    if (key == NULL || value == NULL) {
        free(key);
        free(value);
        snprintf(why, size, "out of memory");
        return -1;
    }
    r->params[r->nparams++] = (urne_param){key, value};
    return 0;
}

/* Decode a form's %XX and '+' in place; (size_t)-1 when a '%' is not followed by
 * two hexadecimal digits. */
static size_t url_decode(char *s, size_t n) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+')
            s[o++] = ' ';
        else if (s[i] == '%') {
            int hi = i + 1 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) return (size_t)-1;
            s[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else
            s[o++] = s[i];
    }
    return o;
}

static int parse_form(urne_req *r, char *why, size_t size) {
    char *p = r->body, *end = r->body + r->body_len;
    while (p < end) {
        char *amp = memchr(p, '&', (size_t)(end - p));
        if (amp == NULL) amp = end;
        char *eq = memchr(p, '=', (size_t)(amp - p));
        char *kend = eq ? eq : amp;
        size_t klen = url_decode(p, (size_t)(kend - p));
        size_t vlen = eq ? url_decode(eq + 1, (size_t)(amp - eq - 1)) : 0;
        if (klen == (size_t)-1 || vlen == (size_t)-1) {
            snprintf(why, size, "the form holds a '%%' not followed by two hexadecimal digits");
            return -1;
        }
        if (klen && add_param(r, p, klen, eq ? eq + 1 : "", vlen, why, size) < 0) return -1;
        p = amp + 1;
    }
    return 0;
}

/* A JSON body's member as fields: strings as they are, numbers written out,
 * booleans as "true"/"false" (so that a figure given as true is refused as not a
 * whole number, not counted as 1), arrays flattened to key.0, key.1... 0, or -1
 * with the reason in why. */
static int add_json_value(urne_req *r, const char *key, json_t *v, char *why, size_t size) {
    char num[32];
    size_t klen = strlen(key);
    if (json_is_string(v)) return add_param(r, key, klen, json_string_value(v), json_string_length(v), why, size);
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return add_param(r, key, klen, num, strlen(num), why, size);
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        return add_param(r, key, klen, num, strlen(num), why, size);
    }
    if (json_is_boolean(v)) {
        const char *t = json_is_true(v) ? "true" : "false";
        return add_param(r, key, klen, t, strlen(t), why, size);
    }
    if (json_is_null(v)) return add_param(r, key, klen, "", 0, why, size);
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            size_t kcap = klen + 24;
            char *k = malloc(kcap);
            if (k == NULL) {
                snprintf(why, size, "out of memory");
                return -1;
            }
            snprintf(k, kcap, "%s.%zu", key, i); /* fits: 20 digits at most */
            int rc = json_is_array(x) || json_is_object(x) ? -2 : add_json_value(r, k, x, why, size);
            free(k);
            if (rc == -2) snprintf(why, size, "field '%.64s': nested arrays and objects are not accepted", key);
            if (rc < 0) return -1;
        }
        return 0;
    }
    snprintf(why, size, "field '%.64s': nested objects are not accepted", key);
    return -1;
}

/* 0, or -1 with the reason in why. */
static int parse_body(urne_req *r, char *why, size_t size) {
    const char *type = mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (r->body_len == 0 || type == NULL) return 0;
    if (strncasecmp(type, "application/json", 16) == 0) {
        json_error_t err;
        json_t *o = json_loadb(r->body, r->body_len, 0, &err);
        r->is_json = 1;
        if (!json_is_object(o)) {
            snprintf(why, size, "the body is not a JSON object (line %d, column %d: %s)", err.line, err.column,
                     o ? "expected an object" : err.text);
            json_decref(o);
            return -1;
        }
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v) {
            if (add_json_value(r, k, v, why, size) < 0) {
                json_decref(o);
                return -1;
            }
        }
        json_decref(o);
        return 0;
    }
    if (strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0) {
        if (parse_form(r, why, size) < 0) return -1;
    }
    return 0; /* any other type (text/csv): the body is kept as it is, for imports */
}

static void pick_lang(urne_req *r) {
    const char *q = urne_req_query(r, "lang");
    const char *c = mhd.lookup_connection_value(r->conn, MHD_COOKIE_KIND, "urne_lang");
    const char *a = mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Language");
    const char *pick = q ? q : c ? c : NULL;
    /* Pages speak French unless asked otherwise; the API speaks English, like the
     * rest of urne's programming surface, unless the client prefers French. */
    int api = strncmp(r->url, "/api/", 5) == 0;
    if (pick)
        r->lang = strncmp(pick, "en", 2) == 0 ? URNE_LANG_EN : URNE_LANG_FR;
    else if (a)
        r->lang = strncmp(a, "fr", 2) == 0 ? URNE_LANG_FR : strncmp(a, "en", 2) == 0 ? URNE_LANG_EN
                                                        : api ? URNE_LANG_EN : URNE_LANG_FR;
    else
        r->lang = api ? URNE_LANG_EN : URNE_LANG_FR;
}

static void token_hash(const char *token, char out[65]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void find_session(urne_req *r) {
    r->user.role = URNE_ROLE_PUBLIC;
    const char *token = mhd.lookup_connection_value(r->conn, MHD_COOKIE_KIND, "urne_session");
    const char *auth = mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        token = auth + 7;
        r->bearer = 1;
    }
    if (token == NULL || strlen(token) != 64) return;
    token_hash(token, r->token_hash);
    urne_user u;
    int found = urne_app_session_get(&r->srv->app, r->token_hash, (int64_t)time(NULL), &u, r->csrf);
    if (found == 1) r->user = u;
}

void urne_session_cookie(const urne_req *r, const char *token, char *out, size_t size) {
    if (token)
        snprintf(out, size, "urne_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
                 SESSION_SECONDS, r->srv->secure_cookies ? "; Secure" : "");
    else
        snprintf(out, size, "urne_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
                 r->srv->secure_cookies ? "; Secure" : "");
}

int urne_session_open(urne_req *r, const urne_user *u, char token_out[65]) {
    unsigned char raw[32], c[16];
    randombytes_buf(raw, sizeof raw);
    randombytes_buf(c, sizeof c);
    sodium_bin2hex(token_out, 65, raw, sizeof raw);
    char hash[65], csrf[65];
    token_hash(token_out, hash);
    sodium_bin2hex(csrf, sizeof csrf, c, sizeof c);
    int rc = urne_app_session_put(&r->srv->app, hash, u->id, csrf, (int64_t)time(NULL) + SESSION_SECONDS);
    if (rc == 0) {
        r->user = *u;
        memcpy(r->csrf, csrf, sizeof r->csrf);
        memcpy(r->token_hash, hash, sizeof r->token_hash);
    }
    return rc;
}

/* ---- responses ---- */

/* Sent with every response (add_headers). No inline script or style, nothing
 * from elsewhere, no framing by another site, forms posted only here. */
static const char *const security_headers[][2] = {
    {"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
    {"Referrer-Policy", "same-origin"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
};

/* The headers of every response, the cache's included: the type, the security
 * headers, no-store unless cacheable, then the handler's own (as a NULL-ended
 * array of name, value, or as npacked "name\0value\0" pairs from the cache). */
static void add_headers(struct MHD_Response *resp, const char *type, int cacheable, const char *const *extra,
                        const char *packed, size_t npacked) {
    mhd.add_response_header(resp, "Content-Type", type);
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        mhd.add_response_header(resp, security_headers[i][0], security_headers[i][1]);
    if (!cacheable) mhd.add_response_header(resp, "Cache-Control", "no-store");
    for (size_t i = 0; extra && extra[i]; i += 2) mhd.add_response_header(resp, extra[i], extra[i + 1]);
    for (size_t i = 0; packed && i < npacked; i++) {
        const char *name = packed, *value = name + strlen(name) + 1;
        mhd.add_response_header(resp, name, value);
        packed = value + strlen(value) + 1;
    }
}

enum MHD_Result urne_reply_full(urne_req *r, unsigned status, const char *type, const char *body, size_t len,
                                const char *const *headers) {
    struct MHD_Response *resp = mhd.create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (resp == NULL) return MHD_NO;
    add_headers(resp, type, r->cacheable, headers, NULL, 0);
    enum MHD_Result ret = mhd.queue_response(r->conn, status, resp);
    mhd.destroy_response(resp);
    r->status = (int)status;
    r->sent = len;
    if (r->cacheable && status == 200) cache_store(r, type, body, len, headers);
    return ret;
}

enum MHD_Result urne_reply(urne_req *r, unsigned status, const char *type, const char *body, size_t len) {
    return urne_reply_full(r, status, type, body, len, NULL);
}

enum MHD_Result urne_redirect(urne_req *r, const char *location, const char *set_cookie) {
    const char *h[] = {"Location", location, set_cookie ? "Set-Cookie" : NULL, set_cookie, NULL};
    r->cacheable = 0;
    return urne_reply_full(r, 303, "text/plain; charset=utf-8", "", 0, h);
}

enum MHD_Result urne_reply_json_error(urne_req *r, unsigned status, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *o = json_pack("{s:s, s:i}", "error", msg, "status", (int)status);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    r->cacheable = 0;
    enum MHD_Result ret = urne_reply(r, status, "application/json", text ? text : "{}", text ? strlen(text) : 2);
    free(text);
    return ret;
}

static enum MHD_Result refuse(urne_req *r, unsigned status, const char *msg) {
    if (strncmp(r->url, "/api/", 5) == 0) return urne_reply_json_error(r, status, "%s", msg);
    urne_buf b = {0};
    urne_buf_puts(&b, "<!doctype html><meta charset=utf-8><title>urne</title><p>");
    urne_buf_html(&b, msg);
    urne_buf_puts(&b, "</p><p><a href=\"/\">urne</a></p>");
    size_t len;
    char *body = urne_buf_take(&b, &len);
    enum MHD_Result ret = urne_reply(r, status, "text/html; charset=utf-8", body ? body : "", body ? len : 0);
    free(body);
    return ret;
}

/* ---- the request's life ---- */

static int is_import(const char *url, const char *method) {
    return strcmp(method, "POST") == 0 && (strcmp(url, "/api/elections") == 0 || strcmp(url, "/admin/elections") == 0);
}

static enum MHD_Result dispatch(urne_req *r) {
    pick_lang(r);
    if (r->too_large) return refuse(r, 413, L(r, "Requête trop grande.", "Request too large."));
    int is_get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int has_cookie = mhd.lookup_connection_value(r->conn, MHD_COOKIE_KIND, "urne_session") != NULL ||
                     mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization") != NULL;
    if (is_get && !has_cookie) {
        r->cacheable = 1;
        enum MHD_Result ret;
        if (cache_serve(r, &ret)) return ret;
    }
    if (!is_get && strcmp(r->method, "POST") != 0)
        return refuse(r, 405, L(r, "Méthode non permise.", "Method not allowed."));
    char why[300];
    if (parse_body(r, why, sizeof why) < 0) return refuse(r, 400, why);
    find_session(r);
    /* A POST carried by a cookie must prove it comes from our own page or script. */
    if (!is_get && r->user.role != URNE_ROLE_PUBLIC && !r->bearer) {
        const char *t = mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        if (t == NULL) t = urne_req_param(r, "csrf");
        if (t == NULL || strlen(t) != strlen(r->csrf) || sodium_memcmp(t, r->csrf, strlen(r->csrf)) != 0)
            return refuse(r, 403,
                          L(r, "Jeton CSRF absent ou invalide : rechargez la page et recommencez.",
                            "Missing or invalid CSRF token: reload the page and try again."));
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
        r->conn = conn;
        r->method = method;
        r->url = url;
        r->started = now_seconds();
        *con_cls = r;
        /* The unescaper marked the connection: a control character or broken
         * UTF-8 in the path or the query. Answered before any body is read. */
        const union MHD_ConnectionInfo *ci = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        conn_ctx *x = ci ? ci->socket_context : NULL;
        if (x && r->srv->deadlines) urne_deadlines_busy(r->srv->deadlines, x->deadline, 1); /* headers complete */
        if (x && x->bad_url) {
            x->bad_url = 0;
            pick_lang(r);
            return refuse(r, 400,
                          L(r, "Adresse invalide : caractère de contrôle ou UTF-8 incorrect dans le chemin "
                               "ou la requête.",
                            "Bad address: a control character or invalid UTF-8 in the path or query."));
        }
        const char *cl = mhd.lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        size_t limit = is_import(url, method) ? IMPORT_LIMIT : BODY_LIMIT;
        if (cl && strtoull(cl, NULL, 10) > limit) {
            r->too_large = 1;
            return dispatch(r); /* answered before the body is read; the connection then closes */
        }
        return MHD_YES;
    }
    if (*upload_size) {
        size_t limit = is_import(url, method) ? IMPORT_LIMIT : BODY_LIMIT;
        if (!r->too_large && r->body_len + *upload_size <= limit) {
            if (r->body_len + *upload_size + 1 > r->body_cap) {
                size_t cap = r->body_cap ? r->body_cap : 4096;
                while (cap < r->body_len + *upload_size + 1) cap *= 2;
                char *b = realloc(r->body, cap);
                if (b == NULL) return MHD_NO;
                r->body = b;
                r->body_cap = cap;
            }
            memcpy(r->body + r->body_len, upload, *upload_size);
            r->body_len += *upload_size;
            r->body[r->body_len] = 0;
        } else
            r->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->status) return MHD_YES; /* already answered (body too large) */
    return dispatch(r);
}

static void log_access(urne_req *r) {
    urne_server *srv = r->srv;
    if (srv->access_log == NULL) return;
    char at[24], addr[64], peer[64] = "";
    urne_store_now(at);
    urne_req_addr(r, addr, sizeof addr);
    addr16 p;
    if (conn_peer(r->conn, &p) == 0) addr_text(&p, peer, sizeof peer);
    /* A path refused for broken UTF-8 is logged with '?' for its odd bytes. */
    const char *url = r->url ? r->url : "";
    char *clean = NULL;
    if (!clean_text((const unsigned char *)url, strlen(url)) && (clean = strdup(url)) != NULL) {
        for (char *c = clean; *c; c++)
            if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) *c = '?';
        url = clean;
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:f, s:s}", "time", at, "remote", addr, "method",
                          r->method ? r->method : "", "path", url, "status", r->status, "bytes",
                          (json_int_t)r->sent, "ms", (now_seconds() - r->started) * 1000.0, "user",
                          r->user.role == URNE_ROLE_PUBLIC ? "" : r->user.name);
    free(clean);
    /* Behind a trusted proxy, the proxy too. */
    if (o && *peer && strcmp(peer, addr) != 0) json_object_set_new(o, "peer", json_string(peer));
    char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (line) {
        pthread_mutex_lock(&srv->log_lock);
        fprintf(srv->access_log, "%s\n", line);
        pthread_mutex_unlock(&srv->log_lock);
        free(line);
    }
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
    urne_req *r = *con_cls;
    if (r == NULL) return;
    const union MHD_ConnectionInfo *ci = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_ctx *x = ci ? ci->socket_context : NULL;
    if (x && r->srv->deadlines) urne_deadlines_busy(r->srv->deadlines, x->deadline, 0); /* the next one's clock */
    log_access(r);
    for (size_t i = 0; i < r->nparams; i++) {
        free(r->params[i].key);
        free(r->params[i].value);
    }
    free(r->params);
    free(r->body);
    free(r);
    *con_cls = NULL;
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_in *sa, char *err, size_t size) {
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
        snprintf(err, size, "--listen %s: expected ADDRESS:PORT with an IPv4 address, e.g. 127.0.0.1:8080", listen);
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
 * shared memory), the log, the listening socket, epoll, one per thread... */
#define FILES_RESERVED 64

int urne_web_serve(const urne_serve_options *opt) {
    char err[600];
    struct sockaddr_in sa;
    if (parse_listen(opt->listen, &sa, err, sizeof err) < 0) {
        fprintf(stderr, "urne serve: %s\n", err);
        return 2;
    }
    struct urne_proxies *proxies = calloc(1, sizeof *proxies + opt->ntrusted_proxies * sizeof(proxy_net));
    if (proxies == NULL) {
        fprintf(stderr, "urne serve: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < opt->ntrusted_proxies; i++)
        if (proxy_parse(opt->trusted_proxies[i], &proxies->nets[proxies->n++]) < 0) {
            fprintf(stderr, "urne serve: --trusted-proxy %s: expected an IPv4 or IPv6 address, or ADDRESS/BITS\n",
                    opt->trusted_proxies[i]);
            free(proxies);
            return 2;
        }

    /* Connections: the file limit decides how many can be open at once. */
    rlim_t files = raise_file_limit();
    rlim_t room = files > FILES_RESERVED + 16 ? files - FILES_RESERVED : 16;
    unsigned fit = room < 1000000 ? (unsigned)room : 1000000;
    unsigned max_conn = opt->max_connections ? opt->max_connections
                        : fit < URNE_SERVE_MAX_CONNECTIONS ? fit
                                                           : URNE_SERVE_MAX_CONNECTIONS;
    if (max_conn > fit) {
        fprintf(stderr,
                "urne serve: --max-connections %u is more than the open-file limit allows (%llu files); using %u\n",
                max_conn, (unsigned long long)files, fit);
        max_conn = fit;
    }
    unsigned timeout = opt->connection_timeout ? opt->connection_timeout : URNE_SERVE_TIMEOUT;
    size_t cache_bytes = opt->cache_bytes == (size_t)-1 ? (size_t)URNE_SERVE_CACHE_MIB << 20 : opt->cache_bytes;
    conns.limit = opt->max_per_address;
    conns.cap = 1024;
    while (conns.cap < 4 * (size_t)max_conn) conns.cap *= 2;
    conns.slots = calloc(conns.cap, sizeof *conns.slots);
    conns.used = 0;

    if (sodium_init() < 0) {
        fprintf(stderr, "urne serve: libsodium could not start\n");
        free(proxies);
        return 1;
    }
    if (urne_mhd_open(&mhd, err, sizeof err) != 0) {
        fprintf(stderr, "urne serve: %s\n", err);
        free(proxies);
        return 1;
    }
    urne_server srv = {0};
    pthread_mutex_init(&srv.log_lock, NULL);
    srv.secure_cookies = opt->secure_cookies;
    srv.proxies = proxies;
    urne_store *store = urne_store_open(opt->db, err, sizeof err);
    if (store == NULL) {
        fprintf(stderr, "urne serve: %s\n", err);
        free(proxies);
        return 1;
    }
    srv.cache = calloc(1, sizeof *srv.cache);
    srv.throttle = calloc(1, sizeof *srv.throttle);
    if (srv.cache == NULL || srv.throttle == NULL || conns.slots == NULL) {
        fprintf(stderr, "urne serve: out of memory\n");
        urne_store_close(store);
        return 1;
    }
    pthread_mutex_init(&srv.cache->lock, NULL);
    srv.cache->budget = cache_bytes;
    pthread_mutex_init(&srv.throttle->lock, NULL);
    randombytes_buf(srv.throttle->secret, sizeof srv.throttle->secret);
    if (urne_app_open(&srv.app, store, err, sizeof err) < 0) {
        fprintf(stderr, "urne serve: %s: %s\n", opt->db, err);
        urne_store_close(store);
        return 1;
    }
    srv.app.changed = cache_changed;
    srv.app.changed_ctx = &srv;
    if (opt->access_log && strcmp(opt->access_log, "-") == 0)
        srv.access_log = stderr;
    else if (opt->access_log) {
        srv.access_log = fopen(opt->access_log, "a");
        if (srv.access_log == NULL) {
            fprintf(stderr, "urne serve: %s: cannot open the access log\n", opt->access_log);
            urne_app_close(&srv.app);
            urne_store_close(store);
            return 1;
        }
        setvbuf(srv.access_log, NULL, _IOLBF, 0);
    }

    /* The threads libmicrohttpd starts inherit this mask: signals reach sigwait only. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = opt->threads ? opt->threads : (unsigned)(cores > 0 ? cores : 2);
    srv.deadlines = urne_deadlines_start(timeout); /* headers within the same time as idleness */
    if (srv.deadlines == NULL) {
        fprintf(stderr, "urne serve: cannot start the header deadline's watchdog\n");
        urne_app_close(&srv.app);
        urne_store_close(store);
        return 1;
    }
    struct MHD_Daemon *d = mhd.start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, on_accept, &srv, on_request, &srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_LIMIT, max_conn,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, &srv, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
        MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "urne serve: cannot listen on %s (in use, or not an address of this machine)\n",
                opt->listen);
        urne_deadlines_stop(srv.deadlines);
        urne_app_close(&srv.app);
        urne_store_close(store);
        return 1;
    }
    if (!opt->quiet) {
        char per[32] = "no limit";
        if (conns.limit) snprintf(per, sizeof per, "%u", conns.limit);
        printf("urne: serving %s on http://%s/ (%zu election%s, %u threads); SIGTERM or Ctrl-C stops\n", opt->db,
               opt->listen, srv.app.nelections, srv.app.nelections == 1 ? "" : "s", threads);
        printf("urne: at most %u connections (per address: %s), idle ones closed after %u s; page cache %zu MiB; "
               "%zu trusted prox%s\n",
               max_conn, per, timeout, cache_bytes >> 20, proxies->n, proxies->n == 1 ? "y" : "ies");
        fflush(stdout);
    }
    int sig = 0;
    sigwait(&sigs, &sig);
    if (!opt->quiet) {
        printf("urne: %s received, finishing the requests in flight\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        fflush(stdout);
    }
    mhd.stop_daemon(d);
    urne_deadlines_stop(srv.deadlines);
    urne_cache_clear(&srv);
    urne_mhd_close(&mhd);
    urne_app_close(&srv.app);
    urne_store_close(store);
    if (srv.access_log && srv.access_log != stderr) fclose(srv.access_log);
    free(srv.cache->buckets);
    free(srv.cache);
    free(srv.throttle);
    free(proxies);
    free(conns.slots);
    conns.slots = NULL;
    if (!opt->quiet) printf("urne: stopped cleanly\n");
    return 0;
}
