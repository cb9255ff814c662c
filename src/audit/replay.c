/*
 * replay: folding the audit log, entry by entry, into the rows it says the store
 * holds (see replay.h for why, replay_internal.h for how they are kept).
 *
 * Each urne_audit_replay_* folding function takes one entry's resulting row, as
 * the store decoded it, and puts it in place of the row it replaces; an entry
 * that did not record its row (an older urne's) makes the row "not comparable",
 * remembering which entry did so. An entry that names an election or a bureau no
 * earlier entry created stops the replay: the log is then not one the store can
 * have written, and verify says so rather than compare against a guess. The
 * comparing and the final count are in replay_compare.c and replay_finish.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

urne_audit_replay *urne_audit_replay_new(void) { return calloc(1, sizeof(urne_audit_replay)); }

void urne_audit_sheet_free(urne_audit_sheet *s) {
    if (s) urne_figures_free(&s->figures);
}

void urne_audit_typed_free(urne_audit_typed *t) {
    if (t) urne_figures_free(&t->figures);
}

void urne_audit_dispute_free(urne_audit_dispute *d) {
    if (d == NULL) return;
    urne_figures_free(&d->before);
    urne_figures_free(&d->after);
}

/* *dst = *src with its own figures (dst's old ones freed). 0, or -1 when out of
 * memory, dst then unchanged. */
static int sheet_copy(urne_audit_sheet *dst, const urne_audit_sheet *src) {
    urne_figures f = {0};
    if (urne_figures_copy(&f, &src->figures) < 0) return -1;
    urne_audit_sheet_free(dst);
    *dst = *src;
    dst->figures = f;
    return 0;
}

static int typed_copy(urne_audit_typed *dst, const urne_audit_typed *src) {
    urne_figures f = {0};
    if (urne_figures_copy(&f, &src->figures) < 0) return -1;
    urne_audit_typed_free(dst);
    *dst = *src;
    dst->figures = f;
    return 0;
}

static int dispute_copy(urne_audit_dispute *dst, const urne_audit_dispute *src) {
    urne_figures before = {0}, after = {0};
    if (urne_figures_copy(&before, &src->before) < 0 || urne_figures_copy(&after, &src->after) < 0) {
        urne_figures_free(&before);
        return -1;
    }
    urne_audit_dispute_free(dst);
    *dst = *src;
    dst->before = before;
    dst->after = after;
    return 0;
}

void urne_audit_replay_free(urne_audit_replay *r) {
    if (r == NULL) return;
    for (size_t i = 0; i < r->nel; i++) {
        for (size_t b = 0; r->el[i].sheets && b < r->el[i].m.nbureaux; b++) {
            xsheet *x = &r->el[i].sheets[b];
            for (size_t k = 0; k < x->ntyped; k++) urne_audit_typed_free(&x->typed[k].t);
            free(x->typed);
            urne_audit_sheet_free(&x->s);
        }
        free(r->el[i].sheets);
    }
    for (size_t i = 0; i < r->ndis; i++) urne_audit_dispute_free(&r->dis[i].d);
    free(r->as);
    free(r->el);
    free(r->dis);
    free(r->us);
    free(r);
}

const char *urne_audit_replay_error(const urne_audit_replay *r) { return r->why; }

static int fail(urne_audit_replay *r, int64_t seq, const char *what, int64_t a, int64_t b) {
    char msg[200];
    snprintf(msg, sizeof msg, what, (long long)a, (long long)b);
    snprintf(r->why, sizeof r->why, "entry %lld: %s", (long long)seq, msg);
    return -1;
}

int urne_audit_replay_refuse(urne_audit_replay *r, int64_t seq, const char *why) {
    snprintf(r->why, sizeof r->why, "entry %lld: %s", (long long)seq, why);
    return -1;
}

/* Make room for index id in an array of elem-sized items, zeroing what is new. */
static int grow(void **arr, size_t *n, int64_t id, size_t elem) {
    if ((size_t)id < *n) return 0;
    size_t want = *n ? *n : 16;
    while (want <= (size_t)id) want *= 2;
    void *p = realloc(*arr, want * elem);
    if (p == NULL) return -1;
    memset((char *)p + *n * elem, 0, (want - *n) * elem);
    *arr = p;
    *n = want;
    return 0;
}

xelection *urne_replay_election(const urne_audit_replay *r, int64_t id) {
    return id > 0 && (size_t)id < r->nel && r->el[id].present ? &r->el[id] : NULL;
}

