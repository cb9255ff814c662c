/*
 * store: the interface's public functions. Each checks what it is given against
 * the contracts of store.h and its domain headers, then calls the backend's table
 * (store_backend.h); urne_store_open chooses the backend.
 *
 * The checks live here, not in each backend, so that every backend holds the
 * same line: a text longer than the field that will hold it when read back is
 * refused with a message naming the limit, never cut. Struct fields are checked
 * for their terminator within the field; plain strings against the limit the
 * contract states. Reading is the backend's side: it copies every fixed-size text
 * through urne_store_copy below, which refuses instead of cutting too.
 *
 * What does not depend on a backend is here too: the time as the
 * store writes it, and the audit entry's stamping (the backend seals it on its
 * head, under its own lock).
 */
#include <assert.h>
#include <ctype.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/urne_time.h"
#include "store_backend.h"
#include "store_sql.h"

_Static_assert(URNE_STORE_PW_HASH_SIZE == crypto_pwhash_STRBYTES, "a password hash is libsodium's string");

/* ---- the backend's helpers ---- */

int urne_store_fail(urne_store *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    urne_phrase_vset(&s->why, fmt, ap);
    va_end(ap);
    return -1;
}

int urne_store_vcopy(urne_store *s, char *out, size_t size, const char *value, const char *table,
                     const char *column, const char *row_fmt, va_list ap) {
    assert(out && size > 0);
    size_t n = value ? strlen(value) : 0;
    if (n < size) {
        memcpy(out, value ? value : "", n + 1);
        return 0;
    }
    char row[96];
    vsnprintf(row, sizeof row, row_fmt, ap);
    out[0] = 0;
    return urne_store_fail(s, "%s.%s of %s is %zu bytes long, more than the %zu this urne holds there (refused, not cut)",
                           table, column, row, n, size - 1);
}

int urne_store_copy(urne_store *s, char *out, size_t size, const char *value, const char *table, const char *column,
                    const char *row_fmt, ...) {
    va_list ap;
    va_start(ap, row_fmt);
    int rc = urne_store_vcopy(s, out, size, value, table, column, row_fmt, ap);
    va_end(ap);
    return rc;
}

/* strnlen: a struct's field may lack its NUL. */
int urne_store_fits(urne_store *s, const char *text, size_t size, const char *what) {
    if (text == NULL || strnlen(text, size) < size) return 0;
    return urne_store_fail(s, "%s is longer than the %zu bytes the store holds for it (refused, not cut)", what,
                           size - 1);
}
#define FIELD URNE_STORE_FIELD

/* ---- opening: choosing the backend ---- */

/* The length of where's URL scheme ("postgresql" in "postgresql://..."), 0 when
 * it has none and is a path. */
static size_t scheme_length(const char *where) {
    size_t n = 0;
    while (isalnum((unsigned char)where[n]) || where[n] == '+' || where[n] == '-' || where[n] == '.') n++;
    return n > 0 && isalpha((unsigned char)where[0]) && where[n] == ':' ? n : 0;
}

urne_store *urne_store_open_why(const char *where, urne_phrase *why) {
    assert(where && why);
    size_t n = scheme_length(where);
    if (n == 6 && strncasecmp(where, "sqlite", 6) == 0) return urne_sqlite_open(where + 7, why);
    if ((n == 10 && strncasecmp(where, "postgresql", 10) == 0) ||
        (n == 8 && strncasecmp(where, "postgres", 8) == 0)) {
        if (strncmp(where + n, "://", 3) == 0) return urne_pg_open(where, why);
        urne_phrase_set(why, "'%.*s:...' is not a PostgreSQL URL: write %.*s://[USER@]HOST[:PORT]/DBNAME", (int)n,
                        where, (int)n, where);
        return NULL;
    }
    if (n > 0 && strncmp(where + n, "://", 3) == 0) {
        urne_phrase_set(why,
                        "unknown store backend '%.*s': this urne stores in SQLite (a path, or sqlite:PATH) or in "
                        "PostgreSQL (postgresql://..., or a libpq service=NAME)",
                        (int)(n < 32 ? n : 32), where);
        return NULL;
    }
    if (urne_pg_is_conninfo(where)) return urne_pg_open(where, why);
    return urne_sqlite_open(where, why);
}

urne_store *urne_store_open(const char *where, char *err, size_t errsize) {
    assert(where && err && errsize > 0);
    urne_phrase why;
    urne_store *s = urne_store_open_why(where, &why);
    if (s == NULL) {
        urne_store_where_safe(where, err, errsize);
        size_t used = strlen(err);
        if (used + 2 < errsize) {
            memcpy(err + used, ": ", 3);
            urne_phrase_write(&why, NULL, NULL, err + used + 2, errsize - used - 2);
        }
    }
    return s;
}

