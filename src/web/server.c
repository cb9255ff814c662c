/*
 * server: urne on libmicrohttpd.
 *
 * A request's life: libmicrohttpd calls `on_request` first with the headers (we
 * refuse a body over the size limit at once), then with the body in pieces
 * (gathered in urne_req), then a last time to answer. We then parse the body (a
 * form or JSON, flattened into fields), find the session (cookie, or a bearer
 * token for API clients), check the CSRF token of any POST made with a cookie,
 * and hand the request to api.c or pages.c. When it is done, `on_completed` writes
 * one JSON line to the access log and frees the request.
 *
 * Anonymous GETs are cached whole (the results pages on election night are read
 * far more than they change); any change clears the cache. A generation number
 * guards against a page rendered before a change being stored after it.
 *
 * Shutdown: SIGTERM or SIGINT stops accepting connections, lets requests in flight
 * finish, and closes the store cleanly.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

/* ---- the response cache ---- */

#define CACHE_SLOTS 4096

typedef struct cache_entry {
    char *key;
    char *body;
    size_t len;
    const char *type;
} cache_entry;

struct urne_cache {
    pthread_rwlock_t lock;
    unsigned long gen;
    size_t used;
    cache_entry slots[CACHE_SLOTS];
};

static size_t cache_hash(const char *k) {
    size_t h = 1469598103934665603ULL;
    for (; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    return h & (CACHE_SLOTS - 1);
}

static void cache_key(const urne_req *r, char *out, size_t size) {
    const char *q = urne_req_query(r, "level"), *u = urne_req_query(r, "unit"), *f = urne_req_query(r, "format");
    snprintf(out, size, "%d|%s|%s|%s|%s", r->lang, r->url, q ? q : "", u ? u : "", f ? f : "");
}

/* Send a cached response if there is one; 1 when sent. */
static int cache_serve(urne_req *r, enum MHD_Result *ret) {
    urne_cache *c = r->srv->cache;
    char key[1024];
    cache_key(r, key, sizeof key);
    pthread_rwlock_rdlock(&c->lock);
    r->cache_gen = c->gen;
    size_t h = cache_hash(key);
    for (size_t i = 0; i < CACHE_SLOTS && c->slots[h].key; i++, h = (h + 1) & (CACHE_SLOTS - 1))
        if (strcmp(c->slots[h].key, key) == 0) {
            struct MHD_Response *resp =
                mhd.create_response_from_buffer(c->slots[h].len, c->slots[h].body, MHD_RESPMEM_MUST_COPY);
            const char *type = c->slots[h].type;
            size_t len = c->slots[h].len;
            pthread_rwlock_unlock(&c->lock);
            if (resp == NULL) return 0;
            mhd.add_response_header(resp, "Content-Type", type);
            mhd.add_response_header(resp, "X-Content-Type-Options", "nosniff");
            *ret = mhd.queue_response(r->conn, 200, resp);
            mhd.destroy_response(resp);
            r->status = 200;
            r->sent = len;
            return 1;
        }
    pthread_rwlock_unlock(&c->lock);
    return 0;
}

static void cache_store(urne_req *r, const char *type, const char *body, size_t len) {
    urne_cache *c = r->srv->cache;
    char key[1024];
    cache_key(r, key, sizeof key);
    pthread_rwlock_wrlock(&c->lock);
    if (c->gen == r->cache_gen && c->used < CACHE_SLOTS / 2) {
        size_t h = cache_hash(key);
        while (c->slots[h].key && strcmp(c->slots[h].key, key) != 0) h = (h + 1) & (CACHE_SLOTS - 1);
        if (c->slots[h].key == NULL) {
            char *k = strdup(key), *b = malloc(len ? len : 1);
            if (k && b) {
                memcpy(b, body, len);
                c->slots[h] = (cache_entry){k, b, len, type};
                c->used++;
            } else {
                free(k);
                free(b);
            }
        }
    }
    pthread_rwlock_unlock(&c->lock);
}

void urne_cache_clear(urne_server *srv) {
    urne_cache *c = srv->cache;
    pthread_rwlock_wrlock(&c->lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        free(c->slots[i].key);
        free(c->slots[i].body);
        c->slots[i] = (cache_entry){0};
    }
    c->used = 0;
    c->gen++;
    pthread_rwlock_unlock(&c->lock);
}

/* ---- login throttling ---- */

#define THROTTLE_SLOTS 1024
#define NAME_FAILURES 5     /* failures allowed for one account... */
#define ADDR_FAILURES 30    /* ...and from one address, before a pause */
#define THROTTLE_WINDOW 900 /* seconds over which failures are counted */
#define THROTTLE_PAUSE 60   /* the first pause, doubled at each further failure, at most the window */

typedef struct throttle_entry {
    char key[96];
    int failures;
    double first, blocked_until;
} throttle_entry;

struct urne_throttle {
    throttle_entry slots[THROTTLE_SLOTS];
};

static throttle_entry *throttle_find(urne_throttle *t, const char *key, int create) {
    throttle_entry *oldest = &t->slots[0];
    for (size_t i = 0; i < THROTTLE_SLOTS; i++) {
        if (strcmp(t->slots[i].key, key) == 0) return &t->slots[i];
        if (t->slots[i].first < oldest->first) oldest = &t->slots[i];
    }
    if (!create) return NULL;
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    return oldest;
}

static int throttle_check(urne_throttle *t, const char *key, double now, int *retry) {
    throttle_entry *e = throttle_find(t, key, 0);
    if (e && e->blocked_until > now) {
        int s = (int)(e->blocked_until - now) + 1;
        if (s > *retry) *retry = s;
        return 1;
    }
    return 0;
}

int urne_throttle_blocked(urne_server *srv, const char *name, const char *addr, int *retry_after) {
    char k1[96], k2[96];
    snprintf(k1, sizeof k1, "u:%s", name ? name : "");
    snprintf(k2, sizeof k2, "a:%s", addr ? addr : "");
    double now = now_seconds();
    *retry_after = 0;
    pthread_mutex_lock(&srv->lock);
    int blocked = throttle_check(srv->throttle, k1, now, retry_after) | throttle_check(srv->throttle, k2, now, retry_after);
    pthread_mutex_unlock(&srv->lock);
    return blocked;
}

static void throttle_count(urne_throttle *t, const char *key, int limit, int success, double now) {
    throttle_entry *e = throttle_find(t, key, !success);
    if (e == NULL) return;
    if (success) {
        memset(e, 0, sizeof *e);
        return;
    }
    if (e->failures == 0 || now - e->first > THROTTLE_WINDOW) {
        e->failures = 0;
        e->first = now;
    }
    e->failures++;
    if (e->failures >= limit) {
        double pause = THROTTLE_PAUSE;
        for (int i = limit; i < e->failures && pause < THROTTLE_WINDOW; i++) pause *= 2;
        e->blocked_until = now + (pause < THROTTLE_WINDOW ? pause : THROTTLE_WINDOW);
    }
}

void urne_throttle_record(urne_server *srv, const char *name, const char *addr, int success) {
    char k1[96], k2[96];
    snprintf(k1, sizeof k1, "u:%s", name ? name : "");
    snprintf(k2, sizeof k2, "a:%s", addr ? addr : "");
    double now = now_seconds();
    pthread_mutex_lock(&srv->lock);
    throttle_count(srv->throttle, k1, NAME_FAILURES, success, now);
    if (!success) throttle_count(srv->throttle, k2, ADDR_FAILURES, 0, now);
    pthread_mutex_unlock(&srv->lock);
}

/* ---- requests ---- */

void urne_req_addr(const urne_req *r, char *out, size_t size) {
    const union MHD_ConnectionInfo *ci = mhd.get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "?");
    if (ci == NULL || ci->client_addr == NULL) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)size);
}

