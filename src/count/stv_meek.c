/*
 * stv_meek: the single transferable vote by Meek's method, with the arithmetic of New
 * Zealand's rules (nine decimals). See count.h for the contract.
 *
 * Every candidate has a keep factor: the share of each vote reaching them that they
 * keep. Hopeful candidates keep everything (1), excluded ones nothing (0), elected ones
 * just enough to hold the quota. A ballot gives its first continuing preference
 * weight x keep factor, passes the rest on, and so on down the ranking; what is left at
 * the end is excess. Since keep factors and the quota depend on each other, they are
 * iterated: k <- k x quota / votes for the elected, until the surplus is negligible.
 * Then the count moves: elect whoever reaches the quota, or exclude the lowest.
 * Unlike Gregory methods, every transfer reaches later preferences exactly as if the
 * excluded had never stood.
 *
 * Speed, without changing a digit. A count distributes every ballot once per
 * iteration, and a stage takes a handful of iterations (Meath 2002: 25,101 distinct
 * rankings, about 80 iterations in all, one stage running 1,000). Three things make
 * that cheap:
 *   - The rankings are laid out once as a tree of their prefixes (sorted, in preorder).
 *     What a ballot gives a candidate depends only on the candidates before it, so
 *     the tree computes it once per prefix and credits it times the prefix's weight;
 *     and since a hopeful candidate keeps everything, the walk stops there: an
 *     iteration visits only the prefixes made of elected and excluded candidates.
 *   - The products value x keep factor are at most 10^18 and fit in int64: no 128-bit
 *     division per preference, only a division by the constant 10^9.
 *   - When rounded-up keep factors can no longer bring the surplus under OMEGA they
 *     repeat in a cycle until the guard of 1,000 iterations; converge() finds the
 *     cycle and skips whole turns of it (see there).
 * Every sum is of the same integers as a ballot-by-ballot walk, so votes, excess,
 * quota, keep factors and the number of iterations are exactly the same.
 */
#define _GNU_SOURCE /* qsort_r */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"

#define UNIT 1000000000LL     /* nine decimals */
#define OMEGA 10000LL         /* 0.00001: the surplus at which keep factors have converged */
#define MAX_ITERATIONS 1000   /* convergence is reached long before; a guard, reported */

/* One node of the ranking tree: the rankings that begin with the same candidates
 * share the path of those candidates, so the work of a distribution is done once per
 * distinct prefix instead of once per ranking. Nodes are stored in preorder: a node's
 * subtree is the nodes from it up to `end`, its children start right after it. */
typedef struct rank_node {
    uint32_t cand;     /* the candidate at this place of the ranking */
    uint32_t depth;    /* 0 for a first preference */
    uint32_t end;      /* index past the last node of the subtree */
    int64_t through;   /* weight of the rankings passing through (or ending at) this node */
    int64_t ending;    /* weight of the rankings ending here */
} rank_node;

typedef struct meek {
    const urne_ballots *b;
    size_t seats, nelected;
    int64_t *keep, *votes;
    char *state;
    size_t *pool, *hopeful; /* room for ncand candidates each: those reaching the quota, those hopeful */
    int64_t excess, quota;
    int64_t total;          /* the ballots' weights: the valid vote, in whole votes */
    rank_node *nodes;       /* the ranking tree, in preorder */
    size_t nnodes;
    int64_t empty;          /* weight of the empty rankings: all excess */
    int64_t *value;         /* per depth: the value a ballot still carries at that place */
    int64_t *saved;         /* keep factors saved to find a cycle (converge) */
    int64_t surplus;        /* the elected candidates' surplus left by the last iteration */
    urne_lot lot;
    urne_count_result *out;
} meek;

/* qsort_r comparison of two rankings (indices into b), lexicographically. */
static int ranking_cmp(const void *x, const void *y, void *ctx) {
    const urne_ballots *b = ctx;
    uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
    const uint16_t *p = b->prefs + b->start[i], *q = b->prefs + b->start[j];
    size_t n = b->len[i] < b->len[j] ? b->len[i] : b->len[j];
    for (size_t k = 0; k < n; k++)
        if (p[k] != q[k]) return p[k] < q[k] ? -1 : 1;
    return (b->len[i] > b->len[j]) - (b->len[i] < b->len[j]);
}

