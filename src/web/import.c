/*
 * import: creating an election, from a file the results engine reads (the
 * Ministry's, the legislative file, urne's native CSV) or from a web form, which
 * is turned into a native CSV so that one parser and its checks serve both.
 *
 * Bureaux whose figures are in the file are stored as entered (imported results);
 * the others wait for their secretaries. The audit entry records the file's
 * SHA-256, so the import can be traced to the exact bytes, and every bureau's
 * state and figures as stored, so that `urne audit verify` can tell them from
 * figures changed later behind the log's back.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/results_io.h"
#include "import.h"
#include "web.h"

static void trim(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t')) s[--n] = 0;
    size_t k = 0;
    while (s[k] == ' ' || s[k] == '\t') k++;
    memmove(s, s + k, n - k + 1);
}

/* The form's fields as a native CSV: title, round, rules, levels ("commune,
 * bureau"), candidates (one per line), bureaux (one per line: one name per level,
 * separated by ';', then optionally the number of inscrits). */
static int form_to_native(const urne_req *r, urne_buf *out, char *why, size_t size) {
    const char *title = urne_req_param(r, "title"), *levels = urne_req_param(r, "levels"),
               *cands = urne_req_param(r, "candidates"), *bureaux = urne_req_param(r, "bureaux"),
               *round = urne_req_param(r, "round");
    if (!title || !*title || !levels || !*levels || !cands || !*cands || !bureaux || !*bureaux) {
        snprintf(why, size, "fields 'title', 'levels', 'candidates' and 'bureaux' are required (or send a file)");
        return -1;
    }
    /* These fields become lines of the native file: a line break in one would add
     * metadata lines of its own ("# rules: ..."), so it is refused, not kept. */
    const char *one_line[][2] = {{"title", title}, {"levels", levels}, {"round", round}};
    for (size_t i = 0; i < sizeof one_line / sizeof one_line[0]; i++)
        for (const char *c = one_line[i][1]; c && *c; c++)
            if ((unsigned char)*c < ' ') {
                snprintf(why, size, "field '%s': a control character (code %d) at byte %zu; it must be one line",
                         one_line[i][0], *c, (size_t)(c - one_line[i][1]) + 1);
                return -1;
            }
    urne_buf_printf(out, "# election: %s\n# round: %s\n# levels: %s\n", title, round && *round ? round : "1",
                    levels);
    char *copy = strdup(cands);
    size_t ncand = 0;
    urne_buf header = {0};
    char *lv = strdup(levels);
    size_t nlevels = 0;
    for (char *p = lv, *save = NULL, *t; (t = strtok_r(p, ",", &save)); p = NULL) {
        trim(t);
        urne_buf_printf(&header, "%s%s", nlevels ? ";" : "", t);
        nlevels++;
    }
    urne_buf_puts(&header, ";inscrits;votants;blancs;nuls;exprimes");
    for (char *p = copy, *save = NULL, *t; copy && (t = strtok_r(p, "\n", &save)); p = NULL) {
        trim(t);
        if (!*t) continue;
        if (strchr(t, ';')) {
            snprintf(why, size, "candidate '%s': a name may not contain ';'", t);
            free(copy);
            free(lv);
            urne_buf_free(&header);
            return -1;
        }
        urne_buf_printf(out, "# candidate: %s\n", t);
        urne_buf_printf(&header, ";%s", t);
        ncand++;
    }
    free(copy);
    free(lv);
    urne_buf_put(out, header.data ? header.data : "", header.len);
    urne_buf_puts(out, "\n");
    urne_buf_free(&header);
    copy = strdup(bureaux);
    for (char *p = copy, *save = NULL, *t; copy && (t = strtok_r(p, "\n", &save)); p = NULL) {
        trim(t);
        if (!*t) continue;
        size_t fields = 1;
        for (const char *c = t; *c; c++) fields += *c == ';';
        urne_buf_puts(out, t);
        if (fields == nlevels) urne_buf_puts(out, ";");
        for (size_t k = 0; k < 4 + ncand; k++) urne_buf_puts(out, ";");
        urne_buf_puts(out, "\n");
    }
    free(copy);
    return 0;
}

/* Copy a field into its fixed place in the election's record, or refuse it with
 * the limit named: a title or a setting is never cut short without a word. */
static int fits(const char *field, const char *value, char *dst, size_t size, char *err, size_t errsize) {
    size_t n = strlen(value);
    if (n < size) {
        memcpy(dst, value, n + 1);
        return 1;
    }
    snprintf(err, errsize, "field '%s': %zu bytes, more than the %zu this field holds; shorten it", field, n,
             size - 1);
    return 0;
}

