/*
 * pg_notices: the notices on PostgreSQL (store_notices.h holds the contracts;
 * store.c has checked the lengths of what is written). The texts of its queries,
 * and which column fills which field, are shared with SQLite's (store_sql.h).
 *
 * Rows are only ever inserted; the listing reads them newest first, each text
 * into its fixed field through urne_pg_col, which refuses one too long instead of
 * cutting it.
 */
#include <string.h>

#include "pg_internal.h"
#include "store_sql.h"

static int64_t pg_notice_put(urne_store *s, const urne_notice *n) {
    urne_pg_params p = {0};
    urne_pg_text(&p, n->title);
    urne_pg_text(&p, n->body);
    urne_pg_text(&p, n->published_at);
    urne_pg_text(&p, n->published_by);
    PGresult *r = urne_pg_run(s, urne_sql_notice_put, &p, "adding a notice");
    if (r == NULL) return -1;
    int64_t id = urne_pg_int64(r, 0, 0);
    PQclear(r);
    return id;
}

static int pg_notice_each(urne_store *s, int (*fn)(const urne_notice *n, void *ctx), void *ctx) {
    PGresult *r = urne_pg_run(s, urne_sql_notice_each, NULL, "listing notices");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) {
        urne_notice n;
        memset(&n, 0, sizeof n);
        n.id = urne_pg_int64(r, i, 0);
        for (size_t k = 0; k < urne_sql_notice_ntexts && !stop; k++) {
            const urne_store_text_col *c = &urne_sql_notice_texts[k];
            if (urne_pg_col(s, r, i, c->col, (char *)&n + c->offset, c->size, "notices", c->name, "notice %lld",
                            (long long)n.id) < 0)
                stop = -1;
        }
        if (!stop) stop = fn(&n, ctx);
    }
    PQclear(r);
    return stop;
}

const urne_store_notice_ops urne_pg_notice_ops = {
    .put = pg_notice_put,
    .each = pg_notice_each,
};
