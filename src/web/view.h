/*
 * view: what the API and the pages share to read (view.c): the route matcher,
 * the application's listings as JSON arrays, an anomaly's words.
 */
#ifndef URNE_WEB_VIEW_H
#define URNE_WEB_VIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/app.h"
#include "../app/results_view.h"
#include "web.h"

/* Listings as jansson arrays (the API sends them; pages read them). */
json_t *urne_audit_json(urne_app *app, int64_t from, size_t limit);
json_t *urne_users_json(urne_app *app);
json_t *urne_disputes_json(urne_app *app, int64_t election);

/* What an anomaly says, as plain text in the request's language: a late entry
 * with its two moments in the election's time (zone; a zone other than Paris is
 * named), anything else from its phrase with the level names worded. The API's
 * "message"; the récolement page words the same (marking the moments up). */
void urne_anomaly_text(const urne_req *r, const urne_anomaly *a, const char *zone, char *out, size_t size);

/* Match url against pattern, where each '*' stands for a decimal number (at most
 * two, stored in *a then *b), written without a leading zero and within int64's
 * range. 1 when the whole url matches. */
int urne_route(const char *url, const char *pattern, int64_t *a, int64_t *b);

#endif
