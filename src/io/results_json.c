/*
 * results_json: the report as JSON, built with jansson. Percentages are strings as
 * published ("24.01"), counts are integers; README.md documents every key.
 */
#include <jansson.h>
#include <string.h>

#include "results_io.h"

static json_t *pct(urne_wide num, urne_wide den) {
    char buf[48];
    urne_num_pct(num, den, '.', buf, sizeof buf);
    return json_string(buf);
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *unit_json(const urne_report *rep, const urne_unit *u) {
    const urne_round *r = rep->round;
    int64_t basis = urne_results_basis(u, rep->rules);
    json_t *o = json_object();
    json_object_set_new(o, "key", json_string(u->key));
    json_object_set_new(o, "code", str_or_null(u->first ? u->first->code[rep->tally->level] : NULL));
    json_object_set_new(o, "label", json_string(u->label));
    json_object_set_new(o, "state", json_string(u->sheets_reported < u->sheets_expected ? "partial" : "complete"));
    json_t *b = json_object();
    json_object_set_new(b, "expected", json_integer((json_int_t)u->sheets_expected));
    json_object_set_new(b, "reported", json_integer((json_int_t)u->sheets_reported));
    json_object_set_new(o, "bureaux", b);
    json_object_set_new(o, "inscrits", json_integer(u->inscrits));
    json_object_set_new(o, "abstentions", json_integer(u->inscrits - u->votants));
    json_object_set_new(o, "votants", json_integer(u->votants));
    json_object_set_new(o, "blancs", json_integer(u->blancs));
    json_object_set_new(o, "nuls", json_integer(u->nuls));
    json_object_set_new(o, "exprimes", json_integer(basis));
    json_object_set_new(o, "pct_votants_inscrits", pct(u->votants, u->inscrits));
    json_object_set_new(o, "pct_abstentions_inscrits", pct(u->inscrits - u->votants, u->inscrits));
    json_object_set_new(o, "pct_blancs_votants", pct(u->blancs, u->votants));
    json_object_set_new(o, "pct_nuls_votants", pct(u->nuls, u->votants));
    json_object_set_new(o, "pct_exprimes_votants", pct(basis, u->votants));
    json_object_set_new(o, "pct_exprimes_inscrits", pct(basis, u->inscrits));
    json_t *cands = json_array();
    for (size_t j = 0; j < u->nlines; j++) {
        const urne_line *l = &u->lines[j];
        json_t *c = json_object();
        json_object_set_new(c, "name", json_string(l->name));
        json_object_set_new(c, "group", str_or_null(l->group));
        if (l->candidate != URNE_NONE && r->candidates[l->candidate].panel > 0)
            json_object_set_new(c, "panel", json_integer(r->candidates[l->candidate].panel));
        json_object_set_new(c, "voix", json_integer(l->voix));
        json_object_set_new(c, "pct_inscrits", pct(l->voix, u->inscrits));
        json_object_set_new(c, "pct_exprimes", pct(l->voix, basis));
        json_array_append_new(cands, c);
    }
    json_object_set_new(o, "candidates", cands);
    if (rep->rules->blank_recognised) {
        json_t *bl = json_object();
        json_object_set_new(bl, "voix", json_integer(u->blancs));
        json_object_set_new(bl, "pct_exprimes", pct(u->blancs, basis));
        json_object_set_new(o, "blank", bl);
    }
    return o;
}

static json_t *outcome_json(const urne_report *rep, const urne_outcome *oc) {
    const urne_round *r = rep->round;
    json_t *o = json_object();
    json_object_set_new(o, "contest", json_string(r->contests[oc->contest].key));
    json_object_set_new(o, "label", json_string(r->contests[oc->contest].label));
    json_object_set_new(o, "outcome", json_string(urne_outcome_kind_name(oc->kind)));
    json_t *chosen = json_array();
    for (size_t i = 0; i < oc->nchosen; i++) json_array_append_new(chosen, json_string(r->candidates[oc->chosen[i]].name));
    json_object_set_new(o, "chosen", chosen);
    json_object_set_new(o, "reason", json_string(oc->reason));
    json_t *b = json_object();
    json_object_set_new(b, "expected", json_integer((json_int_t)oc->sheets_expected));
    json_object_set_new(b, "reported", json_integer((json_int_t)oc->sheets_reported));
    json_object_set_new(o, "bureaux", b);
    json_t *ranking = json_array();
    for (size_t i = 0; i < oc->nranked; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "name", json_string(r->candidates[oc->ranked[i].candidate].name));
        json_object_set_new(c, "voix", json_integer(oc->ranked[i].voix));
        json_object_set_new(c, "pct", pct(oc->ranked[i].share, oc->share_den));
        json_array_append_new(ranking, c);
    }
    json_object_set_new(o, "ranking", ranking);
    if (rep->rules->blank_recognised) json_object_set_new(o, "pct_blank", pct(oc->blank_share, oc->share_den));
    return o;
}

int urne_io_write_json(FILE *out, const urne_report *rep) {
    const urne_round *r = rep->round;
    json_t *root = json_object();
    json_object_set_new(root, "source", str_or_null(rep->source));
    json_object_set_new(root, "election", str_or_null(r->election));
    json_object_set_new(root, "round", json_integer(r->number));
    json_t *rules = json_object();
    json_object_set_new(rules, "preset", json_string(rep->rules->preset));
    const urne_rules *ru = rep->rules;
    json_object_set_new(rules, "blank_recognised", json_boolean(ru->blank_recognised));
    json_object_set_new(rules, "rounds", json_integer(ru->rounds));
    json_object_set_new(rules, "qualify_top", json_integer(ru->qualify_top));
    json_object_set_new(rules, "win_inscrits", ru->win_inscrits_den ? json_integer(ru->win_inscrits_den) : json_null());
    json_object_set_new(rules, "qualify_inscrits",
                        ru->qualify_inscrits_den ? json_integer(ru->qualify_inscrits_den) : json_null());
    json_object_set_new(rules, "tie", json_string(ru->tie == URNE_TIE_OLDER ? "older" : "report"));
    json_object_set_new(rules, "final_majority", json_boolean(ru->final_needs_majority));
    json_object_set_new(rules, "colleges", json_boolean(ru->colleges));
    json_object_set_new(root, "rules", rules);
    json_object_set_new(root, "level", json_string(r->levels[rep->tally->level]));
    json_t *units = json_array();
    for (size_t i = 0; i < rep->tally->nunits; i++) json_array_append_new(units, unit_json(rep, &rep->tally->units[i]));
    json_object_set_new(root, "units", units);
    json_t *outs = json_array();
    for (size_t k = 0; k < r->ncontests; k++) json_array_append_new(outs, outcome_json(rep, &rep->outcomes[k]));
    json_object_set_new(root, "outcomes", outs);
    json_t *warns = json_array();
    for (size_t i = 0; rep->warnings && i < rep->warnings->count; i++) {
        const urne_diag *d = &rep->warnings->items[i];
        if (d->severity != URNE_DIAG_WARNING) continue;
        json_t *w = json_object();
        json_object_set_new(w, "file", str_or_null(rep->warnings->file));
        json_object_set_new(w, "line", json_integer(d->line));
        json_object_set_new(w, "field", json_string(d->field));
        json_object_set_new(w, "rule", json_string(d->rule));
        json_object_set_new(w, "message", json_string(d->message));
        json_array_append_new(warns, w);
    }
    json_object_set_new(root, "warnings", warns);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc == 0 && fputc('\n', out) == EOF) rc = -1;
    return rc == 0 ? 0 : -1;
}
