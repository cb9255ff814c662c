/*
 * match_pages: the matching's pages, in French and English (match_routes.c has
 * the table and the API; app/match.h the use cases).
 *
 *   /match                  the campaigns;
 *   /match/N                a campaign's state, round and figures (placed,
 *                           unplaced, at which wish, priority pupils against the
 *                           others); the coordinator's forms when the reader is one;
 *   /match/N/pupils         a teacher's pupils (those of the schools they are
 *                           granted) with a form for each one's wishes, and each
 *                           one's placement in the last round published with why
 *                           not each wish above it (what the pupil's code shows);
 *   /match/N/host?code=     a host's places by its private link, with the form;
 *                           before the first round its applicants to rank
 *                           (match_ranks.c); its pupils (offered or accepted) and
 *                           their list as CSV (match_csv.c);
 *   /match/N/placement      a pupil gives their code (POST, never in a URL) and
 *                           reads their placement, its rank among their wishes,
 *                           for each wish above it why (the host's cutoff: the
 *                           priority and lottery number of the last pupil it
 *                           admitted), and answers the offer before its deadline.
 *
 * Written through html.h (every %s escaped: names, schools, wishes are whatever
 * a file or a form said), no inline script or style. Codes are never put in a
 * page's links but the host's own link, which is the code's purpose.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash.h"
#include "html.h"
#include "match_web.h"
#include "page_parts.h"

/* ---- helpers ---- */

static enum MHD_Result refused_page(urne_req *r, const urne_app_outcome *o, const char *title) {
    urne_result res = {0};
    urne_match_word(r, o, &res);
    urne_buf buf = {0};
    urne_page_begin(&buf, r, title);
    urne_html(&buf, "<h1>%s</h1>", title);
    urne_page_flash(&buf, res.status, res.message);
    return urne_page_send(r, res.status, &buf);
}

/* Campaign id read (the caller frees it), or NULL with *ret the page's answer:
 * 404 when there is none, 500 when it cannot be read. */
static urne_match_campaign_row *campaign_or_refusal(urne_req *r, int64_t id, enum MHD_Result *ret) {
    urne_match_campaign_row *c = malloc(sizeof *c);
    int rc = c ? urne_app_match_campaign(&r->srv->app, id, c) : -1;
    if (rc == 1) return c;
    free(c);
    *ret = rc == 0 ? urne_page_not_found(r) : urne_reply_json_error(r, 500, "%s", _(r, "The store failed."));
    return NULL;
}

/* "12 (34,5 %)" */
static void count_pct(urne_buf *b, const urne_req *r, int64_t n, int64_t of) {
    urne_page_int(b, r, n);
    if (of <= 0) return;
    urne_html_trusted(b, " (");
    urne_page_pct(b, r, n, of);
    urne_html_trusted(b, ")");
}

/* ---- the list and a campaign ---- */

static int list_item(const urne_match_campaign_row *c, void *ctx) {
    urne_buf *b = ((void **)ctx)[0];
    const urne_req *r = ((void **)ctx)[1];
    urne_html(b, "<li><a href=\"/match/%lld\">%s</a> — %s</li>", (long long)c->id, c->name,
              urne_match_state_words(r, c->state));
    ++*(int *)((void **)ctx)[2];
    return 0;
}

enum MHD_Result urne_match_page_list(urne_req *r, int64_t a, int64_t b) {
    (void)a, (void)b;
    urne_buf buf = {0};
    const char *title = _(r, "Placements: internships and other matchings");
    urne_page_begin(&buf, r, title);
    urne_html(&buf, "<h1>%s</h1><ul>", title);
    int n = 0;
    void *ctx[3] = {&buf, r, &n};
    int rc = urne_app_match_campaigns(&r->srv->app, list_item, ctx);
    urne_html_trusted(&buf, "</ul>");
    if (rc != 0) urne_html(&buf, "<p>%s</p>", _(r, "The list cannot be read now."));
    if (n == 0) urne_html(&buf, "<p>%s</p>", _(r, "No campaign yet."));
    return urne_page_send(r, 200, &buf);
}

