/*
 * test_store_matches: the matching's rows (store_matches.h): a campaign written
 * and read back, its state changed only from the state expected; hosts and
 * pupils whose second of a key inserts nothing, found by key and by code hash,
 * edited, listed (by school too); rankings, results and offers, an offer
 * answered once; a text too long refused whole, never cut; the campaign's
 * digest changing with any row and not with the order rows were written in,
 * and equal to the sum of its rows' hashes made one by one; distances and a
 * campaign's limit put, listed, digested and taken away whole; a round's
 * report put once and read back.
 *
 * On SQLite in memory by default; with URNE_TEST_DB set (a PostgreSQL URL, as
 * tests/pg/cluster.sh prints) the same contracts run there, on a fresh database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/store/store.h"

static urne_store *open_store(void) {
    char err[600];
    const char *where = getenv("URNE_TEST_DB");
    urne_store *s = urne_store_open(where && where[0] ? where : ":memory:", err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

static int64_t put_campaign(urne_store *s, const char *name) {
    urne_match_campaign_row c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.space, sizeof c.space, "org/nord");
    snprintf(c.state, sizeof c.state, "draft");
    snprintf(c.method, sizeof c.method, "da");
    snprintf(c.tie, sizeof c.tie, "single");
    c.seed = 42;
    snprintf(c.created_at, sizeof c.created_at, "2026-01-02T03:04:05Z");
    snprintf(c.created_by, sizeof c.created_by, "ana");
    assert_int_equal(urne_store_begin(s), 0);
    int64_t id = urne_store_match_campaign_put(s, &c);
    assert_true(id > 0);
    assert_int_equal(urne_store_commit(s), 0);
    return id;
}

static void host(urne_match_host_row *h, int64_t campaign, const char *key, int64_t capacity, const char *code) {
    memset(h, 0, sizeof *h);
    h->campaign = campaign;
    snprintf(h->key, sizeof h->key, "%s", key);
    snprintf(h->name, sizeof h->name, "Ressourcerie %s", key);
    h->capacity = capacity;
    snprintf(h->weeks, sizeof h->weeks, "w1|w2");
    snprintf(h->kept, sizeof h->kept, "{\"commune\":\"Lille\"}");
    snprintf(h->code_hash, sizeof h->code_hash, "%s", code);
}

static void pupil(urne_match_pupil_row *p, int64_t campaign, const char *key, const char *school, const char *wishes,
                  const char *code) {
    memset(p, 0, sizeof *p);
    p->campaign = campaign;
    snprintf(p->key, sizeof p->key, "%s", key);
    snprintf(p->school, sizeof p->school, "%s", school);
    p->priority = 1;
    snprintf(p->wishes, sizeof p->wishes, "%s", wishes);
    snprintf(p->code_hash, sizeof p->code_hash, "%s", code);
}

static void test_campaign(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t id = put_campaign(s, "Stages de 3e, Nord");
    urne_match_campaign_row *c = calloc(1, sizeof *c);
    assert_int_equal(urne_store_match_campaign_get(s, id, c), 1);
    assert_string_equal(c->name, "Stages de 3e, Nord");
    assert_string_equal(c->state, "draft");
    assert_int_equal(c->seed, 42);
    assert_int_equal(c->round, 0);
    assert_int_equal(urne_store_match_campaign_get(s, id + 1000, c), 0);

    snprintf(c->state, sizeof c->state, "run");
    c->round = 1;
    snprintf(c->deadline, sizeof c->deadline, "2026-02-01T00:00:00Z");
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_campaign_update(s, c, "collecting"), 0); /* not that state: nothing */
    assert_int_equal(urne_store_match_campaign_update(s, c, "draft"), 1);
    assert_int_equal(urne_store_commit(s), 0);
    memset(c, 0, sizeof *c);
    assert_int_equal(urne_store_match_campaign_get(s, id, c), 1);
    assert_string_equal(c->state, "run");
    assert_int_equal(c->round, 1);
    assert_string_equal(c->deadline, "2026-02-01T00:00:00Z");

    /* A name too long is refused whole. */
    memset(c->name, 'x', sizeof c->name); /* no NUL inside the field */
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_campaign_put(s, c), -1);
    assert_non_null(strstr(urne_store_error(s), "refused, not cut"));
    urne_store_rollback(s);
    free(c);
    urne_store_close(s);
}

static int count_host(const urne_match_host_row *h, void *ctx) {
    (void)h;
    ++*(int *)ctx;
    return 0;
}
static int count_pupil(const urne_match_pupil_row *p, void *ctx) {
    (void)p;
    ++*(int *)ctx;
    return 0;
}

