/*
 * sqlite_walbuf: the SQLite VFS urne's connections open their database with:
 * SQLite's "unix" VFS, but with the WAL's writes gathered into one system call
 * per commit (issue 18). The why and the rules are in sqlite_walbuf.c.
 */
#ifndef URNE_SQLITE_WALBUF_H
#define URNE_SQLITE_WALBUF_H

#include <sqlite3.h>
#include <stdint.h>

/* The VFS's name, given to sqlite3_open_v2. */
#define URNE_SQLITE_WALBUF_VFS "urne-walbuf"

/* Registers the VFS with SQLite the first time it is called (thread-safe; not
 * made SQLite's default) and returns its name to give sqlite3_open_v2, or NULL
 * when it could not be registered (no "unix" VFS): then the caller opens with
 * SQLite's default VFS, which is correct, only slower. */
const char *urne_sqlite_walbuf_vfs(void);

/* What a connection's WAL file was asked and did, since it was opened. */
typedef struct urne_sqlite_walbuf_counts {
    int64_t writes;  /* xWrite calls SQLite made on the WAL */
    int64_t pwrites; /* writes to the file the shim made (each one system call or a few for a short write) */
    int64_t flushes_failed;     /* write-outs that failed */
    int64_t headers_rewritten;  /* commit frames' headers written again (written out at once) */
} urne_sqlite_walbuf_counts;

/* Fills *out with the counts of db's WAL file and returns 0; returns -1 and
 * leaves *out untouched when db has no WAL file open (not in WAL mode, or
 * nothing read or written yet) or its WAL was not opened through this VFS. */
int urne_sqlite_walbuf_counts_get(sqlite3 *db, urne_sqlite_walbuf_counts *out);

#endif
