/*
 * initiative (app): the citizens' initiatives' use cases (issue 18): create one
 * from its rules, import its roll, move it along its life (submit, admit or
 * reject, open, close, transmit, answer), sign it, check a receipt, invalidate a
 * signature, and read its counts.
 *
 * Each use case is app.h's shape: who may (authz: URNE_ACT_MANAGE_INITIATIVES for
 * the organisers, administrators of the initiative's space; URNE_ACT_DECIDE_
 * INITIATIVE for its committee, a commission there; URNE_ACT_SIGN_INITIATIVE for
 * anyone), the engine's say (initiative/: the rules, the lifecycle's table, the
 * identity's normalisation and checks, the tally), then the rows and the audit
 * entry in one transaction, and what is held in memory patched after the commit.
 *
 * Held in memory, per initiative: its row, its rules, and per territory the
 * electors on its roll and the valid signatures. The counts are never a row of
 * the store updated per signature (the hot row that brought the UK petitions
 * site down): each signature is its own row, inserted once, and the counts are
 * rebuilt from the rows when the application opens (urne_app_open).
 *
 * A signature: the identity made and checked by the engine (names normalised,
 * a birth date in 2090 refused), hashed with the initiative's key into the key by
 * which the roll is searched and the signature deduplicated, sealed to the
 * verification authority's public key (initiative_seal.h: the server cannot
 * read it back), inserted (the UNIQUE (initiative, hash) constraint:
 * the same elector twice is one row, whatever the connections), committed, and
 * only then counted and answered with a receipt code; the store keeps only the
 * code's SHA-256. Signatures write no audit entry of their own (each is a row
 * that never changes but by an audited invalidation); every transition, roll
 * import and invalidation does.
 *
 * Time: `now` is the clock (time(NULL)) unless the caller sets
 * urne_app_initiative_clock (the tests).
 */
#ifndef URNE_APP_INITIATIVE_H
#define URNE_APP_INITIATIVE_H

#include "../initiative/lifecycle.h"
#include "../initiative/rules.h"
#include "../initiative/sample.h"
#include "../initiative/tally.h"
#include "../store/store_initiatives.h"
#include "initiative_seal.h"
#include "app.h"

/* The reasons of a STATE or BAD_INPUT outcome (outcome.why), besides the
 * lifecycle's refusal names (urne_initiative_refusal_name: "wrong-state",
 * "no-reasons", "still-open"...) and the identity engine's rule codes
 * (URNE_INITIATIVE_ID_*, with outcome.field the field and outcome.number the
 * byte's offset; for "character", outcome.number the character's place among
 * the field's, 1 the first, and outcome.detail the character described). */
#define URNE_WHY_INITIATIVE_KEY "authority-key"       /* not 64 hex digits of a public key */
#define URNE_WHY_NOT_COLLECTING "not-collecting"      /* signing outside the collection (detail: the state) */
#define URNE_WHY_WINDOW "outside-window"              /* signing before it opens or from its close on */
#define URNE_WHY_NOT_ON_ROLL "not-on-roll"            /* no elector of that identity on the roll */
#define URNE_WHY_HOMONYM "homonym"                    /* electors of that name there, none of that identity
                                                       * (given names all as on the roll, birth date)
                                                       * (number: how many) */
#define URNE_WHY_UNDER_AGE "under-age"                /* number: the age the rules ask */
#define URNE_WHY_OTHER_ROLL "other-roll"              /* detail: the roll the rules ask */
#define URNE_WHY_ALREADY_SIGNED "already-signed"      /* TAKEN: this elector has signed; nothing counted */
#define URNE_WHY_ROLL_STATE "roll-closed"             /* a roll imported once the collection opened */
#define URNE_WHY_REASON "reason"                      /* an invalidation or a decision without its text */
#define URNE_WHY_NO_SIGNATURE "no-signature"          /* number: the signature's id */
#define URNE_WHY_ALREADY_INVALID "already-invalid"    /* STATE: that signature is already invalidated */
#define URNE_WHY_BY_EMAIL "by-email"                  /* STATE: its signers confirm by e-mail (initiative_mail.h) */
#define URNE_WHY_NO_OPENING "no-opening"              /* BAD_INPUT rules: no opening date or no end (the
                                                       * rules never change: it could never open) */
