/*
 * replay_notices: the notices' rows as the log leaves them (replay_notices.h).
 *
 * The notices published, in an array in order of the log; a notice is found by
 * its id with a linear search, which is what a site's few dozen announcements
 * need. A difference is reported field by field through replay_emit.h, with the
 * text cut for the message only (the comparison is on the whole text).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "replay_emit.h"
#include "replay_notices.h"

typedef struct xnotice {
    urne_audit_notice n;
    int64_t seq;
    int seen; /* the store passed it */
} xnotice;

struct urne_audit_notices {
    xnotice *all;
    size_t n, cap;
};

urne_audit_notices *urne_audit_notices_new(void) { return calloc(1, sizeof(urne_audit_notices)); }

void urne_audit_notices_free(urne_audit_notices *n) {
    if (n == NULL) return;
    free(n->all);
    free(n);
}

static xnotice *find(urne_audit_notices *n, int64_t id) {
    for (size_t i = 0; i < n->n; i++)
        if (n->all[i].n.id == id) return &n->all[i];
    return NULL;
}

int urne_audit_notices_put(urne_audit_notices *n, int64_t seq, const urne_audit_notice *x) {
    assert(n && x && x->id > 0);
    if (find(n, x->id)) return -2;
    xnotice *all = urne_mem_room(n->all, n->n, &n->cap, sizeof *all, 16);
    if (all == NULL) return -1;
    n->all = all;
    xnotice *at = &n->all[n->n++];
    memset(at, 0, sizeof *at);
    at->n = *x;
    at->seq = seq;
    return 0;
}

size_t urne_audit_notices_compare(urne_audit_notices *n, const urne_audit_notice *stored, urne_audit_diff_fn fn,
                                  void *ctx) {
    assert(n && stored);
    xnotice *at = find(n, stored->id);
    urne_replay_emit e;
    urne_replay_emit_init(&e, "notice", 0, stored->id, at ? at->seq : 0, fn, ctx);
    if (at == NULL) {
        urne_replay_put_row(&e, stored->title, NULL);
        return e.n;
    }
    at->seen = 1;
    const urne_audit_notice *l = &at->n;
    urne_replay_cmp_str(&e, "title", stored->title, l->title);
    urne_replay_cmp_str(&e, "body", stored->body, l->body);
    urne_replay_cmp_str(&e, "published_at", stored->published_at, l->published_at);
    urne_replay_cmp_str(&e, "published_by", stored->published_by, l->published_by);
    return e.n;
}

size_t urne_audit_notices_finish(urne_audit_notices *n, urne_audit_diff_fn fn, void *ctx, size_t *compared) {
    assert(n && compared);
    size_t missing = 0;
    *compared = 0;
    for (size_t i = 0; i < n->n; i++) {
        const xnotice *x = &n->all[i];
        if (x->seen) {
            ++*compared;
            continue;
        }
        urne_replay_emit e;
        urne_replay_emit_init(&e, "notice", 0, x->n.id, x->seq, fn, ctx);
        urne_replay_put_row(&e, NULL, x->n.title);
        missing++;
    }
    return missing;
}
