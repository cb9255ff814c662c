/*
 * pages: the web interface, in French (default) and English (?lang=en, or the
 * browser's language). Plain server-rendered HTML that works without JavaScript;
 * the only script checks a sheet while it is typed, the same checks the server
 * makes again on submit.
 *
 * Each handler reads under the server's lock and renders into a buffer; forms post
 * to the same actions as the API (actions.c). A form that succeeded sends the
 * browser on (303) to the page its act concerns, which shows the message once
 * (flash.h); one that failed shows its page again (4xx) with the message and
 * what was typed.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "../app/queries.h"
#include "../app/results_view.h"
#include "actions.h"
#include "flash.h"
#include "page_parts.h"
#include "view.h"
#include "routes.h"

/* ---- log in ---- */

/* The login form; refused, with the message and the name typed (never the
 * password). */
static enum MHD_Result page_login(urne_req *r, unsigned status, const char *message) {
    urne_buf b = {0};
    const char *typed = message ? urne_req_param(r, "user") : NULL;
    urne_page_begin(&b, r, _(r, "Log in"));
    urne_html(&b, "<h1>%s</h1>", _(r, "Log in"));
    if (message) urne_page_flash(&b, status, message);
    urne_html(&b,
                    "<form method=post action=\"/login\" class=card><label>%s<input name=user autocomplete=username "
                    "required value=\"%s\"></label><label>%s<input name=password type=password "
                    "autocomplete=current-password required></label><button>%s</button></form>",
                    _(r, "User name"), typed ? typed : "", _(r, "Password"),
                    _(r, "Log in"));
    return urne_page_send(r, status, &b);
}

/* Logged in: to the home page of the account's role, which says so. */
static enum MHD_Result do_login(urne_req *r) {
    urne_result res = {0};
    char token[65];
    urne_action_login(r, &res, token);
    if (res.status != 200) {
        enum MHD_Result ret = page_login(r, res.status, res.message);
        urne_result_free(&res);
        return ret;
    }
    char cookie[256];
    urne_session_cookie(r, token, cookie, sizeof cookie);
    enum MHD_Result ret = urne_flash_redirect(r, "/", res.status, res.message, cookie);
    urne_result_free(&res);
    return ret;
}

static enum MHD_Result do_logout(urne_req *r) {
    urne_result res = {0};
    urne_action_logout(r, &res);
    char cookie[256];
    urne_session_cookie(r, NULL, cookie, sizeof cookie);
    r->token_hash[0] = 0; /* the message is for the browser, now without a session */
    enum MHD_Result ret = urne_flash_redirect(r, "/", res.status, res.message, cookie);
    urne_result_free(&res);
    return ret;
}

/* ---- audit log ---- */

#define AUDIT_CELL_MAX 600 /* bytes of an entry's "after" shown in the table */

static enum MHD_Result page_audit(urne_req *r) {
    if (!urne_page_may(r, URNE_ACT_READ_REVIEW, 0)) return urne_page_denied(r);
    urne_buf b = {0};
    urne_page_begin(&b, r, _(r, "Audit log"));
    urne_html(&b, "<h1>%s</h1><p>%s <code>urne audit verify --db urne.db</code> %s</p>",
              _(r, "Audit log"),
              _(r, "Every change is chained to the previous one by its SHA-256 hash."),
              _(r, "recomputes the chain and compares it with the stored state."));
    urne_app_read_begin(&r->srv->app);
    int64_t seq;
    char hash[URNE_AUDIT_HASH_HEX];
    urne_app_audit_head(&r->srv->app, &seq, hash);
    int64_t from = seq > 200 ? seq - 199 : 1;
    json_t *a = urne_audit_json(&r->srv->app, from, 200);
    urne_app_read_end(&r->srv->app);
    urne_html(&b, "<table class=\"audit stack\"><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                        "<th>%s</th></tr></thead><tbody>",
                    _(r, "Time"), _(r, "Who"), _(r, "Action"), _(r, "Object"),
                    _(r, "After"));
    for (size_t i = json_array_size(a); i-- > 0;) {
        json_t *e = json_array_get(a, i);
        char *after = json_dumps(json_object_get(e, "after"), JSON_COMPACT | JSON_ENCODE_ANY);
        urne_html(&b, "<tr><td>#%lld</td><td data-label=\"%s\">", (long long)json_integer_value(json_object_get(e, "seq")),
                  _(r, "Time"));
        urne_page_time(&b, r, json_string_value(json_object_get(e, "at")), NULL); /* the site's log: Paris */
        urne_html(&b, "</td><td data-label=\"%s\">", _(r, "Who"));
        const char *actor = json_string_value(json_object_get(e, "actor"));
        urne_html_text(&b, actor && strcmp(actor, "system") == 0 ? _(r, "command line (server administrator)") : actor);
        urne_html(&b, "</td><td data-label=\"%s\">", _(r, "Action"));
        /* The action worded, its code kept beside it: what `urne audit` and the API show. */
        const char *action = json_string_value(json_object_get(e, "action"));
        urne_html_text(&b, urne_words_action(r->lang, action));
        urne_html(&b, " <code class=code>");
        urne_html_text(&b, action);
        urne_html_trusted(&b, "</code>");
        urne_html(&b, "</td><td data-label=\"%s\"><code>", _(r, "Object")); /* an identifier: election/2/bureau/0 */
        urne_html_text(&b, json_string_value(json_object_get(e, "object")));
        urne_html(&b, "</code></td><td data-label=\"%s\"><code>", _(r, "After"));
        /* An import's entry holds every bureau (megabytes for a national file): the
         * page shows its start and says where the rest is, never a silent cut. */
        size_t len = after ? strlen(after) : 0, shown = len;
        if (len > AUDIT_CELL_MAX) {
            shown = AUDIT_CELL_MAX;
            while (shown > 0 && ((unsigned char)after[shown] & 0xC0) == 0x80) shown--; /* whole characters */
        }
        urne_html(&b, "%.*s", (int)shown, after ? after : "");
        if (shown < len)
            urne_html(&b, "</code> <em>… (%zu %s <a href=\"/api/audit?from=%lld\">/api/audit</a>)</em><code>", len,
                      _(r, "bytes in all: see"),
                      (long long)json_integer_value(json_object_get(e, "seq")));
        urne_html_trusted(&b, "</code></td></tr>");
        free(after);
    }
    json_decref(a);
    urne_html_trusted(&b, "</tbody></table>");
    return urne_page_send(r, 200, &b);
}

