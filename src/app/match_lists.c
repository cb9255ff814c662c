/*
 * match_lists (app): what the matching's downloads read (match.h): each host's
 * list of pupils, and a round's report.json as its run recorded it.
 *
 * A host's list is who holds, or is about to hold, one of its places: for each
 * pupil, their latest offer when it is accepted or still open (an offer past its
 * deadline unanswered is no place: the next round frees it), and, for the
 * coordinator while a round is run but not yet published, the places that
 * round computed (state "computed"), which a host never sees before they are
 * offered. Read from the rows (offers, results, pupils, hosts, the hosts' own
 * rankings), each sorted here by its key in byte order, whatever order the
 * store's collation returns them in. Each host's pupils come in the host's own
 * order: its ranking when it ranked its applicants, else the common one.
 *
 * The report is not counted again: the run wrote it into a row of its own and
 * into its audit entry (match_round.c, from the engine's
 * urne_match_report_make), with the seed and the SHA-256 of the files it read,
 * and it is read back from the row (one read, whatever the length of the log),
 * so that a report downloaded later says what that round was, not what the
 * rows have become since (answers, wishes entered for the next round). A round
 * run before the rows held reports (migration 13) is found in the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "../io/match_report.h"
#include "match_internal.h"

/* ---- a host's list ---- */

typedef struct held {
    char *pupil, *host;
    int64_t round, wish, lottery;
    const char *state; /* "accepted", "offered", "computed" (static strings) */
} held;

typedef struct held_set {
    held *v;
    size_t n, cap;
    int oom;
    char now[24];
    const char *only_host; /* a host's own list: only its pupils */
} held_set;

static held *held_add(held_set *s) {
    held *v = urne_mem_room(s->v, s->n, &s->cap, sizeof *v, 64);
    if (v == NULL) return s->oom = 1, NULL;
    s->v = v;
    held *h = &s->v[s->n++];
    memset(h, 0, sizeof *h);
    return h;
}

static int add_offer(const urne_match_offer_row *o, void *ctx) {
    held_set *s = ctx;
    const char *state = strcmp(o->state, "accepted") == 0                                   ? "accepted"
                        : strcmp(o->state, "offered") == 0 && strcmp(s->now, o->deadline) < 0 ? "offered"
                                                                                              : NULL;
    held *h = held_add(s);
    if (h == NULL) return -1;
    h->pupil = strdup(o->pupil), h->host = strdup(o->host);
    h->round = o->round, h->state = state; /* NULL: no place, but the latest offer still decides */
    return h->pupil && h->host ? 0 : (s->oom = 1, -1);
}

static int add_computed(const urne_match_result_row *r, void *ctx) {
    held_set *s = ctx;
    held *h = held_add(s);
    if (h == NULL) return -1;
    h->pupil = strdup(r->pupil), h->host = strdup(r->host);
    h->round = r->round, h->wish = r->wish, h->lottery = r->lottery;
    h->state = r->host[0] ? "computed" : NULL; /* unplaced in the round: whatever they held is gone */
    return h->pupil && h->host ? 0 : (s->oom = 1, -1);
}

/* By pupil, the latest round first. */
static int by_pupil_round(const void *a, const void *b) {
    const held *x = a, *y = b;
    int c = strcmp(x->pupil, y->pupil);
    return c ? c : (x->round > y->round ? -1 : x->round < y->round);
}

static void held_free(held_set *s) {
    for (size_t i = 0; i < s->n; i++) free(s->v[i].pupil), free(s->v[i].host);
    free(s->v);
}

/* Keep each pupil's latest entry when it holds a place (at the host asked for). */
static void keep_latest(held_set *s) {
    if (s->n) qsort(s->v, s->n, sizeof *s->v, by_pupil_round);
    size_t k = 0;
    const char *prev = NULL; /* the previous entry's pupil: freed only once the next is compared with it */
    char *dropped = NULL;
    for (size_t i = 0; i < s->n; i++) {
        held x = s->v[i];
        int latest = prev == NULL || strcmp(x.pupil, prev) != 0;
        free(dropped);
        dropped = NULL;
        int keep = latest && x.state && (!s->only_host || strcmp(x.host, s->only_host) == 0);
        if (keep) s->v[k++] = x;
        else free(x.host), dropped = x.pupil;
        prev = x.pupil;
    }
    free(dropped);
    s->n = k;
}

