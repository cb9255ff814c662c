/*
 * initiative_sign (app): an initiative's roll, its signatures, their receipts
 * and their invalidation (initiative.h says what each use case answers).
 *
 * Identities are handled here only as the engine makes them and as the store
 * keeps them: the normalised key "NAME|GIVEN|BIRTH|COMMUNE" and the index key
 * "NAME|COMMUNE" hashed with the initiative's key (BLAKE2b, crypto_generichash),
 * and the identity as JSON sealed to the authority's public key
 * (crypto_box_seal, base64). The roll is imported in one transaction: a file with
 * one error writes nothing. A signature is checked here (under the lock: the
 * roll read, the identity sealed, a receipt drawn) and committed by
 * initiative_batch.c, with the others that arrived with it, in one transaction,
 * before it is counted and answered; the store's deduplication (a unique index
 * on PostgreSQL, a set under the write lock on SQLite: store/sqlite_dedup.h)
 * decides, so a second signature by the same elector, from however many
 * connections at once, in the same group or not, finds the row of the first and
 * is answered TAKEN, counted never. urne_app_initiative_sign commits its one
 * signature in its caller's thread; the web adapter's signatures go through the
 * committer (urne_app_initiative_sign_begin, urne_app_initiative_ticket_submit).
 *
 * The roll is searched by the hash of the whole identity, so a signer gives
 * every given name the roll writes ("Jean Pierre Marie"; "Jean" alone finds the
 * entries of that name and commune and is answered URNE_WHY_HOMONYM, to give them
 * all and the birth date): the engine's matching of leading given names
 * (urne_initiative_roll_match) needs the names in clear, which the store never
 * holds.
 *
 * A signature is no change of the application's (urne_app_changed is not
 * called): it writes no audit entry and moves only counts, which the pages show
 * with a lag of a second at most (web/cache.c keeps them no longer), so that
 * 20,000 signatures a second do not make the counter page 20,000 times a second.
 * The one that reaches the threshold and ends the collection is a change.
 *
 * A receipt code is its signature's id, then 20 characters of Crockford's
 * base32 from 100 random bits, grouped by 5: "1234-XXXXX-XXXXX-XXXXX-XXXXX".
 * The store keeps the SHA-256 of the random part (the signature's proof), so a
 * stolen database gives no codes to check signatures with; a code is checked
 * by reading its signature by the primary key and comparing the hashes, so the
 * receipts need no index of their own, whose random keys made every signature
 * write a page of it (issue 18: three random indexes per signature were most of
 * a commit's pages). The random part is drawn with the signature's other checks,
 * under the lock, before the id is known; the id is put in front of it once the
 * row is committed (initiative_batch.c). The codes answered before migration 15
 * are the 20 characters alone, whose whole SHA-256 the row keeps in `receipt`:
 * still checked, through a unique index of those rows only.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_buf.h"
#include "../initiative/identity.h"
#include "../io/initiative_roll.h"
#include "initiative_internal.h"

/* hex of BLAKE2b-256 of text under the 32-byte key. */
static void keyed_hash(const unsigned char key[32], const char *text, char out[URNE_STORE_INITIATIVE_HASH]) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), key, 32);
    sodium_bin2hex(out, URNE_STORE_INITIATIVE_HASH, h, sizeof h);
}

void urne_app_initiative_keyed_hash(const urne_initiative_held *h, const char *text,
                                    char out[URNE_STORE_INITIATIVE_HASH]) {
    keyed_hash(h->hash_key, text, out);
}

/* The identity (and the elector's number) sealed to the authority's key by h's
 * sealer (initiative_seal.h) at now, its stored form into out. The text sealed
 * is a JSON object of six strings, written by urne_buf_json (the same bytes as
 * jansson's dump, without its tree: a tree and a dump per signature cost more
 * than the box itself, issue 18), in a buffer reserved large enough that it
 * is not moved (a move would leave a copy of the identity in freed memory),
 * wiped after. 0, or -1 when it would not fit, is not UTF-8 or memory lacks. */
static int seal(urne_initiative_held *h, int64_t now, const urne_initiative_identity *id, const char *territory,
                const char *elector, char *out, size_t size) {
    char birth[16];
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", id->birth.year, id->birth.month, id->birth.day);
    static const char *const keys[] = {"{\"name\":", ",\"given\":", ",\"birth\":",
                                       ",\"commune\":", ",\"territory\":", ",\"elector\":"};
    const char *values[] = {id->name, id->given, birth, id->commune, territory, elector ? elector : ""};
    size_t need = 128;
    for (size_t i = 0; i < 6; i++) need += 6 * strlen(values[i]); /* the longest escape: 6 bytes a byte */
    urne_buf b = {0};
    urne_buf_reserve(&b, need);
    int bad = b.oom;
    for (size_t i = 0; i < 6 && !bad; i++) {
        urne_buf_puts(&b, keys[i]);
        bad = urne_buf_json(&b, values[i]) < 0;
    }
    urne_buf_puts(&b, "}");
    int rc = bad || b.oom ? -1
                          : urne_sealer_box(&h->sealer, now, (const unsigned char *)b.data, b.len, out, size);
    if (b.data) sodium_memzero(b.data, b.cap);
    urne_buf_free(&b);
    return rc;
}

