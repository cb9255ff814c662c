/*
 * store_mail: the rows of e-mail confirmation (issue 18's lighter petitions;
 * app/initiative_mail.c has the use cases) and the durable outbox of mails.
 *
 * A pending signature is a signer who asked to sign an initiative confirmed by
 * e-mail and has not yet followed the link mailed to them. Like a signature, it
 * holds no identity in clear: the address as a keyed hash (email_hash, the
 * deduplication key its signature will have: one row per initiative and
 * address), the identity and the address sealed to the authority, the link's
 * token as its SHA-256 only. It is pending, then confirmed (its signature's id
 * kept), or it expires (expires_at passed: nothing counted, a new request
 * starts again).
 *
 * The outbox is the one place where an address and a link are kept in clear,
 * for the time the mail needs to leave: a mail waits (state "waiting", next_at
 * the moment of its next try), is sent, fails for good after its tries, or is
 * dropped (its link replaced by a newer one, or past expires_at); in each of
 * those three its recipient, subject and body are emptied by the same
 * statement, and what stays is what an administrator sees (object, tries, the
 * last error, the times). A mail withheld (composed for a request that the
 * rules answer without mailing) is added dropped, its texts empty, so that
 * every request for a link writes the same rows (app/initiative_mail.c says
 * why). Several servers on one database share it: a mail is
 * claimed by moving its next_at from the value read (urne_store_mail_claim), so
 * that one server sends it. Part of the store's interface (store.h); every
 * query is shared by both backends (store_mail.c), run through the backends'
 * generic statements (store_backend.h's urne_store_match_ops).
 */
#ifndef URNE_STORE_MAIL_H
#define URNE_STORE_MAIL_H

#include <stdint.h>

#include "store_initiatives.h"

typedef struct urne_store urne_store;

typedef struct urne_initiative_pending {
    int64_t id;
    int64_t initiative;
    char email_hash[URNE_STORE_INITIATIVE_HASH]; /* keyed hash of "email|ADDRESS", the signature's dedup */
    char token_hash[URNE_STORE_INITIATIVE_HASH]; /* SHA-256 of the link's token, hex */
    char territory[64];                          /* the commune, normalised */
    char sealed[URNE_STORE_INITIATIVE_SEALED];   /* identity and address, sealed to the authority */
    char marks[128];
    char state[16];         /* "pending", "confirmed" */
    int64_t requested_at;   /* UTC seconds of the last mail asked for */
    int64_t expires_at;     /* UTC seconds: the link is dead from then on */
    int64_t signature;      /* confirmed: the signature's id (0 when not known: it was signed before) */
} urne_initiative_pending;

/* Initiative `initiative`'s pending row of that email_hash (or token_hash) into
 * *out: 1, 0 none, -1. */
int urne_store_pending_by_email(urne_store *s, int64_t initiative, const char *email_hash,
                                urne_initiative_pending *out);
int urne_store_pending_by_token(urne_store *s, int64_t initiative, const char *token_hash,
                                urne_initiative_pending *out);
/* Add p (inside a transaction; p->id ignored): its id, 0 when the initiative has
 * a row of that email_hash already (nothing written), -1. */
int64_t urne_store_pending_put(urne_store *s, const urne_initiative_pending *p);
/* Row p->id made pending again with p's token, territory, sealed, marks and
 * times, unless it is confirmed (inside a transaction): 1, 0 (nothing written), -1. */
int urne_store_pending_renew(urne_store *s, const urne_initiative_pending *p);
/* Row p->id (p as it was read) written again, every column with the value it
 * has, unless it changed since (another request renewed or confirmed it)
 * (inside a transaction): what a request that mails nothing writes, so that it
 * writes what one that mails does (app/initiative_mail.c): 1, 0 (nothing
 * written), -1. */
int urne_store_pending_rewrite(urne_store *s, const urne_initiative_pending *p);
/* Row `id` confirmed with its signature's id, when still pending: 1, 0, -1. */
int urne_store_pending_confirm(urne_store *s, int64_t id, int64_t signature);
/* The pending rows whose link expired before `now` removed (their sealed
 * identity and address's hash with them: nothing was counted), and the mails
 * that ended (sent, dropped or failed: a failed one listed for the
 * administrators until then) before `before` (ISO UTC): the rows removed, or -1. */
