/*
 * test_audit: the audit log's hash chain (audit/chain) and its replay against the
 * stored rows (audit/replay, with the store's records and readers in
 * store/audit_json and store/sqlite_replay): entries folded into the expected
 * rows, every differing field named with both values, rows deleted or added,
 * entries written before urne recorded resulting rows reported as not compared.
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
#include <sqlite3.h>

#include "../../src/audit/audit.h"
#include "../../src/audit/replay.h"
#include "../../src/store/store.h"
#include "../../src/app/import.h"

/* ---- the chain ---- */

static void chain(urne_audit_entry *e, char bodies[][64], size_t n) {
    for (size_t i = 0; i < n; i++) {
        snprintf(bodies[i], 64, "{\"sheet\":{\"bureau\":%zu}}", i);
        e[i] = (urne_audit_entry){.at = "2026-12-04T10:00:00Z", .actor = "alice", .action = "sheet.enter",
                                  .object = "election/1/bureau/0", .before = "null", .after = bodies[i]};
        urne_audit_seal(&e[i], (int64_t)i, i ? e[i - 1].hash : NULL);
    }
}

/* The seq of the first bad entry (0 when sound), its sentence in why. */
static int64_t check(const urne_audit_entry *e, size_t n, int64_t head_seq, const char *head, char why[300]) {
    urne_audit_check c;
    urne_audit_check_init(&c);
    for (size_t i = 0; i < n; i++)
        if (urne_audit_check_next(&c, &e[i]) < 0) break;
    urne_audit_check_end(&c, head_seq, head);
    memcpy(why, c.why, 300);
    return c.bad_seq;
}

static void test_chain_sealed_and_checked(void **state) {
    urne_audit_entry e[4];
    char bodies[4][64], why[300];
    chain(e, bodies, 4);
    assert_int_equal(e[0].seq, 1);
    assert_string_equal(e[0].prev, URNE_AUDIT_GENESIS);
    assert_string_equal(e[3].prev, e[2].hash);
    assert_int_equal(strlen(e[3].hash), 64);
    assert_int_equal(check(e, 4, 4, e[3].hash, why), 0);
    char again[URNE_AUDIT_HASH_HEX];
    urne_audit_hash(&e[2], again);
    assert_string_equal(again, e[2].hash);
}

static void test_chain_tampered_entry(void **state) {
    urne_audit_entry e[4];
    char bodies[4][64], why[300];
    chain(e, bodies, 4);
    e[1].actor = "mallory";
    assert_int_equal(check(e, 4, 4, e[3].hash, why), 2);
    assert_non_null(strstr(why, "entry 2 was altered"));
    urne_audit_hash(&e[1], e[1].hash); /* rehashed: the next link tells */
    assert_int_equal(check(e, 4, 4, e[3].hash, why), 3);
    assert_non_null(strstr(why, "does not link"));
}

static void test_chain_removed_entries(void **state) {
    urne_audit_entry e[4];
    char bodies[4][64], why[300];
    chain(e, bodies, 4);
    urne_audit_entry gap[3] = {e[0], e[2], e[3]};
    assert_int_equal(check(gap, 3, 4, e[3].hash, why), 2);
    assert_non_null(strstr(why, "entry 2 was removed"));
    assert_int_equal(check(e, 3, 4, e[3].hash, why), 4); /* the tail: only the head tells */
    assert_non_null(strstr(why, "removed from the end"));
}

/* ---- the replay, on structs ---- */

#define MAX_SEEN 32
typedef struct seen {
    urne_audit_diff d[MAX_SEEN];
    size_t n;
    char notes[4][400];
    size_t nnotes;
} seen;

static void on_diff(const urne_audit_diff *d, void *ctx) {
    seen *s = ctx;
    if (s->n < MAX_SEEN) s->d[s->n] = *d;
    s->n++;
}

static void on_note(const char *sentence, void *ctx) {
    seen *s = ctx;
    if (s->nnotes < 4) snprintf(s->notes[s->nnotes], sizeof s->notes[0], "%s", sentence);
    s->nnotes++;
}

/* Two votes that stay put while a test runs: the figures of the records below
 * point here (the replay copies what it is given, so the records own nothing
 * and are never freed). */
static int64_t *pair(int64_t a, int64_t b) {
    static int64_t ring[256][2];
    static size_t next;
    int64_t *p = ring[next++ % 256];
    p[0] = a;
    p[1] = b;
    return p;
}

static urne_audit_sheet sheet(const char *state, int64_t votants, int64_t a, int64_t b) {
    urne_audit_sheet s = {.has_figures = 1, .entered_by = 2};
    snprintf(s.state, sizeof s.state, "%s", state);
    snprintf(s.entered_at, sizeof s.entered_at, "2026-12-04T10:00:00Z");
    s.figures = (urne_figures){.inscrits = 100, .votants = votants, .blancs = 1, .nuls = 1,
                               .exprimes = a + b, .nvotes = 2, .votes = pair(a, b)};
    return s;
}

