/*
 * The application layer's use cases, each allowed and refused, on a real SQLite
 * store in a temporary directory: who may (login, role, tier, assignment), what
 * state allows, what input is refused, and that an allowed act is written to the
 * store, to the audit log and to the election held in memory, while a refused one
 * changes none of them.
 */
#include "helpers.h"

#include <sodium.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "app_fixture.h"
#include "../../src/app/grants.h"
#include "../../src/app/import.h"
#include "../../src/app/notice.h"
#include "../../src/app/queries.h"
#include "../../src/app/results_app.h"
#include "../../src/app/results_view.h"
#include "../../src/app/users.h"

static const char ELECTION[] = "# election: Montval test\n"
                               "# levels: commune, bureau\n"
                               "commune,bureau,inscrits,votants,blancs,nuls,exprimes,Claire DUVAL,Marc PEYRON\n"
                               "Montval,1,1210,402,4,2,396,170,226\n"
                               "Montval,2,1105,,,,,,\n"
                               "Montval,3,980,,,,,,\n";

#define PASSWORD APP_FIXTURE_PASSWORD

typedef struct fixture {
    char dir[64];
    urne_store *store;
    urne_app app;
    int changes; /* how often the change hook ran */
    int64_t election;
    urne_user nobody, admin, sec, sec2, obs, com1, com2;
} fixture;

static void count_change(void *ctx) { ((fixture *)ctx)->changes++; }

static void user(fixture *f, const char *name, urne_role role, int tier, urne_user *out) {
    app_fixture_user(f->store, name, role, tier, out);
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_true(sodium_init() >= 0);
    f->store = app_fixture_store(f->dir, "app");
    urne_import im = {.text = ELECTION, .len = sizeof ELECTION - 1, .source = "test.csv"};
    urne_app_outcome import_out;
    f->election = urne_import_election(f->store, "system", &im, &import_out);
    if (f->election <= 0) fail_msg("%s", import_out.detail);
    urne_app_outcome_free(&import_out);
    user(f, "admin", URNE_ROLE_ADMIN, 1, &f->admin);
    user(f, "sec", URNE_ROLE_SECRETARY, 1, &f->sec);
    user(f, "sec2", URNE_ROLE_SECRETARY, 1, &f->sec2);
    user(f, "obs", URNE_ROLE_OBSERVER, 1, &f->obs);
    user(f, "com1", URNE_ROLE_COMMISSION, 1, &f->com1);
    user(f, "com2", URNE_ROLE_COMMISSION, 2, &f->com2);
    f->nobody.role = URNE_ROLE_PUBLIC;
    app_fixture_open(&f->app, f->store, count_change, f);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    int rc = app_fixture_close(&f->app, f->store, f->dir);
    free(f);
    return rc;
}

/* Figures for one bureau of the fixture (2 candidates); the caller frees them. */
static urne_figures figures(int64_t inscrits, int64_t votants, int64_t a, int64_t b) {
    urne_figures x = {0};
    assert_int_equal(urne_figures_alloc(&x, 2), 0);
    x.inscrits = inscrits;
    x.votants = votants;
    x.exprimes = -1;
    x.votes[0] = a;
    x.votes[1] = b;
    return x;
}

/* Run a use case expected to be refused with `want`, and check nothing changed. */
#define REFUSED(f, want, call)                                                                                \
    do {                                                                                                      \
        int64_t seq_ = app_fixture_audit_seq((f)->store);                                                                          \
        int changes_ = (f)->changes;                                                                          \
        urne_app_outcome o_;                                                                                  \
        urne_app_status st_ = (call);                                                                         \
        if (st_ != (want))                                                                                    \
            fail_msg("%s: got %s, wanted %s (%s)", #call, urne_app_status_name(st_), urne_app_status_name(want), \
                     o_.detail);                                                                              \
        assert_int_equal(o_.status, st_);                                                                     \
        assert_int_equal(app_fixture_audit_seq((f)->store), seq_);                                                                 \
        assert_int_equal((f)->changes, changes_);                                                             \
        urne_app_outcome_free(&o_);                                                                           \
    } while (0)

static void assign(fixture *f, const urne_user *who, int64_t first, int64_t last) {
    urne_app_outcome o;
    assert_int_equal(urne_app_bureaux_assign(&f->app, &f->admin, who->name, f->election, first, last, &o), URNE_APP_OK);
    assert_int_equal(o.number, last - first + 1);
    urne_app_outcome_free(&o);
}

static void test_sheet_enter(void **state) {
    fixture *f = *state;
    urne_figures ok = figures(1105, 400, 150, 250), bad_count = figures(1105, 400, 150, 250),
                 negative = figures(1105, 400, -1, 401), over = figures(1105, 1200, 500, 700);
    bad_count.nvotes = 1; /* the second vote left out */
    REFUSED(f, URNE_APP_LOGIN_NEEDED, urne_app_sheet_enter(&f->app, &f->nobody, f->election, 1, &ok, 0, &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_sheet_enter(&f->app, &f->obs, f->election, 1, &ok, 0, &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_sheet_enter(&f->app, &f->admin, f->election, 1, &ok, 0, &o_));
    REFUSED(f, URNE_APP_NO_ELECTION, urne_app_sheet_enter(&f->app, &f->sec, 99, 1, &ok, 0, &o_));
    REFUSED(f, URNE_APP_NO_BUREAU, urne_app_sheet_enter(&f->app, &f->sec, f->election, 3, &ok, 0, &o_));
    REFUSED(f, URNE_APP_NOT_ASSIGNED, urne_app_sheet_enter(&f->app, &f->sec, f->election, 1, &ok, 0, &o_));
    assign(f, &f->sec, 1, 2);
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_sheet_enter(&f->app, &f->sec, f->election, 1, &bad_count, 0, &o_));
    REFUSED(f, URNE_APP_IMPOSSIBLE, urne_app_sheet_enter(&f->app, &f->sec, f->election, 1, &negative, 1, &o_));
    REFUSED(f, URNE_APP_CHECKS_FAILED, urne_app_sheet_enter(&f->app, &f->sec, f->election, 2, &over, 0, &o_));

    /* Allowed: written, logged, held in memory, the hook run. */
    int64_t seq = app_fixture_audit_seq((f)->store);
    int changes = f->changes;
    urne_app_outcome o;
    assert_int_equal(urne_app_sheet_enter(&f->app, &f->sec, f->election, 1, &ok, 0, &o), URNE_APP_OK);
    assert_int_equal(o.state, URNE_SHEET_ENTERED);
    assert_int_equal(o.checks.errors, 0);
    urne_app_outcome_free(&o);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq + 1);
    assert_int_equal(f->changes, changes + 1);
    urne_election *e = urne_app_election(&f->app, f->election);
    assert_int_equal(e->info[1].state, URNE_SHEET_ENTERED);
    assert_int_equal(e->round->sheets[1].votants, 400);
    assert_int_equal(e->round->sheets[1].votes[1], 250);
    urne_figures stored = {0};
    assert_int_equal(urne_store_bureau_figures(f->store, f->election, 1, &stored), 1);
    assert_true(urne_figures_equal(&stored, &ok));
    urne_figures_free(&stored);

    /* A sheet that breaks a consistency check is recorded when confirmed. */
    assert_int_equal(urne_app_sheet_enter(&f->app, &f->sec, f->election, 2, &over, 1, &o), URNE_APP_OK);
    assert_true(o.checks.errors > 0);
    urne_app_outcome_free(&o);
    bad_count.nvotes = 2; /* so that it frees what it holds */
    urne_figures_free(&ok);
    urne_figures_free(&bad_count);
    urne_figures_free(&negative);
    urne_figures_free(&over);
}

