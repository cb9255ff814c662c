/*
 * urne_base64: see urne_base64.h (why not libsodium's, and for which bytes).
 *
 * Three bytes make four characters of six bits each, read from the alphabet;
 * a last group of one or two bytes is padded with '='.
 */
#include "urne_base64.h"

#include <assert.h>
#include <stdint.h>

static const char alphabet[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t urne_base64_encode(char *out, size_t size, const unsigned char *in, size_t n) {
    assert(out != NULL && size > 0 && (in != NULL || n == 0));
    size_t len = URNE_BASE64_LEN(n);
    if (n > (SIZE_MAX - 3) / 4 * 3 || size < len + 1) {
        out[0] = 0;
        return 0;
    }
    char *o = out;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        o[0] = alphabet[v >> 18];
        o[1] = alphabet[(v >> 12) & 63];
        o[2] = alphabet[(v >> 6) & 63];
        o[3] = alphabet[v & 63];
        o += 4;
    }
    if (i < n) { /* one or two bytes left */
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        o[0] = alphabet[v >> 18];
        o[1] = alphabet[(v >> 12) & 63];
        o[2] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        o[3] = '=';
        o += 4;
    }
    *o = 0;
    assert((size_t)(o - out) == len);
    return len;
}
