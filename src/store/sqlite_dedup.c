/*
 * sqlite_dedup: see sqlite_dedup.h (why a set in memory, and when it is read).
 *
 * Each initiative's set is an open-addressing table of 16-byte keys, probed
 * linearly from the key's first 8 bytes (the keys are hashes: uniform), an
 * all-zero key marking a free slot (a real key of sixteen zero
 * bytes is stored with its last bit set: the same change at every lookup, so it
 * is still found). Nothing is ever removed one by one: a rollback drops the
 * whole set (below), which keeps the table free of tombstones.
 *
 * What a set knows is every row of its initiative up to `last` (an id), plus
 * the rows the open transaction added (`pending`, the highest of them). At the
 * first lookup of each write transaction it reads the rows above `last` in
 * order of id: the rows other processes committed since (SQLite's ids grow by
 * one per row, and only one writer adds rows at a time, so what is above
 * `last` is all that is new). At commit, `last` moves to `pending`; at
 * rollback a set with rows pending is dropped whole, for its table holds keys
 * of rows that are not there: read again at its next use.
 */
#include "sqlite_dedup.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

#define KEY 16
#define FIRST_CAP 1024

struct urne_sqlite_dedup_set {
    int64_t initiative;
    unsigned char (*slots)[KEY]; /* cap slots; NULL: not loaded */
    size_t cap, n;
    int64_t last;      /* every row up to this id is in the set */
    int64_t pending;   /* the highest row the open transaction added; 0: none */
    uint64_t read_in;  /* the transaction in which the rows above last were last read */
};

/* The rows of $1 above id $2, in order of id: an index-only scan of
 * initiative_signatures_order. */
static const char rows_after_sql[] =
    "SELECT id, dedup FROM initiative_signatures WHERE initiative_id = $1 AND id > $2 ORDER BY id";

/* A dedup hash's key: BLAKE2b-128 of its whole text, so that two texts that
 * differ anywhere differ here (as surely as 128 bits make it: two signers of one
 * initiative colliding is never met in practice), whatever the texts are made
 * of: urne's are keyed hashes, uniform already, but a row may have been put
 * some other way. Never all zero (above). About 0.2 µs. */
static void key_of(const char *dedup, unsigned char key[KEY]) {
    crypto_generichash(key, KEY, (const unsigned char *)dedup, strlen(dedup), NULL, 0);
    static const unsigned char zero[KEY];
    if (memcmp(key, zero, KEY) == 0) key[KEY - 1] = 1;
}

static size_t slot_of(const unsigned char key[KEY], size_t cap) {
    uint64_t h;
    memcpy(&h, key, sizeof h);
    return (size_t)h & (cap - 1);
}

static int slot_free(const unsigned char slot[KEY]) {
    static const unsigned char zero[KEY];
    return memcmp(slot, zero, KEY) == 0;
}

/* 1 when key is in set, 0 when not. */
static int set_has(const urne_sqlite_dedup_set *set, const unsigned char key[KEY]) {
    for (size_t i = slot_of(key, set->cap);; i = (i + 1) & (set->cap - 1)) {
        if (slot_free(set->slots[i])) return 0;
        if (memcmp(set->slots[i], key, KEY) == 0) return 1;
    }
}

static void set_put_new(unsigned char (*slots)[KEY], size_t cap, const unsigned char key[KEY]) {
    size_t i = slot_of(key, cap);
    while (!slot_free(slots[i])) i = (i + 1) & (cap - 1);
    memcpy(slots[i], key, KEY);
}

/* key added to set (absent before, or present: then nothing): 0, or -1 when out
 * of memory. The table doubles before it is 70 % full. */
static int set_add(urne_sqlite_dedup_set *set, const unsigned char key[KEY]) {
    if (set_has(set, key)) return 0;
    if ((set->n + 1) * 10 > set->cap * 7) {
        size_t cap = set->cap * 2;
        unsigned char(*slots)[KEY] = calloc(cap, KEY);
        if (slots == NULL) return -1;
        for (size_t i = 0; i < set->cap; i++)
            if (!slot_free(set->slots[i])) set_put_new(slots, cap, set->slots[i]);
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    set_put_new(set->slots, set->cap, key);
    set->n++;
    return 0;
}

static void set_drop(urne_sqlite_dedup_set *set) {
    free(set->slots);
    set->slots = NULL;
    set->cap = set->n = 0;
    set->last = set->pending = 0;
    set->read_in = 0;
}

/* The set of initiative id, made (empty, not loaded) when there is none: NULL
 * when out of memory. */
static urne_sqlite_dedup_set *set_for(urne_sqlite_dedup *d, int64_t id) {
    for (size_t i = 0; i < d->n; i++)
        if (d->sets[i].initiative == id) return &d->sets[i];
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 4;
        urne_sqlite_dedup_set *sets = realloc(d->sets, cap * sizeof *sets);
        if (sets == NULL) return NULL;
        d->sets = sets;
        d->cap = cap;
    }
    urne_sqlite_dedup_set *set = &d->sets[d->n++];
    memset(set, 0, sizeof *set);
    set->initiative = id;
    return set;
}