static void test_hosts_pupils(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t id = put_campaign(s, "c");
    urne_match_host_row *h = calloc(1, sizeof *h);
    urne_match_pupil_row *p = calloc(1, sizeof *p);
    assert_int_equal(urne_store_begin(s), 0);
    host(h, id, "H1", 2, "aaaa");
    assert_int_equal(urne_store_match_host_put(s, h), 1);
    assert_int_equal(urne_store_match_host_put(s, h), 0); /* its key taken: nothing */
    host(h, id, "H2", 1, "");
    assert_int_equal(urne_store_match_host_put(s, h), 1);
    pupil(p, id, "P1", "Collège Jean Macé", "H1>H2", "c1");
    assert_int_equal(urne_store_match_pupil_put(s, p), 1);
    assert_int_equal(urne_store_match_pupil_put(s, p), 0);
    pupil(p, id, "P2", "Collège Verlaine", "H2", "c2");
    assert_int_equal(urne_store_match_pupil_put(s, p), 1);
    assert_int_equal(urne_store_commit(s), 0);

    assert_int_equal(urne_store_match_host_get(s, id, "H1", NULL, h), 1);
    assert_string_equal(h->weeks, "w1|w2");
    assert_string_equal(h->kept, "{\"commune\":\"Lille\"}");
    assert_int_equal(urne_store_match_host_get(s, id, NULL, "aaaa", h), 1);
    assert_string_equal(h->key, "H1");
    assert_int_equal(urne_store_match_host_get(s, id, NULL, "", h), 0); /* no code: never found by an empty one */
    assert_int_equal(urne_store_match_host_get(s, id, "H9", NULL, h), 0);
    assert_int_equal(urne_store_match_pupil_get(s, id, NULL, "c2", p), 1);
    assert_string_equal(p->key, "P2");
    assert_string_equal(p->school, "Collège Verlaine");

    host(h, id, "H1", 5, "aaaa");
    h->reserved = 2;
    snprintf(p->wishes, sizeof p->wishes, "H1>H2");
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_host_update(s, h), 1);
    assert_int_equal(urne_store_match_pupil_update(s, p), 1);
    snprintf(p->key, sizeof p->key, "P9");
    assert_int_equal(urne_store_match_pupil_update(s, p), 0); /* no such pupil */
    h->reserved = 6; /* more than its capacity: the schema refuses */
    assert_int_equal(urne_store_match_host_update(s, h), -1);
    urne_store_rollback(s);
    assert_int_equal(urne_store_begin(s), 0);
    h->reserved = 2;
    assert_int_equal(urne_store_match_host_update(s, h), 1);
    snprintf(p->key, sizeof p->key, "P2");
    assert_int_equal(urne_store_match_pupil_update(s, p), 1);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_match_host_get(s, id, "H1", NULL, h), 1);
    assert_int_equal(h->capacity, 5);
    assert_int_equal(h->reserved, 2);
    assert_int_equal(urne_store_match_pupil_get(s, id, "P2", NULL, p), 1);
    assert_string_equal(p->wishes, "H1>H2");

    int n = 0;
    assert_int_equal(urne_store_match_host_each(s, id, count_host, &n), 0);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(urne_store_match_pupil_each(s, id, "Collège Verlaine", count_pupil, &n), 0);
    assert_int_equal(n, 1);
    n = 0;
    assert_int_equal(urne_store_match_pupil_each(s, id, "", count_pupil, &n), 0);
    assert_int_equal(n, 2);

    /* Wishes too long are refused whole. */
    memset(p->wishes, 'H', sizeof p->wishes);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_pupil_update(s, p), -1);
    assert_non_null(strstr(urne_store_error(s), "match_pupils.wishes"));
    urne_store_rollback(s);
    free(h);
    free(p);
    urne_store_close(s);
}

