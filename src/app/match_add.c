/*
 * match_add (app): hosts and pupils added to a campaign after its import
 * (match.h, urne_app_match_add): the "later rounds for pupils who join
 * late", and a host that offers places late.
 *
 * The files are the import's (hosts.csv, pupils.csv), either or both, read by
 * the command line's reader (io/match_io.h): every line or none, each error
 * naming the file, the line, the field and the rule. A pupil's wishes may name
 * the campaign's hosts as well as the hosts added with them, so the pupils are
 * read against the stored hosts written out as a file (as a round does) with
 * the new ones after them; the new hosts are read first, on their own.
 *
 * An id the campaign already holds is refused at its line (host-exists,
 * pupil-exists; said once the file reads cleanly), never updated: a row that changes is the business of the acts
 * made for it (a host's places, a pupil's wishes), each audited as such, and a
 * pupil who holds a place must not lose it to a file sent twice. The lottery
 * stays one rule for the whole campaign: numbers given to every pupil, or to
 * none (drawn from the seed; a pupil added draws theirs then, and the order of
 * the pupils already there among themselves does not change).
 *
 * While the campaign collects or has a round published (not after the final
 * phase, not while a round computed waits to be published): the pupils added
 * take part in the next round, on the places left, with their codes handed out
 * once as the import's are.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_buf.h"
#include "match_internal.h"

/* The stored hosts as the lines of a hosts.csv (id, capacity, reserved, weeks),
 * and whether the stored pupils have lottery numbers. */
typedef struct stored {
    urne_buf hosts;
    size_t nhosts, pupils, with_lottery;
} stored;

static void host_csv(urne_buf *b, const char *id, int64_t capacity, int64_t reserved, const char *weeks) {
    urne_buf_csv(b, id);
    urne_buf_printf(b, ",%lld,%lld,", (long long)capacity, (long long)reserved);
    urne_buf_csv(b, weeks);
    urne_buf_put(b, "\n", 1);
}

static int stored_host(const urne_match_host_row *h, void *ctx) {
    stored *s = ctx;
    host_csv(&s->hosts, h->key, h->capacity, h->reserved, h->weeks);
    s->nhosts++;
    return 0;
}

static int stored_pupil(const urne_match_pupil_row *p, void *ctx) {
    stored *s = ctx;
    s->pupils++;
    s->with_lottery += p->lottery[0] != '\0';
    return 0;
}

/* A file's errors as the refusal: BAD_INPUT URNE_WHY_FILE, named by the file. */
static urne_app_status refuse(urne_app_outcome *out, urne_diags *d) {
    snprintf(out->field, sizeof out->field, "%s", d->file);
    out->why = URNE_WHY_FILE;
    out->number = (int64_t)d->count;
    out->checks.file = d->file;
    urne_diags_append(&out->checks, d);
    return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
}

/* The new hosts read on their own into *a (beside a pupil of no wishes, which
 * the reader needs), each checked not to be in the campaign: 0, or -1 with the
 * errors in hd (-2: the store failed). */
static int read_hosts(urne_app *app, int64_t id, const char *text, size_t len, urne_match_input *a, urne_diags *hd) {
    static const char none[] = "id,wishes\n-,\n";
    urne_diags pd;
    urne_diags_init(&pd, "pupils");
    int rc = urne_io_match_read(text, len, hd, none, sizeof none - 1, &pd, NULL, 0, NULL, a);
    urne_diags_free(&pd);
    if (rc < 0) return -1;
    urne_match_host_row *row = malloc(sizeof *row);
    if (row == NULL) return -2;
    for (size_t i = 0; i < a->in.nhosts; i++) {
        int got = urne_store_match_host_get(app->store, id, a->hosts[i].id, NULL, row);
        if (got < 0) return free(row), -2;
        if (got == 1)
            urne_diags_add(hd, URNE_DIAG_ERROR, a->host_line[i], "id", "host-exists",
                           "host %s is already in the campaign: its places are changed on its own", a->hosts[i].id);
    }
    free(row);
    return hd->errors ? -1 : 0;
}

