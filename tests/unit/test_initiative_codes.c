/*
 * test_initiative_codes: one-time codes sent by letter (app/initiative_codes.c)
 * on a real SQLite store. Made only by the organisers and before the collection,
 * refused whole when the letters cannot be written; each code printable (16 of
 * the alphabet without 0, O, 1, I, in groups of 4), counted as one elector of its
 * territory, never in the store's files in clear (nor in the audit entry, which
 * says the count and the territory); a code signs once, typed in small letters
 * without dashes, a second use refused and counted never; an unknown code
 * refused; wrong codes from one address marked, then refused for the minute;
 * fifty threads signing with one code make one signature; the counts rebuilt
 * equal at open; a caller that gives up after batches were stored has them
 * taken back. And the signatures per UTC day held for the counter's chart
 * (app/initiative_days.c): each signature on its day, an invalidation taken
 * from its signature's day, the same days rebuilt from the index at open.
 */
#define _GNU_SOURCE /* memmem */
#include "helpers.h"

#include <dirent.h>
#include <pthread.h>
#include <sodium.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "app_fixture.h"
#include "../../src/app/initiative.h"

static int64_t test_now;
static int64_t clock_now(void) { return test_now; }

typedef struct fixture {
    APP_FIXTURE_FIELDS;
    urne_user nobody, admin, com1;
    char pk_hex[65];
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
} fixture;

static void app_open(fixture *f) {
    app_fixture_open(&f->app, f->store, app_fixture_count, &f->changes);
    urne_app_initiative_clock(&f->app, clock_now);
}

static int setup(void **state) {
    fixture *f;
    APP_FIXTURE_NEW(f, "codes");
    app_fixture_user(f->store, "admin", URNE_ROLE_ADMIN, 1, &f->admin);
    app_fixture_user(f->store, "com1", URNE_ROLE_COMMISSION, 1, &f->com1);
    f->nobody.role = URNE_ROLE_PUBLIC;
    app_open(f);
    app_fixture_keys(f->pk_hex, f->pk, f->sk);
    test_now = app_fixture_at("2025-12-01");
    *state = f;
    return 0;
}

APP_FIXTURE_TEARDOWN(fixture)

static const char RULES[] = "preset = local-petition\n"
                            "national = 2\n"
                            "opens = 2026-01-01\n"
                            "closes = 2026-07-01\n"
                            "stop-at-threshold = no\n";

#define NCODES 5

typedef struct letters {
    char letter[NCODES][128], code[NCODES][URNE_INITIATIVE_CODE_TEXT];
    int n, fail_at; /* fail_at: the letter whose writing fails (-1 none) */
} letters;

static int keep(const char *letter, const char *territory, const char *code, void *ctx) {
    letters *l = ctx;
    assert_string_equal(territory, "Somme");
    if (l->n == l->fail_at) return -1;
    assert_true(l->n < NCODES);
    snprintf(l->letter[l->n], sizeof l->letter[0], "%s", letter);
    snprintf(l->code[l->n++], sizeof l->code[0], "%s", code);
    return 0;
}

/* A caller that gives up at its 4,500th letter: in the third batch of 2,000
 * (URNE_INITIATIVE_CODE_BATCH), the first two stored by then. */
static int give_up_late(const char *letter, const char *territory, const char *code, void *ctx) {
    (void)letter, (void)territory, (void)code;
    return ++*(int64_t *)ctx == 4500 ? -1 : 0;
}

static int64_t electors(fixture *f, int64_t id, const char *name, int64_t *signatures) {
    urne_app_read_begin(&f->app);
    const urne_initiative_held *h = urne_app_initiative(&f->app, id);
    int64_t n = -1;
    for (size_t i = 0; i < h->nterritories; i++)
        if (strcmp(h->territories[i].name, name) == 0) {
            n = h->territories[i].electors;
            *signatures = h->territories[i].signatures;
        }
    urne_app_read_end(&f->app);
    return n;
}

