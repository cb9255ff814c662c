/*
 * web: the urne server's insides, shared by its files.
 *
 *   server.c    libmicrohttpd, requests, sessions, CSRF, throttling, access log,
 *               the page cache and the route table
 *   actions.c   every change, as the application layer's use cases (app/): the
 *               request's fields in, the outcome's status out as an HTTP code and
 *               words in French and English
 *   view.c      the route matcher and the store's listings as JSON
 *   pages.c     the HTML pages, in French and English
 *   api.c       the same as JSON (docs/API.md)
 *
 * Concurrency: the application (app/app.h) holds the one mutex that covers the
 * store and the elections held in memory; its use cases take it, and pages take
 * it for their reads through urne_app_read_begin/end. Password hashing runs
 * outside it.
 */
#ifndef URNE_WEB_H
#define URNE_WEB_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>

#include "../results/recolement.h"
#include "../results/results.h"
#include "../app/app.h"
#include "../app/import.h"
#include "../app/results_app.h"
#include "../app/results_view.h"
#include "../store/store.h"
#include "../core/urne_buf.h"

/* ---- server configuration (cli/cmd_serve.c fills it) ---- */

typedef struct urne_serve_options {
    const char *db;
    const char *listen;      /* "127.0.0.1:8080" */
    const char *access_log;  /* path, "-" for standard error, NULL for none */
    unsigned threads;        /* 0: one per core */
    int secure_cookies;      /* add Secure to cookies (behind HTTPS) */
    int quiet;               /* no start-up lines */
    unsigned max_connections;    /* at once, all clients; 0: from the process's file limit */
    unsigned max_per_address;    /* at once from one client address; 0: no limit */
    unsigned connection_timeout; /* seconds a connection may stay idle or half-sent; 0: the default */
    size_t cache_bytes;          /* the anonymous page cache's budget; (size_t)-1: the default, 0: none */
    const char *const *trusted_proxies; /* "ADDR" or "ADDR/BITS": peers whose X-Forwarded-For is believed */
    size_t ntrusted_proxies;
} urne_serve_options;

/* The defaults `urne serve --help` shows. */
#define URNE_SERVE_MAX_CONNECTIONS 16384 /* or fewer, when the open-file limit is lower */
#define URNE_SERVE_PER_ADDRESS 64
#define URNE_SERVE_TIMEOUT 10
#define URNE_SERVE_CACHE_MIB 64

/* Run the server until SIGTERM or SIGINT; returns an exit status. */
int urne_web_serve(const urne_serve_options *opt);

/* ---- the server's state ---- */

typedef struct urne_throttle urne_throttle;
typedef struct urne_cache urne_cache;

typedef struct urne_server {
    urne_app app;            /* the store, the elections held in memory, their lock (app/app.h) */
    urne_cache *cache;       /* anonymous GET responses, cleared on every change */
    urne_throttle *throttle; /* failed logins */
    FILE *access_log;
    pthread_mutex_t log_lock;
    int secure_cookies;
    struct urne_proxies *proxies; /* --trusted-proxy (server.c) */
    struct urne_deadlines *deadlines; /* the header deadline's watchdog (deadline.h) */
} urne_server;

/* Listings as jansson arrays (the API sends them; pages read them). */
#include <jansson.h>
json_t *urne_audit_json(urne_store *store, int64_t from, size_t limit);
json_t *urne_users_json(urne_store *store);
json_t *urne_disputes_json(urne_store *store, int64_t election);

/* Match url against pattern, where each '*' stands for a decimal number (at most
 * two, stored in *a then *b). 1 when the whole url matches. */
int urne_route(const char *url, const char *pattern, int64_t *a, int64_t *b);

/* ---- requests (server.c) ---- */

#define URNE_LANG_FR 0
#define URNE_LANG_EN 1

typedef struct urne_param {
    char *key, *value;
} urne_param;

typedef struct urne_req {
    urne_server *srv;
    struct MHD_Connection *conn;
    const char *method, *url;
    char *body;
    size_t body_len, body_cap;
    int too_large;
    int is_json;             /* the body is JSON (else a form) */
    urne_param *params;      /* the body's fields, flattened (arrays as key.0, key.1...) */
    size_t nparams;
    urne_user user;          /* role URNE_ROLE_PUBLIC when not logged in */
    char csrf[65];           /* the session's CSRF token */
    char token_hash[65];
    int bearer;              /* authenticated by an Authorization header, not a cookie */
    int lang;
    int cacheable;           /* an anonymous GET: the response may be cached */
    unsigned long cache_gen; /* the cache's generation when the request began */
    unsigned query_read;     /* the query arguments the handler read (server.c's cache keys on them) */
    int status;              /* for the access log */
    size_t sent;
    double started;
} urne_req;

