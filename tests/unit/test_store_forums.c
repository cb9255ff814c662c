/*
 * test_store_forums: the forums' rows (store_forums.h) on SQLite, or on the store
 * URNE_TEST_STORE names (a postgresql:// URL of an empty database runs the same
 * contracts on PostgreSQL): a forum written, read, changed and listed; a first
 * post made its own thread and a reply in it; a moderator's act written only
 * from the state expected; a post found by its link's hash; the pages by keyset
 * (the queue oldest first per forum and across forums, the threads newest first,
 * a thread oldest first), none repeating or skipping a post; the counts of
 * messages and participants; the waiting posts; bans per forum and site-wide; a
 * text too long refused whole. Then the upgrade: a store at schema version 7
 * holding a grant is migrated to the last, its grant kept, a moderator's grant taken.
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

#include "../../src/store/store.h"

static urne_store *open_store(void) {
    char err[600];
    const char *where = getenv("URNE_TEST_STORE");
    urne_store *s = urne_store_open(where && where[0] ? where : ":memory:", err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

static int64_t put_forum(urne_store *s, const char *attached, const char *mode) {
    urne_forum_row f;
    memset(&f, 0, sizeof f);
    snprintf(f.attached, sizeof f.attached, "%s", attached);
    snprintf(f.title, sizeof f.title, "Débat « eau »");
    snprintf(f.mode, sizeof f.mode, "%s", mode);
    f.visitors = 1;
    snprintf(f.created_at, sizeof f.created_at, "2026-12-06T05:00:00Z");
    snprintf(f.created_by, sizeof f.created_by, "ana");
    assert_int_equal(urne_store_begin(s), 0);
    int64_t id = urne_store_forum_put(s, &f);
    assert_true(id > 0);
    assert_int_equal(urne_store_commit(s), 0);
    return id;
}

static int64_t put_post(urne_store *s, int64_t forum, int64_t parent, int64_t thread, const char *author,
                        const char *state, int64_t sent_at) {
    static int serial;
    urne_post_row *p = calloc(1, sizeof *p);
    p->forum = forum;
    p->parent = parent;
    p->thread = thread;
    snprintf(p->title, sizeof p->title, parent ? "" : "Sujet %d", serial);
    snprintf(p->body, sizeof p->body, "Message %d", serial);
    snprintf(p->author_key, sizeof p->author_key, "email/%s", author);
    snprintf(p->author_name, sizeof p->author_name, "%s", author);
    snprintf(p->email, sizeof p->email, "%s", author);
    snprintf(p->state, sizeof p->state, "%s", state);
    snprintf(p->token_hash, sizeof p->token_hash, "%064d", ++serial);
    snprintf(p->address, sizeof p->address, "192.0.2.1");
    p->sent_at = sent_at;
    assert_int_equal(urne_store_begin(s), 0);
    int64_t id = urne_store_post_put(s, p);
    assert_true(id > 0);
    assert_int_equal(p->id, id);
    assert_int_equal(p->thread, parent ? thread : id);
    assert_int_equal(urne_store_commit(s), 0);
    free(p);
    return id;
}

static int count_forum(const urne_forum_row *f, void *ctx) {
    (void)f;
    ++*(int *)ctx;
    return 0;
}

static void test_forum_rows(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t a = put_forum(s, "initiative/2", "a-priori");
    int64_t b = put_forum(s, "page/charte", "a-posteriori");
    urne_forum_row f;
    assert_int_equal(urne_store_forum_get(s, a, &f), 1);
    assert_string_equal(f.attached, "initiative/2");
    assert_string_equal(f.title, "Débat « eau »");
    assert_string_equal(f.mode, "a-priori");
    assert_int_equal(f.visitors, 1);
    assert_int_equal(urne_store_forum_get(s, b + 100, &f), 0);
    snprintf(f.mode, sizeof f.mode, "closed");
    f.visitors = 0;
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_forum_update(s, &f), 1);
    f.id = b + 100;
    assert_int_equal(urne_store_forum_update(s, &f), 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_forum_get(s, a, &f), 1);
    assert_string_equal(f.mode, "closed");
    assert_int_equal(f.visitors, 0);
    int n = 0;
    assert_int_equal(urne_store_forum_each(s, count_forum, &n), 0);
    assert_int_equal(n, 2);
    /* A mode the schema does not know is refused by the database, nothing written. */
    snprintf(f.mode, sizeof f.mode, "open");
    f.id = a;
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_forum_update(s, &f), -1);
    urne_store_rollback(s);
    assert_int_equal(urne_store_forum_get(s, a, &f), 1);
    assert_string_equal(f.mode, "closed");
    urne_store_close(s);
}

