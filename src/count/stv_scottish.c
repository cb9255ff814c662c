/*
 * stv_scottish: the single transferable vote as the Scottish Local Government
 * Elections Order 2007 counts it (Schedule 1, rules 45 to 52).
 *
 * Ballot papers travel in parcels: one per distinct ranking, with a weight (how many
 * papers), a value (1.00000 at first) and the position of the preference they count
 * for. A candidate's votes are the sum of weight x value over the parcels they hold.
 * All arithmetic is in integers of 10^-5, as the rules compute transfer values "to five
 * decimal places (any remainder being ignored)". The same procedure at nine decimals is
 * urne's plain WIGM (urne_count_stv_wigm).
 *
 *   quota      floor(valid papers / (seats + 1)) + 1                          (rule 46)
 *   elect      every continuing candidate at or above the quota, most votes first
 *   surplus    the largest untransferred surplus first: every paper the elected
 *              candidate holds moves to its next continuing preference at value
 *              floor(surplus x its value / candidate's votes); the candidate keeps
 *              exactly the quota                                              (rule 48)
 *   exclusion  when no surplus remains, the continuing candidate with fewest votes:
 *              all its papers move on at their current value                  (rule 49-50)
 *   end        when continuing candidates are no more than the seats left, they are
 *              elected; when the seats are filled, the others are not         (rule 51-52)
 * Ties (for the order of surpluses, election or exclusion) go by the votes at the
 * earliest stage at which the tied candidates differed, then by lot.
 * Papers with no continuing preference left are non-transferable; fractions lost by
 * truncation are in no one's total, as in the official count.
 *
 * For speed, a parcel is a distinct ranking (not a paper), and a candidate's votes are
 * updated as parcels arrive instead of being summed again over every pile at every
 * stage. A pile is a list threaded through the parcels (each parcel is in one pile at
 * a time, and a pile moves on whole), in the order the parcels arrived: no array per
 * candidate to grow and copy. The parcels are one zeroed block from
 * urne_ballots_bulk_alloc (huge pages for a big file: page faults, not instructions,
 * were most of this count's cost on the VMs it is measured on).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"


typedef struct parcel {
    uint32_t ballot;
    uint32_t pos;    /* index within the ranking of the preference it counts for */
    uint32_t next;   /* the next parcel of its pile, in order of arrival; NO_PARCEL ends it */
    int64_t weight;  /* papers */
    int64_t value;   /* per paper, in 10^-5 */
} parcel;

#define NO_PARCEL UINT32_MAX

/* A candidate's papers: the parcels from head to tail through parcel.next. */
typedef struct pile {
    uint32_t head, tail;
} pile;

static const pile empty_pile = {NO_PARCEL, NO_PARCEL};

typedef struct count_state {
    const urne_ballots *b;
    int64_t unit;           /* 10^decimals: the rule's precision */
    int decimals;
    size_t seats;
    parcel *parcels;
    size_t nparcels;
    pile *piles;            /* per candidate */
    int64_t *votes;
    char *state;
    int64_t *surplus;       /* pending surplus of elected candidates, -1 when none */
    /* Lists of candidates, ncand each, on the heap (a contest may have up to 65,535
     * candidates: too many for the stack of a server thread): those reaching the
     * quota, those continuing, those with a surplus to transfer. */
    size_t *cands, *hopeful, *pending;
    int64_t nontransferable;
    int64_t valid;          /* papers counted at first preferences, x unit: the total */
    int64_t lost;           /* value lost to truncated transfer values, in no one's total */
    int64_t quota;
    size_t nelected;
    urne_lot lot;
    urne_count_result *out;
} count_state;

#ifndef NDEBUG
/* Is the vote conserved? A paper's value is always somewhere: with a continuing or an
 * elected candidate (who keeps exactly the quota once their surplus has moved on), with
 * the non-transferable papers, or lost to the truncation of transfer values; an
 * excluded candidate holds nothing. So those add up to the valid papers x unit exactly.
 * O(candidates): once per stage, in asserts only. */
