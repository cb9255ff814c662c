/*
 * audit_forums_json: reading the forums' audit entries back for `urne audit
 * verify` (store_audit.h, urne_audit_fold_forum). app/forum.c writes them:
 * "forum.create" and "forum.configure" on "forum/ID" with the forum's row
 * {"id", "attached", "title", "mode", "visitors", "created_at", "created_by"};
 * "forum.ban" on "forum/ID" (0: the site) with the ban's row {"id", "forum",
 * "kind", "value" (its SHA-256, "sha256:HEX": app/forum.h's
 * urne_app_ban_value_logged), "reason", "created_at", "created_by"}; "post.approve",
 * "post.reject", "post.hide", "post.edit" on "post/ID" with {"id", "forum",
 * "state", "decided_by", "decided_at", "reason", "edited_body", "edit_note"}.
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

static int64_t id_of(const json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

/* The entry's object is `kind`/id. */
static int object_is(const urne_audit_entry *e, const char *kind, int64_t id) {
    char object[48];
    snprintf(object, sizeof object, "%s/%lld", kind, (long long)id);
    return e->object && strcmp(e->object, object) == 0;
}

static int fold_forum(urne_audit_forums *f, const urne_audit_entry *e, const json_t *a, int created) {
    urne_audit_forum x;
    memset(&x, 0, sizeof x);
    x.id = id_of(a, "id");
    json_t *visitors = json_object_get(a, "visitors");
    if (x.id <= 0 || !object_is(e, "forum", x.id) || !json_is_boolean(visitors) ||
        member(a, "attached", x.attached, sizeof x.attached) < 0 || member(a, "title", x.title, sizeof x.title) < 0 ||
        member(a, "mode", x.mode, sizeof x.mode) < 0 || member(a, "created_at", x.created_at, sizeof x.created_at) < 0 ||
        member(a, "created_by", x.created_by, sizeof x.created_by) < 0)
        return -3;
    x.visitors = json_is_true(visitors);
    return urne_audit_forums_put_forum(f, e->seq, &x, created);
}

static int fold_ban(urne_audit_forums *f, const urne_audit_entry *e, const json_t *a) {
    urne_audit_ban x;
    memset(&x, 0, sizeof x);
    x.id = id_of(a, "id");
    x.forum = id_of(a, "forum");
    if (x.id <= 0 || x.forum < 0 || !object_is(e, "forum", x.forum) || member(a, "kind", x.kind, sizeof x.kind) < 0 ||
        member(a, "value", x.value, sizeof x.value) < 0 || member(a, "reason", x.reason, sizeof x.reason) < 0 ||
        member(a, "created_at", x.created_at, sizeof x.created_at) < 0 ||
        member(a, "created_by", x.created_by, sizeof x.created_by) < 0)
        return -3;
    return urne_audit_forums_put_ban(f, e->seq, &x);
}

static int fold_post(urne_audit_forums *f, const urne_audit_entry *e, const json_t *a) {
    urne_audit_post x;
    memset(&x, 0, sizeof x);
    x.id = id_of(a, "id");
    x.forum = id_of(a, "forum");
    x.reason = json_string_value(json_object_get(a, "reason"));
    x.edited_body = json_string_value(json_object_get(a, "edited_body"));
    x.edit_note = json_string_value(json_object_get(a, "edit_note"));
    if (x.id <= 0 || x.forum <= 0 || !object_is(e, "post", x.id) || !x.reason || !x.edited_body || !x.edit_note ||
        member(a, "state", x.state, sizeof x.state) < 0 ||
        member(a, "decided_by", x.decided_by, sizeof x.decided_by) < 0 ||
        member(a, "decided_at", x.decided_at, sizeof x.decided_at) < 0)
        return -3;
    return urne_audit_forums_put_post(f, e->seq, &x);
}

int urne_audit_fold_forum(urne_audit_forums *f, const urne_audit_entry *e, char *why, size_t size) {
    const char *act = e->action ? e->action : "";
    int forum = strncmp(act, "forum.", 6) == 0, post = strncmp(act, "post.", 5) == 0;
    if (!forum && !post) return 0; /* not a forum's entry */
    json_t *a = json_loads(e->after ? e->after : "null", JSON_DECODE_ANY, NULL);
    int rc = -3;
    if (json_is_object(a)) {
        if (strcmp(act, "forum.create") == 0 || strcmp(act, "forum.configure") == 0)
            rc = fold_forum(f, e, a, strcmp(act, "forum.create") == 0);
        else if (strcmp(act, "forum.ban") == 0)
            rc = fold_ban(f, e, a);
        else if (post)
            rc = fold_post(f, e, a);
    }
    json_decref(a);
    if (rc == 0) return 0;
    if (rc == -1)
        snprintf(why, size, "out of memory");
    else
        snprintf(why, size, "entry %lld: %s on %s: %s", (long long)e->seq, act, e->object ? e->object : "",
                 rc == -2 ? "it contradicts an earlier entry" : "its record is malformed or not a forum's");
    return -1;
}
