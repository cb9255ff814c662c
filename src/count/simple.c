/*
 * simple: single-winner methods that read ballots front to back — plurality, two
 * rounds from ranked ballots, Borda, instant-runoff. Counts are whole numbers
 * (scale 0); each method records its rounds as stages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"

static int fail_oom(urne_diags *diags) {
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
    return -1;
}

/* Index of the highest of v over the `allowed` candidates (NULL: all); ties among the
 * highest by lot, noted in out->tiebreak. `pool` is the caller's room for n indices:
 * on the heap, since a contest may have thousands of candidates (and Borda calls this
 * once per candidate, so it is allocated once per count, not per call). */
static size_t top(const int64_t *v, const char *allowed, size_t n, size_t *pool, urne_lot *lot,
                  urne_count_result *out, const char *const *names, const char *what) {
    size_t m = 0;
    int64_t best = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        if (allowed && !allowed[i]) continue;
        if (v[i] > best) best = v[i], m = 0;
        if (v[i] == best) pool[m++] = i;
    }
    if (m == 0) return URNE_COUNT_NONE;
    size_t pick = pool[m > 1 ? urne_lot_below(lot, m) : 0];
    if (m > 1) {
        size_t used = strlen(out->tiebreak);
        snprintf(out->tiebreak + used, sizeof out->tiebreak - used, "%s%s: %zu candidates tie; %s chosen by lot",
                 used ? "; " : "", what, m, names[pick]);
    }
    return pick;
}

/* First preferences among `cont` candidates (NULL: all): the first continuing
 * candidate of each ballot, alone at its rank. */
static void first_preferences(const urne_ballots *b, const char *cont, int64_t *v, int64_t *exhausted) {
    memset(v, 0, b->ncand * sizeof *v);
    *exhausted = 0;
    for (size_t k = 0; k < b->n; k++) {
        const uint16_t *p = b->prefs + b->start[k];
        const uint8_t *t = b->tied + b->start[k];
        size_t i = 0, len = b->len[k];
        while (i < len && cont && !cont[p[i]]) i++;
        /* equal first ranks among continuing candidates: the ballot counts for none */
        int alone = i < len;
        for (size_t j = i + 1; alone && j < len && t[j]; j++) alone = cont && !cont[p[j]];
        if (alone)
            v[p[i]] += b->weight[k];
        else
            *exhausted += b->weight[k];
    }
}

int urne_count_plurality(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (urne_count_result_init(out, b->ncand, "plurality", NULL, 0) != 0) return fail_oom(diags);
    if (urne_count_check_ballots(b, 1, "plurality", diags) != 0) return -1;
    int64_t *v = calloc(b->ncand ? b->ncand : 1, sizeof *v), none;
    size_t *pool = malloc((b->ncand ? b->ncand : 1) * sizeof *pool);
    if (v == NULL || pool == NULL) {
        free(v), free(pool);
        return fail_oom(diags);
    }
    first_preferences(b, NULL, v, &none);
    urne_lot lot;
    urne_lot_init(&lot, seed);
    size_t w = top(v, NULL, b->ncand, pool, &lot, out, b->names, "plurality");
    urne_count_stage *st = urne_count_stage_add(out, "first preferences", v, none, NULL);
    int rc = st && w != URNE_COUNT_NONE ? urne_count_winner_add(out, w) : -1;
    if (st) snprintf(st->note, sizeof st->note, "%s has the most first preferences.", b->names[w]);
    free(v), free(pool);
    return rc == 0 ? 0 : fail_oom(diags);
}

