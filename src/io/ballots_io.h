/*
 * ballots_io: ballot file formats for the count engine.
 *
 *   blt, hil   "ncand seats", optional withdrawn candidates (-k), one line per ballot
 *              "weight pref pref ... 0" (a=b for equal ranks), a line "0", then the
 *              candidates' names and the title in double quotes (HIL is the same, with
 *              names side by side).
 * Parsers take a file's bytes (any encoding urne_text_detect accepts) and fill
 * urne_ballots, or report every error with its line and return -1.
 */
#ifndef URNE_BALLOTS_IO_H
#define URNE_BALLOTS_IO_H

#include "../core/urne_diag.h"
#include "../core/urne_text.h"
#include "../count/ballots.h"

/* BLT or HIL. On success `out` is initialised (free with urne_ballots_free); seats is
 * the file's. Returns 0, or -1 with errors in diags (out left freed). */
int urne_io_parse_blt(const char *buf, size_t len, urne_encoding enc, urne_ballots *out, urne_diags *diags);

#endif
