/*
 * forum_pages: the forum's pages and its Atom feed (forum_routes.c has the
 * table, the API and the words).
 *
 * Every text a person typed goes out escaped (html.h's %s), but a message's
 * body, which goes through the forum's renderer (forum/markup.h: a pure
 * function whose output is well nested and holds only the tags of its grammar)
 * and is then written as trusted markup. Only published messages are shown to
 * the public; a moderator's edit is shown instead of the text, with its note.
 *
 * The post form asks a visitor "Qui êtes-vous ?" (a name and an e-mail address)
 * when the forum lets visitors write, carries the signed moment it was shown
 * (the minimum time to fill it) and a field hidden from people (the honeypot:
 * a robot fills every field). "Preview" shows the rendered message and the form
 * again, nothing written; "Send" posts and sends the author to the private
 * status link, which says "awaits moderation" until a moderator decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/urne_time.h"
#include "../forum/markup.h"
#include "forum_web.h"
#include "page_parts.h"
#include "reply.h"

#define THREADS_PER_PAGE 30
#define POSTS_PER_PAGE 200

/* ---- pieces ---- */

/* A message's text rendered (its moderator's edit when there is one). */
static void body_html(urne_buf *b, const urne_req *r, const urne_post_row *p) {
    const char *text = p->edited_body[0] ? p->edited_body : p->body;
    char *html = urne_forum_render(text, strlen(text), NULL, NULL);
    urne_html_trusted(b, "<div class=body>");
    if (html == NULL)
        urne_html(b, "<p>%s</p>", _(r, "out of memory; nothing was written"));
    else
        urne_html_trusted(b, html);
    urne_html_trusted(b, "</div>");
    free(html);
    if (p->edited_body[0])
        urne_html(b, "<p class=meta>%s %s</p>", _(r, "Edited by the moderators:"), p->edit_note);
}

/* Who wrote it and when. A visitor's name is theirs to choose ("admin" too), so
 * it is marked as a visitor's: never to be taken for an account's. */
static void post_meta(urne_buf *b, const urne_req *r, const urne_post_row *p) {
    char iso[24];
    urne_time_iso(p->sent_at, iso);
    urne_html(b, "<p class=meta>%s", p->author_name);
    if (p->author_user == 0) urne_html(b, " <span class=visitor>(%s)</span>", _(r, "visitor"));
    urne_html_trusted(b, " · ");
    urne_page_time(b, r, iso, "Europe/Paris");
    urne_html_trusted(b, "</p>");
}

/* Forum `id` into *f: 1; else 0 with the answer (404, 503) sent in *sent. */
static int forum_or_answer(urne_req *r, int64_t id, urne_forum_row *f, enum MHD_Result *sent) {
    urne_app_outcome o;
    urne_app_status st = urne_app_forum_get(&r->srv->app, id, f, &o);
    urne_app_outcome_free(&o);
    if (st == URNE_APP_OK) return 1;
    *sent = st == URNE_APP_NO_FORUM ? urne_page_not_found(r) : urne_reply_unavailable(r);
    return 0;
}

typedef struct form_values {
    const char *title, *message, *name, *email;
    int64_t parent;
} form_values;

