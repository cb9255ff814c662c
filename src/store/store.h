/*
 * store: where the server keeps everything, behind one interface.
 *
 * The engines never see it; the web adapter and the `urne` command call these
 * functions and nothing else touches the database. The interface is a table of
 * functions (store_backend.h) chosen when the store is opened: the backend. The
 * public functions below and in the domain headers keep one contract whatever the
 * backend; they check what they are given (lengths against the fields that will
 * hold them) and dispatch. Two backends fill the table: SQLite (sqlite_*.c), the
 * embedded default, and PostgreSQL (pg_*.c), for the hosts that need a database
 * server; several urne processes may then share one database.
 *
 * The interface is split by domain, one header each, all included here:
 *   store_users.h      accounts, roles and sessions
 *   store_elections.h  elections, bureaux and their figures, typed entries,
 *                      assignments, publication; the figures' JSON
 *   store_disputes.h   the commission's disputes (récolement)
 *   store_grants.h     the roles accounts hold in spaces below the site
 *   store_audit.h      the audit log, what its entries record, and the rows as
 *                      stored for `urne audit verify`
 *   store_notices.h    the notices administrators publish (the example component)
 *   store_initiatives.h  citizens' initiatives, their rolls and signatures
 *   store_forums.h       forums, their posts and bans
 *   store_mail.h         e-mail confirmation's pending signatures, the mails' outbox
 *   store_rows.h       the whole store as rows, for `urne store copy`
 *
 * Transactions: every mutation runs between urne_store_begin and urne_store_commit
 * (or urne_store_rollback), and appends its audit entry inside the same
 * transaction, so a change and its record land together or not at all. A store is
 * not thread-safe: the server holds one lock around each use.
 *
 * Return values: 0 for success, -1 for a failure whose message is in
 * urne_store_error(); lookups return 1 found, 0 not found, -1 failure.
 *
 * Lengths: the structs hold texts in fixed fields. A value longer than its field
 * is never cut: a write refuses it (naming the limit), and a read that meets one
 * (a row written by hand or by another program) fails, naming the table, the
 * column and the row.
 */
#ifndef URNE_STORE_H
#define URNE_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct urne_store urne_store;

#include "../core/urne_phrase.h"
#include "store_audit.h"
#include "store_disputes.h"
#include "store_elections.h"
#include "store_forums.h"
#include "store_initiatives.h"
#include "store_mail.h"
#include "store_matches.h"
#include "store_notices.h"
#include "store_grants.h"
#include "store_users.h"
#include "store_rows.h"

/* Open the store at `where`, creating and migrating it as needed:
 *   a plain path, or "sqlite:PATH"   the SQLite backend on that file;
 *   "postgresql://..." or            the PostgreSQL backend, through libpq: a URL
 *   "postgres://..."                 (postgresql://USER@HOST:PORT/DBNAME?...), the
 *                                    database existing already;
 *   "service=NAME", "host=... ..."   the same, from a libpq keyword string (one that
 *                                    starts with a keyword libpq knows and '=');
 *   any other "scheme://..."         refused as an unknown backend.
 * NULL with a message in err when it cannot be opened or is from a newer urne;
 * the message names the store as urne_store_where_safe does, never its password. */
urne_store *urne_store_open(const char *where, char *err, size_t errsize);
/* The same, with the failure as a code with parameters in *why (for adapters to
 * word in their reader's language, i18n/): the phrase does not name the store,
 * which the adapter names itself with urne_store_where_safe. urne_store_open's
 * message is this phrase in English after the store's safe name and ": ". */
urne_store *urne_store_open_why(const char *where, urne_phrase *why);
/* `where` as messages may show it (into out, of size bytes, cut when longer): a
 * path as it is; a PostgreSQL URL or keyword string with its password, if any,
 * replaced by *** (user:***@host, password=***). */
void urne_store_where_safe(const char *where, char *out, size_t size);
/* Close the store (NULL: nothing), rolling back a transaction left open. */
void urne_store_close(urne_store *s);
/* The message of the last failure ("" when none yet); valid until the next call. */
const char *urne_store_error(const urne_store *s);
/* The same message as a code with parameters, for adapters to word in their
 * reader's language (i18n/): what the database itself says (SQLite's or
 * PostgreSQL's message) stays a parameter, in the database's words. */
const urne_phrase *urne_store_error_phrase(const urne_store *s);
/* The backend's name: "SQLite" or "PostgreSQL". */
const char *urne_store_backend(const urne_store *s);

/* The schema version the store is at (for tests and `urne --version`), or -1. */
int urne_store_schema_version(urne_store *s);

