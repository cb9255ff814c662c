/*
 * sqlite_internal: what the SQLite backend's files share: its handle, its tables
 * of functions (one per domain, assembled in sqlite_store.c), and the small
 * helpers around statements. Not part of the store's interface.
 *
 * Every fixed-size text is read through urne_sql_col, which refuses a value too
 * long for its field (naming the table, the column and the row) instead of
 * cutting it.
 */
#ifndef URNE_SQLITE_INTERNAL_H
#define URNE_SQLITE_INTERNAL_H

#include <assert.h>
#include <sqlite3.h>

#include "sqlite_dedup.h"
#include "store_backend.h"
#include "store_own.h"

/* Prepared statements kept, one per SQL text (urne_sql_stmt): room for every
 * shared text (store_sql.c: about 130) and SQLite's variants, a server that
 * serves every component using them all. test_store prepares every shared text
 * through one store's cache, so that the texts cannot outgrow it unseen. */
#define NCACHED 256

/* Pages (4 KiB) of WAL that set a checkpoint going: SQLite's automatic one on a
 * connection without a checkpointer, the checkpointer's (sqlite_checkpoint.c). */
#define URNE_SQLITE_CHECKPOINT_PAGES 4096

typedef struct urne_sqlite_checkpointer urne_sqlite_checkpointer;

typedef struct urne_sqlite {
    urne_store base; /* first: a urne_store * of this backend points to its urne_sqlite */
    sqlite3 *db;
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[NCACHED];
    /* The audit head, read at open and advanced by each append; reread on rollback. */
    int64_t head_seq;
    char head_hash[URNE_AUDIT_HASH_HEX];
    urne_sqlite_checkpointer *checkpointer; /* NULL: SQLite's automatic checkpoint */
    /* The audit head when the store was opened, before anything was loaded from
     * it: where a watch opened later starts reading (sqlite_watch.c), so that
     * what another process wrote while the server loaded is read, not lost. */
    int64_t opened_seq;
    /* The write transaction's audit seqs (0: none appended yet), and those this
     * handle committed, which its watch skips (sqlite_watch.c, store_own.h). */
    int64_t txn_first, txn_last;
    urne_store_own own;
    urne_sqlite_dedup dedup; /* the signatures' dedup hashes (sqlite_dedup.h) */
} urne_sqlite;

extern const urne_store_ops urne_sqlite_ops;
extern const urne_store_user_ops urne_sqlite_user_ops;
extern const urne_store_election_ops urne_sqlite_election_ops;
extern const urne_store_dispute_ops urne_sqlite_dispute_ops;
extern const urne_store_audit_ops urne_sqlite_audit_ops;
extern const urne_store_notice_ops urne_sqlite_notice_ops;
extern const urne_store_initiative_ops urne_sqlite_initiative_ops;
extern const urne_store_match_ops urne_sqlite_match_ops;
extern const urne_store_forum_ops urne_sqlite_forum_ops;
extern const urne_store_grant_ops urne_sqlite_grant_ops;
extern const urne_store_row_ops urne_sqlite_row_ops;
extern const urne_store_watch_ops urne_sqlite_watch_ops;

/* The SQLite store behind s (which must be one). */
static inline urne_sqlite *urne_sq(urne_store *s) {
    assert(s && s->ops == &urne_sqlite_ops);
    return (urne_sqlite *)s;
}
static inline sqlite3 *urne_sql_db(urne_store *s) { return urne_sq(s)->db; }

/* The checkpointer (sqlite_checkpoint.c): started on s's database file (none
 * for a database in memory), waking at `pages` frames not yet copied (0: the
 * default); 0, or -1 naming why. Stopped (joined, its connection closed, the
 * automatic checkpoint back) before q's connection is closed. Counts: the
 * checkpoints it ran, those the commits ran themselves past its bound, and
 * those they ran to copy the few frames it left. */
int urne_sqlite_checkpointer_start(urne_store *s, int pages);
void urne_sqlite_checkpointer_stop(urne_sqlite *q);
void urne_sqlite_checkpointer_counts(urne_store *s, int64_t *runs, int64_t *forced, int64_t *closed);
/* urne_store_checkpoint_close on SQLite. */
int urne_sqlite_checkpointer_close(urne_store *s);

/* Put "what: SQLite's message" in s->error; returns -1. */
int urne_sql_fail(urne_store *s, const char *what);

/* A prepared statement for sql, reset and with bindings cleared. Statements are
 * cached by the address of their text, so sql must be a string literal. */
sqlite3_stmt *urne_sql_stmt(urne_store *s, const char *sql);

/* urne_sql_stmt's statement for sql (a literal, as there), unless a caller is
 * stepping it (its rows not all read, nor reset) or the cache has no room for
 * it: then NULL with *busy set, for the caller to prepare one of its own
 * (urne_sql_prepare). NULL with *busy 0: failed, said on s. */
sqlite3_stmt *urne_sql_stmt_idle(urne_store *s, const char *sql, int *busy);

/* A statement prepared for one use (sqlite3_finalize it), or NULL naming what. */
sqlite3_stmt *urne_sql_prepare(urne_store *s, const char *sql, const char *what);

/* Bind text, or NULL for a NULL or empty string. */
void urne_sql_bind_text(sqlite3_stmt *st, int i, const char *v);

/* Column i as text, NULL when NULL. */
static inline const char *urne_sql_text(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* Copy column i as text ("" for NULL) into out of size bytes: 0, or -1 naming
 * table.column and the row (row_fmt...) when it does not fit. Never cuts. */
int urne_sql_col(urne_store *s, sqlite3_stmt *st, int i, char *out, size_t size, const char *table,
                 const char *column, const char *row_fmt, ...) __attribute__((format(printf, 8, 9)));

/* Copy row st's text columns cols[0..n) into the struct at base (each into its
 * field, urne_sql_col's way, naming table and the row's id): 0 or -1. */
struct urne_store_text_col;
int urne_sql_cols(urne_store *s, sqlite3_stmt *st, const struct urne_store_text_col *cols, size_t n, void *base,
                  const char *table, int64_t id);

/* Run a statement that returns no rows; 0 or -1 naming `what`. */
int urne_sql_step_done(urne_store *s, sqlite3_stmt *st, const char *what);

/* Read the audit head into the handle (sqlite_audit.c). 0 or -1. */
int urne_sqlite_load_head(urne_store *s);

#endif
