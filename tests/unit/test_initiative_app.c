/*
 * test_initiative_app: the initiatives' use cases (app/initiative.h) on a real
 * SQLite store, allowed and refused; every refusal writes nothing (no audit
 * entry, no change hook, no count). The story: created, its roll imported (a
 * bad roll refused whole, naming line, field and rule), submitted, admitted by
 * its committee, opened at its date, signed (accents and hyphens folded; not on
 * the roll, a homonym, under age, a birth in 2090 each refused with its reason),
 * the same elector twice counted once, a receipt checked, a signature
 * invalidated and the counts following, closed, and the counts rebuilt equal
 * from the rows when the application opens again. The clock is the test's.
 */
#include "helpers.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "app_fixture.h"
#include "../../src/app/grants.h"
#include "../../src/app/initiative.h"
#include "../../src/app/users.h"

#define PASSWORD APP_FIXTURE_PASSWORD

static int64_t test_now;
static int64_t clock_now(void) { return test_now; }

typedef struct fixture {
    APP_FIXTURE_FIELDS;
    urne_user nobody, admin, obs, com1, nord_admin;
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    char pk_hex[65];
} fixture;

static void user(fixture *f, const char *name, urne_role role, urne_user *out) {
    app_fixture_user(f->store, name, role, 1, out);
}

static void app_open(fixture *f) {
    app_fixture_open(&f->app, f->store, app_fixture_count, &f->changes);
    urne_app_initiative_clock(&f->app, clock_now);
}

static int setup(void **state) {
    fixture *f;
    APP_FIXTURE_NEW(f, "initiative");
    user(f, "admin", URNE_ROLE_ADMIN, &f->admin);
    user(f, "obs", URNE_ROLE_OBSERVER, &f->obs);
    user(f, "com1", URNE_ROLE_COMMISSION, &f->com1);
    user(f, "nordadmin", URNE_ROLE_OBSERVER, &f->nord_admin);
    f->nobody.role = URNE_ROLE_PUBLIC;
    app_open(f);
    urne_app_outcome o;
    assert_int_equal(urne_app_grant_put(&f->app, &f->admin, "nordadmin", "org/nord", URNE_ROLE_ADMIN, 1, &o),
                     URNE_APP_OK);
    urne_app_outcome_free(&o);
    app_fixture_keys(f->pk_hex, f->pk, f->sk);
    test_now = app_fixture_at("2025-12-01");
    *state = f;
    return 0;
}

APP_FIXTURE_TEARDOWN(fixture)

static const char RULES[] = "preset = territories\n"
                            "national = 3\n"
                            "territory = 1\n"
                            "territories = 2\n"
                            "opens = 2026-01-01\n"
                            "closes = 2026-07-01\n"
                            "stop-at-threshold = no\n";

static const char ROLL[] = "name;given;birth;commune;territory\n"
                           "Dupont;Jean Pierre Marie;1970-03-04;Montval;Nord\n"
                           "DUPONT;Jean-Pierre;1980-05-06;Montval;Nord\n"
                           "N'Diaye;Awa;02/01/1990;Lille;Nord\n"
                           "Lefèvre;Élodie;1985-12-31;Arras;Pas-de-Calais\n"
                           "Petit;Léo;2010-01-01;Arras;Pas-de-Calais\n";

static int64_t create(fixture *f) {
    urne_initiative_new in = {"Pour l'eau en régie", "", RULES, f->pk_hex};
    urne_app_outcome o;
    APP_OK(urne_app_initiative_create(&f->app, &f->admin, &in, &o));
    int64_t id = o.id;
    urne_app_outcome_free(&o);
    return id;
}

static void test_create(void **state) {
    fixture *f = *state;
    urne_initiative_new in = {"Pour l'eau en régie", "", RULES, f->pk_hex};
    APP_REFUSED(f, URNE_APP_LOGIN_NEEDED, NULL, urne_app_initiative_create(&f->app, &f->nobody, &in, &o_));
    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_initiative_create(&f->app, &f->obs, &in, &o_));
    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_initiative_create(&f->app, &f->com1, &in, &o_));
    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_initiative_create(&f->app, &f->nord_admin, &in, &o_));
    urne_initiative_new bad = in;
    bad.rules = "preset = rip\nnational = 200%\n";
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_RULES, urne_app_initiative_create(&f->app, &f->admin, &bad, &o_));
    bad = in;
    bad.authority_key = "abcd";
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_INITIATIVE_KEY, urne_app_initiative_create(&f->app, &f->admin, &bad, &o_));
    bad = in;
    bad.title = "";
    APP_REFUSED(f, URNE_APP_BAD_INPUT, "empty", urne_app_initiative_create(&f->app, &f->admin, &bad, &o_));
    bad = in;
    bad.space = "Org Nord";
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_SPACE, urne_app_initiative_create(&f->app, &f->admin, &bad, &o_));

    /* An organisation's administrator creates in its space, not on the site. */
    urne_app_outcome o;
    bad = in;
    bad.space = "org/nord";
    APP_OK(urne_app_initiative_create(&f->app, &f->nord_admin, &bad, &o));
    urne_app_outcome_free(&o);
    int64_t id = create(f);
    urne_app_read_begin(&f->app);
    const urne_initiative_held *h = urne_app_initiative(&f->app, id);
    assert_non_null(h);
    assert_string_equal(h->row.state, "draft");
    assert_string_equal(h->rules.preset, "territories");
    assert_int_equal(h->rules.national.count, 3);
    urne_app_read_end(&f->app);
}

static void import_roll(fixture *f, int64_t id) {
    urne_app_outcome o;
    APP_OK(urne_app_initiative_roll(&f->app, &f->admin, id, ROLL, sizeof ROLL - 1, "roll.csv", &o));
    assert_int_equal(o.number, 5);
    urne_app_outcome_free(&o);
}

