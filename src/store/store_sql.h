/*
 * store_sql: the SQL texts both backends run, one text per query where SQLite's
 * and PostgreSQL's dialects agree, and what their readers of a row share (which
 * column fills which field). Not part of the store's interface (store.h).
 *
 * Parameters are written $1, $2...: PostgreSQL binds them by number, SQLite by
 * order of first appearance in the text, so the two bind a text alike only when
 * its parameters first appear as $1, $2, $3... in that order, none skipped.
 * urne_store_sql_ordered checks it, and tests/unit/test_store.c runs it on every
 * text of urne_store_sql_texts: a shared text written otherwise fails there,
 * never binds a value to the wrong column in one backend only.
 *
 * A query stays in its backend's file, as a variant, where the dialects do not
 * agree; each says why beside its text. The disputes' variant:
 *   - opening a dispute (INSERT ... SELECT ... WHERE NOT EXISTS, so that a bureau
 *     has one open dispute at a time): PostgreSQL takes a parameter in a SELECT's
 *     list for a text unless cast ($1::bigint), a cast SQLite cannot read; and the
 *     new id comes back by RETURNING id there, by sqlite3_last_insert_rowid here.
 * The grants' variant:
 *   - listing them: PostgreSQL orders texts by the cluster's locale unless told
 *     COLLATE "C" (SQLite's byte order, which SQLite cannot be told by that
 *     name), and takes "$1 = 0" for a text comparison unless cast.
 * The signatures' variant:
 *   - adding one (pg_initiatives.c: ON CONFLICT on the dedup hash's unique
 *     index, RETURNING id); SQLite without RETURNING, its id read from the connection
 *     (SQLite answers RETURNING through an ephemeral table opened and closed at
 *     each insert), and without ON CONFLICT: SQLite has no unique index on the
 *     dedup hash since migration 17, the check is a set in memory
 *     (sqlite_dedup.h); sqlite_initiatives.c.
 * pg_store.c says where else the dialects differ (the schema, locks, ids).
 * A new row's id comes back by RETURNING id in both (SQLite since 3.35, which
 * sqlite_store.c requires), where the statement is otherwise the same.
 *
 * The users' variant:
 *   - creating an account: a name taken inserts nothing, answering 0; PostgreSQL
 *     says so by ON CONFLICT DO NOTHING RETURNING id (a failed constraint would
 *     abort the whole transaction there), SQLite by SQLITE_CONSTRAINT, which
 *     undoes the statement only.
 *
 * The audit log's variants:
 *   - reading the head for an append: FOR UPDATE on PostgreSQL (pg_audit.c);
 *   - appending: on PostgreSQL one statement reads the head under its row lock,
 *     seals the entry (the hash by PostgreSQL's sha256, byte for byte
 *     audit/chain.c's), appends it and moves the head; SQLite has no SHA-256 and
 *     seals in C, then runs urne_sql_audit_append and urne_sql_audit_head_put.
 *
 * Domains moved here so far: disputes, grants, notices, users and sessions,
 * initiatives and forums (their every query), the audit log and what `urne audit verify`
 * reads, and the elections' but one.
 * The elections' variants:
 *   - creating one: its id by RETURNING id on PostgreSQL, sqlite3_last_insert_rowid
 *     on SQLite (the text otherwise the same).
 */
#ifndef URNE_STORE_SQL_H
#define URNE_STORE_SQL_H

#include <stddef.h>

#include "store.h"
#include "store_backend.h"

/* ---- disputes ---- */

/* The columns every dispute's SELECT reads, in this order (then FROM disputes). */
#define URNE_SQL_DISPUTE_COLS                                                                                \
    "SELECT id, election_id, bureau_idx, tier, state, reason, opened_by, opened_at, deadline, decision,"    \
    " decision_reason, decided_by, decided_at, figures_before, figures_after, escalated_from FROM disputes"
/* Integer columns of URNE_SQL_DISPUTE_COLS. */
enum { URNE_SQL_DISPUTE_ID = 0, URNE_SQL_DISPUTE_ELECTION = 1, URNE_SQL_DISPUTE_BUREAU = 2, URNE_SQL_DISPUTE_TIER = 3,
       URNE_SQL_DISPUTE_FROM = 15 };

/* $1 id. */
extern const char urne_sql_dispute_get[];
/* $1 election, $2 bureau: its latest open dispute. */
extern const char urne_sql_dispute_open_for[];
/* $1 state, $2 decision, $3 decision_reason, $4 decided_by, $5 decided_at,
 * $6 figures_after, $7 id, $8 the state expected (no row changed otherwise). */
