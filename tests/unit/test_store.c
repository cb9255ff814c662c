/*
 * test_store: the store's interface on its SQLite backend, in a temporary
 * directory: opening, migrating and reopening (and refusing a newer schema, an
 * unknown backend, or a PostgreSQL that is not there without echoing its password), users and sessions, an election's round trip, bureaux,
 * typed entries, assignments, disputes, publication and its reopening, the writes
 * that check a state another server may have changed (a second open dispute, a
 * second decision, a publication while a bureau is contested: 0, nothing
 * written), the SQL texts both backends share (their parameters in order), the audit
 * log, backup, grants in spaces and an election's space, and the lengths: a value too long for its field is refused when
 * written and, written behind the store's back, when read, never cut.
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

#include "../../src/i18n/i18n.h"
#include "../../src/store/store.h"
#include "../../src/store/store_sql.h"
#include "../../src/store/sqlite_internal.h"
#include "helpers.h"

static char dir[64];

static int make_dir(void **state) {
    snprintf(dir, sizeof dir, "/tmp/urne-test-store-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int remove_dir(void **state) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A fresh database file's path in the test directory. */
static const char *fresh(const char *name) {
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static urne_store *open_ok(const char *where) {
    char err[600];
    urne_store *s = urne_store_open(where, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

/* Run SQL on the file behind the store's back. */
static void raw(const char *path, const char *statement) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, statement, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s", msg);
    sqlite3_close(db);
}

static void contains(const char *text, const char *part) {
    if (strstr(text, part) == NULL) fail_msg("'%s' does not say '%s'", text, part);
}

static void test_open_migrate_reopen(void **state) {
    const char *path = fresh("open.db");
    urne_store *s = open_ok(path);
    assert_string_equal(urne_store_backend(s), "SQLite");
    int v = urne_store_schema_version(s);
    assert_true(v >= 2);
    assert_int_equal(urne_store_user_count(s), 0);
    assert_int_equal(urne_store_begin(s), 0);
    assert_true(urne_store_user_create(s, "ana", "$argon2id$x", URNE_ROLE_ADMIN, 1) > 0);
    assert_int_equal(urne_store_commit(s), 0);
    urne_store_close(s);

    char where[160];
    snprintf(where, sizeof where, "sqlite:%s", path); /* the same file, named as a backend */
    s = open_ok(where);
    assert_int_equal(urne_store_schema_version(s), v); /* nothing left to migrate */
    assert_int_equal(urne_store_user_count(s), 1);
    urne_store_close(s);
    urne_store_close(NULL);
}

static void test_newer_schema_refused(void **state) {
    const char *path = fresh("newer.db");
    urne_store_close(open_ok(path));
    raw(path, "PRAGMA user_version = 999");
    char err[600];
    assert_null(urne_store_open(path, err, sizeof err));
    contains(err, "schema version 999, newer than this urne knows");
}

static void test_backends_not_built_refused(void **state) {
    char err[600], shown[200];
    /* PostgreSQL is built in: a cluster that is not there is said, the password never echoed. */
    assert_null(urne_store_open("postgresql://urne:secret@/urne?host=/nonexistent-urne-dir", err, sizeof err));
    contains(err, "postgresql://urne:***@/urne?host=/nonexistent-urne-dir: cannot connect to PostgreSQL");
    assert_null(strstr(err, "secret")); /* a URL may hold a password: never echoed */
    /* libpq's lines made one: "; " before its hint, no tab, no double space */
    contains(err, "No such file or directory; Is the server running");
    assert_null(strpbrk(err, "\n\t"));
    assert_null(strstr(err, "  "));
    assert_null(urne_store_open("host=/nonexistent-urne-dir password='a b' dbname=urne", err, sizeof err));
    contains(err, "password=*** dbname=urne: cannot connect to PostgreSQL");
    urne_store_where_safe("postgres://u:p@h/d?password=q&sslmode=disable", shown, sizeof shown);
    assert_string_equal(shown, "postgres://u:***@h/d?password=***&sslmode=disable");
    assert_null(urne_store_open("mysql://db.example/urne", err, sizeof err));
    contains(err, "unknown store backend 'mysql'");
    urne_store *s = open_ok(":memory:"); /* a path, for SQLite */
    urne_store_close(s);
}

static void test_users_and_sessions(void **state) {
    urne_store *s = open_ok(fresh("users.db"));
    assert_int_equal(urne_store_begin(s), 0);
    int64_t ana = urne_store_user_create(s, "ana", "hash-of-ana", URNE_ROLE_COMMISSION, 2);
    assert_true(ana > 0);
    assert_int_equal(urne_store_user_create(s, "ana", "other", URNE_ROLE_OBSERVER, 1), 0); /* taken */
    int64_t bob = urne_store_user_create(s, "bob", "hash-of-bob", URNE_ROLE_SECRETARY, 1);
    assert_int_equal(urne_store_commit(s), 0);

    urne_user u;
    char hash[URNE_STORE_PW_HASH_SIZE];
    assert_int_equal(urne_store_user_find(s, "ana", &u, hash, sizeof hash), 1);
    assert_int_equal(u.id, ana);
    assert_string_equal(u.name, "ana");
    assert_int_equal(u.role, URNE_ROLE_COMMISSION);
    assert_int_equal(u.tier, 2);
    assert_string_equal(hash, "hash-of-ana");
    assert_int_equal(urne_store_user_find(s, "carl", &u, NULL, 0), 0);
    assert_int_equal(urne_store_user_get(s, bob, &u), 1);
    assert_string_equal(u.name, "bob");
    assert_int_equal(urne_store_user_get(s, 99, &u), 0);
    assert_int_equal(urne_store_user_count(s), 2);

    char token[65], csrf[URNE_STORE_TOKEN_SIZE];
    memset(token, 'a', 64);
    token[64] = 0;
    assert_int_equal(urne_store_session_put(s, token, bob, "0123456789abcdef", 1000), 0);
    assert_int_equal(urne_store_session_get(s, token, 999, &u, csrf), 1);
    assert_int_equal(u.id, bob);
    assert_string_equal(csrf, "0123456789abcdef");
    assert_int_equal(urne_store_session_get(s, token, 1000, &u, csrf), 0); /* expired */
    assert_int_equal(urne_store_session_get(s, "other", 0, &u, csrf), 0);
    assert_int_equal(urne_store_session_delete(s, token), 0);
    assert_int_equal(urne_store_session_get(s, token, 0, &u, csrf), 0);
    urne_store_close(s);
}

static int count_user(const urne_user *u, void *ctx) {
    ++*(int *)ctx;
    return 0;
}

/* A store at `name` with two users and an election of two bureaux, the first
 * imported as entered. */
typedef struct fixture {
    urne_store *s;
    int64_t election, ana, bob;
    char path[128];
} fixture;

static void setup_election(fixture *f, const char *name) {
    snprintf(f->path, sizeof f->path, "%s", fresh(name));
    f->s = open_ok(f->path);
    static const char *const names[] = {"Claire DUVAL", "Marc PEYRON"};
    urne_round *r = test_round(2, names);
    test_sheet(r, "0001", 500, 3, 2, (const int64_t[]){200, 150});
    test_sheet(r, "0002", 400, 0, 0, (const int64_t[]){0, 0});
    urne_election_meta m = {.round = 1, .double_entry = 1};
    snprintf(m.title, sizeof m.title, "Municipales à Montval");
    snprintf(m.preset, sizeof m.preset, "municipal");
    snprintf(m.settings, sizeof m.settings, "seats=5");
    urne_sheet_state states[] = {URNE_SHEET_ENTERED, URNE_SHEET_MISSING};
    assert_int_equal(urne_store_begin(f->s), 0);
    f->ana = urne_store_user_create(f->s, "ana", "h", URNE_ROLE_SECRETARY, 1);
    f->bob = urne_store_user_create(f->s, "bob", "h", URNE_ROLE_SECRETARY, 1);
    f->election = urne_store_election_create(f->s, &m, r, states);
    assert_true(f->election > 0);
    assert_int_equal(urne_store_commit(f->s), 0);
    urne_round_free(r);
}

static void test_election_round_trip(void **state) {
    fixture f;
    setup_election(&f, "election.db");
    urne_election_meta m;
    urne_bureau_info *info;
    urne_round *r = urne_store_election_load(f.s, f.election, &m, &info);
    assert_non_null(r);
    assert_string_equal(m.title, "Municipales à Montval");
    assert_string_equal(m.preset, "municipal");
    assert_string_equal(m.settings, "seats=5");
    assert_int_equal(m.double_entry, 1);
    assert_string_equal(m.published_at, "");
    assert_int_equal(r->nlevels, 2);
    assert_string_equal(r->levels[1], "bureau");
    assert_int_equal(r->ncandidates, 2);
    assert_string_equal(r->candidates[1].name, "Marc PEYRON");
    assert_int_equal(r->nsheets, 2);
    assert_string_equal(r->sheets[0].key[1], "0001");
    assert_true(r->sheets[0].reported);
    assert_int_equal(r->sheets[0].votes[0], 200);
    assert_int_equal(r->sheets[0].votants, 355);
    assert_false(r->sheets[1].reported);
    assert_int_equal(r->sheets[1].inscrits, 400); /* known before the count */
    assert_int_equal(info[0].state, URNE_SHEET_ENTERED);
    assert_int_equal(strlen(info[0].entered_at), 20);
    assert_int_equal(info[1].state, URNE_SHEET_MISSING);
    assert_string_equal(info[1].entered_at, "");
    urne_round_free(r);
    free(info);

    assert_null(urne_store_election_load(f.s, 42, &m, &info));
    contains(urne_store_error(f.s), "no election 42");
    assert_int_equal(urne_store_election_meta(f.s, 42, &m), 0);
    int n = 0;
    assert_int_equal(urne_store_election_each(f.s, (int (*)(const urne_election_meta *, void *))count_user, &n), 0);
    assert_int_equal(n, 1);
    char digest[65], again[65];
    assert_int_equal(urne_store_structure_digest(f.s, f.election, digest), 0);
    assert_int_equal(strlen(digest), 64);
    raw(f.path, "UPDATE candidates SET name = 'Marc PEYRONNET' WHERE idx = 1");
    assert_int_equal(urne_store_structure_digest(f.s, f.election, again), 0);
    assert_string_not_equal(digest, again);
    urne_store_close(f.s);
}

static void test_bureaux_entries_assignments(void **state) {
    fixture f;
    setup_election(&f, "bureaux.db");
    urne_figures fig = {.inscrits = 400, .votants = 300, .blancs = 10, .nuls = 5, .exprimes = 285, .nvotes = 2,
                        .votes = (int64_t[]){185, 100}};
    urne_bureau_info b = {.state = URNE_SHEET_PENDING, .entered_by = f.ana};
    urne_store_now(b.entered_at);
    assert_int_equal(urne_store_begin(f.s), 0);
    assert_int_equal(urne_store_bureau_set(f.s, f.election, 1, &b, &fig), 0);
    assert_int_equal(urne_store_entry_add(f.s, f.election, 1, f.ana, &fig), 0);
    assert_int_equal(urne_store_bureau_set(f.s, f.election, 7, &b, &fig), -1);
    contains(urne_store_error(f.s), "has no bureau 7");
    /* The same failure as a code with parameters, which a French page words in French. */
    assert_string_equal(urne_store_error_phrase(f.s)->fmt, "election %lld has no bureau %zu");
    char fr[300];
    urne_i18n_phrase(URNE_LANG_FR, urne_store_error_phrase(f.s), fr, sizeof fr);
    contains(fr, "n’a pas de bureau 7");
    assert_int_equal(urne_store_commit(f.s), 0);

    urne_figures got = {0};
    assert_int_equal(urne_store_bureau_figures(f.s, f.election, 1, &got), 1);
    assert_true(urne_figures_equal(&got, &fig));
    int64_t author = 0;
    assert_int_equal(urne_store_entry_other(f.s, f.election, 1, f.bob, &author, &got), 1);
    assert_int_equal(author, f.ana);
    assert_true(urne_figures_equal(&got, &fig));
    assert_int_equal(urne_store_entry_other(f.s, f.election, 1, f.ana, &author, &got), 0); /* only her own */
    /* The row as a server hearing the change reads it (app/watch.c). */
    urne_bureau_info row;
    assert_int_equal(urne_store_bureau_get(f.s, f.election, 1, &row, &got), 1);
    assert_true(urne_figures_equal(&got, &fig));
    assert_int_equal(row.state, URNE_SHEET_PENDING);
    assert_int_equal(row.entered_by, f.ana);
    assert_string_equal(row.entered_at, b.entered_at);
    assert_int_equal(urne_store_bureau_get(f.s, f.election, 7, &row, &got), -1);
    contains(urne_store_error(f.s), "has no bureau 7");
    urne_figures_free(&got);

    assert_int_equal(urne_store_assign(f.s, f.bob, f.election, 1), 0);
    assert_int_equal(urne_store_assign(f.s, f.bob, f.election, 1), 0); /* again: nothing changes */
    assert_int_equal(urne_store_assign(f.s, f.bob, f.election, 0), 0);
    assert_int_equal(urne_store_is_assigned(f.s, f.bob, f.election, 1), 1);
    assert_int_equal(urne_store_is_assigned(f.s, f.ana, f.election, 1), 0);
    size_t list[4];
    assert_int_equal(urne_store_assigned_list(f.s, f.bob, f.election, list, 4), 2);
    assert_int_equal(list[0], 0);
    assert_int_equal(list[1], 1);
    assert_int_equal(urne_store_assigned_list(f.s, f.bob, f.election, list, 1), 1);
    urne_store_close(f.s);
}

static int count_dispute(const urne_dispute *d, void *ctx) {
    ++*(int *)ctx;
    return 0;
}

static void test_disputes(void **state) {
    fixture f;
    setup_election(&f, "disputes.db");
    urne_figures before = {.inscrits = 500, .votants = 355, .blancs = 3, .nuls = 2, .exprimes = 350, .nvotes = 2,
                           .votes = (int64_t[]){200, 150}};
    char *json = urne_figures_json(&before);
    urne_dispute d = {.election = f.election, .bureau = 0, .tier = 1};
    snprintf(d.reason, sizeof d.reason, "les votes de Marc PEYRON ont été comptés deux fois");
    snprintf(d.opened_by, sizeof d.opened_by, "ana");
    urne_store_now(d.opened_at);
    snprintf(d.figures_before, sizeof d.figures_before, "%s", json);
    assert_int_equal(urne_store_begin(f.s), 0);
    d.id = urne_store_dispute_open(f.s, &d);
    assert_true(d.id > 0);
    assert_int_equal(urne_store_commit(f.s), 0);

    urne_dispute got;
    assert_int_equal(urne_store_dispute_get(f.s, d.id, &got), 1);
    assert_string_equal(got.state, "open");
    assert_string_equal(got.reason, d.reason);
    assert_string_equal(got.figures_before, json);
    assert_string_equal(got.figures_after, "");
    assert_int_equal(urne_store_dispute_open_for(f.s, f.election, 0, &got), 1);
    assert_int_equal(urne_store_dispute_open_for(f.s, f.election, 1, &got), 0);

    snprintf(d.state, sizeof d.state, "decided");
    snprintf(d.decision, sizeof d.decision, "correct");
    snprintf(d.decision_reason, sizeof d.decision_reason, "recompté");
    snprintf(d.decided_by, sizeof d.decided_by, "bob");
    urne_store_now(d.decided_at);
    before.votes[1] = 75;
    char *after = urne_figures_json(&before);
    snprintf(d.figures_after, sizeof d.figures_after, "%s", after);
    assert_int_equal(urne_store_begin(f.s), 0);
    assert_int_equal(urne_store_dispute_update(f.s, &d, "open"), 1);
    assert_int_equal(urne_store_commit(f.s), 0);
    assert_int_equal(urne_store_dispute_get(f.s, d.id, &got), 1);
    assert_string_equal(got.decision, "correct");
    assert_string_equal(got.figures_after, after);
    assert_int_equal(urne_store_dispute_open_for(f.s, f.election, 0, &got), 0);
    int n = 0;
    assert_int_equal(urne_store_dispute_each(f.s, f.election, count_dispute, &n), 0);
    assert_int_equal(n, 1);
    free(json);
    free(after);
    urne_store_close(f.s);
}

/* What another server may have written a moment before, unheard of yet: the
 * writes that depend on a state check it in the statement that writes, and
 * answer 0 with nothing written. */
static void test_state_changed_elsewhere(void **state) {
    fixture f;
    setup_election(&f, "elsewhere.db");
    urne_dispute d = {.election = f.election, .bureau = 0, .tier = 1}, again, got;
    snprintf(d.reason, sizeof d.reason, "illisible");
    snprintf(d.opened_by, sizeof d.opened_by, "ana");
    urne_store_now(d.opened_at);
    assert_int_equal(urne_store_begin(f.s), 0);
    d.id = urne_store_dispute_open(f.s, &d);
    assert_true(d.id > 0);
    again = d;
    snprintf(again.opened_by, sizeof again.opened_by, "bob");
    assert_int_equal(urne_store_dispute_open(f.s, &again), 0); /* one open dispute per bureau */
    urne_bureau_info b = {.state = URNE_SHEET_CONTESTED};
    assert_int_equal(urne_store_bureau_set(f.s, f.election, 0, &b, NULL), 0);
    /* Nothing is published while a bureau is contested as stored. */
    assert_int_equal(urne_store_publish(f.s, f.election, "2026-03-15T21:00:00Z", "d"), 0);
    assert_int_equal(urne_store_commit(f.s), 0);
    int n = 0;
    assert_int_equal(urne_store_dispute_each(f.s, f.election, count_dispute, &n), 0);
    assert_int_equal(n, 1);
    urne_election_meta m;
    assert_int_equal(urne_store_election_meta(f.s, f.election, &m), 1);
    assert_string_equal(m.published_at, "");
    assert_string_equal(m.published_digest, "");

    /* Decided once: a second decision, which expected it open, writes nothing. */
    snprintf(d.state, sizeof d.state, "decided");
    snprintf(d.decision, sizeof d.decision, "validate");
    snprintf(d.decided_by, sizeof d.decided_by, "ana");
    assert_int_equal(urne_store_begin(f.s), 0);
    assert_int_equal(urne_store_dispute_update(f.s, &d, "open"), 1);
    urne_dispute other = d;
    snprintf(other.decision, sizeof other.decision, "annul");
    snprintf(other.decided_by, sizeof other.decided_by, "bob");
    assert_int_equal(urne_store_dispute_update(f.s, &other, "open"), 0);
    snprintf(other.state, sizeof other.state, "escalated");
    assert_int_equal(urne_store_dispute_update(f.s, &other, "escalated"), 0); /* nor one expecting another state */
    assert_int_equal(urne_store_commit(f.s), 0);
    assert_int_equal(urne_store_dispute_get(f.s, d.id, &got), 1);
    assert_string_equal(got.state, "decided");
    assert_string_equal(got.decision, "validate");
    assert_string_equal(got.decided_by, "ana");

    /* Once the bureau is no longer contested: a new dispute opens, and it publishes. */
    b.state = URNE_SHEET_VALIDATED;
    assert_int_equal(urne_store_begin(f.s), 0);
    assert_int_equal(urne_store_bureau_set(f.s, f.election, 0, &b, NULL), 0);
    assert_int_equal(urne_store_publish(f.s, f.election, "2026-03-15T21:00:00Z", "d"), 1);
    again.id = urne_store_dispute_open(f.s, &again);
    assert_true(again.id > d.id);
    assert_int_equal(urne_store_commit(f.s), 0);
    assert_int_equal(urne_store_election_meta(f.s, f.election, &m), 1);
    assert_string_equal(m.published_digest, "d");
    urne_store_close(f.s);
}

/* The texts both backends share bind alike in both: their parameters first
 * appear as $1, $2, $3... (SQLite numbers them in that order, PostgreSQL by the
 * number written). The check itself refuses a text that would bind otherwise. */
static void test_shared_sql_ordered(void **state) {
    int n = 0;
    for (const char *const *t = urne_store_sql_texts; *t; t++, n++)
        if (!urne_store_sql_ordered(*t)) fail_msg("a shared text binds otherwise in SQLite: %s", *t);
    assert_true(n >= 4);
    assert_int_equal(urne_store_sql_ordered("UPDATE t SET a = $1 WHERE id = $2 AND b = $1"), 1);
    assert_int_equal(urne_store_sql_ordered("SELECT 1"), 1);
    assert_int_equal(urne_store_sql_ordered("UPDATE t SET a = $2 WHERE id = $1"), 0); /* SQLite: a gets the 1st */
    assert_int_equal(urne_store_sql_ordered("SELECT $1, $3"), 0);                     /* $2 skipped */
    assert_int_equal(urne_store_sql_ordered("SELECT $0"), 0);
    assert_int_equal(urne_store_sql_ordered("SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11"), 1);
    assert_int_equal(urne_store_sql_ordered("SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $10"), 0);
}

/* Every shared text prepares in SQLite, all of them at once in one store's
 * statement cache: a server serving every component keeps them all (a cache
 * too small for them answered "statement cache full" to the 65th). */
static void test_shared_sql_all_kept(void **state) {
    (void)state;
    urne_store *s = open_ok(fresh("kept.db"));
    size_t n = 0;
    sqlite3_stmt *first = NULL;
    for (const char *const *t = urne_store_sql_texts; *t; t++, n++) {
        sqlite3_stmt *st = urne_sql_stmt(s, *t);
        if (st == NULL) fail_msg("shared text %zu not kept: %s (%s)", n, urne_store_error(s), *t);
        if (first == NULL) first = st;
    }
    assert_true(n > 64);
    assert_true(urne_sql_stmt(s, urne_store_sql_texts[0]) == first); /* the same statement, kept */
    urne_store_close(s);
}

static void test_publish_and_reopen(void **state) {
    fixture f;
    setup_election(&f, "publish.db");
    urne_election_meta m;
    assert_int_equal(urne_store_begin(f.s), 0);
    assert_int_equal(urne_store_reopen(f.s, f.election, "2026-03-15T20:00:00Z", "nothing published"), 0);
    assert_int_equal(urne_store_publish(f.s, f.election, "2026-03-15T21:00:00Z", "d1"), 1);
    assert_int_equal(urne_store_reopen(f.s, f.election, "2026-03-16T09:00:00Z", "bureau 0001 contested: doubt"), 1);
    assert_int_equal(urne_store_reopen(f.s, f.election, "2026-03-16T10:00:00Z", "again"), 0); /* already */
    assert_int_equal(urne_store_commit(f.s), 0);
    assert_int_equal(urne_store_election_meta(f.s, f.election, &m), 1);
    assert_string_equal(m.published_at, "2026-03-15T21:00:00Z");
    assert_string_equal(m.reopened_at, "2026-03-16T09:00:00Z");
    assert_string_equal(m.reopened_reason, "bureau 0001 contested: doubt");
    assert_string_equal(m.previous_published_at, "");

    assert_int_equal(urne_store_begin(f.s), 0);
    assert_int_equal(urne_store_publish(f.s, f.election, "2026-03-17T12:00:00Z", "d2"), 1);
    assert_int_equal(urne_store_commit(f.s), 0);
    assert_int_equal(urne_store_election_meta(f.s, f.election, &m), 1);
    assert_string_equal(m.published_at, "2026-03-17T12:00:00Z");
    assert_string_equal(m.published_digest, "d2");
    assert_string_equal(m.reopened_at, "");
    assert_string_equal(m.previous_published_at, "2026-03-15T21:00:00Z");
    assert_string_equal(m.previous_digest, "d1");
    assert_string_equal(m.previous_reopened_at, "2026-03-16T09:00:00Z");
    assert_string_equal(m.previous_reopened_reason, "bureau 0001 contested: doubt");
    urne_store_close(f.s);
}

typedef struct chain {
    urne_audit_check check;
    int n;
    char actions[4][32];
} chain;

static int check_entry(const urne_audit_entry *e, void *ctx) {
    chain *c = ctx;
    assert_int_equal(urne_audit_check_next(&c->check, e), 0);
    if (c->n < 4) snprintf(c->actions[c->n], sizeof c->actions[0], "%s", e->action);
    c->n++;
    return 0;
}

static int count_entry(const urne_audit_entry *e, void *ctx) {
    assert_true(e->seq >= 3);
    ++*(int *)ctx;
    return 0;
}

static int stop_at_first(const urne_audit_entry *e, void *ctx) { return 7; }

static void test_audit_log(void **state) {
    const char *path = fresh("audit.db");
    urne_store *s = open_ok(path);
    int64_t seq;
    char hash[URNE_AUDIT_HASH_HEX];
    assert_int_equal(urne_store_audit_head(s, &seq, hash), 0);
    assert_int_equal(seq, 0);
    assert_string_equal(hash, URNE_AUDIT_GENESIS);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_audit(s, "system", "user.create", "user/1", NULL, "{\"name\":\"ana\"}"), 0);
    assert_int_equal(urne_store_audit(s, "ana", "election.create", "election/1", NULL, "{}"), 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_begin(s), 0); /* a change rolled back takes its entry with it */
    assert_int_equal(urne_store_audit(s, "ana", "election.publish", "election/1", NULL, "{}"), 0);
    urne_store_rollback(s);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_audit(s, "ana", "election.publish", "election/1", "null", "{\"at\":\"x\"}"), 0);
    assert_int_equal(urne_store_commit(s), 0);

    chain c = {.n = 0};
    urne_audit_check_init(&c.check);
    assert_int_equal(urne_store_audit_each(s, 1, check_entry, &c), 0);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.actions[2], "election.publish");
    assert_int_equal(urne_store_audit_head(s, &seq, hash), 0);
    assert_int_equal(seq, 3);
    assert_int_equal(urne_audit_check_end(&c.check, seq, hash), 0);
    int n = 0;
    assert_int_equal(urne_store_audit_each(s, 3, count_entry, &n), 0); /* from the third entry on */
    assert_int_equal(n, 1);
    assert_int_equal(urne_store_audit_each(s, 1, stop_at_first, NULL), 7);
    urne_store_close(s);

    s = open_ok(path); /* the head is read back at open */
    assert_int_equal(urne_store_audit_head(s, &seq, hash), 0);
    assert_int_equal(seq, 3);

    /* Two handles on one database (a server and `urne admin create`): each append
     * chains onto the other's; outside a transaction an append is refused. */
    urne_store *other = open_ok(path);
    assert_int_equal(urne_store_begin(other), 0);
    assert_int_equal(urne_store_audit(other, "system", "user.create", "user/2", NULL, "{}"), 0);
    assert_int_equal(urne_store_commit(other), 0);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_audit(s, "ana", "election.publish", "election/1", NULL, "{}"), 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_audit(s, "ana", "election.publish", "election/1", NULL, "{}"), -1);
    contains(urne_store_error(s), "inside the transaction");
    memset(&c, 0, sizeof c);
    urne_audit_check_init(&c.check);
    assert_int_equal(urne_store_audit_each(other, 1, check_entry, &c), 0);
    assert_int_equal(c.n, 5);
    assert_int_equal(urne_store_audit_head(other, &seq, hash), 0);
    assert_int_equal(urne_audit_check_end(&c.check, seq, hash), 0);
    urne_store_close(other);
    urne_store_close(s);
}

