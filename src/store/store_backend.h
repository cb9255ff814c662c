/*
 * store_backend: what a backend implements, and what the store's public
 * functions share with it. Not part of the interface callers see (store.h).
 *
 * A backend is a table of functions, one per operation, grouped by domain as the
 * headers are (core, users, elections, disputes, audit, notices). urne_store_open chooses
 * the backend from what it is given and calls its open function, which returns a
 * store whose first member is the `struct urne_store` below (the backend's own
 * handle follows it). The public urne_store_* functions (store.c) check their
 * arguments against the interface's contracts (lengths above all), then call the
 * table; a backend may assume those checks were made.
 *
 * A backend reads every fixed-size text through urne_store_copy, which refuses a
 * value longer than its field, naming the table, the column and the row.
 */
#ifndef URNE_STORE_BACKEND_H
#define URNE_STORE_BACKEND_H

#include <sodium.h>
#include <stdarg.h>
#include <string.h>

#include "store.h"

typedef struct urne_store_core_ops {
    void (*close)(urne_store *s); /* frees s */
    int (*schema_version)(urne_store *s);
    int (*backup)(urne_store *s, const char *dest);
    int (*begin)(urne_store *s);
    int (*commit)(urne_store *s);
    void (*rollback)(urne_store *s);
    int (*read_begin)(urne_store *s);
    void (*read_end)(urne_store *s);
    /* Optional (NULL: nothing to do): urne_store_checkpointer_start, urne_store_checkpoints. */
    int (*checkpointer)(urne_store *s, int pages);
    void (*checkpoints)(urne_store *s, int64_t *runs, int64_t *forced, int64_t *closed);
    int (*checkpoint_close)(urne_store *s); /* optional: urne_store_checkpoint_close */
    int (*serve_deadline)(urne_store *s, char *err, size_t errsize); /* optional: urne_store_serve_deadline */
} urne_store_core_ops;

typedef struct urne_store_user_ops {
    int64_t (*create)(urne_store *s, const char *name, const char *pw_hash, urne_role role, int tier);
    int (*find)(urne_store *s, const char *name, urne_user *out, char *pw_hash, size_t pw_size);
    int (*get)(urne_store *s, int64_t id, urne_user *out);
    int (*count)(urne_store *s);
    int (*each)(urne_store *s, int (*fn)(const urne_user *u, void *ctx), void *ctx);
    int (*session_put)(urne_store *s, const char *token_hash, int64_t user, const char *csrf, int64_t expires);
    int (*session_get)(urne_store *s, const char *token_hash, int64_t now, urne_user *user, char *csrf);
    int (*session_delete)(urne_store *s, const char *token_hash);
} urne_store_user_ops;

typedef struct urne_store_election_ops {
    int64_t (*create)(urne_store *s, const urne_election_meta *meta, const urne_round *round,
                      const urne_sheet_state *states);
    int (*each)(urne_store *s, int (*fn)(const urne_election_meta *m, void *ctx), void *ctx);
    int (*meta)(urne_store *s, int64_t id, urne_election_meta *out);
    /* An election's loading, in three parts the backends answer and store.c puts
     * together (urne_store_election_load): its levels (a malloc'ed "a,b,c" into
     * *levels), contest level and number of bureaux (1, 0 when no such election,
     * -1); its contests, candidates and colleges into r; its n bureaux into r and
     * info. */
    int (*load_shape)(urne_store *s, int64_t id, char **levels, size_t *contest_level, size_t *n);
    int (*load_structure)(urne_store *s, int64_t id, urne_round *r);
    int (*load_bureaux)(urne_store *s, int64_t id, urne_round *r, urne_bureau_info *info, size_t n);
    /* Every column of every row of sql (one of urne_sql_digest_parts, the
     * election bound as $1), in the rows' order, each given to
     * urne_store_digest_value with h: 0, or -1 (said on s). store.c makes the
     * digest of the parts (urne_store_structure_digest). */
    int (*structure_absorb)(urne_store *s, crypto_hash_sha256_state *h, const char *sql, int64_t election);
    int (*bureau_set)(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *info,
                      const urne_figures *figures);
    int (*bureau_figures)(urne_store *s, int64_t election, size_t bureau, urne_figures *out);
    int (*bureau_get)(urne_store *s, int64_t election, size_t bureau, urne_bureau_info *info, urne_figures *out);
    int (*entry_add)(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *f);
    /* Optional: entry_add then bureau_set, in one go (fewer statements). NULL:
     * urne_store_sheet_entered calls the two. */
    int (*sheet_entered)(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *typed,
                         const urne_bureau_info *info, const urne_figures *counted);
    /* Optional (urne_store_bureau_expect, urne_store_stale): the row checked by a
     * statement of the open write transaction, answered with its commit. NULL: 0. */
    int (*bureau_expect)(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *info,
                         const urne_figures *figures);
    int (*stale)(urne_store *s);
    int (*entry_other)(urne_store *s, int64_t election, size_t bureau, int64_t user, int64_t *author,
                       urne_figures *out);
    int (*assign)(urne_store *s, int64_t user, int64_t election, size_t bureau);
    int (*is_assigned)(urne_store *s, int64_t user, int64_t election, size_t bureau);
    long (*assigned_list)(urne_store *s, int64_t user, int64_t election, size_t *out, size_t cap);
    int (*publish)(urne_store *s, int64_t election, const char *at, const char *digest);
    int (*reopen)(urne_store *s, int64_t election, const char *at, const char *reason);
} urne_store_election_ops;

