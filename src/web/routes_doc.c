/*
 * routes_doc: the route table as data (see routes.h): JSON for `urne routes` and
 * the tests, Markdown for docs/API.md's role table. Kept apart from the dispatcher,
 * which writes pages and so may use the page writer only.
 */
#include <stdlib.h>
#include <string.h>

#include "routes.h"

static const urne_role role_order[] = {URNE_ROLE_PUBLIC, URNE_ROLE_OBSERVER, URNE_ROLE_SECRETARY,
                                       URNE_ROLE_COMMISSION, URNE_ROLE_ADMIN, URNE_ROLE_MODERATOR};
#define NROLES (sizeof role_order / sizeof role_order[0])

static const char *role_label(urne_role role) { return role == URNE_ROLE_PUBLIC ? "public" : urne_role_name(role); }

static int add_json(const char *component, const urne_route_def *d, void *ctx) {
    json_t *roles = json_array();
    for (size_t i = 0; i < NROLES; i++)
        if (urne_authz_roles(d->action) & URNE_ROLE_BIT(role_order[i]))
            json_array_append_new(roles, json_string(role_label(role_order[i])));
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s?, s:s}", "component", component, "method",
                                         d->method, "pattern", d->pattern, "action", urne_action_name(d->action),
                                         "roles", roles, "scope", d->scope, "doc", d->doc));
    return 0;
}

json_t *urne_routes_json(void) {
    json_t *a = json_array();
    urne_routes_each(add_json, a);
    return a;
}

/* The pattern as the docs write it: N for the election, B a bureau, D a dispute. */
static void doc_pattern(urne_buf *b, const char *pattern) {
    static const char *const names[] = {"N", "B"};
    int k = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p != '*') {
            urne_buf_put(b, p, 1);
            continue;
        }
        const char *name = names[k < 2 ? k : 1];
        if (k == 1 && strstr(pattern, "/disputes/")) name = "D";
        urne_buf_puts(b, name);
        k++;
    }
}

static int add_markdown(const char *component, const urne_route_def *d, void *ctx) {
    urne_buf *b = ctx;
    urne_buf_printf(b, "| %s | `%s ", component, d->method);
    doc_pattern(b, d->pattern);
    urne_buf_puts(b, "` |");
    for (size_t i = 0; i < NROLES; i++)
        urne_buf_puts(b, urne_authz_roles(d->action) & URNE_ROLE_BIT(role_order[i]) ? " ✓ |" : " |");
    urne_buf_printf(b, " %s%s%s |\n", d->doc, d->scope ? "; " : "", d->scope ? d->scope : "");
    return 0;
}

char *urne_routes_markdown(void) {
    urne_buf b = {0};
    urne_buf_puts(&b, "| component | route | public | observer | secretary | commission | admin | moderator | what |\n"
                      "|---|---|---|---|---|---|---|---|---|\n");
    urne_routes_each(add_markdown, &b);
    return urne_buf_take(&b, NULL);
}
