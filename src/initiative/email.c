/*
 * initiative email: see email.h. One pass over the address, blanks around it
 * dropped first; every refusal names its rule and, when one byte is at fault,
 * its offset in what the signer typed.
 */
#include "email.h"

#include <assert.h>
#include <string.h>

static int letter_digit(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static const char local_marks[] = "!#$%&'*+-/=?^_`{|}~.";

static int local_char(unsigned char c) {
    return letter_digit(c) || (c && memchr(local_marks, c, sizeof local_marks - 1) != NULL);
}

static const char *fail(const char *rule, size_t where, size_t *at, char *out) {
    *at = where;
    out[0] = 0;
    return rule;
}

/* The local part s[0..n) (offset `from` in the input). NULL or the rule. */
static const char *check_local(const char *s, size_t n, size_t from, size_t *at, char *out) {
    if (n > 64) return fail(URNE_INITIATIVE_EMAIL_LONG, from + 64, at, out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int dot_bad = c == '.' && (i == 0 || i + 1 == n || s[i + 1] == '.');
        if (!local_char(c) || dot_bad) return fail(URNE_INITIATIVE_EMAIL_LOCAL, from + i, at, out);
    }
    return NULL;
}

/* The domain s[0..n) (offset `from`). NULL or the rule. */
static const char *check_domain(const char *s, size_t n, size_t from, size_t *at, char *out) {
    size_t labels = 0, start = 0;
    int digits_only = 1;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)s[i] : '.';
        if (c == '.') {
            size_t len = i - start;
            if (len == 0 || len > 63 || s[start] == '-' || s[i - 1] == '-')
                return fail(URNE_INITIATIVE_EMAIL_DOMAIN, from + (len ? start : i), at, out);
            labels++;
            start = i + 1;
            if (i < n) digits_only = 1;
            continue;
        }
        if (!letter_digit(c) && c != '-') return fail(URNE_INITIATIVE_EMAIL_DOMAIN, from + i, at, out);
        if (!(c >= '0' && c <= '9')) digits_only = 0;
    }
    if (labels < 2 || digits_only) return fail(URNE_INITIATIVE_EMAIL_DOMAIN, from + n, at, out);
    return NULL;
}

const char *urne_initiative_email_normalise(const char *in, char *out, size_t size, size_t *at) {
    assert(out != NULL && size >= URNE_INITIATIVE_EMAIL_MAX && at != NULL);
    *at = 0;
    out[0] = 0;
    if (in == NULL) in = "";
    size_t lead = 0, n = strlen(in);
    while (lead < n && (in[lead] == ' ' || in[lead] == '\t')) lead++;
    while (n > lead && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\r' || in[n - 1] == '\n')) n--;
    const char *s = in + lead;
    n -= lead;
    if (n == 0) return fail(URNE_INITIATIVE_EMAIL_EMPTY, 0, at, out);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return fail(URNE_INITIATIVE_EMAIL_ASCII, lead + i, at, out);
    if (n > 254) return fail(URNE_INITIATIVE_EMAIL_LONG, lead + 254, at, out);
    const char *sign = memchr(s, '@', n);
    if (sign == NULL || sign == s || sign == s + n - 1 || memchr(sign + 1, '@', n - (size_t)(sign - s) - 1))
        return fail(URNE_INITIATIVE_EMAIL_AT, sign ? lead + (size_t)(sign - s) : 0, at, out);
    size_t nl = (size_t)(sign - s);
    const char *why = check_local(s, nl, lead, at, out);
    if (why == NULL) why = check_domain(sign + 1, n - nl - 1, lead + nl + 1, at, out);
    if (why) return why;
    for (size_t i = 0; i < n; i++) out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    out[n] = 0;
    return NULL;
}

void urne_initiative_email_mailbox(const char *normalised, char *out, size_t size) {
    assert(normalised != NULL && out != NULL && size >= URNE_INITIATIVE_EMAIL_MAX);
    const char *sign = normalised;
    while (*sign && *sign != '@') sign++;
    const char *domain = *sign ? sign + 1 : sign;
    int gmail = strcmp(domain, "gmail.com") == 0 || strcmp(domain, "googlemail.com") == 0;
    size_t o = 0;
    for (const char *p = normalised; p < sign && o + 1 < size; p++) {
        if (*p == '+' && p > normalised) break; /* a subaddress: the box is the part before */
        if (gmail && *p == '.') continue;
        out[o++] = *p;
    }
    const char *rest = gmail ? "@gmail.com" : sign;
    for (; *rest && o + 1 < size; rest++) out[o++] = *rest;
    out[o] = 0;
}
