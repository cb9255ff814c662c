/*
 * test_bounds: nothing impossible is ever counted (issue 13).
 *
 * Tally sheets: every figure at most URNE_COUNT_MAX, checked by
 * urne_results_check_sheet directly and through the native and Ministry readers, at
 * INT64_MAX, at the bound and one above it; a number beyond int64 is refused by the
 * reader, never wrapped; two sheets at INT64_MAX that balance cannot crown anyone;
 * a round holds at most URNE_SHEETS_MAX sheets. Ballots: every weight at least 1, the
 * file's total at most URNE_BALLOTS_WEIGHT_MAX, through urne_ballots_add and through
 * the readers; every counting method refuses ballots beyond its own bound instead of
 * overflowing, and counts exactly at it. Majority judgment's shortcut over equal
 * gauges gives the ranking the one-grade-at-a-time definition gives.
 */
#include "helpers.h"

#include "../../src/io/ballots_io.h"

static const char *const two[] = {"Alice", "Bruno"};

/* ---- tally sheets ---- */

/* One balanced sheet with figure `field` then set to v: the bound is checked on every
 * figure, whatever the others say. */
static size_t check_one(const char *field, int64_t v, urne_diags *d) {
    urne_round *r = test_round(2, two);
    int64_t votes[2] = {10, 5};
    urne_sheet *s = test_sheet(r, "1", 100, 1, 1, votes);
    if (strcmp(field, "inscrits") == 0) s->inscrits = v;
    if (strcmp(field, "votants") == 0) s->votants = v;
    if (strcmp(field, "blancs") == 0) s->blancs = v;
    if (strcmp(field, "nuls") == 0) s->nuls = v;
    if (strcmp(field, "exprimes") == 0) s->exprimes_stated = v;
    if (strcmp(field, "Alice") == 0) s->votes[0] = v;
    size_t n = urne_results_check_sheet(r, s, d);
    urne_round_free(r);
    return n;
}

static void test_check_sheet_bound(void **state) {
    (void)state;
    const char *fields[] = {"inscrits", "votants", "blancs", "nuls", "exprimes", "Alice"};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        urne_diags d;
        /* above the bound and at INT64_MAX: one count-bound error naming the field and the bound */
        int64_t above[] = {URNE_COUNT_MAX + 1, INT64_MAX, INT64_MAX - 1};
        for (size_t k = 0; k < 3; k++) {
            urne_diags_init(&d, "t");
            check_one(fields[f], above[k], &d);
            int found = 0;
            for (size_t i = 0; i < d.count; i++)
                if (strcmp(d.items[i].rule, URNE_RULE_COUNT_BOUND) == 0 && strcmp(d.items[i].field, fields[f]) == 0 &&
                    strstr(d.items[i].message, "10000000000"))
                    found = 1;
            if (!found) fail_msg("%s = %lld: no count-bound error on the field", fields[f], (long long)above[k]);
            urne_diags_free(&d);
        }
    }
    /* At the bound exactly, a balanced sheet passes. */
    urne_round *r = test_round(2, two);
    int64_t votes[2] = {URNE_COUNT_MAX - 2, 0};
    urne_sheet *s = test_sheet(r, "1", URNE_COUNT_MAX, 1, 1, votes);
    assert_int_equal(s->votants, URNE_COUNT_MAX);
    urne_diags d;
    urne_diags_init(&d, "t");
    assert_int_equal(urne_results_check_sheet(r, s, &d), 0);
    s->inscrits = URNE_COUNT_MAX + 1; /* and one above it does not */
    assert_int_equal(urne_results_check_sheet(r, s, &d), 1);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "inscrits is 10000000001"));
    urne_diags_free(&d);
    urne_round_free(r);
}

/* Votes each at the bound whose sum, votants, is above it. */
static void test_check_sheet_votants_from_sum(void **state) {
    (void)state;
    urne_round *r = test_round(2, two);
    int64_t votes[2] = {URNE_COUNT_MAX, URNE_COUNT_MAX};
    urne_sheet *s = test_sheet(r, "1", 3 * URNE_COUNT_MAX, 0, 0, votes);
    urne_diags d;
    urne_diags_init(&d, "t");
    /* votants above the bound, from a sum that fits: the bound is what refuses it */
    assert_true(urne_results_check_sheet(r, s, &d) >= 1);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "votants is 20000000000"));
    urne_diags_free(&d);
    urne_round_free(r);
}

