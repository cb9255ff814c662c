/*
 * initiative_mail (web): signing a lighter petition by e-mail confirmation:
 * the form on the counter page, the "check your mail" page, the page the
 * mailed link opens (a button that confirms: a mail scanner fetching the link
 * confirms nothing), the API, the mail itself in the signer's language, and the
 * administrators' view of the mails not sent (app/initiative_mail.h has the use
 * cases; web/mail.c sends). Asking for a link is held back per client address
 * and network over the last hour (throttle.h): 429, with Retry-After for the API.
 *
 * The mail is plain text: what is being signed, by whom (as typed: the
 * address's owner sees a name that is not theirs), the absolute link (the
 * server's --public-url), the link's expiry, and what to do if one did not ask.
 * Everything a page shows goes through html.h's escaping.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/initiative_mail.h"
#include "../initiative/email.h"
#include "actions.h"
#include "addr.h"
#include "flash.h"
#include "initiative_mail.h"
#include "initiative_words.h"
#include "mail.h"
#include "page_parts.h"
#include "reply.h"
#include "throttle.h"

/* ---- words ---- */

static void word(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "";
    unsigned http = urne_outcome_http(o->status);
    long long at = (long long)o->number + 1; /* a byte's offset, counted from 1 as people count */
    if (strcmp(why, URNE_INITIATIVE_EMAIL_EMPTY) == 0)
        urne_result_set(res, http, _(r, "Field 'email': give your e-mail address: the link that confirms your "
                                        "signature is sent there."));
    else if (strcmp(why, URNE_INITIATIVE_EMAIL_LONG) == 0)
        urne_result_set(res, http, _(r, "Field 'email': too long (254 characters at most, 64 before the @)."));
    else if (strcmp(why, URNE_INITIATIVE_EMAIL_AT) == 0)
        urne_result_set(res, http, _(r, "Field 'email': an address has one @ with text on both sides "
                                        "(name@example.org)."));
    else if (strcmp(why, URNE_INITIATIVE_EMAIL_LOCAL) == 0)
        urne_result_set(res, http, _(r, "Field 'email': character %lld cannot be in an address before its @."), at);
    else if (strcmp(why, URNE_INITIATIVE_EMAIL_DOMAIN) == 0)
        urne_result_set(res, http, _(r, "Field 'email': what follows the @ is not a domain name (such as "
                                        "example.org)."));
    else if (strcmp(why, URNE_INITIATIVE_EMAIL_ASCII) == 0)
        urne_result_set(res, http, _(r, "Field 'email': character %lld is not accepted in an address here (accented "
                                        "and other non-ASCII letters)."),
                        at);
    else if (strcmp(why, URNE_WHY_UNKNOWN_LINK) == 0)
        urne_result_set(res, http, _(r, "This link is not, or no longer, a confirmation link of this initiative "
                                        "(a newer mail may have replaced it)."));
    else if (strcmp(why, URNE_WHY_LINK_EXPIRED) == 0)
        urne_result_set(res, http, _(r, "This link has expired (a link lasts 7 days): sign again to receive a new "
                                        "one. Nothing was counted."));
    else
        urne_initiative_word(r, o, res);
}

/* ---- the mail ---- */

typedef struct mail_ctx {
    const urne_req *r;
} mail_ctx;

static int compose(const urne_initiative_mail_facts *f, char *subject, size_t ssize, char *body, size_t bsize,
                   void *ctx) {
    const urne_req *r = ((mail_ctx *)ctx)->r;
    char until[32];
    time_t t = (time_t)f->expires_at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(until, sizeof until, "%Y-%m-%d %H:%M", &tm);
    int s = snprintf(subject, ssize, _(r, "Confirm your signature: %s"), f->title);
    const char *given = f->given ? f->given : "", *name = f->name ? f->name : "", *commune = f->commune ? f->commune : "";
    int n = f->renewal /* the names typed this time replace the first: the mail names them, and says so */
                ? snprintf(body, bsize,
                           _(r, "Hello,\n\nA new link was asked to sign the initiative \"%s\" with this address, "
                                "as:\n    %s %s, %s\n\nThe links mailed before for this address no longer work. If "
                                "these are not your names, do not confirm: ask again from the initiative's page.\n\n"
                                "Your signature counts once you confirm it. To confirm it, open this link before %s "
                                "(UTC) and press the button:\n\n%s/initiatives/%lld/confirm?token=%s\n\nIf you did "
                                "not ask for this, ignore this mail: nothing is counted without the link.\n\n-- \n"
                                "urne\n"),
                           f->title, given, name, commune, until, r->srv->public_url, (long long)f->initiative,
                           f->token)
                : snprintf(body, bsize,
                     _(r, "Hello,\n\nYou asked to sign the initiative \"%s\" as:\n    %s %s, %s\n\nYour signature "
                          "counts once you confirm it. To confirm it, open this link before %s (UTC) and press the "
                          "button:\n\n%s/initiatives/%lld/confirm?token=%s\n\nIf you did not ask for this, ignore this "
                          "mail: nothing is counted without the link.\n\n-- \nurne\n"),
                           f->title, given, name, commune, until, r->srv->public_url, (long long)f->initiative,
                           f->token);
    return s < 0 || (size_t)s >= ssize || n < 0 || (size_t)n >= bsize ? -1 : 0;
}

