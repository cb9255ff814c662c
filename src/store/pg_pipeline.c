/*
 * pg_pipeline: the statements of a write transaction on PostgreSQL sent without
 * waiting for their answers, so that an entry costs one round trip under urne's
 * write lock instead of nine (bench/RESULTS.md, "fewer round trips" and "one round
 * trip").
 *
 * Why: on SQLite a statement is a function call; here each is a round trip to
 * another process, and an entry used to be fourteen of them (the session, the
 * assignment, BEGIN and the lock, the bureau, the entry, the bureau's update, the
 * head locked, the audit row, the head moved, the notification, COMMIT, the head
 * read twice after). Measured with pg_stat_statements, PostgreSQL spent 0.14 ms an
 * entry executing them, the entry took 1.2 ms: the rest was waiting, and every
 * wait between BEGIN and COMMIT was spent holding the lock every server's writer
 * queues for.
 *
 * How (libpq's pipeline mode): pg_begin sends BEGIN, and the advisory lock with
 * the head's row locked (one statement), and waits for nothing; the writes
 * (urne_pg_write) are sent the same way; a statement whose answer its caller
 * needs (urne_pg_run) is sent at the end of the pipeline, and its answer read
 * with all the others; pg_commit sends COMMIT and reads them all. An entry needs
 * none before its commit: the sheet's row is not read but checked against memory
 * by a statement that fails when it differs (URNE_PG_AFTER_EXPECT: a cast of a
 * text naming urne's reason, which PostgreSQL answers by skipping the statements after it, COMMIT
 * included; the store then says it stale, urne_store_stale, and the use case reads
 * the row under the lock and decides again), and the audit entry is sealed by
 * PostgreSQL, its seq and hash coming back with the answers
 * (URNE_PG_AFTER_APPENDED, pg_audit.c). So an entry is [BEGIN, the lock with the
 * head, the check, the entry with the bureau's update (one statement,
 * pg_elections.c), the audit row with the head's move and the notification (one
 * statement, pg_audit.c), COMMIT] in one round trip: six statements, every one
 * prepared once on the connection.
 *
 * What it keeps: nothing is acknowledged before COMMIT's own answer is read (the
 * commit returns 0 only then), so durability is PostgreSQL's as before; the order
 * of the audit chain is still the advisory lock's and the head's row lock's, both
 * taken before the head is read. What changes: a statement's failure (a lock not
 * obtained in 10 s, a constraint) is reported by the next call that reads the
 * pipeline, naming the statement that failed; PostgreSQL skips the statements
 * after it, and the caller, which rolls back after any failure, rolls it all back.
 *
 * A COMMIT sent whose answer is lost with the connection (the server gone, or no
 * answer within the deadline: pg_wait.c) leaves the transaction's fate unknown: the
 * commit fails, so memory is not patched, though PostgreSQL may have committed it
 * (a COMMIT still in the socket of a frozen server is run when it wakes). The
 * handle notes it (in_doubt, and the session in heard_state), and when the
 * connection is open again, its old session ended and waited for, the watch reloads
 * every election from the database (pg_store.c's revived). The watch, when its own
 * connection was lost too, ends that session as it connects again, before it
 * reloads everything (pg_watch.c): memory is then right even before a request
 * comes to open the store's connection again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* The slot of sql's prepared statement (name set), or -1 when all are taken;
 * *fresh is 1 when it is not prepared yet on this session. */
static int slot_of(urne_pg *q, const char *sql, char name[16], int *fresh) {
    int i = 0;
    while (i < URNE_PG_NPREPARED && q->prepared[i] && q->prepared[i] != sql) i++;
    if (i == URNE_PG_NPREPARED) return -1;
    snprintf(name, 16, "urne%d", i);
    *fresh = q->prepared[i] == NULL;
    return i;
}

static urne_pg_pending *push(urne_pg *q, const char *what, urne_pg_after after, int slot) {
    urne_pg_pending *e = &q->pipe[q->npipe++];
    e->what = what;
    e->after = after;
    e->slot = slot;
    e->msg[0] = 0;
    return e;
}

