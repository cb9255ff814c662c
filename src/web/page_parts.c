/*
 * page_parts: the layout and small pieces every page uses (see page_parts.h).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_num.h"
#include "../app/queries.h"
#include "flash.h"
#include "page_parts.h"

void urne_page_csrf(urne_buf *b, const urne_req *r) {
    urne_html(b, "<input type=hidden name=csrf value=\"%s\">", r->csrf);
}

/* The other language's link, on the same page: the unit a results page shows
 * (level, unit) is kept; the link's text is in the language it leads to. */
static void lang_link(urne_buf *b, urne_req *r) {
    const char *other = _(r, "fr"), *level = urne_req_query(r, "level"), *unit = urne_req_query(r, "unit");
    urne_html(b, "<a href=\"?lang=%s", other);
    if (level) {
        urne_html_trusted(b, "&amp;level=");
        urne_html_url(b, level);
    }
    if (unit) {
        urne_html_trusted(b, "&amp;unit=");
        urne_html_url(b, unit);
    }
    urne_html(b, "\" lang=%s hreflang=%s>%s</a> ", other, other, _(r, "Français"));
}

void urne_page_begin(urne_buf *b, urne_req *r, const char *title) {
    urne_html(b, "<!doctype html><html lang=%s><head><meta charset=utf-8>"
                       "<meta name=viewport content=\"width=device-width, initial-scale=1\"><title>",
                    _(r, "en"));
    urne_html_text(b, title);
    urne_html_trusted(b, " — urne</title><link rel=icon href=\"/static/favicon.svg\" type=\"image/svg+xml\">"
                         "<link rel=stylesheet href=\"/static/urne.css\">"
                         "<script src=\"/static/urne.js\" defer></script></head><body>");
    urne_html(b, "<a class=skip href=\"#main\">%s</a><header><a class=brand href=\"/\">urne</a><nav aria-label=\"%s\">",
              _(r, "Skip to content"), _(r, "Main navigation"));
    urne_html(b, "<a href=\"/\">%s</a>", _(r, "Elections"));
    urne_html(b, "<a href=\"/notices\">%s</a>", _(r, "Notices"));
    urne_html(b, "<a href=\"/initiatives\">%s</a>", _(r, "Initiatives"));
    urne_html(b, "<a href=\"/forums\">%s</a>", _(r, "Forums"));
    urne_html(b, "<a href=\"/match\">%s</a>", _(r, "Placements"));
    urne_role role = r->user.role;
    if (urne_page_may(r, URNE_ACT_READ_REVIEW, 0))
        urne_html(b, "<a href=\"/audit\">%s</a>", _(r, "Audit log"));
    if (urne_page_may(r, URNE_ACT_MANAGE_ELECTIONS, 0)) urne_html(b, "<a href=\"/admin\">%s</a>", _(r, "Administration"));
    urne_html_trusted(b, "</nav><div class=who>");
    lang_link(b, r);
    if (role == URNE_ROLE_PUBLIC)
        urne_html(b, "<a href=\"/login\">%s</a>", C_(r, "nav", "Log in"));
    else {
        urne_html_trusted(b, "<span class=user>");
        urne_html_text(b, r->user.name);
        urne_html(b, " (%s)</span><form method=post action=\"/logout\" class=inline>", urne_page_role(r, role));
        urne_page_csrf(b, r);
        urne_html(b, "<button class=link>%s</button></form>", _(r, "Log out"));
    }
    urne_html_trusted(b, "</div></header><main id=main>");
    /* The message of the form this browser just sent, if it led here (flash.h). */
    unsigned status;
    char message[1024];
    if (urne_flash_take(r, &status, message, sizeof message)) urne_page_flash(b, status, message);
}

enum MHD_Result urne_page_send(urne_req *r, unsigned status, urne_buf *b) {
    int64_t seq = 0;
    char hash[URNE_AUDIT_HASH_HEX] = "";
    urne_app_read_begin(&r->srv->app);
    urne_app_audit_head(&r->srv->app, &seq, hash);
    urne_app_read_end(&r->srv->app);
    urne_html(b, "</main><footer>%s <code>#%lld %s</code> · urne</footer></body></html>",
                    _(r, "Audit log head:"), (long long)seq, hash);
    size_t len;
    char *body = urne_buf_take(b, &len);
    if (body == NULL) return urne_reply(r, 500, "text/plain; charset=utf-8", "out of memory", 13);
    const char *lang = urne_req_query(r, "lang"), *h[5] = {NULL};
    size_t n = 0;
    char cookie[80];
    if (lang && (strcmp(lang, "fr") == 0 || strcmp(lang, "en") == 0)) {
        snprintf(cookie, sizeof cookie, "urne_lang=%s; Path=/; SameSite=Lax; Max-Age=31536000", lang);
        h[n++] = "Set-Cookie";
        h[n++] = cookie;
    }
    const char *clear = urne_flash_clear(r); /* shown, or not this session's: gone either way */
    if (clear) {
        h[n++] = "Set-Cookie";
        h[n++] = clear;
    }
    if (n) r->cacheable = 0;
    enum MHD_Result ret = urne_reply_full(r, status, "text/html; charset=utf-8", body, len, n ? h : NULL);
    free(body);
    return ret;
}

