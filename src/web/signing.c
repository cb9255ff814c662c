/*
 * signing: the checker thread (what and why: signing.h).
 *
 * A queue of checks under a mutex, and one thread taking the checks waiting
 * (GROUP_MAX at most) at once, then making them together outside the queue's mutex
 * (urne_app_initiative_sign_group: one hold of the application's lock, one read
 * of the store), then committing the checked in one group itself (issue 18,
 * load18: each check taking the lock and reading on its own, then waking the
 * committer thread, cost system calls and wake-ups, which the bench's virtual
 * machine pays dearly; and a third of the futex calls were a thread woken
 * while its waker still held the mutex: queues are signalled after). A check's job
 * holds what the request gave: the initiative, the signer (its strings r's, but
 * the origin, copied), the outcome to fill. A refused check's request is
 * resumed once the group's checks are made; a checked one's once its group is
 * committed (urne_app_initiative_tickets_commit, in the checker too).
 */
#include "signing.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most checks made in one hold of the application's lock (and committed in
 * one group): the rest wait for the next round. Unbounded, a client holding
 * thousands of requests open would make every other user of the lock (an
 * administrator, a forum, another initiative) wait for all their checks
 * (review finding); 128 keeps a hold to a few milliseconds, and groups stay far
 * larger than the ~12 the bench's load makes. */
#define GROUP_MAX 128

typedef struct sign_job {
    struct sign_job *next;
    urne_req *r;
    int64_t id;
    urne_initiative_signer signer;
    char origin[64];
    urne_app_outcome *out;
} sign_job;

struct urne_signing {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    sign_job *head, *tail; /* waiting, oldest first */
    int stopping;          /* set by urne_signing_stop: no job queued after */
    pthread_t thread;
};

/* The committer's callback: r's group is written (or failed), its outcome in place. */
static void sign_committed(void *ctx) { urne_req_resume(ctx); }

/* j's check, in whichever thread: refused, r is resumed at once; checked, its
 * ticket goes to the committer, whose commit resumes r. j is not freed. */
static void job_run(sign_job *j) {
    urne_app *app = &j->r->srv->app;
    urne_initiative_ticket *t = urne_app_initiative_sign_begin(app, &j->r->user, j->id, &j->signer, j->out);
    if (t == NULL)
        urne_req_resume(j->r);
    else
        urne_app_initiative_ticket_submit(app, t, sign_committed, j->r);
}

/* The jobs of list (n of them) checked and committed together, refused ones
 * resumed here; every job freed. Out of memory for the group: one at a time,
 * as job_run. */
static void group_run(sign_job *list, size_t n) {
    urne_initiative_sign_item *items = calloc(n, sizeof *items);
    if (items == NULL) {
        while (list) {
            sign_job *next = list->next;
            job_run(list);
            free(list);
            list = next;
        }
        return;
    }
    size_t k = 0;
    for (sign_job *j = list; j; j = j->next, k++)
        items[k] = (urne_initiative_sign_item){.actor = &j->r->user, .id = j->id, .signer = &j->signer,
                                               .out = j->out, .ctx = j->r};
    assert(k == n);
    urne_app *app = &list->r->srv->app;
    int any = urne_app_initiative_sign_group(app, items, n);
    k = 0;
    for (sign_job *j = list; j; j = j->next) /* the refused answered at once, not after the commit */
        if (!items[k++].checked) urne_req_resume(j->r);
    if (any) urne_app_initiative_tickets_commit(app, items, n, sign_committed); /* each resumed once committed */
    while (list) {
        sign_job *next = list->next;
        free(list);
        list = next;
    }
    free(items);
}

static void *checker(void *arg) {
    urne_signing *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->head == NULL && !s->stopping) pthread_cond_wait(&s->wake, &s->mu);
        sign_job *list = s->head, *last = s->head;
        if (list == NULL) break; /* stopping, and nothing left */
        size_t n = 1;
        while (n < GROUP_MAX && last->next) last = last->next, n++;
        s->head = last->next; /* the oldest GROUP_MAX taken, the rest left queued */
        if (s->head == NULL) s->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&s->mu);
        group_run(list, n);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

urne_signing *urne_signing_start(void) {
    urne_signing *s = calloc(1, sizeof *s);
    if (s == NULL) return NULL;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->wake, NULL);
    if (pthread_create(&s->thread, NULL, checker, s) != 0) {
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void urne_signing_stop(urne_signing *s) {
    if (s == NULL) return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL); /* it leaves once the queue is empty */
    assert(s->head == NULL);
}

void urne_signing_free(urne_signing *s) {
    if (s == NULL) return;
    assert(s->stopping && s->head == NULL);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* j queued for the checker: 0, or -1 when there is none to take it. */
static int job_queue(urne_signing *s, sign_job *j) {
    if (s == NULL) return -1;
    pthread_mutex_lock(&s->mu);
    int ok = !s->stopping;
    int wake = 0;
    if (ok) {
        j->next = NULL;
        if (s->tail) s->tail->next = j; else s->head = j;
        s->tail = j;
        wake = s->head == j; /* the checker waits only on an empty queue */
    }
    pthread_mutex_unlock(&s->mu);
    if (wake) pthread_cond_signal(&s->wake); /* after: the checker woken does not wait for s->mu */
    return ok ? 0 : -1;
}

enum MHD_Result urne_signing_sign(urne_req *r, int64_t id, const urne_initiative_signer *signer,
                                  urne_app_outcome *out, enum MHD_Result (*resumed)(urne_req *r), void *waiting) {
    sign_job here, *j = malloc(sizeof *j);
    int queued = j != NULL;
    if (j == NULL) j = &here; /* out of memory: checked in this thread */
    memset(j, 0, sizeof *j);
    j->r = r;
    j->id = id;
    j->signer = *signer;
    snprintf(j->origin, sizeof j->origin, "%s", signer->origin ? signer->origin : "");
    j->signer.origin = j->origin;
    j->out = out;
    enum MHD_Result ret = urne_req_wait(r, resumed, waiting);
    if (queued && job_queue(r->srv->signing, j) == 0) return ret;
    job_run(j); /* no checker: here, as before it */
    if (queued) free(j);
    return ret;
}
