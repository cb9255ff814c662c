/*
 * audit_initiatives_json: reading the initiatives' audit entries back for `urne
 * audit verify` (store_audit.h, urne_audit_fold_initiative). app/initiative.c
 * and initiative_sign.c write them:
 *   "initiative.create" on "initiative/ID": {"id", "title", "space", "rules",
 *       "state", "authority_key", "created_at", "created_by"};
 *   "initiative.<event>" on "initiative/ID": {"id", "from", "state", "at", "text"}
 *       (the text is the committee's reasons for admit and reject, the
 *       authority's answer for answer);
 *   "initiative.roll" on "initiative/ID": {"id", "entries", "territories"};
 *   "initiative.codes" on "initiative/ID": {"id", "territory", "count"} (one-time
 *       codes sent by letter, app/initiative_codes.c: never the codes);
 *   "initiative.invalidate" on "initiative/ID/signature/S": {"id", "signature",
 *       "territory", "reason", "at"};
 *   "initiative.sample" on "initiative/ID": {"id", "seed", "population", "size",
 *       "signatures"} and "initiative.verify": {"id", "sample", "checked",
 *       "valid", "share_bp", "projected", "low", "high", "verdicts"}
 *       (app/initiative_sample.c).
 * Beside audit_notices_json.c, for the same reason: each component's codec
 * changes apart.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"

static int member(const json_t *o, const char *key, char *out, size_t size) {
    const char *v = json_string_value(json_object_get(o, key));
    if (v == NULL || strlen(v) >= size) return -1;
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

static int fold_create(urne_audit_initiatives *n, const urne_audit_entry *e, const json_t *a, int64_t id) {
    urne_audit_initiative *x = calloc(1, sizeof *x);
    if (x == NULL) return -1;
    x->id = id;
    int rc = member(a, "title", x->title, sizeof x->title) || member(a, "space", x->space, sizeof x->space) ||
                     member(a, "rules", x->rules, sizeof x->rules) || member(a, "state", x->state, sizeof x->state) ||
                     member(a, "authority_key", x->authority_key, sizeof x->authority_key) ||
                     member(a, "created_at", x->created_at, sizeof x->created_at) ||
                     member(a, "created_by", x->created_by, sizeof x->created_by)
                 ? -2
                 : 0;
    if (rc == 0) {
        memcpy(x->changed_at, x->created_at, sizeof x->changed_at);
        rc = urne_audit_initiatives_create(n, e->seq, x);
    }
    free(x);
    return rc;
}

static int fold_move(urne_audit_initiatives *n, const urne_audit_entry *e, const json_t *a, int64_t id,
                     const char *event) {
    const char *from = json_string_value(json_object_get(a, "from"));
    const char *to = json_string_value(json_object_get(a, "state"));
    const char *at = json_string_value(json_object_get(a, "at"));
    const char *text = json_string_value(json_object_get(a, "text"));
    if (!from || !to || !at || !text) return -2;
    int decision = strcmp(event, "admit") == 0 || strcmp(event, "reject") == 0;
    return urne_audit_initiatives_move(n, e->seq, id, from, to, at, decision ? text : NULL,
                                       strcmp(event, "answer") == 0 ? text : NULL);
}

/* The entry folded: 0, -1 out of memory, -2 malformed or contradicting the log. */
static int fold(urne_audit_initiatives *n, const urne_audit_entry *e, const json_t *a) {
    static const char *const events[] = {"submit", "admit", "reject", "open", "reach", "close", "transmit", "answer"};
    const char *act = e->action + 11; /* after "initiative." */
    json_t *jid = json_object_get(a, "id");
    int64_t id = json_is_integer(jid) ? (int64_t)json_integer_value(jid) : 0;
    char object[96];
    snprintf(object, sizeof object, "initiative/%lld", (long long)id);
    if (id <= 0 || e->object == NULL) return -2;
    if (strcmp(act, "invalidate") == 0) {
        json_t *js = json_object_get(a, "signature");
        const char *reason = json_string_value(json_object_get(a, "reason"));
        int64_t sig = json_is_integer(js) ? (int64_t)json_integer_value(js) : 0;
        snprintf(object + strlen(object), sizeof object - strlen(object), "/signature/%lld", (long long)sig);
        if (sig <= 0 || reason == NULL || strcmp(e->object, object) != 0) return -2;
        return urne_audit_initiatives_invalidate(n, e->seq, id, sig, reason);
    }
    if (strcmp(e->object, object) != 0) return -2;
    if (strcmp(act, "create") == 0) return fold_create(n, e, a, id);
    /* The roll, the codes by letter, a verification sample drawn and its verdicts
     * change no row the replay compares (the invalidations they lead to are
     * entries of their own). */
    if (strcmp(act, "roll") == 0 || strcmp(act, "codes") == 0 || strcmp(act, "sample") == 0 ||
        strcmp(act, "verify") == 0)
        return urne_audit_initiatives_known(n, id) ? 0 : -2;
    for (size_t k = 0; k < sizeof events / sizeof events[0]; k++)
        if (strcmp(act, events[k]) == 0) return fold_move(n, e, a, id, act);
    return -2;
}

int urne_audit_fold_initiative(urne_audit_initiatives *n, const urne_audit_entry *e, char *why, size_t size) {
    if (e->action == NULL || strncmp(e->action, "initiative.", 11) != 0) return 0; /* not an initiative's entry */
    json_t *a = json_loads(e->after ? e->after : "null", JSON_DECODE_ANY, NULL);
    int rc = json_is_object(a) ? fold(n, e, a) : -2;
    json_decref(a);
    if (rc == -2)
        snprintf(why, size, "entry %lld: %s on %s: its record is malformed or contradicts the log before it",
                 (long long)e->seq, e->action, e->object ? e->object : "");
    else if (rc < 0)
        snprintf(why, size, "out of memory");
    return rc == 0 ? 0 : -1;
}
