/*
 * test_recolement: sheet states and transitions, unit states, figures and their
 * differences, the turnout anomaly; and the audit chain's hashing and checking.
 */
#include "../../src/audit/audit.h"
#include "../../src/results/recolement.h"
#include "helpers.h"

static void test_state_names_round_trip(void **state) {
    for (int s = 0; s < URNE_SHEET_NSTATES; s++) {
        urne_sheet_state back;
        assert_int_equal(urne_sheet_state_parse(urne_sheet_state_name((urne_sheet_state)s), &back), 0);
        assert_int_equal(back, s);
    }
    urne_sheet_state x;
    assert_int_equal(urne_sheet_state_parse("final", &x), -1);
    urne_decision d;
    assert_int_equal(urne_decision_parse("correct", &d), 0);
    assert_int_equal(d, URNE_DECIDE_CORRECT);
    assert_int_equal(urne_decision_parse("overrule", &d), -1);
}

static void test_entry_transitions(void **state) {
    assert_int_equal(urne_recolement_after_entry(0, 0, 0), URNE_SHEET_ENTERED);
    assert_int_equal(urne_recolement_after_entry(1, 0, 0), URNE_SHEET_PENDING);
    assert_int_equal(urne_recolement_after_entry(1, 1, 0), URNE_SHEET_MISMATCH);
    assert_int_equal(urne_recolement_after_entry(1, 1, 1), URNE_SHEET_ENTERED);
    const char *why = NULL;
    assert_int_equal(urne_recolement_may_enter(URNE_SHEET_MISSING, &why), 1);
    assert_int_equal(urne_recolement_may_enter(URNE_SHEET_REVOTE, &why), 1);
    assert_int_equal(urne_recolement_may_enter(URNE_SHEET_MISMATCH, &why), 1);
    assert_int_equal(urne_recolement_may_enter(URNE_SHEET_CONTESTED, &why), 0);
    assert_non_null(strstr(why, "frozen"));
    assert_int_equal(urne_recolement_may_enter(URNE_SHEET_VALIDATED, &why), 0);
    assert_int_equal(urne_recolement_may_enter(URNE_SHEET_ANNULLED, &why), 0);
}

static void test_contest_and_decisions(void **state) {
    const char *why = NULL;
    assert_int_equal(urne_recolement_may_contest(URNE_SHEET_ENTERED, &why), 1);
    assert_int_equal(urne_recolement_may_contest(URNE_SHEET_VALIDATED, &why), 1);
    assert_int_equal(urne_recolement_may_contest(URNE_SHEET_MISSING, &why), 0);
    assert_int_equal(urne_recolement_may_contest(URNE_SHEET_CONTESTED, &why), 0);
    assert_non_null(strstr(why, "already"));
    assert_int_equal(urne_recolement_after_decision(URNE_DECIDE_VALIDATE), URNE_SHEET_VALIDATED);
    assert_int_equal(urne_recolement_after_decision(URNE_DECIDE_CORRECT), URNE_SHEET_VALIDATED);
    assert_int_equal(urne_recolement_after_decision(URNE_DECIDE_ANNUL), URNE_SHEET_ANNULLED);
    assert_int_equal(urne_recolement_after_decision(URNE_DECIDE_REVOTE), URNE_SHEET_REVOTE);
    assert_int_equal(urne_sheet_state_counts(URNE_SHEET_CONTESTED), 1);
    assert_int_equal(urne_sheet_state_counts(URNE_SHEET_ANNULLED), 2);
    assert_int_equal(urne_sheet_state_counts(URNE_SHEET_PENDING), 0);
}

