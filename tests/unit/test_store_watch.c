/*
 * test_store_watch: SQLite's watch (store/sqlite_watch.c) and the seqs a handle
 * keeps as its own (store/store_own.c).
 *
 * The ranges: a transaction in flight is neither its handle's nor another's
 * until it settles (kept when committed, dropped when not); consecutive ranges
 * merge; the oldest is forgotten when the ring is full; switching off forgets all.
 *
 * The watch: a "server" store on a file with its watch open and a "command line"
 * store on the same file. What the command line appends is reported, in order,
 * with its kind (the action's first word), object, seq and after text; what the
 * server appends itself is not; writes with no audit entry (the server's
 * signatures) report nothing; a batch fuller than the caller's room is reported
 * over several waits, none missed; an object too long to name says RESYNC. The
 * CLI-side handle, with no watch open, keeps no seqs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../src/store/store.h"
#include "../../src/store/store_own.h"

static void test_own_ranges(void **state) {
    (void)state;
    urne_store_own o;
    urne_store_own_init(&o);
    urne_store_own_flight(&o, 3, 4); /* off: nothing kept */
    urne_store_own_settle(&o, 1);
    assert_int_equal(urne_store_own_whose(&o, 3), 0);
    urne_store_own_switch(&o, 1);
    urne_store_own_flight(&o, 5, 7);
    assert_int_equal(urne_store_own_whose(&o, 4), 0);
    assert_int_equal(urne_store_own_whose(&o, 5), -1); /* in flight: unknown yet */
    assert_int_equal(urne_store_own_whose(&o, 7), -1);
    urne_store_own_settle(&o, 0); /* rolled back: the seqs are the next writer's */
    assert_int_equal(urne_store_own_whose(&o, 5), 0);
    urne_store_own_flight(&o, 5, 6);
    urne_store_own_settle(&o, 1);
    urne_store_own_flight(&o, 7, 7);
    urne_store_own_settle(&o, 1); /* merged with 5..6 */
    urne_store_own_flight(&o, 10, 10);
    urne_store_own_settle(&o, 1);
    assert_int_equal(urne_store_own_whose(&o, 5), 1);
    assert_int_equal(urne_store_own_whose(&o, 7), 1);
    assert_int_equal(urne_store_own_whose(&o, 8), 0);
    assert_int_equal(urne_store_own_whose(&o, 10), 1);
    assert_int_equal(urne_store_own_whose(&o, 11), 0);
    /* Full: the oldest forgotten (read back as another's), the newest kept. */
    for (int64_t i = 0; i < URNE_STORE_OWN + 2; i++) {
        urne_store_own_flight(&o, 100 + 2 * i, 100 + 2 * i);
        urne_store_own_settle(&o, 1);
    }
    assert_int_equal(urne_store_own_whose(&o, 100), 0);
    assert_int_equal(urne_store_own_whose(&o, 100 + 2 * (URNE_STORE_OWN + 1)), 1);
    /* The cursor moved past the ranges that follow it, and only those. */
    urne_store_own_switch(&o, 1);
    for (int64_t first = 1; first <= 7; first += 3) { /* 1..2, 4..5, 7..8 */
        urne_store_own_flight(&o, first, first + 1);
        urne_store_own_settle(&o, 1);
    }
    int64_t cursor = 0;
    urne_store_own_skip(&o, &cursor);
    assert_int_equal(cursor, 2); /* 3 is another's: it stops there */
    cursor = 3;
    urne_store_own_skip(&o, &cursor);
    assert_int_equal(cursor, 5);
    assert_int_equal(urne_store_own_whose(&o, 7), 1); /* not skipped yet: still held */
    urne_store_own_switch(&o, 0);
    assert_int_equal(urne_store_own_whose(&o, 7), 0);
    urne_store_own_destroy(&o);
}

static char path[256];

