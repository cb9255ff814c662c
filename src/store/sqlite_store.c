/*
 * sqlite_store: the store on SQLite, urne's embedded default.
 *
 * One file (urne.db), WAL mode so that readers never wait for the writer,
 * synchronous=NORMAL (in WAL mode a committed transaction survives the process
 * being killed; only a power cut may lose the last ones), foreign keys on. The
 * schema is versioned with PRAGMA user_version; `migrations` below are applied in
 * order at open, each in its own transaction, and never edited once released: a
 * change is a new migration.
 *
 * Hot statements (a sheet's update, an entry, an audit append) are prepared once
 * and kept; the rest are prepared when used.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite_internal.h"

static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, pw_hash TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK(role IN ('observer','secretary','commission','admin')),"
    "  tier INTEGER NOT NULL DEFAULT 1 CHECK(tier IN (1,2)), created_at TEXT NOT NULL);"
    "CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id)"
    "  ON DELETE CASCADE, csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);"
    "CREATE TABLE elections(id INTEGER PRIMARY KEY, title TEXT NOT NULL, round INTEGER NOT NULL,"
    "  preset TEXT NOT NULL, settings TEXT NOT NULL DEFAULT '', levels TEXT NOT NULL,"
    "  contest_level INTEGER NOT NULL, double_entry INTEGER NOT NULL DEFAULT 0, deadline TEXT,"
    "  created_at TEXT NOT NULL, published_at TEXT, published_digest TEXT);"
    "CREATE TABLE contests(election_id INTEGER NOT NULL REFERENCES elections(id), idx INTEGER NOT NULL,"
    "  key TEXT NOT NULL, label TEXT, PRIMARY KEY(election_id, idx));"
    "CREATE TABLE candidates(election_id INTEGER NOT NULL REFERENCES elections(id), idx INTEGER NOT NULL,"
    "  contest_idx INTEGER NOT NULL, name TEXT NOT NULL, grp TEXT, sex TEXT, birth_date TEXT,"
    "  panel INTEGER NOT NULL DEFAULT 0, first_name TEXT, last_name TEXT, PRIMARY KEY(election_id, idx));"
    "CREATE TABLE colleges(election_id INTEGER NOT NULL REFERENCES elections(id), idx INTEGER NOT NULL,"
    "  name TEXT NOT NULL, weight INTEGER NOT NULL, PRIMARY KEY(election_id, idx));"
    "CREATE TABLE bureaux(election_id INTEGER NOT NULL REFERENCES elections(id), idx INTEGER NOT NULL,"
    "  contest_idx INTEGER NOT NULL, college_idx INTEGER, keys TEXT NOT NULL, codes TEXT NOT NULL,"
    "  labels TEXT NOT NULL, state TEXT NOT NULL, figures TEXT, entered_at TEXT, entered_by INTEGER"
    "  REFERENCES users(id), validated_once INTEGER NOT NULL DEFAULT 0,"
    "  changed_after_validation INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(election_id, idx));"
    "CREATE TABLE entries(id INTEGER PRIMARY KEY, election_id INTEGER NOT NULL, bureau_idx INTEGER NOT NULL,"
    "  user_id INTEGER NOT NULL REFERENCES users(id), figures TEXT NOT NULL, at TEXT NOT NULL,"
    "  FOREIGN KEY(election_id, bureau_idx) REFERENCES bureaux(election_id, idx));"
    "CREATE INDEX entries_bureau ON entries(election_id, bureau_idx);"
    "CREATE TABLE assignments(user_id INTEGER NOT NULL REFERENCES users(id), election_id INTEGER NOT NULL,"
    "  bureau_idx INTEGER NOT NULL, PRIMARY KEY(user_id, election_id, bureau_idx),"
    "  FOREIGN KEY(election_id, bureau_idx) REFERENCES bureaux(election_id, idx));"
    "CREATE TABLE disputes(id INTEGER PRIMARY KEY, election_id INTEGER NOT NULL, bureau_idx INTEGER NOT NULL,"
    "  tier INTEGER NOT NULL, state TEXT NOT NULL CHECK(state IN ('open','decided','escalated')),"
    "  reason TEXT NOT NULL, opened_by TEXT NOT NULL, opened_at TEXT NOT NULL, deadline TEXT,"
    "  decision TEXT, decision_reason TEXT, decided_by TEXT, decided_at TEXT, figures_before TEXT,"
    "  figures_after TEXT, escalated_from INTEGER REFERENCES disputes(id),"
    "  FOREIGN KEY(election_id, bureau_idx) REFERENCES bureaux(election_id, idx));"
    "CREATE INDEX disputes_bureau ON disputes(election_id, bureau_idx);"
    "CREATE TABLE audit(seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
    "  object TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TABLE audit_head(id INTEGER PRIMARY KEY CHECK(id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);",
    /* 2: a publication reopened by a contest, and the publication before the current one */
    "ALTER TABLE elections ADD COLUMN reopened_at TEXT;"
    "ALTER TABLE elections ADD COLUMN reopened_reason TEXT;"
    "ALTER TABLE elections ADD COLUMN previous_published_at TEXT;"
    "ALTER TABLE elections ADD COLUMN previous_digest TEXT;"
    "ALTER TABLE elections ADD COLUMN previous_reopened_at TEXT;"
    "ALTER TABLE elections ADD COLUMN previous_reopened_reason TEXT;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int urne_sql_fail(urne_store *s, const char *what) {
    snprintf(s->error, sizeof s->error, "%s: %s", what, sqlite3_errmsg(s->db));
    return -1;
}

