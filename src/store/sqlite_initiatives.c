/*
 * sqlite_initiatives: the citizens' initiatives on SQLite (store_initiatives.h
 * holds the contracts; store.c has checked the lengths of what is written). The
 * texts of its queries, and which column fills which field, are shared with
 * PostgreSQL's (store_sql.h).
 *
 * The tables are migration 6 (sqlite_store.c). A roll entry already there
 * inserts nothing (ON CONFLICT DO NOTHING), answering 0: the deduplication is
 * the UNIQUE constraint, decided by the database inside the writer's
 * transaction, never by a read before the write. A signature already there
 * answers 0 too, decided inside the writer's transaction as well, but by a set
 * in memory (sqlite_dedup.h, migration 17: a unique index of random keys was a
 * page written per signature). Texts are bound as
 * given, "" included (the columns are NOT NULL DEFAULT ''), and read into their
 * fixed fields through urne_sql_col, which refuses one too long.
 *
 * The counts read at start (per territory, per day) are SQLite's own texts,
 * not PostgreSQL's GROUP BY, over the index by validity and time (migration
 * 16): the days a day at a time, counted inside the B-tree (store_sql.c says
 * why); the territories in one pass, added up here (SQLite would sort).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"
#include "store_sql.h"

static void bind(sqlite3_stmt *st, int i, const char *v) { sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT); }

static int read_initiative(urne_store *s, sqlite3_stmt *st, urne_initiative_row *out) {
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    return urne_sql_cols(s, st, urne_sql_initiative_texts, urne_sql_initiative_ntexts, out, "initiatives", out->id);
}

static int read_signature(urne_store *s, sqlite3_stmt *st, urne_initiative_signature *out) {
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    out->initiative = sqlite3_column_int64(st, 1);
    return urne_sql_cols(s, st, urne_sql_signature_texts, urne_sql_signature_ntexts, out, "initiative_signatures",
                      out->id);
}

static int64_t sq_put(urne_store *s, const urne_initiative_row *i) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_initiative_put);
    if (st == NULL) return -1;
    const char *v[] = {i->title,      i->space,      i->rules,      i->state,   i->authority_key, i->hash_key,
                       i->created_at, i->created_by, i->changed_at, i->reasons, i->answer};
    for (int k = 0; k < 11; k++) bind(st, k + 1, v[k]);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (id < 0 || sqlite3_step(st) != SQLITE_DONE) id = urne_sql_fail(s, "adding an initiative");
    sqlite3_reset(st);
    return id;
}

/* One row of sql bound to (a, b or text t) read by `read` into out: 1, 0, -1. */
static int get_one(urne_store *s, const char *sql, int64_t a, int64_t b, const char *t, const char *what,
                   int (*read)(urne_store *, sqlite3_stmt *, void *), void *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, sql);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, a);
    if (t)
        bind(st, 2, t);
    else if (b >= 0)
        sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st), found;
    if (rc == SQLITE_ROW)
        found = read(s, st, out) < 0 ? -1 : 1;
    else
        found = rc == SQLITE_DONE ? 0 : urne_sql_fail(s, what);
    sqlite3_reset(st);
    return found;
}

static int read_initiative_v(urne_store *s, sqlite3_stmt *st, void *out) { return read_initiative(s, st, out); }
static int read_signature_v(urne_store *s, sqlite3_stmt *st, void *out) { return read_signature(s, st, out); }

static int sq_get(urne_store *s, int64_t id, urne_initiative_row *out) {
    return get_one(s, urne_sql_initiative_get, id, -1, NULL, "reading an initiative", read_initiative_v, out);
}

static int sq_update(urne_store *s, const urne_initiative_row *i, const char *expected) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_initiative_update);
    if (st == NULL) return -1;
    bind(st, 1, i->state);
    bind(st, 2, i->changed_at);
    bind(st, 3, i->reasons);
    bind(st, 4, i->answer);
    sqlite3_bind_int64(st, 5, i->id);
    bind(st, 6, expected);
    if (urne_sql_step_done(s, st, "changing an initiative's state") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0 ? 1 : 0;
}

