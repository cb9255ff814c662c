/* Aggregation up the territory tree: levels that do not nest, merging by group above
 * the contest level, partial units, and comparison with stated totals. */
#include "helpers.h"

/* Two contests (circonscriptions) with their own candidates; a commune straddles them. */
static urne_round *two_circos(void) {
    urne_round *r = urne_round_new();
    static const char *const levels[] = {"national", "circonscription", "commune", "bureau"};
    assert_int_equal(urne_round_set_levels(r, levels, 4, 1), 0);
    urne_round_add_contest(r, "c1", "1re circonscription");
    urne_round_add_candidate(r, "Alice", "ECO", NULL, NULL, 1);
    urne_round_add_candidate(r, "Bruno", "LR", NULL, NULL, 2);
    urne_round_add_contest(r, "c2", "2e circonscription");
    urne_round_add_candidate(r, "Chloé", "ECO", NULL, NULL, 1);
    urne_round_add_candidate(r, "David", "SOC", NULL, NULL, 2);
    urne_round_add_candidate(r, "Emma", "LR", NULL, NULL, 3);
    struct { size_t contest; const char *commune, *bureau; int64_t v[3]; } rows[] = {
        {0, "Lyon", "L1", {10, 20, 0}},
        {0, "Bron", "B1", {5, 5, 0}},
        {1, "Lyon", "L2", {7, 8, 9}},
    };
    for (size_t i = 0; i < 3; i++) {
        urne_sheet *s = urne_round_add_sheet(r, rows[i].contest);
        size_t n = r->contests[rows[i].contest].ncand;
        int64_t sum = 0;
        for (size_t j = 0; j < n; j++) s->votes[j] = rows[i].v[j], sum += rows[i].v[j];
        s->inscrits = 100;
        s->votants = sum + 1;
        s->nuls = 1;
        s->key[0] = urne_round_intern(r, "FE", 2);
        s->key[1] = r->contests[rows[i].contest].key;
        s->key[2] = urne_round_intern(r, rows[i].commune, strlen(rows[i].commune));
        s->key[3] = urne_round_intern(r, rows[i].bureau, strlen(rows[i].bureau));
        s->line = (long)i + 2;
    }
    return r;
}

static void test_levels_do_not_need_to_nest(void **state) {
    (void)state;
    urne_round *r = two_circos();
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 2, &t), 0); /* communes */
    assert_int_equal(t.nunits, 2);
    const urne_unit *lyon = urne_tally_find(&t, "Lyon");
    assert_non_null(lyon);
    assert_int_equal(lyon->sheets_expected, 2);
    assert_int_equal(lyon->inscrits, 200);
    assert_int_equal(lyon->exprimes, 54);
    /* Lyon spans two contests: lines are groups, summed across them. */
    assert_int_equal(lyon->contest, URNE_NONE);
    assert_int_equal(lyon->nlines, 3);
    assert_string_equal(lyon->lines[0].name, "ECO");
    assert_int_equal(lyon->lines[0].voix, 17);
    assert_string_equal(lyon->lines[1].name, "LR");
    assert_int_equal(lyon->lines[1].voix, 29);
    assert_string_equal(lyon->lines[2].name, "SOC");
    assert_int_equal(lyon->lines[2].voix, 8);
    /* Bron is in one contest: its own candidates, by name, with their groups. */
    const urne_unit *bron = urne_tally_find(&t, "Bron");
    assert_int_equal(bron->contest, 0);
    assert_int_equal(bron->nlines, 2);
    assert_string_equal(bron->lines[1].name, "Bruno");
    assert_string_equal(bron->lines[1].group, "LR");
    urne_tally_free(&t);
    assert_int_equal(urne_results_nests(r, 1, 2), 0);
    assert_int_equal(urne_results_nests(r, 2, 3), 1);
    assert_int_equal(urne_results_nests(r, 0, 1), 1);
    urne_round_free(r);
}

static void test_above_contest_level_lines_are_groups(void **state) {
    (void)state;
    urne_round *r = two_circos();
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 0, &t), 0);
    assert_int_equal(t.nunits, 1);
    const urne_unit *u = &t.units[0];
    assert_int_equal(u->nlines, 3);
    int64_t total = 0;
    for (size_t j = 0; j < u->nlines; j++) total += u->lines[j].voix;
    assert_int_equal(total, u->exprimes);
    assert_int_equal(u->exprimes, 64);
    urne_tally_free(&t);
    /* At the contest level itself: candidates. */
    assert_int_equal(urne_results_aggregate(r, 1, &t), 0);
    assert_int_equal(t.nunits, 2);
    assert_string_equal(t.units[1].lines[2].name, "Emma");
    assert_int_equal(t.units[1].lines[2].voix, 9);
    urne_tally_free(&t);
    urne_round_free(r);
}

static void test_partial_units(void **state) {
    (void)state;
    urne_round *r = two_circos();
    r->sheets[2].reported = 0;
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 2, &t), 0);
    const urne_unit *lyon = urne_tally_find(&t, "Lyon");
    assert_int_equal(lyon->sheets_expected, 2);
    assert_int_equal(lyon->sheets_reported, 1);
    assert_int_equal(lyon->inscrits, 100); /* only what is in */
    /* SOC stands only in the missing bureau's contest: listed, with no votes yet. */
    assert_int_equal(lyon->nlines, 3);
    assert_int_equal(lyon->lines[2].voix, 0);
    urne_tally_free(&t);
    urne_round_free(r);
}

static void test_bad_level(void **state) {
    (void)state;
    urne_round *r = two_circos();
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 9, &t), -1);
    assert_int_equal(urne_round_level(r, "COMMUNE"), 2);
    assert_int_equal(urne_round_level(r, "canton"), URNE_NONE);
    urne_round_free(r);
}

static void test_compare_reports_both_sides(void **state) {
    (void)state;
    urne_round *r = two_circos();
    urne_tally computed, stated;
    assert_int_equal(urne_results_aggregate(r, 1, &computed), 0);
    assert_int_equal(urne_results_aggregate(r, 1, &stated), 0);
    urne_diags d;
    urne_diags_init(&d, "t");
    assert_int_equal(urne_results_compare(&computed, &stated, "circonscription", "s.csv", &d), 0);
    stated.units[0].inscrits += 1;
    stated.units[1].lines[0].voix -= 2;
    stated.units[1].key = stated.units[1].label = "c9";
    assert_int_equal(urne_results_compare(&computed, &stated, "circonscription", "s.csv", &d), 3);
    assert_true(test_has_diag(&d, URNE_RULE_STATED_TOTAL, "s.csv states 201, the sum of its parts is 200 (difference +1)"));
    assert_true(test_has_diag(&d, URNE_RULE_STATED_TOTAL, "circonscription c9 is in s.csv but no sheet"));
    assert_true(test_has_diag(&d, URNE_RULE_STATED_TOTAL, "circonscription c2 has sheets but no stated total"));
    assert_int_equal(d.errors, 0); /* differences are reported, never fatal, never 'corrected' */
    urne_tally_free(&computed);
    urne_tally_free(&stated);
    urne_diags_free(&d);
    urne_round_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_do_not_need_to_nest),
        cmocka_unit_test(test_above_contest_level_lines_are_groups),
        cmocka_unit_test(test_partial_units),
        cmocka_unit_test(test_bad_level),
        cmocka_unit_test(test_compare_reports_both_sides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