/* ---- routing ---- */

static const char css[] =
#include "urne_css.inc"
    ;
static const char js[] =
#include "urne_js.inc"
    ;
static const char favicon[] =
#include "urne_favicon.inc"
    ;

/* ---- the shell's routes ---- */

static enum MHD_Result get_css(urne_req *r, int64_t a, int64_t b) {
    const char *h[] = {"Cache-Control", "public, max-age=3600", NULL};
    return urne_reply_full(r, 200, "text/css; charset=utf-8", css, sizeof css - 1, h);
}

static enum MHD_Result get_js(urne_req *r, int64_t a, int64_t b) {
    const char *h[] = {"Cache-Control", "public, max-age=3600", NULL};
    return urne_reply_full(r, 200, "text/javascript; charset=utf-8", js, sizeof js - 1, h);
}

/* The icon (src/web/favicon.svg), at its own address and at the one browsers and
 * feed readers ask for by habit; a day in any cache. */
static enum MHD_Result get_favicon(urne_req *r, int64_t a, int64_t b) {
    const char *h[] = {"Cache-Control", "public, max-age=86400", NULL};
    return urne_reply_full(r, 200, "image/svg+xml", favicon, sizeof favicon - 1, h);
}

static enum MHD_Result get_home(urne_req *r, int64_t a, int64_t b) { return urne_page_home(r); }
static enum MHD_Result get_login(urne_req *r, int64_t a, int64_t b) { return page_login(r, 200, NULL); }
static enum MHD_Result post_login(urne_req *r, int64_t a, int64_t b) { return do_login(r); }
static enum MHD_Result post_logout(urne_req *r, int64_t a, int64_t b) { return do_logout(r); }
static enum MHD_Result get_audit(urne_req *r, int64_t a, int64_t b) { return page_audit(r); }
static enum MHD_Result get_admin(urne_req *r, int64_t a, int64_t b) { return urne_page_admin(r, 200, NULL); }

static enum MHD_Result post_user(urne_req *r, int64_t a, int64_t b) {
    urne_result res = {0};
    urne_action_user_create(r, &res);
    enum MHD_Result ret = res.status < 300 ? urne_flash_redirect(r, "/admin", res.status, res.message, NULL)
                                           : urne_page_admin(r, res.status, res.message);
    urne_result_free(&res);
    return ret;
}

#define ANYONE URNE_ACT_READ_PUBLIC
#define REVIEW URNE_ACT_READ_REVIEW
#define USERS URNE_ACT_MANAGE_USERS

/* The site's shell: static files, sessions, the audit log, accounts. */
static const urne_route_def core[] = {
    {"GET", "/", ANYONE, NULL, "the elections, under each account's work (its bureaux, disputes, what waits)",
     get_home},
    {"GET", "/static/urne.css", ANYONE, NULL, "the style sheet", get_css},
    {"GET", "/static/urne.js", ANYONE, NULL, "the only script (checks a sheet as it is typed, narrows a list as a name is)", get_js},
    {"GET", "/static/favicon.svg", ANYONE, NULL, "the icon (SVG)", get_favicon},
    {"GET", "/favicon.ico", ANYONE, NULL, "the same icon, where browsers look for it", get_favicon},
    {"GET", "/login", ANYONE, NULL, "the login form", get_login},
    {"POST", "/login", ANYONE, NULL, "log in (form)", post_login},
    {"POST", "/logout", ANYONE, NULL, "log out (form)", post_logout},
    {"GET", "/audit", REVIEW, NULL, "the audit log's last entries", get_audit},
    {"GET", "/admin", URNE_ACT_MANAGE_ELECTIONS, NULL, "accounts, elections, publication, roles in spaces", get_admin},
    {"POST", "/admin/users", USERS, NULL, "create an account (form)", post_user},
    {"POST", "/api/login", ANYONE, NULL, "log in: a session token and its CSRF token", urne_api_login},
    {"POST", "/api/logout", ANYONE, NULL, "end the session", urne_api_logout},
    {"GET", "/api/me", URNE_ACT_READ_SELF, NULL, "who you are", urne_api_me},
    {"GET", "/api/audit/head", ANYONE, NULL, "the audit log's head", urne_api_audit_head},
    {"GET", "/api/audit", REVIEW, NULL, "audit entries from ?from=SEQ", urne_api_audit},
    {"GET", "/api/users", USERS, NULL, "the accounts", urne_api_users},
    {"POST", "/api/users", USERS, NULL, "create an account", urne_api_user_create},
    {NULL, NULL, URNE_ACT_COUNT, NULL, NULL, NULL},
};

const urne_route_table urne_core_routes = {"core", core};

/* The server hands every other request here: the route table decides. */
enum MHD_Result urne_pages_handle(urne_req *r) { return urne_routes_dispatch(r); }