static void figures_html(urne_buf *b, urne_req *r, const urne_match_campaign_row *c) {
    urne_match_figures f;
    if (c->round == 0 || urne_app_match_figures(&r->srv->app, c->id, 0, &f) < 0) return;
    urne_html(b, "<section class=card aria-labelledby=fig><h2 id=fig>%s ", _(r, "Round"));
    urne_page_int(b, r, f.round);
    urne_html(b, "</h2><p>%s ", _(r, "Pupils placed:"));
    count_pct(b, r, f.placed, f.pupils);
    urne_html(b, "<br>%s ", _(r, "unplaced:"));
    count_pct(b, r, f.unplaced, f.pupils);
    urne_html(b, "</p><table><caption>%s</caption><thead><tr><th scope=col>%s</th><th scope=col class=num>%s</th></tr></thead>"
                 "<tbody>",
              _(r, "Placed at which wish"), _(r, "Wish"), _(r, "Pupils"));
    for (int k = 1; k < URNE_MATCH_FIG_WISHES; k++) {
        if (f.wish[k] == 0) continue;
        urne_html_trusted(b, "<tr><td>");
        urne_page_int(b, r, k);
        urne_html_trusted(b, "</td><td class=num>");
        urne_page_int(b, r, f.wish[k]);
        urne_html_trusted(b, "</td></tr>");
    }
    if (f.wish[0]) {
        urne_html(b, "<tr><td>%s</td><td class=num>", _(r, "further down"));
        urne_page_int(b, r, f.wish[0]);
        urne_html_trusted(b, "</td></tr>");
    }
    urne_html(b, "</tbody></table><p>%s ", _(r, "Priority pupils (REP, REP+) placed:"));
    count_pct(b, r, f.priority_placed, f.priority_pupils);
    urne_html(b, "<br>%s ", _(r, "at their first wish:"));
    count_pct(b, r, f.priority_first, f.priority_pupils);
    urne_html(b, "<br>%s ", _(r, "other pupils at their first wish:"));
    count_pct(b, r, f.other_first, f.pupils - f.priority_pupils);
    urne_html_trusted(b, "</p></section>");
}

/* A coordinator's form sending files: its title, its help (markup from the
 * catalogue: file and column names as code), its fields (markup), its button. */
static void file_form(urne_buf *b, const urne_req *r, long long id, const char *act, const char *title,
                      const char *help, const char *fields, const char *more, const char *button) {
    urne_html(b, "<form method=post action=\"/match/%lld/act\" class=card>", id);
    urne_page_csrf(b, r);
    urne_html(b, "<h2>%s</h2><input type=hidden name=do value=\"%s\"><p>", title, act);
    urne_html_trusted(b, help);
    urne_html_trusted(b, "</p>");
    urne_html_trusted(b, fields);
    urne_html_trusted(b, more);
    urne_html(b, "<button>%s</button></form>", button);
}

static void coordinator_forms(urne_buf *b, const urne_req *r, const urne_match_campaign_row *c) {
    long long id = (long long)c->id;
    if (strcmp(c->state, "draft") == 0) {
        urne_html(b, "<form method=post action=\"/match/%lld/act\" class=card>", id);
        urne_page_csrf(b, r);
        urne_html(b, "<h2>%s</h2><input type=hidden name=do value=import>"
                     "<label>hosts.csv<textarea name=hosts required rows=6></textarea></label>"
                     "<label>pupils.csv<textarea name=pupils required rows=6></textarea></label>"
                     "<label>host_rankings.csv<textarea name=rankings rows=3></textarea></label><button>%s</button>"
                     "</form>",
                  _(r, "Import the hosts and the pupils"), _(r, "Import"));
    }
    if (strcmp(c->state, "collecting") == 0 && c->round == 0) {
        urne_html(b, "<form method=post action=\"/match/%lld/act\" class=card>", id);
        urne_page_csrf(b, r);
        urne_html(b, "<h2>%s</h2><input type=hidden name=do value=rankings><p>%s</p>"
                     "<label>host_rankings.csv<textarea name=rankings required rows=4></textarea></label>"
                     "<button>%s</button></form>",
                  _(r, "Add the rankings of hosts that rank their applicants"),
                  _(r, "Columns host, pupil, rank (1 first). A host ranked takes only the pupils it ranked; a host "
                       "ranked before keeps its ranking."),
                  _(r, "Add"));
    }
    if (strcmp(c->state, "collecting") == 0 && c->round == 0) {
        urne_buf max = {0};
        urne_html(&max, "<label>%s<input name=max_km required inputmode=numeric pattern=\"[0-9]+\"></label>",
                  _(r, "Maximum distance (km)"));
        file_form(b, r, id, "distances", _(r, "Set the distances between communes"),
                  _(r, "Columns <code>commune_a</code>, <code>commune_b</code>, <code>km</code>. Each round then places a "
                       "pupil only with a host whose commune (the column <code>commune</code> of <code>hosts.csv</code> "
                       "and <code>pupils.csv</code>) is within the maximum distance of theirs; a pair not in the table "
                       "counts as too far. Sent again, the table replaces the first."),
                  "<label><code>distances.csv</code><textarea name=distances required rows=4></textarea></label>",
                  max.data ? max.data : "", _(r, "Set"));
        urne_buf_free(&max);
    }
    if ((strcmp(c->state, "collecting") == 0 || strcmp(c->state, "published") == 0) && !c->final_round) {
        file_form(b, r, id, "correct", _(r, "Correct a host's ranking"),
                  _(r, "Columns <code>host</code>, <code>pupil</code>, <code>rank</code>: each host named gets these "
                       "lines as its whole ranking, in place of the one it gave. A pupil holding a place at the host "
                       "must stay ranked."),
                  "<label><code>host_rankings.csv</code><textarea name=rankings required rows=3></textarea></label>", "",
                  _(r, "Correct"));
        file_form(b, r, id, "add", _(r, "Add hosts and pupils who join late"),
                  _(r, "The files of the import, either or both. A pupil's wishes may name any host of the campaign. "
                       "An identifier already in the campaign is refused. Those added take part in the next round."),
                  "<label><code>hosts.csv</code><textarea name=hosts rows=3></textarea></label>",
                  "<label><code>pupils.csv</code><textarea name=pupils rows=4></textarea></label>", _(r, "Add"));
        urne_html(b, "<form method=post action=\"/match/%lld/act\" class=card>", id);
        urne_page_csrf(b, r);
        urne_html(b, "<h2>%s</h2><input type=hidden name=do value=run><label><input type=checkbox name=final "
                     "value=1> %s</label><button>%s</button></form>",
                  _(r, "Run the next round"), _(r, "the final phase, on the places left"), _(r, "Run"));
    }
    if (strcmp(c->state, "run") == 0) {
        urne_html(b, "<form method=post action=\"/match/%lld/act\" class=card>", id);
        urne_page_csrf(b, r);
        urne_html(b, "<h2>%s</h2><input type=hidden name=do value=publish>", _(r, "Publish the round"));
        urne_page_date_input(b, r, "deadline", "deadline", _(r, "Offers to answer before"), 1, 1, NULL);
        urne_html(b, "<button>%s</button></form>", _(r, "Publish"));
    }
    if (strcmp(c->state, "published") == 0) {
        urne_html(b, "<form method=post action=\"/match/%lld/act\" class=card>", id);
        urne_page_csrf(b, r);
        urne_html(b, "<input type=hidden name=do value=close><button>%s</button></form>", _(r, "Close the campaign"));
    }
    if (c->round > 0)
        urne_html(b, "<p>%s <a href=\"/match/%lld/assignment.csv\"><code>assignment.csv</code></a> · "
                     "<a href=\"/match/%lld/hosts.csv\"><code>hosts.csv</code></a> (%s) · "
                     "<a href=\"/match/%lld/explanations.csv\"><code>explanations.csv</code></a> · "
                     "<a href=\"/match/%lld/report.json\"><code>report.json</code></a></p>",
                  _(r, "Downloads of the last round:"), id, id, _(r, "each host's list"), id, id);
}

