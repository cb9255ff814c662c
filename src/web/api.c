/*
 * api: the JSON API (docs/API.md). Every page's action has its route here, so a
 * federation can script its election night; reads of public results need no
 * account. Errors are {"error": "...", "status": N} with the HTTP status.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

static enum MHD_Result send_json(urne_req *r, unsigned status, json_t *o) {
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (text == NULL) return urne_reply_json_error(r, 500, "out of memory");
    enum MHD_Result ret = urne_reply(r, status, "application/json", text, strlen(text));
    free(text);
    return ret;
}

static enum MHD_Result send_result(urne_req *r, urne_result *res) {
    json_t *o = res->json ? json_loads(res->json, 0, NULL) : NULL;
    if (o == NULL) o = json_object();
    json_object_set_new(o, res->status < 300 ? "message" : "error", json_string(res->message));
    if (res->status >= 300) json_object_set_new(o, "status", json_integer(res->status));
    urne_result_free(res);
    return send_json(r, res->status, o);
}

static int may_read_review(const urne_req *r) {
    return r->user.role == URNE_ROLE_OBSERVER || r->user.role == URNE_ROLE_COMMISSION ||
           r->user.role == URNE_ROLE_ADMIN;
}

static json_t *head_json(urne_server *srv) {
    int64_t seq;
    char hash[URNE_AUDIT_HASH_HEX];
    if (urne_store_audit_head(srv->store, &seq, hash) < 0) return json_null();
    return json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "hash", hash);
}

/* The publication as the API shows it: null when never published; else its date
 * and digest, "reopened" (null, or when and why a contest reopened it: what was
 * published is then no longer final) and "previous" (the publication before, when
 * it had been reopened). */
static json_t *publication_json(const urne_election_meta *m) {
    if (!m->published_at[0]) return json_null();
    json_t *o = json_pack("{s:s, s:s, s:b}", "at", m->published_at, "digest", m->published_digest, "final",
                          m->reopened_at[0] == 0);
    json_object_set_new(o, "reopened",
                        m->reopened_at[0] ? json_pack("{s:s, s:s}", "at", m->reopened_at, "reason", m->reopened_reason)
                                          : json_null());
    json_object_set_new(o, "previous",
                        m->previous_published_at[0]
                            ? json_pack("{s:s, s:s, s:s, s:s}", "at", m->previous_published_at, "digest",
                                        m->previous_digest, "reopened_at", m->previous_reopened_at, "reason",
                                        m->previous_reopened_reason)
                            : json_null());
    return o;
}

static json_t *election_summary(const urne_election *e) {
    size_t by[URNE_SHEET_NSTATES];
    urne_unit_state st = urne_view_unit_state(e, URNE_NONE, NULL, by);
    json_t *states = json_object();
    for (int s = 0; s < URNE_SHEET_NSTATES; s++)
        if (by[s]) json_object_set_new(states, urne_sheet_state_name((urne_sheet_state)s), json_integer((json_int_t)by[s]));
    json_t *o = json_pack("{s:I, s:s, s:i, s:s, s:s, s:b, s:I, s:s, s:o}", "id", (json_int_t)e->meta.id, "title",
                          e->meta.title, "round", e->meta.round, "rules", e->meta.preset, "settings", e->meta.settings,
                          "double_entry", e->meta.double_entry, "bureaux", (json_int_t)e->round->nsheets, "state",
                          urne_unit_state_name(st), "sheets", states);
    json_object_set_new(o, "deadline", e->meta.deadline[0] ? json_string(e->meta.deadline) : json_null());
    json_object_set_new(o, "published", publication_json(&e->meta));
    return o;
}

static json_t *election_detail(const urne_election *e) {
    const urne_round *r = e->round;
    json_t *o = election_summary(e);
    json_t *levels = json_array();
    for (size_t l = 0; l < r->nlevels; l++) json_array_append_new(levels, json_string(r->levels[l]));
    json_object_set_new(o, "levels", levels);
    json_object_set_new(o, "contest_level", json_string(r->levels[r->contest_level]));
    json_t *contests = json_array();
    for (size_t c = 0; c < r->ncontests; c++) {
        json_t *cands = json_array();
        for (size_t j = 0; j < r->contests[c].ncand; j++) {
            const urne_candidate *k = &r->candidates[r->contests[c].cand_first + j];
            json_array_append_new(cands, json_pack("{s:s, s:s?}", "name", k->name, "group", k->group));
        }
        json_array_append_new(contests, json_pack("{s:s, s:s?, s:o}", "key", r->contests[c].key, "label",
                                                  r->contests[c].label, "candidates", cands));
    }
    json_object_set_new(o, "contests", contests);
    return o;
}

