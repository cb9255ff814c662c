/*
 * results_disputes: the commission's review of a bureau (récolement): contest,
 * decide, escalate (see results_app.h).
 *
 * A contest opens a dispute and freezes the bureau; every unit above it is shown
 * frozen until the decision, and a publication standing at that moment is
 * reopened (the pages then say that what was published is no longer final, and
 * why). A decision validates, corrects, annuls or orders a new vote; a first
 * commission's decision may be taken to the higher one, which opens a tier-2
 * dispute on the same bureau. Each act writes the dispute, the bureau's state and
 * the audit entry (with the whole dispute and sheet, so that the log alone can
 * rebuild them: audit/replay.c) in one transaction.
 */
#define _GNU_SOURCE /* strptime, timegm */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../io/results_io.h"
#include "results_internal.h"
#include "results_live.h"
#include "results_view.h"

/* The reason every récolement act must give: OK, or BAD_INPUT. Disputes keep
 * their reasons in fields of fixed size: what would not fit is refused, never
 * stored cut short. */
static urne_app_status check_reason(const char *reason, urne_app_outcome *out) {
    size_t cap = sizeof out->dispute.reason - 1, n = reason ? strlen(reason) : 0;
    snprintf(out->field, sizeof out->field, "reason");
    if (n > cap) {
        out->why = URNE_WHY_REASON_LONG;
        out->number = (int64_t)cap;
        return urne_app_fail(out, URNE_APP_BAD_INPUT, "%zu", n);
    }
    if (n < 3) {
        out->why = URNE_WHY_REASON_MISSING;
        return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
    }
    out->field[0] = 0;
    return URNE_APP_OK;
}

/* What every récolement act checks first, before the lock: who may, and the
 * reason given. Clears *out. */
