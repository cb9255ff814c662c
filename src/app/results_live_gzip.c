/*
 * results_live_gzip: a level's report as one gzip stream, from its units kept
 * compressed by chunks (the why and the how: results_live.c, "Compressed
 * answers"; the contract: results_live.h, urne_live_report_gzip).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../io/gzip_parts.h"
#include "results_live_internal.h"

/* A compressed part (io/gzip_parts.h): its urne_gzip_meta, then its deflate
 * bytes, so that parts made apart are laid end to end into one gzip stream. */
#define GZ_META_BYTES ((sizeof(urne_gzip_meta) + 15) / 16 * 16)

/* Spans sp[0..n) then `more` (may be NULL), compressed into a piece whose data is
 * a urne_gzip_meta then the deflate bytes. NULL when out of memory. */
static piece *gz_part(const urne_live_span *sp, size_t n, const char *more, size_t more_len) {
    urne_gzip_span *in = malloc((n + 1) * sizeof *in);
    if (in == NULL) return NULL;
    size_t raw = 0;
    for (size_t i = 0; i < n; i++) {
        in[i] = (urne_gzip_span){sp[i].data, sp[i].len};
        raw += sp[i].len;
    }
    in[n] = (urne_gzip_span){more, more_len};
    raw += more_len;
    size_t cap = urne_gzip_part_bound(raw), len = 0;
    urne_gzip_meta m;
    piece *p = malloc(sizeof *p + GZ_META_BYTES + cap);
    if (p == NULL || urne_gzip_part(in, n + 1, Z_BEST_SPEED, (unsigned char *)p->data + GZ_META_BYTES, cap, &len,
                                    &m) != 0) {
        free(in);
        free(p);
        return NULL;
    }
    free(in);
    p->len = GZ_META_BYTES + len;
    p->born = 0;
    memcpy(p->data, &m, sizeof m);
    return p;
}

/* Chunk c of the snapshot's units, from its spans. */
static piece *gz_chunk(const urne_live_snap *s, size_t c) {
    size_t first = c * GZ_UNITS, n = s->nunits - first < GZ_UNITS ? s->nunits - first : GZ_UNITS;
    return gz_part(s->spans + 1 + first, n, NULL, 0);
}

/* Whether the level of snapshot s still has the very unit pieces chunk c was
 * made from (pieces s holds are never freed, so the same address is the same
 * piece): its level view then, or NULL. Under the module's lock. */
static level_view *gz_same(urne_live *l, const urne_live_snap *s, size_t c) {
    live_election *le = urne_live_find(l, s->id);
    level_view *v = le ? &le->views[s->level] : NULL;
    if (v == NULL || !v->built || v->units == NULL || v->tally.nunits != s->nunits) return NULL;
    for (size_t u = c * GZ_UNITS; u < s->nunits && u < (c + 1) * GZ_UNITS; u++)
        if (v->units[u]->data + (u == 0) != s->spans[1 + u].data) return NULL;
    return v;
}

/* Chunk c made for snapshot s is kept for the readers after (of s and of later
 * snapshots) when its units are still the level's and no other was made
 * meanwhile; it is then retired like a piece s holds (born at s). 1 when kept. */
static int gz_keep(urne_live *l, urne_live_snap *s, size_t c, piece *p) {
    level_view *v = gz_same(l, s, c);
    if (v == NULL || v->chunks[c] != NULL) return 0;
    p->born = s->seq;
    v->chunks[c] = p;
    s->chunks[c] = p;
    return 1;
}

/* The chunks of s, into have: those s has, or the level's made since for the
 * same units (kept alive by s: born before a newer snapshot s holds, or at one
 * older). Under the module's lock. */
static void gz_have(urne_live *l, urne_live_snap *s, piece **have) {
    for (size_t c = 0; c < s->nchunks; c++) {
        level_view *v = s->chunks[c] ? NULL : gz_same(l, s, c);
        if (v) s->chunks[c] = v->chunks[c];
        have[c] = s->chunks[c];
    }
}

/* Add a span of a part's deflate bytes to the answer, its meta into *whole. */
static void gz_add(urne_live_report *r, const piece *p, urne_gzip_meta *whole) {
    urne_gzip_meta m;
    memcpy(&m, p->data, sizeof m);
    urne_gzip_meta_add(whole, m);
    r->gz_spans[r->nspans++] = (urne_live_span){p->data + GZ_META_BYTES, p->len - GZ_META_BYTES};
    r->bytes += p->len - GZ_META_BYTES;
}

int urne_live_report_gzip(urne_app *app, urne_live_report *r) {
    urne_live_snap *s = r->snap;
    size_t rest = 0, nrest = s->nspans - 1 - s->nunits;
    for (size_t i = 1 + s->nunits; i < s->nspans; i++) rest += s->spans[i].len;
    if (s->chunks == NULL || rest > URNE_LIVE_GZIP_REST) return -1;
    piece **made = calloc(2 * s->nchunks + 2, sizeof *made), **have = made + s->nchunks + 1;
    r->owned = calloc(s->nchunks + 3, sizeof *r->owned);
    r->gz_spans = malloc((s->nchunks + 4) * sizeof *r->gz_spans);
    if (!made || !r->owned || !r->gz_spans) {
        free(made);
        return -1; /* what was allocated goes at release */
    }
    pthread_mutex_lock(&app->live->lock);
    gz_have(app->live, s, have);
    pthread_mutex_unlock(&app->live->lock);
    int ok = 1;
    /* The chunks nobody made since their units changed, made outside the lock. */
    for (size_t c = 0; ok && c < s->nchunks; c++)
        if (have[c] == NULL) ok = (made[c] = gz_chunk(s, c)) != NULL;
    piece *head = ok ? gz_part(s->spans, 1, NULL, 0) : NULL;
    piece *tail = head ? gz_part(s->spans + 1 + s->nunits, nrest, r->tail, r->tail_len) : NULL;
    ok = tail != NULL;
    pthread_mutex_lock(&app->live->lock);
    for (size_t c = 0; c < s->nchunks; c++)
        if (made[c] && !(ok && gz_keep(app->live, s, c, made[c]))) r->owned[r->nowned++] = (char *)made[c];
    pthread_mutex_unlock(&app->live->lock);
    if (head) r->owned[r->nowned++] = (char *)head;
    if (tail) r->owned[r->nowned++] = (char *)tail;
    char *end = ok ? malloc(URNE_GZIP_END_BYTES) : NULL;
    if (end) r->owned[r->nowned++] = end;
    if (!end) {
        free(made);
        return -1;
    }
    /* gzip (io/gzip_parts.h): its header, the parts, then the end. */
    urne_gzip_meta whole = urne_gzip_meta_empty();
    r->nspans = 0;
    r->bytes = 0;
    r->gz_spans[r->nspans++] = (urne_live_span){(const char *)urne_gzip_header, URNE_GZIP_HEADER_BYTES};
    r->bytes += URNE_GZIP_HEADER_BYTES;
    gz_add(r, head, &whole);
    for (size_t c = 0; c < s->nchunks; c++) gz_add(r, made[c] ? made[c] : have[c], &whole);
    gz_add(r, tail, &whole);
    free(made);
    urne_gzip_end(whole, (unsigned char *)end);
    r->spans = r->gz_spans;
    free(r->tail);
    r->tail = NULL;
    r->tail_len = 0;
    r->gz_spans[r->nspans++] = (urne_live_span){end, URNE_GZIP_END_BYTES};
    r->bytes += URNE_GZIP_END_BYTES;
    return 0;
}
