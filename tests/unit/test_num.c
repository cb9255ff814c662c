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

static void grouped_is(const char *s, urne_num_status want, int64_t value) {
    int64_t v = -7;
    urne_num_status st = urne_num_parse_grouped(s, strlen(s), &v);
    if (st != want) fail_msg("'%s': status %d, expected %d", s, (int)st, (int)want);
    assert_true(v == (want == URNE_NUM_OK ? value : -7)); /* untouched on failure */
}

/* Thousands separators as French spreadsheets write them: a space, U+00A0, U+202F. */
static void test_parse_grouped(void **state) {
    (void)state;
    grouped_is("1210", URNE_NUM_OK, 1210);
    grouped_is("1 210", URNE_NUM_OK, 1210);
    grouped_is("1\xC2\xA0" "210", URNE_NUM_OK, 1210);          /* no-break space */
    grouped_is("1\xE2\x80\xAF" "210", URNE_NUM_OK, 1210);      /* narrow no-break space */
    grouped_is("47 571 220", URNE_NUM_OK, 47571220);
    grouped_is("47\xE2\x80\xAF" "571\xE2\x80\xAF" "220", URNE_NUM_OK, 47571220);
    grouped_is(" 999 999 ", URNE_NUM_OK, 999999);
    grouped_is("\xC2\xA0" "12 000\xC2\xA0", URNE_NUM_OK, 12000); /* no-break blanks around it */
    grouped_is("0", URNE_NUM_OK, 0);
    grouped_is("9 223 372 036 854 775 807", URNE_NUM_OK, INT64_MAX);
    grouped_is("9 223 372 036 854 775 808", URNE_NUM_OVERFLOW, 0);
    grouped_is("-1 210", URNE_NUM_NEGATIVE, 0);
    grouped_is("12 34", URNE_NUM_GROUPING, 0);
    grouped_is("1 2345", URNE_NUM_GROUPING, 0);
    grouped_is("1234 567", URNE_NUM_GROUPING, 0);
    grouped_is("1  210", URNE_NUM_GROUPING, 0);
    grouped_is("1 21", URNE_NUM_GROUPING, 0);
    grouped_is("1 21a", URNE_NUM_INVALID, 0);
    grouped_is("Montval", URNE_NUM_INVALID, 0);
    grouped_is("Saint Priest", URNE_NUM_INVALID, 0);
    grouped_is("1,210", URNE_NUM_INVALID, 0); /* a decimal comma is no count */
    grouped_is("1\xC3\xA9", URNE_NUM_INVALID, 0);
    grouped_is("", URNE_NUM_EMPTY, 0);
    grouped_is("\xC2\xA0", URNE_NUM_EMPTY, 0);
    /* The strict reader is unchanged: options and metadata keep plain digits. */
    int64_t v;
    assert_int_equal(urne_num_parse_count("1 210", 5, &v), URNE_NUM_INVALID);
    char digits[32], groups[64];
    urne_num_grouping_parts("12\xC2\xA0" "34", 6, digits, sizeof digits, groups, sizeof groups);
    assert_string_equal(digits, "1234");
    assert_string_equal(groups, "2 + 2");
    urne_num_grouping_parts("-1 2345", 7, digits, sizeof digits, groups, sizeof groups);
    assert_string_equal(digits, "12345");
    assert_string_equal(groups, "1 + 4");
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
        cmocka_unit_test(test_parse_grouped),
        cmocka_unit_test(test_pct_official_figures),
        cmocka_unit_test(test_pct_half_up),
        cmocka_unit_test(test_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
