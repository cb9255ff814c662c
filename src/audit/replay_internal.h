/*
 * replay_internal: what the replay's files share (replay.c folds the log into the
 * rows it expects, replay_diff.c says a difference, replay_compare.c compares the
 * store's rows one by one, replay_finish.c names what the store lost). Not for
 * other modules: they see replay.h only.
 *
 * The expected rows live in arrays indexed by id (elections, disputes, accounts:
 * the store numbers them from 1 without gaps worth mentioning) and, per election,
 * by bureau index. Each expected row remembers the entry that set it, whether the
 * log recorded it whole ("known") or not and why, and whether the store passed a
 * row for it ("seen"), so that finish can name the rows deleted from the store and
 * say what could not be compared.
 */
#ifndef URNE_AUDIT_REPLAY_INTERNAL_H
#define URNE_AUDIT_REPLAY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h"
#include "replay_emit.h"

#define MAX_ID 100000000 /* ids beyond this are not the store's: refused rather than allocated */

enum { KNOWN, CREATED_UNRECORDED, CHANGED_UNRECORDED };

typedef struct xtyped {
    urne_audit_typed t;
    int64_t seq;
} xtyped;

typedef struct xsheet {
    urne_audit_sheet s;
    int64_t seq;             /* the entry that set s, or made it not comparable */
    unsigned char why, seen; /* why: KNOWN or the reason it is not */
    /* The typed entries, in order; the store's were compared up to `compared`,
     * `matched` of them having a stored row, `extra` stored rows having none. */
    xtyped *typed;
    size_t ntyped, cap, compared, matched, extra;
    int64_t typed_unknown_seq; /* an entry that typed without recording it, 0 when none */
} xsheet;

typedef struct xelection {
    int present, seen, meta_known;
    urne_audit_election m;
    int64_t seq_created, seq_published, seq_meta_unknown;
    xsheet *sheets;
} xelection;

typedef struct xdispute {
    int present, known, seen;
    int64_t seq;
    urne_audit_dispute d; /* d.election and d.bureau are set even when not known */
} xdispute;

typedef struct xuser {
    int present, known, seen;
    int64_t seq;
    urne_audit_user u;
} xuser;

typedef struct xassign {
    int64_t user, election;
    size_t bureau;
    int64_t seq;
} xassign;

struct urne_audit_replay {
    /* Assignments, sorted and deduplicated when the store's are first compared;
     * `cursor` is where the comparison stands. */
    xassign *as;
    size_t nas, capas, cursor, matched_as;
    int sorted;
    xelection *el;
    size_t nel;
    xdispute *dis;
    size_t ndis;
    xuser *us;
    size_t nus;
    char why[300];
    size_t differences; /* reported by the compare functions so far */
};


/* ---- replay.c: the expected rows ---- */

/* The election with this id as the log leaves it, NULL when the log has none. */
xelection *urne_replay_election(const urne_audit_replay *r, int64_t id);
/* The dispute with this id as the log leaves it, NULL when the log has none. */
xdispute *urne_replay_dispute(const urne_audit_replay *r, int64_t id);

/* ---- replay_diff.c: saying a difference: replay_emit.h ---- */

/* ---- replay_compare.c: assignments, which finish also reads ---- */

/* Sort and deduplicate the assignments the log gives, once. */
void urne_replay_assignments_sorted(urne_audit_replay *r);
/* Say an assignment the log gives and the store lacks. */
void urne_replay_assignment_missing(urne_replay_emit *e, const xassign *a);

#endif
