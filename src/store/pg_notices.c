/*
 * pg_notices: the notices on PostgreSQL (store_notices.h holds the contracts;
 * store.c has checked the lengths of what is written). The same queries as
 * sqlite_notices.c (pg_store.c says why the texts are not shared yet).
 *
 * Rows are only ever inserted; the listing reads them newest first, each text
 * into its fixed field through urne_pg_col, which refuses one too long instead of
 * cutting it.
 */
#include <string.h>

#include "pg_internal.h"

static int64_t pg_notice_put(urne_store *s, const urne_notice *n) {
    urne_pg_params p = {0};
    urne_pg_text(&p, n->title);
    urne_pg_text(&p, n->body);
    urne_pg_text(&p, n->published_at);
    urne_pg_text(&p, n->published_by);
    PGresult *r = urne_pg_run(s,
                              "INSERT INTO notices(title, body, published_at, published_by) VALUES ($1, $2, $3, $4)"
                              " RETURNING id",
                              &p, "adding a notice");
    if (r == NULL) return -1;
    int64_t id = urne_pg_int64(r, 0, 0);
    PQclear(r);
    return id;
}

static int pg_notice_each(urne_store *s, int (*fn)(const urne_notice *n, void *ctx), void *ctx) {
    PGresult *r = urne_pg_run(s, "SELECT id, title, body, published_at, published_by FROM notices ORDER BY id DESC",
                              NULL, "listing notices");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) {
        urne_notice n;
        memset(&n, 0, sizeof n);
        n.id = urne_pg_int64(r, i, 0);
        struct { int col; const char *name; char *out; size_t size; } texts[] = {
            {1, "title", n.title, sizeof n.title},
            {2, "body", n.body, sizeof n.body},
            {3, "published_at", n.published_at, sizeof n.published_at},
            {4, "published_by", n.published_by, sizeof n.published_by},
        };
        for (size_t k = 0; k < sizeof texts / sizeof texts[0] && !stop; k++)
            if (urne_pg_col(s, r, i, texts[k].col, texts[k].out, texts[k].size, "notices", texts[k].name,
                            "notice %lld", (long long)n.id) < 0)
                stop = -1;
        if (!stop) stop = fn(&n, ctx);
    }
    PQclear(r);
    return stop;
}

const urne_store_notice_ops urne_pg_notice_ops = {
    .put = pg_notice_put,
    .each = pg_notice_each,
};
