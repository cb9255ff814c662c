/*
 * queries_home: what each role's home page lists (see queries.h), read under the
 * application's lock from the elections held in memory and the store: a
 * secretary's bureaux across elections, the open disputes a commission member
 * may review with the figures to compare, and what waits in each election an
 * administrator manages. Read only.
 */
#include <stdlib.h>
#include <string.h>

#include "queries.h"
#include "results_view.h"

/* A growable array of n items of `size` bytes: room for one more, or -1. */
static int grow(void **items, size_t *cap, size_t n, size_t size) {
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, c * size);
    if (p == NULL) return -1;
    *items = p;
    *cap = c;
    return 0;
}

/* May `actor` do `action` on election `id`? (urne_app_may, the lock held.) */
static int may(urne_app *app, const urne_user *actor, urne_action action, int64_t id) {
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    int ok = urne_app_may(app, actor, action, id, &o) == URNE_APP_OK;
    urne_app_outcome_free(&o);
    return ok;
}

/* ---- a secretary's bureaux ---- */

static long assigned_all(urne_app *app, int64_t user, urne_app_assigned **out) {
    urne_app_assigned *all = NULL;
    size_t n = 0, cap = 0;
    for (size_t k = 0; k < app->nelections; k++) {
        const urne_election *e = app->elections[k];
        size_t nsheets = e->round->nsheets;
        size_t *mine = malloc((nsheets ? nsheets : 1) * sizeof *mine);
        long got = mine ? urne_store_assigned_list(app->store, user, e->meta.id, mine, nsheets) : -1;
        for (long i = 0; i < got; i++) {
            if (grow((void **)&all, &cap, n, sizeof *all) < 0) {
                got = -1;
                break;
            }
            all[n++] = (urne_app_assigned){e->meta.id, mine[i]};
        }
        free(mine);
        if (got < 0) {
            free(all);
            return -1;
        }
    }
    *out = all;
    return (long)n;
}

long urne_app_assigned_all(urne_app *app, int64_t user, urne_app_assigned **out) {
    *out = NULL;
    pthread_mutex_lock(&app->lock);
    long n = assigned_all(app, user, out);
    pthread_mutex_unlock(&app->lock);
    return n;
}

/* ---- the commission's open disputes ---- */

typedef struct disputes_ctx {
    urne_app_open_dispute *items;
    size_t n, cap;
    int failed;
} disputes_ctx;

static int open_one(const urne_dispute *d, void *ctx) {
    disputes_ctx *c = ctx;
    if (strcmp(d->state, "open") != 0) return 0;
    if (grow((void **)&c->items, &c->cap, c->n, sizeof *c->items) < 0) {
        c->failed = 1;
        return 1;
    }
    urne_app_open_dispute *x = &c->items[c->n++];
    memset(x, 0, sizeof *x);
    x->dispute = *d;
    return 0;
}

