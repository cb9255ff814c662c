/*
 * test_initiative_mail: the use cases of e-mail confirmation
 * (app/initiative_mail.h) on a real store, with the test's clock: a request is
 * pending and counts nothing; asking again mails nothing before 10 minutes and
 * a new link from then on (the old one dead); the link confirms once (the
 * second follow answered so), then the address cannot sign again, whatever its
 * spelling or names; a link 7 days old counts nothing; signing by name is
 * refused for such an initiative, and e-mail for a roll's; a renewal while
 * the link lives replaces the names with those typed now, and its mail names
 * them (whoever asked first cannot fix the names the owner confirms); an
 * answer that mails nothing (signed already, mailed lately) does the work of
 * one that mails (its mail composed, its row written again unchanged, the mail
 * recorded withheld without its texts, its link confirming nothing), and a
 * mail that does not fit refuses every address alike; the outbox's next mail claimed, tried again after a wait while the
 * relay fails (past the old cap of 12 tries: until the link expires, then
 * shown failed), failed for good at once on a refusal or at the sender's cap;
 * a mail that does not fit writes nothing; the administrators' list.
 */
#include "helpers.h"

#include <sodium.h>
#include <sqlite3.h>

#include "../../src/app/app.h"
#include "app_fixture.h"
#include "../../src/app/initiative.h"
#include "../../src/app/initiative_mail.h"

static int64_t test_now;
static int64_t clock_now(void) { return test_now; }

typedef struct fixture {
    APP_FIXTURE_FIELDS;
    urne_user nobody, admin, com1;
    char pk_hex[65];
    char token[80];  /* the last mail's token (composed: sent, or withheld) */
    int composed;    /* mails composed (every answer composes one) */
    int renewals;    /* of which renewals */
    char named[160]; /* the names the last mail gave: "given name, commune" */
    int refuse;      /* compose answers -1 */
} fixture;

static int setup(void **state) {
    fixture *f;
    APP_FIXTURE_NEW(f, "mail");
    app_fixture_user(f->store, "admin", URNE_ROLE_ADMIN, 1, &f->admin);
    app_fixture_user(f->store, "com1", URNE_ROLE_COMMISSION, 1, &f->com1);
    f->nobody.role = URNE_ROLE_PUBLIC;
    app_fixture_open(&f->app, f->store, app_fixture_count, &f->changes);
    urne_app_initiative_clock(&f->app, clock_now);
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    app_fixture_keys(f->pk_hex, pk, sk);
    test_now = app_fixture_at("2025-12-01");
    *state = f;
    return 0;
}

APP_FIXTURE_TEARDOWN(fixture)

static const char RULES[] = "preset = local-petition\nidentity = email\nnational = 2\n"
                            "opens = 2026-01-01\ncloses = 2026-07-01\nstop-at-threshold = no\n";

/* An initiative of `rules`, submitted, admitted and opened on 2026-01-02. */
static int64_t collecting(fixture *f, const char *rules) {
    urne_initiative_new in = {"Marché couvert", "", rules, f->pk_hex};
    urne_app_outcome o;
    APP_OK(urne_app_initiative_create(&f->app, &f->admin, &in, &o));
    int64_t id = o.id;
    urne_app_outcome_free(&o);
    APP_OK(urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_SUBMIT, NULL, &o));
    urne_app_outcome_free(&o);
    APP_OK(urne_app_initiative_act(&f->app, &f->com1, id, URNE_INITIATIVE_ADMIT, "Recevable.", &o));
    urne_app_outcome_free(&o);
    test_now = app_fixture_at("2026-01-02T10:00:00Z");
    APP_OK(urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_OPEN, NULL, &o));
    urne_app_outcome_free(&o);
    return id;
}

static int compose(const urne_initiative_mail_facts *m, char *subject, size_t ssize, char *body, size_t bsize,
                   void *ctx) {
    fixture *f = ctx;
    if (f->refuse) return -1;
    f->composed++;
    f->renewals += m->renewal;
    assert_true(m->name && m->given && m->commune); /* every mail names what its link confirms */
    snprintf(f->named, sizeof f->named, "%s %s, %s", m->given, m->name, m->commune);
    snprintf(f->token, sizeof f->token, "%s", m->token);
    snprintf(subject, ssize, "Confirm: %s", m->title);
    snprintf(body, bsize, "%s %s, %s: /initiatives/%lld/confirm?token=%s\n", m->given ? m->given : "-",
             m->name ? m->name : "-", m->commune ? m->commune : "-", (long long)m->initiative, m->token);
    return 0;
}

