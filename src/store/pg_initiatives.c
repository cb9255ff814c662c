/*
 * pg_initiatives: the citizens' initiatives on PostgreSQL (store_initiatives.h
 * holds the contracts; store.c has checked the lengths of what is written). The
 * texts of its queries, and which column fills which field, are shared with
 * SQLite's (store_sql.h).
 *
 * A roll entry or a signature already there inserts nothing (ON CONFLICT DO
 * NOTHING), answering 0: a failed constraint would abort the whole transaction
 * here, so the duplicate is never let fail. Fifty sessions signing for one
 * elector at once: the unique index makes all but one wait and then insert
 * nothing. Rows are read into their fixed fields through urne_pg_col, which
 * refuses a text too long.
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "store_sql.h"

static int read_initiative(urne_store *s, const PGresult *r, int i, void *out) {
    urne_initiative_row *row = out;
    memset(row, 0, sizeof *row);
    row->id = urne_pg_int64(r, i, 0);
    return urne_pg_cols(s, r, i, urne_sql_initiative_texts, urne_sql_initiative_ntexts, row, "initiatives", row->id);
}

static int read_signature(urne_store *s, const PGresult *r, int i, void *out) {
    urne_initiative_signature *sig = out;
    memset(sig, 0, sizeof *sig);
    sig->id = urne_pg_int64(r, i, 0);
    sig->initiative = urne_pg_int64(r, i, 1);
    return urne_pg_cols(s, r, i, urne_sql_signature_texts, urne_sql_signature_ntexts, sig, "initiative_signatures",
                      sig->id);
}

static int read_entry(urne_store *s, const PGresult *r, int i, void *out) {
    urne_initiative_roll_entry *e = out;
    memset(e, 0, sizeof *e);
    char *f[] = {e->key_hash, e->index_hash, e->territory, e->sealed, e->code_hash, e->letter, e->born};
    size_t z[] = {sizeof e->key_hash, sizeof e->index_hash, sizeof e->territory, sizeof e->sealed,
                  sizeof e->code_hash, sizeof e->letter, sizeof e->born};
    const char *names[] = {"key_hash", "index_hash", "territory", "sealed", "code_hash", "letter", "born"};
    for (int k = 0; k < 7; k++)
        if (urne_pg_col(s, r, i, k, f[k], z[k], "initiative_roll", names[k], "%s", PQgetvalue(r, i, 0)) < 0)
            return -1;
    return 0;
}

static int64_t pg_put(urne_store *s, const urne_initiative_row *i) {
    urne_pg_params p = {0};
    const char *v[] = {i->title,      i->space,      i->rules,      i->state,   i->authority_key, i->hash_key,
                       i->created_at, i->created_by, i->changed_at, i->reasons, i->answer};
    for (int k = 0; k < 11; k++) urne_pg_text(&p, v[k]);
    PGresult *r = urne_pg_run(s, urne_sql_initiative_put, &p, "adding an initiative");
    if (r == NULL) return -1;
    int64_t id = urne_pg_int64(r, 0, 0);
    PQclear(r);
    return id;
}

static int pg_get(urne_store *s, int64_t id, urne_initiative_row *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    return urne_pg_get_one(s, urne_sql_initiative_get, &p, "reading an initiative", read_initiative, out);
}

static int pg_update(urne_store *s, const urne_initiative_row *i, const char *expected) {
    urne_pg_params p = {0};
    urne_pg_text(&p, i->state);
    urne_pg_text(&p, i->changed_at);
    urne_pg_text(&p, i->reasons);
    urne_pg_text(&p, i->answer);
    urne_pg_int(&p, i->id);
    urne_pg_text(&p, expected);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_initiative_update, &p, "changing an initiative's state", &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

/* The callers' callbacks, called with the row urne_pg_each read. */
typedef struct initiative_fn {
    int (*fn)(const urne_initiative_row *i, void *ctx);
    void *ctx;
} initiative_fn;
typedef struct signature_fn {
    int (*fn)(const urne_initiative_signature *sig, void *ctx);
    void *ctx;
} signature_fn;
static int call_initiative(const void *row, void *ctx) {
    initiative_fn *f = ctx;
    return f->fn(row, f->ctx);
}
static int call_signature(const void *row, void *ctx) {
    signature_fn *f = ctx;
    return f->fn(row, f->ctx);
}

