/*
 * store_rows: the tables a whole store holds, described once for both backends,
 * and the copy of a store into another (store_rows.h says why rows, and what is
 * and is not copied).
 *
 * The copy, urne_store_transfer, knows no SQL: it reads each table of the source
 * through the source's backend and inserts the rows through the destination's,
 * table by table in an order where every row comes after the rows it refers to.
 * Around it: both stores at the schema the descriptions are written for; the
 * source in one read transaction (a server may be writing: the copy is of one
 * moment); the destination in one write transaction, found empty inside it
 * (another writer cannot fill it in between), checked afterwards (the audit chain
 * recomputed from its first entry, the head compared with the source's) and only
 * then committed. A failure anywhere rolls the destination back.
 *
 * Speed: rows go straight from the source's cursor to the destination's insert
 * (one prepared INSERT on SQLite, COPY on PostgreSQL), never all held in memory.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "store_backend.h"

#define I(n) (1u << (n))

const urne_store_table urne_store_tables[] = {
    {"users", 6, {"id", "name", "pw_hash", "role", "tier", "created_at"}, I(0) | I(4), "id", "id"},
    {"elections",
     20,
     {"id", "title", "round", "preset", "settings", "levels", "contest_level", "double_entry", "deadline",
      "created_at", "published_at", "published_digest", "reopened_at", "reopened_reason", "previous_published_at",
      "previous_digest", "previous_reopened_at", "previous_reopened_reason", "space", "zone"},
     I(0) | I(2) | I(6) | I(7),
     "id",
     "id"},
    {"contests", 4, {"election_id", "idx", "key", "label"}, I(0) | I(1), "election_id, idx", NULL},
    {"candidates",
     10,
     {"election_id", "idx", "contest_idx", "name", "grp", "sex", "birth_date", "panel", "first_name", "last_name"},
     I(0) | I(1) | I(2) | I(7),
     "election_id, idx",
     NULL},
    {"colleges", 4, {"election_id", "idx", "name", "weight"}, I(0) | I(1) | I(3), "election_id, idx", NULL},
    {"bureaux",
     13,
     {"election_id", "idx", "contest_idx", "college_idx", "keys", "codes", "labels", "state", "figures", "entered_at",
      "entered_by", "validated_once", "changed_after_validation"},
     I(0) | I(1) | I(2) | I(3) | I(10) | I(11) | I(12),
     "election_id, idx",
     NULL},
    {"entries", 6, {"id", "election_id", "bureau_idx", "user_id", "figures", "at"}, I(0) | I(1) | I(2) | I(3), "id",
     "id"},
    {"assignments", 3, {"user_id", "election_id", "bureau_idx"}, I(0) | I(1) | I(2),
     "user_id, election_id, bureau_idx", NULL},
    {"disputes",
     16,
     {"id", "election_id", "bureau_idx", "tier", "state", "reason", "opened_by", "opened_at", "deadline", "decision",
      "decision_reason", "decided_by", "decided_at", "figures_before", "figures_after", "escalated_from"},
     I(0) | I(1) | I(2) | I(3) | I(15),
     "id",
     "id"},
    {"notices", 5, {"id", "title", "body", "published_at", "published_by"}, I(0), "id", "id"},
    {"grants", 4, {"user_id", "space", "role", "tier"}, I(0) | I(3), "user_id, space", NULL},
    {"initiatives",
     12,
     {"id", "title", "space", "rules", "state", "authority_key", "hash_key", "created_at", "created_by", "changed_at",
      "reasons", "answer"},
     I(0),
     "id",
     "id"},
    {"initiative_roll", 8,
     {"initiative_id", "key_hash", "index_hash", "territory", "sealed", "code_hash", "letter", "born"}, I(0),
     "initiative_id, key_hash", NULL},
    {"initiative_roll_territories", 4, {"initiative_id", "territory", "electors", "anonymous"},
     I(0) | I(2) | I(3), "initiative_id, territory", NULL},
    {"initiative_signatures",
     11,
     {"id", "initiative_id", "dedup", "territory", "sealed", "receipt", "signed_at", "marks", "invalid", "letter",
      "proof"},
     I(0) | I(1),
     "id",
     "id"},
    {"match_campaigns",
     12,
     {"id", "name", "space", "state", "method", "tie", "seed", "round", "final_round", "deadline", "created_at",
      "created_by"},
     I(0) | I(6) | I(7) | I(8),
     "id",
     "id"},
    {"match_hosts", 9, {"campaign_id", "key", "name", "capacity", "reserved", "weeks", "kept", "owner", "code_hash"},
     I(0) | I(3) | I(4) | I(7), "campaign_id, key", NULL},
    {"match_pupils",
     9,
     {"campaign_id", "key", "school", "priority", "lottery", "week", "kept", "wishes", "code_hash"},
     I(0) | I(3),
     "campaign_id, key",
     NULL},
    {"match_rankings", 4, {"campaign_id", "host", "pupil", "rank"}, I(0) | I(3), "campaign_id, host, pupil", NULL},
    {"match_results", 7, {"campaign_id", "round", "pupil", "host", "wish", "lottery", "explanation"},
     I(0) | I(1) | I(4) | I(5), "campaign_id, round, pupil", NULL},
    {"match_offers", 7, {"campaign_id", "round", "pupil", "host", "state", "deadline", "answered_at"}, I(0) | I(1),
     "campaign_id, round, pupil", NULL},
    {"match_distances", 4, {"campaign_id", "commune_a", "commune_b", "km"}, I(0) | I(3),
     "campaign_id, commune_a, commune_b", NULL},
    {"match_limits", 2, {"campaign_id", "max_km"}, I(0) | I(1), "campaign_id", NULL},
    {"match_runs", 3, {"campaign_id", "round", "report"}, I(0) | I(1), "campaign_id, round", NULL},
    {"forums", 7, {"id", "attached", "title", "mode", "visitors", "created_at", "created_by"}, I(0) | I(4), "id", "id"},
    {"forum_posts",
     22,
     {"id", "forum_id", "parent_id", "thread_id", "title", "body", "author_user", "author_key", "author_name", "email",
      "state", "flags", "score", "links", "sent_at", "decided_by", "decided_at", "reason", "edited_body", "edit_note",
      "token_hash", "address"},
     I(0) | I(1) | I(2) | I(3) | I(6) | I(12) | I(13) | I(14),
     "id",
     "id"},
    {"secrets", 2, {"name", "value"}, 0, "name", NULL},
    {"initiative_pending",
     11,
     {"id", "initiative_id", "email_hash", "token_hash", "territory", "sealed", "marks", "state", "requested_at",
      "expires_at", "signature_id"},
     I(0) | I(1) | I(8) | I(9) | I(10),
     "id",
     "id"},
    {"mail_outbox",
     12,
     {"id", "object", "recipient", "subject", "body", "state", "tries", "next_at", "expires_at", "created_at",
      "done_at", "error"},
     I(0) | I(6) | I(7) | I(8),
     "id",
     "id"},
    {"forum_bans", 7, {"id", "forum_id", "kind", "value", "reason", "created_at", "created_by"}, I(0) | I(1), "id",
     "id"},
    {"audit", 9, {"seq", "at", "actor", "action", "object", "before", "after", "prev", "hash"}, I(0), "seq", NULL},
    {"audit_head", 3, {"id", "seq", "hash"}, I(0) | I(1), "id", NULL},
};
const size_t urne_store_ntables = sizeof urne_store_tables / sizeof urne_store_tables[0];

_Static_assert(sizeof urne_store_tables / sizeof urne_store_tables[0] <=
                   sizeof((urne_store_transfer_stats *)0)->rows / sizeof(int64_t),
               "the stats hold a count per table");

/* ---- what both backends share ---- */

