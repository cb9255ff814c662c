/*
 * initiative rules: what a citizens' initiative must gather, from whom, and when.
 *
 * An initiative (issue 18) succeeds when enough electors sign it within its
 * collection window. "Enough" takes three forms that real initiatives combine:
 *   - a national threshold, absolute (the ECI's 1,000,000) or a share of the
 *     electorate (the RIP's 10 %, the "49-3 citoyen"'s 1 %, a local petition's
 *     fifth of the commune's electors);
 *   - a minimum in each territory, absolute, a share of the territory's own
 *     electorate, so many signatures per seat (the ECI: a member state's minimum
 *     is its number of MEPs times 720, Regulation (EU) 2019/788, art. 3 and
 *     annex I), or given territory by territory;
 *   - a number of territories that must each reach their minimum (the ECI's 7
 *     member states), absolute or a share of the territories counted; with
 *     minimums and no such number, every territory must reach its minimum.
 * A share is kept as a rational num/den and a threshold computed from it is
 * rounded *up*, as a law reads "1 % of the electors": 1 % of 47,173,949 electors
 * is 471,739.49, and 471,739 signatures are not 1 %; 471,740 are. No floating
 * point anywhere: the products are taken in 128 bits and checked against int64.
 *
 * Presets give each kind of initiative its usual rules, each adjustable after
 * (urne_initiative_rules_parse reads "preset = rip" then any key to change):
 *   49-3-citoyen    1 % of the electorate; 12 months (the proposal names no
 *                   period: a choice of urne's, to adjust); stops at the threshold;
 *   rip             10 % of the electorate (art. 11 of the Constitution); 9
 *                   months (organic law 2013-1114); supporters public (the 2019
 *                   list was published); runs its full period;
 *   local-petition  a fifth of the commune's electors (CGCT art. L1112-16); 12
 *                   months (the article lets an elector sign one such request a
 *                   year; the window itself is urne's choice, to adjust);
 *   eci             1,000,000 and 7 member states (a quarter of the 27, rounded
 *                   up) each above MEPs x 720; at most 12 months (Regulation
 *                   2019/788, art. 8); confidential. The minimums are computed
 *                   from each state's seats, given with its counts or in the
 *                   rules ("seats Malta = 6", examples/initiative-eci.txt), not
 *                   from a table kept here;
 *   territories     1 % nationally and 1 % in each territory, in at least half of
 *                   the territories (urne's choice of figures, to adjust).
 * Every preset asks electors of 18 or more, on a roll, confidential unless said.
 *
 * The figures a territory's minimum is computed from when it is per seat or
 * given (its seats, its own minimum) come with the counts in a counts file
 * (io/initiative_io.h), or with the rules themselves, a line per territory
 * ("seats Austria = 20", "minimum Corse = 3 000"): an initiative on a store has
 * no counts file, its roll gives electors only, so its rules carry them. At most
 * URNE_INITIATIVE_FIGURES_MAX territories, in the order written; a figure the
 * territory's rule does not use (seats under "territory = 10%") is an error, not
 * ignored.
 * A lighter petition confirmed by e-mail (no roll) is a preset and two lines:
 * "preset = local-petition", "identity = email", "national = 500" (a count: the
 * electorate is not known without a roll).
 *
 * A window is [opens_at, closes_at): a signature at closes_at is too late. When a
 * rules text gives a length ("window = 9 months") rather than the dates, the close
 * is computed from the opening (urne_initiative_rules_close).
 *
 * Pure: no I/O, no clock, no allocation but urne_diags', no globals.
 */
#ifndef URNE_INITIATIVE_RULES_H
#define URNE_INITIATIVE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "../core/urne_diag.h"

/* How a threshold is computed. */
typedef enum urne_initiative_basis {
    URNE_INITIATIVE_NONE = 0,   /* no requirement */
    URNE_INITIATIVE_ABSOLUTE,   /* `count` signatures (or territories) */
    URNE_INITIATIVE_SHARE,      /* ceil(base * num / den) of the base */
    URNE_INITIATIVE_PER_SEAT,   /* seats * count: a territory's minimum only */
    URNE_INITIATIVE_GIVEN       /* the territory's own minimum, given with its counts */
} urne_initiative_basis;

