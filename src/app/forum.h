/*
 * forum (app): the forums' use cases (issue 19): create and configure a forum,
 * post in one (a member or a visitor), the author's view of a post's state by
 * its private link, the moderators' queue and waiting-time figures, approve,
 * reject with a reason, edit (the edit shown), hide, ban an author or an
 * address, and the public reads (threads, a thread, counts).
 *
 * Each use case is app.h's shape: who may (authz: URNE_ACT_MANAGE_FORUMS for
 * administrators, URNE_ACT_MODERATE_FORUM for a forum's moderators,
 * URNE_ACT_POST_FORUM for anyone), the engine's say (forum/forum.h: what a
 * contribution must be, the spam signals and the state it starts in, what each
 * moderation act makes of a state, the waiting figures; forum/markup.h counts
 * the links), then the rows and the audit entry in one transaction.
 *
 * A forum's space: "forum/<id>", then what it is attached to ("initiative/2",
 * "election/3", "page/charte"), then the space that belongs to (an election's or
 * an initiative's own space, when held), then the site. A moderator granted in
 * "forum/3" moderates forum 3 only; one granted in "org/nord" every forum
 * attached to the elections and initiatives of org/nord; an administrator of the
 * site every forum.
 *
 * Spam and abuse are signals, never a silent refusal: a hidden field filled, a
 * form sent sooner than a person writes (the form carries its moment, signed
 * with a key the application draws when it opens: urne_app_forum_form_stamp),
 * too many links, the same text in the same forum within the hour, an address
 * or an author over its rate: the post goes to the queue with its reasons and
 * score. The counts behind the rates and the duplicates are held in memory for
 * the current hour (one server's; several servers each count their own). A ban
 * is the one refusal: a banned address or author gets STATE URNE_WHY_BANNED,
 * nothing written.
 *
 * Audited: a forum's creation and configuration ("forum.create",
 * "forum.configure" on "forum/<id>", with the row), every moderator's act
 * ("post.approve", "post.reject", "post.hide", "post.edit" on "post/<id>", with
 * the row's state and the decision) and every ban ("forum.ban", with the ban's
 * row). A post itself is not: its row is written once by its author and changed
 * after only by audited acts, as an initiative's signature is.
 *
 * Time: `now` is the clock (time(NULL)) unless the caller sets
 * urne_app_forum_clock (the tests).
 */
#ifndef URNE_APP_FORUM_H
#define URNE_APP_FORUM_H

#include "../forum/forum.h"
#include "../store/store_forums.h"
#include "app.h"

/* The reasons of a STATE or BAD_INPUT outcome (outcome.why), besides the
 * engine's rule codes (URNE_FORUM_LENGTH, _BLANK, _UTF8, _CONTROL, _EMAIL,
 * _VISITORS, _CLOSED_RULE: outcome.field the field, outcome.number the length or
 * the byte's offset, outcome.id the limit). */
#define URNE_WHY_FORUM_MODE "forum-mode"         /* not a-priori, a-posteriori or closed (field "mode") */
#define URNE_WHY_FORUM_ATTACHED "forum-attached" /* not a space name such as "initiative/2" (field "attached") */
#define URNE_WHY_BANNED "banned"                 /* STATE: the address or the author is banned here */
#define URNE_WHY_POST_STATE "post-state"         /* STATE: the act does not apply to the post's state (detail) */
#define URNE_WHY_NO_PARENT "no-parent"           /* BAD_INPUT field "parent": not a published post of the forum */
#define URNE_WHY_BAN_KIND "ban-kind"             /* BAD_INPUT field "kind": not "address" or "author" */

/* A ban's value (an e-mail address, an IP address) as the audit log records it:
 * "sha256:" and the SHA-256 of the value in hex, never the value, since the log
 * is read by every observer and can never be erased; `urne audit verify`
 * compares the stored value so written with the logged one. */
#define URNE_APP_BAN_LOGGED 72
void urne_app_ban_value_logged(const char *value, char out[URNE_APP_BAN_LOGGED]);

/* Set the clock (NULL: time(NULL)). */
void urne_app_forum_clock(urne_app *app, int64_t (*now)(void));

/* The application's forum state (rate counters, recent messages, the form key):
 * made by urne_app_open, freed by urne_app_close. 0, or -1 with *why said. */
int urne_app_forums_open(urne_app *app, urne_phrase *why);
void urne_app_forums_free(urne_app *app);

/* ---- forums ---- */

typedef struct urne_forum_new {
    const char *attached; /* "initiative/2", "election/3", "page/charte": a space name, not the site */
    const char *title;    /* 1..200 bytes, not blank, valid UTF-8 */
    const char *mode;     /* "a-priori" (NULL: the default), "a-posteriori", "closed" */
    int visitors;         /* 1: visitors may write */
} urne_forum_new;

/* Create a forum. LOGIN_NEEDED, FORBIDDEN (manage-forums in the space it is
 * attached to); BAD_INPUT field "attached" (URNE_WHY_FORUM_ATTACHED), "title"
 * (the engine's rule), "mode" (URNE_WHY_FORUM_MODE); STORE. OK with outcome.id.
 * Audit "forum.create" on "forum/<id>" with the row. */
urne_app_status urne_app_forum_create(urne_app *app, const urne_user *actor, const urne_forum_new *in,
                                      urne_app_outcome *out);
/* Change forum `id`'s title, mode and visitors (in->attached ignored): NO_FORUM,
 * then as create. Audit "forum.configure". */
urne_app_status urne_app_forum_configure(urne_app *app, const urne_user *actor, int64_t id, const urne_forum_new *in,
                                         urne_app_outcome *out);