extern const char urne_sql_dispute_update[];
/* $1 election: its disputes in order of id. */
extern const char urne_sql_dispute_each[];

/* A text column of a SELECT and the field of a struct it fills. */
typedef struct urne_store_text_col {
    int col;
    const char *name;
    size_t offset, size;
} urne_store_text_col;

/* The text columns of URNE_SQL_DISPUTE_COLS and the urne_dispute fields they fill. */
extern const urne_store_text_col urne_sql_dispute_texts[];
extern const size_t urne_sql_dispute_ntexts;

/* ---- grants ---- */

/* $1 user, $2 space, $3 role, $4 tier: put again, it replaces the role and tier. */
extern const char urne_sql_grant_put[];
/* $1 user, $2 space. */
extern const char urne_sql_grant_del[];
/* $1 user, $2 space: columns user_id, space, role, tier. */
extern const char urne_sql_grant_get[];

/* Check a grant's row as read (g's user and space filled, role the role
 * column's text, NULL when NULL) and set g->role: 0, or -1 with a message naming
 * the row when its space is not one or its role not a role that logs in. */
int urne_store_grant_row_check(urne_store *s, urne_store_grant *g, const char *role);

/* ---- notices ---- */

/* $1 title, $2 body, $3 published_at, $4 published_by: RETURNING id. */
extern const char urne_sql_notice_put[];
/* Columns id, title, body, published_at, published_by, newest first. */
extern const char urne_sql_notice_each[];
/* The text columns of urne_sql_notice_each and the urne_notice fields they fill. */
extern const urne_store_text_col urne_sql_notice_texts[];
extern const size_t urne_sql_notice_ntexts;

/* ---- initiatives ---- */

/* The columns every initiative's SELECT reads (id first), then FROM initiatives. */
#define URNE_SQL_INITIATIVE_COLS                                                                              \
    "SELECT id, title, space, rules, state, authority_key, hash_key, created_at, created_by, changed_at,"    \
    " reasons, answer FROM initiatives"
/* $1 title .. $11 answer, in the order of the columns after id. */
extern const char urne_sql_initiative_put[];
/* $1 id. */
extern const char urne_sql_initiative_get[];
/* $1 state, $2 changed_at, $3 reasons, $4 answer, $5 id, $6 the state expected. */
extern const char urne_sql_initiative_update[];
extern const char urne_sql_initiative_each[];
/* The text columns of URNE_SQL_INITIATIVE_COLS and the urne_initiative_row fields they fill. */
extern const urne_store_text_col urne_sql_initiative_texts[];
extern const size_t urne_sql_initiative_ntexts;

/* $1 initiative, $2 key_hash, $3 index_hash, $4 territory, $5 sealed; an entry
 * already there inserts nothing (ON CONFLICT DO NOTHING: no statement fails, so
 * PostgreSQL's transaction goes on). */
extern const char urne_sql_initiative_roll_put[];
/* $1 initiative, $2 key_hash: key_hash, index_hash, territory, sealed, code_hash,
 * letter, born (roll_code: the same by $2 code_hash). */
extern const char urne_sql_initiative_roll_find[];
extern const char urne_sql_initiative_roll_code[];
/* $1 code_hash, $2 letter, $3 born, $4 initiative, $5 key_hash: the entry's code
 * set when it has none. */
extern const char urne_sql_initiative_roll_letter[];
/* $1 initiative, $2 key_hash: an anonymous code's entry (no code_hash, a letter) removed (drop_code); a
 * letter's code taken off its elector's entry (unletter). */
extern const char urne_sql_initiative_roll_drop_code[];
extern const char urne_sql_initiative_roll_unletter[];
/* $1 initiative, $2 index_hash: count(*). */
extern const char urne_sql_initiative_roll_homonyms[];
/* $1 initiative: territory, count(*), anonymous codes, unordered (the caller sorts: the two
 * backends order texts differently). */
extern const char urne_sql_initiative_roll_counts[];
extern const char urne_sql_initiative_roll_counted[];
extern const char urne_sql_initiative_roll_uncounted[];

/* The columns every signature's SELECT reads, then FROM initiative_signatures. */
#define URNE_SQL_SIGNATURE_COLS                                                                               \
    "SELECT id, initiative_id, dedup, territory, sealed, receipt, signed_at, marks, invalid, letter, proof"  \
    " FROM initiative_signatures"