static void test_backup(void **state) {
    fixture f;
    setup_election(&f, "live.db");
    assert_int_equal(urne_store_backup(f.s, fresh("copy.db")), 0);
    urne_store *copy = open_ok(fresh("copy.db"));
    assert_int_equal(urne_store_user_count(copy), 2);
    urne_election_meta m;
    assert_int_equal(urne_store_election_meta(copy, f.election, &m), 1);
    assert_string_equal(m.title, "Municipales à Montval");
    urne_store_close(copy);
    assert_int_equal(urne_store_backup(f.s, "/nonexistent-dir/copy.db"), -1);
    contains(urne_store_error(f.s), "/nonexistent-dir/copy.db");
    urne_store_close(f.s);
}

static void test_too_long_refused_on_write(void **state) {
    fixture f;
    setup_election(&f, "write.db");
    char name[65], reason[1100];
    memset(name, 'n', 64);
    name[64] = 0;
    memset(reason, 'r', 1024);
    reason[1024] = 0;
    assert_int_equal(urne_store_begin(f.s), 0);
    assert_int_equal(urne_store_user_create(f.s, name, "h", URNE_ROLE_OBSERVER, 1), -1);
    contains(urne_store_error(f.s), "a user's name is longer than the 63 bytes the store holds");
    name[63] = 0; /* 63 bytes fit */
    assert_true(urne_store_user_create(f.s, name, "h", URNE_ROLE_OBSERVER, 1) > 0);
    assert_int_equal(urne_store_publish(f.s, f.election, "2026-03-15T21:00:00Z", "d"), 1);
    assert_int_equal(urne_store_reopen(f.s, f.election, "2026-03-16T09:00:00Z", reason), -1);
    contains(urne_store_error(f.s), "longer than the 1023 bytes");
    reason[1023] = 0;
    assert_int_equal(urne_store_reopen(f.s, f.election, "2026-03-16T09:00:00Z", reason), 1);

    urne_dispute d = {.election = f.election, .bureau = 0, .tier = 1};
    memset(d.reason, 'x', sizeof d.reason); /* no room left for its end */
    assert_int_equal(urne_store_dispute_open(f.s, &d), -1);
    contains(urne_store_error(f.s), "a dispute's reason is longer than the 511 bytes");
    urne_election_meta m = {.round = 1};
    memset(m.title, 't', sizeof m.title);
    static const char *const names[] = {"A"};
    urne_round *r = test_round(1, names);
    assert_int_equal(urne_store_election_create(f.s, &m, r, NULL), -1);
    contains(urne_store_error(f.s), "an election's title is longer than the 255 bytes");
    urne_round_free(r);
    assert_int_equal(urne_store_commit(f.s), 0);
    urne_store_close(f.s);
}