/* The brief's case: two sheets of inscrits = votants = INT64_MAX whose votes add up. */
static const char *int64_sheets = "# election: e\n"
                                  "bureau,inscrits,votants,blancs,nuls,Alice,Bruno\n"
                                  "1,9223372036854775807,9223372036854775807,0,0,9223372036854775807,0\n"
                                  "2,9223372036854775807,9223372036854775807,0,0,2,9223372036854775805\n";

static void test_native_int64_sheets(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_round *r = urne_io_results_parse(int64_sheets, strlen(int64_sheets), URNE_FMT_NATIVE, URNE_ENC_AUTO, &d);
    assert_null(r);
    assert_int_equal(d.errors, 6); /* inscrits, votants and the large vote, on each sheet */
    for (size_t i = 0; i < d.count; i++) assert_string_equal(d.items[i].rule, URNE_RULE_COUNT_BOUND);
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[5].line, 4);
    urne_diags_free(&d);

    /* Without the checks (a round built by hand), deciding refuses the wrapped sums. */
    urne_round *h = test_round(2, two);
    int64_t v1[2] = {INT64_MAX, 0}, v2[2] = {2, INT64_MAX - 2};
    test_sheet(h, "1", INT64_MAX, 0, 0, v1);
    test_sheet(h, "2", INT64_MAX, 0, 0, v2);
    urne_rules rules;
    urne_rules_preset("single", &rules);
    urne_outcome *o = NULL;
    urne_diags_init(&d, "t");
    assert_int_equal(urne_results_decide(h, &rules, &o, &d), -1);
    assert_null(o);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "beyond 64 bits"));
    urne_tally t;
    assert_int_equal(urne_results_aggregate(h, 0, &t), -1);
    urne_diags_free(&d);
    urne_round_free(h);
}

/* A native file with one figure set to `value` in sheet 1 (inscrits and votants follow). */
static urne_round *native_with(const char *value, const char *exprimes, urne_diags *d) {
    char text[512];
    snprintf(text, sizeof text,
             "bureau,inscrits,votants,blancs,nuls,exprimes,Alice,Bruno\n1,%s,%s,0,0,%s,%s,0\n2,10,8,0,0,8,4,4\n", value,
             value, exprimes, value);
    return urne_io_results_parse(text, strlen(text), URNE_FMT_NATIVE, URNE_ENC_AUTO, d);
}

static void test_native_bound(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_round *r = native_with("10000000000", "10000000000", &d); /* at the bound */
    assert_non_null(r);
    assert_int_equal(d.errors, 0);
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 0, &t), 0);
    assert_int_equal(t.units[0].inscrits, URNE_COUNT_MAX + 10);
    assert_int_equal(t.units[0].lines[0].voix, URNE_COUNT_MAX + 4);
    urne_tally_free(&t);
    urne_round_free(r);

    r = native_with("10000000001", "10000000001", &d); /* one above */
    assert_null(r);
    assert_int_equal(d.errors, 4); /* inscrits, votants, exprimes, Alice */
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "Alice has 10000000001 votes; no count on a sheet may exceed"));
    urne_diags_free(&d);

    urne_diags_init(&d, "t");
    r = native_with("9223372036854775807", "9223372036854775807", &d); /* INT64_MAX */
    assert_null(r);
    assert_int_equal(d.errors, 4);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "inscrits is 9223372036854775807"));
    urne_diags_free(&d);

    urne_diags_init(&d, "t");
    r = native_with("9223372036854775808", "1", &d); /* beyond int64: the reader refuses it */
    assert_null(r);
    assert_true(d.errors >= 1);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "'9223372036854775808' is too large"));
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].field, "inscrits");
    urne_diags_free(&d);
}

/* The Ministry's reader, fast path (up to 18 digits) and careful path (more): one real
 * row of the Rhône file rewritten with inscrits = votants = exprimés = MACRON's votes
 * = v, everything else 0. */
