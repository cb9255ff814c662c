/*
 * match_round (app): a matching campaign's rounds: running one on the engine,
 * publishing its offers, a pupil's answer, and what a pupil's code and the
 * coordinator's figures read (match.h says who may and what each answers).
 *
 * A round is run on what the rows hold now, written out as the files the
 * command line reads and read back by the same reader (io/match_io.h), so the
 * web's round and `urne match run` on those files are one computation (with a
 * maximum distance, the hosts' and pupils' communes, kept from their files, and
 * the distances table go with them, as --distances and --max-km). A later
 * round keeps the places accepted and the offers still open, leaves out the
 * pupils who refused or let their deadline pass (their offers marked expired in
 * the same transaction), and places everyone else on the places left. The
 * engine's checker runs on the result before anything is stored (capacities,
 * wishes, eligibility, places kept; for deferred acceptance no blocking pair and
 * pupil-optimality): a fault refuses the round, with nothing written.
 */
#define _GNU_SOURCE 1 /* strptime, timegm */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/urne_mem.h"
#include "../core/urne_buf.h"
#include "../i18n/i18n.h"
#include "../io/match_io.h"
#include "../io/match_report.h"
#include "match_internal.h"

/* ---- the rows as the files ---- */

typedef struct files {
    urne_buf hosts, pupils, rankings, distances;
    int lottery; /* 1: every pupil has a lottery number, -1 none, 0 none seen yet */
    int mixed;
    int communes; /* 1: the campaign has a maximum distance: the communes are written */
    size_t nrankings;
    int64_t max_km; /* -1: none */
} files;

/* ",commune" of a kept JSON object (its member named commune in any case, as the
 * reader finds the column), "," when it has none. */
static void commune_cell(urne_buf *b, const char *kept) {
    json_t *o = json_loads(kept, 0, NULL);
    const char *key, *v = NULL;
    json_t *x;
    json_object_foreach(o, key, x) if (v == NULL && strcasecmp(key, "commune") == 0) v = json_string_value(x);
    urne_buf_put(b, ",", 1);
    if (v) urne_buf_csv(b, v);
    json_decref(o);
}

static int host_line(const urne_match_host_row *h, void *ctx) {
    files *f = ctx;
    urne_buf *b = &f->hosts;
    urne_buf_csv(b, h->key);
    urne_buf_printf(b, ",%lld,%lld,", (long long)h->capacity, (long long)h->reserved);
    urne_buf_csv(b, h->weeks);
    if (f->communes) commune_cell(b, h->kept);
    urne_buf_put(b, "\n", 1);
    return 0;
}

static int distance_line(const urne_match_distance_row *d, void *ctx) {
    urne_buf *b = &((files *)ctx)->distances;
    urne_buf_csv(b, d->commune_a);
    urne_buf_put(b, ",", 1);
    urne_buf_csv(b, d->commune_b);
    urne_buf_printf(b, ",%lld\n", (long long)d->km);
    return 0;
}

static int pupil_line(const urne_match_pupil_row *p, void *ctx) {
    files *f = ctx;
    int has = p->lottery[0] != '\0' ? 1 : -1;
    if (f->lottery && f->lottery != has) f->mixed = 1;
    f->lottery = has;
    urne_buf_csv(&f->pupils, p->key);
    urne_buf_put(&f->pupils, ",", 1);
    urne_buf_csv(&f->pupils, p->wishes);
    urne_buf_printf(&f->pupils, ",%lld,", (long long)p->priority);
    if (p->lottery[0]) urne_buf_printf(&f->pupils, "%s,", p->lottery); /* else the header has no lottery column */
    urne_buf_csv(&f->pupils, p->week);
    if (f->communes) commune_cell(&f->pupils, p->kept);
    urne_buf_put(&f->pupils, "\n", 1);
    return 0;
}

static int ranking_line(const urne_match_ranking_row *r, void *ctx) {
    files *f = ctx;
    urne_buf_csv(&f->rankings, r->host);
    urne_buf_put(&f->rankings, ",", 1);
    urne_buf_csv(&f->rankings, r->pupil);
    urne_buf_printf(&f->rankings, ",%lld\n", (long long)r->rank);
    f->nrankings++;
    return 0;
}

/* One input of a round into the SHA-256 of its inputs, as the command line
 * hashes its files (io/match_report.h): its length, 8 bytes little-endian, then
 * its bytes. */
static void hash_part(crypto_hash_sha256_state *sha, const urne_buf *b) {
    unsigned char len[8];
    for (int k = 0; k < 8; k++) len[k] = (unsigned char)((uint64_t)b->len >> (8 * k));
    crypto_hash_sha256_update(sha, len, sizeof len);
    if (b->len) crypto_hash_sha256_update(sha, (const unsigned char *)b->data, b->len);
}

