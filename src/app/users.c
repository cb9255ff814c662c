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
        return -2;
    }
    int64_t id = urne_store_user_create(store, name, hash, role, tier);
    if (id <= 0) {
        snprintf(err, errsize, id == 0 ? "a user named '%s' already exists" : "%s",
                 id == 0 ? name : urne_store_error(store));
        urne_store_rollback(store);
        return id == 0 ? 0 : -2;
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
        return -2;
    }
    return id;
}

urne_app_status urne_app_user_create(urne_app *app, const urne_user *actor, const char *name, const char *password,
                                     urne_role role, int tier, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (urne_app_may(app, actor, URNE_ACT_MANAGE_USERS, 0, out) != URNE_APP_OK) return out->status;
    char err[300];
    int64_t id = urne_users_create(app->store, &app->lock, actor->name, name, password, role, tier, err, sizeof err);
    if (id == -2) return urne_app_fail(out, URNE_APP_STORE, "%s", err);
    if (id <= 0) {
        /* Which field: the checks run in the order name, password, role. */
        const char *field = strstr(err, "user name") ? "name" : strstr(err, "role must be") ? "role" : "password";
        snprintf(out->field, sizeof out->field, "%s", field);
        return urne_app_fail(out, id == 0 ? URNE_APP_TAKEN : URNE_APP_BAD_INPUT, "%s", err);
    }
    pthread_mutex_lock(&app->lock);
    urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    out->id = id;
    return URNE_APP_OK;
}

/* ---- sessions ---- */

int urne_app_login_find(urne_app *app, const char *name, urne_user *user, char *hash, size_t hash_size) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_user_find(app->store, name, user, hash, hash_size);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_session_put(urne_app *app, const char *token_hash, int64_t user, const char *csrf, int64_t expires) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_session_put(app->store, token_hash, user, csrf, expires);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_session_get(urne_app *app, const char *token_hash, int64_t now, urne_user *user,
                         char csrf[URNE_STORE_TOKEN_SIZE]) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_session_get(app->store, token_hash, now, user, csrf);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_session_delete(urne_app *app, const char *token_hash) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_session_delete(app->store, token_hash);
    pthread_mutex_unlock(&app->lock);
    return rc;
}
