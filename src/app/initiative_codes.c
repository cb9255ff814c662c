/*
 * initiative_codes (app): one-time codes that the organisers send by letter
 * (issue 18: "or from one-time codes that the organisers distribute by letter").
 * initiative.h says what each use case answers.
 *
 * Two kinds, and why a territory has only one of them. A letter for an elector
 * of the roll (initiative_letters.c) puts the code's keyed hash on that
 * elector's roll entry (migration 12), with the letter's reference and the birth
 * date: a code then signs *as that elector*, its signature deduplicated by the
 * entry's own key, so a signature by name and one by code are one (the second
 * TAKEN), and the age and roll rules read the entry as they read a signer's
 * identity (code_rules: same refusals, same words). An anonymous code, for a
 * territory that has no roll to match names against, is a roll entry of its own
 * whose key is the code's hash: it counts one elector there and signs once. An
 * elector both on the roll and sent an anonymous code could sign twice, so a
 * territory is one or the other: no anonymous code where the roll has electors,
 * no signature by name nor letter from the roll where anonymous codes are (the
 * in-memory count of each territory's anonymous codes says which, rebuilt at
 * open from the roll). An anonymous code has no birth date: the organisers who
 * address it answer for the signer's age (docs/ARCHITECTURE.md).
 *
 * The code itself exists in clear only in this process while it is made, and in
 * what the caller's function writes (the letters file, written once): the store
 * keeps its keyed hash, and a database stolen without the letters gives no code
 * to sign with (80 random bits a code).
 *
 * Making codes does not hold the application (100,000 through the API held it
 * 4.9 s, a public read waiting 4.4 s): a run copies the initiative's key under
 * the lock, then makes, hashes and seals its codes and hands them to the caller
 * without it, and stores them in batches of URNE_INITIATIVE_CODE_BATCH, each its
 * own short transaction under the lock, in which the initiative's state and the
 * territories are checked again (the audit entry goes with the last batch). A
 * batch that fails, or a caller that gives up, takes back the batches stored
 * before it (urne_app_initiative_code_undo), so that no code is kept that
 * nobody holds; the command line makes its letters file final only after the
 * last commit (cmd_initiative_codes.c). A crash between two batches leaves the
 * batches stored and the temporary letters file that holds their codes.
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

#include "../initiative/identity.h"
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

/* ---- generation, outside the lock, then stored in batches ---- */

urne_app_status urne_app_initiative_code_run_open(urne_app *app, const urne_user *actor, urne_initiative_code_run *run,
                                                  urne_app_outcome *out) {
    pthread_mutex_lock(&app->lock);
    urne_initiative_held *h = urne_app_initiative_roll_open(app, actor, run->id, out);
    if (h != NULL) {
        memcpy(run->hash_key, h->hash_key, sizeof run->hash_key);
        memcpy(run->authority, h->sealer.authority, sizeof run->authority);
        urne_time_iso(urne_app_initiative_now(app), run->at);
        run->figures_known = run->bound || urne_app_initiative_figures_known(h, run->territory) == 0;
    }
    pthread_mutex_unlock(&app->lock);
    return h ? URNE_APP_OK : out->status;
}

void urne_app_initiative_code_make(const urne_initiative_code_run *run, char code[URNE_INITIATIVE_CODE_TEXT],
                                   char code_hash[URNE_STORE_INITIATIVE_HASH]) {
    char norm[URNE_INITIATIVE_CODE_CHARS + 1], text[48];
    code_new(code, norm);
    snprintf(text, sizeof text, "code|%s", norm);
    unsigned char bin[32];
    crypto_generichash(bin, sizeof bin, (const unsigned char *)text, strlen(text), run->hash_key, 32);
    sodium_bin2hex(code_hash, URNE_STORE_INITIATIVE_HASH, bin, sizeof bin);
    sodium_memzero(text, sizeof text);
    sodium_memzero(norm, sizeof norm);
}

/* The batch written inside its transaction: 0; -1 the store failed; -2 an entry
 * refused (errors in run->diags for letters; a code made twice for anonymous
 * ones, one chance in 2^80). */
