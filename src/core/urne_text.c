/*
 * urne_text: encoding decision, line and field splitting. See urne_text.h.
 */
#include "urne_text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <strings.h>

int urne_text_encoding_parse(const char *name, urne_encoding *out) {
    if (strcasecmp(name, "auto") == 0) *out = URNE_ENC_AUTO;
    else if (strcasecmp(name, "utf8") == 0 || strcasecmp(name, "utf-8") == 0) *out = URNE_ENC_UTF8;
    else if (strcasecmp(name, "latin1") == 0 || strcasecmp(name, "latin-1") == 0 ||
             strcasecmp(name, "iso-8859-1") == 0)
        *out = URNE_ENC_LATIN1;
    else
        return -1;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned min;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    if (left < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/* Index of the first byte >= 0x80 at or after i (len if none), eight bytes at a time. */
static size_t skip_ascii(const unsigned char *u, size_t i, size_t len) {
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, u + i, 8);
        if (w & 0x8080808080808080ULL) break;
        i += 8;
    }
    while (i < len && u[i] < 0x80) i++;
    return i;
}

static long line_of(const char *buf, size_t pos) {
    long line = 1;
    for (size_t i = 0; i < pos; i++)
        if (buf[i] == '\n') line++;
    return line;
}

size_t urne_text_bom(const char *buf, size_t len, urne_encoding *requested) {
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        if (*requested == URNE_ENC_AUTO) *requested = URNE_ENC_UTF8;
        return 3;
    }
    return 0;
}

/* The first NUL byte of buf[0..len) (SIZE_MAX when none) and the number of LF bytes
 * before it, in one pass: with SSE2, sixteen bytes at a time, each LF adding one to
 * its byte of a counter that is summed every 255 blocks, before it can overflow;
 * elsewhere, and around a NUL, one byte at a time. */
static size_t nul_and_lines(const char *buf, size_t len, size_t *lines) {
    const unsigned char *p = (const unsigned char *)buf;
    size_t i = 0, n = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128(), lf = _mm_set1_epi8('\n');
    int nul = 0;
    while (!nul && i + 16 <= len) {
        __m128i counts = zero;
        for (int k = 0; k < 255 && i + 16 <= len; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero))) { /* this block, byte by byte below */
                nul = 1;
                break;
            }
            counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(v, lf)); /* a match is -1 */
        }
        __m128i sums = _mm_sad_epu8(counts, zero); /* two 64-bit sums of eight bytes each */
        n += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; i < len; i++) {
        if (p[i] == '\0') {
            *lines = n;
            return i;
        }
        n += p[i] == '\n';
    }
    *lines = n;
    return SIZE_MAX;
}

void urne_text_survey_part(const char *buf, size_t len, int utf8, urne_text_survey *out) {
    out->bad = SIZE_MAX;
    out->multibyte = 0;
    out->nul = nul_and_lines(buf, len, &out->lines);
    if (!utf8) return;
    const unsigned char *u = (const unsigned char *)buf;
    for (size_t i = skip_ascii(u, 0, len); i < len; i = skip_ascii(u, i, len)) {
        size_t n = utf8_seq(u + i, len - i);
        if (n == 0) {
            out->bad = i;
            return;
        }
        out->multibyte++;
        i += n;
    }
}

void urne_text_survey_join(urne_text_survey *acc, const urne_text_survey *next, size_t offset) {
    if (acc->nul == SIZE_MAX && next->nul != SIZE_MAX) acc->nul = offset + next->nul;
    acc->lines += next->lines;
    if (acc->bad != SIZE_MAX) return; /* what follows the first bad byte does not count */
    acc->multibyte += next->multibyte;
    if (next->bad != SIZE_MAX) acc->bad = offset + next->bad;
}