static void test_roll(void **state) {
    fixture *f = *state;
    int64_t id = create(f);
    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL,
            urne_app_initiative_roll(&f->app, &f->com1, id, ROLL, sizeof ROLL - 1, "roll.csv", &o_));
    APP_REFUSED(f, URNE_APP_NO_INITIATIVE, NULL,
            urne_app_initiative_roll(&f->app, &f->admin, id + 9, ROLL, sizeof ROLL - 1, "roll.csv", &o_));
    static const char future[] = "nom;prenoms;naissance;commune\n"
                                 "Martin;Paul;1970-01-01;Lille\n"
                                 "Durand;Zoé;2090-01-01;Lille\n";
    urne_app_outcome o;
    int64_t seq = app_fixture_audit_seq(f->store);
    assert_int_equal(urne_app_initiative_roll(&f->app, &f->admin, id, future, sizeof future - 1, "roll.csv", &o),
                     URNE_APP_BAD_INPUT);
    assert_string_equal(o.why, URNE_WHY_FILE);
    assert_int_equal(o.checks.count, 1);
    assert_string_equal(o.checks.file, "roll.csv");
    assert_int_equal(o.checks.items[0].line, 3);
    assert_string_equal(o.checks.items[0].field, "birth");
    assert_string_equal(o.checks.items[0].rule, "birth-future");
    urne_app_outcome_free(&o);
    static const char twice[] = "name,given,birth,commune\n"
                                "Martin,Paul,1970-01-01,Lille\n"
                                "MARTIN,paul,01/01/1970,LILLE\n";
    assert_int_equal(urne_app_initiative_roll(&f->app, &f->admin, id, twice, sizeof twice - 1, "twice.csv", &o),
                     URNE_APP_BAD_INPUT);
    assert_int_equal(o.checks.count, 1);
    assert_int_equal(o.checks.items[0].line, 3);
    assert_string_equal(o.checks.items[0].rule, "duplicate-elector");
    urne_app_outcome_free(&o);
    static const char noheader[] = "name,given,commune\nMartin,Paul,Lille\n";
    assert_int_equal(urne_app_initiative_roll(&f->app, &f->admin, id, noheader, sizeof noheader - 1, "h.csv", &o),
                     URNE_APP_BAD_INPUT);
    assert_string_equal(o.checks.items[0].field, "birth");
    assert_string_equal(o.checks.items[0].rule, "header");
    urne_app_outcome_free(&o);
    assert_int_equal(app_fixture_audit_seq(f->store), seq); /* nothing written */
    urne_app_read_begin(&f->app);
    assert_int_equal(urne_app_initiative(&f->app, id)->nterritories, 0);
    urne_app_read_end(&f->app);

    import_roll(f, id);
    urne_app_read_begin(&f->app);
    const urne_initiative_held *h = urne_app_initiative(&f->app, id);
    assert_int_equal(h->nterritories, 2);
    assert_string_equal(h->territories[0].name, "Nord");
    assert_int_equal(h->territories[0].electors, 3);
    assert_int_equal(h->territories[1].electors, 2);
    urne_app_read_end(&f->app);
}

static void act(fixture *f, const urne_user *who, int64_t id, urne_initiative_event e, const char *text,
                const char *state) {
    urne_app_outcome o;
    APP_OK(urne_app_initiative_act(&f->app, who, id, e, text, &o));
    assert_string_equal(o.detail, state);
    urne_app_outcome_free(&o);
}

/* Created, its roll imported, submitted, admitted and opened on 2026-03-01. */
static int64_t collecting(fixture *f) {
    int64_t id = create(f);
    import_roll(f, id);
    act(f, &f->admin, id, URNE_INITIATIVE_SUBMIT, NULL, "submitted");
    act(f, &f->com1, id, URNE_INITIATIVE_ADMIT, "Conforme.", "admissible");
    test_now = app_fixture_at("2026-03-01T10:00:00Z");
    act(f, &f->admin, id, URNE_INITIATIVE_OPEN, NULL, "collecting");
    return id;
}

static void test_lifecycle(void **state) {
    fixture *f = *state;
    int64_t id = create(f);
    import_roll(f, id);
    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_initiative_act(&f->app, &f->com1, id, URNE_INITIATIVE_SUBMIT, NULL, &o_));
    APP_REFUSED(f, URNE_APP_STATE, "wrong-state",
            urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_OPEN, NULL, &o_));
    act(f, &f->admin, id, URNE_INITIATIVE_SUBMIT, NULL, "submitted");
    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_ADMIT, NULL, &o_));
    APP_REFUSED(f, URNE_APP_LOGIN_NEEDED, NULL,
            urne_app_initiative_act(&f->app, &f->nobody, id, URNE_INITIATIVE_ADMIT, NULL, &o_));
    APP_REFUSED(f, URNE_APP_STATE, "no-reasons",
            urne_app_initiative_act(&f->app, &f->com1, id, URNE_INITIATIVE_REJECT, "", &o_));
    act(f, &f->com1, id, URNE_INITIATIVE_ADMIT, "Conforme à l'article 11.", "admissible");
    APP_REFUSED(f, URNE_APP_STATE, "not-yet-open",
            urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_OPEN, NULL, &o_));
    test_now = app_fixture_at("2026-01-01");
    act(f, &f->admin, id, URNE_INITIATIVE_OPEN, NULL, "collecting");
    static const char roll[] = "name,given,birth,commune\nMartin,Paul,1970-01-01,Lille\n";
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_ROLL_STATE,
            urne_app_initiative_roll(&f->app, &f->admin, id, roll, sizeof roll - 1, "late.csv", &o_));
    test_now = app_fixture_at("2026-06-30T23:59:59Z");
    APP_REFUSED(f, URNE_APP_STATE, "still-open",
            urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_CLOSE, NULL, &o_));
    test_now = app_fixture_at("2026-07-01");
    act(f, &f->admin, id, URNE_INITIATIVE_CLOSE, NULL, "expired"); /* no signature: not reached */
    APP_REFUSED(f, URNE_APP_STATE, "wrong-state",
            urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_TRANSMIT, NULL, &o_));
    urne_app_read_begin(&f->app);
    assert_string_equal(urne_app_initiative(&f->app, id)->row.reasons, "Conforme à l'article 11.");
    urne_app_read_end(&f->app);
}