/* Whether text is in any file of dir (the database, its journal). */
static int in_files(const char *dir, const char *text) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int found = 0;
    for (struct dirent *e; !found && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        char path[64 + 1 + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "rb");
        if (fp == NULL) continue;
        static char buf[1 << 22];
        size_t n = fread(buf, 1, sizeof buf, fp);
        fclose(fp);
        found = memmem(buf, n, text, strlen(text)) != NULL;
    }
    closedir(d);
    return found;
}

static urne_app_status sign_code(fixture *f, int64_t id, const char *code, const char *origin, urne_app_outcome *o) {
    urne_initiative_signer s = {NULL, NULL, NULL, NULL, origin, code};
    return urne_app_initiative_sign(&f->app, &f->nobody, id, &s, o);
}

/* An initiative with NCODES codes for Somme (kept in *l), open for signing. */
static int64_t with_codes(fixture *f, letters *l) {
    urne_initiative_new in = {"Pour un marché couvert", "", RULES, f->pk_hex};
    urne_app_outcome o;
    APP_OK(urne_app_initiative_create(&f->app, &f->admin, &in, &o));
    int64_t id = o.id;
    urne_app_outcome_free(&o);
    memset(l, 0, sizeof *l);
    l->fail_at = -1;
    APP_OK(urne_app_initiative_codes(&f->app, &f->admin, id, "Somme", NCODES, keep, l, &o));
    assert_int_equal(o.number, NCODES);
    urne_app_outcome_free(&o);
    return id;
}

static void open_it(fixture *f, int64_t id) {
    urne_app_outcome o;
    APP_OK(urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_SUBMIT, NULL, &o));
    urne_app_outcome_free(&o);
    APP_OK(urne_app_initiative_act(&f->app, &f->com1, id, URNE_INITIATIVE_ADMIT, "Recevable.", &o));
    urne_app_outcome_free(&o);
    test_now = app_fixture_at("2026-03-01T10:00:00Z");
    APP_OK(urne_app_initiative_act(&f->app, &f->admin, id, URNE_INITIATIVE_OPEN, NULL, &o));
    urne_app_outcome_free(&o);
}

static void test_generate(void **state) {
    fixture *f = *state;
    letters l;
    int64_t id = with_codes(f, &l);
    letters none = {.fail_at = -1};
    APP_REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_initiative_codes(&f->app, &f->com1, id, "Somme", 3, keep, &none, &o_));
    APP_REFUSED(f, URNE_APP_LOGIN_NEEDED, NULL,
                urne_app_initiative_codes(&f->app, &f->nobody, id, "Somme", 3, keep, &none, &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_CODE_COUNT,
                urne_app_initiative_codes(&f->app, &f->admin, id, "Somme", 0, keep, &none, &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_CODE_COUNT,
                urne_app_initiative_codes(&f->app, &f->admin, id, "Somme", URNE_INITIATIVE_CODES_MAX + 1, keep, &none,
                                          &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_TERRITORY,
                urne_app_initiative_codes(&f->app, &f->admin, id, "", 3, keep, &none, &o_));
    APP_REFUSED(f, URNE_APP_NO_INITIATIVE, NULL,
                urne_app_initiative_codes(&f->app, &f->admin, id + 7, "Somme", 3, keep, &none, &o_));
    /* Letters that cannot be written: nothing kept, not one code. */
    none.fail_at = 2;
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_LETTERS,
                urne_app_initiative_codes(&f->app, &f->admin, id, "Somme", 4, keep, &none, &o_));
    int64_t sigs = 0;
    assert_int_equal(electors(f, id, "Somme", &sigs), NCODES);
    /* Made outside the lock and stored in batches: a caller that gives up after
     * two batches were stored has them taken back, in memory and in the store. */
    int64_t seen = 0;
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_LETTERS,
                urne_app_initiative_codes(&f->app, &f->admin, id, "Somme", 5000, give_up_late, &seen, &o_));
    assert_int_equal(seen, 4500);
    assert_int_equal(electors(f, id, "Somme", &sigs), NCODES);
    urne_app_close(&f->app);
    app_open(f);
    assert_int_equal(electors(f, id, "Somme", &sigs), NCODES);

    /* Printable, distinct, never in clear in the store's files. */
    for (int i = 0; i < NCODES; i++) {
        const char *c = l.code[i];
        assert_int_equal(strlen(c), 19);
        for (int k = 0; k < 19; k++)
            if (k % 5 == 4)
                assert_int_equal(c[k], '-');
            else
                assert_non_null(strchr(URNE_INITIATIVE_CODE_ALPHABET, c[k]));
        for (int j = 0; j < i; j++) assert_string_not_equal(c, l.code[j]);
        char bare[17];
        snprintf(bare, sizeof bare, "%.4s%.4s%.4s%.4s", c, c + 5, c + 10, c + 15);
        assert_false(in_files(f->dir, c));
        assert_false(in_files(f->dir, bare));
    }
    assert_non_null(strstr(l.letter[0], "Somme/"));
    /* The audit entry says the count and the territory. */
    assert_true(in_files(f->dir, "initiative.codes"));

    /* Once the collection is open the electorate is fixed. */
    open_it(f, id);
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_ROLL_STATE,
                urne_app_initiative_codes(&f->app, &f->admin, id, "Somme", 3, keep, &none, &o_));
}

