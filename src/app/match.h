/*
 * match (app): the matching's use cases (issue 20): a coordinator's campaign
 * placing pupils with host organisations, on the engine of src/match/ and the
 * rows of store_matches.h.
 *
 * Who may (authz.c's rows; grants in spaces, app/grants.h):
 *   - the coordinator: an administrator of "match/N" (or of a space above it,
 *     the space the campaign was created in, the site) creates, imports, adds
 *     host rankings, runs, publishes and closes, and reads every host's list and
 *     each round's report (URNE_ACT_MANAGE_MATCHES);
 *   - a teacher: a secretary of "match/N/school/SCHOOL" (SCHOOL the pupils'
 *     school as a space word: urne_app_match_school_space) edits the wishes of
 *     that school's pupils; a secretary of "match/N" those of every school
 *     (URNE_ACT_ENTER_WISHES);
 *   - a host: an administrator of "match/N/host/HOST" edits its places, or
 *     anyone holding its private link's code (URNE_ACT_EDIT_PLACES), who also
 *     ranks its applicants once before the first round and reads its own list
 *     of pupils (never a round not yet published);
 *   - a pupil: anyone holding their code reads the placement and answers the
 *     offer (URNE_ACT_ANSWER_PLACEMENT). Codes are random, shown once (the
 *     import hands them to the coordinator, for the teachers), kept as SHA-256.
 *
 * The life of a campaign: draft (created) -> collecting (hosts and pupils
 * imported, every line or none; hosts edit places, teachers wishes) -> run (a
 * round computed and stored, checked first by the engine's own checker) ->
 * published (each pupil placed is offered the place, to accept or refuse before
 * the deadline) -> run again for a later round -> ... -> closed. A later round
 * keeps the places accepted and those still offered before their deadline;
 * pupils who refused, or let the deadline pass, take no part; everyone else
 * (unplaced, or new wishes entered meanwhile) is placed again on the places
 * left, so a place refused goes to the next in the host's order. A round run as
 * the final phase is the last: after it only closing. A pupil's wishes may be
 * edited while collecting, and after a round for a pupil with no place held
 * (the final phase's wishes on the places left).
 *
 * Every act is one transaction with its audit entry ("match.<act>" on
 * "match/N", recording the campaign's row and the digest of its other rows,
 * store_matches.h), replayed by `urne audit verify` (audit/replay_matches.h).
 * Statuses and outcomes only: the adapters word them.
 */
#ifndef URNE_APP_MATCH_H
#define URNE_APP_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"

/* The reasons of a STATE or BAD_INPUT outcome (outcome.why). */
#define URNE_WHY_MATCH_STATE "match-state"     /* the campaign's state forbids it: detail the state */
#define URNE_WHY_MATCH_METHOD "match-method"   /* not da, ttc or serial */
#define URNE_WHY_MATCH_TIE "match-tie"         /* not single or multiple */
#define URNE_WHY_MATCH_EMPTY "match-empty"     /* a name, a key, a code left empty */
#define URNE_WHY_MATCH_HOST "match-host"       /* no such host in the campaign: detail the key */
#define URNE_WHY_MATCH_PUPIL "match-pupil"     /* no such pupil: detail the key */
#define URNE_WHY_MATCH_WISH "match-wish"       /* a wish for an unknown host (detail) or repeated */
#define URNE_WHY_MATCH_CAPACITY "match-capacity" /* capacity below 0, reserved beyond it, or not a number */
#define URNE_WHY_MATCH_HELD "match-held"       /* the pupil holds a place: wishes are not edited */
#define URNE_WHY_MATCH_OFFER "match-offer"     /* no offer to answer, already answered, or past its deadline */
#define URNE_WHY_MATCH_CHECK "match-check"     /* the checker found faults in the engine's result (number) */
#define URNE_WHY_MATCH_FINAL "match-final"     /* the final phase was run: no later round */
#define URNE_WHY_MATCH_RANK "match-rank"       /* a host's rank for a pupil not a whole number (detail the pupil) */
#define URNE_WHY_MATCH_MAX_KM "match-max-km"   /* the maximum distance not a whole number of km from 0 */

/* A new campaign. NULL texts are "". seed < 0: drawn at random. */
typedef struct urne_match_campaign_new {
    const char *name, *space, *method, *tie, *deadline;
    int64_t seed;
} urne_match_campaign_new;

/* Create a campaign (draft) in `space`: out->id. Coordinator of that space. */
urne_app_status urne_app_match_create(urne_app *app, const urne_user *actor, const urne_match_campaign_new *in,
                                      urne_app_outcome *out);