static urne_round *ministry_with(const char *v, urne_diags *d) {
    size_t len;
    char *file = test_read(URNE_SOURCE_DIR "/tests/bad/ministry-count-bound.txt", &len);
    char *nl = strchr(file, '\n');
    assert_non_null(nl);
    char *row = nl + 1, *end = strchr(row, '\n');
    assert_non_null(end);
    *end = '\0';
    char out[8192];
    size_t o = (size_t)(row - file);
    memcpy(out, file, o);
    size_t field = 0;
    for (char *p = row;; field++) {
        char *semi = strchr(p, ';');
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        /* 7 Inscrits, 10 Votants, 12 Blancs, 15 Nuls, 18 Exprimés; groups of 7 from 21, Voix 5th */
        const char *put = NULL;
        if (field == 7 || field == 10 || field == 18) put = v;
        if (field == 12 || field == 15) put = "0";
        if (field >= 21 && (field - 21) % 7 == 4) put = field == 21 + 2 * 7 + 4 ? v : "0"; /* 3rd group: MACRON */
        if (put) {
            o += (size_t)snprintf(out + o, sizeof out - o, "%s", put);
        } else {
            memcpy(out + o, p, n);
            o += n;
        }
        if (semi == NULL) break;
        out[o++] = ';';
        p = semi + 1;
    }
    out[o++] = '\n';
    urne_round *r = urne_io_results_parse(out, o, URNE_FMT_MINISTRY, URNE_ENC_AUTO, d);
    free(file);
    return r;
}

static void test_ministry_bound(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_round *r = ministry_with("10000000000", &d);
    assert_non_null(r);
    assert_int_equal(r->nsheets, 1);
    assert_int_equal(r->sheets[0].inscrits, URNE_COUNT_MAX);
    assert_int_equal(r->sheets[0].votes[2], URNE_COUNT_MAX);
    urne_round_free(r);
    r = ministry_with("10000000001", &d);
    assert_null(r);
    assert_int_equal(d.errors, 4);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "Emmanuel MACRON has 10000000001 votes"));
    urne_diags_free(&d);
    urne_diags_init(&d, "t");
    r = ministry_with("9223372036854775807", &d);
    assert_null(r);
    assert_int_equal(d.errors, 4);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "votants is 9223372036854775807"));
    urne_diags_free(&d);
    urne_diags_init(&d, "t");
    r = ministry_with("99999999999999999999", &d);
    assert_null(r);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "does not fit in a 64-bit count"));
    urne_diags_free(&d);
}

static void test_sheet_count_bound(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "t");
    assert_int_equal(urne_results_check_sheet_count(URNE_SHEETS_MAX, 7, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(urne_results_check_sheet_count(URNE_SHEETS_MAX + 1, 7, &d), -1);
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.items[0].line, 7);
    assert_true(test_has_diag(&d, URNE_RULE_COUNT_BOUND, "a round holds at most 100000000"));
    urne_diags_free(&d);
}

/* ---- ballots ---- */

static void test_ballots_add_bound(void **state) {
    (void)state;
    urne_ballots b;
    assert_int_equal(urne_ballots_init(&b, 2, two), 0);
    uint16_t ab[2] = {0, 1}, ba[2] = {1, 0};
    assert_int_equal(urne_ballots_add(&b, 0, ab, NULL, 2), -3);
    assert_int_equal(urne_ballots_add(&b, -3, ab, NULL, 2), -3);
    assert_int_equal(urne_ballots_add(&b, INT64_MAX, ab, NULL, 2), -4);
    assert_int_equal(urne_ballots_add(&b, URNE_BALLOTS_WEIGHT_MAX + 1, ab, NULL, 2), -4);
    assert_int_equal(b.n, 0); /* nothing was added */
    assert_int_equal(b.total, 0);
    assert_int_equal(urne_ballots_add(&b, URNE_BALLOTS_WEIGHT_MAX - 1, ab, NULL, 2), 0);
    assert_int_equal(urne_ballots_add(&b, 1, ba, NULL, 2), 0); /* the total at the bound exactly */
    assert_int_equal(b.total, URNE_BALLOTS_WEIGHT_MAX);
    assert_int_equal(urne_ballots_add(&b, 1, ab, NULL, 2), -4); /* one above: refused, merged or not */
    assert_int_equal(urne_ballots_add(&b, INT64_MAX, ab, NULL, 2), -4);
    assert_int_equal(b.total, URNE_BALLOTS_WEIGHT_MAX);
    assert_int_equal(b.weight[0], URNE_BALLOTS_WEIGHT_MAX - 1);
    assert_int_equal(urne_ballots_bounded(&b), 0);
    b.weight[1] = INT64_MAX; /* tampered with by hand: the invariant check sees it */
    assert_int_equal(urne_ballots_bounded(&b), -1);
    urne_ballots_free(&b);
}

