/*
 * page_bureau: the pages of the count's workflow. A bureau's page shows its sheet
 * and disputes, and to each role its form: the secretary's entry form (with the
 * checks shown as they fail, live and again from the server), the commission's
 * contest, decision and escalation forms. The entry list is a secretary's
 * bureaux; the récolement page is the commission's: anomalies and disputes.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../app/queries.h"
#include "../app/results_view.h"
#include "actions.h"
#include "outcome.h"
#include "page_parts.h"
#include "view.h"

/* The figures fields of a sheet, prefilled from f (NULL: empty). */
static void figures_fields(urne_buf *b, const urne_req *r, const urne_election *e, size_t contest,
                           const urne_figures *f) {
    const urne_round *rd = e->round;
    const urne_contest *c = &rd->contests[contest];
    struct { const char *name, *en; int64_t v; } rows[] = {
        {"inscrits", N_("Registered"), f ? f->inscrits : -1},
        {"votants", N_("Voters"), f ? f->votants : -1},
        {"blancs", N_("Blank"), f ? f->blancs : -1},
        {"nuls", N_("Void"), f ? f->nuls : -1},
        {"exprimes", N_("Valid votes (optional)"), f ? f->exprimes : -1},
    };
    urne_html_trusted(b, "<fieldset class=figures>");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        urne_html(b, "<label>%s<input name=%s inputmode=numeric pattern=\"[0-9]*\" value=\"", _(r, rows[i].en),
                        rows[i].name);
        if (rows[i].v >= 0) urne_html(b, "%lld", (long long)rows[i].v);
        urne_html(b, "\"%s></label>", i < 4 ? " required" : "");
    }
    for (size_t j = 0; j < c->ncand; j++) {
        urne_html_trusted(b, "<label>");
        urne_html_text(b, rd->candidates[c->cand_first + j].name);
        urne_html(b, "<input class=vote name=\"votes.%zu\" inputmode=numeric pattern=\"[0-9]*\" required value=\"", j);
        if (f && j < f->nvotes && f->votes[j] >= 0) urne_html(b, "%lld", (long long)f->votes[j]);
        urne_html_trusted(b, "\"></label>");
    }
    urne_html_trusted(b, "</fieldset>");
}

static void sheet_form(urne_buf *b, const urne_req *r, const urne_election *e, size_t bureau, const urne_figures *pre,
                       int ask_confirm) {
    urne_html(b, "<form method=post class=\"card sheet\" action=\"/e/%lld/b/%zu/sheet\" data-m1=\"%s\" "
                       "data-m2=\"%s\" data-m3=\"%s\"><h2>%s</h2>",
                    (long long)e->meta.id, bureau,
                    _(r, "Voters (%1) exceed registered (%2)"),
                    _(r, "Blank + void + votes = %1, but voters = %2"),
                    _(r, "Valid votes given as %1, but the votes sum to %2"),
                    _(r, "Enter the tally sheet"));
    urne_page_csrf(b, r);
    figures_fields(b, r, e, e->round->sheets[bureau].contest, pre);
    urne_html_trusted(b, "<ul class=\"live checks\" aria-live=polite></ul>");
    if (ask_confirm)
        urne_html(b, "<label class=confirm><input type=checkbox name=confirm value=1> %s</label>",
                        _(r, "The procès-verbal really says so: record it despite the anomalies"));
    urne_html(b, "<button>%s</button></form>", _(r, "Record"));
}

/* What was typed in field `key` of a refused form posted to `url`; "" otherwise. */
static const char *refused_at(const urne_req *r, const char *url, const char *key) {
    if (strcmp(r->method, "POST") != 0 || strcmp(r->url, url) != 0) return "";
    const char *v = urne_req_param(r, key);
    return v ? v : "";
}

/* The same for the form of this page's address followed by `tail` ("/contest"). */
static const char *refused_field(const urne_req *r, const char *tail, const char *key) {
    size_t n = strlen(r->url), t = strlen(tail);
    if (strcmp(r->method, "POST") != 0 || n < t || strcmp(r->url + n - t, tail) != 0) return "";
    const char *v = urne_req_param(r, key);
    return v ? v : "";
}