static int batch_write(urne_app *app, urne_initiative_code_run *run, const urne_initiative_roll_entry *items, size_t n,
                       const long *lines) {
    int rc = 0;
    for (size_t i = 0; i < n && rc != -1; i++) {
        const urne_initiative_roll_entry *e = &items[i];
        int put = run->bound ? urne_store_initiative_roll_letter(app->store, run->id, e->key_hash, e->code_hash,
                                                                 e->letter, e->born)
                             : urne_store_initiative_roll_put(app->store, run->id, e);
        if (put < 0) rc = -1;
        if (put == 0) {
            rc = -2;
            if (run->bound && run->diags)
                urne_diags_add(run->diags, URNE_DIAG_ERROR, lines ? lines[i] : 0, "name", "no-entry-or-letter",
                               "this elector is not on the initiative's roll, or has a letter already");
        }
    }
    return rc;
}

/* The territories of the batch checked against anonymous codes: letters are
 * made for no territory that has some, anonymous codes for none that has
 * electors of the roll (an elector with both could sign twice). OK or STATE. */
static urne_app_status batch_territories(const urne_initiative_held *h, const urne_initiative_code_run *run,
                                         const urne_initiative_roll_entry *items, size_t n, urne_app_outcome *out) {
    for (size_t i = 0; i < n; i++) {
        const char *t = items[i].territory;
        if (i > 0 && strcmp(t, items[i - 1].territory) == 0) continue;
        int64_t anonymous = urne_app_initiative_anonymous(h, t);
        int clash = run->bound ? anonymous > 0 : urne_app_initiative_electors(h, t) > anonymous;
        if (clash) {
            snprintf(out->detail, sizeof out->detail, "%s", t);
            out->why = run->bound ? URNE_WHY_CODES_ANONYMOUS : URNE_WHY_CODES_ROLL;
            return urne_app_fail(out, URNE_APP_STATE, NULL);
        }
    }
    return URNE_APP_OK;
}

/* The audit entry of the run, written with its last batch. */
static int run_audit(urne_app *app, const urne_initiative_code_run *run, int *oom) {
    char object[48];
    snprintf(object, sizeof object, "initiative/%lld", (long long)run->id);
    json_t *after = run->bound ? json_pack("{s:I, s:s, s:I}", "id", (json_int_t)run->id, "letters", "roll", "count",
                                           (json_int_t)(run->stored))
                               : json_pack("{s:I, s:s, s:I}", "id", (json_int_t)run->id, "territory", run->territory,
                                           "count", (json_int_t)run->stored);
    return urne_app_initiative_audit(app, run->actor->name, "initiative.codes", object, after, oom);
}

static int run_remember(urne_initiative_code_run *run, const urne_initiative_roll_entry *items, size_t n) {
    if (run->stored + (int64_t)n > run->cap) {
        int64_t cap = run->cap ? run->cap * 2 : 4096;
        while (cap < run->stored + (int64_t)n) cap *= 2;
        char(*grown)[URNE_STORE_INITIATIVE_HASH] = realloc(run->keys, (size_t)cap * sizeof *grown);
        if (grown == NULL) return -1;
        run->keys = grown, run->cap = cap;
    }
    for (size_t i = 0; i < n; i++) memcpy(run->keys[run->stored++], items[i].key_hash, URNE_STORE_INITIATIVE_HASH);
    return 0;
}

/* The counts held follow n anonymous codes of territory t (n < 0: taken back). */
static void run_count(urne_initiative_held *h, const char *t, int64_t n) {
    if (urne_app_initiative_count(h, t, n, 0) == 0) urne_app_initiative_anonymous_add(h, t, n);
}

