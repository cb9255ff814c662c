/*
 * initiative_words: the initiatives' reasons in words, for the adapters that
 * are not the web's (the command line): the pages and the API word them in
 * initiative_routes.c, where this table lives, so that a reason is worded once.
 */
#ifndef URNE_WEB_INITIATIVE_WORDS_H
#define URNE_WEB_INITIATIVE_WORDS_H

#include "../i18n/i18n.h"

/* The sentence for a refusal's reason (outcome.why of app/initiative.h: the
 * lifecycle's refusal names, the signing reasons, the birth date's rules) in
 * `lang`; NULL when the reason takes parameters or is not an initiative's. */
const char *urne_initiative_why_text(urne_lang lang, const char *why);

#endif
