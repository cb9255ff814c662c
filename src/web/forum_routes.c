/*
 * forum_routes: the forum component's route table, its API and its words (the
 * pages and the Atom feed are forum_pages.c).
 *
 * Each route names its action (app/authz.h): reading and posting are anyone's
 * (the forum says whether visitors may write, the use case decides), creating a
 * forum is an administrator's, moderating is asked "somewhere" by the dispatcher
 * and decided by the use case on the forum's own space (forum/N, then what it is
 * attached to): a moderator of another forum is refused there, 403.
 *
 * The forum's reasons (the engine's rule codes, the use cases' whys) are worded
 * here in French and English, once, for the pages and the API alike; every other
 * status goes to urne_outcome_word. The API answers the rule's code and field
 * beside the sentence, so that a client may decide by the code.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../forum/markup.h"
#include "actions.h"
#include "addr.h"
#include "forum_web.h"
#include "page_parts.h"
#include "routes.h"

/* ---- words ---- */

/* The words of the forum's own BAD_INPUT reasons; 0 when the reason is none of them. */
static int word_input(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "", *field = o->field;
    long long n = (long long)o->number, limit = (long long)o->id;
    int line = strcmp(field, "message") == 0 || strcmp(field, "reason") == 0;
    char len[24];
    snprintf(len, sizeof len, "%lld", n);
    if (strcmp(why, URNE_FORUM_LENGTH) == 0 && n == 0)
        urne_result_set(res, 400, _(r, "Field '%s': empty; it takes 1 to %lld bytes."), field, limit);
    else if (strcmp(why, URNE_FORUM_LENGTH) == 0)
        urne_result_set(res, 400, _(r, "Field '%s': %s bytes, more than the %lld allowed; shorten it."), field, len,
                        limit);
    else if (strcmp(why, URNE_FORUM_BLANK) == 0)
        urne_result_set(res, 400, _(r, "Field '%s': only blanks; write something."), field);
    else if (strcmp(why, URNE_FORUM_UTF8) == 0)
        urne_result_set(res, 400, _(r, "Field '%s': not valid UTF-8 (byte %lld)."), field, n);
    else if (strcmp(why, URNE_FORUM_CONTROL) == 0 && line)
        urne_result_set(res, 400, _(r, "Field '%s': a control character at byte %lld (only line breaks are allowed)."),
                        field, n);
    else if (strcmp(why, URNE_FORUM_CONTROL) == 0)
        urne_result_set(res, 400, _(r, "Field '%s': a control character at byte %lld (the title is one line)."), field,
                        n);
    else if (strcmp(why, URNE_FORUM_EMAIL) == 0)
        urne_result_set(res, 400, "%s", _(r, "Field 'email': not an e-mail address (name@domain.tld)."));
    else if (strcmp(why, URNE_FORUM_VISITORS) == 0)
        urne_result_set(res, 400, "%s", _(r, "This forum takes members' messages only: log in to write."));
    else if (strcmp(why, URNE_FORUM_CLOSED_RULE) == 0)
        urne_result_set(res, 400, "%s", _(r, "This forum is closed."));
    else if (strcmp(why, URNE_WHY_FORUM_MODE) == 0)
        urne_result_set(res, 400, "%s", _(r, "Field 'mode': a-priori, a-posteriori or closed."));
    else if (strcmp(why, URNE_WHY_FORUM_ATTACHED) == 0)
        urne_result_set(res, 400, "%s",
                        _(r, "Field 'attached': what the forum is attached to, such as initiative/2 or page/charte."));
    else if (strcmp(why, URNE_WHY_NO_PARENT) == 0)
        urne_result_set(res, 400, _(r, "Field 'parent': no published message %lld in this forum."), n);
    else if (strcmp(why, URNE_WHY_BAN_KIND) == 0)
        urne_result_set(res, 400, "%s", _(r, "Field 'kind': author or address."));
    else
        return 0;
    return 1;
}

void urne_forum_word(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "";
    if (o->status == URNE_APP_BAD_INPUT && word_input(r, o, res)) return;
    if (o->status == URNE_APP_STATE && strcmp(why, URNE_WHY_BANNED) == 0)
        urne_result_set(res, 403, "%s", _(r, "You may not write in this forum."));
    else if (o->status == URNE_APP_STATE && strcmp(why, URNE_WHY_POST_STATE) == 0)
        urne_result_set(res, 409, "%s",
                        _(r, "That act does not apply to this message now (another moderator may have acted)."));
    else
        urne_outcome_word(r, o, res);
}

