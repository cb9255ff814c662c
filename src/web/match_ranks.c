/*
 * match_ranks: a host ranking its own applicants from its private link (issue
 * 20; app/match.h, urne_app_match_host_ranks), a part of the host's page
 * (match_pages.c).
 *
 * While the campaign collects, before its first round, a host that has not
 * ranked yet sees the pupils who wished it (each with the school and the rank
 * of this host among their wishes) and may give each a rank, 1 first; a pupil
 * left empty is not taken there. The ranks are sent as pupil-I / rank-I fields
 * (I from 1 to n), read back into the use case, which writes them as the host's
 * lines of a host_rankings.csv and reads them as the coordinator's upload is
 * read. Written through html.h (every %s escaped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "match_web.h"
#include "page_parts.h"

#define MAX_APPLICANTS 2000 /* a host's form: past this, the coordinator's upload */

typedef struct applicants {
    urne_buf *b;
    const urne_req *r;
    const char *host;
    int ranked;  /* the host has a ranking already */
    size_t n;     /* the rows written, at most MAX_APPLICANTS */
    size_t total; /* every pupil who wished the host */
} applicants;

static int applicant_row(const urne_match_pupil_row *p, size_t k, void *ctx) {
    applicants *a = ctx;
    if (++a->total > MAX_APPLICANTS) return 0; /* counted: the page says the form cannot hold them */
    a->n++;
    urne_html(a->b, "<tr><td>%s<input type=hidden name=pupil-%zu value=\"%s\"></td><td class=wide data-label=\"%s\">%s</td>"
                    "<td class=num data-label=\"%s\">",
              p->key, a->n, p->key, _(a->r, "School"), p->school, _(a->r, "Wish"));
    urne_page_int(a->b, a->r, (int64_t)k);
    urne_html(a->b, "</td><td data-label=\"%s\"><input name=rank-%zu type=number min=1 inputmode=numeric "
                    "aria-label=\"%s %s\"></td></tr>",
              _(a->r, "Rank"), a->n, _(a->r, "Rank of"), p->key);
    return 0;
}

void urne_match_ranks_html(urne_buf *b, urne_req *r, const urne_match_campaign_row *c, const char *host, const char *code) {
    if (strcmp(c->state, "collecting") != 0 || c->round > 0) return;
    applicants a = {.b = b, .r = r, .host = host};
    urne_buf rows = {0};
    applicants list = {.b = &rows, .r = r, .host = host};
    int rc = urne_app_match_applicants(&r->srv->app, c->id, host, &a.ranked, applicant_row, &list);
    urne_html(b, "<section class=card aria-labelledby=ranks><h2 id=ranks>%s</h2>", _(r, "Rank your applicants (optional)"));
    if (rc != 0)
        urne_html(b, "<p>%s</p>", _(r, "The list cannot be read now."));
    else if (a.ranked)
        urne_html(b, "<p>%s</p>", _(r, "You rank your applicants: your ranking is given."));
    else if (list.n == 0)
        urne_html(b, "<p>%s</p>", _(r, "No pupil has wished your places yet."));
    else if (list.total > MAX_APPLICANTS) { /* never a form holding only some of them */
        urne_html(b, "<p>");
        urne_page_int(b, r, (int64_t)list.total);
        urne_html(b, " %s</p>",
                  _(r, "pupils wished your places: too many to rank on this page. Send your ranking to the "
                       "campaign's coordinator, who gives it as host_rankings.csv (host, pupil, rank)."));
    } else {
        urne_html(b, "<p>%s</p><form method=post action=\"/match/%lld/host\">",
                  _(r, "Without a ranking, your places go to priority pupils (REP, REP+) first, then by lottery. "
                       "With one, you take only the pupils you rank, 1 first: leave a pupil empty not to take them. "
                       "A ranking is given once."),
                  (long long)c->id);
        urne_page_csrf(b, r);
        urne_html(b, "<input type=hidden name=code value=\"%s\"><input type=hidden name=do value=ranks>"
                     "<input type=hidden name=n value=\"%zu\"><table class=stack><thead><tr><th scope=col>%s</th>"
                     "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
                  code, list.n, _(r, "Pupil"), _(r, "School"), _(r, "Wish"), _(r, "Rank"));
        urne_html_trusted(b, rows.data ? rows.data : "");
        urne_html(b, "</tbody></table><button>%s</button></form>", _(r, "Give my ranking"));
    }
    urne_html_trusted(b, "</section>");
    urne_buf_free(&rows);
}

void urne_match_ranks_post(urne_req *r, int64_t id, const char *code, urne_result *res) {
    int64_t n = urne_match_field_count(urne_req_param(r, "n"), 0);
    if (n < 0 || n > MAX_APPLICANTS) n = 0;
    const char **pupils = calloc((size_t)n + 1, sizeof *pupils);
    int64_t *ranks = calloc((size_t)n + 1, sizeof *ranks);
    size_t k = 0;
    for (int64_t i = 1; pupils && ranks && i <= n; i++) {
        char name[32];
        snprintf(name, sizeof name, "pupil-%lld", (long long)i);
        const char *p = urne_req_param(r, name);
        snprintf(name, sizeof name, "rank-%lld", (long long)i);
        const char *v = urne_req_param(r, name);
        if (p == NULL || !p[0]) continue;
        pupils[k] = p;
        ranks[k++] = urne_match_field_count(v, 0);
    }
    urne_app_outcome o;
    if (pupils == NULL || ranks == NULL)
        urne_result_set(res, 500, "out of memory");
    else if (urne_app_match_host_ranks(&r->srv->app, id, code, pupils, ranks, k, &o) == URNE_APP_OK)
        urne_result_set(res, 200, "%s", _(r, "Your ranking is given: you take only the pupils you ranked."));
    else
        urne_match_word(r, &o, res);
    if (pupils && ranks) urne_app_outcome_free(&o);
    free(pupils);
    free(ranks);
}
