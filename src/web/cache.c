/*
 * cache: the response cache (what it keeps and when is in cache.h).
 *
 * A hash table of entries threaded on one least-recently-used list, under one
 * mutex. An entry is either a response (its key: "R", the language, the path,
 * then each noted query argument with its value, length-prefixed, or marked
 * absent) or a path's record ("P", the language, the path), which says which
 * arguments the responses of that path are keyed on; urne_cache_serve looks up the
 * record first, builds the response's key from it, then looks that up. Both kinds
 * count against the budget and age the same way.
 *
 * The query argument names the handlers read are numbered once, process-wide, so
 * that a request carries them as a bit set (r->query_read).
 *
 * Which changes drop which entries. Every change counts one more `version`; an
 * entry remembers the version it was rendered at (the one its request began at:
 * it is stored only when nothing changed while it was made) and is good while no
 * change it depends on came after that. What a page depends on is told by its
 * path: /e/N... and /api/elections/N... show election N and nothing of another
 * (their navigation is the anonymous one; their footer, the audit log's head, is
 * dealt with below); /static/... shows no state; every other path (the home
 * page, the list of elections, notices, the audit log) may show anything. The application says of each change
 * whether it was within one election (urne_live_changed_scope: a sheet entered,
 * contested, decided), so that an entry into election 2 drops election 2's pages
 * and the pages of no election, and leaves election 1's; any other change drops
 * everything. Dropped entries are not searched for: they are found stale when
 * next looked up (and removed then), or age out; a change costs a few words.
 *
 * The audit log's head. Pages end with it ("Audit log head: #SEQ HASH") and the
 * results JSON with "audit_head", and it moves with every change: kept as they
 * were rendered, the pages of an election nobody touched would show an old head,
 * and dropped on every change they would be made again a thousand times a second
 * while sheets come in. So when a body is kept, the head it shows is found in it
 * (the 64 hex digits of the hash, which nothing else prints, in the footer's or
 * the JSON's form, once); when the head has moved since, the next hit writes the
 * new head in its place (one copy of the body per head, shared by the hits that
 * follow) and the page is the very bytes a fresh rendering would give. A body
 * showing the hash more than once, or in another form, is kept only until the
 * next change of any kind.
 */
#define _GNU_SOURCE /* memmem */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cache.h"
#include "cache_gzip.h"
#include "reply.h"
#include "server.h"

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

