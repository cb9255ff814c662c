/*
 * initiative_sample (app): the verification authority's sample of signatures
 * (issue 18: "the authority draws a random sample to check (seeded,
 * reproducible), records the result per signature, and the valid count is
 * projected with a confidence interval").
 *
 * Drawing: the initiative's valid signatures in order of id are the population;
 * the engine (initiative/sample.h) draws positions among them with the seed, and
 * the draw is an audit entry, "initiative.sample", recording the seed, the
 * population's size and every signature drawn: what the authority must check is
 * fixed in the log before it looks at anything, and anyone can draw it again.
 *
 * Recording: the authority's verdicts, one per signature of that sample and no
 * other. Everything is checked before anything is written (each signature of the
 * sample judged once, a reason for each invalid one); then each invalid one is
 * invalidated by the committee's use case (its own audited act: the counts
 * follow), and the whole record is an audit entry, "initiative.verify",
 * recording each verdict and the projection. A signature invalidated since the
 * draw counts as invalid without being invalidated again, so that a record
 * interrupted (a store failure between two invalidations) can be made again.
 *
 * Who may: the committee (URNE_ACT_DECIDE_INITIATIVE), as for invalidations.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "../initiative/sample.h"
#include "initiative_internal.h"

/* The valid signatures' ids, read from the store's index of valid signatures
 * (never the rows, whose sealed identities are a kilobyte each: at a million
 * signatures the draw read a gigabyte), then put in order of id. */
typedef struct ids {
    int64_t *v;
    size_t n, cap;
} ids;

static int collect_valid(int64_t sig, void *ctx) {
    ids *a = ctx;
    int64_t *v = urne_mem_room(a->v, a->n, &a->cap, sizeof *v, 1024);
    if (v == NULL) return -3;
    a->v = v;
    a->v[a->n++] = sig;
    return 0;
}

static int by_id(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static urne_app_status sample_bad(urne_app_outcome *out, const char *field, const char *why, int64_t number) {
    snprintf(out->field, sizeof out->field, "%s", field);
    out->why = why;
    out->number = number;
    return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
}

/* The draw's record for the log. */
static json_t *sample_json(int64_t id, uint64_t seed, int64_t population, const int64_t *drawn, size_t n) {
    char seedtext[24];
    snprintf(seedtext, sizeof seedtext, "%" PRIu64, seed);
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) json_array_append_new(list, json_integer((json_int_t)drawn[i]));
    return list ? json_pack("{s:I, s:s, s:I, s:I, s:o}", "id", (json_int_t)id, "seed", seedtext, "population",
                            (json_int_t)population, "size", (json_int_t)n, "signatures", list)
                : NULL;
}

