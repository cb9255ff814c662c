/*
 * initiative_manage: the organisers' and the committee's forms on an
 * initiative's page (issue 18), beside the API's routes that do the same.
 *
 * An initiative moves by its organisers' acts (submit, open, close, transmit,
 * answer: administrators of its space) and its committee's (admit or reject with
 * reasons, invalidate a signature with a reason: a commission there). The API
 * and the command line had them; a member logging in saw only the signers'
 * forms. The page's "Manage" section shows a logged-in user what the
 * application says they may do now (urne_app_initiative_allowed: their grants in
 * the initiative's space, the events the lifecycle takes from its state): one
 * button per transition, a textarea for the authority's answer, the decision's
 * form while the initiative awaits it, the invalidation's form. Nothing of it for
 * the public or for a role that may do none of it. While the roll may change,
 * the organisers' part also holds the roll's form (initiative_forms.c).
 *
 * Each form posts to a page route (POST /initiatives/N/transition, /decision,
 * /invalidate) that calls the SAME use case as the API's route; the dispatcher
 * refuses the wrong roles first (the login page, or 403), the server the POST
 * without the session's CSRF token, and the use case decides for the
 * initiative's own space. Done: post/redirect/get to the page, whose flash says
 * what happened. Refused: the page again (4xx) with the refusal in the page's
 * language and what was typed, as every form of the site.
 *
 * Written through html.h (every %s escaped), no inline script, the site's
 * classes (card, actions, form.inline), so that it reads at 360 px.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/initiative.h"
#include "actions.h"
#include "flash.h"
#include "initiative_forms.h"
#include "initiative_mail.h"
#include "initiative_manage.h"
#include "initiative_words.h"
#include "page_parts.h"
#include "reply.h"

/* The organisers' buttons, in the lifecycle's order (answer has its own form). */
static const urne_initiative_event buttons[] = {URNE_INITIATIVE_SUBMIT, URNE_INITIATIVE_OPEN, URNE_INITIATIVE_CLOSE,
                                                URNE_INITIATIVE_TRANSMIT};

static const char *button_text(const urne_req *r, urne_initiative_event e) {
    switch (e) {
    case URNE_INITIATIVE_SUBMIT: return _(r, "Submit to the committee");
    case URNE_INITIATIVE_OPEN: return _(r, "Open the collection");
    case URNE_INITIATIVE_CLOSE: return _(r, "Close the collection");
    case URNE_INITIATIVE_TRANSMIT: return _(r, "Transmit to the authority");
    default: break;
    }
    return "?";
}

/* What a refused form of this section had typed (its page is the POST's answer):
 * the field `name` of the request, or "" (never a GET's query, never shown twice). */
static const char *typed(const urne_req *r, const char *name) {
    const char *v = strcmp(r->method, "POST") == 0 ? urne_req_param(r, name) : NULL;
    return v ? v : "";
}

static void organiser_html(urne_buf *b, const urne_req *r, long long id, unsigned mask) {
    int any = 0;
    for (size_t i = 0; i < sizeof buttons / sizeof buttons[0]; i++) {
        if (!(mask & (1u << buttons[i]))) continue;
        if (!any) urne_html_trusted(b, "<div class=actions>");
        any = 1;
        urne_html(b, "<form method=post action=\"/initiatives/%lld/transition\" class=inline>", id);
        urne_page_csrf(b, r);
        urne_html(b, "<input type=hidden name=event value=\"%s\"><button>%s</button></form>",
                  urne_initiative_event_name(buttons[i]), button_text(r, buttons[i]));
    }
    if (any) urne_html_trusted(b, "</div>");
    if (mask & (1u << URNE_INITIATIVE_ANSWER)) {
        urne_html(b, "<form method=post action=\"/initiatives/%lld/transition\">", id);
        urne_page_csrf(b, r);
        urne_html(b, "<input type=hidden name=event value=answer><label>%s<textarea name=text required rows=5 "
                     "maxlength=%d>%s</textarea></label><button>%s</button></form>",
                  _(r, "The authority's answer"), URNE_STORE_INITIATIVE_TEXT_MAX, typed(r, "text"),
                  _(r, "Publish the answer"));
    }
}

static void committee_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h, unsigned mask,
                           int invalidate) {
    long long id = (long long)h->row.id;
    if (mask & (1u << URNE_INITIATIVE_ADMIT | 1u << URNE_INITIATIVE_REJECT)) {
        urne_html(b, "<h3>%s</h3><form method=post action=\"/initiatives/%lld/decision\">",
                  _(r, "The committee's decision"), id);
        urne_page_csrf(b, r);
        urne_html(b, "<label>%s<span class=hint>%s</span><textarea name=reasons required rows=5 maxlength=%d>%s"
                     "</textarea></label><div class=actions><button name=decision value=admit>%s</button>"
                     "<button name=decision value=reject>%s</button></div></form>",
                  _(r, "Reasons"), _(r, "Published with the decision."), URNE_STORE_INITIATIVE_TEXT_MAX,
                  typed(r, "reasons"), _(r, "Declare admissible"), _(r, "Declare inadmissible"));
    }
    if (invalidate && h->signatures > 0) {
        urne_html(b, "<h3>%s</h3><form method=post action=\"/initiatives/%lld/invalidate\">",
                  _(r, "Invalidate a signature"), id);
        urne_page_csrf(b, r);
        urne_html(b, "<label>%s<span class=hint>%s</span><input name=signature required inputmode=numeric "
                     "pattern=\"[0-9]+\" maxlength=19 autocomplete=off value=\"%s\"></label>"
                     "<label>%s<textarea name=reason required rows=3 maxlength=%d>%s</textarea></label>"
                     "<button>%s</button></form>",
                  _(r, "Signature number"), _(r, "The number its receipt code begins with."), typed(r, "signature"),
                  _(r, "Reason"), URNE_STORE_INITIATIVE_TEXT_MAX, typed(r, "reason"), _(r, "Invalidate"));
    }
}

