/*
 * count: the counting engine for ballots (issue 3) — what a count reports, and the
 * methods. Every method is a pure function over urne_ballots that fills a
 * urne_count_result: the winners in order, and the stages a commission can check line
 * by line (votes per candidate, who is elected or excluded, and why).
 *
 * Votes in stages are integers in units of 10^-scale: scale 0 for plain counts, 5 for
 * Scottish STV, whose rules truncate transfer values to five decimals.
 */
#ifndef URNE_COUNT_H
#define URNE_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_arena.h"
#include "../core/urne_diag.h"
#include "ballots.h"

#define URNE_COUNT_NONE ((size_t)-1)

/* Candidate states in a stage. */
#define URNE_HOPEFUL 'H'
#define URNE_ELECTED 'E'
#define URNE_DEFEATED 'D'

typedef struct urne_count_stage {
    const char *action;       /* "first preferences", "surplus", "exclusion", "elected", "round" ... */
    char note[320];           /* what happened, in a sentence */
    int64_t *votes;           /* per candidate, units of 10^-scale */
    int64_t nontransferable;  /* exhausted ballots' value so far */
    char *state;              /* per candidate: URNE_HOPEFUL, URNE_ELECTED, URNE_DEFEATED */
} urne_count_stage;

typedef struct urne_count_result {
    urne_arena arena;
    const char *method;       /* "stv", "schulze", ... */
    const char *rule;         /* "scottish", NULL ... */
    size_t ncand;
    int scale;
    int64_t quota;            /* units of 10^-scale; 0 when the method has none */
    size_t nwinners;
    size_t *winners;          /* in the order elected / ranked */
    size_t nstages, stage_cap;
    urne_count_stage *stages;
    int64_t *pairwise;        /* ncand*ncand: voters preferring i to j, or NULL */
    int64_t *paths;           /* Schulze's strongest paths, or NULL */
    size_t condorcet_winner;  /* URNE_COUNT_NONE when there is none */
    size_t nsmith;
    size_t *smith;            /* the Smith set, or NULL */
    char tiebreak[640];       /* how ties (and, for Meek, close calls) were settled, "" when none arose */
    const uint32_t *tie_order; /* the ballots' tie-break order (urne_ballots.tie_order), used instead of lot; or NULL */
    int64_t *seats_won;       /* seat methods: seats per list, else NULL */
    const char **labels;      /* per candidate, shown instead of the last stage's votes (MJ: grades), or NULL */
} urne_count_result;

/* Start an empty result for `ncand` candidates. 0 or -1. */
int urne_count_result_init(urne_count_result *r, size_t ncand, const char *method, const char *rule, int scale);

/* Append a stage (votes and state are copied; state may be NULL for all hopeful).
 * Returns the stage, or NULL when out of memory. */
urne_count_stage *urne_count_stage_add(urne_count_result *r, const char *action, const int64_t *votes,
                                       int64_t nontransferable, const char *state);

/* Record the next winner. 0 or -1. */
int urne_count_winner_add(urne_count_result *r, size_t candidate);

void urne_count_result_free(urne_count_result *r);

/* A deterministic generator for drawing lots, seeded from the command line so that
 * anyone can replay a count (splitmix64). */
typedef struct urne_lot {
    uint64_t state;
} urne_lot;

void urne_lot_init(urne_lot *lot, uint64_t seed);

/* A uniform integer in [0, n). */
uint64_t urne_lot_below(urne_lot *lot, uint64_t n);

/* Choose among candidates pool[0..n): the highest (or lowest) in `now`; among those
 * tied, the highest (lowest) at the earliest recorded stage of `r` at which they differ;
 * then by lot — or, when r->tie_order is set, the first of them in that order —
 * noted in r->tiebreak under `what`. Returns the candidate. */
size_t urne_count_pick(urne_count_result *r, const int64_t *now, const size_t *pool, size_t n, int highest,
                       urne_lot *lot, const char *const *names, const char *what);

