/*
 * match (app): a matching campaign's creation, its import, a host's places, a
 * pupil's wishes, closing, and what the pages read (match.h says who may and
 * what each answers; match_round.c runs, publishes and answers the rounds).
 *
 * Nothing is held in memory: every use case reads the campaign's row inside the
 * lock, decides, and writes its rows and its audit entry in one transaction.
 * The state a write rests on is checked again by the statement that writes it
 * (urne_store_match_campaign_update from the state read), so a campaign moved
 * meanwhile by another server answers STATE with nothing written.
 *
 * The import reads the files with the command line's reader (io/match_io.h):
 * every line or none, each error naming the file, the line, the column and the
 * rule. The rows keep what the engine reads in their own columns and the rest
 * (a host's other columns, a pupil's) as a JSON object, so that a round later
 * is run on what the files said, with the changes since.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../io/match_io.h"
#include "match_internal.h"

/* ---- shared with match_round.c ---- */

int64_t urne_app_match_now(urne_app *app) { return app->match_now ? app->match_now() : (int64_t)time(NULL); }

void urne_app_match_clock(urne_app *app, int64_t (*now)(void)) {
    pthread_mutex_lock(&app->lock);
    app->match_now = now;
    pthread_mutex_unlock(&app->lock);
}

urne_app_status urne_app_match_refuse(urne_app_outcome *out, const char *field, const char *why, int64_t number,
                                      const char *detail) {
    snprintf(out->field, sizeof out->field, "%s", field);
    out->why = why;
    out->number = number;
    return urne_app_fail(out, URNE_APP_BAD_INPUT, "%.300s", detail ? detail : "");
}

urne_app_status urne_app_match_wrong_state(urne_app_outcome *out, const char *why, const char *state) {
    out->why = why ? why : URNE_WHY_MATCH_STATE;
    return urne_app_fail(out, URNE_APP_STATE, "%s", state);
}

void urne_app_match_code_hash(const char *code, char out[URNE_STORE_MATCH_HASH]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)code, strlen(code));
    sodium_bin2hex(out, URNE_STORE_MATCH_HASH, h, sizeof h);
}

/* A new random code: 20 characters of an alphabet without look-alikes. */
static void new_code(char out[21]) {
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* 31 */
    for (int i = 0; i < 20; i++) out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[20] = '\0';
}

void urne_app_match_space_word(const char *name, char out[41]) {
    /* Latin-1's letters in UTF-8 (0xC3 then 0x80..0xBF), capitals and small
     * alike, folded to their base letter; x and / for the signs. */
    static const char latin1[] = "aaaaaaaceeeeiiiidnooooo-ouuuuyty";
    char full[256];
    size_t n = 0;
    int dash = 0, longer = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && !longer; p++) {
        unsigned char c = *p >= 'A' && *p <= 'Z' ? (unsigned char)(*p - 'A' + 'a') : *p;
        if (c == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) c = (unsigned char)latin1[*++p & 0x1F];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (n + 2 >= sizeof full) longer = 1; /* past any word kept whole: hashed below */
            else {
                if (dash && n > 0) full[n++] = '-';
                full[n++] = (char)c;
            }
            dash = 0;
        } else
            dash = 1;
    }
    full[n] = '\0';
    if (n <= 40 && !longer) {
        memcpy(out, n ? full : "-", n ? n + 1 : 2); /* n + 1 <= 41: the word and its NUL */
        return;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)name, strlen(name));
    size_t keep = 31;
    while (keep > 0 && full[keep - 1] == '-') keep--;
    memcpy(out, full, keep);
    out[keep] = '-';
    sodium_bin2hex(out + keep + 1, 9, h, 4);
}

urne_app_status urne_app_match_load(urne_app *app, int64_t id, urne_match_campaign_row *c, urne_app_outcome *out) {
    int rc = id > 0 ? urne_store_match_campaign_get(app->store, id, c) : 0;
    if (rc < 0) return urne_app_store_failed(app, out);
    if (rc == 0) {
        out->number = id > 0 ? id : 0;
        return urne_app_fail(out, URNE_APP_NO_CAMPAIGN, NULL);
    }
    return URNE_APP_OK;
}