int urne_text_decide(const char *buf, size_t len, urne_encoding requested, const urne_text_survey *survey,
                     urne_encoding *used, urne_diags *diags) {
    if (survey->nul != SIZE_MAX) {
        /* Every other byte NUL from the start: UTF-16 whose mark was lost. */
        const unsigned char *u = (const unsigned char *)buf;
        int utf16 = len >= 4 && ((u[0] && !u[1] && u[2] && !u[3]) || (!u[0] && u[1] && !u[2] && u[3]));
        if (utf16)
            urne_diags_add(diags, URNE_DIAG_ERROR, line_of(buf, survey->nul), NULL, "text-file",
                           "contains NUL bytes between its characters: it looks like UTF-16 without its "
                           "byte-order mark; save it again as 'Texte Unicode' (UTF-16 with its mark) or 'CSV UTF-8'");
        else
            urne_diags_add(diags, URNE_DIAG_ERROR, line_of(buf, survey->nul), NULL, "text-file",
                           "contains a NUL byte: this is not a text file");
        return -1;
    }
    if (requested == URNE_ENC_LATIN1) {
        *used = URNE_ENC_LATIN1;
        return 0;
    }
    size_t first_bad = survey->bad;
    if (first_bad == SIZE_MAX) {
        *used = URNE_ENC_UTF8;
        return 0;
    }
    if (requested == URNE_ENC_UTF8 || survey->multibyte > 0) {
        const unsigned char *u = (const unsigned char *)buf;
        size_t ls = first_bad;
        while (ls > 0 && buf[ls - 1] != '\n') ls--;
        if (requested == URNE_ENC_UTF8)
            urne_diags_add(diags, URNE_DIAG_ERROR, line_of(buf, first_bad), NULL, "encoding",
                           "invalid encoding: byte 0x%02X at column %zu is not UTF-8 (the file was declared UTF-8)",
                           u[first_bad], first_bad - ls + 1);
        else
            urne_diags_add(diags, URNE_DIAG_ERROR, line_of(buf, first_bad), NULL, "encoding",
                           "invalid encoding: byte 0x%02X at column %zu is not UTF-8 although earlier text is UTF-8: "
                           "the file mixes two encodings",
                           u[first_bad], first_bad - ls + 1);
        return -1;
    }
    *used = URNE_ENC_LATIN1;
    return 0;
}

int urne_text_detect(const char *buf, size_t len, urne_encoding requested, size_t *skip, urne_encoding *used,
                     urne_diags *diags) {
    *skip = urne_text_bom(buf, len, &requested);
    urne_text_survey survey;
    urne_text_survey_part(buf + *skip, len - *skip, requested != URNE_ENC_LATIN1, &survey);
    return urne_text_decide(buf + *skip, len - *skip, requested, &survey, used, diags);
}

/* Where the UTF-16 text went wrong: the line of unit `at` (LF units before it). */
static long utf16_line(const unsigned char *u, size_t at, int le) {
    long line = 1;
    for (size_t k = 0; k < at; k++) line += (le ? (u[2 * k] == '\n' && u[2 * k + 1] == 0) : (u[2 * k] == 0 && u[2 * k + 1] == '\n'));
    return line;
}

