/*
 * actions: every change the server makes, one function each, shared by the JSON
 * API and the HTML forms.
 *
 * Each action checks, in this order: the role (401 when not logged in, 403 when the
 * role may not), the object (404), the scope (403: a secretary touches only the
 * bureaux assigned to them), the state (409: what récolement allows now), the
 * input (400 malformed, 422 checks failed). Then, under the server's lock, it
 * writes the change and its audit entry in one transaction, updates the election
 * held in memory and clears the page cache. Nothing is half-written: a failure
 * rolls the transaction back and leaves memory as it was.
 */
#define _GNU_SOURCE /* strptime, timegm */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../io/results_io.h"
#include "../app/users.h"
#include "web.h"

#define DISPUTE_HOURS 48 /* a commission has this long to decide; shown beside each dispute */

void urne_result_free(urne_result *res) {
    free(res->json);
    res->json = NULL;
}

static void set(urne_result *res, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set(urne_result *res, unsigned status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof res->message, fmt, ap);
    va_end(ap);
    res->status = status;
}

static void set_json(urne_result *res, json_t *o) {
    free(res->json);
    res->json = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
}

/* 1 when the request's user has `role` (admins may do what observers may). */
static int need_role(const urne_req *r, urne_role role, urne_result *res) {
    if (r->user.role == URNE_ROLE_PUBLIC) {
        set(res, 401, "%s", L(r, "Connectez-vous d'abord.", "Log in first."));
        return 0;
    }
    if (r->user.role != role) {
        set(res, 403, L(r, "Le rôle « %s » ne permet pas cette action (il faut : %s).",
                        "The role '%s' may not do this (it needs: %s)."),
            urne_role_name(r->user.role), urne_role_name(role));
        return 0;
    }
    return 1;
}

/* Parse a whole decimal int64 field. 0, -1 when absent or empty, -2 when malformed. */
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

static const char *int_field_error(int rc) {
    return rc == -1   ? "missing (a whole number is required)"
           : rc == -3 ? "beyond any count (the largest a sheet may hold is 10,000,000,000)"
                      : "not a whole number (digits only)";
}

int urne_figures_from_params(const urne_req *r, size_t ncand, urne_figures *f, char *why, size_t size) {
    memset(f, 0, sizeof *f);
    if (ncand > URNE_MAX_VOTES) {
        snprintf(why, size, "this urne enters at most %d candidates per sheet", URNE_MAX_VOTES);
        return -1;
    }
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
            snprintf(why, size, "field '%s': %s", fields[i].name, int_field_error(rc));
            return -1;
        }
        if (fields[i].optional && *fields[i].v < 0) { /* -1 would read as "not stated" */
            snprintf(why, size, "field '%s': %lld; a count cannot be negative [no-negative-count]", fields[i].name,
                     (long long)*fields[i].v);
            return -1;
        }
    }
    /* Votes for candidates the contest does not have would be dropped: refused. */
    for (size_t i = 0; i < r->nparams; i++) {
        const char *k = r->params[i].key;
        if (strncmp(k, "votes.", 6) != 0) continue;
        char *end;
        unsigned long long j = strtoull(k + 6, &end, 10);
        if (*end || k[6] < '0' || k[6] > '9' || j >= ncand) {
            snprintf(why, size, "field '%.60s': this contest has %zu candidates (votes.0 to votes.%zu)", k, ncand,
                     ncand ? ncand - 1 : 0);
            return -1;
        }
    }
    f->nvotes = ncand;
    for (size_t j = 0; j < ncand; j++) {
        char key[32];
        snprintf(key, sizeof key, "votes.%zu", j);
        int rc = int_field(r, key, &f->votes[j]);
        if (rc < 0) {
            snprintf(why, size, "field '%s' (candidate %zu): %s", key, j + 1, int_field_error(rc));
            return -1;
        }
    }
    return 0;
}

/* Apply a bureau's new state and figures to the election held in memory. */
static void apply(urne_election *e, size_t bureau, const urne_bureau_info *info, const urne_figures *f) {
    urne_sheet *s = &e->round->sheets[bureau];
    size_t n = e->round->contests[s->contest].ncand;
    e->info[bureau] = *info;
    if (f) urne_figures_to_sheet(f, s);
    int counts = urne_sheet_state_counts(info->state);
    s->reported = counts != 0;
    if (counts == 2 || !f) { /* the inscrits stay: they are known even before the count */
        s->votants = s->blancs = s->nuls = 0;
        s->exprimes_stated = -1;
        memset(s->votes, 0, n * sizeof *s->votes);
    }
}

