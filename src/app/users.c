/*
 * users: creating an account, the one use case every adapter shares (the API and
 * the administration page, `urne admin create`, the demo). It owns the rules an
 * account must meet (its name, a password that is not easily guessed: password.h,
 * its role and tier), hashing the password with Argon2id outside any lock (slow on
 * purpose), and the write with its audit entry in one transaction.
 *
 * And the sessions' lookups, which every request of someone logged in makes. A
 * session found valid at second `now` (its expiry after it) is kept in a small
 * table of recent sessions, by its token's hash, marked with that second; a
 * request in the same second finds it there with no read of the store, and the
 * first request of the next second reads the store again. Why: a secretary's
 * client entering sheets makes hundreds of requests a second, and on PostgreSQL
 * each read was a round trip and a statement of its own (bench/RESULTS.md, issue
 * 17, pg17b). What it keeps: an expired session is refused exactly as before (it
 * was valid for the whole of that second), and a session closed (logging out) is
 * forgotten here at once and refused by every other server sharing the database
 * from its next second, so within a second (tests/pg/test_multi.py). Accounts
 * change neither role nor tier once made, so the user kept is the user read.
 */
#include <assert.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"
#include "users.h"

static int64_t store_user(urne_store *store, const char *actor, const char *name, const char *hash, urne_role role,
                          int tier, urne_app_outcome *out);

/* A refused argument: BAD_INPUT on field for the reason why. -1. */
static int64_t refuse(urne_app_outcome *out, const char *field, const char *why, const char *detail, int64_t number) {
    out->status = URNE_APP_BAD_INPUT;
    out->why = why;
    out->number = number;
    snprintf(out->field, sizeof out->field, "%s", field);
    if (detail != out->detail) snprintf(out->detail, sizeof out->detail, "%.200s", detail ? detail : "");
    return -1;
}

int64_t urne_users_create(urne_store *store, pthread_mutex_t *lock, const char *actor, const char *name,
                          const char *password, urne_role role, int tier, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    size_t n = strlen(name);
    if (n == 0 || n >= 64) return refuse(out, "name", URNE_WHY_USER_NAME_LENGTH, NULL, 63);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] <= ' ' || name[i] == '"' || name[i] == '\\')
            return refuse(out, "name", URNE_WHY_USER_NAME_CHARS, name, 0);
    const char *weak = urne_password_fault(password, name, out->detail, sizeof out->detail); /* password.h */
    if (weak)
        return refuse(out, "password", weak, out->detail,
                      strcmp(weak, URNE_WHY_PASSWORD_LONG) == 0 ? URNE_PASSWORD_MAX : URNE_PASSWORD_MIN);
    if (role == URNE_ROLE_PUBLIC || (tier != 1 && tier != 2)) return refuse(out, "role", URNE_WHY_ROLE, NULL, 0);
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        urne_app_fail(out, URNE_APP_NO_MEMORY, "out of memory while hashing the password");
        return -1;
    }
    if (lock) pthread_mutex_lock(lock);
    int64_t id = store_user(store, actor, name, hash, role, tier, out);
    if (lock) pthread_mutex_unlock(lock);
    return id;
}

/* The account and its audit entry in one transaction: its id, or -1 with TAKEN
 * (detail: the name) or STORE in out. */
static int64_t store_user(urne_store *store, const char *actor, const char *name, const char *hash, urne_role role,
                          int tier, urne_app_outcome *out) {
    if (urne_store_begin(store) < 0) {
        urne_app_store_error(out, store);
        return -1;
    }
    int64_t id = urne_store_user_create(store, name, hash, role, tier);
    if (id <= 0) {
        if (id == 0)
            urne_app_fail(out, URNE_APP_TAKEN, "%s", name);
        else
            urne_app_store_error(out, store);
        urne_store_rollback(store);
        return -1;
    }
    char object[96];
    snprintf(object, sizeof object, "user/%lld", (long long)id);
    json_t *aj = json_pack("{s:s, s:s, s:i}", "name", name, "role", urne_role_name(role), "tier", tier);
    char *after = json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(aj);
    int rc = urne_store_audit(store, actor, "user.create", object, NULL, after);
    free(after);
    if (rc < 0 || urne_store_commit(store) < 0) {
        urne_app_store_error(out, store);
        urne_store_rollback(store);
        return -1;
    }
    return id;
}