static enum MHD_Result campaign_page(urne_req *r, int64_t id, unsigned status, const char *message) {
    enum MHD_Result ret;
    urne_match_campaign_row *c = campaign_or_refusal(r, id, &ret);
    if (c == NULL) return ret;
    urne_buf buf = {0};
    urne_page_begin(&buf, r, c->name);
    if (message) urne_page_flash(&buf, status, message);
    urne_html(&buf, "<h1>%s</h1><p class=meta>%s", c->name, urne_match_state_words(r, c->state));
    if (c->deadline[0] && strcmp(c->state, "published") == 0) {
        urne_html(&buf, " — %s ", _(r, "offers to answer before"));
        urne_page_time(&buf, r, c->deadline, NULL);
    }
    urne_html(&buf, "</p><p><a href=\"/match/%lld/placement\">%s</a> · <a href=\"/match/%lld/pupils\">%s</a> · "
                    "<a href=\"/api/match/%lld\">%s</a></p>",
              (long long)id, _(r, "A pupil's placement (with their code)"), (long long)id, _(r, "Teachers: the pupils' wishes"),
              (long long)id, _(r, "These figures as JSON"));
    figures_html(&buf, r, c);
    urne_app_outcome o;
    if (urne_app_match_may(&r->srv->app, &r->user, URNE_ACT_MANAGE_MATCHES, id, NULL, &o) == URNE_APP_OK)
        coordinator_forms(&buf, r, c);
    urne_app_outcome_free(&o);
    free(c);
    return urne_page_send(r, status, &buf);
}

enum MHD_Result urne_match_page_one(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    unsigned status = 200;
    char message[1024];
    int flashed = urne_flash_take(r, &status, message, sizeof message);
    return campaign_page(r, id, flashed ? status : 200, flashed ? message : NULL);
}

