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
    urne_sql_user_each,   urne_sql_session_put,       urne_sql_session_get,     urne_sql_session_delete, NULL,
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
