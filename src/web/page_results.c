/*
 * page_results: the public results of one unit, from the nation down to a
 * bureau: its state (partial, frozen, final), turnout, the table of candidates
 * with an SVG bar chart, the outcome where the contest is decided, the units
 * within it, the bureaux still missing, and the downloads in the results
 * engine's formats.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "../app/queries.h"
#include "../app/results_view.h"
#include "page_parts.h"
#include "view.h"

static void unit_link(urne_buf *b, int64_t id, size_t level, const char *key, const char *label) {
    urne_html(b, "<a href=\"/e/%lld?level=%zu&amp;unit=", (long long)id, level);
    urne_html_url(b, key);
    urne_html_trusted(b, "\">");
    urne_html_text(b, label ? label : key);
    urne_html_trusted(b, "</a>");
}

/* The order lines are shown in: by votes, most first, ties in ballot order (the
 * default, as results are read), or the ballot's own order (?order=ballot). Returns
 * a malloc'd array of u->nlines indices, or NULL when out of memory (then the
 * ballot order is used). */
static int by_votes(const void *a, const void *b, void *unit) {
    const urne_unit *sorting = unit;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int64_t vi = sorting->lines[i].voix, vj = sorting->lines[j].voix;
    if (vi != vj) return vi > vj ? -1 : 1;
    return i < j ? -1 : i > j;
}

size_t *urne_page_line_order(const urne_req *r, const urne_unit *u) {
    size_t *order = malloc((u->nlines ? u->nlines : 1) * sizeof *order);
    if (order == NULL) return NULL;
    for (size_t j = 0; j < u->nlines; j++) order[j] = j;
    const char *q = urne_req_query(r, "order");
    if (q == NULL || strcmp(q, "ballot") != 0) {
        qsort_r(order, u->nlines, sizeof *order, by_votes, (void *)u);
    }
    return order;
}

/* A line's colour: its candidate's place on the ballot, so that a candidate keeps
 * their colour from one unit and one order to the next. Sixteen distinct colours
 * (urne.css .bar0 to .bar15). */
static size_t line_colour(const urne_unit *u, size_t j) {
    size_t c = u->lines[j].candidate != URNE_NONE ? u->lines[j].candidate : j;
    return c % 16;
}

/* One bar per candidate, its name above it and its share after it: the chart
 * reads the same at 360 px wide as on a desktop (the SVG scales; its text stays
 * about the page's size). */
static void bar_chart(urne_buf *b, const urne_req *r, const urne_unit *u, int64_t basis, const size_t *order) {
    int64_t max = 1;
    for (size_t j = 0; j < u->nlines; j++)
        if (u->lines[j].voix > max) max = u->lines[j].voix;
    int row = 38, width = 360, bar_w = width - 72;
    urne_html(b, "<svg class=chart role=img viewBox=\"0 0 %d %zu\" width=\"100%%\"><title>%s</title>", width,
                    (size_t)row * u->nlines + 4, _(r, "Votes per candidate"));
    for (size_t k = 0; k < u->nlines; k++) {
        size_t j = order ? order[k] : k;
        const urne_line *l = &u->lines[j];
        int y = (int)k * row + 2;
        double w = (double)bar_w * (double)l->voix / (double)max;
        urne_html(b, "<text x=\"0\" y=\"%d\">", y + 13);
        urne_html_text(b, l->name);
        urne_html(b, "</text><rect x=\"0\" y=\"%d\" width=\"%.1f\" height=\"14\" class=bar%zu></rect>"
                           "<text x=\"%.1f\" y=\"%d\">",
                        y + 18, w, line_colour(u, j), w + 6, y + 30);
        urne_page_pct(b, r, l->voix, basis);
        urne_html_trusted(b, "</text>");
    }
    urne_html_trusted(b, "</svg>");
}