static void test_unit_states(void **state) {
    size_t by[URNE_SHEET_NSTATES] = {0};
    by[URNE_SHEET_ENTERED] = 3;
    by[URNE_SHEET_ANNULLED] = 1;
    assert_int_equal(urne_recolement_unit_state(by), URNE_UNIT_FINAL);
    by[URNE_SHEET_MISMATCH] = 1;
    assert_int_equal(urne_recolement_unit_state(by), URNE_UNIT_PARTIAL);
    by[URNE_SHEET_CONTESTED] = 1; /* frozen wins over partial: never shown as final */
    assert_int_equal(urne_recolement_unit_state(by), URNE_UNIT_FROZEN);
    assert_string_equal(urne_unit_state_name(URNE_UNIT_FROZEN), "frozen");
}

static void test_figures_diff_and_sheet(void **state) {
    static const char *const names[] = {"Claire DUVAL", "Marc PEYRON"};
    urne_round *r = test_round(2, names);
    int64_t v[] = {170, 226};
    urne_sheet *s = test_sheet(r, "1", 1210, 4, 2, v);
    urne_figures a = {0}, b = {0};
    assert_int_equal(urne_figures_from_sheet(r, s, &a), 0);
    assert_int_equal(a.votants, 402);
    assert_int_equal(a.nvotes, 2);
    assert_int_equal(urne_figures_copy(&b, &a), 0);
    assert_ptr_not_equal(a.votes, b.votes); /* a deep copy: b's votes are its own */
    assert_true(urne_figures_equal(&a, &b));
    b.votes[1] = 227;
    b.votants = 403;
    assert_false(urne_figures_equal(&a, &b));
    char diff[200];
    assert_int_equal(urne_figures_diff(r, 0, &a, &b, diff, sizeof diff), 2);
    assert_string_equal(diff, "votants: 402 / 403; Marc PEYRON: 226 / 227");
    /* Too long for the buffer: cut with a mark, the count still whole. Every size
     * from 0 up gives a NUL-terminated prefix of the whole text, ending in "…" when
     * cut (except where not even the mark fits). */
    for (size_t size = 0; size < sizeof diff; size++) {
        char small[200];
        memset(small, 'x', sizeof small);
        assert_int_equal(urne_figures_diff(r, 0, &a, &b, small, size), 2);
        if (size == 0) {
            assert_int_equal(small[0], 'x');
            continue;
        }
        size_t n = strlen(small);
        assert_true(n < size);
        if (strcmp(small, diff) == 0) continue;
        if (n >= 3) {
            assert_string_equal(small + n - 3, "…");
            assert_memory_equal(small, diff, n - 3);
        }
    }
    assert_int_equal(a.votes[1], 226);
    urne_figures_to_sheet(&b, s);
    assert_int_equal(s->votes[1], 227);
    urne_figures_free(&a);
    urne_figures_free(&b);
    urne_round_free(r);
}

/* Figures hold as many votes as the contest has candidates, and own them. */
static void test_figures_lifetime(void **state) {
    (void)state;
    urne_figures f = {0}, g = {0};
    urne_figures_free(&f); /* a zeroed value is empty: freeing it does nothing */
    urne_figures_free(NULL);
    assert_int_equal(urne_figures_alloc(&f, 0), 0);
    assert_null(f.votes);
    assert_int_equal(f.nvotes, 0);
    f.inscrits = 9;
    assert_int_equal(urne_figures_alloc(&f, 300), 0); /* far beyond the 64 of old */
    assert_int_equal(f.nvotes, 300);
    assert_int_equal(f.inscrits, 9); /* the counts are kept */
    for (size_t j = 0; j < 300; j++) assert_int_equal(f.votes[j], 0);
    for (size_t j = 0; j < 300; j++) f.votes[j] = (int64_t)j;
    assert_int_equal(urne_figures_copy(&g, &f), 0);
    assert_true(urne_figures_equal(&f, &g));
    assert_int_equal(urne_figures_copy(&g, &g), 0); /* onto itself: unchanged */
    assert_true(urne_figures_equal(&f, &g));
    g.votes[299] = 1;
    assert_false(urne_figures_equal(&f, &g));
    assert_int_equal(urne_figures_alloc(&g, 2), 0); /* shrinking frees the old votes */
    assert_int_equal(g.nvotes, 2);
    urne_figures empty = {0};
    assert_int_equal(urne_figures_copy(&g, &empty), 0);
    assert_int_equal(g.nvotes, 0);
    assert_null(g.votes);

    /* A contest of 200 candidates, to the sheet and back. */
    static const char *names[200];
    static char buf[200][8];
    for (size_t j = 0; j < 200; j++) {
        snprintf(buf[j], sizeof buf[j], "C%zu", j);
        names[j] = buf[j];
    }
    urne_round *r = test_round(200, names);
    int64_t v[200];
    for (size_t j = 0; j < 200; j++) v[j] = (int64_t)j;
    urne_sheet *s = test_sheet(r, "1", 30000, 0, 0, v);
    assert_int_equal(urne_figures_from_sheet(r, s, &g), 0);
    assert_int_equal(g.nvotes, 200);
    assert_int_equal(g.votes[199], 199);
    g.votes[150] = 7;
    urne_figures_to_sheet(&g, s);
    assert_int_equal(s->votes[150], 7);
    urne_figures_free(&f);
    urne_figures_free(&g);
    urne_round_free(r);
}

