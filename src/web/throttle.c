/*
 * throttle: failed logins, counted and made to wait (the rule is in web.h, at
 * urne_throttle_blocked).
 *
 * Guessing passwords is slowed per (account, address) pair, not per account: an
 * attacker who fails on someone's account from elsewhere must not lock its owner
 * out, so the owner's own pair, which has not failed, is never held back. An
 * address is counted too, across all the accounts it tries, so that one address
 * spraying many accounts soon waits after each failure.
 *
 * The counts live in fixed tables (struct urne_throttle below): memory does not
 * grow with the attack, and a full set forgets its longest idle slot, preferring
 * one that is not holding a wait.
 *
 * Starting a wait, and the first refusal during it, are logged on standard error
 * (the server's own log); every refusal is in the access log as a 429.
 *
 * The same tables' way counts the requests for a confirmation mail (a lighter
 * petition signed by e-mail): each puts a mail in the outbox to an address the
 * client typed, so one client could mail many strangers through the site. They
 * are counted per client address (an IPv6 one by its /64: one subscriber's)
 * and per network (an IPv4 /24, an IPv6 /48, as the signatures' burst marks
 * count them) over the last hour, sliding (urne_window.h: a steady client is
 * held to the limit an hour; a burst across the hours' boundary, at most twice
 * it, as a fixed hour allows at once); past the limits (urne_throttle_mail_limits) the
 * client waits until one more fits. A request takes its place before it is
 * served and gives it back if it is not answered "check your mail" (a
 * mistyped address): taking and checking are one step under the lock, so
 * requests served at once cannot pass the limit together. Only the requests
 * answered "check your mail" count, whichever mail each made or not, so that
 * the count says nothing of an address either. The counts are the server's
 * own: servers sharing a PostgreSQL database each count what they serve.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <assert.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "../core/urne_window.h"
#include "server.h"
#include "throttle.h"

#define PAIR_FAILURES 5     /* failures of one (account, address) pair before it waits */
#define ADDR_FAILURES 30    /* failures from one address before its failed pairs wait after one */
#define THROTTLE_PAUSE 60   /* the first wait, doubled at each further failure... */
#define THROTTLE_MAX 900    /* ...up to this */
#define THROTTLE_QUIET 900  /* failures are forgotten after this long without one */
#define THROTTLE_WAYS 8
#define PAIR_SETS 4096
#define ADDR_SETS 1024
#define MAIL_WINDOW 3600.0   /* mail requests are counted over the last hour (urne_throttle_mail_limits) */

/* A pair or an address, by a keyed hash of its text (0: an empty slot). */
typedef struct throttle_slot {
    uint64_t key;
    int failures;
    int told; /* a refusal during the current wait was logged: once is enough */
    double last, blocked_until;
    urne_window window; /* mail requests: those of the last hour (urne_window.h) */
} throttle_slot;

/* Set-associative tables: a key lives in one set of THROTTLE_WAYS slots, chosen by
 * a hash keyed with a secret, so nobody can aim at the set of someone else's pair
 * to push it out. A full set gives up its longest-idle slot not held back. */
struct urne_throttle {
    pthread_mutex_t lock;
    unsigned char secret[crypto_shorthash_KEYBYTES];
    throttle_slot pairs[PAIR_SETS][THROTTLE_WAYS];
    throttle_slot addrs[ADDR_SETS][THROTTLE_WAYS];
    throttle_slot mail_addrs[ADDR_SETS][THROTTLE_WAYS]; /* mail requests: their window, held while refused */
    throttle_slot mail_nets[ADDR_SETS][THROTTLE_WAYS];
    int mail_per_address, mail_per_network; /* an hour's mail requests; 0: no limit */
};

urne_throttle *urne_throttle_new(void) {
    urne_throttle *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    pthread_mutex_init(&t->lock, NULL);
    randombytes_buf(t->secret, sizeof t->secret);
    t->mail_per_address = URNE_SERVE_MAIL_PER_ADDRESS;
    t->mail_per_network = URNE_SERVE_MAIL_PER_NETWORK;
    return t;
}

void urne_throttle_free(urne_throttle *t) { free(t); }

static uint64_t throttle_key(const urne_throttle *t, const char *addr, const char *name) {
    size_t a = strlen(addr), n = name ? strlen(name) : 0;
    unsigned char h[crypto_shorthash_BYTES];
    char *text = malloc(a + n + 2);
    if (text == NULL) return 1;
    memcpy(text, addr, a + 1);
    if (name) memcpy(text + a + 1, name, n + 1);
    crypto_shorthash(h, (const unsigned char *)text, name ? a + n + 2 : a, t->secret);
    free(text);
    uint64_t k;
    memcpy(&k, h, sizeof k);
    return k ? k : 1;
}

