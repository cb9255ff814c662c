/*
 * mail_outbox (app): the durable outbox's use cases (initiative_mail.h): the
 * next mail due, claimed; a try recorded; the mails not sent, for the site's
 * administrators.
 *
 * Why a table and not a queue in memory: a mail is written in the transaction
 * that asks for it (a pending signature and its link), so a server stopped, or
 * a relay down for an hour, loses none; the sender (web/mail.c) takes them from
 * here, as many servers on one database do, each mail claimed by one for the
 * time of its try. A failure the relay may mend (out of reach, a 4xx reply)
 * is tried again, waits doubling from 2 s to 10 min, until the mail's link
 * expires (7 days: a relay down for a weekend loses nothing), or after the
 * sender's cap of tries when it has one; a failure no try mends (a 5xx reply:
 * the address refused) ends the mail at once. Either end, the sender logs it and
 * the administrators' page shows it, with the relay's reason; so does a mail
 * whose link expired while the relay failed (urne_store_mail_drop_expired marks
 * it failed). The address and the link leave the table with the mail
 * (store_mail.h). The pending signatures whose link expired a day ago, and the
 * mails that left a week ago, are removed by urne_app_mail_purge (the server's
 * mail thread calls it hourly, with a relay or without).
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "initiative_internal.h"
#include "initiative_mail.h"

#define MAIL_WAIT_FIRST 2    /* seconds before the second try */
#define MAIL_WAIT_MAX 600    /* the longest wait between tries */
#define MAIL_KEPT (7 * 86400) /* seconds a mail that left stays listed (its address and text gone already) */
#define PENDING_KEPT 86400   /* seconds an expired request stays, so that its link says "expired", not "unknown" */

/* rc (1, 0, -1) of a write made inside begin..commit: -1 when either fails. */
static int finish(urne_app *app, int rc) {
    if (rc < 0) {
        urne_store_rollback(app->store);
        return -1;
    }
    return urne_store_commit(app->store) < 0 ? -1 : rc;
}

int urne_app_mail_next(urne_app *app, int64_t now, int64_t lease, urne_mail_row *m) {
    pthread_mutex_lock(&app->lock);
    int rc;
    char at[24];
    urne_time_iso(now, at);
    /* The mails whose link died waiting (a server long without a relay) go in
     * one statement, not one transaction each under the lock. */
    int dropped = urne_store_begin(app->store) < 0 ? -1 : finish(app, urne_store_mail_drop_expired(app->store, now, at));
    if (dropped < 0) {
        pthread_mutex_unlock(&app->lock);
        return -1;
    }
    while ((rc = urne_store_mail_due(app->store, now, m)) == 1) {
        int expired = m->expires_at > 0 && m->expires_at <= now; /* its link is dead: not worth a mail */
        if (urne_store_begin(app->store) < 0) {
            rc = -1;
            break;
        }
        int done = expired ? urne_store_mail_done(app->store, m->id, m->tries ? "failed" : "dropped", m->tries,
                                                  m->next_at, at, m->tries ? m->error : "expired")
                           : urne_store_mail_claim(app->store, m->id, m->next_at, now + lease);
        done = finish(app, done);
        if (done < 0 || (!expired && done == 1)) {
            rc = done;
            break;
        }
    }
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int64_t urne_app_mail_purge(urne_app *app, int64_t now) {
    char before[24], at[24];
    urne_time_iso(now - MAIL_KEPT, before);
    urne_time_iso(now, at);
    pthread_mutex_lock(&app->lock);
    /* The mails whose link died waiting leave too (their address and link in
     * clear), relay or not: a server without one never reads the outbox. */
    int64_t n = urne_store_begin(app->store) < 0 || urne_store_mail_drop_expired(app->store, now, at) < 0
                    ? -1
                    : urne_store_mail_purge(app->store, now - PENDING_KEPT, before);
    if (n >= 0 && urne_store_commit(app->store) < 0) n = -1;
    else if (n < 0) urne_store_rollback(app->store);
    pthread_mutex_unlock(&app->lock);
    return n;
}

int urne_app_mail_tried(urne_app *app, const urne_mail_row *m, const char *error, int permanent, int64_t tries,
                        int64_t now, int *final) {
    assert(m->tries >= 0 && m->tries < INT64_MAX);
    int64_t done = m->tries + 1, wait = MAIL_WAIT_FIRST;
    for (int64_t k = 1; k < done && wait < MAIL_WAIT_MAX; k++) wait *= 2;
    if (wait > MAIL_WAIT_MAX) wait = MAIL_WAIT_MAX;
    *final = error != NULL && (permanent || (tries > 0 && done >= tries));
    const char *state = error == NULL ? "sent" : *final ? "failed" : "waiting";
    char at[24];
    urne_time_iso(now, at);
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_begin(app->store) < 0
                 ? -1
                 : finish(app, urne_store_mail_done(app->store, m->id, state, done, error ? now + wait : m->next_at,
                                                    at, error ? error : ""));
    pthread_mutex_unlock(&app->lock);
    return rc < 0 ? -1 : 0;
}

urne_app_status urne_app_mail_unsent(urne_app *app, const urne_user *actor,
                                     int (*fn)(const urne_mail_row *m, void *ctx), void *ctx, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_may(app, actor, URNE_ACT_MANAGE_USERS, 0, out);
    if (st == URNE_APP_OK && urne_store_mail_each_unsent(app->store, 200, fn, ctx) < 0)
        st = urne_app_store_failed(app, out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

static int count_waiting(const urne_mail_row *m, void *ctx) {
    if (strcmp(m->state, "waiting") == 0) ++*(int64_t *)ctx;
    return 0;
}

int64_t urne_app_mail_waiting(urne_app *app) {
    int64_t n = 0;
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_mail_each_unsent(app->store, 1000000, count_waiting, &n);
    pthread_mutex_unlock(&app->lock);
    return rc < 0 ? -1 : n;
}
