/*
 * body.h: a request's body gathered in memory, within its room (body.c says
 * what the rooms are and why).
 */
#ifndef URNE_WEB_BODY_H
#define URNE_WEB_BODY_H

#include "web.h"

/* What r's body may hold (r->body_limit), decided from its headers before any of
 * it is read (url and method: its request line), and its declared length
 * (Content-Length) reserved in the server's budget for large bodies when it is
 * more than a form's room. 0: read its body; else the status it is refused with
 * at once (413: longer than its room; 503: the budget cannot take it), said by
 * urne_body_refuse, r->body_refused set so that whatever of its body still
 * comes is dropped. Reads r's session (urne_session_find) when the path is an
 * import's. */
unsigned urne_body_begin(urne_req *r, const char *url, const char *method);

/* n more bytes of r's body: kept (r->body NUL-terminated), or, past its room or
 * past the budget, dropped with all of the body held so far (r->body_refused
 * set). 0, or -1 when memory lacks (the connection is then to be closed). */
int urne_body_add(urne_req *r, const char *data, size_t n);

/* Answer r, whose body was refused (r->body_refused), in its language: 413, or
 * 503 with Retry-After and what to do. */
enum MHD_Result urne_body_refuse(urne_req *r);

/* r's body freed and its share of the budget given back (when it completes). */
void urne_body_end(urne_req *r);

#endif
