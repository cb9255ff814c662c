/*
 * test_initiative_lifecycle: the transition function as a table. Every (state,
 * event) pair is tried with a context that satisfies every condition: the pairs of
 * the lifecycle's diagram are allowed and lead where it says, every other pair is
 * refused as wrong-state. Then each condition at its edge: reasons, the window's
 * opening and end (a close exactly at closes_at is allowed, one second before is
 * not), the tally's verdict, rules that run their full term.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/initiative/lifecycle.h"

#define OPENS 1767225600  /* 2026-01-01T00:00:00Z */
#define CLOSES 1790812800 /* 2026-10-01T00:00:00Z */

typedef struct {
    urne_initiative_state from;
    urne_initiative_event event;
    urne_initiative_state to;
} allowed;

/* The diagram, written again here from lifecycle.h's comment (not from lifecycle.c's table). */
static const allowed diagram[] = {
    {URNE_INITIATIVE_DRAFT, URNE_INITIATIVE_SUBMIT, URNE_INITIATIVE_SUBMITTED},
    {URNE_INITIATIVE_SUBMITTED, URNE_INITIATIVE_ADMIT, URNE_INITIATIVE_ADMISSIBLE},
    {URNE_INITIATIVE_SUBMITTED, URNE_INITIATIVE_REJECT, URNE_INITIATIVE_INADMISSIBLE},
    {URNE_INITIATIVE_ADMISSIBLE, URNE_INITIATIVE_OPEN, URNE_INITIATIVE_COLLECTING},
    {URNE_INITIATIVE_COLLECTING, URNE_INITIATIVE_REACH, URNE_INITIATIVE_REACHED},
    {URNE_INITIATIVE_COLLECTING, URNE_INITIATIVE_CLOSE, URNE_INITIATIVE_REACHED}, /* reached in this context */
    {URNE_INITIATIVE_REACHED, URNE_INITIATIVE_TRANSMIT, URNE_INITIATIVE_TRANSMITTED},
    {URNE_INITIATIVE_TRANSMITTED, URNE_INITIATIVE_ANSWER, URNE_INITIATIVE_ANSWERED},
};

/* A context satisfying the conditions of `event`. */
static urne_initiative_context satisfying(urne_initiative_event event) {
    urne_initiative_context c = {OPENS + 100, OPENS, CLOSES, 1, 1, 1};
    if (event == URNE_INITIATIVE_CLOSE) c.now = CLOSES;
    return c;
}

static void test_every_pair(void **state) {
    (void)state;
    int allowed_seen = 0;
    for (int s = 0; s < URNE_INITIATIVE_STATES; s++) {
        for (int e = 0; e < URNE_INITIATIVE_EVENTS; e++) {
            const allowed *a = NULL;
            for (size_t i = 0; i < sizeof diagram / sizeof diagram[0]; i++)
                if ((int)diagram[i].from == s && (int)diagram[i].event == e) a = &diagram[i];
            urne_initiative_context c = satisfying((urne_initiative_event)e);
            urne_initiative_state to = URNE_INITIATIVE_STATES;
            urne_initiative_refusal r = urne_initiative_transition((urne_initiative_state)s, (urne_initiative_event)e,
                                                                   &c, &to);
            const char *sn = urne_initiative_state_name((urne_initiative_state)s);
            const char *en = urne_initiative_event_name((urne_initiative_event)e);
            if (a) {
                if (r != URNE_INITIATIVE_ALLOWED) fail_msg("%s --%s-> refused: %s", sn, en, urne_initiative_refusal_name(r));
                if (to != a->to) fail_msg("%s --%s-> %s, expected %s", sn, en, urne_initiative_state_name(to),
                                          urne_initiative_state_name(a->to));
                allowed_seen++;
            } else {
                if (r != URNE_INITIATIVE_WRONG_STATE)
                    fail_msg("%s --%s-> gave %s, expected wrong-state", sn, en, urne_initiative_refusal_name(r));
                if (to != URNE_INITIATIVE_STATES) fail_msg("%s --%s->: refused but *to was written", sn, en);
            }
        }
        /* Final states: nothing leads out of them. */
        int out = 0;
        for (size_t i = 0; i < sizeof diagram / sizeof diagram[0]; i++) out |= (int)diagram[i].from == s;
        assert_int_equal(urne_initiative_state_final((urne_initiative_state)s),
                         !out && s != URNE_INITIATIVE_STATES);
    }
    assert_int_equal(allowed_seen, sizeof diagram / sizeof diagram[0]);
}

typedef struct {
    const char *what;
    urne_initiative_state from;
    urne_initiative_event event;
    urne_initiative_context ctx; /* now, opens, closes, reached, stop, reasons */
    urne_initiative_refusal refusal;
    urne_initiative_state to;    /* when allowed */
} condition_case;