static void figures_table(urne_buf *b, const urne_req *r, const urne_unit *u, int64_t basis) {
    struct { const char *en; int64_t v, den; } rows[] = {
        {N_("Registered"), u->inscrits, 0},
        {N_("Voters"), u->votants, u->inscrits},
        {N_("Abstentions"), u->inscrits - u->votants, u->inscrits},
        {N_("Blank"), u->blancs, u->votants},
        {N_("Void"), u->nuls, u->votants},
        {N_("Valid votes"), basis, u->votants},
    };
    urne_html_trusted(b, "<table class=figures><tbody>");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        urne_html(b, "<tr><th>%s</th><td class=num>", _(r, rows[i].en));
        urne_page_int(b, r, rows[i].v);
        urne_html_trusted(b, "</td><td class=num>");
        if (rows[i].den) urne_page_pct(b, r, rows[i].v, rows[i].den);
        urne_html_trusted(b, "</td></tr>");
    }
    urne_html_trusted(b, "</tbody></table>");
}

void urne_page_candidates(urne_buf *b, const urne_req *r, const urne_unit *u, int64_t basis, const size_t *order) {
    int groups = 0; /* the nuance column only when some line has one */
    for (size_t j = 0; j < u->nlines; j++)
        if (u->lines[j].group && u->lines[j].group[0]) groups = 1;
    urne_html(b, "<table class=\"results stack\"><thead><tr><th scope=col>%s</th>", _(r, "Candidate"));
    if (groups) urne_html(b, "<th scope=col>%s</th>", _(r, "Group"));
    urne_html(b, "<th scope=col class=num>%s</th><th scope=col class=num>%s</th><th scope=col class=num>%s</th></tr>"
                 "</thead><tbody>",
              _(r, "Votes"), _(r, "% valid"), _(r, "% registered"));
    for (size_t k = 0; k < u->nlines; k++) {
        size_t j = order ? order[k] : k;
        const urne_line *l = &u->lines[j];
        urne_html_trusted(b, "<tr><td>");
        if (order) urne_html(b, "<span class=\"key bar%zu\" aria-hidden=true></span>", line_colour(u, j));
        urne_html_text(b, l->name);
        if (groups) {
            urne_html(b, "</td><td data-label=\"%s\">", _(r, "Group"));
            urne_html_text(b, l->group ? l->group : "");
        }
        urne_html(b, "</td><td class=num data-label=\"%s\">", _(r, "Votes"));
        urne_page_int(b, r, l->voix);
        urne_html(b, "</td><td class=num data-label=\"%s\">", _(r, "% valid"));
        urne_page_pct(b, r, l->voix, basis);
        urne_html(b, "</td><td class=num data-label=\"%s\">", _(r, "% registered"));
        urne_page_pct(b, r, l->voix, u->inscrits);
        urne_html_trusted(b, "</td></tr>");
    }
    urne_html_trusted(b, "</tbody></table>");
}

void urne_page_outcome_reason(urne_buf *b, const urne_req *r, const urne_outcome *o) {
    char sentence[1024];
    for (size_t i = 0; i < o->nphrases; i++) {
        urne_i18n_phrase(r->lang, &o->phrases[i], sentence, sizeof sentence);
        urne_html(b, "%s%s", i ? " " : "", sentence);
    }
}

