/*
 * urne_time: ISO 8601 texts of moments (urne_time.h).
 */
#include "urne_time.h"

#include <stdio.h>
#include <time.h>

void urne_time_iso(int64_t t, char out[URNE_TIME_ISO]) {
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, URNE_TIME_ISO, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, URNE_TIME_ISO, "?");
}