static int pg_each(urne_store *s, int (*fn)(const urne_initiative_row *i, void *ctx), void *ctx) {
    initiative_fn f = {fn, ctx};
    return urne_pg_each(s, urne_sql_initiative_each, NULL, "listing initiatives", sizeof(urne_initiative_row),
                read_initiative, call_initiative, &f);
}

static int pg_roll_put(urne_store *s, int64_t id, const urne_initiative_roll_entry *e) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    urne_pg_text(&p, e->key_hash);
    urne_pg_text(&p, e->index_hash);
    urne_pg_text(&p, e->territory);
    urne_pg_text(&p, e->sealed);
    urne_pg_text(&p, e->code_hash);
    urne_pg_text(&p, e->letter);
    urne_pg_text(&p, e->born);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_initiative_roll_put, &p, "adding a roll entry", &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

static int pg_roll_count(urne_store *s, int64_t id, const char *territory, int64_t electors, int64_t anonymous) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    urne_pg_text(&p, territory);
    urne_pg_int(&p, electors);
    urne_pg_int(&p, anonymous);
    return urne_pg_do(s, urne_sql_initiative_roll_counted, &p, "counting the roll's entries", NULL);
}

static int read_count(urne_store *s, const PGresult *r, int i, void *out) {
    (void)s;
    *(int64_t *)out = urne_pg_int64(r, i, 0);
    return 0;
}

static int pg_roll_find(urne_store *s, int64_t id, const char *key_hash, const char *index_hash,
                        urne_initiative_roll_entry *out, int64_t *homonyms) {
    *homonyms = 0;
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    urne_pg_text(&p, key_hash);
    int rc = urne_pg_get_one(s, urne_sql_initiative_roll_find, &p, "reading the roll", read_entry, out);
    if (rc != 0) return rc;
    urne_pg_params q = {0};
    urne_pg_int(&q, id);
    urne_pg_text(&q, index_hash);
    rc = urne_pg_get_one(s, urne_sql_initiative_roll_homonyms, &q, "reading the roll", read_count, homonyms);
    return rc < 0 ? -1 : 0;
}

static int pg_roll_code(urne_store *s, int64_t id, const char *code_hash, urne_initiative_roll_entry *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    urne_pg_text(&p, code_hash);
    return urne_pg_get_one(s, urne_sql_initiative_roll_code, &p, "reading the roll", read_entry, out);
}

/* sql bound to ($1 id, $2..: texts) run: the rows it changed, or -1. */
static long change(urne_store *s, const char *sql, int64_t id, const char *const *texts, int n, const char *what) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    for (int k = 0; k < n; k++) urne_pg_text(&p, texts[k]);
    long changed = 0;
    return urne_pg_do(s, sql, &p, what, &changed) < 0 ? -1 : changed;
}

static int pg_roll_letter(urne_store *s, int64_t id, const char *key_hash, const char *code_hash, const char *letter,
                          const char *born) {
    urne_pg_params p = {0};
    urne_pg_text(&p, code_hash);
    urne_pg_text(&p, letter);
    urne_pg_text(&p, born);
    urne_pg_int(&p, id);
    urne_pg_text(&p, key_hash);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_initiative_roll_letter, &p, "giving a roll entry its letter", &changed) < 0) return -1;
    return changed > 0;
}

static int pg_roll_unletter(urne_store *s, int64_t id, const char *key_hash) {
    if (change(s, urne_sql_initiative_roll_uncounted, id, &key_hash, 1, "uncounting a code") < 0) return -1;
    long a = change(s, urne_sql_initiative_roll_drop_code, id, &key_hash, 1, "taking back a code");
    long b = a < 0 ? -1 : change(s, urne_sql_initiative_roll_unletter, id, &key_hash, 1, "taking back a letter");
    return b < 0 ? -1 : a + b > 0;
}

static int pg_roll_counts(urne_store *s, int64_t id,
                          int (*fn)(const char *territory, int64_t electors, int64_t anonymous, void *ctx), void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *r = urne_pg_run(s, urne_sql_initiative_roll_counts, &p, "counting the roll");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++)
        stop = fn(PQgetvalue(r, i, 0), urne_pg_int64(r, i, 1), urne_pg_int64(r, i, 2), ctx);
    PQclear(r);
    return stop;
}

