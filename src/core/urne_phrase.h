/*
 * urne_phrase: a message as a code with parameters, worded later by an adapter.
 *
 * Engines and parsers must not know which language their reader speaks, yet what
 * they say ("voters (95) exceed registered voters (90)", "No absolute majority...") has to
 * reach a French page in French. A phrase keeps the two halves apart: `fmt` is the
 * message's code, a printf format written in English that is also the msgid of
 * the gettext catalogue (po/fr.po); the arguments are rendered to text once, when
 * the engine speaks, and kept beside it. An adapter then writes the phrase with
 * the wording of its language: the catalogue's translation of fmt, whose
 * conversions take the same arguments, in the same order or named by position
 * ("%2$s", as gettext translators write when their language needs another order;
 * msgfmt --check-format holds the translations to that).
 *
 * Each argument remembers whether it was a whole number, so that the adapter can
 * group its digits the way its readers do ("1 155 604" in French, "1,155,604" in
 * English), and a string argument that is a decimal number ("26.58", as the
 * engines write percentages) takes the reader's decimal separator; one that is a
 * whole number already grouped the English way ("1,155,604", urne_num_group) is
 * grouped again the reader's way.
 *
 * Plain data, fixed size, no allocation: a phrase can be copied with `=`.
 */
#ifndef URNE_PHRASE_H
#define URNE_PHRASE_H

#include <stdarg.h>
#include <stddef.h>

#define URNE_PHRASE_MAX_ARGS 12
#define URNE_PHRASE_ARG_BYTES 320

typedef struct urne_phrase {
    const char *fmt;                     /* the code and English wording: a string literal, never freed */
    unsigned char nargs;
    char kinds[URNE_PHRASE_MAX_ARGS];    /* 'i' a whole number, 's' anything else */
    unsigned short at[URNE_PHRASE_MAX_ARGS]; /* each argument's offset in text */
    char text[URNE_PHRASE_ARG_BYTES];    /* the arguments, NUL-terminated one after another */
} urne_phrase;

/* The reader's conventions for numbers in a worded phrase. NULL members keep the
 * engine's own writing (plain digits, '.' as decimal point). */
typedef struct urne_phrase_style {
    const char *thousands;  /* between groups of three digits, e.g. "\u202f" or "," */
    const char *decimal;    /* in place of '.', e.g. "," */
} urne_phrase_style;

/* Set *p from fmt (a string literal that outlives p) and its arguments. Supported
 * conversions: %s %.*s %c %d %i %u %x with the length modifiers hh h l ll z j t,
 * %f %g %e, flags, width and precision (also as *), and %%. An argument longer
 * than the room left is cut at a character boundary and ends with "..."; this is
 * the only loss, and only in what is shown, never in a figure. */
void urne_phrase_set(urne_phrase *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void urne_phrase_vset(urne_phrase *p, const char *fmt, va_list ap);

/* *dst = p with its argument i replaced by text (kept as p kept it: cut to the room
 * left), for an adapter that words an argument the engine gave as a code (a
 * level's name). dst may be p. */
void urne_phrase_replace(const urne_phrase *p, size_t i, const char *text, urne_phrase *dst);

/* Write p into buf (always NUL-terminated when size > 0) using `wording`, a
 * format with the same conversions as p->fmt in the same order (NULL: p->fmt),
 * each conversion replaced by the argument's text, with `style` applied to
 * numbers (NULL: none). A wording with more conversions than p has arguments
 * writes the extra ones as nothing. Returns the length the whole text needs, as
 * snprintf does. */
size_t urne_phrase_write(const urne_phrase *p, const char *wording, const urne_phrase_style *style, char *buf,
                         size_t size);

#endif
