/*
 * test_store_checkpoint: the SQLite checkpointer (store/sqlite_checkpoint.c).
 * A store on a file, its checkpointer started with a small size (32 pages),
 * written by 300 transactions of 40 roll entries (some 1,500 pages of WAL in
 * all): after every commit the WAL file stays under its bound (eight times the
 * size, and one transaction's frames), the checkpointer's thread has run, and
 * every entry is there after the store is closed and opened again. Without a
 * checkpointer (the command line), SQLite's automatic checkpoint is untouched
 * and urne_store_checkpoints says 0, 0 and 0; on a database in memory, starting
 * one does nothing. Writes that pause now and then let the thread copy all but
 * a commit's frames, which the writer then copies itself
 * (urne_store_checkpoint_close, a "closed" run), so that the WAL starts again
 * long before its bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../src/store/store.h"

#define PAGES 32
#define TRANSACTIONS 300
#define PER_TRANSACTION 40
#define FRAME (4096 + 24) /* a WAL frame: its header and a page */

static urne_store *open_file(const char *path) {
    char err[600];
    urne_store *s = urne_store_open(path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

static int64_t put_initiative(urne_store *s) {
    urne_initiative_row *i = calloc(1, sizeof *i);
    assert_non_null(i);
    snprintf(i->title, sizeof i->title, "Checkpoints");
    snprintf(i->rules, sizeof i->rules, "preset = rip\n");
    snprintf(i->state, sizeof i->state, "draft");
    memset(i->authority_key, 'a', 64);
    memset(i->hash_key, 'b', 64);
    snprintf(i->created_at, sizeof i->created_at, "2026-01-02T03:04:05Z");
    snprintf(i->changed_at, sizeof i->changed_at, "2026-01-02T03:04:05Z");
    snprintf(i->created_by, sizeof i->created_by, "ana");
    assert_int_equal(urne_store_begin(s), 0);
    int64_t id = urne_store_initiative_put(s, i);
    assert_true(id > 0);
    assert_int_equal(urne_store_commit(s), 0);
    free(i);
    return id;
}

static off_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

static int add_electors(const char *territory, int64_t electors, int64_t anonymous, void *ctx) {
    (void)territory;
    (void)anonymous;
    *(int64_t *)ctx += electors;
    return 0;
}

static void test_wal_bounded(void **state) {
    (void)state;
    char dir[] = "/tmp/urne-ckpt-XXXXXX", path[64], wal[80];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/c.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    urne_store *s = open_file(path);
    int64_t id = put_initiative(s);
    assert_int_equal(urne_store_checkpointer_start(s, PAGES), 0);
    assert_int_equal(urne_store_checkpointer_start(s, PAGES), 0); /* once only */
    urne_initiative_roll_entry *e = calloc(1, sizeof *e);
    assert_non_null(e);
    memset(e->sealed, 'S', 600);
    off_t largest = 0, before = 0, step = 0; /* step: the most one commit added to the file */
    for (int t = 0, n = 0; t < TRANSACTIONS; t++) {
        assert_int_equal(urne_store_begin(s), 0);
        for (int k = 0; k < PER_TRANSACTION; k++, n++) {
            snprintf(e->key_hash, sizeof e->key_hash, "%064d", n);
            snprintf(e->index_hash, sizeof e->index_hash, "%064d", n * 7919 % 100003);
            snprintf(e->territory, sizeof e->territory, "T%d", n % 10);
            assert_int_equal(urne_store_initiative_roll_put(s, id, e), 1);
        }
        assert_int_equal(urne_store_commit(s), 0);
        off_t z = file_size(wal);
        if (z > largest) largest = z;
        if (z - before > step) step = z - before;
        before = z;
    }
    /* Bounded: eight times the size (a FULL checkpoint then), and the frames of
     * two commits: the one that crossed it, and the next when the WAL could not
     * start again from its beginning (the checkpointer's thread still reading
     * its locks: SQLite appends then, and that commit's hook copies it all
     * again); never the 1,500 pages written. The file grows only by appending,
     * so the most one commit added is at least any commit's frames. */
    assert_true(largest > 0 && step > 0);
    off_t bound = 32 + (off_t)(8 * PAGES) * FRAME + 2 * step;
    if (largest > bound)
        fail_msg("the WAL reached %lld frames (bound %lld: one commit adds at most %lld)",
                 (long long)((largest - 32) / FRAME), (long long)((bound - 32) / FRAME), (long long)(step / FRAME));
    assert_true(bound < 32 + (off_t)(TRANSACTIONS * PER_TRANSACTION / 10) * FRAME); /* the bound says something */
    int64_t runs = 0, forced = 0, closed = 0;
    /* The thread runs when it gets a core: waited for, not timed. */
    for (int tries = 0; tries < 300 && runs == 0; tries++) {
        urne_store_checkpoints(s, &runs, &forced, &closed);
        if (runs == 0) usleep(100 * 1000);
    }
    assert_true(runs > 0);
    urne_store_close(s);

    s = open_file(path);
    int64_t electors = 0;
    assert_int_equal(urne_store_initiative_roll_counts(s, id, add_electors, &electors), 0);
    assert_int_equal(electors, TRANSACTIONS * PER_TRANSACTION);
    urne_store_checkpoints(s, &runs, &forced, &closed); /* none started on this one */
    assert_int_equal(runs, 0);
    assert_int_equal(forced, 0);
    urne_store_close(s);
    free(e);
    unlink(path);
    unlink(wal);
    char shm[80];
    snprintf(shm, sizeof shm, "%s-shm", path);
    unlink(shm);
    rmdir(dir);
}

/* One transaction of PER_TRANSACTION roll entries numbered from *n, committed. */
static void put_batch(urne_store *s, int64_t id, urne_initiative_roll_entry *e, int *n) {
    assert_int_equal(urne_store_begin(s), 0);
    for (int k = 0; k < PER_TRANSACTION; k++, (*n)++) {
        snprintf(e->key_hash, sizeof e->key_hash, "%064d", *n);
        snprintf(e->index_hash, sizeof e->index_hash, "%064d", *n * 7919 % 100003);
        snprintf(e->territory, sizeof e->territory, "T%d", *n % 10);
        assert_int_equal(urne_store_initiative_roll_put(s, id, e), 1);
    }
    assert_int_equal(urne_store_commit(s), 0);
}

/* Commits with pauses between (the thread given time to catch up, not timed:
 * it may be slow, and more commits are made until it has): a commit ends the
 * thread's copy, and the WAL starts again without reaching its bound. */
static void test_wal_closed(void **state) {
    (void)state;
    char dir[] = "/tmp/urne-ckpt-XXXXXX", path[64], name[80];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/c.db", dir);
    urne_store *s = open_file(path);
    int64_t id = put_initiative(s);
    assert_int_equal(urne_store_checkpointer_start(s, PAGES), 0);
    urne_initiative_roll_entry *e = calloc(1, sizeof *e);
    assert_non_null(e);
    memset(e->sealed, 'S', 600);
    int64_t runs = 0, forced = 0, closed = 0;
    int n = 0, t = 0;
    for (; t < 3000 && closed == 0; t++) {
        put_batch(s, id, e, &n);
        usleep(2000);
        urne_store_checkpoint_close(s); /* as the signatures' committer, its lock let go */
        urne_store_checkpoints(s, &runs, &forced, &closed);
    }
    if (closed == 0) fail_msg("no commit copied the last frames in %d transactions (%lld runs, %lld forced)", t,
                              (long long)runs, (long long)forced);
    assert_true(runs > 0);
    urne_store_close(s);
    s = open_file(path);
    int64_t electors = 0;
    assert_int_equal(urne_store_initiative_roll_counts(s, id, add_electors, &electors), 0);
    assert_int_equal(electors, n);
    urne_store_close(s);
    free(e);
    const char *ext[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s%s", path, ext[i]);
        unlink(name);
    }
    rmdir(dir);
}

static void test_memory_none(void **state) {
    (void)state;
    urne_store *s = open_file(":memory:");
    assert_int_equal(urne_store_checkpointer_start(s, 0), 0);
    int64_t runs = 1, forced = 1, closed = 1;
    urne_store_checkpoints(s, &runs, &forced, &closed);
    assert_int_equal(runs, 0);
    assert_int_equal(forced, 0);
    assert_int_equal(closed, 0);
    urne_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_bounded),
        cmocka_unit_test(test_wal_closed),
        cmocka_unit_test(test_memory_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
