/*
 * results_admin: an administrator publishes an election's results and assigns
 * bureaux to secretaries (see results_app.h).
 *
 * Publishing fixes what was published: the SHA-256 of the JSON report at that
 * moment goes into the election's record and the audit log, so anyone holding the
 * published file can check it against both. Nothing is published while a bureau
 * is contested: a frozen result is never shown as final.
 *
 * Several servers may share the database, each holding the elections in memory
 * and hearing the others' changes some milliseconds late (watch.c): a
 * publication compares what it holds with the store inside its write
 * transaction (every bureau; publishing is rare) and, when another server
 * changed a sheet meanwhile, reads the election again and decides again, so
 * that the digest is the report of what is stored; the store also refuses it
 * while a bureau is contested as stored (store_elections.h).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_internal.h"
#include "results_view.h"

/* Memory is not the store's (another server changed a sheet a moment ago, unheard
 * of yet), or the store refused a publication for a bureau contested when memory
 * holds none. Roll back, read the election again (the change hook run), and
 * decide again: STALE, or STORE when it cannot be read. */
static urne_app_status publish_stale(urne_app *app, int64_t id, urne_app_outcome *out) {
    urne_store_rollback(app->store);
    int rc = urne_app_election_reload(app, id);
    urne_app_changed(app);
    return rc < 0 ? urne_app_store_failed(app, out) : URNE_RESULTS_STALE;
}

/* 1 when every bureau of e in memory is as stored (its info, whether it is
 * reported, its figures where they count), 0 when not, -1 on failure. Inside the
 * publication's transaction: what is published is the store's, not what this
 * server has heard of so far. */
static int held_as_stored(urne_app *app, const urne_election *e) {
    urne_election_meta m;
    urne_bureau_info *info = NULL;
    urne_round *r = urne_store_election_load(app->store, e->meta.id, &m, &info);
    if (r == NULL) return -1;
    urne_figures a = {0}, b = {0};
    int same = r->nsheets == e->round->nsheets;
    for (size_t i = 0; same && i < r->nsheets; i++) {
        const urne_bureau_info *x = &info[i], *y = &e->info[i];
        same = x->state == y->state && strcmp(x->entered_at, y->entered_at) == 0 && x->entered_by == y->entered_by &&
               x->validated_once == y->validated_once && x->changed_after_validation == y->changed_after_validation &&
               r->sheets[i].reported == e->round->sheets[i].reported;
        if (same && urne_sheet_state_counts(x->state) == 1)
            same = urne_figures_from_sheet(r, &r->sheets[i], &a) == 0 &&
                   urne_figures_from_sheet(e->round, &e->round->sheets[i], &b) == 0 && urne_figures_equal(&a, &b);
    }
    urne_figures_free(&a);
    urne_figures_free(&b);
    urne_round_free(r);
    free(info);
    return same;
}

static urne_app_status publish_locked(urne_app *app, const urne_user *actor, int64_t id, urne_app_outcome *out) {
    urne_election *e = urne_results_find(app, actor, URNE_ACT_PUBLISH, id, URNE_NONE, out);
    if (e == NULL) return out->status;
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    int current = held_as_stored(app, e);
    if (current < 0) return urne_app_store_failed(app, out);
    if (current == 0) return publish_stale(app, id, out); /* changed by another server: decide again */
    size_t by_state[URNE_SHEET_NSTATES];
    if (urne_election_unit_state(e, URNE_NONE, NULL, by_state) == URNE_UNIT_FROZEN) {
        urne_store_rollback(app->store);
        out->why = URNE_WHY_FROZEN;
        out->number = (int64_t)by_state[URNE_SHEET_CONTESTED];
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    size_t len;
    char *report = urne_election_report(e, 0, 0, &len);
    if (report == NULL) {
        urne_store_rollback(app->store);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)report, len);
    sodium_bin2hex(out->digest, sizeof out->digest, h, sizeof h);
    free(report);
    urne_store_now(out->at);
    urne_unit_state state = urne_recolement_unit_state(by_state);
    out->number = (int64_t)state;
    char object[64];
    snprintf(object, sizeof object, "election/%lld", (long long)id);
    json_t *aj = json_pack("{s:s, s:s, s:s}", "digest", out->digest, "at", out->at, "state",
                           urne_unit_state_name(state));
    char *after = json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(aj);
    urne_app_status st;
    int published = 1;
    if (after == NULL) {
        urne_store_rollback(app->store);
        st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    } else if ((published = urne_store_publish(app->store, id, out->at, out->digest)) < 0)
        st = urne_app_store_failed(app, out);
    else if (published == 0) /* a bureau contested as stored, which this server has not heard of yet */
        st = publish_stale(app, id, out);
    else if ((st = urne_results_audit(app, actor, "election.publish", object, NULL, after, out)) != URNE_APP_OK)
        ;
    else if (urne_store_commit(app->store) < 0)
        st = urne_app_store_failed(app, out);
    else {
        urne_election_meta m;
        if (urne_store_election_meta(app->store, id, &m) == 1) e->meta = m;
        urne_app_changed(app);
    }
    free(after);
    return st;
}

