/*
 * sqlite_notices: the notices on SQLite (store_notices.h holds the contracts;
 * store.c has checked the lengths of what is written). The texts of its queries,
 * and which column fills which field, are shared with PostgreSQL's (store_sql.h).
 *
 * The table is the notices' migration (sqlite_store.c). Rows are only ever inserted; the
 * listing reads them newest first, each text into its fixed field through
 * urne_sql_col, which refuses one too long instead of cutting it.
 */
#include <string.h>

#include "sqlite_internal.h"
#include "store_sql.h"

static int64_t sq_notice_put(urne_store *s, const urne_notice *n) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_notice_put);
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, n->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, n->body, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, n->published_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, n->published_by, -1, SQLITE_TRANSIENT);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1; /* RETURNING id */
    if (id < 0 || sqlite3_step(st) != SQLITE_DONE) id = urne_sql_fail(s, "adding a notice");
    sqlite3_reset(st);
    return id;
}

static int sq_notice_each(urne_store *s, int (*fn)(const urne_notice *n, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_notice_each, "listing notices");
    if (st == NULL) return -1;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_notice n;
        memset(&n, 0, sizeof n);
        n.id = sqlite3_column_int64(st, 0);
        for (size_t k = 0; k < urne_sql_notice_ntexts && !stop; k++) {
            const urne_store_text_col *c = &urne_sql_notice_texts[k];
            if (urne_sql_col(s, st, c->col, (char *)&n + c->offset, c->size, "notices", c->name, "notice %lld",
                             (long long)n.id) < 0)
                stop = -1;
        }
        if (!stop) stop = fn(&n, ctx);
    }
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "listing notices");
    sqlite3_finalize(st);
    return stop;
}

const urne_store_notice_ops urne_sqlite_notice_ops = {
    .put = sq_notice_put,
    .each = sq_notice_each,
};
