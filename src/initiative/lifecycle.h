/*
 * initiative lifecycle: the states an initiative goes through and what moves it.
 *
 *   draft --submit--> submitted --admit--> admissible --open--> collecting
 *                               \--reject (reasons)--> inadmissible
 *   collecting --reach (threshold met, rules stop there)--> reached
 *   collecting --close (at or after the window's end)--> reached | expired
 *   reached --transmit--> transmitted --answer--> answered
 *
 * A pure function of (state, event, context) gives the new state or a refusal
 * code; the application layer writes the state and its audit entry. The context
 * carries what the transition depends on: the moment (`now`, UTC seconds, given:
 * the engine reads no clock), the window, whether the tally says the threshold is
 * reached, whether the committee gave reasons. The window is [opens_at,
 * closes_at): the collection may open from opens_at on, and closes at closes_at
 * exactly, the first moment a signature is too late; before it, "close" is
 * refused. A committee's inadmissibility must give its reasons (the decision is
 * published with them); admissibility may.
 *
 * Pure: no I/O, no clock, no allocation, no globals.
 */
#ifndef URNE_INITIATIVE_LIFECYCLE_H
#define URNE_INITIATIVE_LIFECYCLE_H

#include <stdint.h>

typedef enum urne_initiative_state {
    URNE_INITIATIVE_DRAFT = 0,
    URNE_INITIATIVE_SUBMITTED,
    URNE_INITIATIVE_ADMISSIBLE,
    URNE_INITIATIVE_INADMISSIBLE,
    URNE_INITIATIVE_COLLECTING,
    URNE_INITIATIVE_REACHED,
    URNE_INITIATIVE_EXPIRED,
    URNE_INITIATIVE_TRANSMITTED,
    URNE_INITIATIVE_ANSWERED,
    URNE_INITIATIVE_STATES
} urne_initiative_state;

typedef enum urne_initiative_event {
    URNE_INITIATIVE_SUBMIT = 0, /* the organisers submit the draft */
    URNE_INITIATIVE_ADMIT,      /* the committee declares it admissible */
    URNE_INITIATIVE_REJECT,     /* the committee declares it inadmissible, with reasons */
    URNE_INITIATIVE_OPEN,       /* the collection opens */
    URNE_INITIATIVE_REACH,      /* the threshold is met before the end (rules that stop there) */
    URNE_INITIATIVE_CLOSE,      /* the window has ended */
    URNE_INITIATIVE_TRANSMIT,   /* sent to the authority that must answer */
    URNE_INITIATIVE_ANSWER,     /* the authority's answer is published */
    URNE_INITIATIVE_EVENTS
} urne_initiative_event;

/* Why a transition is refused. */
typedef enum urne_initiative_refusal {
    URNE_INITIATIVE_ALLOWED = 0,
    URNE_INITIATIVE_WRONG_STATE,    /* the event cannot happen in this state */
    URNE_INITIATIVE_NO_REASONS,     /* REJECT without reasons */
    URNE_INITIATIVE_NO_WINDOW,      /* OPEN without opens_at and closes_at set, closes_at first */
    URNE_INITIATIVE_NOT_YET_OPEN,   /* OPEN before opens_at */
    URNE_INITIATIVE_WINDOW_OVER,    /* OPEN or REACH at or after closes_at */
    URNE_INITIATIVE_STILL_OPEN,     /* CLOSE before closes_at */
    URNE_INITIATIVE_NOT_REACHED,    /* REACH while the tally says not reached */
    URNE_INITIATIVE_RUNS_FULL_TERM  /* REACH under rules that do not stop at the threshold */
} urne_initiative_refusal;

typedef struct urne_initiative_context {
    int64_t now;                 /* the moment of the event, UTC seconds */
    int64_t opens_at, closes_at; /* the window; 0 when not set */
    int reached;                 /* the tally's verdict (urne_initiative_tally.reached) */
    int stop_at_threshold;       /* the rules' flag */
    int has_reasons;             /* the committee's decision gives reasons */
} urne_initiative_context;

/* The state `event` leads `from` to, in *to, given ctx. Returns
 * URNE_INITIATIVE_ALLOWED (with *to set) or the first refusal: the state is
 * checked before anything else, then the reasons, then the window, then the
 * tally. *to is left unchanged on refusal. */
urne_initiative_refusal urne_initiative_transition(urne_initiative_state from, urne_initiative_event event,
                                                   const urne_initiative_context *ctx, urne_initiative_state *to);

/* Stable names for the store, the API and the tests: "draft", "collecting"...;
 * "submit", "close"...; "wrong-state", "still-open"... */
const char *urne_initiative_state_name(urne_initiative_state s);
const char *urne_initiative_event_name(urne_initiative_event e);
const char *urne_initiative_refusal_name(urne_initiative_refusal r);

/* 1 when no event leads out of s (inadmissible, expired, answered). */
int urne_initiative_state_final(urne_initiative_state s);

#endif
