/*
 * initiative_internal: what the initiative's use cases share between
 * initiative.c (the initiatives held, creation, the lifecycle) and
 * initiative_sign.c (the roll, signatures, receipts, invalidation),
 * initiative_batch.c (signatures committed in groups) and the others. Not for
 * adapters: they read initiative.h.
 */
#ifndef URNE_APP_INITIATIVE_INTERNAL_H
#define URNE_APP_INITIATIVE_INTERNAL_H

#include <jansson.h>

#include "../core/urne_time.h"
#include "../initiative/identity.h"
#include "initiative.h"

typedef struct urne_initiative_batcher urne_initiative_batcher;

struct urne_app_initiatives {
    urne_initiative_held **items; /* in order of id */
    size_t n;
    int64_t (*now)(void);         /* NULL: time(NULL) */
    urne_initiative_batcher *batch; /* the committer of signatures (initiative_batch.c); NULL until one */
    int batch_stopped;              /* urne_app_initiative_batch_stop called: no committer started after */
};

/* The clock's moment, UTC seconds (its ISO text: urne_time_iso). */
int64_t urne_app_initiative_now(urne_app *app);

/* The initiative held with that id, or NULL; NO_INITIATIVE set in out then. */
urne_initiative_held *urne_app_initiative_find(urne_app *app, int64_t id, urne_app_outcome *out);

/* May actor do action on initiative h (its chain: "initiative/<id>", its space,
 * the site)? urne_app_authorize's answer. */
urne_app_status urne_app_initiative_may(urne_app *app, const urne_user *actor, urne_action action,
                                        const urne_initiative_held *h, urne_app_outcome *out);

/* Add electors and valid signatures to territory `name` of h (made when new,
 * kept sorted), and signatures to h's total: 0, or -1 when a count would
 * overflow int64 or go below 0 (nothing changed) or out of memory. */
int urne_app_initiative_count(urne_initiative_held *h, const char *name, int64_t electors, int64_t signatures);

/* Under rules per seat or given (rules.h), every territory the rules give
 * figures to made in h with no elector yet, so that the counter page and the
 * tally show them all (the ECI's 27 states, before their rolls): 0, or -1 out
 * of memory. Nothing to do under other rules. */
int urne_app_initiative_figures_hold(urne_initiative_held *h);

/* 0 when a roll's line or an anonymous code may be of territory `name` of h:
 * always, but under rules per seat or given, which must give it its figures;
 * -1 otherwise. */
int urne_app_initiative_figures_known(const urne_initiative_held *h, const char *name);

/* Add n anonymous codes to territory `name` of h, which urne_app_initiative_count
 * has made: 0, or -1 (no such territory, an overflow). */
int urne_app_initiative_anonymous_add(urne_initiative_held *h, const char *name, int64_t n);
/* The anonymous codes, and the electors (codes included), of territory `name`
 * of h: 0 when it has none. */
int64_t urne_app_initiative_anonymous(const urne_initiative_held *h, const char *name);
int64_t urne_app_initiative_electors(const urne_initiative_held *h, const char *name);

/* Add `delta` valid signatures to the day of `iso` ("YYYY-MM-DD..." UTC) in h's
 * days (made when new, kept in order; one brought to 0 is left out): 0, or -1
 * when the date does not read, a count would overflow or go below 0, or memory
 * lacks (nothing changed). initiative_days.c. */
int urne_app_initiative_day(urne_initiative_held *h, const char *iso, int64_t delta);
/* h's days rebuilt from the store's index (urne_store_initiative_signature_days):
 * 0; -1 the store failed (its error set); -2 a day that does not read or a count
 * that does not fit. */
int urne_app_initiative_days_load(urne_store *s, urne_initiative_held *h);

/* Whether h's counts reach its thresholds (the tally engine): 1, 0; 0 too when
 * the tally cannot be made (no roll yet). */
int urne_app_initiative_reached(const urne_initiative_held *h);

