/*
 * watch: several urne servers on one PostgreSQL database, each keeping its own
 * elections in memory and its own page cache, see one another's changes; and a
 * server, on either store, sees what the command line writes beside it (an
 * initiative created, a roll, letter codes, an election imported, an account).
 *
 * The store announces every committed change (store.h: on PostgreSQL a NOTIFY
 * sent in the change's transaction, on the channel of its kind, naming its audit
 * object; on SQLite the audit log's rows, read by the watch: store/sqlite_watch.c)
 * and gives a watch, a connection of its own that hears them. This file decides what
 * a change means for what the server holds, which is the application's business,
 * not the store's: one thread waits on the watch without the lock, and for each
 * batch of changes it takes the application's lock and
 *
 *   - patches each sheet a change names ("election/N/bureau/B", or the bureau of
 *     "election/N/dispute/D": a sheet entered, contested, decided, escalated),
 *     applied as the use case that made it applied it after its commit
 *     (results_live's sums patched, not rebuilt): a sheet entered from the
 *     record its notification carries (its audit entry's "sheet" record and seq,
 *     store/pg_watch.c), with no read at all; any other sheet's change, or a
 *     record that cannot be trusted to be the newest state (below), by reading
 *     its row again, and then the election's record (a contest may reopen its
 *     publication; an entry never does); so that a server taking thousands of
 *     entries a minute through another costs each of the others no query per
 *     sheet, and never a reload of 70,000 bureaux;
 *   - reloads whole, once per batch, each election named otherwise (a
 *     publication, an election created or imported, an assignment) or whose
 *     sheet could not be patched;
 *   - then runs the change hook once (urne_app_changed), which reads the audit
 *     log's head again and drops the cached pages: only that election's (and
 *     the lists) when sheets of one election were patched, every page after a
 *     reload;
 *   - counts a signature made elsewhere ("initiative/N/signed/TERRITORY", which
 *     the store announces though it writes no audit entry) without reading
 *     anything, unless a read made since its commit already counted it (the
 *     last reload of everything, or of that initiative: the store says so,
 *     urne_store_watch_saw), and reads an initiative again whole, row and
 *     counts in one read told to the watch, for any other change to it (a
 *     transition, a roll, an invalidation);
 *   - counts a post sent elsewhere in the forums' rates of the hour and recent
 *     texts ("forum/N/posted/...", app/forum_post.c), so that a robot is not
 *     let through by sending to each server in turn;
 *   - moves a forum's counts of messages and participants by the post published
 *     or withdrawn elsewhere ("forum/N/tally/+AUTHOR", announced as signatures
 *     are: app/forum_tally.c), and drops the cached pages, which show them;
 *   - accounts, grants, sessions, notices and the forums' posts need no reload:
 *     they are read from the store at each request (a session at the first
 *     request of each second: users.c; an assignment, which nothing takes back,
 *     until it is found: results_entry.c); only the cached pages that show them
 *     go.
 *
 * Own changes are not heard (the store skips its own origin): the use case that
 * made them already patched memory after its commit.
 *
 * A carried record is applied only when it is newer than what memory holds of
 * its sheet, for memory may already hold a later state: this server's own entry
 * made after it (notifications come in commit order, but a server's own commit
 * patches memory at once), or a row read back (a read sees every commit, heard
 * or not). So each sheet keeps the audit seq as of which memory holds it
 * (app.h's `seen`: the store's head as last known when a use case or a read
 * patched it, urne_store_audit_known; the record's seq when one did), each
 * election a `floor` (unknown, INT64_MAX, from its load until the watch has read
 * the head after it), and a record not above both is not applied: the row is
 * read instead, and after a batch that read rows the head is read from the
 * database (urne_store_audit_head_now) and becomes their sheets' `seen`. A
 * record that is not as urne writes it (urne_audit_sheet_after, strict: a known
 * state, integer counts), of another bureau, or whose figures do not fit the
 * contest, is read back the same way: a garbled payload costs a read, never a
 * wrong state (tests/pg/test_multi_payload.py).
 *
 * When the watch's connection is lost, a line says so once, and the watch tries
 * again every second; when it is open again, a notification may have been missed
 * (PostgreSQL keeps none for a session that was not listening), so every election
 * is reloaded, with a line saying why. So too at start when another process
 * committed something while this server loaded, before its watch listened
 * (URNE_WATCH_MISSED: store/pg_watch.c). A reload that fails (the database gone
 * again) is tried again at the next turn, until one succeeds. A reload reads
 * everything in one read of the store (one snapshot) after the watch listens
 * again, and tells the watch of it: a signature committed in between is both
 * in what it reads and heard after it, and the store answers it seen, so that it
 * is counted once (a count moved, not read, would otherwise be one too many).
 * An initiative read again alone does the same for that initiative alone
 * (in_one_read, shared): a signature of it committed after the change that made
 * it read, and before the read, is heard after the read (notifications come in
 * the order committed), in the same batch or a later one; the store keeps that
 * read's snapshot for the objects "initiative/N..." only, since it holds no
 * other initiative's counts, and is asked when the signature is applied
 * (tests/pg/test_multi_reload.py).
 *
 * A change is applied here some milliseconds after its commit elsewhere, a sheet
 * entered up to the store's window later (the store announces sheets entered in
 * batches and reads them from the log: store/pg_watch.c; the measured delay is in
 * README.md). What is decided in between does not rest on
 * that: entering, contesting, deciding and escalating read the sheet's row again
 * once the store's write lock is held (urne_results_begin_sheet) and, when
 * another server changed it, patch memory and decide again, so that the act is
 * refused as its state refuses it (a bureau contested, a dispute decided) with
 * nothing written; and the store's writes that rest on a state check it in the
 * statement that writes (one open dispute per bureau, a decision only of an open
 * dispute, an escalation only of a decided one, no publication while a bureau is
 * contested: store_disputes.h, store_elections.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/urne_mem.h"
#include "../core/urne_time.h"
#include "forum_internal.h"
#include "initiative_internal.h"
#include "results_internal.h"
#include "watch.h"

#define BATCH 64        /* changes read per turn */
#define TURN_MS 200     /* how long a turn waits: the delay to stop the thread */

