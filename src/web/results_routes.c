/*
 * results_routes: the routes of the results component, its pages and its API
 * together: elections, their results at every level, the bureaux and their sheets,
 * the récolement (contest, decide, escalate), assignments, imports, publication.
 *
 * A form posts to the same action as the API. Done, the browser is sent on (303)
 * to the page the act concerns, which shows its message once (flash.h); refused,
 * the form's page is shown again (4xx) with the message and what was typed. The
 * API sends the action's outcome as JSON (api.c).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "actions.h"
#include "flash.h"
#include "page_parts.h"
#include "routes.h"

static enum MHD_Result get_results(urne_req *r, int64_t id, int64_t b) { return urne_page_results(r, id); }
static enum MHD_Result get_pv(urne_req *r, int64_t id, int64_t b) { return urne_page_pv(r, id); }
static enum MHD_Result get_entry(urne_req *r, int64_t id, int64_t b) { return urne_page_entry_list(r, id); }
static enum MHD_Result get_recolement(urne_req *r, int64_t id, int64_t b) {
    return urne_page_recolement(r, id, 200, NULL);
}
static enum MHD_Result get_bureau(urne_req *r, int64_t id, int64_t x) {
    return urne_page_bureau(r, id, x, 200, NULL, NULL);
}

/* A form that succeeded: on to `location`, which shows the message once
 * (flash.h). */
static enum MHD_Result sent_on(urne_req *r, const char *location, const urne_result *res) {
    return urne_flash_redirect(r, location, res->status, res->message, NULL);
}

static enum MHD_Result post_sheet(urne_req *r, int64_t id, int64_t x) {
    urne_result res = {0};
    urne_action_enter(r, id, (size_t)x, &res);
    char to[96];
    snprintf(to, sizeof to, "/e/%lld/b/%lld", (long long)id, (long long)x);
    enum MHD_Result ret = res.status < 300 ? sent_on(r, to, &res)
                                           : urne_page_bureau(r, id, x, res.status, res.message, res.json);
    urne_result_free(&res);
    return ret;
}

static enum MHD_Result post_contest(urne_req *r, int64_t id, int64_t x) {
    urne_result res = {0};
    urne_action_contest(r, id, (size_t)x, &res);
    char to[96];
    snprintf(to, sizeof to, "/e/%lld/b/%lld", (long long)id, (long long)x);
    enum MHD_Result ret =
        res.status < 300 ? sent_on(r, to, &res) : urne_page_bureau(r, id, x, res.status, res.message, NULL);
    urne_result_free(&res);
    return ret;
}

/* A dispute's forms are on its bureau's page and on the récolement page; the
 * form says which (back=recolement), and the browser goes back there: the
 * bureau's page (its bureau, from the act's answer) unless it came from the
 * récolement. Refused, that page is shown again with the form as it was sent. */
static enum MHD_Result dispute_done(urne_req *r, int64_t id, const urne_result *res) {
    const char *back = urne_req_param(r, "back");
    int recolement = back && strcmp(back, "recolement") == 0;
    json_t *j = res->json ? json_loads(res->json, 0, NULL) : NULL;
    json_t *bureau = json_object_get(j, "bureau");
    long long bi = json_is_integer(bureau) ? (long long)json_integer_value(bureau) : -1;
    json_decref(j);
    char to[96];
    if (res->status < 300) {
        if (recolement || bi < 0)
            snprintf(to, sizeof to, "/e/%lld/recolement", (long long)id);
        else
            snprintf(to, sizeof to, "/e/%lld/b/%lld", (long long)id, bi);
        return sent_on(r, to, res);
    }
    const char *from = urne_req_param(r, "bureau"); /* the bureau's page: which one */
    char *end;
    long long fb = from ? strtoll(from, &end, 10) : -1;
    if (!recolement && from && *from && *end == 0 && fb >= 0)
        return urne_page_bureau(r, id, fb, res->status, res->message, NULL);
    return urne_page_recolement(r, id, res->status, res->message);
}

static enum MHD_Result post_decide(urne_req *r, int64_t id, int64_t x) {
    urne_result res = {0};
    urne_action_decide(r, id, x, &res);
    enum MHD_Result ret = dispute_done(r, id, &res);
    urne_result_free(&res);
    return ret;
}

static enum MHD_Result post_escalate(urne_req *r, int64_t id, int64_t x) {
    urne_result res = {0};
    urne_action_escalate(r, id, x, &res);
    enum MHD_Result ret = dispute_done(r, id, &res);
    urne_result_free(&res);
    return ret;
}

static enum MHD_Result post_publish(urne_req *r, int64_t id, int64_t b) {
    urne_result res = {0};
    urne_action_publish(r, id, &res);
    enum MHD_Result ret =
        res.status < 300 ? sent_on(r, "/admin", &res) : urne_page_admin(r, res.status, res.message);
    urne_result_free(&res);
    return ret;
}

static enum MHD_Result post_assign(urne_req *r, int64_t a, int64_t b) {
    urne_result res = {0};
    urne_action_assign(r, &res);
    enum MHD_Result ret;
    if (res.status < 300) {
        const char *e = urne_req_param(r, "election");
        char to[96];
        snprintf(to, sizeof to, "/admin/assign?election=%lld", e ? strtoll(e, NULL, 10) : 0LL);
        ret = sent_on(r, to, &res);
    } else
        ret = urne_page_assign(r, res.status, res.message);
    urne_result_free(&res);
    return ret;
}

