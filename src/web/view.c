/*
 * view: elections held in memory, and what the pages and the API show of them.
 *
 * The store is the truth; each election's round is loaded from it at start and
 * reloaded after every change to that election, so reading a page never touches
 * SQL. Callers hold srv->lock.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/results_io.h"
#include "web.h"

static void election_free(urne_election *e) {
    if (e == NULL) return;
    urne_round_free(e->round);
    free(e->info);
    free(e);
}

static urne_election *election_load(urne_server *srv, int64_t id, char *err, size_t size) {
    urne_election *e = calloc(1, sizeof *e);
    if (e == NULL) {
        snprintf(err, size, "out of memory");
        return NULL;
    }
    e->round = urne_store_election_load(srv->store, id, &e->meta, &e->info);
    if (e->round == NULL) {
        snprintf(err, size, "%s", urne_store_error(srv->store));
        election_free(e);
        return NULL;
    }
    if (urne_election_rules(&e->meta, &e->rules, err, size) < 0) {
        election_free(e);
        return NULL;
    }
    return e;
}

typedef struct load_ctx {
    urne_server *srv;
    char *err;
    size_t size;
} load_ctx;

static int load_one(const urne_election_meta *m, void *ctx) {
    load_ctx *c = ctx;
    urne_election *e = election_load(c->srv, m->id, c->err, c->size);
    if (e == NULL) return -1;
    urne_election **all = realloc(c->srv->elections, (c->srv->nelections + 1) * sizeof *all);
    if (all == NULL) {
        election_free(e);
        return -1;
    }
    c->srv->elections = all;
    all[c->srv->nelections++] = e;
    return 0;
}

int urne_view_load_all(urne_server *srv, char *err, size_t errsize) {
    load_ctx c = {srv, err, errsize};
    err[0] = 0;
    pthread_mutex_lock(&srv->lock);
    int rc = urne_store_election_each(srv->store, load_one, &c);
    pthread_mutex_unlock(&srv->lock);
    return rc == 0 ? 0 : -1;
}

void urne_view_free_all(urne_server *srv) {
    for (size_t i = 0; i < srv->nelections; i++) election_free(srv->elections[i]);
    free(srv->elections);
    srv->elections = NULL;
    srv->nelections = 0;
}

urne_election *urne_view_election(urne_server *srv, int64_t id) {
    for (size_t i = 0; i < srv->nelections; i++)
        if (srv->elections[i]->meta.id == id) return srv->elections[i];
    return NULL;
}

int urne_view_reload(urne_server *srv, int64_t id) {
    char err[512];
    urne_election *fresh = election_load(srv, id, err, sizeof err);
    if (fresh == NULL) return -1;
    for (size_t i = 0; i < srv->nelections; i++)
        if (srv->elections[i]->meta.id == id) {
            election_free(srv->elections[i]);
            srv->elections[i] = fresh;
            return 0;
        }
    urne_election **all = realloc(srv->elections, (srv->nelections + 1) * sizeof *all);
    if (all == NULL) {
        election_free(fresh);
        return -1;
    }
    srv->elections = all;
    all[srv->nelections++] = fresh;
    return 0;
}

urne_unit_state urne_view_unit_state(const urne_election *e, size_t level, const char *key,
                                     size_t by_state[URNE_SHEET_NSTATES]) {
    memset(by_state, 0, URNE_SHEET_NSTATES * sizeof *by_state);
    const urne_round *r = e->round;
    for (size_t i = 0; i < r->nsheets; i++)
        if (level == URNE_NONE || (r->sheets[i].key[level] && strcmp(r->sheets[i].key[level], key) == 0))
            by_state[e->info[i].state]++;
    return urne_recolement_unit_state(by_state);
}

urne_unit_state *urne_view_unit_states(const urne_election *e, const urne_tally *tally) {
    size_t n = tally->nunits, cap = 16;
    while (cap < 2 * n) cap *= 2;
    size_t *slot = malloc(cap * sizeof *slot);
    size_t(*by)[URNE_SHEET_NSTATES] = calloc(n ? n : 1, sizeof *by);
    urne_unit_state *out = malloc((n ? n : 1) * sizeof *out);
    if (slot == NULL || by == NULL || out == NULL) {
        free(slot);
        free(by);
        free(out);
        return NULL;
    }
    /* Unit keys are the sheets' interned pointers: a table on the pointer finds a
     * sheet's unit in one step, so the whole level costs one pass over the sheets. */
