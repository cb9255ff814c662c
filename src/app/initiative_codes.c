/*
 * initiative_codes (app): one-time codes that the organisers send by letter, an
 * identity source for the electors of a territory that has no roll to match
 * names against (issue 18: "or from one-time codes that the organisers
 * distribute by letter"). initiative.h says what each use case answers.
 *
 * A code is a roll entry like any elector's, with the code's hash under the
 * initiative's key for its identity hash, so everything the roll does for a name
 * it does for a code, and nothing new is stored: the entry counts one elector of
 * its territory (the proportional minimums read it), the signature's
 * deduplication is that hash (UNIQUE: a code signs once, whatever the
 * connections), the sealed box the authority opens names the letter (never the
 * code). The code itself exists in clear only in this process while it is made,
 * and in what the caller's function writes (the letters file, written once):
 * the store keeps its keyed hash, and a database stolen without the letters
 * gives no code to sign with (80 random bits a code).
 *
 * The codes are handed to the caller inside the transaction that stores their
 * hashes: the caller's failure to write them (a full disk) rolls everything
 * back, so no code is kept that nobody holds, and none is written that is not
 * kept (the caller makes its file final only after the commit: cmd_initiative_
 * codes.c).
 *
 * Guessing: a wrong code from an address is counted for the minute (in a table
 * of its own beside the burst counters the other marks use, which anyone can
 * fill); past URNE_INITIATIVE_CODE_ATTEMPTS the address's codes are refused until
 * the next minute, and a code that signs from an address that had typed
 * URNE_INITIATIVE_BURST_IDENTITY wrong ones is marked "burst-code" for the
 * authority. An IPv6 address counts by its /64: a subscriber is given a whole
 * /64, and one address a guess would otherwise make the limit no limit. When the
 * table is full (URNE_INITIATIVE_BURST_SLOTS networks guessing within the
 * minute), a network not in it is not counted: refusing it instead would let
 * whoever holds that many networks (an IPv6 /48 is 65,536 /64s) shut the form
 * for every letter's holder, while past the limit a guess still meets 80
 * random bits (at a million codes, one chance in 2^60).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initiative_internal.h"

/* A new code, "XXXX-XXXX-XXXX-XXXX", and its 16 characters without dashes. */
static void code_new(char code[URNE_INITIATIVE_CODE_TEXT], char norm[URNE_INITIATIVE_CODE_CHARS + 1]) {
    static const char alphabet[] = URNE_INITIATIVE_CODE_ALPHABET;
    size_t k = 0;
    for (int i = 0; i < URNE_INITIATIVE_CODE_CHARS; i++) {
        char c = alphabet[randombytes_uniform(sizeof alphabet - 1)];
        if (i && i % 4 == 0) code[k++] = '-';
        code[k++] = c;
        norm[i] = c;
    }
    code[k] = 0;
    norm[URNE_INITIATIVE_CODE_CHARS] = 0;
}

/* A code as a signer types it, small letters and dashes and blanks allowed,
 * into its 16 characters: 0, or -1 when it is not 16 of the alphabet. */
static int code_norm(const char *typed, char norm[URNE_INITIATIVE_CODE_CHARS + 1]) {
    size_t n = 0;
    for (const char *p = typed; *p; p++) {
        char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        if (c == '-' || c == ' ') continue;
        if (n == URNE_INITIATIVE_CODE_CHARS || strchr(URNE_INITIATIVE_CODE_ALPHABET, c) == NULL) return -1;
        norm[n++] = c;
    }
    norm[n] = 0;
    return n == URNE_INITIATIVE_CODE_CHARS ? 0 : -1;
}

/* The roll entry's two hashes of a code. */
static void code_hashes(const urne_initiative_held *h, const char *norm, char key[URNE_STORE_INITIATIVE_HASH],
                        char index[URNE_STORE_INITIATIVE_HASH]) {
    char text[48];
    snprintf(text, sizeof text, "code|%s", norm);
    urne_app_initiative_keyed_hash(h, text, key);
    snprintf(text, sizeof text, "code-index|%s", norm);
    urne_app_initiative_keyed_hash(h, text, index);
    sodium_memzero(text, sizeof text);
}

static urne_app_status bad(urne_app_outcome *out, const char *field, const char *why, int64_t number) {
    snprintf(out->field, sizeof out->field, "%s", field);
    out->why = why;
    out->number = number;
    return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
}

/* ---- generation ---- */

typedef struct batch {
    const char *territory;
    char at[24]; /* the generation's time, in each letter's name */
    int64_t count;
    urne_initiative_letter_fn fn;
    void *ctx;
} batch;

/* Every code of the batch stored and handed over: 0; -1 the store failed; -2 fn
 * gave up; -3 memory or sealing failed. */
static int codes_write(urne_app *app, urne_initiative_held *h, const batch *b, urne_initiative_roll_entry *e) {
    char code[URNE_INITIATIVE_CODE_TEXT], norm[URNE_INITIATIVE_CODE_CHARS + 1], letter[128];
    int rc = 0;
    for (int64_t k = 0; k < b->count && rc == 0;) {
        memset(e, 0, sizeof *e);
        code_new(code, norm);
        code_hashes(h, norm, e->key_hash, e->index_hash);
        snprintf(e->territory, sizeof e->territory, "%s", b->territory);
        snprintf(letter, sizeof letter, "%s/%s/%lld", b->territory, b->at, (long long)(k + 1));
        json_t *j = json_pack("{s:s, s:s}", "letter", letter, "territory", b->territory);
        char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(j);
        if (text == NULL || urne_sealer_box(&h->sealer, urne_app_initiative_now(app), (const unsigned char *)text,
                                            strlen(text), e->sealed, sizeof e->sealed) < 0)
            rc = -3;
        free(text);
        int put = rc == 0 ? urne_store_initiative_roll_put(app->store, h->row.id, e) : 0;
        if (put < 0) rc = -1;
        if (rc == 0 && put == 1) { /* 0: the same code twice (1 in 2^80): made again */
            if (b->fn(letter, b->territory, code, b->ctx) < 0) rc = -2;
            k++;
        }
    }
    sodium_memzero(code, sizeof code);
    sodium_memzero(norm, sizeof norm);
    return rc;
}

