/*
 * server.h: what the server's own files share, and nothing else.
 *
 * The server is cut into files of one concept each: the request's life and start
 * and stop (server.c), client addresses and trusted proxies (addr.c), connections
 * per address (conns.c), clean text from the wire (clean.c), the response cache
 * (cache.c), login throttling (throttle.c), reading a request (request.c), sessions
 * (session.c) and writing a response (reply.c). What handlers may call is in
 * web.h; what the server's files call of each other is in the file's own header.
 * This one holds the two things all of them use: libmicrohttpd's functions and a
 * clock. (serve.h is the other side: the one thing the command line sees.)
 */
#ifndef URNE_WEB_SERVER_H
#define URNE_WEB_SERVER_H

#include "mhd.h"

/* libmicrohttpd's functions, opened by urne_web_serve before the daemon starts and
 * closed after it stops (see mhd.h): one server per process, so one table. Read
 * only, by the daemon's threads, while it runs. */
extern urne_mhd urne_server_mhd;

/* Seconds on the monotonic clock: for durations (the access log's "ms", the
 * throttle's waits), never for dates. */
double urne_server_now(void);

#endif
