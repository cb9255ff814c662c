/*
 * initiative_roll: an electoral roll, read from a CSV file, for an initiative's
 * signatures to be matched against (issue 18).
 *
 * The file is a header naming its columns, then one elector a line, in any
 * column order, separated by ',' or ';' (the header's separator holds for the
 * file); blank lines and lines starting with '#' are ignored. The columns, by
 * their names in English or French (accents and case ignored, as
 * urne_text_fold_header folds them):
 *   name      | nom                   family name(s)              required
 *   given     | prenoms               given names, in order       required
 *   birth     | naissance             YYYY-MM-DD or DD/MM/YYYY    required
 *   commune                           the commune's code or name  required
 *   territory | territoire            what the rules count it in  (default: commune)
 *   elector   | numero               the national elector number (kept sealed only)
 * Each identity goes through urne_initiative_identity_make (names normalised,
 * birth dates checked against `now`), and every fault is an error naming the
 * line, the column and the rule (the engine's code: "birth-future",
 * "character"...), with the file named by the diagnostics' list. Nothing is
 * returned half-read: one error and the roll is empty.
 */
#ifndef URNE_INITIATIVE_ROLL_H
#define URNE_INITIATIVE_ROLL_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_diag.h"
#include "../initiative/identity.h"

#define URNE_ROLL_TERRITORY_MAX 64 /* bytes, NUL included */

typedef struct urne_roll_line {
    urne_initiative_identity id;
    char territory[URNE_ROLL_TERRITORY_MAX];
    char elector[32]; /* "" when not given */
    long line;
} urne_roll_line;

typedef struct urne_roll {
    urne_roll_line *items; /* in file order */
    size_t n;
} urne_roll;

/* Read the roll in buf[0..len) as of `now` (UTC seconds) into *out. 0, or -1 with
 * every error in d (then *out is empty). Free with urne_roll_free. */
int urne_io_parse_roll(const char *buf, size_t len, int64_t now, urne_roll *out, urne_diags *d);
void urne_roll_free(urne_roll *r);

#endif
