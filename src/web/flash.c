/*
 * flash: the messages of forms that succeeded, kept for the page the browser is
 * sent to (see flash.h).
 *
 * A fixed ring of slots under one mutex: a new flash takes the oldest slot, so
 * memory stays bounded whatever the traffic; a flash waits FLASH_SECONDS at most
 * (the redirect is followed at once, so a slot is seldom reused before it is
 * read). Names are compared in constant time.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash.h"
#include "server.h"

#define FLASH_SLOTS 256
#define FLASH_SECONDS 300.0
#define FLASH_NAME 32 /* hex digits of 16 random bytes */

typedef struct flash_slot {
    char name[FLASH_NAME + 1]; /* "" when free */
    char session[65];          /* the session's token hash, "" for none */
    unsigned status;
    double at; /* urne_server_now() when kept */
    char message[1024];
} flash_slot;

struct urne_flashes {
    pthread_mutex_t lock;
    size_t next;
    flash_slot slot[FLASH_SLOTS];
};

urne_flashes *urne_flashes_new(void) {
    urne_flashes *f = calloc(1, sizeof *f);
    if (f && pthread_mutex_init(&f->lock, NULL) != 0) {
        free(f);
        return NULL;
    }
    return f;
}

void urne_flashes_free(urne_flashes *f) {
    if (f == NULL) return;
    pthread_mutex_destroy(&f->lock);
    sodium_memzero(f, sizeof *f);
    free(f);
}

/* Keep a flash for r's session; its name into name. 0, or -1 without a store. */
static int keep(urne_req *r, unsigned status, const char *message, char name[FLASH_NAME + 1]) {
    urne_flashes *f = r->srv->flashes;
    if (f == NULL) return -1;
    unsigned char raw[FLASH_NAME / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(name, FLASH_NAME + 1, raw, sizeof raw);
    pthread_mutex_lock(&f->lock);
    flash_slot *s = &f->slot[f->next];
    f->next = (f->next + 1) % FLASH_SLOTS;
    memcpy(s->name, name, FLASH_NAME + 1);
    snprintf(s->session, sizeof s->session, "%s", r->token_hash);
    s->status = status;
    s->at = urne_server_now();
    snprintf(s->message, sizeof s->message, "%s", message ? message : "");
    pthread_mutex_unlock(&f->lock);
    return 0;
}

enum MHD_Result urne_flash_redirect(urne_req *r, const char *location, unsigned status, const char *message,
                                    const char *set_cookie) {
    char name[FLASH_NAME + 1], cookie[160];
    const char *h[7] = {"Location", location};
    size_t n = 2;
    if (keep(r, status, message, name) == 0) {
        snprintf(cookie, sizeof cookie, URNE_FLASH_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", name,
                 (int)FLASH_SECONDS, r->srv->secure_cookies ? "; Secure" : "");
        h[n++] = "Set-Cookie";
        h[n++] = cookie;
    }
    if (set_cookie) {
        h[n++] = "Set-Cookie";
        h[n++] = set_cookie;
    }
    h[n] = NULL;
    r->cacheable = 0;
    return urne_reply_full(r, 303, "text/plain; charset=utf-8", "", 0, h);
}

static const char *carried(const urne_req *r) {
    return urne_server_mhd.lookup_connection_value(r->conn, MHD_COOKIE_KIND, URNE_FLASH_COOKIE);
}

int urne_flash_carried(const urne_req *r) { return carried(r) != NULL; }

int urne_flash_take(urne_req *r, unsigned *status, char *message, size_t size) {
    const char *name = carried(r);
    urne_flashes *f = r->srv->flashes;
    if (name == NULL || f == NULL || strlen(name) != FLASH_NAME || strcmp(r->method, "GET") != 0) return 0;
    int found = 0;
    double now = urne_server_now();
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < FLASH_SLOTS && !found; i++) {
        flash_slot *s = &f->slot[i];
        if (s->name[0] == 0 || sodium_memcmp(s->name, name, FLASH_NAME) != 0) continue;
        if (strcmp(s->session, r->token_hash) == 0 && now - s->at <= FLASH_SECONDS) {
            *status = s->status;
            snprintf(message, size, "%s", s->message);
            found = 1;
        }
        memset(s, 0, sizeof *s); /* read, stale, or shown to another session: gone */
    }
    pthread_mutex_unlock(&f->lock);
    return found;
}

const char *urne_flash_clear(const urne_req *r) {
    if (carried(r) == NULL) return NULL;
    return r->srv->secure_cookies ? URNE_FLASH_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
                                  : URNE_FLASH_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
}
