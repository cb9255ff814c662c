/*
 * page_home: the page everyone lands on, and where the login leads. Above the
 * list of elections, each account sees the work its roles give it:
 *
 *   - a secretary, the bureaux assigned to them, by election, each with its
 *     state ("to enter" while nobody has typed its sheet);
 *   - a commission member, the open disputes they may decide (of their tier or
 *     below), nearest deadline first, with the figures under dispute beside those a
 *     secretary typed;
 *   - an administrator, what waits in each election: sheets to enter, double
 *     entries, open disputes, results not published (or changed since).
 *
 * A section shows when the account's grants give it that work, over the site or
 * in the elections listed; the data comes from the application's queries
 * (app/queries.h), read under its lock.
 */
#include <stdlib.h>
#include <string.h>

#include "../app/queries.h"
#include "../app/results_view.h"
#include "page_parts.h"

/* ---- a secretary's bureaux ---- */

/* Is there typing left for the secretary: a sheet to type (urne_app_sheet_to_type,
 * as the administrator counts them), or a double entry that differs? */
static int to_enter(const urne_bureau_info *info) {
    return urne_app_sheet_to_type(info) || info->state == URNE_SHEET_MISMATCH;
}

/* One election's bureaux: a heading with what is left to enter, then each
 * bureau with its state. [from, to) of mine are this election's. */
static void my_election(urne_buf *b, urne_req *r, const urne_election *e, const urne_app_assigned *mine, long from,
                        long to) {
    long left = 0;
    for (long i = from; i < to; i++) left += to_enter(&e->info[mine[i].bureau]);
    urne_html(b, "<h3><a href=\"/e/%lld/entry\">", (long long)e->meta.id);
    urne_html_text(b, e->meta.title);
    urne_html_trusted(b, "</a> <small>");
    urne_page_int(b, r, (int64_t)left);
    urne_html(b, " %s</small></h3><ul class=\"units mine\">", _(r, "to enter or correct"));
    for (long i = from; i < to; i++) {
        char name[200];
        urne_election_bureau_name(e, mine[i].bureau, name, sizeof name);
        urne_html(b, "<li><a href=\"/e/%lld/b/%zu\">", (long long)e->meta.id, mine[i].bureau);
        urne_html_text(b, name);
        urne_html_trusted(b, "</a> ");
        urne_page_entry_badge(b, r, &e->info[mine[i].bureau]);
        urne_html_trusted(b, "</li>");
    }
    urne_html_trusted(b, "</ul>");
}

static void secretary_section(urne_buf *b, urne_req *r) {
    urne_app *app = &r->srv->app;
    urne_app_assigned *mine;
    long n = urne_app_assigned_all(app, r->user.id, &mine);
    if (n <= 0 && !urne_page_may(r, URNE_ACT_ENTER_SHEET, 0)) return; /* no entering here */
    urne_html(b, "<section class=home-secretary><h2>%s</h2>", _(r, "My bureaux to enter"));
    if (n < 0)
        urne_page_flash(b, 500, _(r, "Your bureaux could not be read."));
    else if (n == 0)
        urne_html(b, "<p>%s</p>", _(r, "No bureau is assigned to you."));
    for (long i = 0; i < n;) {
        long j = i;
        while (j < n && mine[j].election == mine[i].election) j++;
        const urne_election *e = urne_app_election(app, mine[i].election);
        if (e) my_election(b, r, e, mine, i, j);
        i = j;
    }
    urne_html_trusted(b, "</section>");
    free(mine);
}

/* ---- a commission's open disputes ---- */

/* One row of the comparison: the figure under dispute and the one typed,
 * marked when they differ. */
static void figure_row(urne_buf *b, const urne_req *r, const char *label, int has_entered, int64_t contested,
                       int64_t entered) {
    int differs = has_entered && contested != entered;
    urne_html_trusted(b, differs ? "<tr class=differs><th>" : "<tr><th>");
    urne_html_text(b, label);
    urne_html_trusted(b, "</th><td class=num>");
    if (contested >= 0) urne_page_int(b, r, contested);
    urne_html_trusted(b, "</td><td class=num>");
    if (has_entered && entered >= 0) urne_page_int(b, r, entered);
    else urne_html_trusted(b, "—");
    urne_html_trusted(b, "</td></tr>");
}

/* The figures under dispute beside those a secretary typed. */
static void compare(urne_buf *b, const urne_req *r, const urne_election *e, const urne_app_open_dispute *d) {
    const urne_round *rd = e->round;
    const urne_contest *c = &rd->contests[rd->sheets[d->dispute.bureau].contest];
    const urne_figures *x = &d->contested, *y = &d->entered;
    int he = d->has_entered;
    if (!d->has_contested) {
        urne_html(b, "<p class=meta>%s</p>", _(r, "No figures were recorded when it was contested."));
        return;
    }
    urne_html(b, "<table class=\"figures compare\"><thead><tr><th></th><th class=num>%s</th><th class=num>%s</th>"
                 "</tr></thead><tbody>",
              _(r, "Contested"), _(r, "Entered"));
    figure_row(b, r, _(r, "Registered"), he, x->inscrits, y->inscrits);
    figure_row(b, r, _(r, "Voters"), he, x->votants, y->votants);
    figure_row(b, r, _(r, "Blank"), he, x->blancs, y->blancs);
    figure_row(b, r, _(r, "Void"), he, x->nuls, y->nuls);
    for (size_t k = 0; k < c->ncand && k < x->nvotes; k++)
        figure_row(b, r, rd->candidates[c->cand_first + k].name, he && k < y->nvotes, x->votes[k],
                   k < y->nvotes ? y->votes[k] : -1);
    urne_html_trusted(b, "</tbody></table>");
    if (!he) urne_html(b, "<p class=meta>%s</p>", _(r, "Nobody typed this sheet: its figures came from an imported file."));
}

