/*
 * import: creating an election from a file the results engine reads (the
 * Ministry's, the legislative file, urne's native CSV), for every adapter (the API
 * and the administration page, `urne election import`, the demo).
 *
 * Bureaux whose figures are in the file are stored as entered (imported results);
 * the others wait for their secretaries. The audit entry records the file's
 * SHA-256, so the import can be traced to the exact bytes, and every bureau's
 * state and figures as stored, so that `urne audit verify` can tell them from
 * figures changed later behind the log's back. Fields that do not fit their place
 * are refused with their limit, never cut; so is a contest larger than the server
 * holds.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../i18n/i18n.h"
#include "../io/results_io.h"
#include "../core/urne_buf.h"
#include "import.h"

int urne_election_rules(const urne_election_meta *m, urne_rules *out, urne_phrase *why) {
    if (urne_rules_preset(m->preset, out) < 0) {
        urne_phrase_set(why, "unknown rules preset '%s' (expected one of %s)", m->preset, urne_rules_preset_names());
        return -1;
    }
    char settings[sizeof m->settings];
    snprintf(settings, sizeof settings, "%s", m->settings);
    for (char *p = settings, *save = NULL, *kv; (kv = strtok_r(p, ";", &save)); p = NULL) {
        char *eq = strchr(kv, '=');
        if (eq == NULL) {
            urne_phrase_set(why, "rule setting '%s': expected KEY=VALUE", kv);
            return -1;
        }
        *eq = 0;
        if (urne_rules_set(out, kv, eq + 1, why) < 0) return -1;
    }
    return 0;
}

/* A refusal of the request (not of the file): BAD_INPUT on `field` for the reason
 * `why`, with the value (cut to fit: it is only shown) and a number. -1. */
static int refuse(urne_app_outcome *out, const char *field, const char *why, const char *value, int64_t number) {
    out->status = URNE_APP_BAD_INPUT;
    out->why = why;
    out->number = number;
    snprintf(out->field, sizeof out->field, "%s", field);
    snprintf(out->detail, sizeof out->detail, "%.200s", value ? value : "");
    return -1;
}

/* Copy a field into its fixed place in the election's record, or refuse it with
 * the limit named (URNE_WHY_TOO_LONG): a title or a setting is never cut short
 * without a word. */
static int fits(const char *field, const char *value, char *dst, size_t size, urne_app_outcome *out) {
    size_t n = strlen(value);
    if (n < size) {
        memcpy(dst, value, n + 1);
        return 1;
    }
    char len[32];
    snprintf(len, sizeof len, "%zu", n);
    refuse(out, field, URNE_WHY_TOO_LONG, len, (int64_t)size - 1);
    return 0;
}

/* The file parsed into a round; *fmt is the format asked (URNE_FMT_AUTO: guessed).
 * NULL with the refusal in out: an unknown format (URNE_WHY_FORMAT), or the file's
 * errors (URNE_WHY_FILE, in out->checks, for the adapter to word in its reader's
 * language; out->detail their English text, for the log). */
static urne_round *import_parse(const urne_import *im, urne_results_format *fmt, urne_app_outcome *out) {
    *fmt = URNE_FMT_AUTO;
    if (im->format && *im->format && strcmp(im->format, "auto") != 0 && urne_io_format_parse(im->format, fmt) < 0) {
        refuse(out, "format", URNE_WHY_FORMAT, im->format, 0);
        return NULL;
    }
    urne_diags diags;
    urne_diags_init(&diags, im->source);
    urne_round *round = urne_io_results_parse(im->text, im->len, *fmt, URNE_ENC_AUTO, &diags);
    if (round == NULL) {
        refuse(out, "file", URNE_WHY_FILE, NULL, (int64_t)diags.count);
        urne_i18n_diags_text(URNE_LANG_EN, &diags, URNE_IMPORT_SHOWN, out->detail, sizeof out->detail);
        out->checks.file = im->source;
        urne_diags_append(&out->checks, &diags);
    }
    urne_diags_free(&diags);
    return round;
}

/* The rules' preset and settings of the election's record: those asked, else the
 * file's, else the format's default; the file's settings first, then those asked.
 * 0, or -1 with the refusal in out. */
static int import_rules(const urne_import *im, const urne_round *round, urne_results_format fmt,
                        urne_election_meta *m, urne_app_outcome *out) {
    const char *preset = im->preset && *im->preset ? im->preset
                         : round->rules_hint       ? round->rules_hint
                         : round->contest_level > 0 ? "legislative"
                         : fmt == URNE_FMT_NATIVE   ? "party"
                                                    : "presidential";
    urne_buf settings = {0};
    for (size_t i = 0; i < round->nrule_settings; i++) urne_buf_printf(&settings, "%s;", round->rule_settings[i]);
    if (round->blank_recognised_hint) urne_buf_puts(&settings, "blank=recognised;");
    if (im->settings) urne_buf_puts(&settings, im->settings);
    char *all_settings = urne_buf_take(&settings, NULL);
    int ok = all_settings && fits("rules", preset, m->preset, sizeof m->preset, out) &&
             fits("set", all_settings, m->settings, sizeof m->settings, out);
    if (all_settings == NULL) urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    free(all_settings);
    return ok ? 0 : -1;
}