#define SLOT(p) (((uintptr_t)(p) >> 4) * 11400714819323198485ULL & (cap - 1))
    for (size_t i = 0; i < cap; i++) slot[i] = URNE_NONE;
    for (size_t u = 0; u < n; u++) {
        size_t h = SLOT(tally->units[u].key);
        while (slot[h] != URNE_NONE) h = (h + 1) & (cap - 1);
        slot[h] = u;
    }
    const urne_round *r = e->round;
    for (size_t i = 0; i < r->nsheets; i++) {
        const char *key = r->sheets[i].key[tally->level];
        size_t h = SLOT(key);
        while (slot[h] != URNE_NONE && tally->units[slot[h]].key != key) h = (h + 1) & (cap - 1);
        if (slot[h] != URNE_NONE) by[slot[h]][e->info[i].state]++;
    }
#undef SLOT
    for (size_t u = 0; u < n; u++) out[u] = urne_recolement_unit_state(by[u]);
    free(slot);
    free(by);
    return out;
}

void urne_view_bureau_name(const urne_election *e, size_t bureau, char *out, size_t size) {
    const urne_round *r = e->round;
    const urne_sheet *s = &r->sheets[bureau];
    size_t last = r->nlevels - 1;
    const char *place = NULL;
    for (size_t l = last + 1; l-- > 0;)
        if (s->label[l] && (s->key[l] == NULL || strcmp(s->label[l], s->key[l]) != 0)) {
            place = s->label[l];
            break;
        }
    const char *code = s->code[last] ? s->code[last] : s->key[last];
    /* A name longer than the caller's buffer is cut at a character, never inside one
     * (a cut UTF-8 sequence would make the JSON and the audit entry that carry the
     * name fail), and ends with "…" so the cut is seen. */
    urne_buf name = {0};
    if (place && strcmp(place, code) != 0)
        urne_buf_printf(&name, "%s %s (%s)", r->levels[last], code, place);
    else
        urne_buf_printf(&name, "%s %s", r->levels[last], code);
    if (name.oom || name.data == NULL)
        urne_text_fit("…", strlen("…"), out, size);
    else
        urne_text_fit(name.data, name.len, out, size);
    urne_buf_free(&name);
}

/* ---- anomalies ---- */

typedef struct anomalies {
    urne_anomaly *items;
    size_t n, cap;
} anomalies;

static void add_anomaly(anomalies *a, size_t bureau, const char *kind, const char *message) {
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        urne_anomaly *items = realloc(a->items, cap * sizeof *items);
        if (items == NULL) return;
        a->items = items;
        a->cap = cap;
    }
    urne_anomaly *x = &a->items[a->n++];
    x->bureau = bureau;
    snprintf(x->kind, sizeof x->kind, "%s", kind);
    snprintf(x->message, sizeof x->message, "%s", message);
}

static void add_diags(anomalies *a, const urne_diags *d, size_t bureau_or_none) {
    for (size_t i = 0; i < d->count; i++) {
        size_t b = bureau_or_none != URNE_NONE ? bureau_or_none : (size_t)(d->items[i].line - 1);
        add_anomaly(a, b, d->items[i].rule, d->items[i].message);
    }
}