/* The end of the value that starts at p in a libpq keyword string ('quoted',
 * with backslash escapes, or up to a blank) or a URL query (up to '&' or '#'). */
static const char *value_end(const char *p, int url) {
    if (!url && *p == '\'') {
        for (p++; *p && *p != '\''; p++)
            if (*p == '\\' && p[1]) p++;
        return *p ? p + 1 : p;
    }
    while (*p && (url ? *p != '&' && *p != '#' : !isspace((unsigned char)*p))) p++;
    return p;
}

void urne_store_where_safe(const char *where, char *out, size_t size) {
    assert(where && out && size > 0);
    size_t n = scheme_length(where), k = 0;
    int url = n > 0 && strncmp(where + n, "://", 3) == 0;
    if (!url && !urne_pg_is_conninfo(where)) { /* a path: said as it is */
        snprintf(out, size, "%s", where);
        return;
    }
    const char *p = where, *at = NULL, *colon = NULL;
    if (url) { /* the password of the user part: scheme://user:PASSWORD@host */
        const char *auth = where + n + 3, *end = auth + strcspn(auth, "/?#");
        at = memchr(auth, '@', (size_t)(end - auth));
        colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    }
    while (*p && k + 1 < size) {
        if (p == colon) {
            k += (size_t)snprintf(out + k, size - k, ":***");
            p = at;
            continue;
        }
        /* password=VALUE, in a keyword string or a URL's query */
        if (strncasecmp(p, "password", 8) == 0) { /* sslpassword too */
            const char *q = p + 8;
            while (!url && *q == ' ') q++;
            if (*q == '=') {
                for (q++; !url && *q == ' ';) q++;
                k += (size_t)snprintf(out + k, size - k, "password=***");
                p = value_end(q, url);
                continue;
            }
        }
        out[k++] = *p++;
    }
    if (k >= size) k = size - 1;
    out[k] = 0;
}

void urne_store_close(urne_store *s) {
    if (s == NULL) return;
    free(s->tallies);
    free(s->tally_slots);
    s->tallies = NULL;
    s->tally_slots = NULL;
    s->ops->core->close(s);
}

const char *urne_store_error(const urne_store *s) { return s->error; }
const urne_phrase *urne_store_error_phrase(const urne_store *s) { return &s->why; }
const char *urne_store_backend(const urne_store *s) { return s->ops->name; }
int urne_store_schema_version(urne_store *s) { return s->ops->core->schema_version(s); }

int urne_store_backup(urne_store *s, const char *dest) {
    assert(dest);
    return s->ops->core->backup(s, dest);
}

/* The roll's counts per territory (migration 18) follow its entries: each
 * entry roll_put adds is tallied here, in memory, and the transaction's
 * tallies are written at its commit, a row per territory. An import of a
 * million entries so moves a hundred rows once, where a count moved per
 * entry updated the same few rows a million times in one transaction: on
 * PostgreSQL, each update a new version of the row to step over, which made
 * an import of 100,000 electors take 38-49 s instead of 6.5 s. A code taken
 * back moves its territory's count at once (the backend's roll_unletter): a
 * few at a time, its territory known only to the store. */
static size_t tally_hash(int64_t id, const char *territory) {
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)id;
    for (const char *p = territory; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 29));
}

/* The slot of (id, territory) in the tallies' table: its tally's, or the empty
 * one where it goes. The table is never full (tally_add keeps it half empty). */
static size_t *tally_slot(urne_store *s, int64_t id, const char *territory) {
    size_t mask = s->nslots - 1, k = tally_hash(id, territory) & mask;
    for (;; k = (k + 1) & mask) {
        size_t at = s->tally_slots[k];
        if (at == 0) return &s->tally_slots[k];
        const urne_store_roll_tally *t = &s->tallies[at - 1];
        if (t->id == id && strcmp(t->territory, territory) == 0) return &s->tally_slots[k];
    }
}

/* The table made twice as large, the tallies put in again: 0, or -1. */
static int tally_grow(urne_store *s) {
    size_t n = s->nslots ? 2 * s->nslots : 64;
    size_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL) return -1;
    free(s->tally_slots);
    s->tally_slots = slots;
    s->nslots = n;
    for (size_t i = 0; i < s->ntallies; i++) *tally_slot(s, s->tallies[i].id, s->tallies[i].territory) = i + 1;
    return 0;
}

/* The tallies forgotten (the table emptied only when it holds some: a
 * transaction that adds no entry, every signature's, costs nothing here). */
static void tallies_reset(urne_store *s) {
    if (s->ntallies && s->tally_slots) memset(s->tally_slots, 0, s->nslots * sizeof *s->tally_slots);
    s->ntallies = 0;
}

/* The entry tallied under its initiative and territory: found in a hash table,
 * as a roll by communes has some 35,000 territories and a national one tens of
 * millions of entries. 0, or -1 out of memory. */