/* The count a query gives, read from the store's file as anyone could. */
static int64_t count_of(fixture *f, const char *sql) {
    char path[96];
    snprintf(path, sizeof path, "%s/app.db", f->dir);
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s", sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* The outbox's rows WHERE `where`. */
static int64_t outbox(fixture *f, const char *where) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM mail_outbox WHERE %s", where);
    return count_of(f, sql);
}
#define WITHHELD                                                                                       \
    "state = 'dropped' AND error = 'withheld' AND recipient = '' AND subject = '' AND body = ''" \
    " AND object LIKE 'initiative/%/pending/%/withheld'"

/* Whether a pending row has the link `token` and was last mailed at `at`. */
static int pending_is(fixture *f, const char *token, int64_t at) {
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1], sql[256];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM initiative_pending WHERE token_hash = '%s' AND requested_at = %lld",
             hex, (long long)at);
    return count_of(f, sql) == 1;
}

static urne_app_status ask(fixture *f, int64_t id, const char *email, const char *birth, urne_app_outcome *o) {
    urne_initiative_signer s = {"Martin", "Jean", birth, "Amiens", "192.0.2.1", NULL};
    return urne_app_initiative_mail_sign(&f->app, &f->nobody, id, &s, email, compose, f, o);
}

static int64_t signatures(fixture *f, int64_t id) {
    urne_app_read_begin(&f->app);
    int64_t n = urne_app_initiative(&f->app, id)->signatures;
    urne_app_read_end(&f->app);
    return n;
}

static void test_request_and_confirm(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f, RULES);
    urne_app_outcome o;
    urne_initiative_signer by_name = {"Martin", "Jean", "1970-01-01", "Amiens", "", NULL};
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_BY_EMAIL, urne_app_initiative_sign(&f->app, &f->nobody, id, &by_name, &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, "email-at", ask(f, id, "jean.example.org", "1970-01-01", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNDER_AGE, ask(f, id, "jean@example.org", "2015-01-01", &o_));
    assert_int_equal(f->composed, 0);

    APP_OK(ask(f, id, "Jean@Example.org", "1970-01-01", &o));
    assert_string_equal(o.why, URNE_WHY_MAIL_SENT);
    urne_app_outcome_free(&o);
    assert_int_equal(signatures(f, id), 0); /* pending: counted nowhere */
    char first[80];
    snprintf(first, sizeof first, "%s", f->token);
    assert_int_equal(strlen(first), 64);
    assert_string_equal(f->named, "Jean Martin, Amiens");

    int64_t mailed = test_now;
    assert_int_equal(outbox(f, "state = 'waiting'"), 1);
    test_now += URNE_INITIATIVE_MAIL_RESEND - 1; /* asked again too soon: no mail */
    APP_OK(ask(f, id, "jean@example.org", "1970-01-01", &o));
    assert_string_equal(o.why, URNE_WHY_MAIL_RECENT);
    assert_int_equal(o.number, 1);
    urne_app_outcome_free(&o);
    /* the work of a mail all the same: composed, then withheld: recorded
     * without its texts, its link never stored; the row as it was */
    assert_int_equal(f->composed, 2);
    assert_int_equal(outbox(f, "state = 'waiting'"), 1);
    assert_int_equal(outbox(f, WITHHELD), 1);
    assert_true(pending_is(f, first, mailed));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_LINK,
                urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o_));
    test_now += 1; /* from then on: a new link, the old one dead; asked by someone else, other names: */
    urne_initiative_signer other = {"Autre", "Paul", "1980-01-01", "Lille", "198.51.100.7", NULL};
    APP_OK(urne_app_initiative_mail_sign(&f->app, &f->nobody, id, &other, "jean@example.org", compose, f, &o));
    assert_string_equal(o.why, URNE_WHY_MAIL_SENT); /* the same answer as any request */
    urne_app_outcome_free(&o);
    assert_int_equal(f->composed, 3);
    assert_int_equal(f->renewals, 1);
    assert_string_equal(f->named, "Paul Autre, Lille"); /* the mail names the names its link confirms */
    assert_string_not_equal(first, f->token);
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_LINK,
                urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, first, &o_));

    APP_OK(urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o));
    char prefix[24]; /* the receipt, once: the signature's id, then XXXXX-XXXXX-XXXXX-XXXXX */
    snprintf(prefix, sizeof prefix, "%lld-", (long long)o.id);
    assert_int_equal(strncmp(o.detail, prefix, strlen(prefix)), 0);
    assert_int_equal(strlen(o.detail), strlen(prefix) + 23);
    assert_string_equal(o.field, "LILLE"); /* the renewal's commune, which its mail named, not the first's */
    int64_t sid = o.id;
    urne_app_outcome_free(&o);
    assert_int_equal(signatures(f, id), 1);
    APP_OK(urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o)); /* twice: harmless */
    assert_string_equal(o.why, URNE_WHY_CONFIRMED);
    assert_int_equal(o.id, sid);
    assert_string_equal(o.detail, "");
    urne_app_outcome_free(&o);
    assert_int_equal(signatures(f, id), 1);
    APP_REFUSED(f, URNE_APP_TAKEN, URNE_WHY_ALREADY_SIGNED, ask(f, id, " JEAN@example.ORG", "1980-02-02", &o_));
    assert_int_equal(f->composed, 4); /* composed and withheld, as above */
    assert_int_equal(outbox(f, WITHHELD), 2);
    assert_int_equal(outbox(f, "state = 'waiting'"), 1); /* the renewal's: no sender ran */
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_LINK,
                urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_LINK,
                urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, "short", &o_));
}