/* Bureau 0 is counted from the import; contest it as com1 and return the dispute. */
static int64_t contest(fixture *f) {
    urne_app_outcome o;
    assert_int_equal(urne_app_bureau_contest(&f->app, &f->com1, f->election, 0, "turnout looks wrong", &o),
                     URNE_APP_OK);
    assert_int_equal(o.state, URNE_SHEET_CONTESTED);
    assert_int_equal(o.dispute.tier, 1);
    assert_string_equal(o.dispute.state, "open");
    assert_true(o.dispute.deadline[0] != 0);
    int64_t id = o.dispute.id;
    urne_app_outcome_free(&o);
    return id;
}

static void test_contest_decide_escalate(void **state) {
    fixture *f = *state;
    REFUSED(f, URNE_APP_LOGIN_NEEDED, urne_app_bureau_contest(&f->app, &f->nobody, f->election, 0, "why not", &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_bureau_contest(&f->app, &f->sec, f->election, 0, "why not", &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_bureau_contest(&f->app, &f->com1, f->election, 0, "", &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_bureau_contest(&f->app, &f->com1, f->election, 0, NULL, &o_));
    REFUSED(f, URNE_APP_STATE, urne_app_bureau_contest(&f->app, &f->com1, f->election, 1, "not counted yet", &o_));
    int64_t d = contest(f);
    REFUSED(f, URNE_APP_STATE, urne_app_bureau_contest(&f->app, &f->com1, f->election, 0, "once more", &o_));
    REFUSED(f, URNE_APP_STATE, urne_app_election_publish(&f->app, &f->admin, f->election, &o_));

    /* Decide: role, dispute, input, then allowed. */
    urne_figures wrong = figures(1210, 402, 100, 100);
    REFUSED(f, URNE_APP_FORBIDDEN,
            urne_app_dispute_decide(&f->app, &f->admin, f->election, d, URNE_DECIDE_VALIDATE, NULL, "fine", &o_));
    REFUSED(f, URNE_APP_NO_DISPUTE,
            urne_app_dispute_decide(&f->app, &f->com1, f->election, d + 10, URNE_DECIDE_VALIDATE, NULL, "fine", &o_));
    REFUSED(f, URNE_APP_CHECKS_FAILED,
            urne_app_dispute_decide(&f->app, &f->com1, f->election, d, URNE_DECIDE_CORRECT, &wrong, "typo", &o_));
    REFUSED(f, URNE_APP_BAD_INPUT,
            urne_app_dispute_decide(&f->app, &f->com1, f->election, d, URNE_DECIDE_CORRECT, NULL, "typo", &o_));
    urne_app_outcome o;
    assert_int_equal(urne_app_dispute_decide(&f->app, &f->com1, f->election, d, URNE_DECIDE_VALIDATE, NULL,
                                             "the sheet is right", &o),
                     URNE_APP_OK);
    assert_int_equal(o.state, URNE_SHEET_VALIDATED);
    assert_string_equal(o.dispute.decision, "validate");
    urne_app_outcome_free(&o);
    assert_int_equal(urne_app_election(&f->app, f->election)->info[0].state, URNE_SHEET_VALIDATED);
    urne_figures_free(&wrong);
    REFUSED(f, URNE_APP_STATE,
            urne_app_dispute_decide(&f->app, &f->com1, f->election, d, URNE_DECIDE_ANNUL, NULL, "again", &o_));

    /* Escalate to the higher commission, which alone decides the appeal. */
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_dispute_escalate(&f->app, &f->sec, f->election, d, "appeal", &o_));
    assert_int_equal(urne_app_dispute_escalate(&f->app, &f->admin, f->election, d, "appeal by the list", &o),
                     URNE_APP_OK);
    int64_t up = o.dispute.id;
    assert_int_equal(o.dispute.tier, 2);
    assert_int_equal(o.dispute.escalated_from, d);
    urne_app_outcome_free(&o);
    REFUSED(f, URNE_APP_STATE, urne_app_dispute_escalate(&f->app, &f->com1, f->election, up, "again", &o_));
    REFUSED(f, URNE_APP_TIER,
            urne_app_dispute_decide(&f->app, &f->com1, f->election, up, URNE_DECIDE_ANNUL, NULL, "annul", &o_));
    assert_int_equal(urne_app_dispute_decide(&f->app, &f->com2, f->election, up, URNE_DECIDE_ANNUL, NULL,
                                             "the count cannot be trusted", &o),
                     URNE_APP_OK);
    assert_int_equal(o.state, URNE_SHEET_ANNULLED);
    urne_app_outcome_free(&o);
    urne_election *e = urne_app_election(&f->app, f->election);
    assert_int_equal(e->info[0].state, URNE_SHEET_ANNULLED);
    assert_int_equal(e->round->sheets[0].votants, 0); /* annulled: reported, with no votes */
    assert_int_equal(e->round->sheets[0].inscrits, 1210);
}

static void test_publish(void **state) {
    fixture *f = *state;
    REFUSED(f, URNE_APP_LOGIN_NEEDED, urne_app_election_publish(&f->app, &f->nobody, f->election, &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_election_publish(&f->app, &f->com2, f->election, &o_));
    REFUSED(f, URNE_APP_NO_ELECTION, urne_app_election_publish(&f->app, &f->admin, 42, &o_));
    urne_app_outcome o;
    assert_int_equal(urne_app_election_publish(&f->app, &f->admin, f->election, &o), URNE_APP_OK);
    assert_int_equal(strlen(o.digest), 64);
    urne_election *e = urne_app_election(&f->app, f->election);
    assert_string_equal(e->meta.published_digest, o.digest);
    assert_int_equal(o.number, URNE_UNIT_PARTIAL); /* two bureaux still missing */
    urne_app_outcome_free(&o);
    /* A contest after publication reopens it. */
    contest(f);
    assert_true(urne_app_election(&f->app, f->election)->meta.reopened_at[0] != 0);
}

static int count_dispute(const urne_dispute *d, void *ctx) {
    (*(int *)ctx)++;
    return 0;
}

/* The state one of them acts on changed by another server, this one unaware (a
 * second application on the same file, as two servers share a database): a
 * contest, a decision, an escalation or a publication decided on memory is
 * checked again against the store in its write transaction; when it no longer
 * holds, the act is refused as its state refuses it (nothing written, no audit
 * entry), memory now holds what is stored, and the change hook has run. */
static void test_changed_elsewhere(void **state) {
    fixture *f = *state;
    char path[96], err[600];
    snprintf(path, sizeof path, "%s/app.db", f->dir);
    urne_store *store2 = urne_store_open(path, err, sizeof err);
    if (store2 == NULL) fail_msg("%s", err);
    urne_app other;
    urne_app_outcome opened;
    if (urne_app_open(&other, store2, &opened) != URNE_APP_OK) fail_msg("%s", opened.detail);
    urne_election *e = urne_app_election(&f->app, f->election);
    urne_app_outcome o;

    /* Contested through the other: a publication here is refused as frozen. */
    assert_int_equal(urne_app_bureau_contest(&other, &f->com1, f->election, 0, "turnout looks wrong", &o), URNE_APP_OK);
    int64_t d1 = o.dispute.id;
    urne_app_outcome_free(&o);
    assert_int_equal(e->info[0].state, URNE_SHEET_ENTERED); /* unaware */
    int64_t seq = app_fixture_audit_seq((f)->store);
    int changes = f->changes;
    assert_int_equal(urne_app_election_publish(&f->app, &f->admin, f->election, &o), URNE_APP_STATE);
    assert_string_equal(o.why, URNE_WHY_FROZEN);
    assert_int_equal(o.number, 1);
    urne_app_outcome_free(&o);
    e = urne_app_election(&f->app, f->election); /* read again whole */
    assert_int_equal(e->info[0].state, URNE_SHEET_CONTESTED);
    assert_string_equal(e->meta.published_at, "");
    assert_int_equal(app_fixture_audit_seq((f)->store), seq);
    assert_true(f->changes > changes);
    urne_election_meta m;
    assert_int_equal(urne_store_election_meta(f->store, f->election, &m), 1);
    assert_string_equal(m.published_at, "");

    /* Decided through the other: deciding it here again is refused, and the sheet
     * here is the decided one. */
    assert_int_equal(urne_app_dispute_decide(&other, &f->com1, f->election, d1, URNE_DECIDE_VALIDATE, NULL,
                                             "the sheet is right", &o),
                     URNE_APP_OK);
    urne_app_outcome_free(&o);
    seq = app_fixture_audit_seq((f)->store);
    assert_int_equal(urne_app_dispute_decide(&f->app, &f->com1, f->election, d1, URNE_DECIDE_ANNUL, NULL,
                                             "the count cannot be trusted", &o),
                     URNE_APP_STATE);
    assert_string_equal(o.why, URNE_WHY_DISPUTE_CLOSED);
    urne_app_outcome_free(&o);
    assert_int_equal(e->info[0].state, URNE_SHEET_VALIDATED);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq);

    /* Contested again through the other: a contest here is refused (one dispute). */
    assert_int_equal(urne_app_bureau_contest(&other, &f->com1, f->election, 0, "a second doubt", &o), URNE_APP_OK);
    int64_t d2 = o.dispute.id;
    urne_app_outcome_free(&o);
    assert_int_equal(e->info[0].state, URNE_SHEET_VALIDATED); /* unaware */
    seq = app_fixture_audit_seq((f)->store);
    changes = f->changes;
    assert_int_equal(urne_app_bureau_contest(&f->app, &f->com1, f->election, 0, "the same doubt", &o), URNE_APP_STATE);
    urne_app_outcome_free(&o);
    assert_int_equal(e->info[0].state, URNE_SHEET_CONTESTED);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq);
    assert_true(f->changes > changes);
    int n = 0;
    assert_int_equal(urne_store_dispute_each(f->store, f->election, count_dispute, &n), 0);
    assert_int_equal(n, 2);

    /* Decided through the other again: here, unaware, the bureau looks contested;
     * an escalation reads the sheet as stored and goes ahead; the other, unaware
     * of the escalation, is refused. */
    assert_int_equal(urne_app_dispute_decide(&other, &f->com1, f->election, d2, URNE_DECIDE_VALIDATE, NULL,
                                             "right again", &o),
                     URNE_APP_OK);
    urne_app_outcome_free(&o);
    assert_int_equal(e->info[0].state, URNE_SHEET_CONTESTED); /* unaware */
    assert_int_equal(urne_app_dispute_escalate(&f->app, &f->admin, f->election, d2, "appeal by the list", &o),
                     URNE_APP_OK);
    assert_int_equal(o.dispute.tier, 2);
    urne_app_outcome_free(&o);
    seq = app_fixture_audit_seq((f)->store);
    assert_int_equal(urne_app_dispute_escalate(&other, &f->admin, f->election, d2, "appeal again", &o),
                     URNE_APP_STATE);
    assert_string_equal(o.why, URNE_WHY_NOT_FIRST_DECISION);
    urne_app_outcome_free(&o);
    assert_int_equal(urne_app_election(&other, f->election)->info[0].state, URNE_SHEET_CONTESTED);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq);
    n = 0;
    assert_int_equal(urne_store_dispute_each(f->store, f->election, count_dispute, &n), 0);
    assert_int_equal(n, 3);
    urne_app_close(&other);
    urne_store_close(store2);
}

