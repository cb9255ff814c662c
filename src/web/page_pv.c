/*
 * page_pv: a unit's procès-verbal, the document a bureau or a commission signs and
 * posts: what was counted (inscrits, abstentions, votants, blancs, nuls,
 * exprimés), each candidate's votes with their share of the exprimés and of the
 * inscrits, the outcome where the contest is decided, a block for the signatures
 * (the president of the bureau or of the commission, the assessors, the
 * secretary) and what lets anyone check the paper against urne: the SHA-256 of
 * the election's results report (the digest publishing records) and the head of
 * the audit log.
 *
 * The same unit as the results page (?level=, ?unit=), for the same readers. It
 * is one page of the site on screen and an A4 document on paper (urne.css's print
 * rules hide the site around it). A result that is not final says so at the top:
 * such a paper is a statement of the count, never a proclamation.
 *
 * Dates come from the store (the audit head's, the publication's): the page has
 * no clock, so the same state always gives the same document, cached or not.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/queries.h"
#include "../app/results_view.h"
#include "page_parts.h"
#include "view.h"

/* The SHA-256 of the election's results report as publishing computes it (the
 * JSON report of the top level), in hex; "" when it cannot be computed. */
static void report_digest(const urne_election *e, char hex[65]) {
    size_t len;
    char *report = urne_election_report(e, 0, 0, &len);
    hex[0] = 0;
    if (report == NULL) return;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)report, len);
    sodium_bin2hex(hex, 65, h, sizeof h);
    free(report);
}

/* The figures of the count, each with its share of the inscrits and of the
 * votants where the law reads it so. */
static void figures(urne_buf *b, const urne_req *r, const urne_unit *u, int64_t exprimes) {
    struct { const char *en; int64_t v; int of_inscrits, of_votants; } rows[] = {
        {N_("Registered"), u->inscrits, 0, 0},
        {N_("Abstentions"), u->inscrits - u->votants, 1, 0},
        {N_("Voters"), u->votants, 1, 0},
        {N_("Blank"), u->blancs, 1, 1},
        {N_("Void"), u->nuls, 1, 1},
        {N_("Valid votes"), exprimes, 1, 1},
    };
    urne_html(b, "<table class=\"pv-figures stack\"><thead><tr><th scope=col>%s</th><th scope=col class=num>%s</th>",
              _(r, "Count"), _(r, "Number"));
    urne_html(b, "<th scope=col class=num>%s</th><th scope=col class=num>%s</th></tr></thead><tbody>",
              _(r, "% of registered"), _(r, "% of voters"));
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        urne_html(b, "<tr><th scope=row>%s</th><td class=num data-label=\"%s\">", _(r, rows[i].en),
                  _(r, "Number"));
        urne_page_int(b, r, rows[i].v);
        urne_html(b, "</td><td class=num data-label=\"%s\">", _(r, "% of registered"));
        if (rows[i].of_inscrits) urne_page_pct(b, r, rows[i].v, u->inscrits);
        urne_html(b, "</td><td class=num data-label=\"%s\">", _(r, "% of voters"));
        if (rows[i].of_votants) urne_page_pct(b, r, rows[i].v, u->votants);
        urne_html_trusted(b, "</td></tr>");
    }
    urne_html_trusted(b, "</tbody></table>");
}

/* Who signs: the bureau's officers for a bureau, the commission's above. */
static void signatures(urne_buf *b, const urne_req *r, int bureau) {
    urne_html(b, "<section class=signing><h2>%s</h2>", _(r, "Closing and signatures"));
    urne_html(b, "<p>%s</p><span class=line></span>", _(r, "Observations and claims:"));
    urne_html_trusted(b, "<span class=line></span><span class=line></span>");
    urne_html(b, "<p class=made>%s <span class=blank></span>, %s <span class=blank></span></p>", _(r, "Done at"),
              _(r, "on"));
    urne_html_trusted(b, "<div class=signatures><div class=sign><p><strong>");
    urne_html(b, "%s", bureau ? _(r, "The president of the polling station")
                              : _(r, "The president of the counting commission"));
    urne_html(b, "</strong></p><p class=meta>%s</p><span class=line></span></div>", _(r, "Name and signature"));
    urne_html(b, "<div class=sign><p><strong>%s</strong></p><p class=meta>%s</p><span class=line></span></div>",
              _(r, "The secretary"), _(r, "Name and signature"));
    for (int i = 1; i <= 4; i++)
        urne_html(b, "<div class=sign><p><strong>%s %d</strong></p><p class=meta>%s</p><span class=line></span></div>",
                  _(r, "Assessor"), i, _(r, "Name and signature"));
    urne_html_trusted(b, "</div></section>");
}

/* When and how far: bureaux counted, the audit entry the figures stand at, the publication. */
static void record_facts(urne_buf *bp, const urne_req *r, const urne_election_meta *m, const urne_unit *u,
                         const size_t *by, json_t *last, int64_t seq) {
    urne_html(bp, "<dl><dt>%s</dt><dd>", _(r, "Bureaux counted"));
    urne_page_int(bp, r, (int64_t)u->sheets_reported);
    urne_html(bp, " %s ", _(r, "of"));
    urne_page_int(bp, r, (int64_t)u->sheets_expected);
    if (by[URNE_SHEET_CONTESTED]) urne_html(bp, " (%zu %s)", by[URNE_SHEET_CONTESTED], _(r, "contested"));
    urne_html(bp, "</dd><dt>%s</dt><dd>", _(r, "Figures as of"));
    urne_page_time(bp, r, json_string_value(json_object_get(json_array_get(last, 0), "at")), m->zone);
    urne_html(bp, " (%s %lld)</dd><dt>%s</dt><dd>", _(r, "audit log entry"), (long long)seq,
              _(r, "Publication"));
    if (!m->published_at[0])
        urne_html(bp, "%s", _(r, "results not published"));
    else {
        urne_html(bp, "%s ", _(r, "published on"));
        urne_page_time(bp, r, m->published_at, m->zone);
        if (m->reopened_at[0]) {
            urne_html(bp, " ; %s ", _(r, "publication reopened on"));
            urne_page_time(bp, r, m->reopened_at, m->zone);
        }
    }
    urne_html_trusted(bp, "</dd></dl>");

}

