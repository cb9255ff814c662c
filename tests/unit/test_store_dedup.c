/*
 * test_store_dedup: SQLite's signatures deduplicated by a set in memory
 * (store/sqlite_dedup.h, migration 17) keep the store's contract, that a second
 * signature of one dedup hash writes nothing and answers 0:
 *   - in the same transaction, and in a later one;
 *   - after a rollback, whose row is gone: the same hash signs again;
 *   - after the store is closed and opened again (the set read from the index);
 *   - when another connection to the same file (a second program) signed
 *     meanwhile: seen at the next transaction, before a row is added, also
 *     after the set was read ahead (urne_store_initiative_warm);
 *   - outside a transaction (a transaction of its own), and refused inside a
 *     read transaction;
 *   - for hashes that are hexadecimal (as urne writes them) or not (a row put
 *     by another way), and past the table's first size (it grows);
 *   - after the set was let go (urne_store_initiative_cool: the initiative no
 *     longer collects), read again whole at the next signature;
 * and the table has no unique index on the hash any more, but has the index in
 * order of id the set is read from.
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

#include "../../src/store/store.h"

static char dir[64];

static int make_dir(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/urne-test-dedup-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int remove_dir(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static urne_store *open_file(const char *name) {
    char path[128], err[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    urne_store *s = urne_store_open(path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

static int64_t put_initiative(urne_store *s) {
    urne_initiative_row i;
    memset(&i, 0, sizeof i);
    snprintf(i.title, sizeof i.title, "Pétition");
    snprintf(i.space, sizeof i.space, "org/nord");
    snprintf(i.rules, sizeof i.rules, "preset = rip\n");
    snprintf(i.state, sizeof i.state, "collecting");
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

/* A signature of initiative id whose dedup hash is 64 hexadecimal digits made
 * from n (hex 1) or the text "elector-N" (hex 0). */
static void signature(urne_initiative_signature *sig, int64_t id, long n, int hex) {
    memset(sig, 0, sizeof *sig);
    sig->initiative = id;
    if (hex)
        snprintf(sig->dedup, sizeof sig->dedup, "%064lx", (unsigned long)n * 2654435761UL);
    else
        snprintf(sig->dedup, sizeof sig->dedup, "elector-%ld", n);
    snprintf(sig->territory, sizeof sig->territory, "75");
    snprintf(sig->sealed, sizeof sig->sealed, "c2VhbGVk");
    snprintf(sig->signed_at, sizeof sig->signed_at, "2026-03-01T10:00:00Z");
}

static int64_t sign(urne_store *s, int64_t id, long n, int hex) {
    urne_initiative_signature sig;
    signature(&sig, id, n, hex);
    return urne_store_initiative_sign(s, &sig);
}