int urne_text_utf16_to_utf8(const char *buf, size_t len, char **out, size_t *out_len, urne_diags *diags) {
    const unsigned char *u = (const unsigned char *)buf;
    int le;
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) le = 1;
    else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) le = 0;
    else return 0;
    const char *name = le ? "UTF-16 LE" : "UTF-16 BE";
    u += 2;
    size_t n = (len - 2) / 2;
    if ((len - 2) % 2 != 0) {
        urne_diags_add(diags, URNE_DIAG_ERROR, utf16_line(u, n, le), NULL, "encoding",
                       "the file is %s (it starts with that byte-order mark) but ends with half a character, an odd "
                       "number of bytes: it was cut short; save it again whole",
                       name);
        return -1;
    }
    unsigned char *o = malloc(3 * n + 1); /* a unit is at most 3 bytes of UTF-8, a pair of units 4 */
    if (o == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory converting from %s", name);
        return -1;
    }
    size_t j = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned c = le ? (unsigned)u[2 * k] | (unsigned)u[2 * k + 1] << 8 : (unsigned)u[2 * k] << 8 | u[2 * k + 1];
        if (c >= 0xD800 && c <= 0xDFFF) {
            unsigned lo = 0;
            if (c <= 0xDBFF && k + 1 < n)
                lo = le ? (unsigned)u[2 * k + 2] | (unsigned)u[2 * k + 3] << 8 : (unsigned)u[2 * k + 2] << 8 | u[2 * k + 3];
            if (c > 0xDBFF || lo < 0xDC00 || lo > 0xDFFF) {
                urne_diags_add(diags, URNE_DIAG_ERROR, utf16_line(u, k, le), NULL, "encoding",
                               "invalid %s: the unit 0x%04X is half of a character whose other half is missing "
                               "(an unpaired surrogate); save the file again from the spreadsheet",
                               name, c);
                free(o);
                return -1;
            }
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            k++;
        }
        if (c < 0x80) {
            o[j++] = (unsigned char)c;
        } else if (c < 0x800) {
            o[j++] = (unsigned char)(0xC0 | (c >> 6));
            o[j++] = (unsigned char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            o[j++] = (unsigned char)(0xE0 | (c >> 12));
            o[j++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            o[j++] = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            o[j++] = (unsigned char)(0xF0 | (c >> 18));
            o[j++] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            o[j++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            o[j++] = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    o[j] = 0;
    *out = (char *)o;
    *out_len = j;
    return 1;
}

static size_t latin1_to_utf8(const unsigned char *u, size_t len, unsigned char *out) {
    size_t j = 0;
    for (size_t i = 0; i < len;) {
        size_t k = skip_ascii(u, i, len);
        memcpy(out + j, u + i, k - i); /* runs of ASCII are copied whole */
        j += k - i;
        if (k == len) break;
        out[j++] = (unsigned char)(0xC0 | (u[k] >> 6));
        out[j++] = (unsigned char)(0x80 | (u[k] & 0x3F));
        i = k + 1;
    }
    return j;
}

int urne_text_decode(const char *buf, size_t len, urne_encoding requested, urne_arena *arena,
                     const char **text, size_t *text_len, urne_encoding *used, urne_diags *diags) {
    size_t skip;
    if (urne_text_detect(buf, len, requested, &skip, used, diags) != 0) return -1;
    buf += skip;
    len -= skip;
    if (*used == URNE_ENC_UTF8) {
        *text = buf;
        *text_len = len;
        return 0;
    }
    unsigned char *out = urne_arena_alloc_raw(arena, 2 * len + 1);
    if (out == NULL) {
        urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory converting from latin-1");
        return -1;
    }
    *text_len = latin1_to_utf8((const unsigned char *)buf, len, out);
    *text = (const char *)out;
    return 0;
}

void urne_lines_init(urne_lines *it, const char *text, size_t len) {
    urne_lines_init_encoded(it, text, len, URNE_ENC_UTF8);
}

void urne_lines_init_encoded(urne_lines *it, const char *text, size_t len, urne_encoding encoding) {
    memset(it, 0, sizeof *it);
    it->text = text;
    it->len = len;
    it->latin1 = encoding == URNE_ENC_LATIN1;
}

int urne_lines_next(urne_lines *it, urne_span *line) {
    if (it->pos >= it->len) return 0;
    const char *start = it->text + it->pos;
    const char *nl = memchr(start, '\n', it->len - it->pos);
    size_t n = nl ? (size_t)(nl - start) : it->len - it->pos;
    it->pos += n + (nl ? 1 : 0);
    if (n > 0 && start[n - 1] == '\r') n--;
    it->lineno++;
    if (it->latin1 && skip_ascii((const unsigned char *)start, 0, n) < n) {
        if (2 * n + 1 > it->scratch_cap) {
            size_t cap = 2 * n + 256;
            char *b = realloc(it->scratch, cap);
            if (b == NULL) {
                it->lineno = -1;
                return 0;
            }
            it->scratch = b;
            it->scratch_cap = cap;
        }
        n = latin1_to_utf8((const unsigned char *)start, n, (unsigned char *)it->scratch);
        start = it->scratch;
    }
    line->p = start;
    line->len = n;
    line->quoted = 0;
    return 1;
}

void urne_lines_rewind(urne_lines *it) {
    it->pos = 0;
    it->lineno = 0;
}

void urne_lines_free(urne_lines *it) {
    free(it->scratch);
    it->scratch = NULL;
    it->scratch_cap = 0;
    free(it->owned);
    it->owned = NULL;
}

static urne_span trim(const char *p, size_t len) {
    while (len > 0 && (*p == ' ' || *p == '\t')) p++, len--;
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
    urne_span s = {p, len, 0};
    return s;
}

static long split_quoted(urne_span line, char sep, urne_span *fields, size_t max);

/* The one loop that finds a line's end and its separators. Blocks of bytes are
 * compared at once against the separator, LF and the double quote: 32 at a time
 * where the processor has AVX2 (checked when running, so one binary serves every
 * x86-64), else 16 with SSE2 (every x86-64); elsewhere, and for the last bytes of
 * the text, one byte at a time. Each block gives three bit masks, one bit a byte. */
typedef struct scan_state {
    size_t i, n, nl; /* next byte, separators seen, the line's end once found */
    unsigned quote;
} scan_state;

/* Take in one block's masks (bit k: byte st->i + k); 1 when it holds the line's end. */
static inline int scan_block(uint64_t ms, uint64_t mn, uint64_t mq, uint32_t *pos, size_t max, scan_state *st) {
    if (mn) { /* keep only what comes before the newline */
        uint64_t before = (mn & (0 - mn)) - 1;
        ms &= before;
        mq &= before;
    }
    st->quote |= mq != 0;
    for (; ms; ms &= ms - 1) {
        if (st->n < max) pos[st->n] = (uint32_t)(st->i + (size_t)__builtin_ctzll(ms));
        st->n++;
    }
    if (mn) {
        st->nl = st->i + (size_t)__builtin_ctzll(mn);
        return 1;
    }
    return 0;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SCAN_AVX2 1
__attribute__((target("avx2"))) static int scan_avx2(const unsigned char *p, size_t avail, char sep, uint32_t *pos,
                                                      size_t max, scan_state *st) {
    const __m256i vsep = _mm256_set1_epi8(sep), vnl = _mm256_set1_epi8('\n'), vquote = _mm256_set1_epi8('"');
    for (; st->i + 32 <= avail; st->i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + st->i));
        uint32_t ms = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vsep));
        uint32_t mn = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vnl));
        uint32_t mq = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vquote));
        if (scan_block(ms, mn, mq, pos, max, st)) return 1;
    }
    return 0;
}
#endif