/* Where a dispute's form leads back: its bureau's page, or the récolement. */
static void back_fields(urne_buf *b, size_t bureau, int recolement) {
    if (recolement)
        urne_html_trusted(b, "<input type=hidden name=back value=recolement>");
    else
        urne_html(b, "<input type=hidden name=bureau value=%zu>", bureau);
}

/* The commission's decision on dispute `did`, folded; refused, open again with
 * what was typed. */
static void decide_form(urne_buf *b, const urne_req *r, const urne_election *e, size_t bureau, int64_t did,
                        int recolement) {
    char url[96];
    snprintf(url, sizeof url, "/e/%lld/disputes/%lld/decide", (long long)e->meta.id, (long long)did);
    const char *decision = refused_at(r, url, "decision");
    static const char *const values[] = {"validate", "correct", "annul", "revote"};
    const char *words[] = {_(r, "validate"), _(r, "correct"), _(r, "annul the bureau"), _(r, "order a new vote")};
    urne_html(b, "<details%s><summary>%s</summary><form method=post class=decide action=\"%s\">",
              strcmp(r->method, "POST") == 0 && strcmp(r->url, url) == 0 ? " open" : "", _(r, "Decide"), url);
    urne_page_csrf(b, r);
    back_fields(b, bureau, recolement);
    urne_html(b, "<label>%s<select name=decision>", _(r, "Decision"));
    for (size_t i = 0; i < 4; i++)
        urne_html(b, "<option value=%s%s>%s</option>", values[i], strcmp(decision, values[i]) == 0 ? " selected" : "",
                  words[i]);
    urne_html(b, "</select></label><label>%s<input name=reason required value=\"%s\"></label><p><small>%s</small></p>",
              _(r, "Reasons"), refused_at(r, url, "reason"), _(r, "To correct, give the new figures:"));
    urne_figures f = {0}; /* out of memory: the fields are left empty */
    char err[300];
    int have = *refused_at(r, url, "votants") ? urne_figures_from_params(r, &f, err, sizeof err) == 0 &&
                                                    f.nvotes == e->round->contests[e->round->sheets[bureau].contest].ncand
                                              : urne_figures_from_sheet(e->round, &e->round->sheets[bureau], &f) == 0;
    figures_fields(b, r, e, e->round->sheets[bureau].contest, have ? &f : NULL);
    urne_figures_free(&f);
    urne_html(b, "<button>%s</button></form></details>", _(r, "Decide"));
}