/* Build the ranking tree: sort the rankings, then walk them keeping the path of the
 * previous one; a ranking shares the nodes of its common prefix with it. 0 or -1. */
static int build_tree(meek *m) {
    const urne_ballots *b = m->b;
    uint32_t *order = malloc((b->n ? b->n : 1) * sizeof *order);
    uint32_t *path = malloc((b->ncand + 1) * sizeof *path);
    m->nodes = malloc((b->nprefs ? b->nprefs : 1) * sizeof *m->nodes);
    m->value = malloc((b->ncand + 1) * sizeof *m->value);
    if (order == NULL || path == NULL || m->nodes == NULL || m->value == NULL) {
        free(order);
        free(path);
        return -1;
    }
    for (size_t k = 0; k < b->n; k++) order[k] = (uint32_t)k;
    qsort_r(order, b->n, sizeof *order, ranking_cmp, (void *)b);
    size_t depth = 0, nn = 0; /* path[0..depth): the previous ranking's nodes */
    const uint16_t *prev = NULL;
    for (size_t i = 0; i < b->n; i++) {
        uint32_t k = order[i];
        const uint16_t *p = b->prefs + b->start[k];
        size_t len = b->len[k], common = 0;
        while (common < depth && common < len && prev[common] == p[common]) common++;
        while (depth > common) m->nodes[path[--depth]].end = (uint32_t)nn;
        for (; depth < len; depth++) {
            assert(nn < b->nprefs);
            rank_node *t = &m->nodes[nn];
            t->cand = p[depth];
            t->depth = (uint32_t)depth;
            t->through = t->ending = 0;
            path[depth] = (uint32_t)nn++;
        }
        for (size_t d = 0; d < len; d++) m->nodes[path[d]].through += b->weight[k];
        if (len) m->nodes[path[len - 1]].ending += b->weight[k];
        else m->empty += b->weight[k];
        m->total += b->weight[k];
        prev = p;
    }
    while (depth > 0) m->nodes[path[--depth]].end = (uint32_t)nn;
    m->nnodes = nn;
    free(order);
    free(path);
    return 0;
}

/* Distribute every ballot by the keep factors; sets votes, excess and quota.
 * A ballot reaching a candidate with value w gives them floor(w x keep), keeps the rest;
 * since hopeful candidates keep everything, the walk stops at the first one, and a
 * subtree whose value is spent is skipped whole. keep and w are at most UNIT, so
 * their product (10^18) fits in int64 and the division by the constant is cheap. */
static void distribute(meek *m) {
    memset(m->votes, 0, m->b->ncand * sizeof *m->votes);
    int64_t excess = m->empty * UNIT;
    const rank_node *nodes = m->nodes;
    int64_t *value = m->value;
    value[0] = UNIT;
    for (size_t i = 0; i < m->nnodes;) {
        const rank_node *t = &nodes[i];
        int64_t w = value[t->depth], kf = m->keep[t->cand];
        assert(w > 0 && kf >= 0 && kf <= UNIT);
        if (kf != 0) {
            int64_t give = w * kf / UNIT; /* rounded down */
            m->votes[t->cand] += t->through * give;
            w -= give;
        }
        excess += t->ending * w;
        if (w == 0) {
            i = t->end;
            continue;
        }
        value[t->depth + 1] = w;
        i++;
    }
    m->excess = excess;
    m->quota = (m->total * UNIT - m->excess) / (int64_t)(m->seats + 1) + 1;
}

#ifndef NDEBUG
/* Is the vote conserved? Every ballot's unit of value is split between the candidates
 * whose keep factors take a share (rounded down) and what is left at the end of its
 * ranking, which distribute() counts as excess; so the votes of all candidates
 * (hopeful, elected, excluded: these keep nothing, so hold 0) and the excess, fractions
 * lost to rounding included, add up to the valid vote exactly, in units of 10^-9.
 * O(candidates): called once per stage, in asserts only. */
