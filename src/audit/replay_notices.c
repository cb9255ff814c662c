/*
 * replay_notices: the notices' rows as the log leaves them (replay_notices.h).
 *
 * The notices published, in an array in order of the log; a notice is found by
 * its id with a linear search, which is what a site's few dozen announcements
 * need. A difference is reported field by field, with the text cut for the
 * message only (the comparison is on the whole text).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
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

/* One difference: notice `id`, its field, the stored and logged values (quoted,
 * cut for the message at 150 bytes). */
static void report(int64_t id, const char *field, const char *stored, const char *logged, int64_t seq,
                   urne_audit_diff_fn fn, void *ctx) {
    urne_audit_diff d;
    memset(&d, 0, sizeof d);
    d.table = "notice";
    d.id = id;
    d.seq = seq;
    snprintf(d.field, sizeof d.field, "%s", field);
    snprintf(d.stored, sizeof d.stored, "%s", stored);
    snprintf(d.logged, sizeof d.logged, "%s", logged);
    if (fn) fn(&d, ctx);
}

static size_t compare_text(int64_t id, const char *field, const char *stored, const char *logged, int64_t seq,
                           urne_audit_diff_fn fn, void *ctx) {
    if (strcmp(stored, logged) == 0) return 0;
    char s[160], l[160];
    snprintf(s, sizeof s, "\"%.150s\"", stored);
    snprintf(l, sizeof l, "\"%.150s\"", logged);
    report(id, field, s, l, seq, fn, ctx);
    return 1;
}

size_t urne_audit_notices_compare(urne_audit_notices *n, const urne_audit_notice *stored, urne_audit_diff_fn fn,
                                  void *ctx) {
    assert(n && stored);
    xnotice *at = find(n, stored->id);
    if (at == NULL) {
        char s[160];
        snprintf(s, sizeof s, "\"%.150s\"", stored->title);
        report(stored->id, "row", s, "(no row)", 0, fn, ctx);
        return 1;
    }
    at->seen = 1;
    const urne_audit_notice *l = &at->n;
    return compare_text(stored->id, "title", stored->title, l->title, at->seq, fn, ctx) +
           compare_text(stored->id, "body", stored->body, l->body, at->seq, fn, ctx) +
           compare_text(stored->id, "published_at", stored->published_at, l->published_at, at->seq, fn, ctx) +
           compare_text(stored->id, "published_by", stored->published_by, l->published_by, at->seq, fn, ctx);
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
        char l[160];
        snprintf(l, sizeof l, "\"%.150s\"", x->n.title);
        report(x->n.id, "row", "(no row)", l, x->seq, fn, ctx);
        missing++;
    }
    return missing;
}
