/*
 * grants: the use cases that give an account a role in a space below the site and
 * take it back (grants.h). An account's own role is its grant over the whole site;
 * these are the narrower ones, which let a federation's commission hear that
 * federation's disputes and nobody else's.
 *
 * Each is one transaction: the grant's row and its audit entry land together. The
 * entry records the grant before and after, whole, so that the log says who held
 * what where and who decided it. The space's name is checked here (and again by
 * the store) so that a bad one is answered as the request's field, not as a store
 * failure.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grants.h"

/* {"space", "role", "tier"} of a grant, compact (malloc'ed), or NULL. */
static char *grant_text(const char *space, const urne_store_grant *g) {
    json_t *o = g ? json_pack("{s:s, s:s, s:i}", "space", space, "role", urne_role_name(g->role), "tier", g->tier)
                  : json_pack("{s:s}", "space", space);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return t;
}

/* The checks both acts share: the space, then the account. OK with it in *u. */
static urne_app_status grant_target(urne_store *store, const char *user_name, const char *space, urne_user *u,
                                    urne_app_outcome *out) {
    long at = space && space[0] ? urne_space_fault(space) : URNE_SPACE_OK;
    if (space == NULL || space[0] == 0 || at != URNE_SPACE_OK) {
        snprintf(out->field, sizeof out->field, "space");
        out->why = space && space[0] ? URNE_WHY_SPACE : URNE_WHY_SPACE_SITE;
        out->number = at;
        return urne_app_fail(out, URNE_APP_BAD_INPUT, "%.200s", space ? space : "");
    }
    int found = user_name ? urne_store_user_find(store, user_name, u, NULL, 0) : 0;
    if (found < 0) return urne_app_store_error(out, store);
    if (found == 0) return urne_app_fail(out, URNE_APP_NO_USER, "%s", user_name ? user_name : "");
    return URNE_APP_OK;
}