struct urne_app_watch {
    urne_app *app;
    urne_store_watch *w;
    pthread_t thread;
    int stop; /* __atomic */
};

/* The election an object names ("election/N" or "election/N/..."), or 0; *rest
 * the part after the id. */
static int64_t object_election(const char *object, const char **rest) {
    if (strncmp(object, "election/", 9) != 0) return 0;
    char *end;
    long long id = strtoll(object + 9, &end, 10);
    *rest = end;
    return id > 0 && (*end == 0 || *end == '/') ? (int64_t)id : 0;
}

/* Read one sheet of e again from the store and patch it in memory as a use case
 * does after its commit (results_live's sums included). 0, or -1 (then the
 * election is reloaded whole). */
static int patch_sheet(urne_app *app, urne_election *e, size_t bureau) {
    if (bureau >= e->round->nsheets) return -1;
    urne_bureau_info info;
    urne_figures f = {0};
    int rc = urne_store_bureau_get(app->store, e->meta.id, bureau, &info, &f);
    size_t ncand = e->round->contests[e->round->sheets[bureau].contest].ncand;
    int counts = rc == 1 && urne_sheet_state_counts(info.state);
    if (rc >= 0 && (!counts || f.nvotes == ncand))
        urne_results_apply(app, e, bureau, &info, counts ? &f : NULL);
    else
        rc = -1;
    urne_figures_free(&f);
    return rc < 0 ? -1 : 0;
}

/* Patch sheet `bureau` of e from the record change c carries (a sheet entered
 * elsewhere: its audit entry's "sheet" record and seq, pg_watch.c), with no read:
 * 0, or -1 when it cannot be trusted to be the sheet's newest state (no record,
 * one not as urne writes it, of another bureau, figures that do not fit the
 * contest, or a seq not above what memory holds of the sheet: e->floor and
 * e->seen): the caller then reads the row. */