static void files_free(files *f) {
    urne_buf_free(&f->hosts);
    urne_buf_free(&f->pupils);
    urne_buf_free(&f->rankings);
    urne_buf_free(&f->distances);
}

/* A file's errors as the refusal of an upload: BAD_INPUT URNE_WHY_FILE with the
 * errors in out->checks, named by the file. */
static urne_app_status refuse_file(urne_app_outcome *out, urne_diags *d, const char *name) {
    snprintf(out->field, sizeof out->field, "%s", name);
    out->why = URNE_WHY_FILE;
    out->number = (int64_t)d->count;
    out->checks.file = name;
    urne_diags_append(&out->checks, d);
    return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
}

/* The rows as the files: hosts, pupils, (with_rankings) the stored rankings,
 * and with a maximum distance the communes' columns and the distances (a
 * campaign without one writes the files it always did, so that its inputs'
 * hash stays what it was). OK, IMPOSSIBLE (pupils with and without lottery
 * numbers), STORE, NO_MEMORY. */
static urne_app_status rows_files(urne_app *app, const urne_match_campaign_row *c, files *f, int with_rankings,
                                  urne_app_outcome *out) {
    memset(f, 0, sizeof *f);
    urne_match_limit_row limit;
    int rc = urne_store_match_limit_get(app->store, c->id, &limit);
    if (rc < 0) return urne_app_store_failed(app, out);
    f->communes = rc == 1;
    f->max_km = rc == 1 ? limit.max_km : -1;
    const char *cc = f->communes ? ",commune\n" : "\n";
    urne_buf_printf(&f->hosts, "id,capacity,reserved,weeks%s", cc);
    urne_buf_printf(&f->pupils, "id,wishes,priority,lottery,week%s", cc);
    urne_buf_puts(&f->rankings, "host,pupil,rank\n");
    urne_buf_puts(&f->distances, "commune_a,commune_b,km\n");
    if (urne_store_match_host_each(app->store, c->id, host_line, f) != 0 ||
        urne_store_match_pupil_each(app->store, c->id, "", pupil_line, f) != 0 ||
        (with_rankings && urne_store_match_ranking_each(app->store, c->id, ranking_line, f) != 0) ||
        (f->communes && urne_store_match_distance_each(app->store, c->id, distance_line, f) != 0))
        return urne_app_store_failed(app, out);
    if (f->mixed) return urne_app_fail(out, URNE_APP_IMPOSSIBLE, "some pupils have a lottery number, others not");
    if (f->lottery < 0) { /* no lottery column at all: drawn from the seed */
        urne_buf_free(&f->pupils);
        urne_buf_printf(&f->pupils, "id,wishes,priority,week%s", cc);
        if (urne_store_match_pupil_each(app->store, c->id, "", pupil_line, f) != 0) return urne_app_store_failed(app, out);
    }
    return f->hosts.oom || f->pupils.oom || f->rankings.oom || f->distances.oom
               ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL)
               : URNE_APP_OK;
}

/* The stored distances read into the instance, as --distances and --max-km give
 * them to the command line: OK, IMPOSSIBLE (the rows do not read back), NO_MEMORY. */
static urne_app_status read_distances(const files *f, urne_match_input *in, urne_app_outcome *out) {
    urne_diags d;
    urne_diags_init(&d, "distances");
    urne_app_status st = URNE_APP_OK;
    if (urne_io_match_distances(in, f->distances.data, f->distances.len, &d) < 0)
        st = d.count ? urne_app_fail(out, URNE_APP_IMPOSSIBLE, "distances: line %ld: %s", d.items[0].line,
                                     d.items[0].message)
                     : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    in->in.max_km = f->max_km;
    urne_diags_free(&d);
    return st;
}

/* The campaign's rows read into an engine instance, its lottery drawn from the
 * seed when the pupils had none, the files hashed into sha. upload: a
 * host_rankings.csv read instead of the stored rankings (NULL: the stored),
 * whose errors refuse it (BAD_INPUT, refuse_file). OK, IMPOSSIBLE (the rows do
 * not read back: detail the first error), BAD_INPUT, STORE or NO_MEMORY. */
