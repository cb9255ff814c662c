/*
 * pg_start: what a watch on PostgreSQL needs to hear every change committed
 * since its store was opened (pg_watch.c's essay says why and how): the
 * snapshot the store notes at its open, the statement that tells the watch's
 * first connection whether a transaction committed since, and snapshots parsed
 * (the caller's reloads', urne_store_watch_seen) to tell whether one saw a
 * transaction: the last reload of everything's, and the last of each object
 * read again alone since (an initiative: urne_pg_seen, looked up by the object
 * a change names and its parents, a few binary searches a signature heard). And,
 * for the tests alone, the hook that holds a starting watch in its window.
 *
 * A snapshot is PostgreSQL's pg_current_snapshot: "XMIN:XMAX:XIP,XIP...", the
 * transactions complete when it was taken being those below XMIN, and those
 * below XMAX not listed. A transaction that writes (a NOTIFY included) has an id;
 * one that only reads has none, and changes nothing.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_internal.h"

int urne_pg_snap_opened(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    PGresult *r = urne_pg_run_once(s, "SELECT pg_current_snapshot()::text", NULL, "reading PostgreSQL's snapshot");
    if (r == NULL) return -1;
    q->opened_snapshot = PQntuples(r) == 1 ? strdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    if (q->opened_snapshot == NULL) return urne_store_fail(s, "out of memory");
    return 0;
}

/* The transactions the snapshot listed as in progress, and those given an id
 * since, looked up in PostgreSQL's commit log until one is found committed; one
 * statement with the head's read, so one snapshot. A transaction of any kind (a
 * session opened, autovacuum's statistics, a write to another database of the
 * cluster) may answer yes: a reload that was not needed, never one missed.
 * Beyond SINCE_MAX transactions begun in between, the answer is yes without
 * looking: on a database that busy a change of urne's among them is all but
 * certain, and the look would cost more than the reload. */
#define SINCE_MAX "10000"
const char urne_pg_sql_head_since[] =
    "SELECT coalesce((SELECT seq FROM audit_head WHERE id = 1), 0),"
    " (SELECT hi - lo > " SINCE_MAX " OR EXISTS (SELECT 1 FROM"
    "   (SELECT pg_snapshot_xip($1::pg_snapshot) AS x"
    "    UNION ALL SELECT g::text::xid8 FROM generate_series(lo, least(hi, lo + " SINCE_MAX ") - 1) AS g) AS c"
    "   WHERE pg_xact_status(c.x) = 'committed')"
    "  FROM (SELECT pg_snapshot_xmax($1::pg_snapshot)::text::bigint AS lo,"
    "   pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS hi) AS b)";

int urne_pg_decimal(const char **p, uint64_t *v) {
    if (**p < '0' || **p > '9') return -1;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(*p, &end, 10);
    if (errno) return -1;
    *v = n;
    *p = end;
    return 0;
}

int urne_pg_snap_parse(urne_pg_snap *sn, const char *text) {
    urne_pg_snap n = {.set = 1};
    const char *p = text;
    size_t commas = 0;
    for (const char *c = text; *c; c++) commas += *c == ',';
    if (urne_pg_decimal(&p, &n.xmin) < 0 || *p++ != ':' || urne_pg_decimal(&p, &n.xmax) < 0 || *p++ != ':')
        return -1;
    if (*p && (n.xip = malloc((commas + 1) * sizeof *n.xip)) == NULL) return -1;
    while (*p) {
        if (n.nxip == commas + 1 || urne_pg_decimal(&p, &n.xip[n.nxip]) < 0 || (*p && *p != ',') ||
            (*p == ',' && p[1] == 0)) {
            free(n.xip);
            return -1;
        }
        n.nxip++;
        p += *p == ',';
    }
    free(sn->xip);
    *sn = n;
    return 0;
}

int urne_pg_snap_saw(const urne_pg_snap *sn, uint64_t xid) {
    if (!sn->set || xid >= sn->xmax) return 0;
    if (xid < sn->xmin) return 1;
    for (size_t i = 0; i < sn->nxip; i++)
        if (sn->xip[i] == xid) return 0;
    return 1;
}

void urne_pg_snap_free(urne_pg_snap *sn) {
    free(sn->xip);
    memset(sn, 0, sizeof *sn);
}

