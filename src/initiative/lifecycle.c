/*
 * initiative lifecycle: the transition function (see lifecycle.h).
 *
 * The allowed moves are one table of (from, event): read top-down it is the
 * diagram in the header, and a move not in it is URNE_INITIATIVE_WRONG_STATE.
 * What a move needs beyond its state (reasons, the window, the tally) is checked
 * after, in one place, so that the order of refusals is the header's. The names
 * are arrays of chars, not of pointers, so that they stay read-only data even in
 * position-independent code (tests/unit/initiative_pure.sh checks it).
 */
#include <assert.h>
#include <stddef.h>

#include "lifecycle.h"

typedef struct move {
    urne_initiative_state from;
    urne_initiative_event event;
    urne_initiative_state to; /* CLOSE's is decided by the tally */
} move;

static const move moves[] = {
    {URNE_INITIATIVE_DRAFT, URNE_INITIATIVE_SUBMIT, URNE_INITIATIVE_SUBMITTED},
    {URNE_INITIATIVE_SUBMITTED, URNE_INITIATIVE_ADMIT, URNE_INITIATIVE_ADMISSIBLE},
    {URNE_INITIATIVE_SUBMITTED, URNE_INITIATIVE_REJECT, URNE_INITIATIVE_INADMISSIBLE},
    {URNE_INITIATIVE_ADMISSIBLE, URNE_INITIATIVE_OPEN, URNE_INITIATIVE_COLLECTING},
    {URNE_INITIATIVE_COLLECTING, URNE_INITIATIVE_REACH, URNE_INITIATIVE_REACHED},
    {URNE_INITIATIVE_COLLECTING, URNE_INITIATIVE_CLOSE, URNE_INITIATIVE_EXPIRED},
    {URNE_INITIATIVE_REACHED, URNE_INITIATIVE_TRANSMIT, URNE_INITIATIVE_TRANSMITTED},
    {URNE_INITIATIVE_TRANSMITTED, URNE_INITIATIVE_ANSWER, URNE_INITIATIVE_ANSWERED},
};

static const move *find(urne_initiative_state from, urne_initiative_event event) {
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (moves[i].from == from && moves[i].event == event) return &moves[i];
    return NULL;
}

/* What the move needs beyond its state. */
static urne_initiative_refusal conditions(urne_initiative_event event, const urne_initiative_context *c) {
    switch (event) {
    case URNE_INITIATIVE_REJECT: return c->has_reasons ? URNE_INITIATIVE_ALLOWED : URNE_INITIATIVE_NO_REASONS;
    case URNE_INITIATIVE_OPEN:
        if (c->opens_at == 0 || c->closes_at == 0 || c->closes_at <= c->opens_at) return URNE_INITIATIVE_NO_WINDOW;
        if (c->now < c->opens_at) return URNE_INITIATIVE_NOT_YET_OPEN;
        if (c->now >= c->closes_at) return URNE_INITIATIVE_WINDOW_OVER;
        return URNE_INITIATIVE_ALLOWED;
    case URNE_INITIATIVE_REACH:
        if (!c->stop_at_threshold) return URNE_INITIATIVE_RUNS_FULL_TERM;
        if (c->now >= c->closes_at) return URNE_INITIATIVE_WINDOW_OVER;
        return c->reached ? URNE_INITIATIVE_ALLOWED : URNE_INITIATIVE_NOT_REACHED;
    case URNE_INITIATIVE_CLOSE: return c->now >= c->closes_at ? URNE_INITIATIVE_ALLOWED : URNE_INITIATIVE_STILL_OPEN;
    default: return URNE_INITIATIVE_ALLOWED;
    }
}

urne_initiative_refusal urne_initiative_transition(urne_initiative_state from, urne_initiative_event event,
                                                   const urne_initiative_context *ctx, urne_initiative_state *to) {
    assert(from >= 0 && from < URNE_INITIATIVE_STATES && event >= 0 && event < URNE_INITIATIVE_EVENTS);
    assert(ctx != NULL && to != NULL);
    const move *m = find(from, event);
    if (m == NULL) return URNE_INITIATIVE_WRONG_STATE;
    urne_initiative_refusal why = conditions(event, ctx);
    if (why != URNE_INITIATIVE_ALLOWED) return why;
    urne_initiative_state next = m->to;
    if (event == URNE_INITIATIVE_CLOSE && ctx->reached) next = URNE_INITIATIVE_REACHED;
    assert(!urne_initiative_state_final(from));
    *to = next;
    return URNE_INITIATIVE_ALLOWED;
}

const char *urne_initiative_state_name(urne_initiative_state s) {
    static const char names[][16] = {"draft",    "submitted", "admissible",  "inadmissible", "collecting",
                                        "reached",  "expired",   "transmitted", "answered"};
    return s >= 0 && s < URNE_INITIATIVE_STATES ? names[s] : "?";
}

const char *urne_initiative_event_name(urne_initiative_event e) {
    static const char names[][16] = {"submit", "admit", "reject", "open", "reach", "close", "transmit", "answer"};
    return e >= 0 && e < URNE_INITIATIVE_EVENTS ? names[e] : "?";
}

const char *urne_initiative_refusal_name(urne_initiative_refusal r) {
    static const char names[][16] = {"allowed",      "wrong-state", "no-reasons",  "no-window",     "not-yet-open",
                                        "window-over",  "still-open",  "not-reached", "runs-full-term"};
    return r >= 0 && r <= URNE_INITIATIVE_RUNS_FULL_TERM ? names[r] : "?";
}

int urne_initiative_state_final(urne_initiative_state s) {
    return s == URNE_INITIATIVE_INADMISSIBLE || s == URNE_INITIATIVE_EXPIRED || s == URNE_INITIATIVE_ANSWERED;
}