static urne_app_status load_input(urne_app *app, const urne_match_campaign_row *c, urne_match_input *in,
                                  crypto_hash_sha256_state *sha, const char *upload, size_t upload_len,
                                  urne_diags *rd, urne_app_outcome *out) {
    files f;
    urne_app_status st = rows_files(app, c, &f, upload == NULL, out);
    if (st != URNE_APP_OK) return files_free(&f), st;
    urne_diags d[2];
    for (int i = 0; i < 2; i++) urne_diags_init(&d[i], i == 0 ? "hosts" : "pupils");
    const char *rk = upload ? upload : f.nrankings ? f.rankings.data : NULL;
    int rc = urne_io_match_read(f.hosts.data, f.hosts.len, &d[0], f.pupils.data, f.pupils.len, &d[1], rk,
                                upload ? upload_len : f.rankings.len, rd, in);
    for (int i = 0; rc < 0 && i < 2 && st == URNE_APP_OK; i++)
        if (d[i].count) st = urne_app_fail(out, URNE_APP_IMPOSSIBLE, "%s: line %ld: %s", d[i].file ? d[i].file : "",
                                           d[i].items[0].line, d[i].items[0].message);
    if (rc < 0 && st == URNE_APP_OK && rd->count) st = upload ? refuse_file(out, rd, "host_rankings.csv")
                                                            : urne_app_fail(out, URNE_APP_IMPOSSIBLE, "rankings: line %ld: %s",
                                                                            rd->items[0].line, rd->items[0].message);
    if (rc < 0 && st == URNE_APP_OK) st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (st == URNE_APP_OK && f.communes) st = read_distances(&f, in, out);
    for (int i = 0; i < 2; i++) urne_diags_free(&d[i]);
    if (sha) {
        hash_part(sha, &f.hosts);
        hash_part(sha, &f.pupils);
        if (f.nrankings) hash_part(sha, &f.rankings);
        if (f.communes) hash_part(sha, &f.distances);
    }
    files_free(&f);
    if (st != URNE_APP_OK || in->lottery_given) return st;
    size_t n = in->in.npupils;
    int64_t *lot = malloc((n ? n : 1) * sizeof *lot);
    if (lot == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_match_draw(in->pupils, n, (uint64_t)c->seed, lot);
    for (size_t p = 0; p < n; p++) in->pupils[p].lottery = lot[p];
    free(lot);
    return URNE_APP_OK;
}

urne_app_status urne_app_match_read_upload(urne_app *app, const urne_match_campaign_row *c, const char *upload,
                                          size_t len, urne_match_input *in, urne_diags *rd, urne_app_outcome *out) {
    return load_input(app, c, in, NULL, upload ? upload : "", len, rd, out);
}

/* ---- a round ---- */

/* What the earlier rounds leave: the places kept (accepted, or offered and not
 * yet past the deadline) and the pupils who take no part (refused, or let the
 * deadline pass: the offer marked expired here, inside the transaction). */
typedef struct earlier {
    urne_app *app;
    const urne_match_input *in;
    uint32_t *kept;
    uint8_t *absent;
    char now[24];
    int64_t nkept, nabsent;
    int failed;
    urne_match_sum *sum; /* the offers expired, old less new */
} earlier;

static int fold_offer(const urne_match_offer_row *o, void *ctx) {
    earlier *e = ctx;
    uint32_t p = urne_io_match_pupil(e->in, o->pupil), h = urne_io_match_host(e->in, o->host);
    if (p == URNE_MATCH_NONE) return 0; /* cannot happen: pupils are never removed */
    e->kept[p] = URNE_MATCH_NONE; /* offers come in order of round: the last decides */
    e->absent[p] = 0;
    int open = strcmp(o->state, "offered") == 0 && strcmp(e->now, o->deadline) < 0;
    if (strcmp(o->state, "accepted") == 0 || open)
        e->kept[p] = h;
    else if (strcmp(o->state, "offered") == 0) {
        urne_match_offer_row x = *o;
        snprintf(x.state, sizeof x.state, "expired");
        snprintf(x.answered_at, sizeof x.answered_at, "%s", e->now);
        if (urne_store_match_offer_update(e->app->store, &x, "offered") < 0) return e->failed = 1, -1;
        urne_store_match_sum_offer(e->sum, o, -1);
        urne_store_match_sum_offer(e->sum, &x, 1);
        e->absent[p] = 1;
    } else
        e->absent[p] = 1;
    return 0;
}

static const char *why_code(urne_match_why w) {
    static const char *const codes[] = {"full", "week-not-offered", "not-ranked-by-host", "no-places", "taken-before",
                                        "too-far"};
    return (unsigned)w < sizeof codes / sizeof codes[0] ? codes[w] : "?";
}

/* Pupil p's explanation as JSON: for each wish above the one obtained, why. */
static char *explanation(const urne_match_prep *prep, urne_match_method method, const urne_match_result *r,
                         const urne_match_cutoffs *cut, const urne_match_input *in, uint32_t p,
                         urne_match_reason *why, size_t max) {
    size_t n = urne_match_explain(prep, method, r, cut, p, why, max);
    json_t *a = json_array();
    for (size_t i = 0; a && i < n && i < max; i++) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:b}", "wish", (json_int_t)why[i].wish, "host", in->hosts[why[i].host].id,
                              "why", why_code(why[i].why), "by_rank", why[i].by_rank);
        if (o && why[i].why == URNE_MATCH_WHY_FULL && why[i].cutoff_pupil != URNE_MATCH_NONE) {
            json_object_set_new(o, "cutoff_priority", json_integer(why[i].cutoff_priority));
            json_object_set_new(o, "cutoff_lottery", json_integer(why[i].cutoff_lottery));
            json_object_set_new(o, "own_priority", json_integer(why[i].own_priority));
            json_object_set_new(o, "own_lottery", json_integer(why[i].own_lottery));
        }
        if (o == NULL || json_array_append_new(a, o) < 0) json_decref(a), a = NULL;
    }
    char *text = a ? json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(a);
    return text;
}