typedef struct urne_initiative_threshold {
    urne_initiative_basis basis;
    int64_t count;    /* ABSOLUTE: the figure; PER_SEAT: signatures per seat */
    int64_t num, den; /* SHARE: num/den, 0 < num <= den */
} urne_initiative_threshold;

/* How a signer is known (identity = roll | email). ROLL: on the electoral roll
 * imported (or by a one-time code from a letter); EMAIL, for lighter petitions
 * (a town's, an association's): no roll, the signer gives name, given names,
 * commune (and the birth date when an age is asked) and an e-mail address, and
 * the signature counts once the link mailed there is followed, one per address
 * (app/initiative_mail.c). The electorate is then unknown: every threshold must
 * be a count of signatures (national ABSOLUTE; no minimum per territory, no
 * roll), checked by urne_initiative_rules_check (field "identity"). */
typedef enum urne_initiative_identity_kind {
    URNE_INITIATIVE_BY_ROLL = 0,
    URNE_INITIATIVE_BY_EMAIL
} urne_initiative_identity_kind;

typedef enum urne_initiative_supporters {
    URNE_INITIATIVE_CONFIDENTIAL = 0, /* only the verification authority reads the list */
    URNE_INITIATIVE_PUBLIC            /* names and communes published */
} urne_initiative_supporters;

#define URNE_INITIATIVE_TEXT_MAX 64
#define URNE_INITIATIVE_AGE_MAX 130
#define URNE_INITIATIVE_FIGURES_MAX 128 /* territories given their figures in the rules (101 départements fit) */

/* One territory's own figures as the rules give them. */
typedef struct urne_initiative_figure {
    char territory[URNE_INITIATIVE_TEXT_MAX]; /* its name as the roll writes it */
    int64_t seats;   /* "seats NAME = N": N > 0; -1 not given */
    int64_t minimum; /* "minimum NAME = N": N > 0; -1 not given */
} urne_initiative_figure;

typedef struct urne_initiative_rules {
    char preset[URNE_INITIATIVE_TEXT_MAX];     /* the preset it came from, "" none */
    urne_initiative_threshold national;        /* NONE, ABSOLUTE or SHARE of the electorate */
    urne_initiative_threshold territory;       /* each territory's minimum: any basis */
    urne_initiative_threshold territories;     /* territories that must reach theirs: NONE, ABSOLUTE, SHARE */
    int64_t opens_at, closes_at;               /* UTC seconds; 0 when not set; closes_at excluded */
    int window_months, window_days;            /* the length, when closes_at is computed */
    int stop_at_threshold;                     /* 1: reaching the threshold ends the collection */
    int age_min;                               /* 0 .. URNE_INITIATIVE_AGE_MAX */
    char roll_territory[URNE_INITIATIVE_TEXT_MAX]; /* signers on this roll only; "" any */
    char organisation[URNE_INITIATIVE_TEXT_MAX];   /* signers members of it only; "" anyone */
    urne_initiative_supporters supporters;
    urne_initiative_identity_kind identity;    /* roll (every preset) or email */
    size_t nfigures;                           /* 0 .. URNE_INITIATIVE_FIGURES_MAX */
    urne_initiative_figure figures[URNE_INITIATIVE_FIGURES_MAX]; /* distinct territories, as written */
} urne_initiative_rules;

/* 1 when r's territory minimum is computed from each territory's own figures
 * (PER_SEAT: its seats; GIVEN: its minimum), else 0. */
int urne_initiative_rules_need_figures(const urne_initiative_rules *r);

/* "seats NAME" (seats != 0) or "minimum NAME", NAME the first n bytes of name
 * (cut to fit), into out[size] (size > 8): a figure's field in the errors. */
void urne_initiative_figure_field(char *out, size_t size, int seats, const char *name, size_t n);

/* The figures r gives territory `name` (compared byte for byte), or NULL. */
const urne_initiative_figure *urne_initiative_rules_figure(const urne_initiative_rules *r, const char *name);

/* The presets' names, in the order above; NULL past the last. */
const char *urne_initiative_preset_name(size_t i);

/* Set *out to the preset `name`'s rules. 0, or -1 when no preset has that name
 * (*out then zeroed). */
