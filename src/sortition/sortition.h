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
    int64_t **min_flex, **max_flex; /* how far they may be relaxed: 0 and INT64_MAX when not said */
    uint32_t *feature;         /* n x ncat: the volunteer's feature in each category (malloc'd) */
    const char **ids;          /* n: the volunteer's id as the pool file gives it (array malloc'd) */
    /* types: volunteers with identical features */
    size_t ntypes;
    uint32_t *type_of;         /* n */
    int64_t *type_size;        /* ntypes */
    uint32_t *type_feature;    /* ntypes x ncat */
    /* households (optional): at most one seat per shared address. A volunteer sharing
     * an address is no longer interchangeable with others, so is a type alone. */
    uint32_t *household;       /* n: shared household index or URNE_NO_HOUSEHOLD; NULL if not asked */
    size_t nhouseholds;        /* households of two volunteers or more */
    uint32_t *type_household;  /* ntypes, NULL if not asked */
    /* the pool file as read, for outputs that keep every column */
    const char *header;        /* the header line */
    char sep;                  /* its field separator (',' or ';'), which outputs keep */
    int ids_from_rows;         /* the pool has no id column: ids are row numbers */
    const char **lines;        /* n: each volunteer's line (array malloc'd) */
} urne_pool;

#define URNE_NO_HOUSEHOLD UINT32_MAX

/* Group volunteers into types (those sharing a household each alone). 0 or -1 (memory). */
int urne_pool_types(urne_pool *pool);

void urne_pool_free(urne_pool *pool);

/* Does the panel `selected` (n flags) seat exactly k volunteers, within every quota,
 * with no two from one shared household? 1 yes, 0 no, -1 memory. */
int urne_pool_panel_valid(const urne_pool *p, int64_t k, const char *selected);

typedef struct urne_sortition_result {
    size_t ntypes, npanels;
    int64_t *panels;           /* npanels x ntypes: members of each type in each panel */
    double *panel_prob;        /* npanels: the distribution (only panels above 0) */
    double *type_prob;         /* ntypes: each member's selection probability */
    double min_prob;
    size_t rounds, lp_solves, mip_solves;
    size_t panels_generated;   /* panels the method looked at, support or not */
    int timed_out;             /* stopped at the time limit with the best found */
    int relaxed;               /* LEXIMIN: found through the quotas' LP relaxation, decomposed
                                * (0: by column generation; see relaxation.c) */
} urne_sortition_result;

typedef enum urne_sortition_method {
    URNE_SORTITION_LEXIMIN,    /* the default: see leximin.c */
    URNE_SORTITION_MAXIMIN,    /* the smallest probability maximised, nothing more */
    URNE_SORTITION_NASH,       /* the product of the probabilities maximised (nash.c) */
    URNE_SORTITION_LEGACY      /* the Sortition Foundation's former greedy draw (legacy.c) */
} urne_sortition_method;

typedef struct urne_sortition_progress_info {
    const char *phase; /* "relaxation", "decomposition", "column generation", "nash" */
    size_t round, fixed, ntypes, panels, lp_solves, mip_solves;
    double elapsed;
} urne_sortition_progress_info;

/* Called after each round and about once a second in between. */
typedef void (*urne_sortition_progress)(void *ctx, const urne_sortition_progress_info *info);

typedef struct urne_sortition_options {
    urne_sortition_method method;
    double seconds;                /* > 0: stop cleanly with the best found */
    urne_sortition_progress progress;  /* may be NULL */
    void *ctx;
    uint64_t seed;                 /* LEGACY: its runs are random */
    size_t legacy_runs;            /* LEGACY: runs whose frequencies estimate the probabilities */
    int no_relaxation;             /* LEXIMIN: column generation from the start, never the
                                    * relaxation (tests and comparisons) */
} urne_sortition_options;