int64_t urne_import_election(urne_store *store, const char *actor, const urne_import *im, char *err, size_t errsize) {
    urne_diags diags;
    urne_diags_init(&diags, im->source);
    urne_results_format fmt = URNE_FMT_AUTO;
    if (im->format && *im->format && strcmp(im->format, "auto") != 0 && urne_io_format_parse(im->format, &fmt) < 0) {
        snprintf(err, errsize, "format '%s': expected ministry, legislative or native", im->format);
        return -1;
    }
    urne_round *round = urne_io_results_parse(im->text, im->len, fmt, URNE_ENC_AUTO, &diags);
    if (round == NULL) {
        size_t used = (size_t)snprintf(err, errsize, "%zu error(s) in %s:", diags.errors, im->source);
        for (size_t i = 0; i < diags.count && i < 8 && used < errsize; i++) {
            char line[600];
            urne_diag_format(&diags, &diags.items[i], line, sizeof line);
            used += (size_t)snprintf(err + used, errsize - used, "\n%s", line);
        }
        urne_diags_free(&diags);
        return -1;
    }
    urne_diags_free(&diags);
    /* A sheet held by the server keeps one vote per candidate in a fixed place
     * (URNE_MAX_VOTES): a contest with more candidates is refused here, whole,
     * rather than stored with its last candidates' votes dropped. */
    for (size_t c = 0; c < round->ncontests; c++)
        if (round->contests[c].ncand > URNE_MAX_VOTES) {
            snprintf(err, errsize,
                     "%s: contest '%s' has %zu candidates; the server holds at most %d per contest "
                     "(the command line, urne results tally, counts any number)",
                     im->source, round->contests[c].label ? round->contests[c].label
                     : round->contests[c].key ? round->contests[c].key
                                              : "?",
                     round->contests[c].ncand, URNE_MAX_VOTES);
            urne_round_free(round);
            return -1;
        }
    urne_election_meta m = {0};
    const char *title = im->title && *im->title ? im->title : round->election ? round->election : im->source;
    if (!fits("title", title, m.title, sizeof m.title, err, errsize) ||
        !fits("deadline", im->deadline ? im->deadline : "", m.deadline, sizeof m.deadline, err, errsize)) {
        urne_round_free(round);
        return -1;
    }
    m.round = im->round ? im->round : round->number;
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
    int ok = all_settings && fits("rules", preset, m.preset, sizeof m.preset, err, errsize) &&
             fits("settings", all_settings, m.settings, sizeof m.settings, err, errsize);
    if (all_settings == NULL) snprintf(err, errsize, "out of memory");
    free(all_settings);
    if (!ok) {
        urne_round_free(round);
        return -1;
    }
    m.double_entry = im->double_entry;
    urne_rules rules;
    char why[300];
    if (urne_view_rules(&m, &rules, why, sizeof why) < 0) {
        snprintf(err, errsize, "%s", why);
        urne_round_free(round);
        return -1;
    }
    urne_sheet_state *states = malloc((round->nsheets ? round->nsheets : 1) * sizeof *states);
    for (size_t i = 0; states && i < round->nsheets; i++)
        states[i] = round->sheets[i].reported ? URNE_SHEET_ENTERED : URNE_SHEET_MISSING;
    unsigned char h[crypto_hash_sha256_BYTES];
    char digest[65];
    crypto_hash_sha256(h, (const unsigned char *)im->text, im->len);
    sodium_bin2hex(digest, sizeof digest, h, sizeof h);
    int64_t id = -1;
    if (states && urne_store_begin(store) == 0) {
        id = urne_store_election_create(store, &m, round, states);
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
            snprintf(err, errsize, "%s",
                     id > 0 && after == NULL ? "the import could not be recorded in the audit log"
                                             : urne_store_error(store));
            urne_store_rollback(store);
            id = -1;
        }
        free(after);
    } else
        snprintf(err, errsize, "%s", states ? urne_store_error(store) : "out of memory");
    free(states);
    urne_round_free(round);
    return id;
}

void urne_action_election_create(urne_req *r, urne_result *res) {
    if (r->user.role != URNE_ROLE_ADMIN) {
        res->status = r->user.role == URNE_ROLE_PUBLIC ? 401 : 403;
        snprintf(res->message, sizeof res->message, "%s",
                 L(r, "Seul un administrateur crée des élections.", "Only an administrator creates elections."));
        return;
    }
    urne_buf form = {0};
    urne_import im = {0};
    const char *file = urne_req_param(r, "file");
    int raw = r->nparams == 0 && r->body_len > 0; /* a file sent as the body (text/csv) */
    #define FIELD(k) (raw ? urne_req_query(r, k) : urne_req_param(r, k))
    im.format = FIELD("format");
    im.title = FIELD("title");
    im.preset = FIELD("rules");
    im.settings = FIELD("set");
    im.deadline = FIELD("deadline");
    const char *de = FIELD("double_entry"), *rn = FIELD("round");
    im.double_entry = de && (strcmp(de, "1") == 0 || strcmp(de, "on") == 0 || strcmp(de, "true") == 0);
    im.round = rn ? atoi(rn) : 0;
    im.source = FIELD("source");
    #undef FIELD
    char why[400];
    if (raw) {
        im.text = r->body;
        im.len = r->body_len;
    } else if (file && *file) {
        im.text = file;
        im.len = strlen(file);
    } else {
        if (form_to_native(r, &form, why, sizeof why) < 0) {
            res->status = 400;
            snprintf(res->message, sizeof res->message, "%s", why);
            urne_buf_free(&form);
            return;
        }
        im.text = form.data;
        im.len = form.len;
        im.format = "native";
        im.preset = urne_req_param(r, "rules");
        if (im.source == NULL) im.source = "form";
    }
    if (im.source == NULL || !*im.source) im.source = "upload";
    char err[1024];
    pthread_mutex_lock(&r->srv->lock);
    int64_t id = urne_import_election(r->srv->store, r->user.name, &im, err, sizeof err);
    if (id > 0 && urne_view_reload(r->srv, id) < 0) {
        snprintf(err, sizeof err, "election %lld was stored but could not be loaded back", (long long)id);
        id = -2;
    }
    if (id > 0) urne_cache_clear(r->srv);
    pthread_mutex_unlock(&r->srv->lock);
    urne_buf_free(&form);
    if (id <= 0) {
        res->status = id == -2 ? 500 : 422;
        snprintf(res->message, sizeof res->message, "%s", err);
        return;
    }
    res->status = 201;
    snprintf(res->message, sizeof res->message, L(r, "Élection %lld créée.", "Election %lld created."),
             (long long)id);
    json_t *o = json_pack("{s:I}", "id", (json_int_t)id);
    res->json = json_dumps(o, JSON_COMPACT);
    json_decref(o);
}
