/*
 * initiative_internal: what the initiative's use cases share between
 * initiative.c (the initiatives held, creation, the lifecycle) and
 * initiative_sign.c (the roll, signatures, receipts, invalidation). Not for
 * adapters: they read initiative.h.
 */
#ifndef URNE_APP_INITIATIVE_INTERNAL_H
#define URNE_APP_INITIATIVE_INTERNAL_H

#include <jansson.h>

#include "initiative.h"

struct urne_app_initiatives {
    urne_initiative_held **items; /* in order of id */
    size_t n;
    int64_t (*now)(void);         /* NULL: time(NULL) */
};

/* The clock's moment, UTC seconds, and its ISO text (urne_store_now's form). */
int64_t urne_app_initiative_now(urne_app *app);
void urne_app_initiative_iso(int64_t t, char out[24]);

/* The initiative held with that id, or NULL; NO_INITIATIVE set in out then. */
urne_initiative_held *urne_app_initiative_find(urne_app *app, int64_t id, urne_app_outcome *out);

/* May actor do action on initiative h (its chain: "initiative/<id>", its space,
 * the site)? urne_app_authorize's answer. */
urne_app_status urne_app_initiative_may(urne_app *app, const urne_user *actor, urne_action action,
                                        const urne_initiative_held *h, urne_app_outcome *out);

/* Add electors and valid signatures to territory `name` of h (made when new,
 * kept sorted), and signatures to h's total: 0, or -1 when a count would
 * overflow int64 or go below 0 (nothing changed) or out of memory. */
int urne_app_initiative_count(urne_initiative_held *h, const char *name, int64_t electors, int64_t signatures);

/* Whether h's counts reach its thresholds (the tally engine): 1, 0; 0 too when
 * the tally cannot be made (no roll yet). */
int urne_app_initiative_reached(const urne_initiative_held *h);

/* h's collection window [*opens, *closes), its close computed from a length
 * when only that is given; 0 when not set. */
void urne_app_initiative_window(const urne_initiative_held *h, int64_t *opens, int64_t *closes);

/* Move h by event inside the caller's transaction (the state checked, the row
 * written from the state expected, the audit entry appended): *row receives the
 * row written and *to the new state, for the caller to hold after its commit (h
 * is not changed). OK; STATE with why the lifecycle's refusal (nothing
 * written); STORE (the caller rolls back, urne_app_store_failed); NO_MEMORY. */
urne_app_status urne_app_initiative_step(urne_app *app, const char *actor, const urne_initiative_held *h,
                                         urne_initiative_event event, const char *text, urne_initiative_row *row,
                                         urne_initiative_state *to, urne_app_outcome *out);

/* Write `after` (a JSON object, stolen) as the audit entry `action` on `object`.
 * 0 or -1 (the store's error set; NO_MEMORY said through *oom). */
int urne_app_initiative_audit(urne_app *app, const char *actor, const char *action, const char *object,
                              json_t *after, int *oom);

#endif