static urne_audit_election election(int64_t id, size_t nbureaux, int full) {
    urne_audit_election m = {.id = id, .full = full, .round = 1, .nbureaux = nbureaux};
    snprintf(m.title, sizeof m.title, "Primaire");
    snprintf(m.preset, sizeof m.preset, "primary");
    snprintf(m.created_at, sizeof m.created_at, "2026-12-04T09:00:00Z");
    if (full) snprintf(m.structure, sizeof m.structure, "5e1f");
    return m;
}

static void test_replay_folds_and_names_differences(void **state) {
    urne_audit_replay *r = urne_audit_replay_new();
    urne_audit_election m = election(1, 3, 1);
    urne_audit_sheet created[3] = {sheet("entered", 52, 30, 20), sheet("entered", 62, 40, 20),
                                   sheet("missing", 0, 0, 0)};
    created[2].has_figures = 0;
    assert_int_equal(urne_audit_replay_created(r, 2, &m, created), 0);
    urne_audit_sheet later = sheet("entered", 72, 50, 20);
    assert_int_equal(urne_audit_replay_sheet(r, 5, 1, 2, &later), 0); /* entry 5 enters bureau 2 */
    assert_int_equal(urne_audit_replay_published(r, 6, 1, "2026-12-04T11:00:00Z", "abc"), 0);

    /* The store as the log says: nothing differs. */
    seen s = {0};
    urne_audit_election stored = m;
    snprintf(stored.published_at, sizeof stored.published_at, "2026-12-04T11:00:00Z");
    snprintf(stored.published_digest, sizeof stored.published_digest, "abc");
    assert_int_equal(urne_audit_replay_compare_election(r, &stored, on_diff, &s), 0);
    assert_int_equal(urne_audit_replay_compare_sheet(r, 1, 0, &created[0], on_diff, &s), 0);
    assert_int_equal(urne_audit_replay_compare_sheet(r, 1, 2, &later, on_diff, &s), 0);

    /* Figures and state changed behind the log's back: each field named, both values, the entry. */
    urne_audit_sheet forged = created[1];
    forged.figures.votants = 65;
    forged.figures.votes = pair(created[1].figures.votes[0], 23);
    snprintf(forged.state, sizeof forged.state, "validated");
    assert_int_equal(urne_audit_replay_compare_sheet(r, 1, 1, &forged, on_diff, &s), 3);
    assert_string_equal(s.d[0].table, "bureau");
    assert_int_equal(s.d[0].election, 1);
    assert_int_equal(s.d[0].id, 1);
    assert_string_equal(s.d[0].field, "state");
    assert_string_equal(s.d[0].stored, "\"validated\"");
    assert_string_equal(s.d[0].logged, "\"entered\"");
    assert_int_equal(s.d[0].seq, 2);
    assert_string_equal(s.d[1].field, "figures.votants");
    assert_string_equal(s.d[1].stored, "65");
    assert_string_equal(s.d[1].logged, "62");
    assert_string_equal(s.d[2].field, "figures.votes[1]");

    /* Figures removed; a publication altered; a bureau the log never created. */
    urne_audit_sheet none = later;
    none.has_figures = 0;
    s.n = 0;
    assert_int_equal(urne_audit_replay_compare_sheet(r, 1, 2, &none, on_diff, &s), 1);
    assert_string_equal(s.d[0].field, "figures");
    assert_string_equal(s.d[0].stored, "(none)");
    assert_non_null(strstr(s.d[0].logged, "votants 72"));
    snprintf(stored.published_digest, sizeof stored.published_digest, "abd");
    assert_int_equal(urne_audit_replay_compare_election(r, &stored, on_diff, &s), 1);
    assert_string_equal(s.d[1].field, "published_digest");
    assert_int_equal(s.d[1].seq, 6);
    assert_int_equal(urne_audit_replay_compare_sheet(r, 1, 3, &later, on_diff, &s), 1);
    assert_string_equal(s.d[2].field, "row");
    assert_string_equal(s.d[2].logged, "(no row)");

    /* finish: every row was passed; 6 differences in all, 1 election and 3 bureaux compared. */
    urne_audit_replay_stats st;
    s.n = 0;
    assert_int_equal(urne_audit_replay_finish(r, on_diff, on_note, &s, &st), 0);
    assert_int_equal(st.differences, 6);
    assert_int_equal(st.elections, 1);
    assert_int_equal(st.sheets, 3);
    assert_int_equal(st.not_compared, 0);
    assert_int_equal(s.nnotes, 0);
    urne_audit_replay_free(r);
}

