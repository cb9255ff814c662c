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

/* Wichmann's example (Voting matters 12): Z is excluded by a margin far under the
 * count's precision (0.00001). The count says so, in the stage's note and in the
 * summary, and the margin it names is the one in its own figures. */
static void test_meek_close_call_reported(void **state) {
    (void)state;
    urne_ballots b;
    load(URNE_SOURCE_DIR "/tests/stv/voting_matters_12.blt", &b);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_stv_meek(&b, 3, 1, &r, &d), 0);
    assert_int_equal(r.nstages, 3);
    const urne_count_stage *st = &r.stages[1];
    assert_int_equal(st->state[4], URNE_DEFEATED); /* Z */
    int64_t margin = st->votes[3] - st->votes[4]; /* Y over Z, 10^-9 */
    assert_true(margin > 0 && margin < 10000);
    char expect[160];
    snprintf(expect, sizeof expect, "Z has 0.%09lld fewer votes than the next, less than the count's precision",
             (long long)margin);
    if (strstr(st->note, expect) == NULL) fail_msg("stage 2 note: %s", st->note);
    if (strstr(r.tiebreak, "stage 2: Z has") == NULL) fail_msg("summary: %s", r.tiebreak);
    /* A and B both reach the quota with 1,001: their order is a tie, broken by lot */
    if (strstr(r.tiebreak, "order of election") == NULL) fail_msg("summary: %s", r.tiebreak);
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_ballots_free(&b);
}

/* A file's [tie] order replaces the lot, as in droop: the first of the tied in that
 * order is the one picked, to elect or to exclude. With order 3 2 1, Helen is out
 * first; Castor and Pollux then tie at 2 for exclusion, and Pollux, before Castor in
 * the order, goes: Castor wins under every rule and every seed, and the count says
 * how the tie was broken. */
static void test_tie_order_from_file(void **state) {
    (void)state;
    static const char blt[] = "3 1\n[tie 3 2 1]\n2 1 0\n2 2 0\n1 3 0\n0\n\"Castor\" \"Pollux\" \"Helen\" \"t\"\n";
    stv_fn rules[] = {urne_count_stv_scottish, urne_count_stv_wigm, urne_count_stv_meek};
    for (size_t i = 0; i < 3; i++) {
        for (uint64_t seed = 1; seed <= 8; seed++) {
            urne_ballots b;
            urne_diags d;
            urne_diags_init(&d, "t.blt");
            assert_int_equal(urne_io_parse_ballots(blt, sizeof blt - 1, URNE_BFMT_BLT, URNE_ENC_AUTO, &b, &d), 0);
            urne_count_result r;
            assert_int_equal(rules[i](&b, 1, seed, &r, &d), 0);
            if (strstr(r.tiebreak, "exclusion: Pollux chosen by the tie order of the ballot file") == NULL)
                fail_msg("%s: %s", r.rule, r.tiebreak);
            assert_int_equal(r.nwinners, 1);
            assert_int_equal(r.winners[0], 0);
            urne_count_result_free(&r);
            urne_diags_free(&d);
            urne_ballots_free(&b);
        }
    }
}

/* A withdrawn candidate ([withdrawn] or a negative number) is never elected, even
 * when as many are left as seats. */
static void test_withdrawn_not_elected(void **state) {
    (void)state;
    static const char blt[] = "3 2\n[withdrawn 2]\n4 1 2 0\n2 3 0\n0\n\"A\" \"B\" \"C\" \"t\"\n";
    stv_fn rules[] = {urne_count_stv_scottish, urne_count_stv_wigm, urne_count_stv_meek};
    for (size_t i = 0; i < 3; i++) {
        urne_ballots b;
        urne_diags d;
        urne_diags_init(&d, "t.blt");
        assert_int_equal(urne_io_parse_ballots(blt, sizeof blt - 1, URNE_BFMT_BLT, URNE_ENC_AUTO, &b, &d), 0);
        urne_count_result r;
        assert_int_equal(rules[i](&b, 2, 1, &r, &d), 0);
        assert_int_equal(r.nwinners, 2);
        for (size_t w = 0; w < r.nwinners; w++) assert_int_not_equal(r.winners[w], 1);
        urne_count_result_free(&r);
        urne_diags_free(&d);
        urne_ballots_free(&b);
    }
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
        cmocka_unit_test(test_meek_conservation), cmocka_unit_test(test_meek_close_call_reported),
        cmocka_unit_test(test_tie_order_from_file), cmocka_unit_test(test_withdrawn_not_elected), cmocka_unit_test(test_one_seat_is_irv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
