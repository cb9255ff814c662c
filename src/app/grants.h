/*
 * grants: giving an account a role in a space below the site, and taking it back
 * (see grants.c). The roles themselves are core/urne_role.h's, the grants as kept
 * store_grants.h's, and what a grant allows app/authz.h's policy.
 */
#ifndef URNE_APP_GRANTS_H
#define URNE_APP_GRANTS_H

#include <jansson.h>

#include "app.h"

/* The reason these use cases give in outcome.why besides app.h's (URNE_WHY_SPACE). */
#define URNE_WHY_NO_GRANT "no-grant" /* STATE: the account holds no grant in that space */

/* An administrator (MANAGE_USERS) of the space, of the space above it (an
 * election's organisation) or of the site gives the account named
 * `user_name` `role` with `tier` in `space` (a space name, not the site: the
 * site's role is the account's own), replacing what it held there, with an audit
 * entry "user.grant" on "user/<id>" (before: the grant replaced or null; after:
 * {"space", "role", "tier"}) in the same transaction. OK with outcome.id the
 * account's id and outcome.number 1 when a grant was replaced, else 0. Refusals:
 * those of urne_app_authorize_space; BAD_INPUT with outcome.field "space" (URNE_WHY_SPACE, or URNE_WHY_SPACE_SITE for ""),
 * "role" (public is not a role to grant) or "tier" (1 or 2); NO_USER (detail: the
 * name); STORE (nothing written). Takes the lock. */
urne_app_status urne_app_grant_put(urne_app *app, const urne_user *actor, const char *user_name,
                                   const char *space, urne_role role, int tier, urne_app_outcome *out);

/* An administrator takes back the grant the account named `user_name` holds in
 * `space`, with an audit entry "user.ungrant" on "user/<id>" (before: the grant;
 * after: {"space"}). OK with outcome.id the account's id; STATE with
 * URNE_WHY_NO_GRANT when it held none there (nothing written); otherwise the
 * refusals of urne_app_grant_put. Takes the lock. */
urne_app_status urne_app_grant_delete(urne_app *app, const urne_user *actor, const char *user_name,
                                      const char *space, urne_app_outcome *out);

/* The acts themselves, without asking who may nor taking the lock: for the
 * command line (`urne admin grant`, the operator at the database) and the use
 * cases above. `actor` is the name the audit entry records. The same outcomes,
 * less the refusals of urne_app_may. */
urne_app_status urne_grants_put(urne_store *store, const char *actor, const char *user_name, const char *space,
                                urne_role role, int tier, urne_app_outcome *out);
urne_app_status urne_grants_delete(urne_store *store, const char *actor, const char *user_name, const char *space,
                                   urne_app_outcome *out);

/* The grants the account named `user_name` holds that `actor` administers (all
 * of them for an administrator of the site; those in its spaces and their
 * elections for an administrator of a space), as JSON [{"space", "role", "tier"}]
 * (the caller json_decref's it), or NULL with the refusal of
 * urne_app_authorize_somewhere, NO_USER, STORE or NO_MEMORY in *out. Takes the
 * lock. */
json_t *urne_app_grants_json(urne_app *app, const urne_user *actor, const char *user_name, urne_app_outcome *out);

#endif