/* ---- the roll ---- */

/* Every line of the roll written, or the first failure: 0; -1 store failure;
 * -2 lines already on the roll, each an error in d. */
static int roll_write(urne_app *app, urne_initiative_held *h, const urne_roll *roll, urne_diags *d) {
    urne_initiative_roll_entry *e = malloc(sizeof *e);
    if (e == NULL) return -1;
    int rc = 0;
    for (size_t i = 0; i < roll->n && rc != -1; i++) {
        const urne_roll_line *l = &roll->items[i];
        char key[URNE_INITIATIVE_KEY_MAX];
        memset(e, 0, sizeof *e);
        urne_initiative_identity_key(&l->id, key, sizeof key);
        keyed_hash(h->hash_key, key, e->key_hash);
        urne_initiative_identity_index_key(&l->id, key, sizeof key);
        keyed_hash(h->hash_key, key, e->index_hash);
        snprintf(e->territory, sizeof e->territory, "%s", l->territory);
        if (seal(h, urne_app_initiative_now(app), &l->id, l->territory, l->elector, e->sealed, sizeof e->sealed) < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, l->line, "name", "too-long", "the identity is too long to seal");
            rc = -2;
            continue;
        }
        int put = urne_store_initiative_roll_put(app->store, h->row.id, e);
        if (put < 0) rc = -1;
        if (put == 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, l->line, "name", "duplicate-elector",
                           "this elector (same name, given names, birth date and commune) is already on the roll");
            rc = -2;
        }
    }
    free(e);
    return rc;
}

/* The log's record of a roll: the entries per territory. */
static json_t *roll_json(const urne_initiative_held *h, const urne_roll *roll) {
    json_t *per = json_object();
    for (size_t i = 0; per && i < roll->n; i++) {
        json_t *c = json_object_get(per, roll->items[i].territory);
        json_object_set_new(per, roll->items[i].territory, json_integer(c ? json_integer_value(c) + 1 : 1));
    }
    return json_pack("{s:I, s:I, s:o}", "id", (json_int_t)h->row.id, "entries", (json_int_t)roll->n, "territories",
                     per ? per : json_null());
}

static urne_app_status roll_commit(urne_app *app, const urne_user *actor, urne_initiative_held *h,
                                   const urne_roll *roll, const char *source, urne_app_outcome *out) {
    urne_diags d;
    urne_diags_init(&d, source);
    if (urne_store_begin(app->store) < 0) return urne_app_store_failed(app, out);
    int rc = roll_write(app, h, roll, &d);
    char object[48];
    snprintf(object, sizeof object, "initiative/%lld", (long long)h->row.id);
    int oom = 0;
    if (rc == 0 && urne_app_initiative_audit(app, actor->name, "initiative.roll", object, roll_json(h, roll), &oom) < 0)
        rc = oom ? -3 : -1;
    urne_app_status st = URNE_APP_OK;
    if (rc == -1 || (rc == 0 && urne_store_commit(app->store) < 0))
        st = urne_app_store_failed(app, out);
    else if (rc < 0) {
        urne_store_rollback(app->store);
        st = rc == -3 ? urne_app_fail(out, URNE_APP_NO_MEMORY, NULL) : URNE_APP_BAD_INPUT;
        if (rc == -2) {
            snprintf(out->field, sizeof out->field, "file");
            out->why = URNE_WHY_FILE;
            out->number = (int64_t)d.count;
            out->checks.file = source;
            urne_diags_append(&out->checks, &d);
            out->status = st;
        }
    }
    urne_diags_free(&d);
    return st;
}

urne_initiative_held *urne_app_initiative_roll_open(urne_app *app, const urne_user *actor, int64_t id,
                                                    urne_app_outcome *out) {
    urne_initiative_held *h = urne_app_initiative_find(app, id, out);
    if (h == NULL || urne_app_initiative_may(app, actor, URNE_ACT_MANAGE_INITIATIVES, h, out) != URNE_APP_OK)
        return NULL;
    if (h->state != URNE_INITIATIVE_DRAFT && h->state != URNE_INITIATIVE_SUBMITTED &&
        h->state != URNE_INITIATIVE_ADMISSIBLE) {
        out->why = URNE_WHY_ROLL_STATE;
        urne_app_fail(out, URNE_APP_STATE, "%s", h->row.state);
        return NULL;
    }
    return h;
}

