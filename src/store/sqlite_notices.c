/*
 * sqlite_notices: the notices on SQLite (store_notices.h holds the contracts;
 * store.c has checked the lengths of what is written).
 *
 * The table is the notices' migration (sqlite_store.c). Rows are only ever inserted; the
 * listing reads them newest first, each text into its fixed field through
 * urne_sql_col, which refuses one too long instead of cutting it.
 */
#include <string.h>

#include "sqlite_internal.h"

static int64_t sq_notice_put(urne_store *s, const urne_notice *n) {
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO notices(title, body, published_at, published_by)"
                                        " VALUES (?, ?, ?, ?)");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, n->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, n->body, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, n->published_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, n->published_by, -1, SQLITE_TRANSIENT);
    if (urne_sql_step_done(s, st, "adding a notice") < 0) return -1;
    return sqlite3_last_insert_rowid(urne_sql_db(s));
}

static int sq_notice_each(urne_store *s, int (*fn)(const urne_notice *n, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, "SELECT id, title, body, published_at, published_by FROM notices"
                                           " ORDER BY id DESC", "listing notices");
    if (st == NULL) return -1;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_notice n;
        memset(&n, 0, sizeof n);
        n.id = sqlite3_column_int64(st, 0);
        struct { int col; const char *name; char *out; size_t size; } texts[] = {
            {1, "title", n.title, sizeof n.title},
            {2, "body", n.body, sizeof n.body},
            {3, "published_at", n.published_at, sizeof n.published_at},
            {4, "published_by", n.published_by, sizeof n.published_by},
        };
        for (size_t k = 0; k < sizeof texts / sizeof texts[0] && !stop; k++)
            if (urne_sql_col(s, st, texts[k].col, texts[k].out, texts[k].size, "notices", texts[k].name,
                             "notice %lld", (long long)n.id) < 0)
                stop = -1;
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
