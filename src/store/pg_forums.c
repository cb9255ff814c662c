/*
 * pg_forums: the forums, their posts and bans on PostgreSQL (store_forums.h
 * holds the contracts; store.c has checked the lengths of what is written). The
 * texts of its queries, and which column fills which field, are shared with
 * SQLite's (store_sql.h); this file only binds and reads, query for query as
 * sqlite_forums.c does. Rows are read into their fixed fields through
 * urne_pg_col, which refuses a text too long.
 */
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "store_sql.h"

static int read_forum(urne_store *s, const PGresult *r, int i, void *out) {
    urne_forum_row *f = out;
    memset(f, 0, sizeof *f);
    f->id = urne_pg_int64(r, i, 0);
    f->visitors = urne_pg_int64(r, i, 4);
    return urne_pg_cols(s, r, i, urne_sql_forum_texts, urne_sql_forum_ntexts, f, "forums", f->id);
}

static int read_post(urne_store *s, const PGresult *r, int i, void *out) {
    urne_post_row *p = out;
    memset(p, 0, sizeof *p);
    p->id = urne_pg_int64(r, i, 0);
    p->forum = urne_pg_int64(r, i, 1);
    p->parent = urne_pg_int64(r, i, 2);
    p->thread = urne_pg_int64(r, i, 3);
    p->author_user = urne_pg_int64(r, i, 6);
    p->score = urne_pg_int64(r, i, 12);
    p->links = urne_pg_int64(r, i, 13);
    p->sent_at = urne_pg_int64(r, i, 14);
    return urne_pg_cols(s, r, i, urne_sql_post_texts, urne_sql_post_ntexts, p, "forum_posts", p->id);
}

static int read_ban(urne_store *s, const PGresult *r, int i, void *out) {
    urne_forum_ban *b = out;
    memset(b, 0, sizeof *b);
    b->id = urne_pg_int64(r, i, 0);
    b->forum = urne_pg_int64(r, i, 1);
    return urne_pg_cols(s, r, i, urne_sql_ban_texts, urne_sql_ban_ntexts, b, "forum_bans", b->id);
}

static int64_t pg_forum_put(urne_store *s, const urne_forum_row *f) {
    urne_pg_params p = {0};
    urne_pg_text(&p, f->attached);
    urne_pg_text(&p, f->title);
    urne_pg_text(&p, f->mode);
    urne_pg_int(&p, f->visitors);
    urne_pg_text(&p, f->created_at);
    urne_pg_text(&p, f->created_by);
    return urne_pg_returning_id(s, urne_sql_forum_put, &p, "adding a forum");
}

static int pg_forum_get(urne_store *s, int64_t id, urne_forum_row *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    return urne_pg_get_one(s, urne_sql_forum_get, &p, "reading a forum", read_forum, out);
}

static int pg_forum_update(urne_store *s, const urne_forum_row *f) {
    urne_pg_params p = {0};
    urne_pg_text(&p, f->title);
    urne_pg_text(&p, f->mode);
    urne_pg_int(&p, f->visitors);
    urne_pg_int(&p, f->id);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_forum_update, &p, "changing a forum", &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

static int pg_forum_each(urne_store *s, int (*fn)(const urne_forum_row *f, void *ctx), void *ctx) {
    urne_store_forum_fns f = {.forum = fn, .ctx = ctx};
    return urne_pg_each(s, urne_sql_forum_each, NULL, "listing forums", sizeof(urne_forum_row), read_forum, urne_store_forum_call, &f);
}

static int pg_forum_authors(urne_store *s, int64_t id, int (*fn)(const char *author_key, int64_t published, void *ctx),
                            void *ctx) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    PGresult *r = urne_pg_run(s, urne_sql_forum_authors, &p, "counting a forum's posts");
    if (r == NULL) return -1;
    int stopped = 0;
    for (int i = 0; stopped == 0 && i < PQntuples(r); i++)
        {
        const char *key = urne_pg_val(r, i, 0);
        stopped = fn(key ? key : "", urne_pg_int64(r, i, 1), ctx);
    }
    PQclear(r);
    return stopped;
}

static int64_t pg_post_put(urne_store *s, urne_post_row *row) {
    urne_pg_params p = {0};
    urne_pg_int(&p, row->forum);
    urne_pg_int(&p, row->parent);
    urne_pg_int(&p, row->parent ? row->thread : 0);
    urne_pg_text(&p, row->title);
    urne_pg_text(&p, row->body);
    urne_pg_int(&p, row->author_user);
    urne_pg_text(&p, row->author_key);
    urne_pg_text(&p, row->author_name);
    urne_pg_text(&p, row->email);
    urne_pg_text(&p, row->state);
    urne_pg_text(&p, row->flags);
    urne_pg_int(&p, row->score);
    urne_pg_int(&p, row->links);
    urne_pg_int(&p, row->sent_at);
    urne_pg_text(&p, row->token_hash);
    urne_pg_text(&p, row->address);
    int64_t id = urne_pg_returning_id(s, urne_sql_post_put, &p, "adding a post");
    if (id < 0) return -1;
    if (row->parent == 0) {
        urne_pg_params q = {0};
        urne_pg_int(&q, id);
        if (urne_pg_do(s, urne_sql_post_own_thread, &q, "making a post its own thread", NULL) < 0) return -1;
        row->thread = id;
    }
    row->id = id;
    return id;
}

static int pg_post_get(urne_store *s, int64_t id, urne_post_row *out) {
    urne_pg_params p = {0};
    urne_pg_int(&p, id);
    return urne_pg_get_one(s, urne_sql_post_get, &p, "reading a post", read_post, out);
}

