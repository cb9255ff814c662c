/*
 * request: what a request says, read once for its handler: the body's fields, the
 * query arguments and the language.
 *
 * A body is a form (application/x-www-form-urlencoded) or a JSON object; either
 * way it is flattened into one list of fields, names and values as text, so that
 * a page's form and an API client's JSON go through the same handler and the same
 * checks. A JSON array becomes key.0, key.1...; a boolean becomes "true" or
 * "false", never 1 or 0, so that a figure sent as true is refused as not a whole
 * number rather than counted. Nested objects and arrays of arrays are refused:
 * nothing in urne takes them. Every name and value must be clean text (clean.h)
 * and every name appear once: a repeated field is refused, not silently shadowed.
 * Any other type of body (text/csv, an imported file) is kept as it is.
 *
 * The query is libmicrohttpd's, already unescaped and checked (clean.h); reading
 * an argument through urne_req_query also tells the cache (cache.h) what the
 * response depends on.
 *
 * The language is ?lang=, else the urne_lang cookie, else the Accept-Language
 * header read as RFC 9110 (12.5.4) says: a list of language ranges, each with an
 * optional weight q from 0 to 1 (1 when absent; 0 means "not this one"). French
 * and English each take the highest weight of the ranges whose primary subtag is
 * theirs (fr-CA is French), else the weight of "*"; the heavier wins, on a tie
 * the one named first (a named one before one "*" stands for), and the page's
 * default (French; English for the API) when neither is acceptable or both only
 * through "*". So "en;q=0.5, fr" is French, "fr;q=0, *" English.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "clean.h"
#include "request.h"
#include "server.h"

const char *urne_req_param(const urne_req *r, const char *key) {
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].key, key) == 0) return r->params[i].value;
    return NULL;
}

const char *urne_req_query(const urne_req *r, const char *key) {
    /* The cache keys a response on the arguments its handler read: note them
     * (the language is the request's already). The request is ours to change: the
     * const is the handlers' promise, not the object's. */
    urne_cache_note_query((urne_req *)r, key);
    return urne_server_mhd.lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Add a body field. A field's name is clean one-line text and its value clean text
 * (line breaks allowed), each given once: a broken byte or a repeated field is
 * refused (400) rather than stored, cut at a NUL, or silently shadowed. 0, or -1
 * with the reason in why. */
static int add_param(urne_req *r, const char *k, size_t klen, const char *v, size_t vlen, char *why, size_t size) {
    if (r->nparams >= 4096) {
        snprintf(why, size, "%s", _(r, "Too many fields (at most 4096)."));
        return -1;
    }
    if (!urne_clean_text((const unsigned char *)k, klen, 0)) {
        snprintf(why, size, "%s", _(r, "A field's name holds a control character or is not UTF-8."));
        return -1;
    }
    if (!urne_clean_text((const unsigned char *)v, vlen, 1)) {
        snprintf(why, size, _(r, "Field '%.*s': a control character or bytes that are not UTF-8."),
                 (int)(klen < 64 ? klen : 64), k);
        return -1;
    }
    for (size_t i = 0; i < r->nparams; i++)
        if (strlen(r->params[i].key) == klen && memcmp(r->params[i].key, k, klen) == 0) {
            snprintf(why, size, _(r, "Field '%.*s' is given twice."), (int)(klen < 64 ? klen : 64), k);
            return -1;
        }
    urne_param *p = realloc(r->params, (r->nparams + 1) * sizeof *p);
    if (p == NULL) return -1;
    r->params = p;
    char *key = strndup(k, klen), *value = strndup(v, vlen);
    if (key == NULL || value == NULL) {
        free(key);
        free(value);
        snprintf(why, size, "%s", _(r, "Out of memory; nothing was written."));
        return -1;
    }
    r->params[r->nparams++] = (urne_param){key, value};
    return 0;
}

/* Decode a form's %XX and '+' in place; (size_t)-1 when a '%' is not followed by
 * two hexadecimal digits. */
static size_t url_decode(char *s, size_t n) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+')
            s[o++] = ' ';
        else if (s[i] == '%') {
            int hi = i + 1 < n ? urne_clean_hex(s[i + 1]) : -1, lo = i + 2 < n ? urne_clean_hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) return (size_t)-1;
            s[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else
            s[o++] = s[i];
    }
    return o;
}

static int parse_form(urne_req *r, char *why, size_t size) {
    char *p = r->body, *end = r->body + r->body_len;
    while (p < end) {
        char *amp = memchr(p, '&', (size_t)(end - p));
        if (amp == NULL) amp = end;
        char *eq = memchr(p, '=', (size_t)(amp - p));
        char *kend = eq ? eq : amp;
        size_t klen = url_decode(p, (size_t)(kend - p));
        size_t vlen = eq ? url_decode(eq + 1, (size_t)(amp - eq - 1)) : 0;
        if (klen == (size_t)-1 || vlen == (size_t)-1) {
            snprintf(why, size, "%s", _(r, "The form holds a percent sign not followed by two hexadecimal digits."));
            return -1;
        }
        if (klen && add_param(r, p, klen, eq ? eq + 1 : "", vlen, why, size) < 0) return -1;
        p = amp + 1;
    }
    return 0;
}

/* A JSON body's member as fields: strings as they are, numbers written out,
 * booleans as "true"/"false" (so that a figure given as true is refused as not a
 * whole number, not counted as 1), arrays flattened to key.0, key.1... 0, or -1
 * with the reason in why. */