/* Write the change (put when g, else delete) and its entry in one transaction. */
static urne_app_status grant_write(urne_store *store, const char *actor, const urne_user *u, const char *space,
                                   const urne_store_grant *g, const urne_store_grant *before,
                                   urne_app_outcome *out) {
    char object[48];
    snprintf(object, sizeof object, "user/%lld", (long long)u->id);
    char *b = before ? grant_text(space, before) : NULL, *a = grant_text(space, g);
    if ((before && b == NULL) || a == NULL) {
        free(b);
        free(a);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    int rc = urne_store_begin(store);
    if (rc == 0) rc = g ? urne_store_grant_put(store, u->id, space, g->role, g->tier)
                        : urne_store_grant_delete(store, u->id, space) < 0 ? -1 : 0;
    if (rc == 0) rc = urne_store_audit(store, actor, g ? "user.grant" : "user.ungrant", object, b, a);
    free(b);
    free(a);
    if (rc < 0 || urne_store_commit(store) < 0) {
        urne_app_store_error(out, store);
        urne_store_rollback(store);
        return URNE_APP_STORE;
    }
    out->id = u->id;
    return URNE_APP_OK;
}

urne_app_status urne_grants_put(urne_store *store, const char *actor, const char *user_name, const char *space,
                                urne_role role, int tier, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (role <= URNE_ROLE_PUBLIC || role > URNE_ROLE_LAST || (tier != 1 && tier != 2)) {
        int bad_role = role <= URNE_ROLE_PUBLIC || role > URNE_ROLE_LAST;
        snprintf(out->field, sizeof out->field, "%s", bad_role ? "role" : "tier");
        out->why = bad_role ? URNE_WHY_ROLE : URNE_WHY_TIER;
        return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
    }
    urne_user u;
    urne_store_grant before, g = {.role = role, .tier = tier};
    urne_app_status st = grant_target(store, user_name, space, &u, out);
    if (st != URNE_APP_OK) return st;
    int had = urne_store_grant_get(store, u.id, space, &before);
    if (had < 0) return urne_app_store_error(out, store);
    snprintf(g.space, sizeof g.space, "%s", space);
    g.user = u.id;
    st = grant_write(store, actor, &u, space, &g, had ? &before : NULL, out);
    out->number = had;
    return st;
}

urne_app_status urne_grants_delete(urne_store *store, const char *actor, const char *user_name, const char *space,
                                   urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_user u;
    urne_store_grant before;
    urne_app_status st = grant_target(store, user_name, space, &u, out);
    if (st != URNE_APP_OK) return st;
    int had = urne_store_grant_get(store, u.id, space, &before);
    if (had < 0) return urne_app_store_error(out, store);
    if (had == 0) {
        out->why = URNE_WHY_NO_GRANT;
        return urne_app_fail(out, URNE_APP_STATE, "%s", space);
    }
    return grant_write(store, actor, &u, space, NULL, &before, out);
}

urne_app_status urne_app_grant_put(urne_app *app, const urne_user *actor, const char *user_name,
                                   const char *space, urne_role role, int tier, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    /* Who may comes first: no refusal of the input is told to whoever may not grant
     * there. An administrator of a space grants in it and in the elections it holds. */
    if (urne_app_authorize_space(app, actor, URNE_ACT_GRANT_ROLES, space ? space : "", out) != URNE_APP_OK)
        return out->status;
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_grants_put(app->store, actor->name, user_name, space, role, tier, out);
    if (st == URNE_APP_OK) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    return st;
}

urne_app_status urne_app_grant_delete(urne_app *app, const urne_user *actor, const char *user_name,
                                      const char *space, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (urne_app_authorize_space(app, actor, URNE_ACT_GRANT_ROLES, space ? space : "", out) != URNE_APP_OK)
        return out->status;
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_grants_delete(app->store, actor->name, user_name, space, out);
    if (st == URNE_APP_OK) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    return st;
}

static int grant_json_one(const urne_store_grant *g, void *ctx) {
    return json_array_append_new(ctx, json_pack("{s:s, s:s, s:i}", "space", g->space, "role",
                                                urne_role_name(g->role), "tier", g->tier)) < 0;
}

/* Keep in `list` the grants whose space `actor` administers. After the store's
 * walk, not inside it: deciding reads the actor's own grants from the store. */
static urne_app_status keep_administered(urne_app *app, const urne_user *actor, json_t *list, urne_app_outcome *out) {
    for (size_t i = 0; i < json_array_size(list);) {
        const char *space = json_string_value(json_object_get(json_array_get(list, i), "space"));
        urne_app_outcome o;
        urne_app_outcome_init(&o);
        urne_app_status st = urne_app_authorize_space(app, actor, URNE_ACT_GRANT_ROLES, space ? space : "", &o);
        urne_app_outcome_free(&o);
        if (st == URNE_APP_FORBIDDEN || st == URNE_APP_TIER)
            json_array_remove(list, i); /* not the actor's to see */
        else if (st != URNE_APP_OK) {
            urne_app_store_error(out, app->store);
            return out->status = st;
        }
        else
            i++;
    }
    return URNE_APP_OK;
}

json_t *urne_app_grants_json(urne_app *app, const urne_user *actor, const char *user_name, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (urne_app_authorize_somewhere(app, actor, URNE_ACT_GRANT_ROLES, out) != URNE_APP_OK) return NULL;
    json_t *list = json_array();
    if (list == NULL) {
        urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
        return NULL;
    }
    pthread_mutex_lock(&app->lock);
    urne_user u;
    int found = user_name ? urne_store_user_find(app->store, user_name, &u, NULL, 0) : 0;
    int rc = found == 1 ? urne_store_grant_each(app->store, u.id, grant_json_one, list) : 0;
    if (found < 0 || rc < 0) urne_app_store_error(out, app->store);
    else if (found == 0) urne_app_fail(out, URNE_APP_NO_USER, "%s", user_name ? user_name : "");
    else if (rc > 0) urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    else keep_administered(app, actor, list, out);
    pthread_mutex_unlock(&app->lock);
    if (out->status != URNE_APP_OK) {
        json_decref(list);
        return NULL;
    }
    return list;
}
