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
 * engine calls, with their logging off; nothing here reads, writes or prints, and
 * nothing reads a clock (issue 14). A search that could run long is bounded by a
 * budget counted in the engine's own units of work — panel searches, branch-and-bound
 * nodes, multiplicative updates — never in seconds, so that the same inputs, options
 * and seed give the same distribution on a fast machine and a slow one. A caller who
 * wants a time limit (the CLI's --time-limit) passes a "should I stop?" callback and
 * reads the clock itself; the engine only polls it between units of work, and reports
 * that it stopped. Whatever stopped a search is reported in the result
 * (urne_sortition_result.stopped), never hidden: a stopped search returns the best
 * distribution found, every panel of it valid, flagged as not proven optimal.
 *
 * Memory: every result and list below is malloc'd by the engine into a struct the
 * caller provides, and freed by the matching _free function (which also accepts a
 * zeroed struct). On error the engine frees what it allocated and leaves the struct
 * zeroed; errors are added to the caller's urne_diags with a code ("memory", "solver",
 * "infeasible", ...).
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

/* Group volunteers into types (those sharing a household each alone).
 * Takes: a pool with n, ncat, feature and (optionally) household filled.
 * Sets: ntypes, type_of, type_size, type_feature (and type_household when households
 * are asked), allocated in the pool's arena (freed by urne_pool_free).
 * Returns 0, or -1 when out of memory (the pool is then only fit for urne_pool_free). */
int urne_pool_types(urne_pool *pool);

/* Free everything the pool owns (its arena, feature, ids, lines, household) and zero it.
 * Accepts a zeroed pool. */
void urne_pool_free(urne_pool *pool);

/* Does the panel `selected` (n flags, 1 for a member) seat exactly k volunteers, within
 * every quota, with no two from one shared household? Reads only; 1 yes, 0 no, -1 out
 * of memory (scratch counts are allocated and freed here). */
int urne_pool_panel_valid(const urne_pool *p, int64_t k, const char *selected);

/* Why a search ended. Anything but COMPLETE means the result is the best distribution
 * found when it stopped: valid (every panel meets the quotas, probabilities sum to k)
 * but not proven optimal. */
typedef enum urne_sortition_stop {
    URNE_SORTITION_COMPLETE = 0,   /* the method ran to its own end */
    URNE_SORTITION_STOP_SEARCHES,  /* budget.panel_searches used up */
    URNE_SORTITION_STOP_NODES,     /* a pricing MIP stopped at budget.mip_nodes, so that a round's
                                    * optimality was not proven (the search went on to the end) */
    URNE_SORTITION_STOP_EM,        /* NASH: budget.em_steps used up */
    URNE_SORTITION_STOP_CALLER     /* the caller's should_stop said so (e.g. the CLI's --time-limit) */
} urne_sortition_stop;

/* A short English phrase for a stop ("complete", "budget of panel searches used up",
 * ...): a static string, never NULL. */
const char *urne_sortition_stop_name(urne_sortition_stop stop);

typedef struct urne_sortition_result {
    size_t ntypes, npanels;
    int64_t *panels;           /* npanels x ntypes: members of each type in each panel */
    double *panel_prob;        /* npanels: the distribution (only panels above 0) */
    double *type_prob;         /* ntypes: each member's selection probability */
    double min_prob;
    size_t rounds, lp_solves, mip_solves;
    size_t panels_generated;   /* panels the method looked at, support or not */
    size_t panel_searches;     /* searches counted against budget.panel_searches */
    size_t em_steps;           /* NASH: multiplicative updates, counted against budget.em_steps */
    urne_sortition_stop stopped; /* why the search ended: URNE_SORTITION_COMPLETE, or the
                                * budget or caller that stopped it (see above) */
    int optimal;               /* 1: the method's optimum, proven (LEXIMIN, MAXIMIN: within the
                                * LP tolerances; NASH: within its 1e-8); 0: stopped, or LEGACY,
                                * which optimises nothing */
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
    const char *phase; /* "relaxation", "decomposition", "column generation", "nash", "legacy runs" */
    size_t round, fixed, ntypes, panels, lp_solves, mip_solves, panel_searches;
} urne_sortition_progress_info;

