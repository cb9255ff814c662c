/* Naming downloads: the ASCII slug and the Content-Disposition header (web/download). */
#include "helpers.h"

#include "../../src/web/download.h"

static void slug_is(const char *text, const char *want) {
    char out[96];
    size_t n = urne_download_slug(text, out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_slug(void **state) {
    (void)state;
    slug_is("Présidentielle 2017 - communes", "presidentielle-2017-communes");
    slug_is("Élection du Bureau fédéral — Côte-d'Or / Nièvre", "election-du-bureau-federal-cote-d-or-nievre");
    slug_is("Œuvre, cœur, Straße, Ærø, ÿ", "oeuvre-coeur-strasse-aero-y");
    slug_is("  --Montval--  ", "montval");
    slug_is("« — »", "");
    slug_is("選挙 2024", "2024");
    slug_is("a\xff" "b", "a-b"); /* a byte of no character separates words like any other */
    /* At most 80 bytes, cut between words when a word would be cut. */
    char out[96];
    urne_download_slug("Primaire ouverte de la fédération du Rhône pour la désignation du candidat aux "
                       "élections municipales de Villeurbanne",
                       out, sizeof out);
    assert_true(strlen(out) <= 80);
    assert_string_equal(out, "primaire-ouverte-de-la-federation-du-rhone-pour-la-designation-du-candidat-aux");
    char tiny[6];
    urne_download_slug("Montval", tiny, sizeof tiny);
    assert_string_equal(tiny, "montv");
}

static void test_disposition(void **state) {
    (void)state;
    char out[640];
    urne_download_disposition("Présidentielle 2017 - communes", "election-3", ".csv", out, sizeof out);
    assert_string_equal(out, "attachment; filename=\"presidentielle-2017-communes.csv\"; "
                             "filename*=UTF-8''Pr%C3%A9sidentielle%202017%20-%20communes.csv");
    /* Quotes, path separators, control characters and direction marks never reach the name. */
    urne_download_disposition("a\"b/c\\d\r\ne\xE2\x80\xAE" "f;g", "x", ".csv", out, sizeof out);
    assert_string_equal(out, "attachment; filename=\"a-b-c-d-e-f-g.csv\"; filename*=UTF-8''a%22b-c-def%3Bg.csv");
}

/* Whatever the name, the header fits its buffer, ends with the extension and holds
 * only ASCII with no space, quote or semicolon after filename*=. */
static void test_disposition_bounds(void **state) {
    (void)state;
    char name[4000] = "";
    for (int i = 0; i < 900; i++) strcat(name, "é");
    char out[600];
    urne_download_disposition(name, "election-1", ".csv", out, sizeof out);
    assert_true(strlen(out) < sizeof out);
    const char *star = strstr(out, "filename*=UTF-8''");
    assert_non_null(star);
    star += 17;
    size_t n = strlen(star);
    assert_true(n > 4 && strcmp(star + n - 4, ".csv") == 0);
    for (const char *c = star; *c; c++) assert_true(*c > ' ' && *c < 0x7F && *c != '"' && *c != ';');
    assert_true(strlen(star) <= 120 * 3 + 4); /* 120 bytes of the name at most, encoded */
    assert_non_null(strstr(out, "filename=\"eeeeeeee"));
    /* Nothing printable at all: the fallback's slug, twice. */
    urne_download_disposition("\x01\x02", "election-9", ".csv", out, sizeof out);
    assert_string_equal(out, "attachment; filename=\"election-9.csv\"; filename*=UTF-8''election-9.csv");
}

/* A cell a spreadsheet would read as a formula is written after a quote, as text;
 * the quoting of urne_buf_csv kept (the quote inside the quoted field). */
static void cell_is(const char *value, const char *want) {
    urne_buf b = {0};
    urne_download_csv_cell(&b, value);
    assert_false(b.oom);
    assert_non_null(b.data);
    assert_string_equal(b.data, want);
    urne_buf_free(&b);
}

static void test_csv_cell(void **state) {
    (void)state;
    cell_is("Rhône", "Rhône");
    cell_is("=1+1", "'=1+1");
    cell_is("+cmd", "'+cmd");
    cell_is("-2+3", "'-2+3");
    cell_is("@SUM(A1)", "'@SUM(A1)");
    cell_is("\tTab", "'\tTab");
    cell_is("=HYPERLINK(\"http://evil.example\",\"x\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
    cell_is("a=b", "a=b");
    cell_is("", "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slug),
        cmocka_unit_test(test_disposition),
        cmocka_unit_test(test_disposition_bounds),
        cmocka_unit_test(test_csv_cell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