urne_app_status urne_app_match_load_managed(urne_app *app, const urne_user *actor, int64_t id,
                                            urne_match_campaign_row *c, urne_app_outcome *out) {
    urne_app_status st = urne_app_match_load(app, id, c, out);
    return st == URNE_APP_OK ? urne_app_match_may_row(app, actor, URNE_ACT_MANAGE_MATCHES, c, NULL, NULL, out) : st;
}

urne_app_status urne_app_match_may_row(urne_app *app, const urne_user *actor, urne_action action,
                                       const urne_match_campaign_row *c, const char *sub_kind, const char *sub,
                                       urne_app_outcome *out) {
    char own[48], below[120], word[41];
    snprintf(own, sizeof own, "match/%lld", (long long)c->id);
    const char *chain[4];
    size_t n = 0;
    if (sub_kind && sub) {
        urne_app_match_space_word(sub, word);
        snprintf(below, sizeof below, "%s/%s/%s", own, sub_kind, word);
        chain[n++] = below;
    }
    chain[n++] = own;
    if (c->space[0]) chain[n++] = c->space;
    chain[n++] = "";
    return urne_app_authorize(app, actor, action, chain, n, 0, out);
}

urne_app_status urne_app_match_may(urne_app *app, const urne_user *actor, urne_action action, int64_t id,
                                   const char *sub, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load(app, id, c, out);
    const char *kind = action == URNE_ACT_ENTER_WISHES ? "school" : action == URNE_ACT_EDIT_PLACES ? "host" : NULL;
    if (st == URNE_APP_OK) st = urne_app_match_may_row(app, actor, action, c, kind, sub, out);
    pthread_mutex_unlock(&app->lock);
    free(c);
    return out->status = st;
}

urne_app_status urne_app_match_audit(urne_app *app, const char *by, const char *act, const urne_match_campaign_row *c,
                                     const urne_match_sum *delta, json_t *extra, urne_app_outcome *out) {
    char digest[URNE_STORE_MATCH_HASH], object[48], action[48];
    urne_match_sum none = {{0}};
    urne_store_match_sum_hex(delta ? delta : &none, digest);
    json_t *a = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)c->id,
                          "name", c->name, "space", c->space, "state", c->state, "method", c->method, "tie", c->tie,
                          "seed", (json_int_t)c->seed, "round", (json_int_t)c->round, "final_round",
                          (json_int_t)c->final_round, "deadline", c->deadline, "created_at", c->created_at,
                          "created_by", c->created_by, "rows_delta", digest);
    if (a && extra) json_object_update(a, extra);
    json_decref(extra);
    char *text = a ? json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(a);
    if (text == NULL) {
        urne_store_rollback(app->store);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    snprintf(object, sizeof object, "match/%lld", (long long)c->id);
    snprintf(action, sizeof action, "match.%s", act);
    int rc = urne_store_audit(app->store, by, action, object, NULL, text);
    free(text);
    return rc < 0 ? urne_app_store_failed(app, out) : URNE_APP_OK;
}

urne_app_status urne_app_match_commit(urne_app *app, urne_app_outcome *out) {
    return urne_store_commit(app->store) < 0 ? urne_app_store_failed(app, out) : URNE_APP_OK;
}

/* Write c from state `from` (the state read) and append its entry: OK, or the
 * failure with everything rolled back. */
static urne_app_status move(urne_app *app, const char *by, const char *act, const urne_match_campaign_row *c,
                            const char *from, const urne_match_sum *delta, json_t *extra, urne_app_outcome *out) {
    int rc = urne_store_match_campaign_update(app->store, c, from);
    if (rc < 0) return json_decref(extra), urne_app_store_failed(app, out);
    if (rc == 0) {
        json_decref(extra);
        urne_store_rollback(app->store);
        return urne_app_match_wrong_state(out, NULL, "changed elsewhere");
    }
    return urne_app_match_audit(app, by, act, c, delta, extra, out);
}

/* ---- creating ---- */