/* The digest of the results and the audit log's head, with how to check them. */
static void integrity(urne_buf *bp, const urne_req *r, const urne_election_meta *m, int64_t id, const char *digest,
                      int64_t seq, const char *head) {
    urne_html(bp, "<section class=integrity><h2>%s</h2><dl>", _(r, "Verification"));
    urne_html(bp, "<dt>%s</dt><dd><code>%s</code>", _(r, "SHA-256 of the election's results"), digest);
    if (m->published_at[0] && !m->reopened_at[0])
        urne_html(bp, "<br>%s", strcmp(digest, m->published_digest) == 0
                                   ? _(r, "the same as the published digest")
                                   : _(r, "different from the published digest"));
    urne_html(bp, "</dd><dt>%s</dt><dd><code>#%lld %s</code></dd></dl>", _(r, "Audit log head"),
              (long long)seq, head);
    urne_html(bp, "<p class=meta>%s <code>/api/elections/%lld</code> %s <code>urne audit verify</code>.</p>",
              _(r, "The digest is computed as publishing computes and records it (see"),
              (long long)id, _(r, "and the audit log); the log's chain is checked by"));
}

enum MHD_Result urne_page_pv(urne_req *r, int64_t id) {
    urne_server *srv = r->srv;
    urne_page_unit pu;
    if (urne_page_unit_open(r, id, &pu) < 0) return urne_page_not_found(r);
    urne_election *e = pu.e;
    size_t level = pu.level;
    const urne_unit *u = pu.u;
    const urne_round *rd = e->round;
    const urne_election_meta *m = &e->meta;
    int bureau = level + 1 == rd->nlevels;
    const size_t *by = pu.by;
    urne_unit_state st = pu.state;
    int64_t exprimes = urne_results_basis(u, &e->rules);
    const char *unit = u->label ? u->label : u->key;
    int64_t seq = 0;
    char head[URNE_AUDIT_HASH_HEX] = "", digest[65];
    urne_app_audit_head(&srv->app, &seq, head);
    json_t *last = seq > 0 ? urne_audit_json(&srv->app, seq, 1) : NULL;
    report_digest(e, digest);

    urne_buf b = {0};
    char title[600];
    snprintf(title, sizeof title, "%s — %s", _(r, "Official report (procès-verbal)"), unit);
    urne_page_begin(&b, r, title);
    urne_html(&b, "<nav class=crumbs aria-label=\"%s\"><a href=\"/e/%lld?level=%zu&amp;unit=",
              _(r, "Breadcrumb"), (long long)id, level);
    urne_html_url(&b, u->key);
    urne_html(&b, "\">%s</a></nav>", _(r, "Back to the results"));
    urne_html(&b, "<p class=no-print><button type=button data-print hidden>%s</button></p>",
              _(r, "Print this official report"));

    urne_html_trusted(&b, "<article class=pv><div class=doc-head>");
    urne_html(&b, "<p><strong>%s</strong></p>",
              bureau ? _(r, "Record of the voting operations (procès-verbal)")
                     : _(r, "Record of the count and proclamation of the results (procès-verbal)"));
    urne_html(&b, "<h1>%s</h1><p>", m->title);
    for (size_t l = 1; l < level && u->first; l++) /* the units above, from the top one down */
        urne_html(&b, "%s %s › ", urne_words_level(r->lang, rd->levels[l], 0),
                  u->first->label[l] ? u->first->label[l] : u->first->key[l]);
    urne_html(&b, "%s <strong>%s</strong> · %s %d</p></div>", urne_words_level(r->lang, rd->levels[level], 0), unit,
              _(r, "round"), m->round);

    if (st != URNE_UNIT_FINAL)
        urne_html(&b, "<p class=status role=note>%s</p>",
                  st == URNE_UNIT_FROZEN
                      ? _(r, "Result frozen: a bureau is contested before the commission. This document is not a proclamation.")
                      : _(r, "Partial result: not every bureau is counted. This document is not a proclamation."));

    record_facts(&b, r, m, u, by, last, seq);
    urne_html(&b, "<h2>%s</h2>", _(r, "Results of the vote"));
    figures(&b, r, u, exprimes);
    if (e->rules.blank_recognised)
        urne_html(&b, "<p class=meta>%s</p>", _(r, "Blank vote recognised: blank ballots count among the valid votes."));
    urne_html(&b, "<h2>%s</h2>", _(r, "Votes cast for each candidate"));
    urne_page_candidates(&b, r, u, exprimes, NULL); /* a procès-verbal keeps the ballot's order */
    if (!urne_page_outcome(&b, r, e, pu.view.sums, u, level, st))
        urne_html(&b, "<p class=meta>%s %s.</p>", _(r, "The outcome is decided at the level:"),
                  urne_words_level(r->lang, rd->levels[rd->contest_level], 0));

    signatures(&b, r, bureau);

    integrity(&b, r, m, id, digest, seq, head);
    urne_html_trusted(&b, "</section></article>");
    json_decref(last);
    urne_app_read_end(&srv->app);
    return urne_page_send(r, 200, &b);
}
