/* The real files in ../shared/data, as they are: the Ministry's latin-1 per-bureau file
 * and its UTF-8 extractions, the Conseil constitutionnel's département row, and the
 * 2017 legislative file with the discrepancies it really has. */
#include "helpers.h"

#define RHONE URNE_DATA_DIR "/fr_pres2017_2022_rhone69_bureaux/"
#define LEG URNE_DATA_DIR "/fr_leg2017_t1_circonscriptions/"

static urne_round *load(const char *path, urne_results_format fmt) {
    size_t len;
    char *buf = test_read(path, &len);
    urne_diags d;
    urne_diags_init(&d, path);
    urne_round *r = urne_io_results_parse(buf, len, fmt, URNE_ENC_AUTO, &d);
    if (r == NULL) {
        char msg[1024];
        urne_diag_format(&d, &d.items[0], msg, sizeof msg);
        fail_msg("%s", msg);
    }
    assert_int_equal(d.errors, 0);
    urne_diags_free(&d);
    free(buf);
    return r;
}

static const urne_line *line_named(const urne_unit *u, const char *name) {
    for (size_t j = 0; j < u->nlines; j++)
        if (strcmp(u->lines[j].name, name) == 0) return &u->lines[j];
    fail_msg("no line '%s'", name);
    return NULL;
}

static void assert_rhone_totals(const urne_unit *u) {
    assert_int_equal(u->inscrits, 1155604);
    assert_int_equal(u->votants, 906531);
    assert_int_equal(u->blancs, 13460);
    assert_int_equal(u->nuls, 4559);
    assert_int_equal(u->exprimes, 888512);
    assert_int_equal(line_named(u, "Emmanuel MACRON")->voix, 236137);
}

/* The Conseil constitutionnel's Rhône row (France2017D.csv), column by column. */
static int64_t cc_rhone(const char *column) {
    size_t len;
    char *buf = test_read(URNE_DATA_DIR "/fr_pres2017_departements_official/France2017D.csv", &len);
    urne_lines it;
    urne_span line, head[16], row[16];
    urne_lines_init(&it, buf, len);
    assert_true(urne_lines_next(&it, &line));
    long n = urne_fields_split(line, ',', head, 16);
    int64_t v = -1;
    while (urne_lines_next(&it, &line)) {
        urne_fields_split(line, ',', row, 16);
        if (!urne_span_eq_nocase(row[0], "RHONE")) continue;
        for (long i = 0; i < n; i++)
            if (urne_span_eq_nocase(head[i], column)) assert_int_equal(urne_num_parse_count(row[i].p, row[i].len, &v), URNE_NUM_OK);
    }
    free(buf);
    assert_true(v >= 0);
    return v;
}

static void test_official_latin1_file(void **state) {
    (void)state;
    urne_round *r = load(RHONE "PR17_BVot_T1_dept69.txt", URNE_FMT_AUTO);
    assert_int_equal(r->nsheets, 1287);
    assert_int_equal(r->ncandidates, 11);
    assert_string_equal(r->candidates[8].name, "Jean-Luc M\xC3\x89LENCHON"); /* latin-1 decoded */
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 0, &t), 0);
    assert_int_equal(t.nunits, 1);
    assert_rhone_totals(&t.units[0]);
    /* Exactly the Conseil constitutionnel's Rhône row. */
    const urne_unit *u = &t.units[0];
    assert_int_equal(u->inscrits - u->votants, cc_rhone("ABSTENTION"));
    assert_int_equal(u->blancs + u->nuls, cc_rhone("BLANK_NULL"));
    assert_int_equal(line_named(u, "Marine LE PEN")->voix, cc_rhone("LE_PEN"));
    assert_int_equal(line_named(u, "François FILLON")->voix, cc_rhone("FILLON"));
    assert_int_equal(line_named(u, "Jean-Luc MÉLENCHON")->voix, cc_rhone("MELENCHON"));
    assert_int_equal(line_named(u, "Benoît HAMON")->voix, cc_rhone("HAMON"));
    assert_int_equal(line_named(u, "Nicolas DUPONT-AIGNAN")->voix, cc_rhone("DUPONT.AIGNAN"));
    int64_t others = 0;
    const char *small[] = {"Nathalie ARTHAUD", "Philippe POUTOU", "Jacques CHEMINADE", "Jean LASSALLE",
                           "François ASSELINEAU"};
    for (size_t i = 0; i < 5; i++) others += line_named(u, small[i])->voix;
    assert_int_equal(others, cc_rhone("OTHERS"));
    urne_tally_free(&t);
    /* Levels: 14 circonscriptions, 280 communes, 1,287 bureaux; Lyon straddles. */
    size_t lv[] = {urne_round_level(r, "departement"), urne_round_level(r, "circonscription"),
                   urne_round_level(r, "commune"), urne_round_level(r, "bureau")};
    size_t expect[] = {1, 14, 280, 1287};
    for (int i = 0; i < 4; i++) {
        assert_int_not_equal(lv[i], URNE_NONE);
        assert_int_equal(urne_results_aggregate(r, lv[i], &t), 0);
        assert_int_equal(t.nunits, expect[i]);
        urne_tally_free(&t);
    }
    assert_int_equal(urne_results_nests(r, lv[2], lv[3]), 1);  /* bureaux within communes */
    assert_int_equal(urne_results_nests(r, lv[0], lv[2]), 1);  /* communes within the département */
    assert_int_equal(urne_results_nests(r, lv[1], lv[2]), 0);  /* Lyon, Villeurbanne... straddle */
    urne_rules p;
    urne_rules_preset("presidential", &p);
    urne_outcome *o;
    urne_diags d;
    urne_diags_init(&d, "t");
    assert_int_equal(urne_results_decide(r, &p, &o, &d), 0);
    assert_int_equal(o[0].kind, URNE_OUTCOME_SECOND_ROUND);
    assert_string_equal(r->candidates[o[0].chosen[0]].name, "Emmanuel MACRON");
    assert_string_equal(r->candidates[o[0].chosen[1]].name, "François FILLON");
    urne_outcomes_free(o, r->ncontests);
    urne_diags_free(&d);
    urne_round_free(r);
}

