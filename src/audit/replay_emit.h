/*
 * replay_emit: how every replay file says a difference between a stored row and
 * the row the log gives (replay_diff.c).
 *
 * The elections' replay (replay.c and its parts) and each domain's replay
 * (replay_notices.c, replay_grants.c, replay_initiatives.c, replay_matches.c,
 * replay_forums.c) report their differences the same way: a row named by its
 * table, election (or initiative, campaign) and id, the entry that set it, then
 * per field the stored and logged values as short texts, texts quoted and cut
 * with a mark only where shown. One emitter says them all, so that `urne audit
 * verify` prints every table alike.
 */
#ifndef URNE_AUDIT_REPLAY_EMIT_H
#define URNE_AUDIT_REPLAY_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h"

/* The differences of one row being said: the row (d's table, election, id, entry),
 * the callback they go to, and how many were said. */
typedef struct urne_replay_emit {
    urne_audit_diff d;
    urne_audit_diff_fn fn;
    void *ctx;
    size_t n;
} urne_replay_emit;

/* Start saying the differences of a row. */
void urne_replay_emit_init(urne_replay_emit *e, const char *table, int64_t election, int64_t id, int64_t seq,
                           urne_audit_diff_fn fn, void *ctx);
/* Point e at another row, keeping its count and callback. */
void urne_replay_retarget(urne_replay_emit *e, const char *table, int64_t election, int64_t id, int64_t seq);
/* Say one difference: the field, the stored and the logged values (cut to fit). */
void urne_replay_put(urne_replay_emit *e, const char *field, const char *stored, const char *logged);
/* Say that the row is on one side only: `stored` is the row's text in the store
 * (quoted) and NULL when the store lacks the row; `logged` likewise for the log.
 * The field is "row", the missing side "(no row)". */
void urne_replay_put_row(urne_replay_emit *e, const char *stored, const char *logged);
/* A text as a difference shows it: quoted, cut to 150 bytes. */
void urne_replay_quote(char out[160], const char *text);
/* Add e's differences to r's count; returns them. */
size_t urne_replay_counted(urne_audit_replay *r, const urne_replay_emit *e);
/* Say the field when its stored and logged values differ: texts (quoted), whole
 * numbers, figures (field by field when both have them alike). */
void urne_replay_cmp_str(urne_replay_emit *e, const char *field, const char *stored, const char *logged);
void urne_replay_cmp_int(urne_replay_emit *e, const char *field, int64_t stored, int64_t logged);
void urne_replay_cmp_figures(urne_replay_emit *e, const char *name, int hs, const urne_figures *s, int hl,
                             const urne_figures *l);
/* A bureau's row, a typed entry, in one short line. */
void urne_replay_describe_sheet(const urne_audit_sheet *s, char *out, size_t size);
void urne_replay_describe_typed(const urne_audit_typed *t, char *out, size_t size);

#endif
