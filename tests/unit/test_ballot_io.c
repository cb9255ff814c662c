/*
 * The ballot readers (BLT, PrefLib) and the writers of what urne counts.
 *
 * Every expected value here is derived by hand from the input written next to it
 * (each test says how), from the format's definition (ballots_io.h, the headers of
 * blt.c and preflib.c), from the exact messages the command line promises for broken
 * files (tests/bad-ballots/NAME.expect), or, for the real files, from facts stated by
 * someone else: the PrefLib headers (NUMBER VOTERS, NUMBER UNIQUE ORDERS), the number
 * of lines of the BLT file, the official results quoted in ../shared/data's
 * PROVENANCE files. None is copied from urne's output.
 */
#include <jansson.h>

#include "helpers.h"
#include "../../src/io/ballots_io.h"

/* ---- helpers ---- */

static int parse_blt(const char *text, urne_ballots *b, urne_diags *d) {
    urne_diags_init(d, "t.blt");
    return urne_io_parse_blt(text, strlen(text), URNE_ENC_AUTO, b, d);
}

static int parse_preflib(const char *text, urne_ballots *b, urne_diags *d) {
    urne_diags_init(d, "t.soc");
    return urne_io_parse_preflib(text, strlen(text), URNE_ENC_AUTO, b, d);
}

/* The weight of the ranking written as letters, candidate 0 = 'A', '=' before a
 * candidate tied with the one before ("B=DA": B and D first, then A); "" the empty
 * ranking. -1 when no ranking of b is that one. */
static int64_t weight_of(const urne_ballots *b, const char *ranking) {
    for (size_t k = 0; k < b->n; k++) {
        const char *s = ranking;
        size_t i = 0;
        int same = 1;
        for (; *s && same; s++) {
            int tie = *s == '=';
            if (tie) s++;
            if (i >= b->len[k] || b->prefs[b->start[k] + i] != (uint16_t)(*s - 'A') ||
                (b->tied[b->start[k] + i] != 0) != tie)
                same = 0;
            i++;
        }
        if (same && i == b->len[k]) return b->weight[k];
    }
    return -1;
}

/* The first diagnostic, formatted as the command line prints it. */
static const char *first_message(const urne_diags *d) {
    static char buf[600];
    assert_true(d->count > 0);
    urne_diag_format(d, &d->items[0], buf, sizeof buf);
    return buf;
}

/* A BLT text must be refused with exactly `expect` as its first (and only) error. */
static void blt_refused(const char *text, const char *expect) {
    urne_ballots b;
    urne_diags d;
    assert_int_equal(parse_blt(text, &b, &d), -1);
    assert_string_equal(first_message(&d), expect);
    assert_int_equal(d.errors, 1);
    assert_null(b.weight); /* nothing kept */
    urne_diags_free(&d);
}

static void preflib_refused(const char *text, const char *expect) {
    urne_ballots b;
    urne_diags d;
    assert_int_equal(parse_preflib(text, &b, &d), -1);
    assert_string_equal(first_message(&d), expect);
    assert_int_equal(d.errors, 1);
    urne_diags_free(&d);
}

/* ---- BLT ---- */

/* Four candidates, two seats; the same ranking "1 2" on two lines is one ranking of
 * weight 3 + 3 = 6; "2=4 1" ties B and D first; a comment after '#' is no part of the
 * line; names may share a line. Total: 3 + 2 + 1 + 3 + 4 = 13. (Ballot ids, which
 * this test once skipped in front of a weight, have their own test: blt_dialects.) */