/* The UTF-8 extraction (numbered groups, 3 extra columns) holds the same sheets. */
static void test_utf8_extraction_matches_official(void **state) {
    (void)state;
    urne_round *a = load(RHONE "PR17_BVot_T1_dept69.txt", URNE_FMT_MINISTRY);
    urne_round *b = load(RHONE "2017-pres-t1-commune-rhone-69-bronze.csv", URNE_FMT_AUTO);
    assert_int_equal(a->nsheets, b->nsheets);
    assert_int_equal(a->ncandidates, b->ncandidates);
    for (size_t i = 0; i < a->nsheets; i++) {
        const urne_sheet *x = &a->sheets[i], *y = &b->sheets[i];
        assert_string_equal(x->key[4], y->key[4]);
        assert_int_equal(x->inscrits, y->inscrits);
        assert_int_equal(x->votants, y->votants);
        assert_int_equal(x->blancs, y->blancs);
        assert_int_equal(x->nuls, y->nuls);
        for (size_t j = 0; j < a->ncandidates; j++) assert_int_equal(x->votes[j], y->votes[j]);
    }
    urne_round_free(a);
    urne_round_free(b);
}

/* Round 2 per commune: columns reordered, dot decimals; Conseil constitutionnel row. */
static void test_round2_commune_file(void **state) {
    (void)state;
    urne_round *r = load(RHONE "2017-pres-t2-commune-rhone-69-bronze.csv", URNE_FMT_AUTO);
    assert_int_equal(r->nsheets, 280);
    assert_string_equal(r->levels[r->nlevels - 1], "commune");
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 0, &t), 0);
    const urne_unit *u = &t.units[0];
    assert_int_equal(line_named(u, "Emmanuel MACRON")->voix, cc_rhone("MACRON2"));
    assert_int_equal(line_named(u, "Marine LE PEN")->voix, cc_rhone("LE_PEN2"));
    assert_int_equal(u->blancs + u->nuls, cc_rhone("BLANK_NULL2"));
    assert_int_equal(u->inscrits - u->votants, cc_rhone("ABSTENTION2"));
    urne_tally_free(&t);
    urne_round_free(r);
}

static void test_2022_files(void **state) {
    (void)state;
    urne_round *r = load(RHONE "2022-pres-t1-commune-rhone-69-bronze.csv", URNE_FMT_AUTO);
    assert_int_equal(r->nsheets, 1317);
    assert_int_equal(r->ncandidates, 12);
    urne_round_free(r);
    r = load(RHONE "2022-pres-t2-commune-rhone-69-bronze.csv", URNE_FMT_AUTO);
    assert_int_equal(r->ncandidates, 2);
    urne_round_free(r);
}

/* Exporting every bureau in the Ministry's layout gives back the official file, byte
 * for byte once decoded: every published percentage is reproduced by the exact
 * half-up rounding. */