static urne_app_status new_campaign(const urne_match_campaign_new *in, const char *by, int64_t now,
                                    urne_match_campaign_row *c, urne_app_outcome *out) {
    const char *name = in->name ? in->name : "", *space = in->space ? in->space : "";
    const char *method = in->method && in->method[0] ? in->method : "da";
    const char *tie = in->tie && in->tie[0] ? in->tie : "single";
    char why[128];
    if (!name[0]) return urne_app_match_refuse(out, "name", URNE_WHY_MATCH_EMPTY, 0, NULL);
    if (strlen(name) >= sizeof c->name) {
        char len[24];
        snprintf(len, sizeof len, "%zu", strlen(name));
        return urne_app_match_refuse(out, "name", URNE_WHY_TOO_LONG, sizeof c->name - 1, len);
    }
    if (space[0] && (strlen(space) >= sizeof c->space || !urne_space_valid(space, why, sizeof why)))
        return urne_app_match_refuse(out, "space", URNE_WHY_SPACE, -1, space);
    if (strcmp(method, "da") != 0 && strcmp(method, "ttc") != 0 && strcmp(method, "serial") != 0)
        return urne_app_match_refuse(out, "method", URNE_WHY_MATCH_METHOD, 0, method);
    if (strcmp(tie, "single") != 0 && strcmp(tie, "multiple") != 0)
        return urne_app_match_refuse(out, "tie", URNE_WHY_MATCH_TIE, 0, tie);
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->space, sizeof c->space, "%s", space);
    snprintf(c->state, sizeof c->state, "draft");
    snprintf(c->method, sizeof c->method, "%s", method);
    snprintf(c->tie, sizeof c->tie, "%s", tie);
    if (in->seed >= 0)
        c->seed = in->seed;
    else
        randombytes_buf(&c->seed, sizeof c->seed), c->seed &= INT64_MAX;
    urne_time_iso(now, c->created_at);
    snprintf(c->created_by, sizeof c->created_by, "%s", by);
    return URNE_APP_OK;
}

urne_app_status urne_app_match_create(urne_app *app, const urne_user *actor, const urne_match_campaign_new *in,
                                      urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_authorize_space(app, actor, URNE_ACT_MANAGE_MATCHES, in->space ? in->space : "", out);
    if (st == URNE_APP_OK) st = new_campaign(in, actor->name, urne_app_match_now(app), c, out);
    if (st == URNE_APP_OK && urne_store_begin(app->store) < 0) st = urne_app_store_failed(app, out);
    if (st == URNE_APP_OK) {
        c->id = urne_store_match_campaign_put(app->store, c);
        if (c->id < 0) st = urne_app_store_failed(app, out);
    }
    if (st == URNE_APP_OK) st = urne_app_match_audit(app, actor->name, "create", c, NULL, NULL, out);
    if (st == URNE_APP_OK) st = urne_app_match_commit(app, out);
    if (st == URNE_APP_OK) {
        out->id = c->id;
        memcpy(out->at, c->created_at, sizeof out->at);
        urne_app_changed(app);
    }
    pthread_mutex_unlock(&app->lock);
    free(c);
    return out->status = st;
}

/* ---- the import ---- */

const char *const urne_app_match_host_own[] = {"id", "capacity", "reserved", "weeks", "name", NULL};
const char *const urne_app_match_pupil_own[] = {"id", "wishes", "priority", "lottery", "week", "school", NULL};

int urne_app_match_keep_line(const char *const *names, const char *const *values, long n, void *ctx) {
    urne_app_match_kept *k = ctx;
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 64;
        char **a = realloc(k->kept, cap * sizeof *a), **b = a ? realloc(k->picked, cap * sizeof *b) : NULL;
        if (a) k->kept = a;
        if (b) k->picked = b;
        if (a == NULL || b == NULL) return -1;
        k->cap = cap;
    }
    json_t *o = json_object();
    const char *picked = "";
    for (long i = 0; o && i < n; i++) {
        int own = strcasecmp(names[i], k->pick) == 0;
        if (own) picked = values[i];
        for (size_t j = 0; !own && k->own[j]; j++) own = strcasecmp(names[i], k->own[j]) == 0;
        if (!own && names[i][0]) json_object_set_new(o, names[i], json_string(values[i]));
    }
    k->kept[k->n] = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    k->picked[k->n] = strdup(picked);
    json_decref(o);
    k->n++;
    return k->kept[k->n - 1] && k->picked[k->n - 1] ? 0 : -1;
}

void urne_app_match_kept_free(urne_app_match_kept *k) {
    for (size_t i = 0; i < k->n; i++) free(k->kept[i]), free(k->picked[i]);
    free(k->kept);
    free(k->picked);
}

