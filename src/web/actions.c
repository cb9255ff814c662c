/*
 * actions: every change the server makes, one function each, shared by the JSON
 * API and the HTML forms. An adapter, nothing more: each reads the request's
 * fields, calls the application layer's use case (app/results_app.h,
 * app/users.h), and turns its outcome into an HTTP status, words in French and
 * English, and a JSON payload. The rules, the lock, the transaction and the audit
 * entry are the use case's.
 *
 * The statuses map one way everywhere (status_http below): 401 to log in, 403 for
 * a role, tier or bureau the actor lacks, 404 for a missing object, 409 for a
 * state that forbids the act now, 400 for malformed input, 422 for figures that
 * fail their checks, 500 when the store failed (nothing was written).
 */
#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/results_io.h"
#include "../app/import.h"
#include "outcome.h"
#include "../app/results_app.h"
#include "../app/users.h"
#include "../i18n/words.h"
#include "actions.h"
#include "addr.h"
#include "throttle.h"

void urne_result_free(urne_result *res) {
    free(res->json);
    res->json = NULL;
}


static void set_json(urne_result *res, json_t *o) {
    free(res->json);
    res->json = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
}

/* The request's user, as the application layer's actor. */
static const urne_user *actor(const urne_req *r) { return &r->user; }

/* ---- fields ---- */

/* Parse a whole decimal int64 field: an optional '-' then digits, nothing else
 * (no blank, no '+', no fraction, no "true"). 0, -1 when absent or empty, -2 when
 * malformed, -3 when beyond int64. A negative figure parses: the checks then refuse
 * it by name (no-negative-count). */
static int int_field(const urne_req *r, const char *key, int64_t *out) {
    const char *v = urne_req_param(r, key);
    if (v == NULL || *v == 0) return -1;
    const char *d = v + (*v == '-');
    if (*d == 0) return -2;
    for (const char *c = d; *c; c++)
        if (*c < '0' || *c > '9') return -2;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno == ERANGE) return -3;
    *out = x;
    return 0;
}

/* Why a count's field was refused (int_field's rc), one sentence in the request's
 * language; `key` the field, `candidate` its candidate's number (0: not a vote). */
static void int_field_error(const urne_req *r, int rc, const char *key, size_t candidate, char *why, size_t size) {
    char most[48];
    urne_i18n_int(r->lang, URNE_COUNT_MAX, most, sizeof most);
    if (candidate == 0 && rc == -1)
        snprintf(why, size, _(r, "Field '%s': missing (a whole number is required)."), key);
    else if (candidate == 0 && rc == -3)
        snprintf(why, size, _(r, "Field '%s': beyond any count (the largest a sheet may hold is %s)."), key, most);
    else if (candidate == 0)
        snprintf(why, size, _(r, "Field '%s': not a whole number (digits only)."), key);
    else if (rc == -1)
        snprintf(why, size, _(r, "Field '%s' (candidate %zu): missing (a whole number is required)."), key, candidate);
    else if (rc == -3)
        snprintf(why, size, _(r, "Field '%s' (candidate %zu): beyond any count (the largest a sheet may hold is %s)."),
                 key, candidate, most);
    else
        snprintf(why, size, _(r, "Field '%s' (candidate %zu): not a whole number (digits only)."), key, candidate);
}

/* The index N of a "votes.N" field, written one way only; -1 when the key is not
 * of that form. */
static long long vote_index(const char *k) {
    if (strncmp(k, "votes.", 6) != 0 || k[6] < '0' || k[6] > '9' || (k[6] == '0' && k[7])) return -1;
    char *end;
    errno = 0;
    unsigned long long j = strtoull(k + 6, &end, 10);
    return *end || errno == ERANGE || j > (unsigned long long)INT32_MAX ? -1 : (long long)j;
}