/* The post form of forum f (a reply to `v->parent` when not 0). */
static void post_form(urne_buf *b, urne_req *r, const urne_forum_row *f, const form_values *v) {
    int member = r->user.role != URNE_ROLE_PUBLIC;
    if (strcmp(f->mode, "closed") == 0) {
        urne_html(b, "<p>%s</p>", _(r, "This forum is closed."));
        return;
    }
    if (!member && !f->visitors) {
        urne_html(b, "<p>%s</p>", _(r, "This forum takes members' messages only: log in to write."));
        return;
    }
    char stamp[URNE_FORUM_STAMP_MAX];
    const char *given = urne_req_param(r, "stamp");
    if (given && strlen(given) < sizeof stamp)
        snprintf(stamp, sizeof stamp, "%s", given); /* a preview keeps the moment the form was first shown */
    else
        urne_app_forum_form_stamp(&r->srv->app, stamp);
    r->cacheable = 0;
    urne_html(b, "<form method=post action=\"/forums/%lld\" class=card id=write>", (long long)f->id);
    urne_page_csrf(b, r);
    urne_html(b, "<h2>%s</h2>", v->parent ? _(r, "Reply") : _(r, "New thread"));
    if (strcmp(f->mode, "a-priori") == 0)
        urne_html(b, "<p class=meta>%s</p>",
                  _(r, "This forum is moderated beforehand: your message will appear once a moderator has approved it."));
    urne_html(b, "<input type=hidden name=stamp value=\"%s\"><input type=hidden name=parent value=\"%lld\">", stamp,
              (long long)v->parent);
    if (!v->parent)
        urne_html(b, "<label>%s<input name=title required maxlength=%d value=\"%s\"></label>", _(r, "Title"),
                  URNE_FORUM_TITLE_MAX, v->title ? v->title : "");
    urne_html(b, "<label>%s<textarea name=message required rows=8 maxlength=%d>%s</textarea></label>",
              _(r, "Message"), URNE_FORUM_MESSAGE_MAX, v->message ? v->message : "");
    urne_html(b, "<p class=meta>%s</p>", _(r, "{{bold}}, {italic}, [text->https://…], <quote>, <code>; a blank line "
                                           "starts a paragraph."));
    if (!member)
        urne_html(b, "<fieldset><legend>%s</legend><label>%s<input name=name required maxlength=%d value=\"%s\">"
                     "</label><label>%s<input name=email type=email required maxlength=%d value=\"%s\"></label>"
                     "</fieldset>",
                  _(r, "Who are you?"), _(r, "Your name"), URNE_FORUM_NAME_MAX, v->name ? v->name : "",
                  _(r, "Your e-mail address (not shown)"), URNE_FORUM_EMAIL_MAX, v->email ? v->email : "");
    /* The honeypot: hidden from people (and from screen readers), filled by robots. */
    urne_html(b, "<div class=hp aria-hidden=true><label>%s<input name=website tabindex=-1 autocomplete=off>"
                 "</label></div>",
              _(r, "Leave this field empty"));
    urne_html(b, "<button name=preview value=1>%s</button> <button>%s</button></form>", _(r, "Preview"),
              _(r, "Send"));
}

/* ---- the index ---- */

typedef struct index_ctx {
    urne_buf *b;
    urne_req *r;
    size_t n;
} index_ctx;

static int forum_item(const urne_forum_row *f, void *ctx) {
    index_ctx *c = ctx;
    urne_html(c->b, "<li><a href=\"/forums/%lld\">%s</a> <span class=meta>%s · %s</span></li>", (long long)f->id,
              f->title, f->attached, strcmp(f->mode, "a-priori") == 0 ? _(c->r, "moderated beforehand")
                                     : strcmp(f->mode, "closed") == 0 ? _(c->r, "closed")
                                                                      : _(c->r, "moderated afterwards"));
    c->n++;
    return 0;
}

static enum MHD_Result index_page(urne_req *r, unsigned status, const char *message) {
    urne_buf b = {0};
    const char *heading = _(r, "Forums");
    urne_page_begin(&b, r, heading);
    urne_html(&b, "<h1>%s</h1>", heading);
    if (message) urne_page_flash(&b, status, message);
    index_ctx c = {&b, r, 0};
    urne_html_trusted(&b, "<ul>");
    int rc = urne_app_forums_each(&r->srv->app, forum_item, &c);
    urne_html_trusted(&b, "</ul>");
    if (rc != 0) urne_page_flash(&b, status = 500, _(r, "The forums could not be read."));
    if (rc == 0 && c.n == 0) urne_html(&b, "<p>%s</p>", _(r, "No forum yet."));
    if (urne_page_may(r, URNE_ACT_MODERATE_FORUM, 0) || r->user.role != URNE_ROLE_PUBLIC)
        urne_html(&b, "<p><a href=\"/forums/moderation\">%s</a></p>", _(r, "Moderation queue"));
    if (urne_page_may(r, URNE_ACT_MANAGE_FORUMS, 0)) {
        urne_html_trusted(&b, "<form method=post action=\"/forums\" class=card>");
        urne_page_csrf(&b, r);
        urne_html(&b, "<h2>%s</h2><label>%s<input name=title required maxlength=%d></label>"
                      "<label>%s<input name=attached required placeholder=\"initiative/2\"></label>"
                      "<label>%s<select name=mode><option value=a-priori>%s</option>"
                      "<option value=a-posteriori>%s</option><option value=closed>%s</option></select></label>"
                      "<label><input type=checkbox name=visitors value=1 checked> %s</label><button>%s</button></form>",
                  _(r, "New forum"), _(r, "Title"), URNE_FORUM_TITLE_MAX, _(r, "Attached to"), _(r, "Moderation"),
                  _(r, "moderated beforehand"), _(r, "moderated afterwards"), _(r, "closed"),
                  _(r, "Visitors may write"), _(r, "Create"));
    }
    return urne_page_send(r, status, &b);
}

