/*
 * results_live_internal: what results_live.c and results_live_gzip.c share (the
 * pieces, the snapshots, the levels kept); results_live.c says why they are so.
 */
#ifndef URNE_RESULTS_LIVE_INTERNAL_H
#define URNE_RESULTS_LIVE_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "results_live.h"
#include "results_view.h"

/* A piece of a report: compact JSON, never changed once made. Unit and warning
 * pieces start with the ',' that separates them, which the first one skips. */
typedef struct piece {
    size_t len;
    uint64_t born; /* the election's snapshot count when it was made */
    char data[];
} piece;

struct urne_live_snap {
    size_t refs;                 /* readers, the level that shows it, the older snapshot, the election */
    urne_live_snap *next;        /* the next newer snapshot of the election, held */
    piece **garbage;             /* pieces replaced while this was the newest */
    size_t ngarbage, capgarbage;
    urne_live_span *spans;
    size_t nspans, bytes;
    /* For the gzip answer: the election, the level, this snapshot's number, its
     * units' count, and the level's compressed chunks at the time (NULL: to make). */
    int64_t id;
    size_t level, seq, nunits, nchunks;
    piece **chunks;
};

typedef struct level_view {
    int built;
    urne_tally tally;
    size_t *sheet_unit;                     /* per sheet */
    size_t (*by_state)[URNE_SHEET_NSTATES]; /* per unit */
    piece **units;                          /* per unit */
    piece *head;
    urne_live_snap *current; /* held; NULL when a piece changed since */
    piece **chunks;          /* per GZ_UNITS units: compressed (gz_chunk), NULL when to make */
} level_view;

typedef struct live_election {
    int64_t id;
    size_t nlevels, nsheets;
    char *levels[URNE_MAX_LEVELS];
    level_view views[URNE_MAX_LEVELS];
    urne_decision_sums sums;
    piece *outcomes;  /* '],"outcomes":[...],"warnings":[' */
    piece **missing;  /* per sheet: its warning, NULL when reported */
    size_t nmissing;
    piece *count;     /* the warning counting the missing sheets, NULL when none */
    char *published;  /* the publication, JSON */
    uint64_t nsnaps;
    urne_live_snap *latest; /* held */
} live_election;

struct urne_live {
    pthread_mutex_t lock;
    live_election **elections;
    size_t n;
    char head[160]; /* the audit log's head, JSON */
    /* What changed since the last committed change (the change's scope): the one
     * election whose sheets changed, or `touched_unknown` when an election was
     * reloaded or dropped, or sheets of several changed. */
    int64_t touched;
    int touched_unknown;
    int64_t scope; /* the last committed change's: an election's id, or 0 */
};

/* Units are compressed for gzip answers in chunks of this many: a unit that
 * changes costs its chunk's compression at the next gzip read (about 50 kB). */
#define GZ_UNITS 32

static inline size_t chunks_of(size_t nunits) { return (nunits + GZ_UNITS - 1) / GZ_UNITS; }

/* The election kept with that id, or NULL. Under the module's lock. */
live_election *urne_live_find(urne_live *l, int64_t id);

#endif