static urne_store *open_file(void) {
    char err[600];
    urne_store *s = urne_store_open(path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

static void audit(urne_store *s, const char *action, const char *object, const char *after) {
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_audit(s, "ana", action, object, NULL, after), 0);
    assert_int_equal(urne_store_commit(s), 0);
}

/* Wait (a generous bound) until the watch reports something: the event, the
 * changes in out and their number in *n. */
static urne_store_watch_event heard(urne_store_watch *w, urne_store_change *out, size_t cap, size_t *n) {
    for (int i = 0; i < 200; i++) {
        urne_store_watch_event ev = urne_store_watch_wait(w, 100, out, cap, n);
        if (ev != URNE_WATCH_QUIET) return ev;
    }
    return URNE_WATCH_QUIET;
}

static void test_watch(void **state) {
    (void)state;
    snprintf(path, sizeof path, "/tmp/urne-test-watch-%ld.db", (long)getpid());
    unlink(path);
    urne_store *server = open_file(), *cli = open_file();
    assert_true(urne_store_can_watch(server));
    char err[600];
    urne_store_watch *w = urne_store_watch_open(server, err, sizeof err);
    if (w == NULL) fail_msg("%s", err);
    static urne_store_change out[4];
    size_t n = 0;
    assert_int_equal(urne_store_watch_wait(w, 10, out, 4, &n), URNE_WATCH_QUIET);

    audit(server, "initiative.create", "initiative/1", "{\"id\":1}"); /* its own: never reported */
    assert_int_equal(urne_store_announce(server, "initiative.sign", "initiative/1/signed/Nord"), 0);
    audit(cli, "initiative.roll", "initiative/1", "{\"id\":1,\"entries\":3}");
    audit(server, "user.create", "user/2", "{}");
    audit(cli, "election.create", "election/1", "{\"id\":1}");
    assert_int_equal(heard(w, out, 4, &n), URNE_WATCH_CHANGES);
    size_t got = n;
    if (got < 2) { /* the second may come at the next look */
        assert_int_equal(heard(w, out + got, 4 - got, &n), URNE_WATCH_CHANGES);
        got += n;
    }
    assert_int_equal(got, 2);
    assert_string_equal(out[0].kind, "initiative");
    assert_string_equal(out[0].object, "initiative/1");
    assert_int_equal(out[0].seq, 2);
    assert_string_equal(out[0].after, "{\"id\":1,\"entries\":3}");
    assert_string_equal(out[1].kind, "election");
    assert_string_equal(out[1].object, "election/1");
    assert_int_equal(out[1].seq, 4);
    assert_int_equal(urne_store_watch_wait(w, 300, out, 4, &n), URNE_WATCH_QUIET);

    /* A batch bigger than the room: over several waits, in order, none missed. */
    for (int i = 0; i < 10; i++) {
        char object[32];
        snprintf(object, sizeof object, "user/%d", 10 + i);
        audit(cli, "user.create", object, "{}");
    }
    int next = 10;
    for (int turns = 0; next < 20 && turns < 20; turns++) {
        if (heard(w, out, 3, &n) != URNE_WATCH_CHANGES) break;
        assert_true(n <= 3);
        for (size_t k = 0; k < n; k++) {
            char object[32];
            snprintf(object, sizeof object, "user/%d", next++);
            assert_string_equal(out[k].object, object);
            assert_string_equal(out[k].kind, "user");
        }
    }
    assert_int_equal(next, 20);

    /* An object no change can name: everything read again. */
    char object[200];
    memset(object, 'x', sizeof object - 1);
    object[sizeof object - 1] = 0;
    memcpy(object, "user/", 5);
    audit(cli, "user.create", object, "{}");
    assert_int_equal(heard(w, out, 4, &n), URNE_WATCH_RESYNC);
    audit(cli, "notice.publish", "notice/1", "{}");
    assert_int_equal(heard(w, out, 4, &n), URNE_WATCH_CHANGES);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].object, "notice/1");

    urne_store_watch_close(w);
    urne_store_close(cli);
    urne_store_close(server);
    static const char *const ext[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s%s", path, ext[i]);
        unlink(p);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_ranges),
        cmocka_unit_test(test_watch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
