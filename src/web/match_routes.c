/*
 * match_routes: the matching's routes, pages and API (issue 20; app/match.h has
 * the use cases, match_pages.c the pages).
 *
 * The API: a campaign's figures as JSON; creating one; importing its files
 * (answered with every host's and pupil's code, shown this once), and hosts
 * and pupils added later (late joiners, answered alike); a host's
 * places (by account or by its link's code), a pupil's wishes; running,
 * publishing and closing a round; rankings given after the import, and
 * corrected; the
 * distances between communes and the maximum distance; a pupil's
 * placement and explanation by code, and their answer to the offer. The
 * downloads (assignment.csv, explanations.csv, hosts.csv, host.csv, report.json) are in
 * match_csv.c. Each route names its
 * action, so the dispatcher refuses the wrong roles first; the campaign's own
 * space (its school's, its host's) is decided by the use case, as the grants'
 * are. The refusals' reasons are worded here, in French and English; every
 * other status by urne_outcome_word, as for every component.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "match_web.h"
#include "routes.h"

/* ---- fields ---- */

int64_t urne_match_field_count(const char *s, int64_t absent) {
    if (s == NULL || s[0] == 0) return absent;
    int64_t v = 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9' || __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v))
            return -1;
    return v;
}

/* ---- words ---- */

const char *urne_match_state_words(const urne_req *r, const char *state) {
    if (strcmp(state, "draft") == 0) return C_(r, "campaign", "draft");
    if (strcmp(state, "collecting") == 0) return C_(r, "campaign", "collecting places and wishes");
    if (strcmp(state, "run") == 0) return C_(r, "campaign", "round computed, not published");
    if (strcmp(state, "published") == 0) return C_(r, "campaign", "round published");
    if (strcmp(state, "closed") == 0) return C_(r, "campaign", "closed");
    return state;
}

void urne_match_word(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "";
    unsigned http = urne_outcome_http(o->status);
    if (o->status == URNE_APP_STATE && strcmp(why, URNE_WHY_MATCH_STATE) == 0)
        urne_result_set(res, http, _(r, "Not possible while the campaign is: %s."), urne_match_state_words(r, o->detail));
    else if (strcmp(why, URNE_WHY_MATCH_HELD) == 0)
        urne_result_set(res, http, "%s", _(r, "This pupil holds a place: their wishes are not changed any more."));
    else if (strcmp(why, URNE_WHY_MATCH_OFFER) == 0)
        urne_result_set(res, http, "%s", _(r, "There is no offer to answer: none yet, already answered, or past its deadline."));
    else if (strcmp(why, URNE_WHY_MATCH_FINAL) == 0)
        urne_result_set(res, http, "%s", _(r, "The final phase was run: no later round."));
    else if (strcmp(why, URNE_WHY_MATCH_CHECK) == 0)
        urne_result_set(res, http, _(r, "The checker found %lld fault(s) in the engine's result: nothing was stored."),
                        (long long)o->number);
    else if (strcmp(why, URNE_WHY_MATCH_RANK) == 0)
        urne_result_set(res, http, _(r, "The rank of pupil %s: a whole number from 1, or empty to leave them out."),
                        o->detail);
    else if (strcmp(why, URNE_WHY_MATCH_MAX_KM) == 0)
        urne_result_set(res, http, "%s", _(r, "Field 'max_km': a whole number of kilometres, from 0."));
    else if (strcmp(why, URNE_WHY_MATCH_EMPTY) == 0 && strcmp(o->field, "rank") == 0)
        urne_result_set(res, http, "%s", _(r, "No rank given: rank at least one applicant."));
    else if (strcmp(why, URNE_WHY_MATCH_METHOD) == 0)
        urne_result_set(res, http, "%s", _(r, "Field 'method': da, ttc or serial."));
    else if (strcmp(why, URNE_WHY_MATCH_TIE) == 0)
        urne_result_set(res, http, "%s", _(r, "Field 'tie': single or multiple."));
    else if (strcmp(why, URNE_WHY_MATCH_EMPTY) == 0)
        urne_result_set(res, http, _(r, "Field '%s': empty."), o->field);
    else if (strcmp(why, URNE_WHY_MATCH_HOST) == 0)
        urne_result_set(res, http, _(r, "No host %s in this campaign."), o->detail);
    else if (strcmp(why, URNE_WHY_MATCH_PUPIL) == 0)
        urne_result_set(res, http, _(r, "No pupil %s in this campaign."), o->detail);
    else if (strcmp(why, URNE_WHY_MATCH_WISH) == 0)
        urne_result_set(res, http, _(r, "Wish %lld: %s is not a host of this campaign, or is wished twice."),
                        (long long)o->number, o->detail);
    else if (strcmp(why, URNE_WHY_MATCH_CAPACITY) == 0)
        urne_result_set(res, http, _(r, "Field '%s': places from 0, and the reserved ones at most the capacity."),
                        o->field);
    else if (strcmp(why, URNE_WHY_DEADLINE) == 0 && strcmp(o->field, "deadline") == 0)
        urne_result_set(res, http, "%s",
                        _(r, "Field 'deadline': a moment after now, written 2027-04-10T18:00 (UTC)."));
    else if (o->status == URNE_APP_IMPOSSIBLE)
        urne_result_set(res, http, _(r, "The round cannot be computed: %s"), o->detail);
    else
        urne_outcome_word(r, o, res);
}