static void test_results_offers(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t id = put_campaign(s, "c");
    urne_match_result_row *r = calloc(1, sizeof *r);
    urne_match_offer_row *o = calloc(1, sizeof *o);
    urne_match_ranking_row k = {.campaign = id, .host = "H1", .pupil = "P1", .rank = 3};
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_ranking_put(s, &k), 1);
    assert_int_equal(urne_store_match_ranking_put(s, &k), 0);
    *r = (urne_match_result_row){.campaign = id, .round = 1, .pupil = "P1", .host = "H1", .wish = 2, .lottery = 7};
    snprintf(r->explanation, sizeof r->explanation, "[{\"host\":\"H0\",\"why\":\"full\"}]");
    assert_int_equal(urne_store_match_result_put(s, r), 1);
    assert_int_equal(urne_store_match_result_put(s, r), 0);
    *o = (urne_match_offer_row){.campaign = id, .round = 1, .pupil = "P1", .host = "H1", .state = "offered",
                                .deadline = "2026-02-01T00:00:00Z"};
    assert_int_equal(urne_store_match_offer_put(s, o), 1);
    o->round = 2;
    snprintf(o->host, sizeof o->host, "H2");
    assert_int_equal(urne_store_match_offer_put(s, o), 1);
    assert_int_equal(urne_store_commit(s), 0);

    memset(r, 0, sizeof *r);
    assert_int_equal(urne_store_match_result_get(s, id, 1, "P1", r), 1);
    assert_string_equal(r->host, "H1");
    assert_int_equal(r->wish, 2);
    assert_int_equal(r->lottery, 7);
    assert_int_equal(urne_store_match_result_get(s, id, 2, "P1", r), 0);
    memset(o, 0, sizeof *o);
    assert_int_equal(urne_store_match_offer_last(s, id, "P1", o), 1);
    assert_int_equal(o->round, 2);
    assert_string_equal(o->host, "H2");

    char before[URNE_STORE_MATCH_HASH], after[URNE_STORE_MATCH_HASH];
    assert_int_equal(urne_store_match_digest(s, id, before), 0);
    snprintf(o->state, sizeof o->state, "refused");
    snprintf(o->answered_at, sizeof o->answered_at, "2026-01-20T10:00:00Z");
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_offer_update(s, o, "offered"), 1);
    assert_int_equal(urne_store_match_offer_update(s, o, "offered"), 0); /* answered once */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_match_digest(s, id, after), 0);
    assert_string_not_equal(before, after);
    assert_int_equal(strlen(after), 64);
    assert_int_equal(urne_store_match_offer_last(s, id, "P1", o), 1);
    assert_string_equal(o->state, "refused");
    free(r);
    free(o);
    urne_store_close(s);
}

/* The same rows written in another order give the same digest; one row's
 * field changed gives another. */
static void test_digest_order(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t a = put_campaign(s, "a"), b = put_campaign(s, "b");
    urne_match_host_row *h = calloc(1, sizeof *h);
    const char *keys[] = {"H1", "H2", "H3"};
    assert_int_equal(urne_store_begin(s), 0);
    for (int i = 0; i < 3; i++) {
        host(h, a, keys[i], i, "");
        assert_int_equal(urne_store_match_host_put(s, h), 1);
        host(h, b, keys[2 - i], 2 - i, "");
        assert_int_equal(urne_store_match_host_put(s, h), 1);
    }
    assert_int_equal(urne_store_commit(s), 0);
    /* The digest is the sum of the rows' hashes: made row by row, a row taken
     * away and put back, it is the same. */
    urne_match_sum sum = {{0}};
    char made[URNE_STORE_MATCH_HASH];
    for (int i = 0; i < 3; i++) {
        host(h, a, keys[i], i, "");
        urne_store_match_sum_host(&sum, h, 1);
    }
    urne_store_match_sum_host(&sum, h, -1);
    urne_store_match_sum_host(&sum, h, 1);
    urne_store_match_sum_hex(&sum, made);
    urne_match_sum back;
    assert_int_equal(urne_store_match_sum_parse(made, &back), 0);
    assert_memory_equal(back.w, sum.w, sizeof sum.w);
    assert_int_equal(urne_store_match_sum_parse("xyz", &back), -1);
    char da[URNE_STORE_MATCH_HASH], db[URNE_STORE_MATCH_HASH];
    assert_int_equal(urne_store_match_digest(s, a, da), 0);
    assert_int_equal(urne_store_match_digest(s, b, db), 0);
    assert_string_equal(da, db);
    assert_string_equal(da, made);
    host(h, b, "H3", 3, "");
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_host_update(s, h), 1);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_match_digest(s, b, db), 0);
    assert_string_not_equal(da, db);
    free(h);
    urne_store_close(s);
}

typedef struct listed {
    char names[4][480];
    int n;
} listed;

static int list_distance(const urne_match_distance_row *d, void *ctx) {
    listed *l = ctx;
    if (l->n < 4) snprintf(l->names[l->n], sizeof l->names[0], "%s-%s-%lld", d->commune_a, d->commune_b, (long long)d->km);
    l->n++;
    return 0;
}

/* Distances and a limit: a pair's second inserts nothing, listed in order, the
 * limit read back, both in the digest, both taken away whole. */
