/*
 * replay_initiatives: the initiatives' rows and invalidations as the log leaves
 * them (replay_initiatives.h).
 *
 * Two arrays in order of the log, searched linearly: a site holds a handful of
 * initiatives and the committee invalidates few signatures. A difference is
 * reported field by field, texts cut for the message only.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "replay_emit.h"
#include "replay_initiatives.h"

typedef struct xinit {
    urne_audit_initiative row;
    int64_t seq; /* the last entry that changed it */
    int seen;
} xinit;

typedef struct xinvalid {
    int64_t id, sig, seq;
    char reason[1001];
    int seen;
} xinvalid;

struct urne_audit_initiatives {
    xinit *all;
    size_t n, cap;
    xinvalid *inv;
    size_t ninv, capinv;
};

urne_audit_initiatives *urne_audit_initiatives_new(void) { return calloc(1, sizeof(urne_audit_initiatives)); }

void urne_audit_initiatives_free(urne_audit_initiatives *n) {
    if (n == NULL) return;
    free(n->all);
    free(n->inv);
    free(n);
}

static xinit *find(const urne_audit_initiatives *n, int64_t id) {
    for (size_t i = 0; i < n->n; i++)
        if (n->all[i].row.id == id) return &n->all[i];
    return NULL;
}

static xinvalid *find_invalid(const urne_audit_initiatives *n, int64_t id, int64_t sig) {
    for (size_t i = 0; i < n->ninv; i++)
        if (n->inv[i].id == id && n->inv[i].sig == sig) return &n->inv[i];
    return NULL;
}

int urne_audit_initiatives_known(const urne_audit_initiatives *n, int64_t id) { return find(n, id) != NULL; }

int urne_audit_initiatives_create(urne_audit_initiatives *n, int64_t seq, const urne_audit_initiative *x) {
    assert(n && x && x->id > 0);
    if (find(n, x->id)) return -2;
    xinit *all = urne_mem_room(n->all, n->n, &n->cap, sizeof *all, 8);
    if (all == NULL) return -1;
    n->all = all;
    xinit *at = &n->all[n->n++];
    memset(at, 0, sizeof *at);
    at->row = *x;
    at->seq = seq;
    return 0;
}

/* Copy text into a field of `size` bytes: 0, or -2 when it does not fit. */
static int set(char *field, size_t size, const char *text) {
    if (strlen(text) >= size) return -2;
    memcpy(field, text, strlen(text) + 1);
    return 0;
}

int urne_audit_initiatives_move(urne_audit_initiatives *n, int64_t seq, int64_t id, const char *from, const char *to,
                                const char *at, const char *reasons, const char *answer) {
    assert(n && from && to && at);
    xinit *x = find(n, id);
    if (x == NULL || strcmp(x->row.state, from) != 0) return -2;
    if (set(x->row.state, sizeof x->row.state, to) < 0 || set(x->row.changed_at, sizeof x->row.changed_at, at) < 0 ||
        (reasons && set(x->row.reasons, sizeof x->row.reasons, reasons) < 0) ||
        (answer && set(x->row.answer, sizeof x->row.answer, answer) < 0))
        return -2;
    x->seq = seq;
    return 0;
}

int urne_audit_initiatives_invalidate(urne_audit_initiatives *n, int64_t seq, int64_t id, int64_t sig,
                                      const char *reason) {
    assert(n && reason);
    if (find(n, id) == NULL || find_invalid(n, id, sig) || !reason[0]) return -2;
    xinvalid *inv = urne_mem_room(n->inv, n->ninv, &n->capinv, sizeof *inv, 16);
    if (inv == NULL) return -1;
    n->inv = inv;
    xinvalid *v = &n->inv[n->ninv];
    memset(v, 0, sizeof *v);
    if (set(v->reason, sizeof v->reason, reason) < 0) return -2;
    v->id = id, v->sig = sig, v->seq = seq;
    n->ninv++;
    return 0;
}

size_t urne_audit_initiatives_compare(urne_audit_initiatives *n, const urne_audit_initiative *stored,
                                      urne_audit_diff_fn fn, void *ctx) {
    assert(n && stored);
    xinit *at = find(n, stored->id);
    urne_replay_emit e;
    urne_replay_emit_init(&e, "initiative", stored->id, stored->id, at ? at->seq : 0, fn, ctx);
    if (at == NULL) {
        urne_replay_put_row(&e, stored->title, NULL);
        return e.n;
    }
    at->seen = 1;
    const urne_audit_initiative *l = &at->row;
    const struct {
        const char *name, *stored, *logged;
    } f[] = {
        {"title", stored->title, l->title},
        {"space", stored->space, l->space},
        {"rules", stored->rules, l->rules},
        {"state", stored->state, l->state},
        {"authority_key", stored->authority_key, l->authority_key},
        {"created_at", stored->created_at, l->created_at},
        {"created_by", stored->created_by, l->created_by},
        {"changed_at", stored->changed_at, l->changed_at},
        {"reasons", stored->reasons, l->reasons},
        {"answer", stored->answer, l->answer},
    };
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) urne_replay_cmp_str(&e, f[k].name, f[k].stored, f[k].logged);
    return e.n;
}

size_t urne_audit_initiatives_compare_signature(urne_audit_initiatives *n, int64_t id, int64_t sig,
                                                const char *invalid, urne_audit_diff_fn fn, void *ctx) {
    assert(n && invalid);
    xinvalid *v = find_invalid(n, id, sig);
    char s[160], l[160];
    if (v) v->seen = 1;
    if (v == NULL && !invalid[0]) return 0; /* valid, and the log says nothing of it */
    if (v && strcmp(v->reason, invalid) == 0) return 0;
    if (invalid[0])
        urne_replay_quote(s, invalid);
    else
        snprintf(s, sizeof s, "(valid)");
    if (v)
        urne_replay_quote(l, v->reason);
    else
        snprintf(l, sizeof l, "(valid)");
    urne_replay_emit e;
    urne_replay_emit_init(&e, "signature", id, sig, v ? v->seq : 0, fn, ctx);
    urne_replay_put(&e, "invalid", s, l);
    return e.n;
}

size_t urne_audit_initiatives_finish(urne_audit_initiatives *n, urne_audit_diff_fn fn, void *ctx, size_t *compared) {
    assert(n && compared);
    size_t missing = 0;
    *compared = 0;
    for (size_t i = 0; i < n->n; i++) {
        const xinit *x = &n->all[i];
        if (x->seen) {
            ++*compared;
            continue;
        }
        urne_replay_emit e;
        urne_replay_emit_init(&e, "initiative", x->row.id, x->row.id, x->seq, fn, ctx);
        urne_replay_put_row(&e, NULL, x->row.title);
        missing++;
    }
    for (size_t i = 0; i < n->ninv; i++) {
        const xinvalid *v = &n->inv[i];
        if (v->seen) continue;
        urne_replay_emit e;
        urne_replay_emit_init(&e, "signature", v->id, v->sig, v->seq, fn, ctx);
        urne_replay_put_row(&e, NULL, v->reason);
        missing++;
    }
    return missing;
}
