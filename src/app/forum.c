/*
 * forum (app): the forums, their spaces, the moderators' acts, the queue and the
 * public reads (forum.h says what each use case answers; forum_post.c has the
 * posting, its spam signals and the counts behind them).
 *
 * A moderator's act asks the engine what the act makes of the post's state
 * (urne_forum_moderate's table), writes the row only from the state read (the
 * store answers 0 when another moderator acted first: STATE, nothing written),
 * and appends the audit entry recording the resulting row in the same
 * transaction. The queue across forums, for one who moderates every forum, is
 * one keyset read of the index; for one who moderates some, each of their
 * forums' first page, merged by id (queue_across), so that nobody's queue costs
 * the messages waiting in forums they do not moderate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "../core/urne_mem.h"
#include "forum_internal.h"
#include "initiative.h"

int64_t urne_app_forum_now(urne_app *app) {
    return app->forums && app->forums->now ? app->forums->now() : (int64_t)time(NULL);
}

void urne_app_forum_clock(urne_app *app, int64_t (*now)(void)) {
    pthread_mutex_lock(&app->lock);
    if (app->forums) app->forums->now = now;
    pthread_mutex_unlock(&app->lock);
}

/* ---- spaces ---- */

/* The space the object a forum is attached to belongs to ("election/3" ->
 * that election's space), "" when none or not held. Under the lock. */
static const char *attached_space(urne_app *app, const char *attached) {
    char *end;
    if (strncmp(attached, "election/", 9) == 0) {
        long long id = strtoll(attached + 9, &end, 10);
        urne_election *e = *end == 0 ? urne_app_election(app, id) : NULL;
        return e ? e->meta.space : "";
    }
    if (strncmp(attached, "initiative/", 11) == 0) {
        long long id = strtoll(attached + 11, &end, 10);
        const urne_initiative_held *h = *end == 0 ? urne_app_initiative(app, id) : NULL;
        return h ? h->row.space : "";
    }
    return "";
}

urne_app_status urne_app_forum_may(urne_app *app, const urne_user *actor, urne_action action, int64_t forum,
                                   const char *attached, urne_app_outcome *out) {
    char own[48];
    const char *chain[4];
    size_t n = 0;
    if (forum > 0) {
        snprintf(own, sizeof own, "forum/%lld", (long long)forum);
        chain[n++] = own;
    }
    if (attached && attached[0]) chain[n++] = attached;
    const char *space = attached ? attached_space(app, attached) : "";
    if (space[0]) chain[n++] = space;
    chain[n++] = "";
    return urne_app_authorize(app, actor, action, chain, n, 0, out);
}

/* ---- the audit entries ---- */

int urne_app_forum_audit(urne_app *app, const char *actor, const char *action, const char *object, json_t *after,
                         int *oom) {
    char *text = after ? json_dumps(after, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(after);
    *oom = text == NULL;
    if (text == NULL) return -1;
    int rc = urne_store_audit(app->store, actor, action, object, NULL, text);
    free(text);
    return rc;
}

json_t *urne_app_forum_row_json(const urne_forum_row *f) {
    return json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)f->id, "attached", f->attached,
                     "title", f->title, "mode", f->mode, "visitors", (int)f->visitors, "created_at", f->created_at,
                     "created_by", f->created_by);
}

json_t *urne_app_post_json(const urne_post_row *p) {
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id, "forum",
                     (json_int_t)p->forum, "state", p->state, "decided_by", p->decided_by, "decided_at",
                     p->decided_at, "reason", p->reason, "edited_body", p->edited_body, "edit_note", p->edit_note);
}

/* Write the change the caller made in its transaction, with its audit entry,
 * and commit: OK, or STORE / NO_MEMORY rolled back. */
