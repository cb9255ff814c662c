/*
 * mj: majority judgment over grade distributions. See count.h for the rule.
 *
 * Grades are indices, 0 the best. With N voters, sorting a candidate's grades from
 * worst to best, the lower middlemost grade is the floor((N+1)/2)-th: for N = 4, the
 * second of four; for N = 5, the third.
 */
#include <stdio.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"

int urne_grades_init(urne_grades *g, size_t ncand, const char *const *names, size_t ngrades,
                     const char *const *grade_names) {
    memset(g, 0, sizeof *g);
    urne_arena_init(&g->arena);
    g->ncand = ncand;
    g->ngrades = ngrades;
    g->names = urne_arena_alloc(&g->arena, (ncand ? ncand : 1) * sizeof *g->names);
    g->grade_names = urne_arena_alloc(&g->arena, (ngrades ? ngrades : 1) * sizeof *g->grade_names);
    g->counts = urne_arena_alloc(&g->arena, (ncand && ngrades ? ncand * ngrades : 1) * sizeof *g->counts);
    if (!g->names || !g->grade_names || !g->counts) return -1;
    for (size_t i = 0; i < ncand; i++)
        if ((g->names[i] = urne_arena_strdup(&g->arena, names[i])) == NULL) return -1;
    for (size_t i = 0; i < ngrades; i++)
        if ((g->grade_names[i] = urne_arena_strdup(&g->arena, grade_names[i])) == NULL) return -1;
    return 0;
}

void urne_grades_free(urne_grades *g) {
    urne_arena_free(&g->arena);
    memset(g, 0, sizeof *g);
}

/* The majority grade of a distribution d[0..ng) (0 best) over n voters. */
static size_t majority_grade(const int64_t *d, size_t ng, int64_t n) {
    int64_t rank = (n + 1) / 2, seen = 0; /* the rank-th grade counting from the worst */
    for (size_t g = ng; g-- > 0;) {
        seen += d[g];
        if (seen >= rank) return g;
    }
    return 0;
}

typedef struct gauge {
    size_t grade;
    int plus;       /* p > q */
    int64_t share;  /* p when plus, q otherwise (voters, the total is common) */
} gauge;

static gauge gauge_of(const int64_t *d, size_t ng, int64_t n) {
    gauge ga = {majority_grade(d, ng, n), 0, 0};
    int64_t p = 0, q = 0;
    for (size_t g = 0; g < ng; g++) {
        if (g < ga.grade) p += d[g];
        if (g > ga.grade) q += d[g];
    }
    ga.plus = p > q;
    ga.share = ga.plus ? p : q;
    return ga;
}

/* >0 when a is better, <0 when b is, 0 when equal. */
static int compare_gauge(gauge a, gauge b) {
    if (a.grade != b.grade) return a.grade < b.grade ? 1 : -1;
    if (a.plus != b.plus) return a.plus ? 1 : -1;
    if (a.share != b.share) return (a.plus ? a.share > b.share : a.share < b.share) ? 1 : -1;
    return 0;
}

/* The grade of the i-th voter counted from the worst (1-based, 1 <= i <= n), and the
 * first and last positions of its run of equal grades. */
static size_t grade_from_worst(const int64_t *d, size_t ng, int64_t i, int64_t *first, int64_t *last) {
    int64_t seen = 0;
    for (size_t g = ng; g-- > 0;) {
        if (d[g] > 0 && seen + d[g] >= i) {
            *first = seen + 1;
            *last = seen + d[g];
            return g;
        }
        seen += d[g];
    }
    assert(!"grade_from_worst: position beyond the voters");
    *first = *last = i;
    return 0;
}

/* Walk one front of the majority value from position `start` (toward the worst
 * when step < 0, the best when step > 0) and return how many positions along it a
 * and b first differ (their grades there in *ga, *gb), or -1 when they agree to
 * the end. It jumps from run boundary to run boundary: at most 2 ng steps. */
static int64_t front_difference(const int64_t *a, const int64_t *b, size_t ng, int64_t n, int64_t start, int step,
                                size_t *ga, size_t *gb) {
    for (int64_t i = start; i >= 1 && i <= n;) {
        int64_t fa, la, fb, lb;
        size_t x = grade_from_worst(a, ng, i, &fa, &la), y = grade_from_worst(b, ng, i, &fb, &lb);
        if (x != y) {
            *ga = x;
            *gb = y;
            return step < 0 ? start - i : i - start;
        }
        i = step < 0 ? (fa > fb ? fa : fb) - 1 : (la < lb ? la : lb) + 1;
    }
    return -1;
}

/* Compare two candidates as the rule does: by gauge, then, while the gauges are
 * equal, by removing one vote of the majority grade from each and comparing again.
 * The grades those removals read are the candidate's *majority value*: its votes
 * sorted, taken from the lower middle outward, alternately on each side (for 5
 * voters counted from the worst: 3, 2, 4, 1, 5; for 4: 2, 3, 1, 4), so two
 * candidates part at the first position where their majority values differ, and the
 * better grade there wins (Balinski and Laraki show the gauge's verdict at any step
 * is that one). Each side is a run of grades, so the first difference is found by
 * jumping from run to run, whatever the number of voters: a trillion voters whose
 * gauges stay equal cost a few steps, never one step per voter. */