static int scottish_conserved(const count_state *s) {
    int64_t held = s->nontransferable + s->lost;
    for (size_t c = 0; c < s->b->ncand; c++) {
        if (s->state[c] == URNE_DEFEATED && s->votes[c] != 0) return 0;
        held += s->votes[c];
    }
    return s->lost >= 0 && held == s->valid;
}
#endif

/* Parcel `id` joins the end of pile `p`. */
static void pile_push(parcel *parcels, pile *p, uint32_t id) {
    parcels[id].next = NO_PARCEL;
    if (p->head == NO_PARCEL) p->head = id;
    else parcels[p->tail].next = id;
    p->tail = id;
}

/* Move parcel `id` on to its next continuing preference at `value`, whose votes it
 * joins. Votes are kept up to date as parcels arrive rather than summed again over
 * every pile at every stage: the same integer sums, without the O(parcels) pass. */
static void move_on(count_state *s, uint32_t id, int64_t value) {
    parcel *p = &s->parcels[id];
    const uint16_t *prefs = s->b->prefs + s->b->start[p->ballot];
    size_t len = s->b->len[p->ballot];
    p->value = value;
    for (size_t i = p->pos + 1; i < len; i++)
        if (s->state[prefs[i]] == URNE_HOPEFUL) {
            p->pos = (uint32_t)i;
            s->votes[prefs[i]] += p->weight * value;
            pile_push(s->parcels, &s->piles[prefs[i]], id);
            return;
        }
    p->pos = (uint32_t)len;
    s->nontransferable += p->weight * value;
}

static const char *name(const count_state *s, size_t c) { return s->b->names[c] ? s->b->names[c] : "?"; }

static urne_count_stage *stage(count_state *s, const char *action) {
    assert(scottish_conserved(s));
    return urne_count_stage_add(s->out, action, s->votes, s->nontransferable, s->state);
}

/* Elect every hopeful at or above the quota, most votes first. Appends to `note`. */
static int elect_by_quota(count_state *s, char *note, size_t size) {
    for (;;) {
        size_t *cands = s->cands, n = 0;
        for (size_t c = 0; c < s->b->ncand; c++)
            if (s->state[c] == URNE_HOPEFUL && s->votes[c] >= s->quota) cands[n++] = c;
        if (n == 0 || s->nelected == s->seats) return 0;
        size_t c = urne_count_pick(s->out, s->votes, cands, n, 1, &s->lot, s->b->names, "order of election");
        s->state[c] = URNE_ELECTED;
        s->surplus[c] = s->votes[c] - s->quota;
        s->nelected++;
        if (urne_count_winner_add(s->out, c) != 0) return -1;
        size_t used = strlen(note);
        snprintf(note + used, size - used, " %s is elected.", name(s, c));
    }
}

/* The parcels move on one by one; each parcel's next is read before it joins another
 * pile (never the one being emptied: its candidate is no longer continuing). */
static void transfer_surplus(count_state *s, size_t c) {
    int64_t surplus = s->surplus[c], total = s->votes[c], moved = 0;
    uint32_t id = s->piles[c].head;
    s->piles[c] = empty_pile;
    while (id != NO_PARCEL) {
        const parcel *p = &s->parcels[id];
        uint32_t next = p->next;
        /* (surplus x value) / total, truncated; in 128 bits only when the product passes
         * 2^63 (a call to __divti3 for every parcel otherwise): the same quotient. */
        int64_t product, value;
        if (__builtin_mul_overflow(surplus, p->value, &product))
            value = (int64_t)(((__int128)surplus * p->value) / total);
        else
            value = product / total;
        moved += p->weight * value;
        move_on(s, id, value);
        id = next;
    }
    s->lost += surplus - moved;
    s->surplus[c] = -1;
    s->votes[c] = s->quota;
}

