/*
 * urne_base64: bytes written as base64 (RFC 4648, the standard alphabet, with
 * padding), fast, for bytes that are public or already encrypted.
 *
 * Why not libsodium's sodium_bin2base64: it is written to take the same time
 * whatever the bytes (for secrets), a dozen operations a bit; the sealed
 * identity of every signature (some 300 bytes of a box: an ephemeral public key,
 * a nonce, the ciphertext) went through it, 1 % of a signature's server time
 * (issue 18). A box's bytes tell nothing of what it seals, so a table lookup,
 * whose time may follow the bytes, is safe there. Secrets (keys, tokens) keep
 * libsodium's. The output is the same as sodium_bin2base64's ORIGINAL variant
 * (tests/unit/test_base64.c checks it on every length to 300).
 */
#ifndef URNE_BASE64_H
#define URNE_BASE64_H

#include <stddef.h>

/* The characters n bytes take, without the terminating NUL. */
#define URNE_BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* in[0..n) as base64 into out, NUL-terminated: the characters written (not
 * counting the NUL), or 0 with out[0] = 0 when size is below
 * URNE_BASE64_LEN(n) + 1 (for n > 0). out and in must not overlap. */
size_t urne_base64_encode(char *out, size_t size, const unsigned char *in, size_t n);

#endif