urne_app_status urne_app_match_write_rows(urne_app *app, int64_t id, const urne_match_input *in, size_t host_from,
                                          const urne_app_match_kept *hk, const urne_app_match_kept *pk,
                                          urne_app_match_issued *codes, urne_match_sum *sum, urne_app_outcome *out) {
    urne_match_host_row *h = calloc(1, sizeof *h);
    urne_match_pupil_row *p = calloc(1, sizeof *p);
    urne_app_status st = h && p ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    for (size_t i = host_from; st == URNE_APP_OK && i < in->in.nhosts; i++) {
        const urne_match_host *x = &in->hosts[i];
        memset(h, 0, sizeof *h);
        h->campaign = id;
        snprintf(h->key, sizeof h->key, "%s", x->id);
        h->capacity = x->capacity, h->reserved = x->reserved;
        size_t at = 0;
        for (size_t w = 0; w < in->nweeks && at < sizeof h->weeks; w++)
            if (x->weeks & (1ULL << w))
                at += (size_t)snprintf(h->weeks + at, sizeof h->weeks - at, "%s%s", at ? "|" : "", in->weeks[w]);
        size_t k = i - host_from; /* the line's place among those written */
        if (at >= sizeof h->weeks || strlen(hk->picked[k]) >= sizeof h->name || strlen(hk->kept[k]) >= sizeof h->kept)
            return free(h), free(p), urne_app_match_refuse(out, "hosts", URNE_WHY_TOO_LONG, (int64_t)sizeof h->kept, x->id);
        snprintf(h->name, sizeof h->name, "%s", hk->picked[k]);
        snprintf(h->kept, sizeof h->kept, "%s", hk->kept[k]);
        urne_app_match_issued *c = &codes[k];
        snprintf(c->kind, sizeof c->kind, "host");
        snprintf(c->key, sizeof c->key, "%s", x->id);
        new_code(c->code);
        urne_app_match_code_hash(c->code, h->code_hash);
        if (urne_store_match_host_put(app->store, h) != 1) st = urne_app_store_failed(app, out);
        urne_store_match_sum_host(sum, h, 1);
    }
    for (size_t i = 0; st == URNE_APP_OK && i < in->in.npupils; i++) {
        const urne_match_pupil *x = &in->pupils[i];
        memset(p, 0, sizeof *p);
        p->campaign = id;
        snprintf(p->key, sizeof p->key, "%s", x->id);
        p->priority = x->priority;
        if (in->lottery_given) snprintf(p->lottery, sizeof p->lottery, "%lld", (long long)x->lottery);
        if (x->week >= 0) snprintf(p->week, sizeof p->week, "%s", in->weeks[x->week]);
        size_t at = 0;
        for (size_t w = 0; w < x->nwishes && at < sizeof p->wishes; w++)
            at += (size_t)snprintf(p->wishes + at, sizeof p->wishes - at, "%s%s", w ? ">" : "", in->hosts[x->wishes[w]].id);
        if (at >= sizeof p->wishes || strlen(pk->picked[i]) >= sizeof p->school || strlen(pk->kept[i]) >= sizeof p->kept)
            return free(h), free(p), urne_app_match_refuse(out, "pupils", URNE_WHY_TOO_LONG, (int64_t)sizeof p->wishes, x->id);
        snprintf(p->school, sizeof p->school, "%s", pk->picked[i]);
        snprintf(p->kept, sizeof p->kept, "%s", pk->kept[i]);
        urne_app_match_issued *c = &codes[in->in.nhosts - host_from + i];
        snprintf(c->kind, sizeof c->kind, "pupil");
        snprintf(c->key, sizeof c->key, "%s", x->id);
        snprintf(c->school, sizeof c->school, "%s", p->school);
        new_code(c->code);
        urne_app_match_code_hash(c->code, p->code_hash);
        if (urne_store_match_pupil_put(app->store, p) != 1) st = urne_app_store_failed(app, out);
        urne_store_match_sum_pupil(sum, p, 1);
    }
    for (size_t hi = host_from; st == URNE_APP_OK && hi < in->in.nhosts; hi++) {
        const urne_match_host *x = &in->hosts[hi];
        for (size_t r = 0; st == URNE_APP_OK && r < x->nranked; r++) {
            urne_match_ranking_row k = {.campaign = id, .rank = x->ranks[r]};
            snprintf(k.host, sizeof k.host, "%s", x->id);
            snprintf(k.pupil, sizeof k.pupil, "%s", in->pupils[x->ranked_pupils[r]].id);
            if (urne_store_match_ranking_put(app->store, &k) != 1) st = urne_app_store_failed(app, out);
            urne_store_match_sum_ranking(sum, &k, 1);
        }
    }
    free(h);
    free(p);
    return st;
}