/* What a page may show (urne_app_initiative_allowed): each actor's events from
 * the state, as the acts would allow them; the invalidation the committee's. */
static unsigned allowed(fixture *f, const urne_user *who, int64_t id, int *invalidate) {
    *invalidate = -1;
    unsigned mask = urne_app_initiative_allowed(&f->app, who, id, invalidate);
    assert_true(*invalidate == 0 || *invalidate == 1);
    return mask;
}

#define EV(e) (1u << URNE_INITIATIVE_##e)

static void test_allowed(void **state) {
    fixture *f = *state;
    int inv;
    int64_t id = create(f);
    assert_int_equal(allowed(f, &f->admin, id, &inv), EV(SUBMIT));
    assert_int_equal(inv, 0);
    assert_int_equal(allowed(f, &f->com1, id, &inv), 0);
    assert_int_equal(inv, 1);
    assert_int_equal(allowed(f, &f->nobody, id, &inv), 0);
    assert_int_equal(inv, 0);
    assert_int_equal(allowed(f, &f->obs, id, &inv), 0);
    assert_int_equal(inv, 0);
    assert_int_equal(allowed(f, &f->nord_admin, id, &inv), 0); /* an organiser of another space */
    assert_int_equal(allowed(f, &f->admin, id + 99, &inv), 0); /* no such initiative */
    assert_int_equal(inv, 0);
    import_roll(f, id);
    act(f, &f->admin, id, URNE_INITIATIVE_SUBMIT, NULL, "submitted");
    assert_int_equal(allowed(f, &f->admin, id, &inv), 0);
    assert_int_equal(allowed(f, &f->com1, id, &inv), EV(ADMIT) | EV(REJECT));
    act(f, &f->com1, id, URNE_INITIATIVE_ADMIT, "Conforme.", "admissible");
    /* Before the window opens, open is still shown: the act refuses it, in words. */
    assert_int_equal(allowed(f, &f->admin, id, &inv), EV(OPEN));
    test_now = app_fixture_at("2026-03-01");
    act(f, &f->admin, id, URNE_INITIATIVE_OPEN, NULL, "collecting");
    assert_int_equal(allowed(f, &f->admin, id, &inv), EV(CLOSE));
    assert_int_equal(allowed(f, &f->com1, id, &inv), 0);
    assert_int_equal(inv, 1);
    test_now = app_fixture_at("2026-07-01");
    act(f, &f->admin, id, URNE_INITIATIVE_CLOSE, NULL, "expired");
    assert_int_equal(allowed(f, &f->admin, id, &inv), 0); /* final: nothing leads out */

    urne_initiative_new in = {"Nord", "org/nord", RULES, f->pk_hex};
    urne_app_outcome o;
    APP_OK(urne_app_initiative_create(&f->app, &f->nord_admin, &in, &o));
    assert_int_equal(allowed(f, &f->nord_admin, o.id, &inv), EV(SUBMIT)); /* in its own space */
    assert_int_equal(allowed(f, &f->admin, o.id, &inv), EV(SUBMIT));      /* the site's administrator too */
    urne_app_outcome_free(&o);
}

