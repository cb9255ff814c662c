/*
 * words: the names of things the data and the engines name by code, in the
 * reader's language.
 *
 * A file calls its levels "departement" and "bureau", the rules presets are
 * "presidential" and "coop", a check breaks the rule "votants-le-inscrits", the
 * audit log records "sheet.enter": identifiers, stable and written without
 * accents, that a person must not read as they are. The web pages and the command
 * line word them here, from the same catalogue (po/fr.po), so both say the same.
 *
 * Every function returns a string that lives as long as the program (the
 * catalogue's, or code itself when urne has no words for it: an unknown level is
 * shown as the file names it, an unknown code as it is). NULL code gives "".
 */
#ifndef URNE_WORDS_H
#define URNE_WORDS_H

#include "../results/results.h"
#include "i18n.h"

/* A level of results ("departement": "département", plural "départements"). */
const char *urne_words_level(urne_lang lang, const char *code, int plural);

/* An outcome's kind: "elected", "second round", "round void", "tie", "undecided". */
const char *urne_words_outcome(urne_lang lang, urne_outcome_kind kind);

/* A rules preset's name ("presidential": "présidentielle") and the rule it applies
 * in one line, for a form's choices. */
const char *urne_words_preset(urne_lang lang, const char *code);
const char *urne_words_preset_rule(urne_lang lang, const char *code);

/* What an anomaly's code means: a check's rule ("votants-le-inscrits") or the
 * récolement's own kinds ("turnout-outlier", "late", "mismatch",
 * "changed-after-validation"). */
const char *urne_words_anomaly(urne_lang lang, const char *code);

/* An audit log action ("sheet.enter": "tally sheet entered"). */
const char *urne_words_action(urne_lang lang, const char *code);

/* A commission's decision on a dispute, as taken ("validate": "figures validated"). */
const char *urne_words_decision(urne_lang lang, const char *code);

/* An input format of results files ("ministry", "native", "legislative", "auto"). */
const char *urne_words_format(urne_lang lang, const char *code);

#endif
