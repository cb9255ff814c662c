/*
 * smtp: see smtp.h. The message is written whole in memory (a confirmation
 * mail is a few hundred bytes), then read by libcurl through its read callback.
 * One easy handle serves every mail of a sender (one thread), so that libcurl
 * keeps the connection to the relay between mails instead of a new TCP
 * connection and greeting for each.
 */
#include "smtp.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef URNE_CURL_SONAME
#define URNE_CURL_SONAME "libcurl.so.4"
#endif

struct urne_smtp {
    void *handle;
    CURL *(*init)(void);
    CURLcode (*setopt)(CURL *, CURLoption, ...);
    CURLcode (*perform)(CURL *);
    void (*cleanup)(CURL *);
    void (*reset)(CURL *);
    CURL *easy; /* kept from one mail to the next: its connection to the relay is reused */
    struct curl_slist *(*append)(struct curl_slist *, const char *);
    void (*free_all)(struct curl_slist *);
    const char *(*strerror)(CURLcode);
    CURLcode (*getinfo)(CURL *, CURLINFO, ...);
    char url[512], from[256];
};

urne_smtp *urne_smtp_open(const char *url, const char *from, char *why, size_t size) {
    urne_smtp *s = calloc(1, sizeof *s);
    if (s == NULL || strlen(url) >= sizeof s->url || strlen(from) >= sizeof s->from) {
        snprintf(why, size, s ? "the relay's URL or the sender's address is too long" : "out of memory");
        free(s);
        return NULL;
    }
    snprintf(s->url, sizeof s->url, "%s", url);
    snprintf(s->from, sizeof s->from, "%s", from);
    s->handle = dlopen(URNE_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (s->handle == NULL) {
        snprintf(why, size, "cannot load %s (install Debian's libcurl4): %s", URNE_CURL_SONAME, dlerror());
        free(s);
        return NULL;
    }
    struct {
        const char *name;
        void **slot;
    } fns[] = {{"curl_easy_init", (void **)&s->init},          {"curl_easy_setopt", (void **)&s->setopt},
               {"curl_easy_perform", (void **)&s->perform},    {"curl_easy_cleanup", (void **)&s->cleanup},
               {"curl_slist_append", (void **)&s->append},     {"curl_slist_free_all", (void **)&s->free_all},
               {"curl_easy_strerror", (void **)&s->strerror}, {"curl_easy_reset", (void **)&s->reset},
               {"curl_easy_getinfo", (void **)&s->getinfo}};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if ((*fns[i].slot = dlsym(s->handle, fns[i].name)) == NULL) {
            snprintf(why, size, "%s has no %s", URNE_CURL_SONAME, fns[i].name);
            urne_smtp_close(s);
            return NULL;
        }
    CURLcode (*global)(long) = (CURLcode(*)(long))dlsym(s->handle, "curl_global_init");
    if (global) global(CURL_GLOBAL_DEFAULT); /* before any thread uses it: the sender's, one */
    return s;
}

void urne_smtp_close(urne_smtp *s) {
    if (s == NULL) return;
    if (s->easy) s->cleanup(s->easy);
    if (s->handle) dlclose(s->handle);
    free(s);
}

/* Whether url names a user and password (scheme://USER:PASS@HOST...). */
static int has_password(const char *url) {
    const char *a = strstr(url, "://");
    if (a == NULL) return 0;
    a += 3;
    size_t authority = strcspn(a, "/?#");
    const char *at = memchr(a, '@', authority);
    return at != NULL && memchr(a, ':', (size_t)(at - a)) != NULL;
}

/* "=?UTF-8?B?...?=" for a subject that is not plain ASCII (RFC 2047), else as is. */
static char *header_word(const char *text) {
    size_t n = strlen(text);
    int ascii = 1;
    for (size_t i = 0; i < n; i++) ascii &= (unsigned char)text[i] >= 0x20 && (unsigned char)text[i] < 0x7F;
    size_t b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(ascii ? n + 1 : b64 + 16);
    if (out == NULL) return NULL;
    if (ascii) return memcpy(out, text, n + 1);
    memcpy(out, "=?UTF-8?B?", 10);
    sodium_bin2base64(out + 10, b64, (const unsigned char *)text, n, sodium_base64_VARIANT_ORIGINAL);
    strcat(out, "?=");
    return out;
}

char *urne_smtp_message(const char *from, const char *to, const char *subject, const char *body, const char *date,
                        const char *id) {
    size_t n = strlen(body), b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *enc = malloc(b64), *subj = header_word(subject);
    const char *domain = strchr(from, '@') ? strchr(from, '@') + 1 : "urne.invalid";
    size_t size = b64 + b64 / 76 * 2 + strlen(from) + strlen(to) + (subj ? strlen(subj) : 0) + strlen(domain) + 512;
    char *msg = enc && subj ? malloc(size) : NULL;
    if (msg) {
        sodium_bin2base64(enc, b64, (const unsigned char *)body, n, sodium_base64_VARIANT_ORIGINAL);
        int k = snprintf(msg, size,
                         "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s@%s>\r\n"
                         "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
                         "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                         date, from, to, subj, id, domain);
        size_t len = strlen(enc), at = (size_t)k;
        for (size_t i = 0; i < len; i += 76) { /* lines of 76 characters, as MIME asks */
            size_t part = len - i < 76 ? len - i : 76;
            memcpy(msg + at, enc + i, part);
            at += part;
            memcpy(msg + at, "\r\n", 2);
            at += 2;
        }
        msg[at] = 0;
    }
    free(enc);
    free(subj);
    return msg;
}

typedef struct reader {
    const char *data;
    size_t left;
} reader;

static size_t read_part(char *buf, size_t size, size_t nitems, void *ctx) {
    reader *r = ctx;
    size_t n = size * nitems < r->left ? size * nitems : r->left;
    memcpy(buf, r->data, n);
    r->data += n;
    r->left -= n;
    return n;
}

/* The enhanced status code's class and subject of a reply line ("550 5.1.1
 * No such user": 5 and 1), or 0 when the line gives none (RFC 3463). */
static int enhanced(const char *reply, int *subject) {
    const char *p = reply;
    while (*p >= '0' && *p <= '9') p++;
    while (*p == ' ' || *p == '-') p++;
    if ((p[0] == '4' || p[0] == '5') && p[1] == '.' && p[2] >= '0' && p[2] <= '9' && p[3] == '.') {
        *subject = p[2] - '0';
        return p[0] - '0';
    }
    return 0;
}

urne_smtp_result urne_smtp_judge_reply(const char *stage, long code, const char *reply) {
    if (code < 500 || code >= 600) return URNE_SMTP_TRANSIENT; /* 4xx: later, in SMTP's words */
    if (stage == NULL || strcmp(stage, "RCPT") != 0) return URNE_SMTP_TRANSIENT; /* the relay's, not the address's */
    int subject = 0, cls = enhanced(reply ? reply : "", &subject);
    if (cls == 5) return subject == 1 || subject == 2 ? URNE_SMTP_PERMANENT : URNE_SMTP_TRANSIENT;
    return code == 550 || code == 551 || code == 553 ? URNE_SMTP_PERMANENT : URNE_SMTP_TRANSIENT;
}

/* Which failure rc is, the relay's last reply being `code` (0: none) and its
 * line `reply`, libcurl's message `err` ("RCPT failed: 550" names the command
 * refused). A reply is judged by urne_smtp_judge_reply: only the recipient
 * refused for good fails the mail at once. A refused login is the relay's
 * configuration, mended by its administrator, not the mail's; without a reply,
 * a connection that failed or timed out is worth another try, and a URL
 * libcurl cannot use (no other try mends it) is not. */
static urne_smtp_result classify(CURLcode rc, long code, const char *err, const char *reply) {
    if (rc == CURLE_LOGIN_DENIED) return URNE_SMTP_TRANSIENT;
    if (code >= 400 && code < 600) return urne_smtp_judge_reply(strncmp(err, "RCPT", 4) == 0 ? "RCPT" : "", code, reply);
    switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN: return URNE_SMTP_PERMANENT;
    default: return URNE_SMTP_TRANSIENT; /* refused, reset, timed out, unresolved... */
    }
}

/* The relay's last refusal (a 4xx or 5xx reply line), kept from libcurl's
 * debug callback (its CURLINFO_HEADER_IN lines are the relay's replies), CR LF
 * cut; the replies after it (QUIT's "221 Bye") do not replace it. */
typedef struct last_reply {
    char line[256];
} last_reply;

static int on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *ctx) {
    (void)c;
    if (type != CURLINFO_HEADER_IN || size < 3 || (data[0] != '4' && data[0] != '5')) return 0;
    last_reply *l = ctx;
    size_t n = size < sizeof l->line - 1 ? size : sizeof l->line - 1;
    memcpy(l->line, data, n);
    while (n > 0 && (l->line[n - 1] == '\n' || l->line[n - 1] == '\r')) n--;
    l->line[n] = 0;
    return 0;
}

