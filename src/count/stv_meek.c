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
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"

#define UNIT 1000000000LL     /* nine decimals */
#define OMEGA 10000LL         /* 0.00001: the surplus at which keep factors have converged */
#define MAX_ITERATIONS 1000   /* convergence is reached long before; a guard, reported */

typedef struct meek {
    const urne_ballots *b;
    size_t seats, nelected;
    int64_t *keep, *votes;
    char *state;
    size_t *pool, *hopeful; /* room for ncand candidates each: those reaching the quota, those hopeful */
    int64_t excess, quota;
    int64_t total;          /* the ballots' weights: the valid vote, in whole votes */
    urne_lot lot;
    urne_count_result *out;
} meek;

/* Distribute every ballot by the keep factors; sets votes, excess and quota. */
static void distribute(meek *m) {
    const urne_ballots *b = m->b;
    memset(m->votes, 0, b->ncand * sizeof *m->votes);
    m->excess = 0;
    int64_t total = 0;
    for (size_t k = 0; k < b->n; k++) {
        int64_t w = UNIT, weight = b->weight[k];
        const uint16_t *p = b->prefs + b->start[k];
        total += weight;
        for (size_t i = 0; i < b->len[k] && w > 0; i++) {
            int64_t kf = m->keep[p[i]];
            if (kf == 0) continue;
            int64_t give = (int64_t)((__int128)w * kf / UNIT); /* rounded down */
            m->votes[p[i]] += weight * give;
            w -= give;
        }
        m->excess += weight * w;
    }
    m->total = total;
    m->quota = (total * UNIT - m->excess) / (int64_t)(m->seats + 1) + 1;
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

/* Iterate keep factors until the surplus is under OMEGA. Returns the iterations. */
static int converge(meek *m) {
    int it = 0;
    for (; it < MAX_ITERATIONS; it++) {
        distribute(m);
        int64_t surplus = 0;
        for (size_t c = 0; c < m->b->ncand; c++)
            if (m->state[c] == URNE_ELECTED && m->votes[c] > m->quota) surplus += m->votes[c] - m->quota;
        if (surplus < OMEGA) break;
        int changed = 0;
        for (size_t c = 0; c < m->b->ncand; c++) {
            if (m->state[c] != URNE_ELECTED || m->votes[c] == 0) continue;
            /* k x quota / votes, rounded up */
            __int128 num = (__int128)m->keep[c] * m->quota;
            int64_t k = (int64_t)((num + m->votes[c] - 1) / m->votes[c]);
            if (k > UNIT) k = UNIT;
            changed |= k != m->keep[c];
            m->keep[c] = k;
        }
        if (!changed) break;
    }
    return it + 1;
}

static int run(meek *m) {
    size_t n = m->b->ncand;
    urne_count_stage *st;
    for (int stage = 0;; stage++) {
        int iterations = converge(m);
        char note[320] = "";
        /* Elect everyone at or above the quota, most votes first. */
        for (;;) {
            size_t np = 0;
            for (size_t c = 0; c < n; c++)
                if (m->state[c] == URNE_HOPEFUL && m->votes[c] >= m->quota) m->pool[np++] = c;
            if (np == 0 || m->nelected == m->seats) break;
            size_t c = pick(m, m->pool, np, 1);
            m->state[c] = URNE_ELECTED;
            m->nelected++;
            if (urne_count_winner_add(m->out, c) != 0) return -1;
            size_t used = strlen(note);
            snprintf(note + used, sizeof note - used, "%s is elected. ", name(m, c));
        }
        size_t *hopeful = m->hopeful, nh = 0;
        for (size_t c = 0; c < n; c++)
            if (m->state[c] == URNE_HOPEFUL) hopeful[nh++] = c;
        const char *action = stage == 0 ? "first preferences" : "iteration";
        if (m->nelected == m->seats || nh + m->nelected <= m->seats) {
            for (size_t i = 0; i < nh; i++) {
                size_t c = hopeful[i];
                if (m->nelected < m->seats) {
                    m->state[c] = URNE_ELECTED;
                    m->nelected++;
                    if (urne_count_winner_add(m->out, c) != 0) return -1;
                    size_t used = strlen(note);
                    snprintf(note + used, sizeof note - used, "%s is elected (as many left as seats). ", name(m, c));
                } else {
                    m->state[c] = URNE_DEFEATED;
                }
            }
            assert(meek_conserved(m));
            st = urne_count_stage_add(m->out, action, m->votes, m->excess, m->state);
            if (st == NULL) return -1;
            notef(st->note, sizeof st->note, "%sQuota %lld.%09lld after %d iterations.", note,
                     (long long)(m->quota / UNIT), (long long)(m->quota % UNIT), iterations);
            return 0;
        }
        int elected_now = note[0] != '\0';
        size_t x = URNE_COUNT_NONE;
        if (!elected_now) x = pick(m, hopeful, nh, 0);
        assert(meek_conserved(m));
        st = urne_count_stage_add(m->out, action, m->votes, m->excess, m->state);
        if (st == NULL) return -1;
        if (x != URNE_COUNT_NONE) {
            snprintf(st->note, sizeof st->note, "Quota %lld.%09lld after %d iterations; %s, with the fewest votes, is "
                     "excluded.", (long long)(m->quota / UNIT), (long long)(m->quota % UNIT), iterations, name(m, x));
            m->state[x] = st->state[x] = URNE_DEFEATED;
            m->keep[x] = 0;
        } else {
            notef(st->note, sizeof st->note, "%sQuota %lld.%09lld after %d iterations.", note,
                     (long long)(m->quota / UNIT), (long long)(m->quota % UNIT), iterations);
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
    int rc = -1;
    if (m.keep && m.votes && m.state && m.pool && m.hopeful) {
        for (size_t c = 0; c < b->ncand; c++) m.keep[c] = UNIT, m.state[c] = URNE_HOPEFUL;
        out->quota = 0;
        rc = run(&m);
        out->quota = m.quota;
    }
    free(m.keep);
    free(m.votes);
    free(m.state);
    free(m.pool);
    free(m.hopeful);
    if (rc == 0) return 0;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
    return -1;
}