static urne_match_method method_of(const char *m) {
    return strcmp(m, "ttc") == 0 ? URNE_MATCH_TTC : strcmp(m, "serial") == 0 ? URNE_MATCH_SERIAL : URNE_MATCH_DA;
}

/* The round's result stored, one row per pupil taking part. OK or the failure. */
static urne_app_status store_results(urne_app *app, const urne_match_campaign_row *c, int64_t round,
                                     const urne_match_prep *prep, const urne_match_result *r, const urne_match_input *in,
                                     int64_t *placed, urne_match_sum *sum, urne_app_outcome *out) {
    urne_match_cutoffs cut;
    size_t max = 1;
    for (size_t p = 0; p < in->in.npupils; p++)
        if (in->pupils[p].nwishes > max) max = in->pupils[p].nwishes;
    urne_match_reason *why = malloc(max * sizeof *why);
    urne_match_result_row *row = malloc(sizeof *row);
    if (why == NULL || row == NULL || urne_match_cutoffs_make(prep, r->host_of, &cut) < 0)
        return free(why), free(row), urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_app_status st = URNE_APP_OK;
    for (uint32_t p = 0; st == URNE_APP_OK && p < in->in.npupils; p++) {
        if (!urne_match_in_round(&in->in, p)) continue;
        memset(row, 0, sizeof *row);
        row->campaign = c->id, row->round = round;
        snprintf(row->pupil, sizeof row->pupil, "%s", in->pupils[p].id);
        if (r->host_of[p] != URNE_MATCH_NONE) {
            snprintf(row->host, sizeof row->host, "%s", in->hosts[r->host_of[p]].id);
            ++*placed;
        }
        row->wish = r->wish_of[p];
        row->lottery = in->pupils[p].lottery;
        char *text = explanation(prep, method_of(c->method), r, &cut, in, p, why, max);
        if (text == NULL)
            st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
        else if (strlen(text) >= sizeof row->explanation)
            st = urne_app_fail(out, URNE_APP_IMPOSSIBLE, "the explanation of pupil %.200s is %zu bytes, more than %zu",
                               row->pupil, strlen(text), sizeof row->explanation - 1);
        else {
            memcpy(row->explanation, text, strlen(text) + 1);
            if (urne_store_match_result_put(app->store, row) != 1) st = urne_app_store_failed(app, out);
            urne_store_match_sum_result(sum, row, 1);
        }
        free(text);
    }
    urne_match_cutoffs_free(&cut);
    free(why);
    free(row);
    return st;
}

/* Run the engine on the instance and check its result: OK, or CHECK refused. */
static urne_app_status compute(const urne_match_campaign_row *c, const urne_match_prep *prep, urne_match_result *r,
                               urne_app_outcome *out) {
    urne_match_method m = method_of(c->method);
    if (urne_match_run(prep, m, r) < 0) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_match_faults f = {0};
    long faults = urne_match_check(prep, r->host_of, m == URNE_MATCH_DA, m == URNE_MATCH_DA, &f);
    urne_match_faults_free(&f);
    if (faults < 0) return urne_match_result_free(r), urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (faults > 0) {
        urne_match_result_free(r);
        out->why = URNE_WHY_MATCH_CHECK;
        out->number = faults;
        return urne_app_fail(out, URNE_APP_IMPOSSIBLE, "the checker found %ld fault(s) in the engine's result", faults);
    }
    return URNE_APP_OK;
}

/* The round's report.json (what `urne match run` writes to --out for these
 * files), as JSON for the run's audit entry, where the downloads read it back:
 * the seed and the inputs' hash kept with the figures they explain. NULL when
 * memory runs out. */
