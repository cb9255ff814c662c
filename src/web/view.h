/*
 * view: what the API and the pages share to read (view.c): the route matcher and
 * the application's listings as JSON arrays.
 */
#ifndef URNE_WEB_VIEW_H
#define URNE_WEB_VIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/app.h"

/* Listings as jansson arrays (the API sends them; pages read them). */
json_t *urne_audit_json(urne_app *app, int64_t from, size_t limit);
json_t *urne_users_json(urne_app *app);
json_t *urne_disputes_json(urne_app *app, int64_t election);

/* Match url against pattern, where each '*' stands for a decimal number (at most
 * two, stored in *a then *b). 1 when the whole url matches. */
int urne_route(const char *url, const char *pattern, int64_t *a, int64_t *b);

#endif
