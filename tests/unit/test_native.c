/* The native CSV a section secretary fills in: the examples, metadata, partial rows,
 * colleges, and the messages its mistakes get. */
#include "helpers.h"

static urne_round *parse(const char *text, urne_diags *d) {
    urne_diags_init(d, "sheets.csv");
    return urne_io_results_parse(text, strlen(text), URNE_FMT_AUTO, URNE_ENC_AUTO, d);
}

static urne_round *parse_file(const char *path) {
    size_t len;
    char *buf = test_read(path, &len);
    urne_diags d;
    urne_diags_init(&d, path);
    urne_round *r = urne_io_results_parse(buf, len, URNE_FMT_AUTO, URNE_ENC_AUTO, &d);
    assert_non_null(r);
    urne_diags_free(&d);
    free(buf);
    return r;
}

static void test_primary_example(void **state) {
    (void)state;
    urne_round *r = parse_file(URNE_SOURCE_DIR "/examples/primary-round2.csv");
    assert_int_equal(r->number, 2);
    assert_string_equal(r->rules_hint, "primary");
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 0, &t), 0);
    const urne_unit *u = &t.units[0];
    assert_int_equal(u->votants, 1473);
    assert_int_equal(u->blancs + u->nuls, 20);
    assert_int_equal(u->lines[0].voix, 611);
    assert_int_equal(u->lines[1].voix, 842);
    urne_tally_free(&t);
    urne_rules rules;
    urne_rules_preset(r->rules_hint, &rules);
    char who[128];
    assert_int_equal(test_decide(r, &rules, who, sizeof who), URNE_OUTCOME_ELECTED);
    assert_string_equal(who, "Marc PEYRON");
    urne_round_free(r);
}

static void test_section_example(void **state) {
    (void)state;
    urne_round *r = parse_file(URNE_SOURCE_DIR "/examples/section-designation.csv");
    assert_int_equal(r->nlevels, 3);
    assert_string_equal(r->levels[2], "section");
    const urne_sheet *s = &r->sheets[0];
    assert_int_equal(s->inscrits, 126);
    assert_int_equal(s->votants, 85);
    assert_int_equal(s->blancs + s->nuls, 1);
    assert_int_equal(s->votes[0], 39);
    assert_int_equal(s->votes[1], 45);
    urne_rules rules;
    urne_rules_preset("party", &rules);
    char who[128];
    assert_int_equal(test_decide(r, &rules, who, sizeof who), URNE_OUTCOME_ELECTED);
    assert_string_equal(who, "Yves LE GALL"); /* 45 of 84 exprimés */
    urne_round_free(r);
}

static void test_federation_partial_and_semicolons(void **state) {
    (void)state;
    urne_round *r = parse_file(URNE_SOURCE_DIR "/examples/federation-designation.csv");
    assert_int_equal(r->nsheets, 6);
    assert_false(r->sheets[5].reported);
    assert_string_equal(r->candidates[1].birth_date, "1964-11-23");
    assert_string_equal(r->sheets[1].key[2], "Rhône/1re/Presqu'île");
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 1, &t), 0);
    assert_int_equal(t.nunits, 3);
    assert_int_equal(t.units[2].sheets_reported, 1);
    assert_int_equal(t.units[2].sheets_expected, 2);
    urne_tally_free(&t);
    urne_round_free(r);
}

static void test_coop_example(void **state) {
    (void)state;
    urne_round *r = parse_file(URNE_SOURCE_DIR "/examples/coop-assembly.csv");
    assert_int_equal(r->ncolleges, 4);
    assert_int_equal(r->colleges[0].weight, 50);
    assert_int_equal(r->sheets[3].college, 3);
    urne_round_free(r);
}

static void test_blank_example(void **state) {
    (void)state;
    urne_round *r = parse_file(URNE_SOURCE_DIR "/examples/blank-majority.csv");
    assert_true(r->blank_recognised_hint);
    urne_rules rules;
    urne_rules_preset(r->rules_hint, &rules);
    rules.blank_recognised = 1;
    char who[128];
    assert_int_equal(test_decide(r, &rules, who, sizeof who), URNE_OUTCOME_VOID);
    urne_round_free(r);
}

static void test_rule_settings(void **state) {
    (void)state;
    urne_diags d;
    urne_round *r = parse("# rules: legislative\n# set: win-inscrits=0\n# set: tie=report\n"
                          "bureau,inscrits,votants,blancs,nuls,A\n1,10,5,0,0,5\n", &d);
    assert_non_null(r);
    assert_int_equal(r->nrule_settings, 2);
    assert_string_equal(r->rule_settings[0], "win-inscrits=0");
    assert_string_equal(r->rule_settings[1], "tie=report");
    urne_round_free(r);
    urne_diags_free(&d);
}

