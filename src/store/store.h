/*
 * store: where the server keeps everything, behind one interface.
 *
 * The engines never see it; the web adapter calls these functions and nothing
 * else touches SQL. The one implementation today is SQLite (sqlite_store.c): WAL
 * mode, foreign keys on, schema migrations applied at open. A PostgreSQL backend
 * would implement this same header.
 *
 * Transactions: every mutation runs between urne_store_begin and urne_store_commit
 * (or urne_store_rollback), and appends its audit entry inside the same
 * transaction, so a change and its record land together or not at all. The store
 * is not thread-safe: the server holds one lock around each use.
 *
 * Return values: 0 for success, -1 for a failure whose message is in
 * urne_store_error(); lookups return 1 found, 0 not found, -1 failure.
 */
#ifndef URNE_STORE_H
#define URNE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../audit/audit.h"
#include "../audit/replay.h"
#include "../results/recolement.h"
#include "../results/results.h"

typedef struct urne_store urne_store;

typedef enum {
    URNE_ROLE_PUBLIC,     /* not logged in */
    URNE_ROLE_OBSERVER,   /* reads everything, changes nothing */
    URNE_ROLE_SECRETARY,  /* enters the sheets of the bureaux assigned to them */
    URNE_ROLE_COMMISSION, /* contests and decides (tier 1), or overrules (tier 2) */
    URNE_ROLE_ADMIN,
} urne_role;

const char *urne_role_name(urne_role r);
int urne_role_parse(const char *name, urne_role *out); /* 0 or -1 */

typedef struct urne_user {
    int64_t id;
    char name[64];
    urne_role role;
    int tier; /* commission level: 1 first instance (federation), 2 higher (national) */
} urne_user;

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
    char reopened_reason[1024];     /* "bureau 0003 (Montval) contested: <reason>" */
    char previous_published_at[32]; /* the last publication that was reopened, "" when none */
    char previous_digest[65];
    char previous_reopened_at[32];
    char previous_reopened_reason[1024];
} urne_election_meta;

/* What the round does not hold about each bureau. */
typedef struct urne_bureau_info {
    urne_sheet_state state;
    char entered_at[24];
    int64_t entered_by;
    int validated_once;           /* has been validated at least once */
    int changed_after_validation; /* its figures changed after a validation */
} urne_bureau_info;

typedef struct urne_dispute {
    int64_t id, election, bureau, escalated_from;
    int tier;
    char state[16];   /* open, decided, escalated */
    char reason[512];
    char opened_by[64], opened_at[24], deadline[24];
    char decision[16], decision_reason[512], decided_by[64], decided_at[24];
    char figures_before[2048], figures_after[2048]; /* JSON, "" when none */
} urne_dispute;

/* Open (creating and migrating as needed) the database at path. NULL with a
 * message in err when it cannot be opened or is from a newer urne. */
urne_store *urne_store_open(const char *path, char *err, size_t errsize);
void urne_store_close(urne_store *s);
const char *urne_store_error(const urne_store *s);

/* The schema version the database is at (for tests and `urne --version`). */
int urne_store_schema_version(urne_store *s);

/* Copy the whole database to dest with SQLite's online backup. */
int urne_store_backup(urne_store *s, const char *dest);

int urne_store_begin(urne_store *s);
int urne_store_commit(urne_store *s);
void urne_store_rollback(urne_store *s);

/* The current time as the store writes it: "2026-11-23T20:05:07Z". */
void urne_store_now(char out[24]);

/* ---- audit (inside a transaction) ---- */

/* Append an entry chained to the head. before/after are JSON (NULL = "null"). */
int urne_store_audit(urne_store *s, const char *actor, const char *action, const char *object, const char *before,
                     const char *after);
/* The head: seq (0 when the log is empty) and hash. */
int urne_store_audit_head(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]);
/* Call fn on every entry in seq order from `from` (1 = all); stops when fn returns
 * non-zero and returns that value. */
int urne_store_audit_each(urne_store *s, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx);

/* ---- users and sessions ---- */

/* Create a user; returns the id, 0 when the name is taken, -1 on failure. */
int64_t urne_store_user_create(urne_store *s, const char *name, const char *pw_hash, urne_role role, int tier);
int urne_store_user_find(urne_store *s, const char *name, urne_user *out, char *pw_hash, size_t pw_size);
int urne_store_user_get(urne_store *s, int64_t id, urne_user *out);
int urne_store_user_count(urne_store *s);
int urne_store_user_each(urne_store *s, int (*fn)(const urne_user *u, void *ctx), void *ctx);