xdispute *urne_replay_dispute(const urne_audit_replay *r, int64_t id) {
    return id > 0 && (size_t)id < r->ndis && r->dis[id].present ? &r->dis[id] : NULL;
}

/* The election and bureau an entry names, or -1 with the reason. */
static xsheet *sheet_of(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau) {
    xelection *e = urne_replay_election(r, election);
    if (e == NULL) {
        fail(r, seq, "it concerns election %lld, which no entry before it created%.0lld", election, 0);
        return NULL;
    }
    if (bureau >= e->m.nbureaux) {
        fail(r, seq, "it concerns bureau %lld, which election %lld does not have", (int64_t)bureau, election);
        return NULL;
    }
    return &e->sheets[bureau];
}

/* ---- folding ---- */

int urne_audit_replay_created(urne_audit_replay *r, int64_t seq, const urne_audit_election *m,
                              const urne_audit_sheet *sheets) {
    if (m->id <= 0 || m->id > MAX_ID) return fail(r, seq, "it creates election %lld, not a valid id%.0lld", m->id, 0);
    if (urne_replay_election(r, m->id))
        return fail(r, seq, "it creates election %lld, which entry %lld already created", m->id,
                    r->el[m->id].seq_created);
    if (grow((void **)&r->el, &r->nel, m->id, sizeof *r->el) < 0)
        return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
    xelection *e = &r->el[m->id];
    e->sheets = calloc(m->nbureaux ? m->nbureaux : 1, sizeof *e->sheets);
    if (e->sheets == NULL) return fail(r, seq, "out of memory for %lld bureaux%.0lld", (int64_t)m->nbureaux, 0);
    e->present = 1;
    e->meta_known = 1;
    e->m = *m;
    e->m.published_at[0] = e->m.published_digest[0] = e->m.reopened_at[0] = e->m.reopened_reason[0] = 0;
    e->m.previous_published_at[0] = e->m.previous_digest[0] = 0;
    e->m.previous_reopened_at[0] = e->m.previous_reopened_reason[0] = 0;
    e->seq_created = seq;
    for (size_t i = 0; i < m->nbureaux; i++) {
        xsheet *x = &e->sheets[i];
        x->seq = seq;
        x->why = sheets ? KNOWN : CREATED_UNRECORDED;
        if (sheets && sheet_copy(&x->s, &sheets[i]) < 0) return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
    }
    return 0;
}

int urne_audit_replay_sheet(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau,
                            const urne_audit_sheet *s) {
    xsheet *x = sheet_of(r, seq, election, bureau);
    if (x == NULL) return -1;
    if (s && sheet_copy(&x->s, s) < 0) return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
    x->seq = seq;
    x->why = s ? KNOWN : CHANGED_UNRECORDED;
    return 0;
}

int urne_audit_replay_typed(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau,
                            const urne_audit_typed *t) {
    xsheet *x = sheet_of(r, seq, election, bureau);
    if (x == NULL) return -1;
    if (t == NULL) {
        x->typed_unknown_seq = seq;
        return 0;
    }
    if (x->ntyped == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 2;
        xtyped *p = realloc(x->typed, cap * sizeof *p);
        if (p == NULL) return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
        x->typed = p;
        x->cap = cap;
    }
    xtyped *n = &x->typed[x->ntyped];
    *n = (xtyped){.seq = seq};
    if (typed_copy(&n->t, t) < 0) return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
    x->ntyped++;
    return 0;
}

int urne_audit_replay_dispute(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau, int64_t id,
                              const urne_audit_dispute *d) {
    if (sheet_of(r, seq, election, bureau) == NULL) return -1;
    if (id <= 0 || id > MAX_ID) return fail(r, seq, "it concerns dispute %lld, not a valid id%.0lld", id, 0);
    if (grow((void **)&r->dis, &r->ndis, id, sizeof *r->dis) < 0)
        return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
    xdispute *x = &r->dis[id];
    if (x->present && (x->d.election != election || x->d.bureau != (int64_t)bureau))
        return fail(r, seq, "it moves dispute %lld to another bureau than entry %lld gave it", id, x->seq);
    int opened = !x->present;
    if (d && dispute_copy(&x->d, d) < 0) return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
    x->present = 1;
    x->seq = seq;
    x->known = d != NULL;
    x->d.id = id;
    x->d.election = election;
    x->d.bureau = (int64_t)bureau;
    xdispute *up = d && opened && d->escalated_from > 0 ? urne_replay_dispute(r, d->escalated_from) : NULL;
    if (up) { /* the appeal leaves the appealed decision escalated */
        snprintf(up->d.state, sizeof up->d.state, "escalated");
        up->seq = seq;
    }
    return 0;
}

