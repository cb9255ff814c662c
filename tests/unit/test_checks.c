/* Every check on a tally sheet, each with its own rule and figures in the message. */
#include "helpers.h"

static const char *const AB[] = {"Alice", "Bruno"};

static size_t check(urne_round *r, urne_diags *d) {
    urne_diags_init(d, "sheets.csv");
    return urne_results_check(r, d);
}

static void test_valid_sheet_passes(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    urne_diags d;
    assert_int_equal(check(r, &d), 0);
    assert_int_equal(d.warnings, 0);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_votants_above_inscrits(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    test_sheet(r, "1", 60, 2, 1, (int64_t[]){40, 30}); /* 73 votants, 60 inscrits */
    urne_diags d;
    assert_int_equal(check(r, &d), 1);
    assert_true(test_has_diag(&d, URNE_RULE_VOTANTS_LE_INSCRITS, "voters (73) exceed registered voters (60)"));
    assert_string_equal(d.items[0].field, "votants");
    assert_int_equal(d.items[0].line, 1);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_votants_equal_inscrits_is_fine(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    test_sheet(r, "1", 73, 2, 1, (int64_t[]){40, 30});
    urne_diags d;
    assert_int_equal(check(r, &d), 0);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_balance(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    urne_sheet *s = test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    s->votants = 74;
    urne_diags d;
    assert_int_equal(check(r, &d), 1);
    assert_true(test_has_diag(&d, URNE_RULE_VOTANTS_BALANCE, "= 73, but voters = 74"));
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_exprimes_sum(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    urne_sheet *s = test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    s->exprimes_stated = 71;
    urne_diags d;
    assert_int_equal(check(r, &d), 1);
    assert_true(test_has_diag(&d, URNE_RULE_EXPRIMES_SUM, "stated as 71, but the candidates' votes sum to 70"));
    s->exprimes_stated = -1; /* not stated: nothing to compare */
    urne_diags_free(&d);
    assert_int_equal(check(r, &d), 0);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_negative(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    urne_sheet *s = test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    s->votes[1] = -3;
    s->nuls = -1;
    urne_diags d;
    assert_int_equal(check(r, &d), 2); /* one per negative figure, no derived noise */
    assert_true(test_has_diag(&d, URNE_RULE_NEGATIVE, "Bruno has -3 votes"));
    assert_true(test_has_diag(&d, URNE_RULE_NEGATIVE, "nuls is -1"));
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_duplicate_bureau(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    test_sheet(r, "2", 100, 2, 1, (int64_t[]){40, 30});
    test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    urne_diags d;
    assert_int_equal(check(r, &d), 1);
    assert_true(test_has_diag(&d, URNE_RULE_DUPLICATE_BUREAU, "appears twice: first on line 1"));
    assert_int_equal(d.items[0].line, 3);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_unreported_sheet_not_checked(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    urne_sheet *s = test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    s->reported = 0;
    s->votants = 0; /* would fail the balance if it were checked */
    urne_diags d;
    assert_int_equal(check(r, &d), 0);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_missing_bureaux_reported(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    test_sheet(r, "2", 100, 2, 1, (int64_t[]){40, 30})->reported = 0;
    test_sheet(r, "3", 100, 2, 1, (int64_t[]){40, 30});
    urne_diags d;
    urne_diags_init(&d, "sheets.csv");
    assert_int_equal(urne_results_missing(r, &d), 1);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 2);
    assert_true(test_has_diag(&d, URNE_RULE_PARTIAL, "partial: 2 of 3 bureaux"));
    assert_true(test_has_diag(&d, URNE_RULE_PARTIAL, "bureau 2: no figures yet"));
    assert_int_equal(d.items[1].line, 2);
    urne_diags_free(&d);
    r->sheets[1].reported = 1;
    urne_diags_init(&d, "sheets.csv");
    assert_int_equal(urne_results_missing(r, &d), 0);
    assert_int_equal(d.warnings, 0);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_missing_college(void **state) {
    (void)state;
    urne_round *r = test_round(2, AB);
    urne_round_add_college(r, "Salariés", 50);
    urne_sheet *s = test_sheet(r, "1", 100, 2, 1, (int64_t[]){40, 30});
    urne_diags d;
    assert_int_equal(check(r, &d), 1);
    assert_true(test_has_diag(&d, URNE_RULE_MISSING_COLLEGE, NULL));
    s->college = 0;
    urne_diags_free(&d);
    assert_int_equal(check(r, &d), 0);
    urne_diags_free(&d);
    urne_round_free(r);
}

static void test_diag_format(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "pv.csv");
    urne_diags_add(&d, URNE_DIAG_ERROR, 12, "Inscrits", "count-format", "'abc' is not a whole number");
    char buf[256];
    urne_diag_format(&d, &d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "pv.csv:12: error: field 'Inscrits': 'abc' is not a whole number [count-format]");
    for (int i = 0; i < URNE_DIAG_MAX_KEPT + 5; i++) urne_diags_add(&d, URNE_DIAG_WARNING, 0, NULL, "x", "w");
    assert_int_equal(d.count, URNE_DIAG_MAX_KEPT);
    assert_int_equal(d.warnings, URNE_DIAG_MAX_KEPT + 5); /* counted even when not kept */
    urne_diags_free(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_sheet_passes),
        cmocka_unit_test(test_votants_above_inscrits),
        cmocka_unit_test(test_votants_equal_inscrits_is_fine),
        cmocka_unit_test(test_balance),
        cmocka_unit_test(test_exprimes_sum),
        cmocka_unit_test(test_negative),
        cmocka_unit_test(test_duplicate_bureau),
        cmocka_unit_test(test_unreported_sheet_not_checked),
        cmocka_unit_test(test_missing_bureaux_reported),
        cmocka_unit_test(test_missing_college),
        cmocka_unit_test(test_diag_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