#define URNE_WHY_TERRITORY_FIGURES "territory-figures" /* BAD_INPUT rules: a minimum per seat or given and
                                                       * no territory's seats or minimum in the rules
                                                       * (rules.h: "seats NAME = N"); detail: "seats" or
                                                       * "minimum"; at a roll's import or codes: the
                                                       * territory the rules give none (detail: it) */

/* One territory's figures, held. */
typedef struct urne_initiative_territory_held {
    char name[64];
    int64_t electors;   /* entries on the roll */
    int64_t signatures; /* valid signatures */
    int64_t anonymous;  /* of the electors, anonymous codes (initiative_codes.c) */
} urne_initiative_territory_held;

/* Bursts marked for the authority, never refused (as the UK Parliament's
 * petitions site does): more than this many signing attempts in one minute of
 * the clock from one address (an IPv6 one: its /64), or from one network (an
 * IPv4 /24, an IPv6 /48),
 * mark the signatures that follow in that minute "burst-address",
 * "burst-network"; more than URNE_INITIATIVE_BURST_IDENTITY attempts for one
 * name in one commune (whatever the given names and birth date tried), a
 * signature of that name there "burst-identity". The counters are held for the
 * current minute only. */
#define URNE_INITIATIVE_BURST_ADDRESS 10
#define URNE_INITIATIVE_BURST_NETWORK 50
#define URNE_INITIATIVE_BURST_IDENTITY 3
#define URNE_INITIATIVE_BURST_SLOTS 1024

typedef struct urne_initiative_burst {
    char key[48];  /* "a:ADDRESS", "n:NETWORK" or "i:INDEX-HASH", "" a free slot */
    int64_t count; /* attempts this minute */
    uint32_t hash; /* the key's (FNV-1a): compared before the key */
} urne_initiative_burst;

/* How full a table of bursts is: its slots taken, and the farthest a key was
 * put from its own slot (a key held is never farther: a look stops there, not
 * after every slot of a full table). */
typedef struct urne_initiative_burst_fill {
    size_t used, longest;
} urne_initiative_burst_fill;

/* Valid signatures of one UTC day (the date their signed_at begins with), held
 * for the counter page's chart over time (initiative_days.c). */
typedef struct urne_initiative_day_held {
    int64_t day;   /* days since 1970-01-01 (initiative/calendar.h) */
    int64_t valid; /* valid signatures made that day */
} urne_initiative_day_held;

/* An initiative held in memory (under the application's lock). */
typedef struct urne_initiative_held {
    urne_initiative_row row;
    urne_initiative_rules rules;
    urne_initiative_state state;
    unsigned char hash_key[32];
    unsigned char authority_key[32];
    urne_sealer sealer; /* boxes identities to authority_key (initiative_seal.h) */
    urne_initiative_territory_held *territories; /* sorted by name (strcmp) */
    size_t nterritories;
    int64_t signatures; /* valid, all territories */
    int64_t invalid;    /* invalidated */
    int64_t burst_minute;            /* the minute the counters below are of */
    urne_initiative_burst *bursts;   /* URNE_INITIATIVE_BURST_SLOTS, open addressing; NULL until an origin */
    urne_initiative_burst *code_bursts; /* the wrong codes by network ("c:..."), the same; NULL until one */
    urne_initiative_burst_fill burst_fill, code_burst_fill; /* of the two tables above */
    urne_initiative_day_held *days;  /* by day, increasing; the days without a valid signature left out */
    size_t ndays;
} urne_initiative_held;

/* The longest rules text a new initiative is given, comments and all, in bytes
 * (what the row keeps is its rewriting, at most URNE_STORE_INITIATIVE_RULES_MAX). */
#define URNE_INITIATIVE_RULES_TEXT_MAX 65536

/* A new initiative: its title (1..200 bytes), the space it belongs to ("" the
 * site), its rules as text (rules.h: "preset = rip", then adjustments), and the
 * verification authority's public key (crypto_box, 64 hex digits). */
