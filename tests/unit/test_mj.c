/* Majority judgment: the lower middlemost grade, the majority gauge, the removal of
 * majority grades when gauges tie; and the CSV formats for grades and approvals. */
#include "helpers.h"
#include "../../src/count/count.h"
#include "../../src/io/ballots_io.h"

static const char *const GRADES[] = {"Excellent", "Très bien", "Bien", "Assez bien", "Passable", "Insuffisant",
                                     "À rejeter"};

/* Candidates given as grade-count rows (7 grades each, best first). */
static void grades(urne_grades *g, size_t n, const int64_t rows[][7]) {
    static const char *const names[] = {"A", "B", "C", "D"};
    assert_int_equal(urne_grades_init(g, n, names, 7, GRADES), 0);
    int64_t total = 0;
    for (size_t c = 0; c < n; c++) {
        int64_t t = 0;
        for (int k = 0; k < 7; k++) g->counts[c * 7 + k] = rows[c][k], t += rows[c][k];
        if (c == 0) total = t;
        assert_int_equal(t, total); /* every voter grades every candidate */
    }
    g->total = total;
}

static void grades_free_and(urne_grades *g, size_t n, const int64_t rows[][7]) {
    urne_grades_free(g);
    grades(g, n, rows);
}

static void ranking(const urne_grades *g, const char *expect, const char *grade0) {
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_mj(g, 1, &r, &d), 0);
    char got[8] = "";
    for (size_t i = 0; i < r.nwinners; i++) got[i] = (char)('A' + r.winners[i]);
    assert_string_equal(got, expect);
    assert_string_equal(r.labels[r.winners[0]], grade0);
    urne_count_result_free(&r);
    urne_diags_free(&d);
}

static void test_majority_grade(void **state) {
    (void)state;
    urne_grades g;
    /* Even count (4 voters): the lower of the two middle grades. A: E, E, P, P -> Passable. */
    grades(&g, 2, (const int64_t[][7]){{2, 0, 0, 0, 2, 0, 0}, {0, 0, 4, 0, 0, 0, 0}});
    ranking(&g, "BA", "Bien"); /* B: Bien beats Passable */
    urne_grades_free(&g);
    /* Odd count (5): the middle one. A: E, E, E, P, P -> Excellent. */
    grades(&g, 2, (const int64_t[][7]){{3, 0, 0, 0, 2, 0, 0}, {0, 5, 0, 0, 0, 0, 0}});
    ranking(&g, "AB", "Excellent");
    urne_grades_free(&g);
}

static void test_gauge(void **state) {
    (void)state;
    urne_grades g;
    /* Same majority grade Bien: A has more above (+4) than B (+2); C has more below (-3). */
    grades(&g, 3, (const int64_t[][7]){{0, 4, 5, 1, 0, 0, 0}, {0, 2, 7, 1, 0, 0, 0}, {0, 1, 6, 3, 0, 0, 0}});
    ranking(&g, "ABC", "Bien");
    urne_grades_free(&g);
    /* Both minus: the smaller share below wins (-2 beats -4). */
    grades(&g, 2, (const int64_t[][7]){{0, 0, 6, 4, 0, 0, 0}, {0, 0, 8, 2, 0, 0, 0}});
    ranking(&g, "BA", "Bien");
    urne_grades_free(&g);
}

static void test_removal_breaks_gauge_ties(void **state) {
    (void)state;
    urne_grades g;
    /* Same grade (Bien) and gauge (2 above, 2 below: -2 for both). Removing majority
     * grades one by one, A (Excellent x2, Bien x3, À rejeter x2) falls to À rejeter with
     * four grades left, B (Très bien x2, Bien x3, Passable x2) only to Passable: B first,
     * the more consensual, as majority judgment means to. */
    grades(&g, 2, (const int64_t[][7]){{2, 0, 3, 0, 0, 0, 2}, {0, 2, 3, 0, 2, 0, 0}});
    ranking(&g, "BA", "Bien");
    /* The other way round: B's low grades are worse. */
    grades_free_and(&g, 2, (const int64_t[][7]){{0, 2, 3, 0, 2, 0, 0}, {2, 0, 3, 0, 0, 0, 2}});
    ranking(&g, "AB", "Bien");
    urne_grades_free(&g);
    /* Identical distributions: only the lot can part them, and it says so. */
    grades(&g, 2, (const int64_t[][7]){{1, 1, 1, 0, 0, 0, 0}, {1, 1, 1, 0, 0, 0, 0}});
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_mj(&g, 5, &r, &d), 0);
    assert_non_null(strstr(r.tiebreak, "by lot"));
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_grades_free(&g);
}

