/*
 * cache: anonymous GET responses, kept whole.
 *
 * On election night the results pages are read far more than they change, so a
 * response to a GET made without a session (no cookie, no Authorization) is kept
 * and sent again as it is, with `X-Cache: hit`, until a change it depends on:
 * the application's change hook tells the cache of every committed change and of
 * its scope (urne_cache_changed): a change within one election (a sheet entered,
 * contested, decided) drops that election's pages and the pages of no election
 * (the home page, the lists), and keeps every other election's; any other change
 * drops everything. The initiatives' pages, whose counts signatures move without
 * a change hook, are kept one second at most. The audit log's head, which every page's footer shows, is
 * written anew into a kept page when it moves (cache.c says how). A version
 * number, taken when the request begins, keeps a page rendered before a change
 * from being stored after it.
 *
 * The key is the request as its handler saw it: the language, the path, and the
 * query arguments the handler read for that path (each path has a record of them,
 * kept in the cache too), so that `?format=f1`, `?format=f2`... all find the one
 * page, and an argument the handler never read cannot multiply the entries.
 *
 * A client that takes gzip (every browser) gets a kept text body of 1 KiB or
 * more compressed: its copy is made at the first such request and kept beside
 * the body, the head written anew into it as into the body (cache_gzip.h).
 *
 * The cache holds at most its budget in bytes, dropping the least recently used
 * entries; a body is shared with the responses being sent from it (reference
 * counted), not copied. A hit builds nothing: the entry's response (its body or
 * gzip copy, its headers) is made at the first hit and the same one queued for
 * every hit after (libmicrohttpd counts the connections sending it), until its
 * body changes (the head moved) or the entry goes. A budget of 0 turns it off.
 */
#ifndef URNE_WEB_CACHE_H
#define URNE_WEB_CACHE_H

#include "web.h"

/* A cache of at most budget bytes (0: off), empty. NULL when out of memory. */
urne_cache *urne_cache_new(size_t budget);
/* Free c and what it holds; responses still being sent keep their bodies. */
void urne_cache_free(urne_cache *c);

/* Send r's cached response if there is one: 1 when sent (*ret set, r's status and
 * sent bytes filled), else 0 and the caller renders it. Records the cache's
 * generation in r either way, for urne_cache_store. For a request marked
 * cacheable only; a page asked with ?lang=fr|en sets the language cookie, so it
 * is never served from the cache. */
int urne_cache_serve(urne_req *r, enum MHD_Result *ret);

/* Keep a 200 response to a cacheable request, with its type and its headers (a
 * NULL-ended array of name, value; copied), unless the cache changed since the
 * request began, a header sets a cookie, or it would take more than an eighth of
 * the budget. The body is copied. */
void urne_cache_store(urne_req *r, const char *type, const char *body, size_t len, const char *const *headers);

/* Note that r's handler read query argument key (urne_req_query): the response's
 * key will hold its value. "lang" is not noted (the language is in every key); a
 * name beyond the sixteen the cache can tell apart makes r uncacheable rather
 * than mis-keyed. Does nothing for a request that is not cacheable. */
void urne_cache_note_query(urne_req *r, const char *key);

/* A change was committed, within election `election` alone (its sheets: the
 * pages of other elections stay), or 0 when it may have touched anything (every
 * response is dropped); the audit log's head is now seq, hash (NULL: not known,
 * then give 0 as the election). Under the application's lock, from its change
 * hook, so that changes come in the order they were made. */
void urne_cache_changed(urne_server *srv, int64_t election, int64_t seq, const char *hash);

/* Forget every cached response (urne_cache_changed with 0). */
void urne_cache_clear(urne_server *srv);

#endif
