/*
 * forum_post (app): posting in a forum (forum.h says what it answers), the spam
 * signals measured here and weighed by the engine, and the author's private
 * link.
 *
 * The signals: the hidden field's value; the time since the form was shown,
 * read from the moment the form carries, signed with the forms' key (kept in the
 * database, the same for every server on it: urne_store_form_key)
 * (HMAC-SHA-256; a stamp missing, forged or from the future counts as sent at
 * once: a robot that posts without the form is "too fast"; so does a stamp
 * posted with already, the last URNE_FORUM_STAMPS_USED remembered, since each
 * showing of the form gives its own: a robot that keeps one stamp to post again
 * and again is "too fast" from its second message); the links the
 * renderer counts; whether the same text (its blanks folded) came into the same
 * forum within the hour; and the contributions of the sender's address and of
 * the author within the current hour, this one included (an IPv6 sender counted
 * by its /64, urne_app_forum_network). The counts are held
 * in memory, in fixed tables (forum_internal.h): a table full forgets the
 * oldest hour first, never refuses a post. The engine turns the signals into
 * flags, a score and the starting state; a moderator of the forum who writes
 * without a flag is published at once.
 *
 * The private link: 32 random bytes in hex are given to the author once; the
 * store keeps their SHA-256 only, so that a copy of the database does not open
 * anyone's status page.
 */
#include <assert.h>
#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../forum/markup.h"
#include "forum_internal.h"

int urne_app_forums_open(urne_app *app, urne_phrase *why) {
    struct urne_app_forums *f = calloc(1, sizeof *f);
    if (f) f->rates = calloc(URNE_FORUM_RATE_SLOTS, sizeof *f->rates);
    if (f && f->rates) f->recent = calloc(URNE_FORUM_RECENT, sizeof *f->recent);
    if (f && f->recent) f->stamps_used = calloc(URNE_FORUM_STAMPS_USED, sizeof *f->stamps_used);
    if (f == NULL || f->rates == NULL || f->recent == NULL || f->stamps_used == NULL || sodium_init() < 0) {
        if (f) free(f->rates), free(f->recent), free(f->stamps_used);
        free(f);
        urne_phrase_set(why, "out of memory (the forums' counters)");
        return -1;
    }
    /* The key every server on the database shares: a form shown by one may be
     * posted to another, and a stamp outlives a restart. */
    unsigned char fresh[32];
    char fresh_hex[URNE_STORE_FORM_KEY], kept[URNE_STORE_FORM_KEY];
    randombytes_buf(fresh, sizeof fresh);
    sodium_bin2hex(fresh_hex, sizeof fresh_hex, fresh, sizeof fresh);
    size_t len = 0;
    if (urne_store_form_key(app->store, fresh_hex, kept) < 0 ||
        sodium_hex2bin(f->form_key, sizeof f->form_key, kept, strlen(kept), NULL, &len, NULL) != 0 ||
        len != sizeof f->form_key) {
        urne_phrase_set(why, "the forums' form key could not be read from the database: %s",
                        urne_store_error(app->store));
        free(f->rates), free(f->recent), free(f->stamps_used), free(f);
        return -1;
    }
    sodium_memzero(fresh, sizeof fresh);
    app->forums = f;
    return 0;
}

void urne_app_forums_free(urne_app *app) {
    if (app->forums == NULL) return;
    free(app->forums->rates);
    free(app->forums->recent);
    free(app->forums->stamps_used);
    urne_app_forum_tally_free(app->forums);
    sodium_memzero(app->forums->form_key, sizeof app->forums->form_key);
    free(app->forums);
    app->forums = NULL;
}

/* ---- the form's moment ---- */

/* A stamp is "T.N.MAC": the moment T, a nonce N of 16 hex digits drawn for this
 * showing of the form (two people shown the form in the same second get two
 * stamps, so that one's post does not make the other's a stamp used again), and
 * the HMAC of "T.N". */
#define STAMP_NONCE_HEX 16

static void stamp_mac(const unsigned char key[32], const char *signed_part, size_t len, char hex[65]) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)signed_part, (unsigned long long)len, key);
    sodium_bin2hex(hex, 65, mac, sizeof mac);
}

