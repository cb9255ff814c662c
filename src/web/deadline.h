/*
 * deadline: a client gets a few seconds to send a request's headers, however it
 * sends them.
 *
 * libmicrohttpd's connection timeout counts idle time only: a client that sends one
 * header byte every few seconds is never idle, never finishes, and holds its
 * connection for ever; a few hundred such clients fill the server. So every
 * connection is watched from the moment it opens, or the moment its last request
 * was answered, until its next request's headers are complete. A watchdog thread
 * looks once a second and shuts down the socket of any connection that has waited
 * longer than the limit; libmicrohttpd then sees it closed and frees it as usual.
 */
#ifndef URNE_DEADLINE_H
#define URNE_DEADLINE_H

typedef struct urne_deadlines urne_deadlines;
typedef struct urne_deadline urne_deadline;

/* Start watching with a limit of `seconds` (at least 1); tick (NULL: none) is
 * called with ctx about once a second from the watchdog's thread, outside its
 * lock, for the server's other chores of the clock (the access log's flush).
 * NULL when out of memory or when the thread cannot start. */
urne_deadlines *urne_deadlines_start(unsigned seconds, void (*tick)(void *ctx), void *ctx);
/* Stop the watchdog and free everything; entries still open are forgotten. */
void urne_deadlines_stop(urne_deadlines *d);

/* A connection opened on socket fd: waiting for headers from now. NULL when out of
 * memory (the connection is then not watched). */
urne_deadline *urne_deadlines_add(urne_deadlines *d, int fd);
/* Its request's headers are complete (busy = 1), or its request was answered and
 * it waits for the next one from now (busy = 0). */
void urne_deadlines_busy(urne_deadlines *d, urne_deadline *e, int busy);
/* The connection is closed: forget it. */
void urne_deadlines_remove(urne_deadlines *d, urne_deadline *e);
/* How many connections the watchdog has cut, for the log and the tests. */
unsigned long urne_deadlines_cut(urne_deadlines *d);

#endif
