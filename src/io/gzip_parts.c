/*
 * gzip_parts: parts of one gzip stream made apart (gzip_parts.h says why and
 * how they are laid out).
 */
#include "gzip_parts.h"

#include <assert.h>
#include <zlib.h>

const unsigned char urne_gzip_header[URNE_GZIP_HEADER_BYTES] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255};

size_t urne_gzip_part_bound(size_t raw) {
    /* Deflate at its worst stores: 5 bytes for each block of at least 16 KiB,
     * less than raw / 8; a sync flush adds an empty stored block (5 bytes) and
     * may close the block in progress. Generous, so as to need no stream. */
    return raw + raw / 8 + 128;
}

int urne_gzip_part(const urne_gzip_span *sp, size_t n, int level, unsigned char *out, size_t cap, size_t *len,
                   urne_gzip_meta *meta) {
    assert((sp || n == 0) && out && len && meta && level >= 1 && level <= 9);
    z_stream z = {0};
    if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    urne_gzip_meta m = urne_gzip_meta_empty();
    z.next_out = out;
    z.avail_out = cap > UINT32_MAX ? UINT32_MAX : (uInt)cap;
    int ok = 1;
    for (size_t i = 0; ok && i < n; i++) {
        const unsigned char *d = sp[i].data;
        size_t left = sp[i].len;
        m.raw += left;
        while (ok && left > 0) { /* zlib takes at most 4 GiB a call */
            uInt take = left > UINT32_MAX ? UINT32_MAX : (uInt)left;
            m.crc = (uint32_t)crc32(m.crc, d, take);
            z.next_in = (Bytef *)d;
            z.avail_in = take;
            ok = deflate(&z, Z_NO_FLUSH) == Z_OK && z.avail_in == 0;
            d += take;
            left -= take;
        }
    }
    /* Room left after the flush means the flush completed (zlib stops when the
     * output is full, which would cut the part short). */
    ok = ok && deflate(&z, Z_SYNC_FLUSH) == Z_OK && z.avail_out > 0;
    if (ok) {
        *len = (size_t)(z.next_out - out);
        *meta = m;
    }
    deflateEnd(&z);
    return ok ? 0 : -1;
}

size_t urne_gzip_stored(const void *data, size_t len, unsigned char *out, urne_gzip_meta *meta) {
    assert(len <= URNE_GZIP_STORED_MAX && out && meta && (data || len == 0));
    /* After a sync flush the stream is on a byte boundary: the block's three
     * header bits (not last, stored) and the padding are one zero byte, then
     * LEN and its complement, little-endian (RFC 1951, 3.2.4). */
    out[0] = 0;
    out[1] = (unsigned char)(len & 0xff);
    out[2] = (unsigned char)(len >> 8);
    out[3] = (unsigned char)(~len & 0xff);
    out[4] = (unsigned char)((~len >> 8) & 0xff);
    const unsigned char *d = data;
    for (size_t i = 0; i < len; i++) out[URNE_GZIP_STORED_OVERHEAD + i] = d[i];
    meta->raw = len;
    meta->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), len ? d : Z_NULL, (uInt)len);
    return URNE_GZIP_STORED_OVERHEAD + len;
}

urne_gzip_meta urne_gzip_meta_empty(void) { return (urne_gzip_meta){0, (uint32_t)crc32(0L, Z_NULL, 0)}; }

void urne_gzip_meta_add(urne_gzip_meta *whole, urne_gzip_meta part) {
    whole->crc = (uint32_t)crc32_combine(whole->crc, part.crc, (z_off_t)part.raw);
    whole->raw += part.raw;
}

void urne_gzip_end(urne_gzip_meta whole, unsigned char out[URNE_GZIP_END_BYTES]) {
    out[0] = 3; /* an empty fixed-Huffman block, the last: bits 1, 01, then end-of-block */
    out[1] = 0;
    for (int i = 0; i < 4; i++) {
        out[2 + i] = (unsigned char)(whole.crc >> (8 * i));
        out[6 + i] = (unsigned char)((uint32_t)whole.raw >> (8 * i));
    }
}
