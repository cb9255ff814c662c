/*
 * page_parts: what every page shares (layout, messages, badges) and the pages
 * that have files of their own: results (page_results.c), bureau, entry and
 * récolement (page_bureau.c), administration (page_admin.c).
 */
#ifndef URNE_PAGE_PARTS_H
#define URNE_PAGE_PARTS_H

#include "../app/results_live.h"
#include "../i18n/words.h"
#include "web.h"

/* Pages are written through html.h only: the raw appenders are poisoned here. */
#define URNE_HTML_POISON
#include "html.h"

/* Open the document: head, header with the navigation for the user's role. */
void urne_page_begin(urne_buf *b, urne_req *r, const char *title);
/* Close it (footer with the audit head) and send it; frees b. */
enum MHD_Result urne_page_send(urne_req *r, unsigned status, urne_buf *b);
/* A message box: green under 300, red otherwise. */
void urne_page_flash(urne_buf *b, unsigned status, const char *message);
void urne_page_state_badge(urne_buf *b, const urne_req *r, urne_unit_state st);
void urne_page_sheet_badge(urne_buf *b, const urne_req *r, urne_sheet_state st);
/* A bureau's state for everyone: its sheet's, but "imported" for figures counted
 * from an imported file that nobody has typed. */
void urne_page_bureau_badge(urne_buf *b, const urne_req *r, const urne_bureau_info *info);
/* A bureau's state for the secretary who enters it: "to enter" while nobody has
 * typed its sheet (missing, or figures only imported), else its sheet's. */
void urne_page_entry_badge(urne_buf *b, const urne_req *r, const urne_bureau_info *info);
/* When its figures were entered ("Entered on ..."), or imported from a file when
 * nobody typed them, in the election's `zone` (urne_page_time); nothing for a
 * bureau never entered or whose new vote waits. */
void urne_page_entered(urne_buf *b, const urne_req *r, const urne_bureau_info *info, const char *zone);
/* Where the election's publication stands: published (date, digest), reopened
 * (when and why: the results published are no longer final), and the publication
 * before it when that one was reopened. Nothing when never published. */
void urne_page_publication(urne_buf *b, const urne_req *r, const urne_election_meta *m);
/* A role's name for people, in the page's language ("secrétaire"). */
const char *urne_page_role(const urne_req *r, urne_role role);
/* A UTC time the store wrote ("2026-12-05T06:13:45Z") as people read it, in the
 * page's language and in `zone` (the election's, i18n.h; NULL: Europe/Paris):
 * "5 décembre 2026 à 7 h 13", followed by the zone's name when it is not
 * Europe/Paris ("(heure de Nouméa)"), in a <time> element that keeps the exact
 * value; any other text as it is (escaped). */
void urne_page_time(urne_buf *b, const urne_req *r, const char *iso, const char *zone);

/* A date field (a date and time one when with_time) that asks for the day first
 * in the page's words ("jj/mm/aaaa", "dd/mm/yyyy"): a text input with that
 * placeholder, a hint below it that the input names (aria-describedby, the hint's
 * id being ID-hint) and, for a date alone, a pattern that also takes the ISO form.
 * Not the browser's date control, which follows the browser's locale and not the
 * page's (mm/dd/yyyy in an American Chromium, on a French page). `id` is the
 * input's, unique on the page (a page may hold two such forms). The server reads
 * what is sent (a birth date: the identity's parser; a moment:
 * urne_i18n_moment_utc), both forms, and refuses anything else naming the field.
 * `typed`: the value to show again (NULL: none). */
void urne_page_date_input(urne_buf *b, const urne_req *r, const char *name, const char *id, const char *label,
                          int with_time, int required, const char *typed);
/* A hidden CSRF field for forms. */
void urne_page_csrf(urne_buf *b, const urne_req *r);
/* A percentage as people read it in the page's language ("24,01 %"), the sign
 * after a no-break space. */
void urne_page_pct(urne_buf *b, const urne_req *r, int64_t num, int64_t den);
/* An integer grouped as the page's language does: "12 345" (a narrow no-break
 * space) in French, "12,345" in English. */
