/* Condorcet methods: the Debian leader elections (Schulze), worked examples from the
 * methods' literature, and properties on thousands of seeded random elections. */
#include "helpers.h"
#include "../../src/count/count.h"
#include "../../src/io/ballots_io.h"

typedef int (*method_fn)(const urne_ballots *, uint64_t, urne_count_result *, urne_diags *);

static const char *winner_of(method_fn m, const urne_ballots *b, uint64_t seed, char *buf, size_t size) {
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(m(b, seed, &r, &d), 0);
    assert_int_equal(r.nwinners, b->ncand); /* a complete ranking */
    snprintf(buf, size, "%s", b->names[r.winners[0]]);
    urne_count_result_free(&r);
    urne_diags_free(&d);
    return buf;
}

static void debian(const char *year, const char *expect) {
    char path[256];
    snprintf(path, sizeof path, URNE_DATA_DIR "/debian_dpl_tallies/leader%s_tally.txt", year);
    size_t len;
    char *buf = test_read(path, &len);
    urne_diags d;
    urne_diags_init(&d, path);
    urne_ballots b;
    assert_int_equal(urne_io_parse_ballots(buf, len, URNE_BFMT_AUTO, URNE_ENC_AUTO, &b, &d), 0);
    char w[256];
    assert_string_equal(winner_of(urne_count_schulze, &b, 1, w, sizeof w), expect);
    urne_ballots_free(&b);
    urne_diags_free(&d);
    free(buf);
}

static void test_debian_leaders(void **state) {
    (void)state;
    debian("2006", "Anthony Towns");
    debian("2007", "Sam Hocevar");
    debian("2020", "Jonathan Carter");
}

static void test_debian_tally_counts(void **state) {
    (void)state;
    size_t len;
    char *buf = test_read(URNE_DATA_DIR "/debian_dpl_tallies/leader2006_tally.txt", &len);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_ballots b;
    assert_int_equal(urne_io_parse_debian(buf, len, URNE_ENC_AUTO, &b, &d), 0);
    assert_int_equal(b.total, 421); /* votes in 2006, per the provenance */
    assert_int_equal(b.ncand, 8);
    assert_string_equal(b.names[7], "None of the Above");
    urne_ballots_free(&b);
    urne_diags_free(&d);
    free(buf);
}

/* Schulze (2011), 'A new monotonic, clone-independent ... method', section 3.1: E wins. */
static void test_schulze_paper_example(void **state) {
    (void)state;
    static const char *const names[] = {"A", "B", "C", "D", "E"};
    urne_ballots b;
    assert_int_equal(urne_ballots_init(&b, 5, names), 0);
    test_add_ranking(&b, 5, "ACBED");
    test_add_ranking(&b, 5, "ADECB");
    test_add_ranking(&b, 8, "BEDAC");
    test_add_ranking(&b, 3, "CABED");
    test_add_ranking(&b, 7, "CAEBD");
    test_add_ranking(&b, 2, "CBADE");
    test_add_ranking(&b, 7, "DCEBA");
    test_add_ranking(&b, 8, "EBADC");
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_schulze(&b, 1, &r, &d), 0);
    const char *expect = "EACBD"; /* the paper's ranking E > A > C > B > D */
    for (size_t i = 0; i < 5; i++) assert_int_equal(r.winners[i], (size_t)(expect[i] - 'A'));
    /* Strongest paths from the paper: d[A,B]=20, p[A,B]=28, p[E,D]=31. */
    assert_int_equal(r.pairwise[0 * 5 + 1], 20);
    assert_int_equal(r.paths[0 * 5 + 1], 28);
    assert_int_equal(r.paths[4 * 5 + 3], 31);
    assert_int_equal(r.condorcet_winner, URNE_COUNT_NONE); /* there is a cycle */
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_ballots_free(&b);
}

/* The same cyclic election under the other Condorcet methods, worked by hand from the
 * paper's matrix. Ranked Pairs locks B>D 33, E>D 31, A>D 30, C>B 29, skips D>C 28
 * (cycle), locks E>B 27, A>C 26, skips B>A 25, locks C>E 24, skips E>A 23: A > C > E >
 * B > D. Minimax: worst defeats E 24, A 25 (by B), C 28, B 29, D 33. Copeland: E beats A,
 * B, D. Three methods, three different orders: the cycle leaves it to the rule. */