void urne_app_forum_form_stamp(urne_app *app, char out[URNE_FORUM_STAMP_MAX]) {
    unsigned char nonce[STAMP_NONCE_HEX / 2];
    char nonce_hex[STAMP_NONCE_HEX + 1], hex[65];
    randombytes_buf(nonce, sizeof nonce);
    sodium_bin2hex(nonce_hex, sizeof nonce_hex, nonce, sizeof nonce);
    pthread_mutex_lock(&app->lock);
    long long t = (long long)urne_app_forum_now(app);
    int n = snprintf(out, URNE_FORUM_STAMP_MAX, "%lld.%s", t, nonce_hex);
    assert(n > 0 && n + 66 < URNE_FORUM_STAMP_MAX);
    stamp_mac(app->forums->form_key, out, (size_t)n, hex);
    snprintf(out + n, (size_t)(URNE_FORUM_STAMP_MAX - n), ".%s", hex);
    pthread_mutex_unlock(&app->lock);
}

/* A form's stamp holds a day: one kept longer, to post again and again without
 * waiting, is taken for none (and the message waits, "too-fast"). */
#define STAMP_MAX_AGE (24 * 3600)

/* 1 when the stamp was posted with already (among the last remembered); the
 * stamp remembered either way. */
static int stamp_used(struct urne_app_forums *f, const char *stamp) {
    unsigned char d[16];
    crypto_generichash(d, sizeof d, (const unsigned char *)stamp, strlen(stamp), NULL, 0);
    int seen = 0;
    for (size_t i = 0; i < URNE_FORUM_STAMPS_USED && !seen; i++) seen = memcmp(f->stamps_used[i], d, 16) == 0;
    if (!seen) {
        memcpy(f->stamps_used[f->next_stamp], d, 16);
        f->next_stamp = (f->next_stamp + 1) % URNE_FORUM_STAMPS_USED;
    }
    return seen;
}

/* Seconds from the form shown to now by its stamp; 0 when the stamp is missing,
 * not ours, from the future, older than STAMP_MAX_AGE, or posted with already. */
static int64_t fill_seconds(urne_app *app, const char *stamp, int64_t now) {
    if (stamp == NULL) return 0;
    char *end;
    long long t = strtoll(stamp, &end, 10);
    if (end == stamp || *end != '.' || t > now) return 0;
    const char *mac = end + 1 + STAMP_NONCE_HEX;
    if (strnlen(end + 1, STAMP_NONCE_HEX) != STAMP_NONCE_HEX || *mac != '.' || strlen(mac + 1) != 64) return 0;
    char hex[65];
    stamp_mac(app->forums->form_key, stamp, (size_t)(mac - stamp), hex);
    if (sodium_memcmp(hex, mac + 1, 64) != 0) return 0;
    if (now - t > STAMP_MAX_AGE || stamp_used(app->forums, stamp)) return 0;
    return now - t;
}

/* ---- addresses ---- */

void urne_app_forum_network(const char *address, char out[URNE_FORUM_NETWORK_MAX]) {
    unsigned char a[16];
    snprintf(out, URNE_FORUM_NETWORK_MAX, "%s", address);
    if (inet_pton(AF_INET6, address, a) != 1) return;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, mapped, sizeof mapped) == 0) {
        inet_ntop(AF_INET, a + 12, out, URNE_FORUM_NETWORK_MAX);
        return;
    }
    memset(a + 8, 0, 8);
    if (inet_ntop(AF_INET6, a, out, URNE_FORUM_NETWORK_MAX - 4) != NULL) strcat(out, "/64");
}

/* ---- the counts of the hour ---- */

/* Count one more contribution of `key` this hour: the count, this one included. */
static int64_t rate_add(struct urne_app_forums *f, const char *key, int64_t hour) {
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = key; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    urne_forum_rate *oldest = NULL;
    for (size_t probe = 0; probe < 16; probe++) {
        urne_forum_rate *r = &f->rates[(h + probe) % URNE_FORUM_RATE_SLOTS];
        if (r->hour == hour && strcmp(r->key, key) == 0) return ++r->count;
        if (oldest == NULL || r->hour < oldest->hour) oldest = r;
    }
    if (oldest->hour == hour) /* sixteen slots of this hour's other keys: forget the smallest count's */
        for (size_t probe = 0; probe < 16; probe++) {
            urne_forum_rate *r = &f->rates[(h + probe) % URNE_FORUM_RATE_SLOTS];
            if (r->count < oldest->count) oldest = r;
        }
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    oldest->hour = hour;
    oldest->count = 1;
    return 1;
}

