/*
 * seats: apportionment of seats between lists — highest averages (D'Hondt,
 * Sainte-Laguë), largest remainder (Hare), and the French municipal rule that gives a
 * majority bonus before the proportional share. See count.h for the contract.
 *
 * Averages are fractions votes / divisor; two are compared as v1 x d2 against v2 x d1 in
 * 128 bits, so no rounding ever decides a seat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"

static int out_of_memory(urne_diags *diags) {
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    return -1;
}

/* Divisor for a list holding s seats: D'Hondt s+1, Sainte-Laguë 2s+1. */
static int64_t divisor(urne_seat_method m, int64_t s) { return m == URNE_SEATS_SAINTE_LAGUE ? 2 * s + 1 : s + 1; }

/* Give `n` more seats by highest average among `eligible` lists. `pool` is room for nl
 * list indices (the lists tied for a seat), given by the caller: not on the stack,
 * whose size a file with many lists could pass. */
static void highest_average(const int64_t *v, const char *eligible, size_t nl, urne_seat_method m, size_t n,
                            int64_t *won, size_t *pool, urne_lot *lot, urne_count_result *out,
                            const char *const *names) {
    for (size_t k = 0; k < n; k++) {
        size_t np = 0;
        for (size_t i = 0; i < nl; i++) {
            if (!eligible[i]) continue;
            if (np == 0) {
                pool[np++] = i;
                continue;
            }
            size_t j = pool[0];
            __int128 a = (__int128)v[i] * divisor(m, won[j]), b = (__int128)v[j] * divisor(m, won[i]);
            if (a > b || (a == b && v[i] > v[j])) np = 0, pool[np++] = i;
            else if (a == b && v[i] == v[j]) pool[np++] = i;
        }
        if (np == 0) return;
        size_t pick = pool[np > 1 ? urne_lot_below(lot, np) : 0];
        if (np > 1) {
            size_t used = strlen(out->tiebreak);
            snprintf(out->tiebreak + used, sizeof out->tiebreak - used,
                     "%sseat %zu: equal averages and votes; %s chosen by lot", used ? "; " : "", k + 1, names[pick]);
        }
        won[pick]++;
    }
}

/* One apportionment's figures: the lists' votes, the seats they win, and room to
 * break ties, all in the result's arena. */
typedef struct apportion {
    const urne_ballots *b;
    size_t nl, seats;
    int64_t *v, *won, valid;
    char *eligible;  /* lists at or above the threshold */
    size_t *pool;    /* lists tied for a seat */
    urne_lot lot;
    urne_count_result *out;
} apportion;

/* List votes: each ballot's single first preference (a ballot ranking two lists
 * equal first counts for none). Returns the valid votes. */
static int64_t list_votes(const urne_ballots *b, int64_t *v) {
    int64_t valid = 0;
    for (size_t k = 0; k < b->n; k++) {
        if (b->len[k] == 0 || (b->len[k] > 1 && b->tied[b->start[k] + 1])) continue;
        v[b->prefs[b->start[k]]] += b->weight[k];
        valid += b->weight[k];
    }
    return valid;
}

/* Hare: floor(v x seats / valid) each, then one more to each of the largest
 * remainders v x seats - won x valid (more votes first on equal remainders, then
 * lot). 0, or -1 when out of memory. */
static int largest_remainder(apportion *a, char *note, size_t size) {
    const int64_t *v = a->v;
    int64_t *won = a->won, evalid = 0;
    size_t nl = a->nl, seats = a->seats, *pool = a->pool;
    for (size_t i = 0; i < nl; i++) evalid += a->eligible[i] ? v[i] : 0;
    char *extra = urne_arena_alloc(&a->out->arena, nl ? nl : 1);
    if (extra == NULL) return -1;
    size_t given = 0;
    for (size_t i = 0; i < nl; i++)
        if (a->eligible[i]) given += (size_t)(won[i] = (int64_t)((__int128)v[i] * (int64_t)seats / evalid));
    for (; given < seats; given++) {
        size_t np = 0;
        __int128 rbest = -1;
        for (size_t i = 0; i < nl; i++) {
            if (!a->eligible[i] || extra[i]) continue;
            __int128 r = (__int128)v[i] * (int64_t)seats - (__int128)won[i] * evalid;
            if (r > rbest || (r == rbest && v[i] > v[pool[0]])) rbest = r, np = 0;
            if (r == rbest && (np == 0 || v[i] == v[pool[0]])) pool[np++] = i;
        }
        size_t pick = pool[np > 1 ? urne_lot_below(&a->lot, np) : 0];
        if (np > 1) {
            char *tb = a->out->tiebreak;
            size_t used = strlen(tb);
            snprintf(tb + used, sizeof a->out->tiebreak - used, "%sequal remainders and votes; %s chosen by lot",
                     used ? "; " : "", a->b->names[pick]);
        }
        extra[pick] = 1;
        won[pick]++;
    }
    snprintf(note, size, "Hare quota %lld / %zu; seats by whole quotas, then largest remainders.", (long long)evalid,
             seats);
    return 0;
}

/* The French municipal rule: a bonus to the list with the most votes, the rest by
 * D'Hondt among the lists with 5 %. 0, or -1 when no list can take the bonus
 * (reported). */