void urne_cache_note_query(urne_req *r, const char *key) {
    if (r->cacheable && strcmp(key, "lang") != 0) {
        int i = query_index(key);
        if (i < 0)
            r->cacheable = 0;
        else
            r->query_read |= 1u << i;
    }
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

/* How a kept body shows the audit log's head: not at all; as the page footer
 * does ("#SEQ HASH"); as the results JSON does ("seq":SEQ,"hash":"HASH"). */
typedef enum { HEAD_NONE, HEAD_PAGE, HEAD_JSON } head_kind;

static size_t head_format(char *out, size_t size, head_kind kind, int64_t seq, const char *hash) {
    int n = snprintf(out, size, kind == HEAD_PAGE ? "#%lld %s" : "\"seq\":%lld,\"hash\":\"%s\"", (long long)seq,
                     hash);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

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
    int64_t election;            /* what it shows: that election only; 0: anything */
    unsigned long version;       /* the cache's version it was rendered at */
    head_kind head;              /* how the body shows the audit log's head */
    size_t head_at, head_len;    /* where */
    unsigned long head_version;  /* the cache's head_version the body shows */
    int64_t expires;             /* CLOCK_MONOTONIC ns after which it is stale; 0: never */
    unsigned long serial;        /* one per entry kept: tells it from a later one of its key */
    urne_cache_gz *gz_parts;     /* the body compressed around its head (cache_gzip.h); NULL: not yet */
    cache_blob *gz;              /* the gzip copy of the body as it is now; NULL: not yet */
    unsigned long gz_version;    /* the head_version gz shows */
    struct MHD_Response *resp, *resp_gz; /* the responses sending body and gz, headers set: made at
                                            their first hit, queued for every hit while their body is
                                            e's (reference counted by libmicrohttpd); NULL: not yet */
} cache_entry;

/* An election's last change made alone (a change's scope, urne_cache_changed). */
typedef struct election_change {
    int64_t id;
    unsigned long version;
} election_change;

struct urne_cache {
    pthread_mutex_t lock;
    unsigned long version;    /* one more at every change */
    unsigned long all_since;  /* the last change that may have touched anything */
    election_change *changes; /* each election's last change */
    size_t nchanges, capchanges;
    int64_t head_seq;         /* the audit log's head now */
    char head_hash[URNE_AUDIT_HASH_HEX];
    unsigned long head_version; /* one more each time the head moves */
    unsigned long serials;      /* entries kept so far */
    size_t budget, used, count, nbuckets;
    cache_entry **buckets;
    cache_entry *newest, *oldest;
};

/* What a path's page depends on: the election it shows alone, N for /e/N,
 * /e/N/..., /api/elections/N and /api/elections/N/...; STATIC_PATH for the files
 * under /static/, which no change alters; 0 for any other path (it may show
 * anything). */
#define STATIC_PATH ((int64_t)-1)

static int64_t path_election(const char *url) {
    if (strncmp(url, "/static/", 8) == 0) return STATIC_PATH;
    const char *p = strncmp(url, "/e/", 3) == 0 ? url + 3
                    : strncmp(url, "/api/elections/", 15) == 0 ? url + 15 : NULL;
    if (p == NULL || *p < '1' || *p > '9') return 0;
    int64_t id = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (id > (INT64_MAX - 9) / 10) return 0;
        id = id * 10 + (*p - '0');
    }
    return *p == 0 || *p == '/' ? id : 0;
}

/* The version of the last change that an entry showing `election` depends on. */
static unsigned long changed_since(const urne_cache *c, int64_t election) {
    if (election == 0) return c->version;
    unsigned long v = c->all_since;
    for (size_t i = 0; election != STATIC_PATH && i < c->nchanges; i++)
        if (c->changes[i].id == election && c->changes[i].version > v) v = c->changes[i].version;
    return v;
}

/* The initiatives' pages and their JSON show counts that a signature moves
 * without a change of the application's (app/initiative_sign.c says why), so
 * they are kept at most COUNTS_LAG_NS after they were made: a counter read 20,000
 * times a second while 20,000 signatures a second come in is made once a
 * second, not 20,000 times, and lags the count by a second at most. */
#define COUNTS_LAG_NS ((int64_t)1000000000)

static int path_shows_counts(const char *url) {
    return strncmp(url, "/initiatives", 12) == 0 || strncmp(url, "/api/initiatives", 16) == 0;
}

static int64_t monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int entry_good(const urne_cache *c, const cache_entry *e) {
    return e->version >= changed_since(c, e->election) && (e->expires == 0 || monotonic_ns() < e->expires);
}

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
        const char *v = urne_server_mhd.lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
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

/* The response in *slot given back (the connections sending it keep it), if any. */
static void response_drop(struct MHD_Response **slot) {
    if (*slot) urne_server_mhd.destroy_response(*slot);
    *slot = NULL;
}

