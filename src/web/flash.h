/*
 * flash: post/redirect/get. A form that succeeded is answered with 303 See Other
 * to the page its act concerns, and that page shows the act's message once.
 *
 * The message is never carried by the browser: the server keeps it (a few
 * minutes, in memory, bound to the session that made the act) under a random
 * 128-bit name, and the urne_flash cookie (HttpOnly, SameSite=Strict) carries
 * only that name. The next page of the same session shows it and forgets it, and
 * its answer clears the cookie; a name that is unknown, stale, or of another
 * session shows nothing. So no text from the request is ever reflected, a reload
 * does not show the message again, and the address stays the page's own.
 *
 * A form that failed is not redirected: its page is shown again (4xx) with the
 * message and what was typed.
 */
#ifndef URNE_WEB_FLASH_H
#define URNE_WEB_FLASH_H

#include "web.h"

#define URNE_FLASH_COOKIE "urne_flash"

urne_flashes *urne_flashes_new(void);
void urne_flashes_free(urne_flashes *f);

/* Answer a form that succeeded: 303 to `location` (a path of this site), with
 * `message` kept as the flash of r's session as it is now (r->token_hash: the new
 * one after a login, "" after a logout) and `set_cookie` (NULL: none; a new
 * session's cookie) sent too. When the flash cannot be kept (no store), the
 * redirect goes without it. */
enum MHD_Result urne_flash_redirect(urne_req *r, const char *location, unsigned status, const char *message,
                                    const char *set_cookie);

/* The flash r's cookie names, when r is a GET of the session that made it and it
 * is fresh: its status and message copied into *status and message (size bytes),
 * and forgotten. 1, or 0 when none. */
int urne_flash_take(urne_req *r, unsigned *status, char *message, size_t size);

/* The Set-Cookie value that clears the flash cookie, for a page's answer to a
 * request that carried one; NULL when it did not. */
const char *urne_flash_clear(const urne_req *r);

/* 1 when the request carries a flash cookie: its answer is the session's, never
 * the cache's. */
int urne_flash_carried(const urne_req *r);

#endif