static char *state_json(const urne_bureau_info *b, const urne_figures *f) {
    json_t *o = json_object();
    json_object_set_new(o, "state", json_string(urne_sheet_state_name(b->state)));
    if (f) {
        char *fig = urne_figures_json(f);
        json_object_set_new(o, "figures", fig ? json_loads(fig, 0, NULL) : json_null());
        free(fig);
    }
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}

/* Write a change with its audit entry in one transaction. On failure sets a 500. */
typedef struct change {
    int64_t election;
    size_t bureau;
    const urne_bureau_info *info;
    const urne_figures *figures;
    int set_bureau;
} change;

static int fail_store(urne_server *srv, urne_result *res) {
    set(res, 500, "the store refused the change, nothing was written: %s", urne_store_error(srv->store));
    urne_store_rollback(srv->store);
    return -1;
}

static int audit(urne_server *srv, const urne_req *r, const char *action, const char *object, const char *before,
                 const char *after, urne_result *res) {
    if (urne_store_audit(srv->store, r->user.name, action, object, before, after) < 0) return fail_store(srv, res);
    return 0;
}

static urne_election *find_election(urne_req *r, int64_t id, urne_result *res) {
    urne_election *e = urne_view_election(r->srv, id);
    if (e == NULL) set(res, 404, L(r, "Pas d'élection %lld.", "No election %lld."), (long long)id);
    return e;
}

static int find_bureau(urne_req *r, const urne_election *e, size_t bureau, urne_result *res) {
    if (bureau >= e->round->nsheets) {
        set(res, 404, L(r, "L'élection %lld n'a pas de bureau %zu.", "Election %lld has no bureau %zu."),
            (long long)e->meta.id, bureau);
        return 0;
    }
    return 1;
}

/* ---- log in and out ---- */

void urne_action_login(urne_req *r, urne_result *res, char token_out[65]) {
    const char *name = urne_req_param(r, "user"), *password = urne_req_param(r, "password");
    char addr[64];
    urne_req_addr(r, addr, sizeof addr);
    token_out[0] = 0;
    if (name == NULL || password == NULL || !*name) {
        set(res, 400, "%s", L(r, "Indiquez le nom d'utilisateur et le mot de passe.", "Give the user name and password."));
        return;
    }
    int retry;
    if (urne_throttle_blocked(r->srv, name, addr, &retry)) {
        set(res, 429,
            L(r, "Trop d'essais infructueux : réessayez dans %d s.", "Too many failed attempts: try again in %d s."),
            retry);
        set_json(res, json_pack("{s:i}", "retry_after", retry));
        return;
    }
    urne_user u;
    char hash[crypto_pwhash_STRBYTES];
    pthread_mutex_lock(&r->srv->lock);
    int found = urne_store_user_find(r->srv->store, name, &u, hash, sizeof hash);
    pthread_mutex_unlock(&r->srv->lock);
    /* Verify outside the lock: Argon2id is slow on purpose. An unknown user costs
     * the same time as a wrong password, so names cannot be probed by timing. */
    int ok;
    if (found == 1)
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
        set(res, 401, "%s", L(r, "Nom d'utilisateur ou mot de passe incorrect.", "Wrong user name or password."));
        return;
    }
    if (urne_session_open(r, &u, token_out) < 0) {
        set(res, 500, "could not open a session: %s", urne_store_error(r->srv->store));
        return;
    }
    set(res, 200, L(r, "Connecté en tant que %s.", "Logged in as %s."), u.name);
    set_json(res, json_pack("{s:s, s:s, s:i, s:s, s:s}", "user", u.name, "role", urne_role_name(u.role), "tier",
                            u.tier, "token", token_out, "csrf", r->csrf));
}

void urne_action_logout(urne_req *r, urne_result *res) {
    if (r->user.role != URNE_ROLE_PUBLIC) {
        pthread_mutex_lock(&r->srv->lock);
        urne_store_session_delete(r->srv->store, r->token_hash);
        pthread_mutex_unlock(&r->srv->lock);
    }
    set(res, 200, "%s", L(r, "Déconnecté.", "Logged out."));
}

/* ---- entering a sheet ---- */

/* Read the figures typed for `sheet` and check them on a copy of it. Returns -1
 * after a 400 when a field is malformed, else the number of failed checks, listed
 * in *d (which the caller frees). */