static void test_expiry_and_roll(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f, RULES);
    urne_app_outcome o;
    APP_OK(ask(f, id, "anne@example.org", "1990-01-01", &o));
    urne_app_outcome_free(&o);
    test_now += URNE_INITIATIVE_MAIL_EXPIRY; /* 7 days on: the link is dead */
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_LINK_EXPIRED,
                urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o_));
    assert_int_equal(signatures(f, id), 0);
    APP_OK(ask(f, id, "anne@example.org", "1990-01-01", &o)); /* asked again: a new link, a new request */
    assert_string_equal(o.why, URNE_WHY_MAIL_SENT);
    urne_app_outcome_free(&o);
    assert_int_equal(f->renewals, 0); /* the link had expired: its names are given anew */
    char anne[80];
    snprintf(anne, sizeof anne, "%s", f->token);
    f->refuse = 1; /* a mail that does not fit: nothing written */
    APP_REFUSED(f, URNE_APP_NO_MEMORY, NULL, ask(f, id, "paul@example.org", "1990-01-01", &o_));
    f->refuse = 0;
    APP_OK(urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o));
    urne_app_outcome_free(&o);
    assert_int_equal(signatures(f, id), 1);
    /* the purge: a request whose link expired removed (its row and sealed box), a confirmed one kept */
    APP_OK(ask(f, id, "zoe@example.org", "1990-01-01", &o));
    urne_app_outcome_free(&o);
    int64_t asked = test_now;
    test_now += URNE_INITIATIVE_MAIL_EXPIRY;
    assert_int_equal(urne_app_mail_waiting(&f->app), 2); /* Anne's and Zoé's mails: no sender ran */
    assert_int_equal(urne_app_mail_purge(&f->app, test_now - 1), 0);
    assert_int_equal(urne_app_mail_waiting(&f->app), 2);
    assert_int_equal(urne_app_mail_purge(&f->app, test_now), 0); /* their link dead: their mails end, no sender needed */
    assert_int_equal(urne_app_mail_waiting(&f->app), 0);
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_LINK_EXPIRED, /* a day long, an expired link says so */
                urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o_));
    /* a second before the day is out: only Anne's first mail goes (dropped by her new link a week before) */
    assert_int_equal(urne_app_mail_purge(&f->app, asked + URNE_INITIATIVE_MAIL_EXPIRY + 86400 - 1), 1);
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_LINK_EXPIRED,
                urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o_));
    assert_int_equal(urne_app_mail_purge(&f->app, asked + URNE_INITIATIVE_MAIL_EXPIRY + 86400), 1);
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_LINK,
                urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, f->token, &o_));
    test_now = asked;
    APP_OK(urne_app_initiative_mail_confirm(&f->app, &f->nobody, id, anne, &o)); /* a confirmed one is kept */
    assert_string_equal(o.why, URNE_WHY_CONFIRMED);
    urne_app_outcome_free(&o);
    APP_REFUSED(f, URNE_APP_TAKEN, URNE_WHY_ALREADY_SIGNED, ask(f, id, "anne@example.org", "1990-01-01", &o_));
    f->refuse = 1; /* a mail that does not fit refuses a signed address as a new one: the answer tells nothing */
    APP_REFUSED(f, URNE_APP_NO_MEMORY, NULL, ask(f, id, "anne@example.org", "1990-01-01", &o_));
    f->refuse = 0;
    /* a roll's initiative takes no e-mail; e-mail rules take no share */
    int64_t roll = collecting(f, "preset = local-petition\nnational = 2\nopens = 2026-01-01\ncloses = 2026-07-01\n");
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_NOT_BY_EMAIL, ask(f, roll, "anne@example.org", "1990-01-01", &o_));
    urne_initiative_new share = {"Share", "", "preset = local-petition\nidentity = email\nopens = 2026-01-01\n"
                                              "closes = 2026-07-01\n", f->pk_hex};
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_RULES, urne_app_initiative_create(&f->app, &f->admin, &share, &o_));
}

/* The failed mails counted, those whose link expired showing the relay's reason. */
static int count_failed(const urne_mail_row *m, void *ctx) {
    if (strcmp(m->state, "failed") != 0) return 0;
    assert_string_not_equal(m->error, "expired");
    assert_true(m->error[0] != 0);
    ++*(int64_t *)ctx;
    return 0;
}

