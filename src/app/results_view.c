/*
 * results_view: what an election held in memory shows (see results_view.h):
 * the state of each unit from its bureaux' récolement states, a bureau's name
 * for people, the anomalies the commission reviews, and the report the results
 * engine writes. Read-only: callers hold the application's lock
 * (urne_app_read_begin) or are a use case.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_buf.h"
#include "../core/urne_text.h"
#include "../io/results_io.h"
#include "results_view.h"

urne_unit_state urne_election_unit_state(const urne_election *e, size_t level, const char *key,
                                     size_t by_state[URNE_SHEET_NSTATES]) {
    memset(by_state, 0, URNE_SHEET_NSTATES * sizeof *by_state);
    const urne_round *r = e->round;
    for (size_t i = 0; i < r->nsheets; i++)
        if (level == URNE_NONE || (r->sheets[i].key[level] && strcmp(r->sheets[i].key[level], key) == 0))
            by_state[e->info[i].state]++;
    return urne_recolement_unit_state(by_state);
}

urne_unit_state *urne_election_unit_states(const urne_election *e, const urne_tally *tally) {
    size_t n = tally->nunits, cap = 16;
    while (cap < 2 * n) cap *= 2;
    size_t *slot = malloc(cap * sizeof *slot);
    size_t(*by)[URNE_SHEET_NSTATES] = calloc(n ? n : 1, sizeof *by);
    urne_unit_state *out = malloc((n ? n : 1) * sizeof *out);
    if (slot == NULL || by == NULL || out == NULL) {
        free(slot);
        free(by);
        free(out);
        return NULL;
    }
    /* Unit keys are the sheets' interned pointers: a table on the pointer finds a
     * sheet's unit in one step, so the whole level costs one pass over the sheets. */
#define SLOT(p) (((uintptr_t)(p) >> 4) * 11400714819323198485ULL & (cap - 1))
    for (size_t i = 0; i < cap; i++) slot[i] = URNE_NONE;
    for (size_t u = 0; u < n; u++) {
        size_t h = SLOT(tally->units[u].key);
        while (slot[h] != URNE_NONE) h = (h + 1) & (cap - 1);
        slot[h] = u;
    }
    const urne_round *r = e->round;
    for (size_t i = 0; i < r->nsheets; i++) {
        const char *key = r->sheets[i].key[tally->level];
        size_t h = SLOT(key);
        while (slot[h] != URNE_NONE && tally->units[slot[h]].key != key) h = (h + 1) & (cap - 1);
        if (slot[h] != URNE_NONE) by[slot[h]][e->info[i].state]++;
    }
#undef SLOT
    for (size_t u = 0; u < n; u++) out[u] = urne_recolement_unit_state(by[u]);
    free(slot);
    free(by);
    return out;
}

void urne_election_bureau_name(const urne_election *e, size_t bureau, char *out, size_t size) {
    const urne_round *r = e->round;
    const urne_sheet *s = &r->sheets[bureau];
    size_t last = r->nlevels - 1;
    const char *place = NULL;
    for (size_t l = last + 1; l-- > 0;)
        if (s->label[l] && (s->key[l] == NULL || strcmp(s->label[l], s->key[l]) != 0)) {
            place = s->label[l];
            break;
        }
    /* Without a name of its own, a bureau is placed by the unit above it: "bureau 1
     * (Montval)" and "bureau 1 (Ribes)", never two "bureau 1". */
    if (place == NULL && last > 0) place = s->label[last - 1] ? s->label[last - 1] : s->key[last - 1];
    const char *code = s->code[last] ? s->code[last] : s->key[last];
    /* A name longer than the caller's buffer is cut at a character, never inside one
     * (a cut UTF-8 sequence would make the JSON and the audit entry that carry the
     * name fail), and ends with "…" so the cut is seen. */
    urne_buf name = {0};
    if (place && strcmp(place, code) != 0)
        urne_buf_printf(&name, "%s %s (%s)", r->levels[last], code, place);
    else
        urne_buf_printf(&name, "%s %s", r->levels[last], code);
    if (name.oom || name.data == NULL)
        urne_text_fit("…", strlen("…"), out, size);
    else
        urne_text_fit(name.data, name.len, out, size);
    urne_buf_free(&name);
}

/* ---- finding bureaux by name ---- */

