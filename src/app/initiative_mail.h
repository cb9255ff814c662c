/*
 * initiative_mail (app): signing a lighter petition by e-mail confirmation
 * (issue 18; rules.h's identity = email), and the outbox the mails leave by.
 *
 * A signer gives name, given names, commune (and birth date when the rules ask
 * an age) and an e-mail address. The signature is then *pending*: a row of its
 * own (store_mail.h), counted nowhere, with a link mailed to the address; when
 * the link is followed, the signature is made as any other (the same row in
 * initiative_signatures, committed before it is counted, a receipt answered
 * once), deduplicated by the keyed hash of the normalised address: one
 * signature per address, whatever names are typed. The address is never kept
 * in clear but in the outbox, until its mail leaves (store_mail.h), and sealed
 * with the identity to the authority.
 *
 * Asking again for an address whose link has not been followed sends a new
 * link (the old one dies) at most once per URNE_INITIATIVE_MAIL_RESEND seconds:
 * a robot cannot mail-bomb an address through urne. A link lives
 * URNE_INITIATIVE_MAIL_EXPIRY seconds; an expired request counts nothing and
 * a new one starts again. Following a link twice answers the second time that
 * the signature is confirmed already. Burst marks as for other signatures (the
 * address's hash counted as an identity tried).
 *
 * The mail's words are the adapter's: the use case hands `compose` what the mail
 * says (the link's token, the initiative, the names, the expiry) and stores what
 * it writes, in the signer's language, in the outbox in the same transaction as
 * the pending row: nothing is lost if the server stops before it leaves.
 */
#ifndef URNE_APP_INITIATIVE_MAIL_H
#define URNE_APP_INITIATIVE_MAIL_H

#include "../store/store_mail.h"
#include "initiative.h"

#define URNE_INITIATIVE_MAIL_EXPIRY (7 * 86400) /* seconds a link lives */
#define URNE_INITIATIVE_MAIL_RESEND (10 * 60)   /* seconds between two mails to one address */
#define URNE_INITIATIVE_TOKEN_HEX 65            /* the link's 32 random bytes in hex, NUL */

/* Why (outcome.why) of the answers below. */
#define URNE_WHY_MAIL_SENT "mail-sent"         /* OK: pending; a mail with the link is in the outbox */
#define URNE_WHY_MAIL_RECENT "mail-recent"     /* OK: pending; a mail left less than RESEND ago (number:
                                                * the seconds before another may be asked) */
#define URNE_WHY_NOT_BY_EMAIL "not-by-email"   /* STATE: this initiative is signed on the roll */
#define URNE_WHY_UNKNOWN_LINK "unknown-link"   /* BAD_INPUT field "token": no pending signature has it */
#define URNE_WHY_LINK_EXPIRED "link-expired"   /* STATE: the link's time is over; nothing counted */
#define URNE_WHY_CONFIRMED "already-confirmed" /* OK: the link was followed before; counted once */

/* What a confirmation mail says, for the adapter to word. */
typedef struct urne_initiative_mail_facts {
    int64_t initiative;
    const char *title;
    const char *token;       /* the link's token (hex), to put in the link */
    const char *name, *given, *commune; /* as the signer typed them: what the link confirms */
    int64_t expires_at;      /* UTC seconds */
    int renewal;             /* 1: a new link for a pending request, replacing the one mailed before */
} urne_initiative_mail_facts;
/* Write the mail's subject and plain-text body (UTF-8, \n ends lines) into the
 * buffers: 0, or -1 when they do not fit (nothing is then written). */
typedef int (*urne_initiative_mail_compose)(const urne_initiative_mail_facts *f, char *subject, size_t ssize,
                                            char *body, size_t bsize, void *ctx);

