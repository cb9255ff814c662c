/*
 * results_internal: what the results component's use cases share (results_*.c);
 * not for adapters.
 */
#ifndef URNE_RESULTS_INTERNAL_H
#define URNE_RESULTS_INTERNAL_H

#include "results_app.h"

/* Authorise `action` on election `id` for actor (the election's space chain),
 * then find the election held in memory and, when `bureau` is not URNE_NONE, the
 * bureau. Under the lock. The election, or NULL with *out set. */
urne_election *urne_results_find(urne_app *app, const urne_user *actor, urne_action action, int64_t id,
                                 size_t bureau, urne_app_outcome *out);

/* {"state": ..., "figures": ...} of a bureau, as the audit log records it
 * (figures NULL: none). Malloc'ed; NULL when out of memory. */
char *urne_results_state_json(const urne_bureau_info *b, const urne_figures *f);

/* Append the audit entry of an act by actor inside the open transaction. OK, or
 * STORE after rolling back. */
urne_app_status urne_results_audit(urne_app *app, const urne_user *actor, const char *action, const char *object,
                                   const char *before, const char *after, urne_app_outcome *out);

/* 1 when bureau `bureau` of e is assigned to user, 0 when not, -1 on failure (said
 * on the store). At the first yes for a user, every bureau assigned to them is
 * listed once and kept in e->assignees; a bureau held there is not asked again, no
 * act taking an assignment back (store_elections.h); any other is asked each time
 * (one may be made meanwhile, by this server or another), and a yes kept. */
int urne_results_assigned(urne_app *app, urne_election *e, int64_t user, size_t bureau);

/* Update bureau `bureau` of e in memory after a commit: its info and, through the
 * récolement engine, its figures in the round; the live reports follow
 * (results_live.h). */
/* Note that e's sheet `bureau` in memory is now as of at least seq (the audit
 * head's): e->seen[bureau] raised to it. Out of memory, the election's floor is
 * raised instead (app.h). */
void urne_results_seen(urne_election *e, size_t bureau, int64_t seq);
void urne_results_apply(urne_app *app, urne_election *e, size_t bureau, const urne_bureau_info *info,
                        const urne_figures *f);

/* Read bureau `bureau` of e as stored, inside the write transaction just begun
 * (so under the store's write lock: no other server or process can change it
 * before the commit), and compare it with what memory holds: 1 when they agree
 * (the decision taken on memory stands), 0 when another server changed it and
 * this one has not heard yet (memory is then patched from the row, and the
 * caller rolls back, runs the change hook and decides again), -1 on failure (the
 * store's error), -2 when the stored figures do not fit the sheet's contest. On
 * both backends alike: on SQLite another process (a second server, the command
 * line) may have written the file too, and a use case behaves the same whichever
 * store it runs on. */
int urne_results_sheet_current(urne_app *app, urne_election *e, size_t bureau);
/* What a use case's step answers when the sheet it decided on was changed by
 * another server (urne_results_begin_sheet, a publication the store refused for
 * a contest unheard of): decide again on memory as now patched. Never returned
 * to an adapter. */
#define URNE_RESULTS_STALE ((urne_app_status)URNE_APP_NSTATUSES)
/* How many times a use case decides again before it gives up (STORE). */
#define URNE_RESULTS_TRIES 3
/* Begin the write transaction of an act on bureau `bureau` of e and check the
 * sheet as stored against memory (urne_results_sheet_current): OK with the
 * transaction open; STALE after rolling back and running the change hook (memory
 * patched: decide again); STORE or UNAVAILABLE, rolled back, otherwise. */
urne_app_status urne_results_begin_sheet(urne_app *app, urne_election *e, size_t bureau, urne_app_outcome *out);
/* The failure when a use case found its sheet changed URNE_RESULTS_TRIES times
 * in a row: STORE, saying nothing was written. */
urne_app_status urne_results_stale_failed(urne_app_outcome *out);

/* Check figures against the sheet they are for: the candidate count (BAD_INPUT),
 * then every check of the results engine into out->checks. OK when all pass,
 * IMPOSSIBLE when a figure no confirmation records fails, CHECKS_FAILED when only
 * confirmable checks fail. */
urne_app_status urne_results_check_figures(const urne_election *e, size_t bureau, const urne_figures *f,
                                           urne_app_outcome *out);

#endif
