/*
 * test_store_initiatives: the initiatives' rows on SQLite (store_initiatives.h):
 * an initiative written and read back, its state changed only from the state
 * expected, a roll whose duplicate inserts nothing, homonyms counted, territories
 * counted, a signature deduplicated by its hash (the second answers 0 and writes
 * nothing), found by its receipt, invalidated once, listed in order, and a text
 * too long refused whole; the valid ones counted per UTC day and listed by id
 * from their index (migrations 10 and 16), an invalidated one in neither; the
 * counts per territory in order, past the size SQLite's table of them starts at;
 * the roll's counts per territory kept beside it (migration 18) equal to the
 * roll grouped, after entries added, lettered and taken back, and after the
 * migration from a store without them. tests/pg runs the same contracts on PostgreSQL through
 * the server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <unistd.h>

#include "../../src/store/store.h"

static urne_store *open_memory(void) {
    char err[600];
    urne_store *s = urne_store_open(":memory:", err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

static int64_t put_initiative(urne_store *s) {
    urne_initiative_row i;
    memset(&i, 0, sizeof i);
    snprintf(i.title, sizeof i.title, "Référendum sur l'eau");
    snprintf(i.space, sizeof i.space, "org/nord");
    snprintf(i.rules, sizeof i.rules, "preset = rip\n");
    snprintf(i.state, sizeof i.state, "draft");
    memset(i.authority_key, 'a', 64);
    memset(i.hash_key, 'b', 64);
    snprintf(i.created_at, sizeof i.created_at, "2026-01-02T03:04:05Z");
    snprintf(i.changed_at, sizeof i.changed_at, "2026-01-02T03:04:05Z");
    snprintf(i.created_by, sizeof i.created_by, "ana");
    assert_int_equal(urne_store_begin(s), 0);
    int64_t id = urne_store_initiative_put(s, &i);
    assert_true(id > 0);
    assert_int_equal(urne_store_commit(s), 0);
    return id;
}

static void test_initiative_rows(void **state) {
    (void)state;
    urne_store *s = open_memory();
    int64_t id = put_initiative(s);
    urne_initiative_row *got = calloc(1, sizeof *got);
    assert_int_equal(urne_store_initiative_get(s, id, got), 1);
    assert_string_equal(got->title, "Référendum sur l'eau");
    assert_string_equal(got->state, "draft");
    assert_string_equal(got->reasons, "");
    assert_int_equal(urne_store_initiative_get(s, id + 1, got), 0);

    snprintf(got->state, sizeof got->state, "submitted");
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_initiative_update(s, got, "collecting"), 0); /* not that state: nothing */
    assert_int_equal(urne_store_initiative_update(s, got, "draft"), 1);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_initiative_get(s, id, got), 1);
    assert_string_equal(got->state, "submitted");

    memset(got->title, 'x', sizeof got->title); /* no NUL within the field */
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_initiative_put(s, got), -1);
    assert_non_null(strstr(urne_store_error(s), "refused, not cut"));
    urne_store_rollback(s);
    free(got);
    urne_store_close(s);
}

static int count_territory(const char *territory, int64_t electors, int64_t anonymous, void *ctx) {
    int64_t *c = ctx;
    c[2] += anonymous;
    if (strcmp(territory, "75") == 0) c[0] = electors;
    if (strcmp(territory, "2A") == 0) c[1] = electors;
    return 0;
}

static void roll_entry(urne_initiative_roll_entry *e, char key, char index, const char *territory) {
    memset(e, 0, sizeof *e);
    memset(e->key_hash, key, 64);
    memset(e->index_hash, index, 64);
    snprintf(e->territory, sizeof e->territory, "%s", territory);
    snprintf(e->sealed, sizeof e->sealed, "c2VhbGVk");
}

