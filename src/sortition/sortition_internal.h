/*
 * sortition_internal: what the sortition engine's files share and nobody else sees —
 * a column-wise sparse matrix to hand to COIN-OR, and the panel search, which also
 * carries the budget and the caller's "should I stop?" callback to every loop that
 * may run long (no clock anywhere: see sortition.h).
 *
 * The panel search answers one question many times: among the panels that meet every
 * quota (and hold at most one person per shared household), which one maximises
 * sum_t w_t x_t, x_t being the seats it gives to type t? LEXIMIN, MAXIMIN and NASH
 * ask it with the duals or gradients of their master problems, the feasibility check
 * and the coverage of volunteers with plain weights. Three answers, cheapest first:
 *
 *   improve  a local search by swaps (one seat from type a to type b keeping every
 *            quota) from a panel already known: no solver at all, a fraction of a
 *            millisecond, often enough to find a panel better than the master knows;
 *   best     the exact optimum: the LP relaxation first (kept between calls, only its
 *            objective changes, so primal simplex restarts from the last basis); when
 *            its bound cannot beat the caller's cutoff, no panel can, and when its
 *            solution is integral, that is the panel; otherwise a MIP (CBC), rebuilt
 *            each time as CBC's C interface asks, which may also return the other good
 *            panels it met on the way.
 *
 * Limits, all counted, none timed: a pricing MIP stops at s->nodes branch-and-bound
 * nodes (CBC's node limit; its seconds limit is never set), and every budgeted panel
 * search goes through urne_search_spend, which counts it and polls the caller's
 * callback. What stopped the search is latched in s->stopped, for the result to say.
 */
#ifndef URNE_SORTITION_INTERNAL_H
#define URNE_SORTITION_INTERNAL_H

#include <coin/Clp_C_Interface.h>
#include <stddef.h>
#include <stdint.h>

#include "sortition.h"

#define URNE_LP_INF 1e30 /* CLP reads bounds at or above 1e30 as infinite; DBL_MAX overflows its scaling */

typedef struct urne_sparse {
    CoinBigIndex *start;
    int *index;
    double *value;
    size_t nnz, cap, ncols;
} urne_sparse;

/* Room for `ncols` columns and `nnz` entries, malloc'd into m (whatever it held is
 * overwritten, not freed), empty. 0, or -1 (memory; urne_sparse_free still applies). */
int urne_sparse_reserve(urne_sparse *m, size_t ncols, size_t nnz);
/* Append an entry to the current column; the caller reserved room (asserted). */
void urne_sparse_add(urne_sparse *m, int row, double v);
/* Close the current column (at most the reserved number). */
void urne_sparse_end_col(urne_sparse *m);
/* Free the arrays and zero m. */
void urne_sparse_free(urne_sparse *m);

typedef struct urne_weighted {
    double w;
    size_t t;
} urne_weighted;

typedef struct urne_search {
    const urne_pool *p;
    int64_t k;
    size_t T;              /* types (columns) */
    size_t nquota;         /* quota rows: one per (category, feature) */
    size_t R;              /* rows: quotas, shared households, the size */
    size_t *row0;          /* first quota row of each category */
    urne_sparse m;         /* one column per type */
    double *rlb, *rub;      /* row bounds: the quotas, households at most 1, the size exactly k */
    double *clb, *cub;      /* column bounds: 0 .. n_t */
    double *obj;
    Clp_Simplex *relax;    /* the LP relaxation, kept between calls */
    int64_t *count;        /* local search: members per row */
    urne_weighted *order;  /* local search: types by decreasing weight */
    int64_t *incumbent;    /* the last panel found, improved into the MIP's starting solution */
    int have_incumbent;
    double gap;            /* relative gap at which the MIP may stop (0: proven optimum); set by the caller */
    double bound;          /* after urne_search_best: no panel is worth more than this */
    int node_limited;      /* after urne_search_best: its MIP stopped at s->nodes, so that
                            * s->bound is CBC's bound, not the optimum's value */
    size_t lp_solves, mip_solves;
    /* limits: set by the method after urne_search_init (which leaves them at none) */
    int nodes;             /* node limit of each MIP urne_search_best runs (0: none) */
    size_t searches, max_searches; /* budgeted panel searches made, allowed (0: no limit) */
    urne_sortition_should_stop should_stop; /* the caller's, may be NULL */
    void *stop_ctx;
    urne_sortition_stop stopped; /* latched: what stopped the search (COMPLETE: nothing yet) */
} urne_search;