static json_t *round_report(const urne_match_campaign_row *c, const urne_match_input *in, const urne_match_result *r,
                            const char *hash) {
    urne_match_report rep;
    if (urne_match_report_make(&in->in, r, &rep) < 0) return NULL;
    urne_match_report_meta m = {method_of(c->method), strcmp(c->tie, "multiple") == 0 ? URNE_MATCH_TIE_MULTIPLE
                                                                                    : URNE_MATCH_TIE_SINGLE,
                                (uint64_t)c->seed, in->lottery_given, hash};
    urne_buf b = {0};
    urne_io_match_report_json(&b, &rep, &m);
    urne_match_report_free(&rep);
    json_t *j = b.oom ? NULL : json_loads(b.data, 0, NULL);
    urne_buf_free(&b);
    return j;
}

/* The SHA-256 of a round's inputs finished: after the rows' files, for a later
 * round the places kept and the pupils taking no part, as the files --keep
 * (pupil,host) and --refused (pupil) of `urne match run` would list them, in the
 * pupils' order. Into hex. */
static void inputs_hash(crypto_hash_sha256_state *sha, const urne_match_input *in, const earlier *e, int later,
                        char hex[URNE_STORE_MATCH_HASH]) {
    if (later) {
        urne_buf keep = {0}, refused = {0};
        urne_buf_puts(&keep, "pupil,host\n");
        urne_buf_puts(&refused, "pupil\n");
        for (size_t p = 0; p < in->in.npupils; p++) {
            if (e->kept[p] != URNE_MATCH_NONE) {
                urne_buf_csv(&keep, in->pupils[p].id);
                urne_buf_puts(&keep, ",");
                urne_buf_csv(&keep, in->hosts[e->kept[p]].id);
                urne_buf_puts(&keep, "\n");
            }
            if (e->absent[p]) urne_buf_csv(&refused, in->pupils[p].id), urne_buf_puts(&refused, "\n");
        }
        hash_part(sha, &keep);
        hash_part(sha, &refused);
        urne_buf_free(&keep);
        urne_buf_free(&refused);
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(sha, h);
    sodium_bin2hex(hex, URNE_STORE_MATCH_HASH, h, sizeof h);
}

/* The round's report kept in a row of its own (what report.json reads back),
 * its hash added to sum: OK, IMPOSSIBLE (longer than the row holds), STORE,
 * NO_MEMORY. */
static urne_app_status store_report(urne_app *app, int64_t id, int64_t round, const json_t *report, urne_match_sum *sum,
                                    urne_app_outcome *out) {
    char *text = json_dumps(report, JSON_COMPACT | JSON_PRESERVE_ORDER);
    urne_match_run_row *row = text ? calloc(1, sizeof *row) : NULL;
    urne_app_status st = row ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (st == URNE_APP_OK && strlen(text) >= sizeof row->report)
        st = urne_app_fail(out, URNE_APP_IMPOSSIBLE, "the round's report is %zu bytes, more than %zu", strlen(text),
                           sizeof row->report - 1);
    if (st == URNE_APP_OK) {
        row->campaign = id, row->round = round;
        memcpy(row->report, text, strlen(text) + 1);
        if (urne_store_match_run_put(app->store, row) != 1) st = urne_app_store_failed(app, out);
        else urne_store_match_sum_run(sum, row, 1);
    }
    free(row);
    free(text);
    return st;
}

static urne_app_status run_in_transaction(urne_app *app, const char *by, urne_match_campaign_row *c, int final,
                                          urne_match_input *in, urne_app_outcome *out) {
    char hash[URNE_STORE_MATCH_HASH];
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    urne_diags rd;
    urne_diags_init(&rd, "rankings");
    urne_app_status st = load_input(app, c, in, &sha, NULL, 0, &rd, out);
    urne_diags_free(&rd);
    if (st != URNE_APP_OK) return st;
    size_t n = in->in.npupils ? in->in.npupils : 1;
    urne_match_sum sum = {{0}};
    earlier e = {.app = app, .in = in, .kept = malloc(n * sizeof(uint32_t)), .absent = calloc(n, 1), .sum = &sum};
    if (e.kept == NULL || e.absent == NULL) return free(e.kept), free(e.absent), urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    for (size_t p = 0; p < n; p++) e.kept[p] = URNE_MATCH_NONE;
    urne_time_iso(urne_app_match_now(app), e.now);
    if (urne_store_match_offer_each(app->store, c->id, fold_offer, &e) != 0) st = urne_app_store_failed(app, out);
    for (size_t p = 0; p < in->in.npupils; p++) e.nkept += e.kept[p] != URNE_MATCH_NONE, e.nabsent += e.absent[p];
    inputs_hash(&sha, in, &e, c->round > 0, hash);
    /* A first round has nothing kept and nobody absent: said as none, so that its
     * report reads "later": false, as the command line's without --keep. */
    in->in.kept = c->round > 0 ? e.kept : NULL;
    in->in.absent = c->round > 0 ? e.absent : NULL;
    urne_match_prep prep;
    urne_match_result r;
    int prepared = 0, ran = 0;
    if (st == URNE_APP_OK) st = urne_match_prepare(&in->in, &prep) < 0 ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL)
                                                                       : (prepared = 1, URNE_APP_OK);
    if (st == URNE_APP_OK && (st = compute(c, &prep, &r, out)) == URNE_APP_OK) ran = 1;
    int64_t placed = 0, round = c->round + 1;
    if (st == URNE_APP_OK) st = store_results(app, c, round, &prep, &r, in, &placed, &sum, out);
    json_t *report = st == URNE_APP_OK ? round_report(c, in, &r, hash) : NULL;
    if (st == URNE_APP_OK && report == NULL) st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (ran) urne_match_result_free(&r);
    if (prepared) urne_match_prep_free(&prep);
    in->in.kept = NULL;
    in->in.absent = NULL;
    free(e.kept);
    free(e.absent);
    if (st == URNE_APP_OK) st = store_report(app, c->id, round, report, &sum, out);
    if (st != URNE_APP_OK) return json_decref(report), urne_store_rollback(app->store), st;
    char from[16];
    snprintf(from, sizeof from, "%s", c->state);
    c->round = round;
    if (final) c->final_round = round;
    snprintf(c->state, sizeof c->state, "run");
    int rc = urne_store_match_campaign_update(app->store, c, from);
    if (rc <= 0) return json_decref(report), rc < 0 ? urne_app_store_failed(app, out)
                               : (urne_store_rollback(app->store), urne_app_match_wrong_state(out, NULL, "changed elsewhere"));
    json_t *extra = json_pack("{s:I, s:I, s:I, s:b, s:o}", "placed", (json_int_t)placed, "kept", (json_int_t)e.nkept,
                              "absent", (json_int_t)e.nabsent, "final", final != 0, "report", report);
    if ((st = urne_app_match_audit(app, by, "run", c, &sum, extra, out)) != URNE_APP_OK) return st;
    out->id = placed;
    return URNE_APP_OK;
}