enum MHD_Result urne_forum_page_index(urne_req *r, int64_t a, int64_t b) { return index_page(r, 200, NULL); }

enum MHD_Result urne_forum_page_create(urne_req *r, int64_t a, int64_t b) {
    const char *v = urne_req_param(r, "visitors");
    urne_forum_new in = {urne_req_param(r, "attached"), urne_req_param(r, "title"), urne_req_param(r, "mode"),
                         v != NULL};
    urne_app_outcome o;
    urne_app_forum_create(&r->srv->app, &r->user, &in, &o);
    if (o.status == URNE_APP_OK) {
        char location[48];
        snprintf(location, sizeof location, "/forums/%lld", (long long)o.id);
        urne_app_outcome_free(&o);
        return urne_redirect(r, location, NULL);
    }
    urne_result res = {0};
    urne_forum_word(r, &o, &res);
    urne_app_outcome_free(&o);
    return index_page(r, res.status, res.message);
}

/* ---- a forum: its threads ---- */

typedef struct threads_ctx {
    urne_buf *b;
    const urne_req *r;
    int64_t forum, last, n;
} threads_ctx;

static int thread_item(const urne_post_row *p, void *ctx) {
    threads_ctx *c = ctx;
    urne_html(c->b, "<li><a href=\"/forums/%lld/t/%lld\">%s</a> ", (long long)c->forum, (long long)p->id, p->title);
    post_meta(c->b, c->r, p);
    urne_html_trusted(c->b, "</li>");
    c->last = p->id;
    c->n++;
    return 0;
}

/* The forum's page, with a message, a preview and the form's values. */
static enum MHD_Result forum_page(urne_req *r, int64_t id, unsigned status, const char *message,
                                  const urne_post_row *preview, const form_values *v) {
    urne_forum_row f;
    urne_app_outcome o;
    int64_t messages = 0, people = 0;
    if (urne_app_forum_get(&r->srv->app, id, &f, &o) != URNE_APP_OK ||
        urne_app_forum_counts(&r->srv->app, id, &messages, &people, &o) != URNE_APP_OK) {
        urne_app_status st = o.status;
        urne_app_outcome_free(&o);
        return st == URNE_APP_NO_FORUM ? urne_page_not_found(r) : urne_reply_unavailable(r);
    }
    urne_buf b = {0};
    urne_page_begin(&b, r, f.title);
    urne_html(&b, "<h1>%s</h1><p class=meta>", f.title);
    urne_page_int(&b, r, messages);
    urne_html(&b, " %s · ", _(r, "messages"));
    urne_page_int(&b, r, people);
    urne_html(&b, " %s · <a href=\"/forums/%lld/atom\">%s</a></p>", _(r, "participants"), (long long)id,
              _(r, "Atom feed"));
    if (message) urne_page_flash(&b, status, message);
    if (preview) {
        urne_html(&b, "<article class=\"card preview\"><h2>%s</h2>", _(r, "Preview"));
        body_html(&b, r, preview);
        urne_html_trusted(&b, "</article>");
    }
    int64_t before = urne_forum_number(urne_req_query(r, "before"));
    threads_ctx c = {&b, r, id, 0, 0};
    urne_posts_query q = {URNE_POSTS_THREADS, id, 0, before > 0 ? before : 0, THREADS_PER_PAGE};
    urne_html_trusted(&b, "<ul class=threads>");
    urne_app_forum_read(&r->srv->app, &q, thread_item, &c, &o);
    urne_html_trusted(&b, "</ul>");
    if (o.status != URNE_APP_OK) urne_page_flash(&b, status = 500, _(r, "The forums could not be read."));
    if (c.n == 0 && before <= 0) urne_html(&b, "<p>%s</p>", _(r, "No thread yet."));
    if (c.n == THREADS_PER_PAGE)
        urne_html(&b, "<p><a href=\"/forums/%lld?before=%lld\">%s</a></p>", (long long)id, (long long)c.last,
                  _(r, "Older threads"));
    if (v) /* a preview, or a message refused: the form again, as typed */
        post_form(&b, r, &f, v);
    else
        urne_html(&b, "<p><a href=\"/forums/%lld/write\">%s</a></p>", (long long)id, _(r, "New thread"));
    urne_app_outcome_free(&o);
    return urne_page_send(r, status, &b);
}

