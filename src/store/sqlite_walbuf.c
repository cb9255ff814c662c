/*
 * sqlite_walbuf: a SQLite VFS, "urne-walbuf", that is the "unix" VFS with one
 * change: the writes to a database's WAL file are gathered in a buffer and
 * reach the file in one system call per commit instead of two per page
 * (issue 18). urne's connections open their database with it (sqlite_store.c,
 * sqlite_checkpoint.c).
 *
 * Why: SQLite writes each WAL frame with two pwrite calls, its 24-byte header
 * and then its page, so that a signature (a commit of about two frames) cost
 * some four pwrite calls, and system calls are dear on the machines urne runs
 * on (virtual ones: walWriteOneFrame was 13 % of the server's CPU while
 * signing, bench/RESULTS.md, walbuf18).
 *
 * Only the WAL: the xOpen of any other file (the database, a journal, a
 * temporary file) is the unix VFS's own, into the same memory, so those files
 * keep the unix methods themselves, with one exception: when its WAL is
 * opened, a database's file gets a copy of the unix table whose xShmLock
 * writes the WAL's buffer out before the WAL's write lock is let go (after a
 * rollback: see walbuf_db_attach). The WAL's file is the unix file wrapped: its
 * methods below hand everything to the unix ones, except that
 *
 *  - a write is copied into the buffer when it continues what the buffer holds
 *    or begins within it, the newer bytes replacing the older (SQLite
 *    rewrites a page already in the WAL when a transaction writes it again);
 *    any other write first empties the buffer into the file, in one write
 *    (the unix xWrite: one pwrite, retried while short);
 *  - the buffer is written out when SQLite has written the page of a commit
 *    frame, the frame whose header has a non-zero "size of the database after
 *    the commit" (its bytes 4 to 7; SQLite's file format, section 4.1). SQLite
 *    writes every frame of a commit, then the commit frame, and only then
 *    appends them to the wal-index and writes the index's header, which makes
 *    the commit visible to the other connections (sqlite3WalFrames): those
 *    read the frames through their own file descriptors, from the file, so
 *    the frames are in the file before any of them can look for them. The
 *    guarantee of synchronous=NORMAL is kept as it was: when COMMIT returns,
 *    its frames are in the operating system, which keeps them if the process
 *    dies;
 *  - the buffer is also written out before the write lock is let go (the
 *    frames of a transaction that spilled, then rolled back), before a read
 *    that overlaps it (SQLite reads back frames of the transaction it is
 *    writing, to recompute their checksums), before xSync, xTruncate,
 *    xFileSize, xFileControl and xClose, and when the next write would not
 *    fit it (128 KiB less a byte: the unix xWrite takes at most 0x1ffff bytes);
 *  - once a commit frame is written, or the file synced, every write is
 *    written at once ("eager") until the next transaction's first frame: so
 *    the headers SQLite writes again after a commit's frames (checksums
 *    recomputed when a transaction rewrote a page, walRewriteChecksums) and
 *    the frames repeated to a sector's end (synchronous=FULL on a disk that
 *    does not overwrite safely) reach the file before the index says so.
 *
 * Which header is a commit frame's, which its page follows: a frame header is
 * SQLite's only write of 24 bytes to a WAL. A commit frame's header written
 * past every byte this file has written since the WAL began again (a write at
 * offset 0, the WAL's header) is a new frame, whose page SQLite writes next
 * (walWriteOneFrame): the buffer waits for the page. One written at or before
 * that end is a header rewritten: written out at once. Taking a rewrite for a
 * new frame would be wrong (the buffer would wait for a page that never
 * comes); the converse only costs a system call. Another process's writes
 * (another urne command on the same file) make this file's end stale, never
 * past the truth in the wrong direction: the WAL's frames are appended by
 * whoever writes, and a header this file rewrites is one it wrote in the same
 * transaction. (After another process restarted or truncated the WAL, this
 * file's end stays past the truth until it writes beyond it: its frames below
 * are taken for rewrites and written at once, the safe direction, at the cost
 * of system calls.)
 *
 * A failed write-out: the buffer is emptied and the call that wrote it out
 * fails. From xWrite, with the unix VFS's own error (SQLITE_FULL when the disk
 * is full, SQLITE_IOERR_WRITE otherwise), as SQLite expects of a write. From
 * any other call (xRead, xSync, xFileSize, xTruncate, xFileControl), always
 * with SQLITE_IOERR_WRITE: SQLITE_FULL from a read inside a statement that has
 * a statement journal makes SQLite roll back that statement only, the
 * transaction left open and its index still naming the frames lost, so that
 * its COMMIT would then succeed over them (review8 reproduced it: a corrupt
 * database after COMMIT); an I/O error rolls the whole transaction back
 * (tests/unit/test_store_walbuf_full.c). The bytes lost are then frames of
 * the transaction SQLite is writing (every commit empties the buffer), which
 * the error makes SQLite roll back: frames past the index's last commit are
 * never read, and the next transaction writes its own over them (and the WAL's
 * header again, if it was among them: the index says the WAL is empty until a
 * commit succeeds). No byte is reordered: a byte reaches the file either in
 * the buffer's one write, or after the buffer was written out.
 *
 * A connection is used by one thread at a time (urne's connections are
 * SQLITE_OPEN_NOMUTEX, each behind its owner's lock), and its WAL file by its
 * connection alone, so the buffer needs no lock of its own.
 */