static void test_ministry_csv_round_trip(void **state) {
    (void)state;
    size_t len;
    char *raw = test_read(RHONE "PR17_BVot_T1_dept69.txt", &len);
    urne_round *r = load(RHONE "PR17_BVot_T1_dept69.txt", URNE_FMT_MINISTRY);
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, urne_round_level(r, "bureau"), &t), 0);
    urne_rules p;
    urne_rules_preset("presidential", &p);
    urne_report rep = {r, &p, &t, NULL, NULL, "x"};
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    assert_int_equal(urne_io_write_ministry_csv(f, &rep), 0);
    fclose(f);
    urne_arena a;
    urne_arena_init(&a);
    urne_diags d;
    urne_diags_init(&d, "t");
    const char *text;
    size_t tlen;
    urne_encoding used;
    assert_int_equal(urne_text_decode(raw, len, URNE_ENC_AUTO, &a, &text, &tlen, &used, &d), 0);
    assert_int_equal(used, URNE_ENC_LATIN1);
    assert_int_equal(outlen, tlen);
    assert_memory_equal(out, text, tlen);
    urne_arena_free(&a);
    urne_diags_free(&d);
    free(out);
    free(raw);
    urne_tally_free(&t);
    urne_round_free(r);
}

static void test_legislative_national_sum_and_discrepancies(void **state) {
    (void)state;
    urne_round *r = load(LEG "Legislatives_2017_Resultats_T1_Circonscription.csv", URNE_FMT_AUTO);
    assert_int_equal(r->ncontests, 577);
    assert_int_equal(r->contest_level, 2);
    urne_tally t;
    assert_int_equal(urne_results_aggregate(r, 0, &t), 0);
    const urne_unit *u = &t.units[0];
    /* The sum of the 577 circonscriptions (the national sheet says 47,571,220 inscrits,
     * 354,201 blancs, 161,454 nuls, 22,654,560 exprimés: the file disagrees with itself). */
    assert_int_equal(u->inscrits, 47571221);
    assert_int_equal(u->votants, 23170215);
    assert_int_equal(u->blancs, 354161);
    assert_int_equal(u->nuls, 161495);
    assert_int_equal(u->exprimes, 22654559);
    assert_int_equal(line_named(u, "REM")->voix, 6390813); /* lines are nuances above circonscriptions */
    assert_null(u->lines[0].candidate == URNE_NONE ? NULL : "merged");
    urne_tally_free(&t);

    /* Against the published per-département sheet: exactly Seine-Maritime differs. */
    size_t len;
    char *buf = test_read(LEG "Legislatives_2017_Resultats_T1_Departement.csv", &len);
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_tally stated, computed;
    assert_int_equal(urne_io_stated_parse(buf, len, URNE_ENC_AUTO, &stated, &d), 0);
    assert_int_equal(stated.nunits, 107);
    assert_int_equal(urne_results_aggregate(r, 1, &computed), 0);
    assert_int_equal(computed.nunits, 107);
    assert_int_equal(urne_results_compare(&computed, &stated, "departement", "Departement.csv", &d), 2);
    assert_true(test_has_diag(&d, URNE_RULE_STATED_TOTAL, "departement 76 (Seine-Maritime): Departement.csv states 8533, "
                                                          "the sum of its parts is 8532 (difference +1)"));
    assert_true(test_has_diag(&d, URNE_RULE_STATED_TOTAL, "states 2142, the sum of its parts is 2143 (difference -1)"));
    assert_string_equal(d.items[0].field, "blancs");
    urne_tally_free(&stated);
    urne_tally_free(&computed);
    urne_diags_free(&d);
    free(buf);

    /* Outcomes: four deputies elected in round 1, one triangular race in the Aube. */
    urne_rules l;
    urne_rules_preset("legislative", &l);
    urne_outcome *o;
    urne_diags_init(&d, "t");
    assert_int_equal(urne_results_decide(r, &l, &o, &d), 0);
    size_t elected = 0, three = 0;
    for (size_t k = 0; k < r->ncontests; k++) {
        elected += o[k].kind == URNE_OUTCOME_ELECTED;
        if (o[k].kind == URNE_OUTCOME_SECOND_ROUND && o[k].nchosen == 3) {
            three++;
            assert_string_equal(r->contests[k].label, "Aube, 1ère circonscription");
        }
    }
    assert_int_equal(elected, 4);
    assert_int_equal(three, 1);
    urne_outcomes_free(o, r->ncontests);
    urne_diags_free(&d);
    urne_round_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_official_latin1_file),
        cmocka_unit_test(test_utf8_extraction_matches_official),
        cmocka_unit_test(test_round2_commune_file),
        cmocka_unit_test(test_2022_files),
        cmocka_unit_test(test_ministry_csv_round_trip),
        cmocka_unit_test(test_legislative_national_sum_and_discrepancies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
