/*
 * initiative_batch (app): signatures committed in groups (issue 18).
 *
 * What: a signature checked by initiative_sign.c (the signer found on the roll,
 * the identity sealed, a receipt drawn) is a ticket. Tickets are written by
 * `batch_commit`, many in one transaction: each row inserted (the store's
 * deduplication of the signer's hash decides, a unique index on PostgreSQL, a set
 * under the write lock on SQLite: a second signature of the same elector, in the
 * same group or against the table, inserts nothing and is answered TAKEN,
 * counted never), each announced to the other servers, one commit; then,
 * and only then, each is counted and its outcome written. A store failure
 * anywhere in the group writes none of it, and every ticket of the group is
 * answered that failure.
 *
 * Why: a transaction's commit was 37 % of a signature's server time (its WAL
 * frames and checkpoints, bench/RESULTS.md); signatures that arrive together
 * share one. Acknowledged is still durable: no ticket's outcome is written, nor
 * its `done` called, before the commit that holds its row, under the store's
 * synchronous setting of every other write.
 *
 * How: a committer thread per application, started at the first ticket
 * submitted, takes every ticket waiting at once (no waiting for more: a group is
 * what arrived while the previous one was being written, so a lone signer waits
 * for one commit, as before). It writes under the application's lock, which
 * covers the store's connection, the counts held in memory, the initiative held
 * and the change of state when the threshold is reached (an audit entry, in its
 * own transaction after the group's, as a single signature did: under rules
 * that stop at the threshold, the signatures of the group that reaches it were
 * all checked while the collection was open, and all are kept and counted; the
 * first checked after is refused). A ticket whose initiative no longer collects
 * when its group takes the lock (closed by the organisers meanwhile, its result
 * decided without it, or ended by an earlier group) is refused, never written.
 * No committer is started once the server has begun to stop
 * (urne_app_initiative_batch_stop, under the lock). The checks
 * before, which read the roll and seal, are made under the lock by their
 * caller's thread (the web adapter's checker thread, web/signing.c). The web
 * adapter suspends the request's connection while its ticket waits and the `done` callback resumes it (web/initiative_routes.c); the
 * synchronous urne_app_initiative_sign commits its ticket alone, in its thread.
 * The web adapter's checker (web/signing.c) commits the groups it checks itself,
 * as the committer would (urne_app_initiative_tickets_commit): checks and
 * commits both run under the application's lock, so a second thread bought no
 * parallelism, and its hand-off cost a wake-up a group (issue 18, load18).
 * Once the committer is stopped (urne_app_initiative_batch_stop, before the
 * server stops its connections), a ticket submitted is committed alone in the
 * submitting thread. After each group is answered, the committer, the lock let
 * go, copies the WAL's last few pages when the store's checkpointer is all but
 * done (urne_store_checkpoint_close), so that SQLite's WAL starts again from its
 * beginning without a commit under the lock ever copying a whole WAL (the p99).
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initiative_internal.h"

struct urne_initiative_ticket {
    urne_initiative_signature sig;
    char code[24];          /* the receipt's random part, answered once after the id */
    int by_code;            /* a code from a letter: TAKEN says the code was used */
    int64_t sid;            /* the row's id after the insert; 0 a duplicate */
    int refused;            /* its initiative no longer collects: not written */
    urne_app_outcome *out;  /* the caller's, filled at the commit */
    void (*done)(void *ctx);
    void *ctx;
    urne_initiative_ticket *next;
};

struct urne_initiative_batcher {
    pthread_mutex_t mu;
    pthread_cond_t work;
    pthread_t thread;
    urne_initiative_ticket *head, **tail;
    int running, stopping;
    int64_t groups, tickets; /* committed so far: for tests and the bench */
};

urne_initiative_ticket *urne_app_initiative_ticket_new(void) { return calloc(1, sizeof(urne_initiative_ticket)); }

urne_initiative_signature *urne_app_initiative_ticket_sig(urne_initiative_ticket *t) { return &t->sig; }

