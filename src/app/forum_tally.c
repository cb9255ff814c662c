/*
 * forum_tally (app): each forum's count of published messages and of the people
 * who wrote them, kept in memory.
 *
 * A forum's page and its API show both counts. Counting them in the store at
 * each read is a pass over every published row (a COUNT DISTINCT over the
 * authors): 1.3 s on a forum of a million messages, under the application's
 * lock, and again after every change that drops the page cache. So the counts
 * are read from the store once per forum (urne_store_forum_authors: each author
 * with their number of published posts), then moved by the use cases that
 * publish or withdraw a post, after their commit:
 *
 *   - a post published at once (a posteriori, or by a moderator): +1;
 *   - a moderator's act: +1 into "published" (approve), -1 out of it (hide).
 *
 * A participant is an author with at least one published post; authors are
 * held by a 16-byte BLAKE2b digest of their key (the store's author_key), in an
 * open-addressing table per forum, so that memory is 24 bytes per author.
 *
 * Several servers on one database (watch.c): the use case announces its move in
 * its transaction ("forum/N/tally/+DIGEST" or "-DIGEST"), and each other server
 * applies it when it hears it. A tally read from the store in the short while
 * between another server's commit and its announcement arriving here would count
 * that change twice: a move heard within TALLY_FRESH_NS of the tally's reading
 * drops the tally instead, to be read again at the next page. After a lost
 * connection every tally is dropped (urne_app_forum_tally_forget).
 */
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/urne_mem.h"
#include "forum_internal.h"

#define TALLY_FRESH_NS 2000000000LL /* 2 s: much longer than a notification takes */

typedef struct tally_slot {
    unsigned char author[16];
    int64_t published; /* -1: a free slot */
} tally_slot;

struct urne_forum_tally {
    int64_t forum;
    int64_t messages, participants;
    int64_t read_ns; /* when read from the store (CLOCK_MONOTONIC) */
    tally_slot *slots;
    size_t cap, used; /* cap a power of two; used slots, free ones excepted */
};

static int64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void author_digest(const char *author_key, unsigned char out[16]) {
    crypto_generichash(out, 16, (const unsigned char *)author_key, strlen(author_key), NULL, 0);
}

/* The slot of `author` in t (found, or the free one where it would go). t->cap > t->used. */
static tally_slot *slot_of(urne_forum_tally *t, const unsigned char author[16]) {
    uint64_t h;
    memcpy(&h, author, sizeof h);
    for (size_t i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        tally_slot *s = &t->slots[i];
        if (s->published < 0 || memcmp(s->author, author, 16) == 0) return s;
    }
}

/* Room for one more author (kept under three quarters full): 0, or -1 out of memory. */
static int make_room(urne_forum_tally *t) {
    if (t->cap && (t->used + 1) * 4 <= t->cap * 3) return 0;
    size_t cap = t->cap ? 2 * t->cap : 64;
    tally_slot *old = t->slots, *grown = malloc(cap * sizeof *grown);
    if (grown == NULL) return -1;
    for (size_t i = 0; i < cap; i++) grown[i].published = -1;
    size_t oldcap = t->cap;
    t->slots = grown, t->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].published >= 0) *slot_of(t, old[i].author) = old[i];
    free(old);
    return 0;
}

/* Move the author's count by delta (+1 or -1), keeping messages and participants
 * with it: 0, or -1 out of memory (t is then to be dropped). */
static int move(urne_forum_tally *t, const unsigned char author[16], int64_t delta) {
    if (make_room(t) < 0) return -1;
    tally_slot *s = slot_of(t, author);
    if (s->published < 0) {
        memcpy(s->author, author, 16);
        s->published = 0;
        t->used++;
    }
    int64_t before = s->published;
    s->published = before + delta < 0 ? 0 : before + delta; /* never below nothing, whatever is heard */
    t->messages += s->published - before;
    t->participants += (s->published > 0) - (before > 0);
    assert(t->messages >= 0 && t->participants >= 0);
    return 0;
}

static int add_author(const char *author_key, int64_t published, void *ctx) {
    unsigned char author[16];
    author_digest(author_key, author);
    return published > 0 && move(ctx, author, published) < 0 ? -2 : 0;
}

static urne_forum_tally *find(struct urne_app_forums *f, int64_t forum) {
    for (size_t i = 0; i < f->ntallies; i++)
        if (f->tallies[i].forum == forum) return &f->tallies[i];
    return NULL;
}

static void drop(struct urne_app_forums *f, urne_forum_tally *t) {
    free(t->slots);
    *t = f->tallies[--f->ntallies];
}

int urne_app_forum_tally(urne_app *app, int64_t forum, int64_t *messages, int64_t *participants) {
    struct urne_app_forums *f = app->forums;
    urne_forum_tally *t = find(f, forum);
    if (t == NULL) {
        urne_forum_tally *grown = urne_mem_room(f->tallies, f->ntallies, &f->captallies, sizeof *grown, 8);
        if (grown == NULL) return -2;
        f->tallies = grown;
        t = &f->tallies[f->ntallies++];
        *t = (urne_forum_tally){.forum = forum, .read_ns = monotonic_ns()};
        int rc = urne_store_forum_authors(app->store, forum, add_author, t);
        if (rc != 0) {
            drop(f, t);
            return rc == -2 ? -2 : -1;
        }
    }
    *messages = t->messages;
    *participants = t->participants;
    return 0;
}

void urne_app_forum_tally_move(urne_app *app, int64_t forum, const char *author_key, int delta) {
    urne_forum_tally *t = find(app->forums, forum);
    unsigned char author[16];
    author_digest(author_key, author);
    if (t && move(t, author, delta) < 0) drop(app->forums, t);
}

int urne_app_forum_tally_announce(urne_app *app, int64_t forum, const char *author_key, int delta) {
    unsigned char author[16];
    char hex[33], object[96];
    author_digest(author_key, author);
    sodium_bin2hex(hex, sizeof hex, author, sizeof author);
    snprintf(object, sizeof object, "forum/%lld/tally/%c%s", (long long)forum, delta > 0 ? '+' : '-', hex);
    return urne_store_announce(app->store, "forum.tally", object);
}

int urne_app_forum_tally_heard(urne_app *app, const char *object) {
    char *end;
    if (strncmp(object, "forum/", 6) != 0) return 0;
    long long forum = strtoll(object + 6, &end, 10);
    unsigned char author[16];
    size_t len;
    if (strncmp(end, "/tally/", 7) != 0 || (end[7] != '+' && end[7] != '-') ||
        sodium_hex2bin(author, sizeof author, end + 8, strlen(end + 8), NULL, &len, NULL) != 0 || len != 16)
        return 0;
    urne_forum_tally *t = find(app->forums, forum);
    if (t == NULL) return 1; /* read from the store when next shown */
    if (monotonic_ns() - t->read_ns < TALLY_FRESH_NS || move(t, author, end[7] == '+' ? 1 : -1) < 0)
        drop(app->forums, t);
    return 1;
}

void urne_app_forum_tally_forget(urne_app *app) {
    struct urne_app_forums *f = app->forums;
    if (f == NULL) return;
    while (f->ntallies) drop(f, &f->tallies[0]);
}

void urne_app_forum_tally_free(struct urne_app_forums *f) {
    while (f->ntallies) drop(f, &f->tallies[0]);
    free(f->tallies);
    f->tallies = NULL;
    f->captallies = 0;
}
