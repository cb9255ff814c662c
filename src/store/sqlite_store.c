/*
 * sqlite_store: the store on SQLite, urne's embedded backend: opening, the
 * schema and its migrations, transactions, backup, and the helpers the other
 * sqlite_*.c files use around statements. The table of functions the store
 * dispatches through (store_backend.h) is assembled here from each domain's.
 *
 * One file (urne.db), WAL mode so that readers never wait for the writer,
 * synchronous=NORMAL (in WAL mode a committed transaction survives the process
 * being killed; only a power cut may lose the last ones), foreign keys on, a
 * page cache of 8 MiB and reads through a memory map of up to 2 GiB (SQLite's
 * most, SQLITE_MAX_MMAP_SIZE): a roll of a million electors with its signatures
 * is some 1.2 GB, which without the map is read back with a system call per
 * page at each signature; the map is the operating system's page cache, shared,
 * not memory of the process's own. The cache holds what the map cannot (the
 * pages written, those past 2 GiB) and is kept small because SQLite walks all of
 * it at most commits: an index split renumbers pages through the one at the
 * 1 GiB lock byte, and the commit's truncation of the cache above the file's
 * end then scans the whole cache (pcache1TruncateUnsafe: 2 to 4.5 % of a
 * signature's CPU at 64 MiB, 1.6 to 1.8 % at 8 MiB; bench/RESULTS.md, rate18).
 * The connections are opened through urne's VFS, sqlite_walbuf.c: SQLite's
 * "unix" one, but the WAL's writes reach the file in one write per commit
 * instead of two per page. The WAL is copied back into the
 * database every 4,096 pages (16 MiB) instead of SQLite's 1,000: a page written
 * again and again (an index's last leaf, at every signature) is copied back once
 * per checkpoint, so fewer checkpoints copy fewer pages. A server copies it by a
 * thread of its own, off the writers' path (sqlite_checkpoint.c). The
 * schema is versioned with PRAGMA user_version; `migrations` below are applied in
 * order at open, each in its own transaction, and never edited once released: a
 * change is a new migration. A database at a version newer than this urne knows
 * is refused, not opened.
 *
 * Hot statements (a sheet's update, an entry, an audit append) are prepared once
 * and kept; the rest are prepared when used. The columns are TEXT without a
 * length: the limits are the interface's (store.c refuses longer values before
 * they are written, urne_sql_col refuses them when read).
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"
#include "sqlite_walbuf.h"
#include "store_sql.h"

#define URNE_SQLITE_CACHE_KIB "8192"     /* PRAGMA cache_size in KiB (negative: KiB) */
#define URNE_SQLITE_MMAP "2147418112"    /* PRAGMA mmap_size in bytes */
#define URNE_SQLITE_STR(x) #x
#define URNE_SQLITE_XSTR(x) URNE_SQLITE_STR(x)

/* RETURNING: a new row's id comes back so in texts shared with PostgreSQL
 * (store_sql.h). */
