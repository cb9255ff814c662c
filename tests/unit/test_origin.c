/*
 * test_origin: the same-origin check of POSTs (web/origin.c) at its edges:
 * neither header, Origin before Referer, a Host with and without its port, the
 * scheme's default ports, IPv6 hosts, case, the public URL (scheme and port
 * included), and what names no site ("null", another scheme, a port out of
 * range, user information).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/web/origin.h"

static void test_headers(void **state) {
    (void)state;
    assert_int_equal(urne_origin_ours(NULL, NULL, NULL, "a.org", NULL), 1);  /* curl */
    assert_int_equal(urne_origin_ours(NULL, NULL, NULL, NULL, NULL), 1);
    assert_int_equal(urne_origin_ours("http://a.org", NULL, NULL, "a.org", NULL), 1);
    assert_int_equal(urne_origin_ours("http://b.org", NULL, NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours(NULL, "http://a.org/initiatives/1?x=1#y", NULL, "a.org", NULL), 1);
    assert_int_equal(urne_origin_ours(NULL, "http://b.org/a.org", NULL, "a.org", NULL), 0);
    /* The Origin wins over the Referer, either way. */
    assert_int_equal(urne_origin_ours("http://b.org", "http://a.org/", NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org", "http://b.org/", NULL, "a.org", NULL), 1);
    /* Naming no site: refused. */
    assert_int_equal(urne_origin_ours("null", NULL, NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("", NULL, NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours(NULL, "ftp://a.org/", NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours(NULL, "a.org/page", NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("http://user@a.org", NULL, NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org", NULL, NULL, NULL, NULL), 0); /* no Host: nothing to be */
    assert_int_equal(urne_origin_ours("http://a.org", NULL, NULL, "", NULL), 0);
}

static void test_ports(void **state) {
    (void)state;
    assert_int_equal(urne_origin_ours("http://a.org:8080", NULL, NULL, "a.org:8080", NULL), 1);
    assert_int_equal(urne_origin_ours("http://a.org:8081", NULL, NULL, "a.org:8080", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org", NULL, NULL, "a.org:8080", NULL), 0);
    /* A Host without a port: the default port of the Origin's scheme (a proxy's $host). */
    assert_int_equal(urne_origin_ours("https://a.org", NULL, NULL, "a.org", NULL), 1);
    assert_int_equal(urne_origin_ours("https://a.org:443", NULL, NULL, "a.org", NULL), 1);
    assert_int_equal(urne_origin_ours("http://a.org:80", NULL, NULL, "a.org", NULL), 1);
    assert_int_equal(urne_origin_ours("https://a.org:8443", NULL, NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("https://a.org", NULL, NULL, "a.org:443", NULL), 1);
    assert_int_equal(urne_origin_ours("http://a.org", NULL, NULL, "a.org:443", NULL), 0);
    /* Ports that are none. */
    assert_int_equal(urne_origin_ours("http://a.org:0", NULL, NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org:65536", NULL, NULL, "a.org:65536", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org:", NULL, NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org:8x", NULL, NULL, "a.org:8", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org:8080", NULL, NULL, "a.org:8080x", NULL), 0);
    /* IPv6, case. */
    assert_int_equal(urne_origin_ours("http://[::1]:8080", NULL, NULL, "[::1]:8080", NULL), 1);
    assert_int_equal(urne_origin_ours("http://[::1]:8080", NULL, NULL, "[::2]:8080", NULL), 0);
    assert_int_equal(urne_origin_ours("http://[::1", NULL, NULL, "[::1]", NULL), 0);
    assert_int_equal(urne_origin_ours("HTTPS://A.Org", NULL, NULL, "a.ORG", NULL), 1);
    assert_int_equal(urne_origin_ours("http://a.org.evil.net", NULL, NULL, "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.or", NULL, NULL, "a.org", NULL), 0);
}

static void test_public_url(void **state) {
    (void)state;
    const char *pub = "https://vote.example.net:8443";
    assert_int_equal(urne_origin_ours("https://vote.example.net:8443", NULL, NULL, "vote.example.net", pub), 1);
    assert_int_equal(urne_origin_ours("http://vote.example.net:8443", NULL, NULL, "vote.example.net", pub), 0);
    assert_int_equal(urne_origin_ours("https://vote.example.net", NULL, NULL, "10.0.0.1:8080", pub), 0);
    /* With a public URL, the Host no longer vouches for an Origin: a hostile name
     * resolved to urne's address (DNS rebinding) brings an Origin equal to its Host. */
    assert_int_equal(urne_origin_ours("https://vote.example.net", NULL, NULL, "vote.example.net", pub), 0);
    assert_int_equal(urne_origin_ours("http://evil.net", NULL, NULL, "evil.net", pub), 0);
    assert_int_equal(urne_origin_ours("http://evil.net", NULL, NULL, "evil.net", NULL), 1); /* without one, it does */
    assert_int_equal(urne_origin_ours("https://vote.example.net", NULL, NULL, "x.org", "https://vote.example.net/urne"), 1);
    assert_int_equal(urne_origin_ours("https://evil.net", NULL, NULL, "x.org", ""), 0);
    assert_int_equal(urne_origin_ours(NULL, NULL, NULL, "x.org", pub), 1); /* neither header: as without one */
}

/* Sec-Fetch-Site, where the browser sends it, is believed first: a POST from
 * another site is refused even when it withheld both Origin and Referer. */
static void test_fetch_site(void **state) {
    (void)state;
    assert_int_equal(urne_origin_ours(NULL, NULL, "cross-site", "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours(NULL, NULL, "same-site", "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org", NULL, "cross-site", "a.org", NULL), 0);
    assert_int_equal(urne_origin_ours("http://a.org", NULL, "same-origin", "a.org", NULL), 1);
    assert_int_equal(urne_origin_ours(NULL, NULL, "none", "a.org", NULL), 1);
    assert_int_equal(urne_origin_ours("http://b.org", NULL, "same-origin", "a.org", NULL), 0); /* the Origin still */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_public_url),
        cmocka_unit_test(test_fetch_site),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
