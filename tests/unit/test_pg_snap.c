/*
 * test_pg_snap: PostgreSQL's snapshots as the watch reads them (store/pg_start.c),
 * with no database: a snapshot's text parsed (pg_current_snapshot's
 * "XMIN:XMAX:XIP,XIP..."), whether it shows a transaction complete (below XMIN;
 * below XMAX and not listed; never at or above XMAX), and a text not as
 * PostgreSQL writes it refused with the snapshot held before kept. A wrong
 * answer here would make a server count a signature twice after a reload, or
 * miss one (store/pg_watch.c, "Any reload of everything").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/store/pg_internal.h"

static void parses_and_answers(void **state) {
    (void)state;
    urne_pg_snap sn = {0};
    assert_int_equal(urne_pg_snap_saw(&sn, 1), 0); /* none held: nothing seen */
    assert_int_equal(urne_pg_snap_parse(&sn, "740:790:740,755,789"), 0);
    assert_int_equal(sn.nxip, 3);
    assert_int_equal(urne_pg_snap_saw(&sn, 739), 1);  /* below xmin */
    assert_int_equal(urne_pg_snap_saw(&sn, 740), 0);  /* in progress */
    assert_int_equal(urne_pg_snap_saw(&sn, 741), 1);  /* complete between */
    assert_int_equal(urne_pg_snap_saw(&sn, 755), 0);
    assert_int_equal(urne_pg_snap_saw(&sn, 788), 1);
    assert_int_equal(urne_pg_snap_saw(&sn, 789), 0);
    assert_int_equal(urne_pg_snap_saw(&sn, 790), 0);  /* at xmax: after it */
    assert_int_equal(urne_pg_snap_saw(&sn, 5000), 0);
    assert_int_equal(urne_pg_snap_parse(&sn, "800:800:"), 0); /* none in progress */
    assert_int_equal(sn.nxip, 0);
    assert_int_equal(urne_pg_snap_saw(&sn, 799), 1);
    assert_int_equal(urne_pg_snap_saw(&sn, 800), 0);
    /* Beyond 32 bits (xid8: the epoch above). */
    assert_int_equal(urne_pg_snap_parse(&sn, "4294967396:4294967400:4294967398"), 0);
    assert_int_equal(urne_pg_snap_saw(&sn, 4294967397ULL), 1);
    assert_int_equal(urne_pg_snap_saw(&sn, 4294967398ULL), 0);
    assert_int_equal(urne_pg_snap_saw(&sn, 100), 1);
    urne_pg_snap_free(&sn);
    assert_int_equal(sn.set, 0);
}

static void refuses_what_is_not_a_snapshot(void **state) {
    (void)state;
    urne_pg_snap sn = {0};
    assert_int_equal(urne_pg_snap_parse(&sn, "10:20:15"), 0);
    const char *bad[] = {"", "10", "10:20", "10:20:x", "10:20:15,", "10:20:,15", "-1:20:", "10:20:15 ", " 10:20:",
                         "10::", "99999999999999999999999:1:"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(urne_pg_snap_parse(&sn, bad[i]), -1);
        assert_int_equal(sn.xmin, 10); /* the one held before, kept */
        assert_int_equal(sn.nxip, 1);
        assert_int_equal(urne_pg_snap_saw(&sn, 15), 0);
        assert_int_equal(urne_pg_snap_saw(&sn, 16), 1);
    }
    urne_pg_snap_free(&sn);
}

static void decimals(void **state) {
    (void)state;
    const char *p = "123 x";
    uint64_t v = 0;
    assert_int_equal(urne_pg_decimal(&p, &v), 0);
    assert_int_equal(v, 123);
    assert_string_equal(p, " x");
    p = "+1";
    assert_int_equal(urne_pg_decimal(&p, &v), -1);
    p = " 1";
    assert_int_equal(urne_pg_decimal(&p, &v), -1);
    p = "";
    assert_int_equal(urne_pg_decimal(&p, &v), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_and_answers),
        cmocka_unit_test(refuses_what_is_not_a_snapshot),
        cmocka_unit_test(decimals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
