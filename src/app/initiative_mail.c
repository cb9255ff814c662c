/*
 * initiative_mail (app): a lighter petition's signature confirmed by e-mail
 * (initiative_mail.h says what each use case answers, and why).
 *
 * Asking: under the lock, the initiative collecting and confirmed by e-mail,
 * the address normalised (initiative/email.h) and hashed with the initiative's
 * key ("email|ADDRESS", which no identity key can equal: theirs hold no '@'),
 * the identity made by the engine as for a signature by name (the birth date
 * only when an age is asked), the age checked; then the pending row of that
 * hash decides: confirmed (TAKEN), pending and mailed less than RESEND ago
 * (nothing to do), else a new token (32 random bytes; the store keeps its
 * SHA-256), the row written or renewed, older mails about it dropped, and the
 * new mail put in the outbox, all in one transaction. A renewal while the link
 * lives takes the identity typed now and its mail names it, as every mail names
 * what its link confirms: whoever knows an address may replace the names, never
 * confirm them; the mailbox's owner confirms what the mail they read names.
 * (Keeping the first names, as tried, let whoever asked first fix the names the
 * owner then confirmed unseen: review finding.) The answer is the same either
 * way (the adapter words it so).
 *
 * Its time is the same too. Only a request that mails wrote (the row, the mail,
 * a commit), so that an answer to an address that had signed, or asked lately,
 * came 0.12 ms sooner: one request told a stranger whether the address signed,
 * right 94 times in 100 (review finding; bench/mail_timing.py). So every
 * answer does the same work, under the lock: a token made, the mail composed,
 * one transaction writing the pending row and a mail in the outbox. A request
 * the rules answer without mailing writes its row again as it was read (every
 * column with its own value: nothing changes), drops the waiting mails made
 * before its live link's (their links are dead: none, as each renewal drops
 * them; a request that mails drops those made before its own) and records its
 * mail withheld (added dropped, without address, subject or body, as a
 * replaced mail ends; its token, never stored, confirms nothing): the same
 * statements, in the same order (on PostgreSQL, each a round trip). What each costs was measured
 * (bench/RESULTS.md): the statements' kinds, the rows and the index entries
 * written are the same; the bytes are not (a mail's text is not written).
 *
 * Confirming: the token's hash finds the row; the signature is made from it as
 * initiative_sign.c makes one (the sealed identity and address, the marks, a
 * new receipt) and committed through the same ticket (initiative_batch.c), so
 * the store's deduplication on (initiative, dedup) decides: a second confirmation of
 * the same address, from any server, is TAKEN and counts nothing. The pending
 * row is then marked confirmed in a short transaction of its own; a crash in
 * between leaves it pending, and following the link again finds the signature
 * (TAKEN) and marks it then: harmless either way.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../initiative/email.h"
#include "../initiative/identity.h"
#include "initiative_internal.h"
#include "initiative_mail.h"

static urne_app_status bad(urne_app_outcome *out, const char *field, const char *why, int64_t number) {
    snprintf(out->field, sizeof out->field, "%s", field);
    out->why = why;
    out->number = number;
    return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
}

static urne_app_status state(urne_app_outcome *out, const char *why, const char *detail) {
    out->why = why;
    return urne_app_fail(out, URNE_APP_STATE, "%s", detail ? detail : "");
}

/* h found, signable by actor, collecting and in its window at now. */
static urne_initiative_held *collecting(urne_app *app, const urne_user *actor, int64_t id, int64_t now,
                                        urne_app_outcome *out) {
    urne_initiative_held *h = urne_app_initiative_find(app, id, out);
    if (h == NULL || urne_app_initiative_may(app, actor, URNE_ACT_SIGN_INITIATIVE, h, out) != URNE_APP_OK) return NULL;
    if (h->state != URNE_INITIATIVE_COLLECTING) return state(out, URNE_WHY_NOT_COLLECTING, h->row.state), NULL;
    int64_t opens, closes;
    urne_app_initiative_window(h, &opens, &closes);
    if (now < opens || now >= closes) return state(out, URNE_WHY_WINDOW, h->row.state), NULL;
    if (h->rules.identity != URNE_INITIATIVE_BY_EMAIL) return state(out, URNE_WHY_NOT_BY_EMAIL, NULL), NULL;
    return h;
}

/* The identity and the address sealed to the authority into p->sealed. 0 or -1. */
static int seal(urne_initiative_held *h, int64_t now, const urne_initiative_identity *id, int with_birth,
                const char *email, urne_initiative_pending *p) {
    char birth[16] = "";
    if (with_birth) snprintf(birth, sizeof birth, "%04d-%02d-%02d", id->birth.year, id->birth.month, id->birth.day);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", id->name, "given", id->given, "birth", birth,
                          "commune", id->commune, "territory", id->commune, "elector", "", "email", email);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (text == NULL) return -1;
    size_t n = strlen(text);
    int rc = urne_sealer_box(&h->sealer, now, (const unsigned char *)text, n, p->sealed, sizeof p->sealed);
    sodium_memzero(text, n);
    free(text);
    return rc;
}