/* The election's record from the file and what the import asks. 0, or -1 with the
 * refusal in out: a field too long for its place, a deadline that is no moment, a
 * zone urne does not know, or rules the engine refuses. */
static int import_meta(const urne_import *im, const urne_round *round, urne_results_format fmt,
                       urne_election_meta *m, urne_app_outcome *out) {
    const char *title = im->title && *im->title ? im->title : round->election ? round->election : im->source;
    const char *zone = im->zone && *im->zone ? im->zone : URNE_ZONE_DEFAULT;
    if (!fits("title", title, m->title, sizeof m->title, out) ||
        !fits("space", im->space ? im->space : "", m->space, sizeof m->space, out))
        return -1;
    if (!urne_i18n_zone_known(zone)) return refuse(out, "zone", URNE_WHY_ZONE, zone, 0);
    snprintf(m->zone, sizeof m->zone, "%s", zone);
    /* Kept in UTC as every moment of the store, so that entries compare with it; a
     * time without its offset is the election's zone's, as its pages show it. */
    m->deadline[0] = '\0';
    if (im->deadline && *im->deadline && urne_i18n_moment_utc(im->deadline, m->zone, m->deadline) < 0)
        return refuse(out, "deadline", URNE_WHY_DEADLINE, im->deadline, 0);
    m->round = im->round ? im->round : round->number;
    if (import_rules(im, round, fmt, m, out) < 0) return -1;
    m->double_entry = im->double_entry;
    urne_rules rules;
    if (urne_election_rules(m, &rules, &out->reason) < 0) {
        refuse(out, "rules", URNE_WHY_RULES, NULL, 0);
        urne_phrase_write(&out->reason, NULL, NULL, out->detail, sizeof out->detail);
        return -1;
    }
    return 0;
}

/* Store the election and its audit entry in one transaction. Its id, or -1 with
 * STORE (or NO_MEMORY) in out, the store's reason in out->detail (the
 * transaction rolled back). */
static int64_t import_store(urne_store *store, const char *actor, const urne_import *im, const urne_election_meta *m,
                            const urne_round *round, urne_app_outcome *out) {
    urne_sheet_state *states = malloc((round->nsheets ? round->nsheets : 1) * sizeof *states);
    for (size_t i = 0; states && i < round->nsheets; i++)
        states[i] = round->sheets[i].reported ? URNE_SHEET_ENTERED : URNE_SHEET_MISSING;
    unsigned char h[crypto_hash_sha256_BYTES];
    char digest[65];
    crypto_hash_sha256(h, (const unsigned char *)im->text, im->len);
    sodium_bin2hex(digest, sizeof digest, h, sizeof h);
    int64_t id = -1;
    if (states && urne_store_begin(store) == 0) {
        id = urne_store_election_create(store, m, round, states);
        char object[64];
        snprintf(object, sizeof object, "election/%lld", (long long)id);
        /* The election as stored (its creation time included) and every bureau's state
         * and figures, so that the log can be replayed (store.h). */
        urne_election_meta stored;
        char structure[65];
        char *after = id > 0 && urne_store_election_meta(store, id, &stored) == 1 &&
                              urne_store_structure_digest(store, id, structure) == 0
                          ? urne_audit_created_record(&stored, round, states, im->source, digest, structure)
                          : NULL;
        if (id < 0 || after == NULL || urne_store_audit(store, actor, "election.create", object, NULL, after) < 0 ||
            urne_store_commit(store) < 0) {
            if (id > 0 && after == NULL)
                urne_app_store_fail(out, "the import could not be recorded in the audit log");
            else
                urne_app_store_error(out, store);
            urne_store_rollback(store);
            id = -1;
        }
        free(after);
    } else if (states)
        urne_app_store_error(out, store);
    else
        urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    free(states);
    return id;
}

int64_t urne_import_election(urne_store *store, const char *actor, const urne_import *im, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (im->space) {
        long at = urne_space_fault(im->space);
        if (at != URNE_SPACE_OK) return refuse(out, "space", URNE_WHY_SPACE, im->space, at);
    }
    urne_results_format fmt;
    urne_round *round = import_parse(im, &fmt, out);
    if (round == NULL) return -1;
    urne_election_meta m = {0};
    int64_t id = import_meta(im, round, fmt, &m, out) < 0 ? -1 : import_store(store, actor, im, &m, round, out);
    urne_round_free(round);
    return id;
}

urne_app_status urne_app_election_import(urne_app *app, const urne_user *actor, const urne_import *im,
                                         urne_app_outcome *out) {
    urne_app_outcome_init(out);
    if (urne_app_may(app, actor, URNE_ACT_MANAGE_ELECTIONS, 0, out) != URNE_APP_OK) return out->status;
    pthread_mutex_lock(&app->lock);
    int64_t id = urne_import_election(app->store, actor->name, im, out);
    if (id <= 0)
        ; /* refused: out says why */
    else if (urne_app_election_reload(app, id) < 0)
        urne_app_store_fail(out, "election %lld was stored but could not be loaded back", (long long)id);
    else {
        out->id = id;
        urne_app_changed(app);
    }
    pthread_mutex_unlock(&app->lock);
    return out->status;
}
