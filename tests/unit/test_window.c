/* urne_window: the last hour's count from two periods: the limit held across a
 * period's boundary, the wait told exact, a place given back, a greedy client
 * never past twice the limit in any hour. */
#include "helpers.h"
#include "../../src/core/urne_window.h"

#define HOUR 3600.0

static void test_fills_then_refuses(void **state) {
    (void)state;
    urne_window w = {0};
    for (int i = 0; i < 20; i++) assert_true(urne_window_take(&w, 100.0 + i, HOUR, 20) == 0);
    double wait = urne_window_take(&w, 130.0, HOUR, 20);
    assert_true(wait > 0);
    /* All twenty sit in the current period (from 100): room only in the next one,
     * once they weigh less than 20 there: 100 + 3600 - 130, and a microsecond. */
    assert_true(fabs(wait - 3570.0) < 1e-3);
    assert_int_equal(w.current, 20); /* the refusal counted nothing */
    assert_int_equal(urne_window_count(&w, 130.0, HOUR), 20);
    assert_int_equal(urne_window_count(&w, 3700.0, HOUR), 20);
    assert_int_equal(urne_window_count(&w, 3700.0 + 1800, HOUR), 10);
}

static void test_boundary_no_double_allowance(void **state) {
    (void)state;
    urne_window w = {0};
    for (int i = 0; i < 20; i++) assert_true(urne_window_take(&w, 0.0, HOUR, 20) == 0);
    /* A fixed hour would start again at 3600 with 20 more; here the previous
     * hour's 20 still weigh 20 at 3600, 19 at 3780 (for one more), 10 at 5400. */
    double wait = urne_window_take(&w, HOUR, HOUR, 20);
    assert_true(wait > 0 && wait < 1e-3);
    assert_true(urne_window_take(&w, HOUR + 1, HOUR, 20) == 0); /* 19 + 1 */
    assert_true(urne_window_take(&w, HOUR + 2, HOUR, 20) > 0);
    wait = urne_window_take(&w, HOUR + 2, HOUR, 20); /* 1 current: the previous must weigh 18, at 3780 */
    assert_true(fabs(wait - (180.0 - 2)) < 1e-3);
    int taken = 1;
    for (double t = HOUR + 2; t < 2 * HOUR; t += 1)
        if (urne_window_take(&w, t, HOUR, 20) == 0) taken++;
    assert_int_equal(taken, 20); /* the second hour: 20, not 40, and the hour across the boundary at most 40 */
}

static void test_wait_is_exact(void **state) {
    (void)state;
    urne_window w = {0};
    double t = 0;
    for (int i = 0; i < 7; i++) assert_true(urne_window_take(&w, t += 300, HOUR, 7) == 0);
    for (int k = 0; k < 30; k++) {
        double wait = urne_window_take(&w, t, HOUR, 7);
        assert_true(wait > 0);
        if (wait > 0.01) assert_true(urne_window_take(&w, t + wait - 0.01, HOUR, 7) > 0);
        t += wait + 1e-6;
        assert_true(urne_window_take(&w, t, HOUR, 7) == 0);
    }
}

static void test_give_back(void **state) {
    (void)state;
    urne_window w = {0};
    for (int i = 0; i < 3; i++) assert_true(urne_window_take(&w, 10.0, HOUR, 3) == 0);
    assert_true(urne_window_take(&w, 11.0, HOUR, 3) > 0);
    urne_window_give_back(&w, 10.0, HOUR);
    assert_true(urne_window_take(&w, 12.0, HOUR, 3) == 0);
    assert_true(urne_window_take(&w, 12.0, HOUR, 3) > 0);
    /* A place taken in the previous period is given back from it. */
    urne_window_give_back(&w, 12.0, HOUR);
    assert_int_equal(urne_window_count(&w, 10.0 + HOUR, HOUR), 2);
    urne_window_give_back(&w, 12.0, HOUR);
    assert_int_equal(w.previous, 1);
    /* Two idle periods: everything forgotten; a moment never held: nothing given back. */
    assert_true(urne_window_count(&w, 10.0 + 3 * HOUR, HOUR) == 0);
    urne_window_give_back(&w, 5.0, HOUR);
    assert_int_equal(w.current, 0);
    assert_int_equal(w.previous, 0);
}

/* A client asking again the moment it is told it may, for 30 hours: in no hour
 * (at any start) more than twice the limit, and on average the limit an hour. */
static void test_greedy_client_bound(void **state) {
    (void)state;
    enum { LIMIT = 20, MAX = 2000 };
    static double taken[MAX];
    size_t n = 0;
    urne_window w = {0};
    double t = 0;
    while (t < 30 * HOUR) {
        double wait = urne_window_take(&w, t, HOUR, LIMIT);
        if (wait == 0) {
            assert_true(n < MAX);
            taken[n++] = t;
            t += 0.5;
        } else {
            t += wait + 1e-6;
        }
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        while (taken[i] - taken[j] >= HOUR) j++;
        assert_true(i - j + 1 <= 2 * LIMIT);
    }
    assert_true(n <= 31 * LIMIT);
    assert_true(n >= 30 * LIMIT - 1); /* and not held back more than the rule says: LIMIT an hour */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fills_then_refuses),
        cmocka_unit_test(test_boundary_no_double_allowance),
        cmocka_unit_test(test_wait_is_exact),
        cmocka_unit_test(test_give_back),
        cmocka_unit_test(test_greedy_client_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
