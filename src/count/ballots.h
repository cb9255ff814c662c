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

/* The bound on ballot weights. Every weight is a whole number of at least 1, and the
 * weights of one file (one urne_ballots) add up to at most a trillion (10^12): a
 * hundred times the electorate of the Earth, so a real count never meets it, and low
 * enough that every method's arithmetic over them is exact in int64 — Borda's doubled
 * points (at most 2 x 65,535 per ballot, 1.4e17) and Scottish STV's values in 10^-5
 * (1e17) cannot pass INT64_MAX (9.2e18). The methods at nine decimals (WIGM, Meek)
 * need a tighter bound, 9,223,372,036, and check it themselves. A weight or a total
 * beyond the bound is refused, never wrapped. College weighting (the text format)
 * multiplies voters by each college's factor: the products are bounded the same way. */
#define URNE_BALLOTS_WEIGHT_MAX INT64_C(1000000000000)
/* The rules that a weight breaks: a weight below 1, or weights beyond the bound. */
#define URNE_RULE_POSITIVE_WEIGHT "positive-weight"
#define URNE_RULE_WEIGHT_BOUND "count-bound"

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
    int64_t total;           /* sum of weights, empty ballots included; <= URNE_BALLOTS_WEIGHT_MAX */
    int64_t voters;          /* voters when weights are not one per voter (colleges), else 0 */
    /* From the ballot file (BLT options), NULL when it says nothing; in the arena:
     * tie_order[c] is candidate c's place (0 first) in the order in which the file says
     * ties are broken instead of by lot ([tie]); withdrawn[c] is nonzero for a candidate
     * withdrawn before the count (skipped where ranked, never elected). */
    uint32_t *tie_order;
    uint8_t *withdrawn;
    /* merge table: ranking -> index + 1 (0: an empty slot), open addressing */
    uint32_t *slots;
    size_t slot_cap;
    uint32_t *hash;          /* per ranking: its hash, so that probes and rehashes need not read it */
    /* The arrays reserved at once (urne_ballots_reserve) in one block from urne_mem,
     * NULL when none was: an array inside it is never realloc'ed or freed by itself. */
    void *block;
    size_t block_size;
} urne_ballots;

/* Start with `ncand` candidates named by `names` (copied; may be NULL to name them
 * later with urne_ballots_name). Returns 0, or -1 when out of memory. */
int urne_ballots_init(urne_ballots *b, size_t ncand, const char *const *names);

/* Make room for `rankings` distinct rankings and `prefs` preferences in all, so that
 * adding up to that many moves nothing: a reader that can bound them from its file's
 * size says so before adding. The arrays and a merge table for them are then one block
 * (urne_ballots_bulk_alloc: huge pages for a big file), so that a bound far above what
 * comes costs address space and the few huge pages touched, not a page fault per 4 KiB. Bounds below what is already held are raised to it. A hint: 0, or
 * -1 when the room cannot be had, and then nothing has changed and the ballots grow as
 * they are added. */
int urne_ballots_reserve(urne_ballots *b, size_t rankings, size_t prefs);

/* Name candidate i (copied). 0 or -1. */
int urne_ballots_name(urne_ballots *b, size_t i, const char *name);

/* Set the title (copied). 0 or -1. */
int urne_ballots_title(urne_ballots *b, const char *title);

/* Add `weight` voters with this ranking: prefs[0..n) candidate indices (< ncand, each
 * at most once), tied[i] nonzero when prefs[i] ties with prefs[i-1] (tied may be NULL
 * for strict rankings). An identical ranking already present gets the weight added.
 * Returns 0, -1 when out of memory, -2 when a candidate index is out of range or
 * repeated (the caller reports which), -3 when the weight is below 1, -4 when it would
 * bring the total above URNE_BALLOTS_WEIGHT_MAX (urne_ballots_add_error says it in a
 * sentence). Nothing is added unless 0 is returned. */
int urne_ballots_add(urne_ballots *b, int64_t weight, const uint16_t *prefs, const uint8_t *tied, size_t n);

/* urne_ballots_add of a strict ranking (no tie marks) whose candidates the caller has
 * checked already, each < ncand and at most once (a reader that checked them as it
 * read the line): the same but for that check, not made again (it was a tenth of
 * reading a file; the build keeps its asserts, so it is not one). Returns 0, -1, -3 or
 * -4 as urne_ballots_add does. */
int urne_ballots_add_checked(urne_ballots *b, int64_t weight, const uint16_t *prefs, size_t n);

/* The sentence for a negative return of urne_ballots_add, for the parser's message:
 * "a ballot's weight must be a whole number of at least 1" and so on. */
const char *urne_ballots_add_error(int rc);

/* 0 when the ballots keep their invariant — every weight at least 1, the weights
 * adding up (overflow-checked) to b->total and no more than URNE_BALLOTS_WEIGHT_MAX;
 * -1 otherwise. Every counting method checks it first (urne_count_check_ballots), so
 * that ballots built by hand cannot lead a count into overflow. O(rankings). */
int urne_ballots_bounded(const urne_ballots *b);

/* `bytes` zeroed bytes for a big array of the ballots or of a count over them, or NULL
 * when out of memory (or bytes is 0). From 256 KiB on, rounded up to whole 2 MiB huge
 * pages (urne_mem): on the VMs urne is measured on a 4 KiB first touch costs 10 to 20
 * microseconds, a 2 MiB one ~0.2 ms, so 64 small pages already cost more. Release with
 * urne_ballots_bulk_free, never free(). */
void *urne_ballots_bulk_alloc(size_t bytes);

/* Release what urne_ballots_bulk_alloc gave; NULL is allowed. */
void urne_ballots_bulk_free(void *p);

void urne_ballots_free(urne_ballots *b);

#endif
