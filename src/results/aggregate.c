/*
 * aggregate: summing sheets up the territory tree, and comparing the sums with
 * totals someone else stated.
 *
 * Units at a level are found by their interned key, so grouping is a pointer hash.
 * A unit inside one contest keeps that contest's candidates in ballot order. A unit
 * that spans several contests (a département in a legislative election) cannot
 * add up different people: its lines are the candidates' groups (nuances), which is
 * how the Ministry publishes such totals. Above the contest level every unit does
 * so, for one table to read the same from top to bottom.
 *
 * Sums are overflow-checked although checked sheets cannot overflow them (each figure
 * at most URNE_COUNT_MAX = 10^10, at most URNE_SHEETS_MAX = 10^8 sheets: 10^18 <
 * INT64_MAX): the check costs a branch never taken, and a round built without the
 * checks gets -1, not a total that wrapped.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

#define MULTI_CONTEST ((size_t)-2)

typedef struct ptr_map {
    const void **keys;
    size_t *vals;
    size_t cap;
} ptr_map;

static int map_init(ptr_map *m, size_t n) {
    m->cap = 16;
    while (m->cap < n * 2) m->cap *= 2;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = malloc(m->cap * sizeof *m->vals);
    return (m->keys && m->vals) ? 0 : -1;
}

static void map_free(ptr_map *m) {
    free(m->keys);
    free(m->vals);
}

/* Slot of key: either holding it or empty (the map is never more than half full). */
static size_t map_slot(const ptr_map *m, const void *key) {
    size_t h = ((size_t)(uintptr_t)key >> 4) * 11400714819323198485ULL & (m->cap - 1);
    while (m->keys[h] != NULL && m->keys[h] != key) h = (h + 1) & (m->cap - 1);
    return h;
}

void urne_tally_free(urne_tally *tally) {
    urne_arena_free(&tally->arena);
    free(tally->units);
    tally->units = NULL;
    tally->nunits = 0;
}

/* How lines of multi-contest units merge: by group when every candidate has one, else
 * by name; id[c] is candidate c's merged line, name[i] the label of merged line i. */
typedef struct merging {
    int by_group;
    size_t *id;
    const char **name;
    size_t n;
} merging;

/* Give every candidate its merge id (ids: an empty map of ncandidates + 1 slots). */
static void merge_ids(const urne_round *round, ptr_map *ids, merging *mg) {
    for (size_t i = 0; i < round->ncandidates; i++) {
        const char *k = mg->by_group ? round->candidates[i].group : round->candidates[i].name;
        size_t h = map_slot(ids, k);
        if (ids->keys[h] == NULL) {
            ids->keys[h] = k;
            ids->vals[h] = mg->n;
            mg->name[mg->n++] = k;
        }
        mg->id[i] = ids->vals[h];
    }
}

/* Pass 1: the units of `level` in order of first appearance (into out->units, and
 * `units` from key to index), their sheet counts and whether they span contests.
 * 0, or -1 when out of memory. */
static int find_units(const urne_round *round, size_t level, ptr_map *units, urne_tally *out) {
    size_t cap = 64;
    out->units = malloc(cap * sizeof *out->units);
    if (out->units == NULL) return -1;
    /* Consecutive sheets mostly share their unit (a commune's bureaux follow each
     * other): the last one found is tried before the map. */
    const char *last_key = NULL;
    size_t last_unit = 0;
    for (size_t i = 0; i < round->nsheets; i++) {
        const urne_sheet *s = &round->sheets[i];
        const char *key = s->key[level] ? s->key[level] : "";
        if (key == last_key) {
            urne_unit *u = &out->units[last_unit];
            u->sheets_expected++;
            if (u->contest != s->contest) u->contest = MULTI_CONTEST;
            continue;
        }
        size_t h = map_slot(units, key);
        if (units->keys[h] == NULL) {
            if (out->nunits == cap) {
                urne_unit *n = realloc(out->units, cap * 2 * sizeof *n);
                if (n == NULL) return -1;
                out->units = n;
                cap *= 2;
            }
            units->keys[h] = key;
            units->vals[h] = out->nunits;
            urne_unit *u = &out->units[out->nunits++];
            memset(u, 0, sizeof *u);
            u->key = key;
            u->label = s->label[level] ? s->label[level] : key;
            u->first = s;
            u->contest = s->contest;
        }
        last_key = key;
        last_unit = units->vals[h];
        urne_unit *u = &out->units[last_unit];
        u->sheets_expected++;
        if (u->contest != s->contest) u->contest = MULTI_CONTEST;
    }
    return 0;
}

