/*
 * initiative_routes: the citizens' initiatives' routes, pages and API (issue 18;
 * app/initiative.h has the use cases).
 *
 * Pages, for everyone, in French and English: /initiatives lists them, and
 * /initiatives/N is an initiative's live counter: its state, the national count
 * against its threshold, and each territory's count against its minimum, as
 * the tally engine says through the application (urne_app_initiative_figures).
 * Written through html.h (every %s escaped: a title or a territory is whatever
 * an organiser typed), no inline script (the server's CSP allows none), a
 * <progress> element for the bars, so no inline style either.
 *
 * The organisers' and the committee's forms are initiative_manage.c's (moving
 * it) and initiative_forms.c's (creating it, importing its roll); their routes
 * are in the table below.
 *
 * The API: an initiative's figures as JSON; creating one, importing its roll,
 * moving it (the organisers' transitions, the committee's decision), signing,
 * checking a receipt, invalidating a signature. Each route names its action, so
 * the dispatcher refuses the wrong roles first; the initiative's own space is
 * decided by the use case (the policies are asked "somewhere" first, as grants'
 * are). The reasons of a refusal are worded here, in both languages, and every
 * other status by urne_outcome_word, as for every component.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/initiative.h"
#include "../app/initiative_mail.h"
#include "../core/urne_time.h"
#include "../initiative/identity.h"
#include "actions.h"
#include "addr.h"
#include "flash.h"
#include "initiative_chart.h"
#include "initiative_download.h"
#include "initiative_forms.h"
#include "initiative_mail.h"
#include "initiative_manage.h"
#include "initiative_words.h"
#include "page_parts.h"
#include "reply.h"
#include "routes.h"
#include "signing.h"

/* ---- words ---- */

const char *urne_initiative_state_text(urne_lang lang, urne_initiative_state s) {
    switch (s) {
    case URNE_INITIATIVE_DRAFT: return urne_i18n_ctext(lang, "initiative", "draft");
    case URNE_INITIATIVE_SUBMITTED: return urne_i18n_ctext(lang, "initiative", "submitted");
    case URNE_INITIATIVE_ADMISSIBLE: return urne_i18n_ctext(lang, "initiative", "admissible");
    case URNE_INITIATIVE_INADMISSIBLE: return urne_i18n_ctext(lang, "initiative", "inadmissible");
    case URNE_INITIATIVE_COLLECTING: return urne_i18n_ctext(lang, "initiative", "collecting signatures");
    case URNE_INITIATIVE_REACHED: return urne_i18n_ctext(lang, "initiative", "threshold reached");
    case URNE_INITIATIVE_EXPIRED: return urne_i18n_ctext(lang, "initiative", "expired");
    case URNE_INITIATIVE_TRANSMITTED: return urne_i18n_ctext(lang, "initiative", "transmitted");
    case URNE_INITIATIVE_ANSWERED: return urne_i18n_ctext(lang, "initiative", "answered");
    case URNE_INITIATIVE_STATES: break;
    }
    return "?";
}

static const char *state_words(const urne_req *r, urne_initiative_state s) {
    return urne_initiative_state_text(r->lang, s);
}