int urne_page_outcome(urne_buf *b, const urne_req *r, const urne_election *e, const urne_decision_sums *sums,
                      const urne_unit *u, size_t level, urne_unit_state st) {
    const urne_round *rd = e->round;
    size_t contest = URNE_NONE;
    if (level == rd->contest_level) {
        for (size_t c = 0; c < rd->ncontests; c++)
            if (rd->contests[c].key && strcmp(rd->contests[c].key, u->key) == 0) contest = c;
    } else if (rd->ncontests == 1 && level < rd->contest_level)
        contest = 0;
    if (contest == URNE_NONE && !(rd->ncontests == 1 && level <= rd->contest_level)) return 0;
    if (contest == URNE_NONE) contest = 0;
    urne_outcome *out = NULL;
    int written = 0;
    urne_diags d;
    urne_diags_init(&d, NULL);
    if (urne_results_decide_sums(rd, &e->rules, sums, &out, &d) == 0) {
        const urne_outcome *o = &out[contest];
        urne_html(b, "<section class=\"outcome %s\"><h2>%s</h2>", urne_unit_state_name(st),
                        _(r, "Outcome"));
        if (st != URNE_UNIT_FINAL)
            urne_html(b, "<p class=warn>%s</p>",
                            st == URNE_UNIT_FROZEN
                                ? _(r, "Result frozen: a bureau is contested before the commission. Nothing is final.")
                                : _(r, "Partial result: not every bureau is counted."));
        urne_html(b, "<p><strong>%s</strong>", urne_words_outcome(r->lang, o->kind));
        for (size_t k = 0; k < o->nchosen; k++) {
            urne_html_text(b, k ? ", " : _(r, ": "));
            urne_html_text(b, rd->candidates[o->chosen[k]].name);
        }
        urne_html_trusted(b, "</p><p class=reason>");
        urne_page_outcome_reason(b, r, o);
        urne_html_trusted(b, "</p></section>");
        urne_outcomes_free(out, rd->ncontests);
        written = 1;
    }
    urne_diags_free(&d);
    return written;
}

/* The label of the one unit that everything under u belongs to, descending while
 * each level below holds a single unit (a national total over one département is
 * that département), with its level in *level; NULL when u has several children. */
static const char *only_unit_below(const urne_round *rd, const urne_unit *u, size_t *level) {
    const char *label = NULL;
    size_t top = *level;
    /* Never down to the last level: a bureau is never the whole of a result. */
    for (size_t l = top + 1; l + 1 < rd->nlevels; l++) {
        const char *key = NULL, *name = NULL;
        int several = 0;
        for (size_t i = 0; i < rd->nsheets && !several; i++) {
            const urne_sheet *s = &rd->sheets[i];
            if (s->key[top] != u->key && (s->key[top] == NULL || strcmp(s->key[top], u->key) != 0)) continue;
            if (key == NULL) {
                key = s->key[l];
                name = s->label[l] ? s->label[l] : s->key[l];
            } else if (s->key[l] != key && (s->key[l] == NULL || strcmp(s->key[l], key) != 0)) {
                several = 1;
            }
        }
        if (key == NULL || several) break;
        label = name;
        *level = l;
    }
    return label;
}

/* Links between the two orders of the candidates. */
static void order_switch(urne_buf *b, const urne_req *r, int64_t id, size_t level, const char *key) {
    const char *q = urne_req_query(r, "order");
    int ballot = q && strcmp(q, "ballot") == 0;
    urne_html(b, "<p class=\"order no-print\">%s ", _(r, "Order:"));
    if (ballot) urne_html(b, "<a href=\"/e/%lld?level=%zu&amp;unit=", (long long)id, level);
    if (ballot) urne_html_url(b, key);
    urne_html(b, ballot ? "\">%s</a>" : "<strong>%s</strong>", _(r, "by votes"));
    urne_html_trusted(b, " · ");
    if (!ballot) urne_html(b, "<a href=\"/e/%lld?level=%zu&amp;order=ballot&amp;unit=", (long long)id, level);
    if (!ballot) urne_html_url(b, key);
    urne_html(b, !ballot ? "\">%s</a>" : "<strong>%s</strong>", _(r, "ballot order"));
    urne_html_trusted(b, "</p>");
}

/* The units at level+1 that hold sheets of the page's unit, in the order of their
 * first sheet in it (levels need not nest: a commune may straddle two
 * circonscriptions, and is then a child of both), each with its state: read from
 * the level below as results_live keeps it. */
