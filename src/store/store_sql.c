/*
 * store_sql: the SQL texts SQLite and PostgreSQL share, and the check that they
 * bind alike in both (store_sql.h says why it is needed).
 */
#include "store_sql.h"

#include <stdlib.h>
#include <string.h>

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
    "INSERT INTO initiative_roll(initiative_id, key_hash, index_hash, territory, sealed, code_hash, letter, born)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (initiative_id, key_hash) DO NOTHING";
#define ROLL_COLS "SELECT key_hash, index_hash, territory, sealed, code_hash, letter, born FROM initiative_roll"
const char urne_sql_initiative_roll_find[] = ROLL_COLS " WHERE initiative_id = $1 AND key_hash = $2";
/* Through the partial unique index of migration 12 (codes are unique per initiative). */
const char urne_sql_initiative_roll_code[] = ROLL_COLS " WHERE initiative_id = $1 AND code_hash = $2 AND code_hash <> ''";
#undef ROLL_COLS
/* An entry with a letter and no code_hash is an anonymous code's (its key the
 * code's hash): it has its code, and is never lettered (its territory's count
 * of anonymous codes would go wrong, migration 18). */
const char urne_sql_initiative_roll_letter[] =
    "UPDATE initiative_roll SET code_hash = $1, letter = $2, born = $3"
    " WHERE initiative_id = $4 AND key_hash = $5 AND code_hash = '' AND letter = ''";
const char urne_sql_initiative_roll_drop_code[] =
    "DELETE FROM initiative_roll WHERE initiative_id = $1 AND key_hash = $2 AND code_hash = '' AND letter <> ''";
const char urne_sql_initiative_roll_unletter[] =
    "UPDATE initiative_roll SET code_hash = '', letter = '', born = ''"
    " WHERE initiative_id = $1 AND key_hash = $2 AND code_hash <> ''";
const char urne_sql_initiative_roll_homonyms[] =
    "SELECT count(*) FROM initiative_roll WHERE initiative_id = $1 AND index_hash = $2";
/* The roll's counts per territory (migration 18): kept by the store beside the
 * roll, in the transaction that adds entries (at its commit, the entries added
 * per territory, store.c) or takes an anonymous code's away (before its
 * DELETE, which the subquery's conditions repeat), so that a start reads a row
 * per territory rather than the whole roll. A territory whose entries are all
 * gone keeps its row at 0, not read back. */
const char urne_sql_initiative_roll_counted[] =
    "INSERT INTO initiative_roll_territories(initiative_id, territory, electors, anonymous) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (initiative_id, territory) DO UPDATE SET"
    " electors = initiative_roll_territories.electors + excluded.electors,"
    " anonymous = initiative_roll_territories.anonymous + excluded.anonymous";
const char urne_sql_initiative_roll_uncounted[] =
    "UPDATE initiative_roll_territories SET electors = electors - 1, anonymous = anonymous - 1"
    " WHERE initiative_id = $1 AND territory = (SELECT territory FROM initiative_roll WHERE initiative_id = $1"
    " AND key_hash = $2 AND code_hash = '' AND letter <> '')";
const char urne_sql_initiative_roll_counts[] =
    "SELECT territory, electors, anonymous FROM initiative_roll_territories WHERE initiative_id = $1 AND electors > 0"
    " ORDER BY territory";

const char urne_sql_initiative_receipt[] =
    URNE_SQL_SIGNATURE_COLS " WHERE initiative_id = $1 AND receipt = $2 AND receipt <> ''";
const char urne_sql_initiative_signature_get[] = URNE_SQL_SIGNATURE_COLS " WHERE initiative_id = $1 AND id = $2";
const char urne_sql_initiative_invalidate[] =
    "UPDATE initiative_signatures SET invalid = $1 WHERE initiative_id = $2 AND id = $3 AND invalid = ''";
const char urne_sql_initiative_signature_counts[] =
    "SELECT territory, sum(CASE WHEN invalid = '' THEN 1 ELSE 0 END), sum(CASE WHEN invalid = '' THEN 0 ELSE 1 END)"
    " FROM initiative_signatures WHERE initiative_id = $1 GROUP BY territory";
/* The days read initiative_signatures_tally alone (migration 16, by validity
 * and time, as the index of migration 10 was): a day is the
 * UTC date signed_at begins with. PostgreSQL's planner groups by day (an
 * index-only scan, then a hash or a sort as it estimates). SQLite would sort
 * every entry for its GROUP BY (a temporary B-tree), and stepping through every
 * entry in C costs some 900 instructions each (0.9 G at a million signatures),
 * so SQLite asks instead for each day in turn: the first time at or after a
 * bound (one seek in the index), then the count of that day's range (counted
 * inside the B-tree, some 80 ns an entry), the next bound being the day followed
 * by '~', above every character an ISO time has after its date. */
const char urne_sql_initiative_signature_days[] =
    "SELECT substr(signed_at, 1, 10), count(*) FROM initiative_signatures WHERE initiative_id = $1 AND invalid = ''"
    " GROUP BY substr(signed_at, 1, 10)";
