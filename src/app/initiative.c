/*
 * initiative (app): the initiatives held in memory, their creation and their
 * life (initiative.h says what each use case answers; initiative_sign.c has the
 * roll and the signatures).
 *
 * Held: every initiative's row, its rules as parsed from the row's text, and its
 * counts per territory, loaded when the application opens: the electors from
 * the roll (one GROUP BY per initiative) and the signatures from their rows
 * (valid ones counted, invalidated ones apart). Nothing else keeps a count; a
 * recount is the same load again, compared.
 *
 * A transition asks the lifecycle engine with the moment, the window from the
 * rules (its close computed from a length when only that is given) and the
 * tally's verdict, writes the state only from the state held (the store answers
 * 0 when another process moved it first: STATE, nothing written), appends the
 * audit entry in the same transaction, and patches the held state after the
 * commit.
 */
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/urne_time.h"
#include "initiative_internal.h"

int64_t urne_app_initiative_now(urne_app *app) {
    return app->initiatives && app->initiatives->now ? app->initiatives->now() : (int64_t)time(NULL);
}

void urne_app_initiative_clock(urne_app *app, int64_t (*now)(void)) {
    pthread_mutex_lock(&app->lock);
    if (app->initiatives) app->initiatives->now = now;
    pthread_mutex_unlock(&app->lock);
}

urne_initiative_held *urne_app_initiative_find(urne_app *app, int64_t id, urne_app_outcome *out) {
    struct urne_app_initiatives *all = app->initiatives;
    for (size_t i = 0; all && i < all->n; i++)
        if (all->items[i]->row.id == id) return all->items[i];
    if (out) {
        out->number = id;
        urne_app_fail(out, URNE_APP_NO_INITIATIVE, NULL);
    }
    return NULL;
}

urne_app_status urne_app_initiative_warm(urne_app *app, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_app_status st = URNE_APP_OK;
    pthread_mutex_lock(&app->lock);
    struct urne_app_initiatives *all = app->initiatives;
    for (size_t i = 0; st == URNE_APP_OK && all && i < all->n; i++)
        if (all->items[i]->state == URNE_INITIATIVE_COLLECTING &&
            urne_store_initiative_warm(app->store, all->items[i]->row.id) < 0)
            st = urne_app_store_failed(app, out);
    pthread_mutex_unlock(&app->lock);
    return st;
}

const urne_initiative_held *urne_app_initiative(urne_app *app, int64_t id) {
    return urne_app_initiative_find(app, id, NULL);
}

int urne_app_initiatives_each(urne_app *app, int (*fn)(const urne_initiative_held *i, void *ctx), void *ctx) {
    int stop = 0;
    for (size_t i = 0; app->initiatives && i < app->initiatives->n && !stop; i++)
        stop = fn(app->initiatives->items[i], ctx);
    return stop;
}

urne_app_status urne_app_initiative_may(urne_app *app, const urne_user *actor, urne_action action,
                                        const urne_initiative_held *h, urne_app_outcome *out) {
    char own[48];
    snprintf(own, sizeof own, "initiative/%lld", (long long)h->row.id);
    const char *chain[3] = {own, h->row.space, ""};
    if (!h->row.space[0]) chain[1] = "";
    return urne_app_authorize(app, actor, action, chain, h->row.space[0] ? 3 : 2, 0, out);
}

int urne_app_initiative_manager(urne_app *app, const urne_user *actor, int64_t id) {
    if (actor->id <= 0) return 0;
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    pthread_mutex_lock(&app->lock);
    urne_initiative_held *h = urne_app_initiative_find(app, id, &o);
    int ok = h && urne_app_initiative_may(app, actor, URNE_ACT_MANAGE_INITIATIVES, h, &o) == URNE_APP_OK;
    pthread_mutex_unlock(&app->lock);
    urne_app_outcome_free(&o);
    return ok;
}

/* ---- counts ---- */

static int by_territory(const void *a, const void *b) {
    return strcmp(((const urne_initiative_territory_held *)a)->name, ((const urne_initiative_territory_held *)b)->name);
}

