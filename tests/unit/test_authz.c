/*
 * test_authz: the policy as a table, cell by cell (every action x every role), then
 * spaces (a grant holds in its space and below, never beside) and tiers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/app/authz.h"

/* The expected policy, written out independently of authz.c: one letter per role
 * in the order public, observer, secretary, commission, admin, moderator; 'y' allowed. */
static const struct {
    urne_action action;
    const char *cells;
} expected[] = {
    {URNE_ACT_READ_PUBLIC, "yyyyyy"},      {URNE_ACT_READ_SELF, "-yyyyy"},     {URNE_ACT_READ_REVIEW, "-y-yy-"},
    {URNE_ACT_ENTER_SHEET, "--y---"},      {URNE_ACT_CONTEST, "---y--"},       {URNE_ACT_DECIDE, "---y--"},
    {URNE_ACT_ESCALATE, "---yy-"},         {URNE_ACT_PUBLISH, "----y-"},       {URNE_ACT_MANAGE_ELECTIONS, "----y-"},
    {URNE_ACT_MANAGE_USERS, "----y-"},     {URNE_ACT_PUBLISH_NOTICE, "----y-"}, {URNE_ACT_GRANT_ROLES, "----y-"},
    {URNE_ACT_MANAGE_INITIATIVES, "----y-"}, {URNE_ACT_DECIDE_INITIATIVE, "---y--"}, {URNE_ACT_SIGN_INITIATIVE, "yyyyyy"},
    {URNE_ACT_MANAGE_MATCHES, "----y-"},   {URNE_ACT_ENTER_WISHES, "--y---"},  {URNE_ACT_EDIT_PLACES, "----y-"},
    {URNE_ACT_ANSWER_PLACEMENT, "yyyyyy"},
    {URNE_ACT_MANAGE_FORUMS, "----y-"},    {URNE_ACT_MODERATE_FORUM, "----yy"}, {URNE_ACT_POST_FORUM, "yyyyyy"},
};

static const urne_role roles[] = {URNE_ROLE_PUBLIC, URNE_ROLE_OBSERVER, URNE_ROLE_SECRETARY, URNE_ROLE_COMMISSION,
                                  URNE_ROLE_ADMIN, URNE_ROLE_MODERATOR};

static const char *const election3[] = {"election/3", "org/1", ""};
static const urne_authz_object in_org1 = {election3, 3, 1};

static void test_policy_table(void **state) {
    assert_int_equal(sizeof expected / sizeof expected[0], URNE_ACT_COUNT);
    size_t cells = 0;
    for (size_t a = 0; a < URNE_ACT_COUNT; a++) {
        assert_int_equal(expected[a].action, a);
        assert_non_null(urne_action_name(expected[a].action));
        for (size_t k = 0; k < 6; k++) {
            urne_grant g = {"org/1", roles[k], 2};
            int public = roles[k] == URNE_ROLE_PUBLIC;
            urne_authz_decision d =
                urne_authz_decide(public ? NULL : &g, public ? 0 : 1, !public, expected[a].action, &in_org1, NULL);
            int want = expected[a].cells[k] == 'y';
            if (want)
                assert_int_equal(d, URNE_AUTHZ_ALLOWED);
            else
                assert_int_equal(d, public ? URNE_AUTHZ_LOGIN_NEEDED : URNE_AUTHZ_FORBIDDEN);
            assert_int_equal(!!(urne_authz_roles(expected[a].action) & (1u << roles[k])), want);
            cells++;
        }
    }
    assert_int_equal(cells, 6 * URNE_ACT_COUNT);
    assert_null(urne_action_name(URNE_ACT_COUNT));
}

/* A grant's space is named by the request: the route asks whether the actor
 * administers some space, the use case asks for the space named. */
