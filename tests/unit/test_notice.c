/*
 * test_notice: the notice engine's rules as a table: each rule at its bound (accepted)
 * and one past it (refused with that rule, that field and that offset), then the
 * newline normalisation a form's body goes through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/notice/notice.h"

/* n copies of c, in a static buffer per slot: the table holds four at once. */
static const char *rep(int slot, char c, size_t n) {
    static char buf[4][URNE_NOTICE_BODY_MAX + 8];
    assert_true(n < sizeof buf[0]);
    memset(buf[slot], c, n);
    buf[slot][n] = 0;
    return buf[slot];
}

typedef struct {
    const char *what;
    const char *title, *body;
    const char *rule;  /* NULL: accepted */
    const char *field;
    size_t at, limit;
} notice_case;

static void run_case(const notice_case *c) {
    urne_notice_fault f;
    int rc = urne_notice_check(c->title, c->body, &f);
    if (c->rule == NULL) {
        if (rc != 0) fail_msg("%s: refused (%s at %zu), expected accepted", c->what, f.rule, f.at);
        return;
    }
    if (rc == 0) fail_msg("%s: accepted, expected %s", c->what, c->rule);
    if (strcmp(f.rule, c->rule) != 0 || strcmp(f.field, c->field) != 0 || f.at != c->at || f.limit != c->limit)
        fail_msg("%s: got %s/%s at %zu limit %zu, expected %s/%s at %zu limit %zu", c->what, f.field, f.rule, f.at,
                 f.limit, c->field, c->rule, c->at, c->limit);
}

static void test_rules(void **state) {
    (void)state;
    const char *ok = "Dépouillement à 20 h";
    const notice_case lengths[] = {
        {"title of 1 byte", "x", "b", NULL, NULL, 0, 0},
        {"title at its bound", rep(0, 't', URNE_NOTICE_TITLE_MAX), "b", NULL, NULL, 0, 0},
        {"title empty", "", "b", URNE_NOTICE_TITLE_LENGTH, "title", 0, URNE_NOTICE_TITLE_MAX},
        {"title missing", NULL, "b", URNE_NOTICE_TITLE_LENGTH, "title", 0, URNE_NOTICE_TITLE_MAX},
        {"title one past", rep(1, 't', URNE_NOTICE_TITLE_MAX + 1), "b", URNE_NOTICE_TITLE_LENGTH, "title",
         URNE_NOTICE_TITLE_MAX + 1, URNE_NOTICE_TITLE_MAX},
        {"body of 1 byte", ok, "b", NULL, NULL, 0, 0},
        {"body at its bound", ok, rep(2, 'b', URNE_NOTICE_BODY_MAX), NULL, NULL, 0, 0},
        {"body empty", ok, "", URNE_NOTICE_BODY_LENGTH, "body", 0, URNE_NOTICE_BODY_MAX},
        {"body missing", ok, NULL, URNE_NOTICE_BODY_LENGTH, "body", 0, URNE_NOTICE_BODY_MAX},
        {"body one past", ok, rep(3, 'b', URNE_NOTICE_BODY_MAX + 1), URNE_NOTICE_BODY_LENGTH, "body",
         URNE_NOTICE_BODY_MAX + 1, URNE_NOTICE_BODY_MAX},
        {"the title is checked first", "", "", URNE_NOTICE_TITLE_LENGTH, "title", 0, URNE_NOTICE_TITLE_MAX},
    };
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) run_case(&lengths[i]);

    /* A multi-byte character at the bound: 100 × "é" is 200 bytes, one more byte is past. */
    char t200[URNE_NOTICE_TITLE_MAX + 2] = "";
    for (int i = 0; i < 100; i++) strcat(t200, "é");
    char t201[sizeof t200 + 1];
    snprintf(t201, sizeof t201, "%sx", t200);

    const notice_case bytes[] = {
        {"200 bytes of é", t200, "b", NULL, NULL, 0, 0},
        {"201 bytes with é", t201, "b", URNE_NOTICE_TITLE_LENGTH, "title", 201, URNE_NOTICE_TITLE_MAX},
        /* UTF-8: the largest code point and the edges of the surrogates pass or fail by one. */
        {"U+10FFFF", "a\xF4\x8F\xBF\xBF", "b", NULL, NULL, 0, 0},
        {"U+110000", "a\xF4\x90\x80\x80", "b", URNE_NOTICE_TITLE_UTF8, "title", 1, 0},
        {"U+D7FF", "ab\xED\x9F\xBF", "b", NULL, NULL, 0, 0},
        {"U+D800 (a surrogate)", "ab\xED\xA0\x80", "b", URNE_NOTICE_TITLE_UTF8, "title", 2, 0},
        {"U+0800 in three bytes", "\xE0\xA0\x80", "b", NULL, NULL, 0, 0},
        {"U+07FF overlong in three bytes", "\xE0\x9F\xBF", "b", URNE_NOTICE_TITLE_UTF8, "title", 0, 0},
        {"a lone continuation byte", "ok", "x\x80", URNE_NOTICE_BODY_UTF8, "body", 1, 0},
        {"a sequence cut at the end", "ok", "xy\xC3", URNE_NOTICE_BODY_UTF8, "body", 2, 0},
        {"latin-1 é", "caf\xE9", "b", URNE_NOTICE_TITLE_UTF8, "title", 3, 0},
        /* Control characters: the printable bounds pass, the controls beside them fail. */
        {"a space and a tilde", " ~", " ~", NULL, NULL, 0, 0},
        {"U+001F in the title", "a\x1F", "b", URNE_NOTICE_TITLE_CONTROL, "title", 1, 0},
        {"DEL in the title", "a\x7F", "b", URNE_NOTICE_TITLE_CONTROL, "title", 1, 0},
        {"U+00A0 (not a control)", "a\xC2\xA0", "b", NULL, NULL, 0, 0},
        {"U+009F (C1) in the body", "t", "ab\xC2\x9F", URNE_NOTICE_BODY_CONTROL, "body", 2, 0},
        {"a newline in the title", "two\nlines", "b", URNE_NOTICE_TITLE_CONTROL, "title", 3, 0},
        {"newlines in the body", "t", "Bureau 3\nsalle B\n", NULL, NULL, 0, 0},
        {"a carriage return in the body", "t", "a\r\nb", URNE_NOTICE_BODY_CONTROL, "body", 1, 0},
        {"a tab in the body", "t", "a\tb", URNE_NOTICE_BODY_CONTROL, "body", 1, 0},
    };
    for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++) run_case(&bytes[i]);
}

static void test_newlines(void **state) {
    (void)state;
    const struct { const char *in, *out; } cases[] = {
        {"a\r\nb\r\n", "a\nb\n"}, {"a\rb", "a\nb"}, {"a\n\rb", "a\n\nb"}, {"\r\r\n", "\n\n"}, {"", ""}, {"plain", "plain"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%s", cases[i].in);
        size_t n = urne_notice_newlines(buf);
        assert_string_equal(buf, cases[i].out);
        assert_int_equal(n, strlen(cases[i].out));
    }
    /* Made "\n", a form's body passes the rule it would otherwise break. */
    char body[] = "Dépouillement à 20 h\r\nsalle des fêtes";
    urne_notice_newlines(body);
    urne_notice_fault f;
    assert_int_equal(urne_notice_check("Dépouillement", body, &f), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_newlines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