static void test_replay_deleted_rows_and_contradictions(void **state) {
    urne_audit_replay *r = urne_audit_replay_new();
    urne_audit_election m = election(2, 2, 1);
    urne_audit_sheet created[2] = {sheet("entered", 52, 30, 20), sheet("entered", 62, 40, 20)};
    assert_int_equal(urne_audit_replay_created(r, 1, &m, created), 0);
    assert_int_equal(urne_audit_replay_created(r, 3, &m, created), -1); /* created twice */
    assert_non_null(
        strstr(urne_audit_replay_error(r), "entry 3: it creates election 2, which entry 1 already created"));
    assert_int_equal(urne_audit_replay_sheet(r, 4, 2, 9, &created[0]), -1);
    assert_non_null(strstr(urne_audit_replay_error(r), "bureau 9, which election 2 does not have"));
    urne_audit_user u = {.id = 1, .tier = 1};
    snprintf(u.name, sizeof u.name, "admin");
    snprintf(u.role, sizeof u.role, "admin");
    assert_int_equal(urne_audit_replay_user(r, 5, 1, &u), 0);

    /* The store lost bureau 1 and the account; it gained an account and a role. */
    seen s = {0};
    assert_int_equal(urne_audit_replay_compare_election(r, &m, on_diff, &s), 0);
    assert_int_equal(urne_audit_replay_compare_sheet(r, 2, 0, &created[0], on_diff, &s), 0);
    urne_audit_user extra = {.id = 7, .tier = 1};
    snprintf(extra.name, sizeof extra.name, "mallory");
    snprintf(extra.role, sizeof extra.role, "admin");
    assert_int_equal(urne_audit_replay_compare_user(r, &extra, on_diff, &s), 1);
    assert_string_equal(s.d[0].table, "user");
    assert_string_equal(s.d[0].logged, "(no row)");
    urne_audit_replay_stats st;
    assert_int_equal(urne_audit_replay_finish(r, on_diff, on_note, &s, &st), 2);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.d[1].table, "bureau");
    assert_int_equal(s.d[1].id, 1);
    assert_string_equal(s.d[1].stored, "(no row)");
    assert_non_null(strstr(s.d[1].logged, "entered; inscrits 100, votants 62"));
    assert_string_equal(s.d[2].table, "user");
    assert_int_equal(s.d[2].id, 1);
    assert_int_equal(st.differences, 3);
    urne_audit_replay_free(r);
}

static void test_replay_disputes(void **state) {
    urne_audit_replay *r = urne_audit_replay_new();
    urne_audit_election m = election(1, 1, 1);
    urne_audit_sheet created = sheet("entered", 52, 30, 20);
    assert_int_equal(urne_audit_replay_created(r, 1, &m, &created), 0);
    urne_audit_dispute d = {.id = 1, .election = 1, .bureau = 0, .tier = 1, .has_before = 1};
    d.before = created.figures;
    snprintf(d.state, sizeof d.state, "open");
    assert_int_equal(urne_audit_replay_dispute(r, 2, 1, 0, 1, &d), 0);
    snprintf(d.state, sizeof d.state, "decided");
    snprintf(d.decision, sizeof d.decision, "validate");
    assert_int_equal(urne_audit_replay_dispute(r, 3, 1, 0, 1, &d), 0);
    urne_audit_dispute appeal = d;
    appeal.id = 2;
    appeal.tier = 2;
    appeal.escalated_from = 1;
    snprintf(appeal.state, sizeof appeal.state, "open");
    appeal.decision[0] = 0;
    assert_int_equal(urne_audit_replay_dispute(r, 4, 1, 0, 2, &appeal), 0);
    size_t bureau = 99;
    assert_int_equal(urne_audit_replay_dispute_bureau(r, 1, 2, &bureau), 0);
    assert_int_equal(bureau, 0);
    assert_int_equal(urne_audit_replay_dispute_bureau(r, 1, 3, &bureau), -1);

    /* The appeal left dispute 1 escalated: the store agrees. Its decision was rewritten. */
    seen s = {0};
    assert_int_equal(urne_audit_replay_compare_election(r, &m, on_diff, &s), 0);
    urne_audit_dispute stored = d;
    snprintf(stored.state, sizeof stored.state, "escalated");
    assert_int_equal(urne_audit_replay_compare_dispute(r, &stored, on_diff, &s), 0);
    snprintf(stored.decision, sizeof stored.decision, "annul");
    assert_int_equal(urne_audit_replay_compare_dispute(r, &stored, on_diff, &s), 1);
    assert_string_equal(s.d[0].table, "dispute");
    assert_string_equal(s.d[0].field, "decision");
    assert_string_equal(s.d[0].stored, "\"annul\"");
    assert_string_equal(s.d[0].logged, "\"validate\"");
    assert_int_equal(s.d[0].seq, 4);
    /* The appeal itself was deleted from the store. */
    urne_audit_replay_stats st;
    assert_int_equal(urne_audit_replay_finish(r, on_diff, on_note, &s, &st), 2); /* the bureau and dispute 2 */
    assert_string_equal(s.d[2].table, "dispute");
    assert_int_equal(s.d[2].id, 2);
    assert_int_equal(st.disputes, 1);
    urne_audit_replay_free(r);
}


static urne_audit_typed typed(int64_t user, int64_t a, int64_t b) {
    urne_audit_typed t = {.user = user, .has_figures = 1};
    t.figures = (urne_figures){.inscrits = 100, .votants = a + b + 2, .blancs = 1, .nuls = 1, .exprimes = -1,
                               .nvotes = 2, .votes = pair(a, b)};
    return t;
}