/* Append the table's columns, quoted and separated by commas. */
static size_t put_columns(const urne_store_table *t, char *out, size_t size, size_t at) {
    for (int i = 0; i < t->ncolumns && at < size; i++)
        at += (size_t)snprintf(out + at, size - at, "%s\"%s\"", i ? ", " : "", t->columns[i]);
    return at;
}

int urne_store_rows_select_sql(const urne_store_table *t, char *out, size_t size) {
    size_t at = (size_t)snprintf(out, size, "SELECT ");
    at = put_columns(t, out, size, at);
    if (at < size) at += (size_t)snprintf(out + at, size - at, " FROM \"%s\" ORDER BY %s", t->name, t->order);
    return at < size ? 0 : -1;
}

int urne_store_rows_insert_sql(const urne_store_table *t, char *out, size_t size) {
    size_t at = (size_t)snprintf(out, size, "INSERT INTO \"%s\"(", t->name);
    at = put_columns(t, out, size, at);
    if (at < size) at += (size_t)snprintf(out + at, size - at, ") VALUES (");
    for (int i = 0; i < t->ncolumns && at < size; i++)
        at += (size_t)snprintf(out + at, size - at, "%s$%d", i ? ", " : "", i + 1);
    if (at < size) at += (size_t)snprintf(out + at, size - at, ")");
    return at < size ? 0 : -1;
}

