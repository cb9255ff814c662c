/*
 * replay_notices: what the audit log says the notices table holds (the example
 * component's rows, app/notice.h), and where the store differs.
 *
 * The same idea as replay_grants.h, for the notices: each "notice.publish" entry
 * records the whole notice it wrote (id, title, body, when and by whom). A notice
 * is never changed once written, so the log gives every row exactly; comparing
 * them with the stored rows names every notice rewritten, added or removed
 * behind the log's back. The notices table came with these entries, so every
 * notice has one: there is no "not comparable" here. Pure: plain structs, no
 * JSON, no SQL.
 */
#ifndef URNE_AUDIT_REPLAY_NOTICES_H
#define URNE_AUDIT_REPLAY_NOTICES_H

#include <stddef.h>
#include <stdint.h>

#include "../notice/notice.h"
#include "replay.h" /* urne_audit_diff */

/* A notice's row. */
typedef struct urne_audit_notice {
    int64_t id;
    char title[URNE_NOTICE_TITLE_MAX + 1];
    char body[URNE_NOTICE_BODY_MAX + 1];
    char published_at[24];
    char published_by[64];
} urne_audit_notice;

typedef struct urne_audit_notices urne_audit_notices;

urne_audit_notices *urne_audit_notices_new(void); /* NULL when out of memory */
void urne_audit_notices_free(urne_audit_notices *n);

/* Fold, in order of seq: notice *x was published. 0, or -1 when out of memory;
 * -2 when a notice of that id was already published (a log that says so is
 * malformed: ids are never reused). */
int urne_audit_notices_put(urne_audit_notices *n, int64_t seq, const urne_audit_notice *x);

/* Compare one stored notice (each once): reports through fn each differing field,
 * or a row no entry gave ("(no row)" logged). Returns the differences. */
size_t urne_audit_notices_compare(urne_audit_notices *n, const urne_audit_notice *stored, urne_audit_diff_fn fn,
                                  void *ctx);
/* After every stored notice was compared: reports each notice the log gives and
 * the store lost. Returns the differences; *compared is how many were in both. */
size_t urne_audit_notices_finish(urne_audit_notices *n, urne_audit_diff_fn fn, void *ctx, size_t *compared);

#endif