static json_t *bureau_json(urne_server *srv, const urne_election *e, size_t b) {
    const urne_round *r = e->round;
    const urne_sheet *s = &r->sheets[b];
    char name[200];
    urne_view_bureau_name(e, b, name, sizeof name);
    json_t *units = json_object();
    for (size_t l = 0; l < r->nlevels; l++)
        json_object_set_new(units, r->levels[l], json_string(s->key[l] ? s->key[l] : ""));
    json_t *o = json_pack("{s:I, s:s, s:o, s:I, s:s}", "index", (json_int_t)b, "name", name, "units", units,
                          "contest", (json_int_t)s->contest, "state", urne_sheet_state_name(e->info[b].state));
    if (urne_sheet_state_counts(e->info[b].state)) {
        urne_figures f;
        urne_figures_from_sheet(r, s, &f);
        char *fig = urne_figures_json(&f);
        json_object_set_new(o, "figures", fig ? json_loads(fig, 0, NULL) : json_null());
        free(fig);
    } else
        json_object_set_new(o, "inscrits", json_integer(s->inscrits));
    json_object_set_new(o, "entered_at", e->info[b].entered_at[0] ? json_string(e->info[b].entered_at) : json_null());
    urne_dispute d;
    if (urne_store_dispute_open_for(srv->store, e->meta.id, b, &d) == 1)
        json_object_set_new(o, "dispute", json_pack("{s:I, s:i, s:s, s:s}", "id", (json_int_t)d.id, "tier", d.tier,
                                                    "reason", d.reason, "deadline", d.deadline));
    return o;
}

/* The results engine's report for a level, with each unit's récolement state. */
static json_t *results_json(urne_server *srv, const urne_election *e, size_t level) {
    size_t len;
    char *text = urne_view_report(e, level, 0, &len);
    json_t *o = text ? json_loadb(text, len, 0, NULL) : NULL;
    free(text);
    if (o == NULL) return NULL;
    /* The report lists the units of the tally in the tally's order. */
    urne_tally tally;
    urne_unit_state *states = NULL;
    if (urne_results_aggregate(e->round, level, &tally) == 0) {
        states = urne_view_unit_states(e, &tally);
        json_t *units = json_object_get(o, "units");
        for (size_t i = 0; states && i < tally.nunits && i < json_array_size(units); i++)
            json_object_set_new(json_array_get(units, i), "status", json_string(urne_unit_state_name(states[i])));
        urne_tally_free(&tally);
    }
    if (states == NULL) {
        json_decref(o);
        return NULL;
    }
    free(states);
    json_object_set_new(o, "election_id", json_integer(e->meta.id));
    json_object_set_new(o, "published", publication_json(&e->meta));
    json_object_set_new(o, "audit_head", head_json(srv));
    return o;
}

static enum MHD_Result api_get(urne_req *r) {
    urne_server *srv = r->srv;
    int64_t id = 0, x = 0;
    const char *url = r->url;
    if (strcmp(url, "/api/me") == 0) {
        if (r->user.role == URNE_ROLE_PUBLIC) return urne_reply_json_error(r, 401, "not logged in");
        return send_json(r, 200, json_pack("{s:s, s:s, s:i, s:s}", "user", r->user.name, "role",
                                           urne_role_name(r->user.role), "tier", r->user.tier, "csrf", r->csrf));
    }
    enum MHD_Result ret;
    pthread_mutex_lock(&srv->lock);
    if (strcmp(url, "/api/audit/head") == 0) {
        ret = send_json(r, 200, head_json(srv));
    } else if (strcmp(url, "/api/elections") == 0) {
        json_t *a = json_array();
        for (size_t i = 0; i < srv->nelections; i++) json_array_append_new(a, election_summary(srv->elections[i]));
        ret = send_json(r, 200, a);
    } else if (strcmp(url, "/api/audit") == 0) {
        if (!may_read_review(r)) {
            ret = urne_reply_json_error(r, r->user.role == URNE_ROLE_PUBLIC ? 401 : 403,
                                        "the audit log is for observers, the commission and administrators");
        } else {
            const char *from = urne_req_query(r, "from");
            ret = send_json(r, 200, urne_audit_json(srv->store, from ? atoll(from) : 1, 1000));
        }
    } else if (strcmp(url, "/api/users") == 0) {
        if (r->user.role != URNE_ROLE_ADMIN)
            ret = urne_reply_json_error(r, r->user.role == URNE_ROLE_PUBLIC ? 401 : 403, "administrators only");
        else
            ret = send_json(r, 200, urne_users_json(srv->store));
    } else {
        urne_election *e = NULL;
        int matched = urne_route(url, "/api/elections/*", &id, NULL) ||
                      urne_route(url, "/api/elections/*/results", &id, NULL) ||
                      urne_route(url, "/api/elections/*/results.csv", &id, NULL) ||
                      urne_route(url, "/api/elections/*/anomalies", &id, NULL) ||
                      urne_route(url, "/api/elections/*/disputes", &id, NULL) ||
                      urne_route(url, "/api/elections/*/bureaux/*", &id, &x);
        if (matched) e = urne_view_election(srv, id);
        if (!matched)
            ret = urne_reply_json_error(r, 404, "no such route: GET %s (see docs/API.md)", url);
        else if (e == NULL)
            ret = urne_reply_json_error(r, 404, "no election %lld", (long long)id);
        else if (urne_route(url, "/api/elections/*", &id, NULL))
            ret = send_json(r, 200, election_detail(e));
        else if (urne_route(url, "/api/elections/*/bureaux/*", &id, &x)) {
            if (x < 0 || (size_t)x >= e->round->nsheets)
                ret = urne_reply_json_error(r, 404, "election %lld has no bureau %lld", (long long)id, (long long)x);
            else
                ret = send_json(r, 200, bureau_json(srv, e, (size_t)x));
        } else if (strstr(url, "/results")) {
            size_t level = urne_view_level(e, urne_req_query(r, "level"));
            if (level == URNE_NONE)
                ret = urne_reply_json_error(r, 400, "unknown level '%s'", urne_req_query(r, "level"));
            else if (strstr(url, ".csv")) {
                size_t len;
                char *csv = urne_view_report(e, level, 1, &len);
                ret = csv ? urne_reply(r, 200, "text/csv; charset=utf-8", csv, len)
                          : urne_reply_json_error(r, 500, "the results could not be computed");
                free(csv);
            } else {
                json_t *o = results_json(srv, e, level);
                ret = o ? send_json(r, 200, o) : urne_reply_json_error(r, 500, "the results could not be computed");
            }
        } else if (!may_read_review(r))
            ret = urne_reply_json_error(r, r->user.role == URNE_ROLE_PUBLIC ? 401 : 403,
                                        "the récolement is for observers, the commission and administrators");
        else if (strstr(url, "/anomalies")) {
            size_t n;
            urne_anomaly *an = urne_view_anomalies(e, &n);
            json_t *a = json_array();
            for (size_t i = 0; i < n; i++) {
                char name[200];
                urne_view_bureau_name(e, an[i].bureau, name, sizeof name);
                json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s}", "bureau", (json_int_t)an[i].bureau,
                                                   "name", name, "kind", an[i].kind, "message", an[i].message));
            }
            free(an);
            ret = send_json(r, 200, a);
        } else
            ret = send_json(r, 200, urne_disputes_json(srv->store, id));
    }
    pthread_mutex_unlock(&srv->lock);
    return ret;
}