#include <assert.h>
#include <pthread.h>
#include <string.h>

#include "sqlite_walbuf.h"

/* Bytes gathered at most before a write-out: the most the unix VFS's xWrite
 * writes in one call (seekAndWriteFd masks the length with 0x1ffff: SQLite's
 * own writes are never over a page of 64 KiB), some 31 frames of 4 KiB. */
#define WALBUF_CAP 0x1ffff
#define FRAME_HEADER 24         /* a WAL frame's header (SQLite's file format, 4.1) */

typedef struct walbuf_file {
    sqlite3_file base;     /* first: SQLite's pointer to the file is one to this */
    sqlite3_file *real;    /* the unix VFS's file, in the bytes after this struct */
    sqlite3_file *db;      /* its database's file, linked to it; NULL: not buffered */
    unsigned char *buf;    /* allocated at the first write; NULL: writes go straight through */
    sqlite3_int64 start;   /* the file offset of buf[0] */
    int len;               /* bytes held, from start */
    int eager;             /* write out after each write (see the essay) */
    sqlite3_int64 end;     /* past the last byte written since the WAL began again */
    urne_sqlite_walbuf_counts counts;
} walbuf_file;

static const sqlite3_io_methods walbuf_methods;
static int walbuf_link_at; /* where a database file's link to its WAL is, from its start: the unix file's size, rounded up to 8 */

/* The link from a database's file to its WAL's (walbuf_db_attach, below). */
static walbuf_file **walbuf_link(sqlite3_file *db) { return (walbuf_file **)(void *)((char *)db + walbuf_link_at); }

/* Writes out what the buffer holds, in one write, and empties it whatever the
 * outcome; returns the unix VFS's answer. */
static int walbuf_flush(walbuf_file *f) {
    if (f->len == 0) return SQLITE_OK;
    int n = f->len;
    f->len = 0;
    f->counts.pwrites++;
    int rc = f->real->pMethods->xWrite(f->real, f->buf, n, f->start);
    if (rc != SQLITE_OK) f->counts.flushes_failed++;
    return rc;
}

/* The buffer written out by a call other than xWrite: any failure is an I/O
 * error, whatever the unix VFS said (see the essay: not SQLITE_FULL). */
static int walbuf_flush_io(walbuf_file *f) { return walbuf_flush(f) == SQLITE_OK ? SQLITE_OK : SQLITE_IOERR_WRITE; }