int urne_audit_replay_appeal_unrecorded(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau) {
    if (sheet_of(r, seq, election, bureau) == NULL) return -1;
    for (size_t i = 0; i < r->ndis; i++) {
        xdispute *x = &r->dis[i];
        if (x->present && x->d.election == election && x->d.bureau == (int64_t)bureau) {
            x->known = 0;
            x->seq = seq;
        }
    }
    return 0;
}

int urne_audit_replay_dispute_bureau(const urne_audit_replay *r, int64_t election, int64_t id, size_t *bureau) {
    const xdispute *x = urne_replay_dispute(r, id);
    if (x == NULL || x->d.election != election) return -1;
    *bureau = (size_t)x->d.bureau;
    return 0;
}

int urne_audit_replay_published(urne_audit_replay *r, int64_t seq, int64_t election, const char *at,
                                const char *digest) {
    xelection *e = urne_replay_election(r, election);
    if (e == NULL)
        return fail(r, seq, "it publishes election %lld, which no entry before it created%.0lld", election, 0);
    urne_audit_election *m = &e->m;
    if (m->reopened_at[0]) { /* the reopened publication is kept as the previous one */
        memcpy(m->previous_published_at, m->published_at, sizeof m->previous_published_at);
        memcpy(m->previous_digest, m->published_digest, sizeof m->previous_digest);
        memcpy(m->previous_reopened_at, m->reopened_at, sizeof m->previous_reopened_at);
        memcpy(m->previous_reopened_reason, m->reopened_reason, sizeof m->previous_reopened_reason);
        m->reopened_at[0] = m->reopened_reason[0] = 0;
    }
    snprintf(m->published_at, sizeof m->published_at, "%s", at);
    snprintf(m->published_digest, sizeof m->published_digest, "%s", digest);
    e->seq_published = seq;
    return 0;
}

int urne_audit_replay_reopened(urne_audit_replay *r, int64_t seq, int64_t election, const char *at,
                               const char *reason) {
    xelection *e = urne_replay_election(r, election);
    if (e == NULL) return fail(r, seq, "it reopens election %lld, which no entry before it created%.0lld", election, 0);
    if (!e->m.published_at[0] || e->m.reopened_at[0])
        return fail(r, seq, "it reopens election %lld, whose publication was not standing (entry %lld)", election,
                    e->seq_published);
    snprintf(e->m.reopened_at, sizeof e->m.reopened_at, "%s", at);
    snprintf(e->m.reopened_reason, sizeof e->m.reopened_reason, "%s", reason);
    e->seq_published = seq;
    return 0;
}

int urne_audit_replay_election_unrecorded(urne_audit_replay *r, int64_t seq, int64_t election) {
    xelection *e = urne_replay_election(r, election);
    if (e == NULL) return fail(r, seq, "it changes election %lld, which no entry before it created%.0lld", election, 0);
    e->meta_known = 0;
    e->seq_meta_unknown = seq;
    return 0;
}

int urne_audit_replay_assigned(urne_audit_replay *r, int64_t seq, int64_t user, int64_t election, size_t first,
                               size_t last) {
    if (first > last || sheet_of(r, seq, election, first) == NULL || sheet_of(r, seq, election, last) == NULL)
        return first > last ? fail(r, seq, "it assigns bureaux %lld..%lld, an empty range", (int64_t)first,
                                   (int64_t)last)
                            : -1;
    for (size_t b = first; b <= last; b++) {
        if (r->nas == r->capas) {
            size_t cap = r->capas ? r->capas * 2 : 64;
            xassign *p = realloc(r->as, cap * sizeof *p);
            if (p == NULL) return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
            r->as = p;
            r->capas = cap;
        }
        r->as[r->nas++] = (xassign){.user = user, .election = election, .bureau = b, .seq = seq};
    }
    r->sorted = 0;
    return 0;
}

int urne_audit_replay_user(urne_audit_replay *r, int64_t seq, int64_t id, const urne_audit_user *u) {
    if (id <= 0 || id > MAX_ID) return fail(r, seq, "it concerns account %lld, not a valid id%.0lld", id, 0);
    if (grow((void **)&r->us, &r->nus, id, sizeof *r->us) < 0) return fail(r, seq, "out of memory%.0lld%.0lld", 0, 0);
    xuser *x = &r->us[id];
    x->present = 1;
    x->known = u != NULL;
    x->seq = seq;
    if (u) x->u = *u;
    x->u.id = id;
    return 0;
}