static void test_cycle_other_methods(void **state) {
    (void)state;
    static const char *const names[] = {"A", "B", "C", "D", "E"};
    urne_ballots b;
    assert_int_equal(urne_ballots_init(&b, 5, names), 0);
    const char *orders[] = {"ACBED", "ADECB", "BEDAC", "CABED", "CAEBD", "CBADE", "DCEBA", "EBADC"};
    const int64_t w[] = {5, 5, 8, 3, 7, 2, 7, 8};
    for (int i = 0; i < 8; i++) test_add_ranking(&b, w[i], orders[i]);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_ranked_pairs(&b, 1, &r, &d), 0);
    const char *expect = "ACEBD";
    for (size_t i = 0; i < 5; i++) assert_int_equal(r.winners[i], (size_t)(expect[i] - 'A'));
    urne_count_result_free(&r);
    assert_int_equal(urne_count_minimax(&b, 1, &r, &d), 0);
    assert_int_equal(r.winners[0], 4);
    assert_int_equal(r.stages[0].votes[4], 24); /* E's worst defeat, by C */
    assert_int_equal(r.stages[0].votes[0], 25); /* A's, by B */
    assert_int_equal(r.stages[0].votes[3], 33);
    urne_count_result_free(&r);
    assert_int_equal(urne_count_copeland(&b, 1, &r, &d), 0);
    assert_int_equal(r.winners[0], 4);
    assert_int_equal(r.stages[0].votes[4], 6); /* three wins, doubled */
    assert_int_equal(r.nsmith, 5);             /* everyone is in the top cycle */
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_ballots_free(&b);
}

/* The Tennessee capital example: Nashville is the Condorcet winner. */
static void test_tennessee(void **state) {
    (void)state;
    urne_ballots b;
    test_tennessee_ballots(&b);
    method_fn methods[] = {urne_count_schulze, urne_count_ranked_pairs, urne_count_copeland, urne_count_minimax};
    for (size_t m = 0; m < 4; m++) {
        char w[64];
        assert_string_equal(winner_of(methods[m], &b, 7, w, sizeof w), "Nashville");
    }
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_copeland(&b, 1, &r, &d), 0);
    assert_int_equal(r.condorcet_winner, 1);
    assert_int_equal(r.nsmith, 1);
    assert_int_equal(r.smith[0], 1);
    assert_int_equal(r.pairwise[1 * 4 + 0], 58); /* Nashville over Memphis */
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_ballots_free(&b);
}

/* Thousands of seeded random elections: whenever there is a Condorcet winner, every
 * Condorcet method elects it, and it is the Smith set alone. */
static void test_condorcet_winner_property(void **state) {
    (void)state;
    urne_lot lot;
    urne_lot_init(&lot, 20261123);
    static const char *const names[] = {"A", "B", "C", "D", "E", "F"};
    method_fn methods[] = {urne_count_schulze, urne_count_ranked_pairs, urne_count_copeland, urne_count_minimax};
    int with_winner = 0;
    for (int e = 0; e < 2000; e++) {
        size_t ncand = 3 + urne_lot_below(&lot, 4);
        urne_ballots b;
        assert_int_equal(urne_ballots_init(&b, ncand, names), 0);
        size_t voters = 1 + urne_lot_below(&lot, 40);
        for (size_t v = 0; v < voters; v++) {
            uint16_t p[6];
            for (size_t i = 0; i < ncand; i++) p[i] = (uint16_t)i;
            for (size_t i = ncand - 1; i > 0; i--) { /* shuffle */
                size_t j = urne_lot_below(&lot, i + 1);
                uint16_t t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            size_t len = 1 + urne_lot_below(&lot, ncand); /* some ballots truncated */
            assert_int_equal(urne_ballots_add(&b, 1 + (int64_t)urne_lot_below(&lot, 3), p, NULL, len), 0);
        }
        urne_diags d;
        urne_diags_init(&d, "t");
        urne_count_result r;
        assert_int_equal(urne_count_schulze(&b, (uint64_t)e, &r, &d), 0);
        size_t cw = r.condorcet_winner;
        if (cw != URNE_COUNT_NONE) {
            with_winner++;
            assert_int_equal(r.nsmith, 1);
            assert_int_equal(r.smith[0], cw);
        }
        assert_true(r.nsmith >= 1);
        urne_count_result_free(&r);
        for (size_t m = 0; m < 4 && cw != URNE_COUNT_NONE; m++) {
            assert_int_equal(methods[m](&b, (uint64_t)e, &r, &d), 0);
            if (r.winners[0] != cw) fail_msg("election %d: %s elects %zu, Condorcet winner %zu", e, r.method, r.winners[0], cw);
            urne_count_result_free(&r);
        }
        urne_diags_free(&d);
        urne_ballots_free(&b);
    }
    assert_true(with_winner > 500); /* the property was really exercised */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debian_leaders),
        cmocka_unit_test(test_debian_tally_counts),
        cmocka_unit_test(test_schulze_paper_example),
        cmocka_unit_test(test_cycle_other_methods),
        cmocka_unit_test(test_tennessee),
        cmocka_unit_test(test_condorcet_winner_property),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
