/*
 * outcome: the application layer's statuses as HTTP answers (see actions.h).
 *
 * One mapping for every component: a status means the same code everywhere, so a
 * client reads 409 as "not now" whichever act it tried. The words here are those
 * of the statuses and of the reasons the platform and the results component
 * give; a component with reasons of its own (the notice's rules) words them and
 * leaves the rest to urne_outcome_word.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../app/import.h"
#include "../core/urne_text.h"
#include "../app/results_app.h"
#include "actions.h"
#include "outcome.h"
#include "page_parts.h"

void urne_result_set(urne_result *res, unsigned status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof res->message, fmt, ap);
    va_end(ap);
    res->status = status;
}


unsigned urne_outcome_http(urne_app_status s) {
    switch (s) {
    case URNE_APP_OK: return 200;
    case URNE_APP_LOGIN_NEEDED: return 401;
    case URNE_APP_FORBIDDEN:
    case URNE_APP_TIER:
    case URNE_APP_NOT_ASSIGNED: return 403;
    case URNE_APP_NO_ELECTION:
    case URNE_APP_NO_BUREAU:
    case URNE_APP_NO_DISPUTE:
    case URNE_APP_NO_USER:
    case URNE_APP_NO_INITIATIVE:
    case URNE_APP_NO_CAMPAIGN:
    case URNE_APP_NO_FORUM:
    case URNE_APP_NO_POST: return 404;
    case URNE_APP_STATE:
    case URNE_APP_TAKEN: return 409;
    case URNE_APP_BAD_INPUT: return 400;
    case URNE_APP_CHECKS_FAILED:
    case URNE_APP_IMPOSSIBLE: return 422;
    case URNE_APP_UNAVAILABLE: return 503; /* with Retry-After (reply.c) */
    case URNE_APP_STORE:
    case URNE_APP_NO_MEMORY:
    case URNE_APP_NSTATUSES: break;
    }
    return 500;
}


/* The words of a STATE refusal. */
static void word_state(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "";
    if (strcmp(why, URNE_WHY_DISPUTE_CLOSED) == 0)
        urne_result_set(res, 409, _(r, "This dispute is already %s."), o->detail);
    else if (strcmp(why, URNE_WHY_NOT_FIRST_DECISION) == 0)
        urne_result_set(res, 409, "%s",
            _(r, "Only a decision of the first commission can be escalated to the higher commission."));
    else if (strcmp(why, URNE_WHY_ALREADY_CONTESTED) == 0)
        urne_result_set(res, 409, "%s", _(r, "This bureau is already contested."));
    else if (strcmp(why, URNE_WHY_FROZEN) == 0)
        urne_result_set(res, 409, _(r, "%lld bureau(x) contested: the commission must decide before anything is published."),
            (long long)o->number);
    else if (strcmp(why, URNE_WHY_NOT_SECRETARY) == 0)
        urne_result_set(res, 409, _(r, "'%s' is not a section secretary (role %s)."), o->detail,
                        urne_page_role(r, o->role));
    else /* the récolement engine's own reason: a sentence of its table, in the catalogue */
        urne_result_set(res, 409, "%s", urne_i18n_text(r->lang, why));
}

const char *urne_outcome_check(urne_lang lang, const urne_diag *d, char *buf, size_t size) {
    if (d->phrase.fmt)
        urne_i18n_phrase(lang, &d->phrase, buf, size);
    else
        snprintf(buf, size, "%s", d->message);
    return buf;
}

/* The zones urne knows, "Europe/Paris, UTC, ...", into buf. */
static void zone_list(char *buf, size_t size) {
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; urne_i18n_zone_at(i) && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", urne_i18n_zone_at(i));
}

/* A space name refused (URNE_WHY_SPACE, URNE_WHY_SPACE_SITE). */
static void space_text(urne_lang lang, const urne_app_outcome *o, char *buf, size_t size) {
    if (strcmp(o->why, URNE_WHY_SPACE_SITE) == 0)
        snprintf(buf, size,
                 urne_i18n_text(lang, "Field '%s': give a space below the site, such as org/NAME (the site's role "
                                      "is the account's own)."),
                 o->field);
    else if (o->number < 0 || (size_t)o->number >= strlen(o->detail))
        snprintf(buf, size, urne_i18n_text(lang, "Field '%s': a space name has at most %d bytes."), o->field,
                 URNE_SPACE_MAX);
    else
        snprintf(buf, size,
                 urne_i18n_text(lang, "Field '%s': '%s' is not a space name: use a-z, 0-9, '/', '_' and '-' (byte "
                                      "%lld is code %d)."),
                 o->field, o->detail, (long long)o->number, (unsigned char)o->detail[o->number]);
}

/* cracklib's verdicts (FascistCheck's English), for the catalogue: a verdict
 * urne does not know is shown as cracklib wrote it. */
