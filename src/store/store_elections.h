/*
 * store_elections: elections as the server keeps them.
 *
 * An election is its record (title, rules, settings, publication: the meta below)
 * and its structure, which is a round of the results engine: levels, contests,
 * candidates, colleges, and one bureau per sheet. Each bureau carries the state of
 * its sheet and its current figures (urne_bureau_info beside the round); with
 * double entry, every typing is kept too (entries), so that the second can be
 * compared with the first. Secretaries are assigned the bureaux they may enter.
 * A publication records when and with what digest the results were published; a
 * bureau contested after it reopens it. Part of the store's interface (store.h).
 *
 * The figures travel as JSON (the bureaux' and disputes' rows hold them, audit
 * entries record them): the codec is here, written and read in one place
 * (audit_json.c).
 */
#ifndef URNE_STORE_ELECTIONS_H
#define URNE_STORE_ELECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "../results/recolement.h"
#include "../core/urne_role.h" /* URNE_SPACE_MAX */
#include "../results/results.h"

typedef struct urne_store urne_store;

/* An election's record. Every text is NUL-terminated within its field; a write
 * refuses one that is not, a read one that would not fit. */
typedef struct urne_election_meta {
    int64_t id;
    char title[256];
    int round;
    char preset[32];
    char settings[512]; /* "key=value" adjustments separated by ';' */
    int double_entry;
    char deadline[32];  /* entry deadline, ISO UTC, "" when none */
    char created_at[32];
    char published_at[32];
    char published_digest[65];
    /* A publication is reopened when a bureau is contested after it: the results it
     * published are no longer final. The publication reopened keeps its date and
     * digest above; the next publication moves them to previous_*. */
    char reopened_at[32];           /* "" while the publication stands */
    char reopened_reason[1024];     /* "bureau 0003 (Montval) — <the contest's reason>" */
    char previous_published_at[32]; /* the last publication that was reopened, "" when none */
    char previous_digest[65];
    char previous_reopened_at[32];
    char previous_reopened_reason[1024];
    /* The space the election belongs to (core/urne_role.h), its parent: grants
     * held there hold in the election; "" is the site. Set at creation. */
    char space[URNE_SPACE_MAX + 1];
    /* The time zone of the place where the vote is held, an IANA name urne knows
     * (i18n.h: "Europe/Paris", "Pacific/Noumea"...): the pages write the
     * election's moments in it and read a deadline typed without an offset in it.
     * Set at creation; "" there is Europe/Paris. */
    char zone[48];
} urne_election_meta;

/* What the round does not hold about each bureau. */
typedef struct urne_bureau_info {
    urne_sheet_state state;
    char entered_at[24];
    int64_t entered_by;
    int validated_once;           /* has been validated at least once */
    int changed_after_validation; /* its figures changed after a validation */
} urne_bureau_info;

/* Store a new election (inside a transaction): meta's title, preset, settings,
 * deadline, space (a valid space name, "" the site) and zone ("" stored as
 * "Europe/Paris"; the application checks it is one urne knows), its structure from `round` (levels, contests, candidates, colleges,
 * one bureau per sheet) and each sheet's figures, counted when states[i] counts
 * (imported results; NULL: all missing). Returns the new id, or -1. */
int64_t urne_store_election_create(urne_store *s, const urne_election_meta *meta, const urne_round *round,
                                   const urne_sheet_state *states);
/* Call fn on every election's record in order of id; stops when fn returns
 * non-zero and returns that value; 0 when all were passed, -1 on failure. */
int urne_store_election_each(urne_store *s, int (*fn)(const urne_election_meta *m, void *ctx), void *ctx);
/* The record of election id: 1, 0 when none, -1. */
int urne_store_election_meta(urne_store *s, int64_t id, urne_election_meta *out);

/* Build the round of an election from the store, with every bureau's info (one
 * per sheet, malloc'ed into *info) and its record in meta. Sheets not counted have
 * reported = 0. NULL when absent (urne_store_error says "no election N") or on
 * failure; the caller frees the round (urne_round_free) and *info. */
urne_round *urne_store_election_load(urne_store *s, int64_t id, urne_election_meta *meta, urne_bureau_info **info);

/* The SHA-256 (hex) of what election's structure is as stored: levels, contests,
 * candidates, colleges, and every bureau's keys, codes and labels. 0, or -1. */
int urne_store_structure_digest(urne_store *s, int64_t election, char out[65]);

/* Record a bureau's new state and figures (NULL figures: none). -1 when the
 * election has no such bureau. */
int urne_store_bureau_set(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *info,
                          const urne_figures *figures);
/* The figures stored for a bureau into out (a valid value, replaced: the caller
 * frees it): 1 when it has some, 0 when not, -1. */