static int patch_carried(urne_app *app, urne_election *e, size_t bureau, const urne_store_change *c) {
    if (strcmp(c->kind, "sheet") != 0 || c->seq <= 0 || c->seq <= e->floor ||
        (e->seen && c->seq <= e->seen[bureau]) || bureau >= e->round->nsheets)
        return -1;
    size_t b;
    urne_bureau_info info;
    urne_figures f = {0};
    int has = 0;
    if (urne_audit_sheet_after(c->after, &b, &info, &f, &has) < 0) return -1;
    size_t ncand = e->round->contests[e->round->sheets[bureau].contest].ncand;
    int counts = urne_sheet_state_counts(info.state);
    int rc = b == bureau && (!counts || (has == 1 && f.nvotes == ncand)) ? 0 : -1;
    if (rc == 0) {
        urne_results_apply(app, e, bureau, &info, counts ? &f : NULL);
        urne_results_seen(e, bureau, c->seq);
    }
    urne_figures_free(&f);
    return rc;
}

/* The bureau a change's object names within its election ("/bureau/B", or the
 * bureau of "/dispute/D"): 1 with it in *bureau, 0 when it names none. */
static int object_bureau(urne_app *app, const char *rest, size_t *bureau) {
    char *end;
    if (strncmp(rest, "/bureau/", 8) == 0) {
        unsigned long long b = strtoull(rest + 8, &end, 10);
        *bureau = (size_t)b;
        return end != rest + 8 && *end == 0;
    }
    if (strncmp(rest, "/dispute/", 9) == 0) {
        long long id = strtoll(rest + 9, &end, 10);
        urne_dispute d;
        if (end == rest + 9 || *end || urne_store_dispute_get(app->store, id, &d) != 1) return 0;
        *bureau = d.bureau;
        return 1;
    }
    return 0;
}

/* Add id to the set (of at most BATCH). */
static void set_add(int64_t *set, size_t *n, int64_t id) {
    for (size_t k = 0; k < *n; k++)
        if (set[k] == id) return;
    if (*n < BATCH) set[(*n)++] = id;
}

/* A line on standard error for each election or initiative read again whole
 * because another process changed it (a sheet patched or a signature counted
 * says none: they come by thousands): the administrator who imported or
 * created something with the command line sees the server take it, and the
 * tests count them (a server's own changes never make one). */
static void said_read_again(const char *what, int64_t id) {
    char at[24];
    urne_store_now(at);
    fprintf(stderr, "urne: %s %s %lld, changed by another process, read again\n", at, what, (long long)id);
}

/* fn(app, ctx) reading what the app holds of `scope` (an object and what is
 * under it; NULL: everything) in one read of the store (one snapshot), which the
 * watch is then told of (urne_store_watch_seen): a signature that read counted,
 * committed before it and heard after it, is answered seen
 * (urne_store_watch_saw) and not counted again. 0, or -1 (the store's error set:
 * fn's failure, or the read's). Under the lock. */
static int in_one_read(struct urne_app_watch *aw, const char *scope, int (*fn)(urne_app *app, void *ctx), void *ctx) {
    urne_app *app = aw->app;
    int reading = urne_store_read_begin(app->store) == 0, rc = reading ? 0 : -1;
    if (rc == 0) rc = fn(app, ctx);
    if (rc == 0) rc = urne_store_watch_seen(aw->w, app->store, scope);
    if (reading) urne_store_read_end(app->store); /* the failure, if any, kept: the caller says it */
    return rc;
}

static int reload_one(urne_app *app, void *id) { return urne_app_initiative_reload(app, *(int64_t *)id); }

/* A change to initiative N ("initiative/N..."): a signature elsewhere
 * ("initiative/N/signed/TERRITORY") counted as the use case counts its own,
 * unless a read of it since its commit counted it (urne_store_watch_saw); any
 * other (a transition, a roll, an invalidation, a signature of a territory too
 * long to name) the initiative read again whole, row and counts in one read told
 * to the watch (in_one_read: a signature of it committed before that read and
 * heard after, in this batch or a later one, is then not counted twice). 0 a
 * signature counted (no page need go: they show counts a second at most,
 * web/cache.c), 1 read again, -1 when it could not be. */
