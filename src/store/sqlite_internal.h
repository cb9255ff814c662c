/*
 * sqlite_internal: what the SQLite store's files share: the handle and the small
 * helpers around statements. Not part of the store's interface.
 */
#ifndef URNE_SQLITE_INTERNAL_H
#define URNE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

#define NCACHED 32

struct urne_store {
    sqlite3 *db;
    char error[512];
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[NCACHED];
    /* The audit head, read at open and advanced by each append; reread on rollback. */
    int64_t head_seq;
    char head_hash[URNE_AUDIT_HASH_HEX];
};

/* Put "what: SQLite's message" in s->error; returns -1. */
int urne_sql_fail(urne_store *s, const char *what);

/* A prepared statement for sql, reset and with bindings cleared. Statements are
 * cached by the address of their text, so sql must be a string literal. */
sqlite3_stmt *urne_sql_stmt(urne_store *s, const char *sql);

/* Bind text, or NULL for a NULL or empty string. */
void urne_sql_bind_text(sqlite3_stmt *st, int i, const char *v);

/* Copy column i as text ("" for NULL). */
void urne_sql_col_copy(sqlite3_stmt *st, int i, char *out, size_t size);

/* Run a statement that returns no rows; 0 or -1 naming `what`. */
int urne_sql_step_done(urne_store *s, sqlite3_stmt *st, const char *what);

#endif
