/*
 * urne_diag: what urne has to say about an input, as data.
 *
 * Engines and parsers never print. They append diagnostics here: an error rejects
 * the input (the CLI exits 1 and writes no result), a warning is reported beside
 * the result (a stated total that differs from the sum of its parts, a partial
 * count). Each names the file, the line (0 when none applies), the field and the
 * rule broken, so a secretary can find the sheet and the figure to fix.
 */
#ifndef URNE_DIAG_H
#define URNE_DIAG_H

#include <stddef.h>

#include "urne_phrase.h"

typedef enum { URNE_DIAG_ERROR, URNE_DIAG_WARNING } urne_severity;

typedef struct urne_diag {
    urne_severity severity;
    long line;          /* 1-based source line, 0 when not tied to one */
    char field[64];     /* the column or figure at fault, "" when none */
    char rule[48];      /* stable identifier of the rule broken, e.g. "votants-le-inscrits" */
    char message[400];  /* one sentence with the numbers involved, in English */
    urne_phrase phrase; /* the same as a code with parameters, for adapters that word it (i18n/) */
} urne_diag;

/* At most this many diagnostics are kept; the rest are only counted. */
#define URNE_DIAG_MAX_KEPT 1000

typedef struct urne_diags {
    const char *file;   /* source name used when formatting; not owned */
    urne_diag *items;
    size_t count;       /* kept */
    size_t cap;
    size_t errors;      /* all errors, kept or not */
    size_t warnings;    /* all warnings, kept or not */
} urne_diags;

/* Start an empty list whose messages will name `file` (may be NULL). */
void urne_diags_init(urne_diags *diags, const char *file);

/* Append one diagnostic; printf-style message. Never fails: when memory or the
 * cap runs out, the diagnostic is counted but not kept. */
void urne_diags_add(urne_diags *diags, urne_severity severity, long line, const char *field,
                    const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Append one diagnostic whose message is a phrase another engine made (its English
 * writing in message, the phrase itself kept for adapters to word). */
void urne_diags_add_phrase(urne_diags *diags, urne_severity severity, long line, const char *field,
                           const char *rule, const urne_phrase *phrase);

/* Write "FILE:LINE: error: field 'F': message [rule]" into buf (always NUL-terminated). */
void urne_diag_format(const urne_diags *diags, const urne_diag *d, char *buf, size_t size);

/* Append every diagnostic of `from` to `into`, in order, as urne_diags_add would
 * (the cap applies; those `from` only counted are counted in `into`). For parsers that
 * read parts of a file apart and report them in file order. */
void urne_diags_append(urne_diags *into, const urne_diags *from);

/* Release the list. */
void urne_diags_free(urne_diags *diags);

#endif