/* A receipt as answered: the signature's id, a dash, XXXXX-XXXXX-XXXXX-XXXXX. */
static void receipt_is(const char *code, int64_t sig) {
    char id[24];
    snprintf(id, sizeof id, "%lld-", (long long)sig);
    assert_int_equal(strncmp(code, id, strlen(id)), 0);
    const char *rest = code + strlen(id);
    assert_int_equal(strlen(rest), 23);
    for (int k = 0; k < 23; k++)
        assert_true(k % 6 == 5 ? rest[k] == '-' : strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", rest[k]) != NULL);
}

static urne_app_status sign(fixture *f, int64_t id, const char *name, const char *given, const char *birth,
                            const char *commune, urne_app_outcome *o) {
    urne_initiative_signer s = {name, given, birth, commune, "192.0.2.1", NULL};
    return urne_app_initiative_sign(&f->app, &f->nobody, id, &s, o);
}

static int64_t territory_count(fixture *f, int64_t id, const char *name) {
    urne_app_read_begin(&f->app);
    const urne_initiative_held *h = urne_app_initiative(&f->app, id);
    int64_t n = -1;
    for (size_t i = 0; i < h->nterritories; i++)
        if (strcmp(h->territories[i].name, name) == 0) n = h->territories[i].signatures;
    urne_app_read_end(&f->app);
    return n;
}

static void test_sign(void **state) {
    fixture *f = *state;
    int64_t id = create(f);
    import_roll(f, id);
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_NOT_COLLECTING, sign(f, id, "Dupont", "Jean", "1970-03-04", "Montval", &o_));
    act(f, &f->admin, id, URNE_INITIATIVE_SUBMIT, NULL, "submitted");
    act(f, &f->com1, id, URNE_INITIATIVE_ADMIT, NULL, "admissible");
    test_now = app_fixture_at("2026-03-01T10:00:00Z");
    act(f, &f->admin, id, URNE_INITIATIVE_OPEN, NULL, "collecting");

    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_NOT_ON_ROLL, sign(f, id, "Durand", "Paul", "1970-03-04", "Montval", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_HOMONYM, sign(f, id, "Dupont", "Jean Pierre Marie", "1975-01-01",
                                                          "Montval", &o_));
    /* The roll is searched by a hash of the whole identity: given names as the
     * roll writes them all, else the signer is told to give them all. */
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_HOMONYM, sign(f, id, "Dupont", "Jean", "1970-03-04", "Montval", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNDER_AGE, sign(f, id, "PETIT", "Leo", "2010-01-01", "Arras", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, "birth-future", sign(f, id, "Dupont", "Jean", "2090-01-01", "Montval", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, "empty", sign(f, id, "", "Jean", "1970-03-04", "Montval", &o_));
    APP_REFUSED(f, URNE_APP_NO_INITIATIVE, NULL, sign(f, id + 5, "Dupont", "Jean", "1970-03-04", "Montval", &o_));
    assert_int_equal(territory_count(f, id, "Nord"), 0);

    urne_app_outcome o;
    /* Accents, case and hyphens folded: the roll's "N'Diaye" "Awa" born 02/01/1990. */
    APP_OK(sign(f, id, "n’diaye", "AWA", "1990-01-02", "lille", &o));
    assert_true(o.id > 0);
    assert_string_equal(o.field, "Nord");
    receipt_is(o.detail, o.id); /* ID-XXXXX-XXXXX-XXXXX-XXXXX */
    char receipt[sizeof o.detail];
    snprintf(receipt, sizeof receipt, "%s", o.detail);
    int64_t sig = o.id;
    urne_app_outcome_free(&o);
    assert_int_equal(territory_count(f, id, "Nord"), 1);
    APP_REFUSED(f, URNE_APP_TAKEN, URNE_WHY_ALREADY_SIGNED, sign(f, id, "N-DIAYE", "Awa", "02/01/1990", "Lille", &o_));
    assert_int_equal(territory_count(f, id, "Nord"), 1);

    /* The receipt, as a signer types it back. */
    for (char *p = receipt; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    APP_OK(urne_app_initiative_receipt(&f->app, &f->nobody, id, receipt, &o));
    assert_int_equal(o.id, sig);
    assert_string_equal(o.detail, "");
    urne_app_outcome_free(&o);
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_RECEIPT,
            urne_app_initiative_receipt(&f->app, &f->nobody, id, "AAAAA-AAAAA-AAAAA-AAAAA", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_RECEIPT,
            urne_app_initiative_receipt(&f->app, &f->nobody, id, "not a code", &o_));
    /* Its random part under another id, or another random part under its id. */
    char other[sizeof receipt];
    snprintf(other, sizeof other, "%lld%s", (long long)sig + 1, strchr(receipt, '-'));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_RECEIPT,
            urne_app_initiative_receipt(&f->app, &f->nobody, id, other, &o_));
    snprintf(other, sizeof other, "%s", receipt);
    char *last = other + strlen(other) - 1;
    *last = *last == 'a' ? 'b' : 'a';
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_RECEIPT,
            urne_app_initiative_receipt(&f->app, &f->nobody, id, other, &o_));
    /* The random part alone is no receipt either (not one made before migration 15). */
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_RECEIPT,
            urne_app_initiative_receipt(&f->app, &f->nobody, id, strchr(receipt, '-') + 1, &o_));
    /* Nor in another initiative. */
    APP_REFUSED(f, URNE_APP_NO_INITIATIVE, NULL, urne_app_initiative_receipt(&f->app, &f->nobody, id + 5, receipt, &o_));

    /* Only the authority opens what the store keeps of the signer. */
    urne_initiative_signature row;
    assert_int_equal(urne_store_initiative_signature_get(f->store, id, sig, &row), 1);
    assert_null(strstr(row.sealed, "DIAYE"));
    unsigned char plain[1200];
    assert_true(urne_sealer_open(f->pk, f->sk, row.sealed, plain, sizeof plain) > 0);
    assert_non_null(strstr((char *)plain, "\"name\":\"NDIAYE\"") ? (char *)plain
                                                                  : strstr((char *)plain, "\"name\":\"N DIAYE\""));
    assert_non_null(strstr((char *)plain, "1990-01-02"));
}

static void test_invalidate_and_reload(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f);
    urne_app_outcome o;
    APP_OK(sign(f, id, "Dupont", "Jean Pierre", "1980-05-06", "Montval", &o));
    int64_t first = o.id;
    urne_app_outcome_free(&o);
    APP_OK(sign(f, id, "Lefevre", "Elodie", "31/12/1985", "ARRAS", &o));
    urne_app_outcome_free(&o);
    APP_OK(sign(f, id, "Dupont", "jean-pierre marie", "1970-03-04", "Montval", &o));
    urne_app_outcome_free(&o);
    assert_int_equal(territory_count(f, id, "Nord"), 2);
    assert_int_equal(territory_count(f, id, "Pas-de-Calais"), 1);

    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_initiative_invalidate(&f->app, &f->admin, id, first, "x", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_REASON,
            urne_app_initiative_invalidate(&f->app, &f->com1, id, first, "", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_NO_SIGNATURE,
            urne_app_initiative_invalidate(&f->app, &f->com1, id, first + 99, "x", &o_));
    APP_OK(urne_app_initiative_invalidate(&f->app, &f->com1, id, first, "Signature contestée par l'électeur.", &o));
    urne_app_outcome_free(&o);
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_ALREADY_INVALID,
            urne_app_initiative_invalidate(&f->app, &f->com1, id, first, "again", &o_));
    assert_int_equal(territory_count(f, id, "Nord"), 1);

    /* Three valid signatures were needed: closing leaves it expired. */
    test_now = app_fixture_at("2026-07-01");
    act(f, &f->admin, id, URNE_INITIATIVE_CLOSE, NULL, "expired");

    /* The counts are rebuilt from the rows when the application opens again. */
    urne_app_close(&f->app);
    app_open(f);
    assert_int_equal(territory_count(f, id, "Nord"), 1);
    assert_int_equal(territory_count(f, id, "Pas-de-Calais"), 1);
    urne_app_read_begin(&f->app);
    const urne_initiative_held *h = urne_app_initiative(&f->app, id);
    assert_int_equal(h->signatures, 2);
    assert_int_equal(h->invalid, 1);
    assert_int_equal(h->state, URNE_INITIATIVE_EXPIRED);
    urne_app_read_end(&f->app);
    int changed = 1;
    urne_phrase why;
    assert_int_equal(urne_app_initiative_recount(&f->app, id, &changed, &why), 0);
    assert_int_equal(changed, 0);
}

