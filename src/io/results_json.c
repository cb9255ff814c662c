/*
 * results_json: the report as JSON. Percentages are strings as published
 * ("24.01"), counts are integers; README.md documents every key.
 *
 * Written straight into a buffer, one value after another, with no tree in
 * between: a bureau-level report of a national election holds 70,000 units and
 * 110 MB, and building it as jansson objects first cost ten times the writing. The
 * bytes are those jansson's dumper wrote when the report was built with it (keys
 * in order; two-space indentation for the command line, compact for the server;
 * strings escaped as it does: \" \\ \b \f \n \r \t, other control characters as
 * \u00XX in capitals, everything else, '/' and UTF-8 included, as it is), so that
 * files and answers did not change when the tree went.
 *
 * For speed the server keeps a level's report in pieces (app/results_live.c): the
 * head, one piece per unit, the outcomes and one piece per warning, each written by
 * the functions below, and sends them one after the other. urne_io_write_json
 * writes the whole report with the same functions, so that there is one way to
 * write each piece.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "results_io.h"

/* A writer: the buffer, the indentation (0: compact) and, per depth, whether the
 * container open there has no member yet. */
typedef struct jw {
    urne_buf *b;
    int indent;
    int depth;
    unsigned char empty[16];
} jw;

static void newline(jw *w, int depth) {
    if (!w->indent) return;
    urne_buf_put(w->b, "\n", 1);
    for (int i = 0; i < depth * w->indent; i++) urne_buf_put(w->b, " ", 1);
}

static void str(jw *w, const char *s) {
    urne_buf *b = w->b;
    urne_buf_put(b, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        urne_buf_put(b, run, (size_t)(p - run));
        run = p + 1;
        char esc[8];
        switch (c) {
        case '"': urne_buf_put(b, "\\\"", 2); break;
        case '\\': urne_buf_put(b, "\\\\", 2); break;
        case '\b': urne_buf_put(b, "\\b", 2); break;
        case '\f': urne_buf_put(b, "\\f", 2); break;
        case '\n': urne_buf_put(b, "\\n", 2); break;
        case '\r': urne_buf_put(b, "\\r", 2); break;
        case '\t': urne_buf_put(b, "\\t", 2); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", c);
            urne_buf_put(b, esc, 6);
        }
    }
    urne_buf_put(b, run, strlen(run));
    urne_buf_put(b, "\"", 1);
}

/* Before a member or an element: the comma and the line break it needs. */
static void next(jw *w) {
    if (!w->empty[w->depth]) urne_buf_put(w->b, ",", 1);
    w->empty[w->depth] = 0;
    newline(w, w->depth);
}

static void key(jw *w, const char *k) {
    next(w);
    str(w, k);
    urne_buf_put(w->b, w->indent ? ": " : ":", w->indent ? 2 : 1);
}

static void jw_open(jw *w, char c) {
    urne_buf_put(w->b, &c, 1);
    w->depth++;
    w->empty[w->depth] = 1;
}

static void jw_close(jw *w, char c) {
    int was_empty = w->empty[w->depth];
    w->depth--;
    if (!was_empty) newline(w, w->depth);
    urne_buf_put(w->b, &c, 1);
}

static void num(jw *w, int64_t v) {
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%" PRId64, v);
    urne_buf_put(w->b, buf, (size_t)n);
}

static void k_str(jw *w, const char *k, const char *s) {
    key(w, k);
    if (s)
        str(w, s);
    else
        urne_buf_put(w->b, "null", 4);
}

static void k_num(jw *w, const char *k, int64_t v) {
    key(w, k);
    num(w, v);
}

static void k_bool(jw *w, const char *k, int v) {
    key(w, k);
    urne_buf_puts(w->b, v ? "true" : "false");
}

static void k_pct(jw *w, const char *k, urne_wide n, urne_wide d) {
    char buf[48];
    urne_num_pct(n, d, '.', buf, sizeof buf);
    k_str(w, k, buf);
}

