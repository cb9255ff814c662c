/*
 * session.h: finding a request's session, as the request's life (server.c) does
 * before the handler runs. Opening a session and its cookie (urne_session_open,
 * urne_session_cookie) are in web.h, for the login handler.
 */
#ifndef URNE_WEB_SESSION_H
#define URNE_WEB_SESSION_H

#include "web.h"

/* Set r->user to the user of r's session (the urne_session cookie, or an
 * "Authorization: Bearer" token, which sets r->bearer), with r->csrf and
 * r->token_hash, when the session exists and has not expired; else r->user is
 * public (URNE_ROLE_PUBLIC). 0, or -1 when the store could not be read (r->user
 * is then public too). */
int urne_session_find(urne_req *r);

#endif