int urne_app_initiative_roll_allowed(urne_app *app, const urne_user *actor, int64_t id) {
    if (actor->id <= 0) return 0;
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    pthread_mutex_lock(&app->lock);
    int ok = urne_app_initiative_roll_open(app, actor, id, &o) != NULL;
    pthread_mutex_unlock(&app->lock);
    urne_app_outcome_free(&o);
    return ok;
}

urne_app_status urne_app_initiative_file_refused(urne_app_outcome *out, urne_diags *d, const char *source) {
    snprintf(out->field, sizeof out->field, "file");
    out->why = URNE_WHY_FILE;
    out->number = (int64_t)d->count;
    out->checks.file = source;
    urne_diags_append(&out->checks, d);
    return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
}

/* The roll refused with the errors in d (freed here), nothing written. */
static urne_app_status roll_refused(urne_app_outcome *out, urne_diags *d, const char *source) {
    urne_app_status st = urne_app_initiative_file_refused(out, d, source);
    urne_diags_free(d);
    return st;
}

/* Line `line` of a territory the rules per seat or given leave without its
 * figure: an error in d naming it and saying the line the rules need. */
static void figures_missing(const urne_initiative_held *h, const char *territory, long line, urne_diags *d) {
    if (h->rules.territory.basis == URNE_INITIATIVE_PER_SEAT)
        urne_diags_add(d, URNE_DIAG_ERROR, line, "territory", URNE_WHY_TERRITORY_FIGURES,
                       "territory %s has no seats in the initiative's rules, so no minimum: they would need a line "
                       "'seats %s = N'",
                       territory, territory);
    else
        urne_diags_add(d, URNE_DIAG_ERROR, line, "territory", URNE_WHY_TERRITORY_FIGURES,
                       "territory %s has no minimum in the initiative's rules: they would need a line "
                       "'minimum %s = N'",
                       territory, territory);
}

static urne_app_status roll_locked(urne_app *app, const urne_user *actor, int64_t id, const char *text, size_t len,
                                   const char *source, urne_app_outcome *out) {
    urne_initiative_held *h = urne_app_initiative_roll_open(app, actor, id, out);
    if (h == NULL) return out->status;
    urne_app_status st = URNE_APP_OK;
    urne_roll roll;
    urne_diags d;
    urne_diags_init(&d, source);
    if (urne_io_parse_roll(text, len, urne_app_initiative_now(app), &roll, &d) < 0)
        return roll_refused(out, &d, source);
    for (size_t i = 0; i < roll.n; i++) /* a territory is the roll's or the anonymous codes' (initiative_codes.c) */
        if (urne_app_initiative_anonymous(h, roll.items[i].territory) > 0)
            urne_diags_add(&d, URNE_DIAG_ERROR, roll.items[i].line, "territory", URNE_WHY_CODES_ANONYMOUS,
                           "territory %s has anonymous codes sent by letter: its electors sign with them, not "
                           "on a roll",
                           roll.items[i].territory);
        else if (urne_app_initiative_figures_known(h, roll.items[i].territory) < 0)
            figures_missing(h, roll.items[i].territory, roll.items[i].line, &d);
    if (d.errors > 0) {
        urne_roll_free(&roll);
        return roll_refused(out, &d, source);
    }
    urne_diags_free(&d);
    st = roll_commit(app, actor, h, &roll, source, out);
    for (size_t i = 0; st == URNE_APP_OK && i < roll.n; i++)
        if (urne_app_initiative_count(h, roll.items[i].territory, 1, 0) < 0)
            st = urne_app_fail(out, URNE_APP_NO_MEMORY, "the roll is written; restart to count it");
    if (st == URNE_APP_OK) {
        out->number = (int64_t)roll.n;
        out->id = id;
        urne_app_changed(app);
    }
    urne_roll_free(&roll);
    return st;
}

urne_app_status urne_app_initiative_roll(urne_app *app, const urne_user *actor, int64_t id, const char *text,
                                         size_t len, const char *source, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    pthread_mutex_lock(&app->lock);
    urne_app_status st = roll_locked(app, actor, id, text ? text : "", text ? len : 0, source, out);
    pthread_mutex_unlock(&app->lock);
    return out->status = st;
}

/* ---- receipts ---- */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#define RECEIPT_RANDOM 13 /* bytes drawn for a code's 100 bits */

/* A new receipt code, "XXXXX-XXXXX-XXXXX-XXXXX" (24 bytes with its NUL), of the
 * first 100 bits of r. */
static void receipt_new(char code[24], const unsigned char r[RECEIPT_RANDOM]) {
    size_t k = 0;
    for (int i = 0; i < 20; i++) {
        unsigned bit = (unsigned)i * 5, v = 0;
        for (int b = 0; b < 5; b++, bit++) v = v << 1 | ((r[bit / 8] >> (7 - bit % 8)) & 1u);
        if (i && i % 5 == 0) code[k++] = '-';
        code[k++] = crockford[v];
    }
    code[k] = 0;
}

