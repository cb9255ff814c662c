/*
 * i18n: urne's words in the reader's language, from GNU gettext catalogues.
 *
 * The code is written in English; po/fr.po holds the French of every message a
 * user can read, in the format translators' tools know (Poedit, Weblate, msgmerge).
 * At build time msgfmt compiles it (with --check-format, so a translation cannot
 * take other arguments than its message) and the compiled catalogue is built into
 * the program: urne needs no locale installed on the machine and no file beside
 * its binary, and one server answers each request in its own language, which
 * gettext()'s process-wide locale cannot do between threads.
 *
 * A message's English text is its msgid. Code marks what it says with _(), or
 * N_() where the text is a table's entry translated later; the test
 * i18n.catalogue extracts every marked message with xgettext and fails when one
 * has no French translation.
 *
 * Adapters only (web/, cli/): engines speak in urne_phrase codes.
 */
#ifndef URNE_I18N_H
#define URNE_I18N_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../core/urne_diag.h"
#include "../core/urne_phrase.h"

typedef enum { URNE_LANG_FR = 0, URNE_LANG_EN = 1 } urne_lang;

/* Marks a message for extraction without translating it here. */
#define N_(s) (s)
/* The same, with the context its C_() lookup will give (xgettext: NC_:1c,2). */
#define NC_(ctx, s) (s)

/* The language a tag names: "fr", "fr-FR", "fr_FR.UTF-8" are French, "en..."
 * English. Returns 0 and sets *lang, or -1 for any other language or NULL. */
int urne_i18n_parse(const char *tag, urne_lang *lang);

/* The language of a gettext environment (LANGUAGE's first entry, then LC_ALL,
 * LC_MESSAGES, LANG; the first set one that names French or English), English
 * when none does: the values are passed in, so the caller owns getenv(). */
urne_lang urne_i18n_from_env(const char *language, const char *lc_all, const char *lc_messages, const char *lang);

/* msgid in lang: the catalogue's translation, or msgid itself (English, or a
 * message the catalogue lacks). Never NULL for a non-NULL msgid. */
const char *urne_i18n_text(urne_lang lang, const char *msgid) __attribute__((format_arg(2)));

/* msgid in lang, translated in context ctx (po's msgctxt), where one English text
 * has two French ones ("Log in": the menu's "Connexion", the button's "Se connecter"). */
const char *urne_i18n_ctext(urne_lang lang, const char *ctx, const char *msgid) __attribute__((format_arg(3)));

/* The singular or plural form for n. */
const char *urne_i18n_plural(urne_lang lang, const char *singular, const char *plural, unsigned long n)
    __attribute__((format_arg(2))) __attribute__((format_arg(3)));

/* How numbers read in lang: French groups digits with a narrow no-break space and
 * writes a decimal comma; English a comma and a point. */
const urne_phrase_style *urne_i18n_style(urne_lang lang);

/* Write a phrase in lang (see urne_phrase_write). */
size_t urne_i18n_phrase(urne_lang lang, const urne_phrase *p, char *buf, size_t size);

/* Write a diagnostic as the CLI prints it, "FILE:LINE: error: field 'F': message [rule]",
 * in lang (the rule, a stable code, stays as it is). English is exactly what
 * urne_diag_format writes; French is the catalogue's wording, with numbers grouped
 * and decimals written the French way ("1 155 604", "26,58"). */
void urne_i18n_diag(urne_lang lang, const urne_diags *diags, const urne_diag *d, char *buf, size_t size);

/* A refused file's diagnostics as one text in lang: "N error(s) in FILE:" then its
 * first `max` diagnostics a line each, as urne_i18n_diag writes them, and how many
 * more there are. Always NUL-terminated in buf[size]; returns the length it needed. */
size_t urne_i18n_diags_text(urne_lang lang, const urne_diags *diags, size_t max, char *buf, size_t size);

/* n with its digits grouped the way lang reads them ("1 155 604", "1,155,604").
 * size >= 40. Returns buf. */
char *urne_i18n_int(urne_lang lang, int64_t n, char *buf, size_t size);

/* A decimal written with '.' (as urne_num_pct writes "26.58"), with lang's decimal
 * separator. size >= 48. Returns buf. */
char *urne_i18n_decimal(urne_lang lang, const char *decimal, char *buf, size_t size);

/* A moment as people read it in lang, in the time zone `zone` (an IANA name;
 * NULL or unknown: Europe/Paris): "4 décembre 2026 à 15 h 02" (no-break spaces
 * around the "h"), "4 December 2026, 15:02". `iso` is the store's UTC form "2026-12-04T14:02:00Z" (seconds and the
 * Z optional); anything else is written back as it is. Returns buf. */
char *urne_i18n_moment(urne_lang lang, const char *iso, const char *zone, char *buf, size_t size);

/* The moment a person wrote, in the store's UTC form "2027-04-10T18:00:00Z"
 * (out holds 21 bytes and its NUL). "2027-04-10T20:00", with ":SS" or with a
 * space for the T (what a form's datetime-local field sends), is a local time in
 * `zone` (NULL or unknown: Europe/Paris); a trailing "Z" or "+02:00" / "-0400"
 * gives the offset instead. 0, or -1 (out "") when text is no such moment: another
 * shape, a day its month lacks, an hour past 23, trailing text. A local time that
 * summer time skips or repeats is read with the offset in force an hour before.
 * The day may also come first, as people write it in French and British English:
 * "10/04/2027 20:00", "10/04/2027 à 20 h 00", "10/04/2027 20h00" (two-digit day
 * and month, one or more spaces, "à" or "at" allowed before the hour), a local
 * time in `zone` as above. */
int urne_i18n_moment_utc(const char *text, const char *zone, char out[24]);

/* Offset from UTC in seconds of zone at utc (Europe/Paris follows the EU's
 * summer time rule; the French overseas zones are fixed, Saint-Pierre-et-Miquelon
 * follows North America's). -1 sets *known to 0 for a zone urne does not know. */
long urne_i18n_zone_offset(const char *zone, time_t utc, int *known);

/* The default zone of an election, and of every moment shown without one. */
#define URNE_ZONE_DEFAULT "Europe/Paris"

/* 1 when urne knows the zone `name` (an IANA name: "Europe/Paris",
 * "Pacific/Noumea"...), else 0 (NULL too). */
int urne_i18n_zone_known(const char *name);

/* The i-th zone urne knows (Europe/Paris first), NULL past the last: for a form's
 * list and a message listing them. */
const char *urne_i18n_zone_at(size_t i);

/* How a page of lang names a zone's time ("heure de Nouméa", "Nouméa time"), or
 * NULL for a zone urne does not know. */
const char *urne_i18n_zone_label(urne_lang lang, const char *name);

#endif
