/*
 * match_internal: what match.c and match_round.c share (match.h's use cases):
 * the clock, the campaign's lookup and authorisation under the lock, the refusal
 * helpers, and the audit entry every act appends. Not for adapters.
 */
#ifndef URNE_APP_MATCH_INTERNAL_H
#define URNE_APP_MATCH_INTERNAL_H

#include <jansson.h>

#include "../core/urne_diag.h"
#include "../core/urne_time.h"
#include "../io/match_io.h"
#include "match.h"

/* Now, in UTC seconds (the app's matching clock, else time()). */
int64_t urne_app_match_now(urne_app *app);

/* Campaign `id` into *c: OK, NO_CAMPAIGN or STORE (said in out). Under the lock. */
urne_app_status urne_app_match_load(urne_app *app, int64_t id, urne_match_campaign_row *c, urne_app_outcome *out);
/* Campaign `id` into *c, and the actor allowed to manage it (the coordinator's
 * acts and downloads): OK, NO_CAMPAIGN, the refusal, or STORE. Under the lock. */
urne_app_status urne_app_match_load_managed(urne_app *app, const urne_user *actor, int64_t id,
                                            urne_match_campaign_row *c, urne_app_outcome *out);
/* urne_app_match_may on a campaign already read. Under the lock. */
urne_app_status urne_app_match_may_row(urne_app *app, const urne_user *actor, urne_action action,
                                       const urne_match_campaign_row *c, const char *sub_kind, const char *sub,
                                       urne_app_outcome *out);

/* BAD_INPUT with field, why, number and detail; returns it. */
urne_app_status urne_app_match_refuse(urne_app_outcome *out, const char *field, const char *why, int64_t number,
                                      const char *detail);
/* STATE with URNE_WHY_MATCH_STATE (or why) and the state in detail. */
urne_app_status urne_app_match_wrong_state(urne_app_outcome *out, const char *why, const char *state);

/* Append "match.<act>" on "match/ID" by `by`, recording c's row, the change the
 * act made to the digest of the campaign's other rows (delta: the rows it wrote,
 * less those they replaced; NULL: none) and `extra`'s members (stolen; may be
 * NULL), inside the caller's transaction. OK, STORE or NO_MEMORY (said in out);
 * the caller rolls back on failure. */
urne_app_status urne_app_match_audit(urne_app *app, const char *by, const char *act, const urne_match_campaign_row *c,
                                     const urne_match_sum *delta, json_t *extra, urne_app_outcome *out);

/* Commit, or roll back and say why: OK or STORE. */
urne_app_status urne_app_match_commit(urne_app *app, urne_app_outcome *out);

/* The campaign's rows read as `urne match run` reads its files, with `upload`
 * (a host_rankings.csv, len bytes) in place of the stored rankings; its errors
 * go to rd and refuse it (BAD_INPUT URNE_WHY_FILE, out->checks). OK, BAD_INPUT,
 * IMPOSSIBLE (the rows do not read back), STORE, NO_MEMORY. Under the lock. */
urne_app_status urne_app_match_read_upload(urne_app *app, const urne_match_campaign_row *c, const char *upload,
                                          size_t len, urne_match_input *in, urne_diags *rd, urne_app_outcome *out);

/* One file's kept columns: every column but those named in `own`, as a JSON
 * object, and the column `pick` (name, or school) picked out, per line in file
 * order (urne_app_match_keep_line, an urne_io_match_rows callback). */
typedef struct urne_app_match_kept {
    const char *const *own;
    const char *pick;
    char **kept, **picked;
    size_t n, cap;
} urne_app_match_kept;
/* The columns hosts.csv's and pupils.csv's rows hold in their own columns. */
extern const char *const urne_app_match_host_own[], *const urne_app_match_pupil_own[];
int urne_app_match_keep_line(const char *const *names, const char *const *values, long n, void *ctx);
void urne_app_match_kept_free(urne_app_match_kept *k);

/* A code handed out after the commit. */
typedef struct urne_app_match_issued {
    char kind[8], key[URNE_STORE_MATCH_KEY_MAX + 1], school[URNE_STORE_MATCH_NAME_MAX + 1], code[21];
} urne_app_match_issued;

/* The read input's rows written inside the caller's transaction: its hosts from
 * host_from on (hk's lines 0.. for them), every pupil (pk's lines), the rankings
 * of the hosts written; each host and pupil with a new code into codes[] (hosts
 * first), the rows' hashes added to sum. OK, BAD_INPUT (a value the store cannot
 * hold), STORE (a key taken), NO_MEMORY. */
urne_app_status urne_app_match_write_rows(urne_app *app, int64_t id, const urne_match_input *in, size_t host_from,
                                          const urne_app_match_kept *hk, const urne_app_match_kept *pk,
                                          urne_app_match_issued *codes, urne_match_sum *sum, urne_app_outcome *out);

/* SHA-256 of a code, hex. */
void urne_app_match_code_hash(const char *code, char out[URNE_STORE_MATCH_HASH]);

#endif