void urne_page_flash(urne_buf *b, unsigned status, const char *message) {
    urne_html(b, "<p class=\"flash %s\" role=%s>", status < 300 ? "ok" : "bad", status < 300 ? "status" : "alert");
    urne_html_text(b, message);
    urne_html_trusted(b, "</p>");
}

void urne_page_state_badge(urne_buf *b, const urne_req *r, urne_unit_state st) {
    /* A unit's result, beside the unit's name: French says « résultat gelé », so
     * that the adjective agrees whatever the level (« fédération », « bureau »). */
    static const char *en[] = {NC_("unit state", "final"), NC_("unit state", "partial"), NC_("unit state", "frozen")};
    urne_html(b, "<span class=\"badge %s\">%s</span>", urne_unit_state_name(st), C_(r, "unit state", en[st]));
}

void urne_page_sheet_badge(urne_buf *b, const urne_req *r, urne_sheet_state st) {
    /* One bureau's state: "contesté", where a count of them says "contesté(s)". */
    static const char *en[] = {NC_("sheet state", "to enter"),  NC_("sheet state", "awaiting 2nd entry"),
                               NC_("sheet state", "entries differ"), NC_("sheet state", "entered"),
                               NC_("sheet state", "validated"), NC_("sheet state", "contested"),
                               NC_("sheet state", "annulled"), NC_("sheet state", "new vote")};
    urne_html(b, "<span class=\"badge s-%s\">%s</span>", urne_sheet_state_name(st), C_(r, "sheet state", en[st]));
}

/* Counted from the file it was imported from, and typed by nobody since. */
static int imported(const urne_bureau_info *info) {
    return info->state == URNE_SHEET_ENTERED && info->entered_by <= 0;
}

void urne_page_bureau_badge(urne_buf *b, const urne_req *r, const urne_bureau_info *info) {
    if (imported(info))
        urne_html(b, "<span class=\"badge s-entered s-imported\">%s</span>", _(r, "imported"));
    else
        urne_page_sheet_badge(b, r, info->state);
}

void urne_page_entry_badge(urne_buf *b, const urne_req *r, const urne_bureau_info *info) {
    if (info->entered_by <= 0 && (info->state == URNE_SHEET_MISSING || info->state == URNE_SHEET_ENTERED))
        urne_html(b, "<span class=\"badge s-missing\">%s</span>", _(r, "to enter"));
    else
        urne_page_sheet_badge(b, r, info->state);
}

void urne_page_entered(urne_buf *b, const urne_req *r, const urne_bureau_info *info, const char *zone) {
    int typed = info->state == URNE_SHEET_PENDING || info->state == URNE_SHEET_MISMATCH ||
                urne_sheet_state_counts(info->state) == 1;
    if (!typed || !info->entered_at[0]) return; /* never entered, or a new vote to enter */
    urne_html(b, "<p class=meta>%s ", info->entered_by > 0 ? _(r, "Entered on") : _(r, "Imported from a file on"));
    urne_page_time(b, r, info->entered_at, zone);
    urne_html_trusted(b, "</p>");
}

void urne_page_publication(urne_buf *b, const urne_req *r, const urne_election_meta *m) {
    if (!m->published_at[0]) return;
    if (m->reopened_at[0]) {
        urne_html(b, "<div class=\"reopened\" role=alert><p><strong>%s</strong> %s %s (SHA-256 <code>%s</code>), %s %s. ",
                  _(r, "Publication reopened."), C_(r, "results", "Published on"),
                  m->published_at, m->published_digest, C_(r, "results", "reopened on"), m->reopened_at);
        urne_html(b, "%s %s</p><p>%s</p></div>", _(r, "Reason: contest of"),
                  m->reopened_reason,
                  _(r, "The published results are no longer final until the decision and a new publication."));
    } else
        urne_html(b, "<p class=published>%s %s · SHA-256 <code>%s</code></p>", C_(r, "results", "Published on"),
                  m->published_at, m->published_digest);
    if (m->previous_published_at[0])
        urne_html(b, "<p class=meta>%s %s (SHA-256 <code>%s</code>), %s %s : %s</p>",
                  _(r, "Previous publication:"), m->previous_published_at,
                  m->previous_digest, C_(r, "results", "reopened on"), m->previous_reopened_at,
                  m->previous_reopened_reason);
}