typedef struct urne_initiative_new {
    const char *title, *space, *rules, *authority_key;
} urne_initiative_new;

/* Create an initiative in state draft. In order: LOGIN_NEEDED, FORBIDDEN (the
 * manage-initiatives policy in `space`); BAD_INPUT with field "title" (why
 * too-long or "empty"), "space" (URNE_WHY_SPACE), "rules" (URNE_WHY_TOO_LONG past
 * URNE_INITIATIVE_RULES_TEXT_MAX bytes, or its rewriting past the row's; URNE_WHY_RULES, the
 * first fault's line in number, its message in detail and its phrase in reason,
 * every fault in outcome.checks, file "rules"; URNE_WHY_NO_OPENING when
 * they give no opening date or no end, with which it could never open: rules
 * never change once created; URNE_WHY_TERRITORY_FIGURES for a territory's
 * minimum per seat or given without a single territory's seats or minimum in
 * the rules: the roll gives none, so it could never be reached), "authority_key"
 * (URNE_WHY_INITIATIVE_KEY); STORE, NO_MEMORY (nothing written). OK with
 * outcome.id. Audit: "initiative.create" on "initiative/<id>" with the row (its
 * hashing key left out). */
urne_app_status urne_app_initiative_create(urne_app *app, const urne_user *actor, const urne_initiative_new *in,
                                           urne_app_outcome *out);

/* Import the roll of initiative `id` from CSV text (io/initiative_roll.h), named
 * `source` in its errors: every line or none. NO_INITIATIVE; LOGIN_NEEDED,
 * FORBIDDEN (manage-initiatives); STATE URNE_WHY_ROLL_STATE once collecting;
 * BAD_INPUT URNE_WHY_FILE with every error in outcome.checks (file, line, field,
 * rule; an elector already on the roll is rule "duplicate-elector", a line of
 * a territory that has anonymous codes URNE_WHY_CODES_ANONYMOUS: its electors
 * could never sign by name; under rules per seat or given, a line of a territory
 * the rules give no seats or minimum URNE_WHY_TERRITORY_FIGURES); STORE. OK
 * with outcome.number the entries added. Audit: "initiative.roll" with the
 * count per territory. */
urne_app_status urne_app_initiative_roll(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                         size_t len, const char *source, urne_app_outcome *out);

/* 1 when `actor` may import a roll into initiative `id` now, as
 * urne_app_initiative_roll asks before it reads the file (manage-initiatives in
 * its space; draft, submitted or admissible), for a page to show its form; else
 * 0 (and for the public, no such initiative, grants that cannot be read). Takes
 * the lock (recursive). */
int urne_app_initiative_roll_allowed(urne_app *app, const urne_user *actor, int64_t id);

/* 1 when `actor` may manage initiative `id` (manage-initiatives in its space),
 * whatever its state: for an adapter that must know before it reads a request
 * (the web gives a roll's body the import's room only then); else 0 (and for
 * the public, no such initiative, grants that cannot be read). Takes the lock
 * (recursive). */
int urne_app_initiative_manager(urne_app *app, const urne_user *actor, int64_t id);

/* What `actor` may do to initiative `id` now, for a page to show only that
 * (the acts still decide, and refuse): a mask of events (1u << event) whose
 * policy the actor holds in the initiative's space, as urne_app_initiative_act
 * asks it (manage-initiatives for SUBMIT, OPEN, CLOSE, TRANSMIT, ANSWER;
 * decide-initiative for ADMIT, REJECT), and that the lifecycle takes from the
 * current state (the window, the tally and the reasons are the act's to check
 * and word); REACH never. *invalidate is set to 1 when the actor may invalidate
 * its signatures (decide-initiative), else 0. 0 and 0 for the public, for no
 * such initiative, and when the actor's grants cannot be read. Takes the lock
 * (recursive: a page's reads may hold it). */
unsigned urne_app_initiative_allowed(urne_app *app, const urne_user *actor, int64_t id, int *invalidate);