static void dispute_rows(urne_buf *b, const urne_req *r, const urne_election *e, json_t *disputes, int64_t only_bureau,
                         int forms) {
    urne_html(b, "<table class=\"disputes stack\"><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                       "<th>%s</th><th>%s</th></tr></thead><tbody>",
                    _(r, "Bureau"), _(r, "Commission"), _(r, "Reason"),
                    _(r, "Opened"), _(r, "Deadline"), _(r, "Decision"));
    size_t i;
    json_t *d;
    json_array_foreach(disputes, i, d) {
        int64_t bureau = json_integer_value(json_object_get(d, "bureau"));
        if (only_bureau >= 0 && bureau != only_bureau) continue;
        int64_t did = json_integer_value(json_object_get(d, "id"));
        int tier = (int)json_integer_value(json_object_get(d, "tier"));
        const char *state = json_string_value(json_object_get(d, "state"));
        char name[200];
        urne_election_bureau_name(e, (size_t)bureau, name, sizeof name);
        urne_html(b, "<tr class=\"d-%s\"><td>#%lld</td><td data-label=\"%s\"><a href=\"/e/%lld/b/%lld\">", state,
                  (long long)did, _(r, "Bureau"), (long long)e->meta.id, (long long)bureau);
        urne_html_text(b, name);
        urne_html(b, "</a></td><td data-label=\"%s\">%s</td><td data-label=\"%s\">", _(r, "Commission"),
                  tier == 2 ? _(r, "higher") : _(r, "first"), _(r, "Reason"));
        urne_html_text(b, json_string_value(json_object_get(d, "reason")));
        urne_html_trusted(b, "<br><small>");
        urne_html_text(b, json_string_value(json_object_get(d, "opened_by")));
        urne_html(b, "</small></td><td data-label=\"%s\">", _(r, "Opened"));
        urne_page_time(b, r, json_string_value(json_object_get(d, "opened_at")), e->meta.zone);
        urne_html(b, "</td><td data-label=\"%s\">", _(r, "Deadline"));
        urne_page_time(b, r, json_string_value(json_object_get(d, "deadline")), e->meta.zone);
        /* On a phone the decision's form takes the row's whole width, its label above it. */
        urne_html(b, "</td><td class=wide data-label=\"%s\">", _(r, "Decision"));
        if (strcmp(state, "open") != 0) {
            urne_html(b, "<strong>%s</strong> ",
                      urne_words_decision(r->lang, json_string_value(json_object_get(d, "decision"))));
            urne_html_text(b, json_string_value(json_object_get(d, "decision_reason")));
            if (strcmp(state, "escalated") == 0)
                urne_html(b, " <em>(%s)</em>", _(r, "escalated"));
        }
        if (forms && strcmp(state, "open") == 0 && r->user.tier >= tier &&
            urne_page_may(r, URNE_ACT_DECIDE, e->meta.id))
            decide_form(b, r, e, (size_t)bureau, did, only_bureau < 0);
        if (forms && urne_page_may(r, URNE_ACT_ESCALATE, e->meta.id) && strcmp(state, "decided") == 0 && tier == 1 && e->info[bureau].state != URNE_SHEET_CONTESTED) {
            char url[96];
            snprintf(url, sizeof url, "/e/%lld/disputes/%lld/escalate", (long long)e->meta.id, (long long)did);
            urne_html(b, "<form method=post class=inline action=\"%s\">", url);
            urne_page_csrf(b, r);
            back_fields(b, (size_t)bureau, only_bureau < 0);
            urne_html(b, "<input name=reason required placeholder=\"%s\" aria-label=\"%s\" value=\"%s\"><button>%s</button>"
                         "</form>",
                            _(r, "reason for the appeal"), _(r, "reason for the appeal"), refused_at(r, url, "reason"),
                            _(r, "Escalate to the higher commission"));
        }
        urne_html_trusted(b, "</td></tr>");
    }
    urne_html_trusted(b, "</tbody></table>");
}

/* The trail from the election down to the bureau's own unit, each a link to its page. */
static void bureau_crumbs(urne_buf *b, int64_t id, const urne_election *e, const urne_sheet *s) {
    urne_html(b, "<nav class=crumbs><a href=\"/e/%lld\">", (long long)id);
    urne_html_text(b, e->meta.title);
    urne_html_trusted(b, "</a>");
    for (size_t l = 1; l < e->round->nlevels; l++) {
        urne_html(b, " › <a href=\"/e/%lld?level=%zu&amp;unit=", (long long)id, l);
        urne_html_url(b, s->key[l]);
        urne_html_trusted(b, "\">");
        urne_html_text(b, s->label[l] ? s->label[l] : s->key[l]);
        urne_html_trusted(b, "</a>");
    }
    urne_html_trusted(b, "</nav>");
}

/* The checks a refused entry broke, as the entry use case listed them (json's "checks"). */
static void refused_checks(urne_buf *b, json_t *j) {
    json_t *checks = json_object_get(j, "checks");
    if (json_array_size(checks) == 0) return;
    urne_html(b, "<ul class=\"checks server\" role=alert>");
    size_t i;
    json_t *c;
    json_array_foreach(checks, i, c) {
        urne_html_trusted(b, "<li>");
        urne_html_text(b, json_string_value(json_object_get(c, "message")));
        urne_html_trusted(b, " <code>");
        urne_html_text(b, json_string_value(json_object_get(c, "rule")));
        urne_html_trusted(b, "</code></li>");
    }
    urne_html_trusted(b, "</ul>");
}

