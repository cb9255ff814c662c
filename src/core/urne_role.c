/*
 * urne_role: roles' names and spaces' names (see urne_role.h). The names are the
 * ones the store writes and the API and the command line read: changing one is a
 * migration, not an edit.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "urne_role.h"

static const char *const role_names[] = {"public", "observer", "secretary", "commission", "admin", "moderator"};

const char *urne_role_name(urne_role r) { return (unsigned)r <= URNE_ROLE_LAST ? role_names[r] : "?"; }

int urne_role_parse(const char *name, urne_role *out) {
    assert(name && out);
    for (int i = 0; i <= URNE_ROLE_LAST; i++)
        if (strcmp(name, role_names[i]) == 0) {
            *out = (urne_role)i;
            return 0;
        }
    return -1;
}

long urne_space_fault(const char *space) {
    assert(space);
    size_t n = strnlen(space, URNE_SPACE_MAX + 1);
    if (n > URNE_SPACE_MAX) return -1;
    for (size_t i = 0; i < n; i++) {
        char c = space[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-') continue;
        return (long)i;
    }
    return URNE_SPACE_OK;
}

int urne_space_valid(const char *space, char *why, size_t size) {
    long at = urne_space_fault(space);
    if (at == URNE_SPACE_OK) return 1;
    if (why && at < 0) snprintf(why, size, "a space name has at most %d bytes", URNE_SPACE_MAX);
    if (why && at >= 0)
        snprintf(why, size, "a space name is made of a-z, 0-9, '/', '_' and '-' (byte %ld is code %d)", at,
                 (unsigned char)space[at]);
    return 0;
}
