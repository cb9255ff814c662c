/*
 * parse_common: see parse_common.h.
 */
#include "parse_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A count whose digits are grouped wrongly: how it groups them ("2 + 3") and the
 * count as its digits say, plain ("12345") and grouped by three ("12 345"). */
static void grouping_parts(urne_span s, char *digits, size_t dsize, char *groups, size_t gsize, char *grouped,
                           size_t size) {
    urne_num_grouping_parts(s.p, s.len, digits, dsize, groups, gsize);
    size_t n = strlen(digits), j = 0;
    for (size_t i = 0; i < n && j + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0) grouped[j++] = ' ';
        grouped[j++] = digits[i];
    }
    grouped[j] = 0;
}

int urne_parse_count(urne_span s, long line, const char *field, int64_t *out, urne_diags *diags) {
    urne_num_status st = urne_num_parse_grouped(s.p, s.len, out);
    if (st == URNE_NUM_OK) return 0;
    int shown = (int)(s.len > 40 ? 40 : s.len);
    const char *rule = st == URNE_NUM_NEGATIVE ? URNE_RULE_NEGATIVE : URNE_RULE_COUNT_FORMAT;
    if (st == URNE_NUM_GROUPING) {
        char digits[64], groups[96], grouped[96];
        grouping_parts(s, digits, sizeof digits, groups, sizeof groups, grouped, sizeof grouped);
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule,
                       "'%.*s' groups its digits %s, but a thousands separator (a space or a no-break space) must "
                       "leave groups of exactly 3 digits after the first; write %s or %s",
                       shown, s.p, groups, digits, grouped);
    } else if (st == URNE_NUM_OVERFLOW) { /* beyond int64: refused here, never wrapped */
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, URNE_RULE_COUNT_BOUND,
                       "'%.*s' is too large: it does not fit in a 64-bit count (at most %lld)", shown, s.p,
                       (long long)INT64_MAX);
    } else if (st == URNE_NUM_NEGATIVE) {
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule, "'%.*s' is negative; a count cannot be negative",
                       shown, s.p);
    } else if (st == URNE_NUM_EMPTY) {
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule, "'%.*s' is empty; a count is a whole number >= 0",
                       shown, s.p);
    } else {
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule,
                       "'%.*s' is not a whole number; a count is a whole number >= 0", shown, s.p);
    }
    return -1;
}

/* Why a weight is refused, each message whole for each field so that it can be
 * translated (po/fr.po): it is negative, zero, or else too large. */
static void weight_error(urne_span s, int shown, long line, const char *field, int negative, int zero,
                         urne_diags *diags) {
    int weight = strcmp(field, "weight") == 0;
    long long max = (long long)URNE_BALLOTS_WEIGHT_MAX;
    const char *rule = negative || zero ? URNE_RULE_POSITIVE_WEIGHT : URNE_RULE_WEIGHT_BOUND;
    if (negative && weight)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule,
                       "weight '%.*s' is negative: a ballot's weight is a whole number of at least 1", shown, s.p);
    else if (negative)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule,
                       "count '%.*s' is negative: a ballot's count is a whole number of at least 1", shown, s.p);
    else if (zero && weight)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule,
                       "weight '%.*s' is zero: a ballot's weight is a whole number of at least 1", shown, s.p);
    else if (zero)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule,
                       "count '%.*s' is zero: a ballot's count is a whole number of at least 1", shown, s.p);
    else if (weight)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule,
                       "weight '%.*s' is too large: a ballot's weight is at most %lld", shown, s.p, max);
    else
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, rule,
                       "count '%.*s' is too large: a ballot's count is at most %lld", shown, s.p, max);
}

int urne_parse_weight(urne_span s, long line, const char *field, int64_t *out, urne_diags *diags) {
    int64_t v = 0;
    urne_num_status st = urne_num_parse_grouped(s.p, s.len, &v);
    int shown = (int)(s.len > 40 ? 40 : s.len);
    while (shown > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) s.p++, s.len--, shown--; /* quoted as written, unpadded */
    while (shown > 0 && (s.p[shown - 1] == ' ' || s.p[shown - 1] == '\t')) shown--;
    if (st == URNE_NUM_EMPTY || st == URNE_NUM_INVALID || st == URNE_NUM_GROUPING) return -2;
    int negative = st == URNE_NUM_NEGATIVE, zero = st == URNE_NUM_OK && v < 1;
    if (negative || zero || st == URNE_NUM_OVERFLOW || v > URNE_BALLOTS_WEIGHT_MAX) {
        if (diags) weight_error(s, shown, line, field, negative, zero, diags);
        return -1;
    }
    *out = v;
    return 0;
}

