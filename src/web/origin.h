/*
 * origin: the same-origin check of every POST (origin.c says why and how).
 */
#ifndef URNE_WEB_ORIGIN_H
#define URNE_WEB_ORIGIN_H

/* 1 when a POST with these headers (NULL: absent) may be urne's own: a
 * Sec-Fetch-Site, when given, of "same-origin" or "none"; and neither Origin
 * nor Referer given, or the Origin (else the Referer) an http(s) URL whose
 * scheme, host and port are public_url's when the server has one (NULL or ""
 * when not), else whose host and port are the Host header's (a Host without a
 * port: the scheme's default port). 0 when it names another site, "null", or
 * nothing readable. Pure: no I/O, no allocation. */
int urne_origin_ours(const char *origin, const char *referer, const char *fetch_site, const char *host,
                     const char *public_url);

#endif