static urne_app_status batch_locked(urne_app *app, urne_initiative_code_run *run,
                                    const urne_initiative_roll_entry *items, size_t n, const long *lines, int last,
                                    urne_app_outcome *out) {
    urne_initiative_held *h = urne_app_initiative_roll_open(app, run->actor, run->id, out);
    if (h == NULL) return out->status;
    urne_app_status st = batch_territories(h, run, items, n, out);
    if (st != URNE_APP_OK) return st;
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    int rc = batch_write(app, run, items, n, lines), oom = 0, remembered = 0;
    if (rc == 0) rc = run_remember(run, items, n) < 0 ? -3 : (remembered = 1, 0);
    if (rc == 0 && last && run_audit(app, run, &oom) < 0) rc = oom ? -3 : -1; /* counts run->stored: this batch's too */
    if (rc == 0 && urne_store_commit(app->store) < 0) rc = -1;
    /* Whatever failed after they were remembered, this batch's keys are not
     * stored: forgotten, so that taking the run back never touches them (the
     * counts, or letters another run gave those electors since). */
    if (rc != 0 && remembered) run->stored -= (int64_t)n;
    if (rc == -1) return urne_app_store_failed(app, out);
    if (rc != 0) {
        urne_store_rollback(app->store);
        if (rc == -3) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
        if (!run->bound) return urne_app_fail(out, URNE_APP_STORE, "a code made twice: make them again");
        snprintf(out->field, sizeof out->field, "file");
        out->why = URNE_WHY_FILE;
        return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
    }
    for (size_t i = 0; !run->bound && i < n;) {
        size_t j = i;
        while (j < n && strcmp(items[j].territory, items[i].territory) == 0) j++;
        run_count(h, items[i].territory, (int64_t)(j - i));
        i = j;
    }
    return URNE_APP_OK;
}

urne_app_status urne_app_initiative_code_batch(urne_app *app, urne_initiative_code_run *run,
                                               const urne_initiative_roll_entry *items, size_t n, const long *lines,
                                               int last, urne_app_outcome *out) {
    pthread_mutex_lock(&app->lock);
    urne_app_status st = batch_locked(app, run, items, n, lines, last, out);
    if (st == URNE_APP_OK && last) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    return st;
}

/* Take back what the run stored, under the lock in one transaction (its audit
 * entry is written only with its last batch, so there is none). */
void urne_app_initiative_code_undo(urne_app *app, urne_initiative_code_run *run) {
    if (run->stored == 0) return;
    pthread_mutex_lock(&app->lock);
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    urne_initiative_held *h = urne_app_initiative_find(app, run->id, &o);
    int rc = urne_store_begin(app->store);
    for (int64_t k = 0; rc == 0 && k < run->stored; k++)
        if (urne_store_initiative_roll_unletter(app->store, run->id, run->keys[k]) < 0) rc = -1;
    if (rc == 0 && urne_store_commit(app->store) == 0) {
        if (h && !run->bound) run_count(h, run->territory, -run->stored);
        run->stored = 0;
    } else
        urne_store_rollback(app->store);
    urne_app_outcome_free(&o);
    pthread_mutex_unlock(&app->lock);
}

void urne_app_initiative_code_run_free(urne_initiative_code_run *run) {
    free(run->keys);
    run->keys = NULL;
    run->cap = 0;
    sodium_memzero(run->hash_key, sizeof run->hash_key);
}

/* ---- anonymous codes ---- */

