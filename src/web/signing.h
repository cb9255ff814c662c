/*
 * signing: the signatures' checks made by a thread of their own, not by
 * libmicrohttpd's (issue 18).
 *
 * A signature's check (urne_app_initiative_sign_begin: the roll read, the
 * identity sealed, a receipt drawn) is made under the application's lock, which
 * the committer (app/initiative_batch.c) holds while it writes a group. Made by
 * the request's own thread, it held one of the server's two threads waiting for
 * that lock, and every connection libmicrohttpd had given that thread waited
 * with it: the counter page read by thousands a second queued behind the
 * signatures (its p99 went from 25 ms alone to 200 ms while signing,
 * bench/RESULTS.md, "Issue 18: the counter page, page18"). The checks are made
 * one after the other under that lock anyway, so one thread loses no
 * parallelism: the request's connection is suspended, its check queued; the
 * checker thread takes every check waiting, makes them together
 * (urne_app_initiative_sign_group), resumes the refused with their refusal and
 * commits the checked in one group itself, whose commit resumes them. (It
 * handed them to the committer thread, app/initiative_batch.c, until load18:
 * the commit is made under the same lock, so the hand-off bought no
 * parallelism, and cost a wake-up and the lock's contention a group.)
 * libmicrohttpd's threads then only read requests and send answers, and a page
 * served from the cache never waits for a lock a signature holds.
 *
 * When the checker is not running (not started: out of memory or threads; or
 * stopped, the server going down), a check is made in the request's thread, as
 * before.
 */
#ifndef URNE_WEB_SIGNING_H
#define URNE_WEB_SIGNING_H

#include "../app/initiative.h"
#include "web.h"

typedef struct urne_signing urne_signing;

/* The checker thread, started and waiting for checks; NULL when it cannot be
 * (checks are then made in the requests' threads). */
urne_signing *urne_signing_start(void);

/* Every check queued made and committed (their connections resumed), then the
 * thread stopped; checks asked after are made in their
 * request's thread. Call before the committer is stopped
 * (urne_app_initiative_batch_stop) and before libmicrohttpd is, so that no
 * connection stays suspended. s stays allocated: a request thread may still look
 * at it until libmicrohttpd has stopped. NULL: nothing. */
void urne_signing_stop(urne_signing *s);

/* Free a stopped s, once no request thread is left (after libmicrohttpd has
 * stopped). NULL: nothing. */
void urne_signing_free(urne_signing *s);

/* Sign initiative `id` as signer (its strings must live as long as r: its
 * parameters; the origin is copied): r's connection is suspended
 * (urne_req_wait, with `resumed` and `waiting`), the check made by the checker
 * thread (in this thread when there is none), its outcome written into *out,
 * and the connection resumed once refused or committed; `resumed` then answers
 * from *out, whatever its status. Returns what the request's handler returns. */
enum MHD_Result urne_signing_sign(urne_req *r, int64_t id, const urne_initiative_signer *signer,
                                  urne_app_outcome *out, enum MHD_Result (*resumed)(urne_req *r), void *waiting);

#endif