static int sq_each(urne_store *s, int (*fn)(const urne_initiative_row *i, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_initiative_each, "listing initiatives");
    if (st == NULL) return -1;
    int rc, stop = 0;
    urne_initiative_row *row = sqlite3_malloc(sizeof *row);
    if (row == NULL) stop = urne_store_fail(s, "out of memory listing initiatives");
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) stop = read_initiative(s, st, row) < 0 ? -1 : fn(row, ctx);
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "listing initiatives");
    sqlite3_free(row);
    sqlite3_finalize(st);
    return stop;
}

static int sq_roll_put(urne_store *s, int64_t id, const urne_initiative_roll_entry *e) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_initiative_roll_put);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    bind(st, 2, e->key_hash);
    bind(st, 3, e->index_hash);
    bind(st, 4, e->territory);
    bind(st, 5, e->sealed);
    bind(st, 6, e->code_hash);
    bind(st, 7, e->letter);
    bind(st, 8, e->born);
    if (urne_sql_step_done(s, st, "adding a roll entry") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0 ? 1 : 0;
}

static int sq_roll_count(urne_store *s, int64_t id, const char *territory, int64_t electors, int64_t anonymous) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_initiative_roll_counted);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    bind(st, 2, territory);
    sqlite3_bind_int64(st, 3, electors);
    sqlite3_bind_int64(st, 4, anonymous);
    return urne_sql_step_done(s, st, "counting the roll's entries") < 0 ? -1 : 0;
}

static int read_entry(urne_store *s, sqlite3_stmt *st, void *out) {
    urne_initiative_roll_entry *e = out;
    memset(e, 0, sizeof *e);
    char *f[] = {e->key_hash, e->index_hash, e->territory, e->sealed, e->code_hash, e->letter, e->born};
    size_t z[] = {sizeof e->key_hash, sizeof e->index_hash, sizeof e->territory, sizeof e->sealed,
                  sizeof e->code_hash, sizeof e->letter, sizeof e->born};
    const char *names[] = {"key_hash", "index_hash", "territory", "sealed", "code_hash", "letter", "born"};
    for (int k = 0; k < 7; k++)
        if (urne_sql_col(s, st, k, f[k], z[k], "initiative_roll", names[k], "%s", urne_sql_text(st, 0)) < 0)
            return -1;
    return 0;
}

static int read_count(urne_store *s, sqlite3_stmt *st, void *out) {
    (void)s;
    *(int64_t *)out = sqlite3_column_int64(st, 0);
    return 0;
}

static int sq_roll_find(urne_store *s, int64_t id, const char *key_hash, const char *index_hash,
                        urne_initiative_roll_entry *out, int64_t *homonyms) {
    *homonyms = 0;
    int rc = get_one(s, urne_sql_initiative_roll_find, id, -1, key_hash, "reading the roll", read_entry, out);
    if (rc != 0) return rc;
    rc = get_one(s, urne_sql_initiative_roll_homonyms, id, -1, index_hash, "reading the roll", read_count, homonyms);
    return rc < 0 ? -1 : 0;
}

static int sq_roll_code(urne_store *s, int64_t id, const char *code_hash, urne_initiative_roll_entry *out) {
    return get_one(s, urne_sql_initiative_roll_code, id, -1, code_hash, "reading the roll", read_entry, out);
}

/* sql bound to ($1 id, $2..: texts) run: the rows it changed, or -1. */
static int change(urne_store *s, const char *sql, int64_t id, const char *const *texts, int n, const char *what) {
    sqlite3_stmt *st = urne_sql_stmt(s, sql);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    for (int k = 0; k < n; k++) bind(st, k + 2, texts[k]);
    if (urne_sql_step_done(s, st, what) < 0) return -1;
    return sqlite3_changes(urne_sql_db(s));
}

static int sq_roll_letter(urne_store *s, int64_t id, const char *key_hash, const char *code_hash, const char *letter,
                          const char *born) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_initiative_roll_letter);
    if (st == NULL) return -1;
    bind(st, 1, code_hash);
    bind(st, 2, letter);
    bind(st, 3, born);
    sqlite3_bind_int64(st, 4, id);
    bind(st, 5, key_hash);
    if (urne_sql_step_done(s, st, "giving a roll entry its letter") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0;
}