int urne_count_two_round(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (urne_count_result_init(out, b->ncand, "two-round", NULL, 0) != 0) return fail_oom(diags);
    if (urne_count_check_ballots(b, 2, "two-round", diags) != 0) return -1;
    size_t n = b->ncand;
    int64_t *v = calloc(n ? n : 1, sizeof *v), none;
    char *cont = calloc(n ? n : 1, 1);
    size_t *pool = malloc((n ? n : 1) * sizeof *pool);
    if (v == NULL || cont == NULL || pool == NULL) {
        free(v), free(cont), free(pool);
        return fail_oom(diags);
    }
    first_preferences(b, NULL, v, &none);
    int64_t valid = 0;
    for (size_t i = 0; i < n; i++) valid += v[i];
    urne_lot lot;
    urne_lot_init(&lot, seed);
    size_t first = top(v, NULL, n, pool, &lot, out, b->names, "round 1, first place");
    urne_count_stage *st = urne_count_stage_add(out, "round 1", v, none, NULL);
    int rc = st ? 0 : -1;
    if (rc == 0 && 2 * v[first] > valid) {
        snprintf(st->note, sizeof st->note, "%s has more than half of the %lld first preferences.", b->names[first],
                 (long long)valid);
        rc = urne_count_winner_add(out, first);
    } else if (rc == 0 && n > 1) {
        for (size_t i = 0; i < n; i++) cont[i] = i != first;
        size_t second = top(v, cont, n, pool, &lot, out, b->names, "round 1, second place");
        memset(cont, 0, n);
        cont[first] = cont[second] = 1;
        snprintf(st->note, sizeof st->note, "No majority: %s and %s go to round 2.", b->names[first], b->names[second]);
        first_preferences(b, cont, v, &none);
        size_t w = top(v, cont, n, pool, &lot, out, b->names, "round 2");
        st = urne_count_stage_add(out, "round 2", v, none, NULL);
        if (st) snprintf(st->note, sizeof st->note, "%s wins round 2.", b->names[w]);
        rc = st ? urne_count_winner_add(out, w) : -1;
    } else if (rc == 0) {
        rc = urne_count_winner_add(out, first);
    }
    free(v), free(cont), free(pool);
    return rc == 0 ? 0 : fail_oom(diags);
}

int urne_count_borda(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (urne_count_result_init(out, b->ncand, "borda", NULL, 0) != 0) return fail_oom(diags);
    /* A ballot gives a candidate at most 2n-1 doubled points: every score, and their
     * sum, is at most total x (2n-1), checked here once. */
    if (urne_count_check_ballots(b, (int64_t)(2 * b->ncand > 1 ? 2 * b->ncand - 1 : 1), "borda", diags) != 0)
        return -1;
    size_t n = b->ncand;
    int64_t *score = calloc(n ? n : 1, sizeof *score);
    if (score == NULL) return fail_oom(diags);
    for (size_t k = 0; k < b->n; k++) {
        const uint16_t *p = b->prefs + b->start[k];
        const uint8_t *t = b->tied + b->start[k];
        size_t len = b->len[k];
        for (size_t i = 0; i < len;) {
            size_t j = i + 1;
            while (j < len && t[j]) j++;
            /* places i..j-1 share their points: (n-1-i + n-1-(j-1)) / 2 each, doubled */
            int64_t doubled = (int64_t)(2 * n - 1 - i - j);
            for (size_t q = i; q < j; q++) score[p[q]] += doubled * b->weight[k];
            i = j;
        }
    }
    urne_lot lot;
    urne_lot_init(&lot, seed);
    /* Rank every candidate: repeatedly take the top of those left. */
    char *left = malloc(n ? n : 1);
    size_t *pool = malloc((n ? n : 1) * sizeof *pool);
    int rc = left && pool ? 0 : -1;
    for (size_t i = 0; left && i < n; i++) left[i] = 1;
    for (size_t r = 0; r < n && rc == 0; r++) {
        size_t w = top(score, left, n, pool, &lot, out, b->names, r == 0 ? "Borda winner" : "Borda ranking");
        left[w] = 0;
        rc = urne_count_winner_add(out, w);
    }
    urne_count_stage *st = rc == 0 ? urne_count_stage_add(out, "borda scores", score, 0, NULL) : NULL;
    if (st) snprintf(st->note, sizeof st->note, "Votes: twice each candidate's Borda score.");
    free(left), free(score), free(pool);
    return st ? 0 : fail_oom(diags);
}

