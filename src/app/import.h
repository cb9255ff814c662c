/*
 * import: an election from a results file's text (see import.c), and the rules an
 * election's record names.
 */
#ifndef URNE_IMPORT_H
#define URNE_IMPORT_H

#include <stddef.h>

#include "../results/results.h"
#include "../store/store.h"
#include "app.h"

typedef struct urne_import {
    const char *text;     /* the file's bytes */
    size_t len;
    const char *source;   /* its name, for messages and the audit log */
    const char *format;   /* ministry, legislative, native, or NULL/auto to guess */
    const char *title;    /* NULL: the file's own title, else its name */
    const char *preset;   /* NULL: the file's rules, else the format's default */
    const char *settings; /* "key=value;..." adjustments, may be NULL */
    const char *deadline; /* entry deadline as urne_i18n_moment_utc reads it (kept in UTC), may be NULL;
                           * without an offset, a time in the election's zone */
    const char *zone;     /* the time zone of the place where the vote is held (IANA name urne knows,
                           * i18n.h); NULL or "": Europe/Paris */
    const char *space;    /* the space it belongs to ("org/NAME"); NULL or "": the site */
    int round;            /* 0: the file's */
    int double_entry;
} urne_import;

/* How many of a refused file's errors its message lists (the rest are counted). */
#define URNE_IMPORT_SHOWN 8

/* Parse, check and store the election with its audit entry, in one transaction.
 * Returns its id, or -1 with the refusal in *out (initialised here; the caller
 * frees it), a code for the adapters to word, never a sentence:
 *   BAD_INPUT, out->field the field at fault and out->why:
 *     URNE_WHY_SPACE (field "space"), URNE_WHY_FORMAT ("format"),
 *     URNE_WHY_FILE ("file": the file's errors in out->checks, its file set to
 *       im->source, and their English text in out->detail for the log),
 *     URNE_WHY_TOO_LONG ("title", "space", "rules", "set"), URNE_WHY_ZONE ("zone"),
 *     URNE_WHY_DEADLINE ("deadline"), URNE_WHY_RULES ("rules");
 *   STORE (out->detail the store's reason) or NO_MEMORY: nothing was written. */
int64_t urne_import_election(urne_store *store, const char *actor, const urne_import *im, urne_app_outcome *out);

/* The use case: an administrator (MANAGE_ELECTIONS) creates an election from a
 * file's text. OK with outcome.id (the election is then held in memory too); the
 * refusals of urne_import_election; STORE when it was stored but could not be
 * loaded back; the refusals of urne_app_may. */
urne_app_status urne_app_election_import(urne_app *app, const urne_user *actor, const urne_import *im,
                                         urne_app_outcome *out);

/* The rules of an election from its preset and its settings ("key=value;...").
 * 0, or -1 with why, a phrase for the adapter to word: an unknown preset, a setting
 * that is not KEY=VALUE, or one the results engine refuses. */
int urne_election_rules(const urne_election_meta *m, urne_rules *out, urne_phrase *why);

#endif
