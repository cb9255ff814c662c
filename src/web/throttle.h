/*
 * throttle.h: the login throttle (urne_throttle_blocked, urne_throttle_record)
 * and the mail requests' (urne_throttle_mail_*): the rules here, how in
 * throttle.c.
 */
#ifndef URNE_WEB_THROTTLE_H
#define URNE_WEB_THROTTLE_H

#include "web.h"

/* A throttle that has seen no failure, with a fresh secret for its hash (libsodium
 * must be started). NULL when out of memory. */
urne_throttle *urne_throttle_new(void);
void urne_throttle_free(urne_throttle *t);

/* Login throttling, per (account, client address) pair. 1 when a login to `name`
 * from `addr` must wait (*retry_after seconds; the refusal is logged), else 0. A
 * pair is only ever held back after failures of its own: five in a row, or one
 * while its address has failed thirty times in all, and the wait doubles with
 * each further failure (60 s, 120 s... at most 15 min). So a correct password is
 * never refused from an address that did not fail, whatever others do. */
int urne_throttle_blocked(urne_server *srv, const char *name, const char *addr, int *retry_after);
/* Count a login attempt: a success clears the pair, a failure counts for the pair
 * and the address (and is logged when it starts a wait). */
void urne_throttle_record(urne_server *srv, const char *name, const char *addr, int success);

/* Mail requests (a confirmation link asked for a lighter petition), per
 * client address (an IPv6 one: its /64) and per network (an IPv4 /24, an IPv6
 * /48), by the hour: 1 when a request from `addr` must wait (*retry_after
 * seconds: the hour's end; the first refusal logged), else 0. At most
 * urne_throttle_mail_limits's an hour (by default serve.h's: 20 from an address,
 * 500 from a network). */
int urne_throttle_mail_blocked(urne_server *srv, const char *addr, int *retry_after);
/* Count a mail request from `addr` (one answered "check your mail"). */
void urne_throttle_mail_count(urne_server *srv, const char *addr);
/* The mail requests allowed an hour from one client address and from one
 * network (0: no limit), for urne serve's --mail-per-address and
 * --mail-per-network. */
void urne_throttle_mail_limits(urne_throttle *t, int per_address, int per_network);

#endif
