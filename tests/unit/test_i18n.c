/* Phrases (codes with parameters) and their wording; the built-in French catalogue;
 * numbers and moments the French and the English way; diagnostics in French. */
#include "helpers.h"

#include "../../src/core/urne_phrase.h"
#include "../../src/i18n/i18n.h"

#define NNBSP "\u202f"
#define NB "\xc2\xa0"      /* U+00A0 no-break space */
#define NNB "\xe2\x80\xaf" /* U+202F narrow no-break space */

static void test_phrase_keeps_arguments(void **state) {
    (void)state;
    urne_phrase p;
    urne_phrase_set(&p, "%s: voters (%lld) exceed registered voters (%lld) in %zu of %d, %.*s|%5.1f|%c|%x", "Bureau 3",
                    1234567LL, 90LL, (size_t)12, -4, 3, "abcdef", 2.25, 'z', 255);
    assert_int_equal(p.nargs, 9);
    char out[256];
    urne_phrase_write(&p, NULL, NULL, out, sizeof out);
    /* With no style, exactly what printf writes. */
    char expect[256];
    snprintf(expect, sizeof expect, "%s: voters (%lld) exceed registered voters (%lld) in %zu of %d, %.*s|%5.1f|%c|%x",
             "Bureau 3", 1234567LL, 90LL, (size_t)12, -4, 3, "abcdef", 2.25, 'z', 255);
    assert_string_equal(out, expect);
    assert_int_equal(p.kinds[1], 'i');
    assert_int_equal(p.kinds[0], 's');
    assert_int_equal(p.kinds[8], 's'); /* hexadecimal is not a count to group */
}

static void test_phrase_styles_numbers(void **state) {
    (void)state;
    urne_phrase p;
    urne_phrase_set(&p, "%lld of %lld, %s %%, %s, %s", 1155604LL, -1000LL, "26.58", "1.2.3", "Macron");
    char out[256];
    urne_phrase_write(&p, "%lld sur %lld, %s %%, %s, %s", urne_i18n_style(URNE_LANG_FR), out, sizeof out);
    assert_string_equal(out, "1" NNBSP "155" NNBSP "604 sur -1" NNBSP "000, 26,58 %, 1.2.3, Macron");
    urne_phrase_write(&p, NULL, urne_i18n_style(URNE_LANG_EN), out, sizeof out);
    assert_string_equal(out, "1,155,604 of -1,000, 26.58 %, 1.2.3, Macron");
    /* Small numbers have no separator. */
    urne_phrase_set(&p, "%d", 999);
    urne_phrase_write(&p, NULL, urne_i18n_style(URNE_LANG_FR), out, sizeof out);
    assert_string_equal(out, "999");
}

static void test_phrase_positions_and_limits(void **state) {
    (void)state;
    urne_phrase p;
    urne_phrase_set(&p, "Partial: %zu of %zu %s.", (size_t)3, (size_t)7, "bureaux");
    char out[64];
    urne_phrase_write(&p, "Partiel : %1$zu %3$s sur %2$zu.", NULL, out, sizeof out);
    assert_string_equal(out, "Partiel : 3 bureaux sur 7.");
    /* A wording with more conversions than arguments writes nothing for them. */
    urne_phrase_write(&p, "%zu %zu %s %s!", NULL, out, sizeof out);
    assert_string_equal(out, "3 7 bureaux !");
    /* A small buffer: cut, terminated, and the length needed returned. */
    size_t need = urne_phrase_write(&p, NULL, NULL, out, 8);
    assert_int_equal(need, strlen("Partial: 3 of 7 bureaux."));
    assert_string_equal(out, "Partial");
    /* An argument longer than the room is cut on a character boundary, marked "...". */
    char big[600];
    memset(big, 'a', sizeof big);
    memcpy(big + URNE_PHRASE_ARG_BYTES - 6, "\xc3\xa9\xc3\xa9", 4);
    big[sizeof big - 1] = '\0';
    urne_phrase_set(&p, "%s", big);
    const char *kept = p.text + p.at[0];
    assert_true(strlen(kept) < URNE_PHRASE_ARG_BYTES);
    assert_string_equal(kept + strlen(kept) - 3, "...");
    size_t n = strlen(kept) - 3;
    assert_int_equal((unsigned char)kept[n - 1], 0xa9); /* the last whole "é", not half of the next one */
    assert_int_equal((unsigned char)kept[n - 2], 0xc3);
}

/* "%.*s" over a span that does not end in '\0' (a field at the very end of a
 * file's buffer) reads at most the precision, even a precision of 0: found by
 * fuzz_legislative on an empty count in the last bytes of a file. The buffer is
 * the exact size, so a sanitizer build reports a read one byte past it. */
