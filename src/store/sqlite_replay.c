/*
 * sqlite_replay: the rows `urne audit verify` compares with the audit log, read as
 * they are, on SQLite (see store.h for the contracts, audit/replay.h for why).
 *
 * These readers do not go through the loaders the server uses: a tampered row must
 * be seen as written (a state that is not a state, figures that are not figures),
 * never repaired or skipped on the way. Each reads one table in order of id.
 *
 * The structure digest stands for what an election's bureaux and candidates are
 * called (levels, contests, candidates, colleges, each bureau's keys, codes and
 * labels): SHA-256 over every such column in a fixed order, each value preceded by
 * its length ("-" for NULL). election.create records it; verify recomputes it, so
 * two candidates' names swapped by hand do not carry each other's votes unseen.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

int urne_store_read_begin(urne_store *s) {
    char *msg = NULL;
    if (sqlite3_exec(s->db, "BEGIN DEFERRED; SELECT count(*) FROM audit_head", NULL, NULL, &msg) == SQLITE_OK) return 0;
    snprintf(s->error, sizeof s->error, "starting a read: %s", msg ? msg : "SQLite error");
    sqlite3_free(msg);
    return -1;
}

void urne_store_read_end(urne_store *s) { sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL); }

static const char *col(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

typedef int (*sheet_fn)(int64_t election, size_t bureau, const char *key, const char *label,
                        const urne_audit_sheet *sheet, void *ctx);

/* The caller's callback, the one of the four that is set. */
typedef struct walker {
    int (*election)(const urne_audit_election *m, void *ctx);
    sheet_fn sheet;
    int (*typed)(int64_t election, size_t bureau, const char *key, const char *label, const urne_audit_typed *t,
                 void *ctx);
    int (*dispute)(const urne_audit_dispute *d, void *ctx);
    int (*user)(const urne_audit_user *u, void *ctx);
    int (*assignment)(int64_t user, int64_t election, size_t bureau, void *ctx);
    void *ctx;
    urne_store *store; /* for the elections' structure digests */
} walker;

/* Step through every row of sql, calling row(st, w) on each; its return value
 * stops the walk when non-zero. */
static int walk(urne_store *s, const char *sql, const char *what, int (*row)(sqlite3_stmt *st, const walker *w),
                const walker *w) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, what);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) stop = row(st, w);
    if (!stop && rc != SQLITE_DONE) urne_sql_fail(s, what);
    sqlite3_finalize(st);
    return stop ? stop : rc == SQLITE_DONE ? 0 : -1;
}

/* A figures column: 1 with the figures, 0 when NULL or empty, -1 when the text is
 * not figures JSON. */
static int figures_col(sqlite3_stmt *st, int i, urne_figures *f) {
    memset(f, 0, sizeof *f);
    const char *t = col(st, i);
    if (!*t) return 0;
    return urne_figures_parse_json(t, f) == 0 ? 1 : -1;
}

/* An election's row, its columns found by name: the columns a later migration adds
 * (a reopened publication) read "" on a database that does not have them yet. */
static int election_row(sqlite3_stmt *st, const walker *w) {
    urne_audit_election m = {.full = 1};
    struct { const char *name; char *out; size_t size; } texts[] = {
        {"title", m.title, sizeof m.title},
        {"preset", m.preset, sizeof m.preset},
        {"settings", m.settings, sizeof m.settings},
        {"deadline", m.deadline, sizeof m.deadline},
        {"created_at", m.created_at, sizeof m.created_at},
        {"published_at", m.published_at, sizeof m.published_at},
        {"published_digest", m.published_digest, sizeof m.published_digest},
        {"reopened_at", m.reopened_at, sizeof m.reopened_at},
        {"reopened_reason", m.reopened_reason, sizeof m.reopened_reason},
        {"previous_published_at", m.previous_published_at, sizeof m.previous_published_at},
        {"previous_digest", m.previous_digest, sizeof m.previous_digest},
        {"previous_reopened_at", m.previous_reopened_at, sizeof m.previous_reopened_at},
        {"previous_reopened_reason", m.previous_reopened_reason, sizeof m.previous_reopened_reason},
    };
    for (int i = 0; i < sqlite3_column_count(st); i++) {
        const char *name = sqlite3_column_name(st, i);
        if (strcmp(name, "id") == 0) m.id = sqlite3_column_int64(st, i);
        if (strcmp(name, "round") == 0) m.round = sqlite3_column_int(st, i);
        if (strcmp(name, "double_entry") == 0) m.double_entry = sqlite3_column_int(st, i);
        if (strcmp(name, "nbureaux") == 0) m.nbureaux = (size_t)sqlite3_column_int64(st, i);
        for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
            if (strcmp(name, texts[k].name) == 0) snprintf(texts[k].out, texts[k].size, "%s", col(st, i));
    }
    if (urne_store_structure_digest(w->store, m.id, m.structure) < 0) return -1;
    return w->election(&m, w->ctx);
}