/* The next batch of b's codes made and handed to fn: 0; -2 fn gave up; -3 sealing failed. */
static int anonymous_make(urne_initiative_code_run *run, urne_sealer *sealer, int64_t now, int64_t from,
                          urne_initiative_roll_entry *items, size_t n, urne_initiative_letter_fn fn, void *ctx) {
    char code[URNE_INITIATIVE_CODE_TEXT];
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        urne_initiative_roll_entry *e = &items[i];
        memset(e, 0, sizeof *e);
        urne_app_initiative_code_make(run, code, e->code_hash);
        memcpy(e->key_hash, e->code_hash, sizeof e->key_hash); /* the entry is the code: found by its key */
        e->code_hash[0] = 0;
        char index[48];
        snprintf(index, sizeof index, "code-index|%.16s", e->key_hash);
        unsigned char bin[32];
        crypto_generichash(bin, sizeof bin, (const unsigned char *)index, strlen(index), run->hash_key, 32);
        sodium_bin2hex(e->index_hash, sizeof e->index_hash, bin, sizeof bin);
        snprintf(e->territory, sizeof e->territory, "%s", run->territory);
        snprintf(e->letter, sizeof e->letter, "%s/%s/%lld", run->territory, run->at, (long long)(from + (int64_t)i + 1));
        json_t *j = json_pack("{s:s, s:s}", "letter", e->letter, "territory", run->territory);
        char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(j);
        if (text == NULL ||
            urne_sealer_box(sealer, now, (const unsigned char *)text, strlen(text), e->sealed, sizeof e->sealed) < 0)
            rc = -3;
        free(text);
        if (rc == 0 && fn(e->letter, run->territory, code, ctx) < 0) rc = -2;
    }
    sodium_memzero(code, sizeof code);
    return rc;
}