/* What urne_parse_add_ballot and urne_parse_add_checked return for urne_ballots_add's
 * `rc`, with its error added. */
static int added(int rc, long line, const char *field, urne_diags *diags) {
    if (rc == 0) return 0;
    if (rc == -1) return -1; /* the parser says it, once, on its way out */
    /* The words of urne_ballots_add_error, each message whole so that it can be translated. */
    if (rc == -4 && strcmp(field, "weight") == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, URNE_RULE_WEIGHT_BOUND,
                       "with this line the ballots' weights add up to more than %lld, the most one file may hold",
                       (long long)URNE_BALLOTS_WEIGHT_MAX);
    else if (rc == -4 && strcmp(field, "vote") == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, URNE_RULE_WEIGHT_BOUND,
                       "with this line the ballots' votes add up to more than %lld, the most one file may hold",
                       (long long)URNE_BALLOTS_WEIGHT_MAX);
    else if (rc == -4)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, URNE_RULE_WEIGHT_BOUND,
                       "with this line the ballots' counts add up to more than %lld, the most one file may hold",
                       (long long)URNE_BALLOTS_WEIGHT_MAX);
    else if (rc == -3)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, URNE_RULE_POSITIVE_WEIGHT,
                       "a ballot's weight must be a whole number of at least 1");
    else if (rc == -2)
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, "unknown-candidate",
                       "a candidate is out of range or ranked twice");
    else
        urne_diags_add(diags, URNE_DIAG_ERROR, line, field, "unknown-candidate", "the ballot is invalid");
    return 0;
}

int urne_parse_add_ballot(urne_ballots *b, int64_t weight, const uint16_t *prefs, const uint8_t *tied, size_t n,
                          long line, const char *field, urne_diags *diags) {
    return added(urne_ballots_add(b, weight, prefs, tied, n), line, field, diags);
}

int urne_parse_add_checked(urne_ballots *b, int64_t weight, const uint16_t *prefs, size_t n, long line,
                           const char *field, urne_diags *diags) {
    return added(urne_ballots_add_checked(b, weight, prefs, n), line, field, diags);
}

size_t urne_parse_join(char *buf, size_t size, const urne_span *parts, size_t n) {
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && j + 1 < size) buf[j++] = '-';
        size_t len = parts[i].len;
        if (j + len >= size) len = size - j - 1;
        memcpy(buf + j, parts[i].p, len);
        j += len;
    }
    buf[j] = '\0';
    return j;
}

const char *urne_parse_intern(urne_round *round, urne_span s) {
    if (s.p == NULL) return NULL;
    if (!s.quoted || memchr(s.p, '"', s.len) == NULL) return urne_round_intern(round, s.p, s.len);
    char tmp[512];
    size_t j = 0;
    for (size_t i = 0; i < s.len && j + 1 < sizeof tmp; i++) {
        tmp[j++] = s.p[i];
        if (s.p[i] == '"' && i + 1 < s.len && s.p[i + 1] == '"') i++;
    }
    return urne_round_intern(round, tmp, j);
}

urne_round *urne_parse_finish(urne_round *round, urne_diags *diags, urne_parse_empty empty) {
    if (round->nsheets > URNE_SHEETS_MAX)
        urne_results_check_sheet_count(round->nsheets, round->sheets[URNE_SHEETS_MAX].line, diags);
    if (diags->errors == 0 && round->nsheets == 0 && empty == URNE_PARSE_NO_CIRCONSCRIPTION)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file has no circonscription row");
    else if (diags->errors == 0 && round->nsheets == 0)
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no tally sheet after the header line");
    if (diags->errors > 0) {
        urne_round_free(round);
        return NULL;
    }
    return round;
}

int urne_parse_open(const char *buf, size_t len, urne_encoding enc, urne_lines *it, urne_diags *diags) {
    size_t skip;
    urne_encoding used;
    if (len == 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file is empty");
        return -1;
    }
    char *utf8 = NULL;
    size_t utf8_len = 0;
    int conv = urne_text_utf16_to_utf8(buf, len, &utf8, &utf8_len, diags);
    if (conv < 0) return -1;
    if (conv == 1) buf = utf8, len = utf8_len, enc = URNE_ENC_UTF8;
    if (urne_text_detect(buf, len, enc, &skip, &used, diags) != 0) {
        free(utf8);
        return -1;
    }
    urne_lines_init_encoded(it, buf + skip, len - skip, used);
    it->owned = utf8; /* freed with the iterator */
    return 0;
}

/* The first row of a table (its first line neither blank nor '#', after a UTF-8
 * mark) is separated by tabs: more tabs than ';' and than ','. */