/* Move initiative `id` by `event` (lifecycle.h). SUBMIT, OPEN, CLOSE, TRANSMIT,
 * ANSWER are the organisers' (manage-initiatives), ADMIT and REJECT the
 * committee's (decide-initiative). `text` is the committee's reasons (REJECT
 * requires them) or the authority's answer (ANSWER requires it); NULL or "" for
 * the others. REACH is not asked: CLOSE leads to reached or expired by the
 * tally, and a signature that reaches the threshold under rules that stop there
 * ends the collection itself. NO_INITIATIVE; LOGIN_NEEDED, FORBIDDEN; BAD_INPUT
 * field "text" (URNE_WHY_REASON, URNE_WHY_TOO_LONG); STATE with why the
 * lifecycle's refusal name; STORE. OK with outcome.detail the new state's name.
 * Audit: "initiative.<event>" with the state before and after, and the text. */
urne_app_status urne_app_initiative_act(urne_app *app, const urne_user *actor, int64_t id,
                                        urne_initiative_event event, const char *text, urne_app_outcome *out);

/* What a signer gives: the four parts of an identity (identity.h) and, for the
 * authority's abuse marks, where the request came from ("" unknown). */
typedef struct urne_initiative_signer {
    const char *name, *given, *birth, *commune;
    const char *origin;
    const char *code; /* a one-time code from a letter (initiative_codes.c): when given and not
                       * "", the signer is this code and the four parts are not read */
} urne_initiative_signer;

/* Sign initiative `id`. NO_INITIATIVE; STATE URNE_WHY_NOT_COLLECTING,
 * URNE_WHY_WINDOW or URNE_WHY_BY_EMAIL (its signers confirm by e-mail:
 * initiative_mail.h); BAD_INPUT with field and the identity engine's rule,
 * URNE_WHY_NOT_ON_ROLL, URNE_WHY_HOMONYM, URNE_WHY_UNDER_AGE, URNE_WHY_OTHER_ROLL;
 * TAKEN URNE_WHY_ALREADY_SIGNED (nothing written, nothing counted); STORE (nothing
 * written). With a code (signer->code): BAD_INPUT field "code" URNE_WHY_CODE_FORMAT
 * or URNE_WHY_UNKNOWN_CODE; STATE URNE_WHY_CODE_ATTEMPTS once the origin has typed
 * URNE_INITIATIVE_CODE_ATTEMPTS wrong codes this minute (asked nothing of the store
 * then); TAKEN URNE_WHY_CODE_USED when that code has signed already. OK once the signature is committed: outcome.detail the receipt code,
 * "ID-XXXXX-XXXXX-XXXXX-XXXXX" (its id, then 100 random bits; shown once, never stored), outcome.id the signature's id, outcome.field its
 * territory, outcome.at its time. */
urne_app_status urne_app_initiative_sign(urne_app *app, const urne_user *actor, int64_t id,
                                         const urne_initiative_signer *signer, urne_app_outcome *out);

/* Signing in two steps, for adapters that answer many signers at once
 * (initiative_batch.c): the signer checked as urne_app_initiative_sign does,
 * under the lock, and the signature made ready as a ticket; NULL when refused
 * (or memory lacks), the refusal in *out. The ticket keeps `out`: it is filled
 * by the commit of the group holding the signature, with what
 * urne_app_initiative_sign answers (OK, TAKEN, STORE, NO_MEMORY). */
typedef struct urne_initiative_ticket urne_initiative_ticket;
urne_initiative_ticket *urne_app_initiative_sign_begin(urne_app *app, const urne_user *actor, int64_t id,
                                                       const urne_initiative_signer *signer, urne_app_outcome *out);
/* Hand the ticket to the committer: written with the others waiting, in one
 * transaction; after its commit (or failure), its outcome is filled and
 * done(ctx) called, from the committer's thread (or from this one, before the
 * return, once the committer is stopped), and the ticket freed. done must not
 * wait for the application's lock's holders. Takes no lock of the caller's. */