/* The JSON answer of a use case (urne_outcome_answer, in this component's words). */
static enum MHD_Result answer(urne_req *r, urne_app_outcome *o, unsigned ok, const char *ok_message, json_t *extra) {
    return urne_outcome_answer(r, o, ok, ok_message, extra, urne_match_word);
}

/* ---- the API ---- */

json_t *urne_match_figures_json(urne_req *r, int64_t id, const urne_match_campaign_row *c) {
    urne_match_figures f;
    if (urne_app_match_figures(&r->srv->app, id, 0, &f) < 0) return NULL;
    json_t *wishes = json_array();
    for (int k = 1; wishes && k < URNE_MATCH_FIG_WISHES; k++) json_array_append_new(wishes, json_integer(f.wish[k]));
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I}",
                     "id", (json_int_t)c->id, "name", c->name, "space", c->space, "state", c->state, "method",
                     c->method, "tie", c->tie, "round", (json_int_t)c->round, "final_round", (json_int_t)c->final_round,
                     "deadline", c->deadline, "pupils", (json_int_t)f.pupils, "placed", (json_int_t)f.placed,
                     "unplaced", (json_int_t)f.unplaced, "placed_at_wish", wishes ? wishes : json_null(),
                     "placed_further", (json_int_t)f.wish[0], "priority_pupils", (json_int_t)f.priority_pupils,
                     "priority_placed", (json_int_t)f.priority_placed, "priority_first_wish",
                     (json_int_t)f.priority_first, "others_first_wish", (json_int_t)f.other_first);
}

static enum MHD_Result api_get(urne_req *r, int64_t id, int64_t b) {
    urne_match_campaign_row *c = malloc(sizeof *c);
    int rc = c ? urne_app_match_campaign(&r->srv->app, id, c) : -1;
    json_t *j = rc == 1 ? urne_match_figures_json(r, id, c) : NULL;
    free(c);
    if (rc == 0) return urne_reply_json_error(r, 404, _(r, "No matching campaign %lld."), (long long)id);
    return j ? urne_reply_json(r, 200, j) : urne_reply_json_error(r, 500, "%s", _(r, "The store failed."));
}

static enum MHD_Result api_create(urne_req *r, int64_t a, int64_t b) {
    const char *seed = urne_req_param(r, "seed");
    urne_match_campaign_new in = {urne_req_param(r, "name"), urne_req_param(r, "space"), urne_req_param(r, "method"),
                                  urne_req_param(r, "tie"), NULL, seed && seed[0] ? strtoll(seed, NULL, 10) : -1};
    urne_app_outcome o;
    urne_app_match_create(&r->srv->app, &r->user, &in, &o);
    return answer(r, &o, 201, _(r, "Campaign created."), NULL);
}

static void code_json(const char *kind, const char *key, const char *school, const char *code, void *ctx) {
    json_t *o = json_pack("{s:s, s:s, s:s}", kind, key, "school", school, "code", code);
    if (o && strcmp(kind, "host") == 0) json_object_del(o, "school");
    json_array_append_new(json_object_get(ctx, strcmp(kind, "host") == 0 ? "hosts" : "pupils"), o);
}