static int undisclosed(const urne_app_outcome *o);

/* Ask for the link; the outcome in *o. 0; or, the client past its mail
 * requests' limits (throttle.h), the seconds it waits (nothing asked, *o unset). */
static int ask(urne_req *r, int64_t id, urne_app_outcome *o) {
    char origin[64];
    urne_req_addr(r, origin, sizeof origin);
    int retry = 0;
    double taken = 0;
    if (urne_throttle_mail_take(r->srv, origin, &taken, &retry)) return retry > 0 ? retry : 1;
    urne_initiative_signer s = {urne_req_param(r, "name"), urne_req_param(r, "given"), urne_req_param(r, "birth"),
                                urne_req_param(r, "commune"), origin, NULL};
    mail_ctx c = {r};
    urne_app_initiative_mail_sign(&r->srv->app, &r->user, id, &s, urne_req_param(r, "email"), compose, &c, o);
    if (!undisclosed(o)) urne_throttle_mail_give_back(r->srv, origin, taken); /* counted: each alike, whatever it mailed */
    /* Whatever it mailed, the same after it too: no relay, the same line said
     * on standard error; a relay, the sender is not woken (a mail put in the
     * outbox leaves at its next look, within a second: woken at once, it
     * claimed and sent the mail beside the answer, which then took 0.15 ms
     * longer, bench/RESULTS.md). */
    if (undisclosed(o) && !urne_mailer_sends(r->srv->mailer))
        fprintf(stderr, "%s", _(r, "urne: a confirmation link was asked for: no --smtp relay is given, so any mail "
                                   "it needs waits in the outbox\n"));
    return 0;
}

/* The words of a client held back for `retry` seconds. */
static void held_back(const urne_req *r, int retry, urne_result *res) {
    urne_result_set(res, 429, _(r, "Too many confirmation links were asked from your connection in the last hour: try "
                                   "again in %d min."),
                    (retry + 59) / 60);
}

/* ---- the API ---- */

/* Whether o is one of the answers told apart by nobody: a link mailed, one
 * mailed a few minutes ago, or the address signed already. Signing is an
 * opinion: whoever types an address must not learn from the answer whether it
 * signed, or asked for a link lately; each gets the same words. */
static int undisclosed(const urne_app_outcome *o) {
    return o->status == URNE_APP_OK ||
           (o->status == URNE_APP_TAKEN && o->why && strcmp(o->why, URNE_WHY_ALREADY_SIGNED) == 0);
}

/* The words of every undisclosed answer. */
static const char *check_your_mail(const urne_req *r) {
    return _(r, "Check your mail: if this address has not signed this initiative yet, a link to confirm the "
                "signature is on its way (a new one at most every 10 minutes; look in the spam folder too). Nothing "
                "is counted until it is followed.");
}

/* 429, Retry-After and the JSON error, as a throttled login answers. */
static enum MHD_Result api_held_back(urne_req *r, int retry) {
    urne_result res = {0};
    held_back(r, retry, &res);
    enum MHD_Result ret = urne_reply_wait(r, res.message, "too-many-mails", retry);
    urne_result_free(&res);
    return ret;
}

static enum MHD_Result api_mail(urne_req *r, int64_t id, int64_t b) {
    urne_app_outcome o;
    int retry = ask(r, id, &o);
    if (retry > 0) return api_held_back(r, retry);
    if (undisclosed(&o)) { /* the same answer, the same fields, whichever it was */
        urne_app_outcome_free(&o);
        memset(&o, 0, sizeof o);
        o.status = URNE_APP_OK;
    }
    return urne_outcome_answer(r, &o, 202, check_your_mail(r), json_pack("{s:b}", "pending", 1), word);
}