const char *urne_initiative_why_text(urne_lang lang, const char *why) {
    static const struct {
        const char *name, *en;
    } t[] = {
        {"no-reasons", N_("A decision of inadmissibility must give its reasons.")},
        {"no-window", N_("The rules give no collection window (opens and closes).")},
        {"not-yet-open", N_("The collection window has not opened yet.")},
        {"window-over", N_("The collection window is over.")},
        {"still-open", N_("The collection window is still open.")},
        {"not-reached", N_("The threshold is not reached.")},
        {"runs-full-term", N_("These rules run their full term: the collection ends at the window's close.")},
        {URNE_WHY_NOT_COLLECTING, N_("This initiative is not collecting signatures.")},
        {URNE_WHY_WINDOW, N_("The collection is not open at this moment.")},
        /* Signing by name where the signers confirm by e-mail, and the other way round
         * (the signing routes and the mail's both word them). */
        {URNE_WHY_BY_EMAIL, N_("This initiative's signatures are confirmed by e-mail: give your address in its "
                               "form.")},
        {URNE_WHY_NOT_BY_EMAIL, N_("This initiative is signed on the electoral roll, not by e-mail.")},
        {URNE_WHY_ROLL_STATE, N_("The roll cannot change once the collection has opened.")},
        {URNE_WHY_ALREADY_INVALID, N_("This signature is already invalidated.")},
        {URNE_WHY_ALREADY_SIGNED, N_("This elector has already signed this initiative: a signature counts once.")},
        {URNE_WHY_NOT_ON_ROLL, N_("No elector of that name, given names, birth date and commune is on the roll.")},
        {URNE_WHY_NO_OPENING, N_("Field 'rules': say when the collection opens, with a line opens = YYYY-MM-DD, "
                                 "and when it ends (closes = or window =): the rules cannot change once the "
                                 "initiative is created.")},
        {URNE_WHY_TERRITORY_FIGURES, N_("These rules compute each territory's minimum from its seats (per-seat) "
                                        "or take it as given: they must give each territory its figure, a line per "
                                        "territory named as on the roll (seats Malta = 6, or minimum Corse = 3000). "
                                        "They give none for this territory, or none at all.")},
        {URNE_WHY_INITIATIVE_KEY, N_("Field 'authority_key': the authority's public key, 64 hexadecimal digits.")},
        {URNE_WHY_UNKNOWN_RECEIPT, N_("No signature of this initiative has that receipt code.")},
        {URNE_WHY_SAMPLE_SIZE, N_("A sample holds 1 to as many signatures as are valid.")},
        {URNE_WHY_NO_SAMPLE, N_("That log entry is no verification sample of this initiative.")},
        {URNE_WHY_NOT_IN_SAMPLE, N_("A verdict names a signature that is not in the sample.")},
        {URNE_WHY_JUDGED_TWICE, N_("A signature of the sample is judged twice.")},
        {URNE_WHY_NOT_JUDGED, N_("A signature of the sample has no verdict.")},
        {URNE_WHY_CODE_COUNT, N_("Field 'count': 1 to 1,000,000 codes at a time.")},
        {URNE_WHY_TERRITORY, N_("Field 'territory': a territory's name, 1 to 63 bytes, no control character.")},
        {URNE_WHY_CODE_FORMAT, N_("Field 'code': a code is 16 letters and digits, as on your letter (such as "
                                  "K7QM-3XHC-PW9D-T4RA); it holds no 0, O, 1 or I.")},
        {URNE_WHY_UNKNOWN_CODE, N_("Field 'code': no letter of this initiative has that code. Check it against "
                                   "your letter.")},
        {URNE_WHY_CODE_USED, N_("This code has already been used to sign this initiative, or its letter's elector "
                                "has signed in their name: one signature each, and that one is counted.")},
        {URNE_WHY_CODE_ATTEMPTS, N_("Too many wrong codes from your address: try again in a minute.")},
        {URNE_WHY_LETTERS, N_("The letters could not be written.")},
        {URNE_WHY_CODES_ROLL, N_("This territory has electors on the roll: their letters are made from the roll "
                                 "(urne initiative codes --roll), not as anonymous codes.")},
        {URNE_WHY_CODES_ANONYMOUS, N_("This territory's electors sign with the anonymous codes sent to them by "
                                      "letter: neither in their name nor with a letter made from the roll.")},
        {URNE_INITIATIVE_ID_BIRTH_FORMAT, N_("Birth date: write it YYYY-MM-DD or DD/MM/YYYY.")},
        {URNE_INITIATIVE_ID_BIRTH_DATE, N_("Birth date: there is no such date.")},
        {URNE_INITIATIVE_ID_BIRTH_FUTURE, N_("Birth date: after today.")},
        {URNE_INITIATIVE_ID_BIRTH_PAST, N_("Birth date: more than 130 years ago.")},
    };
    for (size_t i = 0; why && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(why, t[i].name) == 0) return urne_i18n_text(lang, t[i].en);
    return NULL;
}

/* A signer's field as the form labels it (the page's words, not the field's
 * name: "Nom de famille", not "name"), or NULL for another field. */
static const char *field_label(const urne_req *r, const char *field) {
    if (strcmp(field, "name") == 0) return _(r, "Family name");
    if (strcmp(field, "given") == 0) return _(r, "Given names");
    if (strcmp(field, "birth") == 0) return _(r, "Birth date");
    if (strcmp(field, "commune") == 0) return _(r, "Commune");
    return NULL;
}

/* The outcome of an initiative's use case in words, into res. */
static void word(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "", *words = urne_initiative_why_text(r->lang, why);
    const char *label = field_label(r, o->field);
    /* Too many wrong codes: 429, which a client knows as "wait", not a state to change. */
    unsigned http = strcmp(why, URNE_WHY_CODE_ATTEMPTS) == 0 ? 429 : urne_outcome_http(o->status);
    long long n = (long long)o->number;
    if (o->status == URNE_APP_BAD_INPUT && strcmp(why, URNE_WHY_UNKNOWN_RECEIPT) == 0 && o->number == 1)
        urne_result_set(res, http, "%s",
                        _(r, "This is not a receipt code: a receipt is your signature's number, then 20 letters and "
                             "digits in four groups of five (such as 12-K3M9Q-7XG1A-SAB59-D52TP). Check it against "
                             "the one you kept."));
    else if (o->status == URNE_APP_STATE && strcmp(why, "wrong-state") == 0) {
        urne_initiative_state s = URNE_INITIATIVE_DRAFT;
        for (int k = 0; k < URNE_INITIATIVE_STATES; k++)
            if (strcmp(o->detail, urne_initiative_state_name((urne_initiative_state)k)) == 0)
                s = (urne_initiative_state)k;
        urne_result_set(res, http, _(r, "Not possible while the initiative is %s."), state_words(r, s));
    } else if (words && (o->status == URNE_APP_STATE || o->status == URNE_APP_BAD_INPUT || o->status == URNE_APP_TAKEN))
        urne_result_set(res, http, "%s", words);
    else if (o->status != URNE_APP_BAD_INPUT)
        urne_outcome_word(r, o, res);
    else if (strcmp(why, URNE_WHY_HOMONYM) == 0)
        urne_result_set(res, http,
                        _(r, "%lld elector(s) of that name in that commune are on the roll, none with these given "
                             "names and birth date: give all your given names as the roll writes them, and check "
                             "the date."),
                        n);
    else if (strcmp(why, URNE_WHY_UNDER_AGE) == 0)
        urne_result_set(res, http, _(r, "The rules ask signers of %lld years or more."), n);
    else if (strcmp(why, URNE_WHY_OTHER_ROLL) == 0)
        urne_result_set(res, http, _(r, "The rules ask signers on the roll of %s."), o->detail);
    else if (strcmp(why, URNE_WHY_TOO_LONG) == 0 && o->detail[0]) /* a title, rules: their size and the bound */
        urne_outcome_word(r, o, res);
    else if (strcmp(why, URNE_WHY_REASON) == 0)
        urne_result_set(res, http, _(r, "Field '%s': give the reasons (or the answer)."), o->field);
    else if (strcmp(why, URNE_WHY_NO_SIGNATURE) == 0)
        urne_result_set(res, http, _(r, "No signature %lld in this initiative."), n);
    else if (strcmp(why, URNE_INITIATIVE_ID_EMPTY) == 0 && label)
        urne_result_set(res, http, _(r, "%s: to fill in."), label);
    else if (strcmp(why, URNE_INITIATIVE_ID_EMPTY) == 0)
        urne_result_set(res, http, _(r, "Field '%s': empty."), o->field);
    else if (strcmp(why, URNE_INITIATIVE_ID_CHARACTER) == 0 && label)
        urne_result_set(res, http, _(r, "%s: its character %lld, %s, is not a letter a name may hold."), label, n,
                        o->detail);
    else if (strcmp(why, URNE_INITIATIVE_ID_CHARACTER) == 0)
        urne_result_set(res, http, _(r, "Field '%s': its character %lld, %s, is not a letter a name may hold."),
                        o->field, n, o->detail);
    else if (strcmp(why, URNE_INITIATIVE_ID_TOO_LONG) == 0 && label)
        urne_result_set(res, http, _(r, "%s: too long."), label);
    else if (strcmp(why, URNE_INITIATIVE_ID_UTF8) == 0)
        urne_result_set(res, http, _(r, "Field '%s': byte %lld is not a letter a name may hold."), o->field, n);
    else if (strcmp(why, URNE_INITIATIVE_ID_TOO_LONG) == 0)
        urne_result_set(res, http, _(r, "Field '%s': too long."), o->field);
    else
        urne_outcome_word(r, o, res);
}