/* The SHA-256 (hex) of election id's report as a server started now on path
 * would publish it. */
static void fresh_digest(const char *path, int64_t id, char out[65]) {
    char err[600];
    urne_store *s = urne_store_open(path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    urne_app fresh;
    urne_app_outcome opened;
    if (urne_app_open(&fresh, s, &opened) != URNE_APP_OK) fail_msg("%s", opened.detail);
    size_t len;
    char *report = urne_election_report(urne_app_election(&fresh, id), 0, 0, &len);
    assert_non_null(report);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)report, len);
    sodium_bin2hex(out, 65, h, sizeof h);
    free(report);
    urne_app_close(&fresh);
    urne_store_close(s);
}

/* A sheet entered through another server, unheard of here: a publication here
 * publishes the store's results (the digest a fresh server computes), and
 * memory then holds the sheet. */
static void test_publish_what_is_stored(void **state) {
    fixture *f = *state;
    char path[96], err[600], want[65];
    snprintf(path, sizeof path, "%s/app.db", f->dir);
    urne_store *store2 = urne_store_open(path, err, sizeof err);
    if (store2 == NULL) fail_msg("%s", err);
    urne_app other;
    urne_app_outcome opened;
    if (urne_app_open(&other, store2, &opened) != URNE_APP_OK) fail_msg("%s", opened.detail);
    assign(f, &f->sec, 1, 2);
    urne_figures ok = figures(1105, 400, 150, 250);
    urne_app_outcome o;
    assert_int_equal(urne_app_sheet_enter(&other, &f->sec, f->election, 1, &ok, 0, &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
    urne_figures_free(&ok);
    assert_int_equal(urne_app_election(&f->app, f->election)->info[1].state, URNE_SHEET_MISSING); /* unaware */
    fresh_digest(path, f->election, want);
    int changes = f->changes;
    assert_int_equal(urne_app_election_publish(&f->app, &f->admin, f->election, &o), URNE_APP_OK);
    assert_string_equal(o.digest, want);
    urne_app_outcome_free(&o);
    urne_election *e = urne_app_election(&f->app, f->election);
    assert_int_equal(e->info[1].state, URNE_SHEET_ENTERED);
    assert_int_equal(e->round->sheets[1].votes[1], 250);
    assert_string_equal(e->meta.published_digest, want);
    assert_true(f->changes >= changes + 2); /* read again, then published */
    urne_app_close(&other);
    urne_store_close(store2);
}

static void test_assign_and_accounts(void **state) {
    fixture *f = *state;
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_bureaux_assign(&f->app, &f->sec, "sec", f->election, 0, 0, &o_));
    REFUSED(f, URNE_APP_NO_USER, urne_app_bureaux_assign(&f->app, &f->admin, "ghost", f->election, 0, 0, &o_));
    REFUSED(f, URNE_APP_STATE, urne_app_bureaux_assign(&f->app, &f->admin, "com1", f->election, 0, 0, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_bureaux_assign(&f->app, &f->admin, "sec", f->election, 0, 3, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_bureaux_assign(&f->app, &f->admin, "sec", f->election, 2, 1, &o_));
    assign(f, &f->sec2, 0, 2);
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec2.id, f->election, 2), 1);
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec.id, f->election, 2), 0);
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec2.id, f->election, 1), 1); /* listed with 2 */
    assign(f, &f->sec, 2, 2); /* a no is not kept: asked again, and found */
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec.id, f->election, 2), 1);
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec.id, f->election, 1), 0);

    REFUSED(f, URNE_APP_FORBIDDEN,
            urne_app_user_create(&f->app, &f->com1, "newbie", PASSWORD, URNE_ROLE_OBSERVER, 1, &o_));
    REFUSED(f, URNE_APP_TAKEN, urne_app_user_create(&f->app, &f->admin, "sec", PASSWORD, URNE_ROLE_OBSERVER, 1, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT,
            urne_app_user_create(&f->app, &f->admin, "two words", PASSWORD, URNE_ROLE_OBSERVER, 1, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT,
            urne_app_user_create(&f->app, &f->admin, "newbie", "password", URNE_ROLE_OBSERVER, 1, &o_));
    urne_app_outcome o;
    assert_int_equal(urne_app_user_create(&f->app, &f->admin, "newbie", PASSWORD, URNE_ROLE_OBSERVER, 1, &o),
                     URNE_APP_OK);
    assert_true(o.id > 0);
    urne_app_outcome_free(&o);
    urne_user u;
    assert_int_equal(urne_store_user_find(f->store, "newbie", &u, NULL, 0), 1);
    assert_int_equal(u.role, URNE_ROLE_OBSERVER);
}

static void test_import(void **state) {
    fixture *f = *state;
    urne_import good = {.text = ELECTION, .len = sizeof ELECTION - 1, .source = "again.csv"};
    static const char broken[] = "commune,bureau,inscrits,votants,blancs,nuls,exprimes,A\nX,1,10,20,0,0,20,20\n";
    urne_import bad = {.text = broken, .len = sizeof broken - 1, .source = "broken.csv"};
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_election_import(&f->app, &f->com1, &good, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_election_import(&f->app, &f->admin, &bad, &o_));
    size_t before = f->app.nelections;
    urne_app_outcome o;
    assert_int_equal(urne_app_election_import(&f->app, &f->admin, &good, &o), URNE_APP_OK);
    assert_non_null(urne_app_election(&f->app, o.id));
    assert_int_equal(f->app.nelections, before + 1);
    urne_app_outcome_free(&o);
}

/* Four bureaux near 50 % turnout: one annulled by the commission counts as
 * reported with no votes, and is not a turnout outlier for that. */
static const char TURNOUT[] = "# election: Turnout test\n"
                              "# levels: commune, bureau\n"
                              "commune,bureau,inscrits,votants,blancs,nuls,exprimes,A,B\n"
                              "Val,1,1000,500,0,0,500,250,250\n"
                              "Val,2,1000,510,0,0,510,260,250\n"
                              "Val,3,1000,490,0,0,490,240,250\n"
                              "Val,4,1000,505,0,0,505,255,250\n";

static size_t outliers(const urne_election *e, size_t bureau) {
    size_t n, found = 0;
    urne_anomaly *an = urne_election_anomalies(e, &n);
    for (size_t i = 0; i < n; i++)
        if (an[i].bureau == bureau && strcmp(an[i].kind, URNE_RULE_TURNOUT_OUTLIER) == 0) found++;
    free(an);
    return found;
}

static void test_annulled_not_outlier(void **state) {
    fixture *f = *state;
    urne_import im = {.text = TURNOUT, .len = sizeof TURNOUT - 1, .source = "turnout.csv"};
    urne_app_outcome o;
    assert_int_equal(urne_app_election_import(&f->app, &f->admin, &im, &o), URNE_APP_OK);
    int64_t id = o.id;
    urne_app_outcome_free(&o);
    urne_election *e = urne_app_election(&f->app, id);
    assert_int_equal(outliers(e, 3), 0);
    assert_int_equal(urne_app_bureau_contest(&f->app, &f->com1, id, 3, "ballots burnt", &o), URNE_APP_OK);
    int64_t d = o.dispute.id;
    urne_app_outcome_free(&o);
    assert_int_equal(urne_app_dispute_decide(&f->app, &f->com1, id, d, URNE_DECIDE_ANNUL, NULL, "no count", &o),
                     URNE_APP_OK);
    urne_app_outcome_free(&o);
    e = urne_app_election(&f->app, id);
    assert_int_equal(e->info[3].state, URNE_SHEET_ANNULLED);
    assert_int_equal(e->round->sheets[3].votants, 0); /* a turnout of 0 % against 50 % around it */
    assert_int_equal(outliers(e, 3), 0);
    /* The others are still judged: one far from the rest is flagged. */
    assert_int_equal(urne_app_bureau_contest(&f->app, &f->com1, id, 0, "recount", &o), URNE_APP_OK);
    d = o.dispute.id;
    urne_app_outcome_free(&o);
    urne_figures high = figures(1000, 900, 450, 450);
    assert_int_equal(urne_app_dispute_decide(&f->app, &f->com1, id, d, URNE_DECIDE_CORRECT, &high, "recounted", &o),
                     URNE_APP_OK);
    urne_app_outcome_free(&o);
    urne_figures_free(&high);
    assert_int_equal(outliers(urne_app_election(&f->app, id), 0), 1);
    assert_int_equal(outliers(urne_app_election(&f->app, id), 3), 0);
}

static void test_assign_list(void **state) {
    fixture *f = *state;
    int64_t none[1] = {0}, outside[] = {0, 3}, some[] = {2, 0, 2};
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_bureaux_assign_list(&f->app, &f->sec, "sec", f->election, some, 3, &o_));
    REFUSED(f, URNE_APP_NO_ELECTION, urne_app_bureaux_assign_list(&f->app, &f->admin, "sec", 99, some, 3, &o_));
    REFUSED(f, URNE_APP_NO_USER, urne_app_bureaux_assign_list(&f->app, &f->admin, "ghost", f->election, some, 3, &o_));
    REFUSED(f, URNE_APP_STATE, urne_app_bureaux_assign_list(&f->app, &f->admin, "com1", f->election, some, 3, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_bureaux_assign_list(&f->app, &f->admin, "sec", f->election, none, 0, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT,
            urne_app_bureaux_assign_list(&f->app, &f->admin, "sec", f->election, outside, 2, &o_));
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec.id, f->election, 0), 0); /* none of a refused list */
    int64_t seq = app_fixture_audit_seq((f)->store);
    urne_app_outcome o;
    assert_int_equal(urne_app_bureaux_assign_list(&f->app, &f->admin, "sec", f->election, some, 3, &o), URNE_APP_OK);
    assert_int_equal(o.number, 2); /* 2 given twice counts once */
    urne_app_outcome_free(&o);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq + 2); /* one entry per run: 0..0 and 2..2 */
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec.id, f->election, 0), 1);
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec.id, f->election, 1), 0);
    assert_int_equal(urne_app_is_assigned(&f->app, f->sec.id, f->election, 2), 1);

    /* Every assignment of the election, by bureau then name. */
    assign(f, &f->sec2, 0, 1);
    urne_app_assignment *all;
    assert_int_equal(urne_app_assignments(&f->app, f->election, &all), 4);
    static const struct { size_t bureau; const char *name; } want[] = {{0, "sec"}, {0, "sec2"}, {1, "sec2"}, {2, "sec"}};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(all[i].bureau, want[i].bureau);
        assert_string_equal(all[i].name, want[i].name);
    }
    assert_int_equal(all[1].user, f->sec2.id);
    free(all);
    assert_int_equal(urne_app_assignments(&f->app, 99, &all), 0);
    assert_null(all);

    /* A secretary's bureaux across elections, by election then bureau. */
    urne_import im = {.text = ELECTION, .len = sizeof ELECTION - 1, .source = "second.csv"};
    assert_int_equal(urne_app_election_import(&f->app, &f->admin, &im, &o), URNE_APP_OK);
    int64_t second = o.id;
    urne_app_outcome_free(&o);
    int64_t one[] = {1};
    assert_int_equal(urne_app_bureaux_assign_list(&f->app, &f->admin, "sec", second, one, 1, &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
    urne_app_assigned *mine;
    assert_int_equal(urne_app_assigned_all(&f->app, f->sec.id, &mine), 3);
    assert_true(mine[0].election == f->election && mine[0].bureau == 0);
    assert_true(mine[1].election == f->election && mine[1].bureau == 2);
    assert_true(mine[2].election == second && mine[2].bureau == 1);
    free(mine);
    assert_int_equal(urne_app_assigned_all(&f->app, f->obs.id, &mine), 0);
    assert_null(mine);
}

static void test_bureaux_find(void **state) {
    fixture *f = *state;
    static const char accents[] = "# election: Accents\n"
                                  "# levels: commune, bureau\n"
                                  "commune,bureau,inscrits,votants,blancs,nuls,exprimes,A\n"
                                  "Écully,1,100,,,,,\n"
                                  "Saint-Genis-l’Argentière,2,100,,,,,\n"
                                  "Lyon,3,100,,,,,\n";
    urne_import im = {.text = accents, .len = sizeof accents - 1, .source = "accents.csv"};
    urne_app_outcome o;
    assert_int_equal(urne_app_election_import(&f->app, &f->admin, &im, &o), URNE_APP_OK);
    const urne_election *e = urne_app_election(&f->app, o.id);
    urne_app_outcome_free(&o);
    size_t out[4];
    assert_int_equal(urne_election_bureaux_find(e, NULL, out, 4), 3);
    assert_int_equal(urne_election_bureaux_find(e, "", out, 4), 3);
    assert_int_equal(urne_election_bureaux_find(e, "ECULLY", out, 4), 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(urne_election_bureaux_find(e, "écu", out, 4), 1);
    assert_int_equal(urne_election_bureaux_find(e, "l'argentiere", out, 4), 1);
    assert_int_equal(out[0], 1);
    assert_int_equal(urne_election_bureaux_find(e, "3", out, 4), 1); /* the bureau's code */
    assert_int_equal(out[0], 2);
    assert_int_equal(urne_election_bureaux_find(e, "bureau", out, 1), 3); /* the count beyond cap */
    assert_int_equal(out[0], 0);
    assert_int_equal(urne_election_bureaux_find(e, "marseille", out, 4), 0);
}

/* What each role's home page lists: the commission's open disputes with the
 * figures to compare, and what waits for an administrator. */
static void test_home_queries(void **state) {
    fixture *f = *state;
    urne_app_waiting *w;
    assert_int_equal(urne_app_waiting_all(&f->app, &f->com1, &w), 0); /* nothing it manages */
    assert_null(w);
    assert_int_equal(urne_app_waiting_all(&f->app, &f->admin, &w), 1);
    assert_int_equal(w[0].election, f->election);
    assert_int_equal(w[0].missing, 2);
    assert_int_equal(w[0].open_disputes, 0);
    assert_int_equal(w[0].publication, 0);
    assert_int_equal(w[0].state, URNE_UNIT_PARTIAL);
    free(w);
    urne_app_outcome o;
    assert_int_equal(urne_app_election_publish(&f->app, &f->admin, f->election, &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
    assert_int_equal(urne_app_waiting_all(&f->app, &f->admin, &w), 1);
    assert_int_equal(w[0].publication, 1);
    free(w);
    sleep(1); /* the times are to the second: the entry comes after the publication */
    assign(f, &f->sec, 1, 1);
    urne_figures typed = figures(1105, 400, 150, 250);
    assert_int_equal(urne_app_sheet_enter(&f->app, &f->sec, f->election, 1, &typed, 0, &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
    urne_figures_free(&typed);
    assert_int_equal(urne_app_waiting_all(&f->app, &f->admin, &w), 1);
    assert_int_equal(w[0].missing, 1);
    assert_int_equal(w[0].publication, 3); /* published, then changed */
    free(w);

    urne_app_open_dispute *d;
    assert_int_equal(urne_app_open_disputes(&f->app, &f->com1, &d), 0);
    assert_null(d);
    contest(f); /* bureau 0, counted from the import: nobody typed it */
    assert_int_equal(urne_app_bureau_contest(&f->app, &f->com1, f->election, 1, "figures look swapped", &o),
                     URNE_APP_OK);
    urne_app_outcome_free(&o);
    long n = urne_app_open_disputes(&f->app, &f->com1, &d);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].dispute.bureau, 0); /* the nearer deadline first */
    assert_true(d[0].has_contested);
    assert_int_equal(d[0].contested.votants, 402);
    assert_false(d[0].has_entered);
    assert_int_equal(d[1].dispute.bureau, 1);
    assert_true(d[1].has_entered);
    assert_int_equal(d[1].entered.votants, 400);
    assert_int_equal(d[1].entered.votes[1], 250);
    assert_true(strcmp(d[0].dispute.deadline, d[1].dispute.deadline) <= 0);
    urne_app_open_disputes_free(d, n);
    assert_int_equal(urne_app_open_disputes(&f->app, &f->sec, &d), 0); /* a secretary reviews nothing */
    assert_int_equal(urne_app_waiting_all(&f->app, &f->admin, &w), 1);
    assert_int_equal(w[0].open_disputes, 2);
    assert_int_equal(w[0].publication, 2); /* reopened by the contest */
    assert_int_equal(w[0].state, URNE_UNIT_FROZEN);
    free(w);
    /* Decided, a dispute is no longer open. */
    int64_t first = 0;
    n = urne_app_open_disputes(&f->app, &f->com1, &d);
    first = d[0].dispute.id;
    urne_app_open_disputes_free(d, n);
    assert_int_equal(urne_app_dispute_decide(&f->app, &f->com1, f->election, first, URNE_DECIDE_VALIDATE, NULL,
                                             "checked", &o),
                     URNE_APP_OK);
    urne_app_outcome_free(&o);
    n = urne_app_open_disputes(&f->app, &f->com1, &d);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].dispute.bureau, 1);
    urne_app_open_disputes_free(d, n);

    /* The latest typing of a bureau, by anyone. */
    urne_figures latest = {0};
    int64_t author = 0;
    assert_int_equal(urne_app_entry_latest(&f->app, f->election, 1, &author, &latest), 1);
    assert_int_equal(author, f->sec.id);
    assert_int_equal(latest.votants, 400);
    assert_int_equal(urne_app_entry_latest(&f->app, f->election, 0, &author, &latest), 0);
    urne_figures_free(&latest);
}

/* The fixture's election imported again into `space`; its id. */
static int64_t import_in(fixture *f, const char *space) {
    urne_import im = {.text = ELECTION, .len = sizeof ELECTION - 1, .source = "a.csv", .space = space};
    urne_app_outcome o;
    assert_int_equal(urne_app_election_import(&f->app, &f->admin, &im, &o), URNE_APP_OK);
    int64_t id = o.id;
    urne_app_outcome_free(&o);
    assert_true(id > f->election);
    return id;
}

/* Grants: the site's administrator grants anywhere below the site; an
 * administrator of org/a in org/a and its elections only; nobody else. */
static void test_grants(void **state) {
    fixture *f = *state;
    int64_t ea = import_in(f, "org/a");
    urne_app_outcome o;
    /* The site's administrator makes obs the administrator of org/a. */
    assert_int_equal(urne_app_grant_put(&f->app, &f->admin, "obs", "org/a", URNE_ROLE_ADMIN, 1, &o), URNE_APP_OK);
    assert_int_equal(o.id, f->obs.id);
    assert_int_equal(o.number, 0); /* nothing replaced */
    urne_app_outcome_free(&o);
    REFUSED(f, URNE_APP_LOGIN_NEEDED, urne_app_grant_put(&f->app, &f->nobody, "sec", "org/a", URNE_ROLE_SECRETARY, 1, &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_grant_put(&f->app, &f->com1, "sec", "org/a", URNE_ROLE_SECRETARY, 1, &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_grant_put(&f->app, &f->obs, "sec", "org/b", URNE_ROLE_SECRETARY, 1, &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_grant_put(&f->app, &f->obs, "sec", "", URNE_ROLE_SECRETARY, 1, &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_grant_put(&f->app, &f->obs, "sec", "Org/A", URNE_ROLE_SECRETARY, 1, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_grant_put(&f->app, &f->admin, "sec", "Org/A", URNE_ROLE_SECRETARY, 1, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_grant_put(&f->app, &f->admin, "sec", "", URNE_ROLE_SECRETARY, 1, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_grant_put(&f->app, &f->obs, "sec", "org/a", URNE_ROLE_PUBLIC, 1, &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_grant_put(&f->app, &f->obs, "sec", "org/a", URNE_ROLE_COMMISSION, 3, &o_));
    REFUSED(f, URNE_APP_NO_USER, urne_app_grant_put(&f->app, &f->obs, "ghost", "org/a", URNE_ROLE_SECRETARY, 1, &o_));
    /* The administrator of org/a grants in org/a and in its election. */
    char own[32];
    snprintf(own, sizeof own, "election/%lld", (long long)ea);
    int64_t seq = app_fixture_audit_seq((f)->store);
    assert_int_equal(urne_app_grant_put(&f->app, &f->obs, "com1", "org/a", URNE_ROLE_COMMISSION, 2, &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
    assert_int_equal(urne_app_grant_put(&f->app, &f->obs, "sec", own, URNE_ROLE_SECRETARY, 1, &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq + 2);
    /* but not in the site's election. */
    snprintf(own, sizeof own, "election/%lld", (long long)f->election);
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_grant_put(&f->app, &f->obs, "sec", own, URNE_ROLE_SECRETARY, 1, &o_));
    /* Listing: the site's administrator sees every grant, obs those it administers. */
    json_t *all = urne_app_grants_json(&f->app, &f->admin, "obs", &o);
    assert_non_null(all);
    assert_int_equal(json_array_size(all), 1);
    json_decref(all);
    urne_app_outcome_free(&o);
    all = urne_app_grants_json(&f->app, &f->obs, "com1", &o);
    assert_non_null(all);
    assert_int_equal(json_array_size(all), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "space")), "org/a");
    json_decref(all);
    urne_app_outcome_free(&o);
    assert_null(urne_app_grants_json(&f->app, &f->com1, "com1", &o));
    assert_int_equal(o.status, URNE_APP_FORBIDDEN);
    urne_app_outcome_free(&o);
    assert_null(urne_app_grants_json(&f->app, &f->obs, "ghost", &o));
    assert_int_equal(o.status, URNE_APP_NO_USER);
    urne_app_outcome_free(&o);
    /* Taking back: only what is there, only where the actor administers. */
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_grant_delete(&f->app, &f->obs, "obs", "org/b", &o_));
    REFUSED(f, URNE_APP_STATE, urne_app_grant_delete(&f->app, &f->obs, "sec2", "org/a", &o_));
    assert_int_equal(urne_app_grant_delete(&f->app, &f->obs, "com1", "org/a", &o), URNE_APP_OK);
    assert_int_equal(o.id, f->com1.id);
    urne_app_outcome_free(&o);
    /* Its administrator's own grant taken back by the site: obs administers nothing now. */
    assert_int_equal(urne_app_grant_delete(&f->app, &f->admin, "obs", "org/a", &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_grant_put(&f->app, &f->obs, "sec", "org/a", URNE_ROLE_SECRETARY, 1, &o_));
}

/* May: a site role, a grant in a space, an election's chain through its space. */
static void test_authorize_spaces(void **state) {
    fixture *f = *state;
    int64_t ea = import_in(f, "org/a");
    urne_app_outcome o;
    assert_int_equal(urne_app_grant_put(&f->app, &f->admin, "obs", "org/a", URNE_ROLE_COMMISSION, 1, &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
    urne_app_outcome_init(&o);
    assert_int_equal(urne_app_may(&f->app, &f->obs, URNE_ACT_CONTEST, ea, &o), URNE_APP_OK);
    assert_int_equal(urne_app_may(&f->app, &f->obs, URNE_ACT_CONTEST, f->election, &o), URNE_APP_FORBIDDEN);
    urne_app_outcome_free(&o);
    urne_app_outcome_init(&o);
    assert_int_equal(urne_app_authorize_space(&f->app, &f->obs, URNE_ACT_CONTEST, "org/a", &o), URNE_APP_OK);
    assert_int_equal(urne_app_authorize_space(&f->app, &f->obs, URNE_ACT_CONTEST, "org/b", &o), URNE_APP_FORBIDDEN);
    urne_app_outcome_free(&o);
    urne_app_outcome_init(&o);
    assert_int_equal(urne_app_authorize_somewhere(&f->app, &f->obs, URNE_ACT_GRANT_ROLES, &o), URNE_APP_FORBIDDEN);
    urne_app_outcome_free(&o);
    urne_app_outcome_init(&o);
    assert_int_equal(urne_app_authorize_somewhere(&f->app, &f->admin, URNE_ACT_GRANT_ROLES, &o), URNE_APP_OK);
    assert_int_equal(urne_app_authorize_somewhere(&f->app, &f->nobody, URNE_ACT_GRANT_ROLES, &o),
                     URNE_APP_LOGIN_NEEDED);
    urne_app_outcome_free(&o);
}

static int count_notice(const urne_notice *n, void *ctx) {
    (void)n;
    ++*(int *)ctx;
    return 0;
}

/* The example component: an administrator publishes; nobody else; the engine's
 * rules refuse with the field. */
static void test_notice_publish(void **state) {
    fixture *f = *state;
    REFUSED(f, URNE_APP_LOGIN_NEEDED, urne_app_notice_publish(&f->app, &f->nobody, "Dépouillement", "Salle.", &o_));
    REFUSED(f, URNE_APP_FORBIDDEN, urne_app_notice_publish(&f->app, &f->sec, "Dépouillement", "Salle.", &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_notice_publish(&f->app, &f->admin, "", "Salle.", &o_));
    REFUSED(f, URNE_APP_BAD_INPUT, urne_app_notice_publish(&f->app, &f->admin, "Titre", "", &o_));
    int n = 0;
    assert_int_equal(urne_app_notices_each(&f->app, count_notice, &n), 0);
    assert_int_equal(n, 0);
    urne_app_outcome o;
    int64_t seq = app_fixture_audit_seq((f)->store);
    assert_int_equal(urne_app_notice_publish(&f->app, &f->admin, "Dépouillement", "Salle des fêtes.", &o), URNE_APP_OK);
    assert_true(o.id > 0);
    urne_app_outcome_free(&o);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq + 1);
    assert_int_equal(urne_app_notices_each(&f->app, count_notice, &n), 0);
    assert_int_equal(n, 1);
}

/* Sessions and the account list, through the lock. */
static void test_sessions_and_accounts(void **state) {
    fixture *f = *state;
    urne_user u;
    char hash[256], csrf[URNE_STORE_TOKEN_SIZE];
    urne_app_outcome o;
    assert_int_equal(urne_app_login_find(&f->app, "sec", &u, hash, sizeof hash, &o), URNE_APP_OK);
    assert_int_equal(u.id, f->sec.id);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_int_equal(urne_app_login_find(&f->app, "ghost", &u, hash, sizeof hash, &o), URNE_APP_NO_USER);
    assert_string_equal(o.detail, "ghost");
    urne_app_outcome_free(&o);
    const char token[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert_int_equal(urne_app_session_put(&f->app, token, f->sec.id, "csrf-token-1", 2000), 0);
    assert_int_equal(urne_app_session_get(&f->app, token, 1000, &u, csrf), 1);
    assert_int_equal(u.id, f->sec.id);
    assert_string_equal(csrf, "csrf-token-1");
    assert_int_equal(urne_app_session_get(&f->app, token, 3000, &u, csrf), 0); /* expired */
    assert_int_equal(urne_app_session_delete(&f->app, token), 0);
    assert_int_equal(urne_app_session_get(&f->app, token, 1000, &u, csrf), 0);
    /* A session found at second 1000 is kept for the rest of that second: closed
     * behind the application's back (as another server sharing the database would
     * close it), it is still found at 1000, and no longer from 1001 on. */
    const char other[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    assert_int_equal(urne_app_session_put(&f->app, other, f->sec2.id, "csrf-token-2", 2000), 0);
    assert_int_equal(urne_app_session_get(&f->app, other, 1000, &u, csrf), 1);
    assert_int_equal(urne_store_session_delete(f->store, other), 0);
    assert_int_equal(urne_app_session_get(&f->app, other, 1000, &u, csrf), 1);
    assert_int_equal(u.id, f->sec2.id);
    assert_string_equal(csrf, "csrf-token-2");
    assert_int_equal(urne_app_session_get(&f->app, other, 1001, &u, csrf), 0);
    assert_int_equal(urne_app_session_get(&f->app, other, 1000, &u, csrf), 0); /* forgotten, not kept */
    /* Its expiry holds to the second: found at 1999, not at 2000. */
    assert_int_equal(urne_app_session_put(&f->app, other, f->sec2.id, "csrf-token-3", 2000), 0);
    assert_int_equal(urne_app_session_get(&f->app, other, 1999, &u, csrf), 1);
    assert_int_equal(urne_app_session_get(&f->app, other, 2000, &u, csrf), 0);
    urne_user *all = NULL;
    size_t n = 0;
    assert_int_equal(urne_app_users_list(&f->app, &all, &n), 0);
    assert_int_equal(n, 6);
    int seen_admin = 0;
    for (size_t i = 0; i < n; i++) seen_admin |= strcmp(all[i].name, "admin") == 0;
    assert_true(seen_admin);
    free(all);
}

static void test_status_names(void **state) {
    (void)state;
    for (urne_app_status s = URNE_APP_OK; s < URNE_APP_NSTATUSES; s++) {
        assert_string_not_equal(urne_app_status_name(s), "?");
        for (urne_app_status t = URNE_APP_OK; t < s; t++)
            assert_string_not_equal(urne_app_status_name(s), urne_app_status_name(t));
    }
    assert_string_equal(urne_app_status_name(URNE_APP_NSTATUSES), "?");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sheet_enter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contest_decide_escalate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_elsewhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publish_what_is_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assign_and_accounts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_annulled_not_outlier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assign_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bureaux_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_home_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_authorize_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notice_publish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_and_accounts, setup, teardown),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