static int tally_add(urne_store *s, int64_t id, const char *territory, int anonymous) {
    if ((s->ntallies + 1) * 2 > s->nslots && tally_grow(s) < 0)
        return urne_store_fail(s, "counting a roll entry: out of memory");
    size_t *slot = tally_slot(s, id, territory);
    if (*slot) {
        urne_store_roll_tally *t = &s->tallies[*slot - 1];
        t->electors++;
        t->anonymous += anonymous;
        return 0;
    }
    if (s->ntallies == s->captallies) {
        size_t cap = s->captallies ? 2 * s->captallies : 16;
        urne_store_roll_tally *grown = realloc(s->tallies, cap * sizeof *grown);
        if (grown == NULL) return urne_store_fail(s, "counting a roll entry: out of memory");
        s->tallies = grown;
        s->captallies = cap;
    }
    urne_store_roll_tally *t = &s->tallies[s->ntallies++];
    t->id = id;
    snprintf(t->territory, sizeof t->territory, "%s", territory);
    t->electors = 1;
    t->anonymous = anonymous;
    *slot = s->ntallies;
    return 0;
}

int urne_store_begin(urne_store *s) {
    tallies_reset(s);
    return s->ops->core->begin(s);
}

/* The transaction's tallies written to the roll's counts: 0, or -1 (the
 * caller rolls back: the entries with their counts). Also before a code is
 * taken back, or the counts read, in the same transaction: they then see the
 * entries added before. */
static int tallies_flush(urne_store *s) {
    int rc = 0;
    for (size_t i = 0; i < s->ntallies && rc == 0; i++) {
        const urne_store_roll_tally *t = &s->tallies[i];
        rc = s->ops->initiatives->roll_count(s, t->id, t->territory, t->electors, t->anonymous);
    }
    tallies_reset(s);
    return rc < 0 ? -1 : 0;
}

int urne_store_commit(urne_store *s) {
    if (tallies_flush(s) < 0) return -1;
    return s->ops->core->commit(s);
}

void urne_store_rollback(urne_store *s) {
    tallies_reset(s);
    s->ops->core->rollback(s);
}
int urne_store_read_begin(urne_store *s) { return s->ops->core->read_begin(s); }
void urne_store_read_end(urne_store *s) { s->ops->core->read_end(s); }

int urne_store_checkpointer_start(urne_store *s, int pages) {
    return s->ops->core->checkpointer ? s->ops->core->checkpointer(s, pages) : 0;
}

void urne_store_checkpoints(urne_store *s, int64_t *runs, int64_t *forced, int64_t *closed) {
    *runs = *forced = *closed = 0;
    if (s->ops->core->checkpoints) s->ops->core->checkpoints(s, runs, forced, closed);
}

int urne_store_serve_deadline(urne_store *s, char *err, size_t errsize) {
    return s->ops->core->serve_deadline ? s->ops->core->serve_deadline(s, err, errsize) : 0;
}

int urne_store_checkpoint_close(urne_store *s) {
    return s->ops->core->checkpoint_close ? s->ops->core->checkpoint_close(s) : 0;
}

void urne_store_now(char out[24]) { urne_time_iso((int64_t)time(NULL), out); }

/* ---- users and sessions ---- */

int64_t urne_store_user_create(urne_store *s, const char *name, const char *pw_hash, urne_role role, int tier) {
    assert(name && pw_hash);
    if (urne_store_fits(s, name, sizeof ((urne_user *)0)->name, "a user's name") < 0 ||
        urne_store_fits(s, pw_hash, URNE_STORE_PW_HASH_SIZE, "a password hash") < 0)
        return -1;
    if (role > URNE_ROLE_ADMIN) /* a moderator is one in a space, through a grant (urne_role.h) */
        return urne_store_fail(s, "an account's own role is observer, secretary, commission or admin");
    return s->ops->users->create(s, name, pw_hash, role, tier);
}

int urne_store_user_find(urne_store *s, const char *name, urne_user *out, char *pw_hash, size_t pw_size) {
    assert(name && out && (pw_hash == NULL || pw_size > 0));
    return s->ops->users->find(s, name, out, pw_hash, pw_size);
}

int urne_store_user_get(urne_store *s, int64_t id, urne_user *out) { return s->ops->users->get(s, id, out); }
int urne_store_user_count(urne_store *s) { return s->ops->users->count(s); }

int urne_store_user_each(urne_store *s, int (*fn)(const urne_user *u, void *ctx), void *ctx) {
    return s->ops->users->each(s, fn, ctx);
}

