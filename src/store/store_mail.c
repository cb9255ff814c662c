/*
 * store_mail: the pending signatures of lighter petitions and the mails'
 * outbox (store_mail.h) on either backend.
 *
 * Every query is one text both dialects read ($n parameters, integers as
 * BIGINT/INTEGER columns), run by the backends' generic statements
 * (urne_store_match_ops: "run this", "read these rows into that struct"), so
 * that neither backend has a file of its own for these two tables. Each text
 * written is checked to fit its field first (refused, never cut), as
 * store_matches.c does.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"
#include "store_mail.h"

#define TXT(type, f) {#f, offsetof(type, f), sizeof(((type *)0)->f)}
#define INT(type, f) {#f, offsetof(type, f), 0}
#define NF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const urne_store_field pending_fields[] = {
    INT(urne_initiative_pending, id),           INT(urne_initiative_pending, initiative),
    TXT(urne_initiative_pending, email_hash),   TXT(urne_initiative_pending, token_hash),
    TXT(urne_initiative_pending, territory),    TXT(urne_initiative_pending, sealed),
    TXT(urne_initiative_pending, marks),        TXT(urne_initiative_pending, state),
    INT(urne_initiative_pending, requested_at), INT(urne_initiative_pending, expires_at),
    INT(urne_initiative_pending, signature),
};
#define PENDING_COLS                                                                                             \
    "SELECT id, initiative_id, email_hash, token_hash, territory, sealed, marks, state, requested_at, expires_at," \
    " signature_id FROM initiative_pending"

static const urne_store_field mail_fields[] = {
    INT(urne_mail_row, id),         TXT(urne_mail_row, object),     TXT(urne_mail_row, recipient),
    TXT(urne_mail_row, subject),    TXT(urne_mail_row, body),       TXT(urne_mail_row, state),
    INT(urne_mail_row, tries),      INT(urne_mail_row, next_at),    INT(urne_mail_row, expires_at),
    TXT(urne_mail_row, created_at), TXT(urne_mail_row, done_at),    TXT(urne_mail_row, error),
};
#define MAIL_COLS                                                                                                 \
    "SELECT id, object, recipient, subject, body, state, tries, next_at, expires_at, created_at, done_at, error" \
    " FROM mail_outbox"

/* A text parameter that fits a field of `size` bytes: 0, or -1 said on s. */
static int text(urne_store *s, const char *v, size_t size, const char *what, urne_store_param *p) {
    if (v == NULL || strnlen(v, size) >= size)
        return urne_store_fail(s, "%s is missing or longer than the %zu bytes the store holds (refused, not cut)",
                               what, size - 1);
    *p = (urne_store_param){.t = v};
    return 0;
}
#define TEXT(s, row, f, what, p) text((s), (row)->f, sizeof (row)->f, (what), (p))
static urne_store_param num(int64_t v) { return (urne_store_param){.t = NULL, .i = v}; }

static int take_first(void *row, void *ctx) {
    memcpy(((void **)ctx)[0], row, *(size_t *)((void **)ctx)[1]);
    return 1;
}

/* The first row sql gives into out (a struct of `size` bytes): 1, 0, -1. */
static int first(urne_store *s, const char *sql, const urne_store_param *p, int np, const char *what,
                 const char *table, const urne_store_field *f, int nf, void *out, size_t size) {
    void *row = malloc(size);
    if (row == NULL) return urne_store_fail(s, "out of memory %s", what);
    void *ctx[2] = {out, &size};
    int rc = s->ops->matches->rows(s, sql, p, np, what, table, f, nf, row, size, take_first, ctx);
    free(row);
    return rc < 0 ? -1 : rc == 1 ? 1 : 0;
}

static int run(urne_store *s, const char *sql, const urne_store_param *p, int np, const char *what, long *changed) {
    *changed = 0;
    return s->ops->matches->run(s, sql, p, np, what, changed);
}

/* ---- pending signatures ---- */

int urne_store_pending_by_email(urne_store *s, int64_t initiative, const char *email_hash,
                                urne_initiative_pending *out) {
    urne_store_param p[2] = {num(initiative)};
    if (text(s, email_hash, URNE_STORE_INITIATIVE_HASH, "an address's hash", &p[1]) < 0) return -1;
    return first(s, PENDING_COLS " WHERE initiative_id = $1 AND email_hash = $2", p, 2, "reading a pending signature",
                 "initiative_pending", pending_fields, NF(pending_fields), out, sizeof *out);
}

