/*
 * clean: the text the server accepts from the wire (the rule is in clean.h).
 *
 * The UTF-8 check is written out rather than borrowed: it must refuse exactly
 * what clean.h says (overlong forms, surrogates, beyond U+10FFFF, every C0
 * control and DEL) and nothing else, on every path and field of every request.
 * The unescaper cannot refuse a request itself (libmicrohttpd calls it while
 * still reading the headers), so it marks the connection and on_request answers.
 */
#include <microhttpd.h>

#include "clean.h"
#include "conns.h"

int urne_clean_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int urne_clean_text(const unsigned char *s, size_t n, int breaks) {
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (breaks && (c == '\t' || c == '\n' || c == '\r')) {
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7f) return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        if (len == 0 || c > 0xf4 || i + len > n) return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80) return 0;
        if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0) || (c == 0xf0 && s[i + 1] < 0x90) ||
            (c == 0xf4 && s[i + 1] >= 0x90))
            return 0; /* overlong, a surrogate, or above U+10FFFF */
        i += len;
    }
    return 1;
}

size_t urne_clean_unescape(void *cls, struct MHD_Connection *conn, char *s) {
    size_t o = 0;
    (void)cls;
    for (size_t i = 0; s[i]; i++) {
        int hi, lo;
        if (s[i] == '%' && (hi = urne_clean_hex(s[i + 1])) >= 0 && (lo = urne_clean_hex(s[i + 2])) >= 0) {
            s[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else
            s[o++] = s[i];
    }
    s[o] = 0;
    if (!urne_clean_text((const unsigned char *)s, o, 0) && conn) {
        urne_conn *x = urne_conns_get(conn);
        if (x) x->bad_url = 1;
    }
    return o;
}