/* Nearest deadline first; the ISO UTC times compare as text. */
static int by_deadline(const void *a, const void *b) {
    const urne_dispute *x = &((const urne_app_open_dispute *)a)->dispute,
                       *y = &((const urne_app_open_dispute *)b)->dispute;
    int c = strcmp(x->deadline, y->deadline);
    if (c) return c;
    if (x->election != y->election) return x->election < y->election ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The figures of each dispute: those it was opened on, and the latest typed. */
static int figures_of(urne_app *app, urne_app_open_dispute *x) {
    const urne_dispute *d = &x->dispute;
    if (d->figures_before[0]) {
        int rc = urne_figures_parse_json(d->figures_before, &x->contested);
        if (rc == -2) return -1;
        x->has_contested = rc == 0;
    }
    int64_t author;
    int rc = urne_store_entry_other(app->store, d->election, (size_t)d->bureau, 0, &author, &x->entered);
    if (rc < 0) return -1;
    x->has_entered = rc == 1;
    return 0;
}

static long open_disputes(urne_app *app, const urne_user *actor, urne_app_open_dispute **out) {
    disputes_ctx c = {0};
    for (size_t k = 0; k < app->nelections && !c.failed; k++) {
        int64_t id = app->elections[k]->meta.id;
        if (!may(app, actor, URNE_ACT_READ_REVIEW, id)) continue;
        if (urne_store_dispute_each(app->store, id, open_one, &c) < 0) c.failed = 1;
    }
    for (size_t i = 0; i < c.n && !c.failed; i++)
        if (figures_of(app, &c.items[i]) < 0) c.failed = 1;
    if (c.failed) {
        urne_app_open_disputes_free(c.items, (long)c.n);
        return -1;
    }
    if (c.n > 1) qsort(c.items, c.n, sizeof *c.items, by_deadline);
    *out = c.items;
    return (long)c.n;
}

long urne_app_open_disputes(urne_app *app, const urne_user *actor, urne_app_open_dispute **out) {
    *out = NULL;
    pthread_mutex_lock(&app->lock);
    long n = open_disputes(app, actor, out);
    pthread_mutex_unlock(&app->lock);
    return n;
}

void urne_app_open_disputes_free(urne_app_open_dispute *d, long n) {
    for (long i = 0; d && i < n; i++) {
        urne_figures_free(&d[i].contested);
        urne_figures_free(&d[i].entered);
    }
    free(d);
}

/* ---- what waits, for an administrator ---- */

int urne_app_sheet_to_type(const urne_bureau_info *info) {
    if (info->entered_by <= 0 && (info->state == URNE_SHEET_MISSING || info->state == URNE_SHEET_ENTERED)) return 1;
    return info->state == URNE_SHEET_REVOTE;
}

/* The imported, never typed bureaux of an election that a secretary is assigned. */
typedef struct assigned_ctx {
    const urne_election *e;
    unsigned char *counted; /* one per sheet: already counted (two secretaries, one bureau) */
    size_t n;
} assigned_ctx;

static int count_assigned_import(int64_t user, int64_t election, size_t bureau, void *ctx) {
    (void)user;
    assigned_ctx *c = ctx;
    if (election != c->e->meta.id || bureau >= c->e->round->nsheets || c->counted[bureau]) return 0;
    const urne_bureau_info *info = &c->e->info[bureau];
    if (info->state == URNE_SHEET_ENTERED && urne_app_sheet_to_type(info)) {
        c->counted[bureau] = 1;
        c->n++;
    }
    return 0;
}

typedef struct waiting_ctx {
    urne_app_waiting *w;
    const char *published_at; /* "" when never published */
} waiting_ctx;

static int count_dispute(const urne_dispute *d, void *ctx) {
    waiting_ctx *c = ctx;
    if (strcmp(d->state, "open") == 0) c->w->open_disputes++;
    if (c->published_at[0] && d->decided_at[0] && strcmp(d->decided_at, c->published_at) > 0)
        c->w->publication = 3; /* decided after the publication */
    return 0;
}

static int waiting_one(urne_app *app, const urne_election *e, urne_app_waiting *w) {
    memset(w, 0, sizeof *w);
    w->election = e->meta.id;
    size_t by[URNE_SHEET_NSTATES];
    w->state = urne_election_unit_state(e, URNE_NONE, NULL, by);
    w->missing = by[URNE_SHEET_MISSING] + by[URNE_SHEET_REVOTE];
    assigned_ctx a = {e, calloc(e->round->nsheets ? e->round->nsheets : 1, 1), 0};
    if (a.counted == NULL || urne_store_audit_assignments(app->store, count_assigned_import, &a) < 0) {
        free(a.counted);
        return -1;
    }
    free(a.counted);
    w->missing += a.n;
    w->double_entry = by[URNE_SHEET_PENDING] + by[URNE_SHEET_MISMATCH];
    const urne_election_meta *m = &e->meta;
    w->publication = !m->published_at[0] ? 0 : m->reopened_at[0] ? 2 : 1;
    if (w->publication == 1)
        for (size_t i = 0; i < e->round->nsheets; i++)
            if (e->info[i].entered_at[0] && strcmp(e->info[i].entered_at, m->published_at) > 0) w->publication = 3;
    waiting_ctx c = {w, w->publication == 1 || w->publication == 3 ? m->published_at : ""};
    return urne_store_dispute_each(app->store, e->meta.id, count_dispute, &c) < 0 ? -1 : 0;
}

static long waiting_all(urne_app *app, const urne_user *actor, urne_app_waiting **out) {
    urne_app_waiting *all = NULL;
    size_t n = 0, cap = 0;
    for (size_t k = 0; k < app->nelections; k++) {
        const urne_election *e = app->elections[k];
        if (!may(app, actor, URNE_ACT_MANAGE_ELECTIONS, e->meta.id)) continue;
        if (grow((void **)&all, &cap, n, sizeof *all) < 0 || waiting_one(app, e, &all[n]) < 0) {
            free(all);
            return -1;
        }
        n++;
    }
    *out = all;
    return (long)n;
}

long urne_app_waiting_all(urne_app *app, const urne_user *actor, urne_app_waiting **out) {
    *out = NULL;
    pthread_mutex_lock(&app->lock);
    long n = waiting_all(app, actor, out);
    pthread_mutex_unlock(&app->lock);
    return n;
}