/* Forum `id` into *out: OK, NO_FORUM, STORE. Anyone may read a forum. */
urne_app_status urne_app_forum_get(urne_app *app, int64_t id, urne_forum_row *row, urne_app_outcome *out);
/* Every forum, in order of id (under the lock). 0, fn's non-zero, or -1. */
int urne_app_forums_each(urne_app *app, int (*fn)(const urne_forum_row *f, void *ctx), void *ctx);

/* ---- posting ---- */

typedef struct urne_forum_post_in {
    int64_t forum;
    int64_t parent;        /* 0: a new thread */
    const char *title;     /* a thread's first post needs one */
    const char *message;
    const char *name;      /* a visitor's (ignored for a member) */
    const char *email;
    const char *honeypot;  /* the hidden field's value ("" or NULL when left empty) */
    const char *stamp;     /* the form's signed moment (urne_app_forum_form_stamp); NULL: none */
    const char *address;   /* the sender's network address */
} urne_forum_post_in;

#define URNE_FORUM_TOKEN_HEX 65 /* the private link's token: 32 bytes in hex, NUL */
#define URNE_FORUM_STAMP_MAX 112

/* The signed moment a post form carries (written into out, of
 * URNE_FORUM_STAMP_MAX bytes): "<seconds>.<nonce, 16 hex digits>.<HMAC in hex>",
 * each showing of the form its own. */
void urne_app_forum_form_stamp(urne_app *app, char out[URNE_FORUM_STAMP_MAX]);

/* Post in a forum, as `actor` (a member; id 0: a visitor). NO_FORUM; STATE
 * URNE_WHY_BANNED; BAD_INPUT with the engine's rule (field "forum" for a closed
 * forum or one for members only, "title", "message", "name", "email"), or
 * URNE_WHY_NO_PARENT; STORE. OK with outcome.id the post, *row the post as
 * written (its state: waiting, or published; its flags and score) and *token
 * the private link's token (only its hash is kept). */
urne_app_status urne_app_forum_post(urne_app *app, const urne_user *actor, const urne_forum_post_in *in,
                                    urne_post_row *row, char token[URNE_FORUM_TOKEN_HEX], urne_app_outcome *out);

/* The post whose private link's token is `token`: OK with *row, or NO_POST. */
urne_app_status urne_app_forum_post_status(urne_app *app, const char *token, urne_post_row *row,
                                           urne_app_outcome *out);

/* ---- moderation ---- */

/* A moderator's act on post `id`: approve, reject (reason required, sent to the
 * author), hide, or edit (body the new message, reason the note shown beside
 * it). NO_POST; LOGIN_NEEDED, FORBIDDEN (moderate-forum on the post's forum);
 * STATE URNE_WHY_POST_STATE (the engine's table, or another moderator acted
 * first: nothing written); BAD_INPUT field "reason" or "message" (the engine's
 * rules); STORE. OK with outcome.id the post. Audit "post.<act>" on "post/<id>". */
urne_app_status urne_app_forum_moderate(urne_app *app, const urne_user *actor, int64_t id, urne_moderation act,
                                        const char *reason, const char *body, urne_app_outcome *out);

/* Ban the author (kind "author") or the address (kind "address") of post `id`,
 * in its forum or, site_wide, everywhere (then manage-forums on the site is
 * asked). NO_POST; LOGIN_NEEDED, FORBIDDEN; BAD_INPUT URNE_WHY_BAN_KIND, or the
 * reason's rule when one is given; STORE. OK with outcome.id the ban. Audit
 * "forum.ban" on "forum/<id>" (or "forum/0") with the ban's row. */
urne_app_status urne_app_forum_ban(urne_app *app, const urne_user *actor, int64_t id, const char *kind,
                                   int site_wide, const char *reason, urne_app_outcome *out);

/* The queue: waiting posts of forum `forum` (0: of every forum `actor`
 * moderates), oldest first, after id `after`, at most `limit` (1..1000) passed
 * to fn (under the lock: fn must not call a use case). LOGIN_NEEDED, FORBIDDEN
 * (forum > 0 not moderated by actor), NO_FORUM, STORE. */
urne_app_status urne_app_forum_queue(urne_app *app, const urne_user *actor, int64_t forum, int64_t after,
                                     int64_t limit, int (*fn)(const urne_post_row *p, void *ctx), void *ctx,
                                     urne_app_outcome *out);

/* The waiting-time figures of that queue (same refusals): *count waiting, the
 * median age and the oldest's, in seconds. */
urne_app_status urne_app_forum_waiting(urne_app *app, const urne_user *actor, int64_t forum, int64_t *count,
                                       int64_t *median, int64_t *oldest, urne_app_outcome *out);

/* ---- reading ---- */

/* A page of published posts (store_forums.h's URNE_POSTS_THREADS, _THREAD or
 * _RECENT), anyone: OK, NO_FORUM (THREADS, RECENT), STORE. A THREAD read with
 * q->forum set gives nothing when the thread is another forum's. fn runs under
 * the lock. */
urne_app_status urne_app_forum_read(urne_app *app, const urne_posts_query *q,
                                    int (*fn)(const urne_post_row *p, void *ctx), void *ctx, urne_app_outcome *out);
/* 1 when `actor` moderates forum `id` (a page's forms), else 0. */
int urne_app_forum_moderator(urne_app *app, const urne_user *actor, int64_t id);

/* Forum `id`'s published posts and their distinct authors. */
urne_app_status urne_app_forum_counts(urne_app *app, int64_t id, int64_t *messages, int64_t *participants,
                                      urne_app_outcome *out);

#endif
