/*
 * match_distances (app): a campaign's table of distances between communes and
 * its maximum distance (match.h, urne_app_match_distances), what `urne match
 * run --distances D.csv --max-km N` gives the command line.
 *
 * The file is read by the command line's reader (io/match_io.h), on its own:
 * a distance names two communes and a number of kilometres, whatever hosts and
 * pupils the campaign has (a commune no one lives in is a line that never
 * counts, as for the command line). Every line or none, each error naming
 * distances.csv, the line, the field and the rule. The rows keep each pair with
 * its two names in byte order, so that a pair is one row however the file gave
 * it; a second upload takes the first away whole (a table is corrected by
 * sending it again, as the coordinator keeps it in a spreadsheet), both in one
 * transaction with its audit entry, whose digest change subtracts the rows taken
 * away.
 *
 * Only while the campaign collects, before its first round: as for the hosts'
 * rankings, every round of a campaign runs on the same constraints, and a place
 * kept from an earlier round never becomes "too far" under a later table.
 * match_round.c reads the rows back into the round's instance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

typedef struct taken {
    urne_match_sum *sum;
    int64_t n;
} taken;

static int take_away(const urne_match_distance_row *d, void *ctx) {
    taken *t = ctx;
    urne_store_match_sum_distance(t->sum, d, -1);
    t->n++;
    return 0;
}

/* The stored table and limit taken away, their rows' hashes out of sum: OK or STORE. */
static urne_app_status clear_old(urne_app *app, int64_t id, urne_match_sum *sum, urne_app_outcome *out) {
    taken t = {sum, 0};
    urne_match_limit_row old;
    int rc = urne_store_match_limit_get(app->store, id, &old);
    if (rc < 0 || urne_store_match_distance_each(app->store, id, take_away, &t) != 0) return urne_app_store_failed(app, out);
    if (rc == 1) urne_store_match_sum_limit(sum, &old, -1);
    return urne_store_match_distance_clear(app->store, id) < 0 ? urne_app_store_failed(app, out) : URNE_APP_OK;
}

/* The read table's rows and the limit written, their hashes into sum: OK,
 * BAD_INPUT (a commune's name longer than the store holds) or STORE. */
static urne_app_status write_table(urne_app *app, int64_t id, const urne_match_input *in, int64_t max_km,
                                   urne_match_sum *sum, urne_app_outcome *out) {
    urne_match_distance_row row;
    for (size_t i = 0; i < in->in.ndistances; i++) {
        const char *a = in->communes[in->distances[i].a], *b = in->communes[in->distances[i].b];
        if (strcmp(a, b) > 0) {
            const char *t = a;
            a = b, b = t;
        }
        if (strlen(a) >= sizeof row.commune_a || strlen(b) >= sizeof row.commune_b)
            return urne_app_match_refuse(out, "distances.csv", URNE_WHY_TOO_LONG, (int64_t)sizeof row.commune_a - 1,
                                         strlen(a) >= sizeof row.commune_a ? a : b);
        memset(&row, 0, sizeof row);
        row.campaign = id, row.km = in->distances[i].km;
        memcpy(row.commune_a, a, strlen(a) + 1);
        memcpy(row.commune_b, b, strlen(b) + 1);
        if (urne_store_match_distance_put(app->store, &row) != 1) return urne_app_store_failed(app, out);
        urne_store_match_sum_distance(sum, &row, 1);
    }
    urne_match_limit_row limit = {id, max_km};
    if (urne_store_match_limit_put(app->store, &limit) != 1) return urne_app_store_failed(app, out);
    urne_store_match_sum_limit(sum, &limit, 1);
    return URNE_APP_OK;
}

/* The file read: OK, or BAD_INPUT URNE_WHY_FILE with its errors. */
static urne_app_status read_table(const char *text, size_t len, urne_match_input *in, urne_app_outcome *out) {
    urne_diags d;
    urne_diags_init(&d, "distances.csv");
    urne_arena_init(&in->arena);
    urne_app_status st = URNE_APP_OK;
    if (urne_io_match_distances(in, text, len, &d) < 0) {
        snprintf(out->field, sizeof out->field, "%s", "distances.csv");
        out->why = URNE_WHY_FILE;
        out->number = (int64_t)d.count;
        out->checks.file = "distances.csv";
        urne_diags_append(&out->checks, &d);
        st = urne_app_fail(out, d.count ? URNE_APP_BAD_INPUT : URNE_APP_NO_MEMORY, NULL);
    }
    urne_diags_free(&d);
    return st;
}

static urne_app_status distances_locked(urne_app *app, const urne_user *actor, urne_match_campaign_row *c,
                                        const urne_match_input *in, int64_t max_km, urne_app_outcome *out) {
    urne_app_status st = urne_app_match_may_row(app, actor, URNE_ACT_MANAGE_MATCHES, c, NULL, NULL, out);
    if (st != URNE_APP_OK) return st;
    if (strcmp(c->state, "collecting") != 0 || c->round > 0) return urne_app_match_wrong_state(out, NULL, c->state);
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    urne_match_sum sum = {{0}};
    st = clear_old(app, c->id, &sum, out);
    if (st == URNE_APP_OK) st = write_table(app, c->id, in, max_km, &sum, out);
    if (st != URNE_APP_OK) return urne_store_rollback(app->store), st;
    json_t *extra = json_pack("{s:I, s:I}", "distances", (json_int_t)in->in.ndistances, "max_km", (json_int_t)max_km);
    if ((st = urne_app_match_audit(app, actor->name, "distances", c, &sum, extra, out)) != URNE_APP_OK) return st;
    return urne_app_match_commit(app, out);
}

urne_app_status urne_app_match_distances(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                         size_t len, int64_t max_km, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_match_input in;
    memset(&in, 0, sizeof in);
    /* Asked before the file is read, and again under the lock the table is written in. */
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load_managed(app, actor, id, c, out);
    pthread_mutex_unlock(&app->lock);
    if (st == URNE_APP_OK && max_km < 0)
        st = urne_app_match_refuse(out, "max_km", URNE_WHY_MATCH_MAX_KM, max_km, NULL);
    if (st == URNE_APP_OK) st = read_table(text ? text : "", text ? len : 0, &in, out);
    if (st == URNE_APP_OK) {
        pthread_mutex_lock(&app->lock);
        st = urne_app_match_load(app, id, c, out);
        if (st == URNE_APP_OK) st = distances_locked(app, actor, c, &in, max_km, out);
        if (st == URNE_APP_OK) urne_app_changed(app);
        pthread_mutex_unlock(&app->lock);
    }
    if (st == URNE_APP_OK) out->id = id, out->number = (int64_t)in.in.ndistances;
    urne_match_input_free(&in);
    free(c);
    return out->status = st;
}
