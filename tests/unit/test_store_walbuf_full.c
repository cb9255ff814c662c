/*
 * test_store_walbuf_full: the WAL's buffer (store/sqlite_walbuf.c) written out
 * by a read, when the disk is full (review8's finding).
 *
 * A transaction spills pages to the WAL through a small cache: their frames
 * wait in the buffer. A later statement of the same transaction reads one of
 * them back, which writes the buffer out first; the disk is "full" (the unix
 * VFS's write answers SQLITE_FULL, as it does on ENOSPC). Had the read
 * answered SQLITE_FULL, SQLite would have rolled back that statement alone,
 * the transaction left open over frames that never reached the file, and its
 * COMMIT would have made a corrupt database. The read answers an I/O error
 * instead, which rolls the whole transaction back: the database is as before
 * it, and intact.
 *
 * Its own program: the failing VFS is registered as SQLite's default ("unix"
 * as the shim finds it) before the shim is first asked for, which a process
 * does once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../src/store/sqlite_walbuf.h"

/* ---- a VFS whose WAL writes fail while `full` is set ---- */

static sqlite3_vfs *unix_vfs;
static sqlite3_vfs full_vfs;
static int full;           /* the disk is full: the WAL's writes fail */
static int writes_refused; /* how many did */

typedef struct full_file {
    sqlite3_file base;
    sqlite3_file *real; /* the unix file, right after this struct */
} full_file;

static sqlite3_file *real_of(sqlite3_file *f) { return ((full_file *)f)->real; }
static int f_close(sqlite3_file *f) { return real_of(f)->pMethods->xClose(real_of(f)); }
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) {
    return real_of(f)->pMethods->xRead(real_of(f), b, n, o);
}
static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) {
    if (full) {
        writes_refused++;
        return SQLITE_FULL;
    }
    return real_of(f)->pMethods->xWrite(real_of(f), b, n, o);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 s) { return real_of(f)->pMethods->xTruncate(real_of(f), s); }
static int f_sync(sqlite3_file *f, int flags) { return real_of(f)->pMethods->xSync(real_of(f), flags); }
static int f_size(sqlite3_file *f, sqlite3_int64 *s) { return real_of(f)->pMethods->xFileSize(real_of(f), s); }
static int f_lock(sqlite3_file *f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
static int f_reserved(sqlite3_file *f, int *out) {
    return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
static int f_control(sqlite3_file *f, int op, void *arg) {
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
static int f_sector(sqlite3_file *f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
static int f_device(sqlite3_file *f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }

static const sqlite3_io_methods full_methods = {1,        f_close,  f_read,    f_write,   f_truncate,
                                                f_sync,   f_size,   f_lock,    f_unlock,  f_reserved,
                                                f_control, f_sector, f_device, NULL,      NULL,
                                                NULL,     NULL,     NULL,      NULL};

/* The WAL through full_methods, every other file the unix VFS's own. */
static int full_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL)) return unix_vfs->xOpen(unix_vfs, name, file, flags, out_flags);
    full_file *f = (full_file *)file;
    f->real = (sqlite3_file *)(f + 1);
    int rc = unix_vfs->xOpen(unix_vfs, name, f->real, flags, out_flags);
    f->base.pMethods = rc == SQLITE_OK ? &full_methods : NULL;
    return rc;
}

/* ---- the test ---- */

static void exec_ok(sqlite3 *db, const char *sql) {
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) fail_msg("%s: %s", sql, err ? err : "?");
}

static int64_t one(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_full_on_read(void **state) {
    (void)state;
    char dir[] = "/tmp/urne-walbuf-full-XXXXXX", path[96], side[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                     urne_sqlite_walbuf_vfs()),
                     SQLITE_OK);
    exec_ok(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0");
    exec_ok(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    exec_ok(db, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 2000)"
                " INSERT INTO t SELECT i, printf('a%01199d', i) FROM k");
    exec_ok(db, "PRAGMA cache_size = 10");
    exec_ok(db, "BEGIN");
    exec_ok(db, "UPDATE t SET v = 'b' || substr(v, 2)"); /* some 700 pages through 10: spilled */
    exec_ok(db, "PRAGMA cache_size = 4000");
    full = 1;
    /* Reads pages whose frames wait in the buffer: written out first, refused. */
    int rc = sqlite3_exec(db, "UPDATE t SET v = 'c' || substr(v, 2) WHERE id > 1800", NULL, NULL, NULL);
    full = 0;
    assert_true(writes_refused > 0); /* the write-out was tried, and failed */
    assert_int_not_equal(rc, SQLITE_OK);
    assert_int_equal(rc & 0xff, SQLITE_IOERR); /* an I/O error, not SQLITE_FULL */
    /* The whole transaction rolled back: nothing left to commit over lost frames. */
    assert_int_equal(sqlite3_get_autocommit(db), 1);
    assert_int_not_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    /* The space back, the connection goes on. */
    exec_ok(db, "UPDATE t SET v = 'd' || substr(v, 2) WHERE id = 1");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);

    sqlite3 *check = NULL; /* the file read through the unix VFS alone */
    assert_int_equal(sqlite3_open_v2(path, &check, SQLITE_OPEN_READWRITE, "unix"), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(check, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    assert_int_equal(one(check, "SELECT count(*) FROM t"), 2000);
    assert_int_equal(one(check, "SELECT count(*) FROM t WHERE v LIKE 'a%'"), 1999); /* b and c never committed */
    assert_int_equal(one(check, "SELECT count(*) FROM t WHERE id = 1 AND v LIKE 'd%'"), 1);
    sqlite3_close(check);
    const char *ends[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(side, sizeof side, "%s%s", path, ends[i]);
        unlink(side);
    }
    rmdir(dir);
}

int main(void) {
    unix_vfs = sqlite3_vfs_find("unix");
    if (unix_vfs == NULL) return 1;
    full_vfs = *unix_vfs;
    full_vfs.szOsFile = unix_vfs->szOsFile + (int)sizeof(full_file) + 8;
    full_vfs.xOpen = full_open;
    if (sqlite3_vfs_register(&full_vfs, 1) != SQLITE_OK) return 1; /* the default: the shim wraps it */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_on_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
