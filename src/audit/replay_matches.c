/*
 * replay_matches: the matching campaigns' rows as the log leaves them
 * (replay_matches.h).
 *
 * One array in order of the log, searched linearly: a site runs a handful of
 * campaigns, each acted on by many entries that only replace its record. A
 * difference is reported field by field, texts cut for the message only.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "replay_emit.h"
#include "replay_matches.h"

typedef struct xmatch {
    urne_audit_match row; /* row.rows: the changes added up */
    int64_t seq; /* the last entry that changed it */
    int seen;
} xmatch;

struct urne_audit_matches {
    xmatch *all;
    size_t n, cap;
};

urne_audit_matches *urne_audit_matches_new(void) { return calloc(1, sizeof(urne_audit_matches)); }

void urne_audit_matches_free(urne_audit_matches *n) {
    if (n == NULL) return;
    free(n->all);
    free(n);
}

static xmatch *find(const urne_audit_matches *n, int64_t id) {
    for (size_t i = 0; i < n->n; i++)
        if (n->all[i].row.id == id) return &n->all[i];
    return NULL;
}

int urne_audit_matches_fold(urne_audit_matches *n, int64_t seq, const urne_audit_match *x, int create) {
    assert(n && x);
    xmatch *at = find(n, x->id);
    if (x->id <= 0 || (create && at) || (!create && at == NULL)) return -2;
    if (at == NULL) {
        xmatch *all = urne_mem_room(n->all, n->n, &n->cap, sizeof *all, 8);
        if (all == NULL) return -1;
        n->all = all;
        at = &n->all[n->n++];
        memset(at, 0, sizeof *at);
    }
    uint64_t sum[4];
    unsigned carry = 0;
    for (int w = 0; w < 4; w++) { /* the digest so far plus this entry's change, modulo 2^256 */
        sum[w] = at->row.rows[w] + x->rows[w] + carry;
        carry = sum[w] < at->row.rows[w] || (carry && sum[w] == at->row.rows[w]);
    }
    at->row = *x;
    memcpy(at->row.rows, sum, sizeof sum);
    at->seq = seq;
    return 0;
}

static void hex(char out[160], const uint64_t w[4]) {
    snprintf(out, 160, "%016llx%016llx%016llx%016llx", (unsigned long long)w[3], (unsigned long long)w[2],
             (unsigned long long)w[1], (unsigned long long)w[0]);
}

size_t urne_audit_matches_compare(urne_audit_matches *n, const urne_audit_match *stored, urne_audit_diff_fn fn,
                                  void *ctx) {
    assert(n && stored);
    xmatch *at = find(n, stored->id);
    urne_replay_emit e;
    urne_replay_emit_init(&e, "campaign", stored->id, stored->id, at ? at->seq : 0, fn, ctx);
    if (at == NULL) {
        urne_replay_put_row(&e, stored->name, NULL);
        return e.n;
    }
    at->seen = 1;
    const urne_audit_match *g = &at->row;
    const struct {
        const char *name, *stored, *logged;
    } texts[] = {
        {"name", stored->name, g->name},           {"space", stored->space, g->space},
        {"state", stored->state, g->state},        {"method", stored->method, g->method},
        {"tie", stored->tie, g->tie},              {"deadline", stored->deadline, g->deadline},
        {"created_at", stored->created_at, g->created_at}, {"created_by", stored->created_by, g->created_by},
    };
    const struct {
        const char *name;
        int64_t stored, logged;
    } nums[] = {{"seed", stored->seed, g->seed}, {"round", stored->round, g->round},
                {"final_round", stored->final_round, g->final_round}};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        urne_replay_cmp_str(&e, texts[k].name, texts[k].stored, texts[k].logged);
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
        urne_replay_cmp_int(&e, nums[k].name, nums[k].stored, nums[k].logged);
    if (memcmp(stored->rows, g->rows, sizeof g->rows) != 0) {
        char s[160], l[160];
        hex(s, stored->rows);
        hex(l, g->rows);
        urne_replay_put(&e, "rows (digest)", s, l);
    }
    return e.n;
}

size_t urne_audit_matches_finish(urne_audit_matches *n, urne_audit_diff_fn fn, void *ctx, size_t *compared) {
    assert(n && compared);
    size_t missing = 0;
    *compared = 0;
    for (size_t i = 0; i < n->n; i++) {
        const xmatch *x = &n->all[i];
        if (x->seen) {
            ++*compared;
            continue;
        }
        urne_replay_emit e;
        urne_replay_emit_init(&e, "campaign", x->row.id, x->row.id, x->seq, fn, ctx);
        urne_replay_put_row(&e, NULL, x->row.name);
        missing++;
    }
    return missing;
}