static void test_distances(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t a = put_campaign(s, "a");
    char empty[URNE_STORE_MATCH_HASH], with[URNE_STORE_MATCH_HASH], again[URNE_STORE_MATCH_HASH];
    assert_int_equal(urne_store_match_digest(s, a, empty), 0);
    urne_match_limit_row got;
    assert_int_equal(urne_store_match_limit_get(s, a, &got), 0);
    urne_match_distance_row d = {.campaign = a, .km = 12};
    snprintf(d.commune_a, sizeof d.commune_a, "Lille");
    snprintf(d.commune_b, sizeof d.commune_b, "Roubaix");
    urne_match_distance_row e = d;
    snprintf(e.commune_b, sizeof e.commune_b, "Dunkerque");
    e.km = 80;
    urne_match_limit_row l = {a, 50};
    urne_match_sum sum = {{0}};
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_distance_put(s, &d), 1);
    assert_int_equal(urne_store_match_distance_put(s, &d), 0);
    assert_int_equal(urne_store_match_distance_put(s, &e), 1);
    assert_int_equal(urne_store_match_limit_put(s, &l), 1);
    assert_int_equal(urne_store_match_limit_put(s, &l), 0);
    assert_int_equal(urne_store_commit(s), 0);
    urne_store_match_sum_distance(&sum, &d, 1);
    urne_store_match_sum_distance(&sum, &e, 1);
    urne_store_match_sum_limit(&sum, &l, 1);
    char made[URNE_STORE_MATCH_HASH];
    urne_store_match_sum_hex(&sum, made);
    assert_int_equal(urne_store_match_digest(s, a, with), 0);
    assert_string_equal(with, made);
    assert_string_not_equal(with, empty);
    listed seen = {0};
    assert_int_equal(urne_store_match_distance_each(s, a, list_distance, &seen), 0);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.names[0], "Lille-Dunkerque-80");
    assert_string_equal(seen.names[1], "Lille-Roubaix-12");
    assert_int_equal(urne_store_match_limit_get(s, a, &got), 1);
    assert_int_equal(got.max_km, 50);
    /* A round's report: one per round, read back, in the digest. */
    urne_match_run_row *run = calloc(1, sizeof *run), *back = malloc(sizeof *back);
    assert_non_null(run);
    assert_non_null(back);
    run->campaign = a, run->round = 1;
    snprintf(run->report, sizeof run->report, "{\"placed\":3}");
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_run_put(s, run), 1);
    assert_int_equal(urne_store_match_run_put(s, run), 0);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_match_run_get(s, a, 1, back), 1);
    assert_string_equal(back->report, "{\"placed\":3}");
    assert_int_equal(urne_store_match_run_get(s, a, 2, back), 0);
    urne_store_match_sum_run(&sum, run, 1);
    urne_store_match_sum_hex(&sum, made);
    assert_int_equal(urne_store_match_digest(s, a, with), 0);
    assert_string_equal(with, made);
    urne_store_match_sum_run(&sum, run, -1);
    free(run);
    free(back);
    /* A limit changed changes the digest. */
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_distance_clear(s, a), 0);
    l.max_km = 51;
    assert_int_equal(urne_store_match_distance_put(s, &d), 1);
    assert_int_equal(urne_store_match_distance_put(s, &e), 1);
    assert_int_equal(urne_store_match_limit_put(s, &l), 1);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_match_digest(s, a, again), 0);
    assert_string_not_equal(again, with);
    /* Cleared: nothing left, the digest as before. */
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_distance_clear(s, a), 0);
    assert_int_equal(urne_store_commit(s), 0);
    seen.n = 0;
    assert_int_equal(urne_store_match_distance_each(s, a, list_distance, &seen), 0);
    assert_int_equal(seen.n, 0);
    assert_int_equal(urne_store_match_limit_get(s, a, &got), 0);
    assert_int_equal(urne_store_match_digest(s, a, again), 0);
    urne_match_sum only_run = {{0}};
    urne_match_run_row *r1 = calloc(1, sizeof *r1);
    assert_non_null(r1);
    r1->campaign = a, r1->round = 1;
    snprintf(r1->report, sizeof r1->report, "{\"placed\":3}");
    urne_store_match_sum_run(&only_run, r1, 1);
    free(r1);
    urne_store_match_sum_hex(&only_run, made);
    assert_string_equal(again, made); /* the report's row is all that is left */
    /* A commune longer than the store holds: refused, not cut. */
    memset(d.commune_a, 'x', sizeof d.commune_a);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_match_distance_put(s, &d), -1);
    urne_store_rollback(s);
    urne_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_campaign),
        cmocka_unit_test(test_hosts_pupils),
        cmocka_unit_test(test_results_offers),
        cmocka_unit_test(test_digest_order),
        cmocka_unit_test(test_distances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