const char urne_sql_initiative_signature_day_next[] =
    "SELECT min(signed_at) FROM initiative_signatures WHERE initiative_id = $1 AND invalid = '' AND signed_at >= $2";
const char urne_sql_initiative_signature_day_count[] =
    "SELECT count(*) FROM initiative_signatures WHERE initiative_id = $1 AND invalid = '' AND signed_at >= $2"
    " AND signed_at < $3";
/* The counts per territory on SQLite: every entry of initiative_signatures_tally
 * (migration 16), the territory it carries and whether it is invalidated, added
 * up in C (sqlite_initiatives.c): that index is in order of validity and time,
 * so that a new signature's entry lands at its end, and a GROUP BY territory
 * would sort them all. */
const char urne_sql_initiative_tally[] =
    "SELECT invalid <> '', territory FROM initiative_signatures WHERE initiative_id = $1";
const char urne_sql_initiative_valid_ids[] =
    "SELECT id FROM initiative_signatures WHERE initiative_id = $1 AND invalid = ''";
const char urne_sql_initiative_signatures_each[] = URNE_SQL_SIGNATURE_COLS " WHERE initiative_id = $1 ORDER BY id";

#define TEXT(c, field)                                                                                       \
    {c, #field, offsetof(urne_initiative_signature, field), sizeof ((urne_initiative_signature *)0)->field}
const urne_store_text_col urne_sql_signature_texts[] = {
    TEXT(2, dedup), TEXT(3, territory), TEXT(4, sealed), TEXT(5, receipt), TEXT(6, signed_at), TEXT(7, marks),
    TEXT(8, invalid), TEXT(9, letter), TEXT(10, proof),
};
#undef TEXT
const size_t urne_sql_signature_ntexts = sizeof urne_sql_signature_texts / sizeof urne_sql_signature_texts[0];

/* ---- forums ---- */

int urne_store_forum_call(const void *row, void *fns) {
    const urne_store_forum_fns *f = fns;
    return f->forum(row, f->ctx);
}
int urne_store_post_call(const void *row, void *fns) {
    const urne_store_forum_fns *f = fns;
    return f->post(row, f->ctx);
}
int urne_store_ban_call(const void *row, void *fns) {
    const urne_store_forum_fns *f = fns;
    return f->ban(row, f->ctx);
}

const char urne_sql_forum_put[] = "INSERT INTO forums(attached, title, mode, visitors, created_at, created_by)"
                                  " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
const char urne_sql_forum_get[] = URNE_SQL_FORUM_COLS " WHERE id = $1";
const char urne_sql_forum_update[] = "UPDATE forums SET title = $1, mode = $2, visitors = $3 WHERE id = $4";
const char urne_sql_forum_each[] = URNE_SQL_FORUM_COLS " ORDER BY id";
const char urne_sql_form_key_put[] =
    "INSERT INTO secrets(name, value) VALUES ('forum.form_key', $1) ON CONFLICT (name) DO NOTHING";
const char urne_sql_form_key_get[] = "SELECT value FROM secrets WHERE name = 'forum.form_key'";
const char urne_sql_forum_authors[] = "SELECT author_key, count(*) FROM forum_posts"
                                      " WHERE forum_id = $1 AND state = 'published' GROUP BY author_key";
#define TEXT(c, field) {c, #field, offsetof(urne_forum_row, field), sizeof ((urne_forum_row *)0)->field}
const urne_store_text_col urne_sql_forum_texts[] = {
    TEXT(1, attached), TEXT(2, title), TEXT(3, mode), TEXT(5, created_at), TEXT(6, created_by),
};
#undef TEXT
const size_t urne_sql_forum_ntexts = sizeof urne_sql_forum_texts / sizeof urne_sql_forum_texts[0];

const char urne_sql_post_put[] =
    "INSERT INTO forum_posts(forum_id, parent_id, thread_id, title, body, author_user, author_key, author_name,"
    " email, state, flags, score, links, sent_at, token_hash, address)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id";
const char urne_sql_post_own_thread[] = "UPDATE forum_posts SET thread_id = id WHERE id = $1";
const char urne_sql_post_get[] = URNE_SQL_POST_COLS " WHERE id = $1";
const char urne_sql_post_by_token[] = URNE_SQL_POST_COLS " WHERE token_hash = $1";
const char urne_sql_post_decide[] =
    "UPDATE forum_posts SET state = $1, decided_by = $2, decided_at = $3, reason = $4, edited_body = $5,"
    " edit_note = $6 WHERE id = $7 AND state = $8";
/* Each page one range of one index: forum_posts_queue (forum_id, state, id) for
 * a forum's queue and its recent posts,
 * forum_posts_threads (forum_id, parent_id, state, id), forum_posts_thread
 * (thread_id, state, id), forum_posts_state (state, id, forum_id, sent_at). */
const char urne_sql_post_queue_forum[] =
    URNE_SQL_POST_COLS " WHERE forum_id = $1 AND state = 'waiting' AND id > $2 ORDER BY id LIMIT $3";
const char urne_sql_post_threads[] = URNE_SQL_POST_COLS
    " WHERE forum_id = $1 AND parent_id = 0 AND state = 'published' AND id < $2 ORDER BY id DESC LIMIT $3";
const char urne_sql_post_thread[] =
    URNE_SQL_POST_COLS " WHERE thread_id = $1 AND state = 'published' AND id > $2 ORDER BY id LIMIT $3";
const char urne_sql_post_recent[] =
    URNE_SQL_POST_COLS " WHERE forum_id = $1 AND state = 'published' AND id < $2 ORDER BY id DESC LIMIT $3";
const char urne_sql_post_queue_all[] = URNE_SQL_POST_COLS " WHERE state = 'waiting' AND id > $1 ORDER BY id LIMIT $2";
const char urne_sql_post_all[] = URNE_SQL_POST_COLS " WHERE id > $1 ORDER BY id LIMIT $2";
/* The waiting times read from the index alone: forum_posts_queue and
 * forum_posts_state carry sent_at. */
const char urne_sql_post_waiting_forum[] =
    "SELECT forum_id, sent_at FROM forum_posts WHERE forum_id = $1 AND state = 'waiting'";
const char urne_sql_post_waiting_all[] = "SELECT forum_id, sent_at FROM forum_posts WHERE state = 'waiting'";
#define TEXT(c, field) {c, #field, offsetof(urne_post_row, field), sizeof ((urne_post_row *)0)->field}
const urne_store_text_col urne_sql_post_texts[] = {
    TEXT(4, title),       TEXT(5, body),        TEXT(7, author_key), TEXT(8, author_name), TEXT(9, email),
    TEXT(10, state),      TEXT(11, flags),      TEXT(15, decided_by), TEXT(16, decided_at), TEXT(17, reason),
    TEXT(18, edited_body), TEXT(19, edit_note), TEXT(20, token_hash), TEXT(21, address),
};
#undef TEXT
const size_t urne_sql_post_ntexts = sizeof urne_sql_post_texts / sizeof urne_sql_post_texts[0];

const char urne_sql_ban_put[] = "INSERT INTO forum_bans(forum_id, kind, value, reason, created_at, created_by)"
                                " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
const char urne_sql_ban_find[] = "SELECT count(*) FROM forum_bans WHERE (forum_id = $1 OR forum_id = 0) AND"
                                 " ((kind = 'address' AND value = $2) OR (kind = 'author' AND value = $3))";
const char urne_sql_ban_each[] = URNE_SQL_BAN_COLS " ORDER BY id";
#define TEXT(c, field) {c, #field, offsetof(urne_forum_ban, field), sizeof ((urne_forum_ban *)0)->field}
const urne_store_text_col urne_sql_ban_texts[] = {
    TEXT(2, kind), TEXT(3, value), TEXT(4, reason), TEXT(5, created_at), TEXT(6, created_by),
};
#undef TEXT
const size_t urne_sql_ban_ntexts = sizeof urne_sql_ban_texts / sizeof urne_sql_ban_texts[0];

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

/* ---- elections ---- */

const char *const urne_sql_digest_parts[] = {
    urne_sql_digest_levels, urne_sql_digest_contests, urne_sql_digest_candidates,
    urne_sql_digest_colleges, urne_sql_digest_bureaux,
};
const size_t urne_sql_digest_nparts = sizeof urne_sql_digest_parts / sizeof urne_sql_digest_parts[0];

#define TEXT(c, field) {c, #field, offsetof(urne_election_meta, field), sizeof ((urne_election_meta *)0)->field}
const urne_store_text_col urne_sql_election_texts[] = {
    TEXT(1, title),
    TEXT(3, preset),
    TEXT(4, settings),
    TEXT(6, deadline),
    TEXT(7, created_at),
    TEXT(8, published_at),
    TEXT(9, published_digest),
    TEXT(12, reopened_at),
    TEXT(13, reopened_reason),
    TEXT(14, previous_published_at),
    TEXT(15, previous_digest),
    TEXT(16, previous_reopened_at),
    TEXT(17, previous_reopened_reason),
    TEXT(18, space),
    TEXT(19, zone),
};
#undef TEXT
const size_t urne_sql_election_ntexts = sizeof urne_sql_election_texts / sizeof urne_sql_election_texts[0];

int urne_store_levels_join(const char *const *v, size_t n, char **buf, size_t *cap) {
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += (v[i] ? strlen(v[i]) : 0) + 1;
    if (len > *cap) {
        char *p = realloc(*buf, len);
        if (p == NULL) return -1;
        *buf = p;
        *cap = len;
    }
    char *p = *buf;
    for (size_t i = 0; i < n; i++) {
        size_t k = v[i] ? strlen(v[i]) : 0;
        if (i) *p++ = URNE_STORE_LEVEL_SEP;
        memcpy(p, v[i] ? v[i] : "", k);
        p += k;
    }
    *p = 0;
    return 0;
}

int urne_store_levels_split(urne_round *r, const char *text, size_t n, const char **out) {
    const char *p = text ? text : "";
    for (size_t i = 0; i < n; i++) {
        const char *e = strchr(p, URNE_STORE_LEVEL_SEP);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        out[i] = len ? urne_round_intern(r, p, len) : NULL;
        if (len && out[i] == NULL) return -1;
        p = e ? e + 1 : p + len;
    }
    return 0;
}

const char urne_sql_election_meta_each[] = URNE_SQL_ELECTION_META " ORDER BY id";
const char urne_sql_election_meta_get[] = URNE_SQL_ELECTION_META " WHERE id = $1";

const char urne_sql_election_contest_put[] =
    "INSERT INTO contests(election_id, idx, key, label) VALUES ($1, $2, $3, $4)";
const char urne_sql_election_candidate_put[] =
    "INSERT INTO candidates(election_id, idx, contest_idx, name, grp, sex, birth_date, panel,"
    " first_name, last_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const char urne_sql_election_college_put[] =
    "INSERT INTO colleges(election_id, idx, name, weight) VALUES ($1, $2, $3, $4)";
const char urne_sql_election_bureau_put[] =
    "INSERT INTO bureaux(election_id, idx, contest_idx, college_idx, keys, codes, labels, state,"
    " figures, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const char urne_sql_election_contests_load[] =
    "SELECT c.idx, c.key, c.label, k.name, k.grp, k.sex, k.birth_date, k.panel, k.first_name,"
    " k.last_name FROM contests c LEFT JOIN candidates k ON k.election_id = c.election_id AND"
    " k.contest_idx = c.idx WHERE c.election_id = $1 ORDER BY c.idx, k.idx";
const char urne_sql_election_colleges_load[] =
    "SELECT name, weight FROM colleges WHERE election_id = $1 ORDER BY idx";
const char urne_sql_election_bureaux_load[] =
    "SELECT contest_idx, college_idx, keys, codes, labels, state, figures, entered_at,"
    " entered_by, validated_once, changed_after_validation FROM bureaux WHERE election_id = $1"
    " ORDER BY idx";
const char urne_sql_election_shape[] =
    "SELECT levels, contest_level, (SELECT count(*) FROM bureaux WHERE election_id = e.id) FROM"
    " elections e WHERE id = $1";
const char urne_sql_election_bureau_set[] =
    "UPDATE bureaux SET state = $1, figures = $2, entered_at = $3, entered_by = $4,"
    " validated_once = $5, changed_after_validation = $6 WHERE election_id = $7 AND idx = $8";
const char urne_sql_election_bureau_figures[] =
    "SELECT figures FROM bureaux WHERE election_id = $1 AND idx = $2";
const char urne_sql_election_bureau_get[] =
    "SELECT state, figures, entered_at, entered_by, validated_once, changed_after_validation FROM"
    " bureaux WHERE election_id = $1 AND idx = $2";
const char urne_sql_election_entry_add[] =
    "INSERT INTO entries(election_id, bureau_idx, user_id, figures, at) VALUES ($1, $2, $3, $4,"
    " $5)";
const char urne_sql_election_entry_other[] =
    "SELECT user_id, figures FROM entries WHERE election_id = $1 AND bureau_idx = $2 AND user_id"
    " != $3 ORDER BY id DESC LIMIT 1";
const char urne_sql_election_assign[] =
    "INSERT INTO assignments(user_id, election_id, bureau_idx) VALUES ($1, $2, $3) ON CONFLICT DO"
    " NOTHING";
const char urne_sql_election_is_assigned[] =
    "SELECT 1 FROM assignments WHERE user_id = $1 AND election_id = $2 AND bureau_idx = $3";
const char urne_sql_election_assigned_list[] =
    "SELECT bureau_idx FROM assignments WHERE user_id = $1 AND election_id = $2 ORDER BY"
    " bureau_idx";
const char urne_sql_election_publish[] =
    "UPDATE elections SET previous_published_at = CASE WHEN reopened_at IS NULL THEN"
    " previous_published_at ELSE published_at END, previous_digest = CASE WHEN reopened_at IS"
    " NULL THEN previous_digest ELSE published_digest END, previous_reopened_at = CASE WHEN"
    " reopened_at IS NULL THEN previous_reopened_at ELSE reopened_at END,"
    " previous_reopened_reason = CASE WHEN reopened_at IS NULL THEN previous_reopened_reason  "
    " ELSE reopened_reason END, reopened_at = NULL, reopened_reason = NULL, published_at = $1,"
    " published_digest = $2 WHERE id = $3 AND NOT EXISTS (SELECT 1 FROM bureaux WHERE election_id"
    " = $3 AND state = 'contested')";
const char urne_sql_election_reopen[] =
    "UPDATE elections SET reopened_at = $1, reopened_reason = $2 WHERE id = $3 AND published_at"
    " IS NOT NULL AND reopened_at IS NULL";
const char urne_sql_digest_levels[] =
    "SELECT levels, contest_level FROM elections WHERE id = $1";
const char urne_sql_digest_contests[] =
    "SELECT idx, key, label FROM contests WHERE election_id = $1 ORDER BY idx";
const char urne_sql_digest_candidates[] =
    "SELECT idx, contest_idx, name, grp, sex, birth_date, panel, first_name, last_name FROM"
    " candidates WHERE election_id = $1 ORDER BY idx";
const char urne_sql_digest_colleges[] =
    "SELECT idx, name, weight FROM colleges WHERE election_id = $1 ORDER BY idx";
const char urne_sql_digest_bureaux[] =
    "SELECT idx, contest_idx, college_idx, keys, codes, labels FROM bureaux WHERE election_id ="
    " $1 ORDER BY idx";

/* ---- the audit log ---- */

const char urne_sql_audit_head[] = "SELECT seq, hash FROM audit_head WHERE id = 1";
const char urne_sql_audit_append[] = "INSERT INTO audit(seq, at, actor, action, object, before, after, prev, hash)"
                                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
const char urne_sql_audit_head_put[] = "INSERT INTO audit_head(id, seq, hash) VALUES (1, $1, $2)"
                                       " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";
const char urne_sql_audit_each[] =
    "SELECT seq, at, actor, action, object, before, after, prev, hash FROM audit WHERE seq >= $1 ORDER BY seq";

int urne_store_audit_row(urne_store *s, urne_audit_entry *e, int64_t seq, const char *const cols[9]) {
    *e = (urne_audit_entry){.seq = seq, .at = cols[1], .actor = cols[2], .action = cols[3], .object = cols[4],
                            .before = cols[5], .after = cols[6]};
    if (urne_store_copy(s, e->prev, sizeof e->prev, cols[7], "audit", "prev", "entry %lld", (long long)seq) < 0 ||
        urne_store_copy(s, e->hash, sizeof e->hash, cols[8], "audit", "hash", "entry %lld", (long long)seq) < 0)
        return -1;
    return 0;
}

const char urne_sql_verify_elections[] =
    "SELECT e.*, (SELECT count(*) FROM bureaux b WHERE b.election_id = e.id) AS nbureaux FROM elections e ORDER BY id";
const char urne_sql_verify_sheets[] = "SELECT election_id, idx, keys, labels, state, figures, entered_at, entered_by,"
                                      " validated_once, changed_after_validation FROM bureaux ORDER BY election_id, idx";
const char urne_sql_verify_typed[] =
    "SELECT e.election_id, e.bureau_idx, e.user_id, e.figures, b.keys, b.labels FROM entries e"
    " LEFT JOIN bureaux b ON b.election_id = e.election_id AND b.idx = e.bureau_idx"
    " ORDER BY e.election_id, e.bureau_idx, e.id";
const char urne_sql_verify_disputes[] = URNE_SQL_DISPUTE_COLS " ORDER BY id";
const char urne_sql_verify_users[] = "SELECT id, name, role, tier FROM users ORDER BY id";
const char urne_sql_verify_assignments[] =
    "SELECT user_id, election_id, bureau_idx FROM assignments ORDER BY user_id, election_id, bureau_idx";

static int64_t number(const char *t) { return t ? strtoll(t, NULL, 10) : 0; }

/* A figures column into f: 1 with the figures, 0 when NULL or empty, -1 when the
 * text is not figures JSON, -2 when out of memory (said on s). */
static int figures_text(urne_store *s, const char *t, urne_figures *f) {
    urne_figures_free(f);
    if (t == NULL || !*t) return 0;
    int rc = urne_figures_parse_json(t, f);
    if (rc == -2) urne_store_fail(s, "out of memory");
    return rc == 0 ? 1 : rc;
}

int urne_store_audit_dispute_row(urne_store *s, urne_audit_dispute *d, const char *const cols[16]) {
    d->id = number(cols[0]);
    d->election = number(cols[1]);
    d->bureau = number(cols[2]);
    d->tier = (int)number(cols[3]);
    struct { int c; const char *name; char *out; size_t size; } texts[] = {
        {4, "state", d->state, sizeof d->state},
        {5, "reason", d->reason, sizeof d->reason},
        {6, "opened_by", d->opened_by, sizeof d->opened_by},
        {7, "opened_at", d->opened_at, sizeof d->opened_at},
        {8, "deadline", d->deadline, sizeof d->deadline},
        {9, "decision", d->decision, sizeof d->decision},
        {10, "decision_reason", d->decision_reason, sizeof d->decision_reason},
        {11, "decided_by", d->decided_by, sizeof d->decided_by},
        {12, "decided_at", d->decided_at, sizeof d->decided_at},
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        if (urne_store_copy(s, texts[k].out, texts[k].size, cols[texts[k].c], "disputes", texts[k].name,
                            "dispute %lld", (long long)d->id) < 0)
            return -1;
    d->has_before = figures_text(s, cols[13], &d->before);
    d->has_after = figures_text(s, cols[14], &d->after);
    d->escalated_from = number(cols[15]);
    return d->has_before == -2 || d->has_after == -2 ? -2 : 0;
}

int urne_store_audit_user_row(urne_store *s, urne_audit_user *u, const char *const cols[4]) {
    *u = (urne_audit_user){.id = number(cols[0]), .tier = (int)number(cols[3])};
    if (urne_store_copy(s, u->name, sizeof u->name, cols[1], "users", "name", "user %lld", (long long)u->id) < 0 ||
        urne_store_copy(s, u->role, sizeof u->role, cols[2], "users", "role", "user %lld", (long long)u->id) < 0)
        return -1;
    return 0;
}

/* The last non-empty part of a SEP-joined text (a bureau's key or label at the
 * deepest level that has one; NULL reads as ""), malloc'ed; NULL when out of
 * memory. */
static char *last_part(const char *text) {
    if (text == NULL) text = "";
    const char *best = text;
    size_t n = 0;
    for (const char *p = text;;) {
        size_t k = strcspn(p, "\x1f");
        if (k) {
            best = p;
            n = k;
        }
        if (p[k] == 0) break;
        p += k + 1;
    }
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, best, n);
        out[n] = 0;
    }
    return out;
}

