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
#include <stdint.h>

#include "urne_arena.h"
#include "urne_diag.h"

typedef enum { URNE_ENC_AUTO, URNE_ENC_UTF8, URNE_ENC_LATIN1 } urne_encoding;

/* Parse "auto", "utf8"/"utf-8", "latin1"/"latin-1"/"iso-8859-1"; -1 if unknown. */
int urne_text_encoding_parse(const char *name, urne_encoding *out);

/* Decide the encoding of buf[0..len) without converting it. A UTF-8 byte-order mark
 * is skipped: *skip receives its length (0 or 3). *used receives UTF-8 or latin-1.
 * Rules: a NUL byte is an error (not a text file); with URNE_ENC_UTF8, any invalid
 * sequence is an error naming its line; with AUTO, valid UTF-8 is UTF-8, a file with
 * no valid multi-byte sequence is latin-1, and a file mixing valid UTF-8 with bytes
 * that are not is an error (two encodings in one file: a corrupt export).
 * Returns 0, or -1 after adding an error to `diags`. */
int urne_text_detect(const char *buf, size_t len, urne_encoding requested, size_t *skip, urne_encoding *used,
                     urne_diags *diags);

/* urne_text_detect in steps, for callers that look at a big text in parts (one per
 * thread, cut at newlines) and decide on the whole:
 *   urne_text_bom       the length of a UTF-8 byte-order mark at buf (0 or 3); when
 *                       there is one, an AUTO *requested becomes UTF-8;
 *   urne_text_survey_part  what one part (after the mark) holds: its first NUL byte
 *                       (with the LF bytes before it, all of them when none: readers
 *                       of the same parts need not count lines again), and unless
 *                       utf8 is 0, its first byte that starts no valid UTF-8
 *                       sequence and how many valid multi-byte ones precede it;
 *   urne_text_survey_join  fold the survey of the part at `offset` into the survey of
 *                       everything before it (parts joined in order);
 *   urne_text_decide    the rules of urne_text_detect applied to the whole survey
 *                       (offsets from buf, the text after the mark). */
typedef struct urne_text_survey {
    size_t nul;       /* offset of the first NUL byte, SIZE_MAX when none */
    size_t bad;       /* offset of the first byte that is not UTF-8, SIZE_MAX when none */
    size_t multibyte; /* valid multi-byte sequences before `bad` */
    size_t lines;     /* LF bytes before `nul` (in the whole part when none) */
} urne_text_survey;

size_t urne_text_bom(const char *buf, size_t len, urne_encoding *requested);
void urne_text_survey_part(const char *buf, size_t len, int utf8, urne_text_survey *out);
void urne_text_survey_join(urne_text_survey *acc, const urne_text_survey *next, size_t offset);
int urne_text_decide(const char *buf, size_t len, urne_encoding requested, const urne_text_survey *survey,
                     urne_encoding *used, urne_diags *diags);

/* Text saved as UTF-16 with its byte-order mark (FF FE little-endian, FE FF
 * big-endian: what Excel writes as "Texte Unicode"), converted to UTF-8 into a
 * malloc'ed, NUL-terminated *out of *out_len bytes (free it): returns 1. Returns 0,
 * allocating nothing, when buf starts with no such mark, and -1 after adding an error
 * naming the line to diags when it is not valid UTF-16 (a surrogate left unpaired, an
 * odd number of bytes: a file cut short) or memory runs out. */
int urne_text_utf16_to_utf8(const char *buf, size_t len, char **out, size_t *out_len, urne_diags *diags);

/* urne_text_detect, then the whole text as UTF-8 in *text / *text_len: buf itself
 * when it already is, else a converted copy allocated in `arena`. 0 or -1. */
int urne_text_decode(const char *buf, size_t len, urne_encoding requested, urne_arena *arena,
                     const char **text, size_t *text_len, urne_encoding *used, urne_diags *diags);

/* The code point of the strict UTF-8 sequence at s (n bytes available) in *cp,
 * and its length (1 to 4); 0 when s starts no valid sequence: a continuation byte,
 * an overlong form, a surrogate, beyond U+10FFFF, or cut short. For the checks of
 * what people type (a notice, a forum message), one decoder for all of them. */
size_t urne_text_utf8_char(const char *s, size_t n, unsigned *cp);
/* 1 for a control character: C0 (U+0000..U+001F), DEL and C1 (U+007F..U+009F). */
int urne_text_is_control(unsigned cp);

/* A slice of the decoded text. `quoted` tells that the field was in double quotes
 * (its doubled quotes still need unescaping: see urne_span_dup). */
typedef struct urne_span {
    const char *p;
    size_t len;
    int quoted;
} urne_span;

/* Iterates lines, accepting LF and CRLF and a last line without newline. Lines of a
 * latin-1 text are handed out converted to UTF-8, one at a time, in a buffer the
 * iterator reuses: a line's spans are valid until the next call, and parsers copy
 * (intern) what they keep. Converting line by line, rather than the whole file,
 * keeps a 35 MB national file from costing another 36 MB of memory. */
