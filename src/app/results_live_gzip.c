/*
 * results_live_gzip: a level's report as one gzip stream, from its units kept
 * compressed by chunks (the why and the how: results_live.c, "Compressed
 * answers"; the contract: results_live.h, urne_live_report_gzip).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "results_live_internal.h"

/* A compressed part: raw deflate ending on a byte (a sync flush, not the last
 * block), after a header saying the raw bytes' length and CRC-32, so that parts
 * made apart are laid end to end into one gzip stream (RFC 1951, 1952). */
typedef struct gz_meta {
    uint64_t raw;
    uint32_t crc;
} gz_meta;

#define GZ_META_BYTES ((sizeof(gz_meta) + 15) / 16 * 16)

/* Spans sp[0..n) then `more` (may be NULL), compressed into a piece whose data is
 * a gz_meta then the deflate bytes. NULL when out of memory. */
static piece *gz_part(const urne_live_span *sp, size_t n, const char *more, size_t more_len) {
    z_stream z = {0};
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
    gz_meta m = {0, (uint32_t)crc32(0L, Z_NULL, 0)};
    for (size_t i = 0; i < n; i++) m.raw += sp[i].len;
    m.raw += more_len;
    size_t cap = deflateBound(&z, (uLong)m.raw) + 64;
    piece *p = malloc(sizeof *p + GZ_META_BYTES + cap);
    int ok = p != NULL;
    if (ok) {
        z.next_out = (Bytef *)p->data + GZ_META_BYTES;
        z.avail_out = (uInt)cap;
    }
    for (size_t i = 0; ok && i <= n; i++) {
        const char *d = i < n ? sp[i].data : more;
        size_t len = i < n ? sp[i].len : more_len;
        if (len == 0) continue;
        m.crc = (uint32_t)crc32(m.crc, (const Bytef *)d, (uInt)len);
        z.next_in = (Bytef *)d;
        z.avail_in = (uInt)len;
        ok = deflate(&z, Z_NO_FLUSH) == Z_OK && z.avail_in == 0;
    }
    ok = ok && deflate(&z, Z_SYNC_FLUSH) == Z_OK && z.avail_out > 0;
    if (ok) {
        p->len = GZ_META_BYTES + cap - z.avail_out;
        p->born = 0;
        memcpy(p->data, &m, sizeof m);
    }
    deflateEnd(&z);
    if (!ok) free(p);
    return ok ? p : NULL;
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

/* Add a span of a part's deflate bytes to the answer, its CRC into *crc. */
static void gz_add(urne_live_report *r, const piece *p, uint32_t *crc, uint64_t *raw) {
    gz_meta m;
    memcpy(&m, p->data, sizeof m);
    *crc = (uint32_t)crc32_combine(*crc, m.crc, (z_off_t)m.raw);
    *raw += m.raw;
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
    char *end = ok ? malloc(18) : NULL;
    if (end) r->owned[r->nowned++] = end;
    if (!end) {
        free(made);
        return -1;
    }
    /* gzip: its header (deflate, no name, no time, unknown OS), the parts, an
     * empty last block, then the CRC-32 and the length (mod 2^32), little-endian. */
    static const char gz_header[10] = {0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, (char)255};
    uint32_t crc = (uint32_t)crc32(0L, Z_NULL, 0);
    uint64_t raw = 0;
    r->nspans = 0;
    r->bytes = 0;
    r->gz_spans[r->nspans++] = (urne_live_span){gz_header, sizeof gz_header};
    r->bytes += sizeof gz_header;
    gz_add(r, head, &crc, &raw);
    for (size_t c = 0; c < s->nchunks; c++) gz_add(r, made[c] ? made[c] : have[c], &crc, &raw);
    gz_add(r, tail, &crc, &raw);
    free(made);
    end[0] = 3;
    end[1] = 0;
    for (int i = 0; i < 4; i++) {
        end[2 + i] = (char)(crc >> (8 * i));
        end[6 + i] = (char)((uint32_t)raw >> (8 * i));
    }
    r->spans = r->gz_spans;
    free(r->tail);
    r->tail = NULL;
    r->tail_len = 0;
    r->gz_spans[r->nspans++] = (urne_live_span){end, 10};
    r->bytes += 10;
    return 0;
}