static void test_space_in_request(void **state) {
    for (size_t a = 0; a < URNE_ACT_COUNT; a++)
        assert_int_equal(urne_authz_space_in_request((urne_action)a), a == URNE_ACT_GRANT_ROLES || a == URNE_ACT_MANAGE_INITIATIVES ||
                                                                    a == URNE_ACT_DECIDE_INITIATIVE ||
                                                                    a == URNE_ACT_MANAGE_MATCHES ||
                                                                    a == URNE_ACT_ENTER_WISHES ||
                                                                    a == URNE_ACT_EDIT_PLACES ||
                                                                    a == URNE_ACT_MANAGE_FORUMS ||
                                                                    a == URNE_ACT_MODERATE_FORUM);
    urne_grant admin_a = {"org/a", URNE_ROLE_ADMIN, 0}, com_a = {"org/a", URNE_ROLE_COMMISSION, 1},
               site_sec = {"", URNE_ROLE_SECRETARY, 0};
    assert_true(urne_authz_somewhere(&admin_a, 1, URNE_ACT_GRANT_ROLES));
    assert_false(urne_authz_somewhere(&com_a, 1, URNE_ACT_GRANT_ROLES));
    assert_false(urne_authz_somewhere(NULL, 0, URNE_ACT_GRANT_ROLES));
    urne_grant both[] = {site_sec, admin_a};
    assert_true(urne_authz_somewhere(both, 2, URNE_ACT_GRANT_ROLES));
    assert_false(urne_authz_somewhere(both, 1, URNE_ACT_GRANT_ROLES));
    /* Then the space: org/a and its elections, not org/b, not the site. */
    static const char *const in_a[] = {"election/4", "org/a", ""}, *const in_b[] = {"org/b", ""}, *const site[] = {""};
    urne_authz_object ea = {in_a, 3, 0}, ob = {in_b, 2, 0}, s = {site, 1, 0};
    assert_int_equal(urne_authz_decide(&admin_a, 1, 1, URNE_ACT_GRANT_ROLES, &ea, NULL), URNE_AUTHZ_ALLOWED);
    assert_int_equal(urne_authz_decide(&admin_a, 1, 1, URNE_ACT_GRANT_ROLES, &ob, NULL), URNE_AUTHZ_FORBIDDEN);
    assert_int_equal(urne_authz_decide(&admin_a, 1, 1, URNE_ACT_GRANT_ROLES, &s, NULL), URNE_AUTHZ_FORBIDDEN);
    (void)state;
}

static void test_spaces(void **state) {
    static const char *const election7[] = {"election/7", "org/2", ""};
    static const urne_authz_object in_org2 = {election7, 3, 1};
    const urne_grant *used;
    /* A commission member of federation 1: contests there, is nobody in federation 2. */
    urne_grant com1 = {"org/1", URNE_ROLE_COMMISSION, 1};
    assert_int_equal(urne_authz_decide(&com1, 1, 1, URNE_ACT_CONTEST, &in_org1, &used), URNE_AUTHZ_ALLOWED);
    assert_ptr_equal(used, &com1);
    assert_int_equal(urne_authz_decide(&com1, 1, 1, URNE_ACT_CONTEST, &in_org2, &used), URNE_AUTHZ_FORBIDDEN);
    assert_null(used);
    assert_int_equal(urne_authz_decide(&com1, 1, 1, URNE_ACT_READ_REVIEW, &in_org2, NULL), URNE_AUTHZ_FORBIDDEN);
    /* A grant on one election holds for it only. */
    urne_grant sec3 = {"election/3", URNE_ROLE_SECRETARY, 0};
    assert_int_equal(urne_authz_decide(&sec3, 1, 1, URNE_ACT_ENTER_SHEET, &in_org1, NULL), URNE_AUTHZ_ALLOWED);
    assert_int_equal(urne_authz_decide(&sec3, 1, 1, URNE_ACT_ENTER_SHEET, &in_org2, NULL), URNE_AUTHZ_FORBIDDEN);
    /* The site's administrator holds everywhere. */
    urne_grant site = {"", URNE_ROLE_ADMIN, 0};
    assert_int_equal(urne_authz_decide(&site, 1, 1, URNE_ACT_PUBLISH, &in_org2, NULL), URNE_AUTHZ_ALLOWED);
    /* Several grants: the one that fits is used, whatever their order. */
    urne_grant many[] = {{"org/2", URNE_ROLE_OBSERVER, 0}, {"election/3", URNE_ROLE_SECRETARY, 0},
                         {"org/1", URNE_ROLE_COMMISSION, 1}};
    assert_int_equal(urne_authz_decide(many, 3, 1, URNE_ACT_CONTEST, &in_org1, &used), URNE_AUTHZ_ALLOWED);
    assert_ptr_equal(used, &many[2]);
    assert_int_equal(urne_authz_decide(many, 3, 1, URNE_ACT_READ_REVIEW, &in_org2, &used), URNE_AUTHZ_ALLOWED);
    assert_ptr_equal(used, &many[0]);
    assert_int_equal(urne_authz_decide(many, 3, 1, URNE_ACT_PUBLISH, &in_org1, NULL), URNE_AUTHZ_FORBIDDEN);
    /* A user with no grant at all is logged in, not public. */
    assert_int_equal(urne_authz_decide(NULL, 0, 1, URNE_ACT_CONTEST, &in_org1, NULL), URNE_AUTHZ_FORBIDDEN);
    assert_int_equal(urne_authz_decide(NULL, 0, 1, URNE_ACT_READ_SELF, &in_org1, NULL), URNE_AUTHZ_ALLOWED);
    assert_int_equal(urne_authz_decide(NULL, 0, 0, URNE_ACT_READ_SELF, &in_org1, NULL), URNE_AUTHZ_LOGIN_NEEDED);
    assert_true(urne_authz_covers("", &in_org1));
    assert_true(urne_authz_covers("election/3", &in_org1));
    assert_false(urne_authz_covers("election/30", &in_org1));
    assert_false(urne_authz_covers("org/1/x", &in_org1));
}

