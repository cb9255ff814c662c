/*
 * gzip_parts: one gzip stream (RFC 1952) laid end to end from parts compressed
 * apart.
 *
 * A large answer that changes in places (a level's units, a page whose footer
 * shows the audit log's head) need not be compressed whole again when one place
 * changes: each part is raw deflate (RFC 1951) that ends on a byte boundary
 * without being the last block (a sync flush), so parts made apart, each knowing
 * its raw length and CRC-32, follow one another in one stream; bytes that change
 * often go in as a stored block (copied, not compressed); the stream ends with an
 * empty last block and the trailer, the CRC-32 of the whole folded from the
 * parts' (crc32_combine). Any decoder reads the result as one ordinary member.
 *
 * The layout of a stream: urne_gzip_header, the parts and stored blocks in the
 * order of their raw bytes, then urne_gzip_end's 10 bytes.
 */
#ifndef URNE_IO_GZIP_PARTS_H
#define URNE_IO_GZIP_PARTS_H

#include <stddef.h>
#include <stdint.h>

/* What a part holds uncompressed: its length and CRC-32. */
typedef struct urne_gzip_meta {
    uint64_t raw;
    uint32_t crc;
} urne_gzip_meta;

/* Bytes to compress: one span of a part. */
typedef struct urne_gzip_span {
    const void *data;
    size_t len;
} urne_gzip_span;

/* The 10 bytes that open every stream: deflate, no name, no time, unknown OS. */
#define URNE_GZIP_HEADER_BYTES 10
extern const unsigned char urne_gzip_header[URNE_GZIP_HEADER_BYTES];

/* The bytes urne_gzip_part may write for `raw` bytes in: a bound, never short. */
size_t urne_gzip_part_bound(size_t raw);

/* Compress the spans sp[0..n) (level 1 to 9, as zlib's) as one part into out,
 * at most cap bytes (urne_gzip_part_bound of their total is enough): its length
 * into *len, its raw length and CRC-32 into *meta. 0, or -1 when zlib fails (out
 * of memory) or cap is too small. */
int urne_gzip_part(const urne_gzip_span *sp, size_t n, int level, unsigned char *out, size_t cap, size_t *len,
                   urne_gzip_meta *meta);

/* The most a stored block holds, and its bytes beyond its data. */
#define URNE_GZIP_STORED_MAX 65535u
#define URNE_GZIP_STORED_OVERHEAD 5

/* data[0..len) as a stored block (not the last) into out, which has room for
 * len + URNE_GZIP_STORED_OVERHEAD bytes; len <= URNE_GZIP_STORED_MAX. Its meta
 * into *meta. Returns the bytes written. */
size_t urne_gzip_stored(const void *data, size_t len, unsigned char *out, urne_gzip_meta *meta);

/* The meta of a part's raw bytes following whole's: whole becomes both. */
void urne_gzip_meta_add(urne_gzip_meta *whole, urne_gzip_meta part);

/* The empty meta, where urne_gzip_meta_add starts. */
urne_gzip_meta urne_gzip_meta_empty(void);

/* The 10 bytes that close a stream whose raw bytes are `whole`: an empty last
 * block, the CRC-32 and the length modulo 2^32, little-endian. */
#define URNE_GZIP_END_BYTES 10
void urne_gzip_end(urne_gzip_meta whole, unsigned char out[URNE_GZIP_END_BYTES]);

#endif