static void dispute_item(urne_buf *b, urne_req *r, const urne_election *e, const urne_app_open_dispute *d,
                         const char *now) {
    const urne_dispute *x = &d->dispute;
    char name[200];
    urne_election_bureau_name(e, (size_t)x->bureau, name, sizeof name);
    urne_html(b, "<article class=\"card dispute\"><h3><a href=\"/e/%lld/b/%lld\">", (long long)x->election,
              (long long)x->bureau);
    urne_html_text(b, name);
    urne_html_trusted(b, "</a> <small>");
    urne_html_text(b, e->meta.title);
    urne_html(b, "</small></h3><p><strong>%s</strong> ", x->tier == 2 ? _(r, "Higher commission:") : _(r, "Reason:"));
    urne_html_text(b, x->reason);
    urne_html(b, " <small>(%s ", _(r, "contested by"));
    urne_html_text(b, x->opened_by);
    urne_html_trusted(b, ")</small></p>");
    int late = strcmp(x->deadline, now) < 0;
    urne_html(b, "<p class=\"deadline%s\">%s ", late ? " warn" : "", late ? _(r, "Overdue since") : _(r, "To decide by"));
    urne_page_time(b, r, x->deadline, e->meta.zone);
    urne_html_trusted(b, "</p>");
    compare(b, r, e, d);
    urne_html(b, "<p><a href=\"/e/%lld/b/%lld\">%s</a></p></article>", (long long)x->election, (long long)x->bureau,
              _(r, "Decide"));
}

/* May the account decide this dispute: a commission of the election, of the
 * dispute's tier or higher (the decision's own check). */
static int may_decide(const urne_req *r, const urne_dispute *d) {
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    int ok = urne_app_authorize_election(&r->srv->app, &r->user, URNE_ACT_DECIDE, d->election, d->tier, &o) ==
             URNE_APP_OK;
    urne_app_outcome_free(&o);
    return ok;
}

static void commission_section(urne_buf *b, urne_req *r) {
    urne_app *app = &r->srv->app;
    urne_app_open_dispute *d;
    long n = urne_app_open_disputes(app, &r->user, &d);
    /* Those the account may decide or contest: an observer reviews, but has no work here. */
    long shown = 0;
    int commission = urne_page_may(r, URNE_ACT_CONTEST, 0);
    for (long i = 0; i < n; i++) commission |= urne_page_may(r, URNE_ACT_DECIDE, d[i].dispute.election);
    if (!commission) {
        urne_app_open_disputes_free(d, n);
        return;
    }
    char now[24];
    urne_store_now(now);
    urne_html(b, "<section class=home-commission><h2>%s</h2>", _(r, "Open disputes"));
    if (n < 0) urne_page_flash(b, 500, _(r, "The disputes could not be read."));
    for (long i = 0; i < n; i++) {
        const urne_election *e = urne_app_election(app, d[i].dispute.election);
        if (e == NULL || !may_decide(r, &d[i].dispute)) continue; /* an appeal is the higher commission's */
        dispute_item(b, r, e, &d[i], now);
        shown++;
    }
    if (n >= 0 && shown == 0) urne_html(b, "<p>%s</p>", _(r, "No dispute is open."));
    urne_html_trusted(b, "</section>");
    urne_app_open_disputes_free(d, n);
}

/* ---- what waits, for an administrator ---- */

static void publication_cell(urne_buf *b, const urne_req *r, const urne_app_waiting *w) {
    static const char *const words[] = {N_("not published"), N_("published"), N_("reopened by a contest"),
                                        N_("changed since its publication")};
    urne_html(b, "<span class=\"%s\">%s</span>", w->publication == 1 ? "meta" : "warn", _(r, words[w->publication]));
}

static int waits(const urne_app_waiting *w) {
    return w->missing || w->double_entry || w->open_disputes || w->publication != 1;
}