const char *urne_req_param(const urne_req *r, const char *key) {
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].key, key) == 0) return r->params[i].value;
    return NULL;
}

const char *urne_req_query(const urne_req *r, const char *key) {
    return mhd.lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

static int add_param(urne_req *r, const char *k, size_t klen, const char *v, size_t vlen) {
    if (r->nparams >= 4096) return -1;
    urne_param *p = realloc(r->params, (r->nparams + 1) * sizeof *p);
    if (p == NULL) return -1;
    r->params = p;
    char *key = strndup(k, klen), *value = strndup(v, vlen);
    if (key == NULL || value == NULL) {
        free(key);
        free(value);
        return -1;
    }
    r->params[r->nparams++] = (urne_param){key, value};
    return 0;
}

static size_t url_decode(char *s, size_t n) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+')
            s[o++] = ' ';
        else if (s[i] == '%' && i + 2 < n) {
            char h[3] = {s[i + 1], s[i + 2], 0};
            char *end;
            long v = strtol(h, &end, 16);
            if (*end == 0) {
                s[o++] = (char)v;
                i += 2;
            } else
                s[o++] = s[i];
        } else
            s[o++] = s[i];
    }
    return o;
}

static int parse_form(urne_req *r) {
    char *p = r->body, *end = r->body + r->body_len;
    while (p < end) {
        char *amp = memchr(p, '&', (size_t)(end - p));
        if (amp == NULL) amp = end;
        char *eq = memchr(p, '=', (size_t)(amp - p));
        char *kend = eq ? eq : amp;
        size_t klen = url_decode(p, (size_t)(kend - p));
        size_t vlen = eq ? url_decode(eq + 1, (size_t)(amp - eq - 1)) : 0;
        if (klen && add_param(r, p, klen, eq ? eq + 1 : "", vlen) < 0) return -1;
        p = amp + 1;
    }
    return 0;
}