static void test_phrase_bounded_span(void **state) {
    (void)state;
    char *span = malloc(3);
    assert_non_null(span);
    memcpy(span, "abc", 3);
    urne_phrase p;
    urne_phrase_set(&p, "'%.*s' then '%.*s' then '%.*s'", 0, span + 3, 2, span, 3, span);
    char out[64];
    urne_phrase_write(&p, NULL, NULL, out, sizeof out);
    assert_string_equal(out, "'' then 'ab' then 'abc'");
    free(span);
}

static void test_catalogue(void **state) {
    (void)state;
    assert_string_equal(urne_i18n_text(URNE_LANG_FR, "Registered"), "Inscrits");
    assert_string_equal(urne_i18n_text(URNE_LANG_EN, "Registered"), "Registered");
    /* A message the catalogue lacks comes back as it is. */
    const char *absent = "no such message in any catalogue";
    assert_ptr_equal(urne_i18n_text(URNE_LANG_FR, absent), absent);
    /* One English text, two French ones by context. */
    assert_string_equal(urne_i18n_ctext(URNE_LANG_FR, "nav", "Log in"), "Connexion");
    assert_string_equal(urne_i18n_text(URNE_LANG_FR, "Log in"), "Se connecter");
    assert_string_equal(urne_i18n_ctext(URNE_LANG_EN, "nav", "Log in"), "Log in");
    /* French plurals: 0 and 1 singular. */
    assert_string_equal(urne_i18n_plural(URNE_LANG_EN, "a", "b", 0), "b");
    assert_string_equal(urne_i18n_plural(URNE_LANG_FR, "a-absent", "b-absent", 0), "b-absent");
}

static void test_languages(void **state) {
    (void)state;
    urne_lang l = URNE_LANG_EN;
    assert_int_equal(urne_i18n_parse("fr_FR.UTF-8", &l), 0);
    assert_int_equal(l, URNE_LANG_FR);
    assert_int_equal(urne_i18n_parse("en-GB", &l), 0);
    assert_int_equal(l, URNE_LANG_EN);
    assert_int_equal(urne_i18n_parse("fry", &l), -1);
    assert_int_equal(urne_i18n_parse("de", &l), -1);
    assert_int_equal(urne_i18n_parse(NULL, &l), -1);
    assert_int_equal(urne_i18n_from_env("de:fr", NULL, NULL, "en_US.UTF-8"), URNE_LANG_FR);
    assert_int_equal(urne_i18n_from_env(NULL, NULL, NULL, "fr_FR.UTF-8"), URNE_LANG_FR);
    assert_int_equal(urne_i18n_from_env("", "C", NULL, "fr_FR.UTF-8"), URNE_LANG_EN);
    assert_int_equal(urne_i18n_from_env(NULL, NULL, NULL, NULL), URNE_LANG_EN);
}

static void test_numbers(void **state) {
    (void)state;
    char buf[48];
    assert_string_equal(urne_i18n_int(URNE_LANG_FR, 36054394, buf, sizeof buf), "36" NNBSP "054" NNBSP "394");
    assert_string_equal(urne_i18n_int(URNE_LANG_EN, 36054394, buf, sizeof buf), "36,054,394");
    assert_string_equal(urne_i18n_int(URNE_LANG_FR, INT64_MIN, buf, sizeof buf),
                        "-9" NNBSP "223" NNBSP "372" NNBSP "036" NNBSP "854" NNBSP "775" NNBSP "808");
    assert_string_equal(urne_i18n_decimal(URNE_LANG_FR, "24.01", buf, sizeof buf), "24,01");
    assert_string_equal(urne_i18n_decimal(URNE_LANG_EN, "24.01", buf, sizeof buf), "24.01");
}

static void test_moments(void **state) {
    (void)state;
    char buf[80];
    /* Winter: Paris is UTC+1; summer: UTC+2 (EU rule, last Sundays of March and October at 01:00 UTC). */
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-12-04T14:02:00Z", NULL, buf, sizeof buf),
                        "4 décembre 2026 à 15\u00a0h\u00a002");
    assert_string_equal(urne_i18n_moment(URNE_LANG_EN, "2026-12-04T14:02:00Z", NULL, buf, sizeof buf),
                        "4 December 2026, 15:02");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2017-05-07T18:00:00Z", "Europe/Paris", buf, sizeof buf),
                        "7 mai 2017 à 20\u00a0h\u00a000");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-03-29T00:59:59Z", NULL, buf, sizeof buf),
                        "29 mars 2026 à 1\u00a0h\u00a059");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-03-29T01:00:00Z", NULL, buf, sizeof buf),
                        "29 mars 2026 à 3\u00a0h\u00a000");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-10-25T00:59:00Z", NULL, buf, sizeof buf),
                        "25 octobre 2026 à 2\u00a0h\u00a059");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-10-25T01:00:00Z", NULL, buf, sizeof buf),
                        "25 octobre 2026 à 2\u00a0h\u00a000");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-12-31T23:30:00Z", NULL, buf, sizeof buf),
                        "1er janvier 2027 à 0\u00a0h\u00a030");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-12-04 14:02:00", "Pacific/Noumea", buf, sizeof buf),
                        "5 décembre 2026 à 1\u00a0h\u00a002");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-07-01T12:00:00Z", "America/Miquelon", buf, sizeof buf),
                        "1er juillet 2026 à 10\u00a0h\u00a000");
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-01-01T12:00:00Z", "America/Miquelon", buf, sizeof buf),
                        "1er janvier 2026 à 9\u00a0h\u00a000");
    /* Not a moment: written back as it is. */
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "demain", NULL, buf, sizeof buf), "demain");
    int known;
    urne_i18n_zone_offset("Mars/Olympus", 0, &known);
    assert_int_equal(known, 0);
    assert_int_equal(urne_i18n_zone_offset("Indian/Reunion", 0, &known), 4 * 3600);
    assert_int_equal(known, 1);
}

