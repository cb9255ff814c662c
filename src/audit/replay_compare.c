/*
 * replay_compare: the store's rows, passed one at a time by `urne audit verify`,
 * compared with those the log leaves (replay.c).
 *
 * Each compare function marks the expected row "seen" (so that finish can name
 * those the store lost), says each field that differs (replay_diff.c), and
 * compares only what the log recorded whole: a row an older entry left not
 * comparable is counted apart, never as matching. Typed entries are compared in
 * order, a stored entry matching a later logged one saying those in between were
 * deleted; assignments are compared as two sorted lists walked together.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

size_t urne_audit_replay_compare_election(urne_audit_replay *r, const urne_audit_election *stored,
                                          urne_audit_diff_fn fn, void *ctx) {
    xelection *x = urne_replay_election(r, stored->id);
    urne_replay_emit e;
    urne_replay_emit_init(&e, "election", stored->id, stored->id, x ? x->seq_created : 0, fn, ctx);
    if (x == NULL) {
        urne_replay_put_row(&e, stored->title, NULL);
        return urne_replay_counted(r, &e);
    }
    x->seen = 1;
    if (!x->meta_known) return 0;
    const urne_audit_election *l = &x->m;
    urne_replay_cmp_str(&e, "title", stored->title, l->title);
    urne_replay_cmp_str(&e, "rules", stored->preset, l->preset);
    if (l->full) {
        urne_replay_cmp_int(&e, "round", stored->round, l->round);
        urne_replay_cmp_str(&e, "settings", stored->settings, l->settings);
        urne_replay_cmp_int(&e, "double_entry", stored->double_entry, l->double_entry);
        urne_replay_cmp_str(&e, "deadline", stored->deadline, l->deadline);
        urne_replay_cmp_str(&e, "created_at", stored->created_at, l->created_at);
        if (l->has_space) urne_replay_cmp_str(&e, "space", stored->space, l->space);
        urne_replay_cmp_str(&e, "zone", stored->zone, l->zone);
        if (l->structure[0]) /* else said by finish */
            urne_replay_cmp_str(&e, "structure (levels, contests, candidates, colleges, bureau names)",
                                stored->structure, l->structure);
    }
    e.d.seq = x->seq_published;
    urne_replay_cmp_str(&e, "published_at", stored->published_at, l->published_at);
    urne_replay_cmp_str(&e, "published_digest", stored->published_digest, l->published_digest);
    urne_replay_cmp_str(&e, "reopened_at", stored->reopened_at, l->reopened_at);
    urne_replay_cmp_str(&e, "reopened_reason", stored->reopened_reason, l->reopened_reason);
    urne_replay_cmp_str(&e, "previous_published_at", stored->previous_published_at, l->previous_published_at);
    urne_replay_cmp_str(&e, "previous_digest", stored->previous_digest, l->previous_digest);
    urne_replay_cmp_str(&e, "previous_reopened_at", stored->previous_reopened_at, l->previous_reopened_at);
    urne_replay_cmp_str(&e, "previous_reopened_reason", stored->previous_reopened_reason, l->previous_reopened_reason);
    return urne_replay_counted(r, &e);
}


size_t urne_audit_replay_compare_sheet(urne_audit_replay *r, int64_t election, size_t bureau,
                                       const urne_audit_sheet *stored, urne_audit_diff_fn fn, void *ctx) {
    xelection *x = urne_replay_election(r, election);
    xsheet *l = x && bureau < x->m.nbureaux ? &x->sheets[bureau] : NULL;
    urne_replay_emit e;
    urne_replay_emit_init(&e, "bureau", election, (int64_t)bureau, l ? l->seq : 0, fn, ctx);
    if (l == NULL) {
        char s[160];
        urne_replay_describe_sheet(stored, s, sizeof s);
        urne_replay_put(&e, "row", s, "(no row)");
        return urne_replay_counted(r, &e);
    }
    l->seen = 1;
    if (l->why != KNOWN) return 0;
    urne_replay_cmp_str(&e, "state", stored->state, l->s.state);
    urne_replay_cmp_figures(&e, "figures", stored->has_figures, &stored->figures, l->s.has_figures, &l->s.figures);
    urne_replay_cmp_str(&e, "entered_at", stored->entered_at, l->s.entered_at);
    urne_replay_cmp_int(&e, "entered_by", stored->entered_by, l->s.entered_by);
    urne_replay_cmp_int(&e, "validated_once", stored->validated_once, l->s.validated_once);
    urne_replay_cmp_int(&e, "changed_after_validation", stored->changed_after_validation,
                        l->s.changed_after_validation);
    return urne_replay_counted(r, &e);
}