/* The base letter of U+00C0..U+00FF ('?': kept as it is; Æ æ ß are two letters). */
static const char latin1[] = "aaaaaa?ceeeeiiiidnooooo?ouuuuy??"
                             "aaaaaa?ceeeeiiiidnooooo?ouuuuy?y";

/* text folded for the comparison (lower case, without accents), into out (size
 * bytes, NUL-terminated; cut at a character when it does not fit). */
static size_t fold(const char *text, char *out, size_t size) {
    size_t n = 0;
    if (size == 0) return 0;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p;) {
        char put[4] = {0};
        size_t len = 1, plen;
        if (*p < 0x80)
            put[0] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        else if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            unsigned c = p[1] - 0x80 + 0xC0; /* U+00C0.. */
            len = 2;
            if (c == 0xC6 || c == 0xE6) memcpy(put, "ae", 2);
            else if (c == 0xDF) memcpy(put, "ss", 2);
            else if (latin1[c - 0xC0] != '?') put[0] = latin1[c - 0xC0];
            else memcpy(put, p, 2);
        } else if (p[0] == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) { /* Œ œ */
            len = 2;
            memcpy(put, "oe", 2);
        } else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99) { /* ’ */
            len = 3;
            put[0] = '\'';
        } else { /* any other character, whole */
            len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
            for (size_t k = 0; k < len; k++)
                if (p[k] == 0) len = k ? k : 1;
            memcpy(put, p, len);
        }
        plen = strnlen(put, sizeof put);
        if (n + plen >= size) break;
        memcpy(out + n, put, plen);
        n += plen;
        p += len;
    }
    out[n] = 0;
    return n;
}

static int holds(const char *text, const char *folded_q) {
    char t[400];
    if (text == NULL) return 0;
    fold(text, t, sizeof t);
    return strstr(t, folded_q) != NULL;
}

size_t urne_election_bureaux_find(const urne_election *e, const char *q, size_t *out, size_t cap) {
    const urne_round *r = e->round;
    char fq[200];
    fold(q, fq, sizeof fq);
    size_t n = 0;
    for (size_t i = 0; i < r->nsheets; i++) {
        const urne_sheet *s = &r->sheets[i];
        int match = fq[0] == 0;
        if (!match) {
            char name[200];
            urne_election_bureau_name(e, i, name, sizeof name);
            match = holds(name, fq);
        }
        for (size_t l = 0; l < r->nlevels && !match; l++)
            match = holds(s->key[l], fq) || holds(s->code[l], fq) || holds(s->label[l], fq);
        if (!match) continue;
        if (n < cap) out[n] = i;
        n++;
    }
    return n;
}

/* ---- anomalies ---- */

typedef struct anomalies {
    urne_anomaly *items;
    size_t n, cap;
} anomalies;

static urne_anomaly *add_anomaly(anomalies *a, size_t bureau, const char *kind, const urne_phrase *what) {
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        urne_anomaly *items = realloc(a->items, cap * sizeof *items);
        if (items == NULL) return NULL;
        a->items = items;
        a->cap = cap;
    }
    urne_anomaly *x = &a->items[a->n++];
    x->bureau = bureau;
    snprintf(x->kind, sizeof x->kind, "%s", kind);
    x->what = *what;
    urne_phrase_write(what, NULL, NULL, x->message, sizeof x->message);
    x->entered_at[0] = x->deadline[0] = '\0';
    return x;
}

static void add_diags(anomalies *a, const urne_diags *d, size_t bureau_or_none) {
    for (size_t i = 0; i < d->count; i++) {
        size_t b = bureau_or_none != URNE_NONE ? bureau_or_none : (size_t)(d->items[i].line - 1);
        add_anomaly(a, b, d->items[i].rule, &d->items[i].phrase);
    }
}

/* Turnout against the rest of the unit just above the bureau (the commune, the
 * section's circonscription) and against the rest of the contest, among the
 * bureaux whose figures count: an annulled bureau counts as reported with no
 * votes, a turnout of 0 that says nothing of its voters (nor of its unit's). */