void urne_initiative_word(const urne_req *r, const urne_app_outcome *o, urne_result *res) { word(r, o, res); }

/* The JSON answer of a use case (urne_outcome_answer, in this component's words). */
static enum MHD_Result answer(urne_req *r, urne_app_outcome *o, unsigned ok, const char *ok_message, json_t *extra) {
    return urne_outcome_answer(r, o, ok, ok_message, extra, word);
}

/* ---- the API ---- */

static json_t *figures_json(const urne_initiative_held *h) {
    urne_initiative_tally t;
    urne_initiative_territory_result *per;
    urne_initiative_tally_status st = urne_app_initiative_figures(h, &t, &per);
    json_t *terr = json_array();
    for (size_t i = 0; terr && i < h->nterritories; i++) {
        const urne_initiative_territory_held *x = &h->territories[i];
        json_t *o = json_pack("{s:s, s:I, s:I}", "name", x->name, "electors", (json_int_t)x->electors, "signatures",
                              (json_int_t)x->signatures);
        if (o && st == URNE_INITIATIVE_TALLY_OK) {
            json_object_set_new(o, "minimum", json_integer(per[i].minimum));
            json_object_set_new(o, "reached", json_boolean(per[i].reached));
        }
        json_array_append_new(terr, o);
    }
    free(per);
    json_t *days = json_array(); /* the chart's figures: valid signatures per UTC day */
    for (size_t i = 0; days && i < h->ndays; i++) {
        char d[11];
        urne_app_initiative_day_iso(h->days[i].day, d);
        json_array_append_new(days, json_pack("{s:s, s:I}", "day", d, "valid", (json_int_t)h->days[i].valid));
    }
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:o, s:o}", "id", (json_int_t)h->row.id, "title",
                          h->row.title, "space", h->row.space, "state", h->row.state, "signatures",
                          (json_int_t)h->signatures, "invalidated", (json_int_t)h->invalid, "territories",
                          terr ? terr : json_null(), "per_day", days ? days : json_null());
    if (j && st == URNE_INITIATIVE_TALLY_OK) {
        json_object_set_new(j, "threshold", json_integer(t.national_threshold));
        json_object_set_new(j, "territories_needed", json_integer(t.territories_needed));
        json_object_set_new(j, "territories_reaching", json_integer(t.territories_reaching));
        json_object_set_new(j, "reached", json_boolean(t.reached));
    }
    if (j) json_object_set_new(j, "rules", json_string(h->row.rules));
    if (j) json_object_set_new(j, "reasons", json_string(h->row.reasons));
    if (j) json_object_set_new(j, "answer", json_string(h->row.answer));
    return j;
}

static int list_json(const urne_initiative_held *h, void *ctx) {
    json_t *o = figures_json(h);
    return o == NULL || json_array_append_new(ctx, o) < 0 ? -1 : 0;
}

static enum MHD_Result api_list(urne_req *r, int64_t a, int64_t b) {
    json_t *all = json_array();
    urne_app_read_begin(&r->srv->app);
    int rc = all ? urne_app_initiatives_each(&r->srv->app, list_json, all) : -1;
    urne_app_read_end(&r->srv->app);
    if (rc != 0) {
        json_decref(all);
        return urne_reply_json_error(r, 500, "out of memory");
    }
    return urne_reply_json(r, 200, all);
}