/* The signer checked: the address into `email` (normalised), its hash into
 * p->email_hash, the identity sealed, the marks and territory set. OK or the refusal. */
static urne_app_status signer_check(urne_initiative_held *h, const urne_initiative_signer *in, const char *address,
                                    int64_t now, char email[URNE_INITIATIVE_EMAIL_MAX], urne_initiative_pending *p,
                                    urne_app_outcome *out) {
    size_t at = 0;
    const char *rule = urne_initiative_email_normalise(address, email, URNE_INITIATIVE_EMAIL_MAX, &at);
    if (rule) return bad(out, "email", rule, (int64_t)at);
    int with_birth = h->rules.age_min > 0; /* a date is asked only for the age the rules ask */
    urne_initiative_identity id;
    urne_initiative_identity_fault fault;
    if (urne_initiative_identity_make(in->name, in->given, with_birth ? in->birth : "2000-01-01", in->commune, now,
                                      &id, &fault) < 0)
        return urne_app_initiative_bad_identity(out, &fault);
    if (urne_initiative_eligible(&h->rules, &id, "", 1, now) == URNE_INITIATIVE_UNDER_AGE)
        return bad(out, "birth", URNE_WHY_UNDER_AGE, h->rules.age_min);
    char key[URNE_INITIATIVE_EMAIL_MAX + 8], box[URNE_INITIATIVE_EMAIL_MAX];
    urne_initiative_email_mailbox(email, box, sizeof box); /* one signature a mailbox, however addressed */
    snprintf(key, sizeof key, "email|%s", box);
    sodium_memzero(box, sizeof box);
    urne_app_initiative_keyed_hash(h, key, p->email_hash);
    urne_app_initiative_marks(h, in->origin, p->email_hash, now, p->marks, sizeof p->marks);
    size_t commune = strlen(id.commune); /* the territory it counts in: a territory's 63 bytes at most */
    if (commune >= sizeof p->territory) return bad(out, "commune", URNE_WHY_TOO_LONG, (int64_t)sizeof p->territory - 1);
    memcpy(p->territory, id.commune, commune + 1);
    if (seal(h, now, &id, with_birth, email, p) < 0) return bad(out, "name", URNE_WHY_TOO_LONG, 0);
    return URNE_APP_OK;
}

/* What mail m is about: pending row p. */
static void mail_object(urne_mail_row *m, const urne_initiative_pending *p) {
    snprintf(m->object, sizeof m->object, "initiative/%lld/pending/%lld", (long long)p->initiative, (long long)p->id);
}

/* The pending row p (new: p->id 0) and its mail written in one transaction. */
static urne_app_status write_request(urne_app *app, urne_initiative_pending *p, urne_mail_row *m,
                                     urne_app_outcome *out) {
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    int64_t id = p->id ? urne_store_pending_renew(app->store, p) : urne_store_pending_put(app->store, p);
    if (id == 0 && p->id) { /* confirmed by another request meanwhile */
        urne_store_rollback(app->store);
        out->why = URNE_WHY_ALREADY_SIGNED;
        return urne_app_fail(out, URNE_APP_TAKEN, NULL);
    }
    if (id == 0) { /* asked by another request (another server) meanwhile: its mail stands */
        urne_store_rollback(app->store);
        out->why = URNE_WHY_MAIL_RECENT;
        out->number = URNE_INITIATIVE_MAIL_RESEND;
        return URNE_APP_OK;
    }
    if (id > 0 && !p->id) p->id = id;
    mail_object(m, p);
    char after[24]; /* every mail made until now: the new link replaces theirs */
    urne_time_iso(p->requested_at + 1, after);
    if (id < 0 || urne_store_mail_drop(app->store, m->object, after, m->created_at) < 0 ||
        urne_store_mail_put(app->store, m) < 0 || urne_store_commit(app->store) < 0)
        return urne_app_store_failed(app, out);
    out->why = URNE_WHY_MAIL_SENT;
    return URNE_APP_OK;
}

/* A request the rules answer without mailing: its row (old, as read) written
 * again and its mail m recorded withheld, in one transaction, as a request
 * that mails writes its row and its mail (the essay above says why). */