/* Who a host holds, in the host's order: its own ranks when it ranked its
 * applicants (lower first; a pupil it did not rank, which a host that ranks
 * never holds, after them), else the common order, higher priority first; then
 * the lower lottery number, as the engine breaks ties, and last the pupil's id. */
typedef struct listed {
    const held *h;
    int64_t priority;
    int64_t rank; /* the host's rank for the pupil, when has_rank */
    int has_rank;
    const char *school;
} listed;

static int by_host_order(const void *a, const void *b) {
    const listed *x = a, *y = b;
    int c = strcmp(x->h->host, y->h->host);
    if (c) return c;
    if (x->has_rank != y->has_rank) return x->has_rank ? -1 : 1;
    if (x->has_rank && x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    if (x->priority != y->priority) return x->priority > y->priority ? -1 : 1;
    if (x->h->lottery != y->h->lottery) return x->h->lottery < y->h->lottery ? -1 : 1;
    return strcmp(x->h->pupil, y->h->pupil);
}

/* The hosts' own ranks, sorted by (host, pupil) for the lookups. */
typedef struct ranked {
    char *host, *pupil;
    int64_t rank;
} ranked;

typedef struct rank_set {
    ranked *v;
    size_t n, cap;
    const char *only_host;
} rank_set;

static int add_rank(const urne_match_ranking_row *r, void *ctx) {
    rank_set *k = ctx;
    if (k->only_host && strcmp(r->host, k->only_host) != 0) return 0;
    ranked *v = urne_mem_room(k->v, k->n, &k->cap, sizeof *v, 64);
    if (v == NULL) return -1;
    k->v = v;
    ranked *x = &k->v[k->n];
    x->host = strdup(r->host), x->pupil = strdup(r->pupil), x->rank = r->rank;
    if (x->host == NULL || x->pupil == NULL) return free(x->host), free(x->pupil), -1;
    k->n++;
    return 0;
}

static int by_host_pupil(const void *a, const void *b) {
    const ranked *x = a, *y = b;
    int c = strcmp(x->host, y->host);
    return c ? c : strcmp(x->pupil, y->pupil);
}

static void ranks_free(rank_set *k) {
    for (size_t i = 0; i < k->n; i++) free(k->v[i].host), free(k->v[i].pupil);
    free(k->v);
}

/* Each listed pupil's rank at its host, when the host ranked them. 0, or -1. */
static int rank_listed(urne_app *app, int64_t id, const char *only_host, listed *v, size_t n) {
    rank_set k = {.only_host = only_host};
    if (urne_store_match_ranking_each(app->store, id, add_rank, &k) != 0) return ranks_free(&k), -1;
    if (k.n) qsort(k.v, k.n, sizeof *k.v, by_host_pupil);
    for (size_t i = 0; k.n && i < n; i++) {
        ranked key = {(char *)v[i].h->host, (char *)v[i].h->pupil, 0};
        const ranked *r = bsearch(&key, k.v, k.n, sizeof *k.v, by_host_pupil);
        v[i].has_rank = r != NULL;
        v[i].rank = r ? r->rank : 0;
    }
    ranks_free(&k);
    return 0;
}

static int by_pupil_key(const void *key, const void *elt) {
    return strcmp((const char *)key, ((const listed *)elt)->h->pupil);
}

/* Each listed pupil's school and priority, from the pupils' rows. */
typedef struct join {
    listed *v;
    size_t n;
    char **schools;
} join;

static int add_pupil(const urne_match_pupil_row *p, void *ctx) {
    join *j = ctx;
    listed *l = j->n ? bsearch(p->key, j->v, j->n, sizeof *j->v, by_pupil_key) : NULL;
    if (l == NULL) return 0;
    size_t i = (size_t)(l - j->v);
    if ((j->schools[i] = strdup(p->school)) == NULL) return -1;
    l->school = j->schools[i], l->priority = p->priority;
    return 0;
}

/* The wish and lottery of a place held from an offer: its round's result. */
static int result_of(urne_app *app, int64_t id, held *h) {
    if (h->wish) return 0;
    urne_match_result_row *r = malloc(sizeof *r);
    int rc = r ? urne_store_match_result_get(app->store, id, h->round, h->pupil, r) : -1;
    if (rc == 1) h->wish = r->wish, h->lottery = r->lottery;
    free(r);
    return rc < 0 ? -1 : 0;
}

static int by_held_pupil(const void *key, const void *elt) { return strcmp((const char *)key, ((const held *)elt)->pupil); }

/* The same for every place at once, in one pass over the results (s->v in pupil
 * order, each pupil once): a département's lists read their results in one
 * query, not one per pupil. */
static int fill_result(const urne_match_result_row *r, void *ctx) {
    held_set *s = ctx;
    held *h = bsearch(r->pupil, s->v, s->n, sizeof *s->v, by_held_pupil);
    if (h && h->round == r->round && h->wish == 0) h->wish = r->wish, h->lottery = r->lottery;
    return 0;
}

/* A host's few pupils are read one by one; past this, every result at once. */
#define ONE_BY_ONE 64

static urne_app_status lists_send(urne_app *app, int64_t id, held_set *s, urne_app_match_list_fn fn, void *ctx,
                                  urne_app_outcome *out) {
    listed *v = calloc(s->n ? s->n : 1, sizeof *v);
    char **schools = calloc(s->n ? s->n : 1, sizeof *schools);
    urne_app_status st = v && schools ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    for (size_t i = 0; st == URNE_APP_OK && i < s->n; i++) {
        v[i] = (listed){&s->v[i], 0, 0, 0, ""};
        if (s->n <= ONE_BY_ONE && result_of(app, id, &s->v[i]) < 0) st = urne_app_store_failed(app, out);
    }
    if (st == URNE_APP_OK && s->n > ONE_BY_ONE && urne_store_match_result_each(app->store, id, 0, fill_result, s) != 0)
        st = urne_app_store_failed(app, out);
    join j = {v, s->n, schools}; /* v is in pupil order: keep_latest sorted it so */
    if (st == URNE_APP_OK && urne_store_match_pupil_each(app->store, id, "", add_pupil, &j) != 0)
        st = urne_app_store_failed(app, out);
    if (st == URNE_APP_OK && s->n && rank_listed(app, id, s->only_host, v, s->n) < 0) st = urne_app_store_failed(app, out);
    if (st == URNE_APP_OK && s->n) qsort(v, s->n, sizeof *v, by_host_order);
    for (size_t i = 0; st == URNE_APP_OK && i < s->n; i++) {
        urne_match_listed x = {v[i].h->host, v[i].h->pupil, v[i].school, v[i].h->state, v[i].h->round, v[i].h->wish,
                               v[i].priority, v[i].h->lottery};
        fn(&x, ctx);
    }
    for (size_t i = 0; schools && i < s->n; i++) free(schools[i]);
    free(schools);
    free(v);
    return st;
}

static urne_app_status lists_locked(urne_app *app, const urne_user *actor, const urne_match_campaign_row *c,
                                    const char *code, urne_match_host_row *h, urne_app_match_list_fn fn, void *ctx,
                                    urne_app_outcome *out) {
    held_set s = {0};
    urne_app_status st;
    if (code) {
        char hash[URNE_STORE_MATCH_HASH];
        urne_app_match_code_hash(code, hash);
        int rc = code[0] ? urne_store_match_host_get(app->store, c->id, NULL, hash, h) : 0;
        if (rc < 0) return urne_app_store_failed(app, out);
        if (rc == 0) return out->number = 0, urne_app_fail(out, URNE_APP_NO_CAMPAIGN, NULL);
        s.only_host = h->key;
    } else if ((st = urne_app_match_may_row(app, actor, URNE_ACT_MANAGE_MATCHES, c, NULL, NULL, out)) != URNE_APP_OK)
        return st;
    urne_time_iso(urne_app_match_now(app), s.now);
    int rc = urne_store_match_offer_each(app->store, c->id, add_offer, &s);
    /* The coordinator sees the round computed before it is published; a host does not. */
    if (rc == 0 && !code && strcmp(c->state, "run") == 0)
        rc = urne_store_match_result_each(app->store, c->id, c->round, add_computed, &s);
    if (rc != 0) st = s.oom ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL) : urne_app_store_failed(app, out);
    else {
        keep_latest(&s);
        st = lists_send(app, c->id, &s, fn, ctx, out);
    }
    held_free(&s);
    return st;
}