const char *urne_store_error(const urne_store *s) { return s->error; }

/* A prepared statement for sql, reset and with bindings cleared. Statements are
 * cached by the address of their text, so sql must be a string literal. */
sqlite3_stmt *urne_sql_stmt(urne_store *s, const char *sql) {
    for (int i = 0; i < NCACHED; i++) {
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].st);
            sqlite3_clear_bindings(s->cache[i].st);
            return s->cache[i].st;
        }
        if (s->cache[i].sql == NULL) {
            if (sqlite3_prepare_v2(s->db, sql, -1, &s->cache[i].st, NULL) != SQLITE_OK) {
                urne_sql_fail(s, "preparing a statement");
                return NULL;
            }
            s->cache[i].sql = sql;
            return s->cache[i].st;
        }
    }
    snprintf(s->error, sizeof s->error, "statement cache full");
    return NULL;
}

static int exec(urne_store *s, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(s->error, sizeof s->error, "%s", msg ? msg : "SQLite error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

void urne_sql_bind_text(sqlite3_stmt *st, int i, const char *v) {
    if (v && v[0])
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void urne_sql_col_copy(sqlite3_stmt *st, int i, char *out, size_t size) {
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* Run a statement that returns no rows. */
int urne_sql_step_done(urne_store *s, sqlite3_stmt *st, const char *what) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, what);
}

void urne_store_now(char out[24]) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int load_head(urne_store *s) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT seq, hash FROM audit_head WHERE id = 1");
    if (st == NULL) return -1;
    s->head_seq = 0;
    snprintf(s->head_hash, sizeof s->head_hash, "%s", URNE_AUDIT_GENESIS);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s->head_seq = sqlite3_column_int64(st, 0);
        urne_sql_col_copy(st, 1, s->head_hash, sizeof s->head_hash);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading the audit head");
}

int urne_store_schema_version(urne_store *s) {
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int migrate(urne_store *s) {
    int v = urne_store_schema_version(s);
    if (v < 0) return urne_sql_fail(s, "reading the schema version");
    if (v > NMIGRATIONS) {
        snprintf(s->error, sizeof s->error,
                 "the database is at schema version %d, newer than this urne knows (%d): upgrade urne", v,
                 NMIGRATIONS);
        return -1;
    }
    for (; v < NMIGRATIONS; v++) {
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec(s, "BEGIN IMMEDIATE") < 0) return -1;
        if (exec(s, migrations[v]) < 0 || exec(s, pragma) < 0) {
            char keep[sizeof s->error + 32];
            snprintf(keep, sizeof keep, "migration %d: %s", v + 1, s->error);
            exec(s, "ROLLBACK");
            snprintf(s->error, sizeof s->error, "%.500s", keep);
            return -1;
        }
        if (exec(s, "COMMIT") < 0) return -1;
    }
    return 0;
}

urne_store *urne_store_open(const char *path, char *err, size_t errsize) {
    urne_store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errsize, "%s: cannot open the database: %s", path, sqlite3_errmsg(s->db));
        sqlite3_close(s->db);
        free(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (exec(s, "PRAGMA journal_mode = WAL") < 0 || exec(s, "PRAGMA synchronous = NORMAL") < 0 ||
        exec(s, "PRAGMA foreign_keys = ON") < 0 || migrate(s) < 0 || load_head(s) < 0) {
        snprintf(err, errsize, "%s: %s", path, s->error);
        urne_store_close(s);
        return NULL;
    }
    return s;
}

void urne_store_close(urne_store *s) {
    if (s == NULL) return;
    for (int i = 0; i < NCACHED; i++)
        if (s->cache[i].st) sqlite3_finalize(s->cache[i].st);
    sqlite3_close(s->db);
    free(s);
}

int urne_store_backup(urne_store *s, const char *dest) {
    sqlite3 *out;
    if (sqlite3_open(dest, &out) != SQLITE_OK) {
        snprintf(s->error, sizeof s->error, "%s: cannot open: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(out, "main", s->db, "main");
    int rc = SQLITE_ERROR;
    if (b) {
        rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
    }
    if (rc != SQLITE_DONE) snprintf(s->error, sizeof s->error, "%s: backup failed: %s", dest, sqlite3_errmsg(out));
    sqlite3_close(out);
    return rc == SQLITE_DONE ? 0 : -1;
}

int urne_store_begin(urne_store *s) { return exec(s, "BEGIN IMMEDIATE"); }

int urne_store_commit(urne_store *s) {
    if (exec(s, "COMMIT") == 0) return 0;
    urne_store_rollback(s);
    return -1;
}

void urne_store_rollback(urne_store *s) {
    char keep[512];
    snprintf(keep, sizeof keep, "%s", s->error);
    exec(s, "ROLLBACK");
    load_head(s);
    snprintf(s->error, sizeof s->error, "%s", keep);
}

/* ---- audit ---- */

int urne_store_audit(urne_store *s, const char *actor, const char *action, const char *object, const char *before,
                     const char *after) {
    char at[24];
    urne_store_now(at);
    urne_audit_entry e = {.at = at, .actor = actor, .action = action, .object = object,
                          .before = before ? before : "null", .after = after ? after : "null"};
    urne_audit_seal(&e, s->head_seq, s->head_hash);
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO audit(seq, at, actor, action, object, before, after, prev, hash)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, e.seq);
    sqlite3_bind_text(st, 2, e.at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e.actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e.action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e.object, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e.before, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, e.after, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, e.prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, e.hash, -1, SQLITE_STATIC);
    if (urne_sql_step_done(s, st, "appending to the audit log") < 0) return -1;
    st = urne_sql_stmt(s, "INSERT INTO audit_head(id, seq, hash) VALUES (1, ?, ?)"
                 " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, e.seq);
    sqlite3_bind_text(st, 2, e.hash, -1, SQLITE_STATIC);
    if (urne_sql_step_done(s, st, "moving the audit head") < 0) return -1;
    s->head_seq = e.seq;
    memcpy(s->head_hash, e.hash, sizeof s->head_hash);
    return 0;
}

int urne_store_audit_head(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]) {
    if (load_head(s) < 0) return -1;
    *seq = s->head_seq;
    memcpy(hash, s->head_hash, URNE_AUDIT_HASH_HEX);
    return 0;
}

int urne_store_audit_each(urne_store *s, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT seq, at, actor, action, object, before, after, prev, hash FROM audit"
                           " WHERE seq >= ? ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return urne_sql_fail(s, "reading the audit log");
    sqlite3_bind_int64(st, 1, from);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_audit_entry e = {
            .seq = sqlite3_column_int64(st, 0),
            .at = (const char *)sqlite3_column_text(st, 1),
            .actor = (const char *)sqlite3_column_text(st, 2),
            .action = (const char *)sqlite3_column_text(st, 3),
            .object = (const char *)sqlite3_column_text(st, 4),
            .before = (const char *)sqlite3_column_text(st, 5),
            .after = (const char *)sqlite3_column_text(st, 6),
        };
        urne_sql_col_copy(st, 7, e.prev, sizeof e.prev);
        urne_sql_col_copy(st, 8, e.hash, sizeof e.hash);
        stop = fn(&e, ctx);
    }
    if (!stop && rc != SQLITE_DONE) urne_sql_fail(s, "reading the audit log");
    sqlite3_finalize(st);
    return stop ? stop : (rc == SQLITE_DONE ? 0 : -1);
}

/* ---- users and sessions ---- */

static const char *const role_names[] = {"public", "observer", "secretary", "commission", "admin"};

const char *urne_role_name(urne_role r) { return (unsigned)r <= URNE_ROLE_ADMIN ? role_names[r] : "?"; }

int urne_role_parse(const char *name, urne_role *out) {
    for (int i = 0; i <= URNE_ROLE_ADMIN; i++)
        if (strcmp(name, role_names[i]) == 0) {
            *out = (urne_role)i;
            return 0;
        }
    return -1;
}

int64_t urne_store_user_create(urne_store *s, const char *name, const char *pw_hash, urne_role role, int tier) {
    char at[24];
    urne_store_now(at);
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO users(name, pw_hash, role, tier, created_at) VALUES (?, ?, ?, ?, ?)");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, urne_role_name(role), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, tier);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT) return 0;
    if (rc != SQLITE_DONE) return urne_sql_fail(s, "creating a user");
    return sqlite3_last_insert_rowid(s->db);
}

static void user_row(sqlite3_stmt *st, urne_user *u) {
    u->id = sqlite3_column_int64(st, 0);
    urne_sql_col_copy(st, 1, u->name, sizeof u->name);
    char role[16];
    urne_sql_col_copy(st, 2, role, sizeof role);
    if (urne_role_parse(role, &u->role) < 0) u->role = URNE_ROLE_PUBLIC;
    u->tier = sqlite3_column_int(st, 3);
}

int urne_store_user_find(urne_store *s, const char *name, urne_user *out, char *pw_hash, size_t pw_size) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT id, name, role, tier, pw_hash FROM users WHERE name = ?");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        user_row(st, out);
        if (pw_hash) urne_sql_col_copy(st, 4, pw_hash, pw_size);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "finding a user");
}