/* The codes an import gives, as a page shown once. */
static void code_row(const char *kind, const char *key, const char *school, const char *code, void *ctx) {
    urne_buf *b = ctx;
    urne_html(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td><code>%s</code></td></tr>", kind, key, school, code);
}

/* The import (add 0) or hosts and pupils added later (add 1): the codes' page. */
static enum MHD_Result form_import(urne_req *r, int64_t id, int add) {
    const char *h = urne_req_param(r, "hosts"), *p = urne_req_param(r, "pupils"), *k = urne_req_param(r, "rankings");
    urne_buf rows = {0};
    urne_app_outcome o;
    if (add)
        urne_app_match_add(&r->srv->app, &r->user, id, h, h ? strlen(h) : 0, p, p ? strlen(p) : 0, code_row, &rows, &o);
    else
        urne_app_match_import(&r->srv->app, &r->user, id, h, h ? strlen(h) : 0, p, p ? strlen(p) : 0,
                              k && k[0] ? k : NULL, k ? strlen(k) : 0, code_row, &rows, &o);
    if (o.status != URNE_APP_OK) {
        urne_result res = {0};
        urne_match_word(r, &o, &res);
        urne_app_outcome_free(&o);
        urne_buf_free(&rows);
        return campaign_page(r, id, res.status, res.message);
    }
    urne_app_outcome_free(&o);
    urne_buf buf = {0};
    const char *title = _(r, "The codes, shown only now");
    urne_page_begin(&buf, r, title);
    urne_html(&buf, "<h1>%s</h1><p>%s</p><table><thead><tr><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s"
                    "</th><th scope=col>%s</th></tr></thead><tbody>",
              title, _(r, "Hand each host its link's code and each pupil's teacher the pupil's code: urne keeps only "
                          "their hashes and cannot show them again."),
              _(r, "Kind"), _(r, "Identifier"), _(r, "School"), _(r, "Code"));
    urne_html_trusted(&buf, rows.data ? rows.data : "");
    urne_html(&buf, "</tbody></table><p><a href=\"/match/%lld\">%s</a></p>", (long long)id, _(r, "Back to the campaign"));
    urne_buf_free(&rows);
    return urne_page_send(r, 200, &buf);
}

enum MHD_Result urne_match_form_act(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    const char *what = urne_req_param(r, "do");
    if (what && (strcmp(what, "import") == 0 || strcmp(what, "add") == 0))
        return form_import(r, id, strcmp(what, "add") == 0);
    urne_app_outcome o;
    const char *done;
    if (what && strcmp(what, "run") == 0) {
        const char *final = urne_req_param(r, "final");
        urne_app_match_run(&r->srv->app, &r->user, id, final && strcmp(final, "1") == 0, &o);
        done = _(r, "Round computed and checked: publish it when you have looked at it.");
    } else if (what && strcmp(what, "rankings") == 0) {
        const char *k = urne_req_param(r, "rankings");
        urne_app_match_rankings(&r->srv->app, &r->user, id, k, k ? strlen(k) : 0, &o);
        done = _(r, "Rankings added: these hosts take their applicants in their own order.");
    } else if (what && strcmp(what, "correct") == 0) {
        const char *k = urne_req_param(r, "rankings");
        urne_app_match_rankings_correct(&r->srv->app, &r->user, id, k, k ? strlen(k) : 0, &o);
        done = _(r, "Rankings corrected: the next round takes these hosts' new order.");
    } else if (what && strcmp(what, "distances") == 0) {
        const char *d = urne_req_param(r, "distances");
        urne_app_match_distances(&r->srv->app, &r->user, id, d, d ? strlen(d) : 0,
                                 urne_match_field_count(urne_req_param(r, "max_km"), -1), &o);
        done = _(r, "Distances set: each round keeps to the maximum distance.");
    } else if (what && strcmp(what, "publish") == 0) {
        urne_app_match_publish(&r->srv->app, &r->user, id, urne_req_param(r, "deadline"), &o);
        done = _(r, "Round published: each pupil placed has an offer to answer.");
    } else if (what && strcmp(what, "close") == 0) {
        urne_app_match_close(&r->srv->app, &r->user, id, &o);
        done = _(r, "Campaign closed.");
    } else
        return campaign_page(r, id, 400, _(r, "Unknown action."));
    urne_result res = {0};
    if (o.status != URNE_APP_OK) {
        urne_match_word(r, &o, &res);
        urne_app_outcome_free(&o);
        return campaign_page(r, id, res.status, res.message);
    }
    urne_app_outcome_free(&o);
    char location[48];
    snprintf(location, sizeof location, "/match/%lld", (long long)id);
    return urne_flash_redirect(r, location, 200, done, NULL);
}

/* ---- a teacher's pupils ---- */

static void reason_html(urne_buf *b, const urne_req *r, json_t *x);

typedef struct teacher_view {
    urne_req *r;
    urne_buf *b;
    int64_t id;
    int shown;
} teacher_view;

/* The pupil's answer to the offer of that place, when there is one: a place
 * refused or lapsed is said so, not shown as if it were the pupil's. */
static void offer_state(teacher_view *t, const urne_match_offer_row *o, const char *host) {
    if (o == NULL || strcmp(o->host, host) != 0) return;
    const char *said = strcmp(o->state, "accepted") == 0  ? _(t->r, "Accepted.")
                       : strcmp(o->state, "refused") == 0 ? _(t->r, "Refused: the place goes to the next in line.")
                       : strcmp(o->state, "expired") == 0 ? _(t->r, "Expired: the deadline passed.")
                                                           : _(t->r, "offered, not yet answered");
    urne_html(t->b, "<br><span class=meta>%s</span>", said);
}

/* A pupil's placement in the last round published that placed them (or left
 * them unplaced), with why not each wish above it: what the pupil's code shows,
 * for their teacher. */
static void placement_cell(teacher_view *t, const urne_match_pupil_view *v) {
    urne_html(t->b, "<td class=wide data-label=\"%s\">", _(t->r, "Placement (last round published)"));
    const urne_match_result_row *x = v->result;
    if (x == NULL) {
        urne_html_trusted(t->b, "—</td></tr>");
        return;
    }
    if (x->host[0]) {
        urne_html(t->b, "%s, %s ", x->host, _(t->r, "wish"));
        urne_page_int(t->b, t->r, x->wish);
        offer_state(t, v->offer, x->host);
    } else
        urne_html(t->b, "%s", _(t->r, "not placed"));
    json_t *why = json_loads(x->explanation, 0, NULL);
    if (json_array_size(why)) {
        urne_html(t->b, "<details><summary>%s</summary><ul>", _(t->r, "Why not a wish above"));
        for (size_t i = 0; i < json_array_size(why); i++) reason_html(t->b, t->r, json_array_get(why, i));
        urne_html_trusted(t->b, "</ul></details>");
    }
    json_decref(why);
    urne_html_trusted(t->b, "</td></tr>");
}

static void pupil_item(const urne_match_pupil_view *v, void *ctx) {
    teacher_view *t = ctx;
    const urne_match_pupil_row *p = v->pupil;
    t->shown++;
    urne_html(t->b, "<tr><td>%s</td><td class=wide data-label=\"%s\">%s</td><td class=wide data-label=\"%s\"><form method=post "
                    "action=\"/match/%lld/pupils\">",
              p->key, _(t->r, "School"), p->school, _(t->r, "Wishes"), (long long)t->id);
    urne_page_csrf(t->b, t->r);
    urne_html(t->b, "<input type=hidden name=pupil value=\"%s\"><input name=wishes value=\"%s\" aria-label=\"%s\" "
                    "maxlength=8000><button>%s</button></form></td>",
              p->key, p->wishes, _(t->r, "Wishes, best first, separated by >"), _(t->r, "Save"));
    placement_cell(t, v);
}

/* The page: its rows made by the use case's callback (urne_app_match_school_pupils,
 * which reads the rows and decides which schools the reader sees), the table's
 * head written once the campaign is known. */
static enum MHD_Result pupils_page(urne_req *r, int64_t id, unsigned status, const char *message) {
    urne_match_campaign_row *c = malloc(sizeof *c);
    urne_buf rows = {0};
    teacher_view t = {.r = r, .b = &rows, .id = id};
    urne_app_outcome o;
    if (c == NULL) return urne_reply_json_error(r, 500, "out of memory");
    urne_app_status st = urne_app_match_school_pupils(&r->srv->app, &r->user, id, c, pupil_item, &t, &o);
    urne_app_outcome_free(&o);
    if (st != URNE_APP_OK) {
        free(c);
        urne_buf_free(&rows);
        return st == URNE_APP_NO_CAMPAIGN ? urne_page_not_found(r)
                                          : urne_reply_json_error(r, 500, "%s", _(r, "The store failed."));
    }
    urne_buf buf = {0};
    const char *title = _(r, "The pupils' wishes");
    urne_page_begin(&buf, r, title);
    if (message) urne_page_flash(&buf, status, message);
    urne_html(&buf, "<h1>%s</h1><p class=meta>%s — %s</p><p>%s</p><table class=stack><thead><tr><th scope=col>%s</th>"
                    "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
              title, c->name, urne_match_state_words(r, c->state),
              _(r, "Host identifiers, best first, separated by > (for example H01>H07>H03)."), _(r, "Pupil"),
              _(r, "School"), _(r, "Wishes"), _(r, "Placement (last round published)"));
    urne_html_trusted(&buf, rows.data ? rows.data : "");
    urne_buf_free(&rows);
    urne_html_trusted(&buf, "</tbody></table>");
    if (t.shown == 0) urne_html(&buf, "<p>%s</p>", _(r, "No pupil of a school of yours in this campaign."));
    free(c);
    return urne_page_send(r, status, &buf);
}

enum MHD_Result urne_match_page_pupils(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    unsigned status = 200;
    char message[1024];
    int flashed = urne_flash_take(r, &status, message, sizeof message);
    return pupils_page(r, id, flashed ? status : 200, flashed ? message : NULL);
}

enum MHD_Result urne_match_form_wishes(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    urne_app_outcome o;
    urne_app_match_wishes(&r->srv->app, &r->user, id, urne_req_param(r, "pupil"), urne_req_param(r, "wishes"), &o);
    urne_result res = {0};
    if (o.status != URNE_APP_OK) {
        urne_match_word(r, &o, &res);
        urne_app_outcome_free(&o);
        return o.status == URNE_APP_NO_CAMPAIGN ? urne_page_not_found(r) : pupils_page(r, id, res.status, res.message);
    }
    urne_app_outcome_free(&o);
    char location[48];
    snprintf(location, sizeof location, "/match/%lld/pupils", (long long)id);
    return urne_flash_redirect(r, location, 200, _(r, "Wishes saved."), NULL);
}

/* ---- a host's page ---- */

typedef struct host_list {
    urne_buf *b;
    const urne_req *r;
    size_t n;
} host_list;

static void host_list_row(const urne_match_listed *x, void *ctx) {
    host_list *l = ctx;
    if (l->n++ == 0)
        urne_html(l->b, "<table class=stack><thead><tr><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
                        "<th scope=col>%s</th></tr></thead><tbody>",
                  _(l->r, "Pupil"), _(l->r, "School"), _(l->r, "Wish"), _(l->r, "Place"));
    urne_html(l->b, "<tr><td>%s</td><td class=wide data-label=\"%s\">%s</td><td class=num data-label=\"%s\">", x->pupil,
              _(l->r, "School"), x->school, _(l->r, "Wish"));
    urne_page_int(l->b, l->r, x->wish);
    urne_html(l->b, "</td><td data-label=\"%s\">%s</td></tr>", _(l->r, "Place"),
              strcmp(x->state, "accepted") == 0 ? _(l->r, "accepted") : _(l->r, "offered, not yet answered"));
}

/* The pupils a host holds (offered or accepted), and its list as CSV. */
static void host_list_html(urne_buf *b, urne_req *r, int64_t id, const char *code) {
    urne_html(b, "<section class=card aria-labelledby=list><h2 id=list>%s</h2>", _(r, "Your pupils"));
    host_list l = {b, r, 0};
    urne_app_outcome o;
    urne_app_match_lists(&r->srv->app, &r->user, id, code, host_list_row, &l, &o);
    if (l.n) urne_html_trusted(b, "</tbody></table>");
    else if (o.status == URNE_APP_OK)
        urne_html(b, "<p>%s</p>", _(r, "No pupil is placed with you yet: the list fills when a round is published."));
    else
        urne_html(b, "<p>%s</p>", _(r, "The list cannot be read now."));
    urne_app_outcome_free(&o);
    if (l.n) {
        urne_html(b, "<p><a href=\"/match/%lld/host.csv?code=", (long long)id);
        urne_buf_url(b, code);
        urne_html(b, "\" download>%s</a></p>", _(r, "Your list as CSV (for a spreadsheet)"));
    }
    urne_html_trusted(b, "</section>");
}

static enum MHD_Result host_page(urne_req *r, int64_t id, const char *code, unsigned status, const char *message) {
    urne_match_host_row *h = malloc(sizeof *h);
    if (h == NULL) return urne_reply_json_error(r, 500, "out of memory");
    urne_app_outcome o;
    if (urne_app_match_host_by_code(&r->srv->app, id, code, h, &o) != URNE_APP_OK) {
        free(h);
        enum MHD_Result ret = refused_page(r, &o, _(r, "A host's places"));
        urne_app_outcome_free(&o);
        return ret;
    }
    urne_app_outcome_free(&o);
    urne_buf buf = {0};
    urne_page_begin(&buf, r, h->name[0] ? h->name : h->key);
    if (message) urne_page_flash(&buf, status, message);
    urne_html(&buf, "<h1>%s</h1><p class=meta>%s</p>", h->name[0] ? h->name : h->key, h->key);
    urne_html(&buf, "<form method=post action=\"/match/%lld/host\" class=card>", (long long)id);
    urne_page_csrf(&buf, r);
    urne_html(&buf, "<h2>%s</h2><input type=hidden name=code value=\"%s\">"
                    "<label>%s<input name=name maxlength=200 value=\"%s\"></label>"
                    "<label>%s<input name=capacity type=number min=0 required value=\"%lld\"></label>"
                    "<label>%s<input name=reserved type=number min=0 value=\"%lld\"></label>"
                    "<label>%s<input name=weeks maxlength=1000 value=\"%s\"></label><button>%s</button></form>",
              _(r, "Your places"), code, _(r, "Name"), h->name, _(r, "Places"), (long long)h->capacity,
              _(r, "of which held for priority pupils (REP, REP+)"), (long long)h->reserved,
              _(r, "Weeks offered, separated by | (empty: any week)"), h->weeks, _(r, "Save"));
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c && urne_app_match_campaign(&r->srv->app, id, c) == 1) urne_match_ranks_html(&buf, r, c, h->key, code);
    free(c);
    free(h);
    host_list_html(&buf, r, id, code);
    return urne_page_send(r, status, &buf);
}