static void k_count_or_null(jw *w, const char *k, int64_t v) {
    key(w, k);
    if (v)
        num(w, v);
    else
        urne_buf_put(w->b, "null", 4);
}

static void unit(jw *w, const urne_report *rep, const urne_unit *u, const char *status) {
    const urne_round *r = rep->round;
    int64_t basis = urne_results_basis(u, rep->rules);
    jw_open(w, '{');
    k_str(w, "key", u->key);
    k_str(w, "code", u->first ? u->first->code[rep->tally->level] : NULL);
    k_str(w, "label", u->label);
    k_str(w, "state", u->sheets_reported < u->sheets_expected ? "partial" : "complete");
    key(w, "bureaux");
    jw_open(w, '{');
    k_num(w, "expected", (int64_t)u->sheets_expected);
    k_num(w, "reported", (int64_t)u->sheets_reported);
    jw_close(w, '}');
    k_num(w, "inscrits", u->inscrits);
    k_num(w, "abstentions", u->inscrits - u->votants);
    k_num(w, "votants", u->votants);
    k_num(w, "blancs", u->blancs);
    k_num(w, "nuls", u->nuls);
    k_num(w, "exprimes", basis);
    k_pct(w, "pct_votants_inscrits", u->votants, u->inscrits);
    k_pct(w, "pct_abstentions_inscrits", u->inscrits - u->votants, u->inscrits);
    k_pct(w, "pct_blancs_votants", u->blancs, u->votants);
    k_pct(w, "pct_nuls_votants", u->nuls, u->votants);
    k_pct(w, "pct_exprimes_votants", basis, u->votants);
    k_pct(w, "pct_exprimes_inscrits", basis, u->inscrits);
    key(w, "candidates");
    jw_open(w, '[');
    for (size_t j = 0; j < u->nlines; j++) {
        const urne_line *l = &u->lines[j];
        next(w);
        jw_open(w, '{');
        k_str(w, "name", l->name);
        k_str(w, "group", l->group);
        if (l->candidate != URNE_NONE && r->candidates[l->candidate].panel > 0)
            k_num(w, "panel", r->candidates[l->candidate].panel);
        k_num(w, "voix", l->voix);
        k_pct(w, "pct_inscrits", l->voix, u->inscrits);
        k_pct(w, "pct_exprimes", l->voix, basis);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    if (rep->rules->blank_recognised) {
        key(w, "blank");
        jw_open(w, '{');
        k_num(w, "voix", u->blancs);
        k_pct(w, "pct_exprimes", u->blancs, basis);
        jw_close(w, '}');
    }
    if (status) k_str(w, "status", status);
    jw_close(w, '}');
}

static void outcome(jw *w, const urne_report *rep, const urne_outcome *oc) {
    const urne_round *r = rep->round;
    jw_open(w, '{');
    k_str(w, "contest", r->contests[oc->contest].key);
    k_str(w, "label", r->contests[oc->contest].label);
    k_str(w, "outcome", urne_outcome_kind_name(oc->kind));
    key(w, "chosen");
    jw_open(w, '[');
    for (size_t i = 0; i < oc->nchosen; i++) {
        next(w);
        str(w, r->candidates[oc->chosen[i]].name);
    }
    jw_close(w, ']');
    k_str(w, "reason", oc->reason);
    key(w, "bureaux");
    jw_open(w, '{');
    k_num(w, "expected", (int64_t)oc->sheets_expected);
    k_num(w, "reported", (int64_t)oc->sheets_reported);
    jw_close(w, '}');
    key(w, "ranking");
    jw_open(w, '[');
    for (size_t i = 0; i < oc->nranked; i++) {
        next(w);
        jw_open(w, '{');
        k_str(w, "name", r->candidates[oc->ranked[i].candidate].name);
        k_num(w, "voix", oc->ranked[i].voix);
        k_pct(w, "pct", oc->ranked[i].share, oc->share_den);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    if (rep->rules->blank_recognised) k_pct(w, "pct_blank", oc->blank_share, oc->share_den);
    jw_close(w, '}');
}

static void warning(jw *w, const char *file, const urne_diag *d) {
    jw_open(w, '{');
    k_str(w, "file", file);
    k_num(w, "line", d->line);
    k_str(w, "field", d->field);
    k_str(w, "rule", d->rule);
    k_str(w, "message", d->message);
    jw_close(w, '}');
}

/* The report up to its first unit, inside the root object at depth 1. */
static void head(jw *w, const urne_report *rep) {
    const urne_round *r = rep->round;
    const urne_rules *ru = rep->rules;
    k_str(w, "source", rep->source);
    k_str(w, "election", r->election);
    k_num(w, "round", r->number);
    key(w, "rules");
    jw_open(w, '{');
    k_str(w, "preset", ru->preset);
    k_bool(w, "blank_recognised", ru->blank_recognised);
    k_num(w, "rounds", ru->rounds);
    k_num(w, "qualify_top", ru->qualify_top);
    k_count_or_null(w, "win_inscrits", ru->win_inscrits_den);
    k_count_or_null(w, "qualify_inscrits", ru->qualify_inscrits_den);
    k_str(w, "tie", ru->tie == URNE_TIE_OLDER ? "older" : "report");
    k_bool(w, "final_majority", ru->final_needs_majority);
    k_bool(w, "colleges", ru->colleges);
    jw_close(w, '}');
    k_str(w, "level", r->levels[rep->tally->level]);
}

static void outcomes(jw *w, const urne_report *rep) {
    key(w, "outcomes");
    jw_open(w, '[');
    for (size_t k = 0; k < rep->round->ncontests; k++) {
        next(w);
        outcome(w, rep, &rep->outcomes[k]);
    }
    jw_close(w, ']');
}

int urne_io_write_json(FILE *out, const urne_report *rep) {
    urne_buf b = {0};
    jw w = {&b, 2, 0, {0}};
    jw_open(&w, '{');
    head(&w, rep);
    key(&w, "units");
    jw_open(&w, '[');
    for (size_t i = 0; i < rep->tally->nunits; i++) {
        next(&w);
        unit(&w, rep, &rep->tally->units[i], NULL);
    }
    jw_close(&w, ']');
    outcomes(&w, rep);
    key(&w, "warnings");
    jw_open(&w, '[');
    for (size_t i = 0; rep->warnings && i < rep->warnings->count; i++)
        if (rep->warnings->items[i].severity == URNE_DIAG_WARNING) {
            next(&w);
            warning(&w, rep->warnings->file, &rep->warnings->items[i]);
        }
    jw_close(&w, ']');
    jw_close(&w, '}');
    urne_buf_put(&b, "\n", 1);
    int rc = b.oom || fwrite(b.data, 1, b.len, out) != b.len ? -1 : 0;
    urne_buf_free(&b);
    return rc;
}

/* ---- the report in pieces, compact ---- */

void urne_io_json_head(urne_buf *b, const urne_report *rep) {
    jw w = {b, 0, 0, {0}};
    jw_open(&w, '{');
    head(&w, rep);
    key(&w, "units");
    urne_buf_put(b, "[", 1);
}

void urne_io_json_unit(urne_buf *b, const urne_report *rep, const urne_unit *u, const char *status) {
    jw w = {b, 0, 0, {0}};
    unit(&w, rep, u, status);
}

void urne_io_json_outcomes(urne_buf *b, const urne_report *rep) {
    jw w = {b, 0, 1, {0}};
    urne_buf_put(b, "]", 1);
    outcomes(&w, rep);
    key(&w, "warnings");
    urne_buf_put(b, "[", 1);
}

void urne_io_json_string(urne_buf *b, const char *s) {
    jw w = {b, 0, 0, {0}};
    if (s)
        str(&w, s);
    else
        urne_buf_put(b, "null", 4);
}

void urne_io_json_warning(urne_buf *b, const char *file, const urne_diag *d) {
    jw w = {b, 0, 0, {0}};
    warning(&w, file, d);
}