static void test_blt_small(void **state) {
    (void)state;
    urne_ballots b;
    urne_diags d;
    assert_int_equal(parse_blt("4 2\n"
                               "3 1 2 0\n"
                               "2 3 0\n"
                               "1 2=4 1 0\n"
                               "3 1 2 0 # again\n"
                               "4 4 3 2 1 0\n"
                               "0\n"
                               "\"Ann\" \"Bob\"\n"
                               "\"Cat\"\n"
                               "\"Dan\"\n"
                               "\"Tiny election\"\n",
                               &b, &d),
                     0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(b.ncand, 4);
    assert_int_equal(b.seats, 2);
    assert_int_equal(b.n, 4);
    assert_int_equal(b.total, 13);
    assert_int_equal(weight_of(&b, "AB"), 6);
    assert_int_equal(weight_of(&b, "C"), 2);
    assert_int_equal(weight_of(&b, "B=DA"), 1);
    assert_int_equal(weight_of(&b, "DCBA"), 4);
    assert_int_equal(weight_of(&b, "BDA"), -1); /* the tie is kept, not dropped */
    assert_string_equal(b.names[0], "Ann");
    assert_string_equal(b.names[1], "Bob");
    assert_string_equal(b.names[2], "Cat");
    assert_string_equal(b.names[3], "Dan");
    assert_string_equal(b.title, "Tiny election");
    urne_ballots_free(&b);
    urne_diags_free(&d);
}

/* Candidate 2 (B) withdrawn: skipped where ranked, so "1 2 3" is A C, "2 3" is C and
 * "2" alone leaves an empty ballot, which still counts in the total (ballots.h:
 * empty ballots included). B keeps its number and its name. Total 4 + 2 + 1 + 5. */
static void test_blt_withdrawn(void **state) {
    (void)state;
    urne_ballots b;
    urne_diags d;
    assert_int_equal(parse_blt("3 1\n-2\n4 1 2 3 0\n2 2 3 0\n1 2 0\n5 3 1 0\n0\n\"A\" \"B\" \"C\" \"W\"\n", &b, &d), 0);
    assert_int_equal(b.ncand, 3);
    assert_int_equal(b.seats, 1);
    assert_int_equal(b.total, 12);
    assert_int_equal(weight_of(&b, "AC"), 4);
    assert_int_equal(weight_of(&b, "C"), 2);
    assert_int_equal(weight_of(&b, ""), 1);
    assert_int_equal(weight_of(&b, "CA"), 5);
    assert_int_equal(weight_of(&b, "ABC"), -1);
    assert_string_equal(b.names[1], "B");
    urne_ballots_free(&b);
    urne_diags_free(&d);

    /* Two withdrawn on one line and a third on the next: only D is left to rank.
     * A tie with a withdrawn candidate does not tie the next one: "2=1 4" is D. */
    assert_int_equal(parse_blt("4 1\n-1 -2\n-3\n7 2=1 4 0\n1 3 4 0\n0\n\"A\" \"B\" \"C\" \"D\" \"T\"\n", &b, &d), 0);
    assert_int_equal(b.total, 8);
    assert_int_equal(b.n, 1);
    assert_int_equal(weight_of(&b, "D"), 8);
    urne_ballots_free(&b);
    urne_diags_free(&d);
}

/* The dialects of droop and OpenSTV. droop: options "[tie ...]" and "[withdrawn ...]",
 * ids standing for weight 1 ("(a) 3 1 0" ranks C then A); OpenSTV: ids followed by the
 * weight 1, '-' for a skipped rank. */
static void test_blt_dialects(void **state) {
    (void)state;
    urne_ballots b;
    urne_diags d;
    assert_int_equal(parse_blt("3 2\n[tie 3 2 1 ] # droop's 42t.blt\n[withdrawn 2]\n4 1 2 0\n2 3 0\n0\n"
                               "\"Castor\" \"Pollux\" \"Helen\" \"T\"\n", &b, &d), 0);
    assert_non_null(b.tie_order);
    assert_int_equal(b.tie_order[2], 0);
    assert_int_equal(b.tie_order[1], 1);
    assert_int_equal(b.tie_order[0], 2);
    assert_non_null(b.withdrawn);
    assert_true(b.withdrawn[1] && !b.withdrawn[0] && !b.withdrawn[2]);
    assert_int_equal(weight_of(&b, "A"), 4); /* "1 2": B withdrawn */
    urne_ballots_free(&b);
    urne_diags_free(&d);

    assert_int_equal(parse_blt("3 1\n(a) 3 1 0\n(b b) 2 0\n(c) 3 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n", &b, &d), 0);
    assert_int_equal(weight_of(&b, "CA"), 2);
    assert_int_equal(weight_of(&b, "B"), 1);
    assert_null(b.tie_order);
    assert_null(b.withdrawn);
    urne_ballots_free(&b);
    urne_diags_free(&d);

    /* OpenSTV: "(id) 1 ..." with candidate 1 ranked later settles the weight reading */
    assert_int_equal(parse_blt("3 1\n(1) 1 2 - 1 0\n(2) 1 3 0\n(3) 1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n", &b, &d), 0);
    assert_int_equal(weight_of(&b, "BA"), 1);
    assert_int_equal(weight_of(&b, "C"), 1);
    assert_int_equal(weight_of(&b, "A"), 1);
    assert_int_equal(b.total, 3);
    urne_ballots_free(&b);
    urne_diags_free(&d);

    /* [droop ...] is droop's, not urne's: read, with a warning */
    assert_int_equal(parse_blt("2 1\n[droop meek precision=9]\n1 1 0\n0\n\"A\" \"B\" \"T\"\n", &b, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 1);
    urne_ballots_free(&b);
    urne_diags_free(&d);
}

/* Option lines that cannot be honoured are refused with file, line, field and rule. */
static void test_blt_bad_options(void **state) {
    (void)state;
    blt_refused("3 1\n[tie 1 2]\n1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'option': option [tie] must list each of the 3 candidates exactly once "
                "[blt-option]");
    blt_refused("3 1\n[tie 1 2 2]\n1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'option': option [tie] must list each of the 3 candidates exactly once "
                "[blt-option]");
    blt_refused("3 1\n[withdrawn 4]\n1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'option': option [withdrawn]: candidate 4 does not exist: the file has 3 "
                "candidates [blt-option]");
    blt_refused("3 1\n[tie 3 2 1\n1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'option': option [tie has no closing ']' on its line [blt-option]");
    blt_refused("3 1\n[nick a b c]\n1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'option': option [nick] is not read by urne (it reads [tie], [withdrawn] and "
                "[droop]): counting without it would not be the file's count [blt-option]");
    blt_refused("3 1\n[tie a b c]\n1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'option': option [tie] takes candidate numbers (nicknames from [nick] are not "
                "read) [blt-option]");
    blt_refused("3 1\n1 1 0\n[tie 1 2 3]\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:3: error: field 'option': options are listed right after the first line, before any ballot "
                "[blt-option]");
    blt_refused("3 1\n(a) 1 2 0\n(b) 1 3 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'id': every ballot id is followed by 1: OpenSTV's weight 1, or droop's first "
                "preference for candidate 1? Nothing in the file settles it [blt-format]");
    blt_refused("3 1\n(a) 2 1 0\n1 3 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:3: error: field 'id': either every ballot line starts with an id in parentheses or none does "
                "[blt-format]");
    blt_refused("3 1\n(a) 1 2 1 0\n(b) 2 3 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'id': ballot ids are followed by a weight on some lines (OpenSTV) and not on "
                "others (droop) [blt-format]");
}

/* Each broken file gets one error naming its line, field and rule, worded as
 * tests/bad-ballots/NAME.expect show the command line printing them. */
static void test_blt_malformed(void **state) {
    (void)state;
    blt_refused("3 two\n1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:1: error: field 'header': the first line must be 'CANDIDATES SEATS' (two whole numbers, at "
                "least 1 candidate) [blt-format]");
    blt_refused("\n\n0 1\n", "t.blt:3: error: field 'header': the first line must be 'CANDIDATES SEATS' (two whole "
                             "numbers, at least 1 candidate) [blt-format]");
    blt_refused("", "t.blt: error: the file is empty [empty-file]");
    blt_refused("3 1\n2 1 4 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'preference': candidate 4 does not exist: the file has 3 candidates "
                "[unknown-candidate]");
    blt_refused("3 1\n1 1 0\n2 2 1 2 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:3: error: field 'preference': candidate 2 is ranked twice on the same ballot [repeated-rank]");
    blt_refused("3 1\n2 1 2\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'preference': a ballot line ends with 0 after its preferences (truncated "
                "line?) [blt-format]");
    blt_refused("3 1\n2 1 2 0\n1 3 0\n",
                "t.blt:3: error: the ballots do not end with a line '0': the file is truncated [blt-format]");
    blt_refused("3 1\n2 1 2 0\n0\n\"A\" \"B\"\n",
                "t.blt:4: error: field 'name': 3 candidates but 2 names after the ballots: the file is truncated "
                "[blt-format]");
    blt_refused("3 1\n2 1 2 0\n-2\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:3: error: field 'withdrawn': withdrawn candidates (negative numbers) are listed right after "
                "the first line, before any ballot [blt-format]");
    blt_refused("3 1\n-4\n2 1 2 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'withdrawn': withdrawn candidate 4: there are only 3 candidates [blt-format]");
    blt_refused("3 1\n2 1 0\n0 1 2 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:3: error: field 'weight': weight '0' is zero: a ballot's weight is a whole number of at least 1 "
                "[positive-weight]");
    blt_refused("3 1\n2 1 0\n-3 1 2 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:3: error: field 'weight': weight '-3' is negative: a ballot's weight is a whole number of at "
                "least 1 [positive-weight]");
    blt_refused("3 1\n1000000000001 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'weight': weight '1000000000001' is too large: a ballot's weight is at most "
                "1000000000000 [count-bound]");
    /* 6 x 10^11 twice passes the 10^12 a file may hold, on the second line */
    blt_refused("3 1\n600000000000 1 0\n600000000000 2 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:3: error: field 'weight': with this line the ballots' weights add up to more than "
                "1000000000000, the most one file may hold [count-bound]");
    blt_refused("3 1\nx 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'weight': a ballot line starts with its weight (a whole number), then "
                "preferences, then 0 [blt-format]");
    blt_refused("3 1\n1 99999999999999999 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
                "t.blt:2: error: field 'preference': a candidate number beyond 10^15 does not exist: the file has 3 "
                "candidates [unknown-candidate]");
    blt_refused("3 1\n1 1 0\n0\n\"A\" \"B\" \"C\" \"T\n",
                "t.blt:4: error: field 'name': a quote is left open [blt-format]");

    /* every error of a file is reported, each with its own line */
    urne_ballots b;
    urne_diags d;
    assert_int_equal(parse_blt("3 1\n2 1 5 0\n1 1 1 0\n0\n\"A\" \"B\" \"C\" \"T\"\n", &b, &d), -1);
    assert_int_equal(d.errors, 2);
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].rule, "unknown-candidate");
    assert_int_equal(d.items[1].line, 3);
    assert_string_equal(d.items[1].rule, "repeated-rank");
    urne_diags_free(&d);
}