static int tab_separated(const char *t, size_t len) {
    size_t i = len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - t) : len, k = i;
        while (k < end && (t[k] == ' ' || t[k] == '\r')) k++;
        if (k < end && t[k] != '#') {
            size_t tabs = 0, semis = 0, commas = 0;
            for (size_t c = i; c < end; c++) tabs += t[c] == '\t', semis += t[c] == ';', commas += t[c] == ',';
            return tabs > 0 && tabs > semis && tabs > commas;
        }
        i = end + 1;
    }
    return 0;
}

/* Rewrite a tab-separated text with ';' into out (room for 3 * len + 1 bytes); the
 * length written. Cells in double quotes are copied as they are (their tabs, line
 * breaks and doubled quotes included); a bare cell holding ';' gets quotes, its own
 * quotes doubled; a '#' line keeps its text, its tabs turned to ';'. */
static size_t tabs_to_semicolons(const char *t, size_t len, char *out) {
    size_t i = 0, j = 0;
    int line_start = 1;
    if (len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) /* the UTF-8 mark stays where the detection looks */
        for (; i < 3; i++) out[j++] = t[i];
    while (i < len) {
        if (line_start && t[i] == '#') { /* metadata or a comment: one cell, or cells joined by ';' */
            for (; i < len && t[i] != '\n'; i++) out[j++] = t[i] == '\t' ? ';' : t[i];
            continue;
        }
        line_start = 0;
        if (t[i] == '\n') {
            out[j++] = t[i++];
            line_start = 1;
            continue;
        }
        if (t[i] == '\t') {
            out[j++] = ';';
            i++;
            continue;
        }
        if (t[i] == '"') { /* a quoted cell, through its closing quote */
            out[j++] = t[i++];
            while (i < len) {
                if (t[i] == '"' && i + 1 < len && t[i + 1] == '"') {
                    out[j++] = t[i++];
                    out[j++] = t[i++];
                } else if (t[i] == '"') {
                    out[j++] = t[i++];
                    break;
                } else {
                    out[j++] = t[i++];
                }
            }
            continue;
        }
        size_t end = i; /* a bare cell: up to the next tab or line end */
        while (end < len && t[end] != '\t' && t[end] != '\n') end++;
        size_t stop = end > i && t[end - 1] == '\r' && (end == len || t[end] == '\n') ? end - 1 : end;
        if (memchr(t + i, ';', stop - i) != NULL) {
            out[j++] = '"';
            for (size_t k = i; k < stop; k++) {
                if (t[k] == '"') out[j++] = '"';
                out[j++] = t[k];
            }
            out[j++] = '"';
            i = stop;
        }
        for (; i < end; i++) out[j++] = t[i];
    }
    return j;
}

int urne_parse_prepare(const char *buf, size_t len, urne_encoding *enc, char **owned, const char **text,
                       size_t *text_len, urne_diags *diags) {
    *owned = NULL;
    *text = buf;
    *text_len = len;
    char *utf8 = NULL;
    size_t utf8_len = 0;
    int conv = urne_text_utf16_to_utf8(buf, len, &utf8, &utf8_len, diags);
    if (conv < 0) return -1;
    if (conv == 1) {
        *owned = utf8;
        *text = utf8;
        *text_len = utf8_len;
        *enc = URNE_ENC_UTF8;
    }
    if (!tab_separated(*text, *text_len)) return 0;
    char *semi = malloc(3 * *text_len + 1);
    if (semi == NULL) {
        free(*owned);
        *owned = NULL;
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        return -1;
    }
    *text_len = tabs_to_semicolons(*text, *text_len, semi);
    semi[*text_len] = 0;
    free(*owned);
    *owned = semi;
    *text = semi;
    return 0;
}

void urne_parse_find_columns(urne_span header, char sep, const char *const *names, size_t ncols, size_t aliases,
                             long *col) {
    urne_span f[64];
    long nf = urne_fields_split(header, sep, f, 64);
    for (size_t c = 0; c < ncols; c++) col[c] = -1;
    for (long i = 0; i < nf && i < 64; i++) {
        char folded[64];
        urne_text_fold_header(f[i], folded, sizeof folded);
        for (size_t c = 0; c < ncols; c++)
            for (size_t k = 0; k < aliases && names[c * aliases + k]; k++)
                if (col[c] < 0 && strcmp(folded, names[c * aliases + k]) == 0) col[c] = i;
    }
}

char urne_parse_header_separator(urne_span header) {
    size_t semis = 0, commas = 0;
    for (size_t i = 0; i < header.len; i++) semis += header.p[i] == ';', commas += header.p[i] == ',';
    return semis > commas ? ';' : ',';
}