static urne_app_status anonymous_run(urne_app *app, urne_initiative_code_run *run, int64_t count,
                                     urne_initiative_letter_fn fn, void *ctx, urne_app_outcome *out) {
    urne_initiative_roll_entry *items = malloc(URNE_INITIATIVE_CODE_BATCH * sizeof *items);
    if (items == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_sealer sealer;
    urne_sealer_init(&sealer, run->authority);
    urne_app_status st = URNE_APP_OK;
    for (int64_t made = 0; st == URNE_APP_OK && made < count;) {
        size_t n = count - made < URNE_INITIATIVE_CODE_BATCH ? (size_t)(count - made) : URNE_INITIATIVE_CODE_BATCH;
        int rc = anonymous_make(run, &sealer, urne_app_initiative_now(app), made, items, n, fn, ctx);
        if (rc == -3) st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
        if (rc == -2) {
            out->why = URNE_WHY_LETTERS;
            st = urne_app_fail(out, URNE_APP_STATE, NULL);
        }
        if (rc == 0) st = urne_app_initiative_code_batch(app, run, items, n, NULL, made + (int64_t)n == count, out);
        made += (int64_t)n;
    }
    sodium_memzero(items, URNE_INITIATIVE_CODE_BATCH * sizeof *items);
    free(items);
    urne_sealer_wipe(&sealer);
    return st;
}

urne_app_status urne_app_initiative_codes(urne_app *app, const urne_user *actor, int64_t id, const char *territory,
                                          int64_t count, urne_initiative_letter_fn fn, void *ctx,
                                          urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_initiative_code_run run = {.actor = actor, .id = id, .territory = territory ? territory : ""};
    urne_app_status st = urne_app_initiative_code_run_open(app, actor, &run, out);
    if (st != URNE_APP_OK) return out->status = st;
    size_t len = strlen(run.territory);
    int control = 0;
    for (const char *p = run.territory; *p; p++) control |= (unsigned char)*p < 0x20 || *p == 0x7f;
    if (count < 1 || count > URNE_INITIATIVE_CODES_MAX)
        st = bad(out, "count", URNE_WHY_CODE_COUNT, URNE_INITIATIVE_CODES_MAX);
    else if (len == 0 || len >= sizeof ((urne_initiative_territory_held *)0)->name || control)
        st = bad(out, "territory", URNE_WHY_TERRITORY, (int64_t)sizeof ((urne_initiative_territory_held *)0)->name - 1);
    else if (!run.figures_known) {
        st = bad(out, "territory", URNE_WHY_TERRITORY_FIGURES, 0);
        snprintf(out->detail, sizeof out->detail, "%s", run.territory);
    } else
        st = anonymous_run(app, &run, count, fn, ctx, out);
    if (st != URNE_APP_OK) urne_app_initiative_code_undo(app, &run);
    urne_app_initiative_code_run_free(&run);
    if (st == URNE_APP_OK) {
        out->number = count;
        out->id = id;
    }
    return out->status = st;
}

/* ---- signing with a code ---- */

/* The rules' age and roll checked for the elector of entry, as signer_check
 * does for an identity (same refusals, same words): a letter's entry keeps the
 * birth date; an anonymous code's has none, and its age is the organisers' to
 * have checked when they sent it (docs/INITIATIVES.md). */
static urne_app_status code_rules(const urne_initiative_held *h, const urne_initiative_roll_entry *entry, int64_t now,
                                  urne_app_outcome *out) {
    urne_initiative_rules r = h->rules;
    urne_initiative_identity id;
    memset(&id, 0, sizeof id);
    if (urne_initiative_date_parse(entry->born, strlen(entry->born), &id.birth) < 0) { /* "": an anonymous code */
        r.age_min = 0;
        id.birth = (urne_initiative_date){2000, 1, 1};
    }
    switch (urne_initiative_eligible(&r, &id, entry->territory, 1, now)) {
    case URNE_INITIATIVE_UNDER_AGE: return bad(out, "birth", URNE_WHY_UNDER_AGE, h->rules.age_min);
    case URNE_INITIATIVE_OTHER_ROLL:
        snprintf(out->detail, sizeof out->detail, "%s", h->rules.roll_territory);
        return bad(out, "commune", URNE_WHY_OTHER_ROLL, 0);
    case URNE_INITIATIVE_NOT_MEMBER:
    case URNE_INITIATIVE_ELIGIBLE: break;
    }
    return URNE_APP_OK;
}

urne_app_status urne_app_initiative_code_check(urne_initiative_held *h, urne_store *store,
                                               const urne_initiative_signer *in, int64_t now,
                                               urne_initiative_signature *sig, urne_app_outcome *out) {
    char key[48], norm[URNE_INITIATIVE_CODE_CHARS + 1], hash[URNE_STORE_INITIATIVE_HASH], index[URNE_STORE_INITIATIVE_HASH];
    urne_app_initiative_origin_key("c:", in->origin, 64, key); /* an IPv6 address: its /64 */
    int64_t wrong = urne_app_initiative_burst(h, key, now, 0);
    if (wrong >= URNE_INITIATIVE_CODE_ATTEMPTS) {
        out->why = URNE_WHY_CODE_ATTEMPTS;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    if (code_norm(in->code, norm) < 0) return bad(out, "code", URNE_WHY_CODE_FORMAT, URNE_INITIATIVE_CODE_CHARS);
    code_hashes(h, norm, hash, index);
    sodium_memzero(norm, sizeof norm);
    urne_initiative_roll_entry entry;
    int64_t homonyms = 0;
    /* A letter's code is on its elector's entry; an anonymous code is an entry of
     * its own whose key is its hash. */
    int found = urne_store_initiative_roll_code(store, h->row.id, hash, &entry);
    if (found == 0) found = urne_store_initiative_roll_find(store, h->row.id, hash, index, &entry, &homonyms);
    if (found < 0) return URNE_APP_STORE;
    if (found == 0) {
        urne_app_initiative_burst(h, key, now, 1);
        return bad(out, "code", URNE_WHY_UNKNOWN_CODE, 0);
    }
    urne_app_status st = code_rules(h, &entry, now, out);
    if (st != URNE_APP_OK) return st;
    if (wrong >= URNE_INITIATIVE_BURST_IDENTITY) {
        size_t used = strlen(sig->marks);
        snprintf(sig->marks + used, sizeof sig->marks - used, "%sburst-code", used ? "," : "");
    }
    sig->initiative = h->row.id;
    /* The elector's own key: a signature in their name and one with their
     * letter's code are one signature (the second is TAKEN). */
    memcpy(sig->dedup, entry.key_hash, sizeof sig->dedup);
    snprintf(sig->territory, sizeof sig->territory, "%s", entry.territory);
    snprintf(sig->letter, sizeof sig->letter, "%s", entry.letter[0] ? entry.letter : "?");
    memcpy(sig->sealed, entry.sealed, sizeof sig->sealed);
    urne_time_iso(now, sig->signed_at);
    return URNE_APP_OK;
}