#if SQLITE_VERSION_NUMBER < 3035000
#error "urne needs SQLite 3.35 or later (RETURNING)"
#endif

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
    /* 3: the notices (the example component) */
    "CREATE TABLE notices(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,"
    "  published_at TEXT NOT NULL, published_by TEXT NOT NULL);",
    /* 4: roles held in spaces below the site, and the space an election belongs to */
    "CREATE TABLE grants(user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  space TEXT NOT NULL CHECK(space <> ''),"
    "  role TEXT NOT NULL CHECK(role IN ('observer','secretary','commission','admin')),"
    "  tier INTEGER NOT NULL DEFAULT 1 CHECK(tier IN (1,2)), PRIMARY KEY(user_id, space));"
    "ALTER TABLE elections ADD COLUMN space TEXT NOT NULL DEFAULT '';",
    /* 5: the time zone of the place where an election is held (IANA name) */
    "ALTER TABLE elections ADD COLUMN zone TEXT NOT NULL DEFAULT 'Europe/Paris' CHECK(zone <> '');",
    /* 6: citizens' initiatives, their rolls and signatures (store_initiatives.h) */
    "CREATE TABLE initiatives(id INTEGER PRIMARY KEY, title TEXT NOT NULL, space TEXT NOT NULL DEFAULT '',"
    "  rules TEXT NOT NULL, state TEXT NOT NULL, authority_key TEXT NOT NULL, hash_key TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, created_by TEXT NOT NULL, changed_at TEXT NOT NULL,"
    "  reasons TEXT NOT NULL DEFAULT '', answer TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE initiative_roll(initiative_id INTEGER NOT NULL REFERENCES initiatives(id),"
    "  key_hash TEXT NOT NULL, index_hash TEXT NOT NULL, territory TEXT NOT NULL, sealed TEXT NOT NULL,"
    "  PRIMARY KEY(initiative_id, key_hash));"
    "CREATE INDEX initiative_roll_index ON initiative_roll(initiative_id, index_hash);"
    "CREATE TABLE initiative_signatures(id INTEGER PRIMARY KEY, initiative_id INTEGER NOT NULL"
    "  REFERENCES initiatives(id), dedup TEXT NOT NULL, territory TEXT NOT NULL, sealed TEXT NOT NULL,"
    "  receipt TEXT NOT NULL, signed_at TEXT NOT NULL, marks TEXT NOT NULL DEFAULT '',"
    "  invalid TEXT NOT NULL DEFAULT '', UNIQUE(initiative_id, dedup), UNIQUE(initiative_id, receipt));",
    /* 7: the matching's campaigns, hosts, pupils, rankings, rounds' results and
     * offers (store_matches.h) */
    "CREATE TABLE match_campaigns(id INTEGER PRIMARY KEY, name TEXT NOT NULL, space TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL CHECK(state IN ('draft','collecting','run','published','closed')),"
    "  method TEXT NOT NULL CHECK(method IN ('da','ttc','serial')),"
    "  tie TEXT NOT NULL CHECK(tie IN ('single','multiple')), seed INTEGER NOT NULL,"
    "  round INTEGER NOT NULL DEFAULT 0, final_round INTEGER NOT NULL DEFAULT 0, deadline TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE match_hosts(campaign_id INTEGER NOT NULL REFERENCES match_campaigns(id), key TEXT NOT NULL,"
    "  name TEXT NOT NULL DEFAULT '', capacity INTEGER NOT NULL CHECK(capacity >= 0),"
    "  reserved INTEGER NOT NULL DEFAULT 0 CHECK(reserved >= 0 AND reserved <= capacity),"
    "  weeks TEXT NOT NULL DEFAULT '', kept TEXT NOT NULL DEFAULT '{}', owner INTEGER NOT NULL DEFAULT 0,"
    "  code_hash TEXT NOT NULL DEFAULT '', PRIMARY KEY(campaign_id, key));"
    "CREATE INDEX match_hosts_code ON match_hosts(campaign_id, code_hash);"
    "CREATE TABLE match_pupils(campaign_id INTEGER NOT NULL REFERENCES match_campaigns(id), key TEXT NOT NULL,"
    "  school TEXT NOT NULL DEFAULT '', priority INTEGER NOT NULL DEFAULT 0, lottery TEXT NOT NULL DEFAULT '',"
    "  week TEXT NOT NULL DEFAULT '', kept TEXT NOT NULL DEFAULT '{}', wishes TEXT NOT NULL DEFAULT '',"
    "  code_hash TEXT NOT NULL, PRIMARY KEY(campaign_id, key));"
    "CREATE INDEX match_pupils_code ON match_pupils(campaign_id, code_hash);"
    "CREATE TABLE match_rankings(campaign_id INTEGER NOT NULL REFERENCES match_campaigns(id), host TEXT NOT NULL,"
    "  pupil TEXT NOT NULL, rank INTEGER NOT NULL, PRIMARY KEY(campaign_id, host, pupil));"
    "CREATE TABLE match_results(campaign_id INTEGER NOT NULL REFERENCES match_campaigns(id), round INTEGER NOT NULL,"
    "  pupil TEXT NOT NULL, host TEXT NOT NULL DEFAULT '', wish INTEGER NOT NULL DEFAULT 0,"
    "  lottery INTEGER NOT NULL DEFAULT 0, explanation TEXT NOT NULL DEFAULT '[]', PRIMARY KEY(campaign_id, round, pupil));"
    "CREATE TABLE match_offers(campaign_id INTEGER NOT NULL REFERENCES match_campaigns(id), round INTEGER NOT NULL,"
    "  pupil TEXT NOT NULL, host TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK(state IN ('offered','accepted','refused','expired')),"
    "  deadline TEXT NOT NULL, answered_at TEXT NOT NULL DEFAULT '', PRIMARY KEY(campaign_id, round, pupil));"
    "CREATE INDEX match_offers_pupil ON match_offers(campaign_id, pupil, round);",
    /* 8: forums, their posts and bans (store_forums.h); the moderator's role in grants */
    "CREATE TABLE forums(id INTEGER PRIMARY KEY, attached TEXT NOT NULL, title TEXT NOT NULL,"
    "  mode TEXT NOT NULL CHECK(mode IN ('a-priori','a-posteriori','closed')),"
    "  visitors INTEGER NOT NULL DEFAULT 0 CHECK(visitors IN (0,1)), created_at TEXT NOT NULL,"
    "  created_by TEXT NOT NULL);"
    "CREATE TABLE forum_posts(id INTEGER PRIMARY KEY, forum_id INTEGER NOT NULL REFERENCES forums(id),"
    "  parent_id INTEGER NOT NULL DEFAULT 0, thread_id INTEGER NOT NULL DEFAULT 0, title TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL, author_user INTEGER NOT NULL DEFAULT 0, author_key TEXT NOT NULL,"
    "  author_name TEXT NOT NULL, email TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL CHECK(state IN ('waiting','published','rejected','hidden')),"
    "  flags TEXT NOT NULL DEFAULT '', score INTEGER NOT NULL DEFAULT 0, links INTEGER NOT NULL DEFAULT 0,"
    "  sent_at INTEGER NOT NULL, decided_by TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL DEFAULT '',"
    "  reason TEXT NOT NULL DEFAULT '', edited_body TEXT NOT NULL DEFAULT '', edit_note TEXT NOT NULL DEFAULT '',"
    "  token_hash TEXT NOT NULL UNIQUE, address TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX forum_posts_queue ON forum_posts(forum_id, state, id, sent_at);"
    "CREATE INDEX forum_posts_threads ON forum_posts(forum_id, parent_id, state, id);"
    "CREATE INDEX forum_posts_thread ON forum_posts(thread_id, state, id);"
    "CREATE INDEX forum_posts_state ON forum_posts(state, id, forum_id, sent_at);"
    "CREATE TABLE forum_bans(id INTEGER PRIMARY KEY, forum_id INTEGER NOT NULL DEFAULT 0,"
    "  kind TEXT NOT NULL CHECK(kind IN ('address','author')), value TEXT NOT NULL CHECK(value <> ''),"
    "  reason TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
    "CREATE INDEX forum_bans_value ON forum_bans(value);"
    /* SQLite cannot change a CHECK: grants is made again with 'moderator' allowed
     * (nothing refers to it; the rows copied as they are, in this one transaction). */
    "CREATE TABLE grants_v8(user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  space TEXT NOT NULL CHECK(space <> ''),"
    "  role TEXT NOT NULL CHECK(role IN ('observer','secretary','commission','admin','moderator')),"
    "  tier INTEGER NOT NULL DEFAULT 1 CHECK(tier IN (1,2)), PRIMARY KEY(user_id, space));"
    "INSERT INTO grants_v8(user_id, space, role, tier) SELECT user_id, space, role, tier FROM grants;"
    "DROP TABLE grants;"
    "ALTER TABLE grants_v8 RENAME TO grants;",
    /* 9: the signatures counted per territory from an index alone (a recount of
     * ten million reads the index, not the rows and their sealed identities) */
    "CREATE INDEX initiative_signatures_count ON initiative_signatures(initiative_id, territory, invalid);",
    /* 10: the valid signatures by time from an index alone (holding the id, as
     * every SQLite index does): the counter's signatures per day and the
     * verification sample's population read it, not the rows */
    "CREATE INDEX initiative_signatures_valid ON initiative_signatures(initiative_id, invalid, signed_at);",
    /* 11: secrets every server on the database shares (the forums' form key) */
    "CREATE TABLE secrets(name TEXT PRIMARY KEY, value TEXT NOT NULL);",
    /* 12: one-time codes by letter bound to the electors of the roll (issue 18,
     * store_initiatives.h): a roll entry's code hash, letter and birth date, and
     * the letter a signature by code came from (for the authority's export) */
    "ALTER TABLE initiative_roll ADD COLUMN code_hash TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE initiative_roll ADD COLUMN letter TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE initiative_roll ADD COLUMN born TEXT NOT NULL DEFAULT '';"
    "CREATE UNIQUE INDEX initiative_roll_code ON initiative_roll(initiative_id, code_hash) WHERE code_hash <> '';"
    "ALTER TABLE initiative_signatures ADD COLUMN letter TEXT NOT NULL DEFAULT '';",
    /* 13: the matching's distances between communes, a campaign's maximum
     * distance, and each round's report (store_matches.h) */
    "CREATE TABLE match_distances(campaign_id INTEGER NOT NULL REFERENCES match_campaigns(id),"
    "  commune_a TEXT NOT NULL, commune_b TEXT NOT NULL, km INTEGER NOT NULL CHECK(km >= 0),"
    "  PRIMARY KEY(campaign_id, commune_a, commune_b));"
    "CREATE TABLE match_limits(campaign_id INTEGER NOT NULL PRIMARY KEY REFERENCES match_campaigns(id),"
    "  max_km INTEGER NOT NULL CHECK(max_km >= 0));"
    "CREATE TABLE match_runs(campaign_id INTEGER NOT NULL REFERENCES match_campaigns(id), round INTEGER NOT NULL,"
    "  report TEXT NOT NULL, PRIMARY KEY(campaign_id, round));",
    /* 14: lighter petitions confirmed by e-mail (store_mail.h): the signatures
     * waiting for their link to be followed, and the mails' durable outbox */
    "CREATE TABLE initiative_pending(id INTEGER PRIMARY KEY, initiative_id INTEGER NOT NULL REFERENCES initiatives(id),"
    "  email_hash TEXT NOT NULL, token_hash TEXT NOT NULL, territory TEXT NOT NULL, sealed TEXT NOT NULL,"
    "  marks TEXT NOT NULL, state TEXT NOT NULL, requested_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
    "  signature_id INTEGER NOT NULL, UNIQUE(initiative_id, email_hash));"
    "CREATE UNIQUE INDEX initiative_pending_token ON initiative_pending(token_hash);"
    "CREATE INDEX initiative_pending_expiry ON initiative_pending(state, expires_at);"
    "CREATE TABLE mail_outbox(id INTEGER PRIMARY KEY, object TEXT NOT NULL, recipient TEXT NOT NULL,"
    "  subject TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, tries INTEGER NOT NULL,"
    "  next_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, created_at TEXT NOT NULL, done_at TEXT NOT NULL,"
    "  error TEXT NOT NULL);"
    "CREATE INDEX mail_outbox_due ON mail_outbox(state, next_at);"
    "CREATE INDEX mail_outbox_object ON mail_outbox(object);",
    /* 15: receipts that need no random index of their own (issue 18): a receipt
     * made now carries its signature's id, and the row keeps the hash of its
     * secret part (proof), read by the primary key; the receipts made before
     * keep their hash in receipt, found through a unique index of those rows
     * alone (receipt <> ''). SQLite cannot drop a table constraint's index: the
     * table is made again, its rows copied as they are, its indexes made again,
     * in this one transaction (nothing refers to it). */
    "CREATE TABLE initiative_signatures_v15(id INTEGER PRIMARY KEY, initiative_id INTEGER NOT NULL"
    "  REFERENCES initiatives(id), dedup TEXT NOT NULL, territory TEXT NOT NULL, sealed TEXT NOT NULL,"
    "  receipt TEXT NOT NULL DEFAULT '', signed_at TEXT NOT NULL, marks TEXT NOT NULL DEFAULT '',"
    "  invalid TEXT NOT NULL DEFAULT '', letter TEXT NOT NULL DEFAULT '', proof TEXT NOT NULL DEFAULT '',"
    "  UNIQUE(initiative_id, dedup));"
    "INSERT INTO initiative_signatures_v15(id, initiative_id, dedup, territory, sealed, receipt, signed_at, marks,"
    "  invalid, letter) SELECT id, initiative_id, dedup, territory, sealed, receipt, signed_at, marks, invalid, letter"
    "  FROM initiative_signatures ORDER BY id;"
    "DROP TABLE initiative_signatures;"
    "ALTER TABLE initiative_signatures_v15 RENAME TO initiative_signatures;"
    "CREATE UNIQUE INDEX initiative_signatures_receipt ON initiative_signatures(initiative_id, receipt)"
    "  WHERE receipt <> '';"
    "CREATE INDEX initiative_signatures_count ON initiative_signatures(initiative_id, territory, invalid);"
    "CREATE INDEX initiative_signatures_valid ON initiative_signatures(initiative_id, invalid, signed_at);",
    /* 16: fewer pages written per signature (issue 18, sign18e): the count
     * index (initiative_id, territory, invalid) took a new entry at one of a
     * hundred places (a territory's last), one more page in the WAL per
     * signature of a group; it and the index by time give way to one index
     * whose new entries land at its end (a valid signature's invalid is '',
     * its time the latest, and within a second its id the highest: the id
     * before the territory, else the second's entries went to a hundred
     * places again), carrying the territory: the counts per territory read it
     * whole (sqlite_initiatives.c adds them up), the days, the valid ids and
     * the sample its prefix, as they read the index by time. 3.07 WAL frames
     * a signature became 1.98 (bench/RESULTS.md). */
    "DROP INDEX initiative_signatures_count;"
    "DROP INDEX initiative_signatures_valid;"
    "CREATE INDEX initiative_signatures_tally ON initiative_signatures(initiative_id, invalid, signed_at, id,"
    "  territory);",
    /* 17: no unique index on the signatures' dedup hashes (issue 18): a random
     * key per signature in an index was a page written per signature, twice
     * (the WAL, the checkpoint). The deduplication is a set in memory, kept
     * exact under SQLite's write lock (sqlite_dedup.h), read from an index of
     * the rows in order of id, whose new entries land at its end. The table is
     * made again without its constraint, as at 15. */
    "CREATE TABLE initiative_signatures_v17(id INTEGER PRIMARY KEY, initiative_id INTEGER NOT NULL"
    "  REFERENCES initiatives(id), dedup TEXT NOT NULL, territory TEXT NOT NULL, sealed TEXT NOT NULL,"
    "  receipt TEXT NOT NULL DEFAULT '', signed_at TEXT NOT NULL, marks TEXT NOT NULL DEFAULT '',"
    "  invalid TEXT NOT NULL DEFAULT '', letter TEXT NOT NULL DEFAULT '', proof TEXT NOT NULL DEFAULT '');"
    "INSERT INTO initiative_signatures_v17(id, initiative_id, dedup, territory, sealed, receipt, signed_at, marks,"
    "  invalid, letter, proof) SELECT id, initiative_id, dedup, territory, sealed, receipt, signed_at, marks,"
    "  invalid, letter, proof FROM initiative_signatures ORDER BY id;"
    "DROP TABLE initiative_signatures;"
    "ALTER TABLE initiative_signatures_v17 RENAME TO initiative_signatures;"
    "CREATE UNIQUE INDEX initiative_signatures_receipt ON initiative_signatures(initiative_id, receipt)"
    "  WHERE receipt <> '';"
    "CREATE INDEX initiative_signatures_tally ON initiative_signatures(initiative_id, invalid, signed_at, id,"
    "  territory);"
    "CREATE INDEX initiative_signatures_order ON initiative_signatures(initiative_id, id, dedup);",
    /* 18: the roll's counts per territory kept beside it (issue 18, national
     * scale): every start counted them by grouping the whole roll, 2.5 s a
     * million electors (some two minutes at each restart with a national roll
     * of 47 million); now a row per territory, kept in the transaction that
     * adds or removes an entry (store_sql.c), counted here once from the roll. */
    "CREATE TABLE initiative_roll_territories(initiative_id INTEGER NOT NULL REFERENCES initiatives(id),"
    "  territory TEXT NOT NULL, electors INTEGER NOT NULL, anonymous INTEGER NOT NULL,"
    "  PRIMARY KEY(initiative_id, territory));"
    "INSERT INTO initiative_roll_territories(initiative_id, territory, electors, anonymous)"
    "  SELECT initiative_id, territory, count(*), sum(CASE WHEN code_hash = '' AND letter <> '' THEN 1 ELSE 0 END)"
    "  FROM initiative_roll GROUP BY initiative_id, territory;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int urne_sql_fail(urne_store *s, const char *what) {
    return urne_store_fail(s, "%s: %s", what, sqlite3_errmsg(urne_sql_db(s)));
}