void urne_app_initiative_ticket_set(urne_initiative_ticket *t, const char code[24], int by_code,
                                    urne_app_outcome *out) {
    memcpy(t->code, code, sizeof t->code);
    t->by_code = by_code;
    t->out = out;
}

void urne_app_initiative_ticket_free(urne_initiative_ticket *t) {
    if (t == NULL) return;
    sodium_memzero(t, sizeof *t);
    free(t);
}

/* ---- the group's transaction ---- */

/* The signature announced to the other servers on the same database (a
 * signature writes no audit entry, which would announce it): "initiative/N/
 * signed/TERRITORY", which they count without reading anything; a territory
 * too long for that, "initiative/N", which they read again whole. */
static int announce_signature(urne_store *store, const urne_initiative_signature *sig) {
    char object[96];
    int n = snprintf(object, sizeof object, "initiative/%lld/signed/%s", (long long)sig->initiative, sig->territory);
    if (n < 0 || (size_t)n >= sizeof object) snprintf(object, sizeof object, "initiative/%lld", (long long)sig->initiative);
    return urne_store_announce(store, "initiative.sign", object);
}

/* Under rules that stop at the threshold, the signature that reaches it ends the
 * collection: its own transaction, after the group's commit (which stands
 * whatever happens here: the organisers' close then ends it). 1 when it did. */
static int reach_if_met(urne_app *app, urne_initiative_held *h) {
    if (h->state != URNE_INITIATIVE_COLLECTING || !h->rules.stop_at_threshold || !urne_app_initiative_reached(h))
        return 0;
    urne_initiative_row *row = malloc(sizeof *row);
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    urne_initiative_state to;
    int reached = 0;
    if (row && urne_store_begin(app->store) == 0) {
        if (urne_app_initiative_step(app, "system", h, URNE_INITIATIVE_REACH, NULL, row, &to, &o) == URNE_APP_OK &&
            urne_store_commit(app->store) == 0) {
            h->row = *row;
            h->state = to;
            reached = 1;
            urne_store_initiative_cool(app->store, h->row.id); /* reached: signed no more */
        } else
            urne_store_rollback(app->store);
    }
    urne_app_outcome_free(&o);
    free(row);
    return reached;
}

/* Every ticket of the list inserted and announced: 0, or -1 the store failed
 * (the transaction to be rolled back). */
static int group_write(urne_app *app, urne_initiative_ticket *list) {
    for (urne_initiative_ticket *t = list; t; t = t->next) {
        if (t->refused) continue;
        t->sid = urne_store_initiative_sign(app->store, &t->sig);
        if (t->sid < 0 || (t->sid > 0 && announce_signature(app->store, &t->sig) < 0)) return -1;
    }
    return 0;
}

/* A committed ticket counted and answered in its outcome. */
static void ticket_answer(urne_app *app, urne_initiative_ticket *t) {
    urne_app_outcome *out = t->out;
    if (t->refused) {
        urne_initiative_held *h = urne_app_initiative_find(app, t->sig.initiative, NULL);
        out->why = URNE_WHY_NOT_COLLECTING;
        urne_app_fail(out, URNE_APP_STATE, "%s", h ? h->row.state : "");
        return;
    }
    if (t->sid == 0) {
        out->why = t->by_code ? URNE_WHY_CODE_USED : URNE_WHY_ALREADY_SIGNED;
        urne_app_fail(out, URNE_APP_TAKEN, NULL);
        return;
    }
    urne_initiative_held *h = urne_app_initiative_find(app, t->sig.initiative, NULL);
    /* Durable: counted, then answered. */
    if (h == NULL || urne_app_initiative_count(h, t->sig.territory, 0, 1) < 0 ||
        urne_app_initiative_day(h, t->sig.signed_at, 1) < 0) {
        urne_app_fail(out, URNE_APP_NO_MEMORY, "signed and kept; restart to count it");
        return;
    }
    snprintf(out->detail, sizeof out->detail, "%lld-%s", (long long)t->sid, t->code); /* the receipt */
    snprintf(out->field, sizeof out->field, "%s", t->sig.territory);
    memcpy(out->at, t->sig.signed_at, sizeof out->at);
    out->id = t->sid;
    out->status = URNE_APP_OK;
}

