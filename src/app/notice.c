/*
 * notice (app): publishing and listing notices (see notice.h).
 *
 * The shape every use case has, at its smallest: clear the outcome, take the
 * lock, ask who may, ask the engine, then write the row and its audit entry in
 * one transaction and run the change hook after the commit. Nothing is held in
 * memory for notices (pages read them from the store under the lock), so there
 * is nothing to patch after the commit.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice.h"

static urne_app_status publish_locked(urne_app *app, const urne_user *actor, const char *title, const char *body,
                                      urne_app_outcome *out) {
    urne_app_status st = urne_app_may(app, actor, URNE_ACT_PUBLISH_NOTICE, 0, out);
    if (st != URNE_APP_OK) return st;
    urne_notice_fault fault;
    if (urne_notice_check(title, body, &fault) < 0) {
        snprintf(out->field, sizeof out->field, "%s", fault.field);
        out->why = fault.rule;
        if (fault.limit) {
            out->number = (int64_t)fault.limit;
            return urne_app_fail(out, URNE_APP_BAD_INPUT, "%zu", fault.at);
        }
        out->number = (int64_t)fault.at;
        return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
    }
    urne_notice *n = calloc(1, sizeof *n);
    if (n == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    /* The engine bounded both lengths by the fields' sizes: nothing is cut. */
    memcpy(n->title, title, strlen(title) + 1);
    memcpy(n->body, body, strlen(body) + 1);
    urne_store_now(n->published_at);
    snprintf(n->published_by, sizeof n->published_by, "%s", actor->name);
    memcpy(out->at, n->published_at, sizeof out->at);

    char object[48];
    char *after = NULL;
    if (urne_store_begin(app->store) < 0) {
        free(n);
        return urne_app_store_failed(app, out);
    }
    int64_t id = urne_store_notice_put(app->store, n);
    if (id < 0)
        st = urne_app_store_failed(app, out);
    else {
        n->id = id;
        snprintf(object, sizeof object, "notice/%lld", (long long)id);
        json_t *aj = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "title", n->title, "body", n->body,
                               "published_at", n->published_at, "published_by", n->published_by);
        after = aj ? json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(aj);
        if (after == NULL) {
            urne_store_rollback(app->store);
            st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
        } else if (urne_store_audit(app->store, actor->name, "notice.publish", object, NULL, after) < 0 ||
                   urne_store_commit(app->store) < 0)
            st = urne_app_store_failed(app, out);
        else {
            out->id = id;
            urne_app_changed(app);
        }
    }
    free(after);
    free(n);
    return st;
}

urne_app_status urne_app_notice_publish(urne_app *app, const urne_user *actor, const char *title, const char *body,
                                        urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = publish_locked(app, actor, title, body, out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

int urne_app_notices_each(urne_app *app, int (*fn)(const urne_notice *n, void *ctx), void *ctx) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_notice_each(app->store, fn, ctx);
    pthread_mutex_unlock(&app->lock);
    return rc;
}
