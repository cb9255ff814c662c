/*
 * store_sql: the SQL texts SQLite and PostgreSQL share, and the check that they
 * bind alike in both (store_sql.h says why it is needed).
 */
#include "store_sql.h"

#include <stdlib.h>

#include "store_backend.h"

/* ---- disputes ---- */

const char urne_sql_dispute_get[] = URNE_SQL_DISPUTE_COLS " WHERE id = $1";
const char urne_sql_dispute_open_for[] =
    URNE_SQL_DISPUTE_COLS " WHERE election_id = $1 AND bureau_idx = $2 AND state = 'open' ORDER BY id DESC LIMIT 1";
const char urne_sql_dispute_update[] = "UPDATE disputes SET state = $1, decision = $2, decision_reason = $3,"
                                       " decided_by = $4, decided_at = $5, figures_after = $6"
                                       " WHERE id = $7 AND state = $8";
const char urne_sql_dispute_each[] = URNE_SQL_DISPUTE_COLS " WHERE election_id = $1 ORDER BY id";

#define TEXT(c, field) {c, #field, offsetof(urne_dispute, field), sizeof ((urne_dispute *)0)->field}
const urne_store_text_col urne_sql_dispute_texts[] = {
    TEXT(4, state),           TEXT(5, reason),     TEXT(6, opened_by),       TEXT(7, opened_at),
    TEXT(8, deadline),        TEXT(9, decision),   TEXT(10, decision_reason), TEXT(11, decided_by),
    TEXT(12, decided_at),     TEXT(13, figures_before), TEXT(14, figures_after),
};
#undef TEXT
const size_t urne_sql_dispute_ntexts = sizeof urne_sql_dispute_texts / sizeof urne_sql_dispute_texts[0];

/* ---- grants ---- */

const char urne_sql_grant_put[] = "INSERT INTO grants(user_id, space, role, tier) VALUES ($1, $2, $3, $4)"
                                  " ON CONFLICT(user_id, space) DO UPDATE SET role = excluded.role,"
                                  " tier = excluded.tier";
const char urne_sql_grant_del[] = "DELETE FROM grants WHERE user_id = $1 AND space = $2";
const char urne_sql_grant_get[] = "SELECT user_id, space, role, tier FROM grants WHERE user_id = $1 AND space = $2";

int urne_store_grant_row_check(urne_store *s, urne_store_grant *g, const char *role) {
    char why[160];
    if (!urne_space_valid(g->space, why, sizeof why) || g->space[0] == 0)
        return urne_store_fail(s, "grants.space of user %lld's grant '%s' is not a space: %s", (long long)g->user,
                               g->space, g->space[0] ? why : "it is empty");
    if (role == NULL || urne_role_parse(role, &g->role) < 0 || g->role == URNE_ROLE_PUBLIC)
        return urne_store_fail(s, "grants.role of user %lld in '%s' is not a role", (long long)g->user, g->space);
    return 0;
}

/* ---- notices ---- */

const char urne_sql_notice_put[] = "INSERT INTO notices(title, body, published_at, published_by)"
                                   " VALUES ($1, $2, $3, $4) RETURNING id";
const char urne_sql_notice_each[] = "SELECT id, title, body, published_at, published_by FROM notices ORDER BY id DESC";

#define TEXT(c, field) {c, #field, offsetof(urne_notice, field), sizeof ((urne_notice *)0)->field}
const urne_store_text_col urne_sql_notice_texts[] = {
    TEXT(1, title), TEXT(2, body), TEXT(3, published_at), TEXT(4, published_by),
};
#undef TEXT
const size_t urne_sql_notice_ntexts = sizeof urne_sql_notice_texts / sizeof urne_sql_notice_texts[0];

/* ---- initiatives ---- */

const char urne_sql_initiative_put[] =
    "INSERT INTO initiatives(title, space, rules, state, authority_key, hash_key, created_at, created_by,"
    " changed_at, reasons, answer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
const char urne_sql_initiative_get[] = URNE_SQL_INITIATIVE_COLS " WHERE id = $1";
const char urne_sql_initiative_update[] =
    "UPDATE initiatives SET state = $1, changed_at = $2, reasons = $3, answer = $4 WHERE id = $5 AND state = $6";
const char urne_sql_initiative_each[] = URNE_SQL_INITIATIVE_COLS " ORDER BY id";

#define TEXT(c, field) {c, #field, offsetof(urne_initiative_row, field), sizeof ((urne_initiative_row *)0)->field}
const urne_store_text_col urne_sql_initiative_texts[] = {
    TEXT(1, title),      TEXT(2, space),      TEXT(3, rules),   TEXT(4, state),  TEXT(5, authority_key),
    TEXT(6, hash_key),   TEXT(7, created_at), TEXT(8, created_by), TEXT(9, changed_at), TEXT(10, reasons),
    TEXT(11, answer),
};
#undef TEXT
const size_t urne_sql_initiative_ntexts = sizeof urne_sql_initiative_texts / sizeof urne_sql_initiative_texts[0];

