/*
 * store_forums: the forums' rows (issue 19): the forums, attached to anything
 * people decide together ("election/3", "initiative/2", "page/charte"), their
 * contributions (posts), and the bans (forum/ has the engine, app/forum.h the use
 * cases).
 *
 * A post is a row from its sending on: its state (waiting, published, rejected,
 * hidden) changes only by a moderator's act, written with the state expected
 * (urne_store_post_decide answers 0 and writes nothing when another moderator
 * decided first). A thread's first post has parent 0 and is its own thread; a
 * reply names its parent and the thread's first post, so that a thread page is
 * one indexed read, `thread_id = ? AND state = 'published' AND id > ?`, whatever
 * the size of the forum. The queues are read the same way: by keyset (the last
 * id seen), never by OFFSET, over an index (forum, state, id), so the hundredth
 * page of a queue of 100,000 costs what the first does.
 *
 * The author is an account (author_user > 0, author_key "user/ID") or a visitor
 * (author_user 0, author_key "email/ADDRESS" with the address as given, its
 * name and address kept): the author key is what rate limits, bans and the
 * participants' count go by. The private link that shows its author a post's
 * state is never stored: only its SHA-256 (token_hash, hex, unique). `address`
 * is the sender's network address, for the rate per address and the bans; the
 * pages never show it.
 *
 * Part of the store's interface (store.h); return values as store.h says.
 */
#ifndef URNE_STORE_FORUMS_H
#define URNE_STORE_FORUMS_H

#include <stddef.h>
#include <stdint.h>

typedef struct urne_store urne_store;

#define URNE_STORE_FORUM_TITLE_MAX 200   /* = URNE_FORUM_TITLE_MAX (forum/forum.h) */
#define URNE_STORE_FORUM_BODY_MAX 20000  /* = URNE_FORUM_MESSAGE_MAX */
#define URNE_STORE_FORUM_REASON_MAX 1000 /* = URNE_FORUM_REASON_MAX */
#define URNE_STORE_FORUM_HASH 65         /* 32 bytes in hex, NUL */

/* A forum. */
typedef struct urne_forum_row {
    int64_t id;
    char attached[96]; /* what it is attached to: "election/3", "initiative/2", "page/charte" */
    char title[URNE_STORE_FORUM_TITLE_MAX + 1];
    char mode[16];     /* urne_forum_mode_name */
    int64_t visitors;  /* 1 when visitors may write */
    char created_at[24];
    char created_by[64];
} urne_forum_row;

/* A contribution. */
typedef struct urne_post_row {
    int64_t id;
    int64_t forum;
    int64_t parent; /* 0: a thread's first post */
    int64_t thread; /* the thread's first post (its own id for a first post) */
    char title[URNE_STORE_FORUM_TITLE_MAX + 1];
    char body[URNE_STORE_FORUM_BODY_MAX + 1];
    int64_t author_user; /* the account, 0 for a visitor */
    char author_key[300]; /* "user/ID" or "email/ADDRESS" */
    char author_name[101];
    char email[255];      /* a visitor's; "" for a member */
    char state[16];       /* urne_post_state_name */
    char flags[128];      /* the spam signals raised, names joined by ',' ("" none) */
    int64_t score;        /* the spam score */
    int64_t links;
    int64_t sent_at;      /* seconds since 1970 */
    char decided_by[64];  /* the last moderator's act: who, when ("" none) */
    char decided_at[24];
    char reason[URNE_STORE_FORUM_REASON_MAX + 1];    /* a rejection's reason, sent to the author */
    char edited_body[URNE_STORE_FORUM_BODY_MAX + 1]; /* a moderator's edit, shown instead ("" none) */
    char edit_note[URNE_STORE_FORUM_REASON_MAX + 1]; /* the edit's reason, shown beside it */
    char token_hash[URNE_STORE_FORUM_HASH];          /* SHA-256 of the author's private link, hex */
    char address[64];                                /* the sender's network address */
} urne_post_row;

/* A ban: an address or an author, in one forum or (forum 0) the whole site. */
typedef struct urne_forum_ban {
    int64_t id;
    int64_t forum;  /* 0: every forum */
    char kind[16];  /* "address" or "author" */
    char value[300]; /* the address, or the author key */
    char reason[URNE_STORE_FORUM_REASON_MAX + 1];
    char created_at[24];
    char created_by[64];
} urne_forum_ban;