/* The longest id a receipt carries: 18 digits (an int64 below 10^18). */
#define RECEIPT_ID_MAX 18

/* A code as a signer types it back, read into norm (capitals, dashes and blanks
 * dropped, O read as 0 and I, L as 1: Crockford's reading): its length, or -1
 * when a character is none of those or it is longer than a receipt can be. */
static int receipt_norm(const char *code, char norm[20 + RECEIPT_ID_MAX + 1]) {
    int n = 0;
    for (const char *p = code; *p; p++) {
        char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        if (c == '-' || c == ' ') continue;
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        if (n == 20 + RECEIPT_ID_MAX || c == 0 || strchr(crockford, c) == NULL) return -1;
        norm[n++] = c;
    }
    norm[n] = 0;
    return n;
}

/* hex of SHA-256 of n bytes of text, after `prefix`. */
static void sha256_hex(const char *prefix, const char *text, size_t n, char out[URNE_STORE_INITIATIVE_HASH]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)prefix, strlen(prefix));
    crypto_hash_sha256_update(&st, (const unsigned char *)text, n);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, URNE_STORE_INITIATIVE_HASH, h, sizeof h);
}

/* The proof the store keeps of a receipt's random part (20 normalised
 * characters): its SHA-256 after a prefix of its own, so that it is never the
 * hash a receipt made before migration 15 was kept by. */
static void receipt_proof(const char *secret, char out[URNE_STORE_INITIATIVE_HASH]) {
    sha256_hex("urne-receipt-2|", secret, 20, out);
}

/* A code read: *sid its signature's id and proof its random part's proof (a
 * receipt made since migration 15), or *sid 0 and old the hash a receipt made
 * before was kept by (its 20 characters alone). 0, or -1 when it is neither. */
static int receipt_read(const char *code, int64_t *sid, char proof[URNE_STORE_INITIATIVE_HASH],
                        char old[URNE_STORE_INITIATIVE_HASH]) {
    char norm[20 + RECEIPT_ID_MAX + 1];
    int n = receipt_norm(code, norm);
    *sid = 0;
    if (n == 20) {
        sha256_hex("", norm, 20, old);
        return 0;
    }
    if (n < 21 || norm[0] == '0') return -1;
    int64_t id = 0;
    for (int k = 0; k < n - 20; k++) {
        if (norm[k] < '0' || norm[k] > '9') return -1;
        id = id * 10 + (norm[k] - '0'); /* 18 digits at most: no overflow */
    }
    *sid = id;
    receipt_proof(norm + n - 20, proof);
    return 0;
}

/* ---- abuse marks ---- */

/* The attempts counted under key this minute, this one included when `add`
 * (else a look only); -1 when the table is full and key is not in it (not
 * counted: never a mark, nor a refusal, by accident). Open addressing, no key
 * ever removed within a minute: a key held is between its own slot and
 * fill->longest after it, before any free slot, so a look goes no farther
 * (every attempt by a new name is a key: a full table was read whole, a
 * string compared per slot, 3.6 % of a signature's time in the bench). */
static int64_t burst_look(urne_initiative_burst *t, urne_initiative_burst_fill *fill, const char *key, int add) {
    uint32_t hash = 2166136261u;
    for (const char *p = key; *p; p++) hash = (hash ^ (unsigned char)*p) * 16777619u;
    size_t k = 0;
    for (; k <= fill->longest && k < URNE_INITIATIVE_BURST_SLOTS; k++) {
        urne_initiative_burst *b = &t[(hash + k) % URNE_INITIATIVE_BURST_SLOTS];
        if (b->key[0] == 0) break;
        if (b->hash == hash && strcmp(b->key, key) == 0) return add ? ++b->count : b->count;
    }
    if (fill->used == URNE_INITIATIVE_BURST_SLOTS) return -1;
    if (!add) return 0;
    for (; k < URNE_INITIATIVE_BURST_SLOTS; k++) { /* the first free slot from its own */
        urne_initiative_burst *b = &t[(hash + k) % URNE_INITIATIVE_BURST_SLOTS];
        if (b->key[0] != 0) continue;
        snprintf(b->key, sizeof b->key, "%s", key);
        b->hash = hash;
        fill->used++;
        if (k > fill->longest) fill->longest = k;
        return ++b->count;
    }
    assert(0 && "a table not full has a free slot");
    return -1;
}

static int64_t burst_count(urne_initiative_held *h, const char *key) {
    return burst_look(h->bursts, &h->burst_fill, key, 1);
}

/* h's counters for the minute of `now` (made, or emptied when the minute is a
 * new one): 0, or -1 when memory lacks (nothing is marked then). */
