/*
 * app: the application's state and what every use case shares (see app.h).
 *
 * The elections held in memory are the store's rows read once: each use case that
 * changes one patches it after its commit (or reloads it), so the pages read them
 * without SQL. Authorisation goes through authz.h's one policy; an account's role
 * is its grant over the whole site (space ""), and the grants it holds in
 * narrower spaces are read from the store (store_grants.h) at each decision that
 * needs an account, under the lock, so that a grant given or taken back holds
 * from the next request on.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "app.h"
#include "import.h"
#include "forum.h"
#include "initiative.h"
#include "results_live.h"

static const char *const status_names[URNE_APP_NSTATUSES] = {
    [URNE_APP_OK] = "ok",
    [URNE_APP_LOGIN_NEEDED] = "login-needed",
    [URNE_APP_FORBIDDEN] = "forbidden",
    [URNE_APP_TIER] = "tier",
    [URNE_APP_NOT_ASSIGNED] = "not-assigned",
    [URNE_APP_NO_ELECTION] = "no-election",
    [URNE_APP_NO_BUREAU] = "no-bureau",
    [URNE_APP_NO_DISPUTE] = "no-dispute",
    [URNE_APP_NO_INITIATIVE] = "no-initiative",
    [URNE_APP_NO_CAMPAIGN] = "no-campaign",
    [URNE_APP_NO_FORUM] = "no-forum",
    [URNE_APP_NO_POST] = "no-post",
    [URNE_APP_NO_USER] = "no-user",
    [URNE_APP_STATE] = "state",
    [URNE_APP_BAD_INPUT] = "bad-input",
    [URNE_APP_CHECKS_FAILED] = "checks-failed",
    [URNE_APP_IMPOSSIBLE] = "impossible",
    [URNE_APP_TAKEN] = "taken",
    [URNE_APP_STORE] = "store",
    [URNE_APP_NO_MEMORY] = "no-memory",
    [URNE_APP_UNAVAILABLE] = "unavailable",
};

const char *urne_app_status_name(urne_app_status s) {
    return (unsigned)s < URNE_APP_NSTATUSES ? status_names[s] : "?";
}

void urne_app_outcome_init(urne_app_outcome *o) {
    memset(o, 0, sizeof *o);
    urne_diags_init(&o->checks, NULL);
}

void urne_app_outcome_free(urne_app_outcome *o) {
    urne_diags_free(&o->checks);
}

urne_app_status urne_app_fail(urne_app_outcome *out, urne_app_status status, const char *fmt, ...) {
    out->status = status;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out->detail, sizeof out->detail, fmt, ap);
        va_end(ap);
    }
    return status;
}

urne_app_status urne_app_store_error(urne_app_outcome *out, const urne_store *store) {
    urne_app_fail(out, URNE_APP_STORE, "%s", urne_store_error(store));
    out->reason = *urne_store_error_phrase(store);
    return URNE_APP_STORE;
}

urne_app_status urne_app_store_fail(urne_app_outcome *out, const char *fmt, ...) {
    out->status = URNE_APP_STORE;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->detail, sizeof out->detail, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    urne_phrase_vset(&out->reason, fmt, ap);
    va_end(ap);
    return URNE_APP_STORE;
}

urne_app_status urne_app_store_failed(urne_app *app, urne_app_outcome *out) {
    urne_app_status st = urne_store_unavailable(app->store) ? URNE_APP_UNAVAILABLE : URNE_APP_STORE;
    urne_app_store_error(out, app->store);
    out->status = st;
    urne_store_rollback(app->store);
    return st;
}

void urne_app_changed(urne_app *app) {
    urne_live_changed(app);
    if (app->changed) app->changed(app->changed_ctx);
}

/* ---- elections in memory ---- */

static void election_free(urne_election *e) {
    if (e == NULL) return;
    urne_round_free(e->round);
    free(e->info);
    free(e->seen);
    for (size_t i = 0; i < e->nassignees; i++) free(e->assignees[i].bits);
    free(e->assignees);
    free(e);
}

/* The election `id` read from the store, with its rules; NULL with the reason in
 * *why (the store's, which names the election, or the rules', which do not: then
 * *unnamed is set to id; it is left alone otherwise). */