/* Put sql on the wire (prepared first when it is new): 0, or -1. */
static int put(urne_store *s, const char *sql, int prepare, const urne_pg_params *p, const char *what) {
    urne_pg *q = urne_pgq(s);
    char name[16];
    int fresh = 0, i = prepare ? slot_of(q, sql, name, &fresh) : -1;
    int n = p ? p->n : 0;
    const char *const *v = p ? p->values : NULL;
    if (i >= 0 && fresh) {
        if (PQsendPrepare(q->conn, name, sql, 0, NULL) != 1) return -1;
        q->prepared[i] = sql;
        push(q, what, URNE_PG_AFTER_NONE, i);
    }
    if (i >= 0) return PQsendQueryPrepared(q->conn, name, n, v, NULL, NULL, 0) == 1 ? 0 : -1;
    return PQsendQueryParams(q->conn, sql, n, NULL, v, NULL, NULL, 0) == 1 ? 0 : -1;
}

int urne_pg_send(urne_store *s, const char *sql, int prepare, const urne_pg_params *p, const char *what,
                 urne_pg_after after, const char *msg) {
    urne_pg *q = urne_pgq(s);
    assert(q->in_write);
    if (q->npipe + 2 > URNE_PG_PIPE && urne_pg_flush(s) < 0) return -1;
    if (PQpipelineStatus(q->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(q->conn) != 1)
        return urne_store_fail(s, "%s: cannot pipeline: %s", what, PQerrorMessage(q->conn));
    if (put(s, sql, prepare, p, what) < 0) {
        urne_store_fail(s, "%s: %s", what, PQerrorMessage(q->conn));
        urne_pg_flush(s); /* what was sent before, read and dropped */
        return -1;
    }
    urne_pg_pending *e = push(q, what, after, -1);
    if (msg) snprintf(e->msg, sizeof e->msg, "%s", msg);
    return 0;
}

/* Handle the successful answer r of e: 0, or -1 (said on s). r is cleared, or
 * kept (URNE_PG_AFTER_KEEP). */
static int answered(urne_store *s, urne_pg_pending *e, PGresult *r) {
    urne_pg *q = urne_pgq(s);
    int rc = 0;
    switch (e->after) {
    case URNE_PG_AFTER_NONE:
        break;
    case URNE_PG_AFTER_ONE_ROW:
        if (strcmp(PQcmdTuples(r), "1") != 0) rc = urne_store_fail(s, "%s", e->msg);
        break;
    case URNE_PG_AFTER_HEAD: /* none found: read again by the append (pg_store.c's begin) */
        rc = urne_pg_head_from(s, r);
        q->head_in_tx = rc == 0 && PQntuples(r) > 0;
        q->tx_base = q->head_seq;
        break;
    case URNE_PG_AFTER_APPENDED: /* seq, hash: the handle's head moves */
        if (PQntuples(r) != 1)
            rc = urne_store_fail(s, "%s: no head came back", e->what);
        else {
            q->head_seq = urne_pg_int64(r, 0, 0);
            rc = urne_pg_col(s, r, 0, 1, q->head_hash, sizeof q->head_hash, "audit_head", "hash", "the head");
        }
        break;
    case URNE_PG_AFTER_EXPECT: /* it failed if the row was not as expected */
        break;
    case URNE_PG_AFTER_COMMIT: /* after a failure in the transaction, PostgreSQL answers ROLLBACK */
        q->committed = strcmp(PQcmdStatus(r), "COMMIT") == 0;
        if (!q->committed)
            rc = urne_store_fail(s, "committing: the transaction was rolled back, a statement in it having failed");
        break;
    case URNE_PG_AFTER_KEEP:
        PQclear(q->kept);
        q->kept = r;
        return 0;
    }
    PQclear(r);
    return rc;
}

/* What a flush has read so far: the first failure, said once all is read (a
 * connection cut is seen only then, and makes it a 503, not a 500). */
typedef struct reading {
    int failed;
    PGresult *bad;   /* the first failed answer, kept until then */
    const char *what; /* its statement's */
    int expect;       /* its statement's answer was URNE_PG_AFTER_EXPECT */
} reading;

/* One answer r for the k-th statement sent. */
static void take(urne_store *s, PGresult *r, int k, reading *rd) {
    urne_pg *q = urne_pgq(s);
    urne_pg_pending *e = &q->pipe[k < q->npipe ? k : q->npipe - 1];
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (rd->failed)
            PQclear(r);
        else if (answered(s, e, r) < 0)
            rd->failed = 1;
        return;
    }
    if (e->slot >= 0) q->prepared[e->slot] = NULL; /* its PREPARE failed or was skipped */
    if (st == PGRES_PIPELINE_ABORTED || rd->failed) {
        PQclear(r);
        return;
    }
    rd->failed = 1;
    rd->bad = r;
    rd->what = e->what;
    rd->expect = e->after == URNE_PG_AFTER_EXPECT;
}