urne_app_status urne_app_match_run(urne_app *app, const urne_user *actor, int64_t id, int final,
                                   urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_match_input in;
    memset(&in, 0, sizeof in);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load_managed(app, actor, id, c, out);
    if (st == URNE_APP_OK && c->final_round)
        st = urne_app_match_wrong_state(out, URNE_WHY_MATCH_FINAL, c->state);
    else if (st == URNE_APP_OK && strcmp(c->state, "collecting") != 0 && strcmp(c->state, "published") != 0)
        st = urne_app_match_wrong_state(out, NULL, c->state);
    if (st == URNE_APP_OK && urne_store_begin(app->store) < 0) st = urne_app_store_failed(app, out);
    if (st == URNE_APP_OK) st = run_in_transaction(app, actor->name, c, final, &in, out);
    if (st == URNE_APP_OK) st = urne_app_match_commit(app, out);
    if (st == URNE_APP_OK) {
        out->number = c->round;
        urne_app_changed(app);
    }
    pthread_mutex_unlock(&app->lock);
    urne_match_input_free(&in);
    free(c);
    return out->status = st;
}

/* ---- publishing and answering ---- */

/* A deadline as people type it, as "YYYY-MM-DDTHH:MM:SSZ": the forms' day
 * first ("10/04/2027 18:00", "10/04/2027 à 18 h 00") or ISO ("2027-04-10T18:00"),
 * a local time in Europe/Paris, where the campaigns urne serves are held, unless
 * it ends with "Z" or an offset (urne_i18n_moment_utc). 0, or -1. */
static int parse_deadline(const char *text, char out[24]) {
    return text && urne_i18n_moment_utc(text, NULL, out) == 0 ? 0 : -1;
}

typedef struct offering {
    urne_app *app;
    const char *deadline;
    int64_t offers;
    int failed;
    urne_match_sum sum; /* the offers made */
} offering;

static int offer_one(const urne_match_result_row *r, void *ctx) {
    offering *o = ctx;
    if (!r->host[0]) return 0;
    urne_match_offer_row x;
    memset(&x, 0, sizeof x);
    x.campaign = r->campaign, x.round = r->round;
    snprintf(x.pupil, sizeof x.pupil, "%s", r->pupil);
    snprintf(x.host, sizeof x.host, "%s", r->host);
    snprintf(x.state, sizeof x.state, "offered");
    snprintf(x.deadline, sizeof x.deadline, "%s", o->deadline);
    if (urne_store_match_offer_put(o->app->store, &x) != 1) return o->failed = 1, -1;
    urne_store_match_sum_offer(&o->sum, &x, 1);
    o->offers++;
    return 0;
}