static enum MHD_Result api_get(urne_req *r, int64_t id, int64_t b) {
    urne_app_read_begin(&r->srv->app);
    const urne_initiative_held *h = urne_app_initiative(&r->srv->app, id);
    json_t *j = h ? figures_json(h) : NULL;
    urne_app_read_end(&r->srv->app);
    if (h == NULL) return urne_reply_json_error(r, 404, _(r, "No initiative %lld."), (long long)id);
    return j ? urne_reply_json(r, 200, j) : urne_reply_json_error(r, 500, "out of memory");
}

static enum MHD_Result api_create(urne_req *r, int64_t a, int64_t b) {
    urne_initiative_new in = {urne_req_param(r, "title"), urne_req_param(r, "space"), urne_req_param(r, "rules"),
                              urne_req_param(r, "authority_key")};
    urne_app_outcome o;
    urne_app_initiative_create(&r->srv->app, &r->user, &in, &o);
    return answer(r, &o, 201, _(r, "Initiative created."), NULL);
}

static enum MHD_Result api_roll(urne_req *r, int64_t id, int64_t b) {
    const char *csv = urne_req_param(r, "csv");
    urne_app_outcome o;
    urne_app_initiative_roll(&r->srv->app, &r->user, id, csv, csv ? strlen(csv) : 0, "csv", &o);
    json_t *extra = json_pack("{s:I}", "electors", (json_int_t)o.number);
    return answer(r, &o, 200, _(r, "Roll imported."), extra);
}

static const char *const events[URNE_INITIATIVE_EVENTS] = {"submit", "admit", "reject", "open", "reach",
                                                         "close", "transmit", "answer"};

/* Event `name` if it is one of `allowed` (a mask of events), else -1. */
static int event_named(const char *name, unsigned allowed) {
    for (int e = 0; name && e < URNE_INITIATIVE_EVENTS; e++)
        if ((allowed & (1u << e)) && strcmp(name, events[e]) == 0) return e;
    return -1;
}

static enum MHD_Result transition(urne_req *r, int64_t id, const char *field, unsigned allowed, const char *text) {
    const char *name = urne_req_param(r, field);
    int e = event_named(name, allowed);
    if (e < 0)
        return urne_reply_json(r, 400, json_pack("{s:s, s:i, s:s, s:s}", "error",
                                                 _(r, "Unknown event: see the API's documentation."), "status", 400,
                                                 "field", field, "rule", "event"));
    urne_app_outcome o;
    urne_app_initiative_act(&r->srv->app, &r->user, id, (urne_initiative_event)e, text, &o);
    json_t *extra = json_pack("{s:s}", "state", o.status == URNE_APP_OK ? o.detail : "");
    return answer(r, &o, 200, _(r, "Done."), extra);
}

static enum MHD_Result api_transition(urne_req *r, int64_t id, int64_t b) {
    unsigned organisers = 1u << URNE_INITIATIVE_SUBMIT | 1u << URNE_INITIATIVE_OPEN | 1u << URNE_INITIATIVE_CLOSE |
                          1u << URNE_INITIATIVE_TRANSMIT | 1u << URNE_INITIATIVE_ANSWER;
    return transition(r, id, "event", organisers, urne_req_param(r, "text"));
}

static enum MHD_Result api_decision(urne_req *r, int64_t id, int64_t b) {
    unsigned committee = 1u << URNE_INITIATIVE_ADMIT | 1u << URNE_INITIATIVE_REJECT;
    return transition(r, id, "decision", committee, urne_req_param(r, "reasons"));
}

/* A signature's answer: 201 with its receipt, or the refusal. o is freed. The
 * 201, the answer of every signature, is written straight
 * (urne_reply_json_flat): the object urne_outcome_answer would make ({"id",
 * "message", then the receipt, the territory and the time}, the same bytes),
 * without building jansson's tree and dumping it, which cost more than the
 * rest of the answer (issue 18); a refusal goes the common way. */
static enum MHD_Result sign_answer(urne_req *r, urne_app_outcome *o) {
    const char *message = _(r, "Signature recorded: keep your receipt code to check it later.");
    if (o->status != URNE_APP_OK) {
        enum MHD_Result ret = answer(r, o, 201, message, NULL);
        sodium_memzero(o->detail, sizeof o->detail);
        free(o);
        return ret;
    }
    const char *const fields[] = {"message", message, "receipt", o->detail, "territory", o->field,
                                  "signed_at", o->at, NULL};
    enum MHD_Result ret = urne_reply_json_flat(r, 201, o->id, fields);
    sodium_memzero(o->detail, sizeof o->detail);
    urne_app_outcome_free(o);
    free(o);
    return ret;
}

/* The signature's group committed: its outcome in r->waiting. */
static enum MHD_Result sign_resumed(urne_req *r) {
    urne_app_outcome *o = r->waiting;
    r->waiting = NULL;
    return sign_answer(r, o);
}

/* Checked by the checker thread (signing.h), committed with the signatures
 * that arrive with it (the app's committer, app/initiative_batch.c): the
 * connection waits for both without holding one of the server's threads, and
 * is answered after them, refused or signed. */
static enum MHD_Result api_sign(urne_req *r, int64_t id, int64_t b) {
    char origin[64];
    urne_req_addr(r, origin, sizeof origin);
    urne_initiative_signer s = {urne_req_param(r, "name"), urne_req_param(r, "given"), urne_req_param(r, "birth"),
                                urne_req_param(r, "commune"), origin, urne_req_param(r, "code")};
    urne_app_outcome *o = malloc(sizeof *o);
    if (o == NULL) return urne_reply_refuse(r, 500, _(r, "Out of memory; nothing was written."));
    return urne_signing_sign(r, id, &s, o, sign_resumed, o);
}

