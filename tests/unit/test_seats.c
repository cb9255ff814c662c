/* Seats for lists: the textbook example (100,000 / 80,000 / 30,000 / 20,000 votes, 8
 * seats) under each method, thresholds, the French municipal rule, and the property that
 * exactly the seats available are handed out. */
#include "helpers.h"
#include "../../src/count/count.h"
#include "../../src/io/ballots_io.h"

static void lists(urne_ballots *b, const int64_t *votes, size_t n) {
    static const char *const names[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
    assert_int_equal(urne_ballots_init(b, n, names), 0);
    for (uint16_t i = 0; i < n; i++) assert_int_equal(urne_ballots_add(b, votes[i], &i, NULL, 1), 0);
}

static void expect_seats(urne_seat_method m, const int64_t *votes, size_t n, size_t seats, int64_t bp, int round,
                         const int64_t *expect) {
    urne_ballots b;
    lists(&b, votes, n);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_seats(&b, m, seats, bp, round, 1, &r, &d), 0);
    for (size_t i = 0; i < n; i++)
        if (r.seats_won[i] != expect[i])
            fail_msg("method %d, list %zu: %lld seats, expected %lld", (int)m, i, (long long)r.seats_won[i],
                     (long long)expect[i]);
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_ballots_free(&b);
}

static const int64_t textbook[] = {100000, 80000, 30000, 20000};

static void test_dhondt(void **state) {
    (void)state;
    expect_seats(URNE_SEATS_DHONDT, textbook, 4, 8, 0, 1, (int64_t[]){4, 3, 1, 0});
}

static void test_sainte_lague(void **state) {
    (void)state;
    expect_seats(URNE_SEATS_SAINTE_LAGUE, textbook, 4, 8, 0, 1, (int64_t[]){3, 3, 1, 1});
}

static void test_hare(void **state) {
    (void)state;
    /* quotas 3.48, 2.78, 1.04, 0.70: 3+2+1+0, remainders to B (.78) and D (.70) */
    expect_seats(URNE_SEATS_HARE, textbook, 4, 8, 0, 1, (int64_t[]){3, 3, 1, 1});
}

static void test_threshold(void **state) {
    (void)state;
    /* D has 8.7 %: out under a 10 % threshold, in under 5 % */
    expect_seats(URNE_SEATS_HARE, textbook, 4, 8, 1000, 1, (int64_t[]){4, 3, 1, 0});
    expect_seats(URNE_SEATS_SAINTE_LAGUE, textbook, 4, 8, 500, 1, (int64_t[]){3, 3, 1, 1});
    /* exactly at the threshold is in: 20,000 of 200,000 is 10 % */
    expect_seats(URNE_SEATS_DHONDT, (int64_t[]){100000, 80000, 20000}, 3, 10, 1000, 1, (int64_t[]){5, 4, 1});
}

static void test_municipal(void **state) {
    (void)state;
    /* 29 seats: 15 bonus to A (52 %), 14 by D'Hondt among A, B, C (D under 5 %) as if no
     * bonus: A 8, B 4, C 2. */
    expect_seats(URNE_SEATS_MUNICIPAL, (int64_t[]){520, 300, 140, 40}, 4, 29, 0, 1, (int64_t[]){23, 4, 2, 0});
    /* 3 seats: the bonus is rounded down (1), 4 seats: 2 */
    expect_seats(URNE_SEATS_MUNICIPAL, (int64_t[]){600, 400}, 2, 3, 0, 1, (int64_t[]){2, 1});
    expect_seats(URNE_SEATS_MUNICIPAL, (int64_t[]){600, 400}, 2, 4, 0, 1, (int64_t[]){3, 1});
    /* round 2: relative majority is enough */
    expect_seats(URNE_SEATS_MUNICIPAL, (int64_t[]){450, 350, 200}, 3, 15, 0, 2, (int64_t[]){11, 3, 1});
    /* round 1 without an absolute majority: refused, with the reason */
    urne_ballots b;
    lists(&b, (int64_t[]){450, 350, 200}, 3);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_seats(&b, URNE_SEATS_MUNICIPAL, 15, 0, 1, 1, &r, &d), -1);
    assert_true(test_has_diag(&d, "no-majority", "a second round is needed"));
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_ballots_free(&b);
}

/* Thousands of seeded vote sets: every method hands out exactly the seats available,
 * and a list with more votes never has fewer seats (highest averages, largest remainder). */
static void test_seats_add_up(void **state) {
    (void)state;
    urne_lot lot;
    urne_lot_init(&lot, 99);
    for (int e = 0; e < 3000; e++) {
        size_t n = 2 + urne_lot_below(&lot, 7), seats = 1 + urne_lot_below(&lot, 60);
        int64_t votes[8];
        for (size_t i = 0; i < n; i++) votes[i] = 1 + (int64_t)urne_lot_below(&lot, 100000);
        urne_ballots b;
        lists(&b, votes, n);
        for (int m = 0; m < 4; m++) {
            urne_diags d;
            urne_diags_init(&d, "t");
            urne_count_result r;
            int rc = urne_count_seats(&b, (urne_seat_method)m, seats, 0, 2, (uint64_t)e, &r, &d);
            if (rc == 0) {
                int64_t total = 0;
                for (size_t i = 0; i < n; i++) total += r.seats_won[i];
                if (total != (int64_t)seats) fail_msg("election %d method %d: %lld seats of %zu", e, m, (long long)total, seats);
                if (m != URNE_SEATS_MUNICIPAL)
                    for (size_t i = 0; i < n; i++)
                        for (size_t j = 0; j < n; j++)
                            if (votes[i] > votes[j] && r.seats_won[i] < r.seats_won[j])
                                fail_msg("election %d method %d: more votes, fewer seats", e, m);
            } else {
                assert_int_equal(m, URNE_SEATS_MUNICIPAL); /* only a tie for the bonus can refuse */
            }
            urne_count_result_free(&r);
            urne_diags_free(&d);
        }
        urne_ballots_free(&b);
    }
}

