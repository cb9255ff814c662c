/*
 * test_pg_snap: PostgreSQL's snapshots as the watch reads them (store/pg_start.c),
 * with no database: a snapshot's text parsed (pg_current_snapshot's
 * "XMIN:XMAX:XIP,XIP..."), whether it shows a transaction complete (below XMIN;
 * below XMAX and not listed; never at or above XMAX), and a text not as
 * PostgreSQL writes it refused with the snapshot held before kept; and the
 * snapshots kept per object read again alone (urne_pg_seen: an initiative's
 * covers its signatures, never another initiative's). A wrong answer here would
 * make a server count a signature twice after a reload, or miss one
 * (store/pg_watch.c, "Any reload of everything").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

/* What reads told the watch they saw (urne_pg_seen): a read of one object covers
 * it and what is under it, never another object (initiative/1 is not initiative/10),
 * a later read of it takes the place of the earlier, and a read of everything
 * covers all and drops the objects' (a later snapshot sees all they saw). */
static void scopes(void **state) {
    (void)state;
    urne_pg_seen seen = {0};
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/1/signed/T1", 5), 0); /* nothing read */
    assert_int_equal(urne_pg_seen_keep(&seen, NULL, "100:100:"), 0);            /* everything, at 100 */
    assert_int_equal(urne_pg_seen_keep(&seen, "initiative/1", "200:210:205"), 0);
    assert_int_equal(urne_pg_seen_keep(&seen, "initiative/10", "300:300:"), 0);
    assert_int_equal(urne_pg_seen_keep(&seen, "forum/2", "150:150:"), 0);
    assert_int_equal(seen.n, 3);
    assert_string_equal(seen.scoped[0].scope, "forum/2"); /* sorted */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/3/signed/T1", 99), 1);   /* the read of everything's */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/3/signed/T1", 150), 0);  /* in no read of 3 */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/1/signed/T1", 150), 1);  /* the read of 1 saw it */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/1", 209), 1);             /* the object itself */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/1/signed/T1", 205), 0);  /* in progress then */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/1/signed/T1", 210), 0);  /* after it */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/10/signed/T1", 250), 1); /* 10's, not 1's */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/100/signed/T1", 250), 0);
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/1x/signed/T1", 150), 0); /* a parent by '/' only */
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative", 150), 0);             /* a child's read, not its own */
    assert_int_equal(urne_pg_seen_saw(&seen, "forum/2/tally/+a", 120), 1);
    /* A later read of 1 in the place of the earlier; a text refused keeps what was kept. */
    assert_int_equal(urne_pg_seen_keep(&seen, "initiative/1", "400:400:"), 0);
    assert_int_equal(seen.n, 3);
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/1/signed/T1", 205), 1);
    assert_int_equal(urne_pg_seen_keep(&seen, "initiative/1", "not a snapshot"), -1);
    assert_int_equal(urne_pg_seen_keep(&seen, "initiative/2", "10:"), -1);
    assert_int_equal(urne_pg_seen_keep(&seen, "", "10:10:"), -1);
    char longest[97];
    memset(longest, 'a', 96);
    longest[96] = 0;
    assert_int_equal(urne_pg_seen_keep(&seen, longest, "10:10:"), -1); /* no object is so long */
    longest[95] = 0;
    assert_int_equal(urne_pg_seen_keep(&seen, longest, "10:10:"), 0);
    assert_int_equal(seen.n, 4);
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/1/signed/T1", 399), 1);
    /* Many objects (the list grows), each its own. */
    for (int i = 100; i < 140; i++) {
        char scope[32];
        snprintf(scope, sizeof scope, "initiative/%d", i);
        assert_int_equal(urne_pg_seen_keep(&seen, scope, i % 2 ? "500:500:" : "110:110:"), 0);
    }
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/101/signed/T", 499), 1);
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/102/signed/T", 499), 0);
    /* Everything read again: later than all, the objects' dropped. */
    assert_int_equal(urne_pg_seen_keep(&seen, NULL, "600:600:"), 0);
    assert_int_equal(seen.n, 0);
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/102/signed/T", 599), 1);
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/102/signed/T", 600), 0);
    urne_pg_seen_free(&seen);
    assert_int_equal(urne_pg_seen_saw(&seen, "initiative/102/signed/T", 1), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_and_answers),
        cmocka_unit_test(refuses_what_is_not_a_snapshot),
        cmocka_unit_test(decimals),
        cmocka_unit_test(scopes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