static int64_t rows(urne_store *s, int64_t id) {
    int64_t n = 0;
    sqlite3 *db = NULL;
    char path[128];
    (void)s;
    snprintf(path, sizeof path, "%s/%s", dir, "d.db");
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM initiative_signatures WHERE initiative_id = ?", -1,
                                        &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void test_once_per_hash(void **state) {
    (void)state;
    urne_store *s = open_file("d.db");
    int64_t id = put_initiative(s), other = put_initiative(s);
    assert_int_equal(urne_store_begin(s), 0);
    assert_true(sign(s, id, 1, 1) > 0);
    assert_int_equal(sign(s, id, 1, 1), 0); /* the same group */
    assert_true(sign(s, id, 2, 0) > 0);
    assert_int_equal(sign(s, id, 2, 0), 0);
    assert_true(sign(s, other, 1, 1) > 0); /* another initiative: its own set */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(sign(s, id, 1, 1), 0); /* a later transaction */
    assert_int_equal(sign(s, id, 2, 0), 0);
    assert_int_equal(sign(s, other, 1, 1), 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(rows(s, id), 2);

    /* Rolled back: the row is gone, and so is the hash. */
    assert_int_equal(urne_store_begin(s), 0);
    assert_true(sign(s, id, 3, 1) > 0);
    urne_store_rollback(s);
    assert_int_equal(rows(s, id), 2);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(sign(s, id, 1, 1), 0); /* the set read again has the committed ones */
    int64_t third = sign(s, id, 3, 1);
    assert_true(third > 0);
    assert_int_equal(urne_store_commit(s), 0);

    /* Outside a transaction: one of its own. Inside a read: refused. */
    assert_int_equal(sign(s, id, 3, 1), 0);
    assert_true(sign(s, id, 4, 1) > third);
    assert_int_equal(urne_store_read_begin(s), 0);
    assert_int_equal(sign(s, id, 5, 1), -1);
    assert_non_null(strstr(urne_store_error(s), "inside a write transaction"));
    urne_store_read_end(s);
    assert_int_equal(rows(s, id), 4);
    urne_store_close(s);

    /* Opened again: the set is read from the rows. */
    s = open_file("d.db");
    assert_int_equal(urne_store_begin(s), 0);
    for (long n = 1; n <= 4; n++) assert_int_equal(sign(s, id, n, n != 2), 0);
    assert_true(sign(s, id, 5, 1) > 0);
    assert_int_equal(urne_store_commit(s), 0);
    urne_store_close(s);
}

/* Two programs on one file: each sees the other's signatures before it adds one. */
static void test_two_connections(void **state) {
    (void)state;
    urne_store *a = open_file("two.db");
    int64_t id = put_initiative(a);
    urne_store *b = open_file("two.db");
    assert_int_equal(urne_store_begin(a), 0);
    assert_true(sign(a, id, 1, 1) > 0); /* a's set read (empty), then its row */
    assert_int_equal(urne_store_commit(a), 0);
    assert_int_equal(urne_store_begin(b), 0);
    assert_int_equal(sign(b, id, 1, 1), 0); /* b reads a's */
    assert_true(sign(b, id, 2, 1) > 0);
    assert_int_equal(urne_store_commit(b), 0);
    assert_int_equal(urne_store_begin(a), 0);
    assert_int_equal(sign(a, id, 2, 1), 0); /* a, its set loaded, reads the rows above what it knew */
    assert_true(sign(a, id, 3, 1) > 0);
    assert_int_equal(urne_store_commit(a), 0);
    assert_int_equal(urne_store_begin(b), 0);
    assert_int_equal(sign(b, id, 3, 1), 0);
    assert_int_equal(urne_store_commit(b), 0);
    urne_store_close(b);

    /* Warmed (read before any transaction, as `urne serve` does at start), then
     * a row added by the other: read at the first write transaction after. */
    urne_store *c = open_file("two.db");
    assert_int_equal(urne_store_initiative_warm(c, id), 0);
    assert_int_equal(urne_store_initiative_warm(c, id), 0); /* once read, not again */
    assert_true(sign(a, id, 4, 1) > 0);                      /* a transaction of its own */
    assert_int_equal(urne_store_begin(c), 0);
    for (long n = 1; n <= 4; n++) assert_int_equal(sign(c, id, n, 1), 0);
    assert_true(sign(c, id, 5, 1) > 0);
    assert_int_equal(urne_store_commit(c), 0);
    urne_store_close(c);
    urne_store_close(a);
}

/* Past the set's first size (1,024 slots, grown at 70 %): every hash still
 * found, in this store and in a new one reading them from the index. */
static void test_many(void **state) {
    (void)state;
    urne_store *s = open_file("many.db");
    int64_t id = put_initiative(s);
    enum { N = 5000 };
    assert_int_equal(urne_store_begin(s), 0);
    for (long n = 0; n < N; n++) assert_true(sign(s, id, n, n % 3 != 0) > 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_begin(s), 0);
    for (long n = 0; n < N; n++) assert_int_equal(sign(s, id, n, n % 3 != 0), 0);
    urne_store_rollback(s);
    /* Let go when the initiative stops collecting, then signed again all the same
     * (a state changed by hand, say): the set is read again whole, nothing signs twice. */
    assert_int_equal(urne_store_initiative_cool(s, id), 0);
    assert_int_equal(urne_store_initiative_cool(s, id), 0); /* twice: nothing left to free */
    assert_int_equal(urne_store_begin(s), 0);
    for (long n = 0; n < N; n++) assert_int_equal(sign(s, id, n, n % 3 != 0), 0);
    urne_store_rollback(s);
    urne_store_close(s);
    s = open_file("many.db");
    assert_int_equal(urne_store_begin(s), 0);
    for (long n = 0; n < N; n++) assert_int_equal(sign(s, id, n, n % 3 != 0), 0);
    assert_true(sign(s, id, N, 1) > 0);
    assert_int_equal(urne_store_commit(s), 0);
    urne_store_close(s);
}

/* The schema: no unique index on (initiative_id, dedup); the index in order of
 * id that the set is read from. */
static void test_schema(void **state) {
    (void)state;
    urne_store *s = open_file("schema.db");
    urne_store_close(s);
    char path[128];
    snprintf(path, sizeof path, "%s/schema.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM pragma_index_list('initiative_signatures') l"
                                        " WHERE l.\"unique\" AND EXISTS (SELECT 1 FROM pragma_index_info(l.name)"
                                        " WHERE name = 'dedup')",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT group_concat(name, ',') FROM pragma_index_info("
                                        "'initiative_signatures_order')",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "initiative_id,id,dedup");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_once_per_hash),
        cmocka_unit_test(test_two_connections),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_schema),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
