/* Plurality, two rounds, Borda and IRV: textbook examples, a real IRV election, and
 * the property that Scottish STV for one seat elects the IRV winner. */
#include "helpers.h"
#include "../../src/count/count.h"
#include "../../src/io/ballots_io.h"

typedef int (*method_fn)(const urne_ballots *, uint64_t, urne_count_result *, urne_diags *);

static size_t winner(method_fn m, const urne_ballots *b, uint64_t seed) {
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(m(b, seed, &r, &d), 0);
    assert_true(r.nwinners >= 1);
    size_t w = r.winners[0];
    urne_count_result_free(&r);
    urne_diags_free(&d);
    return w;
}

/* Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17: each method's answer. */
static void test_tennessee(void **state) {
    (void)state;
    urne_ballots b;
    test_tennessee_ballots(&b);
    assert_int_equal(winner(urne_count_plurality, &b, 1), 0);  /* Memphis */
    assert_int_equal(winner(urne_count_two_round, &b, 1), 1);  /* Nashville beats Memphis 58-42 */
    assert_int_equal(winner(urne_count_borda, &b, 1), 1);      /* Nashville, 194 points */
    assert_int_equal(winner(urne_count_irv, &b, 1), 3);        /* Knoxville */
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_borda(&b, 1, &r, &d), 0);
    assert_int_equal(r.stages[0].votes[1], 2 * 194); /* doubled scores */
    assert_int_equal(r.stages[0].votes[0], 2 * 126);
    urne_count_result_free(&r);
    assert_int_equal(urne_count_irv(&b, 1, &r, &d), 0);
    assert_int_equal(r.nstages, 3); /* Chattanooga out, then Nashville out, then Knoxville 58 */
    assert_int_equal(r.stages[2].votes[3], 58);
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_ballots_free(&b);
}

/* Burlington, Vermont, 2009 mayor (PrefLib 00005-00000002): IRV elected Bob Kiss, while
 * Andy Montroll beat every other candidate head to head. */
static void test_burlington_2009(void **state) {
    (void)state;
    size_t len;
    char *buf = test_read(URNE_DATA_DIR "/preflib/00005-burlington/00005-00000002.toi", &len);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_ballots b;
    assert_int_equal(urne_io_parse_ballots(buf, len, URNE_BFMT_AUTO, URNE_ENC_AUTO, &b, &d), 0);
    assert_string_equal(b.names[winner(urne_count_irv, &b, 1)], "Bob Kiss");
    assert_string_equal(b.names[winner(urne_count_schulze, &b, 1)], "Andy Montroll");
    urne_count_result r;
    assert_int_equal(urne_count_schulze(&b, 1, &r, &d), 0);
    assert_string_equal(b.names[r.condorcet_winner], "Andy Montroll");
    urne_count_result_free(&r);
    urne_ballots_free(&b);
    urne_diags_free(&d);
    free(buf);
}

/* The winner, and whether a lot was drawn (then two methods may differ honestly). */
static size_t counted(method_fn m, const urne_ballots *b, uint64_t seed, int *lot) {
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(m(b, seed, &r, &d), 0);
    size_t w = r.winners[0];
    *lot |= strstr(r.tiebreak, "lot") != NULL;
    urne_count_result_free(&r);
    urne_diags_free(&d);
    return w;
}

static size_t stv_one_seat(const urne_ballots *b, uint64_t seed, int *lot) {
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_stv_scottish(b, 1, seed, &r, &d), 0);
    assert_int_equal(r.nwinners, 1);
    size_t w = r.winners[0];
    *lot |= strstr(r.tiebreak, "lot") != NULL;
    urne_count_result_free(&r);
    urne_diags_free(&d);
    return w;
}

/* Seeded random elections: STV with one seat and IRV elect the same candidate,
 * except where a tie was settled by lot (each method draws its own). */
static void test_stv_one_seat_is_irv(void **state) {
    (void)state;
    static const char *const names[] = {"A", "B", "C", "D", "E", "F", "G"};
    urne_lot lot;
    urne_lot_init(&lot, 42);
    int compared = 0;
    for (int e = 0; e < 3000; e++) {
        size_t ncand = 2 + urne_lot_below(&lot, 6);
        urne_ballots b;
        assert_int_equal(urne_ballots_init(&b, ncand, names), 0);
        size_t kinds = 1 + urne_lot_below(&lot, 25);
        for (size_t v = 0; v < kinds; v++) {
            uint16_t p[7];
            test_shuffle(&lot, p, ncand);
            size_t len = 1 + urne_lot_below(&lot, ncand);
            assert_int_equal(urne_ballots_add(&b, 1 + (int64_t)urne_lot_below(&lot, 50), p, NULL, len), 0);
        }
        int drawn = 0;
        size_t a = counted(urne_count_irv, &b, (uint64_t)e, &drawn), s = stv_one_seat(&b, (uint64_t)e, &drawn);
        if (!drawn && a != s) fail_msg("election %d: IRV elects %s, STV (1 seat) %s", e, names[a], names[s]);
        compared += !drawn;
        urne_ballots_free(&b);
    }
    assert_true(compared > 2000);
}

/* Merging: the same ranking added twice is one ranking with the weights summed, and
 * the order ballots come in changes nothing. */
static void test_ballot_merging(void **state) {
    (void)state;
    static const char *const names[] = {"A", "B", "C"};
    urne_ballots b, c;
    urne_ballots_init(&b, 3, names);
    urne_ballots_init(&c, 3, names);
    const char *orders[] = {"ABC", "BCA", "ABC", "CAB", "ABC", "BCA", "C"};
    for (int i = 0; i < 7; i++) test_add_ranking(&b, 1, orders[i]);
    for (int i = 6; i >= 0; i--) test_add_ranking(&c, 1, orders[i]);
    assert_int_equal(b.n, 4);
    assert_int_equal(b.total, 7);
    assert_int_equal(b.weight[0], 3);
    method_fn m[] = {urne_count_plurality, urne_count_two_round, urne_count_borda, urne_count_irv, urne_count_schulze};
    for (int i = 0; i < 5; i++) assert_int_equal(winner(m[i], &b, 3), winner(m[i], &c, 3));
    uint16_t bad[] = {0, 0};
    assert_int_equal(urne_ballots_add(&b, 1, bad, NULL, 2), -2); /* repeated */
    uint16_t out_of_range[] = {5};
    assert_int_equal(urne_ballots_add(&b, 1, out_of_range, NULL, 1), -2);
    urne_ballots_free(&b);
    urne_ballots_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tennessee),
        cmocka_unit_test(test_burlington_2009),
        cmocka_unit_test(test_stv_one_seat_is_irv),
        cmocka_unit_test(test_ballot_merging),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
