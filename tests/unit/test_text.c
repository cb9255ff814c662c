/* Encodings, lines and fields; the ISO text of a moment. */
#include "helpers.h"

#include "../../src/core/urne_time.h"

static int decode(const char *buf, size_t len, urne_encoding req, urne_encoding *used, char *out, size_t size,
                  urne_diags *d) {
    urne_arena a;
    urne_arena_init(&a);
    const char *text;
    size_t tlen;
    int rc = urne_text_decode(buf, len, req, &a, &text, &tlen, used, d);
    if (rc == 0) snprintf(out, size, "%.*s", (int)tlen, text);
    urne_arena_free(&a);
    return rc;
}

static void test_decode(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "t");
    urne_encoding used;
    char out[64];
    assert_int_equal(decode("Rh\xC3\xB4ne", 6, URNE_ENC_AUTO, &used, out, sizeof out, &d), 0);
    assert_int_equal(used, URNE_ENC_UTF8);
    assert_string_equal(out, "Rh\xC3\xB4ne");
    assert_int_equal(decode("Rh\xF4ne", 5, URNE_ENC_AUTO, &used, out, sizeof out, &d), 0);
    assert_int_equal(used, URNE_ENC_LATIN1);
    assert_string_equal(out, "Rh\xC3\xB4ne"); /* converted */
    assert_int_equal(decode("\xEF\xBB\xBF" "abc", 6, URNE_ENC_AUTO, &used, out, sizeof out, &d), 0);
    assert_string_equal(out, "abc"); /* BOM stripped */
    assert_int_equal(d.errors, 0);
    /* Mixed: valid UTF-8 é then a latin-1 byte on line 2. */
    assert_int_equal(decode("\xC3\xA9\nx\xE9y", 6, URNE_ENC_AUTO, &used, out, sizeof out, &d), -1);
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.items[0].line, 2);
    assert_true(test_has_diag(&d, "encoding", "mixes two encodings"));
    /* Declared UTF-8 but latin-1 inside. */
    assert_int_equal(decode("a\xE9", 2, URNE_ENC_UTF8, &used, out, sizeof out, &d), -1);
    assert_true(test_has_diag(&d, "encoding", "declared UTF-8"));
    /* Truncated multi-byte sequence at the end is invalid UTF-8 too. */
    assert_int_equal(decode("\xC3\xA9\xC3", 3, URNE_ENC_AUTO, &used, out, sizeof out, &d), -1);
    /* NUL byte: not text. */
    assert_int_equal(decode("a\nb\0c", 5, URNE_ENC_LATIN1, &used, out, sizeof out, &d), -1);
    assert_true(test_has_diag(&d, "text-file", "NUL"));
    /* Forced latin-1 never rejects high bytes. */
    assert_int_equal(decode("\xC3\xA9", 2, URNE_ENC_LATIN1, &used, out, sizeof out, &d), 0);
    assert_string_equal(out, "\xC3\x83\xC2\xA9");
    urne_diags_free(&d);
}

static void test_lines(void **state) {
    (void)state;
    const char *t = "a;b\r\nc\n\nlast";
    urne_lines it;
    urne_span s;
    urne_lines_init(&it, t, strlen(t));
    assert_true(urne_lines_next(&it, &s));
    assert_int_equal(s.len, 3);
    assert_int_equal(it.lineno, 1);
    assert_true(urne_lines_next(&it, &s));
    assert_int_equal(s.len, 1);
    assert_true(urne_lines_next(&it, &s));
    assert_int_equal(s.len, 0);
    assert_true(urne_lines_next(&it, &s));
    assert_int_equal(s.len, 4);
    assert_int_equal(it.lineno, 4);
    assert_false(urne_lines_next(&it, &s));
}

static void test_fields(void **state) {
    (void)state;
    urne_span f[8];
    const char *t = "1;\"Ain\"; x ;\"a \"\"b\"\"\";;";
    urne_span line = {t, strlen(t), 0};
    assert_int_equal(urne_fields_split(line, ';', f, 8), 6);
    assert_int_equal(f[0].len, 1);
    assert_true(f[1].quoted);
    assert_int_equal(f[1].len, 3);
    assert_int_equal(f[2].len, 1); /* trimmed */
    urne_arena a;
    urne_arena_init(&a);
    assert_string_equal(urne_span_dup(&a, f[3]), "a \"b\"");
    urne_arena_free(&a);
    assert_int_equal(f[4].len, 0);
    assert_int_equal(f[5].len, 0);
    const char *open = "1;\"Ain;2";
    urne_span l2 = {open, strlen(open), 0};
    assert_int_equal(urne_fields_split(l2, ';', f, 8), -1);
    /* More fields than room: the true count is returned. */
    const char *many = "a;b;c;d;e;f;g;h;i;j";
    urne_span l3 = {many, strlen(many), 0};
    assert_int_equal(urne_fields_split(l3, ';', f, 8), 10);
}

/* The one-pass line scanner against the obvious byte loop, on random texts whose
 * newlines, separators and quotes fall on every position of its 16-byte blocks. */