urne_smtp_result urne_smtp_send(urne_smtp *s, const char *to, const char *subject, const char *body, char *why,
                                size_t size) {
    char date[64], id[48], from[300], rcpt[300];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    unsigned char r[12];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(id, sizeof id, r, sizeof r);
    char *msg = urne_smtp_message(s->from, to, subject, body, date, id);
    if (s->easy)
        s->reset(s->easy); /* the options of the last mail gone, its connection kept */
    else if (msg)
        s->easy = s->init();
    CURL *c = msg ? s->easy : NULL;
    struct curl_slist *to_list = c ? s->append(NULL, (snprintf(rcpt, sizeof rcpt, "<%s>", to), rcpt)) : NULL;
    if (to_list == NULL) {
        snprintf(why, size, "out of memory");
        free(msg);
        return URNE_SMTP_TRANSIENT;
    }
    char err[CURL_ERROR_SIZE] = "";
    reader rd = {msg, strlen(msg)};
    snprintf(from, sizeof from, "<%s>", s->from);
    s->setopt(c, CURLOPT_URL, s->url);
    /* smtp://: STARTTLS whenever the relay offers it, and required when the URL
     * carries a password (never sent in clear); smtps:// is TLS from the start. */
    s->setopt(c, CURLOPT_USE_SSL, has_password(s->url) ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    s->setopt(c, CURLOPT_MAIL_FROM, from);
    s->setopt(c, CURLOPT_MAIL_RCPT, to_list);
    s->setopt(c, CURLOPT_UPLOAD, 1L);
    s->setopt(c, CURLOPT_READFUNCTION, read_part);
    s->setopt(c, CURLOPT_READDATA, &rd);
    s->setopt(c, CURLOPT_NOSIGNAL, 1L);
    s->setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    s->setopt(c, CURLOPT_TIMEOUT, 60L);
    s->setopt(c, CURLOPT_ERRORBUFFER, err);
    last_reply reply = {""};
    s->setopt(c, CURLOPT_DEBUGFUNCTION, on_debug); /* called only when verbose: nothing printed */
    s->setopt(c, CURLOPT_DEBUGDATA, &reply);
    s->setopt(c, CURLOPT_VERBOSE, 1L);
    CURLcode rc = s->perform(c);
    long code = 0;
    if (rc != CURLE_OK && s->getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) code = 0;
    if (rc != CURLE_OK && code > 0 && reply.line[0])
        snprintf(why, size, "%ld: %s%s%s (%s)", code, s->strerror(rc), err[0] ? ": " : "", err, reply.line);
    else if (rc != CURLE_OK && code > 0)
        snprintf(why, size, "%ld: %s%s%s", code, s->strerror(rc), err[0] ? ": " : "", err);
    else if (rc != CURLE_OK)
        snprintf(why, size, "%s%s%s", s->strerror(rc), err[0] ? ": " : "", err);
    s->free_all(to_list);
    free(msg);
    return rc == CURLE_OK ? URNE_SMTP_SENT : classify(rc, code, err, reply.line);
}
