/*
 * urne_num: see urne_num.h. Everything here is integer arithmetic.
 */
#include "urne_num.h"

#include <stdio.h>
#include <string.h>

urne_num_status urne_num_parse_count(const char *s, size_t len, int64_t *out) {
    size_t i = 0, end = len;
    while (i < end && (s[i] == ' ' || s[i] == '\t')) i++;
    while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t')) end--;
    if (i == end) return URNE_NUM_EMPTY;
    int negative = 0;
    if (s[i] == '-') {
        negative = 1;
        i++;
        if (i == end) return URNE_NUM_INVALID;
    }
    int64_t v = 0;
    if (end - i <= 18) { /* cannot overflow: no check per digit */
        for (; i < end; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d > 9) return URNE_NUM_INVALID;
            v = v * 10 + (int64_t)d;
        }
        if (negative) return v == 0 ? (*out = 0, URNE_NUM_OK) : URNE_NUM_NEGATIVE;
        *out = v;
        return URNE_NUM_OK;
    }
    for (; i < end; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return URNE_NUM_INVALID;
        if (v > (INT64_MAX - (int64_t)d) / 10) return negative ? URNE_NUM_NEGATIVE : URNE_NUM_OVERFLOW;
        v = v * 10 + (int64_t)d;
    }
    if (negative) return v == 0 ? (*out = 0, URNE_NUM_OK) : URNE_NUM_NEGATIVE;
    *out = v;
    return URNE_NUM_OK;
}

/* Length of the thousands separator at s[0..left): a space, U+00A0 or U+202F in
 * UTF-8; 0 when none. */
static size_t group_sep(const char *s, size_t left) {
    if (s[0] == ' ') return 1;
    if (left >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) return 2;
    if (left >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xAF)
        return 3;
    return 0;
}

/* Blanks around a grouped number: spaces, tabs and the no-break spaces. */
static void trim_grouped(const char *s, size_t *i, size_t *end) {
    for (;;) {
        size_t n = *i < *end ? (s[*i] == '\t' ? 1 : group_sep(s + *i, *end - *i)) : 0;
        if (n == 0) break;
        *i += n;
    }
    while (*end > *i) {
        if (s[*end - 1] == ' ' || s[*end - 1] == '\t') (*end)--;
        else if (*end - *i >= 2 && group_sep(s + *end - 2, 2) == 2) *end -= 2;
        else if (*end - *i >= 3 && group_sep(s + *end - 3, 3) == 3) *end -= 3;
        else break;
    }
}

urne_num_status urne_num_parse_grouped(const char *s, size_t len, int64_t *out) {
    size_t i = 0, end = len;
    trim_grouped(s, &i, &end);
    int plain = 1;
    for (size_t k = i; k < end && plain; k++) plain = s[k] != ' ' && (unsigned char)s[k] < 0x80;
    if (plain || i == end) return urne_num_parse_count(s + i, end - i, out);
    int negative = 0;
    if (s[i] == '-') negative = 1, i++;
    /* Runs of digits between single separators; anything else is no number at all. */
    size_t groups = 0, first = 0, bad_group = 0;
    int bad = 0;
    int64_t v = 0;
    int overflow = 0;
    for (size_t k = i; k <= end;) {
        size_t run = 0;
        while (k + run < end && s[k + run] >= '0' && s[k + run] <= '9') {
            unsigned d = (unsigned)(s[k + run] - '0');
            if (v > (INT64_MAX - (int64_t)d) / 10) overflow = 1;
            else v = v * 10 + (int64_t)d;
            run++;
        }
        if (groups == 0) first = run;
        else if (run != 3) bad_group = 1;
        if (run == 0) bad = 1; /* two separators in a row, or one at an end */
        groups++;
        k += run;
        if (k == end) break;
        size_t n = group_sep(s + k, end - k);
        if (n == 0) return URNE_NUM_INVALID; /* a letter, a comma: not digits and separators */
        k += n;
    }
    if (bad && first == 0 && groups == 1) return URNE_NUM_INVALID;
    if (bad || bad_group || first > 3) return URNE_NUM_GROUPING;
    if (overflow) return negative ? URNE_NUM_NEGATIVE : URNE_NUM_OVERFLOW;
    if (negative && v != 0) return URNE_NUM_NEGATIVE;
    *out = v;
    return URNE_NUM_OK;
}