/* The zones an election may be held in: known by name, listed, named on a page. */
static void test_zones(void **state) {
    (void)state;
    assert_int_equal(urne_i18n_zone_known("Europe/Paris"), 1);
    assert_int_equal(urne_i18n_zone_known("Pacific/Noumea"), 1);
    assert_int_equal(urne_i18n_zone_known("America/Cayenne"), 1);
    assert_int_equal(urne_i18n_zone_known("Mars/Olympus"), 0);
    assert_int_equal(urne_i18n_zone_known("europe/paris"), 0); /* IANA names are written as they are */
    assert_int_equal(urne_i18n_zone_known(""), 0);
    assert_int_equal(urne_i18n_zone_known(NULL), 0);
    /* The list starts with the default, holds every zone once, and each is known and named. */
    assert_string_equal(urne_i18n_zone_at(0), URNE_ZONE_DEFAULT);
    size_t n = 0;
    for (const char *z; (z = urne_i18n_zone_at(n)); n++) {
        assert_int_equal(urne_i18n_zone_known(z), 1);
        assert_non_null(urne_i18n_zone_label(URNE_LANG_FR, z));
        assert_non_null(urne_i18n_zone_label(URNE_LANG_EN, z));
        for (size_t k = 0; k < n; k++) assert_string_not_equal(urne_i18n_zone_at(k), z);
    }
    assert_int_equal(n, 14);
    assert_null(urne_i18n_zone_at(n));
    assert_string_equal(urne_i18n_zone_label(URNE_LANG_FR, "Pacific/Noumea"), "heure de Nouméa");
    assert_string_equal(urne_i18n_zone_label(URNE_LANG_EN, "Pacific/Noumea"), "Nouméa time");
    assert_string_equal(urne_i18n_zone_label(URNE_LANG_FR, "America/Cayenne"), "heure de la Guyane");
    assert_null(urne_i18n_zone_label(URNE_LANG_FR, "Mars/Olympus"));
    /* Cayenne is UTC-3 all year, Nouméa UTC+11. */
    char buf[80];
    assert_string_equal(urne_i18n_moment(URNE_LANG_FR, "2026-12-04T14:02:00Z", "America/Cayenne", buf, sizeof buf),
                        "4 décembre 2026 à 11\u00a0h\u00a002");
    assert_string_equal(urne_i18n_moment(URNE_LANG_EN, "2026-12-04T14:02:00Z", "Pacific/Noumea", buf, sizeof buf),
                        "5 December 2026, 01:02");
}