/* Move h by event inside the caller's transaction (the state checked, the row
 * written from the state expected, the audit entry appended): *row receives the
 * row written and *to the new state, for the caller to hold after its commit (h
 * is not changed). OK; STATE with why the lifecycle's refusal (nothing
 * written); STORE (the caller rolls back, urne_app_store_failed); NO_MEMORY. */
urne_app_status urne_app_initiative_step(urne_app *app, const char *actor, const urne_initiative_held *h,
                                         urne_initiative_event event, const char *text, urne_initiative_row *row,
                                         urne_initiative_state *to, urne_app_outcome *out);

/* Write `after` (a JSON object, stolen) as the audit entry `action` on `object`.
 * 0 or -1 (the store's error set; NO_MEMORY said through *oom). */
int urne_app_initiative_audit(urne_app *app, const char *actor, const char *action, const char *object,
                              json_t *after, int *oom);

/* A file's errors (d, not freed: the caller's) into out as the roll's import and
 * the letters answer them: field "file", rule URNE_WHY_FILE, the count and each
 * error with source's name; URNE_APP_BAD_INPUT (initiative_sign.c). */
urne_app_status urne_app_initiative_file_refused(urne_app_outcome *out, urne_diags *d, const char *source);

/* hex of BLAKE2b-256 of text under h's 32-byte key: the hashes roll entries
 * and signatures are found by (initiative_sign.c). */
void urne_app_initiative_keyed_hash(const urne_initiative_held *h, const char *text,
                                    char out[URNE_STORE_INITIATIVE_HASH]);

/* The key an attempt from `origin` (an address as text) is counted under:
 * prefix and the address; an IPv6 one (not IPv4-mapped) cut to its first `bits`
 * (a multiple of 8), written "NET/BITS", so that every address of that network
 * is one key. key: prefix at most 3 bytes. */
void urne_app_initiative_origin_key(const char *prefix, const char *origin, int bits, char key[48]);

/* The wrong codes counted under key (initiative_codes.c) in h's table of them
 * for the minute of now: one more when `add`, this one included; -1 when the
 * table cannot be had, or is full without key (not counted: initiative_codes.c
 * says why it is not refused either). key: at most 47 bytes. */
int64_t urne_app_initiative_burst(urne_initiative_held *h, const char *key, int64_t now, int add);

/* A signature by code (initiative_codes.c): the code checked and found on h's
 * roll, sig made ready as signer_check does for an identity (all but its
 * receipt), its marks appended to sig->marks. OK, the refusal, or STORE. */
urne_app_status urne_app_initiative_code_check(urne_initiative_held *h, urne_store *store,
                                               const urne_initiative_signer *in, int64_t now,
                                               urne_initiative_signature *sig, urne_app_outcome *out);

/* ---- codes by letter made outside the lock (initiative_codes.c) ---- */

#define URNE_INITIATIVE_CODE_BATCH 2000 /* codes stored per transaction under the lock */

/* A run of codes: made and hashed without the lock, stored in batches of
 * URNE_INITIATIVE_CODE_BATCH, each its own short transaction under the lock (the
 * initiative's state and the territories checked again for each), taken back
 * whole when a batch fails. */
typedef struct urne_initiative_code_run {
    const urne_user *actor;
    int64_t id;
    const char *territory; /* anonymous codes: their territory */
    int bound;             /* 1: letters for electors of the roll (their entries get a code) */
    urne_diags *diags;     /* bound: the lines refused */
    int figures_known;     /* set by code_run_open: the rules give territory its figures when they need them */
    unsigned char hash_key[32];
    unsigned char authority[crypto_box_PUBLICKEYBYTES];
    char at[24]; /* the run's time, in its letters' references */
    int64_t stored, cap;
    char (*keys)[URNE_STORE_INITIATIVE_HASH]; /* the entries stored so far */
} urne_initiative_code_run;

/* run->id's keys copied, its roll checked open to run->actor (roll_open's
 * refusals), under the lock. */
urne_app_status urne_app_initiative_code_run_open(urne_app *app, const urne_user *actor, urne_initiative_code_run *run,
                                                  urne_app_outcome *out);
