/* Rules and outcomes, edges included: exactly 50 %, exactly 25 % and 12.5 % of
 * inscrits, ties, zero exprimés, blank majority, one candidate, weighted colleges. */
#include "helpers.h"

static const char *const ABC[] = {"Alice", "Bruno", "Chloé", "David"};

static urne_rules preset(const char *name) {
    urne_rules r;
    assert_int_equal(urne_rules_preset(name, &r), 0);
    return r;
}

/* One bureau with the given inscrits, blancs and votes for the first n candidates. */
static urne_round *one(size_t n, int64_t inscrits, int64_t blancs, const int64_t *votes, int round_number) {
    urne_round *r = test_round(n, ABC);
    test_sheet(r, "1", inscrits, blancs, 0, votes);
    r->number = round_number;
    return r;
}

#define EXPECT(r, rules, kind, who)                                      \
    do {                                                                 \
        char chosen_[256];                                               \
        assert_int_equal(test_decide((r), (rules), chosen_, sizeof chosen_), (kind)); \
        assert_string_equal(chosen_, (who));                             \
    } while (0)

static void test_presets(void **state) {
    (void)state;
    urne_rules r;
    assert_int_equal(urne_rules_preset("nonsense", &r), -1);
    const char *names[] = {"presidential", "legislative", "primary", "party", "coop", "single"};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(urne_rules_preset(names[i], &r), 0);
        assert_string_equal(r.preset, names[i]);
        assert_non_null(strstr(urne_rules_preset_names(), names[i]));
    }
}

