/*
 * test_base64: urne_base64_encode against RFC 4648's vectors, against
 * libsodium's sodium_bin2base64 (ORIGINAL variant) on random bytes of every
 * length from 0 to 300, and refusing a buffer one character too small.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "../../src/core/urne_base64.h"

static void test_rfc4648_vectors(void **state) {
    (void)state;
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t k = 0; k < 7; k++) {
        char out[16];
        size_t n = urne_base64_encode(out, sizeof out, (const unsigned char *)plain[k], strlen(plain[k]));
        assert_string_equal(out, coded[k]);
        assert_int_equal(n, strlen(coded[k]));
    }
}

static void test_as_libsodium(void **state) {
    (void)state;
    assert_true(sodium_init() >= 0);
    unsigned char in[300];
    char ours[URNE_BASE64_LEN(300) + 1], theirs[URNE_BASE64_LEN(300) + 1];
    for (size_t n = 0; n <= sizeof in; n++) {
        for (int round = 0; round < 4; round++) {
            randombytes_buf(in, n);
            if (round == 1) memset(in, 0xff, n); /* the alphabet's ends */
            if (round == 2) memset(in, 0, n);
            size_t len = urne_base64_encode(ours, sizeof ours, in, n);
            sodium_bin2base64(theirs, sizeof theirs, in, n, sodium_base64_VARIANT_ORIGINAL);
            assert_string_equal(ours, theirs);
            assert_int_equal(len, strlen(theirs));
            assert_int_equal(len, URNE_BASE64_LEN(n));
        }
    }
}

static void test_too_small(void **state) {
    (void)state;
    const unsigned char in[4] = {1, 2, 3, 4};
    char out[9];
    memset(out, 'x', sizeof out);
    assert_int_equal(urne_base64_encode(out, 8, in, 4), 0); /* 8 characters and the NUL need 9 */
    assert_int_equal(out[0], 0);
    assert_int_equal(urne_base64_encode(out, 9, in, 4), 8);
    assert_string_equal(out, "AQIDBA==");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_as_libsodium),
        cmocka_unit_test(test_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
