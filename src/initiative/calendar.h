/*
 * calendar: civil dates and UTC seconds, for the initiative engine's windows and
 * birth dates, without the C library's clock or time zone.
 *
 * An initiative's collection window opens and closes at moments (int64 seconds
 * since 1970-01-01T00:00:00Z, given by the caller: the engine never reads a
 * clock), and its length is written as people write it, "9 months": a date plus
 * whole months, clamped to the last day of a shorter month (31 January + 1 month
 * = 28 or 29 February), as a law's "délai de neuf mois" is read. Birth dates are
 * civil dates with no time. Both need the proleptic Gregorian calendar, which
 * mktime/gmtime would give only through the process's time zone and a libc that
 * may refuse years before 1970 or after 2038; the arithmetic here is the plain
 * days-from-civil reckoning on 400-year eras (146,097 days each), exact for every
 * year from 1 to 9999, the only years accepted.
 *
 * Pure: no I/O, no clock, no allocation, no globals.
 */
#ifndef URNE_INITIATIVE_CALENDAR_H
#define URNE_INITIATIVE_CALENDAR_H

#include <stdint.h>

#define URNE_INITIATIVE_DAY_SECONDS 86400

/* A civil date. Valid when 1 <= year <= 9999, 1 <= month <= 12 and 1 <= day <= the
 * month's length (urne_initiative_date_valid). */
typedef struct urne_initiative_date {
    int year, month, day;
} urne_initiative_date;

/* 1 when d is a real date of years 1..9999 (29 February only in leap years). */
int urne_initiative_date_valid(urne_initiative_date d);

/* Days in month (1..12) of year. */
int urne_initiative_month_days(int year, int month);

/* Days from 1970-01-01 to d (negative before). d must be valid. */
int64_t urne_initiative_date_days(urne_initiative_date d);

/* The date `days` days after 1970-01-01 (days within years 1..9999). */
urne_initiative_date urne_initiative_date_from_days(int64_t days);

/* The date of the moment `seconds` (UTC), and the moment of a date's midnight (UTC). */
urne_initiative_date urne_initiative_date_of(int64_t seconds);
int64_t urne_initiative_date_moment(urne_initiative_date d);

/* d plus `months` whole months (>= 0), the day clamped to the resulting month's
 * last day. 0 with *out set, -1 when the result would pass year 9999. */
int urne_initiative_date_add_months(urne_initiative_date d, int months, urne_initiative_date *out);

/* Whole years from birth to on (the age a person born on `birth` has on `on`; one
 * born 29 February has their birthday on 1 March in common years). Negative when
 * on is before birth. */
int urne_initiative_date_age(urne_initiative_date birth, urne_initiative_date on);

/* Parse "YYYY-MM-DD" or "DD/MM/YYYY" (the electoral roll's way) from s[0..len).
 * 0 with *out set; -1 when the text is not one of these shapes; -2 when it is but
 * names no real date (2026-02-30). */
int urne_initiative_date_parse(const char *s, size_t len, urne_initiative_date *out);

/* Parse a moment: "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ" (UTC).
 * 0 with *out set; -1 bad shape; -2 no such date or time. */
int urne_initiative_moment_parse(const char *s, size_t len, int64_t *out);

#endif