static void test_grades_csv(void **state) {
    (void)state;
    const char *t = "# title: Budget\n# grades: Excellent, Très bien, Bien, Assez bien, Passable, Insuffisant, À rejeter\n"
                    "count;Jardin;Piste;Ludo\n3;Très bien;Bien;à rejeter\n2;Excellent;Passable;Bien\n"
                    "4;Passable;Très bien;Bien\n1;;Bien;Excellent\n";
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_grades g;
    assert_int_equal(urne_io_parse_grades_csv(t, strlen(t), URNE_ENC_AUTO, &g, &d), 0);
    assert_int_equal(g.total, 10);
    assert_int_equal(g.counts[0 * 7 + 6], 1); /* the empty cell: the worst grade */
    assert_int_equal(g.counts[2 * 7 + 6], 3); /* grades match without regard to case */
    ranking(&g, "BCA", "Bien");
    urne_grades_free(&g);
    struct { const char *text, *rule, *needle; long line; } bad[] = {
        {"# grades: Bien, Mal\nA;B\nBien;Moyen\n", "unknown-grade", "'Moyen' is not a grade of the scale (Bien ... Mal)", 3},
        {"A;B\nBien;Mal\n", "csv-format", "no '# grades:", 0},
        {"# grades: Bien\nA\n", "csv-format", "at least two grades", 1},
        {"# grades: Bien, Mal\nA;B\nBien\n", "field-count", "1 fields, but the header has 2", 3},
        {"# grades: Bien, Mal\ncount;A\nx;Bien\n", "count-format", "'x' is not a whole number", 3},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        urne_diags_init(&d, "t");
        assert_int_equal(urne_io_parse_grades_csv(bad[i].text, strlen(bad[i].text), URNE_ENC_AUTO, &g, &d), -1);
        if (!test_has_diag(&d, bad[i].rule, bad[i].needle)) fail_msg("case %zu: no [%s] '%s'", i, bad[i].rule, bad[i].needle);
        assert_int_equal(d.items[0].line, bad[i].line);
        urne_diags_free(&d);
    }
}

static void test_approval_csv(void **state) {
    (void)state;
    const char *t = "count,A,B,C\n5,1,x,0\n3,,oui,yes\n2,0,0,0\n";
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_ballots b;
    assert_int_equal(urne_io_parse_approval_csv(t, strlen(t), URNE_ENC_AUTO, &b, &d), 0);
    urne_count_result r;
    assert_int_equal(urne_count_approval(&b, 1, &r, &d), 0);
    assert_int_equal(r.stages[0].votes[0], 5);
    assert_int_equal(r.stages[0].votes[1], 8);
    assert_int_equal(r.stages[0].votes[2], 3);
    assert_string_equal(b.names[r.winners[0]], "B");
    urne_count_result_free(&r);
    urne_ballots_free(&b);
    const char *bad = "A,B\n1,maybe\n";
    assert_int_equal(urne_io_parse_approval_csv(bad, strlen(bad), URNE_ENC_AUTO, &b, &d), -1);
    assert_true(test_has_diag(&d, "approval", "'maybe' is neither an approval"));
    urne_diags_free(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_majority_grade), cmocka_unit_test(test_gauge),
        cmocka_unit_test(test_removal_breaks_gauge_ties), cmocka_unit_test(test_grades_csv),
        cmocka_unit_test(test_approval_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
