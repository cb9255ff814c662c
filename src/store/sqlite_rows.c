/*
 * sqlite_rows: a table's rows as texts, and inserted as such, on SQLite
 * (store_rows.h: what for, and why rows).
 *
 * SQLite types values, not columns: a column declared INTEGER may hold a text a
 * hand-made row put there. Reading, an integer column must hold integers (or
 * NULL), else the row is refused by name, since the other backend would refuse
 * it later with a vaguer message. Writing, an integer column's text is bound as
 * an int64 after checking it is one, every other value as the text it is: the
 * row lands as the backend itself would have written it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

typedef struct sqlite_writer {
    urne_store_rows_writer base; /* first */
    sqlite3_stmt *st;
} sqlite_writer;

static int sq_rows_count(urne_store *s, const urne_store_table *t, int64_t *n) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", t->name);
    sqlite3_stmt *st = urne_sql_prepare(s, sql, "counting rows");
    if (st == NULL) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : urne_sql_fail(s, "counting rows");
}

/* The table's columns as the database has them, checked against t. */
static int columns_known(urne_store *s, const urne_store_table *t) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" LIMIT 0", t->name);
    sqlite3_stmt *st = urne_sql_prepare(s, sql, t->name);
    if (st == NULL) return -1;
    const char *names[64];
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n && i < 64; i++) names[i] = sqlite3_column_name(st, i);
    int rc = urne_store_rows_check_columns(s, t, names, n < 64 ? n : 64);
    sqlite3_finalize(st);
    return rc;
}

/* Step through the rows of st (t's SELECT), calling fn. */
static int each_row(urne_store *s, const urne_store_table *t, sqlite3_stmt *st, urne_store_row_fn fn, void *ctx) {
    const char *values[URNE_STORE_ROWS_MAXCOLS];
    int rc;
    int64_t row = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row++;
        for (int i = 0; i < t->ncolumns; i++) {
            int type = sqlite3_column_type(st, i);
            if ((t->integers & (1u << i)) && type != SQLITE_INTEGER && type != SQLITE_NULL)
                return urne_store_fail(s, "%s.%s of row %lld (in the order of %s) is not an integer: %.60s", t->name,
                                       t->columns[i], (long long)row, t->order, urne_sql_text(st, i));
            values[i] = type == SQLITE_NULL ? NULL : urne_sql_text(st, i);
        }
        int stop = fn(values, ctx);
        if (stop) return stop;
    }
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, t->name);
}

static int sq_rows_each(urne_store *s, const urne_store_table *t, urne_store_row_fn fn, void *ctx) {
    char sql[1024];
    if (columns_known(s, t) < 0) return -1;
    if (urne_store_rows_select_sql(t, sql, sizeof sql) < 0) return urne_store_fail(s, "%s: statement too long", t->name);
    sqlite3_stmt *st = urne_sql_prepare(s, sql, t->name);
    if (st == NULL) return -1;
    int rc = each_row(s, t, st, fn, ctx);
    sqlite3_finalize(st);
    return rc;
}

static urne_store_rows_writer *sq_rows_put_begin(urne_store *s, const urne_store_table *t) {
    char sql[1024];
    if (sqlite3_get_autocommit(urne_sql_db(s))) {
        urne_store_fail(s, "rows are put inside a write transaction");
        return NULL;
    }
    if (urne_store_rows_insert_sql(t, sql, sizeof sql) < 0) {
        urne_store_fail(s, "%s: statement too long", t->name);
        return NULL;
    }
    sqlite_writer *w = calloc(1, sizeof *w);
    if (w == NULL) {
        urne_store_fail(s, "out of memory");
        return NULL;
    }
    w->base.s = s;
    w->base.t = t;
    w->st = urne_sql_prepare(s, sql, t->name);
    if (w->st == NULL) {
        free(w);
        return NULL;
    }
    return &w->base;
}

/* The whole text v as an int64 in *out: 0, or -1. */
static int whole_int(const char *v, int64_t *out) {
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end) return -1;
    *out = n;
    return 0;
}

static int sq_rows_put(urne_store_rows_writer *base, const char *const *values) {
    sqlite_writer *w = (sqlite_writer *)base;
    const urne_store_table *t = base->t;
    urne_store *s = base->s;
    sqlite3_reset(w->st);
    sqlite3_clear_bindings(w->st);
    for (int i = 0; i < t->ncolumns; i++) {
        int64_t n;
        if (values[i] == NULL)
            sqlite3_bind_null(w->st, i + 1);
        else if (!(t->integers & (1u << i)))
            sqlite3_bind_text(w->st, i + 1, values[i], -1, SQLITE_STATIC);
        else if (whole_int(values[i], &n) == 0)
            sqlite3_bind_int64(w->st, i + 1, n);
        else
            return urne_store_fail(s, "%s.%s of row %lld is not an integer: %.60s", t->name, t->columns[i],
                                   (long long)base->rows + 1, values[i]);
    }
    if (sqlite3_step(w->st) == SQLITE_DONE) return 0;
    char what[96];
    snprintf(what, sizeof what, "inserting row %lld into %s", (long long)base->rows + 1, t->name);
    return urne_sql_fail(s, what);
}

static int sq_rows_put_end(urne_store_rows_writer *base) {
    sqlite_writer *w = (sqlite_writer *)base;
    int failed = base->failed;
    sqlite3_finalize(w->st);
    free(w);
    return failed ? -1 : 0;
}

static int sq_rows_settle(urne_store *s) { return urne_sqlite_load_head(s); }

const urne_store_row_ops urne_sqlite_row_ops = {
    .count = sq_rows_count,
    .each = sq_rows_each,
    .put_begin = sq_rows_put_begin,
    .put = sq_rows_put,
    .put_end = sq_rows_put_end,
    .settle = sq_rows_settle,
};