/* The sheet's figures, shown only when they count (entered, validated, ...). */
static void figures_table(urne_buf *b, const urne_req *r, const urne_round *rd, const urne_sheet *s) {
    urne_html(b, "<table class=figures><tbody><tr><th>%s</th><td class=num>", _(r, "Registered"));
    urne_page_int(b, r, s->inscrits);
    urne_html(b, "</td></tr><tr><th>%s</th><td class=num>", _(r, "Voters"));
    urne_page_int(b, r, s->votants);
    urne_html(b, "</td></tr><tr><th>%s</th><td class=num>", _(r, "Blank"));
    urne_page_int(b, r, s->blancs);
    urne_html(b, "</td></tr><tr><th>%s</th><td class=num>", _(r, "Void"));
    urne_page_int(b, r, s->nuls);
    urne_html_trusted(b, "</td></tr>");
    const urne_contest *c = &rd->contests[s->contest];
    for (size_t k = 0; k < c->ncand; k++) {
        urne_html_trusted(b, "<tr><th>");
        urne_html_text(b, rd->candidates[c->cand_first + k].name);
        urne_html_trusted(b, "</th><td class=num>");
        urne_page_int(b, r, s->votes[k]);
        urne_html_trusted(b, "</td></tr>");
    }
    urne_html_trusted(b, "</tbody></table>");
}

/* The secretary's form, prefilled with what they typed when it was refused; after
 * a second entry that disagrees, the two entries side by side. Shown only to a
 * secretary assigned to the bureau, and only while the state lets them enter. */
static void entry_section(urne_buf *b, urne_req *r, int64_t id, const urne_election *e, size_t bi, unsigned status,
                          const char *message) {
    urne_server *srv = r->srv;
    const urne_round *rd = e->round;
    const urne_sheet *s = &rd->sheets[bi];
    const urne_bureau_info *info = &e->info[bi];
    if (!urne_page_may(r, URNE_ACT_ENTER_SHEET, id) || urne_app_is_assigned(&srv->app, r->user.id, id, bi) != 1) return;
    const char *why;
    if (!urne_recolement_may_enter(info->state, &why)) {
        urne_html(b, "<p class=meta>%s</p>", urne_i18n_text(r->lang, why)); /* a sentence of the engine's table */
        return;
    }
    urne_figures typed = {0}, *pre = NULL;
    char err[300];
    if (message && status >= 400 && urne_req_param(r, "votants") &&
        urne_figures_from_params(r, &typed, err, sizeof err) == 0 && typed.nvotes == rd->contests[s->contest].ncand)
        pre = &typed;
    if (info->state == URNE_SHEET_MISMATCH) {
        urne_figures mine = {0}, other = {0};
        if (urne_app_entry_pair(&srv->app, id, bi, r->user.id, &other, &mine) == 1) {
            char diff[900];
            urne_figure_diff d[URNE_OUTCOME_DIFFS];
            size_t n = urne_figures_differences(rd, s->contest, &other, &mine, d, URNE_OUTCOME_DIFFS);
            urne_outcome_diff(r->lang, d, n < URNE_OUTCOME_DIFFS ? n : URNE_OUTCOME_DIFFS, n, diff, sizeof diff);
            urne_html(b, "<p class=\"flash bad\">%s ", _(r, "The two entries differ (other entry / yours):"));
            urne_html_text(b, diff);
            urne_html_trusted(b, "</p>");
        }
        urne_figures_free(&mine);
        urne_figures_free(&other);
    }
    sheet_form(b, r, e, bi, pre, status == 422);
    urne_figures_free(&typed);
}

/* The commission's form to contest the bureau, while its state allows it. */
static void contest_form(urne_buf *b, const urne_req *r, int64_t id, const urne_bureau_info *info, size_t bi) {
    const char *why;
    if (!urne_page_may(r, URNE_ACT_CONTEST, id) || !urne_recolement_may_contest(info->state, &why)) return;
    urne_html(b, "<form method=post class=card action=\"/e/%lld/b/%zu/contest\"><h2>%s</h2>", (long long)id, bi,
              _(r, "Contest this bureau"));
    urne_page_csrf(b, r);
    urne_html(b, "<label>%s<textarea name=reason required>%s</textarea></label><button>%s</button></form>",
              _(r, "Reason"), refused_field(r, "/contest", "reason"), _(r, "Contest"));
}

