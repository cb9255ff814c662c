/*
 * sqlite_forums: the forums, their posts and bans on SQLite (store_forums.h holds
 * the contracts; store.c has checked the lengths of what is written). The texts
 * of its queries, and which column fills which field, are shared with
 * PostgreSQL's (store_sql.h); this file only binds and reads.
 *
 * The tables are migration 7 (sqlite_store.c). A first post is inserted with
 * thread 0 and made its own thread by a second statement in the same
 * transaction (its id is known only then). Texts are bound as given, "" included
 * (the columns are NOT NULL DEFAULT ''), and read into their fixed fields
 * through urne_sql_col, which refuses one too long. A page is one statement over
 * one index range (store_sql.c names the index of each).
 */
#include <string.h>

#include "sqlite_internal.h"
#include "store_sql.h"

static void bind(sqlite3_stmt *st, int i, const char *v) { sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT); }

static int read_forum(urne_store *s, sqlite3_stmt *st, void *out) {
    urne_forum_row *f = out;
    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    f->visitors = sqlite3_column_int64(st, 4);
    return urne_sql_cols(s, st, urne_sql_forum_texts, urne_sql_forum_ntexts, f, "forums", f->id);
}

static int read_post(urne_store *s, sqlite3_stmt *st, void *out) {
    urne_post_row *p = out;
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    p->forum = sqlite3_column_int64(st, 1);
    p->parent = sqlite3_column_int64(st, 2);
    p->thread = sqlite3_column_int64(st, 3);
    p->author_user = sqlite3_column_int64(st, 6);
    p->score = sqlite3_column_int64(st, 12);
    p->links = sqlite3_column_int64(st, 13);
    p->sent_at = sqlite3_column_int64(st, 14);
    return urne_sql_cols(s, st, urne_sql_post_texts, urne_sql_post_ntexts, p, "forum_posts", p->id);
}

static int read_ban(urne_store *s, sqlite3_stmt *st, void *out) {
    urne_forum_ban *b = out;
    memset(b, 0, sizeof *b);
    b->id = sqlite3_column_int64(st, 0);
    b->forum = sqlite3_column_int64(st, 1);
    return urne_sql_cols(s, st, urne_sql_ban_texts, urne_sql_ban_ntexts, b, "forum_bans", b->id);
}

/* Step a bound INSERT ... RETURNING id: the id, or -1 naming what. */
static int64_t returning_id(urne_store *s, sqlite3_stmt *st, const char *what) {
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (id < 0 || sqlite3_step(st) != SQLITE_DONE) id = urne_sql_fail(s, what);
    sqlite3_reset(st);
    return id;
}

/* The first row of the bound statement st read by `read` into out: 1, 0, -1. */
static int get_one(urne_store *s, sqlite3_stmt *st, const char *what,
                   int (*read)(urne_store *, sqlite3_stmt *, void *), void *out) {
    int rc = sqlite3_step(st), found;
    if (rc == SQLITE_ROW)
        found = read(s, st, out) < 0 ? -1 : 1;
    else
        found = rc == SQLITE_DONE ? 0 : urne_sql_fail(s, what);
    sqlite3_reset(st);
    return found;
}

/* Every row of the bound statement st read by `read` into one buffer of `size`
 * and passed to fn; fn's non-zero return stops and is returned. st is reset,
 * not finalised (it is the cache's). */
static int each(urne_store *s, sqlite3_stmt *st, const char *what, size_t size,
                int (*read)(urne_store *, sqlite3_stmt *, void *), int (*fn)(const void *, void *), void *ctx) {
    void *buf = sqlite3_malloc64(size);
    int rc = SQLITE_DONE, stop = buf ? 0 : urne_store_fail(s, "out of memory reading the store's rows");
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) stop = read(s, st, buf) < 0 ? -1 : fn(buf, ctx);
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, what);
    sqlite3_free(buf);
    sqlite3_reset(st);
    return stop;
}

static int64_t sq_forum_put(urne_store *s, const urne_forum_row *f) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_forum_put);
    if (st == NULL) return -1;
    bind(st, 1, f->attached);
    bind(st, 2, f->title);
    bind(st, 3, f->mode);
    sqlite3_bind_int64(st, 4, f->visitors);
    bind(st, 5, f->created_at);
    bind(st, 6, f->created_by);
    return returning_id(s, st, "adding a forum");
}

