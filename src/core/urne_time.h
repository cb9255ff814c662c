/*
 * urne_time: a moment written as urne writes every time it stores or shows,
 * ISO 8601 in UTC to the second ("2026-12-06T23:40:00Z").
 *
 * Formatting only: the clock is read by the caller (an application's clock, a
 * test's fixed one), so that engines and tests stay free of it. One writer
 * serves every component, the store and the pages, so that the texts compare
 * and sort alike wherever they were made.
 */
#ifndef URNE_TIME_H
#define URNE_TIME_H

#include <stdint.h>

#define URNE_TIME_ISO 24 /* "YYYY-MM-DDTHH:MM:SSZ" and its NUL, with room */

/* Write t (seconds since 1970, UTC) into out as "YYYY-MM-DDTHH:MM:SSZ"; "?" when
 * t is outside what the C library can break down (never for a clock's time). */
void urne_time_iso(int64_t t, char out[URNE_TIME_ISO]);

#endif