/* The files read, or BAD_INPUT naming the first file at fault. */
static urne_app_status read_files(const char *hosts, size_t hl, const char *pupils, size_t pl, const char *rankings,
                                  size_t rl, urne_match_input *in, urne_app_outcome *out) {
    urne_diags d[3];
    static const char *const names[3] = {"hosts.csv", "pupils.csv", "host_rankings.csv"};
    for (int i = 0; i < 3; i++) urne_diags_init(&d[i], names[i]);
    int rc = urne_io_match_read(hosts ? hosts : "", hosts ? hl : 0, &d[0], pupils ? pupils : "", pupils ? pl : 0,
                                &d[1], rankings, rankings ? rl : 0, &d[2], in);
    urne_app_status st = URNE_APP_OK;
    for (int i = 0; rc < 0 && i < 3 && st == URNE_APP_OK; i++)
        if (d[i].errors) {
            snprintf(out->field, sizeof out->field, "%s", names[i]);
            out->why = URNE_WHY_FILE;
            out->number = (int64_t)d[i].count;
            out->checks.file = names[i];
            urne_diags_append(&out->checks, &d[i]);
            st = urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
        }
    if (rc < 0 && st == URNE_APP_OK) st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    for (int i = 0; i < 3; i++) urne_diags_free(&d[i]);
    return st;
}

/* May actor import into campaign c now (its coordinator, the campaign in draft)?
 * OK or the refusal. Asked before the files are read (a département's file is
 * seconds of work and a gigabyte of memory, not to be spent for anyone else) and
 * again under the lock the import writes in. */
static urne_app_status import_allowed(urne_app *app, const urne_user *actor, const urne_match_campaign_row *c,
                                      urne_app_outcome *out) {
    urne_app_status st = urne_app_match_may_row(app, actor, URNE_ACT_MANAGE_MATCHES, c, NULL, NULL, out);
    if (st != URNE_APP_OK) return st;
    return strcmp(c->state, "draft") != 0 ? urne_app_match_wrong_state(out, NULL, c->state) : URNE_APP_OK;
}

static urne_app_status import_locked(urne_app *app, const urne_user *actor, urne_match_campaign_row *c,
                                     const urne_match_input *in, const urne_app_match_kept *hk,
                                     const urne_app_match_kept *pk, urne_app_match_issued *codes, urne_app_outcome *out) {
    urne_app_status st = import_allowed(app, actor, c, out);
    if (st != URNE_APP_OK) return st;
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    urne_match_sum sum = {{0}};
    if ((st = urne_app_match_write_rows(app, c->id, in, 0, hk, pk, codes, &sum, out)) != URNE_APP_OK) {
        urne_store_rollback(app->store);
        return st;
    }
    snprintf(c->state, sizeof c->state, "collecting");
    json_t *extra = json_pack("{s:I, s:I}", "hosts", (json_int_t)in->in.nhosts, "pupils", (json_int_t)in->in.npupils);
    if ((st = move(app, actor->name, "import", c, "draft", &sum, extra, out)) != URNE_APP_OK) return st;
    return urne_app_match_commit(app, out);
}