/* The new hosts (of a) after the stored ones, as hosts.csv lines into s->hosts. */
static void append_new_hosts(stored *s, const urne_match_input *a) {
    for (size_t i = 0; i < a->in.nhosts; i++) {
        urne_buf weeks = {0};
        for (size_t w = 0; w < a->nweeks; w++)
            if (a->hosts[i].weeks & (1ULL << w)) urne_buf_printf(&weeks, "%s%s", weeks.len ? "|" : "", a->weeks[w]);
        host_csv(&s->hosts, a->hosts[i].id, a->hosts[i].capacity, a->hosts[i].reserved, weeks.data ? weeks.data : "");
        urne_buf_free(&weeks);
    }
}

/* The new pupils read against the stored hosts and the new ones into *in, each
 * checked not to be in the campaign, the lottery as the campaign's: 0, or -1
 * with the errors in pd (-2: the store failed, -3: the hosts did not read back). */
static int read_pupils(urne_app *app, int64_t id, const stored *s, const char *text, size_t len, urne_match_input *in,
                       urne_diags *pd) {
    urne_diags hd;
    urne_diags_init(&hd, "hosts");
    int rc = urne_io_match_read(s->hosts.data, s->hosts.len, &hd, text, len, pd, NULL, 0, NULL, in);
    int hosts_bad = hd.errors > 0;
    urne_diags_free(&hd);
    if (rc < 0) return hosts_bad ? -3 : -1;
    urne_match_pupil_row *row = malloc(sizeof *row);
    if (row == NULL) return -2;
    for (size_t i = 0; i < in->in.npupils; i++) {
        int got = urne_store_match_pupil_get(app->store, id, in->pupils[i].id, NULL, row);
        if (got < 0) return free(row), -2;
        if (got == 1)
            urne_diags_add(pd, URNE_DIAG_ERROR, in->pupil_line[i], "id", "pupil-exists",
                           "pupil %s is already in the campaign: their wishes are changed on their own",
                           in->pupils[i].id);
    }
    free(row);
    int given = s->with_lottery > 0;
    if (given && !in->lottery_given)
        urne_diags_add(pd, URNE_DIAG_ERROR, 0, "lottery", "lottery-all-or-none",
                       "the campaign's pupils have lottery numbers: give one to every pupil added");
    else if (!given && in->lottery_given)
        urne_diags_add(pd, URNE_DIAG_ERROR, 0, "lottery", "lottery-all-or-none",
                       "the campaign's lottery is drawn from its seed: give no lottery number");
    return pd->errors ? -1 : 0;
}

/* What an addition read: the input written (its hosts from host_from on), and
 * the kept columns of each file's lines. */
typedef struct adding {
    urne_match_input a, in;
    const urne_match_input *use;
    size_t host_from, nhosts, npupils;
    urne_app_match_kept hk, pk;
} adding;

/* Both files read and checked into *x, under the lock: OK, BAD_INPUT (the first
 * file at fault), IMPOSSIBLE, STORE, NO_MEMORY. */
static urne_app_status read_both(urne_app *app, int64_t id, const char *hosts, size_t hl, const char *pupils, size_t pl,
                                 adding *x, urne_app_outcome *out) {
    urne_diags d[2];
    urne_diags_init(&d[0], "hosts.csv");
    urne_diags_init(&d[1], "pupils.csv");
    stored s = {0};
    urne_buf_puts(&s.hosts, "id,capacity,reserved,weeks\n");
    int rc = urne_store_match_host_each(app->store, id, stored_host, &s) != 0 ||
                     urne_store_match_pupil_each(app->store, id, "", stored_pupil, &s) != 0
                 ? -2
                 : 0;
    if (rc == 0 && hosts) rc = read_hosts(app, id, hosts, hl, &x->a, &d[0]);
    if (rc == 0 && hosts) append_new_hosts(&s, &x->a);
    if (rc == 0 && pupils) rc = read_pupils(app, id, &s, pupils, pl, &x->in, &d[1]);
    urne_app_status st = rc == -2 ? urne_app_store_failed(app, out)
                         : rc == -3 ? urne_app_fail(out, URNE_APP_IMPOSSIBLE, "the campaign's hosts do not read back")
                         : rc < 0   ? refuse(out, d[0].errors ? &d[0] : &d[1])
                         : s.hosts.oom ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL)
                                       : URNE_APP_OK;
    if (st == URNE_APP_OK) {
        x->use = pupils ? &x->in : &x->a;
        x->host_from = pupils ? s.nhosts : 0;
        x->nhosts = hosts ? x->a.in.nhosts : 0;
        x->npupils = pupils ? x->in.in.npupils : 0;
        if (!pupils) x->a.in.npupils = 0; /* the reader's pupil of no wishes: not one to write */
    }
    urne_buf_free(&s.hosts);
    urne_diags_free(&d[0]);
    urne_diags_free(&d[1]);
    return st;
}

