/*
 * replay_finish: after the store's rows were all compared, what the log has that
 * the store did not pass (rows deleted behind the log's back), and what could
 * not be compared and why (entries of an older urne that did not record their
 * rows), election by election, in counts an administrator can read.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

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

static size_t finish_sheets(xelection *x, int64_t id, urne_replay_emit *e, urne_audit_note_fn note, void *ctx,
                            urne_audit_replay_stats *st) {
    size_t created = 0, changed = 0, nb = 0, ns = 0, missing = 0;
    char bureaux[128] = "", seqs[128] = "", sentence[400], a[32], b[32];
    for (size_t i = 0; i < x->m.nbureaux; i++) {
        xsheet *s = &x->sheets[i];
        if (!s->seen) {
            char logged[160];
            urne_replay_retarget(e, "bureau", id, (int64_t)i, s->seq);
            if (s->why == KNOWN)
                urne_replay_describe_sheet(&s->s, logged, sizeof logged);
            else
                snprintf(logged, sizeof logged, "a row (not recorded in full)");
            urne_replay_put(e, "row", "(no row)", logged);
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
static size_t finish_typed(xelection *x, int64_t id, urne_replay_emit *e, urne_audit_note_fn note, void *ctx,
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
            urne_replay_describe_typed(&s->typed[k].t, logged, sizeof logged);
            urne_replay_retarget(e, "entry", id, (int64_t)i, s->typed[k].seq);
            e->d.nth = k + 1;
            urne_replay_put(e, "row", "(no row)", logged);
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

static size_t finish_election(urne_audit_replay *r, int64_t id, urne_replay_emit *e, urne_audit_note_fn note, void *ctx,
                              urne_audit_replay_stats *st) {
    xelection *x = &r->el[id];
    char sentence[400];
    size_t missing = 0;
    if (!x->seen) {
        urne_replay_retarget(e, "election", id, id, x->seq_created);
        urne_replay_put_row(e, NULL, x->m.title);
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

static size_t finish_disputes(urne_audit_replay *r, urne_replay_emit *e, urne_audit_note_fn note, void *ctx,
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
                urne_replay_retarget(e, "dispute", x->d.election, (int64_t)k, x->seq);
                char logged[160];
                snprintf(logged, sizeof logged, "%s, bureau %lld", x->known ? x->d.state : "a row",
                         (long long)x->d.bureau);
                urne_replay_put(e, "row", "(no row)", logged);
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
    urne_replay_emit e;
    urne_replay_emit_init(&e, "", 0, 0, 0, fn, ctx);
    size_t missing = 0;
    for (size_t i = 0; i < r->nel; i++)
        if (r->el[i].present) missing += finish_election(r, (int64_t)i, &e, note, ctx, &st);
    missing += finish_disputes(r, &e, note, ctx, &st);
    urne_replay_assignments_sorted(r);
    for (; r->cursor < r->nas; r->cursor++, missing++) urne_replay_assignment_missing(&e, &r->as[r->cursor]);
    st.assignments = r->matched_as;
    char ids[128] = "", sentence[300], a[32];
    size_t n = 0;
    for (size_t i = 0; i < r->nus; i++) {
        xuser *x = &r->us[i];
        if (!x->present) continue;
        if (!x->seen) {
            urne_replay_retarget(&e, "user", 0, (int64_t)i, x->seq);
            char logged[160];
            snprintf(logged, sizeof logged, "\"%.60s\" (%s)", x->known ? x->u.name : "?", x->known ? x->u.role : "?");
            urne_replay_put(&e, "row", "(no row)", logged);
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
