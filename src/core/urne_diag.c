/*
 * urne_diag: a growable array of diagnostics with a cap, so that a file with a
 * million broken lines still yields a bounded report and the counts stay exact.
 */
#include "urne_diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void urne_diags_init(urne_diags *diags, const char *file) {
    memset(diags, 0, sizeof *diags);
    diags->file = file;
}

/* Count one diagnostic of `severity` and return a slot to keep it in, or NULL
 * when the cap or memory says it is only counted. */
static urne_diag *slot(urne_diags *diags, urne_severity severity) {
    if (severity == URNE_DIAG_ERROR)
        diags->errors++;
    else
        diags->warnings++;
    if (diags->count >= URNE_DIAG_MAX_KEPT) return NULL;
    if (diags->count == diags->cap) {
        size_t ncap = diags->cap ? diags->cap * 2 : 16;
        urne_diag *n = realloc(diags->items, ncap * sizeof *n);
        if (n == NULL) return NULL;
        diags->items = n;
        diags->cap = ncap;
    }
    return &diags->items[diags->count++];
}

void urne_diags_add(urne_diags *diags, urne_severity severity, long line, const char *field,
                    const char *rule, const char *fmt, ...) {
    urne_diag *d = slot(diags, severity);
    if (d == NULL) return;
    d->severity = severity;
    d->line = line;
    snprintf(d->field, sizeof d->field, "%s", field ? field : "");
    snprintf(d->rule, sizeof d->rule, "%s", rule ? rule : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    urne_phrase_vset(&d->phrase, fmt, ap);
    va_end(ap);
}

void urne_diags_add_phrase(urne_diags *diags, urne_severity severity, long line, const char *field,
                           const char *rule, const urne_phrase *phrase) {
    urne_diag *d = slot(diags, severity);
    if (d == NULL) return;
    d->severity = severity;
    d->line = line;
    snprintf(d->field, sizeof d->field, "%s", field ? field : "");
    snprintf(d->rule, sizeof d->rule, "%s", rule ? rule : "");
    urne_phrase_write(phrase, NULL, NULL, d->message, sizeof d->message);
    d->phrase = *phrase;
}

void urne_diag_format(const urne_diags *diags, const urne_diag *d, char *buf, size_t size) {
    char where[320];
    const char *file = diags->file ? diags->file : "<input>";
    if (d->line > 0)
        snprintf(where, sizeof where, "%s:%ld", file, d->line);
    else
        snprintf(where, sizeof where, "%s", file);
    const char *sev = d->severity == URNE_DIAG_ERROR ? "error" : "warning";
    if (d->field[0] != '\0')
        snprintf(buf, size, "%s: %s: field '%s': %s [%s]", where, sev, d->field, d->message, d->rule);
    else
        snprintf(buf, size, "%s: %s: %s [%s]", where, sev, d->message, d->rule);
}

void urne_diags_append(urne_diags *into, const urne_diags *from) {
    size_t kept_errors = 0, kept_warnings = 0;
    for (size_t i = 0; i < from->count; i++) {
        const urne_diag *d = &from->items[i];
        if (d->severity == URNE_DIAG_ERROR)
            kept_errors++;
        else
            kept_warnings++;
        /* Through slot(), so the cap and the counts behave as if added here. */
        urne_diag *kept = slot(into, d->severity);
        if (kept) *kept = *d;
    }
    into->errors += from->errors - kept_errors;
    into->warnings += from->warnings - kept_warnings;
}

void urne_diags_free(urne_diags *diags) {
    free(diags->items);
    diags->items = NULL;
    diags->count = diags->cap = 0;
}