const char *urne_forum_flag_words(const urne_req *r, const char *flag) {
    if (strcmp(flag, "honeypot") == 0) return _(r, "hidden field filled");
    if (strcmp(flag, "too-fast") == 0) return _(r, "sent too fast");
    if (strcmp(flag, "links") == 0) return _(r, "many links");
    if (strcmp(flag, "duplicate") == 0) return _(r, "same text again");
    if (strcmp(flag, "address-rate") == 0) return _(r, "many messages from this address");
    if (strcmp(flag, "author-rate") == 0) return _(r, "many messages from this author");
    return flag;
}

const char *urne_forum_state_words(const urne_req *r, const char *state) {
    if (strcmp(state, "waiting") == 0) return _(r, "awaiting moderation");
    if (strcmp(state, "published") == 0) return _(r, "published");
    if (strcmp(state, "rejected") == 0) return _(r, "rejected");
    if (strcmp(state, "hidden") == 0) return _(r, "hidden");
    return state;
}

/* ---- requests ---- */

int64_t urne_forum_number(const char *text) {
    if (text == NULL || *text == 0) return 0;
    char *end;
    long long v = strtoll(text, &end, 10);
    return *end == 0 && v >= 0 ? v : -1;
}

/* A browser ends a textarea's lines with "\r\n": the engine keeps what is sent,
 * the renderer reads both alike, so the text is taken as it comes. */
urne_app_status urne_forum_post_from(urne_req *r, int64_t forum, urne_post_row *row, char token[URNE_FORUM_TOKEN_HEX],
                                     urne_app_outcome *o) {
    char addr[64];
    urne_req_addr(r, addr, sizeof addr);
    int64_t parent = urne_forum_number(urne_req_param(r, "parent"));
    urne_forum_post_in in = {forum,
                             parent > 0 ? parent : 0,
                             urne_req_param(r, "title"),
                             urne_req_param(r, "message"),
                             urne_req_param(r, "name"),
                             urne_req_param(r, "email"),
                             urne_req_param(r, "website"),
                             urne_req_param(r, "stamp"),
                             addr};
    if (parent < 0) {
        urne_app_outcome_init(o);
        snprintf(o->field, sizeof o->field, "parent");
        o->why = URNE_WHY_NO_PARENT;
        return urne_app_fail(o, URNE_APP_BAD_INPUT, NULL);
    }
    return urne_app_forum_post(&r->srv->app, &r->user, &in, row, token, o);
}

/* The act a moderation request names ("approve", "reject", "hide", "edit",
 * "ban-author", "ban-address"), done. */
urne_app_status urne_forum_act_from(urne_req *r, int64_t post, urne_app_outcome *o) {
    const char *act = urne_req_param(r, "act"), *reason = urne_req_param(r, "reason");
    static const char *const acts[] = {"approve", "reject", "hide", "edit"};
    for (int k = 0; act && k < 4; k++)
        if (strcmp(act, acts[k]) == 0)
            return urne_app_forum_moderate(&r->srv->app, &r->user, post, (urne_moderation)k, reason,
                                           urne_req_param(r, "message"), o);
    if (act && strncmp(act, "ban-", 4) == 0)
        return urne_app_forum_ban(&r->srv->app, &r->user, post, act + 4, urne_req_param(r, "site") != NULL, reason,
                                  o);
    urne_app_outcome_init(o);
    snprintf(o->field, sizeof o->field, "act");
    o->why = URNE_WHY_FORMAT;
    return urne_app_fail(o, URNE_APP_BAD_INPUT, "act");
}

/* ---- the API ---- */

/* The outcome as JSON: `ok_status` with extra (stolen) when OK, else the error
 * with its field and rule. */
static enum MHD_Result answer(urne_req *r, const urne_app_outcome *o, unsigned ok_status, json_t *extra) {
    if (o->status == URNE_APP_OK) return urne_reply_json(r, ok_status, extra ? extra : json_object());
    json_decref(extra);
    urne_result res = {0};
    urne_forum_word(r, o, &res);
    json_t *e = json_pack("{s:s, s:i}", "error", res.message, "status", (int)res.status);
    if (e && o->status == URNE_APP_BAD_INPUT && o->field[0]) {
        json_object_set_new(e, "field", json_string(o->field));
        json_object_set_new(e, "rule", json_string(o->why ? o->why : ""));
    }
    return urne_reply_json(r, res.status, e);
}