int urne_initiative_rules_preset(const char *name, urne_initiative_rules *out);

/* Why a threshold cannot be computed (urne_initiative_threshold_resolve). */
typedef enum urne_initiative_resolve_status {
    URNE_INITIATIVE_RESOLVED = 0,
    URNE_INITIATIVE_RESOLVE_OVERFLOW, /* the product does not fit in int64 */
    URNE_INITIATIVE_RESOLVE_NO_SEATS, /* PER_SEAT without the territory's seats (< 0) */
    URNE_INITIATIVE_RESOLVE_NO_GIVEN  /* GIVEN without the territory's minimum (< 0) */
} urne_initiative_resolve_status;

/* The figure threshold t asks of `base` (the electorate, or the number of
 * territories), with a territory's `seats` and `given` minimum for PER_SEAT and
 * GIVEN (-1 when unknown): 0 for NONE, `count` for ABSOLUTE, ceil(base*num/den)
 * for SHARE, seats*count for PER_SEAT, `given` for GIVEN. base >= 0; t checked
 * (urne_initiative_rules_check). *out set only on URNE_INITIATIVE_RESOLVED. */
urne_initiative_resolve_status urne_initiative_threshold_resolve(const urne_initiative_threshold *t, int64_t base,
                                                                 int64_t seats, int64_t given, int64_t *out);

/* Check r; each fault is an error in d naming the field ("national",
 * "territory", "territories", "window", "opens", "closes", "age-min", ...) and the
 * rule (see rules.c's URNE_INITIATIVE_RULE_*). 0 when r is sound, -1 otherwise. */
int urne_initiative_rules_check(const urne_initiative_rules *r, urne_diags *d);

/* The close of a window opening at opens_at: closes_at when set, else opens_at
 * plus window_months months and window_days days (the clock time of opens_at
 * kept). 0 with *out set; -1 when neither is set or the date passes year 9999. */
int urne_initiative_rules_close(const urne_initiative_rules *r, int64_t opens_at, int64_t *out);

/* Read rules from text: one "key = value" a line, '#' starts a comment, blank
 * lines ignored. "preset = NAME" (first, when present) sets every rule, the
 * following keys change one each:
 *   national = none | N | P% | A/B          (P% may have decimals: "0.5%")
 *   territory = none | N | P% | A/B | N per-seat | given
 *   territories = none | N | P% | A/B       (P% and A/B of the territories counted)
 *   opens, closes = YYYY-MM-DD | YYYY-MM-DDTHH:MM:SSZ
 *   window = N months | N days | N years | N months N days
 *   stop-at-threshold = yes | no;  age-min = N;  roll = TEXT;  organisation = TEXT
 *   supporters = public | confidential
 *   identity = roll | email                 (email: confirmation by a mailed link)
 *   seats NAME = N                          (territory NAME's seats, for "N per-seat")
 *   minimum NAME = N                        (territory NAME's own minimum, for "given")
 * NAME is the territory as the roll writes it (no '=', '#', control character;
 * the blanks around it trimmed); a territory's seats or minimum given twice is
 * "key-repeated", past URNE_INITIATIVE_FIGURES_MAX territories "too-many-figures".
 * Every fault is an error in d with its line, the key as field and the rule; the
 * rules are then checked as urne_initiative_rules_check does. 0 with *out set
 * when sound; -1 otherwise (*out then holds what was read, not to be used). */
int urne_initiative_rules_parse(const char *text, size_t len, urne_initiative_rules *out, urne_diags *d);

/* Write checked rules r as the text urne_initiative_rules_parse reads back into the
 * same rules (the store and the API keep rules as this text): the preset when r
 * has one, then every rule, then the territories' figures in their order. buf NUL-terminated when size > 0; returns the length
 * the whole text needs, as snprintf does. */
size_t urne_initiative_rules_write(const urne_initiative_rules *r, char *buf, size_t size);

/* Write t as the rules text writes it ("10%", "1/5", "1000000", "720 per-seat",
 * "given", "none") into buf (size >= 48). */
void urne_initiative_threshold_text(const urne_initiative_threshold *t, char *buf, size_t size);

#endif