static void test_conditions(void **state) {
    (void)state;
    const urne_initiative_state SUB = URNE_INITIATIVE_SUBMITTED, ADM = URNE_INITIATIVE_ADMISSIBLE,
                                COL = URNE_INITIATIVE_COLLECTING;
    const condition_case cases[] = {
        {"reject with reasons", SUB, URNE_INITIATIVE_REJECT, {0, 0, 0, 0, 0, 1}, URNE_INITIATIVE_ALLOWED,
         URNE_INITIATIVE_INADMISSIBLE},
        {"reject without reasons", SUB, URNE_INITIATIVE_REJECT, {0, 0, 0, 0, 0, 0}, URNE_INITIATIVE_NO_REASONS, 0},
        {"admit without reasons", SUB, URNE_INITIATIVE_ADMIT, {0, 0, 0, 0, 0, 0}, URNE_INITIATIVE_ALLOWED,
         URNE_INITIATIVE_ADMISSIBLE},
        {"open without a window", ADM, URNE_INITIATIVE_OPEN, {OPENS, OPENS, 0, 0, 0, 0}, URNE_INITIATIVE_NO_WINDOW, 0},
        {"open a window that closes as it opens", ADM, URNE_INITIATIVE_OPEN, {OPENS, OPENS, OPENS, 0, 0, 0},
         URNE_INITIATIVE_NO_WINDOW, 0},
        {"open a second early", ADM, URNE_INITIATIVE_OPEN, {OPENS - 1, OPENS, CLOSES, 0, 0, 0},
         URNE_INITIATIVE_NOT_YET_OPEN, 0},
        {"open at the opening", ADM, URNE_INITIATIVE_OPEN, {OPENS, OPENS, CLOSES, 0, 0, 0}, URNE_INITIATIVE_ALLOWED,
         COL},
        {"open a second before the end", ADM, URNE_INITIATIVE_OPEN, {CLOSES - 1, OPENS, CLOSES, 0, 0, 0},
         URNE_INITIATIVE_ALLOWED, COL},
        {"open at the end", ADM, URNE_INITIATIVE_OPEN, {CLOSES, OPENS, CLOSES, 0, 0, 0}, URNE_INITIATIVE_WINDOW_OVER,
         0},
        {"close a second before the end", COL, URNE_INITIATIVE_CLOSE, {CLOSES - 1, OPENS, CLOSES, 0, 0, 0},
         URNE_INITIATIVE_STILL_OPEN, 0},
        {"close exactly at the end, short", COL, URNE_INITIATIVE_CLOSE, {CLOSES, OPENS, CLOSES, 0, 0, 0},
         URNE_INITIATIVE_ALLOWED, URNE_INITIATIVE_EXPIRED},
        {"close exactly at the end, reached", COL, URNE_INITIATIVE_CLOSE, {CLOSES, OPENS, CLOSES, 1, 0, 0},
         URNE_INITIATIVE_ALLOWED, URNE_INITIATIVE_REACHED},
        {"close long after", COL, URNE_INITIATIVE_CLOSE, {CLOSES + 86400 * 30, OPENS, CLOSES, 0, 0, 0},
         URNE_INITIATIVE_ALLOWED, URNE_INITIATIVE_EXPIRED},
        {"reach, reached", COL, URNE_INITIATIVE_REACH, {CLOSES - 1, OPENS, CLOSES, 1, 1, 0}, URNE_INITIATIVE_ALLOWED,
         URNE_INITIATIVE_REACHED},
        {"reach, not reached", COL, URNE_INITIATIVE_REACH, {CLOSES - 1, OPENS, CLOSES, 0, 1, 0},
         URNE_INITIATIVE_NOT_REACHED, 0},
        {"reach at the end", COL, URNE_INITIATIVE_REACH, {CLOSES, OPENS, CLOSES, 1, 1, 0}, URNE_INITIATIVE_WINDOW_OVER,
         0},
        {"reach under full-term rules", COL, URNE_INITIATIVE_REACH, {OPENS, OPENS, CLOSES, 1, 0, 0},
         URNE_INITIATIVE_RUNS_FULL_TERM, 0},
        {"wrong state before reasons", ADM, URNE_INITIATIVE_REJECT, {0, 0, 0, 0, 0, 0}, URNE_INITIATIVE_WRONG_STATE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const condition_case *c = &cases[i];
        urne_initiative_state to = URNE_INITIATIVE_STATES;
        urne_initiative_refusal r = urne_initiative_transition(c->from, c->event, &c->ctx, &to);
        if (r != c->refusal)
            fail_msg("%s: %s, expected %s", c->what, urne_initiative_refusal_name(r),
                     urne_initiative_refusal_name(c->refusal));
        if (r == URNE_INITIATIVE_ALLOWED && to != c->to)
            fail_msg("%s: led to %s, expected %s", c->what, urne_initiative_state_name(to),
                     urne_initiative_state_name(c->to));
        if (r != URNE_INITIATIVE_ALLOWED) assert_int_equal(to, URNE_INITIATIVE_STATES);
    }
}

static void test_names(void **state) {
    (void)state;
    /* Names are distinct and stable (the store will keep them). */
    for (int a = 0; a < URNE_INITIATIVE_STATES; a++)
        for (int b = a + 1; b < URNE_INITIATIVE_STATES; b++)
            assert_string_not_equal(urne_initiative_state_name((urne_initiative_state)a),
                                    urne_initiative_state_name((urne_initiative_state)b));
    assert_string_equal(urne_initiative_state_name(URNE_INITIATIVE_COLLECTING), "collecting");
    assert_string_equal(urne_initiative_event_name(URNE_INITIATIVE_CLOSE), "close");
    assert_string_equal(urne_initiative_refusal_name(URNE_INITIATIVE_STILL_OPEN), "still-open");
    assert_string_equal(urne_initiative_refusal_name(URNE_INITIATIVE_RUNS_FULL_TERM), "runs-full-term");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pair),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