json_t *urne_forum_post_json(const urne_post_row *p, int moderator) {
    json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)p->id, "forum",
                          (json_int_t)p->forum, "parent", (json_int_t)p->parent, "thread", (json_int_t)p->thread,
                          "title", p->title, "message", p->edited_body[0] ? p->edited_body : p->body, "author",
                          p->author_name, "state", p->state, "sent_at", (json_int_t)p->sent_at, "edit_note",
                          p->edit_note, "reason", p->reason);
    if (o && moderator)
        json_object_update_new(o, json_pack("{s:s, s:I, s:I, s:s}", "flags", p->flags, "score", (json_int_t)p->score,
                                            "links", (json_int_t)p->links, "original", p->body));
    return o;
}

static int forum_json(const urne_forum_row *f, void *ctx) {
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)f->id, "attached", f->attached, "title",
                          f->title, "mode", f->mode, "visitors", (int)f->visitors);
    return o == NULL || json_array_append_new(ctx, o) < 0 ? -1 : 0;
}

static enum MHD_Result api_forums(urne_req *r, int64_t a, int64_t b) {
    json_t *all = json_array();
    if (all == NULL || urne_app_forums_each(&r->srv->app, forum_json, all) != 0) {
        json_decref(all);
        return urne_reply_json_error(r, 500, "%s", _(r, "The forums could not be read."));
    }
    return urne_reply_json(r, 200, all);
}

static urne_forum_new forum_fields(urne_req *r) {
    const char *v = urne_req_param(r, "visitors");
    return (urne_forum_new){urne_req_param(r, "attached"), urne_req_param(r, "title"), urne_req_param(r, "mode"),
                            v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)};
}

static enum MHD_Result api_create(urne_req *r, int64_t a, int64_t b) {
    urne_forum_new in = forum_fields(r);
    urne_app_outcome o;
    urne_app_forum_create(&r->srv->app, &r->user, &in, &o);
    enum MHD_Result ret = answer(r, &o, 201, json_pack("{s:I}", "id", (json_int_t)o.id));
    urne_app_outcome_free(&o);
    return ret;
}

static enum MHD_Result api_configure(urne_req *r, int64_t id, int64_t b) {
    urne_forum_new in = forum_fields(r);
    urne_app_outcome o;
    urne_app_forum_configure(&r->srv->app, &r->user, id, &in, &o);
    enum MHD_Result ret = answer(r, &o, 200, json_pack("{s:I}", "id", (json_int_t)id));
    urne_app_outcome_free(&o);
    return ret;
}

typedef struct list_ctx {
    json_t *posts;
    int64_t last;
    int moderator;
} list_ctx;

static int post_into(const urne_post_row *p, void *ctx) {
    list_ctx *l = ctx;
    l->last = p->id;
    json_t *o = urne_forum_post_json(p, l->moderator);
    return o == NULL || json_array_append_new(l->posts, o) < 0 ? -1 : 0;
}

/* A page of posts as JSON: {"posts": [...], "next": the keyset of the next page or null}. */
static enum MHD_Result api_page(urne_req *r, urne_posts_query q, json_t *head) {
    list_ctx l = {json_array(), 0, 0};
    urne_app_outcome o;
    urne_app_forum_read(&r->srv->app, &q, post_into, &l, &o);
    if (o.status == URNE_APP_OK) {
        json_object_set_new(head, "posts", l.posts);
        int64_t n = (int64_t)json_array_size(l.posts);
        json_object_set_new(head, "next", n == q.limit ? json_integer(l.last) : json_null());
    } else
        json_decref(l.posts);
    enum MHD_Result ret = answer(r, &o, 200, head);
    urne_app_outcome_free(&o);
    return ret;
}

