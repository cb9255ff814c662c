/*
 * html: the page writer, where escaping is the default.
 *
 * Every page is built into a urne_buf through these three functions and no
 * other. urne_html() is printf whose every string argument (%s) is escaped for
 * HTML text and attribute values: a name, a title, a level, a reason typed by a
 * user can only ever reach a page as text. The format itself is markup, and it is
 * a string literal in the code (the compiler checks that with -Wformat-nonliteral
 * style warnings and -Wformat-security). Markup that is not a literal (a fragment
 * another function built with urne_html) is inserted with urne_html_trusted(),
 * whose name says at the call site that the code vouches for it.
 *
 * Files that write pages include this header after web.h; it poisons the raw
 * urne_buf appenders for them, so that a forgotten escape is a compile error, not
 * a stored XSS found on election night.
 */
#ifndef URNE_HTML_H
#define URNE_HTML_H

#include <stdarg.h>

#include "../core/urne_buf.h"

/* Append fmt to b, printf-style, with every %s argument HTML-escaped (& < > " ').
 * Supported conversions: %s and %.*s (escaped), %d %i %u %x %c with the length
 * modifiers hh h l ll z j t, %f %g %e with a width and precision, and %%. A NULL
 * string is written as nothing. Any other conversion is a programming error:
 * asserted in debug builds, written as "?" otherwise. */
void urne_html(urne_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void urne_html_v(urne_buf *b, const char *fmt, va_list ap);

/* Append s as text: escaped, exactly as urne_html(b, "%s", s). */
void urne_html_text(urne_buf *b, const char *s);

/* Append markup the code vouches for: a literal, or a fragment built with
 * urne_html. Never a string that came from a request, a file or the store. */
void urne_html_trusted(urne_buf *b, const char *markup);

/* Append s percent-encoded for a URL query value (safe in an attribute). */
void urne_html_url(urne_buf *b, const char *s);

#ifdef URNE_HTML_POISON
#pragma GCC poison urne_buf_printf urne_buf_puts urne_buf_put urne_buf_html urne_buf_url
#endif

#endif
