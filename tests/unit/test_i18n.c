/* Diagnostics in the reader's language: English exactly as urne_diag_format writes it,
 * French from po/fr.po with French numbers; the CLI's choice of language. */
#include "helpers.h"

#include "../../src/i18n/i18n.h"

#define NB "\xc2\xa0"      /* U+00A0 no-break space */
#define NNB "\xe2\x80\xaf" /* U+202F narrow no-break space */

/* Every kept diagnostic of d: urne_i18n_diag in English is urne_diag_format. */
static void same_in_english(const urne_diags *d) {
    char a[1024], b[1024];
    for (size_t i = 0; i < d->count; i++) {
        urne_diag_format(d, &d->items[i], a, sizeof a);
        urne_i18n_diag(URNE_LANG_EN, d, &d->items[i], b, sizeof b);
        assert_string_equal(a, b);
    }
}

static void test_diag_languages(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "pv.csv");
    urne_diags_add(&d, URNE_DIAG_ERROR, 3, "votants", "votants-le-inscrits", "%s: votants (%lld) exceed inscrits (%lld)",
                   "bureau 0101", 1155604LL, 90LL);
    urne_diags_add(&d, URNE_DIAG_WARNING, 0, NULL, "partial", "partial: %s of %s %s", "1,234", "1,500", "bureaux");
    urne_diags_add(&d, URNE_DIAG_ERROR, 0, NULL, "readable-file", "cannot open: No such file or directory");
    urne_diags_add(&d, URNE_DIAG_WARNING, 7, "votants", "turnout-outlier",
                   "%s %s: turnout %s%%, against %s%% in the rest of %s %s", "bureau", "0101", "26.58", "71.20",
                   "commune", "Lyon");
    same_in_english(&d);
    char buf[1024];
    urne_i18n_diag(URNE_LANG_FR, &d, &d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "pv.csv:3" NB ": erreur" NB ": champ «" NB "votants" NB "»" NB ": bureau 0101" NB
                             ": les votants (1" NNB "155" NNB "604) sont plus nombreux que les inscrits (90) "
                             "[votants-le-inscrits]");
    /* numbers the engine grouped the English way are grouped again the French way */
    urne_i18n_diag(URNE_LANG_FR, &d, &d.items[1], buf, sizeof buf);
    assert_string_equal(buf, "pv.csv" NB ": avertissement" NB ": résultats partiels" NB ": 1" NNB "234 sur 1" NNB
                             "500 bureaux [partial]");
    urne_i18n_diag(URNE_LANG_FR, &d, &d.items[2], buf, sizeof buf);
    assert_string_equal(buf, "pv.csv" NB ": erreur" NB ": ouverture impossible" NB
                             ": fichier ou répertoire inexistant [readable-file]");
    /* decimals take a comma */
    urne_i18n_diag(URNE_LANG_FR, &d, &d.items[3], buf, sizeof buf);
    assert_non_null(strstr(buf, "participation de 26,58" NB "%, contre 71,20" NB "%"));
    urne_diags_free(&d);
}

static void test_phrase_grouped_strings(void **state) {
    (void)state;
    urne_phrase p;
    char buf[128];
    const urne_phrase_style fr = {NNB, ","};
    urne_phrase_set(&p, "%s|%s|%s|%s|%s", "1,155,604", "-12,345", "1,23", "12,3456", "Lyon, 3e");
    urne_phrase_write(&p, NULL, &fr, buf, sizeof buf);
    assert_string_equal(buf, "1" NNB "155" NNB "604|-12" NNB "345|1,23|12,3456|Lyon, 3e");
    urne_phrase_write(&p, NULL, NULL, buf, sizeof buf); /* no style: as the engine wrote it */
    assert_string_equal(buf, "1,155,604|-12,345|1,23|12,3456|Lyon, 3e");
}

static void test_language_from_environment(void **state) {
    (void)state;
    assert_int_equal(urne_i18n_from_env("fr", "en_US.UTF-8", NULL, NULL), URNE_LANG_FR);
    assert_int_equal(urne_i18n_from_env("de:fr_FR", NULL, NULL, "en_US.UTF-8"), URNE_LANG_FR);
    assert_int_equal(urne_i18n_from_env("de", NULL, NULL, "fr_FR.UTF-8"), URNE_LANG_FR);
    assert_int_equal(urne_i18n_from_env("", "C", NULL, "fr_FR.UTF-8"), URNE_LANG_EN);
    assert_int_equal(urne_i18n_from_env(NULL, NULL, "fr_CA.UTF-8", "en_GB.UTF-8"), URNE_LANG_FR);
    assert_int_equal(urne_i18n_from_env(NULL, NULL, NULL, "french"), URNE_LANG_EN);
    assert_int_equal(urne_i18n_from_env(NULL, NULL, NULL, NULL), URNE_LANG_EN);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_languages),
        cmocka_unit_test(test_phrase_grouped_strings),
        cmocka_unit_test(test_language_from_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