int urne_store_audit_elections(urne_store *s, int (*fn)(const urne_audit_election *m, void *ctx), void *ctx) {
    return walk(s,
                "SELECT e.*, (SELECT count(*) FROM bureaux b WHERE b.election_id = e.id) AS nbureaux"
                " FROM elections e ORDER BY id",
                "reading elections", election_row, &(walker){.election = fn, .ctx = ctx, .store = s});
}

/* The last non-empty part of a SEP-joined text (a bureau's key or label at the
 * deepest level that has one). */
static void last_part(const char *text, char *out, size_t size) {
    out[0] = 0;
    for (const char *p = text;; p++) {
        const char *end = strchr(p, '\x1f');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n) snprintf(out, size, "%.*s", (int)n, p);
        if (end == NULL) break;
        p = end;
    }
}

static int sheet_row(sqlite3_stmt *st, const walker *w) {
    urne_audit_sheet sh = {0};
    char key[512], label[512];
    last_part(col(st, 2), key, sizeof key);
    last_part(col(st, 3), label, sizeof label);
    snprintf(sh.state, sizeof sh.state, "%s", col(st, 4));
    sh.has_figures = figures_col(st, 5, &sh.figures);
    snprintf(sh.entered_at, sizeof sh.entered_at, "%s", col(st, 6));
    sh.entered_by = sqlite3_column_int64(st, 7);
    sh.validated_once = sqlite3_column_int(st, 8);
    sh.changed_after_validation = sqlite3_column_int(st, 9);
    int64_t idx = sqlite3_column_int64(st, 1);
    return w->sheet(sqlite3_column_int64(st, 0), idx >= 0 ? (size_t)idx : SIZE_MAX, key, label, &sh, w->ctx);
}

int urne_store_audit_sheets(urne_store *s, sheet_fn fn, void *ctx) {
    return walk(s,
                "SELECT election_id, idx, keys, labels, state, figures, entered_at, entered_by, validated_once,"
                " changed_after_validation FROM bureaux ORDER BY election_id, idx",
                "reading bureaux", sheet_row, &(walker){.sheet = fn, .ctx = ctx});
}

static int typed_row(sqlite3_stmt *st, const walker *w) {
    urne_audit_typed t = {.user = sqlite3_column_int64(st, 2)};
    t.has_figures = figures_col(st, 3, &t.figures);
    char key[512], label[512];
    last_part(col(st, 4), key, sizeof key);
    last_part(col(st, 5), label, sizeof label);
    int64_t idx = sqlite3_column_int64(st, 1);
    return w->typed(sqlite3_column_int64(st, 0), idx >= 0 ? (size_t)idx : SIZE_MAX, key, label, &t, w->ctx);
}

int urne_store_audit_typed(urne_store *s,
                           int (*fn)(int64_t election, size_t bureau, const char *key, const char *label,
                                     const urne_audit_typed *t, void *ctx),
                           void *ctx) {
    return walk(s,
                "SELECT e.election_id, e.bureau_idx, e.user_id, e.figures, b.keys, b.labels FROM entries e"
                " LEFT JOIN bureaux b ON b.election_id = e.election_id AND b.idx = e.bureau_idx"
                " ORDER BY e.election_id, e.bureau_idx, e.id",
                "reading typed entries", typed_row, &(walker){.typed = fn, .ctx = ctx});
}