/* A bureau's name from its SEP-joined keys and labels: 0 with both malloc'ed in
 * *key and *label, or -1 (out of memory, said on s) with neither. */
static int names_of(urne_store *s, const char *keys, const char *labels, char **key, char **label) {
    *key = last_part(keys);
    *label = last_part(labels);
    if (*key && *label) return 0;
    free(*key);
    free(*label);
    return urne_store_fail(s, "out of memory");
}

int urne_store_audit_election_call(urne_store *s, int n, const char *const *names, const char *const *cols,
                                   int (*fn)(const urne_audit_election *m, void *ctx), void *ctx) {
    urne_audit_election m = {.full = 1, .has_space = 1};
    for (int c = 0; c < n; c++) {
        if (strcmp(names[c], "id") == 0) m.id = number(cols[c]);
        if (strcmp(names[c], "round") == 0) m.round = (int)number(cols[c]);
        if (strcmp(names[c], "double_entry") == 0) m.double_entry = (int)number(cols[c]);
        if (strcmp(names[c], "nbureaux") == 0) m.nbureaux = (size_t)number(cols[c]);
        size_t size;
        char *text = urne_audit_election_text(&m, names[c], &size);
        if (text && urne_store_copy(s, text, size, cols[c], "elections", names[c], "election %lld", (long long)m.id) < 0)
            return -1;
    }
    if (urne_store_structure_digest(s, m.id, m.structure) < 0) return -1;
    return fn(&m, ctx);
}