enum MHD_Result urne_match_page_host(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    r->cacheable = 0; /* its private code is in the address: never kept (no-store), nor shared from the cache */
    return host_page(r, id, urne_req_query(r, "code"), 200, NULL);
}

enum MHD_Result urne_match_form_host(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    const char *code = urne_req_param(r, "code"), *cap = urne_req_param(r, "capacity"),
               *res_ = urne_req_param(r, "reserved");
    urne_match_places in = {NULL, code, urne_req_param(r, "name"), urne_req_param(r, "weeks"),
                            urne_match_field_count(cap, -1), urne_match_field_count(res_, 0)};
    urne_app_outcome o;
    urne_result res = {0};
    const char *what = urne_req_param(r, "do");
    if (what && strcmp(what, "ranks") == 0) {
        urne_match_ranks_post(r, id, code, &res);
        return host_page(r, id, code, res.status, res.message); /* a wrong code: the page refuses it */
    }
    if (urne_app_match_places(&r->srv->app, &r->user, id, &in, &o) == URNE_APP_OK)
        urne_result_set(&res, 200, "%s", _(r, "Places saved."));
    else
        urne_match_word(r, &o, &res);
    int found = o.status != URNE_APP_NO_CAMPAIGN;
    urne_app_outcome_free(&o);
    return found ? host_page(r, id, code, res.status, res.message) : refused_page(r, &o, _(r, "A host's places"));
}