#if defined(SCAN_AVX2)
__attribute__((target("avx512bw"))) static int scan_avx512(const unsigned char *p, size_t avail, char sep,
                                                           uint32_t *pos, size_t max, scan_state *st) {
    const __m512i vsep = _mm512_set1_epi8(sep), vnl = _mm512_set1_epi8('\n'), vquote = _mm512_set1_epi8('"');
    for (; st->i + 64 <= avail; st->i += 64) {
        __m512i v = _mm512_loadu_si512((const void *)(p + st->i));
        uint64_t ms = _mm512_cmpeq_epi8_mask(v, vsep);
        uint64_t mn = _mm512_cmpeq_epi8_mask(v, vnl);
        uint64_t mq = _mm512_cmpeq_epi8_mask(v, vquote);
        if (scan_block(ms, mn, mq, pos, max, st)) return 1;
    }
    return 0;
}
#endif

size_t urne_text_scan_line(const char *text, size_t avail, char sep, uint32_t *pos, size_t max,
                           urne_scanned_line *out) {
    const unsigned char *p = (const unsigned char *)text;
    scan_state st = {0, 0, avail, 0};
    int found = 0;
#if defined(SCAN_AVX2)
    if (__builtin_cpu_supports("avx512bw")) found = scan_avx512(p, avail, sep, pos, max, &st);
    if (!found && __builtin_cpu_supports("avx2")) found = scan_avx2(p, avail, sep, pos, max, &st);
#endif
#if defined(__SSE2__)
    const __m128i vsep = _mm_set1_epi8(sep), vnl = _mm_set1_epi8('\n'), vquote = _mm_set1_epi8('"');
    for (; !found && st.i + 16 <= avail; st.i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + st.i));
        unsigned ms = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vsep));
        unsigned mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vnl));
        unsigned mq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vquote));
        found = scan_block(ms, mn, mq, pos, max, &st);
    }