int urne_store_audit_sheet_call(urne_store *s, const char *const cols[10], urne_store_sheet_fn fn, void *ctx) {
    urne_audit_sheet sh = {0};
    int64_t election = number(cols[0]), idx = number(cols[1]);
    if (urne_store_copy(s, sh.state, sizeof sh.state, cols[4], "bureaux", "state", "election %lld, bureau %lld",
                        (long long)election, (long long)idx) < 0 ||
        urne_store_copy(s, sh.entered_at, sizeof sh.entered_at, cols[6], "bureaux", "entered_at",
                        "election %lld, bureau %lld", (long long)election, (long long)idx) < 0)
        return -1;
    sh.has_figures = figures_text(s, cols[5], &sh.figures);
    sh.entered_by = number(cols[7]);
    sh.validated_once = (int)number(cols[8]);
    sh.changed_after_validation = (int)number(cols[9]);
    char *key, *label;
    if (sh.has_figures == -2 || names_of(s, cols[2], cols[3], &key, &label) < 0) {
        urne_audit_sheet_free(&sh);
        return -1;
    }
    int rc = fn(election, idx >= 0 ? (size_t)idx : SIZE_MAX, key, label, &sh, ctx);
    free(key);
    free(label);
    urne_audit_sheet_free(&sh);
    return rc;
}