static void children(urne_buf *b, const urne_req *r, urne_app *app, const urne_page_unit *pu) {
    const urne_election *e = pu->e;
    const urne_round *rd = e->round;
    size_t level = pu->level;
    urne_live_level below;
    if (level + 1 >= rd->nlevels || urne_live_level_view(app, e, level + 1, &below) < 0) return;
    size_t nbelow = below.tally->nunits, n = 0;
    size_t *order = malloc((nbelow ? nbelow : 1) * sizeof *order);
    unsigned char *seen = calloc(nbelow ? nbelow : 1, 1);
    for (size_t i = 0; order && seen && i < rd->nsheets; i++) {
        size_t k = below.sheet_unit[i];
        if (pu->view.sheet_unit[i] != pu->index || seen[k]) continue;
        seen[k] = 1;
        order[n++] = k;
    }
    urne_html(b, "<section><h2>%s (%zu)</h2><ul class=units>", urne_words_level(r->lang, rd->levels[level + 1], n != 1), n);
    for (size_t j = 0; j < n; j++) {
        const urne_unit *c = &below.tally->units[order[j]];
        urne_html_trusted(b, "<li>");
        unit_link(b, e->meta.id, level + 1, c->key, c->first->label[level + 1]);
        urne_html_trusted(b, " ");
        urne_page_state_badge(b, r, urne_recolement_unit_state(below.by_state[order[j]]));
        urne_html_trusted(b, "</li>");
    }
    urne_html_trusted(b, "</ul></section>");
    free(order);
    free(seen);
}

/* The bureaux of the page's unit not counted yet: the first hundred, named. */
static void missing(urne_buf *b, const urne_req *r, const urne_page_unit *pu) {
    const urne_election *e = pu->e;
    const urne_round *rd = e->round;
    size_t n = 0;
    for (size_t by = 0; by < URNE_SHEET_NSTATES; by++)
        if (!urne_sheet_state_counts((urne_sheet_state)by)) n += pu->by[by];
    if (n == 0) return;
    urne_html(b, "<section><h2>%s (%zu)</h2><ul class=missing>",
                    _(r, "Bureaux not counted yet"), n);
    size_t shown = 0;
    for (size_t i = 0; i < rd->nsheets && shown < 100; i++)
        if (!urne_sheet_state_counts(e->info[i].state) && pu->view.sheet_unit[i] == pu->index) {
            char name[200];
            urne_election_bureau_name(e, i, name, sizeof name);
            urne_html(b, "<li><a href=\"/e/%lld/b/%zu\">", (long long)e->meta.id, i);
            urne_html_text(b, name);
            urne_html_trusted(b, "</a> ");
            urne_page_sheet_badge(b, r, e->info[i].state);
            urne_html_trusted(b, "</li>");
            shown++;
        }
    if (n > shown) urne_html(b, "<li>… %zu %s</li>", n - shown, _(r, "more"));
    urne_html_trusted(b, "</ul></section>");
}

int urne_page_unit_open(urne_req *r, int64_t id, urne_page_unit *pu) {
    memset(pu, 0, sizeof *pu);
    urne_app *app = &r->srv->app;
    urne_app_read_begin(app);
    pu->e = urne_app_election(app, id);
    pu->level = pu->e ? urne_election_level(pu->e, urne_req_query(r, "level")) : URNE_NONE;
    const char *q = urne_req_query(r, "unit");
    if (pu->level != URNE_NONE && urne_live_level_view(app, pu->e, pu->level, &pu->view) == 0)
        pu->u = q ? urne_tally_find(pu->view.tally, q) : pu->view.tally->nunits ? &pu->view.tally->units[0] : NULL;
    if (pu->u == NULL) {
        urne_app_read_end(app);
        return -1;
    }
    pu->index = (size_t)(pu->u - pu->view.tally->units);
    memcpy(pu->by, pu->view.by_state[pu->index], sizeof pu->by);
    pu->state = urne_recolement_unit_state(pu->by);
    return 0;
}