static int pg_post_by_token(urne_store *s, const char *hash, urne_post_row *out) {
    urne_pg_params p = {0};
    urne_pg_text(&p, hash);
    return urne_pg_get_one(s, urne_sql_post_by_token, &p, "reading a post by its link", read_post, out);
}

static int pg_post_decide(urne_store *s, const urne_post_row *row, const char *expected) {
    urne_pg_params p = {0};
    const char *v[] = {row->state, row->decided_by, row->decided_at, row->reason, row->edited_body, row->edit_note};
    for (int k = 0; k < 6; k++) urne_pg_text(&p, v[k]);
    urne_pg_int(&p, row->id);
    urne_pg_text(&p, expected);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_post_decide, &p, "moderating a post", &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

static int pg_post_page(urne_store *s, const urne_posts_query *q, int (*fn)(const urne_post_row *p, void *ctx),
                        void *ctx) {
    const char *sql = NULL;
    int keyed = 1;
    switch (q->kind) {
    case URNE_POSTS_QUEUE:
        keyed = q->forum > 0;
        sql = keyed ? urne_sql_post_queue_forum : urne_sql_post_queue_all;
        break;
    case URNE_POSTS_THREADS: sql = urne_sql_post_threads; break;
    case URNE_POSTS_THREAD: sql = urne_sql_post_thread; break;
    case URNE_POSTS_ALL: keyed = 0; sql = urne_sql_post_all; break;
    case URNE_POSTS_RECENT: sql = urne_sql_post_recent; break;
    }
    if (sql == NULL) return urne_store_fail(s, "no such page of posts (%d)", (int)q->kind);
    urne_pg_params p = {0};
    if (keyed) urne_pg_int(&p, q->kind == URNE_POSTS_THREAD ? q->thread : q->forum);
    int newest_first = q->kind == URNE_POSTS_THREADS || q->kind == URNE_POSTS_RECENT;
    urne_pg_int(&p, newest_first && q->after == 0 ? INT64_MAX : q->after);
    urne_pg_int(&p, q->limit);
    urne_store_forum_fns f = {.post = fn, .ctx = ctx};
    return urne_pg_each(s, sql, &p, "listing posts", sizeof(urne_post_row), read_post, urne_store_post_call, &f);
}

static int pg_post_waiting(urne_store *s, int64_t forum, int (*fn)(int64_t forum, int64_t sent_at, void *ctx),
                           void *ctx) {
    urne_pg_params p = {0};
    if (forum > 0) urne_pg_int(&p, forum);
    PGresult *r = urne_pg_run(s, forum > 0 ? urne_sql_post_waiting_forum : urne_sql_post_waiting_all,
                              forum > 0 ? &p : NULL, "reading the waiting posts");
    if (r == NULL) return -1;
    int stop = 0;
    for (int i = 0; !stop && i < PQntuples(r); i++) stop = fn(urne_pg_int64(r, i, 0), urne_pg_int64(r, i, 1), ctx);
    PQclear(r);
    return stop;
}

static int64_t pg_ban_put(urne_store *s, const urne_forum_ban *b) {
    urne_pg_params p = {0};
    urne_pg_int(&p, b->forum);
    const char *v[] = {b->kind, b->value, b->reason, b->created_at, b->created_by};
    for (int k = 0; k < 5; k++) urne_pg_text(&p, v[k]);
    return urne_pg_returning_id(s, urne_sql_ban_put, &p, "adding a ban");
}

static int pg_banned(urne_store *s, int64_t forum, const char *address, const char *author_key) {
    urne_pg_params p = {0};
    urne_pg_int(&p, forum);
    urne_pg_text(&p, address);
    urne_pg_text(&p, author_key);
    PGresult *r = urne_pg_run(s, urne_sql_ban_find, &p, "reading the bans");
    if (r == NULL) return -1;
    int64_t n = PQntuples(r) > 0 ? urne_pg_int64(r, 0, 0) : 0;
    PQclear(r);
    return n > 0 ? 1 : 0;
}

static int pg_ban_each(urne_store *s, int (*fn)(const urne_forum_ban *b, void *ctx), void *ctx) {
    urne_store_forum_fns f = {.ban = fn, .ctx = ctx};
    return urne_pg_each(s, urne_sql_ban_each, NULL, "listing bans", sizeof(urne_forum_ban), read_ban, urne_store_ban_call, &f);
}

static int pg_form_key(urne_store *s, const char *fresh, char out[URNE_STORE_FORM_KEY]) {
    urne_pg_params p = {0};
    urne_pg_text(&p, fresh);
    long changed = 0;
    if (urne_pg_do(s, urne_sql_form_key_put, &p, "keeping the forms' key", &changed) < 0) return -1;
    PGresult *r = urne_pg_run(s, urne_sql_form_key_get, NULL, "reading the forms' key");
    if (r == NULL) return -1;
    const char *v = PQntuples(r) > 0 ? urne_pg_val(r, 0, 0) : NULL;
    int ok = v && strlen(v) == URNE_STORE_FORM_KEY - 1;
    if (ok) memcpy(out, v, URNE_STORE_FORM_KEY);
    PQclear(r);
    return ok ? 0 : urne_store_fail(s, "reading the forms' key: %s", "not 64 hex digits");
}

const urne_store_forum_ops urne_pg_forum_ops = {
    .forum_put = pg_forum_put,
    .forum_get = pg_forum_get,
    .forum_update = pg_forum_update,
    .forum_each = pg_forum_each,
    .forum_authors = pg_forum_authors,
    .post_put = pg_post_put,
    .post_get = pg_post_get,
    .post_by_token = pg_post_by_token,
    .post_decide = pg_post_decide,
    .post_page = pg_post_page,
    .post_waiting = pg_post_waiting,
    .ban_put = pg_ban_put,
    .banned = pg_banned,
    .ban_each = pg_ban_each,
    .form_key = pg_form_key,
};
