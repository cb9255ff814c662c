/*
 * The forum's rules (forum/forum.h): a contribution's fields at their edges (empty,
 * blank, the longest allowed and one byte more, invalid UTF-8, control characters,
 * a visitor's name and address), the spam signals and their score, the state a
 * contribution starts in under each mode, every moderation act from every state (a
 * table), and the waiting-time figures.
 */
#include "helpers.h"

#include <stdint.h>

#include "../../src/forum/forum.h"

static char *repeat(char c, size_t n) {
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = 0;
    return s;
}

#define REFUSED(c, mode, visitors, field_, rule_)                                   \
    do {                                                                            \
        urne_forum_fault f_;                                                        \
        assert_int_equal(urne_forum_contribution_check((c), (mode), (visitors), &f_), -1); \
        assert_string_equal(f_.field, (field_));                                   \
        assert_string_equal(f_.rule, (rule_));                                     \
    } while (0)

static void test_contribution(void **state) {
    (void)state;
    urne_forum_fault f;
    urne_forum_contribution c = {.title = "Budget participatif", .message = "Je propose {{trois}} projets.", .member = 1};
    assert_int_equal(urne_forum_contribution_check(&c, URNE_FORUM_A_PRIORI, 0, &f), 0);
    REFUSED(&c, URNE_FORUM_CLOSED, 1, "forum", URNE_FORUM_CLOSED_RULE);
    /* a title: required for a thread, optional for a reply */
    c.title = "";
    REFUSED(&c, URNE_FORUM_A_PRIORI, 0, "title", URNE_FORUM_LENGTH);
    c.reply = 1;
    assert_int_equal(urne_forum_contribution_check(&c, URNE_FORUM_A_PRIORI, 0, &f), 0);
    c.title = "   \t ";
    REFUSED(&c, URNE_FORUM_A_PRIORI, 0, "title", URNE_FORUM_BLANK);
    c.title = "deux\nlignes";
    REFUSED(&c, URNE_FORUM_A_PRIORI, 0, "title", URNE_FORUM_CONTROL);
    char *longest = repeat('a', URNE_FORUM_TITLE_MAX), *over = repeat('a', URNE_FORUM_TITLE_MAX + 1);
    c.title = longest;
    assert_int_equal(urne_forum_contribution_check(&c, URNE_FORUM_A_PRIORI, 0, &f), 0);
    c.title = over;
    assert_int_equal(urne_forum_contribution_check(&c, URNE_FORUM_A_PRIORI, 0, &f), -1);
    assert_string_equal(f.rule, URNE_FORUM_LENGTH);
    assert_int_equal(f.at, URNE_FORUM_TITLE_MAX + 1);
    assert_int_equal(f.limit, URNE_FORUM_TITLE_MAX);
    free(longest);
    free(over);
    c.title = "Réponse";
    /* the message */
    c.message = "";
    REFUSED(&c, URNE_FORUM_A_PRIORI, 0, "message", URNE_FORUM_LENGTH);
    c.message = " \n\n \r\n";
    REFUSED(&c, URNE_FORUM_A_PRIORI, 0, "message", URNE_FORUM_BLANK);
    c.message = "ligne un\r\nligne deux\n\n\tfin";
    assert_int_equal(urne_forum_contribution_check(&c, URNE_FORUM_A_PRIORI, 0, &f), 0);
    c.message = "caf\xc3\xa9 \xc3";
    assert_int_equal(urne_forum_contribution_check(&c, URNE_FORUM_A_PRIORI, 0, &f), -1);
    assert_string_equal(f.rule, URNE_FORUM_UTF8);
    assert_int_equal(f.at, 6);
    c.message = "bip\x07";
    REFUSED(&c, URNE_FORUM_A_PRIORI, 0, "message", URNE_FORUM_CONTROL);
    char *mega = repeat('x', 1 << 20);
    c.message = mega;
    REFUSED(&c, URNE_FORUM_A_PRIORI, 0, "message", URNE_FORUM_LENGTH);
    free(mega);
    c.message = "Bonjour.";
    /* a visitor: where the forum lets visitors write, with a name and an address */
    c.member = 0;
    REFUSED(&c, URNE_FORUM_A_PRIORI, 0, "forum", URNE_FORUM_VISITORS);
    REFUSED(&c, URNE_FORUM_A_PRIORI, 1, "name", URNE_FORUM_LENGTH);
    c.name = "Camille";
    REFUSED(&c, URNE_FORUM_A_PRIORI, 1, "email", URNE_FORUM_LENGTH);
    static const char *const bad[] = {"camille", "@exemple.fr", "camille@", "camille@exemple", "camille@.fr",
                                      "camille@exemple.", "ca mille@exemple.fr", "a@b@c.fr", "<a@b.fr>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c.email = bad[i];
        assert_int_equal(urne_forum_contribution_check(&c, URNE_FORUM_A_POSTERIORI, 1, &f), -1);
        assert_string_equal(f.field, "email");
    }
    c.email = "camille.dupont+forum@exemple.fr";
    assert_int_equal(urne_forum_contribution_check(&c, URNE_FORUM_A_POSTERIORI, 1, &f), 0);
}