void urne_app_initiative_ticket_submit(urne_app *app, urne_initiative_ticket *t, void (*done)(void *ctx), void *ctx);
/* Signatures checked together (the web adapter's checker thread takes every
 * request waiting at once): each item checked as urne_app_initiative_sign_begin,
 * one after the other (a group refuses what each alone would), all under one
 * hold of the application's lock and one read of the store
 * (urne_store_read_begin: on SQLite one snapshot's locks, not every
 * statement's). An item refused (`checked` 0) has its refusal in *out; one
 * checked (`checked` 1) holds its ticket, for urne_app_initiative_tickets_commit,
 * which the caller must then call. 1 when any was checked. */
typedef struct urne_initiative_sign_item {
    const urne_user *actor;
    int64_t id;
    const urne_initiative_signer *signer;
    urne_app_outcome *out;
    void *ctx;                      /* done's */
    int checked;                    /* set: 1 checked (its ticket held), 0 refused */
    urne_initiative_ticket *ticket; /* the caller's until _tickets_commit takes it (NULL then) */
} urne_initiative_sign_item;
int urne_app_initiative_sign_group(urne_app *app, urne_initiative_sign_item *items, size_t n);
/* The tickets of the items checked (ticket not NULL, then set to NULL)
 * committed in one group here, in the caller's thread, as the committer commits
 * its groups (in the items' order; each outcome filled once
 * its row is committed, then done(ctx) called, all before the return); the
 * caller holds no lock. */
void urne_app_initiative_tickets_commit(urne_app *app, urne_initiative_sign_item *items, size_t n,
                                        void (*done)(void *ctx));
/* The committer stopped after the tickets it holds are committed and handed
 * back; a ticket submitted after is committed alone by its submitter. Before an
 * adapter stops the connections waiting for their answer. Idempotent. */
void urne_app_initiative_batch_stop(urne_app *app);

/* Ready every collecting initiative for its signatures before the first one
 * comes (urne_store_initiative_warm: on SQLite, the dedup hashes read into
 * memory; seconds at ten million, better at start than under the lock at the
 * first signature). For `urne serve`, after urne_app_open; the command line,
 * which signs nothing, does not call it. OK, or the store's failure (UNAVAILABLE
 * or STORE, out's reason saying why). */
urne_app_status urne_app_initiative_warm(urne_app *app, urne_app_outcome *out);
/* The groups committed by the committer so far and the tickets in them. */
void urne_app_initiative_batch_counts(urne_app *app, int64_t *groups, int64_t *tickets);

/* Check a receipt code (one made before migration 15 too, its 20 characters
 * alone): NO_INITIATIVE; BAD_INPUT field "receipt" (URNE_WHY_NOT_ON_ROLL
 * never: why "unknown-receipt" when no signature has it, outcome.number 1 when
 * the code is not even shaped as a receipt, a mistyping to say); OK with outcome.id the
 * signature, outcome.at its time, outcome.field its territory, outcome.detail ""
 * when counted or the invalidation's reason. Anyone may. */
#define URNE_WHY_UNKNOWN_RECEIPT "unknown-receipt"
urne_app_status urne_app_initiative_receipt(urne_app *app, const urne_user *actor, int64_t id, const char *code,
                                            urne_app_outcome *out);

/* The committee invalidates signature `sig` with `reason`: NO_INITIATIVE;
 * LOGIN_NEEDED, FORBIDDEN (decide-initiative); BAD_INPUT URNE_WHY_REASON,
 * URNE_WHY_NO_SIGNATURE; STATE URNE_WHY_ALREADY_INVALID; STORE. OK: the counts
 * follow. Audit: "initiative.invalidate" on "initiative/<id>/signature/<sig>". */
urne_app_status urne_app_initiative_invalidate(urne_app *app, const urne_user *actor, int64_t id, int64_t sig,
                                               const char *reason, urne_app_outcome *out);

/* ---- one-time codes sent by letter (initiative_codes.c) ---- */

