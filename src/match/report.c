/*
 * report: a run's figures (match.h, urne_match_report_make): how many pupils
 * were placed, at which wish, and the priority pupils (REP, REP+) against the
 * others. One function for the command line's report.json and the server's
 * (io/match_report.h words both), so that the two never count differently.
 *
 * Counted over every pupil of the instance: those who kept a place from an
 * earlier round count as placed at the rank of that place among their wishes
 * (the result says so, urne_match_run), those who take no part as unplaced.
 */
#include <stdlib.h>
#include <string.h>

#include "match.h"

int urne_match_report_make(const urne_match_instance *in, const urne_match_result *r, urne_match_report *out) {
    memset(out, 0, sizeof *out);
    size_t maxw = 0;
    for (size_t p = 0; p < in->npupils; p++)
        if (in->pupils[p].nwishes > maxw) maxw = in->pupils[p].nwishes;
    out->ranks = calloc(maxw + 1, sizeof *out->ranks);
    if (out->ranks == NULL) return -1;
    out->max_wish = maxw;
    out->pupils = in->npupils, out->hosts = in->nhosts;
    out->later = in->kept != NULL || in->absent != NULL;
    for (size_t p = 0; p < in->npupils; p++) {
        uint32_t w = r->wish_of[p];
        int prio = in->pupils[p].priority > 0, got = r->host_of[p] != URNE_MATCH_NONE;
        out->placed += got;
        if (got && w >= 1 && w <= maxw) out->ranks[w]++;
        if (prio) out->priority_pupils++, out->priority_placed += got, out->priority_first += got && w == 1;
        else out->other_placed += got, out->other_first += got && w == 1;
        out->kept += in->kept && in->kept[p] != URNE_MATCH_NONE && !(in->absent && in->absent[p]);
        out->absent += in->absent && in->absent[p];
    }
    out->unplaced = in->npupils - out->placed;
    out->other_pupils = in->npupils - out->priority_pupils;
    return 0;
}

void urne_match_report_free(urne_match_report *rep) {
    free(rep->ranks);
    rep->ranks = NULL;
}
