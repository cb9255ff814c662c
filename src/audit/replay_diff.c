/*
 * replay_diff: how the verification says a difference between a stored row and
 * the row the log gives, for `urne audit verify` to print.
 *
 * A difference names the table, the row (election, id, its place among typed
 * entries) and the entry that set the row, then the field and both values as
 * short texts: texts quoted, numbers plain, figures field by field when both rows
 * have them alike and on one line when they do not. Values are compared whole;
 * only what is shown is cut, with a mark. These are the words of an
 * administrator's tool, about the database's own fields: they stay as the
 * database names them.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "../core/urne_text.h"
#include "replay_internal.h"

void urne_replay_emit_init(urne_replay_emit *e, const char *table, int64_t election, int64_t id, int64_t seq,
                           urne_audit_diff_fn fn, void *ctx) {
    memset(e, 0, sizeof *e);
    e->d.table = table;
    e->d.election = election;
    e->d.id = id;
    e->d.seq = seq;
    e->fn = fn;
    e->ctx = ctx;
}

/* Point e at another row, keeping its count and callback. */
void urne_replay_retarget(urne_replay_emit *e, const char *table, int64_t election, int64_t id, int64_t seq) {
    e->d.nth = 0;
    e->d.table = table;
    e->d.election = election;
    e->d.id = id;
    e->d.seq = seq;
}

/* A value shown in a difference is cut with a mark when longer than its place
 * (the difference itself is found on the whole values, before any of this). */
static void copy_shown(char *dst, size_t size, const char *src) { urne_text_fit(src, strlen(src), dst, size); }

void urne_replay_put(urne_replay_emit *e, const char *field, const char *stored, const char *logged) {
    copy_shown(e->d.field, sizeof e->d.field, field);
    copy_shown(e->d.stored, sizeof e->d.stored, stored);
    copy_shown(e->d.logged, sizeof e->d.logged, logged);
    if (e->fn) e->fn(&e->d, e->ctx);
    e->n++;
}

size_t urne_replay_counted(urne_audit_replay *r, const urne_replay_emit *e) {
    r->differences += e->n;
    return e->n;
}

void urne_replay_quote(char out[160], const char *text) { snprintf(out, 160, "\"%.150s\"", text ? text : ""); }

void urne_replay_put_row(urne_replay_emit *e, const char *stored, const char *logged) {
    assert(stored == NULL || logged == NULL);
    char s[160] = "(no row)", l[160] = "(no row)";
    if (stored) urne_replay_quote(s, stored);
    if (logged) urne_replay_quote(l, logged);
    urne_replay_put(e, "row", s, l);
}

void urne_replay_cmp_str(urne_replay_emit *e, const char *field, const char *stored, const char *logged) {
    if (strcmp(stored, logged) == 0) return;
    char s[160], l[160];
    urne_replay_quote(s, stored);
    urne_replay_quote(l, logged);
    urne_replay_put(e, field, s, l);
}

void urne_replay_cmp_int(urne_replay_emit *e, const char *field, int64_t stored, int64_t logged) {
    if (stored == logged) return;
    char s[24], l[24];
    snprintf(s, sizeof s, "%lld", (long long)stored);
    snprintf(l, sizeof l, "%lld", (long long)logged);
    urne_replay_put(e, field, s, l);
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

void urne_replay_cmp_figures(urne_replay_emit *e, const char *name, int hs, const urne_figures *s, int hl,
                             const urne_figures *l) {
    char field[48], a[160], b[160];
    if (hs != hl || (hs == 1 && s->nvotes != l->nvotes)) {
        describe_figures(hs, s, a, sizeof a);
        describe_figures(hl, l, b, sizeof b);
        urne_replay_put(e, name, a, b);
        return;
    }
    if (hs != 1) return;
    static const char *const names[] = {"inscrits", "votants", "blancs", "nuls", "exprimes"};
    const int64_t sv[] = {s->inscrits, s->votants, s->blancs, s->nuls, s->exprimes};
    const int64_t lv[] = {l->inscrits, l->votants, l->blancs, l->nuls, l->exprimes};
    for (size_t k = 0; k < 5; k++) {
        snprintf(field, sizeof field, "%s.%s", name, names[k]);
        urne_replay_cmp_int(e, field, sv[k], lv[k]);
    }
    for (size_t j = 0; j < s->nvotes; j++) {
        snprintf(field, sizeof field, "%s.votes[%zu]", name, j);
        urne_replay_cmp_int(e, field, s->votes[j], l->votes[j]);
    }
}

void urne_replay_describe_sheet(const urne_audit_sheet *s, char *out, size_t size) {
    char f[140];
    describe_figures(s->has_figures, &s->figures, f, sizeof f);
    snprintf(out, size, "%s; %s", s->state, f);
}

void urne_replay_describe_typed(const urne_audit_typed *t, char *out, size_t size) {
    char f[160];
    describe_figures(t->has_figures, &t->figures, f, sizeof f);
    snprintf(out, size, "by user %lld: %s", (long long)t->user, f);
}