/* The distribution over feasible panels by `opt->method` (NULL: LEXIMIN, no limit).
 * LEXIMIN (Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 2021) maximises the
 * smallest selection probability, then the next, and so on. It is first computed over
 * the quotas' LP relaxation and decomposed into panels, which proves it exact
 * (relaxation.c); when that decomposition does not go through, by the paper's column
 * generation — a master LP over the panels found so far (CLP) and a search for the
 * panel of greatest dual weight — fixing the types the LP proves tight, round by round.
 * 0, or -1 with an error (infeasible quotas, solver failure, memory). */
int urne_sortition_distribution(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                                urne_sortition_result *out, urne_diags *diags);

void urne_sortition_result_free(urne_sortition_result *r);

typedef struct urne_sortition_relax {
    size_t cat, feat;
    int64_t min, max;          /* the quota */
    int64_t new_min, new_max;  /* what the smallest relaxation makes of it */
} urne_sortition_relax;

typedef struct urne_sortition_feasibility {
    int feasible;              /* panels of k meeting every quota exist */
    /* infeasible: the smallest relaxation making them exist */
    int within_flex;           /* 1: it stays within min_flex/max_flex */
    int size_impossible;       /* no relaxation of the quotas helps (pool or households too small) */
    size_t nrelax;
    urne_sortition_relax *relax;
    /* feasible: covered[t] = 0 for the types no valid panel holds */
    char *covered;
    size_t nuncovered;         /* volunteers in those types */
} urne_sortition_feasibility;

/* Feasibility first (see feasibility.c). 0, or -1 with an error (solver, memory). */
int urne_sortition_check(const urne_pool *pool, int64_t k, urne_sortition_feasibility *out, urne_diags *diags);
void urne_sortition_check_free(urne_sortition_feasibility *c);

/* The seed organisers publish (digits drawn in public, any text) as a number. */
uint64_t urne_sortition_seed(const char *text);

/* How the distribution was rounded to m equally likely panels (rounding.c). */
typedef struct urne_sortition_rounding {
    double deviation;                    /* largest |probability after - before| of any volunteer */
    double largest_remainders_deviation; /* the same for plain largest remainders, for comparison */
    size_t moves;                        /* tickets moved from the largest-remainder rounding */
} urne_sortition_rounding;

/* Round the distribution r to m tickets: copies[q] (npanels entries) tickets for panel
 * q, summing to m, each count m p_q rounded down or up, chosen so as to make the
 * largest change of any volunteer's probability as small as a local search can (never
 * more than largest remainders would). Deterministic. 0 or -1 (memory). */
int urne_sortition_round(const urne_pool *pool, const urne_sortition_result *r, size_t m, size_t *copies,
                         urne_sortition_rounding *how);

typedef struct urne_sortition_draw_result {
    size_t m;          /* equally likely panels */
    size_t *copies;    /* per panel of the distribution: how many of the m it is */
    urne_sortition_rounding rounding;
    size_t ticket;     /* which of the m was drawn */
    size_t panel;      /* the distribution's panel it is */
    char *selected;    /* per volunteer: 1 when on the panel */
} urne_sortition_draw_result;

/* Round the distribution to m panels (urne_sortition_round), draw one with `seed`, and choose its members within each type by a seeded shuffle.
 * 0 or -1 (memory). */
int urne_sortition_draw(const urne_pool *pool, const urne_sortition_result *r, size_t m, uint64_t seed,
                        urne_sortition_draw_result *out);

void urne_sortition_draw_free(urne_sortition_draw_result *d);

/* Features per category the engine accepts (the quota reader enforces it). */
#define URNE_SORTITION_MAX_FEATURES 512

typedef struct urne_sortition_alternates_list {
    size_t n;
    size_t *alternate;   /* n volunteers, in calling order */
    size_t *replaces;    /* n: the member each one stands in for */
    size_t without;      /* members no volunteer can replace within the quotas */
} urne_sortition_alternates_list;

/* The ordered alternates of panel `selected` (see draw.c). 0 or -1 (memory). */
int urne_sortition_alternates(const urne_pool *p, const char *selected, uint64_t seed, urne_sortition_alternates_list *out);
void urne_sortition_alternates_free(urne_sortition_alternates_list *l);

#endif
