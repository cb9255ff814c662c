/*
 * grant_routes: the routes of the grants, an account's roles in spaces below
 * the site (app/grants.h): give one, take one back, list an account's.
 *
 * An adapter like actions.c: each handler reads the request's fields, calls the
 * use case and answers its outcome as the API does ({"message"} or {"error",
 * "status"}, with the act's JSON). The administration page's forms post to
 * /admin/grants and /admin/grants/delete: done, the browser goes back to /admin
 * with the message (flash.h); refused, the page is shown again with it and what
 * was typed. The space is a field of the request, so the dispatcher lets through
 * whoever administers some space (URNE_ACT_GRANT_ROLES) and the use case
 * decides for the space named: an organisation's administrator grants roles in it
 * and in its elections, nowhere else. The administration page's forms stay the
 * site's administrators' (they answer with the whole page).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/grants.h"
#include "actions.h"
#include "flash.h"
#include "page_parts.h"
#include "routes.h"

/* Answer a use case's outcome: `ok` (owned) when it succeeded, else its refusal. */
static enum MHD_Result answer(urne_req *r, const urne_app_outcome *o, const char *space, json_t *ok) {
    if (o->status == URNE_APP_OK) return urne_reply_json(r, 200, ok);
    json_decref(ok);
    urne_result res = {0};
    if (o->status == URNE_APP_STATE && o->why && strcmp(o->why, URNE_WHY_NO_GRANT) == 0)
        urne_result_set(&res, 409, _(r, "no grant in '%.100s' to take back"), space ? space : "");
    else
        urne_outcome_word(r, o, &res);
    urne_result_free(&res);
    return urne_reply_json(r, res.status, json_pack("{s:s, s:i}", "error", res.message, "status", (int)res.status));
}

static enum MHD_Result post_grant(urne_req *r, int64_t a, int64_t b) {
    const char *user = urne_req_param(r, "user"), *space = urne_req_param(r, "space"),
               *role = urne_req_param(r, "role"), *tier = urne_req_param(r, "tier");
    urne_role ro = URNE_ROLE_PUBLIC; /* refused by the use case, after who may */
    if (role) urne_role_parse(role, &ro);
    int t = tier == NULL || *tier == 0 ? 1 : strcmp(tier, "1") == 0 ? 1 : strcmp(tier, "2") == 0 ? 2 : 0;
    urne_app_outcome o;
    urne_app_grant_put(&r->srv->app, &r->user, user, space, ro, t, &o);
    json_t *ok = o.status == URNE_APP_OK
                     ? json_pack("{s:s, s:I, s:s, s:s, s:i, s:b}", "user", user, "id", (json_int_t)o.id, "space",
                                 space, "role", urne_role_name(ro), "tier", t, "replaced", (int)o.number)
                     : NULL;
    enum MHD_Result ret = answer(r, &o, space, ok);
    urne_app_outcome_free(&o);
    return ret;
}

static enum MHD_Result post_ungrant(urne_req *r, int64_t a, int64_t b) {
    const char *user = urne_req_param(r, "user"), *space = urne_req_param(r, "space");
    urne_app_outcome o;
    urne_app_grant_delete(&r->srv->app, &r->user, user, space, &o);
    json_t *ok = o.status == URNE_APP_OK
                     ? json_pack("{s:s, s:I, s:s}", "user", user, "id", (json_int_t)o.id, "space", space)
                     : NULL;
    enum MHD_Result ret = answer(r, &o, space, ok);
    urne_app_outcome_free(&o);
    return ret;
}

static enum MHD_Result get_grants(urne_req *r, int64_t a, int64_t b) {
    const char *user = urne_req_query(r, "user");
    urne_app_outcome o;
    json_t *list = urne_app_grants_json(&r->srv->app, &r->user, user, &o);
    enum MHD_Result ret = answer(r, &o, NULL, list ? json_pack("{s:s, s:o}", "user", user, "grants", list) : NULL);
    urne_app_outcome_free(&o);
    return ret;
}

/* ---- the administrator's forms (page_admin.c shows them) ---- */

/* The words of a grant's outcome, done or refused, into res. */
static void word_grant(urne_req *r, const urne_app_outcome *o, const char *user, const char *space,
                       const char *role, int taken_back, urne_result *res) {
    if (o->status == URNE_APP_OK && taken_back)
        urne_result_set(res, 200, _(r, "%s no longer holds a role in %s."), user, space);
    else if (o->status == URNE_APP_OK)
        urne_result_set(res, 200, _(r, "%s is now %s in %s."), user, role, space);
    else if (o->status == URNE_APP_STATE && o->why && strcmp(o->why, URNE_WHY_NO_GRANT) == 0)
        urne_result_set(res, 409, _(r, "%s holds no role in %s to take back."), user ? user : "", space ? space : "");
    else
        urne_outcome_word(r, o, res);
}

static enum MHD_Result form_done(urne_req *r, urne_result *res) {
    enum MHD_Result ret = res->status < 300 ? urne_flash_redirect(r, "/admin", res->status, res->message, NULL)
                                            : urne_page_admin(r, res->status, res->message);
    urne_result_free(res);
    return ret;
}

static enum MHD_Result form_grant(urne_req *r, int64_t a, int64_t b) {
    const char *user = urne_req_param(r, "user"), *space = urne_req_param(r, "space"),
               *role = urne_req_param(r, "role"), *tier = urne_req_param(r, "tier");
    urne_role ro = URNE_ROLE_PUBLIC;
    if (role) urne_role_parse(role, &ro);
    int t = tier == NULL || *tier == 0 ? 1 : strcmp(tier, "1") == 0 ? 1 : strcmp(tier, "2") == 0 ? 2 : 0;
    urne_app_outcome o;
    urne_app_grant_put(&r->srv->app, &r->user, user, space, ro, t, &o);
    urne_result res = {0};
    word_grant(r, &o, user, space, urne_page_role(r, ro), 0, &res);
    urne_app_outcome_free(&o);
    return form_done(r, &res);
}

static enum MHD_Result form_ungrant(urne_req *r, int64_t a, int64_t b) {
    const char *user = urne_req_param(r, "user"), *space = urne_req_param(r, "space");
    urne_app_outcome o;
    urne_app_grant_delete(&r->srv->app, &r->user, user, space, &o);
    urne_result res = {0};
    word_grant(r, &o, user, space, NULL, 1, &res);
    urne_app_outcome_free(&o);
    return form_done(r, &res);
}

#define USERS URNE_ACT_MANAGE_USERS
#define GRANT URNE_ACT_GRANT_ROLES
#define SCOPE "administrators of the space named, of its organisation or of the site"

static const urne_route_def grants[] = {
    {"GET", "/api/grants", GRANT, SCOPE, "an account's roles in spaces (?user=NAME)", get_grants},
    {"POST", "/api/grants", GRANT, SCOPE, "give an account a role in a space (user, space, role, tier)", post_grant},
    {"POST", "/api/grants/delete", GRANT, SCOPE, "take back an account's role in a space (user, space)",
     post_ungrant},
    /* The forms stay the site's administrators': they answer with the whole
     * administration page. A space's administrator grants through the API. */
    {"POST", "/admin/grants", USERS, NULL, "give an account a role in a space (form)", form_grant},
    {"POST", "/admin/grants/delete", USERS, NULL, "take back an account's role in a space (form)", form_ungrant},
    {NULL, NULL, URNE_ACT_COUNT, NULL, NULL, NULL},
};

const urne_route_table urne_grant_routes = {"grants", grants};
