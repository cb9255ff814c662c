/*
 * authz: the one place that decides whether an actor may do something to an
 * object, for every component.
 *
 * Roles are held per *space*: the site itself, an organisation (a federation, a
 * town, a cooperative), an election, and later a council, an initiative or a forum.
 * Spaces nest: an election belongs to an organisation, the organisation to the
 * site. A grant gives a user a role (and, for a commission, a tier) in one space,
 * and holds in every space below it: the commission of a federation hears the
 * disputes of that federation's elections, and is nobody in another federation's.
 *
 * A request names an action (enter a sheet, contest, publish...) and the object's
 * space, given as its chain from the object up to the site ("election/3",
 * "org/1", ""). The decision looks for a grant of a role that the action's policy
 * allows, in any space of the chain, with the tier the action needs. The policy of
 * every action is one table (authz.c), tested cell by cell (tests/unit/test_authz.c).
 *
 * Pure: grants and chains are given in memory; the store keeps them, the
 * application layer gathers them and asks here. What depends on the object beyond
 * its space (a secretary's own bureaux, a dispute's state) is the component's to
 * check after this says yes.
 */
#ifndef URNE_AUTHZ_H
#define URNE_AUTHZ_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_role.h"

/* Every action a route or a command can ask for. */
typedef enum {
    URNE_ACT_READ_PUBLIC,      /* results, published pages: anyone */
    URNE_ACT_READ_SELF,        /* who am I */
    URNE_ACT_READ_REVIEW,      /* anomalies, disputes, the audit log */
    URNE_ACT_ENTER_SHEET,      /* a secretary enters a tally sheet */
    URNE_ACT_CONTEST,          /* a commission contests a bureau */
    URNE_ACT_DECIDE,           /* a commission decides a dispute (its tier or higher) */
    URNE_ACT_ESCALATE,         /* a decision taken to the higher commission */
    URNE_ACT_PUBLISH,          /* results published */
    URNE_ACT_MANAGE_ELECTIONS, /* create or import an election, assign bureaux */
    URNE_ACT_MANAGE_USERS,     /* accounts and grants */
    URNE_ACT_PUBLISH_NOTICE,   /* the notice component: an administrator's announcement */
    URNE_ACT_GRANT_ROLES,      /* give or take back a role in a space: its administrators, or the site's */
    URNE_ACT_MANAGE_INITIATIVES, /* create an initiative, import its roll, move it along its life */
    URNE_ACT_DECIDE_INITIATIVE,  /* its committee: admissibility, invalidating signatures */
    URNE_ACT_SIGN_INITIATIVE,    /* sign one, check a receipt: anyone (the roll decides who counts) */
    URNE_ACT_MANAGE_MATCHES,     /* the matching's coordinator: create a campaign, import, run and publish rounds */
    URNE_ACT_ENTER_WISHES,       /* a teacher enters their school's pupils' wishes */
    URNE_ACT_EDIT_PLACES,        /* a host (an account granted in its host's space) edits its places */
    URNE_ACT_ANSWER_PLACEMENT,   /* a pupil's or a host's private code: anyone (the code decides) */
    URNE_ACT_MANAGE_FORUMS,      /* create a forum, set its mode: administrators */
    URNE_ACT_MODERATE_FORUM,     /* approve, reject, edit, hide, ban: a forum's moderators (and administrators) */
    URNE_ACT_POST_FORUM,         /* write in a forum, see one's post's state: anyone (the forum decides) */
    URNE_ACT_COUNT
} urne_action;

/* "enter-sheet", ...; NULL for an unknown action. */
const char *urne_action_name(urne_action a);

/* A role held in a space. space is "" for the whole site, else "kind/id". */
typedef struct urne_grant {
    const char *space;
    urne_role role;
    int tier; /* commissions: 1 first instance, 2 higher; 0 otherwise */
} urne_grant;

/* What the decision needs of the object: its space chain, nearest first, ending
 * with "" (the site). `tier` is the tier the object requires (a dispute's), 0 when
 * none. */
typedef struct urne_authz_object {
    const char *const *chain;
    size_t nchain;
    int tier;
} urne_authz_object;

typedef enum {
    URNE_AUTHZ_ALLOWED,
    URNE_AUTHZ_LOGIN_NEEDED, /* no grant at all and the action needs one: log in */
    URNE_AUTHZ_FORBIDDEN,    /* logged in, but no grant fits */
    URNE_AUTHZ_TIER,         /* the right role, too low a tier */
} urne_authz_decision;

/* May an actor holding `grants` (n of them; none for the public) do `action` to
 * `object`? `logged_in` says whether the actor is a user at all (a user may hold no
 * grant). When allowed and `used` is not NULL, *used is the grant that allowed it
 * (NULL for actions open to anyone). */
urne_authz_decision urne_authz_decide(const urne_grant *grants, size_t n, int logged_in, urne_action action,
                                      const urne_authz_object *object, const urne_grant **used);

/* The roles the policy allows for an action, as bits of urne_role (the public's bit
 * when anyone may): what the route table prints and the docs show. */
unsigned urne_authz_roles(urne_action action);

/* 1 when a grant in `grant_space` holds for the object: the space is one of the
 * object's chain (the object's own space, one above it, or the site ""), or a
 * space that one of them is nested in ("org" holds for "org/a/b"). An election's
 * own space "election/N" is held only by a grant in that very space. */
int urne_authz_covers(const char *grant_space, const urne_authz_object *object);

/* 1 when some grant of the n would allow `action` in its own space (whatever the
 * object): what a route whose object's space is a field of the request asks
 * before reading it ("may this actor grant roles anywhere?"). The use case then
 * decides for the space named, with urne_authz_decide. */
int urne_authz_somewhere(const urne_grant *grants, size_t n, urne_action action);

/* 1 when the action's object is named by the request rather than by its path (a
 * grant's space): a route asks urne_authz_somewhere, its use case the space. */
int urne_authz_space_in_request(urne_action action);

#endif