int urne_store_pending_by_token(urne_store *s, int64_t initiative, const char *token_hash,
                                urne_initiative_pending *out) {
    urne_store_param p[2] = {num(initiative)};
    if (text(s, token_hash, URNE_STORE_INITIATIVE_HASH, "a link's hash", &p[1]) < 0) return -1;
    return first(s, PENDING_COLS " WHERE initiative_id = $1 AND token_hash = $2", p, 2, "reading a pending signature",
                 "initiative_pending", pending_fields, NF(pending_fields), out, sizeof *out);
}

int64_t urne_store_pending_put(urne_store *s, const urne_initiative_pending *r) {
    urne_store_param p[10] = {num(r->initiative)};
    if (TEXT(s, r, email_hash, "an address's hash", &p[1]) < 0 || TEXT(s, r, token_hash, "a link's hash", &p[2]) < 0 ||
        TEXT(s, r, territory, "a territory", &p[3]) < 0 || TEXT(s, r, sealed, "a sealed identity", &p[4]) < 0 ||
        TEXT(s, r, marks, "a signature's marks", &p[5]) < 0 || TEXT(s, r, state, "a pending state", &p[6]) < 0)
        return -1;
    p[7] = num(r->requested_at), p[8] = num(r->expires_at), p[9] = num(r->signature);
    static const urne_store_field id_field[] = {INT(urne_initiative_pending, id)};
    urne_initiative_pending *got = calloc(1, sizeof *got);
    if (got == NULL) return urne_store_fail(s, "out of memory adding a pending signature");
    int rc = first(s,
                   "INSERT INTO initiative_pending(initiative_id, email_hash, token_hash, territory, sealed, marks,"
                   " state, requested_at, expires_at, signature_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                   " ON CONFLICT DO NOTHING RETURNING id",
                   p, 10, "adding a pending signature", "initiative_pending", id_field, 1, got, sizeof *got);
    int64_t id = rc == 1 ? got->id : rc;
    free(got);
    return id;
}

int urne_store_pending_renew(urne_store *s, const urne_initiative_pending *r) {
    urne_store_param p[7];
    if (TEXT(s, r, token_hash, "a link's hash", &p[0]) < 0 || TEXT(s, r, territory, "a territory", &p[1]) < 0 ||
        TEXT(s, r, sealed, "a sealed identity", &p[2]) < 0 || TEXT(s, r, marks, "a signature's marks", &p[3]) < 0)
        return -1;
    p[4] = num(r->requested_at), p[5] = num(r->expires_at), p[6] = num(r->id);
    long changed;
    if (run(s,
            "UPDATE initiative_pending SET token_hash = $1, territory = $2, sealed = $3, marks = $4,"
            " state = 'pending', requested_at = $5, expires_at = $6 WHERE id = $7 AND state <> 'confirmed'",
            p, 7, "renewing a pending signature", &changed) < 0)
        return -1;
    return changed > 0;
}

int urne_store_pending_rewrite(urne_store *s, const urne_initiative_pending *r) {
    urne_store_param p[9];
    if (TEXT(s, r, token_hash, "a link's hash", &p[0]) < 0 || TEXT(s, r, territory, "a territory", &p[1]) < 0 ||
        TEXT(s, r, sealed, "a sealed identity", &p[2]) < 0 || TEXT(s, r, marks, "a signature's marks", &p[3]) < 0 ||
        TEXT(s, r, state, "a pending state", &p[4]) < 0)
        return -1;
    p[5] = num(r->requested_at), p[6] = num(r->expires_at), p[7] = num(r->signature), p[8] = num(r->id);
    long changed;
    /* Every column a new request writes, its keys too (their index entries
     * written again as a new row's are), each with the value it has. */
    if (run(s,
            "UPDATE initiative_pending SET initiative_id = initiative_id, email_hash = email_hash, token_hash = $1,"
            " territory = $2, sealed = $3, marks = $4, state = $5, requested_at = $6, expires_at = $7,"
            " signature_id = $8 WHERE id = $9 AND token_hash = $1 AND state = $5 AND requested_at = $6"
            " AND signature_id = $8",
            p, 9, "writing a pending signature again", &changed) < 0)
        return -1;
    return changed > 0;
}

