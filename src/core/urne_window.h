/*
 * urne_window: how many times something happened in the last window of time (an
 * hour, say), for limits such as "20 confirmation mails an hour from one client".
 *
 * A fixed window (counted from the hour's start, then forgotten) lets a client
 * make twice its limit across a boundary: 20 at 10:59, 20 more at 11:00. A log of
 * every moment would be exact but grows with the client. Here a window keeps two
 * counts, the current period's and the one before, and estimates the last
 * `period` seconds as the current count plus the previous period's events that
 * the sliding window still overlaps, the previous ones taken as spread evenly
 * (rounded down). A client held to `limit` by urne_window_take never makes more
 * than 2 x limit in any `period` seconds whatever its timing, and `limit` a
 * period in a steady stream; a refused client is told the exact time after
 * which one more would fit.
 *
 * Pure: the caller passes the clock (seconds, any origin, not decreasing: a
 * moment before the current period's start is taken as that start) and
 * keeps the struct (zero-initialised: nothing counted); no locking, no memory.
 */
#ifndef URNE_WINDOW_H
#define URNE_WINDOW_H

#include <stdint.h>

typedef struct urne_window {
    double start;     /* the current period's start (a multiple of the period from the first event) */
    int64_t current;  /* events in [start, start + period) */
    int64_t previous; /* events in [start - period, start) */
} urne_window;

/* The estimated events in (now - period, now]: w's counts moved on to now first. */
int64_t urne_window_count(urne_window *w, double now, double period);

/* One more event at `now` if the estimate with it stays within `limit` (> 0):
 * returns 0 and counts it. Otherwise counts nothing and returns the seconds
 * (> 0) after which urne_window_take would accept one, nothing else counted. */
double urne_window_take(urne_window *w, double now, double period, int64_t limit);

/* Give back one event taken at `taken` (a request that turned out not to count):
 * forgotten from the period it was counted in, if w still holds that period. */
void urne_window_give_back(urne_window *w, double taken, double period);

#endif
