/*
 * urne_role: the roles an account may hold, and the names of the spaces it holds
 * them in: what a grant is made of.
 *
 * Kept in core, apart from the store that keeps grants and the policy (app/authz)
 * that decides with them, so that both see the same words without either seeing
 * the other: authz stays pure and the store stays free of policy. Pure.
 *
 * A space is where a grant holds: "" for the whole site, else a path of lower-case
 * words such as "org/federation-nord" (an organisation) or "election/3". Its name
 * is at most URNE_SPACE_MAX bytes of [a-z0-9/_-]; anything else is refused, never
 * cut nor folded to lower case (two spellings of one space would be two spaces).
 */
#ifndef URNE_ROLE_H
#define URNE_ROLE_H

#include <stddef.h>

typedef enum {
    URNE_ROLE_PUBLIC,     /* not logged in; for an account: no role at all ("none") */
    URNE_ROLE_OBSERVER,   /* reads everything, changes nothing */
    URNE_ROLE_SECRETARY,  /* enters the sheets of the bureaux assigned to them */
    URNE_ROLE_COMMISSION, /* contests and decides (tier 1), or overrules (tier 2) */
    URNE_ROLE_ADMIN,
    URNE_ROLE_MODERATOR,  /* moderates forums: held only through a grant in a space ("forum/N", "org/nord"),
                           * never as an account's own role over the site */
} urne_role;
/* The last role, for loops over them all. */
#define URNE_ROLE_LAST URNE_ROLE_MODERATOR

/* "public", "observer", ...; "?" for a value out of range. */
const char *urne_role_name(urne_role r);
/* 0 with the role named, or -1 when name is none. */
int urne_role_parse(const char *name, urne_role *out);

/* The longest space name, in bytes, its NUL not counted. */
#define URNE_SPACE_MAX 95

/* 1 when `space` is a valid space name ("" the site included), else 0 with a
 * sentence saying why in why (size bytes; may be NULL), in English: for the
 * store's and the log's messages. */
int urne_space_valid(const char *space, char *why, size_t size);

/* What is wrong with a space name, as a code an adapter words: -1 when `space` is
 * longer than URNE_SPACE_MAX, the offset of its first byte that is not a-z, 0-9,
 * '/', '_' or '-', or URNE_SPACE_OK when it is a valid name ("" included). */
#define URNE_SPACE_OK (-2)
long urne_space_fault(const char *space);

#endif
