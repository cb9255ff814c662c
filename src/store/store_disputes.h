/*
 * store_disputes: the commission's disputes over a bureau's sheet (récolement).
 *
 * A commission member contests a counted sheet: a dispute opens, at tier 1,
 * keeping the figures as they were; it is decided (validate, correct, annul,
 * revote, with the figures after), and may be escalated to tier 2, which opens a
 * new dispute pointing at the first. The rules are in results/recolement.h; the
 * store keeps the rows. Part of the store's interface (store.h).
 */
#ifndef URNE_STORE_DISPUTES_H
#define URNE_STORE_DISPUTES_H

#include <stddef.h>
#include <stdint.h>

#include "store_elections.h"

typedef struct urne_store urne_store;

/* A dispute. Every text is NUL-terminated within its field; a write refuses one
 * that is not, a read one that would not fit. */
typedef struct urne_dispute {
    int64_t id, election, bureau, escalated_from;
    int tier;
    char state[16];   /* open, decided, escalated */
    char reason[512];
    char opened_by[64], opened_at[24], deadline[24];
    char decision[16], decision_reason[512], decided_by[64], decided_at[24];
    /* urne_figures_json's text, "" when none. Any figures of up to
     * URNE_DISPUTE_FIGURES_VOTES candidates fit whatever their counts (the
     * assertion below); larger contests fit as long as their text does (some
     * 150 candidates at the highest counts the server accepts, 300 and more at
     * a bureau's real ones). The application refuses figures whose text does
     * not fit, with the sizes, never storing them cut. */
    char figures_before[2048], figures_after[2048];
} urne_dispute;

#define URNE_DISPUTE_FIGURES_VOTES 89
_Static_assert(URNE_FIGURES_JSON_MAX(URNE_DISPUTE_FIGURES_VOTES) < sizeof ((urne_dispute *)0)->figures_before,
               "a dispute's figures fields must hold any figures' JSON of URNE_DISPUTE_FIGURES_VOTES votes");

/* Open a dispute (inside a transaction) from d's election, bureau, tier, reason,
 * opened_by, opened_at, deadline, figures_before and escalated_from (0: none); its
 * state is "open". Returns the new id; 0 when the bureau has an open dispute
 * already (a bureau has one at a time: nothing written, the store checks it in
 * the statement that would write, so that a dispute another server opened a
 * moment before, unheard of yet, is not opened twice); -1 on failure. */
int64_t urne_store_dispute_open(urne_store *s, const urne_dispute *d);
/* The dispute of that id: 1, 0 when none, -1. */
int urne_store_dispute_get(urne_store *s, int64_t id, urne_dispute *out);
/* The open dispute of a bureau (the latest): 1 with it, 0 when none, -1. */
int urne_store_dispute_open_for(urne_store *s, int64_t election, size_t bureau, urne_dispute *out);
/* Record d's state, decision, decision_reason, decided_by, decided_at and
 * figures_after on dispute d->id, provided its stored state is `expected` ("open"
 * for a decision, "decided" for an escalation): 1 when written; 0 when its state
 * is another (another server decided or escalated it a moment before: nothing
 * written); -1 on failure. */
int urne_store_dispute_update(urne_store *s, const urne_dispute *d, const char *expected);
/* Call fn on every dispute of the election in order of id; stops when fn returns
 * non-zero and returns that value; 0 when all were passed, -1 on failure. */
int urne_store_dispute_each(urne_store *s, int64_t election, int (*fn)(const urne_dispute *d, void *ctx), void *ctx);

#endif