int urne_store_bureau_figures(urne_store *s, int64_t election, size_t bureau, urne_figures *out);

/* A bureau's row as stored: its info into *info and its figures into out (a
 * valid value, replaced: the caller frees it). 1 when it has figures, 0 when not,
 * -1 on failure (also when the election has no such bureau). For a server that
 * applies a change another made to one sheet (app/watch.c). */
int urne_store_bureau_get(urne_store *s, int64_t election, size_t bureau, urne_bureau_info *info, urne_figures *out);

/* Inside the open write transaction: let it commit only if bureau `bureau` of
 * election is then stored as info says (its state, entry time and author, the
 * validation flags) and, when figures is not NULL, with these figures, as
 * urne_results_sheet_current compares them, without waiting for the row: 1 when
 * the backend checks so (PostgreSQL: a statement sent in the transaction's
 * pipeline, answered with the commit; a commit that fails because the row
 * differs makes urne_store_stale 1), 0 when it does not (SQLite: the caller reads
 * the row, urne_store_bureau_get), -1 on failure. */
int urne_store_bureau_expect(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *info,
                             const urne_figures *figures);
/* 1 when the last write transaction failed because a row urne_store_bureau_expect
 * checked was not as expected (the caller reads it and decides again), else 0. */
int urne_store_stale(urne_store *s);

/* Keep one typing of a bureau's sheet by user, stamped now. 0 or -1. */
int urne_store_entry_add(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *f);
/* A sheet entered: keep its typing by user (urne_store_entry_add's) and set its
 * bureau's row (urne_store_bureau_set's, counted: the figures it counts, or NULL),
 * inside the open write transaction; one statement where the backend can
 * (PostgreSQL), the two writes otherwise. 0 or -1. */
int urne_store_sheet_entered(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *typed,
                             const urne_bureau_info *info, const urne_figures *counted);
/* The latest entry for the bureau by someone other than `user`: 1 with its author
 * and figures (out: a valid value, replaced; the caller frees it), 0 when none,
 * -1. */
int urne_store_entry_other(urne_store *s, int64_t election, size_t bureau, int64_t user, int64_t *author,
                           urne_figures *out);

/* Assign a bureau to a user (again: nothing changes). 0 or -1. No function takes
 * an assignment back: the application keeps a yes of is_assigned in memory
 * (app/results_internal.h); a function that removes one must change that first. */
int urne_store_assign(urne_store *s, int64_t user, int64_t election, size_t bureau);
/* 1 when the bureau is assigned to the user, 0 when not, -1. */
int urne_store_is_assigned(urne_store *s, int64_t user, int64_t election, size_t bureau);
/* Bureaux assigned to a user in an election, in order; returns how many were
 * written to out (at most cap), or -1. */
long urne_store_assigned_list(urne_store *s, int64_t user, int64_t election, size_t *out, size_t cap);

/* Record a publication at `at` (at most 31 bytes) with the report's digest (at
 * most 64). When the publication before it had been reopened, it is kept as the
 * previous one (date, digest, when and why it was reopened). 1 when published; 0
 * when a bureau of the election is contested as stored (nothing is published
 * while a result is frozen: checked in the statement that writes, so that a
 * contest another server made a moment before counts) or there is no such
 * election; -1 on failure. */
int urne_store_publish(urne_store *s, int64_t election, const char *at, const char *digest);
/* Mark the current publication reopened at `at` because of `reason` (at most
 * 1023 bytes: longer is refused). 1 when a publication was reopened, 0 when there
 * was none standing (never published, or already reopened), -1 on failure. */
int urne_store_reopen(urne_store *s, int64_t election, const char *at, const char *reason);

/* ---- figures as JSON (also what the audit log records) ---- */

/* The longest text urne_figures_json can write for figures of n votes, without
 * its NUL: six keys, every count of 20 characters (any int64, far beyond the
 * 10^10 the server accepts) and a comma between votes. */
#define URNE_FIGURES_JSON_MAX(n) (sizeof "{\"inscrits\":,\"votants\":,\"blancs\":,\"nuls\":,\"exprimes\":,\"votes\":[]}" - 1 \
                                  + 5 * 20 + (size_t)(n) * 21)

/* {"inscrits":..,"votants":..,"blancs":..,"nuls":..,"exprimes":..,"votes":[..]};
 * malloc'ed, NULL when out of memory; never longer than
 * URNE_FIGURES_JSON_MAX(f->nvotes). */
char *urne_figures_json(const urne_figures *f);
/* Parse such a text into out (a valid value, urne_figures {0} or owned: replaced;
 * free it with urne_figures_free, also after a failure). 0; -1 when the text is
 * not such an object; -2 when out of memory. Any number of votes. */
int urne_figures_parse_json(const char *text, urne_figures *out);

#endif
