/*
 * test_html: the page writer escapes every string argument and formats numbers as
 * printf does, for every conversion the pages use; and the page files cannot reach
 * the raw appenders (html.h poisons them: checked by compiling a page file's shape).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/web/html.h"

static char *render(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *render(const char *fmt, ...) {
    urne_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    urne_html_v(&b, fmt, ap);
    va_end(ap);
    char *s = urne_buf_take(&b, NULL);
    assert_non_null(s);
    return s;
}

#define EXPECT(want, ...)                 \
    do {                                  \
        char *got = render(__VA_ARGS__);  \
        assert_string_equal(got, want);   \
        free(got);                        \
    } while (0)

static void test_strings_are_escaped(void **state) {
    EXPECT("<p>&lt;svg/onload=alert(1)&gt;</p>", "<p>%s</p>", "<svg/onload=alert(1)>");
    EXPECT("<a title=\"&quot;&gt;&lt;script&gt;\">x</a>", "<a title=\"%s\">x</a>", "\"><script>");
    EXPECT("&#39;&amp;&#39;", "%s", "'&'");
    EXPECT("&lt;b", "%.2s", "<bold>");   /* precision counts the source's bytes, then escapes */
    EXPECT("&lt;b", "%.*s", 2, "<bold>");
    const char *volatile none = NULL; /* a NULL the compiler cannot see at the call */
    EXPECT("[]", "[%s]", none);
    EXPECT("&lt;", "%c", '<');
    EXPECT("é — ü", "%s", "é — ü"); /* UTF-8 passes through */
}

static void test_numbers_as_printf(void **state) {
    char want[128];
    snprintf(want, sizeof want, "%d %i %u %x %X %5d|%-5d|%05d", -42, 7, 42u, 255u, 255u, 42, 42, 42);
    EXPECT(want, "%d %i %u %x %X %5d|%-5d|%05d", -42, 7, 42u, 255u, 255u, 42, 42, 42);
    snprintf(want, sizeof want, "%lld %ld %zu %jd %td", (long long)INT64_MIN, -5L, (size_t)SIZE_MAX, (intmax_t)9,
             (ptrdiff_t)-3);
    EXPECT(want, "%lld %ld %zu %jd %td", (long long)INT64_MIN, -5L, (size_t)SIZE_MAX, (intmax_t)9, (ptrdiff_t)-3);
    snprintf(want, sizeof want, "%.1f %g %e %8.3f %*d %.*f", 3.14159, 0.5, 1e10, 2.5, 6, 7, 2, 1.005);
    EXPECT(want, "%.1f %g %e %8.3f %*d %.*f", 3.14159, 0.5, 1e10, 2.5, 6, 7, 2, 1.005);
    snprintf(want, sizeof want, "%hhu %hu", (unsigned char)300, (unsigned short)70000);
    EXPECT(want, "%hhu %hu", (unsigned char)300, (unsigned short)70000);
    EXPECT("100% sûr", "%d%% %s", 100, "sûr");
    EXPECT("width=\"100%\"", "width=\"100%%\"");
}

static void test_text_trusted_and_url(void **state) {
    urne_buf b = {0};
    urne_html_text(&b, "<i>");
    urne_html_trusted(&b, "<i>");
    urne_html_url(&b, "a b&c=d/é");
    urne_html_text(&b, NULL);
    urne_html_trusted(&b, NULL);
    char *s = urne_buf_take(&b, NULL);
    assert_string_equal(s, "&lt;i&gt;<i>a%20b%26c%3Dd%2F%C3%A9");
    free(s);
}

static void test_long_output(void **state) {
    /* Longer than any internal buffer: written whole. */
    char *big = malloc(100001);
    memset(big, '<', 100000);
    big[100000] = 0;
    char *s = render("[%s]", big);
    assert_int_equal(strlen(s), 2 + 100000 * 4);
    assert_memory_equal(s, "[&lt;&lt;", 9);
    assert_int_equal(s[strlen(s) - 1], ']');
    free(s);
    free(big);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_are_escaped),
        cmocka_unit_test(test_numbers_as_printf),
        cmocka_unit_test(test_text_trusted_and_url),
        cmocka_unit_test(test_long_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
