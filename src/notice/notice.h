/*
 * notice: the example component's engine: what makes an announcement (a title
 * and a body, "Dépouillement à 20 h") acceptable.
 *
 * A notice is what an administrator publishes for everyone to read on /notices
 * and in the API. It is the smallest component urne has, kept as the example a
 * newcomer copies (docs/ARCHITECTURE.md, "Adding a component"): this engine, its
 * store functions (store/store_notices.h), its use cases (app/notice.h), its
 * routes and page (web/notice_routes.c) and its tests.
 *
 * The rules, each a code the adapters word (never a sentence here):
 *   title: 1 to URNE_NOTICE_TITLE_MAX bytes, valid UTF-8, no control character;
 *   body:  1 to URNE_NOTICE_BODY_MAX bytes, valid UTF-8, no control character
 *          but the newline ("\n"; a form's "\r\n" is made "\n" first, by
 *          urne_notice_newlines).
 * Lengths are bytes, as the store holds them, not characters. "Control" means
 * C0 (U+0000..U+001F), DEL (U+007F) and C1 (U+0080..U+009F): none can be seen,
 * and some (a carriage return, an escape) change what a reader or a terminal
 * shows. Valid UTF-8 is the strict form: no overlong encodings, no surrogates,
 * nothing above U+10FFFF.
 *
 * Pure: no I/O, no clock, no allocation, no globals.
 */
#ifndef URNE_NOTICE_H
#define URNE_NOTICE_H

#include <stddef.h>

#define URNE_NOTICE_TITLE_MAX 200
#define URNE_NOTICE_BODY_MAX 5000

/* The rules' codes (urne_notice_fault.rule). */
#define URNE_NOTICE_TITLE_LENGTH "title-length"   /* empty, or more than URNE_NOTICE_TITLE_MAX bytes */
#define URNE_NOTICE_TITLE_UTF8 "title-utf8"       /* not valid UTF-8 */
#define URNE_NOTICE_TITLE_CONTROL "title-control" /* a control character, a newline included */
#define URNE_NOTICE_BODY_LENGTH "body-length"     /* empty, or more than URNE_NOTICE_BODY_MAX bytes */
#define URNE_NOTICE_BODY_UTF8 "body-utf8"
#define URNE_NOTICE_BODY_CONTROL "body-control"   /* a control character other than "\n" */

/* Why a notice is refused: the first rule it breaks. */
typedef struct urne_notice_fault {
    const char *field; /* "title" or "body" */
    const char *rule;  /* one of the codes above */
    size_t at;         /* -LENGTH: the length in bytes; -UTF8, -CONTROL: the offending byte's offset */
    size_t limit;      /* -LENGTH: the most allowed; 0 otherwise */
} urne_notice_fault;

/* Check a notice (title and body NUL-terminated; NULL counts as empty). The title
 * is checked before the body, and within a field the length before the bytes.
 * 0 when acceptable; -1 with the first rule broken in *fault. */
int urne_notice_check(const char *title, const char *body, urne_notice_fault *fault);

/* Make every "\r\n" and lone "\r" of s a "\n", in place (a browser sends a
 * textarea's lines ended by "\r\n"). Returns s's new length. */
size_t urne_notice_newlines(char *s);

#endif
