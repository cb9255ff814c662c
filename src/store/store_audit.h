/*
 * store_audit: the audit log as the store keeps it, what its entries record, and
 * the rows as stored for `urne audit verify`.
 *
 * The log is a hash chain (audit/audit.h): each entry is sealed with the hash of
 * the one before it, and the head (last seq and hash) is kept beside it, so an
 * entry altered or removed is named by the check. Every change appends its entry
 * inside its own transaction.
 *
 * The chain does not vouch for the rows, so entries that change a row people rely
 * on record the resulting row in their JSON `after`, beside the keys they always
 * had, and `urne audit verify` replays the log and compares it with the rows held
 * (audit/replay.h):
 *
 *   "sheet"     in sheet.enter, bureau.contest, bureau.escalate, dispute.decide: the
 *               bureau's row after the change: {"bureau":B,"state":S,"figures":{..}|null,
 *               "entered_at":T,"entered_by":U,"validated_once":0|1,
 *               "changed_after_validation":0|1}; in sheet.enter, "figures" beside it
 *               (what was typed) and "sheet"'s entered_by make the typed entry
 *   the dispute bureau.contest and bureau.escalate: `after` is the whole new dispute
 *               (id, election, bureau, tier, state, reason, opened_by, opened_at,
 *               deadline, decision, decision_reason, decided_by, decided_at,
 *               figures_before, figures_after, escalated_from)
 *   "dispute"   in dispute.decide: the whole dispute after the decision, as above
 *   "sheets"    in election.create: one array per bureau, [state, inscrits, votants,
 *               blancs, nuls, exprimes|null, votes...], with "round", "settings",
 *               "double_entry", "deadline", "created_at" and "structure" (the digest
 *               of its names, urne_store_structure_digest) beside "title" and "rules"
 *
 * election.publish ("at", "digest"), election.reopen ("reopened_at", "reason"),
 * user.create ("name", "role", "tier") always recorded their whole result; a
 * publication after a reopening moves the reopened one to previous_*, as
 * urne_store_publish does; user.assign ("election", "first", "last") too. Entries
 * from before these keys replay as "not comparable" (see replay.h).
 *
 * The records are written and decoded in audit_json.c; the backend appends,
 * walks, and reads the rows as they are (unrepaired: a tampered row must be seen
 * as written). Part of the store's interface (store.h).
 */
#ifndef URNE_STORE_AUDIT_H
#define URNE_STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "../audit/audit.h"
#include "../audit/replay.h"
#include "../audit/replay_grants.h"
#include "../audit/replay_forums.h"
#include "../audit/replay_initiatives.h"
#include "../audit/replay_matches.h"
#include "../audit/replay_notices.h"
#include "store_disputes.h"
#include "store_elections.h"

typedef struct urne_store urne_store;

/* ---- the log (appending inside a transaction) ---- */

/* Append an entry stamped now, chained to the head. before/after are JSON (NULL =
 * "null"); no length limit. 0 or -1. */
int urne_store_audit(urne_store *s, const char *actor, const char *action, const char *object, const char *before,
                     const char *after);
/* The head: seq (0 when the log is empty) and hash (the genesis then). 0 or -1. */
int urne_store_audit_head(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]);
/* The head read from the database now, never answered from what the handle holds
 * (PostgreSQL answers urne_store_audit_head from the read just after its commit):
 * whatever the caller read before this call was committed at or before `seq`. 0 or
 * -1. */
int urne_store_audit_head_now(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]);
/* The head's seq as this handle last read or moved it, without reading: just
 * after a commit through it, at least that commit's entry; inside a write
 * transaction, the head under which the rows read in it were read. A state read
 * or written through the handle since its last head read is at or before it. */
int64_t urne_store_audit_known(urne_store *s);
/* Call fn on every entry in seq order from `from` (1 = all); stops when fn returns
 * non-zero and returns that value; 0 when all were passed, -1 on failure. The
 * entry's texts are valid during the call only. */
int urne_store_audit_each(urne_store *s, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx);

/* ---- what entries record (audit_json.c) ---- */

/* The "sheet" record of bureau `bureau` after a change: its info and the figures
 * written with it (NULL when none). Malloc'ed JSON text, NULL when out of memory. */
char *urne_audit_sheet_record(size_t bureau, const urne_bureau_info *b, const urne_figures *stored);
/* The "sheet" record of an audit entry's `after` text (urne_audit_sheet_record's,
 * as sheet.enter writes it) as the bureau's row: 0 with *bureau, *info and f (which
 * the caller frees) when `after` is an object holding such a record whose every
 * field is as urne writes it (a known state; figures, or null: *has_figures 0);
 * -1 otherwise, with nothing to free. */