int urne_store_session_put(urne_store *s, const char *token_hash, int64_t user, const char *csrf, int64_t expires);
/* 1 with the user and the session's CSRF token when the session exists and has
 * not expired at `now`. */
int urne_store_session_get(urne_store *s, const char *token_hash, int64_t now, urne_user *user, char csrf[65]);
int urne_store_session_delete(urne_store *s, const char *token_hash);

/* ---- elections ---- */

/* Store a new election: its structure from `round` (levels, contests, candidates,
 * colleges, one bureau per sheet) and each sheet's figures when states[i] counts
 * (imported results). Returns the new id, or -1. */
int64_t urne_store_election_create(urne_store *s, const urne_election_meta *meta, const urne_round *round,
                                   const urne_sheet_state *states);
int urne_store_election_each(urne_store *s, int (*fn)(const urne_election_meta *m, void *ctx), void *ctx);
int urne_store_election_meta(urne_store *s, int64_t id, urne_election_meta *out);

/* Build the round of an election from the store, with every bureau's info (one
 * per sheet, malloc'ed into *info). Sheets not counted have reported = 0.
 * NULL when absent (urne_store_error says "no election N") or on failure. */
urne_round *urne_store_election_load(urne_store *s, int64_t id, urne_election_meta *meta, urne_bureau_info **info);

/* Record a bureau's new state and figures (NULL figures: none). */
int urne_store_bureau_set(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *info,
                          const urne_figures *figures);
/* The figures stored for a bureau: 1 when it has some. */
int urne_store_bureau_figures(urne_store *s, int64_t election, size_t bureau, urne_figures *out);

int urne_store_entry_add(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *f);
/* The latest entry for the bureau by someone other than `user`: 1 with its author
 * and figures, 0 when none. */
int urne_store_entry_other(urne_store *s, int64_t election, size_t bureau, int64_t user, int64_t *author,
                           urne_figures *out);

int urne_store_assign(urne_store *s, int64_t user, int64_t election, size_t bureau);
int urne_store_is_assigned(urne_store *s, int64_t user, int64_t election, size_t bureau);
/* Bureaux assigned to a user in an election, in order; returns how many were
 * written to out (at most cap), or -1. */
long urne_store_assigned_list(urne_store *s, int64_t user, int64_t election, size_t *out, size_t cap);

/* Record a publication at `at` with the report's digest. When the publication
 * before it had been reopened, it is kept as the previous one (date, digest, when
 * and why it was reopened). */
int urne_store_publish(urne_store *s, int64_t election, const char *at, const char *digest);
/* Mark the current publication reopened at `at` because of `reason` (at most
 * 1023 bytes). 1 when a publication was reopened, 0 when there was none standing
 * (never published, or already reopened), -1 on failure. */
int urne_store_reopen(urne_store *s, int64_t election, const char *at, const char *reason);

/* ---- disputes (récolement) ---- */

int64_t urne_store_dispute_open(urne_store *s, const urne_dispute *d);
int urne_store_dispute_get(urne_store *s, int64_t id, urne_dispute *out);
/* The open dispute of a bureau: 1 with it, 0 when none. */
int urne_store_dispute_open_for(urne_store *s, int64_t election, size_t bureau, urne_dispute *out);
int urne_store_dispute_update(urne_store *s, const urne_dispute *d);
int urne_store_dispute_each(urne_store *s, int64_t election, int (*fn)(const urne_dispute *d, void *ctx), void *ctx);

/* ---- figures as JSON (also what the audit log records) ---- */

/* {"inscrits":..,"votants":..,"blancs":..,"nuls":..,"exprimes":..,"votes":[..]};
 * malloc'ed, NULL when out of memory. */
char *urne_figures_json(const urne_figures *f);
/* 0, or -1 when the text is not such an object. */
int urne_figures_parse_json(const char *text, urne_figures *out);

