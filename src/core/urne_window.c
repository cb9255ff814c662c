/*
 * urne_window: a sliding window's count from two fixed periods (urne_window.h
 * says the rule and its bound).
 *
 * The estimate at `now`, x seconds into the current period: current + the
 * previous period's events still inside the window, floor(previous (period -
 * x) / period), the previous ones taken as spread evenly over their period.
 * Rounded down, so that a steady client is held to exactly `limit` a period
 * (rounded up or kept fractional, it would get limit - 1). It only falls while
 * the clock runs (the previous period slides out), until the period ends and
 * `current` becomes `previous`; so the wait for room is solved in closed form,
 * in this period or the next, never by trying clock values.
 */
#include <assert.h>
#include <math.h>

#include "urne_window.h"

/* Move w on to the period holding `now`. */
static void roll(urne_window *w, double *now_in_out, double period) {
    if (*now_in_out < w->start) *now_in_out = w->start; /* a clock read out of order: its period's start */
    double now = *now_in_out;
    if (w->current == 0 && w->previous == 0) {
        w->start = now; /* nothing counted: the periods start here */
        return;
    }
    if (now < w->start + period) return;
    double periods = floor((now - w->start) / period);
    w->previous = periods == 1 ? w->current : 0;
    w->current = 0;
    w->start += periods * period;
}

static int64_t estimate(const urne_window *w, double now, double period) {
    double into = now - w->start;
    return w->current + (int64_t)floor((double)w->previous * (period - into) / period);
}

int64_t urne_window_count(urne_window *w, double now, double period) {
    assert(w && period > 0);
    roll(w, &now, period);
    return estimate(w, now, period);
}

double urne_window_take(urne_window *w, double now, double period, int64_t limit) {
    assert(w && period > 0 && limit > 0);
    roll(w, &now, period);
    if (estimate(w, now, period) < limit) {
        w->current++;
        return 0;
    }
    /* Room comes once floor(n (period - x) / period) <= room, i.e. once
     * n (period - x) / period < room + 1, for the n previous events and the room
     * the current ones leave: in this period if they leave any, else in the
     * next, where the current ones slide out in their turn. A microsecond past
     * the bound, which the inequality excludes. */
    double wait;
    if (w->current < limit) {
        double room = (double)(limit - 1 - w->current);
        wait = w->start + period * (1 - (room + 1) / (double)w->previous) - now;
    } else {
        wait = w->start + period + period * (1 - (double)limit / (double)w->current) - now;
    }
    return (wait > 0 ? wait : 0) + 1e-6;
}

void urne_window_give_back(urne_window *w, double taken, double period) {
    assert(w && period > 0);
    if (taken >= w->start && taken < w->start + period) {
        if (w->current > 0) w->current--;
    } else if (taken >= w->start - period && taken < w->start) {
        if (w->previous > 0) w->previous--;
    }
}