enum MHD_Result urne_page_results(urne_req *r, int64_t id) {
    urne_server *srv = r->srv;
    urne_buf b = {0};
    urne_page_unit pu;
    if (urne_page_unit_open(r, id, &pu) < 0) return urne_page_not_found(r);
    urne_election *e = pu.e;
    size_t level = pu.level;
    const urne_unit *u = pu.u;
    const urne_round *rd = e->round;
    const size_t *by = pu.by;
    urne_unit_state st = pu.state;
    int64_t basis = urne_results_basis(u, &e->rules);
    urne_page_begin(&b, r, e->meta.title);
    urne_html_trusted(&b, "<nav class=crumbs>");
    urne_html(&b, "<a href=\"/e/%lld\">", (long long)id);
    urne_html_text(&b, e->meta.title);
    urne_html_trusted(&b, "</a>");
    for (size_t l = 1; l <= level && u->first; l++) {
        urne_html_trusted(&b, " › ");
        unit_link(&b, id, l, u->first->key[l], u->first->label[l]);
    }
    urne_html_trusted(&b, "</nav><h1>");
    /* A file of one département has a "national" total that is that département's:
     * the title names the level the data really has. */
    size_t named = level;
    const char *title = only_unit_below(rd, u, &named);
    urne_html_text(&b, title ? title : u->label ? u->label : u->key);
    urne_html(&b, " <small>%s</small> ", urne_words_level(r->lang, rd->levels[named], 0));
    urne_page_state_badge(&b, r, st);
    urne_html_trusted(&b, "</h1>");
    urne_html(&b, "<p class=meta>%s %d · %s ", _(r, "Round"), e->meta.round, _(r, "polling stations counted:"));
    urne_page_int(&b, r, (int64_t)u->sheets_reported);
    urne_html_trusted(&b, " / ");
    urne_page_int(&b, r, (int64_t)u->sheets_expected);
    if (by[URNE_SHEET_CONTESTED])
        urne_html(&b, " · <strong>%zu %s</strong>", by[URNE_SHEET_CONTESTED], _(r, "contested"));
    urne_html_trusted(&b, "</p>");
    urne_page_publication(&b, r, &e->meta);
    urne_html_trusted(&b, "<div class=cols><div>");
    figures_table(&b, r, u, basis);
    urne_html_trusted(&b, "</div><div>");
    size_t *order = urne_page_line_order(r, u);
    bar_chart(&b, r, u, basis, order);
    urne_html_trusted(&b, "</div></div>");
    order_switch(&b, r, id, level, u->key);
    urne_page_candidates(&b, r, u, basis, order);
    free(order);
    urne_page_outcome(&b, r, e, pu.view.sums, u, level, st);
    urne_html(&b, "<p class=downloads>%s <a href=\"/api/elections/%lld/results.csv?level=%zu&amp;format=excel&amp;lang=%s\">CSV</a> · "
                        "<a href=\"/api/elections/%lld/results?level=%zu\">JSON</a></p>",
                    _(r, "Download this level:"), (long long)id, level, r->lang == URNE_LANG_EN ? "en" : "fr",
                    (long long)id, level);
    urne_html(&b, "<p class=no-print><a class=pv-link href=\"/e/%lld/pv?level=%zu&amp;unit=", (long long)id, level);
    urne_html_url(&b, u->key);
    urne_html(&b, "\">%s</a></p>", _(r, "Official report (procès-verbal) of this result, to print"));
    if (level + 1 == rd->nlevels) {
        for (size_t i = 0; i < rd->nsheets; i++)
            if (rd->sheets[i].key[level] == u->first->key[level]) {
                urne_html(&b, "<p><a href=\"/e/%lld/b/%zu\">%s</a></p>", (long long)id, i,
                                _(r, "Bureau's page (entry, disputes)"));
                break;
            }
    }
    children(&b, r, &srv->app, &pu);
    missing(&b, r, &pu);
    if (urne_page_may(r, URNE_ACT_ENTER_SHEET, id))
        urne_html(&b, "<p><a href=\"/e/%lld/entry\">%s</a></p>", (long long)id, _(r, "My bureaux"));
    if (urne_page_may(r, URNE_ACT_READ_REVIEW, id))
        urne_html(&b, "<p><a href=\"/e/%lld/recolement\">%s</a></p>", (long long)id,
                        _(r, "Review (récolement): anomalies and disputes"));
    urne_app_read_end(&srv->app);
    return urne_page_send(r, 200, &b);
}