static void test_presidential_majority(void **state) {
    (void)state;
    urne_rules p = preset("presidential");
    urne_round *r = one(3, 1000, 0, (int64_t[]){51, 30, 19}, 1);
    EXPECT(r, &p, URNE_OUTCOME_ELECTED, "Alice");
    urne_round_free(r);
    /* Exactly 50 % of valid votes is not an absolute majority. */
    r = one(3, 1000, 0, (int64_t[]){50, 30, 20}, 1);
    EXPECT(r, &p, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno");
    urne_round_free(r);
    /* 50 % plus one vote is. */
    r = one(3, 1000, 0, (int64_t[]){51, 30, 20}, 1);
    EXPECT(r, &p, URNE_OUTCOME_ELECTED, "Alice");
    urne_round_free(r);
}

static void test_presidential_ties(void **state) {
    (void)state;
    urne_rules p = preset("presidential");
    /* A tie for second place leaves the round-2 pair open. */
    urne_round *r = one(3, 1000, 0, (int64_t[]){40, 30, 30}, 1);
    EXPECT(r, &p, URNE_OUTCOME_TIE, "Alice, Bruno, Chloé");
    urne_round_free(r);
    /* A tie for first place between two still sends both. */
    r = one(3, 1000, 0, (int64_t[]){40, 40, 20}, 1);
    EXPECT(r, &p, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno");
    urne_round_free(r);
    /* Round 2: equal votes, no rule to settle it. */
    r = one(2, 1000, 0, (int64_t[]){300, 300}, 2);
    EXPECT(r, &p, URNE_OUTCOME_TIE, "Alice, Bruno");
    urne_round_free(r);
    /* Round 2: relative majority. */
    r = one(2, 1000, 5, (int64_t[]){301, 300}, 2);
    EXPECT(r, &p, URNE_OUTCOME_ELECTED, "Alice");
    urne_round_free(r);
}

static void test_legislative_quarter_of_inscrits(void **state) {
    (void)state;
    urne_rules l = preset("legislative");
    /* Majority, and exactly 25 % of inscrits: elected. */
    urne_round *r = one(2, 400, 0, (int64_t[]){100, 60}, 1);
    EXPECT(r, &l, URNE_OUTCOME_ELECTED, "Alice");
    urne_round_free(r);
    /* Majority but one vote short of 25 % of inscrits: round 2 (Bruno 60 >= 12.5 % of 404). */
    r = one(2, 404, 0, (int64_t[]){100, 60}, 1);
    EXPECT(r, &l, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno");
    urne_round_free(r);
}

static void test_legislative_eighth_of_inscrits(void **state) {
    (void)state;
    urne_rules l = preset("legislative");
    /* 800 inscrits: 12.5 % is 100 votes exactly. Three reach it: a triangular race. */
    urne_round *r = one(4, 800, 0, (int64_t[]){200, 150, 100, 99}, 1);
    EXPECT(r, &l, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno, Chloé");
    urne_round_free(r);
    /* Only one reaches 12.5 %: the runner-up goes too (at least the top two). */
    r = one(4, 2000, 0, (int64_t[]){300, 120, 110, 100}, 1);
    EXPECT(r, &l, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno");
    urne_round_free(r);
    /* None reaches it: the top two. */
    r = one(3, 5000, 0, (int64_t[]){300, 200, 100}, 1);
    EXPECT(r, &l, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno");
    urne_round_free(r);
}

static void test_legislative_round2_tie_goes_to_older(void **state) {
    (void)state;
    urne_rules l = preset("legislative");
    urne_round *r = urne_round_new();
    static const char *const levels[] = {"national", "bureau"};
    urne_round_set_levels(r, levels, 2, 0);
    urne_round_add_contest(r, "c", "c");
    urne_round_add_candidate(r, "Alice", NULL, "F", "1980-02-01", 1);
    urne_round_add_candidate(r, "Bruno", NULL, "M", "1961-07-14", 2);
    urne_round_add_candidate(r, "Chloé", NULL, "F", "1990-01-01", 3);
    test_sheet(r, "1", 1000, 0, 0, (int64_t[]){250, 250, 100});
    r->number = 2;
    EXPECT(r, &l, URNE_OUTCOME_ELECTED, "Bruno");
    /* Without a birth date the tie stays a tie. */
    r->candidates[1].birth_date = NULL;
    EXPECT(r, &l, URNE_OUTCOME_TIE, "Alice, Bruno");
    urne_round_free(r);
}

static void test_zero_exprimes_and_one_candidate(void **state) {
    (void)state;
    urne_rules p = preset("presidential");
    urne_round *r = one(2, 100, 5, (int64_t[]){0, 0}, 1);
    EXPECT(r, &p, URNE_OUTCOME_UNDECIDED, "");
    urne_round_free(r);
    r = one(1, 100, 5, (int64_t[]){10}, 1);
    EXPECT(r, &p, URNE_OUTCOME_ELECTED, "Alice");
    urne_round_free(r);
    /* A single candidate short of 25 % of inscrits goes to round 2 alone. */
    urne_rules l = preset("legislative");
    r = one(1, 100, 5, (int64_t[]){10}, 1);
    EXPECT(r, &l, URNE_OUTCOME_SECOND_ROUND, "Alice");
    urne_round_free(r);
}

static void test_blank_recognised(void **state) {
    (void)state;
    urne_rules p = preset("presidential");
    p.blank_recognised = 1;
    /* Blank holds 101 of 200 exprimés: void. */
    urne_round *r = one(2, 300, 101, (int64_t[]){60, 39}, 1);
    EXPECT(r, &p, URNE_OUTCOME_VOID, "");
    urne_round_free(r);
    /* Exactly half blank: not void, and Alice's 60 of 200 is no majority. */
    r = one(2, 300, 100, (int64_t[]){60, 40}, 1);
    EXPECT(r, &p, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno");
    urne_round_free(r);
    /* Without recognition the same figures elect Alice (60 of 100). */
    p.blank_recognised = 0;
    r = one(2, 300, 100, (int64_t[]){60, 40}, 1);
    EXPECT(r, &p, URNE_OUTCOME_ELECTED, "Alice");
    urne_round_free(r);
}

static void test_partial_is_undecided(void **state) {
    (void)state;
    urne_rules p = preset("party");
    urne_round *r = test_round(2, ABC);
    test_sheet(r, "1", 100, 0, 0, (int64_t[]){60, 20});
    urne_sheet *s = test_sheet(r, "2", 100, 0, 0, (int64_t[]){0, 0});
    s->reported = 0;
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_outcome *o;
    assert_int_equal(urne_results_decide(r, &p, &o, &d), 0);
    assert_int_equal(o[0].kind, URNE_OUTCOME_UNDECIDED);
    assert_int_equal(o[0].sheets_reported, 1);
    assert_int_equal(o[0].sheets_expected, 2);
    assert_non_null(strstr(o[0].reason, "Partial: 1 of 2 bureaux"));
    urne_outcomes_free(o, r->ncontests);
    urne_diags_free(&d);
    urne_round_free(r);
}

/* Four colleges of 50, 20, 20 and 10 %: each college's shares weighted. */
static void test_colleges(void **state) {
    (void)state;
    urne_rules c = preset("coop");
    static const char *const opts[] = {"Pour", "Contre"};
    urne_round *r = test_round(2, opts);
    urne_round_add_college(r, "Salariés", 50);
    urne_round_add_college(r, "Usagers", 20);
    urne_round_add_college(r, "Collectivités", 20);
    urne_round_add_college(r, "Soutiens", 10);
    /* Salariés 9/20 Pour, Usagers 101/134, Collectivités 3/3, Soutiens 20/28:
     * 0.5*0.45 + 0.2*101/134 + 0.2*1 + 0.1*20/28 = 0.647175... */
    int64_t v[4][2] = {{9, 11}, {101, 33}, {3, 0}, {20, 8}};
    for (int g = 0; g < 4; g++) {
        char b[8];
        snprintf(b, sizeof b, "%d", g);
        test_sheet(r, b, 500, 1, 0, v[g])->college = (size_t)g;
    }
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_outcome *o;
    assert_int_equal(urne_results_decide(r, &c, &o, &d), 0);
    assert_int_equal(o[0].kind, URNE_OUTCOME_ELECTED);
    assert_string_equal(r->candidates[o[0].chosen[0]].name, "Pour");
    char pct[48];
    urne_num_pct(o[0].ranked[0].share, o[0].share_den, '.', pct, sizeof pct);
    assert_string_equal(pct, "64.72");
    urne_num_pct(o[0].ranked[1].share, o[0].share_den, '.', pct, sizeof pct);
    assert_string_equal(pct, "35.28");
    /* Raw votes would say otherwise: 133 Pour vs 52 Contre is 71.89 %. */
    assert_int_equal(o[0].ranked[0].voix, 133);
    urne_outcomes_free(o, r->ncontests);
    /* Flip the big college hard the other way: Contre carries despite fewer raw votes. */
    r->sheets[0].votes[0] = 0;
    r->sheets[0].votes[1] = 20;
    r->sheets[2].votes[0] = 0;
    r->sheets[2].votes[1] = 3;
    assert_int_equal(urne_results_decide(r, &c, &o, &d), 0);
    assert_string_equal(r->candidates[o[0].chosen[0]].name, "Contre");
    assert_true(o[0].ranked[1].voix > o[0].ranked[0].voix);
    urne_outcomes_free(o, r->ncontests);
    /* A college with no votes has its weight shared out: weights 20+20+10 remain. */
    for (int j = 0; j < 2; j++) r->sheets[0].votes[j] = 0;
    r->sheets[0].votants = r->sheets[0].blancs;
    assert_int_equal(urne_results_decide(r, &c, &o, &d), 0);
    urne_num_pct(o[0].ranked[0].share, o[0].share_den, '.', pct, sizeof pct);
    /* Contre: (20*33/134 + 20*3/3 + 10*8/28)/50 = 27.78251.../50 = 55.565... % -> 55.57 */
    assert_string_equal(r->candidates[o[0].ranked[0].candidate].name, "Contre");
    assert_string_equal(pct, "55.57");
    urne_outcomes_free(o, r->ncontests);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_colleges_required(void **state) {
    (void)state;
    urne_rules c = preset("coop");
    urne_round *r = one(2, 100, 0, (int64_t[]){10, 5}, 1);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_outcome *o;
    assert_int_equal(urne_results_decide(r, &c, &o, &d), -1);
    assert_true(test_has_diag(&d, URNE_RULE_MISSING_COLLEGE, "declares none"));
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_coop_needs_majority(void **state) {
    (void)state;
    urne_rules c = preset("coop");
    static const char *const opts[] = {"A", "B", "C"};
    urne_round *r = test_round(3, opts);
    urne_round_add_college(r, "Tous", 1);
    test_sheet(r, "1", 100, 0, 0, (int64_t[]){40, 35, 25})->college = 0;
    EXPECT(r, &c, URNE_OUTCOME_UNDECIDED, "");
    urne_round_free(r);
}

static void test_single_round(void **state) {
    (void)state;
    urne_rules s = preset("single");
    urne_round *r = one(3, 100, 0, (int64_t[]){40, 35, 25}, 1);
    EXPECT(r, &s, URNE_OUTCOME_ELECTED, "Alice");
    urne_round_free(r);
}

static void test_rules_set(void **state) {
    (void)state;
    char why[400];
    urne_phrase reason;
    urne_rules r = preset("legislative"), base = preset("legislative");
    assert_true(urne_rules_equal(&r, &base));
    struct { const char *key, *value; int ok; } cases[] = {
        {"rounds", "1", 1},          {"rounds", "3", 0},        {"qualify-top", "3", 1},
        {"qualify-top", "0", 0},     {"win-inscrits", "0", 1},  {"win-inscrits", "x", 0},
        {"qualify-inscrits", "10", 1}, {"tie", "report", 1},   {"tie", "coin", 0},
        {"final-majority", "yes", 1}, {"final-majority", "1", 0}, {"blank", "recognised", 1},
        {"blank", "maybe", 0},       {"colour", "red", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        why[0] = '\0';
        memset(&reason, 0, sizeof reason);
        int rc = urne_rules_set(&r, cases[i].key, cases[i].value, &reason);
        assert_int_equal(rc, cases[i].ok ? 0 : -1);
        if (!cases[i].ok) { /* a code with parameters, saying what is accepted */
            assert_non_null(reason.fmt);
            urne_phrase_write(&reason, NULL, NULL, why, sizeof why);
            assert_true(strlen(why) > 10);
        }
    }
    assert_int_equal(r.rounds, 1);
    assert_int_equal(r.qualify_top, 3);
    assert_int_equal(r.win_inscrits_den, 0);
    assert_int_equal(r.qualify_inscrits_den, 10);
    assert_int_equal(r.tie, URNE_TIE_REPORT);
    assert_true(r.final_needs_majority);
    assert_true(r.blank_recognised);
    assert_false(urne_rules_equal(&r, &base));
    assert_true(strstr(why, "unknown rule 'colour'") != NULL);
    /* The setting refused is a parameter, not part of the code (the format). */
    assert_int_equal(urne_rules_set(&r, "tie", "coin", &reason), -1);
    assert_null(strstr(reason.fmt, "coin"));
    urne_phrase_write(&reason, NULL, NULL, why, sizeof why);
    assert_string_equal(why, "'tie=coin': tie is 'older' (the older candidate wins) or 'report' (the tie is the outcome)");
}

/* Adjusted rules change outcomes as they say. */
static void test_adjusted_rules_decide(void **state) {
    (void)state;
    /* Legislative without the quarter-of-inscrits condition: elected with a majority alone. */
    urne_rules l = preset("legislative");
    urne_phrase reason;
    urne_round *r = one(2, 404, 0, (int64_t[]){100, 60}, 1);
    EXPECT(r, &l, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno");
    assert_int_equal(urne_rules_set(&l, "win-inscrits", "0", &reason), 0);
    EXPECT(r, &l, URNE_OUTCOME_ELECTED, "Alice");
    urne_round_free(r);
    /* Three go on when qualify-top is 3. */
    urne_rules p = preset("presidential");
    assert_int_equal(urne_rules_set(&p, "qualify-top", "3", &reason), 0);
    r = one(4, 1000, 0, (int64_t[]){40, 30, 20, 10}, 1);
    EXPECT(r, &p, URNE_OUTCOME_SECOND_ROUND, "Alice, Bruno, Chloé");
    urne_round_free(r);
    /* One round: relative majority; with final-majority, none. */
    urne_rules one_round = preset("presidential");
    assert_int_equal(urne_rules_set(&one_round, "rounds", "1", &reason), 0);
    r = one(3, 1000, 0, (int64_t[]){40, 35, 25}, 1);
    EXPECT(r, &one_round, URNE_OUTCOME_ELECTED, "Alice");
    assert_int_equal(urne_rules_set(&one_round, "final-majority", "yes", &reason), 0);
    EXPECT(r, &one_round, URNE_OUTCOME_UNDECIDED, "");
    urne_round_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_presets),
        cmocka_unit_test(test_presidential_majority),
        cmocka_unit_test(test_presidential_ties),
        cmocka_unit_test(test_legislative_quarter_of_inscrits),
        cmocka_unit_test(test_legislative_eighth_of_inscrits),
        cmocka_unit_test(test_legislative_round2_tie_goes_to_older),
        cmocka_unit_test(test_zero_exprimes_and_one_candidate),
        cmocka_unit_test(test_blank_recognised),
        cmocka_unit_test(test_partial_is_undecided),
        cmocka_unit_test(test_colleges),
        cmocka_unit_test(test_colleges_required),
        cmocka_unit_test(test_coop_needs_majority),
        cmocka_unit_test(test_single_round),
        cmocka_unit_test(test_rules_set),
        cmocka_unit_test(test_adjusted_rules_decide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