enum MHD_Result urne_forum_page_forum(urne_req *r, int64_t id, int64_t b) {
    return forum_page(r, id, 200, NULL, NULL, NULL);
}

/* ---- a thread ---- */

typedef struct thread_ctx {
    urne_buf *b;
    urne_req *r;
    int moderator;
    int64_t ids[POSTS_PER_PAGE];
    int depth[POSTS_PER_PAGE];
    size_t n;
    int64_t forum;
} thread_ctx;

static int thread_post(const urne_post_row *p, void *ctx) {
    thread_ctx *c = ctx;
    int depth = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->ids[i] == p->parent) depth = c->depth[i] < 5 ? c->depth[i] + 1 : 5;
    if (c->n < POSTS_PER_PAGE) c->ids[c->n] = p->id, c->depth[c->n++] = depth;
    urne_html(c->b, "<article class=\"card post d%d\" id=\"m%lld\">", depth, (long long)p->id);
    if (p->title[0]) urne_html(c->b, "<h2>%s</h2>", p->title);
    post_meta(c->b, c->r, p);
    body_html(c->b, c->r, p);
    urne_html(c->b, "<p><a href=\"/forums/%lld/write?parent=%lld\">%s</a></p>", (long long)c->forum,
              (long long)p->id, _(c->r, "Reply"));
    if (c->moderator) {
        urne_html(c->b, "<form method=post action=\"/forums/moderation/%lld\">", (long long)p->id);
        urne_page_csrf(c->b, c->r);
        urne_html(c->b, "<button name=act value=hide>%s</button></form>", _(c->r, "Hide"));
    }
    urne_html_trusted(c->b, "</article>");
    return 0;
}

enum MHD_Result urne_forum_page_thread(urne_req *r, int64_t forum, int64_t thread) {
    urne_forum_row f;
    urne_app_outcome o;
    enum MHD_Result sent;
    if (!forum_or_answer(r, forum, &f, &sent)) return sent;
    thread_ctx *c = calloc(1, sizeof *c);
    if (c == NULL) return urne_reply_unavailable(r);
    urne_buf b = {0};
    urne_page_begin(&b, r, f.title);
    urne_html(&b, "<p><a href=\"/forums/%lld\">%s</a></p>", (long long)forum, f.title);
    *c = (thread_ctx){.b = &b, .r = r, .forum = forum};
    c->moderator = r->user.role != URNE_ROLE_PUBLIC && urne_app_forum_moderator(&r->srv->app, &r->user, forum);
    if (c->moderator) r->cacheable = 0;
    urne_posts_query q = {URNE_POSTS_THREAD, forum, thread, 0, POSTS_PER_PAGE};
    urne_app_forum_read(&r->srv->app, &q, thread_post, c, &o);
    unsigned status = 200;
    if (o.status != URNE_APP_OK) urne_page_flash(&b, status = 500, _(r, "The forums could not be read."));
    if (c->n == 0) {
        free(c);
        urne_app_outcome_free(&o);
        free(b.data);
        return urne_page_not_found(r); /* no published thread of that number */
    }
    urne_html(&b, "<p><a href=\"/forums/%lld/write?parent=%lld\">%s</a></p>", (long long)forum, (long long)thread,
              _(r, "Reply"));
    free(c);
    urne_app_outcome_free(&o);
    return urne_page_send(r, status, &b);
}

/* The post form alone (a new thread, or ?parent=ID a reply): never cached, since
 * it carries the moment it was shown; the pages that are read (a forum's threads,
 * a thread) link to it and stay cacheable. */