void urne_page_int(urne_buf *b, const urne_req *r, int64_t v);
/* Append the sentence fmt as text (escaped), each %s in it replaced by the next of
 * codes written as <code> (escaped too): an identifier a translated sentence names
 * ("org/NAME") stays code in every language. fmt holds exactly n "%s" and no other
 * conversion (asserted). */
void urne_page_text_codes(urne_buf *b, const char *fmt, const char *const *codes, size_t n);

enum MHD_Result urne_page_denied(urne_req *r);
/* May the request's user do `action` on election `election` (0: the site)? 1 or
 * 0: what a page asks to decide which links and forms to show (app/app.h's
 * urne_app_may, the same decision the action takes). */
int urne_page_may(const urne_req *r, urne_action action, int64_t election);
enum MHD_Result urne_page_not_found(urne_req *r);

enum MHD_Result urne_page_results(urne_req *r, int64_t election);
/* What a results page shows: a unit of a level of an election, read from the
 * level results_live keeps (app/results_live.h), never summed again per request. */
typedef struct urne_page_unit {
    urne_election *e;
    size_t level;
    urne_live_level view; /* the level: its tally, states, sheets' units, sums */
    size_t index;         /* the unit's place in view.tally */
    const urne_unit *u;
    size_t by[URNE_SHEET_NSTATES]; /* the unit's sheets by récolement state */
    urne_unit_state state;
} urne_page_unit;
/* The unit a results page asks for (?level=, ?unit=; the level's first unit
 * without ?unit=), into *pu. 0 with the app's read lock held: the caller ends the
 * read (urne_app_read_end), and pu points into what the lock keeps. -1 when the
 * election, level or unit does not exist or cannot be read (nothing held then). */
int urne_page_unit_open(urne_req *r, int64_t id, urne_page_unit *pu);
/* A unit's candidates (votes, % of exprimés, % of inscrits) as a table, and its
 * outcome as a section when the unit is where the contest is decided or within it
 * (1 when written, 0 when not); page_results.c. */
/* order: the lines' order from urne_page_line_order, each with its chart colour's
 * swatch; NULL: the ballot's order, no swatch (the procès-verbal). */
void urne_page_candidates(urne_buf *b, const urne_req *r, const urne_unit *u, int64_t basis, const size_t *order);
/* The order of u's lines to show: by votes, most first, ties in ballot order, or
 * the ballot's order with ?order=ballot. malloc'd (the caller frees); NULL when out
 * of memory, which the writers above take as the ballot's order. */
size_t *urne_page_line_order(const urne_req *r, const urne_unit *u);
int urne_page_outcome(urne_buf *b, const urne_req *r, const urne_election *e, const urne_decision_sums *sums,
                      const urne_unit *u, size_t level,
                      urne_unit_state st);
/* Codes (levels, outcome kinds, presets, anomalies, audit actions) are worded by
 * src/i18n/words.h in the page's language: urne_words_level(r->lang, ...). */
/* An outcome's reason, sentence by sentence, in the page's language (the engine's
 * phrases worded here). */
void urne_page_outcome_reason(urne_buf *b, const urne_req *r, const urne_outcome *o);
/* A unit's procès-verbal, to print (page_pv.c). */
enum MHD_Result urne_page_pv(urne_req *r, int64_t election);
enum MHD_Result urne_page_bureau(urne_req *r, int64_t election, int64_t bureau, unsigned status, const char *message,
                                 const char *json);
enum MHD_Result urne_page_entry_list(urne_req *r, int64_t election);
enum MHD_Result urne_page_recolement(urne_req *r, int64_t election, unsigned status, const char *message);
/* The administrator's page; refused, a form of it is shown again with the
 * message and what was typed (page_admin.c). */
enum MHD_Result urne_page_admin(urne_req *r, unsigned status, const char *message);
/* Assigning an election's bureaux (?election=), found by name (?q=), to a
 * secretary picked from the accounts; refused, shown again as it was sent. */
enum MHD_Result urne_page_assign(urne_req *r, unsigned status, const char *message);
/* Each role's home page: a secretary's bureaux, a commission's open disputes,
 * what waits for an administrator, then the elections (page_home.c). */
enum MHD_Result urne_page_home(urne_req *r);

#endif