/* $1 initiative, $2 receipt: a receipt made before migration 15, through the
 * partial unique index of those rows (receipt <> ''). */
extern const char urne_sql_initiative_receipt[];
/* $1 initiative, $2 id. */
extern const char urne_sql_initiative_signature_get[];
/* $1 reason, $2 initiative, $3 id; only a valid signature. */
extern const char urne_sql_initiative_invalidate[];
/* $1 initiative. */
extern const char urne_sql_initiative_signatures_each[];
extern const char urne_sql_initiative_signature_counts[];
/* $1 initiative: day ("YYYY-MM-DD"), count(*) of the valid signatures; unordered. */
extern const char urne_sql_initiative_signature_days[];
/* SQLite's days (store_sql.c says why): $1 initiative, $2 a bound: the first
 * valid signed_at at or after it, NULL when none; then $2 the day, $3 its end:
 * the count of the valid signatures between. */
extern const char urne_sql_initiative_signature_day_next[];
extern const char urne_sql_initiative_signature_day_count[];
/* SQLite's counts per territory: $1 initiative: for each of its signatures,
 * whether it is invalidated (1) or not (0), and its territory; unordered. */
extern const char urne_sql_initiative_tally[];
/* $1 initiative: id of each valid signature; unordered. */
extern const char urne_sql_initiative_valid_ids[];
/* The text columns of URNE_SQL_SIGNATURE_COLS and the fields they fill. */
extern const urne_store_text_col urne_sql_signature_texts[];
extern const size_t urne_sql_signature_ntexts;

/* ---- users and sessions ---- */

/* $1 name: columns id, name, role, tier, pw_hash. */
extern const char urne_sql_user_find[];
/* $1 id: columns id, name, role, tier. */
extern const char urne_sql_user_get[];
/* How many accounts. */
extern const char urne_sql_user_count[];
/* Columns id, name, role, tier, in order of id. */
extern const char urne_sql_user_each[];
/* $1 token_hash, $2 user, $3 csrf, $4 expires_at. */
extern const char urne_sql_session_put[];
/* $1 token_hash, $2 now: the account's id, name, role, tier, and the session's csrf. */
extern const char urne_sql_session_get[];
/* $1 token_hash. */
extern const char urne_sql_session_delete[];

/* ---- elections ----
 * Each text's parameters and columns are those its caller in sqlite_elections.c
 * and pg_elections.c binds and reads, in this order (the names say the column). */

/* An election's record: its columns (URNE_SQL_ELECTION_META, in this order), of
 * every election in order of id, or of one ($1 id). */
#define URNE_SQL_ELECTION_META                                                                            \
    "SELECT id, title, round, preset, settings, double_entry, deadline, created_at, published_at,"       \
    " published_digest, levels, contest_level, reopened_at, reopened_reason, previous_published_at,"     \
    " previous_digest, previous_reopened_at, previous_reopened_reason, space, zone FROM elections"
extern const char urne_sql_election_meta_each[], urne_sql_election_meta_get[];

/* Writing an election's structure: $1 election, $2 idx, then the row's columns. */
extern const char urne_sql_election_contest_put[], urne_sql_election_candidate_put[],
    urne_sql_election_college_put[], urne_sql_election_bureau_put[];
/* Loading one ($1 election): its contests with their candidates, colleges,
 * bureaux; its levels, contest level and number of bureaux. */
extern const char urne_sql_election_contests_load[], urne_sql_election_colleges_load[],
    urne_sql_election_bureaux_load[], urne_sql_election_shape[];
/* A sheet ($1 election, $2 bureau, but bureau_set: its six values first): its row
 * moved, its figures, its state; a typed entry added; the other person's latest. */
extern const char urne_sql_election_bureau_set[], urne_sql_election_bureau_figures[],
    urne_sql_election_bureau_get[], urne_sql_election_entry_add[], urne_sql_election_entry_other[];
/* Assignments ($1 user, $2 election, $3 bureau): one made (ON CONFLICT DO NOTHING,
 * which both read alike, in place of SQLite's INSERT OR IGNORE), one checked, a
 * person's list. */
extern const char urne_sql_election_assign[], urne_sql_election_is_assigned[], urne_sql_election_assigned_list[];
/* Publishing ($1 at, $2 digest, $3 id: $3 twice, one index in both) and reopening. */
extern const char urne_sql_election_publish[], urne_sql_election_reopen[];
/* What the structure digest hashes ($1 election), in this order. */
extern const char urne_sql_digest_levels[], urne_sql_digest_contests[], urne_sql_digest_candidates[],
    urne_sql_digest_colleges[], urne_sql_digest_bureaux[];
