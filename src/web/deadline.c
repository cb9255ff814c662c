/*
 * deadline: the header deadline's watchdog (see deadline.h).
 *
 * Entries form a doubly linked list under one mutex; the watchdog holds it while
 * it scans, so an entry is never shut down after it was removed. A socket number
 * is reused by the kernel once closed: when a new connection arrives on a number an
 * old entry still holds, the old entry is disarmed first, so the watchdog can never
 * shut down the new connection for the old one's delay.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "deadline.h"

struct urne_deadline {
    urne_deadline *prev, *next;
    int fd;       /* -1 once disarmed */
    int busy;     /* a request is being read or answered */
    double since; /* waiting for headers since */
};

struct urne_deadlines {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    urne_deadline *head;
    unsigned seconds;
    void (*tick)(void *ctx);
    void *ctx;
    int stopping;
    unsigned long cut;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *watch(void *arg) {
    urne_deadlines *d = arg;
    pthread_mutex_lock(&d->lock);
    while (!d->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&d->wake, &d->lock, &until);
        double t = now();
        for (urne_deadline *e = d->head; e; e = e->next)
            if (e->fd >= 0 && !e->busy && t - e->since > (double)d->seconds) {
                shutdown(e->fd, SHUT_RDWR); /* libmicrohttpd sees the end and closes it */
                e->fd = -1;
                d->cut++;
            }
        if (d->tick && !d->stopping) {
            pthread_mutex_unlock(&d->lock);
            d->tick(d->ctx);
            pthread_mutex_lock(&d->lock);
        }
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

urne_deadlines *urne_deadlines_start(unsigned seconds, void (*tick)(void *ctx), void *ctx) {
    urne_deadlines *d = calloc(1, sizeof *d);
    if (d == NULL) return NULL;
    d->seconds = seconds ? seconds : 1;
    d->tick = tick;
    d->ctx = ctx;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->wake, NULL);
    if (pthread_create(&d->thread, NULL, watch, d) != 0) {
        pthread_mutex_destroy(&d->lock);
        pthread_cond_destroy(&d->wake);
        free(d);
        return NULL;
    }
    return d;
}

void urne_deadlines_stop(urne_deadlines *d) {
    if (d == NULL) return;
    pthread_mutex_lock(&d->lock);
    d->stopping = 1;
    pthread_cond_signal(&d->wake);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    for (urne_deadline *e = d->head, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->wake);
    free(d);
}

urne_deadline *urne_deadlines_add(urne_deadlines *d, int fd) {
    urne_deadline *e = calloc(1, sizeof *e);
    if (e == NULL) return NULL;
    e->fd = fd;
    e->since = now();
    pthread_mutex_lock(&d->lock);
    for (urne_deadline *o = d->head; o; o = o->next)
        if (o->fd == fd) o->fd = -1; /* an old entry on a reused socket number */
    e->next = d->head;
    if (d->head) d->head->prev = e;
    d->head = e;
    pthread_mutex_unlock(&d->lock);
    return e;
}

void urne_deadlines_busy(urne_deadlines *d, urne_deadline *e, int busy) {
    if (e == NULL) return;
    pthread_mutex_lock(&d->lock);
    e->busy = busy;
    if (!busy) e->since = now();
    pthread_mutex_unlock(&d->lock);
}

void urne_deadlines_remove(urne_deadlines *d, urne_deadline *e) {
    if (e == NULL) return;
    pthread_mutex_lock(&d->lock);
    if (e->prev) e->prev->next = e->next;
    else d->head = e->next;
    if (e->next) e->next->prev = e->prev;
    pthread_mutex_unlock(&d->lock);
    free(e);
}

unsigned long urne_deadlines_cut(urne_deadlines *d) {
    pthread_mutex_lock(&d->lock);
    unsigned long n = d->cut;
    pthread_mutex_unlock(&d->lock);
    return n;
}