int urne_store_session_put(urne_store *s, const char *token_hash, int64_t user, const char *csrf, int64_t expires) {
    assert(token_hash && csrf);
    if (urne_store_fits(s, token_hash, URNE_STORE_TOKEN_SIZE, "a session's token hash") < 0 ||
        urne_store_fits(s, csrf, URNE_STORE_TOKEN_SIZE, "a session's CSRF token") < 0)
        return -1;
    return s->ops->users->session_put(s, token_hash, user, csrf, expires);
}

int urne_store_session_get(urne_store *s, const char *token_hash, int64_t now, urne_user *user,
                           char csrf[URNE_STORE_TOKEN_SIZE]) {
    return s->ops->users->session_get(s, token_hash, now, user, csrf);
}

int urne_store_session_delete(urne_store *s, const char *token_hash) {
    return s->ops->users->session_delete(s, token_hash);
}

/* ---- grants in spaces (store_grants.h) ---- */

/* 0 when space is a grant's space (valid, not the site), else -1 saying why. */
static int grant_space(urne_store *s, const char *space) {
    char why[160];
    if (space == NULL || space[0] == 0)
        return urne_store_fail(s, "a grant's space is not the site (\"\"): the site's role is the account's own");
    if (!urne_space_valid(space, why, sizeof why)) return urne_store_fail(s, "space '%.100s': %s", space, why);
    return 0;
}

int urne_store_grant_put(urne_store *s, int64_t user, const char *space, urne_role role, int tier) {
    if (grant_space(s, space) < 0) return -1;
    if (role <= URNE_ROLE_PUBLIC || role > URNE_ROLE_LAST)
        return urne_store_fail(s, "a grant's role is observer, secretary, commission, admin or moderator");
    if (tier != 1 && tier != 2) return urne_store_fail(s, "a grant's tier is 1 or 2");
    return s->ops->grants->put(s, user, space, role, tier);
}

int urne_store_grant_delete(urne_store *s, int64_t user, const char *space) {
    return grant_space(s, space) < 0 ? -1 : s->ops->grants->del(s, user, space);
}

int urne_store_grant_get(urne_store *s, int64_t user, const char *space, urne_store_grant *out) {
    assert(out);
    return grant_space(s, space) < 0 ? -1 : s->ops->grants->get(s, user, space, out);
}

int urne_store_grant_each(urne_store *s, int64_t user, int (*fn)(const urne_store_grant *g, void *ctx), void *ctx) {
    assert(fn);
    return s->ops->grants->each(s, user, fn, ctx);
}

typedef struct grant_list {
    urne_store_grant *out;
    size_t cap;
    long n;
} grant_list;

static int grant_list_one(const urne_store_grant *g, void *ctx) {
    grant_list *l = ctx;
    if ((size_t)l->n < l->cap) l->out[l->n] = *g;
    l->n++;
    return 0;
}

long urne_store_grant_list(urne_store *s, int64_t user, urne_store_grant *out, size_t cap) {
    assert(out || cap == 0);
    assert(user > 0);
    grant_list l = {out, cap, 0};
    return s->ops->grants->each(s, user, grant_list_one, &l) != 0 ? -1 : l.n;
}

/* ---- elections ---- */

int64_t urne_store_election_create(urne_store *s, const urne_election_meta *m, const urne_round *round,
                                   const urne_sheet_state *states) {
    assert(m && round);
    if (FIELD(s, m, title, "an election's title") < 0 || FIELD(s, m, preset, "an election's rules") < 0 ||
        FIELD(s, m, settings, "an election's settings") < 0 || FIELD(s, m, deadline, "an election's deadline") < 0 ||
        FIELD(s, m, space, "an election's space") < 0 || FIELD(s, m, zone, "an election's time zone") < 0)
        return -1;
    char why[160];
    if (!urne_space_valid(m->space, why, sizeof why))
        return urne_store_fail(s, "an election's space '%s': %s", m->space, why);
    return s->ops->elections->create(s, m, round, states);
}

int urne_store_election_each(urne_store *s, int (*fn)(const urne_election_meta *m, void *ctx), void *ctx) {
    return s->ops->elections->each(s, fn, ctx);
}

int urne_store_election_meta(urne_store *s, int64_t id, urne_election_meta *out) {
    return s->ops->elections->meta(s, id, out);
}

/* The backends read the parts (the election's shape, its structure, its bureaux);
 * the round is put together here, once for both. */
