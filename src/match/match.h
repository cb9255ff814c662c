/*
 * match: placing pupils with host organisations (issue 20), the engine.
 *
 * A département places collégiens in a week's internship with a host of the
 * social economy. Each pupil lists hosts in order of preference; each host has
 * places, may offer only some weeks, may hold some of its places for pupils of
 * priority-education schools, and may rank its applicants itself. The engine
 * turns this into an assignment, by one of three mechanisms:
 *
 *   - deferred acceptance, pupils proposing (Gale and Shapley): the default. The
 *     result is stable (no pupil and host who both prefer each other to what they
 *     got) and the best stable result for every pupil at once; no pupil gains by
 *     listing wishes other than their true ones.
 *   - top trading cycles (Abdulkadiroglu and Sonmez): pupils point at their best
 *     host left, hosts at their best pupil left, cycles trade. Pareto efficient
 *     for pupils, but not stable.
 *   - serial dictatorship: pupils choose in turn (priority, then lottery), each
 *     taking their best host with a place left. For comparison.
 *
 * A host's order over pupils is its own ranking when it gave one (pupils it did
 * not rank are not acceptable there), else the common one: higher `priority`
 * first, then the lower lottery number. With single tie-breaking one lottery
 * number per pupil serves at every host; with multiple tie-breaking each host
 * draws its own (a keyed hash of the seed, the host and the pupil), which makes
 * more pupils lose ties somewhere: single tie-breaking gives a result no
 * stable alternative improves for every pupil, multiple tie-breaking spreads
 * bad draws. A tie the numbers leave is broken by the pupils' identifiers, so
 * that the order of the files' rows never matters.
 *
 * Places reserved for priority pupils (priority > 0) are held "softly": a host
 * first takes its best priority applicants into its reserved places, then fills
 * the rest from everyone left (the choice rule of Hafalir, Yenmez and Yildirim).
 * Deferred acceptance stays stable for that rule; serial dictatorship serves
 * priority pupils first anyway; top trading cycles points a host at its best
 * priority pupil while it has reserved places left.
 *
 * Pure: plain data in, plain data out, no I/O, clock or globals. Words are the
 * adapters' business: explanations and check failures come back as codes.
 */
#ifndef URNE_MATCH_H
#define URNE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#define URNE_MATCH_NONE UINT32_MAX /* no host: unplaced */
#define URNE_MATCH_MAX_WEEKS 64     /* weeks are bits of a uint64_t */
#define URNE_MATCH_PRIORITY_MAX 1000000000LL /* |priority| at most this */

typedef enum { URNE_MATCH_DA, URNE_MATCH_TTC, URNE_MATCH_SERIAL } urne_match_method;
typedef enum { URNE_MATCH_TIE_SINGLE, URNE_MATCH_TIE_MULTIPLE } urne_match_tie;

typedef struct urne_match_host {
    const char *id;          /* unique; not owned */
    int64_t capacity;        /* >= 0 */
    int64_t reserved;        /* places held for priority pupils, 0..capacity */
    uint64_t weeks;          /* bit w set: week w offered; 0: no constraint */
    /* The host's own ranking, or nranked == 0 for the common order: pupil indices
     * sorted increasingly, with their rank (lower first) beside. */
    const uint32_t *ranked_pupils;
    const uint32_t *ranks;
    size_t nranked;
    int ranks_own;           /* 1: the host ranks its applicants (even if none) */
    int32_t commune;         /* index into the communes, or -1: not given */
} urne_match_host;

typedef struct urne_match_pupil {
    const char *id;          /* unique; not owned */
    const uint32_t *wishes;  /* host indices, best first, no repeats */
    size_t nwishes;
    int64_t priority;        /* higher first; > 0 makes a priority pupil */
    int64_t lottery;         /* lower first (single tie-breaking) */
    int week;                /* the week available (bit index), or -1: any */
    int32_t commune;         /* index into the communes, or -1: not given */
} urne_match_pupil;

/* The distance between two communes (a < b), in kilometres. */
typedef struct urne_match_distance {
    uint32_t a, b;
    int64_t km;
} urne_match_distance;

