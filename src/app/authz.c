/*
 * authz: who may do what, where (see authz.h).
 *
 * The policy is the table below: for each action, the roles that may take it and
 * whether it needs a tier. Reading it answers "who may publish?" at a glance, and
 * changing it changes every route and command that asks, since none decides alone.
 * Administrators are not given every right: an administrator publishes and
 * manages, but neither enters sheets nor decides disputes, which are the
 * secretaries' and the commission's acts and must carry their names.
 */
#include <assert.h>
#include <string.h>

#include "authz.h"

#define BIT(role) (1u << (role))
#define ANYONE (BIT(URNE_ROLE_PUBLIC) | BIT(URNE_ROLE_OBSERVER) | BIT(URNE_ROLE_SECRETARY) | \
                BIT(URNE_ROLE_COMMISSION) | BIT(URNE_ROLE_ADMIN) | BIT(URNE_ROLE_MODERATOR))
#define USERS (ANYONE & ~BIT(URNE_ROLE_PUBLIC))
#define REVIEW (BIT(URNE_ROLE_OBSERVER) | BIT(URNE_ROLE_COMMISSION) | BIT(URNE_ROLE_ADMIN))

static const struct {
    const char *name;
    unsigned roles;
    int needs_tier;       /* the grant's tier must be at least the object's */
    int space_in_request; /* the object's space is a field of the request */
} policy[URNE_ACT_COUNT] = {
    [URNE_ACT_READ_PUBLIC] = {"read-public", ANYONE, 0, 0},
    [URNE_ACT_READ_SELF] = {"read-self", USERS, 0, 0},
    [URNE_ACT_READ_REVIEW] = {"read-review", REVIEW, 0, 0},
    [URNE_ACT_ENTER_SHEET] = {"enter-sheet", BIT(URNE_ROLE_SECRETARY), 0, 0},
    [URNE_ACT_CONTEST] = {"contest", BIT(URNE_ROLE_COMMISSION), 0, 0},
    [URNE_ACT_DECIDE] = {"decide", BIT(URNE_ROLE_COMMISSION), 1, 0},
    [URNE_ACT_ESCALATE] = {"escalate", BIT(URNE_ROLE_COMMISSION) | BIT(URNE_ROLE_ADMIN), 0, 0},
    [URNE_ACT_PUBLISH] = {"publish", BIT(URNE_ROLE_ADMIN), 0, 0},
    [URNE_ACT_MANAGE_ELECTIONS] = {"manage-elections", BIT(URNE_ROLE_ADMIN), 0, 0},
    [URNE_ACT_MANAGE_USERS] = {"manage-users", BIT(URNE_ROLE_ADMIN), 0, 0},
    [URNE_ACT_PUBLISH_NOTICE] = {"publish-notice", BIT(URNE_ROLE_ADMIN), 0, 0},
    [URNE_ACT_GRANT_ROLES] = {"grant-roles", BIT(URNE_ROLE_ADMIN), 0, 1},
    /* An initiative's space is named by the request (its id: "initiative/N", in the
     * space it was created in), so the dispatcher asks "somewhere" and the use
     * case decides on the initiative's chain. */
    [URNE_ACT_MANAGE_INITIATIVES] = {"manage-initiatives", BIT(URNE_ROLE_ADMIN), 0, 1},
    [URNE_ACT_DECIDE_INITIATIVE] = {"decide-initiative", BIT(URNE_ROLE_COMMISSION), 0, 1},
    [URNE_ACT_SIGN_INITIATIVE] = {"sign-initiative", ANYONE, 0, 0},
    /* A matching campaign's grants are held in "match/N" (in the space it was
     * created in), a teacher's in "match/N/school/SCHOOL", a host account's in
     * "match/N/host/HOST": the dispatcher asks "somewhere", the use case decides
     * on the campaign's, school's or host's chain (app/match.h). */
    [URNE_ACT_MANAGE_MATCHES] = {"manage-matches", BIT(URNE_ROLE_ADMIN), 0, 1},
    [URNE_ACT_ENTER_WISHES] = {"enter-wishes", BIT(URNE_ROLE_SECRETARY), 0, 1},
    [URNE_ACT_EDIT_PLACES] = {"edit-places", BIT(URNE_ROLE_ADMIN), 0, 1},
    [URNE_ACT_ANSWER_PLACEMENT] = {"answer-placement", ANYONE, 0, 0},
    /* A forum's space is "forum/N" within the space of what it is attached to
     * (app/forum.c builds the chain): a moderator granted in "forum/3" moderates
     * that forum only; one granted in "org/nord" every forum attached to its
     * initiatives and elections. Asked "somewhere" by the dispatcher, decided by
     * the use case on the forum's chain. */
    [URNE_ACT_MANAGE_FORUMS] = {"manage-forums", BIT(URNE_ROLE_ADMIN), 0, 1},
    [URNE_ACT_MODERATE_FORUM] = {"moderate-forum", BIT(URNE_ROLE_MODERATOR) | BIT(URNE_ROLE_ADMIN), 0, 1},
    [URNE_ACT_POST_FORUM] = {"post-forum", ANYONE, 0, 0},
};

