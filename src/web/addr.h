/*
 * addr: client addresses, and the trusted proxies whose word on them we take.
 *
 * The server needs a client's address for three things: counting its connections
 * (conns.c), throttling its failed logins (throttle.c, through urne_req_addr in
 * web.h) and the access log. An address is kept as 16 bytes, IPv4 mapped into
 * IPv6, so that one comparison and one hash serve both.
 *
 * Behind a reverse proxy every connection comes from the proxy, so the operator
 * names the proxies (--trusted-proxy ADDR or ADDR/BITS) and for a connection from
 * one of them the client is read from X-Forwarded-For, from the right: each trusted
 * proxy appends the address it got the request from, so the right-most address
 * that is not a trusted proxy is the first one nobody we trust could have forged.
 * A peer that is not a trusted proxy is never asked: its X-Forwarded-For is
 * whatever it wants us to believe.
 */
#ifndef URNE_WEB_ADDR_H
#define URNE_WEB_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

#include "web.h"

struct MHD_Connection;

/* An address as 16 bytes: IPv6, or IPv4 mapped into it (::ffff:a.b.c.d). */
typedef struct urne_addr {
    unsigned char b[16];
} urne_addr;

/* The address of a socket address (AF_INET or AF_INET6). 0, or -1 (out zeroed)
 * when sa is NULL or of another family. */
int urne_addr_from_sockaddr(const struct sockaddr *sa, urne_addr *out);

/* The connection's peer: whoever holds the other end of the socket, a trusted
 * proxy included. 0, or -1 when libmicrohttpd does not know it. */
int urne_addr_peer(struct MHD_Connection *conn, urne_addr *out);

/* a as text, IPv4 dotted when it is one ("10.0.0.7", "2001:db8::1"), into out
 * (size bytes, INET6_ADDRSTRLEN is enough). */
void urne_addr_text(const urne_addr *a, char *out, size_t size);

/* The trusted proxies: a list of networks (an address alone is a /32 or a /128). */
typedef struct urne_proxies urne_proxies;

/* The proxies named by texts[0..n), each "ADDR" or "ADDR/BITS", IPv4 or IPv6
 * (host bits beyond BITS are ignored). NULL when out of memory (*bad set to n) or
 * when texts[*bad] is neither. Free with urne_proxies_free. */
urne_proxies *urne_proxies_new(const char *const *texts, size_t n, size_t *bad);
/* How many networks p holds. */
size_t urne_proxies_count(const urne_proxies *p);
void urne_proxies_free(urne_proxies *p);

/* 1 when a is in one of p's networks (p may be NULL: none), else 0. */
int urne_proxies_trusted(const urne_proxies *p, const urne_addr *a);

/* The client's address as text: the connection's peer, or, when the peer is one
 * of the --trusted-proxy addresses, the right-most X-Forwarded-For address that is
 * not itself a trusted proxy. */
void urne_req_addr(const urne_req *r, char *out, size_t size);

#endif