int urne_store_pending_confirm(urne_store *s, int64_t id, int64_t signature) {
    urne_store_param p[2] = {num(signature), num(id)};
    long changed;
    if (run(s, "UPDATE initiative_pending SET state = 'confirmed', signature_id = $1 WHERE id = $2 AND state = 'pending'",
            p, 2, "confirming a pending signature", &changed) < 0)
        return -1;
    return changed > 0;
}

int64_t urne_store_mail_purge(urne_store *s, int64_t now, const char *before) {
    urne_store_param p[1] = {num(now)}, q[1];
    if (text(s, before, 24, "a time", &q[0]) < 0) return -1;
    long a = 0, b = 0;
    if (run(s, "DELETE FROM initiative_pending WHERE state = 'pending' AND expires_at <= $1", p, 1,
            "removing the expired pending signatures", &a) < 0 ||
        run(s, "DELETE FROM mail_outbox WHERE state IN ('sent', 'dropped', 'failed') AND done_at < $1", q, 1,
            "removing the mails that left", &b) < 0)
        return -1;
    return (int64_t)a + b;
}

/* ---- the outbox ---- */

/* Mail m added by sql, whose parameters are its object (m's, or `object`),
 * m's recipient, subject, body, next_at, expires_at and created_at: its id, or
 * -1. withheld: the three texts given empty. */
static int64_t mail_insert(urne_store *s, const urne_mail_row *m, const char *object, const char *sql, int withheld) {
    urne_store_param p[7];
    if (text(s, object ? object : m->object, sizeof m->object, "a mail's object", &p[0]) < 0 ||
        TEXT(s, m, recipient, "a mail's recipient", &p[1]) < 0 ||
        TEXT(s, m, subject, "a mail's subject", &p[2]) < 0 || TEXT(s, m, body, "a mail's body", &p[3]) < 0 ||
        TEXT(s, m, created_at, "a mail's time", &p[6]) < 0)
        return -1;
    if (withheld) p[1].t = p[2].t = p[3].t = "";
    p[4] = num(m->next_at), p[5] = num(m->expires_at);
    static const urne_store_field id_field[] = {INT(urne_mail_row, id)};
    urne_mail_row *got = calloc(1, sizeof *got);
    if (got == NULL) return urne_store_fail(s, "out of memory adding a mail");
    int rc = first(s, sql, p, 7, "adding a mail", "mail_outbox", id_field, 1, got, sizeof *got);
    int64_t id = rc == 1 && got->id > 0 ? got->id : -1;
    free(got);
    if (id < 0 && rc >= 0) return urne_store_fail(s, "adding a mail: no id came back");
    return id;
}

#define MAIL_INSERT                                                                                   \
    "INSERT INTO mail_outbox(object, recipient, subject, body, state, tries, next_at, expires_at, created_at," \
    " done_at, error) VALUES ($1, $2, $3, $4, "

int64_t urne_store_mail_put(urne_store *s, const urne_mail_row *m) {
    return mail_insert(s, m, NULL, MAIL_INSERT "'waiting', 0, $5, $6, $7, '', '') RETURNING id", 0);
}

int64_t urne_store_mail_withheld(urne_store *s, const urne_mail_row *m) {
    char object[sizeof m->object];
    if ((size_t)snprintf(object, sizeof object, "%s/withheld", m->object) >= sizeof object)
        return urne_store_fail(s, "%s is missing or longer than the %zu bytes the store holds (refused, not cut)",
                               "a mail's object", sizeof object - 1);
    return mail_insert(s, m, object, MAIL_INSERT "'dropped', 0, $5, $6, $7, $7, 'withheld') RETURNING id", 1);
}

/* What a mail leaving "waiting" no longer needs (its address, its link) emptied:
 * one text for every statement that ends a mail. */
#define MAIL_EMPTIED "recipient = '', subject = '', body = ''"

int64_t urne_store_mail_drop(urne_store *s, const char *object, const char *before, const char *at) {
    urne_store_param p[3];
    if (text(s, at, 24, "a mail's time", &p[0]) < 0 || text(s, object, 96, "a mail's object", &p[1]) < 0 ||
        text(s, before, 24, "a mail's time", &p[2]) < 0)
        return -1;
    long changed;
    if (run(s,
            "UPDATE mail_outbox SET state = 'dropped', " MAIL_EMPTIED ", done_at = $1"
            " WHERE object = $2 AND state = 'waiting' AND created_at < $3",
            p, 3, "dropping a mail", &changed) < 0)
        return -1;
    return changed;
}