static void test_outbox(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f, RULES);
    urne_app_outcome o;
    APP_OK(ask(f, id, "jean@example.org", "1970-01-01", &o));
    urne_app_outcome_free(&o);
    urne_mail_row *m = calloc(1, sizeof *m);
    int64_t now = test_now;
    assert_int_equal(urne_app_mail_next(&f->app, now, 120, m), 1);
    assert_string_equal(m->recipient, "jean@example.org");
    assert_non_null(strstr(m->body, f->token));
    assert_int_equal(urne_app_mail_next(&f->app, now, 120, m), 0); /* claimed: not twice */
    assert_int_equal(urne_app_mail_next(&f->app, now + 119, 120, m), 0);
    assert_int_equal(urne_app_mail_next(&f->app, now + 120, 120, m), 1); /* the claim lapsed: taken again */
    int final = -1;
    assert_int_equal(urne_app_mail_tried(&f->app, m, "connection refused", 0, 2, now, &final), 0);
    assert_int_equal(final, 0);
    assert_int_equal(urne_app_mail_next(&f->app, now + 1, 120, m), 0); /* waits 2 s */
    assert_int_equal(urne_app_mail_next(&f->app, now + 2, 120, m), 1);
    assert_int_equal(m->tries, 1);
    assert_int_equal(urne_app_mail_tried(&f->app, m, "connection refused", 0, 2, now + 2, &final), 0);
    assert_int_equal(final, 1); /* the sender's cap: its last try */
    assert_int_equal(urne_app_mail_next(&f->app, now + 100000, 120, m), 0);

    /* No cap: a relay out of reach (or answering 4xx) for hours loses nothing. */
    APP_OK(ask(f, id, "anne@example.org", "1970-01-01", &o));
    urne_app_outcome_free(&o);
    int64_t t = test_now;
    for (int k = 0; k < 40; k++) { /* 40 tries: over 5 hours of waits */
        assert_int_equal(urne_app_mail_next(&f->app, t, 120, m), 1);
        assert_int_equal(m->tries, k);
        assert_int_equal(urne_app_mail_tried(&f->app, m, "421 try again later", 0, 0, t, &final), 0);
        assert_int_equal(final, 0);
        t += 600; /* the longest wait */
    }
    assert_int_equal(urne_app_mail_waiting(&f->app), 1);
    /* Its link expired while the relay failed: shown failed, with the relay's reason. */
    assert_int_equal(urne_app_mail_next(&f->app, test_now + URNE_INITIATIVE_MAIL_EXPIRY, 120, m), 0);
    assert_int_equal(urne_app_mail_waiting(&f->app), 0);
    int64_t failed = 0;
    APP_OK(urne_app_mail_unsent(&f->app, &f->admin, count_failed, &failed, &o));
    urne_app_outcome_free(&o);
    assert_int_equal(failed, 2);

    /* A refusal (5xx) fails at once, whatever the cap. */
    APP_OK(ask(f, id, "paul@example.org", "1970-01-01", &o));
    urne_app_outcome_free(&o);
    assert_int_equal(urne_app_mail_next(&f->app, test_now, 120, m), 1);
    assert_int_equal(urne_app_mail_tried(&f->app, m, "550: no such user", 1, 0, test_now, &final), 0);
    assert_int_equal(final, 1);
    assert_int_equal(urne_app_mail_next(&f->app, test_now + 100000, 120, m), 0);
    APP_REFUSED(f, URNE_APP_LOGIN_NEEDED, NULL, urne_app_mail_unsent(&f->app, &f->nobody, NULL, NULL, &o_));
    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_mail_unsent(&f->app, &f->com1, NULL, NULL, &o_));
    assert_int_equal(urne_app_mail_waiting(&f->app), 0);
    /* The failed mails stay listed a week after they ended (MAIL_KEPT), then go. */
    failed = 0;
    APP_OK(urne_app_mail_unsent(&f->app, &f->admin, count_failed, &failed, &o));
    urne_app_outcome_free(&o);
    assert_int_equal(failed, 3);
    assert_true(urne_app_mail_purge(&f->app, test_now + 1) >= 0);
    failed = 0;
    APP_OK(urne_app_mail_unsent(&f->app, &f->admin, count_failed, &failed, &o));
    urne_app_outcome_free(&o);
    assert_int_equal(failed, 3);
    assert_true(urne_app_mail_purge(&f->app, test_now + URNE_INITIATIVE_MAIL_EXPIRY + 7 * 86400 + 1) >= 3);
    failed = 0;
    APP_OK(urne_app_mail_unsent(&f->app, &f->admin, count_failed, &failed, &o));
    urne_app_outcome_free(&o);
    assert_int_equal(failed, 0);
    free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_request_and_confirm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry_and_roll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