/* Copy the whole store to the file dest, consistently even while it is written
 * (for SQLite, a database file). 0, or -1 naming dest. On PostgreSQL: -1, saying
 * to use pg_dump (which does the same there). */
int urne_store_backup(urne_store *s, const char *dest);

/* A write transaction: begin takes the write lock (waiting a few seconds for
 * another writer), commit makes everything since durable (and rolls back when it
 * cannot), rollback forgets it. */
int urne_store_begin(urne_store *s);
int urne_store_commit(urne_store *s);
void urne_store_rollback(urne_store *s);

/* A consistent view: from urne_store_read_begin to urne_store_read_end every read
 * sees the store as it was at the first one, even while a server writes, so that
 * the log and the rows verify compares are of the same moment. */
int urne_store_read_begin(urne_store *s);
void urne_store_read_end(urne_store *s);

/* For a long-running process that writes (the server): on SQLite, the WAL copied
 * back into the database by a thread of its own once `pages` pages (4 KiB; 0:
 * the default, 4,096) wait to be; once it has copied all but a few frames, the
 * writer copies those few (urne_store_checkpoint_close, below) so that the WAL
 * starts again from its beginning; past four times `pages`, the commit copies
 * what is left, so that the WAL stays bounded (store/sqlite_checkpoint.c).
 * Stopped by urne_store_close. 0, or -1 naming why; 0 and nothing done on
 * PostgreSQL or a database in memory. urne_store_checkpoints: the checkpoints
 * the thread ran, those commits ran past the bound, and those the writer ran to
 * copy the few frames left (all 0 without one), for tests and the bench. */
int urne_store_checkpointer_start(urne_store *s, int pages);
void urne_store_checkpoints(urne_store *s, int64_t *runs, int64_t *forced, int64_t *closed);
/* For the writer, after a commit and with the lock that covers s let go (the
 * signatures' committer, app/initiative_batch.c): when that commit found the
 * checkpointer all but done, the few frames left copied in the caller's thread
 * on the checkpointer's own connection (s itself not used: other threads may
 * read through it meanwhile), so that the next write starts the WAL again.
 * 1 when it copied; 0 when there was nothing to do (always on PostgreSQL, in
 * memory, without a checkpointer) or the checkpointer's own run held the WAL
 * (the next commit's then). */
int urne_store_checkpoint_close(urne_store *s);

/* For a server, whose requests must not wait for ever on a database that stops
 * answering: on PostgreSQL, a deadline on every round trip the store and its
 * watch make, URNE_PG_TIMEOUT seconds of silence (10 when unset; 0 for none),
 * past which the connection is closed and the store unavailable (503) until the
 * database answers again (store/pg_wait.c). Nothing on SQLite. The commands set
 * none: their long statements (a copy, a verification) are not cut. 0, or -1 with
 * why in err (the variable is not a number of seconds). */
int urne_store_serve_deadline(urne_store *s, char *err, size_t errsize);

/* The current time as the store writes it: "2026-11-23T20:05:07Z". */
void urne_store_now(char out[24]);

/* 1 when the last failure came from the database being out of reach (the
 * connection lost and not yet open again), so that a request can be answered
 * "try again later" (503) rather than "failed" (500); cleared by the next
 * statement that succeeds. SQLite: always 0. Any thread, without the lock (the
 * flag is read atomically). */
int urne_store_unavailable(const urne_store *s);

/* ---- watching the changes other processes make (store_watch.c) ----
 *
 * Several servers may share one PostgreSQL database, and the command line writes
 * to a server's database, SQLite or PostgreSQL, while it runs. Every change appends an
 * audit entry inside its transaction (store_audit.h), and that append also
 * announces the change, in the same transaction, so that it is announced if and
 * only if it is committed: on PostgreSQL a NOTIFY on the channel of its kind
 * (urne_sheet, urne_bureau, urne_dispute, urne_election, urne_user,
 * urne_notice: the audit action's first word), the payload the store's origin
 * and the audit object ("election/3/bureau/12"). A watch is a connection of its
 * own that listens to them all. On SQLite nothing is announced: a watch is a
 * connection of its own that reads the log's new rows (sqlite_watch.c) and reports
 * them as the notifications would have (the kind, the object, the seq and the
 * `after` text); a change that appends no entry (a signature) is not reported there,
 * and only a server makes those. */
typedef struct urne_store_watch urne_store_watch;

/* The longest audit `after` text a change carries to the other processes; a
 * longer one is not carried (its reader reads the database instead). */
#define URNE_STORE_CHANGE_AFTER 1536

