/*
 * test_initiative_sample: the authority's sample (src/initiative/sample.h).
 * The draw: sorted, distinct, within the population, the same for the same seed,
 * every position equally likely (counted over 30,000 seeds), the whole population
 * when asked for it. The projection: its refusals, the whole population checked
 * (no interval), Wilson's interval with the finite population correction against
 * figures computed apart (Python, the formula of sample.h), the interval holding
 * the projection, reaching the population when every signature checked is valid,
 * and narrowing as the sample grows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/initiative/sample.h"

static void test_draw(void **state) {
    (void)state;
    uint64_t a[50], b[50];
    assert_int_equal(urne_initiative_sample_draw(1000, 50, 42, a), 0);
    for (int i = 0; i < 50; i++) {
        assert_true(a[i] < 1000);
        if (i) assert_true(a[i] > a[i - 1]); /* sorted, so distinct */
    }
    assert_int_equal(urne_initiative_sample_draw(1000, 50, 42, b), 0);
    assert_memory_equal(a, b, sizeof a); /* the seed replays it */
    assert_int_equal(urne_initiative_sample_draw(1000, 50, 43, b), 0);
    assert_memory_not_equal(a, b, sizeof a);
    assert_int_equal(urne_initiative_sample_draw(5, 5, 7, a), 0);
    for (uint64_t i = 0; i < 5; i++) assert_int_equal(a[i], i);
    assert_int_equal(urne_initiative_sample_draw(5, 6, 7, a), -1);
    assert_int_equal(urne_initiative_sample_draw(0, 0, 7, NULL), 0);
}

static void test_draw_uniform(void **state) {
    (void)state;
    int64_t hits[10] = {0};
    uint64_t s[3];
    for (uint64_t seed = 0; seed < 30000; seed++) {
        assert_int_equal(urne_initiative_sample_draw(10, 3, seed, s), 0);
        for (int k = 0; k < 3; k++) hits[s[k]]++;
    }
    for (int i = 0; i < 10; i++) /* 9,000 expected each; a standard deviation is some 80 */
        assert_true(hits[i] > 8600 && hits[i] < 9400);
}

static void test_project_refusals(void **state) {
    (void)state;
    urne_initiative_projection p;
    assert_int_equal(urne_initiative_project(100, 0, 0, &p), URNE_INITIATIVE_PROJECT_EMPTY);
    assert_int_equal(urne_initiative_project(100, 10, 11, &p), URNE_INITIATIVE_PROJECT_BOUNDS);
    assert_int_equal(urne_initiative_project(100, 101, 50, &p), URNE_INITIATIVE_PROJECT_BOUNDS);
    assert_int_equal(urne_initiative_project(-1, 0, 0, &p), URNE_INITIATIVE_PROJECT_BOUNDS);
    assert_int_equal(urne_initiative_project(100, 10, -1, &p), URNE_INITIATIVE_PROJECT_BOUNDS);
}

static void test_project_figures(void **state) {
    (void)state;
    static const struct {
        int64_t population, size, valid, share_bp, projected, low, high;
    } cases[] = {
        {1000000, 1000, 950, 9500, 950000, 934694, 961865},
        {4717396, 2000, 1987, 9935, 4686733, 4665088, 4699456}, /* the RIP of 2019's signatures */
        {100000, 500, 500, 10000, 100000, 99241, 100000},       /* all valid: an interval still */
        {1000, 999, 900, 9009, 901, 900, 902},                  /* nearly all checked: narrow */
        {1000, 1000, 900, 9000, 900, 900, 900},                 /* all checked: exact */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        urne_initiative_projection p;
        assert_int_equal(urne_initiative_project(cases[i].population, cases[i].size, cases[i].valid, &p),
                         URNE_INITIATIVE_PROJECT_OK);
        assert_int_equal(p.share_bp, cases[i].share_bp);
        assert_int_equal(p.projected, cases[i].projected);
        assert_int_equal(p.low, cases[i].low);
        assert_int_equal(p.high, cases[i].high);
        assert_true(p.low <= p.projected && p.projected <= p.high && p.high <= p.population);
    }
}

static void test_project_narrows(void **state) {
    (void)state;
    int64_t width = INT64_MAX;
    for (int64_t n = 100; n <= 100000; n *= 10) {
        urne_initiative_projection p;
        assert_int_equal(urne_initiative_project(1000000, n, n * 9 / 10, &p), URNE_INITIATIVE_PROJECT_OK);
        assert_int_equal(p.projected, 900000);
        assert_true(p.high - p.low < width);
        width = p.high - p.low;
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draw),
        cmocka_unit_test(test_draw_uniform),
        cmocka_unit_test(test_project_refusals),
        cmocka_unit_test(test_project_figures),
        cmocka_unit_test(test_project_narrows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