static int audit_user(const urne_audit_user *u, void *ctx) { return 0; }

static void test_too_long_refused_on_read(void **state) {
    fixture f;
    setup_election(&f, "read.db");
    urne_user u;
    raw(f.path, "UPDATE users SET name = printf('%.100c', 'n') WHERE id = 2");
    assert_int_equal(urne_store_user_get(f.s, 2, &u), -1);
    contains(urne_store_error(f.s), "users.name of user 2 is 100 bytes long, more than the 63");
    assert_int_equal(urne_store_user_get(f.s, 1, &u), 1); /* the others still read */
    assert_int_equal(urne_store_user_each(f.s, count_user, &(int){0}), -1);
    assert_int_equal(urne_store_audit_users(f.s, audit_user, NULL), -1); /* verify's reader too */
    contains(urne_store_error(f.s), "users.name of user 2");

    urne_election_meta m;
    raw(f.path, "UPDATE elections SET title = printf('%.300c', 't')");
    assert_int_equal(urne_store_election_meta(f.s, f.election, &m), -1);
    contains(urne_store_error(f.s), "elections.title of election 1 is 300 bytes long");
    urne_bureau_info *info;
    assert_null(urne_store_election_load(f.s, f.election, &m, &info));
    assert_null(info);
    contains(urne_store_error(f.s), "elections.title");

    urne_dispute d = {.election = f.election, .bureau = 1, .tier = 1};
    assert_int_equal(urne_store_begin(f.s), 0);
    d.id = urne_store_dispute_open(f.s, &d);
    assert_int_equal(urne_store_commit(f.s), 0);
    raw(f.path, "UPDATE disputes SET figures_before = printf('%.3000c', '9')");
    assert_int_equal(urne_store_dispute_get(f.s, d.id, &d), -1);
    contains(urne_store_error(f.s), "disputes.figures_before of dispute 1 is 3000 bytes long");
    raw(f.path, "UPDATE bureaux SET entered_at = printf('%.40c', '2') WHERE idx = 0");
    raw(f.path, "UPDATE elections SET title = 'back'");
    assert_null(urne_store_election_load(f.s, f.election, &m, &info));
    contains(urne_store_error(f.s), "bureaux.entered_at of election 1, bureau 0 is 40 bytes long");
    urne_store_close(f.s);
}

