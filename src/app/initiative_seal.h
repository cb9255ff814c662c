/*
 * initiative_seal (app): signers' identities boxed to the verification
 * authority's public key, so that the server keeps what it cannot read back.
 *
 * libsodium's sealed box (crypto_box_seal) makes a new X25519 key pair for every
 * box and agrees a key with the authority's: two scalar multiplications, some
 * 100 microseconds on this project's 2-core machine, so at most ~18,000 boxes a
 * second with both cores doing nothing else, below the 20,000 signatures a
 * second issue 18 asks. A sealer therefore makes the same construction once per
 * *batch*: an ephemeral key pair, its secret forgotten as soon as the key shared
 * with the authority is derived (crypto_box_beforenm), then each box is
 * XSalsa20-Poly1305 under that shared key with a random nonce (crypto_box_easy_
 * afternm, about a microsecond). A batch ends after URNE_SEALER_USES boxes or
 * when its second is over; its shared key is then wiped.
 *
 * What that changes, and why it is acceptable: only the authority's secret key
 * opens a box from the database alone, as with sealed boxes. Someone reading the
 * server's memory at a given moment could open the boxes of the current batch
 * (at most one second's), where with a sealed box they could open none of the
 * past; but that reader sees the identities in clear as they arrive anyway.
 *
 * Stored form: "2:" then base64 of ephemeral public key (32 bytes), nonce (24)
 * and the box (16-byte tag, then the text). A value without the "2:" prefix is a
 * sealed box as urne wrote them before, and still opens (urne_sealer_open).
 *
 * Random bytes (the boxes' nonces, and the receipts' random parts through
 * urne_sealer_random) come from a pool of URNE_SEALER_POOL bytes the sealer
 * holds: a fresh 32-byte seed drawn from the system (randombytes_buf: one
 * getrandom(2)) expanded by ChaCha20 (randombytes_buf_deterministic), the seed
 * wiped at once; each byte handed out is wiped from the pool, so none is given
 * twice, and an empty pool is drawn again. Drawing 37 bytes a signature from the
 * system was 1.7 getrandom(2) calls a signature (issue 18, load18), costly
 * system calls on the bench's virtual machine; now one per ~110 signatures.
 * What the pool changes: someone reading the server's memory once learns the
 * random parts of the next ~110 receipts (and nonces), where reading it
 * without the pool they learn none ahead; as above, that reader sees the
 * identities and receipts themselves as they are made anyway. urne never
 * forks: a process that did would have to wipe its sealers in the child
 * (urne_sealer_wipe), or parent and child would hand out the same bytes; no
 * check of the process at each draw, which would be a system call each
 * (getpid(2) is not cached by glibc).
 *
 * Not thread-safe: a sealer is used under its owner's lock (the application's).
 */
#ifndef URNE_APP_INITIATIVE_SEAL_H
#define URNE_APP_INITIATIVE_SEAL_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#define URNE_SEALER_USES 100000 /* boxes per ephemeral key at most */
#define URNE_SEALER_POOL 4096   /* random bytes drawn at once */

typedef struct urne_sealer {
    unsigned char authority[crypto_box_PUBLICKEYBYTES];
    unsigned char ephemeral[crypto_box_PUBLICKEYBYTES]; /* the batch's public key */
    unsigned char shared[crypto_box_BEFORENMBYTES];     /* the batch's key with the authority */
    int64_t second;                                     /* the second the batch began */
    int64_t uses;                                       /* boxes made in the batch; 0: no batch */
    unsigned char pool[URNE_SEALER_POOL];               /* random bytes not yet given: the last `left` */
    size_t left;
} urne_sealer;

/* A sealer for the authority's public key, with no batch yet. */
void urne_sealer_init(urne_sealer *s, const unsigned char authority[crypto_box_PUBLICKEYBYTES]);

/* Box `len` bytes of text at `now` (UTC seconds: a new batch when its second is
 * not the batch's), its stored form into out (size bytes, NUL ended). 0, or -1
 * when it would not fit in size or the key agreement fails (out is "" then). */
int urne_sealer_box(urne_sealer *s, int64_t now, const unsigned char *text, size_t len, char *out, size_t size);

/* Wipe the batch's keys and the random pool; the sealer starts a new batch at
 * its next box. */
void urne_sealer_wipe(urne_sealer *s);

/* n random bytes (n <= URNE_SEALER_POOL) into out, from the pool (drawn again
 * when it holds fewer), each wiped from it: never given twice. */
void urne_sealer_random(urne_sealer *s, unsigned char *out, size_t n);

/* The bytes a stored box (either form) holds, opened with the authority's key
 * pair, into plain (size bytes; NUL ended, so text). Their length, or -1 when
 * the value is not a box, does not open with that key, or would not fit. */
long urne_sealer_open(const unsigned char pk[crypto_box_PUBLICKEYBYTES],
                      const unsigned char sk[crypto_box_SECRETKEYBYTES], const char *stored, unsigned char *plain,
                      size_t size);

#endif