static urne_election *election_load(urne_store *store, int64_t id, urne_phrase *why, int64_t *unnamed) {
    urne_election *e = calloc(1, sizeof *e);
    if (e == NULL) {
        urne_phrase_set(why, "out of memory");
        return NULL;
    }
    e->floor = INT64_MAX; /* until the watch reads the head after this load (watch.c) */
    e->round = urne_store_election_load(store, id, &e->meta, &e->info);
    if (e->round == NULL) {
        *why = *urne_store_error_phrase(store);
        election_free(e);
        return NULL;
    }
    if (urne_election_rules(&e->meta, &e->rules, why) < 0) {
        *unnamed = id;
        election_free(e);
        return NULL;
    }
    return e;
}

static int election_add(urne_app *app, urne_election *e) {
    urne_election **all = realloc(app->elections, (app->nelections + 1) * sizeof *all);
    if (all == NULL) return -1;
    app->elections = all;
    all[app->nelections++] = e;
    return 0;
}

typedef struct load_ctx {
    urne_app *app;
    urne_app_outcome *out;
} load_ctx;

/* Set *out to a failure to open: status, the reason as a phrase and in English. */
static urne_app_status open_failed(urne_app_outcome *out, urne_app_status status, const urne_phrase *why) {
    out->status = status;
    out->reason = *why;
    urne_phrase_write(why, NULL, NULL, out->detail, sizeof out->detail);
    return status;
}

static int load_one(const urne_election_meta *m, void *ctx) {
    load_ctx *c = ctx;
    urne_phrase why;
    urne_election *e = election_load(c->app->store, m->id, &why, &c->out->number);
    if (e == NULL || election_add(c->app, e) < 0) {
        if (e) urne_phrase_set(&why, "out of memory");
        election_free(e);
        open_failed(c->out, URNE_APP_STORE, &why);
        return -1;
    }
    return 0;
}

urne_app_status urne_app_open(urne_app *app, urne_store *store, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    memset(app, 0, sizeof *app);
    /* Recursive: a page holding the lock for its reads may ask urne_app_may, and a
     * use case holding it asks too; both take it again. */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&app->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    app->store = store;
    app->live = urne_live_new();
    urne_phrase why;
    if (app->live == NULL) {
        pthread_mutex_destroy(&app->lock);
        urne_phrase_set(&why, "out of memory");
        return open_failed(out, URNE_APP_NO_MEMORY, &why);
    }
    load_ctx c = {app, out};
    if (urne_store_election_each(store, load_one, &c) != 0) {
        if (out->status == URNE_APP_OK) open_failed(out, URNE_APP_STORE, urne_store_error_phrase(store));
        urne_app_close(app);
        return out->status;
    }
    urne_phrase why_component;
    if (urne_app_initiatives_load(app, &why_component) < 0 || /* their counts rebuilt from the rows */
        urne_app_forums_open(app, &why_component) < 0) {
        open_failed(out, URNE_APP_STORE, &why_component);
        urne_app_close(app);
        return out->status;
    }
    urne_live_changed(app); /* the audit log's head */
    return URNE_APP_OK;
}

void urne_app_close(urne_app *app) {
    urne_live_free(app->live);
    app->live = NULL;
    for (size_t i = 0; i < app->nelections; i++) election_free(app->elections[i]);
    free(app->elections);
    app->elections = NULL;
    app->nelections = 0;
    urne_app_initiatives_free(app);
    urne_app_forums_free(app);
    free(app->sessions);
    app->sessions = NULL;
    pthread_mutex_destroy(&app->lock);
}

void urne_app_read_begin(urne_app *app) { pthread_mutex_lock(&app->lock); }
void urne_app_read_end(urne_app *app) { pthread_mutex_unlock(&app->lock); }

urne_election *urne_app_election(urne_app *app, int64_t id) {
    for (size_t i = 0; i < app->nelections; i++)
        if (app->elections[i]->meta.id == id) return app->elections[i];
    return NULL;
}