static void test_default_levels_and_quotes(void **state) {
    (void)state;
    urne_diags d;
    urne_round *r = parse("bureau,inscrits,votants,blancs,nuls,\"Dupont, Jean\",Martin\n1,10,9,1,0,5,3\n", &d);
    assert_non_null(r);
    assert_int_equal(r->nlevels, 2);
    assert_string_equal(r->levels[0], "total");
    assert_string_equal(r->candidates[0].name, "Dupont, Jean");
    assert_int_equal(r->sheets[0].exprimes_stated, -1);
    urne_round_free(r);
    urne_diags_free(&d);
}

/* Mistakes a secretary makes, each named by line, field and rule. */
static void test_errors(void **state) {
    (void)state;
    struct { const char *text, *rule, *needle; long line; } cases[] = {
        {"bureau,inscrits,votants,blancs,nuls,A\n1,10,x,0,0,5\n", "count-format", "'x' is not a whole number", 2},
        {"bureau,inscrits,votants,blancs,nuls,A\n1,10,5,0,0,-5\n", "no-negative-count", "negative", 2},
        {"bureau,inscrits,votants,blancs,nuls,A\n1,10,5,0,0\n", "field-count", "5 fields, but the header (line 1) has 6", 2},
        {"bureau,inscrits,votants,blancs,nuls,A\n1,10,5,,0,5\n", "count-format", "is empty while other figures", 2},
        {"bureau,inscrits,votants,nuls,A\n1,10,5,0,5\n", "header", "no 'blancs' column", 1},
        {"# candidate: A\nbureau,inscrits,votants,blancs,nuls,A,B\n1,10,5,0,0,3,2\n", "unknown-candidate",
         "column 'B' is neither", 2},
        {"# candidate: A\n# candidate: C\nbureau,inscrits,votants,blancs,nuls,A\n1,10,5,0,0,5\n", "header",
         "candidate 'C' is declared but has no column", 2},
        {"# round: 3\nbureau,inscrits,votants,blancs,nuls,A\n", "metadata", "round must be 1 or 2", 1},
        {"# rules: plurality\nbureau,inscrits,votants,blancs,nuls,A\n", "metadata", "unknown rules preset", 1},
        {"# candidate: A; born 12/03/1970\nbureau,inscrits,votants,blancs,nuls,A\n", "metadata", "not YYYY-MM-DD", 1},
        {"# college: S; weight 50\nbureau,inscrits,votants,blancs,nuls,A\n1,10,5,0,0,5\n", "header",
         "no 'college' column", 2},
        {"# college: S; weight 50\ncollege,inscrits,votants,blancs,nuls,A\nT,10,5,0,0,5\n", "unknown-college",
         "'T' is not a declared college", 3},
        {"# college: S; weight zero\n", "metadata", "weight N", 1},
        {"bureau,inscrits,votants,blancs,nuls,A\n", "empty-file", "no tally sheet after the header", 0},
        {"# only a comment\n", "empty-file", "no header line", 0},
        {"bureau,inscrits,votants,blancs,nuls,A\n1,10,5,0,0,5\n1,10,5,0,0,5\n", "duplicate-bureau",
         "appears twice: first on line 2", 3},
        {"bureau,inscrits,votants,blancs,nuls,A\n1,4,5,0,0,5\n", "votants-le-inscrits", "voters (5) exceed registered voters (4)", 2},
        {"bureau,inscrits,votants,blancs,nuls,exprimes,A\n1,10,6,0,0,6,5\n", "votants-balance", "but voters = 6", 2},
        {"bureau,inscrits,votants,blancs,nuls,exprimes,A\n1,10,5,0,0,6,5\n", "exprimes-sum", "stated as 6", 2},
        {"bureau,inscrits,votants,blancs,nuls,A\n,10,5,0,0,5\n", "count-format", "the bureau is empty", 2},
        {"# set: rounds=3\nbureau,inscrits,votants,blancs,nuls,A\n", "metadata", "'rounds=3': rounds is 1 or 2", 1},
        {"# set: rounds\nbureau,inscrits,votants,blancs,nuls,A\n", "metadata", "reads '# set: KEY=VALUE'", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        urne_diags d;
        urne_round *r = parse(cases[i].text, &d);
        if (r != NULL) fail_msg("case %zu was accepted", i);
        if (!test_has_diag(&d, cases[i].rule, cases[i].needle)) {
            char buf[600] = "(none)";
            if (d.count) urne_diag_format(&d, &d.items[0], buf, sizeof buf);
            fail_msg("case %zu: expected [%s] '%s', got %s", i, cases[i].rule, cases[i].needle, buf);
        }
        int found_line = 0;
        for (size_t k = 0; k < d.count; k++) found_line |= d.items[k].line == cases[i].line;
        if (!found_line) fail_msg("case %zu: no message on line %ld", i, cases[i].line);
        urne_diags_free(&d);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primary_example),
        cmocka_unit_test(test_section_example),
        cmocka_unit_test(test_federation_partial_and_semicolons),
        cmocka_unit_test(test_coop_example),
        cmocka_unit_test(test_blank_example),
        cmocka_unit_test(test_default_levels_and_quotes),
        cmocka_unit_test(test_rule_settings),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