static enum MHD_Result api_import(urne_req *r, int64_t id, int64_t b) {
    const char *h = urne_req_param(r, "hosts"), *p = urne_req_param(r, "pupils"), *k = urne_req_param(r, "rankings");
    json_t *codes = json_pack("{s:[], s:[]}", "hosts", "pupils");
    urne_app_outcome o;
    urne_app_match_import(&r->srv->app, &r->user, id, h, h ? strlen(h) : 0, p, p ? strlen(p) : 0, k && k[0] ? k : NULL,
                          k ? strlen(k) : 0, code_json, codes, &o);
    json_t *extra = o.status == URNE_APP_OK ? json_pack("{s:o}", "codes", codes) : (json_decref(codes), NULL);
    return answer(r, &o, 200, _(r, "Hosts and pupils imported: hand each their code, shown only now."), extra);
}

static enum MHD_Result api_add(urne_req *r, int64_t id, int64_t b) {
    const char *h = urne_req_param(r, "hosts"), *p = urne_req_param(r, "pupils");
    json_t *codes = json_pack("{s:[], s:[]}", "hosts", "pupils");
    urne_app_outcome o;
    urne_app_match_add(&r->srv->app, &r->user, id, h, h ? strlen(h) : 0, p, p ? strlen(p) : 0, code_json, codes, &o);
    json_t *extra = o.status == URNE_APP_OK ? json_pack("{s:o}", "codes", codes) : (json_decref(codes), NULL);
    return answer(r, &o, 200, _(r, "Hosts and pupils added: hand each their code, shown only now."), extra);
}

static enum MHD_Result api_rankings(urne_req *r, int64_t id, int64_t b) {
    const char *k = urne_req_param(r, "rankings");
    urne_app_outcome o;
    urne_app_match_rankings(&r->srv->app, &r->user, id, k, k ? strlen(k) : 0, &o);
    json_t *extra = json_pack("{s:I, s:I}", "rankings", (json_int_t)o.number, "hosts_ranked", (json_int_t)o.id);
    o.id = id;
    return answer(r, &o, 200, _(r, "Rankings added: these hosts take their applicants in their own order."), extra);
}

static enum MHD_Result api_distances(urne_req *r, int64_t id, int64_t b) {
    const char *d = urne_req_param(r, "distances");
    urne_app_outcome o;
    urne_app_match_distances(&r->srv->app, &r->user, id, d, d ? strlen(d) : 0,
                             urne_match_field_count(urne_req_param(r, "max_km"), -1), &o);
    json_t *extra = json_pack("{s:I}", "distances", (json_int_t)o.number);
    o.id = id;
    return answer(r, &o, 200, _(r, "Distances set: each round keeps to the maximum distance."), extra);
}

static enum MHD_Result api_correct(urne_req *r, int64_t id, int64_t b) {
    const char *k = urne_req_param(r, "rankings");
    urne_app_outcome o;
    urne_app_match_rankings_correct(&r->srv->app, &r->user, id, k, k ? strlen(k) : 0, &o);
    json_t *extra = json_pack("{s:I, s:I}", "rankings", (json_int_t)o.number, "hosts_corrected", (json_int_t)o.id);
    o.id = id;
    return answer(r, &o, 200, _(r, "Rankings corrected: the next round takes these hosts' new order."), extra);
}

static enum MHD_Result api_places(urne_req *r, int64_t id, int64_t b) {
    const char *cap = urne_req_param(r, "capacity"), *res = urne_req_param(r, "reserved");
    urne_match_places in = {urne_req_param(r, "host"), urne_req_param(r, "code"), urne_req_param(r, "name"),
                            urne_req_param(r, "weeks"), urne_match_field_count(cap, -1), urne_match_field_count(res, 0)};
    urne_app_outcome o;
    urne_app_match_places(&r->srv->app, &r->user, id, &in, &o);
    return answer(r, &o, 200, _(r, "Places saved."), NULL);
}

static enum MHD_Result api_wishes(urne_req *r, int64_t id, int64_t b) {
    urne_app_outcome o;
    urne_app_match_wishes(&r->srv->app, &r->user, id, urne_req_param(r, "pupil"), urne_req_param(r, "wishes"), &o);
    return answer(r, &o, 200, _(r, "Wishes saved."), NULL);
}

