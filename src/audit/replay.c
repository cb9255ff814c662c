/*
 * replay: folding the audit log into the rows it says the store holds, and
 * comparing them with the rows the store does hold (see replay.h for why).
 *
 * The expected rows live in arrays indexed by id (elections, disputes, accounts:
 * the store numbers them from 1 without gaps worth mentioning) and, per election,
 * by bureau index. Each expected row remembers the entry that set it, whether the
 * log recorded it whole ("known") or not and why, and whether the store passed a
 * row for it ("seen"), so that finish can name the rows deleted from the store and
 * say what could not be compared.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_text.h"
#include "replay.h"

#define MAX_ID 100000000 /* ids beyond this are not the store's: refused rather than allocated */

enum { KNOWN, CREATED_UNRECORDED, CHANGED_UNRECORDED };

typedef struct xtyped {
    urne_audit_typed t;
    int64_t seq;
} xtyped;

typedef struct xsheet {
    urne_audit_sheet s;
    int64_t seq;             /* the entry that set s, or made it not comparable */
    unsigned char why, seen; /* why: KNOWN or the reason it is not */
    /* The typed entries, in order; the store's were compared up to `compared`,
     * `matched` of them having a stored row, `extra` stored rows having none. */
    xtyped *typed;
    size_t ntyped, cap, compared, matched, extra;
    int64_t typed_unknown_seq; /* an entry that typed without recording it, 0 when none */
} xsheet;

typedef struct xelection {
    int present, seen, meta_known;
    urne_audit_election m;
    int64_t seq_created, seq_published, seq_meta_unknown;
    xsheet *sheets;
} xelection;

typedef struct xdispute {
    int present, known, seen;
    int64_t seq;
    urne_audit_dispute d; /* d.election and d.bureau are set even when not known */
} xdispute;

typedef struct xuser {
    int present, known, seen;
    int64_t seq;
    urne_audit_user u;
} xuser;

typedef struct xassign {
    int64_t user, election;
    size_t bureau;
    int64_t seq;
} xassign;

struct urne_audit_replay {
    /* Assignments, sorted and deduplicated when the store's are first compared;
     * `cursor` is where the comparison stands. */
    xassign *as;
    size_t nas, capas, cursor, matched_as;
    int sorted;
    xelection *el;
    size_t nel;
    xdispute *dis;
    size_t ndis;
    xuser *us;
    size_t nus;
    char why[300];
    size_t differences; /* reported by the compare functions so far */
};

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

static xelection *election_at(const urne_audit_replay *r, int64_t id) {
    return id > 0 && (size_t)id < r->nel && r->el[id].present ? &r->el[id] : NULL;
}

static xdispute *dispute_at(const urne_audit_replay *r, int64_t id) {
    return id > 0 && (size_t)id < r->ndis && r->dis[id].present ? &r->dis[id] : NULL;
}

/* The election and bureau an entry names, or -1 with the reason. */
static xsheet *sheet_of(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau) {
    xelection *e = election_at(r, election);
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
    if (election_at(r, m->id))
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
    xdispute *up = d && opened && d->escalated_from > 0 ? dispute_at(r, d->escalated_from) : NULL;
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
    const xdispute *x = dispute_at(r, id);
    if (x == NULL || x->d.election != election) return -1;
    *bureau = (size_t)x->d.bureau;
    return 0;
}