static void cache_remove(urne_cache *c, cache_entry *e) {
    cache_entry **p = &c->buckets[e->hash & (c->nbuckets - 1)];
    while (*p != e) p = &(*p)->next;
    *p = e->next;
    lru_unlink(c, e);
    c->used -= e->bytes;
    c->count--;
    response_drop(&e->resp);
    response_drop(&e->resp_gz);
    blob_release(e->body);
    blob_release(e->gz);
    urne_cache_gz_free(e->gz_parts);
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
    e->serial = ++c->serials;
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

/* The body of e with the head as it is now, when it shows the head and the head
 * moved since it was kept: the new body replaces the old (responses being sent
 * keep theirs). Under the cache's lock. 0, or -1 when out of memory (e is then
 * not to be sent). */
static int head_refresh(urne_cache *c, cache_entry *e) {
    if (e->head == HEAD_NONE || e->head_version == c->head_version) return 0;
    char now[160];
    size_t nlen = head_format(now, sizeof now, e->head, c->head_seq, c->head_hash);
    const cache_blob *old = e->body;
    size_t len = old->len - e->head_len + nlen;
    cache_blob *b = nlen ? malloc(sizeof *b + len) : NULL;
    if (b == NULL) return -1;
    atomic_init(&b->refs, 1);
    b->len = len;
    memcpy(b->data, old->data, e->head_at);
    memcpy(b->data + e->head_at, now, nlen);
    memcpy(b->data + e->head_at + nlen, old->data + e->head_at + e->head_len, old->len - e->head_at - e->head_len);
    c->used = c->used - old->len + len;
    e->bytes = e->bytes - old->len + len;
    response_drop(&e->resp); /* it sends the old body */
    blob_release(e->body);
    e->body = b;
    e->head_len = nlen;
    e->head_version = c->head_version;
    return 0;
}

/* The entry under key if it is still good; a stale one is removed. */
static cache_entry *cache_find_good(urne_cache *c, const char *key, size_t len) {
    cache_entry *e = cache_find(c, key, len, key_hash(key, len));
    if (e && !entry_good(c, e)) {
        cache_remove(c, e);
        e = NULL;
    }
    return e;
}

/* e's size grew by `more` bytes (its gzip copy): counted, and the oldest
 * entries but e dropped while the cache is over its budget. */
static void entry_grew(urne_cache *c, cache_entry *e, size_t more) {
    e->bytes += more;
    c->used += more;
    while (c->used > c->budget && c->oldest && c->oldest != e) cache_remove(c, c->oldest);
}

/* Where e's head is in its body now: at, n (nothing: the body's end, 0). */
static void head_span(const cache_entry *e, size_t *at, size_t *n) {
    *at = e->head == HEAD_NONE ? e->body->len : e->head_at;
    *n = e->head == HEAD_NONE ? 0 : e->head_len;
}

/* The entry under key, good, its head refreshed, with its body compressed in
 * parts when gz asks for it: made outside the cache's lock (a page takes a
 * millisecond or so), and kept when the entry it was made from is still there.
 * Called and returning with the lock held; NULL when there is none to send. */
static cache_entry *entry_for(urne_cache *c, const char *key, size_t klen, int gz) {
    cache_entry *e = cache_find_good(c, key, klen);
    if (e == NULL || e->body == NULL || head_refresh(c, e) != 0) return NULL;
    if (!gz || e->gz_parts || !urne_cache_gz_worth(e->type, e->body->len)) return e;
    cache_blob *b = e->body;
    size_t at, n;
    head_span(e, &at, &n);
    unsigned long serial = e->serial;
    atomic_fetch_add(&b->refs, 1);
    pthread_mutex_unlock(&c->lock);
    urne_cache_gz *parts = urne_cache_gz_make(b->data, b->len, at, n);
    blob_release(b);
    pthread_mutex_lock(&c->lock);
    e = cache_find_good(c, key, klen);
    if (e && e->serial == serial && e->gz_parts == NULL && parts) {
        e->gz_parts = parts; /* the bytes around the head are the same in every body e has */
        parts = NULL;
        entry_grew(c, e, urne_cache_gz_bytes(e->gz_parts));
    }
    urne_cache_gz_free(parts);
    if (e && (e->body == NULL || head_refresh(c, e) != 0)) e = NULL;
    return e;
}

/* e's gzip copy as its body is now, made from its parts if the head moved since
 * the last; NULL when it has no parts or memory lacks. Under the cache's lock. */
static cache_blob *entry_gz(urne_cache *c, cache_entry *e) {
    if (e->gz_parts == NULL) return NULL;
    if (e->gz && e->gz_version == e->head_version) return e->gz;
    size_t at, n;
    head_span(e, &at, &n);
    size_t len = urne_cache_gz_size(e->gz_parts, n);
    cache_blob *b = len ? malloc(sizeof *b + len) : NULL;
    if (b == NULL) return NULL;
    atomic_init(&b->refs, 1);
    b->len = len;
    urne_cache_gz_write(e->gz_parts, e->body->data + at, n, b->data);
    if (e->gz) {
        e->bytes -= e->gz->len;
        c->used -= e->gz->len;
        response_drop(&e->resp_gz); /* it sends the old copy */
        blob_release(e->gz);
    }
    e->gz = b;
    e->gz_version = e->head_version;
    entry_grew(c, e, len);
    return b;
}

/* The response sending b, e's body (zipped 0) or its gzip copy (1), with e's
 * headers: made at the first hit since b became e's, then the same response
 * queued for every hit (libmicrohttpd counts the connections sending it), so
 * that a hit builds nothing. NULL when memory lacks. Under the cache's lock. */
static struct MHD_Response *entry_response(cache_entry *e, cache_blob *b, int zipped) {
    struct MHD_Response **slot = zipped ? &e->resp_gz : &e->resp;
    if (*slot) return *slot;
    atomic_fetch_add(&b->refs, 1); /* the response's, given back when libmicrohttpd frees it */
    struct MHD_Response *resp =
        urne_server_mhd.create_response_from_buffer_with_free_callback(b->len, b->data, blob_release_data);
    if (resp == NULL) {
        blob_release(b);
        return NULL;
    }
    /* Vary: a shared cache between must not give the gzip copy to a client
     * that did not ask for it. */
    int varies = zipped || urne_cache_gz_worth(e->type, e->body->len);
    const char *gzipped[] = {"Content-Encoding", "gzip", "Vary", "Accept-Encoding", NULL};
    urne_reply_headers(resp, e->type, 1, zipped ? gzipped : varies ? gzipped + 2 : NULL, e->headers, e->nheaders);
    urne_server_mhd.add_response_header(resp, "X-Cache", "hit"); /* for operators and tests */
    *slot = resp;
    return resp;
}

int urne_cache_serve(urne_req *r, enum MHD_Result *ret) {
    urne_cache *c = r->srv->cache;
    pthread_mutex_lock(&c->lock);
    r->cache_gen = c->version;
    int off = c->budget == 0;
    pthread_mutex_unlock(&c->lock);
    if (off) return 0;
    /* ?lang=fr|en on a page sets the language cookie: rendered, not cached. */
    const char *lang = urne_server_mhd.lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "lang");
    if (lang && (strcmp(lang, "fr") == 0 || strcmp(lang, "en") == 0) && strncmp(r->url, "/api/", 5) != 0) return 0;
    size_t plen, klen;
    char *pkey = cache_key(r, 1, 0, &plen);
    if (pkey == NULL) return 0;
    pthread_mutex_lock(&c->lock);
    cache_entry *p = cache_find_good(c, pkey, plen);
    unsigned names = p ? p->names : 0;
    if (p) cache_touch(c, p);
    pthread_mutex_unlock(&c->lock);
    free(pkey);
    if (p == NULL) return 0;
    char *key = cache_key(r, 0, names, &klen);
    if (key == NULL) return 0;
    int gz = urne_reply_takes_gzip(r), sent = 0;
    pthread_mutex_lock(&c->lock);
    cache_entry *e = entry_for(c, key, klen, gz);
    cache_blob *send = e ? (gz ? entry_gz(c, e) : NULL) : NULL;
    if (e) {
        int zipped = send != NULL;
        if (send == NULL) send = e->body;
        struct MHD_Response *resp = entry_response(e, send, zipped);
        if (resp) {
            cache_touch(c, e);
            /* Queued under the lock: the entry's response may be given back by
             * the next hit after a change, and queuing it takes its own count. */
            *ret = urne_server_mhd.queue_response(r->conn, 200, resp);
            r->sent = send->len;
            sent = 1;
        }
    }
    pthread_mutex_unlock(&c->lock);
    free(key);
    if (!sent) return 0;
    r->status = 200;
    return 1;
}