int urne_store_rows_check_columns(urne_store *s, const urne_store_table *t, const char *const *names, int n) {
    for (int i = 0; i < n; i++) {
        int known = 0;
        for (int j = 0; j < t->ncolumns && !known; j++) known = strcmp(names[i], t->columns[j]) == 0;
        if (!known)
            return urne_store_fail(s, "table %s has a column %s that this urne does not know how to copy (refused, "
                                      "not left behind)", t->name, names[i]);
    }
    if (n != t->ncolumns)
        return urne_store_fail(s, "table %s has %d columns where this urne copies %d", t->name, n, t->ncolumns);
    return 0;
}

/* ---- the interface's functions ---- */

int urne_store_rows_count(urne_store *s, const urne_store_table *t, int64_t *n) {
    assert(t && n);
    return s->ops->rows->count(s, t, n);
}

int urne_store_rows_each(urne_store *s, const urne_store_table *t, urne_store_row_fn fn, void *ctx) {
    assert(t && fn && t->ncolumns <= URNE_STORE_ROWS_MAXCOLS);
    return s->ops->rows->each(s, t, fn, ctx);
}

urne_store_rows_writer *urne_store_rows_put_begin(urne_store *s, const urne_store_table *t) {
    assert(t && t->ncolumns <= URNE_STORE_ROWS_MAXCOLS);
    return s->ops->rows->put_begin(s, t);
}

int urne_store_rows_put(urne_store_rows_writer *w, const char *const *values) {
    assert(w && values);
    if (w->failed) return -1;
    int rc = w->s->ops->rows->put(w, values);
    if (rc < 0) w->failed = 1;
    else w->rows++;
    return rc;
}

int urne_store_rows_put_end(urne_store_rows_writer *w) { return w ? w->s->ops->rows->put_end(w) : 0; }

int urne_store_rows_settle(urne_store *s) { return s->ops->rows->settle(s); }

/* ---- the copy ---- */

typedef struct transfer {
    urne_store_rows_writer *w;
    const urne_store_table *t;
    urne_store_progress_fn progress;
    void *ctx;
    int64_t done, total;
} transfer;

enum { PROGRESS_EVERY = 5000 };

static int put_row(const char *const *values, void *ctx) {
    transfer *x = ctx;
    if (urne_store_rows_put(x->w, values) < 0) return 1;
    if (++x->done % PROGRESS_EVERY == 0 && x->progress) x->progress(x->t->name, x->done, x->total, x->ctx);
    return 0;
}

/* Say in err what failed on s ("the source"/"the destination" as side). */
static int failed(urne_store *s, const char *side, char *err, size_t errsize) {
    snprintf(err, errsize, "%s: %s", side, urne_store_error(s));
    return URNE_STORE_TRANSFER_FAILED;
}

/* Both stores at the schema the descriptions are written for. */
static int same_schema(urne_store *from, urne_store *to, char *err, size_t errsize) {
    int a = urne_store_schema_version(from), b = urne_store_schema_version(to);
    if (a == URNE_STORE_ROWS_SCHEMA && b == URNE_STORE_ROWS_SCHEMA) return 0;
    snprintf(err, errsize,
             "this urne copies stores at schema version %d; the source is at version %d, the destination at %d",
             URNE_STORE_ROWS_SCHEMA, a, b);
    return URNE_STORE_TRANSFER_SCHEMA;
}

/* Inside the destination's write: every table empty, and the source's counts
 * (a source with no row at all is refused: most likely a mistyped name). */
static int count_all(urne_store *from, urne_store *to, urne_store_transfer_stats *st, char *err, size_t errsize) {
    for (size_t i = 0; i < urne_store_ntables; i++) {
        int64_t n = 0;
        if (urne_store_rows_count(to, &urne_store_tables[i], &n) < 0) return failed(to, "the destination", err, errsize);
        if (n > 0) {
            st->table = urne_store_tables[i].name;
            st->table_rows = n;
            return URNE_STORE_TRANSFER_NOT_EMPTY;
        }
        if (urne_store_rows_count(from, &urne_store_tables[i], &st->rows[i]) < 0)
            return failed(from, "the source", err, errsize);
        st->total += st->rows[i];
    }
    if (st->total == 0) {
        snprintf(err, errsize, "the source holds nothing to copy (no account, no election, no audit entry)");
        return URNE_STORE_TRANSFER_FAILED;
    }
    return 0;
}

