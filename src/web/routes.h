/*
 * routes: the one table of what the server answers, pages and API alike.
 *
 * Each route is a method, a pattern ('*' stands for a decimal number, at most two
 * per pattern), the action it performs (app/authz.h), a word on any narrower scope
 * the handler checks (a secretary's own bureaux), a line for the docs, and the
 * handler. Who may take an action is app/authz's policy table, the one place that
 * decides; the dispatcher asks it before any handler runs and refuses (401 when not
 * logged in, 403 otherwise, as a page or as JSON by the path); the handler still
 * checks what depends on the object (scope, state).
 *
 * Routes come in tables, one per component (core: the shell of the site; results:
 * elections, sheets, récolement), and the tables are listed in one place
 * (routes.c): adding a component's routes is adding one line there. The table is
 * also data: `urne routes` prints it, the role x route tests are driven by it and
 * docs/API.md's role table is generated from it (tests check they agree).
 */
#ifndef URNE_ROUTES_H
#define URNE_ROUTES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/authz.h"
#include "web.h"

#define URNE_ROLE_BIT(role) (1u << (role))

/* A handler gets the request and the numbers its pattern's '*'s matched (0 when
 * absent) and answers it, as urne_reply does. */
typedef enum MHD_Result (*urne_handler)(urne_req *r, int64_t a, int64_t b);

typedef struct urne_route_def {
    const char *method;  /* "GET" (HEAD too) or "POST" */
    const char *pattern; /* e.g. the bureau page: "/e/" star "/b/" star; each star a decimal number */
    urne_action action;  /* what the route does, as app/authz's policy knows it */
    const char *scope;   /* a narrower rule the handler checks, for the docs; NULL when none */
    const char *doc;     /* one line for docs/API.md */
    urne_handler handler;
} urne_route_def;

/* A component's routes: name and a table ended by an entry whose method is NULL. */
typedef struct urne_route_table {
    const char *component;
    const urne_route_def *routes;
} urne_route_table;

/* The tables of each component (defined beside their handlers). */
extern const urne_route_table urne_core_routes;    /* pages.c */
extern const urne_route_table urne_results_routes; /* api.c, page_*.c */
extern const urne_route_table urne_notice_routes;  /* notice_routes.c: the example component */
extern const urne_route_table urne_grant_routes;   /* grant_routes.c */
extern const urne_route_table urne_initiative_routes; /* initiative_routes.c */
extern const urne_route_table urne_initiative_mail_routes; /* initiative_mail.c */
/* GET /api/initiatives/N/counts.csv (initiative_download.c, apart from the pages). */
enum MHD_Result urne_initiative_counts_csv(urne_req *r, int64_t id, int64_t b);
extern const urne_route_table urne_match_routes;      /* match_routes.c */
extern const urne_route_table urne_forum_routes;      /* forum_routes.c, forum_pages.c */

/* Answer r by the table: 404 when no route matches the path, 405 when only the
 * method differs, 401/403 when the role is not allowed, else the handler's answer. */
enum MHD_Result urne_routes_dispatch(urne_req *r);

/* Whether r's actor (its session already read) may take the action of the route
 * that `method` and `url` find: the dispatcher's own decision, for a caller that
 * must know before the body is read (server.c gives an import's room only to
 * those who may import). 0 when no route matches, when refused, or when the
 * grants could not be read. Takes the application's lock. */
int urne_routes_permits(urne_req *r, const char *url, const char *method);

/* Call fn on every route of every component, in table order; stops when fn returns
 * non-zero and returns that value. */
int urne_routes_each(int (*fn)(const char *component, const urne_route_def *route, void *ctx), void *ctx);

/* The table as JSON: [{"component", "method", "pattern", "roles": [...], "scope",
 * "doc"}]; the role table of docs/API.md as Markdown (malloc'ed; NULL when out of
 * memory). */
json_t *urne_routes_json(void);
char *urne_routes_markdown(void);

#endif