/* The rows of set's initiative above set->last read into it: 0, or -1 (said). */
static int read_rows_after(urne_store *s, urne_sqlite_dedup_set *set) {
    if (set->slots == NULL) {
        set->slots = calloc(FIRST_CAP, KEY);
        if (set->slots == NULL) return urne_store_fail(s, "out of memory");
        set->cap = FIRST_CAP;
    }
    sqlite3_stmt *st = urne_sql_stmt(s, rows_after_sql);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, set->initiative);
    sqlite3_bind_int64(st, 2, set->last);
    int rc, failed = 0;
    while (!failed && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *dedup = (const char *)sqlite3_column_text(st, 1);
        unsigned char key[KEY];
        key_of(dedup ? dedup : "", key);
        if (set_add(set, key) < 0)
            failed = urne_store_fail(s, "out of memory");
        else
            set->last = sqlite3_column_int64(st, 0);
    }
    if (!failed && rc != SQLITE_DONE) failed = urne_sql_fail(s, "reading an initiative's signatures");
    sqlite3_reset(st);
    return failed ? -1 : 0;
}

int urne_sqlite_dedup_has(urne_store *s, int64_t id, const char *dedup) {
    urne_sqlite_dedup *d = &urne_sq(s)->dedup;
    if (!d->in_transaction) return urne_store_fail(s, "a signature is looked up inside a write transaction");
    urne_sqlite_dedup_set *set = set_for(d, id);
    if (set == NULL) return urne_store_fail(s, "out of memory");
    if (set->read_in != d->serial) {
        /* A failed read leaves the set partly read: dropped, read again whole. */
        if (read_rows_after(s, set) < 0) {
            set_drop(set);
            return -1;
        }
        set->read_in = d->serial;
    }
    unsigned char key[KEY];
    key_of(dedup, key);
    return set_has(set, key);
}

int urne_sqlite_dedup_warm(urne_store *s, int64_t id) {
    urne_sqlite_dedup_set *set = set_for(&urne_sq(s)->dedup, id);
    if (set == NULL) return urne_store_fail(s, "out of memory");
    if (set->slots != NULL) return 0;
    if (read_rows_after(s, set) == 0) return 0; /* read_in unchanged: brought up to date at the next write */
    set_drop(set);
    return -1;
}

int urne_sqlite_dedup_cool(urne_store *s, int64_t id) {
    urne_sqlite_dedup *d = &urne_sq(s)->dedup;
    assert(!d->in_transaction);
    for (size_t i = 0; i < d->n; i++)
        if (d->sets[i].initiative == id) set_drop(&d->sets[i]);
    return 0;
}

int urne_sqlite_dedup_add(urne_store *s, int64_t id, const char *dedup, int64_t row) {
    urne_sqlite_dedup *d = &urne_sq(s)->dedup;
    urne_sqlite_dedup_set *set = set_for(d, id);
    assert(d->in_transaction && set != NULL && set->read_in == d->serial); /* has() first */
    assert(row > set->last && row > set->pending);
    unsigned char key[KEY];
    key_of(dedup, key);
    if (set_add(set, key) < 0) return urne_store_fail(s, "out of memory");
    set->pending = row;
    return 0;
}

void urne_sqlite_dedup_begin(urne_sqlite_dedup *d) {
    d->serial++;
    d->in_transaction = 1;
}

void urne_sqlite_dedup_commit(urne_sqlite_dedup *d) {
    for (size_t i = 0; i < d->n; i++)
        if (d->sets[i].pending) {
            d->sets[i].last = d->sets[i].pending;
            d->sets[i].pending = 0;
        }
    d->in_transaction = 0;
}

void urne_sqlite_dedup_rollback(urne_sqlite_dedup *d) {
    for (size_t i = 0; i < d->n; i++)
        if (d->sets[i].pending) set_drop(&d->sets[i]);
    d->in_transaction = 0;
}

void urne_sqlite_dedup_free(urne_sqlite_dedup *d) {
    for (size_t i = 0; i < d->n; i++) free(d->sets[i].slots);
    free(d->sets);
    memset(d, 0, sizeof *d);
}