static urne_app_status commit_audited(urne_app *app, const urne_user *actor, const char *action, const char *object,
                                      json_t *after, urne_app_outcome *out) {
    int oom = 0;
    if (urne_app_forum_audit(app, actor->name, action, object, after, &oom) < 0) {
        if (oom) {
            urne_store_rollback(app->store);
            return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
        }
        return urne_app_store_failed(app, out);
    }
    if (urne_store_commit(app->store) < 0) return urne_app_store_failed(app, out);
    urne_app_changed(app);
    return URNE_APP_OK;
}

/* ---- forums ---- */

static urne_app_status bad(urne_app_outcome *out, const char *field, const char *why, int64_t number, int64_t limit) {
    snprintf(out->field, sizeof out->field, "%s", field);
    out->why = why;
    out->number = number;
    out->id = limit;
    return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
}

urne_app_status urne_app_forum_refuse(urne_app_outcome *out, const urne_forum_fault *f) {
    return bad(out, f->field, f->rule, (int64_t)f->at, (int64_t)f->limit);
}

/* in's title and mode checked into row: OK or BAD_INPUT. The title is checked
 * by the engine's rules for a thread's title (a message stands in beside it). */
static urne_app_status forum_fields(const urne_forum_new *in, urne_forum_row *row, urne_app_outcome *out) {
    urne_forum_contribution c = {.title = in->title ? in->title : "", .message = "-", .member = 1};
    urne_forum_fault f;
    if (urne_forum_contribution_check(&c, URNE_FORUM_A_PRIORI, 1, &f) < 0) return urne_app_forum_refuse(out, &f);
    urne_forum_mode mode = URNE_FORUM_A_PRIORI;
    if (in->mode && in->mode[0] && urne_forum_mode_parse(in->mode, &mode) < 0)
        return bad(out, "mode", URNE_WHY_FORUM_MODE, 0, 0);
    snprintf(row->title, sizeof row->title, "%s", in->title);
    snprintf(row->mode, sizeof row->mode, "%s", urne_forum_mode_name(mode));
    row->visitors = in->visitors ? 1 : 0;
    return URNE_APP_OK;
}

urne_app_status urne_app_forum_create(urne_app *app, const urne_user *actor, const urne_forum_new *in,
                                      urne_app_outcome *out) {
    urne_app_outcome_init(out);
    const char *attached = in->attached ? in->attached : "";
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_forum_may(app, actor, URNE_ACT_MANAGE_FORUMS, 0,
                                            urne_space_fault(attached) == URNE_SPACE_OK ? attached : "", out);
    urne_forum_row row;
    memset(&row, 0, sizeof row);
    if (st == URNE_APP_OK && (attached[0] == 0 || urne_space_fault(attached) != URNE_SPACE_OK))
        st = bad(out, "attached", URNE_WHY_FORUM_ATTACHED, urne_space_fault(attached), URNE_SPACE_MAX);
    if (st == URNE_APP_OK) st = forum_fields(in, &row, out);
    if (st != URNE_APP_OK) goto done;
    snprintf(row.attached, sizeof row.attached, "%s", attached);
    urne_time_iso(urne_app_forum_now(app), row.created_at);
    snprintf(row.created_by, sizeof row.created_by, "%s", actor->name);
    if (urne_store_begin(app->store) < 0 || (row.id = urne_store_forum_put(app->store, &row)) < 0) {
        st = urne_app_store_failed(app, out);
        goto done;
    }
    char object[48];
    snprintf(object, sizeof object, "forum/%lld", (long long)row.id);
    st = commit_audited(app, actor, "forum.create", object, urne_app_forum_row_json(&row), out);
    if (st == URNE_APP_OK) out->id = row.id;
done:
    pthread_mutex_unlock(&app->lock);
    return st;
}

/* Forum `id` read into *row: OK, NO_FORUM, STORE. Under the lock. */
urne_app_status urne_app_forum_load(urne_app *app, int64_t id, urne_forum_row *row, urne_app_outcome *out) {
    int rc = urne_store_forum_get(app->store, id, row);
    if (rc < 0) return urne_app_store_error(out, app->store);
    if (rc == 0) {
        out->number = id;
        return urne_app_fail(out, URNE_APP_NO_FORUM, NULL);
    }
    return URNE_APP_OK;
}