/* The list written in one transaction, each ticket's outcome filled: under the
 * application's lock, taken here. */
static void batch_commit(urne_app *app, urne_initiative_ticket *list) {
    pthread_mutex_lock(&app->lock);
    /* Checked again here: between a ticket's check and this lock, the collection
     * may have been closed (its result then decided on the counts without it) or
     * ended by a group that reached the threshold. A ticket is written only into
     * an initiative that still collects, as one checked and committed at once was. */
    for (urne_initiative_ticket *t = list; t; t = t->next) {
        urne_initiative_held *h = urne_app_initiative_find(app, t->sig.initiative, NULL);
        t->refused = h == NULL || h->state != URNE_INITIATIVE_COLLECTING;
    }
    int ok = urne_store_begin(app->store) == 0;
    if (ok && (group_write(app, list) < 0 || urne_store_commit(app->store) < 0)) ok = 0;
    if (!ok) {
        urne_app_outcome failed;
        urne_app_outcome_init(&failed);
        urne_app_store_failed(app, &failed); /* rolled back: nothing of the group is written */
        for (urne_initiative_ticket *t = list; t; t = t->next) {
            if (t->refused) {
                ticket_answer(app, t);
                continue;
            }
            t->out->status = failed.status;
            snprintf(t->out->detail, sizeof t->out->detail, "%s", failed.detail);
            t->out->reason = failed.reason;
        }
        urne_app_outcome_free(&failed);
        pthread_mutex_unlock(&app->lock);
        return;
    }
    int changed = 0;
    for (urne_initiative_ticket *t = list; t; t = t->next) ticket_answer(app, t);
    /* A signature moves counts only: no change hook (the pages showing counts are
     * kept a second at most: web/cache.c), unless the group ended a collection. */
    for (urne_initiative_ticket *t = list; t; t = t->next) {
        urne_initiative_held *h = t->sid > 0 ? urne_app_initiative_find(app, t->sig.initiative, NULL) : NULL;
        if (h && reach_if_met(app, h)) changed = 1;
    }
    if (changed) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
}

/* Each ticket of the list handed back to its caller (its outcome written), then freed. */
static void batch_done(urne_initiative_ticket *list) {
    while (list) {
        urne_initiative_ticket *next = list->next;
        list->next = NULL;
        if (list->done) list->done(list->ctx);
        urne_app_initiative_ticket_free(list);
        list = next;
    }
}

void urne_app_initiative_ticket_commit(urne_app *app, urne_initiative_ticket *t) {
    t->next = NULL;
    batch_commit(app, t);
}

/* ---- the committer ---- */

static void *committer(void *arg) {
    urne_app *app = arg;
    urne_initiative_batcher *b = app->initiatives->batch;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->head == NULL && !b->stopping) pthread_cond_wait(&b->work, &b->mu);
        if (b->head == NULL) break;
        urne_initiative_ticket *list = b->head;
        b->head = NULL;
        b->tail = &b->head;
        pthread_mutex_unlock(&b->mu);
        batch_commit(app, list);
        int64_t n = 0;
        for (urne_initiative_ticket *t = list; t; t = t->next) n++;
        pthread_mutex_lock(&b->mu); /* counted before any caller hears of it */
        b->groups++;
        b->tickets += n;
        pthread_mutex_unlock(&b->mu);
        batch_done(list);
        /* Answered; the application's lock free for the checks: the WAL's last
         * few frames copied now if the checkpointer is all but done, so that the
         * next group starts it again (store.h), never under the lock. */
        urne_store_checkpoint_close(app->store);
        pthread_mutex_lock(&b->mu);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

/* Under the application's lock (its callers': sign_begin, batch_stop), so that a
 * committer is never started once the server has begun to stop: a request that
 * arrives then commits its ticket alone, in its own thread, before its connection
 * is closed (libmicrohttpd refuses to stop with a connection left suspended). */
