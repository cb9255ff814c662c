/*
 * store_users: accounts, their roles, and the sessions of those logged in.
 *
 * An account has a unique name, a password hash (Argon2id, made and checked by
 * the web layer: the store keeps the text), a role and, for the commission, a
 * tier. A session is the hash of its token (the token itself never reaches the
 * store), its user, its CSRF token and its expiry; an expired session is not
 * found. Part of the store's interface (store.h).
 */
#ifndef URNE_STORE_USERS_H
#define URNE_STORE_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_role.h" /* urne_role */

typedef struct urne_store urne_store;


typedef struct urne_user {
    int64_t id;
    char name[64]; /* at most 63 bytes: longer names are refused */
    urne_role role;
    int tier; /* commission level: 1 first instance (federation), 2 higher (national) */
} urne_user;

/* The most a password hash may take, its NUL included (libsodium's
 * crypto_pwhash_STRBYTES). */
#define URNE_STORE_PW_HASH_SIZE 128
/* Session token hashes and CSRF tokens: 64 hex digits at most, and the NUL. */
#define URNE_STORE_TOKEN_SIZE 65

/* Create a user (inside a transaction); returns the id, 0 when the name is taken,
 * -1 on failure, or when name (at most 63 bytes) or pw_hash (at most
 * URNE_STORE_PW_HASH_SIZE - 1) is longer than the store holds. */
int64_t urne_store_user_create(urne_store *s, const char *name, const char *pw_hash, urne_role role, int tier);
/* The user named `name`: 1 with it (and its password hash in pw_hash, of pw_size
 * bytes, unless NULL), 0 when none, -1 on failure (a stored value too long for
 * its field among them). */
int urne_store_user_find(urne_store *s, const char *name, urne_user *out, char *pw_hash, size_t pw_size);
/* The user of that id: 1, 0 when none, -1. */
int urne_store_user_get(urne_store *s, int64_t id, urne_user *out);
/* How many accounts there are, or -1. */
int urne_store_user_count(urne_store *s);
/* Call fn on every user in order of id; stops when fn returns non-zero and returns
 * that value; 0 when all were passed, -1 on failure. */
int urne_store_user_each(urne_store *s, int (*fn)(const urne_user *u, void *ctx), void *ctx);

/* Open a session for user until `expires` (seconds since the epoch). token_hash
 * and csrf are at most 64 bytes. 0 or -1. */
int urne_store_session_put(urne_store *s, const char *token_hash, int64_t user, const char *csrf, int64_t expires);
/* 1 with the user and the session's CSRF token when the session exists and has
 * not expired at `now`, 0 when not, -1 on failure. */
int urne_store_session_get(urne_store *s, const char *token_hash, int64_t now, urne_user *user,
                           char csrf[URNE_STORE_TOKEN_SIZE]);
/* Forget the session (none: nothing to do). 0 or -1. */
int urne_store_session_delete(urne_store *s, const char *token_hash);

#endif
