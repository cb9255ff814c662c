/*
 * match_rankings (app): a host_rankings.csv given after the import (match.h,
 * urne_app_match_rankings): hosts that rank their applicants themselves send
 * their rankings when they have them, often one by one, once the pupils' wishes
 * are known. Each upload adds the rankings of hosts that had none; a host
 * already ranked is refused, naming the file's line: its ranking stands, since
 * teachers may have advised pupils on it (and the store keeps rows added, never
 * changed, which the audit's digest of a campaign's rows follows).
 *
 * A host may also rank its own applicants from its private link
 * (urne_app_match_host_ranks): its ranks become a host_rankings.csv of its own
 * lines, read and checked the same way.
 *
 * A ranking given can be corrected by the coordinator
 * (urne_app_match_rankings_correct): a host_rankings.csv whose hosts' rankings
 * each replace the host's whole (rows taken away and written in one
 * transaction, the audit entry's digest change subtracting the rows replaced),
 * while the campaign collects or has a round published, before the next round
 * is run. Only a host ranked before (a new ranking is added, before the first
 * round), and never leaving out a pupil who holds a place at the host (accepted,
 * or offered and open): a later round keeps that place, and the engine's checker
 * would refuse a kept place where the host does not take the pupil.
 *
 * The file is read by the command line's reader (io/match_io.h), against the
 * campaign's hosts and pupils as stored: every line or none, each error naming
 * the file, the line, the field and the rule; only while the campaign collects
 * (before its first round), so that every round of a campaign is run on the
 * same orders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_buf.h"
#include "match_internal.h"

typedef struct given {
    const urne_match_input *in;
    uint8_t *flags;
} given;

static int mark_given(const urne_match_ranking_row *r, void *ctx) {
    given *g = ctx;
    uint32_t h = urne_io_match_host(g->in, r->host);
    if (h != URNE_MATCH_NONE) g->flags[h] = 1;
    return 0;
}

/* The new rows written, their hashes added to sum: OK or STORE. */
static urne_app_status write_rankings(urne_app *app, int64_t id, const urne_match_input *in, int64_t *hosts,
                                      int64_t *rows, urne_match_sum *sum, urne_app_outcome *out) {
    for (size_t hi = 0; hi < in->in.nhosts; hi++) {
        const urne_match_host *x = &in->hosts[hi];
        *hosts += x->ranks_own && x->nranked > 0;
        for (size_t r = 0; r < x->nranked; r++) {
            urne_match_ranking_row k = {.campaign = id, .rank = x->ranks[r]};
            snprintf(k.host, sizeof k.host, "%s", x->id);
            snprintf(k.pupil, sizeof k.pupil, "%s", in->pupils[x->ranked_pupils[r]].id);
            if (urne_store_match_ranking_put(app->store, &k) != 1) return urne_app_store_failed(app, out);
            urne_store_match_sum_ranking(sum, &k, 1);
            ++*rows;
        }
    }
    return URNE_APP_OK;
}

/* The rankings of `text` added to campaign c (collecting, before its first
 * round), by `by`: read, checked against the hosts ranked before, written. */
static urne_app_status rankings_write(urne_app *app, const char *by, urne_match_campaign_row *c, const char *text,
                                      size_t len, urne_match_input *in, urne_app_outcome *out) {
    if (strcmp(c->state, "collecting") != 0 || c->round > 0) return urne_app_match_wrong_state(out, NULL, c->state);
    urne_diags d;
    urne_diags_init(&d, "host_rankings.csv");
    urne_app_status st = urne_app_match_read_upload(app, c, text, len, in, &d, out);
    given g = {in, st == URNE_APP_OK ? calloc(in->in.nhosts ? in->in.nhosts : 1, 1) : NULL};
    if (st == URNE_APP_OK && g.flags == NULL) st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (st == URNE_APP_OK && urne_store_match_ranking_each(app->store, c->id, mark_given, &g) != 0)
        st = urne_app_store_failed(app, out);
    if (st == URNE_APP_OK && urne_io_match_rankings_given(in, text, len, g.flags, &d) < 0) {
        snprintf(out->field, sizeof out->field, "%s", "host_rankings.csv");
        out->why = URNE_WHY_FILE;
        out->number = (int64_t)d.count;
        out->checks.file = "host_rankings.csv";
        urne_diags_append(&out->checks, &d);
        st = urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
    }
    free(g.flags);
    urne_diags_free(&d);
    if (st != URNE_APP_OK) return st;
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    urne_match_sum sum = {{0}};
    int64_t hosts = 0, rows = 0;
    if ((st = write_rankings(app, c->id, in, &hosts, &rows, &sum, out)) != URNE_APP_OK) return urne_store_rollback(app->store), st;
    json_t *extra = json_pack("{s:I, s:I}", "hosts_ranked", (json_int_t)hosts, "rankings", (json_int_t)rows);
    if ((st = urne_app_match_audit(app, by, "rankings", c, &sum, extra, out)) != URNE_APP_OK) return st;
    out->number = rows;
    out->id = hosts;
    return urne_app_match_commit(app, out);
}