static int typed_figures(urne_req *r, const urne_election *e, const urne_sheet *sheet, urne_figures *f,
                         urne_diags *d, urne_result *res) {
    char msg[300];
    if (urne_figures_from_params(r, e->round->contests[sheet->contest].ncand, f, msg, sizeof msg) < 0) {
        set(res, 400, "%s", msg);
        return -1;
    }
    int64_t votes[URNE_MAX_VOTES];
    urne_sheet trial = *sheet;
    trial.votes = votes;
    urne_figures_to_sheet(f, &trial);
    urne_diags_init(d, NULL);
    return (int)urne_results_check_sheet(e->round, &trial, d);
}

static json_t *checks_json(const urne_diags *d) {
    json_t *a = json_array();
    for (size_t i = 0; i < d->count; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "rule", d->items[i].rule, "field", d->items[i].field,
                                           "message", d->items[i].message));
    return a;
}

void urne_action_enter(urne_req *r, int64_t id, size_t bureau, urne_result *res) {
    if (!need_role(r, URNE_ROLE_SECRETARY, res)) return;
    urne_server *srv = r->srv;
    pthread_mutex_lock(&srv->lock);
    urne_election *e = find_election(r, id, res);
    if (e == NULL || !find_bureau(r, e, bureau, res)) goto out;
    int assigned = urne_store_is_assigned(srv->store, r->user.id, id, bureau);
    if (assigned != 1) {
        set(res, 403, L(r, "Ce bureau ne vous est pas attribué.", "This bureau is not assigned to you."));
        goto out;
    }
    const urne_bureau_info *old = &e->info[bureau];
    const char *why;
    if (!urne_recolement_may_enter(old->state, &why)) {
        set(res, 409, "%s", why);
        goto out;
    }
    urne_sheet *sheet = &e->round->sheets[bureau];
    urne_figures f;
    urne_diags d;
    if (typed_figures(r, e, sheet, &f, &d, res) < 0) goto out;
    const char *confirm = urne_req_param(r, "confirm");
    int confirmed = confirm && (strcmp(confirm, "1") == 0 || strcmp(confirm, "on") == 0 || strcmp(confirm, "true") == 0);
    json_t *out = json_object();
    json_object_set_new(out, "bureau", json_integer((json_int_t)bureau));
    json_object_set_new(out, "checks", checks_json(&d));
    const urne_diag *impossible = NULL;
    for (size_t i = 0; i < d.count && !impossible; i++)
        if (d.items[i].severity == URNE_DIAG_ERROR && !urne_recolement_rule_confirmable(d.items[i].rule))
            impossible = &d.items[i];
    if (impossible) {
        set(res, 422, L(r, "Chiffre impossible, refusé même confirmé : %s [%s]",
                        "Impossible figure, refused even when confirmed: %s [%s]"),
            impossible->message, impossible->rule);
        set_json(res, out);
        urne_diags_free(&d);
        goto out;
    }
    if (d.errors && !confirmed) {
        set(res, 422, "%s",
            L(r, "Le procès-verbal ne passe pas les contrôles ; corrigez-le, ou confirmez qu'il porte bien ces chiffres.",
              "The sheet fails its checks: correct it, or confirm that the procès-verbal really says so."));
        set_json(res, out);
        urne_diags_free(&d);
        goto out;
    }
    urne_diags_free(&d);

    urne_bureau_info next = *old;
    urne_figures other;
    int64_t other_author = 0;
    int have_other = 0, agrees = 0;
    if (e->meta.double_entry) {
        have_other = urne_store_entry_other(srv->store, id, bureau, r->user.id, &other_author, &other);
        if (have_other < 0) {
            set(res, 500, "%s", urne_store_error(srv->store));
            json_decref(out);
            goto out;
        }
        agrees = have_other && urne_figures_equal(&f, &other);
    }
    next.state = urne_recolement_after_entry(e->meta.double_entry, have_other, agrees);
    urne_store_now(next.entered_at);
    next.entered_by = r->user.id;
    int counts = urne_sheet_state_counts(next.state);
    char object[96];
    snprintf(object, sizeof object, "election/%lld/bureau/%zu", (long long)id, bureau);
    urne_figures before_f;
    urne_figures_from_sheet(e->round, sheet, &before_f);
    char *before = state_json(old, urne_sheet_state_counts(old->state) ? &before_f : NULL);
    char *after = urne_audit_json_add(state_json(&next, &f), "sheet",
                                      urne_audit_sheet_record(bureau, &next, counts ? &f : NULL));
    int ok = urne_store_begin(srv->store) == 0 && urne_store_entry_add(srv->store, id, bureau, r->user.id, &f) == 0 &&
             urne_store_bureau_set(srv->store, id, bureau, &next, counts ? &f : NULL) == 0;
    if (!ok)
        fail_store(srv, res);
    else if (audit(srv, r, "sheet.enter", object, before, after, res) == 0) {
        if (urne_store_commit(srv->store) < 0)
            fail_store(srv, res);
        else {
            apply(e, bureau, &next, counts ? &f : NULL);
            urne_cache_clear(srv);
            json_object_set_new(out, "state", json_string(urne_sheet_state_name(next.state)));
            if (next.state == URNE_SHEET_MISMATCH) {
                char diff[900];
                urne_figures_diff(e->round, sheet->contest, &other, &f, diff, sizeof diff);
                json_object_set_new(out, "differences", json_string(diff));
                set(res, 200,
                    L(r, "Enregistré, mais la double saisie diffère de l'autre saisie (autre / vôtre) : %s",
                      "Recorded, but the double entry differs from the other one (other / yours): %s"),
                    diff);
            } else if (next.state == URNE_SHEET_PENDING)
                set(res, 200, "%s",
                    L(r, "Enregistré ; en attente de la seconde saisie par une autre personne.",
                      "Recorded; waiting for the second entry by another person."));
            else
                set(res, 200, "%s", L(r, "Procès-verbal enregistré et compté.", "Sheet recorded and counted."));
        }
    }
    free(before);
    free(after);
    if (res->status == 200)
        set_json(res, out);
    else
        json_decref(out);
out:
    pthread_mutex_unlock(&srv->lock);
}

