/*
 * results_live: each level's report kept up to date sheet by sheet (see
 * results_live.h), so that the results at bureau level of a national election
 * answer in milliseconds while sheets come in.
 *
 * What it cost before. GET /api/elections/N/results?level=bureau on a
 * 70,000-bureau election summed every sheet into the level's units, decided the
 * outcome, wrote the report as JSON through a jansson tree, parsed that back into
 * a tree, summed the level a second time to set each unit's récolement state, and
 * wrote the tree again: 18 seconds and 110 MB, under the application's one lock,
 * after every change (the page cache held it only until the next sheet).
 *
 * What is kept instead, per election and per level asked for (made from the round
 * the first time, under the application's lock):
 *   - the level's tally (urne_results_aggregate), each sheet's unit, and each
 *     unit's sheets counted by récolement state;
 *   - the report in pieces of compact JSON (io/results_json.c writes each): the
 *     head, one piece per unit (with its "status"), the outcomes, and one piece per
 *     missing sheet with the count of them;
 *   - for the outcomes, the sums deciding needs (urne_decision_sums).
 * A sheet that changes is taken out of its units and its contest's sums before
 * the change and added back after (urne_tally_sheet, urne_decision_sums_sheet),
 * and only the pieces it touches are written again: its unit at each level kept,
 * the outcomes, its warning. The work of a sheet is then a few microseconds per
 * level, not a pass over 70,000 sheets. Every piece comes from the same writer the
 * command line uses, and the tests compare the answer with a report made from
 * scratch.
 *
 * Readers and the lock. A reader does not take the application's lock (held by a
 * writer through its SQLite transaction): it takes this module's own mutex, held
 * by writers only while they patch the pieces (microseconds) and by readers only
 * while they take a snapshot (about a millisecond for 70,000 units), and sends
 * the snapshot after releasing it. A snapshot is the list of the pieces a report
 * is made of at one moment: read-copy-update on the rendered report. Pieces are
 * never changed, only replaced, so a snapshot stays valid while it is sent; a
 * replaced piece is freed once no snapshot that may hold it is left. For that the
 * snapshots are chained, each holding the next newer one: a piece replaced after
 * snapshot S was taken, and born before it, goes on S's garbage, and S is freed
 * only after every older snapshot is (they hold it), so nothing still held points
 * to a freed piece. A reader-writer lock on the whole application was the other
 * way considered: readers would still wait for every writer's commit (a writer
 * holds the lock for its transaction), and the store's one SQLite connection and
 * its prepared statements cannot be shared by readers at once, so reads of the
 * store would need a lock of their own anyway (bench/RESULTS.md, "Server at the limit").
 *
 * The pages read the same levels (urne_live_level_view): a results page of the
 * national election is a unit's line of the kept tally, the units below it with
 * their states from the next level kept, the bureaux not counted from each sheet's
 * unit, the outcome from the kept sums; 0.3 ms instead of 18 ms of summing per
 * render, which matters for the pages of an election being entered (each sheet
 * changes them, so the page cache cannot hold them) and for logged-in pages
 * (never cached). A level asked only by pages keeps no JSON pieces (112 MB at the
 * bureau level of a national election); they are made when the API first asks.
 *
 * The audit log's head and the publication, which the answer ends with, change
 * without any sheet: they are read again after every committed change
 * (urne_live_changed, from urne_app_changed) and written into each answer's tail.
 *
 * Compressed answers. 112 MB of JSON take longer to move through a socket than
 * to make; the API sends a gzip stream to clients that take it. Compressing 112
 * MB at each read would take a second, so each level keeps its units compressed
 * by chunks of GZ_UNITS units, each chunk a raw deflate stream ended by a sync
 * flush (byte-aligned, not the last block) with its CRC-32 and length: such
 * chunks laid end to end are one deflate stream, and their CRCs combine
 * (crc32_combine) into the gzip trailer's. A sheet that changes drops its unit's
 * chunk at each level; the next gzip read makes the chunks missing from its
 * snapshot outside the module's lock, and keeps each for the reads after when
 * the level still has the very unit pieces it was made from (the snapshot holds
 * them, so an address cannot have been reused). The rest of the answer (head,
 * outcomes, missing sheets' warnings, tail) is compressed at each read.
 *
 * The scope of a change. Between two committed changes this module sees which
 * elections' sheets changed (sheet_before) and which were reloaded (drop);
 * urne_live_changed_scope tells the page cache whether the change was within
 * one election's sheets, so that the other elections' pages are kept.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/urne_buf.h"
#include "../io/results_io.h"
#include "results_view.h"
#include "results_live.h"
#include "results_live_internal.h"

urne_live *urne_live_new(void) {
    urne_live *l = calloc(1, sizeof *l);
    if (l == NULL) return NULL;
    pthread_mutex_init(&l->lock, NULL);
    snprintf(l->head, sizeof l->head, "null");
    return l;
}

/* ---- pieces and snapshots ---- */