static urne_app_status rankings_locked(urne_app *app, const urne_user *actor, urne_match_campaign_row *c,
                                       const char *text, size_t len, urne_match_input *in, urne_app_outcome *out) {
    urne_app_status st = urne_app_match_may_row(app, actor, URNE_ACT_MANAGE_MATCHES, c, NULL, NULL, out);
    return st == URNE_APP_OK ? rankings_write(app, actor->name, c, text, len, in, out) : st;
}

/* The host's ranks as a host_rankings.csv of its own: OK, BAD_INPUT (a rank
 * below 0: field "rank", number the pupil's place; none at all: empty). */
static urne_app_status host_file(const char *host, const char *const *pupils, const int64_t *ranks, size_t n,
                                 urne_buf *b, urne_app_outcome *out) {
    urne_buf_puts(b, "host,pupil,rank\n");
    size_t nranked = 0;
    for (size_t i = 0; i < n; i++) {
        if (ranks[i] < 0) return urne_app_match_refuse(out, "rank", URNE_WHY_MATCH_RANK, (int64_t)i + 1, pupils[i]);
        if (ranks[i] == 0) continue; /* left out: not acceptable at this host */
        urne_buf_csv(b, host);
        urne_buf_puts(b, ",");
        urne_buf_csv(b, pupils[i]);
        urne_buf_printf(b, ",%lld\n", (long long)ranks[i]);
        nranked++;
    }
    if (nranked == 0) return urne_app_match_refuse(out, "rank", URNE_WHY_MATCH_EMPTY, 0, NULL);
    return b->oom ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL) : URNE_APP_OK;
}

urne_app_status urne_app_match_host_ranks(urne_app *app, int64_t id, const char *code, const char *const *pupils,
                                          const int64_t *ranks, size_t n, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    urne_match_host_row *h = malloc(sizeof *h);
    urne_app_status st = c && h ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_match_input in;
    memset(&in, 0, sizeof in);
    urne_buf b = {0};
    char hash[URNE_STORE_MATCH_HASH];
    urne_app_match_code_hash(code ? code : "", hash);
    pthread_mutex_lock(&app->lock);
    if (st == URNE_APP_OK) st = urne_app_match_load(app, id, c, out);
    int rc = st == URNE_APP_OK && code && code[0] ? urne_store_match_host_get(app->store, id, NULL, hash, h) : 0;
    if (st == URNE_APP_OK && rc <= 0) st = rc < 0 ? urne_app_store_failed(app, out) : urne_app_fail(out, URNE_APP_NO_CAMPAIGN, NULL);
    if (st == URNE_APP_NO_CAMPAIGN) out->number = 0; /* a code tells nothing of other campaigns */
    if (st == URNE_APP_OK) st = host_file(h->key, pupils, ranks, n, &b, out);
    if (st == URNE_APP_OK) st = rankings_write(app, "host-code", c, b.data, b.len, &in, out);
    if (st == URNE_APP_OK) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    urne_buf_free(&b);
    urne_match_input_free(&in);
    free(c);
    free(h);
    return out->status = st;
}

urne_app_status urne_app_match_rankings(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                        size_t len, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_match_input in;
    memset(&in, 0, sizeof in);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_OK) st = rankings_locked(app, actor, c, text ? text : "", text ? len : 0, &in, out);
    if (st == URNE_APP_OK) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    urne_match_input_free(&in);
    free(c);
    return out->status = st;
}

/* ---- a ranking corrected ---- */

/* What a correction reads before it writes: each host's first line in the file
 * (0: not in it), whether it was ranked before, the hashes of the rows it
 * replaces, and the host each pupil holds a place at. */
typedef struct correcting {
    urne_app *app;
    const urne_match_input *in;
    long *first;
    uint8_t *had;
    uint32_t *held;
    char now[24];
    urne_match_sum sum;
    int64_t replaced;
} correcting;

static int note_old(const urne_match_ranking_row *r, void *ctx) {
    correcting *k = ctx;
    uint32_t h = urne_io_match_host(k->in, r->host);
    if (h == URNE_MATCH_NONE) return 0;
    k->had[h] = 1;
    if (k->first[h]) urne_store_match_sum_ranking(&k->sum, r, -1), k->replaced++;
    return 0;
}

/* A place held, as a later round keeps it: accepted, or offered and open. */
static int note_holder(const urne_match_offer_row *o, void *ctx) {
    correcting *k = ctx;
    uint32_t p = urne_io_match_pupil(k->in, o->pupil);
    if (p == URNE_MATCH_NONE) return 0;
    int holds = strcmp(o->state, "accepted") == 0 || (strcmp(o->state, "offered") == 0 && strcmp(k->now, o->deadline) < 0);
    k->held[p] = holds ? urne_io_match_host(k->in, o->host) : URNE_MATCH_NONE; /* in order of round: the last decides */
    return 0;
}