static urne_app_status withhold(urne_app *app, const urne_initiative_pending *old, urne_mail_row *m,
                                urne_app_outcome *out) {
    mail_object(m, old);
    char live[24]; /* the mails before the live link's: their links are dead (none, as renewals drop them) */
    urne_time_iso(old->requested_at, live);
    if (urne_store_begin(app->store) < 0 || urne_store_pending_rewrite(app->store, old) < 0 ||
        urne_store_mail_drop(app->store, m->object, live, m->created_at) < 0 ||
        urne_store_mail_withheld(app->store, m) < 0 || urne_store_commit(app->store) < 0)
        return urne_app_store_failed(app, out);
    return URNE_APP_OK;
}

/* A new link's token (hex) into token, its SHA-256 (hex, what the store keeps)
 * into hash. */
static void token_make(char token[URNE_INITIATIVE_TOKEN_HEX], char hash[URNE_STORE_INITIATIVE_HASH]) {
    unsigned char raw[32], digest[crypto_hash_sha256_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, URNE_INITIATIVE_TOKEN_HEX, raw, sizeof raw);
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(hash, URNE_STORE_INITIATIVE_HASH, digest, sizeof digest);
    sodium_memzero(raw, sizeof raw);
}

/* The mail of pending row p, composed by the adapter, into m. OK or NO_MEMORY. */
static urne_app_status compose_mail(const urne_initiative_held *h, const urne_initiative_signer *in,
                                    const char *email, const char *token, const urne_initiative_pending *p,
                                    int renewal, urne_initiative_mail_compose compose, void *ctx, urne_mail_row *m,
                                    urne_app_outcome *out) {
    urne_initiative_mail_facts f = {h->row.id, h->row.title, token,        in->name,
                                    in->given, in->commune,  p->expires_at, renewal};
    snprintf(m->recipient, sizeof m->recipient, "%s", email);
    if (compose(&f, m->subject, sizeof m->subject, m->body, sizeof m->body, ctx) < 0)
        return urne_app_fail(out, URNE_APP_NO_MEMORY, "the mail does not fit");
    m->next_at = p->requested_at;
    m->expires_at = p->expires_at;
    urne_time_iso(p->requested_at, m->created_at);
    return URNE_APP_OK;
}

/* What the row of an address (old; found 0: none) makes of a request at now. */
typedef enum { ASK_MAIL, ASK_SIGNED, ASK_RECENT } ask_answer;
static ask_answer answer_of(int found, const urne_initiative_pending *old, int64_t now) {
    if (found && strcmp(old->state, "confirmed") == 0) return ASK_SIGNED;
    if (found && old->expires_at > now && now - old->requested_at < URNE_INITIATIVE_MAIL_RESEND)
        return ASK_RECENT; /* no mail bombing: the one sent stands */
    return ASK_MAIL;
}

