/*
 * clean: the text the server accepts from the wire.
 *
 * Every name and value a request carries (the path, each query argument, each
 * field of a form or a JSON body) must be UTF-8 without control characters before
 * a handler sees it. A NUL would cut "/e/1%00/b/1" to "/e/1" in the handlers'
 * strings while the log and the cache saw the whole; an overlong or surrogate
 * sequence would reach the store and the pages as something else than what was
 * checked. So bad text is refused with a 400, never repaired, cut or passed on.
 * Line breaks and tabs are allowed only where text is meant to have them (a form's
 * textarea, an imported file), never in a path, a query or a field's name.
 */
#ifndef URNE_WEB_CLEAN_H
#define URNE_WEB_CLEAN_H

#include <stddef.h>

struct MHD_Connection;

/* 1 when the n bytes of s are UTF-8 without control characters (NUL and DEL
 * included), shortest form, no surrogates, at most U+10FFFF; else 0. With
 * `breaks`, tabs and line breaks (\t, \n, \r) are allowed. */
int urne_clean_text(const unsigned char *s, size_t n, int breaks);

/* The value of a hexadecimal digit (either case), or -1. */
int urne_clean_hex(char c);

/* libmicrohttpd's unescaper (MHD_OPTION_UNESCAPE_CALLBACK), for the path and each
 * query key and value: decodes %XX in place (a '%' not followed by two hex digits
 * is kept as it is; '+' is not a space here) and returns the new length. When the
 * result is not clean one-line text it marks the connection's record (conns.h,
 * bad_url) for on_request to answer 400. */
size_t urne_clean_unescape(void *cls, struct MHD_Connection *conn, char *s);

#endif