static int burst_table(urne_initiative_held *h, int64_t now) {
    if (h->bursts == NULL && (h->bursts = calloc(URNE_INITIATIVE_BURST_SLOTS, sizeof *h->bursts)) == NULL) return -1;
    if (now / 60 != h->burst_minute) {
        memset(h->bursts, 0, URNE_INITIATIVE_BURST_SLOTS * sizeof *h->bursts);
        if (h->code_bursts) memset(h->code_bursts, 0, URNE_INITIATIVE_BURST_SLOTS * sizeof *h->code_bursts);
        memset(&h->burst_fill, 0, sizeof h->burst_fill);
        memset(&h->code_burst_fill, 0, sizeof h->code_burst_fill);
        h->burst_minute = now / 60;
    }
    return 0;
}

/* The wrong codes have a table of their own: the marks' table one client fills
 * in a minute (a name tried per attempt), after which nothing is counted there;
 * this one takes URNE_INITIATIVE_BURST_SLOTS networks guessing codes. */
int64_t urne_app_initiative_burst(urne_initiative_held *h, const char *key, int64_t now, int add) {
    if (burst_table(h, now) < 0 ||
        (h->code_bursts == NULL && (h->code_bursts = calloc(URNE_INITIATIVE_BURST_SLOTS, sizeof *h->code_bursts)) == NULL))
        return -1;
    return burst_look(h->code_bursts, &h->code_burst_fill, key, add);
}

void urne_app_initiative_origin_key(const char *prefix, const char *origin, int bits, char key[48]) {
    unsigned char a[16];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char text[INET6_ADDRSTRLEN];
    origin = origin ? origin : "";
    snprintf(key, 48, "%s%.40s", prefix, origin);
    if (inet_pton(AF_INET6, origin, a) != 1 || memcmp(a, mapped, sizeof mapped) == 0) return;
    memset(a + bits / 8, 0, (size_t)(16 - bits / 8));
    if (inet_ntop(AF_INET6, a, text, sizeof text) != NULL) snprintf(key, 48, "%s%.40s/%d", prefix, text, bits);
}

/* The marks of an attempt from `origin` at `now` into marks (size bytes): ""
 * when none, or "burst-address", "burst-network", both comma-separated. An
 * IPv6 address counts by its /64 (one subscriber's: a robot's addresses are as
 * many as it likes within it) and its network is its /48, read as the bytes
 * they are, not as text (2001:db8::5 and 2001:db8:0:1::5 are one /48). */
static void burst_marks(urne_initiative_held *h, const char *origin, int64_t now, char *marks, size_t size) {
    marks[0] = 0;
    if (origin == NULL || !origin[0] || strlen(origin) > 40 || burst_table(h, now) < 0) return;
    char key[48], net[48];
    urne_app_initiative_origin_key("a:", origin, 64, key);
    urne_app_initiative_origin_key("n:", origin, 48, net);
    if (!strchr(origin, ':') && strrchr(origin, '.')) /* an IPv4 address: its /24 */
        snprintf(net, sizeof net, "n:%.*s", (int)(strrchr(origin, '.') - origin), origin);
    int64_t a = burst_count(h, key), n = burst_count(h, net);
    snprintf(marks, size, "%s%s%s", a > URNE_INITIATIVE_BURST_ADDRESS ? "burst-address" : "",
             a > URNE_INITIATIVE_BURST_ADDRESS && n > URNE_INITIATIVE_BURST_NETWORK ? "," : "",
             n > URNE_INITIATIVE_BURST_NETWORK ? "burst-network" : "");
}

/* An attempt for the roll identity whose index hash is `index` (a name in a
 * commune) counted; past URNE_INITIATIVE_BURST_IDENTITY this minute,
 * "burst-identity" added to marks: someone trying birth dates or given names
 * until one is on the roll. */
static void burst_identity(urne_initiative_held *h, const char *index, int64_t now, char *marks, size_t size) {
    char key[48];
    snprintf(key, sizeof key, "i:%.40s", index);
    if (burst_table(h, now) < 0 || burst_count(h, key) <= URNE_INITIATIVE_BURST_IDENTITY) return;
    size_t used = strlen(marks);
    snprintf(marks + used, size - used, "%sburst-identity", used ? "," : "");
}

void urne_app_initiative_marks(urne_initiative_held *h, const char *origin, const char *index, int64_t now,
                               char *marks, size_t size) {
    burst_marks(h, origin, now, marks, size);
    if (index) burst_identity(h, index, now, marks, size);
}

/* A receipt of the random bytes r, and its proof. */
static void receipt_of(const unsigned char r[RECEIPT_RANDOM], char code[24], char proof[URNE_STORE_INITIATIVE_HASH]) {
    char norm[20 + RECEIPT_ID_MAX + 1];
    receipt_new(code, r);
    int n = receipt_norm(code, norm);
    assert(n == 20); /* a code just made: always a whole one */
    (void)n;         /* NDEBUG */
    receipt_proof(norm, proof);
    sodium_memzero(norm, sizeof norm);
}

