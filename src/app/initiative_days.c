/*
 * initiative_days (app): an initiative's valid signatures per UTC day, held in
 * memory for the counter page's chart over time (issue 18: "an SVG progress
 * chart over time").
 *
 * Like the counts per territory, these are never a row updated per signature
 * (the hot row that brought the UK petitions site down): they are loaded from
 * the store's index of signatures by validity and time (one GROUP BY over
 * initiative_signatures_tally, migration 16, never the rows), then patched in
 * memory after each commit that moves them: a signature adds one to its day, an
 * invalidation takes one from the day of the signature it invalidates, a
 * signature heard of from another server adds one to the day it is heard
 * (app/watch.c; at most a second from its own, so a day's boundary may see it
 * on the next day until that server's next reload).
 *
 * A day is the UTC date signed_at begins with: the store's text, compared as
 * text, and the chart's days are the same whatever the reader's time zone.
 * Held sorted by day, few (a collection lasts months: hundreds of days), so a
 * binary search and an insertion by memmove are enough.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../initiative/calendar.h"
#include "initiative_internal.h"

/* The day number of "YYYY-MM-DD...": 0, or -1 when it is no date. */
static int day_of(const char *iso, int64_t *day) {
    urne_initiative_date d = {0, 0, 0};
    if (iso == NULL || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-') return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9')) return -1;
    d.year = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
    d.month = (iso[5] - '0') * 10 + (iso[6] - '0');
    d.day = (iso[8] - '0') * 10 + (iso[9] - '0');
    if (!urne_initiative_date_valid(d)) return -1;
    *day = urne_initiative_date_days(d);
    return 0;
}

void urne_app_initiative_day_iso(int64_t day, char out[11]) {
    urne_initiative_date d = urne_initiative_date_from_days(day);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u, (unsigned)d.day % 100u);
}

int urne_app_initiative_day(urne_initiative_held *h, const char *iso, int64_t delta) {
    int64_t day;
    if (day_of(iso, &day) < 0) return -1;
    size_t lo = 0, hi = h->ndays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < h->ndays && h->days[lo].day == day) {
        int64_t v;
        if (__builtin_add_overflow(h->days[lo].valid, delta, &v) || v < 0) return -1;
        if (v == 0) {
            memmove(h->days + lo, h->days + lo + 1, (h->ndays - lo - 1) * sizeof *h->days);
            h->ndays--;
        } else
            h->days[lo].valid = v;
        return 0;
    }
    if (delta < 0) return -1;
    if (delta == 0) return 0;
    urne_initiative_day_held *grown = realloc(h->days, (h->ndays + 1) * sizeof *grown);
    if (grown == NULL) return -1;
    h->days = grown;
    memmove(grown + lo + 1, grown + lo, (h->ndays - lo) * sizeof *grown);
    grown[lo] = (urne_initiative_day_held){day, delta};
    h->ndays++;
    return 0;
}

static int add_day(const char *day, int64_t valid, void *ctx) {
    return urne_app_initiative_day(ctx, day, valid) < 0 ? -2 : 0;
}

int urne_app_initiative_days_load(urne_store *s, urne_initiative_held *h) {
    return urne_store_initiative_signature_days(s, h->row.id, add_day, h);
}