static void test_turnout_outlier(void **state) {
    static const char *const names[] = {"A", "B"};
    urne_round *r = test_round(2, names);
    /* Four bureaux near 50 % turnout and one at 90 %. */
    int64_t normal[] = {240, 250}, high[] = {440, 450};
    test_sheet(r, "1", 1000, 5, 5, normal);
    test_sheet(r, "2", 1000, 5, 5, normal);
    test_sheet(r, "3", 1000, 5, 5, normal);
    test_sheet(r, "4", 1000, 5, 5, normal);
    test_sheet(r, "5", 1000, 5, 5, high);
    urne_diags d;
    urne_diags_init(&d, NULL);
    assert_int_equal(urne_results_turnout_outliers(r, 0, 15, &d), 1);
    assert_int_equal(d.items[0].line, 5);
    assert_string_equal(d.items[0].rule, URNE_RULE_TURNOUT_OUTLIER);
    assert_non_null(strstr(d.items[0].message, "turnout 90.00%, against 50.00%"));
    urne_diags_free(&d);
    urne_diags_init(&d, NULL);
    assert_int_equal(urne_results_turnout_outliers(r, 0, 45, &d), 0); /* 40 points is within 45 */
    urne_diags_free(&d);
    urne_round_free(r);
}

/* A bureau left out (annulled: reported with no votes) is neither judged nor part
 * of the rest of its unit. */
static void test_turnout_outlier_among(void **state) {
    static const char *const names[] = {"A", "B"};
    urne_round *r = test_round(2, names);
    int64_t normal[] = {240, 250}, none[] = {0, 0};
    test_sheet(r, "1", 1000, 5, 5, normal);
    test_sheet(r, "2", 1000, 5, 5, normal);
    test_sheet(r, "3", 1000, 5, 5, normal);
    test_sheet(r, "4", 1000, 0, 0, none); /* annulled: 0 votants */
    urne_diags d;
    urne_diags_init(&d, NULL);
    /* Judged, it is flagged, and its 0 % drags the rest down to 33.33 %: the
     * three others at 50 % are flagged too. */
    assert_int_equal(urne_results_turnout_outliers(r, 0, 15, &d), 4);
    urne_diags_free(&d);
    unsigned char among[] = {1, 1, 1, 0};
    urne_diags_init(&d, NULL);
    assert_int_equal(urne_results_turnout_outliers_among(r, 0, 15, among, &d), 0);
    assert_int_equal(d.count, 0);
    urne_diags_free(&d);
    /* Left out of the rest too: with it, bureau 5 at 90 % stands 52.5 points above
     * the others' 37.5 %; without it, 40 points above 50 %. */
    int64_t high[] = {440, 450};
    test_sheet(r, "5", 1000, 5, 5, high);
    unsigned char among5[] = {1, 1, 1, 0, 1};
    urne_diags_init(&d, NULL);
    assert_int_equal(urne_results_turnout_outliers_among(r, 0, 45, among5, &d), 0);
    urne_diags_free(&d);
    urne_diags_init(&d, NULL);
    assert_int_equal(urne_results_turnout_outliers_among(r, 0, 45, NULL, &d), 2); /* 5 and the annulled 4 */
    urne_diags_free(&d);
    urne_round_free(r);
}