int urne_app_election_reload(urne_app *app, int64_t id) {
    urne_phrase why; /* not said: the caller reports the reload's failure its own way */
    int64_t unnamed;
    urne_election *fresh = election_load(app->store, id, &why, &unnamed);
    if (fresh == NULL) return -1;
    for (size_t i = 0; i < app->nelections; i++)
        if (app->elections[i]->meta.id == id) {
            urne_live_drop(app, id); /* what it kept points into the old round */
            election_free(app->elections[i]);
            app->elections[i] = fresh;
            return 0;
        }
    if (election_add(app, fresh) < 0) {
        election_free(fresh);
        return -1;
    }
    return 0;
}

/* ---- authorisation ---- */

urne_app_status urne_app_authorize_election(urne_app *app, const urne_user *actor, urne_action action,
                                            int64_t election, int tier, urne_app_outcome *out) {
    /* An act open to anyone needs no chain: the pages' reads decide without the lock. */
    if (urne_authz_roles(action) & (1u << URNE_ROLE_PUBLIC)) return URNE_APP_OK;
    char own[32];
    const char *chain[3] = {own, "", ""};
    pthread_mutex_lock(&app->lock);
    urne_app_status st;
    if (election <= 0)
        st = urne_app_authorize(app, actor, action, chain + 2, 1, tier, out);
    else {
        snprintf(own, sizeof own, "election/%lld", (long long)election);
        /* The election's own space, then the one it belongs to (when not the site). */
        const urne_election *e = urne_app_election(app, election);
        size_t n = 2; /* {own, ""} */
        if (e && e->meta.space[0]) {
            chain[1] = e->meta.space; /* {own, its space, ""} */
            n = 3;
        }
        st = urne_app_authorize(app, actor, action, chain, n, tier, out);
    }
    pthread_mutex_unlock(&app->lock);
    return st;
}

urne_app_status urne_app_may(urne_app *app, const urne_user *actor, urne_action action, int64_t election,
                             urne_app_outcome *out) {
    return urne_app_authorize_election(app, actor, action, election, 0, out);
}

/* The grants an actor holds, gathered for one decision. */
typedef struct held {
    urne_store_grant *rows; /* the store's, whose spaces the grants below point into */
    size_t nrows, cap;
} held;

static int held_add(const urne_store_grant *g, void *ctx) {
    held *h = ctx;
    urne_store_grant *rows = urne_mem_room(h->rows, h->nrows, &h->cap, sizeof *rows, 8);
    if (rows == NULL) return 1; /* out of memory: stops the walk */
    h->rows = rows;
    h->rows[h->nrows++] = *g;
    return 0;
}

/* Name one role that would do, for the message: the first the policy allows
 * other than an administrator (a moderator's act is "needs: moderator", not the
 * administrator who may do it too), an administrator when only they may. */
static urne_app_status forbidden(urne_action action, urne_app_outcome *out) {
    unsigned roles = urne_authz_roles(action);
    out->role = URNE_ROLE_ADMIN;
    for (urne_role r = URNE_ROLE_OBSERVER; r <= URNE_ROLE_LAST; r++)
        if (r != URNE_ROLE_ADMIN && (roles & (1u << r))) {
            out->role = r;
            break;
        }
    return urne_app_fail(out, URNE_APP_FORBIDDEN, NULL);
}

/* Every grant the actor holds: its account's role over the site (unless none)
 * and the store's grants in narrower spaces, into *grants (malloc'ed, its spaces
 * pointing into h->rows: free both). URNE_APP_OK, or STORE / NO_MEMORY in *out. */