/* A forum's moderators: a grant in "forum/3" moderates that forum and no other; a
 * grant in the organisation's space every forum within it; a grant in a space
 * called "forum" none (a forum's space is a leaf, as an election's). */
static void test_forum_moderators(void **state) {
    static const char *const forum3[] = {"forum/3", "initiative/2", "org/nord", ""};
    static const char *const forum4[] = {"forum/4", "org/sud", ""};
    urne_authz_object f3 = {forum3, 4, 0}, f4 = {forum4, 3, 0};
    urne_grant mod3 = {"forum/3", URNE_ROLE_MODERATOR, 1}, nord = {"org/nord", URNE_ROLE_MODERATOR, 1},
               all = {"forum", URNE_ROLE_MODERATOR, 1}, mod30 = {"forum/30", URNE_ROLE_MODERATOR, 1};
    assert_int_equal(urne_authz_decide(&mod3, 1, 1, URNE_ACT_MODERATE_FORUM, &f3, NULL), URNE_AUTHZ_ALLOWED);
    assert_int_equal(urne_authz_decide(&mod3, 1, 1, URNE_ACT_MODERATE_FORUM, &f4, NULL), URNE_AUTHZ_FORBIDDEN);
    assert_int_equal(urne_authz_decide(&nord, 1, 1, URNE_ACT_MODERATE_FORUM, &f3, NULL), URNE_AUTHZ_ALLOWED);
    assert_int_equal(urne_authz_decide(&nord, 1, 1, URNE_ACT_MODERATE_FORUM, &f4, NULL), URNE_AUTHZ_FORBIDDEN);
    assert_int_equal(urne_authz_decide(&all, 1, 1, URNE_ACT_MODERATE_FORUM, &f3, NULL), URNE_AUTHZ_FORBIDDEN);
    assert_int_equal(urne_authz_decide(&mod30, 1, 1, URNE_ACT_MODERATE_FORUM, &f3, NULL), URNE_AUTHZ_FORBIDDEN);
    /* A moderator manages no forum and moderates nothing else. */
    assert_int_equal(urne_authz_decide(&mod3, 1, 1, URNE_ACT_MANAGE_FORUMS, &f3, NULL), URNE_AUTHZ_FORBIDDEN);
    assert_int_equal(urne_authz_decide(&mod3, 1, 1, URNE_ACT_PUBLISH_NOTICE, &f3, NULL), URNE_AUTHZ_FORBIDDEN);
    (void)state;
}