static enum MHD_Result api_run(urne_req *r, int64_t id, int64_t b) {
    const char *final = urne_req_param(r, "final");
    urne_app_outcome o;
    urne_app_match_run(&r->srv->app, &r->user, id, final && (strcmp(final, "1") == 0 || strcmp(final, "true") == 0), &o);
    json_t *extra = json_pack("{s:I, s:I}", "round", (json_int_t)o.number, "placed", (json_int_t)o.id);
    o.id = id;
    return answer(r, &o, 200, _(r, "Round computed and checked."), extra);
}

static enum MHD_Result api_publish(urne_req *r, int64_t id, int64_t b) {
    urne_app_outcome o;
    urne_app_match_publish(&r->srv->app, &r->user, id, urne_req_param(r, "deadline"), &o);
    json_t *extra = json_pack("{s:I, s:s}", "offers", (json_int_t)o.number, "deadline", o.at);
    return answer(r, &o, 200, _(r, "Round published: each pupil placed has an offer to answer."), extra);
}

static enum MHD_Result api_close(urne_req *r, int64_t id, int64_t b) {
    urne_app_outcome o;
    urne_app_match_close(&r->srv->app, &r->user, id, &o);
    o.id = id;
    return answer(r, &o, 200, _(r, "Campaign closed."), NULL);
}

json_t *urne_match_placement_json(const urne_match_placement *v) {
    json_t *expl = json_loads(v->has_result ? v->result.explanation : "[]", 0, NULL);
    json_t *j = json_pack("{s:s, s:s, s:o}", "pupil", v->pupil.key, "wishes", v->pupil.wishes, "explanation",
                          expl ? expl : json_array());
    if (j && v->has_result) {
        json_object_set_new(j, "round", json_integer(v->result.round));
        json_object_set_new(j, "host", json_string(v->result.host));
        json_object_set_new(j, "wish", json_integer(v->result.wish));
        json_object_set_new(j, "lottery", json_integer(v->result.lottery));
    }
    if (j && v->has_offer)
        json_object_set_new(j, "offer", json_pack("{s:I, s:s, s:s, s:s, s:s}", "round", (json_int_t)v->offer.round,
                                                  "host", v->offer.host, "state", v->offer.state, "deadline",
                                                  v->offer.deadline, "answered_at", v->offer.answered_at));
    return j;
}

static enum MHD_Result api_placement(urne_req *r, int64_t id, int64_t b) {
    urne_match_placement *v = malloc(sizeof *v);
    if (v == NULL) return urne_reply_json_error(r, 500, "out of memory");
    urne_app_outcome o;
    urne_app_match_placement(&r->srv->app, id, urne_req_param(r, "code"), v, &o);
    json_t *extra = o.status == URNE_APP_OK ? urne_match_placement_json(v) : NULL;
    free(v);
    o.id = id;
    return answer(r, &o, 200, _(r, "Your placement."), extra);
}

static enum MHD_Result api_answer(urne_req *r, int64_t id, int64_t b) {
    const char *a = urne_req_param(r, "answer");
    if (a == NULL || (strcmp(a, "accept") != 0 && strcmp(a, "refuse") != 0))
        return urne_reply_json(r, 400, json_pack("{s:s, s:i, s:s, s:s}", "error",
                                                 _(r, "Field 'answer': accept or refuse."), "status", 400, "field",
                                                 "answer", "rule", "answer"));
    urne_app_outcome o;
    urne_app_match_answer(&r->srv->app, id, urne_req_param(r, "code"), strcmp(a, "accept") == 0, &o);
    json_t *extra = json_pack("{s:s}", "offer", o.status == URNE_APP_OK ? o.detail : "");
    return answer(r, &o, 200, _(r, "Your answer is recorded."), extra);
}

/* ---- the table ---- */