/* Those five texts in the order the digest hashes them. */
extern const char *const urne_sql_digest_parts[];
extern const size_t urne_sql_digest_nparts;

/* The text columns of URNE_SQL_ELECTION_META and the urne_election_meta fields
 * they fill (the integers id, round and double_entry are read apart). */
extern const struct urne_store_text_col urne_sql_election_texts[];
extern const size_t urne_sql_election_ntexts;

/* A sheet's levels (keys, codes, labels) and an election's level names are kept
 * in one text column each, the strings joined by URNE_STORE_LEVEL_SEP (a control
 * character no name or code may hold). */
#define URNE_STORE_LEVEL_SEP '\x1f'
/* Join v[0..n) with the separator ("" for a NULL) into *buf, grown as needed
 * (*cap bytes, *buf NULL and *cap 0 at first). 0, or -1 when out of memory. */
int urne_store_levels_join(const char *const *v, size_t n, char **buf, size_t *cap);
/* Split a joined text (NULL reads as "") into n strings interned in r ("" becomes
 * NULL), into out[0..n). 0, or -1 when out of memory. */
int urne_store_levels_split(urne_round *r, const char *text, size_t n, const char **out);

/* ---- the audit log ---- */

/* The head: columns seq, hash (no row: the chain is empty). PostgreSQL's append
 * reads it with FOR UPDATE (pg_audit.c): a variant, SQLite having no row locks
 * (its write lock, taken at BEGIN IMMEDIATE, is the whole database's). */
extern const char urne_sql_audit_head[];
/* $1 seq, $2 at, $3 actor, $4 action, $5 object, $6 before, $7 after, $8 prev, $9 hash. */
extern const char urne_sql_audit_append[];
/* $1 seq, $2 hash: the head moved (its row made by the first append). */
extern const char urne_sql_audit_head_put[];
/* $1 from: the entries from seq `from` on, in order, columns as the append's. */
extern const char urne_sql_audit_each[];
/* Fill e from an entry's row of urne_sql_audit_each: seq, and its nine columns'
 * texts (cols[1] to cols[8]: at, actor, action, object, before, after, prev,
 * hash; NULL when NULL). The first six are pointed to, prev and hash copied: 0,
 * or -1 naming the entry when one does not fit (never cut). */
int urne_store_audit_row(urne_store *s, urne_audit_entry *e, int64_t seq, const char *const cols[9]);

/* What `urne audit verify` reads, each table in order (store_audit.h): the
 * elections (every column, by name, and nbureaux); the bureaux (election_id, idx,
 * keys, labels, state, figures, entered_at, entered_by, validated_once,
 * changed_after_validation); the typed entries (election_id, bureau_idx, user_id,
 * figures, and their bureau's keys and labels); the disputes (as
 * URNE_SQL_DISPUTE_COLS); the accounts (id, name, role, tier); the assignments. */
extern const char urne_sql_verify_elections[], urne_sql_verify_sheets[], urne_sql_verify_typed[],
    urne_sql_verify_disputes[], urne_sql_verify_users[], urne_sql_verify_assignments[];

/* The rows verify reads, decoded alike on both backends from their columns' texts
 * (NULL when NULL; an integer column's text is its decimal digits, as both give
 * it): a text too long for its field fails the row, naming it, never cut. */

/* d (zeroed by the caller, freed by urne_audit_dispute_free whatever the result)
 * from a row of urne_sql_verify_disputes: 0, -1 when a text does not fit, -2 when
 * out of memory (said on s). Figures that are not figures JSON are kept as such
 * (has_before or has_after -1), for verify to report. */
int urne_store_audit_dispute_row(urne_store *s, urne_audit_dispute *d, const char *const cols[16]);
/* u from a row of urne_sql_verify_users: 0, or -1 when a text does not fit. */
int urne_store_audit_user_row(urne_store *s, urne_audit_user *u, const char *const cols[4]);

/* An election's row of urne_sql_verify_elections, its n columns found by name
 * (names[c], cols[c]; a column a later migration adds reads "" where the database
 * lacks it), then fn(m, ctx): fn's result, or -1 when a text does not fit or the
 * structure's digest cannot be made (said on s). */
#define URNE_SQL_ELECTION_COLS_MAX 64 /* room for the elections' columns (24 at schema 16) */
int urne_store_audit_election_call(urne_store *s, int n, const char *const *names, const char *const *cols,
                                   int (*fn)(const urne_audit_election *m, void *ctx), void *ctx);
