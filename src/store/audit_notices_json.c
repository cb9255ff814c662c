/*
 * audit_notices_json: reading the notices' audit entries back for `urne audit
 * verify` (store_audit.h, urne_audit_fold_notice). app/notice.c writes them:
 * "notice.publish" on "notice/ID" with after {"id", "title", "body",
 * "published_at", "published_by"}. Beside audit_grants_json.c, for the same
 * reason: each component's codec changes apart.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_backend.h"

/* Copy the string member `key` of o into out (size bytes): 0, or -1 when it is
 * missing, not a string or too long (a malformed record, never cut). */
static int member(const json_t *o, const char *key, char *out, size_t size) {
    const char *v = json_string_value(json_object_get(o, key));
    if (v == NULL || strlen(v) >= size) return -1;
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

int urne_audit_fold_notice(urne_audit_notices *n, const urne_audit_entry *e, char *why, size_t size) {
    if (e->action == NULL || strcmp(e->action, "notice.publish") != 0) return 0; /* not a notice's entry */
    json_t *a = json_loads(e->after ? e->after : "null", JSON_DECODE_ANY, NULL);
    urne_audit_notice x;
    memset(&x, 0, sizeof x);
    json_t *id = json_object_get(a, "id");
    char object[48];
    snprintf(object, sizeof object, "notice/%lld", json_is_integer(id) ? (long long)json_integer_value(id) : 0LL);
    int ok = json_is_integer(id) && json_integer_value(id) > 0 && e->object && strcmp(e->object, object) == 0 &&
             member(a, "title", x.title, sizeof x.title) == 0 && member(a, "body", x.body, sizeof x.body) == 0 &&
             member(a, "published_at", x.published_at, sizeof x.published_at) == 0 &&
             member(a, "published_by", x.published_by, sizeof x.published_by) == 0;
    int rc = 0;
    if (ok) {
        x.id = (int64_t)json_integer_value(id);
        rc = urne_audit_notices_put(n, e->seq, &x);
    }
    json_decref(a);
    if (!ok || rc == -2)
        snprintf(why, size, "entry %lld: %s on %s: %s", (long long)e->seq, e->action, e->object ? e->object : "",
                 ok ? "a notice published twice" : "its record of the notice is malformed");
    else if (rc < 0)
        snprintf(why, size, "out of memory");
    return ok && rc == 0 ? 0 : -1;
}