static int pg_signature_counts(urne_store *s, int64_t id,
                               int (*fn)(const char *territory, int64_t valid, int64_t invalid, void *ctx), void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *r = urne_pg_run(s, urne_sql_initiative_signature_counts, &p, "counting the signatures");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++)
        stop = fn(PQgetvalue(r, i, 0), urne_pg_int64(r, i, 1), urne_pg_int64(r, i, 2), ctx);
    PQclear(r);
    return stop;
}

static int pg_signature_days(urne_store *s, int64_t id, int (*fn)(const char *day, int64_t valid, void *ctx),
                             void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *r = urne_pg_run(s, urne_sql_initiative_signature_days, &p, "counting the signatures per day");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) stop = fn(PQgetvalue(r, i, 0), urne_pg_int64(r, i, 1), ctx);
    PQclear(r);
    return stop;
}

static int pg_valid_ids(urne_store *s, int64_t id, int (*fn)(int64_t sig, void *ctx), void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *r = urne_pg_run(s, urne_sql_initiative_valid_ids, &p, "listing the valid signatures");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) stop = fn(urne_pg_int64(r, i, 0), ctx);
    PQclear(r);
    return stop;
}

/* The variant (store_sql.h): $1 initiative, $2 dedup, $3 territory, $4 sealed,
 * $5 receipt, $6 signed_at, $7 marks, $8 letter, $9 proof: RETURNING id, no row
 * when the dedup hash is already there, which the unique index on it decides
 * (SQLite decides in memory: sqlite_dedup.h). */
static const char sign_sql[] =
    "INSERT INTO initiative_signatures(initiative_id, dedup, territory, sealed, receipt, signed_at, marks, letter,"
    " proof) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (initiative_id, dedup) DO NOTHING RETURNING id";

static int64_t pg_sign(urne_store *s, const urne_initiative_signature *sig) {
    urne_pg_params p = {0};
    urne_pg_int(&p, sig->initiative);
    const char *v[] = {sig->dedup,     sig->territory, sig->sealed, sig->receipt,
                       sig->signed_at, sig->marks,     sig->letter, sig->proof};
    for (int k = 0; k < 8; k++) urne_pg_text(&p, v[k]);
    PGresult *r = urne_pg_run(s, sign_sql, &p, "adding a signature");
    if (r == NULL) return -1;
    int64_t id = PQntuples(r) > 0 ? urne_pg_int64(r, 0, 0) : 0; /* no row: a signature of that hash was there */
    PQclear(r);
    return id;
}

static int pg_receipt(urne_store *s, int64_t id, const char *receipt, urne_initiative_signature *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    urne_pg_text(&p, receipt);
    return urne_pg_get_one(s, urne_sql_initiative_receipt, &p, "reading a receipt", read_signature, out);
}

static int pg_signature_get(urne_store *s, int64_t id, int64_t sig, urne_initiative_signature *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    urne_pg_int(&p, sig);
    return urne_pg_get_one(s, urne_sql_initiative_signature_get, &p, "reading a signature", read_signature, out);
}

static int pg_invalidate(urne_store *s, int64_t id, int64_t sig, const char *reason) {
    urne_pg_params p = {0};
    urne_pg_text(&p, reason);
    urne_pg_int(&p, id);
    urne_pg_int(&p, sig);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_initiative_invalidate, &p, "invalidating a signature", &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

static int pg_signatures_each(urne_store *s, int64_t id, int (*fn)(const urne_initiative_signature *sig, void *ctx),
                              void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    signature_fn f = {fn, ctx};
    return urne_pg_each(s, urne_sql_initiative_signatures_each, &p, "listing signatures", sizeof(urne_initiative_signature),
                read_signature, call_signature, &f);
}

const urne_store_initiative_ops urne_pg_initiative_ops = {
    .put = pg_put,
    .get = pg_get,
    .update = pg_update,
    .each = pg_each,
    .roll_put = pg_roll_put,
    .roll_find = pg_roll_find,
    .roll_code = pg_roll_code,
    .roll_letter = pg_roll_letter,
    .roll_unletter = pg_roll_unletter,
    .roll_count = pg_roll_count,
    .roll_counts = pg_roll_counts,
    .sign = pg_sign,
    .receipt = pg_receipt,
    .signature_get = pg_signature_get,
    .invalidate = pg_invalidate,
    .signatures_each = pg_signatures_each,
    .signature_counts = pg_signature_counts,
    .signature_days = pg_signature_days,
    .valid_ids = pg_valid_ids,
};
