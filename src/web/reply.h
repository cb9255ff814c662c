/*
 * reply.h: the response helpers the server's own files share. What handlers call
 * (urne_reply, urne_reply_full, urne_redirect, urne_reply_json_error) is in web.h;
 * why every response goes through urne_reply_headers is in reply.c.
 */
#ifndef URNE_WEB_REPLY_H
#define URNE_WEB_REPLY_H

#include "web.h"

/* Set the headers of a response, the cache's included: Content-Type type, the
 * security headers, "Cache-Control: no-store" unless cacheable, then the
 * handler's own, given as a NULL-ended array of name, value (extra, may be NULL)
 * or as npacked "name\0value\0" pairs one after the other (packed, from the
 * cache; may be NULL). */
void urne_reply_headers(struct MHD_Response *resp, const char *type, int cacheable, const char *const *extra,
                        const char *packed, size_t npacked);

/* Refuse r with status and msg (one sentence, in r's language): a JSON error for
 * the API (/api/...), else a short HTML page in r's language (titled "Refused",
 * or "Error" from 500 on; the site's style sheet) with msg, escaped, and a link
 * home. */
enum MHD_Result urne_reply_refuse(urne_req *r, unsigned status, const char *msg);
/* urne_reply_refuse telling the client when to try again: Retry-After `retry`
 * seconds (none when retry <= 0; a 503 then gets URNE_REPLY_RETRY_AFTER's), and
 * for the API "retry_after" beside "error" and "status". */
enum MHD_Result urne_reply_refuse_later(urne_req *r, unsigned status, const char *msg, int retry);

/* Whether r's client takes gzip: its Accept-Encoding names gzip, not with q=0. */
int urne_reply_takes_gzip(urne_req *r);

/* Seconds a client is told to wait (Retry-After) when the database is out of reach. */
#define URNE_REPLY_RETRY_AFTER "5"
/* Answer 503 with Retry-After: the database is out of reach (urne_store_unavailable),
 * nothing was done; a JSON error for the API, else a short HTML page. Every answer
 * of 500 or more made while the database is out of reach becomes this one
 * (urne_reply_full), so that no handler has to tell the two apart. */
enum MHD_Result urne_reply_unavailable(urne_req *r);
/* Answer 429 to an API client held back for `retry` seconds (a throttle's wait):
 * Retry-After and {"error": message, "status": 429, "rule": rule (when not
 * NULL), "retry_after": retry}. */
enum MHD_Result urne_reply_wait(urne_req *r, const char *message, const char *rule, int retry);

#endif