static void test_replay_typed_entries(void **state) {
    urne_audit_replay *r = urne_audit_replay_new();
    urne_audit_election m = election(1, 2, 1);
    urne_audit_sheet created[2] = {sheet("missing", 0, 0, 0), sheet("missing", 0, 0, 0)};
    assert_int_equal(urne_audit_replay_created(r, 1, &m, created), 0);
    urne_audit_typed t1 = typed(2, 20, 21), t2 = typed(3, 21, 20), t3 = typed(3, 20, 21);
    assert_int_equal(urne_audit_replay_typed(r, 2, 1, 0, &t1), 0);
    assert_int_equal(urne_audit_replay_typed(r, 3, 1, 0, &t2), 0);
    assert_int_equal(urne_audit_replay_typed(r, 4, 1, 0, &t3), 0);
    assert_int_equal(urne_audit_replay_typed(r, 5, 1, 1, NULL), 0); /* bureau 1: not recorded */

    /* The store lost the second typed entry: named as missing, the third still matches. */
    seen s = {0};
    assert_int_equal(urne_audit_replay_compare_typed(r, 1, 0, &t1, on_diff, &s), 0);
    assert_int_equal(urne_audit_replay_compare_typed(r, 1, 0, &t3, on_diff, &s), 1);
    assert_string_equal(s.d[0].table, "entry");
    assert_int_equal(s.d[0].nth, 2);
    assert_int_equal(s.d[0].seq, 3);
    assert_string_equal(s.d[0].stored, "(no row)");
    assert_non_null(strstr(s.d[0].logged, "by user 3: inscrits 100, votants 43"));
    /* One typed later by hand: an extra row. Bureau 1's are not compared. */
    urne_audit_typed forged = typed(9, 1, 1);
    assert_int_equal(urne_audit_replay_compare_typed(r, 1, 0, &forged, on_diff, &s), 1);
    assert_string_equal(s.d[1].stored, "by user 9: inscrits 100, votants 4, blancs 1, nuls 1, exprimes not stated, "
                                       "votes 1 1");
    assert_string_equal(s.d[1].logged, "(no row)");
    assert_int_equal(urne_audit_replay_compare_typed(r, 1, 1, &forged, on_diff, &s), 0);
    /* Changed figures in a typed entry: the field named. */
    urne_audit_replay *r2 = urne_audit_replay_new();
    assert_int_equal(urne_audit_replay_created(r2, 1, &m, created), 0);
    assert_int_equal(urne_audit_replay_typed(r2, 2, 1, 0, &t1), 0);
    urne_audit_typed changed = t1;
    changed.figures.votes = pair(t1.figures.votes[0], 25);
    assert_int_equal(urne_audit_replay_compare_typed(r2, 1, 0, &changed, on_diff, &s), 1);
    assert_string_equal(s.d[2].field, "figures.votes[1]");
    assert_int_equal(s.d[2].nth, 1);
    urne_audit_replay_free(r2);

    urne_audit_replay_stats st;
    s.nnotes = 0;
    urne_audit_replay_compare_election(r, &m, on_diff, &s);
    urne_audit_replay_compare_sheet(r, 1, 0, &created[0], on_diff, &s);
    urne_audit_replay_compare_sheet(r, 1, 1, &created[1], on_diff, &s);
    assert_int_equal(urne_audit_replay_finish(r, on_diff, on_note, &s, &st), 0);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.not_compared, 1);
    assert_int_equal(s.nnotes, 1);
    assert_non_null(strstr(s.notes[0], "the typed entries of 1 bureau(x) not compared (1)"));
    urne_audit_replay_free(r);
}

static void test_replay_reopened_publication(void **state) {
    urne_audit_replay *r = urne_audit_replay_new();
    urne_audit_election m = election(1, 0, 1);
    assert_int_equal(urne_audit_replay_created(r, 1, &m, NULL), 0);
    assert_int_equal(urne_audit_replay_reopened(r, 2, 1, "2026-12-04T12:00:00Z", "x"), -1); /* nothing published */
    assert_non_null(strstr(urne_audit_replay_error(r), "entry 2: it reopens election 1"));
    assert_int_equal(urne_audit_replay_published(r, 3, 1, "2026-12-04T11:00:00Z", "d1"), 0);
    assert_int_equal(urne_audit_replay_reopened(r, 4, 1, "2026-12-04T12:00:00Z", "bureau 3 contested: late"), 0);
    urne_audit_election stored = m;
    snprintf(stored.published_at, sizeof stored.published_at, "2026-12-04T11:00:00Z");
    snprintf(stored.published_digest, sizeof stored.published_digest, "d1");
    snprintf(stored.reopened_at, sizeof stored.reopened_at, "2026-12-04T12:00:00Z");
    snprintf(stored.reopened_reason, sizeof stored.reopened_reason, "bureau 3 contested: late");
    seen s = {0};
    assert_int_equal(urne_audit_replay_compare_election(r, &stored, on_diff, &s), 0);

    /* Published again: the reopened one becomes the previous one, the reopening is cleared. */
    assert_int_equal(urne_audit_replay_published(r, 5, 1, "2026-12-04T13:00:00Z", "d2"), 0);
    urne_audit_election now = m;
    snprintf(now.published_at, sizeof now.published_at, "2026-12-04T13:00:00Z");
    snprintf(now.published_digest, sizeof now.published_digest, "d2");
    snprintf(now.previous_published_at, sizeof now.previous_published_at, "2026-12-04T11:00:00Z");
    snprintf(now.previous_digest, sizeof now.previous_digest, "d1");
    snprintf(now.previous_reopened_at, sizeof now.previous_reopened_at, "2026-12-04T12:00:00Z");
    snprintf(now.previous_reopened_reason, sizeof now.previous_reopened_reason, "bureau 3 contested: late");
    assert_int_equal(urne_audit_replay_compare_election(r, &now, on_diff, &s), 0);
    /* The stored row still says reopened: named, against the entry that published. */
    assert_int_equal(urne_audit_replay_compare_election(r, &stored, on_diff, &s), 8);
    assert_string_equal(s.d[0].field, "published_at");
    assert_int_equal(s.d[0].seq, 5);
    assert_string_equal(s.d[2].field, "reopened_at");
    assert_string_equal(s.d[2].stored, "\"2026-12-04T12:00:00Z\"");
    assert_string_equal(s.d[2].logged, "\"\"");
    urne_audit_replay_free(r);
}

