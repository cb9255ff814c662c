/*
 * app: the application layer, where every change urne makes is decided and done.
 *
 * The engines (results, count, sortition, audit, authz) are pure: they know
 * nothing of who asks, of the store or of HTTP. The adapters (web/, cli/) know
 * requests and words and nothing of the rules. Between them, each use case is one
 * function here, urne_app_<object>_<verb>(app, actor, ..., &outcome), and it owns
 * what a use case must not leave to its callers:
 *
 *   - who may: authz.h's policy, asked with the actor's grants and the object's
 *     space, then what the component checks beyond (a secretary's own bureaux);
 *   - when: the domain's state (récolement says whether a sheet may be entered);
 *   - the transaction: the change and its audit entry are written together or not
 *     at all, and what is held in memory is updated only after the commit;
 *   - the lock: one mutex covers the store and what is held in memory; the
 *     adapters never take it themselves (urne_app_read_begin for a page's reads).
 *
 * A use case answers with a status (urne_app_status) and an outcome carrying the
 * status's parameters (the field at fault, the checks that failed, the dispute
 * opened). It never words a sentence nor picks an HTTP code: the web adapter maps
 * statuses to codes and words them in French and English (web/outcome.c), the
 * command line prints them.
 *
 * Components: each domain's use cases live in src/app/<component>_*.c with a
 * header of their own (results_app.h for the results with récolement, notice.h
 * for the example component); this header is what they share.
 */
#ifndef URNE_APP_H
#define URNE_APP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/urne_diag.h"
#include "../results/recolement.h"
#include "../results/results.h"
#include "../store/store.h"
#include "authz.h"

/* An election held in memory: its record, rules, round (the figures of every
 * counted sheet) and each sheet's récolement state. Loaded from the store at
 * start and reloaded or patched after each committed change, so that reading a
 * page never touches the store. */
typedef struct urne_election {
    urne_election_meta meta;
    urne_rules rules;
    urne_round *round;
    urne_bureau_info *info; /* one per sheet of the round */
    /* For the sheets another server's notification carries (app/watch.c): a
     * carried record is applied only when its audit seq is above both `floor`
     * (INT64_MAX until the watch has read the head after this was loaded) and the
     * sheet's `seen` (the seq at or after which its state in memory was read or
     * written; NULL while all are 0), so that an older record never replaces a
     * newer state. */
    int64_t floor;
    int64_t *seen;
    /* The bureaux the store has said are assigned to some users (at most
     * URNE_ASSIGNEES_HELD of them), a bit per sheet: an assignment is never taken
     * back, so an entry need not ask again (urne_results_assigned). */
    struct urne_assignee *assignees;
    size_t nassignees;
} urne_election;

#define URNE_ASSIGNEES_HELD 64
typedef struct urne_assignee {
    int64_t user;
    unsigned char *bits; /* bit b % 8 of bits[b / 8]: bureau b is assigned to user */
} urne_assignee;

typedef struct urne_app {
    pthread_mutex_t lock; /* covers the store and the elections below; recursive (see urne_app_authorize) */
    urne_store *store;
    urne_election **elections;
    size_t nelections;
    /* Called (under the lock) after every committed change: the web adapter drops
     * its cached pages. May be NULL. */
    void (*changed)(void *ctx);
    void *changed_ctx;
    struct urne_live *live; /* each level's report kept up to date, read without the lock (results_live.h) */
    struct urne_app_watch *watch; /* the other servers' changes heard (watch.h); NULL: none */
    struct urne_app_initiatives *initiatives; /* each initiative and its counts (initiative.h) */
    int64_t (*match_now)(void); /* the matching's clock (match.h: offers' deadlines); NULL: time() */
    struct urne_app_forums *forums; /* the forums' rate counters and recent messages (forum.h) */
    struct urne_app_sessions *sessions; /* sessions found this second (users.c); NULL until the first */
} urne_app;

