/*
 * initiative_chart: an initiative's valid signatures over time, on its live
 * counter page (issue 18: "an SVG progress chart over time").
 *
 * Drawn here, on the server, as inline SVG: no script (the CSP allows none) and
 * no inline style (colours and dashes are the SVG's presentation attributes,
 * sizes urne.css's svg.chart). The figures are the days held in memory
 * (app/initiative_days.c: loaded from an index, patched after each commit), so
 * drawing reads no row. The line is the running total at the end of each UTC
 * day, flat across the days without a signature, from 0 the day before the
 * first; the threshold is a dashed line; the vertical scale holds both.
 *
 * Accessible: role=img named by its <title> and described by its <desc> (the
 * span of days, the total, the threshold), and the same figures in a table
 * after it, in a <details> the reader opens; the SVG is aria-labelled, never the
 * only way to the figures. In French and English: every word through the
 * catalogue, numbers in the page's language. Every text written through
 * html.h, escaped (nothing here comes from a user, but nothing is assumed).
 * The viewBox is 360 wide, the chart's CSS width at most 440 px (urne.css): its
 * text a little larger than the page's on a desktop, a little smaller at 360 px,
 * legible at both. The horizontal axis runs from the start of the first day
 * with a signature to the end of the last, each labelled by its date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initiative_chart.h"
#include "page_parts.h"

#define W 360
#define H 214
#define LEFT 52   /* room for the vertical scale's labels */
#define RIGHT 350
#define TOP 18
#define BOTTOM 180

/* A round top for the vertical scale: 1, 2 or 5 times a power of ten, at least v. */
static int64_t round_top(int64_t v) {
    int64_t p = 1;
    while (p <= INT64_MAX / 10 && p * 10 <= v) p *= 10;
    if (p >= v) return p;
    if (p <= INT64_MAX / 2 && 2 * p >= v) return 2 * p;
    if (p <= INT64_MAX / 5 && 5 * p >= v) return 5 * p;
    return p <= INT64_MAX / 10 ? 10 * p : INT64_MAX;
}

static double xof(int64_t day, int64_t first, int64_t span) {
    return LEFT + (double)(RIGHT - LEFT) * (double)(day - first) / (double)span;
}

static double yof(int64_t v, int64_t top) { return BOTTOM - (double)(BOTTOM - TOP) * (double)v / (double)top; }

/* A day as the page's language writes a date. */
static void date_text(char out[11], const urne_req *r, int64_t day) {
    char iso[11];
    urne_app_initiative_day_iso(day, iso);
    if (r->lang == URNE_LANG_FR)
        snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        memcpy(out, iso, 11);
}

/* The axes, their labels and the threshold's dashed line. */
static void frame(urne_buf *b, const urne_req *r, int64_t first, int64_t last, int64_t top, int64_t threshold) {
    char d1[11], d2[11];
    date_text(d1, r, first + 1); /* the left edge is the first day's start */
    date_text(d2, r, last);
    urne_html(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#767d8c\"/>"
                 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#767d8c\"/>",
              LEFT, TOP, LEFT, BOTTOM, LEFT, BOTTOM, RIGHT, BOTTOM);
    urne_html(b, "<text x=\"%d\" y=\"%d\" text-anchor=end>0</text><text x=\"%d\" y=\"%d\" text-anchor=end>", LEFT - 6,
              BOTTOM + 4, LEFT - 6, TOP + 4);
    urne_page_int(b, r, top);
    urne_html(b, "</text><text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=end>%s</text>", LEFT,
              BOTTOM + 20, d1, RIGHT, BOTTOM + 20, d2);
    if (threshold <= 0) return;
    double y = yof(threshold, top);
    urne_html(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#b3261e\" stroke-width=\"2\" "
                 "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" text-anchor=end>%s ",
              LEFT, y, RIGHT, y, RIGHT, y - 6, _(r, "Threshold"));
    urne_page_int(b, r, threshold);
    urne_html_trusted(b, "</text>");
}

/* The running total, flat across days without signatures. */
static void line(urne_buf *b, const urne_initiative_held *h, int64_t first, int64_t span, int64_t top) {
    urne_html(b, "<polyline fill=\"none\" stroke=\"#1f4e9c\" stroke-width=\"3\" stroke-linejoin=\"round\" "
                 "points=\"%.1f,%.1f",
              xof(first, first, span), yof(0, top));
    int64_t total = 0, prev = first;
    for (size_t i = 0; i < h->ndays; i++) {
        if (h->days[i].day - 1 > prev)
            urne_html(b, " %.1f,%.1f", xof(h->days[i].day - 1, first, span), yof(total, top));
        total += h->days[i].valid;
        prev = h->days[i].day;
        urne_html(b, " %.1f,%.1f", xof(prev, first, span), yof(total, top));
    }
    urne_html_trusted(b, "\"/>");
}

/* Three narrow columns: a plain table fits a phone's width (no "stack" blocks,
 * whose labels, long here, would overlap the figures). */
static void table(urne_buf *b, const urne_req *r, const urne_initiative_held *h) {
    urne_html(b, "<details><summary>%s</summary><table><caption>%s</caption><thead><tr>"
                 "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
              _(r, "The chart's figures, day by day"), _(r, "Valid signatures per day (UTC)"), _(r, "Day"),
              _(r, "Signatures that day"), _(r, "Total at the end of the day"));
    int64_t total = 0;
    for (size_t i = 0; i < h->ndays; i++) {
        char d[11];
        date_text(d, r, h->days[i].day);
        total += h->days[i].valid;
        urne_html(b, "<tr><td>%s</td><td class=num>", d);
        urne_page_int(b, r, h->days[i].valid);
        urne_html_trusted(b, "</td><td class=num>");
        urne_page_int(b, r, total);
        urne_html_trusted(b, "</td></tr>");
    }
    urne_html_trusted(b, "</tbody></table></details>");
}

void urne_initiative_chart_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h, int64_t threshold) {
    if (h->ndays == 0) return;
    int64_t total = 0;
    for (size_t i = 0; i < h->ndays; i++)
        if (__builtin_add_overflow(total, h->days[i].valid, &total)) return;
    int64_t first = h->days[0].day - 1, last = h->days[h->ndays - 1].day, span = last - first;
    int64_t top = round_top(total > threshold ? total : threshold);
    char d1[11], d2[11];
    date_text(d1, r, first + 1);
    date_text(d2, r, last);
    long long id = (long long)h->row.id;
    urne_html(b, "<section class=card aria-labelledby=chart-h><h2 id=chart-h>%s</h2>"
                 "<svg class=chart role=img aria-labelledby=\"chart-t%lld chart-d%lld\" viewBox=\"0 0 %d %d\" "
                 "width=\"100%%\"><title id=chart-t%lld>%s</title><desc id=chart-d%lld>",
              _(r, "Signatures over time"), id, id, W, H, id, _(r, "Signatures over time"), id);
    urne_html(b, _(r, "Valid signatures added up day by day (UTC), from %s to %s: %lld on %s."), d1, d2,
              (long long)total, d2);
    if (threshold > 0) urne_html(b, " %s %lld.", _(r, "The threshold is"), (long long)threshold);
    urne_html_trusted(b, "</desc>");
    frame(b, r, first, last, top, threshold);
    line(b, h, first, span, top);
    urne_html_trusted(b, "</svg>");
    table(b, r, h);
    urne_html_trusted(b, "</section>");
}