/* The message's digest with its blanks folded and ASCII letters lowered, so that
 * the same text sent again with other spaces is the same. */
static void message_digest(const char *message, unsigned char out[16]) {
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 16);
    int blank = 1;
    for (const char *p = message; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            blank = 1;
            continue;
        }
        if (blank) crypto_generichash_update(&st, (const unsigned char *)" ", 1);
        blank = 0;
        c = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
        crypto_generichash_update(&st, &c, 1);
    }
    crypto_generichash_final(&st, out, 16);
}

/* 1 when the text of digest d came into forum `forum` within the hour before
 * `now`; the text remembered either way. */
static int duplicate(struct urne_app_forums *f, int64_t forum, const unsigned char d[16], int64_t now) {
    int seen = 0;
    for (size_t i = 0; i < URNE_FORUM_RECENT && !seen; i++) {
        const urne_forum_recent *r = &f->recent[i];
        seen = r->forum == forum && r->at > now - 3600 && memcmp(r->digest, d, 16) == 0;
    }
    urne_forum_recent *slot = &f->recent[f->next_recent];
    f->next_recent = (f->next_recent + 1) % URNE_FORUM_RECENT;
    slot->forum = forum, slot->at = now;
    memcpy(slot->digest, d, 16);
    return seen;
}

/* ---- posting ---- */

/* The row's author and its signals; the flags named in row->flags. */
static void flags_text(unsigned flags, char *out, size_t size) {
    size_t used = 0;
    out[0] = 0;
    for (unsigned k = 0; k < URNE_FORUM_NFLAGS; k++)
        if (flags & (1u << k)) {
            int n = snprintf(out + used, size - used, "%s%s", used ? "," : "", urne_forum_flag_name(1u << k));
            if (n < 0 || (size_t)n >= size - used) break;
            used += (size_t)n;
        }
}

/* The checks of the contribution against the forum, the parent and the bans:
 * OK, BAD_INPUT, STATE (banned), STORE. Fills row's author. Under the lock. */
