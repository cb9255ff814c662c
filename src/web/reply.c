/*
 * reply: sending a response, whoever builds it.
 *
 * Every response (a page, the API's JSON, an error, a redirect, a cached page)
 * gets its headers from one function, urne_reply_headers: the type, a
 * Content-Security-Policy that allows no inline script or style and no framing,
 * nosniff, DENY and the referrer policy, then "Cache-Control: no-store" unless
 * the response may be cached or the handler sets its own Cache-Control (the
 * static files, the same for everyone), then the handler's own. There is no second way to
 * send a response that could forget them.
 *
 * A 200 answer to a cacheable request (an anonymous GET) is handed to the cache
 * (cache.h) as it is sent. Redirects and JSON errors are never cached.
 *
 * The database out of reach (a PostgreSQL store restarting, store.h's
 * urne_store_unavailable): an answer of 500 or more given meanwhile becomes 503
 * (urne_reply_unavailable), and every 503 carries Retry-After, so that a client
 * or a proxy tries again instead of reporting a failure.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "reply.h"
#include "server.h"

/* Sent with every response (urne_reply_headers). No inline script or style, nothing
 * from elsewhere, no framing by another site, forms posted only here. */
static const char *const security_headers[][2] = {
    {"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
    {"Referrer-Policy", "same-origin"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
};

void urne_reply_headers(struct MHD_Response *resp, const char *type, int cacheable, const char *const *extra,
                        const char *packed, size_t npacked) {
    urne_server_mhd.add_response_header(resp, "Content-Type", type);
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        urne_server_mhd.add_response_header(resp, security_headers[i][0], security_headers[i][1]);
    int own = 0; /* the handler says how long it may be kept: the one Cache-Control sent */
    for (size_t i = 0; extra && extra[i]; i += 2)
        if (strcasecmp(extra[i], "Cache-Control") == 0) own = 1;
    if (!cacheable && !own) urne_server_mhd.add_response_header(resp, "Cache-Control", "no-store");
    for (size_t i = 0; extra && extra[i]; i += 2) urne_server_mhd.add_response_header(resp, extra[i], extra[i + 1]);
    for (size_t i = 0; packed && i < npacked; i++) {
        const char *name = packed, *value = name + strlen(name) + 1;
        urne_server_mhd.add_response_header(resp, name, value);
        packed = value + strlen(value) + 1;
    }
}

enum MHD_Result urne_reply_full(urne_req *r, unsigned status, const char *type, const char *body, size_t len,
                                const char *const *headers) {
    /* A failure while the database is out of reach: "try again", not "failed". */
    if (status >= 500 && status != 503 && urne_store_unavailable(r->srv->app.store)) return urne_reply_unavailable(r);
    struct MHD_Response *resp = urne_server_mhd.create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (resp == NULL) return MHD_NO;
    urne_reply_headers(resp, type, r->cacheable, headers, NULL, 0);
    int retry = 0; /* every 503 says when to try again */
    for (size_t i = 0; headers && headers[i]; i += 2) retry |= strcasecmp(headers[i], "Retry-After") == 0;
    if (status == 503 && !retry) urne_server_mhd.add_response_header(resp, "Retry-After", URNE_REPLY_RETRY_AFTER);
    enum MHD_Result ret = urne_server_mhd.queue_response(r->conn, status, resp);
    urne_server_mhd.destroy_response(resp);
    r->status = (int)status;
    r->sent = len;
    if (r->cacheable && status == 200) urne_cache_store(r, type, body, len, headers);
    return ret;
}

enum MHD_Result urne_reply(urne_req *r, unsigned status, const char *type, const char *body, size_t len) {
    return urne_reply_full(r, status, type, body, len, NULL);
}

enum MHD_Result urne_redirect(urne_req *r, const char *location, const char *set_cookie) {
    const char *h[] = {"Location", location, set_cookie ? "Set-Cookie" : NULL, set_cookie, NULL};
    r->cacheable = 0;
    return urne_reply_full(r, 303, "text/plain; charset=utf-8", "", 0, h);
}

enum MHD_Result urne_reply_json_error(urne_req *r, unsigned status, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, urne_i18n_text(r->lang, fmt), ap); /* in the client's language */
    va_end(ap);
    json_t *o = json_pack("{s:s, s:i}", "error", msg, "status", (int)status);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    r->cacheable = 0;
    enum MHD_Result ret = urne_reply(r, status, "application/json", text ? text : "{}", text ? strlen(text) : 2);
    free(text);
    return ret;
}

enum MHD_Result urne_reply_refuse_later(urne_req *r, unsigned status, const char *msg, int retry) {
    char after[24];
    snprintf(after, sizeof after, "%d", retry);
    const char *h[] = {retry > 0 ? "Retry-After" : NULL, after, NULL};
    int api = strncmp(r->url, "/api/", 5) == 0;
    r->cacheable = 0;
    urne_buf b = {0};
    if (api) {
        json_t *o = json_pack("{s:s, s:i}", "error", msg, "status", (int)status);
        if (o && retry > 0) json_object_set_new(o, "retry_after", json_integer(retry));
        char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (t) urne_buf_puts(&b, t);
        free(t);
    } else {
        /* Short, as the request may not be read at all (too large, from another
         * site), but a page all the same: its language, the phone's width, the
         * site's style sheet, and a title that says what happened. */
        urne_buf_printf(&b, "<!doctype html><html lang=%s><head><meta charset=utf-8><meta name=viewport "
                            "content=\"width=device-width, initial-scale=1\"><title>",
                        _(r, "en"));
        urne_buf_html(&b, status >= 500 ? _(r, "Error") : _(r, "Refused"));
        urne_buf_puts(&b, " — urne</title><link rel=stylesheet href=\"/static/urne.css\"></head><body><main><h1>");
        urne_buf_html(&b, status >= 500 ? _(r, "Error") : _(r, "Refused"));
        urne_buf_puts(&b, "</h1><p class=\"flash bad\" role=alert>");
        urne_buf_html(&b, msg);
        urne_buf_puts(&b, "</p><p><a href=\"/\">urne</a></p></main></body></html>");
    }
    size_t len;
    char *body = urne_buf_take(&b, &len);
    enum MHD_Result ret = body ? urne_reply_full(r, status, api ? "application/json" : "text/html; charset=utf-8",
                                                 body, len, h)
                               : urne_reply_json_error(r, 500, "out of memory");
    free(body);
    return ret;
}

enum MHD_Result urne_reply_refuse(urne_req *r, unsigned status, const char *msg) {
    return urne_reply_refuse_later(r, status, msg, 0);
}

enum MHD_Result urne_reply_json(urne_req *r, unsigned status, json_t *o) {
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (text == NULL) return urne_reply_json_error(r, 500, "out of memory");
    enum MHD_Result ret = urne_reply(r, status, "application/json", text, strlen(text));
    free(text);
    return ret;
}

enum MHD_Result urne_reply_json_flat(urne_req *r, unsigned status, int64_t id, const char *const *fields) {
    size_t need = 64; /* the id, the braces; each byte escaped takes 6 at most */
    for (const char *const *f = fields; f[0]; f += 2) need += 6 * (strlen(f[0]) + strlen(f[1])) + 8;
    urne_buf b = {0};
    urne_buf_reserve(&b, need); /* never moved after: no copy of a receipt left unwiped */
    urne_buf_printf(&b, "{\"id\":%lld", (long long)id);
    int bad = 0;
    for (const char *const *f = fields; f[0] && !bad; f += 2) {
        urne_buf_put(&b, ",", 1);
        bad = urne_buf_json(&b, f[0]) < 0;
        urne_buf_put(&b, ":", 1);
        bad = bad || urne_buf_json(&b, f[1]) < 0;
    }
    urne_buf_put(&b, "}", 1);
    enum MHD_Result ret = bad || b.oom ? urne_reply_json_error(r, 500, "out of memory")
                                       : urne_reply(r, status, "application/json", b.data, b.len);
    if (b.data) sodium_memzero(b.data, b.cap);
    urne_buf_free(&b);
    return ret;
}

enum MHD_Result urne_reply_wait(urne_req *r, const char *message, const char *rule, int retry) {
    char after[24];
    snprintf(after, sizeof after, "%d", retry);
    const char *h[] = {"Retry-After", after, NULL};
    json_t *o = json_pack("{s:s, s:i, s:i}", "error", message, "status", 429, "retry_after", retry);
    if (o && rule) json_object_set_new(o, "rule", json_string(rule));
    char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    enum MHD_Result ret = t ? urne_reply_full(r, 429, "application/json", t, strlen(t), h)
                            : urne_reply_json_error(r, 500, "out of memory");
    free(t);
    return ret;
}

enum MHD_Result urne_reply_unavailable(urne_req *r) {
    /* The refusal's page (its language, the site's style) or JSON, with
     * Retry-After: the request may come back in a few seconds. */
    return urne_reply_refuse_later(
        r, 503, _(r, "The database cannot be reached just now; nothing was done. Try again in a few seconds."),
        atoi(URNE_REPLY_RETRY_AFTER));
}

int urne_reply_takes_gzip(urne_req *r) {
    const char *h = urne_server_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");
    for (const char *p = h; p && (p = strstr(p, "gzip")) != NULL; p += 4) {
        int starts = p == h || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\t';
        const char *q = p + 4;
        while (*q == ' ' || *q == '\t') q++;
        if (!starts || (*q != 0 && *q != ',' && *q != ';')) continue;
        if (*q == ';') { /* a weight: q=0 (0.0, 0.00...) refuses it */
            const char *w = strstr(q, "q=");
            const char *next = strchr(q, ',');
            if (w && (next == NULL || w < next) && w[2] == '0' && strspn(w + 3, ".0") == strcspn(w + 3, ", \t"))
                return 0;
        }
        return 1;
    }
    return 0;
}