void urne_app_initiative_receipt_make(char code[24], char proof[URNE_STORE_INITIATIVE_HASH]) {
    unsigned char r[RECEIPT_RANDOM];
    randombytes_buf(r, sizeof r);
    receipt_of(r, code, proof);
    sodium_memzero(r, sizeof r);
}

/* ---- signing ---- */

static urne_app_status bad(urne_app_outcome *out, const char *field, const char *why, int64_t number) {
    snprintf(out->field, sizeof out->field, "%s", field);
    out->why = why;
    out->number = number;
    return urne_app_fail(out, URNE_APP_BAD_INPUT, NULL);
}

urne_app_status urne_app_initiative_bad_identity(urne_app_outcome *out, const urne_initiative_identity_fault *f) {
    int character = strcmp(f->rule, URNE_INITIATIVE_ID_CHARACTER) == 0;
    urne_app_status st = bad(out, f->field, f->rule, character ? (int64_t)f->nth : (int64_t)f->at);
    if (character) snprintf(out->detail, sizeof out->detail, "%s", f->what);
    return st;
}

/* The signer's identity checked and found on h's roll, the signature made ready
 * (all but its receipt). OK or the refusal. */
static urne_app_status signer_check(urne_initiative_held *h, urne_store *store,
                                    const urne_initiative_signer *in, int64_t now, urne_initiative_signature *sig,
                                    urne_app_outcome *out) {
    urne_initiative_identity id;
    urne_initiative_identity_fault fault;
    if (urne_initiative_identity_make(in->name, in->given, in->birth, in->commune, now, &id, &fault) < 0)
        return urne_app_initiative_bad_identity(out, &fault);
    char key[URNE_INITIATIVE_KEY_MAX], index[URNE_STORE_INITIATIVE_HASH];
    urne_initiative_identity_key(&id, key, sizeof key);
    keyed_hash(h->hash_key, key, sig->dedup);
    urne_initiative_identity_index_key(&id, key, sizeof key);
    keyed_hash(h->hash_key, key, index);
    burst_identity(h, index, now, sig->marks, sizeof sig->marks);
    urne_initiative_roll_entry entry;
    int64_t homonyms = 0;
    int found = urne_store_initiative_roll_find(store, h->row.id, sig->dedup, index, &entry, &homonyms);
    if (found < 0) return URNE_APP_STORE;
    if (found == 0 && homonyms > 0) return bad(out, "birth", URNE_WHY_HOMONYM, homonyms);
    if (found == 0) return bad(out, "name", URNE_WHY_NOT_ON_ROLL, 0);
    if (urne_app_initiative_anonymous(h, entry.territory) > 0) { /* its electors sign with codes (initiative_codes.c) */
        snprintf(out->detail, sizeof out->detail, "%s", entry.territory);
        out->why = URNE_WHY_CODES_ANONYMOUS;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    switch (urne_initiative_eligible(&h->rules, &id, entry.territory, 1, now)) {
    case URNE_INITIATIVE_UNDER_AGE: return bad(out, "birth", URNE_WHY_UNDER_AGE, h->rules.age_min);
    case URNE_INITIATIVE_OTHER_ROLL:
        snprintf(out->detail, sizeof out->detail, "%s", h->rules.roll_territory);
        return bad(out, "commune", URNE_WHY_OTHER_ROLL, 0);
    case URNE_INITIATIVE_NOT_MEMBER: /* the initiative's roll is its organisation's members: not reached */
    case URNE_INITIATIVE_ELIGIBLE: break;
    }
    sig->initiative = h->row.id;
    snprintf(sig->territory, sizeof sig->territory, "%s", entry.territory);
    urne_time_iso(now, sig->signed_at);
    if (seal(h, now, &id, entry.territory, "", sig->sealed, sizeof sig->sealed) < 0)
        return bad(out, "name", URNE_WHY_TOO_LONG, 0);
    return URNE_APP_OK;
}

/* The signer checked and the signature made ready in t: everything but its
 * commit (initiative_batch.c). OK, or the refusal. */
static urne_app_status sign_locked(urne_app *app, const urne_user *actor, int64_t id,
                                   const urne_initiative_signer *in, urne_initiative_ticket *t,
                                   urne_app_outcome *out) {
    urne_initiative_held *h = urne_app_initiative_find(app, id, out);
    if (h == NULL) return out->status;
    urne_app_status st = urne_app_initiative_may(app, actor, URNE_ACT_SIGN_INITIATIVE, h, out);
    if (st != URNE_APP_OK) return st;
    if (h->state != URNE_INITIATIVE_COLLECTING) {
        out->why = URNE_WHY_NOT_COLLECTING;
        return urne_app_fail(out, URNE_APP_STATE, "%s", h->row.state);
    }
    int64_t now = urne_app_initiative_now(app), opens, closes;
    urne_app_initiative_window(h, &opens, &closes);
    if (now < opens || now >= closes) {
        out->why = URNE_WHY_WINDOW;
        return urne_app_fail(out, URNE_APP_STATE, "%s", h->row.state);
    }
    if (h->rules.identity == URNE_INITIATIVE_BY_EMAIL) { /* its signers confirm by e-mail: initiative_mail.c */
        out->why = URNE_WHY_BY_EMAIL;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    urne_initiative_signature *sig = urne_app_initiative_ticket_sig(t);
    burst_marks(h, in->origin, now, sig->marks, sizeof sig->marks);
    int by_code = in->code && in->code[0];
    st = by_code ? urne_app_initiative_code_check(h, app->store, in, now, sig, out)
                 : signer_check(h, app->store, in, now, sig, out);
    if (st != URNE_APP_OK) return st == URNE_APP_STORE ? urne_app_store_failed(app, out) : st;
    char code[24];
    unsigned char r[RECEIPT_RANDOM];
    urne_sealer_random(&h->sealer, r, sizeof r); /* the initiative's pool: never given twice */
    receipt_of(r, code, sig->proof);
    urne_app_initiative_ticket_set(t, code, by_code, out);
    sodium_memzero(code, sizeof code);
    sodium_memzero(r, sizeof r);
    return URNE_APP_OK;
}

urne_initiative_ticket *urne_app_initiative_sign_begin(urne_app *app, const urne_user *actor, int64_t id,
                                                       const urne_initiative_signer *signer, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_initiative_ticket *t = urne_app_initiative_ticket_new();
    if (t == NULL) {
        urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
        return NULL;
    }
    pthread_mutex_lock(&app->lock);
    urne_app_status st = sign_locked(app, actor, id, signer, t, out);
    if (st == URNE_APP_OK) urne_app_initiative_batch_start(app);
    pthread_mutex_unlock(&app->lock);
    if (st != URNE_APP_OK) {
        out->status = st;
        urne_app_initiative_ticket_free(t);
        return NULL;
    }
    return t;
}

int urne_app_initiative_sign_group(urne_app *app, urne_initiative_sign_item *items, size_t n) {
    for (size_t i = 0; i < n; i++) {
        urne_app_outcome_init(items[i].out);
        items[i].checked = 0;
        items[i].ticket = urne_app_initiative_ticket_new();
        if (items[i].ticket == NULL) urne_app_fail(items[i].out, URNE_APP_NO_MEMORY, NULL);
    }
    pthread_mutex_lock(&app->lock);
    /* One read for all: a check that fails to read fails alone, as before; one
     * that cannot begin leaves each check to read on its own. */
    int reading = n > 1 && urne_store_read_begin(app->store) == 0;
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        urne_initiative_sign_item *it = &items[i];
        if (it->ticket == NULL) continue;
        urne_app_status st = sign_locked(app, it->actor, it->id, it->signer, it->ticket, it->out);
        if (st != URNE_APP_OK) {
            if (reading && (st == URNE_APP_STORE || st == URNE_APP_UNAVAILABLE)) {
                urne_store_read_end(app->store); /* rolled back by the failure: the rest read alone */
                reading = 0;
            }
            it->out->status = st;
            urne_app_initiative_ticket_free(it->ticket);
            it->ticket = NULL;
            continue;
        }
        it->checked = any = 1;
    }
    if (reading) urne_store_read_end(app->store);
    pthread_mutex_unlock(&app->lock);
    return any;
}

urne_app_status urne_app_initiative_sign(urne_app *app, const urne_user *actor, int64_t id,
                                         const urne_initiative_signer *signer, urne_app_outcome *out) {
    urne_initiative_ticket *t = urne_app_initiative_sign_begin(app, actor, id, signer, out);
    if (t == NULL) return out->status;
    urne_app_initiative_ticket_commit(app, t); /* alone, in this thread: the caller waits for it anyway */
    urne_app_initiative_ticket_free(t);
    return out->status;
}

/* ---- checking a receipt ---- */

urne_app_status urne_app_initiative_receipt(urne_app *app, const urne_user *actor, int64_t id, const char *code,
                                            urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_initiative_signature *sig = calloc(1, sizeof *sig);
    if (sig == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_initiative_held *h = urne_app_initiative_find(app, id, out);
    urne_app_status st = h ? urne_app_initiative_may(app, actor, URNE_ACT_SIGN_INITIATIVE, h, out) : out->status;
    char proof[URNE_STORE_INITIATIVE_HASH], old[URNE_STORE_INITIATIVE_HASH];
    int64_t sid = 0;
    if (st == URNE_APP_OK && receipt_read(code ? code : "", &sid, proof, old) < 0)
        st = bad(out, "receipt", URNE_WHY_UNKNOWN_RECEIPT, 1); /* 1: not even shaped as a receipt */
    int found = 1;
    if (st == URNE_APP_OK && sid == 0) /* made before migration 15: by its hash, among those rows */
        found = urne_store_initiative_receipt(app->store, id, old, sig);
    else if (st == URNE_APP_OK) { /* its signature by its id, then the random part's proof compared */
        found = urne_store_initiative_signature_get(app->store, id, sid, sig);
        if (found > 0 && (sig->proof[0] == 0 || sodium_memcmp(sig->proof, proof, sizeof proof - 1) != 0)) found = 0;
    }
    if (found < 0)
        st = urne_app_store_failed(app, out);
    else if (found == 0)
        st = bad(out, "receipt", URNE_WHY_UNKNOWN_RECEIPT, 0);
    else if (st == URNE_APP_OK) {
        out->id = sig->id;
        memcpy(out->at, sig->signed_at, sizeof out->at);
        snprintf(out->field, sizeof out->field, "%s", sig->territory);
        snprintf(out->detail, sizeof out->detail, "%s", sig->invalid);
    }
    pthread_mutex_unlock(&app->lock);
    free(sig);
    return out->status = st;
}

/* ---- invalidating ---- */

static urne_app_status invalidate_locked(urne_app *app, const urne_user *actor, urne_initiative_held *h, int64_t sid,
                                         const char *reason, urne_initiative_signature *sig, urne_app_outcome *out) {
    urne_app_status st = urne_app_initiative_may(app, actor, URNE_ACT_DECIDE_INITIATIVE, h, out);
    if (st != URNE_APP_OK) return st;
    if (reason == NULL || !reason[0]) return bad(out, "reason", URNE_WHY_REASON, 0);
    if (strlen(reason) > URNE_STORE_INITIATIVE_REASON_MAX)
        return bad(out, "reason", URNE_WHY_TOO_LONG, URNE_STORE_INITIATIVE_REASON_MAX);
    int found = urne_store_initiative_signature_get(app->store, h->row.id, sid, sig);
    if (found < 0) return urne_app_store_failed(app, out);
    if (found == 0) return bad(out, "signature", URNE_WHY_NO_SIGNATURE, sid);
    if (sig->invalid[0]) {
        out->why = URNE_WHY_ALREADY_INVALID;
        return urne_app_fail(out, URNE_APP_STATE, "%.900s", sig->invalid);
    }
    char object[80], at[24];
    snprintf(object, sizeof object, "initiative/%lld/signature/%lld", (long long)h->row.id, (long long)sid);
    urne_time_iso(urne_app_initiative_now(app), at);
    json_t *after = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)h->row.id, "signature", (json_int_t)sid,
                              "territory", sig->territory, "reason", reason, "at", at);
    int oom = 0;
    if (urne_store_begin(app->store) < 0) {
        json_decref(after);
        return urne_app_store_failed(app, out);
    }
    int rc = urne_store_initiative_invalidate(app->store, h->row.id, sid, reason);
    if (rc == 0) {
        json_decref(after);
        urne_store_rollback(app->store);
        out->why = URNE_WHY_ALREADY_INVALID;
        return urne_app_fail(out, URNE_APP_STATE, NULL);
    }
    if (rc < 0 || urne_app_initiative_audit(app, actor->name, "initiative.invalidate", object, after, &oom) < 0) {
        if (rc < 0) json_decref(after);
        if (!oom) return urne_app_store_failed(app, out);
        urne_store_rollback(app->store);
        return urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    }
    if (urne_store_commit(app->store) < 0) return urne_app_store_failed(app, out);
    if (urne_app_initiative_count(h, sig->territory, 0, -1) < 0 || urne_app_initiative_day(h, sig->signed_at, -1) < 0 ||
        __builtin_add_overflow(h->invalid, 1, &h->invalid))
        return urne_app_fail(out, URNE_APP_NO_MEMORY, "invalidated; restart to count it");
    memcpy(out->at, at, sizeof out->at);
    out->id = sid;
    urne_app_changed(app);
    return URNE_APP_OK;
}

urne_app_status urne_app_initiative_invalidate(urne_app *app, const urne_user *actor, int64_t id, int64_t sig,
                                               const char *reason, urne_app_outcome *out) {
    urne_app_outcome_init(out);
    urne_initiative_signature *buf = calloc(1, sizeof *buf);
    if (buf == NULL) return out->status = urne_app_fail(out, URNE_APP_NO_MEMORY, NULL);
    pthread_mutex_lock(&app->lock);
    urne_initiative_held *h = urne_app_initiative_find(app, id, out);
    urne_app_status st = h ? invalidate_locked(app, actor, h, sig, reason, buf, out) : out->status;
    pthread_mutex_unlock(&app->lock);
    free(buf);
    return out->status = st;
}
