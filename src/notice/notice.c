/*
 * notice: an announcement's rules (see notice.h).
 *
 * One pass over each field decodes UTF-8 strictly (core/urne_text's decoder of
 * what people type, shared with the forum) and looks at every code point, so that
 * the offset reported is the first byte at fault whichever rule it breaks.
 */
#include <assert.h>
#include <string.h>

#include "../core/urne_text.h"
#include "notice.h"


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
        size_t n = urne_text_utf8_char((const char *)s + i, len - i, &cp);
        if (n == 0) {
            f->rule = rule_utf8;
            f->at = i;
            return -1;
        }
        if (urne_text_is_control(cp) && !(newline_ok && cp == '\n')) {
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
