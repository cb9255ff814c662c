/*
 * recolement: sheet states, the transitions the server may make, unit states and
 * the turnout anomaly check (see recolement.h for the story).
 */
#define _GNU_SOURCE /* qsort_r */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_text.h"
#include "recolement.h"

/* The reasons below are a table's entries the adapters translate (xgettext's N_). */
#define N_(s) (s)

static const char *const state_names[URNE_SHEET_NSTATES] = {
    "missing", "pending", "mismatch", "entered", "validated", "contested", "annulled", "revote",
};

const char *urne_sheet_state_name(urne_sheet_state s) {
    return (unsigned)s < URNE_SHEET_NSTATES ? state_names[s] : "?";
}

int urne_sheet_state_parse(const char *name, urne_sheet_state *out) {
    for (int i = 0; i < URNE_SHEET_NSTATES; i++)
        if (strcmp(name, state_names[i]) == 0) {
            *out = (urne_sheet_state)i;
            return 0;
        }
    return -1;
}

int urne_sheet_state_counts(urne_sheet_state s) {
    switch (s) {
    case URNE_SHEET_ENTERED:
    case URNE_SHEET_VALIDATED:
    case URNE_SHEET_CONTESTED: return 1;
    case URNE_SHEET_ANNULLED: return 2;
    default: return 0;
    }
}

static const char *const decision_names[] = {"validate", "correct", "annul", "revote"};

const char *urne_decision_name(urne_decision d) { return (unsigned)d < 4 ? decision_names[d] : "?"; }

int urne_decision_parse(const char *name, urne_decision *out) {
    for (int i = 0; i < 4; i++)
        if (strcmp(name, decision_names[i]) == 0) {
            *out = (urne_decision)i;
            return 0;
        }
    return -1;
}

int urne_figures_alloc(urne_figures *f, size_t n) {
    assert(f);
    free(f->votes);
    f->votes = NULL;
    f->nvotes = 0;
    if (n == 0) return 0;
    f->votes = calloc(n, sizeof *f->votes);
    if (f->votes == NULL) return -1;
    f->nvotes = n;
    return 0;
}

int urne_figures_copy(urne_figures *dst, const urne_figures *src) {
    assert(dst && src);
    if (dst == src) return 0;
    assert(src->nvotes == 0 || src->votes);
    int64_t *votes = NULL;
    if (src->nvotes) {
        votes = malloc(src->nvotes * sizeof *votes);
        if (votes == NULL) {
            urne_figures_free(dst);
            return -1;
        }
        memcpy(votes, src->votes, src->nvotes * sizeof *votes);
    }
    free(dst->votes);
    *dst = *src;
    dst->votes = votes;
    return 0;
}

void urne_figures_free(urne_figures *f) {
    if (f == NULL) return;
    free(f->votes);
    memset(f, 0, sizeof *f);
}

int urne_figures_equal(const urne_figures *a, const urne_figures *b) {
    if (a->inscrits != b->inscrits || a->votants != b->votants || a->blancs != b->blancs || a->nuls != b->nuls ||
        a->exprimes != b->exprimes || a->nvotes != b->nvotes)
        return 0;
    for (size_t j = 0; j < a->nvotes; j++)
        if (a->votes[j] != b->votes[j]) return 0;
    return 1;
}

void urne_figures_to_sheet(const urne_figures *f, urne_sheet *s) {
    s->inscrits = f->inscrits;
    s->votants = f->votants;
    s->blancs = f->blancs;
    s->nuls = f->nuls;
    s->exprimes_stated = f->exprimes;
    for (size_t j = 0; j < f->nvotes; j++) s->votes[j] = f->votes[j];
}

int urne_figures_from_sheet(const urne_round *round, const urne_sheet *s, urne_figures *f) {
    size_t n = round->contests[s->contest].ncand;
    if (urne_figures_alloc(f, n) < 0) {
        urne_figures_free(f);
        return -1;
    }
    f->inscrits = s->inscrits;
    f->votants = s->votants;
    f->blancs = s->blancs;
    f->nuls = s->nuls;
    f->exprimes = s->exprimes_stated;
    for (size_t j = 0; j < n; j++) f->votes[j] = s->votes[j];
    return 0;
}

/* The description is built whole in memory, then copied into the caller's buffer:
 * a list of differences too long for it ends with "…", so it says that it goes
 * on; it never stops mid-word or mid-character without a sign. */
typedef struct diff_text {
    char *p;
    size_t len, cap;
    int oom;
} diff_text;