/* An audit record with a text longer than the replay holds is refused, not cut. */
static void test_too_long_refused_in_the_log(void **state) {
    char after[300];
    snprintf(after, sizeof after, "{\"name\":\"%0100d\",\"role\":\"admin\",\"tier\":1}", 0);
    urne_audit_entry e = {.seq = 1, .at = "2026-03-15T20:00:00Z", .actor = "system", .action = "user.create",
                          .object = "user/1", .before = "null", .after = after};
    urne_audit_replay *r = urne_audit_replay_new();
    assert_int_equal(urne_audit_fold(r, &e), -1);
    contains(urne_audit_replay_error(r), "malformed");
    urne_audit_replay_free(r);
}

/* Grants in spaces: put, replace, list (never cut: the count says when the array
 * was too small), take back; the space's name checked on every call. */
static int count_grant(const urne_store_grant *g, void *ctx) {
    ++*(int *)ctx;
    return 0;
}

static void test_grants(void **state) {
    urne_store *s = open_ok(":memory:");
    assert_int_equal(urne_store_schema_version(s), 18); /* 18: the roll's counts per territory kept beside it, 17: SQLite's signatures deduplicated in memory, 16: one index by validity and time carrying the territory, 15: receipts carrying their signature's id, 14: e-mail confirmation and the outbox, 3: notices, 4: grants, 5: zones, 6: initiatives, 7: matching, 8: forums, 9: the signatures' count index, 10: their index by time, 11: secrets, 12: codes bound to the roll, 13: the matching's distances */
    assert_int_equal(urne_store_begin(s), 0);
    int64_t ana = urne_store_user_create(s, "ana", "h", URNE_ROLE_OBSERVER, 1);
    int64_t bob = urne_store_user_create(s, "bob", "h", URNE_ROLE_OBSERVER, 1);
    assert_int_equal(urne_store_grant_put(s, ana, "org/federation-nord", URNE_ROLE_COMMISSION, 1), 0);
    assert_int_equal(urne_store_grant_put(s, ana, "org/b", URNE_ROLE_SECRETARY, 1), 0);
    assert_int_equal(urne_store_grant_put(s, bob, "election/3", URNE_ROLE_ADMIN, 1), 0);
    assert_int_equal(urne_store_commit(s), 0);

    urne_store_grant g;
    assert_int_equal(urne_store_grant_get(s, ana, "org/federation-nord", &g), 1);
    assert_int_equal(g.role, URNE_ROLE_COMMISSION);
    assert_int_equal(g.tier, 1);
    assert_int_equal(g.user, ana);
    assert_int_equal(urne_store_grant_get(s, ana, "org/c", &g), 0);
    /* Again in the same space: replaced, not added. */
    assert_int_equal(urne_store_grant_put(s, ana, "org/federation-nord", URNE_ROLE_COMMISSION, 2), 0);
    assert_int_equal(urne_store_grant_get(s, ana, "org/federation-nord", &g), 1);
    assert_int_equal(g.tier, 2);

    urne_store_grant list[4];
    assert_int_equal(urne_store_grant_list(s, ana, list, 4), 2);
    assert_string_equal(list[0].space, "org/b"); /* in order of space */
    assert_string_equal(list[1].space, "org/federation-nord");
    assert_int_equal(urne_store_grant_list(s, ana, list, 1), 2); /* more than cap: said, not cut */
    assert_int_equal(urne_store_grant_list(s, ana, NULL, 0), 2);
    int n = 0;
    assert_int_equal(urne_store_grant_each(s, 0, count_grant, &n), 0);
    assert_int_equal(n, 3);
    n = 0;
    assert_int_equal(urne_store_grant_each(s, bob, count_grant, &n), 0);
    assert_int_equal(n, 1);

    assert_int_equal(urne_store_grant_delete(s, ana, "org/b"), 1);
    assert_int_equal(urne_store_grant_delete(s, ana, "org/b"), 0);
    assert_int_equal(urne_store_grant_list(s, ana, list, 4), 1);

    /* Refused: the site, bad names, too long, no role, a tier out of range, nobody. */
    assert_int_equal(urne_store_grant_put(s, ana, "", URNE_ROLE_ADMIN, 1), -1);
    contains(urne_store_error(s), "the site's role is the account's own");
    assert_int_equal(urne_store_grant_put(s, ana, "Org/A", URNE_ROLE_ADMIN, 1), -1);
    contains(urne_store_error(s), "a-z, 0-9");
    assert_int_equal(urne_store_grant_put(s, ana, "org/a b", URNE_ROLE_ADMIN, 1), -1);
    char longest[URNE_SPACE_MAX + 2];
    memset(longest, 'a', URNE_SPACE_MAX);
    longest[URNE_SPACE_MAX] = 0;
    assert_int_equal(urne_store_grant_put(s, ana, longest, URNE_ROLE_OBSERVER, 1), 0); /* 95 bytes: kept */
    assert_int_equal(urne_store_grant_get(s, ana, longest, &g), 1);
    assert_string_equal(g.space, longest);
    longest[URNE_SPACE_MAX] = 'a';
    longest[URNE_SPACE_MAX + 1] = 0;
    assert_int_equal(urne_store_grant_put(s, ana, longest, URNE_ROLE_OBSERVER, 1), -1); /* 96: refused */
    contains(urne_store_error(s), "at most 95 bytes");
    assert_int_equal(urne_store_grant_delete(s, ana, longest), -1);
    assert_int_equal(urne_store_grant_put(s, ana, "org/a", URNE_ROLE_PUBLIC, 1), -1);
    assert_int_equal(urne_store_grant_put(s, ana, "org/a", URNE_ROLE_COMMISSION, 3), -1);
    assert_int_equal(urne_store_grant_put(s, 999, "org/a", URNE_ROLE_COMMISSION, 1), -1);
    contains(urne_store_error(s), "no user 999");
    urne_store_close(s);
}

