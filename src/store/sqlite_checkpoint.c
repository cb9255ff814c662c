/*
 * sqlite_checkpoint: the WAL copied back into the database by a thread of its
 * own, off the writers' path (issue 18).
 *
 * What: a server (urne_store_checkpointer_start) opens a second connection on
 * its database, held by a checkpointer thread, and turns the main connection's
 * automatic checkpoint off. After each commit, SQLite calls `wal_hook` with the
 * frames the WAL holds: past `pages` frames not yet copied, the hook wakes the
 * checkpointer, which copies them with a PASSIVE checkpoint (it takes no lock a
 * writer or a reader waits for: it copies what no reader still needs, and a
 * writer goes on appending meanwhile), then again, at most a few times, while
 * frames were appended during its run, so that it ends with the WAL wholly
 * copied whenever the writers pause, and the next write starts the WAL again
 * from its beginning (SQLite reuses the file: its size stays bounded).
 *
 * Why: the automatic checkpoint ran inside the commit that crossed its size,
 * in the committing thread, under the application's lock: every request waited
 * for some 16 MiB copied and the database file's fsync (9 % of a signature's
 * server time, and much of the p99, bench/RESULTS.md).
 *
 * Bounded: under writes that never pause, the WAL could never be wholly
 * copied, and would grow. Past 4 x `pages` frames, the hook copies what is
 * left itself, as the automatic checkpoint did (PASSIVE: little is left, the
 * checkpointer having copied the rest; SQLite answers BUSY at once while the
 * checkpointer runs, and the next commit tries again); past 8 x `pages`, a FULL
 * checkpoint, which first waits for the checkpointer's run to end (SQLite would
 * not), then (the connection's busy timeout) for readers on older snapshots. Durability is the commit's, unchanged: a
 * checkpoint copies only committed frames, and syncs the WAL before and the
 * database after, whichever connection runs it.
 *
 * Started again (issue 18, sign18d): the WAL starts again from its beginning
 * only when a write begins with every frame copied, which the thread, running
 * beside the writers, never sees under writes that do not pause: frames are
 * appended during its run. So the WAL always grew to the bound, and the commit
 * that crossed it copied every frame since the thread's last run under the
 * writers' lock: 40 to 180 ms every second and a half while signing, the
 * signatures' p99 (bench/RESULTS.md). Now the thread runs again while the
 * commits appended more than `pages` / 32 frames during its run, and the first
 * commit that finds all copied but those few and its own marks them: the
 * writer copies them (a few pages and two syncs, on the checkpointer's
 * connection) once it has let its lock go and answered its signatures
 * (urne_store_checkpoint_close, from the signatures' committer), before it
 * writes again, so that its next write starts the WAL again: the bound is
 * reached only when the thread cannot keep up, or when no writer calls it.
 *
 * Without a checkpointer (the command line's one-shot commands, tests) the
 * main connection keeps SQLite's automatic checkpoint (sqlite_store.c).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "sqlite_internal.h"
#include "sqlite_walbuf.h"

#define PASSES 8 /* runs of a wake-up, while frames were appended during the last */

struct urne_sqlite_checkpointer {
    pthread_mutex_t mu;
    pthread_cond_t wake;     /* the checkpointer's: wanted, or stopping */
    pthread_cond_t idle;     /* no checkpoint running: active went to 0 */
    pthread_t thread;
    sqlite3 *db;     /* the checkpointer's own connection */
    int pages;       /* frames not yet copied that wake the checkpointer */
    int copied;      /* frames of the WAL copied by its last run (under mu) */
    int wanted;      /* woken, not yet run (under mu) */
    int stopping;    /* under mu */
    int active;      /* a checkpoint runs, the thread's or the hook's FULL one (under mu) */
    int64_t runs;    /* checkpoints run by the thread (under mu) */
    int64_t forced;  /* run by the hook, the WAL past its bound (under mu) */
    int64_t closed;  /* run by the hook, the few frames left after the thread's (under mu) */
    int frames;      /* the WAL's frames at the last commit (under mu) */
    int closing;     /* the last commit found few frames left: urne_sqlite_checkpointer_close's (under mu) */
};

/* A FULL checkpoint run by the hook, the checkpointer's thread kept out (a
 * checkpoint of its own would make SQLite answer BUSY at once, without waiting). */
static void checkpoint_full(urne_sqlite_checkpointer *c, sqlite3 *db, const char *name) {
    pthread_mutex_lock(&c->mu);
    while (c->active) pthread_cond_wait(&c->idle, &c->mu);
    c->active = 1;
    pthread_mutex_unlock(&c->mu);
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_FULL, NULL, NULL);
    pthread_mutex_lock(&c->mu);
    c->active = 0;
    pthread_cond_broadcast(&c->idle);
    pthread_mutex_unlock(&c->mu);
}

int urne_sqlite_checkpointer_close(urne_store *s) {
    urne_sqlite_checkpointer *c = urne_sq(s)->checkpointer;
    if (c == NULL) return 0;
    pthread_mutex_lock(&c->mu);
    int now = c->closing && !c->active && !c->stopping;
    if (now) c->active = 1;
    c->closing = 0;
    pthread_mutex_unlock(&c->mu);
    if (!now) return 0;
    int log = 0, done = 0; /* the checkpointer's connection: its thread kept out by `active` */
    int rc = sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    pthread_mutex_lock(&c->mu);
    c->active = 0;
    if (rc == SQLITE_OK) {
        c->closed++;
        c->copied = done;
    }
    pthread_cond_broadcast(&c->idle);
    pthread_mutex_unlock(&c->mu);
    return rc == SQLITE_OK;
}