static enum MHD_Result api_confirm(urne_req *r, int64_t id, int64_t b) {
    urne_app_outcome o;
    urne_app_initiative_mail_confirm(&r->srv->app, &r->user, id, urne_req_param(r, "token"), &o);
    int again = o.status == URNE_APP_OK && o.why && strcmp(o.why, URNE_WHY_CONFIRMED) == 0;
    json_t *extra = NULL;
    if (o.status == URNE_APP_OK && !again)
        extra = json_pack("{s:b, s:s, s:s, s:s}", "counted", 1, "receipt", o.detail, "territory", o.field,
                          "signed_at", o.at);
    else if (again)
        extra = json_pack("{s:b, s:b}", "counted", 1, "already_confirmed", 1);
    enum MHD_Result ret = urne_outcome_answer(
        r, &o, again ? 200 : 201,
        again ? _(r, "This signature was confirmed already: it is counted once.")
              : _(r, "Signature confirmed and counted: keep your receipt code to check it later."),
        extra, word);
    return ret;
}

/* ---- the pages ---- */

void urne_initiative_mail_form(urne_buf *b, const urne_req *r, const urne_initiative_held *h, const char *name,
                               const char *given, const char *birth, const char *commune, const char *email) {
    urne_html(b, "<form method=post action=\"/initiatives/%lld/mail\" class=card>", (long long)h->row.id);
    urne_page_csrf(b, r);
    urne_html(b, "<h2>%s</h2><p>%s</p>", _(r, "Sign this initiative"),
              _(r, "Give your name, your commune and your e-mail address: a link is mailed to you, and your "
                   "signature counts once you follow it. One signature per address."));
    urne_html(b, "<label>%s<input name=name required maxlength=120 autocomplete=family-name value=\"%s\"></label>",
              _(r, "Family name"), name ? name : "");
    urne_html(b, "<label>%s<input name=given required maxlength=120 autocomplete=given-name value=\"%s\"></label>",
              _(r, "Given names"), given ? given : "");
    if (h->rules.age_min > 0) urne_page_date_input(b, r, "birth", "birth", _(r, "Birth date"), 0, 1, birth);
    urne_html(b, "<label>%s<input name=commune required maxlength=120 value=\"%s\"></label>", _(r, "Commune"),
              commune ? commune : "");
    urne_html(b, "<label>%s<input name=email type=email required maxlength=254 autocomplete=email value=\"%s\">"
                 "</label><button>%s</button></form>",
              _(r, "E-mail address"), email ? email : "", _(r, "Send me the link"));
}

static enum MHD_Result form_mail(urne_req *r, int64_t id, int64_t b) {
    urne_app_outcome o;
    urne_result res = {0};
    int retry = ask(r, id, &o);
    if (retry > 0) { /* the form again, as typed, under the words of the wait */
        held_back(r, retry, &res);
        enum MHD_Result ret = urne_initiative_mail_page(r, id, res.status, res.message, urne_req_param(r, "name"),
                                                        urne_req_param(r, "given"), urne_req_param(r, "birth"),
                                                        urne_req_param(r, "commune"), urne_req_param(r, "email"));
        urne_result_free(&res);
        return ret;
    }
    if (undisclosed(&o)) {
        urne_app_outcome_free(&o);
        char location[64];
        snprintf(location, sizeof location, "/initiatives/%lld/mail-sent", (long long)id);
        return urne_flash_redirect(r, location, 202, check_your_mail(r), NULL);
    }
    word(r, &o, &res);
    urne_app_outcome_free(&o);
    return urne_initiative_mail_page(r, id, res.status, res.message, urne_req_param(r, "name"),
                                     urne_req_param(r, "given"), urne_req_param(r, "birth"),
                                     urne_req_param(r, "commune"), urne_req_param(r, "email"));
}

enum MHD_Result urne_initiative_page(urne_req *r, int64_t id, const char *title, unsigned status,
                                     urne_initiative_page_body fn, void *ctx) {
    urne_buf buf = {0};
    urne_app_read_begin(&r->srv->app);
    const urne_initiative_held *h = urne_app_initiative(&r->srv->app, id);
    if (h == NULL) {
        urne_app_read_end(&r->srv->app);
        return urne_page_not_found(r);
    }
    urne_page_begin(&buf, r, title ? title : h->row.title);
    fn(&buf, r, h, ctx);
    urne_app_read_end(&r->srv->app);
    return urne_page_send(r, status, &buf);
}

/* A mail page: its title, the initiative's name under it, its body, the way back. */
typedef struct mail_page {
    const char *title, *arg;
    void (*fn)(urne_buf *b, urne_req *r, const urne_initiative_held *h, const char *arg);
} mail_page;