static int sq_forum_get(urne_store *s, int64_t id, urne_forum_row *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_forum_get);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    return get_one(s, st, "reading a forum", read_forum, out);
}

static int sq_forum_update(urne_store *s, const urne_forum_row *f) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_forum_update);
    if (st == NULL) return -1;
    bind(st, 1, f->title);
    bind(st, 2, f->mode);
    sqlite3_bind_int64(st, 3, f->visitors);
    sqlite3_bind_int64(st, 4, f->id);
    if (urne_sql_step_done(s, st, "changing a forum") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0 ? 1 : 0;
}

static int sq_forum_each(urne_store *s, int (*fn)(const urne_forum_row *f, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_forum_each);
    if (st == NULL) return -1;
    urne_store_forum_fns f = {.forum = fn, .ctx = ctx};
    return each(s, st, "listing forums", sizeof(urne_forum_row), read_forum, urne_store_forum_call, &f);
}

static int sq_forum_authors(urne_store *s, int64_t id, int (*fn)(const char *author_key, int64_t published, void *ctx),
                            void *ctx) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_forum_authors);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc, stopped = 0;
    while (stopped == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        stopped = fn(key ? key : "", sqlite3_column_int64(st, 1), ctx);
    }
    sqlite3_reset(st);
    if (stopped) return stopped;
    return rc == SQLITE_DONE ? 0 : urne_sql_fail(s, "counting a forum's posts");
}

static int64_t sq_post_put(urne_store *s, urne_post_row *p) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_post_put);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, p->forum);
    sqlite3_bind_int64(st, 2, p->parent);
    sqlite3_bind_int64(st, 3, p->parent ? p->thread : 0);
    bind(st, 4, p->title);
    bind(st, 5, p->body);
    sqlite3_bind_int64(st, 6, p->author_user);
    bind(st, 7, p->author_key);
    bind(st, 8, p->author_name);
    bind(st, 9, p->email);
    bind(st, 10, p->state);
    bind(st, 11, p->flags);
    sqlite3_bind_int64(st, 12, p->score);
    sqlite3_bind_int64(st, 13, p->links);
    sqlite3_bind_int64(st, 14, p->sent_at);
    bind(st, 15, p->token_hash);
    bind(st, 16, p->address);
    int64_t id = returning_id(s, st, "adding a post");
    if (id < 0) return -1;
    if (p->parent == 0) {
        sqlite3_stmt *own = urne_sql_stmt(s, urne_sql_post_own_thread);
        if (own == NULL) return -1;
        sqlite3_bind_int64(own, 1, id);
        if (urne_sql_step_done(s, own, "making a post its own thread") < 0) return -1;
    }
    p->id = id;
    if (p->parent == 0) p->thread = id;
    return id;
}

static int sq_post_get(urne_store *s, int64_t id, urne_post_row *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_post_get);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, id);
    return get_one(s, st, "reading a post", read_post, out);
}

static int sq_post_by_token(urne_store *s, const char *hash, urne_post_row *out) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_post_by_token);
    if (st == NULL) return -1;
    bind(st, 1, hash);
    return get_one(s, st, "reading a post by its link", read_post, out);
}

static int sq_post_decide(urne_store *s, const urne_post_row *p, const char *expected) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_post_decide);
    if (st == NULL) return -1;
    const char *v[] = {p->state, p->decided_by, p->decided_at, p->reason, p->edited_body, p->edit_note};
    for (int k = 0; k < 6; k++) bind(st, k + 1, v[k]);
    sqlite3_bind_int64(st, 7, p->id);
    bind(st, 8, expected);
    if (urne_sql_step_done(s, st, "moderating a post") < 0) return -1;
    return sqlite3_changes(urne_sql_db(s)) > 0 ? 1 : 0;
}

/* The shared text of a page, and whether it takes a forum or thread first. */
static const char *page_sql(const urne_posts_query *q, int *keyed) {
    *keyed = 1;
    switch (q->kind) {
    case URNE_POSTS_QUEUE:
        if (q->forum > 0) return urne_sql_post_queue_forum;
        *keyed = 0;
        return urne_sql_post_queue_all;
    case URNE_POSTS_THREADS: return urne_sql_post_threads;
    case URNE_POSTS_THREAD: return urne_sql_post_thread;
    case URNE_POSTS_ALL: *keyed = 0; return urne_sql_post_all;
    case URNE_POSTS_RECENT: return urne_sql_post_recent;
    }
    return NULL;
}

