/* Counts and percentages: parsing, exact half-up rounding, digit grouping. */
#include "helpers.h"

static void pct_is(urne_wide num, urne_wide den, const char *expect) {
    char buf[48];
    urne_num_pct(num, den, '.', buf, sizeof buf);
    assert_string_equal(buf, expect);
}

static void test_parse_count(void **state) {
    (void)state;
    int64_t v = -7;
    assert_int_equal(urne_num_parse_count("1155604", 7, &v), URNE_NUM_OK);
    assert_int_equal(v, 1155604);
    assert_int_equal(urne_num_parse_count("  42 ", 5, &v), URNE_NUM_OK);
    assert_int_equal(v, 42);
    assert_int_equal(urne_num_parse_count("0", 1, &v), URNE_NUM_OK);
    assert_int_equal(v, 0);
    assert_int_equal(urne_num_parse_count("-0", 2, &v), URNE_NUM_OK);
    assert_int_equal(urne_num_parse_count("", 0, &v), URNE_NUM_EMPTY);
    assert_int_equal(urne_num_parse_count("   ", 3, &v), URNE_NUM_EMPTY);
    assert_int_equal(urne_num_parse_count("-3", 2, &v), URNE_NUM_NEGATIVE);
    assert_int_equal(urne_num_parse_count("12,5", 4, &v), URNE_NUM_INVALID);
    assert_int_equal(urne_num_parse_count("1 000", 5, &v), URNE_NUM_INVALID);
    assert_int_equal(urne_num_parse_count("abc", 3, &v), URNE_NUM_INVALID);
    assert_int_equal(urne_num_parse_count("-", 1, &v), URNE_NUM_INVALID);
    assert_int_equal(urne_num_parse_count("9223372036854775807", 19, &v), URNE_NUM_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(urne_num_parse_count("9223372036854775808", 19, &v), URNE_NUM_OVERFLOW);
    v = 5;
    assert_int_equal(urne_num_parse_count("x", 1, &v), URNE_NUM_INVALID);
    assert_int_equal(v, 5); /* untouched on failure */
}

static void test_pct_official_figures(void **state) {
    (void)state;
    /* 2017 presidential round 1, France entière (Ministry): 24.01 and 21.30. */
    pct_is(8656346, 36054394, "24.01");
    pct_is(7678491, 36054394, "21.30");
    pct_is(37003728, 47582183, "77.77");
}

static void test_pct_half_up(void **state) {
    (void)state;
    pct_is(1, 8, "12.50");     /* exact */
    pct_is(1, 160, "0.63");    /* 0.625 -> up */
    pct_is(3, 160, "1.88");    /* 1.875 -> up */
    pct_is(1, 3, "33.33");
    pct_is(2, 3, "66.67");
    pct_is(1, 80000, "0.00");  /* 0.00125 -> down */
    pct_is(1, 20000, "0.01");  /* 0.005 -> up */
    pct_is(0, 10, "0.00");
    pct_is(10, 10, "100.00");
    pct_is(5, 0, "0.00");      /* no denominator: the Ministry prints zeros */
    char buf[48];
    urne_num_pct(1, 8, ',', buf, sizeof buf);
    assert_string_equal(buf, "12,50");
    /* Wide numerators (weighted colleges). */
    urne_wide big = (urne_wide)1 << 100;
    pct_is(big, big * 4, "25.00");
}

static void test_group(void **state) {
    (void)state;
    char buf[32];
    urne_num_group(1155604, buf, sizeof buf);
    assert_string_equal(buf, "1,155,604");
    urne_num_group(0, buf, sizeof buf);
    assert_string_equal(buf, "0");
    urne_num_group(999, buf, sizeof buf);
    assert_string_equal(buf, "999");
    urne_num_group(1000, buf, sizeof buf);
    assert_string_equal(buf, "1,000");
    urne_num_group(-1234567, buf, sizeof buf);
    assert_string_equal(buf, "-1,234,567");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_count),
        cmocka_unit_test(test_pct_official_figures),
        cmocka_unit_test(test_pct_half_up),
        cmocka_unit_test(test_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