/* Two sets of ballots are the same, ranking for ranking, in the same order. */
static void assert_same_ballots(const urne_ballots *a, const urne_ballots *b) {
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->total, b->total);
    for (size_t k = 0; k < a->n; k++) {
        assert_int_equal(a->weight[k], b->weight[k]);
        assert_int_equal(a->len[k], b->len[k]);
        assert_memory_equal(a->prefs + a->start[k], b->prefs + b->start[k], a->len[k] * sizeof *a->prefs);
        assert_memory_equal(a->tied + a->start[k], b->tied + b->start[k], a->len[k]);
    }
}

/* blt.c reads plain ballot lines ("W c c 0") on a path of their own, and every other
 * line as before: the same ballots written plainly and in the forms only the general
 * reader takes (blanks before and inside, tabs, a comment, CRLF, a withdrawn
 * candidate, a 12-digit weight, the last line read by both) must give the same
 * rankings, with the same weights, in the same order: A B of weight 2 + 2 + 999,999,999,990,
 * C, B (candidate 3 withdrawn: "1 3 0" is the empty ballot, "4 2 3 0" is B). */
static void test_blt_plain_and_general(void **state) {
    (void)state;
    urne_ballots plain, general;
    urne_diags d1, d2;
    const char *names = "0\n\"Ann\" \"Bob\" \"Cat\" \"T\"\n";
    char t1[300], t2[300];
    snprintf(t1, sizeof t1, "3 1\n-3\n2 1 2 0\n1 3 0\n2 1 2 0\n4 2 3 0\n999999999990 1 2 0\n%s", names);
    snprintf(t2, sizeof t2, "3 1\n-3\n  2 1\t2 0 # again\n1 3 0 \r\n2 1  2\t 0\n4 2 3 0\t\n999999999990 1 2 0 #\n%s",
             names);
    assert_int_equal(parse_blt(t1, &plain, &d1), 0);
    assert_int_equal(parse_blt(t2, &general, &d2), 0);
    assert_int_equal(plain.n, 3);
    assert_int_equal(weight_of(&plain, "AB"), 999999999994);
    assert_int_equal(weight_of(&plain, ""), 1);
    assert_int_equal(weight_of(&plain, "B"), 4);
    assert_same_ballots(&plain, &general);
    urne_ballots_free(&plain), urne_ballots_free(&general);
    urne_diags_free(&d1), urne_diags_free(&d2);
}

