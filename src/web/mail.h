/*
 * mail: the server's sender of the outbox's mails (app/initiative_mail.h has
 * the outbox; io/smtp.h speaks to the relay).
 *
 * One thread per server. With a relay (`urne serve --smtp URL`) it takes the
 * mails due one at a time (each claimed in the store, so that several servers
 * on one database send each once), sends it without the application's lock,
 * and records the try: sent; tried again later when the relay may mend it (out
 * of reach, a 4xx reply: waits doubling from 2 s to 10 min, until the link
 * expires, or after --smtp-tries when given); failed for good at once on a 5xx
 * reply; an end said on standard error with the relay's reason (and shown to
 * administrators on /admin/mail). It sleeps until a mail is due or a second
 * passes: a mail a request put in the outbox (or another server wrote) leaves
 * at its next look. No request wakes it: sent at once, beside the answer, the
 * mail made the answer of a request that mails slower than one that does not,
 * telling whether an address had signed (web/initiative_mail.c). Hourly, with
 * a relay or without, it removes the requests whose link expired and the
 * mails that left long ago (urne_app_mail_purge): without
 * --smtp, that is all it does. Stopped before the application closes: a mail
 * being sent is finished or left waiting; nothing is lost.
 */
#ifndef URNE_WEB_MAIL_H
#define URNE_WEB_MAIL_H

#include <stddef.h>

#include "../app/app.h"
#include "../i18n/i18n.h"

typedef struct urne_mailer urne_mailer;

/* A sender for app's outbox to relay `url` from address `from`, at most `tries`
 * tries a mail when the relay stays out of reach (0: until its link expires),
 * saying its failures in `lang`; url NULL: no relay, the purge only. NULL with
 * the reason in why. */
urne_mailer *urne_mailer_start(urne_app *app, const char *url, const char *from, int tries, urne_lang lang,
                               char *why, size_t size);
/* 1 when m sends mails (it has a relay), else 0 (NULL too). */
int urne_mailer_sends(const urne_mailer *m);
/* The thread stopped (after the try in hand) and everything freed. NULL: nothing. */
void urne_mailer_stop(urne_mailer *m);

/* What `urne serve` sets up for mail (server.c): srv's public URL from
 * opt->public_url (http:// or https://, no '/' at its end) or the listening
 * address, and the sender when opt->smtp is given; without it, mails wait in the
 * outbox, which a line on standard error says when some do. 0, or -1 said on
 * standard error. */
struct urne_server;
struct urne_serve_options;
int urne_serve_mail_open(struct urne_server *srv, const struct urne_serve_options *opt);

#endif
