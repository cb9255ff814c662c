/*
 * results_app: the use cases of the results component (tally sheets with
 * récolement, publication), one function each.
 *
 * Every function follows app.h's contract: it clears *out, takes the lock,
 * checks in this order the election and the object (NO_ELECTION, NO_BUREAU,
 * NO_DISPUTE), who may (LOGIN_NEEDED, FORBIDDEN, TIER, NOT_ASSIGNED), the state
 * (STATE) and the input (BAD_INPUT, IMPOSSIBLE, CHECKS_FAILED); then writes the
 * change and its audit entry in one transaction, updates the election held in
 * memory after the commit and runs the change hook. On any refusal or failure
 * nothing is written and memory is as it was. `actor` is the user acting (id 0,
 * role public, when nobody is logged in); its name goes into the audit log.
 *
 * The files: results_entry.c (entering sheets), results_disputes.c (contest,
 * decide, escalate), results_admin.c (publish, assign bureaux).
 */
#ifndef URNE_RESULTS_APP_H
#define URNE_RESULTS_APP_H

#include "app.h"

/* A commission has this long to decide a dispute: its deadline is shown beside it. */
#define URNE_DISPUTE_HOURS 48

/* Reasons the acts below give in outcome.why with URNE_APP_BAD_INPUT. */
#define URNE_WHY_CANDIDATES "candidate-count" /* votes for more or fewer candidates than the contest has */
#define URNE_WHY_REASON_MISSING "reason-missing" /* a récolement act needs its reason (3 bytes or more) */
#define URNE_WHY_REASON_LONG "reason-too-long"   /* outcome.number: the most the store keeps */
#define URNE_WHY_BUREAUX "bureau-range"          /* assign: outside 0..nsheets-1 (detail: the bureaux asked,
                                                  * "7" or "3..9"; "" when none; number: the last bureau
                                                  * the election has, id: the election) */

/* A secretary enters the figures read on bureau `bureau`'s procès-verbal.
 * `confirmed`: the person states that the sheet really says so, which records a
 * sheet that fails a consistency check (never an impossible figure). OK with
 * outcome.state (entered, pending, mismatch), outcome.checks, and for a mismatch
 * the differences in outcome.detail (the other entry's / this one). */
urne_app_status urne_app_sheet_enter(urne_app *app, const urne_user *actor, int64_t election, size_t bureau,
                                     const urne_figures *figures, int confirmed, urne_app_outcome *out);

/* May `actor` enter a sheet for that bureau now? Everything urne_app_sheet_enter
 * checks before the figures (election, bureau, role, assignment, state): OK or
 * the refusal. Adapters ask it when the figures they were sent cannot be read, so
 * that who may is answered before what was typed. */
urne_app_status urne_app_sheet_may_enter(urne_app *app, const urne_user *actor, int64_t election, size_t bureau,
                                         urne_app_outcome *out);

/* A commission member contests a counted bureau, for `reason`: the bureau is
 * frozen (with every unit above it) until a decision, and a published result is
 * reopened. OK with outcome.dispute (its deadline set). */
urne_app_status urne_app_bureau_contest(urne_app *app, const urne_user *actor, int64_t election, size_t bureau,
                                        const char *reason, urne_app_outcome *out);

/* The commission decides dispute `dispute` of the election: validate, correct
 * (with `corrected`, which must pass every check), annul, or order a new vote.
 * A tier-2 dispute needs a tier-2 member. OK with outcome.dispute and
 * outcome.state (the bureau's state after). */
urne_app_status urne_app_dispute_decide(urne_app *app, const urne_user *actor, int64_t election, int64_t dispute,
                                        urne_decision decision, const urne_figures *corrected, const char *reason,
                                        urne_app_outcome *out);

/* A first commission's decision is taken to the higher commission, for `reason`:
 * a new tier-2 dispute freezes the bureau again. OK with outcome.dispute. */
urne_app_status urne_app_dispute_escalate(urne_app *app, const urne_user *actor, int64_t election, int64_t dispute,
                                          const char *reason, urne_app_outcome *out);

/* Publish the election's results as they stand (refused while a bureau is
 * contested: STATE, URNE_WHY_FROZEN). OK with outcome.digest (the SHA-256 of the
 * JSON report) and outcome.at. */
urne_app_status urne_app_election_publish(urne_app *app, const urne_user *actor, int64_t election,
                                          urne_app_outcome *out);

/* Assign bureaux first..last of the election to the secretary named `user`.
 * OK with outcome.number the bureaux assigned. */
urne_app_status urne_app_bureaux_assign(urne_app *app, const urne_user *actor, const char *user, int64_t election,
                                        int64_t first, int64_t last, urne_app_outcome *out);

/* Assign the bureaux listed (bureaux[0..n-1], in any order, a repeat counted
 * once) to the secretary named `user`: every one or none (BAD_INPUT, field
 * "bureaux", URNE_WHY_BUREAUX, when the list is empty or names a bureau the
 * election does not have). Logged as one "user.assign" entry per run of
 * consecutive bureaux. OK with outcome.number the bureaux assigned. */
urne_app_status urne_app_bureaux_assign_list(urne_app *app, const urne_user *actor, const char *user,
                                             int64_t election, const int64_t *bureaux, size_t n,
                                             urne_app_outcome *out);

#endif