sqlite3_stmt *urne_sql_stmt(urne_store *s, const char *sql) {
    urne_sqlite *q = urne_sq(s);
    for (int i = 0; i < NCACHED; i++) {
        if (q->cache[i].sql == sql) {
            sqlite3_reset(q->cache[i].st);
            sqlite3_clear_bindings(q->cache[i].st);
            return q->cache[i].st;
        }
        if (q->cache[i].sql == NULL) {
            if (sqlite3_prepare_v2(q->db, sql, -1, &q->cache[i].st, NULL) != SQLITE_OK) {
                urne_sql_fail(s, "preparing a statement");
                return NULL;
            }
            q->cache[i].sql = sql;
            return q->cache[i].st;
        }
    }
    urne_store_fail(s, "statement cache full");
    return NULL;
}

sqlite3_stmt *urne_sql_stmt_idle(urne_store *s, const char *sql, int *busy) {
    urne_sqlite *q = urne_sq(s);
    *busy = 0;
    for (int i = 0; i < NCACHED; i++) {
        if (q->cache[i].sql == NULL) return urne_sql_stmt(s, sql); /* not cached yet: a free slot */
        if (q->cache[i].sql != sql) continue;
        if (sqlite3_stmt_busy(q->cache[i].st)) break;
        return urne_sql_stmt(s, sql);
    }
    *busy = 1; /* being stepped, or the cache full: the caller prepares one for its use */
    return NULL;
}