enum MHD_Result urne_forum_page_write(urne_req *r, int64_t id, int64_t b) {
    urne_forum_row f;
    enum MHD_Result sent;
    if (!forum_or_answer(r, id, &f, &sent)) return sent;
    int64_t parent = urne_forum_number(urne_req_query(r, "parent"));
    urne_buf buf = {0};
    urne_page_begin(&buf, r, f.title);
    urne_html(&buf, "<p><a href=\"/forums/%lld\">%s</a></p>", (long long)id, f.title);
    form_values v = {.parent = parent > 0 ? parent : 0};
    post_form(&buf, r, &f, &v);
    return urne_page_send(r, 200, &buf);
}

/* ---- posting ---- */

enum MHD_Result urne_forum_page_post(urne_req *r, int64_t id, int64_t b) {
    form_values v = {urne_req_param(r, "title"), urne_req_param(r, "message"), urne_req_param(r, "name"),
                     urne_req_param(r, "email"), urne_forum_number(urne_req_param(r, "parent"))};
    if (v.parent < 0) v.parent = 0;
    if (urne_req_param(r, "preview")) {
        urne_post_row *p = calloc(1, sizeof *p);
        if (p == NULL) return urne_reply_unavailable(r);
        snprintf(p->body, sizeof p->body, "%s", v.message ? v.message : "");
        enum MHD_Result ret = forum_page(r, id, 200, NULL, p, &v);
        free(p);
        return ret;
    }
    urne_post_row *row = malloc(sizeof *row);
    if (row == NULL) return urne_reply_unavailable(r);
    char token[URNE_FORUM_TOKEN_HEX];
    urne_app_outcome o;
    urne_forum_post_from(r, id, row, token, &o);
    free(row);
    if (o.status == URNE_APP_OK) {
        char location[128];
        snprintf(location, sizeof location, "/forums/status?t=%s", token);
        urne_app_outcome_free(&o);
        return urne_redirect(r, location, NULL);
    }
    urne_result res = {0};
    urne_forum_word(r, &o, &res);
    urne_app_outcome_free(&o);
    if (res.status == 404) return urne_page_not_found(r);
    return forum_page(r, id, res.status, res.message, NULL, &v);
}

enum MHD_Result urne_forum_page_status(urne_req *r, int64_t a, int64_t b) {
    r->cacheable = 0;
    const char *token = urne_req_query(r, "t");
    urne_post_row *p = malloc(sizeof *p);
    if (p == NULL) return urne_reply_unavailable(r);
    urne_app_outcome o;
    if (urne_app_forum_post_status(&r->srv->app, token, p, &o) != URNE_APP_OK) {
        free(p);
        urne_app_outcome_free(&o);
        return urne_page_not_found(r);
    }
    urne_buf buf = {0};
    const char *heading = _(r, "Your message");
    urne_page_begin(&buf, r, heading);
    urne_html(&buf, "<h1>%s</h1>", heading);
    if (strcmp(p->state, "waiting") == 0)
        urne_page_flash(&buf, 200, _(r, "Your message awaits moderation."));
    else
        urne_html(&buf, "<p>%s <strong>%s</strong></p>", _(r, "State:"), urne_forum_state_words(r, p->state));
    if (strcmp(p->state, "rejected") == 0) urne_html(&buf, "<p>%s %s</p>", _(r, "Reason:"), p->reason);
    if (strcmp(p->state, "published") == 0)
        urne_html(&buf, "<p><a href=\"/forums/%lld/t/%lld#m%lld\">%s</a></p>", (long long)p->forum,
                  (long long)p->thread, (long long)p->id, _(r, "See it in its thread"));
    urne_html(&buf, "<p class=meta>%s <a href=\"/forums/status?t=%s\">%s</a></p>",
              _(r, "Keep this private link to see its state later:"), token, _(r, "this message's state"));
    urne_html_trusted(&buf, "<article class=card>");
    if (p->title[0]) urne_html(&buf, "<h2>%s</h2>", p->title);
    body_html(&buf, r, p);
    urne_html_trusted(&buf, "</article>");
    free(p);
    urne_app_outcome_free(&o);
    return urne_page_send(r, 200, &buf);
}

/* ---- the moderation queue ---- */

typedef struct queue_ctx {
    urne_buf *b;
    urne_req *r;
    int64_t now, last, n;
} queue_ctx;