static int apply_initiative(struct urne_app_watch *aw, const urne_store_change *c) {
    urne_app *app = aw->app;
    char *end;
    long long id = strtoll(c->object + 11, &end, 10);
    if (id <= 0 || (*end && *end != '/')) return 1;
    urne_initiative_held *h = urne_app_initiative_find(app, id, NULL);
    int signed_elsewhere = strncmp(end, "/signed/", 8) == 0;
    if (h && signed_elsewhere && urne_store_watch_saw(aw->w, c)) return 0; /* a read since counted it */
    if (h && signed_elsewhere && urne_app_initiative_count(h, end + 8, 0, 1) == 0) {
        char today[24]; /* its day in the chart over time: the day it is heard of (initiative_days.c) */
        urne_time_iso(urne_app_initiative_now(app), today);
        if (urne_app_initiative_day(h, today, 1) == 0) return 0;
    }
    char scope[48];
    int64_t which = id;
    snprintf(scope, sizeof scope, "initiative/%lld", id);
    if (in_one_read(aw, scope, reload_one, &which) < 0) return -1;
    said_read_again("initiative", id);
    return 1;
}

/* What one batch read from the store besides the records it carried: the sheets
 * read back (their `seen` set once the head is read after them), the elections
 * whose floor is still unknown. */
typedef struct batch_reads {
    int64_t election[BATCH], floor[BATCH];
    size_t bureau[BATCH], nread, nfloor;
} batch_reads;

/* A sheet of e named by a change: patched from the record the change carries, or
 * read back (then counted in r). 0, or -1 (the election is then reloaded). */
static int patch_change(urne_app *app, urne_election *e, size_t bureau, const urne_store_change *c, batch_reads *r,
                        int *carried) {
    if (e->floor == INT64_MAX) set_add(r->floor, &r->nfloor, e->meta.id);
    *carried = patch_carried(app, e, bureau, c) == 0;
    if (*carried) return 0;
    if (patch_sheet(app, e, bureau) < 0) return -1;
    if (e->seen == NULL) urne_results_seen(e, bureau, 1);
    if (e->seen) e->seen[bureau] = INT64_MAX; /* no record applied over it until the head is read */
    if (r->nread < BATCH) {
        r->election[r->nread] = e->meta.id;
        r->bureau[r->nread++] = bureau;
    } else
        e->floor = INT64_MAX;
    return 0;
}

/* After the batch's reads: the head read (never from memory), so that a record
 * not above it is not applied over what was read: it may be older. */
static void batch_head(urne_app *app, const batch_reads *r) {
    int64_t head;
    char hash[URNE_AUDIT_HASH_HEX];
    if ((r->nread == 0 && r->nfloor == 0) || urne_store_audit_head_now(app->store, &head, hash) < 0) return;
    for (size_t k = 0; k < r->nfloor; k++) {
        urne_election *e = urne_app_election(app, r->floor[k]);
        if (e && e->floor == INT64_MAX) e->floor = head;
    }
    for (size_t k = 0; k < r->nread; k++) {
        urne_election *e = urne_app_election(app, r->election[k]);
        if (e && e->seen && r->bureau[k] < e->round->nsheets) e->seen[r->bureau[k]] = head;
    }
}

/* Apply one batch under the lock: a change to one sheet (entered, contested,
 * decided: its object names the bureau or the dispute) is patched in place, from
 * the record it carries (a sheet entered) or else one row read, and then the
 * election's record read again (a contest may reopen its publication; an entry
 * never changes it); anything else about an election reloads it whole. 0, or -1
 * when an election could not be read again (everything is then reloaded at the
 * next turn). */
