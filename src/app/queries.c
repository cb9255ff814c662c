/*
 * queries: the adapters' reads, under the application's lock (see queries.h).
 *
 * Thin on purpose: the store's functions carry the contracts. What this file
 * adds is that no adapter holds a store handle or takes the lock itself, so a
 * second store backend, or a cache of reads, changes this file and not the pages.
 */
#include "queries.h"

int urne_app_audit_head(urne_app *app, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_audit_head(app->store, seq, hash);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_audit_each(urne_app *app, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_audit_each(app->store, from, fn, ctx);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_users_each(urne_app *app, int (*fn)(const urne_user *u, void *ctx), void *ctx) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_user_each(app->store, fn, ctx);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_disputes_each(urne_app *app, int64_t election, int (*fn)(const urne_dispute *d, void *ctx), void *ctx) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_dispute_each(app->store, election, fn, ctx);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_dispute_open_for(urne_app *app, int64_t election, size_t bureau, urne_dispute *out) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_dispute_open_for(app->store, election, bureau, out);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_is_assigned(urne_app *app, int64_t user, int64_t election, size_t bureau) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_is_assigned(app->store, user, election, bureau);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

long urne_app_assigned_list(urne_app *app, int64_t user, int64_t election, size_t *out, size_t cap) {
    pthread_mutex_lock(&app->lock);
    long rc = urne_store_assigned_list(app->store, user, election, out, cap);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

static int entry_pair(urne_app *app, int64_t election, size_t bureau, int64_t user, urne_figures *other,
                      urne_figures *mine) {
    int64_t author, me;
    int rc = urne_store_entry_other(app->store, election, bureau, user, &author, other);
    if (rc != 1) return rc;
    return urne_store_entry_other(app->store, election, bureau, author, &me, mine);
}

int urne_app_entry_pair(urne_app *app, int64_t election, size_t bureau, int64_t user, urne_figures *other,
                        urne_figures *mine) {
    pthread_mutex_lock(&app->lock);
    int rc = entry_pair(app, election, bureau, user, other, mine);
    pthread_mutex_unlock(&app->lock);
    return rc;
}