urne_round *urne_store_election_load(urne_store *s, int64_t id, urne_election_meta *meta, urne_bureau_info **info) {
    assert(meta && info);
    const urne_store_election_ops *ops = s->ops->elections;
    *info = NULL;
    char *levels = NULL;
    size_t contest_level = 0, n = 0;
    int found = ops->load_shape(s, id, &levels, &contest_level, &n);
    if (found == 0) urne_store_fail(s, "no election %lld", (long long)id);
    if (found <= 0 || ops->meta(s, id, meta) != 1) {
        free(levels);
        return NULL;
    }
    const char *names[URNE_MAX_LEVELS];
    size_t nlevels = 0;
    for (char *p = levels, *save = NULL, *t; (t = strtok_r(p, ",", &save)) && nlevels < URNE_MAX_LEVELS; p = NULL)
        names[nlevels++] = t;
    urne_round *r = urne_round_new();
    *info = calloc(n ? n : 1, sizeof **info);
    /* urne_round_set_levels interns the names: levels can go after it. */
    if (r == NULL || *info == NULL || urne_round_set_levels(r, names, nlevels, contest_level) < 0 ||
        urne_round_reserve_sheets(r, n) < 0) {
        urne_store_fail(s, "election %lld: out of memory or bad levels", (long long)id);
        goto fail;
    }
    r->election = urne_round_intern(r, meta->title, strlen(meta->title));
    r->number = meta->round;
    r->rules_hint = urne_round_intern(r, meta->preset, strlen(meta->preset));
    if (ops->load_structure(s, id, r) < 0 || ops->load_bureaux(s, id, r, *info, n) < 0) goto fail;
    free(levels);
    return r;
fail:
    free(levels);
    urne_round_free(r);
    free(*info);
    *info = NULL;
    return NULL;
}

void urne_store_digest_value(crypto_hash_sha256_state *h, const char *v, size_t n) {
    char len[32];
    int k = v ? snprintf(len, sizeof len, "%zu:", n) : snprintf(len, sizeof len, "-");
    crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
    if (v) crypto_hash_sha256_update(h, (const unsigned char *)v, (unsigned long long)n);
}

/* The digest of an election's structure: each of urne_sql_digest_parts' rows
 * absorbed by the backend, the parts apart by a "|". */
