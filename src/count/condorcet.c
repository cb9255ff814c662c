/*
 * condorcet: methods built on the pairwise matrix — who is preferred to whom by how
 * many voters. d[i][j] counts the voters ranking i strictly above j (a ranked candidate
 * is above every unranked one; equal ranks count for neither).
 *
 * Every method reports the matrix, the Condorcet winner (beats every other) and the
 * Smith set (the smallest set whose members all beat everyone outside it), and ranks
 * the candidates. Where its rules leave a tie, the tie is broken by lot from the seed
 * given on the command line and said so in out->tiebreak, so that anyone can replay it.
 *
 * For speed (the matrix was two fifths of a Schulze count of 100,000 ballots): a ranked
 * candidate a is above every candidate except those ranked at its level or above it.
 * So a ranking adds its weight to a's whole row at once (a row total, added to the
 * row's cells at the end) and takes it back from the cells of those few candidates:
 * L(L+1)/2 cell updates for a strict ranking of L candidates, where comparing every
 * ranked candidate with every candidate took L x n. The same integer sums, so the same
 * matrix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"

#define D(i, j) (d[(i) * n + (j)])

int urne_count_pairwise(const urne_ballots *b, urne_count_result *out) {
    size_t n = b->ncand;
    int64_t *d = urne_arena_alloc(&out->arena, (n ? n * n : 1) * sizeof *d);
    int64_t *row = calloc(n ? n : 1, sizeof *row); /* per candidate: weight to add to its whole row */
    if (d == NULL || row == NULL) {
        free(row);
        return -1;
    }
    for (size_t k = 0; k < b->n; k++) {
        int64_t w = b->weight[k];
        if (w == 0) continue;
        const uint16_t *p = b->prefs + b->start[k];
        const uint8_t *t = b->tied + b->start[k];
        size_t len = b->len[k], end = 0; /* end: one past the last candidate at p[i]'s level */
        for (size_t i = 0; i < len; i++) {
            if (i == end)
                for (end = i + 1; end < len && t[end];) end++;
            int64_t *da = d + p[i] * n;
            row[p[i]] += w; /* above everyone... */
            for (size_t j = 0; j < end; j++) da[p[j]] -= w; /* ...but those at its level or above, itself included */
        }
    }
    for (size_t a = 0; a < n; a++) /* every sum fits: a row total is at most b->total */
        for (size_t c = 0; c < n; c++) D(a, c) += row[a];
    free(row);
    out->pairwise = d;
    /* Condorcet winner. */
    for (size_t i = 0; i < n && out->condorcet_winner == URNE_COUNT_NONE; i++) {
        size_t beats = 0;
        for (size_t j = 0; j < n; j++) beats += j != i && D(i, j) > D(j, i);
        if (beats + 1 == n) out->condorcet_winner = i;
    }
    /* Smith set: candidates reaching every other through "beats or ties" (closure). */
    uint8_t *reach = calloc(n ? n * n : 1, 1);
    out->smith = urne_arena_alloc(&out->arena, (n ? n : 1) * sizeof *out->smith);
    if (reach == NULL || out->smith == NULL) {
        free(reach);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) reach[i * n + j] = i == j || D(i, j) >= D(j, i);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < n; i++)
            if (reach[i * n + k])
                for (size_t j = 0; j < n; j++) reach[i * n + j] |= reach[k * n + j];
    out->nsmith = 0;
    for (size_t i = 0; i < n; i++) {
        int all = 1;
        for (size_t j = 0; j < n && all; j++) all = reach[i * n + j];
        if (all) out->smith[out->nsmith++] = i;
    }
    free(reach);
    return 0;
}

/* Rank candidates by score (higher first), ties in a random order drawn from `lot`
 * and reported; fills out->winners completely. */
