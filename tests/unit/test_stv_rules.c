/* STV rules beyond the Glasgow reference: the Irish 2002 constituencies (every rule
 * elects the TDs the official count elected), Meek's properties, WIGM. */
#include "helpers.h"
#include "../../src/count/count.h"
#include "../../src/io/ballots_io.h"

typedef int (*stv_fn)(const urne_ballots *, size_t, uint64_t, urne_count_result *, urne_diags *);

static void load(const char *path, urne_ballots *b) {
    size_t len;
    char *buf = test_read(path, &len);
    urne_diags d;
    urne_diags_init(&d, path);
    assert_int_equal(urne_io_parse_ballots(buf, len, URNE_BFMT_AUTO, URNE_ENC_AUTO, b, &d), 0);
    urne_diags_free(&d);
    free(buf);
}

static void expect_elected(stv_fn fn, const urne_ballots *b, size_t seats, const char *const *who) {
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(fn(b, seats, 1, &r, &d), 0);
    assert_int_equal(r.nwinners, seats);
    for (size_t i = 0; i < seats; i++) {
        int found = 0;
        for (size_t w = 0; w < r.nwinners; w++) found |= strcmp(b->names[r.winners[w]], who[i]) == 0;
        if (!found) fail_msg("%s (%s) is not elected", who[i], r.rule);
    }
    urne_count_result_free(&r);
    urne_diags_free(&d);
}

/* Dáil election 2002, official results: Dublin North (4 seats), Dublin West (3), Meath (5). */
static void test_irish_2002(void **state) {
    (void)state;
    static const char *const north[] = {"Trevor Sargent G.P.", "Jim Glennon F.F.", "Sean Ryan Lab", "G.V. Wright F.F."};
    static const char *const west[] = {"Joe Higgins S.P.", "Brian Lenihan F.F.", "Joan Burton Lab"};
    static const char *const meath[] = {"Johnny Brady F.F.", "Mary Wallace F.F.", "Noel Dempsey F.F.", "John Bruton F.G.",
                                        "Damien English F.G."};
    struct { const char *file; size_t seats; const char *const *who; } cases[] = {
        {URNE_DATA_DIR "/preflib/00001-irish/00001-00000001.soi", 4, north},
        {URNE_DATA_DIR "/preflib/00001-irish/00001-00000002.soi", 3, west},
        {URNE_DATA_DIR "/preflib/00001-irish/00001-00000003.soi", 5, meath},
    };
    stv_fn rules[] = {urne_count_stv_scottish, urne_count_stv_wigm, urne_count_stv_meek};
    for (size_t i = 0; i < 3; i++) {
        urne_ballots b;
        load(cases[i].file, &b);
        for (size_t r = 0; r < 3; r++) expect_elected(rules[r], &b, cases[i].seats, cases[i].who);
        urne_ballots_free(&b);
    }
}

/* Tideman's A1 (ERS): Meek elects 1, 9 and 8 — also what the Condorcet PHP library's
 * test expects of its STV. */
static void test_meek_a1(void **state) {
    (void)state;
    static const char *const who[] = {"Candidate  1", "Candidate  9", "Candidate  8"};
    urne_ballots b;
    load(URNE_DATA_DIR "/tideman_ers_hil/A1.HIL", &b);
    expect_elected(urne_count_stv_meek, &b, 3, who);
    urne_ballots_free(&b);
}

/* At every stage of a Meek count nothing is lost: votes plus excess are exactly the
 * ballots (rounding down what a candidate keeps leaves the remainder on the ballot); and
 * the elected hold the quota to within 0.00001 once converged. */
static void test_meek_conservation(void **state) {
    (void)state;
    urne_ballots b;
    load(URNE_DATA_DIR "/preflib/00001-irish/00001-00000001.soi", &b);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_stv_meek(&b, 4, 1, &r, &d), 0);
    for (size_t s = 0; s < r.nstages; s++) {
        int64_t sum = r.stages[s].nontransferable;
        for (size_t c = 0; c < b.ncand; c++) sum += r.stages[s].votes[c];
        assert_int_equal(sum, b.total * 1000000000LL);
    }
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_ballots_free(&b);
}

static size_t winner(stv_fn fn, const urne_ballots *b, int *lot) {
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(fn(b, 1, 3, &r, &d), 0);
    size_t w = r.winners[0];
    *lot |= strstr(r.tiebreak, "lot") != NULL;
    urne_count_result_free(&r);
    urne_diags_free(&d);
    return w;
}

static int irv_fn(const urne_ballots *b, size_t seats, uint64_t seed, urne_count_result *r, urne_diags *d) {
    (void)seats;
    return urne_count_irv(b, seed, r, d);
}

/* For one seat, Meek and WIGM elect the IRV winner (where no lot is drawn). */
static void test_one_seat_is_irv(void **state) {
    (void)state;
    static const char *const names[] = {"A", "B", "C", "D", "E", "F"};
    urne_lot lot;
    urne_lot_init(&lot, 7);
    int compared = 0;
    for (int e = 0; e < 1500; e++) {
        size_t ncand = 2 + urne_lot_below(&lot, 5);
        urne_ballots b;
        assert_int_equal(urne_ballots_init(&b, ncand, names), 0);
        for (size_t v = 1 + urne_lot_below(&lot, 20); v > 0; v--) {
            uint16_t p[6];
            test_shuffle(&lot, p, ncand);
            assert_int_equal(urne_ballots_add(&b, 1 + (int64_t)urne_lot_below(&lot, 40), p, NULL,
                                              1 + urne_lot_below(&lot, ncand)), 0);
        }
        int drawn = 0;
        size_t irv = winner(irv_fn, &b, &drawn), meek = winner(urne_count_stv_meek, &b, &drawn),
               wigm = winner(urne_count_stv_wigm, &b, &drawn);
        if (!drawn && (meek != irv || wigm != irv))
            fail_msg("election %d: IRV %s, Meek %s, WIGM %s", e, names[irv], names[meek], names[wigm]);
        compared += !drawn;
        urne_ballots_free(&b);
    }
    assert_true(compared > 1000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_irish_2002),       cmocka_unit_test(test_meek_a1),
        cmocka_unit_test(test_meek_conservation), cmocka_unit_test(test_one_seat_is_irv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