/* One change another process committed: its kind (the audit action's first word:
 * "sheet", "dispute"...) and its object ("election/3/bureau/12", "user/4"). When
 * the change appended an audit entry whose `after` text fits, the entry's seq and
 * that text come with it (the state the change left, so that the hearer need not
 * read it back); otherwise seq is 0 and after "". The text is as the notification
 * carried it: a hearer parses it and, if anything in it is not as an urne writes
 * it, reads the database instead. */
typedef struct urne_store_change {
    char kind[16];
    char object[96];
    int64_t seq;
    char after[URNE_STORE_CHANGE_AFTER];
    /* The transaction that made a change appending no audit entry
     * (urne_store_announce: a signature), as the store names it, for
     * urne_store_watch_saw alone; 0 for any other change, or a store that
     * names none (SQLite). */
    uint64_t txn;
} urne_store_change;

/* 1 when the backend can watch (PostgreSQL, SQLite), 0 when it has nothing to watch. */
int urne_store_can_watch(const urne_store *s);

/* Announce a change that writes no audit entry (a signature, which only moves
 * counts), inside the write transaction that makes it, so that the other
 * processes' watches hear it if and when it commits: `action` names its kind by
 * its first word, as an audit entry's does, `object` what it changed (at most 95
 * bytes). 0 (at once, for a backend without a watch), or -1 with the store's
 * error set. */
int urne_store_announce(urne_store *s, const char *action, const char *object);

/* Open a watch on s's database: a connection of its own, listening. Changes made
 * through s itself are not reported (the process knows them already). NULL with
 * a message in err (the store named without its password). The watch belongs to
 * one thread; s may be used meanwhile by others (the watch shares nothing with it
 * after opening). */
urne_store_watch *urne_store_watch_open(urne_store *s, char *err, size_t errsize);

typedef enum {
    URNE_WATCH_QUIET = 0, /* nothing came within the time given */
    URNE_WATCH_CHANGES,   /* out[0..*n) are changes (in the order committed); more may follow */
    URNE_WATCH_RESYNC,    /* the connection was lost and is open again: a change may
                             have been missed, so the caller reloads everything */
    URNE_WATCH_LOST,      /* the connection is lost and could not be opened again yet
                             (urne_store_watch_error says why); call again later */
    URNE_WATCH_RELOAD,    /* the store's own connection lost a commit's answer, whose
                             fate is now settled: the caller reloads everything */
    URNE_WATCH_MISSED     /* another process may have committed a change after the
                             store was opened and before the watch heard anything
                             (while the caller loaded what it holds): the caller
                             reloads everything; said once, at the first wait */
} urne_store_watch_event;

/* Wait up to timeout_ms for changes, and return what came (at most cap of them in
 * out, their number in *n). A lost connection is opened again here (at most once
 * a second): URNE_WATCH_LOST until it is, then URNE_WATCH_RESYNC once. */
urne_store_watch_event urne_store_watch_wait(urne_store_watch *w, int timeout_ms, urne_store_change *out, size_t cap,
                                             size_t *n);
/* The caller has read again, in one read of s (urne_store_read_begin), what it
 * holds of `scope`, an object and everything under it ("initiative/7": its
 * signatures "initiative/7/signed/T1" too), or, scope NULL, everything it
 * holds (after URNE_WATCH_RESYNC, RELOAD or MISSED); and it calls this before
 * its urne_store_read_end. From then on, urne_store_watch_saw answers 1 for a
 * change announced without an audit entry (urne_store_announce) of that scope
 * which this read saw, heard before it was applied or after: so that a count
 * the reload read is not moved again by a signature committed before it (after
 * the watch's LISTEN, or after the change that made the caller read one object
 * again) and heard after. A later read of a scope takes the place of the
 * earlier; a read of everything, of every scope's. 0 (at once, for a backend
 * whose watch needs none: SQLite's hears no such change), or -1 with s's error
 * set (the caller then reloads again). */
int urne_store_watch_seen(urne_store_watch *w, urne_store *s, const char *scope);
/* 1 when c, a change w reported, is one announced without an audit entry (a
 * signature) that a read the caller told w of (urne_store_watch_seen) saw:
 * what the caller holds counts it already, and must not count it again. Asked
 * when the change is applied (a read made while applying an earlier change of
 * the same batch counts). 0 otherwise, and always on a backend whose watch
 * hears no such change (SQLite). */
int urne_store_watch_saw(const urne_store_watch *w, const urne_store_change *c);
/* The last failure's message (the store named without its password). */
const char *urne_store_watch_error(const urne_store_watch *w);
/* Close the watch (NULL: nothing). */
void urne_store_watch_close(urne_store_watch *w);

#endif