/* A bureau's row of urne_sql_verify_sheets, then fn with its election, index
 * (SIZE_MAX when negative), key and label (the deepest level's), and its sheet as
 * stored (figures that are not figures JSON kept as such: has_figures -1, for
 * verify to report): fn's result, or -1 (said on s). */
int urne_store_audit_sheet_call(urne_store *s, const char *const cols[10], urne_store_sheet_fn fn, void *ctx);
/* A typed entry's row of urne_sql_verify_typed, then fn as for a sheet: fn's
 * result, or -1 (said on s). */
int urne_store_audit_typed_call(urne_store *s, const char *const cols[6], urne_store_typed_fn fn, void *ctx);
/* An assignment's row of urne_sql_verify_assignments (user, election, bureau),
 * then fn: fn's result. */
int urne_store_audit_assignment_call(const char *const cols[3],
                                     int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx), void *ctx);

/* ---- the matching's (store_matches.c; every query shared) ---- */

#define URNE_SQL_MATCH_CAMPAIGN_COLS                                                                          \
    "SELECT id, name, space, state, method, tie, seed, round, final_round, deadline, created_at, created_by"  \
    " FROM match_campaigns"
#define URNE_SQL_MATCH_HOST_COLS                                                                              \
    "SELECT campaign_id, key, name, capacity, reserved, weeks, kept, owner, code_hash FROM match_hosts"
#define URNE_SQL_MATCH_PUPIL_COLS                                                                             \
    "SELECT campaign_id, key, school, priority, lottery, week, kept, wishes, code_hash FROM match_pupils"
#define URNE_SQL_MATCH_RESULT_COLS                                                                            \
    "SELECT campaign_id, round, pupil, host, wish, lottery, explanation FROM match_results"
#define URNE_SQL_MATCH_OFFER_COLS                                                                             \
    "SELECT campaign_id, round, pupil, host, state, deadline, answered_at FROM match_offers"
/* $1 name ... $11 created_by, in the order of URNE_SQL_MATCH_CAMPAIGN_COLS: RETURNING id. */
extern const char urne_sql_match_campaign_put[];
extern const char urne_sql_match_campaign_get[];    /* $1 id */
/* $1 state, $2 seed, $3 round, $4 final_round, $5 deadline, $6 id, $7 the state expected. */
extern const char urne_sql_match_campaign_update[];
extern const char urne_sql_match_campaign_each[];
/* The columns of each row, in order ($1...); a key taken inserts nothing. */
extern const char urne_sql_match_host_put[], urne_sql_match_pupil_put[], urne_sql_match_ranking_put[],
    urne_sql_match_result_put[], urne_sql_match_offer_put[];
/* $1 campaign, $2 key or code hash. */
extern const char urne_sql_match_host_get[], urne_sql_match_host_by_code[], urne_sql_match_pupil_get[],
    urne_sql_match_pupil_by_code[];
/* $1 name, $2 capacity, $3 reserved, $4 weeks, $5 campaign, $6 key. */
extern const char urne_sql_match_host_update[];
/* $1 wishes, $2 campaign, $3 key. */
extern const char urne_sql_match_pupil_update[];
/* $1 campaign (then $2 school, $2 round, $2 pupil as named). */
extern const char urne_sql_match_host_each[], urne_sql_match_pupil_each[], urne_sql_match_pupil_each_school[],
    urne_sql_match_ranking_each[], urne_sql_match_result_each[], urne_sql_match_result_round[],
    urne_sql_match_offer_each[], urne_sql_match_offer_last[];
/* $1 campaign, $2 round, $3 pupil. */
extern const char urne_sql_match_result_get[];
/* $1 state, $2 answered_at, $3 campaign, $4 round, $5 pupil, $6 the state expected. */
extern const char urne_sql_match_offer_update[];
/* A round's report: put as its columns; get by $1 campaign, $2 round. */
extern const char urne_sql_match_run_put[], urne_sql_match_run_get[], urne_sql_match_run_each[];
/* $1 campaign, $2 host: its rankings taken away. */
extern const char urne_sql_match_ranking_clear[];
/* Distances and limits: put as their columns; each and get by $1 campaign; the
 * clears take away a campaign's ($1). */
extern const char urne_sql_match_distance_put[], urne_sql_match_distance_each[], urne_sql_match_distance_clear[],
    urne_sql_match_limit_put[], urne_sql_match_limit_get[], urne_sql_match_limit_clear[];