int urne_app_initiative_count(urne_initiative_held *h, const char *name, int64_t electors, int64_t signatures) {
    urne_initiative_territory_held key, *t;
    if (snprintf(key.name, sizeof key.name, "%s", name) >= (int)sizeof key.name) return -1;
    t = h->nterritories ? bsearch(&key, h->territories, h->nterritories, sizeof *t, by_territory) : NULL; /* no base yet */
    if (t == NULL) {
        urne_initiative_territory_held *grown = realloc(h->territories, (h->nterritories + 1) * sizeof *grown);
        if (grown == NULL) return -1;
        h->territories = grown;
        size_t at = 0;
        while (at < h->nterritories && strcmp(grown[at].name, key.name) < 0) at++;
        memmove(grown + at + 1, grown + at, (h->nterritories - at) * sizeof *grown);
        t = grown + at;
        *t = key;
        t->electors = t->signatures = t->anonymous = 0;
        h->nterritories++;
    }
    int64_t e, s, total;
    if (__builtin_add_overflow(t->electors, electors, &e) || __builtin_add_overflow(t->signatures, signatures, &s) ||
        __builtin_add_overflow(h->signatures, signatures, &total) || e < 0 || s < 0 || total < 0)
        return -1;
    t->electors = e, t->signatures = s, h->signatures = total;
    return 0;
}

/* The held territory of that name, or NULL. */
static urne_initiative_territory_held *territory_of(const urne_initiative_held *h, const char *name) {
    urne_initiative_territory_held key;
    if (h->nterritories == 0 || snprintf(key.name, sizeof key.name, "%s", name) >= (int)sizeof key.name) return NULL;
    return bsearch(&key, h->territories, h->nterritories, sizeof key, by_territory);
}

int urne_app_initiative_anonymous_add(urne_initiative_held *h, const char *name, int64_t n) {
    urne_initiative_territory_held *t = territory_of(h, name);
    if (n == 0) return 0;
    if (t == NULL || __builtin_add_overflow(t->anonymous, n, &t->anonymous) || t->anonymous < 0) return -1;
    return 0;
}

int64_t urne_app_initiative_anonymous(const urne_initiative_held *h, const char *name) {
    const urne_initiative_territory_held *t = territory_of(h, name);
    return t ? t->anonymous : 0;
}

int64_t urne_app_initiative_electors(const urne_initiative_held *h, const char *name) {
    const urne_initiative_territory_held *t = territory_of(h, name);
    return t ? t->electors : 0;
}

urne_initiative_tally_status urne_app_initiative_figures(const urne_initiative_held *h, urne_initiative_tally *t,
                                                         urne_initiative_territory_result **per) {
    memset(t, 0, sizeof *t);
    *per = NULL;
    if (h->nterritories == 0) return t->status = URNE_INITIATIVE_TALLY_NO_TERRITORIES;
    urne_initiative_count *c = calloc(h->nterritories, sizeof *c);
    *per = calloc(h->nterritories, sizeof **per);
    if (c == NULL || *per == NULL) {
        free(c);
        free(*per);
        *per = NULL;
        return t->status = URNE_INITIATIVE_TALLY_OVERFLOW;
    }
    for (size_t i = 0; i < h->nterritories; i++)
        c[i] = (urne_initiative_count){h->territories[i].name, h->territories[i].electors,
                                       h->territories[i].signatures, -1, -1};
    urne_initiative_tally_status st = urne_initiative_tally_evaluate(&h->rules, c, h->nterritories, *per, t);
    free(c);
    return st;
}

int urne_app_initiative_reached(const urne_initiative_held *h) {
    urne_initiative_tally t;
    urne_initiative_territory_result *per;
    int reached = urne_app_initiative_figures(h, &t, &per) == URNE_INITIATIVE_TALLY_OK && t.reached;
    free(per);
    return reached;
}

int urne_app_initiative_figures_hold(urne_initiative_held *h) {
    if (!urne_initiative_rules_need_figures(&h->rules)) return 0;
    for (size_t i = 0; i < h->rules.nfigures; i++)
        if (urne_app_initiative_count(h, h->rules.figures[i].territory, 0, 0) < 0) return -1;
    return 0;
}