void urne_initiative_manage_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h) {
    if (r->user.id <= 0) return; /* the public: nothing to ask (the page the cache keeps) */
    int invalidate = 0;
    unsigned mask = urne_app_initiative_allowed(&r->srv->app, &r->user, h->row.id, &invalidate);
    int roll = urne_initiative_roll_form_shown(r, h);
    if (mask == 0 && !roll && !(invalidate && h->signatures > 0)) return;
    urne_html(b, "<section class=card aria-labelledby=manage><h2 id=manage>%s</h2>", _(r, "Manage"));
    organiser_html(b, r, (long long)h->row.id, mask);
    urne_initiative_roll_form_html(b, r, h);
    committee_html(b, r, h, mask, invalidate);
    urne_html_trusted(b, "</section>");
}

/* ---- the forms' routes ---- */

/* The page again with the refusal of o, in the page's language. o is freed. */
static enum MHD_Result refused(urne_req *r, int64_t id, urne_app_outcome *o) {
    urne_result res = {0};
    urne_initiative_word(r, o, &res);
    urne_app_outcome_free(o);
    return urne_initiative_mail_page(r, id, res.status, res.message, NULL, NULL, NULL, NULL, NULL);
}

/* Done: to the page, whose flash says `message`. */
static enum MHD_Result done(urne_req *r, int64_t id, const char *message) {
    char location[64];
    snprintf(location, sizeof location, "/initiatives/%lld", (long long)id);
    return urne_flash_redirect(r, location, 200, message, NULL);
}

/* The state named `name` (a use case's outcome.detail) in words. */
static const char *state_named(const urne_req *r, const char *name) {
    for (int s = 0; s < URNE_INITIATIVE_STATES; s++)
        if (strcmp(name, urne_initiative_state_name((urne_initiative_state)s)) == 0)
            return urne_initiative_state_text(r->lang, (urne_initiative_state)s);
    return name;
}

/* Move initiative id by the event named by field `field` of the form, if it is
 * one of `allowed` (a mask of events), with `text` (the reasons, the answer). */
static enum MHD_Result act(urne_req *r, int64_t id, const char *field, unsigned allowed, const char *text) {
    const char *name = urne_req_param(r, field);
    int e = -1;
    for (int k = 0; name && k < URNE_INITIATIVE_EVENTS; k++)
        if ((allowed & (1u << k)) && strcmp(name, urne_initiative_event_name((urne_initiative_event)k)) == 0) e = k;
    if (e < 0)
        return urne_initiative_mail_page(r, id, 400, _(r, "Unknown event: see the API's documentation."), NULL,
                                         NULL, NULL, NULL, NULL);
    urne_app_outcome o;
    if (urne_app_initiative_act(&r->srv->app, &r->user, id, (urne_initiative_event)e, text, &o) != URNE_APP_OK)
        return refused(r, id, &o);
    char message[300];
    snprintf(message, sizeof message, _(r, "Done. The initiative's state: %s."), state_named(r, o.detail));
    urne_app_outcome_free(&o);
    return done(r, id, message);
}

enum MHD_Result urne_initiative_form_transition(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    unsigned organisers = 1u << URNE_INITIATIVE_SUBMIT | 1u << URNE_INITIATIVE_OPEN | 1u << URNE_INITIATIVE_CLOSE |
                          1u << URNE_INITIATIVE_TRANSMIT | 1u << URNE_INITIATIVE_ANSWER;
    return act(r, id, "event", organisers, urne_req_param(r, "text"));
}

enum MHD_Result urne_initiative_form_decision(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    unsigned committee = 1u << URNE_INITIATIVE_ADMIT | 1u << URNE_INITIATIVE_REJECT;
    return act(r, id, "decision", committee, urne_req_param(r, "reasons"));
}

enum MHD_Result urne_initiative_form_invalidate(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    const char *number = urne_req_param(r, "signature");
    char *end = NULL;
    long long sig = number && *number ? strtoll(number, &end, 10) : 0;
    if (end == NULL || *end || sig <= 0)
        return urne_initiative_mail_page(r, id, 400, _(r, "Signature number: a whole number, as its receipt begins."),
                                         NULL, NULL, NULL, NULL, NULL);
    urne_app_outcome o;
    if (urne_app_initiative_invalidate(&r->srv->app, &r->user, id, (int64_t)sig, urne_req_param(r, "reason"), &o) !=
        URNE_APP_OK)
        return refused(r, id, &o);
    urne_app_outcome_free(&o);
    char message[300];
    snprintf(message, sizeof message, _(r, "Signature %lld invalidated; the counts follow."), sig);
    return done(r, id, message);
}
