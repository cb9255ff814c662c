/*
 * test_initiative_email: initiative/email.h, the e-mail address a lighter
 * petition's signer gives: each rule at its edge and one past it, the offset of
 * the byte at fault, the normalised form (one key for one mailbox), and what
 * could inject a mail header (a line break) refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/initiative/email.h"

/* in is refused with rule at byte `at`, or (rule NULL) normalised to `out`. */
static void one(const char *in, const char *rule, size_t at, const char *out) {
    char norm[URNE_INITIATIVE_EMAIL_MAX];
    size_t where = 99;
    const char *got = urne_initiative_email_normalise(in, norm, sizeof norm, &where);
    if (rule == NULL) {
        if (got) fail_msg("'%s': refused (%s at %zu)", in, got, where);
        if (strcmp(norm, out) != 0) fail_msg("'%s': normalised to '%s', expected '%s'", in, norm, out);
        return;
    }
    if (got == NULL || strcmp(got, rule) != 0) fail_msg("'%s': %s, expected %s", in, got ? got : "accepted", rule);
    if (where != at) fail_msg("'%s': at %zu, expected %zu", in, where, at);
    assert_string_equal(norm, "");
}

static void test_accepted(void **state) {
    (void)state;
    one("jean.martin@example.org", NULL, 0, "jean.martin@example.org");
    one("  Jean.Martin@Example.ORG \t", NULL, 0, "jean.martin@example.org");
    one("a+tag@x-y.example.fr", NULL, 0, "a+tag@x-y.example.fr");
    one("o'brien!#$%&*/=?^_`{|}~-@a.co", NULL, 0, "o'brien!#$%&*/=?^_`{|}~-@a.co");
    one("x@a1.b2", NULL, 0, "x@a1.b2");
}

static void test_refused(void **state) {
    (void)state;
    one(NULL, URNE_INITIATIVE_EMAIL_EMPTY, 0, NULL);
    one("   ", URNE_INITIATIVE_EMAIL_EMPTY, 0, NULL);
    one("jean.martin", URNE_INITIATIVE_EMAIL_AT, 0, NULL);
    one("@example.org", URNE_INITIATIVE_EMAIL_AT, 0, NULL);
    one("jean@", URNE_INITIATIVE_EMAIL_AT, 4, NULL);
    one("a@b@c.org", URNE_INITIATIVE_EMAIL_AT, 1, NULL);
    one(".jean@example.org", URNE_INITIATIVE_EMAIL_LOCAL, 0, NULL);
    one("jean.@example.org", URNE_INITIATIVE_EMAIL_LOCAL, 4, NULL);
    one("je..an@example.org", URNE_INITIATIVE_EMAIL_LOCAL, 2, NULL);
    one("je an@example.org", URNE_INITIATIVE_EMAIL_LOCAL, 2, NULL);
    one("\"jean\"@example.org", URNE_INITIATIVE_EMAIL_LOCAL, 0, NULL);
    one("jean@localhost", URNE_INITIATIVE_EMAIL_DOMAIN, 14, NULL);
    one("jean@example..org", URNE_INITIATIVE_EMAIL_DOMAIN, 13, NULL);
    one("jean@-example.org", URNE_INITIATIVE_EMAIL_DOMAIN, 5, NULL);
    one("jean@example-.org", URNE_INITIATIVE_EMAIL_DOMAIN, 5, NULL);
    one("jean@exa_mple.org", URNE_INITIATIVE_EMAIL_DOMAIN, 8, NULL);
    one("jean@192.168.0.1", URNE_INITIATIVE_EMAIL_DOMAIN, 16, NULL);
    one("jean@[192.168.0.1]", URNE_INITIATIVE_EMAIL_DOMAIN, 5, NULL);
    one("jean@example.org\r\nBcc: x@y.org", URNE_INITIATIVE_EMAIL_AT, 4, NULL); /* a header injected: two @ */
    one("jean@exam\nple.org", URNE_INITIATIVE_EMAIL_DOMAIN, 9, NULL);
    one("jéan@example.org", URNE_INITIATIVE_EMAIL_ASCII, 1, NULL);
}

static void test_lengths(void **state) {
    (void)state;
    char in[400], out[400];
    memset(in, 'a', 64);
    strcpy(in + 64, "@example.org");
    memcpy(out, in, sizeof in);
    one(in, NULL, 0, out); /* a local part of 64 */
    memset(in, 'a', 65);
    strcpy(in + 65, "@example.org");
    one(in, URNE_INITIATIVE_EMAIL_LONG, 64, NULL);
    /* 254 bytes in all: labels of 63 */
    strcpy(in, "a@");
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(in);
        memset(in + n, 'b', i < 3 ? 63 : 60);
        in[n + (i < 3 ? 63 : 60)] = 0;
        if (i < 3) strcat(in, ".");
    }
    assert_int_equal(strlen(in), 254);
    one(in, NULL, 0, in);
    strcat(in, "c");
    one(in, URNE_INITIATIVE_EMAIL_LONG, 254, NULL);
    memset(in, 0, sizeof in);
    strcpy(in, "a@");
    memset(in + 2, 'b', 64);
    strcpy(in + 66, ".org");
    one(in, URNE_INITIATIVE_EMAIL_DOMAIN, 2, NULL); /* a label of 64 */
}

static void box_is(const char *address, const char *expect) {
    char out[URNE_INITIATIVE_EMAIL_MAX];
    urne_initiative_email_mailbox(address, out, sizeof out);
    assert_string_equal(out, expect);
}

/* One mailbox, however it is addressed: a subaddress, and Gmail's dots. */
static void test_mailbox(void **state) {
    (void)state;
    box_is("jean@example.org", "jean@example.org");
    box_is("jean+petition@example.org", "jean@example.org");
    box_is("jean+1+2@example.org", "jean@example.org");
    box_is("jean.martin@example.org", "jean.martin@example.org"); /* dots count elsewhere */
    box_is("jean.martin+x@gmail.com", "jeanmartin@gmail.com");
    box_is("j.e.a.n@googlemail.com", "jean@gmail.com");
    box_is("+jean@example.org", "+jean@example.org"); /* no box before the '+': as typed */
    box_is("a-b_c@sub.example.org", "a-b_c@sub.example.org");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_mailbox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