static int rank_by_score(urne_count_result *out, const int64_t *score, size_t n, urne_lot *lot, const char *const *names,
                         const char *what) {
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    uint64_t *draw = malloc((n ? n : 1) * sizeof *draw);
    if (order == NULL || draw == NULL) {
        free(order);
        free(draw);
        return -1;
    }
    for (size_t i = 0; i < n; i++) order[i] = i, draw[i] = urne_lot_below(lot, UINT64_MAX);
    for (size_t i = 1; i < n; i++) /* insertion sort: n is small */
        for (size_t j = i; j > 0; j--) {
            size_t a = order[j - 1], c = order[j];
            if (score[c] > score[a] || (score[c] == score[a] && draw[c] < draw[a])) {
                order[j - 1] = c;
                order[j] = a;
            } else {
                break;
            }
        }
    out->nwinners = 0;
    for (size_t i = 0; i < n; i++) urne_count_winner_add(out, order[i]);
    if (n > 1 && score[order[0]] == score[order[1]]) {
        size_t used = strlen(out->tiebreak);
        snprintf(out->tiebreak + used, sizeof out->tiebreak - used, "%s%s: %s and %s tie; %s placed first by lot",
                 used ? "; " : "", what, names[order[0]], names[order[1]], names[order[0]]);
    }
    free(order);
    free(draw);
    return 0;
}

static int begin(const urne_ballots *b, urne_count_result *out, const char *method, urne_diags *diags) {
    if (urne_count_result_init(out, b->ncand, method, NULL, 0) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
        return -1;
    }
    /* Every entry of the matrix, and every path strength, is at most the total. */
    if (urne_count_check_ballots(b, 1, method, diags) != 0) return -1;
    if (urne_count_pairwise(b, out) != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
        return -1;
    }
    return 0;
}

/* The end of every Condorcet method: rank by `score` (ties by lot from `seed`), and
 * record one stage showing `shown` with a note saying what its numbers are. */
static int finish(const urne_ballots *b, uint64_t seed, urne_count_result *out, const int64_t *score,
                  const int64_t *shown, const char *what, const char *action, const char *note, urne_diags *diags) {
    urne_lot lot;
    urne_lot_init(&lot, seed);
    urne_count_stage *st = rank_by_score(out, score, b->ncand, &lot, b->names, what) == 0
                               ? urne_count_stage_add(out, action, shown, 0, NULL)
                               : NULL;
    if (st == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
        return -1;
    }
    snprintf(st->note, sizeof st->note, "%s", note);
    return 0;
}

int urne_count_schulze(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (begin(b, out, "schulze", diags) != 0) return -1;
    size_t n = b->ncand;
    const int64_t *d = out->pairwise;
    int64_t *p = urne_arena_alloc(&out->arena, (n ? n * n : 1) * sizeof *p);
    int64_t *wins = malloc((n ? n : 1) * sizeof *wins);
    if (p == NULL || wins == NULL) {
        free(wins);
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) p[i * n + j] = i != j && D(i, j) > D(j, i) ? D(i, j) : 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (j == i || p[j * n + i] == 0) continue;
            for (size_t k = 0; k < n; k++) {
                if (k == i || k == j) continue;
                int64_t via = p[j * n + i] < p[i * n + k] ? p[j * n + i] : p[i * n + k];
                if (via > p[j * n + k]) p[j * n + k] = via;
            }
        }
    out->paths = p;
    /* Rank: number of candidates each beats by strongest path (Schulze's order is
     * transitive, so this sorts it). */
    for (size_t i = 0; i < n; i++) {
        wins[i] = 0;
        for (size_t j = 0; j < n; j++) wins[i] += j != i && p[i * n + j] > p[j * n + i];
    }
    int rc = finish(b, seed, out, wins, wins, "Schulze winners", "strongest paths",
                    "Votes: candidates each one beats by its strongest paths.", diags);
    free(wins);
    return rc;
}

/* True when j reaches i through locked edges (adding i->j would close a cycle). */
static int reaches(const uint8_t *locked, size_t n, size_t from, size_t to, uint8_t *seen) {
    if (from == to) return 1;
    seen[from] = 1;
    for (size_t k = 0; k < n; k++)
        if (locked[from * n + k] && !seen[k] && reaches(locked, n, k, to, seen)) return 1;
    return 0;
}

typedef struct pair {
    size_t w, l;
    int64_t win, lose;
    uint64_t tb;
} pair;

