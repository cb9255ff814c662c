/*
 * pg_users: accounts and sessions on PostgreSQL (store_users.h holds the
 * contracts; store.c has checked the lengths of what is written). The texts of
 * its queries are shared with SQLite's (store_sql.h), but the account's creation.
 *
 * A role is stored by its name and constrained by the schema to the four that
 * can log in; a row whose role is none of them reads as the public role, which
 * can do nothing. A name already taken inserts nothing (ON CONFLICT DO NOTHING):
 * 0, and the transaction goes on, as on SQLite, where the constraint undoes the
 * statement only. Another constraint refusing the row (a role or tier the schema
 * does not allow) is 0 too, as on SQLite, but PostgreSQL has then aborted the
 * transaction: the caller rolls it back. Names and CSRF tokens are read into fixed fields: a stored one too long
 * is refused with the row named, never cut.
 */
#include <stdio.h>
#include <string.h>

#include "pg_internal.h"
#include "store_sql.h"

static int64_t pg_user_create(urne_store *s, const char *name, const char *pw_hash, urne_role role, int tier) {
    char at[24];
    urne_store_now(at);
    urne_pg_params p = {0};
    urne_pg_text(&p, name);
    urne_pg_text(&p, pw_hash);
    urne_pg_text(&p, urne_role_name(role));
    urne_pg_int(&p, tier);
    urne_pg_text(&p, at);
    /* PostgreSQL's variant (store_sql.h says why). */
    PGresult *r = urne_pg_run(s,
                              "INSERT INTO users(name, pw_hash, role, tier, created_at) VALUES ($1, $2, $3, $4, $5)"
                              " ON CONFLICT(name) DO NOTHING RETURNING id",
                              &p, "creating a user");
    if (r == NULL) return urne_pg_constraint_failed(s) ? 0 : -1;
    int64_t id = PQntuples(r) ? urne_pg_int64(r, 0, 0) : 0; /* none: the name is taken */
    PQclear(r);
    return id;
}

/* A user from columns id, name, role, tier of row i. 0, or -1 when the name is too long. */
static int user_row(urne_store *s, const PGresult *r, int i, urne_user *u) {
    u->id = urne_pg_int64(r, i, 0);
    if (urne_pg_col(s, r, i, 1, u->name, sizeof u->name, "users", "name", "user %lld", (long long)u->id) < 0)
        return -1;
    const char *role = urne_pg_val(r, i, 2);
    if (role == NULL || urne_role_parse(role, &u->role) < 0) u->role = URNE_ROLE_PUBLIC;
    u->tier = (int)urne_pg_int64(r, i, 3);
    return 0;
}

static int pg_user_find(urne_store *s, const char *name, urne_user *out, char *pw_hash, size_t pw_size) {
    urne_pg_params p = {0};
    urne_pg_text(&p, name);
    PGresult *r = urne_pg_run(s, urne_sql_user_find, &p, "finding a user");
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0, ok = 0;
    if (found) {
        ok = user_row(s, r, 0, out);
        if (ok == 0 && pw_hash)
            ok = urne_pg_col(s, r, 0, 4, pw_hash, pw_size, "users", "pw_hash", "user %lld", (long long)out->id);
    }
    PQclear(r);
    return ok < 0 ? -1 : found;
}

static int pg_user_get(urne_store *s, int64_t id, urne_user *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *r = urne_pg_run(s, urne_sql_user_get, &p, "reading a user");
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0, ok = found ? user_row(s, r, 0, out) : 0;
    PQclear(r);
    return ok < 0 ? -1 : found;
}

static int pg_user_count(urne_store *s) {
    PGresult *r = urne_pg_run(s, urne_sql_user_count, NULL, "counting users");
    if (r == NULL) return -1;
    int n = (int)urne_pg_int64(r, 0, 0);
    PQclear(r);
    return n;
}

static int pg_user_each(urne_store *s, int (*fn)(const urne_user *u, void *ctx), void *ctx) {
    PGresult *r = urne_pg_run(s, urne_sql_user_each, NULL, "listing users");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) {
        urne_user u;
        stop = user_row(s, r, i, &u) < 0 ? -1 : fn(&u, ctx);
    }
    PQclear(r);
    return stop;
}

static int pg_session_put(urne_store *s, const char *token_hash, int64_t user, const char *csrf, int64_t expires) {
    urne_pg_params p = {0};
    urne_pg_text(&p, token_hash);
    urne_pg_int(&p, user);
    urne_pg_text(&p, csrf);
    urne_pg_int(&p, expires);
    return urne_pg_do(s, urne_sql_session_put, &p, "opening a session", NULL);
}

static int pg_session_get(urne_store *s, const char *token_hash, int64_t now, urne_user *user, char *csrf) {
    urne_pg_params p = {0};
    urne_pg_text(&p, token_hash);
    urne_pg_int(&p, now);
    PGresult *r = urne_pg_run(s, urne_sql_session_get, &p, "reading a session");
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0, ok = 0;
    if (found) {
        ok = user_row(s, r, 0, user);
        if (ok == 0)
            ok = urne_pg_col(s, r, 0, 4, csrf, URNE_STORE_TOKEN_SIZE, "sessions", "csrf", "a session of user %lld",
                             (long long)user->id);
    }
    PQclear(r);
    return ok < 0 ? -1 : found;
}

static int pg_session_delete(urne_store *s, const char *token_hash) {
    urne_pg_params p = {0};
    urne_pg_text(&p, token_hash);
    return urne_pg_do(s, urne_sql_session_delete, &p, "closing a session", NULL);
}

const urne_store_user_ops urne_pg_user_ops = {
    .create = pg_user_create,
    .find = pg_user_find,
    .get = pg_user_get,
    .count = pg_user_count,
    .each = pg_user_each,
    .session_put = pg_session_put,
    .session_get = pg_session_get,
    .session_delete = pg_session_delete,
};