static enum MHD_Result api_forum(urne_req *r, int64_t id, int64_t b) {
    urne_forum_row f;
    urne_app_outcome o;
    int64_t messages = 0, people = 0;
    if (urne_app_forum_get(&r->srv->app, id, &f, &o) != URNE_APP_OK ||
        urne_app_forum_counts(&r->srv->app, id, &messages, &people, &o) != URNE_APP_OK) {
        enum MHD_Result ret = answer(r, &o, 200, NULL);
        urne_app_outcome_free(&o);
        return ret;
    }
    char stamp[URNE_FORUM_STAMP_MAX];
    urne_app_forum_form_stamp(&r->srv->app, stamp);
    r->cacheable = 0; /* the stamp is the moment */
    json_t *head = json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:I, s:s}", "id", (json_int_t)f.id, "attached",
                             f.attached, "title", f.title, "mode", f.mode, "visitors", (int)f.visitors, "messages",
                             (json_int_t)messages, "participants", (json_int_t)people, "stamp", stamp);
    int64_t before = urne_forum_number(urne_req_query(r, "before"));
    return api_page(r, (urne_posts_query){URNE_POSTS_THREADS, id, 0, before > 0 ? before : 0, 50}, head);
}

static enum MHD_Result api_thread(urne_req *r, int64_t forum, int64_t thread) {
    int64_t after = urne_forum_number(urne_req_query(r, "after"));
    json_t *head = json_pack("{s:I, s:I}", "forum", (json_int_t)forum, "thread", (json_int_t)thread);
    return api_page(r, (urne_posts_query){URNE_POSTS_THREAD, forum, thread, after > 0 ? after : 0, 100}, head);
}

static enum MHD_Result api_post(urne_req *r, int64_t forum, int64_t b) {
    urne_post_row *row = malloc(sizeof *row);
    if (row == NULL) return urne_reply_json_error(r, 500, "%s", _(r, "out of memory; nothing was written"));
    char token[URNE_FORUM_TOKEN_HEX];
    urne_app_outcome o;
    urne_forum_post_from(r, forum, row, token, &o);
    json_t *extra = NULL;
    if (o.status == URNE_APP_OK) {
        char link[160];
        snprintf(link, sizeof link, "/forums/status?t=%s", token);
        extra = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)row->id, "state", row->state,
                          "flags", row->flags, "token", token, "score", (json_int_t)row->score, "status_link", link,
                          "message", strcmp(row->state, "waiting") == 0 ? _(r, "Your message awaits moderation.")
                                                                         : _(r, "Your message is published."));
    }
    free(row);
    enum MHD_Result ret = answer(r, &o, 201, extra);
    urne_app_outcome_free(&o);
    return ret;
}

static enum MHD_Result api_status(urne_req *r, int64_t a, int64_t b) {
    r->cacheable = 0;
    urne_post_row *row = malloc(sizeof *row);
    if (row == NULL) return urne_reply_json_error(r, 500, "%s", _(r, "out of memory; nothing was written"));
    urne_app_outcome o;
    urne_app_forum_post_status(&r->srv->app, urne_req_query(r, "t"), row, &o);
    json_t *extra = o.status == URNE_APP_OK ? urne_forum_post_json(row, 0) : NULL;
    free(row);
    enum MHD_Result ret = answer(r, &o, 200, extra);
    urne_app_outcome_free(&o);
    return ret;
}

static enum MHD_Result api_queue(urne_req *r, int64_t a, int64_t b) {
    r->cacheable = 0;
    int64_t forum = urne_forum_number(urne_req_query(r, "forum")), after = urne_forum_number(urne_req_query(r, "after"));
    int64_t limit = urne_forum_number(urne_req_query(r, "limit"));
    list_ctx l = {json_array(), 0, 1};
    urne_app_outcome o;
    int64_t count = 0, median = 0, oldest = 0;
    const char *figures = urne_req_query(r, "figures");
    int with_figures = figures == NULL || strcmp(figures, "0") != 0; /* ?figures=0: the page alone */
    if (!with_figures)
        urne_app_outcome_init(&o);
    if (!with_figures ||
        urne_app_forum_waiting(&r->srv->app, &r->user, forum > 0 ? forum : 0, &count, &median, &oldest, &o) ==
            URNE_APP_OK)
        urne_app_forum_queue(&r->srv->app, &r->user, forum > 0 ? forum : 0, after > 0 ? after : 0,
                             limit > 0 ? limit : 50, post_into, &l, &o);
    json_t *extra = NULL;
    if (o.status == URNE_APP_OK)
        extra = json_pack("{s:o, s:o, s:o}", "waiting",
                          with_figures ? json_pack("{s:I, s:I, s:I}", "count", (json_int_t)count, "median_seconds",
                                                   (json_int_t)median, "oldest_seconds", (json_int_t)oldest)
                                       : json_null(),
                          "posts", l.posts, "next", json_array_size(l.posts) > 0 ? json_integer(l.last) : json_null());
    else
        json_decref(l.posts);
    enum MHD_Result ret = answer(r, &o, 200, extra);
    urne_app_outcome_free(&o);
    return ret;
}

