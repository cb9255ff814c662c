/*
 * results_view: what an election held in memory shows, for the pages, the API
 * and the use cases (see results_view.c). Every function reads only: the caller
 * holds the application's lock (urne_app_read_begin) or is a use case.
 */
#ifndef URNE_RESULTS_VIEW_H
#define URNE_RESULTS_VIEW_H

#include "../core/urne_phrase.h"
#include <stddef.h>

#include "../io/results_io.h"
#include "app.h"

/* Sheets of unit `key` at `level` (every sheet when level is URNE_NONE), counted
 * by state into by_state; the unit's state follows. */
urne_unit_state urne_election_unit_state(const urne_election *e, size_t level, const char *key,
                                         size_t by_state[URNE_SHEET_NSTATES]);

/* The state of every unit of a tally (one per unit, malloc'ed; NULL when out of
 * memory), in one pass over the sheets: what a level's listing needs. */
urne_unit_state *urne_election_unit_states(const urne_election *e, const urne_tally *tally);

/* "bureau 0003 (Montval)": a bureau's name for people, into out (size bytes; a
 * longer name is cut at a character and ends with "…"). */
void urne_election_bureau_name(const urne_election *e, size_t bureau, char *out, size_t size);

/* The bureaux whose name for people (urne_election_bureau_name) or whose name,
 * code or label at any level holds `q`, ignoring case and the accents of French
 * letters ("ecully" finds "Écully", "OE" finds "Œ"): their indices in order into
 * out (at most cap). Every bureau when q is NULL or empty. Returns how many match,
 * which may exceed cap. */
size_t urne_election_bureaux_find(const urne_election *e, const char *q, size_t *out, size_t cap);

/* One anomaly for the récolement list. */
typedef struct urne_anomaly {
    size_t bureau;
    char kind[48];     /* a check's rule, "turnout-outlier", "late", "changed-after-validation", "mismatch" */
    char message[400]; /* in English (adapters word `what` in their reader's language: web/view.h) */
    urne_phrase what;  /* the same as a code with parameters, for adapters to word */
    char entered_at[32], deadline[32]; /* "late": the two moments (ISO UTC), for adapters to word */
} urne_anomaly;

/* Every anomaly of an election, malloc'ed; *n set. NULL with *n = 0 when none. */
urne_anomaly *urne_election_anomalies(const urne_election *e, size_t *n);

/* The report as the results engine writes it (JSON, or Ministry CSV when csv),
 * for level; malloc'ed with its length in *len, NULL when it cannot be computed. */
char *urne_election_report(const urne_election *e, size_t level, int csv, size_t *len);

/* urne_election_report as CSV in `csv`'s style (the BOM, the decimal separator), or
 * JSON when csv is NULL. */
char *urne_election_report_csv(const urne_election *e, size_t level, const urne_csv_style *csv, size_t *len);

/* The level a query names (its name or its number; the top level when q is NULL),
 * or URNE_NONE. */
size_t urne_election_level(const urne_election *e, const char *q);

#endif