/* Parse `text` in `fmt`; 0 or -1, with the diagnostics in d. */
static int parse(const char *text, urne_ballot_format fmt, urne_ballots *b, urne_diags *d) {
    return urne_io_parse_ballots(text, strlen(text), fmt, URNE_ENC_AUTO, b, d);
}

static void test_ballot_readers_bound(void **state) {
    (void)state;
    struct {
        urne_ballot_format fmt;
        const char *text, *rule, *needle;
        long line;
    } bad[] = {
        {URNE_BFMT_BLT, "2 1\n3 1 2 0\n-3 1 2 0\n0\n\"A\" \"B\"\n", URNE_RULE_POSITIVE_WEIGHT, "'-3' is negative", 3},
        {URNE_BFMT_BLT, "2 1\n0 1 2 0\n0\n\"A\" \"B\"\n", URNE_RULE_POSITIVE_WEIGHT, "'0' is zero", 2},
        {URNE_BFMT_BLT, "2 1\n9223372036854775807 1 2 0\n0\n\"A\" \"B\"\n", URNE_RULE_WEIGHT_BOUND, "is too large", 2},
        {URNE_BFMT_BLT, "2 1\n1000000000001 1 2 0\n0\n\"A\" \"B\"\n", URNE_RULE_WEIGHT_BOUND, "at most 1000000000000", 2},
        {URNE_BFMT_BLT, "2 1\n999999999999 1 2 0\n2 2 0\n0\n\"A\" \"B\"\n", URNE_RULE_WEIGHT_BOUND, "add up to more", 3},
        {URNE_BFMT_BLT, "2 1\n3 1 2 0\n-2\n0\n\"A\" \"B\"\n", "blt-format", "right after the first line", 3},
        {URNE_BFMT_PREFLIB, "# NUMBER ALTERNATIVES: 2\n9223372036854775807: 1,2\n", URNE_RULE_WEIGHT_BOUND, "too large", 2},
        {URNE_BFMT_PREFLIB, "# NUMBER ALTERNATIVES: 2\n5: 1,2\n0: 2,1\n", URNE_RULE_POSITIVE_WEIGHT, "is zero", 3},
        {URNE_BFMT_PREFLIB, "# NUMBER ALTERNATIVES: 2\n-5: 1,2\n", URNE_RULE_POSITIVE_WEIGHT, "is negative", 2},
        {URNE_BFMT_PREFLIB, "# NUMBER ALTERNATIVES: 2\n600000000000: 1,2\n600000000000: 2,1\n", URNE_RULE_WEIGHT_BOUND,
         "add up to more", 3},
        {URNE_BFMT_TEXT, "A > B\n-3: B > A\n", URNE_RULE_POSITIVE_WEIGHT, "is negative", 2},
        {URNE_BFMT_TEXT, "0: A > B\n", URNE_RULE_POSITIVE_WEIGHT, "is zero", 1},
        {URNE_BFMT_TEXT, "1000000000001: A > B\n", URNE_RULE_WEIGHT_BOUND, "at most 1000000000000", 1},
        {URNE_BFMT_TEXT, "9223372036854775807: A\n9223372036854775807: A\n", URNE_RULE_WEIGHT_BOUND, "too large", 1},
        /* colleges: 10^6 voters weighing 10^6 x 999,983 each pass the bound together */
        {URNE_BFMT_TEXT, "# college: X; weight 1000000\n# college: Y; weight 1\n[X] 1000000: A\n[Y] 999983: B\n",
         URNE_RULE_WEIGHT_BOUND, "add up to more", 3},
        {URNE_BFMT_CSV, "count;A;B\n0;1;0\n", URNE_RULE_POSITIVE_WEIGHT, "is zero", 2},
        {URNE_BFMT_CSV, "count;A;B\n-1;1;0\n", URNE_RULE_POSITIVE_WEIGHT, "is negative", 2},
        {URNE_BFMT_CSV, "count;A;B\n9223372036854775807;1;0\n", URNE_RULE_WEIGHT_BOUND, "too large", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        urne_diags d;
        urne_diags_init(&d, "t");
        urne_ballots b;
        if (parse(bad[i].text, bad[i].fmt, &b, &d) != -1) fail_msg("case %zu accepted", i);
        if (!test_has_diag(&d, bad[i].rule, bad[i].needle)) {
            for (size_t k = 0; k < d.count; k++) print_message("  [%s] %s\n", d.items[k].rule, d.items[k].message);
            fail_msg("case %zu: no [%s] '%s'", i, bad[i].rule, bad[i].needle);
        }
        if (d.items[0].line != bad[i].line) fail_msg("case %zu: line %ld, not %ld", i, d.items[0].line, bad[i].line);
        urne_diags_free(&d);
    }
    /* At the bound exactly: accepted, and counted exactly. */
    const struct { urne_ballot_format fmt; const char *text; } ok[] = {
        {URNE_BFMT_BLT, "2 1\n999999999999 1 2 0\n1 2 0\n0\n\"A\" \"B\"\n"},
        {URNE_BFMT_PREFLIB, "# NUMBER ALTERNATIVES: 2\n1000000000000: 1,2\n"},
        {URNE_BFMT_TEXT, "1000000000000: A > B\n"},
        {URNE_BFMT_CSV, "count;A;B\n500000000000;1;0\n500000000000;0;1\n"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        urne_diags d;
        urne_diags_init(&d, "t");
        urne_ballots b;
        if (parse(ok[i].text, ok[i].fmt, &b, &d) != 0) fail_msg("case %zu refused: %s", i, d.count ? d.items[0].message : "");
        assert_int_equal(b.total, URNE_BALLOTS_WEIGHT_MAX);
        urne_count_result r;
        assert_int_equal(urne_count_plurality(&b, 1, &r, &d), 0);
        int64_t sum = r.stages[0].votes[0] + r.stages[0].votes[1] + r.stages[0].nontransferable;
        assert_int_equal(sum, URNE_BALLOTS_WEIGHT_MAX);
        urne_count_result_free(&r);
        urne_ballots_free(&b);
        urne_diags_free(&d);
    }
}

typedef int (*method_fn)(const urne_ballots *, uint64_t, urne_count_result *, urne_diags *);

/* Ballots at the bound: every method counts them exactly, except the nine-decimal
 * STV rules, which refuse them by name; tampered weights are refused by every method. */
static void test_methods_bound(void **state) {
    (void)state;
    static const char *const three[] = {"A", "B", "C"};
    urne_ballots b;
    assert_int_equal(urne_ballots_init(&b, 3, three), 0);
    test_add_ranking(&b, URNE_BALLOTS_WEIGHT_MAX / 2, "ABC");
    test_add_ranking(&b, URNE_BALLOTS_WEIGHT_MAX / 2 - 1, "BAC");
    test_add_ranking(&b, 1, "CAB");
    assert_int_equal(b.total, URNE_BALLOTS_WEIGHT_MAX);
    method_fn methods[] = {urne_count_plurality, urne_count_two_round, urne_count_borda, urne_count_irv,
                           urne_count_approval, urne_count_schulze, urne_count_ranked_pairs,
                           urne_count_copeland, urne_count_minimax};
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        urne_diags d;
        urne_diags_init(&d, "t");
        urne_count_result r;
        if (methods[m](&b, 1, &r, &d) != 0) fail_msg("method %zu refused ballots at the bound", m);
        assert_int_equal(r.winners[0], 0); /* A: half the voters first, the rest but one second */
        urne_count_result_free(&r);
        urne_diags_free(&d);
    }
    /* Borda, exactly (doubled points): 4 from half the voters, 2 from all the others */
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_borda(&b, 1, &r, &d), 0);
    assert_int_equal(r.stages[0].votes[0], 3 * URNE_BALLOTS_WEIGHT_MAX);
    urne_count_result_free(&r);
    assert_int_equal(urne_count_stv_scottish(&b, 1, 1, &r, &d), 0);
    assert_int_equal(r.winners[0], 0);
    assert_int_equal(r.quota, (URNE_BALLOTS_WEIGHT_MAX / 2 + 1) * 100000);
    urne_count_result_free(&r);
    int (*nine[])(const urne_ballots *, size_t, uint64_t, urne_count_result *, urne_diags *) = {
        urne_count_stv_wigm, urne_count_stv_meek};
    for (size_t k = 0; k < 2; k++) {
        urne_diags_init(&d, "t");
        assert_int_equal(nine[k](&b, 1, 1, &r, &d), -1);
        assert_true(test_has_diag(&d, URNE_RULE_WEIGHT_BOUND, "more than the 9223372036 this method can count"));
        urne_count_result_free(&r);
        urne_diags_free(&d);
    }
    for (int k = 0; k < 4; k++) {
        urne_diags_init(&d, "t");
        assert_int_equal(urne_count_seats(&b, (urne_seat_method)k, 3, 500, 2, 1, &r, &d), 0);
        urne_count_result_free(&r);
        urne_diags_free(&d);
    }
    /* A weight set by hand past the bound: every method refuses, none overflows. */
    b.weight[0] = INT64_MAX;
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        urne_diags_init(&d, "t");
        assert_int_equal(methods[m](&b, 1, &r, &d), -1);
        assert_true(test_has_diag(&d, URNE_RULE_WEIGHT_BOUND, NULL));
        urne_count_result_free(&r);
        urne_diags_free(&d);
    }
    urne_diags_init(&d, "t");
    assert_int_equal(urne_count_stv_scottish(&b, 1, 1, &r, &d), -1);
    urne_count_result_free(&r);
    assert_int_equal(urne_count_seats(&b, URNE_SEATS_DHONDT, 3, 0, 1, 1, &r, &d), -1);
    urne_count_result_free(&r);
    assert_true(test_has_diag(&d, URNE_RULE_WEIGHT_BOUND, NULL));
    urne_diags_free(&d);
    urne_ballots_free(&b);

    /* At 9,223,372,036 in all, the nine-decimal rules count. */
    assert_int_equal(urne_ballots_init(&b, 3, three), 0);
    test_add_ranking(&b, INT64_MAX / 1000000000 - 1000, "ABC");
    test_add_ranking(&b, 1000, "BAC");
    for (size_t k = 0; k < 2; k++) {
        urne_diags_init(&d, "t");
        assert_int_equal(nine[k](&b, 1, 1, &r, &d), 0);
        assert_int_equal(r.winners[0], 0);
        urne_count_result_free(&r);
        urne_diags_free(&d);
    }
    urne_ballots_free(&b);
}