enum MHD_Result urne_page_bureau(urne_req *r, int64_t id, int64_t bureau, unsigned status, const char *message,
                                 const char *json) {
    urne_server *srv = r->srv;
    urne_app_read_begin(&srv->app);
    urne_election *e = urne_app_election(&srv->app, id);
    if (e == NULL || bureau < 0 || (size_t)bureau >= e->round->nsheets) {
        urne_app_read_end(&srv->app);
        return urne_page_not_found(r);
    }
    size_t bi = (size_t)bureau;
    const urne_sheet *s = &e->round->sheets[bi];
    const urne_bureau_info *info = &e->info[bi];
    char name[200];
    urne_election_bureau_name(e, bi, name, sizeof name);
    urne_buf b = {0};
    urne_page_begin(&b, r, name);
    bureau_crumbs(&b, id, e, s);
    urne_html_trusted(&b, "<h1>");
    urne_html_text(&b, name);
    urne_html_trusted(&b, " ");
    urne_page_bureau_badge(&b, r, info);
    urne_html_trusted(&b, "</h1>");
    urne_page_publication(&b, r, &e->meta);
    if (message) urne_page_flash(&b, status, message);
    json_t *j = json ? json_loads(json, 0, NULL) : NULL;
    refused_checks(&b, j);
    json_decref(j);
    if (urne_sheet_state_counts(info->state) == 1) figures_table(&b, r, e->round, s);
    urne_page_entered(&b, r, info, e->meta.zone);
    if (e->meta.deadline[0]) {
        urne_html(&b, "<p class=meta>%s ", _(r, "Entry deadline:"));
        urne_page_time(&b, r, e->meta.deadline, e->meta.zone);
        urne_html_trusted(&b, "</p>");
    }
    entry_section(&b, r, id, e, bi, status, message);
    contest_form(&b, r, id, info, bi);
    if (urne_page_may(r, URNE_ACT_READ_REVIEW, id)) {
        json_t *all = urne_disputes_json(&srv->app, id);
        urne_html(&b, "<h2>%s</h2>", _(r, "Disputes"));
        dispute_rows(&b, r, e, all, bureau, 1);
        json_decref(all);
    }
    urne_app_read_end(&srv->app);
    return urne_page_send(r, status ? status : 200, &b);
}

enum MHD_Result urne_page_entry_list(urne_req *r, int64_t id) {
    if (!urne_page_may(r, URNE_ACT_ENTER_SHEET, id)) return urne_page_denied(r);
    urne_server *srv = r->srv;
    urne_app_read_begin(&srv->app);
    urne_election *e = urne_app_election(&srv->app, id);
    if (e == NULL) {
        urne_app_read_end(&srv->app);
        return urne_page_not_found(r);
    }
    size_t cap = e->round->nsheets ? e->round->nsheets : 1;
    size_t *mine = malloc(cap * sizeof *mine);
    long n = mine ? urne_app_assigned_list(&srv->app, r->user.id, id, mine, cap) : -1;
    urne_buf b = {0};
    urne_page_begin(&b, r, _(r, "My bureaux"));
    urne_html(&b, "<h1>%s</h1><p>", _(r, "My bureaux"));
    urne_html_text(&b, e->meta.title);
    urne_html_trusted(&b, "</p><ul class=units>");
    for (long i = 0; i < n; i++) {
        char name[200];
        urne_election_bureau_name(e, mine[i], name, sizeof name);
        urne_html(&b, "<li><a href=\"/e/%lld/b/%zu\">", (long long)id, mine[i]);
        urne_html_text(&b, name);
        urne_html_trusted(&b, "</a> ");
        urne_page_entry_badge(&b, r, &e->info[mine[i]]);
        urne_html_trusted(&b, "</li>");
    }
    if (n <= 0) urne_html(&b, "<li>%s</li>", _(r, "No bureau is assigned to you."));
    urne_html_trusted(&b, "</ul>");
    free(mine);
    urne_app_read_end(&srv->app);
    return urne_page_send(r, 200, &b);
}