static void diff_put(diff_text *t, const char *s) {
    size_t n = strlen(s);
    if (t->oom) return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        while (cap < t->len + n + 1) cap *= 2;
        char *p = realloc(t->p, cap);
        if (p == NULL) {
            t->oom = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n + 1);
    t->len += n;
}

static size_t diff_one(diff_text *t, const char *name, int64_t a, int64_t b) {
    if (a == b) return 0;
    char figures[64];
    snprintf(figures, sizeof figures, ": %lld / %lld", (long long)a, (long long)b);
    if (t->len) diff_put(t, "; ");
    diff_put(t, name);
    diff_put(t, figures);
    return 1;
}

size_t urne_figures_diff(const urne_round *round, size_t contest, const urne_figures *a, const urne_figures *b,
                         char *out, size_t size) {
    diff_text t = {0};
    size_t n = 0;
    n += diff_one(&t, "inscrits", a->inscrits, b->inscrits);
    n += diff_one(&t, "votants", a->votants, b->votants);
    n += diff_one(&t, "blancs", a->blancs, b->blancs);
    n += diff_one(&t, "nuls", a->nuls, b->nuls);
    n += diff_one(&t, "exprimes", a->exprimes, b->exprimes);
    const urne_contest *c = &round->contests[contest];
    for (size_t j = 0; j < a->nvotes && j < b->nvotes && j < c->ncand; j++)
        n += diff_one(&t, round->candidates[c->cand_first + j].name, a->votes[j], b->votes[j]);
    if (size) {
        if (t.oom)
            urne_text_fit("…", strlen("…"), out, size);
        else
            urne_text_fit(t.p ? t.p : "", t.len, out, size);
    }
    free(t.p);
    return n;
}

static size_t difference(urne_figure_diff *out, size_t max, size_t n, const char *field, const char *name,
                         int64_t a, int64_t b) {
    if (a == b) return 0;
    if (n < max) {
        urne_figure_diff *d = &out[n];
        d->field = field;
        d->name[0] = '\0';
        if (name) urne_text_fit(name, strlen(name), d->name, sizeof d->name);
        d->a = a;
        d->b = b;
    }
    return 1;
}

size_t urne_figures_differences(const urne_round *round, size_t contest, const urne_figures *a, const urne_figures *b,
                                urne_figure_diff *out, size_t max) {
    size_t n = 0;
    n += difference(out, max, n, "inscrits", NULL, a->inscrits, b->inscrits);
    n += difference(out, max, n, "votants", NULL, a->votants, b->votants);
    n += difference(out, max, n, "blancs", NULL, a->blancs, b->blancs);
    n += difference(out, max, n, "nuls", NULL, a->nuls, b->nuls);
    n += difference(out, max, n, "exprimes", NULL, a->exprimes, b->exprimes);
    const urne_contest *c = &round->contests[contest];
    for (size_t j = 0; j < a->nvotes && j < b->nvotes && j < c->ncand; j++)
        n += difference(out, max, n, NULL, round->candidates[c->cand_first + j].name, a->votes[j], b->votes[j]);
    return n;
}

int urne_recolement_rule_confirmable(const char *rule) {
    return rule && (strcmp(rule, URNE_RULE_VOTANTS_LE_INSCRITS) == 0 || strcmp(rule, URNE_RULE_VOTANTS_BALANCE) == 0 ||
                    strcmp(rule, URNE_RULE_EXPRIMES_SUM) == 0);
}

int urne_recolement_may_enter(urne_sheet_state s, const char **why) {
    switch (s) {
    case URNE_SHEET_VALIDATED:
        *why = N_("the commission has validated this sheet: only the commission can change it now");
        return 0;
    case URNE_SHEET_CONTESTED:
        *why = N_("this bureau is contested: its figures are frozen until the commission decides");
        return 0;
    case URNE_SHEET_ANNULLED:
        *why = N_("the commission has annulled this bureau's votes");
        return 0;
    default: return 1;
    }
}

urne_sheet_state urne_recolement_after_entry(int double_entry, int have_other, int other_agrees) {
    if (!double_entry) return URNE_SHEET_ENTERED;
    if (!have_other) return URNE_SHEET_PENDING;
    return other_agrees ? URNE_SHEET_ENTERED : URNE_SHEET_MISMATCH;
}

int urne_recolement_may_contest(urne_sheet_state s, const char **why) {
    if (s == URNE_SHEET_ENTERED || s == URNE_SHEET_VALIDATED) return 1;
    if (s == URNE_SHEET_CONTESTED)
        *why = N_("this bureau is already contested");
    else
        *why = N_("only a counted sheet (entered or validated) can be contested");
    return 0;
}

