/*
 * check: the checks every tally sheet must pass before it is counted.
 *
 * A procès-verbal balances: nobody votes who is not registered (votants <=
 * inscrits), every envelope is either blank, null or a vote for someone
 * (blancs + nuls + votes = votants), and the exprimés written on the sheet are the
 * sum of the candidates' votes. A bureau is counted once. Each failure is its own
 * error with the figures involved, so the secretary knows which box to recount.
 *
 * No figure on a sheet may pass URNE_COUNT_MAX (ten billion; rule count-bound): a
 * sheet claiming 9,223,372,036,854,775,807 inscrits is impossible, not large, and
 * accepting it would let the sums of two such sheets wrap around and crown a wrong
 * winner. With every figure bounded, a sheet's own sum (blancs + nuls + votes) is
 * computed with overflow checks, and the sums of up to URNE_SHEETS_MAX sheets in
 * aggregate.c and rules.c stay below 10^18, far from INT64_MAX.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "../core/urne_text.h"
#include "results.h"

/* "bureau 69-001-0001 (Affoux)" for messages. */
static void describe(const urne_round *round, const urne_sheet *s, char *buf, size_t size) {
    size_t last = round->nlevels ? round->nlevels - 1 : 0;
    const char *level = round->nlevels ? round->levels[last] : "sheet";
    const char *key = s->key[last] ? s->key[last] : "?";
    const char *label = NULL;
    /* The bureau's own label is often just its number: show the commune's name too. */
    for (size_t l = round->nlevels; l-- > 0;)
        if (s->label[l] && s->label[l][0] && (s->key[l] == NULL || strcmp(s->label[l], s->key[l]) != 0)) {
            label = s->label[l];
            break;
        }
    if (label)
        snprintf(buf, size, "%s %s (%s)", level, key, label);
    else
        snprintf(buf, size, "%s %s", level, key);
}