static int meek_conserved(const meek *m) {
    int64_t held = m->excess;
    for (size_t c = 0; c < m->b->ncand; c++) {
        if (m->keep[c] == 0 && m->votes[c] != 0) return 0;
        held += m->votes[c];
    }
    return held == m->total * UNIT;
}
#endif

/* A stage's note; a long list of names may be cut, which is fine for a note. */
static void notef(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void notef(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

static const char *name(const meek *m, size_t c) { return m->b->names[c] ? m->b->names[c] : "?"; }

static size_t pick(meek *m, size_t *pool, size_t n, int highest) {
    return urne_count_pick(m->out, m->votes, pool, n, highest, &m->lot, m->b->names,
                           highest ? "order of election" : "exclusion");
}

/* Iterate keep factors until the surplus is under OMEGA. Returns the iterations.
 *
 * Keep factors are rounded up to 10^-9, so they may never bring the surplus under
 * OMEGA: they then cycle through the same values until the guard of MAX_ITERATIONS
 * stops them. The step from one set of keep factors to the next depends on nothing
 * else (the candidates' states are fixed here), so once a set recurs the rest of the
 * iterations repeat; whole cycles are skipped, which leaves the keep factors, votes
 * and count of iterations exactly those of running them all. A cycle is found by
 * Brent's method: compare with a saved set, saved anew at each power of two. */
static int converge(meek *m) {
    size_t n = m->b->ncand;
    int it = 0, since_saved = 0, power = 1;
    memcpy(m->saved, m->keep, n * sizeof *m->keep);
    for (; it < MAX_ITERATIONS; it++) {
        distribute(m);
        int64_t surplus = 0;
        for (size_t c = 0; c < n; c++)
            if (m->state[c] == URNE_ELECTED && m->votes[c] > m->quota) surplus += m->votes[c] - m->quota;
        m->surplus = surplus;
        if (surplus < OMEGA) break;
        int changed = 0;
        for (size_t c = 0; c < n; c++) {
            if (m->state[c] != URNE_ELECTED || m->votes[c] == 0) continue;
            /* k x quota / votes, rounded up */
            __int128 num = (__int128)m->keep[c] * m->quota;
            int64_t k = (int64_t)((num + m->votes[c] - 1) / m->votes[c]);
            if (k > UNIT) k = UNIT;
            changed |= k != m->keep[c];
            m->keep[c] = k;
        }
        if (!changed) break;
        since_saved++;
        if (memcmp(m->keep, m->saved, n * sizeof *m->keep) == 0) {
            /* the keep factors after iteration `it` recur every `since_saved` iterations */
            int left = MAX_ITERATIONS - 1 - it;
            it += left / since_saved * since_saved;
        } else if (since_saved == power) {
            memcpy(m->saved, m->keep, n * sizeof *m->keep);
            power *= 2;
            since_saved = 0;
        }
    }
    return it + 1;
}

/* "1234.000000060" into buf (room for 32). */
static const char *dec9(char *buf, int64_t v) {
    snprintf(buf, 32, "%s%lld.%09lld", v < 0 ? "-" : "", (long long)(v < 0 ? -v : v) / UNIT,
             (long long)(v < 0 ? -v : v) % UNIT);
    return buf;
}

/* Append to the stage's note, and to the result's summary of ties and close calls. */
static void close_call(meek *m, char *note, size_t size, int stage, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void close_call(meek *m, char *note, size_t size, int stage, const char *fmt, ...) {
    char text[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t used = strlen(note);
    snprintf(note + used, size - used, " %s", text);
    char *tb = m->out->tiebreak;
    used = strlen(tb);
    size_t len = strlen(text);
    if (len && text[len - 1] == '.') text[--len] = '\0'; /* the summary is a list, ended by its writer */
    snprintf(tb + used, sizeof m->out->tiebreak - used, "%sstage %d: %s", used ? "; " : "", stage + 1, text);
}

/* The precision of a stage's figures: the keep factors stop when the surplus left is
 * under OMEGA, so a candidate's votes may still move by up to that much (by the
 * surplus left, when they stopped at the guard). A margin under it is a close call:
 * the decision rests on where the iteration stopped and on rounding at nine decimals,
 * not on the ballots alone (Wichmann, 'The computational accuracy using the Meek
 * algorithm', Voting matters 12, 2000). Such decisions are said, not hidden. */
static int64_t precision(const meek *m) { return m->surplus > OMEGA ? m->surplus : OMEGA; }

/* Say which hopefuls are within the precision of the quota (elected or not). */
static void note_quota_calls(meek *m, char *note, size_t size, int stage) {
    char a[32], b[32];
    for (size_t c = 0; c < m->b->ncand; c++) {
        int64_t d = m->votes[c] - m->quota;
        int just = m->state[c] == URNE_ELECTED && m->keep[c] == UNIT && d >= 0 && d < precision(m);
        if (just || (m->state[c] == URNE_HOPEFUL && d < 0 && -d < precision(m)))
            close_call(m, note, size, stage,
                       "%s is %s %s the quota, less than the count's precision (%s): %s by the votes as "
                       "computed at nine decimals.",
                       name(m, c), dec9(a, d < 0 ? -d : d), d < 0 ? "below" : "above", dec9(b, precision(m)),
                       just ? "elected" : "not elected");
    }
}

/* Elect everyone at or above the quota, most votes first. Appends to note. 0 or -1. */
static int elect_by_quota(meek *m, char *note, size_t size) {
    for (;;) {
        size_t np = 0;
        for (size_t c = 0; c < m->b->ncand; c++)
            if (m->state[c] == URNE_HOPEFUL && m->votes[c] >= m->quota) m->pool[np++] = c;
        if (np == 0 || m->nelected == m->seats) return 0;
        size_t c = pick(m, m->pool, np, 1);
        m->state[c] = URNE_ELECTED;
        m->nelected++;
        if (urne_count_winner_add(m->out, c) != 0) return -1;
        size_t used = strlen(note);
        snprintf(note + used, size - used, "%s is elected. ", name(m, c));
    }
}

/* The last stage: the seats are filled, or as many hopefuls are left as seats. */
static int last_stage(meek *m, const char *action, char *note, size_t size, int iterations) {
    for (size_t i = 0; i < m->b->ncand; i++) {
        if (m->state[i] != URNE_HOPEFUL) continue;
        if (m->nelected < m->seats) {
            m->state[i] = URNE_ELECTED;
            m->nelected++;
            if (urne_count_winner_add(m->out, i) != 0) return -1;
            size_t used = strlen(note);
            snprintf(note + used, size - used, "%s is elected (as many left as seats). ", name(m, i));
        } else {
            m->state[i] = URNE_DEFEATED;
        }
    }
    assert(meek_conserved(m));
    urne_count_stage *st = urne_count_stage_add(m->out, action, m->votes, m->excess, m->state);
    if (st == NULL) return -1;
    notef(st->note, sizeof st->note, "%sQuota %lld.%09lld after %d iterations.", note, (long long)(m->quota / UNIT),
          (long long)(m->quota % UNIT), iterations);
    return 0;
}

static int run(meek *m) {
    size_t n = m->b->ncand;
    urne_count_stage *st;
    char a[32], b[32];
    for (int stage = 0;; stage++) {
        int iterations = converge(m);
        char note[320] = "", calls[320] = "";
        if (m->surplus >= OMEGA)
            close_call(m, calls, sizeof calls, stage,
                       "The keep factors stopped with a surplus of %s, not under 0.000010000 (%s).",
                       dec9(a, m->surplus),
                       iterations > MAX_ITERATIONS ? "the guard of 1000 iterations" : "they no longer change");
        if (elect_by_quota(m, note, sizeof note) != 0) return -1;
        note_quota_calls(m, calls, sizeof calls, stage);
        size_t *hopeful = m->hopeful, nh = 0;
        for (size_t c = 0; c < n; c++)
            if (m->state[c] == URNE_HOPEFUL) hopeful[nh++] = c;
        const char *action = stage == 0 ? "first preferences" : "iteration";
        if (m->nelected == m->seats || nh + m->nelected <= m->seats) {
            size_t used = strlen(note);
            snprintf(note + used, sizeof note - used, "%s", calls[0] ? calls + 1 : "");
            if (calls[0]) snprintf(note + strlen(note), sizeof note - strlen(note), " ");
            return last_stage(m, action, note, sizeof note, iterations);
        }
        size_t x = URNE_COUNT_NONE;
        if (note[0] == '\0') { /* nobody elected: exclude the lowest */
            x = pick(m, hopeful, nh, 0);
            int64_t next = INT64_MAX;
            for (size_t i = 0; i < nh; i++)
                if (hopeful[i] != x && m->votes[hopeful[i]] < next) next = m->votes[hopeful[i]];
            if (next != INT64_MAX && next > m->votes[x] && next - m->votes[x] < precision(m))
                close_call(m, calls, sizeof calls, stage,
                           "%s has %s fewer votes than the next, less than the count's precision (%s): "
                           "excluded by the votes as computed at nine decimals.",
                           name(m, x), dec9(a, next - m->votes[x]), dec9(b, precision(m)));
        }
        assert(meek_conserved(m));
        st = urne_count_stage_add(m->out, action, m->votes, m->excess, m->state);
        if (st == NULL) return -1;
        if (x != URNE_COUNT_NONE) {
            notef(st->note, sizeof st->note, "Quota %lld.%09lld after %d iterations; %s, with the fewest votes, is "
                  "excluded.%s", (long long)(m->quota / UNIT), (long long)(m->quota % UNIT), iterations, name(m, x),
                  calls);
            m->state[x] = st->state[x] = URNE_DEFEATED;
            m->keep[x] = 0;
        } else {
            notef(st->note, sizeof st->note, "%sQuota %lld.%09lld after %d iterations.%s", note,
                  (long long)(m->quota / UNIT), (long long)(m->quota % UNIT), iterations, calls);
        }
    }
}

int urne_count_stv_meek(const urne_ballots *b, size_t seats, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (urne_count_result_init(out, b->ncand, "stv", "meek", 9) != 0) goto oom;
    if (urne_count_stv_check(b, seats, "Meek", diags) != 0) return -1;
    /* votes, excess and quota are sums of weight x (at most UNIT): bounded by total x UNIT */
    if (urne_count_check_ballots(b, UNIT, "Meek STV", diags) != 0) return -1;
    meek m;
    memset(&m, 0, sizeof m);
    m.b = b;
    m.seats = seats;
    m.out = out;
    urne_lot_init(&m.lot, seed);
    m.keep = malloc((b->ncand ? b->ncand : 1) * sizeof *m.keep);
    m.votes = calloc(b->ncand ? b->ncand : 1, sizeof *m.votes);
    m.state = malloc(b->ncand + 1);
    /* on the heap, not the stack: a contest may have thousands of candidates */
    m.pool = malloc((b->ncand ? b->ncand : 1) * sizeof *m.pool);
    m.hopeful = malloc((b->ncand ? b->ncand : 1) * sizeof *m.hopeful);
    m.saved = malloc((b->ncand ? b->ncand : 1) * sizeof *m.saved);
    int rc = -1;
    if (m.keep && m.votes && m.state && m.pool && m.hopeful && m.saved && build_tree(&m) == 0) {
        for (size_t c = 0; c < b->ncand; c++) m.keep[c] = UNIT, m.state[c] = URNE_HOPEFUL;
        for (size_t c = 0; b->withdrawn && c < b->ncand; c++)
            if (b->withdrawn[c]) m.keep[c] = 0, m.state[c] = URNE_DEFEATED;
        out->tie_order = b->tie_order;
        out->quota = 0;
        rc = run(&m);
        out->quota = m.quota;
        out->tie_order = NULL; /* b's: used while counting only */
    }
    free(m.keep);
    free(m.votes);
    free(m.state);
    free(m.pool);
    free(m.hopeful);
    free(m.nodes);
    free(m.saved);
    free(m.value);
    if (rc == 0) return 0;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
    return -1;
}