/* Add a forum (inside a transaction; f->id ignored): the new id, or -1. */
int64_t urne_store_forum_put(urne_store *s, const urne_forum_row *f);
/* Forum `id` into *out: 1, 0 when none, -1. */
int urne_store_forum_get(urne_store *s, int64_t id, urne_forum_row *out);
/* Write f's title, mode and visitors (inside a transaction): 1, 0 when there is
 * no such forum, -1. */
int urne_store_forum_update(urne_store *s, const urne_forum_row *f);
/* Every forum in order of id; fn's non-zero return stops and is returned. */
int urne_store_forum_each(urne_store *s, int (*fn)(const urne_forum_row *f, void *ctx), void *ctx);
/* The key that signs the post forms' stamps, shared by every server on the
 * database (a form shown by one server may be posted to another): the one
 * stored, or `fresh` (64 hex digits) stored first when there is none, the first
 * server's winning when several start at once. Into out: 0, or -1. */
#define URNE_STORE_FORM_KEY 65
int urne_store_form_key(urne_store *s, const char *fresh, char out[URNE_STORE_FORM_KEY]);

/* Each author of published posts in forum `id`, with how many: fn's non-zero
 * return stops and is returned; 0 at the end, or -1. One pass over the forum's
 * published rows: what the application keeps in memory is built from it once
 * (app/forum_tally.c), never counted again per page. */
int urne_store_forum_authors(urne_store *s, int64_t id, int (*fn)(const char *author_key, int64_t published, void *ctx),
                             void *ctx);
/* The published posts of forum `id` and their distinct authors, from
 * urne_store_forum_authors: 0 or -1. */
int urne_store_forum_counts(urne_store *s, int64_t id, int64_t *messages, int64_t *participants);

/* Add a post (inside a transaction; p->id and, for a first post, p->thread
 * ignored): the new id (> 0), with p->id and p->thread set, or -1. The caller has
 * checked that a reply's parent and thread are posts of p->forum. */
int64_t urne_store_post_put(urne_store *s, urne_post_row *p);
/* Post `id` into *out: 1, 0, -1. */
int urne_store_post_get(urne_store *s, int64_t id, urne_post_row *out);
/* The post whose token_hash is `hash`: 1, 0, -1. */
int urne_store_post_by_token(urne_store *s, const char *hash, urne_post_row *out);
/* Write p's state, decided_by, decided_at, reason, edited_body and edit_note
 * when its stored state is still `expected` (inside a transaction): 1, 0 when it
 * is not (nothing written), -1. */
int urne_store_post_decide(urne_store *s, const urne_post_row *p, const char *expected);

/* Which posts a page lists (urne_store_post_page). */
typedef enum {
    URNE_POSTS_QUEUE,   /* waiting posts of `forum` (0: of every forum), oldest first, id > after */
    URNE_POSTS_THREADS, /* published first posts of `forum`, newest first, id < after (0: from the newest) */
    URNE_POSTS_THREAD,  /* published posts of thread `forum`... (`thread` below), oldest first, id > after */
    URNE_POSTS_ALL,     /* every post of every forum, in order of id, id > after (audit, copies) */
    URNE_POSTS_RECENT,  /* published posts of `forum`, newest first, id < after (0: from the newest): its feed */
} urne_posts_kind;

typedef struct urne_posts_query {
    urne_posts_kind kind;
    int64_t forum;  /* QUEUE: the forum, 0 every one; THREADS: the forum */
    int64_t thread; /* THREAD: the thread's first post */
    int64_t after;  /* the keyset: the last id of the previous page (0: the first page) */
    int64_t limit;  /* 1 .. 1000 */
} urne_posts_query;

/* The page q asks for, each post passed to fn in the page's order; fn's non-zero
 * return stops and is returned. 0 or -1. */
int urne_store_post_page(urne_store *s, const urne_posts_query *q, int (*fn)(const urne_post_row *p, void *ctx),
                         void *ctx);
/* fn(sent_at) for every waiting post of `forum` (0: of every forum), for the
 * waiting-time figures. */
int urne_store_post_waiting(urne_store *s, int64_t forum, int (*fn)(int64_t forum, int64_t sent_at, void *ctx),
                            void *ctx);

/* Add a ban (inside a transaction; b->id ignored): the new id, or -1. */
int64_t urne_store_forum_ban_put(urne_store *s, const urne_forum_ban *b);
/* 1 when `address` or `author_key` is banned in forum `forum` or site-wide, 0
 * when neither is, -1. */
int urne_store_forum_banned(urne_store *s, int64_t forum, const char *address, const char *author_key);
/* Every ban in order of id. */
int urne_store_forum_ban_each(urne_store *s, int (*fn)(const urne_forum_ban *b, void *ctx), void *ctx);

#endif