static void test_roll(void **state) {
    (void)state;
    urne_store *s = open_memory();
    int64_t id = put_initiative(s);
    urne_initiative_roll_entry e, got;
    assert_int_equal(urne_store_begin(s), 0);
    roll_entry(&e, '1', 'x', "75");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 0); /* the same identity twice */
    roll_entry(&e, '2', 'x', "75");                                   /* a homonym born another day */
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    roll_entry(&e, '3', 'y', "2A");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    assert_int_equal(urne_store_commit(s), 0);

    char key[65] = {0}, index[65] = {0};
    int64_t homonyms = -1;
    memset(key, '3', 64);
    memset(index, 'y', 64);
    assert_int_equal(urne_store_initiative_roll_find(s, id, key, index, &got, &homonyms), 1);
    assert_string_equal(got.territory, "2A");
    memset(key, '4', 64);
    memset(index, 'x', 64);
    assert_int_equal(urne_store_initiative_roll_find(s, id, key, index, &got, &homonyms), 0);
    assert_int_equal(homonyms, 2);
    memset(index, 'z', 64);
    assert_int_equal(urne_store_initiative_roll_find(s, id, key, index, &got, &homonyms), 0);
    assert_int_equal(homonyms, 0);
    int64_t counts[3] = {0, 0, 0};
    assert_int_equal(urne_store_initiative_roll_counts(s, id, count_territory, counts), 0);
    assert_int_equal(counts[0], 2);
    assert_int_equal(counts[1], 1);
    assert_int_equal(counts[2], 0);
    urne_store_close(s);
}

/* Codes on roll entries (migration 12): a letter bound to an elector's entry,
 * found by its code; an anonymous code's entry counted apart; both taken back. */
static void test_roll_codes(void **state) {
    (void)state;
    urne_store *s = open_memory();
    int64_t id = put_initiative(s);
    urne_initiative_roll_entry e, got;
    char key[65] = {0}, code[65] = {0}, other[65] = {0};
    memset(key, '1', 64);
    memset(code, 'c', 64);
    memset(other, 'd', 64);
    assert_int_equal(urne_store_begin(s), 0);
    roll_entry(&e, '1', 'x', "75");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    roll_entry(&e, '2', 'x', "75");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    roll_entry(&e, '9', 'z', "Oise"); /* an anonymous code: no code_hash, a letter */
    snprintf(e.letter, sizeof e.letter, "Oise/2026-12-06T10:00:00Z/1");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    assert_int_equal(urne_store_initiative_roll_letter(s, id, key, code, "75/x/1", "1970-03-04"), 1);
    assert_int_equal(urne_store_initiative_roll_letter(s, id, key, other, "75/x/2", "1970-03-04"), 0); /* has one */
    memset(key, '5', 64);
    assert_int_equal(urne_store_initiative_roll_letter(s, id, key, other, "75/x/3", "1970-03-04"), 0); /* no entry */
    memset(key, '2', 64);
    assert_int_equal(urne_store_initiative_roll_letter(s, id, key, code, "75/x/4", "1980-01-01"), -1); /* code taken */
    assert_int_equal(urne_store_commit(s), 0);

    assert_int_equal(urne_store_initiative_roll_code(s, id, code, &got), 1);
    memset(key, '1', 64);
    assert_string_equal(got.key_hash, key);
    assert_string_equal(got.letter, "75/x/1");
    assert_string_equal(got.born, "1970-03-04");
    assert_string_equal(got.territory, "75");
    assert_int_equal(urne_store_initiative_roll_code(s, id, other, &got), 0);
    assert_int_equal(urne_store_initiative_roll_code(s, id, "", &got), 0); /* no code is no key */
    int64_t counts[3] = {0, 0, 0};
    assert_int_equal(urne_store_initiative_roll_counts(s, id, count_territory, counts), 0);
    assert_int_equal(counts[0], 2);
    assert_int_equal(counts[2], 1); /* Oise's anonymous code */

    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_initiative_roll_unletter(s, id, key), 1); /* the letter off Dupont's entry */
    memset(key, '9', 64);
    assert_int_equal(urne_store_initiative_roll_unletter(s, id, key), 1); /* the anonymous entry removed */
    memset(key, '2', 64);
    assert_int_equal(urne_store_initiative_roll_unletter(s, id, key), 0); /* an entry without a code */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_initiative_roll_code(s, id, code, &got), 0);
    memset(key, '1', 64);
    int64_t homonyms = 0;
    assert_int_equal(urne_store_initiative_roll_find(s, id, key, "x", &got, &homonyms), 1); /* the elector stays */
    assert_string_equal(got.letter, "");
    assert_string_equal(got.born, "");
    memset(counts, 0, sizeof counts);
    assert_int_equal(urne_store_initiative_roll_counts(s, id, count_territory, counts), 0);
    assert_int_equal(counts[0], 2);
    assert_int_equal(counts[2], 0);
    urne_store_close(s);
}