/* Copy table i, of `expected` rows. 0 or a URNE_STORE_TRANSFER_* code. */
static int copy_table(urne_store *from, urne_store *to, size_t i, int64_t expected, transfer *x, char *err,
                      size_t errsize) {
    x->t = &urne_store_tables[i];
    x->w = urne_store_rows_put_begin(to, x->t);
    if (x->w == NULL) return failed(to, "the destination", err, errsize);
    int64_t before = x->done;
    int rc = urne_store_rows_each(from, x->t, put_row, x);
    int end = urne_store_rows_put_end(x->w);
    x->w = NULL;
    if (rc < 0) return failed(from, "the source", err, errsize);
    if (rc > 0 || end < 0) return failed(to, "the destination", err, errsize);
    if (x->done - before != expected) {
        snprintf(err, errsize, "the source: table %s: %lld rows counted, %lld read", x->t->name,
                 (long long)expected, (long long)(x->done - before));
        return URNE_STORE_TRANSFER_FAILED;
    }
    return 0;
}

static int check_entry(const urne_audit_entry *e, void *ctx) { return urne_audit_check_next(ctx, e) < 0 ? 1 : 0; }

/* The chain as the destination now holds it, from its first entry, and its head
 * the source's. 0 or a URNE_STORE_TRANSFER_* code. */
static int check_chain(urne_store *from, urne_store *to, urne_store_transfer_stats *st, char *err, size_t errsize) {
    int64_t seq = 0;
    char hash[URNE_AUDIT_HASH_HEX];
    if (urne_store_audit_head(from, &st->head_seq, st->head_hash) < 0) return failed(from, "the source", err, errsize);
    if (urne_store_audit_head(to, &seq, hash) < 0) return failed(to, "the destination", err, errsize);
    urne_audit_check chk;
    urne_audit_check_init(&chk);
    if (urne_store_audit_each(to, 1, check_entry, &chk) < 0) return failed(to, "the destination", err, errsize);
    if (chk.bad_seq == 0) urne_audit_check_end(&chk, seq, hash);
    if (chk.bad_seq == 0 && (seq != st->head_seq || strcmp(hash, st->head_hash) != 0)) {
        chk.bad_seq = seq;
        snprintf(chk.why, sizeof chk.why, "the head is entry %lld (%.64s) where the source's is entry %lld (%.64s)",
                 (long long)seq, hash, (long long)st->head_seq, st->head_hash);
    }
    if (chk.bad_seq == 0) return 0;
    st->bad_seq = chk.bad_seq;
    snprintf(st->why, sizeof st->why, "%s", chk.why);
    return URNE_STORE_TRANSFER_CHAIN;
}

/* Everything between the two transactions' starts and their ends. */
static int transfer_in(urne_store *from, urne_store *to, transfer *x, urne_store_transfer_stats *st, char *err,
                       size_t errsize) {
    int rc = count_all(from, to, st, err, errsize);
    if (rc < 0) return rc;
    x->total = st->total;
    for (size_t i = 0; i < urne_store_ntables && rc == 0; i++) rc = copy_table(from, to, i, st->rows[i], x, err, errsize);
    if (rc < 0) return rc;
    if (x->progress) x->progress("", x->done, x->total, x->ctx);
    if (urne_store_rows_settle(to) < 0) return failed(to, "the destination", err, errsize);
    return check_chain(from, to, st, err, errsize);
}

int urne_store_transfer(urne_store *from, urne_store *to, urne_store_progress_fn progress, void *ctx,
                        urne_store_transfer_stats *st, char *err, size_t errsize) {
    assert(from && to && st && err && errsize > 0);
    memset(st, 0, sizeof *st);
    err[0] = 0;
    int rc = same_schema(from, to, err, errsize);
    if (rc < 0) return rc;
    if (urne_store_read_begin(from) < 0) return failed(from, "the source", err, errsize);
    if (urne_store_begin(to) < 0) {
        urne_store_read_end(from);
        return failed(to, "the destination", err, errsize);
    }
    transfer x = {.progress = progress, .ctx = ctx};
    rc = transfer_in(from, to, &x, st, err, errsize);
    urne_store_read_end(from);
    if (rc < 0) {
        urne_store_rollback(to);
        return rc;
    }
    if (urne_store_commit(to) < 0) return failed(to, "the destination", err, errsize);
    return 0;
}
