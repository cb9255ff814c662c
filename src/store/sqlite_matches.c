/*
 * sqlite_matches: the matching's rows on SQLite (store_matches.h holds the
 * contracts, store_matches.c every query and which field fills which column).
 * This part only binds the parameters, runs a statement and reads its rows'
 * columns into the fields it is told: texts through urne_sql_col, which refuses
 * one too long for its field (naming table, column and row) instead of cutting
 * it. The tables are migration 7 (sqlite_store.c).
 */
#include <string.h>

#include "sqlite_internal.h"

static void bind_all(sqlite3_stmt *st, const urne_store_param *p, int np) {
    for (int i = 0; i < np; i++) {
        if (p[i].t)
            sqlite3_bind_text(st, i + 1, p[i].t, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(st, i + 1, p[i].i);
    }
}

static int sq_run(urne_store *s, const char *sql, const urne_store_param *p, int np, const char *what, long *changed) {
    sqlite3_stmt *st = urne_sql_stmt(s, sql);
    if (st == NULL) return -1;
    bind_all(st, p, np);
    if (urne_sql_step_done(s, st, what) < 0) return -1;
    if (changed) *changed = sqlite3_changes(urne_sql_db(s));
    return 0;
}

/* Row st's columns into the struct at row, as f says. 0 or -1. */
static int read_row(urne_store *s, sqlite3_stmt *st, const char *table, const urne_store_field *f, int nf, void *row,
                    size_t rowsize) {
    memset(row, 0, rowsize);
    const char *first = urne_sql_text(st, 0);
    for (int i = 0; i < nf; i++) {
        char *at = (char *)row + f[i].offset;
        if (f[i].size == 0)
            *(int64_t *)(void *)at = sqlite3_column_int64(st, i);
        else if (urne_sql_col(s, st, i, at, f[i].size, table, f[i].name, "%s", first ? first : "") < 0)
            return -1;
    }
    return 0;
}

static int sq_rows(urne_store *s, const char *sql, const urne_store_param *p, int np, const char *what,
                   const char *table, const urne_store_field *f, int nf, void *row, size_t rowsize,
                   int (*fn)(void *row, void *ctx), void *ctx) {
    /* The cached statement of sql (preparing one is most of a short query's
     * cost), unless a caller is stepping it: fn may run another of these
     * queries, this one too (the cache hands out one statement per text); then
     * one prepared for this use. */
    int busy;
    sqlite3_stmt *st = urne_sql_stmt_idle(s, sql, &busy);
    if (st == NULL && busy) st = urne_sql_prepare(s, sql, what);
    if (st == NULL) return -1;
    bind_all(st, p, np);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = read_row(s, st, table, f, nf, row, rowsize) < 0 ? -1 : fn(row, ctx);
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, what);
    if (busy)
        sqlite3_finalize(st);
    else
        sqlite3_reset(st); /* not left busy: a statement stepped holds its read transaction open */
    return stop;
}

const urne_store_match_ops urne_sqlite_match_ops = {.run = sq_run, .rows = sq_rows};