/* A grant written behind the store's back with a space that is not one is an
 * error naming the row when read, not a grant somewhere unexpected. */
static void test_grants_bad_row_refused_on_read(void **state) {
    const char *path = fresh("grants.db");
    urne_store *s = open_ok(path);
    assert_int_equal(urne_store_begin(s), 0);
    int64_t ana = urne_store_user_create(s, "ana", "h", URNE_ROLE_OBSERVER, 1);
    assert_int_equal(urne_store_commit(s), 0);
    urne_store_close(s);
    raw(path, "INSERT INTO grants(user_id, space, role, tier) VALUES (1, 'Org/Upper', 'admin', 1)");
    s = open_ok(path);
    urne_store_grant list[2];
    assert_int_equal(urne_store_grant_list(s, ana, list, 2), -1);
    contains(urne_store_error(s), "grants.space of user 1's grant 'Org/Upper' is not a space");
    urne_store_close(s);
}

/* An election's space: kept at creation, read back, checked. */
static void test_election_space(void **state) {
    urne_store *s = open_ok(":memory:");
    static const char *const names[] = {"Claire DUVAL"};
    urne_round *r = test_round(1, names);
    test_sheet(r, "0001", 500, 3, 2, (const int64_t[]){495});
    urne_election_meta m = {.round = 1};
    snprintf(m.title, sizeof m.title, "Fédération Nord");
    snprintf(m.preset, sizeof m.preset, "municipal");
    snprintf(m.space, sizeof m.space, "org/federation-nord");
    assert_int_equal(urne_store_begin(s), 0);
    int64_t id = urne_store_election_create(s, &m, r, NULL);
    assert_true(id > 0);
    snprintf(m.space, sizeof m.space, "org/Nord");
    assert_int_equal(urne_store_election_create(s, &m, r, NULL), -1);
    contains(urne_store_error(s), "an election's space 'org/Nord'");
    m.space[0] = 0; /* the site */
    int64_t site = urne_store_election_create(s, &m, r, NULL);
    assert_true(site > 0);
    assert_int_equal(urne_store_commit(s), 0);
    urne_election_meta back;
    assert_int_equal(urne_store_election_meta(s, id, &back), 1);
    assert_string_equal(back.space, "org/federation-nord");
    assert_int_equal(urne_store_election_meta(s, site, &back), 1);
    assert_string_equal(back.space, "");
    urne_round_free(r);
    urne_store_close(s);
}