/* One-time codes for letters: made, kept as hashes, answered once as CSV. */
static enum MHD_Result api_codes(urne_req *r, int64_t id, int64_t b) {
    const char *count = urne_req_param(r, "count");
    char *end = NULL;
    long long n = count && *count ? strtoll(count, &end, 10) : 0;
    if (end == NULL || *end) n = 0; /* refused by the use case as a count out of range */
    urne_buf csv = {0};
    urne_app_outcome o;
    if (urne_app_initiative_codes(&r->srv->app, &r->user, id, urne_req_param(r, "territory"), (int64_t)n,
                                  urne_initiative_letter_csv, &csv, &o) == URNE_APP_OK) {
        urne_app_outcome_free(&o);
        return urne_initiative_letters_send(r, id, &csv);
    }
    if (csv.data) sodium_memzero(csv.data, csv.len);
    urne_buf_free(&csv);
    return answer(r, &o, 200, NULL, NULL);
}

static enum MHD_Result api_receipt(urne_req *r, int64_t id, int64_t b) {
    urne_app_outcome o;
    urne_app_initiative_receipt(&r->srv->app, &r->user, id, urne_req_param(r, "code"), &o);
    json_t *extra = o.status == URNE_APP_OK ? json_pack("{s:b, s:s, s:s, s:s}", "counted", !o.detail[0], "territory",
                                                        o.field, "signed_at", o.at, "invalidated", o.detail)
                                            : NULL;
    return answer(r, &o, 200, _(r, "This receipt is a signature of this initiative."), extra);
}

static enum MHD_Result api_invalidate(urne_req *r, int64_t id, int64_t sig) {
    urne_app_outcome o;
    urne_app_initiative_invalidate(&r->srv->app, &r->user, id, sig, urne_req_param(r, "reason"), &o);
    return answer(r, &o, 200, _(r, "Signature invalidated; the counts follow."), NULL);
}

/* ---- the pages ---- */

/* "12 345 of 47 000 (26.27 %)" as the page's language writes it. */
static void count_of(urne_buf *b, const urne_req *r, int64_t count, int64_t of) {
    urne_page_int(b, r, count);
    if (of <= 0) return;
    urne_html(b, " %s ", _(r, "of"));
    urne_page_int(b, r, of);
    urne_html_trusted(b, " (");
    urne_page_pct(b, r, count, of);
    urne_html_trusted(b, ")");
}

static void territories_table(urne_buf *b, const urne_req *r, const urne_initiative_held *h,
                              const urne_initiative_territory_result *per) {
    /* In a card as wide as the others (its own, scrolled sideways when its
     * columns do not fit: keyboard too, hence focusable), stacked on a phone. */
    urne_html(b, "<div class=\"card scroll\" tabindex=0 role=region aria-label=\"%s\">", _(r, "Territories"));
    urne_html(b, "<table class=stack><caption>%s</caption><thead><tr><th scope=col>%s</th><th scope=col>%s</th>"
                 "<th scope=col>%s</th><th scope=col>%s</th><th scope=col>%s</th></tr></thead><tbody>",
              _(r, "Territories"), _(r, "Territory"), _(r, "Electors"), _(r, "Signatures"), _(r, "Minimum"),
              _(r, "Reached"));
    int by_email = h->rules.identity == URNE_INITIATIVE_BY_EMAIL;
    for (size_t i = 0; i < h->nterritories; i++) {
        const urne_initiative_territory_held *t = &h->territories[i];
        urne_html(b, "<tr><td>%s</td><td class=num data-label=\"%s\">", t->name, _(r, "Electors"));
        if (by_email) /* no roll: no electorate to show, not 0 */
            urne_html_trusted(b, "—");
        else
            urne_page_int(b, r, t->electors);
        urne_html(b, "</td><td class=num data-label=\"%s\">", _(r, "Signatures"));
        urne_page_int(b, r, t->signatures);
        urne_html(b, "</td><td class=num data-label=\"%s\">", _(r, "Minimum"));
        if (per && per[i].minimum > 0) {
            urne_page_int(b, r, per[i].minimum);
            urne_html(b, " <progress aria-hidden=true max=\"%lld\" value=\"%lld\"></progress>", (long long)per[i].minimum,
                      (long long)(t->signatures < per[i].minimum ? t->signatures : per[i].minimum));
        } else
            urne_html_trusted(b, "—");
        urne_html(b, "</td><td data-label=\"%s\">%s</td></tr>", _(r, "Reached"), /* nothing to reach: — */
                  !per || per[i].minimum <= 0 ? "—" : per[i].reached ? _(r, "yes") : _(r, "no"));
    }
    urne_html_trusted(b, "</tbody></table></div>");
}

/* When signatures are taken: "Collection: from 1 June 2026, 02:00 until ..."
 * (Paris time, as the site's other moments), a signer's first question. */
static void window_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h) {
    int64_t opens, closes;
    urne_app_initiative_window(h, &opens, &closes);
    if (opens == 0 || closes == 0) return;
    char a[URNE_TIME_ISO], z[URNE_TIME_ISO];
    urne_time_iso(opens, a);
    urne_time_iso(closes, z);
    urne_html(b, "<p class=meta>%s ", _(r, "Collection: from"));
    urne_page_time(b, r, a, NULL);
    urne_html(b, " %s ", C_(r, "initiative window", "until"));
    urne_page_time(b, r, z, NULL);
    urne_html_trusted(b, "</p>");
}