int urne_store_structure_digest(urne_store *s, int64_t election, char out[65]) {
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    for (size_t i = 0; i < urne_sql_digest_nparts; i++) {
        crypto_hash_sha256_update(&h, (const unsigned char *)"|", 1); /* tables apart */
        if (s->ops->elections->structure_absorb(s, &h, urne_sql_digest_parts[i], election) < 0) return -1;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(out, 65, digest, sizeof digest);
    return 0;
}

int urne_store_bureau_set(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *info,
                          const urne_figures *figures) {
    assert(info && (figures == NULL || figures->nvotes == 0 || figures->votes));
    if (FIELD(s, info, entered_at, "a bureau's entry time") < 0) return -1;
    return s->ops->elections->bureau_set(s, election, bureau, info, figures);
}

int urne_store_bureau_figures(urne_store *s, int64_t election, size_t bureau, urne_figures *out) {
    return s->ops->elections->bureau_figures(s, election, bureau, out);
}

int urne_store_bureau_get(urne_store *s, int64_t election, size_t bureau, urne_bureau_info *info, urne_figures *out) {
    assert(info && out);
    return s->ops->elections->bureau_get(s, election, bureau, info, out);
}

int urne_store_bureau_expect(urne_store *s, int64_t election, size_t bureau, const urne_bureau_info *info,
                             const urne_figures *figures) {
    assert(info && (figures == NULL || figures->nvotes == 0 || figures->votes));
    if (s->ops->elections->bureau_expect == NULL) return 0;
    return s->ops->elections->bureau_expect(s, election, bureau, info, figures);
}

int urne_store_stale(urne_store *s) { return s->ops->elections->stale ? s->ops->elections->stale(s) : 0; }

int urne_store_entry_add(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *f) {
    assert(f && (f->nvotes == 0 || f->votes));
    return s->ops->elections->entry_add(s, election, bureau, user, f);
}

int urne_store_sheet_entered(urne_store *s, int64_t election, size_t bureau, int64_t user, const urne_figures *typed,
                             const urne_bureau_info *info, const urne_figures *counted) {
    assert(typed && (typed->nvotes == 0 || typed->votes) && info);
    assert(counted == NULL || counted->nvotes == 0 || counted->votes);
    if (FIELD(s, info, entered_at, "a bureau's entry time") < 0) return -1;
    if (s->ops->elections->sheet_entered)
        return s->ops->elections->sheet_entered(s, election, bureau, user, typed, info, counted);
    if (s->ops->elections->entry_add(s, election, bureau, user, typed) < 0) return -1;
    return s->ops->elections->bureau_set(s, election, bureau, info, counted);
}

int urne_store_entry_other(urne_store *s, int64_t election, size_t bureau, int64_t user, int64_t *author,
                           urne_figures *out) {
    return s->ops->elections->entry_other(s, election, bureau, user, author, out);
}

int urne_store_assign(urne_store *s, int64_t user, int64_t election, size_t bureau) {
    return s->ops->elections->assign(s, user, election, bureau);
}

int urne_store_is_assigned(urne_store *s, int64_t user, int64_t election, size_t bureau) {
    return s->ops->elections->is_assigned(s, user, election, bureau);
}

long urne_store_assigned_list(urne_store *s, int64_t user, int64_t election, size_t *out, size_t cap) {
    assert(out || cap == 0);
    return s->ops->elections->assigned_list(s, user, election, out, cap);
}

int urne_store_publish(urne_store *s, int64_t election, const char *at, const char *digest) {
    assert(at && digest);
    const urne_election_meta *m = NULL;
    if (urne_store_fits(s, at, sizeof m->published_at, "a publication's time") < 0 ||
        urne_store_fits(s, digest, sizeof m->published_digest, "a publication's digest") < 0)
        return -1;
    return s->ops->elections->publish(s, election, at, digest);
}

int urne_store_reopen(urne_store *s, int64_t election, const char *at, const char *reason) {
    assert(at && reason);
    const urne_election_meta *m = NULL;
    if (urne_store_fits(s, at, sizeof m->reopened_at, "a reopening's time") < 0 ||
        urne_store_fits(s, reason, sizeof m->reopened_reason, "a reopening's reason") < 0)
        return -1;
    return s->ops->elections->reopen(s, election, at, reason);
}

/* ---- notices ---- */

int64_t urne_store_notice_put(urne_store *s, const urne_notice *n) {
    assert(n != NULL);
    if (FIELD(s, n, title, "a notice's title") < 0 || FIELD(s, n, body, "a notice's body") < 0 ||
        FIELD(s, n, published_at, "a notice's time") < 0 || FIELD(s, n, published_by, "a notice's author") < 0)
        return -1;
    return s->ops->notices->put(s, n);
}

int urne_store_notice_each(urne_store *s, int (*fn)(const urne_notice *n, void *ctx), void *ctx) {
    assert(fn != NULL);
    return s->ops->notices->each(s, fn, ctx);
}

/* ---- disputes ---- */

/* The texts of d a dispute's row receives when it opens. */
static int dispute_opening_fits(urne_store *s, const urne_dispute *d) {
    return FIELD(s, d, reason, "a dispute's reason") < 0 || FIELD(s, d, opened_by, "a dispute's author") < 0 ||
                   FIELD(s, d, opened_at, "a dispute's opening time") < 0 ||
                   FIELD(s, d, deadline, "a dispute's deadline") < 0 ||
                   FIELD(s, d, figures_before, "a dispute's figures before") < 0
               ? -1
               : 0;
}

/* The texts of d a dispute's row receives when it is decided. */
static int dispute_decision_fits(urne_store *s, const urne_dispute *d) {
    return FIELD(s, d, state, "a dispute's state") < 0 || FIELD(s, d, decision, "a dispute's decision") < 0 ||
                   FIELD(s, d, decision_reason, "a decision's reason") < 0 ||
                   FIELD(s, d, decided_by, "a decision's author") < 0 ||
                   FIELD(s, d, decided_at, "a decision's time") < 0 ||
                   FIELD(s, d, figures_after, "a dispute's figures after") < 0
               ? -1
               : 0;
}

int64_t urne_store_dispute_open(urne_store *s, const urne_dispute *d) {
    assert(d);
    if (dispute_opening_fits(s, d) < 0) return -1;
    return s->ops->disputes->open(s, d);
}

int urne_store_dispute_get(urne_store *s, int64_t id, urne_dispute *out) {
    return s->ops->disputes->get(s, id, out);
}

int urne_store_dispute_open_for(urne_store *s, int64_t election, size_t bureau, urne_dispute *out) {
    return s->ops->disputes->open_for(s, election, bureau, out);
}

int urne_store_dispute_update(urne_store *s, const urne_dispute *d, const char *expected) {
    assert(d && expected);
    if (dispute_decision_fits(s, d) < 0) return -1;
    return s->ops->disputes->update(s, d, expected);
}

int urne_store_dispute_each(urne_store *s, int64_t election, int (*fn)(const urne_dispute *d, void *ctx), void *ctx) {
    return s->ops->disputes->each(s, election, fn, ctx);
}

/* ---- audit ---- */

int urne_store_audit(urne_store *s, const char *actor, const char *action, const char *object, const char *before,
                     const char *after) {
    assert(actor && action && object);
    char at[24];
    urne_store_now(at);
    urne_audit_entry e = {.at = at, .actor = actor, .action = action, .object = object,
                          .before = before ? before : "null", .after = after ? after : "null"};
    /* The change is announced with its record, in its transaction (store.h). */
    const urne_store_watch_ops *w = s->ops->watch;
    if (w && w->append_announce) return w->append_announce(s, &e);
    if (s->ops->audit->append(s, &e) < 0) return -1;
    return w ? w->announce(s, action, object, &e) : 0;
}

int urne_store_audit_head(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]) {
    return s->ops->audit->head(s, seq, hash);
}