static void turnout_outliers(const urne_election *e, anomalies *a) {
    const urne_round *r = e->round;
    if (r->nlevels < 2) return;
    unsigned char *among = malloc(r->nsheets ? r->nsheets : 1);
    if (among == NULL) return;
    for (size_t i = 0; i < r->nsheets; i++) among[i] = urne_sheet_state_counts(e->info[i].state) == 1;
    size_t levels[2] = {r->nlevels - 2, r->contest_level};
    for (int k = 0; k < 2; k++) {
        if (k == 1 && levels[1] == levels[0]) break;
        if (levels[k] >= r->nlevels - 1) continue;
        urne_diags d;
        urne_diags_init(&d, NULL);
        urne_results_turnout_outliers_among(r, levels[k], 15, among, &d);
        add_diags(a, &d, URNE_NONE);
        urne_diags_free(&d);
    }
    free(among);
}

urne_anomaly *urne_election_anomalies(const urne_election *e, size_t *n) {
    const urne_round *r = e->round;
    anomalies a = {0};
    for (size_t i = 0; i < r->nsheets; i++) {
        const urne_bureau_info *b = &e->info[i];
        char who[200];
        urne_phrase what;
        urne_election_bureau_name(e, i, who, sizeof who);
        if (urne_sheet_state_counts(b->state) == 1) {
            urne_diags d;
            urne_diags_init(&d, NULL);
            urne_results_check_sheet(r, &r->sheets[i], &d);
            add_diags(&a, &d, i);
            urne_diags_free(&d);
        }
        if (b->state == URNE_SHEET_MISMATCH) {
            urne_phrase_set(&what, "%s: the two entries of the double entry differ", who);
            add_anomaly(&a, i, "mismatch", &what);
        }
        /* Late is a sheet typed after the deadline; figures imported with the election
         * (entered by nobody) came with their file, whenever it was sent. Both moments
         * are the store's UTC text, which compares as it reads. */
        if (e->meta.deadline[0] && b->entered_by > 0 && b->entered_at[0] &&
            strcmp(b->entered_at, e->meta.deadline) > 0) {
            urne_phrase_set(&what, "%s: entered at %s, after the deadline %s", who, b->entered_at, e->meta.deadline);
            urne_anomaly *x = add_anomaly(&a, i, "late", &what);
            if (x) {
                snprintf(x->entered_at, sizeof x->entered_at, "%s", b->entered_at);
                snprintf(x->deadline, sizeof x->deadline, "%s", e->meta.deadline);
            }
        }
        if (b->changed_after_validation) {
            urne_phrase_set(&what, "%s: its figures changed after they were validated", who);
            add_anomaly(&a, i, "changed-after-validation", &what);
        }
    }
    turnout_outliers(e, &a);
    *n = a.n;
    return a.items;
}

char *urne_election_report(const urne_election *e, size_t level, int csv, size_t *len) {
    return urne_election_report_csv(e, level, csv ? &(urne_csv_style){0, ','} : NULL, len);
}

char *urne_election_report_csv(const urne_election *e, size_t level, const urne_csv_style *csv, size_t *len) {
    urne_tally tally;
    urne_outcome *outcomes = NULL;
    urne_diags diags;
    urne_diags_init(&diags, NULL);
    char *text = NULL;
    size_t size = 0;
    if (urne_results_aggregate(e->round, level, &tally) < 0) return NULL;
    if (urne_results_decide(e->round, &e->rules, &outcomes, &diags) == 0) {
        urne_results_missing(e->round, &diags);
        FILE *f = open_memstream(&text, &size);
        if (f) {
            urne_report rep = {e->round, &e->rules, &tally, outcomes, &diags, e->meta.title};
            int rc = csv ? urne_io_write_ministry_csv_styled(f, &rep, csv) : urne_io_write_json(f, &rep);
            fclose(f);
            if (rc < 0) {
                free(text);
                text = NULL;
            }
        }
        urne_outcomes_free(outcomes, e->round->ncontests);
    }
    urne_tally_free(&tally);
    urne_diags_free(&diags);
    if (text && len) *len = size;
    return text;
}

size_t urne_election_level(const urne_election *e, const char *q) {
    if (q == NULL || *q == 0) return 0;
    if (q[0] >= '0' && q[0] <= '9') { /* a level's number, written one way only: "2", not "02" or "+2" */
        if (q[1] != 0 || (size_t)(q[0] - '0') >= e->round->nlevels) return URNE_NONE;
        return (size_t)(q[0] - '0');
    }
    return urne_round_level(e->round, q);
}