typedef struct urne_store_dispute_ops {
    int64_t (*open)(urne_store *s, const urne_dispute *d);
    int (*get)(urne_store *s, int64_t id, urne_dispute *out);
    int (*open_for)(urne_store *s, int64_t election, size_t bureau, urne_dispute *out);
    int (*update)(urne_store *s, const urne_dispute *d, const char *expected);
    int (*each)(urne_store *s, int64_t election, int (*fn)(const urne_dispute *d, void *ctx), void *ctx);
} urne_store_dispute_ops;

typedef struct urne_store_notice_ops {
    int64_t (*put)(urne_store *s, const urne_notice *n);
    int (*each)(urne_store *s, int (*fn)(const urne_notice *n, void *ctx), void *ctx);
} urne_store_notice_ops;
typedef struct urne_store_forum_ops {
    int64_t (*forum_put)(urne_store *s, const urne_forum_row *f);
    int (*forum_get)(urne_store *s, int64_t id, urne_forum_row *out);
    int (*forum_update)(urne_store *s, const urne_forum_row *f);
    int (*forum_each)(urne_store *s, int (*fn)(const urne_forum_row *f, void *ctx), void *ctx);
    int (*forum_authors)(urne_store *s, int64_t id, int (*fn)(const char *author_key, int64_t published, void *ctx),
                         void *ctx);
    int64_t (*post_put)(urne_store *s, urne_post_row *p);
    int (*post_get)(urne_store *s, int64_t id, urne_post_row *out);
    int (*post_by_token)(urne_store *s, const char *hash, urne_post_row *out);
    int (*post_decide)(urne_store *s, const urne_post_row *p, const char *expected);
    int (*post_page)(urne_store *s, const urne_posts_query *q, int (*fn)(const urne_post_row *p, void *ctx),
                     void *ctx);
    int (*post_waiting)(urne_store *s, int64_t forum, int (*fn)(int64_t forum, int64_t sent_at, void *ctx),
                        void *ctx);
    int64_t (*ban_put)(urne_store *s, const urne_forum_ban *b);
    int (*banned)(urne_store *s, int64_t forum, const char *address, const char *author_key);
    int (*ban_each)(urne_store *s, int (*fn)(const urne_forum_ban *b, void *ctx), void *ctx);
    int (*form_key)(urne_store *s, const char *fresh, char out[URNE_STORE_FORM_KEY]);
} urne_store_forum_ops;