sqlite3_stmt *urne_sql_prepare(urne_store *s, const char *sql, const char *what) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(urne_sql_db(s), sql, -1, &st, NULL) == SQLITE_OK) return st;
    urne_sql_fail(s, what);
    return NULL;
}

static int exec(urne_store *s, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(urne_sql_db(s), sql, NULL, NULL, &msg) != SQLITE_OK) {
        urne_store_fail(s, "%s", msg ? msg : "SQLite error");
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

int urne_sql_col(urne_store *s, sqlite3_stmt *st, int i, char *out, size_t size, const char *table,
                 const char *column, const char *row_fmt, ...) {
    va_list ap;
    va_start(ap, row_fmt);
    int rc = urne_store_vcopy(s, out, size, urne_sql_text(st, i), table, column, row_fmt, ap);
    va_end(ap);
    return rc;
}

int urne_sql_cols(urne_store *s, sqlite3_stmt *st, const urne_store_text_col *cols, size_t n, void *base,
                  const char *table, int64_t id) {
    for (size_t k = 0; k < n; k++)
        if (urne_sql_col(s, st, cols[k].col, (char *)base + cols[k].offset, cols[k].size, table, cols[k].name,
                         "%lld", (long long)id) < 0)
            return -1;
    return 0;
}

int urne_sql_step_done(urne_store *s, sqlite3_stmt *st, const char *what) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, what);
}