/* Every unit's lines: its contest's candidates, or one slot per merge id (not present,
 * voix -1, until a sheet of the unit has it; compacted after the sums). 0 or -1. */
static int make_lines(const urne_round *round, const merging *mg, urne_tally *out) {
    for (size_t k = 0; k < out->nunits; k++) {
        urne_unit *u = &out->units[k];
        size_t n = u->contest == MULTI_CONTEST ? mg->n : round->contests[u->contest].ncand;
        u->lines = urne_arena_alloc(&out->arena, (n ? n : 1) * sizeof *u->lines);
        if (u->lines == NULL) return -1;
        u->nlines = n;
        for (size_t j = 0; j < n; j++) {
            urne_line *l = &u->lines[j];
            if (u->contest == MULTI_CONTEST) {
                l->name = mg->name[j];
                l->group = mg->by_group ? mg->name[j] : NULL;
                l->candidate = URNE_NONE;
                l->voix = -1; /* not present until a sheet of the unit has it */
            } else {
                size_t c = round->contests[u->contest].cand_first + j;
                l->name = round->candidates[c].name;
                l->group = round->candidates[c].group;
                l->candidate = c;
            }
        }
    }
    return 0;
}

/* Pass 2: add every reported sheet into its unit. 0, or -1 when a sum passes int64. */
static int sum_sheets(const urne_round *round, size_t level, const ptr_map *units, const merging *mg,
                      urne_tally *out) {
    const char *last_key = NULL;
    size_t last_unit = 0;
    int failed = 0;
    for (size_t i = 0; i < round->nsheets && !failed; i++) {
        const urne_sheet *s = &round->sheets[i];
        const char *key = s->key[level] ? s->key[level] : "";
        if (key != last_key) {
            last_key = key;
            last_unit = units->vals[map_slot(units, key)];
        }
        urne_unit *u = &out->units[last_unit];
        const urne_contest *c = &round->contests[s->contest];
        if (u->contest == MULTI_CONTEST) /* mark the unit's groups present even with no votes */
            for (size_t j = 0; j < c->ncand; j++) {
                urne_line *l = &u->lines[mg->id[c->cand_first + j]];
                if (l->voix < 0) l->voix = 0;
            }
        if (!s->reported) continue;
        u->sheets_reported++;
        failed |= __builtin_add_overflow(u->inscrits, s->inscrits, &u->inscrits);
        failed |= __builtin_add_overflow(u->votants, s->votants, &u->votants);
        failed |= __builtin_add_overflow(u->blancs, s->blancs, &u->blancs);
        failed |= __builtin_add_overflow(u->nuls, s->nuls, &u->nuls);
        for (size_t j = 0; j < c->ncand; j++) {
            failed |= __builtin_add_overflow(u->exprimes, s->votes[j], &u->exprimes);
            size_t line = u->contest == MULTI_CONTEST ? mg->id[c->cand_first + j] : j;
            failed |= __builtin_add_overflow(u->lines[line].voix, s->votes[j], &u->lines[line].voix);
        }
    }
    return failed ? -1 : 0;
}

/* Multi-contest units keep only the lines some sheet of theirs has, and say they
 * span contests (URNE_NONE). */
static void compact_lines(urne_tally *out) {
    for (size_t k = 0; k < out->nunits; k++) {
        urne_unit *u = &out->units[k];
        if (u->contest != MULTI_CONTEST) continue;
        u->contest = URNE_NONE;
        size_t w = 0;
        for (size_t j = 0; j < u->nlines; j++)
            if (u->lines[j].voix >= 0) u->lines[w++] = u->lines[j];
        u->nlines = w;
    }
}