static int pair_order(const void *x, const void *y) {
    const pair *a = x, *b = y;
    if (a->win != b->win) return a->win > b->win ? -1 : 1;
    if (a->lose != b->lose) return a->lose < b->lose ? -1 : 1;
    return a->tb < b->tb ? -1 : (a->tb > b->tb);
}

int urne_count_ranked_pairs(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (begin(b, out, "ranked-pairs", diags) != 0) return -1;
    size_t n = b->ncand;
    const int64_t *d = out->pairwise;
    pair *pairs = malloc((n ? n * n : 1) * sizeof *pairs);
    uint8_t *locked = calloc(n ? n * n : 1, 1);
    uint8_t *seen = malloc(n ? n : 1);
    uint64_t *rank_tb = malloc((n ? n : 1) * sizeof *rank_tb);
    int64_t *score = malloc((n ? n : 1) * sizeof *score);
    if (!pairs || !locked || !seen || !rank_tb || !score) {
        free(pairs), free(locked), free(seen), free(rank_tb), free(score);
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
        return -1;
    }
    urne_lot lot;
    urne_lot_init(&lot, seed);
    for (size_t i = 0; i < n; i++) rank_tb[i] = urne_lot_below(&lot, UINT64_MAX);
    size_t np = 0, equal_strength = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (i != j && D(i, j) > D(j, i))
                pairs[np++] = (pair){i, j, D(i, j), D(j, i), rank_tb[i] ^ (rank_tb[j] >> 1)};
    qsort(pairs, np, sizeof *pairs, pair_order);
    for (size_t k = 1; k < np; k++)
        equal_strength += pairs[k].win == pairs[k - 1].win && pairs[k].lose == pairs[k - 1].lose;
    for (size_t k = 0; k < np; k++) {
        memset(seen, 0, n);
        if (!reaches(locked, n, pairs[k].l, pairs[k].w, seen)) locked[pairs[k].w * n + pairs[k].l] = 1;
    }
    /* Rank by the locked graph: a candidate's score is how many it reaches. */
    for (size_t i = 0; i < n; i++) {
        score[i] = 0;
        for (size_t j = 0; j < n; j++) {
            memset(seen, 0, n);
            score[i] += j != i && reaches(locked, n, i, j, seen);
        }
    }
    if (equal_strength) {
        size_t used = strlen(out->tiebreak);
        snprintf(out->tiebreak + used, sizeof out->tiebreak - used,
                 "%s%zu pairs of equal strength locked in an order drawn by lot", used ? "; " : "", equal_strength);
    }
    int rc = finish(b, seed, out, score, score, "Ranked Pairs", "locked pairs",
                    "Votes: candidates each one is locked above.", diags);
    free(pairs), free(locked), free(seen), free(rank_tb), free(score);
    return rc;
}

int urne_count_copeland(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (begin(b, out, "copeland", diags) != 0) return -1;
    size_t n = b->ncand;
    const int64_t *d = out->pairwise;
    int64_t *score = malloc((n ? n : 1) * sizeof *score);
    if (score == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        score[i] = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i) score[i] += D(i, j) > D(j, i) ? 2 : D(i, j) == D(j, i) ? 1 : 0;
    }
    int rc = finish(b, seed, out, score, score, "Copeland", "copeland scores",
                    "Votes: twice the Copeland score (2 a win, 1 a tie).", diags);
    free(score);
    return rc;
}

int urne_count_minimax(const urne_ballots *b, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    if (begin(b, out, "minimax", diags) != 0) return -1;
    size_t n = b->ncand;
    const int64_t *d = out->pairwise;
    int64_t *worst = malloc((n ? n : 1) * sizeof *worst), *score = malloc((n ? n : 1) * sizeof *score);
    if (worst == NULL || score == NULL) {
        free(worst), free(score);
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        worst[i] = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && D(j, i) > D(i, j) && D(j, i) > worst[i]) worst[i] = D(j, i);
        score[i] = -worst[i];
    }
    int rc = finish(b, seed, out, score, worst, "Minimax", "worst defeats",
                    "Votes: each candidate's worst defeat (winning votes); the smallest wins.", diags);
    free(worst), free(score);
    return rc;
}