/* ---- the core operations ---- */

static int sq_schema_version(urne_store *s) {
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(urne_sql_db(s), "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int migrate(urne_store *s) {
    int v = sq_schema_version(s);
    if (v < 0) return urne_sql_fail(s, "reading the schema version");
    if (v > NMIGRATIONS)
        return urne_store_fail(s, "the database is at schema version %d, newer than this urne knows (%d): upgrade urne",
                               v, NMIGRATIONS);
    for (; v < NMIGRATIONS; v++) {
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec(s, "BEGIN IMMEDIATE") < 0) return -1;
        if (exec(s, migrations[v]) < 0 || exec(s, pragma) < 0) {
            urne_store_said keep;
            urne_store_keep(s, &keep);
            exec(s, "ROLLBACK");
            return urne_store_fail(s, "migration %d: %.480s", v + 1, keep.error);
        }
        if (exec(s, "COMMIT") < 0) return -1;
    }
    return 0;
}

static void sq_close(urne_store *s) {
    urne_sqlite *q = urne_sq(s);
    urne_sqlite_checkpointer_stop(q); /* its thread joined before the database is closed */
    for (int i = 0; i < NCACHED; i++)
        if (q->cache[i].st) sqlite3_finalize(q->cache[i].st);
    sqlite3_close(q->db); /* rolls back a transaction left open */
    urne_store_own_destroy(&q->own);
    urne_sqlite_dedup_free(&q->dedup);
    free(q);
}