int urne_results_aggregate(const urne_round *round, size_t level, urne_tally *out) {
    memset(out, 0, sizeof *out);
    urne_arena_init(&out->arena);
    out->level = level;
    if (level >= round->nlevels) return -1;

    /* Merge ids for lines of multi-contest units: by group when all have one. */
    merging mg = {round->ncandidates > 0, NULL, NULL, 0};
    for (size_t i = 0; i < round->ncandidates; i++)
        if (round->candidates[i].group == NULL) mg.by_group = 0;
    mg.id = malloc((round->ncandidates + 1) * sizeof *mg.id);
    mg.name = malloc((round->ncandidates + 1) * sizeof *mg.name);
    ptr_map ids, units;
    if (!mg.id || !mg.name || map_init(&ids, round->ncandidates + 1) || map_init(&units, round->nsheets + 1)) {
        free(mg.id);
        free(mg.name);
        return -1;
    }
    merge_ids(round, &ids, &mg);
    int failed = find_units(round, level, &units, out) != 0;
    /* Above the contest level every unit speaks in groups, even one that happens to
     * hold a single contest (a département with one circonscription). */
    if (!failed && level < round->contest_level && mg.by_group)
        for (size_t k = 0; k < out->nunits; k++) out->units[k].contest = MULTI_CONTEST;
    failed = failed || make_lines(round, &mg, out) != 0 || sum_sheets(round, level, &units, &mg, out) != 0;
    if (!failed) compact_lines(out);
    map_free(&ids);
    map_free(&units);
    free(mg.id);
    free(mg.name);
    if (failed) {
        urne_tally_free(out);
        return -1;
    }
    return 0;
}

/* The line of unit u a candidate's votes go to: its place in the contest's list,
 * or the merged line of a unit spanning contests (its group when lines are merged
 * by group, else its name), found by the interned string aggregate gave the line;
 * URNE_NONE when the unit has no such line. */
static size_t line_of(const urne_unit *u, const urne_round *round, const urne_contest *c, size_t j) {
    if (u->contest != URNE_NONE) return u->contest == (size_t)(c - round->contests) && j < u->nlines ? j : URNE_NONE;
    const urne_candidate *k = &round->candidates[c->cand_first + j];
    for (size_t l = 0; l < u->nlines; l++)
        if (u->lines[l].name == (u->lines[l].group ? k->group : k->name)) return l;
    return URNE_NONE;
}

int urne_tally_sheet(urne_tally *tally, const urne_round *round, size_t unit, const urne_sheet *sheet, int sign) {
    assert(unit < tally->nunits && (sign == 1 || sign == -1));
    if (!sheet->reported) return 0;
    urne_unit *u = &tally->units[unit];
    const urne_contest *c = &round->contests[sheet->contest];
    int failed = 0;
#define ADD(acc, v) \
    (failed |= sign > 0 ? __builtin_add_overflow((acc), (v), &(acc)) : __builtin_sub_overflow((acc), (v), &(acc)))
    u->sheets_reported += (size_t)(ptrdiff_t)sign;
    ADD(u->inscrits, sheet->inscrits);
    ADD(u->votants, sheet->votants);
    ADD(u->blancs, sheet->blancs);
    ADD(u->nuls, sheet->nuls);
    for (size_t j = 0; j < c->ncand; j++) {
        size_t l = line_of(u, round, c, j);
        if (l == URNE_NONE) return -1; /* not a tally of this round */
        ADD(u->exprimes, sheet->votes[j]);
        ADD(u->lines[l].voix, sheet->votes[j]);
    }
#undef ADD
    return failed ? -1 : 0;
}

int urne_results_nests(const urne_round *round, size_t upper, size_t lower) {
    ptr_map parent;
    if (map_init(&parent, round->nsheets + 1) != 0) {
        map_free(&parent);
        return -1;
    }
    int nests = 1;
    for (size_t i = 0; i < round->nsheets && nests; i++) {
        const urne_sheet *s = &round->sheets[i];
        const char *low = s->key[lower] ? s->key[lower] : "";
        size_t h = map_slot(&parent, low);
        if (parent.keys[h] == NULL) {
            parent.keys[h] = low;
            parent.vals[h] = i;
        } else if (round->sheets[parent.vals[h]].key[upper] != s->key[upper]) {
            nests = 0;
        }
    }
    map_free(&parent);
    return nests;
}