/* ---- PrefLib ---- */

/* Three alternatives; counts are voters: 5 + 2 + 1 = 8; {1,2} ties A and B; the
 * third name is not given, so it is "Alternative 3" (preflib.c); a '#' line among
 * the data is skipped. */
static void test_preflib_small(void **state) {
    (void)state;
    urne_ballots b;
    urne_diags d;
    assert_int_equal(parse_preflib("# FILE NAME: t.soi\n"
                                   "# NUMBER ALTERNATIVES: 3\n"
                                   "# ALTERNATIVE NAME 1: Alice\n"
                                   "# ALTERNATIVE NAME 2: Bruno\n"
                                   "5: 1,2,3\n"
                                   "# a comment\n"
                                   "2: 3,{1,2}\n"
                                   "1: 2\n",
                                   &b, &d),
                     0);
    assert_int_equal(b.ncand, 3);
    assert_int_equal(b.n, 3);
    assert_int_equal(b.total, 8);
    assert_int_equal(weight_of(&b, "ABC"), 5);
    assert_int_equal(weight_of(&b, "CA=B"), 2);
    assert_int_equal(weight_of(&b, "B"), 1);
    assert_string_equal(b.names[0], "Alice");
    assert_string_equal(b.names[1], "Bruno");
    assert_string_equal(b.names[2], "Alternative 3");
    urne_ballots_free(&b);
    urne_diags_free(&d);

    /* Categorical: the first category is ranked (its members tied), the last left
     * unranked: "3: {1,3},{2}" approves A and C. */
    assert_int_equal(parse_preflib("# NUMBER ALTERNATIVES: 3\n# NUMBER CATEGORIES: 2\n3: {1,3},{2}\n4: {2},{1,3}\n",
                                   &b, &d),
                     0);
    assert_int_equal(b.total, 7);
    assert_int_equal(weight_of(&b, "A=C"), 3);
    assert_int_equal(weight_of(&b, "B"), 4);
    urne_ballots_free(&b);
    urne_diags_free(&d);
}

/* preflib.c reads plain data lines ("N: a,b,c") on a path of their own: the same
 * orders written plainly and in forms only the general reader takes (a group of one
 * in braces, a comment line, CRLF, blanks after the colon) give the same rankings in
 * the same order: A B C of weight 5 + 1, C A of weight 2. */