static const char *const cracklib_verdicts[] = {
    N_("it is WAY too short"), N_("it is too short"), N_("it does not contain enough DIFFERENT characters"),
    N_("it is all whitespace"), N_("it is too simplistic/systematic"), N_("it looks like a National Insurance number."),
    N_("it is based on a dictionary word"), N_("it is based on a (reversed) dictionary word"),
};

/* An account's name, password or role refused (users.h). 1 when worded. */
static int account_text(urne_lang lang, const urne_app_outcome *o, char *buf, size_t size) {
    const char *why = o->why;
    if (strcmp(why, URNE_WHY_USER_NAME_LENGTH) == 0)
        snprintf(buf, size, urne_i18n_text(lang, "Field '%s': a user name has 1 to %lld bytes."), o->field,
                 (long long)o->number);
    else if (strcmp(why, URNE_WHY_USER_NAME_CHARS) == 0)
        snprintf(buf, size, urne_i18n_text(lang, "Field '%s': '%s' holds a blank, a quote or a backslash."), o->field,
                 o->detail);
    else if (strcmp(why, URNE_WHY_TIER) == 0)
        snprintf(buf, size, urne_i18n_text(lang, "Field '%s': 1 or 2."), o->field);
    else if (strcmp(why, URNE_WHY_ROLE) == 0)
        snprintf(buf, size,
                 urne_i18n_text(lang, "Field '%s': observer, secretary, commission or admin, tier 1 or 2."), o->field);
    else if (strcmp(why, URNE_WHY_PASSWORD_SHORT) == 0)
        snprintf(buf, size, urne_i18n_text(lang, "The password must have at least %lld characters."),
                 (long long)o->number);
    else if (strcmp(why, URNE_WHY_PASSWORD_LONG) == 0)
        snprintf(buf, size, urne_i18n_text(lang, "The password must have at most %lld characters."),
                 (long long)o->number);
    else if (strcmp(why, URNE_WHY_PASSWORD_BLANK) == 0)
        snprintf(buf, size, "%s",
                 urne_i18n_text(lang, "The password is only blanks: choose one with letters, digits or signs."));
    else if (strcmp(why, URNE_WHY_PASSWORD_NAME) == 0)
        snprintf(buf, size, "%s",
                 urne_i18n_text(lang, "The password is the user name: anyone who knows the account can guess it."));
    else if (strcmp(why, URNE_WHY_PASSWORD_NAME_BASED) == 0)
        snprintf(buf, size, "%s", urne_i18n_text(lang, "The password is too easy to guess: it is based on the user name."));
    else if (strcmp(why, URNE_WHY_PASSWORD_WEAK) == 0) {
        const char *verdict = o->detail;
        for (size_t i = 0; i < sizeof cracklib_verdicts / sizeof cracklib_verdicts[0]; i++)
            if (strcmp(o->detail, cracklib_verdicts[i]) == 0) verdict = urne_i18n_text(lang, cracklib_verdicts[i]);
        snprintf(buf, size, urne_i18n_text(lang, "The password is too easy to guess: %s."), verdict);
    } else if (strcmp(why, URNE_WHY_PASSWORD_UNCHECKED) == 0)
        snprintf(buf, size, urne_i18n_text(lang, "The password cannot be checked: %s."), o->detail);
    else
        return 0;
    return 1;
}

/* Rules the engine refused: its reason (a phrase) worded in lang. */
static void rules_text(urne_lang lang, const urne_app_outcome *o, char *buf, size_t size) {
    char reason[600];
    urne_i18n_phrase(lang, &o->reason, reason, sizeof reason);
    snprintf(buf, size, urne_i18n_text(lang, "Field '%s': the rules are refused: %s"), o->field, reason);
}

