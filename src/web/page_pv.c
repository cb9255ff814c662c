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
    struct { const char *fr, *en; int64_t v; int of_inscrits, of_votants; } rows[] = {
        {"Inscrits", "Registered", u->inscrits, 0, 0},
        {"Abstentions", "Abstentions", u->inscrits - u->votants, 1, 0},
        {"Votants", "Voters", u->votants, 1, 0},
        {"Blancs", "Blank", u->blancs, 1, 1},
        {"Nuls", "Void", u->nuls, 1, 1},
        {"Exprimés", "Valid votes", exprimes, 1, 1},
    };
    urne_html(b, "<table class=\"pv-figures stack\"><thead><tr><th scope=col>%s</th><th scope=col class=num>%s</th>",
              L(r, "Décompte", "Count"), L(r, "Nombre", "Number"));
    urne_html(b, "<th scope=col class=num>%s</th><th scope=col class=num>%s</th></tr></thead><tbody>",
              L(r, "% des inscrits", "% of registered"), L(r, "% des votants", "% of voters"));
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        urne_html(b, "<tr><th scope=row>%s</th><td class=num data-label=\"%s\">", L(r, rows[i].fr, rows[i].en),
                  L(r, "Nombre", "Number"));
        urne_page_int(b, r, rows[i].v);
        urne_html(b, "</td><td class=num data-label=\"%s\">", L(r, "% des inscrits", "% of registered"));
        if (rows[i].of_inscrits) urne_page_pct(b, r, rows[i].v, u->inscrits);
        urne_html(b, "</td><td class=num data-label=\"%s\">", L(r, "% des votants", "% of voters"));
        if (rows[i].of_votants) urne_page_pct(b, r, rows[i].v, u->votants);
        urne_html_trusted(b, "</td></tr>");
    }
    urne_html_trusted(b, "</tbody></table>");
}

/* Who signs: the bureau's officers for a bureau, the commission's above. */
static void signatures(urne_buf *b, const urne_req *r, int bureau) {
    urne_html(b, "<section class=signing><h2>%s</h2>", L(r, "Clôture et signatures", "Closing and signatures"));
    urne_html(b, "<p>%s</p><span class=line></span>", L(r, "Observations et réclamations :", "Observations and claims:"));
    urne_html_trusted(b, "<span class=line></span><span class=line></span>");
    urne_html(b, "<p class=made>%s <span class=blank></span>, %s <span class=blank></span></p>", L(r, "Fait à", "Done at"),
              L(r, "le", "on"));
    urne_html_trusted(b, "<div class=signatures><div class=sign><p><strong>");
    urne_html(b, "%s", bureau ? L(r, "Le président du bureau de vote", "The president of the polling station")
                              : L(r, "Le président de la commission de recensement", "The president of the counting commission"));
    urne_html(b, "</strong></p><p class=meta>%s</p><span class=line></span></div>", L(r, "Nom et signature", "Name and signature"));
    urne_html(b, "<div class=sign><p><strong>%s</strong></p><p class=meta>%s</p><span class=line></span></div>",
              L(r, "Le secrétaire", "The secretary"), L(r, "Nom et signature", "Name and signature"));
    for (int i = 1; i <= 4; i++)
        urne_html(b, "<div class=sign><p><strong>%s %d</strong></p><p class=meta>%s</p><span class=line></span></div>",
                  L(r, "Assesseur", "Assessor"), i, L(r, "Nom et signature", "Name and signature"));
    urne_html_trusted(b, "</div></section>");
}

enum MHD_Result urne_page_pv(urne_req *r, int64_t id) {
    urne_server *srv = r->srv;
    urne_app_read_begin(&srv->app);
    urne_election *e = urne_app_election(&srv->app, id);
    size_t level = e ? urne_election_level(e, urne_req_query(r, "level")) : URNE_NONE;
    urne_tally tally;
    if (e == NULL || level == URNE_NONE || urne_results_aggregate(e->round, level, &tally) < 0) {
        urne_app_read_end(&srv->app);
        return urne_page_not_found(r);
    }
    const char *q = urne_req_query(r, "unit");
    const urne_unit *u = q ? urne_tally_find(&tally, q) : (tally.nunits ? &tally.units[0] : NULL);
    if (u == NULL) {
        urne_tally_free(&tally);
        urne_app_read_end(&srv->app);
        return urne_page_not_found(r);
    }
    const urne_round *rd = e->round;
    const urne_election_meta *m = &e->meta;
    int bureau = level + 1 == rd->nlevels;
    size_t by[URNE_SHEET_NSTATES];
    urne_unit_state st = urne_election_unit_state(e, level, u->key, by);
    int64_t exprimes = urne_results_basis(u, &e->rules);
    const char *unit = u->label ? u->label : u->key;
    int64_t seq = 0;
    char head[URNE_AUDIT_HASH_HEX] = "", digest[65];
    urne_app_audit_head(&srv->app, &seq, head);
    json_t *last = seq > 0 ? urne_audit_json(&srv->app, seq, 1) : NULL;
    report_digest(e, digest);

    urne_buf b = {0};
    char title[600];
    snprintf(title, sizeof title, "%s — %s", L(r, "Procès-verbal", "Procès-verbal"), unit);
    urne_page_begin(&b, r, title);
    urne_html(&b, "<nav class=crumbs aria-label=\"%s\"><a href=\"/e/%lld?level=%zu&amp;unit=",
              L(r, "Fil d'Ariane", "Breadcrumb"), (long long)id, level);
    urne_html_url(&b, u->key);
    urne_html(&b, "\">%s</a></nav>", L(r, "Retour aux résultats", "Back to the results"));
    urne_html(&b, "<p class=no-print><button type=button data-print hidden>%s</button></p>",
              L(r, "Imprimer ce procès-verbal", "Print this procès-verbal"));

