/*
 * throttle.h: making and freeing the login throttle. What it does (and what a
 * login handler calls: urne_throttle_blocked, urne_throttle_record) is in web.h,
 * with the rule; how, in throttle.c.
 */
#ifndef URNE_WEB_THROTTLE_H
#define URNE_WEB_THROTTLE_H

#include "web.h"

/* A throttle that has seen no failure, with a fresh secret for its hash (libsodium
 * must be started). NULL when out of memory. */
urne_throttle *urne_throttle_new(void);
void urne_throttle_free(urne_throttle *t);

#endif
