/*
 * store_rows: a whole store as rows, for `urne store copy`, which moves a store
 * from one backend to another (SQLite to PostgreSQL when a site outgrows one
 * machine, PostgreSQL to SQLite for an archive or a test), audit chain included.
 *
 * Why rows and not the domain functions: copying through urne_store_user_create,
 * urne_store_election_create... would run the server's logic again, append new
 * audit entries with new times and hashes, and lose what the log proves. A copy
 * must be the same store: the same ids, the same password hashes, the same
 * entries, disputes and publications, and the audit log verbatim (the same seq,
 * times, texts and hashes, in the same order), so that `urne audit verify` at the
 * destination replays the log against the rows and finds them as they were.
 *
 * So the interface describes its tables once (urne_store_tables, store_rows.c:
 * name, columns, which are integers, the order of the primary key), and each
 * backend knows only how to read a table's rows in that order as texts and how to
 * insert such rows (SQLite: one prepared INSERT; PostgreSQL: COPY FROM STDIN).
 * Both backends' schemas have the same tables and columns (sqlite_store.c,
 * pg_migrations.c), so the same description serves both and the copy works in every
 * direction without SQL that knows two dialects. A value travels as its text
 * (an integer as its decimal digits) or NULL, never converted otherwise.
 *
 * Sessions are not copied: a copy is for another server, and a session is a
 * login to this one; people log in again. Every other table is.
 *
 * The description is written for one schema version (URNE_STORE_ROWS_SCHEMA): a
 * copy refuses a store at another version, and reading a table refuses one with a
 * column the description lacks, so that a migration that adds a table or a column
 * cannot be silently left behind by a copy.
 */
#ifndef URNE_STORE_ROWS_H
#define URNE_STORE_ROWS_H

#include <stddef.h>
#include <stdint.h>

/* The schema version the table descriptions below are written for. */
#define URNE_STORE_ROWS_SCHEMA 18
/* The most columns a table has (elections). */
#define URNE_STORE_ROWS_MAXCOLS 24

typedef struct urne_store_table {
    const char *name;
    int ncolumns;
    const char *columns[URNE_STORE_ROWS_MAXCOLS];
    uint32_t integers;    /* bit i: column i holds integers */
    const char *order;    /* the primary key's columns, "a, b": rows are read in that order */
    const char *identity; /* the column PostgreSQL generates (its sequence set after a copy), or NULL */
} urne_store_table;

/* Every table a copy moves, in an order that inserts each row after the rows it
 * refers to (users before bureaux, disputes in the order of their ids). */
extern const urne_store_table urne_store_tables[];
extern const size_t urne_store_ntables;

/* A row: ncolumns values, each a NUL-terminated text or NULL for SQL NULL. */
typedef int (*urne_store_row_fn)(const char *const *values, void *ctx);

/* The number of rows of t in *n. 0 or -1. */
int urne_store_rows_count(urne_store *s, const urne_store_table *t, int64_t *n);
/* Call fn with each row of t, in the order of t->order; a non-zero return from fn
 * stops and is returned. -1 on failure, also when the table has a column t does
 * not describe, or an integer column holds something else. Inside a read
 * transaction (urne_store_read_begin), so that all tables are of one moment. */
int urne_store_rows_each(urne_store *s, const urne_store_table *t, urne_store_row_fn fn, void *ctx);
/* Inserting rows into t, inside a write transaction: put_begin gives a writer,
 * put inserts one row, put_end finishes and frees the writer (NULL: nothing),
 * returning -1 when the writer has failed before. One writer at a time on a store.
 * put_begin: NULL on failure; put, put_end: 0 or -1 (the write then to be rolled
 * back), the failing row named by the message when the backend can. */
typedef struct urne_store_rows_writer urne_store_rows_writer;
urne_store_rows_writer *urne_store_rows_put_begin(urne_store *s, const urne_store_table *t);
int urne_store_rows_put(urne_store_rows_writer *w, const char *const *values);
int urne_store_rows_put_end(urne_store_rows_writer *w);
/* After rows were put, still inside the write transaction: the store takes up
 * what they hold (PostgreSQL's id sequences continue after the largest id; the
 * audit head as the rows now say). 0 or -1. */
int urne_store_rows_settle(urne_store *s);

/* What a copy did, table by table (indexes as urne_store_tables). */
typedef struct urne_store_transfer_stats {
    int64_t rows[32];
    int64_t total;
    int64_t head_seq;                   /* the audit head copied */
    char head_hash[URNE_AUDIT_HASH_HEX];
    const char *table;                  /* URNE_STORE_TRANSFER_NOT_EMPTY: the first table found with rows */
    int64_t table_rows;                 /* ... and how many */
    int64_t bad_seq;                    /* URNE_STORE_TRANSFER_CHAIN: the entry where the chain breaks */
    char why[300];                      /* ... and why */
} urne_store_transfer_stats;

/* Progress of a copy: rows copied so far of the total, table being copied. */
typedef void (*urne_store_progress_fn)(const char *table, int64_t done, int64_t total, void *ctx);

#define URNE_STORE_TRANSFER_FAILED -1    /* message in err */
#define URNE_STORE_TRANSFER_NOT_EMPTY -2 /* the destination holds rows: st->table, st->table_rows */
#define URNE_STORE_TRANSFER_CHAIN -3     /* the copied chain does not verify: st->bad_seq, st->why */
#define URNE_STORE_TRANSFER_SCHEMA -4    /* a store is not at URNE_STORE_ROWS_SCHEMA: message in err */

/* Copy every table of `from` into `to`, which must hold no rows at all: the
 * source read in one read transaction, the destination written in one write
 * transaction, then the audit chain checked there, entry by entry from the first,
 * and its head compared with the source's, before the commit. On any failure the
 * destination is rolled back: nothing of the copy stays. progress (NULL: none) is
 * called every few thousand rows. 0 with st filled, or a URNE_STORE_TRANSFER_*
 * code (err, of errsize bytes, says which store and what, for FAILED and SCHEMA).
 * A source with no row at all is refused (FAILED): a copy of nothing is a mistake. */
int urne_store_transfer(urne_store *from, urne_store *to, urne_store_progress_fn progress, void *ctx,
                        urne_store_transfer_stats *st, char *err, size_t errsize);

#endif