static int apply(struct urne_app_watch *aw, const urne_store_change *ch, size_t n) {
    urne_app *app = aw->app;
    int64_t reload[BATCH], patched[BATCH];
    size_t nreload = 0, npatched = 0;
    int rc = 0, signatures_only = 1;
    batch_reads reads = {.nread = 0};
    pthread_mutex_lock(&app->lock);
    for (size_t i = 0; i < n; i++) {
        const char *rest = "";
        int counted = strncmp(ch[i].object, "initiative/", 11) == 0 ? apply_initiative(aw, &ch[i]) : 1;
        /* A tally's move the last reload saw: in the tally read since (the reload forgot them all). */
        int tally_seen = strncmp(ch[i].object, "forum/", 6) == 0 && strstr(ch[i].object, "/tally/") &&
                         urne_store_watch_saw(aw->w, &ch[i]);
        if (!tally_seen && !urne_app_forum_tally_heard(app, ch[i].object)) /* published or withdrawn elsewhere */
            urne_app_forum_post_heard(app, ch[i].object); /* a post sent elsewhere: the rates' */
        if (counted < 0) {
            fprintf(stderr, "urne: %s, changed by another server, could not be read again (%s)\n", ch[i].object,
                    urne_store_error(app->store));
            rc = -1;
        }
        signatures_only &= counted == 0;
        int64_t id = object_election(ch[i].object, &rest);
        if (id == 0) continue; /* accounts, grants, notices: read from the store at each request */
        urne_election *e = urne_app_election(app, id);
        size_t bureau;
        int carried = 0;
        if (e && object_bureau(app, rest, &bureau) && patch_change(app, e, bureau, &ch[i], &reads, &carried) == 0) {
            if (!carried) set_add(patched, &npatched, id); /* its record read again below */
        } else
            set_add(reload, &nreload, id);
    }
    batch_head(app, &reads);
    for (size_t k = 0; k < nreload && rc == 0; k++)
        if (urne_app_election_reload(app, reload[k]) < 0) {
            fprintf(stderr, "urne: election %lld, changed by another server, could not be read again (%s); "
                            "everything will be reloaded\n",
                    (long long)reload[k], urne_store_error(app->store));
            rc = -1;
        } else
            said_read_again("election", reload[k]);
    for (size_t k = 0; k < npatched && rc == 0; k++) {
        urne_election *e = urne_app_election(app, patched[k]);
        urne_election_meta meta;
        if (e && urne_store_election_meta(app->store, patched[k], &meta) == 1)
            e->meta = meta;
        else
            rc = -1;
    }
    if (!signatures_only) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

typedef struct ids {
    int64_t *v;
    size_t n, cap;
} ids;

static int collect_id(const urne_election_meta *m, void *ctx) {
    ids *all = ctx;
    int64_t *v = urne_mem_room(all->v, all->n, &all->cap, sizeof *v, 16);
    if (v == NULL) return 1; /* stops the walk */
    all->v = v;
    all->v[all->n++] = m->id;
    return 0;
}

static int reload_initiative(const urne_initiative_row *row, void *app) {
    return urne_app_initiative_reload(app, row->id) < 0 ? -1 : 0;
}

/* Every election and initiative the store holds read again (those another
 * server created too), inside the caller's read. 0 or -1. */
static int reload_everything(urne_app *app, void *ctx) {
    (void)ctx;
    ids all = {0};
    int rc = urne_store_election_each(app->store, collect_id, &all) != 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < all.n; i++) rc = urne_app_election_reload(app, all.v[i]);
    if (rc == 0 && urne_store_initiative_each(app->store, reload_initiative, app) != 0) rc = -1;
    free(all.v);
    return rc;
}

/* Every election and initiative read again in one read of the store (one
 * snapshot), which the watch is told of (in_one_read): a signature that read
 * counted, heard after it (the watch listened before), is not counted again
 * (apply_initiative). 0 or -1 (said on standard error when `say`). */