int urne_audit_replay_published(urne_audit_replay *r, int64_t seq, int64_t election, const char *at,
                                const char *digest) {
    xelection *e = election_at(r, election);
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
    xelection *e = election_at(r, election);
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
    xelection *e = election_at(r, election);
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

/* ---- comparing ---- */

typedef struct emit {
    urne_audit_diff d;
    urne_audit_diff_fn fn;
    void *ctx;
    size_t n;
} emit;

static void emit_init(emit *e, const char *table, int64_t election, int64_t id, int64_t seq, urne_audit_diff_fn fn,
                      void *ctx) {
    memset(e, 0, sizeof *e);
    e->d.table = table;
    e->d.election = election;
    e->d.id = id;
    e->d.seq = seq;
    e->fn = fn;
    e->ctx = ctx;
}

/* Point e at another row, keeping its count and callback. */
static void retarget(emit *e, const char *table, int64_t election, int64_t id, int64_t seq) {
    e->d.nth = 0;
    e->d.table = table;
    e->d.election = election;
    e->d.id = id;
    e->d.seq = seq;
}

/* A value shown in a difference is cut with a mark when longer than its place
 * (the difference itself is found on the whole values, before any of this). */
static void copy_shown(char *dst, size_t size, const char *src) { urne_text_fit(src, strlen(src), dst, size); }

static void put(emit *e, const char *field, const char *stored, const char *logged) {
    copy_shown(e->d.field, sizeof e->d.field, field);
    copy_shown(e->d.stored, sizeof e->d.stored, stored);
    copy_shown(e->d.logged, sizeof e->d.logged, logged);
    if (e->fn) e->fn(&e->d, e->ctx);
    e->n++;
}

static size_t counted(urne_audit_replay *r, const emit *e) {
    r->differences += e->n;
    return e->n;
}

static void cmp_str(emit *e, const char *field, const char *stored, const char *logged) {
    if (strcmp(stored, logged) == 0) return;
    char s[160], l[160];
    snprintf(s, sizeof s, "\"%.150s\"", stored);
    snprintf(l, sizeof l, "\"%.150s\"", logged);
    put(e, field, s, l);
}

static void cmp_int(emit *e, const char *field, int64_t stored, int64_t logged) {
    if (stored == logged) return;
    char s[24], l[24];
    snprintf(s, sizeof s, "%lld", (long long)stored);
    snprintf(l, sizeof l, "%lld", (long long)logged);
    put(e, field, s, l);
}

/* Figures in one short line: "inscrits 212, votants 148, blancs 2, nuls 1, exprimes 145, votes 58 55 32". */
static void describe_figures(int has, const urne_figures *f, char *out, size_t size) {
    if (has <= 0) {
        snprintf(out, size, "%s", has == 0 ? "(none)" : "(not figures)");
        return;
    }
    char exprimes[24] = "not stated";
    if (f->exprimes >= 0) snprintf(exprimes, sizeof exprimes, "%lld", (long long)f->exprimes);
    size_t used = (size_t)snprintf(out, size, "inscrits %lld, votants %lld, blancs %lld, nuls %lld, exprimes %s, votes",
                                   (long long)f->inscrits, (long long)f->votants, (long long)f->blancs,
                                   (long long)f->nuls, exprimes);
    for (size_t j = 0; j < f->nvotes && used < size; j++)
        used += (size_t)snprintf(out + used, size - used, " %lld", (long long)f->votes[j]);
    if (used >= size && size > sizeof "…") /* cut: say that it goes on (the text is ASCII) */
        memcpy(out + size - sizeof "…", "…", sizeof "…");
}

static void cmp_figures(emit *e, const char *name, int hs, const urne_figures *s, int hl, const urne_figures *l) {
    char field[48], a[160], b[160];
    if (hs != hl || (hs == 1 && s->nvotes != l->nvotes)) {
        describe_figures(hs, s, a, sizeof a);
        describe_figures(hl, l, b, sizeof b);
        put(e, name, a, b);
        return;
    }
    if (hs != 1) return;
    static const char *const names[] = {"inscrits", "votants", "blancs", "nuls", "exprimes"};
    const int64_t sv[] = {s->inscrits, s->votants, s->blancs, s->nuls, s->exprimes};
    const int64_t lv[] = {l->inscrits, l->votants, l->blancs, l->nuls, l->exprimes};
    for (size_t k = 0; k < 5; k++) {
        snprintf(field, sizeof field, "%s.%s", name, names[k]);
        cmp_int(e, field, sv[k], lv[k]);
    }
    for (size_t j = 0; j < s->nvotes; j++) {
        snprintf(field, sizeof field, "%s.votes[%zu]", name, j);
        cmp_int(e, field, s->votes[j], l->votes[j]);
    }
}

size_t urne_audit_replay_compare_election(urne_audit_replay *r, const urne_audit_election *stored,
                                          urne_audit_diff_fn fn, void *ctx) {
    xelection *x = election_at(r, stored->id);
    emit e;
    emit_init(&e, "election", stored->id, stored->id, x ? x->seq_created : 0, fn, ctx);
    if (x == NULL) {
        char s[160];
        snprintf(s, sizeof s, "\"%.150s\"", stored->title);
        put(&e, "row", s, "(no row)");
        return counted(r, &e);
    }
    x->seen = 1;
    if (!x->meta_known) return 0;
    const urne_audit_election *l = &x->m;
    cmp_str(&e, "title", stored->title, l->title);
    cmp_str(&e, "rules", stored->preset, l->preset);
    if (l->full) {
        cmp_int(&e, "round", stored->round, l->round);
        cmp_str(&e, "settings", stored->settings, l->settings);
        cmp_int(&e, "double_entry", stored->double_entry, l->double_entry);
        cmp_str(&e, "deadline", stored->deadline, l->deadline);
        cmp_str(&e, "created_at", stored->created_at, l->created_at);
        if (l->has_space) cmp_str(&e, "space", stored->space, l->space);
        cmp_str(&e, "zone", stored->zone, l->zone);
        if (l->structure[0]) /* else said by finish */
            cmp_str(&e, "structure (levels, contests, candidates, colleges, bureau names)", stored->structure,
                    l->structure);
    }
    e.d.seq = x->seq_published;
    cmp_str(&e, "published_at", stored->published_at, l->published_at);
    cmp_str(&e, "published_digest", stored->published_digest, l->published_digest);
    cmp_str(&e, "reopened_at", stored->reopened_at, l->reopened_at);
    cmp_str(&e, "reopened_reason", stored->reopened_reason, l->reopened_reason);
    cmp_str(&e, "previous_published_at", stored->previous_published_at, l->previous_published_at);
    cmp_str(&e, "previous_digest", stored->previous_digest, l->previous_digest);
    cmp_str(&e, "previous_reopened_at", stored->previous_reopened_at, l->previous_reopened_at);
    cmp_str(&e, "previous_reopened_reason", stored->previous_reopened_reason, l->previous_reopened_reason);
    return counted(r, &e);
}

static void describe_sheet(const urne_audit_sheet *s, char *out, size_t size) {
    char f[140];
    describe_figures(s->has_figures, &s->figures, f, sizeof f);
    snprintf(out, size, "%s; %s", s->state, f);
}

size_t urne_audit_replay_compare_sheet(urne_audit_replay *r, int64_t election, size_t bureau,
                                       const urne_audit_sheet *stored, urne_audit_diff_fn fn, void *ctx) {
    xelection *x = election_at(r, election);
    xsheet *l = x && bureau < x->m.nbureaux ? &x->sheets[bureau] : NULL;
    emit e;
    emit_init(&e, "bureau", election, (int64_t)bureau, l ? l->seq : 0, fn, ctx);
    if (l == NULL) {
        char s[160];
        describe_sheet(stored, s, sizeof s);
        put(&e, "row", s, "(no row)");
        return counted(r, &e);
    }
    l->seen = 1;
    if (l->why != KNOWN) return 0;
    cmp_str(&e, "state", stored->state, l->s.state);
    cmp_figures(&e, "figures", stored->has_figures, &stored->figures, l->s.has_figures, &l->s.figures);
    cmp_str(&e, "entered_at", stored->entered_at, l->s.entered_at);
    cmp_int(&e, "entered_by", stored->entered_by, l->s.entered_by);
    cmp_int(&e, "validated_once", stored->validated_once, l->s.validated_once);
    cmp_int(&e, "changed_after_validation", stored->changed_after_validation, l->s.changed_after_validation);
    return counted(r, &e);
}

static int typed_equal(const urne_audit_typed *a, const urne_audit_typed *b) {
    return a->user == b->user && a->has_figures == b->has_figures &&
           (a->has_figures != 1 || urne_figures_equal(&a->figures, &b->figures));
}

static void describe_typed(const urne_audit_typed *t, char *out, size_t size) {
    char f[160];
    describe_figures(t->has_figures, &t->figures, f, sizeof f);
    snprintf(out, size, "by user %lld: %s", (long long)t->user, f);
}

size_t urne_audit_replay_compare_typed(urne_audit_replay *r, int64_t election, size_t bureau,
                                       const urne_audit_typed *stored, urne_audit_diff_fn fn, void *ctx) {
    xelection *x = election_at(r, election);
    xsheet *l = x && bureau < x->m.nbureaux ? &x->sheets[bureau] : NULL;
    emit e;
    emit_init(&e, "entry", election, (int64_t)bureau, 0, fn, ctx);
    if (l == NULL || l->typed_unknown_seq) { /* the bureau's row says so; or not comparable */
        if (l == NULL) put(&e, "row", "typed entry", "(no row)");
        return counted(r, &e);
    }
    e.d.nth = l->compared + l->extra + 1; /* its place in the store */
    if (l->compared >= l->ntyped) {
        char s[200];
        describe_typed(stored, s, sizeof s);
        put(&e, "row", s, "(no row)");
        l->extra++;
        return counted(r, &e);
    }
    /* Typed entries deleted from the store: the stored one matches a later logged one,
     * and those in between are missing. Otherwise it is compared with the next. */
    size_t j = l->compared;
    while (j < l->ntyped && !typed_equal(stored, &l->typed[j].t)) j++;
    for (size_t k = l->compared; j < l->ntyped && k < j; k++) {
        char logged[200];
        describe_typed(&l->typed[k].t, logged, sizeof logged);
        e.d.seq = l->typed[k].seq;
        e.d.nth = k + 1;
        put(&e, "row", "(no row)", logged);
    }
    if (j < l->ntyped) l->compared = j;
    const xtyped *t = &l->typed[l->compared++];
    l->matched++;
    e.d.nth = l->compared;
    e.d.seq = t->seq;
    cmp_int(&e, "user", stored->user, t->t.user);
    cmp_figures(&e, "figures", stored->has_figures, &stored->figures, t->t.has_figures, &t->t.figures);
    return counted(r, &e);
}

/* Order of user, election, bureau; then of entry, so that deduplication keeps the
 * entry that first assigned. */
static int assign_cmp(const void *pa, const void *pb) {
    const xassign *a = pa, *b = pb;
    if (a->user != b->user) return a->user < b->user ? -1 : 1;
    if (a->election != b->election) return a->election < b->election ? -1 : 1;
    if (a->bureau != b->bureau) return a->bureau < b->bureau ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void assignments_sorted(urne_audit_replay *r) {
    if (r->sorted) return;
    if (r->nas > 1) qsort(r->as, r->nas, sizeof *r->as, assign_cmp); /* r->as is NULL while empty */
    size_t n = 0;
    for (size_t i = 0; i < r->nas; i++)
        if (n == 0 || r->as[n - 1].user != r->as[i].user || r->as[n - 1].election != r->as[i].election ||
            r->as[n - 1].bureau != r->as[i].bureau)
            r->as[n++] = r->as[i];
    r->nas = n;
    r->sorted = 1;
}

/* An assignment in the log that the store does not have. */
static void assignment_missing(emit *e, const xassign *a) {
    char field[40];
    retarget(e, "assignment", a->election, (int64_t)a->bureau, a->seq);
    snprintf(field, sizeof field, "user %lld", (long long)a->user);
    put(e, field, "(no row)", "assigned");
}

size_t urne_audit_replay_compare_assignment(urne_audit_replay *r, int64_t user, int64_t election, size_t bureau,
                                            urne_audit_diff_fn fn, void *ctx) {
    assignments_sorted(r);
    xassign key = {.user = user, .election = election, .bureau = bureau, .seq = INT64_MAX};
    emit e;
    emit_init(&e, "assignment", election, (int64_t)bureau, 0, fn, ctx);
    while (r->cursor < r->nas && assign_cmp(&r->as[r->cursor], &key) < 0) {
        const xassign *a = &r->as[r->cursor++];
        if (a->user == user && a->election == election && a->bureau == bureau) { /* the same, seq aside */
            r->matched_as++;
            return counted(r, &e);
        }
        assignment_missing(&e, a);
    }
    char field[40];
    retarget(&e, "assignment", election, (int64_t)bureau, 0);
    snprintf(field, sizeof field, "user %lld", (long long)user);
    put(&e, field, "assigned", "(no row)");
    return counted(r, &e);
}

size_t urne_audit_replay_compare_dispute(urne_audit_replay *r, const urne_audit_dispute *stored,
                                         urne_audit_diff_fn fn, void *ctx) {
    xdispute *x = dispute_at(r, stored->id);
    emit e;
    emit_init(&e, "dispute", stored->election, stored->id, x ? x->seq : 0, fn, ctx);
    if (x == NULL) {
        char s[160];
        snprintf(s, sizeof s, "%s, bureau %lld", stored->state, (long long)stored->bureau);
        put(&e, "row", s, "(no row)");
        return counted(r, &e);
    }
    x->seen = 1;
    cmp_int(&e, "election", stored->election, x->d.election);
    cmp_int(&e, "bureau", stored->bureau, x->d.bureau);
    if (!x->known) return counted(r, &e);
    const urne_audit_dispute *l = &x->d;
    cmp_int(&e, "tier", stored->tier, l->tier);
    cmp_str(&e, "state", stored->state, l->state);
    cmp_str(&e, "reason", stored->reason, l->reason);
    cmp_str(&e, "opened_by", stored->opened_by, l->opened_by);
    cmp_str(&e, "opened_at", stored->opened_at, l->opened_at);
    cmp_str(&e, "deadline", stored->deadline, l->deadline);
    cmp_str(&e, "decision", stored->decision, l->decision);
    cmp_str(&e, "decision_reason", stored->decision_reason, l->decision_reason);
    cmp_str(&e, "decided_by", stored->decided_by, l->decided_by);
    cmp_str(&e, "decided_at", stored->decided_at, l->decided_at);
    cmp_figures(&e, "figures_before", stored->has_before, &stored->before, l->has_before, &l->before);
    cmp_figures(&e, "figures_after", stored->has_after, &stored->after, l->has_after, &l->after);
    cmp_int(&e, "escalated_from", stored->escalated_from, l->escalated_from);
    return counted(r, &e);
}

size_t urne_audit_replay_compare_user(urne_audit_replay *r, const urne_audit_user *stored, urne_audit_diff_fn fn,
                                      void *ctx) {
    xuser *x = stored->id > 0 && (size_t)stored->id < r->nus && r->us[stored->id].present ? &r->us[stored->id] : NULL;
    emit e;
    emit_init(&e, "user", 0, stored->id, x ? x->seq : 0, fn, ctx);
    if (x == NULL) {
        char s[160];
        snprintf(s, sizeof s, "\"%.60s\" (%s)", stored->name, stored->role);
        put(&e, "row", s, "(no row)");
        return counted(r, &e);
    }
    x->seen = 1;
    if (!x->known) return counted(r, &e);
    cmp_str(&e, "name", stored->name, x->u.name);
    cmp_str(&e, "role", stored->role, x->u.role);
    cmp_int(&e, "tier", stored->tier, x->u.tier);
    return counted(r, &e);
}

/* ---- finish ---- */

/* "1,287" */
static const char *thousands(size_t n, char out[32]) {
    char digits[24];
    int k = snprintf(digits, sizeof digits, "%zu", n), o = 0;
    for (int i = 0; i < k; i++) {
        if (i && (k - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = 0;
    return out;
}

/* A list of up to 8 numbers, then "..." */
static void list_add(char *out, size_t size, size_t *count, int64_t v) {
    size_t used = strlen(out);
    if (*count < 8)
        snprintf(out + used, size - used, "%s%lld", *count ? ", " : "", (long long)v);
    else if (*count == 8)
        snprintf(out + used, size - used, ", ...");
    (*count)++;
}

static size_t finish_sheets(xelection *x, int64_t id, emit *e, urne_audit_note_fn note, void *ctx,
                            urne_audit_replay_stats *st) {
    size_t created = 0, changed = 0, nb = 0, ns = 0, missing = 0;
    char bureaux[128] = "", seqs[128] = "", sentence[400], a[32], b[32];
    for (size_t i = 0; i < x->m.nbureaux; i++) {
        xsheet *s = &x->sheets[i];
        if (!s->seen) {
            char logged[160];
            retarget(e, "bureau", id, (int64_t)i, s->seq);
            if (s->why == KNOWN)
                describe_sheet(&s->s, logged, sizeof logged);
            else
                snprintf(logged, sizeof logged, "a row (not recorded in full)");
            put(e, "row", "(no row)", logged);
            missing++;
            continue;
        }
        if (s->why == KNOWN) {
            st->sheets++;
            continue;
        }
        st->not_compared++;
        if (s->why == CREATED_UNRECORDED)
            created++;
        else {
            changed++;
            list_add(bureaux, sizeof bureaux, &nb, (int64_t)i);
            list_add(seqs, sizeof seqs, &ns, s->seq);
        }
    }
    if (created && note) {
        snprintf(sentence, sizeof sentence,
                 "election %lld: created by entry %lld before urne recorded imported figures in the log; "
                 "%s of its %s bureaux not compared",
                 (long long)id, (long long)x->seq_created, thousands(created, a), thousands(x->m.nbureaux, b));
        note(sentence, ctx);
    }
    if (changed && note) {
        snprintf(sentence, sizeof sentence,
                 "election %lld: %s bureau(x) not compared (%s): last changed by entries that did not record "
                 "the resulting sheet (%s)",
                 (long long)id, thousands(changed, a), bureaux, seqs);
        note(sentence, ctx);
    }
    return missing;
}

/* The typed entries the store lost, and the bureaux whose typed entries could not
 * be compared. */
static size_t finish_typed(xelection *x, int64_t id, emit *e, urne_audit_note_fn note, void *ctx,
                           urne_audit_replay_stats *st) {
    size_t missing = 0, unknown = 0, nb = 0, ns = 0;
    char bureaux[128] = "", seqs[128] = "", sentence[400], a[32];
    for (size_t i = 0; i < x->m.nbureaux; i++) {
        xsheet *s = &x->sheets[i];
        if (s->typed_unknown_seq) {
            unknown++;
            st->not_compared++;
            list_add(bureaux, sizeof bureaux, &nb, (int64_t)i);
            list_add(seqs, sizeof seqs, &ns, s->typed_unknown_seq);
            continue;
        }
        st->entries += s->matched;
        for (size_t k = s->compared; k < s->ntyped; k++) {
            char logged[200];
            describe_typed(&s->typed[k].t, logged, sizeof logged);
            retarget(e, "entry", id, (int64_t)i, s->typed[k].seq);
            e->d.nth = k + 1;
            put(e, "row", "(no row)", logged);
            missing++;
        }
    }
    if (unknown && note) {
        snprintf(sentence, sizeof sentence,
                 "election %lld: the typed entries of %s bureau(x) not compared (%s): typed by entries that did "
                 "not record who typed what (%s)",
                 (long long)id, thousands(unknown, a), bureaux, seqs);
        note(sentence, ctx);
    }
    return missing;
}

static size_t finish_election(urne_audit_replay *r, int64_t id, emit *e, urne_audit_note_fn note, void *ctx,
                              urne_audit_replay_stats *st) {
    xelection *x = &r->el[id];
    char sentence[400];
    size_t missing = 0;
    if (!x->seen) {
        retarget(e, "election", id, id, x->seq_created);
        char logged[160];
        snprintf(logged, sizeof logged, "\"%.150s\"", x->m.title);
        put(e, "row", "(no row)", logged);
        missing++;
    } else if (!x->meta_known) {
        st->not_compared++;
        snprintf(sentence, sizeof sentence,
                 "election %lld: changed by entry %lld in a way the log does not record; its title, settings "
                 "and publication not compared",
                 (long long)id, (long long)x->seq_meta_unknown);
        if (note) note(sentence, ctx);
    } else {
        st->elections++;
        if (!x->m.full || !x->m.structure[0]) st->not_compared++; /* part of the election's row */
        if (x->m.full && !x->m.structure[0] && note) {
            snprintf(sentence, sizeof sentence,
                     "election %lld: created by entry %lld before urne recorded a digest of its names; its contests, "
                     "candidates and bureau names not compared",
                     (long long)id, (long long)x->seq_created);
            note(sentence, ctx);
        }
        if (!x->m.full && note) {
            snprintf(sentence, sizeof sentence,
                     "election %lld: created by entry %lld before urne recorded its round, settings, double entry, "
                     "deadline, creation time and names; only its title, rules and publication compared",
                     (long long)id, (long long)x->seq_created);
            note(sentence, ctx);
        }
    }
    missing += finish_sheets(x, id, e, note, ctx, st);
    return missing + finish_typed(x, id, e, note, ctx, st);
}

static size_t finish_disputes(urne_audit_replay *r, emit *e, urne_audit_note_fn note, void *ctx,
                              urne_audit_replay_stats *st) {
    size_t missing = 0;
    for (size_t i = 0; i < r->nel; i++) {
        if (!r->el[i].present) continue;
        char ids[128] = "", sentence[300], a[32];
        size_t n = 0;
        for (size_t k = 0; k < r->ndis; k++) {
            xdispute *x = &r->dis[k];
            if (!x->present || x->d.election != (int64_t)i) continue;
            if (!x->seen) {
                retarget(e, "dispute", x->d.election, (int64_t)k, x->seq);
                char logged[160];
                snprintf(logged, sizeof logged, "%s, bureau %lld", x->known ? x->d.state : "a row",
                         (long long)x->d.bureau);
                put(e, "row", "(no row)", logged);
                missing++;
            } else if (x->known)
                st->disputes++;
            else {
                st->not_compared++;
                list_add(ids, sizeof ids, &n, (int64_t)k);
            }
        }
        if (n && note) {
            snprintf(sentence, sizeof sentence,
                     "election %zu: %s dispute(s) not compared (%s): opened, decided or appealed by entries that "
                     "did not record the resulting dispute",
                     i, thousands(n, a), ids);
            note(sentence, ctx);
        }
    }
    return missing;
}

size_t urne_audit_replay_finish(urne_audit_replay *r, urne_audit_diff_fn fn, urne_audit_note_fn note, void *ctx,
                                urne_audit_replay_stats *stats) {
    urne_audit_replay_stats st = {0};
    emit e;
    emit_init(&e, "", 0, 0, 0, fn, ctx);
    size_t missing = 0;
    for (size_t i = 0; i < r->nel; i++)
        if (r->el[i].present) missing += finish_election(r, (int64_t)i, &e, note, ctx, &st);
    missing += finish_disputes(r, &e, note, ctx, &st);
    assignments_sorted(r);
    for (; r->cursor < r->nas; r->cursor++, missing++) assignment_missing(&e, &r->as[r->cursor]);
    st.assignments = r->matched_as;
    char ids[128] = "", sentence[300], a[32];
    size_t n = 0;
    for (size_t i = 0; i < r->nus; i++) {
        xuser *x = &r->us[i];
        if (!x->present) continue;
        if (!x->seen) {
            retarget(&e, "user", 0, (int64_t)i, x->seq);
            char logged[160];
            snprintf(logged, sizeof logged, "\"%.60s\" (%s)", x->known ? x->u.name : "?", x->known ? x->u.role : "?");
            put(&e, "row", "(no row)", logged);
            missing++;
        } else if (x->known)
            st.users++;
        else {
            st.not_compared++;
            list_add(ids, sizeof ids, &n, (int64_t)i);
        }
    }
    if (n && note) {
        snprintf(sentence, sizeof sentence, "%s account(s) not compared (%s): changed by entries that did not record "
                 "the resulting account", thousands(n, a), ids);
        note(sentence, ctx);
    }
    assert(e.n == missing);
    st.differences = r->differences + missing;
    if (stats) *stats = st;
    return missing;
}