static void test_replay_assignments(void **state) {
    urne_audit_replay *r = urne_audit_replay_new();
    urne_audit_election m = election(1, 10, 1);
    assert_int_equal(urne_audit_replay_created(r, 1, &m, NULL), 0);
    assert_int_equal(urne_audit_replay_assigned(r, 2, 5, 1, 2, 4), 0);
    assert_int_equal(urne_audit_replay_assigned(r, 3, 5, 1, 4, 5), 0); /* 4 again: no new row */
    assert_int_equal(urne_audit_replay_assigned(r, 4, 6, 1, 0, 0), 0);
    assert_int_equal(urne_audit_replay_assigned(r, 5, 6, 1, 9, 10), -1); /* bureau 10 does not exist */
    assert_non_null(strstr(urne_audit_replay_error(r), "bureau 10, which election 1 does not have"));

    /* The store: user 5 lost bureau 3, and got bureau 7 by hand; user 6 as logged. */
    seen s = {0};
    size_t stored[] = {2, 4, 5, 7};
    for (size_t i = 0; i < 4; i++) urne_audit_replay_compare_assignment(r, 5, 1, stored[i], on_diff, &s);
    assert_int_equal(urne_audit_replay_compare_assignment(r, 6, 1, 0, on_diff, &s), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.d[0].table, "assignment");
    assert_int_equal(s.d[0].id, 3);
    assert_string_equal(s.d[0].field, "user 5");
    assert_string_equal(s.d[0].stored, "(no row)");
    assert_string_equal(s.d[0].logged, "assigned");
    assert_int_equal(s.d[0].seq, 2);
    assert_int_equal(s.d[1].id, 7);
    assert_string_equal(s.d[1].stored, "assigned");
    assert_string_equal(s.d[1].logged, "(no row)");
    urne_audit_replay_stats st;
    urne_audit_sheet any = sheet("missing", 0, 0, 0);
    urne_audit_replay_compare_election(r, &m, on_diff, &s);
    for (size_t i = 0; i < 10; i++) urne_audit_replay_compare_sheet(r, 1, i, &any, on_diff, &s);
    assert_int_equal(urne_audit_replay_finish(r, on_diff, on_note, &s, &st), 0);
    assert_int_equal(st.assignments, 4);
    assert_int_equal(st.differences, 2);
    urne_audit_replay_free(r);

    /* An assignment deleted at the end of the order: found by finish. */
    r = urne_audit_replay_new();
    assert_int_equal(urne_audit_replay_created(r, 1, &m, NULL), 0);
    assert_int_equal(urne_audit_replay_assigned(r, 2, 5, 1, 2, 3), 0);
    s.n = 0;
    assert_int_equal(urne_audit_replay_compare_assignment(r, 5, 1, 2, on_diff, &s), 0);
    urne_audit_replay_compare_election(r, &m, on_diff, &s);
    for (size_t i = 0; i < 10; i++) urne_audit_replay_compare_sheet(r, 1, i, &any, on_diff, &s);
    assert_int_equal(urne_audit_replay_finish(r, on_diff, on_note, &s, &st), 1);
    assert_int_equal(s.d[0].id, 3);
    assert_string_equal(s.d[0].stored, "(no row)");
    urne_audit_replay_free(r);
}