/* Puts amt bytes at off into the buffer, writing it out first when they do not
 * fall on or right after what it holds, or would not fit; bytes that cannot be
 * buffered (the buffer not allocated, or more than it holds) are written
 * straight. */
static int walbuf_put(walbuf_file *f, const unsigned char *p, int amt, sqlite3_int64 off) {
    if (f->buf == NULL && f->db != NULL) f->buf = sqlite3_malloc(WALBUF_CAP); /* NULL: unbuffered, still correct */
    if (f->len > 0 && off >= f->start && off <= f->start + f->len && off + amt <= f->start + WALBUF_CAP) {
        int at = (int)(off - f->start);
        memcpy(f->buf + at, p, (size_t)amt);
        if (at + amt > f->len) f->len = at + amt;
        return SQLITE_OK;
    }
    int rc = walbuf_flush(f);
    if (rc != SQLITE_OK) return rc;
    if (f->buf == NULL || amt > WALBUF_CAP) {
        f->counts.pwrites++;
        return f->real->pMethods->xWrite(f->real, p, amt, off);
    }
    memcpy(f->buf, p, (size_t)amt);
    f->start = off;
    f->len = amt;
    return SQLITE_OK;
}

static int walbuf_write(sqlite3_file *file, const void *data, int amt, sqlite3_int64 off) {
    walbuf_file *f = (walbuf_file *)file;
    const unsigned char *p = data;
    assert(f->base.pMethods == &walbuf_methods);
    f->counts.writes++;
    if (amt <= 0) return f->real->pMethods->xWrite(f->real, data, amt, off);
    if (off == 0) { /* the WAL's header: the WAL begins again */
        int rc = walbuf_flush(f);
        if (rc != SQLITE_OK) return rc;
        f->end = 0;
        f->eager = 0; /* the last commit's writes are all out */
    }
    int hold = 0; /* a new commit frame's header: its page comes next */
    if (amt == FRAME_HEADER) {
        int commit = (p[4] | p[5] | p[6] | p[7]) != 0;
        int fresh = off >= f->end;
        if (commit) {
            f->eager = 1;
            hold = fresh;
            if (!fresh) f->counts.headers_rewritten++;
        } else if (fresh) {
            f->eager = 0; /* the next transaction's first frame */
        }
    }
    int rc = walbuf_put(f, p, amt, off);
    if (off + amt > f->end) f->end = off + amt;
    if (rc != SQLITE_OK) return rc;
    return f->eager && !hold ? walbuf_flush(f) : SQLITE_OK;
}

static int walbuf_read(sqlite3_file *file, void *out, int amt, sqlite3_int64 off) {
    walbuf_file *f = (walbuf_file *)file;
    if (f->len > 0 && off < f->start + f->len && off + amt > f->start) {
        int rc = walbuf_flush_io(f);
        if (rc != SQLITE_OK) return rc;
    }
    return f->real->pMethods->xRead(f->real, out, amt, off);
}

static int walbuf_truncate(sqlite3_file *file, sqlite3_int64 size) {
    walbuf_file *f = (walbuf_file *)file;
    int rc = walbuf_flush_io(f);
    if (rc != SQLITE_OK) return rc;
    if (size < f->end) f->end = size;
    return f->real->pMethods->xTruncate(f->real, size);
}

static int walbuf_sync(sqlite3_file *file, int flags) {
    walbuf_file *f = (walbuf_file *)file;
    int rc = walbuf_flush_io(f);
    if (rc != SQLITE_OK) return rc;
    f->eager = 1;
    return f->real->pMethods->xSync(f->real, flags);
}

static int walbuf_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    walbuf_file *f = (walbuf_file *)file;
    int rc = walbuf_flush_io(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileSize(f->real, size);
}