static void test_preflib_plain_and_general(void **state) {
    (void)state;
    urne_ballots plain, general;
    urne_diags d1, d2;
    assert_int_equal(parse_preflib("# NUMBER ALTERNATIVES: 3\n5: 1,2,3\n2: 3,1\n1: 1,2,3\n", &plain, &d1), 0);
    assert_int_equal(parse_preflib("# NUMBER ALTERNATIVES: 3\n5: {1},2,3\n# between\n2:  3, 1\r\n1: 1,{2},3", &general,
                                   &d2),
                     0);
    assert_int_equal(plain.n, 2);
    assert_int_equal(weight_of(&plain, "ABC"), 6);
    assert_int_equal(weight_of(&plain, "CA"), 2);
    assert_same_ballots(&plain, &general);
    urne_ballots_free(&plain), urne_ballots_free(&general);
    urne_diags_free(&d1), urne_diags_free(&d2);
}

/* Room reserved (urne_ballots_reserve) changes no ballot: 3,000 rankings of 6
 * candidates, each added twice (the second time merged), with and without a reserve
 * far beyond them and one below them, give the same rankings in the same order. */
static void test_ballots_reserve(void **state) {
    (void)state;
    urne_ballots b[3];
    for (int v = 0; v < 3; v++) {
        assert_int_equal(urne_ballots_init(&b[v], 6, NULL), 0);
        if (v == 1) assert_int_equal(urne_ballots_reserve(&b[v], 1000000, 3000000), 0);
        if (v == 2) assert_int_equal(urne_ballots_reserve(&b[v], 100, 50), 0);
        for (int round = 0; round < 2; round++)
            for (uint32_t r = 0; r < 3000; r++) {
                uint16_t prefs[6] = {0, 1, 2, 3, 4, 5};
                uint32_t x = r;
                for (int i = 5; i > 0; i--) { /* the r-th permutation, by its digits in factorial base */
                    int j = (int)(x % (uint32_t)(i + 1));
                    x /= (uint32_t)(i + 1);
                    uint16_t t = prefs[i];
                    prefs[i] = prefs[j], prefs[j] = t;
                }
                assert_int_equal(urne_ballots_add(&b[v], 1 + round, prefs, NULL, 1 + r % 6), 0);
            }
        assert_int_equal(b[v].total, 3000 * 3);
    }
    assert_same_ballots(&b[0], &b[1]);
    assert_same_ballots(&b[0], &b[2]);
    for (int v = 0; v < 3; v++) urne_ballots_free(&b[v]);
}

/* urne_ballots_add_checked makes what urne_ballots_add makes of valid strict rankings,
 * merged the same, and refuses a weight below 1 (-3) or beyond the bound (-4) the same,
 * leaving the ballots as they were. */
static void test_ballots_add_checked(void **state) {
    (void)state;
    urne_ballots a, c;
    assert_int_equal(urne_ballots_init(&a, 4, NULL), 0);
    assert_int_equal(urne_ballots_init(&c, 4, NULL), 0);
    assert_int_equal(urne_ballots_reserve(&c, 10, 40), 0);
    const uint16_t r1[] = {2, 0, 3}, r2[] = {1}, r3[] = {3, 2, 1, 0};
    const uint16_t *rankings[] = {r1, r2, r3, r1, r3, NULL};
    const size_t lens[] = {3, 1, 4, 3, 4, 0};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(urne_ballots_add(&a, 1 + i, rankings[i], NULL, lens[i]), 0);
        assert_int_equal(urne_ballots_add_checked(&c, 1 + i, rankings[i], lens[i]), 0);
    }
    assert_int_equal(c.n, 4); /* r1 and r3 merged */
    assert_same_ballots(&a, &c);
    assert_int_equal(urne_ballots_add_checked(&c, 0, r1, 3), -3);
    assert_int_equal(urne_ballots_add_checked(&c, URNE_BALLOTS_WEIGHT_MAX, r1, 3), -4);
    assert_same_ballots(&a, &c);
    urne_ballots_free(&a), urne_ballots_free(&c);
}

static void test_preflib_malformed(void **state) {
    (void)state;
    preflib_refused("5: 1,2\n", "t.soc: error: field 'NUMBER ALTERNATIVES': no '# NUMBER ALTERNATIVES: n' header: "
                                "not a PrefLib file (2022 format) [preflib-format]");
    preflib_refused("# NUMBER ALTERNATIVES: 0\n1: 1\n",
                    "t.soc:1: error: field 'NUMBER ALTERNATIVES': the number of alternatives must be a whole number "
                    "from 1 to 4096 [preflib-format]");
    preflib_refused("# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME x: A\n1: 1\n",
                    "t.soc:2: error: field 'ALTERNATIVE NAME': expected '# ALTERNATIVE NAME i: name' with i from 1 "
                    "to 4096 [preflib-format]");
    preflib_refused("# NUMBER ALTERNATIVES: 3\n2: 1,2\n0: 3\n",
                    "t.soc:3: error: field 'count': count '0' is zero: a ballot's count is a whole number of at least "
                    "1 [positive-weight]");
    preflib_refused("# NUMBER ALTERNATIVES: 3\n-4: 1,2\n",
                    "t.soc:2: error: field 'count': count '-4' is negative: a ballot's count is a whole number of at "
                    "least 1 [positive-weight]");
    preflib_refused("# NUMBER ALTERNATIVES: 3\n1: 1,7\n",
                    "t.soc:2: error: field 'alternative': '7' is not an alternative (1 to 3) [unknown-candidate]");
    preflib_refused("# NUMBER ALTERNATIVES: 3\n1: 2,1,2\n",
                    "t.soc:2: error: field 'alternative': alternative 2 is ranked twice [repeated-rank]");
    preflib_refused("# NUMBER ALTERNATIVES: 3\n1: 1,{2,3\n",
                    "t.soc:2: error: field 'alternative': a '{' is left open [preflib-format]");
    preflib_refused("# NUMBER ALTERNATIVES: 3\n4 1,2\n",
                    "t.soc:2: error: field 'count': a data line reads 'count: a,b,{c,d}' with count a whole number "
                    "[preflib-format]");
    preflib_refused("# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n",
                    "t.soc: error: no ballot after the header [empty-file]");
}

