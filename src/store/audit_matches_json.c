/*
 * audit_matches_json: reading the matching's audit entries back for `urne audit
 * verify` (store_audit.h, urne_audit_fold_match). app/match.c writes them:
 * "match.<act>" on "match/ID", each {"id", "name", "space", "state", "method",
 * "tie", "seed", "round", "final_round", "deadline", "created_at",
 * "created_by", "rows_delta"} (the campaign after the act, and the change it
 * made to the digest of the campaign's other rows: store_matches.h) and members of the act's own (a host's places, a pupil's wishes, rankings added or corrected, a distances table, hosts and pupils added,
 * an answer, the figures of a run), which the replay does not need. Beside
 * audit_initiatives_json.c, for the same reason: each component's codec changes
 * apart.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_backend.h"

static int text(const json_t *o, const char *key, char *out, size_t size) {
    const char *v = json_string_value(json_object_get(o, key));
    if (v == NULL || strlen(v) >= size) return -1;
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

static int number(const json_t *o, const char *key, int64_t *out) {
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v)) return -1;
    *out = (int64_t)json_integer_value(v);
    return 0;
}

/* The entry folded: 0, -1 out of memory, -2 malformed or contradicting the log. */
static int fold(urne_audit_matches *n, const urne_audit_entry *e, const json_t *a) {
    static const char *const acts[] = {"create", "import", "places", "wishes", "rankings", "run", "publish",
                                       "answer", "close", "distances", "add", "correct"};
    const char *act = e->action + 6; /* after "match." */
    int known = 0;
    for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) known |= strcmp(act, acts[k]) == 0;
    urne_audit_match x;
    memset(&x, 0, sizeof x);
    char object[48];
    if (!known || number(a, "id", &x.id) < 0) return -2;
    snprintf(object, sizeof object, "match/%lld", (long long)x.id);
    if (e->object == NULL || strcmp(e->object, object) != 0) return -2;
    if (text(a, "name", x.name, sizeof x.name) || text(a, "space", x.space, sizeof x.space) ||
        text(a, "state", x.state, sizeof x.state) || text(a, "method", x.method, sizeof x.method) ||
        text(a, "tie", x.tie, sizeof x.tie) || text(a, "deadline", x.deadline, sizeof x.deadline) ||
        text(a, "created_at", x.created_at, sizeof x.created_at) ||
        text(a, "created_by", x.created_by, sizeof x.created_by) ||
        number(a, "seed", &x.seed) || number(a, "round", &x.round) || number(a, "final_round", &x.final_round))
        return -2;
    urne_match_sum delta;
    if (urne_store_match_sum_parse(json_string_value(json_object_get(a, "rows_delta")), &delta) < 0) return -2;
    memcpy(x.rows, delta.w, sizeof x.rows);
    return urne_audit_matches_fold(n, e->seq, &x, strcmp(act, "create") == 0);
}

int urne_audit_fold_match(urne_audit_matches *n, const urne_audit_entry *e, char *why, size_t size) {
    if (e->action == NULL || strncmp(e->action, "match.", 6) != 0) return 0; /* not a campaign's entry */
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