typedef struct urne_store_initiative_ops {
    int64_t (*put)(urne_store *s, const urne_initiative_row *i);
    int (*get)(urne_store *s, int64_t id, urne_initiative_row *out);
    int (*update)(urne_store *s, const urne_initiative_row *i, const char *expected);
    int (*each)(urne_store *s, int (*fn)(const urne_initiative_row *i, void *ctx), void *ctx);
    int (*roll_put)(urne_store *s, int64_t id, const urne_initiative_roll_entry *e);
    int (*roll_find)(urne_store *s, int64_t id, const char *key_hash, const char *index_hash,
                     urne_initiative_roll_entry *out, int64_t *homonyms);
    int (*roll_code)(urne_store *s, int64_t id, const char *code_hash, urne_initiative_roll_entry *out);
    int (*roll_letter)(urne_store *s, int64_t id, const char *key_hash, const char *code_hash, const char *letter,
                       const char *born);
    int (*roll_unletter)(urne_store *s, int64_t id, const char *key_hash);
    /* The roll's counts of a territory moved by (electors, anonymous), its row
     * made if need be (inside a transaction): 0, or -1. store.c calls it at
     * commit with what roll_put added in the transaction, a row per territory. */
    int (*roll_count)(urne_store *s, int64_t id, const char *territory, int64_t electors, int64_t anonymous);
    int (*roll_counts)(urne_store *s, int64_t id,
                       int (*fn)(const char *territory, int64_t electors, int64_t anonymous, void *ctx), void *ctx);
    int64_t (*sign)(urne_store *s, const urne_initiative_signature *sig);
    int (*warm)(urne_store *s, int64_t id); /* NULL: nothing to do */
    int (*cool)(urne_store *s, int64_t id); /* NULL: nothing to do */
    int (*receipt)(urne_store *s, int64_t id, const char *receipt, urne_initiative_signature *out);
    int (*signature_get)(urne_store *s, int64_t id, int64_t sig, urne_initiative_signature *out);
    int (*invalidate)(urne_store *s, int64_t id, int64_t sig, const char *reason);
    int (*signature_counts)(urne_store *s, int64_t id,
                            int (*fn)(const char *territory, int64_t valid, int64_t invalid, void *ctx), void *ctx);
    int (*signatures_each)(urne_store *s, int64_t id, int (*fn)(const urne_initiative_signature *sig, void *ctx),
                           void *ctx);
    int (*signature_days)(urne_store *s, int64_t id, int (*fn)(const char *day, int64_t valid, void *ctx), void *ctx);
    int (*valid_ids)(urne_store *s, int64_t id, int (*fn)(int64_t sig, void *ctx), void *ctx);
} urne_store_initiative_ops;
typedef struct urne_store_grant_ops {
    int (*put)(urne_store *s, int64_t user, const char *space, urne_role role, int tier);
    int (*del)(urne_store *s, int64_t user, const char *space);
    int (*get)(urne_store *s, int64_t user, const char *space, urne_store_grant *out);
    int (*each)(urne_store *s, int64_t user, int (*fn)(const urne_store_grant *g, void *ctx), void *ctx);
} urne_store_grant_ops;

typedef int (*urne_store_sheet_fn)(int64_t election, size_t bureau, const char *key, const char *label,
                                   const urne_audit_sheet *sheet, void *ctx);
typedef int (*urne_store_typed_fn)(int64_t election, size_t bureau, const char *key, const char *label,
                                   const urne_audit_typed *t, void *ctx);

typedef struct urne_store_audit_ops {
    /* Append e (at, actor, action, object, before, after set; before and after
     * never NULL) sealed on the head, and move the head. The backend may seal it
     * itself (PostgreSQL, in the statement that appends): e's seq, prev and hash
     * are then not set, and `known` answers the new head. */
    int (*append)(urne_store *s, urne_audit_entry *e);
    int (*head)(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]);
    int (*head_now)(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]); /* never from memory */
    int64_t (*known)(urne_store *s); /* the head's seq as last read or moved (store_audit.h) */
    int (*each)(urne_store *s, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx);
    int (*elections)(urne_store *s, int (*fn)(const urne_audit_election *m, void *ctx), void *ctx);
    int (*sheets)(urne_store *s, urne_store_sheet_fn fn, void *ctx);
    int (*typed)(urne_store *s, urne_store_typed_fn fn, void *ctx);
    int (*disputes)(urne_store *s, int (*fn)(const urne_audit_dispute *d, void *ctx), void *ctx);
    int (*users)(urne_store *s, int (*fn)(const urne_audit_user *u, void *ctx), void *ctx);
    int (*assignments)(urne_store *s, int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx), void *ctx);
} urne_store_audit_ops;

/* store_rows.h: a table's rows read as texts, and inserted as such. A backend's
 * writer starts with the struct below (its own state follows it), so that the
 * public functions find the store's table of functions from the writer. */
struct urne_store_rows_writer {
    urne_store *s;
    const urne_store_table *t;
    int64_t rows;   /* put so far */
    int failed;
};