static urne_app_status request_locked(urne_app *app, const urne_user *actor, int64_t id,
                                      const urne_initiative_signer *in, const char *address,
                                      urne_initiative_mail_compose compose, void *ctx, urne_initiative_pending *p,
                                      urne_mail_row *m, urne_app_outcome *out) {
    int64_t now = urne_app_initiative_now(app);
    urne_initiative_held *h = collecting(app, actor, id, now, out);
    if (h == NULL) return out->status;
    char email[URNE_INITIATIVE_EMAIL_MAX];
    urne_app_status st = signer_check(h, in, address, now, email, p, out);
    if (st != URNE_APP_OK) return st;
    urne_initiative_pending *old = calloc(1, sizeof *old);
    if (old == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    int found = urne_store_pending_by_email(app->store, id, p->email_hash, old);
    if (found < 0) {
        free(old);
        sodium_memzero(email, sizeof email);
        return urne_app_store_failed(app, out);
    }
    if (found) p->id = old->id;
    ask_answer answer = answer_of(found, old, now);
    /* Whichever the answer, the same work (the essay above): a new link and
     * its mail. Its link alive, the new link replaces it, with the names typed
     * now, which the mail names; the link mailed before dies with its token.
     * Whoever types the address may replace the names, never confirm them: the
     * owner of the mailbox confirms what the mail they read names. */
    char token[URNE_INITIATIVE_TOKEN_HEX];
    token_make(token, p->token_hash);
    int renewal = answer == ASK_MAIL && found && old->expires_at > now;
    p->initiative = id;
    snprintf(p->state, sizeof p->state, "pending");
    p->requested_at = now;
    p->expires_at = now + URNE_INITIATIVE_MAIL_EXPIRY;
    st = compose_mail(h, in, email, token, p, renewal, compose, ctx, m, out);
    sodium_memzero(token, sizeof token);
    if (st == URNE_APP_OK && answer == ASK_MAIL)
        st = write_request(app, p, m, out);
    else if (st == URNE_APP_OK && (st = withhold(app, old, m, out)) == URNE_APP_OK) {
        if (answer == ASK_SIGNED) {
            out->why = URNE_WHY_ALREADY_SIGNED;
            st = urne_app_fail(out, URNE_APP_TAKEN, NULL);
        } else {
            out->why = URNE_WHY_MAIL_RECENT;
            out->number = URNE_INITIATIVE_MAIL_RESEND - (now - old->requested_at);
        }
    }
    free(old);
    sodium_memzero(email, sizeof email);
    return st;
}

urne_app_status urne_app_initiative_mail_sign(urne_app *app, const urne_user *actor, int64_t id,
                                              const urne_initiative_signer *signer, const char *email,
                                              urne_initiative_mail_compose compose, void *ctx, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_initiative_pending *p = calloc(1, sizeof *p);
    urne_mail_row *m = calloc(1, sizeof *m);
    urne_app_status st;
    if (p == NULL || m == NULL)
        st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    else {
        pthread_mutex_lock(&app->lock);
        st = request_locked(app, actor, id, signer, email, compose, ctx, p, m, out);
        pthread_mutex_unlock(&app->lock);
    }
    if (m) sodium_memzero(m, sizeof *m);
    free(p);
    free(m);
    return out->status = st;
}

/* ---- following the link ---- */

/* The pending row of token into *p, checked followable at now; the ticket made
 * ready when it is to be signed (*t), or OK with why URNE_WHY_CONFIRMED. */
static urne_app_status confirm_check(urne_app *app, const urne_user *actor, int64_t id, const char *token,
                                     urne_initiative_pending *p, urne_initiative_ticket **t, urne_app_outcome *out) {
    int64_t now = urne_app_initiative_now(app);
    if (urne_app_initiative_find(app, id, out) == NULL) return out->status;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hash[URNE_STORE_INITIATIVE_HASH];
    size_t n = token ? strlen(token) : 0;
    if (n != URNE_INITIATIVE_TOKEN_HEX - 1) return bad(out, "token", URNE_WHY_UNKNOWN_LINK, 0);
    crypto_hash_sha256(digest, (const unsigned char *)token, n);
    sodium_bin2hex(hash, sizeof hash, digest, sizeof digest);
    int found = urne_store_pending_by_token(app->store, id, hash, p);
    if (found < 0) return urne_app_store_failed(app, out);
    if (found == 0) return bad(out, "token", URNE_WHY_UNKNOWN_LINK, 0);
    if (strcmp(p->state, "confirmed") == 0) {
        out->why = URNE_WHY_CONFIRMED;
        out->id = p->signature;
        return URNE_APP_OK;
    }
    if (p->expires_at <= now) return state(out, URNE_WHY_LINK_EXPIRED, NULL);
    if (collecting(app, actor, id, now, out) == NULL) return out->status;
    *t = urne_app_initiative_ticket_new();
    if (*t == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_initiative_signature *sig = urne_app_initiative_ticket_sig(*t);
    sig->initiative = id;
    memcpy(sig->dedup, p->email_hash, sizeof sig->dedup);
    memcpy(sig->territory, p->territory, sizeof sig->territory);
    memcpy(sig->sealed, p->sealed, sizeof sig->sealed);
    memcpy(sig->marks, p->marks, sizeof sig->marks);
    urne_time_iso(now, sig->signed_at);
    char code[24];
    urne_app_initiative_receipt_make(code, sig->proof);
    urne_app_initiative_ticket_set(*t, code, 0, out);
    sodium_memzero(code, sizeof code);
    return URNE_APP_OK;
}

urne_app_status urne_app_initiative_mail_confirm(urne_app *app, const urne_user *actor, int64_t id,
                                                 const char *token, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_initiative_pending *p = calloc(1, sizeof *p);
    if (p == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_initiative_ticket *t = NULL;
    pthread_mutex_lock(&app->lock);
    urne_app_status st = confirm_check(app, actor, id, token, p, &t, out);
    pthread_mutex_unlock(&app->lock);
    if (t) {
        urne_app_initiative_ticket_commit(app, t); /* counted after its commit, as every signature */
        urne_app_initiative_ticket_free(t);
        st = out->status;
        if (st == URNE_APP_OK || st == URNE_APP_TAKEN) {
            pthread_mutex_lock(&app->lock);
            int64_t sid = st == URNE_APP_OK ? out->id : 0;
            if (urne_store_begin(app->store) == 0 && urne_store_pending_confirm(app->store, p->id, sid) >= 0)
                urne_store_commit(app->store);
            else
                urne_store_rollback(app->store); /* left pending: the next follow finds the signature */
            pthread_mutex_unlock(&app->lock);
        }
        if (st == URNE_APP_TAKEN) { /* this address's signature was made before: the link followed twice */
            urne_app_outcome_init(out);
            out->why = URNE_WHY_CONFIRMED;
            st = URNE_APP_OK;
        }
    }
    free(p);
    return out->status = st;
}