void urne_page_pct(urne_buf *b, const urne_req *r, int64_t num, int64_t den) {
    char buf[48];
    urne_num_pct(num, den, r->lang == URNE_LANG_EN ? '.' : ',', buf, sizeof buf);
    urne_html(b, "%s\u00a0%%", buf); /* a no-break space: the sign never starts a line */
}

void urne_page_text_codes(urne_buf *b, const char *fmt, const char *const *codes, size_t n) {
    size_t used = 0;
    for (const char *at; (at = strstr(fmt, "%s")) != NULL; fmt = at + 2) {
        assert(used < n);
        urne_html(b, "%.*s<code>%s</code>", (int)(at - fmt), fmt, used < n ? codes[used] : "");
        used++;
    }
    assert(used == n && strchr(fmt, '%') == NULL);
    urne_html_text(b, fmt);
}

void urne_page_int(urne_buf *b, const urne_req *r, int64_t v) {
    char buf[40];
    urne_num_group(v, buf, sizeof buf);
    if (r->lang == URNE_LANG_EN) {
        urne_html_text(b, buf);
        return;
    }
    /* French groups digits with a narrow no-break space (U+202F): "1 155 604". */
    for (const char *p = buf; *p; p++)
        if (*p == ',')
            urne_html_trusted(b, "\u202f");
        else
            urne_html(b, "%c", *p);
}

const char *urne_page_role(const urne_req *r, urne_role role) {
    switch (role) {
    case URNE_ROLE_OBSERVER: return _(r, "observer");
    case URNE_ROLE_SECRETARY: return _(r, "secretary");
    case URNE_ROLE_COMMISSION: return _(r, "commission");
    case URNE_ROLE_ADMIN: return _(r, "administrator");
    case URNE_ROLE_MODERATOR: return _(r, "moderator");
    default: return _(r, "public");
    }
}

void urne_page_time(urne_buf *b, const urne_req *r, const char *iso, const char *zone) {
    char when[80];
    urne_i18n_moment(r->lang, iso, zone, when, sizeof when);
    if (iso == NULL || strcmp(when, iso) == 0) {
        urne_html_text(b, iso ? iso : "");
        return;
    }
    /* Paris time goes without saying; any other zone is named. */
    const char *label = zone && strcmp(zone, URNE_ZONE_DEFAULT) != 0 ? urne_i18n_zone_label(r->lang, zone) : NULL;
    if (label)
        urne_html(b, "<time datetime=\"%s\">%s</time> <small class=zone>(%s)</small>", iso, when, label);
    else
        urne_html(b, "<time datetime=\"%s\">%s</time>", iso, when);
}

/* A page with a title and one paragraph of markup, always a literal of this file. */
static enum MHD_Result simple(urne_req *r, unsigned status, const char *title, const char *literal_markup) {
    urne_buf b = {0};
    urne_page_begin(&b, r, title);
    urne_html(&b, "<h1>%s</h1><p>", title);
    urne_html_trusted(&b, literal_markup);
    urne_html_trusted(&b, "</p>");
    r->cacheable = 0;
    return urne_page_send(r, status, &b);
}

enum MHD_Result urne_page_denied(urne_req *r) {
    if (r->user.role == URNE_ROLE_PUBLIC)
        return simple(r, 401, _(r, "Login required"),
                      _(r, "This page needs you to be logged in: <a href=\"/login\">log in</a>."));
    return simple(r, 403, _(r, "Access denied"),
                  _(r, "Your role does not give access to this page."));
}

enum MHD_Result urne_page_not_found(urne_req *r) {
    return simple(r, 404, _(r, "Page not found"),
                  _(r, "Nothing here at this address."));
}

int urne_page_may(const urne_req *r, urne_action action, int64_t election) {
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    int ok = urne_app_may(&r->srv->app, &r->user, action, election, &o) == URNE_APP_OK;
    urne_app_outcome_free(&o);
    return ok;
}

void urne_page_date_input(urne_buf *b, const urne_req *r, const char *name, const char *id, const char *label,
                          int with_time, int required, const char *typed) {
    const char *placeholder = with_time ? _(r, "dd/mm/yyyy hh:mm") : _(r, "dd/mm/yyyy");
    const char *hint = with_time ? _(r, "Day first, e.g. 14/06/2030 20:00.") : _(r, "Day first, e.g. 04/03/1970.");
    urne_html(b, "<label>%s<input name=%s id=%s type=text inputmode=%s autocomplete=%s placeholder=\"%s\" "
                 "aria-describedby=%s-hint",
              label, name, id, with_time ? "text" : "numeric", with_time ? "off" : "bday", placeholder, id);
    if (!with_time) /* two-digit day and month, or the ISO form: what the birth date's parser reads */
        urne_html(b, " pattern=\"[0-9]{2}/[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}\" title=\"%s\"", hint);
    urne_html(b, "%s value=\"%s\"><small class=hint id=%s-hint>%s</small></label>", required ? " required" : "",
              typed ? typed : "", id, hint);
}