size_t urne_results_check_sheet(const urne_round *round, const urne_sheet *s, urne_diags *diags) {
    size_t before = diags->errors;
    const urne_contest *c = &round->contests[s->contest];
    /* The sums wrap only on a figure out of bounds, and then they are not read: the
     * out-of-bound figure is reported alone, as a negative one is. */
    int64_t sum = 0, cast = 0;
    int negative = s->inscrits < 0 || s->votants < 0 || s->blancs < 0 || s->nuls < 0 || s->exprimes_stated < -1;
    int huge = s->inscrits > URNE_COUNT_MAX || s->votants > URNE_COUNT_MAX || s->blancs > URNE_COUNT_MAX ||
               s->nuls > URNE_COUNT_MAX || s->exprimes_stated > URNE_COUNT_MAX;
    for (size_t j = 0; j < c->ncand; j++) {
        huge |= __builtin_add_overflow(sum, s->votes[j], &sum);
        negative |= s->votes[j] < 0;
        huge |= s->votes[j] > URNE_COUNT_MAX;
    }
    huge |= __builtin_add_overflow(s->blancs, s->nuls, &cast) || __builtin_add_overflow(cast, sum, &cast);
    /* The common case, checked without building any message. */
    if (!negative && !huge && s->votants <= s->inscrits && cast == s->votants &&
        (s->exprimes_stated < 0 || s->exprimes_stated == sum) && (round->ncolleges == 0 || s->college < round->ncolleges))
        return 0;
    char who[200];
    describe(round, s, who, sizeof who);
    struct { const char *name; int64_t v; } counts[] = {
        {"inscrits", s->inscrits}, {"votants", s->votants}, {"blancs", s->blancs},
        {"nuls", s->nuls},
        /* -1 means "not stated"; anything lower is a real negative figure, and only
         * an out-of-bound figure needs a word here */
        {"exprimes", s->exprimes_stated < -1 || s->exprimes_stated > URNE_COUNT_MAX ? s->exprimes_stated : 0},
    };
    negative = 0;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i].v < 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, s->line, counts[i].name, URNE_RULE_NEGATIVE,
                           "%s: %s is %lld; a count cannot be negative", who, counts[i].name,
                           (long long)counts[i].v);
            negative = 1;
        } else if (counts[i].v > URNE_COUNT_MAX) {
            urne_diags_add(diags, URNE_DIAG_ERROR, s->line, counts[i].name, URNE_RULE_COUNT_BOUND,
                           "%s: %s is %lld; no count on a sheet may exceed %lld", who, counts[i].name,
                           (long long)counts[i].v, (long long)URNE_COUNT_MAX);
            negative = 1;
        }
    for (size_t j = 0; j < c->ncand; j++) {
        if (s->votes[j] < 0) {
            urne_diags_add(diags, URNE_DIAG_ERROR, s->line, round->candidates[c->cand_first + j].name,
                           URNE_RULE_NEGATIVE, "%s: %s has %lld votes; a count cannot be negative", who,
                           round->candidates[c->cand_first + j].name, (long long)s->votes[j]);
            negative = 1;
        } else if (s->votes[j] > URNE_COUNT_MAX) {
            urne_diags_add(diags, URNE_DIAG_ERROR, s->line, round->candidates[c->cand_first + j].name,
                           URNE_RULE_COUNT_BOUND, "%s: %s has %lld votes; no count on a sheet may exceed %lld", who,
                           round->candidates[c->cand_first + j].name, (long long)s->votes[j],
                           (long long)URNE_COUNT_MAX);
            negative = 1;
        }
    }
    if (!negative && huge) /* every figure in bounds, yet the votes overflow: more candidates than any ballot holds */
        urne_diags_add(diags, URNE_DIAG_ERROR, s->line, "votants", URNE_RULE_COUNT_BOUND,
                       "%s: the sheet's figures add up beyond 64 bits", who);
    if (negative || huge) return diags->errors - before;
    if (s->votants > s->inscrits)
        urne_diags_add(diags, URNE_DIAG_ERROR, s->line, "votants", URNE_RULE_VOTANTS_LE_INSCRITS,
                       "%s: voters (%lld) exceed registered voters (%lld)", who, (long long)s->votants,
                       (long long)s->inscrits);
    if (cast != s->votants)
        urne_diags_add(diags, URNE_DIAG_ERROR, s->line, "votants", URNE_RULE_VOTANTS_BALANCE,
                       "%s: blank (%lld) + void (%lld) + votes for candidates (%lld) = %lld, but voters = %lld",
                       who, (long long)s->blancs, (long long)s->nuls, (long long)sum, (long long)cast,
                       (long long)s->votants);
    if (s->exprimes_stated >= 0 && s->exprimes_stated != sum)
        urne_diags_add(diags, URNE_DIAG_ERROR, s->line, "exprimes", URNE_RULE_EXPRIMES_SUM,
                       "%s: valid votes stated as %lld, but the candidates' votes sum to %lld", who,
                       (long long)s->exprimes_stated, (long long)sum);
    if (round->ncolleges > 0 && s->college >= round->ncolleges)
        urne_diags_add(diags, URNE_DIAG_ERROR, s->line, "college", URNE_RULE_MISSING_COLLEGE,
                       "%s: the sheet names no college declared for this election", who);
    return diags->errors - before;
}

int urne_results_check_sheet_count(size_t nsheets, long line, urne_diags *diags) {
    if (nsheets <= URNE_SHEETS_MAX) return 0;
    urne_diags_add(diags, URNE_DIAG_ERROR, line, NULL, URNE_RULE_COUNT_BOUND,
                   "%zu sheets: a round holds at most %zu", nsheets, URNE_SHEETS_MAX);
    return -1;
}

