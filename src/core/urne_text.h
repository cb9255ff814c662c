/*
 * urne_text: from the bytes of a file to lines and fields.
 *
 * Official files come in latin-1 (the Ministry's .txt) or UTF-8 (extractions),
 * with CRLF or LF, sometimes without a final newline, with or without quotes.
 * Everything inside urne is UTF-8: this module decides the encoding (or checks the
 * one the user forced), converts latin-1 once, and then hands out lines and fields
 * as spans pointing into the buffer, so parsing a 35 MB national file copies
 * nothing but the strings it keeps.
 */
#ifndef URNE_TEXT_H
#define URNE_TEXT_H

#include <stddef.h>

#include "urne_arena.h"
#include "urne_diag.h"

typedef enum { URNE_ENC_AUTO, URNE_ENC_UTF8, URNE_ENC_LATIN1 } urne_encoding;

/* Parse "auto", "utf8"/"utf-8", "latin1"/"latin-1"/"iso-8859-1"; -1 if unknown. */
int urne_text_encoding_parse(const char *name, urne_encoding *out);

/* Decide the encoding of buf[0..len) (strip a UTF-8 byte-order mark) and return a
 * UTF-8 view of it in *text / *text_len: either into buf itself or into a copy
 * allocated in `arena`. `*used` receives the encoding found.
 * Rules: a NUL byte is an error (not a text file); with URNE_ENC_UTF8, any invalid
 * sequence is an error naming its line; with AUTO, valid UTF-8 is UTF-8, a file with
 * no valid multi-byte sequence is latin-1, and a file mixing valid UTF-8 with bytes
 * that are not is an error (two encodings in one file: a corrupt export).
 * Returns 0, or -1 after adding an error to `diags`. */
int urne_text_decode(const char *buf, size_t len, urne_encoding requested, urne_arena *arena,
                     const char **text, size_t *text_len, urne_encoding *used, urne_diags *diags);

/* A slice of the decoded text. `quoted` tells that the field was in double quotes
 * (its doubled quotes still need unescaping: see urne_span_dup). */
typedef struct urne_span {
    const char *p;
    size_t len;
    int quoted;
} urne_span;

/* Iterates lines, accepting LF and CRLF and a last line without newline. */
typedef struct urne_lines {
    const char *text;
    size_t len;
    size_t pos;
    long lineno; /* number of the line last returned, 1-based */
} urne_lines;

void urne_lines_init(urne_lines *it, const char *text, size_t len);

/* Store the next line (without its terminator) in *line; 0 at end of text. */
int urne_lines_next(urne_lines *it, urne_span *line);

/* Split `line` on `sep`, honouring double quotes around a field. Fills at most `max`
 * spans and returns the number of fields the line really has (possibly > max), or
 * -1 when a quote is left open (a truncated line). Leading/trailing blanks of an
 * unquoted field are trimmed. */
long urne_fields_split(urne_span line, char sep, urne_span *fields, size_t max);

/* True when the span, trimmed, is empty. */
int urne_span_blank(urne_span s);

/* Compare a span with a NUL-terminated ASCII word, ignoring ASCII case. */
int urne_span_eq_nocase(urne_span s, const char *word);

/* Copy a span into the arena, unescaping "" inside a quoted field. NULL on exhaustion. */
char *urne_span_dup(urne_arena *arena, urne_span s);

/* Normalise a column header for matching: ASCII-lowercase, accents of latin-1
 * letters folded (é -> e), '°' and punctuation turned to spaces, runs of spaces
 * collapsed, trimmed. "N°Panneau_3" -> "n panneau 3". Writes into out (NUL-terminated). */
void urne_text_fold_header(urne_span s, char *out, size_t size);

#endif
