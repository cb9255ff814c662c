/*
 * store_notices: the example component's rows: the notices administrators
 * publish (notice/notice.h has their rules, app/notice.h the use cases).
 *
 * One row per notice, never changed once written: a correction is a new notice.
 * The store keeps what it is given and checks only that each text fits its
 * field (store.c), as for every domain; whether a notice is acceptable is the
 * engine's to say, before. Part of the store's interface (store.h).
 */
#ifndef URNE_STORE_NOTICES_H
#define URNE_STORE_NOTICES_H

#include <stdint.h>

#include "../notice/notice.h"

typedef struct urne_store urne_store;

/* A notice. Every text is NUL-terminated within its field; a write refuses one
 * that is not, a read one that would not fit. */
typedef struct urne_notice {
    int64_t id;
    char title[URNE_NOTICE_TITLE_MAX + 1];
    char body[URNE_NOTICE_BODY_MAX + 1];
    char published_at[24]; /* urne_store_now's form */
    char published_by[64]; /* the author's user name */
} urne_notice;

/* Add a notice (inside a transaction) from n's title, body, published_at and
 * published_by; n->id is ignored. Returns the new id, or -1. */
int64_t urne_store_notice_put(urne_store *s, const urne_notice *n);
/* Call fn on every notice, newest first (by id, descending); stops when fn
 * returns non-zero and returns that value; 0 when all were passed, -1 on failure. */
int urne_store_notice_each(urne_store *s, int (*fn)(const urne_notice *n, void *ctx), void *ctx);

#endif
