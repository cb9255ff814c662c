/*
 * initiative email: an e-mail address as a lighter petition's signer gives it
 * (rules.h, identity = email), checked and normalised.
 *
 * Why urne checks addresses itself rather than trusting the relay: the address
 * is the signer's identity (one signature per address), so two spellings of one
 * mailbox must give one key, and what goes into a mail's header must never hold
 * a line break (a header injected by a signer). The shape asked is the one
 * every mail service delivers to, narrower than RFC 5321 on purpose: a local
 * part of 1..64 bytes of letters, digits and !#$%&'*+-/=?^_`{|}~. (no dot
 * first, last or twice in a row: no quoted local parts), one '@', a domain of
 * 1..253 bytes made of labels of letters, digits and '-' (not first nor last),
 * at least two labels, the last not all digits (no address literals); 254
 * bytes in all. Non-ASCII addresses (SMTPUTF8) are refused with their own
 * rule, so that a signer knows why.
 *
 * Normalised: blanks around it dropped, the whole address in lower case (the
 * local part's case is the mailbox's to decide, but no provider urne's users
 * meet tells Alice@ from alice@, and one key for both is what deduplication
 * needs). Nothing more (no dots dropped, no "+tag" cut: those are other
 * addresses at most providers).
 *
 * Pure: no I/O, no allocation, no globals.
 */
#ifndef URNE_INITIATIVE_EMAIL_H
#define URNE_INITIATIVE_EMAIL_H

#include <stddef.h>

#define URNE_INITIATIVE_EMAIL_MAX 255 /* 254 bytes and the NUL */

/* The rules an address breaks (the outcome's `why`, field "email"). */
#define URNE_INITIATIVE_EMAIL_EMPTY "email-empty"
#define URNE_INITIATIVE_EMAIL_LONG "email-too-long"      /* over 254 bytes, or a local part over 64 */
#define URNE_INITIATIVE_EMAIL_AT "email-at"              /* not exactly one '@' with text on both sides */
#define URNE_INITIATIVE_EMAIL_LOCAL "email-local"        /* a character or a dot the local part may not hold */
#define URNE_INITIATIVE_EMAIL_DOMAIN "email-domain"      /* not a domain name of two labels or more */
#define URNE_INITIATIVE_EMAIL_ASCII "email-not-ascii"    /* an accented or other non-ASCII character */

/* Check `in` (NUL-terminated; NULL counts as empty) and write its normalised
 * form into out (size >= URNE_INITIATIVE_EMAIL_MAX). NULL when it is an address
 * as above (out set); else the rule it breaks (out then ""), and *at the
 * offending byte's offset in `in` when one is (0 otherwise). */
const char *urne_initiative_email_normalise(const char *in, char *out, size_t size, size_t *at);

/* The mailbox a normalised address (urne_initiative_email_normalise's) delivers
 * to, for counting one signature per mailbox: the local part cut at its first
 * '+' (a subaddress, "jean+1@example.org", reaches "jean@example.org"'s box),
 * and at gmail.com or googlemail.com, which ignore dots in the local part, the
 * dots dropped and the domain gmail.com. The mail still goes to the address as
 * typed. Into out (size >= URNE_INITIATIVE_EMAIL_MAX). */
void urne_initiative_email_mailbox(const char *normalised, char *out, size_t size);

#endif