static urne_app_status publish_locked(urne_app *app, const urne_user *actor, urne_match_campaign_row *c,
                                      const char *deadline, urne_app_outcome *out) {
    urne_app_status st = urne_app_match_may_row(app, actor, URNE_ACT_MANAGE_MATCHES, c, NULL, NULL, out);
    if (st != URNE_APP_OK) return st;
    if (strcmp(c->state, "run") != 0) return urne_app_match_wrong_state(out, NULL, c->state);
    char at[24], now[24];
    if (parse_deadline(deadline, at) < 0)
        return urne_app_match_refuse(out, "deadline", URNE_WHY_DEADLINE, 0, deadline ? deadline : "");
    urne_time_iso(urne_app_match_now(app), now);
    if (strcmp(at, now) <= 0) return urne_app_match_refuse(out, "deadline", URNE_WHY_DEADLINE, 1, deadline);
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    offering o = {.app = app, .deadline = at};
    if (urne_store_match_result_each(app->store, c->id, c->round, offer_one, &o) != 0)
        return urne_app_store_failed(app, out);
    snprintf(c->state, sizeof c->state, "published");
    snprintf(c->deadline, sizeof c->deadline, "%s", at);
    int rc = urne_store_match_campaign_update(app->store, c, "run");
    if (rc <= 0) return rc < 0 ? urne_app_store_failed(app, out)
                               : (urne_store_rollback(app->store), urne_app_match_wrong_state(out, NULL, "changed elsewhere"));
    st = urne_app_match_audit(app, actor->name, "publish", c, &o.sum, json_pack("{s:I}", "offers", (json_int_t)o.offers),
                              out);
    if (st == URNE_APP_OK) out->number = o.offers;
    return st == URNE_APP_OK ? urne_app_match_commit(app, out) : st;
}

urne_app_status urne_app_match_publish(urne_app *app, const urne_user *actor, int64_t id, const char *deadline,
                                       urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_OK) st = publish_locked(app, actor, c, deadline, out);
    if (st == URNE_APP_OK) {
        out->id = id;
        memcpy(out->at, c->deadline, sizeof out->at);
        urne_app_changed(app);
    }
    pthread_mutex_unlock(&app->lock);
    free(c);
    return out->status = st;
}

/* The pupil a code names: OK or NO_CAMPAIGN (the same for a wrong code and a
 * campaign that does not exist: a code tells nothing of others). */
static urne_app_status pupil_by_code(urne_app *app, int64_t id, const char *code, urne_match_pupil_row *p,
                                     urne_app_outcome *out) {
    char hash[URNE_STORE_MATCH_HASH];
    urne_app_match_code_hash(code ? code : "", hash);
    int rc = code && code[0] ? urne_store_match_pupil_get(app->store, id, NULL, hash, p) : 0;
    if (rc < 0) return urne_app_store_failed(app, out);
    return rc == 0 ? urne_app_fail(out, URNE_APP_NO_CAMPAIGN, NULL) : URNE_APP_OK;
}

static urne_app_status answer_locked(urne_app *app, urne_match_placement *v, const char *code, int accept,
                                     urne_app_outcome *out) {
    urne_app_status st = urne_app_match_load(app, v->campaign.id, &v->campaign, out);
    if (st == URNE_APP_OK) st = pupil_by_code(app, v->campaign.id, code, &v->pupil, out);
    if (st != URNE_APP_OK) return st == URNE_APP_NO_CAMPAIGN ? (out->number = 0, st) : st;
    if (strcmp(v->campaign.state, "published") != 0) return urne_app_match_wrong_state(out, NULL, v->campaign.state);
    int rc = urne_store_match_offer_last(app->store, v->campaign.id, v->pupil.key, &v->offer);
    if (rc < 0) return urne_app_store_failed(app, out);
    char now[24];
    urne_time_iso(urne_app_match_now(app), now);
    if (rc == 0 || strcmp(v->offer.state, "offered") != 0 || strcmp(now, v->offer.deadline) >= 0)
        return urne_app_match_wrong_state(out, URNE_WHY_MATCH_OFFER, rc ? v->offer.state : "none");
    urne_match_offer_row x = v->offer;
    snprintf(x.state, sizeof x.state, "%s", accept ? "accepted" : "refused");
    snprintf(x.answered_at, sizeof x.answered_at, "%s", now);
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    if ((rc = urne_store_match_offer_update(app->store, &x, "offered")) <= 0)
        return rc < 0 ? urne_app_store_failed(app, out)
                      : (urne_store_rollback(app->store), urne_app_match_wrong_state(out, URNE_WHY_MATCH_OFFER, "answered"));
    json_t *extra = json_pack("{s:s, s:I, s:s, s:s}", "pupil", x.pupil, "offer_round", (json_int_t)x.round, "host",
                              x.host, "answer", x.state);
    urne_match_sum sum = {{0}};
    urne_store_match_sum_offer(&sum, &v->offer, -1);
    urne_store_match_sum_offer(&sum, &x, 1);
    if ((st = urne_app_match_audit(app, "pupil-code", "answer", &v->campaign, &sum, extra, out)) != URNE_APP_OK)
        return st;
    if ((st = urne_app_match_commit(app, out)) == URNE_APP_OK) v->offer = x;
    return st;
}

