/*
 * addr: client addresses and trusted proxies (the contracts and the rule are in
 * addr.h).
 *
 * X-Forwarded-For may come on several header lines; they are joined, in order,
 * into one buffer of 2 KiB, and when they are longer only the right end is kept:
 * that is the end written by the proxies we trust, the left end is the client's
 * own say. Each entry may carry a port ("[v6]:port", "v4:port"), as some proxies
 * add it; the first entry that is not an address stops the walk, leaving the last
 * address believed, rather than guessing past it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "server.h"
#include "web.h"

static const unsigned char v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int urne_addr_from_sockaddr(const struct sockaddr *sa, urne_addr *out) {
    memset(out, 0, sizeof *out);
    if (sa == NULL) return -1;
    if (sa->sa_family == AF_INET) {
        memcpy(out->b, v4_prefix, 12);
        memcpy(out->b + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        memcpy(out->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        return 0;
    }
    return -1;
}

/* Parse n bytes of s as an IPv4 or IPv6 address. 0, or -1. */
static int addr_parse(const char *s, size_t n, urne_addr *out) {
    char text[INET6_ADDRSTRLEN + 1];
    if (n == 0 || n >= sizeof text) return -1;
    memcpy(text, s, n);
    text[n] = 0;
    struct in_addr a4;
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, text, &a4) == 1) {
        memcpy(out->b, v4_prefix, 12);
        memcpy(out->b + 12, &a4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, text, out->b) == 1 ? 0 : -1;
}

void urne_addr_text(const urne_addr *a, char *out, size_t size) {
    if (memcmp(a->b, v4_prefix, 12) == 0)
        inet_ntop(AF_INET, a->b + 12, out, (socklen_t)size);
    else
        inet_ntop(AF_INET6, a->b, out, (socklen_t)size);
}

/* The trusted proxies: networks (an address is one of /32 or /128). */
typedef struct proxy_net {
    urne_addr net;
    unsigned bits; /* of the 16-byte form: an IPv4 /24 is 120 */
} proxy_net;

struct urne_proxies {
    size_t n;
    proxy_net nets[];
};

/* Parse "ADDR" or "ADDR/BITS". 0, or -1. */
static int proxy_parse(const char *text, proxy_net *out) {
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (addr_parse(text, n, &out->net) < 0) return -1;
    int v4 = memcmp(out->net.b, v4_prefix, 12) == 0;
    out->bits = 128;
    if (slash) {
        char *end;
        long bits = strtol(slash + 1, &end, 10);
        if (slash[1] == 0 || *end || bits < 0 || bits > (v4 ? 32 : 128)) return -1;
        out->bits = (unsigned)bits + (v4 ? 96 : 0);
    }
    for (unsigned i = out->bits; i < 128; i++) out->net.b[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
    return 0;
}

urne_proxies *urne_proxies_new(const char *const *texts, size_t n, size_t *bad) {
    urne_proxies *p = calloc(1, sizeof *p + n * sizeof(proxy_net));
    *bad = n;
    if (p == NULL) return NULL;
    for (size_t i = 0; i < n; i++)
        if (proxy_parse(texts[i], &p->nets[p->n++]) < 0) {
            *bad = i;
            free(p);
            return NULL;
        }
    return p;
}

size_t urne_proxies_count(const urne_proxies *p) { return p->n; }

void urne_proxies_free(urne_proxies *p) { free(p); }

int urne_proxies_trusted(const urne_proxies *p, const urne_addr *a) {
    for (size_t k = 0; p && k < p->n; k++) {
        const proxy_net *n = &p->nets[k];
        unsigned full = n->bits / 8, rest = n->bits % 8;
        if (memcmp(a->b, n->net.b, full) != 0) continue;
        if (rest && ((a->b[full] ^ n->net.b[full]) & (unsigned char)(0xff00u >> rest))) continue;
        return 1;
    }
    return 0;
}

/* The X-Forwarded-For headers of a request, joined by commas; the right end is
 * kept when they are longer than the buffer (the right end is what we believe). */
typedef struct forwarded {
    char text[2048];
    size_t len;
} forwarded;

static enum MHD_Result gather_forwarded(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    forwarded *f = cls;
    (void)kind;
    if (key == NULL || value == NULL || strcasecmp(key, "X-Forwarded-For") != 0) return MHD_YES;
    size_t n = strlen(value);
    if (f->len) f->text[f->len++] = ',';
    if (n >= sizeof f->text - 1) {
        value += n - (sizeof f->text - 2);
        n = sizeof f->text - 2;
    }
    if (f->len + n >= sizeof f->text) {
        size_t drop = f->len + n - (sizeof f->text - 1);
        memmove(f->text, f->text + drop, f->len - drop);
        f->len -= drop;
    }
    memcpy(f->text + f->len, value, n);
    f->len += n;
    f->text[f->len] = 0;
    return MHD_YES;
}

/* One X-Forwarded-For entry: an address, "[IPv6]:port" or "IPv4:port" (some
 * proxies add the client's port). 0, or -1 when it is none of these. */
static int forwarded_parse(const char *s, size_t n, urne_addr *out) {
    if (n > 2 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        return close ? addr_parse(s + 1, (size_t)(close - s - 1), out) : -1;
    }
    const char *colon = memchr(s, ':', n);
    if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)) == NULL) n = (size_t)(colon - s);
    return addr_parse(s, n, out);
}

/* The client behind a trusted proxy: walk X-Forwarded-For from the right, past
 * the trusted proxies; the first other address is the client. Stops at an entry
 * that is not an address (leaving the last one believed). */
static void forwarded_client(const urne_server *srv, struct MHD_Connection *conn, urne_addr *client) {
    forwarded f = {.len = 0};
    urne_server_mhd.get_connection_values(conn, MHD_HEADER_KIND, gather_forwarded, &f);
    size_t end = f.len;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && f.text[start - 1] != ',') start--;
        size_t a = start, b = end;
        while (a < b && (f.text[a] == ' ' || f.text[a] == '\t')) a++;
        while (b > a && (f.text[b - 1] == ' ' || f.text[b - 1] == '\t')) b--;
        urne_addr hop;
        if (forwarded_parse(f.text + a, b - a, &hop) < 0) return;
        *client = hop;
        if (!urne_proxies_trusted(srv->proxies, &hop)) return;
        if (start == 0) return;
        end = start - 1;
    }
}

int urne_addr_peer(struct MHD_Connection *conn, urne_addr *out) {
    const union MHD_ConnectionInfo *ci = urne_server_mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci ? urne_addr_from_sockaddr(ci->client_addr, out) : -1;
}

void urne_req_addr(const urne_req *r, char *out, size_t size) {
    urne_addr peer, client;
    snprintf(out, size, "?");
    if (urne_addr_peer(r->conn, &peer) < 0) return;
    client = peer;
    if (urne_proxies_trusted(r->srv->proxies, &peer)) forwarded_client(r->srv, r->conn, &client);
    urne_addr_text(&client, out, size);
}
