/*
 * sqlite_grants: the roles accounts hold in spaces below the site, on SQLite
 * (store_grants.h holds the contracts; store.c has checked the space's name, the
 * role and the tier before anything is written). The texts of its queries and the
 * check of a row read are shared with PostgreSQL's (store_sql.h), but the
 * listing's.
 *
 * One row per (user, space), the primary key: putting a grant again replaces it
 * (INSERT ... ON CONFLICT DO UPDATE), so an account never holds two roles in one
 * space. The schema refuses "" as a space (the site's grant is the account's own
 * role) and any role but the four that can log in. A stored space is read back
 * through urne_sql_col (refused, never cut, when too long) and checked again:
 * a row written by hand with an invalid name is an error naming the row, not a
 * grant that silently holds somewhere unexpected.
 */
#include <stdio.h>
#include <string.h>

#include "sqlite_internal.h"
#include "store_sql.h"

static int sq_grant_put(urne_store *s, int64_t user, const char *space, urne_role role, int tier) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_grant_put);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_text(st, 2, space, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, urne_role_name(role), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, tier);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT)
        return urne_store_fail(s, "granting a role in '%s': no user %lld, or a grant the schema refuses", space,
                               (long long)user);
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "granting a role");
}

static int sq_grant_del(urne_store *s, int64_t user, const char *space) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_grant_del);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_text(st, 2, space, -1, SQLITE_TRANSIENT);
    if (urne_sql_step_done(s, st, "taking back a grant") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0 ? 1 : 0;
}

/* A grant from columns user_id, space, role, tier. 0, or -1 naming the row. */
static int grant_row(urne_store *s, sqlite3_stmt *st, urne_store_grant *g) {
    memset(g, 0, sizeof *g);
    g->user = sqlite3_column_int64(st, 0);
    if (urne_sql_col(s, st, 1, g->space, sizeof g->space, "grants", "space", "user %lld's grant",
                     (long long)g->user) < 0)
        return -1;
    if (urne_store_grant_row_check(s, g, urne_sql_text(st, 2)) < 0) return -1;
    g->tier = sqlite3_column_int(st, 3);
    return 0;
}

static int sq_grant_get(urne_store *s, int64_t user, const char *space, urne_store_grant *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_grant_get);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_text(st, 2, space, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), ok = 0;
    if (rc == SQLITE_ROW) ok = grant_row(s, st, out);
    sqlite3_reset(st);
    if (ok < 0) return -1;
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading a grant");
}

static int sq_grant_each(urne_store *s, int64_t user, int (*fn)(const urne_store_grant *g, void *ctx), void *ctx) {
    /* SQLite's variant (store_sql.h says why). */
    /* Kept prepared: every page a logged-in account reads may ask for its grants. */
    static const char sql[] = "SELECT user_id, space, role, tier FROM grants WHERE ?1 = 0 OR user_id = ?1"
                              " ORDER BY user_id, space";
    sqlite3_stmt *st = urne_sql_stmt(s, sql);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, user);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_store_grant g;
        stop = grant_row(s, st, &g) < 0 ? -1 : fn(&g, ctx);
    }
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "listing grants");
    sqlite3_reset(st);
    return stop;
}

const urne_store_grant_ops urne_sqlite_grant_ops = {
    .put = sq_grant_put,
    .del = sq_grant_del,
    .get = sq_grant_get,
    .each = sq_grant_each,
};