static void waiting_row(urne_buf *b, urne_req *r, const urne_election *e, const urne_app_waiting *w) {
    long long id = (long long)e->meta.id;
    urne_html(b, "<tr><td><a href=\"/e/%lld\">", id);
    urne_html_text(b, e->meta.title);
    urne_html(b, "</a></td><td data-label=\"%s\" class=num>", _(r, "To enter"));
    urne_page_int(b, r, (int64_t)w->missing);
    if (w->missing) urne_html(b, " <a href=\"/admin/assign?election=%lld\">%s</a>", id, _(r, "assign"));
    urne_html(b, "</td><td data-label=\"%s\" class=num>", _(r, "Double entries"));
    urne_page_int(b, r, (int64_t)w->double_entry);
    urne_html(b, "</td><td data-label=\"%s\" class=num>", _(r, "Open disputes"));
    if (w->open_disputes) urne_html(b, "<a href=\"/e/%lld/recolement\">", id);
    urne_page_int(b, r, (int64_t)w->open_disputes);
    if (w->open_disputes) urne_html_trusted(b, "</a>");
    urne_html(b, "</td><td data-label=\"%s\">", _(r, "Results"));
    urne_page_state_badge(b, r, w->state);
    urne_html_trusted(b, " ");
    publication_cell(b, r, w);
    urne_html_trusted(b, "</td></tr>");
}

static void admin_section(urne_buf *b, urne_req *r) {
    urne_app *app = &r->srv->app;
    urne_app_waiting *w;
    long n = urne_app_waiting_all(app, &r->user, &w);
    if (n <= 0 && !urne_page_may(r, URNE_ACT_MANAGE_ELECTIONS, 0)) return;
    urne_html(b, "<section class=home-admin><h2>%s</h2>", _(r, "What waits"));
    long rows = 0;
    for (long i = 0; i < n; i++) {
        const urne_election *e = urne_app_election(app, w[i].election);
        if (e == NULL || !waits(&w[i])) continue;
        if (rows++ == 0)
            urne_html(b, "<table class=\"stack waiting\"><thead><tr><th>%s</th><th class=num>%s</th><th class=num>%s"
                         "</th><th class=num>%s</th><th>%s</th></tr></thead><tbody>",
                      _(r, "Election"), _(r, "To enter"), _(r, "Double entries"), _(r, "Open disputes"),
                      _(r, "Results"));
        waiting_row(b, r, e, &w[i]);
    }
    if (rows) urne_html_trusted(b, "</tbody></table>");
    if (n < 0) urne_page_flash(b, 500, _(r, "What waits could not be read."));
    else if (rows == 0) urne_html(b, "<p>%s</p>", _(r, "Nothing waits: every election is counted and published."));
    urne_html(b, "<p><a href=\"/admin\">%s</a></p></section>", _(r, "Administration"));
    free(w);
}

/* ---- the elections ---- */

static void elections_list(urne_buf *b, urne_req *r, int heading) {
    urne_server *srv = r->srv;
    if (heading) urne_html(b, "<section><h2>%s</h2>", _(r, "Elections"));
    if (srv->app.nelections == 0)
        urne_html(b, "<p>%s</p>", _(r, "No election yet."));
    else {
        urne_html(b, "<table class=stack><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                  _(r, "Election"), _(r, "Round"), _(r, "Bureaux"), _(r, "State"));
        for (size_t i = 0; i < srv->app.nelections; i++) {
            const urne_election *e = srv->app.elections[i];
            size_t by[URNE_SHEET_NSTATES];
            urne_unit_state st = urne_election_unit_state(e, URNE_NONE, NULL, by);
            size_t counted = 0;
            for (int s = 0; s < URNE_SHEET_NSTATES; s++)
                if (urne_sheet_state_counts((urne_sheet_state)s)) counted += by[s];
            urne_html(b, "<tr><td><a href=\"/e/%lld\">", (long long)e->meta.id);
            urne_html_text(b, e->meta.title);
            urne_html(b, "</a></td><td data-label=\"%s\">%d</td><td data-label=\"%s\">", _(r, "Round"), e->meta.round,
                      _(r, "Bureaux"));
            urne_page_int(b, r, (int64_t)counted);
            urne_html_trusted(b, " / ");
            urne_page_int(b, r, (int64_t)e->round->nsheets);
            urne_html(b, "</td><td data-label=\"%s\">", _(r, "State"));
            urne_page_state_badge(b, r, st);
            if (e->meta.reopened_at[0])
                urne_html(b, " <span class=\"badge frozen\">%s</span>", _(r, "publication reopened"));
            urne_html_trusted(b, "</td></tr>");
        }
        urne_html_trusted(b, "</tbody></table>");
    }
    if (heading) urne_html_trusted(b, "</section>");
}

enum MHD_Result urne_page_home(urne_req *r) {
    urne_buf b = {0};
    urne_server *srv = r->srv;
    int someone = r->user.role != URNE_ROLE_PUBLIC;
    urne_page_begin(&b, r, someone ? _(r, "Home") : _(r, "Elections"));
    if (someone) {
        urne_html_trusted(&b, "<h1>");
        urne_html_text(&b, r->user.name);
        urne_html(&b, " <small>%s</small></h1>", urne_page_role(r, r->user.role));
    } else
        urne_html(&b, "<h1>%s</h1>", _(r, "Elections"));
    urne_app_read_begin(&srv->app);
    if (someone) {
        admin_section(&b, r);
        commission_section(&b, r);
        secretary_section(&b, r);
    }
    elections_list(&b, r, someone);
    urne_app_read_end(&srv->app);
    return urne_page_send(r, 200, &b);
}