typedef struct page {
    int64_t ids[64];
    int n;
} page;

static int collect(const urne_post_row *p, void *ctx) {
    page *g = ctx;
    if (g->n < 64) g->ids[g->n++] = p->id;
    return 0;
}

static page read_page(urne_store *s, urne_posts_kind kind, int64_t forum, int64_t thread, int64_t after,
                      int64_t limit) {
    page g = {.n = 0};
    urne_posts_query q = {kind, forum, thread, after, limit};
    assert_int_equal(urne_store_post_page(s, &q, collect, &g), 0);
    return g;
}

static void test_posts_and_pages(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t a = put_forum(s, "election/3", "a-priori"), b = put_forum(s, "page/x", "a-priori");
    int64_t t1 = put_post(s, a, 0, 0, "ana@example.org", "published", 100);
    int64_t r1 = put_post(s, a, t1, t1, "bob@example.org", "published", 110);
    int64_t w1 = put_post(s, a, t1, t1, "eve@example.org", "waiting", 120);
    int64_t t2 = put_post(s, a, 0, 0, "ana@example.org", "published", 130);
    int64_t w2 = put_post(s, b, 0, 0, "zed@example.org", "waiting", 140);
    int64_t w3 = put_post(s, a, 0, 0, "eve@example.org", "waiting", 150);

    urne_post_row *p = calloc(1, sizeof *p);
    assert_int_equal(urne_store_post_get(s, r1, p), 1);
    assert_int_equal(p->parent, t1);
    assert_int_equal(p->thread, t1);
    assert_string_equal(p->author_key, "email/bob@example.org");
    assert_int_equal(p->sent_at, 110);
    char hash[65];
    snprintf(hash, sizeof hash, "%s", p->token_hash);
    assert_int_equal(urne_store_post_get(s, w3 + 1, p), 0);
    assert_int_equal(urne_store_post_by_token(s, hash, p), 1);
    assert_int_equal(p->id, r1);
    assert_int_equal(urne_store_post_by_token(s, "nope", p), 0);

    /* The queue of forum a, oldest first, two at a time: w1, w3; across forums w1, w2, w3. */
    page g = read_page(s, URNE_POSTS_QUEUE, a, 0, 0, 1);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.ids[0], w1);
    g = read_page(s, URNE_POSTS_QUEUE, a, 0, g.ids[0], 1);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.ids[0], w3);
    g = read_page(s, URNE_POSTS_QUEUE, a, 0, w3, 10);
    assert_int_equal(g.n, 0);
    g = read_page(s, URNE_POSTS_QUEUE, 0, 0, w1 - 1, 10);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.ids[0], w1);
    assert_int_equal(g.ids[1], w2);
    assert_int_equal(g.ids[2], w3);
    /* Threads of a, newest first: t2, t1 (w3 waits, not listed). */
    g = read_page(s, URNE_POSTS_THREADS, a, 0, 0, 10);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.ids[0], t2);
    assert_int_equal(g.ids[1], t1);
    g = read_page(s, URNE_POSTS_THREADS, a, 0, t2, 10);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.ids[0], t1);
    /* Thread t1: t1, r1 (w1 waits). */
    g = read_page(s, URNE_POSTS_THREAD, 0, t1, 0, 10);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.ids[0], t1);
    assert_int_equal(g.ids[1], r1);
    g = read_page(s, URNE_POSTS_ALL, 0, 0, t1 - 1, 1000);
    assert_int_equal(g.n, 6);
    /* A page of 0 or more than 1000 is refused. */
    urne_posts_query bad = {URNE_POSTS_ALL, 0, 0, 0, 1001};
    assert_int_equal(urne_store_post_page(s, &bad, collect, &g), -1);

    /* Counts: forum a has 3 published posts by 2 authors. */
    int64_t messages, people;
    assert_int_equal(urne_store_forum_counts(s, a, &messages, &people), 0);
    assert_int_equal(messages, 3);
    assert_int_equal(people, 2);

    /* Approve w1 from waiting; a second act expecting waiting writes nothing. */
    assert_int_equal(urne_store_post_get(s, w1, p), 1);
    snprintf(p->state, sizeof p->state, "published");
    snprintf(p->decided_by, sizeof p->decided_by, "mod");
    snprintf(p->decided_at, sizeof p->decided_at, "2026-12-06T05:10:00Z");
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_post_decide(s, p, "waiting"), 1);
    snprintf(p->state, sizeof p->state, "rejected");
    assert_int_equal(urne_store_post_decide(s, p, "waiting"), 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_post_get(s, w1, p), 1);
    assert_string_equal(p->state, "published");
    assert_string_equal(p->decided_by, "mod");
    g = read_page(s, URNE_POSTS_THREAD, 0, t1, 0, 10);
    assert_int_equal(g.n, 3);

    /* A message too long is refused whole, nothing written. */
    memset(p->body, 'x', sizeof p->body); /* no NUL within the field */
    snprintf(p->token_hash, sizeof p->token_hash, "%064d", 999999);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_post_put(s, p), -1);
    assert_non_null(strstr(urne_store_error(s), "refused, not cut"));
    urne_store_rollback(s);
    assert_int_equal(urne_store_post_by_token(s, p->token_hash, p), 0);
    free(p);
    urne_store_close(s);
}