const char urne_sql_initiative_roll_put[] =
    "INSERT INTO initiative_roll(initiative_id, key_hash, index_hash, territory, sealed)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (initiative_id, key_hash) DO NOTHING";
const char urne_sql_initiative_roll_find[] =
    "SELECT key_hash, index_hash, territory, sealed FROM initiative_roll WHERE initiative_id = $1 AND key_hash = $2";
const char urne_sql_initiative_roll_homonyms[] =
    "SELECT count(*) FROM initiative_roll WHERE initiative_id = $1 AND index_hash = $2";
const char urne_sql_initiative_roll_counts[] =
    "SELECT territory, count(*) FROM initiative_roll WHERE initiative_id = $1 GROUP BY territory";

const char urne_sql_initiative_sign[] =
    "INSERT INTO initiative_signatures(initiative_id, dedup, territory, sealed, receipt, signed_at, marks)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (initiative_id, dedup) DO NOTHING RETURNING id";
const char urne_sql_initiative_receipt[] = URNE_SQL_SIGNATURE_COLS " WHERE initiative_id = $1 AND receipt = $2";
const char urne_sql_initiative_signature_get[] = URNE_SQL_SIGNATURE_COLS " WHERE initiative_id = $1 AND id = $2";
const char urne_sql_initiative_invalidate[] =
    "UPDATE initiative_signatures SET invalid = $1 WHERE initiative_id = $2 AND id = $3 AND invalid = ''";
const char urne_sql_initiative_signatures_each[] = URNE_SQL_SIGNATURE_COLS " WHERE initiative_id = $1 ORDER BY id";

#define TEXT(c, field)                                                                                       \
    {c, #field, offsetof(urne_initiative_signature, field), sizeof ((urne_initiative_signature *)0)->field}
const urne_store_text_col urne_sql_signature_texts[] = {
    TEXT(2, dedup), TEXT(3, territory), TEXT(4, sealed), TEXT(5, receipt), TEXT(6, signed_at), TEXT(7, marks),
    TEXT(8, invalid),
};
#undef TEXT
const size_t urne_sql_signature_ntexts = sizeof urne_sql_signature_texts / sizeof urne_sql_signature_texts[0];

/* ---- users and sessions ---- */

const char urne_sql_user_find[] = "SELECT id, name, role, tier, pw_hash FROM users WHERE name = $1";
const char urne_sql_user_get[] = "SELECT id, name, role, tier FROM users WHERE id = $1";
const char urne_sql_user_count[] = "SELECT count(*) FROM users";
const char urne_sql_user_each[] = "SELECT id, name, role, tier FROM users ORDER BY id";
const char urne_sql_session_put[] =
    "INSERT INTO sessions(token_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)";
const char urne_sql_session_get[] = "SELECT u.id, u.name, u.role, u.tier, s.csrf FROM sessions s"
                                    " JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2";
const char urne_sql_session_delete[] = "DELETE FROM sessions WHERE token_hash = $1";

/* ---- the check ---- */

const char *const urne_store_sql_texts[] = {
    urne_sql_dispute_get, urne_sql_dispute_open_for, urne_sql_dispute_update, urne_sql_dispute_each,
    urne_sql_grant_put,   urne_sql_grant_del,        urne_sql_grant_get,      urne_sql_notice_put,
    urne_sql_notice_each, urne_sql_user_find,         urne_sql_user_get,        urne_sql_user_count,
    urne_sql_user_each,   urne_sql_session_put,       urne_sql_session_get,     urne_sql_session_delete,
    urne_sql_initiative_put, urne_sql_initiative_get, urne_sql_initiative_update, urne_sql_initiative_each,
    urne_sql_initiative_roll_put, urne_sql_initiative_roll_find, urne_sql_initiative_roll_homonyms,
    urne_sql_initiative_roll_counts, urne_sql_initiative_sign, urne_sql_initiative_receipt,
    urne_sql_initiative_signature_get, urne_sql_initiative_invalidate, urne_sql_initiative_signatures_each, NULL,
};

int urne_store_sql_ordered(const char *sql) {
    long next = 1; /* the number a parameter not seen yet must have */
    for (const char *p = sql; *p; p++) {
        if (*p != '$' || p[1] < '0' || p[1] > '9') continue;
        char *end;
        long n = strtol(p + 1, &end, 10);
        if (n == next)
            next++;
        else if (n <= 0 || n > next)
            return 0; /* a number skipped, or $0 */
        p = end - 1;
    }
    return 1;
}