static void age_text(urne_buf *b, int64_t seconds) {
    if (seconds < 3600)
        urne_html(b, "%lld min", (long long)(seconds / 60));
    else if (seconds < 86400 * 2)
        urne_html(b, "%lld h", (long long)(seconds / 3600));
    else
        urne_html(b, "%lld j", (long long)(seconds / 86400));
}

static void act_form(urne_buf *b, urne_req *r, int64_t id, const char *inner) {
    urne_html(b, "<form method=post action=\"/forums/moderation/%lld\" class=act>", (long long)id);
    urne_page_csrf(b, r);
    urne_html_trusted(b, inner);
    urne_html_trusted(b, "</form>");
}

static int queue_item(const urne_post_row *p, void *ctx) {
    queue_ctx *c = ctx;
    urne_buf *b = c->b;
    const urne_req *r = c->r;
    urne_html(b, "<article class=card id=\"m%lld\"><h2>%s</h2><p class=meta>%s · %s <a href=\"/forums/%lld\">%lld</a> · ",
              (long long)p->id, p->title[0] ? p->title : _(r, "Reply"), p->author_name, _(r, "forum"),
              (long long)p->forum, (long long)p->forum);
    age_text(b, c->now > p->sent_at ? c->now - p->sent_at : 0);
    urne_html(b, " · %s %lld · %s %lld", _(r, "links"), (long long)p->links, _(r, "score"), (long long)p->score);
    for (const char *f = p->flags; *f;) {
        const char *comma = strchr(f, ',');
        char one[32];
        snprintf(one, sizeof one, "%.*s", (int)(comma ? comma - f : (long)strlen(f)), f);
        urne_html(b, " · <span class=flag title=\"%s\">%s</span>", one, urne_forum_flag_words(r, one));
        f = comma ? comma + 1 : f + strlen(f);
    }
    urne_html_trusted(b, "</p>");
    body_html(b, r, p);
    urne_buf form = {0};
    urne_html(&form, "<button name=act value=approve>%s</button>", _(r, "Approve"));
    act_form(b, c->r, p->id, form.data);
    form.len = 0;
    urne_html(&form, "<label>%s<textarea name=reason rows=2 required maxlength=%d></textarea></label>"
                     "<button name=act value=reject>%s</button>",
              _(r, "Reason, sent to the author"), URNE_FORUM_REASON_MAX, _(r, "Reject"));
    act_form(b, c->r, p->id, form.data);
    form.len = 0;
    urne_html(&form, "<details><summary>%s</summary><label>%s<textarea name=message rows=6 maxlength=%d>%s</textarea>"
                     "</label><label>%s<input name=reason required maxlength=%d></label>"
                     "<button name=act value=edit>%s</button></details>",
              _(r, "Edit"), _(r, "Message"), URNE_FORUM_MESSAGE_MAX, p->body, _(r, "Note shown beside the edit"),
              URNE_FORUM_REASON_MAX, _(r, "Edit"));
    act_form(b, c->r, p->id, form.data);
    form.len = 0;
    urne_html(&form, "<button name=act value=ban-author>%s</button> <button name=act value=ban-address>%s</button>",
              _(r, "Ban the author"), _(r, "Ban the address"));
    act_form(b, c->r, p->id, form.data);
    free(form.data);
    urne_html_trusted(b, "</article>");
    c->last = p->id;
    c->n++;
    return 0;
}