/* What people write for a deadline, read back as the store's UTC moment. */
static void test_moments_written(void **state) {
    (void)state;
    char out[24];
    /* Paris in winter (UTC+1) and in summer (UTC+2), as a form's datetime-local sends it. */
    assert_int_equal(urne_i18n_moment_utc("2027-01-10T20:00", NULL, out), 0);
    assert_string_equal(out, "2027-01-10T19:00:00Z");
    assert_int_equal(urne_i18n_moment_utc("2027-04-10T20:00", "Europe/Paris", out), 0);
    assert_string_equal(out, "2027-04-10T18:00:00Z");
    assert_int_equal(urne_i18n_moment_utc("2027-04-10 20:00:30", NULL, out), 0);
    assert_string_equal(out, "2027-04-10T18:00:30Z");
    /* Either side of the autumn change (2026-10-25, 3:00 summer time becomes 2:00). */
    assert_int_equal(urne_i18n_moment_utc("2026-10-25T01:30", NULL, out), 0);
    assert_string_equal(out, "2026-10-24T23:30:00Z");
    assert_int_equal(urne_i18n_moment_utc("2026-10-25T04:00", NULL, out), 0);
    assert_string_equal(out, "2026-10-25T03:00:00Z");
    /* Other zones, and offsets written out. */
    assert_int_equal(urne_i18n_moment_utc("2027-04-10T20:00", "Pacific/Noumea", out), 0);
    assert_string_equal(out, "2027-04-10T09:00:00Z");
    assert_int_equal(urne_i18n_moment_utc("2027-04-10T18:00:00Z", "Pacific/Noumea", out), 0);
    assert_string_equal(out, "2027-04-10T18:00:00Z");
    assert_int_equal(urne_i18n_moment_utc("2027-04-10T20:00+02:00", NULL, out), 0);
    assert_string_equal(out, "2027-04-10T18:00:00Z");
    assert_int_equal(urne_i18n_moment_utc("2027-04-10T14:00-0400", NULL, out), 0);
    assert_string_equal(out, "2027-04-10T18:00:00Z");
    /* The day first, as the forms' text field asks for it in French and in English. */
    const char *day_first[] = {"10/04/2027 20:00", "10/04/2027 à 20 h 00", "10/04/2027 20h00",
                               "10/04/2027\u00a0à\u00a020\u00a0h\u00a000", "10/04/2027 at 20:00", "10/04/2027  20H00 "};
    for (size_t i = 0; i < sizeof day_first / sizeof day_first[0]; i++) {
        assert_int_equal(urne_i18n_moment_utc(day_first[i], NULL, out), 0);
        assert_string_equal(out, "2027-04-10T18:00:00Z");
    }
    assert_int_equal(urne_i18n_moment_utc("14/06/2030 20:00", "America/Cayenne", out), 0);
    assert_string_equal(out, "2030-06-14T23:00:00Z");
    /* Refused: not a moment, a day the month lacks, an hour past 23, trailing text,
     * a day-first moment without its hour or with a one-digit day. */
    const char *bad[] = {"demain", "", "2027-04-31T20:00", "2027-02-29T20:00", "2027-04-10T24:00",
                         "2027-04-10T20:00 ", "2027-04-10T20:00Zz", "2027-04-10", "10/04/2027",
                         "2027-04-10T20:00+25:00", "2027-04-10T20:00:60", "31/04/2027 20:00", "10/04/2027 24:00",
                         "10/04/2027 20", "10/04/2027 20:00 demain", "1/04/2027 20:00", "10/04/202720:00",
                         "10/04/2027 à", "04/10/2027 8:00 PM"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(urne_i18n_moment_utc(bad[i], NULL, out), -1);
        assert_string_equal(out, "");
    }
    assert_int_equal(urne_i18n_moment_utc(NULL, NULL, out), -1);
}

static void test_diag_in_french(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "pv.csv");
    urne_diags_add(&d, URNE_DIAG_ERROR, 12, "votants", "votants-le-inscrits", "%s: voters (%lld) exceed registered voters (%lld)",
                   "Bureau 1", 95LL, 90LL);
    char buf[512];
    urne_diag_format(&d, &d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "pv.csv:12: error: field 'votants': Bureau 1: voters (95) exceed registered voters (90) "
                             "[votants-le-inscrits]");
    urne_i18n_diag(URNE_LANG_EN, &d, &d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "pv.csv:12: error: field 'votants': Bureau 1: voters (95) exceed registered voters (90) "
                             "[votants-le-inscrits]");
    urne_i18n_diag(URNE_LANG_FR, &d, &d.items[0], buf, sizeof buf);
    /* French typography: a no-break space before the colon and inside the guillemets. */
    assert_non_null(strstr(buf, "pv.csv:12\u00a0: erreur\u00a0: champ «\u00a0votants\u00a0»\u00a0: "));
    assert_non_null(strstr(buf, "[votants-le-inscrits]"));
    /* Appended diagnostics keep their phrase. */
    urne_diags into;
    urne_diags_init(&into, "pv.csv");
    urne_diags_append(&into, &d);
    assert_ptr_equal(into.items[0].phrase.fmt, d.items[0].phrase.fmt);
    assert_int_equal(into.items[0].phrase.nargs, 3);
    urne_diags_free(&into);
    urne_diags_free(&d);
}

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
    urne_diags_add(&d, URNE_DIAG_ERROR, 3, "votants", "votants-le-inscrits", "%s: voters (%lld) exceed registered voters (%lld)",
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
        cmocka_unit_test(test_phrase_keeps_arguments), cmocka_unit_test(test_phrase_styles_numbers),
        cmocka_unit_test(test_phrase_positions_and_limits),
        cmocka_unit_test(test_phrase_bounded_span), cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_languages), cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_moments), cmocka_unit_test(test_moments_written), cmocka_unit_test(test_zones),
        cmocka_unit_test(test_diag_in_french),
        cmocka_unit_test(test_diag_languages), cmocka_unit_test(test_phrase_grouped_strings),
        cmocka_unit_test(test_language_from_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