int urne_store_audit_typed_call(urne_store *s, const char *const cols[6], urne_store_typed_fn fn, void *ctx) {
    urne_audit_typed t = {.user = number(cols[2])};
    t.has_figures = figures_text(s, cols[3], &t.figures);
    char *key, *label;
    if (t.has_figures == -2 || names_of(s, cols[4], cols[5], &key, &label) < 0) {
        urne_audit_typed_free(&t);
        return -1;
    }
    int64_t idx = number(cols[1]);
    int rc = fn(number(cols[0]), idx >= 0 ? (size_t)idx : SIZE_MAX, key, label, &t, ctx);
    free(key);
    free(label);
    urne_audit_typed_free(&t);
    return rc;
}

int urne_store_audit_assignment_call(const char *const cols[3],
                                     int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx), void *ctx) {
    int64_t idx = number(cols[2]);
    return fn(number(cols[0]), number(cols[1]), idx >= 0 ? (size_t)idx : SIZE_MAX, ctx);
}

/* ---- the matching's ---- */

const char urne_sql_match_campaign_put[] =
    "INSERT INTO match_campaigns(name, space, state, method, tie, seed, round, final_round, deadline, created_at,"
    " created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
const char urne_sql_match_campaign_get[] = URNE_SQL_MATCH_CAMPAIGN_COLS " WHERE id = $1";
const char urne_sql_match_campaign_update[] = "UPDATE match_campaigns SET state = $1, seed = $2, round = $3,"
                                              " final_round = $4, deadline = $5 WHERE id = $6 AND state = $7";