static int municipal(apportion *a, int round, char *note, size_t size, urne_diags *diags) {
    const int64_t *v = a->v;
    size_t nl = a->nl, seats = a->seats, first = 0;
    for (size_t i = 1; i < nl; i++)
        if (v[i] > v[first]) first = i;
    size_t equal = 0;
    for (size_t i = 0; i < nl; i++) equal += v[i] == v[first];
    if (round == 1 && 2 * v[first] <= a->valid) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "no-majority",
                       "no list has an absolute majority of the votes in round 1: a second round is needed");
        return -1;
    }
    if (equal > 1) { /* L262: equal votes, the list whose candidates are older on average; we have no ages */
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "tie",
                       "two lists lead with equal votes: the bonus goes to the list with the older candidates "
                       "(L262), which the ballots cannot tell");
        return -1;
    }
    size_t bonus = seats > 4 ? (seats + 1) / 2 : seats / 2; /* four seats: two, either way */
    /* The rest is shared as if there were no bonus: the bonus stays out of the divisors. */
    highest_average(v, a->eligible, nl, URNE_SEATS_DHONDT, seats - bonus, a->won, a->pool, &a->lot, a->out,
                    a->b->names);
    a->won[first] += (int64_t)bonus;
    snprintf(note, size, "%s receives the majority bonus of %zu seats; the other %zu by highest average "
                         "among the lists with at least 5 %%.", a->b->names[first], bonus, seats - bonus);
    return 0;
}

/* Winners: lists with seats, most first (then more votes). */
static void rank_winners(const apportion *a) {
    urne_count_result *out = a->out;
    for (size_t k = 0; k < a->nl; k++) {
        size_t best = (size_t)-1;
        for (size_t i = 0; i < a->nl; i++) {
            int taken = 0;
            for (size_t w = 0; w < out->nwinners; w++) taken |= out->winners[w] == i;
            if (taken || a->won[i] == 0) continue;
            if (best == (size_t)-1 || a->won[i] > a->won[best] || (a->won[i] == a->won[best] && a->v[i] > a->v[best]))
                best = i;
        }
        if (best == (size_t)-1) break;
        urne_count_winner_add(out, best);
    }
}

int urne_count_seats(const urne_ballots *b, urne_seat_method method, size_t seats, int64_t threshold_bp, int round,
                     uint64_t seed, urne_count_result *out, urne_diags *diags) {
    static const char *names_of[] = {"dhondt", "sainte-lague", "hare", "municipal"};
    size_t nl = b->ncand;
    if (urne_count_result_init(out, nl, names_of[method], NULL, 0) != 0) return out_of_memory(diags);
    /* Lists' votes and their doubles (2 x v, the absolute majority) stay within 2 x total. */
    if (urne_count_check_ballots(b, 2, names_of[method], diags) != 0) return -1;
    apportion a = {.b = b, .nl = nl, .seats = seats, .out = out};
    a.v = urne_arena_alloc(&out->arena, (nl ? nl : 1) * sizeof *a.v);
    a.won = urne_arena_alloc(&out->arena, (nl ? nl : 1) * sizeof *a.won);
    a.eligible = urne_arena_alloc(&out->arena, nl ? nl : 1);
    a.pool = urne_arena_alloc(&out->arena, (nl ? nl : 1) * sizeof *a.pool); /* not the stack: lists may be many */
    if (!a.v || !a.won || !a.eligible || !a.pool) return out_of_memory(diags);
    if (seats == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "seats", "there must be at least one seat to fill");
        return -1;
    }
    int64_t *v = a.v, valid = a.valid = list_votes(b, v);
    if (valid == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "no-votes", "no valid vote for any list");
        return -1;
    }
    int64_t bp = method == URNE_SEATS_MUNICIPAL ? 500 : threshold_bp;
    size_t neligible = 0;
    for (size_t i = 0; i < nl; i++) neligible += a.eligible[i] = (char)((__int128)v[i] * 10000 >= (__int128)valid * bp);
    urne_count_stage *st = urne_count_stage_add(out, "votes", v, 0, NULL);
    if (st == NULL) return out_of_memory(diags);
    snprintf(st->note, sizeof st->note, "%lld valid votes; %zu of %zu lists reach %lld.%02lld %% of them.",
             (long long)valid, neligible, nl, (long long)(bp / 100), (long long)(bp % 100));
    if (neligible == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "threshold", "no list reaches the threshold: no seat can be given");
        return -1;
    }
    urne_lot_init(&a.lot, seed);
    char note[320] = "";
    if (method == URNE_SEATS_HARE) {
        if (largest_remainder(&a, note, sizeof note) != 0) return out_of_memory(diags);
    } else if (method == URNE_SEATS_MUNICIPAL) {
        if (municipal(&a, round, note, sizeof note, diags) != 0) return -1;
    } else {
        highest_average(v, a.eligible, nl, method, seats, a.won, a.pool, &a.lot, out, b->names);
        snprintf(note, sizeof note, "Highest averages, divisors %s.",
                 method == URNE_SEATS_DHONDT ? "1, 2, 3..." : "1, 3, 5...");
    }
    st = urne_count_stage_add(out, "seats", a.won, 0, NULL);
    if (st == NULL) return out_of_memory(diags);
    memcpy(st->note, note, sizeof st->note);
    out->seats_won = st->votes;
    rank_winners(&a);
    return 0;
}