const urne_unit *urne_tally_find(const urne_tally *tally, const char *key) {
    for (size_t i = 0; i < tally->nunits; i++)
        if (strcmp(tally->units[i].key, key) == 0) return &tally->units[i];
    return NULL;
}

/* "departement 76 (Seine-Maritime)", or "departement 76" when the label is the key. */
static void unit_name(const char *level_name, const urne_unit *u, char *buf, size_t size) {
    if (u->label && strcmp(u->label, u->key) != 0)
        snprintf(buf, size, "%s %s (%s)", level_name, u->key, u->label);
    else
        snprintf(buf, size, "%s %s", level_name, u->key);
}

static size_t compare_figure(const char *what, const urne_unit *stated, const char *level_name,
                             const char *stated_name, int64_t stated_v, int64_t summed_v, urne_diags *diags) {
    if (stated_v == summed_v) return 0;
    char who[256];
    unit_name(level_name, stated, who, sizeof who);
    int64_t diff;
    if (__builtin_sub_overflow(stated_v, summed_v, &diff)) /* a stated figure near INT64_MAX: say so, not wrap */
        urne_diags_add(diags, URNE_DIAG_WARNING, 0, what, URNE_RULE_STATED_TOTAL,
                       "%s: %s states %lld, the sum of its parts is %lld", who, stated_name, (long long)stated_v,
                       (long long)summed_v);
    else
        urne_diags_add(diags, URNE_DIAG_WARNING, 0, what, URNE_RULE_STATED_TOTAL,
                       "%s: %s states %lld, the sum of its parts is %lld (difference %+lld)", who, stated_name,
                       (long long)stated_v, (long long)summed_v, (long long)diff);
    return 1;
}

size_t urne_results_compare(const urne_tally *computed, const urne_tally *stated, const char *level_name,
                            const char *stated_name, urne_diags *diags) {
    size_t diffs = 0;
    for (size_t i = 0; i < stated->nunits; i++) {
        const urne_unit *st = &stated->units[i];
        const urne_unit *cu = urne_tally_find(computed, st->key);
        if (cu == NULL) {
            char who[256];
            unit_name(level_name, st, who, sizeof who);
            urne_diags_add(diags, URNE_DIAG_WARNING, 0, level_name, URNE_RULE_STATED_TOTAL,
                           "%s is in %s but no sheet of the counted file belongs to it", who, stated_name);
            diffs++;
            continue;
        }
        diffs += compare_figure("inscrits", st, level_name, stated_name, st->inscrits, cu->inscrits, diags);
        diffs += compare_figure("votants", st, level_name, stated_name, st->votants, cu->votants, diags);
        diffs += compare_figure("blancs", st, level_name, stated_name, st->blancs, cu->blancs, diags);
        diffs += compare_figure("nuls", st, level_name, stated_name, st->nuls, cu->nuls, diags);
        diffs += compare_figure("exprimes", st, level_name, stated_name, st->exprimes, cu->exprimes, diags);
        for (size_t j = 0; j < st->nlines; j++) {
            int64_t summed = 0; /* lines of one unit: their sum is at most its exprimés */
            for (size_t k = 0; k < cu->nlines; k++)
                if (strcmp(cu->lines[k].name, st->lines[j].name) == 0 ||
                    (cu->lines[k].group != NULL && strcmp(cu->lines[k].group, st->lines[j].name) == 0))
                    summed += cu->lines[k].voix;
            diffs += compare_figure(st->lines[j].name, st, level_name, stated_name, st->lines[j].voix, summed,
                                    diags);
        }
    }
    for (size_t i = 0; i < computed->nunits; i++)
        if (urne_tally_find(stated, computed->units[i].key) == NULL) {
            char who[256];
            unit_name(level_name, &computed->units[i], who, sizeof who);
            urne_diags_add(diags, URNE_DIAG_WARNING, 0, level_name, URNE_RULE_STATED_TOTAL,
                           "%s has sheets but no stated total in %s", who, stated_name);
            diffs++;
        }
    return diffs;
}
