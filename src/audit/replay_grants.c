/*
 * replay_grants: the grants as the log gives them, compared with the stored ones
 * (see replay_grants.h). A plain array searched by (user, space): an account holds
 * a few grants, a site a few hundred, and verify runs once.
 *
 * A difference is reported on the table "grant", with the account as its id and
 * the space as its field; the values shown are "ROLE, tier N".
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "replay_emit.h"
#include "replay_grants.h"

typedef struct xgrant {
    urne_audit_grant g;
    int64_t seq;
    int present, seen; /* present: the log leaves it; seen: the store passed it */
} xgrant;

struct urne_audit_grants {
    xgrant *all;
    size_t n, cap;
};

urne_audit_grants *urne_audit_grants_new(void) { return calloc(1, sizeof(urne_audit_grants)); }

void urne_audit_grants_free(urne_audit_grants *g) {
    if (g == NULL) return;
    free(g->all);
    free(g);
}

static xgrant *find(urne_audit_grants *g, int64_t user, const char *space) {
    for (size_t i = 0; i < g->n; i++)
        if (g->all[i].g.user == user && strcmp(g->all[i].g.space, space) == 0) return &g->all[i];
    return NULL;
}

int urne_audit_grants_put(urne_audit_grants *g, int64_t seq, const urne_audit_grant *x) {
    assert(g && x);
    xgrant *at = find(g, x->user, x->space);
    if (at == NULL) {
        xgrant *all = urne_mem_room(g->all, g->n, &g->cap, sizeof *all, 16);
        if (all == NULL) return -1;
        g->all = all;
        at = &g->all[g->n++];
    }
    memset(at, 0, sizeof *at);
    at->g = *x;
    at->seq = seq;
    at->present = 1;
    return 0;
}

int urne_audit_grants_delete(urne_audit_grants *g, int64_t seq, int64_t user, const char *space) {
    assert(g && space);
    xgrant *at = find(g, user, space);
    if (at) {
        at->present = 0;
        at->seq = seq;
    }
    return 0;
}

static void describe(const urne_audit_grant *x, char *out, size_t size) {
    snprintf(out, size, "%s, tier %d", x->role, x->tier);
}

/* One difference: the grant of `where`'s user in its space (the field), as
 * stored and as logged. */
static size_t report(const urne_audit_grant *where, const char *stored, const char *logged, int64_t seq,
                     urne_audit_diff_fn fn, void *ctx) {
    urne_replay_emit e;
    urne_replay_emit_init(&e, "grant", 0, where->user, seq, fn, ctx);
    urne_replay_put(&e, where->space, stored, logged);
    return e.n;
}

size_t urne_audit_grants_compare(urne_audit_grants *g, const urne_audit_grant *stored, urne_audit_diff_fn fn,
                                 void *ctx) {
    assert(g && stored);
    char s[64], l[64];
    describe(stored, s, sizeof s);
    xgrant *at = find(g, stored->user, stored->space);
    if (at == NULL || !at->present) {
        return report(stored, s, "(no row)", at ? at->seq : 0, fn, ctx);
    }
    at->seen = 1;
    if (strcmp(at->g.role, stored->role) == 0 && at->g.tier == stored->tier) return 0;
    describe(&at->g, l, sizeof l);
    return report(stored, s, l, at->seq, fn, ctx);
}

size_t urne_audit_grants_finish(urne_audit_grants *g, urne_audit_diff_fn fn, void *ctx, size_t *compared) {
    assert(g && compared);
    size_t missing = 0;
    *compared = 0;
    for (size_t i = 0; i < g->n; i++) {
        const xgrant *x = &g->all[i];
        if (!x->present) continue;
        if (x->seen) {
            ++*compared;
            continue;
        }
        char l[64];
        describe(&x->g, l, sizeof l);
        missing += report(&x->g, "(no row)", l, x->seq, fn, ctx);
    }
    return missing;
}
