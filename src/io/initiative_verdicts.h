/*
 * initiative_verdicts: the verification authority's verdicts on a sample, read
 * back from the CSV that `urne initiative sample` wrote and the authority filled.
 *
 * The file: a first line "# sample SEQ ..." naming the log entry of the draw,
 * then a header with at least the columns signature, verdict and reason (found by
 * name, in any order; the others, such as the opened identity, are the
 * authority's to read and are not read here), then one line per signature:
 * verdict "valid" or "invalid" ("valide", "invalide" too), a reason required for
 * an invalid one. Every line or none: each error names the file's line, the
 * field and the rule.
 */
#ifndef URNE_IO_INITIATIVE_VERDICTS_H
#define URNE_IO_INITIATIVE_VERDICTS_H

#include "../core/urne_diag.h"
#include "../initiative/sample.h"

typedef struct urne_verdicts {
    int64_t sample;                 /* the draw's log entry */
    urne_initiative_verdict *items; /* their reasons point into `text` */
    size_t n;
    char *text; /* the reasons, owned */
} urne_verdicts;

/* Read buf[0..len) into *out: 0, or -1 with the errors in d (*out empty). */
int urne_io_parse_verdicts(const char *buf, size_t len, urne_verdicts *out, urne_diags *d);
void urne_verdicts_free(urne_verdicts *v);

#endif