int urne_pg_flush(urne_store *s) {
    urne_pg *q = urne_pgq(s);
    if (q->npipe == 0) return 0;
    reading rd = {0};
    int k = 0, synced = PQpipelineSync(q->conn) == 1;
    if (!synced) {
        rd.failed = 1;
        urne_store_fail(s, "%s: %s", q->pipe[0].what, PQerrorMessage(q->conn));
    }
    for (;;) {
        PGresult *r = urne_pg_next(q->conn, q->timeout_ms, &q->stalled_pid);
        if (r == NULL) { /* between two statements' answers; none more on a lost connection */
            if (!synced || PQstatus(q->conn) == CONNECTION_BAD) break;
            continue;
        }
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        take(s, r, k++, &rd);
    }
    if (rd.bad)
        urne_pg_checked(s, rd.bad, rd.what); /* says it, and clears it */
    if (rd.bad && rd.expect && strcmp(q->sqlstate, "22P02") == 0) { /* the cast's invalid_text_representation: not as expected */
        q->stale = 1;
        urne_store_fail(s, "%s: the row was changed by another server", rd.what);
    }
    else if (PQstatus(q->conn) == CONNECTION_BAD && !rd.failed) {
        rd.failed = 1;
        urne_pg_checked(s, NULL, q->pipe[k < q->npipe ? k : q->npipe - 1].what);
    }
    if (PQstatus(q->conn) == CONNECTION_BAD && !q->committed)
        for (int j = 0; j < q->npipe; j++) /* COMMIT sent, its answer lost: committed or not, none can say */
            if (q->pipe[j].after == URNE_PG_AFTER_COMMIT) {
                q->in_doubt = 1;
                pthread_mutex_lock(&q->heard_state.lock); /* for the watch to end it (pg_watch.c) */
                /* libpq forgets the session's id once the connection is bad: the one
                 * noted when the deadline passed (pg_wait.c), or none (closed by the
                 * server: the session ends with it) */
                q->heard_state.doubt_pid = q->stalled_pid > 0 ? q->stalled_pid : 0;
                pthread_mutex_unlock(&q->heard_state.lock);
            }
    for (; k < q->npipe; k++) /* not answered: a statement prepared by them is not */
        if (q->pipe[k].slot >= 0) q->prepared[q->pipe[k].slot] = NULL;
    q->npipe = 0;
    PQexitPipelineMode(q->conn);
    if (rd.failed && strcmp(q->sqlstate, "55P03") == 0) /* lock_not_available: lock_timeout ran out */
        urne_store_fail(s, "starting a write: another writer has held the database for more than %s s; nothing "
                           "was written, try again",
                        URNE_PG_LOCK_WAIT);
    if (rd.failed) {
        PQclear(q->kept);
        q->kept = NULL;
    }
    return rd.failed ? -1 : 0;
}

int urne_pg_write(urne_store *s, const char *sql, const urne_pg_params *p, const char *what, const char *one_row) {
    if (urne_pgq(s)->in_write)
        return urne_pg_send(s, sql, 1, p, what, one_row ? URNE_PG_AFTER_ONE_ROW : URNE_PG_AFTER_NONE, one_row);
    long changed = 0;
    if (urne_pg_do(s, sql, p, what, &changed) < 0) return -1;
    if (one_row && changed != 1) return urne_store_fail(s, "%s", one_row);
    return 0;
}