urne_app_status urne_app_match_lists(urne_app *app, const urne_user *actor, int64_t id, const char *code,
                                     urne_app_match_list_fn fn, void *ctx, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    urne_match_host_row *h = malloc(sizeof *h);
    urne_app_status st = c && h ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    if (st == URNE_APP_OK) st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_NO_CAMPAIGN && code) out->number = 0; /* a code tells nothing of other campaigns */
    if (st == URNE_APP_OK) st = lists_locked(app, actor, c, code, h, fn, ctx, out);
    pthread_mutex_unlock(&app->lock);
    free(c);
    free(h);
    return out->status = st;
}

/* ---- a round's report ---- */

typedef struct find_report {
    char object[48];
    int64_t round; /* 0: the latest run */
    char *text;
    int oom;
} find_report;

static size_t count_of(const json_t *o, const char *key) {
    json_int_t v = json_integer_value(json_object_get(o, key));
    return v > 0 ? (size_t)v : 0;
}

/* The recorded report written again by io's writer (match_report.h), so that the
 * download reads as the command line's report.json, line for line. NULL when
 * memory runs out. */
static char *report_text(const json_t *o) {
    const char *method = json_string_value(json_object_get(o, "method"));
    const char *tie = json_string_value(json_object_get(o, "tie_break"));
    const char *lottery = json_string_value(json_object_get(o, "lottery"));
    urne_match_report_meta m = {method && strcmp(method, "ttc") == 0      ? URNE_MATCH_TTC
                                : method && strcmp(method, "serial") == 0 ? URNE_MATCH_SERIAL
                                                                          : URNE_MATCH_DA,
                                tie && strcmp(tie, "multiple") == 0 ? URNE_MATCH_TIE_MULTIPLE : URNE_MATCH_TIE_SINGLE,
                                (uint64_t)json_integer_value(json_object_get(o, "seed")),
                                lottery && strcmp(lottery, "given") == 0,
                                json_string_value(json_object_get(o, "inputs_sha256"))};
    const json_t *ranks = json_object_get(o, "rank_distribution"), *prio = json_object_get(o, "priority_pupils"),
                 *other = json_object_get(o, "other_pupils"), *round = json_object_get(o, "round");
    urne_match_report r = {count_of(o, "pupils"), count_of(o, "hosts"), count_of(o, "placed"), count_of(o, "unplaced"),
                           calloc(json_array_size(ranks) + 1, sizeof *r.ranks), json_array_size(ranks),
                           count_of(prio, "pupils"), count_of(prio, "placed"), count_of(prio, "first_wish"),
                           count_of(other, "pupils"), count_of(other, "placed"), count_of(other, "first_wish"),
                           count_of(round, "kept"), count_of(round, "refused"), json_is_true(json_object_get(round, "later"))};
    if (r.ranks == NULL) return NULL;
    for (size_t w = 0; w < r.max_wish; w++) {
        json_int_t v = json_integer_value(json_array_get(ranks, w));
        r.ranks[w + 1] = v > 0 ? (size_t)v : 0;
    }
    urne_buf b = {0};
    urne_io_match_report_json(&b, &r, &m);
    urne_match_report_free(&r);
    size_t len;
    char *text = b.oom ? NULL : urne_buf_take(&b, &len);
    urne_buf_free(&b);
    return text;
}

