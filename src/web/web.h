/*
 * web: the request and the server's state, which every file of the server shares;
 * nothing else. Each other concern has its own header, included by the files
 * that need it, and none of them includes another's: a handler sees requests
 * (this header), the page writer (html.h, page_parts.h), the actions (actions.h:
 * use cases in, HTTP answers out) or the listings (view.h), and the use cases
 * themselves through app/.
 *
 *   server.c    a request's life (CSRF, dispatch, access log), start and stop;
 *               beside it, one concept each: addr.c, conns.c, clean.c, cache.c,
 *               throttle.c, request.c, session.c, reply.c, flash.c (a form's
 *               message for the page its redirect leads to), origin.c (a POST
 *               sent from another site refused)
 *   routes.c    the dispatcher over the route tables, one per component
 *               (results_routes.c, notice_routes.c, grant_routes.c, pages.c)
 *   actions.c   the results component's acts, and logging in and out and creating
 *               accounts; outcome.c maps every status to HTTP
 *   api.c, pages.c, page_*.c   JSON and HTML, in French and English
 *
 * Concurrency: the application (app/app.h) holds the one mutex that covers the
 * store and the elections held in memory; its use cases and queries take it, and
 * pages hold it for their reads through urne_app_read_begin/end. Password
 * hashing runs outside it.
 */
#ifndef URNE_WEB_H
#define URNE_WEB_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>

#include "../app/app.h"
#include "../core/urne_buf.h"
#include "../i18n/i18n.h"

/* ---- the server's state ---- */

typedef struct urne_throttle urne_throttle;
typedef struct urne_cache urne_cache;
typedef struct urne_flashes urne_flashes;

typedef struct urne_server {
    urne_app app;            /* the store, the elections held in memory, their lock (app/app.h) */
    urne_cache *cache;       /* anonymous GET responses, cleared on every change */
    urne_throttle *throttle; /* failed logins; mail requests by the hour */
    urne_flashes *flashes;   /* the messages of forms that succeeded, for the page they lead to (flash.h) */
    FILE *access_log;        /* buffered: flushed when no request is left in flight, a second after the last
                                flush at most while some are, and at a clean stop (server.c) */
    pthread_mutex_t log_lock;
    int in_flight;           /* requests begun and not yet completed (__atomic builtins) */
    size_t large_held;       /* bytes held by bodies larger than a form's, all requests (body.c; __atomic) */
    double log_flushed;      /* when the access log was last flushed (urne_server_now; under log_lock) */
    int secure_cookies;
    struct urne_proxies *proxies; /* --trusted-proxy (addr.h) */
    struct urne_deadlines *deadlines; /* the header deadline's watchdog (deadline.h) */
    struct urne_mailer *mailer; /* the outbox's sender (mail.h); NULL without --smtp */
    struct urne_signing *signing; /* the signatures' checker thread (signing.h); NULL: checked in the request's */
    char public_url[256];       /* the links in mails begin with it, no '/' at its end */
    int public_url_given;       /* by --public-url (else made from --listen): the only origin of POSTs (origin.c) */
} urne_server;

/* ---- requests (server.c; request.c, session.c, reply.c, throttle.c, addr.c, cache.c) ---- */


typedef struct urne_param {
    char *key, *value;
} urne_param;