int urne_store_audit_head_now(urne_store *s, int64_t *seq, char hash[URNE_AUDIT_HASH_HEX]) {
    return s->ops->audit->head_now(s, seq, hash);
}

int64_t urne_store_audit_known(urne_store *s) { return s->ops->audit->known(s); }

int urne_store_audit_each(urne_store *s, int64_t from, int (*fn)(const urne_audit_entry *e, void *ctx), void *ctx) {
    return s->ops->audit->each(s, from, fn, ctx);
}

int urne_store_audit_elections(urne_store *s, int (*fn)(const urne_audit_election *m, void *ctx), void *ctx) {
    return s->ops->audit->elections(s, fn, ctx);
}

int urne_store_audit_sheets(urne_store *s, urne_store_sheet_fn fn, void *ctx) {
    return s->ops->audit->sheets(s, fn, ctx);
}

int urne_store_audit_typed(urne_store *s, urne_store_typed_fn fn, void *ctx) {
    return s->ops->audit->typed(s, fn, ctx);
}

int urne_store_audit_disputes(urne_store *s, int (*fn)(const urne_audit_dispute *d, void *ctx), void *ctx) {
    return s->ops->audit->disputes(s, fn, ctx);
}

int urne_store_audit_users(urne_store *s, int (*fn)(const urne_audit_user *u, void *ctx), void *ctx) {
    return s->ops->audit->users(s, fn, ctx);
}

int urne_store_audit_assignments(urne_store *s, int (*fn)(int64_t user, int64_t election, size_t bureau, void *ctx),
                                 void *ctx) {
    return s->ops->audit->assignments(s, fn, ctx);
}

/* ---- initiatives ---- */

int64_t urne_store_initiative_put(urne_store *s, const urne_initiative_row *i) {
    assert(i != NULL);
    if (FIELD(s, i, title, "an initiative's title") < 0 || FIELD(s, i, space, "an initiative's space") < 0 ||
        FIELD(s, i, rules, "an initiative's rules") < 0 || FIELD(s, i, state, "an initiative's state") < 0 ||
        FIELD(s, i, authority_key, "an authority's key") < 0 || FIELD(s, i, hash_key, "an initiative's key") < 0 ||
        FIELD(s, i, created_at, "an initiative's time") < 0 || FIELD(s, i, created_by, "an initiative's author") < 0 ||
        FIELD(s, i, changed_at, "an initiative's time") < 0 || FIELD(s, i, reasons, "a committee's reasons") < 0 ||
        FIELD(s, i, answer, "an authority's answer") < 0)
        return -1;
    return s->ops->initiatives->put(s, i);
}

int urne_store_initiative_get(urne_store *s, int64_t id, urne_initiative_row *out) {
    assert(out != NULL);
    return s->ops->initiatives->get(s, id, out);
}

int urne_store_initiative_update(urne_store *s, const urne_initiative_row *i, const char *expected) {
    assert(i && expected);
    if (FIELD(s, i, state, "an initiative's state") < 0 || FIELD(s, i, changed_at, "an initiative's time") < 0 ||
        FIELD(s, i, reasons, "a committee's reasons") < 0 || FIELD(s, i, answer, "an authority's answer") < 0)
        return -1;
    return s->ops->initiatives->update(s, i, expected);
}

int urne_store_initiative_each(urne_store *s, int (*fn)(const urne_initiative_row *i, void *ctx), void *ctx) {
    assert(fn != NULL);
    return s->ops->initiatives->each(s, fn, ctx);
}

int urne_store_initiative_roll_put(urne_store *s, int64_t id, const urne_initiative_roll_entry *e) {
    assert(e != NULL);
    if (FIELD(s, e, key_hash, "a roll entry's hash") < 0 || FIELD(s, e, index_hash, "a roll entry's hash") < 0 ||
        FIELD(s, e, territory, "a roll entry's territory") < 0 || FIELD(s, e, sealed, "a roll entry's sealed box") < 0 ||
        FIELD(s, e, code_hash, "a roll entry's code") < 0 || FIELD(s, e, letter, "a roll entry's letter") < 0 ||
        FIELD(s, e, born, "a roll entry's birth date") < 0)
        return -1;
    int put = s->ops->initiatives->roll_put(s, id, e);
    if (put == 1 && tally_add(s, id, e->territory, e->code_hash[0] == 0 && e->letter[0] != 0) < 0) return -1;
    return put;
}

int urne_store_initiative_roll_find(urne_store *s, int64_t id, const char *key_hash, const char *index_hash,
                                    urne_initiative_roll_entry *out, int64_t *homonyms) {
    assert(key_hash && index_hash && out && homonyms);
    return s->ops->initiatives->roll_find(s, id, key_hash, index_hash, out, homonyms);
}

