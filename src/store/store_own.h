/*
 * store_own: the audit seqs a store handle committed itself, as its watch
 * needs them to tell its own changes from the other processes' when it reads
 * the log (store.h: a watch reports only the changes made through other
 * handles). Both watches use it: SQLite's (sqlite_watch.c), whose store notes
 * each transaction in flight before its COMMIT, and PostgreSQL's (pg_watch.c),
 * whose store keeps the sheets it entered once committed (urne_store_own_keep:
 * a row its watch meets before that is read back as another's, a read that
 * costs nothing wrong). Not part of the store's interface.
 *
 * What: ranges of seqs in order (a ring of URNE_STORE_OWN), consecutive ranges
 * merged, and at most one range "in flight": a transaction's seqs noted before
 * its COMMIT is sent and settled after it returns (kept when it committed,
 * dropped when it did not). A reader that meets a seq in flight cannot yet
 * tell whose it is, and waits (urne_store_own_whose answers -1): so a commit
 * the watch sees is never mistaken for another process's, whichever thread
 * gets there first. When the ring is full the oldest range is forgotten: its
 * seqs, if still unread, are read back as another's change (a reload, never a
 * change missed).
 *
 * Why not after the commit only: the watch reads the log beside the writer,
 * from its own connection; between COMMIT's return and the note, it could read
 * the writer's rows and take them for another process's.
 */
#ifndef URNE_STORE_OWN_H
#define URNE_STORE_OWN_H

#include <pthread.h>
#include <stdint.h>

/* Ranges kept: a watch reads the log at least every second, and PostgreSQL's
 * handle starts a new range at each commit another server's preceded (two
 * servers entering thousands of sheets a minute in turn). 64 KiB a handle. */
#define URNE_STORE_OWN 4096

typedef struct urne_store_own {
    pthread_mutex_t lock;
    int on; /* a watch is open: the handle notes its seqs (else nothing is kept) */
    int64_t first[URNE_STORE_OWN], last[URNE_STORE_OWN];
    size_t start, n;
    int64_t flight_first, flight_last; /* 0: none in flight */
} urne_store_own;

/* Initialise (nothing kept, off) / release. */
void urne_store_own_init(urne_store_own *o);
void urne_store_own_destroy(urne_store_own *o);
/* Start (1) or stop (0) keeping seqs: a watch opened or closed. Stopping
 * forgets every range. */
void urne_store_own_switch(urne_store_own *o, int on);
/* Whether seqs are kept (a watch is open). */
int urne_store_own_on(urne_store_own *o);
/* A transaction's seqs first..last (first <= last, first >= 1), about to be
 * committed: noted in flight (nothing when off). Before the COMMIT is sent. */
void urne_store_own_flight(urne_store_own *o, int64_t first, int64_t last);
/* A transaction's seqs first..last (first <= last, first >= 1), committed:
 * kept at once, with no flight (nothing when off). */
void urne_store_own_keep(urne_store_own *o, int64_t first, int64_t last);
/* The transaction in flight settled: its range kept when committed, dropped
 * when not. After COMMIT (or ROLLBACK) returns; nothing when none is in flight. */
void urne_store_own_settle(urne_store_own *o, int committed);
/* Whose is seq: 1 this handle's (committed), 0 another's, -1 in flight (ask
 * again: it settles as soon as its COMMIT returns). The log is read in order of
 * seq: the ranges below seq are forgotten on the way. */
int urne_store_own_whose(urne_store_own *o, int64_t seq);
/* Move *cursor (the log read up to it) past this handle's committed ranges that
 * follow it with no other seq between, forgetting them: a server that alone
 * writes reads none of its rows back. */
void urne_store_own_skip(urne_store_own *o, int64_t *cursor);

#endif
