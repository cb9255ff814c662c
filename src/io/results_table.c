/*
 * results_table: the report as text for people at a terminal — one block per unit
 * (turnout, blank and null ballots, the candidates), then the outcome of each contest.
 * Columns are aligned on characters, not bytes, so accented names line up.
 */
#include <string.h>

#include "results_io.h"
#include "write_common.h"

static void figure(FILE *out, const char *name, int64_t v, urne_wide num, urne_wide den, const char *of) {
    char n[32], p[48];
    urne_num_group(v, n, sizeof n);
    fprintf(out, "  ");
    urne_write_pad(out, name, 13);
    fprintf(out, "%14s", n);
    if (of) {
        urne_num_pct(num, den, '.', p, sizeof p);
        fprintf(out, "  %6s %% of %s", p, of);
    }
    fputc('\n', out);
}

static void write_unit(FILE *out, const urne_report *rep, const urne_unit *u) {
    const char *lvl = rep->round->levels[rep->tally->level];
    char a[32], b[32];
    urne_num_group((int64_t)u->sheets_reported, a, sizeof a);
    urne_num_group((int64_t)u->sheets_expected, b, sizeof b);
    const char *sheet_level = rep->round->levels[rep->round->nlevels - 1];
    if (strcmp(u->key, lvl) == 0)
        fprintf(out, "%s (%s)", u->label, lvl);
    else if (strcmp(u->label, u->key) != 0)
        fprintf(out, "%s (%s %s)", u->label, lvl, u->key);
    else
        fprintf(out, "%s %s", lvl, u->key);
    char unit[64];
    urne_text_plural(sheet_level, unit, sizeof unit);
    fprintf(out, " — %s of %s %s%s\n", a, b, unit, u->sheets_reported < u->sheets_expected ? " (partial)" : "");
    int64_t basis = urne_results_basis(u, rep->rules);
    figure(out, "Inscrits", u->inscrits, 0, 0, NULL);
    figure(out, "Abstentions", u->inscrits - u->votants, u->inscrits - u->votants, u->inscrits, "inscrits");
    figure(out, "Votants", u->votants, u->votants, u->inscrits, "inscrits");
    figure(out, "Blancs", u->blancs, u->blancs, u->votants, "votants");
    figure(out, "Nuls", u->nuls, u->nuls, u->votants, "votants");
    figure(out, rep->rules->blank_recognised ? "Exprimés*" : "Exprimés", basis, basis, u->votants, "votants");
    size_t nw = rep->rules->blank_recognised ? 15 : 9;
    for (size_t j = 0; j < u->nlines; j++)
        if (urne_write_width(u->lines[j].name) > nw) nw = urne_write_width(u->lines[j].name);
    if (nw > 40) nw = 40;
    fprintf(out, "  ");
    urne_write_pad(out, u->contest == URNE_NONE ? "Nuance" : "Candidate", nw);
    fprintf(out, " %12s  %10s  %10s\n", "Voix", "% exprimés", "% inscrits");
    for (size_t j = 0; j <= u->nlines; j++) {
        const char *name;
        int64_t v;
        if (j < u->nlines) {
            name = u->lines[j].name;
            v = u->lines[j].voix;
        } else if (rep->rules->blank_recognised) {
            name = "(blank ballots)";
            v = u->blancs;
        } else {
            break;
        }
        char n[32], pe[48], pi[48];
        urne_num_group(v, n, sizeof n);
        urne_num_pct(v, basis, '.', pe, sizeof pe);
        urne_num_pct(v, u->inscrits, '.', pi, sizeof pi);
        fprintf(out, "  ");
        urne_write_pad(out, name, nw);
        fprintf(out, " %12s  %10s  %10s\n", n, pe, pi);
    }
    if (rep->rules->blank_recognised) fprintf(out, "  * blank vote recognised: blank ballots count among exprimés\n");
    fputc('\n', out);
}

int urne_io_write_table(FILE *out, const urne_report *rep) {
    const urne_round *r = rep->round;
    if (r->election) fprintf(out, "%s — round %d\n\n", r->election, r->number);
    for (size_t i = 0; i < rep->tally->nunits; i++) write_unit(out, rep, &rep->tally->units[i]);
    urne_rules base;
    urne_rules_preset(rep->rules->preset, &base);
    base.blank_recognised = rep->rules->blank_recognised;
    int adjusted = !urne_rules_equal(&base, rep->rules);
    fprintf(out, "Outcome under the %s rules%s%s, round %d:\n", rep->rules->preset, adjusted ? " (adjusted)" : "",
            rep->rules->blank_recognised ? " with the blank vote recognised" : "", r->number);
    for (size_t k = 0; k < r->ncontests; k++) {
        const urne_outcome *o = &rep->outcomes[k];
        if (r->ncontests > 1) fprintf(out, "  %s: ", r->contests[k].label);
        else fprintf(out, "  ");
        fprintf(out, "%s", urne_outcome_kind_name(o->kind));
        for (size_t i = 0; i < o->nchosen; i++)
            fprintf(out, "%s%s", i ? ", " : " — ", r->candidates[o->chosen[i]].name);
        fprintf(out, "\n");
        if (r->ncontests == 1) fprintf(out, "  %s\n", o->reason);
    }
    if (r->ncontests > 1) {
        size_t counts[URNE_OUTCOME_UNDECIDED + 1] = {0};
        for (size_t k = 0; k < r->ncontests; k++) counts[rep->outcomes[k].kind]++;
        fprintf(out, "  In all: %zu contests —", r->ncontests);
        for (int kd = 0; kd <= URNE_OUTCOME_UNDECIDED; kd++)
            if (counts[kd]) fprintf(out, " %zu %s", counts[kd], urne_outcome_kind_name((urne_outcome_kind)kd));
        fprintf(out, "\n");
    }
    return ferror(out) ? -1 : 0;
}
