/*
 * audit_grants_json: reading the grants' audit entries back for `urne audit
 * verify` (store_audit.h, urne_audit_fold_grant). app/grants.c writes them:
 * "user.grant" on "user/ID" with after {"space", "role", "tier"}, "user.ungrant"
 * with after {"space"}. Kept beside audit_json.c rather than in it, so that the
 * results' codec and this one change apart.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"

/* The id in "user/ID", or 0 when the object is not that. */
static int64_t user_of(const char *object) {
    if (object == NULL || strncmp(object, "user/", 5) != 0 || object[5] < '1' || object[5] > '9') return 0;
    char *end;
    long long id = strtoll(object + 5, &end, 10);
    return *end == 0 && id > 0 ? (int64_t)id : 0;
}

int urne_audit_fold_grant(urne_audit_grants *g, const urne_audit_entry *e, char *why, size_t size) {
    const char *act = e->action ? e->action : "";
    int put = strcmp(act, "user.grant") == 0;
    if (!put && strcmp(act, "user.ungrant") != 0) return 0; /* not a grant's entry */
    int64_t user = user_of(e->object);
    json_t *a = json_loads(e->after ? e->after : "null", JSON_DECODE_ANY, NULL);
    const char *space = json_string_value(json_object_get(a, "space"));
    const char *role = json_string_value(json_object_get(a, "role"));
    json_t *tier = json_object_get(a, "tier");
    urne_audit_grant x = {.user = user};
    int ok = user > 0 && space && strlen(space) < sizeof x.space &&
             (!put || (role && strlen(role) < sizeof x.role && json_is_integer(tier)));
    int rc = 0;
    if (!ok)
        snprintf(why, size, "entry %lld: %s on %s: its record of the grant is malformed", (long long)e->seq, act,
                 e->object ? e->object : "");
    else if (put) {
        snprintf(x.space, sizeof x.space, "%s", space);
        snprintf(x.role, sizeof x.role, "%s", role);
        x.tier = (int)json_integer_value(tier);
        rc = urne_audit_grants_put(g, e->seq, &x);
    } else
        rc = urne_audit_grants_delete(g, e->seq, user, space);
    if (ok && rc < 0) snprintf(why, size, "out of memory");
    json_decref(a);
    return ok && rc == 0 ? 0 : -1;
}