int64_t urne_store_mail_purge(urne_store *s, int64_t now, const char *before);

#define URNE_STORE_MAIL_SUBJECT 256
#define URNE_STORE_MAIL_BODY 4096
#define URNE_STORE_MAIL_ERROR 512

typedef struct urne_mail_row {
    int64_t id;
    char object[96];     /* what it is about: "initiative/3/pending/12" */
    char recipient[256]; /* the address; "" once it left or was given up */
    char subject[URNE_STORE_MAIL_SUBJECT];
    char body[URNE_STORE_MAIL_BODY]; /* plain text, UTF-8, lines ended by \n */
    char state[16];      /* "waiting", "sent", "failed", "dropped" */
    int64_t tries;
    int64_t next_at;     /* UTC seconds of the next try (waiting) */
    int64_t expires_at;  /* UTC seconds after which it is not worth sending; 0 never */
    char created_at[24];
    char done_at[24];    /* sent, failed or dropped at; "" while waiting */
    char error[URNE_STORE_MAIL_ERROR]; /* the last try's failure, "" none */
} urne_mail_row;

/* Add a mail (inside a transaction or not) from m's object, recipient, subject,
 * body, next_at, expires_at and created_at, waiting with 0 tries: its id, or -1. */
int64_t urne_store_mail_put(urne_store *s, const urne_mail_row *m);
/* The mail m, composed for a request that mails nothing (its address signed,
 * or a link was mailed lately), recorded withheld: added "dropped" at once
 * (done_at = created_at, error "withheld"), without its recipient, subject and
 * body, as a replaced mail ends, its object m's followed by "/withheld" (the
 * drop of a row's mails, which reads them by object, never reads these: as
 * many as the requests, their number would make it slower): its id, or -1. */
int64_t urne_store_mail_withheld(urne_store *s, const urne_mail_row *m);
/* The waiting mails about `object` made before `before` (ISO UTC) dropped at
 * `at`, their texts emptied (a newer link replaces theirs: a new link's
 * request passes the second after its own, every mail made until then; one
 * that mails nothing, the time the live link was mailed, whose mail stays):
 * the count, or -1. */
int64_t urne_store_mail_drop(urne_store *s, const char *object, const char *before, const char *at);
/* The waiting mails whose link is dead at `now` (expires_at <= now) ended in
 * one statement, their texts emptied: those never tried "dropped" with the
 * error "expired", those tried (the relay kept failing) "failed" with their
 * last error, for the administrators to see: the count, or -1. */
int64_t urne_store_mail_drop_expired(urne_store *s, int64_t now, const char *at);
/* The waiting mail due first at `now` (next_at <= now) into *out: 1, 0, -1. */
int urne_store_mail_due(urne_store *s, int64_t now, urne_mail_row *out);
/* Claim mail `id` read with next_at `seen` by moving its next_at to `until`: 1
 * when this call did (the mail is this caller's to try until then), 0 when
 * another did first or it is no longer waiting, -1. */
int urne_store_mail_claim(urne_store *s, int64_t id, int64_t seen, int64_t until);
/* Mail `id`'s try recorded: state "waiting" (tries, next_at, error kept for the
 * next try) or "sent", "failed", "dropped" (done_at = at, texts emptied): 1, 0
 * (no such mail waiting), -1. */
int urne_store_mail_done(urne_store *s, int64_t id, const char *state, int64_t tries, int64_t next_at,
                         const char *at, const char *error);
/* The mails not sent (waiting or failed), newest first, at most `limit`, each
 * without its recipient, subject and body, to fn: fn's non-zero answer stops
 * and is answered; -1. */
int urne_store_mail_each_unsent(urne_store *s, int64_t limit, int (*fn)(const urne_mail_row *m, void *ctx),
                                void *ctx);

#endif