static void test_sign_once(void **state) {
    fixture *f = *state;
    letters l;
    int64_t id = with_codes(f, &l);
    open_it(f, id);
    char typed[32];
    /* As typed from a letter: small letters, no dashes, a blank. */
    snprintf(typed, sizeof typed, "%.4s %.4s%.4s%.4s", l.code[0], l.code[0] + 5, l.code[0] + 10, l.code[0] + 15);
    for (char *p = typed; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    urne_app_outcome o;
    APP_OK(sign_code(f, id, typed, "192.0.2.1", &o));
    assert_string_equal(o.field, "Somme");
    int64_t sig = o.id;
    char receipt[sizeof o.detail];
    snprintf(receipt, sizeof receipt, "%s", o.detail);
    urne_app_outcome_free(&o);
    int64_t sigs = 0;
    assert_int_equal(electors(f, id, "Somme", &sigs), NCODES);
    assert_int_equal(sigs, 1);
    APP_REFUSED(f, URNE_APP_TAKEN, URNE_WHY_CODE_USED, sign_code(f, id, l.code[0], "192.0.2.2", &o_));
    electors(f, id, "Somme", &sigs);
    assert_int_equal(sigs, 1);
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_CODE, sign_code(f, id, "2222-3333-4444-5555", "192.0.2.3", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_CODE_FORMAT, sign_code(f, id, "O0I1-3333-4444-5555", "192.0.2.3", &o_));
    APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_CODE_FORMAT, sign_code(f, id, "2222-3333-4444", "192.0.2.3", &o_));

    /* The receipt works as any; the authority's box names the letter. */
    APP_OK(urne_app_initiative_receipt(&f->app, &f->nobody, id, receipt, &o));
    assert_int_equal(o.id, sig);
    urne_app_outcome_free(&o);
    urne_initiative_signature row;
    assert_int_equal(urne_store_initiative_signature_get(f->store, id, sig, &row), 1);
    unsigned char plain[1200];
    assert_true(urne_sealer_open(f->pk, f->sk, row.sealed, plain, sizeof plain) > 0);
    assert_non_null(strstr((char *)plain, l.letter[0]));
    assert_null(strstr((char *)plain, l.code[0]));

    /* Counts rebuilt equal from the rows. */
    urne_app_close(&f->app);
    app_open(f);
    assert_int_equal(electors(f, id, "Somme", &sigs), NCODES);
    assert_int_equal(sigs, 1);
}

