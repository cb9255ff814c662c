/*
 * queries: what the adapters read, through the application layer rather than the
 * store: the audit log, the accounts, a results election's disputes, assignments
 * and double entries. Each takes the application's lock (recursive: a page may
 * call them inside its read hold, urne_app_read_begin) and has the contract of the
 * store function it names. Who may read is decided before, by the route's action
 * (web/routes.c) or the page (urne_app_may): a query answers whoever asks.
 */
#ifndef URNE_QUERIES_H
#define URNE_QUERIES_H

#include "app.h"

/* The audit log's head (store_audit.h: urne_store_audit_head). */
int urne_app_audit_head(urne_app *app, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]);
/* Every audit entry from `from` (urne_store_audit_each). */
int urne_app_audit_each(urne_app *app, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx);
/* Every account (urne_store_user_each). */
int urne_app_users_each(urne_app *app, int (*fn)(const urne_user *u, void *ctx), void *ctx);
/* Every dispute of an election (urne_store_dispute_each). */
int urne_app_disputes_each(urne_app *app, int64_t election, int (*fn)(const urne_dispute *d, void *ctx), void *ctx);
/* The open dispute of a bureau (urne_store_dispute_open_for). */
int urne_app_dispute_open_for(urne_app *app, int64_t election, size_t bureau, urne_dispute *out);
/* Whether a bureau is assigned to a user (urne_store_is_assigned), and the list
 * of a user's bureaux in an election (urne_store_assigned_list). */
int urne_app_is_assigned(urne_app *app, int64_t user, int64_t election, size_t bureau);
long urne_app_assigned_list(urne_app *app, int64_t user, int64_t election, size_t *out, size_t cap);
/* The two latest typings of a double-entered bureau as `user` sees them: the other
 * person's into *other and user's own into *mine (valid values, zeroed or owned:
 * replaced; the caller frees both with urne_figures_free). 1 when both exist, 0
 * when not, -1 when the store failed. */
int urne_app_entry_pair(urne_app *app, int64_t election, size_t bureau, int64_t user, urne_figures *other,
                        urne_figures *mine);

#endif
