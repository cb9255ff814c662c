/*
 * initiative identity: who signs, in the form the electoral roll can be matched
 * against.
 *
 * A signer types "Jean-Pierre", "Élodie", "N'Diaye", "de la Fontaine"; the roll
 * (a CSV from the commune's register: name, given names, birth date, commune)
 * writes "JEAN PIERRE", "ELODIE", "NDIAYE" or "N DIAYE", "DE LA FONTAINE". Both
 * are brought to one form before comparing:
 *   - letters in capitals without their accents: é è ê ë à â ä î ï ô ö ù û ü ç ÿ
 *     and every other letter of Latin-1 and Latin Extended-A (Ł, Š, Ő, ñ...)
 *     become their base letter, œ Œ -> OE, æ Æ -> AE, ß -> SS, þ -> TH, ĳ -> IJ;
 *     combining accents (a decomposed "e\u0301") are dropped;
 *   - hyphens, apostrophes (' ’ ʼ), dots, commas, tabs and no-break spaces are
 *     spaces, and runs of spaces are one; none at either end;
 *   - anything else (a digit, a symbol, a letter of another script) is refused
 *     with its offset: a roll is written in Latin letters, and a name that cannot
 *     be compared is said so, not matched by chance.
 * Compound names: two names compare equal when they differ only in their spaces
 * ("DE LA FONTAINE" = "DELAFONTAINE", "N DIAYE" = "NDIAYE"). Given names: the
 * signer may give the first ones only ("Jean-Pierre" matches the roll's "JEAN
 * PIERRE MARIE"), never one out of order.
 *
 * Matching a signer against roll entries gives one outcome, each a code with
 * parameters (a phrase the adapters word): matched (the entry), not on the roll,
 * a homonym with a different birth date (same name, given names and commune:
 * the signer probably mistyped the date; the roll's date is never told), or
 * ambiguous (several entries fit: the signer must be told to give all their
 * given names). Birth dates are checked: a real date, not after the day of
 * signing (a 2090 birth date is refused), not more than URNE_INITIATIVE_AGE_MAX
 * years before it.
 *
 * Pure: no I/O, no clock (`now` is given), no allocation, no globals.
 */
#ifndef URNE_INITIATIVE_IDENTITY_H
#define URNE_INITIATIVE_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_phrase.h"
#include "calendar.h"
#include "rules.h"

#define URNE_INITIATIVE_NAME_MAX 128 /* bytes of a normalised name, its NUL included */

/* Normalisation's outcome. */
typedef enum urne_initiative_name_status {
    URNE_INITIATIVE_NAME_OK = 0,
    URNE_INITIATIVE_NAME_EMPTY,     /* nothing but separators */
    URNE_INITIATIVE_NAME_UTF8,      /* not valid UTF-8 at *at */
    URNE_INITIATIVE_NAME_CHARACTER, /* no letter of a name at *at */
    URNE_INITIATIVE_NAME_TOO_LONG   /* the normalised form needs more than size bytes */
} urne_initiative_name_status;

/* Normalise s[0..len) into out (size >= 1; NUL-terminated, ASCII capitals and
 * single spaces). On a fault, *at is the offending byte's offset in s (0 for
 * EMPTY and TOO_LONG) and out is "". */
urne_initiative_name_status urne_initiative_name_normalise(const char *s, size_t len, char *out, size_t size,
                                                           size_t *at);

/* The same for a place: a commune's name or its code, whose digits are kept
 * ("2A004", "75056"). The identity's commune is normalised this way. */
urne_initiative_name_status urne_initiative_place_normalise(const char *s, size_t len, char *out, size_t size,
                                                            size_t *at);

/* 1 when normalised names a and b are the same but for spaces. */
int urne_initiative_name_same(const char *a, const char *b);

/* 1 when normalised given names `signer` are the first words of `roll`'s
 * (whole words, in order; at least one). */
int urne_initiative_given_fits(const char *signer, const char *roll);

typedef struct urne_initiative_identity {
    char name[URNE_INITIATIVE_NAME_MAX];    /* family name(s), normalised */
    char given[URNE_INITIATIVE_NAME_MAX];   /* given names in order, normalised */
    urne_initiative_date birth;
    char commune[URNE_INITIATIVE_NAME_MAX]; /* the commune's code or name, normalised */
} urne_initiative_identity;