    urne_html_trusted(&b, "<article class=pv><div class=doc-head>");
    urne_html(&b, "<p><strong>%s</strong></p>",
              bureau ? L(r, "Procès-verbal des opérations de vote", "Record of the voting operations (procès-verbal)")
                     : L(r, "Procès-verbal de recensement et de proclamation des résultats", "Record of the count and proclamation of the results (procès-verbal)"));
    urne_html(&b, "<h1>%s</h1><p>", m->title);
    for (size_t l = 1; l < level && u->first; l++) /* the units above, from the top one down */
        urne_html(&b, "%s %s › ", rd->levels[l], u->first->label[l] ? u->first->label[l] : u->first->key[l]);
    urne_html(&b, "%s <strong>%s</strong> · %s %d</p></div>", rd->levels[level], unit, L(r, "tour", "round"), m->round);

    if (st != URNE_UNIT_FINAL)
        urne_html(&b, "<p class=status role=note>%s</p>",
                  st == URNE_UNIT_FROZEN
                      ? L(r, "Résultat gelé : un bureau est contesté devant la commission. Ce document n'est pas une proclamation.", "Result frozen: a bureau is contested before the commission. This document is not a proclamation.")
                      : L(r, "Résultat partiel : tous les bureaux ne sont pas comptés. Ce document n'est pas une proclamation.", "Partial result: not every bureau is counted. This document is not a proclamation."));

    urne_html(&b, "<dl><dt>%s</dt><dd>", L(r, "Bureaux comptés", "Bureaux counted"));
    urne_page_int(&b, r, (int64_t)u->sheets_reported);
    urne_html(&b, " %s ", L(r, "sur", "of"));
    urne_page_int(&b, r, (int64_t)u->sheets_expected);
    if (by[URNE_SHEET_CONTESTED]) urne_html(&b, " (%zu %s)", by[URNE_SHEET_CONTESTED], L(r, "contesté(s)", "contested"));
    urne_html(&b, "</dd><dt>%s</dt><dd>", L(r, "Chiffres arrêtés au", "Figures as of"));
    urne_page_time(&b, r, json_string_value(json_object_get(json_array_get(last, 0), "at")));
    urne_html(&b, " (%s %lld)</dd><dt>%s</dt><dd>", L(r, "entrée du journal d'audit n°", "audit log entry"), (long long)seq,
              L(r, "Publication", "Publication"));
    if (!m->published_at[0])
        urne_html(&b, "%s", L(r, "résultats non publiés", "results not published"));
    else {
        urne_html(&b, "%s ", L(r, "publiés le", "published on"));
        urne_page_time(&b, r, m->published_at);
        if (m->reopened_at[0]) {
            urne_html(&b, " ; %s ", L(r, "publication rouverte le", "publication reopened on"));
            urne_page_time(&b, r, m->reopened_at);
        }
    }
    urne_html_trusted(&b, "</dd></dl>");

    urne_html(&b, "<h2>%s</h2>", L(r, "Résultats du scrutin", "Results of the vote"));
    figures(&b, r, u, exprimes);
    if (e->rules.blank_recognised)
        urne_html(&b, "<p class=meta>%s</p>", L(r, "Vote blanc reconnu : les bulletins blancs comptent parmi les exprimés.", "Blank vote recognised: blank ballots count among the valid votes."));
    urne_html(&b, "<h2>%s</h2>", L(r, "Voix obtenues", "Votes cast for each candidate"));
    urne_page_candidates(&b, r, u, exprimes);
    if (!urne_page_outcome(&b, r, e, u, level, st))
        urne_html(&b, "<p class=meta>%s %s.</p>", L(r, "L'issue du scrutin se décide au niveau :", "The outcome is decided at the level:"),
                  rd->levels[rd->contest_level]);

    signatures(&b, r, bureau);

    urne_html(&b, "<section class=integrity><h2>%s</h2><dl>", L(r, "Vérification", "Verification"));
    urne_html(&b, "<dt>%s</dt><dd><code>%s</code>", L(r, "Empreinte SHA-256 des résultats de l'élection", "SHA-256 of the election's results"), digest);
    if (m->published_at[0] && !m->reopened_at[0])
        urne_html(&b, "<br>%s", strcmp(digest, m->published_digest) == 0
                                   ? L(r, "identique à l'empreinte publiée", "the same as the published digest")
                                   : L(r, "différente de l'empreinte publiée", "different from the published digest"));
    urne_html(&b, "</dd><dt>%s</dt><dd><code>#%lld %s</code></dd></dl>", L(r, "Tête du journal d'audit", "Audit log head"),
              (long long)seq, head);
    urne_html(&b, "<p class=meta>%s <code>/api/elections/%lld</code> %s <code>urne audit verify</code>.</p>",
              L(r, "L'empreinte est calculée comme à la publication, qui l'enregistre (voir", "The digest is computed as publishing computes and records it (see"),
              (long long)id, L(r, "et le journal d'audit) ; la chaîne du journal se vérifie par", "and the audit log); the log's chain is checked by"));
    urne_html_trusted(&b, "</section></article>");
    json_decref(last);
    urne_tally_free(&tally);
    urne_app_read_end(&srv->app);
    return urne_page_send(r, 200, &b);
}