/* ---- the check ---- */

/* Every shared text, NULL last. */
extern const char *const urne_store_sql_texts[];

/* 1 when sql's parameters first appear as $1, $2, $3... in that order, none
 * skipped (so that SQLite and PostgreSQL bind them alike), 0 otherwise. */
int urne_store_sql_ordered(const char *sql);


/* ---- forums (store_forums.h) ---- */

/* Both backends read a listing's rows into a row buffer and pass each to a
 * callback taking `const void *`; these carry the caller's typed callback
 * (one of the three, with its context) through it. */
typedef struct urne_store_forum_fns {
    int (*forum)(const urne_forum_row *f, void *ctx);
    int (*post)(const urne_post_row *p, void *ctx);
    int (*ban)(const urne_forum_ban *b, void *ctx);
    void *ctx;
} urne_store_forum_fns;
int urne_store_forum_call(const void *row, void *fns);
int urne_store_post_call(const void *row, void *fns);
int urne_store_ban_call(const void *row, void *fns);

#define URNE_SQL_FORUM_COLS "SELECT id, attached, title, mode, visitors, created_at, created_by FROM forums"
/* $1 attached, $2 title, $3 mode, $4 visitors, $5 created_at, $6 created_by: RETURNING id. */
extern const char urne_sql_forum_put[];
/* $1 id. */
extern const char urne_sql_forum_get[];
/* $1 title, $2 mode, $3 visitors, $4 id. */
extern const char urne_sql_forum_update[];
extern const char urne_sql_forum_each[];
/* $1 forum: count(*), count(DISTINCT author_key) of its published posts. */
extern const char urne_sql_forum_authors[];
extern const char urne_sql_form_key_put[], urne_sql_form_key_get[];
extern const urne_store_text_col urne_sql_forum_texts[];
extern const size_t urne_sql_forum_ntexts;

/* The columns every post's SELECT reads, then FROM forum_posts; integers at
 * 0 id, 1 forum_id, 2 parent_id, 3 thread_id, 6 author_user, 12 score, 13 links,
 * 14 sent_at. */
#define URNE_SQL_POST_COLS                                                                                   \
    "SELECT id, forum_id, parent_id, thread_id, title, body, author_user, author_key, author_name, email,"  \
    " state, flags, score, links, sent_at, decided_by, decided_at, reason, edited_body, edit_note,"         \
    " token_hash, address FROM forum_posts"
/* $1 forum_id, $2 parent_id, $3 thread_id, $4 title, $5 body, $6 author_user, $7
 * author_key, $8 author_name, $9 email, $10 state, $11 flags, $12 score, $13 links,
 * $14 sent_at, $15 token_hash, $16 address: RETURNING id. */
extern const char urne_sql_post_put[];
/* $1 id: a first post made its own thread. */
extern const char urne_sql_post_own_thread[];
/* $1 id. */
extern const char urne_sql_post_get[];
/* $1 token_hash. */
extern const char urne_sql_post_by_token[];
/* $1 state, $2 decided_by, $3 decided_at, $4 reason, $5 edited_body, $6 edit_note,
 * $7 id, $8 the state expected. */
extern const char urne_sql_post_decide[];
/* The pages (urne_posts_kind): $1 the forum or thread, $2 after, $3 limit. */
extern const char urne_sql_post_queue_forum[];
extern const char urne_sql_post_threads[];
extern const char urne_sql_post_thread[];
extern const char urne_sql_post_recent[];
/* $1 after, $2 limit. */
extern const char urne_sql_post_queue_all[];
extern const char urne_sql_post_all[];
/* $1 forum: forum_id, sent_at of its waiting posts; the other of every forum. */
extern const char urne_sql_post_waiting_forum[];
extern const char urne_sql_post_waiting_all[];
extern const urne_store_text_col urne_sql_post_texts[];
extern const size_t urne_sql_post_ntexts;

#define URNE_SQL_BAN_COLS "SELECT id, forum_id, kind, value, reason, created_at, created_by FROM forum_bans"
/* $1 forum_id, $2 kind, $3 value, $4 reason, $5 created_at, $6 created_by: RETURNING id. */
extern const char urne_sql_ban_put[];
/* $1 forum, $2 address, $3 author_key: count(*). */
extern const char urne_sql_ban_find[];
extern const char urne_sql_ban_each[];
extern const urne_store_text_col urne_sql_ban_texts[];
extern const size_t urne_sql_ban_ntexts;

#endif
