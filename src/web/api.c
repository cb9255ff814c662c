/*
 * api: the JSON API (docs/API.md). Every page's action has its route here, so a
 * federation can script its election night; reads of public results need no
 * account. Errors are {"error": "...", "status": N} with the HTTP status.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/queries.h"
#include "../app/results_live.h"
#include "../app/results_view.h"
#include "actions.h"
#include "api.h"
#include "download.h"
#include "reply.h"
#include "server.h"
#include "view.h"
#include "routes.h"

static enum MHD_Result send_result(urne_req *r, urne_result *res) {
    json_t *o = res->json ? json_loads(res->json, 0, NULL) : NULL;
    if (o == NULL) o = json_object();
    json_object_set_new(o, res->status < 300 ? "message" : "error", json_string(res->message));
    if (res->status >= 300) json_object_set_new(o, "status", json_integer(res->status));
    urne_result_free(res);
    return urne_reply_json(r, res->status, o);
}

static json_t *head_json(urne_server *srv) {
    int64_t seq;
    char hash[URNE_AUDIT_HASH_HEX];
    if (urne_app_audit_head(&srv->app, &seq, hash) < 0) return json_null();
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
    urne_unit_state st = urne_election_unit_state(e, URNE_NONE, NULL, by);
    json_t *states = json_object();
    for (int s = 0; s < URNE_SHEET_NSTATES; s++)
        if (by[s]) json_object_set_new(states, urne_sheet_state_name((urne_sheet_state)s), json_integer((json_int_t)by[s]));
    json_t *o = json_pack("{s:I, s:s, s:i, s:s, s:s, s:b, s:I, s:s, s:o}", "id", (json_int_t)e->meta.id, "title",
                          e->meta.title, "round", e->meta.round, "rules", e->meta.preset, "settings", e->meta.settings,
                          "double_entry", e->meta.double_entry, "bureaux", (json_int_t)e->round->nsheets, "state",
                          urne_unit_state_name(st), "sheets", states);
    json_object_set_new(o, "deadline", e->meta.deadline[0] ? json_string(e->meta.deadline) : json_null());
    json_object_set_new(o, "space", json_string(e->meta.space)); /* "" for the site */
    json_object_set_new(o, "zone", json_string(e->meta.zone));   /* IANA name: the pages' times */
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
    urne_election_bureau_name(e, b, name, sizeof name);
    json_t *units = json_object();
    for (size_t l = 0; l < r->nlevels; l++)
        json_object_set_new(units, r->levels[l], json_string(s->key[l] ? s->key[l] : ""));
    json_t *o = json_pack("{s:I, s:s, s:o, s:I, s:s}", "index", (json_int_t)b, "name", name, "units", units,
                          "contest", (json_int_t)s->contest, "state", urne_sheet_state_name(e->info[b].state));
    if (urne_sheet_state_counts(e->info[b].state)) {
        urne_figures f = {0};
        char *fig = urne_figures_from_sheet(r, s, &f) == 0 ? urne_figures_json(&f) : NULL;
        urne_figures_free(&f);
        json_object_set_new(o, "figures", fig ? json_loads(fig, 0, NULL) : json_null());
        free(fig);
    } else
        json_object_set_new(o, "inscrits", json_integer(s->inscrits));
    json_object_set_new(o, "entered_at", e->info[b].entered_at[0] ? json_string(e->info[b].entered_at) : json_null());
    /* Counted from an imported file and typed by nobody: entered_at is the import's time. */
    json_object_set_new(o, "imported", json_boolean(e->info[b].state == URNE_SHEET_ENTERED && e->info[b].entered_by <= 0));
    json_object_set_new(o, "published", publication_json(&e->meta));
    urne_dispute d;
    if (urne_app_dispute_open_for(&srv->app, e->meta.id, b, &d) == 1)
        json_object_set_new(o, "dispute", json_pack("{s:I, s:i, s:s, s:s}", "id", (json_int_t)d.id, "tier", d.tier,
                                                    "reason", d.reason, "deadline", d.deadline));
    return o;
}

/* The results of a level with each unit's récolement state, as the application
 * keeps them (app/results_live.h): sent from its pieces, copied block by block
 * into the response's buffer as the connection takes them (a list of 140,000
 * pieces is more than libmicrohttpd's vectored sending keeps per connection), and
 * given back when the response is done.
 *
 * A client that takes gzip (every browser, curl --compressed, any HTTP library)
 * gets a large level compressed: the bureau level of a 70,000-bureau election is
 * 112 MB of JSON and 13 to 17 MB of gzip, and moving 112 MB through a socket, not
 * making the answer, is what its time was (bench/RESULTS.md, "Server under a
 * stream"). The units are kept compressed by chunks (results_live.c), so a read
 * compresses only the chunks whose units changed since the last. Small answers
 * go whole through the page cache, which keeps a gzip copy beside each body
 * (cache_gzip.h) for the clients that take it. */