static int collect_waiting(int64_t forum, int64_t sent_at, void *ctx) {
    int64_t *sum = ctx;
    sum[0] += forum > 0;
    sum[1] += sent_at;
    return 0;
}

static void test_waiting_and_bans(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t before[2] = {0, 0}; /* what earlier tests left waiting, on a shared PostgreSQL database */
    assert_int_equal(urne_store_post_waiting(s, 0, collect_waiting, before), 0);
    int64_t a = put_forum(s, "election/3", "a-priori"), b = put_forum(s, "page/x", "a-priori");
    put_post(s, a, 0, 0, "ana@example.org", "waiting", 100);
    put_post(s, b, 0, 0, "bob@example.org", "waiting", 200);
    put_post(s, a, 0, 0, "bob@example.org", "published", 300);
    int64_t sum[2] = {0, 0};
    assert_int_equal(urne_store_post_waiting(s, a, collect_waiting, sum), 0);
    assert_int_equal(sum[0], 1);
    assert_int_equal(sum[1], 100);
    sum[0] = sum[1] = 0;
    assert_int_equal(urne_store_post_waiting(s, 0, collect_waiting, sum), 0);
    assert_int_equal(sum[0] - before[0], 2);
    assert_int_equal(sum[1] - before[1], 300);

    urne_forum_ban ban;
    memset(&ban, 0, sizeof ban);
    ban.forum = a;
    snprintf(ban.kind, sizeof ban.kind, "address");
    snprintf(ban.value, sizeof ban.value, "198.51.100.7");
    snprintf(ban.created_at, sizeof ban.created_at, "2026-12-06T05:00:00Z");
    snprintf(ban.created_by, sizeof ban.created_by, "mod");
    assert_int_equal(urne_store_begin(s), 0);
    assert_true(urne_store_forum_ban_put(s, &ban) > 0);
    ban.forum = 0;
    snprintf(ban.kind, sizeof ban.kind, "author");
    snprintf(ban.value, sizeof ban.value, "email/spam@example.org");
    assert_true(urne_store_forum_ban_put(s, &ban) > 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_forum_banned(s, a, "198.51.100.7", "email/ok@example.org"), 1);
    assert_int_equal(urne_store_forum_banned(s, b, "198.51.100.7", "email/ok@example.org"), 0); /* that forum only */
    assert_int_equal(urne_store_forum_banned(s, b, "192.0.2.9", "email/spam@example.org"), 1);  /* site-wide */
    assert_int_equal(urne_store_forum_banned(s, a, "192.0.2.9", "email/ok@example.org"), 0);
    urne_store_close(s);
}

