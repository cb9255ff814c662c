/*
 * test_initiative_roll: the electoral roll's CSV reader (io/initiative_roll.h):
 * columns found by their names in English or French (accents and case ignored),
 * in any order, ',' or ';'; the territory defaulting to the commune; and every
 * fault an error naming the line, the field and the rule, the roll then empty.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/initiative/calendar.h"
#include "../../src/io/initiative_roll.h"

static int64_t now(void) {
    int64_t t = 0;
    assert_int_equal(urne_initiative_moment_parse("2026-03-01", 10, &t), 0);
    return t;
}

static void test_french_header(void **state) {
    (void)state;
    static const char csv[] = "Commune;Nom;Prénoms;Date de naissance;Territoire;Numéro électeur\n"
                              "# a comment\n"
                              "\n"
                              "Montval;Dupont;Jean-Pierre;04/03/1970;Nord;123\n"
                              "Lille;N'Diaye;Awa;1990-01-02;;\n";
    urne_roll roll;
    urne_diags d;
    urne_diags_init(&d, "liste.csv");
    assert_int_equal(urne_io_parse_roll(csv, sizeof csv - 1, now(), &roll, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(roll.n, 2);
    assert_string_equal(roll.items[0].id.name, "DUPONT");
    assert_string_equal(roll.items[0].id.given, "JEAN PIERRE");
    assert_int_equal(roll.items[0].id.birth.year, 1970);
    assert_int_equal(roll.items[0].id.birth.month, 3);
    assert_string_equal(roll.items[0].territory, "Nord");
    assert_string_equal(roll.items[0].elector, "123");
    assert_int_equal(roll.items[0].line, 4);
    assert_string_equal(roll.items[1].territory, "LILLE"); /* the commune, normalised */
    urne_roll_free(&roll);
    urne_diags_free(&d);
}

/* Parse csv expecting a refusal whose first error is at `line` on `field` for `rule`. */
static void refused(const char *csv, long line, const char *field, const char *rule) {
    urne_roll roll;
    urne_diags d;
    urne_diags_init(&d, "bad.csv");
    assert_int_equal(urne_io_parse_roll(csv, strlen(csv), now(), &roll, &d), -1);
    assert_int_equal(roll.n, 0);
    assert_null(roll.items);
    assert_true(d.count > 0);
    if (d.items[0].line != line || strcmp(d.items[0].field, field) != 0 || strcmp(d.items[0].rule, rule) != 0)
        fail_msg("got line %ld field '%s' rule '%s' (%s)", d.items[0].line, d.items[0].field, d.items[0].rule,
                 d.items[0].message);
    urne_diags_free(&d);
}

static void test_faults(void **state) {
    (void)state;
    refused("", 0, "", "empty-file");
    refused("name,given,birth,commune\n", 0, "", "empty-file");
    refused("name,given,commune\nA,B,C\n", 1, "birth", "header");
    refused("name,given,birth,commune\nDupont,Jean,2090-01-01,Lille\n", 2, "birth", "birth-future");
    refused("name,given,birth,commune\nDupont,Jean,1970-02-30,Lille\n", 2, "birth", "birth-no-such-date");
    refused("name,given,birth,commune\nDupont,Jean,4 mars 1970,Lille\n", 2, "birth", "birth-format");
    refused("name,given,birth,commune\nDupont3,Jean,1970-03-04,Lille\n", 2, "name", "character");
    refused("name,given,birth,commune\nDupont,,1970-03-04,Lille\n", 2, "given", "empty");
    refused("name,given,birth,commune\nDupont,Jean,1970-03-04\n", 2, "", "field-count");
    refused("name,given,birth,commune\n\"Dupont,Jean,1970-03-04,Lille\n", 2, "", "field-count");
    char big[600];
    snprintf(big, sizeof big, "name,given,birth,commune\n%0300d,Jean,1970-03-04,Lille\n", 0);
    refused(big, 2, "name", "too-long");
    /* One bad line among good ones: nothing is returned. */
    refused("name,given,birth,commune\nDupont,Jean,1970-03-04,Lille\nMartin,Paul,1970-13-01,Lille\n", 3, "birth",
            "birth-no-such-date");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_header),
        cmocka_unit_test(test_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
