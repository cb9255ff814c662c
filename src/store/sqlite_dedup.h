/*
 * sqlite_dedup: on SQLite, which signatures an initiative already has, held in
 * memory by the store instead of a unique index on disk (issue 18).
 *
 * The store's contract for a signature (store_initiatives.h) is that a second
 * one of the same dedup hash writes nothing and answers 0. PostgreSQL keeps it
 * with a unique index, which several servers need. SQLite kept it the same way
 * until migration 17; but a unique index of random keys takes each new entry at
 * a random leaf, so every signature of a group wrote a page of its own to the
 * WAL and again to the database at the checkpoint: most of the bytes a
 * signature cost (about 12 KB), and a fifth of the server's CPU with them
 * (bench/RESULTS.md). A SQLite database has one writer at a time, which is
 * what lets the check move into memory: under SQLite's write lock, the set
 * this file keeps, once brought up to date with the rows other processes
 * committed, is the table's dedup hashes exactly.
 *
 * So, per initiative, a set of the signatures' dedup hashes (16 bytes of each:
 * a BLAKE2b-128 of the hash's text; two signers colliding on 128 bits is, for
 * any practical purpose, never), loaded
 * at its first use from an index that holds the rows in order of id
 * (`initiative_signatures_order`, whose new entries land at its end), and
 * brought up to date once per write transaction by reading the rows above the
 * highest id it knows: another process's signatures (a second program on the
 * same file) are seen before a row is added, under the same write lock. A row
 * added by this transaction is in the set at once (a second signer of the same
 * group is refused); a rollback drops every set it changed, read again from the
 * index when next needed (rollbacks of signatures are store failures: rare).
 *
 * Memory: 16 bytes a slot, at most 70 % full: 23 to 46 MB a million
 * signatures, held until the store closes, also once the initiative has stopped
 * collecting (letting go of a closed initiative's set is left to do). A table
 * doubles when it is 70 % full, under the application's lock like every
 * signature: at ten million signatures, a pause of the order of a second, once
 * per doubling. Not thread-safe: the store's connection is used by one thread at
 * a time (the application's lock), and so is this.
 */
#ifndef URNE_SQLITE_DEDUP_H
#define URNE_SQLITE_DEDUP_H

#include <stdint.h>

#include "store.h"

typedef struct urne_sqlite_dedup_set urne_sqlite_dedup_set; /* one initiative's (sqlite_dedup.c) */

/* The sets of every initiative signed through this connection, held in the
 * store's handle (zeroed with it: nothing held, no transaction). */
typedef struct urne_sqlite_dedup {
    urne_sqlite_dedup_set *sets;
    size_t n, cap;
    uint64_t serial;    /* write transactions begun, so far */
    int in_transaction; /* one begun by urne_store_begin is open */
} urne_sqlite_dedup;

/* 1 when initiative `id` has a signature whose dedup hash is `dedup`, committed
 * or added by the open write transaction; 0 when not; -1 when the store failed
 * (said on s). Must be called inside a write transaction begun by
 * urne_store_begin (the set is brought up to date under its lock). */
int urne_sqlite_dedup_has(urne_store *s, int64_t id, const char *dedup);

/* The set of initiative id read now if it is not (store_initiatives.h's
 * urne_store_initiative_warm), inside a transaction or not: the rows other
 * processes add after it are read at the next write transaction, as always.
 * 0, or -1 (said on s). */
int urne_sqlite_dedup_warm(urne_store *s, int64_t id);

/* The set of initiative id let go (store_initiatives.h's urne_store_initiative_cool):
 * its memory freed, read again whole if the initiative is ever signed again. Not
 * inside a write transaction (nothing of the set may be pending). Always 0. */
int urne_sqlite_dedup_cool(urne_store *s, int64_t id);

/* Note that the open write transaction added row `row` of initiative `id` with
 * hash `dedup` (after urne_sqlite_dedup_has answered 0 for it): 0, or -1 when
 * out of memory (said on s; the caller rolls back). */
int urne_sqlite_dedup_add(urne_store *s, int64_t id, const char *dedup, int64_t row);

/* The store's transactions: a write transaction begun, committed, rolled back;
 * and the sets freed when the store closes (d zeroed again). */
void urne_sqlite_dedup_begin(urne_sqlite_dedup *d);
void urne_sqlite_dedup_commit(urne_sqlite_dedup *d);
void urne_sqlite_dedup_rollback(urne_sqlite_dedup *d);
void urne_sqlite_dedup_free(urne_sqlite_dedup *d);

#endif
