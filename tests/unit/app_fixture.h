/*
 * app_fixture: what the use cases' tests share (test_app.c, test_initiative_app.c,
 * test_initiative_codes.c, test_initiative_mail.c, test_match_app.c,
 * test_forum_app.c): a store in a directory of its own, accounts made through
 * the accounts' use case, the application opened on the store with a change
 * hook, and the whole taken down after, directory included (the teardown
 * itself, APP_FIXTURE_TEARDOWN); the check that a call succeeded (APP_OK) or
 * was refused with nothing written (APP_REFUSED); an initiative's moments and
 * authority keys. Each test keeps its own fixture struct (its accounts, its
 * objects: the first fields dir, store, app, changes) and calls these from its
 * setup and teardown. Static functions: each test is one program (inline ones
 * where a test may not use them).
 */
#ifndef URNE_TEST_APP_FIXTURE_H
#define URNE_TEST_APP_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>
#include <string.h>

#include "../../src/app/app.h"
#include "../../src/app/users.h"
#include "../../src/initiative/calendar.h"

#define APP_FIXTURE_PASSWORD "correct-horse-battery-77"

/* A new store, app.db in a new directory /tmp/urne-test-TAG-XXXXXX written into
 * dir (64 bytes). Fails the test when it cannot be made. */
static urne_store *app_fixture_store(char dir[64], const char *tag) {
    snprintf(dir, 64, "/tmp/urne-test-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(dir));
    char path[96], err[600];
    snprintf(path, sizeof path, "%s/app.db", dir);
    urne_store *s = urne_store_open(path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

/* Account `name` with `role` and `tier` made (password APP_FIXTURE_PASSWORD) and
 * read back into *out. */
static void app_fixture_user(urne_store *s, const char *name, urne_role role, int tier, urne_user *out) {
    urne_app_outcome o;
    int64_t id = urne_users_create(s, NULL, "system", name, APP_FIXTURE_PASSWORD, role, tier, &o);
    if (id <= 0) fail_msg("%s %s", o.why ? o.why : "", o.detail);
    urne_app_outcome_free(&o);
    assert_int_equal(urne_store_user_find(s, name, out, NULL, 0), 1);
}

/* The application opened on s, its change hook `changed(ctx)`. */
static void app_fixture_open(urne_app *app, urne_store *s, void (*changed)(void *), void *ctx) {
    urne_app_outcome opened;
    if (urne_app_open(app, s, &opened) != URNE_APP_OK) fail_msg("%s", opened.detail);
    urne_app_outcome_free(&opened);
    app->changed = changed;
    app->changed_ctx = ctx;
}

/* The application and the store closed, dir removed: 0, or -1 when it was not. */
static int app_fixture_close(urne_app *app, urne_store *s, const char *dir) {
    urne_app_close(app);
    urne_store_close(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The audit log's head: its seq. */
static int64_t app_fixture_audit_seq(urne_store *s) {
    int64_t seq;
    char hash[URNE_AUDIT_HASH_HEX];
    assert_int_equal(urne_store_audit_head(s, &seq, hash), 0);
    return seq;
}

/* A use case expected to be refused with `want` (and reason `why` when not
 * NULL), nothing changed: no audit entry, no change hook. `f` is a test's
 * fixture holding `store` and `changes` (the hook's count). */
#define APP_REFUSED(f, want, reason, call)                                                                           \
    do {                                                                                                      \
        int64_t seq_ = app_fixture_audit_seq((f)->store);                                                     \
        int changes_ = (f)->changes;                                                                          \
        urne_app_outcome o_;                                                                                  \
        urne_app_status st_ = (call);                                                                         \
        if (st_ != (want))                                                                                    \
            fail_msg("%s: got %s, wanted %s (%s %s)", #call, urne_app_status_name(st_), urne_app_status_name(want), \
                     o_.why ? o_.why : "", o_.detail);                                                        \
        if ((reason) != NULL) assert_string_equal(o_.why, (const char *)(reason));                            \
        assert_int_equal(app_fixture_audit_seq((f)->store), seq_);                                            \
        assert_int_equal((f)->changes, changes_);                                                             \
        urne_app_outcome_free(&o_);                                                                           \
    } while (0)

/* The fields a fixture struct begins with: its directory, store, application
 * and the count of changes the application announced (app_fixture_count). */
#define APP_FIXTURE_FIELDS                                                                                    \
    char dir[64];                                                                                             \
    urne_store *store;                                                                                        \
    urne_app app;                                                                                             \
    int changes

/* A change hook for app_fixture_open counting into the int at ctx (a fixture's `changes`). */
static inline void app_fixture_count(void *ctx) { ++*(int *)ctx; }

/* call answered OK, else the test fails saying what it answered (the outcome
 * `o` in scope). */
#define APP_OK(call)                                                                                          \
    do {                                                                                                      \
        urne_app_status st_ = (call);                                                                         \
        if (st_ != URNE_APP_OK)                                                                               \
            fail_msg("%s: %s (%s %s)", #call, urne_app_status_name(st_), o.why ? o.why : "", o.detail);       \
    } while (0)

/* f (a fixture struct pointer) made: zeroed, libsodium started, its store
 * opened in a directory of its own named after `tag`. */
#define APP_FIXTURE_NEW(f, tag)                                                                               \
    do {                                                                                                      \
        (f) = calloc(1, sizeof *(f));                                                                         \
        assert_non_null(f);                                                                                   \
        assert_true(sodium_init() >= 0);                                                                      \
        (f)->store = app_fixture_store((f)->dir, (tag));                                                      \
    } while (0)

/* A test's teardown, `teardown`, for its fixture struct `type` (made by calloc
 * in its setup): the application and store closed, the directory removed. */
#define APP_FIXTURE_TEARDOWN(type)                                                                            \
    static int teardown(void **state) {                                                                       \
        type *f_ = *state;                                                                                    \
        int rc_ = app_fixture_close(&f_->app, f_->store, f_->dir);                                            \
        free(f_);                                                                                             \
        return rc_;                                                                                           \
    }

/* The moment `iso` (2026-01-02 or 2026-01-02T10:00:00Z) in UTC seconds. */
static inline int64_t app_fixture_at(const char *iso) {
    int64_t t = 0;
    assert_int_equal(urne_initiative_moment_parse(iso, strlen(iso), &t), 0);
    return t;
}

/* An initiative authority's new key pair (libsodium started), its public key in hex. */
static inline void app_fixture_keys(char hex[65], unsigned char pk[crypto_box_PUBLICKEYBYTES],
                                    unsigned char sk[crypto_box_SECRETKEYBYTES]) {
    crypto_box_keypair(pk, sk);
    sodium_bin2hex(hex, 65, pk, crypto_box_PUBLICKEYBYTES);
}

#endif
