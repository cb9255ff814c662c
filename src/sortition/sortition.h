/*
 * sortition: drawing a citizens' council by lot (issue 4). A pool of volunteers, each
 * with one feature per category (gender: female; age: 30-44 ...), quotas per feature,
 * a panel size k; the engine finds a probability distribution over panels that meet
 * every quota and is as fair as possible to every volunteer (LEXIMIN), then draws one
 * panel from it with a published seed.
 *
 * Volunteers with the same features are interchangeable: LEXIMIN gives them the same
 * probability, so the linear programs work on types (a 2,000-person pool may have a few
 * hundred) and probabilities are expanded to people at the end.
 *
 * Pure computation: the LP and MIP solvers (COIN-OR CLP and CBC) are libraries the
 * engine calls, with their logging off; nothing here reads, writes or prints.
 */
#ifndef URNE_SORTITION_H
#define URNE_SORTITION_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_arena.h"
#include "../core/urne_diag.h"

typedef struct urne_pool {
    urne_arena arena;
    size_t n;                  /* volunteers */
    size_t ncat;               /* categories */
    const char **cat_names;    /* ncat */
    size_t *nfeat;             /* features per category */
    const char ***feat_names;  /* [cat][feature] */
    int64_t **min, **max;      /* quotas [cat][feature] */
    uint32_t *feature;         /* n x ncat: the volunteer's feature in each category (malloc'd) */
    const char **ids;          /* n: the volunteer's id as the pool file gives it (array malloc'd) */
    /* types: volunteers with identical features */
    size_t ntypes;
    uint32_t *type_of;         /* n */
    int64_t *type_size;        /* ntypes */
    uint32_t *type_feature;    /* ntypes x ncat */
} urne_pool;

/* Group volunteers into types. 0 or -1 (memory). */
int urne_pool_types(urne_pool *pool);

void urne_pool_free(urne_pool *pool);

typedef struct urne_sortition_result {
    size_t ntypes, npanels;
    int64_t *panels;           /* npanels x ntypes: members of each type in each panel */
    double *panel_prob;        /* npanels: the distribution */
    double *type_prob;         /* ntypes: each member's selection probability */
    double min_prob;
    size_t rounds, lp_solves, mip_solves;
    int timed_out;             /* stopped at the time limit with the best found */
} urne_sortition_result;

/* Is there any panel of k meeting every quota? 1 yes, 0 no, -1 solver failure. */
int urne_sortition_feasible(const urne_pool *pool, int64_t k, urne_diags *diags);

/* LEXIMIN (Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 2021): the distribution over
 * feasible panels maximising the smallest selection probability, then the next, and
 * so on, by column generation — a master LP over the panels found so far (CLP) and a
 * pricing MIP for the panel of greatest dual weight (CBC) — fixing the types the LP
 * proves tight, round by round. `seconds` > 0 stops cleanly with the best found.
 * `progress` (may be NULL) is called after each round. 0, or -1 with an error. */
typedef void (*urne_sortition_progress)(void *ctx, size_t round, size_t fixed, size_t ntypes, size_t panels);

int urne_sortition_leximin(const urne_pool *pool, int64_t k, double seconds, urne_sortition_progress progress,
                           void *ctx, urne_sortition_result *out, urne_diags *diags);

void urne_sortition_result_free(urne_sortition_result *r);

/* The seed organisers publish (digits drawn in public, any text) as a number. */
uint64_t urne_sortition_seed(const char *text);

typedef struct urne_sortition_draw_result {
    size_t m;          /* equally likely panels */
    size_t *copies;    /* per panel of the distribution: how many of the m it is */
    size_t ticket;     /* which of the m was drawn */
    size_t panel;      /* the distribution's panel it is */
    char *selected;    /* per volunteer: 1 when on the panel */
} urne_sortition_draw_result;

/* Round the distribution to m panels (floor of p x m, then the largest remainders),
 * draw one with `seed`, and choose its members within each type by a seeded shuffle.
 * 0 or -1 (memory). */
int urne_sortition_draw(const urne_pool *pool, const urne_sortition_result *r, size_t m, uint64_t seed,
                        urne_sortition_draw_result *out);

void urne_sortition_draw_free(urne_sortition_draw_result *d);

#endif