/* ---- récolement ---- */

/* The reason every récolement act must give; 0 with a 400 when it is missing. */
static int need_reason(const urne_req *r, const char **reason, const char *fr, const char *en, urne_result *res) {
    *reason = urne_req_param(r, "reason");
    /* Disputes keep their reasons in fields of fixed size: refuse what would not
     * fit rather than store it cut short. */
    size_t cap = sizeof ((urne_dispute *)0)->reason - 1, n = *reason ? strlen(*reason) : 0;
    if (n > cap) {
        set(res, 400, L(r, "Champ « reason » : %zu octets, plus que les %zu permis ; abrégez.",
                        "Field 'reason': %zu bytes, more than the %zu allowed; shorten it."),
            n, cap);
        return 0;
    }
    if (*reason && n >= 3) return 1;
    set(res, 400, "%s", L(r, fr, en));
    return 0;
}

static void deadline_after(const char *at, int hours, char out[24]) {
    struct tm tm = {0};
    if (strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL) {
        snprintf(out, 24, "%s", at);
        return;
    }
    time_t t = timegm(&tm) + (time_t)hours * 3600;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *dispute_json(const urne_dispute *d) {
    return json_pack("{s:I, s:I, s:i, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)d->id, "bureau",
                     (json_int_t)d->bureau, "tier", d->tier, "state", d->state, "reason", d->reason, "opened_by",
                     d->opened_by, "opened_at", d->opened_at, "deadline", d->deadline);
}

/* The whole dispute, as the audit log records it (store.h). */
static char *dispute_text(const urne_dispute *d) { return urne_audit_dispute_record(d); }

/* A bureau contested after the results were published reopens the publication:
 * the pages and the API then say that what was published is no longer final, and
 * why. The publication's date and digest are kept; the next publication moves
 * them to "previous". Inside the caller's transaction; 0 or -1 after a 500. */
static int reopen_publication(urne_req *r, urne_election *e, size_t bureau, const char *reason, const char *at,
                              urne_result *res) {
    urne_server *srv = r->srv;
    if (!e->meta.published_at[0] || e->meta.reopened_at[0]) return 0;
    char name[200], why[1024], object[64];
    urne_view_bureau_name(e, bureau, name, sizeof name);
    snprintf(why, sizeof why, "%s — %s", name, reason); /* words of no language: the pages word it */
    int rc = urne_store_reopen(srv->store, e->meta.id, at, why);
    if (rc < 0) return fail_store(srv, res);
    if (rc == 0) return 0;
    snprintf(object, sizeof object, "election/%lld", (long long)e->meta.id);
    json_t *bj = json_pack("{s:s, s:s}", "published_at", e->meta.published_at, "digest", e->meta.published_digest);
    json_t *aj = json_pack("{s:s, s:s, s:s, s:s}", "published_at", e->meta.published_at, "digest",
                           e->meta.published_digest, "reopened_at", at, "reason", why);
    char *before = json_dumps(bj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *after = json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(bj);
    json_decref(aj);
    rc = before && after ? audit(srv, r, "election.reopen", object, before, after, res) : fail_store(srv, res);
    free(before);
    free(after);
    return rc;
}

/* The election's record read again after a commit (publication, reopening). */
static void refresh_meta(urne_server *srv, urne_election *e) {
    urne_election_meta m;
    if (urne_store_election_meta(srv->store, e->meta.id, &m) == 1) e->meta = m;
}

/* Open a dispute on a bureau at `tier`, freezing it. Under the lock, inside a
 * transaction the caller commits. */
static int open_dispute(urne_req *r, urne_election *e, size_t bureau, int tier, const char *reason, int64_t from,
                        urne_dispute *d, urne_bureau_info *next, urne_result *res) {
    urne_server *srv = r->srv;
    memset(d, 0, sizeof *d);
    d->election = e->meta.id;
    d->bureau = (int64_t)bureau;
    d->tier = tier;
    d->escalated_from = from;
    snprintf(d->state, sizeof d->state, "open");
    snprintf(d->reason, sizeof d->reason, "%s", reason);
    snprintf(d->opened_by, sizeof d->opened_by, "%s", r->user.name);
    urne_store_now(d->opened_at);
    deadline_after(d->opened_at, DISPUTE_HOURS, d->deadline);
    urne_figures f;
    urne_figures_from_sheet(e->round, &e->round->sheets[bureau], &f);
    char *fig = urne_figures_json(&f);
    snprintf(d->figures_before, sizeof d->figures_before, "%s", fig ? fig : "");
    free(fig);
    *next = e->info[bureau];
    next->state = URNE_SHEET_CONTESTED;
    d->id = urne_store_dispute_open(srv->store, d);
    if (d->id < 0 || urne_store_bureau_set(srv->store, e->meta.id, bureau, next, &f) < 0) return fail_store(srv, res);
    char object[96];
    snprintf(object, sizeof object, "election/%lld/bureau/%zu", (long long)e->meta.id, bureau);
    char *before = state_json(&e->info[bureau], &f),
         *after = urne_audit_json_add(dispute_text(d), "sheet", urne_audit_sheet_record(bureau, next, &f));
    int rc = audit(srv, r, from ? "bureau.escalate" : "bureau.contest", object, before, after, res);
    free(before);
    free(after);
    return rc < 0 ? rc : reopen_publication(r, e, bureau, reason, d->opened_at, res);
}

void urne_action_contest(urne_req *r, int64_t id, size_t bureau, urne_result *res) {
    if (!need_role(r, URNE_ROLE_COMMISSION, res)) return;
    const char *reason;
    if (!need_reason(r, &reason, "Indiquez le motif de la contestation.", "Give the reason for contesting.", res))
        return;
    urne_server *srv = r->srv;
    pthread_mutex_lock(&srv->lock);
    urne_election *e = find_election(r, id, res);
    if (e == NULL || !find_bureau(r, e, bureau, res)) goto out;
    const char *why;
    if (!urne_recolement_may_contest(e->info[bureau].state, &why)) {
        set(res, 409, "%s", why);
        goto out;
    }
    urne_dispute d;
    urne_bureau_info next;
    if (urne_store_begin(srv->store) < 0) {
        fail_store(srv, res);
        goto out;
    }
    if (open_dispute(r, e, bureau, r->user.tier, reason, 0, &d, &next, res) < 0) goto out;
    if (urne_store_commit(srv->store) < 0) {
        fail_store(srv, res);
        goto out;
    }
    e->info[bureau] = next;
    refresh_meta(srv, e);
    urne_cache_clear(srv);
    set(res, 200, L(r, "Bureau contesté ; les résultats au-dessus sont gelés jusqu'à la décision (avant le %s).",
                    "Bureau contested; the results above it are frozen until the decision (due by %s)."),
        d.deadline);
    set_json(res, dispute_json(&d));
out:
    pthread_mutex_unlock(&srv->lock);
}

static urne_election *find_dispute(urne_req *r, int64_t id, int64_t dispute, urne_dispute *d, urne_result *res) {
    urne_election *e = find_election(r, id, res);
    if (e == NULL) return NULL;
    int found = urne_store_dispute_get(r->srv->store, dispute, d);
    if (found != 1 || d->election != id || (size_t)d->bureau >= e->round->nsheets) {
        set(res, 404, L(r, "Pas de contestation %lld dans cette élection.", "No dispute %lld in this election."),
            (long long)dispute);
        return NULL;
    }
    return e;
}

void urne_action_decide(urne_req *r, int64_t id, int64_t dispute, urne_result *res) {
    if (!need_role(r, URNE_ROLE_COMMISSION, res)) return;
    const char *dname = urne_req_param(r, "decision"), *reason;
    urne_decision decision;
    if (dname == NULL || urne_decision_parse(dname, &decision) < 0) {
        set(res, 400, "field 'decision': expected validate, correct, annul or revote");
        return;
    }
    if (!need_reason(r, &reason, "Motivez la décision.", "Give the reasons for the decision.", res)) return;
    urne_server *srv = r->srv;
    pthread_mutex_lock(&srv->lock);
    urne_dispute d;
    urne_election *e = find_dispute(r, id, dispute, &d, res);
    if (e == NULL) goto out;
    if (strcmp(d.state, "open") != 0) {
        set(res, 409, L(r, "Cette contestation est déjà %s.", "This dispute is already %s."), d.state);
        goto out;
    }
    if (r->user.tier < d.tier) {
        set(res, 403, "%s",
            L(r, "Cette contestation relève de la commission supérieure.",
              "This dispute is for the higher commission to decide."));
        goto out;
    }
    size_t bureau = (size_t)d.bureau;
    urne_sheet *sheet = &e->round->sheets[bureau];
    urne_figures f, *fp = NULL;
    urne_figures_from_sheet(e->round, sheet, &f);
    if (decision == URNE_DECIDE_CORRECT) {
        urne_diags dg;
        int failed = typed_figures(r, e, sheet, &f, &dg, res);
        if (failed < 0) goto out;
        if (failed > 0) {
            set(res, 422, "%s: %s", L(r, "Les chiffres corrigés ne passent pas les contrôles",
                                     "The corrected figures fail their checks"),
                dg.items[0].message);
            set_json(res, json_pack("{s:o}", "checks", checks_json(&dg)));
            urne_diags_free(&dg);
            goto out;
        }
        urne_diags_free(&dg);
    }
    urne_sheet_state after = urne_recolement_after_decision(decision);
    if (urne_sheet_state_counts(after) == 1 || decision == URNE_DECIDE_ANNUL) fp = &f;
    urne_bureau_info next = e->info[bureau];
    urne_bureau_info before_info = next;
    next.state = after;
    if (decision == URNE_DECIDE_CORRECT && next.validated_once) next.changed_after_validation = 1;
    if (after == URNE_SHEET_VALIDATED) next.validated_once = 1;
    snprintf(d.state, sizeof d.state, "decided");
    snprintf(d.decision, sizeof d.decision, "%s", urne_decision_name(decision));
    snprintf(d.decision_reason, sizeof d.decision_reason, "%s", reason);
    snprintf(d.decided_by, sizeof d.decided_by, "%s", r->user.name);
    urne_store_now(d.decided_at);
    char *fig = fp ? urne_figures_json(fp) : NULL;
    snprintf(d.figures_after, sizeof d.figures_after, "%s", fig ? fig : "");
    free(fig);
    char object[96];
    snprintf(object, sizeof object, "election/%lld/dispute/%lld", (long long)id, (long long)dispute);
    urne_figures old_f;
    urne_figures_from_sheet(e->round, sheet, &old_f);
    char *before = state_json(&before_info, &old_f), *after_text = state_json(&next, fp);
    json_t *aj = json_loads(after_text ? after_text : "{}", 0, NULL);
    json_object_set_new(aj, "decision", json_string(d.decision));
    json_object_set_new(aj, "reason", json_string(reason));
    free(after_text);
    after_text = json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(aj);
    after_text = urne_audit_json_add(after_text, "sheet",
                                     urne_audit_sheet_record(bureau, &next,
                                                             urne_sheet_state_counts(after) == 1 ? &f : NULL));
    after_text = urne_audit_json_add(after_text, "dispute", dispute_text(&d));
    /* Annulled and re-voted bureaux keep their old figures in the dispute only. */
    int ok = urne_store_begin(srv->store) == 0 && urne_store_dispute_update(srv->store, &d) == 0 &&
             urne_store_bureau_set(srv->store, id, bureau, &next,
                                   urne_sheet_state_counts(after) == 1 ? &f : NULL) == 0;
    if (!ok)
        fail_store(srv, res);
    else if (audit(srv, r, "dispute.decide", object, before, after_text, res) == 0) {
        if (urne_store_commit(srv->store) < 0)
            fail_store(srv, res);
        else {
            apply(e, bureau, &next, urne_sheet_state_counts(after) == 1 ? &f : NULL);
            urne_cache_clear(srv);
            set(res, 200, L(r, "Décision enregistrée : %s.", "Decision recorded: %s."), d.decision);
            json_t *o = dispute_json(&d);
            json_object_set_new(o, "decision", json_string(d.decision));
            json_object_set_new(o, "bureau_state", json_string(urne_sheet_state_name(after)));
            set_json(res, o);
        }
    }
    free(before);
    free(after_text);
out:
    pthread_mutex_unlock(&srv->lock);
}

void urne_action_escalate(urne_req *r, int64_t id, int64_t dispute, urne_result *res) {
    if (r->user.role != URNE_ROLE_ADMIN && !need_role(r, URNE_ROLE_COMMISSION, res)) return;
    const char *reason;
    if (!need_reason(r, &reason, "Indiquez le motif du recours.", "Give the reason for the appeal.", res)) return;
    urne_server *srv = r->srv;
    pthread_mutex_lock(&srv->lock);
    urne_dispute d;
    urne_election *e = find_dispute(r, id, dispute, &d, res);
    if (e == NULL) goto out;
    if (strcmp(d.state, "decided") != 0 || d.tier != 1) {
        set(res, 409, "%s",
            L(r, "Seule une décision de la première commission peut être portée devant la commission supérieure.",
              "Only a decision of the first commission can be escalated to the higher commission."));
        goto out;
    }
    size_t bureau = (size_t)d.bureau;
    if (e->info[bureau].state == URNE_SHEET_CONTESTED) {
        set(res, 409, "%s", L(r, "Ce bureau est déjà contesté.", "This bureau is already contested."));
        goto out;
    }
    urne_dispute up;
    urne_bureau_info next;
    snprintf(d.state, sizeof d.state, "escalated");
    if (urne_store_begin(srv->store) < 0 || urne_store_dispute_update(srv->store, &d) < 0) {
        fail_store(srv, res);
        goto out;
    }
    if (open_dispute(r, e, bureau, 2, reason, d.id, &up, &next, res) < 0) goto out;
    if (urne_store_commit(srv->store) < 0) {
        fail_store(srv, res);
        goto out;
    }
    /* A re-voted or annulled bureau is counted again provisionally while the appeal runs. */
    urne_figures f;
    int has = urne_store_bureau_figures(srv->store, id, bureau, &f);
    apply(e, bureau, &next, has == 1 ? &f : NULL);
    refresh_meta(srv, e);
    urne_cache_clear(srv);
    set(res, 200, "%s",
        L(r, "Décision portée devant la commission supérieure ; le bureau est de nouveau gelé.",
          "Decision escalated to the higher commission; the bureau is frozen again."));
    set_json(res, dispute_json(&up));
out:
    pthread_mutex_unlock(&srv->lock);
}

/* ---- publication ---- */

void urne_action_publish(urne_req *r, int64_t id, urne_result *res) {
    if (!need_role(r, URNE_ROLE_ADMIN, res)) return;
    urne_server *srv = r->srv;
    pthread_mutex_lock(&srv->lock);
    urne_election *e = find_election(r, id, res);
    if (e == NULL) goto out;
    size_t by_state[URNE_SHEET_NSTATES];
    if (urne_view_unit_state(e, URNE_NONE, NULL, by_state) == URNE_UNIT_FROZEN) {
        set(res, 409, L(r, "%zu bureau(x) contesté(s) : la commission doit décider avant toute publication.",
                        "%zu bureau(x) contested: the commission must decide before anything is published."),
            by_state[URNE_SHEET_CONTESTED]);
        goto out;
    }
    size_t len;
    char *report = urne_view_report(e, 0, 0, &len);
    if (report == NULL) {
        set(res, 500, "the results could not be computed");
        goto out;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    char digest[65], at[24], object[64];
    crypto_hash_sha256(h, (const unsigned char *)report, len);
    sodium_bin2hex(digest, sizeof digest, h, sizeof h);
    free(report);
    urne_store_now(at);
    snprintf(object, sizeof object, "election/%lld", (long long)id);
    json_t *aj = json_pack("{s:s, s:s, s:s}", "digest", digest, "at", at, "state",
                           urne_unit_state_name(urne_recolement_unit_state(by_state)));
    char *after = json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(aj);
    if (urne_store_begin(srv->store) < 0 || urne_store_publish(srv->store, id, at, digest) < 0)
        fail_store(srv, res);
    else if (audit(srv, r, "election.publish", object, NULL, after, res) == 0) {
        if (urne_store_commit(srv->store) < 0)
            fail_store(srv, res);
        else {
            refresh_meta(srv, e);
            urne_cache_clear(srv);
            set(res, 200, L(r, "Résultats publiés ; empreinte SHA-256 %s.", "Results published; SHA-256 digest %s."),
                digest);
            set_json(res, json_loads(after, 0, NULL));
        }
    }
    free(after);
out:
    pthread_mutex_unlock(&srv->lock);
}

/* ---- users ---- */

void urne_action_user_create(urne_req *r, urne_result *res) {
    if (!need_role(r, URNE_ROLE_ADMIN, res)) return;
    const char *name = urne_req_param(r, "name"), *password = urne_req_param(r, "password"),
               *role = urne_req_param(r, "role");
    urne_role ro;
    if (name == NULL || password == NULL || role == NULL || urne_role_parse(role, &ro) < 0 || ro == URNE_ROLE_PUBLIC) {
        set(res, 400, "fields 'name', 'password' and 'role' (observer, secretary, commission, admin) are required");
        return;
    }
    int64_t t64 = 1;
    int trc = int_field(r, "tier", &t64);
    if (trc < -1 || (trc == 0 && t64 != 1 && t64 != 2)) {
        set(res, 400, "field 'tier': 1 (first commission) or 2 (higher commission)");
        return;
    }
    int t = (int)t64;
    char err[300];
    /* The password is hashed outside the lock; only the write takes it. */
    int64_t id = urne_users_create(r->srv->store, &r->srv->lock, r->user.name, name, password, ro, t, err, sizeof err);
    if (id > 0) urne_cache_clear(r->srv);
    if (id <= 0) {
        set(res, id == 0 ? 409 : 400, "%s", err);
        return;
    }
    set(res, 200, L(r, "Compte %s créé (%s).", "Account %s created (%s)."), name, role);
    set_json(res, json_pack("{s:I, s:s, s:s, s:i}", "id", (json_int_t)id, "name", name, "role", role, "tier", t));
}

void urne_action_assign(urne_req *r, urne_result *res) {
    if (!need_role(r, URNE_ROLE_ADMIN, res)) return;
    const char *uname = urne_req_param(r, "user");
    int64_t election, first, last;
    if (uname == NULL || int_field(r, "election", &election) < 0 || int_field(r, "first", &first) < 0) {
        set(res, 400, "fields 'user', 'election' and 'first' (a bureau number; 'last' for a range) are required");
        return;
    }
    if (int_field(r, "last", &last) < 0) last = first;
    urne_server *srv = r->srv;
    pthread_mutex_lock(&srv->lock);
    urne_user u;
    urne_election *e = find_election(r, election, res);
    if (e == NULL) goto out;
    if (urne_store_user_find(srv->store, uname, &u, NULL, 0) != 1) {
        set(res, 404, "no user '%s'", uname);
        goto out;
    }
    if (u.role != URNE_ROLE_SECRETARY) {
        set(res, 409, "'%s' is not a section secretary (role %s)", uname, urne_role_name(u.role));
        goto out;
    }
    if (first < 0 || last < first || (size_t)last >= e->round->nsheets) {
        set(res, 400, "bureaux %lld..%lld: election %lld has bureaux 0..%zu", (long long)first, (long long)last,
            (long long)election, e->round->nsheets - 1);
        goto out;
    }
    char object[96], after[128];
    snprintf(object, sizeof object, "user/%lld", (long long)u.id);
    snprintf(after, sizeof after, "{\"election\":%lld,\"first\":%lld,\"last\":%lld}", (long long)election,
             (long long)first, (long long)last);
    if (urne_store_begin(srv->store) < 0) {
        fail_store(srv, res);
        goto out;
    }
    for (int64_t b = first; b <= last; b++)
        if (urne_store_assign(srv->store, u.id, election, (size_t)b) < 0) {
            fail_store(srv, res);
            goto out;
        }
    if (audit(srv, r, "user.assign", object, NULL, after, res) < 0) goto out;
    if (urne_store_commit(srv->store) < 0) {
        fail_store(srv, res);
        goto out;
    }
    urne_cache_clear(srv);
    set(res, 200, L(r, "%lld bureau(x) attribué(s) à %s.", "%lld bureau(x) assigned to %s."),
        (long long)(last - first + 1), uname);
    set_json(res, json_loads(after, 0, NULL));
out:
    pthread_mutex_unlock(&srv->lock);
}