/* The value of a body field, or NULL. */
const char *urne_req_param(const urne_req *r, const char *key);
/* A query argument, or NULL. */
const char *urne_req_query(const urne_req *r, const char *key);

/* French or English, by the request's language. */
#define L(r, fr, en) ((r)->lang == URNE_LANG_EN ? (en) : (fr))

/* Send a response; the body is copied. extra_header may be NULL ("Name: value"
 * pairs are set one per call via urne_reply_full). Returns an MHD result. */
enum MHD_Result urne_reply(urne_req *r, unsigned status, const char *type, const char *body, size_t len);
enum MHD_Result urne_reply_full(urne_req *r, unsigned status, const char *type, const char *body, size_t len,
                                const char *const *headers);
/* 303 See Other to location. */
enum MHD_Result urne_redirect(urne_req *r, const char *location, const char *set_cookie);
/* A JSON error {"error": message, "status": status}. */
enum MHD_Result urne_reply_json_error(urne_req *r, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Open a session for user: a new random token (set as the cookie or returned in
 * JSON) and CSRF token. Writes the token into out (65 bytes). 0 or -1. */
int urne_session_open(urne_req *r, const urne_user *u, char token_out[65]);
/* The Set-Cookie value for token (NULL token: clearing the cookie). */
void urne_session_cookie(const urne_req *r, const char *token, char *out, size_t size);

/* Login throttling, per (account, client address) pair. 1 when a login to `name`
 * from `addr` must wait (*retry_after seconds; the refusal is logged), else 0. A
 * pair is only ever held back after failures of its own: five in a row, or one
 * while its address has failed thirty times in all, and the wait doubles with
 * each further failure (60 s, 120 s... at most 15 min). So a correct password is
 * never refused from an address that did not fail, whatever others do. */
int urne_throttle_blocked(urne_server *srv, const char *name, const char *addr, int *retry_after);
/* Count a login attempt: a success clears the pair, a failure counts for the pair
 * and the address (and is logged when it starts a wait). */
void urne_throttle_record(urne_server *srv, const char *name, const char *addr, int success);

/* The client's address as text: the connection's peer, or, when the peer is one
 * of the --trusted-proxy addresses, the right-most X-Forwarded-For address that is
 * not itself a trusted proxy. */
void urne_req_addr(const urne_req *r, char *out, size_t size);

/* Forget every cached response (after any change). */
void urne_cache_clear(urne_server *srv);

/* ---- actions (actions.c) ---- */

/* The outcome of an action: an HTTP status and a message for people, plus an
 * optional JSON payload (owned; the API sends it, the pages read it). */
typedef struct urne_result {
    unsigned status;
    char message[1024];
    char *json;
} urne_result;

void urne_result_free(urne_result *res);

void urne_action_login(urne_req *r, urne_result *res, char token_out[65]);
void urne_action_logout(urne_req *r, urne_result *res);
void urne_action_enter(urne_req *r, int64_t election, size_t bureau, urne_result *res);
void urne_action_contest(urne_req *r, int64_t election, size_t bureau, urne_result *res);
void urne_action_decide(urne_req *r, int64_t election, int64_t dispute, urne_result *res);
void urne_action_escalate(urne_req *r, int64_t election, int64_t dispute, urne_result *res);
void urne_action_publish(urne_req *r, int64_t election, urne_result *res);
void urne_action_user_create(urne_req *r, urne_result *res);
void urne_action_assign(urne_req *r, urne_result *res);
/* Create an election from a file's text (the body, or the `file` field) in a
 * results format, or from the form's fields (title, rules, levels, candidates,
 * bureaux). */
void urne_action_election_create(urne_req *r, urne_result *res);

/* Creating accounts is the application layer's: app/users.h. */
#include "../app/users.h"

/* Parse the figures of a sheet from a request's fields (inscrits, votants, blancs,
 * nuls, exprimes, and votes.0..votes.N-1 for N candidates, none left out, any N)
 * into f (a valid value, urne_figures {0} or owned: replaced; the caller frees
 * it). 0; -1 with a message naming the field; -2 when out of memory (f empty).
 * Whether N is the contest's number of candidates is the use case's to check. */
int urne_figures_from_params(const urne_req *r, urne_figures *f, char *why, size_t size);

/* ---- pages and API ---- */

/* Handle a request whose path starts with /api/. */
enum MHD_Result urne_api_handle(urne_req *r);
/* Handle any other request. */
enum MHD_Result urne_pages_handle(urne_req *r);

#endif