static const urne_route_def matches[] = {
    {"GET", "/match", URNE_ACT_READ_PUBLIC, NULL, "the matching campaigns, each with its state", urne_match_page_list},
    {"GET", "/match/*", URNE_ACT_READ_PUBLIC, NULL,
     "a campaign: its state, round and figures; the coordinator's forms (import, run, publish)", urne_match_page_one},
    {"POST", "/match/*/act", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "the coordinator's forms: import, run, publish, close", urne_match_form_act},
    {"GET", "/match/*/pupils", URNE_ACT_ENTER_WISHES, "the teacher's school in the campaign",
     "a teacher's pupils and their wishes, with the form", urne_match_page_pupils},
    {"POST", "/match/*/pupils", URNE_ACT_ENTER_WISHES, "the teacher's school in the campaign",
     "a teacher sets a pupil's wishes (form)", urne_match_form_wishes},
    {"GET", "/match/*/host", URNE_ACT_ANSWER_PLACEMENT, NULL, "a host's page by its private link (?code=)",
     urne_match_page_host},
    {"POST", "/match/*/host", URNE_ACT_ANSWER_PLACEMENT, NULL,
     "a host edits its places, or ranks its applicants before the first round, by its link's code (form)",
     urne_match_form_host},
    {"GET", "/match/*/placement", URNE_ACT_ANSWER_PLACEMENT, NULL, "the form where a pupil gives their code",
     urne_match_page_placement},
    {"POST", "/match/*/placement", URNE_ACT_ANSWER_PLACEMENT, NULL,
     "a pupil's placement and its explanation by code; accept or refuse the offer (form)", urne_match_form_placement},
    {"GET", "/match/*/assignment.csv", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "the last round's assignment (pupil, host, wish, round, lottery), cells neutralised for spreadsheets",
     urne_match_csv_assignment},
    {"GET", "/match/*/explanations.csv", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "for each pupil, each wish above the one obtained in the last round that placed them, and why not (the host's cutoff)",
     urne_match_csv_explanations},
    {"GET", "/match/*/hosts.csv", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "every host's list of pupils (offered, accepted, or computed and not yet published)", urne_match_csv_hosts},
    {"GET", "/match/*/host.csv", URNE_ACT_ANSWER_PLACEMENT, NULL,
     "a host's own list of pupils by its private link (?code=): places offered or accepted", urne_match_csv_host},
    {"GET", "/match/*/report.json", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "a round's report (?round=, the last by default): figures, seed, inputs' SHA-256, as the run recorded it",
     urne_match_json_report},
    {"GET", "/api/match/*", URNE_ACT_READ_PUBLIC, NULL, "a campaign's state and figures", api_get},
    {"POST", "/api/match", URNE_ACT_MANAGE_MATCHES, "in the space named", "create a campaign", api_create},
    {"POST", "/api/match/*/import", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "import hosts.csv, pupils.csv, host_rankings.csv (every line or none); answers the codes", api_import},
    {"POST", "/api/match/*/add", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "add hosts.csv and pupils.csv who join late, before the final phase (every line or none; an id already there "
     "refused); answers the codes",
     api_add},
    {"POST", "/api/match/*/rankings", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "add host_rankings.csv (host, pupil, rank) for hosts not ranked yet, before the first round (every line or none)",
     api_rankings},
    {"POST", "/api/match/*/rankings/correct", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "correct host_rankings.csv: each host's lines replace its ranking whole, before the next round (every line or "
     "none; a pupil holding a place there is kept in it)",
     api_correct},
    {"POST", "/api/match/*/distances", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "set distances.csv (commune_a, commune_b, km) and max_km, the maximum distance, before the first round (every "
     "line or none; sent again, it replaces the first)",
     api_distances},
    {"POST", "/api/match/*/wishes", URNE_ACT_ENTER_WISHES, "the pupil's school in the campaign",
     "set a pupil's wishes", api_wishes},
    {"POST", "/api/match/*/places", URNE_ACT_EDIT_PLACES, "the host's space in the campaign",
     "a host account edits its places", api_places},
    {"POST", "/api/match/*/host", URNE_ACT_ANSWER_PLACEMENT, NULL, "a host edits its places by its link's code",
     api_places},
    {"POST", "/api/match/*/run", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "run the next round (final: the final phase), checked before it is stored", api_run},
    {"POST", "/api/match/*/publish", URNE_ACT_MANAGE_MATCHES, "the campaign's space",
     "publish the round: offers to answer before the deadline", api_publish},
    {"POST", "/api/match/*/close", URNE_ACT_MANAGE_MATCHES, "the campaign's space", "close the campaign", api_close},
    {"POST", "/api/match/*/placement", URNE_ACT_ANSWER_PLACEMENT, NULL,
     "a pupil's placement and explanation, by code", api_placement},
    {"POST", "/api/match/*/answer", URNE_ACT_ANSWER_PLACEMENT, NULL, "a pupil accepts or refuses the offer, by code",
     api_answer},
    {NULL, NULL, URNE_ACT_COUNT, NULL, NULL, NULL},
};

const urne_route_table urne_match_routes = {"match", matches};