typedef struct urne_match_instance {
    const urne_match_host *hosts;
    size_t nhosts;
    const urne_match_pupil *pupils;
    size_t npupils;
    urne_match_tie tie;
    uint64_t seed;           /* for multiple tie-breaking (and urne_match_draw) */
    /* A maximum distance between the pupil's commune and the host's: max_km < 0
     * for none. The table is sorted by (a, b); a pair of different communes it
     * does not hold counts as too far. A pupil or host without a commune is not
     * held to it. */
    int64_t max_km;
    const urne_match_distance *distances;
    size_t ndistances;
    /* A later round: kept[p] is the host pupil p accepted in an earlier round
     * (URNE_MATCH_NONE: none), who keeps it and is not displaced; absent[p] != 0
     * for a pupil who takes no part (refused their place, or left). Either NULL:
     * none. A host's places in the round are its capacity less those kept. */
    const uint32_t *kept;
    const uint8_t *absent;
} urne_match_instance;

/* The engine's own view of an instance: each pupil's rank among the identifiers
 * and in the lottery, each host's identifier hash. Made once per instance. */
typedef struct urne_match_prep {
    const urne_match_instance *in;
    uint32_t *id_rank;       /* pupil -> position of its id in byte order (multiple tie-breaking only) */
    uint32_t *lottery_rank;  /* pupil -> position by (lottery, id) */
    uint64_t *host_hash;     /* host -> hash of its id and the seed */
    uint64_t *pupil_hash;    /* pupil -> hash of its id */
    int64_t *room;           /* host -> places open in this round (capacity less those kept) */
    int64_t *reserved_room;  /* host -> reserved places open (reserved less priority pupils kept) */
} urne_match_prep;

typedef struct urne_match_result {
    uint32_t *host_of;       /* pupil -> host index or URNE_MATCH_NONE */
    uint32_t *wish_of;       /* pupil -> 1-based rank of that host in its wishes, 0 when unplaced */
    int64_t *filled;         /* host -> places taken */
    int64_t *filled_reserved;/* host -> of which by priority pupils in reserved places (DA) */
} urne_match_result;

/* Why a pupil did not get a wish listed above the host they got. */
typedef enum {
    URNE_MATCH_WHY_FULL,        /* the host's places went to pupils before them in its order */
    URNE_MATCH_WHY_WEEK,        /* the host does not offer the pupil's week */
    URNE_MATCH_WHY_NOT_RANKED,  /* the host ranks its applicants and did not rank this one */
    URNE_MATCH_WHY_NO_PLACES,   /* the host has no places at all */
    URNE_MATCH_WHY_TRADED,      /* ttc/serial: the places were gone when the pupil's turn came */
    URNE_MATCH_WHY_TOO_FAR      /* the host is further than the maximum distance (or the distance is not known) */
} urne_match_why;

typedef struct urne_match_reason {
    uint32_t host;
    uint32_t wish;           /* 1-based */
    urne_match_why why;
    /* For URNE_MATCH_WHY_FULL: the last pupil admitted at that host (the cutoff),
     * and the pupil's own standing there, each as the host's order reads it. */
    uint32_t cutoff_pupil;
    int by_rank;             /* 1: the host's own ranks below; 0: priority and lottery */
    int64_t cutoff_priority, cutoff_lottery, own_priority, own_lottery;
} urne_match_reason;

/* A fault the checker found, as a code with the pupils and hosts involved. */
typedef enum {
    URNE_MATCH_BAD_HOST,       /* a pupil placed at a host index that does not exist */
    URNE_MATCH_NOT_WISHED,     /* placed at a host they did not ask for */
    URNE_MATCH_INELIGIBLE,     /* placed where their week, the host's ranking or the distance forbids */
    URNE_MATCH_OVER_CAPACITY,  /* a host with more pupils than places */
    URNE_MATCH_BLOCKING_PAIR,  /* pupil and host prefer each other to what they got */
    URNE_MATCH_NOT_OPTIMAL,    /* stable, but a pupil gets less than the pupil-optimal stable result */
    URNE_MATCH_KEPT_CHANGED,   /* a pupil who kept a place from an earlier round is elsewhere */
    URNE_MATCH_ABSENT_PLACED   /* a pupil who takes no part in the round is placed */
} urne_match_fault_kind;

typedef struct urne_match_fault {
    urne_match_fault_kind kind;
    uint32_t pupil, host;    /* URNE_MATCH_NONE when not applicable */
    int64_t count, limit;    /* over capacity: pupils and places */
} urne_match_fault;

typedef struct urne_match_faults {
    urne_match_fault *items;
    size_t n, cap;
    size_t total;            /* all found; at most URNE_MATCH_FAULTS_KEPT are kept */
} urne_match_faults;
#define URNE_MATCH_FAULTS_KEPT 1000

/* Prepare an instance: 0, or -1 when memory runs out (then *prep is empty). The
 * instance must be valid (urne_match_validate returns 0) and outlive prep. */