/* What a use case answers. Adapters map each to their own terms (HTTP codes). */
typedef enum {
    URNE_APP_OK,
    URNE_APP_LOGIN_NEEDED,  /* the public asked for what needs an account */
    URNE_APP_FORBIDDEN,     /* no grant of the actor allows the act here (outcome.role: one that would) */
    URNE_APP_TIER,          /* the right role, too low a tier (a dispute for the higher commission) */
    URNE_APP_NOT_ASSIGNED,  /* a secretary's act on a bureau not assigned to them */
    URNE_APP_NO_ELECTION,   /* outcome.number: the id */
    URNE_APP_NO_BUREAU,     /* outcome.number: the bureau, outcome.id: the election */
    URNE_APP_NO_DISPUTE,    /* outcome.number: the id */
    URNE_APP_NO_USER,       /* outcome.detail: the name */
    URNE_APP_NO_INITIATIVE, /* outcome.number: the id */
    URNE_APP_NO_CAMPAIGN,   /* a matching campaign, or a pupil's or host's code, not found: outcome.number the id */
    URNE_APP_NO_FORUM,      /* outcome.number: the id */
    URNE_APP_NO_POST,       /* outcome.number: the id (or no post has that private link: 0) */
    URNE_APP_STATE,         /* the object's state forbids the act now; outcome.why says which rule */
    URNE_APP_BAD_INPUT,     /* outcome.field, outcome.why (a rule's name), outcome.detail */
    URNE_APP_CHECKS_FAILED, /* the sheet fails checks that may be confirmed (outcome.checks) */
    URNE_APP_IMPOSSIBLE,    /* a figure no confirmation can record (outcome.checks, first error) */
    URNE_APP_TAKEN,         /* a name already used (outcome.detail) */
    URNE_APP_STORE,         /* the store failed; nothing was written; outcome.detail says why */
    URNE_APP_NO_MEMORY,
    URNE_APP_UNAVAILABLE,   /* the database was out of reach (urne_store_unavailable); nothing was written */
    URNE_APP_NSTATUSES
} urne_app_status;

/* "ok", "login-needed", ...: the status's name in the API's JSON and the logs. */
const char *urne_app_status_name(urne_app_status s);

/* The reasons a URNE_APP_STATE outcome names in outcome.why (besides the
 * récolement engine's own sentences for entering and contesting). */
#define URNE_WHY_DISPUTE_CLOSED "dispute-closed"           /* outcome.detail: its state */
#define URNE_WHY_NOT_FIRST_DECISION "not-first-decision"   /* only a tier-1 decision is escalated */
#define URNE_WHY_ALREADY_CONTESTED "already-contested"
#define URNE_WHY_FROZEN "frozen"                           /* outcome.number: bureaux contested */
#define URNE_WHY_NOT_SECRETARY "not-secretary"             /* outcome.detail: the user, role: theirs */
/* The reasons of a BAD_INPUT outcome the platform gives (outcome.field names the
 * field); the adapters word them (web/outcome.h), never a sentence here. */
#define URNE_WHY_SPACE "space-name"  /* not a space name: detail the name (cut to fit), number the offset of
                                      * its first byte not allowed, -1 when longer than URNE_SPACE_MAX */