/* Where e's body shows the head now in c (the one it was rendered with: nothing
 * changed since), and so what e depends on: the head found once, in one of the
 * two forms, is written anew when it moves; not found, e does not show it; found
 * otherwise, e is kept only until the next change (as a page of no election). */
static void head_find(const urne_cache *c, cache_entry *e) {
    const char *data = e->body->data, *hash = c->head_hash, *at = NULL;
    size_t len = e->body->len, hlen = strlen(hash), found = 0;
    for (const char *p = data; hlen && (p = memmem(p, len - (size_t)(p - data), hash, hlen)) != NULL; p += hlen) {
        at = p;
        found++;
    }
    e->head = HEAD_NONE;
    e->head_version = c->head_version;
    if (hlen == 0) e->election = 0; /* the head is not known: kept until the next change */
    if (found == 0) return;
    for (head_kind k = HEAD_PAGE; found == 1 && k <= HEAD_JSON; k++) {
        char form[160];
        size_t flen = head_format(form, sizeof form, k, c->head_seq, hash);
        size_t before = flen - hlen - (k == HEAD_JSON); /* the form's bytes before the hash */
        if (flen && (size_t)(at - data) >= before && (size_t)(at - data) - before + flen <= len &&
            memcmp(at - before, form, flen) == 0) {
            e->head = k;
            e->head_at = (size_t)(at - data) - before;
            e->head_len = flen;
            return;
        }
    }
    e->election = 0;
}