urne_app_status urne_app_match_import(urne_app *app, const urne_user *actor, int64_t id, const char *hosts,
                                      size_t hosts_len, const char *pupils, size_t pupils_len, const char *rankings,
                                      size_t rankings_len, urne_app_match_code_fn fn, void *ctx,
                                      urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_app_match_kept hk = {.own = urne_app_match_host_own, .pick = "name"},
                        pk = {.own = urne_app_match_pupil_own, .pick = "school"};
    urne_match_input in;
    memset(&in, 0, sizeof in);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_OK) st = import_allowed(app, actor, c, out);
    pthread_mutex_unlock(&app->lock);
    if (st == URNE_APP_OK) st = read_files(hosts, hosts_len, pupils, pupils_len, rankings, rankings_len, &in, out);
    if (st != URNE_APP_OK) {
        free(c);
        return out->status = st;
    }
    urne_app_match_issued *codes = calloc(in.in.nhosts + in.in.npupils + 1, sizeof *codes);
    if (codes == NULL || urne_io_match_rows(hosts, hosts_len, urne_app_match_keep_line, &hk) != 0 ||
        urne_io_match_rows(pupils, pupils_len, urne_app_match_keep_line, &pk) != 0 || hk.n != in.in.nhosts || pk.n != in.in.npupils)
        st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (st == URNE_APP_OK) {
        pthread_mutex_lock(&app->lock);
        st = urne_app_match_load(app, id, c, out);
        if (st == URNE_APP_OK) st = import_locked(app, actor, c, &in, &hk, &pk, codes, out);
        if (st == URNE_APP_OK) urne_app_changed(app);
        pthread_mutex_unlock(&app->lock);
    }
    if (st == URNE_APP_OK) {
        out->id = id;
        out->number = (int64_t)in.in.npupils;
        for (size_t i = 0; fn && i < in.in.nhosts + in.in.npupils; i++)
            fn(codes[i].kind, codes[i].key, codes[i].school, codes[i].code, ctx);
    }
    if (codes) sodium_memzero(codes, (in.in.nhosts + in.in.npupils + 1) * sizeof *codes);
    free(codes);
    free(c);
    urne_app_match_kept_free(&hk);
    urne_app_match_kept_free(&pk);
    urne_match_input_free(&in);
    return out->status = st;
}

/* ---- a host's places, a pupil's wishes, closing ---- */

static urne_app_status places_locked(urne_app *app, const urne_user *actor, const urne_match_campaign_row *c,
                                     const urne_match_places *in, urne_match_host_row *h, urne_app_outcome *out) {
    urne_app_status st;
    int rc;
    char hash[URNE_STORE_MATCH_HASH];
    if (in->code && in->code[0]) {
        urne_app_match_code_hash(in->code, hash);
        rc = urne_store_match_host_get(app->store, c->id, NULL, hash, h);
        if (rc == 0) return urne_app_fail(out, URNE_APP_NO_CAMPAIGN, NULL);
    } else {
        if (in->key == NULL || !in->key[0]) return urne_app_match_refuse(out, "host", URNE_WHY_MATCH_EMPTY, 0, NULL);
        if ((st = urne_app_match_may_row(app, actor, URNE_ACT_EDIT_PLACES, c, "host", in->key, out)) != URNE_APP_OK)
            return st;
        rc = urne_store_match_host_get(app->store, c->id, in->key, NULL, h);
        if (rc == 0) return urne_app_match_refuse(out, "host", URNE_WHY_MATCH_HOST, 0, in->key);
    }
    if (rc < 0) return urne_app_store_failed(app, out);
    if (strcmp(c->state, "collecting") != 0) return urne_app_match_wrong_state(out, NULL, c->state);
    if (in->capacity < 0 || in->capacity > 1000000)
        return urne_app_match_refuse(out, "capacity", URNE_WHY_MATCH_CAPACITY, in->capacity, NULL);
    if (in->reserved < 0 || in->reserved > in->capacity)
        return urne_app_match_refuse(out, "reserved", URNE_WHY_MATCH_CAPACITY, in->reserved, NULL);
    const char *weeks = in->weeks ? in->weeks : "";
    if (strlen(weeks) >= sizeof h->weeks || (in->name && strlen(in->name) >= sizeof h->name))
        return urne_app_match_refuse(out, strlen(weeks) >= sizeof h->weeks ? "weeks" : "name", URNE_WHY_TOO_LONG,
                                     (int64_t)(strlen(weeks) >= sizeof h->weeks ? sizeof h->weeks : sizeof h->name) - 1,
                                     NULL);
    urne_match_sum sum = {{0}};
    urne_store_match_sum_host(&sum, h, -1);
    h->capacity = in->capacity;
    h->reserved = in->reserved;
    snprintf(h->weeks, sizeof h->weeks, "%s", weeks);
    if (in->name) snprintf(h->name, sizeof h->name, "%s", in->name);
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    urne_store_match_sum_host(&sum, h, 1);
    if ((rc = urne_store_match_host_update(app->store, h)) <= 0)
        return rc < 0 ? urne_app_store_failed(app, out)
                      : (urne_store_rollback(app->store), urne_app_match_refuse(out, "host", URNE_WHY_MATCH_HOST, 0, h->key));
    json_t *extra = json_pack("{s:s, s:I, s:I, s:s}", "host", h->key, "capacity", (json_int_t)h->capacity, "reserved",
                              (json_int_t)h->reserved, "weeks", h->weeks);
    char by[80];
    snprintf(by, sizeof by, "%s", in->code && in->code[0] ? "host-code" : actor->name);
    if ((st = urne_app_match_audit(app, by, "places", c, &sum, extra, out)) != URNE_APP_OK) return st;
    return urne_app_match_commit(app, out);
}