urne_sheet_state urne_recolement_after_decision(urne_decision d) {
    switch (d) {
    case URNE_DECIDE_ANNUL: return URNE_SHEET_ANNULLED;
    case URNE_DECIDE_REVOTE: return URNE_SHEET_REVOTE;
    default: return URNE_SHEET_VALIDATED;
    }
}

const char *urne_unit_state_name(urne_unit_state s) {
    return s == URNE_UNIT_FROZEN ? "frozen" : s == URNE_UNIT_PARTIAL ? "partial" : "final";
}

urne_unit_state urne_recolement_unit_state(const size_t count_by_state[URNE_SHEET_NSTATES]) {
    if (count_by_state[URNE_SHEET_CONTESTED]) return URNE_UNIT_FROZEN;
    for (int s = 0; s < URNE_SHEET_NSTATES; s++)
        if (count_by_state[s] && !urne_sheet_state_counts((urne_sheet_state)s)) return URNE_UNIT_PARTIAL;
    return URNE_UNIT_FINAL;
}

/* ---- turnout outliers ---- */

static int by_key(const void *a, const void *b, void *ctx) {
    const urne_round *r = ((const void **)ctx)[0];
    size_t level = *(const size_t *)((const void **)ctx)[1];
    const char *ka = r->sheets[*(const size_t *)a].key[level], *kb = r->sheets[*(const size_t *)b].key[level];
    if (ka != kb) return ka < kb ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* |v/i - rv/ri| > p/100, exactly. */
static int far(int64_t v, int64_t i, int64_t rv, int64_t ri, int p) {
    __int128 lhs = (__int128)100 * v * ri - (__int128)100 * rv * i;
    if (lhs < 0) lhs = -lhs;
    return lhs > (__int128)p * i * ri;
}

size_t urne_results_turnout_outliers(const urne_round *round, size_t level, int points, urne_diags *diags) {
    return urne_results_turnout_outliers_among(round, level, points, NULL, diags);
}

size_t urne_results_turnout_outliers_among(const urne_round *round, size_t level, int points,
                                           const unsigned char *among, urne_diags *diags) {
    if (level >= round->nlevels || round->nsheets == 0) return 0;
    size_t n = 0, found = 0;
    size_t *idx = malloc(round->nsheets * sizeof *idx);
    if (idx == NULL) return 0;
    for (size_t i = 0; i < round->nsheets; i++) {
        const urne_sheet *s = &round->sheets[i];
        if (s->reported && s->inscrits > 0 && s->votants >= 0 && (among == NULL || among[i])) idx[n++] = i;
    }
    const void *ctx[2] = {round, &level};
    qsort_r(idx, n, sizeof *idx, by_key, ctx);
    size_t bureau = round->nlevels - 1;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        int64_t I = 0, V = 0;
        while (b < n && round->sheets[idx[b]].key[level] == round->sheets[idx[a]].key[level]) {
            I += round->sheets[idx[b]].inscrits;
            V += round->sheets[idx[b]].votants;
            b++;
        }
        if (b - a >= 3)
            for (size_t k = a; k < b; k++) {
                const urne_sheet *s = &round->sheets[idx[k]];
                int64_t ri = I - s->inscrits, rv = V - s->votants;
                if (ri <= 0 || !far(s->votants, s->inscrits, rv, ri, points)) continue;
                char own[48], rest[48];
                urne_num_pct(s->votants, s->inscrits, '.', own, sizeof own);
                urne_num_pct(rv, ri, '.', rest, sizeof rest);
                /* arguments 0 and 4 are level names: pages word them (page_bureau.c) */
                urne_diags_add(diags, URNE_DIAG_WARNING, (long)idx[k] + 1, "votants", URNE_RULE_TURNOUT_OUTLIER,
                               "%s %s: turnout %s%%, against %s%% in the rest of %s %s", round->levels[bureau],
                               s->key[bureau], own, rest, round->levels[level],
                               s->label[level] ? s->label[level] : s->key[level]);
                found++;
            }
        a = b;
    }
    free(idx);
    return found;
}

void urne_recolement_apply(urne_round *round, size_t sheet, urne_sheet_state state, const urne_figures *f) {
    assert(sheet < round->nsheets);
    urne_sheet *s = &round->sheets[sheet];
    size_t n = round->contests[s->contest].ncand;
    assert(f == NULL || f->nvotes == n);
    if (f) urne_figures_to_sheet(f, s);
    int counts = urne_sheet_state_counts(state);
    s->reported = counts != 0;
    if (counts == 2 || !f) { /* the inscrits stay: they are known even before the count */
        s->votants = s->blancs = s->nuls = 0;
        s->exprimes_stated = -1;
        memset(s->votes, 0, n * sizeof *s->votes);
    }
}
