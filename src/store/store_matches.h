/*
 * store_matches: the matching's rows (issue 20): campaigns placing pupils with
 * host organisations, their hosts and pupils, the hosts' own rankings, each
 * round's result and the offers pupils answer (match/ has the engine,
 * app/match.h the use cases).
 *
 * A campaign is one placement (a département's internships of one year): its
 * name, the space it belongs to (its grants are held in "match/ID", nested in
 * that space), its state (draft, collecting, run, published, closed), the
 * mechanism and tie-breaking it runs, the seed of its lottery, the round it is
 * at and the deadline by which that round's offers must be answered.
 *
 * Hosts and pupils are kept as the files the command line reads describe them
 * (io/match_io.h): what the engine reads in columns of their own, anything else
 * the file had as a JSON object (`kept`), never read by urne. A pupil's wishes
 * are host ids separated by '>', best first, as in pupils.csv. The private codes
 * that let a host edit its places and a pupil read their placement are kept as
 * their SHA-256 only (hex): the code itself is shown once, when made.
 *
 * A round's report (report.json, as its run computed it) is a row of its own,
 * read back by the download without going through the audit log.
 *
 * A round's result is one row per pupil taking part (host "" when unplaced,
 * the wish's rank, the explanation as JSON); an offer is one row per pupil
 * placed in a published round, answered once (accepted or refused) or expired
 * at its deadline.
 *
 * A campaign may hold a table of distances between communes (distances.csv,
 * as the command line reads it) and a maximum distance (its limit row): the
 * communes of hosts and pupils are their `commune` columns, kept.
 *
 * Every write happens inside a transaction the caller holds; a key taken
 * inserts nothing and answers 0. Part of the store's interface (store.h);
 * return values as store.h says. The backends share every query (store_sql.c):
 * each implements only "run a statement" and "read its rows into a struct"
 * (store_backend.h's urne_store_match_ops).
 */
#ifndef URNE_STORE_MATCHES_H
#define URNE_STORE_MATCHES_H

#include <stdint.h>

typedef struct urne_store urne_store;

#define URNE_STORE_MATCH_NAME_MAX 200
#define URNE_STORE_MATCH_KEY_MAX 200     /* a host's or pupil's id: io/match_io.h's URNE_MATCH_ID_MAX */
#define URNE_STORE_MATCH_WEEKS_MAX 1000  /* a host's weeks, '|'-separated */
#define URNE_STORE_MATCH_KEPT_MAX 4000   /* the kept columns, as a JSON object */
#define URNE_STORE_MATCH_WISHES_MAX 8000 /* a pupil's wishes, '>'-separated */
#define URNE_STORE_MATCH_EXPLAIN_MAX 8000 /* a result's explanation, JSON */
#define URNE_STORE_MATCH_HASH 65         /* SHA-256 in hex, NUL */

typedef struct urne_match_campaign_row {
    int64_t id;
    char name[URNE_STORE_MATCH_NAME_MAX + 1];
    char space[96];     /* "" the site, "org/nord"...: its grants are in "match/ID" */
    char state[16];     /* draft, collecting, run, published, closed */
    char method[8];     /* da, ttc, serial */
    char tie[12];       /* single, multiple */
    int64_t seed;       /* the lottery's (and multiple tie-breaking's) */
    int64_t round;      /* the last round run, 0 none */
    int64_t final_round;/* the round run as the final phase, 0 none yet */
    char deadline[24];  /* the published round's offers must be answered before it (UTC) */
    char created_at[24];
    char created_by[64];
} urne_match_campaign_row;

typedef struct urne_match_host_row {
    int64_t campaign;
    char key[URNE_STORE_MATCH_KEY_MAX + 1];
    char name[URNE_STORE_MATCH_NAME_MAX + 1];
    int64_t capacity, reserved;
    char weeks[URNE_STORE_MATCH_WEEKS_MAX + 1];
    char kept[URNE_STORE_MATCH_KEPT_MAX + 1];
    int64_t owner;      /* the account that manages it, 0 none */
    char code_hash[URNE_STORE_MATCH_HASH]; /* its private link's code, "" none */
} urne_match_host_row;

typedef struct urne_match_pupil_row {
    int64_t campaign;
    char key[URNE_STORE_MATCH_KEY_MAX + 1];
    char school[URNE_STORE_MATCH_NAME_MAX + 1];
    int64_t priority;
    char lottery[24];   /* as given, "" when drawn from the seed */
    char week[64];      /* the week available, "" any */
    char kept[URNE_STORE_MATCH_KEPT_MAX + 1];
    char wishes[URNE_STORE_MATCH_WISHES_MAX + 1];
    char code_hash[URNE_STORE_MATCH_HASH];
} urne_match_pupil_row;