static int count_signature(const urne_initiative_signature *sig, void *ctx) {
    int64_t *c = ctx;
    c[0]++;
    if (sig->invalid[0]) c[1]++;
    return 0;
}

static void test_signatures(void **state) {
    (void)state;
    urne_store *s = open_memory();
    int64_t id = put_initiative(s);
    urne_initiative_signature sig, got;
    memset(&sig, 0, sizeof sig);
    sig.initiative = id;
    memset(sig.dedup, '1', 64);
    memset(sig.receipt, 'r', 64);
    snprintf(sig.territory, sizeof sig.territory, "75");
    snprintf(sig.sealed, sizeof sig.sealed, "c2VhbGVk");
    snprintf(sig.signed_at, sizeof sig.signed_at, "2026-03-01T10:00:00Z");
    assert_int_equal(urne_store_begin(s), 0);
    int64_t first = urne_store_initiative_sign(s, &sig);
    assert_true(first > 0);
    memset(sig.receipt, 's', 64);
    assert_int_equal(urne_store_initiative_sign(s, &sig), 0); /* the same elector again: nothing */
    memset(sig.dedup, '2', 64);
    snprintf(sig.marks, sizeof sig.marks, "burst-address");
    int64_t second = urne_store_initiative_sign(s, &sig);
    assert_true(second > first);
    assert_int_equal(urne_store_commit(s), 0);

    char receipt[65] = {0};
    memset(receipt, 'r', 64);
    assert_int_equal(urne_store_initiative_receipt(s, id, receipt, &got), 1);
    assert_int_equal(got.id, first);
    assert_string_equal(got.invalid, "");
    memset(receipt, 'q', 64);
    assert_int_equal(urne_store_initiative_receipt(s, id, receipt, &got), 0);
    assert_int_equal(urne_store_initiative_signature_get(s, id, second, &got), 1);
    assert_string_equal(got.marks, "burst-address");

    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_initiative_invalidate(s, id, second, "not the signer"), 1);
    assert_int_equal(urne_store_initiative_invalidate(s, id, second, "again"), 0); /* once */
    assert_int_equal(urne_store_initiative_invalidate(s, id, second + 1, "none"), 0);
    assert_int_equal(urne_store_commit(s), 0);
    int64_t c[2] = {0, 0};
    assert_int_equal(urne_store_initiative_signatures_each(s, id, count_signature, c), 0);
    assert_int_equal(c[0], 2);
    assert_int_equal(c[1], 1);
    urne_store_close(s);
}

typedef struct days_seen {
    char text[256];
    int64_t ids[8];
    size_t nids;
} days_seen;

static int day_seen(const char *day, int64_t valid, void *ctx) {
    days_seen *d = ctx;
    size_t used = strlen(d->text);
    snprintf(d->text + used, sizeof d->text - used, "%s=%lld;", day, (long long)valid);
    return 0;
}

static int id_seen(int64_t sig, void *ctx) {
    days_seen *d = ctx;
    assert_true(d->nids < 8);
    d->ids[d->nids++] = sig;
    return 0;
}

