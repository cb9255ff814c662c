/*
 * results_io: the file formats of tally sheets, in and out.
 *
 *   ministry     the Ministry of the Interior's per-bureau (or per-commune) file as
 *                published on data.gouv.fr: ';', latin-1 or UTF-8, comma or dot
 *                decimals, a header naming one candidate group while rows carry N,
 *                or a header with numbered groups (_1.._N) and extra columns.
 *   legislative  the legislative results per circonscription (no header; each row a
 *                circonscription with its own candidates and their Nuance), and the
 *                per-département summary used as stated totals (--compare).
 *   native       urne's CSV of tally sheets, written by hand by a section secretary
 *                (documented in README.md): '#' metadata lines, then one row per bureau.
 * Output: a readable table, JSON, and CSV in the Ministry's layout.
 *
 * Parsers take a buffer and a diagnostics list; they return NULL with errors when the
 * input is rejected, and then nothing of it is kept.
 */
#ifndef URNE_RESULTS_IO_H
#define URNE_RESULTS_IO_H

#include <stdio.h>

#include "../core/urne_text.h"
#include "../i18n/i18n.h"
#include "../core/urne_buf.h"
#include "../results/results.h"

typedef enum { URNE_FMT_AUTO, URNE_FMT_MINISTRY, URNE_FMT_LEGISLATIVE, URNE_FMT_NATIVE } urne_results_format;

/* "ministry", "legislative", "native"; -1 if unknown. */
int urne_io_format_parse(const char *name, urne_results_format *out);

/* Guess the format of a text in `enc` (UTF-8 or latin-1) from its first line. */
urne_results_format urne_io_guess_format(const char *text, size_t len, urne_encoding enc);

/* Parse a file's bytes into a round; checks the sheets too (urne_results_check).
 * Returns NULL when any error was found (all of them are in diags). */
urne_round *urne_io_results_parse(const char *buf, size_t len, urne_results_format fmt, urne_encoding enc,
                                  urne_diags *diags);

/* Format-specific parsers over a text whose encoding is known (URNE_ENC_UTF8 or
 * URNE_ENC_LATIN1, as urne_text_detect decided); used by urne_io_results_parse. */
urne_round *urne_io_parse_ministry(const char *text, size_t len, urne_encoding enc, urne_diags *diags);
urne_round *urne_io_parse_legislative(const char *text, size_t len, urne_encoding enc, urne_diags *diags);
urne_round *urne_io_parse_native(const char *text, size_t len, urne_encoding enc, urne_diags *diags);

/* How urne_io_parse_ministry_with reads the rows. */
struct urne_io_parts;
typedef struct urne_ministry_reading {
    unsigned chunks;  /* pieces the rows are cut into, read by one thread per core taking
                         them in turn: 0 = as many as the file deserves (two per core) */
    int check;        /* check each sheet as it is read, as urne_results_check would */
    const struct urne_io_parts *parts; /* where the text was cut and its lines counted
                                          (when chunks is 0), or NULL */
} urne_ministry_reading;

/* urne_io_parse_ministry as `how` says. The round and the messages are the same
 * whatever the number of chunks; tests use `chunks` to check just that. */
urne_round *urne_io_parse_ministry_with(const char *text, size_t len, urne_encoding enc,
                                        const urne_ministry_reading *how, urne_diags *diags);

/* Parse a file of stated totals (the legislative per-département summary) into a
 * tally at level "departement". Returns 0 or -1 with errors in diags. */
int urne_io_stated_parse(const char *buf, size_t len, urne_encoding enc, urne_tally *out, urne_diags *diags);

/* ---- output ---- */


typedef struct urne_report {
    const urne_round *round;
    const urne_rules *rules;
    const urne_tally *tally;       /* units of the level asked for */
    const urne_outcome *outcomes;  /* round->ncontests of them */
    const urne_diags *warnings;    /* warnings to carry in the report, may be NULL */
    const char *source;            /* the input's name */
} urne_report;

/* Write the report as a table for people, in lang (words from the catalogue, numbers
 * grouped and percentages written the reader's way, the outcome worded from its
 * phrases). Returns 0 or -1 on write error. */
int urne_io_write_table(FILE *out, const urne_report *report, urne_lang lang);

/* Write the report as JSON (see README for the schema), indented by two spaces.
 * 0 or -1. */
int urne_io_write_json(FILE *out, const urne_report *report);

/* The same report, compact (no space, no line break), in pieces that a server
 * keeps apart and sends one after the other (check b->oom after each):
 *   urne_io_json_head      '{"source":...,"level":"bureau","units":['
 *   urne_io_json_unit      one unit's object; with `status` (not NULL) a last key
 *                          "status" holding it; units are separated by ","
 *   urne_io_json_outcomes  '],"outcomes":[...],"warnings":['
 *   urne_io_json_warning   one warning's object (its file: `file`), "," between
 * and then ']' and '}', or more keys before it. Only report->round, rules and, for
 * the head, source and tally->level are read by the pieces that need them. */
void urne_io_json_head(urne_buf *b, const urne_report *report);
void urne_io_json_unit(urne_buf *b, const urne_report *report, const urne_unit *u, const char *status);
void urne_io_json_outcomes(urne_buf *b, const urne_report *report);
void urne_io_json_warning(urne_buf *b, const char *file, const urne_diag *d);
/* A JSON string as the pieces write them, in double quotes; null for NULL. */
void urne_io_json_string(urne_buf *b, const char *s);

/* Write the units as CSV in the Ministry's layout (';', comma decimals, CRLF). 0 or -1. */
int urne_io_write_ministry_csv(FILE *out, const urne_report *report);

/* How a CSV is written for a spreadsheet: the same layout and ';', with or without
 * UTF-8's byte-order mark first, with ',' (French) or '.' decimals. */
typedef struct urne_csv_style {
    int bom;      /* start with EF BB BF: Excel reads UTF-8 only when it is there */
    char decimal; /* ',' or '.' */
} urne_csv_style;

/* urne_io_write_ministry_csv in a style; the plain one is {0, ','}. 0 or -1. */
int urne_io_write_ministry_csv_styled(FILE *out, const urne_report *report, const urne_csv_style *style);

#endif