static void test_replay_old_entries_not_compared(void **state) {
    urne_audit_replay *r = urne_audit_replay_new();
    urne_audit_election m = election(2, 1287, 0); /* only title and rules recorded */
    assert_int_equal(urne_audit_replay_created(r, 3, &m, NULL), 0);
    urne_audit_sheet entered = sheet("entered", 52, 30, 20);
    assert_int_equal(urne_audit_replay_sheet(r, 4, 2, 10, &entered), 0); /* recorded whole later */
    assert_int_equal(urne_audit_replay_sheet(r, 5, 2, 11, NULL), 0);     /* changed, not recorded */

    seen s = {0};
    urne_audit_election stored = m;
    snprintf(stored.settings, sizeof stored.settings, "anything");
    stored.round = 7;
    assert_int_equal(urne_audit_replay_compare_election(r, &stored, on_diff, &s), 0);
    snprintf(stored.title, sizeof stored.title, "Changed");
    assert_int_equal(urne_audit_replay_compare_election(r, &stored, on_diff, &s), 1);
    urne_audit_sheet forged = sheet("validated", 1, 2, 3);
    for (size_t i = 0; i < 1287; i++)
        if (i != 10) assert_int_equal(urne_audit_replay_compare_sheet(r, 2, i, &forged, on_diff, &s), 0);
    assert_int_equal(urne_audit_replay_compare_sheet(r, 2, 10, &forged, on_diff, &s), 5);
    urne_audit_replay_stats st;
    assert_int_equal(urne_audit_replay_finish(r, on_diff, on_note, &s, &st), 0);
    assert_int_equal(st.sheets, 1);
    assert_int_equal(st.not_compared, 1287); /* 1,286 bureaux and part of the election's row */
    assert_int_equal(s.nnotes, 3);
    assert_string_equal(s.notes[0], "election 2: created by entry 3 before urne recorded its round, settings, double "
                                    "entry, deadline, creation time and names; only its title, rules and "
                                    "publication compared");
    assert_string_equal(s.notes[1], "election 2: created by entry 3 before urne recorded imported figures in the log; "
                                    "1,285 of its 1,287 bureaux not compared");
    assert_non_null(strstr(s.notes[2], "election 2: 1 bureau(x) not compared (11)"));
    assert_non_null(strstr(s.notes[2], "(5)"));
    urne_audit_replay_free(r);
}

/* ---- the replay through the store: records written by the import, read back ---- */

static const char primary[] = "# election: Primaire de Montval\n# round: 2\n# rules: primary\n"
                              "# levels: commune, bureau\n"
                              "commune,bureau,inscrits,votants,blancs,nuls,exprimes,Claire DUVAL,Marc PEYRON\n"
                              "Montval,1,1210,402,4,2,396,170,226\n"
                              "Montval,2,1105,371,3,1,367,148,219\n"
                              "Montval,3,980,,,,,,\n";

typedef struct verify {
    urne_audit_replay *r;
    seen s;
    char keys[4][64];
} verify;

static int fold(const urne_audit_entry *e, void *ctx) { return urne_audit_fold(((verify *)ctx)->r, e) < 0; }
static int cmp_e(const urne_audit_election *m, void *ctx) {
    urne_audit_replay_compare_election(((verify *)ctx)->r, m, on_diff, &((verify *)ctx)->s);
    return 0;
}
static int cmp_s(int64_t election, size_t bureau, const char *key, const char *label, const urne_audit_sheet *sh,
                 void *ctx) {
    verify *v = ctx;
    if (bureau < 4) snprintf(v->keys[bureau], sizeof v->keys[0], "%s|%s", key, label);
    urne_audit_replay_compare_sheet(v->r, election, bureau, sh, on_diff, &v->s);
    return 0;
}
static int cmp_d(const urne_audit_dispute *d, void *ctx) {
    urne_audit_replay_compare_dispute(((verify *)ctx)->r, d, on_diff, &((verify *)ctx)->s);
    return 0;
}
static int cmp_u(const urne_audit_user *u, void *ctx) {
    urne_audit_replay_compare_user(((verify *)ctx)->r, u, on_diff, &((verify *)ctx)->s);
    return 0;
}

/* Replay the store's log against its rows; fills v (the caller frees v->r). */
static urne_audit_replay_stats replay_store(urne_store *st, verify *v) {
    memset(v, 0, sizeof *v);
    v->r = urne_audit_replay_new();
    assert_int_equal(urne_store_audit_each(st, 1, fold, v), 0);
    assert_int_equal(urne_store_audit_elections(st, cmp_e, v), 0);
    assert_int_equal(urne_store_audit_sheets(st, cmp_s, v), 0);
    assert_int_equal(urne_store_audit_disputes(st, cmp_d, v), 0);
    assert_int_equal(urne_store_audit_users(st, cmp_u, v), 0);
    urne_audit_replay_stats stats;
    urne_audit_replay_finish(v->r, on_diff, on_note, &v->s, &stats);
    urne_audit_replay_free(v->r);
    v->r = NULL;
    return stats;
}