/* What an anomaly says, in the page's language (urne_anomaly_text), with a late
 * entry's two moments marked up as the pages mark moments. */
static void anomaly_detail(urne_buf *b, const urne_req *r, const urne_anomaly *a, const char *zone) {
    if (a->entered_at[0] && a->deadline[0]) {
        urne_html(b, "%s ", _(r, "entered on"));
        urne_page_time(b, r, a->entered_at, zone);
        urne_html(b, ", %s ", _(r, "after the deadline of"));
        urne_page_time(b, r, a->deadline, zone);
        return;
    }
    char text[1024];
    urne_anomaly_text(r, a, zone, text, sizeof text);
    urne_html_text(b, text);
}

enum MHD_Result urne_page_recolement(urne_req *r, int64_t id, unsigned status, const char *message) {
    if (!urne_page_may(r, URNE_ACT_READ_REVIEW, id)) return urne_page_denied(r);
    urne_server *srv = r->srv;
    urne_app_read_begin(&srv->app);
    urne_election *e = urne_app_election(&srv->app, id);
    if (e == NULL) {
        urne_app_read_end(&srv->app);
        return urne_page_not_found(r);
    }
    urne_buf b = {0};
    urne_page_begin(&b, r, _(r, "Review (récolement)"));
    urne_html(&b, "<nav class=crumbs><a href=\"/e/%lld\">", (long long)id);
    urne_html_text(&b, e->meta.title);
    urne_html(&b, "</a></nav><h1>%s</h1>", _(r, "Review (récolement)"));
    urne_page_publication(&b, r, &e->meta);
    if (message) urne_page_flash(&b, status, message);
    json_t *all = urne_disputes_json(&srv->app, id);
    urne_html(&b, "<h2>%s (%zu)</h2>", _(r, "Disputes"), json_array_size(all));
    dispute_rows(&b, r, e, all, -1, 1);
    json_decref(all);
    size_t n;
    urne_anomaly *an = urne_election_anomalies(e, &n);
    urne_html(&b, "<h2>%s (%zu)</h2><table class=\"anomalies stack\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                        "</tr></thead><tbody>",
                    _(r, "Anomalies"), n, _(r, "Bureau"), _(r, "Kind"),
                    _(r, "Detail"));
    /* A page of thousands of rows helps nobody; the cap is said, never silent. */
    const size_t shown_max = 500;
    for (size_t i = 0; i < n && i < shown_max; i++) {
        char name[200];
        urne_election_bureau_name(e, an[i].bureau, name, sizeof name);
        urne_html(&b, "<tr><td><a href=\"/e/%lld/b/%zu\">", (long long)id, an[i].bureau);
        urne_html_text(&b, name);
        /* The code rides along in data-kind: stable for scripts whatever the language. */
        urne_html(&b, "</a></td><td data-label=\"%s\" data-kind=\"%s\">", _(r, "Kind"), an[i].kind);
        urne_html_text(&b, urne_words_anomaly(r->lang, an[i].kind));
        urne_html(&b, "</td><td data-label=\"%s\">", _(r, "Detail"));
        anomaly_detail(&b, r, &an[i], e->meta.zone);
        urne_html_trusted(&b, "</td></tr>");
    }
    urne_html_trusted(&b, "</tbody></table>");
    if (n > shown_max) {
        char more[300];
        snprintf(more, sizeof more, _(r, "The first %zu of %zu anomalies are shown; all of them are listed at /api/elections/%lld/anomalies."),
                 shown_max, n, (long long)id);
        urne_html(&b, "<p class=\"flash bad\" role=status>%s</p>", more);
    }
    free(an);
    urne_app_read_end(&srv->app);
    return urne_page_send(r, status, &b);
}
