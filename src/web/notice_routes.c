/*
 * notice_routes: the example component's routes, page and API together: the
 * notices administrators publish, newest first, for everyone to read.
 *
 * Everything a component's web side needs, in one file because it is small:
 *   - the route table (urne_notice_routes), registered by one line in routes.c's
 *     tables[]; each route names its action (app/authz.h), so the dispatcher has
 *     refused the wrong roles (401, 403) before a handler here runs;
 *   - the adapter's two jobs around the use case (app/notice.h): the request's
 *     fields in, the outcome out as an HTTP status and words in French and
 *     English (the engine's rule codes become sentences here, and only here);
 *   - the page, written through html.h (every %s escaped: a notice's title is
 *     whatever an administrator typed), with the form for those who may publish.
 *     The form posts to /notices; the server has checked its CSRF token (as for
 *     every POST carried by a cookie). Published, the browser is sent back to
 *     /notices?published=ID, which shows the notice's flash (a reload does not
 *     publish twice); refused, the page is shown again with the message and what
 *     was typed.
 *
 * The notice's own reasons (its engine's rules) are worded here; every other
 * status goes to urne_outcome_word (actions.h), which maps and words them the
 * same for every component.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/notice.h"
#include "actions.h"
#include "page_parts.h"
#include "routes.h"

/* ---- the outcome in words ---- */

/* The words of a BAD_INPUT outcome: the engine's rule, for its field. Both
 * languages name the field as the API and the form send it. */
static void word_input(const urne_req *r, const urne_app_outcome *o, urne_result *res) {
    const char *why = o->why ? o->why : "", *field = o->field;
    long long n = (long long)o->number;
    if (strcmp(why, URNE_NOTICE_TITLE_LENGTH) == 0 || strcmp(why, URNE_NOTICE_BODY_LENGTH) == 0) {
        if (strcmp(o->detail, "0") == 0)
            urne_result_set(res, 400, _(r, "Field '%s': empty; it takes 1 to %lld bytes."), field, n);
        else
            urne_result_set(res, 400, _(r, "Field '%s': %s bytes, more than the %lld allowed; shorten it."), field, o->detail, n);
    } else if (strcmp(why, URNE_NOTICE_TITLE_UTF8) == 0 || strcmp(why, URNE_NOTICE_BODY_UTF8) == 0)
        urne_result_set(res, 400, _(r, "Field '%s': not valid UTF-8 (byte %lld)."), field, n);
    else if (strcmp(why, URNE_NOTICE_TITLE_CONTROL) == 0)
        urne_result_set(res, 400, _(r, "Field '%s': a control character at byte %lld (the title is one line)."), field, n);
    else if (strcmp(why, URNE_NOTICE_BODY_CONTROL) == 0)
        urne_result_set(res, 400, _(r, "Field '%s': a control character at byte %lld (only line breaks are allowed)."), field, n);
    else
        urne_result_set(res, 400, _(r, "field '%s': %s"), field, why);
}

/* Publish the notice the request carries (fields "title" and "body", from JSON
 * or a form) and word the outcome into *res, the rule's code into *rule (NULL
 * when none). */
static void publish(urne_req *r, urne_result *res, int64_t *id, const char **rule, char field[64]) {
    const char *title = urne_req_param(r, "title"), *body = urne_req_param(r, "body");
    *rule = NULL;
    field[0] = 0;
    /* A browser ends a textarea's lines with "\r\n": the engine wants "\n". */
    char *lines = body ? strdup(body) : NULL;
    if (body && lines == NULL) {
        urne_result_set(res, 500, "%s", _(r, "out of memory; nothing was written"));
        return;
    }
    if (lines) urne_notice_newlines(lines);
    urne_app_outcome o;
    urne_app_status st = urne_app_notice_publish(&r->srv->app, &r->user, title, lines, &o);
    free(lines);
    if (st == URNE_APP_OK) {
        *id = o.id;
        urne_result_set(res, 201, _(r, "Notice %lld published."), (long long)o.id);
    } else if (st == URNE_APP_BAD_INPUT) { /* the notice's own rules */
        word_input(r, &o, res);
        *rule = o.why;
        snprintf(field, 64, "%s", o.field);
    } else
        urne_outcome_word(r, &o, res); /* the platform's statuses, worded as everywhere */
    urne_app_outcome_free(&o);
}

/* ---- the page ---- */

typedef struct page_ctx {
    urne_buf *b;
    const urne_req *r;
    size_t count;
} page_ctx;

/* One notice: its title, when and by whom, and its body, each line a line. */
static int notice_html(const urne_notice *n, void *ctx) {
    page_ctx *p = ctx;
    urne_html(p->b, "<article class=card id=\"notice-%lld\"><h2>%s</h2><p class=meta>%s %s · %s</p><p>",
              (long long)n->id, n->title, _(p->r, "Published on"), n->published_at, n->published_by);
    for (const char *line = n->body;;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        urne_html(p->b, "%.*s", (int)len, line);
        if (nl == NULL) break;
        urne_html_trusted(p->b, "<br>");
        line = nl + 1;
    }
    urne_html_trusted(p->b, "</p></article>");
    p->count++;
    return 0;
}