static void mail_page_body(urne_buf *b, urne_req *r, const urne_initiative_held *h, void *ctx) {
    const mail_page *p = ctx;
    urne_html(b, "<h1>%s</h1><p class=meta>%s</p>", p->title, h->row.title);
    p->fn(b, r, h, p->arg);
    urne_html(b, "<p><a href=\"/initiatives/%lld\">%s</a></p>", (long long)h->row.id, _(r, "Back to the initiative"));
}

/* A page of initiative id titled `title` (its name after it), its body written by fn. */
static enum MHD_Result page_of(urne_req *r, int64_t id, const char *title, unsigned status,
                               void (*fn)(urne_buf *b, urne_req *r, const urne_initiative_held *h, const char *arg),
                               const char *arg) {
    mail_page p = {title, arg, fn};
    return urne_initiative_page(r, id, title, status, mail_page_body, &p);
}

static void sent_body(urne_buf *b, urne_req *r, const urne_initiative_held *h, const char *arg) {
    urne_html(b, "<p>%s</p><p>%s</p>",
              _(r, "The link goes to the address you gave, unless it has signed already. Your signature counts "
                   "only once you follow it, within 7 days."),
              _(r, "Nothing received after a few minutes? Look in the spam folder, check the address, and sign again "
                   "after 10 minutes to receive a new link."));
}

static enum MHD_Result page_sent(urne_req *r, int64_t id, int64_t b) {
    return page_of(r, id, _(r, "Check your mail"), 200, sent_body, NULL);
}

static void confirm_body(urne_buf *b, urne_req *r, const urne_initiative_held *h, const char *token) {
    urne_html(b, "<form method=post action=\"/initiatives/%lld/confirm\" class=card>", (long long)h->row.id);
    urne_page_csrf(b, r);
    urne_html(b, "<p>%s</p><input type=hidden name=token value=\"%s\"><button>%s</button></form>",
              _(r, "Press the button to confirm your signature: it is then counted, once."), token ? token : "",
              _(r, "Confirm my signature"));
}

static enum MHD_Result page_confirm(urne_req *r, int64_t id, int64_t b) {
    r->cacheable = 0; /* keyed on the token: never kept (each would be an entry, a live token in memory) */
    return page_of(r, id, _(r, "Confirm your signature"), 200, confirm_body, urne_req_query(r, "token"));
}

static enum MHD_Result form_confirm(urne_req *r, int64_t id, int64_t b) {
    urne_app_outcome o;
    urne_app_initiative_mail_confirm(&r->srv->app, &r->user, id, urne_req_param(r, "token"), &o);
    urne_result res = {0};
    if (o.status == URNE_APP_OK && o.why && strcmp(o.why, URNE_WHY_CONFIRMED) == 0)
        urne_result_set(&res, 200, _(r, "This signature was confirmed already: it is counted once."));
    else if (o.status == URNE_APP_OK)
        urne_result_set(&res, 201, _(r, "Signature confirmed and counted. Your receipt code: %s. Keep it to check your "
                                        "signature later: it is shown only once."),
                        o.detail);
    else
        word(r, &o, &res);
    sodium_memzero(o.detail, sizeof o.detail);
    urne_app_outcome_free(&o);
    if (res.status >= 400) return urne_initiative_mail_page(r, id, res.status, res.message, NULL, NULL, NULL, NULL, NULL);
    char location[64];
    snprintf(location, sizeof location, "/initiatives/%lld", (long long)id);
    return urne_flash_redirect(r, location, res.status, res.message, NULL);
}

/* ---- the administrators' view of the outbox ---- */

static int mail_item(const urne_mail_row *m, void *ctx) {
    json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)m->id, "object", m->object, "state",
                          m->state, "tries", (json_int_t)m->tries, "created_at", m->created_at, "error", m->error);
    if (o && strcmp(m->state, "waiting") == 0) json_object_set_new(o, "next_at", json_integer(m->next_at));
    if (o && m->done_at[0]) json_object_set_new(o, "failed_at", json_string(m->done_at));
    return o == NULL || json_array_append_new(ctx, o) < 0 ? -1 : 0;
}

static enum MHD_Result api_unsent(urne_req *r, int64_t a, int64_t b) {
    json_t *all = json_array();
    urne_app_outcome o;
    urne_app_mail_unsent(&r->srv->app, &r->user, mail_item, all, &o);
    if (o.status != URNE_APP_OK) {
        json_decref(all);
        return urne_outcome_answer(r, &o, 200, NULL, NULL, word);
    }
    urne_app_outcome_free(&o);
    return urne_reply_json(r, 200, json_pack("{s:o, s:b}", "mails", all, "sender", urne_mailer_sends(r->srv->mailer)));
}