static int by_index(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The file's hosts checked: each ranked before, and ranking every pupil who
 * holds a place there (a later round keeps it: the host must take them). */
static void check_correction(const correcting *k, urne_diags *d) {
    const urne_match_input *in = k->in;
    for (size_t h = 0; h < in->in.nhosts; h++)
        if (k->first[h] && !k->had[h])
            urne_diags_add(d, URNE_DIAG_ERROR, k->first[h], "host", "host-not-ranked",
                           "host %s gave no ranking to correct: a new ranking is added before the first round",
                           in->hosts[h].id);
    for (uint32_t p = 0; p < in->in.npupils; p++) {
        uint32_t h = k->held[p];
        if (h == URNE_MATCH_NONE || !k->first[h] || !k->had[h]) continue; /* not ranked before: said above */
        const urne_match_host *x = &in->hosts[h];
        if (x->nranked && bsearch(&p, x->ranked_pupils, x->nranked, sizeof p, by_index)) continue;
        urne_diags_add(d, URNE_DIAG_ERROR, k->first[h], "pupil", "holder-not-ranked",
                       "host %s leaves out pupil %s, who holds a place there: rank them", x->id, in->pupils[p].id);
    }
}

/* Read the correction and what it replaces into *k: OK, or the refusal. */
static urne_app_status correction_read(urne_app *app, const urne_match_campaign_row *c, const char *text, size_t len,
                                       urne_match_input *in, correcting *k, urne_app_outcome *out) {
    urne_diags d;
    urne_diags_init(&d, "host_rankings.csv");
    urne_app_status st = urne_app_match_read_upload(app, c, text, len, in, &d, out);
    size_t n = in->in.nhosts ? in->in.nhosts : 1, np = in->in.npupils ? in->in.npupils : 1;
    k->app = app, k->in = in;
    if (st == URNE_APP_OK) {
        k->first = calloc(n, sizeof *k->first), k->had = calloc(n, 1), k->held = malloc(np * sizeof *k->held);
        if (!k->first || !k->had || !k->held) st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    for (size_t p = 0; st == URNE_APP_OK && p < in->in.npupils; p++) k->held[p] = URNE_MATCH_NONE;
    urne_time_iso(urne_app_match_now(app), k->now);
    if (st == URNE_APP_OK && (urne_io_match_rankings_first(in, text, len, k->first, &d) < 0 ||
                              urne_store_match_ranking_each(app->store, c->id, note_old, k) != 0 ||
                              urne_store_match_offer_each(app->store, c->id, note_holder, k) != 0))
        st = d.count ? URNE_APP_BAD_INPUT : urne_app_store_failed(app, out);
    if (st == URNE_APP_OK) check_correction(k, &d);
    if ((st == URNE_APP_OK || st == URNE_APP_BAD_INPUT) && d.count && out->checks.count == 0) {
        snprintf(out->field, sizeof out->field, "%s", "host_rankings.csv");
        out->why = URNE_WHY_FILE;
        out->number = (int64_t)d.count;
        out->checks.file = "host_rankings.csv";
        urne_diags_append(&out->checks, &d);
        st = urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
    }
    urne_diags_free(&d);
    return st;
}

static urne_app_status correct_locked(urne_app *app, const urne_user *actor, urne_match_campaign_row *c,
                                      const char *text, size_t len, urne_match_input *in, correcting *k,
                                      urne_app_outcome *out) {
    urne_app_status st = urne_app_match_may_row(app, actor, URNE_ACT_MANAGE_MATCHES, c, NULL, NULL, out);
    if (st != URNE_APP_OK) return st;
    if (c->final_round) return urne_app_match_wrong_state(out, URNE_WHY_MATCH_FINAL, c->state);
    if (strcmp(c->state, "collecting") != 0 && strcmp(c->state, "published") != 0)
        return urne_app_match_wrong_state(out, NULL, c->state);
    if ((st = correction_read(app, c, text, len, in, k, out)) != URNE_APP_OK) return st;
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    for (size_t h = 0; h < in->in.nhosts; h++)
        if (k->first[h] && urne_store_match_ranking_clear(app->store, c->id, in->hosts[h].id) < 0)
            return urne_app_store_failed(app, out);
    int64_t hosts = 0, rows = 0;
    if ((st = write_rankings(app, c->id, in, &hosts, &rows, &k->sum, out)) != URNE_APP_OK)
        return urne_store_rollback(app->store), st;
    json_t *extra = json_pack("{s:I, s:I, s:I}", "hosts_corrected", (json_int_t)hosts, "rankings", (json_int_t)rows,
                              "replaced", (json_int_t)k->replaced);
    if ((st = urne_app_match_audit(app, actor->name, "correct", c, &k->sum, extra, out)) != URNE_APP_OK) return st;
    out->number = rows;
    out->id = hosts;
    return urne_app_match_commit(app, out);
}

urne_app_status urne_app_match_rankings_correct(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                                size_t len, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_match_input in;
    memset(&in, 0, sizeof in);
    correcting k;
    memset(&k, 0, sizeof k);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_OK) st = correct_locked(app, actor, c, text ? text : "", text ? len : 0, &in, &k, out);
    if (st == URNE_APP_OK) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    free(k.first), free(k.had), free(k.held);
    urne_match_input_free(&in);
    free(c);
    return out->status = st;
}
