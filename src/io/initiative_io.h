/*
 * initiative_io: an initiative's counts per territory, read from a CSV file.
 *
 * The file is a header naming its columns, then one territory a line:
 *   territory,electorate,signatures[,seats][,minimum]
 * in any column order, separated by ',' or ';' (the header's separator holds for
 * the file), with counts plain or grouped by thousands ("1 003"), blank lines and
 * lines starting with '#' ignored. `seats` is read when the rules give each
 * territory a minimum per seat (the ECI), `minimum` when they take each
 * territory's minimum as given; an empty cell there means "not given", which the
 * tally then refuses if it needs it. A territory named twice is an error, as is
 * every other fault, each naming the line, the column and the rule; nothing is
 * returned half-read.
 */
#ifndef URNE_INITIATIVE_IO_H
#define URNE_INITIATIVE_IO_H

#include <stddef.h>

#include "../core/urne_arena.h"
#include "../core/urne_diag.h"
#include "../initiative/tally.h"

typedef struct urne_initiative_counts {
    urne_initiative_count *items; /* in file order; names in arena */
    size_t n;
    urne_arena arena;
} urne_initiative_counts;

/* Read the counts in buf[0..len) into *out. 0, or -1 with every error in d (then
 * *out is empty and needs no freeing). Free with urne_initiative_counts_free. */
int urne_io_parse_initiative_counts(const char *buf, size_t len, urne_initiative_counts *out, urne_diags *d);

void urne_initiative_counts_free(urne_initiative_counts *c);

#endif