#define URNE_WHY_SPACE_SITE "space-site" /* a grant's space is empty: the site's role is the account's own */
#define URNE_WHY_TOO_LONG "too-long" /* detail: the value's length in bytes, number: the most the field holds */
#define URNE_WHY_DEADLINE "deadline" /* not a moment: detail the text (cut to fit) */
#define URNE_WHY_ZONE "zone"         /* not a time zone urne knows (i18n.h): detail the name (cut to fit) */
#define URNE_WHY_FORMAT "format"     /* not a results format: detail the name (cut to fit) */
#define URNE_WHY_RULES "rules"       /* rules the engine refuses: outcome.reason its reason (detail: in English) */
#define URNE_WHY_FILE "file"         /* the file's errors, in outcome.checks (file set to its source) */
/* An account's (users.h, password.h): field "name", "password" or "role". */
#define URNE_WHY_USER_NAME_LENGTH "user-name-length" /* not 1 to 63 bytes (number: 63) */
#define URNE_WHY_USER_NAME_CHARS "user-name-chars"   /* a blank, a quote or a backslash (detail: the name) */
#define URNE_WHY_ROLE "role"                         /* not observer, secretary, commission or admin; or tier not 1 or 2 */
#define URNE_WHY_TIER "tier"                         /* a grant's tier: not 1 or 2 */
#define URNE_WHY_PASSWORD_SHORT "password-short"     /* number: the fewest bytes */
#define URNE_WHY_PASSWORD_LONG "password-long"       /* number: the most bytes */
#define URNE_WHY_PASSWORD_BLANK "password-blank"     /* only blanks */
#define URNE_WHY_PASSWORD_NAME "password-name"       /* the user's name, or it backwards */
#define URNE_WHY_PASSWORD_NAME_BASED "password-name-based" /* cracklib: based on the user's name */
#define URNE_WHY_PASSWORD_WEAK "password-weak"       /* cracklib's verdict in detail, in its English */
#define URNE_WHY_PASSWORD_UNCHECKED "password-unchecked" /* cracklib could not check it: detail says why */

/* The outcome of a use case: its status and the parameters the adapters word.
 * Zero it (or let the use case do so: every urne_app_* function starts by
 * clearing it); free it with urne_app_outcome_free. */
#define URNE_OUTCOME_DIFFS 12 /* differences of a double entry kept for adapters to word */

typedef struct urne_app_outcome {
    urne_app_status status;
    const char *why;        /* STATE, BAD_INPUT: a rule's name or the engine's reason */
    char field[64];         /* BAD_INPUT: the field at fault */
    char detail[1024];      /* the store's error, a name, a double entry's differences */
    urne_phrase reason;     /* BAD_INPUT RULES, STORE: the reason as a code with parameters (fmt NULL: none) */
    urne_figure_diff diffs[URNE_OUTCOME_DIFFS]; /* an entry's MISMATCH: the first differences, as data */
    size_t ndiffs;          /* how many figures differ in all (detail: them all in English) */
    int64_t number;         /* an id or a count, as the status says */
    urne_role role;         /* FORBIDDEN: a role that would be allowed; NOT_SECRETARY: the user's */
    urne_diags checks;      /* entering or correcting a sheet: every check that failed */
    urne_sheet_state state; /* the bureau's state after the act */
    urne_dispute dispute;   /* contest, decide, escalate: the dispute opened or decided */
    char digest[65];        /* publish: the report's SHA-256, hex */
    char at[24];            /* when the act was recorded, ISO UTC */
    int64_t id;             /* the object created */
} urne_app_outcome;

void urne_app_outcome_init(urne_app_outcome *o);
void urne_app_outcome_free(urne_app_outcome *o);

/* Open the application on an open store: loads every election (and initiative)
 * into memory. URNE_APP_OK, or URNE_APP_STORE / URNE_APP_NO_MEMORY with the
 * reason in out->reason always (a code with parameters that adapters word with
 * urne_i18n_phrase; out->detail the same in English) and out->number the id of
 * the election whose stored rules are refused (0 otherwise: a failure of the
 * store names the election itself). The application is then closed and the store left open for the
 * caller to close. */
urne_app_status urne_app_open(urne_app *app, urne_store *store, urne_app_outcome *out);
/* Free what the application holds (not the store). */
void urne_app_close(urne_app *app);

/* A page's reads: the lock is held from begin to end, and the elections and the
 * store's read functions may be used in between. Never around a use case (they
 * take the lock themselves). */
void urne_app_read_begin(urne_app *app);
void urne_app_read_end(urne_app *app);

/* The election held in memory with that id, or NULL. Under the lock. */
urne_election *urne_app_election(urne_app *app, int64_t id);

