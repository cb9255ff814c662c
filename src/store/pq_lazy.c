/*
 * pq_lazy: the libpq functions the PostgreSQL store calls, defined here under their
 * own names and forwarded to libpq, which is opened (dlopen) by the first of them.
 *
 * Why: linked the usual way, libpq and what it needs (OpenSSL, GSSAPI/Kerberos,
 * LDAP, SASL, GnuTLS...: 23 shared libraries) were loaded and relocated at the start
 * of every urne command, about 11 ms of CPU and 390 page faults on the development
 * VM (bench/RESULTS.md, "start-up"): more than a whole count of 100,000 ballots, and
 * paid by `urne count`, `urne results`, `urne --version`, which never open a store.
 * Now a command pays for libpq only when it opens a PostgreSQL store (or reads a
 * "keyword=value" store name, which asks libpq its keywords); the SQLite store and
 * every other command never load it.
 *
 * How: the definitions below have libpq-fe.h's prototypes, so the compiler checks
 * each against the header exactly as a call into libpq was checked. The store's
 * files (pg_*.c) call PQsendQuery and the rest as they would libpq's; the linker
 * resolves those calls here instead of in libpq.so. A libpq function that a new
 * line of the store calls and that is missing here fails the link (undefined
 * reference): add it to the list. The calls that wait for an answer with no
 * deadline (PQexec, PQexecParams, PQexecPrepared, PQprepare, PQsetClientEncoding,
 * PQconnectdb) are left out on purpose: a store's wait goes through pg_wait.c, so
 * that a database that stops answering cannot hold it for ever (issue 17); a new
 * call of one fails the link, saying so. The library is opened once (pthread_once), every function looked up
 * then; the library named is the one CMake found (URNE_PQ_SONAME), whose headers
 * were compiled against.
 *
 * When libpq cannot be loaded (not installed), PQconnectdbParams,
 * PQconnectStartParams, PQconninfoParse and PQconndefaults return NULL as libpq
 * does when out of memory, and urne_pq_why_null() gives the reason for the
 * message; PQfinish, PQclear, PQconninfoFree and PQfreemem of NULL do nothing as
 * in libpq. Every other function needs a connection or a result, which cannot exist
 * then: reaching one is a bug, and it aborts with a message.
 */
#include "pq_lazy.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef URNE_PQ_SONAME
#define URNE_PQ_SONAME "libpq.so.5"
#endif

/* X(return type, name, (parameters), (arguments)): forwarded as they are. */
#define URNE_PQ_FORWARDED(X)                                                                                   \
    X(int, PQbackendPID, (const PGconn *conn), (conn))                                                        \
    X(PostgresPollingStatusType, PQconnectPoll, (PGconn * conn), (conn))                                      \
    X(int, PQflush, (PGconn * conn), (conn))                                                                  \
    X(int, PQisBusy, (PGconn * conn), (conn))                                                                 \
    X(PostgresPollingStatusType, PQresetPoll, (PGconn * conn), (conn))                                        \
    X(int, PQresetStart, (PGconn * conn), (conn))                                                             \
    X(int, PQsendQuery, (PGconn * conn, const char *query), (conn, query))                                    \
    X(char *, PQcmdStatus, (PGresult * res), (res))                                                           \
    X(char *, PQcmdTuples, (PGresult * res), (res))                                                           \
    X(int, PQconsumeInput, (PGconn * conn), (conn))                                                           \
    X(int, PQenterPipelineMode, (PGconn * conn), (conn))                                                      \
    X(char *, PQerrorMessage, (const PGconn *conn), (conn))                                                   \
    X(int, PQexitPipelineMode, (PGconn * conn), (conn))                                                       \
    X(char *, PQfname, (const PGresult *res, int field_num), (res, field_num))                                \
    X(PGresult *, PQgetResult, (PGconn * conn), (conn))                                                       \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))         \
    X(int, PQgetlength, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))         \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))       \
    X(int, PQnfields, (const PGresult *res), (res))                                                           \
    X(PGnotify *, PQnotifies, (PGconn * conn), (conn))                                                        \
    X(int, PQntuples, (const PGresult *res), (res))                                                           \
    X(int, PQpipelineSync, (PGconn * conn), (conn))                                                           \
    X(int, PQputCopyData, (PGconn * conn, const char *buffer, int nbytes), (conn, buffer, nbytes))            \
    X(int, PQputCopyEnd, (PGconn * conn, const char *errormsg), (conn, errormsg))                             \
    X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode))                     \
    X(char *, PQresultErrorMessage, (const PGresult *res), (res))                                             \
    X(ExecStatusType, PQresultStatus, (const PGresult *res), (res))                                           \
    X(PGpipelineStatus, PQpipelineStatus, (const PGconn *conn), (conn))                                      \
    X(int, PQsendPrepare,                                                                                     \
      (PGconn * conn, const char *stmtName, const char *query, int nParams, const Oid *paramTypes),           \
      (conn, stmtName, query, nParams, paramTypes))                                                           \
    X(int, PQsendQueryParams,                                                                                 \
      (PGconn * conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues, \
       const int *paramLengths, const int *paramFormats, int resultFormat),                                   \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))            \
    X(int, PQsendQueryPrepared,                                                                               \
      (PGconn * conn, const char *stmtName, int nParams, const char *const *paramValues,                      \
       const int *paramLengths, const int *paramFormats, int resultFormat),                                   \
      (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat))                       \
    X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn * conn, PQnoticeProcessor proc, void *arg),            \
      (conn, proc, arg))                                                                                      \
    X(int, PQsocket, (const PGconn *conn), (conn))                                                            \
    X(ConnStatusType, PQstatus, (const PGconn *conn), (conn))                                                 \
    X(PGTransactionStatusType, PQtransactionStatus, (const PGconn *conn), (conn))