static piece *piece_take(live_election *le, urne_buf *b) {
    piece *p = b->oom ? NULL : malloc(sizeof *p + b->len + 1);
    if (p) {
        p->len = b->len;
        p->born = le->nsnaps;
        memcpy(p->data, b->data ? b->data : "", b->len + 1);
    }
    urne_buf_free(b);
    return p;
}

/* Replaced or dropped: freed now, unless a snapshot taken since it was made may
 * hold it; it then goes with the newest snapshot, freed after every older one. */
static void piece_retire(live_election *le, piece *p) {
    if (p == NULL) return;
    urne_live_snap *s = le->latest;
    if (s == NULL || le->nsnaps <= p->born) {
        free(p);
        return;
    }
    if (s->ngarbage == s->capgarbage) {
        size_t cap = s->capgarbage ? 2 * s->capgarbage : 64;
        piece **g = realloc(s->garbage, cap * sizeof *g);
        if (g == NULL) return; /* out of memory: kept for good rather than freed while held */
        s->garbage = g;
        s->capgarbage = cap;
    }
    s->garbage[s->ngarbage++] = p;
}

/* One reference fewer; a snapshot no longer held frees its garbage and lets go of
 * the next newer one. Under the module's lock. */
static void snap_release(urne_live_snap *s) {
    while (s && --s->refs == 0) {
        urne_live_snap *next = s->next;
        for (size_t i = 0; i < s->ngarbage; i++) free(s->garbage[i]);
        free(s->garbage);
        free(s->spans);
        free(s->chunks);
        free(s);
        s = next;
    }
}

static void views_stale(live_election *le) {
    for (size_t l = 0; l < le->nlevels; l++) {
        snap_release(le->views[l].current);
        le->views[l].current = NULL;
    }
}

static void view_free(live_election *le, level_view *v) {
    if (!v->built) return;
    for (size_t u = 0; v->units && u < v->tally.nunits; u++) piece_retire(le, v->units[u]);
    for (size_t c = 0; v->chunks && c < chunks_of(v->tally.nunits); c++) piece_retire(le, v->chunks[c]);
    free(v->chunks);
    piece_retire(le, v->head);
    snap_release(v->current);
    free(v->units);
    free(v->sheet_unit);
    free(v->by_state);
    urne_tally_free(&v->tally);
    memset(v, 0, sizeof *v);
}

static void election_free(live_election *le) {
    for (size_t l = 0; l < le->nlevels; l++) {
        view_free(le, &le->views[l]);
        free(le->levels[l]);
    }
    for (size_t i = 0; le->missing && i < le->nsheets; i++) piece_retire(le, le->missing[i]);
    piece_retire(le, le->count);
    piece_retire(le, le->outcomes);
    snap_release(le->latest);
    free(le->missing);
    free(le->published);
    urne_decision_sums_free(&le->sums);
    free(le);
}