/* Called after every unit of work (a pricing, a decomposition step, a round): often.
 * The engine has no clock, so a caller who prints progress throttles it itself. */
typedef void (*urne_sortition_progress)(void *ctx, const urne_sortition_progress_info *info);

/* Polled between units of work (never inside a solver call): nonzero stops the search
 * cleanly with the best distribution found, reported as URNE_SORTITION_STOP_CALLER.
 * Once it has said stop it is not asked again. */
typedef int (*urne_sortition_should_stop)(void *ctx);

/* Limits in the engine's own units, so that the same budget stops at the same place on
 * every machine. 0 in a field means its default below. */
typedef struct urne_sortition_budget {
    size_t panel_searches; /* searches for a new panel: each pricing of the column generation
                            * and of NASH, each step of the relaxation's decomposition (the
                            * first panel and the cover of every type, at most one per type
                            * and needed to say who no panel holds, are not counted) */
    size_t mip_nodes;      /* CBC's branch-and-bound node limit for each pricing MIP */
    size_t em_steps;       /* NASH: multiplicative updates in all */
} urne_sortition_budget;

/* The defaults bind on none of the bench pools (LEXIMIN's outputs there are
 * byte-identical to the unlimited engine's; the largest uses 419 panel searches): they
 * are there so that every search ends, and says so when one of them ended it. */
#define URNE_SORTITION_DEFAULT_SEARCHES 20000   /* hours of column generation on 1,000 types */
#define URNE_SORTITION_DEFAULT_NODES 1000000    /* per pricing MIP */
#define URNE_SORTITION_DEFAULT_EM_STEPS 10000000 /* 500 of NASH's rounds of 20,000 */

typedef struct urne_sortition_options {
    urne_sortition_method method;
    urne_sortition_budget budget;  /* zeros: the defaults */
    urne_sortition_should_stop should_stop; /* may be NULL: then nothing but the budget stops it */
    void *stop_ctx;
    urne_sortition_progress progress;  /* may be NULL */
    void *ctx;                     /* progress's */
    uint64_t seed;                 /* LEGACY: its runs are random */
    size_t legacy_runs;            /* LEGACY: runs whose frequencies estimate the probabilities */
    int no_relaxation;             /* LEXIMIN: column generation from the start, never the
                                    * relaxation (tests and comparisons) */
} urne_sortition_options;

/* The distribution over feasible panels by `opt->method` (NULL: LEXIMIN, the default
 * budget, no callback).
 * LEXIMIN (Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 2021) maximises the
 * smallest selection probability, then the next, and so on. It is first computed over
 * the quotas' LP relaxation and decomposed into panels, which proves it exact
 * (relaxation.c); when that decomposition does not go through, by the paper's column
 * generation — a master LP over the panels found so far (CLP) and a search for the
 * panel of greatest dual weight — fixing the types the LP proves tight, round by round.
 * Takes: a pool with its types (urne_pool_types), 1 <= k <= pool->n; reads them only.
 * Fills `out` (the caller's struct, overwritten): malloc'd panels, panel_prob (summing to
 * 1) and type_prob (summing to k over the volunteers), freed by
 * urne_sortition_result_free; and how the search ended (stopped, optimal). A budget or
 * the caller stopping the search is not an error: `out` then holds the best distribution
 * found. Deterministic: the same pool, k and options (should_stop never saying stop)
 * give the same result, bit for bit, whatever the machine's speed.
 * 0, or -1 with an error in diags (infeasible quotas, solver failure, memory) and `out`
 * zeroed. */
int urne_sortition_distribution(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                                urne_sortition_result *out, urne_diags *diags);

/* Free what urne_sortition_distribution allocated and zero `r` (a zeroed r is fine). */
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