static int compare(const urne_grades *g, size_t a, size_t b, int64_t *da, int64_t *db) {
    size_t ng = g->ngrades;
    int64_t n = g->total;
    memcpy(da, g->counts + a * ng, ng * sizeof *da);
    memcpy(db, g->counts + b * ng, ng * sizeof *db);
    if (n <= 0 || memcmp(da, db, ng * sizeof *da) == 0) return 0;
    int c = compare_gauge(gauge_of(da, ng, n), gauge_of(db, ng, n));
    if (c != 0) return c;
    int64_t m = (n + 1) / 2; /* the lower middle, counted from the worst */
    size_t la = 0, lb = 0, ua = 0, ub = 0;
    int64_t jl = front_difference(da, db, ng, n, m, -1, &la, &lb);
    int64_t ju = front_difference(da, db, ng, n, m + 1, +1, &ua, &ub);
    /* Position in the majority value of the j-th grade of each front. */
    int64_t kl = jl < 0 ? -1 : n % 2 ? (jl == 0 ? 0 : 2 * jl - 1) : 2 * jl;
    int64_t ku = ju < 0 ? -1 : n % 2 ? 2 * ju + 2 : 2 * ju + 1;
    assert(kl >= 0 || ku >= 0); /* different distributions differ somewhere */
    int lower_first = ku < 0 || (kl >= 0 && kl < ku);
    size_t x = lower_first ? la : ua, y = lower_first ? lb : ub;
    return x < y ? 1 : -1; /* grade 0 is the best */
}

/* The grades' invariant, which bounds every sum above: counts of at least 0, each
 * candidate's adding up (overflow-checked) to the total, at most the ballots' bound. */
static int grades_bounded(const urne_grades *g) {
    if (g->total < 0 || g->total > URNE_BALLOTS_WEIGHT_MAX || (g->ncand > 0 && g->ngrades == 0)) return -1;
    for (size_t c = 0; c < g->ncand; c++) {
        int64_t sum = 0;
        for (size_t k = 0; k < g->ngrades; k++)
            if (g->counts[c * g->ngrades + k] < 0 || __builtin_add_overflow(sum, g->counts[c * g->ngrades + k], &sum))
                return -1;
        if (sum != g->total) return -1;
    }
    return 0;
}

int urne_count_mj(const urne_grades *g, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    size_t n = g->ncand, ng = g->ngrades;
    if (urne_count_result_init(out, n, "mj", NULL, 0) != 0) goto oom;
    if (grades_bounded(g) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, "count", URNE_RULE_WEIGHT_BOUND,
                       "majority judgment: every candidate's grades must add up to the voters, at most %lld",
                       (long long)URNE_BALLOTS_WEIGHT_MAX);
        return -1;
    }
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    uint64_t *draw = malloc((n ? n : 1) * sizeof *draw);
    int64_t *da = malloc((ng ? ng : 1) * sizeof *da), *db = malloc((ng ? ng : 1) * sizeof *db);
    int64_t *grade = malloc((n ? n : 1) * sizeof *grade);
    if (!order || !draw || !da || !db || !grade) {
        free(order), free(draw), free(da), free(db), free(grade);
        goto oom;
    }
    urne_lot lot;
    urne_lot_init(&lot, seed);
    for (size_t i = 0; i < n; i++) order[i] = i, draw[i] = urne_lot_below(&lot, UINT64_MAX);
    int lot_used = 0;
    for (size_t i = 1; i < n; i++) /* insertion sort: n is small */
        for (size_t j = i; j > 0; j--) {
            int c = compare(g, order[j], order[j - 1], da, db);
            if (c == 0) lot_used |= j == 1, c = draw[order[j]] < draw[order[j - 1]] ? 1 : -1;
            if (c <= 0) break;
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) urne_count_winner_add(out, order[i]);
    if (lot_used && n > 1 && compare(g, order[0], order[1], da, db) == 0)
        snprintf(out->tiebreak, sizeof out->tiebreak, "%s and %s have identical grades: %s placed first by lot",
                 g->names[order[0]], g->names[order[1]], g->names[order[0]]);
    /* Stage: each candidate's majority grade (0 = best); the note says it in words. */
    urne_count_stage *st = NULL;
    for (size_t c = 0; c < n; c++) grade[c] = (int64_t)majority_grade(g->counts + c * ng, ng, g->total);
    st = urne_count_stage_add(out, "majority grades", grade, 0, NULL);
    out->labels = urne_arena_alloc(&out->arena, (n ? n : 1) * sizeof *out->labels);
    if (st && out->labels) {
        for (size_t c = 0; c < n; c++) out->labels[c] = g->grade_names[grade[c]];
        size_t used = 0;
        for (size_t i = 0; i < n && used + 1 < sizeof st->note; i++) {
            size_t c = order[i];
            gauge ga = gauge_of(g->counts + c * ng, ng, g->total);
            int w = snprintf(st->note + used, sizeof st->note - used, "%s%s: %s %c%lld", i ? "; " : "", g->names[c],
                             g->grade_names[ga.grade], ga.plus ? '+' : '-', (long long)ga.share);
            if (w < 0) break;
            used += (size_t)w;
            if (used >= sizeof st->note) break;
        }
    }
    free(order), free(draw), free(da), free(db), free(grade);
    if (st && out->labels) return 0;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
    return -1;
}
