/*
 * users: creating an account (see users.c).
 */
#ifndef URNE_APP_USERS_H
#define URNE_APP_USERS_H

#include <pthread.h>
#include <stdint.h>

#include "../store/store.h"

/* Create a user (from a request, `urne admin create`, the demo), with its audit
 * entry. The name has 1 to 63 bytes without blanks, quotes or backslashes; the
 * password must pass urne_password_acceptable (password.h); role is not public and
 * tier is 1 or 2. The password is hashed with Argon2id first; `lock`, when not NULL,
 * is held only around the write. Returns the id, 0 when the name is taken (err
 * says so), -1 with the reason in err. */
int64_t urne_users_create(urne_store *store, pthread_mutex_t *lock, const char *actor, const char *name,
                          const char *password, urne_role role, int tier, char *err, size_t errsize);

#endif
