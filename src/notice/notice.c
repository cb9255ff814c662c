/*
 * notice: an announcement's rules (see notice.h).
 *
 * One pass over each field decodes UTF-8 strictly and looks at every code
 * point, so that the offset reported is the first byte at fault whichever rule
 * it breaks. The decoder is here rather than shared: a notice needs only "is this
 * valid, and is this a control character", and the file-format decoder
 * (core/urne_text) answers a different question (which encoding a file is in).
 */
#include <assert.h>
#include <string.h>

#include "notice.h"

/* The length of the valid UTF-8 sequence at s (1..4) with its code point in *cp,
 * or 0 when s does not start one. s is NUL-terminated: a NUL ends any sequence. */
static size_t utf8_next(const unsigned char *s, unsigned *cp) {
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) n = 2, min = 0x80, c &= 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, min = 0x800, c &= 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, min = 0x10000, c &= 0x07;
    else return 0; /* a continuation byte, C0/C1 (overlong), or F5..FF */
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0; /* the NUL too */
        c = (c << 6) | (s[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return n;
}

static int is_control(unsigned cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

/* Check one field. 0, or -1 with *f set. */
static int check_field(const char *text, const char *field, size_t max, const char *rule_length,
                       const char *rule_utf8, const char *rule_control, int newline_ok, urne_notice_fault *f) {
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t len = strlen((const char *)s);
    f->field = field;
    f->limit = 0;
    if (len == 0 || len > max) {
        f->rule = rule_length;
        f->at = len;
        f->limit = max;
        return -1;
    }
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = utf8_next(s + i, &cp);
        if (n == 0) {
            f->rule = rule_utf8;
            f->at = i;
            return -1;
        }
        if (is_control(cp) && !(newline_ok && cp == '\n')) {
            f->rule = rule_control;
            f->at = i;
            return -1;
        }
        i += n;
    }
    return 0;
}

int urne_notice_check(const char *title, const char *body, urne_notice_fault *fault) {
    assert(fault != NULL);
    memset(fault, 0, sizeof *fault);
    if (check_field(title, "title", URNE_NOTICE_TITLE_MAX, URNE_NOTICE_TITLE_LENGTH, URNE_NOTICE_TITLE_UTF8,
                    URNE_NOTICE_TITLE_CONTROL, 0, fault) < 0)
        return -1;
    if (check_field(body, "body", URNE_NOTICE_BODY_MAX, URNE_NOTICE_BODY_LENGTH, URNE_NOTICE_BODY_UTF8,
                    URNE_NOTICE_BODY_CONTROL, 1, fault) < 0)
        return -1;
    memset(fault, 0, sizeof *fault);
    return 0;
}

size_t urne_notice_newlines(char *s) {
    assert(s != NULL);
    size_t w = 0;
    for (size_t r = 0; s[r]; r++) {
        if (s[r] == '\r') {
            s[w++] = '\n';
            if (s[r + 1] == '\n') r++;
        } else
            s[w++] = s[r];
    }
    s[w] = 0;
    return w;
}
