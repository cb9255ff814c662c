/*
 * users: creating an account, the one use case every adapter shares (the API and
 * the administration page, `urne admin create`, the demo). It owns the rules an
 * account must meet (its name, a password that is not easily guessed: password.h,
 * its role and tier), hashing the password with Argon2id outside any lock (slow on
 * purpose), and the write with its audit entry in one transaction.
 */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "password.h"
#include "users.h"

static int64_t store_user(urne_store *store, const char *actor, const char *name, const char *hash, urne_role role,
                          int tier, char *err, size_t errsize);

int64_t urne_users_create(urne_store *store, pthread_mutex_t *lock, const char *actor, const char *name,
                          const char *password, urne_role role, int tier, char *err, size_t errsize) {
    size_t n = strlen(name);
    if (n == 0 || n >= 64) {
        snprintf(err, errsize, "a user name has 1 to 63 characters");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] <= ' ' || name[i] == '"' || name[i] == '\\') {
            snprintf(err, errsize, "user name '%s': no spaces, quotes or backslashes", name);
            return -1;
        }
    if (!urne_password_acceptable(password, name, err, errsize)) return -1; /* password.h */
    if (role == URNE_ROLE_PUBLIC || (tier != 1 && tier != 2)) {
        snprintf(err, errsize, "role must be observer, secretary, commission or admin; tier 1 or 2");
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        snprintf(err, errsize, "out of memory while hashing the password");
        return -1;
    }
    if (lock) pthread_mutex_lock(lock);
    int64_t id = store_user(store, actor, name, hash, role, tier, err, errsize);
    if (lock) pthread_mutex_unlock(lock);
    return id;
}

static int64_t store_user(urne_store *store, const char *actor, const char *name, const char *hash, urne_role role,
                          int tier, char *err, size_t errsize) {
    if (urne_store_begin(store) < 0) {
        snprintf(err, errsize, "%s", urne_store_error(store));
        return -1;
    }
    int64_t id = urne_store_user_create(store, name, hash, role, tier);
    if (id <= 0) {
        snprintf(err, errsize, id == 0 ? "a user named '%s' already exists" : "%s",
                 id == 0 ? name : urne_store_error(store));
        urne_store_rollback(store);
        return id;
    }
    char object[96];
    snprintf(object, sizeof object, "user/%lld", (long long)id);
    json_t *aj = json_pack("{s:s, s:s, s:i}", "name", name, "role", urne_role_name(role), "tier", tier);
    char *after = json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(aj);
    int rc = urne_store_audit(store, actor, "user.create", object, NULL, after);
    free(after);
    if (rc < 0 || urne_store_commit(store) < 0) {
        snprintf(err, errsize, "%s", urne_store_error(store));
        urne_store_rollback(store);
        return -1;
    }
    return id;
}