static int walbuf_close(sqlite3_file *file) {
    walbuf_file *f = (walbuf_file *)file;
    int rc = walbuf_flush(f);
    if (f->db != NULL) *walbuf_link(f->db) = NULL; /* SQLite closes the WAL before its database */
    int closed = f->real->pMethods->xClose(f->real);
    sqlite3_free(f->buf);
    f->buf = NULL;
    return rc != SQLITE_OK ? rc : closed;
}

static int walbuf_lock(sqlite3_file *file, int level) {
    walbuf_file *f = (walbuf_file *)file;
    return f->real->pMethods->xLock(f->real, level);
}

static int walbuf_unlock(sqlite3_file *file, int level) {
    walbuf_file *f = (walbuf_file *)file;
    return f->real->pMethods->xUnlock(f->real, level);
}

static int walbuf_check_reserved(sqlite3_file *file, int *out) {
    walbuf_file *f = (walbuf_file *)file;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int walbuf_file_control(sqlite3_file *file, int op, void *arg) {
    walbuf_file *f = (walbuf_file *)file;
    int rc = walbuf_flush_io(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int walbuf_sector_size(sqlite3_file *file) {
    walbuf_file *f = (walbuf_file *)file;
    return f->real->pMethods->xSectorSize(f->real);
}

static int walbuf_device(sqlite3_file *file) {
    walbuf_file *f = (walbuf_file *)file;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Version 1: SQLite maps the wal-index through the database file's methods
 * (xShmMap), and maps only the database (xFetch), never the WAL. */
static const sqlite3_io_methods walbuf_methods = {
    1,
    walbuf_close,
    walbuf_read,
    walbuf_write,
    walbuf_truncate,
    walbuf_sync,
    walbuf_file_size,
    walbuf_lock,
    walbuf_unlock,
    walbuf_check_reserved,
    walbuf_file_control,
    walbuf_sector_size,
    walbuf_device,
    NULL, NULL, NULL, NULL, NULL, NULL,
};

/* The database file of a connection whose WAL is buffered: the unix VFS's own
 * methods, copied, but xShmLock, which writes the WAL's buffer out before the
 * WAL's write lock (slot 0 of the wal-index's locks) is let go. A transaction
 * rolled back after it spilled frames into the WAL leaves its last frames in the
 * buffer (a commit empties it, a rollback writes nothing to the WAL): written
 * later, after another writer (another process) appended its own frames at the
 * same place, they would overwrite that writer's commit. So they go out while
 * this connection still holds the lock, as SQLite itself would have written
 * them; if that fails, nothing is lost (they are a rolled-back transaction's).
 * The link from the database's file to its WAL's lives in the bytes after the
 * unix file (this VFS's szOsFile leaves room for it), set while the WAL is open. */
static sqlite3_io_methods walbuf_db_methods;
static const sqlite3_io_methods *walbuf_db_unix; /* the table copied into walbuf_db_methods */
static pthread_mutex_t walbuf_db_mu = PTHREAD_MUTEX_INITIALIZER;
static int walbuf_db_shm_lock(sqlite3_file *db, int ofst, int n, int flags) {
    walbuf_file *wal = *walbuf_link(db);
    if (wal != NULL && ofst == 0 && flags == (SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE)) walbuf_flush(wal);
    return walbuf_db_unix->xShmLock(db, ofst, n, flags);
}

/* Links the WAL f to its database's file db and gives db the methods above;
 * returns db, or NULL when db's methods are not the unix ones this VFS copied
 * (then the WAL is written through, unbuffered). */
static sqlite3_file *walbuf_db_attach(sqlite3_file *db, walbuf_file *f) {
    if (db == NULL || db->pMethods == NULL) return NULL;
    pthread_mutex_lock(&walbuf_db_mu);
    if (walbuf_db_unix == NULL && db->pMethods->iVersion >= 2 && db->pMethods->xShmLock != NULL) {
        walbuf_db_methods = *db->pMethods;
        walbuf_db_methods.xShmLock = walbuf_db_shm_lock;
        walbuf_db_unix = db->pMethods;
    }
    int ours = walbuf_db_unix != NULL && (db->pMethods == walbuf_db_unix || db->pMethods == &walbuf_db_methods);
    pthread_mutex_unlock(&walbuf_db_mu);
    if (!ours) return NULL;
    *walbuf_link(db) = f;
    db->pMethods = &walbuf_db_methods;
    return db;
}

/* A file other than a WAL is the unix VFS's own, opened into the same memory
 * (this VFS's szOsFile is larger than the unix one's); a WAL is the unix file
 * opened after the wrapper's fields, and wrapped. */
static int walbuf_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags) {
    sqlite3_vfs *unix_vfs = vfs->pAppData;
    if ((flags & SQLITE_OPEN_WAL) == 0) return unix_vfs->xOpen(unix_vfs, name, file, flags, out_flags);
    walbuf_file *f = (walbuf_file *)file;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)&f[1];
    int rc = unix_vfs->xOpen(unix_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        /* SQLite closes a file whose pMethods is set even when xOpen failed: ours is not set,
         * so the unix file is closed here if it was set. */
        if (f->real->pMethods != NULL) f->real->pMethods->xClose(f->real);
        f->base.pMethods = NULL;
        return rc;
    }
    f->db = walbuf_db_attach(sqlite3_database_file_object(name), f);
    f->base.pMethods = &walbuf_methods;
    return SQLITE_OK;
}

static sqlite3_vfs walbuf_vfs;
static int walbuf_registered; /* SQLITE_OK once registered */
static pthread_once_t walbuf_once = PTHREAD_ONCE_INIT;

/* The unix VFS copied, its name, size of file and xOpen changed: its other
 * functions (xAccess, xFullPathname, xRandomness, ...) are the unix ones, which
 * read from the VFS they are given at most mxPathname, copied with the rest. */
/* The SQLite versions whose WAL writes this file relies on (a frame's header
 * in one 24-byte write, its page right after, the commit frame last, the
 * index after the frames: walWriteOneFrame and sqlite3WalFrames, the same
 * from 3.8 to 3.46 at least; tested on Debian's 3.40): outside them, no
 * VFS, and urne opens its files through the unix one (the caller's NULL). */
#define WALBUF_SQLITE_FROM 3008000
#define WALBUF_SQLITE_BEFORE 3050000

static void walbuf_register(void) {
    walbuf_registered = SQLITE_ERROR;
    int version = sqlite3_libversion_number();
    if (version < WALBUF_SQLITE_FROM || version >= WALBUF_SQLITE_BEFORE) return;
    sqlite3_vfs *unix_vfs = sqlite3_vfs_find("unix");
    if (unix_vfs == NULL) return;
    walbuf_vfs = *unix_vfs;
    walbuf_vfs.pNext = NULL;
    walbuf_vfs.zName = URNE_SQLITE_WALBUF_VFS;
    walbuf_vfs.pAppData = unix_vfs;
    walbuf_link_at = (unix_vfs->szOsFile + 7) / 8 * 8;
    walbuf_vfs.szOsFile = walbuf_link_at + (int)sizeof(walbuf_file); /* a WAL, or a database and its link */
    walbuf_vfs.xOpen = walbuf_open;
    walbuf_registered = sqlite3_vfs_register(&walbuf_vfs, 0);
}

const char *urne_sqlite_walbuf_vfs(void) {
    pthread_once(&walbuf_once, walbuf_register);
    return walbuf_registered == SQLITE_OK ? URNE_SQLITE_WALBUF_VFS : NULL;
}

int urne_sqlite_walbuf_counts_get(sqlite3 *db, urne_sqlite_walbuf_counts *out) {
    sqlite3_file *file = NULL;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file) != SQLITE_OK || file == NULL ||
        file->pMethods != &walbuf_methods)
        return -1;
    *out = ((walbuf_file *)file)->counts;
    return 0;
}