static int sq_roll_unletter(urne_store *s, int64_t id, const char *key_hash) {
    if (change(s, urne_sql_initiative_roll_uncounted, id, &key_hash, 1, "uncounting a code") < 0) return -1;
    int a = change(s, urne_sql_initiative_roll_drop_code, id, &key_hash, 1, "taking back a code");
    int b = a < 0 ? -1 : change(s, urne_sql_initiative_roll_unletter, id, &key_hash, 1, "taking back a letter");
    return b < 0 ? -1 : a + b > 0;
}

static int sq_roll_counts(urne_store *s, int64_t id,
                          int (*fn)(const char *territory, int64_t electors, int64_t anonymous, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_initiative_roll_counts, "counting the roll");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = urne_sql_text(st, 0);
        stop = fn(t ? t : "", sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2), ctx);
    }
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "counting the roll");
    sqlite3_finalize(st);
    return stop;
}

/* Step st, a statement of urne_sql_stmt's bound by the caller, to its one row:
 * 1 (the row is read, then the caller resets st), or -1 naming what. */
static int one_row(urne_store *s, sqlite3_stmt *st, const char *what) {
    if (sqlite3_step(st) == SQLITE_ROW) return 1;
    urne_sql_fail(s, what);
    sqlite3_reset(st);
    return -1;
}

/* The counts per territory added up here, from one pass over the index by
 * validity and time (migration 16), which carries the territory: SQLite's GROUP
 * BY territory would sort every entry in a temporary B-tree, the index not being
 * in territory order. A table of the territories met, open addressing on a hash
 * of the name (a few hundred territories; a name is looked up per entry). */
typedef struct {
    char name[sizeof ((urne_initiative_signature *)0)->territory];
    int64_t valid, invalid;
    int used;
} tally_slot;

typedef struct {
    tally_slot *slots;
    size_t cap, n;  /* cap a power of two, n < cap / 2 */
} tally;

static size_t tally_hash(const unsigned char *t, size_t len) {
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ t[i]) * 1099511628211u;
    return h;
}

/* The slot of `name` (len bytes, len < sizeof name), added when new: NULL out of
 * memory. */
static tally_slot *tally_find(tally *t, const unsigned char *name, size_t len) {
    if (2 * (t->n + 1) > t->cap) {
        tally grown = {calloc(t->cap ? 2 * t->cap : 256, sizeof(tally_slot)), t->cap ? 2 * t->cap : 256, 0};
        if (grown.slots == NULL) return NULL;
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->slots[i].used) continue;
            size_t k = tally_hash((const unsigned char *)t->slots[i].name, strlen(t->slots[i].name)) & (grown.cap - 1);
            while (grown.slots[k].used) k = (k + 1) & (grown.cap - 1);
            grown.slots[k] = t->slots[i];
            grown.n++;
        }
        free(t->slots);
        *t = grown;
    }
    size_t k = tally_hash(name, len) & (t->cap - 1);
    for (; t->slots[k].used; k = (k + 1) & (t->cap - 1))
        if (strncmp(t->slots[k].name, (const char *)name, len) == 0 && t->slots[k].name[len] == '\0') return &t->slots[k];
    assert(len < sizeof t->slots[k].name);
    memcpy(t->slots[k].name, name, len);
    t->slots[k].name[len] = '\0';
    t->slots[k].used = 1;
    t->n++;
    return &t->slots[k];
}

/* One pass, the counts added up in `t`: 0, or -1 said. */
static int tally_read(urne_store *s, int64_t id, tally *t) {
    static const char what[] = "counting the signatures";
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_initiative_tally);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        if (name != NULL && len >= sizeof t->slots->name) {
            sqlite3_reset(st);
            return urne_store_fail(s,
                                   "counting the signatures: initiative %lld: a signature's territory is longer than the "
                                   "%zu bytes the store holds for it (refused, not cut)",
                                   (long long)id, sizeof t->slots->name - 1);
        }
        tally_slot *slot = name == NULL ? NULL : tally_find(t, name, len);
        if (slot == NULL) {
            sqlite3_reset(st);
            return urne_store_fail(s, "counting the signatures: out of memory");
        }
        int64_t *n = sqlite3_column_int(st, 0) ? &slot->invalid : &slot->valid;
        if (__builtin_add_overflow(*n, 1, n)) {
            sqlite3_reset(st);
            return urne_store_fail(s, "counting the signatures: initiative %lld: a count does not fit", (long long)id);
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, what);
}

