/*
 * replay_forums: the forums' rows as the log leaves them (replay_forums.h).
 *
 * Forums and bans are few: arrays in log order, found by a linear search. The
 * posts acted on may be many: their acts are appended as the log gives them,
 * then, at the first comparison, sorted by post and entry and reduced to each
 * post's last act, found by binary search as the store's posts come in order of
 * id.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "replay_emit.h"
#include "replay_forums.h"

typedef struct xforum {
    urne_audit_forum f;
    int64_t seq;
    int seen;
} xforum;

typedef struct xpost {
    int64_t id, forum, seq;
    char state[16], decided_by[64], decided_at[24];
    uint64_t reason, edited_body, edit_note; /* FNV-1a of the texts */
    int seen;
} xpost;

typedef struct xban {
    urne_audit_ban b;
    int64_t seq;
    int seen;
} xban;

struct urne_audit_forums {
    xforum *forums;
    size_t nforums, capforums;
    xpost *posts;
    size_t nposts, capposts;
    int sorted;
    xban *bans;
    size_t nbans, capbans;
};

urne_audit_forums *urne_audit_forums_new(void) { return calloc(1, sizeof(urne_audit_forums)); }

void urne_audit_forums_free(urne_audit_forums *f) {
    if (f == NULL) return;
    free(f->forums);
    free(f->posts);
    free(f->bans);
    free(f);
}