/* The notices page, with a message (NULL: none) and, for a refused form, what
 * was typed (NULL: nothing). */
static enum MHD_Result notices_page(urne_req *r, unsigned status, const char *message, const char *title,
                                    const char *body) {
    urne_buf b = {0};
    const char *heading = _(r, "Notices");
    urne_page_begin(&b, r, heading);
    urne_html(&b, "<h1>%s</h1>", heading);
    if (message) urne_page_flash(&b, status, message);
    if (urne_page_may(r, URNE_ACT_PUBLISH_NOTICE, 0)) {
        urne_html_trusted(&b, "<form method=post action=\"/notices\" class=card>");
        urne_page_csrf(&b, r);
        urne_html(&b, "<h2>%s</h2><label>%s<input name=title required maxlength=%d value=\"%s\"></label>"
                      "<label>%s<textarea name=body required rows=5 maxlength=%d>%s</textarea></label>"
                      "<button>%s</button></form>",
                  _(r, "New notice"), _(r, "Title"), URNE_NOTICE_TITLE_MAX,
                  title ? title : "", _(r, "Text"), URNE_NOTICE_BODY_MAX, body ? body : "",
                  _(r, "Publish"));
    }
    page_ctx p = {&b, r, 0};
    if (urne_app_notices_each(&r->srv->app, notice_html, &p) < 0) {
        status = 500;
        urne_page_flash(&b, status, _(r, "The notices could not be read."));
    } else if (p.count == 0)
        urne_html(&b, "<p>%s</p>", _(r, "No notice yet."));
    return urne_page_send(r, status, &b);
}

static enum MHD_Result get_page(urne_req *r, int64_t a, int64_t b) {
    /* Sent back here after publishing: the flash names the notice, if it exists
     * (any notice that exists was published, so a hand-made address says nothing
     * false). */
    const char *published = urne_req_query(r, "published");
    char message[128];
    if (published) {
        char *end;
        long long id = strtoll(published, &end, 10);
        if (*published && *end == 0 && id > 0) {
            snprintf(message, sizeof message, _(r, "Notice %lld published."), id);
            return notices_page(r, 200, message, NULL, NULL);
        }
    }
    return notices_page(r, 200, NULL, NULL, NULL);
}

static enum MHD_Result post_form(urne_req *r, int64_t a, int64_t b) {
    urne_result res = {0};
    int64_t id = 0;
    const char *rule;
    char field[64];
    publish(r, &res, &id, &rule, field);
    if (res.status == 201) {
        char location[64];
        snprintf(location, sizeof location, "/notices?published=%lld", (long long)id);
        return urne_redirect(r, location, NULL);
    }
    return notices_page(r, res.status, res.message, urne_req_param(r, "title"), urne_req_param(r, "body"));
}

/* ---- the API ---- */

static int notice_json(const urne_notice *n, void *ctx) {
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)n->id, "title", n->title, "body", n->body,
                          "published_at", n->published_at, "published_by", n->published_by);
    return o == NULL || json_array_append_new(ctx, o) < 0 ? -1 : 0;
}

static enum MHD_Result api_list(urne_req *r, int64_t a, int64_t b) {
    json_t *all = json_array();
    if (all == NULL || urne_app_notices_each(&r->srv->app, notice_json, all) < 0) {
        json_decref(all);
        return urne_reply_json_error(r, 500, "the notices could not be read");
    }
    return urne_reply_json(r, 200, all);
}

static enum MHD_Result api_publish(urne_req *r, int64_t a, int64_t b) {
    urne_result res = {0};
    int64_t id = 0;
    const char *rule;
    char field[64];
    publish(r, &res, &id, &rule, field);
    json_t *o = res.status == 201 ? json_pack("{s:I, s:s}", "id", (json_int_t)id, "message", res.message)
                                  : json_pack("{s:s, s:i}", "error", res.message, "status", (int)res.status);
    if (o && rule) {
        json_object_set_new(o, "field", json_string(field));
        json_object_set_new(o, "rule", json_string(rule));
    }
    return urne_reply_json(r, res.status, o);
}

/* ---- the table ---- */

static const urne_route_def notices[] = {
    {"GET", "/notices", URNE_ACT_READ_PUBLIC, NULL, "the notices, newest first (with the form, for an administrator)",
     get_page},
    {"POST", "/notices", URNE_ACT_PUBLISH_NOTICE, NULL, "publish a notice (form)", post_form},
    {"GET", "/api/notices", URNE_ACT_READ_PUBLIC, NULL, "the notices, newest first", api_list},
    {"POST", "/api/notices", URNE_ACT_PUBLISH_NOTICE, NULL, "publish a notice", api_publish},
    {NULL, NULL, URNE_ACT_COUNT, NULL, NULL, NULL},
};

const urne_route_table urne_notice_routes = {"notice", notices};