static void counter_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h) {
    urne_initiative_tally t;
    urne_initiative_territory_result *per;
    urne_initiative_tally_status st = urne_app_initiative_figures(h, &t, &per);
    urne_html(b, "<h1>%s</h1><p class=meta>%s</p>", h->row.title, state_words(r, h->state));
    window_html(b, r, h);
    urne_html(b, "<section class=card aria-labelledby=count><h2 id=count>%s</h2><p>", _(r, "Signatures"));
    if (st == URNE_INITIATIVE_TALLY_OK && t.national_threshold > 0) {
        count_of(b, r, h->signatures, t.national_threshold);
        urne_html(b, " <progress aria-hidden=true max=\"%lld\" value=\"%lld\"></progress>", (long long)t.national_threshold,
                  (long long)(h->signatures < t.national_threshold ? h->signatures : t.national_threshold));
    } else
        urne_page_int(b, r, h->signatures);
    urne_html_trusted(b, "</p>");
    if (st == URNE_INITIATIVE_TALLY_OK && t.territories_needed > 0) {
        urne_html(b, "<p>%s ", _(r, "Territories reaching their minimum:"));
        urne_page_int(b, r, t.territories_reaching);
        urne_html(b, " %s ", _(r, "of the"));
        urne_page_int(b, r, t.territories_needed);
        urne_html(b, " %s</p>", _(r, "needed"));
    }
    if (st == URNE_INITIATIVE_TALLY_OK)
        urne_html(b, "<p><strong>%s</strong></p>",
                  t.reached ? _(r, "The threshold is reached.") : _(r, "The threshold is not reached yet."));
    if (h->invalid > 0) {
        urne_html(b, "<p class=meta>%s ", _(r, "Signatures invalidated by the committee:"));
        urne_page_int(b, r, h->invalid);
        urne_html_trusted(b, "</p>");
    }
    urne_html_trusted(b, "</section>");
    urne_initiative_chart_html(b, r, h, st == URNE_INITIATIVE_TALLY_OK ? t.national_threshold : 0);
    if (h->nterritories) territories_table(b, r, h, st == URNE_INITIATIVE_TALLY_OK ? per : NULL);
    if (h->row.reasons[0]) urne_html(b, "<h2>%s</h2><p>%s</p>", _(r, "The committee's reasons"), h->row.reasons);
    if (h->row.answer[0]) urne_html(b, "<h2>%s</h2><p>%s</p>", _(r, "The authority's answer"), h->row.answer);
    urne_html(b, "<p><a href=\"/api/initiatives/%lld\">%s</a> · <a href=\"/api/initiatives/%lld/counts.csv\">%s</a></p>",
              (long long)h->row.id, _(r, "These figures as JSON"), (long long)h->row.id, _(r, "as CSV"));
    free(per);
}

/* What a refused form had typed, shown again (NULL: nothing). */
typedef struct typed {
    const char *name, *given, *birth, *commune, *code, *letter; /* code: a receipt's; letter: a letter's code */
    const char *email; /* confirmation by e-mail's form (initiative_mail.c) */
} typed;

/* The signing form (while collecting) and the receipt's check. */
static void forms_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h, const typed *t) {
    long long id = (long long)h->row.id;
    if (h->state == URNE_INITIATIVE_COLLECTING && h->rules.identity == URNE_INITIATIVE_BY_EMAIL)
        urne_initiative_mail_form(b, r, h, t->name, t->given, t->birth, t->commune, t->email);
    else if (h->state == URNE_INITIATIVE_COLLECTING) {
        urne_html(b, "<form method=post action=\"/initiatives/%lld/sign\" class=card>", id);
        urne_page_csrf(b, r);
        urne_html(b, "<h2>%s</h2><p>%s</p>", _(r, "Sign this initiative"),
                  _(r, "As the electoral roll writes you: every given name, your birth date and your commune."));
        urne_html(b, "<label>%s<input name=name required maxlength=120 autocomplete=family-name value=\"%s\"></label>",
                  _(r, "Family name"), t->name ? t->name : "");
        urne_html(b, "<label>%s<input name=given required maxlength=120 autocomplete=given-name value=\"%s\"></label>",
                  _(r, "Given names"), t->given ? t->given : "");
        urne_page_date_input(b, r, "birth", "birth", _(r, "Birth date"), 0, 1, t->birth);
        urne_html(b, "<label>%s<input name=commune required maxlength=120 value=\"%s\"></label><button>%s</button>"
                     "</form>",
                  _(r, "Commune"), t->commune ? t->commune : "", _(r, "Sign"));
        urne_html(b, "<form method=post action=\"/initiatives/%lld/sign\" class=card>", id);
        urne_page_csrf(b, r);
        urne_html(b, "<h2>%s</h2><p>%s</p><label>%s<input name=code required maxlength=40 autocomplete=off "
                     "autocapitalize=characters spellcheck=false value=\"%s\"></label><button>%s</button></form>",
                  _(r, "Sign with the code from your letter"),
                  _(r, "If you received a letter with a signing code, type it here: it signs once."),
                  _(r, "Code from the letter"), t->letter ? t->letter : "", _(r, "Sign"));
    }
    urne_html(b, "<form method=post action=\"/initiatives/%lld/receipt\" class=card>", id);
    urne_page_csrf(b, r);
    urne_html(b, "<h2>%s</h2><label>%s<input name=code required maxlength=40 autocomplete=off value=\"%s\"></label>"
                 "<button>%s</button></form>",
              _(r, "Check a signature"), _(r, "Receipt code"), t->code ? t->code : "", _(r, "Check"));
}