/* The figures' JSON stays within its bound, and any figures of up to
 * URNE_DISPUTE_FIGURES_VOTES votes of the widest counts fit a dispute's fields. */
static void test_figures_json_bound(void **state) {
    urne_figures f = {.inscrits = INT64_MIN, .votants = INT64_MIN, .blancs = INT64_MIN, .nuls = INT64_MIN,
                      .exprimes = INT64_MAX}; /* exprimes < 0: null */
    assert_int_equal(urne_figures_alloc(&f, URNE_DISPUTE_FIGURES_VOTES), 0);
    for (size_t j = 0; j < f.nvotes; j++) f.votes[j] = INT64_MIN;
    char *json = urne_figures_json(&f);
    assert_non_null(json);
    assert_true(strlen(json) <= URNE_FIGURES_JSON_MAX(f.nvotes));
    assert_true(strlen(json) < sizeof ((urne_dispute *)0)->figures_before);
    urne_figures back = {0};
    assert_int_equal(urne_figures_parse_json(json, &back), 0);
    assert_true(urne_figures_equal(&f, &back));
    assert_int_equal(urne_figures_parse_json("[1,2]", &back), -1); /* not an object: emptied */
    assert_int_equal(back.nvotes, 0);
    free(json);
    urne_figures_free(&f);
    urne_figures_free(&back);
}

