/*
 * store_grants: the roles accounts hold in spaces narrower than the site.
 *
 * An account's own role and tier (store_users.h) are its grant over the whole
 * site. A grant here gives it a role (and a tier) in one space below the site, an
 * organisation ("org/federation-nord") or an election ("election/3"): the
 * commission of a federation is commission in that federation's elections and
 * nobody in another's (app/authz.h decides with them). One grant per account and
 * space: putting one again replaces it. Space names are core/urne_role.h's: at
 * most URNE_SPACE_MAX bytes of [a-z0-9/_-]; anything else is refused, never cut.
 * Part of the store's interface (store.h).
 */
#ifndef URNE_STORE_GRANTS_H
#define URNE_STORE_GRANTS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_role.h"

typedef struct urne_store urne_store;

/* A grant as stored. */
typedef struct urne_store_grant {
    int64_t user;
    char space[URNE_SPACE_MAX + 1]; /* never "": the site's grant is the account's own role */
    urne_role role;                 /* never public */
    int tier;                       /* 1 or 2, as an account's */
} urne_store_grant;

/* Give `user` `role` with `tier` in `space` (inside a transaction), replacing the
 * grant it held there. 0, or -1 when the space is "" or not a valid name (the
 * message says why), the role is public, the tier is not 1 or 2, the user does not
 * exist, or the store failed. */
int urne_store_grant_put(urne_store *s, int64_t user, const char *space, urne_role role, int tier);
/* Take back the grant `user` holds in `space` (inside a transaction): 1 when one
 * was taken back, 0 when there was none, -1 (an invalid space name among the
 * failures). */
int urne_store_grant_delete(urne_store *s, int64_t user, const char *space);
/* The grant `user` holds in `space`: 1 with it in *out, 0 when none, -1. */
int urne_store_grant_get(urne_store *s, int64_t user, const char *space, urne_store_grant *out);
/* Call fn on every grant of `user` (0: of every user), in order of user then
 * space; stops when fn returns non-zero and returns that value; 0 when all were
 * passed, -1 on failure (a stored space too long or invalid among them, named). */
int urne_store_grant_each(urne_store *s, int64_t user, int (*fn)(const urne_store_grant *g, void *ctx), void *ctx);
/* The grants of `user` into out (cap of them), in order of space. Returns how many
 * the user holds, or -1. Never cuts the list silently: when the user holds more
 * than cap, the count returned is larger than cap, out holds the first cap, and
 * the caller must ask again with room for all. */
long urne_store_grant_list(urne_store *s, int64_t user, urne_store_grant *out, size_t cap);

#endif
