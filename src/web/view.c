/*
 * view: what the pages and the API share to read: the route matcher, and the
 * store's listings (audit log, users, disputes) as JSON arrays. What an election
 * held in memory shows (unit states, anomalies, reports) is the results
 * component's: app/results_view.h. Callers are inside urne_app_read_begin/end.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../i18n/words.h"
#include "../io/results_io.h"
#include "../app/queries.h"
#include "view.h"
#include "web.h"

int urne_route(const char *url, const char *pattern, int64_t *a, int64_t *b) {
    int64_t *slots[2] = {a, b};
    int k = 0;
    while (*pattern) {
        if (*pattern == '*') {
            char *end;
            /* One spelling per number: "01" is not "1", so a page has one address and
             * one place in the cache; nor is a number past int64's the largest one
             * (strtoll's ERANGE: 99999999999999999999 was taken for 9223372036854775807). */
            if (*url < '0' || *url > '9' || k >= 2 || (url[0] == '0' && url[1] >= '0' && url[1] <= '9')) return 0;
            errno = 0;
            long long v = strtoll(url, &end, 10);
            if (errno == ERANGE) return 0;
            *slots[k++] = v;
            url = end;
            pattern++;
            continue;
        }
        if (*url != *pattern) return 0;
        url++;
        pattern++;
    }
    return *url == 0;
}

/* ---- listings as JSON ---- */

typedef struct list_ctx {
    json_t *array;
    size_t limit;
} list_ctx;

static int audit_row(const urne_audit_entry *e, void *ctx) {
    list_ctx *c = ctx;
    if (json_array_size(c->array) >= c->limit) return 1;
    json_t *before = json_loads(e->before, JSON_DECODE_ANY, NULL), *after = json_loads(e->after, JSON_DECODE_ANY, NULL);
    json_array_append_new(c->array,
                          json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "seq", (json_int_t)e->seq, "at",
                                    e->at, "actor", e->actor, "action", e->action, "object", e->object, "before",
                                    before ? before : json_null(), "after", after ? after : json_null(), "prev",
                                    e->prev, "hash", e->hash));
    return 0;
}

json_t *urne_audit_json(urne_app *app, int64_t from, size_t limit) {
    list_ctx c = {json_array(), limit};
    urne_app_audit_each(app, from, audit_row, &c);
    return c.array;
}

static int user_row(const urne_user *u, void *ctx) {
    list_ctx *c = ctx;
    json_array_append_new(c->array, json_pack("{s:I, s:s, s:s, s:i}", "id", (json_int_t)u->id, "name", u->name,
                                              "role", urne_role_name(u->role), "tier", u->tier));
    return 0;
}

json_t *urne_users_json(urne_app *app) {
    list_ctx c = {json_array(), 0};
    urne_app_users_each(app, user_row, &c);
    return c.array;
}

static int dispute_row(const urne_dispute *d, void *ctx) {
    list_ctx *c = ctx;
    json_t *o = json_pack("{s:I, s:I, s:i, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)d->id, "bureau",
                          (json_int_t)d->bureau, "tier", d->tier, "state", d->state, "reason", d->reason, "opened_by",
                          d->opened_by, "opened_at", d->opened_at, "deadline", d->deadline);
    if (d->decision[0]) {
        json_object_set_new(o, "decision", json_string(d->decision));
        json_object_set_new(o, "decision_reason", json_string(d->decision_reason));
        json_object_set_new(o, "decided_by", json_string(d->decided_by));
        json_object_set_new(o, "decided_at", json_string(d->decided_at));
    }
    json_t *fb = d->figures_before[0] ? json_loads(d->figures_before, 0, NULL) : NULL;
    json_t *fa = d->figures_after[0] ? json_loads(d->figures_after, 0, NULL) : NULL;
    json_object_set_new(o, "figures_before", fb ? fb : json_null());
    json_object_set_new(o, "figures_after", fa ? fa : json_null());
    json_object_set_new(o, "escalated_from", d->escalated_from ? json_integer(d->escalated_from) : json_null());
    json_array_append_new(c->array, o);
    return 0;
}

json_t *urne_disputes_json(urne_app *app, int64_t election) {
    list_ctx c = {json_array(), 0};
    urne_app_disputes_each(app, election, dispute_row, &c);
    return c.array;
}

/* A moment as text in the request's language, the zone named when not Paris's. */
static void moment_text(const urne_req *r, const char *iso, const char *zone, char *out, size_t size) {
    char when[80];
    urne_i18n_moment(r->lang, iso, zone, when, sizeof when);
    const char *label = zone && strcmp(zone, URNE_ZONE_DEFAULT) != 0 ? urne_i18n_zone_label(r->lang, zone) : NULL;
    if (label)
        snprintf(out, size, "%s (%s)", when, label);
    else
        snprintf(out, size, "%s", when);
}

void urne_anomaly_text(const urne_req *r, const urne_anomaly *a, const char *zone, char *out, size_t size) {
    if (a->entered_at[0] && a->deadline[0]) {
        char entered[160], deadline[160];
        moment_text(r, a->entered_at, zone, entered, sizeof entered);
        moment_text(r, a->deadline, zone, deadline, sizeof deadline);
        snprintf(out, size, "%s %s, %s %s", _(r, "entered on"), entered, _(r, "after the deadline of"), deadline);
        return;
    }
    urne_phrase what = a->what;
    if (strcmp(a->kind, URNE_RULE_TURNOUT_OUTLIER) == 0 && what.nargs == 6) {
        /* recolement.c's "%s %s: turnout ... in the rest of %s %s": arguments 0 and 4
         * are level names, which the reader's words name (departement: département) */
        urne_phrase_replace(&what, 0, urne_words_level(r->lang, what.text + what.at[0], 0), &what);
        urne_phrase_replace(&what, 4, urne_words_level(r->lang, what.text + what.at[4], 0), &what);
    }
    urne_i18n_phrase(r->lang, &what, out, size);
}
