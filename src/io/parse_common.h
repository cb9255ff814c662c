/*
 * parse_common: small helpers every tally-sheet parser shares — reading a count
 * field with a precise error, and building unit keys. Internal to io/.
 */
#ifndef URNE_PARSE_COMMON_H
#define URNE_PARSE_COMMON_H

#include "../core/urne_text.h"
#include "../count/ballots.h"
#include "../results/results.h"

#define URNE_RULE_FIELD_COUNT "field-count"
#define URNE_RULE_COUNT_FORMAT "count-format"
#define URNE_RULE_CANDIDATE_GROUPS "candidate-groups"
#define URNE_RULE_HEADER "header"
#define URNE_RULE_EMPTY "empty-file"

/* A CSV header's separator: ';' when it has more of them than ',' (a French
 * spreadsheet's export), else ','. The header's holds for the whole file. */
char urne_parse_header_separator(urne_span header);

/* The columns of a header found by name: names is a table of ncols rows of
 * `aliases` names each (NULL ends a row early), compared with each field folded
 * (urne_text_fold_header: lower case, accents and spacing dropped); col[c] the
 * index of the first field with one of row c's names, -1 when none has. */
void urne_parse_find_columns(urne_span header, char sep, const char *const *names, size_t ncols, size_t aliases,
                             long *col);

/* At most this many fields on one line. */
#define URNE_MAX_FIELDS 1024

/* Parse a count, plain or grouped by thousands ("1 210", with a space or a no-break
 * space: urne_num_parse_grouped); on failure add an error naming `field` at `line`
 * and saying what to write instead, return -1. */
int urne_parse_count(urne_span s, long line, const char *field, int64_t *out, urne_diags *diags);

/* Parse a ballot's weight (a count of voters): a whole number from 1 to
 * URNE_BALLOTS_WEIGHT_MAX, plain or grouped by thousands. `field` is "weight" or
 * "count", as the format calls it. Returns 0 with *out set; -1 after adding an error naming
 * `field` at `line` (negative or zero: rule positive-weight; too large, even beyond
 * int64: rule count-bound); -2 when `s` is not a number at all, reported by nobody,
 * since each format says what its lines look like. With `diags` NULL nothing is
 * reported (a second pass over lines the first pass reported). */
int urne_parse_weight(urne_span s, long line, const char *field, int64_t *out, urne_diags *diags);

/* urne_ballots_add, with an error naming `field` at `line` when the ballot is
 * refused (a weight below 1, the file's total beyond URNE_BALLOTS_WEIGHT_MAX, a
 * candidate out of range); `field` is "weight", "count" or "vote". Returns 0 when added or reported, -1 when out of memory
 * (not reported: the parser's own way out says it): the parser stops only then, so
 * that every bad line is named. */
int urne_parse_add_ballot(urne_ballots *b, int64_t weight, const uint16_t *prefs, const uint8_t *tied, size_t n,
                          long line, const char *field, urne_diags *diags);

/* urne_parse_add_ballot for a strict ranking whose candidates the reader has checked
 * as it read them (urne_ballots_add_checked): each < ncand, at most once. */
int urne_parse_add_checked(urne_ballots *b, int64_t weight, const uint16_t *prefs, size_t n, long line,
                           const char *field, urne_diags *diags);

/* Join parts with '-' into buf (truncating safely); returns the length. */
size_t urne_parse_join(char *buf, size_t size, const urne_span *parts, size_t n);

/* What a tally file without any sheet is said to lack. */
typedef enum {
    URNE_PARSE_NO_SHEET,           /* "no tally sheet after the header line" */
    URNE_PARSE_NO_CIRCONSCRIPTION  /* "the file has no circonscription row" */
} urne_parse_empty;

/* The end of every tally parser: a file with no sheet is an error (said as `empty`
 * says), and so is one with more than URNE_SHEETS_MAX; a round with errors is freed.
 * Returns the round, or NULL when diags holds errors. */
urne_round *urne_parse_finish(urne_round *round, urne_diags *diags, urne_parse_empty empty);

/* The start of every ballot parser: an empty file is an error, the encoding is
 * detected (or checked), and `it` is set to iterate the lines as UTF-8. 0, or -1 with
 * the error in diags (then `it` needs no freeing). */
int urne_parse_open(const char *buf, size_t len, urne_encoding enc, urne_lines *it, urne_diags *diags);

/* What a results reader does first with a file's bytes, for the files spreadsheets
 * save: text in UTF-16 with its byte-order mark (Excel's "Texte Unicode") converted to
 * UTF-8 (then *enc is URNE_ENC_UTF8), and a table whose first row (the first line
 * neither blank nor '#') is separated by tabs rewritten with ';' (a cell holding ';'
 * put in double quotes; '#' lines keep their text, tabs turned to ';'), so that
 * every reader of ';' files reads it, line for line. The text to read is
 * *text[0..*text_len): buf itself, or *owned (malloc'ed; the caller frees it).
 * 0, or -1 with the error in diags. */
int urne_parse_prepare(const char *buf, size_t len, urne_encoding *enc, char **owned, const char **text,
                       size_t *text_len, urne_diags *diags);

/* Intern a span (NULL span pointer -> NULL). */
const char *urne_parse_intern(urne_round *round, urne_span s);

#endif