static throttle_slot *throttle_find(throttle_slot (*sets)[THROTTLE_WAYS], size_t nsets, uint64_t key, int create,
                                    double now) {
    throttle_slot *set = sets[(key >> 7) % nsets], *victim = NULL;
    for (size_t i = 0; i < THROTTLE_WAYS; i++)
        if (set[i].key == key) return &set[i];
    if (!create) return NULL;
    for (size_t i = 0; i < THROTTLE_WAYS; i++) {
        throttle_slot *s = &set[i];
        if (s->key == 0) {
            victim = s;
            break;
        }
        int held = s->blocked_until > now;
        if (victim == NULL || (victim->blocked_until > now && !held) ||
            ((victim->blocked_until > now) == held && s->last < victim->last))
            victim = s;
    }
    memset(victim, 0, sizeof *victim);
    victim->key = key;
    return victim;
}

/* The failures a slot still counts (forgotten after a quiet spell). */
static int throttle_failures(const throttle_slot *s, double now) {
    if (s == NULL) return 0;
    return s->blocked_until <= now && now - s->last > THROTTLE_QUIET ? 0 : s->failures;
}

/* Count a failure; returns the wait it starts (0: none). */
static double throttle_fail(throttle_slot *s, int limit, double now) {
    s->failures = throttle_failures(s, now) + 1;
    s->last = now;
    s->told = 0;
    if (s->failures < limit) return 0;
    double pause = THROTTLE_PAUSE;
    for (int i = limit; i < s->failures && pause < THROTTLE_MAX; i++) pause *= 2;
    if (pause > THROTTLE_MAX) pause = THROTTLE_MAX;
    s->blocked_until = now + pause;
    return pause;
}

/* A name from a request, fit for a log line: printable ASCII without quotes or
 * backslashes, at most 64 bytes. */
static void log_safe(const char *in, char *out, size_t size) {
    size_t o = 0;
    for (; in && *in && o + 1 < size && o < 64; in++)
        out[o++] = (unsigned char)*in >= 0x20 && (unsigned char)*in < 0x7f && *in != '"' && *in != '\\' ? *in : '?';
    out[o] = 0;
}

/* One line on standard error, the server's own log (the access log keeps one line
 * per request; a refused login is there too, as a 429):
 *   urne: login throttled: address 10.0.0.7, account "obs", 5 failures, wait 60 s
 * The event is "login throttled" (a pair starts a wait), "login refused" (the
 * first attempt during a wait; the next ones are only in the access log, as 429s)
 * or "address throttled" (the address's failed pairs now wait after one failure);
 * "mail requests refused" (the first mail request refused in an hour), with
 * the requests counted instead of failures (`what` names the count's unit). */
static void throttle_log(urne_server *srv, const char *event, const char *addr, const char *name, int failures,
                         int wait, const char *what) {
    char who[80], at[24];
    log_safe(name, who, sizeof who);
    urne_store_now(at);
    pthread_mutex_lock(&srv->log_lock);
    if (*who)
        fprintf(stderr, "urne: %s %s: address %s, account \"%s\", %d %s%s, wait %d s\n", at, event,
                addr ? addr : "?", who, failures, what, failures == 1 ? "" : "s", wait);
    else
        fprintf(stderr, "urne: %s %s: address %s, %d %s%s, wait %d s\n", at, event, addr ? addr : "?", failures,
                what, failures == 1 ? "" : "s", wait);
    fflush(stderr);
    pthread_mutex_unlock(&srv->log_lock);
}

int urne_throttle_blocked(urne_server *srv, const char *name, const char *addr, int *retry_after) {
    urne_throttle *t = srv->throttle;
    addr = addr ? addr : "?";
    uint64_t kp = throttle_key(t, addr, name ? name : ""), ka = throttle_key(t, addr, NULL);
    double now = urne_server_now(), wait = 0;
    pthread_mutex_lock(&t->lock);
    throttle_slot *p = throttle_find(t->pairs, PAIR_SETS, kp, 0, now);
    throttle_slot *a = throttle_find(t->addrs, ADDR_SETS, ka, 0, now);
    int failures = throttle_failures(p, now), tell = 0;
    if (p && p->blocked_until > now) wait = p->blocked_until - now;
    if (failures > 0 && a && a->blocked_until > now && a->blocked_until - now > wait) wait = a->blocked_until - now;
    if (wait > 0 && !p->told) tell = p->told = 1;
    pthread_mutex_unlock(&t->lock);
    *retry_after = wait > 0 ? (int)wait + 1 : 0;
    if (tell) throttle_log(srv, "login refused", addr, name, failures, *retry_after, "failure");
    return wait > 0;
}

void urne_throttle_record(urne_server *srv, const char *name, const char *addr, int success) {
    urne_throttle *t = srv->throttle;
    addr = addr ? addr : "?";
    uint64_t kp = throttle_key(t, addr, name ? name : ""), ka = throttle_key(t, addr, NULL);
    double now = urne_server_now(), pair_wait = 0, addr_wait = 0;
    int failures = 0, addr_failures = 0;
    pthread_mutex_lock(&t->lock);
    if (success) {
        throttle_slot *p = throttle_find(t->pairs, PAIR_SETS, kp, 0, now);
        if (p) memset(p, 0, sizeof *p);
    } else {
        throttle_slot *p = throttle_find(t->pairs, PAIR_SETS, kp, 1, now);
        throttle_slot *a = throttle_find(t->addrs, ADDR_SETS, ka, 1, now);
        pair_wait = throttle_fail(p, PAIR_FAILURES, now);
        addr_wait = throttle_fail(a, ADDR_FAILURES, now);
        failures = p->failures;
        addr_failures = a->failures;
    }
    pthread_mutex_unlock(&t->lock);
    if (pair_wait > 0) throttle_log(srv, "login throttled", addr, name, failures, (int)pair_wait, "failure");
    if (addr_wait > 0) throttle_log(srv, "address throttled", addr, NULL, addr_failures, (int)addr_wait, "failure");
}

