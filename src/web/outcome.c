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

#include "../app/results_app.h"
#include "actions.h"

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
    case URNE_APP_NO_USER: return 404;
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
        urne_result_set(res, 409, "'%s' is not a section secretary (role %s)", o->detail, urne_role_name(o->role));
    else
        urne_result_set(res, 409, "%s", why); /* the récolement engine's own reason */
}

/* The words of a BAD_INPUT refusal. */
static void word_input(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "";
    if (strcmp(why, URNE_WHY_CANDIDATES) == 0)
        urne_result_set(res, 400, "field '%s': this contest has %lld candidates (votes.0 to votes.%lld)", o->field,
            (long long)o->number, o->number > 0 ? (long long)o->number - 1 : 0LL);
    else if (strcmp(why, URNE_WHY_REASON_LONG) == 0)
        urne_result_set(res, 400, _(r, "Field 'reason': %s bytes, more than the %lld allowed; shorten it."),
            o->detail, (long long)o->number);
    else if (strcmp(why, URNE_WHY_BUREAUX) == 0)
        urne_result_set(res, 400, "%s", o->detail);
    else
        urne_result_set(res, 400, "field '%s': %s%s%s", o->field, why, o->detail[0] ? ": " : "", o->detail);
}

void urne_outcome_word(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    unsigned http = urne_outcome_http(o->status);
    switch (o->status) {
    case URNE_APP_LOGIN_NEEDED: urne_result_set(res, http, "%s", _(r, "Log in first.")); break;
    case URNE_APP_FORBIDDEN:
        urne_result_set(res, http, _(r, "The role '%s' may not do this (it needs: %s)."),
            urne_role_name(r->user.role), urne_role_name(o->role));
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
    case URNE_APP_NO_USER: urne_result_set(res, http, "no user '%s'", o->detail); break;
    case URNE_APP_STATE: word_state(r, o, res); break;
    case URNE_APP_BAD_INPUT: word_input(r, o, res); break;
    case URNE_APP_TAKEN: urne_result_set(res, http, "%s", o->detail); break;
    case URNE_APP_CHECKS_FAILED:
    case URNE_APP_IMPOSSIBLE:
        urne_result_set(res, http, "%s: %s", _(r, "The figures fail their checks"),
            o->checks.count ? o->checks.items[0].message : "");
        break;
    case URNE_APP_NO_MEMORY: urne_result_set(res, http, "out of memory; nothing was written"); break;
    case URNE_APP_UNAVAILABLE:
        urne_result_set(res, http, "%s",
            _(r, "The database cannot be reached just now; nothing was done. Try again in a few seconds."));
        break;
    case URNE_APP_STORE:
    default: urne_result_set(res, http, "the store refused the change, nothing was written: %s", o->detail); break;
    }
}