/* Written out below: the entry points (NULL when libpq is missing) and the functions
 * that accept NULL. */
#define URNE_PQ_WRITTEN(X)                                                                                     \
    X(PGconn *, PQconnectdbParams, (const char *const *keywords, const char *const *values, int expand_dbname),  \
      (keywords, values, expand_dbname))                                                                      \
    X(PGconn *, PQconnectStartParams, (const char *const *keywords, const char *const *values, int expand_dbname), \
      (keywords, values, expand_dbname))                                                                      \
    X(PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg), (conninfo, errmsg))         \
    X(PQconninfoOption *, PQconndefaults, (void), ())                                                         \
    X(void, PQfinish, (PGconn * conn), (conn))                                                                \
    X(void, PQclear, (PGresult * res), (res))                                                                 \
    X(void, PQconninfoFree, (PQconninfoOption * connOptions), (connOptions))                                  \
    X(void, PQfreemem, (void *ptr), (ptr))                                                                    \
    X(void, PQreset, (PGconn * conn), (conn))

static struct {
#define X(ret, name, params, args) ret(*name) params;
    URNE_PQ_FORWARDED(X)
    URNE_PQ_WRITTEN(X)
#undef X
} pq;

static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static int pq_loaded;     /* every function found */
static char pq_why[512];  /* why not, when not */

static void pq_load(void) {
    void *lib = dlopen(URNE_PQ_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(pq_why, sizeof pq_why, "cannot load %s (install Debian's libpq5): %s", URNE_PQ_SONAME, dlerror());
        return;
    }
    /* dlsym returns void *; POSIX guarantees it converts to a function pointer. */
#define X(ret, name, params, args)                                                                             \
    *(void **)&pq.name = dlsym(lib, #name);                                                                    \
    if (pq.name == NULL) {                                                                                     \
        snprintf(pq_why, sizeof pq_why, "%s has no %s: not the libpq urne was built for", URNE_PQ_SONAME, #name); \
        dlclose(lib);                                                                                          \
        return;                                                                                                \
    }
    URNE_PQ_FORWARDED(X)
    URNE_PQ_WRITTEN(X)
#undef X
    pq_loaded = 1;
}

/* libpq loaded once; 1 when it is there. */
static int pq_ready(void) {
    pthread_once(&pq_once, pq_load);
    return pq_loaded;
}

/* For the functions that need a connection or a result: libpq is there. */
static void pq_must(const char *name) {
    if (pq_ready()) return;
    fprintf(stderr, "urne: %s called without libpq (%s)\n", name, pq_why);
    abort();
}

const char *urne_pq_why_null(void) { return pq_ready() ? "out of memory" : pq_why; }

#define X(ret, name, params, args)                                                                             \
    ret name params {                                                                                          \
        pq_must(#name);                                                                                        \
        return pq.name args;                                                                                   \
    }
URNE_PQ_FORWARDED(X)
#undef X

PGconn *PQconnectdbParams(const char *const *keywords, const char *const *values, int expand_dbname) {
    return pq_ready() ? pq.PQconnectdbParams(keywords, values, expand_dbname) : NULL;
}

PGconn *PQconnectStartParams(const char *const *keywords, const char *const *values, int expand_dbname) {
    return pq_ready() ? pq.PQconnectStartParams(keywords, values, expand_dbname) : NULL;
}

/* Without libpq: NULL, and no message (its caller then adds no defaults and the
 * connection, NULL too, says why). */
PQconninfoOption *PQconninfoParse(const char *conninfo, char **errmsg) {
    if (errmsg) *errmsg = NULL;
    return pq_ready() ? pq.PQconninfoParse(conninfo, errmsg) : NULL;
}

PQconninfoOption *PQconndefaults(void) { return pq_ready() ? pq.PQconndefaults() : NULL; }

void PQfinish(PGconn *conn) {
    if (conn == NULL) return;
    pq_must("PQfinish");
    pq.PQfinish(conn);
}

void PQclear(PGresult *res) {
    if (res == NULL) return;
    pq_must("PQclear");
    pq.PQclear(res);
}

void PQconninfoFree(PQconninfoOption *connOptions) {
    if (connOptions == NULL) return;
    pq_must("PQconninfoFree");
    pq.PQconninfoFree(connOptions);
}

void PQfreemem(void *ptr) {
    if (ptr == NULL) return;
    pq_must("PQfreemem");
    pq.PQfreemem(ptr);
}

void PQreset(PGconn *conn) {
    pq_must("PQreset");
    pq.PQreset(conn);
}
