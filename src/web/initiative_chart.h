/*
 * initiative_chart: the counter page's chart of an initiative's signatures over
 * time (initiative_chart.c).
 */
#ifndef URNE_WEB_INITIATIVE_CHART_H
#define URNE_WEB_INITIATIVE_CHART_H

#include "../app/initiative.h"
#include "routes.h"

/* h's valid signatures added up day by day against `threshold` (0: none to
 * draw), as an inline SVG with its title and description, then the same figures
 * as a table, into b in r's language; nothing when h has no valid signature.
 * Under the application's read lock (h is held). */
void urne_initiative_chart_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h, int64_t threshold);

#endif