void urne_live_free(urne_live *l) {
    if (l == NULL) return;
    for (size_t i = 0; i < l->n; i++) election_free(l->elections[i]);
    free(l->elections);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

live_election *urne_live_find(urne_live *l, int64_t id) {
    for (size_t i = 0; i < l->n; i++)
        if (l->elections[i]->id == id) return l->elections[i];
    return NULL;
}

static void drop_locked(urne_live *l, int64_t id) {
    for (size_t i = 0; i < l->n; i++)
        if (l->elections[i]->id == id) {
            election_free(l->elections[i]);
            l->elections[i] = l->elections[--l->n];
            return;
        }
}

/* ---- writing the pieces (the election's round read: under the application's lock) ---- */

static urne_report report_of(const urne_election *e, const urne_tally *tally, const urne_outcome *outcomes) {
    return (urne_report){e->round, &e->rules, tally, outcomes, NULL, e->meta.title};
}

static piece *unit_piece(live_election *le, const urne_election *e, const level_view *v, size_t u) {
    urne_buf b = {0};
    urne_report rep = report_of(e, &v->tally, NULL);
    urne_buf_put(&b, ",", 1);
    urne_io_json_unit(&b, &rep, &v->tally.units[u], urne_unit_state_name(urne_recolement_unit_state(v->by_state[u])));
    return piece_take(le, &b);
}

static piece *head_piece(live_election *le, const urne_election *e, const level_view *v) {
    urne_buf b = {0};
    urne_report rep = report_of(e, &v->tally, NULL);
    urne_io_json_head(&b, &rep);
    return piece_take(le, &b);
}

/* The outcomes from the sums, into le->outcomes: NULL when they cannot be decided
 * (the API's report cannot be made then; the pages still show the figures). */
static void write_outcomes(live_election *le, const urne_election *e) {
    urne_outcome *outcomes = NULL;
    urne_diags d;
    urne_diags_init(&d, NULL);
    piece *p = NULL;
    if (urne_results_decide_sums(e->round, &e->rules, &le->sums, &outcomes, &d) == 0) {
        urne_buf b = {0};
        urne_tally none = {0};
        urne_report rep = report_of(e, &none, outcomes);
        urne_io_json_outcomes(&b, &rep);
        p = piece_take(le, &b);
        urne_outcomes_free(outcomes, e->round->ncontests);
    }
    urne_diags_free(&d);
    piece_retire(le, le->outcomes);
    le->outcomes = p;
}

/* The warning of sheet i when it is missing, and the count. 0 or -1. */
static int write_missing(live_election *le, const urne_election *e, size_t i) {
    const urne_round *r = e->round;
    int missing = !r->sheets[i].reported;
    if (missing == (le->missing[i] != NULL)) return 0;
    piece_retire(le, le->missing[i]);
    le->missing[i] = NULL;
    le->nmissing -= !missing;
    if (missing) {
        urne_diags d;
        urne_diags_init(&d, NULL);
        urne_results_missing_one(r, i, &d);
        urne_buf b = {0};
        urne_buf_put(&b, ",", 1);
        if (d.count) urne_io_json_warning(&b, d.file, &d.items[0]);
        urne_diags_free(&d);
        le->missing[i] = piece_take(le, &b);
        if (le->missing[i] == NULL) return -1;
        le->nmissing++;
    }
    return 0;
}

static int write_count(live_election *le, const urne_election *e) {
    piece_retire(le, le->count);
    le->count = NULL;
    if (le->nmissing == 0) return 0;
    urne_diags d;
    urne_diags_init(&d, NULL);
    urne_results_missing_count(e->round, le->nmissing, &d);
    urne_buf b = {0};
    urne_buf_put(&b, ",", 1);
    if (d.count) urne_io_json_warning(&b, d.file, &d.items[0]);
    urne_diags_free(&d);
    le->count = piece_take(le, &b);
    return le->count ? 0 : -1;
}

/* The publication as the API shows it (api.c's words, README's schema). */
static char *published_json(const urne_election_meta *m) {
    urne_buf b = {0};
    if (!m->published_at[0])
        urne_buf_puts(&b, "null");
    else {
        urne_buf_puts(&b, "{\"at\":");
        urne_io_json_string(&b, m->published_at);
        urne_buf_puts(&b, ",\"digest\":");
        urne_io_json_string(&b, m->published_digest);
        urne_buf_printf(&b, ",\"final\":%s,\"reopened\":", m->reopened_at[0] ? "false" : "true");
        if (m->reopened_at[0]) {
            urne_buf_puts(&b, "{\"at\":");
            urne_io_json_string(&b, m->reopened_at);
            urne_buf_puts(&b, ",\"reason\":");
            urne_io_json_string(&b, m->reopened_reason);
            urne_buf_puts(&b, "}");
        } else
            urne_buf_puts(&b, "null");
        urne_buf_puts(&b, ",\"previous\":");
        if (m->previous_published_at[0]) {
            const char *k[] = {"{\"at\":", ",\"digest\":", ",\"reopened_at\":", ",\"reason\":"};
            const char *v[] = {m->previous_published_at, m->previous_digest, m->previous_reopened_at,
                               m->previous_reopened_reason};
            for (int i = 0; i < 4; i++) {
                urne_buf_puts(&b, k[i]);
                urne_io_json_string(&b, v[i]);
            }
            urne_buf_puts(&b, "}");
        } else
            urne_buf_puts(&b, "null");
        urne_buf_puts(&b, "}");
    }
    if (b.oom) {
        urne_buf_free(&b);
        return NULL;
    }
    return urne_buf_take(&b, NULL);
}

/* What is kept of election e before any level: its levels, the sums, the
 * outcomes, the warnings. NULL when out of memory or not decidable. */
static live_election *election_make(const urne_election *e) {
    const urne_round *r = e->round;
    live_election *le = calloc(1, sizeof *le);
    if (le == NULL) return NULL;
    le->id = e->meta.id;
    le->nsheets = r->nsheets;
    int failed = (le->missing = calloc(r->nsheets ? r->nsheets : 1, sizeof *le->missing)) == NULL;
    for (size_t l = 0; l < r->nlevels && !failed; l++, le->nlevels++) failed = !(le->levels[l] = strdup(r->levels[l]));
    failed = failed || urne_decision_sums_init(r, &e->rules, &le->sums) < 0;
    if (!failed) write_outcomes(le, e);
    for (size_t i = 0; i < r->nsheets && !failed; i++) failed = write_missing(le, e, i) < 0;
    failed = failed || write_count(le, e) < 0 || (le->published = published_json(&e->meta)) == NULL;
    if (failed) {
        election_free(le);
        return NULL;
    }
    return le;
}

/* Sheet i's unit at the tally's level: units come in the order their first sheet
 * does (urne_results_aggregate), keyed by the interned key pointer (sheets without
 * a key at that level share aggregate's own ""), so a table on the pointer finds
 * them, checked against the tally as it goes. 0, or -1 (out of memory). */
static int map_sheets(const urne_round *r, level_view *v) {
    size_t n = v->tally.nunits, level = v->tally.level, next = 0, cap = 16;
    while (cap < 2 * n) cap *= 2;
    static const char nokey[1]; /* the table's key for sheets without one */
    const char **keys = calloc(cap, sizeof *keys);
    size_t *vals = malloc(cap * sizeof *vals);
    int failed = keys == NULL || vals == NULL;
    for (size_t i = 0; i < r->nsheets && !failed; i++) {
        const char *key = r->sheets[i].key[level] ? r->sheets[i].key[level] : nokey;
        size_t h = ((uintptr_t)key >> 4) * 11400714819323198485ULL & (cap - 1);
        while (keys[h] != NULL && keys[h] != key) h = (h + 1) & (cap - 1);
        if (keys[h] == NULL) {
            /* A new unit: the tally's next one. */
            failed = next == n || (key != nokey && v->tally.units[next].key != key);
            keys[h] = key;
            vals[h] = next++;
        }
        v->sheet_unit[i] = vals[h];
    }
    free(keys);
    free(vals);
    return failed || next != n ? -1 : 0;
}

/* Level `level` of e, made from the round into le->views[level]: its tally, each
 * sheet's unit and each unit's sheets by state, what a page needs. The JSON
 * pieces, which only the API needs (112 MB at the bureau level of a national
 * election), are made apart by view_pieces, when the API first asks. 0 or -1. */
static int view_build(live_election *le, const urne_election *e, size_t level) {
    const urne_round *r = e->round;
    level_view *v = &le->views[level];
    assert(!v->built);
    if (urne_results_aggregate(r, level, &v->tally) < 0) return -1;
    v->built = 1;
    size_t n = v->tally.nunits;
    v->sheet_unit = malloc((r->nsheets ? r->nsheets : 1) * sizeof *v->sheet_unit);
    v->by_state = calloc(n ? n : 1, sizeof *v->by_state);
    int failed = !v->sheet_unit || !v->by_state || map_sheets(r, v) < 0;
    for (size_t i = 0; i < r->nsheets && !failed; i++) v->by_state[v->sheet_unit[i]][e->info[i].state]++;
    if (failed) view_free(le, v);
    return failed ? -1 : 0;
}

/* The JSON pieces of a built level: one per unit, the head, room for the
 * compressed chunks. 0 or -1 (the level is then dropped whole). */
static int view_pieces(live_election *le, const urne_election *e, level_view *v) {
    assert(v->built && v->units == NULL);
    size_t n = v->tally.nunits;
    v->units = calloc(n ? n : 1, sizeof *v->units);
    v->chunks = calloc(chunks_of(n) ? chunks_of(n) : 1, sizeof *v->chunks);
    int failed = !v->units || !v->chunks;
    for (size_t u = 0; u < n && !failed; u++) failed = (v->units[u] = unit_piece(le, e, v, u)) == NULL;
    failed = failed || (v->head = head_piece(le, e, v)) == NULL;
    if (failed) view_free(le, v);
    return failed ? -1 : 0;
}

/* ---- writers ---- */

/* A change within election id (under the module's lock). */
static void touch(urne_live *l, int64_t id) {
    if (l->touched != 0 && l->touched != id) l->touched_unknown = 1;
    l->touched = id;
}

void urne_live_sheet_before(urne_app *app, const urne_election *e, size_t sheet) {
    urne_live *l = app->live;
    pthread_mutex_lock(&l->lock);
    touch(l, e->meta.id);
    live_election *le = urne_live_find(l, e->meta.id);
    const urne_sheet *s = &e->round->sheets[sheet];
    int failed = 0;
    for (size_t k = 0; le && k < le->nlevels; k++) {
        level_view *v = &le->views[k];
        if (!v->built) continue;
        size_t u = v->sheet_unit[sheet];
        failed |= urne_tally_sheet(&v->tally, e->round, u, s, -1) < 0;
        v->by_state[u][e->info[sheet].state]--;
    }
    if (le) failed |= urne_decision_sums_sheet(&le->sums, e->round, &e->rules, s, -1) < 0;
    if (failed) drop_locked(l, e->meta.id);
    pthread_mutex_unlock(&l->lock);
}

void urne_live_sheet_after(urne_app *app, const urne_election *e, size_t sheet) {
    urne_live *l = app->live;
    pthread_mutex_lock(&l->lock);
    live_election *le = urne_live_find(l, e->meta.id);
    const urne_sheet *s = &e->round->sheets[sheet];
    int failed = 0;
    for (size_t k = 0; le && k < le->nlevels; k++) {
        level_view *v = &le->views[k];
        if (!v->built) continue;
        size_t u = v->sheet_unit[sheet];
        failed |= urne_tally_sheet(&v->tally, e->round, u, s, 1) < 0;
        v->by_state[u][e->info[sheet].state]++;
        if (v->units == NULL) continue; /* a level only pages read: no JSON kept */
        piece *p = failed ? NULL : unit_piece(le, e, v, u);
        failed |= p == NULL;
        if (p) {
            piece_retire(le, v->units[u]);
            v->units[u] = p;
            piece_retire(le, v->chunks[u / GZ_UNITS]);
            v->chunks[u / GZ_UNITS] = NULL;
        }
    }
    if (le) {
        failed = failed || urne_decision_sums_sheet(&le->sums, e->round, &e->rules, s, 1) < 0;
        if (!failed) write_outcomes(le, e);
        size_t before = le->nmissing;
        failed = failed || write_missing(le, e, sheet) < 0 || (le->nmissing != before && write_count(le, e) < 0);
        views_stale(le);
    }
    if (failed) drop_locked(l, e->meta.id); /* made again from the round at the next read */
    pthread_mutex_unlock(&l->lock);
}

void urne_live_drop(urne_app *app, int64_t id) {
    pthread_mutex_lock(&app->live->lock);
    app->live->touched_unknown = 1; /* reloaded: anything of it, or the list, may have changed */
    drop_locked(app->live, id);
    pthread_mutex_unlock(&app->live->lock);
}

void urne_live_changed(urne_app *app) {
    urne_live *l = app->live;
    int64_t seq;
    char hash[URNE_AUDIT_HASH_HEX], head[sizeof l->head];
    if (urne_store_audit_head(app->store, &seq, hash) == 0)
        snprintf(head, sizeof head, "{\"seq\":%lld,\"hash\":\"%s\"}", (long long)seq, hash);
    else
        snprintf(head, sizeof head, "null");
    pthread_mutex_lock(&l->lock);
    memcpy(l->head, head, sizeof head);
    l->scope = l->touched_unknown ? 0 : l->touched;
    l->touched = 0;
    l->touched_unknown = 0;
    for (size_t i = 0; i < l->n;) {
        live_election *le = l->elections[i];
        const urne_election *e = urne_app_election(app, le->id);
        char *pub = e ? published_json(&e->meta) : NULL;
        /* The head of each level holds the title and the rules: made again, and the
         * election dropped (made again at the next read) if they changed. */
        int same = pub != NULL;
        for (size_t k = 0; same && k < le->nlevels; k++) {
            level_view *v = &le->views[k];
            if (!v->built || v->head == NULL) continue;
            piece *h = head_piece(le, e, v);
            same = h && h->len == v->head->len && memcmp(h->data, v->head->data, h->len) == 0;
            free(h);
        }
        if (!same) {
            free(pub);
            drop_locked(l, le->id); /* the last election moves to i */
            continue;
        }
        free(le->published);
        le->published = pub;
        i++;
    }
    pthread_mutex_unlock(&l->lock);
}

int64_t urne_live_changed_scope(urne_app *app) {
    pthread_mutex_lock(&app->live->lock);
    int64_t id = app->live->scope;
    pthread_mutex_unlock(&app->live->lock);
    return id;
}

/* ---- readers ---- */

/* The level a query names (urne_election_level's rule: its name, ASCII case
 * ignored, or its number in one digit; the top when q is NULL or ""). */
static size_t level_of(const live_election *le, const char *q) {
    if (q == NULL || *q == 0) return 0;
    if (q[0] >= '0' && q[0] <= '9') return q[1] == 0 && (size_t)(q[0] - '0') < le->nlevels ? (size_t)(q[0] - '0') : URNE_NONE;
    for (size_t l = 0; l < le->nlevels; l++)
        if (strcasecmp(le->levels[l], q) == 0) return l;
    return URNE_NONE;
}

/* A snapshot of level v: the spans of its pieces now. Held by the level and by
 * the election's newest (the chain). NULL when out of memory. */
static urne_live_snap *snap_take(live_election *le, level_view *v) {
    size_t n = v->tally.nunits;
    urne_live_snap *s = calloc(1, sizeof *s);
    urne_live_span *sp = s ? malloc((n + le->nmissing + 4) * sizeof *sp) : NULL;
    if (sp == NULL) {
        free(s);
        return NULL;
    }
    size_t k = 0, bytes = 0;
#define SPAN(d, l) (sp[k++] = (urne_live_span){(d), (l)}, bytes += (l))
    SPAN(v->head->data, v->head->len);
    for (size_t u = 0; u < n; u++) SPAN(v->units[u]->data + (u == 0), v->units[u]->len - (u == 0));
    SPAN(le->outcomes->data, le->outcomes->len);
    if (le->count) SPAN(le->count->data + 1, le->count->len - 1);
    for (size_t i = 0; le->count && i < le->nsheets; i++)
        if (le->missing[i]) SPAN(le->missing[i]->data, le->missing[i]->len);
#undef SPAN
    s->spans = sp;
    s->nspans = k;
    s->bytes = bytes;
    s->id = le->id;
    s->level = (size_t)(v - le->views);
    s->seq = le->nsnaps;
    s->nunits = n;
    s->nchunks = chunks_of(n);
    s->chunks = malloc((s->nchunks ? s->nchunks : 1) * sizeof *s->chunks);
    if (s->chunks) memcpy(s->chunks, v->chunks, s->nchunks * sizeof *s->chunks);
    s->refs = 2; /* the level's, and the older snapshot's or the election's */
    if (le->latest) {
        le->latest->next = s; /* the older holds the newer; the election's hold moves */
        s->refs++;
        snap_release(le->latest);
    }
    le->latest = s;
    le->nsnaps++;
    v->current = s;
    return s;
}

/* Under the module's lock: the report of le at level, into out. */
static urne_live_status take(urne_live *l, live_election *le, size_t level, urne_live_report *out) {
    level_view *v = &le->views[level];
    if (le->outcomes == NULL) return URNE_LIVE_FAILED; /* not decidable: no report */
    urne_live_snap *s = v->current ? v->current : snap_take(le, v);
    if (s == NULL) return URNE_LIVE_FAILED;
    urne_buf b = {0};
    urne_buf_printf(&b, "],\"election_id\":%lld,\"published\":%s,\"audit_head\":%s}", (long long)le->id,
                    le->published, l->head);
    if (b.oom) {
        urne_buf_free(&b);
        return URNE_LIVE_FAILED;
    }
    s->refs++;
    out->snap = s;
    out->spans = s->spans;
    out->nspans = s->nspans;
    out->tail = urne_buf_take(&b, &out->tail_len);
    out->bytes = s->bytes + out->tail_len;
    return URNE_LIVE_OK;
}

/* What is kept of election e, made from its round when nothing is yet. Under the
 * application's lock and the module's. NULL when out of memory. */
static live_election *election_kept(urne_live *l, const urne_election *e) {
    live_election *le = urne_live_find(l, e->meta.id);
    if (le == NULL) {
        live_election **all = realloc(l->elections, (l->n + 1) * sizeof *all);
        if (all) l->elections = all;
        le = all ? election_make(e) : NULL;
        if (le) l->elections[l->n++] = le;
    }
    return le;
}

/* The first read of a level since the election was loaded: made from the round,
 * under the application's lock. */
static urne_live_status get_slow(urne_app *app, int64_t id, const char *q, urne_live_report *out) {
    urne_live *l = app->live;
    urne_app_read_begin(app);
    const urne_election *e = urne_app_election(app, id);
    size_t level = e ? urne_election_level(e, q) : URNE_NONE;
    urne_live_status st = e == NULL ? URNE_LIVE_NO_ELECTION : level == URNE_NONE ? URNE_LIVE_NO_LEVEL : URNE_LIVE_OK;
    pthread_mutex_lock(&l->lock);
    live_election *le = st == URNE_LIVE_OK ? election_kept(l, e) : NULL;
    if (st == URNE_LIVE_OK && (le == NULL || (!le->views[level].built && view_build(le, e, level) < 0) ||
                               (le->views[level].units == NULL && view_pieces(le, e, &le->views[level]) < 0)))
        st = URNE_LIVE_FAILED;
    if (st == URNE_LIVE_OK) st = take(l, le, level, out);
    pthread_mutex_unlock(&l->lock);
    urne_app_read_end(app);
    return st;
}

int urne_live_level_view(urne_app *app, const urne_election *e, size_t level, urne_live_level *out) {
    urne_live *l = app->live;
    memset(out, 0, sizeof *out);
    if (level >= e->round->nlevels) return -1;
    pthread_mutex_lock(&l->lock);
    live_election *le = election_kept(l, e);
    int rc = le == NULL || (!le->views[level].built && view_build(le, e, level) < 0) ? -1 : 0;
    if (rc == 0) {
        const level_view *v = &le->views[level];
        *out = (urne_live_level){&v->tally, (const size_t(*)[URNE_SHEET_NSTATES])v->by_state, v->sheet_unit,
                                 &le->sums};
    }
    pthread_mutex_unlock(&l->lock);
    return rc;
}

urne_live_status urne_live_report_get(urne_app *app, int64_t id, const char *q, urne_live_report *out) {
    urne_live *l = app->live;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&l->lock);
    live_election *le = urne_live_find(l, id);
    size_t level = le ? level_of(le, q) : URNE_NONE;
    urne_live_status st = URNE_LIVE_FAILED;
    int ready = le && level != URNE_NONE && le->views[level].built && le->views[level].units;
    if (ready) st = take(l, le, level, out);
    else if (le && level == URNE_NONE) st = URNE_LIVE_NO_LEVEL, ready = 1;
    pthread_mutex_unlock(&l->lock);
    return ready ? st : get_slow(app, id, q, out);
}

void urne_live_report_release(urne_app *app, urne_live_report *report) {
    pthread_mutex_lock(&app->live->lock);
    snap_release(report->snap);
    pthread_mutex_unlock(&app->live->lock);
    free(report->tail);
    for (size_t i = 0; i < report->nowned; i++) free(report->owned[i]);
    free(report->owned);
    free(report->gz_spans);
    memset(report, 0, sizeof *report);
}