/* The signatures' table as migration 14 left it (its receipts unique), the rows
 * kept, each receipt set to the SHA-256 of one of `codes` as a receipt was kept
 * then, and the version put back to 14. */
static void back_to_14(const char *path, const char *const *codes, const int64_t *sigs, int n) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    const char *sql =
        "BEGIN;CREATE TABLE s14(id INTEGER PRIMARY KEY, initiative_id INTEGER NOT NULL"
        "  REFERENCES initiatives(id), dedup TEXT NOT NULL, territory TEXT NOT NULL, sealed TEXT NOT NULL,"
        "  receipt TEXT NOT NULL, signed_at TEXT NOT NULL, marks TEXT NOT NULL DEFAULT '',"
        "  invalid TEXT NOT NULL DEFAULT '', letter TEXT NOT NULL DEFAULT '',"
        "  UNIQUE(initiative_id, dedup), UNIQUE(initiative_id, receipt));"
        "INSERT INTO s14 SELECT id, initiative_id, dedup, territory, sealed, 'r' || id, signed_at, marks, invalid,"
        "  letter FROM initiative_signatures;"
        "DROP TABLE initiative_signatures;ALTER TABLE s14 RENAME TO initiative_signatures;"
        "DROP TABLE initiative_roll_territories;" /* migration 18's */
        "CREATE INDEX initiative_signatures_count ON initiative_signatures(initiative_id, territory, invalid);"
        "CREATE INDEX initiative_signatures_valid ON initiative_signatures(initiative_id, invalid, signed_at);";
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s", msg);
    for (int i = 0; i < n; i++) {
        unsigned char h[32];
        char hex[65], update[160];
        crypto_hash_sha256(h, (const unsigned char *)codes[i], strlen(codes[i]));
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        snprintf(update, sizeof update, "UPDATE initiative_signatures SET receipt = '%s' WHERE id = %lld", hex,
                 (long long)sigs[i]);
        if (sqlite3_exec(db, update, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s", msg);
    }
    if (sqlite3_exec(db, "PRAGMA user_version = 14;COMMIT;", NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s", msg);
    sqlite3_close(db);
}

/* A database of signatures made at migration 14: after 15, the same counts,
 * the same recount, its receipts (their 20 characters alone) still checked,
 * its rows' ids no receipt of the new kind, and the new signatures' receipts
 * checked by their id beside them. */
static void test_receipts_before_15(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f), sigs[3];
    urne_app_outcome o;
    APP_OK(sign(f, id, "Dupont", "Jean Pierre", "1980-05-06", "Montval", &o));
    sigs[0] = o.id;
    urne_app_outcome_free(&o);
    APP_OK(sign(f, id, "Lefevre", "Elodie", "31/12/1985", "ARRAS", &o));
    sigs[1] = o.id;
    urne_app_outcome_free(&o);
    APP_OK(sign(f, id, "N'Diaye", "Awa", "1990-01-02", "Lille", &o));
    sigs[2] = o.id;
    urne_app_outcome_free(&o);
    APP_OK(urne_app_initiative_invalidate(&f->app, &f->com1, id, sigs[1], "Contestée.", &o));
    urne_app_outcome_free(&o);
    urne_app_close(&f->app);
    urne_store_close(f->store);

    static const char *const codes[] = {"K3M9Q7TVWX0123456789", "ABCDEFGHJKMNPQRSTVWX", "00000111112222233333"};
    char path[96], err[600];
    snprintf(path, sizeof path, "%s/app.db", f->dir);
    back_to_14(path, codes, sigs, 3);
    f->store = urne_store_open(path, err, sizeof err);
    if (f->store == NULL) fail_msg("%s", err);
    assert_int_equal(urne_store_schema_version(f->store), 18); /* 15, 16's index, 17 without the dedup index, 18's counts */
    app_open(f);
    assert_int_equal(territory_count(f, id, "Nord"), 2);
    assert_int_equal(territory_count(f, id, "Pas-de-Calais"), 0);
    int changed = 1;
    urne_phrase why;
    assert_int_equal(urne_app_initiative_recount(&f->app, id, &changed, &why), 0);
    assert_int_equal(changed, 0);

    /* The old receipts, as their signers type them back. */
    APP_OK(urne_app_initiative_receipt(&f->app, &f->nobody, id, "k3m9q-7tvwx-o1234-56789", &o));
    assert_int_equal(o.id, sigs[0]);
    assert_string_equal(o.detail, "");
    urne_app_outcome_free(&o);
    APP_OK(urne_app_initiative_receipt(&f->app, &f->nobody, id, "ABCDE-FGHJK-MNPQR-STVWX", &o));
    assert_int_equal(o.id, sigs[1]);
    assert_string_equal(o.detail, "Contestée.");
    urne_app_outcome_free(&o);
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_RECEIPT,
            urne_app_initiative_receipt(&f->app, &f->nobody, id, "ABCDE-FGHJK-MNPQR-STVWY", &o_));
    /* An old row's id before its old code is no receipt: it has no proof. */
    char typed[sizeof o.detail];
    snprintf(typed, sizeof typed, "%lld-00000-11111-22222-33333", (long long)sigs[2]);
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_RECEIPT,
            urne_app_initiative_receipt(&f->app, &f->nobody, id, typed, &o_));

    /* Signing goes on, its receipts of the new kind, checked beside the old. */
    APP_OK(sign(f, id, "Dupont", "jean-pierre marie", "1970-03-04", "Montval", &o));
    receipt_is(o.detail, o.id);
    assert_true(o.id > sigs[2]);
    int64_t fourth = o.id;
    snprintf(typed, sizeof typed, "%s", o.detail);
    urne_app_outcome_free(&o);
    APP_OK(urne_app_initiative_receipt(&f->app, &f->nobody, id, typed, &o));
    assert_int_equal(o.id, fourth);
    urne_app_outcome_free(&o);
    APP_OK(urne_app_initiative_receipt(&f->app, &f->nobody, id, "00000-11111-22222-33333", &o));
    assert_int_equal(o.id, sigs[2]);
    urne_app_outcome_free(&o);
    assert_int_equal(territory_count(f, id, "Nord"), 3);
}

