/*
 * markup: a forum message's text rendered to safe HTML (the forum component's
 * renderer, issue 19).
 *
 * The grammar is the one the forums of our users' own sites have always used
 * (SPIP's shortcuts), and nothing else:
 *
 *   {{bold}}            <strong>bold</strong>
 *   {italic}            <em>italic</em>
 *   [text->url]         <a href="url" rel="nofollow ugc noopener">text</a>
 *                       (url: http:, https: or mailto: only; [->url] shows the url)
 *   <quote>...</quote>  <blockquote>, around paragraphs, nestable
 *   <code>...</code>    <code>, its content shown exactly as typed
 *   <q> <del> <ins>     kept as they are (without attributes), with their closing tag
 *   a blank line        a new paragraph (<p>)
 *
 * Everything else is text: any other tag, an attribute, an entity, a marker left
 * open or closed out of turn, a link to another scheme are shown as typed, never
 * interpreted. The output is always well nested whatever the input: a closing
 * marker closes only the element opened last, and a marker that finds no partner
 * is shown as text (markup.c says how).
 *
 * Pure: a function from bytes to bytes, no I/O, no globals, so that anyone can
 * test it alone (`urne forum render` reads standard input).
 */
#ifndef URNE_FORUM_MARKUP_H
#define URNE_FORUM_MARKUP_H

#include <stddef.h>

/* What a rendering found, for the moderation queue's signals. */
typedef struct urne_forum_render_info {
    size_t links;         /* links rendered */
    size_t refused_links; /* [text->url] shown as text: a scheme other than http, https, mailto */
    size_t replaced;      /* bytes of invalid UTF-8 or control characters shown as U+FFFD */
} urne_forum_render_info;

/* Render the `len` bytes at `text` (any bytes: invalid UTF-8, NUL and control
 * characters but newline and tab are shown as U+FFFD; "\r\n" counts as "\n") to an
 * HTML fragment: a sequence of <p> and <blockquote> elements, empty for a text of
 * blanks. Returns it malloc'ed and NUL-terminated, its length in *out_len when not
 * NULL, what was found in *info when not NULL; NULL when memory ran out. */
char *urne_forum_render(const char *text, size_t len, size_t *out_len, urne_forum_render_info *info);

#endif
