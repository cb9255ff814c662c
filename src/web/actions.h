/*
 * actions: the web adapter's side of the application layer's use cases. Each
 * urne_action_* reads a request's fields, calls one use case (app/), and turns
 * its outcome into a urne_result: an HTTP status, a message in the request's
 * language and a JSON payload, which the API sends as is and a page shows.
 */
#ifndef URNE_WEB_ACTIONS_H
#define URNE_WEB_ACTIONS_H

#include "../app/app.h"
#include "web.h"

/* The outcome of an action: an HTTP status and a message for people, plus an
 * optional JSON payload (owned; the API sends it, the pages read it). */
typedef struct urne_result {
    unsigned status;
    char message[1024];
    char *json;
} urne_result;

void urne_result_free(urne_result *res);
/* Set the status and the message (printf-style). */
void urne_result_set(urne_result *res, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- outcomes into responses (outcome.c) ---- */

/* The HTTP status of an application status: 401 to log in, 403 for a role, tier
 * or bureau the actor lacks, 404 for a missing object, 409 for a state that forbids
 * the act now, 400 for malformed input, 422 for figures that fail their checks,
 * 500 when nothing could be written. */
unsigned urne_outcome_http(urne_app_status s);
/* Word a refusal (any status but OK) into res: its HTTP status and a sentence in
 * the request's language. A component words its own reasons (outcome.why) first
 * and calls this for the rest. */
void urne_outcome_word(const urne_req *r, const urne_app_outcome *o, urne_result *res);
/* A component's use case answered as JSON, and its outcome freed: when it
 * succeeded, {"id", "message"} (ok, ok_message) and extra's members (taken; may be
 * NULL); else {"error", "status", "status_name", "field", "rule", "errors": each
 * of the file's faults with its file, line, field, rule, message} as `word` (the
 * component's wording, which calls urne_outcome_word for the rest) says. */
enum MHD_Result urne_outcome_answer(urne_req *r, urne_app_outcome *o, unsigned ok, const char *ok_message,
                                    json_t *extra,
                                    void (*word)(const urne_req *r, const urne_app_outcome *o, urne_result *res));

/* ---- the acts (actions.c: the results component's, and logging in and out and creating accounts;
 * import.c: creating an election) ---- */


void urne_action_login(urne_req *r, urne_result *res, char token_out[65]);
void urne_action_logout(urne_req *r, urne_result *res);
void urne_action_enter(urne_req *r, int64_t election, size_t bureau, urne_result *res);
void urne_action_contest(urne_req *r, int64_t election, size_t bureau, urne_result *res);
void urne_action_decide(urne_req *r, int64_t election, int64_t dispute, urne_result *res);
void urne_action_escalate(urne_req *r, int64_t election, int64_t dispute, urne_result *res);
void urne_action_publish(urne_req *r, int64_t election, urne_result *res);
void urne_action_user_create(urne_req *r, urne_result *res);
void urne_action_assign(urne_req *r, urne_result *res);
/* Create an election from a file's text (the body, or the `file` field) in a
 * results format, or from the form's fields (title, rules, levels, candidates,
 * bureaux). */
void urne_action_election_create(urne_req *r, urne_result *res);

/* Parse the figures of a sheet from a request's fields (inscrits, votants, blancs,
 * nuls, exprimes, and votes.0..votes.N-1 for N candidates, none left out, any N)
 * into f (a valid value, urne_figures {0} or owned: replaced; the caller frees
 * it). 0; -1 with a message naming the field; -2 when out of memory (f empty).
 * Whether N is the contest's number of candidates is the use case's to check. */
int urne_figures_from_params(const urne_req *r, urne_figures *f, char *why, size_t size);

#endif