/* ---- what the audit log records of each change, and replaying it (audit_payload.c) ----
 *
 * Entries that change a row people rely on record the resulting row in their JSON
 * `after`, beside the keys they always had, so that `urne audit verify` can replay
 * the log and compare it with the rows held here (audit/replay.h):
 *
 *   "sheet"     in sheet.enter, bureau.contest, bureau.escalate, dispute.decide: the
 *               bureau's row after the change: {"bureau":B,"state":S,"figures":{..}|null,
 *               "entered_at":T,"entered_by":U,"validated_once":0|1,
 *               "changed_after_validation":0|1}; in sheet.enter, "figures" beside it
 *               (what was typed) and "sheet"'s entered_by make the typed entry
 *   the dispute bureau.contest and bureau.escalate: `after` is the whole new dispute
 *               (id, election, bureau, tier, state, reason, opened_by, opened_at,
 *               deadline, decision, decision_reason, decided_by, decided_at,
 *               figures_before, figures_after, escalated_from)
 *   "dispute"   in dispute.decide: the whole dispute after the decision, as above
 *   "sheets"    in election.create: one array per bureau, [state, inscrits, votants,
 *               blancs, nuls, exprimes|null, votes...], with "round", "settings",
 *               "double_entry", "deadline", "created_at" and "structure" (the digest
 *               of its names, urne_store_structure_digest) beside "title" and "rules"
 *
 * election.publish ("at", "digest"), election.reopen ("reopened_at", "reason"),
 * user.create ("name", "role", "tier") always recorded their whole result; a
 * publication after a reopening moves the reopened one to previous_*, as
 * urne_store_publish does; user.assign ("election", "first", "last") too. Entries
 * from before these keys replay as "not comparable" (see replay.h). */

/* The "sheet" record of bureau `bureau` after a change: its info and the figures
 * written with it (NULL when none). Malloc'ed JSON text, NULL when out of memory. */
char *urne_audit_sheet_record(size_t bureau, const urne_bureau_info *b, const urne_figures *stored);

/* A whole dispute as JSON text (malloc'ed; NULL when out of memory). */
char *urne_audit_dispute_record(const urne_dispute *d);

/* Add `key`: the JSON text `value` to the JSON object text `object`. Takes both
 * texts (frees them) and returns the new object's text, or NULL (out of memory, or
 * object or value not JSON; both freed). */
char *urne_audit_json_add(char *object, const char *key, char *value);

/* election.create's `after` for election `m` (as stored: id, title, rules,
 * settings, round, double entry, deadline, created_at) created from `round` with
 * each sheet's state in states (NULL: all missing); source and sha256 name the
 * file; structure is urne_store_structure_digest's. Malloc'ed JSON text, NULL when
 * out of memory. */
char *urne_audit_created_record(const urne_election_meta *m, const urne_round *round, const urne_sheet_state *states,
                                const char *source, const char *sha256, const char *structure);

/* Decode one entry (already checked by the chain) and fold what it records into r.
 * 0, or -1 with the
 * reason in urne_audit_replay_error(r) when the entry cannot be replayed. */
int urne_audit_fold(urne_audit_replay *r, const urne_audit_entry *e);

/* A consistent view: from urne_store_read_begin to urne_store_read_end every read
 * sees the database as it was at the first one, even while a server writes (WAL),
 * so that the log and the rows verify compares are of the same moment. */
int urne_store_read_begin(urne_store *s);
void urne_store_read_end(urne_store *s);

/* The rows as the store holds them, for urne_audit_replay_compare_*. Each calls fn
 * on every row (stopping when it returns non-zero, and returning that), in order
 * of id; 0 when all were passed, -1 on failure (urne_store_error). A bureau comes
 * with its name: its key and its label at the deepest level that has one ("" when
 * none). A figures text that is not figures JSON is
 * passed as has_figures = -1, a state that is not one as written. */
int urne_store_audit_elections(urne_store *s, int (*fn)(const urne_audit_election *m, void *ctx), void *ctx);

/* The SHA-256 (hex) of what election's structure is as stored: levels, contests,
 * candidates, colleges, and every bureau's keys, codes and labels. 0, or -1. */
int urne_store_structure_digest(urne_store *s, int64_t election, char out[65]);
int urne_store_audit_sheets(urne_store *s,
                            int (*fn)(int64_t election, size_t bureau, const char *key, const char *label,
                                      const urne_audit_sheet *sheet, void *ctx),
                            void *ctx);
/* The typed entries (double entry's record), in order of bureau then of typing. */
int urne_store_audit_typed(urne_store *s,
                           int (*fn)(int64_t election, size_t bureau, const char *key, const char *label,
                                     const urne_audit_typed *t, void *ctx),
                           void *ctx);
int urne_store_audit_disputes(urne_store *s, int (*fn)(const urne_audit_dispute *d, void *ctx), void *ctx);
int urne_store_audit_users(urne_store *s, int (*fn)(const urne_audit_user *u, void *ctx), void *ctx);
/* The bureaux assigned to secretaries, in order of user, election, bureau. */
int urne_store_audit_assignments(urne_store *s, int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx),
                                 void *ctx);

#endif