/* What every method checks before counting: the ballots keep their invariant
 * (urne_ballots_bounded: weights of at least 1 adding up to at most
 * URNE_BALLOTS_WEIGHT_MAX), and their total times `per_vote` — the most units one
 * ballot of weight 1 can put in a single sum of the method (1 for plain counts, twice
 * the candidates for Borda, 10^decimals for STV) — fits in int64. That one check
 * proves every later sum of the method free of overflow. 0, or -1 with an error
 * (rule count-bound) naming `method` and the bound. */
int urne_count_check_ballots(const urne_ballots *b, int64_t per_vote, const char *method, urne_diags *diags);

/* What every STV rule requires: 1 <= seats <= candidates, strict rankings. 0, or -1
 * with the error (naming `rule`) in diags. */
int urne_count_stv_check(const urne_ballots *b, size_t seats, const char *rule, urne_diags *diags);

/* ---- methods ---- */

/* Single transferable vote under the Scottish Local Government Elections Order 2007
 * (rules 45-52): Droop quota floor(valid/(seats+1))+1, surpluses (largest first) of
 * every ballot paper of an elected candidate at transfer value surplus x value / total
 * truncated to five decimals (weighted inclusive Gregory), then exclusions of the
 * lowest candidate, ties broken by the earliest stage at which the tied candidates
 * differed, then by lot from `seed`. Strict rankings only. 0, or -1 with an error. */
int urne_count_stv_scottish(const urne_ballots *b, size_t seats, uint64_t seed, urne_count_result *out,
                            urne_diags *diags);

/* Plain weighted inclusive Gregory method: the Scottish procedure above (Droop quota,
 * surpluses of every paper, exclusions, the same tie rules) at nine decimals instead of
 * five. */
int urne_count_stv_wigm(const urne_ballots *b, size_t seats, uint64_t seed, urne_count_result *out,
                        urne_diags *diags);

/* Meek STV (Hill, Wichmann & Woodall, 'Algorithm 123: Single transferable vote by Meek's
 * method', The Computer Journal 30, 1987), with the New Zealand rules' arithmetic
 * (Local Electoral Act 2001, Schedule 1A): nine decimals, votes credited rounded down,
 * keep factors rounded up, quota (votes - excess) / (seats + 1) truncated plus 10^-9.
 * Keep factors are iterated until the elected candidates' total surplus is under
 * 0.00001; then candidates at or above the quota are elected, or the lowest excluded
 * (ties: earliest stage they differed, then lot). One stage per election or exclusion. */
int urne_count_stv_meek(const urne_ballots *b, size_t seats, uint64_t seed, urne_count_result *out,
                        urne_diags *diags);

/* The pairwise matrix (voters ranking i strictly above j; ranked above unranked, equal
 * ranks neither way), the Condorcet winner and the Smith set, stored in `out`, which
 * must be initialised. Every Condorcet method calls it first. 0 or -1. */
int urne_count_pairwise(const urne_ballots *b, urne_count_result *out);

/* Schulze, winning votes (Schulze 2011, section 2.1): strongest paths by Floyd-Warshall;
 * winners are the candidates no path beats; ties among them are reported, or broken by
 * lot from `seed` when one winner is needed (break_ties). Fills out->paths and a
 * complete ranking in out->winners. */