typedef struct urne_lines {
    const char *text;
    size_t len;
    size_t pos;
    long lineno;        /* number of the line last returned, 1-based */
    int latin1;         /* convert each line from latin-1 */
    char *scratch;      /* the converted line, owned */
    size_t scratch_cap;
    char *owned;        /* the text itself when the iterator owns it (a file converted
                           from UTF-16): freed by urne_lines_free, else NULL */
} urne_lines;

/* Iterate a UTF-8 text. */
void urne_lines_init(urne_lines *it, const char *text, size_t len);

/* Iterate a text in `encoding` (URNE_ENC_UTF8 or URNE_ENC_LATIN1). */
void urne_lines_init_encoded(urne_lines *it, const char *text, size_t len, urne_encoding encoding);

/* Store the next line (UTF-8, without its terminator) in *line; 0 at end of text,
 * or when memory runs out converting it (then it->lineno is -1). */
int urne_lines_next(urne_lines *it, urne_span *line);

/* Start again from the first line (for parsers that read a file twice). */
void urne_lines_rewind(urne_lines *it);

/* Release the conversion buffer (and the text, when owned). */
void urne_lines_free(urne_lines *it);

/* Split `line` on `sep`, honouring double quotes around a field. Fills at most `max`
 * spans and returns the number of fields the line really has (possibly > max), or
 * -1 when a quote is left open (a truncated line). Leading/trailing blanks of an
 * unquoted field are trimmed. */
long urne_fields_split(urne_span line, char sep, urne_span *fields, size_t max);

/* What urne_text_scan_line found about one line. */
typedef struct urne_scanned_line {
    size_t len;    /* bytes of the line, without its LF or CRLF */
    size_t next;   /* offset of the next line (the whole text when this one is the last) */
    size_t nsep;   /* separators on the line: it has nsep + 1 fields */
    int quoted;    /* a double quote is on the line: the separators may be inside a field */
} urne_scanned_line;

/* Read one line of text[0..avail) in a single pass: where it ends and where its
 * separators are. Stores at most `max` separator offsets (from the line's start) in
 * pos, fills *out and returns out->nsep. When out->quoted, the offsets are raw bytes,
 * not fields: split such a line with urne_fields_split. For parsers that read the
 * wide rows of a national file without splitting every field. */
size_t urne_text_scan_line(const char *text, size_t avail, char sep, uint32_t *pos, size_t max,
                           urne_scanned_line *out);

/* Positions of the separators of a line that has no double quote (the caller checks):
 * stores at most `max` offsets in pos and returns how many separators the line has
 * (so it has that many plus one fields). */
size_t urne_text_separators(urne_span line, char sep, uint32_t *pos, size_t max);

/* Field `i` of a line whose separators are pos[0..nsep), trimmed of blanks
 * (inline: the hot loop of a national file calls it 35 times a row). */
static inline urne_span urne_text_field_at(urne_span line, const uint32_t *pos, size_t nsep, size_t i) {
    size_t start = i == 0 ? 0 : pos[i - 1] + 1;
    size_t end = i < nsep ? pos[i] : line.len;
    urne_span f = {line.p + start, end - start, 0};
    while (f.len && (f.p[0] == ' ' || f.p[0] == '\t')) f.p++, f.len--;
    while (f.len && (f.p[f.len - 1] == ' ' || f.p[f.len - 1] == '\t')) f.len--;
    return f;
}

/* Write span s, in encoding `enc`, as UTF-8 into out (NUL-terminated, cut at a
 * character boundary if it does not fit). Returns the length written. For parsers
 * that read a latin-1 file raw and convert only the strings they keep. */
size_t urne_text_to_utf8(urne_span s, urne_encoding enc, char *out, size_t size);

/* The plural of a level's name, for sentences: bureau -> bureaux, section -> sections,
 * commune -> communes (the level names urne and its users give are French or English). */
void urne_text_plural(const char *word, char *out, size_t size);

/* Copy the len bytes of text into out (size > 0 bytes), NUL-terminated. Text that
 * does not fit is cut at a UTF-8 character boundary and ends with "…", so a reader
 * sees that it goes on (when not even the mark fits, out is ""). Returns 1 when
 * the text was cut. */
int urne_text_fit(const char *text, size_t len, char *out, size_t size);

/* The span without what a spreadsheet pads a short row with: trailing blanks, and
 * the ';', ',' and tabs of the empty cells after it ("# levels: commune, bureau;;;"
 * as Excel saves a line of one cell in a table of many). */
urne_span urne_span_trim_padding(urne_span s);

/* True when the line holds nothing but blanks and `sep`: a row of empty cells, as
 * spreadsheets save an empty row of a table. */
int urne_span_only_separators(urne_span s, char sep);

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