static uint64_t fnv(const char *s) {
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static xforum *find_forum(urne_audit_forums *f, int64_t id) {
    for (size_t i = 0; i < f->nforums; i++)
        if (f->forums[i].f.id == id) return &f->forums[i];
    return NULL;
}

static xban *find_ban(urne_audit_forums *f, int64_t id) {
    for (size_t i = 0; i < f->nbans; i++)
        if (f->bans[i].b.id == id) return &f->bans[i];
    return NULL;
}

int urne_audit_forums_put_forum(urne_audit_forums *f, int64_t seq, const urne_audit_forum *x, int created) {
    assert(f && x && x->id > 0);
    xforum *at = find_forum(f, x->id);
    if ((at != NULL) == created) return -2; /* created twice, or configured before its creation */
    if (at == NULL) {
        xforum *all = urne_mem_room(f->forums, f->nforums, &f->capforums, sizeof *all, 16);
        if (all == NULL) return -1;
        f->forums = all;
        at = &f->forums[f->nforums++];
    }
    memset(at, 0, sizeof *at);
    at->f = *x;
    at->seq = seq;
    return 0;
}

int urne_audit_forums_put_post(urne_audit_forums *f, int64_t seq, const urne_audit_post *x) {
    assert(f && x && x->id > 0);
    xpost *posts = urne_mem_room(f->posts, f->nposts, &f->capposts, sizeof *posts, 16);
    if (posts == NULL) return -1;
    f->posts = posts;
    xpost *at = &f->posts[f->nposts++];
    memset(at, 0, sizeof *at);
    at->id = x->id, at->forum = x->forum, at->seq = seq;
    snprintf(at->state, sizeof at->state, "%s", x->state);
    snprintf(at->decided_by, sizeof at->decided_by, "%s", x->decided_by);
    snprintf(at->decided_at, sizeof at->decided_at, "%s", x->decided_at);
    at->reason = fnv(x->reason), at->edited_body = fnv(x->edited_body), at->edit_note = fnv(x->edit_note);
    f->sorted = 0;
    return 0;
}

int urne_audit_forums_put_ban(urne_audit_forums *f, int64_t seq, const urne_audit_ban *x) {
    assert(f && x && x->id > 0);
    if (find_ban(f, x->id)) return -2;
    xban *bans = urne_mem_room(f->bans, f->nbans, &f->capbans, sizeof *bans, 16);
    if (bans == NULL) return -1;
    f->bans = bans;
    xban *at = &f->bans[f->nbans++];
    memset(at, 0, sizeof *at);
    at->b = *x;
    at->seq = seq;
    return 0;
}

/* ---- comparing ---- */

size_t urne_audit_forums_compare_forum(urne_audit_forums *f, const urne_audit_forum *s, urne_audit_diff_fn fn,
                                       void *ctx) {
    xforum *at = find_forum(f, s->id);
    urne_replay_emit e;
    urne_replay_emit_init(&e, "forum", 0, s->id, at ? at->seq : 0, fn, ctx);
    if (at == NULL) {
        urne_replay_put_row(&e, s->title, NULL);
        return e.n;
    }
    at->seen = 1;
    const urne_audit_forum *l = &at->f;
    urne_replay_cmp_str(&e, "attached", s->attached, l->attached);
    urne_replay_cmp_str(&e, "title", s->title, l->title);
    urne_replay_cmp_str(&e, "mode", s->mode, l->mode);
    urne_replay_cmp_int(&e, "visitors", s->visitors, l->visitors);
    urne_replay_cmp_str(&e, "created_at", s->created_at, l->created_at);
    urne_replay_cmp_str(&e, "created_by", s->created_by, l->created_by);
    return e.n;
}

static int by_post(const void *a, const void *b) {
    const xpost *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The acts sorted by post, each post's last act kept. */
static void settle(urne_audit_forums *f) {
    if (f->sorted) return;
    if (f->nposts > 1) qsort(f->posts, f->nposts, sizeof *f->posts, by_post);
    size_t kept = 0;
    for (size_t i = 0; i < f->nposts; i++) {
        if (kept > 0 && f->posts[kept - 1].id == f->posts[i].id)
            f->posts[kept - 1] = f->posts[i];
        else
            f->posts[kept++] = f->posts[i];
    }
    f->nposts = kept;
    f->sorted = 1;
}

static xpost *find_post(urne_audit_forums *f, int64_t id) {
    settle(f);
    size_t lo = 0, hi = f->nposts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->posts[mid].id == id) return &f->posts[mid];
        if (f->posts[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The log keeps a digest of a post's texts, not the texts: a difference shows
 * the stored text against "(another text)". */
static void cmp_digest(urne_replay_emit *e, const char *field, const char *stored, uint64_t logged) {
    if (fnv(stored) == logged) return;
    char s[160];
    urne_replay_quote(s, stored);
    urne_replay_put(e, field, s, "(another text)");
}

size_t urne_audit_forums_compare_post(urne_audit_forums *f, const urne_audit_post *s, urne_audit_diff_fn fn,
                                      void *ctx, size_t *not_compared) {
    xpost *at = find_post(f, s->id);
    urne_replay_emit e;
    urne_replay_emit_init(&e, "post", 0, s->id, at ? at->seq : 0, fn, ctx);
    if (at == NULL) {
        if (strcmp(s->state, "waiting") == 0 || strcmp(s->state, "published") == 0) {
            ++*not_compared; /* as its author wrote it: no entry records it */
            return 0;
        }
        urne_replay_put(&e, "state", s->state, "(no act)");
        return e.n;
    }
    at->seen = 1;
    urne_replay_cmp_int(&e, "forum", s->forum, at->forum);
    urne_replay_cmp_str(&e, "state", s->state, at->state);
    urne_replay_cmp_str(&e, "decided_by", s->decided_by, at->decided_by);
    urne_replay_cmp_str(&e, "decided_at", s->decided_at, at->decided_at);
    cmp_digest(&e, "reason", s->reason, at->reason);
    cmp_digest(&e, "edited_body", s->edited_body, at->edited_body);
    cmp_digest(&e, "edit_note", s->edit_note, at->edit_note);
    return e.n;
}

size_t urne_audit_forums_compare_ban(urne_audit_forums *f, const urne_audit_ban *s, urne_audit_diff_fn fn,
                                     void *ctx) {
    xban *at = find_ban(f, s->id);
    urne_replay_emit e;
    urne_replay_emit_init(&e, "ban", 0, s->id, at ? at->seq : 0, fn, ctx);
    if (at == NULL) {
        urne_replay_put_row(&e, s->value, NULL);
        return e.n;
    }
    at->seen = 1;
    const urne_audit_ban *l = &at->b;
    urne_replay_cmp_int(&e, "forum", s->forum, l->forum);
    urne_replay_cmp_str(&e, "kind", s->kind, l->kind);
    urne_replay_cmp_str(&e, "value", s->value, l->value);
    urne_replay_cmp_str(&e, "reason", s->reason, l->reason);
    urne_replay_cmp_str(&e, "created_at", s->created_at, l->created_at);
    urne_replay_cmp_str(&e, "created_by", s->created_by, l->created_by);
    return e.n;
}

/* A row the log gives and the store lacks: one difference. */
static size_t say_lost(const char *table, int64_t id, int64_t seq, const char *text, urne_audit_diff_fn fn,
                       void *ctx) {
    urne_replay_emit e;
    urne_replay_emit_init(&e, table, 0, id, seq, fn, ctx);
    urne_replay_put_row(&e, NULL, text);
    return e.n;
}

size_t urne_audit_forums_finish(urne_audit_forums *f, urne_audit_diff_fn fn, void *ctx, size_t *compared) {
    size_t lost = 0;
    *compared = 0;
    settle(f);
    for (size_t i = 0; i < f->nforums; i++) {
        if (f->forums[i].seen) {
            ++*compared;
            continue;
        }
        lost += say_lost("forum", f->forums[i].f.id, f->forums[i].seq, f->forums[i].f.title, fn, ctx);
    }
    for (size_t i = 0; i < f->nposts; i++) {
        if (f->posts[i].seen) {
            ++*compared;
            continue;
        }
        lost += say_lost("post", f->posts[i].id, f->posts[i].seq, f->posts[i].state, fn, ctx);
    }
    for (size_t i = 0; i < f->nbans; i++) {
        if (f->bans[i].seen) {
            ++*compared;
            continue;
        }
        lost += say_lost("ban", f->bans[i].b.id, f->bans[i].seq, f->bans[i].b.value, fn, ctx);
    }
    return lost;
}
