/*
 * store_own: the seqs a store handle committed, for its watch (store_own.h says
 * what and why). One mutex; each call holds it for a few comparisons.
 */
#include <assert.h>

#include "store_own.h"

void urne_store_own_init(urne_store_own *o) {
    pthread_mutex_init(&o->lock, NULL);
    o->on = 0;
    o->start = o->n = 0;
    o->flight_first = o->flight_last = 0;
}

void urne_store_own_destroy(urne_store_own *o) { pthread_mutex_destroy(&o->lock); }

void urne_store_own_switch(urne_store_own *o, int on) {
    pthread_mutex_lock(&o->lock);
    o->on = on;
    o->start = o->n = 0;
    o->flight_first = o->flight_last = 0;
    pthread_mutex_unlock(&o->lock);
}

int urne_store_own_on(urne_store_own *o) {
    pthread_mutex_lock(&o->lock);
    int on = o->on;
    pthread_mutex_unlock(&o->lock);
    return on;
}

void urne_store_own_flight(urne_store_own *o, int64_t first, int64_t last) {
    assert(first >= 1 && first <= last);
    pthread_mutex_lock(&o->lock);
    if (o->on) {
        o->flight_first = first;
        o->flight_last = last;
    }
    pthread_mutex_unlock(&o->lock);
}

/* Append first..last to the ring (merged with the last range when they touch). */
static void keep(urne_store_own *o, int64_t first, int64_t last) {
    size_t back = (o->start + o->n + URNE_STORE_OWN - 1) % URNE_STORE_OWN;
    if (o->n > 0 && o->last[back] + 1 == first) {
        o->last[back] = last;
        return;
    }
    if (o->n == URNE_STORE_OWN) { /* the oldest forgotten: read back as another's if unread */
        o->start = (o->start + 1) % URNE_STORE_OWN;
        o->n--;
    }
    size_t i = (o->start + o->n++) % URNE_STORE_OWN;
    o->first[i] = first;
    o->last[i] = last;
}

void urne_store_own_keep(urne_store_own *o, int64_t first, int64_t last) {
    assert(first >= 1 && first <= last);
    pthread_mutex_lock(&o->lock);
    if (o->on) keep(o, first, last);
    pthread_mutex_unlock(&o->lock);
}

void urne_store_own_settle(urne_store_own *o, int committed) {
    pthread_mutex_lock(&o->lock);
    if (o->flight_first > 0 && committed) keep(o, o->flight_first, o->flight_last);
    o->flight_first = o->flight_last = 0;
    pthread_mutex_unlock(&o->lock);
}

int urne_store_own_whose(urne_store_own *o, int64_t seq) {
    pthread_mutex_lock(&o->lock);
    while (o->n > 0 && o->last[o->start] < seq) {
        o->start = (o->start + 1) % URNE_STORE_OWN;
        o->n--;
    }
    int whose = o->n > 0 && o->first[o->start] <= seq ? 1 : 0;
    if (!whose && o->flight_first > 0 && seq >= o->flight_first && seq <= o->flight_last) whose = -1;
    pthread_mutex_unlock(&o->lock);
    return whose;
}

void urne_store_own_skip(urne_store_own *o, int64_t *cursor) {
    pthread_mutex_lock(&o->lock);
    while (o->n > 0 && o->first[o->start] <= *cursor + 1) {
        if (o->last[o->start] > *cursor) *cursor = o->last[o->start];
        o->start = (o->start + 1) % URNE_STORE_OWN;
        o->n--;
    }
    pthread_mutex_unlock(&o->lock);
}
