/*
 * count_write: a count's report as a table and as JSON. See ballots_io.h.
 */
#include <jansson.h>
#include <string.h>

#include "ballots_io.h"
#include "write_common.h"

/* Votes in units of 10^-scale as a decimal string: 138100000 at scale 5 -> "1381.00000". */
static void decimal(int64_t v, int scale, char *buf, size_t size) {
    if (scale == 0) {
        snprintf(buf, size, "%lld", (long long)v);
        return;
    }
    int64_t unit = 1;
    for (int i = 0; i < scale; i++) unit *= 10;
    /* the magnitude as unsigned: -INT64_MIN does not fit in int64 */
    unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    snprintf(buf, size, "%s%llu.%0*llu", v < 0 ? "-" : "", m / (unsigned long long)unit, scale,
             m % (unsigned long long)unit);
}

static const char *state_word(char s) {
    return s == URNE_ELECTED ? "elected" : s == URNE_DEFEATED ? "excluded" : "";
}

/* A candidates x candidates matrix with a title, names down the side, numbers across. */
static void print_matrix(FILE *out, const urne_ballots *b, const int64_t *m, size_t nw, const char *title) {
    fprintf(out, "%s\n  ", title);
    urne_write_pad(out, "", nw);
    for (size_t j = 0; j < b->ncand; j++) fprintf(out, " %7zu", j + 1);
    fputc('\n', out);
    for (size_t i = 0; i < b->ncand; i++) {
        fprintf(out, "%zu ", i + 1);
        urne_write_pad(out, b->names[i], nw);
        for (size_t j = 0; j < b->ncand; j++)
            if (i == j)
                fprintf(out, " %7s", "-");
            else
                fprintf(out, " %7lld", (long long)m[i * b->ncand + j]);
        fputc('\n', out);
    }
}

int urne_io_write_count_table(FILE *out, const urne_ballots *b, const urne_count_result *r, size_t seats) {
    char num[64];
    if (b->title) fprintf(out, "%s\n", b->title);
    fprintf(out, "Method: %s%s%s — %zu candidates, %lld ballots", r->method, r->rule ? ", rule " : "",
            r->rule ? r->rule : "", b->ncand, (long long)(b->voters ? b->voters : b->total));
    if (b->voters) fprintf(out, " weighted by college (%lld weight units)", (long long)b->total);
    if (seats) fprintf(out, ", %zu seat%s", seats, seats == 1 ? "" : "s");
    if (r->quota) {
        decimal(r->quota, r->scale, num, sizeof num);
        fprintf(out, ", quota %s", num);
    }
    fprintf(out, "\n\n");
    size_t nw = r->quota || (r->nstages && r->stages[r->nstages - 1].nontransferable) ? 16 : 9; /* "Non-transferable" */
    for (size_t c = 0; c < b->ncand; c++)
        if (urne_write_width(b->names[c]) > nw) nw = urne_write_width(b->names[c]);
    for (size_t s = 0; s < r->nstages; s++) {
        const urne_count_stage *st = &r->stages[s];
        fprintf(out, "Stage %zu — %s. %s\n", s + 1, st->action, st->note);
        int labelled = r->labels && s + 1 == r->nstages;
        for (size_t c = 0; c < b->ncand; c++) {
            decimal(st->votes[c], r->scale, num, sizeof num);
            fprintf(out, "  ");
            urne_write_pad(out, b->names[c], nw);
            if (labelled)
                fprintf(out, " %s\n", r->labels[c]);
            else
                fprintf(out, " %14s  %s\n", num, state_word(st->state[c]));
        }
        if (r->quota || st->nontransferable) {
            decimal(st->nontransferable, r->scale, num, sizeof num);
            fprintf(out, "  ");
            urne_write_pad(out, "Non-transferable", nw);
            fprintf(out, " %14s\n", num);
        }
        fputc('\n', out);
    }
    if (r->pairwise) {
        print_matrix(out, b, r->pairwise, nw, "Pairwise matrix (row preferred to column, by how many voters):");
        if (r->paths) print_matrix(out, b, r->paths, nw, "Strongest paths:");
        fprintf(out, "Condorcet winner: %s\nSmith set:",
                r->condorcet_winner == URNE_COUNT_NONE ? "none" : b->names[r->condorcet_winner]);
        for (size_t i = 0; i < r->nsmith; i++) fprintf(out, "%s %s", i ? "," : "", b->names[r->smith[i]]);
        fprintf(out, "\n\n");
    }
    if (r->seats_won) {
        fprintf(out, "Seats:");
        for (size_t i = 0; i < r->nwinners; i++)
            fprintf(out, "%s %s %lld", i ? "," : "", b->names[r->winners[i]], (long long)r->seats_won[r->winners[i]]);
        fprintf(out, "\n");
        if (r->tiebreak[0]) fprintf(out, "Ties: %s.\n", r->tiebreak);
        return ferror(out) ? -1 : 0;
    }
    size_t shown = seats && seats < r->nwinners ? seats : r->nwinners;
    fprintf(out, "%s:", shown == 1 ? "Winner" : "Winners");
    for (size_t i = 0; i < shown; i++) fprintf(out, "%s %s", i ? "," : "", b->names[r->winners[i]]);
    fputc('\n', out);
    if (r->nwinners > shown && !r->quota) {
        fprintf(out, "Ranking:");
        for (size_t i = 0; i < r->nwinners; i++) fprintf(out, "%s %s", i ? " >" : "", b->names[r->winners[i]]);
        fputc('\n', out);
    }
    if (r->tiebreak[0]) fprintf(out, "Ties: %s.\n", r->tiebreak);
    return ferror(out) ? -1 : 0;
}

