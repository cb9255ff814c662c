/*
 * helpers: building small rounds in tests without a file. Header-only, test code.
 */
#ifndef URNE_TEST_HELPERS_H
#define URNE_TEST_HELPERS_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/count/ballots.h"
#include "../../src/count/count.h"
#include "../../src/io/results_io.h"
#include "../../src/results/results.h"

/* A one-contest round with levels national > bureau and the named candidates. */
static inline urne_round *test_round(size_t ncand, const char *const *names) {
    urne_round *r = urne_round_new();
    static const char *const levels[] = {"national", "bureau"};
    assert_non_null(r);
    assert_int_equal(urne_round_set_levels(r, levels, 2, 0), 0);
    assert_int_not_equal(urne_round_add_contest(r, "national", "Total"), URNE_NONE);
    for (size_t i = 0; i < ncand; i++)
        assert_int_not_equal(urne_round_add_candidate(r, names[i], NULL, NULL, NULL, (int)i + 1), URNE_NONE);
    return r;
}

/* Add a balanced sheet: votants = blancs + nuls + votes; exprimés stated. */
static inline urne_sheet *test_sheet(urne_round *r, const char *bureau, int64_t inscrits, int64_t blancs,
                                     int64_t nuls, const int64_t *votes) {
    urne_sheet *s = urne_round_add_sheet(r, 0);
    assert_non_null(s);
    const urne_contest *c = &r->contests[0];
    int64_t sum = 0;
    for (size_t j = 0; j < c->ncand; j++) s->votes[j] = votes[j], sum += votes[j];
    s->inscrits = inscrits;
    s->blancs = blancs;
    s->nuls = nuls;
    s->votants = blancs + nuls + sum;
    s->exprimes_stated = sum;
    s->key[0] = r->contests[0].key;
    s->key[1] = urne_round_intern(r, bureau, strlen(bureau));
    s->line = (long)r->nsheets; /* 1-based: the sheet just added */
    return s;
}

/* Decide the single contest of r under a preset, return a copy of its outcome kind
 * and fill `chosen` (names joined by ", "). */
static inline urne_outcome_kind test_decide(urne_round *r, const urne_rules *rules, char *chosen, size_t size) {
    urne_diags d;
    urne_diags_init(&d, "test");
    urne_outcome *o = NULL;
    assert_int_equal(urne_results_decide(r, rules, &o, &d), 0);
    urne_outcome_kind kind = o[0].kind;
    chosen[0] = '\0';
    for (size_t i = 0; i < o[0].nchosen; i++) {
        size_t used = strlen(chosen);
        snprintf(chosen + used, size - used, "%s%s", i ? ", " : "", r->candidates[o[0].chosen[i]].name);
    }
    urne_outcomes_free(o, r->ncontests);
    urne_diags_free(&d);
    return kind;
}

/* True when some diagnostic carries `rule` and its message contains `needle`. */
static inline int test_has_diag(const urne_diags *d, const char *rule, const char *needle) {
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].rule, rule) == 0 && (needle == NULL || strstr(d->items[i].message, needle)))
            return 1;
    return 0;
}

/* Add `w` voters ranking `order`, letters for candidates ("ACBED": 0, 2, 1, 4, 3). */
static inline void test_add_ranking(urne_ballots *b, int64_t w, const char *order) {
    uint16_t p[26];
    size_t n = strlen(order);
    for (size_t i = 0; i < n; i++) p[i] = (uint16_t)(order[i] - 'A');
    assert_int_equal(urne_ballots_add(b, w, p, NULL, n), 0);
}

/* p[0..n) = a seeded random order of the candidates 0..n-1 (Fisher-Yates). */
static inline void test_shuffle(urne_lot *lot, uint16_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) p[i] = (uint16_t)i;
    for (size_t i = n; i > 1; i--) {
        size_t j = urne_lot_below(lot, i);
        uint16_t t = p[i - 1];
        p[i - 1] = p[j];
        p[j] = t;
    }
}

/* The Tennessee capital example: Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17
 * (Nashville is the Condorcet winner, Memphis the plurality one, Knoxville the IRV one). */
static inline void test_tennessee_ballots(urne_ballots *b) {
    static const char *const names[] = {"Memphis", "Nashville", "Chattanooga", "Knoxville"};
    assert_int_equal(urne_ballots_init(b, 4, names), 0);
    test_add_ranking(b, 42, "ABCD");
    test_add_ranking(b, 26, "BCDA");
    test_add_ranking(b, 15, "CDBA");
    test_add_ranking(b, 17, "DCBA");
}

/* Read a whole file for tests (fails the test when it cannot). Caller frees. */
static inline char *test_read(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

#endif