static enum MHD_Result api_post(urne_req *r) {
    urne_result res = {0};
    int64_t id = 0, x = 0;
    const char *url = r->url;
    if (strcmp(url, "/api/login") == 0) {
        char token[65];
        urne_action_login(r, &res, token);
        if (res.status != 200) {
            if (res.status == 429) {
                char retry[16];
                snprintf(retry, sizeof retry, "%d", 60);
                const char *h[] = {"Retry-After", retry, NULL};
                json_t *o = json_pack("{s:s, s:i}", "error", res.message, "status", 429);
                char *t = json_dumps(o, JSON_COMPACT);
                json_decref(o);
                enum MHD_Result ret = urne_reply_full(r, 429, "application/json", t, strlen(t), h);
                free(t);
                return ret;
            }
            return send_result(r, &res);
        }
        char cookie[256];
        urne_session_cookie(r, token, cookie, sizeof cookie);
        const char *h[] = {"Set-Cookie", cookie, NULL};
        char *t = res.json;
        enum MHD_Result ret = urne_reply_full(r, 200, "application/json", t, strlen(t), h);
        urne_result_free(&res);
        return ret;
    }
    if (strcmp(url, "/api/logout") == 0) {
        urne_action_logout(r, &res);
        char cookie[256];
        urne_session_cookie(r, NULL, cookie, sizeof cookie);
        const char *h[] = {"Set-Cookie", cookie, NULL};
        return urne_reply_full(r, 200, "application/json", "{\"message\":\"logged out\"}", 24, h);
    }
    if (strcmp(url, "/api/elections") == 0)
        urne_action_election_create(r, &res);
    else if (strcmp(url, "/api/users") == 0)
        urne_action_user_create(r, &res);
    else if (strcmp(url, "/api/assignments") == 0)
        urne_action_assign(r, &res);
    else if (urne_route(url, "/api/elections/*/bureaux/*/sheet", &id, &x))
        urne_action_enter(r, id, (size_t)x, &res);
    else if (urne_route(url, "/api/elections/*/bureaux/*/contest", &id, &x))
        urne_action_contest(r, id, (size_t)x, &res);
    else if (urne_route(url, "/api/elections/*/disputes/*/decide", &id, &x))
        urne_action_decide(r, id, x, &res);
    else if (urne_route(url, "/api/elections/*/disputes/*/escalate", &id, &x))
        urne_action_escalate(r, id, x, &res);
    else if (urne_route(url, "/api/elections/*/publish", &id, NULL))
        urne_action_publish(r, id, &res);
    else
        return urne_reply_json_error(r, 404, "no such route: POST %s (see docs/API.md)", url);
    return send_result(r, &res);
}

enum MHD_Result urne_api_handle(urne_req *r) {
    if (strcmp(r->method, "POST") == 0) return api_post(r);
    return api_get(r);
}
