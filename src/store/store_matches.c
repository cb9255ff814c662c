/*
 * store_matches: the matching's rows (store_matches.h) on either backend.
 *
 * Every query is shared (store_sql.c), so this file holds what the backends
 * would otherwise each repeat: which field fills which column, in which order
 * the parameters go, the check that each text fits its field (refused when it
 * does not, never cut), and the campaign's digest. A backend only runs a
 * statement and reads rows into a struct as told (urne_store_match_ops).
 *
 * The digest of a campaign's rows is a sum: each row's SHA-256 (over its
 * columns, each preceded by its length) added as a 256-bit number, so that no
 * order of reading matters (SQLite and PostgreSQL order texts differently) and a
 * row added, removed or changed changes it.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"
#include "store_sql.h"

#define TXT(type, f) {#f, offsetof(type, f), sizeof(((type *)0)->f)}
#define INT(type, f) {#f, offsetof(type, f), 0}
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const urne_store_field campaign_fields[] = {
    INT(urne_match_campaign_row, id),          TXT(urne_match_campaign_row, name),
    TXT(urne_match_campaign_row, space),       TXT(urne_match_campaign_row, state),
    TXT(urne_match_campaign_row, method),      TXT(urne_match_campaign_row, tie),
    INT(urne_match_campaign_row, seed),        INT(urne_match_campaign_row, round),
    INT(urne_match_campaign_row, final_round), TXT(urne_match_campaign_row, deadline),
    TXT(urne_match_campaign_row, created_at),  TXT(urne_match_campaign_row, created_by),
};
static const urne_store_field host_fields[] = {
    INT(urne_match_host_row, campaign), TXT(urne_match_host_row, key),   TXT(urne_match_host_row, name),
    INT(urne_match_host_row, capacity), INT(urne_match_host_row, reserved), TXT(urne_match_host_row, weeks),
    TXT(urne_match_host_row, kept),     INT(urne_match_host_row, owner), TXT(urne_match_host_row, code_hash),
};
static const urne_store_field pupil_fields[] = {
    INT(urne_match_pupil_row, campaign), TXT(urne_match_pupil_row, key),     TXT(urne_match_pupil_row, school),
    INT(urne_match_pupil_row, priority), TXT(urne_match_pupil_row, lottery), TXT(urne_match_pupil_row, week),
    TXT(urne_match_pupil_row, kept),     TXT(urne_match_pupil_row, wishes),  TXT(urne_match_pupil_row, code_hash),
};
static const urne_store_field ranking_fields[] = {
    INT(urne_match_ranking_row, campaign), TXT(urne_match_ranking_row, host), TXT(urne_match_ranking_row, pupil),
    INT(urne_match_ranking_row, rank),
};
static const urne_store_field result_fields[] = {
    INT(urne_match_result_row, campaign), INT(urne_match_result_row, round),   TXT(urne_match_result_row, pupil),
    TXT(urne_match_result_row, host),     INT(urne_match_result_row, wish),    INT(urne_match_result_row, lottery),
    TXT(urne_match_result_row, explanation),
};
static const urne_store_field offer_fields[] = {
    INT(urne_match_offer_row, campaign), INT(urne_match_offer_row, round),    TXT(urne_match_offer_row, pupil),
    TXT(urne_match_offer_row, host),     TXT(urne_match_offer_row, state),    TXT(urne_match_offer_row, deadline),
    TXT(urne_match_offer_row, answered_at),
};

static const urne_store_field distance_fields[] = {
    INT(urne_match_distance_row, campaign), TXT(urne_match_distance_row, commune_a),
    TXT(urne_match_distance_row, commune_b), INT(urne_match_distance_row, km),
};
static const urne_store_field limit_fields[] = {
    INT(urne_match_limit_row, campaign), INT(urne_match_limit_row, max_km),
};

static const urne_store_field run_fields[] = {
    INT(urne_match_run_row, campaign), INT(urne_match_run_row, round), TXT(urne_match_run_row, report),
};

/* One kind of row: its table, its fields (columns in order), its size. */
typedef struct kind {
    const char *table;
    const urne_store_field *f;
    int nf;
    size_t size;
} kind;
static const kind CAMPAIGN = {"match_campaigns", campaign_fields, N(campaign_fields), sizeof(urne_match_campaign_row)};
static const kind HOST = {"match_hosts", host_fields, N(host_fields), sizeof(urne_match_host_row)};
static const kind PUPIL = {"match_pupils", pupil_fields, N(pupil_fields), sizeof(urne_match_pupil_row)};
static const kind RANKING = {"match_rankings", ranking_fields, N(ranking_fields), sizeof(urne_match_ranking_row)};
static const kind RESULT = {"match_results", result_fields, N(result_fields), sizeof(urne_match_result_row)};
static const kind OFFER = {"match_offers", offer_fields, N(offer_fields), sizeof(urne_match_offer_row)};
static const kind DISTANCE = {"match_distances", distance_fields, N(distance_fields), sizeof(urne_match_distance_row)};
static const kind LIMIT = {"match_limits", limit_fields, N(limit_fields), sizeof(urne_match_limit_row)};
static const kind RUN = {"match_runs", run_fields, N(run_fields), sizeof(urne_match_run_row)};