static enum MHD_Result queue_page(urne_req *r, unsigned status, const char *message) {
    r->cacheable = 0;
    int64_t forum = urne_forum_number(urne_req_query(r, "forum")), after = urne_forum_number(urne_req_query(r, "after"));
    if (forum < 0) forum = 0;
    int64_t count = 0, median = 0, oldest = 0;
    urne_app_outcome o;
    urne_result res = {0};
    if (urne_app_forum_waiting(&r->srv->app, &r->user, forum, &count, &median, &oldest, &o) != URNE_APP_OK) {
        urne_forum_word(r, &o, &res);
        urne_app_outcome_free(&o);
        return res.status == 404 ? urne_page_not_found(r) : urne_page_denied(r);
    }
    urne_buf b = {0};
    const char *heading = _(r, "Moderation queue");
    urne_page_begin(&b, r, heading);
    urne_html(&b, "<h1>%s</h1>", heading);
    if (message) urne_page_flash(&b, status, message);
    urne_html_trusted(&b, "<p class=meta>");
    urne_page_int(&b, r, count);
    urne_html(&b, " %s · %s ", _(r, "waiting"), _(r, "median wait"));
    age_text(&b, median);
    urne_html(&b, " · %s ", _(r, "oldest"));
    age_text(&b, oldest);
    urne_html_trusted(&b, "</p>");
    queue_ctx c = {&b, r, 0, 0, 0};
    c.now = (int64_t)time(NULL);
    urne_app_forum_queue(&r->srv->app, &r->user, forum, after > 0 ? after : 0, 50, queue_item, &c, &o);
    if (o.status != URNE_APP_OK) urne_page_flash(&b, status = 500, _(r, "The forums could not be read."));
    if (c.n == 0) urne_html(&b, "<p>%s</p>", _(r, "Nothing waits."));
    if (c.n == 50)
        urne_html(&b, "<p><a href=\"/forums/moderation?forum=%lld&amp;after=%lld\">%s</a></p>", (long long)forum,
                  (long long)c.last, _(r, "Next"));
    urne_app_outcome_free(&o);
    return urne_page_send(r, status, &b);
}

enum MHD_Result urne_forum_page_queue(urne_req *r, int64_t a, int64_t b) { return queue_page(r, 200, NULL); }

enum MHD_Result urne_forum_page_act(urne_req *r, int64_t post, int64_t b) {
    urne_app_outcome o;
    urne_forum_act_from(r, post, &o);
    if (o.status == URNE_APP_OK) {
        urne_app_outcome_free(&o);
        return urne_redirect(r, "/forums/moderation", NULL);
    }
    urne_result res = {0};
    urne_forum_word(r, &o, &res);
    urne_app_outcome_free(&o);
    if (res.status == 403) return urne_page_denied(r);
    return queue_page(r, res.status, res.message);
}

/* ---- the Atom feed ---- */

typedef struct atom_ctx {
    urne_buf *b;
    int64_t forum;
} atom_ctx;

/* One entry; html.h's escaping is XML's too (& < > " '), so every text, the
 * rendered message included, goes out as character data. */
static int atom_entry(const urne_post_row *p, void *ctx) {
    atom_ctx *c = ctx;
    char iso[24];
    urne_time_iso(p->sent_at, iso);
    const char *text = p->edited_body[0] ? p->edited_body : p->body;
    char *html = urne_forum_render(text, strlen(text), NULL, NULL);
    urne_html(c->b, "<entry><id>urn:urne:forum:%lld:post:%lld</id><title>%s</title><updated>%s</updated>"
                    "<author><name>%s</name></author><link href=\"/forums/%lld/t/%lld#m%lld\"/>"
                    "<content type=\"html\">%s</content></entry>\n",
              (long long)c->forum, (long long)p->id, p->title[0] ? p->title : "Re", iso, p->author_name,
              (long long)c->forum, (long long)p->thread, (long long)p->id, html ? html : "");
    free(html);
    return 0;
}

enum MHD_Result urne_forum_atom(urne_req *r, int64_t id, int64_t b) {
    urne_forum_row f;
    urne_app_outcome o;
    enum MHD_Result sent;
    if (!forum_or_answer(r, id, &f, &sent)) return sent;
    urne_buf x = {0};
    char now[24];
    urne_time_iso((int64_t)time(NULL), now);
    urne_html(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
                  "<id>urn:urne:forum:%lld</id><title>%s</title><updated>%s</updated>"
                  "<link rel=\"self\" href=\"/forums/%lld/atom\"/>\n",
              (long long)id, f.title, now, (long long)id);
    atom_ctx c = {&x, id};
    urne_posts_query q = {URNE_POSTS_RECENT, id, 0, 0, 50};
    urne_app_forum_read(&r->srv->app, &q, atom_entry, &c, &o);
    urne_html_trusted(&x, "</feed>\n");
    unsigned status = o.status == URNE_APP_OK ? 200 : 500;
    urne_app_outcome_free(&o);
    enum MHD_Result ret = urne_reply(r, status, "application/atom+xml; charset=utf-8", x.data ? x.data : "", x.len);
    free(x.data);
    return ret;
}