/* A code is 16 characters of CODE_ALPHABET (no 0, O, 1 or I to misread) in four
 * groups of 4, "K7QM-3XHC-PW9D-T4RA": 80 random bits (libsodium). The store keeps
 * only its keyed hash under the initiative's key, so a stolen database gives no
 * code. Two kinds (docs/INITIATIVES.md):
 *   - a letter for an elector of the roll (urne_app_initiative_letters): the
 *     code's hash on that elector's roll entry, with the birth date, so the code
 *     signs as that elector (the same deduplication key: signing once by name and
 *     once by code is TAKEN), under the same age and roll rules;
 *   - an anonymous code (urne_app_initiative_codes), for a territory with no roll
 *     to match names against: a roll entry of its own. To keep "one elector, one
 *     signature", a territory has one kind or the other: no anonymous code where
 *     the roll has electors, no signature in a name nor letter where anonymous
 *     codes are (URNE_WHY_CODES_ROLL, URNE_WHY_CODES_ANONYMOUS). */
#define URNE_INITIATIVE_CODE_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#define URNE_INITIATIVE_CODE_CHARS 16
#define URNE_INITIATIVE_CODE_TEXT 20     /* 16 characters, 3 dashes, NUL */
#define URNE_INITIATIVE_CODES_MAX 1000000 /* codes in one generation */
/* Wrong codes from one address (an IPv6 one: its /64, which one subscriber
 * holds whole) in one minute after which its code attempts are refused until
 * the next minute; from URNE_INITIATIVE_BURST_IDENTITY on, a code that does sign
 * from there is marked "burst-code" for the authority. The wrong codes are
 * counted apart from the marks' attempts, for URNE_INITIATIVE_BURST_SLOTS
 * addresses a minute (past them, not counted: initiative_codes.c says why). */
#define URNE_INITIATIVE_CODE_ATTEMPTS 10

#define URNE_WHY_CODE_COUNT "code-count"       /* number: URNE_INITIATIVE_CODES_MAX */
#define URNE_WHY_TERRITORY "territory"         /* empty, or longer than a territory's name (63 bytes) */
#define URNE_WHY_CODE_FORMAT "code-format"     /* not 16 characters of the alphabet (dashes, blanks aside) */
#define URNE_WHY_UNKNOWN_CODE "unknown-code"   /* no letter of this initiative has that code */
#define URNE_WHY_CODE_USED "code-used"         /* TAKEN: that code, or its elector by name, has signed; nothing counted */
#define URNE_WHY_CODE_ATTEMPTS "code-attempts" /* STATE: too many wrong codes from this address this minute */
#define URNE_WHY_LETTERS "letters"             /* the letters could not be written: nothing kept */
/* STATE: anonymous codes for a territory that has electors on the roll (their
 * letters are made from the roll: urne_app_initiative_letters); detail: it. */
#define URNE_WHY_CODES_ROLL "codes-roll"
/* STATE: a territory with anonymous codes takes no signature in a name, nor
 * letters for electors of the roll (one person could sign twice); detail: it. */
#define URNE_WHY_CODES_ANONYMOUS "codes-anonymous"

/* Where the codes go, once each, before the batch that stores their hashes is
 * committed: `letter` names the letter ("<territory>/<generation time>/<k>",
 * sealed with the entry for the authority, and the export's "letter" column of
 * its signature), `code` is the code as printed. 0 to go on, -1 to give up
 * (nothing is kept). Called without the application's lock. */
typedef int (*urne_initiative_letter_fn)(const char *letter, const char *territory, const char *code, void *ctx);

/* Make `count` anonymous codes for `territory` of initiative `id` and hand each
 * to `fn` before its batch is committed (made without the lock, stored in
 * batches: urne_initiative_code_run): NO_INITIATIVE; LOGIN_NEEDED, FORBIDDEN
 * (manage-initiatives); STATE URNE_WHY_ROLL_STATE once collecting (the
 * electorate is fixed then); BAD_INPUT field "count" URNE_WHY_CODE_COUNT
 * (1..URNE_INITIATIVE_CODES_MAX), field "territory" URNE_WHY_TERRITORY, or
 * URNE_WHY_TERRITORY_FIGURES (detail: it) for a territory the rules per seat or
 * given leave without its figure; STATE
 * URNE_WHY_CODES_ROLL when the territory has electors on the roll; STATE
 * URNE_WHY_LETTERS when fn gave up; STORE; NO_MEMORY: nothing kept for any of
 * these (the batches stored are taken back). OK with outcome.number the codes
 * made; the territory counts that many electors more. The codes are wiped from
 * memory before the answer. Audit: "initiative.codes" on "initiative/<id>" with
 * the territory and the count, never a code. */
