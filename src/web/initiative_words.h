/*
 * initiative_words: the initiatives' reasons in words, for the adapters that
 * are not the web's (the command line): the pages and the API word them in
 * initiative_routes.c, where this table lives, so that a reason is worded once.
 */
#ifndef URNE_WEB_INITIATIVE_WORDS_H
#define URNE_WEB_INITIATIVE_WORDS_H

#include "../i18n/i18n.h"
#include "../initiative/lifecycle.h"

/* The sentence for a refusal's reason (outcome.why of app/initiative.h: the
 * lifecycle's refusal names, the signing reasons, the birth date's rules) in
 * `lang`; NULL when the reason takes parameters or is not an initiative's. */
const char *urne_initiative_why_text(urne_lang lang, const char *why);

/* A state of the lifecycle in words in `lang` ("en collecte"), as the pages say it. */
const char *urne_initiative_state_text(urne_lang lang, urne_initiative_state s);

/* The outcome of an initiative's use case in words (status and message) into
 * res, as the initiatives' pages and API word them (initiative_routes.c). */
struct urne_req;
struct urne_app_outcome;
struct urne_result;
void urne_initiative_word(const struct urne_req *r, const struct urne_app_outcome *o, struct urne_result *res);

#endif