/* Wrong codes from one address: from the third on, a code that signs from
 * there is marked; at the tenth, its attempts are refused until the next minute. */
static void test_guessing(void **state) {
    fixture *f = *state;
    letters l;
    int64_t id = with_codes(f, &l);
    open_it(f, id);
    char wrong[32];
    for (int i = 0; i < URNE_INITIATIVE_BURST_IDENTITY; i++) {
        snprintf(wrong, sizeof wrong, "2222-3333-4444-55%d%d", 5 + i, 6 + i);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_CODE, sign_code(f, id, wrong, "198.51.100.9", &o_));
    }
    urne_app_outcome o;
    APP_OK(sign_code(f, id, l.code[1], "198.51.100.9", &o));
    urne_initiative_signature row;
    assert_int_equal(urne_store_initiative_signature_get(f->store, id, o.id, &row), 1);
    assert_string_equal(row.marks, "burst-code");
    urne_app_outcome_free(&o);
    APP_OK(sign_code(f, id, l.code[2], "198.51.100.10", &o)); /* another address: no mark */
    assert_int_equal(urne_store_initiative_signature_get(f->store, id, o.id, &row), 1);
    assert_string_equal(row.marks, "");
    urne_app_outcome_free(&o);
    for (int i = URNE_INITIATIVE_BURST_IDENTITY; i < URNE_INITIATIVE_CODE_ATTEMPTS; i++) {
        snprintf(wrong, sizeof wrong, "2222-3333-4444-5%d%d%d", 2 + i % 8, 2 + i % 7, 3 + i % 6);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_CODE, sign_code(f, id, wrong, "198.51.100.9", &o_));
    }
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_CODE_ATTEMPTS, sign_code(f, id, l.code[3], "198.51.100.9", &o_));
    int64_t sigs = 0;
    electors(f, id, "Somme", &sigs);
    assert_int_equal(sigs, 2);
    test_now += 60;
    APP_OK(sign_code(f, id, l.code[3], "198.51.100.9", &o));
    urne_app_outcome_free(&o);
}

/* An IPv6 subscriber holds a whole /64: its addresses share one count of wrong
 * codes, or the limit would be no limit. */
static void test_guessing_v6(void **state) {
    fixture *f = *state;
    letters l;
    int64_t id = with_codes(f, &l);
    open_it(f, id);
    char wrong[32], addr[48];
    for (int i = 0; i < URNE_INITIATIVE_CODE_ATTEMPTS; i++) {
        snprintf(wrong, sizeof wrong, "2222-3333-4444-5%d%d%d", 2 + i % 8, 2 + i % 7, 3 + i % 6);
        snprintf(addr, sizeof addr, "2001:db8:7:9:%x::1", i + 1);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_CODE, sign_code(f, id, wrong, addr, &o_));
    }
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_CODE_ATTEMPTS, sign_code(f, id, l.code[0], "2001:db8:7:9:ffff::2", &o_));
    urne_app_outcome o;
    APP_OK(sign_code(f, id, l.code[0], "2001:db8:7:a::1", &o)); /* the next /64 is another subscriber */
    urne_app_outcome_free(&o);
}

/* The attempts by name fill the marks' table (a name in a commune a key): one
 * client trying a thousand names must not leave its wrong codes uncounted. */