static urne_app_status actor_grants(urne_app *app, const urne_user *actor, held *h, urne_grant **grants, size_t *n,
                                    urne_app_outcome *out) {
    *h = (held){0};
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_grant_each(app->store, actor->id, held_add, h);
    pthread_mutex_unlock(&app->lock);
    *grants = rc == 0 ? malloc((h->nrows + 1) * sizeof **grants) : NULL;
    if (*grants == NULL) {
        free(h->rows);
        h->rows = NULL;
        return rc < 0 ? urne_app_store_error(out, app->store)
                      : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    *n = 0;
    if (actor->role != URNE_ROLE_PUBLIC) (*grants)[(*n)++] = (urne_grant){"", actor->role, actor->tier}; /* the site's */
    for (size_t i = 0; i < h->nrows; i++)
        (*grants)[(*n)++] = (urne_grant){h->rows[i].space, h->rows[i].role, h->rows[i].tier};
    return URNE_APP_OK;
}

urne_app_status urne_app_authorize(urne_app *app, const urne_user *actor, urne_action action,
                                   const char *const *chain, size_t nchain, int tier, urne_app_outcome *out) {
    assert(actor != NULL && chain != NULL && nchain > 0);
    urne_authz_object object = {chain, nchain, tier};
    /* An account with no role over the site ("none") is still logged in: its
     * grants, if any, are in narrower spaces. */
    int logged_in = actor->id > 0;
    if (!logged_in || (urne_authz_roles(action) & (1u << URNE_ROLE_PUBLIC))) {
        /* Nothing to gather: the public holds no grant, and an act open to anyone
         * needs none (the pages' reads ask here and never reach the store). */
        urne_authz_decision d = urne_authz_decide(NULL, 0, logged_in, action, &object, NULL);
        return d == URNE_AUTHZ_ALLOWED ? URNE_APP_OK : urne_app_fail(out, URNE_APP_LOGIN_NEEDED, NULL);
    }
    /* The account's own role over the site decides most acts alone (a section
     * secretary entering a sheet): the store's grants are read only when it does
     * not allow, which keeps two queries off every entry. */
    if (actor->role != URNE_ROLE_PUBLIC) {
        urne_grant site = {"", actor->role, actor->tier};
        if (urne_authz_decide(&site, 1, logged_in, action, &object, NULL) == URNE_AUTHZ_ALLOWED) return URNE_APP_OK;
    }
    held h;
    urne_grant *grants;
    size_t n;
    if (actor_grants(app, actor, &h, &grants, &n, out) != URNE_APP_OK) return out->status;
    urne_authz_decision d = urne_authz_decide(grants, n, logged_in, action, &object, NULL);
    free(grants);
    free(h.rows);
    switch (d) {
    case URNE_AUTHZ_ALLOWED: return URNE_APP_OK;
    case URNE_AUTHZ_LOGIN_NEEDED: return urne_app_fail(out, URNE_APP_LOGIN_NEEDED, NULL);
    case URNE_AUTHZ_TIER: return urne_app_fail(out, URNE_APP_TIER, NULL);
    case URNE_AUTHZ_FORBIDDEN: break;
    }
    return forbidden(action, out);
}

urne_app_status urne_app_authorize_somewhere(urne_app *app, const urne_user *actor, urne_action action,
                                             urne_app_outcome *out) {
    assert(actor != NULL);
    if (urne_authz_roles(action) & (1u << URNE_ROLE_PUBLIC)) return URNE_APP_OK;
    if (actor->id <= 0) return urne_app_fail(out, URNE_APP_LOGIN_NEEDED, NULL);
    held h;
    urne_grant *grants;
    size_t n;
    if (actor_grants(app, actor, &h, &grants, &n, out) != URNE_APP_OK) return out->status;
    int some = urne_authz_somewhere(grants, n, action);
    free(grants);
    free(h.rows);
    return some ? URNE_APP_OK : forbidden(action, out);
}

urne_app_status urne_app_authorize_space(urne_app *app, const urne_user *actor, urne_action action,
                                         const char *space, urne_app_outcome *out) {
    assert(space != NULL);
    /* The space's chain up to the site: an election's passes through the space it
     * belongs to; any other space is just below the site (spaces nest one level:
     * core/urne_role.h). A name that is no space gets {name, ""}: only the site's
     * role covers it, so whoever may not act there is refused before its input is. */
    const char *chain[3] = {space, "", ""};
    size_t n = space[0] ? 2 : 1;
    pthread_mutex_lock(&app->lock);
    long long id = 0;
    int end = 0;
    if (strncmp(space, "election/", 9) == 0 && space[9] >= '1' && space[9] <= '9' &&
        sscanf(space, "election/%lld%n", &id, &end) == 1 && space[end] == 0) {
        const urne_election *e = urne_app_election(app, id);
        if (e && e->meta.space[0]) {
            chain[1] = e->meta.space;
            n = 3;
        }
    }
    urne_app_status st = urne_app_authorize(app, actor, action, n == 1 ? chain + 1 : chain, n, 0, out);
    pthread_mutex_unlock(&app->lock);
    return st;
}