static json_t *matrix(const int64_t *m, size_t n) {
    json_t *rows = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array();
        for (size_t j = 0; j < n; j++) json_array_append_new(row, json_integer(m[i * n + j]));
        json_array_append_new(rows, row);
    }
    return rows;
}

int urne_io_write_count_json(FILE *out, const urne_ballots *b, const urne_count_result *r, size_t seats) {
    char num[64];
    json_t *root = json_object();
    json_object_set_new(root, "method", json_string(r->method));
    json_object_set_new(root, "rule", r->rule ? json_string(r->rule) : json_null());
    json_object_set_new(root, "title", b->title ? json_string(b->title) : json_null());
    json_object_set_new(root, "seats", json_integer((json_int_t)seats));
    json_object_set_new(root, "ballots", json_integer(b->voters ? b->voters : b->total));
    json_object_set_new(root, "weighted_total", json_integer(b->total));
    json_object_set_new(root, "distinct_ballots", json_integer((json_int_t)b->n));
    json_t *cands = json_array();
    for (size_t c = 0; c < b->ncand; c++) json_array_append_new(cands, json_string(b->names[c]));
    json_object_set_new(root, "candidates", cands);
    decimal(r->quota, r->scale, num, sizeof num);
    json_object_set_new(root, "quota", r->quota ? json_string(num) : json_null());
    json_t *winners = json_array();
    size_t shown = r->seats_won ? r->nwinners : (seats && seats < r->nwinners ? seats : r->nwinners);
    if (r->seats_won) {
        json_t *won = json_object();
        for (size_t c = 0; c < b->ncand; c++) json_object_set_new(won, b->names[c], json_integer(r->seats_won[c]));
        json_object_set_new(root, "seats_won", won);
    }
    for (size_t i = 0; i < shown; i++) json_array_append_new(winners, json_string(b->names[r->winners[i]]));
    json_object_set_new(root, "winners", winners);
    json_t *ranking = json_array();
    for (size_t i = 0; i < r->nwinners; i++) json_array_append_new(ranking, json_string(b->names[r->winners[i]]));
    json_object_set_new(root, "ranking", ranking);
    json_t *rounds = json_array();
    for (size_t s = 0; s < r->nstages; s++) {
        const urne_count_stage *st = &r->stages[s];
        json_t *o = json_object(), *votes = json_object(), *state = json_object();
        json_object_set_new(o, "action", json_string(st->action));
        json_object_set_new(o, "note", json_string(st->note));
        int labelled = r->labels && s + 1 == r->nstages;
        for (size_t c = 0; c < b->ncand; c++) {
            decimal(st->votes[c], r->scale, num, sizeof num);
            json_object_set_new(votes, b->names[c], json_string(labelled ? r->labels[c] : num));
            const char *w = st->state[c] == URNE_ELECTED ? "elected" : st->state[c] == URNE_DEFEATED ? "excluded" : "hopeful";
            json_object_set_new(state, b->names[c], json_string(w));
        }
        json_object_set_new(o, "votes", votes);
        json_object_set_new(o, "state", state);
        decimal(st->nontransferable, r->scale, num, sizeof num);
        json_object_set_new(o, "nontransferable", json_string(num));
        json_array_append_new(rounds, o);
    }
    json_object_set_new(root, "rounds", rounds);
    if (r->pairwise) {
        json_object_set_new(root, "pairwise", matrix(r->pairwise, b->ncand));
        if (r->paths) json_object_set_new(root, "strongest_paths", matrix(r->paths, b->ncand));
        json_object_set_new(root, "condorcet_winner", r->condorcet_winner == URNE_COUNT_NONE
                                                          ? json_null()
                                                          : json_string(b->names[r->condorcet_winner]));
        json_t *smith = json_array();
        for (size_t i = 0; i < r->nsmith; i++) json_array_append_new(smith, json_string(b->names[r->smith[i]]));
        json_object_set_new(root, "smith_set", smith);
    }
    json_object_set_new(root, "tiebreak", r->tiebreak[0] ? json_string(r->tiebreak) : json_null());
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc == 0 && fputc('\n', out) == EOF) rc = -1;
    return rc == 0 ? 0 : -1;
}
