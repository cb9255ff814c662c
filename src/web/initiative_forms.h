/*
 * initiative_forms (web): creating an initiative and importing its roll from
 * the pages, and the page routes those forms post to (initiative_forms.c says
 * why and how; the route table is initiative_routes.c's).
 */
#ifndef URNE_WEB_INITIATIVE_FORMS_H
#define URNE_WEB_INITIATIVE_FORMS_H

#include "../app/initiative.h"
#include "../core/urne_buf.h"
#include "../core/urne_diag.h"
#include "routes.h"

/* The form creating an initiative, for /initiatives: nothing unless r's user may
 * manage initiatives in some space. The rules start from ?preset= (a preset the
 * engine knows; another, or none, the default one) on a GET; a refused POST's
 * page keeps what was typed. Takes the application's lock (recursive). */
void urne_initiative_create_form_html(urne_buf *b, urne_req *r);

/* 1 when initiative h's page shows r's user the roll's form: they may import it
 * now (urne_app_initiative_roll_allowed) and its signers are on a roll (not
 * confirmed by e-mail). Takes the lock (recursive). */
int urne_initiative_roll_form_shown(const urne_req *r, const urne_initiative_held *h);

/* The form importing initiative h's roll, in its page's Manage section: nothing
 * unless urne_initiative_roll_form_shown. Under the page's read lock. */
void urne_initiative_roll_form_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h);

/* A form's message as a page shows it: a flash, and under it, when `checks`
 * holds some, each error with its line, field and rule in the page's language
 * (the first 50; how many more said). message NULL: none. */
void urne_initiative_checks_html(urne_buf *b, const urne_req *r, unsigned status, const char *message,
                                 const urne_diags *checks);

/* POST /initiatives (fields title, space, rules, authority_key) and POST
 * /initiatives/N/roll (field csv, the roll's text; source, its file's name): the
 * API's use cases. Done, a 303 to the initiative's page with its flash; refused,
 * the page again (4xx) with the refusal and its errors, what was typed kept. */
enum MHD_Result urne_initiative_form_create(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_initiative_form_roll(urne_req *r, int64_t id, int64_t b);

/* The pages these answer with (initiative_routes.c): the list of initiatives
 * with the creation form, and initiative id's page, each with a message and its
 * errors (NULL: none), status the answer's. */
enum MHD_Result urne_initiative_list_page(urne_req *r, unsigned status, const char *message, const urne_diags *checks);
enum MHD_Result urne_initiative_checks_page(urne_req *r, int64_t id, unsigned status, const char *message,
                                            const urne_diags *checks);

#endif
