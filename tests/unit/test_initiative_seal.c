/*
 * test_initiative_seal: identities boxed to the authority by batches
 * (src/app/initiative_seal.h): what is boxed opens with the authority's key
 * only, byte for byte; a batch shares one ephemeral key within its second and
 * up to its count, and a new one after; a box altered by one bit does not open;
 * the boxes urne wrote before (sealed boxes) still open; nothing is written past
 * the room given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/app/initiative_seal.h"

typedef struct keys {
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
} keys;

static int setup(void **state) {
    static keys k;
    if (sodium_init() < 0) return -1;
    crypto_box_keypair(k.pk, k.sk);
    *state = &k;
    return 0;
}

static const char text[] = "{\"name\":\"NDIAYE\",\"given\":\"AWA\",\"birth\":\"1990-01-02\"}";

/* The ephemeral public key a stored "2:" box names, into out. */
static void ephemeral_of(const char *stored, unsigned char out[32]) {
    unsigned char raw[512];
    size_t n = 0;
    assert_int_equal(strncmp(stored, "2:", 2), 0);
    assert_int_equal(sodium_base642bin(raw, sizeof raw, stored + 2, strlen(stored + 2), NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL), 0);
    assert_true(n >= 32 + 24 + 16 + sizeof text - 1);
    memcpy(out, raw, 32);
}

static void test_round_trip(void **state) {
    keys *k = *state;
    urne_sealer s;
    urne_sealer_init(&s, k->pk);
    char stored[600];
    assert_int_equal(urne_sealer_box(&s, 1000, (const unsigned char *)text, strlen(text), stored, sizeof stored), 0);
    assert_null(strstr(stored, "NDIAYE"));
    unsigned char plain[600];
    assert_int_equal(urne_sealer_open(k->pk, k->sk, stored, plain, sizeof plain), (long)strlen(text));
    assert_string_equal((char *)plain, text);
    /* Another authority's key does not open it. */
    keys other;
    crypto_box_keypair(other.pk, other.sk);
    assert_int_equal(urne_sealer_open(other.pk, other.sk, stored, plain, sizeof plain), -1);
    urne_sealer_wipe(&s);
}

static void test_batches(void **state) {
    keys *k = *state;
    urne_sealer s;
    urne_sealer_init(&s, k->pk);
    char a[600], b[600], c[600];
    unsigned char ea[32], eb[32], ec[32];
    assert_int_equal(urne_sealer_box(&s, 50, (const unsigned char *)text, strlen(text), a, sizeof a), 0);
    assert_int_equal(urne_sealer_box(&s, 50, (const unsigned char *)text, strlen(text), b, sizeof b), 0);
    assert_int_equal(urne_sealer_box(&s, 51, (const unsigned char *)text, strlen(text), c, sizeof c), 0);
    ephemeral_of(a, ea);
    ephemeral_of(b, eb);
    ephemeral_of(c, ec);
    assert_memory_equal(ea, eb, 32);    /* one batch within a second */
    assert_memory_not_equal(ea, ec, 32); /* a new one the next second */
    assert_string_not_equal(a, b);      /* each box its own nonce */
    /* After URNE_SEALER_USES boxes, a new key even within the second. */
    s.uses = URNE_SEALER_USES;
    assert_int_equal(urne_sealer_box(&s, 51, (const unsigned char *)text, strlen(text), b, sizeof b), 0);
    ephemeral_of(b, eb);
    assert_memory_not_equal(eb, ec, 32);
    assert_int_equal(s.uses, 1);
    /* Wiped, the next box begins a batch of its own. */
    urne_sealer_wipe(&s);
    assert_int_equal(s.uses, 0);
    assert_int_equal(urne_sealer_box(&s, 51, (const unsigned char *)text, strlen(text), a, sizeof a), 0);
    ephemeral_of(a, ea);
    assert_memory_not_equal(ea, eb, 32);
    unsigned char plain[600];
    assert_true(urne_sealer_open(k->pk, k->sk, a, plain, sizeof plain) > 0);
    assert_true(urne_sealer_open(k->pk, k->sk, c, plain, sizeof plain) > 0);
}

static void test_tampered(void **state) {
    keys *k = *state;
    urne_sealer s;
    urne_sealer_init(&s, k->pk);
    char stored[600];
    assert_int_equal(urne_sealer_box(&s, 7, (const unsigned char *)text, strlen(text), stored, sizeof stored), 0);
    unsigned char raw[600], plain[600];
    size_t n = 0;
    assert_int_equal(sodium_base642bin(raw, sizeof raw, stored + 2, strlen(stored + 2), NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL), 0);
    for (size_t at = 0; at < n; at += 7) { /* any byte: key, nonce, tag or text */
        raw[at] ^= 1;
        char bad[600] = "2:";
        sodium_bin2base64(bad + 2, sizeof bad - 2, raw, n, sodium_base64_VARIANT_ORIGINAL);
        assert_int_equal(urne_sealer_open(k->pk, k->sk, bad, plain, sizeof plain), -1);
        raw[at] ^= 1;
    }
    assert_int_equal(urne_sealer_open(k->pk, k->sk, "2:not base64!", plain, sizeof plain), -1);
    assert_int_equal(urne_sealer_open(k->pk, k->sk, "", plain, sizeof plain), -1);
    assert_int_equal(urne_sealer_open(k->pk, k->sk, "2:", plain, sizeof plain), -1);
}