/* ---- a pupil's placement ---- */

static void code_form(urne_buf *b, const urne_req *r, int64_t id) {
    urne_html(b, "<form method=post action=\"/match/%lld/placement\" class=card>", (long long)id);
    urne_page_csrf(b, r);
    urne_html(b, "<h2>%s</h2><label>%s<input name=code required maxlength=40 autocomplete=off></label>"
                 "<button>%s</button></form>",
              _(r, "Your placement"), _(r, "Your code (given by your teacher)"), _(r, "See"));
}

/* One reason of the explanation, as a list item. */
static void reason_html(urne_buf *b, const urne_req *r, json_t *x) {
    const char *host = json_string_value(json_object_get(x, "host")), *why = json_string_value(json_object_get(x, "why"));
    long long wish = (long long)json_integer_value(json_object_get(x, "wish"));
    urne_html(b, "<li>%s ", _(r, "Wish"));
    urne_page_int(b, r, wish);
    urne_html(b, _(r, ", %s: "), host ? host : ""); /* the French colon has its no-break space */
    why = why ? why : "";
    if (strcmp(why, "full") == 0 && json_object_get(x, "cutoff_lottery") && json_is_true(json_object_get(x, "by_rank"))) {
        urne_html(b, "%s ", _(r, "this host ranks its applicants itself; it ranked you"));
        urne_page_int(b, r, json_integer_value(json_object_get(x, "own_priority")));
        urne_html(b, " %s ", _(r, "and its last pupil admitted"));
        urne_page_int(b, r, json_integer_value(json_object_get(x, "cutoff_priority")));
    } else if (strcmp(why, "full") == 0 && json_object_get(x, "cutoff_lottery")) {
        urne_html(b, "%s ", _(r, "full. The last pupil admitted there had priority"));
        urne_page_int(b, r, json_integer_value(json_object_get(x, "cutoff_priority")));
        urne_html(b, " %s ", _(r, "and lottery number"));
        urne_page_int(b, r, json_integer_value(json_object_get(x, "cutoff_lottery")));
        urne_html(b, ", %s ", _(r, "you have priority"));
        urne_page_int(b, r, json_integer_value(json_object_get(x, "own_priority")));
        urne_html(b, " %s ", _(r, "and lottery number"));
        urne_page_int(b, r, json_integer_value(json_object_get(x, "own_lottery")));
        urne_html(b, " (%s)", _(r, "a higher priority first, then the lower lottery number"));
    } else if (strcmp(why, "full") == 0)
        urne_html(b, "%s", _(r, "it had no place left for you."));
    else if (strcmp(why, "week-not-offered") == 0)
        urne_html(b, "%s", _(r, "it does not offer the week you are available."));
    else if (strcmp(why, "not-ranked-by-host") == 0)
        urne_html(b, "%s", _(r, "it ranks its applicants itself and did not rank you."));
    else if (strcmp(why, "no-places") == 0)
        urne_html(b, "%s", _(r, "it has no places."));
    else if (strcmp(why, "taken-before") == 0)
        urne_html(b, "%s", _(r, "its places were taken before your turn."));
    else
        urne_html(b, "%s", _(r, "it is further from your commune than the maximum distance."));
    urne_html_trusted(b, "</li>");
}

