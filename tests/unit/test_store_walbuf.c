/*
 * test_store_walbuf: the VFS that gathers the WAL's writes (store/sqlite_walbuf.c),
 * on real files in a temporary directory, with SQLite connections of its own:
 *
 *  - a commit is read right by a second connection (the unix VFS, its own file
 *    descriptor) as soon as COMMIT returns, and its frames reached the file in
 *    one write: the write-out happened before the wal-index said the commit;
 *  - a transaction that spills (a small cache) then rolled back, then another
 *    that rewrites pages it spilled, committed: integrity_check ok, the rows
 *    right;
 *  - a transaction of 27 MiB, gathered 128 KiB at a time;
 *  - a write-out that fails (RLIMIT_FSIZE, SIGXFSZ ignored, in a child): COMMIT
 *    fails, nothing of it is committed, and the next transaction commits;
 *  - a child killed (SIGKILL) right after a COMMIT that rewrote headers: the
 *    commit is in the file (SQLite recovers it from the WAL, checking every
 *    frame's checksum);
 *  - two writers (two connections of this process, each its own buffer, as
 *    two processes would have): the first's frames, spilled then rolled
 *    back, reach the file before it lets the write lock go, not later over the
 *    second's commit;
 *  - the database file keeps the unix VFS's own methods but xShmLock, and
 *    urne's store opens its connection through the VFS.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../src/store/sqlite_internal.h"
#include "../../src/store/sqlite_walbuf.h"
#include "../../src/store/store.h"

typedef struct place {
    char dir[32], path[64];
} place;

static void place_make(place *p) {
    snprintf(p->dir, sizeof p->dir, "/tmp/urne-walbuf-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    snprintf(p->path, sizeof p->path, "%s/w.db", p->dir);
}

static void place_remove(place *p) {
    const char *tails[] = {"", "-wal", "-shm"};
    char f[96];
    for (int i = 0; i < 3; i++) {
        snprintf(f, sizeof f, "%s%s", p->path, tails[i]);
        unlink(f);
    }
    rmdir(p->dir);
}

static void exec_ok(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err ? err : "?");
}

/* The connection through the VFS, in WAL mode, synchronous=NORMAL as urne's. */
static sqlite3 *open_walbuf(const char *path) {
    const char *vfs = urne_sqlite_walbuf_vfs();
    assert_non_null(vfs);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
    exec_ok(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
    return db;
}

/* A reader on SQLite's own unix VFS. */
static sqlite3 *open_unix(const char *path) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, "unix"), SQLITE_OK);
    return db;
}

static int64_t one(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) != SQLITE_ROW) fail_msg("%s: no row: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void assert_intact(sqlite3 *db) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
}

/* Rows whose v is what `tag` and their id make (rows_put): all of them, or -1. */
static int64_t rows_right(sqlite3 *db, const char *tag) {
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT CASE WHEN min(v = '%s' || printf('%%01200d', id)) THEN count(*) ELSE -1 END FROM t",
             tag);
    return one(db, sql);
}

static void rows_put(sqlite3 *db, int64_t from, int64_t n, const char *tag) {
    char sql[240];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE k(i) AS (SELECT %lld UNION ALL SELECT i + 1 FROM k WHERE i < %lld)"
             " INSERT INTO t(id, v) SELECT i, '%s' || printf('%%01200d', i) FROM k",
             (long long)from, (long long)(from + n - 1), tag);
    exec_ok(db, sql);
}

static urne_sqlite_walbuf_counts counts(sqlite3 *db) {
    urne_sqlite_walbuf_counts c;
    assert_int_equal(urne_sqlite_walbuf_counts_get(db, &c), 0);
    return c;
}

