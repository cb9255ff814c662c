/* Properties of every counting method on thousands of seeded random elections:
 * the order in which ballots arrive changes nothing — not the winners, not a single
 * number of any stage. */
#include "helpers.h"
#include "../../src/count/count.h"

typedef int (*method_fn)(const urne_ballots *, uint64_t, urne_count_result *, urne_diags *);

static int stv2(const urne_ballots *b, uint64_t s, urne_count_result *r, urne_diags *d) {
    return urne_count_stv_scottish(b, 2, s, r, d);
}
static int meek2(const urne_ballots *b, uint64_t s, urne_count_result *r, urne_diags *d) {
    return urne_count_stv_meek(b, 2, s, r, d);
}
static int wigm2(const urne_ballots *b, uint64_t s, urne_count_result *r, urne_diags *d) {
    return urne_count_stv_wigm(b, 2, s, r, d);
}
static int dhondt5(const urne_ballots *b, uint64_t s, urne_count_result *r, urne_diags *d) {
    return urne_count_seats(b, URNE_SEATS_DHONDT, 5, 0, 1, s, r, d);
}

static void same(const urne_count_result *a, const urne_count_result *b, size_t ncand, int e) {
    if (a->nwinners != b->nwinners || a->nstages != b->nstages) fail_msg("election %d, %s: shapes differ", e, a->method);
    for (size_t i = 0; i < a->nwinners; i++)
        if (a->winners[i] != b->winners[i]) fail_msg("election %d, %s: winners differ", e, a->method);
    for (size_t s = 0; s < a->nstages; s++) {
        if (a->stages[s].nontransferable != b->stages[s].nontransferable)
            fail_msg("election %d, %s, stage %zu: non-transferable differs", e, a->method, s);
        for (size_t c = 0; c < ncand; c++)
            if (a->stages[s].votes[c] != b->stages[s].votes[c])
                fail_msg("election %d, %s, stage %zu: votes differ", e, a->method, s);
    }
}

static void test_ballot_order_changes_nothing(void **state) {
    (void)state;
    static const char *const names[] = {"A", "B", "C", "D", "E", "F"};
    method_fn methods[] = {urne_count_plurality, urne_count_two_round, urne_count_approval, urne_count_borda,
                           urne_count_irv,       urne_count_schulze,   urne_count_ranked_pairs,
                           urne_count_copeland,  urne_count_minimax,   stv2, meek2, wigm2, dhondt5};
    urne_lot lot;
    urne_lot_init(&lot, 11);
    int compared = 0;
    for (int e = 0; e < 600; e++) {
        size_t ncand = 3 + urne_lot_below(&lot, 4), nb = 5 + urne_lot_below(&lot, 40);
        uint16_t rank[45][6];
        uint8_t tie[45][6];
        size_t len[45];
        for (size_t v = 0; v < nb; v++) {
            for (size_t i = 0; i < ncand; i++) rank[v][i] = (uint16_t)i;
            for (size_t i = ncand - 1; i > 0; i--) {
                size_t j = urne_lot_below(&lot, i + 1);
                uint16_t t = rank[v][i];
                rank[v][i] = rank[v][j];
                rank[v][j] = t;
            }
            len[v] = 1 + urne_lot_below(&lot, ncand);
            for (size_t i = 0; i < ncand; i++) tie[v][i] = 0; /* strict, so that STV applies */
        }
        size_t order[45];
        for (size_t v = 0; v < nb; v++) order[v] = v;
        for (size_t v = nb - 1; v > 0; v--) {
            size_t j = urne_lot_below(&lot, v + 1);
            size_t t = order[v];
            order[v] = order[j];
            order[j] = t;
        }
        urne_ballots x, y;
        assert_int_equal(urne_ballots_init(&x, ncand, names), 0);
        assert_int_equal(urne_ballots_init(&y, ncand, names), 0);
        for (size_t v = 0; v < nb; v++) {
            assert_int_equal(urne_ballots_add(&x, 1, rank[v], tie[v], len[v]), 0);
            assert_int_equal(urne_ballots_add(&y, 1, rank[order[v]], tie[order[v]], len[order[v]]), 0);
        }
        for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
            urne_diags d;
            urne_diags_init(&d, "t");
            urne_count_result a, b;
            int ra = methods[m](&x, (uint64_t)e, &a, &d), rb = methods[m](&y, (uint64_t)e, &b, &d);
            assert_int_equal(ra, rb);
            if (ra == 0) same(&a, &b, ncand, e), compared++;
            urne_count_result_free(&a);
            urne_count_result_free(&b);
            urne_diags_free(&d);
        }
        urne_ballots_free(&x);
        urne_ballots_free(&y);
    }
    assert_true(compared > 600 * 12); /* every method counted nearly every election */
}

