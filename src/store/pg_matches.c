/*
 * pg_matches: the matching's rows on PostgreSQL (store_matches.h holds the
 * contracts, store_matches.c every query and which field fills which column).
 * This part only passes the parameters (an integer as its digits), runs a
 * statement and reads its rows' columns into the fields it is told: texts
 * through urne_pg_col, which refuses one too long for its field instead of
 * cutting it. A key taken inserts nothing (ON CONFLICT DO NOTHING): a failed
 * constraint would abort the whole transaction here. The tables are migration 7
 * (pg_migrations.c).
 */
#include <string.h>

#include "pg_internal.h"

static int params(urne_store *s, const urne_store_param *p, int np, urne_pg_params *out) {
    memset(out, 0, sizeof *out);
    if (np > URNE_PG_MAXPARAMS) return urne_store_fail(s, "a query of %d parameters (at most %d)", np, URNE_PG_MAXPARAMS);
    for (int i = 0; i < np; i++) {
        if (p[i].t)
            urne_pg_text(out, p[i].t);
        else
            urne_pg_int(out, p[i].i);
    }
    return 0;
}

static int pg_run(urne_store *s, const char *sql, const urne_store_param *p, int np, const char *what, long *changed) {
    urne_pg_params q;
    if (params(s, p, np, &q) < 0) return -1;
    long n = 0;
    if (urne_pg_do(s, sql, &q, what, &n) < 0) return -1;
    if (changed) *changed = n;
    return 0;
}

static int pg_rows(urne_store *s, const char *sql, const urne_store_param *p, int np, const char *what,
                   const char *table, const urne_store_field *f, int nf, void *row, size_t rowsize,
                   int (*fn)(void *row, void *ctx), void *ctx) {
    urne_pg_params q;
    if (params(s, p, np, &q) < 0) return -1;
    PGresult *r = urne_pg_run(s, sql, &q, what);
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) {
        memset(row, 0, rowsize);
        for (int c = 0; c < nf && !stop; c++) {
            char *at = (char *)row + f[c].offset;
            if (f[c].size == 0)
                *(int64_t *)(void *)at = urne_pg_int64(r, i, c);
            else if (urne_pg_col(s, r, i, c, at, f[c].size, table, f[c].name, "%s", PQgetvalue(r, i, 0)) < 0)
                stop = -1;
        }
        if (!stop) stop = fn(row, ctx);
    }
    PQclear(r);
    return stop;
}

const urne_store_match_ops urne_pg_match_ops = {.run = pg_run, .rows = pg_rows};