int urne_store_initiative_roll_code(urne_store *s, int64_t id, const char *code_hash, urne_initiative_roll_entry *out) {
    assert(code_hash && out);
    return s->ops->initiatives->roll_code(s, id, code_hash, out);
}

int urne_store_initiative_roll_letter(urne_store *s, int64_t id, const char *key_hash, const char *code_hash,
                                      const char *letter, const char *born) {
    assert(key_hash && code_hash && letter && born);
    if (!code_hash[0] || strlen(code_hash) >= URNE_STORE_INITIATIVE_HASH || strlen(letter) >= URNE_STORE_INITIATIVE_LETTER ||
        strlen(born) > 10)
        return urne_store_fail(s, "a letter's code, reference or birth date is empty or too long");
    return s->ops->initiatives->roll_letter(s, id, key_hash, code_hash, letter, born);
}

int urne_store_initiative_roll_unletter(urne_store *s, int64_t id, const char *key_hash) {
    assert(key_hash != NULL);
    if (tallies_flush(s) < 0) return -1; /* a code added in this transaction is counted before it goes */
    return s->ops->initiatives->roll_unletter(s, id, key_hash);
}

int urne_store_initiative_roll_counts(urne_store *s, int64_t id,
                                      int (*fn)(const char *territory, int64_t electors, int64_t anonymous,
                                                void *ctx),
                                      void *ctx) {
    assert(fn != NULL);
    if (tallies_flush(s) < 0) return -1; /* inside a transaction that added entries: with them */
    return s->ops->initiatives->roll_counts(s, id, fn, ctx);
}

int urne_store_initiative_warm(urne_store *s, int64_t id) {
    return s->ops->initiatives->warm ? s->ops->initiatives->warm(s, id) : 0;
}

int urne_store_initiative_cool(urne_store *s, int64_t id) {
    return s->ops->initiatives->cool ? s->ops->initiatives->cool(s, id) : 0;
}

int64_t urne_store_initiative_sign(urne_store *s, const urne_initiative_signature *sig) {
    assert(sig != NULL);
    if (FIELD(s, sig, dedup, "a signature's hash") < 0 || FIELD(s, sig, territory, "a signature's territory") < 0 ||
        FIELD(s, sig, sealed, "a signature's sealed box") < 0 || FIELD(s, sig, receipt, "a receipt's hash") < 0 ||
        FIELD(s, sig, signed_at, "a signature's time") < 0 || FIELD(s, sig, marks, "a signature's marks") < 0 ||
        FIELD(s, sig, letter, "a signature's letter") < 0 || FIELD(s, sig, proof, "a receipt's proof") < 0)
        return -1;
    return s->ops->initiatives->sign(s, sig);
}

int urne_store_initiative_receipt(urne_store *s, int64_t id, const char *receipt, urne_initiative_signature *out) {
    assert(receipt && out);
    if (receipt[0] == 0) return 0; /* the rows made since migration 15 have none */
    return s->ops->initiatives->receipt(s, id, receipt, out);
}

int urne_store_initiative_signature_get(urne_store *s, int64_t id, int64_t sig, urne_initiative_signature *out) {
    assert(out != NULL);
    return s->ops->initiatives->signature_get(s, id, sig, out);
}

int urne_store_initiative_invalidate(urne_store *s, int64_t id, int64_t sig, const char *reason) {
    assert(reason && reason[0]);
    const urne_initiative_signature *x = NULL;
    if (urne_store_fits(s, reason, sizeof x->invalid, "an invalidation's reason") < 0) return -1;
    return s->ops->initiatives->invalidate(s, id, sig, reason);
}

int urne_store_initiative_signature_counts(urne_store *s, int64_t id,
                                           int (*fn)(const char *territory, int64_t valid, int64_t invalid,
                                                     void *ctx),
                                           void *ctx) {
    assert(fn != NULL);
    return s->ops->initiatives->signature_counts(s, id, fn, ctx);
}

int urne_store_initiative_signature_days(urne_store *s, int64_t id,
                                         int (*fn)(const char *day, int64_t valid, void *ctx), void *ctx) {
    assert(fn != NULL);
    return s->ops->initiatives->signature_days(s, id, fn, ctx);
}

int urne_store_initiative_valid_ids(urne_store *s, int64_t id, int (*fn)(int64_t sig, void *ctx), void *ctx) {
    assert(fn != NULL);
    return s->ops->initiatives->valid_ids(s, id, fn, ctx);
}

int urne_store_initiative_signatures_each(urne_store *s, int64_t id,
                                          int (*fn)(const urne_initiative_signature *sig, void *ctx), void *ctx) {
    assert(fn != NULL);
    return s->ops->initiatives->signatures_each(s, id, fn, ctx);
}