#endif
    for (; !found && st.i < avail; st.i++) {
        if (p[st.i] == '\n') {
            st.nl = st.i;
            break;
        }
        if (p[st.i] == (unsigned char)sep) {
            if (st.n < max) pos[st.n] = (uint32_t)st.i;
            st.n++;
        }
        st.quote |= p[st.i] == '"';
    }
    size_t nl = st.nl;
    out->next = nl < avail ? nl + 1 : avail;
    out->len = nl > 0 && p[nl - 1] == '\r' ? nl - 1 : nl;
    out->nsep = st.n;
    out->quoted = st.quote != 0;
    return st.n;
}

size_t urne_text_separators(urne_span line, char sep, uint32_t *pos, size_t max) {
    urne_scanned_line info;
    return urne_text_scan_line(line.p, line.len, sep, pos, max, &info);
}

/* Lines without quotes (every official file): split at the separators. */
static long split_unquoted(urne_span line, char sep, urne_span *fields, size_t max) {
    uint32_t pos[1024];
    size_t cap = max < 1024 ? max : 1024;
    size_t nsep = urne_text_separators(line, sep, pos, cap);
    if (nsep >= cap) return split_quoted(line, sep, fields, max); /* very wide: the general loop */
    for (size_t i = 0; i <= nsep && i < max; i++) fields[i] = urne_text_field_at(line, pos, nsep, i);
    return (long)nsep + 1;
}

long urne_fields_split(urne_span line, char sep, urne_span *fields, size_t max) {
    if (memchr(line.p, '"', line.len) == NULL) return split_unquoted(line, sep, fields, max);
    return split_quoted(line, sep, fields, max);
}

static long split_quoted(urne_span line, char sep, urne_span *fields, size_t max) {
    const char *p = line.p, *end = line.p + line.len;
    long n = 0;
    for (;;) {
        urne_span f;
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t') && *q != sep) q++; /* a tab may be the separator */
        if (q < end && *q == '"') {
            const char *start = ++q;
            for (;;) {
                q = memchr(q, '"', (size_t)(end - q));
                if (q == NULL) return -1;
                if (q + 1 < end && q[1] == '"') {
                    q += 2;
                    continue;
                }
                break;
            }
            f.p = start;
            f.len = (size_t)(q - start);
            f.quoted = 1;
            q++;
            while (q < end && *q != sep) q++; /* text after the closing quote is ignored */
        } else {
            /* Fields are short: a plain loop beats a memchr call per field. */
            q = p;
            while (q < end && *q != sep) q++;
            f = trim(p, (size_t)(q - p));
        }
        if ((size_t)n < max) fields[n] = f;
        n++;
        if (q >= end) break;
        p = q + 1;
    }
    return n;
}

size_t urne_text_to_utf8(urne_span s, urne_encoding enc, char *out, size_t size) {
    size_t j = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (enc == URNE_ENC_LATIN1 && c >= 0x80) {
            if (j + 3 > size) break;
            out[j++] = (char)(0xC0 | (c >> 6));
            out[j++] = (char)(0x80 | (c & 0x3F));
        } else {
            /* In UTF-8, do not cut a multi-byte character in two. */
            if (j + 2 > size) break;
            out[j++] = (char)c;
        }
    }
    while (enc != URNE_ENC_LATIN1 && j > 0 && j < s.len && ((unsigned char)out[j - 1] & 0xC0) == 0x80) {
        while (j > 0 && ((unsigned char)out[j - 1] & 0xC0) == 0x80) j--;
        if (j > 0) j--;
    }
    out[j] = '\0';
    return j;
}