static int reload_all(struct urne_app_watch *aw, int say) {
    urne_app *app = aw->app;
    pthread_mutex_lock(&app->lock);
    int rc = in_one_read(aw, NULL, reload_everything, NULL);
    urne_app_forum_tally_forget(app);
    if (rc < 0 && say)
        fprintf(stderr, "urne: the elections could not be reloaded (%s); trying again\n",
                urne_store_error(app->store));
    urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

static void *watch_main(void *arg) {
    struct urne_app_watch *aw = arg;
    int was_lost = 0, resync = 0, failed = 0; /* failed: the last reload of everything */
    char at[24];        /* the time a line about the connection says (urne_store_now) */
    time_t lost_at = 0; /* when it was lost */
    char said[1024] = ""; /* the listener's failure as last said (pg_watch.c's error holds 1024) */
    urne_store_change ch[BATCH];
    while (!__atomic_load_n(&aw->stop, __ATOMIC_RELAXED)) {
        size_t n = 0;
        switch (urne_store_watch_wait(aw->w, TURN_MS, ch, BATCH, &n)) {
        case URNE_WATCH_QUIET: break;
        case URNE_WATCH_CHANGES:
            if (apply(aw, ch, n) < 0) resync = 1;
            break;
        case URNE_WATCH_LOST:
            if (!was_lost) {
                urne_store_now(at);
                lost_at = time(NULL);
                fprintf(stderr, "urne: %s %s; the other servers' changes are not heard until it is open again "
                                "(tried every second)\n",
                        at, urne_store_watch_error(aw->w));
            } else if (strcmp(said, urne_store_watch_error(aw->w)) != 0) {
                /* why it cannot be opened again, when that changes (not every second) */
                urne_store_now(at);
                fprintf(stderr, "urne: %s %s; tried again every second\n", at, urne_store_watch_error(aw->w));
            }
            snprintf(said, sizeof said, "%s", urne_store_watch_error(aw->w));
            was_lost = 1;
            break;
        case URNE_WATCH_RELOAD:
            urne_store_now(at);
            fprintf(stderr, "urne: %s a commit's answer was lost with the connection to PostgreSQL, and its fate is "
                            "now settled there; reloading every election from the database\n",
                    at);
            resync = 1;
            break;
        case URNE_WATCH_MISSED:
            urne_store_now(at);
            fprintf(stderr, "urne: %s a transaction was committed in the database while this server loaded what it "
                            "holds, before it listened for the other processes' changes (another server's change, "
                            "or perhaps none of urne's); reloading everything\n",
                    at);
            resync = 1;
            break;
        case URNE_WATCH_RESYNC:
            urne_store_now(at);
            fprintf(stderr, "urne: %s the connection that hears the other servers' changes is open again (lost for %lld s); "
                            "reloading every election, since a change may have been missed\n",
                    at, lost_at ? (long long)(time(NULL) - lost_at) : 0LL);
            was_lost = 0;
            lost_at = 0;
            resync = 1;
            break;
        }
        if (resync && !was_lost) failed = resync = reload_all(aw, !failed) < 0;
    }
    return NULL;
}

int urne_app_watch_start(urne_app *app, char *err, size_t errsize) {
    app->watch = NULL;
    if (!urne_store_can_watch(app->store)) return 0;
    struct urne_app_watch *aw = calloc(1, sizeof *aw);
    if (aw == NULL) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    aw->app = app;
    aw->w = urne_store_watch_open(app->store, err, errsize);
    if (aw->w == NULL) {
        free(aw);
        return -1;
    }
    if (pthread_create(&aw->thread, NULL, watch_main, aw) != 0) {
        snprintf(err, errsize, "cannot start the thread that hears the other servers' changes");
        urne_store_watch_close(aw->w);
        free(aw);
        return -1;
    }
    app->watch = aw;
    return 0;
}

void urne_app_watch_stop(urne_app *app) {
    struct urne_app_watch *aw = app->watch;
    if (aw == NULL) return;
    __atomic_store_n(&aw->stop, 1, __ATOMIC_RELAXED);
    pthread_join(aw->thread, NULL);
    urne_store_watch_close(aw->w);
    free(aw);
    app->watch = NULL;
}