int urne_audit_sheet_after(const char *after, size_t *bureau, urne_bureau_info *info, urne_figures *f,
                           int *has_figures);

/* A whole dispute as JSON text (malloc'ed; NULL when out of memory). */
char *urne_audit_dispute_record(const urne_dispute *d);

/* Add `key`: the JSON text `value` to the JSON object text `object`. Takes both
 * texts (frees them) and returns the new object's text, or NULL (out of memory, or
 * object or value not JSON; both freed). */
char *urne_audit_json_add(char *object, const char *key, char *value);

/* election.create's `after` for election `m` (as stored: id, title, rules,
 * settings, round, double entry, deadline, created_at) created from `round` with
 * each sheet's state in states (NULL: all missing); source and sha256 name the
 * file; structure is urne_store_structure_digest's. Malloc'ed JSON text, NULL when
 * out of memory. */
char *urne_audit_created_record(const urne_election_meta *m, const urne_round *round, const urne_sheet_state *states,
                                const char *source, const char *sha256, const char *structure);

/* Decode one entry (already checked by the chain) and fold what it records into r.
 * 0, or -1 with the reason in urne_audit_replay_error(r) when the entry cannot be
 * replayed (a text longer than the replay holds among them: never cut). */
int urne_audit_fold(urne_audit_replay *r, const urne_audit_entry *e);
/* The same for the grants (audit/replay_grants.h): folds a "user.grant" or
 * "user.ungrant" entry into g; any other entry is left alone. 0, or -1 with why
 * (the entry's record malformed, or out of memory). audit_grants_json.c. */
int urne_audit_fold_grant(urne_audit_grants *g, const urne_audit_entry *e, char *why, size_t size);
/* The same for the notices (audit/replay_notices.h): folds a "notice.publish"
 * entry; 0 (also for any other entry), or -1 with a sentence in why (the entry's
 * record malformed, a notice published twice, or out of memory).
 * audit_notices_json.c. */
int urne_audit_fold_notice(urne_audit_notices *n, const urne_audit_entry *e, char *why, size_t size);
/* The same for the initiatives (audit/replay_initiatives.h): folds every
 * "initiative.*" entry, ignores the others; 0, or -1 with why said (a record
 * malformed or contradicting the log before it, or out of memory).
 * audit_initiatives_json.c. */
int urne_audit_fold_initiative(urne_audit_initiatives *n, const urne_audit_entry *e, char *why, size_t size);
/* The same for the matching's campaigns (audit/replay_matches.h): folds every
 * "match.*" entry, ignores the others; audit_matches_json.c. */
int urne_audit_fold_match(urne_audit_matches *n, const urne_audit_entry *e, char *why, size_t size);
/* The same for the forums (audit/replay_forums.h): folds every "forum.*" and
 * "post.*" entry, ignores the others; 0, or -1 with why said (a record
 * malformed, contradicting an earlier one, or out of memory).
 * audit_forums_json.c. */
int urne_audit_fold_forum(urne_audit_forums *f, const urne_audit_entry *e, char *why, size_t size);

/* ---- the rows as stored, for urne_audit_replay_compare_* ----
 *
 * Each calls fn on every row (stopping when it returns non-zero, and returning
 * that), in order of id; 0 when all were passed, -1 on failure (urne_store_error,
 * a stored text too long for its field among them). A bureau comes with its name:
 * its key and its label at the deepest level that has one ("" when none). A
 * figures text that is not figures JSON is passed as has_figures = -1, a state
 * that is not one as written. */
int urne_store_audit_elections(urne_store *s, int (*fn)(const urne_audit_election *m, void *ctx), void *ctx);
int urne_store_audit_sheets(urne_store *s,
                            int (*fn)(int64_t election, size_t bureau, const char *key, const char *label,
                                      const urne_audit_sheet *sheet, void *ctx),
                            void *ctx);
/* The typed entries (double entry's record), in order of bureau then of typing. */
int urne_store_audit_typed(urne_store *s,
                           int (*fn)(int64_t election, size_t bureau, const char *key, const char *label,
                                     const urne_audit_typed *t, void *ctx),
                           void *ctx);
int urne_store_audit_disputes(urne_store *s, int (*fn)(const urne_audit_dispute *d, void *ctx), void *ctx);
int urne_store_audit_users(urne_store *s, int (*fn)(const urne_audit_user *u, void *ctx), void *ctx);
/* The bureaux assigned to secretaries, in order of user, election, bureau. */
int urne_store_audit_assignments(urne_store *s, int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx),
                                 void *ctx);

#endif
