/*
 * test_initiative_verdicts: the authority's filled sample read back
 * (src/io/initiative_verdicts.h): the file `urne initiative sample` writes,
 * filled in English or French, with ',' or ';', the columns in any order and a
 * quoted reason holding the separator; each broken file refused whole, its
 * error naming the line, the field and the rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/io/initiative_verdicts.h"

static void test_read(void **state) {
    (void)state;
    static const char text[] =
        "# sample 412 of initiative 1: 3 of 10 valid signatures, drawn with seed 7\n"
        "signature,territory,signed_at,marks,name,given,birth,commune,verdict,reason\n"
        "5,\"Nord\",\"2026-12-06T10:00:00Z\",\"\",\"DUPONT\",\"JEAN\",\"1970-03-04\",\"LILLE\",invalid,\"Signature imitée, voir le PV\"\n"
        "\n"
        "9,\"Nord\",\"2026-12-06T10:00:01Z\",\"\",\"NDIAYE\",\"AWA\",\"1990-01-02\",\"LILLE\",valid,\n"
        "# a note of the authority's\n"
        "12,\"Arras\",\"2026-12-06T10:00:02Z\",\"\",\"MARTIN\",\"PAUL\",\"1960-06-01\",\"ARRAS\",valid,\"\"\n";
    urne_diags d;
    urne_diags_init(&d, "echantillon.csv");
    urne_verdicts v;
    assert_int_equal(urne_io_parse_verdicts(text, sizeof text - 1, &v, &d), 0);
    assert_int_equal(v.sample, 412);
    assert_int_equal(v.n, 3);
    assert_int_equal(v.items[0].signature, 5);
    assert_int_equal(v.items[0].valid, 0);
    assert_string_equal(v.items[0].reason, "Signature imitée, voir le PV");
    assert_int_equal(v.items[1].signature, 9);
    assert_int_equal(v.items[1].valid, 1);
    assert_string_equal(v.items[1].reason, "");
    assert_int_equal(v.items[2].signature, 12);
    urne_verdicts_free(&v);
    urne_diags_free(&d);
}

static void test_read_french(void **state) {
    (void)state;
    static const char text[] = "# sample 3\n"
                               "avis;motif;signature\n"
                               "invalide;né après 2008;17\n"
                               "valide;;18\n";
    urne_diags d;
    urne_diags_init(&d, "avis.csv");
    urne_verdicts v;
    assert_int_equal(urne_io_parse_verdicts(text, sizeof text - 1, &v, &d), 0);
    assert_int_equal(v.sample, 3);
    assert_int_equal(v.n, 2);
    assert_int_equal(v.items[0].signature, 17);
    assert_int_equal(v.items[0].valid, 0);
    assert_string_equal(v.items[0].reason, "né après 2008");
    assert_int_equal(v.items[1].valid, 1);
    urne_verdicts_free(&v);
    urne_diags_free(&d);
}

/* text refused: its first error at line, naming field and rule. */
static void refused(const char *text, long line, const char *field, const char *rule) {
    urne_diags d;
    urne_diags_init(&d, "f.csv");
    urne_verdicts v;
    assert_int_equal(urne_io_parse_verdicts(text, strlen(text), &v, &d), -1);
    assert_null(v.items);
    assert_int_equal(v.n, 0);
    assert_true(d.errors > 0);
    assert_int_equal(d.items[0].line, line);
    if (field) assert_string_equal(d.items[0].field, field);
    assert_string_equal(d.items[0].rule, rule);
    urne_diags_free(&d);
}

static void test_refused(void **state) {
    (void)state;
    refused("signature,verdict,reason\n5,valid,\n", 1, "sample", "header");
    refused("# sample x\nsignature,verdict,reason\n5,valid,\n", 1, "sample", "header");
    refused("# sample 0\nsignature,verdict,reason\n5,valid,\n", 1, "sample", "header");
    refused("# sample 4\nsignature,reason\n5,\n", 2, "verdict", "header");
    refused("# sample 4\nsignature,verdict,reason\n5,peut-être,\n", 3, "verdict", "verdict");
    refused("# sample 4\nsignature,verdict,reason\n5,invalid,\n", 3, "reason", "reason");
    refused("# sample 4\nsignature,verdict,reason\n5,valid\n", 3, "reason", "field-count");
    refused("# sample 4\nsignature,verdict,reason\nabc,valid,\n", 3, "signature", "count-format");
    refused("# sample 4\nsignature,verdict,reason\n", 0, NULL, "empty-file");
    refused("# sample 4\n", 0, NULL, "empty-file");
    refused("", 0, NULL, "empty-file");
    /* One bad line among good ones: the whole file refused. */
    refused("# sample 4\nsignature,verdict,reason\n5,valid,\n6,invalid,\n7,valid,\n", 4, "reason", "reason");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read),
        cmocka_unit_test(test_read_french),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
