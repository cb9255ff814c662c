/*
 * pg_rows: a table's rows as texts, and inserted as such, on PostgreSQL
 * (store_rows.h: what for, and why rows).
 *
 * Reading goes through a cursor, FETCH by FETCH, so that a table of millions of
 * rows (a national count's audit log) is never held whole in memory; it runs in
 * the caller's read transaction, which a cursor needs anyway.
 *
 * Writing is COPY FROM STDIN in its text format, PostgreSQL's own bulk path:
 * each row one line, values separated by tabs, \N for NULL, and a backslash, tab,
 * newline or carriage return inside a value escaped with a backslash. For speed:
 * rows are streamed without a round trip each; the server checks every value's
 * type and every constraint as for an INSERT, and a failing row fails the COPY
 * (the whole write then rolls back), its line number named in the message.
 *
 * After a copy, the identity columns' sequences are moved past the largest id
 * copied (rows copied with their ids do not move them), and the audit head
 * is read again from the copied audit_head.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_buf.h"
#include "pg_internal.h"

#define FETCH_ROWS "2000"

typedef struct pg_writer {
    urne_store_rows_writer base; /* first */
    urne_buf line;
} pg_writer;

/* PostgreSQL's message for r (or the connection's), on one line, as the store's
 * error after "what: ". Clears r. Returns -1. */
static int pg_fail(urne_store *s, PGresult *r, const char *what) {
    char msg[400];
    snprintf(msg, sizeof msg, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(urne_pgq(s)->conn));
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\t') *p = ' ';
    size_t n = strlen(msg);
    while (n > 0 && isspace((unsigned char)msg[n - 1])) msg[--n] = 0;
    PQclear(r);
    return urne_store_fail(s, "%s: %s", what, msg[0] ? msg : "PostgreSQL error (no message)");
}

static int pg_rows_count(urne_store *s, const urne_store_table *t, int64_t *n) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", t->name);
    PGresult *r = urne_pg_run_once(s, sql, NULL, "counting rows");
    if (r == NULL) return -1;
    *n = urne_pg_int64(r, 0, 0);
    PQclear(r);
    return 0;
}

static int columns_known(urne_store *s, const urne_store_table *t) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" LIMIT 0", t->name);
    PGresult *r = urne_pg_run_once(s, sql, NULL, t->name);
    if (r == NULL) return -1;
    const char *names[64];
    int n = PQnfields(r);
    for (int i = 0; i < n && i < 64; i++) names[i] = PQfname(r, i);
    int rc = urne_store_rows_check_columns(s, t, names, n < 64 ? n : 64);
    PQclear(r);
    return rc;
}

/* Fetch and pass on the cursor's rows until there are none. */
static int fetch_all(urne_store *s, const urne_store_table *t, urne_store_row_fn fn, void *ctx) {
    for (;;) {
        PGresult *r = urne_pg_run_once(s, "FETCH " FETCH_ROWS " FROM urne_rows", NULL, t->name);
        if (r == NULL) return -1;
        int rows = PQntuples(r);
        for (int row = 0; row < rows; row++) {
            const char *values[URNE_STORE_ROWS_MAXCOLS];
            for (int i = 0; i < t->ncolumns; i++) values[i] = urne_pg_val(r, row, i);
            int stop = fn(values, ctx);
            if (stop) {
                PQclear(r);
                return stop;
            }
        }
        PQclear(r);
        if (rows == 0) return 0;
    }
}

static int pg_rows_each(urne_store *s, const urne_store_table *t, urne_store_row_fn fn, void *ctx) {
    char sql[1100];
    urne_pg *q = urne_pgq(s);
    if (!q->in_read && !q->in_write) return urne_store_fail(s, "rows are read inside a transaction");
    if (columns_known(s, t) < 0) return -1;
    int at = snprintf(sql, sizeof sql, "DECLARE urne_rows NO SCROLL CURSOR FOR ");
    if (urne_store_rows_select_sql(t, sql + at, sizeof sql - (size_t)at) < 0)
        return urne_store_fail(s, "%s: statement too long", t->name);
    PGresult *r = urne_pg_run_once(s, sql, NULL, t->name);
    if (r == NULL) return -1;
    PQclear(r);
    int rc = fetch_all(s, t, fn, ctx);
    urne_store_said keep;
    urne_store_keep(s, &keep);
    r = urne_pg_run_once(s, "CLOSE urne_rows", NULL, "closing the cursor");
    PQclear(r);
    if (rc != 0) urne_store_restore(s, &keep);
    return r == NULL && rc == 0 ? -1 : rc;
}