int urne_count_schulze(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Ranked Pairs (Tideman 1987), winning votes: majorities locked strongest first unless
 * they close a cycle; pairs of equal strength ordered by a tie-breaking ranking of the
 * candidates drawn by lot from `seed` (reported). */
int urne_count_ranked_pairs(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Copeland: a point per pairwise win, half a point per tie (scores stored doubled). */
int urne_count_copeland(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Minimax (Simpson-Kramer), winning votes: the candidate whose worst defeat is smallest. */
int urne_count_minimax(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Plurality: each ballot's single first preference (a ballot ranking several first
 * counts for none). Ties for first by lot from `seed`, reported. */
int urne_count_plurality(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Two rounds from the same ballots: a candidate with more than half the first
 * preferences wins; else the top two (ties by lot) meet, each ballot going to the one it
 * ranks higher. */
int urne_count_two_round(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Borda: with n candidates, a ballot gives n-1 points to its first, n-2 to its second...
 * unranked candidates 0, equal ranks the average of their places (scores kept doubled,
 * so stages show twice the points). */
int urne_count_borda(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Approval: a ballot approves the candidates of its first rank, all those tied first
 * (PrefLib .cat: the "Yes" category; the text format: "A = B"; a strict ranking: its
 * first choice). Most approvals wins; ties by lot. The stage's votes are the approvals,
 * and out->winners ranks every candidate. */
int urne_count_approval(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Instant-runoff: each round, a continuing candidate with more than half of the ballots
 * still counting wins; else the one with fewest is excluded (ties: fewest at the earliest
 * round at which they differed, then lot) and its ballots pass to their next continuing
 * preference. */
int urne_count_irv(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Seats for lists. Each ballot's first preference is a vote for a list; lists under
 * `threshold_bp` basis points of the valid votes (500 = 5 %) take no seat.
 *   URNE_SEATS_DHONDT         highest average, divisors 1, 2, 3...
 *   URNE_SEATS_SAINTE_LAGUE   highest average, divisors 1, 3, 5...
 *   URNE_SEATS_HARE           largest remainder with the Hare quota (votes x seats / valid)
 *   URNE_SEATS_MUNICIPAL      French communes of 1,000 inhabitants and more (Code électoral
 *                             L262): half the seats (rounded up above four seats, down
 *                             below) to the list with an absolute majority (round 1) or
 *                             the most votes (round 2), the rest by highest average among
 *                             the lists with at least 5 % (threshold_bp ignored).
 * Every quotient is compared exactly (128-bit cross products). Equal averages go to the
 * list with more votes (L262), then by lot. out->seats_won gets seats per list and
 * out->winners the lists with seats, most first. 0, or -1 with an error (no list over the
 * threshold; municipal round 1 without an absolute majority). */
typedef enum { URNE_SEATS_DHONDT, URNE_SEATS_SAINTE_LAGUE, URNE_SEATS_HARE, URNE_SEATS_MUNICIPAL } urne_seat_method;

int urne_count_seats(const urne_ballots *b, urne_seat_method method, size_t seats, int64_t threshold_bp, int round,
                     uint64_t seed, urne_count_result *out, urne_diags *diags);

/* Grade ballots (majority judgment): every voter grades every candidate on a scale
 * given best first; only the distribution of grades per candidate matters. */
typedef struct urne_grades {
    urne_arena arena;
    const char *title;
    size_t ncand, ngrades;
    const char **names;        /* candidates */
    const char **grade_names;  /* best first */
    int64_t *counts;           /* ncand x ngrades: voters (weights) giving candidate c grade g */
    int64_t total;             /* voters */
} urne_grades;

/* Start with candidate and grade names (copied). 0 or -1. */
int urne_grades_init(urne_grades *g, size_t ncand, const char *const *names, size_t ngrades,
                     const char *const *grade_names);
void urne_grades_free(urne_grades *g);

/* Majority judgment (Balinski & Laraki, Majority Judgment, MIT Press 2011): each
 * candidate's majority grade is its lower middlemost grade; candidates with the same
 * majority grade are ordered by the majority gauge (the share p of grades above it
 * against the share q below: +p when p > q, else -q; +p beats -q, a larger p or a
 * smaller q is better), and if that ties too, by removing one majority grade from each
 * and comparing again (the majority ranking); then by lot. Ranks every candidate. */
int urne_count_mj(const urne_grades *g, uint64_t seed, urne_count_result *out, urne_diags *diags);

#endif