/* Rule codes of urne_initiative_identity_fault.rule. */
#define URNE_INITIATIVE_ID_EMPTY "empty"
#define URNE_INITIATIVE_ID_UTF8 "utf8"
#define URNE_INITIATIVE_ID_CHARACTER "character"
#define URNE_INITIATIVE_ID_TOO_LONG "too-long"
#define URNE_INITIATIVE_ID_BIRTH_FORMAT "birth-format"   /* not YYYY-MM-DD nor DD/MM/YYYY */
#define URNE_INITIATIVE_ID_BIRTH_DATE "birth-no-such-date" /* 2001-02-29 */
#define URNE_INITIATIVE_ID_BIRTH_FUTURE "birth-future"   /* after the day of `now` */
#define URNE_INITIATIVE_ID_BIRTH_PAST "birth-too-old"    /* more than URNE_INITIATIVE_AGE_MAX years before */

typedef struct urne_initiative_identity_fault {
    const char *field; /* "name", "given", "birth", "commune" */
    const char *rule;  /* one of the codes above */
    size_t at;         /* the offending byte's offset in the field, when one is */
    size_t nth;        /* CHARACTER: the offending character's place among the field's (1 the first) */
    char what[24];     /* CHARACTER: that character and its code point, "ễ (U+1EC5)" ("U+0007" alone
                        * for a control or invisible one), for a message a signer can act on */
    urne_phrase why;   /* the same as a phrase with its parameters (the field is not in
                        * it: a form shows it beside the field, a file names `field`) */
} urne_initiative_identity_fault;

/* Build an identity from what a signer (or a roll line) gives: four
 * NUL-terminated texts (NULL counts as empty), `now` the moment of signing (UTC
 * seconds). 0 with *out set; -1 with the first fault in *fault (fields in the
 * order name, given, birth, commune). */
int urne_initiative_identity_make(const char *name, const char *given, const char *birth, const char *commune,
                                  int64_t now, urne_initiative_identity *out, urne_initiative_identity_fault *fault);

/* The identity's key for deduplication (to be hashed with a secret by the store
 * layer): "NAME|GIVEN|YYYY-MM-DD|COMMUNE", the name without its spaces, so that
 * identities the matching treats as one person have one key. buf's size >=
 * URNE_INITIATIVE_KEY_MAX. Returns the key's length. */
#define URNE_INITIATIVE_KEY_MAX (3 * URNE_INITIATIVE_NAME_MAX + 16)
size_t urne_initiative_identity_key(const urne_initiative_identity *id, char *buf, size_t size);

/* The key under which a roll is indexed for matching: "NAME|COMMUNE", the name
 * without its spaces. Every entry urne_initiative_roll_match could find for a
 * signer (matched, homonym or ambiguous) has the signer's index key, so a store
 * that groups its roll by this key hands the match only that group. buf's size
 * >= URNE_INITIATIVE_KEY_MAX. Returns the key's length. */
size_t urne_initiative_identity_index_key(const urne_initiative_identity *id, char *buf, size_t size);

/* Matching a signer against the roll. */
typedef enum urne_initiative_match_code {
    URNE_INITIATIVE_MATCHED = 0,  /* exactly one entry: index */
    URNE_INITIATIVE_NOT_ON_ROLL,  /* no entry of that name and given names in that commune */
    URNE_INITIATIVE_HOMONYM,      /* entries of that name in that commune, none born that day: count */
    URNE_INITIATIVE_AMBIGUOUS     /* several entries fit: count */
} urne_initiative_match_code;

typedef struct urne_initiative_match {
    urne_initiative_match_code code;
    size_t index;    /* MATCHED: the roll entry */
    size_t count;    /* HOMONYM: entries of that name there; AMBIGUOUS: entries that fit */
    urne_phrase why; /* the outcome as a phrase (matched included) */
} urne_initiative_match;

/* Match `signer` against roll[0..n) (all made by urne_initiative_identity_make). */
urne_initiative_match urne_initiative_roll_match(const urne_initiative_identity *signer,
                                                 const urne_initiative_identity *roll, size_t n);

/* Who may sign under r (eligibility). */
typedef enum urne_initiative_eligibility {
    URNE_INITIATIVE_ELIGIBLE = 0,
    URNE_INITIATIVE_UNDER_AGE,   /* younger than r->age_min on the day of `now` */
    URNE_INITIATIVE_OTHER_ROLL,  /* r->roll_territory set and the signer's roll is another */
    URNE_INITIATIVE_NOT_MEMBER   /* r->organisation set and the signer is not a member */
} urne_initiative_eligibility;

/* Whether `id`, on the roll of `roll_territory` (NULL or "" when on none) and a
 * member of r->organisation or not, may sign under r at `now`. Checked in the
 * order of the codes. */
urne_initiative_eligibility urne_initiative_eligible(const urne_initiative_rules *r,
                                                     const urne_initiative_identity *id,
                                                     const char *roll_territory, int is_member, int64_t now);

#endif