static int read_report(const urne_audit_entry *e, void *ctx) {
    find_report *f = ctx;
    if (e->action == NULL || strcmp(e->action, "match.run") != 0 || e->object == NULL || strcmp(e->object, f->object) != 0)
        return 0;
    json_t *a = json_loads(e->after ? e->after : "null", 0, NULL);
    json_t *rep = json_object_get(a, "report");
    int64_t round = (int64_t)json_integer_value(json_object_get(a, "round"));
    if (json_is_object(rep) && (f->round == 0 || round == f->round)) {
        free(f->text);
        f->text = report_text(rep);
        if (f->text == NULL) f->oom = 1;
    }
    json_decref(a);
    return f->oom ? -3 : 0;
}

urne_app_status urne_app_match_report(urne_app *app, const urne_user *actor, int64_t id, int64_t round, char **text,
                                      urne_app_outcome *out) {
    urne_app_outcome_init(out);
    *text = NULL;
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    find_report f = {.round = round};
    snprintf(f.object, sizeof f.object, "match/%lld", (long long)id);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load_managed(app, actor, id, c, out);
    if (st == URNE_APP_OK && (round < 0 || round > c->round || c->round == 0))
        st = urne_app_match_wrong_state(out, NULL, c->state);
    int64_t want = round ? round : c->round;
    urne_match_run_row *row = st == URNE_APP_OK ? malloc(sizeof *row) : NULL;
    int got = row ? urne_store_match_run_get(app->store, id, want, row) : -1;
    if (st == URNE_APP_OK && got < 0) st = row ? urne_app_store_failed(app, out) : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (st == URNE_APP_OK && got == 1) { /* the run's own row: one read */
        json_t *rep = json_loads(row->report, 0, NULL);
        f.text = rep ? report_text(rep) : NULL;
        json_decref(rep);
        if (f.text == NULL) st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    free(row);
    /* A round run before its report had a row of its own (migration 13): its
     * run's audit entry, found in the log. */
    int rc = st == URNE_APP_OK && got == 0 ? urne_store_audit_each(app->store, 1, read_report, &f) : 0;
    if (st == URNE_APP_OK && rc < 0) st = f.oom ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL) : urne_app_store_failed(app, out);
    /* A round run before the runs recorded their report has none to give. */
    if (st == URNE_APP_OK && f.text == NULL) st = urne_app_match_wrong_state(out, NULL, c->state);
    pthread_mutex_unlock(&app->lock);
    free(c);
    if (st == URNE_APP_OK) *text = f.text;
    else free(f.text);
    return out->status = st;
}

