/*
 * ballots_io: ballot file formats for the count engine.
 *
 *   blt, hil   "ncand seats", optional withdrawn candidates (-k), one line per ballot
 *              "weight pref pref ... 0" (a=b for equal ranks), a line "0", then the
 *              candidates' names and the title in double quotes (HIL is the same, with
 *              names side by side).
 *   soc, soi,  PrefLib (2022 format): "# ALTERNATIVE NAME i: name" header lines, then
 *   toc, toi   "count: a,b,{c,d},e" (braces: equal ranks; soc/toc complete, soi/toi not).
 *   debian     Debian's published tally sheet: "Option i--->: name" lines, then one
 *              "V: ranks hash" line per voter, the i-th character ranking option i
 *              ('-' unranked, equal digits equal ranks).
 *   text       written by hand: "12: Alice > Bruno = Chloé" a line, '# title:', '# seats:'
 *              and '# candidates: A, B, C' optional (see text_ballots.c).
 * Parsers take a file's bytes (any encoding urne_text_detect accepts) and fill
 * urne_ballots, or report every error with its line and return -1.
 */
#ifndef URNE_BALLOTS_IO_H
#define URNE_BALLOTS_IO_H

#include "../core/urne_diag.h"
#include "../core/urne_text.h"
#include "../count/ballots.h"
#include "../count/count.h"

/* BLT or HIL. On success `out` is initialised (free with urne_ballots_free); seats is
 * the file's. Returns 0, or -1 with errors in diags (out left freed). */
int urne_io_parse_blt(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags);

typedef enum {
    URNE_BFMT_AUTO,
    URNE_BFMT_BLT,
    URNE_BFMT_PREFLIB,
    URNE_BFMT_DEBIAN,
    URNE_BFMT_TEXT,
    URNE_BFMT_CSV
} urne_ballot_format;

/* "blt", "hil" -> BLT; "soc", "soi", "toc", "toi" -> PrefLib; "debian"; "text"; "auto".
 * Returns -1 for an unknown name. */
int urne_io_ballot_format_parse(const char *name, urne_ballot_format *out);

/* The format a file name's extension says (.blt, .hil, .soc, .soi, .toc, .toi), or AUTO. */
urne_ballot_format urne_io_ballot_format_from_name(const char *path);

/* Guess from the text: PrefLib's '# FILE NAME'/'# NUMBER ALTERNATIVES' header, Debian's
 * "Option"/"V:" lines, BLT's first line of two numbers, else text. */
urne_ballot_format urne_io_ballot_format_guess(const char *buf, size_t len);

/* Any of the above; fmt AUTO guesses. 0, or -1 with errors in diags. */
int urne_io_parse_ballots(const char *buf, size_t len, urne_ballot_format fmt, urne_encoding enc, urne_ballots *out,
                          urne_diags *diags);

int urne_io_parse_preflib(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags);
int urne_io_parse_debian(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags);
int urne_io_parse_text_ballots(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags);

/* CSV of approvals (a header of names, cells 1/x/yes/oui or 0/no/non/empty, optional
 * 'count' column) into ballots approving their 'yes' candidates tied first. */
int urne_io_parse_approval_csv(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags);

/* CSV of grades ('# grades: best, ..., worst', then the same layout, cells are grades,
 * empty the worst) into grade distributions for majority judgment. */
int urne_io_parse_grades_csv(const char *buf, size_t len, urne_encoding enc, urne_grades *out, urne_diags *diags);

/* ---- output ---- */

#include <stdio.h>

/* The count as text for people: the stages with every candidate's votes and state,
 * the pairwise matrix for Condorcet methods, the winners and any tie broken. 0 or -1. */
int urne_io_write_count_table(FILE *out, const urne_ballots *b, const urne_count_result *r, size_t seats);

/* The same as JSON: method, rule, title, seats, ballots, candidates, quota, winners,
 * rounds (action, note, votes, state, nontransferable), pairwise, strongest_paths,
 * condorcet_winner, smith_set, tiebreak. Votes are decimal strings at the method's
 * precision ("1381.00000"). 0 or -1. */
int urne_io_write_count_json(FILE *out, const urne_ballots *b, const urne_count_result *r, size_t seats);

#endif