urne_app_status urne_app_user_create(urne_app *app, const urne_user *actor, const char *name, const char *password,
                                     urne_role role, int tier, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (urne_app_may(app, actor, URNE_ACT_MANAGE_USERS, 0, out) != URNE_APP_OK) return out->status;
    int64_t id = urne_users_create(app->store, &app->lock, actor->name, name, password, role, tier, out);
    if (id <= 0) {
        if (out->status == URNE_APP_STORE && urne_store_unavailable(app->store)) out->status = URNE_APP_UNAVAILABLE;
        return out->status;
    }
    pthread_mutex_lock(&app->lock);
    urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    out->id = id;
    return URNE_APP_OK;
}

/* ---- sessions ---- */

urne_app_status urne_app_login_find(urne_app *app, const char *name, urne_user *user, char *hash, size_t hash_size,
                                    urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_user_find(app->store, name, user, hash, hash_size);
    /* Decided under the lock: whether the database is out of reach is the store's
     * state now, which another request may change the moment the lock is let go.
     * No rollback (a read outside any transaction): on PostgreSQL it would try the
     * lost connection again, a second wait per login while the database is down. */
    urne_app_status st = rc > 0 ? URNE_APP_OK : rc == 0 ? urne_app_fail(out, URNE_APP_NO_USER, "%s", name) : URNE_APP_STORE;
    if (st == URNE_APP_STORE) {
        urne_app_store_error(out, app->store);
        if (urne_store_unavailable(app->store)) st = out->status = URNE_APP_UNAVAILABLE;
    }
    pthread_mutex_unlock(&app->lock);
    return st;
}

int urne_app_session_put(urne_app *app, const char *token_hash, int64_t user, const char *csrf, int64_t expires) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_session_put(app->store, token_hash, user, csrf, expires);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

/* The recent sessions: one slot per hash value (a direct-mapped table), a new
 * session taking the slot of the one before it. */
#define SESSION_SLOTS 256

typedef struct session_slot {
    char hash[URNE_STORE_TOKEN_SIZE]; /* the token's hash; "" when free */
    int64_t second;                   /* the second it was found valid in */
    urne_user user;
    char csrf[URNE_STORE_TOKEN_SIZE];
} session_slot;

struct urne_app_sessions {
    session_slot slot[SESSION_SLOTS];
};

/* The slot token_hash goes to (the table made at the first call), or NULL when it
 * cannot be made (then every lookup reads the store). Under the lock. */
static session_slot *session_slot_of(urne_app *app, const char *token_hash) {
    if (app->sessions == NULL && (app->sessions = calloc(1, sizeof *app->sessions)) == NULL) return NULL;
    uint32_t h = 2166136261u; /* FNV-1a over the hash's text: its hex digits are already random */
    for (const char *c = token_hash; *c; c++) h = (h ^ (unsigned char)*c) * 16777619u;
    return &app->sessions->slot[h % SESSION_SLOTS];
}

int urne_app_session_get(urne_app *app, const char *token_hash, int64_t now, urne_user *user,
                         char csrf[URNE_STORE_TOKEN_SIZE]) {
    assert(token_hash && strlen(token_hash) < URNE_STORE_TOKEN_SIZE);
    pthread_mutex_lock(&app->lock);
    session_slot *k = session_slot_of(app, token_hash);
    int rc;
    if (k && k->second == now && strcmp(k->hash, token_hash) == 0) {
        *user = k->user;
        memcpy(csrf, k->csrf, URNE_STORE_TOKEN_SIZE);
        rc = 1;
    } else if ((rc = urne_store_session_get(app->store, token_hash, now, user, csrf)) == 1 && k) {
        snprintf(k->hash, sizeof k->hash, "%s", token_hash);
        k->second = now;
        k->user = *user;
        memcpy(k->csrf, csrf, URNE_STORE_TOKEN_SIZE);
    } else if (rc == 0 && k && strcmp(k->hash, token_hash) == 0)
        k->hash[0] = 0; /* closed or expired since: not kept for any second */
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_session_delete(urne_app *app, const char *token_hash) {
    pthread_mutex_lock(&app->lock);
    session_slot *k = session_slot_of(app, token_hash);
    if (k && strcmp(k->hash, token_hash) == 0) k->hash[0] = 0; /* even if the store fails: read again */
    int rc = urne_store_session_delete(app->store, token_hash);
    pthread_mutex_unlock(&app->lock);
    return rc;
}
