/*
 * calendar: civil dates <-> days since 1970-01-01 (see calendar.h).
 *
 * The conversion shifts the year to start on 1 March, so that the leap day is the
 * last day of its year and the months' lengths from March follow the fixed
 * pattern 31 30 31 30 31 31 30 31 30 31 31 28/29, which (153*m + 2)/5 produces;
 * then an era of 400 years has exactly 146,097 days, and the date is the era, the
 * year of the era, and the day of that year.
 */
#include <assert.h>
#include <stddef.h>

#include "calendar.h"

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int urne_initiative_month_days(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    assert(month >= 1 && month <= 12);
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

int urne_initiative_date_valid(urne_initiative_date d) {
    if (d.year < 1 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1) return 0;
    return d.day <= urne_initiative_month_days(d.year, d.month);
}

int64_t urne_initiative_date_days(urne_initiative_date d) {
    assert(urne_initiative_date_valid(d));
    int64_t y = d.year - (d.month <= 2);
    int64_t era = y / 400; /* y >= 0: years 1..9999 shifted stay non-negative */
    int64_t yoe = y - era * 400;
    int64_t m = d.month > 2 ? d.month - 3 : d.month + 9;
    int64_t doy = (153 * m + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

urne_initiative_date urne_initiative_date_from_days(int64_t days) {
    int64_t z = days + 719468;
    assert(z >= 0);
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    urne_initiative_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

urne_initiative_date urne_initiative_date_of(int64_t seconds) {
    int64_t days = seconds / URNE_INITIATIVE_DAY_SECONDS;
    if (seconds % URNE_INITIATIVE_DAY_SECONDS < 0) days--; /* floor, before 1970 */
    return urne_initiative_date_from_days(days);
}

int64_t urne_initiative_date_moment(urne_initiative_date d) {
    return urne_initiative_date_days(d) * URNE_INITIATIVE_DAY_SECONDS;
}

int urne_initiative_date_add_months(urne_initiative_date d, int months, urne_initiative_date *out) {
    assert(urne_initiative_date_valid(d) && months >= 0 && out != NULL);
    int64_t index = (int64_t)d.year * 12 + (d.month - 1) + months;
    if (index / 12 > 9999) return -1;
    urne_initiative_date r = {(int)(index / 12), (int)(index % 12) + 1, d.day};
    int last = urne_initiative_month_days(r.year, r.month);
    if (r.day > last) r.day = last;
    *out = r;
    return 0;
}

int urne_initiative_date_age(urne_initiative_date birth, urne_initiative_date on) {
    int age = on.year - birth.year;
    if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) age--;
    return age;
}

/* The n digits at s as a number, or -1 when one is not a digit. */
static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int urne_initiative_date_parse(const char *s, size_t len, urne_initiative_date *out) {
    assert(s != NULL && out != NULL);
    urne_initiative_date d;
    if (len == 10 && s[4] == '-' && s[7] == '-') {
        d.year = digits(s, 4), d.month = digits(s + 5, 2), d.day = digits(s + 8, 2);
    } else if (len == 10 && s[2] == '/' && s[5] == '/') {
        d.day = digits(s, 2), d.month = digits(s + 3, 2), d.year = digits(s + 6, 4);
    } else
        return -1;
    if (d.year < 0 || d.month < 0 || d.day < 0) return -1;
    if (!urne_initiative_date_valid(d)) return -2;
    *out = d;
    return 0;
}

int urne_initiative_moment_parse(const char *s, size_t len, int64_t *out) {
    assert(s != NULL && out != NULL);
    urne_initiative_date d;
    if (len != 10 && len != 20) return -1;
    if (len == 10 && s[2] == '/') return -1; /* a moment is written the ISO way only */
    int rc = urne_initiative_date_parse(s, 10, &d);
    if (rc < 0) return rc;
    int64_t t = urne_initiative_date_moment(d);
    if (len == 20) {
        if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return -1;
        int h = digits(s + 11, 2), m = digits(s + 14, 2), sec = digits(s + 17, 2);
        if (h < 0 || m < 0 || sec < 0) return -1;
        if (h > 23 || m > 59 || sec > 59) return -2;
        t += (int64_t)h * 3600 + m * 60 + sec;
    }
    *out = t;
    return 0;
}
