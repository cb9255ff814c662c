/*
 * replay_matches: what the audit log says the matching's rows hold
 * (app/match.h), and where the store differs.
 *
 * The same idea as replay_initiatives.h. Every act on a campaign ("match.create",
 * "match.import", "match.places", "match.wishes", "match.run", "match.publish",
 * "match.answer", "match.close") records the campaign's row after it and the
 * change it made to the digest of its other rows (hosts, pupils, rankings,
 * results, offers: a sum of the rows' hashes, store_matches.h). Folding them
 * gives each campaign's row as of its last entry and, the changes added up, the
 * digest its rows must have, to compare with the stored row field by field and
 * with the digest of the stored rows: a state, a round,
 * a deadline rewritten, a campaign added or removed, a capacity, a wish, a
 * result or an offer changed behind the log's back are each named (the rows by
 * the digest: which campaign, not which row). An act's record must follow from
 * the one before (a campaign created once, acted on only after). Pure: plain
 * structs, no JSON, no SQL.
 */
#ifndef URNE_AUDIT_REPLAY_MATCHES_H
#define URNE_AUDIT_REPLAY_MATCHES_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h" /* urne_audit_diff */

/* A campaign's row as the log records it (sizes as store_matches.h's), and
 * the digest of its other rows. */
typedef struct urne_audit_match {
    int64_t id, seed, round, final_round;
    char name[201];
    char space[96];
    char state[16];
    char method[8];
    char tie[12];
    char deadline[24];
    char created_at[24];
    char created_by[64];
    uint64_t rows[4]; /* folded: the entry's change to the rows' digest; compared: the stored rows' digest */
} urne_audit_match;

typedef struct urne_audit_matches urne_audit_matches;

urne_audit_matches *urne_audit_matches_new(void); /* NULL when out of memory */
void urne_audit_matches_free(urne_audit_matches *n);

/* Entry `seq` recorded campaign x after an act; `create` when it created it.
 * 0, -1 out of memory, -2 contradicting the log (created twice, or acted on
 * before it was created). */
int urne_audit_matches_fold(urne_audit_matches *n, int64_t seq, const urne_audit_match *x, int create);

/* Compare one stored campaign (each once), with the digest of its stored rows:
 * each differing field, or a row no entry gave. Returns the differences.
 * Diffs name table "campaign", id. */
size_t urne_audit_matches_compare(urne_audit_matches *n, const urne_audit_match *stored, urne_audit_diff_fn fn,
                                  void *ctx);
/* After every stored campaign was compared: those the log gives and the store
 * lost. Returns the differences; *compared the campaigns present in both. */
size_t urne_audit_matches_finish(urne_audit_matches *n, urne_audit_diff_fn fn, void *ctx, size_t *compared);

#endif