static enum MHD_Result api_moderate(urne_req *r, int64_t post, int64_t b) {
    urne_app_outcome o;
    urne_forum_act_from(r, post, &o);
    enum MHD_Result ret = answer(r, &o, 200, json_pack("{s:I}", "id", (json_int_t)o.id));
    urne_app_outcome_free(&o);
    return ret;
}

/* ---- the table ---- */

static const urne_route_def forums[] = {
    {"GET", "/forums", URNE_ACT_READ_PUBLIC, NULL, "the forums (with the form to create one, for an administrator)",
     urne_forum_page_index},
    {"POST", "/forums", URNE_ACT_MANAGE_FORUMS, "the space it is attached to", "create a forum (form)",
     urne_forum_page_create},
    {"GET", "/forums/status", URNE_ACT_POST_FORUM, "the private link's token", "a message's state, by its author's link",
     urne_forum_page_status},
    {"GET", "/forums/moderation", URNE_ACT_MODERATE_FORUM, "the forums the actor moderates",
     "the moderation queue, oldest first, with the waiting figures", urne_forum_page_queue},
    {"POST", "/forums/moderation/*", URNE_ACT_MODERATE_FORUM, "the message's forum",
     "approve, reject, hide, edit a message, or ban its author or address (form)", urne_forum_page_act},
    {"GET", "/forums/*", URNE_ACT_READ_PUBLIC, NULL, "a forum's threads, newest first, paginated", urne_forum_page_forum},
    {"POST", "/forums/*", URNE_ACT_POST_FORUM, "the forum's mode", "post, or preview, a message (form)",
     urne_forum_page_post},
    {"GET", "/forums/*/write", URNE_ACT_POST_FORUM, "the forum's mode",
     "the post form (?parent=ID: a reply), carrying the moment it was shown", urne_forum_page_write},
    {"GET", "/forums/*/t/*", URNE_ACT_READ_PUBLIC, NULL, "a thread, its published messages threaded",
     urne_forum_page_thread},
    {"GET", "/forums/*/atom", URNE_ACT_READ_PUBLIC, NULL, "a forum's published messages as an Atom feed",
     urne_forum_atom},
    {"GET", "/api/forums", URNE_ACT_READ_PUBLIC, NULL, "the forums", api_forums},
    {"POST", "/api/forums", URNE_ACT_MANAGE_FORUMS, "the space it is attached to", "create a forum", api_create},
    {"GET", "/api/forums/status", URNE_ACT_POST_FORUM, "the private link's token", "a message's state (?t=TOKEN)",
     api_status},
    {"GET", "/api/forums/queue", URNE_ACT_MODERATE_FORUM, "the forums the actor moderates",
     "the queue (?forum=&after=&limit=) with the waiting figures (?figures=0: without)", api_queue},
    {"GET", "/api/forums/*", URNE_ACT_READ_PUBLIC, NULL, "a forum, its counts, a form stamp and its threads (?before=)",
     api_forum},
    {"POST", "/api/forums/*", URNE_ACT_MANAGE_FORUMS, "the forum's space", "configure a forum", api_configure},
    {"POST", "/api/forums/*/posts", URNE_ACT_POST_FORUM, "the forum's mode", "post a message", api_post},
    {"GET", "/api/forums/*/t/*", URNE_ACT_READ_PUBLIC, NULL, "a thread's published messages (?after=)", api_thread},
    {"POST", "/api/posts/*/moderate", URNE_ACT_MODERATE_FORUM, "the message's forum",
     "act on a message: approve, reject, hide, edit, ban-author, ban-address", api_moderate},
    {NULL, NULL, URNE_ACT_COUNT, NULL, NULL, NULL},
};

const urne_route_table urne_forum_routes = {"forum", forums};
