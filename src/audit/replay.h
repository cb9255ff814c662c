/*
 * replay: what the audit log says the store holds, and where the store differs.
 *
 * The hash chain (audit.h) proves that the log was not rewritten. It proves nothing
 * about the rows the server actually reads: someone with the database file can
 * change a bureau's figures with `sqlite3` and leave the log alone. So every entry
 * that changes what people rely on records, besides what happened, the resulting
 * row itself: a bureau's state and figures, who typed which figures (double entry),
 * a dispute's state and decision, an election's metadata and imported figures, a
 * publication and its reopening, an account, the bureaux assigned to a secretary.
 * Replaying
 * the log from the first entry then gives the state the store must hold now, and
 * comparing the two names every row that was changed behind the log's back.
 *
 * This module is the replay and the comparison, on plain structs: it knows nothing
 * of JSON, SQL or files. The store decodes each entry's payload and calls the
 * urne_audit_replay_* folding functions in order of seq; then it reads the rows it
 * holds and `urne audit verify` passes each one to a compare function; last,
 * urne_audit_replay_finish names the rows the log has and the store lost.
 *
 * Honesty about old logs: entries written before urne recorded resulting rows do
 * not say what they left behind. Folding such an entry passes NULL: the row becomes
 * "not comparable", with the entry that made it so, and finish states how many rows
 * of which election could not be compared and why. A later entry that records the
 * whole row makes it comparable again. Nothing is ever counted as matching when it
 * was not compared.
 *
 * Memory: one urne_audit_sheet (about 120 bytes, and 8 a candidate for its votes,
 * held apart) per bureau of every election in the log, while verifying.
 */
#ifndef URNE_AUDIT_REPLAY_H
#define URNE_AUDIT_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_role.h"
#include "../results/recolement.h"

/* A bureau's row: its sheet's state and figures. */
typedef struct urne_audit_sheet {
    char state[16];          /* "missing", "entered", ...: as written, even when not a known state */
    int has_figures;         /* 1: figures below; 0: none (NULL); -1: the stored text is not figures */
    urne_figures figures;
    char entered_at[24];     /* "" when none */
    int64_t entered_by;      /* user id, 0 when none */
    int validated_once, changed_after_validation;
} urne_audit_sheet;

/* An election's row. */
typedef struct urne_audit_election {
    int64_t id;
    int full; /* folding: 1 when every field below is recorded; 0 when only title and preset are */
    char title[256];
    int round;
    char preset[32];
    char settings[512];
    int double_entry;
    char deadline[32];
    char created_at[32];
    char space[URNE_SPACE_MAX + 1]; /* the space it belongs to, "" the site */
    int has_space;                  /* 0 when the log did not record it (entries before it did): not compared */
    char zone[48];                  /* its time zone (IANA name); entries before it was recorded: Europe/Paris */
    char structure[65];        /* SHA-256 of its names: contests, candidates, bureaux (store.h); "" when
                                * the log did not record it (not compared) */
    char published_at[32];     /* "" when not published */
    char published_digest[65];
    /* A publication reopened by a contest, and the one before the current one. */
    char reopened_at[32], reopened_reason[1024];
    char previous_published_at[32], previous_digest[65], previous_reopened_at[32], previous_reopened_reason[1024];
    size_t nbureaux;
} urne_audit_election;

/* A dispute's row. */
typedef struct urne_audit_dispute {
    int64_t id, election, bureau, escalated_from; /* escalated_from 0 when none */
    int tier;
    char state[16]; /* open, decided, escalated */
    char reason[512], opened_by[64], opened_at[24], deadline[24];
    char decision[16], decision_reason[512], decided_by[64], decided_at[24]; /* "" while open */
    int has_before, has_after; /* as urne_audit_sheet.has_figures */
    urne_figures before, after;
} urne_audit_dispute;

/* An account's row (the password hash is not in the log and not compared). */
typedef struct urne_audit_user {
    int64_t id;
    char name[64];
    char role[16];
    int tier;
} urne_audit_user;

/* One typed entry of a sheet (the double-entry record): who typed which figures. */
typedef struct urne_audit_typed {
    int64_t user;     /* user id */
    int has_figures;  /* as urne_audit_sheet.has_figures */
    urne_figures figures;
} urne_audit_typed;

/* One field of one row that differs between the store and the log. */
typedef struct urne_audit_diff {
    const char *table; /* "election", "bureau", "entry" (a typed entry), "assignment", "dispute", "user",
                        * "grant", "notice" */
    int64_t election;  /* the election, 0 for a user */
    int64_t id;        /* bureau index (also for "entry", "assignment"), dispute id, user id; the election
                        * id for "election" */
    size_t nth;        /* for "entry": 1 for the bureau's first typed entry, 2 for the next... */
    char field[96];    /* "state", "figures.votants", "figures.votes[2]", "row" (the whole row) */
    char stored[160];  /* the value in the store, "(no row)" when the row is missing */
    char logged[160];  /* the value the log gives, "(no row)" when no entry created it */
    int64_t seq;       /* the entry that set the logged value, 0 when none did */
} urne_audit_diff;

typedef void (*urne_audit_diff_fn)(const urne_audit_diff *d, void *ctx);
typedef void (*urne_audit_note_fn)(const char *sentence, void *ctx);

typedef struct urne_audit_replay urne_audit_replay;

/* Rows compared and rows that could not be, after finish. */
typedef struct urne_audit_replay_stats {
    size_t elections, sheets, entries, assignments, disputes, users; /* rows compared (present in both) */
    size_t not_compared;                       /* rows the log could not vouch for */
    size_t differences;                        /* fields that differ, missing rows included */
} urne_audit_replay_stats;