/* ---- the last round's rows (the downloads) ---- */

typedef struct last_round {
    urne_app *app;
    int64_t id, last;
    urne_match_result_row *x;
    urne_app_match_result_fn fn;
    void *ctx;
} last_round;

static int result_call(const urne_match_result_row *r, void *ctx) {
    last_round *l = ctx;
    l->fn(r, l->ctx);
    return 0;
}

/* A pupil's row of the last round that has one (placed, or left unplaced). */
static int latest_result(const urne_match_pupil_row *p, void *ctx) {
    last_round *l = ctx;
    for (int64_t round = l->last; round >= 1; round--) {
        int rc = urne_store_match_result_get(l->app->store, l->id, round, p->key, l->x);
        if (rc < 0) return -1;
        if (rc == 1) return l->fn(l->x, l->ctx), 0;
    }
    return 0;
}

urne_app_status urne_app_match_round_rows(urne_app *app, const urne_user *actor, int64_t id, int latest,
                                          urne_app_match_result_fn fn, void *ctx, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    urne_match_result_row *x = malloc(sizeof *x);
    urne_app_status st = c && x ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    if (st == URNE_APP_OK) st = urne_app_match_load_managed(app, actor, id, c, out);
    if (st == URNE_APP_OK && c->round > 0) {
        last_round l = {app, id, c->round, x, fn, ctx};
        int rc = latest ? urne_store_match_pupil_each(app->store, id, "", latest_result, &l)
                        : urne_store_match_result_each(app->store, id, c->round, result_call, &l);
        if (rc != 0) st = urne_app_store_failed(app, out);
    }
    pthread_mutex_unlock(&app->lock);
    free(c);
    free(x);
    return out->status = st;
}

