/*
 * replay_initiatives: what the audit log says the initiatives' rows hold
 * (app/initiative.h), and where the store differs.
 *
 * The same idea as replay_notices.h. "initiative.create" records the row as
 * created (draft); each transition ("initiative.submit", "initiative.admit",
 * ... "initiative.answer", and "initiative.reach" by the system) records the
 * state it left and the one it reached, its moment and its text (the
 * committee's reasons, the authority's answer); "initiative.invalidate" records
 * a signature invalidated and why. Folding them gives every initiative's row
 * (but its hashing key, which the log never holds) and every invalidation, to
 * compare with the stored rows: a state, a text or a date rewritten, an
 * initiative added or removed, a signature invalidated or restored behind the
 * log's back are each named. The signatures themselves are not logged (a row
 * each, written once), so a valid signature is not compared. Pure: plain
 * structs, no JSON, no SQL.
 */
#ifndef URNE_AUDIT_REPLAY_INITIATIVES_H
#define URNE_AUDIT_REPLAY_INITIATIVES_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h" /* urne_audit_diff */

/* An initiative's row as the log records it (sizes as store_initiatives.h's). */
typedef struct urne_audit_initiative {
    int64_t id;
    char title[201];
    char space[96];
    char rules[16384]; /* URNE_STORE_INITIATIVE_RULES_MAX */
    char state[16];
    char authority_key[65];
    char created_at[24];
    char created_by[64];
    char changed_at[24];
    char reasons[4001];
    char answer[4001];
} urne_audit_initiative;

typedef struct urne_audit_initiatives urne_audit_initiatives;

urne_audit_initiatives *urne_audit_initiatives_new(void); /* NULL when out of memory */
void urne_audit_initiatives_free(urne_audit_initiatives *n);

/* Fold, in order of seq. 0; -1 out of memory; -2 a log that contradicts itself
 * (an id created twice, a transition of an initiative never created or from a
 * state it was not in, an invalidation twice). */
int urne_audit_initiatives_create(urne_audit_initiatives *n, int64_t seq, const urne_audit_initiative *x);
/* Initiative `id` moved from `from` to `to` at `at`; `reasons` / `answer` set
 * the texts when not NULL. */
int urne_audit_initiatives_move(urne_audit_initiatives *n, int64_t seq, int64_t id, const char *from, const char *to,
                                const char *at, const char *reasons, const char *answer);
/* Signature `sig` of initiative `id` invalidated for `reason`. */
int urne_audit_initiatives_invalidate(urne_audit_initiatives *n, int64_t seq, int64_t id, int64_t sig,
                                      const char *reason);
/* 1 when an initiative of that id was created (a roll's entry names one). */
int urne_audit_initiatives_known(const urne_audit_initiatives *n, int64_t id);

/* Compare one stored initiative (each once): each differing field, or a row no
 * entry gave. Returns the differences. Diffs name table "initiative", id. */
size_t urne_audit_initiatives_compare(urne_audit_initiatives *n, const urne_audit_initiative *stored,
                                      urne_audit_diff_fn fn, void *ctx);
/* Compare one stored signature's invalidation ("" when valid), each signature
 * once: table "signature", election the initiative, id the signature. */
size_t urne_audit_initiatives_compare_signature(urne_audit_initiatives *n, int64_t id, int64_t sig,
                                                const char *invalid, urne_audit_diff_fn fn, void *ctx);
/* After every stored row was compared: the initiatives and invalidations the log
 * gives and the store lost. Returns the differences; *compared the initiatives
 * in both. */
size_t urne_audit_initiatives_finish(urne_audit_initiatives *n, urne_audit_diff_fn fn, void *ctx, size_t *compared);

#endif