static int typed_equal(const urne_audit_typed *a, const urne_audit_typed *b) {
    return a->user == b->user && a->has_figures == b->has_figures &&
           (a->has_figures != 1 || urne_figures_equal(&a->figures, &b->figures));
}


size_t urne_audit_replay_compare_typed(urne_audit_replay *r, int64_t election, size_t bureau,
                                       const urne_audit_typed *stored, urne_audit_diff_fn fn, void *ctx) {
    xelection *x = urne_replay_election(r, election);
    xsheet *l = x && bureau < x->m.nbureaux ? &x->sheets[bureau] : NULL;
    urne_replay_emit e;
    urne_replay_emit_init(&e, "entry", election, (int64_t)bureau, 0, fn, ctx);
    if (l == NULL || l->typed_unknown_seq) { /* the bureau's row says so; or not comparable */
        if (l == NULL) urne_replay_put(&e, "row", "typed entry", "(no row)");
        return urne_replay_counted(r, &e);
    }
    e.d.nth = l->compared + l->extra + 1; /* its place in the store */
    if (l->compared >= l->ntyped) {
        char s[200];
        urne_replay_describe_typed(stored, s, sizeof s);
        urne_replay_put(&e, "row", s, "(no row)");
        l->extra++;
        return urne_replay_counted(r, &e);
    }
    /* Typed entries deleted from the store: the stored one matches a later logged one,
     * and those in between are missing. Otherwise it is compared with the next. */
    size_t j = l->compared;
    while (j < l->ntyped && !typed_equal(stored, &l->typed[j].t)) j++;
    for (size_t k = l->compared; j < l->ntyped && k < j; k++) {
        char logged[200];
        urne_replay_describe_typed(&l->typed[k].t, logged, sizeof logged);
        e.d.seq = l->typed[k].seq;
        e.d.nth = k + 1;
        urne_replay_put(&e, "row", "(no row)", logged);
    }
    if (j < l->ntyped) l->compared = j;
    const xtyped *t = &l->typed[l->compared++];
    l->matched++;
    e.d.nth = l->compared;
    e.d.seq = t->seq;
    urne_replay_cmp_int(&e, "user", stored->user, t->t.user);
    urne_replay_cmp_figures(&e, "figures", stored->has_figures, &stored->figures, t->t.has_figures, &t->t.figures);
    return urne_replay_counted(r, &e);
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

void urne_replay_assignments_sorted(urne_audit_replay *r) {
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
void urne_replay_assignment_missing(urne_replay_emit *e, const xassign *a) {
    char field[40];
    urne_replay_retarget(e, "assignment", a->election, (int64_t)a->bureau, a->seq);
    snprintf(field, sizeof field, "user %lld", (long long)a->user);
    urne_replay_put(e, field, "(no row)", "assigned");
}

size_t urne_audit_replay_compare_assignment(urne_audit_replay *r, int64_t user, int64_t election, size_t bureau,
                                            urne_audit_diff_fn fn, void *ctx) {
    urne_replay_assignments_sorted(r);
    xassign key = {.user = user, .election = election, .bureau = bureau, .seq = INT64_MAX};
    urne_replay_emit e;
    urne_replay_emit_init(&e, "assignment", election, (int64_t)bureau, 0, fn, ctx);
    while (r->cursor < r->nas && assign_cmp(&r->as[r->cursor], &key) < 0) {
        const xassign *a = &r->as[r->cursor++];
        if (a->user == user && a->election == election && a->bureau == bureau) { /* the same, seq aside */
            r->matched_as++;
            return urne_replay_counted(r, &e);
        }
        urne_replay_assignment_missing(&e, a);
    }
    char field[40];
    urne_replay_retarget(&e, "assignment", election, (int64_t)bureau, 0);
    snprintf(field, sizeof field, "user %lld", (long long)user);
    urne_replay_put(&e, field, "assigned", "(no row)");
    return urne_replay_counted(r, &e);
}

size_t urne_audit_replay_compare_dispute(urne_audit_replay *r, const urne_audit_dispute *stored,
                                         urne_audit_diff_fn fn, void *ctx) {
    xdispute *x = urne_replay_dispute(r, stored->id);
    urne_replay_emit e;
    urne_replay_emit_init(&e, "dispute", stored->election, stored->id, x ? x->seq : 0, fn, ctx);
    if (x == NULL) {
        char s[160];
        snprintf(s, sizeof s, "%s, bureau %lld", stored->state, (long long)stored->bureau);
        urne_replay_put(&e, "row", s, "(no row)");
        return urne_replay_counted(r, &e);
    }
    x->seen = 1;
    urne_replay_cmp_int(&e, "election", stored->election, x->d.election);
    urne_replay_cmp_int(&e, "bureau", stored->bureau, x->d.bureau);
    if (!x->known) return urne_replay_counted(r, &e);
    const urne_audit_dispute *l = &x->d;
    urne_replay_cmp_int(&e, "tier", stored->tier, l->tier);
    urne_replay_cmp_str(&e, "state", stored->state, l->state);
    urne_replay_cmp_str(&e, "reason", stored->reason, l->reason);
    urne_replay_cmp_str(&e, "opened_by", stored->opened_by, l->opened_by);
    urne_replay_cmp_str(&e, "opened_at", stored->opened_at, l->opened_at);
    urne_replay_cmp_str(&e, "deadline", stored->deadline, l->deadline);
    urne_replay_cmp_str(&e, "decision", stored->decision, l->decision);
    urne_replay_cmp_str(&e, "decision_reason", stored->decision_reason, l->decision_reason);
    urne_replay_cmp_str(&e, "decided_by", stored->decided_by, l->decided_by);
    urne_replay_cmp_str(&e, "decided_at", stored->decided_at, l->decided_at);
    urne_replay_cmp_figures(&e, "figures_before", stored->has_before, &stored->before, l->has_before, &l->before);
    urne_replay_cmp_figures(&e, "figures_after", stored->has_after, &stored->after, l->has_after, &l->after);
    urne_replay_cmp_int(&e, "escalated_from", stored->escalated_from, l->escalated_from);
    return urne_replay_counted(r, &e);
}

size_t urne_audit_replay_compare_user(urne_audit_replay *r, const urne_audit_user *stored, urne_audit_diff_fn fn,
                                      void *ctx) {
    xuser *x = stored->id > 0 && (size_t)stored->id < r->nus && r->us[stored->id].present ? &r->us[stored->id] : NULL;
    urne_replay_emit e;
    urne_replay_emit_init(&e, "user", 0, stored->id, x ? x->seq : 0, fn, ctx);
    if (x == NULL) {
        char s[160];
        snprintf(s, sizeof s, "\"%.60s\" (%s)", stored->name, stored->role);
        urne_replay_put(&e, "row", s, "(no row)");
        return urne_replay_counted(r, &e);
    }
    x->seen = 1;
    if (!x->known) return urne_replay_counted(r, &e);
    urne_replay_cmp_str(&e, "name", stored->name, x->u.name);
    urne_replay_cmp_str(&e, "role", stored->role, x->u.role);
    urne_replay_cmp_int(&e, "tier", stored->tier, x->u.tier);
    return urne_replay_counted(r, &e);
}
