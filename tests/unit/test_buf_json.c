/* urne_buf_json: a JSON string written without jansson's tree, byte for byte
 * what jansson writes, and refused where jansson refuses (core/urne_buf). */
#include "helpers.h"

#include <jansson.h>

#include "../../src/core/urne_buf.h"

/* s written by urne_buf_json after a prefix, compared with jansson's dump of
 * the one-string array [s] (its brackets taken off). */
static void same_as_jansson(const char *s) {
    json_t *a = json_pack("[s]", s);
    assert_non_null(a);
    char *dumped = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    assert_non_null(dumped);
    size_t n = strlen(dumped);
    assert_true(n >= 2);
    dumped[n - 1] = 0;
    urne_buf b = {0};
    urne_buf_puts(&b, "x");
    assert_int_equal(urne_buf_json(&b, s), 0);
    assert_false(b.oom);
    assert_string_equal(b.data + 1, dumped + 1);
    assert_int_equal(b.data[0], 'x');
    free(dumped);
    urne_buf_free(&b);
}

static void test_like_jansson(void **state) {
    (void)state;
    same_as_jansson("");
    same_as_jansson("T12");
    same_as_jansson("Signature enregistrée : conservez votre code de reçu pour la vérifier plus tard.");
    same_as_jansson("DUPONT-MOREAU|Jean Marie|Saint-Étienne");
    same_as_jansson("say \"no\" \\ back/slash");
    same_as_jansson("tab\there\nline\rcr\bbs\fff");
    same_as_jansson("\x01\x02\x1f\x7f end");     /* C0 as \u00XX (DEL as it is, as jansson) */
    same_as_jansson("\xc2\x80\xc2\x9f");         /* C1 controls: valid UTF-8, as they are */
    same_as_jansson("日本語 — «guillemets» 😀"); /* 3- and 4-byte sequences */
    same_as_jansson("\xe2\x80\xa8 \xe2\x80\xa9"); /* U+2028, U+2029 */
    char all[128];                               /* every ASCII byte but NUL */
    for (int c = 1; c < 128; c++) all[c - 1] = (char)c;
    all[127] = 0;
    same_as_jansson(all);
}

/* Not UTF-8: refused, nothing appended (jansson refuses to pack it too). */
static void refused(const char *s) {
    assert_null(json_pack("[s]", s));
    urne_buf b = {0};
    urne_buf_puts(&b, "{\"name\":");
    size_t before = b.len;
    assert_int_equal(urne_buf_json(&b, s), -1);
    assert_int_equal(b.len, before);
    assert_string_equal(b.data, "{\"name\":");
    urne_buf_free(&b);
}

static void test_not_utf8(void **state) {
    (void)state;
    refused("a\xff" "b");          /* no character begins with 0xFF */
    refused("caf\xe9");            /* Latin-1, not UTF-8 */
    refused("\xc3");               /* cut short */
    refused("\xc0\xaf");           /* overlong */
    refused("\xed\xa0\x80");       /* a surrogate */
    refused("\xf4\x90\x80\x80");   /* beyond U+10FFFF */
    refused("ok \x80 continuation"); /* a continuation byte alone */
}

/* Appends after a failed one go on; a long string grows the buffer. */
static void test_appends(void **state) {
    (void)state;
    urne_buf b = {0};
    urne_buf_puts(&b, "{\"a\":");
    assert_int_equal(urne_buf_json(&b, "\xff"), -1);
    assert_int_equal(urne_buf_json(&b, "1"), 0);
    urne_buf_puts(&b, "}");
    assert_string_equal(b.data, "{\"a\":\"1\"}");
    urne_buf_free(&b);
    char big[5000];
    memset(big, '"', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(urne_buf_json(&b, big), 0);
    assert_false(b.oom);
    assert_int_equal(b.len, 2 + 2 * (sizeof big - 1));
    json_error_t err;
    json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY, &err);
    assert_non_null(back);
    assert_string_equal(json_string_value(back), big);
    json_decref(back);
    urne_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_like_jansson),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_appends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