int urne_figures_from_params(const urne_req *r, urne_figures *f, char *why, size_t size) {
    urne_figures_free(f);
    struct { const char *name; int64_t *v; int optional; } fields[] = {
        {"inscrits", &f->inscrits, 0}, {"votants", &f->votants, 0}, {"blancs", &f->blancs, 0},
        {"nuls", &f->nuls, 0},         {"exprimes", &f->exprimes, 1},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        int rc = int_field(r, fields[i].name, fields[i].v);
        if (rc == -1 && fields[i].optional) {
            *fields[i].v = -1; /* not stated */
            continue;
        }
        if (rc < 0) {
            int_field_error(r, rc, fields[i].name, 0, why, size);
            return -1;
        }
        if (fields[i].optional && *fields[i].v < 0) { /* -1 would read as "not stated" */
            snprintf(why, size, _(r, "Field '%s': %lld; a count cannot be negative [no-negative-count]."),
                     fields[i].name, (long long)*fields[i].v);
            return -1;
        }
    }
    /* The votes: votes.0 to votes.N-1, none left out (a gap would count as no vote).
     * N is bounded by the fields themselves: with fewer votes.* fields than N there
     * is a gap, found below before anything is allocated for a far index. */
    size_t n = 0, present = 0;
    for (size_t i = 0; i < r->nparams; i++) {
        const char *k = r->params[i].key;
        if (strncmp(k, "votes.", 6) != 0) continue;
        long long j = vote_index(k);
        if (j < 0) {
            snprintf(why, size, _(r, "Field '%.60s': not a candidate's number (votes.0, votes.1, ...)."), k);
            return -1;
        }
        present++;
        if ((size_t)j + 1 > n) n = (size_t)j + 1;
    }
    if (n <= present && urne_figures_alloc(f, n) < 0) {
        urne_figures_free(f);
        snprintf(why, size, "%s", _(r, "Out of memory; nothing was written."));
        return -2;
    }
    for (size_t j = 0; j < n; j++) {
        char key[32];
        int64_t v;
        snprintf(key, sizeof key, "votes.%zu", j);
        int rc = int_field(r, key, &v);
        if (rc < 0) {
            int_field_error(r, rc, key, j + 1, why, size);
            urne_figures_free(f);
            return -1;
        }
        if (j < f->nvotes) f->votes[j] = v;
    }
    assert(f->nvotes == n); /* no gap: then n <= present, and the votes were allocated */
    return 0;
}

/* 1 when a checkbox-like field says yes. */
static int yes_field(const urne_req *r, const char *key) {
    const char *v = urne_req_param(r, key);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "on") == 0 || strcmp(v, "true") == 0);
}

/* The checks that failed, each with its message in the request's language. */
static json_t *checks_json(const urne_req *r, const urne_diags *d) {
    json_t *a = json_array();
    for (size_t i = 0; i < d->count; i++) {
        char message[512];
        urne_outcome_check(r->lang, &d->items[i], message, sizeof message);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "rule", d->items[i].rule, "field", d->items[i].field,
                                           "message", message));
    }
    return a;
}

/* May the request's user do `action` on election `election` (0: the site)? 1, or
 * 0 after the refusal: asked before the request's input is read, so that who may
 * is answered first (401, 403) whatever was sent. */
static int may(urne_req *r, urne_action action, int64_t election, urne_result *res) {
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    int ok = urne_app_may(&r->srv->app, actor(r), action, election, &o) == URNE_APP_OK;
    if (!ok) urne_outcome_word(r, &o, res);
    urne_app_outcome_free(&o);
    return ok;
}

/* The figures typed in the request (f: a valid value, replaced; the caller frees
 * it), or 0 after a 400 (or the answer to running out of memory). */
static int typed_figures(urne_req *r, urne_figures *f, urne_result *res) {
    char msg[300];
    int rc = urne_figures_from_params(r, f, msg, sizeof msg);
    if (rc == 0) return 1;
    if (rc == -2)
        urne_result_set(res, urne_outcome_http(URNE_APP_NO_MEMORY), "out of memory; nothing was written");
    else
        urne_result_set(res, 400, "%s", msg);
    return 0;
}

static json_t *dispute_json(const urne_dispute *d) {
    return json_pack("{s:I, s:I, s:i, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)d->id, "bureau",
                     (json_int_t)d->bureau, "tier", d->tier, "state", d->state, "reason", d->reason, "opened_by",
                     d->opened_by, "opened_at", d->opened_at, "deadline", d->deadline);
}