/* ---- real files ---- */

/* The 2002 Dáil election in Dublin West as PrefLib publishes it. Its header says 9
 * alternatives, 29,988 voters and 10,335 unique orders; the PROVENANCE of
 * ../shared/data/preflib quotes the official Fianna Fáil first preferences, 10,386,
 * for its two candidates (Deirdre Doherty Ryan, Brian Lenihan: alternatives 3 and 5). */
static void test_preflib_dublin_west(void **state) {
    (void)state;
    const char *path = URNE_DATA_DIR "/preflib/00001-irish/00001-00000002.soi";
    size_t len;
    char *buf = test_read(path, &len);
    urne_ballots b;
    urne_diags d;
    urne_diags_init(&d, path);
    assert_int_equal(urne_io_parse_preflib(buf, len, URNE_ENC_AUTO, &b, &d), 0);
    assert_int_equal(b.ncand, 9);
    assert_int_equal(b.total, 29988);
    assert_int_equal(b.n, 10335);
    assert_string_equal(b.names[1], "Joan Burton Lab");
    int64_t ff = 0;
    for (size_t k = 0; k < b.n; k++)
        if (b.len[k] > 0 && (b.prefs[b.start[k]] == 2 || b.prefs[b.start[k]] == 4)) ff += b.weight[k];
    assert_int_equal(ff, 10386);
    urne_ballots_free(&b);
    urne_diags_free(&d);
    free(buf);
}

/* First preferences per candidate. */
static void first_preferences(const urne_ballots *b, int64_t *fp) {
    memset(fp, 0, b->ncand * sizeof *fp);
    for (size_t k = 0; k < b->n; k++)
        if (b->len[k] > 0) fp[b->prefs[b->start[k]]] += b->weight[k];
}

/* Anderston/City ward, Glasgow 2007, as a BLT file (droop's test data) and as PrefLib
 * 00008-00000001.soi: the same ballots from two sources through two readers. The
 * PrefLib header says 6,900 voters and 2,031 unique orders; the BLT file has 2,043
 * non-blank lines: the header, 2,031 ballot lines, "0", 9 names and the title. The
 * ward elected 4 (its first line, "9 4"). */
static void test_blt_anderston(void **state) {
    (void)state;
    size_t len;
    char *buf = test_read(URNE_DATA_DIR "/glasgow2007_stv_blt/Anderston-City-2007.blt", &len);
    urne_ballots blt, pl;
    urne_diags d;
    urne_diags_init(&d, "Anderston-City-2007.blt");
    assert_int_equal(urne_io_parse_blt(buf, len, URNE_ENC_AUTO, &blt, &d), 0);
    free(buf);
    assert_int_equal(blt.ncand, 9);
    assert_int_equal(blt.seats, 4);
    assert_int_equal(blt.total, 6900);
    assert_int_equal(blt.n, 2031);
    assert_string_equal(blt.names[0], "Nina Baker");
    assert_string_equal(blt.names[8], "Peter Murray");
    assert_string_equal(blt.title, "ANDERSTON-CITY");
    urne_diags_free(&d);

    buf = test_read(URNE_DATA_DIR "/preflib/00008-glasgow/00008-00000001.soi", &len);
    urne_diags_init(&d, "00008-00000001.soi");
    assert_int_equal(urne_io_parse_preflib(buf, len, URNE_ENC_AUTO, &pl, &d), 0);
    free(buf);
    assert_int_equal(pl.ncand, 9);
    assert_int_equal(pl.total, 6900);
    assert_int_equal(pl.n, 2031);
    int64_t a[9], c[9];
    first_preferences(&blt, a);
    first_preferences(&pl, c);
    for (size_t i = 0; i < 9; i++) assert_int_equal(a[i], c[i]);
    urne_ballots_free(&blt);
    urne_ballots_free(&pl);
    urne_diags_free(&d);
}

/* ---- the count writers ---- */