static enum MHD_Result get_assign(urne_req *r, int64_t a, int64_t b) { return urne_page_assign(r, 200, NULL); }

/* Created: on to the new election's results. */
static enum MHD_Result post_election(urne_req *r, int64_t a, int64_t b) {
    urne_result res = {0};
    urne_action_election_create(r, &res);
    enum MHD_Result ret;
    json_t *j = res.status < 300 && res.json ? json_loads(res.json, 0, NULL) : NULL;
    json_t *id = json_object_get(j, "id");
    if (json_is_integer(id)) {
        char to[64];
        snprintf(to, sizeof to, "/e/%lld", (long long)json_integer_value(id));
        ret = sent_on(r, to, &res);
    } else if (res.status < 300)
        ret = sent_on(r, "/admin", &res);
    else
        ret = urne_page_admin(r, res.status, res.message);
    json_decref(j);
    urne_result_free(&res);
    return ret;
}

#define ANYONE URNE_ACT_READ_PUBLIC
#define REVIEW URNE_ACT_READ_REVIEW
#define MANAGE URNE_ACT_MANAGE_ELECTIONS

static const char assigned[] = "the bureaux assigned to them only";
static const char tier[] = "a commission of the dispute's tier or higher";

static const urne_route_def results[] = {
    /* pages */
    {"GET", "/e/*", ANYONE, NULL, "an election's results at a level and unit (?level=, ?unit=)", get_results},
    {"GET", "/e/*/pv", ANYONE, NULL, "a unit's procès-verbal, to print (?level=, ?unit=, as the results)", get_pv},
    {"GET", "/e/*/entry", URNE_ACT_ENTER_SHEET, NULL, "a secretary's bureaux to enter", get_entry},
    {"GET", "/e/*/recolement", REVIEW, NULL, "anomalies and disputes", get_recolement},
    {"GET", "/e/*/b/*", ANYONE, NULL, "a bureau: its sheet, entries, disputes and forms", get_bureau},
    {"POST", "/e/*/b/*/sheet", URNE_ACT_ENTER_SHEET, assigned, "enter a sheet (form)", post_sheet},
    {"POST", "/e/*/b/*/contest", URNE_ACT_CONTEST, NULL, "contest a bureau (form)", post_contest},
    {"POST", "/e/*/disputes/*/decide", URNE_ACT_DECIDE, tier, "decide a dispute (form)", post_decide},
    {"POST", "/e/*/disputes/*/escalate", URNE_ACT_ESCALATE, NULL, "appeal to the higher commission (form)",
     post_escalate},
    {"POST", "/e/*/publish", URNE_ACT_PUBLISH, NULL, "publish the results (form)", post_publish},
    {"GET", "/admin/assign", MANAGE, NULL, "assign an election's bureaux, found by name (?election=, ?q=)",
     get_assign},
    {"POST", "/admin/assign", MANAGE, NULL, "assign bureaux to a secretary (form)", post_assign},
    {"POST", "/admin/elections", MANAGE, NULL, "create or import an election (form)", post_election},
    /* API */
    {"GET", "/api/elections", ANYONE, NULL, "the elections", urne_api_elections},
    {"GET", "/api/elections/*", ANYONE, NULL, "an election, its levels, contests and candidates", urne_api_election},
    {"GET", "/api/elections/*/results", ANYONE, NULL, "the results of a level (?level=), with unit states",
     urne_api_results},
    {"GET", "/api/elections/*/results.csv", ANYONE, NULL,
     "the same in the Ministry's CSV layout (?format=excel: a download for a spreadsheet)", urne_api_results_csv},
    {"GET", "/api/elections/*/bureaux/*", ANYONE, NULL, "a bureau, its state and figures", urne_api_bureau},
    {"GET", "/api/elections/*/anomalies", REVIEW, NULL, "failed checks, mismatches, outliers", urne_api_anomalies},
    {"GET", "/api/elections/*/disputes", REVIEW, NULL, "every dispute with its decision", urne_api_disputes},
    {"POST", "/api/elections", MANAGE, NULL, "create or import an election", urne_api_election_create},
    {"POST", "/api/assignments", MANAGE, NULL, "assign bureaux to a secretary", urne_api_assign},
    {"POST", "/api/elections/*/bureaux/*/sheet", URNE_ACT_ENTER_SHEET, assigned, "enter a sheet", urne_api_sheet},
    {"POST", "/api/elections/*/bureaux/*/contest", URNE_ACT_CONTEST, NULL, "contest a bureau", urne_api_contest},
    {"POST", "/api/elections/*/disputes/*/decide", URNE_ACT_DECIDE, tier, "decide a dispute", urne_api_decide},
    {"POST", "/api/elections/*/disputes/*/escalate", URNE_ACT_ESCALATE, NULL, "appeal to the higher commission",
     urne_api_escalate},
    {"POST", "/api/elections/*/publish", URNE_ACT_PUBLISH, NULL, "publish the results", urne_api_publish},
    {NULL, NULL, URNE_ACT_COUNT, NULL, NULL, NULL},
};

const urne_route_table urne_results_routes = {"results", results};