/* A contest of 200 candidates (beyond the 64 urne once held): the figures' JSON
 * both ways, the store's bureaux and typed entries, the election read back, and
 * the audit records folded into the replay. */
static void test_many_candidates(void **state) {
    enum { N = 200 };
    static char buf[N][16];
    static const char *names[N];
    int64_t votes[N];
    for (size_t j = 0; j < N; j++) {
        snprintf(buf[j], sizeof buf[j], "Candidat %zu", j + 1);
        names[j] = buf[j];
        votes[j] = (int64_t)(j % 7);
    }
    urne_round *r = test_round(N, names);
    test_sheet(r, "0001", 5000, 1, 2, votes);
    test_sheet(r, "0002", 4000, 0, 0, votes);

    /* JSON both ways. */
    urne_figures fig = {0}, got = {0};
    assert_int_equal(urne_figures_from_sheet(r, &r->sheets[0], &fig), 0);
    assert_int_equal(fig.nvotes, N);
    fig.votes[N - 1] = 4321;
    char *json = urne_figures_json(&fig);
    assert_non_null(json);
    assert_true(strlen(json) <= URNE_FIGURES_JSON_MAX(N));
    assert_int_equal(urne_figures_parse_json(json, &got), 0);
    assert_int_equal(got.nvotes, N);
    assert_int_equal(got.votes[N - 1], 4321);
    assert_true(urne_figures_equal(&fig, &got));
    assert_int_equal(urne_figures_parse_json(json, &got), 0); /* again into owned figures: replaced, no leak */
    assert_true(urne_figures_equal(&fig, &got));
    free(json);

    /* The store. */
    fixture f;
    snprintf(f.path, sizeof f.path, "%s", fresh("many.db"));
    f.s = open_ok(f.path);
    urne_election_meta m = {.round = 1, .double_entry = 1};
    snprintf(m.title, sizeof m.title, "Deux cents candidats");
    snprintf(m.preset, sizeof m.preset, "primary");
    urne_sheet_state states[] = {URNE_SHEET_ENTERED, URNE_SHEET_MISSING};
    assert_int_equal(urne_store_begin(f.s), 0);
    f.ana = urne_store_user_create(f.s, "ana", "h", URNE_ROLE_SECRETARY, 1);
    f.election = urne_store_election_create(f.s, &m, r, states);
    assert_true(f.election > 0);
    urne_bureau_info b = {.state = URNE_SHEET_ENTERED, .entered_by = f.ana};
    urne_store_now(b.entered_at);
    assert_int_equal(urne_store_bureau_set(f.s, f.election, 1, &b, &fig), 0);
    assert_int_equal(urne_store_entry_add(f.s, f.election, 1, f.ana, &fig), 0);
    assert_int_equal(urne_store_commit(f.s), 0);
    assert_int_equal(urne_store_bureau_figures(f.s, f.election, 1, &got), 1);
    assert_true(urne_figures_equal(&got, &fig));
    int64_t author = 0;
    assert_int_equal(urne_store_entry_other(f.s, f.election, 1, 0, &author, &got), 1);
    assert_int_equal(author, f.ana);
    assert_true(urne_figures_equal(&got, &fig));
    urne_bureau_info *info;
    urne_round *back = urne_store_election_load(f.s, f.election, &m, &info);
    assert_non_null(back);
    assert_int_equal(back->contests[0].ncand, N);
    assert_int_equal(back->sheets[0].votes[N - 2], votes[N - 2]);
    assert_int_equal(back->sheets[1].votes[N - 1], 4321);
    urne_round_free(back);
    free(info);

    /* A dispute's figures of 200 candidates at a bureau's counts fit its fields. */
    char *text = urne_figures_json(&fig);
    assert_non_null(text);
    assert_true(strlen(text) < sizeof ((urne_dispute *)0)->figures_before);
    free(text);

    /* The audit records: the election as created, then a typed sheet, folded and
     * compared. */
    char *created = urne_audit_created_record(&m, r, states, "many.csv", "00", "");
    assert_non_null(created);
    urne_audit_entry e = {.seq = 1, .at = "2026-03-15T20:00:00Z", .actor = "system", .action = "election.create",
                          .before = "null", .after = created};
    char object[64];
    snprintf(object, sizeof object, "election/%lld", (long long)f.election);
    e.object = object;
    urne_audit_replay *rp = urne_audit_replay_new();
    assert_non_null(rp);
    assert_int_equal(urne_audit_fold(rp, &e), 0);
    char *after = urne_audit_json_add(urne_audit_json_add(strdup("{\"state\":\"entered\"}"), "sheet",
                                                          urne_audit_sheet_record(1, &b, &fig)),
                                      "figures", urne_figures_json(&fig));
    assert_non_null(after);
    snprintf(object, sizeof object, "election/%lld/bureau/1", (long long)f.election);
    e = (urne_audit_entry){.seq = 2, .at = "2026-03-15T20:01:00Z", .actor = "ana", .action = "sheet.enter",
                           .object = object, .before = "null", .after = after};
    assert_int_equal(urne_audit_fold(rp, &e), 0);
    urne_audit_sheet stored = {.has_figures = 1, .figures = fig, .entered_by = b.entered_by};
    snprintf(stored.state, sizeof stored.state, "entered");
    snprintf(stored.entered_at, sizeof stored.entered_at, "%s", b.entered_at);
    size_t ndiff = urne_audit_replay_compare_sheet(rp, f.election, 1, &stored, NULL, NULL);
    assert_int_equal(ndiff, 0);
    stored.figures.votes[N - 1] = 1; /* changed behind the log's back: the 200th vote named */
    ndiff = urne_audit_replay_compare_sheet(rp, f.election, 1, &stored, NULL, NULL);
    assert_int_equal(ndiff, 1);
    urne_audit_replay_free(rp);
    free(created);
    free(after);

    urne_figures_free(&fig);
    urne_figures_free(&got);
    urne_round_free(r);
    urne_store_close(f.s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_migrate_reopen),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_backends_not_built_refused),
        cmocka_unit_test(test_users_and_sessions),
        cmocka_unit_test(test_election_round_trip),
        cmocka_unit_test(test_bureaux_entries_assignments),
        cmocka_unit_test(test_disputes),
        cmocka_unit_test(test_state_changed_elsewhere),
        cmocka_unit_test(test_shared_sql_ordered),
        cmocka_unit_test(test_shared_sql_all_kept),
        cmocka_unit_test(test_publish_and_reopen),
        cmocka_unit_test(test_audit_log),
        cmocka_unit_test(test_backup),
        cmocka_unit_test(test_too_long_refused_on_write),
        cmocka_unit_test(test_too_long_refused_on_read),
        cmocka_unit_test(test_too_long_refused_in_the_log),
        cmocka_unit_test(test_figures_json_bound),
        cmocka_unit_test(test_grants),
        cmocka_unit_test(test_grants_bad_row_refused_on_read),
        cmocka_unit_test(test_election_space),
        cmocka_unit_test(test_many_candidates),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