/* ---- majority judgment ---- */

/* The definition, one majority grade at a time: >0 when a ranks above b. */
static int naive_compare(const int64_t *a0, const int64_t *b0, size_t ng, int64_t n) {
    int64_t a[8], b[8];
    memcpy(a, a0, ng * sizeof *a);
    memcpy(b, b0, ng * sizeof *b);
    for (; n > 0; n--) {
        size_t ga = 0, gb = 0;
        int64_t rank = (n + 1) / 2, seen = 0;
        for (size_t g = ng; g-- > 0;) if ((seen += a[g]) >= rank) { ga = g; break; }
        seen = 0;
        for (size_t g = ng; g-- > 0;) if ((seen += b[g]) >= rank) { gb = g; break; }
        if (ga != gb) return ga < gb ? 1 : -1;
        int64_t pa = 0, qa = 0, pb = 0, qb = 0;
        for (size_t g = 0; g < ng; g++) {
            if (g < ga) pa += a[g], pb += b[g];
            if (g > ga) qa += a[g], qb += b[g];
        }
        int plus_a = pa > qa, plus_b = pb > qb;
        if (plus_a != plus_b) return plus_a ? 1 : -1;
        int64_t sa = plus_a ? pa : qa, sb = plus_b ? pb : qb;
        if (sa != sb) return (plus_a ? sa > sb : sa < sb) ? 1 : -1;
        a[ga]--, b[gb]--;
    }
    return 0;
}

