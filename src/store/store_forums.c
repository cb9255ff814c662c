/*
 * store_forums: the forum component's rows (store_forums.h) on either backend:
 * each text checked against its field (refused when it does not fit, never
 * cut), then the backend's function called (urne_store_forum_ops). Apart from
 * store.c, which dispatches the other domains, to keep each file to one
 * concept and a readable length.
 */
#include <assert.h>
#include <string.h>

#include "store_backend.h"

#define FIELD URNE_STORE_FIELD

int64_t urne_store_forum_put(urne_store *s, const urne_forum_row *f) {
    assert(f != NULL);
    if (FIELD(s, f, attached, "what a forum is attached to") < 0 || FIELD(s, f, title, "a forum's title") < 0 ||
        FIELD(s, f, mode, "a forum's mode") < 0 || FIELD(s, f, created_at, "a forum's time") < 0 ||
        FIELD(s, f, created_by, "a forum's creator") < 0)
        return -1;
    return s->ops->forums->forum_put(s, f);
}

int urne_store_forum_get(urne_store *s, int64_t id, urne_forum_row *out) {
    assert(out != NULL);
    return s->ops->forums->forum_get(s, id, out);
}

int urne_store_forum_update(urne_store *s, const urne_forum_row *f) {
    assert(f != NULL);
    if (FIELD(s, f, title, "a forum's title") < 0 || FIELD(s, f, mode, "a forum's mode") < 0) return -1;
    return s->ops->forums->forum_update(s, f);
}

int urne_store_forum_each(urne_store *s, int (*fn)(const urne_forum_row *f, void *ctx), void *ctx) {
    assert(fn != NULL);
    return s->ops->forums->forum_each(s, fn, ctx);
}

int urne_store_form_key(urne_store *s, const char *fresh, char out[URNE_STORE_FORM_KEY]) {
    assert(fresh != NULL && strlen(fresh) == URNE_STORE_FORM_KEY - 1);
    return s->ops->forums->form_key(s, fresh, out);
}

int urne_store_forum_authors(urne_store *s, int64_t id, int (*fn)(const char *author_key, int64_t published, void *ctx),
                             void *ctx) {
    assert(fn != NULL);
    return s->ops->forums->forum_authors(s, id, fn, ctx);
}

typedef struct forum_counts {
    int64_t messages, participants;
} forum_counts;

static int count_author(const char *author_key, int64_t published, void *ctx) {
    (void)author_key;
    forum_counts *c = ctx;
    c->messages += published;
    c->participants++;
    return 0;
}

int urne_store_forum_counts(urne_store *s, int64_t id, int64_t *messages, int64_t *participants) {
    assert(messages && participants);
    forum_counts c = {0, 0};
    int rc = urne_store_forum_authors(s, id, count_author, &c);
    *messages = rc == 0 ? c.messages : 0;
    *participants = rc == 0 ? c.participants : 0;
    return rc == 0 ? 0 : -1;
}

/* The texts of a post a write takes: 0, or -1 naming the first too long. */
static int post_fields(urne_store *s, const urne_post_row *p) {
    if (FIELD(s, p, title, "a post's title") < 0 || FIELD(s, p, body, "a post's message") < 0 ||
        FIELD(s, p, author_key, "a post's author") < 0 || FIELD(s, p, author_name, "a post's author's name") < 0 ||
        FIELD(s, p, email, "a post's e-mail address") < 0 || FIELD(s, p, state, "a post's state") < 0 ||
        FIELD(s, p, flags, "a post's spam signals") < 0 || FIELD(s, p, decided_by, "a moderator's name") < 0 ||
        FIELD(s, p, decided_at, "a moderation's time") < 0 || FIELD(s, p, reason, "a rejection's reason") < 0 ||
        FIELD(s, p, edited_body, "an edited message") < 0 || FIELD(s, p, edit_note, "an edit's note") < 0 ||
        FIELD(s, p, token_hash, "a post's token hash") < 0 || FIELD(s, p, address, "a sender's address") < 0)
        return -1;
    return 0;
}

int64_t urne_store_post_put(urne_store *s, urne_post_row *p) {
    assert(p != NULL && p->token_hash[0] != '\0');
    if (post_fields(s, p) < 0) return -1;
    return s->ops->forums->post_put(s, p);
}

int urne_store_post_get(urne_store *s, int64_t id, urne_post_row *out) {
    assert(out != NULL);
    return s->ops->forums->post_get(s, id, out);
}

int urne_store_post_by_token(urne_store *s, const char *hash, urne_post_row *out) {
    assert(hash && out);
    return s->ops->forums->post_by_token(s, hash, out);
}

int urne_store_post_decide(urne_store *s, const urne_post_row *p, const char *expected) {
    assert(p && expected);
    if (post_fields(s, p) < 0) return -1;
    return s->ops->forums->post_decide(s, p, expected);
}

int urne_store_post_page(urne_store *s, const urne_posts_query *q, int (*fn)(const urne_post_row *p, void *ctx),
                         void *ctx) {
    assert(q && fn);
    if (q->limit < 1 || q->limit > 1000 || q->after < 0)
        return urne_store_fail(s, "a page of posts holds 1 to 1000 posts after an id of 0 or more (asked %lld after %lld)",
                               (long long)q->limit, (long long)q->after);
    return s->ops->forums->post_page(s, q, fn, ctx);
}

int urne_store_post_waiting(urne_store *s, int64_t forum, int (*fn)(int64_t forum, int64_t sent_at, void *ctx),
                            void *ctx) {
    assert(fn != NULL);
    return s->ops->forums->post_waiting(s, forum, fn, ctx);
}

int64_t urne_store_forum_ban_put(urne_store *s, const urne_forum_ban *b) {
    assert(b != NULL && b->value[0] != '\0');
    if (FIELD(s, b, kind, "a ban's kind") < 0 || FIELD(s, b, value, "a ban's address or author") < 0 ||
        FIELD(s, b, reason, "a ban's reason") < 0 || FIELD(s, b, created_at, "a ban's time") < 0 ||
        FIELD(s, b, created_by, "a ban's author") < 0)
        return -1;
    return s->ops->forums->ban_put(s, b);
}

int urne_store_forum_banned(urne_store *s, int64_t forum, const char *address, const char *author_key) {
    assert(address && author_key);
    return s->ops->forums->banned(s, forum, address, author_key);
}

int urne_store_forum_ban_each(urne_store *s, int (*fn)(const urne_forum_ban *b, void *ctx), void *ctx) {
    assert(fn != NULL);
    return s->ops->forums->ban_each(s, fn, ctx);
}