static void placement_html(urne_buf *b, const urne_req *r, const urne_match_placement *v, const char *code) {
    const urne_match_result_row *x = &v->result;
    if (!v->has_result) {
        urne_html(b, "<p>%s</p>", _(r, "No round is published yet."));
        return;
    }
    urne_html(b, "<section class=card><h2>%s ", _(r, "Round"));
    urne_page_int(b, r, x->round);
    if (x->host[0]) {
        urne_html(b, "</h2><p>%s <strong>%s</strong>, %s ", _(r, "You are placed with"), x->host, _(r, "your wish"));
        urne_page_int(b, r, x->wish);
        urne_html_trusted(b, ".</p>");
    } else
        urne_html(b, "</h2><p><strong>%s</strong></p>", _(r, "You are not placed in this round."));
    json_t *why = json_loads(x->explanation, 0, NULL);
    if (json_array_size(why)) {
        urne_html(b, "<h3>%s</h3><ul>", x->host[0] ? _(r, "Why not a wish above it") : _(r, "Why not your wishes"));
        for (size_t i = 0; i < json_array_size(why); i++) reason_html(b, r, json_array_get(why, i));
        urne_html_trusted(b, "</ul>");
    }
    json_decref(why);
    urne_html_trusted(b, "</section>");
    if (!v->has_offer) return;
    const urne_match_offer_row *o = &v->offer;
    urne_html(b, "<section class=card><h2>%s</h2><p>%s <strong>%s</strong></p><p>", _(r, "The offer"),
              _(r, "Place with"), o->host);
    if (strcmp(o->state, "offered") == 0) {
        urne_html(b, "%s ", _(r, "To answer before"));
        urne_page_time(b, r, o->deadline, NULL);
        urne_html(b, ".</p><form method=post action=\"/match/%lld/placement\">", (long long)o->campaign);
        urne_page_csrf(b, r);
        urne_html(b, "<input type=hidden name=code value=\"%s\"><button name=answer value=accept>%s</button> "
                     "<button name=answer value=refuse>%s</button></form>",
                  code, _(r, "Accept"), _(r, "Refuse"));
    } else
        urne_html(b, "%s</p>", strcmp(o->state, "accepted") == 0   ? _(r, "Accepted.")
                               : strcmp(o->state, "refused") == 0 ? _(r, "Refused: the place goes to the next in line.")
                                                                   : _(r, "Expired: the deadline passed."));
    urne_html_trusted(b, "</section>");
}