int64_t urne_store_mail_drop_expired(urne_store *s, int64_t now, const char *at) {
    urne_store_param p[2] = {{.t = NULL}, num(now)};
    if (text(s, at, 24, "a mail's time", &p[0]) < 0) return -1;
    long changed;
    if (run(s,
            "UPDATE mail_outbox SET state = CASE WHEN tries > 0 THEN 'failed' ELSE 'dropped' END,"
            " error = CASE WHEN tries > 0 THEN error ELSE 'expired' END, " MAIL_EMPTIED ","
            " done_at = $1 WHERE state = 'waiting' AND expires_at > 0 AND expires_at <= $2",
            p, 2, "dropping the expired mails", &changed) < 0)
        return -1;
    return changed;
}

int urne_store_mail_due(urne_store *s, int64_t now, urne_mail_row *out) {
    urne_store_param p[1] = {num(now)};
    return first(s, MAIL_COLS " WHERE state = 'waiting' AND next_at <= $1 ORDER BY next_at, id LIMIT 1", p, 1,
                 "reading the outbox", "mail_outbox", mail_fields, NF(mail_fields), out, sizeof *out);
}

int urne_store_mail_claim(urne_store *s, int64_t id, int64_t seen, int64_t until) {
    urne_store_param p[3] = {num(until), num(id), num(seen)};
    long changed;
    if (run(s, "UPDATE mail_outbox SET next_at = $1 WHERE id = $2 AND state = 'waiting' AND next_at = $3", p, 3,
            "claiming a mail", &changed) < 0)
        return -1;
    return changed > 0;
}

int urne_store_mail_done(urne_store *s, int64_t id, const char *state, int64_t tries, int64_t next_at,
                         const char *at, const char *error) {
    urne_store_param p[6] = {{.t = NULL}, num(tries), num(next_at)};
    if (text(s, state, 16, "a mail's state", &p[0]) < 0 || text(s, error, URNE_STORE_MAIL_ERROR, "a mail's error", &p[3]) < 0 ||
        text(s, at, 24, "a mail's time", &p[4]) < 0)
        return -1;
    p[4 + (strcmp(state, "waiting") != 0)] = num(id);
    /* Leaving "waiting" empties what only the sending needed: the address and the link. */
    const char *sql = strcmp(state, "waiting") == 0
                          ? "UPDATE mail_outbox SET state = $1, tries = $2, next_at = $3, error = $4"
                            " WHERE id = $5 AND state = 'waiting'"
                          : "UPDATE mail_outbox SET state = $1, tries = $2, next_at = $3, error = $4, done_at = $5,"
                            " " MAIL_EMPTIED " WHERE id = $6 AND state = 'waiting'";
    long changed;
    if (run(s, sql, p, strcmp(state, "waiting") == 0 ? 5 : 6, "recording a mail's try", &changed) < 0) return -1;
    return changed > 0;
}

typedef struct each_ctx {
    int (*fn)(const urne_mail_row *m, void *ctx);
    void *ctx;
} each_ctx;
static int each_call(void *row, void *ctx) {
    each_ctx *c = ctx;
    return c->fn(row, c->ctx);
}

int urne_store_mail_each_unsent(urne_store *s, int64_t limit, int (*fn)(const urne_mail_row *m, void *ctx),
                                void *ctx) {
    urne_store_param p[1] = {num(limit)};
    urne_mail_row *row = malloc(sizeof *row);
    if (row == NULL) return urne_store_fail(s, "out of memory reading the outbox");
    each_ctx c = {fn, ctx};
    int rc = s->ops->matches->rows(s,
                                   "SELECT id, object, '', '', '', state, tries, next_at, expires_at, created_at,"
                                   " done_at, error FROM mail_outbox WHERE state IN ('waiting', 'failed')"
                                   " ORDER BY id DESC LIMIT $1",
                                   p, 1, "reading the outbox", "mail_outbox", mail_fields, NF(mail_fields), row,
                                   sizeof *row, each_call, &c);
    free(row);
    return rc;
}
