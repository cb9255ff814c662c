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
 * SMTP's words, or its login refused: its configuration, not the mail's); a
 * failure no other try will mend (a 5xx reply to the mail: the address
 * refused, the message rejected). */
typedef enum urne_smtp_result { URNE_SMTP_SENT = 0, URNE_SMTP_TRANSIENT = 1, URNE_SMTP_PERMANENT = 2 } urne_smtp_result;

/* Send one mail to `to` (an address checked by initiative/email.h: no line
 * break) with its subject and plain-text UTF-8 body. URNE_SMTP_SENT once the
 * relay has accepted it; else which failure, with the reason in why (the
 * relay's reply code first when there is one: "550: ..."). Out of memory is
 * transient. */
urne_smtp_result urne_smtp_send(urne_smtp *s, const char *to, const char *subject, const char *body, char *why, size_t size);

/* The message as sent (headers and base64 body, CRLF lines), malloc'ed; NULL
 * when memory lacks. `date` the Date header's value, `id` the Message-ID's
 * left part. For the tests and urne_smtp_send. */
char *urne_smtp_message(const char *from, const char *to, const char *subject, const char *body, const char *date,
                        const char *id);

#endif
