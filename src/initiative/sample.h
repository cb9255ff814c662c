/*
 * initiative sample: the verification authority's random sample of signatures,
 * and the valid count projected from what it finds.
 *
 * An authority cannot check a million signatures by hand; it checks a sample
 * drawn at random, reproducibly (anyone given the seed and the list of
 * signatures draws the same sample), and projects the share it finds valid onto
 * all of them, with an interval that says how sure the projection is.
 *
 * The draw is Knuth's selection sampling (TAOCP vol. 2, 3.4.2, Algorithm S): the
 * population's positions are visited in order and each is taken with probability
 * (still needed) / (still left), so every subset of the size is equally likely,
 * the sample comes out sorted, and nothing is allocated. The lot is count.h's
 * seeded generator (splitmix64), the one every urne draw uses.
 *
 * The projection: the sample's valid share p = valid / size, projected onto the
 * population as p x population, and its 95 % interval by Wilson's score method
 * (better than the normal approximation when nearly every signature is valid, as
 * is usual: with p = 1 it still gives an interval of some width) with the finite
 * population correction (a sample of the whole population leaves no doubt: the
 * interval is the count itself). Computed in double precision, then rounded to
 * whole signatures: the projection to the nearest, the interval outwards.
 *
 * Pure: no I/O, no clock, no allocation, no globals.
 */
#ifndef URNE_INITIATIVE_SAMPLE_H
#define URNE_INITIATIVE_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* Draw `size` distinct positions among 0 .. population - 1 with `seed`, in
 * increasing order, into out (room for size). 0, or -1 when size > population. */
int urne_initiative_sample_draw(uint64_t population, uint64_t size, uint64_t seed, uint64_t *out);

/* The authority's finding on one signature of a sample. */
typedef struct urne_initiative_verdict {
    int64_t signature;
    int valid;          /* 1 valid, 0 invalid */
    const char *reason; /* an invalid one's: required; not owned */
} urne_initiative_verdict;

typedef struct urne_initiative_projection {
    int64_t population; /* signatures the sample was drawn from */
    int64_t size;       /* signatures checked */
    int64_t valid;      /* of them found valid */
    int64_t share_bp;   /* valid / size in basis points, rounded half up */
    int64_t projected;  /* valid signatures projected onto the population */
    int64_t low, high;  /* its 95 % interval, in signatures */
} urne_initiative_projection;

/* The refusals of urne_initiative_project. */
typedef enum {
    URNE_INITIATIVE_PROJECT_OK,
    URNE_INITIATIVE_PROJECT_EMPTY,   /* a sample of none */
    URNE_INITIATIVE_PROJECT_BOUNDS,  /* valid > size, size > population, or a count < 0 */
} urne_initiative_project_status;

/* The projection of `valid` found among `size` drawn from `population`. */
urne_initiative_project_status urne_initiative_project(int64_t population, int64_t size, int64_t valid,
                                                       urne_initiative_projection *out);

#endif
