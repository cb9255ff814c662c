/*
 * pg_grants: the roles accounts hold in spaces below the site, on PostgreSQL
 * (store_grants.h holds the contracts; store.c has checked the space's name, the
 * role and the tier). The texts of its queries and the check of a row read are
 * shared with SQLite's (store_sql.h), but the listing's.
 *
 * One row per (user, space): putting a grant again replaces it (INSERT ... ON
 * CONFLICT DO UPDATE, which both dialects write alike). Listings are in order of
 * user, then space byte by byte (COLLATE "C": SQLite's order, whatever the
 * cluster's locale). A stored space is read back refused, never cut, when too
 * long, and checked again: a row written by hand with an invalid name is an error
 * naming the row.
 */
#include <stdio.h>
#include <string.h>

#include "pg_internal.h"
#include "store_sql.h"

static int pg_grant_put(urne_store *s, int64_t user, const char *space, urne_role role, int tier) {
    urne_pg_params p = {0};
    urne_pg_int(&p, user);
    urne_pg_text(&p, space);
    urne_pg_text(&p, urne_role_name(role));
    urne_pg_int(&p, tier);
    if (urne_pg_do(s, urne_sql_grant_put, &p, "granting a role", NULL) == 0)
        return 0;
    if (urne_pg_constraint_failed(s))
        return urne_store_fail(s, "granting a role in '%s': no user %lld, or a grant the schema refuses", space,
                               (long long)user);
    return -1;
}

static int pg_grant_del(urne_store *s, int64_t user, const char *space) {
    urne_pg_params p = {0};
    urne_pg_int(&p, user);
    urne_pg_text(&p, space);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_grant_del, &p, "taking back a grant", &changed) < 0)
        return -1;
    return changed > 0 ? 1 : 0;
}

/* A grant from columns user_id, space, role, tier of row i. 0, or -1 naming the row. */
static int grant_row(urne_store *s, const PGresult *r, int i, urne_store_grant *g) {
    memset(g, 0, sizeof *g);
    g->user = urne_pg_int64(r, i, 0);
    if (urne_pg_col(s, r, i, 1, g->space, sizeof g->space, "grants", "space", "user %lld's grant",
                    (long long)g->user) < 0)
        return -1;
    if (urne_store_grant_row_check(s, g, urne_pg_val(r, i, 2)) < 0) return -1;
    g->tier = (int)urne_pg_int64(r, i, 3);
    return 0;
}

static int pg_grant_get(urne_store *s, int64_t user, const char *space, urne_store_grant *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, user);
    urne_pg_text(&p, space);
    PGresult *r = urne_pg_run(s, urne_sql_grant_get, &p, "reading a grant");
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0, ok = found ? grant_row(s, r, 0, out) : 0;
    PQclear(r);
    return ok < 0 ? -1 : found;
}

static int pg_grant_each(urne_store *s, int64_t user, int (*fn)(const urne_store_grant *g, void *ctx), void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, user);
    /* PostgreSQL's variant (store_sql.h says why). */
    PGresult *r = urne_pg_run(s,
                              "SELECT user_id, space, role, tier FROM grants WHERE $1::bigint = 0 OR user_id = $1"
                              " ORDER BY user_id, space COLLATE \"C\"",
                              &p, "listing grants");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) {
        urne_store_grant g;
        stop = grant_row(s, r, i, &g) < 0 ? -1 : fn(&g, ctx);
    }
    PQclear(r);
    return stop;
}

const urne_store_grant_ops urne_pg_grant_ops = {
    .put = pg_grant_put,
    .del = pg_grant_del,
    .get = pg_grant_get,
    .each = pg_grant_each,
};
