/*
 * urne_num: counts and percentages the way official publications print them.
 *
 * Counts are int64. A percentage is never computed in floating point: it is the
 * exact ratio num/den scaled to hundredths and rounded half up, as the Ministry of
 * the Interior publishes (Macron 2017: 8,656,346 / 36,054,394 = 24.0088... -> "24.01").
 * Weighted college scores need wider numerators, hence the 128-bit variant.
 */
#ifndef URNE_NUM_H
#define URNE_NUM_H

#include <stddef.h>
#include <stdint.h>

typedef __int128 urne_wide;

/* Result of urne_num_parse_count. */
typedef enum {
    URNE_NUM_OK = 0,
    URNE_NUM_EMPTY,     /* only blanks */
    URNE_NUM_INVALID,   /* not a whole number */
    URNE_NUM_NEGATIVE,  /* a whole number below zero */
    URNE_NUM_OVERFLOW,  /* does not fit in int64 */
    URNE_NUM_GROUPING   /* digits and thousands separators, but not in groups of three */
} urne_num_status;

/* Parse s[0..len) as a non-negative decimal count, surrounding spaces allowed.
 * On URNE_NUM_OK stores the value in *out; otherwise *out is left unchanged. */
urne_num_status urne_num_parse_count(const char *s, size_t len, int64_t *out);

/* urne_num_parse_count, also accepting the digits grouped by thousands as French
 * spreadsheets write them: "1 210", "1 155 604", with a space, a no-break space
 * (U+00A0) or a narrow no-break space (U+202F, UTF-8 encoded) between groups; the
 * first group has 1 to 3 digits, every other exactly 3. Digits and separators that
 * do not group that way ("12 34", "1  210") give URNE_NUM_GROUPING; no-break spaces
 * around the number are blanks. For counts read from files; the syntax of options
 * and metadata stays urne_num_parse_count's. */
urne_num_status urne_num_parse_grouped(const char *s, size_t len, int64_t *out);

/* The digits of a grouped number s[0..len) (its sign and separators dropped) into
 * out, NUL-terminated; and the size of each group, "2 + 2", into groups. For
 * messages about URNE_NUM_GROUPING. */
void urne_num_grouping_parts(const char *s, size_t len, char *digits, size_t dsize, char *groups, size_t gsize);

/* Human name of a parse status, e.g. "is not a whole number". */
const char *urne_num_status_text(urne_num_status status);

/* Write 100*num/den rounded half up to two decimals, e.g. "24.01", using `sep`
 * as the decimal separator ('.' for JSON, ',' for the Ministry's CSV). A zero or
 * negative denominator, or a negative numerator, writes "0.00" (the Ministry prints
 * zeros for a bureau with no exprimés). `size` must be at least 48. */
void urne_num_pct(urne_wide num, urne_wide den, char sep, char *out, size_t size);

/* Hundredths of a percent, rounded half up: round(10000*num/den). den > 0, num >= 0.
 * Exact while 20000*num + den fits in urne_wide (every count does, by far); beyond,
 * computed from the quotient and the remainder, never wrapped. */
urne_wide urne_num_basis_points(urne_wide num, urne_wide den);

/* Write n with a comma every three digits ("1,155,604"), for tables read by people. */
void urne_num_group(int64_t n, char *out, size_t size);

/* Write v in plain decimal at out (room for 21 bytes: a sign, 19 digits, the
 * NUL), NUL-terminated; returns its length. For writers of many numbers, where
 * snprintf's format parsing would cost more than the digits. */
size_t urne_num_write(int64_t v, char *out);

#endif