/* The parameters of a row's fields f[from..to), in order, after the texts were
 * checked to fit (a struct's field may lack its NUL: strnlen). 0, or -1 naming
 * the table and column. */
static int row_params(urne_store *s, const kind *k, const void *row, int from, int to, urne_store_param *p) {
    for (int i = from; i < to; i++) {
        const char *at = (const char *)row + k->f[i].offset;
        if (k->f[i].size == 0) {
            p[i - from] = (urne_store_param){.t = NULL, .i = *(const int64_t *)(const void *)at};
            continue;
        }
        if (strnlen(at, k->f[i].size) >= k->f[i].size)
            return urne_store_fail(s, "%s.%s is longer than the %zu bytes the store holds for it (refused, not cut)",
                                   k->table, k->f[i].name, k->f[i].size - 1);
        p[i - from] = (urne_store_param){.t = at};
    }
    return 0;
}

/* A text parameter, checked against the longest its column holds. */
static int text_param(urne_store *s, const char *v, size_t size, const char *what, urne_store_param *p) {
    if (v == NULL || strlen(v) >= size)
        return urne_store_fail(s, "%s is missing or longer than the %zu bytes the store holds (refused, not cut)",
                               what, size - 1);
    *p = (urne_store_param){.t = v};
    return 0;
}