int urne_app_initiative_figures_known(const urne_initiative_held *h, const char *name) {
    return !urne_initiative_rules_need_figures(&h->rules) || urne_initiative_rules_figure(&h->rules, name) ? 0 : -1;
}

/* ---- loading ---- */

static void held_free(urne_initiative_held *h) {
    if (h == NULL) return;
    urne_sealer_wipe(&h->sealer);
    free(h->bursts);
    free(h->code_bursts);
    free(h->territories);
    free(h->days);
    free(h);
}

void urne_app_initiatives_free(urne_app *app) {
    if (app->initiatives == NULL) return;
    urne_app_initiative_batch_free(app); /* its thread stopped first: it counts into what is freed below */
    for (size_t i = 0; i < app->initiatives->n; i++) held_free(app->initiatives->items[i]);
    free(app->initiatives->items);
    free(app->initiatives);
    app->initiatives = NULL;
}

static int state_parse(const char *name, urne_initiative_state *out) {
    for (int s = 0; s < URNE_INITIATIVE_STATES; s++)
        if (strcmp(urne_initiative_state_name((urne_initiative_state)s), name) == 0)
            return *out = (urne_initiative_state)s, 0;
    return -1;
}

/* h's row made whole: rules, state and keys from their texts. 0, or -1 saying
 * what is wrong in *why. */
static int held_parse(urne_initiative_held *h, urne_phrase *why) {
    urne_diags d;
    urne_diags_init(&d, NULL);
    int rc = urne_initiative_rules_parse(h->row.rules, strlen(h->row.rules), &h->rules, &d);
    if (rc < 0)
        urne_phrase_set(why, "initiative %lld: its stored rules do not read back (line %ld: %s)", (long long)h->row.id,
                        d.count ? d.items[0].line : 0L, d.count && d.items[0].rule[0] ? d.items[0].rule : "?");
    urne_diags_free(&d);
    if (rc < 0) return -1;
    size_t n1 = 0, n2 = 0;
    if (state_parse(h->row.state, &h->state) < 0 ||
        sodium_hex2bin(h->hash_key, 32, h->row.hash_key, strlen(h->row.hash_key), NULL, &n1, NULL) < 0 || n1 != 32 ||
        sodium_hex2bin(h->authority_key, 32, h->row.authority_key, strlen(h->row.authority_key), NULL, &n2, NULL) < 0 ||
        n2 != 32) {
        urne_phrase_set(why, "initiative %lld: its state or keys are not what urne writes", (long long)h->row.id);
        return -1;
    }
    urne_sealer_init(&h->sealer, h->authority_key);
    if (urne_app_initiative_figures_hold(h) < 0) {
        urne_phrase_set(why, "out of memory");
        return -1;
    }
    return 0;
}

static int add_electors(const char *territory, int64_t electors, int64_t anonymous, void *ctx) {
    return urne_app_initiative_count(ctx, territory, electors, 0) < 0 ||
                   urne_app_initiative_anonymous_add(ctx, territory, anonymous) < 0
               ? -2
               : 0;
}

static int add_signatures(const char *territory, int64_t valid, int64_t invalid, void *ctx) {
    urne_initiative_held *h = ctx;
    if (__builtin_add_overflow(h->invalid, invalid, &h->invalid)) return -2;
    return valid == 0 || urne_app_initiative_count(h, territory, 0, valid) == 0 ? 0 : -2;
}

/* Initiative `row`'s held form with its counts rebuilt from the store, or NULL
 * with *why said. */
