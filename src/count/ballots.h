/*
 * ballots: the ballots of one count, as the count engine sees them — candidates,
 * seats, and distinct rankings each with a weight (how many voters cast it, or a
 * college's weight times that). Identical rankings are merged as they are added, so
 * memory grows with the number of distinct ballots, not of voters: 1,000,000 ballots
 * over 10 candidates hold a few thousand rankings.
 *
 * A ranking is a sequence of candidates, best first; `tied[i]` says that candidate i
 * shares the rank of the one before it (PrefLib's {a,b}, BLT's a=b). Candidates not
 * ranked are below every ranked one. Pure: no I/O.
 */
#ifndef URNE_BALLOTS_H
#define URNE_BALLOTS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_arena.h"

typedef struct urne_ballots {
    urne_arena arena;
    const char *title;       /* may be NULL */
    size_t ncand;
    const char **names;      /* ncand names */
    size_t seats;            /* 0 when the source does not say */
    size_t n, cap;           /* distinct rankings */
    int64_t *weight;         /* per ranking */
    uint32_t *start;         /* first preference in prefs */
    uint16_t *len;           /* number of candidates ranked */
    uint16_t *prefs;         /* candidate indices, all rankings one after another */
    uint8_t *tied;           /* per preference: shares the rank of the previous one */
    size_t nprefs, prefs_cap;
    int64_t total;           /* sum of weights, empty ballots included */
    int64_t voters;          /* voters when weights are not one per voter (colleges), else 0 */
    /* merge table: ranking -> index, open addressing */
    uint32_t *slots;
    size_t slot_cap;
} urne_ballots;

/* Start with `ncand` candidates named by `names` (copied; may be NULL to name them
 * later with urne_ballots_name). Returns 0, or -1 when out of memory. */
int urne_ballots_init(urne_ballots *b, size_t ncand, const char *const *names);

/* Name candidate i (copied). 0 or -1. */
int urne_ballots_name(urne_ballots *b, size_t i, const char *name);

/* Set the title (copied). 0 or -1. */
int urne_ballots_title(urne_ballots *b, const char *title);

/* Add `weight` voters with this ranking: prefs[0..n) candidate indices (< ncand, each
 * at most once), tied[i] nonzero when prefs[i] ties with prefs[i-1] (tied may be NULL
 * for strict rankings). An identical ranking already present gets the weight added.
 * Returns 0, -1 when out of memory, -2 when a candidate index is out of range or
 * repeated (the caller reports which). */
int urne_ballots_add(urne_ballots *b, int64_t weight, const uint16_t *prefs, const uint8_t *tied, size_t n);


void urne_ballots_free(urne_ballots *b);

#endif
