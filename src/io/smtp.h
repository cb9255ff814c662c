/*
 * smtp: one plain-text mail handed to an SMTP relay, through libcurl.
 *
 * Why libcurl rather than SMTP written here: the dialogue's corner cases
 * (multi-line replies, dot-stuffing, STARTTLS, AUTH, timeouts) are libcurl's
 * long-tested code; urne writes only the message (headers and a base64 body,
 * so that any 8-bit text passes any relay). libcurl is opened when the first
 * sender starts (dlopen, as libmicrohttpd and libpq are), so that the commands
 * that send no mail do not load it and its TLS libraries.
 *
 * The relay is an URL: smtp://host:port (smtps:// for TLS from the start; a
 * user and password in it, smtp://user:pass@host:587, log in).
 */
#ifndef URNE_IO_SMTP_H
#define URNE_IO_SMTP_H

#include <stddef.h>

typedef struct urne_smtp urne_smtp;

/* A sender to the relay `url`, from `from` (an address): NULL with the reason
 * in why (libcurl missing, memory). */
urne_smtp *urne_smtp_open(const char *url, const char *from, char *why, size_t size);
void urne_smtp_close(urne_smtp *s);

/* What a try came to: the relay took the mail; a failure worth another try
 * later (the relay out of reach, a timeout, a 4xx reply: "try again later" in
 * SMTP's words, its login refused, or any other refusal of the relay's own:
 * its configuration, mended by its administrator, not the mail's); a failure
 * no other try will mend (the recipient refused for good: see
 * urne_smtp_judge_reply). */
typedef enum urne_smtp_result { URNE_SMTP_SENT = 0, URNE_SMTP_TRANSIENT = 1, URNE_SMTP_PERMANENT = 2 } urne_smtp_result;

/* Send one mail to `to` (an address checked by initiative/email.h: no line
 * break) with its subject and plain-text UTF-8 body. URNE_SMTP_SENT once the
 * relay has accepted it; else which failure, with the reason in why (the
 * relay's reply code first when there is one: "550: ..."). Out of memory is
 * transient. */
urne_smtp_result urne_smtp_send(urne_smtp *s, const char *to, const char *subject, const char *body, char *why, size_t size);

/* How a relay's reply judges a failed mail: `stage` the command it answered
 * ("RCPT" for the recipient, anything else otherwise), `code` the reply's code,
 * `reply` its line ("550 5.1.1 No such user": the enhanced status code read when
 * there is one, RFC 3463). PERMANENT only for the recipient refused for good: a
 * 5xx to RCPT whose enhanced code is 5.1.x (a bad address) or 5.2.x (a mailbox
 * that takes none), or, without one, 550, 551 or 553. Everything else is
 * TRANSIENT, tried again until the link expires: 4xx; the relay refusing to
 * relay, to authenticate, the sender or the message (530, 5.7.x, a 5xx to MAIL
 * or DATA), which its administrator mends. Pure. */
urne_smtp_result urne_smtp_judge_reply(const char *stage, long code, const char *reply);

/* The message as sent (headers and base64 body, CRLF lines), malloc'ed; NULL
 * when memory lacks. `date` the Date header's value, `id` the Message-ID's
 * left part. For the tests and urne_smtp_send. */
char *urne_smtp_message(const char *from, const char *to, const char *subject, const char *body, const char *date,
                        const char *id);

#endif