/* A store at schema version 7 with a grant: opened by this urne, it is at the last, the
 * grant kept, and a moderator's grant is taken (the CHECK was made again). */
static void test_upgrade_from_7(void **state) {
    (void)state;
    const char *where = getenv("URNE_TEST_STORE");
    if (where && where[0]) skip(); /* SQLite's own upgrade; PostgreSQL's is run by tests/pg */
    char path[] = "/tmp/urne-forum-upgrade-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[600];
    urne_store *s = urne_store_open(path, err, sizeof err);
    assert_non_null(s);
    urne_store_close(s);
    /* Back to the version before the forums' migration (8) as the one before left
     * it: no forum tables, the old CHECK. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    const char *to6 =
        "BEGIN;DROP INDEX initiative_signatures_tally;DROP TABLE secrets;" /* the migrations after the forums' */
        "DROP INDEX initiative_roll_code;ALTER TABLE initiative_roll DROP COLUMN code_hash;"
        "ALTER TABLE initiative_roll DROP COLUMN letter;ALTER TABLE initiative_roll DROP COLUMN born;"
        "ALTER TABLE initiative_signatures DROP COLUMN letter;"
        "DROP TABLE match_distances;DROP TABLE match_limits;DROP TABLE match_runs;"
        "DROP TABLE initiative_pending;DROP TABLE mail_outbox;"
        "DROP TABLE forum_bans;DROP TABLE forum_posts;DROP TABLE forums;DROP TABLE grants;"
        "DROP TABLE initiative_roll_territories;"
        "CREATE TABLE grants(user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        "  space TEXT NOT NULL CHECK(space <> ''),"
        "  role TEXT NOT NULL CHECK(role IN ('observer','secretary','commission','admin')),"
        "  tier INTEGER NOT NULL DEFAULT 1 CHECK(tier IN (1,2)), PRIMARY KEY(user_id, space));"
        "INSERT INTO users(id, name, pw_hash, role, tier, created_at) VALUES (1, 'ana', 'x', 'observer', 1, 'now');"
        "INSERT INTO grants VALUES (1, 'org/nord', 'commission', 2);"
        "PRAGMA user_version = 7;COMMIT;";
    assert_int_equal(sqlite3_exec(db, to6, NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "INSERT INTO grants VALUES (1, 'forum/1', 'moderator', 1)", NULL, NULL,
                                      NULL),
                         SQLITE_OK);
    sqlite3_close(db);
    s = urne_store_open(path, err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    assert_int_equal(urne_store_schema_version(s), 18); /* the forums' 8, and the migrations after it */
    urne_store_grant g;
    assert_int_equal(urne_store_grant_get(s, 1, "org/nord", &g), 1);
    assert_int_equal(g.role, URNE_ROLE_COMMISSION);
    assert_int_equal(g.tier, 2);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_grant_put(s, 1, "forum/1", URNE_ROLE_MODERATOR, 1), 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_grant_get(s, 1, "forum/1", &g), 1);
    assert_int_equal(g.role, URNE_ROLE_MODERATOR);
    /* An account's own role is never moderator. */
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_user_create(s, "mod", "x", URNE_ROLE_MODERATOR, 1), -1);
    urne_store_rollback(s);
    urne_store_close(s);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forum_rows),
        cmocka_unit_test(test_posts_and_pages),
        cmocka_unit_test(test_waiting_and_bans),
        cmocka_unit_test(test_upgrade_from_7),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
