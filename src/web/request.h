/*
 * request.h: reading a request, as the request's life (server.c) does it before
 * the handler runs. What handlers call (urne_req_param, urne_req_query) is in
 * web.h; the rules are in request.c.
 */
#ifndef URNE_WEB_REQUEST_H
#define URNE_WEB_REQUEST_H

#include "web.h"

/* Parse r's body, by its Content-Type, into r->params (JSON sets r->is_json). A
 * body of another type, or none, is left as it is. 0, or -1 with the reason, one
 * sentence for the client, in why (size bytes): not a JSON object, a bad %
 * escape, text that is not clean, a field given twice, too many fields (4096),
 * out of memory. */
int urne_req_parse_body(urne_req *r, char *why, size_t size);

/* Set r->lang: from ?lang=, else the urne_lang cookie, else Accept-Language, else
 * French for pages and English for the API. */
void urne_req_pick_lang(urne_req *r);

#endif