/* ---- log in and out ---- */

void urne_action_login(urne_req *r, urne_result *res, char token_out[65]) {
    const char *name = urne_req_param(r, "user"), *password = urne_req_param(r, "password");
    char addr[64];
    urne_req_addr(r, addr, sizeof addr);
    token_out[0] = 0;
    if (name == NULL || password == NULL || !*name) {
        urne_result_set(res, 400, "%s", _(r, "Give the user name and password."));
        return;
    }
    int retry;
    if (urne_throttle_blocked(r->srv, name, addr, &retry)) {
        urne_result_set(res, 429,
            _(r, "Too many failed attempts: try again in %d s."),
            retry);
        set_json(res, json_pack("{s:i}", "retry_after", retry));
        return;
    }
    urne_user u;
    char hash[crypto_pwhash_STRBYTES];
    urne_app_outcome found_out;
    urne_app_status st = urne_app_login_find(&r->srv->app, name, &u, hash, sizeof hash, &found_out);
    if (st != URNE_APP_OK && st != URNE_APP_NO_USER) {
        /* The store failed, not the password: "wrong password" would send people
         * to retype it, and counting it would hold them back once the database is
         * back (a restart on election night). A database out of reach is a 503,
         * with Retry-After (reply.c); another failure a 500. */
        if (st == URNE_APP_UNAVAILABLE)
            urne_result_set(res, urne_outcome_http(URNE_APP_UNAVAILABLE), "%s",
                _(r, "The database cannot be reached just now; nothing was done. Try again in a few seconds."));
        else
            urne_result_set(res, 500, "%s", _(r, "Could not look up the account (the store failed); try again."));
        urne_app_outcome_free(&found_out);
        return;
    }
    urne_app_outcome_free(&found_out);
    int found = st == URNE_APP_OK;
    /* Verify outside the lock: Argon2id is slow on purpose. An unknown user costs
     * the same time as a wrong password, so names cannot be probed by timing. */
    int ok;
    if (found)
        ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    else {
        static const char dummy[] = "urne-dummy";
        unsigned char out[16], salt[crypto_pwhash_SALTBYTES] = {0};
        int spent = crypto_pwhash(out, sizeof out, dummy, sizeof dummy - 1, salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
        (void)spent;
        ok = 0;
    }
    urne_throttle_record(r->srv, name, addr, ok);
    if (!ok) {
        urne_result_set(res, 401, "%s", _(r, "Wrong user name or password."));
        return;
    }
    if (urne_session_open(r, &u, token_out) < 0) {
        urne_result_set(res, 500, "%s", _(r, "Could not open a session (the store refused it); try again."));
        return;
    }
    urne_result_set(res, 200, _(r, "Logged in as %s."), u.name);
    set_json(res, json_pack("{s:s, s:s, s:i, s:s, s:s}", "user", u.name, "role", urne_role_name(u.role), "tier",
                            u.tier, "token", token_out, "csrf", r->csrf));
}

void urne_action_logout(urne_req *r, urne_result *res) {
    if (r->user.role != URNE_ROLE_PUBLIC) {
        urne_app_session_delete(&r->srv->app, r->token_hash);
    }
    urne_result_set(res, 200, "%s", _(r, "Logged out."));
}

/* ---- entering a sheet ---- */

void urne_action_enter(urne_req *r, int64_t id, size_t bureau, urne_result *res) {
    urne_figures f = {0};
    urne_app_outcome o;
    if (!typed_figures(r, &f, res)) { /* unless a refusal comes first */
        if (urne_app_sheet_may_enter(&r->srv->app, actor(r), id, bureau, &o) != URNE_APP_OK) urne_outcome_word(r, &o, res);
        urne_app_outcome_free(&o);
        return;
    }
    urne_app_status st = urne_app_sheet_enter(&r->srv->app, actor(r), id, bureau, &f, yes_field(r, "confirm"), &o);
    urne_figures_free(&f);
    json_t *out = json_object();
    json_object_set_new(out, "bureau", json_integer((json_int_t)bureau));
    json_object_set_new(out, "checks", checks_json(r, &o.checks));
    if (st == URNE_APP_IMPOSSIBLE) {
        const urne_diag *bad = NULL;
        for (size_t i = 0; i < o.checks.count && !bad; i++)
            if (o.checks.items[i].severity == URNE_DIAG_ERROR &&
                !urne_recolement_rule_confirmable(o.checks.items[i].rule))
                bad = &o.checks.items[i];
        char check[512] = "";
        if (bad) urne_outcome_check(r->lang, bad, check, sizeof check);
        urne_result_set(res, 422, _(r, "Impossible figure, refused even when confirmed: %s [%s]"), check,
            bad ? bad->rule : "");
    } else if (st == URNE_APP_CHECKS_FAILED)
        urne_result_set(res, 422, "%s",
            _(r, "The sheet fails its checks: correct it, or confirm that the procès-verbal really says so."));
    else if (st != URNE_APP_OK) {
        urne_outcome_word(r, &o, res);
        json_decref(out);
        out = NULL;
    } else {
        json_object_set_new(out, "state", json_string(urne_sheet_state_name(o.state)));
        if (o.state == URNE_SHEET_MISMATCH) {
            char diff[900];
            size_t shown = o.ndiffs < URNE_OUTCOME_DIFFS ? o.ndiffs : URNE_OUTCOME_DIFFS;
            json_object_set_new(out, "differences", json_string(o.detail));
            urne_outcome_diff(r->lang, o.diffs, shown, o.ndiffs, diff, sizeof diff);
            urne_result_set(res, 200,
                _(r, "Recorded, but the double entry differs from the other one (other / yours): %s"), diff);
        } else if (o.state == URNE_SHEET_PENDING)
            urne_result_set(res, 200, "%s",
                _(r, "Recorded; waiting for the second entry by another person."));
        else
            urne_result_set(res, 200, "%s", _(r, "Sheet recorded and counted."));
    }
    if (out) set_json(res, out);
    urne_app_outcome_free(&o);
}

/* ---- récolement ---- */

/* The words of a missing reason, which depend on the act. */
static void word_reason(const urne_req *r, const urne_app_outcome *o, const char *en, urne_result *res) {
    if (o->status == URNE_APP_BAD_INPUT && o->why && strcmp(o->why, URNE_WHY_REASON_MISSING) == 0)
        urne_result_set(res, 400, "%s", _(r, en));
    else
        urne_outcome_word(r, o, res);
}

/* A moment of election id as its pages write it: in the reader's language and the
 * election's zone, named when it is not Paris ("7 décembre 2026 à 15 h 02 (heure
 * de Nouméa)"). */
static void election_moment(urne_req *r, int64_t id, const char *iso, char *buf, size_t size) {
    char zone[48] = "";
    urne_app_read_begin(&r->srv->app);
    const urne_election *e = urne_app_election(&r->srv->app, id);
    if (e) snprintf(zone, sizeof zone, "%s", e->meta.zone);
    urne_app_read_end(&r->srv->app);
    char when[80];
    urne_i18n_moment(r->lang, iso, zone[0] ? zone : NULL, when, sizeof when);
    const char *label = zone[0] && strcmp(zone, URNE_ZONE_DEFAULT) != 0 ? urne_i18n_zone_label(r->lang, zone) : NULL;
    if (label)
        snprintf(buf, size, "%s (%s)", when, label);
    else
        snprintf(buf, size, "%s", when);
}

void urne_action_contest(urne_req *r, int64_t id, size_t bureau, urne_result *res) {
    urne_app_outcome o;
    if (urne_app_bureau_contest(&r->srv->app, actor(r), id, bureau, urne_req_param(r, "reason"), &o) != URNE_APP_OK)
        word_reason(r, &o, N_("Give the reason for contesting."), res);
    else {
        char due[160];
        election_moment(r, id, o.dispute.deadline, due, sizeof due);
        urne_result_set(res, 200, _(r, "Bureau contested; the results above it are frozen until the decision (due by %s)."),
            due);
        set_json(res, dispute_json(&o.dispute));
    }
    urne_app_outcome_free(&o);
}

void urne_action_decide(urne_req *r, int64_t id, int64_t dispute, urne_result *res) {
    if (!may(r, URNE_ACT_DECIDE, id, res)) return;
    const char *dname = urne_req_param(r, "decision");
    urne_decision decision;
    if (dname == NULL || urne_decision_parse(dname, &decision) < 0) {
        urne_result_set(res, 400, "%s", _(r, "field 'decision': expected validate, correct, annul or revote"));
        return;
    }
    urne_figures f = {0};
    if (decision == URNE_DECIDE_CORRECT && !typed_figures(r, &f, res)) return;
    urne_app_outcome o;
    urne_app_status st = urne_app_dispute_decide(&r->srv->app, actor(r), id, dispute, decision,
                                                 decision == URNE_DECIDE_CORRECT ? &f : NULL,
                                                 urne_req_param(r, "reason"), &o);
    urne_figures_free(&f);
    if (st == URNE_APP_CHECKS_FAILED) {
        char check[512] = "";
        if (o.checks.count) urne_outcome_check(r->lang, &o.checks.items[0], check, sizeof check);
        urne_result_set(res, 422, _(r, "The corrected figures fail their checks: %s"), check);
        set_json(res, json_pack("{s:o}", "checks", checks_json(r, &o.checks)));
    } else if (st != URNE_APP_OK)
        word_reason(r, &o, N_("Give the reasons for the decision."), res);
    else {
        urne_result_set(res, 200, _(r, "Decision recorded: %s."), urne_words_decision(r->lang, o.dispute.decision));
        json_t *j = dispute_json(&o.dispute);
        json_object_set_new(j, "decision", json_string(o.dispute.decision));
        json_object_set_new(j, "bureau_state", json_string(urne_sheet_state_name(o.state)));
        set_json(res, j);
    }
    urne_app_outcome_free(&o);
}

void urne_action_escalate(urne_req *r, int64_t id, int64_t dispute, urne_result *res) {
    urne_app_outcome o;
    if (urne_app_dispute_escalate(&r->srv->app, actor(r), id, dispute, urne_req_param(r, "reason"), &o) !=
        URNE_APP_OK)
        word_reason(r, &o, N_("Give the reason for the appeal."), res);
    else {
        urne_result_set(res, 200, "%s",
            _(r, "Decision escalated to the higher commission; the bureau is frozen again."));
        set_json(res, dispute_json(&o.dispute));
    }
    urne_app_outcome_free(&o);
}

/* ---- publication ---- */

void urne_action_publish(urne_req *r, int64_t id, urne_result *res) {
    urne_app_outcome o;
    if (urne_app_election_publish(&r->srv->app, actor(r), id, &o) != URNE_APP_OK)
        urne_outcome_word(r, &o, res);
    else {
        urne_result_set(res, 200, _(r, "Results published; SHA-256 digest %s."),
            o.digest);
        set_json(res, json_pack("{s:s, s:s, s:s}", "digest", o.digest, "at", o.at, "state",
                                urne_unit_state_name((urne_unit_state)o.number)));
    }
    urne_app_outcome_free(&o);
}

/* ---- users ---- */

void urne_action_user_create(urne_req *r, urne_result *res) {
    if (!may(r, URNE_ACT_MANAGE_USERS, 0, res)) return;
    const char *name = urne_req_param(r, "name"), *password = urne_req_param(r, "password"),
               *role = urne_req_param(r, "role");
    urne_role ro;
    if (name == NULL || password == NULL || role == NULL || urne_role_parse(role, &ro) < 0 || ro == URNE_ROLE_PUBLIC ||
        ro > URNE_ROLE_ADMIN) {
        urne_result_set(res, 400, "%s",
                        _(r, "Fields 'name', 'password' and 'role' (observer, secretary, commission, admin) are "
                             "required."));
        return;
    }
    int64_t t64 = 1;
    int trc = int_field(r, "tier", &t64);
    if (trc < -1 || (trc == 0 && t64 != 1 && t64 != 2)) {
        urne_result_set(res, 400, "%s", _(r, "Field 'tier': 1 (first commission) or 2 (higher commission)."));
        return;
    }
    int t = (int)t64;
    urne_app_outcome o;
    urne_app_status st = urne_app_user_create(&r->srv->app, actor(r), name, password, ro, t, &o);
    int64_t id = o.id;
    if (st != URNE_APP_OK) {
        urne_outcome_word(r, &o, res); /* the reason names the field */
        urne_app_outcome_free(&o);
        return;
    }
    urne_app_outcome_free(&o);
    urne_result_set(res, 200, _(r, "Account %s created (%s)."), name, role);
    set_json(res, json_pack("{s:I, s:s, s:s, s:i}", "id", (json_int_t)id, "name", name, "role", role, "tier", t));
}


/* The bureaux a request lists: every "bureaux.*" field's value (a JSON array
 * arrives as bureaux.0, bureaux.1...; the form's boxes are named by their bureau,
 * bureaux.17=17), into *out (malloc'ed; the caller frees it). The count; -1 after
 * a 400 (a value that is not a bureau's number), -2 when out of memory. */
static long listed_bureaux(const urne_req *r, int64_t **out, urne_result *res) {
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < r->nparams; i++)
        if (strncmp(r->params[i].key, "bureaux.", 8) == 0) n++;
    if (n == 0) return 0;
    int64_t *list = malloc(n * sizeof *list);
    if (list == NULL) return -2;
    size_t k = 0;
    for (size_t i = 0; i < r->nparams; i++) {
        const char *key = r->params[i].key;
        if (strncmp(key, "bureaux.", 8) != 0) continue;
        int rc = int_field(r, key, &list[k]);
        if (rc < 0) {
            char key60[64];
            snprintf(key60, sizeof key60, "%.60s", key);
            int_field_error(r, rc, key60, 0, res->message, sizeof res->message);
            res->status = 400;
            free(list);
            return -1;
        }
        k++;
    }
    *out = list;
    return (long)n;
}