static void test_scan_line(void **state) {
    (void)state;
    static const char alphabet[] = {'a', ';', ';', '\n', '\r', '"', (char)0xE9, '0', ' '};
    uint64_t seed = 42;
    char text[200];
    uint32_t pos[64], want[64];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % 97);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            /* Mostly plain bytes, so that lines are long enough to cross blocks. */
            unsigned r = (unsigned)(seed >> 33);
            text[i] = r % 4 ? 'x' : alphabet[(r >> 3) % sizeof alphabet];
        }
        size_t max = (size_t)(round % 7 == 0 ? 3 : 64);
        urne_scanned_line got;
        size_t n = urne_text_scan_line(text, len, ';', pos, max, &got);
        size_t nl = len, k = 0;
        int quoted = 0;
        for (size_t i = 0; i < len; i++) {
            if (text[i] == '\n') {
                nl = i;
                break;
            }
            if (text[i] == ';') {
                if (k < max) want[k] = (uint32_t)i;
                k++;
            }
            quoted |= text[i] == '"';
        }
        assert_int_equal(n, k);
        assert_int_equal(got.nsep, k);
        assert_int_equal(got.next, nl < len ? nl + 1 : len);
        assert_int_equal(got.len, nl > 0 && text[nl - 1] == '\r' ? nl - 1 : nl);
        assert_int_equal(got.quoted, quoted);
        for (size_t i = 0; i < k && i < max; i++) assert_int_equal(pos[i], want[i]);
    }
}

/* Excel's "Texte Unicode": UTF-16 with its mark, both byte orders, pairs of surrogates. */
static void test_utf16(void **state) {
    (void)state;
    urne_diags d;
    urne_diags_init(&d, "t.txt");
    char *out = NULL;
    size_t n = 0;
    /* "é;€\n😀" little-endian: 2, 3 and 4 bytes of UTF-8 */
    static const char le[] = "\xFF\xFE\xE9\x00;\x00\xAC\x20\n\x00\x3D\xD8\x00\xDE";
    assert_int_equal(urne_text_utf16_to_utf8(le, sizeof le - 1, &out, &n, &d), 1);
    assert_int_equal(n, 2 + 1 + 3 + 1 + 4);
    assert_string_equal(out, "é;€\n\xF0\x9F\x98\x80");
    free(out);
    static const char be[] = "\xFE\xFF\x00\x31\x00\xA0\x00\x32";
    assert_int_equal(urne_text_utf16_to_utf8(be, sizeof be - 1, &out, &n, &d), 1);
    assert_string_equal(out, "1\xC2\xA0" "2");
    free(out);
    out = NULL;
    /* Not UTF-16: nothing converted, nothing allocated; UTF-8's own mark is not UTF-16's. */
    assert_int_equal(urne_text_utf16_to_utf8("\xEF\xBB\xBF" "abc", 6, &out, &n, &d), 0);
    assert_int_equal(urne_text_utf16_to_utf8("a", 1, &out, &n, &d), 0);
    assert_null(out);
    assert_int_equal(d.errors, 0);
    /* A low surrogate alone, a high one at the end, an odd length: refused with the line. */
    static const char lone[] = "\xFF\xFE" "a\x00\n\x00\x00\xDC" "b\x00";
    assert_int_equal(urne_text_utf16_to_utf8(lone, sizeof lone - 1, &out, &n, &d), -1);
    assert_int_equal(d.items[0].line, 2);
    assert_non_null(strstr(d.items[0].message, "unpaired surrogate"));
    static const char high_end[] = "\xFF\xFE\x3D\xD8";
    assert_int_equal(urne_text_utf16_to_utf8(high_end, sizeof high_end - 1, &out, &n, &d), -1);
    assert_int_equal(urne_text_utf16_to_utf8("\xFF\xFE" "a\x00b", 5, &out, &n, &d), -1);
    assert_non_null(strstr(d.items[2].message, "cut short"));
    assert_int_equal(d.errors, 3);
    assert_null(out);
    urne_diags_free(&d);
}

/* What spreadsheets pad a row with, and a row of empty cells. */
static void test_padding(void **state) {
    (void)state;
    urne_span s = urne_span_trim_padding((urne_span){"# levels: commune, bureau;;;\t ,", 31, 0});
    assert_int_equal(s.len, 25);
    s = urne_span_trim_padding((urne_span){";;;", 3, 0});
    assert_int_equal(s.len, 0);
    assert_true(urne_span_only_separators((urne_span){";; ;", 4, 0}, ';'));
    assert_true(urne_span_only_separators((urne_span){"\t\t", 2, 0}, '\t'));
    assert_false(urne_span_only_separators((urne_span){";;0;", 4, 0}, ';'));
    assert_false(urne_span_only_separators((urne_span){",,", 2, 0}, ';'));
    /* With a tab for separator, an empty cell before a quoted one stays a cell. */
    urne_span f[4];
    assert_int_equal(urne_fields_split((urne_span){"a\t\t\"b;c\"", 9, 0}, '\t', f, 4), 3);
    assert_int_equal(f[1].len, 0);
    assert_int_equal(f[2].len, 3);
    assert_memory_equal(f[2].p, "b;c", 3);
}

static void test_fold(void **state) {
    (void)state;
    char out[64];
    struct { const char *in, *out; } cases[] = {
        {"N\xC2\xB0Panneau_3", "n panneau 3"},
        {"Code du b.vote", "code du b vote"},
        {"Exprim\xC3\xA9s", "exprimes"},
        {"% Voix/Exp_11", "% voix/exp 11"},
        {"  Libell\xC3\xA9 de la commune ", "libelle de la commune"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        urne_span s = {cases[i].in, strlen(cases[i].in), 0};
        urne_text_fold_header(s, out, sizeof out);
        assert_string_equal(out, cases[i].out);
    }
}

/* Moments as urne writes them: the epoch, a leap day, the last second of a
 * year, and a time before 1970 (a birth date's midnight). */
static void test_time_iso(void **state) {
    (void)state;
    char out[URNE_TIME_ISO];
    struct { int64_t t; const char *iso; } cases[] = {
        {0, "1970-01-01T00:00:00Z"},
        {951782400, "2000-02-29T00:00:00Z"},
        {1798761599, "2026-12-31T23:59:59Z"},
        {-86400, "1969-12-31T00:00:00Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        urne_time_iso(cases[i].t, out);
        assert_string_equal(out, cases[i].iso);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_iso),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_scan_line),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_padding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