static int sq_post_page(urne_store *s, const urne_posts_query *q, int (*fn)(const urne_post_row *p, void *ctx),
                        void *ctx) {
    int keyed;
    const char *sql = page_sql(q, &keyed);
    if (sql == NULL) return urne_store_fail(s, "no such page of posts (%d)", (int)q->kind);
    sqlite3_stmt *st = urne_sql_stmt(s, sql);
    if (st == NULL) return -1;
    int i = 1;
    if (keyed) sqlite3_bind_int64(st, i++, q->kind == URNE_POSTS_THREAD ? q->thread : q->forum);
    int newest_first = q->kind == URNE_POSTS_THREADS || q->kind == URNE_POSTS_RECENT;
    int64_t after = newest_first && q->after == 0 ? INT64_MAX : q->after;
    sqlite3_bind_int64(st, i++, after);
    sqlite3_bind_int64(st, i, q->limit);
    urne_store_forum_fns f = {.post = fn, .ctx = ctx};
    return each(s, st, "listing posts", sizeof(urne_post_row), read_post, urne_store_post_call, &f);
}

static int sq_post_waiting(urne_store *s, int64_t forum, int (*fn)(int64_t forum, int64_t sent_at, void *ctx),
                           void *ctx) {
    sqlite3_stmt *st = urne_sql_stmt(s, forum > 0 ? urne_sql_post_waiting_forum : urne_sql_post_waiting_all);
    if (st == NULL) return -1;
    if (forum > 0) sqlite3_bind_int64(st, 1, forum);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), ctx);
    if (!stop && rc != SQLITE_DONE) stop = urne_sql_fail(s, "reading the waiting posts");
    sqlite3_reset(st);
    return stop;
}

static int64_t sq_ban_put(urne_store *s, const urne_forum_ban *b) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_ban_put);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, b->forum);
    const char *v[] = {b->kind, b->value, b->reason, b->created_at, b->created_by};
    for (int k = 0; k < 5; k++) bind(st, k + 2, v[k]);
    return returning_id(s, st, "adding a ban");
}

static int sq_banned(urne_store *s, int64_t forum, const char *address, const char *author_key) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_ban_find);
    if (st == NULL) return -1;
    sqlite3_bind_int64(st, 1, forum);
    bind(st, 2, address);
    bind(st, 3, author_key);
    int rc = sqlite3_step(st);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return urne_sql_fail(s, "reading the bans");
    return n > 0 ? 1 : 0;
}

static int sq_ban_each(urne_store *s, int (*fn)(const urne_forum_ban *b, void *ctx), void *ctx) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_ban_each);
    if (st == NULL) return -1;
    urne_store_forum_fns f = {.ban = fn, .ctx = ctx};
    return each(s, st, "listing bans", sizeof(urne_forum_ban), read_ban, urne_store_ban_call, &f);
}

static int sq_form_key(urne_store *s, const char *fresh, char out[URNE_STORE_FORM_KEY]) {
    sqlite3_stmt *st = urne_sql_stmt(s, urne_sql_form_key_put);
    if (st == NULL) return -1;
    bind(st, 1, fresh);
    if (urne_sql_step_done(s, st, "keeping the forms' key") < 0) return -1;
    if ((st = urne_sql_stmt(s, urne_sql_form_key_get)) == NULL) return -1;
    int rc = sqlite3_step(st);
    const char *v = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    int ok = v && strlen(v) == URNE_STORE_FORM_KEY - 1;
    if (ok) memcpy(out, v, URNE_STORE_FORM_KEY);
    sqlite3_reset(st);
    return ok ? 0 : urne_store_fail(s, "reading the forms' key: %s", rc == SQLITE_ROW ? "not 64 hex digits" : sqlite3_errmsg(urne_sql_db(s)));
}

const urne_store_forum_ops urne_sqlite_forum_ops = {
    .forum_put = sq_forum_put,
    .forum_get = sq_forum_get,
    .forum_update = sq_forum_update,
    .forum_each = sq_forum_each,
    .forum_authors = sq_forum_authors,
    .post_put = sq_post_put,
    .post_get = sq_post_get,
    .post_by_token = sq_post_by_token,
    .post_decide = sq_post_decide,
    .post_page = sq_post_page,
    .post_waiting = sq_post_waiting,
    .ban_put = sq_ban_put,
    .banned = sq_banned,
    .ban_each = sq_ban_each,
    .form_key = sq_form_key,
};