urne_app_status urne_app_match_places(urne_app *app, const urne_user *actor, int64_t id, const urne_match_places *in,
                                      urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    urne_match_host_row *h = malloc(sizeof *h);
    urne_app_status st = c && h ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    if (st == URNE_APP_OK) st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_OK) st = places_locked(app, actor, c, in, h, out);
    if (st == URNE_APP_OK) {
        out->id = id;
        snprintf(out->detail, sizeof out->detail, "%s", h->key);
        urne_app_changed(app);
    }
    pthread_mutex_unlock(&app->lock);
    free(c);
    free(h);
    return out->status = st;
}

/* The wishes checked against the campaign's hosts: each named, known, none
 * repeated ("" is no wish at all). */
static urne_app_status check_wishes(urne_app *app, int64_t id, const char *wishes, urne_match_host_row *h,
                                    urne_app_outcome *out) {
    if (!wishes[0]) return URNE_APP_OK;
    char *copy = strdup(wishes);
    size_t n = 1;
    for (const char *q = wishes; *q; q++) n += *q == '>';
    char **seen = malloc(n * sizeof *seen);
    urne_app_status st = copy && seen ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    char *w = copy;
    for (size_t i = 0; st == URNE_APP_OK && i < n; i++) {
        char *end = strchr(w, '>');
        if (end) *end = '\0';
        /* A wish longer than any host's id is no host's (never a store refusal, a 500). */
        int rc = w[0] && strlen(w) <= URNE_STORE_MATCH_KEY_MAX ? urne_store_match_host_get(app->store, id, w, NULL, h) : 0;
        if (rc < 0)
            st = urne_app_store_failed(app, out);
        else if (rc == 0)
            st = urne_app_match_refuse(out, "wishes", URNE_WHY_MATCH_WISH, (int64_t)i + 1, w);
        for (size_t j = 0; st == URNE_APP_OK && j < i; j++)
            if (strcmp(seen[j], w) == 0) st = urne_app_match_refuse(out, "wishes", URNE_WHY_MATCH_WISH, (int64_t)i + 1, w);
        seen[i] = w;
        w = end ? end + 1 : w + strlen(w);
    }
    free(seen);
    free(copy);
    return st;
}

/* Whether the pupil holds a place (an offer accepted, or offered and not yet
 * past its deadline): 1, 0, -1. */
static int holds_place(urne_app *app, int64_t id, const char *key, urne_match_offer_row *o) {
    int rc = urne_store_match_offer_last(app->store, id, key, o);
    if (rc <= 0) return rc;
    if (strcmp(o->state, "accepted") == 0) return 1;
    char now[24];
    urne_time_iso(urne_app_match_now(app), now);
    return strcmp(o->state, "offered") == 0 && strcmp(now, o->deadline) < 0;
}