/* ---- mail requests ---- */

/* The texts addr is counted by: its address (an IPv6 one: its /64) and its
 * network (an IPv4 /24, an IPv6 /48), as bytes in hex, not as typed (two
 * spellings of one address are one). Text not an address counts as itself. */
static void mail_keys(const char *addr, char a[80], char n[80]) {
    unsigned char b[16];
    int v4 = inet_pton(AF_INET, addr, b) == 1, v6 = !v4 && inet_pton(AF_INET6, addr, b) == 1;
    if (!v4 && !v6) {
        snprintf(a, 80, "ma:%.64s", addr);
        snprintf(n, 80, "mn:%.64s", addr);
        return;
    }
    size_t whole = v4 ? 4 : 8, net = v4 ? 3 : 6;
    memcpy(a, "ma:", 3);
    sodium_bin2hex(a + 3, 77, b, whole);
    memcpy(n, "mn:", 3);
    sodium_bin2hex(n + 3, 77, b, net);
}

/* Take a request's place in s's last hour, `limit` at most (0: no limit, nothing
 * counted): 0; or 1, nothing counted, *wait raised to the seconds until one fits.
 * A slot that counts anything is held (blocked_until) for as long as its counts
 * weigh, two periods: otherwise a full set could evict a client at its limit
 * and start its hour again (review finding). */
static int mail_take_one(throttle_slot *s, double now, int limit, double *wait) {
    s->last = now;
    if (limit <= 0) return 0;
    double w = urne_window_take(&s->window, now, MAIL_WINDOW, limit);
    s->blocked_until = s->window.start + 2 * MAIL_WINDOW;
    if (w > 0) {
        if (w > *wait) *wait = w;
        return 1;
    }
    s->told = 0;
    return 0;
}

int urne_throttle_mail_take(urne_server *srv, const char *addr, double *taken, int *retry_after) {
    urne_throttle *t = srv->throttle;
    char ka[80], kn[80];
    mail_keys(addr ? addr : "?", ka, kn);
    uint64_t a_key = throttle_key(t, ka, NULL), n_key = throttle_key(t, kn, NULL);
    double wait = 0;
    int tell = 0, count = 0;
    pthread_mutex_lock(&t->lock);
    /* The clock read under the lock: the windows see their moments in order, and
     * a place given back is found in the period it was taken in. */
    double now = urne_server_now();
    throttle_slot *a = throttle_find(t->mail_addrs, ADDR_SETS, a_key, 1, now);
    throttle_slot *n = throttle_find(t->mail_nets, ADDR_SETS, n_key, 1, now);
    /* The address first: a request it refuses must not count for the network. */
    throttle_slot *held = mail_take_one(a, now, t->mail_per_address, &wait) ? a : NULL;
    if (held == NULL && mail_take_one(n, now, t->mail_per_network, &wait)) {
        held = n;
        urne_window_give_back(&a->window, now, MAIL_WINDOW); /* refused: the address's count undone */
    }
    if (held) {
        count = (int)urne_window_count(&held->window, now, MAIL_WINDOW);
        if (!held->told) tell = held->told = 1;
    }
    pthread_mutex_unlock(&t->lock);
    *taken = now;
    *retry_after = held ? (int)wait + 1 : 0;
    if (tell) throttle_log(srv, "mail requests refused", addr, NULL, count, *retry_after, "request");
    return held != NULL;
}

void urne_throttle_mail_give_back(urne_server *srv, const char *addr, double taken) {
    urne_throttle *t = srv->throttle;
    char ka[80], kn[80];
    mail_keys(addr ? addr : "?", ka, kn);
    uint64_t a_key = throttle_key(t, ka, NULL), n_key = throttle_key(t, kn, NULL);
    pthread_mutex_lock(&t->lock);
    throttle_slot *a = throttle_find(t->mail_addrs, ADDR_SETS, a_key, 0, taken);
    throttle_slot *n = throttle_find(t->mail_nets, ADDR_SETS, n_key, 0, taken);
    if (a) urne_window_give_back(&a->window, taken, MAIL_WINDOW);
    if (n) urne_window_give_back(&n->window, taken, MAIL_WINDOW);
    pthread_mutex_unlock(&t->lock);
}

void urne_throttle_mail_limits(urne_throttle *t, int per_address, int per_network) {
    assert(t && per_address >= 0 && per_network >= 0);
    pthread_mutex_lock(&t->lock);
    t->mail_per_address = per_address;
    t->mail_per_network = per_network;
    pthread_mutex_unlock(&t->lock);
}