/* The text format: names, counts, equal ranks, and its mistakes. */
static void test_text_ballots(void **state) {
    (void)state;
    const char *t = "# title: Bureau\n# seats: 2\n12: Alice > Bruno = Chloé\nBruno > Alice\n3: Chloé\n\n# comment\n";
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_ballots b;
    assert_int_equal(urne_io_parse_ballots(t, strlen(t), URNE_BFMT_AUTO, URNE_ENC_AUTO, &b, &d), 0);
    assert_int_equal(b.ncand, 3);
    assert_string_equal(b.names[2], "Chloé");
    assert_string_equal(b.title, "Bureau");
    assert_int_equal(b.seats, 2);
    assert_int_equal(b.total, 16);
    assert_int_equal(b.tied[b.start[0] + 2], 1); /* Chloé equal to Bruno */
    urne_ballots_free(&b);
    struct { const char *text, *rule, *needle; long line; } bad[] = {
        {"# candidates: A, B\n2: A > C\n", "unknown-candidate", "'C' is not among the declared candidates", 2},
        {"A > B > A\n", "repeated-rank", "'A' is ranked twice", 1},
        {"A > > B\n", "text-format", "an empty place in the ranking", 1},
        {"# seats: none\nA\n", "text-format", "seats is a whole number", 1},
        {"99999999999999999999: A\n", "text-format", "the count before ':' must be a whole number", 1},
        {"# only comments\n", "empty-file", "no candidate", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        urne_diags_init(&d, "t");
        assert_int_equal(urne_io_parse_text_ballots(bad[i].text, strlen(bad[i].text), URNE_ENC_AUTO, &b, &d), -1);
        if (!test_has_diag(&d, bad[i].rule, bad[i].needle)) fail_msg("case %zu: no [%s] '%s'", i, bad[i].rule, bad[i].needle);
        assert_int_equal(d.items[0].line, bad[i].line);
        assert_int_equal(d.errors, 1); /* once, not once per pass */
        urne_diags_free(&d);
    }
}

/* Colleges: each college's ballots weigh its share, exactly. */
static void test_text_colleges(void **state) {
    (void)state;
    const char *t = "# college: S; weight 50\n# college: U; weight 20\n# college: C; weight 20\n# college: T; weight 10\n"
                    "[S] 9: Pour\n[S] 11: Contre\n[U] 101: Pour\n[U] 33: Contre\n[C] 3: Pour\n[T] 20: Pour\n[T] 8: Contre\n";
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_ballots b;
    assert_int_equal(urne_io_parse_text_ballots(t, strlen(t), URNE_ENC_AUTO, &b, &d), 0);
    assert_int_equal(b.voters, 185);
    /* lcm(20, 134, 3, 28) = 28140: a voter of S weighs 50 x 28140 / 20 = 70350 ... */
    assert_int_equal(b.total, 2814000);
    urne_count_result r;
    assert_int_equal(urne_count_plurality(&b, 1, &r, &d), 0);
    assert_int_equal(r.stages[0].votes[0], 9 * 70350 + 101 * 4200 + 3 * 187600 + 20 * 10050); /* Pour, 64.7175 % */
    assert_int_equal(r.stages[0].votes[0] + r.stages[0].votes[1], 2814000);
    urne_count_result_free(&r);
    urne_ballots_free(&b);
    struct { const char *text, *rule, *needle; long line; } bad[] = {
        {"# college: S; weight 50\n[X] 3: A\n", "unknown-college", "'X' is not a declared college", 2},
        {"# college: S; weight 50\n3: A\n", "text-format", "every ballot line starts with its [college]", 2},
        {"# college: S; weight lots\n[S] 3: A\n", "text-format", "'# college: NAME; weight N'", 1},
        {"# college: S; weight 5\n[S 3: A\n", "text-format", "a '[' is left open", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        urne_diags_init(&d, "t");
        assert_int_equal(urne_io_parse_text_ballots(bad[i].text, strlen(bad[i].text), URNE_ENC_AUTO, &b, &d), -1);
        if (!test_has_diag(&d, bad[i].rule, bad[i].needle)) fail_msg("case %zu: no [%s] '%s'", i, bad[i].rule, bad[i].needle);
        assert_int_equal(d.items[0].line, bad[i].line);
        urne_diags_free(&d);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhondt),     cmocka_unit_test(test_sainte_lague), cmocka_unit_test(test_hare),
        cmocka_unit_test(test_threshold),  cmocka_unit_test(test_municipal),    cmocka_unit_test(test_seats_add_up),
        cmocka_unit_test(test_text_ballots), cmocka_unit_test(test_text_colleges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