/* Spaces nest by their names: a federation's grant reaches its sections' elections,
 * never a sibling, a longer name that merely begins the same, or every election. */
static void test_nested_spaces(void **state) {
    static const char *const in_section[] = {"election/9", "fed/nord/lille", ""};
    urne_authz_object e9 = {in_section, 3, 0};
    assert_true(urne_authz_covers("fed", &e9));
    assert_true(urne_authz_covers("fed/nord", &e9));
    assert_true(urne_authz_covers("fed/nord/lille", &e9));
    assert_false(urne_authz_covers("fed/nor", &e9));       /* a prefix of a name, not a parent */
    assert_false(urne_authz_covers("fed/nord/lille/x", &e9)); /* below the object, not above */
    assert_false(urne_authz_covers("fed/sud", &e9));
    assert_false(urne_authz_covers("feder", &e9));
    assert_false(urne_authz_covers("election", &e9));    /* an election is a leaf */
    assert_false(urne_authz_covers("election/9/x", &e9));
    assert_true(urne_authz_covers("election/9", &e9));
    urne_grant fed_com = {"fed", URNE_ROLE_COMMISSION, 1}, sud_com = {"fed/sud", URNE_ROLE_COMMISSION, 1};
    assert_int_equal(urne_authz_decide(&fed_com, 1, 1, URNE_ACT_CONTEST, &e9, NULL), URNE_AUTHZ_ALLOWED);
    assert_int_equal(urne_authz_decide(&sud_com, 1, 1, URNE_ACT_CONTEST, &e9, NULL), URNE_AUTHZ_FORBIDDEN);
    /* A federation's administrator grants roles in its sections, not in its parent. */
    urne_grant fed_admin = {"fed/nord", URNE_ROLE_ADMIN, 0};
    static const char *const section[] = {"fed/nord/lille", ""}, *const parent[] = {"fed", ""};
    urne_authz_object sec = {section, 2, 0}, par = {parent, 2, 0};
    assert_int_equal(urne_authz_decide(&fed_admin, 1, 1, URNE_ACT_GRANT_ROLES, &sec, NULL), URNE_AUTHZ_ALLOWED);
    assert_int_equal(urne_authz_decide(&fed_admin, 1, 1, URNE_ACT_GRANT_ROLES, &par, NULL), URNE_AUTHZ_FORBIDDEN);
    (void)state;
}

static void test_tiers(void **state) {
    static const char *const chain[] = {"election/3", "org/1", ""};
    urne_authz_object tier2 = {chain, 3, 2};
    urne_grant t1 = {"org/1", URNE_ROLE_COMMISSION, 1}, t2 = {"", URNE_ROLE_COMMISSION, 2};
    assert_int_equal(urne_authz_decide(&t1, 1, 1, URNE_ACT_DECIDE, &tier2, NULL), URNE_AUTHZ_TIER);
    assert_int_equal(urne_authz_decide(&t2, 1, 1, URNE_ACT_DECIDE, &tier2, NULL), URNE_AUTHZ_ALLOWED);
    assert_int_equal(urne_authz_decide(&t2, 1, 1, URNE_ACT_DECIDE, &in_org1, NULL), URNE_AUTHZ_ALLOWED);
    /* Tiers matter only where the policy says so: a tier-1 member contests anywhere in its space. */
    assert_int_equal(urne_authz_decide(&t1, 1, 1, URNE_ACT_CONTEST, &tier2, NULL), URNE_AUTHZ_ALLOWED);
    urne_grant both[] = {t1, t2};
    assert_int_equal(urne_authz_decide(both, 2, 1, URNE_ACT_DECIDE, &tier2, NULL), URNE_AUTHZ_ALLOWED);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_table),
        cmocka_unit_test(test_space_in_request),
        cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_forum_moderators),
        cmocka_unit_test(test_nested_spaces),
        cmocka_unit_test(test_tiers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