static urne_initiative_held *held_load(urne_store *s, const urne_initiative_row *row, urne_phrase *why) {
    urne_initiative_held *h = calloc(1, sizeof *h);
    if (h == NULL) {
        urne_phrase_set(why, "out of memory");
        return NULL;
    }
    h->row = *row;
    if (held_parse(h, why) < 0) {
        held_free(h);
        return NULL;
    }
    int rc = urne_store_initiative_roll_counts(s, row->id, add_electors, h);
    if (rc == 0) rc = urne_store_initiative_signature_counts(s, row->id, add_signatures, h);
    if (rc == 0) rc = urne_app_initiative_days_load(s, h);
    if (rc != 0) {
        if (rc == -2)
            urne_phrase_set(why, "initiative %lld: a count does not fit (or a territory's name is too long)",
                            (long long)row->id);
        else
            *why = *urne_store_error_phrase(s);
        held_free(h);
        return NULL;
    }
    return h;
}

/* h added in its place by id (another server may have created a lower id after
 * a higher one was heard of). 0, or -1 out of memory. */
static int held_add(struct urne_app_initiatives *all, urne_initiative_held *h) {
    urne_initiative_held **grown = realloc(all->items, (all->n + 1) * sizeof *grown);
    if (grown == NULL) return -1;
    all->items = grown;
    size_t at = all->n;
    while (at > 0 && all->items[at - 1]->row.id > h->row.id) at--;
    memmove(all->items + at + 1, all->items + at, (all->n - at) * sizeof *all->items);
    all->items[at] = h;
    all->n++;
    return 0;
}

typedef struct load_ctx {
    urne_app *app;
    urne_phrase *why;
} load_ctx;

static int load_one(const urne_initiative_row *row, void *ctx) {
    load_ctx *c = ctx;
    urne_initiative_held *h = held_load(c->app->store, row, c->why);
    if (h == NULL) return -2;
    if (held_add(c->app->initiatives, h) < 0) {
        held_free(h);
        urne_phrase_set(c->why, "out of memory");
        return -2;
    }
    return 0;
}

int urne_app_initiatives_load(urne_app *app, urne_phrase *why) {
    app->initiatives = calloc(1, sizeof *app->initiatives);
    if (app->initiatives == NULL) {
        urne_phrase_set(why, "out of memory");
        return -1;
    }
    load_ctx c = {app, why};
    int rc = urne_store_initiative_each(app->store, load_one, &c);
    if (rc == -1) *why = *urne_store_error_phrase(app->store); /* -2: said by load_one */
    return rc == 0 ? 0 : -1;
}

int urne_app_initiative_signatures_each(urne_app *app, int64_t id,
                                        int (*fn)(const urne_initiative_signature *sig, void *ctx), void *ctx) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_app_initiative_find(app, id, NULL) ? urne_store_initiative_signatures_each(app->store, id, fn, ctx)
                                                     : -2;
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_initiative_signature_get(urne_app *app, int64_t id, int64_t sig, urne_initiative_signature *out) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_app_initiative_find(app, id, NULL) ? urne_store_initiative_signature_get(app->store, id, sig, out) : -2;
    pthread_mutex_unlock(&app->lock);
    return rc;
}

/* 1 when a and b hold the same counts. */
static int same_counts(const urne_initiative_held *a, const urne_initiative_held *b) {
    if (a->signatures != b->signatures || a->invalid != b->invalid || a->nterritories != b->nterritories) return 0;
    for (size_t i = 0; i < a->nterritories; i++)
        if (strcmp(a->territories[i].name, b->territories[i].name) != 0 ||
            a->territories[i].electors != b->territories[i].electors ||
            a->territories[i].signatures != b->territories[i].signatures)
            return 0;
    return 1;
}