/* Compare scope with the key's first len bytes, as strcmp would the key cut there. */
static int scope_cmp(const char *scope, const char *key, size_t len) {
    int c = strncmp(scope, key, len);
    return c ? c : scope[len] != 0;
}

/* Where the scope of the key's first len bytes is, or would be, in seen's sorted
 * list: 1 when it is there. */
static int scope_find(const urne_pg_seen *seen, const char *key, size_t len, size_t *at) {
    size_t lo = 0, hi = seen->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (scope_cmp(seen->scoped[mid].scope, key, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return lo < seen->n && scope_cmp(seen->scoped[lo].scope, key, len) == 0;
}

int urne_pg_seen_keep(urne_pg_seen *seen, const char *scope, const char *text) {
    urne_pg_snap sn = {0};
    size_t len = scope ? strlen(scope) : 0, at = 0;
    if ((scope && (len == 0 || len >= sizeof seen->scoped->scope)) || urne_pg_snap_parse(&sn, text) < 0) return -1;
    if (scope == NULL) { /* later than every scope's: they go */
        urne_pg_snap_free(&seen->all);
        seen->all = sn;
        for (size_t i = 0; i < seen->n; i++) urne_pg_snap_free(&seen->scoped[i].snap);
        seen->n = 0;
        return 0;
    }
    if (!scope_find(seen, scope, len, &at)) {
        if (seen->n == seen->cap) {
            size_t cap = seen->cap ? seen->cap * 2 : 16;
            urne_pg_scoped *grown = realloc(seen->scoped, cap * sizeof *grown);
            if (grown == NULL) {
                urne_pg_snap_free(&sn);
                return -1;
            }
            seen->scoped = grown, seen->cap = cap;
        }
        memmove(seen->scoped + at + 1, seen->scoped + at, (seen->n - at) * sizeof *seen->scoped);
        memset(&seen->scoped[at], 0, sizeof seen->scoped[at]);
        memcpy(seen->scoped[at].scope, scope, len + 1);
        seen->n++;
    }
    urne_pg_snap_free(&seen->scoped[at].snap);
    seen->scoped[at].snap = sn;
    return 0;
}

int urne_pg_seen_saw(const urne_pg_seen *seen, const char *object, uint64_t xid) {
    if (urne_pg_snap_saw(&seen->all, xid)) return 1;
    size_t len = strlen(object), at;
    while (seen->n > 0 && len > 0) { /* the object, then each parent: "a/b/c", "a/b", "a" */
        if (scope_find(seen, object, len, &at) && urne_pg_snap_saw(&seen->scoped[at].snap, xid)) return 1;
        while (len > 0 && object[--len] != '/') continue;
    }
    return 0;
}

void urne_pg_seen_free(urne_pg_seen *seen) {
    urne_pg_snap_free(&seen->all);
    for (size_t i = 0; i < seen->n; i++) urne_pg_snap_free(&seen->scoped[i].snap);
    free(seen->scoped);
    memset(seen, 0, sizeof *seen);
}

/* For the tests alone: URNE_TEST_HOLD_WATCH, when set, names a directory; at
 * `stage` ("load": the watch about to connect and listen, its caller's load
 * done; "reload": listening, about to say URNE_WATCH_MISSED, before the
 * caller's reload) the watch makes the file STAGE.held there and waits until
 * the test makes STAGE.go, then removes STAGE.held and goes on; so that the
 * test commits changes in that window, as a slow start would, at a moment it
 * knows (tests/pg/test_multi_start.py). Unset, it costs a getenv. */
void urne_pg_test_hold(const char *stage) {
    const char *dir = getenv("URNE_TEST_HOLD_WATCH");
    if (dir == NULL || *dir == 0) return;
    char held[4096], go[4096];
    snprintf(held, sizeof held, "%s/%s.held", dir, stage);
    snprintf(go, sizeof go, "%s/%s.go", dir, stage);
    FILE *f = fopen(held, "w");
    if (f == NULL || fclose(f) != 0) {
        fprintf(stderr, "urne: URNE_TEST_HOLD_WATCH: cannot make %s; not held\n", held);
        return;
    }
    while (access(go, F_OK) != 0) poll(NULL, 0, 10);
    unlink(held); /* gone: the test knows the watch went on */
}
