/*
 * users: creating an account (see users.c).
 */
#ifndef URNE_APP_USERS_H
#define URNE_APP_USERS_H

#include <pthread.h>
#include <stdint.h>

#include "../store/store.h"
#include "app.h"

/* Create a user (from a request, `urne admin create`, the demo), with its audit
 * entry. The name has 1 to 63 bytes without blanks, quotes or backslashes; the
 * password must pass urne_password_fault (password.h); role is not public and
 * tier is 1 or 2. The password is hashed with Argon2id first; `lock`, when not NULL,
 * is held only around the write. Returns the id, or -1 with the refusal in *out
 * (initialised here; the caller frees it), codes for the adapters to word:
 * BAD_INPUT (out->field "name", "password" or "role", out->why one of app.h's
 * URNE_WHY_USER_NAME_*, URNE_WHY_PASSWORD_*, URNE_WHY_ROLE), TAKEN (out->detail:
 * the name), NO_MEMORY, STORE (out->detail: the store's reason; nothing written). */
int64_t urne_users_create(urne_store *store, pthread_mutex_t *lock, const char *actor, const char *name,
                          const char *password, urne_role role, int tier, urne_app_outcome *out);

/* The use case: an administrator (MANAGE_USERS) creates an account. OK with
 * outcome.id; the refusals of urne_users_create (UNAVAILABLE for STORE when the
 * database was out of reach); the refusals of urne_app_may. The bootstrap (the
 * first administrator, from the command line) calls urne_users_create. */
urne_app_status urne_app_user_create(urne_app *app, const urne_user *actor, const char *name, const char *password,
                                     urne_role role, int tier, urne_app_outcome *out);

/* ---- sessions: the web adapter's cookies and tokens, kept by the store ---- */

/* The account named `name` for a login, with its password hash (of hash_size
 * bytes): OK with both; NO_USER (outcome.detail: the name) when there is none;
 * UNAVAILABLE when the database is out of reach and STORE when it failed
 * otherwise (the store's error as the reason, nothing rolled back: the adapter
 * answers 503 or 500, and must not count it as a wrong password). The caller verifies the password outside the
 * lock (Argon2id is slow on purpose). */
urne_app_status urne_app_login_find(urne_app *app, const char *name, urne_user *user, char *hash, size_t hash_size,
                                    urne_app_outcome *out);
/* Open, find and close a session (store_users.h's contracts), under the lock.
 * Found, a session is kept in memory for the rest of that second (`now`): the
 * requests that follow in the same second find it with no read (users.c). Closed
 * on this server, it is forgotten at once; closed on another server sharing the
 * database, it is still found here until the second ends, never after. */
int urne_app_session_put(urne_app *app, const char *token_hash, int64_t user, const char *csrf, int64_t expires);
int urne_app_session_get(urne_app *app, const char *token_hash, int64_t now, urne_user *user,
                         char csrf[URNE_STORE_TOKEN_SIZE]);
int urne_app_session_delete(urne_app *app, const char *token_hash);

#endif
