/*
 * model: building a round in memory — levels, contests, candidates, colleges and
 * sheets. Arrays grow by doubling; strings and vote arrays live in the round's
 * arena, so a round is released in one call whatever its size.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "results.h"
#include "../core/urne_mem.h"

urne_round *urne_round_new(void) {
    urne_round *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    urne_arena_init(&r->arena);
    urne_strpool_init(&r->strings, &r->arena);
    r->number = 1;
    return r;
}

void urne_round_free(urne_round *round) {
    if (round == NULL) return;
    free(round->candidates);
    free(round->contests);
    urne_mem_free(round->sheets);
    free(round->colleges);
    urne_strpool_free(&round->strings);
    urne_arena_free(&round->arena);
    free(round);
}

const char *urne_round_intern(urne_round *round, const char *s, size_t len) {
    return urne_strpool_intern(&round->strings, s, len);
}

static const char *intern_opt(urne_round *round, const char *s) {
    return s ? urne_round_intern(round, s, strlen(s)) : NULL;
}

/* Make room for one more element in a growable array; 0 or -1. */
static int reserve(void **items, size_t count, size_t *cap, size_t elem) {
    if (count < *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *n = realloc(*items, ncap * elem);
    if (n == NULL) return -1;
    *items = n;
    *cap = ncap;
    return 0;
}

int urne_round_set_levels(urne_round *round, const char *const *names, size_t n, size_t contest_level) {
    if (n == 0 || n > URNE_MAX_LEVELS || contest_level >= n) return -1;
    for (size_t i = 0; i < n; i++) {
        round->levels[i] = intern_opt(round, names[i]);
        if (round->levels[i] == NULL) return -1;
    }
    round->nlevels = n;
    round->contest_level = contest_level;
    return 0;
}

size_t urne_round_level(const urne_round *round, const char *name) {
    for (size_t i = 0; i < round->nlevels; i++)
        if (strcasecmp(round->levels[i], name) == 0) return i;
    return URNE_NONE;
}

size_t urne_round_add_contest(urne_round *round, const char *key, const char *label) {
    if (reserve((void **)&round->contests, round->ncontests, &round->contest_cap, sizeof(urne_contest)))
        return URNE_NONE;
    urne_contest *c = &round->contests[round->ncontests];
    c->key = intern_opt(round, key ? key : "");
    c->label = intern_opt(round, label ? label : (key ? key : ""));
    c->cand_first = round->ncandidates;
    c->ncand = 0;
    if (c->key == NULL || c->label == NULL) return URNE_NONE;
    return round->ncontests++;
}

size_t urne_round_add_candidate(urne_round *round, const char *name, const char *group,
                                const char *sex, const char *birth_date, int panel) {
    if (round->ncontests == 0) return URNE_NONE;
    if (reserve((void **)&round->candidates, round->ncandidates, &round->cand_cap, sizeof(urne_candidate)))
        return URNE_NONE;
    urne_candidate *c = &round->candidates[round->ncandidates];
    memset(c, 0, sizeof *c);
    c->name = intern_opt(round, name);
    c->group = intern_opt(round, group);
    c->sex = intern_opt(round, sex);
    c->birth_date = intern_opt(round, birth_date);
    c->panel = panel;
    c->contest = round->ncontests - 1;
    if (c->name == NULL) return URNE_NONE;
    round->contests[c->contest].ncand++;
    return round->ncandidates++;
}

int urne_round_set_names(urne_round *round, size_t index, const char *first, const char *last) {
    if (index >= round->ncandidates) return -1;
    urne_candidate *c = &round->candidates[index];
    c->first_name = intern_opt(round, first);
    c->last_name = intern_opt(round, last);
    return (first && !c->first_name) || (last && !c->last_name) ? -1 : 0;
}

size_t urne_round_find_candidate(const urne_round *round, size_t contest, const char *name, size_t len) {
    const urne_contest *c = &round->contests[contest];
    for (size_t i = 0; i < c->ncand; i++) {
        const char *n = round->candidates[c->cand_first + i].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0) return i;
    }
    return URNE_NONE;
}

size_t urne_round_add_college(urne_round *round, const char *name, int64_t weight) {
    if (reserve((void **)&round->colleges, round->ncolleges, &round->college_cap, sizeof(urne_college)))
        return URNE_NONE;
    urne_college *c = &round->colleges[round->ncolleges];
    c->name = intern_opt(round, name);
    c->weight = weight;
    if (c->name == NULL) return URNE_NONE;
    return round->ncolleges++;
}

int urne_round_reserve_sheets(urne_round *round, size_t n) {
    /* Each sheet brings about one new string: its bureau's key. */
    if (urne_strpool_reserve(&round->strings, n) != 0) return -1;
    if (n <= round->sheet_cap) return 0;
    if (n > SIZE_MAX / sizeof(urne_sheet)) return -1;
    urne_sheet *s = urne_mem_grow(round->sheets, n * sizeof *s);
    if (s == NULL) return -1;
    round->sheets = s;
    round->sheet_cap = n;
    return 0;
}

urne_sheet *urne_round_add_sheet(urne_round *round, size_t contest) {
    if (contest >= round->ncontests) return NULL;
    if (round->nsheets == round->sheet_cap &&
        urne_round_reserve_sheets(round, round->sheet_cap ? 2 * round->sheet_cap : 64) != 0)
        return NULL;
    size_t ncand = round->contests[contest].ncand;
    int64_t *votes = urne_arena_alloc(&round->arena, (ncand ? ncand : 1) * sizeof(int64_t));
    if (votes == NULL) return NULL;
    urne_sheet *s = &round->sheets[round->nsheets++];
    urne_sheet_init(s, contest, votes);
    return s;
}

void urne_sheet_set_counts(urne_sheet *sheet, const int64_t counts[5]) {
    sheet->inscrits = counts[0];
    sheet->votants = counts[1];
    sheet->blancs = counts[2];
    sheet->nuls = counts[3];
    sheet->exprimes_stated = counts[4];
}

void urne_sheet_init(urne_sheet *sheet, size_t contest, int64_t *votes) {
    memset(sheet, 0, sizeof *sheet);
    sheet->contest = contest;
    sheet->college = URNE_NONE;
    sheet->reported = 1;
    sheet->exprimes_stated = -1;
    sheet->votes = votes;
}

