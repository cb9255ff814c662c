/*
 * test_initiative_identity: names brought to one form (case, every accent of
 * French and the other Latin letters, hyphens, apostrophes, spaces, compound
 * names), what is refused and where, birth dates (a 2090 birth refused), the
 * deduplication key, matching against a small roll (matched, not on the roll, a
 * homonym born another day, ambiguous) and eligibility.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/initiative/identity.h"

#define NOW 1764892800 /* 2025-12-05T00:00:00Z */

static void test_normalise(void **state) {
    (void)state;
    const struct {
        const char *in, *out;
    } cases[] = {
        {"Jean-Pierre", "JEAN PIERRE"},
        {"JEAN PIERRE", "JEAN PIERRE"},
        {"  jean   -  pierre ", "JEAN PIERRE"},
        {"éèêëàâäîïôöùûüçœæÿ", "EEEEAAAIIOOUUUCOEAEY"},
        {"ÉÈÊËÀÂÄÎÏÔÖÙÛÜÇŒÆŸ", "EEEEAAAIIOOUUUCOEAEY"},
        {"E\xCC\x81lodie", "ELODIE"},              /* decomposed: E + combining acute */
        {"N’Diaye", "N DIAYE"},                   /* typographic apostrophe */
        {"N'Diaye", "N DIAYE"},
        {"d\xCA\xBC" "Artagnan", "D ARTAGNAN"},   /* modifier letter apostrophe */
        {"de la Fontaine", "DE LA FONTAINE"},
        {"Marie\xC2\xA0" "Claire", "MARIE CLAIRE"},  /* no-break space */
        {"Łukasz Ščepánek", "LUKASZ SCEPANEK"},
        {"Müller-Straße", "MULLER STRASSE"},
        {"Jean, Paul. Marie", "JEAN PAUL MARIE"},
        {"Ñuñez Øster", "NUNEZ OSTER"},
        /* Latin Extended-B and Additional, once refused as no letters (audit18): Romanian
         * with the comma below, Vietnamese precomposed, Welsh, the capital sharp s */
        {"Ștefănescu Țuțea", "STEFANESCU TUTEA"},
        {"Nguyễn Thị Hoa", "NGUYEN THI HOA"},
        {"Trương Đức Ơn", "TRUONG DUC ON"},
        {"Ǎlvarez ǔ", "ALVAREZ U"},
        {"Gwŵr Ẁyn", "GWWR WYN"},
        {"GROẞ", "GROSS"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[URNE_INITIATIVE_NAME_MAX];
        size_t at = 99;
        urne_initiative_name_status st =
            urne_initiative_name_normalise(cases[i].in, strlen(cases[i].in), out, sizeof out, &at);
        if (st != URNE_INITIATIVE_NAME_OK || strcmp(out, cases[i].out) != 0)
            fail_msg("'%s': status %d '%s', expected '%s'", cases[i].in, st, out, cases[i].out);
    }
    const struct {
        const char *in;
        urne_initiative_name_status st;
        size_t at;
    } bad[] = {
        {"Jean2", URNE_INITIATIVE_NAME_CHARACTER, 4},
        {"Zoé × Paul", URNE_INITIATIVE_NAME_CHARACTER, 5}, /* the multiplication sign of Latin-1 */
        {"Иван", URNE_INITIATIVE_NAME_CHARACTER, 0},
        {"Əliyev", URNE_INITIATIVE_NAME_CHARACTER, 0},     /* Latin Extended-B, but no accented letter */
        {"Anǅo", URNE_INITIATIVE_NAME_CHARACTER, 2},       /* a digraph: refused, not guessed */
        {"ab\xC3" "(", URNE_INITIATIVE_NAME_UTF8, 2},
        {"ab\xC3", URNE_INITIATIVE_NAME_UTF8, 2},          /* cut in the middle of a letter */
        {"\xC0\x80", URNE_INITIATIVE_NAME_UTF8, 0},        /* overlong NUL */
        {" - ' ", URNE_INITIATIVE_NAME_EMPTY, 0},
        {"", URNE_INITIATIVE_NAME_EMPTY, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[URNE_INITIATIVE_NAME_MAX];
        size_t at = 99;
        urne_initiative_name_status st = urne_initiative_name_normalise(bad[i].in, strlen(bad[i].in), out, sizeof out, &at);
        if (st != bad[i].st || at != bad[i].at)
            fail_msg("'%s': status %d at %zu, expected %d at %zu", bad[i].in, st, at, bad[i].st, bad[i].at);
        assert_string_equal(out, "");
    }
    /* Too long: a buffer exactly as long as the form fits; one byte less does not. */
    char small[12];
    size_t at;
    assert_int_equal(urne_initiative_name_normalise("Jean-Pierre", 11, small, 12, &at), URNE_INITIATIVE_NAME_OK);
    assert_int_equal(urne_initiative_name_normalise("Jean-Pierre", 11, small, 11, &at), URNE_INITIATIVE_NAME_TOO_LONG);
    char place[16];
    assert_int_equal(urne_initiative_place_normalise("2a004", 5, place, sizeof place, &at), URNE_INITIATIVE_NAME_OK);
    assert_string_equal(place, "2A004");
    assert_int_equal(urne_initiative_name_normalise("2a004", 5, place, sizeof place, &at),
                     URNE_INITIATIVE_NAME_CHARACTER);
    assert_int_equal(urne_initiative_name_normalise("Œdipe", strlen("Œdipe"), small, 6, &at),
                     URNE_INITIATIVE_NAME_TOO_LONG); /* OEDIPE needs 7 bytes */
}

static void test_compare(void **state) {
    (void)state;
    assert_true(urne_initiative_name_same("DE LA FONTAINE", "DELAFONTAINE"));
    assert_true(urne_initiative_name_same("N DIAYE", "NDIAYE"));
    assert_false(urne_initiative_name_same("MARTIN", "MARTINE"));
    assert_false(urne_initiative_name_same("MARTIN", "MARTI"));
    assert_true(urne_initiative_given_fits("JEAN PIERRE", "JEAN PIERRE MARIE"));
    assert_true(urne_initiative_given_fits("JEAN", "JEAN PIERRE"));
    assert_true(urne_initiative_given_fits("JEAN", "JEAN"));
    assert_false(urne_initiative_given_fits("JEAN", "JEANNE"));
    assert_false(urne_initiative_given_fits("PIERRE", "JEAN PIERRE")); /* not the first */
    assert_false(urne_initiative_given_fits("JEAN PIERRE MARIE", "JEAN PIERRE"));
    assert_false(urne_initiative_given_fits("", "JEAN"));
}

typedef struct {
    const char *name, *given, *birth, *commune;
    const char *field, *rule; /* NULL: accepted */
} identity_case;

static void test_identity(void **state) {
    (void)state;
    const identity_case cases[] = {
        {"Dupont", "Jean-Pierre", "1980-05-01", "Paris", NULL, NULL},
        {"Dupont", "Jean-Pierre", "01/05/1980", "75056", NULL, NULL},
        {"Dupont", "Jean", "2025-12-05", "Paris", NULL, NULL}, /* born today */
        {"Dupont", "Jean", "1894-12-06", "Paris", NULL, NULL}, /* 130, 131 tomorrow */
        {"Dupont", "Jean", "2090-01-01", "Paris", "birth", URNE_INITIATIVE_ID_BIRTH_FUTURE},
        {"Dupont", "Jean", "2025-12-06", "Paris", "birth", URNE_INITIATIVE_ID_BIRTH_FUTURE}, /* tomorrow */
        {"Dupont", "Jean", "1894-12-05", "Paris", "birth", URNE_INITIATIVE_ID_BIRTH_PAST}, /* 131 today */
        {"Dupont", "Jean", "2001-02-29", "Paris", "birth", URNE_INITIATIVE_ID_BIRTH_DATE},
        {"Dupont", "Jean", "1990/01/01", "Paris", "birth", URNE_INITIATIVE_ID_BIRTH_FORMAT},
        {"Dupont", "Jean", "", "Paris", "birth", URNE_INITIATIVE_ID_BIRTH_FORMAT},
        {"", "Jean", "1980-05-01", "Paris", "name", URNE_INITIATIVE_ID_EMPTY},
        {NULL, "Jean", "1980-05-01", "Paris", "name", URNE_INITIATIVE_ID_EMPTY},
        {"Dupont", "J3an", "1980-05-01", "Paris", "given", URNE_INITIATIVE_ID_CHARACTER},
        {"Dupont", "Jean", "1980-05-01", "\xFF", "commune", URNE_INITIATIVE_ID_UTF8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const identity_case *c = &cases[i];
        urne_initiative_identity id;
        urne_initiative_identity_fault f;
        int rc = urne_initiative_identity_make(c->name, c->given, c->birth, c->commune, NOW, &id, &f);
        if (c->rule == NULL) {
            if (rc != 0) fail_msg("case %zu: refused %s/%s", i, f.field, f.rule);
            continue;
        }
        if (rc == 0) fail_msg("case %zu: accepted, expected %s", i, c->rule);
        if (strcmp(f.field, c->field) != 0 || strcmp(f.rule, c->rule) != 0)
            fail_msg("case %zu: %s/%s, expected %s/%s", i, f.field, f.rule, c->field, c->rule);
        assert_non_null(f.why.fmt);
    }
    /* The phrase carries the date given, for the message. */
    urne_initiative_identity id;
    urne_initiative_identity_fault f;
    assert_int_equal(urne_initiative_identity_make("A", "B", "2090-01-01", "C", NOW, &id, &f), -1);
    char text[200];
    urne_phrase_write(&f.why, NULL, NULL, text, sizeof text);
    assert_string_equal(text, "the birth date '2090-01-01' is after today");
    /* A refused character: named, with its place among the characters, not the bytes. */
    assert_int_equal(urne_initiative_identity_make("A", "Zoé Pa\u0443l", "1980-05-01", "C", NOW, &id, &f), -1);
    assert_int_equal(f.nth, 7);
    assert_int_equal(f.at, 7); /* the offset 7 (é is two bytes), the 7th character */
    assert_string_equal(f.what, "\u0443 (U+0443)");
    urne_phrase_write(&f.why, NULL, NULL, text, sizeof text);
    assert_string_equal(text, "its character 7, \u0443 (U+0443), is not a letter a name may hold");
    assert_int_equal(urne_initiative_identity_make("A", "B\x01", "1980-05-01", "C", NOW, &id, &f), -1);
    assert_string_equal(f.what, "U+0001"); /* a control character: its code point alone */
    assert_int_equal(urne_initiative_identity_make("A", "B\xF0\x9F\x98\x80", "1980-05-01", "C", NOW, &id, &f), -1);
    assert_int_equal(f.nth, 2);
    assert_string_equal(f.what, "\xF0\x9F\x98\x80 (U+1F600)");
}

static urne_initiative_identity make(const char *name, const char *given, const char *birth, const char *commune) {
    urne_initiative_identity id;
    urne_initiative_identity_fault f;
    if (urne_initiative_identity_make(name, given, birth, commune, NOW, &id, &f) != 0)
        fail_msg("%s %s: %s/%s", given, name, f.field, f.rule);
    return id;
}

static void test_key(void **state) {
    (void)state;
    char a[URNE_INITIATIVE_KEY_MAX], b[URNE_INITIATIVE_KEY_MAX];
    urne_initiative_identity x = make("de la Fontaine", "Jean-Pierre", "01/05/1980", "Château-Thierry");
    urne_initiative_identity y = make("DELAFONTAINE", "JEAN PIERRE", "1980-05-01", "CHATEAU THIERRY");
    size_t n = urne_initiative_identity_key(&x, a, sizeof a);
    assert_string_equal(a, "DELAFONTAINE|JEAN PIERRE|1980-05-01|CHATEAU THIERRY");
    assert_int_equal(n, strlen(a));
    urne_initiative_identity_key(&y, b, sizeof b);
    assert_string_equal(a, b);
    urne_initiative_identity z = make("de la Fontaine", "Jean-Pierre", "1905-01-09", "2A004");
    urne_initiative_identity_key(&z, b, sizeof b);
    assert_string_equal(b, "DELAFONTAINE|JEAN PIERRE|1905-01-09|2A004");
}

static void test_match(void **state) {
    (void)state;
    const urne_initiative_identity roll[] = {
        make("DUPONT", "JEAN PIERRE MARIE", "1980-05-01", "PARIS"), /* 0 */
        make("DUPONT", "MARIE", "1985-01-01", "PARIS"),             /* 1 */
        make("MARTIN", "PAUL", "1970-01-01", "LYON"),               /* 2 */
        make("MARTIN", "PAUL", "1999-09-09", "LYON"),               /* 3 */
        make("LEROY", "JEAN LUC", "2000-01-01", "NANTES"),          /* 4: twins */
        make("LEROY", "JEAN MARC", "2000-01-01", "NANTES"),         /* 5 */
        make("N DIAYE", "AWA", "1990-03-03", "LILLE"),              /* 6 */
    };
    const size_t n = sizeof roll / sizeof roll[0];
    const struct {
        urne_initiative_identity signer;
        urne_initiative_match_code code;
        size_t index, count;
    } cases[] = {
        {make("Dupont", "Jean-Pierre", "01/05/1980", "Paris"), URNE_INITIATIVE_MATCHED, 0, 1},
        {make("dupont", "jean", "1980-05-01", "paris"), URNE_INITIATIVE_MATCHED, 0, 1},
        {make("Dupont", "Jean-Pierre", "1981-05-01", "Paris"), URNE_INITIATIVE_HOMONYM, 0, 1},
        {make("Martin", "Paul", "1980-01-01", "Lyon"), URNE_INITIATIVE_HOMONYM, 0, 2},
        {make("Martin", "Paul", "1999-09-09", "Lyon"), URNE_INITIATIVE_MATCHED, 3, 1},
        {make("Leroy", "Jean", "2000-01-01", "Nantes"), URNE_INITIATIVE_AMBIGUOUS, 0, 2},
        {make("Leroy", "Jean-Luc", "2000-01-01", "Nantes"), URNE_INITIATIVE_MATCHED, 4, 1},
        {make("NDiaye", "Awa", "1990-03-03", "Lille"), URNE_INITIATIVE_MATCHED, 6, 1},
        {make("N’Diaye", "Awa", "1990-03-03", "Lille"), URNE_INITIATIVE_MATCHED, 6, 1},
        {make("Durand", "Zoé", "1990-03-03", "Lille"), URNE_INITIATIVE_NOT_ON_ROLL, 0, 0},
        {make("Dupont", "Marie", "1985-01-01", "Lyon"), URNE_INITIATIVE_NOT_ON_ROLL, 0, 0}, /* another commune */
        {make("Dupont", "Pierre", "1980-05-01", "Paris"), URNE_INITIATIVE_NOT_ON_ROLL, 0, 0}, /* second given name */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        urne_initiative_match m = urne_initiative_roll_match(&cases[i].signer, roll, n);
        if (m.code != cases[i].code || m.count != cases[i].count ||
            (m.code == URNE_INITIATIVE_MATCHED && m.index != cases[i].index))
            fail_msg("case %zu: code %d index %zu count %zu, expected %d %zu %zu", i, m.code, m.index, m.count,
                     cases[i].code, cases[i].index, cases[i].count);
        assert_non_null(m.why.fmt);
    }
    /* Every entry a match looks at shares the signer's index key; the others do not. */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ks[URNE_INITIATIVE_KEY_MAX], kr[URNE_INITIATIVE_KEY_MAX];
        urne_initiative_identity_index_key(&cases[i].signer, ks, sizeof ks);
        size_t same = 0;
        for (size_t j = 0; j < n; j++) {
            urne_initiative_identity_index_key(&roll[j], kr, sizeof kr);
            same += strcmp(ks, kr) == 0;
        }
        urne_initiative_match all = urne_initiative_roll_match(&cases[i].signer, roll, n);
        if (all.code != URNE_INITIATIVE_NOT_ON_ROLL && same < all.count)
            fail_msg("case %zu: %zu entries share its index key, the match counted %zu", i, same, all.count);
    }
    char key[URNE_INITIATIVE_KEY_MAX];
    urne_initiative_identity_index_key(&cases[8].signer, key, sizeof key);
    assert_string_equal(key, "NDIAYE|LILLE");
    urne_initiative_match m = urne_initiative_roll_match(&cases[2].signer, roll, n);
    char text[300];
    urne_phrase_write(&m.why, NULL, NULL, text, sizeof text);
    assert_string_equal(text, "JEAN PIERRE DUPONT is on the roll of PARIS with another birth date: check the date given");
    m = urne_initiative_roll_match(&cases[0].signer, NULL, 0);
    assert_int_equal(m.code, URNE_INITIATIVE_NOT_ON_ROLL);
}

static void test_eligible(void **state) {
    (void)state;
    urne_initiative_rules r;
    assert_int_equal(urne_initiative_rules_preset("rip", &r), 0);
    urne_initiative_identity eighteen = make("A", "B", "2007-12-05", "C"); /* 18 on NOW's day */
    urne_initiative_identity almost = make("A", "B", "2007-12-06", "C");   /* 18 tomorrow */
    assert_int_equal(urne_initiative_eligible(&r, &eighteen, NULL, 0, NOW), URNE_INITIATIVE_ELIGIBLE);
    assert_int_equal(urne_initiative_eligible(&r, &almost, NULL, 0, NOW), URNE_INITIATIVE_UNDER_AGE);
    assert_int_equal(urne_initiative_eligible(&r, &almost, NULL, 0, NOW + 86400), URNE_INITIATIVE_ELIGIBLE);
    strcpy(r.roll_territory, "FR");
    assert_int_equal(urne_initiative_eligible(&r, &eighteen, "FR", 0, NOW), URNE_INITIATIVE_ELIGIBLE);
    assert_int_equal(urne_initiative_eligible(&r, &eighteen, "BE", 0, NOW), URNE_INITIATIVE_OTHER_ROLL);
    assert_int_equal(urne_initiative_eligible(&r, &eighteen, NULL, 0, NOW), URNE_INITIATIVE_OTHER_ROLL);
    strcpy(r.organisation, "Attac");
    assert_int_equal(urne_initiative_eligible(&r, &eighteen, "FR", 0, NOW), URNE_INITIATIVE_NOT_MEMBER);
    assert_int_equal(urne_initiative_eligible(&r, &eighteen, "FR", 1, NOW), URNE_INITIATIVE_ELIGIBLE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise), cmocka_unit_test(test_compare), cmocka_unit_test(test_identity),
        cmocka_unit_test(test_key),       cmocka_unit_test(test_match),   cmocka_unit_test(test_eligible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
