/*
 * download: naming what the server sends as a file, so that a browser saves it under
 * a name a person recognises and every system accepts.
 */
#ifndef URNE_WEB_DOWNLOAD_H
#define URNE_WEB_DOWNLOAD_H

#include <stddef.h>

#include "../core/urne_buf.h"

/* An ASCII slug of a UTF-8 text, into out (size > 0 bytes): letters folded to ASCII
 * (é -> e, œ -> oe, ß -> ss), lowercase, digits kept, every other run of characters a
 * single '-', none at either end; at most 80 bytes, cut at a '-' when it can be.
 * Returns its length (0 when nothing of the text is a letter or a digit). */
size_t urne_download_slug(const char *text, char *out, size_t size);

/* The value of a Content-Disposition header that makes the response a download of
 * `name` + `ext` (ext like ".csv"): attachment; filename="SLUG.csv" for every client
 * (ASCII, no quote or backslash: nothing to escape), then, per RFC 6266 and RFC 5987,
 * filename*=UTF-8''NAME.csv with the name as written (control characters and marks
 * of direction left out, '/' and '\' written '-', at most 120 bytes of it, cut at a character), percent-encoded.
 * `fallback` names the file when the name has no letter or digit. Into out (size
 * bytes; 600 hold any name). */
void urne_download_disposition(const char *name, const char *fallback, const char *ext, char *out, size_t size);

/* One cell of a CSV file the server gives to be opened in a spreadsheet, quoted as
 * urne_buf_csv quotes it; a cell beginning with = + - @, a tab or a carriage
 * return (one a spreadsheet would read as a formula: a name "=HYPERLINK(...)"
 * typed into an imported file or a form) is written after a single quote, which
 * spreadsheets show as text (OWASP, "CSV injection"). The command line's files do
 * not go through this: they are read back (`urne match check`), and a quote added
 * there would be another identifier. Sets b->oom on failure. */
void urne_download_csv_cell(urne_buf *b, const char *s);

#endif
