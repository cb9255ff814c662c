/*
 * cache_gzip: a kept page's gzip copy in two parts around the audit log's head
 * (cache_gzip.h says why).
 */
#include "cache_gzip.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../io/gzip_parts.h"

struct urne_cache_gz {
    urne_gzip_meta before, after; /* the raw bytes of each part */
    size_t before_len, after_len; /* their compressed bytes, one after the other in data */
    unsigned char data[];
};

#define GZ_MIN 1024

int urne_cache_gz_worth(const char *type, size_t len) {
    if (type == NULL || len < GZ_MIN) return 0;
    static const char *const kinds[] = {"text/", "application/json", "application/javascript", "image/svg+xml"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strncmp(type, kinds[i], strlen(kinds[i])) == 0) return 1;
    return 0;
}

urne_cache_gz *urne_cache_gz_make(const char *body, size_t len, size_t at, size_t n) {
    assert(body && at <= len && n <= len - at);
    size_t cap = urne_gzip_part_bound(at) + urne_gzip_part_bound(len - at - n);
    urne_cache_gz *g = malloc(sizeof *g + cap);
    if (g == NULL) return NULL;
    urne_gzip_span before = {body, at}, after = {body + at + n, len - at - n};
    if (urne_gzip_part(&before, 1, Z_BEST_SPEED, g->data, cap, &g->before_len, &g->before) != 0 ||
        urne_gzip_part(&after, 1, Z_BEST_SPEED, g->data + g->before_len, cap - g->before_len, &g->after_len,
                       &g->after) != 0) {
        free(g);
        return NULL;
    }
    /* Give back what the bound kept in reserve (most of it: the page compresses). */
    urne_cache_gz *small = realloc(g, sizeof *g + g->before_len + g->after_len);
    return small ? small : g;
}

size_t urne_cache_gz_bytes(const urne_cache_gz *g) { return sizeof *g + g->before_len + g->after_len; }

size_t urne_cache_gz_size(const urne_cache_gz *g, size_t mid_len) {
    if (mid_len > URNE_GZIP_STORED_MAX) return 0;
    return URNE_GZIP_HEADER_BYTES + g->before_len + URNE_GZIP_STORED_OVERHEAD + mid_len + g->after_len +
           URNE_GZIP_END_BYTES;
}

void urne_cache_gz_write(const urne_cache_gz *g, const char *mid, size_t mid_len, char *out) {
    assert(mid_len <= URNE_GZIP_STORED_MAX && (mid || mid_len == 0));
    unsigned char *p = (unsigned char *)out;
    urne_gzip_meta whole = urne_gzip_meta_empty(), m;
    memcpy(p, urne_gzip_header, URNE_GZIP_HEADER_BYTES);
    p += URNE_GZIP_HEADER_BYTES;
    memcpy(p, g->data, g->before_len);
    p += g->before_len;
    urne_gzip_meta_add(&whole, g->before);
    p += urne_gzip_stored(mid, mid_len, p, &m);
    urne_gzip_meta_add(&whole, m);
    memcpy(p, g->data + g->before_len, g->after_len);
    p += g->after_len;
    urne_gzip_meta_add(&whole, g->after);
    urne_gzip_end(whole, p);
}

void urne_cache_gz_free(urne_cache_gz *g) { free(g); }
