/*
 * cmd_routes: `urne routes [--json | --markdown]`, the server's route table as the
 * server itself holds it: every page and API route, the roles that may use it and
 * any narrower scope. The role x route tests read the JSON, and docs/API.md's role
 * table is this command's Markdown (a test checks that they agree), so neither can
 * drift from what the server does.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../web/routes.h"
#include "cli.h"

static int print_line(const char *component, const urne_route_def *d, void *ctx) {
    fprintf(stdout, "%-8s %-5s %-44s", component, d->method, d->pattern);
    static const urne_role order[] = {URNE_ROLE_PUBLIC, URNE_ROLE_OBSERVER, URNE_ROLE_SECRETARY,
                                      URNE_ROLE_COMMISSION, URNE_ROLE_ADMIN, URNE_ROLE_MODERATOR};
    const char *sep = " ";
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (urne_authz_roles(d->action) & URNE_ROLE_BIT(order[i])) {
            fprintf(stdout, "%s%s", sep, order[i] == URNE_ROLE_PUBLIC ? "public" : urne_role_name(order[i]));
            sep = ",";
        }
    fprintf(stdout, "%s%s\n", d->scope ? " — " : "", d->scope ? d->scope : "");
    (void)ctx;
    return 0;
}

int urne_cli_routes(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "--help") == 0 || strcmp(mode, "-h") == 0) {
        printf(_("Usage: urne routes [--json | --markdown]\n\n"
                 "List every route of the server (pages and API), the roles that may use it\n"
                 "and any narrower scope its handler checks.\n"));
        return URNE_EXIT_OK;
    }
    if (argc > 2 || (*mode && strcmp(mode, "--json") != 0 && strcmp(mode, "--markdown") != 0)) {
        fprintf(stderr, _("urne routes: unknown option '%s' (see urne routes --help)\n"), argc > 2 ? argv[2] : mode);
        return URNE_EXIT_USAGE;
    }
    if (strcmp(mode, "--json") == 0) {
        json_t *a = urne_routes_json();
        char *text = a ? json_dumps(a, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(a);
        if (text == NULL) return URNE_EXIT_REJECTED;
        puts(text);
        free(text);
    } else if (strcmp(mode, "--markdown") == 0) {
        char *md = urne_routes_markdown();
        if (md == NULL) return URNE_EXIT_REJECTED;
        fputs(md, stdout);
        free(md);
    } else
        urne_routes_each(print_line, NULL);
    return URNE_EXIT_OK;
}