int urne_app_initiative_recount(urne_app *app, int64_t id, int *changed, urne_phrase *why) {
    pthread_mutex_lock(&app->lock);
    int rc = -1;
    *changed = 0;
    urne_initiative_held *h = urne_app_initiative_find(app, id, NULL);
    if (h == NULL) urne_phrase_set(why, "no initiative %lld", (long long)id);
    urne_initiative_held *fresh = h ? held_load(app->store, &h->row, why) : NULL;
    if (fresh) {
        *changed = !same_counts(h, fresh);
        free(h->territories);
        free(h->days);
        h->territories = fresh->territories, h->nterritories = fresh->nterritories;
        h->days = fresh->days, h->ndays = fresh->ndays;
        h->signatures = fresh->signatures, h->invalid = fresh->invalid;
        fresh->territories = NULL;
        fresh->days = NULL;
        held_free(fresh);
        rc = 0;
    }
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_initiative_reload(urne_app *app, int64_t id) {
    urne_initiative_row *row = malloc(sizeof *row);
    urne_phrase why;
    int found = row ? urne_store_initiative_get(app->store, id, row) : -1, rc = found < 0 ? -1 : 0;
    urne_initiative_held *fresh = found == 1 ? held_load(app->store, row, &why) : NULL;
    free(row);
    if (found == 1 && fresh == NULL) return -1;
    if (fresh == NULL) return rc; /* no such initiative (any more): nothing held to change */
    struct urne_app_initiatives *all = app->initiatives;
    for (size_t i = 0; i < all->n; i++)
        if (all->items[i]->row.id == id) {
            fresh->bursts = all->items[i]->bursts, fresh->burst_minute = all->items[i]->burst_minute;
            fresh->code_bursts = all->items[i]->code_bursts;
            fresh->burst_fill = all->items[i]->burst_fill, fresh->code_burst_fill = all->items[i]->code_burst_fill;
            all->items[i]->bursts = NULL, all->items[i]->code_bursts = NULL;
            held_free(all->items[i]);
            all->items[i] = fresh;
            return 0;
        }
    if (held_add(all, fresh) == 0) return 0;
    held_free(fresh);
    return -1;
}

/* ---- the audit entries ---- */

int urne_app_initiative_audit(urne_app *app, const char *actor, const char *action, const char *object,
                              json_t *after, int *oom) {
    char *text = after ? json_dumps(after, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(after);
    *oom = text == NULL;
    if (text == NULL) return -1;
    int rc = urne_store_audit(app->store, actor, action, object, NULL, text);
    free(text);
    return rc;
}

/* What the log records of an initiative's row (its hashing key left out). */
static json_t *row_json(const urne_initiative_row *r) {
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id, "title", r->title, "space",
                     r->space, "rules", r->rules, "state", r->state, "authority_key", r->authority_key, "created_at",
                     r->created_at, "created_by", r->created_by);
}

/* ---- creating ---- */

static urne_app_status refuse(urne_app_outcome *out, const char *field, const char *why, int64_t number,
                              const char *detail) {
    snprintf(out->field, sizeof out->field, "%s", field);
    out->why = why;
    out->number = number;
    return urne_app_fail(out, URNE_APP_BAD_INPUT, "%.300s", detail ? detail : "");
}

/* The new row from `in`, checked: URNE_APP_OK or BAD_INPUT. */
static urne_app_status new_row(const urne_initiative_new *in, int64_t now, const char *by, urne_initiative_row *row,
                               urne_initiative_held *h, urne_app_outcome *out) {
    const char *title = in->title ? in->title : "", *space = in->space ? in->space : "";
    const char *rules = in->rules ? in->rules : "", *key = in->authority_key ? in->authority_key : "";
    char why[128], length[24];
    if (!title[0]) return refuse(out, "title", "empty", 0, NULL);
    if (strlen(title) >= sizeof row->title) {
        snprintf(length, sizeof length, "%zu", strlen(title)); /* the too-long's detail: its bytes */
        return refuse(out, "title", URNE_WHY_TOO_LONG, sizeof row->title - 1, length);
    }
    if (space[0] && (strlen(space) >= sizeof row->space || !urne_space_valid(space, why, sizeof why)))
        return refuse(out, "space", URNE_WHY_SPACE, -1, space);
    /* The text as typed (its comments too) has a bound of its own, above what
     * its rewriting keeps in the row: refused before it is read. */
    if (strlen(rules) > URNE_INITIATIVE_RULES_TEXT_MAX) {
        snprintf(length, sizeof length, "%zu", strlen(rules));
        return refuse(out, "rules", URNE_WHY_TOO_LONG, URNE_INITIATIVE_RULES_TEXT_MAX, length);
    }
    urne_diags d;
    urne_diags_init(&d, NULL);
    int bad = urne_initiative_rules_parse(rules, strlen(rules), &h->rules, &d);
    if (bad < 0) { /* the first fault worded as the reason, every one with its line, field and rule */
        refuse(out, "rules", URNE_WHY_RULES, d.count ? d.items[0].line : 0, d.count ? d.items[0].message : "");
        if (d.count) out->reason = d.items[0].phrase;
        out->checks.file = "rules";
        urne_diags_append(&out->checks, &d);
        urne_diags_free(&d);
        return out->status;
    }
    urne_diags_free(&d);
    int64_t opens, closes;
    urne_app_initiative_window(h, &opens, &closes);
    if (opens == 0 || closes == 0) return refuse(out, "rules", URNE_WHY_NO_OPENING, 0, NULL);
    if (urne_initiative_rules_need_figures(&h->rules) && h->rules.nfigures == 0)
        return refuse(out, "rules", URNE_WHY_TERRITORY_FIGURES, 0,
                      h->rules.territory.basis == URNE_INITIATIVE_PER_SEAT ? "seats" : "minimum");
    size_t n = 0;
    if (strlen(key) != 64 || sodium_hex2bin(h->authority_key, 32, key, 64, NULL, &n, NULL) < 0 || n != 32)
        return refuse(out, "authority_key", URNE_WHY_INITIATIVE_KEY, 0, NULL);
    urne_sealer_init(&h->sealer, h->authority_key);
    snprintf(row->title, sizeof row->title, "%s", title);
    snprintf(row->space, sizeof row->space, "%s", space);
    size_t written = urne_initiative_rules_write(&h->rules, row->rules, sizeof row->rules);
    if (written >= sizeof row->rules) {
        snprintf(length, sizeof length, "%zu", written);
        return refuse(out, "rules", URNE_WHY_TOO_LONG, sizeof row->rules - 1, length);
    }
    snprintf(row->state, sizeof row->state, "%s", urne_initiative_state_name(URNE_INITIATIVE_DRAFT));
    sodium_bin2hex(row->authority_key, sizeof row->authority_key, h->authority_key, 32);
    randombytes_buf(h->hash_key, sizeof h->hash_key);
    sodium_bin2hex(row->hash_key, sizeof row->hash_key, h->hash_key, 32);
    urne_time_iso(now, row->created_at);
    memcpy(row->changed_at, row->created_at, sizeof row->changed_at);
    snprintf(row->created_by, sizeof row->created_by, "%s", by);
    h->state = URNE_INITIATIVE_DRAFT;
    if (urne_app_initiative_figures_hold(h) < 0) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    return URNE_APP_OK;
}

static urne_app_status create_locked(urne_app *app, const urne_user *actor, const urne_initiative_new *in,
                                     urne_initiative_held *h, urne_app_outcome *out) {
    urne_app_status st = urne_app_authorize_space(app, actor, URNE_ACT_MANAGE_INITIATIVES, in->space ? in->space : "",
                                                  out);
    if (st != URNE_APP_OK) return st;
    if ((st = new_row(in, urne_app_initiative_now(app), actor->name, &h->row, h, out)) != URNE_APP_OK) return st;
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    int64_t id = urne_store_initiative_put(app->store, &h->row);
    if (id < 0) return urne_app_store_failed(app, out);
    h->row.id = id;
    char object[48];
    snprintf(object, sizeof object, "initiative/%lld", (long long)id);
    int oom = 0;
    if (urne_app_initiative_audit(app, actor->name, "initiative.create", object, row_json(&h->row), &oom) < 0) {
        if (!oom) return urne_app_store_failed(app, out);
        urne_store_rollback(app->store);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    if (urne_store_commit(app->store) < 0) return urne_app_store_failed(app, out);
    out->id = id;
    memcpy(out->at, h->row.created_at, sizeof out->at);
    return URNE_APP_OK;
}

urne_app_status urne_app_initiative_create(urne_app *app, const urne_user *actor, const urne_initiative_new *in,
                                           urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_initiative_held *h = calloc(1, sizeof *h);
    if (h == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = create_locked(app, actor, in, h, out);
    if (st == URNE_APP_OK) {
        if (held_add(app->initiatives, h) < 0) {
            /* Committed but not held: the next start loads it; say so rather than lie. */
            held_free(h);
            st = urne_app_fail(out, URNE_APP_NO_MEMORY, "created as initiative %lld; restart to hold it",
                               (long long)out->id);
        } else
            h = NULL;
        urne_app_changed(app);
    }
    pthread_mutex_unlock(&app->lock);
    held_free(h);
    return out->status = st;
}

/* ---- the lifecycle ---- */

void urne_app_initiative_window(const urne_initiative_held *h, int64_t *opens, int64_t *closes) {
    *opens = h->rules.opens_at;
    *closes = h->rules.closes_at;
    int64_t close;
    if (*closes == 0 && *opens != 0 && urne_initiative_rules_close(&h->rules, *opens, &close) == 0) *closes = close;
}

/* The lifecycle's context for h at `now`. */
static urne_initiative_context context_of(const urne_initiative_held *h, int64_t now, const char *text) {
    urne_initiative_context c = {now, 0, 0, urne_app_initiative_reached(h), h->rules.stop_at_threshold,
                                 text && text[0]};
    urne_app_initiative_window(h, &c.opens_at, &c.closes_at);
    return c;
}

urne_app_status urne_app_initiative_step(urne_app *app, const char *actor, const urne_initiative_held *h,
                                         urne_initiative_event event, const char *text, urne_initiative_row *row,
                                         urne_initiative_state *to, urne_app_outcome *out) {
    int64_t now = urne_app_initiative_now(app);
    urne_initiative_context ctx = context_of(h, now, text);
    urne_initiative_refusal why = urne_initiative_transition(h->state, event, &ctx, to);
    if (why != URNE_INITIATIVE_ALLOWED) {
        out->why = urne_initiative_refusal_name(why);
        return urne_app_fail(out, URNE_APP_STATE, "%s", urne_initiative_state_name(h->state));
    }
    *row = h->row;
    snprintf(row->state, sizeof row->state, "%s", urne_initiative_state_name(*to));
    urne_time_iso(now, row->changed_at);
    if (event == URNE_INITIATIVE_ADMIT || event == URNE_INITIATIVE_REJECT)
        snprintf(row->reasons, sizeof row->reasons, "%s", text ? text : "");
    if (event == URNE_INITIATIVE_ANSWER) snprintf(row->answer, sizeof row->answer, "%s", text ? text : "");
    int rc = urne_store_initiative_update(app->store, row, h->row.state);
    urne_app_status st = URNE_APP_OK;
    if (rc == 0) {
        out->why = urne_initiative_refusal_name(URNE_INITIATIVE_WRONG_STATE);
        st = urne_app_fail(out, URNE_APP_STATE, "changed elsewhere");
    } else if (rc < 0)
        st = URNE_APP_STORE;
    else {
        char object[48], action[48];
        snprintf(object, sizeof object, "initiative/%lld", (long long)h->row.id);
        snprintf(action, sizeof action, "initiative.%s", urne_initiative_event_name(event));
        json_t *after = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)h->row.id, "from", h->row.state,
                                  "state", row->state, "at", row->changed_at, "text", text ? text : "");
        int oom = 0;
        if (urne_app_initiative_audit(app, actor, action, object, after, &oom) < 0)
            st = oom ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL) : URNE_APP_STORE;
        else
            memcpy(out->at, row->changed_at, sizeof out->at);
    }
    return st;
}