int urne_count_irv(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (urne_count_result_init(out, b->ncand, "irv", NULL, 0) != 0) return fail_oom(diags);
    if (urne_count_check_ballots(b, 2, "irv", diags) != 0) return -1;
    size_t n = b->ncand;
    int64_t *v = calloc(n ? n : 1, sizeof *v), exhausted;
    char *cont = malloc(n ? n : 1), *state = malloc(n ? n : 1);
    size_t *pool = malloc((n ? n : 1) * sizeof *pool);
    if (!v || !cont || !state || !pool) {
        free(v), free(cont), free(state), free(pool);
        return fail_oom(diags);
    }
    for (size_t i = 0; i < n; i++) cont[i] = 1, state[i] = URNE_HOPEFUL;
    urne_lot lot;
    urne_lot_init(&lot, seed);
    int rc = 0;
    for (size_t left = n; rc == 0; left--) {
        first_preferences(b, cont, v, &exhausted);
        int64_t counting = 0;
        for (size_t i = 0; i < n; i++) counting += cont[i] ? v[i] : 0;
        /* A majority is unique; only the last one left needs no majority. */
        size_t lead = URNE_COUNT_NONE;
        for (size_t i = 0; i < n; i++)
            if (cont[i] && (2 * v[i] > counting || left == 1)) lead = i;
        urne_count_stage *st = urne_count_stage_add(out, out->nstages ? "transfer" : "first preferences", v,
                                                    exhausted, state);
        if (st == NULL) {
            rc = -1;
            break;
        }
        if (lead != URNE_COUNT_NONE) {
            snprintf(st->note, sizeof st->note, "%s has %lld of the %lld ballots still counting%s: elected.",
                     b->names[lead], (long long)v[lead], (long long)counting, left == 1 ? " and is the last left" : "");
            state[lead] = st->state[lead] = URNE_ELECTED;
            rc = urne_count_winner_add(out, lead);
            break;
        }
        /* Exclude the lowest: ties by the earliest round they differed, then lot. The
         * current round is recorded already, so history starts from the first. */
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (cont[i]) pool[m++] = i;
        size_t x = urne_count_pick(out, v, pool, m, 0, &lot, b->names, "exclusion");
        cont[x] = 0;
        state[x] = st->state[x] = URNE_DEFEATED;
        snprintf(st->note, sizeof st->note, "No majority of the %lld ballots still counting: %s, with fewest, is excluded.",
                 (long long)counting, b->names[x]);
    }
    free(v), free(cont), free(state), free(pool);
    return rc == 0 ? 0 : fail_oom(diags);
}

int urne_count_approval(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (urne_count_result_init(out, b->ncand, "approval", NULL, 0) != 0) return fail_oom(diags);
    if (urne_count_check_ballots(b, 1, "approval", diags) != 0) return -1;
    size_t n = b->ncand;
    int64_t *v = calloc(n ? n : 1, sizeof *v), none = 0;
    char *left = malloc(n ? n : 1);
    size_t *pool = malloc((n ? n : 1) * sizeof *pool);
    if (v == NULL || left == NULL || pool == NULL) {
        free(v), free(left), free(pool);
        return fail_oom(diags);
    }
    for (size_t k = 0; k < b->n; k++) {
        if (b->len[k] == 0) none += b->weight[k];
        const uint8_t *t = b->tied + b->start[k];
        for (size_t i = 0; i < b->len[k] && (i == 0 || t[i]); i++) v[b->prefs[b->start[k] + i]] += b->weight[k];
    }
    urne_lot lot;
    urne_lot_init(&lot, seed);
    int rc = 0;
    for (size_t i = 0; i < n; i++) left[i] = 1;
    for (size_t r = 0; r < n && rc == 0; r++) {
        size_t w = top(v, left, n, pool, &lot, out, b->names, r == 0 ? "approval winner" : "approval ranking");
        left[w] = 0;
        rc = urne_count_winner_add(out, w);
    }
    urne_count_stage *st = rc == 0 ? urne_count_stage_add(out, "approvals", v, 0, NULL) : NULL;
    if (st)
        snprintf(st->note, sizeof st->note, "Approvals of %lld ballots (%lld approving no one).", (long long)b->total,
                 (long long)none);
    free(v), free(left), free(pool);
    return st ? 0 : fail_oom(diags);
}