urne_store *urne_sqlite_open(const char *path, urne_phrase *why) {
    urne_sqlite *q = calloc(1, sizeof *q);
    if (q == NULL) {
        urne_phrase_set(why, "out of memory");
        return NULL;
    }
    q->base.ops = &urne_sqlite_ops;
    urne_store_own_init(&q->own);
    urne_store *s = &q->base;
    if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        urne_sqlite_walbuf_vfs()) !=
        SQLITE_OK) {
        urne_phrase_set(why, "cannot open the database: %s", sqlite3_errmsg(q->db));
        sqlite3_close(q->db);
        free(q);
        return NULL;
    }
    sqlite3_busy_timeout(q->db, 5000);
    /* A file that is no SQLite database fails at its first statement: said as the open's failure. */
    if (exec(s, "PRAGMA journal_mode = WAL") < 0 || exec(s, "PRAGMA synchronous = NORMAL") < 0 ||
        exec(s, "PRAGMA cache_size = -" URNE_SQLITE_CACHE_KIB) < 0 || exec(s, "PRAGMA mmap_size = " URNE_SQLITE_MMAP) < 0 ||
        exec(s, "PRAGMA wal_autocheckpoint = " URNE_SQLITE_XSTR(URNE_SQLITE_CHECKPOINT_PAGES)) < 0 ||
        exec(s, "PRAGMA foreign_keys = ON") < 0) {
        urne_phrase_set(why, "cannot open the database: %s", s->error);
        sq_close(s);
        return NULL;
    }
    if (migrate(s) < 0 || urne_sqlite_load_head(s) < 0) {
        *why = s->why;
        sq_close(s);
        return NULL;
    }
    urne_sq(s)->opened_seq = urne_sq(s)->head_seq;
    return s;
}