/* Feasibility first (see feasibility.c): do panels of k meeting every quota exist, and if
 * not, the smallest relaxation of the quotas that makes them exist; if so, the types no
 * valid panel holds. Exact, no budget: a MIP for the relaxation, at most one panel
 * search per type for the cover.
 * Takes: a pool with its types, k >= 1; reads them only. Fills `out` (malloc'd relax or
 * covered, freed by urne_sortition_check_free). 0, or -1 with an error in diags (solver,
 * memory) and `out` zeroed. */
int urne_sortition_check(const urne_pool *pool, int64_t k, urne_sortition_feasibility *out, urne_diags *diags);
/* Free what urne_sortition_check allocated and zero `c`. */
void urne_sortition_check_free(urne_sortition_feasibility *c);

/* The seed organisers publish (digits drawn in public, any text: a NUL-terminated
 * string) as a number: FNV-1a over its bytes. Never fails. */
uint64_t urne_sortition_seed(const char *text);

/* How the distribution was rounded to m equally likely panels (rounding.c). */
typedef struct urne_sortition_rounding {
    double deviation;                    /* largest |probability after - before| of any volunteer */
    double largest_remainders_deviation; /* the same for plain largest remainders, for comparison */
    size_t moves;                        /* tickets moved from the largest-remainder rounding */
    int local_optimum;                   /* 1: no single ticket move would lower the deviation;
                                          * 0: the search stopped at its fixed bound of moves
                                          * (URNE_SORTITION_ROUNDING_MOVES), reported, never seen */
} urne_sortition_rounding;

/* Ticket moves the rounding's local search may make: a bound in moves, not seconds. */
#define URNE_SORTITION_ROUNDING_MOVES 1000000

/* Round the distribution r to m tickets: copies[q] (npanels entries) tickets for panel
 * q, summing to m, each count m p_q rounded down or up, chosen so as to make the
 * largest change of any volunteer's probability as small as a local search can (never
 * more than largest remainders would).
 * Takes: the pool r was computed on, r (panel_prob summing to 1), m >= 1, copies with
 * room for r->npanels counts (the caller's), how (the caller's). Reads pool and r only.
 * Deterministic: no clock, no solver. 0, or -1 (memory: copies and how undefined). */
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

/* Round the distribution to m panels (urne_sortition_round), draw one with `seed`, and
 * choose its members within each type by a seeded shuffle.
 * Takes: the pool r was computed on, r with at least one panel, m >= 1. Fills `out`
 * (malloc'd copies and selected, freed by urne_sortition_draw_free). The same inputs
 * and seed give the same panel. 0, or -1 (memory; `out` zeroed). */
int urne_sortition_draw(const urne_pool *pool, const urne_sortition_result *r, size_t m, uint64_t seed,
                        urne_sortition_draw_result *out);

/* Free what urne_sortition_draw allocated and zero `d`. */
void urne_sortition_draw_free(urne_sortition_draw_result *d);

/* Features per category the engine accepts (the quota reader enforces it). */
#define URNE_SORTITION_MAX_FEATURES 512

typedef struct urne_sortition_alternates_list {
    size_t n;
    size_t *alternate;   /* n volunteers, in calling order */
    size_t *replaces;    /* n: the member each one stands in for */
    size_t without;      /* members no volunteer can replace within the quotas */
} urne_sortition_alternates_list;

/* The ordered alternates of panel `selected` (n flags; see draw.c), drawn with `seed`.
 * Takes: the pool, a valid panel of it. Fills `out` (malloc'd alternate and replaces,
 * freed by urne_sortition_alternates_free). 0, or -1 (memory; `out` zeroed). */
int urne_sortition_alternates(const urne_pool *p, const char *selected, uint64_t seed, urne_sortition_alternates_list *out);
/* Free what urne_sortition_alternates allocated and zero `l`. */
void urne_sortition_alternates_free(urne_sortition_alternates_list *l);

#endif