typedef struct urne_req {
    urne_server *srv;
    struct MHD_Connection *conn;
    const char *method, *url;
    char *body;
    size_t body_len, body_cap;
    size_t body_limit;     /* what its body may hold (body.c) */
    size_t body_declared;  /* its Content-Length, when given and within that room */
    size_t body_held;      /* its share of the server's budget for large bodies (body.c) */
    unsigned body_refused; /* 413 or 503: its body dropped, to be refused so (body.c) */
    int is_json;             /* the body is JSON (else a form) */
    urne_param *params;      /* the body's fields, flattened (arrays as key.0, key.1...) */
    size_t nparams;
    urne_user user;          /* role URNE_ROLE_PUBLIC when not logged in */
    char csrf[65];           /* the session's CSRF token */
    char token_hash[65];
    int bearer;              /* authenticated by an Authorization header, not a cookie */
    urne_lang lang;
    int cacheable;           /* an anonymous GET: the response may be cached */
    unsigned long cache_gen; /* the cache's generation when the request began */
    unsigned query_read;     /* the query arguments the handler read (cache.c keys on them) */
    int status;              /* for the access log */
    size_t sent;
    double started;
    /* A request waiting for its answer, its connection suspended (urne_req_wait):
     * what answers it when resumed, and the handler's state meanwhile (freed with
     * free() if the request ends unanswered). */
    enum MHD_Result (*resumed)(struct urne_req *r);
    void *waiting;
} urne_req;

/* Leave r unanswered for now without holding a thread: its connection is
 * suspended, `waiting` kept in r, and once urne_req_resume(r) is called (from
 * any thread, once), resumed(r) answers it from one of the server's threads.
 * Returns MHD_YES, for the handler to return. */
enum MHD_Result urne_req_wait(urne_req *r, enum MHD_Result (*resumed)(urne_req *r), void *waiting);
/* r's connection resumed (see urne_req_wait). r must not be touched after. */
void urne_req_resume(urne_req *r);

/* The value of a body field, or NULL. */
const char *urne_req_param(const urne_req *r, const char *key);
/* A query argument, or NULL. */
const char *urne_req_query(const urne_req *r, const char *key);

/* A message in the request's language (i18n/i18n.h): _(r, "English text"); with
 * a context where one English text has two French ones: C_(r, "nav", "Log in"). */
#define _(r, en) urne_i18n_text((r)->lang, en)
#define C_(r, ctx, en) urne_i18n_ctext((r)->lang, ctx, en)

/* Send a response; the body is copied. extra_header may be NULL ("Name: value"
 * pairs are set one per call via urne_reply_full). Returns an MHD result. */
enum MHD_Result urne_reply(urne_req *r, unsigned status, const char *type, const char *body, size_t len);
enum MHD_Result urne_reply_full(urne_req *r, unsigned status, const char *type, const char *body, size_t len,
                                const char *const *headers);
/* 303 See Other to location. */
enum MHD_Result urne_redirect(urne_req *r, const char *location, const char *set_cookie);
/* Send the JSON value o (taken: freed here; NULL, or one that cannot be written,
 * answers 500 "out of memory") with status. */
enum MHD_Result urne_reply_json(urne_req *r, unsigned status, json_t *o);
/* Send with status the flat object {"id": id, then each key and string value of
 * fields (NULL-ended pairs, in order)}, written straight (urne_buf_json), the
 * bytes urne_reply_json would send for the same jansson object, without
 * building and dumping the tree: for the answers every request of a hot path
 * gets (a signature's, issue 18). Keys and values are not NULL. A value that
 * is not UTF-8 answers 500 (a program error: answers carry what urne checked).
 * The text is wiped once sent (a receipt is only its signer's). */
enum MHD_Result urne_reply_json_flat(urne_req *r, unsigned status, int64_t id, const char *const *fields);
/* A JSON error {"error": message, "status": status}. */
enum MHD_Result urne_reply_json_error(urne_req *r, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Open a session for user: a new random token (set as the cookie or returned in
 * JSON) and CSRF token. Writes the token into out (65 bytes). 0 or -1. */
int urne_session_open(urne_req *r, const urne_user *u, char token_out[65]);
/* The Set-Cookie value for token (NULL token: clearing the cookie). */
void urne_session_cookie(const urne_req *r, const char *token, char *out, size_t size);

/* ---- pages and API ---- */

/* Handle a request whose path starts with /api/. */
enum MHD_Result urne_api_handle(urne_req *r);
/* Handle any other request. */
enum MHD_Result urne_pages_handle(urne_req *r);

#endif