static urne_app_status wishes_locked(urne_app *app, const urne_user *actor, const urne_match_campaign_row *c,
                                     const char *key, const char *wishes, urne_app_outcome *out) {
    urne_match_pupil_row *p = malloc(sizeof *p);
    urne_match_host_row *h = malloc(sizeof *h);
    urne_match_offer_row *o = malloc(sizeof *o);
    urne_app_status st = p && h && o ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    int rc = st == URNE_APP_OK && strlen(key) <= URNE_STORE_MATCH_KEY_MAX /* longer: no pupil's */
                 ? urne_store_match_pupil_get(app->store, c->id, key, NULL, p)
                 : 0;
    if (st == URNE_APP_OK && rc < 0) st = urne_app_store_failed(app, out);
    /* The school's chain when the pupil exists (a teacher of another school is
     * refused as for a pupil of theirs), else the campaign's. */
    if (st == URNE_APP_OK)
        st = urne_app_match_may_row(app, actor, URNE_ACT_ENTER_WISHES, c, rc == 1 ? "school" : NULL,
                                    rc == 1 ? p->school : NULL, out);
    if (st == URNE_APP_OK && rc == 0) st = urne_app_match_refuse(out, "pupil", URNE_WHY_MATCH_PUPIL, 0, key);
    int published = strcmp(c->state, "published") == 0 && !c->final_round;
    if (st == URNE_APP_OK && strcmp(c->state, "collecting") != 0 && !published)
        st = urne_app_match_wrong_state(out, NULL, c->state);
    if (st == URNE_APP_OK && published && (rc = holds_place(app, c->id, key, o)) != 0)
        st = rc < 0 ? urne_app_store_failed(app, out) : urne_app_match_wrong_state(out, URNE_WHY_MATCH_HELD, c->state);
    if (st == URNE_APP_OK && strlen(wishes) >= sizeof p->wishes) {
        char len[24];
        snprintf(len, sizeof len, "%zu", strlen(wishes));
        st = urne_app_match_refuse(out, "wishes", URNE_WHY_TOO_LONG, sizeof p->wishes - 1, len);
    }
    if (st == URNE_APP_OK) st = check_wishes(app, c->id, wishes, h, out);
    urne_match_sum sum = {{0}};
    if (st == URNE_APP_OK) {
        urne_store_match_sum_pupil(&sum, p, -1);
        snprintf(p->wishes, sizeof p->wishes, "%s", wishes);
        urne_store_match_sum_pupil(&sum, p, 1);
        if (urne_store_begin(app->store) < 0 || urne_store_match_pupil_update(app->store, p) != 1)
            st = urne_app_store_failed(app, out);
    }
    if (st == URNE_APP_OK)
        st = urne_app_match_audit(app, actor->name, "wishes", c, &sum,
                                  json_pack("{s:s, s:s}", "pupil", key, "wishes", wishes), out);
    if (st == URNE_APP_OK) st = urne_app_match_commit(app, out);
    free(p);
    free(h);
    free(o);
    return st;
}

urne_app_status urne_app_match_wishes(urne_app *app, const urne_user *actor, int64_t id, const char *key,
                                      const char *wishes, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (key == NULL || !key[0]) return out->status = urne_app_match_refuse(out, "pupil", URNE_WHY_MATCH_EMPTY, 0, NULL);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_OK) st = wishes_locked(app, actor, c, key, wishes ? wishes : "", out);
    if (st == URNE_APP_OK) {
        out->id = id;
        urne_app_changed(app);
    }
    pthread_mutex_unlock(&app->lock);
    free(c);
    return out->status = st;
}

urne_app_status urne_app_match_close(urne_app *app, const urne_user *actor, int64_t id, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    if (c == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load_managed(app, actor, id, c, out);
    if (st == URNE_APP_OK && strcmp(c->state, "published") != 0) st = urne_app_match_wrong_state(out, NULL, c->state);
    if (st == URNE_APP_OK && urne_store_begin(app->store) < 0) st = urne_app_store_failed(app, out);
    if (st == URNE_APP_OK) {
        snprintf(c->state, sizeof c->state, "closed");
        st = move(app, actor->name, "close", c, "published", NULL, NULL, out);
    }
    if (st == URNE_APP_OK) st = urne_app_match_commit(app, out);
    if (st == URNE_APP_OK) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    free(c);
    return out->status = st;
}

/* ---- reads ---- */

urne_app_status urne_app_match_host_by_code(urne_app *app, int64_t id, const char *code, urne_match_host_row *host,
                                            urne_app_outcome *out) {
    urne_app_outcome_init(out);
    char hash[URNE_STORE_MATCH_HASH];
    urne_app_match_code_hash(code ? code : "", hash);
    pthread_mutex_lock(&app->lock);
    int rc = code && code[0] ? urne_store_match_host_get(app->store, id, NULL, hash, host) : 0;
    urne_app_status st = rc < 0 ? urne_app_store_failed(app, out)
                                : rc == 0 ? urne_app_fail(out, URNE_APP_NO_CAMPAIGN, NULL) : URNE_APP_OK;
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}