urne_app_status urne_app_forum_configure(urne_app *app, const urne_user *actor, int64_t id, const urne_forum_new *in,
                                         urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_forum_row row;
    urne_app_status st = urne_app_forum_load(app, id, &row, out);
    if (st == URNE_APP_OK) st = urne_app_forum_may(app, actor, URNE_ACT_MANAGE_FORUMS, id, row.attached, out);
    if (st == URNE_APP_OK) st = forum_fields(in, &row, out);
    if (st != URNE_APP_OK) goto done;
    int rc = urne_store_begin(app->store) < 0 ? -1 : urne_store_forum_update(app->store, &row);
    if (rc <= 0) {
        st = rc < 0 ? urne_app_store_failed(app, out) : urne_app_fail(out, URNE_APP_NO_FORUM, NULL);
        if (rc == 0) urne_store_rollback(app->store);
        goto done;
    }
    char object[48];
    snprintf(object, sizeof object, "forum/%lld", (long long)id);
    st = commit_audited(app, actor, "forum.configure", object, urne_app_forum_row_json(&row), out);
    if (st == URNE_APP_OK) out->id = id;
done:
    pthread_mutex_unlock(&app->lock);
    return st;
}

urne_app_status urne_app_forum_get(urne_app *app, int64_t id, urne_forum_row *row, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_forum_load(app, id, row, out);
    pthread_mutex_unlock(&app->lock);
    return st;
}

int urne_app_forums_each(urne_app *app, int (*fn)(const urne_forum_row *f, void *ctx), void *ctx) {
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_forum_each(app->store, fn, ctx);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

/* ---- moderation ---- */

/* Post `id` and its forum read: OK, NO_POST, NO_FORUM, STORE. Under the lock. */
static urne_app_status post_and_forum(urne_app *app, int64_t id, urne_post_row *p, urne_forum_row *f,
                                      urne_app_outcome *out) {
    int rc = urne_store_post_get(app->store, id, p);
    if (rc < 0) return urne_app_store_error(out, app->store);
    if (rc == 0) {
        out->number = id;
        return urne_app_fail(out, URNE_APP_NO_POST, NULL);
    }
    return urne_app_forum_load(app, p->forum, f, out);
}

/* The act's texts checked into p: OK or BAD_INPUT. */
static urne_app_status act_texts(urne_moderation act, const char *reason, const char *body, urne_post_row *p,
                                 urne_app_outcome *out) {
    urne_forum_fault f;
    int with_reason = act == URNE_MOD_REJECT || (act == URNE_MOD_EDIT) || (reason && reason[0]);
    if (with_reason && urne_forum_reason_check(reason, &f) < 0) return urne_app_forum_refuse(out, &f);
    if (act == URNE_MOD_EDIT) {
        urne_forum_contribution c = {.message = body, .reply = 1, .member = 1};
        if (urne_forum_contribution_check(&c, URNE_FORUM_A_PRIORI, 1, &f) < 0) return urne_app_forum_refuse(out, &f);
        snprintf(p->edited_body, sizeof p->edited_body, "%s", body);
        snprintf(p->edit_note, sizeof p->edit_note, "%s", reason);
    } else if (act == URNE_MOD_REJECT)
        snprintf(p->reason, sizeof p->reason, "%s", reason);
    return URNE_APP_OK;
}

urne_app_status urne_app_forum_moderate(urne_app *app, const urne_user *actor, int64_t id, urne_moderation act,
                                        const char *reason, const char *body, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_post_row *p = malloc(sizeof *p);
    if (p == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_forum_row f;
    urne_post_state from, to;
    char expected[16];
    urne_app_status st = post_and_forum(app, id, p, &f, out);
    if (st == URNE_APP_OK) st = urne_app_forum_may(app, actor, URNE_ACT_MODERATE_FORUM, f.id, f.attached, out);
    if (st != URNE_APP_OK) goto done;
    if (urne_post_state_parse(p->state, &from) < 0 || urne_forum_moderate(from, act, &to) < 0) {
        out->why = URNE_WHY_POST_STATE;
        st = urne_app_fail(out, URNE_APP_STATE, "%s", p->state);
        goto done;
    }
    st = act_texts(act, reason, body, p, out);
    if (st != URNE_APP_OK) goto done;
    snprintf(expected, sizeof expected, "%s", p->state);
    snprintf(p->state, sizeof p->state, "%s", urne_post_state_name(to));
    snprintf(p->decided_by, sizeof p->decided_by, "%s", actor->name);
    urne_time_iso(urne_app_forum_now(app), p->decided_at);
    int rc = urne_store_begin(app->store) < 0 ? -1 : urne_store_post_decide(app->store, p, expected);
    if (rc <= 0) {
        if (rc == 0) urne_store_rollback(app->store);
        out->why = URNE_WHY_POST_STATE;
        st = rc < 0 ? urne_app_store_failed(app, out) : urne_app_fail(out, URNE_APP_STATE, "changed");
        goto done;
    }
    /* +1 into "published", -1 out of it: the forum's counts (forum_tally.c) */
    int delta = (to == URNE_POST_PUBLISHED) - (from == URNE_POST_PUBLISHED);
    if (delta && urne_app_forum_tally_announce(app, f.id, p->author_key, delta) < 0) {
        st = urne_app_store_failed(app, out);
        goto done;
    }
    char action[32], object[48];
    snprintf(action, sizeof action, "post.%s", urne_moderation_name(act));
    snprintf(object, sizeof object, "post/%lld", (long long)id);
    st = commit_audited(app, actor, action, object, urne_app_post_json(p), out);
    if (st == URNE_APP_OK) out->id = id;
    if (st == URNE_APP_OK && delta) urne_app_forum_tally_move(app, f.id, p->author_key, delta);
done:
    pthread_mutex_unlock(&app->lock);
    free(p);
    return st;
}

void urne_app_ban_value_logged(const char *value, char out[URNE_APP_BAN_LOGGED]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)value, strlen(value));
    memcpy(out, "sha256:", 7);
    sodium_bin2hex(out + 7, URNE_APP_BAN_LOGGED - 7, h, sizeof h);
}