size_t urne_results_check(const urne_round *round, urne_diags *diags) {
    size_t before = diags->errors;
    if (round->nsheets > URNE_SHEETS_MAX)
        urne_results_check_sheet_count(round->nsheets, round->sheets[URNE_SHEETS_MAX].line, diags);
    for (size_t i = 0; i < round->nsheets; i++)
        if (round->sheets[i].reported) urne_results_check_sheet(round, &round->sheets[i], diags);
    urne_results_check_duplicates(round, diags);
    return diags->errors - before;
}

size_t urne_results_check_duplicates(const urne_round *round, urne_diags *diags) {
    size_t before = diags->errors;

    /* Duplicate bureaux: keys are interned, so a set of pointers is enough. A slot
     * holds the key itself, so a probe touches only the table, and the slots of the
     * keys a few sheets ahead are prefetched: 70,000 bureaux make a table larger
     * than the cache, and each insertion would otherwise wait for memory. */
    if (round->nlevels == 0 || round->nsheets == 0) return diags->errors - before;
    size_t last = round->nlevels - 1, cap = 16, n = round->nsheets;
    while (cap < n + n / 2) cap *= 2; /* at most two thirds full */
    struct seen { const char *key; size_t sheet_plus_one; } *slots = urne_mem_alloc(cap * sizeof *slots);
    if (slots == NULL) return diags->errors - before;
#define SLOT_OF(key) (((size_t)(uintptr_t)(key) >> 4) * 11400714819323198485ULL & (cap - 1))
    enum { AHEAD = 16 };
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n) __builtin_prefetch(&slots[SLOT_OF(round->sheets[i + AHEAD].key[last])]);
        const char *key = round->sheets[i].key[last];
        size_t h = SLOT_OF(key);
        while (slots[h].sheet_plus_one != 0 && slots[h].key != key) h = (h + 1) & (cap - 1);
        if (slots[h].sheet_plus_one == 0) {
            slots[h].key = key;
            slots[h].sheet_plus_one = i + 1;
            continue;
        }
        char who[200];
        describe(round, &round->sheets[i], who, sizeof who);
        urne_diags_add(diags, URNE_DIAG_ERROR, round->sheets[i].line, round->levels[last],
                       URNE_RULE_DUPLICATE_BUREAU, "%s appears twice: first on line %ld", who,
                       round->sheets[slots[h].sheet_plus_one - 1].line);
    }
#undef SLOT_OF
    urne_mem_free(slots);
    return diags->errors - before;
}

void urne_results_missing_count(const urne_round *round, size_t missing, urne_diags *diags) {
    if (missing == 0 || round->nlevels == 0) return;
    const char *level = round->levels[round->nlevels - 1];
    char a[32], b[32], unit[64];
    urne_num_group((int64_t)(round->nsheets - missing), a, sizeof a);
    urne_num_group((int64_t)round->nsheets, b, sizeof b);
    urne_text_plural(level, unit, sizeof unit);
    urne_diags_add(diags, URNE_DIAG_WARNING, 0, NULL, URNE_RULE_PARTIAL, "partial: %s of %s %s", a, b, unit);
}

void urne_results_missing_one(const urne_round *round, size_t sheet, urne_diags *diags) {
    if (round->nlevels == 0) return;
    const char *level = round->levels[round->nlevels - 1];
    urne_diags_add(diags, URNE_DIAG_WARNING, round->sheets[sheet].line, level, URNE_RULE_PARTIAL,
                   "%s %s: no figures yet", level, round->sheets[sheet].key[round->nlevels - 1]);
}

size_t urne_results_missing(const urne_round *round, urne_diags *diags) {
    size_t missing = 0;
    for (size_t i = 0; i < round->nsheets; i++) missing += !round->sheets[i].reported;
    if (missing == 0 || round->nlevels == 0) return missing;
    urne_results_missing_count(round, missing, diags);
    for (size_t i = 0; i < round->nsheets; i++)
        if (!round->sheets[i].reported) urne_results_missing_one(round, i, diags);
    return missing;
}
