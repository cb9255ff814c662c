/*
 * routes: the registry of route tables and the dispatcher (see routes.h).
 *
 * Dispatch walks the tables in order and takes the first route whose pattern
 * matches the path and whose method is the request's (HEAD is served as GET). A
 * few dozen routes make a linear walk cheaper than anything cleverer, and the order
 * of the tables is the order of precedence, visible here.
 */
#include <stdlib.h>
#include <string.h>

#include "page_parts.h"
#include "routes.h"
#include "view.h"

/* Every component's routes, one line each. */
static const urne_route_table *const tables[] = {
    &urne_core_routes,
    &urne_results_routes,
    &urne_notice_routes,
    &urne_grant_routes,
    &urne_initiative_routes,
    &urne_initiative_mail_routes,
    &urne_match_routes,
    &urne_forum_routes,
};

int urne_routes_each(int (*fn)(const char *component, const urne_route_def *route, void *ctx), void *ctx) {
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const urne_route_def *d = tables[t]->routes; d->method; d++) {
            int rc = fn(tables[t]->component, d, ctx);
            if (rc) return rc;
        }
    return 0;
}

static int is_api(const char *url) { return strncmp(url, "/api/", 5) == 0; }

static enum MHD_Result refuse_role(urne_req *r) {
    r->cacheable = 0;
    if (!is_api(r->url)) return urne_page_denied(r);
    unsigned status = r->user.role == URNE_ROLE_PUBLIC ? 401 : 403;
    return urne_reply_json_error(r, status, "%s", r->user.role == URNE_ROLE_PUBLIC
                                                      ? _(r, "Log in first.")
                                                      : _(r, "Your role may not do this."));
}

/* The election a route acts on: the first number of a pattern under /e/ or
 * /api/elections/; 0 (the site) for every other route. */
static int64_t route_election(const char *pattern, int64_t a) {
    return strncmp(pattern, "/e/*", 4) == 0 || strncmp(pattern, "/api/elections/*", 16) == 0 ? a : 0;
}

typedef struct find_ctx {
    const char *url, *method;
    const urne_route_def *found;
    int path_matched; /* some route has this path with another method */
    int64_t a, b;
} find_ctx;

static int find(const char *component, const urne_route_def *d, void *ctx) {
    find_ctx *f = ctx;
    int64_t a = 0, b = 0;
    if (!urne_route(f->url, d->pattern, &a, &b)) return 0;
    if (strcmp(d->method, f->method) != 0) {
        f->path_matched = 1;
        return 0;
    }
    f->found = d;
    f->a = a;
    f->b = b;
    (void)component;
    return 1;
}

/* Whether r's actor may take the action of route f->found: the application's
 * decision, with the actor's grants and the object's space (a route under an
 * election acts on that election). When the space is a field of the request (a
 * grant's), only whether the actor may act in some space is asked; the use case
 * decides for the space named. */
static int permitted(urne_req *r, const find_ctx *f) {
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    urne_app_status st =
        urne_authz_space_in_request(f->found->action)
            ? urne_app_authorize_somewhere(&r->srv->app, &r->user, f->found->action, &o)
            : urne_app_may(&r->srv->app, &r->user, f->found->action, route_election(f->found->pattern, f->a), &o);
    urne_app_outcome_free(&o);
    return st == URNE_APP_OK;
}

int urne_routes_permits(urne_req *r, const char *url, const char *method) {
    find_ctx f = {url, strcmp(method, "HEAD") == 0 ? "GET" : method, NULL, 0, 0, 0};
    urne_routes_each(find, &f);
    return f.found != NULL && permitted(r, &f);
}

enum MHD_Result urne_routes_dispatch(urne_req *r) {
    find_ctx f = {r->url, strcmp(r->method, "HEAD") == 0 ? "GET" : r->method, NULL, 0, 0, 0};
    urne_routes_each(find, &f);
    if (f.found == NULL) {
        r->cacheable = 0;
        if (f.path_matched) {
            if (is_api(r->url)) return urne_reply_json_error(r, 405, "%s %s is not a route here (see docs/API.md)",
                                                             r->method, r->url);
            return urne_page_not_found(r);
        }
        if (is_api(r->url))
            return urne_reply_json_error(r, 404, "no such route: %s %s (see docs/API.md)", r->method, r->url);
        return urne_page_not_found(r);
    }
    if (!permitted(r, &f)) return refuse_role(r); /* the application layer decides */
    return f.found->handler(r, f.a, f.b);
}