static void test_guessing_full(void **state) {
    fixture *f = *state;
    letters l;
    int64_t id = with_codes(f, &l);
    open_it(f, id);
    for (int i = 0; i < URNE_INITIATIVE_BURST_SLOTS + 16; i++) {
        char name[8] = {(char)('A' + i % 26), (char)('a' + i / 26 % 26), (char)('a' + i / 676 % 26), 'o', 0};
        urne_initiative_signer s = {name, "Paul", "1970-01-01", "Lille", "192.0.2.50", NULL};
        APP_REFUSED(f, URNE_APP_BAD_INPUT, NULL, urne_app_initiative_sign(&f->app, &f->nobody, id, &s, &o_));
    }
    char wrong[32];
    for (int i = 0; i < URNE_INITIATIVE_CODE_ATTEMPTS; i++) {
        snprintf(wrong, sizeof wrong, "2222-3333-4444-5%d%d%d", 2 + i % 8, 2 + i % 7, 3 + i % 6);
        APP_REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_UNKNOWN_CODE, sign_code(f, id, wrong, "192.0.2.50", &o_));
    }
    APP_REFUSED(f, URNE_APP_STATE, URNE_WHY_CODE_ATTEMPTS, sign_code(f, id, l.code[0], "192.0.2.50", &o_));
    test_now += 60;
    urne_app_outcome o;
    APP_OK(sign_code(f, id, l.code[0], "192.0.2.50", &o));
    urne_app_outcome_free(&o);
}

typedef struct racer {
    fixture *f;
    int64_t id;
    const char *code;
    urne_app_status st;
} racer;

static void *race(void *arg) {
    racer *r = arg;
    urne_app_outcome o;
    r->st = sign_code(r->f, r->id, r->code, "", &o);
    urne_app_outcome_free(&o);
    return NULL;
}

/* One code from fifty threads at once: one signature, forty-nine TAKEN. */
static void test_race(void **state) {
    fixture *f = *state;
    letters l;
    int64_t id = with_codes(f, &l);
    open_it(f, id);
    enum { N = 50 };
    pthread_t t[N];
    racer r[N];
    for (int i = 0; i < N; i++) {
        r[i] = (racer){f, id, l.code[4], URNE_APP_STORE};
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    int ok = 0, taken = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        ok += r[i].st == URNE_APP_OK;
        taken += r[i].st == URNE_APP_TAKEN;
    }
    assert_int_equal(ok, 1);
    assert_int_equal(taken, N - 1);
    int64_t sigs = 0;
    electors(f, id, "Somme", &sigs);
    assert_int_equal(sigs, 1);
}

/* The days held, as "YYYY-MM-DD=N ..." into out. */
static void days_text(fixture *f, int64_t id, char *out, size_t size) {
    urne_app_read_begin(&f->app);
    const urne_initiative_held *h = urne_app_initiative(&f->app, id);
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < h->ndays && used < size; i++) {
        char d[11];
        urne_app_initiative_day_iso(h->days[i].day, d);
        used += (size_t)snprintf(out + used, size - used, "%s%s=%lld", i ? " " : "", d, (long long)h->days[i].valid);
    }
    urne_app_read_end(&f->app);
}

static void test_days(void **state) {
    fixture *f = *state;
    letters l;
    int64_t id = with_codes(f, &l);
    open_it(f, id); /* 2026-03-01T10:00Z */
    char text[256];
    days_text(f, id, text, sizeof text);
    assert_string_equal(text, "");
    urne_app_outcome o;
    int64_t first = 0;
    const char *when[] = {"2026-03-01T23:59:59Z", "2026-03-01T12:00:00Z", "2026-03-04T00:00:00Z"};
    for (int i = 0; i < 3; i++) {
        test_now = app_fixture_at(when[i]);
        APP_OK(sign_code(f, id, l.code[i], "", &o));
        if (i == 0) first = o.id;
        urne_app_outcome_free(&o);
    }
    days_text(f, id, text, sizeof text);
    assert_string_equal(text, "2026-03-01=2 2026-03-04=1");
    APP_OK(urne_app_initiative_invalidate(&f->app, &f->com1, id, first, "Lettre perdue.", &o));
    urne_app_outcome_free(&o);
    days_text(f, id, text, sizeof text);
    assert_string_equal(text, "2026-03-01=1 2026-03-04=1");
    urne_app_close(&f->app);
    app_open(f);
    days_text(f, id, text, sizeof text);
    assert_string_equal(text, "2026-03-01=1 2026-03-04=1");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guessing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guessing_v6, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guessing_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_days, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
