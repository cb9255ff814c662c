/*
 * pg_disputes: the commission's disputes on PostgreSQL (store_disputes.h holds
 * the contracts; store.c has checked the lengths of what is written). The texts
 * of its queries are shared with SQLite's (store_sql.h), but the opening's; each
 * is one static text, so that all are prepared once and kept.
 *
 * One row per dispute, an escalation being a new row that points at the one it
 * appeals (escalated_from). Every text is read into the dispute's fixed fields, a
 * stored one too long refused with the dispute named, never cut.
 */
#include <stdio.h>
#include <string.h>

#include "pg_internal.h"
#include "store_sql.h"

/* A dispute from URNE_SQL_DISPUTE_COLS's columns of row i. 0, or -1 when a text does not fit. */
static int dispute_row(urne_store *s, const PGresult *r, int i, urne_dispute *d) {
    memset(d, 0, sizeof *d);
    d->id = urne_pg_int64(r, i, URNE_SQL_DISPUTE_ID);
    d->election = urne_pg_int64(r, i, URNE_SQL_DISPUTE_ELECTION);
    d->bureau = (size_t)urne_pg_int64(r, i, URNE_SQL_DISPUTE_BUREAU);
    d->tier = (int)urne_pg_int64(r, i, URNE_SQL_DISPUTE_TIER);
    d->escalated_from = urne_pg_int64(r, i, URNE_SQL_DISPUTE_FROM);
    for (size_t k = 0; k < urne_sql_dispute_ntexts; k++) {
        const urne_store_text_col *c = &urne_sql_dispute_texts[k];
        if (urne_pg_col(s, r, i, c->col, (char *)d + c->offset, c->size, "disputes", c->name, "dispute %lld",
                        (long long)d->id) < 0)
            return -1;
    }
    return 0;
}

static int64_t pg_dispute_open(urne_store *s, const urne_dispute *d) {
    urne_pg_params p = {0};
    urne_pg_int(&p, d->election);
    urne_pg_int(&p, (int64_t)d->bureau);
    urne_pg_int(&p, d->tier);
    urne_pg_text(&p, d->reason);
    urne_pg_text(&p, d->opened_by);
    urne_pg_text(&p, d->opened_at);
    urne_pg_opt(&p, d->deadline);
    urne_pg_opt(&p, d->figures_before);
    if (d->escalated_from > 0)
        urne_pg_int(&p, d->escalated_from);
    else
        urne_pg_null(&p);
    /* PostgreSQL's variant (store_sql.h says why): nothing when the bureau has an
     * open dispute already (store_disputes.h). The casts: a parameter in a
     * SELECT's list would be taken for a text. */
    PGresult *r = urne_pg_run(s,
                              "INSERT INTO disputes(election_id, bureau_idx, tier, state, reason, opened_by,"
                              " opened_at, deadline, figures_before, escalated_from)"
                              " SELECT $1::bigint, $2::bigint, $3::integer, 'open', $4::text, $5::text, $6::text,"
                              " $7::text, $8::text, $9::bigint WHERE NOT EXISTS (SELECT 1 FROM disputes"
                              " WHERE election_id = $1 AND bureau_idx = $2 AND state = 'open') RETURNING id",
                              &p, "opening a dispute");
    if (r == NULL) return -1;
    int64_t id = PQntuples(r) > 0 ? urne_pg_int64(r, 0, 0) : 0;
    PQclear(r);
    return id;
}

/* The first dispute that sql (a literal) returns with p: 1, 0 when none, -1. */
static int dispute_query(urne_store *s, const char *sql, const urne_pg_params *p, urne_dispute *out) {
    PGresult *r = urne_pg_run(s, sql, p, "reading disputes");
    if (r == NULL) return -1;
    int found = PQntuples(r) > 0, ok = found ? dispute_row(s, r, 0, out) : 0;
    PQclear(r);
    return ok < 0 ? -1 : found;
}

static int pg_dispute_get(urne_store *s, int64_t id, urne_dispute *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    return dispute_query(s, urne_sql_dispute_get, &p, out);
}

static int pg_dispute_open_for(urne_store *s, int64_t election, size_t bureau, urne_dispute *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, election);
    urne_pg_int(&p, (int64_t)bureau);
    return dispute_query(s, urne_sql_dispute_open_for, &p, out);
}

static int pg_dispute_update(urne_store *s, const urne_dispute *d, const char *expected) {
    urne_pg_params p = {0};
    urne_pg_text(&p, d->state);
    urne_pg_opt(&p, d->decision);
    urne_pg_opt(&p, d->decision_reason);
    urne_pg_opt(&p, d->decided_by);
    urne_pg_opt(&p, d->decided_at);
    urne_pg_opt(&p, d->figures_after);
    urne_pg_int(&p, d->id);
    urne_pg_text(&p, expected);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_dispute_update, &p, "updating a dispute", &changed) < 0)
        return -1;
    return changed > 0;
}

static int pg_dispute_each(urne_store *s, int64_t election, int (*fn)(const urne_dispute *d, void *ctx),
                           void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, election);
    PGresult *r = urne_pg_run(s, urne_sql_dispute_each, &p, "listing disputes");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) {
        urne_dispute d;
        stop = dispute_row(s, r, i, &d) < 0 ? -1 : fn(&d, ctx);
    }
    PQclear(r);
    return stop;
}

const urne_store_dispute_ops urne_pg_dispute_ops = {
    .open = pg_dispute_open,
    .get = pg_dispute_get,
    .open_for = pg_dispute_open_for,
    .update = pg_dispute_update,
    .each = pg_dispute_each,
};