static urne_app_status codes_commit(urne_app *app, const urne_user *actor, urne_initiative_held *h, const batch *b,
                                    urne_app_outcome *out) {
    urne_initiative_roll_entry *e = malloc(sizeof *e);
    if (e == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (urne_store_begin(app->store) < 0) {
        free(e);
        return urne_app_store_failed(app, out);
    }
    int rc = codes_write(app, h, b, e);
    free(e);
    char object[48];
    snprintf(object, sizeof object, "initiative/%lld", (long long)h->row.id);
    int oom = 0;
    json_t *after = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)h->row.id, "territory", b->territory, "count",
                              (json_int_t)b->count);
    if (rc == 0 && urne_app_initiative_audit(app, actor->name, "initiative.codes", object, after, &oom) < 0)
        rc = oom ? -3 : -1;
    else if (rc != 0)
        json_decref(after);
    if (rc == -1 || (rc == 0 && urne_store_commit(app->store) < 0)) return urne_app_store_failed(app, out);
    if (rc == 0) return URNE_APP_OK;
    urne_store_rollback(app->store);
    if (rc == -3) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    out->why = URNE_WHY_LETTERS;
    return urne_app_fail(out, URNE_APP_STATE, NULL);
}

static urne_app_status codes_locked(urne_app *app, const urne_user *actor, int64_t id, batch *b,
                                    urne_app_outcome *out) {
    urne_initiative_held *h = urne_app_initiative_roll_open(app, actor, id, out);
    if (h == NULL) return out->status;
    urne_app_status st = URNE_APP_OK;
    if (b->count < 1 || b->count > URNE_INITIATIVE_CODES_MAX)
        return bad(out, "count", URNE_WHY_CODE_COUNT, URNE_INITIATIVE_CODES_MAX);
    size_t len = strlen(b->territory);
    int control = 0;
    for (const char *p = b->territory; *p; p++) control |= (unsigned char)*p < 0x20 || *p == 0x7f;
    if (len == 0 || len >= sizeof h->territories[0].name || control)
        return bad(out, "territory", URNE_WHY_TERRITORY, (int64_t)sizeof h->territories[0].name - 1);
    urne_app_initiative_iso(urne_app_initiative_now(app), b->at);
    if ((st = codes_commit(app, actor, h, b, out)) != URNE_APP_OK) return st;
    if (urne_app_initiative_count(h, b->territory, b->count, 0) < 0)
        return urne_app_fail(out, URNE_APP_NO_MEMORY, "the codes are kept; restart to count them");
    out->number = b->count;
    out->id = id;
    urne_app_changed(app);
    return URNE_APP_OK;
}

urne_app_status urne_app_initiative_codes(urne_app *app, const urne_user *actor, int64_t id, const char *territory,
                                          int64_t count, urne_initiative_letter_fn fn, void *ctx,
                                          urne_app_outcome *out) {
    urne_app_outcome_init(out);
    batch b = {territory ? territory : "", "", count, fn, ctx};
    pthread_mutex_lock(&app->lock);
    urne_app_status st = codes_locked(app, actor, id, &b, out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

/* ---- signing with a code ---- */

urne_app_status urne_app_initiative_code_check(urne_initiative_held *h, urne_store *store,
                                               const urne_initiative_signer *in, int64_t now,
                                               urne_initiative_signature *sig, urne_app_outcome *out) {
    char key[48], norm[URNE_INITIATIVE_CODE_CHARS + 1], index[URNE_STORE_INITIATIVE_HASH];
    urne_app_initiative_origin_key("c:", in->origin, 64, key); /* an IPv6 address: its /64 */
    int64_t wrong = urne_app_initiative_burst(h, key, now, 0);
    if (wrong >= URNE_INITIATIVE_CODE_ATTEMPTS) {
        out->why = URNE_WHY_CODE_ATTEMPTS;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    if (code_norm(in->code, norm) < 0) return bad(out, "code", URNE_WHY_CODE_FORMAT, URNE_INITIATIVE_CODE_CHARS);
    code_hashes(h, norm, sig->dedup, index);
    sodium_memzero(norm, sizeof norm);
    urne_initiative_roll_entry entry;
    int64_t homonyms = 0;
    int found = urne_store_initiative_roll_find(store, h->row.id, sig->dedup, index, &entry, &homonyms);
    if (found < 0) return URNE_APP_STORE;
    if (found == 0) {
        urne_app_initiative_burst(h, key, now, 1);
        return bad(out, "code", URNE_WHY_UNKNOWN_CODE, 0);
    }
    if (wrong >= URNE_INITIATIVE_BURST_IDENTITY) {
        size_t used = strlen(sig->marks);
        snprintf(sig->marks + used, sizeof sig->marks - used, "%sburst-code", used ? "," : "");
    }
    sig->initiative = h->row.id;
    snprintf(sig->territory, sizeof sig->territory, "%s", entry.territory);
    memcpy(sig->sealed, entry.sealed, sizeof sig->sealed);
    urne_app_initiative_iso(now, sig->signed_at);
    return URNE_APP_OK;
}
