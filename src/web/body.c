/*
 * body: a request's body gathered in memory, within its room.
 *
 * libmicrohttpd hands a POST's body in pieces before the request is answered,
 * and urne reads it whole (a form, a JSON object, an imported file) before the
 * route is found and the roles are checked, so what a body may hold is decided
 * from its headers alone, before any of it is read:
 *
 * - a form's room, FORM_ROOM (1 MiB), for every request;
 * - an import's room, IMPORT_ROOM (256 MiB), for a POST to an import's path (an
 *   election's file, a matching's hosts and pupils, an initiative's roll), and
 *   only for an account that may import into the object the path names: the
 *   use case's decision on the object's space (or, for an election, the
 *   dispatcher's: routes.h's urne_routes_permits), asked with the session
 *   before the body. A session alone once sufficed, and accounts are many (a
 *   federation's section secretaries, its observers): an observer's account
 *   held 200 MiB per connection, 64 connections per address (4 of them took a
 *   server from 18 MB to 845 MB resident; tests/server/test_initiative_attack.py);
 * - and, whoever sends them, the bodies beyond a form's room share one budget
 *   for the whole server, LARGE_BUDGET (512 MiB: two imports at their largest),
 *   so that no number of organisers' accounts, nor of connections, can make the
 *   server hold more. A body is counted by the memory it holds: its declared
 *   length (Content-Length) as soon as its headers are read, a body sent in
 *   chunks as it grows. One the budget cannot take is refused with 503 and
 *   Retry-After, saying that other large files are being received and when to
 *   send it again: at once when its length was declared (nothing of it is
 *   read), else as soon as it outgrows what is left. The most a sender of large
 *   bodies can do is make the next import wait until theirs end (the
 *   connection's timeout cuts an idle one, not one that trickles).
 *
 * What the budget counts is the body; its parse (a JSON import's tree and its
 * fields) and the use case's work come on top, for as long as the request runs:
 * the budget is given back when the request completes. A body whose length is
 * declared is held in one allocation of that length, not doubled as it grows
 * (256 MiB declared hold 256 MiB, not 512).
 */
#include <stdlib.h>
#include <string.h>

#include "../app/initiative.h"
#include "../app/match.h"
#include "body.h"
#include "reply.h"
#include "routes.h"
#include "server.h"
#include "session.h"
#include "view.h"

#define FORM_ROOM ((size_t)1 << 20)      /* forms and JSON */
#define IMPORT_ROOM ((size_t)256 << 20)  /* an import's file */
#define LARGE_BUDGET ((size_t)512 << 20) /* every body larger than a form's, at once */
#define LARGE_RETRY 60                   /* seconds a large body refused by the budget is told to wait */

static int may_route(urne_req *r, int64_t id) {
    (void)id;
    return urne_routes_permits(r, r->url, r->method);
}

static int may_match(urne_req *r, int64_t id) {
    urne_app_outcome o;
    int ok = urne_app_match_may(&r->srv->app, &r->user, URNE_ACT_MANAGE_MATCHES, id, NULL, &o) == URNE_APP_OK;
    urne_app_outcome_free(&o);
    return ok;
}

static int may_initiative(urne_req *r, int64_t id) { return urne_app_initiative_manager(&r->srv->app, &r->user, id); }

/* The imports (POST): an election's file, a matching campaign's hosts and pupils
 * (a département's pupils are megabytes), an initiative's roll (a town's
 * electors), by the API or the organisers' forms; and whether r's actor may send
 * one to the object its path names (the use case's own decision, the object's
 * space and not merely some space: a matching's host administers its own). */
static const struct {
    const char *pattern;
    int (*may)(urne_req *r, int64_t id);
} imports[] = {
    {"/api/elections", may_route},          {"/admin/elections", may_route},
    {"/api/match/*/import", may_match},     {"/match/*/act", may_match},
    {"/api/initiatives/*/roll", may_initiative}, {"/initiatives/*/roll", may_initiative},
};

/* Whether r (url, method: its request line) is an import its actor may send. */
static int import_allowed(urne_req *r, const char *url, const char *method) {
    if (strcmp(method, "POST") != 0) return 0;
    for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++) {
        int64_t id = 0, unused = 0;
        if (!urne_route(url, imports[i].pattern, &id, &unused)) continue;
        return urne_session_find(r) == 0 && r->user.role != URNE_ROLE_PUBLIC && imports[i].may(r, id);
    }
    return 0;
}

/* r's share of the budget brought up to `total` bytes: 0, or -1 (nothing
 * taken) when the budget has not that much left. */
static int budget_take(urne_req *r, size_t total) {
    if (total <= r->body_held) return 0;
    size_t more = total - r->body_held, held = __atomic_load_n(&r->srv->large_held, __ATOMIC_RELAXED);
    do
        if (more > LARGE_BUDGET || held > LARGE_BUDGET - more) return -1;
    while (!__atomic_compare_exchange_n(&r->srv->large_held, &held, held + more, 1, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED));
    r->body_held = total;
    return 0;
}

static void budget_give_back(urne_req *r) {
    if (r->body_held) __atomic_sub_fetch(&r->srv->large_held, r->body_held, __ATOMIC_RELAXED);
    r->body_held = 0;
}

/* r's body dropped, with the status it is to be refused with. */
static void refuse(urne_req *r, unsigned status) {
    r->body_refused = status;
    free(r->body);
    r->body = NULL;
    r->body_len = r->body_cap = 0;
    budget_give_back(r);
}

unsigned urne_body_begin(urne_req *r, const char *url, const char *method) {
    r->body_limit = import_allowed(r, url, method) ? IMPORT_ROOM : FORM_ROOM;
    const char *cl = urne_server_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
    unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
    if (declared > r->body_limit)
        refuse(r, 413);
    else if (declared > FORM_ROOM && budget_take(r, (size_t)declared + 1) < 0)
        refuse(r, 503);
    else
        r->body_declared = (size_t)declared;
    return r->body_refused;
}

int urne_body_add(urne_req *r, const char *data, size_t n) {
    if (r->body_refused) return 0;
    if (n > r->body_limit - r->body_len) {
        refuse(r, 413);
        return 0;
    }
    size_t need = r->body_len + n + 1;
    if (need > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : r->body_declared ? r->body_declared + 1 : 4096;
        while (cap < need) cap *= 2;
        if (cap > r->body_limit + 1) cap = r->body_limit + 1; /* never more than its room */
        if (cap > FORM_ROOM + 1 && budget_take(r, cap) < 0) {
            refuse(r, 503);
            return 0;
        }
        char *b = realloc(r->body, cap);
        if (b == NULL) return -1;
        r->body = b;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = 0;
    return 0;
}

enum MHD_Result urne_body_refuse(urne_req *r) {
    if (r->body_refused == 503)
        return urne_reply_refuse_later(r, 503,
                                       _(r, "The server is receiving other large files just now and has no room for "
                                            "this one: nothing of it was read or done. Send it again in a minute."),
                                       LARGE_RETRY);
    /* Its room said: 1 MiB for a form, 256 MiB for an import (to whoever may import). */
    char msg[300];
    snprintf(msg, sizeof msg, _(r, "Request too large: at most %zu MiB here."), r->body_limit >> 20);
    return urne_reply_refuse(r, 413, msg);
}

void urne_body_end(urne_req *r) {
    free(r->body);
    r->body = NULL;
    budget_give_back(r);
}