static urne_app_status accept_contribution(urne_app *app, const urne_user *actor, const urne_forum_post_in *in,
                                           const urne_forum_row *f, urne_post_row *row, urne_app_outcome *out) {
    int member = actor && actor->id > 0;
    urne_forum_mode mode = URNE_FORUM_CLOSED;
    urne_forum_mode_parse(f->mode, &mode);
    urne_forum_contribution c = {in->title, in->message ? in->message : "", in->parent > 0, member, in->name,
                                 in->email};
    urne_forum_fault fault;
    if (urne_forum_contribution_check(&c, mode, (int)f->visitors, &fault) < 0)
        return urne_app_forum_refuse(out, &fault);
    if (in->parent > 0) {
        urne_post_row *parent = malloc(sizeof *parent);
        if (parent == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
        int rc = urne_store_post_get(app->store, in->parent, parent);
        int ok = rc > 0 && parent->forum == f->id && strcmp(parent->state, "published") == 0;
        row->thread = parent->thread;
        free(parent);
        if (rc < 0) return urne_app_store_error(out, app->store);
        if (!ok) {
            snprintf(out->field, sizeof out->field, "parent");
            out->why = URNE_WHY_NO_PARENT;
            out->number = in->parent;
            return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
        }
    }
    row->author_user = member ? actor->id : 0;
    if (member) {
        snprintf(row->author_key, sizeof row->author_key, "user/%lld", (long long)actor->id);
        snprintf(row->author_name, sizeof row->author_name, "%s", actor->name);
    } else {
        /* The author's key with the address in small letters: Ana@Example.org is
         * ana@example.org, for bans and the rate per author alike. */
        snprintf(row->author_key, sizeof row->author_key, "email/%s", in->email);
        for (char *k = row->author_key + 6; *k; k++)
            if (*k >= 'A' && *k <= 'Z') *k = (char)(*k - 'A' + 'a');
        snprintf(row->author_name, sizeof row->author_name, "%s", in->name);
        snprintf(row->email, sizeof row->email, "%s", in->email);
    }
    snprintf(row->address, sizeof row->address, "%s", in->address ? in->address : "");
    char network[URNE_FORUM_NETWORK_MAX];
    urne_app_forum_network(row->address, network);
    int banned = urne_store_forum_banned(app->store, f->id, network, row->author_key);
    if (banned == 0 && strcmp(network, row->address) != 0) /* a ban of one IPv6 address, made before */
        banned = urne_store_forum_banned(app->store, f->id, row->address, row->author_key);
    if (banned < 0) return urne_app_store_error(out, app->store);
    if (banned) {
        out->why = URNE_WHY_BANNED;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    return URNE_APP_OK;
}

/* ---- what the other servers on the database are told of a post ---- */

/* A post as the counts of the hour and the recent texts know it: its sender's
 * network and its author, each by 8 bytes of BLAKE2b in hex (the keys of the
 * rates), and its text's digest. Announced in the post's transaction
 * ("forum/N/posted/NETWORK/AUTHOR/DIGEST"), so that every server counts every
 * post, wherever it was sent: the rates and the duplicates are the site's, not
 * one process's. */
typedef struct post_marks {
    char network[17], author[17];
    unsigned char digest[16];
} post_marks;

static void short_hash(const char *text, char out[17]) {
    unsigned char h[8];
    crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
    sodium_bin2hex(out, 17, h, sizeof h);
}

static void marks_of(const urne_post_row *row, post_marks *m) {
    char network[URNE_FORUM_NETWORK_MAX];
    urne_app_forum_network(row->address, network);
    short_hash(network, m->network);
    short_hash(row->author_key, m->author);
    message_digest(row->body, m->digest);
}

/* Count a post of these marks at `now`: its sender's and author's rates (the
 * counts, this one included, into the pointers when not NULL) and its text
 * among the recent ones (1 when it was there already). */
static int count_marks(struct urne_app_forums *f, int64_t forum, const post_marks *m, int64_t now,
                       size_t *from_address, size_t *from_author) {
    char key[24];
    snprintf(key, sizeof key, "a:%s", m->network);
    size_t a = (size_t)rate_add(f, key, now / 3600);
    snprintf(key, sizeof key, "u:%s", m->author);
    size_t u = (size_t)rate_add(f, key, now / 3600);
    if (from_address) *from_address = a;
    if (from_author) *from_author = u;
    return duplicate(f, forum, m->digest, now);
}

static int announce_post(urne_app *app, int64_t forum, const post_marks *m) {
    char digest[33], object[96];
    sodium_bin2hex(digest, sizeof digest, m->digest, sizeof m->digest);
    snprintf(object, sizeof object, "forum/%lld/posted/%s/%s/%s", (long long)forum, m->network, m->author, digest);
    return urne_store_announce(app->store, "forum.post", object);
}

int urne_app_forum_post_heard(urne_app *app, const char *object) {
    char *end;
    if (strncmp(object, "forum/", 6) != 0) return 0;
    long long forum = strtoll(object + 6, &end, 10);
    post_marks m;
    char digest[33];
    size_t len = 0;
    if (strncmp(end, "/posted/", 8) != 0 || strlen(end + 8) != 16 + 1 + 16 + 1 + 32 || end[8 + 16] != '/' ||
        end[8 + 33] != '/')
        return 0;
    memcpy(m.network, end + 8, 16), m.network[16] = 0;
    memcpy(m.author, end + 8 + 17, 16), m.author[16] = 0;
    memcpy(digest, end + 8 + 34, 33);
    if (sodium_hex2bin(m.digest, sizeof m.digest, digest, 32, NULL, &len, NULL) != 0 || len != 16) return 0;
    count_marks(app->forums, forum, &m, urne_app_forum_now(app), NULL, NULL);
    return 1;
}

/* ---- posting: the signals ---- */

/* The signals measured, weighed by the engine into row's flags, score, links
 * and state; *marks what the other servers are to be told. OK, or NO_MEMORY.
 * Under the lock. */
static urne_app_status weigh(urne_app *app, const urne_user *actor, const urne_forum_post_in *in,
                             const urne_forum_row *f, int64_t now, urne_post_row *row, post_marks *marks,
                             urne_app_outcome *out) {
    urne_forum_render_info info;
    char *html = urne_forum_render(row->body, strlen(row->body), NULL, &info);
    if (html == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    free(html);
    urne_forum_signals s = {.honeypot = in->honeypot && in->honeypot[0], .links = info.links};
    s.fill_seconds = fill_seconds(app, in->stamp, now);
    marks_of(row, marks);
    s.duplicate = count_marks(app->forums, f->id, marks, now, &s.from_address, &s.from_author);
    urne_forum_limits limits = urne_forum_limits_default();
    int score = 0;
    unsigned flags = urne_forum_flags(&s, &limits, &score);
    urne_app_outcome probe;
    urne_app_outcome_init(&probe);
    int by_moderator = actor && actor->id > 0 &&
                       urne_app_forum_may(app, actor, URNE_ACT_MODERATE_FORUM, f->id, f->attached, &probe) ==
                           URNE_APP_OK;
    urne_app_outcome_free(&probe);
    urne_forum_mode mode = URNE_FORUM_CLOSED;
    urne_forum_mode_parse(f->mode, &mode);
    urne_post_state state;
    if (urne_forum_initial_state(mode, flags, by_moderator, &state) < 0) state = URNE_POST_WAITING;
    snprintf(row->state, sizeof row->state, "%s", urne_post_state_name(state));
    flags_text(flags, row->flags, sizeof row->flags);
    row->score = score;
    row->links = (int64_t)info.links;
    return URNE_APP_OK;
}

urne_app_status urne_app_forum_post(urne_app *app, const urne_user *actor, const urne_forum_post_in *in,
                                    urne_post_row *row, char token[URNE_FORUM_TOKEN_HEX], urne_app_outcome *out) {
    urne_app_outcome_init(out);
    memset(row, 0, sizeof *row);
    token[0] = 0;
    pthread_mutex_lock(&app->lock);
    urne_forum_row f;
    urne_app_status st = urne_app_forum_load(app, in->forum, &f, out);
    if (st == URNE_APP_OK) st = urne_app_forum_may(app, actor, URNE_ACT_POST_FORUM, f.id, f.attached, out);
    if (st == URNE_APP_OK) st = accept_contribution(app, actor, in, &f, row, out);
    if (st != URNE_APP_OK) goto done;
    int64_t now = urne_app_forum_now(app);
    row->forum = f.id;
    row->parent = in->parent > 0 ? in->parent : 0;
    snprintf(row->title, sizeof row->title, "%s", in->title ? in->title : "");
    snprintf(row->body, sizeof row->body, "%s", in->message);
    row->sent_at = now;
    post_marks marks;
    st = weigh(app, actor, in, &f, now, row, &marks, out);
    if (st != URNE_APP_OK) goto done;
    unsigned char secret[32], hash[crypto_hash_sha256_BYTES];
    randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(token, URNE_FORUM_TOKEN_HEX, secret, sizeof secret);
    crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(row->token_hash, sizeof row->token_hash, hash, sizeof hash);
    int published = strcmp(row->state, "published") == 0;
    if (urne_store_begin(app->store) < 0 || urne_store_post_put(app->store, row) < 0 ||
        announce_post(app, f.id, &marks) < 0 ||
        (published && urne_app_forum_tally_announce(app, f.id, row->author_key, 1) < 0) ||
        urne_store_commit(app->store) < 0) {
        token[0] = 0;
        st = urne_app_store_failed(app, out);
        goto done;
    }
    if (published) urne_app_forum_tally_move(app, f.id, row->author_key, 1);
    urne_app_changed(app);
    out->id = row->id;
done:
    pthread_mutex_unlock(&app->lock);
    return st;
}

urne_app_status urne_app_forum_post_status(urne_app *app, const char *token, urne_post_row *row,
                                           urne_app_outcome *out) {
    urne_app_outcome_init(out);
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[URNE_STORE_FORUM_HASH];
    size_t len = token ? strnlen(token, URNE_FORUM_TOKEN_HEX) : 0;
    if (len != URNE_FORUM_TOKEN_HEX - 1) return urne_app_fail(out, URNE_APP_NO_POST, NULL);
    crypto_hash_sha256(hash, (const unsigned char *)token, len);
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_post_by_token(app->store, hex, row);
    urne_app_status st = rc < 0   ? urne_app_store_error(out, app->store)
                         : rc == 0 ? urne_app_fail(out, URNE_APP_NO_POST, NULL)
                                   : URNE_APP_OK;
    pthread_mutex_unlock(&app->lock);
    return st;
}