static int slot_cmp(const void *a, const void *b) {
    return strcmp(((const tally_slot *)a)->name, ((const tally_slot *)b)->name);
}

/* The territories answered in the order of their names' bytes, as a walk of the
 * count index of migration 9 answered them (the contract sets no order): the
 * slots gathered at the table's start, then sorted. */
static int sq_signature_counts(urne_store *s, int64_t id,
                               int (*fn)(const char *territory, int64_t valid, int64_t invalid, void *ctx), void *ctx) {
    tally t = {NULL, 0, 0};
    int stop = tally_read(s, id, &t);
    size_t n = 0;
    for (size_t i = 0; stop == 0 && i < t.cap; i++)
        if (t.slots[i].used) t.slots[n++] = t.slots[i];
    assert(stop != 0 || n == t.n);
    if (stop == 0 && n > 1) qsort(t.slots, n, sizeof *t.slots, slot_cmp);
    for (size_t i = 0; stop == 0 && i < n; i++) stop = fn(t.slots[i].name, t.slots[i].valid, t.slots[i].invalid, ctx);
    free(t.slots);
    return stop;
}

/* The days one at a time: the first time at or after a bound, then its day's
 * count (store_sql.c says why not a GROUP BY). */
static int sq_signature_days(urne_store *s, int64_t id, int (*fn)(const char *day, int64_t valid, void *ctx),
                             void *ctx) {
    static const char what[] = "counting the signatures per day";
    char bound[12] = "", day[11] = "";
    for (;;) {
        sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_initiative_signature_day_next);
        if (st == NULL) return -1;
        sqlite3_bind_int64(st, 1, id);
        bind(st, 2, bound);
        if (one_row(s, st, what) < 0) return -1;
        const char *t = urne_sql_text(st, 0);
        char last[11];
        memcpy(last, day, sizeof last);
        if (t != NULL) snprintf(day, sizeof day, "%.10s", t);
        sqlite3_reset(st);
        if (t == NULL) return 0;
        /* The same day again: a time with a byte above '~' after its date, which
         * the bound cannot pass; no ISO time, named rather than looped on. */
        if (bound[0] != '\0' && strcmp(day, last) == 0)
            return urne_store_fail(s, "counting the signatures per day: a signature's time, \"%s...\", is not an ISO time",
                                   day);
        snprintf(bound, sizeof bound, "%s~", day);
        if ((st = urne_sql_stmt(s, urne_sql_initiative_signature_day_count)) == NULL) return -1;
        sqlite3_bind_int64(st, 1, id);
        bind(st, 2, day);
        bind(st, 3, bound);
        if (one_row(s, st, what) < 0) return -1;
        int64_t valid = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        /* None only when the time found has a '~' or above after its date: no
         * ISO time; the next bound would find it again. */
        if (valid == 0)
            return urne_store_fail(s, "counting the signatures per day: a signature's time, \"%s...\", is not an ISO time",
                                   day);
        int stop = fn(day, valid, ctx);
        if (stop) return stop;
    }
}

static int sq_valid_ids(urne_store *s, int64_t id, int (*fn)(int64_t sig, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_initiative_valid_ids, "listing the valid signatures");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) stop = fn(sqlite3_column_int64(st, 0), ctx);
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "listing the valid signatures");
    sqlite3_finalize(st);
    return stop;
}

/* urne_sql_initiative_sign without RETURNING and without ON CONFLICT
 * (store_sql.h's variants): the dedup hash is checked in memory
 * (sqlite_dedup.h: SQLite has no unique index on it since migration 17); the
 * new row's id from the connection, not from RETURNING, which SQLite answers
 * through an ephemeral table opened and closed at each insert (a B-tree and a
 * pager: 0.9 % of a signature's server time, bench/RESULTS.md). */
