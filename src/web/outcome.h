/*
 * outcome: the words of the platform's refusals (app.h's URNE_WHY_* reasons of a
 * BAD_INPUT outcome), in a language, for every adapter: the pages and the API
 * through urne_outcome_word (actions.h), the command line directly. The
 * application layer gives a code and its parameters; the sentence is made here
 * from the catalogue (po/fr.po), so both adapters say the same in French and in
 * English.
 */
#ifndef URNE_OUTCOME_H
#define URNE_OUTCOME_H

#include <stddef.h>

#include "../app/app.h"
#include "../i18n/i18n.h"

/* The sentence of an outcome the platform gives, in lang, into buf (always
 * NUL-terminated): BAD_INPUT whose reason (o->why) is one of app.h's (a space
 * name, a field too long, a deadline, a time zone, a results format, rules, a
 * file's errors (the first URNE_IMPORT_SHOWN of them), an account's name,
 * password or role), and TAKEN (a user name). 1 when worded, 0 otherwise (buf
 * then untouched). */
int urne_outcome_text(urne_lang lang, const urne_app_outcome *o, char *buf, size_t size);

/* A check's sentence (a diagnostic the engines gave) in lang, from its phrase,
 * into buf; its English message when it has no phrase. Returns buf. */
const char *urne_outcome_check(urne_lang lang, const urne_diag *d, char *buf, size_t size);

/* How two entries of a sheet differ, in lang, into buf (always NUL-terminated):
 * "Voters: 148 / 149; Yves LE GALL: 52 / 53", each figure named as the entry form
 * names it and its numbers written the reader's way; shown are the first n of the
 * total that differ, "…" ending the list when some are left out. Returns buf. */
const char *urne_outcome_diff(urne_lang lang, const urne_figure_diff *d, size_t n, size_t total, char *buf,
                              size_t size);

#endif