typedef struct counter_args {
    unsigned status;
    const char *message;
    const typed *t;
    const urne_diags *checks; /* a refused form's errors (NULL: none) */
} counter_args;

static void counter_body(urne_buf *b, urne_req *r, const urne_initiative_held *h, void *ctx) {
    const counter_args *a = ctx;
    urne_initiative_checks_html(b, r, a->status, a->message, a->checks);
    counter_html(b, r, h);
    urne_initiative_manage_html(b, r, h);
    forms_html(b, r, h, a->t);
}

/* Initiative id's page, with a message (NULL: none) and what was typed. */
static enum MHD_Result counter_page(urne_req *r, int64_t id, unsigned status, const char *message, const typed *t) {
    counter_args a = {status, message, t, NULL};
    return urne_initiative_page(r, id, NULL, status, counter_body, &a);
}

enum MHD_Result urne_initiative_checks_page(urne_req *r, int64_t id, unsigned status, const char *message,
                                            const urne_diags *checks) {
    typed none = {0};
    counter_args a = {status, message, &none, checks};
    return urne_initiative_page(r, id, NULL, status, counter_body, &a);
}

enum MHD_Result urne_initiative_mail_page(urne_req *r, int64_t id, unsigned status, const char *message,
                                          const char *name, const char *given, const char *birth,
                                          const char *commune, const char *email) {
    typed t = {name, given, birth, commune, NULL, NULL, email};
    return counter_page(r, id, status, message, &t);
}

static enum MHD_Result page_one(urne_req *r, int64_t id, int64_t b) {
    typed none = {0};
    return counter_page(r, id, 200, NULL, &none);
}

/* A form's signature waiting for its group's commit (r->waiting). */
typedef struct form_waiting {
    urne_app_outcome o;
    int64_t id;
} form_waiting;

/* The fields the form was sent with (kept in r while it waited). */
static typed form_typed(urne_req *r) {
    typed t = {urne_req_param(r, "name"), urne_req_param(r, "given"), urne_req_param(r, "birth"),
               urne_req_param(r, "commune"), NULL, urne_req_param(r, "code"), NULL};
    return t;
}

/* The form's signature answered: the counter page with its receipt (after a
 * redirect), or the form again with the refusal and what was typed. w is freed. */
static enum MHD_Result form_signed(urne_req *r, form_waiting *w) {
    typed t = form_typed(r);
    int64_t id = w->id;
    urne_result res = {0};
    enum MHD_Result ret;
    if (w->o.status == URNE_APP_OK) {
        urne_result_set(&res, 201, _(r, "Signature recorded. Your receipt code: %s. Keep it to check your signature "
                                        "later: it is shown only once."),
                        w->o.detail);
        char location[64];
        snprintf(location, sizeof location, "/initiatives/%lld", (long long)id);
        ret = urne_flash_redirect(r, location, res.status, res.message, NULL);
    } else {
        word(r, &w->o, &res);
        ret = counter_page(r, id, res.status, res.message, &t);
    }
    sodium_memzero(w->o.detail, sizeof w->o.detail);
    urne_app_outcome_free(&w->o);
    free(w);
    return ret;
}

static enum MHD_Result form_sign_resumed(urne_req *r) {
    form_waiting *w = r->waiting;
    r->waiting = NULL;
    return form_signed(r, w);
}

/* As the API's (api_sign): checked by the checker thread, committed with the
 * signatures that arrive with it, the connection waiting for both. */
static enum MHD_Result form_sign(urne_req *r, int64_t id, int64_t b) {
    typed t = form_typed(r);
    char origin[64];
    urne_req_addr(r, origin, sizeof origin);
    urne_initiative_signer s = {t.name, t.given, t.birth, t.commune, origin, t.letter};
    form_waiting *w = malloc(sizeof *w);
    if (w == NULL) return urne_reply_refuse(r, 500, _(r, "Out of memory; nothing was written."));
    w->id = id;
    return urne_signing_sign(r, id, &s, &w->o, form_sign_resumed, w);
}

static enum MHD_Result form_receipt(urne_req *r, int64_t id, int64_t b) {
    typed t = {.code = urne_req_param(r, "code")};
    urne_app_outcome o;
    urne_result res = {0};
    if (urne_app_initiative_receipt(&r->srv->app, &r->user, id, t.code, &o) != URNE_APP_OK)
        word(r, &o, &res);
    else if (o.detail[0])
        urne_result_set(&res, 200, _(r, "This receipt is signature %lld, invalidated by the committee: %s"),
                        (long long)o.id, o.detail);
    else
        urne_result_set(&res, 200, _(r, "This receipt is signature %lld: it is counted."), (long long)o.id);
    urne_app_outcome_free(&o);
    return counter_page(r, id, res.status, res.message, &t);
}

static int list_item(const urne_initiative_held *h, void *ctx) {
    urne_buf *b = ((void **)ctx)[0];
    const urne_req *r = ((void **)ctx)[1];
    urne_html(b, "<li><a href=\"/initiatives/%lld\">%s</a> — %s, ", (long long)h->row.id, h->row.title,
              state_words(r, h->state));
    urne_page_int(b, r, h->signatures);
    urne_html(b, " %s</li>", urne_i18n_plural(r->lang, "signature", "signatures", (unsigned long)h->signatures));
    return 0;
}

