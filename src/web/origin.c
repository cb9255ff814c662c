/*
 * origin: is a POST sent from urne's own pages? The same-origin check that
 * guards the forms a visitor posts without a session.
 *
 * Why: a form posted with a session carries its CSRF token (server.c), but the
 * public's forms have no session to hold one: the signing form of an initiative,
 * its receipt's check, the confirmation by e-mail, the login. A hostile page
 * can make its visitors' browsers post them (a plain HTML form needs no
 * permission to cross sites): signatures with identities the attacker chooses,
 * each from another visitor's address, which dilutes the marks per address and
 * network the verification authority reads. Browsers say where such a post comes
 * from: `Origin` on every cross-site POST (and on same-site ones today), else,
 * in older browsers, the page's address in `Referer`. So a POST whose Origin, or
 * lacking one whose Referer, names another site is refused (403, in the
 * visitor's language); "Origin: null" (a sandboxed frame, a page of no site) and
 * a Referer that is no http(s) URL are refused too, as naming no site of ours.
 *
 * A POST with neither header is accepted: curl and scripts send none, nor some
 * old clients and privacy proxies that strip both; refusing them would lock out
 * honest users. Today's browsers send the Origin on every cross-site POST, but
 * some older ones sent it on none (Firefox before 70, old Internet Explorer and
 * Edge), and a hostile page may withhold the Referer (Referrer-Policy:
 * no-referrer): such a browser gets through, and only `Sec-Fetch-Site`, where it
 * is sent, says more: a POST whose Sec-Fetch-Site is neither `same-origin` nor
 * `none` (the visitor's own action) is refused whatever the other headers say.
 * So the check stops the browser-driven forgery from the browsers in use, and
 * only it: a script posting from its own machine is the throttles' and marks'
 * affair.
 *
 * Whose origin is ours: the request's Host, compared with the Origin's host and
 * port, not its scheme (behind README's nginx, which passes the Host through
 * with `proxy_set_header Host $host`, the browser speaks https to the proxy and
 * the proxy http to urne: urne cannot know the scheme the browser used); a Host
 * without a port matches the default port of the Origin's scheme (80, 443).
 * When the server has a public URL (`--public-url`, the links of its mails), an
 * Origin equal to it, scheme and port included, is ours, and no other: not the
 * Host's. The Host is whatever name the browser was sent to, and a hostile name
 * made to resolve to urne's address (DNS rebinding) would bring its own Origin
 * with it, equal to its Host; a public server should say its public URL (README),
 * or sit behind a proxy that answers for its own name only.
 * Hosts are compared without regard to case, as DNS names are.
 *
 * The JSON API is covered by the same check (server.c calls it for every POST):
 * a JSON body needs a CORS preflight that urne never grants, but the API also
 * reads form bodies (request.c), which a hostile page may send without one.
 * API clients (curl, scripts, the CLI) send no Origin and pass.
 */
#include <string.h>
#include <strings.h>

#include "origin.h"

/* The parts of an origin: host (brackets kept for IPv6), port (0: none said). */
typedef struct site {
    const char *host;
    size_t host_len;
    long port;
} site;

/* host[:port] of text[0..n) into *s. 0, or -1 when it is no such thing. */
static int parse_authority(const char *text, size_t n, site *s) {
    if (n == 0 || memchr(text, '@', n)) return -1; /* user information: not what a browser sends */
    size_t h = 0;
    if (text[0] == '[') { /* an IPv6 address */
        const char *end = memchr(text, ']', n);
        if (end == NULL) return -1;
        h = (size_t)(end - text) + 1;
    } else
        while (h < n && text[h] != ':') h++;
    if (h == 0) return -1;
    s->host = text, s->host_len = h, s->port = 0;
    if (h == n) return 0;
    if (text[h] != ':' || h + 1 == n || n - h - 1 > 5) return -1;
    long port = 0;
    for (size_t i = h + 1; i < n; i++) {
        if (text[i] < '0' || text[i] > '9') return -1;
        port = port * 10 + (text[i] - '0');
    }
    if (port < 1 || port > 65535) return -1;
    s->port = port;
    return 0;
}

/* scheme://host[:port][/...] into *s with its port made explicit (80, 443 by
 * the scheme); *https set. 0, or -1 when it is not an http(s) URL. */
static int parse_url(const char *url, site *s, int *https) {
    size_t k;
    if (strncasecmp(url, "http://", 7) == 0) k = 7, *https = 0;
    else if (strncasecmp(url, "https://", 8) == 0) k = 8, *https = 1;
    else return -1;
    size_t n = strcspn(url + k, "/?#");
    if (parse_authority(url + k, n, s) < 0) return -1;
    if (s->port == 0) s->port = *https ? 443 : 80;
    return 0;
}

static int same_host(const site *a, const site *b) {
    return a->host_len == b->host_len && strncasecmp(a->host, b->host, a->host_len) == 0;
}

int urne_origin_ours(const char *origin, const char *referer, const char *fetch_site, const char *host,
                     const char *public_url) {
    if (fetch_site && strcmp(fetch_site, "same-origin") != 0 && strcmp(fetch_site, "none") != 0)
        return 0; /* the browser says it comes from another site (or a sibling one) */
    const char *from = origin ? origin : referer;
    if (from == NULL) return 1; /* neither header: curl, scripts, stripping proxies (see above) */
    site claimed, ours;
    int https, ours_https;
    if (parse_url(from, &claimed, &https) < 0) return 0; /* "null", or no http(s) URL */
    if (public_url && public_url[0]) /* the public URL alone, not the Host (DNS rebinding, above) */
        return parse_url(public_url, &ours, &ours_https) == 0 && https == ours_https && same_host(&claimed, &ours) &&
               claimed.port == ours.port;
    if (host == NULL || parse_authority(host, strlen(host), &ours) < 0) return 0;
    if (!same_host(&claimed, &ours)) return 0;
    return ours.port ? claimed.port == ours.port : claimed.port == (https ? 443 : 80);
}