const char *urne_action_name(urne_action a) {
    return (unsigned)a < URNE_ACT_COUNT ? policy[a].name : NULL;
}

unsigned urne_authz_roles(urne_action action) {
    assert((unsigned)action < URNE_ACT_COUNT);
    return (unsigned)action < URNE_ACT_COUNT ? policy[action].roles : 0;
}

/* 1 when `space` is `outer` or nested in it: "org" holds for "org/a" and "org/a/b",
 * so a federation's commission reaches its sections' elections. An election's own
 * space ("election/N"), as a forum's ("forum/N"), is a leaf reached only by its
 * own name: a grant in a space called "election" must not hold for every election. */
static int space_within(const char *space, const char *outer) {
    if (strcmp(space, outer) == 0) return 1;
    if (strncmp(space, "election/", 9) == 0 || strncmp(space, "forum/", 6) == 0) return 0;
    size_t n = strlen(outer);
    return n > 0 && strncmp(space, outer, n) == 0 && space[n] == '/';
}

int urne_authz_covers(const char *grant_space, const urne_authz_object *object) {
    for (size_t i = 0; i < object->nchain; i++)
        if (space_within(object->chain[i], grant_space)) return 1;
    return 0;
}

int urne_authz_space_in_request(urne_action action) {
    assert((unsigned)action < URNE_ACT_COUNT);
    return (unsigned)action < URNE_ACT_COUNT && policy[action].space_in_request;
}

int urne_authz_somewhere(const urne_grant *grants, size_t n, urne_action action) {
    assert((unsigned)action < URNE_ACT_COUNT);
    if ((unsigned)action >= URNE_ACT_COUNT) return 0;
    for (size_t i = 0; i < n; i++)
        if (policy[action].roles & BIT(grants[i].role)) return 1;
    return 0;
}

urne_authz_decision urne_authz_decide(const urne_grant *grants, size_t n, int logged_in, urne_action action,
                                      const urne_authz_object *object, const urne_grant **used) {
    assert((unsigned)action < URNE_ACT_COUNT);
    assert(object->nchain > 0 && strcmp(object->chain[object->nchain - 1], "") == 0); /* ends at the site */
    if (used) *used = NULL;
    if ((unsigned)action >= URNE_ACT_COUNT) return URNE_AUTHZ_FORBIDDEN;
    unsigned allowed = policy[action].roles;
    if (allowed & BIT(URNE_ROLE_PUBLIC)) return URNE_AUTHZ_ALLOWED;
    if (!logged_in) return URNE_AUTHZ_LOGIN_NEEDED;
    if (action == URNE_ACT_READ_SELF) return URNE_AUTHZ_ALLOWED;
    int tier_short = 0;
    for (size_t i = 0; i < n; i++) {
        const urne_grant *g = &grants[i];
        if (!(allowed & BIT(g->role)) || !urne_authz_covers(g->space, object)) continue;
        if (policy[action].needs_tier && g->tier < object->tier) {
            tier_short = 1;
            continue;
        }
        if (used) *used = g;
        return URNE_AUTHZ_ALLOWED;
    }
    return tier_short ? URNE_AUTHZ_TIER : URNE_AUTHZ_FORBIDDEN;
}