/* A code made by an import, handed out once: kind "host" or "pupil". */
typedef void (*urne_app_match_code_fn)(const char *kind, const char *key, const char *school, const char *code,
                                       void *ctx);

/* Import the hosts, pupils and (optional, NULL) rankings files into campaign
 * `id` in draft: every line or none (BAD_INPUT URNE_WHY_FILE, out->checks the
 * first file at fault, named by checks.file). Moves it to collecting; each
 * host's and pupil's new code goes to fn after the commit. out->number: pupils. */
urne_app_status urne_app_match_import(urne_app *app, const urne_user *actor, int64_t id, const char *hosts,
                                      size_t hosts_len, const char *pupils, size_t pupils_len, const char *rankings,
                                      size_t rankings_len, urne_app_match_code_fn fn, void *ctx,
                                      urne_app_outcome *out);

/* Add hosts and pupils who join late to campaign `id` (a hosts.csv, a
 * pupils.csv, as the import's; either may be NULL or "", not both) while it
 * collects or has a round published, before the final phase: every line or none
 * (BAD_INPUT URNE_WHY_FILE, out->checks the first file at fault: hosts.csv, then
 * pupils.csv), a pupil's wishes naming the campaign's hosts or those added with
 * them; an id the campaign holds already refused at its line (rule host-exists,
 * pupil-exists: never updated, its own acts change it); lottery numbers given
 * for the pupils added if and only if the campaign's pupils have them. The pupils
 * added take part in the next round. Each new code goes to fn after the commit,
 * hosts first. Coordinator. out->number: the pupils added. */
urne_app_status urne_app_match_add(urne_app *app, const urne_user *actor, int64_t id, const char *hosts,
                                   size_t hosts_len, const char *pupils, size_t pupils_len, urne_app_match_code_fn fn,
                                   void *ctx, urne_app_outcome *out);

/* Add the rankings of hosts that rank their applicants themselves (a
 * host_rankings.csv: host, pupil, rank) to campaign `id` while it collects,
 * before its first round: every line or none (BAD_INPUT URNE_WHY_FILE, the
 * errors in out->checks naming file, line, field and rule), a host ranked
 * before refused (its ranking stands). Coordinator. out->number: the rows
 * added; out->id: the hosts they rank. */
urne_app_status urne_app_match_rankings(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                        size_t len, urne_app_outcome *out);

/* Set campaign `id`'s distances between communes (a distances.csv: commune_a,
 * commune_b, km, read as `urne match run --distances` reads it) and its maximum
 * distance (max_km >= 0 kilometres, its --max-km), while it collects, before its
 * first round (every round of a campaign runs on the same constraints): every
 * line or none (BAD_INPUT URNE_WHY_FILE, the errors in out->checks naming
 * distances.csv, the line, the field and the rule; BAD_INPUT field "max_km",
 * URNE_WHY_MATCH_MAX_KM, for max_km < 0); a second upload replaces the first
 * whole. Each round then places a pupil only with a host whose commune (the
 * `commune` column of hosts.csv, of pupils.csv, kept) is within max_km of the
 * pupil's, a pair the table does not hold counting as too far, a pupil or host
 * without a commune not held to it: the engine's call the command line makes.
 * Coordinator. out->number: the distances. */
urne_app_status urne_app_match_distances(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                         size_t len, int64_t max_km, urne_app_outcome *out);

/* Correct the rankings of hosts that ranked before: a host_rankings.csv (host,
 * pupil, rank) whose every host's lines replace that host's ranking whole, while
 * the campaign collects or has a round published, before the final phase:
 * every line or none (BAD_INPUT URNE_WHY_FILE, out->checks naming the file, the
 * line, the field and the rule: a host not ranked before, host-not-ranked; a
 * pupil holding a place at the host left out, holder-not-ranked). The next round
 * runs on the corrected order. Coordinator. out->number: the rows written;
 * out->id: the hosts corrected. */
urne_app_status urne_app_match_rankings_correct(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                                size_t len, urne_app_outcome *out);

/* A host ranks its applicants by its private link's code: ranks[i] (1 first;
 * 0 leaves pupils[i] out: not taken there) for the n pupils named. As
 * urne_app_match_rankings (collecting, before the first round; the host not
 * ranked before), with BAD_INPUT field "rank" for a rank below 0 (number: its
 * place in the list, detail the pupil; URNE_WHY_MATCH_RANK) or none given
 * (URNE_WHY_MATCH_EMPTY); NO_CAMPAIGN for a wrong code. */