static void test_mj_shortcut(void **state) {
    (void)state;
    static const char *const cands[] = {"A", "B", "C", "D"}, *const grades[] = {"g0", "g1", "g2", "g3"};
    urne_lot lot;
    urne_lot_init(&lot, 2026);
    for (int trial = 0; trial < 400; trial++) {
        size_t ng = 2 + (size_t)urne_lot_below(&lot, 3), nc = 2 + (size_t)urne_lot_below(&lot, 3);
        int64_t n = 1 + (int64_t)urne_lot_below(&lot, 40);
        urne_grades g;
        assert_int_equal(urne_grades_init(&g, nc, cands, ng, grades), 0);
        for (size_t c = 0; c < nc; c++) /* each candidate: n voters spread over the grades */
            for (int64_t v = 0; v < n; v++) g.counts[c * ng + urne_lot_below(&lot, ng)]++;
        g.total = n;
        urne_diags d;
        urne_diags_init(&d, "t");
        urne_count_result r;
        assert_int_equal(urne_count_mj(&g, 1, &r, &d), 0);
        for (size_t i = 0; i + 1 < nc; i++) { /* consecutive winners in the definition's order */
            int c = naive_compare(g.counts + r.winners[i] * ng, g.counts + r.winners[i + 1] * ng, ng, n);
            if (c < 0) fail_msg("trial %d: %zu placed above %zu against the definition", trial, r.winners[i],
                                r.winners[i + 1]);
        }
        urne_count_result_free(&r);
        urne_diags_free(&d);
        urne_grades_free(&g);
    }
    /* A trillion voters whose gauges stay equal for 200 billion removals of the
     * majority grade (p = q = 400 billion on both sides), then part: instant. */
    urne_grades g;
    assert_int_equal(urne_grades_init(&g, 2, cands, 4, grades), 0);
    g.total = URNE_BALLOTS_WEIGHT_MAX;
    int64_t a[4] = {400000000000, 200000000000, 0, 400000000000}, b[4] = {400000000000, 200000000000, 400000000000, 0};
    memcpy(g.counts, a, sizeof a);
    memcpy(g.counts + 4, b, sizeof b);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_count_result r;
    assert_int_equal(urne_count_mj(&g, 1, &r, &d), 0);
    assert_int_equal(r.winners[0], 1); /* B: its next majority grade is g2, A's is g3 */
    urne_count_result_free(&r);
    g.counts[0] = -1; /* inconsistent grades are refused, not counted */
    assert_int_equal(urne_count_mj(&g, 1, &r, &d), -1);
    assert_true(test_has_diag(&d, URNE_RULE_WEIGHT_BOUND, "majority judgment"));
    urne_count_result_free(&r);
    urne_diags_free(&d);
    urne_grades_free(&g);
}

