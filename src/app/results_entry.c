/*
 * results_entry: a secretary enters a tally sheet (see results_app.h), and what
 * the results component's use cases share (results_internal.h).
 *
 * An entry is checked on a copy of the sheet before anything is written: a figure
 * no procès-verbal can hold (negative, beyond any count) is refused even when the
 * person confirms it; a sheet that breaks a consistency check is recorded only
 * when confirmed, so that the commission sees it as written. With double entry
 * each typing is kept, and the sheet counts only when two different people agree
 * (récolement decides the state from the other person's latest typing).
 */
#include <assert.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/results_io.h"
#include "results_internal.h"
#include "results_live.h"

/* ---- shared by the results use cases ---- */

urne_election *urne_results_find(urne_app *app, const urne_user *actor, urne_action action, int64_t id,
                                 size_t bureau, urne_app_outcome *out) {
    if (urne_app_may(app, actor, action, id, out) != URNE_APP_OK) return NULL;
    urne_election *e = urne_app_election(app, id);
    if (e == NULL) {
        out->number = id;
        urne_app_fail(out, URNE_APP_NO_ELECTION, NULL);
        return NULL;
    }
    if (bureau != URNE_NONE && bureau >= e->round->nsheets) {
        out->number = (int64_t)bureau;
        out->id = id;
        urne_app_fail(out, URNE_APP_NO_BUREAU, NULL);
        return NULL;
    }
    return e;
}

/* user's bureaux in e as the store lists them, added to e->assignees: the new
 * entry, or NULL when it cannot be (full, out of memory, the store failed: the
 * caller then asks the store each time). */
static urne_assignee *assignees_load(urne_app *app, urne_election *e, int64_t user) {
    size_t n = e->round->nsheets;
    if (e->nassignees == URNE_ASSIGNEES_HELD) return NULL;
    if (e->assignees == NULL && (e->assignees = calloc(URNE_ASSIGNEES_HELD, sizeof *e->assignees)) == NULL)
        return NULL;
    unsigned char *bits = calloc(n / 8 + 1, 1);
    size_t *list = malloc(n * sizeof *list);
    long got = bits && list ? urne_store_assigned_list(app->store, user, e->meta.id, list, n) : -1;
    for (long i = 0; i < got; i++)
        if (list[i] < n) bits[list[i] / 8] |= (unsigned char)(1u << (list[i] % 8));
    free(list);
    if (got < 0) {
        free(bits);
        return NULL;
    }
    urne_assignee *a = &e->assignees[e->nassignees++];
    a->user = user;
    a->bits = bits;
    return a;
}

int urne_results_assigned(urne_app *app, urne_election *e, int64_t user, size_t bureau) {
    assert(bureau < e->round->nsheets);
    urne_assignee *a = NULL;
    for (size_t i = 0; i < e->nassignees && a == NULL; i++)
        if (e->assignees[i].user == user) a = &e->assignees[i];
    if (a && a->bits[bureau / 8] & (1u << (bureau % 8))) return 1;
    int rc = urne_store_is_assigned(app->store, user, e->meta.id, bureau);
    if (rc == 1 && a == NULL) a = assignees_load(app, e, user);
    if (rc == 1 && a) a->bits[bureau / 8] |= (unsigned char)(1u << (bureau % 8));
    return rc;
}

char *urne_results_state_json(const urne_bureau_info *b, const urne_figures *f) {
    json_t *o = json_object();
    if (o == NULL) return NULL;
    json_object_set_new(o, "state", json_string(urne_sheet_state_name(b->state)));
    if (f) {
        char *fig = urne_figures_json(f);
        json_t *v = fig ? json_loads(fig, 0, NULL) : NULL;
        free(fig);
        if (v == NULL) { /* out of memory: no text rather than one without the figures */
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, "figures", v);
    }
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}

urne_app_status urne_results_audit(urne_app *app, const urne_user *actor, const char *action, const char *object,
                                   const char *before, const char *after, urne_app_outcome *out) {
    if (urne_store_audit(app->store, actor->name, action, object, before, after) < 0)
        return urne_app_store_failed(app, out);
    return URNE_APP_OK;
}

void urne_results_seen(urne_election *e, size_t bureau, int64_t seq) {
    if (e->seen == NULL && seq > 0 && (e->seen = calloc(e->round->nsheets, sizeof *e->seen)) == NULL) {
        e->floor = INT64_MAX; /* no record of this election applied until the watch reads the head again */
        return;
    }
    if (e->seen && seq > e->seen[bureau]) e->seen[bureau] = seq;
}