static void exclude(count_state *s, size_t c) {
    uint32_t id = s->piles[c].head;
    s->piles[c] = empty_pile;
    s->state[c] = URNE_DEFEATED;
    while (id != NO_PARCEL) {
        uint32_t next = s->parcels[id].next;
        move_on(s, id, s->parcels[id].value);
        id = next;
    }
    s->votes[c] = 0;
}

static int run(count_state *s) {
    const urne_ballots *b = s->b;
    size_t ncand = b->ncand;
    /* First preferences. */
    int64_t valid = 0;
    for (size_t k = 0; k < b->n; k++) {
        if (b->len[k] == 0 || b->weight[k] <= 0) continue;
        parcel *p = &s->parcels[s->nparcels];
        p->ballot = (uint32_t)k;
        p->pos = 0;
        p->weight = b->weight[k];
        p->value = s->unit;
        s->votes[b->prefs[b->start[k]]] += p->weight * p->value;
        pile_push(s->parcels, &s->piles[b->prefs[b->start[k]]], (uint32_t)s->nparcels++);
        valid += b->weight[k];
    }
    s->valid = valid * s->unit;
    s->quota = (valid / (int64_t)(s->seats + 1) + 1) * s->unit;
    s->out->quota = s->quota;
    urne_count_stage *st = stage(s, "first preferences");
    if (st == NULL) return -1;
    snprintf(st->note, sizeof st->note, "%lld valid ballots, %zu seats: quota %lld.", (long long)valid, s->seats,
             (long long)(s->quota / s->unit));
    if (elect_by_quota(s, st->note, sizeof st->note) != 0) return -1;
    memcpy(st->state, s->state, ncand);

    while (s->nelected < s->seats) {
        size_t *hopeful = s->hopeful, nh = 0, *pending = s->pending, np = 0;
        for (size_t c = 0; c < ncand; c++) {
            if (s->state[c] == URNE_HOPEFUL) hopeful[nh++] = c;
            if (s->state[c] == URNE_ELECTED && s->surplus[c] > 0) pending[np++] = c;
        }
        if (nh + s->nelected <= s->seats) {
            st = stage(s, "elected");
            if (st == NULL) return -1;
            snprintf(st->note, sizeof st->note, "As many continuing candidates as seats left:");
            for (size_t i = 0; i < nh; i++) {
                s->state[hopeful[i]] = URNE_ELECTED;
                st->state[hopeful[i]] = URNE_ELECTED;
                s->nelected++;
                if (urne_count_winner_add(s->out, hopeful[i]) != 0) return -1;
                size_t used = strlen(st->note);
                snprintf(st->note + used, sizeof st->note - used, "%s %s", i ? "," : "", name(s, hopeful[i]));
            }
            size_t used = strlen(st->note);
            snprintf(st->note + used, sizeof st->note - used, " elected.");
            break;
        }
        char note[320];
        const char *action;
        if (np > 0) {
            /* Rank pending candidates by surplus, through their votes (quota is common). */
            size_t c = urne_count_pick(s->out, s->votes, pending, np, 1, &s->lot, s->b->names, "order of surpluses");
            int64_t surplus = s->surplus[c], total = s->votes[c];
            int64_t ratio = (int64_t)((__int128)surplus * s->unit / total);
            snprintf(note, sizeof note, "Surplus of %s (%lld.%0*lld) transferred at %lld.%0*lld of each paper's value.",
                     name(s, c), (long long)(surplus / s->unit), s->decimals, (long long)(surplus % s->unit),
                     (long long)(ratio / s->unit), s->decimals, (long long)(ratio % s->unit));
            transfer_surplus(s, c);
            action = "surplus";
        } else {
            size_t c = urne_count_pick(s->out, s->votes, hopeful, nh, 0, &s->lot, s->b->names, "exclusion");
            snprintf(note, sizeof note, "%s, with the fewest votes (%lld.%0*lld), is excluded.", name(s, c),
                     (long long)(s->votes[c] / s->unit), s->decimals, (long long)(s->votes[c] % s->unit));
            exclude(s, c);
            action = "exclusion";
        }
        if (elect_by_quota(s, note, sizeof note) != 0) return -1;
        st = stage(s, action);
        if (st == NULL) return -1;
        memcpy(st->note, note, sizeof st->note);
    }
    for (size_t c = 0; c < ncand; c++)
        if (s->state[c] == URNE_HOPEFUL) s->state[c] = URNE_DEFEATED;
    if (s->out->nstages) memcpy(s->out->stages[s->out->nstages - 1].state, s->state, ncand);
    return 0;
}

