/*
 * urne_buf: a growable byte buffer, for pages and JSON built piece by piece. Appends
 * never fail visibly: on out-of-memory the buffer is marked and the caller checks
 * `oom` once at the end, which keeps page code readable.
 */
#ifndef URNE_BUF_H
#define URNE_BUF_H

#include <stddef.h>

typedef struct urne_buf {
    char *data; /* NUL-terminated when len > 0 */
    size_t len, cap;
    int oom;
} urne_buf;

void urne_buf_put(urne_buf *b, const char *s, size_t n);
void urne_buf_puts(urne_buf *b, const char *s);
void urne_buf_printf(urne_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s with &, <, >, " and ' escaped for HTML text and attributes (NULL: nothing);
 * urne_buf_html_n the same for the n bytes at s. */
void urne_buf_html(urne_buf *b, const char *s);
void urne_buf_html_n(urne_buf *b, const char *s, size_t n);
/* Append s as a CSV field: in double quotes, its quotes doubled, when it holds a
 * comma, a quote or a line break; as it is otherwise. */
void urne_buf_csv(urne_buf *b, const char *s);
/* Append s as a JSON string: in double quotes, `"` and `\\` escaped, the C0
 * controls as \b \f \n \r \t or \u00XX, every other character as it is (UTF-8
 * is JSON's own), byte for byte what jansson's json_dumps writes for the same
 * string (tests/unit/test_buf_json.c checks it). 0, or -1 with nothing appended
 * when s is not strict UTF-8 (urne_text_utf8_char), which JSON cannot carry and
 * jansson refuses too. For the answers and texts written per request on hot
 * paths (a signature's answer, its sealed identity), where building a jansson
 * tree and dumping it cost more than the rest of the answer (issue 18). */
int urne_buf_json(urne_buf *b, const char *s);
/* Append s percent-encoded for a URL query value. */
void urne_buf_url(urne_buf *b, const char *s);
/* Make room for n more bytes at once (a writer that knows its size avoids the
 * copies of growing step by step); on failure the buffer is marked oom. */
void urne_buf_reserve(urne_buf *b, size_t n);
/* Take the contents (caller frees) and reset the buffer. */
char *urne_buf_take(urne_buf *b, size_t *len);
void urne_buf_free(urne_buf *b);

#endif