void urne_num_grouping_parts(const char *s, size_t len, char *digits, size_t dsize, char *groups, size_t gsize) {
    size_t d = 0, g = 0, run = 0;
    int any = 0;
    for (size_t k = 0; k <= len; k++) {
        int digit = k < len && s[k] >= '0' && s[k] <= '9';
        if (digit) {
            if (d + 1 < dsize) digits[d++] = s[k];
            run++;
            continue;
        }
        if (run > 0 && g + 8 < gsize) g += (size_t)snprintf(groups + g, gsize - g, "%s%zu", any ? " + " : "", run);
        any |= run > 0;
        run = 0;
    }
    if (dsize) digits[d < dsize ? d : dsize - 1] = 0;
    if (gsize) groups[g < gsize ? g : gsize - 1] = 0;
}

const char *urne_num_status_text(urne_num_status status) {
    switch (status) {
    case URNE_NUM_OK: return "is a count";
    case URNE_NUM_EMPTY: return "is empty";
    case URNE_NUM_INVALID: return "is not a whole number";
    case URNE_NUM_NEGATIVE: return "is negative";
    case URNE_NUM_OVERFLOW: return "is too large";
    case URNE_NUM_GROUPING: return "groups its digits wrongly";
    }
    return "is invalid";
}

urne_wide urne_num_basis_points(urne_wide num, urne_wide den) {
    /* floor((10000*num)/den + 1/2) = floor((20000*num + den) / (2*den)) */
    urne_wide scaled, twice;
    if (!__builtin_mul_overflow(num, (urne_wide)20000, &scaled) && !__builtin_add_overflow(scaled, den, &scaled) &&
        !__builtin_mul_overflow(den, (urne_wide)2, &twice))
        return scaled / twice;
    /* Beyond 128 bits (no count reaches it: the bounds of results.h keep every share
     * under 10^23): the whole part exactly, then the remainder, which is below den —
     * exactly when 20000 x remainder fits, else to within a basis point in long double.
     * Never wrapped. */
    urne_wide whole = num / den, rest = num % den, bp, frac;
    if (__builtin_mul_overflow(whole, (urne_wide)10000, &bp)) return whole; /* unprintable anyway */
    if (!__builtin_mul_overflow(rest, (urne_wide)20000, &frac) && !__builtin_add_overflow(frac, den, &frac) &&
        !__builtin_mul_overflow(den, (urne_wide)2, &twice))
        return bp + frac / twice;
    return bp + (urne_wide)(((long double)rest * 10000 + (long double)den / 2) / (long double)den);
}

static void write_wide(urne_wide v, char *out, size_t size) {
    char tmp[48];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v > 0 && n < sizeof tmp);
    size_t j = 0;
    while (n > 0 && j + 1 < size) out[j++] = tmp[--n];
    out[j] = '\0';
}

void urne_num_pct(urne_wide num, urne_wide den, char sep, char *out, size_t size) {
    if (den <= 0 || num < 0) {
        snprintf(out, size, "0%c00", sep);
        return;
    }
    urne_wide bp = urne_num_basis_points(num, den);
    char whole[48];
    write_wide(bp / 100, whole, sizeof whole);
    snprintf(out, size, "%s%c%02d", whole, sep, (int)(bp % 100));
}

void urne_num_group(int64_t n, char *out, size_t size) {
    char digits[32];
    int neg = n < 0;
    /* the magnitude as unsigned: -INT64_MIN does not fit in int64 */
    snprintf(digits, sizeof digits, "%llu", neg ? 0ULL - (unsigned long long)n : (unsigned long long)n);
    size_t len = strlen(digits), j = 0;
    if (neg && j + 1 < size) out[j++] = '-';
    for (size_t i = 0; i < len && j + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && j + 1 < size) out[j++] = ',';
        if (j + 1 < size) out[j++] = digits[i];
    }
    out[j] = '\0';
}

size_t urne_num_write(int64_t v, char *out) {
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do tmp[n++] = (char)('0' + u % 10), u /= 10;
    while (u);
    size_t k = 0;
    if (v < 0) out[k++] = '-';
    while (n) out[k++] = tmp[--n];
    out[k] = 0;
    return k;
}
