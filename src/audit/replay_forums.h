/*
 * replay_forums: what the audit log says the forums' rows hold (the forum
 * component, app/forum.h), and where the store differs.
 *
 * The same idea as replay_notices.h. A "forum.create" or "forum.configure" entry
 * records the whole forum it left; each moderator's act ("post.approve",
 * "post.reject", "post.hide", "post.edit") the post's state and decision after
 * it; a "forum.ban" the whole ban. A post is written by its author without an
 * entry, then changed only by audited acts: a post no act touched is "not
 * compared" when it is waiting or published (the states a post is written in),
 * and a difference when it is rejected or hidden (only an act leads there).
 * The texts of a decision (the reason, an edit and its note, up to 20,000
 * bytes) are kept as 64-bit FNV-1a digests, so that a million acts fit in
 * memory; a difference names the field, with the stored text cut. Pure: plain
 * structs, no JSON, no SQL.
 */
#ifndef URNE_AUDIT_REPLAY_FORUMS_H
#define URNE_AUDIT_REPLAY_FORUMS_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h" /* urne_audit_diff */

/* A forum's row. */
typedef struct urne_audit_forum {
    int64_t id;
    char attached[96];
    char title[201];
    char mode[16];
    int64_t visitors;
    char created_at[24];
    char created_by[64];
} urne_audit_forum;

/* A post's decision: what a moderator's act leaves (or, for a stored post, its
 * columns of the same names). */
typedef struct urne_audit_post {
    int64_t id;
    int64_t forum;
    char state[16];
    char decided_by[64];
    char decided_at[24];
    const char *reason, *edited_body, *edit_note; /* read only while put or compared */
} urne_audit_post;

/* A ban's row. */
typedef struct urne_audit_ban {
    int64_t id;
    int64_t forum;
    char kind[16];
    char value[300];
    char reason[1001];
    char created_at[24];
    char created_by[64];
} urne_audit_ban;

typedef struct urne_audit_forums urne_audit_forums;

urne_audit_forums *urne_audit_forums_new(void); /* NULL when out of memory */
void urne_audit_forums_free(urne_audit_forums *f);

/* Fold, in order of seq. 0, or -1 when out of memory; -2 when the entry
 * contradicts the log (a forum created twice, configured before it was
 * created, a ban's id given twice). */
int urne_audit_forums_put_forum(urne_audit_forums *f, int64_t seq, const urne_audit_forum *x, int created);
int urne_audit_forums_put_post(urne_audit_forums *f, int64_t seq, const urne_audit_post *x);
int urne_audit_forums_put_ban(urne_audit_forums *f, int64_t seq, const urne_audit_ban *x);

/* Compare one stored row (each once; posts in order of id): report each differing
 * field through fn, a row no entry gave ("(no row)" logged). The differences;
 * a post no act touched, waiting or published, adds 1 to *not_compared. */
size_t urne_audit_forums_compare_forum(urne_audit_forums *f, const urne_audit_forum *stored, urne_audit_diff_fn fn,
                                       void *ctx);
size_t urne_audit_forums_compare_post(urne_audit_forums *f, const urne_audit_post *stored, urne_audit_diff_fn fn,
                                      void *ctx, size_t *not_compared);
size_t urne_audit_forums_compare_ban(urne_audit_forums *f, const urne_audit_ban *stored, urne_audit_diff_fn fn,
                                     void *ctx);
/* After every stored row was compared: each forum, post acted on and ban the log
 * gives and the store lost. The differences; *compared the rows in both. */
size_t urne_audit_forums_finish(urne_audit_forums *f, urne_audit_diff_fn fn, void *ctx, size_t *compared);

#endif