urne_audit_replay *urne_audit_replay_new(void); /* NULL when out of memory */

/* The records own their figures (recolement.h): free them with these (an empty,
 * zeroed record: no-op). The folding functions below copy what they are given
 * (deep copies): the caller keeps and frees its own records. */
void urne_audit_sheet_free(urne_audit_sheet *s);
void urne_audit_typed_free(urne_audit_typed *t);
void urne_audit_dispute_free(urne_audit_dispute *d);
void urne_audit_replay_free(urne_audit_replay *r);

/* Why the last folding call returned -1: one sentence naming the entry. */
const char *urne_audit_replay_error(const urne_audit_replay *r);

/* For the decoder: entry seq cannot be replayed, because `why`. Returns -1, with
 * "entry SEQ: WHY" as the error. */
int urne_audit_replay_refuse(urne_audit_replay *r, int64_t seq, const char *why);

/* ---- folding: call in order of seq; each returns 0, or -1 when the entry
 * contradicts the log before it (an election created twice, a bureau it does
 * not have) or memory runs out, with the reason in urne_audit_replay_error ---- */

/* An election was created with m->nbureaux bureaux. sheets: their rows as
 * created, m->nbureaux of them, or NULL when the entry did not record them (every
 * bureau then not comparable). m->full says whether settings, round, double entry,
 * deadline and creation time were recorded. Not published yet. */
int urne_audit_replay_created(urne_audit_replay *r, int64_t seq, const urne_audit_election *m,
                              const urne_audit_sheet *sheets);

/* A bureau's row became *s, or something the entry did not record (s NULL). */
int urne_audit_replay_sheet(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau,
                            const urne_audit_sheet *s);

/* Someone typed figures for a bureau (t), or the entry did not record who and what
 * (t NULL: the bureau's typed entries are not comparable from then on). */
int urne_audit_replay_typed(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau,
                            const urne_audit_typed *t);

/* Dispute `id` on bureau `bureau` of `election` became *d, or something the entry
 * did not record (d NULL). A dispute opened on appeal (d->escalated_from) leaves the
 * one it appeals 'escalated', as the server does. */
int urne_audit_replay_dispute(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau, int64_t id,
                              const urne_audit_dispute *d);

/* An appeal that did not record which dispute it escalated: every dispute on the
 * bureau becomes not comparable. */
int urne_audit_replay_appeal_unrecorded(urne_audit_replay *r, int64_t seq, int64_t election, size_t bureau);

/* The bureau a dispute is about (as the log knows it): 0 with it in *bureau, -1
 * when no entry opened the dispute. For entries that name only the dispute. */
int urne_audit_replay_dispute_bureau(const urne_audit_replay *r, int64_t election, int64_t id, size_t *bureau);

/* The election's results were published at `at` with this digest. A publication
 * that had been reopened becomes the previous one, as the store keeps it. */
int urne_audit_replay_published(urne_audit_replay *r, int64_t seq, int64_t election, const char *at,
                                const char *digest);

/* The standing publication was reopened at `at` because of `reason`. */
int urne_audit_replay_reopened(urne_audit_replay *r, int64_t seq, int64_t election, const char *at,
                               const char *reason);

/* The election's metadata (title, settings, publication) changed in a way the
 * entry does not record: not comparable from here on. */
int urne_audit_replay_election_unrecorded(urne_audit_replay *r, int64_t seq, int64_t election);

/* Bureaux first..last of the election were assigned to the user (assigning one
 * already assigned changes nothing). */
int urne_audit_replay_assigned(urne_audit_replay *r, int64_t seq, int64_t user, int64_t election, size_t first,
                               size_t last);

/* An account was created, or changed in a way not recorded (u NULL). */
int urne_audit_replay_user(urne_audit_replay *r, int64_t seq, int64_t id, const urne_audit_user *u);

/* ---- comparing: pass every row the store holds, once each, in any order; each
 * call reports every differing field through fn and returns how many ---- */

size_t urne_audit_replay_compare_election(urne_audit_replay *r, const urne_audit_election *stored,
                                          urne_audit_diff_fn fn, void *ctx);
size_t urne_audit_replay_compare_sheet(urne_audit_replay *r, int64_t election, size_t bureau,
                                       const urne_audit_sheet *stored, urne_audit_diff_fn fn, void *ctx);
/* The typed entries of a bureau, passed in the order they were made. */
size_t urne_audit_replay_compare_typed(urne_audit_replay *r, int64_t election, size_t bureau,
                                       const urne_audit_typed *stored, urne_audit_diff_fn fn, void *ctx);
/* One stored assignment. They must be passed in order of user, election, bureau. */
size_t urne_audit_replay_compare_assignment(urne_audit_replay *r, int64_t user, int64_t election, size_t bureau,
                                            urne_audit_diff_fn fn, void *ctx);
size_t urne_audit_replay_compare_dispute(urne_audit_replay *r, const urne_audit_dispute *stored,
                                         urne_audit_diff_fn fn, void *ctx);
size_t urne_audit_replay_compare_user(urne_audit_replay *r, const urne_audit_user *stored, urne_audit_diff_fn fn,
                                      void *ctx);

/* After the last row: report the rows the log has that the store did not pass
 * (deleted rows) through fn, then one sentence per election (and for accounts)
 * saying what could not be compared and why through note; fill *stats. Returns the
 * number of missing-row differences. */
size_t urne_audit_replay_finish(urne_audit_replay *r, urne_audit_diff_fn fn, urne_audit_note_fn note, void *ctx,
                                urne_audit_replay_stats *stats);

#endif