static urne_app_status begin_act(urne_app *app, const urne_user *actor, urne_action action, int64_t election,
                                 const char *reason, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_app_status st = urne_app_may(app, actor, action, election, out);
    if (st == URNE_APP_OK) st = check_reason(reason, out);
    return out->status = st;
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

/* A bureau contested after the results were published reopens the publication.
 * The publication's date and digest are kept; the next publication moves them to
 * "previous". Inside the caller's transaction, on the election's record as
 * stored (another server may have published a moment ago, unheard of yet). */
static urne_app_status reopen_publication(urne_app *app, const urne_user *actor, urne_election *e, size_t bureau,
                                          const char *reason, const char *at, urne_app_outcome *out) {
    urne_election_meta m;
    int found = urne_store_election_meta(app->store, e->meta.id, &m);
    if (found < 0) return urne_app_store_failed(app, out);
    if (found == 0 || !m.published_at[0] || m.reopened_at[0]) return URNE_APP_OK;
    char name[200], why[1024], object[64];
    urne_election_bureau_name(e, bureau, name, sizeof name);
    snprintf(why, sizeof why, "%s — %s", name, reason); /* words of no language: the pages word it */
    int rc = urne_store_reopen(app->store, e->meta.id, at, why);
    if (rc < 0) return urne_app_store_failed(app, out);
    if (rc == 0) return URNE_APP_OK;
    snprintf(object, sizeof object, "election/%lld", (long long)e->meta.id);
    json_t *bj = json_pack("{s:s, s:s}", "published_at", m.published_at, "digest", m.published_digest);
    json_t *aj = json_pack("{s:s, s:s, s:s, s:s}", "published_at", m.published_at, "digest", m.published_digest,
                           "reopened_at", at, "reason", why);
    char *before = json_dumps(bj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *after = json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(bj);
    json_decref(aj);
    urne_app_status st = before && after ? urne_results_audit(app, actor, "election.reopen", object, before, after, out)
                                         : urne_app_store_failed(app, out);
    free(before);
    free(after);
    return st;
}

/* Figures f (NULL: none, "") as the text of a dispute's figures field (size
 * bytes). OK; NO_MEMORY; or STORE when the text is longer than the field holds
 * (refused, never cut: figures cut would no longer parse). Rolls back the
 * store's transaction when it fails. */
static urne_app_status dispute_figures(urne_app *app, const urne_figures *f, char *field, size_t size,
                                       urne_app_outcome *out) {
    field[0] = 0;
    if (f == NULL) return URNE_APP_OK;
    char *fig = urne_figures_json(f);
    size_t n = fig ? strlen(fig) : 0;
    urne_app_status st = URNE_APP_OK;
    if (fig == NULL)
        st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    else if (n >= size)
        st = urne_app_store_fail(out,
                           "a dispute's figures (%zu bytes for %zu candidates) are longer than the %zu bytes the store"
                           " holds for them (refused, not cut)",
                           n, f->nvotes, size - 1);
    else
        memcpy(field, fig, n + 1);
    free(fig);
    if (st != URNE_APP_OK) urne_store_rollback(app->store);
    return st;
}

/* The election's record read again after a commit (publication, reopening). */
static void refresh_meta(urne_app *app, urne_election *e) {
    urne_election_meta m;
    if (urne_store_election_meta(app->store, e->meta.id, &m) == 1) e->meta = m;
}

/* Open a dispute on a bureau at `tier`, freezing it, into out->dispute and *next,
 * with f the bureau's figures (a valid value, filled here: the caller frees it).
 * Inside a transaction the caller commits. */
static urne_app_status open_dispute(urne_app *app, const urne_user *actor, urne_election *e, size_t bureau, int tier,
                                    const char *reason, int64_t from, urne_bureau_info *next, urne_figures *f,
                                    urne_app_outcome *out) {
    urne_dispute *d = &out->dispute;
    memset(d, 0, sizeof *d);
    d->election = e->meta.id;
    d->bureau = (int64_t)bureau;
    d->tier = tier;
    d->escalated_from = from;
    snprintf(d->state, sizeof d->state, "open");
    snprintf(d->reason, sizeof d->reason, "%s", reason);
    snprintf(d->opened_by, sizeof d->opened_by, "%s", actor->name);
    urne_store_now(d->opened_at);
    deadline_after(d->opened_at, URNE_DISPUTE_HOURS, d->deadline);
    if (urne_figures_from_sheet(e->round, &e->round->sheets[bureau], f) < 0) {
        urne_store_rollback(app->store);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    urne_app_status st = dispute_figures(app, f, d->figures_before, sizeof d->figures_before, out);
    if (st != URNE_APP_OK) return st;
    *next = e->info[bureau];
    next->state = URNE_SHEET_CONTESTED;
    d->id = urne_store_dispute_open(app->store, d);
    if (d->id == 0) { /* the store holds an open dispute on the bureau already */
        urne_store_rollback(app->store);
        out->why = URNE_WHY_ALREADY_CONTESTED;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    if (d->id < 0 || urne_store_bureau_set(app->store, e->meta.id, bureau, next, f) < 0)
        return urne_app_store_failed(app, out);
    char object[96];
    snprintf(object, sizeof object, "election/%lld/bureau/%zu", (long long)e->meta.id, bureau);
    char *before = urne_results_state_json(&e->info[bureau], f),
         *after = urne_audit_json_add(urne_audit_dispute_record(d), "sheet", urne_audit_sheet_record(bureau, next, f));
    st = before && after ? urne_results_audit(app, actor, from ? "bureau.escalate" : "bureau.contest", object, before,
                                              after, out)
                         : urne_app_store_failed(app, out);
    free(before);
    free(after);
    if (st != URNE_APP_OK) return st;
    snprintf(out->at, sizeof out->at, "%s", d->opened_at);
    return reopen_publication(app, actor, e, bureau, reason, d->opened_at, out);
}

/* out cleared for a use case's next try (URNE_RESULTS_STALE). */
static urne_app_outcome *again(urne_app_outcome *out) {
    urne_app_outcome_free(out);
    urne_app_outcome_init(out);
    return out;
}

static urne_app_status contest_locked(urne_app *app, const urne_user *actor, int64_t id, size_t bureau,
                                      const char *reason, urne_app_outcome *out) {
    urne_election *e = urne_results_find(app, actor, URNE_ACT_CONTEST, id, bureau, out);
    if (e == NULL) return out->status;
    if (!urne_recolement_may_contest(e->info[bureau].state, &out->why)) return urne_app_fail(out, URNE_APP_STATE, NULL);
    urne_bureau_info next;
    urne_app_status st = urne_results_begin_sheet(app, e, bureau, out);
    if (st != URNE_APP_OK) return st; /* STALE: contested or changed elsewhere, decide again */
    urne_figures f = {0};
    st = open_dispute(app, actor, e, bureau, actor->tier, reason, 0, &next, &f, out);
    urne_figures_free(&f);
    if (st != URNE_APP_OK) return st;
    if (urne_store_commit(app->store) < 0) return urne_app_store_failed(app, out);
    urne_live_sheet_before(app, e, bureau); /* its state, and so its units', changes */
    urne_results_seen(e, bureau, urne_store_audit_known(app->store));
    e->info[bureau] = next;
    urne_live_sheet_after(app, e, bureau);
    refresh_meta(app, e);
    urne_app_changed(app);
    out->state = next.state;
    return URNE_APP_OK;
}

urne_app_status urne_app_bureau_contest(urne_app *app, const urne_user *actor, int64_t id, size_t bureau,
                                        const char *reason, urne_app_outcome *out) {
    urne_app_status st = begin_act(app, actor, URNE_ACT_CONTEST, id, reason, out);
    if (st != URNE_APP_OK) return st;
    pthread_mutex_lock(&app->lock);
    st = contest_locked(app, actor, id, bureau, reason, out);
    for (int tries = 1; st == URNE_RESULTS_STALE && tries < URNE_RESULTS_TRIES; tries++)
        st = contest_locked(app, actor, id, bureau, reason, again(out));
    if (st == URNE_RESULTS_STALE) st = urne_results_stale_failed(out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

/* The dispute `dispute` of election `id`, as stored, into out->dispute, its
 * sheet in memory brought up to the store; the election, or NULL with out set. */
static urne_election *find_dispute(urne_app *app, const urne_user *actor, urne_action action, int64_t id,
                                   int64_t dispute, urne_app_outcome *out) {
    urne_election *e = urne_results_find(app, actor, action, id, URNE_NONE, out);
    if (e == NULL) return NULL;
    urne_dispute *d = &out->dispute;
    int found = urne_store_dispute_get(app->store, dispute, d);
    if (found < 0) {
        urne_app_store_failed(app, out);
        return NULL;
    }
    if (found != 1 || d->election != id || d->bureau < 0 || (size_t)d->bureau >= e->round->nsheets) {
        memset(d, 0, sizeof *d);
        out->number = dispute;
        urne_app_fail(out, URNE_APP_NO_DISPUTE, NULL);
        return NULL;
    }
    /* The dispute is as stored: so must its sheet be, which another server may
     * have decided or escalated a moment ago (memory patched when it differs). */
    int current = urne_results_sheet_current(app, e, (size_t)d->bureau);
    if (current == -1) {
        urne_app_store_failed(app, out);
        return NULL;
    }
    if (current == 0) urne_app_changed(app);
    return e;
}

/* The audit entry's `after` for a decision: the bureau's state and figures, the
 * decision with its reasons, the sheet and the whole dispute. */
static char *decision_after(size_t bureau, const urne_bureau_info *next, const urne_figures *fp,
                            const urne_figures *stored, const urne_dispute *d) {
    char *text = urne_results_state_json(next, fp);
    json_t *aj = json_loads(text ? text : "{}", 0, NULL);
    free(text);
    if (aj == NULL) return NULL;
    json_object_set_new(aj, "decision", json_string(d->decision));
    json_object_set_new(aj, "reason", json_string(d->decision_reason));
    text = json_dumps(aj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(aj);
    text = urne_audit_json_add(text, "sheet", urne_audit_sheet_record(bureau, next, stored));
    return urne_audit_json_add(text, "dispute", urne_audit_dispute_record(d));
}

/* Write a decision (out->dispute, decided) on bureau `bureau` of e, its new
 * state next and figures f (NULL: none), with its audit entry, in one
 * transaction that first checks the sheet and the dispute as stored: STALE when
 * another server changed either meanwhile (decide again); then memory. */
static urne_app_status decide_write(urne_app *app, const urne_user *actor, urne_election *e, size_t bureau,
                                    const urne_bureau_info *next, const urne_figures *f, const char *before,
                                    const char *after, urne_app_outcome *out) {
    const urne_dispute *d = &out->dispute;
    char object[96];
    snprintf(object, sizeof object, "election/%lld/dispute/%lld", (long long)e->meta.id, (long long)d->id);
    urne_app_status st = urne_results_begin_sheet(app, e, bureau, out);
    if (st != URNE_APP_OK) return st;
    int updated = urne_store_dispute_update(app->store, d, "open");
    if (updated == 0) { /* decided by another server a moment ago: the next try reads it so */
        urne_store_rollback(app->store);
        return URNE_RESULTS_STALE;
    }
    if (updated < 0 || urne_store_bureau_set(app->store, e->meta.id, bureau, next, f) < 0)
        return urne_app_store_failed(app, out);
    if ((st = urne_results_audit(app, actor, "dispute.decide", object, before, after, out)) != URNE_APP_OK) return st;
    if (urne_store_commit(app->store) < 0) return urne_app_store_failed(app, out);
    urne_results_apply(app, e, bureau, next, f);
    urne_app_changed(app);
    return URNE_APP_OK;
}

/* decide_locked with the figures it works on: f, the figures decided, and old_f,
 * the bureau's before (valid values, filled here: the caller frees them). */
static urne_app_status decide_figures(urne_app *app, const urne_user *actor, int64_t id, int64_t dispute,
                                      urne_decision decision, const urne_figures *corrected, const char *reason,
                                      urne_figures *f, urne_figures *old_f, urne_app_outcome *out) {
    urne_election *e = find_dispute(app, actor, URNE_ACT_DECIDE, id, dispute, out);
    if (e == NULL) return out->status;
    urne_dispute *d = &out->dispute;
    if (strcmp(d->state, "open") != 0) {
        out->why = URNE_WHY_DISPUTE_CLOSED;
        return urne_app_fail(out, URNE_APP_STATE, "%s", d->state);
    }
    urne_app_status st = urne_app_authorize_election(app, actor, URNE_ACT_DECIDE, id, d->tier, out);
    if (st != URNE_APP_OK) return st;
    size_t bureau = (size_t)d->bureau;
    urne_sheet *sheet = &e->round->sheets[bureau];
    if (urne_figures_from_sheet(e->round, sheet, old_f) < 0 || urne_figures_copy(f, old_f) < 0)
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (decision == URNE_DECIDE_CORRECT) {
        if (corrected == NULL) {
            snprintf(out->field, sizeof out->field, "votes.0");
            out->why = URNE_WHY_CANDIDATES;
            out->number = (int64_t)e->round->contests[sheet->contest].ncand;
            return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
        }
        st = urne_results_check_figures(e, bureau, corrected, out);
        if (st == URNE_APP_IMPOSSIBLE) out->status = st = URNE_APP_CHECKS_FAILED; /* a correction confirms nothing */
        if (st != URNE_APP_OK) return st;
        if (urne_figures_copy(f, corrected) < 0) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    urne_sheet_state after = urne_recolement_after_decision(decision);
    int counts = urne_sheet_state_counts(after) == 1;
    const urne_figures *fp = counts || decision == URNE_DECIDE_ANNUL ? f : NULL;
    urne_bureau_info next = e->info[bureau], before_info = next;
    next.state = after;
    if (decision == URNE_DECIDE_CORRECT && next.validated_once) next.changed_after_validation = 1;
    if (after == URNE_SHEET_VALIDATED) next.validated_once = 1;
    snprintf(d->state, sizeof d->state, "decided");
    snprintf(d->decision, sizeof d->decision, "%s", urne_decision_name(decision));
    snprintf(d->decision_reason, sizeof d->decision_reason, "%s", reason);
    snprintf(d->decided_by, sizeof d->decided_by, "%s", actor->name);
    urne_store_now(d->decided_at);
    snprintf(out->at, sizeof out->at, "%s", d->decided_at);
    if ((st = dispute_figures(app, fp, d->figures_after, sizeof d->figures_after, out)) != URNE_APP_OK) return st;
    /* Annulled and re-voted bureaux keep their old figures in the dispute only. */
    char *before = urne_results_state_json(&before_info, old_f);
    char *after_text = decision_after(bureau, &next, fp, counts ? f : NULL, d);
    if (before == NULL || after_text == NULL)
        st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    else if ((st = decide_write(app, actor, e, bureau, &next, counts ? f : NULL, before, after_text, out)) ==
             URNE_APP_OK)
        out->state = after;
    free(before);
    free(after_text);
    return st;
}

static urne_app_status decide_locked(urne_app *app, const urne_user *actor, int64_t id, int64_t dispute,
                                     urne_decision decision, const urne_figures *corrected, const char *reason,
                                     urne_app_outcome *out) {
    urne_figures f = {0}, old_f = {0};
    urne_app_status st = decide_figures(app, actor, id, dispute, decision, corrected, reason, &f, &old_f, out);
    urne_figures_free(&f);
    urne_figures_free(&old_f);
    return st;
}

urne_app_status urne_app_dispute_decide(urne_app *app, const urne_user *actor, int64_t id, int64_t dispute,
                                        urne_decision decision, const urne_figures *corrected, const char *reason,
                                        urne_app_outcome *out) {
    urne_app_status st = begin_act(app, actor, URNE_ACT_DECIDE, id, reason, out);
    if (st != URNE_APP_OK) return st;
    pthread_mutex_lock(&app->lock);
    st = decide_locked(app, actor, id, dispute, decision, corrected, reason, out);
    for (int tries = 1; st == URNE_RESULTS_STALE && tries < URNE_RESULTS_TRIES; tries++)
        st = decide_locked(app, actor, id, dispute, decision, corrected, reason, again(out));
    if (st == URNE_RESULTS_STALE) st = urne_results_stale_failed(out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

static urne_app_status escalate_locked(urne_app *app, const urne_user *actor, int64_t id, int64_t dispute,
                                       const char *reason, urne_app_outcome *out) {
    urne_election *e = find_dispute(app, actor, URNE_ACT_ESCALATE, id, dispute, out);
    if (e == NULL) return out->status;
    urne_dispute d = out->dispute;
    if (strcmp(d.state, "decided") != 0 || d.tier != 1) {
        out->why = URNE_WHY_NOT_FIRST_DECISION;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    size_t bureau = (size_t)d.bureau;
    if (e->info[bureau].state == URNE_SHEET_CONTESTED) {
        out->why = URNE_WHY_ALREADY_CONTESTED;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    urne_bureau_info next;
    snprintf(d.state, sizeof d.state, "escalated");
    urne_app_status st = urne_results_begin_sheet(app, e, bureau, out);
    if (st != URNE_APP_OK) return st;
    int updated = urne_store_dispute_update(app->store, &d, "decided");
    if (updated < 0) return urne_app_store_failed(app, out);
    if (updated == 0) { /* escalated by another server a moment ago: the next try reads it so */
        urne_store_rollback(app->store);
        return URNE_RESULTS_STALE;
    }
    urne_figures f = {0};
    st = open_dispute(app, actor, e, bureau, 2, reason, d.id, &next, &f, out);
    if (st == URNE_APP_OK && urne_store_commit(app->store) < 0) st = urne_app_store_failed(app, out);
    if (st != URNE_APP_OK) {
        urne_figures_free(&f);
        return st;
    }
    /* A re-voted or annulled bureau is counted again provisionally while the appeal runs. */
    int has = urne_store_bureau_figures(app->store, id, bureau, &f);
    urne_results_apply(app, e, bureau, &next, has == 1 ? &f : NULL);
    urne_figures_free(&f);
    refresh_meta(app, e);
    urne_app_changed(app);
    out->state = next.state;
    return URNE_APP_OK;
}

urne_app_status urne_app_dispute_escalate(urne_app *app, const urne_user *actor, int64_t id, int64_t dispute,
                                          const char *reason, urne_app_outcome *out) {
    urne_app_status st = begin_act(app, actor, URNE_ACT_ESCALATE, id, reason, out);
    if (st != URNE_APP_OK) return st;
    pthread_mutex_lock(&app->lock);
    st = escalate_locked(app, actor, id, dispute, reason, out);
    for (int tries = 1; st == URNE_RESULTS_STALE && tries < URNE_RESULTS_TRIES; tries++)
        st = escalate_locked(app, actor, id, dispute, reason, again(out));
    if (st == URNE_RESULTS_STALE) st = urne_results_stale_failed(out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}