/* The statements both backends run for a table's rows (store_rows.c): the
 * SELECT of its columns in the order of its key, and the INSERT of one row with
 * $1, $2... in the order of its columns (SQLite and PostgreSQL both read these).
 * 0, or -1 when out (of size bytes) is too small. */
int urne_store_rows_select_sql(const urne_store_table *t, char *out, size_t size);
int urne_store_rows_insert_sql(const urne_store_table *t, char *out, size_t size);
/* 0 when names (the n columns the table has in the store) are exactly t's, in
 * any order; -1 naming the first one t lacks, or the count, otherwise. */
int urne_store_rows_check_columns(urne_store *s, const urne_store_table *t, const char *const *names, int n);

typedef struct urne_store_row_ops {
    int (*count)(urne_store *s, const urne_store_table *t, int64_t *n);
    int (*each)(urne_store *s, const urne_store_table *t, urne_store_row_fn fn, void *ctx);
    urne_store_rows_writer *(*put_begin)(urne_store *s, const urne_store_table *t);
    int (*put)(urne_store_rows_writer *w, const char *const *values);
    int (*put_end)(urne_store_rows_writer *w); /* frees w */
    int (*settle)(urne_store *s);
} urne_store_row_ops;

/* What every watch starts with (the backend's own handle follows it). */
struct urne_store_watch {
    const struct urne_store_watch_ops *ops;
};

/* Optional: a backend that several processes share announces each change (or
 * lets its log be read: SQLite's announce does nothing) and lets them watch
 * (store.h). */
typedef struct urne_store_watch_ops {
    /* Announce, inside the open write transaction, the change that audit entry
     * (action, object) records: e the entry appended (sealed), or NULL for a
     * change that appends none (urne_store_announce). 0 or -1. */
    int (*announce)(urne_store *s, const char *action, const char *object, const urne_audit_entry *e);
    /* Optional: audit->append then announce of e, in one go (fewer statements).
     * NULL: urne_store_audit calls the two. */
    int (*append_announce)(urne_store *s, urne_audit_entry *e);
    urne_store_watch *(*open)(urne_store *s, char *err, size_t errsize);
    urne_store_watch_event (*wait)(urne_store_watch *w, int timeout_ms, urne_store_change *out, size_t cap,
                                   size_t *n);
    const char *(*error)(const urne_store_watch *w);
    void (*close)(urne_store_watch *w);
    /* Optional (urne_store_watch_seen, urne_store_watch_saw): both NULL when
     * the watch hears no change announced without an entry from another
     * process. */
    int (*seen)(urne_store_watch *w, urne_store *s, const char *scope);
    int (*saw)(const urne_store_watch *w, const urne_store_change *c);
} urne_store_watch_ops;

/* The matches' backend part (store_matches.c holds every query, shared): a
 * parameter is a text, or an integer when t is NULL; a row is read field by
 * field into a struct, a text through the backend's refusing copy (never cut),
 * an integer (size 0) as int64_t. */
typedef struct urne_store_param {
    const char *t;
    int64_t i;
} urne_store_param;
typedef struct urne_store_field {
    const char *name;
    size_t offset, size; /* size 0: an int64_t */
} urne_store_field;
typedef struct urne_store_match_ops {
    /* Run sql (a literal) that returns no rows: 0, or -1 naming what; *changed
     * the rows it changed. */
    int (*run)(urne_store *s, const char *sql, const urne_store_param *p, int np, const char *what, long *changed);
    /* Run sql (a literal: SQLite's backend keeps its statement by the text's
     * address) and read each row's columns, in order, as f[0..nf) says into the
     * struct at row (zeroed first), then call fn(row, ctx); fn's non-zero return
     * stops and is returned; -1 on failure (said on s, naming table). */
    int (*rows)(urne_store *s, const char *sql, const urne_store_param *p, int np, const char *what, const char *table,
                const urne_store_field *f, int nf, void *row, size_t rowsize, int (*fn)(void *row, void *ctx),
                void *ctx);
} urne_store_match_ops;