/* The procedure at `decimals` of precision, under the rule's name. */
static int count_wigm(const urne_ballots *b, size_t seats, uint64_t seed, const char *rule, int decimals,
                      urne_count_result *out, urne_diags *diags) {
    if (urne_count_result_init(out, b->ncand, "stv", rule, decimals) != 0) goto oom;
    if (urne_count_stv_check(b, seats, strcmp(rule, "scottish") == 0 ? "Scottish" : "WIGM", diags) != 0) return -1;
    /* A paper's value never exceeds one unit (a transfer value is a fraction of the
     * value it had), so every candidate's votes and the non-transferable papers add up
     * to at most total x unit: checked once here. */
    int64_t unit = 1;
    for (int i = 0; i < decimals; i++) unit *= 10;
    if (urne_count_check_ballots(b, unit, strcmp(rule, "scottish") == 0 ? "Scottish STV" : "WIGM STV", diags) != 0)
        return -1;
    count_state s;
    memset(&s, 0, sizeof s);
    s.b = b;
    s.decimals = decimals;
    s.unit = unit;
    s.seats = seats;
    s.out = out;
    urne_lot_init(&s.lot, seed);
    s.parcels = urne_ballots_bulk_alloc((b->n ? b->n : 1) * sizeof *s.parcels);
    s.piles = malloc((b->ncand ? b->ncand : 1) * sizeof *s.piles);
    s.votes = calloc(b->ncand ? b->ncand : 1, sizeof *s.votes);
    s.surplus = malloc((b->ncand ? b->ncand : 1) * sizeof *s.surplus);
    s.state = malloc(b->ncand + 1);
    s.cands = malloc((b->ncand ? b->ncand : 1) * sizeof *s.cands);
    s.hopeful = malloc((b->ncand ? b->ncand : 1) * sizeof *s.hopeful);
    s.pending = malloc((b->ncand ? b->ncand : 1) * sizeof *s.pending);
    int rc = -1;
    if (s.parcels && s.piles && s.votes && s.surplus && s.state && s.cands && s.hopeful && s.pending) {
        for (size_t c = 0; c < b->ncand; c++)
            s.state[c] = b->withdrawn && b->withdrawn[c] ? URNE_DEFEATED : URNE_HOPEFUL, s.surplus[c] = -1,
            s.piles[c] = empty_pile;
        out->tie_order = b->tie_order;
        rc = run(&s);
        out->tie_order = NULL; /* b's: used while counting only */
    }
    urne_ballots_bulk_free(s.parcels);
    free(s.piles);
    free(s.votes);
    free(s.surplus);
    free(s.state);
    free(s.cands);
    free(s.hopeful);
    free(s.pending);
    if (rc == 0) return 0;
oom:
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory counting");
    return -1;
}

int urne_count_stv_scottish(const urne_ballots *b, size_t seats, uint64_t seed, urne_count_result *out,
                            urne_diags *diags) {
    return count_wigm(b, seats, seed, "scottish", 5, out, diags);
}

int urne_count_stv_wigm(const urne_ballots *b, size_t seats, uint64_t seed, urne_count_result *out, urne_diags *diags) {
    return count_wigm(b, seats, seed, "wigm", 9, out, diags);
}