static void test_reached(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f);
    urne_app_outcome o;
    APP_OK(sign(f, id, "Dupont", "Jean Pierre", "1980-05-06", "Montval", &o));
    urne_app_outcome_free(&o);
    APP_OK(sign(f, id, "Lefevre", "Elodie", "31/12/1985", "ARRAS", &o));
    urne_app_outcome_free(&o);
    APP_OK(sign(f, id, "Dupont", "jean-pierre marie", "1970-03-04", "Montval", &o));
    urne_app_outcome_free(&o);
    test_now = app_fixture_at("2026-07-01");
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_WINDOW, sign(f, id, "N'Diaye", "Awa", "1990-01-02", "Lille", &o_));
    act(f, &f->admin, id, URNE_INITIATIVE_CLOSE, NULL, "reached");
    act(f, &f->admin, id, URNE_INITIATIVE_TRANSMIT, NULL, "transmitted");
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_REASON,
            urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_ANSWER, "", &o_));
    act(f, &f->admin, id, URNE_INITIATIVE_ANSWER, "Le conseil inscrit la question à l'ordre du jour.", "answered");
}

static urne_app_status sign_from(fixture *f, int64_t id, const char *origin, const char *name, const char *given,
                                 const char *birth, const char *commune, urne_app_outcome *o) {
    urne_initiative_signer s = {name, given, birth, commune, origin, NULL};
    return urne_app_initiative_sign(&f->app, &f->nobody, id, &s, o);
}

static const char *marks_of(fixture *f, int64_t id, int64_t sig, urne_initiative_signature *row) {
    assert_int_equal(urne_store_initiative_signature_get(f->store, id, sig, row), 1);
    return row->marks;
}

/* URNE_INITIATIVE_BURST_ADDRESS attempts from `addr` by a name not on the
 * roll, each refused: the next signature from there is the burst's. */
static void failed_attempts(fixture *f, int64_t id, const char *addr) {
    for (int i = 0; i < URNE_INITIATIVE_BURST_ADDRESS; i++)
        APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_NOT_ON_ROLL,
                    sign_from(f, id, addr, "Durand", "Paul", "1970-01-01", "Lille", &o_));
}

/* The marks' table full (a new name, address and network per attempt): a key
 * held before is still found and counted, a new one is not counted (never
 * marked by accident), and the next minute counts afresh. */
static void test_burst_table_full(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f);
    urne_app_outcome o;
    urne_initiative_signature row;
    failed_attempts(f, id, "192.0.2.7");
    for (int i = 0; i < URNE_INITIATIVE_BURST_SLOTS / 2; i++) { /* three keys each: the table filled */
        char addr[32], name[8] = {(char)('A' + i % 26), (char)('a' + i / 26 % 26), 'x', 0};
        snprintf(addr, sizeof addr, "10.%d.%d.1", i / 200, i % 200);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_NOT_ON_ROLL,
                sign_from(f, id, addr, name, "Paul", "1970-01-01", "Lille", &o_));
    }
    urne_app_read_begin(&f->app);
    assert_int_equal(urne_app_initiative(&f->app, id)->burst_fill.used, URNE_INITIATIVE_BURST_SLOTS);
    urne_app_read_end(&f->app);
    APP_OK(sign_from(f, id, "192.0.2.7", "Dupont", "Jean Pierre", "1980-05-06", "Montval", &o));
    assert_string_equal(marks_of(f, id, o.id, &row), "burst-address"); /* found in the full table */
    urne_app_outcome_free(&o);
    failed_attempts(f, id, "203.0.113.5");
    APP_OK(sign_from(f, id, "203.0.113.5", "Lefevre", "Elodie", "1985-12-31", "Arras", &o));
    assert_string_equal(marks_of(f, id, o.id, &row), ""); /* not counted: no room */
    urne_app_outcome_free(&o);
    test_now += 60;
    failed_attempts(f, id, "203.0.113.5");
    APP_OK(sign_from(f, id, "203.0.113.5", "N'Diaye", "Awa", "1990-01-02", "Lille", &o));
    assert_string_equal(marks_of(f, id, o.id, &row), "burst-address"); /* a new minute: room again */
    urne_app_outcome_free(&o);
}

/* Bursts are marked, never refused: the 11th attempt of a minute from one
 * address, the 51st from one network, the 4th for one name in one commune. */
