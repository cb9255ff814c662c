/*
 * import (web): creating an election from a request, either a file's text (the
 * body, or the `file` field) or a web form, which is turned into a native CSV so
 * that one parser and its checks serve both. The use case itself, parsing,
 * checking and storing with its audit entry, is the application layer's
 * (app/import.c), shared with `urne election import`.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/results_io.h"
#include "../app/import.h"
#include "actions.h"
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
        snprintf(why, size, "%s",
                 _(r, "Fields 'title', 'levels', 'candidates' and 'bureaux' are required (or send a file)."));
        return -1;
    }
    /* These fields become lines of the native file: a line break in one would add
     * metadata lines of its own ("# rules: ..."), so it is refused, not kept. */
    const char *one_line[][2] = {{"title", title}, {"levels", levels}, {"round", round}};
    for (size_t i = 0; i < sizeof one_line / sizeof one_line[0]; i++)
        for (const char *c = one_line[i][1]; c && *c; c++)
            if ((unsigned char)*c < ' ') {
                snprintf(why, size, _(r, "Field '%s': a control character (code %d) at byte %zu; it must be one line."),
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
            snprintf(why, size, _(r, "Candidate '%s': a name may not contain ';'."), t);
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


void urne_action_election_create(urne_req *r, urne_result *res) {
    urne_app_outcome may;
    urne_app_outcome_init(&may);
    if (urne_app_may(&r->srv->app, &r->user, URNE_ACT_MANAGE_ELECTIONS, 0, &may) != URNE_APP_OK) {
        /* Asked before the file is read: who may comes first. */
        res->status = may.status == URNE_APP_LOGIN_NEEDED ? 401 : 403;
        snprintf(res->message, sizeof res->message, "%s",
                 _(r, "Only an administrator creates elections."));
        urne_app_outcome_free(&may);
        return;
    }
    urne_app_outcome_free(&may);
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
    im.space = FIELD("space");
    im.zone = FIELD("zone");
    const char *de = FIELD("double_entry"), *rn = FIELD("round");
    im.double_entry = de && (strcmp(de, "1") == 0 || strcmp(de, "on") == 0 || strcmp(de, "true") == 0);
    if (rn && *rn && !(strcmp(rn, "1") == 0 || strcmp(rn, "2") == 0)) {
        res->status = 400;
        snprintf(res->message, sizeof res->message, "%s", _(r, "Field 'round': 1 or 2."));
        return;
    }
    im.round = rn && *rn ? rn[0] - '0' : 0;
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
    urne_app_outcome o;
    urne_app_status st = urne_app_election_import(&r->srv->app, &r->user, &im, &o);
    urne_buf_free(&form);
    if (st != URNE_APP_OK) {
        /* The space, asked of the request alone, is 400; what the election's record
         * or its file refuse (a field that does not fit, a deadline, a zone, the
         * file's errors), 422. */
        urne_outcome_word(r, &o, res);
        if (st == URNE_APP_BAD_INPUT && strcmp(o.field, "space") != 0) res->status = 422;
        urne_app_outcome_free(&o);
        return;
    }
    int64_t id = o.id;
    urne_app_outcome_free(&o);
    res->status = 201;
    snprintf(res->message, sizeof res->message, _(r, "Election %lld created."),
             (long long)id);
    json_t *j = json_pack("{s:I}", "id", (json_int_t)id);
    res->json = json_dumps(j, JSON_COMPACT);
    json_decref(j);
}