static int dispute_row(sqlite3_stmt *st, const walker *w) {
    urne_audit_dispute d = {0};
    d.id = sqlite3_column_int64(st, 0);
    d.election = sqlite3_column_int64(st, 1);
    d.bureau = sqlite3_column_int64(st, 2);
    d.tier = sqlite3_column_int(st, 3);
    struct { int i; char *out; size_t size; } texts[] = {
        {4, d.state, sizeof d.state},         {5, d.reason, sizeof d.reason},
        {6, d.opened_by, sizeof d.opened_by}, {7, d.opened_at, sizeof d.opened_at},
        {8, d.deadline, sizeof d.deadline},   {9, d.decision, sizeof d.decision},
        {10, d.decision_reason, sizeof d.decision_reason}, {11, d.decided_by, sizeof d.decided_by},
        {12, d.decided_at, sizeof d.decided_at},
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        snprintf(texts[k].out, texts[k].size, "%s", col(st, texts[k].i));
    d.has_before = figures_col(st, 13, &d.before);
    d.has_after = figures_col(st, 14, &d.after);
    d.escalated_from = sqlite3_column_int64(st, 15);
    return w->dispute(&d, w->ctx);
}

int urne_store_audit_disputes(urne_store *s, int (*fn)(const urne_audit_dispute *d, void *ctx), void *ctx) {
    return walk(s,
                "SELECT id, election_id, bureau_idx, tier, state, reason, opened_by, opened_at, deadline, decision,"
                " decision_reason, decided_by, decided_at, figures_before, figures_after, escalated_from"
                " FROM disputes ORDER BY id",
                "reading disputes", dispute_row, &(walker){.dispute = fn, .ctx = ctx});
}

static int user_row(sqlite3_stmt *st, const walker *w) {
    urne_audit_user u = {.id = sqlite3_column_int64(st, 0), .tier = sqlite3_column_int(st, 3)};
    snprintf(u.name, sizeof u.name, "%s", col(st, 1));
    snprintf(u.role, sizeof u.role, "%s", col(st, 2));
    return w->user(&u, w->ctx);
}

int urne_store_audit_users(urne_store *s, int (*fn)(const urne_audit_user *u, void *ctx), void *ctx) {
    return walk(s, "SELECT id, name, role, tier FROM users ORDER BY id", "reading accounts", user_row,
                &(walker){.user = fn, .ctx = ctx});
}

/* Absorb every column of every row of sql (bound to the election) into st. */
static int absorb_rows(urne_store *s, crypto_hash_sha256_state *h, const char *sql, int64_t election) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return urne_sql_fail(s, "reading the structure");
    sqlite3_bind_int64(st, 1, election);
    int rc, n = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < n; i++) {
            char len[32];
            const unsigned char *v = sqlite3_column_text(st, i);
            int k = v ? snprintf(len, sizeof len, "%d:", sqlite3_column_bytes(st, i)) : snprintf(len, sizeof len, "-");
            crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
            if (v) crypto_hash_sha256_update(h, v, (unsigned long long)sqlite3_column_bytes(st, i));
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading the structure");
}

int urne_store_structure_digest(urne_store *s, int64_t election, char out[65]) {
    static const char *const parts[] = {
        "SELECT levels, contest_level FROM elections WHERE id = ?",
        "SELECT idx, key, label FROM contests WHERE election_id = ? ORDER BY idx",
        "SELECT idx, contest_idx, name, grp, sex, birth_date, panel, first_name, last_name FROM candidates"
        " WHERE election_id = ? ORDER BY idx",
        "SELECT idx, name, weight FROM colleges WHERE election_id = ? ORDER BY idx",
        "SELECT idx, contest_idx, college_idx, keys, codes, labels FROM bureaux WHERE election_id = ? ORDER BY idx",
    };
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        crypto_hash_sha256_update(&h, (const unsigned char *)"|", 1); /* tables apart */
        if (absorb_rows(s, &h, parts[i], election) < 0) return -1;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(out, 65, digest, sizeof digest);
    return 0;
}

static int assignment_row(sqlite3_stmt *st, const walker *w) {
    int64_t idx = sqlite3_column_int64(st, 2);
    return w->assignment(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), idx >= 0 ? (size_t)idx : SIZE_MAX,
                         w->ctx);
}

int urne_store_audit_assignments(urne_store *s, int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx),
                                 void *ctx) {
    return walk(s, "SELECT user_id, election_id, bureau_idx FROM assignments ORDER BY user_id, election_id, bureau_idx",
                "reading assignments", assignment_row, &(walker){.assignment = fn, .ctx = ctx});
}