/* Insert every field of row by sql: 1, 0 when its key was taken, -1. */
static int put(urne_store *s, const kind *k, const char *sql, const void *row, const char *what) {
    urne_store_param p[16];
    if (row_params(s, k, row, 0, k->nf, p) < 0) return -1;
    long changed = 0;
    if (s->ops->matches->run(s, sql, p, k->nf, what, &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

/* The first row sql gives into out: 1, 0 none, -1. */
typedef struct first {
    void *out;
    size_t size;
} first;
static int take_first(void *row, void *ctx) {
    first *f = ctx;
    memcpy(f->out, row, f->size);
    return 1;
}

static int get(urne_store *s, const kind *k, const char *sql, const urne_store_param *p, int np, const char *what,
               void *out) {
    void *row = malloc(k->size);
    if (row == NULL) return urne_store_fail(s, "out of memory %s", what);
    first f = {out, k->size};
    int rc = s->ops->matches->rows(s, sql, p, np, what, k->table, k->f, k->nf, row, k->size, take_first, &f);
    free(row);
    return rc < 0 ? -1 : rc == 1 ? 1 : 0;
}

/* Every row sql gives, to fn (typed by the caller). */
static int each(urne_store *s, const kind *k, const char *sql, const urne_store_param *p, int np, const char *what,
                int (*fn)(void *row, void *ctx), void *ctx) {
    void *row = malloc(k->size);
    if (row == NULL) return urne_store_fail(s, "out of memory %s", what);
    int rc = s->ops->matches->rows(s, sql, p, np, what, k->table, k->f, k->nf, row, k->size, fn, ctx);
    free(row);
    return rc;
}

/* A caller's typed callback, called with the row each() read. */
#define TYPED(name, type)                                                                                          \
    typedef struct name##_cb {                                                                                     \
        int (*fn)(const type *row, void *ctx);                                                                     \
        void *ctx;                                                                                                 \
    } name##_cb;                                                                                                   \
    static int name##_call(void *row, void *ctx) {                                                                 \
        name##_cb *c = ctx;                                                                                        \
        return c->fn(row, c->ctx);                                                                                 \
    }
TYPED(campaign, urne_match_campaign_row)
TYPED(host, urne_match_host_row)
TYPED(pupil, urne_match_pupil_row)
TYPED(ranking, urne_match_ranking_row)
TYPED(result, urne_match_result_row)
TYPED(offer, urne_match_offer_row)
TYPED(distance, urne_match_distance_row)
#define EACH(s, k, sql, p, np, what, name, fn_, ctx_)                                                               \
    do {                                                                                                           \
        name##_cb c_ = {(fn_), (ctx_)};                                                                            \
        return each((s), (k), (sql), (p), (np), (what), name##_call, &c_);                                         \
    } while (0)

/* ---- campaigns ---- */

int64_t urne_store_match_campaign_put(urne_store *s, const urne_match_campaign_row *c) {
    urne_store_param p[11];
    if (row_params(s, &CAMPAIGN, c, 1, CAMPAIGN.nf, p) < 0) return -1;
    urne_match_campaign_row *got = calloc(1, sizeof *got);
    if (got == NULL) return urne_store_fail(s, "out of memory adding a campaign");
    static const urne_store_field id_field[] = {INT(urne_match_campaign_row, id)};
    first f = {got, sizeof *got};
    int rc = s->ops->matches->rows(s, urne_sql_match_campaign_put, p, 11, "adding a campaign", CAMPAIGN.table, id_field,
                                   1, got, sizeof *got, take_first, &f);
    int64_t id = rc == 1 && got->id > 0 ? got->id : -1;
    free(got);
    if (id < 0 && rc >= 0) return urne_store_fail(s, "adding a campaign: no id came back");
    return id;
}

int urne_store_match_campaign_get(urne_store *s, int64_t id, urne_match_campaign_row *out) {
    urne_store_param p[] = {{.i = id}};
    return get(s, &CAMPAIGN, urne_sql_match_campaign_get, p, 1, "reading a campaign", out);
}

int urne_store_match_campaign_update(urne_store *s, const urne_match_campaign_row *c, const char *expected) {
    urne_store_param p[7];
    if (row_params(s, &CAMPAIGN, c, 3, 4, &p[0]) < 0 || row_params(s, &CAMPAIGN, c, 6, 10, &p[1]) < 0 ||
        text_param(s, expected, sizeof c->state, "a campaign's state", &p[6]) < 0)
        return -1;
    p[5] = (urne_store_param){.i = c->id};
    long changed = 0;
    if (s->ops->matches->run(s, urne_sql_match_campaign_update, p, 7, "changing a campaign", &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

int urne_store_match_campaign_each(urne_store *s, int (*fn)(const urne_match_campaign_row *c, void *ctx), void *ctx) {
    EACH(s, &CAMPAIGN, urne_sql_match_campaign_each, NULL, 0, "listing campaigns", campaign, fn, ctx);
}

/* ---- hosts and pupils ---- */

int urne_store_match_host_put(urne_store *s, const urne_match_host_row *h) {
    return put(s, &HOST, urne_sql_match_host_put, h, "adding a host");
}

/* The row of (campaign, key) or (campaign, code hash). */
static int get_keyed(urne_store *s, const kind *k, const char *by_key, const char *by_code, int64_t campaign,
                     const char *key, const char *code_hash, const char *what, void *out) {
    urne_store_param p[2] = {{.i = campaign}};
    if (text_param(s, key ? key : code_hash, key ? URNE_STORE_MATCH_KEY_MAX + 1 : URNE_STORE_MATCH_HASH,
                   key ? "a key" : "a code's hash", &p[1]) < 0)
        return -1;
    return get(s, k, key ? by_key : by_code, p, 2, what, out);
}

int urne_store_match_host_get(urne_store *s, int64_t campaign, const char *key, const char *code_hash,
                              urne_match_host_row *out) {
    return get_keyed(s, &HOST, urne_sql_match_host_get, urne_sql_match_host_by_code, campaign, key, code_hash,
                     "reading a host", out);
}

int urne_store_match_host_update(urne_store *s, const urne_match_host_row *h) {
    urne_store_param p[6];
    if (row_params(s, &HOST, h, 2, 6, p) < 0 || row_params(s, &HOST, h, 0, 2, &p[4]) < 0) return -1;
    long changed = 0;
    if (s->ops->matches->run(s, urne_sql_match_host_update, p, 6, "changing a host", &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

int urne_store_match_host_each(urne_store *s, int64_t campaign, int (*fn)(const urne_match_host_row *h, void *ctx),
                               void *ctx) {
    urne_store_param p[] = {{.i = campaign}};
    EACH(s, &HOST, urne_sql_match_host_each, p, 1, "listing hosts", host, fn, ctx);
}

int urne_store_match_pupil_put(urne_store *s, const urne_match_pupil_row *p) {
    return put(s, &PUPIL, urne_sql_match_pupil_put, p, "adding a pupil");
}

int urne_store_match_pupil_get(urne_store *s, int64_t campaign, const char *key, const char *code_hash,
                               urne_match_pupil_row *out) {
    return get_keyed(s, &PUPIL, urne_sql_match_pupil_get, urne_sql_match_pupil_by_code, campaign, key, code_hash,
                     "reading a pupil", out);
}

int urne_store_match_pupil_update(urne_store *s, const urne_match_pupil_row *pupil) {
    urne_store_param p[3];
    if (row_params(s, &PUPIL, pupil, 7, 8, p) < 0 || row_params(s, &PUPIL, pupil, 0, 2, &p[1]) < 0) return -1;
    long changed = 0;
    if (s->ops->matches->run(s, urne_sql_match_pupil_update, p, 3, "changing a pupil's wishes", &changed) < 0)
        return -1;
    return changed > 0 ? 1 : 0;
}

int urne_store_match_pupil_each(urne_store *s, int64_t campaign, const char *school,
                                int (*fn)(const urne_match_pupil_row *p, void *ctx), void *ctx) {
    urne_store_param p[2] = {{.i = campaign}, {.t = school}};
    int by_school = school && school[0];
    if (by_school && text_param(s, school, URNE_STORE_MATCH_NAME_MAX + 1, "a school", &p[1]) < 0) return -1;
    EACH(s, &PUPIL, by_school ? urne_sql_match_pupil_each_school : urne_sql_match_pupil_each, p, by_school ? 2 : 1,
         "listing pupils", pupil, fn, ctx);
}

/* ---- rankings, results, offers ---- */

int urne_store_match_ranking_put(urne_store *s, const urne_match_ranking_row *r) {
    return put(s, &RANKING, urne_sql_match_ranking_put, r, "adding a host's ranking");
}

int urne_store_match_ranking_each(urne_store *s, int64_t campaign,
                                  int (*fn)(const urne_match_ranking_row *r, void *ctx), void *ctx) {
    urne_store_param p[] = {{.i = campaign}};
    EACH(s, &RANKING, urne_sql_match_ranking_each, p, 1, "listing the hosts' rankings", ranking, fn, ctx);
}

int urne_store_match_ranking_clear(urne_store *s, int64_t campaign, const char *host) {
    urne_store_param p[2] = {{.i = campaign}};
    if (text_param(s, host, URNE_STORE_MATCH_KEY_MAX + 1, "a host's key", &p[1]) < 0) return -1;
    long changed = 0;
    return s->ops->matches->run(s, urne_sql_match_ranking_clear, p, 2, "taking away a host's ranking", &changed) < 0
               ? -1
               : 0;
}

int urne_store_match_result_put(urne_store *s, const urne_match_result_row *r) {
    return put(s, &RESULT, urne_sql_match_result_put, r, "adding a round's result");
}

int urne_store_match_result_get(urne_store *s, int64_t campaign, int64_t round, const char *pupil,
                                urne_match_result_row *out) {
    urne_store_param p[3] = {{.i = campaign}, {.i = round}};
    if (text_param(s, pupil, URNE_STORE_MATCH_KEY_MAX + 1, "a pupil's key", &p[2]) < 0) return -1;
    return get(s, &RESULT, urne_sql_match_result_get, p, 3, "reading a result", out);
}

int urne_store_match_result_each(urne_store *s, int64_t campaign, int64_t round,
                                 int (*fn)(const urne_match_result_row *r, void *ctx), void *ctx) {
    urne_store_param p[] = {{.i = campaign}, {.i = round}};
    EACH(s, &RESULT, round ? urne_sql_match_result_round : urne_sql_match_result_each, p, round ? 2 : 1,
         "listing results", result, fn, ctx);
}

int urne_store_match_offer_put(urne_store *s, const urne_match_offer_row *o) {
    return put(s, &OFFER, urne_sql_match_offer_put, o, "adding an offer");
}

int urne_store_match_offer_last(urne_store *s, int64_t campaign, const char *pupil, urne_match_offer_row *out) {
    urne_store_param p[2] = {{.i = campaign}};
    if (text_param(s, pupil, URNE_STORE_MATCH_KEY_MAX + 1, "a pupil's key", &p[1]) < 0) return -1;
    return get(s, &OFFER, urne_sql_match_offer_last, p, 2, "reading an offer", out);
}

int urne_store_match_offer_update(urne_store *s, const urne_match_offer_row *o, const char *expected) {
    urne_store_param p[6];
    if (row_params(s, &OFFER, o, 4, 5, &p[0]) < 0 || row_params(s, &OFFER, o, 6, 7, &p[1]) < 0 ||
        row_params(s, &OFFER, o, 0, 3, &p[2]) < 0 ||
        text_param(s, expected, sizeof o->state, "an offer's state", &p[5]) < 0)
        return -1;
    long changed = 0;
    if (s->ops->matches->run(s, urne_sql_match_offer_update, p, 6, "answering an offer", &changed) < 0) return -1;
    return changed > 0 ? 1 : 0;
}

int urne_store_match_offer_each(urne_store *s, int64_t campaign, int (*fn)(const urne_match_offer_row *o, void *ctx),
                                void *ctx) {
    urne_store_param p[] = {{.i = campaign}};
    EACH(s, &OFFER, urne_sql_match_offer_each, p, 1, "listing offers", offer, fn, ctx);
}

/* ---- the rounds' reports ---- */

int urne_store_match_run_put(urne_store *s, const urne_match_run_row *r) {
    return put(s, &RUN, urne_sql_match_run_put, r, "adding a round's report");
}

int urne_store_match_run_get(urne_store *s, int64_t campaign, int64_t round, urne_match_run_row *out) {
    urne_store_param p[] = {{.i = campaign}, {.i = round}};
    return get(s, &RUN, urne_sql_match_run_get, p, 2, "reading a round's report", out);
}

/* ---- distances and the limit ---- */

int urne_store_match_distance_put(urne_store *s, const urne_match_distance_row *d) {
    return put(s, &DISTANCE, urne_sql_match_distance_put, d, "adding a distance");
}

int urne_store_match_distance_each(urne_store *s, int64_t campaign,
                                   int (*fn)(const urne_match_distance_row *d, void *ctx), void *ctx) {
    urne_store_param p[] = {{.i = campaign}};
    EACH(s, &DISTANCE, urne_sql_match_distance_each, p, 1, "listing the distances", distance, fn, ctx);
}

int urne_store_match_distance_clear(urne_store *s, int64_t campaign) {
    urne_store_param p[] = {{.i = campaign}};
    long changed = 0;
    if (s->ops->matches->run(s, urne_sql_match_distance_clear, p, 1, "taking away the distances", &changed) < 0 ||
        s->ops->matches->run(s, urne_sql_match_limit_clear, p, 1, "taking away the maximum distance", &changed) < 0)
        return -1;
    return 0;
}

int urne_store_match_limit_put(urne_store *s, const urne_match_limit_row *l) {
    return put(s, &LIMIT, urne_sql_match_limit_put, l, "setting the maximum distance");
}

int urne_store_match_limit_get(urne_store *s, int64_t campaign, urne_match_limit_row *out) {
    urne_store_param p[] = {{.i = campaign}};
    return get(s, &LIMIT, urne_sql_match_limit_get, p, 1, "reading the maximum distance", out);
}

/* ---- the digest ---- */

static void absorb(crypto_hash_sha256_state *st, const void *data, size_t n) {
    unsigned char len[8];
    for (int i = 0; i < 8; i++) len[i] = (unsigned char)((uint64_t)n >> (8 * i));
    crypto_hash_sha256_update(st, len, sizeof len);
    if (n) crypto_hash_sha256_update(st, data, n);
}

/* Add (sign > 0) or take away (sign < 0) the SHA-256 of a row of kind k to sum:
 * 256-bit arithmetic modulo 2^256, least significant word first. */
static void sum_row(urne_match_sum *sum, const kind *k, const void *row, int sign) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    absorb(&st, k->table, strlen(k->table));
    for (int i = 0; i < k->nf; i++) {
        if (strcmp(k->f[i].name, "campaign") == 0) continue; /* the campaign digested: its id says nothing */
        const char *at = (const char *)row + k->f[i].offset;
        char num[24];
        if (k->f[i].size == 0) {
            int n = snprintf(num, sizeof num, "%lld", (long long)*(const int64_t *)(const void *)at);
            absorb(&st, num, (size_t)n);
        } else
            absorb(&st, at, strnlen(at, k->f[i].size));
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    uint64_t v[4];
    for (int w = 0; w < 4; w++) {
        v[w] = 0;
        for (int b = 0; b < 8; b++) v[w] |= (uint64_t)h[8 * w + b] << (8 * b);
    }
    if (sign < 0) { /* two's complement: the sum less v */
        unsigned carry = 1;
        for (int w = 0; w < 4; w++) {
            v[w] = ~v[w] + carry;
            carry = carry && v[w] == 0;
        }
    }
    urne_store_match_sum_words(sum, v);
}

void urne_store_match_sum_words(urne_match_sum *sum, const uint64_t v[4]) {
    unsigned carry = 0;
    for (int w = 0; w < 4; w++) {
        uint64_t before = sum->w[w];
        sum->w[w] = before + v[w] + carry;
        carry = sum->w[w] < before || (carry && sum->w[w] == before);
    }
}

void urne_store_match_sum_host(urne_match_sum *sum, const urne_match_host_row *h, int sign) { sum_row(sum, &HOST, h, sign); }
void urne_store_match_sum_pupil(urne_match_sum *sum, const urne_match_pupil_row *p, int sign) {
    sum_row(sum, &PUPIL, p, sign);
}
void urne_store_match_sum_ranking(urne_match_sum *sum, const urne_match_ranking_row *r, int sign) {
    sum_row(sum, &RANKING, r, sign);
}
void urne_store_match_sum_result(urne_match_sum *sum, const urne_match_result_row *r, int sign) {
    sum_row(sum, &RESULT, r, sign);
}
void urne_store_match_sum_offer(urne_match_sum *sum, const urne_match_offer_row *o, int sign) {
    sum_row(sum, &OFFER, o, sign);
}

void urne_store_match_sum_distance(urne_match_sum *sum, const urne_match_distance_row *d, int sign) {
    sum_row(sum, &DISTANCE, d, sign);
}
void urne_store_match_sum_limit(urne_match_sum *sum, const urne_match_limit_row *l, int sign) {
    sum_row(sum, &LIMIT, l, sign);
}

void urne_store_match_sum_run(urne_match_sum *sum, const urne_match_run_row *r, int sign) { sum_row(sum, &RUN, r, sign); }

void urne_store_match_sum_hex(const urne_match_sum *sum, char out[URNE_STORE_MATCH_HASH]) {
    for (int w = 3, at = 0; w >= 0; w--, at += 16) snprintf(out + at, 17, "%016llx", (unsigned long long)sum->w[w]);
}

int urne_store_match_sum_parse(const char *hex, urne_match_sum *sum) {
    if (hex == NULL || strlen(hex) != 64) return -1;
    for (int w = 3, at = 0; w >= 0; w--, at += 16) {
        uint64_t v = 0;
        for (int i = 0; i < 16; i++) {
            char c = hex[at + i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return -1;
            v = v << 4 | (uint64_t)d;
        }
        sum->w[w] = v;
    }
    return 0;
}

typedef struct digest {
    const kind *k;
    urne_match_sum sum;
} digest;

static int add_row(void *row, void *ctx) {
    digest *d = ctx;
    sum_row(&d->sum, d->k, row, 1);
    return 0;
}

int urne_store_match_digest(urne_store *s, int64_t campaign, char out[URNE_STORE_MATCH_HASH]) {
    const struct {
        const kind *k;
        const char *sql;
    } parts[] = {{&HOST, urne_sql_match_host_each},     {&PUPIL, urne_sql_match_pupil_each},
                 {&RANKING, urne_sql_match_ranking_each}, {&RESULT, urne_sql_match_result_each},
                 {&OFFER, urne_sql_match_offer_each},     {&DISTANCE, urne_sql_match_distance_each},
                 {&LIMIT, urne_sql_match_limit_get},       {&RUN, urne_sql_match_run_each}};
    digest d = {0};
    urne_store_param p[] = {{.i = campaign}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        d.k = parts[i].k;
        if (each(s, parts[i].k, parts[i].sql, p, 1, "reading a campaign's rows", add_row, &d) != 0) return -1;
    }
    urne_store_match_sum_hex(&d.sum, out);
    return 0;
}