/* Assign bureaux to a secretary: those listed (bureaux), or a range (first,
 * last). */
void urne_action_assign(urne_req *r, urne_result *res) {
    if (!may(r, URNE_ACT_MANAGE_ELECTIONS, 0, res)) return;
    const char *uname = urne_req_param(r, "user");
    int64_t election, first = 0, last = 0, *list;
    long n = listed_bureaux(r, &list, res);
    if (n == -1) return;
    if (n == -2) {
        urne_result_set(res, 500, "%s", _(r, "out of memory; nothing was written"));
        return;
    }
    if (uname == NULL || !*uname || int_field(r, "election", &election) < 0 ||
        (n == 0 && int_field(r, "first", &first) < 0)) {
        free(list);
        urne_result_set(res, 400, "%s",
                        _(r, "Choose the secretary, the election and the bureaux (fields 'user', 'election', and "
                             "'bureaux', a list, or 'first' and 'last', a range)."));
        return;
    }
    if (n == 0 && int_field(r, "last", &last) < 0) last = first;
    urne_app_outcome o;
    urne_app_status st = n ? urne_app_bureaux_assign_list(&r->srv->app, actor(r), uname, election, list, (size_t)n, &o)
                           : urne_app_bureaux_assign(&r->srv->app, actor(r), uname, election, first, last, &o);
    if (st != URNE_APP_OK)
        urne_outcome_word(r, &o, res);
    else {
        urne_result_set(res, 200, _(r, "%lld bureau(x) assigned to %s."),
            (long long)o.number, uname);
        json_t *j = json_pack("{s:I, s:I}", "election", (json_int_t)election, "assigned", (json_int_t)o.number);
        if (n) {
            json_t *a = json_array();
            for (long i = 0; i < n; i++) json_array_append_new(a, json_integer(list[i]));
            json_object_set_new(j, "bureaux", a);
        } else {
            json_object_set_new(j, "first", json_integer(first));
            json_object_set_new(j, "last", json_integer(last));
        }
        set_json(res, j);
    }
    free(list);
    urne_app_outcome_free(&o);
}