urne_app_status urne_app_match_answer(urne_app *app, int64_t id, const char *code, int accept,
                                      urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_placement *v = calloc(1, sizeof *v);
    if (v == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    v->campaign.id = id;
    pthread_mutex_lock(&app->lock);
    urne_app_status st = answer_locked(app, v, code, accept, out);
    if (st == URNE_APP_OK) {
        out->id = id;
        snprintf(out->detail, sizeof out->detail, "%s", v->offer.state);
        memcpy(out->at, v->offer.answered_at, sizeof out->at);
        urne_app_changed(app);
    }
    pthread_mutex_unlock(&app->lock);
    free(v);
    return out->status = st;
}

/* ---- reads ---- */

urne_app_status urne_app_match_placement(urne_app *app, int64_t id, const char *code, urne_match_placement *v,
                                         urne_app_outcome *out) {
    urne_app_outcome_init(out);
    memset(v, 0, sizeof *v);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load(app, id, &v->campaign, out);
    if (st == URNE_APP_OK) st = pupil_by_code(app, id, code, &v->pupil, out);
    if (st == URNE_APP_NO_CAMPAIGN) out->number = 0;
    /* The last round published: a round run but not published is not shown. */
    int64_t shown = v->campaign.round - (strcmp(v->campaign.state, "run") == 0);
    for (int64_t r = shown; st == URNE_APP_OK && r >= 1 && !v->has_result; r--) {
        int rc = urne_store_match_result_get(app->store, id, r, v->pupil.key, &v->result);
        if (rc < 0) st = urne_app_store_failed(app, out);
        v->has_result = rc == 1;
    }
    if (st == URNE_APP_OK) {
        int rc = urne_store_match_offer_last(app->store, id, v->pupil.key, &v->offer);
        if (rc < 0) st = urne_app_store_failed(app, out);
        v->has_offer = rc == 1;
    }
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

typedef struct priority_of {
    char **keys;    /* the priority pupils' keys, sorted */
    size_t n, cap;
    int64_t pupils;
} priority_of;

static int note_priority(const urne_match_pupil_row *p, void *ctx) {
    priority_of *k = ctx;
    k->pupils++;
    if (p->priority <= 0) return 0;
    char **a = urne_mem_room(k->keys, k->n, &k->cap, sizeof *a, 64);
    if (a == NULL) return -1;
    k->keys = a;
    return (k->keys[k->n++] = strdup(p->key)) ? 0 : -1;
}

static int by_key(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct tally {
    urne_match_figures *f;
    const priority_of *k;
} tally;

static int count_result(const urne_match_result_row *r, void *ctx) {
    tally *t = ctx;
    const char *key = r->pupil;
    int priority = t->k->n && bsearch(&key, t->k->keys, t->k->n, sizeof *t->k->keys, by_key) != NULL;
    urne_match_figures *f = t->f;
    f->pupils++;
    if (!r->host[0]) {
        f->unplaced++;
        return 0;
    }
    f->placed++;
    f->wish[r->wish > 0 && r->wish < URNE_MATCH_FIG_WISHES ? r->wish : 0]++;
    if (priority) f->priority_placed++, f->priority_first += r->wish == 1;
    else f->other_first += r->wish == 1;
    return 0;
}

int urne_app_match_figures(urne_app *app, int64_t id, int64_t round, urne_match_figures *f) {
    memset(f, 0, sizeof *f);
    priority_of k = {0};
    tally t = {f, &k};
    pthread_mutex_lock(&app->lock);
    urne_match_campaign_row *c = malloc(sizeof *c);
    int rc = c ? urne_store_match_campaign_get(app->store, id, c) : -1;
    if (rc == 1) {
        f->round = round > 0 ? round : c->round;
        rc = urne_store_match_pupil_each(app->store, id, "", note_priority, &k);
        if (rc == 0 && k.n) qsort(k.keys, k.n, sizeof *k.keys, by_key);
        if (rc == 0 && f->round > 0) rc = urne_store_match_result_each(app->store, id, f->round, count_result, &t);
        f->priority_pupils = (int64_t)k.n;
    }
    pthread_mutex_unlock(&app->lock);
    for (size_t i = 0; i < k.n; i++) free(k.keys[i]);
    free(k.keys);
    free(c);
    return rc == 0 ? 0 : -1;
}