/* A, B, C; 4 voters A, 3 B, 2 "C then B"; one seat, Scottish STV. By hand: 9 valid
 * ballots, quota floor(9 / 2) + 1 = 5. Stage 1: A 4, B 3, C 2, no one at the quota,
 * C has fewest and is excluded. Stage 2: C's 2 papers go to B at full value: B 5,
 * elected at the quota; nothing is non-transferable. Values at 5 decimals. */
static const char *const ABC_BLT = "3 1\n4 1 0\n3 2 0\n2 3 2 0\n0\n\"A\" \"B\" \"C\" \"Three\"\n";

static char *write_to_string(int (*write)(FILE *, const urne_ballots *, const urne_count_result *, size_t),
                             const urne_ballots *b, const urne_count_result *r, size_t seats) {
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    assert_int_equal(write(f, b, r, seats), 0);
    assert_int_equal(fclose(f), 0);
    return text;
}

static void count_abc(urne_ballots *b, urne_count_result *r) {
    urne_diags d;
    assert_int_equal(parse_blt(ABC_BLT, b, &d), 0);
    assert_int_equal(urne_count_stv_scottish(b, b->seats, 1, r, &d), 0);
    urne_diags_free(&d);
}

/* The JSON read back (by jansson, not by urne) gives the ballots the reader read and
 * the count derived above. */
static void test_count_json_round_trip(void **state) {
    (void)state;
    urne_ballots b;
    urne_count_result r;
    count_abc(&b, &r);
    char *text = write_to_string(urne_io_write_count_json, &b, &r, 1);
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "title")), "Three");
    assert_int_equal(json_integer_value(json_object_get(root, "ballots")), 9);
    assert_int_equal(json_integer_value(json_object_get(root, "distinct_ballots")), 3);
    assert_int_equal(json_integer_value(json_object_get(root, "seats")), 1);
    json_t *cands = json_object_get(root, "candidates");
    assert_int_equal(json_array_size(cands), 3);
    for (size_t i = 0; i < 3; i++) assert_string_equal(json_string_value(json_array_get(cands, i)), b.names[i]);
    assert_string_equal(json_string_value(json_object_get(root, "quota")), "5.00000");
    json_t *winners = json_object_get(root, "winners");
    assert_int_equal(json_array_size(winners), 1);
    assert_string_equal(json_string_value(json_array_get(winners, 0)), "B");
    json_t *rounds = json_object_get(root, "rounds");
    assert_int_equal(json_array_size(rounds), 2);
    json_t *first = json_array_get(rounds, 0), *second = json_array_get(rounds, 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(first, "votes"), "A")), "4.00000");
    assert_string_equal(json_string_value(json_object_get(json_object_get(first, "votes"), "C")), "2.00000");
    assert_string_equal(json_string_value(json_object_get(second, "action")), "exclusion");
    assert_string_equal(json_string_value(json_object_get(json_object_get(second, "votes"), "B")), "5.00000");
    assert_string_equal(json_string_value(json_object_get(json_object_get(second, "votes"), "C")), "0.00000");
    assert_string_equal(json_string_value(json_object_get(json_object_get(second, "state"), "B")), "elected");
    assert_string_equal(json_string_value(json_object_get(json_object_get(second, "state"), "C")), "excluded");
    assert_string_equal(json_string_value(json_object_get(second, "nontransferable")), "0.00000");
    json_decref(root);
    free(text);
    urne_count_result_free(&r);
    urne_ballots_free(&b);
}

/* The table for people: the title, the header line with the figures above, a row per
 * candidate and stage, the winner. */
static void test_count_table(void **state) {
    (void)state;
    urne_ballots b;
    urne_count_result r;
    count_abc(&b, &r);
    char *text = write_to_string(urne_io_write_count_table, &b, &r, 1);
    assert_true(strncmp(text, "Three\n", 6) == 0);
    assert_non_null(strstr(text, "3 candidates, 9 ballots, 1 seat, quota 5.00000\n"));
    assert_non_null(strstr(text, "Stage 1 — first preferences."));
    assert_non_null(strstr(text, "Stage 2 — exclusion."));
    assert_non_null(strstr(text, "5.00000  elected\n"));
    assert_non_null(strstr(text, "\nWinner: B\n"));
    assert_null(strstr(text, "Stage 3"));
    free(text);
    urne_count_result_free(&r);
    urne_ballots_free(&b);
}

/* ---- the results writers ---- */

static size_t level_named(const urne_round *r, const char *name) {
    for (size_t l = 0; l < r->nlevels; l++)
        if (strcmp(r->levels[l], name) == 0) return l;
    fail_msg("no level %s", name);
    return 0;
}

static int64_t voix_of(const urne_unit *u, const char *surname) {
    for (size_t j = 0; j < u->nlines; j++)
        if (strstr(u->lines[j].name, surname)) return u->lines[j].voix;
    fail_msg("no candidate %s", surname);
    return -1;
}