int urne_outcome_text(urne_lang lang, const urne_app_outcome *o, char *buf, size_t size) {
    if (o->status == URNE_APP_TAKEN) {
        snprintf(buf, size, urne_i18n_text(lang, "A user named '%s' already exists."), o->detail);
        return 1;
    }
    if (o->status != URNE_APP_BAD_INPUT) return 0;
    const char *why = o->why ? o->why : "";
    if (strcmp(why, URNE_WHY_SPACE) == 0 || strcmp(why, URNE_WHY_SPACE_SITE) == 0)
        space_text(lang, o, buf, size);
    else if (strcmp(why, URNE_WHY_TOO_LONG) == 0)
        snprintf(buf, size, urne_i18n_text(lang, "Field '%s': %s bytes, more than the %lld allowed; shorten it."),
                 o->field, o->detail, (long long)o->number);
    else if (strcmp(why, URNE_WHY_DEADLINE) == 0)
        snprintf(buf, size,
                 urne_i18n_text(lang, "Field '%s': '%s' is not a moment; write it day first, 10/04/2027 20:00 (the "
                                      "election's local time), or 2027-04-10T20:00, or 2027-04-10T18:00:00Z (UTC)."),
                 o->field, o->detail);
    else if (strcmp(why, URNE_WHY_ZONE) == 0) {
        char zones[600];
        zone_list(zones, sizeof zones);
        snprintf(buf, size, urne_i18n_text(lang, "Field '%s': '%s' is not a time zone urne knows; choose one of: %s."),
                 o->field, o->detail, zones);
    } else if (strcmp(why, URNE_WHY_FORMAT) == 0)
        snprintf(buf, size,
                 urne_i18n_text(lang, "Field '%s': '%s' is not a results format; expected ministry, legislative or "
                                      "native."),
                 o->field, o->detail);
    else if (strcmp(why, URNE_WHY_RULES) == 0)
        rules_text(lang, o, buf, size);
    else if (strcmp(why, URNE_WHY_FILE) == 0 && o->checks.count > 0)
        urne_i18n_diags_text(lang, &o->checks, URNE_IMPORT_SHOWN, buf, size);
    else
        return account_text(lang, o, buf, size);
    return 1;
}

/* The words of a BAD_INPUT refusal. */
static void word_input(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "";
    if (strcmp(why, URNE_WHY_CANDIDATES) == 0)
        urne_result_set(res, 400, _(r, "Field '%s': this contest has %lld candidates (votes.0 to votes.%lld)."), o->field,
            (long long)o->number, o->number > 0 ? (long long)o->number - 1 : 0LL);
    else if (strcmp(why, URNE_WHY_REASON_LONG) == 0)
        urne_result_set(res, 400, _(r, "Field 'reason': %s bytes, more than the %lld allowed; shorten it."),
            o->detail, (long long)o->number);
    else if (strcmp(why, URNE_WHY_BUREAUX) == 0 && !o->detail[0])
        urne_result_set(res, 400, "%s", _(r, "No bureau chosen."));
    else if (strcmp(why, URNE_WHY_BUREAUX) == 0 && strstr(o->detail, ".."))
        urne_result_set(res, 400, _(r, "Bureaux %s: election %lld has bureaux 0 to %lld only."), o->detail,
                        (long long)o->id, (long long)o->number);
    else if (strcmp(why, URNE_WHY_BUREAUX) == 0)
        urne_result_set(res, 400, _(r, "Election %lld has no bureau %s (its bureaux are 0 to %lld)."),
                        (long long)o->id, o->detail, (long long)o->number);
    else if (urne_outcome_text(r->lang, o, res->message, sizeof res->message))
        res->status = 400;
    else if (o->detail[0]) /* a reason no adapter words: its code, and what it concerns */
        urne_result_set(res, 400, _(r, "field '%s': %s: %s"), o->field, why, o->detail);
    else
        urne_result_set(res, 400, _(r, "field '%s': %s"), o->field, why);
}

void urne_outcome_word(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    unsigned http = urne_outcome_http(o->status);
    switch (o->status) {
    case URNE_APP_LOGIN_NEEDED: urne_result_set(res, http, "%s", _(r, "Log in first.")); break;
    case URNE_APP_FORBIDDEN:
        urne_result_set(res, http, _(r, "The role '%s' may not do this (it needs: %s)."),
            urne_page_role(r, r->user.role), urne_page_role(r, o->role));
        break;
    case URNE_APP_TIER:
        urne_result_set(res, http, "%s",
            _(r, "This dispute is for the higher commission to decide."));
        break;
    case URNE_APP_NOT_ASSIGNED:
        urne_result_set(res, http, "%s", _(r, "This bureau is not assigned to you."));
        break;
    case URNE_APP_NO_ELECTION:
        urne_result_set(res, http, _(r, "No election %lld."), (long long)o->number);
        break;
    case URNE_APP_NO_BUREAU:
        urne_result_set(res, http, _(r, "Election %lld has no bureau %lld."),
            (long long)o->id, (long long)o->number);
        break;
    case URNE_APP_NO_DISPUTE:
        urne_result_set(res, http, _(r, "No dispute %lld in this election."),
            (long long)o->number);
        break;
    case URNE_APP_NO_USER: urne_result_set(res, http, _(r, "No user '%s'."), o->detail); break;
    case URNE_APP_NO_INITIATIVE: urne_result_set(res, http, _(r, "No initiative %lld."), (long long)o->number); break;
    case URNE_APP_NO_CAMPAIGN:
        if (o->number > 0)
            urne_result_set(res, http, _(r, "No matching campaign %lld."), (long long)o->number);
        else
            urne_result_set(res, http, "%s", _(r, "No host or pupil of this campaign has this code."));
        break;
    case URNE_APP_NO_FORUM: urne_result_set(res, http, _(r, "No forum %lld."), (long long)o->number); break;
    case URNE_APP_NO_POST: urne_result_set(res, http, _(r, "No such message.")); break;
    case URNE_APP_STATE: word_state(r, o, res); break;
    case URNE_APP_BAD_INPUT: word_input(r, o, res); break;
    case URNE_APP_TAKEN:
        urne_outcome_text(r->lang, o, res->message, sizeof res->message);
        res->status = http;
        break;
    case URNE_APP_CHECKS_FAILED:
    case URNE_APP_IMPOSSIBLE:
        if (o->checks.count) {
            char check[512];
            urne_outcome_check(r->lang, &o->checks.items[0], check, sizeof check);
            urne_result_set(res, http, _(r, "The figures fail their checks: %s"), check);
        } else
            urne_result_set(res, http, "%s", _(r, "The figures fail their checks"));
        break;
    case URNE_APP_NO_MEMORY: urne_result_set(res, http, "%s", _(r, "Out of memory; nothing was written.")); break;
    case URNE_APP_UNAVAILABLE:
        urne_result_set(res, http, "%s",
            _(r, "The database cannot be reached just now; nothing was done. Try again in a few seconds."));
        break;
    case URNE_APP_STORE:
    default: {
        char why[600];
        if (o->reason.fmt) urne_i18n_phrase(r->lang, &o->reason, why, sizeof why);
        urne_result_set(res, http, _(r, "The store refused the change, nothing was written: %s"),
                        o->reason.fmt ? why : o->detail);
        break;
    }
    }
}

