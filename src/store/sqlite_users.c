/*
 * sqlite_users: accounts and sessions on SQLite (store_users.h holds the
 * contracts; store.c has checked the lengths of what is written). The texts of
 * its queries are shared with PostgreSQL's (store_sql.h), but the account's
 * creation.
 *
 * A role is stored by its name and constrained by the schema to the four that
 * can log in; a row whose role is none of them reads as the public role, which
 * can do nothing. Names and CSRF tokens are read into fixed fields: a stored one
 * too long is refused with the row named, never cut (a name cut could become
 * another user's).
 */
#include <stdio.h>
#include <string.h>

#include "sqlite_internal.h"
#include "store_sql.h"

static int64_t sq_user_create(urne_store *s, const char *name, const char *pw_hash, urne_role role, int tier) {
    char at[24];
    urne_store_now(at);
    /* SQLite's variant (store_sql.h says why). */
    sqlite3_stmt *st =
        urne_sql_stmt(s, "INSERT INTO users(name, pw_hash, role, tier, created_at) VALUES (?, ?, ?, ?, ?)");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, urne_role_name(role), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, tier);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT) return 0;
    if (rc != SQLITE_DONE) return urne_sql_fail(s, "creating a user");
    return sqlite3_last_insert_rowid(urne_sql_db(s));
}

/* A user from columns id, name, role, tier. 0, or -1 when the name is too long. */
static int user_row(urne_store *s, sqlite3_stmt *st, urne_user *u) {
    u->id = sqlite3_column_int64(st, 0);
    if (urne_sql_col(s, st, 1, u->name, sizeof u->name, "users", "name", "user %lld", (long long)u->id) < 0)
        return -1;
    const char *role = urne_sql_text(st, 2);
    if (role == NULL || urne_role_parse(role, &u->role) < 0) u->role = URNE_ROLE_PUBLIC;
    u->tier = sqlite3_column_int(st, 3);
    return 0;
}

static int sq_user_find(urne_store *s, const char *name, urne_user *out, char *pw_hash, size_t pw_size) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_user_find);
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), ok = 0;
    if (rc == SQLITE_ROW) {
        ok = user_row(s, st, out);
        if (ok == 0 && pw_hash)
            ok = urne_sql_col(s, st, 4, pw_hash, pw_size, "users", "pw_hash", "user %lld", (long long)out->id);
    }
    sqlite3_reset(st);
    if (ok < 0) return -1;
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "finding a user");
}

static int sq_user_get(urne_store *s, int64_t id, urne_user *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_user_get);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), ok = 0;
    if (rc == SQLITE_ROW) ok = user_row(s, st, out);
    sqlite3_reset(st);
    if (ok < 0) return -1;
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading a user");
}

static int sq_user_count(urne_store *s) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_user_count);
    if (st == NULL) return -1;
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : urne_sql_fail(s, "counting users");
    sqlite3_reset(st);
    return n;
}

static int sq_user_each(urne_store *s, int (*fn)(const urne_user *u, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_user_each, "listing users");
    if (st == NULL) return -1;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_user u;
        stop = user_row(s, st, &u) < 0 ? -1 : fn(&u, ctx);
    }
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "listing users");
    sqlite3_finalize(st);
    return stop;
}

static int sq_session_put(urne_store *s, const char *token_hash, int64_t user, const char *csrf, int64_t expires) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_session_put);
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, user);
    sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, expires);
    return urne_sql_step_done(s, st, "opening a session");
}

static int sq_session_get(urne_store *s, const char *token_hash, int64_t now, urne_user *user, char *csrf) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_session_get);
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st), ok = 0;
    if (rc == SQLITE_ROW) {
        ok = user_row(s, st, user);
        if (ok == 0)
            ok = urne_sql_col(s, st, 4, csrf, URNE_STORE_TOKEN_SIZE, "sessions", "csrf", "a session of user %lld",
                              (long long)user->id);
    }
    sqlite3_reset(st);
    if (ok < 0) return -1;
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading a session");
}

static int sq_session_delete(urne_store *s, const char *token_hash) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_session_delete);
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    return urne_sql_step_done(s, st, "closing a session");
}

const urne_store_user_ops urne_sqlite_user_ops = {
    .create = sq_user_create,
    .find = sq_user_find,
    .get = sq_user_get,
    .count = sq_user_count,
    .each = sq_user_each,
    .session_put = sq_session_put,
    .session_get = sq_session_get,
    .session_delete = sq_session_delete,
};