int urne_app_initiative_batch_start(urne_app *app) {
    struct urne_app_initiatives *all = app->initiatives;
    if (all == NULL) return -1;
    if (all->batch || all->batch_stopped) return 0;
    urne_initiative_batcher *b = calloc(1, sizeof *b);
    if (b == NULL) return -1;
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->work, NULL);
    b->tail = &b->head;
    all->batch = b; /* before the thread, which reads it */
    pthread_mutex_lock(&b->mu); /* running is read under it by batch_stop and the thread */
    b->running = pthread_create(&b->thread, NULL, committer, app) == 0;
    pthread_mutex_unlock(&b->mu);
    return 0;
}

void urne_app_initiative_ticket_submit(urne_app *app, urne_initiative_ticket *t, void (*done)(void *ctx), void *ctx) {
    t->done = done;
    t->ctx = ctx;
    t->next = NULL;
    urne_initiative_batcher *b = app->initiatives ? app->initiatives->batch : NULL;
    if (b) {
        pthread_mutex_lock(&b->mu);
        if (b->running && !b->stopping) {
            *b->tail = t;
            b->tail = &t->next;
            pthread_mutex_unlock(&b->mu);
            pthread_cond_signal(&b->work); /* after: the committer woken does not wait for b->mu */
            return;
        }
        pthread_mutex_unlock(&b->mu);
    }
    batch_commit(app, t); /* no committer (none started, or stopped): alone, here */
    batch_done(t);
}

/* The items' tickets (those not NULL, then set to NULL) linked in order, each
 * with done(its ctx): the first, *last the last (NULL, none). */
static urne_initiative_ticket *items_link(urne_initiative_sign_item *items, size_t n, void (*done)(void *ctx),
                                          urne_initiative_ticket **last) {
    urne_initiative_ticket *first = NULL;
    *last = NULL;
    for (size_t i = 0; i < n; i++) {
        urne_initiative_ticket *t = items[i].ticket;
        if (t == NULL) continue;
        items[i].ticket = NULL; /* no longer the caller's */
        t->done = done;
        t->ctx = items[i].ctx;
        t->next = NULL;
        if (*last) (*last)->next = t; else first = t;
        *last = t;
    }
    return first;
}

void urne_app_initiative_tickets_commit(urne_app *app, urne_initiative_sign_item *items, size_t n,
                                        void (*done)(void *ctx)) {
    urne_initiative_ticket *last, *first = items_link(items, n, done, &last);
    if (first == NULL) return;
    batch_commit(app, first); /* under the application's lock, taken there */
    batch_done(first);
    urne_store_checkpoint_close(app->store); /* as the committer does, the lock let go */
}

void urne_app_initiative_batch_stop(urne_app *app) {
    if (app->initiatives == NULL) return;
    pthread_mutex_lock(&app->lock); /* no committer started after this */
    app->initiatives->batch_stopped = 1;
    urne_initiative_batcher *b = app->initiatives->batch;
    pthread_mutex_unlock(&app->lock);
    if (b == NULL) return;
    pthread_mutex_lock(&b->mu);
    int join = b->running && !b->stopping;
    b->stopping = 1;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->mu);
    if (join) pthread_join(b->thread, NULL); /* it commits what was queued before it ends */
}

void urne_app_initiative_batch_free(urne_app *app) {
    urne_initiative_batcher *b = app->initiatives ? app->initiatives->batch : NULL;
    if (b == NULL) return;
    urne_app_initiative_batch_stop(app);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->work);
    free(b);
    app->initiatives->batch = NULL;
}

void urne_app_initiative_batch_counts(urne_app *app, int64_t *groups, int64_t *tickets) {
    urne_initiative_batcher *b = app->initiatives ? app->initiatives->batch : NULL;
    *groups = *tickets = 0;
    if (b == NULL) return;
    pthread_mutex_lock(&b->mu);
    *groups = b->groups;
    *tickets = b->tickets;
    pthread_mutex_unlock(&b->mu);
}
