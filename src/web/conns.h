/*
 * conns: what the server keeps about each connection, and how many connections
 * each client address holds.
 *
 * One client must not starve the others. libmicrohttpd holds at most
 * max_connections at once and drops a connection idle for connection_timeout
 * seconds (server.c sets both); on top of that a client address may hold at most
 * max_per_address connections: urne_conns_accept refuses one more, counted by
 * urne_conns_notify as connections open and close. Trusted proxies (addr.h) are
 * exempt: every client comes through them. libmicrohttpd's own per-address limit
 * could not exempt them.
 *
 * A connection's record (its socket context) also carries its header deadline
 * (deadline.h) and the mark the unescaper (clean.h) leaves when the request line
 * being read has a bad path or query, for on_request (server.c) to answer 400.
 */
#ifndef URNE_WEB_CONNS_H
#define URNE_WEB_CONNS_H

#include <microhttpd.h>

#include "addr.h"
#include "deadline.h"

/* What we keep about a connection (its socket context): the peer it is counted
 * under, and whether the request line being read has a bad path or query. */
typedef struct urne_conn {
    urne_addr peer;
    int counted;             /* counted under peer (not a trusted proxy) */
    int bad_url;             /* set by the unescaper, cleared by on_request */
    urne_deadline *deadline; /* the header deadline (deadline.h); NULL when not watched */
} urne_conn;

/* Before the daemon starts: at most per_address connections from one address (0:
 * no limit), in a table sized for max_connections. 0, or -1 when out of memory
 * (the server must not start). */
int urne_conns_init(unsigned per_address, unsigned max_connections);
/* After the daemon stopped: free the table. */
void urne_conns_free(void);

/* libmicrohttpd's accept policy (cls: the urne_server): MHD_NO for a peer that
 * already holds its share, else MHD_YES. */
enum MHD_Result urne_conns_accept(void *cls, const struct sockaddr *sa, socklen_t len);
/* libmicrohttpd's connection notice (cls: the urne_server): on start, makes the
 * connection's record (its socket context), starts its header deadline and counts
 * it under its peer; on close, undoes all three. */
void urne_conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);

/* The record of conn, or NULL (out of memory when it opened). */
urne_conn *urne_conns_get(struct MHD_Connection *conn);

#endif