static int add_json_value(urne_req *r, const char *key, json_t *v) {
    char num[32];
    if (json_is_string(v)) return add_param(r, key, strlen(key), json_string_value(v), json_string_length(v));
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return add_param(r, key, strlen(key), num, strlen(num));
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        return add_param(r, key, strlen(key), num, strlen(num));
    }
    if (json_is_boolean(v)) return add_param(r, key, strlen(key), json_is_true(v) ? "1" : "0", 1);
    if (json_is_null(v)) return add_param(r, key, strlen(key), "", 0);
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            char k[160];
            snprintf(k, sizeof k, "%s.%zu", key, i);
            if (add_json_value(r, k, x) < 0) return -1;
        }
        return 0;
    }
    return -1; /* nested objects are not part of the API */
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
            if (add_json_value(r, k, v) < 0) {
                snprintf(why, size, "field '%s': nested objects are not accepted", k);
                json_decref(o);
                return -1;
            }
        }
        json_decref(o);
        return 0;
    }
    if (strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0) {
        if (parse_form(r) < 0) {
            snprintf(why, size, "too many form fields");
            return -1;
        }
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
    pthread_mutex_lock(&r->srv->lock);
    int found = urne_store_session_get(r->srv->store, r->token_hash, (int64_t)time(NULL), &u, r->csrf);
    pthread_mutex_unlock(&r->srv->lock);
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
    pthread_mutex_lock(&r->srv->lock);
    int rc = urne_store_session_put(r->srv->store, hash, u->id, csrf, (int64_t)time(NULL) + SESSION_SECONDS);
    pthread_mutex_unlock(&r->srv->lock);
    if (rc == 0) {
        r->user = *u;
        memcpy(r->csrf, csrf, sizeof r->csrf);
        memcpy(r->token_hash, hash, sizeof r->token_hash);
    }
    return rc;
}

/* ---- responses ---- */

static const char *const security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"},
};