const char urne_sql_match_campaign_each[] = URNE_SQL_MATCH_CAMPAIGN_COLS " ORDER BY id";
const char urne_sql_match_host_put[] =
    "INSERT INTO match_hosts(campaign_id, key, name, capacity, reserved, weeks, kept, owner, code_hash)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
const char urne_sql_match_pupil_put[] =
    "INSERT INTO match_pupils(campaign_id, key, school, priority, lottery, week, kept, wishes, code_hash)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
const char urne_sql_match_ranking_put[] =
    "INSERT INTO match_rankings(campaign_id, host, pupil, rank) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
const char urne_sql_match_result_put[] =
    "INSERT INTO match_results(campaign_id, round, pupil, host, wish, lottery, explanation)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
const char urne_sql_match_offer_put[] =
    "INSERT INTO match_offers(campaign_id, round, pupil, host, state, deadline, answered_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
const char urne_sql_match_host_get[] = URNE_SQL_MATCH_HOST_COLS " WHERE campaign_id = $1 AND key = $2";
const char urne_sql_match_host_by_code[] =
    URNE_SQL_MATCH_HOST_COLS " WHERE campaign_id = $1 AND code_hash = $2 AND code_hash <> ''";
const char urne_sql_match_pupil_get[] = URNE_SQL_MATCH_PUPIL_COLS " WHERE campaign_id = $1 AND key = $2";
const char urne_sql_match_pupil_by_code[] =
    URNE_SQL_MATCH_PUPIL_COLS " WHERE campaign_id = $1 AND code_hash = $2 AND code_hash <> ''";