static enum MHD_Result page_unsent(urne_req *r, int64_t a, int64_t b) {
    json_t *all = json_array();
    urne_app_outcome o;
    urne_app_mail_unsent(&r->srv->app, &r->user, mail_item, all, &o);
    urne_buf buf = {0};
    const char *title = _(r, "Mails not sent");
    urne_page_begin(&buf, r, title);
    urne_html(&buf, "<h1>%s</h1><p>%s</p>", title,
              urne_mailer_sends(r->srv->mailer)
                  ? _(r, "Mails leave through the relay given by --smtp; those below wait for their next try (the "
                         "relay out of reach or answering \"later\": tried again until their link expires) or have "
                         "failed for good (refused by the relay, or their link expired first).")
                             : _(r, "No relay is given (--smtp): the mails wait in the outbox until the server is "
                                    "started with one."));
    if (o.status == URNE_APP_OK && json_array_size(all) > 0) {
        urne_html(&buf, "<table><thead><tr><th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th>"
                        "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
                  _(r, "Mail"), _(r, "About"), _(r, "State"), _(r, "Tries"), _(r, "Next try (UTC)"), _(r, "Last error"));
        for (size_t i = 0; i < json_array_size(all); i++) {
            json_t *m = json_array_get(all, i);
            const char *st = json_string_value(json_object_get(m, "state"));
            int failed = st && strcmp(st, "failed") == 0;
            char next[32] = "";
            time_t t = (time_t)json_integer_value(json_object_get(m, "next_at"));
            struct tm tm;
            if (!failed && t > 0 && gmtime_r(&t, &tm)) strftime(next, sizeof next, "%Y-%m-%d %H:%M:%S", &tm);
            urne_html(&buf, "<tr><td>%lld</td><td>%s</td><td>%s</td><td class=num>%lld</td><td>%s</td><td>%s</td></tr>",
                      (long long)json_integer_value(json_object_get(m, "id")),
                      json_string_value(json_object_get(m, "object")), failed ? _(r, "failed") : _(r, "waiting"),
                      (long long)json_integer_value(json_object_get(m, "tries")), next,
                      json_string_value(json_object_get(m, "error")));
        }
        urne_html_trusted(&buf, "</tbody></table>");
    } else if (o.status == URNE_APP_OK)
        urne_html(&buf, "<p>%s</p>", _(r, "Every mail has left."));
    json_decref(all);
    urne_app_outcome_free(&o);
    return urne_page_send(r, o.status == URNE_APP_OK ? 200 : 500, &buf);
}

/* ---- the table ---- */

static const urne_route_def routes[] = {
    {"POST", "/initiatives/*/mail", URNE_ACT_SIGN_INITIATIVE, NULL,
     "sign an initiative confirmed by e-mail (form): a link mailed, sent on to the \"check your mail\" page",
     form_mail},
    {"GET", "/initiatives/*/mail-sent", URNE_ACT_READ_PUBLIC, NULL, "the \"check your mail\" page", page_sent},
    {"GET", "/initiatives/*/confirm", URNE_ACT_READ_PUBLIC, NULL,
     "the page a mailed link opens (?token=): a button confirms the signature", page_confirm},
    {"POST", "/initiatives/*/confirm", URNE_ACT_SIGN_INITIATIVE, NULL,
     "confirm a signature (form): counted once, sent back to the page with the receipt", form_confirm},
    {"POST", "/api/initiatives/*/mail", URNE_ACT_SIGN_INITIATIVE, NULL,
     "sign an initiative confirmed by e-mail: pending, a link mailed (one per address, again after 10 min at most)",
     api_mail},
    {"POST", "/api/initiatives/*/confirm", URNE_ACT_SIGN_INITIATIVE, NULL,
     "confirm a signature with the mailed link's token: counted once, a receipt code answered", api_confirm},
    {"GET", "/admin/mail", URNE_ACT_MANAGE_USERS, NULL, "the mails not sent (waiting or failed for good)",
     page_unsent},
    {"GET", "/api/mail/unsent", URNE_ACT_MANAGE_USERS, NULL, "the mails not sent (waiting or failed), as JSON",
     api_unsent},
    {NULL, NULL, URNE_ACT_COUNT, NULL, NULL, NULL},
};

const urne_route_table urne_initiative_mail_routes = {"initiative-mail", routes};
