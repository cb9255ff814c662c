/*
 * sortition_io: the files of a sortition — the pool of volunteers and the quotas, in
 * the format of the Sortition Foundation and of Flanigan et al.'s replication data.
 *
 *   quotas:  category,feature,min,max[,min_flex,max_flex]
 *   pool:    a header naming the columns; one per quota category, an optional id column
 *            (default: a column named 'id', else the row number), others kept as they are.
 * Values match the quotas' features case-insensitively and trimmed. Every mismatch is
 * reported: a pool value no quota row names (an error: that volunteer could not be
 * placed), a quota feature nobody has (a warning; an error when its minimum is above 0).
 */
#ifndef URNE_SORTITION_IO_H
#define URNE_SORTITION_IO_H

#include "../core/urne_diag.h"
#include "../core/urne_text.h"
#include "../sortition/sortition.h"

/* Read quotas then pool into `out` (types computed). `id_column` may be NULL.
 * `households` (NULL: none) names the address columns, comma-separated: volunteers
 * equal on all of them (trimmed, case-insensitively, not all empty) share a household.
 * Errors about each file go to its own diags. 0, or -1 (out freed). */
int urne_io_parse_sortition(const char *pool_buf, size_t pool_len, const char *quota_buf, size_t quota_len,
                            urne_encoding enc, const char *id_column, const char *households, urne_pool *out,
                            urne_diags *pool_diags, urne_diags *quota_diags);

#endif