static int sq_backup(urne_store *s, const char *dest) {
    sqlite3 *out;
    if (sqlite3_open(dest, &out) != SQLITE_OK) {
        urne_store_fail(s, "%s: cannot open: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(out, "main", urne_sql_db(s), "main");
    int rc = SQLITE_ERROR;
    if (b) {
        rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
    }
    if (rc != SQLITE_DONE) urne_store_fail(s, "%s: backup failed: %s", dest, sqlite3_errmsg(out));
    sqlite3_close(out);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* A write transaction. The signatures' dedup sets (sqlite_dedup.h) follow its
 * begin, commit and rollback. */
static int sq_begin(urne_store *s) {
    if (exec(s, "BEGIN IMMEDIATE") < 0) return -1; /* one already open keeps its seqs */
    urne_sq(s)->txn_first = urne_sq(s)->txn_last = 0;
    urne_sqlite_dedup_begin(&urne_sq(s)->dedup);
    return 0;
}

static void sq_rollback(urne_store *s) {
    urne_sqlite *q = urne_sq(s);
    urne_store_said keep;
    urne_store_keep(s, &keep);
    exec(s, "ROLLBACK");
    if (q->txn_first) urne_store_own_settle(&q->own, 0); /* its seqs go to the next writer */
    q->txn_first = q->txn_last = 0;
    urne_sqlite_dedup_rollback(&q->dedup);
    urne_sqlite_load_head(s);
    urne_store_restore(s, &keep);
}

/* The transaction's audit seqs are noted in flight before COMMIT and kept once
 * it returned (store_own.h), so that the watch, reading the log beside, never
 * takes them for another process's; a transaction that appended none (a
 * signature) costs nothing here. */
static int sq_commit(urne_store *s) {
    urne_sqlite *q = urne_sq(s);
    if (q->txn_first) urne_store_own_flight(&q->own, q->txn_first, q->txn_last);
    if (exec(s, "COMMIT") == 0) {
        if (q->txn_first) urne_store_own_settle(&q->own, 1);
        q->txn_first = q->txn_last = 0;
        urne_sqlite_dedup_commit(&q->dedup);
        return 0;
    }
    sq_rollback(s);
    return -1;
}

/* A read transaction: SQLite takes its snapshot at the first read, made here. */
static int sq_read_begin(urne_store *s) {
    char *msg = NULL;
    if (sqlite3_exec(urne_sql_db(s), "BEGIN DEFERRED; SELECT count(*) FROM audit_head", NULL, NULL, &msg) ==
        SQLITE_OK)
        return 0;
    urne_store_fail(s, "starting a read: %s", msg ? msg : "SQLite error");
    sqlite3_free(msg);
    /* BEGIN may have run and the read failed: no transaction is left open, or the
     * next write's BEGIN would fail within it (review finding). */
    if (!sqlite3_get_autocommit(urne_sql_db(s))) sqlite3_exec(urne_sql_db(s), "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static void sq_read_end(urne_store *s) { sqlite3_exec(urne_sql_db(s), "COMMIT", NULL, NULL, NULL); }

static const urne_store_core_ops core_ops = {
    .close = sq_close,
    .schema_version = sq_schema_version,
    .backup = sq_backup,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .checkpointer = urne_sqlite_checkpointer_start,
    .checkpoints = urne_sqlite_checkpointer_counts,
    .checkpoint_close = urne_sqlite_checkpointer_close,
};

const urne_store_ops urne_sqlite_ops = {
    .name = "SQLite",
    .core = &core_ops,
    .users = &urne_sqlite_user_ops,
    .elections = &urne_sqlite_election_ops,
    .disputes = &urne_sqlite_dispute_ops,
    .audit = &urne_sqlite_audit_ops,
    .notices = &urne_sqlite_notice_ops,
    .initiatives = &urne_sqlite_initiative_ops,
    .matches = &urne_sqlite_match_ops,
    .forums = &urne_sqlite_forum_ops,
    .grants = &urne_sqlite_grant_ops,
    .rows = &urne_sqlite_row_ops,
    .watch = &urne_sqlite_watch_ops, /* the command line's changes, read from the log (sqlite_watch.c) */
};