static int add_json_value(urne_req *r, const char *key, json_t *v, char *why, size_t size) {
    char num[32];
    size_t klen = strlen(key);
    if (json_is_string(v)) return add_param(r, key, klen, json_string_value(v), json_string_length(v), why, size);
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return add_param(r, key, klen, num, strlen(num), why, size);
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        return add_param(r, key, klen, num, strlen(num), why, size);
    }
    if (json_is_boolean(v)) {
        const char *t = json_is_true(v) ? "true" : "false";
        return add_param(r, key, klen, t, strlen(t), why, size);
    }
    if (json_is_null(v)) return add_param(r, key, klen, "", 0, why, size);
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            size_t kcap = klen + 24;
            char *k = malloc(kcap);
            if (k == NULL) {
                snprintf(why, size, "%s", _(r, "Out of memory; nothing was written."));
                return -1;
            }
            snprintf(k, kcap, "%s.%zu", key, i); /* fits: 20 digits at most */
            int rc = json_is_array(x) || json_is_object(x) ? -2 : add_json_value(r, k, x, why, size);
            free(k);
            if (rc == -2) snprintf(why, size, _(r, "Field '%.64s': nested arrays and objects are not accepted."), key);
            if (rc < 0) return -1;
        }
        return 0;
    }
    snprintf(why, size, _(r, "Field '%.64s': nested objects are not accepted."), key);
    return -1;
}

int urne_req_parse_body(urne_req *r, char *why, size_t size) {
    const char *type = urne_server_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (r->body_len == 0 || type == NULL) return 0;
    if (strncasecmp(type, "application/json", 16) == 0) {
        json_error_t err;
        json_t *o = json_loadb(r->body, r->body_len, 0, &err);
        r->is_json = 1;
        if (!json_is_object(o)) {
            if (o)
                snprintf(why, size, "%s", _(r, "The body is not a JSON object."));
            else /* jansson's own words for what it could not read */
                snprintf(why, size, _(r, "The body is not JSON (line %d, column %d: %s)."), err.line, err.column,
                         err.text);
            json_decref(o);
            return -1;
        }
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v) {
            if (add_json_value(r, k, v, why, size) < 0) {
                json_decref(o);
                return -1;
            }
        }
        json_decref(o);
        return 0;
    }
    if (strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0) {
        if (parse_form(r, why, size) < 0) return -1;
    }
    return 0; /* any other type (text/csv): the body is kept as it is, for imports */
}

/* The weight of one "q=..." parameter (RFC 9110's qvalue: 0 to 1, three decimals
 * at most), or -1 when it is not one: a malformed weight makes its range ignored. */
static int qvalue(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') return -1;
    p += 2;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
    if (p == end || (*p != '0' && *p != '1')) return -1;
    int q = (*p++ - '0') * 1000, scale = 100;
    if (p < end && *p == '.') {
        for (p++; p < end && scale > 0 && *p >= '0' && *p <= '9'; p++, scale /= 10) q += (*p - '0') * scale;
    }
    return p == end && q <= 1000 ? q : -1;
}

/* The language an Accept-Language header asks for, `fallback` when it names
 * neither French nor English acceptably (see the top of this file). */
static urne_lang accept_language(const char *header, urne_lang fallback) {
    int weight[2] = {-1, -1}, first[2] = {-1, -1}, star = -1, star_at = -1, at = 0;
    for (const char *p = header; *p; at++) {
        const char *end = p + strcspn(p, ","), *semi = memchr(p, ';', (size_t)(end - p));
        const char *tag = p, *tag_end = semi ? semi : end;
        while (tag < tag_end && (*tag == ' ' || *tag == '\t')) tag++;
        int q = semi ? qvalue(semi + 1, end) : 1000;
        size_t primary = strcspn(tag, "-;, \t");
        if (tag + primary > tag_end) primary = (size_t)(tag_end - tag);
        int lang = primary == 2 && strncasecmp(tag, "fr", 2) == 0 ? URNE_LANG_FR
                 : primary == 2 && strncasecmp(tag, "en", 2) == 0 ? URNE_LANG_EN
                                                                  : -1;
        if (q >= 0 && lang >= 0) { /* a range with a malformed weight is ignored */
            if (q > weight[lang]) weight[lang] = q;
            if (first[lang] < 0) first[lang] = at;
        }
        if (q >= 0 && primary == 1 && tag[0] == '*' && q > star) star = q, star_at = at;
        p = *end ? end + 1 : end;
    }
    /* A language not named takes the weight of "*", after every named one on a tie. */
    for (int l = 0; l < 2; l++)
        if (first[l] < 0) weight[l] = star, first[l] = star < 0 ? -1 : at + star_at;
    int fr = weight[URNE_LANG_FR], en = weight[URNE_LANG_EN];
    if (fr <= 0 && en <= 0) return fallback;
    if (fr != en) return fr > en ? URNE_LANG_FR : URNE_LANG_EN;
    if (first[URNE_LANG_FR] == first[URNE_LANG_EN]) return fallback; /* both from "*" */
    return first[URNE_LANG_FR] < first[URNE_LANG_EN] ? URNE_LANG_FR : URNE_LANG_EN;
}

void urne_req_pick_lang(urne_req *r) {
    const char *q = urne_req_query(r, "lang");
    const char *c = urne_server_mhd.lookup_connection_value(r->conn, MHD_COOKIE_KIND, "urne_lang");
    const char *a = urne_server_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Language");
    const char *pick = q ? q : c ? c : NULL;
    /* Pages speak French unless asked otherwise; the API speaks English, like the
     * rest of urne's programming surface, unless the client prefers French. */
    int api = strncmp(r->url, "/api/", 5) == 0;
    urne_lang fallback = api ? URNE_LANG_EN : URNE_LANG_FR;
    if (pick)
        r->lang = strncmp(pick, "en", 2) == 0 ? URNE_LANG_EN : URNE_LANG_FR;
    else
        r->lang = a ? accept_language(a, fallback) : fallback;
}