int urne_store_user_get(urne_store *s, int64_t id, urne_user *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT id, name, role, tier FROM users WHERE id = ?");
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) user_row(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading a user");
}

int urne_store_user_count(urne_store *s) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT count(*) FROM users");
    if (st == NULL) return -1;
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

int urne_store_user_each(urne_store *s, int (*fn)(const urne_user *u, void *ctx), void *ctx) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id, name, role, tier FROM users ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return urne_sql_fail(s, "listing users");
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        urne_user u;
        user_row(st, &u);
        stop = fn(&u, ctx);
    }
    sqlite3_finalize(st);
    return stop;
}

int urne_store_session_put(urne_store *s, const char *token_hash, int64_t user, const char *csrf, int64_t expires) {
    sqlite3_stmt *st = urne_sql_stmt(s, "INSERT INTO sessions(token_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, user);
    sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, expires);
    return urne_sql_step_done(s, st, "opening a session");
}

int urne_store_session_get(urne_store *s, const char *token_hash, int64_t now, urne_user *user, char csrf[65]) {
    sqlite3_stmt *st = urne_sql_stmt(s, "SELECT u.id, u.name, u.role, u.tier, s.csrf FROM sessions s"
                               " JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        user_row(st, user);
        urne_sql_col_copy(st, 4, csrf, 65);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "reading a session");
}

int urne_store_session_delete(urne_store *s, const char *token_hash) {
    sqlite3_stmt *st = urne_sql_stmt(s, "DELETE FROM sessions WHERE token_hash = ?");
    if (st == NULL) return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    return urne_sql_step_done(s, st, "closing a session");
}

/* The figures' JSON codec is in audit_json.c, beside the audit records that carry it. */
