/*
 * initiative_letters (app): one-time codes by letter for the electors of an
 * initiative's roll (issue 18). The roll keeps no name in clear
 * (store_initiatives.h), so the letters are made from the roll's file again:
 * each line is read as the import reads it, found on the roll by its identity's
 * keyed hash, and given a code, whose hash, with the letter's reference and the
 * birth date, goes on that elector's entry. A code then signs *as that elector*:
 * the signature's deduplication key is the entry's, so an elector who signs in
 * their name and again with their letter (or the reverse) is answered TAKEN, and
 * the age and roll rules apply to the birth date and territory kept
 * (initiative_codes.c, urne_app_initiative_code_check).
 *
 * The codes are made, hashed and handed to the caller's function (the letters
 * file) without the application's lock, then stored in batches, each its own
 * short transaction under it (urne_initiative_code_run): a public read waits one
 * batch at most. A batch that fails takes back those stored before it, so the
 * run is kept whole or not at all.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../initiative/identity.h"
#include "../io/initiative_roll.h"
#include "initiative_internal.h"

/* Lines [from, from + n) of the roll made into letters (items, lines) and
 * handed to fn: 0, or -1 when fn gave up. */
static int letters_make(urne_initiative_code_run *run, const urne_roll *roll, size_t from, size_t n,
                        urne_initiative_roll_entry *items, long *lines, urne_initiative_roll_letter_fn fn, void *ctx) {
    char code[URNE_INITIATIVE_CODE_TEXT], key[URNE_INITIATIVE_KEY_MAX];
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const urne_roll_line *l = &roll->items[from + i];
        urne_initiative_roll_entry *e = &items[i];
        memset(e, 0, sizeof *e);
        urne_initiative_identity_key(&l->id, key, sizeof key);
        unsigned char bin[32];
        crypto_generichash(bin, sizeof bin, (const unsigned char *)key, strlen(key), run->hash_key, 32);
        sodium_bin2hex(e->key_hash, sizeof e->key_hash, bin, sizeof bin);
        urne_app_initiative_code_make(run, code, e->code_hash);
        snprintf(e->territory, sizeof e->territory, "%s", l->territory);
        snprintf(e->letter, sizeof e->letter, "%.63s/%s/%lld", l->territory, run->at, (long long)(from + i + 1));
        char born[24]; /* a date the roll's reading has checked: 10 bytes */
        snprintf(born, sizeof born, "%04d-%02d-%02d", l->id.birth.year, l->id.birth.month, l->id.birth.day);
        snprintf(e->born, sizeof e->born, "%.10s", born);
        lines[i] = l->line;
        urne_initiative_letter letter = {e->letter,    l->territory, l->id.name,
                                         l->id.given,  l->id.commune, code,
                                         from + i + 1 == roll->n};
        if (fn(&letter, ctx) < 0) rc = -1;
    }
    sodium_memzero(code, sizeof code);
    sodium_memzero(key, sizeof key);
    return rc;
}

static urne_app_status letters_run(urne_app *app, urne_initiative_code_run *run, const urne_roll *roll,
                                   urne_initiative_roll_letter_fn fn, void *ctx, urne_app_outcome *out) {
    urne_initiative_roll_entry *items = malloc(URNE_INITIATIVE_CODE_BATCH * sizeof *items);
    long *lines = malloc(URNE_INITIATIVE_CODE_BATCH * sizeof *lines);
    urne_app_status st = items && lines ? URNE_APP_OK : urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    for (size_t done = 0; st == URNE_APP_OK && done < roll->n;) {
        size_t n = roll->n - done < URNE_INITIATIVE_CODE_BATCH ? roll->n - done : URNE_INITIATIVE_CODE_BATCH;
        if (letters_make(run, roll, done, n, items, lines, fn, ctx) < 0) {
            out->why = URNE_WHY_LETTERS;
            st = urne_app_fail(out, URNE_APP_STATE, NULL);
        } else
            st = urne_app_initiative_code_batch(app, run, items, n, lines, done + n == roll->n, out);
        done += n;
    }
    if (items) sodium_memzero(items, URNE_INITIATIVE_CODE_BATCH * sizeof *items);
    free(items);
    free(lines);
    return st;
}

urne_app_status urne_app_initiative_letters(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                            size_t len, const char *source, urne_initiative_roll_letter_fn fn,
                                            void *ctx, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_diags d;
    urne_diags_init(&d, source);
    urne_initiative_code_run run = {.actor = actor, .id = id, .territory = "", .bound = 1, .diags = &d};
    urne_app_status st = urne_app_initiative_code_run_open(app, actor, &run, out);
    urne_roll roll = {0};
    if (st == URNE_APP_OK && urne_io_parse_roll(text ? text : "", text ? len : 0, urne_app_initiative_now(app), &roll,
                                                &d) < 0)
        st = urne_app_initiative_file_refused(out, &d, source);
    else if (st == URNE_APP_OK && roll.n == 0) {
        urne_diags_add(&d, URNE_DIAG_ERROR, 0, "file", "empty", "the file names no elector");
        st = urne_app_initiative_file_refused(out, &d, source);
    } else if (st == URNE_APP_OK) {
        st = letters_run(app, &run, &roll, fn, ctx, out);
        if (st == URNE_APP_BAD_INPUT && d.count > 0) {
            urne_app_outcome_init(out);
            st = urne_app_initiative_file_refused(out, &d, source);
        }
        if (st != URNE_APP_OK) urne_app_initiative_code_undo(app, &run);
    }
    if (st == URNE_APP_OK) {
        out->number = (int64_t)roll.n;
        out->id = id;
    }
    urne_roll_free(&roll);
    urne_diags_free(&d);
    urne_app_initiative_code_run_free(&run);
    return out->status = st;
}
