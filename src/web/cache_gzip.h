/*
 * cache_gzip: a kept page's gzip copy, for the clients that take gzip.
 *
 * Browsers all send "Accept-Encoding: gzip"; an initiative's counter page is 30
 * KB of HTML and a results page more, about a fifth of that compressed, which is
 * what a telephone on a weak network waits for and what the socket copies. So
 * the cache (cache.c) keeps, beside a body, its compressed copy for the clients
 * that take it, made at the first such client's request (outside the cache's
 * lock) and kept as long as the body.
 *
 * A kept body may show the audit log's head, which the cache writes anew into it
 * when the head moves (cache.h): compressed whole, the copy would have to be
 * made again at every change of the head, a thousand times a second while sheets
 * come in. So the body is compressed in two parts around the head, each ending
 * on a byte (io/gzip_parts.h), and the copy is laid out from them with the head
 * as it is now as a stored block between: moving the head costs a copy of the
 * compressed bytes, not a compression.
 *
 * Compression beside secrets leaks them to one who can add text to the page and
 * watch its length (BREACH): the cache keeps only anonymous answers, the same
 * bytes for every visitor, so there is no secret of a visitor's in them to leak;
 * answers to a session are never compressed.
 */
#ifndef URNE_WEB_CACHE_GZIP_H
#define URNE_WEB_CACHE_GZIP_H

#include <stddef.h>

/* A body's two compressed parts, before and after the span it leaves out. */
typedef struct urne_cache_gz urne_cache_gz;

/* Whether a body of this type and length is worth compressing: text (HTML, CSS,
 * JavaScript, JSON, SVG, CSV) of 1 KiB or more. */
int urne_cache_gz_worth(const char *type, size_t len);

/* body[0..len) compressed in two parts around [at, at + n) (n may be 0), which
 * is left out: each kept body's copy is urne_cache_gz_write's with the bytes then
 * in that place. at + n <= len. NULL when out of memory. */
urne_cache_gz *urne_cache_gz_make(const char *body, size_t len, size_t at, size_t n);

/* The memory g holds, for the cache's budget. */
size_t urne_cache_gz_bytes(const urne_cache_gz *g);

/* The length of the gzip stream of the body with mid[0..mid_len) in the span's
 * place; mid_len at most 65,535 (a stored block), else 0: not to be sent so. */
size_t urne_cache_gz_size(const urne_cache_gz *g, size_t mid_len);

/* That stream into out, which has urne_cache_gz_size(g, mid_len) bytes. */
void urne_cache_gz_write(const urne_cache_gz *g, const char *mid, size_t mid_len, char *out);

void urne_cache_gz_free(urne_cache_gz *g);

#endif