typedef struct urne_store_ops {
    const char *name; /* "SQLite" */
    const urne_store_core_ops *core;
    const urne_store_user_ops *users;
    const urne_store_election_ops *elections;
    const urne_store_dispute_ops *disputes;
    const urne_store_audit_ops *audit;
    const urne_store_notice_ops *notices;
    const urne_store_grant_ops *grants;
    const urne_store_initiative_ops *initiatives;
    const urne_store_match_ops *matches;
    const urne_store_forum_ops *forums;
    const urne_store_row_ops *rows;
    const urne_store_watch_ops *watch; /* NULL: nothing to watch */
} urne_store_ops;

/* What every store starts with. */
/* The roll entries added in the transaction under way, per initiative and
 * territory: written to the roll's counts at its commit (store.c). */
typedef struct urne_store_roll_tally {
    int64_t id;
    char territory[64];
    int64_t electors, anonymous;
} urne_store_roll_tally;

struct urne_store {
    const urne_store_ops *ops;
    urne_store_roll_tally *tallies; /* the transaction's roll entries counted (store.c) */
    size_t ntallies, captallies;
    size_t *tally_slots;            /* their hash table: an index + 1, 0 empty; nslots a power of 2 */
    size_t nslots;
    char error[512];
    urne_phrase why; /* the same failure as a code with parameters (urne_store_error_phrase) */
    int unavailable; /* urne_store_unavailable: set and read with __atomic builtins */
};

/* Say whether the database is out of reach (urne_store_unavailable). */
static inline void urne_store_set_unavailable(urne_store *s, int down) {
    __atomic_store_n(&s->unavailable, down, __ATOMIC_RELAXED);
}

/* A failure said, kept while a rollback may say another (urne_store_keep), then
 * put back (urne_store_restore): the first failure is the one to tell. */
typedef struct urne_store_said {
    char error[512];
    urne_phrase why;
} urne_store_said;

static inline void urne_store_keep(const urne_store *s, urne_store_said *k) {
    memcpy(k->error, s->error, sizeof k->error);
    k->why = s->why;
}

static inline void urne_store_restore(urne_store *s, const urne_store_said *k) {
    memcpy(s->error, k->error, sizeof s->error);
    s->why = k->why;
}

/* Put a message in s->error, and the same as a phrase in s->why; returns -1. */
int urne_store_fail(urne_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 0 when text (NULL: "") fits a field of `size` bytes with its NUL; -1 said on
 * s (naming `what` and the limit) otherwise: refused, never cut. */
int urne_store_fits(urne_store *s, const char *text, size_t size, const char *what);
/* The same for field f of the struct at p. */
#define URNE_STORE_FIELD(s, p, f, what) urne_store_fits((s), (p)->f, sizeof (p)->f, (what))

/* Copy the stored text value (NULL: "") into out, of size bytes: 0, or -1 with a
 * message naming table.column and the row (row_fmt and what follows) when it does
 * not fit. Never cuts. */
int urne_store_copy(urne_store *s, char *out, size_t size, const char *value, const char *table, const char *column,
                    const char *row_fmt, ...) __attribute__((format(printf, 7, 8)));
int urne_store_vcopy(urne_store *s, char *out, size_t size, const char *value, const char *table,
                     const char *column, const char *row_fmt, va_list ap);

/* The text of an election's audit record that the stored column `column` fills,
 * with its size in *size; NULL for a column that is none of them. The backends'
 * readers of election rows share it, so that a column added to the record is
 * added once. */
/* Absorb one value of a row into a structure's digest: its length in decimal
 * and a colon, then its bytes (n of them); "-" for NULL (v NULL), so that NULL,
 * "" and a value that spans two columns all differ. */
void urne_store_digest_value(crypto_hash_sha256_state *h, const char *v, size_t n);

char *urne_audit_election_text(urne_audit_election *m, const char *column, size_t *size);

/* The SQLite backend (sqlite_store.c): open the database file at path. NULL with
 * the reason in *why (not naming the file: urne_store_open_why). */
urne_store *urne_sqlite_open(const char *path, urne_phrase *why);

/* The PostgreSQL backend (pg_store.c): connect with conninfo (a postgresql://
 * URL or a libpq keyword string) and migrate. NULL with the reason in *why (not
 * naming the store: urne_store_open_why). */
urne_store *urne_pg_open(const char *conninfo, urne_phrase *why);
/* 1 when `where` is a libpq keyword string (service=NAME, host=... dbname=...):
 * it starts with one of libpq's keywords and '='. A file of such a name is
 * opened as sqlite:PATH. */
int urne_pg_is_conninfo(const char *where);

#endif