/* Build the constraints of panels of `k` from `p` (its types computed) into s, which
 * keeps a pointer to p (p must outlive s). Limits none, counters 0. 0, or -1 (memory;
 * s zeroed). */
int urne_search_init(urne_search *s, const urne_pool *p, int64_t k);
/* Free what urne_search_init allocated (and the LP it keeps) and zero s. */
void urne_search_free(urne_search *s);

/* Set the method's limits from the caller's options (NULL: defaults, no callback):
 * the budget of panel searches, the node limit of pricing MIPs and the callback. */
void urne_search_limits(urne_search *s, const urne_sortition_options *opt);

/* May one more budgeted panel search run? Counts it and returns 1; or returns 0 when
 * the budget is used up or the caller's callback says stop, latching why in
 * s->stopped (and then always 0). */
int urne_search_spend(urne_search *s);

/* Has the caller asked to stop (or the search stopped already)? Polls the callback
 * without counting a search; latches URNE_SORTITION_STOP_CALLER. */
int urne_search_stopped(urne_search *s);

/* Does panel x (seats per type) meet every quota, household and the size? 1 or 0.
 * (Uses the search's row counts as scratch.) */
int urne_search_valid(urne_search *s, const int64_t *x);

/* Local search steps of urne_search_improve at most: a bound that does not depend on
 * the machine. It bounds a heuristic (each step strictly improves; the exact search is
 * the MIP), so reaching it never truncates a proof. */
#define URNE_IMPROVE_STEPS 100000

/* Swap seats from type to type while that raises sum_t w_t x_t, keeping x a valid
 * panel (x must be one on entry, asserted; it is one on return). Returns the final
 * value. */
double urne_search_improve(urne_search *s, const double *w, int64_t *x);

enum {
    URNE_SEARCH_FAILED = -1,
    URNE_SEARCH_INFEASIBLE = 0,
    URNE_SEARCH_FOUND = 1,
    URNE_SEARCH_NONE_ABOVE = 2,
    URNE_SEARCH_STOPPED = 3 /* the MIP reached its node limit before finding any panel */
};

/* The panel maximising sum_t w_t x_t into xs[0..T) (the caller's room for `room`
 * panels): the best first, then other good panels the MIP met (their number in
 * *found). When the LP bound shows no panel is worth more than `cutoff`,
 * URNE_SEARCH_NONE_ABOVE and nothing written (pass -INFINITY to always get the
 * optimum). The MIP stops at s->nodes nodes (0: none), and s->gap > 0 lets it stop
 * within that relative gap of the optimum; either way it returns its best panel as
 * FOUND (s->node_limited says which), or URNE_SEARCH_STOPPED when it had none.
 * s->bound then holds an upper bound on every panel's value (the optimum's when
 * proven). The last panel found, improved by local search, starts the next MIP. Every
 * panel written is valid (checked). INFEASIBLE: no panel at all; FAILED: the solver. */
int urne_search_best(urne_search *s, const double *w, double cutoff, int64_t *xs, size_t room, size_t *found);

/* A panel of large sum_t w_t x_t within narrower bounds — columns clb..cub, rows
 * rlb..rub (T and R entries, the caller's), e.g. a face of the quotas' polytope — into
 * x: the best within a fixed 100 nodes, else any panel there (no incumbent, no gap).
 * URNE_SEARCH_FOUND (x valid), URNE_SEARCH_INFEASIBLE (no panel within them) or
 * URNE_SEARCH_FAILED. */
int urne_search_face(urne_search *s, const double *w, const double *clb, const double *cub, const double *rlb,
                     const double *rub, int64_t *x);

/* sum_t w_t x_t (T entries each). */
double urne_search_value(const urne_search *s, const double *w, const int64_t *x);

/* A growing set of distinct panels (n x T seats, malloc'd; zero-initialise with T set). */
typedef struct urne_panels {
    size_t T, n, cap;
    int64_t *x;
} urne_panels;

/* The index of panel x (T seats), or ps->n when it is not known. */
size_t urne_panels_find(const urne_panels *ps, const int64_t *x);

/* Add a copy of x unless known (it is then at urne_panels_find's index): 1 added, 0
 * known, -1 memory (ps unchanged). */
int urne_panels_add(urne_panels *ps, const int64_t *x);
/* Free the panels and zero ps (T too). */
void urne_panels_free(urne_panels *ps);

/* Multiplicative weights: up to `rounds` panels by local search from x (a valid panel,
 * left at the last one found), each lowering the weight of the types it seats so that
 * the next favours the others. Stops early when the caller asks (urne_search_stopped).
 * 0 or -1 (memory). */