static urne_app_status draw_locked(urne_app *app, const urne_user *actor, urne_initiative_held *h, int64_t size,
                                   uint64_t seed, urne_initiative_sample *s, urne_app_outcome *out) {
    urne_app_status st = urne_app_initiative_may(app, actor, URNE_ACT_DECIDE_INITIATIVE, h, out);
    if (st != URNE_APP_OK) return st;
    ids all = {0};
    int rc = urne_store_initiative_valid_ids(app->store, h->row.id, collect_valid, &all);
    if (rc != 0) {
        free(all.v);
        return rc == -3 ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL) : urne_app_store_failed(app, out);
    }
    if (all.n > 1) qsort(all.v, all.n, sizeof *all.v, by_id); /* the index gives them by time */
    if (size <= 0 || (uint64_t)size > all.n) {
        free(all.v);
        return sample_bad(out, "size", URNE_WHY_SAMPLE_SIZE, (int64_t)all.n);
    }
    uint64_t *at = malloc((size_t)size * sizeof *at);
    s->signatures = malloc((size_t)size * sizeof *s->signatures);
    if (at == NULL || s->signatures == NULL) {
        free(at);
        free(all.v);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    urne_initiative_sample_draw(all.n, (uint64_t)size, seed, at);
    for (int64_t i = 0; i < size; i++) s->signatures[i] = all.v[at[i]];
    s->n = (size_t)size;
    s->population = (int64_t)all.n;
    free(at);
    free(all.v);
    char object[48];
    snprintf(object, sizeof object, "initiative/%lld", (long long)h->row.id);
    int oom = 0;
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    if (urne_app_initiative_audit(app, actor->name, "initiative.sample", object,
                                  sample_json(h->row.id, seed, s->population, s->signatures, s->n), &oom) < 0) {
        if (!oom) return urne_app_store_failed(app, out);
        urne_store_rollback(app->store);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    if (urne_store_commit(app->store) < 0) return urne_app_store_failed(app, out);
    char hash[URNE_AUDIT_HASH_HEX];
    if (urne_store_audit_head(app->store, &s->seq, hash) < 0) return urne_app_store_failed(app, out);
    return URNE_APP_OK;
}

urne_app_status urne_app_initiative_sample_draw(urne_app *app, const urne_user *actor, int64_t id, int64_t size,
                                                uint64_t seed, urne_initiative_sample *s, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    memset(s, 0, sizeof *s);
    pthread_mutex_lock(&app->lock);
    urne_initiative_held *h = urne_app_initiative_find(app, id, out);
    urne_app_status st = h ? draw_locked(app, actor, h, size, seed, s, out) : out->status;
    pthread_mutex_unlock(&app->lock);
    if (st != URNE_APP_OK) urne_initiative_sample_free(s);
    return out->status = st;
}

void urne_initiative_sample_free(urne_initiative_sample *s) {
    free(s->signatures);
    s->signatures = NULL;
    s->n = 0;
}

/* ---- recording the verdicts ---- */

/* The sample logged as entry `seq`, read back into *s: 1, 0 when entry seq is
 * no sample of initiative id, -1 the store failed, -3 out of memory. */
typedef struct find_sample {
    int64_t seq, id;
    urne_initiative_sample *s;
    int found;
} find_sample;

static int read_sample(const urne_audit_entry *e, void *ctx) {
    find_sample *f = ctx;
    char object[48];
    snprintf(object, sizeof object, "initiative/%lld", (long long)f->id);
    if (e->seq != f->seq || e->action == NULL || e->object == NULL || strcmp(e->action, "initiative.sample") != 0 ||
        strcmp(e->object, object) != 0)
        return 1;
    json_t *a = json_loads(e->after ? e->after : "", 0, NULL), *list = json_object_get(a, "signatures");
    json_t *pop = json_object_get(a, "population");
    size_t n = json_array_size(list);
    f->s->signatures = n ? malloc(n * sizeof *f->s->signatures) : NULL;
    if (n && f->s->signatures == NULL) {
        json_decref(a);
        return -3;
    }
    for (size_t i = 0; i < n; i++) f->s->signatures[i] = (int64_t)json_integer_value(json_array_get(list, i));
    f->s->n = n;
    f->s->population = json_is_integer(pop) ? (int64_t)json_integer_value(pop) : 0;
    f->s->seq = e->seq;
    f->found = n > 0 && f->s->population >= (int64_t)n;
    json_decref(a);
    return 1; /* stop: one entry read */
}

/* Every verdict of a signature of s, each once, every signature judged, a reason
 * for each invalid one: OK, or BAD_INPUT naming the signature (outcome.number). */
static urne_app_status verdicts_check(const urne_initiative_sample *s, const urne_initiative_verdict *v, size_t n,
                                      urne_app_outcome *out) {
    int64_t *seen = calloc(s->n ? s->n : 1, sizeof *seen);
    if (seen == NULL) return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    urne_app_status st = URNE_APP_OK;
    for (size_t i = 0; i < n && st == URNE_APP_OK; i++) {
        const int64_t *at = s->n ? bsearch(&v[i].signature, s->signatures, s->n, sizeof *s->signatures, by_id) : NULL;
        if (at == NULL)
            st = sample_bad(out, "signature", URNE_WHY_NOT_IN_SAMPLE, v[i].signature);
        else if (seen[at - s->signatures]++)
            st = sample_bad(out, "signature", URNE_WHY_JUDGED_TWICE, v[i].signature);
        else if (!v[i].valid && (v[i].reason == NULL || !v[i].reason[0]))
            st = sample_bad(out, "reason", URNE_WHY_REASON, v[i].signature);
    }
    for (size_t k = 0; k < s->n && st == URNE_APP_OK; k++)
        if (!seen[k]) st = sample_bad(out, "signature", URNE_WHY_NOT_JUDGED, s->signatures[k]);
    free(seen);
    return st;
}

static json_t *verify_json(int64_t id, int64_t seq, const urne_initiative_verdict *v, size_t n,
                           const urne_initiative_projection *p) {
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++)
        json_array_append_new(list, json_pack("[I, s]", (json_int_t)v[i].signature, v[i].valid ? "valid" : "invalid"));
    return list ? json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "id", (json_int_t)id, "sample",
                            (json_int_t)seq, "checked", (json_int_t)p->size, "valid", (json_int_t)p->valid,
                            "share_bp", (json_int_t)p->share_bp, "projected", (json_int_t)p->projected, "low",
                            (json_int_t)p->low, "high", (json_int_t)p->high, "verdicts", list)
                : NULL;
}