urne_anomaly *urne_view_anomalies(const urne_election *e, size_t *n) {
    const urne_round *r = e->round;
    anomalies a = {0};
    for (size_t i = 0; i < r->nsheets; i++) {
        const urne_bureau_info *b = &e->info[i];
        char who[200], msg[400];
        urne_view_bureau_name(e, i, who, sizeof who);
        if (urne_sheet_state_counts(b->state) == 1) {
            urne_diags d;
            urne_diags_init(&d, NULL);
            urne_results_check_sheet(r, &r->sheets[i], &d);
            add_diags(&a, &d, i);
            urne_diags_free(&d);
        }
        if (b->state == URNE_SHEET_MISMATCH) {
            snprintf(msg, sizeof msg, "%s: the two entries of the double entry differ", who);
            add_anomaly(&a, i, "mismatch", msg);
        }
        if (e->meta.deadline[0] && b->entered_at[0] && strcmp(b->entered_at, e->meta.deadline) > 0) {
            snprintf(msg, sizeof msg, "%s: entered at %s, after the deadline %s", who, b->entered_at,
                     e->meta.deadline);
            add_anomaly(&a, i, "late", msg);
        }
        if (b->changed_after_validation) {
            snprintf(msg, sizeof msg, "%s: its figures changed after they were validated", who);
            add_anomaly(&a, i, "changed-after-validation", msg);
        }
    }
    /* Turnout against the rest of the unit just above the bureau (the commune, the
     * section's circonscription) and against the rest of the contest. */
    if (r->nlevels >= 2) {
        size_t levels[2] = {r->nlevels - 2, r->contest_level};
        for (int k = 0; k < 2; k++) {
            if (k == 1 && levels[1] == levels[0]) break;
            if (levels[k] >= r->nlevels - 1) continue;
            urne_diags d;
            urne_diags_init(&d, NULL);
            urne_results_turnout_outliers(r, levels[k], 15, &d);
            add_diags(&a, &d, URNE_NONE);
            urne_diags_free(&d);
        }
    }
    *n = a.n;
    return a.items;
}

char *urne_view_report(const urne_election *e, size_t level, int csv, size_t *len) {
    urne_tally tally;
    urne_outcome *outcomes = NULL;
    urne_diags diags;
    urne_diags_init(&diags, NULL);
    char *text = NULL;
    size_t size = 0;
    if (urne_results_aggregate(e->round, level, &tally) < 0) return NULL;
    if (urne_results_decide(e->round, &e->rules, &outcomes, &diags) == 0) {
        urne_results_missing(e->round, &diags);
        FILE *f = open_memstream(&text, &size);
        if (f) {
            urne_report rep = {e->round, &e->rules, &tally, outcomes, &diags, e->meta.title};
            int rc = csv ? urne_io_write_ministry_csv(f, &rep) : urne_io_write_json(f, &rep);
            fclose(f);
            if (rc < 0) {
                free(text);
                text = NULL;
            }
        }
        urne_outcomes_free(outcomes, e->round->ncontests);
    }
    urne_tally_free(&tally);
    urne_diags_free(&diags);
    if (text && len) *len = size;
    return text;
}

size_t urne_view_level(const urne_election *e, const char *q) {
    if (q == NULL || *q == 0) return 0;
    if (q[0] >= '0' && q[0] <= '9') { /* a level's number, written one way only: "2", not "02" or "+2" */
        if (q[1] != 0 || (size_t)(q[0] - '0') >= e->round->nlevels) return URNE_NONE;
        return (size_t)(q[0] - '0');
    }
    return urne_round_level(e->round, q);
}

int urne_route(const char *url, const char *pattern, int64_t *a, int64_t *b) {
    int64_t *slots[2] = {a, b};
    int k = 0;
    while (*pattern) {
        if (*pattern == '*') {
            char *end;
            /* One spelling per number: "01" is not "1", so a page has one address and
             * one place in the cache. */
            if (*url < '0' || *url > '9' || k >= 2 || (url[0] == '0' && url[1] >= '0' && url[1] <= '9')) return 0;
            long long v = strtoll(url, &end, 10);
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

json_t *urne_audit_json(urne_store *store, int64_t from, size_t limit) {
    list_ctx c = {json_array(), limit};
    urne_store_audit_each(store, from, audit_row, &c);
    return c.array;
}

static int user_row(const urne_user *u, void *ctx) {
    list_ctx *c = ctx;
    json_array_append_new(c->array, json_pack("{s:I, s:s, s:s, s:i}", "id", (json_int_t)u->id, "name", u->name,
                                              "role", urne_role_name(u->role), "tier", u->tier));
    return 0;
}

json_t *urne_users_json(urne_store *store) {
    list_ctx c = {json_array(), 0};
    urne_store_user_each(store, user_row, &c);
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

json_t *urne_disputes_json(urne_store *store, int64_t election) {
    list_ctx c = {json_array(), 0};
    urne_store_dispute_each(store, election, dispute_row, &c);
    return c.array;
}