enum MHD_Result urne_reply_full(urne_req *r, unsigned status, const char *type, const char *body, size_t len,
                                const char *const *headers) {
    struct MHD_Response *resp = mhd.create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (resp == NULL) return MHD_NO;
    mhd.add_response_header(resp, "Content-Type", type);
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        mhd.add_response_header(resp, security_headers[i][0], security_headers[i][1]);
    if (!r->cacheable) mhd.add_response_header(resp, "Cache-Control", "no-store");
    for (size_t i = 0; headers && headers[i]; i += 2) mhd.add_response_header(resp, headers[i], headers[i + 1]);
    enum MHD_Result ret = mhd.queue_response(r->conn, status, resp);
    mhd.destroy_response(resp);
    r->status = (int)status;
    r->sent = len;
    if (r->cacheable && status == 200) cache_store(r, type, body, len);
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
    char at[24], addr[64];
    urne_store_now(at);
    urne_req_addr(r, addr, sizeof addr);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:f, s:s}", "time", at, "remote", addr, "method",
                          r->method ? r->method : "", "path", r->url ? r->url : "", "status", r->status, "bytes",
                          (json_int_t)r->sent, "ms", (now_seconds() - r->started) * 1000.0, "user",
                          r->user.role == URNE_ROLE_PUBLIC ? "" : r->user.name);
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

int urne_web_serve(const urne_serve_options *opt) {
    char err[600];
    struct sockaddr_in sa;
    if (parse_listen(opt->listen, &sa, err, sizeof err) < 0) {
        fprintf(stderr, "urne serve: %s\n", err);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "urne serve: libsodium could not start\n");
        return 1;
    }
    if (urne_mhd_open(&mhd, err, sizeof err) != 0) {
        fprintf(stderr, "urne serve: %s\n", err);
        return 1;
    }
    urne_server srv = {0};
    pthread_mutex_init(&srv.lock, NULL);
    pthread_mutex_init(&srv.log_lock, NULL);
    srv.secure_cookies = opt->secure_cookies;
    srv.store = urne_store_open(opt->db, err, sizeof err);
    if (srv.store == NULL) {
        fprintf(stderr, "urne serve: %s\n", err);
        return 1;
    }
    srv.cache = calloc(1, sizeof *srv.cache);
    srv.throttle = calloc(1, sizeof *srv.throttle);
    if (srv.cache == NULL || srv.throttle == NULL) {
        fprintf(stderr, "urne serve: out of memory\n");
        urne_store_close(srv.store);
        return 1;
    }
    pthread_rwlock_init(&srv.cache->lock, NULL);
    if (urne_view_load_all(&srv, err, sizeof err) < 0) {
        fprintf(stderr, "urne serve: %s: %s\n", opt->db, err);
        urne_store_close(srv.store);
        return 1;
    }
    if (opt->access_log && strcmp(opt->access_log, "-") == 0)
        srv.access_log = stderr;
    else if (opt->access_log) {
        srv.access_log = fopen(opt->access_log, "a");
        if (srv.access_log == NULL) {
            fprintf(stderr, "urne serve: %s: cannot open the access log\n", opt->access_log);
            urne_store_close(srv.store);
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
    struct MHD_Daemon *d = mhd.start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, &srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
        MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "urne serve: cannot listen on %s (in use, or not an address of this machine)\n",
                opt->listen);
        urne_view_free_all(&srv);
        urne_store_close(srv.store);
        return 1;
    }
    if (!opt->quiet) {
        printf("urne: serving %s on http://%s/ (%zu election%s, %u threads); SIGTERM or Ctrl-C stops\n", opt->db,
               opt->listen, srv.nelections, srv.nelections == 1 ? "" : "s", threads);
        fflush(stdout);
    }
    int sig = 0;
    sigwait(&sigs, &sig);
    if (!opt->quiet) {
        printf("urne: %s received, finishing the requests in flight\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        fflush(stdout);
    }
    mhd.stop_daemon(d);
    urne_mhd_close(&mhd);
    urne_cache_clear(&srv);
    urne_view_free_all(&srv);
    urne_store_close(srv.store);
    if (srv.access_log && srv.access_log != stderr) fclose(srv.access_log);
    free(srv.cache);
    free(srv.throttle);
    if (!opt->quiet) printf("urne: stopped cleanly\n");
    return 0;
}