/* ---- numbers ---- */

static void test_num_extremes(void **state) {
    (void)state;
    char buf[64];
    urne_num_group(INT64_MIN, buf, sizeof buf); /* its magnitude does not fit in int64 */
    assert_string_equal(buf, "-9,223,372,036,854,775,808");
    urne_num_group(INT64_MAX, buf, sizeof buf);
    assert_string_equal(buf, "9,223,372,036,854,775,807");
    /* 20000 x num passes 128 bits: the whole part and the remainder, still exact */
    urne_wide num = (urne_wide)1 << 114;
    assert_true(urne_num_basis_points(num, 3) == num / 3 * 10000 + 3333);
    assert_true(urne_num_basis_points(2, 3) == 6667);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_sheet_bound),   cmocka_unit_test(test_check_sheet_votants_from_sum),
        cmocka_unit_test(test_native_int64_sheets), cmocka_unit_test(test_native_bound),
        cmocka_unit_test(test_ministry_bound),      cmocka_unit_test(test_sheet_count_bound),
        cmocka_unit_test(test_ballots_add_bound),   cmocka_unit_test(test_ballot_readers_bound),
        cmocka_unit_test(test_methods_bound),       cmocka_unit_test(test_mj_shortcut),
        cmocka_unit_test(test_num_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