/* Ask to sign initiative `id` by e-mail: signer's name, given, commune (and
 * birth when the rules ask an age: otherwise not read) and `email`.
 * NO_INITIATIVE; STATE URNE_WHY_NOT_COLLECTING, URNE_WHY_WINDOW,
 * URNE_WHY_NOT_BY_EMAIL; BAD_INPUT field "email" with initiative/email.h's rule
 * (outcome.number the byte), the identity engine's refusals, URNE_WHY_UNDER_AGE;
 * TAKEN URNE_WHY_ALREADY_SIGNED (this address has signed); STORE, NO_MEMORY
 * (nothing written; the mail is composed whatever the answer: one that does not
 * fit refuses every address alike). OK with why URNE_WHY_MAIL_SENT (the pending
 * row and its mail committed) or URNE_WHY_MAIL_RECENT. Every answer costs the
 * same work: one that mails nothing (TAKEN, MAIL_RECENT) commits its pending
 * row written again unchanged and its mail recorded withheld (store_mail.h).
 * A request for an address whose pending link still lives replaces it: a new link, the names typed now (the mail names them, its facts saying
 * renewal), the link mailed before dead. Whoever knows an address may so
 * replace the names, never confirm them: the mailbox's owner confirms what the
 * mail they read names (keeping the first names instead would let whoever asked
 * first fix the names the owner then confirms unseen). Writes no audit entry (a
 * signature does not). */
urne_app_status urne_app_initiative_mail_sign(urne_app *app, const urne_user *actor, int64_t id,
                                              const urne_initiative_signer *signer, const char *email,
                                              urne_initiative_mail_compose compose, void *ctx, urne_app_outcome *out);

/* Follow the link `token` of initiative `id`: NO_INITIATIVE; BAD_INPUT field
 * "token" URNE_WHY_UNKNOWN_LINK; STATE URNE_WHY_LINK_EXPIRED,
 * URNE_WHY_NOT_COLLECTING, URNE_WHY_WINDOW; STORE, NO_MEMORY. OK as
 * urne_app_initiative_sign answers (the receipt in outcome.detail, shown once),
 * or OK with why URNE_WHY_CONFIRMED (outcome.id the signature when known,
 * detail ""): followed before. */
urne_app_status urne_app_initiative_mail_confirm(urne_app *app, const urne_user *actor, int64_t id,
                                                 const char *token, urne_app_outcome *out);

/* ---- the outbox (mail_outbox.c) ---- */

/* The next mail due at `now`, claimed for `lease` seconds (no other sender
 * takes it meanwhile), into *m: 1; 0 none due; -1 the store failed. Mails past
 * their expires_at are dropped on the way. Takes the lock. */
int urne_app_mail_next(urne_app *app, int64_t now, int64_t lease, urne_mail_row *m);
/* Mail m's try recorded at `now`: sent (error NULL); else, `permanent` (no
 * other try mends it: a 5xx reply), failed for good; else tried again after a
 * wait that doubles from 2 s to 10 min, until its link expires (the mail is
 * then dropped by urne_app_mail_next, marked failed), or failed for good at
 * its `tries`-th try when `tries` > 0 (a cap the sender may set; 0: none).
 * *final set to 1 when it failed for good. 0, or -1 the store failed. Takes
 * the lock. */
int urne_app_mail_tried(urne_app *app, const urne_mail_row *m, const char *error, int permanent, int64_t tries,
                        int64_t now, int *final);
/* The mails not sent (waiting or failed), newest first, at most 200, without
 * recipient or text, to fn, for the site's administrators (manage-users on the
 * site): LOGIN_NEEDED, FORBIDDEN, STORE; OK. */
urne_app_status urne_app_mail_unsent(urne_app *app, const urne_user *actor,
                                     int (*fn)(const urne_mail_row *m, void *ctx), void *ctx, urne_app_outcome *out);
/* The mails whose link expired at `now` ended as urne_app_mail_next ends them
 * (their address and link emptied), the pending signatures whose link expired
 * a day before `now` removed (a day:
 * a link followed late says it expired; nothing of theirs was counted; their
 * sealed identity and address's hash go with them), and the
 * mails that left (sent or dropped) over a week before: the rows removed, or -1
 * the store failed. Takes the lock. */
int64_t urne_app_mail_purge(urne_app *app, int64_t now);
/* How many mails wait: >= 0, or -1 the store failed. Takes the lock. */
int64_t urne_app_mail_waiting(urne_app *app);

#endif
