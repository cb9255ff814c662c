/*
 * results_live: each level's report kept up to date sheet by sheet, and read
 * without the application's lock (the why and the how are in results_live.c).
 *
 * Writers (the use cases, holding the application's lock) tell it what they
 * change: a sheet before and after (urne_live_sheet_before/after), an election
 * reloaded (urne_live_drop), any committed change (urne_live_changed). Readers
 * (the API) take a level's report with urne_live_report_get and give it back with
 * urne_live_report_release, from any thread, once the response is sent.
 */
#ifndef URNE_RESULTS_LIVE_H
#define URNE_RESULTS_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"

typedef struct urne_live urne_live;
typedef struct urne_live_snap urne_live_snap;

/* Bytes of the report, in order. */
typedef struct urne_live_span {
    const char *data;
    size_t len;
} urne_live_span;

/* A level's report as GET /api/elections/N/results sends it: the spans, then the
 * tail (the end of the warnings, the election's id, its publication and the audit
 * log's head, then '}'). The same bytes the engine's JSON with "status" in each
 * unit gave when it was parsed and written again with jansson. */
typedef struct urne_live_report {
    urne_live_snap *snap; /* held until urne_live_report_release */
    const urne_live_span *spans;
    size_t nspans;
    char *tail;
    size_t tail_len;
    size_t bytes; /* the spans' and the tail's together */
    /* Made by urne_live_report_gzip, freed by urne_live_report_release. */
    urne_live_span *gz_spans;
    char **owned;
    size_t nowned;
} urne_live_report;

/* An empty store of live reports; NULL when out of memory. */
urne_live *urne_live_new(void);
/* Free it (every report taken must have been released). */
void urne_live_free(urne_live *live);

/* Sheet `sheet` of e is about to change (its figures or its state): its figures
 * are taken out of every level kept. Under the application's lock. */
void urne_live_sheet_before(urne_app *app, const urne_election *e, size_t sheet);
/* ... and has changed: its new figures go in, the pieces it touches are written
 * again. Under the application's lock, after urne_live_sheet_before. */
void urne_live_sheet_after(urne_app *app, const urne_election *e, size_t sheet);
/* Election `id` was reloaded or is gone: forget what is kept for it (made again
 * at the next read). Under the application's lock, before the old one is freed. */
void urne_live_drop(urne_app *app, int64_t id);
/* A change was committed: the audit log's head and each election's publication
 * are read again. Under the application's lock. */
void urne_live_changed(urne_app *app);
/* The scope of the change urne_live_changed last recorded: the id of the one
 * election whose sheets it changed, when sheets of that election are all that
 * changed (the commit's audit entry aside: the use cases that change sheets,
 * entries, contests, decisions and appeals, change nothing outside the sheet's
 * election, whose meta they may read again); 0 when anything else changed (an
 * election reloaded or added, accounts, grants, notices, publication), so that
 * anything may have. The page cache keeps other elections' pages on that word
 * (web/cache.c). Under the application's lock, after urne_live_changed. */
int64_t urne_live_changed_scope(urne_app *app);

typedef enum {
    URNE_LIVE_OK,
    URNE_LIVE_NO_ELECTION, /* no election with that id */
    URNE_LIVE_NO_LEVEL,    /* the level asked for is none of the election's */
    URNE_LIVE_FAILED       /* out of memory, or the results could not be computed */
} urne_live_status;

/* A level of an election as it is kept here, for the pages: the level's tally
 * (units in the order of their first sheet, as urne_results_aggregate makes
 * them), each unit's sheets counted by récolement state, each sheet's unit, and
 * the sums that decide the outcomes (urne_results_decide_sums). */
typedef struct urne_live_level {
    const urne_tally *tally;
    const size_t (*by_state)[URNE_SHEET_NSTATES]; /* per unit of tally */
    const size_t *sheet_unit;                     /* per sheet of the round */
    const urne_decision_sums *sums;
} urne_live_level;

/* Level `level` of election e, into *out: made from the round the first time
 * (one pass over the sheets), then kept up to date sheet by sheet by the writers,
 * so a page reads it without summing 70,000 sheets again. Under the application's
 * lock, which every writer of a kept level holds: what *out points to stays valid
 * and unchanged until the lock is let go, not after. 0, or -1 (level out of
 * range, or out of memory). */
int urne_live_level_view(urne_app *app, const urne_election *e, size_t level, urne_live_level *out);

/* The report of election `id` at `level` (a level's name or number, NULL for the
 * top), into *out. Without the application's lock, except the first time a level
 * is asked for after the election was loaded (it is then made from the round).
 * On URNE_LIVE_OK release *out with urne_live_report_release. */
urne_live_status urne_live_report_get(urne_app *app, int64_t id, const char *level, urne_live_report *out);
/* The report compressed as one gzip stream (RFC 1952), in place of its bytes
 * (its spans, then no tail; `bytes` the compressed length). The units are kept
 * compressed by chunks, made again only when one of their units changed (the
 * first gzip read after, outside the lock, keeps them for the reads after), so a
 * read compresses little more than what changed since the last; the rest of the
 * report (head, outcomes, warnings, tail) is compressed for each read, and a
 * report whose rest is over URNE_LIVE_GZIP_REST bytes (many missing sheets'
 * warnings) is not compressed. 0, or -1 (out of memory, or too much to
 * compress): the report is then as it was. Any thread, without the lock. */
#define URNE_LIVE_GZIP_REST ((size_t)4 << 20)
int urne_live_report_gzip(urne_app *app, urne_live_report *report);
/* Give a report back (any thread). */
void urne_live_report_release(urne_app *app, urne_live_report *report);

#endif