static urne_store_rows_writer *pg_rows_put_begin(urne_store *s, const urne_store_table *t) {
    char sql[1024];
    if (!urne_pgq(s)->in_write) {
        urne_store_fail(s, "rows are put inside a write transaction");
        return NULL;
    }
    int at = snprintf(sql, sizeof sql, "COPY \"%s\"(", t->name);
    for (int i = 0; i < t->ncolumns && at < (int)sizeof sql; i++)
        at += snprintf(sql + at, sizeof sql - (size_t)at, "%s\"%s\"", i ? ", " : "", t->columns[i]);
    if (at < (int)sizeof sql) at += snprintf(sql + at, sizeof sql - (size_t)at, ") FROM STDIN");
    if (at >= (int)sizeof sql) {
        urne_store_fail(s, "%s: statement too long", t->name);
        return NULL;
    }
    pg_writer *w = calloc(1, sizeof *w); /* before the COPY starts: nothing to end when it fails */
    if (w == NULL) {
        urne_store_fail(s, "out of memory");
        return NULL;
    }
    if (urne_pg_flush(s) < 0) { /* the transaction's pipeline (pg_pipeline.c) read before COPY */
        free(w);
        return NULL;
    }
    urne_pg *q = urne_pgq(s);
    PGresult *r = urne_pg_last(q->conn, PQsendQuery(q->conn, sql), q->timeout_ms, &q->stalled_pid);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        free(w);
        pg_fail(s, r, t->name);
        return NULL;
    }
    PQclear(r);
    w->base.s = s;
    w->base.t = t;
    return &w->base;
}

/* Append v to the line, escaped for COPY's text format. */
static void put_value(urne_buf *b, const char *v) {
    if (v == NULL) {
        urne_buf_put(b, "\\N", 2);
        return;
    }
    const char *run = v;
    for (const char *p = v; *p; p++) {
        const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : NULL;
        if (esc == NULL) continue;
        urne_buf_put(b, run, (size_t)(p - run));
        urne_buf_put(b, esc, 2);
        run = p + 1;
    }
    urne_buf_puts(b, run);
}

static int pg_rows_put(urne_store_rows_writer *base, const char *const *values) {
    pg_writer *w = (pg_writer *)base;
    w->line.len = 0;
    for (int i = 0; i < base->t->ncolumns; i++) {
        if (i) urne_buf_put(&w->line, "\t", 1);
        put_value(&w->line, values[i]);
    }
    urne_buf_put(&w->line, "\n", 1);
    if (w->line.oom) return urne_store_fail(base->s, "out of memory");
    if (PQputCopyData(urne_pgq(base->s)->conn, w->line.data, (int)w->line.len) == 1) return 0;
    return pg_fail(base->s, NULL, base->t->name);
}

static int pg_rows_put_end(urne_store_rows_writer *base) {
    pg_writer *w = (pg_writer *)base;
    urne_store *s = base->s;
    PGconn *conn = urne_pgq(s)->conn;
    int failed = base->failed;
    char what[96];
    snprintf(what, sizeof what, "copying into %s", base->t->name);
    if (PQputCopyEnd(conn, failed ? "urne: the copy stopped" : NULL) != 1 && !failed) failed = pg_fail(s, NULL, what);
    PGresult *r;
    while ((r = urne_pg_next(conn, urne_pgq(s)->timeout_ms, &urne_pgq(s)->stalled_pid)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !failed)
            failed = pg_fail(s, r, what);
        else
            PQclear(r);
    }
    urne_buf_free(&w->line);
    free(w);
    return failed ? -1 : 0;
}

static int pg_rows_settle(urne_store *s) {
    for (size_t i = 0; i < urne_store_ntables; i++) {
        const urne_store_table *t = &urne_store_tables[i];
        if (t->identity == NULL) continue;
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'), coalesce(max(\"%s\"), 0) + 1, false) FROM \"%s\"",
                 t->name, t->identity, t->identity, t->name);
        PGresult *r = urne_pg_run_once(s, sql, NULL, "moving the ids' sequence on");
        if (r == NULL) return -1;
        PQclear(r);
    }
    return urne_pg_load_head(s, 0);
}

const urne_store_row_ops urne_pg_row_ops = {
    .count = pg_rows_count,
    .each = pg_rows_each,
    .put_begin = pg_rows_put_begin,
    .put = pg_rows_put,
    .put_end = pg_rows_put_end,
    .settle = pg_rows_settle,
};