static void test_burst_marks(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f);
    urne_app_outcome o;
    urne_initiative_signature row;
    failed_attempts(f, id, "192.0.2.7");
    APP_OK(sign_from(f, id, "192.0.2.7", "Dupont", "Jean Pierre", "1980-05-06", "Montval", &o));
    assert_string_equal(marks_of(f, id, o.id, &row), "burst-address");
    urne_app_outcome_free(&o);
    test_now += 60; /* the next minute: counted afresh */
    APP_OK(sign_from(f, id, "192.0.2.7", "Lefevre", "Elodie", "1985-12-31", "Arras", &o));
    assert_string_equal(marks_of(f, id, o.id, &row), "");
    urne_app_outcome_free(&o);
    for (int i = 0; i < URNE_INITIATIVE_BURST_NETWORK - 1; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "198.51.100.%d", i + 1);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, NULL, sign_from(f, id, addr, "Durand", "Paul", "1970-01-01", "Lille", &o_));
    }
    APP_OK(sign_from(f, id, "2001:db8:1:2::5", "N'Diaye", "Awa", "1990-01-02", "Lille", &o));
    assert_string_equal(marks_of(f, id, o.id, &row), ""); /* another network */
    urne_app_outcome_free(&o);
    APP_REFUSED(f, URNE_APP_BAD_INPUT, NULL, sign_from(f, id, "198.51.100.200", "Durand", "P", "1970-01-01", "X", &o_));
    APP_OK(sign_from(f, id, "198.51.100.201", "Dupont", "Jean Pierre Marie", "1970-03-04", "Montval", &o));
    assert_string_equal(marks_of(f, id, o.id, &row), "burst-network");
    urne_app_outcome_free(&o);
    /* IPv6: the addresses of one /64 are one address; the /48 is the network,
     * however its addresses are written (2001:db8::9 is in 2001:db8:0::/48).
     * Another initiative: counters of its own. */
    int64_t id3 = collecting(f);
    for (int i = 0; i < URNE_INITIATIVE_BURST_ADDRESS; i++) {
        char addr[48];
        snprintf(addr, sizeof addr, "2001:db8:0:7::%x", i + 1);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, NULL, sign_from(f, id3, addr, "Durand", "Paul", "1970-01-01", "Lille", &o_));
    }
    APP_OK(sign_from(f, id3, "2001:db8:0:7:ffff::1", "Dupont", "Jean Pierre Marie", "1970-03-04", "Montval", &o));
    assert_string_equal(marks_of(f, id3, o.id, &row), "burst-address");
    urne_app_outcome_free(&o);
    for (int i = URNE_INITIATIVE_BURST_ADDRESS + 1; i < URNE_INITIATIVE_BURST_NETWORK; i++) {
        char addr[48];
        snprintf(addr, sizeof addr, "2001:db8:0:%x::1", 0x100 + i);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, NULL, sign_from(f, id3, addr, "Durand", "Paul", "1970-01-01", "Lille", &o_));
    }
    APP_OK(sign_from(f, id3, "2001:db8::9", "N'Diaye", "Awa", "1990-01-02", "Lille", &o));
    assert_string_equal(marks_of(f, id3, o.id, &row), "burst-network");
    urne_app_outcome_free(&o);
    /* One name in one commune tried with birth dates until one is on the roll:
     * the fourth attempt of the minute and after are a burst of that identity
     * (another initiative: counters of its own). */
    int64_t id2 = collecting(f);
    for (int i = 0; i < URNE_INITIATIVE_BURST_IDENTITY; i++) {
        char birth[16];
        snprintf(birth, sizeof birth, "1990-01-%02d", 10 + i);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_HOMONYM, sign(f, id2, "N'Diaye", "Awa", birth, "Lille", &o_));
    }
    APP_OK(sign_from(f, id2, "203.0.113.9", "N'Diaye", "Awa", "1990-01-02", "Lille", &o));
    assert_string_equal(marks_of(f, id2, o.id, &row), "burst-identity");
    urne_app_outcome_free(&o);
}

/* ---- signatures committed in groups (initiative_batch.c) ---- */

typedef struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
} waiter;

