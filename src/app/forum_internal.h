/*
 * forum_internal: what the forum's use cases share between forum.c (forums,
 * spaces, moderation, the queue, the reads) and forum_post.c (posting, its spam
 * signals, the counts held for the rates and the duplicates). Not for adapters:
 * they read forum.h.
 */
#ifndef URNE_APP_FORUM_INTERNAL_H
#define URNE_APP_FORUM_INTERNAL_H

#include <jansson.h>

#include "../core/urne_time.h"
#include "forum.h"

/* The counts of the current hour: contributions per address or author key
 * ("a:ADDRESS", "u:AUTHOR"), and the recent messages' digests per forum.
 * Open addressing over fixed slots; a slot of another hour is free. */
#define URNE_FORUM_RATE_SLOTS 4096
#define URNE_FORUM_RECENT 1024
#define URNE_FORUM_STAMPS_USED 4096

typedef struct urne_forum_rate {
    char key[320]; /* "" a free slot */
    int64_t hour;
    int64_t count;
} urne_forum_rate;

typedef struct urne_forum_recent {
    int64_t forum;
    int64_t at;
    unsigned char digest[16]; /* BLAKE2b of the message with its blanks folded */
} urne_forum_recent;

typedef struct urne_forum_tally urne_forum_tally; /* forum_tally.c */

struct urne_app_forums {
    int64_t (*now)(void);        /* NULL: time(NULL) */
    unsigned char form_key[32];  /* signs the forms' moments; drawn at open */
    urne_forum_rate *rates;      /* URNE_FORUM_RATE_SLOTS */
    urne_forum_recent *recent;   /* URNE_FORUM_RECENT, a ring */
    size_t next_recent;
    unsigned char (*stamps_used)[16]; /* URNE_FORUM_STAMPS_USED digests of the stamps posted with, a ring */
    size_t next_stamp;
    urne_forum_tally *tallies;   /* the forums' counts read so far (forum_tally.c) */
    size_t ntallies, captallies;
};

/* The network an address stands for, in bans and in the rate per address: an
 * IPv4 address itself (an IPv4-mapped IPv6 address as IPv4); an IPv6 address its
 * /64 ("2001:db8:1:2::/64"), the block one subscriber is given, so that a ban or
 * a rate is not evaded by moving within it; anything else as given. */
#define URNE_FORUM_NETWORK_MAX 64
void urne_app_forum_network(const char *address, char out[URNE_FORUM_NETWORK_MAX]);

/* A change heard from another server: 1 when `object` announced a post sent
 * there ("forum/N/posted/..."), counted in this server's rates of the hour and
 * recent texts; 0 when it is not one. Under the lock. */
int urne_app_forum_post_heard(urne_app *app, const char *object);

/* ---- the counts of published messages and participants (forum_tally.c) ---- */

/* Forum `forum`'s counts, read from the store the first time: 0, -1 (the store's
 * error set) or -2 (out of memory). Under the lock. */
int urne_app_forum_tally(urne_app *app, int64_t forum, int64_t *messages, int64_t *participants);
/* Inside the transaction that publishes (+1) or withdraws (-1) a post of
 * author_key: the move announced to the other servers. 0 or -1 (the store's). */
int urne_app_forum_tally_announce(urne_app *app, int64_t forum, const char *author_key, int delta);
/* After that transaction's commit: the move applied here. Under the lock. */
void urne_app_forum_tally_move(urne_app *app, int64_t forum, const char *author_key, int delta);
/* A change heard from another server: 1 when `object` announced a move (applied,
 * or the tally dropped to be read again), 0 when it is no tally's. Under the lock. */
int urne_app_forum_tally_heard(urne_app *app, const char *object);
/* Every tally dropped, to be read again (a notification may have been missed). */
void urne_app_forum_tally_forget(urne_app *app);
void urne_app_forum_tally_free(struct urne_app_forums *f);

/* The clock's moment, UTC seconds (its ISO text: urne_time_iso). */
int64_t urne_app_forum_now(urne_app *app);

/* Forum `id` read into *row: OK, NO_FORUM, STORE. Under the lock. */
urne_app_status urne_app_forum_load(urne_app *app, int64_t id, urne_forum_row *row, urne_app_outcome *out);

/* May actor do action on forum `forum` (0: one not made yet) attached to
 * `attached`? Its chain: "forum/<id>", attached, attached's own space, the site. */
urne_app_status urne_app_forum_may(urne_app *app, const urne_user *actor, urne_action action, int64_t forum,
                                   const char *attached, urne_app_outcome *out);

/* BAD_INPUT from the engine's fault: field, rule as why, the length or offset as
 * number, the limit as id. */
urne_app_status urne_app_forum_refuse(urne_app_outcome *out, const urne_forum_fault *f);

/* Write `after` (a JSON object, stolen) as the audit entry `action` on `object`.
 * 0 or -1 (the store's error set; NO_MEMORY said through *oom). */
int urne_app_forum_audit(urne_app *app, const char *actor, const char *action, const char *object, json_t *after,
                         int *oom);

/* What the log records of a forum, of a post after a moderator's act, of a ban. */
json_t *urne_app_forum_row_json(const urne_forum_row *f);
json_t *urne_app_post_json(const urne_post_row *p);
json_t *urne_app_ban_json(const urne_forum_ban *b);

#endif