urne_app_status urne_app_match_host_ranks(urne_app *app, int64_t id, const char *code, const char *const *pupils,
                                          const int64_t *ranks, size_t n, urne_app_outcome *out);

/* A host's places: capacity (>= 0), reserved (0..capacity), weeks ('|'-separated
 * labels, "" any), name (NULL: unchanged). By a host account or the host's code
 * (code non-NULL: key may be NULL, the code names the host). */
typedef struct urne_match_places {
    const char *key, *code, *name, *weeks;
    int64_t capacity, reserved;
} urne_match_places;
urne_app_status urne_app_match_places(urne_app *app, const urne_user *actor, int64_t id, const urne_match_places *in,
                                      urne_app_outcome *out);

/* A teacher sets pupil `key`'s wishes ("A>B>C", host keys best first). */
urne_app_status urne_app_match_wishes(urne_app *app, const urne_user *actor, int64_t id, const char *key,
                                      const char *wishes, urne_app_outcome *out);

/* Run the next round (final: as the final phase). out->number: the round;
 * out->id: pupils placed in it. */
urne_app_status urne_app_match_run(urne_app *app, const urne_user *actor, int64_t id, int final,
                                   urne_app_outcome *out);

/* Publish the round run: its places offered until `deadline` (ISO UTC, after now). */
urne_app_status urne_app_match_publish(urne_app *app, const urne_user *actor, int64_t id, const char *deadline,
                                       urne_app_outcome *out);

/* Close a published campaign. */
urne_app_status urne_app_match_close(urne_app *app, const urne_user *actor, int64_t id, urne_app_outcome *out);

/* A pupil (by code) accepts (1) or refuses (0) the offer of the last round
 * published, before its deadline. */
urne_app_status urne_app_match_answer(urne_app *app, int64_t id, const char *code, int accept,
                                      urne_app_outcome *out);

/* What a pupil's code shows: their row, the last published round's result
 * (has_result 0: none yet) and their last offer (has_offer). */
typedef struct urne_match_placement {
    urne_match_campaign_row campaign;
    urne_match_pupil_row pupil;
    urne_match_result_row result;
    urne_match_offer_row offer;
    int has_result, has_offer;
} urne_match_placement;
urne_app_status urne_app_match_placement(urne_app *app, int64_t id, const char *code, urne_match_placement *out_view,
                                         urne_app_outcome *out);

/* The host a code names (for its page): OK, or NO_CAMPAIGN. */
urne_app_status urne_app_match_host_by_code(urne_app *app, int64_t id, const char *code, urne_match_host_row *host,
                                            urne_app_outcome *out);

/* A round's figures (round 0: the last run). wish[k] for k in 1..URNE_MATCH_FIG_WISHES-1
 * the pupils placed at their k-th wish, wish[0] those placed further down. */
#define URNE_MATCH_FIG_WISHES 11
typedef struct urne_match_figures {
    int64_t round, pupils, placed, unplaced;
    int64_t wish[URNE_MATCH_FIG_WISHES];
    int64_t priority_pupils, priority_placed, priority_first, other_first;
} urne_match_figures;
/* Under the lock (urne_app_read_begin) or not: takes it. 0, or -1 (store). */
int urne_app_match_figures(urne_app *app, int64_t id, int64_t round, urne_match_figures *f);

/* May the actor act on the campaign (its chain, or a school's, host's below
 * it: sub NULL for the campaign's own)? OK, NO_CAMPAIGN, or the refusal. */
urne_app_status urne_app_match_may(urne_app *app, const urne_user *actor, urne_action action, int64_t id,
                                   const char *sub, urne_app_outcome *out);

/* The space word of a school's or a host's name: lower-case ASCII letters and
 * digits kept (Latin-1 letters folded: é is e), every other run of bytes one
 * '-', at most 40 bytes. A name whose word would be longer keeps its first 31
 * bytes, then '-' and 8 hex digits of the name's SHA-256, so that two long names
 * alike at their start ("... site Nord", "... site Sud") are two spaces, never
 * one that a grant for either would open. Names that fold alike otherwise
 * ("Jean-Macé", "jean mace") still share a word. */
void urne_app_match_space_word(const char *name, char out[41]);

/* One pupil on a host's list (urne_app_match_lists): the host's and pupil's
 * keys, the pupil's school and priority, the round that placed them, the rank of
 * the host among their wishes, their lottery number in that round, and the
 * place's state: "accepted", "offered" (open until the deadline) or "computed"
 * (the round run, not yet published: the coordinator's lists only). */
typedef struct urne_match_listed {
    const char *host, *pupil, *school, *state;
    int64_t round, wish, priority, lottery;
} urne_match_listed;
typedef void (*urne_app_match_list_fn)(const urne_match_listed *x, void *ctx);