static urne_store *temp_store(char path[64]) {
    snprintf(path, 64, "/tmp/urne-test-audit-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[300];
    urne_store *st = urne_store_open(path, err, sizeof err);
    assert_non_null(st);
    return st;
}

static void drop_store(urne_store *st, const char *path) {
    urne_store_close(st);
    char more[80];
    unlink(path);
    snprintf(more, sizeof more, "%s-wal", path);
    unlink(more);
    snprintf(more, sizeof more, "%s-shm", path);
    unlink(more);
}

static void sql(const char *path, const char *statement) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, statement, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_store_import_replays(void **state) {
    char path[64];
    urne_store *st = temp_store(path);
    urne_import im = {.text = primary, .len = sizeof primary - 1, .source = "primary.csv", .format = "native"};
    urne_app_outcome o;
    int64_t id = urne_import_election(st, "system", &im, &o);
    urne_app_outcome_free(&o);
    assert_int_equal(id, 1);
    verify v;
    urne_audit_replay_stats stats = replay_store(st, &v);
    assert_int_equal(stats.differences, 0);
    assert_int_equal(stats.elections, 1);
    assert_int_equal(stats.sheets, 3);
    assert_int_equal(stats.not_compared, 0);
    assert_string_equal(v.keys[1], "Montval/2|2");

    /* Figures, a state and the election's rules changed by hand: each named. */
    sql(path, "UPDATE bureaux SET figures = replace(figures, '\"votants\":371', '\"votants\":381') WHERE idx = 1;"
              "UPDATE bureaux SET state = 'validated' WHERE idx = 0;"
              "UPDATE elections SET preset = 'party'");
    stats = replay_store(st, &v);
    assert_int_equal(stats.differences, 3);
    assert_string_equal(v.s.d[0].field, "rules");
    assert_string_equal(v.s.d[1].field, "state");
    assert_int_equal(v.s.d[1].id, 0);
    assert_string_equal(v.s.d[2].field, "figures.votants");
    assert_string_equal(v.s.d[2].stored, "381");
    assert_string_equal(v.s.d[2].logged, "371");
    assert_int_equal(v.s.d[2].seq, 1);

    /* Two candidates' names swapped: the structure recorded at creation differs. */
    sql(path, "UPDATE candidates SET name = CASE name WHEN 'Claire DUVAL' THEN 'Marc PEYRON' ELSE 'Claire DUVAL' END");
    stats = replay_store(st, &v);
    assert_int_equal(stats.differences, 4);
    assert_non_null(strstr(v.s.d[1].field, "structure"));
    assert_int_equal(strlen(v.s.d[1].logged), 66); /* the digest, quoted */
    drop_store(st, path);
}

static void test_store_old_log_not_compared(void **state) {
    char path[64];
    urne_store *st = temp_store(path);
    /* As the previous urne wrote it: the election, then an entry with only a digest. */
    urne_round *round = urne_round_new();
    static const char *const levels[] = {"commune", "bureau"};
    assert_int_equal(urne_round_set_levels(round, levels, 2, 0), 0);
    assert_int_not_equal(urne_round_add_contest(round, "Montval", "Montval"), URNE_NONE);
    assert_int_not_equal(urne_round_add_candidate(round, "A", NULL, NULL, NULL, 1), URNE_NONE);
    for (int i = 0; i < 2; i++) {
        urne_sheet *sh = urne_round_add_sheet(round, 0);
        assert_non_null(sh);
        sh->inscrits = 100;
        sh->exprimes_stated = -1;
    }
    urne_election_meta m = {.round = 1};
    snprintf(m.title, sizeof m.title, "Old");
    snprintf(m.preset, sizeof m.preset, "primary");
    assert_int_equal(urne_store_begin(st), 0);
    assert_int_equal(urne_store_election_create(st, &m, round, NULL), 1);
    assert_int_equal(urne_store_audit(st, "system", "election.create", "election/1", NULL,
                                      "{\"title\":\"Old\",\"rules\":\"primary\",\"source\":\"x\",\"bureaux\":2,"
                                      "\"imported\":0,\"sha256\":\"00\"}"),
                     0);
    urne_bureau_info b = {.state = URNE_SHEET_ENTERED};
    urne_figures f = {.inscrits = 100, .votants = 10, .exprimes = -1, .nvotes = 1, .votes = (int64_t[]){10}};
    assert_int_equal(urne_store_bureau_set(st, 1, 1, &b, &f), 0);
    assert_int_equal(urne_store_audit(st, "alice", "sheet.enter", "election/1/bureau/1", "{\"state\":\"missing\"}",
                                      "{\"state\":\"entered\",\"figures\":{\"inscrits\":100,\"votants\":10}}"),
                     0);
    assert_int_equal(urne_store_commit(st), 0);
    urne_round_free(round);

    verify v;
    urne_audit_replay_stats stats = replay_store(st, &v);
    assert_int_equal(stats.differences, 0);
    assert_int_equal(stats.sheets, 0);
    assert_int_equal(stats.not_compared, 4); /* the election's settings, two bureaux, the typed entries of one */
    assert_int_equal(v.s.nnotes, 4);
    assert_non_null(strstr(v.s.notes[1], "before urne recorded imported figures in the log; 1 of its 2 bureaux"));
    assert_non_null(strstr(v.s.notes[2], "1 bureau(x) not compared (1)"));
    assert_non_null(strstr(v.s.notes[3], "the typed entries of 1 bureau(x) not compared (1)"));

    /* A new entry that records the whole row makes that bureau comparable again. */
    char *after = urne_audit_sheet_record(1, &b, &f);
    assert_non_null(after);
    assert_int_equal(urne_store_begin(st), 0);
    assert_int_equal(urne_store_audit(st, "com", "sheet.enter", "election/1/bureau/1", NULL,
                                      (after = urne_audit_json_add(strdup("{\"figures\":{}}"), "sheet", after))),
                     0);
    assert_int_equal(urne_store_commit(st), 0);
    free(after);
    stats = replay_store(st, &v);
    assert_int_equal(stats.sheets, 1);
    assert_int_equal(stats.not_compared, 3); /* the election's settings, bureau 0, the typed entries of bureau 1 */
    assert_int_equal(stats.differences, 0);
    drop_store(st, path);
}

/* The election's zone: recorded at creation, compared with the row; an entry from
 * before zones were recorded means Europe/Paris. */
static void test_store_zone_replays(void **state) {
    (void)state;
    char path[64];
    urne_store *st = temp_store(path);
    urne_import im = {.text = primary, .len = sizeof primary - 1, .source = "primary.csv", .format = "native",
                      .zone = "Pacific/Noumea"};
    urne_app_outcome o;
    assert_int_equal(urne_import_election(st, "system", &im, &o), 1);
    urne_app_outcome_free(&o);
    verify v;
    assert_int_equal(replay_store(st, &v).differences, 0);
    sql(path, "UPDATE elections SET zone = 'Europe/Paris'");
    urne_audit_replay_stats stats = replay_store(st, &v);
    assert_int_equal(stats.differences, 1);
    assert_string_equal(v.s.d[0].table, "election");
    assert_string_equal(v.s.d[0].field, "zone");
    assert_string_equal(v.s.d[0].stored, "\"Europe/Paris\"");
    assert_string_equal(v.s.d[0].logged, "\"Pacific/Noumea\"");
    /* The same entry without its zone, as urne wrote it before: Europe/Paris. */
    sql(path, "UPDATE audit SET after = json_remove(after, '$.zone') WHERE action = 'election.create'");
    stats = replay_store(st, &v);
    assert_int_equal(stats.differences, 0);
    sql(path, "UPDATE elections SET zone = 'America/Cayenne'");
    stats = replay_store(st, &v);
    assert_int_equal(stats.differences, 1);
    assert_string_equal(v.s.d[0].field, "zone");
    assert_string_equal(v.s.d[0].logged, "\"Europe/Paris\"");
    drop_store(st, path);
}

static int fold_all(const urne_audit_entry *e, void *ctx) { return urne_audit_fold(ctx, e) < 0; }

static void test_fold_unknown_and_malformed(void **state) {
    char path[64];
    urne_store *st = temp_store(path);
    urne_import im = {.text = primary, .len = sizeof primary - 1, .source = "primary.csv", .format = "native"};
    urne_app_outcome o;
    assert_int_equal(urne_import_election(st, "system", &im, &o), 1);
    urne_app_outcome_free(&o);
    /* An action this urne does not know, on the election: its metadata is no longer vouched for. */
    assert_int_equal(urne_store_begin(st), 0);
    assert_int_equal(urne_store_audit(st, "admin", "election.archive", "election/1", NULL, "{\"at\":\"x\"}"), 0);
    assert_int_equal(urne_store_commit(st), 0);
    verify v;
    urne_audit_replay_stats stats = replay_store(st, &v);
    assert_int_equal(stats.differences, 0);
    assert_int_equal(stats.elections, 0);
    assert_int_equal(v.s.nnotes, 1);
    assert_non_null(strstr(v.s.notes[0], "election 1: changed by entry 2 in a way the log does not record"));

    /* A "sheet" record without its figures: the log cannot be replayed, and says where. */
    assert_int_equal(urne_store_begin(st), 0);
    assert_int_equal(urne_store_audit(st, "alice", "sheet.enter", "election/1/bureau/0", NULL,
                                      "{\"figures\":{},\"sheet\":{\"bureau\":0,\"state\":\"entered\"}}"),
                     0);
    assert_int_equal(urne_store_commit(st), 0);
    urne_audit_replay *r = urne_audit_replay_new();
    assert_int_equal(urne_store_audit_each(st, 1, fold_all, r), 1);
    assert_string_equal(urne_audit_replay_error(r),
                        "entry 3: its \"sheet\" record is malformed (sheet.enter on election/1/bureau/0)");
    urne_audit_replay_free(r);
    drop_store(st, path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_sealed_and_checked),
        cmocka_unit_test(test_chain_tampered_entry),
        cmocka_unit_test(test_chain_removed_entries),
        cmocka_unit_test(test_replay_folds_and_names_differences),
        cmocka_unit_test(test_replay_deleted_rows_and_contradictions),
        cmocka_unit_test(test_replay_disputes),
        cmocka_unit_test(test_replay_typed_entries),
        cmocka_unit_test(test_replay_reopened_publication),
        cmocka_unit_test(test_replay_assignments),
        cmocka_unit_test(test_replay_old_entries_not_compared),
        cmocka_unit_test(test_store_import_replays), cmocka_unit_test(test_store_zone_replays),
        cmocka_unit_test(test_store_old_log_not_compared),
        cmocka_unit_test(test_fold_unknown_and_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