static int count_one(const urne_initiative_held *h, void *ctx) {
    (void)h;
    ++*(size_t *)ctx;
    return 0;
}

enum MHD_Result urne_initiative_list_page(urne_req *r, unsigned status, const char *message, const urne_diags *checks) {
    urne_buf buf = {0};
    const char *title = _(r, "Citizens' initiatives");
    urne_page_begin(&buf, r, title);
    urne_html(&buf, "<h1>%s</h1>", title);
    urne_initiative_checks_html(&buf, r, status, message, checks);
    urne_app_read_begin(&r->srv->app);
    size_t n = 0;
    urne_app_initiatives_each(&r->srv->app, count_one, &n);
    if (n == 0)
        urne_html(&buf, "<p>%s</p>", _(r, "No initiative yet."));
    else {
        void *ctx[2] = {&buf, r};
        urne_html_trusted(&buf, "<ul>");
        urne_app_initiatives_each(&r->srv->app, list_item, ctx);
        urne_html_trusted(&buf, "</ul>");
    }
    urne_app_read_end(&r->srv->app);
    urne_initiative_create_form_html(&buf, r);
    return urne_page_send(r, status, &buf);
}

static enum MHD_Result page_list(urne_req *r, int64_t a, int64_t b) { return urne_initiative_list_page(r, 200, NULL, NULL); }

/* ---- the table ---- */

static const urne_route_def initiatives[] = {
    {"GET", "/initiatives", URNE_ACT_READ_PUBLIC, NULL, "the citizens' initiatives, each with its state and count",
     page_list},
    {"GET", "/initiatives/*", URNE_ACT_READ_PUBLIC, NULL,
     "an initiative's live counter: the national count and each territory's against its minimum", page_one},
    {"POST", "/initiatives", URNE_ACT_MANAGE_INITIATIVES, "in the space named",
     "create an initiative (form): its title, space, rules and the authority's key; sent to its page",
     urne_initiative_form_create},
    {"POST", "/initiatives/*/roll", URNE_ACT_MANAGE_INITIATIVES, "the initiative's space",
     "import its roll (form: the CSV's text; every line or none); sent back to the page", urne_initiative_form_roll},
    {"POST", "/initiatives/*/sign", URNE_ACT_SIGN_INITIATIVE, NULL, "sign (form): sent back to the page with the receipt",
     form_sign},
    {"POST", "/initiatives/*/receipt", URNE_ACT_SIGN_INITIATIVE, NULL, "check a receipt code (form)", form_receipt},
    {"POST", "/initiatives/*/transition", URNE_ACT_MANAGE_INITIATIVES, "the initiative's space",
     "move it (form): submit, open, close, transmit, answer; sent back to the page", urne_initiative_form_transition},
    {"POST", "/initiatives/*/decision", URNE_ACT_DECIDE_INITIATIVE, "the initiative's space",
     "the committee's decision (form): admissible or inadmissible, with reasons", urne_initiative_form_decision},
    {"POST", "/initiatives/*/invalidate", URNE_ACT_DECIDE_INITIATIVE, "the initiative's space",
     "invalidate a signature (form): its number and the reason", urne_initiative_form_invalidate},
    {"GET", "/api/initiatives", URNE_ACT_READ_PUBLIC, NULL, "every initiative with its figures", api_list},
    {"GET", "/api/initiatives/*", URNE_ACT_READ_PUBLIC, NULL, "an initiative's figures, per territory", api_get},
    {"GET", "/api/initiatives/*/counts.csv", URNE_ACT_READ_PUBLIC, NULL,
     "the counts per territory as CSV (territory, electors, signatures, minimum, reached)", urne_initiative_counts_csv},
    {"POST", "/api/initiatives", URNE_ACT_MANAGE_INITIATIVES, "in the space named",
     "create an initiative from its rules (preset and adjustments)", api_create},
    {"POST", "/api/initiatives/*/roll", URNE_ACT_MANAGE_INITIATIVES, "the initiative's space",
     "import its electoral roll (CSV; every line or none)", api_roll},
    {"POST", "/api/initiatives/*/codes", URNE_ACT_MANAGE_INITIATIVES, "the initiative's space",
     "anonymous one-time codes for letters (count, territory, a territory without electors on the roll: "
     "letters for the roll's electors are made with `urne initiative codes --roll`): kept as hashes, answered once "
     "as CSV", api_codes},
    {"POST", "/api/initiatives/*/transition", URNE_ACT_MANAGE_INITIATIVES, "the initiative's space",
     "submit, open, close, transmit, answer", api_transition},
    {"POST", "/api/initiatives/*/decision", URNE_ACT_DECIDE_INITIATIVE, "the initiative's space",
     "the committee declares it admissible or inadmissible (with reasons)", api_decision},
    {"POST", "/api/initiatives/*/signatures", URNE_ACT_SIGN_INITIATIVE, NULL,
     "sign: matched on the roll, counted once, a receipt code answered", api_sign},
    {"POST", "/api/initiatives/*/receipt", URNE_ACT_SIGN_INITIATIVE, NULL, "check a receipt code", api_receipt},
    {"POST", "/api/initiatives/*/signatures/*/invalidate", URNE_ACT_DECIDE_INITIATIVE, "the initiative's space",
     "invalidate a signature, with its reason", api_invalidate},
    {NULL, NULL, URNE_ACT_COUNT, NULL, NULL, NULL},
};

const urne_route_table urne_initiative_routes = {"initiative", initiatives};