typedef struct live_reply {
    urne_app *app;
    urne_live_report report;
    size_t span, offset; /* where the next block starts: a span, and bytes into it */
    uint64_t pos;        /* the body's bytes given so far */
} live_reply;

/* Each response has a buffer of this size, filled again for each send. */
#define LIVE_BLOCK (256 * 1024)

static void live_reply_free(void *cls) {
    live_reply *x = cls;
    urne_live_report_release(x->app, &x->report);
    free(x);
}

static ssize_t live_read(void *cls, uint64_t pos, char *buf, size_t max) {
    live_reply *x = cls;
    if (pos != x->pos) return MHD_CONTENT_READER_END_WITH_ERROR; /* read in order only, as it is */
    size_t n = 0, nspans = x->report.nspans;
    while (n < max && x->span <= nspans) {
        const char *data = x->span < nspans ? x->report.spans[x->span].data : x->report.tail;
        size_t len = x->span < nspans ? x->report.spans[x->span].len : x->report.tail_len;
        size_t take = len - x->offset < max - n ? len - x->offset : max - n;
        memcpy(buf + n, data + x->offset, take);
        n += take;
        x->offset += take;
        if (x->offset == len) {
            x->span++;
            x->offset = 0;
        }
    }
    x->pos += n;
    return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

/* A report small enough to keep is sent in one piece, through the page cache like
 * any anonymous answer (the next reads until a change are hits, taking no lock);
 * a larger one streams from its pieces, never copied whole. */
#define LIVE_WHOLE (8u << 20)

static enum MHD_Result send_live(urne_req *r, live_reply *x) {
    size_t bytes = x->report.bytes;
    x->span = x->offset = 0;
    x->pos = 0;
    if (bytes <= LIVE_WHOLE) {
        char *body = malloc(bytes ? bytes : 1);
        if (body && live_read(x, 0, body, bytes) == (ssize_t)bytes) {
            live_reply_free(x);
            enum MHD_Result ret = urne_reply(r, 200, "application/json", body, bytes);
            free(body);
            return ret;
        }
        free(body);
        x->span = x->offset = 0;
    }
    x->span = x->offset = 0;
    x->pos = 0;
    /* Streamed, it is never cached: compressed for the clients that take it. */
    int gz = urne_reply_takes_gzip(r) && urne_live_report_gzip(x->app, &x->report) == 0;
    bytes = x->report.bytes;
    struct MHD_Response *resp = urne_server_mhd.create_response_from_callback(
        bytes, bytes < LIVE_BLOCK ? (bytes ? bytes : 1) : LIVE_BLOCK, live_read, x, live_reply_free);
    if (resp == NULL) {
        live_reply_free(x);
        return urne_reply_json_error(r, 500, "out of memory");
    }
    const char *gzipped[] = {"Content-Encoding", "gzip", "Vary", "Accept-Encoding", NULL};
    urne_reply_headers(resp, "application/json", r->cacheable, gz ? gzipped : gzipped + 2, NULL, 0);
    enum MHD_Result ret = urne_server_mhd.queue_response(r->conn, 200, resp);
    urne_server_mhd.destroy_response(resp);
    r->status = 200;
    r->sent = bytes;
    return ret;
}

static enum MHD_Result results_live(urne_req *r, int64_t id) {
    const char *q = urne_req_query(r, "level");
    live_reply *x = malloc(sizeof *x);
    if (x == NULL) return urne_reply_json_error(r, 500, "out of memory");
    x->app = &r->srv->app;
    switch (urne_live_report_get(&r->srv->app, id, q, &x->report)) {
    case URNE_LIVE_OK: return send_live(r, x);
    case URNE_LIVE_NO_ELECTION: free(x); return urne_reply_json_error(r, 404, "no election %lld", (long long)id);
    case URNE_LIVE_NO_LEVEL: free(x); return urne_reply_json_error(r, 400, "unknown level '%s'", q);
    case URNE_LIVE_FAILED: break;
    }
    free(x);
    return urne_reply_json_error(r, 500, "the results could not be computed");
}

/* ---- the shell: sessions, the audit log, accounts ---- */

enum MHD_Result urne_api_me(urne_req *r, int64_t a, int64_t b) {
    return urne_reply_json(r, 200, json_pack("{s:s, s:s, s:i, s:s}", "user", r->user.name, "role",
                                       urne_role_name(r->user.role), "tier", r->user.tier, "csrf", r->csrf));
}

enum MHD_Result urne_api_audit_head(urne_req *r, int64_t a, int64_t b) {
    urne_app_read_begin(&r->srv->app);
    json_t *o = head_json(r->srv);
    urne_app_read_end(&r->srv->app);
    return urne_reply_json(r, 200, o);
}

enum MHD_Result urne_api_audit(urne_req *r, int64_t a, int64_t b) {
    const char *from = urne_req_query(r, "from");
    urne_app_read_begin(&r->srv->app);
    json_t *o = urne_audit_json(&r->srv->app, from ? atoll(from) : 1, 1000);
    urne_app_read_end(&r->srv->app);
    return urne_reply_json(r, 200, o);
}

enum MHD_Result urne_api_users(urne_req *r, int64_t a, int64_t b) {
    urne_app_read_begin(&r->srv->app);
    json_t *o = urne_users_json(&r->srv->app);
    urne_app_read_end(&r->srv->app);
    return urne_reply_json(r, 200, o);
}

enum MHD_Result urne_api_login(urne_req *r, int64_t a, int64_t b) {
    urne_result res = {0};
    char token[65];
    urne_action_login(r, &res, token);
    if (res.status != 200) {
        if (res.status == 429) {
            /* The wait the throttle set (it grows with the failures), not a fixed one. */
            json_t *j = res.json ? json_loads(res.json, 0, NULL) : NULL;
            json_int_t wait = json_integer_value(json_object_get(j, "retry_after"));
            json_decref(j);
            enum MHD_Result ret = urne_reply_wait(r, res.message, NULL, wait > 0 && wait < INT_MAX ? (int)wait : 60);
            urne_result_free(&res);
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

enum MHD_Result urne_api_logout(urne_req *r, int64_t a, int64_t b) {
    urne_result res = {0};
    urne_action_logout(r, &res);
    char cookie[256];
    urne_session_cookie(r, NULL, cookie, sizeof cookie);
    const char *h[] = {"Set-Cookie", cookie, NULL};
    return urne_reply_full(r, 200, "application/json", "{\"message\":\"logged out\"}", 24, h);
}

enum MHD_Result urne_api_user_create(urne_req *r, int64_t a, int64_t b) {
    urne_result res = {0};
    urne_action_user_create(r, &res);
    return send_result(r, &res);
}

/* ---- elections, sheets, récolement ---- */

enum MHD_Result urne_api_elections(urne_req *r, int64_t a, int64_t b) {
    urne_server *srv = r->srv;
    urne_app_read_begin(&srv->app);
    json_t *arr = json_array();
    for (size_t i = 0; i < srv->app.nelections; i++) json_array_append_new(arr, election_summary(srv->app.elections[i]));
    urne_app_read_end(&srv->app);
    return urne_reply_json(r, 200, arr);
}

/* The election `id` under the lock, or NULL after a 404 (the lock then released). */
static urne_election *election_or_404(urne_req *r, int64_t id, enum MHD_Result *ret) {
    urne_app_read_begin(&r->srv->app);
    urne_election *e = urne_app_election(&r->srv->app, id);
    if (e == NULL) {
        urne_app_read_end(&r->srv->app);
        *ret = urne_reply_json_error(r, 404, "no election %lld", (long long)id);
    }
    return e;
}

enum MHD_Result urne_api_election(urne_req *r, int64_t id, int64_t b) {
    enum MHD_Result ret;
    urne_election *e = election_or_404(r, id, &ret);
    if (e == NULL) return ret;
    json_t *o = election_detail(e);
    urne_app_read_end(&r->srv->app);
    return urne_reply_json(r, 200, o);
}

enum MHD_Result urne_api_bureau(urne_req *r, int64_t id, int64_t x) {
    enum MHD_Result ret;
    urne_election *e = election_or_404(r, id, &ret);
    if (e == NULL) return ret;
    if (x < 0 || (size_t)x >= e->round->nsheets) {
        urne_app_read_end(&r->srv->app);
        return urne_reply_json_error(r, 404, "election %lld has no bureau %lld", (long long)id, (long long)x);
    }
    json_t *o = bureau_json(r->srv, e, (size_t)x);
    urne_app_read_end(&r->srv->app);
    return urne_reply_json(r, 200, o);
}

static enum MHD_Result results(urne_req *r, int64_t id, int csv) {
    if (!csv) return results_live(r, id);
    enum MHD_Result ret;
    urne_election *e = election_or_404(r, id, &ret);
    if (e == NULL) return ret;
    size_t level = urne_election_level(e, urne_req_query(r, "level"));
    if (level == URNE_NONE) {
        urne_app_read_end(&r->srv->app);
        return urne_reply_json_error(r, 400, "unknown level '%s'", urne_req_query(r, "level"));
    }
    {
        /* ?format=excel: the download a spreadsheet opens right by a double click (the
         * BOM, the decimal separator of the request's language) and a browser saves
         * under the election's and the level's name; without it, the plain CSV. */
        const char *format = urne_req_query(r, "format");
        int excel = format && strcmp(format, "excel") == 0;
        if (format && !excel && strcmp(format, "csv") != 0) {
            urne_app_read_end(&r->srv->app);
            return urne_reply_json_error(r, 400, "unknown format '%s': csv (the default) or excel", format);
        }
        urne_csv_style style = {excel, excel && r->lang == URNE_LANG_EN ? '.' : ','};
        char disposition[640], name[400], plural[64], fallback[32];
        if (level == 0) /* one unit: "Présidentielle 2017 - national" */
            snprintf(plural, sizeof plural, "%s", e->round->levels[0]);
        else /* "Présidentielle 2017 - communes" */
            urne_text_plural(e->round->levels[level], plural, sizeof plural);
        snprintf(fallback, sizeof fallback, "election-%lld", (long long)id);
        char slug[96]; /* a title of no letter or digit ("« — »") gives way to the number */
        snprintf(name, sizeof name, "%s - %s",
                 urne_download_slug(e->meta.title, slug, sizeof slug) ? e->meta.title : fallback, plural);
        urne_download_disposition(name, fallback, ".csv", disposition, sizeof disposition);
        size_t len;
        char *text = urne_election_report_csv(e, level, &style, &len);
        urne_app_read_end(&r->srv->app);
        const char *h[] = {"Content-Disposition", disposition, NULL};
        ret = text ? urne_reply_full(r, 200, "text/csv; charset=utf-8", text, len, excel ? h : NULL)
                   : urne_reply_json_error(r, 500, "the results could not be computed");
        free(text);
        return ret;
    }
}

enum MHD_Result urne_api_results(urne_req *r, int64_t id, int64_t b) { return results(r, id, 0); }
enum MHD_Result urne_api_results_csv(urne_req *r, int64_t id, int64_t b) { return results(r, id, 1); }

enum MHD_Result urne_api_anomalies(urne_req *r, int64_t id, int64_t b) {
    enum MHD_Result ret;
    urne_election *e = election_or_404(r, id, &ret);
    if (e == NULL) return ret;
    size_t n;
    urne_anomaly *an = urne_election_anomalies(e, &n);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char name[200], message[1024];
        urne_election_bureau_name(e, an[i].bureau, name, sizeof name);
        urne_anomaly_text(r, &an[i], e->meta.zone, message, sizeof message);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "bureau", (json_int_t)an[i].bureau, "name", name, "kind",
                              an[i].kind, "message", message);
        if (an[i].entered_at[0] && an[i].deadline[0]) { /* late: the two moments for programs, ISO UTC */
            json_object_set_new(o, "entered_at", json_string(an[i].entered_at));
            json_object_set_new(o, "deadline", json_string(an[i].deadline));
        }
        json_array_append_new(arr, o);
    }
    free(an);
    urne_app_read_end(&r->srv->app);
    return urne_reply_json(r, 200, arr);
}

enum MHD_Result urne_api_disputes(urne_req *r, int64_t id, int64_t b) {
    enum MHD_Result ret;
    urne_election *e = election_or_404(r, id, &ret);
    if (e == NULL) return ret;
    json_t *o = urne_disputes_json(&r->srv->app, id);
    urne_app_read_end(&r->srv->app);
    return urne_reply_json(r, 200, o);
}

/* The POSTs: each runs its action and sends the outcome. */
#define ACTION_HANDLER(name, call)                                  \
    enum MHD_Result name(urne_req *r, int64_t id, int64_t x) {      \
        urne_result res = {0};                                      \
        call;                                                       \
        (void)id;                                                   \
        (void)x;                                                    \
        return send_result(r, &res);                                \
    }

ACTION_HANDLER(urne_api_election_create, urne_action_election_create(r, &res))
ACTION_HANDLER(urne_api_assign, urne_action_assign(r, &res))
ACTION_HANDLER(urne_api_sheet, urne_action_enter(r, id, (size_t)x, &res))
ACTION_HANDLER(urne_api_contest, urne_action_contest(r, id, (size_t)x, &res))
ACTION_HANDLER(urne_api_decide, urne_action_decide(r, id, x, &res))
ACTION_HANDLER(urne_api_escalate, urne_action_escalate(r, id, x, &res))
ACTION_HANDLER(urne_api_publish, urne_action_publish(r, id, &res))

/* The server hands every /api/ request here: the route table decides. */
enum MHD_Result urne_api_handle(urne_req *r) { return urne_routes_dispatch(r); }