/* The policy an event asks. */
static urne_action event_action(urne_initiative_event e) {
    return e == URNE_INITIATIVE_ADMIT || e == URNE_INITIATIVE_REJECT ? URNE_ACT_DECIDE_INITIATIVE
                                                                     : URNE_ACT_MANAGE_INITIATIVES;
}

static urne_app_status act_locked(urne_app *app, const urne_user *actor, int64_t id, urne_initiative_event event,
                                  const char *text, urne_app_outcome *out) {
    urne_initiative_held *h = urne_app_initiative_find(app, id, out);
    if (h == NULL) return out->status;
    if ((unsigned)event >= URNE_INITIATIVE_EVENTS || event == URNE_INITIATIVE_REACH)
        return refuse(out, "event", "event", (int64_t)event, NULL);
    urne_app_status st = urne_app_initiative_may(app, actor, event_action(event), h, out);
    if (st != URNE_APP_OK) return st;
    if (text && strlen(text) > URNE_STORE_INITIATIVE_TEXT_MAX)
        return refuse(out, "text", URNE_WHY_TOO_LONG, URNE_STORE_INITIATIVE_TEXT_MAX, NULL);
    if (event == URNE_INITIATIVE_ANSWER && (text == NULL || !text[0]))
        return refuse(out, "text", URNE_WHY_REASON, 0, NULL);
    urne_initiative_row *row = malloc(sizeof *row);
    if (row == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_initiative_state to;
    if (urne_store_begin(app->store) < 0)
        st = urne_app_store_failed(app, out);
    else if ((st = urne_app_initiative_step(app, actor->name, h, event, text, row, &to, out)) == URNE_APP_STORE)
        st = urne_app_store_failed(app, out);
    else if (st != URNE_APP_OK)
        urne_store_rollback(app->store);
    else if (urne_store_commit(app->store) < 0)
        st = urne_app_store_failed(app, out);
    else {
        h->row = *row;
        h->state = to;
        if (to != URNE_INITIATIVE_COLLECTING) urne_store_initiative_cool(app->store, id); /* its dedup set freed */
    }
    free(row);
    if (st != URNE_APP_OK) return st;
    snprintf(out->detail, sizeof out->detail, "%s", h->row.state);
    out->id = id;
    urne_app_changed(app);
    return URNE_APP_OK;
}

urne_app_status urne_app_initiative_act(urne_app *app, const urne_user *actor, int64_t id,
                                        urne_initiative_event event, const char *text, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = act_locked(app, actor, id, event, text, out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

/* Whether event e leads out of state `from` at all: the lifecycle asked with a
 * context that only the state can refuse (it checks the state first). */
static int event_from(urne_initiative_state from, urne_initiative_event e, const urne_initiative_held *h) {
    urne_initiative_context c = context_of(h, 0, "reasons");
    urne_initiative_state to;
    return urne_initiative_transition(from, e, &c, &to) != URNE_INITIATIVE_WRONG_STATE;
}

static unsigned allowed_locked(urne_app *app, const urne_user *actor, int64_t id, int *invalidate) {
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    const urne_initiative_held *h = urne_app_initiative_find(app, id, &o);
    urne_app_outcome_free(&o);
    unsigned mask = 0;
    int manage = 0, decide = 0;
    for (int k = 0; h && actor->id > 0 && k < 2; k++) { /* the public holds neither: not asked */
        urne_app_outcome_init(&o);
        int ok = urne_app_initiative_may(app, actor, k ? URNE_ACT_DECIDE_INITIATIVE : URNE_ACT_MANAGE_INITIATIVES, h,
                                         &o) == URNE_APP_OK;
        urne_app_outcome_free(&o);
        *(k ? &decide : &manage) = ok;
    }
    for (int e = 0; h && e < URNE_INITIATIVE_EVENTS; e++) {
        int mine = e == URNE_INITIATIVE_REACH ? 0 : event_action((urne_initiative_event)e) == URNE_ACT_DECIDE_INITIATIVE
                                                        ? decide
                                                        : manage;
        if (mine && event_from(h->state, (urne_initiative_event)e, h)) mask |= 1u << e;
    }
    *invalidate = decide;
    return mask;
}

unsigned urne_app_initiative_allowed(urne_app *app, const urne_user *actor, int64_t id, int *invalidate) {
    assert(app != NULL && actor != NULL && invalidate != NULL);
    pthread_mutex_lock(&app->lock);
    unsigned mask = allowed_locked(app, actor, id, invalidate);
    pthread_mutex_unlock(&app->lock);
    return mask;
}