typedef struct urne_match_ranking_row {
    int64_t campaign;
    char host[URNE_STORE_MATCH_KEY_MAX + 1];
    char pupil[URNE_STORE_MATCH_KEY_MAX + 1];
    int64_t rank;
} urne_match_ranking_row;

typedef struct urne_match_result_row {
    int64_t campaign, round;
    char pupil[URNE_STORE_MATCH_KEY_MAX + 1];
    char host[URNE_STORE_MATCH_KEY_MAX + 1]; /* "" unplaced */
    int64_t wish;                            /* 1-based rank of host in the wishes, 0 unplaced */
    int64_t lottery;                         /* the number the round used */
    char explanation[URNE_STORE_MATCH_EXPLAIN_MAX + 1];
} urne_match_result_row;

typedef struct urne_match_offer_row {
    int64_t campaign, round;
    char pupil[URNE_STORE_MATCH_KEY_MAX + 1];
    char host[URNE_STORE_MATCH_KEY_MAX + 1];
    char state[12];     /* offered, accepted, refused, expired */
    char deadline[24];
    char answered_at[24]; /* "" not yet */
} urne_match_offer_row;

/* A distance between two communes (distances.csv's line; commune_a < commune_b
 * in byte order) and a campaign's maximum distance: with a limit row, a round
 * places a pupil only with a host near enough (match.h's max_km). */
typedef struct urne_match_distance_row {
    int64_t campaign;
    char commune_a[URNE_STORE_MATCH_NAME_MAX + 1];
    char commune_b[URNE_STORE_MATCH_NAME_MAX + 1];
    int64_t km;
} urne_match_distance_row;

typedef struct urne_match_limit_row {
    int64_t campaign;
    int64_t max_km;     /* >= 0 */
} urne_match_limit_row;

/* A round's report.json as its run wrote it (JSON), read back by the download. */
#define URNE_STORE_MATCH_REPORT_MAX 65000
typedef struct urne_match_run_row {
    int64_t campaign, round;
    char report[URNE_STORE_MATCH_REPORT_MAX + 1];
} urne_match_run_row;

/* Add a campaign (c->id ignored): its id, or -1. */
int64_t urne_store_match_campaign_put(urne_store *s, const urne_match_campaign_row *c);
/* Campaign `id` into *out: 1, 0 none, -1. */
int urne_store_match_campaign_get(urne_store *s, int64_t id, urne_match_campaign_row *out);
/* Write c's state, seed, round, final_round and deadline when its stored state
 * is still `expected`: 1, 0 when not (nothing written), -1. */
int urne_store_match_campaign_update(urne_store *s, const urne_match_campaign_row *c, const char *expected);
/* Every campaign in order of id; fn's non-zero return stops and is returned. */
int urne_store_match_campaign_each(urne_store *s, int (*fn)(const urne_match_campaign_row *c, void *ctx), void *ctx);

/* Add a host: 1, 0 when the campaign has one of that key (nothing written), -1. */
int urne_store_match_host_put(urne_store *s, const urne_match_host_row *h);
/* The host of that key (code_hash NULL) or of that code hash (key NULL): 1, 0, -1. */
int urne_store_match_host_get(urne_store *s, int64_t campaign, const char *key, const char *code_hash,
                              urne_match_host_row *out);
/* Write h's name, capacity, reserved and weeks: 1, 0 when there is no such host, -1. */
int urne_store_match_host_update(urne_store *s, const urne_match_host_row *h);
/* Every host of the campaign in order of key. */
int urne_store_match_host_each(urne_store *s, int64_t campaign, int (*fn)(const urne_match_host_row *h, void *ctx),
                               void *ctx);

/* Add a pupil: 1, 0 when the campaign has one of that key, -1. */
int urne_store_match_pupil_put(urne_store *s, const urne_match_pupil_row *p);
/* The pupil of that key (code_hash NULL) or code hash (key NULL): 1, 0, -1. */
int urne_store_match_pupil_get(urne_store *s, int64_t campaign, const char *key, const char *code_hash,
                               urne_match_pupil_row *out);
/* Write pupil p's wishes: 1, 0 when there is no such pupil, -1. */
int urne_store_match_pupil_update(urne_store *s, const urne_match_pupil_row *p);
/* Every pupil of the campaign in order of key (school "" all, else only that school's). */
int urne_store_match_pupil_each(urne_store *s, int64_t campaign, const char *school,
                                int (*fn)(const urne_match_pupil_row *p, void *ctx), void *ctx);

/* Add a host's rank for a pupil: 1, 0 when the pair is there, -1. */
int urne_store_match_ranking_put(urne_store *s, const urne_match_ranking_row *r);
int urne_store_match_ranking_each(urne_store *s, int64_t campaign,
                                  int (*fn)(const urne_match_ranking_row *r, void *ctx), void *ctx);
/* Take away every rank host `host` gave: 0, or -1. */
int urne_store_match_ranking_clear(urne_store *s, int64_t campaign, const char *host);