static void test_commit_visible(void **state) {
    (void)state;
    place p;
    place_make(&p);
    sqlite3 *a = open_walbuf(p.path);
    exec_ok(a, "PRAGMA wal_autocheckpoint = 0; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    sqlite3 *b = open_unix(p.path);
    for (int i = 0; i < 40; i++) {
        urne_sqlite_walbuf_counts before = counts(a);
        exec_ok(a, "BEGIN");
        rows_put(a, 1 + i * 5, 5, "a");
        exec_ok(a, "COMMIT");
        assert_int_equal(rows_right(b, "a"), (i + 1) * 5);
        urne_sqlite_walbuf_counts after = counts(a);
        /* Two pages at least (a leaf, the root): four writes from SQLite, one to the file. */
        assert_true(after.writes - before.writes >= 4);
        assert_int_equal(after.pwrites - before.pwrites, 1);
    }
    assert_int_equal(counts(a).flushes_failed, 0);
    assert_intact(b);
    sqlite3_close(b);
    sqlite3_close(a);
    place_remove(&p);
}

static void test_spill_rollback(void **state) {
    (void)state;
    place p;
    place_make(&p);
    sqlite3 *a = open_walbuf(p.path);
    exec_ok(a, "PRAGMA cache_size = 10; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    exec_ok(a, "BEGIN");
    rows_put(a, 1, 100, "a");
    exec_ok(a, "COMMIT");
    urne_sqlite_walbuf_counts before = counts(a);
    exec_ok(a, "BEGIN");
    rows_put(a, 101, 2000, "x"); /* some 700 pages through a cache of 10: spilled to the WAL */
    exec_ok(a, "ROLLBACK");
    assert_true(counts(a).pwrites - before.pwrites > 10);
    sqlite3 *b = open_unix(p.path);
    assert_int_equal(rows_right(b, "a"), 100);
    exec_ok(a, "BEGIN");
    rows_put(a, 101, 1000, "a");
    exec_ok(a, "UPDATE t SET v = 'b' || substr(v, 2)"); /* pages spilled once, written again */
    exec_ok(a, "COMMIT");
    assert_int_equal(rows_right(b, "b"), 1100);
    assert_intact(b);
    assert_int_equal(counts(a).flushes_failed, 0);
    sqlite3_close(a);
    assert_int_equal(rows_right(b, "b"), 1100);
    assert_intact(b);
    sqlite3_close(b);
    place_remove(&p);
}

/* Two writers on one file, two connections of this process standing for two
 * processes (the server and a command), each with its own buffer: the
 * first spills a transaction into the WAL and rolls it back, the second then
 * commits frames at the same place, and the first commits again. The frames the
 * first rolled back must have reached the file before it let the write lock go,
 * or they would be written later over the second's. */
static void test_rollback_then_other_writer(void **state) {
    (void)state;
    place p;
    place_make(&p);
    sqlite3 *a = open_walbuf(p.path);
    exec_ok(a, "PRAGMA cache_size = 10; PRAGMA wal_autocheckpoint = 0;"
               " CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    sqlite3 *b = open_walbuf(p.path);
    exec_ok(b, "PRAGMA wal_autocheckpoint = 0");
    exec_ok(a, "BEGIN");
    rows_put(a, 1, 400, "x"); /* spilled: some 130 frames written before the commit */
    exec_ok(a, "ROLLBACK");
    exec_ok(b, "BEGIN");
    rows_put(b, 1, 1000, "a"); /* the second writer's frames, where the first's were, and further */
    exec_ok(b, "COMMIT");
    exec_ok(a, "BEGIN");
    rows_put(a, 1001, 100, "a");
    exec_ok(a, "COMMIT");
    sqlite3 *c = open_unix(p.path);
    assert_int_equal(rows_right(c, "a"), 1100);
    assert_intact(c);
    sqlite3_close(c);
    assert_int_equal(counts(a).flushes_failed, 0);
    sqlite3_close(b);
    sqlite3_close(a);
    place_remove(&p);
}

static void test_big_transaction(void **state) {
    (void)state;
    place p;
    place_make(&p);
    sqlite3 *a = open_walbuf(p.path);
    exec_ok(a, "PRAGMA cache_size = -65536; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    urne_sqlite_walbuf_counts before = counts(a);
    exec_ok(a, "BEGIN");
    rows_put(a, 1, 20000, "a"); /* some 6,700 pages, 27 MiB of frames */
    exec_ok(a, "COMMIT");
    urne_sqlite_walbuf_counts after = counts(a);
    int64_t writes = after.writes - before.writes, pwrites = after.pwrites - before.pwrites;
    assert_true(writes > 10000);
    assert_true(pwrites >= 50 && pwrites * 40 < writes); /* 31 frames (62 writes) at a time */
    sqlite3 *b = open_unix(p.path);
    assert_int_equal(rows_right(b, "a"), 20000);
    assert_intact(b);
    sqlite3_close(b);
    sqlite3_close(a);
    place_remove(&p);
}

/* The child's findings, as its exit status. */
enum { CHILD_OK = 10, CHILD_COMMITTED = 20, CHILD_NOT_COUNTED = 21, CHILD_NEXT_FAILED = 22, CHILD_LIMIT = 23 };

static int fsize_child(const char *path) {
    sqlite3 *a = open_walbuf(path);
    exec_ok(a, "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 0");
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim;
    if (getrlimit(RLIMIT_FSIZE, &lim) != 0) return CHILD_LIMIT;
    struct rlimit low = {1 << 20, lim.rlim_max};
    if (setrlimit(RLIMIT_FSIZE, &low) != 0) return CHILD_LIMIT;
    exec_ok(a, "BEGIN");
    rows_put(a, 101, 3000, "x"); /* some 4 MiB of frames, over the limit */
    int rc = sqlite3_exec(a, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK) return CHILD_COMMITTED;
    urne_sqlite_walbuf_counts c;
    if (urne_sqlite_walbuf_counts_get(a, &c) != 0 || c.flushes_failed < 1) return CHILD_NOT_COUNTED;
    sqlite3_exec(a, "ROLLBACK", NULL, NULL, NULL); /* if the error left it open */
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0) return CHILD_LIMIT;
    if (sqlite3_exec(a, "INSERT INTO t(id, v) VALUES (100000, 'after')", NULL, NULL, NULL) != SQLITE_OK)
        return CHILD_NEXT_FAILED;
    sqlite3_close(a);
    return CHILD_OK;
}

static void test_write_fails(void **state) {
    (void)state;
    place p;
    place_make(&p);
    sqlite3 *a = open_walbuf(p.path);
    exec_ok(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    exec_ok(a, "BEGIN");
    rows_put(a, 1, 100, "a");
    exec_ok(a, "COMMIT");
    sqlite3_close(a); /* checkpointed: the WAL is empty, the database some 170 KiB */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) _exit(fsize_child(p.path));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), CHILD_OK);
    sqlite3 *b = open_unix(p.path);
    assert_int_equal(one(b, "SELECT count(*) FROM t"), 101);
    assert_int_equal(one(b, "SELECT count(*) FROM t WHERE v = 'after'"), 1);
    exec_ok(b, "DELETE FROM t WHERE id = 100000");
    assert_int_equal(rows_right(b, "a"), 100);
    assert_intact(b);
    sqlite3_close(b);
    place_remove(&p);
}

/* Commits a transaction that rewrites pages it spilled, sends its counts up the
 * pipe, and is killed. */
static void killed_child(const char *path, int out) {
    sqlite3 *a = open_walbuf(path);
    exec_ok(a, "PRAGMA cache_size = 10; PRAGMA wal_autocheckpoint = 0");
    exec_ok(a, "BEGIN");
    rows_put(a, 101, 600, "a");
    exec_ok(a, "UPDATE t SET v = 'k' || substr(v, 2)");
    exec_ok(a, "COMMIT");
    urne_sqlite_walbuf_counts c;
    memset(&c, 0, sizeof c);
    urne_sqlite_walbuf_counts_get(a, &c);
    if (write(out, &c, sizeof c) != (ssize_t)sizeof c) _exit(1);
    raise(SIGKILL);
    _exit(2);
}

static void test_killed_after_commit(void **state) {
    (void)state;
    place p;
    place_make(&p);
    sqlite3 *a = open_walbuf(p.path);
    exec_ok(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    rows_put(a, 1, 100, "a");
    sqlite3_close(a);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        killed_child(p.path, fds[1]);
    }
    close(fds[1]);
    urne_sqlite_walbuf_counts c;
    assert_int_equal(read(fds[0], &c, sizeof c), (ssize_t)sizeof c);
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_true(c.headers_rewritten > 0); /* the case meant: checksums rewritten after the commit frame */
    assert_int_equal(c.flushes_failed, 0);
    sqlite3 *b = open_unix(p.path); /* the first connection since: the WAL recovered, checksums checked */
    assert_int_equal(one(b, "SELECT count(*) FROM t"), 700);
    assert_int_equal(rows_right(b, "k"), 700);
    assert_intact(b);
    sqlite3_close(b);
    place_remove(&p);
}

static void test_only_the_wal(void **state) {
    (void)state;
    place p;
    place_make(&p);
    sqlite3 *a = open_walbuf(p.path);
    exec_ok(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    sqlite3 *b = open_unix(p.path);
    assert_int_equal(one(b, "SELECT count(*) FROM t"), 0);
    sqlite3_file *fa = NULL, *fb = NULL;
    assert_int_equal(sqlite3_file_control(a, "main", SQLITE_FCNTL_FILE_POINTER, &fa), SQLITE_OK);
    assert_int_equal(sqlite3_file_control(b, "main", SQLITE_FCNTL_FILE_POINTER, &fb), SQLITE_OK);
    /* The database file: the unix VFS's own methods, but xShmLock (the WAL's write lock let go). */
    const sqlite3_io_methods *ma = fa->pMethods, *mb = fb->pMethods;
    assert_int_equal(ma->iVersion, mb->iVersion);
    assert_true(ma->xClose == mb->xClose && ma->xRead == mb->xRead && ma->xWrite == mb->xWrite &&
                ma->xTruncate == mb->xTruncate && ma->xSync == mb->xSync && ma->xFileSize == mb->xFileSize &&
                ma->xLock == mb->xLock && ma->xUnlock == mb->xUnlock && ma->xCheckReservedLock == mb->xCheckReservedLock &&
                ma->xFileControl == mb->xFileControl && ma->xSectorSize == mb->xSectorSize &&
                ma->xDeviceCharacteristics == mb->xDeviceCharacteristics && ma->xShmMap == mb->xShmMap &&
                ma->xShmBarrier == mb->xShmBarrier && ma->xShmUnmap == mb->xShmUnmap && ma->xFetch == mb->xFetch &&
                ma->xUnfetch == mb->xUnfetch);
    assert_true(ma->xShmLock != mb->xShmLock);
    urne_sqlite_walbuf_counts c;
    assert_int_equal(urne_sqlite_walbuf_counts_get(a, &c), 0);
    assert_int_equal(urne_sqlite_walbuf_counts_get(b, &c), -1); /* the unix VFS's WAL: not ours */
    sqlite3_close(b);
    sqlite3_close(a);

    char err[600];
    urne_store *s = urne_store_open(p.path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    assert_true(urne_store_user_create(s, "ana", "$argon2id$x", URNE_ROLE_ADMIN, 1) > 0);
    assert_int_equal(urne_sqlite_walbuf_counts_get(urne_sql_db(s), &c), 0); /* the store's WAL: ours */
    assert_true(c.writes > 0 && c.pwrites > 0);
    urne_store_close(s);
    place_remove(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_visible),   cmocka_unit_test(test_spill_rollback),
        cmocka_unit_test(test_big_transaction),  cmocka_unit_test(test_write_fails),
        cmocka_unit_test(test_killed_after_commit), cmocka_unit_test(test_only_the_wal),
        cmocka_unit_test(test_rollback_then_other_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
