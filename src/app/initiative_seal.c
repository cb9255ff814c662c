/*
 * initiative_seal (app): identities boxed to the authority by batches of one
 * ephemeral key (initiative_seal.h says why and what it changes).
 */
#include "initiative_seal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_base64.h"

#define PREFIX "2:"
#define HEAD (crypto_box_PUBLICKEYBYTES + crypto_box_NONCEBYTES)

void urne_sealer_init(urne_sealer *s, const unsigned char authority[crypto_box_PUBLICKEYBYTES]) {
    memset(s, 0, sizeof *s);
    memcpy(s->authority, authority, sizeof s->authority);
}

/* The batch's keys wiped (not the pool). */
static void keys_wipe(urne_sealer *s) {
    sodium_memzero(s->shared, sizeof s->shared);
    sodium_memzero(s->ephemeral, sizeof s->ephemeral);
    s->uses = 0;
}

void urne_sealer_wipe(urne_sealer *s) {
    keys_wipe(s);
    sodium_memzero(s->pool, sizeof s->pool);
    s->left = 0;
}

void urne_sealer_random(urne_sealer *s, unsigned char *out, size_t n) {
    assert(s && out && n <= sizeof s->pool && s->left <= sizeof s->pool);
    if (s->left < n) { /* drawn again: a seed from the system, expanded, wiped */
        unsigned char seed[randombytes_SEEDBYTES];
        randombytes_buf(seed, sizeof seed);
        randombytes_buf_deterministic(s->pool, sizeof s->pool, seed);
        sodium_memzero(seed, sizeof seed);
        s->left = sizeof s->pool;
    }
    unsigned char *from = s->pool + sizeof s->pool - s->left; /* the first byte not given */
    memcpy(out, from, n);
    sodium_memzero(from, n);
    s->left -= n;
}

/* A new batch: an ephemeral key pair, the key it shares with the authority, and
 * its secret forgotten. 0, or -1 when the authority's key is not a valid point. */
static int batch_begin(urne_sealer *s, int64_t now) {
    unsigned char secret[crypto_box_SECRETKEYBYTES];
    keys_wipe(s);
    crypto_box_keypair(s->ephemeral, secret);
    int rc = crypto_box_beforenm(s->shared, s->authority, secret);
    sodium_memzero(secret, sizeof secret);
    if (rc != 0) {
        keys_wipe(s);
        return -1;
    }
    s->second = now;
    s->uses = 0;
    return 0;
}

int urne_sealer_box(urne_sealer *s, int64_t now, const unsigned char *text, size_t len, char *out, size_t size) {
    assert(s && out && size > 0 && (text || len == 0));
    out[0] = 0;
    size_t raw = HEAD + crypto_box_MACBYTES + len;
    if (len > size || sizeof PREFIX - 1 + URNE_BASE64_LEN(raw) + 1 > size) return -1;
    if ((s->uses == 0 || s->uses >= URNE_SEALER_USES || now != s->second) && batch_begin(s, now) < 0) return -1;
    unsigned char *box = malloc(raw);
    if (box == NULL) return -1;
    memcpy(box, s->ephemeral, crypto_box_PUBLICKEYBYTES);
    urne_sealer_random(s, box + crypto_box_PUBLICKEYBYTES, crypto_box_NONCEBYTES);
    int rc = crypto_box_easy_afternm(box + HEAD, text, len, box + crypto_box_PUBLICKEYBYTES, s->shared);
    if (rc == 0) {
        memcpy(out, PREFIX, sizeof PREFIX - 1);
        urne_base64_encode(out + sizeof PREFIX - 1, size - (sizeof PREFIX - 1), box, raw); /* room checked above */
        s->uses++;
    }
    sodium_memzero(box, raw);
    free(box);
    return rc == 0 ? 0 : -1;
}

long urne_sealer_open(const unsigned char pk[crypto_box_PUBLICKEYBYTES],
                      const unsigned char sk[crypto_box_SECRETKEYBYTES], const char *stored, unsigned char *plain,
                      size_t size) {
    int batched = strncmp(stored, PREFIX, sizeof PREFIX - 1) == 0;
    const char *b64 = batched ? stored + sizeof PREFIX - 1 : stored;
    size_t cap = strlen(b64) / 4 * 3 + 3, n = 0;
    unsigned char *box = malloc(cap);
    long got = -1;
    if (box == NULL ||
        sodium_base642bin(box, cap, b64, strlen(b64), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(box);
        return -1;
    }
    if (batched && n >= HEAD + crypto_box_MACBYTES && n - HEAD - crypto_box_MACBYTES < size &&
        crypto_box_open_easy(plain, box + HEAD, n - HEAD, box + crypto_box_PUBLICKEYBYTES, box, sk) == 0)
        got = (long)(n - HEAD - crypto_box_MACBYTES);
    else if (!batched && n >= crypto_box_SEALBYTES && n - crypto_box_SEALBYTES < size &&
             crypto_box_seal_open(plain, box, n, pk, sk) == 0)
        got = (long)(n - crypto_box_SEALBYTES);
    if (got >= 0) plain[got] = 0;
    free(box);
    return got;
}