/* Every host's list, host after host (in byte order of key), each in the host's
 * order: its own ranks when it ranked its applicants (lower first), else the
 * common order (higher priority), then the lower lottery number: for the coordinator
 * (code NULL: URNE_ACT_MANAGE_MATCHES on the campaign), or only the host a
 * code names (its private link: the places offered or accepted, never a round
 * not yet published). OK (fn called for each, under the lock: it must not call
 * a use case), NO_CAMPAIGN (no campaign, or a wrong code), the refusal, STORE. */
urne_app_status urne_app_match_lists(urne_app *app, const urne_user *actor, int64_t id, const char *code,
                                     urne_app_match_list_fn fn, void *ctx, urne_app_outcome *out);

/* The last round's rows, for the coordinator's downloads (URNE_ACT_MANAGE_MATCHES
 * on the campaign): latest 0, every result of the last round run, in order of
 * pupil; latest 1, each pupil's result in the last round that has one (placed,
 * or left unplaced; a pupil whose place was kept has no row in later rounds),
 * in order of pupil. Nothing before a first round. OK (fn called for each,
 * under the lock: it must not call a use case), NO_CAMPAIGN, the refusal,
 * STORE. */
typedef void (*urne_app_match_result_fn)(const urne_match_result_row *r, void *ctx);
urne_app_status urne_app_match_round_rows(urne_app *app, const urne_user *actor, int64_t id, int latest,
                                          urne_app_match_result_fn fn, void *ctx, urne_app_outcome *out);

/* A teacher's pupils (the page where wishes are entered): the campaign into *c,
 * then each pupil of a school the actor may enter the wishes of (a secretary of
 * match/N: every school; URNE_ACT_ENTER_WISHES), in order of key, with their
 * result in the last round published that has one (NULL: none; a round run and
 * not published is not shown) and their last offer (NULL: none). OK (fn called
 * for each, under the lock; none when the actor has no school there),
 * NO_CAMPAIGN, STORE. */
typedef struct urne_match_pupil_view {
    const urne_match_pupil_row *pupil;
    const urne_match_result_row *result;
    const urne_match_offer_row *offer;
} urne_match_pupil_view;
typedef void (*urne_app_match_pupil_fn)(const urne_match_pupil_view *v, void *ctx);
urne_app_status urne_app_match_school_pupils(urne_app *app, const urne_user *actor, int64_t id,
                                             urne_match_campaign_row *c, urne_app_match_pupil_fn fn, void *ctx,
                                             urne_app_outcome *out);

/* Round `round`'s report.json (0: the last run), as its run recorded it in its
 * audit entry (the engine's figures, the seed, the inputs' SHA-256): *text
 * malloc'ed JSON, the caller frees. The coordinator's. OK, NO_CAMPAIGN, the
 * refusal, STATE (no such round run, or run before runs recorded a report),
 * STORE. */
urne_app_status urne_app_match_report(urne_app *app, const urne_user *actor, int64_t id, int64_t round, char **text,
                                      urne_app_outcome *out);

/* ---- reads every visitor may make (match_reads.c) ---- */

/* Campaign id into *out, under the application's lock: 1, 0 when there is none,
 * -1 when the store failed (urne_store_error says why). Holds no code. */
int urne_app_match_campaign(urne_app *app, int64_t id, urne_match_campaign_row *out);
/* fn for every campaign, in the store's order, under the lock (fn must not call
 * the application's writes): 0, -1 the store failed, or fn's nonzero. */
int urne_app_match_campaigns(urne_app *app, int (*fn)(const urne_match_campaign_row *c, void *ctx), void *ctx);
/* The rank (1 first) of host among wishes ("a>b>c"), 0 when it is not there. */
size_t urne_app_match_wish_rank(const char *wishes, const char *host);
/* A host's applicants, for the ranking it may give (the caller has checked the
 * host's code): *ranked 1 when the host has given its ranking already (fn never
 * called), else 0 and fn for each pupil who wished host, with host's rank among
 * their wishes, under the lock. 0, -1 the store failed, or fn's nonzero. */
typedef int (*urne_app_match_applicant_fn)(const urne_match_pupil_row *p, size_t wish, void *ctx);
int urne_app_match_applicants(urne_app *app, int64_t id, const char *host, int *ranked,
                              urne_app_match_applicant_fn fn, void *ctx);

/* The matching's clock, for the tests (NULL: time()). */
void urne_app_match_clock(urne_app *app, int64_t (*now)(void));

#endif
