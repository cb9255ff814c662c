/*
 * match_reads (app): the matching's reads that every visitor may make (match.h):
 * a campaign's row, the list of campaigns, and a host's applicants for the
 * ranking it may give from its private link.
 *
 * They hold nothing private: a campaign's row has no codes (those are on its
 * hosts' and pupils' rows), and the applicants are shown only to the holder of
 * the host's code, which the page checks through urne_app_match_host_by_code
 * before it asks. They are here, not in web/, so that the pages only translate:
 * what is read, under which lock, and what a host's "applicant" is (a pupil who
 * named the host among their wishes) are the application's to say.
 */
#include <assert.h>
#include <pthread.h>
#include <string.h>

#include "match_internal.h"

int urne_app_match_campaign(urne_app *app, int64_t id, urne_match_campaign_row *out) {
    assert(app && out);
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_match_campaign_get(app->store, id, out);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

int urne_app_match_campaigns(urne_app *app, int (*fn)(const urne_match_campaign_row *c, void *ctx), void *ctx) {
    assert(app && fn);
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_match_campaign_each(app->store, fn, ctx);
    pthread_mutex_unlock(&app->lock);
    return rc;
}

size_t urne_app_match_wish_rank(const char *wishes, const char *host) {
    size_t len = strlen(host), k = 1;
    for (const char *w = wishes; *w; k++) {
        const char *end = strchr(w, '>');
        size_t n = end ? (size_t)(end - w) : strlen(w);
        if (n == len && memcmp(w, host, len) == 0) return k;
        if (!end) break;
        w = end + 1;
    }
    return 0;
}

typedef struct applicants {
    const char *host;
    int ranked;
    urne_app_match_applicant_fn fn;
    void *ctx;
} applicants;

static int note_ranked(const urne_match_ranking_row *k, void *ctx) {
    applicants *a = ctx;
    a->ranked |= strcmp(k->host, a->host) == 0;
    return 0;
}

static int applicant(const urne_match_pupil_row *p, void *ctx) {
    applicants *a = ctx;
    size_t k = urne_app_match_wish_rank(p->wishes, a->host);
    return k == 0 ? 0 : a->fn(p, k, a->ctx);
}

int urne_app_match_applicants(urne_app *app, int64_t id, const char *host, int *ranked,
                              urne_app_match_applicant_fn fn, void *ctx) {
    assert(app && host && ranked && fn);
    applicants a = {.host = host, .fn = fn, .ctx = ctx};
    pthread_mutex_lock(&app->lock);
    int rc = urne_store_match_ranking_each(app->store, id, note_ranked, &a);
    if (rc == 0 && !a.ranked) rc = urne_store_match_pupil_each(app->store, id, "", applicant, &a);
    pthread_mutex_unlock(&app->lock);
    *ranked = a.ranked;
    return rc;
}