static void test_reason(void **state) {
    (void)state;
    urne_forum_fault f;
    assert_int_equal(urne_forum_reason_check("Hors sujet :\nvoir la charte.", &f), 0);
    assert_int_equal(urne_forum_reason_check("", &f), -1);
    assert_string_equal(f.field, "reason");
    assert_int_equal(urne_forum_reason_check("  ", &f), -1);
    assert_string_equal(f.rule, URNE_FORUM_BLANK);
    assert_int_equal(urne_forum_reason_check(NULL, &f), -1);
}

static void test_flags(void **state) {
    (void)state;
    urne_forum_limits lim = urne_forum_limits_default();
    urne_forum_signals s = {.fill_seconds = 40, .links = 3, .from_address = 20, .from_author = 10};
    int score = -1;
    assert_int_equal(urne_forum_flags(&s, &lim, &score), 0); /* every limit exactly reached: nothing */
    assert_int_equal(score, 0);
    s.fill_seconds = -1; /* unknown: no flag */
    assert_int_equal(urne_forum_flags(&s, &lim, NULL), 0);
    s.fill_seconds = 2;
    assert_int_equal(urne_forum_flags(&s, &lim, &score), URNE_FORUM_FLAG_TOO_FAST);
    assert_int_equal(score, 20);
    s = (urne_forum_signals){.honeypot = 1, .fill_seconds = 0, .links = 5, .duplicate = 1, .from_address = 21,
                             .from_author = 11};
    unsigned all = urne_forum_flags(&s, &lim, &score);
    assert_int_equal(all, (1u << URNE_FORUM_NFLAGS) - 1);
    assert_int_equal(score, 50 + 20 + (10 + 2 * 5) + 20 + 15 + 15);
    for (unsigned k = 0; k < URNE_FORUM_NFLAGS; k++) assert_non_null(urne_forum_flag_name(1u << k));
    assert_null(urne_forum_flag_name(3));
    assert_string_equal(urne_forum_flag_name(URNE_FORUM_FLAG_HONEYPOT), "honeypot");
    s = (urne_forum_signals){.fill_seconds = 60, .links = (size_t)1 << 40};
    urne_forum_flags(&s, &lim, &score);
    assert_true(score > 0 && score <= 510); /* bounded, never overflowed */
}