/* The Rhône's 1,287 bureaux of the 2017 presidential round 1 (the Ministry's file),
 * written back per bureau in the Ministry's layout, read again by urne, summed to the
 * département: the figures the Conseil constitutionnel published for the Rhône
 * (../shared/data/fr_pres2017_departements_official/France2017D.csv, row RHONE):
 * abstention 249,073, blancs and nuls 18,019, Macron 236,137, Le Pen 144,476, Fillon
 * 205,781, Mélenchon 175,051. The JSON writer's figures for the département are the
 * same ones. */
static void test_results_csv_round_trip(void **state) {
    (void)state;
    size_t len;
    char *buf = test_read(URNE_DATA_DIR "/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt", &len);
    urne_diags d;
    urne_diags_init(&d, "PR17_BVot_T1_dept69.txt");
    urne_round *r = urne_io_results_parse(buf, len, URNE_FMT_AUTO, URNE_ENC_AUTO, &d);
    free(buf);
    assert_non_null(r);
    urne_rules rules;
    assert_int_equal(urne_rules_preset("presidential", &rules), 0);
    urne_outcome *outcomes = NULL;
    assert_int_equal(urne_results_decide(r, &rules, &outcomes, &d), 0);
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, level_named(r, "bureau"), &t), 0);
    assert_int_equal(t.nunits, 1287);
    urne_report rep = {r, &rules, &t, outcomes, NULL, "PR17_BVot_T1_dept69.txt"};
    char *csv = NULL;
    size_t csv_len = 0;
    FILE *f = open_memstream(&csv, &csv_len);
    assert_non_null(f);
    assert_int_equal(urne_io_write_ministry_csv(f, &rep), 0);
    assert_int_equal(fclose(f), 0);
    urne_tally_free(&t);

    urne_diags back_d;
    urne_diags_init(&back_d, "written.csv");
    urne_round *back = urne_io_results_parse(csv, csv_len, URNE_FMT_AUTO, URNE_ENC_AUTO, &back_d);
    assert_non_null(back);
    assert_int_equal(back_d.errors, 0);
    assert_int_equal(back->nsheets, 1287);
    assert_int_equal(urne_results_aggregate(back, level_named(back, "departement"), &t), 0);
    assert_int_equal(t.nunits, 1);
    const urne_unit *u = &t.units[0];
    assert_int_equal(u->inscrits - u->votants, 249073);
    assert_int_equal(u->blancs + u->nuls, 18019);
    assert_int_equal(voix_of(u, "MACRON"), 236137);
    assert_int_equal(voix_of(u, "LE PEN"), 144476);
    assert_int_equal(voix_of(u, "FILLON"), 205781);
    assert_int_equal(voix_of(u, "MÉLENCHON"), 175051);
    urne_tally_free(&t);

    /* the JSON writer on the département, read back by jansson */
    assert_int_equal(urne_results_aggregate(r, level_named(r, "departement"), &t), 0);
    rep.tally = &t;
    char *js = NULL;
    size_t js_len = 0;
    f = open_memstream(&js, &js_len);
    assert_int_equal(urne_io_write_json(f, &rep), 0);
    assert_int_equal(fclose(f), 0);
    json_error_t err;
    json_t *root = json_loads(js, 0, &err);
    assert_non_null(root);
    json_t *units = json_object_get(root, "units");
    assert_int_equal(json_array_size(units), 1);
    json_t *unit = json_array_get(units, 0);
    assert_int_equal(json_integer_value(json_object_get(unit, "abstentions")), 249073);
    assert_int_equal(json_integer_value(json_object_get(unit, "blancs")) +
                         json_integer_value(json_object_get(unit, "nuls")),
                     18019);
    json_t *cands = json_object_get(unit, "candidates");
    int found = 0;
    for (size_t i = 0; i < json_array_size(cands); i++) {
        json_t *c = json_array_get(cands, i);
        if (strstr(json_string_value(json_object_get(c, "name")), "MACRON")) {
            assert_int_equal(json_integer_value(json_object_get(c, "voix")), 236137);
            found = 1;
        }
    }
    assert_true(found);
    json_decref(root);
    free(js);
    urne_tally_free(&t);

    urne_round_free(back);
    urne_diags_free(&back_d);
    free(csv);
    urne_outcomes_free(outcomes, r->ncontests);
    urne_round_free(r);
    urne_diags_free(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blt_small),
        cmocka_unit_test(test_blt_withdrawn),
        cmocka_unit_test(test_blt_dialects),
        cmocka_unit_test(test_blt_bad_options),
        cmocka_unit_test(test_blt_malformed),
        cmocka_unit_test(test_preflib_small),
        cmocka_unit_test(test_blt_plain_and_general),
        cmocka_unit_test(test_preflib_plain_and_general),
        cmocka_unit_test(test_ballots_reserve),
        cmocka_unit_test(test_ballots_add_checked),
        cmocka_unit_test(test_preflib_malformed),
        cmocka_unit_test(test_preflib_dublin_west),
        cmocka_unit_test(test_blt_anderston),
        cmocka_unit_test(test_count_json_round_trip),
        cmocka_unit_test(test_count_table),
        cmocka_unit_test(test_results_csv_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