urne_app_status urne_app_initiative_codes(urne_app *app, const urne_user *actor, int64_t id, const char *territory,
                                          int64_t count, urne_initiative_letter_fn fn, void *ctx,
                                          urne_app_outcome *out);

/* A letter for an elector of the roll, as the organisers mail it: the names as
 * the roll's reading normalises them (initiative/identity.h). */
typedef struct urne_initiative_letter {
    const char *letter, *territory, *name, *given, *commune, *code;
    int last; /* 1 for the run's last letter (a file is flushed to disk then) */
} urne_initiative_letter;
typedef int (*urne_initiative_roll_letter_fn)(const urne_initiative_letter *l, void *ctx);

/* Letters for the electors that the roll file text[0..len) names (the roll's
 * format, initiative_roll.h; each line an elector already on initiative `id`'s
 * roll), each handed to `fn` before its batch is committed, as
 * urne_app_initiative_codes does: the code's hash, the letter's reference and
 * the birth date written on the elector's entry. The refusals of
 * urne_app_initiative_codes but the count's; BAD_INPUT URNE_WHY_FILE with every
 * error in outcome.checks (a line that does not read; an elector not on the
 * roll or with a letter already); STATE URNE_WHY_CODES_ANONYMOUS for a line of
 * a territory with anonymous codes. Nothing kept unless OK; then outcome.number
 * the letters. Audit: "initiative.codes" with the count, never a code or a name. */
urne_app_status urne_app_initiative_letters(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                            size_t len, const char *source, urne_initiative_roll_letter_fn fn,
                                            void *ctx, urne_app_outcome *out);

/* ---- the authority's verification sample (initiative_sample.c) ---- */

#define URNE_WHY_SAMPLE_SIZE "sample-size"     /* number: the valid signatures there are */
#define URNE_WHY_NO_SAMPLE "no-sample"         /* number: the log entry that is no sample of this initiative */
#define URNE_WHY_NOT_IN_SAMPLE "not-in-sample" /* number: the signature judged */
#define URNE_WHY_JUDGED_TWICE "judged-twice"   /* number: the signature */
#define URNE_WHY_NOT_JUDGED "not-judged"       /* number: a signature of the sample without a verdict */

/* A sample drawn: the signatures' ids in order of id, the population's size and
 * the log entry that records it. */
typedef struct urne_initiative_sample {
    int64_t seq;         /* the "initiative.sample" entry */
    int64_t population;  /* the valid signatures it was drawn from */
    int64_t *signatures; /* n of them, increasing */
    size_t n;
} urne_initiative_sample;
void urne_initiative_sample_free(urne_initiative_sample *s);

/* Draw `size` of initiative id's valid signatures with `seed` (initiative/
 * sample.h): NO_INITIATIVE; LOGIN_NEEDED, FORBIDDEN (decide-initiative);
 * BAD_INPUT field "size" URNE_WHY_SAMPLE_SIZE (number: the valid signatures);
 * STORE. OK with *s filled (free with urne_initiative_sample_free). Audit:
 * "initiative.sample" on "initiative/<id>" with the seed, the population and
 * the signatures drawn. */
urne_app_status urne_app_initiative_sample_draw(urne_app *app, const urne_user *actor, int64_t id, int64_t size,
                                                uint64_t seed, urne_initiative_sample *s, urne_app_outcome *out);

/* Record the verdicts on the sample logged as entry `seq`, one per signature of
 * it and none other, and project the valid count into *p: NO_INITIATIVE;
 * LOGIN_NEEDED, FORBIDDEN; BAD_INPUT field "sample" URNE_WHY_NO_SAMPLE, field
 * "signature" URNE_WHY_NOT_IN_SAMPLE, URNE_WHY_JUDGED_TWICE, URNE_WHY_NOT_JUDGED,
 * field "reason" URNE_WHY_REASON (nothing written for any of these); an
 * invalidation's refusal; STORE. Each invalid one is invalidated (its own
 * audited act; one invalidated already is left so), then "initiative.verify" on
 * "initiative/<id>" records every verdict and the projection. */