/* Merging identical rankings (count/ballots.c keeps hashes and checks candidates
 * against a bitmap): on random rankings with ties, over 3 to 130 candidates (beyond a
 * 64-bit word), the merged rankings are exactly those a plain search finds, each
 * with its weight; a repeated or unknown candidate is refused and changes nothing. */
static void test_merge_matches_plain_search(void **state) {
    (void)state;
    urne_lot lot;
    urne_lot_init(&lot, 16);
    for (int e = 0; e < 60; e++) {
        size_t ncand = 3 + (size_t)urne_lot_below(&lot, 128);
        urne_ballots b;
        assert_int_equal(urne_ballots_init(&b, ncand, NULL), 0);
        enum { N = 400 };
        static uint16_t prefs[N][140];
        static uint8_t tied[N][140];
        size_t len[N];
        int64_t weight[N];
        for (int k = 0; k < N; k++) {
            int copy = k > 0 && urne_lot_below(&lot, 3) == 0; /* a third repeat an earlier ballot */
            size_t from = copy ? (size_t)urne_lot_below(&lot, (uint64_t)k) : 0;
            if (copy) {
                len[k] = len[from];
                memcpy(prefs[k], prefs[from], sizeof prefs[k]);
                memcpy(tied[k], tied[from], sizeof tied[k]);
                tied[k][0] = (uint8_t)urne_lot_below(&lot, 2); /* the first mark means nothing */
            } else {
                len[k] = (size_t)urne_lot_below(&lot, ncand < 6 ? ncand + 1 : 6);
                for (size_t i = 0; i < len[k]; i++) {
                    uint16_t c;
                    int again;
                    do { /* distinct candidates */
                        c = (uint16_t)urne_lot_below(&lot, ncand);
                        again = 0;
                        for (size_t j = 0; j < i; j++) again |= prefs[k][j] == c;
                    } while (again);
                    prefs[k][i] = c;
                    tied[k][i] = (uint8_t)(urne_lot_below(&lot, 4) == 0);
                }
            }
            weight[k] = 1 + (int64_t)urne_lot_below(&lot, 5);
            assert_int_equal(urne_ballots_add(&b, weight[k], prefs[k], tied[k], len[k]), 0);
        }
        /* every ballot's ranking is found, with the weight of every ballot equal to it */
        int64_t total = 0;
        for (size_t r = 0; r < b.n; r++) total += b.weight[r];
        assert_int_equal(total, b.total);
        size_t distinct = 0;
        for (int k = 0; k < N; k++) {
            int first = 1;
            int64_t want = 0;
            for (int j = 0; j < N; j++) {
                int eq = len[j] == len[k];
                for (size_t i = 0; eq && i < len[k]; i++)
                    eq = prefs[j][i] == prefs[k][i] && (i == 0 || !tied[j][i] == !tied[k][i]);
                if (eq && j < k) first = 0;
                if (eq) want += weight[j];
            }
            distinct += first;
            size_t found = 0;
            for (size_t r = 0; r < b.n; r++) {
                int eq = b.len[r] == len[k];
                for (size_t i = 0; eq && i < len[k]; i++)
                    eq = b.prefs[b.start[r] + i] == prefs[k][i] && b.tied[b.start[r] + i] == (i && tied[k][i] ? 1 : 0);
                if (eq) found++, assert_int_equal(b.weight[r], want);
            }
            if (found != 1) fail_msg("election %d, ballot %d: its ranking is held %zu times", e, k, found);
        }
        assert_int_equal(b.n, distinct);
        /* refused: a candidate twice (far apart), a candidate beyond the last */
        size_t n = b.n;
        int64_t before = b.total;
        uint16_t bad[3] = {(uint16_t)(ncand - 1), 0, (uint16_t)(ncand - 1)};
        assert_int_equal(urne_ballots_add(&b, 1, bad, NULL, 3), -2);
        bad[2] = (uint16_t)ncand;
        assert_int_equal(urne_ballots_add(&b, 1, bad, NULL, 3), -2);
        assert_int_equal(b.n, n);
        assert_int_equal(b.total, before);
        urne_ballots_free(&b);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ballot_order_changes_nothing),
        cmocka_unit_test(test_merge_matches_plain_search),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