static urne_app_status add_locked(urne_app *app, const urne_user *actor, urne_match_campaign_row *c,
                                  const char *hosts, size_t hl, const char *pupils, size_t pl, adding *x,
                                  urne_app_match_issued **codes, urne_app_outcome *out) {
    urne_app_status st = urne_app_match_may_row(app, actor, URNE_ACT_MANAGE_MATCHES, c, NULL, NULL, out);
    if (st != URNE_APP_OK) return st;
    if (c->final_round) return urne_app_match_wrong_state(out, URNE_WHY_MATCH_FINAL, c->state);
    if (strcmp(c->state, "collecting") != 0 && strcmp(c->state, "published") != 0)
        return urne_app_match_wrong_state(out, NULL, c->state);
    if (!hosts && !pupils) return urne_app_match_refuse(out, "pupils.csv", URNE_WHY_MATCH_EMPTY, 0, NULL);
    if ((st = read_both(app, c->id, hosts, hl, pupils, pl, x, out)) != URNE_APP_OK) return st;
    *codes = calloc(x->nhosts + x->npupils + 1, sizeof **codes);
    if (*codes == NULL || (hosts && urne_io_match_rows(hosts, hl, urne_app_match_keep_line, &x->hk) != 0) ||
        (pupils && urne_io_match_rows(pupils, pl, urne_app_match_keep_line, &x->pk) != 0) || x->hk.n != x->nhosts ||
        x->pk.n != x->npupils)
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    urne_match_sum sum = {{0}};
    st = urne_app_match_write_rows(app, c->id, x->use, x->host_from, &x->hk, &x->pk, *codes, &sum, out);
    if (st != URNE_APP_OK) return urne_store_rollback(app->store), st;
    json_t *extra = json_pack("{s:I, s:I}", "hosts", (json_int_t)x->nhosts, "pupils", (json_int_t)x->npupils);
    if ((st = urne_app_match_audit(app, actor->name, "add", c, &sum, extra, out)) != URNE_APP_OK) return st;
    return urne_app_match_commit(app, out);
}

urne_app_status urne_app_match_add(urne_app *app, const urne_user *actor, int64_t id, const char *hosts,
                                   size_t hosts_len, const char *pupils, size_t pupils_len, urne_app_match_code_fn fn,
                                   void *ctx, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_match_campaign_row *c = malloc(sizeof *c);
    adding *x = calloc(1, sizeof *x);
    if (c == NULL || x == NULL) return free(c), free(x), out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    x->hk = (urne_app_match_kept){.own = urne_app_match_host_own, .pick = "name"};
    x->pk = (urne_app_match_kept){.own = urne_app_match_pupil_own, .pick = "school"};
    urne_app_match_issued *codes = NULL;
    const char *h = hosts && hosts[0] ? hosts : NULL, *p = pupils && pupils[0] ? pupils : NULL;
    pthread_mutex_lock(&app->lock);
    urne_app_status st = urne_app_match_load(app, id, c, out);
    if (st == URNE_APP_OK) st = add_locked(app, actor, c, h, h ? hosts_len : 0, p, p ? pupils_len : 0, x, &codes, out);
    if (st == URNE_APP_OK) urne_app_changed(app);
    pthread_mutex_unlock(&app->lock);
    if (st == URNE_APP_OK) {
        out->id = id;
        out->number = (int64_t)x->npupils;
        for (size_t i = 0; fn && i < x->nhosts + x->npupils; i++)
            fn(codes[i].kind, codes[i].key, codes[i].school, codes[i].code, ctx);
    }
    if (codes) sodium_memzero(codes, (x->nhosts + x->npupils + 1) * sizeof *codes);
    free(codes);
    urne_app_match_kept_free(&x->hk);
    urne_app_match_kept_free(&x->pk);
    urne_match_input_free(&x->a);
    urne_match_input_free(&x->in);
    free(x);
    free(c);
    return out->status = st;
}