/* The entry form's label of a fixed figure (page_bureau.c's), untranslated. */
static const char *figure_label(const char *field) {
    static const struct { const char *field, *label; } labels[] = {
        {"inscrits", N_("Registered")}, {"votants", N_("Voters")}, {"blancs", N_("Blank")},
        {"nuls", N_("Void")},           {"exprimes", N_("Valid votes")},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(field, labels[i].field) == 0) return labels[i].label;
    return field;
}

const char *urne_outcome_diff(urne_lang lang, const urne_figure_diff *d, size_t n, size_t total, char *buf,
                              size_t size) {
    char all[4096]; /* URNE_OUTCOME_DIFFS names of at most 96 bytes and their figures fit */
    size_t used = 0;
    all[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof all; i++) {
        char a[40], b[40];
        const char *name = d[i].field ? urne_i18n_text(lang, figure_label(d[i].field)) : d[i].name;
        const char *sep = i > 0 ? urne_i18n_ctext(lang, "between the differences of two entries", "; ") : "";
        int w = snprintf(all + used, sizeof all - used, urne_i18n_text(lang, "%s%s: %s / %s"), sep, name,
                         urne_i18n_int(lang, d[i].a, a, sizeof a), urne_i18n_int(lang, d[i].b, b, sizeof b));
        used += w > 0 ? (size_t)w : 0;
    }
    if (used < sizeof all && total > n) used += (size_t)snprintf(all + used, sizeof all - used, "…");
    if (size > 0) urne_text_fit(all, used < sizeof all ? used : strlen(all), buf, size);
    return buf;
}

enum MHD_Result urne_outcome_answer(urne_req *r, urne_app_outcome *o, unsigned ok, const char *ok_message,
                                    json_t *extra,
                                    void (*word)(const urne_req *r, const urne_app_outcome *o, urne_result *res)) {
    urne_result res = {0};
    json_t *j;
    if (o->status == URNE_APP_OK) {
        urne_result_set(&res, ok, "%s", ok_message);
        j = json_pack("{s:I, s:s}", "id", (json_int_t)o->id, "message", res.message);
        if (j && extra) json_object_update(j, extra);
    } else {
        word(r, o, &res);
        j = json_pack("{s:s, s:i, s:s}", "error", res.message, "status", (int)res.status, "status_name",
                      urne_app_status_name(o->status));
        if (j && o->field[0]) json_object_set_new(j, "field", json_string(o->field));
        if (j && o->why) json_object_set_new(j, "rule", json_string(o->why));
        json_t *all = j && o->checks.count ? json_array() : NULL;
        for (size_t i = 0; all && i < o->checks.count && i < 50; i++) {
            const urne_diag *d = &o->checks.items[i];
            json_array_append_new(all, json_pack("{s:s, s:I, s:s, s:s, s:s}", "file",
                                                 o->checks.file ? o->checks.file : "", "line", (json_int_t)d->line,
                                                 "field", d->field, "rule", d->rule, "message", d->message));
        }
        if (all) json_object_set_new(j, "errors", all);
    }
    json_decref(extra);
    urne_app_outcome_free(o);
    return urne_reply_json(r, res.status, j);
}
