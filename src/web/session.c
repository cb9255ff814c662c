/*
 * session: who is asking, by a random token.
 *
 * Logging in opens a session: 32 random bytes, shown to the client once, as the
 * urne_session cookie (HttpOnly, SameSite=Strict, Secure behind HTTPS) for a
 * browser or in the JSON answer for an API client, which sends it back as
 * "Authorization: Bearer TOKEN". The store keeps only the token's SHA-256, so a
 * copy of the database opens no session, with the user and a CSRF token for the
 * session's forms. A session lasts twelve hours.
 *
 * A request made with the cookie must also carry the CSRF token to change
 * anything (server.c checks it); one made with a bearer token need not: no browser
 * sends that header by itself.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "server.h"
#include "../app/users.h"
#include "session.h"

#define SESSION_SECONDS (12 * 3600)

static void token_hash(const char *token, char out[65]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

int urne_session_find(urne_req *r) {
    r->user.role = URNE_ROLE_PUBLIC;
    const char *token = urne_server_mhd.lookup_connection_value(r->conn, MHD_COOKIE_KIND, "urne_session");
    const char *auth = urne_server_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        token = auth + 7;
        r->bearer = 1;
    }
    if (token == NULL || strlen(token) != 64) return 0;
    token_hash(token, r->token_hash);
    urne_user u;
    int found = urne_app_session_get(&r->srv->app, r->token_hash, (int64_t)time(NULL), &u, r->csrf);
    if (found == 1) r->user = u;
    return found < 0 ? -1 : 0;
}

void urne_session_cookie(const urne_req *r, const char *token, char *out, size_t size) {
    if (token)
        snprintf(out, size, "urne_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
                 SESSION_SECONDS, r->srv->secure_cookies ? "; Secure" : "");
    else
        snprintf(out, size, "urne_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
                 r->srv->secure_cookies ? "; Secure" : "");
}

int urne_session_open(urne_req *r, const urne_user *u, char token_out[65]) {
    unsigned char raw[32], c[16];
    randombytes_buf(raw, sizeof raw);
    randombytes_buf(c, sizeof c);
    sodium_bin2hex(token_out, 65, raw, sizeof raw);
    char hash[65], csrf[65];
    token_hash(token_out, hash);
    sodium_bin2hex(csrf, sizeof csrf, c, sizeof c);
    int rc = urne_app_session_put(&r->srv->app, hash, u->id, csrf, (int64_t)time(NULL) + SESSION_SECONDS);
    if (rc == 0) {
        r->user = *u;
        memcpy(r->csrf, csrf, sizeof r->csrf);
        memcpy(r->token_hash, hash, sizeof r->token_hash);
    }
    return rc;
}