urne_app_status urne_app_initiative_sample_record(urne_app *app, const urne_user *actor, int64_t id, int64_t seq,
                                                  const urne_initiative_verdict *v, size_t n,
                                                  urne_initiative_projection *p, urne_app_outcome *out);

/* h's collection window [*opens, *closes), its close computed from a length
 * when only that is given; 0 when not set (the pages say it). */
void urne_app_initiative_window(const urne_initiative_held *h, int64_t *opens, int64_t *closes);

/* The initiative held with that id, or NULL; under the lock
 * (urne_app_read_begin). */
const urne_initiative_held *urne_app_initiative(urne_app *app, int64_t id);
/* Every initiative held, in order of id: fn's non-zero return stops. Under the lock. */
int urne_app_initiatives_each(urne_app *app, int (*fn)(const urne_initiative_held *i, void *ctx), void *ctx);

/* What the tally engine says of h's counts (initiative/tally.h), for the pages
 * and the API: *t, and per territory (in the order of h->territories) a malloc'ed
 * array in *per (NULL when h has none; the caller frees it). The tally's status:
 * URNE_INITIATIVE_TALLY_OK, NO_TERRITORIES before a roll, or its fault; -1 as
 * URNE_INITIATIVE_TALLY_OVERFLOW when memory lacks. Under the lock. */
urne_initiative_tally_status urne_app_initiative_figures(const urne_initiative_held *h, urne_initiative_tally *t,
                                                         urne_initiative_territory_result **per);

/* Every signature of initiative `id` as the store keeps it (sealed), in order
 * of id, under the lock: for the authority's export. fn's non-zero return
 * stops and is returned; -1 when the store fails, -2 when there is no such
 * initiative. */
int urne_app_initiative_signatures_each(urne_app *app, int64_t id,
                                        int (*fn)(const urne_initiative_signature *sig, void *ctx), void *ctx);

/* Signature `sig` of initiative `id` as the store keeps it (sealed), into *out,
 * for the authority's sample (one read by id, not a pass over every row): 1, 0
 * when the initiative has no such signature, -1 when the store fails, -2 when
 * there is no such initiative. Takes the lock. */
int urne_app_initiative_signature_get(urne_app *app, int64_t id, int64_t sig, urne_initiative_signature *out);

/* Load every initiative and rebuild its counts from the store (urne_app_open):
 * 0, or -1 with the reason in *why (a code with parameters, which the adapters
 * word). Free with urne_app_initiatives_free. */
int urne_app_initiatives_load(urne_app *app, urne_phrase *why);
void urne_app_initiatives_free(urne_app *app);
/* Recount initiative `id` from its rows (the CLI's recount): 0, or -1 with the
 * reason in *why. Under the lock, taken here. *changed set to 1 when the counts
 * held differed. */
int urne_app_initiative_recount(urne_app *app, int64_t id, int *changed, urne_phrase *why);

/* Read initiative `id` again from the store, row and counts (a change another
 * server made: app/watch.c), replacing what is held or adding it when new;
 * nothing when the store has no such initiative. 0, or -1 (the store's error
 * set; what was held is kept). Under the lock, held by the caller, and inside a
 * read the caller holds (urne_store_read_begin), so that the row and the counts
 * are of one moment, and which the caller tells its watch of
 * (urne_store_watch_seen: app/watch.c's in_one_read), so that a signature made
 * elsewhere that this read counted is not counted again when heard. */
int urne_app_initiative_reload(urne_app *app, int64_t id);

/* The date of `day` (urne_initiative_day_held.day) as "YYYY-MM-DD" into out. */
void urne_app_initiative_day_iso(int64_t day, char out[11]);

/* The clock the use cases read (NULL: time(NULL)). For the tests. */
void urne_app_initiative_clock(urne_app *app, int64_t (*now)(void));

#endif