void urne_text_plural(const char *word, char *out, size_t size) {
    size_t n = strlen(word);
    int eau = n >= 3 && strcmp(word + n - 3, "eau") == 0;
    int s = n >= 1 && (word[n - 1] == 's' || word[n - 1] == 'x');
    snprintf(out, size, "%s%s", word, eau ? "x" : (s ? "" : "s"));
}

urne_span urne_span_trim_padding(urne_span s) {
    while (s.len > 0 && s.p[s.len - 1] != 0 && strchr(" \t;,", s.p[s.len - 1]) != NULL) s.len--;
    return s;
}

int urne_span_only_separators(urne_span s, char sep) {
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != sep) return 0;
    return 1;
}

int urne_span_blank(urne_span s) {
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t') return 0;
    return 1;
}

int urne_span_eq_nocase(urne_span s, const char *word) {
    size_t n = strlen(word);
    return s.len == n && strncasecmp(s.p, word, n) == 0;
}

char *urne_span_dup(urne_arena *arena, urne_span s) {
    char *out = urne_arena_strndup(arena, s.p, s.len);
    if (out == NULL || !s.quoted) return out;
    size_t j = 0;
    for (size_t i = 0; i < s.len; i++) {
        out[j++] = s.p[i];
        if (s.p[i] == '"' && i + 1 < s.len && s.p[i + 1] == '"') i++;
    }
    out[j] = '\0';
    return out;
}

/* Fold the UTF-8 encodings of common accented latin letters (U+00C0..U+00FF) to ASCII. */
static char fold_latin(unsigned cp) {
    static const char map[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
    if (cp >= 0xC0 && cp <= 0xFF) return map[cp - 0xC0];
    return ' ';
}

void urne_text_fold_header(urne_span s, char *out, size_t size) {
    size_t j = 0;
    int space = 1;
    const unsigned char *u = (const unsigned char *)s.p;
    for (size_t i = 0; i < s.len && j + 1 < size; i++) {
        char c;
        if (u[i] >= 0x80) {
            unsigned cp = 0;
            if ((u[i] & 0xE0) == 0xC0 && i + 1 < s.len) {
                cp = ((u[i] & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu);
                i++;
            } else {
                while (i + 1 < s.len && (u[i + 1] & 0xC0) == 0x80) i++;
            }
            c = fold_latin(cp);
        } else {
            c = (char)u[i];
        }
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '%' || c == '/')) c = ' ';
        if (c == ' ') {
            if (space) continue;
            space = 1;
        } else {
            space = 0;
        }
        out[j++] = c;
    }
    while (j > 0 && out[j - 1] == ' ') j--;
    out[j] = '\0';
}

int urne_text_fit(const char *text, size_t len, char *out, size_t size) {
    static const char more[] = "…";
    size_t mark = sizeof more - 1;
    if (len < size) {
        memcpy(out, text, len);
        out[len] = 0;
        return 0;
    }
    size_t keep = size - 1 >= mark ? size - 1 - mark : 0;
    while (keep > 0 && ((unsigned char)text[keep] & 0xC0) == 0x80) keep--;
    memcpy(out, text, keep);
    if (size - 1 - keep >= mark) {
        memcpy(out + keep, more, mark);
        keep += mark;
    }
    out[keep] = 0;
    return 1;
}

size_t urne_text_utf8_char(const char *text, size_t n, unsigned *cp) {
    const unsigned char *s = (const unsigned char *)text;
    if (n == 0) return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80, c &= 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800, c &= 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000, c &= 0x07;
    else return 0; /* a continuation byte, C0/C1 (overlong), or F5..FF */
    if (n < len) return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

int urne_text_is_control(unsigned cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }
