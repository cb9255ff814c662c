/*
 * queries: what the adapters read, through the application layer rather than the
 * store: the audit log, the accounts, a results election's disputes, assignments
 * and double entries, and what each role's home page lists. Each takes the
 * application's lock (recursive: a page may call them inside its read hold,
 * urne_app_read_begin) and has the contract of the store function it names. Who
 * may read is decided before, by the route's action (web/routes.c) or the page
 * (urne_app_may): a query answers whoever asks, but those that list across
 * elections for an actor keep only the elections the actor may see that way.
 */
#ifndef URNE_QUERIES_H
#define URNE_QUERIES_H

#include "app.h"

/* The audit log's head (store_audit.h: urne_store_audit_head). */
int urne_app_audit_head(urne_app *app, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]);
/* Every audit entry from `from` (urne_store_audit_each). */
int urne_app_audit_each(urne_app *app, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx);
/* Every account (urne_store_user_each). */
int urne_app_users_each(urne_app *app, int (*fn)(const urne_user *u, void *ctx), void *ctx);
/* Every account as one array, in the store's order: 0 with *out (malloc'ed, the
 * caller frees it; NULL when there is none) and *n set; -1 when the store failed or
 * memory ran out, with *out NULL and *n 0: a partial list is never returned. */
int urne_app_users_list(urne_app *app, urne_user **out, size_t *n);
/* Every dispute of an election (urne_store_dispute_each). */
int urne_app_disputes_each(urne_app *app, int64_t election, int (*fn)(const urne_dispute *d, void *ctx), void *ctx);
/* The open dispute of a bureau (urne_store_dispute_open_for). */
int urne_app_dispute_open_for(urne_app *app, int64_t election, size_t bureau, urne_dispute *out);
/* Whether a bureau is assigned to a user (urne_store_is_assigned), and the list
 * of a user's bureaux in an election (urne_store_assigned_list). */
int urne_app_is_assigned(urne_app *app, int64_t user, int64_t election, size_t bureau);
long urne_app_assigned_list(urne_app *app, int64_t user, int64_t election, size_t *out, size_t cap);
/* The two latest typings of a double-entered bureau as `user` sees them: the other
 * person's into *other and user's own into *mine (valid values, zeroed or owned:
 * replaced; the caller frees both with urne_figures_free). 1 when both exist, 0
 * when not, -1 when the store failed. */
int urne_app_entry_pair(urne_app *app, int64_t election, size_t bureau, int64_t user, urne_figures *other,
                        urne_figures *mine);
/* The latest typing of a bureau, by anyone, into *f (a valid value, replaced; the
 * caller frees it) and its author into *author: 1, 0 when nobody typed it (its
 * figures, if any, came from an imported file), -1 when the store failed. */
int urne_app_entry_latest(urne_app *app, int64_t election, size_t bureau, int64_t *author, urne_figures *f);

/* One assignment of a bureau to an account. */
typedef struct urne_app_assignment {
    size_t bureau;
    int64_t user;
    char name[64]; /* the account's name */
} urne_app_assignment;

/* Every assignment of election `election`, by bureau then account name, into
 * *out (malloc'ed, NULL when none; the caller frees it). The count, or -1 when
 * the store failed or memory ran out (*out NULL). */
long urne_app_assignments(urne_app *app, int64_t election, urne_app_assignment **out);

/* ---- what each role's home page lists ---- */

/* A bureau assigned to a secretary, in an election held in memory (its state
 * and the rest are in e->info[bureau]). */
typedef struct urne_app_assigned {
    int64_t election;
    size_t bureau;
} urne_app_assigned;

/* Every bureau assigned to account `user`, in every election held in memory, by
 * election then bureau, into *out (malloc'ed, NULL when none; the caller frees
 * it). The count, or -1 when the store failed or memory ran out (*out NULL).
 * The elections are those held when it runs: hold the lock (urne_app_read_begin)
 * while the answer is read against them. */
long urne_app_assigned_all(urne_app *app, int64_t user, urne_app_assigned **out);

/* An open dispute, with the figures a commission compares before it decides. */
typedef struct urne_app_open_dispute {
    urne_dispute dispute;
    int has_contested;    /* the figures under dispute (the bureau's when it was opened) */
    urne_figures contested;
    int has_entered;      /* the latest typed by a secretary; 0 when nobody typed the */
    urne_figures entered; /* bureau (its figures came from an imported file) */
} urne_app_open_dispute;

/* Every open dispute of the elections `actor` may review (URNE_ACT_READ_REVIEW),
 * nearest deadline first (then by election and id), into *out (malloc'ed, NULL
 * when none; free it with urne_app_open_disputes_free). The count, or -1 when the
 * store failed or memory ran out (*out NULL). */
long urne_app_open_disputes(urne_app *app, const urne_user *actor, urne_app_open_dispute **out);
void urne_app_open_disputes_free(urne_app_open_dispute *d, long n);

/* Is there typing left on this sheet for the secretaries: nobody typed it (missing,
 * or its figures only imported), or a new vote was ordered? The one rule of "to
 * enter" for a secretary's list and an administrator's count (a double entry's
 * second typing and differences are counted apart). */
int urne_app_sheet_to_type(const urne_bureau_info *info);

/* What waits in an election before its results are final and published. */
typedef struct urne_app_waiting {
    int64_t election;
    /* sheets to type (urne_app_sheet_to_type): missing, new votes ordered, and
     * imported ones a secretary is assigned to type (an import nobody is to type,
     * a ministry's results, waits for nothing) */
    size_t missing;
    size_t double_entry;  /* double entries waiting for their second typing, or differing */
    size_t open_disputes; /* disputes not decided yet */
    urne_unit_state state;
    /* 0 never published; 1 published and standing; 2 reopened by a contest;
     * 3 published, but a sheet was entered or a dispute decided since. */
    int publication;
} urne_app_waiting;

/* One row per election held that `actor` may manage (URNE_ACT_MANAGE_ELECTIONS),
 * in order of id, into *out (malloc'ed, NULL when none; the caller frees it).
 * The count, or -1 when the store failed or memory ran out (*out NULL). */
long urne_app_waiting_all(urne_app *app, const urne_user *actor, urne_app_waiting **out);

#endif