/* SQLite's WAL hook on the main connection: after every commit, in the
 * committing thread (the application's lock held). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames) {
    urne_sqlite_checkpointer *c = arg;
    if (frames >= 4 * c->pages) {
        if (frames >= 8 * c->pages)
            checkpoint_full(c, db, name);
        else
            sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL); /* BUSY: the next commit's */
        pthread_mutex_lock(&c->mu);
        c->forced++;
        c->frames = frames;
        pthread_mutex_unlock(&c->mu);
        return SQLITE_OK;
    }
    pthread_mutex_lock(&c->mu);
    if (frames < c->copied) c->copied = 0; /* the WAL started again from its beginning */
    int last = frames >= c->frames ? c->frames : 0;
    c->frames = frames;
    /* Past `pages`, and all copied but this commit's frames and a few more: the
     * rest to be copied by the writer once its lock is let go
     * (urne_sqlite_checkpointer_close), so that the WAL starts again at the
     * next write, long before its bound, whose copy under the lock was every
     * frame since the thread's last run (tens of ms: the p99). */
    c->closing = frames >= c->pages && !c->active && !c->wanted &&
                 frames - c->copied <= c->pages / 32 + (frames - last);
    if (!c->closing && frames - c->copied >= c->pages && !c->wanted) {
        c->wanted = 1;
        pthread_cond_signal(&c->wake);
    }
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

static void *checkpointer(void *arg) {
    urne_sqlite_checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while ((!c->wanted || c->active) && !c->stopping) pthread_cond_wait(c->active ? &c->idle : &c->wake, &c->mu);
        if (c->stopping) break;
        c->active = 1;
        pthread_mutex_unlock(&c->mu);
        int log = 0, done = 0, rc = SQLITE_OK;
        for (int pass = 0; pass < PASSES; pass++) {
            rc = sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &done);
            if (rc != SQLITE_OK) break; /* BUSY: the hook's own run; an error: the next wake-up */
            pthread_mutex_lock(&c->mu); /* again while commits appended more than a few frames meanwhile */
            int behind = c->frames - done;
            pthread_mutex_unlock(&c->mu);
            if (done < log) continue;
            if (behind <= c->pages / 32) break;
        }
        pthread_mutex_lock(&c->mu);
        c->runs++;
        c->copied = rc == SQLITE_OK && done > 0 ? done : c->copied;
        c->wanted = 0;
        c->active = 0;
        pthread_cond_broadcast(&c->idle);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

int urne_sqlite_checkpointer_start(urne_store *s, int pages) {
    urne_sqlite *q = urne_sq(s);
    if (q->checkpointer) return 0;
    const char *path = sqlite3_db_filename(q->db, "main");
    if (path == NULL || *path == '\0') return 0; /* in memory: no WAL */
    urne_sqlite_checkpointer *c = calloc(1, sizeof *c);
    if (c == NULL) return urne_store_fail(s, "out of memory starting the checkpointer");
    c->pages = pages > 0 ? pages : URNE_SQLITE_CHECKPOINT_PAGES;
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, urne_sqlite_walbuf_vfs()) != SQLITE_OK ||
        sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
        urne_store_fail(s, "starting the checkpointer: %s", sqlite3_errmsg(c->db));
        sqlite3_close(c->db);
        free(c);
        return -1;
    }
    sqlite3_busy_timeout(c->db, 5000);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->wake, NULL);
    pthread_cond_init(&c->idle, NULL);
    if (pthread_create(&c->thread, NULL, checkpointer, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->wake);
        pthread_cond_destroy(&c->idle);
        sqlite3_close(c->db);
        free(c);
        return urne_store_fail(s, "cannot start the checkpointer's thread");
    }
    q->checkpointer = c;
    sqlite3_wal_hook(q->db, wal_hook, c); /* replaces the automatic checkpoint */
    return 0;
}

void urne_sqlite_checkpointer_stop(urne_sqlite *q) {
    urne_sqlite_checkpointer *c = q->checkpointer;
    if (c == NULL) return;
    sqlite3_wal_autocheckpoint(q->db, URNE_SQLITE_CHECKPOINT_PAGES); /* the hook gone before c */
    pthread_mutex_lock(&c->mu);
    c->stopping = 1;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    sqlite3_close(c->db);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->wake);
    pthread_cond_destroy(&c->idle);
    free(c);
    q->checkpointer = NULL;
}

void urne_sqlite_checkpointer_counts(urne_store *s, int64_t *runs, int64_t *forced, int64_t *closed) {
    urne_sqlite_checkpointer *c = urne_sq(s)->checkpointer;
    *runs = *forced = *closed = 0;
    if (c == NULL) return;
    pthread_mutex_lock(&c->mu);
    *runs = c->runs;
    *forced = c->forced;
    *closed = c->closed;
    pthread_mutex_unlock(&c->mu);
}