int urne_panels_seed(urne_panels *ps, urne_search *s, int64_t *x, size_t rounds);

/* Add panels until every type that is on some valid panel is on one of `ps`; types on
 * none get 0 in covered[] (T entries, the caller's), the others 1. Exact: no node
 * limit, no budget, no callback (at most one search per type), since it decides who
 * gets probability 0. 0, or -1 (solver or memory). */
int urne_panels_cover(urne_panels *ps, urne_search *s, char *covered);

/* Multiplicative-weights rounds before the first optimisation: one per type, at most this. */
#define URNE_SEED_ROUNDS_MAX 400

/* The panel set every method starts from: a first valid panel (every volunteer
 * weighted alike), `seeds` rounds of multiplicative weights, and panels covering every
 * type that can be covered (covered[t] = 0 for the others; T entries, the caller's).
 * x: room for T seats, left at a valid panel. 0, or -1 with an error (infeasible
 * quotas, solver, memory). */
int urne_panels_start(urne_panels *ps, urne_search *s, int64_t *x, size_t seeds, char *covered, urne_diags *diags);

/* Fixing in LEXIMIN rounds (leximin.c, relaxation.c): a type is tight when its dual
 * value is the largest or above URNE_LEXIMIN_TIGHT of it (relative, never a fixed
 * threshold: with thousands of types every dual may be tiny), and is then held at a
 * hair (URNE_LEXIMIN_SLACK) below what it had, so that rounding never makes the next
 * round infeasible. */
#define URNE_LEXIMIN_SLACK 1e-9
#define URNE_LEXIMIN_TIGHT 1e-7
static inline int urne_leximin_tight(double y, double ymax) { return y > URNE_LEXIMIN_TIGHT * ymax || y == ymax; }

/* LEXIMIN over the quotas' LP relaxation (relaxation.c): x (T, the caller's) gets the
 * seats per type at that point (n_t times the type's value); *rounds and *lp_solves are
 * increased. At most T rounds (each fixes a type). 1 done; 0 an LP failed (numerically:
 * the caller falls back) or the caller asked to stop; -1 memory. */
int urne_relaxed_leximin(urne_search *s, double *x, size_t *rounds, size_t *lp_solves);

/* Decompose x (a point of the quotas' polytope) into panels, added to ps (empty on
 * entry), with their weights in *weights (malloc'd, ps->n entries, summing to 1; the
 * caller frees it even on failure). Each step is a budgeted panel search
 * (urne_search_spend). progress (may be NULL) hears of each panel. 1 decomposed; 0
 * stopped on a face holding no panel (x may still be a combination of other panels);
 * 2 the budget or the caller stopped it (s->stopped says which); -1 solver or memory. */
int urne_relaxed_decompose(urne_search *s, const double *x, urne_panels *ps, double **weights,
                           void (*progress)(void *ctx, size_t panels), void *ctx);

/* A decomposition must give every type its value within this, or it is not used. */
#define URNE_RELAXED_CHECK 1e-8

/* LEXIMIN, stopping after `max_rounds` rounds (SIZE_MAX: to the end; 1: MAXIMIN).
 * Contract as urne_sortition_distribution's; opt is never NULL here. */
int urne_sortition_leximin_rounds(const urne_pool *pool, int64_t k, size_t max_rounds,
                                  const urne_sortition_options *opt, urne_sortition_result *out, urne_diags *diags);

/* NASH (nash.c) and LEGACY (legacy.c); contracts as urne_sortition_distribution's, opt
 * never NULL. */
int urne_sortition_nash(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                        urne_sortition_result *out, urne_diags *diags);
int urne_sortition_legacy(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                          urne_sortition_result *out, urne_diags *diags);

/* Fill `out` (zeroed by the caller) with the panels of positive probability (prob[q]
 * for panels->x's panel q, ps->n entries, nonnegative, not all 0), renormalised to sum
 * to 1, and each type's probability. Asserts that every panel kept is valid and the
 * same size, and that the probabilities sum to k. 0 or -1 (memory; the caller frees
 * `out`). */
int urne_sortition_result_set(urne_sortition_result *out, const urne_pool *p, urne_panels *panels, const double *prob);

/* Does panel x (seats per type, ntypes entries) seat exactly k, no type more than it
 * has, every (category, feature) count within its quota [min, max]? Households are not
 * looked at (urne_pool_panel_valid does, per person). Reads only; 1 or 0. For asserts:
 * the searches check their panels with urne_search_valid; this checks them again from
 * the pool alone. O(ntypes x features). */
int urne_pool_counts_valid(const urne_pool *p, const int64_t *x, int64_t k);

#endif