static const char sign_sql[] =
    "INSERT INTO initiative_signatures(initiative_id, dedup, territory, sealed, receipt, signed_at, marks, letter,"
    " proof) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/* The signature added inside the open write transaction: its id, 0, or -1. */
static int64_t sign_in(urne_store *s, const urne_initiative_signature *sig) {
    int has = urne_sqlite_dedup_has(s, sig->initiative, sig->dedup);
    if (has != 0) return has < 0 ? -1 : 0; /* a signature of that hash is there */
    sqlite3_stmt *st = urne_sql_stmt(s, sign_sql);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, sig->initiative);
    const char *v[] = {sig->dedup,     sig->territory, sig->sealed, sig->receipt,
                       sig->signed_at, sig->marks,     sig->letter, sig->proof};
    for (int k = 0; k < 8; k++) bind(st, k + 2, v[k]);
    int64_t id = sqlite3_step(st) == SQLITE_DONE ? sqlite3_last_insert_rowid(urne_sql_db(s))
                                                  : urne_sql_fail(s, "adding a signature");
    sqlite3_reset(st);
    if (id > 0 && urne_sqlite_dedup_add(s, sig->initiative, sig->dedup, id) < 0) return -1;
    return id;
}

/* Outside a transaction, one of its own: the set is read and the row added
 * under the same write lock. */
static int64_t sq_sign(urne_store *s, const urne_initiative_signature *sig) {
    if (!sqlite3_get_autocommit(urne_sql_db(s))) return sign_in(s, sig);
    if (urne_store_begin(s) < 0) return -1;
    int64_t id = sign_in(s, sig);
    if (id < 0)
        urne_store_rollback(s);
    else if (urne_store_commit(s) < 0)
        id = -1;
    return id;
}

static int sq_receipt(urne_store *s, int64_t id, const char *receipt, urne_initiative_signature *out) {
    return get_one(s, urne_sql_initiative_receipt, id, -1, receipt, "reading a receipt", read_signature_v, out);
}

static int sq_signature_get(urne_store *s, int64_t id, int64_t sig, urne_initiative_signature *out) {
    return get_one(s, urne_sql_initiative_signature_get, id, sig, NULL, "reading a signature", read_signature_v, out);
}

static int sq_invalidate(urne_store *s, int64_t id, int64_t sig, const char *reason) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_initiative_invalidate);
    if (st == NULL) return -1;
    bind(st, 1, reason);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, sig);
    if (urne_sql_step_done(s, st, "invalidating a signature") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0 ? 1 : 0;
}

static int sq_signatures_each(urne_store *s, int64_t id, int (*fn)(const urne_initiative_signature *sig, void *ctx),
                              void *ctx) {
    sqlite3_stmt *st = urne_sql_prepare(s, urne_sql_initiative_signatures_each, "listing signatures");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc, stop = 0;
    urne_initiative_signature *sig = sqlite3_malloc(sizeof *sig);
    if (sig == NULL) stop = urne_store_fail(s, "out of memory listing signatures");
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) stop = read_signature(s, st, sig) < 0 ? -1 : fn(sig, ctx);
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "listing signatures");
    sqlite3_free(sig);
    sqlite3_finalize(st);
    return stop;
}

const urne_store_initiative_ops urne_sqlite_initiative_ops = {
    .put = sq_put,
    .get = sq_get,
    .update = sq_update,
    .each = sq_each,
    .roll_put = sq_roll_put,
    .roll_find = sq_roll_find,
    .roll_code = sq_roll_code,
    .roll_letter = sq_roll_letter,
    .roll_unletter = sq_roll_unletter,
    .roll_count = sq_roll_count,
    .roll_counts = sq_roll_counts,
    .sign = sq_sign,
    .warm = urne_sqlite_dedup_warm,
    .cool = urne_sqlite_dedup_cool,
    .receipt = sq_receipt,
    .signature_get = sq_signature_get,
    .invalidate = sq_invalidate,
    .signatures_each = sq_signatures_each,
    .signature_counts = sq_signature_counts,
    .signature_days = sq_signature_days,
    .valid_ids = sq_valid_ids,
};