static int by_value(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void test_days_and_valid_ids(void **state) {
    (void)state;
    urne_store *s = open_memory();
    int64_t id = put_initiative(s), other = put_initiative(s), sigs[5];
    /* Out of order in time, so that the index's order is not the ids'. */
    const char *at[] = {"2026-03-03T08:00:00Z", "2026-03-01T23:59:59Z", "2026-03-01T00:00:00Z",
                        "2026-03-03T12:00:00Z", "2026-03-02T10:00:00Z"};
    assert_int_equal(urne_store_begin(s), 0);
    for (int i = 0; i < 5; i++) {
        urne_initiative_signature sig;
        memset(&sig, 0, sizeof sig);
        sig.initiative = i < 4 ? id : other;
        memset(sig.dedup, 'a' + i, 64);
        memset(sig.receipt, 'k' + i, 64);
        snprintf(sig.territory, sizeof sig.territory, "75");
        snprintf(sig.sealed, sizeof sig.sealed, "x");
        snprintf(sig.signed_at, sizeof sig.signed_at, "%s", at[i]);
        sigs[i] = urne_store_initiative_sign(s, &sig);
        assert_true(sigs[i] > 0);
    }
    assert_int_equal(urne_store_initiative_invalidate(s, id, sigs[3], "double"), 1);
    assert_int_equal(urne_store_commit(s), 0);
    days_seen d = {0};
    assert_int_equal(urne_store_initiative_signature_days(s, id, day_seen, &d), 0);
    assert_string_equal(d.text, "2026-03-01=2;2026-03-03=1;"); /* SQLite gives them in order */
    assert_int_equal(urne_store_initiative_valid_ids(s, id, id_seen, &d), 0);
    qsort(d.ids, d.nids, sizeof d.ids[0], by_value);
    assert_int_equal(d.nids, 3);
    assert_int_equal(d.ids[0], sigs[0]);
    assert_int_equal(d.ids[1], sigs[1]);
    assert_int_equal(d.ids[2], sigs[2]);
    /* A time that is no ISO time (a '~' after its date) is named, never looped
     * on nor skipped. */
    urne_initiative_signature bad;
    memset(&bad, 0, sizeof bad);
    bad.initiative = other;
    memset(bad.dedup, 'z', 64);
    memset(bad.receipt, 'y', 64);
    snprintf(bad.territory, sizeof bad.territory, "75");
    snprintf(bad.sealed, sizeof bad.sealed, "x");
    snprintf(bad.signed_at, sizeof bad.signed_at, "2026-03-04~");
    assert_int_equal(urne_store_begin(s), 0);
    assert_true(urne_store_initiative_sign(s, &bad) > 0);
    assert_int_equal(urne_store_commit(s), 0);
    memset(&d, 0, sizeof d);
    assert_int_equal(urne_store_initiative_signature_days(s, other, day_seen, &d), -1);
    assert_non_null(strstr(urne_store_error(s), "2026-03-04"));
    /* Nor a day holding both a time and one with a byte above '~' after its
     * date: the bound stops at the second, which would be found again. */
    snprintf(bad.signed_at, sizeof bad.signed_at, "2026-03-05\x7f");
    memset(bad.dedup, 'w', 64);
    memset(bad.receipt, 'v', 64);
    bad.initiative = id;
    assert_int_equal(urne_store_begin(s), 0);
    assert_true(urne_store_initiative_sign(s, &bad) > 0);
    snprintf(bad.signed_at, sizeof bad.signed_at, "2026-03-05T10:00:00Z");
    memset(bad.dedup, 'u', 64);
    memset(bad.receipt, 't', 64);
    assert_true(urne_store_initiative_sign(s, &bad) > 0);
    assert_int_equal(urne_store_commit(s), 0);
    memset(&d, 0, sizeof d);
    assert_int_equal(urne_store_initiative_signature_days(s, id, day_seen, &d), -1);
    assert_non_null(strstr(urne_store_error(s), "2026-03-05"));
    urne_store_close(s);
}

static int stop_at_first(const char *territory, int64_t valid, int64_t invalid, void *ctx) {
    (void)territory, (void)valid, (void)invalid, (void)ctx;
    return 7;
}

static int territory_seen(const char *territory, int64_t valid, int64_t invalid, void *ctx) {
    days_seen *d = ctx;
    size_t used = strlen(d->text);
    snprintf(d->text + used, sizeof d->text - used, "%s=%lld/%lld;", territory, (long long)valid, (long long)invalid);
    return 0;
}

/* The counts per territory, which SQLite takes a territory at a time: every
 * territory once, in order, its valid and invalidated apart, one wholly
 * invalidated kept, the empty territory and a name in UTF-8 included, another
 * initiative's rows never counted. */
static void test_counts_per_territory(void **state) {
    (void)state;
    urne_store *s = open_memory();
    int64_t id = put_initiative(s), other = put_initiative(s);
    const char *territory[] = {"75", "\xc3\x8ele", "", "75", "2A", "\xc3\x8ele", "75", "13"};
    const int64_t of[] = {id, id, id, id, id, id, id, other};
    int64_t sig[8];
    assert_int_equal(urne_store_begin(s), 0);
    for (int i = 0; i < 8; i++) {
        urne_initiative_signature x;
        memset(&x, 0, sizeof x);
        x.initiative = of[i];
        memset(x.dedup, 'a' + i, 64);
        memset(x.receipt, 'k' + i, 64);
        snprintf(x.territory, sizeof x.territory, "%s", territory[i]);
        snprintf(x.sealed, sizeof x.sealed, "x");
        snprintf(x.signed_at, sizeof x.signed_at, "2026-03-01T00:00:0%dZ", i);
        sig[i] = urne_store_initiative_sign(s, &x);
        assert_true(sig[i] > 0);
    }
    assert_int_equal(urne_store_initiative_invalidate(s, id, sig[3], "double"), 1);
    assert_int_equal(urne_store_initiative_invalidate(s, id, sig[4], "mineur"), 1);
    assert_int_equal(urne_store_commit(s), 0);
    days_seen d = {0};
    assert_int_equal(urne_store_initiative_signature_counts(s, id, territory_seen, &d), 0);
    assert_string_equal(d.text, "=1/0;2A=0/1;75=2/1;\xc3\x8ele=2/0;");
    memset(&d, 0, sizeof d);
    assert_int_equal(urne_store_initiative_signature_counts(s, other, territory_seen, &d), 0);
    assert_string_equal(d.text, "13=1/0;");
    urne_store_close(s);
}

typedef struct {
    int territories;
    int64_t valid, invalid;
    char last[16];
    int ordered;
} many_seen;

static int many_one(const char *territory, int64_t valid, int64_t invalid, void *ctx) {
    many_seen *m = ctx;
    int i = atoi(territory + 1);
    /* territory i holds i % 3 + 1 signatures, the first of each multiple of 7 invalidated */
    assert_int_equal(valid + invalid, i % 3 + 1);
    assert_int_equal(invalid, i % 7 == 0 ? 1 : 0);
    if (m->territories > 0 && strcmp(m->last, territory) >= 0) m->ordered = 0;
    snprintf(m->last, sizeof m->last, "%s", territory);
    m->territories++;
    m->valid += valid;
    m->invalid += invalid;
    return 0;
}

/* More territories than SQLite's table of them holds at first (it grows, its
 * entries moved): each counted once, its own counts, in order; a nonzero
 * answer from fn stops and is answered. */
static void test_counts_many_territories(void **state) {
    (void)state;
    urne_store *s = open_memory();
    int64_t id = put_initiative(s);
    int64_t n = 0, invalid = 0;
    assert_int_equal(urne_store_begin(s), 0);
    for (int i = 0; i < 700; i++) {
        for (int k = 0; k <= i % 3; k++) {
            urne_initiative_signature x;
            memset(&x, 0, sizeof x);
            x.initiative = id;
            snprintf(x.dedup, sizeof x.dedup, "d%d-%d", i, k);
            snprintf(x.territory, sizeof x.territory, "T%03d", i);
            snprintf(x.sealed, sizeof x.sealed, "x");
            snprintf(x.signed_at, sizeof x.signed_at, "2026-03-01T00:%02d:%02dZ", i % 60, k);
            int64_t sig = urne_store_initiative_sign(s, &x);
            assert_true(sig > 0);
            n++;
            if (k == 0 && i % 7 == 0) {
                assert_int_equal(urne_store_initiative_invalidate(s, id, sig, "double"), 1);
                invalid++;
            }
        }
    }
    assert_int_equal(urne_store_commit(s), 0);
    many_seen m = {.ordered = 1};
    assert_int_equal(urne_store_initiative_signature_counts(s, id, many_one, &m), 0);
    assert_int_equal(m.territories, 700);
    assert_int_equal(m.valid, n - invalid);
    assert_int_equal(m.invalid, invalid);
    assert_true(m.ordered);
    assert_int_equal(urne_store_initiative_signature_counts(s, id, stop_at_first, NULL), 7);
    urne_store_close(s);
}

/* The roll's counts per territory, as urne_store_initiative_roll_counts gives
 * them or as the roll grouped says: "TERRITORY electors anonymous;" each. */
typedef struct counts_text {
    char text[512];
} counts_text;

static int counts_add(const char *territory, int64_t electors, int64_t anonymous, void *ctx) {
    counts_text *c = ctx;
    size_t n = strlen(c->text);
    snprintf(c->text + n, sizeof c->text - n, "%s %lld %lld;", territory, (long long)electors, (long long)anonymous);
    return 0;
}

static void counts_grouped(const char *path, int64_t id, counts_text *out) {
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT territory, count(*), sum(code_hash = '' AND letter <> '')"
                                        " FROM initiative_roll WHERE initiative_id = ?1 GROUP BY territory"
                                        " ORDER BY territory",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    out->text[0] = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        counts_add((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                   sqlite3_column_int64(st, 2), out);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void counts_kept(urne_store *s, int64_t id, counts_text *out) {
    out->text[0] = 0;
    assert_int_equal(urne_store_initiative_roll_counts(s, id, counts_add, out), 0);
}

static void raw_exec(const char *path, const char *sql) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s", msg);
    sqlite3_close(db);
}

/* Migration 18: the counts a start reads are kept beside the roll, and equal
 * the roll grouped whatever was done to it: entries added (a duplicate adding
 * nothing), an anonymous code added then taken back (the last entry of its
 * territory: that territory no longer told), a letter given then taken back;
 * another initiative's roll apart. Then the same store as it was before 18
 * (without them): the migration counts them from the roll. */
static void test_roll_counts_kept(void **state) {
    (void)state;
    char dir[] = "/tmp/urne-test-roll-counts-XXXXXX", path[80];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/store.db", dir);
    char err[600];
    urne_store *s = urne_store_open(path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    int64_t id = put_initiative(s), other = put_initiative(s);
    urne_initiative_roll_entry e;
    char key[65] = {0}, code[65] = {0};
    assert_int_equal(urne_store_begin(s), 0);
    const char *territories[] = {"75", "2A", "75", "Zé", "75", "2A"};
    for (int i = 0; i < 6; i++) {
        roll_entry(&e, (char)('a' + i), 'x', territories[i]);
        assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
        assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 0); /* twice: counted once */
    }
    roll_entry(&e, 'a', 'x', "Oise");
    assert_int_equal(urne_store_initiative_roll_put(s, other, &e), 1); /* another initiative's */
    roll_entry(&e, '8', 'z', "2A"); /* anonymous codes: no code_hash, a letter */
    snprintf(e.letter, sizeof e.letter, "2A/1");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    roll_entry(&e, '9', 'z', "Oise");
    snprintf(e.letter, sizeof e.letter, "Oise/1");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    memset(key, 'a', 64);
    memset(code, 'c', 64);
    assert_int_equal(urne_store_initiative_roll_letter(s, id, key, code, "75/a/1", "1970-03-04"), 1);
    memset(key, '8', 64); /* an anonymous code's entry: it has its code */
    assert_int_equal(urne_store_initiative_roll_letter(s, id, key, "e", "2A/x/1", "1970-03-04"), 0);
    assert_int_equal(urne_store_commit(s), 0);
    counts_text kept, grouped;
    counts_kept(s, id, &kept);
    counts_grouped(path, id, &grouped);
    assert_string_equal(kept.text, "2A 3 1;75 3 0;Oise 1 1;Zé 1 0;");
    assert_string_equal(kept.text, grouped.text);

    assert_int_equal(urne_store_begin(s), 0);
    memset(key, '9', 64);
    assert_int_equal(urne_store_initiative_roll_unletter(s, id, key), 1); /* Oise's code: its only entry */
    memset(key, 'a', 64);
    assert_int_equal(urne_store_initiative_roll_unletter(s, id, key), 1); /* the letter off an elector */
    memset(key, 'b', 64);
    assert_int_equal(urne_store_initiative_roll_unletter(s, id, key), 0); /* no code: nothing */
    assert_int_equal(urne_store_commit(s), 0);
    counts_kept(s, id, &kept);
    counts_grouped(path, id, &grouped);
    assert_string_equal(kept.text, "2A 3 1;75 3 0;Zé 1 0;");
    assert_string_equal(kept.text, grouped.text);
    counts_kept(s, other, &kept);
    assert_string_equal(kept.text, "Oise 1 0;");

    /* In one transaction: a code of a territory new to the roll added and
     * taken back (its count with it); another added and the counts read (with
     * it); then entries added and the transaction rolled back (nothing of them
     * counted). */
    assert_int_equal(urne_store_begin(s), 0);
    roll_entry(&e, '7', 'z', "Var");
    snprintf(e.letter, sizeof e.letter, "Var/1");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    memset(key, '7', 64);
    assert_int_equal(urne_store_initiative_roll_unletter(s, id, key), 1);
    roll_entry(&e, '5', 'z', "Zé");
    snprintf(e.letter, sizeof e.letter, "Zé/2");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    counts_kept(s, id, &kept);
    assert_string_equal(kept.text, "2A 3 1;75 3 0;Zé 2 1;");
    memset(key, '5', 64);
    assert_int_equal(urne_store_initiative_roll_unletter(s, id, key), 1);
    assert_int_equal(urne_store_commit(s), 0);
    counts_kept(s, id, &kept);
    counts_grouped(path, id, &grouped);
    assert_string_equal(kept.text, "2A 3 1;75 3 0;Zé 1 0;");
    assert_string_equal(kept.text, grouped.text);
    assert_int_equal(urne_store_begin(s), 0);
    roll_entry(&e, '6', 'z', "75");
    assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    urne_store_rollback(s);
    counts_kept(s, id, &kept);
    assert_string_equal(kept.text, "2A 3 1;75 3 0;Zé 1 0;");
    urne_store_close(s);

    /* The store as it was before migration 18. */
    raw_exec(path, "DROP TABLE initiative_roll_territories; PRAGMA user_version = 17;");
    s = urne_store_open(path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    counts_kept(s, id, &kept);
    assert_string_equal(kept.text, "2A 3 1;75 3 0;Zé 1 0;");
    counts_kept(s, other, &kept);
    assert_string_equal(kept.text, "Oise 1 0;");
    urne_store_close(s);
    unlink(path);
    char wal[96];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);
}

/* Many territories in one transaction (the tallies' hash table grown several
 * times, a roll by communes): each territory counted exactly. */
typedef struct many_counts {
    int territories, wrong;
    int64_t electors, anonymous;
} many_counts;

static int many_count(const char *territory, int64_t electors, int64_t anonymous, void *ctx) {
    many_counts *m = ctx;
    int k = atoi(territory + 1);
    m->territories++;
    m->electors += electors;
    m->anonymous += anonymous;
    if (electors != 4 || anonymous != (k % 2 == 0 ? 1 : 0)) m->wrong++;
    return 0;
}

static void test_roll_counts_many_territories(void **state) {
    (void)state;
    urne_store *s = open_memory();
    int64_t id = put_initiative(s);
    urne_initiative_roll_entry e;
    assert_int_equal(urne_store_begin(s), 0);
    for (int i = 0; i < 12000; i++) { /* 3,000 territories of 4 entries, the even ones with 1 anonymous code */
        int t = i % 3000;
        memset(&e, 0, sizeof e);
        snprintf(e.key_hash, sizeof e.key_hash, "%064d", i);
        snprintf(e.index_hash, sizeof e.index_hash, "%064d", i);
        snprintf(e.territory, sizeof e.territory, "C%d", t);
        snprintf(e.sealed, sizeof e.sealed, "c2VhbGVk");
        if (i < 3000 && t % 2 == 0) snprintf(e.letter, sizeof e.letter, "C%d/1", t);
        assert_int_equal(urne_store_initiative_roll_put(s, id, &e), 1);
    }
    assert_int_equal(urne_store_commit(s), 0);
    many_counts m = {0};
    assert_int_equal(urne_store_initiative_roll_counts(s, id, many_count, &m), 0);
    assert_int_equal(m.territories, 3000);
    assert_int_equal(m.electors, 12000);
    assert_int_equal(m.anonymous, 1500);
    assert_int_equal(m.wrong, 0);
    urne_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initiative_rows),
        cmocka_unit_test(test_roll),
        cmocka_unit_test(test_roll_codes),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_days_and_valid_ids),
        cmocka_unit_test(test_counts_per_territory),
        cmocka_unit_test(test_counts_many_territories),
        cmocka_unit_test(test_roll_counts_kept),
        cmocka_unit_test(test_roll_counts_many_territories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