enum MHD_Result urne_match_page_placement(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    enum MHD_Result ret;
    urne_match_campaign_row *c = campaign_or_refusal(r, id, &ret);
    if (c == NULL) return ret;
    urne_buf buf = {0};
    urne_page_begin(&buf, r, _(r, "Your placement"));
    urne_html(&buf, "<h1>%s</h1>", c->name);
    code_form(&buf, r, id);
    free(c);
    return urne_page_send(r, 200, &buf);
}

enum MHD_Result urne_match_form_placement(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    const char *code = urne_req_param(r, "code"), *answer = urne_req_param(r, "answer");
    urne_app_outcome o;
    urne_result res = {0};
    if (answer && (strcmp(answer, "accept") == 0 || strcmp(answer, "refuse") == 0)) {
        if (urne_app_match_answer(&r->srv->app, id, code, strcmp(answer, "accept") == 0, &o) == URNE_APP_OK)
            urne_result_set(&res, 200, "%s", _(r, "Your answer is recorded."));
        else
            urne_match_word(r, &o, &res);
        urne_app_outcome_free(&o);
    }
    urne_match_placement *v = malloc(sizeof *v);
    if (v == NULL) return urne_reply_json_error(r, 500, "out of memory");
    if (urne_app_match_placement(&r->srv->app, id, code, v, &o) != URNE_APP_OK) {
        free(v);
        enum MHD_Result ret = refused_page(r, &o, _(r, "Your placement"));
        urne_app_outcome_free(&o);
        return ret;
    }
    urne_app_outcome_free(&o);
    urne_buf buf = {0};
    urne_page_begin(&buf, r, _(r, "Your placement"));
    if (res.status) urne_page_flash(&buf, res.status, res.message);
    urne_html(&buf, "<h1>%s</h1><p class=meta>%s %s</p>", v->campaign.name, _(r, "Pupil"), v->pupil.key);
    placement_html(&buf, r, v, code);
    free(v);
    return urne_page_send(r, res.status ? res.status : 200, &buf);
}
