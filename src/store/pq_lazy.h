/*
 * pq_lazy: libpq, opened by the first call the PostgreSQL store makes into it rather
 * than when urne starts (pq_lazy.c says why and how).
 */
#ifndef URNE_STORE_PQ_LAZY_H
#define URNE_STORE_PQ_LAZY_H

/* Why PQconnectdbParams, PQconnectStartParams or PQconndefaults gave NULL: libpq
 * could not be loaded (the message says which library and why), else "out of
 * memory" (libpq's own reason for a NULL). */
const char *urne_pq_why_null(void);

#endif
