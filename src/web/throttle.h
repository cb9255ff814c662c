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
 * /48), over the last hour, sliding (urne_window.h), at most
 * urne_throttle_mail_limits's (by default serve.h's: 20 from an address, 500
 * from a network). Taking the place and checking the limit are one step:
 * returns 0 with the request counted at *taken (give it back with
 * urne_throttle_mail_give_back if the request does not count after all); or 1
 * when `addr` must wait *retry_after seconds, nothing counted (the first refusal
 * after an accepted request is logged). Each server counts its own requests. */
int urne_throttle_mail_take(urne_server *srv, const char *addr, double *taken, int *retry_after);
/* Forget a request urne_throttle_mail_take counted at `taken` (one not answered
 * "check your mail": a mistyped address), if its hour is still held. */
void urne_throttle_mail_give_back(urne_server *srv, const char *addr, double taken);
/* The mail requests allowed an hour from one client address and from one
 * network (0: no limit), for urne serve's --mail-per-address and
 * --mail-per-network. */
void urne_throttle_mail_limits(urne_throttle *t, int per_address, int per_network);

#endif