static void test_sealed_box_still_opens(void **state) {
    keys *k = *state;
    unsigned char box[600], plain[600];
    size_t len = strlen(text);
    assert_int_equal(crypto_box_seal(box, (const unsigned char *)text, len, k->pk), 0);
    char stored[900];
    sodium_bin2base64(stored, sizeof stored, box, len + crypto_box_SEALBYTES, sodium_base64_VARIANT_ORIGINAL);
    assert_int_equal(urne_sealer_open(k->pk, k->sk, stored, plain, sizeof plain), (long)len);
    assert_string_equal((char *)plain, text);
    /* Room for the text but not its NUL: refused, nothing claimed. */
    assert_int_equal(urne_sealer_open(k->pk, k->sk, stored, plain, len), -1);
}

static void test_room(void **state) {
    keys *k = *state;
    urne_sealer s;
    urne_sealer_init(&s, k->pk);
    char out[600];
    size_t need = 2 + sodium_base64_encoded_len(32 + 24 + 16 + strlen(text), sodium_base64_VARIANT_ORIGINAL);
    assert_int_equal(urne_sealer_box(&s, 1, (const unsigned char *)text, strlen(text), out, need - 1), -1);
    assert_string_equal(out, "");
    assert_int_equal(urne_sealer_box(&s, 1, (const unsigned char *)text, strlen(text), out, need), 0);
    assert_int_equal(strlen(out), need - 1);
    unsigned char plain[600];
    assert_int_equal(urne_sealer_open(k->pk, k->sk, out, plain, strlen(text)), -1); /* no room for the NUL */
    assert_int_equal(urne_sealer_open(k->pk, k->sk, out, plain, strlen(text) + 1), (long)strlen(text));
    /* An authority key that is no point of the curve: refused, "" written. */
    unsigned char zero[32] = {0};
    urne_sealer z;
    urne_sealer_init(&z, zero);
    assert_int_equal(urne_sealer_box(&z, 1, (const unsigned char *)text, strlen(text), out, sizeof out), -1);
    assert_string_equal(out, "");
}

/* The random pool: bytes given once each (wiped from the pool as given), drawn
 * again once spent; two draws never alike; the boxes' nonces from it. */
static void test_random_pool(void **state) {
    const keys *k = *state;
    static urne_sealer s; /* static: its pool is 4 KiB */
    urne_sealer_init(&s, k->pk);
    assert_int_equal(s.left, 0);
    enum { DRAW = 13, N = 2 * URNE_SEALER_POOL / DRAW };
    static unsigned char got[N][DRAW];
    static const unsigned char zero[DRAW];
    for (int i = 0; i < N; i++) {
        urne_sealer_random(&s, got[i], DRAW);
        assert_true(s.left < URNE_SEALER_POOL);
        assert_memory_equal(s.pool + URNE_SEALER_POOL - s.left - DRAW, zero, DRAW); /* wiped once given */
        assert_memory_not_equal(got[i], zero, DRAW);
        if (i) assert_memory_not_equal(got[i], got[i - 1], DRAW);
    }
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) assert_memory_not_equal(got[i], got[j], DRAW);
    /* Two boxes of one batch: their nonces (after the 32-byte key) differ. */
    char a[300], b[300];
    unsigned char ra[300], rb[300];
    assert_int_equal(urne_sealer_box(&s, 7, (const unsigned char *)text, strlen(text), a, sizeof a), 0);
    assert_int_equal(urne_sealer_box(&s, 7, (const unsigned char *)text, strlen(text), b, sizeof b), 0);
    size_t la, lb;
    assert_int_equal(
        sodium_base642bin(ra, sizeof ra, a + 2, strlen(a + 2), NULL, &la, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
    assert_int_equal(
        sodium_base642bin(rb, sizeof rb, b + 2, strlen(b + 2), NULL, &lb, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
    assert_memory_equal(ra, rb, 32); /* one batch: one ephemeral key */
    assert_memory_not_equal(ra + 32, rb + 32, 24);
    urne_sealer_wipe(&s);
    assert_int_equal(s.left, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),          cmocka_unit_test(test_batches),
        cmocka_unit_test(test_tampered),            cmocka_unit_test(test_sealed_box_still_opens),
        cmocka_unit_test(test_room),                cmocka_unit_test(test_random_pool),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