/* ---- a teacher's pupils ---- */

typedef struct teacher {
    urne_app *app;
    const urne_user *actor;
    const urne_match_campaign_row *c;
    int whole;            /* a secretary of the campaign: every school */
    int64_t shown;        /* the last round published, 0 none */
    char **names;         /* the schools asked, and whether the reader may see their pupils */
    uint8_t *allowed;
    size_t n, cap;
    urne_match_result_row *result;
    urne_match_offer_row *offer;
    urne_app_match_pupil_fn fn;
    void *ctx;
} teacher;

/* May the reader see this school's pupils? Asked once per school (the pupils
 * come in order of key, their schools mixed), not at all for a secretary of
 * the whole campaign. */
static int school_ok(teacher *t, const char *school) {
    if (t->whole) return 1;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->names[i], school) == 0) return t->allowed[i];
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    int ok = urne_app_match_may_row(t->app, t->actor, URNE_ACT_ENTER_WISHES, t->c, "school", school, &o) == URNE_APP_OK;
    urne_app_outcome_free(&o);
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **v = realloc(t->names, cap * sizeof *v);
        if (v) t->names = v;
        uint8_t *a = v ? realloc(t->allowed, cap) : NULL;
        if (a) t->allowed = a;
        if (!v || !a) return ok; /* asked again next time: slower, never wrong */
        t->cap = cap;
    }
    char *name = strdup(school);
    if (name) t->names[t->n] = name, t->allowed[t->n++] = (uint8_t)ok;
    return ok;
}

static int teacher_pupil(const urne_match_pupil_row *p, void *ctx) {
    teacher *t = ctx;
    if (!school_ok(t, p->school)) return 0;
    int found = 0, rc = 0;
    for (int64_t round = t->shown; round >= 1 && !found && rc >= 0; round--)
        found = (rc = urne_store_match_result_get(t->app->store, t->c->id, round, p->key, t->result)) == 1;
    int offered = rc < 0 ? -1 : urne_store_match_offer_last(t->app->store, t->c->id, p->key, t->offer);
    if (offered < 0) return -1;
    urne_match_pupil_view v = {p, found ? t->result : NULL, offered == 1 ? t->offer : NULL};
    t->fn(&v, t->ctx);
    return 0;
}

urne_app_status urne_app_match_school_pupils(urne_app *app, const urne_user *actor, int64_t id,
                                             urne_match_campaign_row *c, urne_app_match_pupil_fn fn, void *ctx,
                                             urne_app_outcome *out) {
    urne_app_outcome_init(out);
    teacher t = {.app = app, .actor = actor, .c = c, .fn = fn, .ctx = ctx};
    t.result = malloc(sizeof *t.result), t.offer = malloc(sizeof *t.offer);
    urne_app_status st = t.result && t.offer ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    if (st == URNE_APP_OK) st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_OK) {
        urne_app_outcome o;
        urne_app_outcome_init(&o);
        t.whole = urne_app_match_may_row(app, actor, URNE_ACT_ENTER_WISHES, c, "school", NULL, &o) == URNE_APP_OK;
        urne_app_outcome_free(&o);
        t.shown = c->round - (strcmp(c->state, "run") == 0); /* a round run, not published, is not shown */
        if (urne_store_match_pupil_each(app->store, id, "", teacher_pupil, &t) != 0) st = urne_app_store_failed(app, out);
    }
    pthread_mutex_unlock(&app->lock);
    for (size_t i = 0; i < t.n; i++) free(t.names[i]);
    free(t.names);
    free(t.allowed);
    free(t.result);
    free(t.offer);
    return out->status = st;
}