const char urne_sql_match_host_update[] =
    "UPDATE match_hosts SET name = $1, capacity = $2, reserved = $3, weeks = $4 WHERE campaign_id = $5 AND key = $6";
const char urne_sql_match_pupil_update[] = "UPDATE match_pupils SET wishes = $1 WHERE campaign_id = $2 AND key = $3";
const char urne_sql_match_host_each[] = URNE_SQL_MATCH_HOST_COLS " WHERE campaign_id = $1 ORDER BY key";
const char urne_sql_match_pupil_each[] = URNE_SQL_MATCH_PUPIL_COLS " WHERE campaign_id = $1 ORDER BY key";
const char urne_sql_match_pupil_each_school[] =
    URNE_SQL_MATCH_PUPIL_COLS " WHERE campaign_id = $1 AND school = $2 ORDER BY key";
const char urne_sql_match_ranking_each[] =
    "SELECT campaign_id, host, pupil, rank FROM match_rankings WHERE campaign_id = $1 ORDER BY host, rank, pupil";
const char urne_sql_match_result_each[] = URNE_SQL_MATCH_RESULT_COLS " WHERE campaign_id = $1 ORDER BY round, pupil";
const char urne_sql_match_result_round[] =
    URNE_SQL_MATCH_RESULT_COLS " WHERE campaign_id = $1 AND round = $2 ORDER BY pupil";
const char urne_sql_match_result_get[] =
    URNE_SQL_MATCH_RESULT_COLS " WHERE campaign_id = $1 AND round = $2 AND pupil = $3";
const char urne_sql_match_offer_each[] = URNE_SQL_MATCH_OFFER_COLS " WHERE campaign_id = $1 ORDER BY round, pupil";
const char urne_sql_match_offer_last[] =
    URNE_SQL_MATCH_OFFER_COLS " WHERE campaign_id = $1 AND pupil = $2 ORDER BY round DESC LIMIT 1";
const char urne_sql_match_offer_update[] = "UPDATE match_offers SET state = $1, answered_at = $2"
                                           " WHERE campaign_id = $3 AND round = $4 AND pupil = $5 AND state = $6";

const char urne_sql_match_run_put[] =
    "INSERT INTO match_runs(campaign_id, round, report) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
const char urne_sql_match_run_get[] =
    "SELECT campaign_id, round, report FROM match_runs WHERE campaign_id = $1 AND round = $2";
const char urne_sql_match_run_each[] = "SELECT campaign_id, round, report FROM match_runs WHERE campaign_id = $1";
const char urne_sql_match_ranking_clear[] = "DELETE FROM match_rankings WHERE campaign_id = $1 AND host = $2";
const char urne_sql_match_distance_put[] = "INSERT INTO match_distances(campaign_id, commune_a, commune_b, km)"
                                           " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
const char urne_sql_match_distance_each[] = "SELECT campaign_id, commune_a, commune_b, km FROM match_distances"
                                            " WHERE campaign_id = $1 ORDER BY commune_a, commune_b";