/* ---- audit chain ---- */

static void make_chain(urne_audit_entry *e, char bodies[][32], size_t n) {
    for (size_t i = 0; i < n; i++) {
        snprintf(bodies[i], 32, "{\"n\":%zu}", i);
        e[i] = (urne_audit_entry){.at = "2026-11-23T20:00:00Z", .actor = "alice", .action = "sheet.enter",
                                  .object = "election/1/bureau/3", .before = "null", .after = bodies[i]};
        urne_audit_seal(&e[i], (int64_t)i, i ? e[i - 1].hash : NULL);
    }
}

static int64_t check_chain(const urne_audit_entry *e, size_t n, int64_t head_seq, const char *head, char *why) {
    urne_audit_check c;
    urne_audit_check_init(&c);
    for (size_t i = 0; i < n; i++)
        if (urne_audit_check_next(&c, &e[i]) < 0) break;
    urne_audit_check_end(&c, head_seq, head);
    strcpy(why, c.why);
    return c.bad_seq;
}

static void test_audit_chain(void **state) {
    urne_audit_entry e[5];
    char bodies[5][32], why[300];
    make_chain(e, bodies, 5);
    assert_string_equal(e[0].prev, URNE_AUDIT_GENESIS);
    assert_string_equal(e[1].prev, e[0].hash);
    assert_int_equal(e[4].seq, 5);
    assert_int_equal(check_chain(e, 5, 5, e[4].hash, why), 0);

    /* Altered content: named. */
    urne_audit_entry altered[5];
    memcpy(altered, e, sizeof e);
    altered[2].after = "{\"n\":99}";
    assert_int_equal(check_chain(altered, 5, 5, e[4].hash, why), 3);
    assert_non_null(strstr(why, "entry 3 was altered"));

    /* Altered and rehashed: the next link breaks. */
    urne_audit_hash(&altered[2], altered[2].hash);
    assert_int_equal(check_chain(altered, 5, 5, e[4].hash, why), 4);
    assert_non_null(strstr(why, "does not link"));

    /* A removed entry in the middle. */
    urne_audit_entry gap[4] = {e[0], e[1], e[3], e[4]};
    assert_int_equal(check_chain(gap, 4, 5, e[4].hash, why), 3);
    assert_non_null(strstr(why, "entry 3 was removed"));

    /* The last entry removed: only the recorded head tells. */
    assert_int_equal(check_chain(e, 4, 5, e[4].hash, why), 5);
    assert_non_null(strstr(why, "removed from the end"));

    /* Field boundaries are part of the hash: moving a character between fields changes it. */
    urne_audit_entry x = e[0], y = e[0];
    x.actor = "alic";
    x.action = "esheet.enter";
    char hx[URNE_AUDIT_HASH_HEX], hy[URNE_AUDIT_HASH_HEX];
    urne_audit_hash(&x, hx);
    urne_audit_hash(&y, hy);
    assert_string_not_equal(hx, hy);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_names_round_trip), cmocka_unit_test(test_entry_transitions),
        cmocka_unit_test(test_contest_and_decisions),  cmocka_unit_test(test_unit_states),
        cmocka_unit_test(test_figures_diff_and_sheet),
        cmocka_unit_test(test_figures_lifetime),
        cmocka_unit_test(test_turnout_outlier),
        cmocka_unit_test(test_turnout_outlier_among),
        cmocka_unit_test(test_audit_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