json_t *urne_app_ban_json(const urne_forum_ban *b) {
    char logged[URNE_APP_BAN_LOGGED];
    urne_app_ban_value_logged(b->value, logged);
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)b->id, "forum", (json_int_t)b->forum,
                     "kind", b->kind, "value", logged, "reason", b->reason, "created_at", b->created_at,
                     "created_by", b->created_by);
}

urne_app_status urne_app_forum_ban(urne_app *app, const urne_user *actor, int64_t id, const char *kind,
                                   int site_wide, const char *reason, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_post_row *p = malloc(sizeof *p);
    if (p == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_forum_row f;
    urne_forum_ban b;
    memset(&b, 0, sizeof b);
    urne_app_status st = post_and_forum(app, id, p, &f, out);
    if (st == URNE_APP_OK)
        st = site_wide ? urne_app_forum_may(app, actor, URNE_ACT_MANAGE_FORUMS, 0, NULL, out)
                       : urne_app_forum_may(app, actor, URNE_ACT_MODERATE_FORUM, f.id, f.attached, out);
    if (st != URNE_APP_OK) goto done;
    int address = kind && strcmp(kind, "address") == 0, author = kind && strcmp(kind, "author") == 0;
    urne_forum_fault fault;
    if (!address && !author)
        st = bad(out, "kind", URNE_WHY_BAN_KIND, 0, 0);
    else if (reason && reason[0] && urne_forum_reason_check(reason, &fault) < 0)
        st = urne_app_forum_refuse(out, &fault);
    else if (address && p->address[0] == 0)
        st = bad(out, "kind", URNE_WHY_BAN_KIND, 0, 0); /* no address known for that post */
    if (st != URNE_APP_OK) goto done;
    b.forum = site_wide ? 0 : f.id;
    snprintf(b.kind, sizeof b.kind, "%s", kind);
    if (address)
        urne_app_forum_network(p->address, b.value); /* an IPv6 sender's /64 */
    else
        snprintf(b.value, sizeof b.value, "%s", p->author_key);
    snprintf(b.reason, sizeof b.reason, "%s", reason ? reason : "");
    urne_time_iso(urne_app_forum_now(app), b.created_at);
    snprintf(b.created_by, sizeof b.created_by, "%s", actor->name);
    if (urne_store_begin(app->store) < 0 || (b.id = urne_store_forum_ban_put(app->store, &b)) < 0) {
        st = urne_app_store_failed(app, out);
        goto done;
    }
    char object[48];
    snprintf(object, sizeof object, "forum/%lld", (long long)b.forum);
    st = commit_audited(app, actor, "forum.ban", object, urne_app_ban_json(&b), out);
    if (st == URNE_APP_OK) out->id = b.id;
done:
    pthread_mutex_unlock(&app->lock);
    free(p);
    return st;
}

/* ---- the queue ---- */

/* The forums an actor moderates, decided once each over the list of forums
 * (a few, not the posts): their ids, and whether that is every forum. */
typedef struct moderated {
    urne_app *app;
    const urne_user *actor;
    int64_t *ids;
    size_t n, cap;
    int all;    /* every forum listed is moderated */
    int no_mem; /* the list could not grow */
} moderated;

static int moderated_one(const urne_forum_row *f, void *ctx) {
    moderated *m = ctx;
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    int may = urne_app_forum_may(m->app, m->actor, URNE_ACT_MODERATE_FORUM, f->id, f->attached, &o) == URNE_APP_OK;
    urne_app_outcome_free(&o);
    if (!may) {
        m->all = 0;
        return 0;
    }
    int64_t *grown = urne_mem_room(m->ids, m->n, &m->cap, sizeof *grown, 16);
    if (grown == NULL) return m->no_mem = 1;
    m->ids = grown;
    m->ids[m->n++] = f->id;
    return 0;
}

/* The forums `actor` moderates into *m (m->ids to free): OK, STORE, NO_MEMORY.
 * Under the lock. */
static urne_app_status moderated_forums(urne_app *app, const urne_user *actor, moderated *m, urne_app_outcome *out) {
    *m = (moderated){.app = app, .actor = actor, .all = 1};
    int rc = urne_store_forum_each(app->store, moderated_one, m);
    if (m->no_mem) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    return rc < 0 ? urne_app_store_error(out, app->store) : URNE_APP_OK;
}

/* Ids of waiting posts gathered from several forums' queues. */
typedef struct gathered {
    int64_t *ids;
    size_t n, cap;
} gathered;

static int gather_id(const urne_post_row *p, void *ctx) {
    gathered *g = ctx;
    int64_t *grown = urne_mem_room(g->ids, g->n, &g->cap, sizeof *grown, 256);
    if (grown == NULL) return -2;
    g->ids = grown;
    g->ids[g->n++] = p->id;
    return 0;
}

static int by_id(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The queue across the forums in m, when they are not every forum: each one's
 * first `limit` waiting posts after `after` (a keyset read of its index), the
 * first `limit` of them all by id, each read again and passed to fn. A
 * moderator of one small forum pays for that forum's queue, not for the
 * 100,000 messages waiting in another. OK, STORE, NO_MEMORY. Under the lock. */
static urne_app_status queue_across(urne_app *app, const moderated *m, int64_t after, int64_t limit,
                                    int (*fn)(const urne_post_row *p, void *ctx), void *ctx,
                                    urne_app_outcome *out) {
    gathered g = {0};
    int rc = 0;
    for (size_t i = 0; i < m->n && rc == 0; i++) {
        urne_posts_query qq = {URNE_POSTS_QUEUE, m->ids[i], 0, after, limit};
        rc = urne_store_post_page(app->store, &qq, gather_id, &g);
    }
    if (g.n) qsort(g.ids, g.n, sizeof *g.ids, by_id);
    urne_post_row *p = rc == 0 ? malloc(sizeof *p) : NULL;
    if (rc == 0 && p == NULL) rc = -2;
    for (size_t i = 0; rc == 0 && i < g.n && i < (size_t)limit; i++) {
        int got = urne_store_post_get(app->store, g.ids[i], p);
        if (got < 0) rc = -1;
        if (got > 0 && fn(p, ctx) != 0) break;
    }
    free(p);
    free(g.ids);
    if (rc == -2) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    return rc < 0 ? urne_app_store_error(out, app->store) : URNE_APP_OK;
}

urne_app_status urne_app_forum_queue(urne_app *app, const urne_user *actor, int64_t forum, int64_t after,
                                     int64_t limit, int (*fn)(const urne_post_row *p, void *ctx), void *ctx,
                                     urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (limit < 1 || limit > 1000) return bad(out, "limit", URNE_WHY_TOO_LONG, limit, 1000);
    pthread_mutex_lock(&app->lock);
    urne_forum_row f;
    urne_app_status st = URNE_APP_OK;
    if (forum > 0) {
        st = urne_app_forum_load(app, forum, &f, out);
        if (st == URNE_APP_OK) st = urne_app_forum_may(app, actor, URNE_ACT_MODERATE_FORUM, f.id, f.attached, out);
        urne_posts_query qq = {URNE_POSTS_QUEUE, forum, 0, after, limit};
        if (st == URNE_APP_OK && urne_store_post_page(app->store, &qq, fn, ctx) < 0)
            st = urne_app_store_error(out, app->store);
    } else {
        moderated m = {0};
        st = urne_app_authorize_somewhere(app, actor, URNE_ACT_MODERATE_FORUM, out);
        if (st == URNE_APP_OK) st = moderated_forums(app, actor, &m, out);
        urne_posts_query qq = {URNE_POSTS_QUEUE, 0, 0, after, limit}; /* every forum: one read of the index */
        if (st == URNE_APP_OK && m.all && urne_store_post_page(app->store, &qq, fn, ctx) < 0)
            st = urne_app_store_error(out, app->store);
        else if (st == URNE_APP_OK && !m.all)
            st = queue_across(app, &m, after, limit, fn, ctx, out);
        free(m.ids);
    }
    pthread_mutex_unlock(&app->lock);
    return st;
}

typedef struct waiting_ctx {
    int64_t *sent;
    size_t n, cap;
} waiting_ctx;

static int waiting_one(int64_t forum, int64_t sent_at, void *ctx) {
    (void)forum;
    waiting_ctx *w = ctx;
    int64_t *grown = urne_mem_room(w->sent, w->n, &w->cap, sizeof *grown, 256);
    if (grown == NULL) return -2;
    w->sent = grown;
    w->sent[w->n++] = sent_at;
    return 0;
}

/* The waiting moments of the forums the actor may see: forum `forum`, or
 * (0) every forum they moderate, read forum by forum unless that is all. */
static urne_app_status waiting_of(urne_app *app, const urne_user *actor, int64_t forum, waiting_ctx *w,
                                  urne_app_outcome *out) {
    urne_forum_row f;
    moderated m = {0};
    urne_app_status st;
    if (forum > 0) {
        st = urne_app_forum_load(app, forum, &f, out);
        if (st == URNE_APP_OK) st = urne_app_forum_may(app, actor, URNE_ACT_MODERATE_FORUM, f.id, f.attached, out);
        m.ids = &forum, m.n = 1;
    } else {
        st = urne_app_authorize_somewhere(app, actor, URNE_ACT_MODERATE_FORUM, out);
        if (st == URNE_APP_OK) st = moderated_forums(app, actor, &m, out);
    }
    int rc = 0;
    if (st == URNE_APP_OK && forum == 0 && m.all)
        rc = urne_store_post_waiting(app->store, 0, waiting_one, w);
    else
        for (size_t i = 0; st == URNE_APP_OK && rc == 0 && i < m.n; i++)
            rc = urne_store_post_waiting(app->store, m.ids[i], waiting_one, w);
    if (forum == 0) free(m.ids);
    if (rc == -2) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    return rc != 0 ? urne_app_store_error(out, app->store) : st;
}

urne_app_status urne_app_forum_waiting(urne_app *app, const urne_user *actor, int64_t forum, int64_t *count,
                                       int64_t *median, int64_t *oldest, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    *count = *median = *oldest = 0;
    waiting_ctx w = {0};
    pthread_mutex_lock(&app->lock);
    urne_app_status st = waiting_of(app, actor, forum, &w, out);
    if (st == URNE_APP_OK) {
        *count = (int64_t)w.n;
        urne_forum_waiting(w.sent, w.n, urne_app_forum_now(app), median, oldest);
    }
    pthread_mutex_unlock(&app->lock);
    free(w.sent);
    return st;
}

/* ---- reading ---- */

/* A thread read within one forum: its posts passed on only when they are that
 * forum's, so that /forums/2/t/1 never shows forum 1's thread under forum 2's
 * title (nor its moderators' buttons to forum 2's). */
typedef struct in_forum {
    int64_t forum;
    int (*fn)(const urne_post_row *p, void *ctx);
    void *ctx;
} in_forum;

static int post_in_forum(const urne_post_row *p, void *ctx) {
    const in_forum *w = ctx;
    return p->forum == w->forum ? w->fn(p, w->ctx) : 0;
}

urne_app_status urne_app_forum_read(urne_app *app, const urne_posts_query *q,
                                    int (*fn)(const urne_post_row *p, void *ctx), void *ctx, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (q->kind != URNE_POSTS_THREADS && q->kind != URNE_POSTS_THREAD && q->kind != URNE_POSTS_RECENT)
        return bad(out, "kind", URNE_WHY_FORMAT, 0, 0);
    if (q->limit < 1 || q->limit > 1000) return bad(out, "limit", URNE_WHY_TOO_LONG, q->limit, 1000);
    pthread_mutex_lock(&app->lock);
    urne_forum_row f;
    urne_app_status st = q->kind != URNE_POSTS_THREAD ? urne_app_forum_load(app, q->forum, &f, out) : URNE_APP_OK;
    in_forum within = {q->forum, fn, ctx};
    int thread_in_forum = q->kind == URNE_POSTS_THREAD && q->forum > 0;
    if (st == URNE_APP_OK && urne_store_post_page(app->store, q, thread_in_forum ? post_in_forum : fn,
                                                  thread_in_forum ? (void *)&within : ctx) < 0)
        st = urne_app_store_error(out, app->store);
    pthread_mutex_unlock(&app->lock);
    return st;
}

urne_app_status urne_app_forum_counts(urne_app *app, int64_t id, int64_t *messages, int64_t *participants,
                                      urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_forum_row f;
    urne_app_status st = urne_app_forum_load(app, id, &f, out);
    int rc = st == URNE_APP_OK ? urne_app_forum_tally(app, id, messages, participants) : 0;
    if (rc == -2)
        st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    else if (rc < 0)
        st = urne_app_store_error(out, app->store);
    pthread_mutex_unlock(&app->lock);
    return st;
}

int urne_app_forum_moderator(urne_app *app, const urne_user *actor, int64_t id) {
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    pthread_mutex_lock(&app->lock);
    urne_forum_row f;
    int yes = urne_app_forum_load(app, id, &f, &o) == URNE_APP_OK &&
              urne_app_forum_may(app, actor, URNE_ACT_MODERATE_FORUM, f.id, f.attached, &o) == URNE_APP_OK;
    pthread_mutex_unlock(&app->lock);
    urne_app_outcome_free(&o);
    return yes;
}