void urne_cache_store(urne_req *r, const char *type, const char *body, size_t len, const char *const *headers) {
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
    rec->election = e->election = path_election(r->url);
    rec->version = e->version = r->cache_gen;
    if (path_shows_counts(r->url)) e->expires = monotonic_ns() + COUNTS_LAG_NS;
    pthread_mutex_lock(&c->lock);
    if (c->version == r->cache_gen) { /* nothing changed while it was made */
        head_find(c, e);
        cache_entry *old = cache_find(c, rec->key, rec->keylen, rec->hash);
        if (old) cache_remove(c, old); /* what the handler reads now */
        cache_insert(c, rec);
        rec = NULL;
        old = cache_find(c, e->key, e->keylen, e->hash);
        if (old) cache_remove(c, old);
        cache_insert(c, e);
        e = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    free(rec);
    if (e) {
        blob_release(e->body);
        free(e);
    }
}

void urne_cache_changed(urne_server *srv, int64_t election, int64_t seq, const char *hash) {
    urne_cache *c = srv->cache;
    pthread_mutex_lock(&c->lock);
    c->version++;
    size_t i = 0;
    while (election && i < c->nchanges && c->changes[i].id != election) i++;
    if (election && i == c->nchanges && c->nchanges == c->capchanges) {
        size_t cap = c->capchanges ? 2 * c->capchanges : 16;
        election_change *n = realloc(c->changes, cap * sizeof *n);
        if (n) {
            c->changes = n;
            c->capchanges = cap;
        } else
            election = 0; /* no room to say which: everything */
    }
    if (election == 0) {
        c->all_since = c->version;
        c->nchanges = 0; /* all older than all_since now */
        while (c->oldest) cache_remove(c, c->oldest);
    } else {
        if (i == c->nchanges) c->changes[c->nchanges++].id = election;
        c->changes[i].version = c->version;
    }
    if (hash && (seq != c->head_seq || strcmp(hash, c->head_hash) != 0)) {
        c->head_seq = seq;
        snprintf(c->head_hash, sizeof c->head_hash, "%s", hash);
        c->head_version++;
    }
    pthread_mutex_unlock(&c->lock);
}

void urne_cache_clear(urne_server *srv) { urne_cache_changed(srv, 0, 0, NULL); }

urne_cache *urne_cache_new(size_t budget) {
    urne_cache *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->budget = budget;
    return c;
}

void urne_cache_free(urne_cache *c) {
    if (c == NULL) return;
    free(c->changes);
    free(c->buckets);
    free(c);
}