urne_app_status urne_app_election_publish(urne_app *app, const urne_user *actor, int64_t id, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = publish_locked(app, actor, id, out);
    for (int tries = 1; st == URNE_RESULTS_STALE && tries < URNE_RESULTS_TRIES; tries++) {
        urne_app_outcome_free(out);
        urne_app_outcome_init(out);
        st = publish_locked(app, actor, id, out);
    }
    if (st == URNE_RESULTS_STALE) st = urne_results_stale_failed(out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

/* Who may assign, to whom: the election, the actor's right, the account named
 * `uname`, and that it is a secretary of this election (over the site, or
 * granted in its space). The election into *e and the account into *u. */
static urne_app_status assign_to(urne_app *app, const urne_user *actor, const char *uname, int64_t election,
                                 urne_election **e, urne_user *u, urne_app_outcome *out) {
    *e = urne_results_find(app, actor, URNE_ACT_MANAGE_ELECTIONS, election, URNE_NONE, out);
    if (*e == NULL) return out->status;
    int found = urne_store_user_find(app->store, uname ? uname : "", u, NULL, 0);
    if (found < 0) return urne_app_store_failed(app, out);
    if (found == 0) return urne_app_fail(out, URNE_APP_NO_USER, "%s", uname ? uname : "");
    urne_app_outcome as_secretary;
    urne_app_outcome_init(&as_secretary);
    int secretary = urne_app_authorize_election(app, u, URNE_ACT_ENTER_SHEET, election, 0, &as_secretary) ==
                    URNE_APP_OK;
    urne_app_outcome_free(&as_secretary);
    if (!secretary) {
        out->why = URNE_WHY_NOT_SECRETARY;
        out->role = u->role;
        return urne_app_fail(out, URNE_APP_STATE, "%s", uname);
    }
    return URNE_APP_OK;
}

/* Write the assignments of bureaux[0..n-1] (ascending, distinct) to u, with one
 * audit entry per run of consecutive bureaux ("user.assign": election, first,
 * last, as the replay folds it), in one transaction. */
static urne_app_status assign_write(urne_app *app, const urne_user *actor, const urne_user *u, int64_t election,
                                    const int64_t *bureaux, size_t n, urne_app_outcome *out) {
    char object[96], after[128];
    snprintf(object, sizeof object, "user/%lld", (long long)u->id);
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && bureaux[j + 1] == bureaux[j] + 1) j++;
        for (size_t k = i; k <= j; k++)
            if (urne_store_assign(app->store, u->id, election, (size_t)bureaux[k]) < 0)
                return urne_app_store_failed(app, out);
        snprintf(after, sizeof after, "{\"election\":%lld,\"first\":%lld,\"last\":%lld}", (long long)election,
                 (long long)bureaux[i], (long long)bureaux[j]);
        urne_app_status st = urne_results_audit(app, actor, "user.assign", object, NULL, after, out);
        if (st != URNE_APP_OK) return st;
        i = j + 1;
    }
    if (urne_store_commit(app->store) < 0) return urne_app_store_failed(app, out);
    urne_app_changed(app);
    out->number = (int64_t)n;
    return URNE_APP_OK;
}

static urne_app_status assign_locked(urne_app *app, const urne_user *actor, const char *uname, int64_t election,
                                     int64_t first, int64_t last, urne_app_outcome *out) {
    urne_election *e;
    urne_user u;
    urne_app_status st = assign_to(app, actor, uname, election, &e, &u, out);
    if (st != URNE_APP_OK) return st;
    if (first < 0 || last < first || (uint64_t)last >= e->round->nsheets) {
        snprintf(out->field, sizeof out->field, "%s", first < 0 || last < first ? "first" : "last");
        out->why = URNE_WHY_BUREAUX;
        out->id = election;
        out->number = (int64_t)e->round->nsheets - 1;
        return urne_app_fail(out, URNE_APP_BAD_INPUT, "%lld..%lld", (long long)first, (long long)last);
    }
    size_t n = (size_t)(last - first + 1);
    int64_t *list = malloc(n * sizeof *list);
    if (list == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    for (size_t i = 0; i < n; i++) list[i] = first + (int64_t)i;
    st = assign_write(app, actor, &u, election, list, n, out);
    free(list);
    return st;
}

urne_app_status urne_app_bureaux_assign(urne_app *app, const urne_user *actor, const char *user, int64_t election,
                                        int64_t first, int64_t last, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = assign_locked(app, actor, user, election, first, last, out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

static int by_value(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static urne_app_status assign_list_locked(urne_app *app, const urne_user *actor, const char *uname,
                                          int64_t election, const int64_t *bureaux, size_t n,
                                          urne_app_outcome *out) {
    urne_election *e;
    urne_user u;
    urne_app_status st = assign_to(app, actor, uname, election, &e, &u, out);
    if (st != URNE_APP_OK) return st;
    snprintf(out->field, sizeof out->field, "bureaux");
    out->why = URNE_WHY_BUREAUX;
    out->id = election;
    out->number = (int64_t)e->round->nsheets - 1;
    if (n == 0) return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL); /* detail "": none chosen */
    for (size_t i = 0; i < n; i++)
        if (bureaux[i] < 0 || (uint64_t)bureaux[i] >= e->round->nsheets)
            return urne_app_fail(out, URNE_APP_BAD_INPUT, "%lld", (long long)bureaux[i]);
    int64_t *list = malloc(n * sizeof *list);
    if (list == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    memcpy(list, bureaux, n * sizeof *list);
    qsort(list, n, sizeof *list, by_value);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || list[i] != list[m - 1]) list[m++] = list[i];
    out->field[0] = 0;
    out->why = NULL;
    st = assign_write(app, actor, &u, election, list, m, out);
    free(list);
    return st;
}

urne_app_status urne_app_bureaux_assign_list(urne_app *app, const urne_user *actor, const char *user,
                                             int64_t election, const int64_t *bureaux, size_t n,
                                             urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = assign_list_locked(app, actor, user, election, bureaux, n, out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}