/* Add a result: 1, 0 when the pupil has one in that round, -1. */
int urne_store_match_result_put(urne_store *s, const urne_match_result_row *r);
/* Pupil's result in round: 1, 0, -1. */
int urne_store_match_result_get(urne_store *s, int64_t campaign, int64_t round, const char *pupil,
                                urne_match_result_row *out);
/* Every result of round (0: of every round) in order of round and pupil. */
int urne_store_match_result_each(urne_store *s, int64_t campaign, int64_t round,
                                 int (*fn)(const urne_match_result_row *r, void *ctx), void *ctx);

/* Add an offer: 1, 0 when the pupil has one in that round, -1. */
int urne_store_match_offer_put(urne_store *s, const urne_match_offer_row *o);
/* The pupil's latest offer: 1, 0 none, -1. */
int urne_store_match_offer_last(urne_store *s, int64_t campaign, const char *pupil, urne_match_offer_row *out);
/* Write o's state and answered_at when its stored state is still `expected`:
 * 1, 0 when not, -1. */
int urne_store_match_offer_update(urne_store *s, const urne_match_offer_row *o, const char *expected);
/* Every offer of the campaign in order of round and pupil. */
int urne_store_match_offer_each(urne_store *s, int64_t campaign, int (*fn)(const urne_match_offer_row *o, void *ctx),
                                void *ctx);

/* Add a round's report: 1, 0 when the round has one, -1. */
int urne_store_match_run_put(urne_store *s, const urne_match_run_row *r);
/* Round `round`'s report: 1, 0 none (a round run before migration 13), -1. */
int urne_store_match_run_get(urne_store *s, int64_t campaign, int64_t round, urne_match_run_row *out);

/* Add a distance: 1, 0 when the pair is there, -1. */
int urne_store_match_distance_put(urne_store *s, const urne_match_distance_row *d);
/* Every distance of the campaign in order of (commune_a, commune_b). */
int urne_store_match_distance_each(urne_store *s, int64_t campaign,
                                   int (*fn)(const urne_match_distance_row *d, void *ctx), void *ctx);
/* Take away every distance of the campaign and its limit: 0, or -1. */
int urne_store_match_distance_clear(urne_store *s, int64_t campaign);
/* Set the campaign's limit (after urne_store_match_distance_clear): 1, 0 when it
 * has one, -1. */
int urne_store_match_limit_put(urne_store *s, const urne_match_limit_row *l);
/* The campaign's limit: 1, 0 none (no maximum distance), -1. */
int urne_store_match_limit_get(urne_store *s, int64_t campaign, urne_match_limit_row *out);

/* The digest of every row a campaign holds beside its own (hosts, pupils,
 * rankings, results, offers, distances and its limit, the rounds' reports): the sum, modulo 2^256, of each row's SHA-256 (over
 * its table's name and its columns but the campaign, each preceded by its
 * length), so that no order of reading matters and a change is a difference of
 * two rows' hashes. An act's audit entry records the change it made to the sum
 * (the rows it added, less those it replaced); `urne audit verify` adds the
 * changes up and compares them with the digest of the stored rows. */
typedef struct urne_match_sum {
    uint64_t w[4]; /* least significant word first */
} urne_match_sum;
/* Add (sign 1) or take away (sign -1) a row's hash. */
void urne_store_match_sum_host(urne_match_sum *sum, const urne_match_host_row *h, int sign);
void urne_store_match_sum_pupil(urne_match_sum *sum, const urne_match_pupil_row *p, int sign);
void urne_store_match_sum_ranking(urne_match_sum *sum, const urne_match_ranking_row *r, int sign);
void urne_store_match_sum_result(urne_match_sum *sum, const urne_match_result_row *r, int sign);
void urne_store_match_sum_offer(urne_match_sum *sum, const urne_match_offer_row *o, int sign);
void urne_store_match_sum_distance(urne_match_sum *sum, const urne_match_distance_row *d, int sign);
void urne_store_match_sum_limit(urne_match_sum *sum, const urne_match_limit_row *l, int sign);
void urne_store_match_sum_run(urne_match_sum *sum, const urne_match_run_row *r, int sign);
/* Add a sum's words (another sum) to sum. */
void urne_store_match_sum_words(urne_match_sum *sum, const uint64_t v[4]);
/* A sum as 64 hex digits, most significant first; and back: 0, or -1. */
void urne_store_match_sum_hex(const urne_match_sum *sum, char out[URNE_STORE_MATCH_HASH]);
int urne_store_match_sum_parse(const char *hex, urne_match_sum *sum);
/* The digest of the campaign's stored rows, read: 0 or -1. */
int urne_store_match_digest(urne_store *s, int64_t campaign, char out[URNE_STORE_MATCH_HASH]);

#endif