static void test_initial_state(void **state) {
    (void)state;
    urne_post_state st;
    assert_int_equal(urne_forum_initial_state(URNE_FORUM_A_PRIORI, 0, 0, &st), 0);
    assert_int_equal(st, URNE_POST_WAITING);
    assert_int_equal(urne_forum_initial_state(URNE_FORUM_A_PRIORI, 0, 1, &st), 0);
    assert_int_equal(st, URNE_POST_PUBLISHED);
    assert_int_equal(urne_forum_initial_state(URNE_FORUM_A_PRIORI, URNE_FORUM_FLAG_LINKS, 1, &st), 0);
    assert_int_equal(st, URNE_POST_WAITING);
    assert_int_equal(urne_forum_initial_state(URNE_FORUM_A_POSTERIORI, 0, 0, &st), 0);
    assert_int_equal(st, URNE_POST_PUBLISHED);
    assert_int_equal(urne_forum_initial_state(URNE_FORUM_A_POSTERIORI, URNE_FORUM_FLAG_HONEYPOT, 0, &st), 0);
    assert_int_equal(st, URNE_POST_WAITING);
    assert_int_equal(urne_forum_initial_state(URNE_FORUM_CLOSED, 0, 1, &st), -1);
}

/* Every act from every state: the new state, or '-' when refused. */
static void test_moderation_table(void **state) {
    (void)state;
    /* rows: waiting, published, rejected, hidden; columns: approve, reject, hide, edit */
    static const char *const table[4] = {"PRxW", "xxHP", "xxxx", "PxxH"};
    static const char letter[] = {'W', 'P', 'R', 'H'};
    for (int from = 0; from < 4; from++)
        for (int act = 0; act < 4; act++) {
            urne_post_state to = (urne_post_state)99;
            int rc = urne_forum_moderate((urne_post_state)from, (urne_moderation)act, &to);
            char want = table[from][act];
            if (want == 'x') {
                assert_int_equal(rc, -1);
                assert_int_equal(to, 99); /* untouched */
            } else {
                assert_int_equal(rc, 0);
                assert_int_equal(letter[to], want);
            }
        }
    for (int m = 0; m < 3; m++) {
        urne_forum_mode back;
        assert_int_equal(urne_forum_mode_parse(urne_forum_mode_name((urne_forum_mode)m), &back), 0);
        assert_int_equal(back, m);
    }
    for (int s = 0; s < 4; s++) {
        urne_post_state back;
        assert_int_equal(urne_post_state_parse(urne_post_state_name((urne_post_state)s), &back), 0);
        assert_int_equal(back, s);
        assert_non_null(urne_moderation_name((urne_moderation)s));
    }
    urne_forum_mode m;
    assert_int_equal(urne_forum_mode_parse("a priori", &m), -1);
    assert_null(urne_forum_mode_name((urne_forum_mode)7));
}

static void test_waiting(void **state) {
    (void)state;
    int64_t median, oldest;
    urne_forum_waiting(NULL, 0, 1000, &median, &oldest);
    assert_int_equal(median, 0);
    assert_int_equal(oldest, 0);
    int64_t one[] = {400};
    urne_forum_waiting(one, 1, 1000, &median, &oldest);
    assert_int_equal(median, 600);
    assert_int_equal(oldest, 600);
    int64_t four[] = {990, 100, 900, 500}; /* ages 10, 900, 100, 500 */
    urne_forum_waiting(four, 4, 1000, &median, &oldest);
    assert_int_equal(median, 300); /* (100 + 500) / 2 */
    assert_int_equal(oldest, 900);
    int64_t odd[] = {999, 998, 0}; /* ages 1, 2, 1000: median 2, rounded down of nothing */
    urne_forum_waiting(odd, 3, 1000, &median, &oldest);
    assert_int_equal(median, 2);
    assert_int_equal(oldest, 1000);
    int64_t future[] = {2000, 3000}; /* a clock set back */
    urne_forum_waiting(future, 2, 1000, &median, &oldest);
    assert_int_equal(median, 0);
    assert_int_equal(oldest, 0);
    int64_t halves[] = {997, 996}; /* ages 3 and 4: 3.5 rounded down */
    urne_forum_waiting(halves, 2, 1000, &median, &oldest);
    assert_int_equal(median, 3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contribution), cmocka_unit_test(test_reason),
        cmocka_unit_test(test_flags),        cmocka_unit_test(test_initial_state),
        cmocka_unit_test(test_moderation_table), cmocka_unit_test(test_waiting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