int urne_match_prepare(const urne_match_instance *in, urne_match_prep *prep);
void urne_match_prep_free(urne_match_prep *prep);

/* Whether pupil p is placed in this round (neither kept from an earlier one nor absent). */
int urne_match_in_round(const urne_match_instance *in, uint32_t p);

/* Whether host h would take pupil p at all (week offered, ranked when it
 * ranks, near enough). */
int urne_match_eligible(const urne_match_prep *prep, uint32_t p, uint32_t h);

/* Draw a lottery number for every pupil (1..n, a permutation) from the seed, the
 * same whatever the pupils' order: sets pupils[i].lottery through `lottery`. */
void urne_match_draw(const urne_match_pupil *pupils, size_t n, uint64_t seed, int64_t *lottery);

/* Run a mechanism. 0 with *out filled (free with urne_match_result_free), or -1
 * when memory runs out (then *out is empty). */
int urne_match_run(const urne_match_prep *prep, urne_match_method method, urne_match_result *out);
void urne_match_result_free(urne_match_result *r);

/* Who stands last among those a host holds, as its choice rule sees them: for
 * each host, the worst priority pupil in its reserved places and the worst in
 * its open places (URNE_MATCH_NONE when that part is empty), and how many hold
 * reserved places. Made from any assignment; the explanations and the checker
 * read it. */
typedef struct urne_match_cutoffs {
    uint32_t *reserved_worst, *open_worst;
    int64_t *reserved_held, *held;
} urne_match_cutoffs;

/* 0, or -1 when memory runs out (then *c is empty). host_of: pupil -> host or
 * URNE_MATCH_NONE, every host index below nhosts. */
int urne_match_cutoffs_make(const urne_match_prep *prep, const uint32_t *host_of, urne_match_cutoffs *c);
void urne_match_cutoffs_free(urne_match_cutoffs *c);

/* Whether host h, holding what *c says, would take pupil p if p asked (p
 * eligible there): a free place, or p before the last it would otherwise keep. */
int urne_match_would_take(const urne_match_prep *prep, const urne_match_cutoffs *c, uint32_t p, uint32_t h);

/* Why pupil p did not get each wish above the one it got (all its wishes when
 * unplaced), in wish order. Fills at most `max` reasons and returns how many
 * there are. `result` must come from `method` on this instance, `c` from it. */
size_t urne_match_explain(const urne_match_prep *prep, urne_match_method method, const urne_match_result *result,
                          const urne_match_cutoffs *c, uint32_t p, urne_match_reason *reasons, size_t max);

/* Check an assignment (host_of: pupil -> host or URNE_MATCH_NONE) on its own:
 * hosts exist, were wished, take the pupil, hold no more than their places, and
 * when `stable` no blocking pair; when `optimal` also that it is the pupil-
 * optimal stable assignment (what deferred acceptance gives). Faults are added
 * to *faults (init it to zeroes; free with urne_match_faults_free). Returns the
 * number of faults found, or -1 when memory runs out. */
long urne_match_check(const urne_match_prep *prep, const uint32_t *host_of, int stable, int optimal,
                      urne_match_faults *faults);
void urne_match_faults_free(urne_match_faults *f);

/* Whether the host is within the maximum distance of the pupil (1 when no
 * maximum applies). */
int urne_match_near(const urne_match_instance *in, uint32_t p, uint32_t h);

/* The internal order: a host's key for a pupil, lower first; unique per pupil at
 * a host. Exposed for the checker and the tests. */
typedef unsigned __int128 urne_match_key;
urne_match_key urne_match_key_of(const urne_match_prep *prep, uint32_t p, uint32_t h);

/* A run's figures (report.c): what report.json says, the command line's and the
 * server's alike. ranks[w], w in 1..max_wish (the longest list of wishes): the
 * pupils placed at their w-th wish. A priority pupil has priority > 0. kept:
 * pupils holding a place from an earlier round; absent: pupils taking no part;
 * later: the instance is a later round (kept or absent given). */
typedef struct urne_match_report {
    size_t pupils, hosts, placed, unplaced;
    size_t *ranks, max_wish;
    size_t priority_pupils, priority_placed, priority_first;
    size_t other_pupils, other_placed, other_first;
    size_t kept, absent;
    int later;
} urne_match_report;

/* The figures of result r (from urne_match_run on this instance, or any
 * assignment with wish_of filled alike): 0, or -1 when memory runs out (then
 * *out is empty). Free with urne_match_report_free. */
int urne_match_report_make(const urne_match_instance *in, const urne_match_result *r, urne_match_report *out);
void urne_match_report_free(urne_match_report *rep);

#endif