/* The invalid verdicts invalidated (those invalidated already left so), then the
 * record and its projection logged. */
static urne_app_status record_write(urne_app *app, const urne_user *actor, urne_initiative_held *h,
                                    const urne_initiative_sample *s, const urne_initiative_verdict *v, size_t n,
                                    urne_initiative_projection *p, urne_app_outcome *out) {
    int64_t valid = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].valid) {
            valid++;
            continue;
        }
        urne_app_outcome o;
        urne_app_status st = urne_app_initiative_invalidate(app, actor, h->row.id, v[i].signature, v[i].reason, &o);
        int already = st == URNE_APP_STATE && o.why && strcmp(o.why, URNE_WHY_ALREADY_INVALID) == 0;
        if (st != URNE_APP_OK && !already) {
            *out = o; /* its reason, as the invalidation said it */
            return st;
        }
        urne_app_outcome_free(&o);
    }
    if (urne_initiative_project(s->population, (int64_t)s->n, valid, p) != URNE_INITIATIVE_PROJECT_OK)
        return sample_bad(out, "signature", URNE_WHY_NOT_JUDGED, 0); /* not reached: every one judged, once */
    char object[48];
    snprintf(object, sizeof object, "initiative/%lld", (long long)h->row.id);
    int oom = 0;
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    if (urne_app_initiative_audit(app, actor->name, "initiative.verify", object,
                                  verify_json(h->row.id, s->seq, v, n, p), &oom) < 0) {
        if (!oom) return urne_app_store_failed(app, out);
        urne_store_rollback(app->store);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    if (urne_store_commit(app->store) < 0) return urne_app_store_failed(app, out);
    urne_app_changed(app);
    return URNE_APP_OK;
}

static urne_app_status record_locked(urne_app *app, const urne_user *actor, urne_initiative_held *h, int64_t seq,
                                     const urne_initiative_verdict *v, size_t n, urne_initiative_projection *p,
                                     urne_app_outcome *out) {
    urne_app_status st = urne_app_initiative_may(app, actor, URNE_ACT_DECIDE_INITIATIVE, h, out);
    if (st != URNE_APP_OK) return st;
    urne_initiative_sample s = {0};
    find_sample f = {seq, h->row.id, &s, 0};
    int rc = seq > 0 ? urne_store_audit_each(app->store, seq, read_sample, &f) : 0;
    if (rc == -3) st = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    else if (rc < 0) st = urne_app_store_failed(app, out);
    else if (!f.found) st = sample_bad(out, "sample", URNE_WHY_NO_SAMPLE, seq);
    else {
        qsort(s.signatures, s.n, sizeof *s.signatures, by_id);
        st = verdicts_check(&s, v, n, out);
        if (st == URNE_APP_OK) st = record_write(app, actor, h, &s, v, n, p, out);
    }
    urne_initiative_sample_free(&s);
    return st;
}

urne_app_status urne_app_initiative_sample_record(urne_app *app, const urne_user *actor, int64_t id, int64_t seq,
                                                  const urne_initiative_verdict *v, size_t n,
                                                  urne_initiative_projection *p, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    memset(p, 0, sizeof *p);
    pthread_mutex_lock(&app->lock);
    urne_initiative_held *h = urne_app_initiative_find(app, id, out);
    urne_app_status st = h ? record_locked(app, actor, h, seq, v, n, p, out) : out->status;
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}
