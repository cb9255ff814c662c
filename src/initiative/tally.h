/*
 * initiative tally: has an initiative reached its threshold?
 *
 * Given, for each territory, its electorate and its count of valid signatures
 * (and, when its rules need them, its seats or its own minimum: with its counts,
 * or else as the rules give them, rules.h; both given must agree), the tally says
 * what the rules ask (urne_initiative_rules: the national threshold, each
 * territory's minimum, the number of territories that must reach theirs) and
 * whether each is met: the national count against the national threshold, each
 * territory against its minimum, how many territories reach theirs against how
 * many must. The initiative has reached its threshold when all three hold (a rule
 * that is NONE holds).
 *
 * Sums are int64, checked: a sum that would overflow is refused with its code,
 * never wrapped. A territory with more signatures than electors is refused too (a
 * valid signature is an elector's; such a count is a mistake to find, not a
 * success), but under rules confirmed by e-mail (rules.h), which know no
 * electorate (0 electors). The percentages shown beside the figures are exact, in basis points
 * rounded half up (urne_num_basis_points), as official results are published:
 * "24.01 %" is 2401.
 *
 * Pure: no I/O, no clock, no allocation, no globals. The caller gives the arrays.
 */
#ifndef URNE_INITIATIVE_TALLY_H
#define URNE_INITIATIVE_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_phrase.h"
#include "rules.h"

/* One territory's figures, as counted. */
typedef struct urne_initiative_count {
    const char *name;   /* the territory's name or code; not owned */
    int64_t electorate; /* registered electors (>= 0) */
    int64_t signatures; /* valid signatures (0 .. electorate) */
    int64_t seats;      /* PER_SEAT rules: its seats; -1 when not given (the rules' then) */
    int64_t minimum;    /* GIVEN rules: its own minimum; -1 when not given (the rules' then) */
} urne_initiative_count;

/* What the tally says of one territory. */
typedef struct urne_initiative_territory_result {
    int64_t minimum;       /* what the rules ask of it (0 when no territory rule) */
    int reached;           /* signatures >= minimum, and a territory rule exists */
    int64_t share_bp;      /* signatures / electorate in basis points, half up (0 when no electors) */
    int64_t progress_bp;   /* signatures / minimum in basis points, half up (0 when minimum is 0) */
} urne_initiative_territory_result;

/* Why a tally cannot be made (urne_initiative_tally_fault.code). */
typedef enum urne_initiative_tally_status {
    URNE_INITIATIVE_TALLY_OK = 0,
    URNE_INITIATIVE_TALLY_NEGATIVE,       /* a negative electorate or count */
    URNE_INITIATIVE_TALLY_EXCEEDS,        /* more signatures than electors */
    URNE_INITIATIVE_TALLY_OVERFLOW,       /* a sum or a minimum beyond int64 */
    URNE_INITIATIVE_TALLY_NO_SEATS,       /* PER_SEAT rules, a territory without its seats */
    URNE_INITIATIVE_TALLY_NO_MINIMUM,     /* GIVEN rules, a territory without its minimum */
    URNE_INITIATIVE_TALLY_FIGURES_DIFFER, /* its counts and the rules give it different seats or minimums */
    URNE_INITIATIVE_TALLY_NO_TERRITORIES  /* no territory at all */
} urne_initiative_tally_status;

typedef struct urne_initiative_tally {
    int64_t electorate, signatures;  /* the sums */
    int64_t national_threshold;      /* 0 when no national rule */
    int national_reached;            /* signatures >= threshold (1 when no national rule) */
    int64_t national_share_bp;       /* signatures / electorate, basis points half up */
    int64_t national_progress_bp;    /* signatures / threshold, basis points half up (0 when none) */
    int64_t territories_reaching;    /* territories whose minimum is reached */
    int64_t territories_needed;      /* how many must (0 when no such rule) */
    int territories_met;             /* reaching >= needed */
    int reached;                     /* all three hold */
    urne_initiative_tally_status status;
    size_t fault_index;              /* the territory at fault, when status says one */
    urne_phrase why;                 /* status as a phrase: the territory and figures (fmt NULL when OK) */
} urne_initiative_tally;

/* Tally the n counts (n >= 0, counts[i] valid as described) under checked rules r
 * into *out and per territory into results[0..n) (may be NULL when n is 0).
 * Returns out->status: URNE_INITIATIVE_TALLY_OK with every field set, or the
 * first fault found, in territory order, with fault_index and `why` set and the
 * other figures not to be used. */
urne_initiative_tally_status urne_initiative_tally_evaluate(const urne_initiative_rules *r,
                                                            const urne_initiative_count *counts, size_t n,
                                                            urne_initiative_territory_result *results,
                                                            urne_initiative_tally *out);

#endif
