/*
 * queries: the adapters' reads, under the application's lock (see queries.h).
 *
 * Thin on purpose: the store's functions carry the contracts. What this file
 * adds is that no adapter holds a store handle or takes the lock itself, so a
 * second store backend, or a cache of reads, changes this file and not the pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queries.h"
#include "results_internal.h"

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

typedef struct accounts {
    urne_user *items;
    size_t n, cap;
} accounts;

static int account_add(const urne_user *u, void *ctx) {
    accounts *a = ctx;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        urne_user *p = realloc(a->items, cap * sizeof *p);
        if (p == NULL) return -1;
        a->items = p;
        a->cap = cap;
    }
    a->items[a->n++] = *u;
    return 0;
}

int urne_app_users_list(urne_app *app, urne_user **out, size_t *n) {
    accounts a = {0};
    *out = NULL;
    *n = 0;
    if (urne_app_users_each(app, account_add, &a) != 0) {
        free(a.items);
        return -1;
    }
    *out = a.items;
    *n = a.n;
    return 0;
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
    urne_election *e = urne_app_election(app, election);
    int rc = e && bureau < e->round->nsheets ? urne_results_assigned(app, e, user, bureau)
                                                         : urne_store_is_assigned(app->store, user, election, bureau);
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

int urne_app_entry_latest(urne_app *app, int64_t election, size_t bureau, int64_t *author, urne_figures *f) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_entry_other(app->store, election, bureau, 0, author, f); /* other than nobody: anyone */
    pthread_mutex_unlock(&app->lock);
    return rc;
}

/* ---- an election's assignments ---- */

static int by_bureau_then_name(const void *x, const void *y) {
    const urne_app_assignment *a = x, *b = y;
    if (a->bureau != b->bureau) return a->bureau < b->bureau ? -1 : 1;
    return strcmp(a->name, b->name);
}

static long assignments(urne_app *app, int64_t election, urne_app_assignment **out) {
    urne_election *e = urne_app_election(app, election);
    size_t nsheets = e ? e->round->nsheets : 0;
    if (e == NULL || nsheets == 0) return 0;
    accounts a = {0};
    if (urne_app_users_list(app, &a.items, &a.n) != 0) return -1;
    size_t *mine = malloc(nsheets * sizeof *mine);
    urne_app_assignment *all = NULL;
    size_t n = 0, cap = 0;
    long rc = mine ? 0 : -1;
    for (size_t u = 0; u < a.n && rc == 0; u++) {
        long got = urne_store_assigned_list(app->store, a.items[u].id, election, mine, nsheets);
        if (got < 0) rc = -1;
        for (long i = 0; i < got && rc == 0; i++) {
            if (n == cap) {
                size_t c = cap ? cap * 2 : 16;
                urne_app_assignment *p = realloc(all, c * sizeof *p);
                if (p == NULL) {
                    rc = -1;
                    break;
                }
                all = p;
                cap = c;
            }
            all[n] = (urne_app_assignment){.bureau = mine[i], .user = a.items[u].id};
            snprintf(all[n].name, sizeof all[n].name, "%s", a.items[u].name);
            n++;
        }
    }
    free(mine);
    free(a.items);
    if (rc < 0) {
        free(all);
        return -1;
    }
    if (n > 1) qsort(all, n, sizeof *all, by_bureau_then_name);
    *out = all;
    return (long)n;
}

long urne_app_assignments(urne_app *app, int64_t election, urne_app_assignment **out) {
    *out = NULL;
    pthread_mutex_lock(&app->lock);
    long n = assignments(app, election, out);
    pthread_mutex_unlock(&app->lock);
    return n;
}