static void ticket_done(void *ctx) {
    waiter *w = ctx;
    pthread_mutex_lock(&w->mu);
    w->done++;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* 50 signatures submitted while the committer cannot write (the lock held
 * here): at most two groups. 47 are one elector's: one is counted, 46 are
 * TAKEN, counted never; the three others are each counted once; no answer
 * before the commit; no change hook. */
static void test_batch(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f);
    int changes = f->changes;
    enum { N = 50 };
    static urne_app_outcome outs[N];
    waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    urne_app_read_begin(&f->app); /* the committer waits for this lock */
    for (int i = 0; i < N; i++) {
        urne_initiative_signer s = {"N'Diaye", "Awa", "1990-01-02", "Lille", "192.0.2.1", NULL};
        if (i == 10) s = (urne_initiative_signer){"Dupont", "Jean Pierre", "1980-05-06", "Montval", "192.0.2.2", NULL};
        if (i == 20) s = (urne_initiative_signer){"Lefevre", "Elodie", "31/12/1985", "ARRAS", "192.0.2.3", NULL};
        if (i == 49) s = (urne_initiative_signer){"Dupont", "jean-pierre marie", "1970-03-04", "Montval", "", NULL};
        urne_initiative_ticket *t = urne_app_initiative_sign_begin(&f->app, &f->nobody, id, &s, &outs[i]);
        assert_non_null(t);
        urne_app_initiative_ticket_submit(&f->app, t, ticket_done, &w);
    }
    pthread_mutex_lock(&w.mu);
    assert_int_equal(w.done, 0); /* nothing answered before its commit */
    pthread_mutex_unlock(&w.mu);
    assert_int_equal(territory_count(f, id, "Nord"), 0);
    urne_app_read_end(&f->app);
    pthread_mutex_lock(&w.mu);
    while (w.done < N) pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    int ok = 0, taken = 0;
    for (int i = 0; i < N; i++) {
        if (outs[i].status == URNE_APP_OK) {
            ok++;
            receipt_is(outs[i].detail, outs[i].id);
            assert_true(outs[i].id > 0);
        } else {
            assert_int_equal(outs[i].status, URNE_APP_TAKEN);
            assert_string_equal(outs[i].why, URNE_WHY_ALREADY_SIGNED);
            assert_true(i != 10 && i != 20 && i != 49);
            taken++;
        }
        urne_app_outcome_free(&outs[i]);
    }
    assert_int_equal(ok, 4);
    assert_int_equal(taken, N - 4);
    assert_int_equal(territory_count(f, id, "Nord"), 3);
    assert_int_equal(territory_count(f, id, "Pas-de-Calais"), 1);
    int64_t groups, tickets;
    urne_app_initiative_batch_counts(&f->app, &groups, &tickets);
    assert_int_equal(tickets, N);
    assert_true(groups >= 1 && groups <= 2);
    assert_int_equal(f->changes, changes);
    /* After the committer stops, a ticket is committed alone by its submitter. */
    urne_app_initiative_batch_stop(&f->app);
    urne_initiative_signer again = {"N'Diaye", "Awa", "1990-01-02", "Lille", "", NULL};
    urne_app_outcome o;
    urne_initiative_ticket *t = urne_app_initiative_sign_begin(&f->app, &f->nobody, id, &again, &o);
    assert_non_null(t);
    urne_app_initiative_ticket_submit(&f->app, t, ticket_done, &w);
    assert_int_equal(w.done, N + 1);
    assert_int_equal(o.status, URNE_APP_TAKEN);
    urne_app_outcome_free(&o);
}

/* A signature checked while the collection was open, whose group reaches the
 * lock only after the organisers closed it (the result then decided without
 * it): refused, never written nor counted; the close's result stands. */
static void test_batch_after_close(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f);
    test_now = app_fixture_at("2026-06-30T23:59:59Z");
    urne_initiative_signer s = {"N'Diaye", "Awa", "1990-01-02", "Lille", "192.0.2.1", NULL};
    urne_app_outcome o;
    urne_initiative_ticket *t = urne_app_initiative_sign_begin(&f->app, &f->nobody, id, &s, &o);
    assert_non_null(t);
    test_now = app_fixture_at("2026-07-01T00:00:01Z");
    act(f, &f->admin, id, URNE_INITIATIVE_CLOSE, NULL, "expired");
    int64_t seq = app_fixture_audit_seq(f->store);
    waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    urne_app_initiative_ticket_submit(&f->app, t, ticket_done, &w);
    pthread_mutex_lock(&w.mu);
    while (w.done < 1) pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    assert_int_equal(o.status, URNE_APP_STATE);
    assert_string_equal(o.why, URNE_WHY_NOT_COLLECTING);
    urne_app_outcome_free(&o);
    assert_int_equal(territory_count(f, id, "Nord"), 0);
    assert_int_equal(app_fixture_audit_seq(f->store), seq);
}

/* Signatures checked together (the web checker's way: one lock, one read), then
 * committed in one group in this thread: the refused answered at the check (not
 * on the roll; no such initiative), never committed nor called back; the same
 * elector twice in the group: both checked, one kept, the other TAKEN at the
 * commit; every checked one's outcome filled before its done call. */
static void test_sign_group(void **state) {
    fixture *f = *state;
    int64_t id = collecting(f);
    urne_initiative_signer awa = {"N'Diaye", "Awa", "1990-01-02", "Lille", "192.0.2.1", NULL};
    urne_initiative_signer nobody = {"Personne", "Jean", "1990-01-02", "Lille", "192.0.2.1", NULL};
    urne_app_outcome outs[4];
    urne_initiative_sign_item items[4] = {
        {.actor = &f->nobody, .id = id, .signer = &awa, .out = &outs[0]},
        {.actor = &f->nobody, .id = id, .signer = &nobody, .out = &outs[1]},
        {.actor = &f->nobody, .id = id + 100, .signer = &awa, .out = &outs[2]},
        {.actor = &f->nobody, .id = id, .signer = &awa, .out = &outs[3]},
    };
    waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    for (int i = 0; i < 4; i++) items[i].ctx = &w;
    assert_int_equal(urne_app_initiative_sign_group(&f->app, items, 4), 1);
    assert_true(items[0].checked && !items[1].checked && !items[2].checked && items[3].checked);
    assert_int_equal(outs[1].status, URNE_APP_BAD_INPUT);
    assert_string_equal(outs[1].why, URNE_WHY_NOT_ON_ROLL);
    assert_int_equal(outs[2].status, URNE_APP_NO_INITIATIVE);
    assert_int_equal(territory_count(f, id, "Nord"), 0); /* checked, not yet committed */
    urne_app_initiative_tickets_commit(&f->app, items, 4, ticket_done);
    assert_int_equal(w.done, 2); /* the two checked, before the return */
    assert_null(items[0].ticket);
    assert_null(items[3].ticket);
    assert_int_equal(outs[0].status, URNE_APP_OK);
    receipt_is(outs[0].detail, outs[0].id);
    assert_int_equal(outs[3].status, URNE_APP_TAKEN);
    assert_int_equal(territory_count(f, id, "Nord"), 1);
    for (int i = 0; i < 4; i++) urne_app_outcome_free(&outs[i]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalidate_and_reload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receipts_before_15, setup, teardown),
        cmocka_unit_test_setup_teardown(test_burst_marks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_burst_table_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_after_close, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
