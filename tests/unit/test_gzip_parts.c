/* One gzip stream from parts made apart (io/gzip_parts.h) and a kept page's copy
 * around its head (web/cache_gzip.h): inflated by zlib, which checks the CRC-32
 * and the length, each must give back the very bytes, whatever the parts hold:
 * nothing, text, bytes that do not compress, a head at the start or the end. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../src/io/gzip_parts.h"
#include "../../src/web/cache_gzip.h"
#include "helpers.h"

/* gz[0..n) inflated as gzip (zlib checks its trailer) into a new buffer; its
 * length into *len. NULL when it is not one valid, whole stream. */
static unsigned char *inflate_all(const unsigned char *gz, size_t n, size_t *len) {
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
    size_t cap = 1 << 20;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    z.next_in = (Bytef *)gz;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = inflate(&z, Z_FINISH);
    *len = z.total_out;
    int whole = rc == Z_STREAM_END && z.avail_in == 0;
    inflateEnd(&z);
    if (!whole) {
        free(out);
        return NULL;
    }
    return out;
}

/* A body of len bytes: French words, or bytes that do not compress. */
static char *body(size_t len, int random) {
    char *b = malloc(len + 1);
    assert_non_null(b);
    static const char words[] = "Pétition citoyenne : signatures par territoire, seuil atteint. ";
    unsigned x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = random ? (char)(x >> 16) : words[i % (sizeof words - 1)];
    }
    b[len] = 0;
    return b;
}

/* Parts made apart, a stored block between, laid end to end. */
static void test_parts_laid_end_to_end(void **state) {
    (void)state;
    char *a = body(70000, 0), *b = body(5000, 1);
    const char mid[] = "#123 0123456789abcdef";
    size_t cap = URNE_GZIP_HEADER_BYTES + urne_gzip_part_bound(70000) + urne_gzip_part_bound(5000) +
                 URNE_GZIP_STORED_OVERHEAD + sizeof mid + URNE_GZIP_END_BYTES;
    unsigned char *gz = malloc(cap), *p = gz;
    memcpy(p, urne_gzip_header, URNE_GZIP_HEADER_BYTES);
    p += URNE_GZIP_HEADER_BYTES;
    urne_gzip_meta whole = urne_gzip_meta_empty(), m;
    size_t n;
    urne_gzip_span sa[2] = {{a, 30000}, {a + 30000, 40000}}, sb = {b, 5000};
    assert_int_equal(urne_gzip_part(sa, 2, 6, p, urne_gzip_part_bound(70000), &n, &m), 0);
    assert_int_equal(m.raw, 70000);
    urne_gzip_meta_add(&whole, m);
    p += n;
    p += urne_gzip_stored(mid, strlen(mid), p, &m);
    urne_gzip_meta_add(&whole, m);
    assert_int_equal(urne_gzip_part(&sb, 1, 1, p, urne_gzip_part_bound(5000), &n, &m), 0);
    assert_true(n > 5000); /* random bytes do not compress: the bound must hold them */
    urne_gzip_meta_add(&whole, m);
    p += n;
    urne_gzip_end(whole, p);
    p += URNE_GZIP_END_BYTES;
    size_t len;
    unsigned char *out = inflate_all(gz, (size_t)(p - gz), &len);
    assert_non_null(out);
    assert_int_equal(len, 70000 + strlen(mid) + 5000);
    assert_memory_equal(out, a, 70000);
    assert_memory_equal(out + 70000, mid, strlen(mid));
    assert_memory_equal(out + 70000 + strlen(mid), b, 5000);
    /* A part whose room is too small is refused, not cut short. */
    assert_int_equal(urne_gzip_part(&sb, 1, 1, gz, 100, &n, &m), -1);
    free(out);
    free(gz);
    free(a);
    free(b);
}

/* The copy with `mid` in place of body[at, at + n): the body so changed. */
static void copy_is(const char *b, size_t len, size_t at, size_t n, const char *mid) {
    urne_cache_gz *g = urne_cache_gz_make(b, len, at, n);
    assert_non_null(g);
    assert_true(urne_cache_gz_bytes(g) > 0);
    size_t mlen = strlen(mid), size = urne_cache_gz_size(g, mlen);
    assert_true(size > 0);
    char *gz = malloc(size);
    urne_cache_gz_write(g, mid, mlen, gz);
    size_t got;
    unsigned char *out = inflate_all((unsigned char *)gz, size, &got);
    assert_non_null(out);
    assert_int_equal(got, len - n + mlen);
    assert_memory_equal(out, b, at);
    assert_memory_equal(out + at, mid, mlen);
    assert_memory_equal(out + at + mlen, b + at + n, len - at - n);
    free(out);
    free(gz);
    urne_cache_gz_free(g);
}

static void test_page_copy_around_head(void **state) {
    (void)state;
    char *b = body(30000, 0), *r = body(3000, 1);
    copy_is(b, 30000, 20000, 80, "#99 new-head");          /* the head amid the page */
    copy_is(b, 30000, 20000, 80, "#100000 a-longer-head"); /* longer than it was */
    copy_is(b, 30000, 0, 10, "start");                     /* at the start */
    copy_is(b, 30000, 29990, 10, "end");                   /* at the end */
    copy_is(b, 30000, 30000, 0, "");                       /* no head: the body whole */
    copy_is(r, 3000, 1000, 5, "x");                        /* bytes that do not compress */
    copy_is(b, 0, 0, 0, "");                               /* nothing at all */
    urne_cache_gz *g = urne_cache_gz_make(b, 30000, 0, 0);
    assert_int_equal(urne_cache_gz_size(g, URNE_GZIP_STORED_MAX + 1), 0); /* too long to store: not so */
    urne_cache_gz_free(g);
    free(b);
    free(r);
}

static void test_worth(void **state) {
    (void)state;
    assert_true(urne_cache_gz_worth("text/html; charset=utf-8", 5000));
    assert_true(urne_cache_gz_worth("application/json", 2000));
    assert_true(urne_cache_gz_worth("image/svg+xml", 1024));
    assert_false(urne_cache_gz_worth("text/html; charset=utf-8", 1023));
    assert_false(urne_cache_gz_worth("image/png", 50000));
    assert_false(urne_cache_gz_worth(NULL, 50000));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_laid_end_to_end),
        cmocka_unit_test(test_page_copy_around_head),
        cmocka_unit_test(test_worth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