/* A new code and its keyed hash under the run's key. */
void urne_app_initiative_code_make(const urne_initiative_code_run *run, char code[URNE_INITIATIVE_CODE_TEXT],
                                   char code_hash[URNE_STORE_INITIATIVE_HASH]);
/* items[0..n) stored in one transaction under the lock (with the run's audit
 * entry when `last`): anonymous ones as entries, a bound run's as the code of
 * the elector's entry (lines: each item's line, for the errors). OK; STATE
 * URNE_WHY_CODES_ROLL / URNE_WHY_CODES_ANONYMOUS (detail: the territory),
 * roll_open's refusals; BAD_INPUT URNE_WHY_FILE (bound: the lines in run->diags);
 * STORE; NO_MEMORY. Nothing of the batch is kept unless OK. */
urne_app_status urne_app_initiative_code_batch(urne_app *app, urne_initiative_code_run *run,
                                               const urne_initiative_roll_entry *items, size_t n, const long *lines,
                                               int last, urne_app_outcome *out);
/* Every batch the run stored taken back. */
void urne_app_initiative_code_undo(urne_app *app, urne_initiative_code_run *run);
void urne_app_initiative_code_run_free(urne_initiative_code_run *run);

/* The initiative whose roll `actor` may add to now (its managers, before
 * collecting: a roll's import and the codes by letter), or NULL with the
 * refusal in *out (NO_INITIATIVE, FORBIDDEN, STATE). Under the lock. */
urne_initiative_held *urne_app_initiative_roll_open(urne_app *app, const urne_user *actor, int64_t id,
                                                    urne_app_outcome *out);

/* ---- what e-mail confirmation shares with signing (initiative_mail.c) ---- */

/* The burst marks of an attempt from `origin` at `now` into marks ("" none),
 * with "burst-identity" when `index` (a key hash; NULL: not counted) was tried
 * past URNE_INITIATIVE_BURST_IDENTITY times this minute (initiative_sign.c). */
void urne_app_initiative_marks(urne_initiative_held *h, const char *origin, const char *index, int64_t now,
                               char *marks, size_t size);
/* A new receipt's random part, "XXXXX-XXXXX-XXXXX-XXXXX", and the proof the
 * store keeps of it (a signature's `proof`); the code answered is the
 * signature's id, a dash, then this (initiative_batch.c, once committed). */
void urne_app_initiative_receipt_make(char code[24], char proof[URNE_STORE_INITIATIVE_HASH]);

/* ---- signatures committed in groups (initiative_batch.c) ---- */

/* A ticket: all zero, or NULL when memory lacks. Freed by the commit that
 * hands it back, or by urne_app_initiative_ticket_free when never submitted. */
urne_initiative_ticket *urne_app_initiative_ticket_new(void);
/* The signature it carries, for the checks to fill (all but its id). */
urne_initiative_signature *urne_app_initiative_ticket_sig(urne_initiative_ticket *t);
/* Its receipt code (answered once), whether it signs by a letter's code, and
 * the outcome its commit fills (kept by the caller until `done` or the commit). */
void urne_app_initiative_ticket_set(urne_initiative_ticket *t, const char code[24], int by_code,
                                    urne_app_outcome *out);
void urne_app_initiative_ticket_free(urne_initiative_ticket *t);
/* t committed alone in this thread (under the lock, taken here), its outcome
 * filled; t is not freed. */
void urne_app_initiative_ticket_commit(urne_app *app, urne_initiative_ticket *t);
/* The committer thread started, once (under the lock): 0, or -1 when memory
 * lacks (tickets are then committed alone by their submitters). */
int urne_app_initiative_batch_start(urne_app *app);
/* The committer stopped (urne_app_initiative_batch_stop) and freed: at close. */
void urne_app_initiative_batch_free(urne_app *app);
/* BAD_INPUT for an identity the engine refused: field and why its field and
 * rule; for a character, number its place among the field's characters (1 the
 * first) and detail the character described ("ễ (U+1EC5)"), else number the
 * byte's offset. */
urne_app_status urne_app_initiative_bad_identity(urne_app_outcome *out, const urne_initiative_identity_fault *f);

#endif
