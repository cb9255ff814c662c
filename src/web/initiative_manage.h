/*
 * initiative_manage (web): the organisers' and the committee's forms on an
 * initiative's page, and the page routes they post to (initiative_manage.c
 * says why and how; the route table is initiative_routes.c's).
 */
#ifndef URNE_WEB_INITIATIVE_MANAGE_H
#define URNE_WEB_INITIATIVE_MANAGE_H

#include "../app/initiative.h"
#include "../core/urne_buf.h"
#include "routes.h"

/* The "Manage" section of initiative h's page for r's user: what the
 * application says they may do now (urne_app_initiative_allowed), as forms;
 * nothing at all for the public or a user who may do none of it. Under the
 * read lock (the page's). */
void urne_initiative_manage_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h);

/* POST /initiatives/N/transition (field event: submit, open, close, transmit,
 * answer with its text), /decision (field decision: admit or reject, with
 * reasons), /invalidate (fields signature and reason): the API's use cases;
 * done, a 303 to the page with its flash; refused, the page again (4xx) with
 * the refusal in the page's language. */
enum MHD_Result urne_initiative_form_transition(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_initiative_form_decision(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_initiative_form_invalidate(urne_req *r, int64_t id, int64_t b);

#endif