/* Reload one election from the store (or add it when new). Under the lock;
 * 0 or -1. */
int urne_app_election_reload(urne_app *app, int64_t id);

/* ---- shared by the use cases (app_internal: not for adapters) ---- */

/* The lock and authorisation: urne_app_authorize, urne_app_authorize_election
 * and urne_app_may take the lock themselves around what they read (the actor's
 * grants in the store, the election's space held in memory). The lock is
 * recursive, so they may be called with it held (a use case, a page's reads) or
 * without (an adapter asking before it reads a request): one rule, no caller has
 * to know which. The grants are read at every decision that needs an account, so
 * a grant given or taken back counts from the next decision on. */

/* May `actor` (a user; id 0 for the public) do `action` to the object whose space
 * chain is given (nearest first, ending with "")? The actor's grants are its
 * account's role over the site (unless it has none: role public) and the grants
 * the store holds for it in narrower spaces (store_grants.h). URNE_APP_OK, or the
 * refusal in *out (STORE, NO_MEMORY when its grants could not be read). `tier`
 * is what the object requires of a commission (0: nothing). */
urne_app_status urne_app_authorize(urne_app *app, const urne_user *actor, urne_action action,
                                   const char *const *chain, size_t nchain, int tier, urne_app_outcome *out);

/* urne_app_authorize on election `election`, whose chain is {"election/<id>", the
 * space it belongs to (when not the site), ""}; {"election/<id>", ""} when no such
 * election is held; the site alone ({""}) when election is 0. */
urne_app_status urne_app_authorize_election(urne_app *app, const urne_user *actor, urne_action action,
                                            int64_t election, int tier, urne_app_outcome *out);

/* urne_app_authorize on the space named (its chain built here: "election/<id>"
 * passes through the space the election belongs to; "org/NAME" is just below the
 * site; "" is the site). Under the lock, taken here. */
urne_app_status urne_app_authorize_space(urne_app *app, const urne_user *actor, urne_action action,
                                         const char *space, urne_app_outcome *out);

/* May `actor` do `action` in some space, whichever? For a route whose object's
 * space is a field of the request (a grant's): the dispatcher asks this, and the
 * use case then decides for the space named (urne_app_authorize_space).
 * URNE_APP_OK, or LOGIN_NEEDED / FORBIDDEN / STORE / NO_MEMORY in *out. */
urne_app_status urne_app_authorize_somewhere(urne_app *app, const urne_user *actor, urne_action action,
                                             urne_app_outcome *out);

/* May `actor` do `action` on election `election` (0: on the site as a whole)?
 * urne_app_authorize_election with no tier. The first decision every use case
 * takes; adapters may ask it too, to refuse before they read a request's input,
 * and pages to decide which forms to show. URNE_APP_OK, or the refusal in *out
 * (which this does not clear). */
urne_app_status urne_app_may(urne_app *app, const urne_user *actor, urne_action action, int64_t election,
                             urne_app_outcome *out);

/* Set out to URNE_APP_STORE with the store's error (URNE_APP_UNAVAILABLE when the
 * database was out of reach, so that the request can be told to try again even
 * when the rollback finds it back) and roll back. Returns the status. */
urne_app_status urne_app_store_failed(urne_app *app, urne_app_outcome *out);

/* Set out to URNE_APP_STORE with the store's error, as detail (English, for the
 * log) and as reason (a phrase the adapters word); no rollback. Returns STORE. */
urne_app_status urne_app_store_error(urne_app_outcome *out, const urne_store *store);

/* Set out to URNE_APP_STORE for a reason of the application's own, fmt and its
 * arguments: as detail (English) and as reason (a phrase). Returns STORE. */
urne_app_status urne_app_store_fail(urne_app_outcome *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Set a status with an optional detail (printf-style). Returns the status. */
urne_app_status urne_app_fail(urne_app_outcome *out, urne_app_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record that a change was committed: the change hook runs. Under the lock. */
void urne_app_changed(urne_app *app);

#endif