const char urne_sql_match_distance_clear[] = "DELETE FROM match_distances WHERE campaign_id = $1";
const char urne_sql_match_limit_put[] =
    "INSERT INTO match_limits(campaign_id, max_km) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const char urne_sql_match_limit_get[] = "SELECT campaign_id, max_km FROM match_limits WHERE campaign_id = $1";
const char urne_sql_match_limit_clear[] = "DELETE FROM match_limits WHERE campaign_id = $1";

/* ---- the check ---- */

const char *const urne_store_sql_texts[] = {
    urne_sql_dispute_get, urne_sql_dispute_open_for, urne_sql_dispute_update, urne_sql_dispute_each,
    urne_sql_grant_put,   urne_sql_grant_del,        urne_sql_grant_get,      urne_sql_notice_put,
    urne_sql_notice_each, urne_sql_user_find,         urne_sql_user_get,        urne_sql_user_count,
    urne_sql_user_each,   urne_sql_session_put,       urne_sql_session_get,     urne_sql_session_delete,
    urne_sql_initiative_put, urne_sql_initiative_get, urne_sql_initiative_update, urne_sql_initiative_each,
    urne_sql_initiative_roll_put, urne_sql_initiative_roll_find, urne_sql_initiative_roll_homonyms,
    urne_sql_initiative_roll_counts, urne_sql_initiative_roll_counted, urne_sql_initiative_roll_uncounted,
    urne_sql_initiative_roll_code, urne_sql_initiative_roll_letter,
    urne_sql_initiative_roll_drop_code, urne_sql_initiative_roll_unletter, urne_sql_initiative_receipt,
    urne_sql_initiative_signature_get, urne_sql_initiative_invalidate, urne_sql_initiative_signatures_each,
    urne_sql_initiative_signature_counts, urne_sql_initiative_signature_days, urne_sql_initiative_signature_day_next,
    urne_sql_initiative_signature_day_count, urne_sql_initiative_tally,
    urne_sql_initiative_valid_ids,
    urne_sql_audit_head,  urne_sql_audit_append,      urne_sql_audit_head_put,  urne_sql_audit_each,
    urne_sql_verify_elections, urne_sql_verify_sheets, urne_sql_verify_typed,  urne_sql_verify_disputes,
    urne_sql_verify_users, urne_sql_verify_assignments, urne_sql_election_meta_each, urne_sql_election_meta_get,
    urne_sql_election_contest_put, urne_sql_election_candidate_put, urne_sql_election_college_put, urne_sql_election_bureau_put, urne_sql_election_contests_load, urne_sql_election_colleges_load, urne_sql_election_bureaux_load, urne_sql_election_shape, urne_sql_election_bureau_set, urne_sql_election_bureau_figures, urne_sql_election_bureau_get, urne_sql_election_entry_add, urne_sql_election_entry_other, urne_sql_election_assign, urne_sql_election_is_assigned, urne_sql_election_assigned_list, urne_sql_election_publish, urne_sql_election_reopen, urne_sql_digest_levels, urne_sql_digest_contests, urne_sql_digest_candidates, urne_sql_digest_colleges, urne_sql_digest_bureaux,
    urne_sql_match_campaign_put, urne_sql_match_campaign_get, urne_sql_match_campaign_update, urne_sql_match_campaign_each,
    urne_sql_match_host_put, urne_sql_match_pupil_put, urne_sql_match_ranking_put, urne_sql_match_result_put,
    urne_sql_match_offer_put, urne_sql_match_host_get, urne_sql_match_host_by_code, urne_sql_match_pupil_get,
    urne_sql_match_pupil_by_code, urne_sql_match_host_update, urne_sql_match_pupil_update, urne_sql_match_host_each,
    urne_sql_match_pupil_each, urne_sql_match_pupil_each_school, urne_sql_match_ranking_each,
    urne_sql_match_result_each, urne_sql_match_result_round, urne_sql_match_result_get, urne_sql_match_offer_each,
    urne_sql_match_offer_last, urne_sql_match_offer_update, urne_sql_match_distance_put, urne_sql_match_distance_each,
    urne_sql_match_distance_clear, urne_sql_match_limit_put, urne_sql_match_limit_get, urne_sql_match_limit_clear,
    urne_sql_match_ranking_clear, urne_sql_match_run_put, urne_sql_match_run_get, urne_sql_match_run_each,
    urne_sql_forum_put, urne_sql_forum_get, urne_sql_forum_update, urne_sql_forum_each, urne_sql_forum_authors, urne_sql_form_key_put, urne_sql_form_key_get,
    urne_sql_post_put, urne_sql_post_own_thread, urne_sql_post_get, urne_sql_post_by_token, urne_sql_post_decide,
    urne_sql_post_queue_forum, urne_sql_post_threads, urne_sql_post_thread, urne_sql_post_recent, urne_sql_post_queue_all,
    urne_sql_post_all, urne_sql_post_waiting_forum, urne_sql_post_waiting_all, urne_sql_ban_put, urne_sql_ban_find,
    urne_sql_ban_each, NULL,
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
