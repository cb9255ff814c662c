/*
 * replay_grants: what the audit log says the grants table holds (the roles
 * accounts hold in spaces below the site), and where the store differs.
 *
 * The same idea as replay.h, for one more table, kept apart so that the replay of
 * the results' rows does not grow: each "user.grant" entry records the grant it
 * leaves (user, space, role, tier) and each "user.ungrant" the one it takes back.
 * Folding them in order gives the grants the store must hold; comparing them with
 * the stored rows names every grant added, changed or removed behind the log's
 * back. The grants table came with these entries (schema 3), so every grant has an
 * entry: there is no "not comparable" here. Pure: plain structs, no JSON, no SQL.
 */
#ifndef URNE_AUDIT_REPLAY_GRANTS_H
#define URNE_AUDIT_REPLAY_GRANTS_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h" /* urne_audit_diff */

/* A grant's row. */
typedef struct urne_audit_grant {
    int64_t user;
    char space[96]; /* a space name: at most 95 bytes */
    char role[16];
    int tier;
} urne_audit_grant;

typedef struct urne_audit_grants urne_audit_grants;

urne_audit_grants *urne_audit_grants_new(void); /* NULL when out of memory */
void urne_audit_grants_free(urne_audit_grants *g);

/* Fold, in order of seq: the grant *x was given (replacing the user's in that
 * space), or the user's grant in `space` was taken back. 0, or -1 when out of
 * memory. */
int urne_audit_grants_put(urne_audit_grants *g, int64_t seq, const urne_audit_grant *x);
int urne_audit_grants_delete(urne_audit_grants *g, int64_t seq, int64_t user, const char *space);

/* Compare one stored grant (each once): reports through fn a differing role or
 * tier, or a row no entry gave ("(no row)" logged). Returns the differences. */
size_t urne_audit_grants_compare(urne_audit_grants *g, const urne_audit_grant *stored, urne_audit_diff_fn fn,
                                 void *ctx);
/* After every stored grant was compared: reports each grant the log gives and the
 * store lost. Returns the differences; *compared is how many grants were in both. */
size_t urne_audit_grants_finish(urne_audit_grants *g, urne_audit_diff_fn fn, void *ctx, size_t *compared);

#endif