void urne_results_apply(urne_app *app, urne_election *e, size_t bureau, const urne_bureau_info *info,
                        const urne_figures *f) {
    /* Read or written through the store at or before the head it last knew: just
     * after a commit, or under the head's lock in the transaction (store_audit.h). */
    urne_results_seen(e, bureau, urne_store_audit_known(app->store));
    urne_live_sheet_before(app, e, bureau);
    e->info[bureau] = *info;
    urne_recolement_apply(e->round, bureau, info->state, f);
    urne_live_sheet_after(app, e, bureau);
}

urne_app_status urne_results_check_figures(const urne_election *e, size_t bureau, const urne_figures *f,
                                           urne_app_outcome *out) {
    const urne_sheet *sheet = &e->round->sheets[bureau];
    size_t ncand = e->round->contests[sheet->contest].ncand;
    if (f->nvotes != ncand) {
        /* Votes for candidates the contest does not have would be dropped; missing
         * ones would count as none: both refused, naming the first field at fault. */
        snprintf(out->field, sizeof out->field, "votes.%zu", f->nvotes < ncand ? f->nvotes : ncand);
        out->why = URNE_WHY_CANDIDATES;
        out->number = (int64_t)ncand;
        return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
    }
    int64_t *votes = malloc((ncand ? ncand : 1) * sizeof *votes);
    if (votes == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_sheet trial = *sheet;
    trial.votes = votes;
    urne_figures_to_sheet(f, &trial);
    urne_diags_free(&out->checks);
    urne_diags_init(&out->checks, NULL);
    urne_results_check_sheet(e->round, &trial, &out->checks);
    free(votes);
    for (size_t i = 0; i < out->checks.count; i++)
        if (out->checks.items[i].severity == URNE_DIAG_ERROR &&
            !urne_recolement_rule_confirmable(out->checks.items[i].rule))
            return urne_app_fail(out, URNE_APP_IMPOSSIBLE, NULL);
    return out->checks.errors ? urne_app_fail(out, URNE_APP_CHECKS_FAILED, NULL) : URNE_APP_OK;
}

int urne_results_sheet_current(urne_app *app, urne_election *e, size_t bureau) {
    urne_bureau_info row;
    urne_figures stored = {0}, held = {0};
    int rc = urne_store_bureau_get(app->store, e->meta.id, bureau, &row, &stored);
    const urne_bureau_info *mem = &e->info[bureau];
    int counts = rc >= 0 ? urne_sheet_state_counts(row.state) : 0;
    int same = rc >= 0 && row.state == mem->state && strcmp(row.entered_at, mem->entered_at) == 0 &&
               row.entered_by == mem->entered_by && row.validated_once == mem->validated_once &&
               row.changed_after_validation == mem->changed_after_validation;
    if (same && counts == 1) /* the figures, where memory holds them as stored */
        same = rc == 1 && urne_figures_from_sheet(e->round, &e->round->sheets[bureau], &held) == 0 &&
               urne_figures_equal(&stored, &held);
    size_t ncand = e->round->contests[e->round->sheets[bureau].contest].ncand;
    /* As app/watch.c patches a sheet: figures counted must fit the contest; an
     * annulled bureau's (kept or not) only give its inscrits. */
    int fits = rc == 1 && stored.nvotes == ncand;
    if (rc >= 0 && !same && counts == 1 && !fits) rc = -2;
    if (rc >= 0 && !same) urne_results_apply(app, e, bureau, &row, counts && fits ? &stored : NULL);
    urne_figures_free(&stored);
    urne_figures_free(&held);
    return rc < 0 ? rc : same;
}

/* The sheet as stored against memory, in the write transaction just begun: as
 * urne_results_begin_sheet answers. */
static urne_app_status check_sheet(urne_app *app, urne_election *e, size_t bureau, urne_app_outcome *out) {
    int current = urne_results_sheet_current(app, e, bureau);
    if (current == -1) return urne_app_store_failed(app, out);
    if (current == -2) {
        urne_store_rollback(app->store);
        return urne_app_store_fail(out,
                             "election %lld, bureau %zu: its stored figures do not fit its contest",
                             (long long)e->meta.id, bureau);
    }
    if (current == 0) { /* another server changed the sheet: memory now holds it as stored */
        urne_store_rollback(app->store);
        urne_app_changed(app);
        return URNE_RESULTS_STALE;
    }
    return URNE_APP_OK;
}

urne_app_status urne_results_begin_sheet(urne_app *app, urne_election *e, size_t bureau, urne_app_outcome *out) {
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    return check_sheet(app, e, bureau, out);
}

urne_app_status urne_results_stale_failed(urne_app_outcome *out) {
    return urne_app_store_fail(out,
                         "the sheet was changed by another server while this act was made, %d times; nothing was "
                         "written, try again",
                         URNE_RESULTS_TRIES);
}

/* ---- entering a sheet ---- */

/* Begin an entry's write transaction on a store that checks the sheet's row with
 * the commit (urne_store_bureau_expect: PostgreSQL), expecting it as memory holds
 * it, so that nothing waits for PostgreSQL before the writes are sent: the whole
 * entry is one round trip, the write lock held only while PostgreSQL runs it.
 * Elsewhere (SQLite), or when memory's figures cannot be had, the row is read
 * now (urne_results_begin_sheet). As urne_results_begin_sheet answers. */
static urne_app_status begin_sheet_expect(urne_app *app, urne_election *e, size_t bureau, urne_app_outcome *out) {
    const urne_bureau_info *mem = &e->info[bureau];
    urne_figures held = {0};
    int counts = urne_sheet_state_counts(mem->state);
    if (counts && urne_figures_from_sheet(e->round, &e->round->sheets[bureau], &held) < 0) {
        urne_figures_free(&held);
        return urne_results_begin_sheet(app, e, bureau, out);
    }
    int rc = urne_store_begin(app->store);
    if (rc == 0) rc = urne_store_bureau_expect(app->store, e->meta.id, bureau, mem, counts ? &held : NULL);
    urne_figures_free(&held);
    if (rc < 0) return urne_app_store_failed(app, out);
    return rc == 1 ? URNE_APP_OK : check_sheet(app, e, bureau, out); /* not checked so: read the row */
}

/* What an entry writes: the entry, the bureau's new state and the audit entry. */
typedef struct entry_write {
    const urne_user *actor;
    const urne_figures *f;
    const urne_bureau_info *next;
    const char *object, *before, *after;
} entry_write;

/* One try at w's transaction; then memory. With `expect`, the row is checked
 * with the commit (begin_sheet_expect): a commit refused because it was not as
 * memory holds it sets *stale, nothing written, the store's message not said. */
static urne_app_status enter_tx(urne_app *app, urne_election *e, size_t bureau, const entry_write *w, int expect,
                                int *stale, urne_app_outcome *out) {
    int counts = urne_sheet_state_counts(w->next->state);
    urne_app_status st =
        expect ? begin_sheet_expect(app, e, bureau, out) : urne_results_begin_sheet(app, e, bureau, out);
    if (st != URNE_APP_OK) return st; /* STALE: another server changed the sheet, decide again */
    if (urne_store_sheet_entered(app->store, e->meta.id, bureau, w->actor->id, w->f, w->next, counts ? w->f : NULL) < 0)
        return urne_app_store_failed(app, out);
    if ((st = urne_results_audit(app, w->actor, "sheet.enter", w->object, w->before, w->after, out)) != URNE_APP_OK)
        return st;
    if (urne_store_commit(app->store) < 0) {
        if (expect && urne_store_stale(app->store)) {
            *stale = 1;
            return URNE_RESULTS_STALE;
        }
        return urne_app_store_failed(app, out);
    }
    urne_results_apply(app, e, bureau, w->next, counts ? w->f : NULL);
    urne_app_changed(app);
    return URNE_APP_OK;
}

/* Write the entry, the bureau's new state and the audit entry; then memory. The
 * row checked with the commit first; when it was not as memory holds it, tried
 * again reading it under the lock (memory patched, STALE, when another server
 * changed it; written, when only the comparison differed). */
static urne_app_status enter_write(urne_app *app, const urne_user *actor, urne_election *e, size_t bureau,
                                   const urne_figures *f, const urne_bureau_info *next, urne_app_outcome *out) {
    const urne_bureau_info *old = &e->info[bureau];
    int counts = urne_sheet_state_counts(next->state);
    char object[96];
    snprintf(object, sizeof object, "election/%lld/bureau/%zu", (long long)e->meta.id, bureau);
    urne_figures before_f = {0};
    char *before = urne_figures_from_sheet(e->round, &e->round->sheets[bureau], &before_f) < 0
                       ? NULL
                       : urne_results_state_json(old, urne_sheet_state_counts(old->state) ? &before_f : NULL);
    urne_figures_free(&before_f);
    char *after = urne_audit_json_add(urne_results_state_json(next, f), "sheet",
                                      urne_audit_sheet_record(bureau, next, counts ? f : NULL));
    urne_app_status st;
    int stale = 0;
    entry_write w = {actor, f, next, object, before, after};
    if (before == NULL || after == NULL)
        st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    else if ((st = enter_tx(app, e, bureau, &w, 1, &stale, out)) == URNE_RESULTS_STALE && stale)
        st = enter_tx(app, e, bureau, &w, 0, &stale, out);
    free(before);
    free(after);
    return st;
}

/* The checks before the figures; the election, or NULL with out set. */
static urne_election *may_enter_locked(urne_app *app, const urne_user *actor, int64_t id, size_t bureau,
                                       urne_app_outcome *out) {
    urne_election *e = urne_results_find(app, actor, URNE_ACT_ENTER_SHEET, id, bureau, out);
    if (e == NULL) return NULL;
    int assigned = urne_results_assigned(app, e, actor->id, bureau);
    if (assigned < 0)
        urne_app_store_failed(app, out);
    else if (assigned == 0)
        urne_app_fail(out, URNE_APP_NOT_ASSIGNED, NULL);
    else if (!urne_recolement_may_enter(e->info[bureau].state, &out->why))
        urne_app_fail(out, URNE_APP_STATE, NULL);
    else
        return e;
    return NULL;
}

urne_app_status urne_app_sheet_may_enter(urne_app *app, const urne_user *actor, int64_t id, size_t bureau,
                                         urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    may_enter_locked(app, actor, id, bureau, out);
    pthread_mutex_unlock(&app->lock);
    return out->status;
}

static urne_app_status sheet_enter_locked(urne_app *app, const urne_user *actor, int64_t id, size_t bureau,
                                          const urne_figures *f, int confirmed, urne_app_outcome *out) {
    urne_election *e = may_enter_locked(app, actor, id, bureau, out);
    if (e == NULL) return out->status;
    urne_app_status st = urne_results_check_figures(e, bureau, f, out);
    if (st == URNE_APP_CHECKS_FAILED && confirmed)
        out->status = st = URNE_APP_OK;
    if (st != URNE_APP_OK) return st;

    urne_bureau_info next = e->info[bureau];
    urne_figures other = {0};
    int64_t other_author = 0;
    int have_other = 0, agrees = 0;
    if (e->meta.double_entry) {
        have_other = urne_store_entry_other(app->store, id, bureau, actor->id, &other_author, &other);
        if (have_other < 0) {
            urne_figures_free(&other);
            return urne_app_store_failed(app, out);
        }
        agrees = have_other && urne_figures_equal(f, &other);
    }
    next.state = urne_recolement_after_entry(e->meta.double_entry, have_other, agrees);
    urne_store_now(next.entered_at);
    snprintf(out->at, sizeof out->at, "%s", next.entered_at);
    next.entered_by = actor->id;
    if ((st = enter_write(app, actor, e, bureau, f, &next, out)) == URNE_APP_OK) {
        out->state = next.state;
        if (next.state == URNE_SHEET_MISMATCH) {
            size_t contest = e->round->sheets[bureau].contest;
            urne_figures_diff(e->round, contest, &other, f, out->detail, sizeof out->detail);
            out->ndiffs = urne_figures_differences(e->round, contest, &other, f, out->diffs, URNE_OUTCOME_DIFFS);
        }
    }
    urne_figures_free(&other);
    return st;
}

urne_app_status urne_app_sheet_enter(urne_app *app, const urne_user *actor, int64_t id, size_t bureau,
                                     const urne_figures *f, int confirmed, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = sheet_enter_locked(app, actor, id, bureau, f, confirmed, out);
    for (int tries = 1; st == URNE_RESULTS_STALE && tries < URNE_RESULTS_TRIES; tries++) {
        urne_app_outcome_free(out);
        urne_app_outcome_init(out);
        st = sheet_enter_locked(app, actor, id, bureau, f, confirmed, out);
    }
    if (st == URNE_RESULTS_STALE) st = urne_results_stale_failed(out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}
