/*
 * match_io: the matching's input files (see match_io.h).
 *
 * A département's files are a hundred thousand pupils with ten wishes each, so
 * every wish is looked up in an open-addressed table of host ids (a hash of the
 * bytes, linear probing) rather than compared with every host; the same kind of
 * table finds a pupil named twice. Wishes are kept in one array, each pupil
 * pointing at its slice, and a pupil's rankings the same way per host, sorted
 * by pupil as the engine searches them.
 */
#include <stdlib.h>
#include <string.h>

#include "match_io.h"
#include "../core/urne_num.h"
#include "parse_common.h"

enum { H_ID, H_CAPACITY, H_RESERVED, H_WEEKS, H_COMMUNE, NH };
static const char *const host_cols[NH] = {"id", "capacity", "reserved", "weeks", "commune"};
enum { P_ID, P_WISHES, P_PRIORITY, P_LOTTERY, P_WEEK, P_COMMUNE, NP };
static const char *const pupil_cols[NP] = {"id", "wishes", "priority", "lottery", "week", "commune"};
enum { R_HOST, R_PUPIL, R_RANK, NR };
static const char *const ranking_cols[NR] = {"host", "pupil", "rank"};

/* ---- the id tables ---- */

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL; /* FNV's low bits are weak: mix before masking */
    return h ^ (h >> 32);
}

/* A table of 2^k slots, each an index into the ids (URNE_MATCH_NONE: empty) with
 * the top 32 bits of its id's hash beside, so that a probe compares strings only
 * when the hashes agree: ten million wishes are ten million probes. */
typedef struct id_slot {
    uint64_t head; /* the id's first 8 bytes, zero-padded: a short id is compared here alone */
    const char *id;
    uint32_t index, tag;
} id_slot;

static id_slot *slots_make(size_t n, size_t *nslots) {
    size_t s = 16;
    while (s < 2 * n + 2) s *= 2;
    id_slot *t = malloc(s * sizeof *t);
    for (size_t i = 0; t && i < s; i++) t[i] = (id_slot){0, NULL, URNE_MATCH_NONE, 0};
    *nslots = s;
    return t;
}

static uint64_t head_of(const char *key, size_t len) {
    uint64_t head = 0;
    memcpy(&head, key, len < 8 ? len : 8);
    return head;
}

/* The slot of `key` among the ids (found, or the empty slot where it would go).
 * Most ids are codes of a few characters: tag and head settle them without
 * reading the id elsewhere in memory, which is what a probe costs. */
static size_t slot_of(const id_slot *slots, size_t nslots, const char *key, size_t len) {
    uint64_t h = hash_bytes(key, len), head = head_of(key, len);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t i = h & (nslots - 1);
    for (; slots[i].index != URNE_MATCH_NONE; i = (i + 1) & (nslots - 1)) {
        if (slots[i].tag != tag || slots[i].head != head) continue;
        if (len < 8) break; /* equal heads, zero-padded past len: the stored id ends there too */
        const char *s = slots[i].id;
        if (strncmp(s + 8, key + 8, len - 8) == 0 && s[len] == '\0') break;
    }
    return i;
}

/* The index of the id a field names, its doubled quotes unescaped as
 * urne_span_dup unescaped the ids when they were read (a pupil "a""b" of
 * pupils.csv is the pupil a"b that assignment.csv names "a""b" again), or
 * URNE_MATCH_NONE. */
static uint32_t find_id(const id_slot *slots, size_t nslots, urne_span s) {
    if (!s.quoted || s.len == 0 || memchr(s.p, '"', s.len) == NULL) return slots[slot_of(slots, nslots, s.p, s.len)].index;
    char buf[URNE_MATCH_ID_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (n == sizeof buf) return URNE_MATCH_NONE; /* longer than any id */
        buf[n++] = s.p[i];
        if (s.p[i] == '"' && i + 1 < s.len && s.p[i + 1] == '"') i++;
    }
    return slots[slot_of(slots, nslots, buf, n)].index;
}

/* Put index i (its id, NUL-terminated, of length len) in the empty slot s found by slot_of. */
static void slot_put(id_slot *slots, size_t s, const char *id, size_t len, uint32_t i) {
    slots[s] = (id_slot){head_of(id, len), id, i, (uint32_t)(hash_bytes(id, len) >> 32)};
}


uint32_t urne_io_match_host(const urne_match_input *in, const char *id) {
    return in->host_slots[slot_of(in->host_slots, in->nhost_slots, id, strlen(id))].index;
}

uint32_t urne_io_match_pupil(const urne_match_input *in, const char *id) {
    return in->pupil_slots[slot_of(in->pupil_slots, in->npupil_slots, id, strlen(id))].index;
}

/* ---- lines and columns ---- */

typedef struct table {
    const char *const *names;
    int ncols, nrequired;
    long col[8];
    char sep;
    urne_lines it;
    urne_diags *d;
} table;

/* Open a file and read its header: 0, or -1 with the errors added. */
static int table_open(table *t, const char *buf, size_t len, urne_diags *d) {
    t->d = d;
    if (urne_parse_open(buf, len, URNE_ENC_AUTO, &t->it, d) < 0) return -1;
    urne_span line;
    while (urne_lines_next(&t->it, &line))
        if (!urne_span_blank(line) && line.p[0] != '#') {
            t->sep = urne_parse_header_separator(line);
            urne_span f[URNE_MAX_FIELDS];
            long nf = urne_fields_split(line, t->sep, f, URNE_MAX_FIELDS);
            for (int c = 0; c < t->ncols; c++) t->col[c] = -1;
            for (long i = 0; i < nf && i < URNE_MAX_FIELDS; i++)
                for (int c = 0; c < t->ncols; c++)
                    if (t->col[c] < 0 && urne_span_eq_nocase(f[i], t->names[c])) t->col[c] = i;
            int bad = 0;
            for (int c = 0; c < t->nrequired; c++)
                if (t->col[c] < 0) {
                    urne_diags_add(d, URNE_DIAG_ERROR, t->it.lineno, t->names[c], URNE_RULE_HEADER,
                                   "the header has no column '%s'", t->names[c]);
                    bad = -1;
                }
            if (bad) urne_lines_free(&t->it);
            return bad;
        }
    urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "the file has no header line");
    urne_lines_free(&t->it);
    return -1;
}

/* The next data line's fields by column (absent columns empty): 1, or 0 at the
 * end. A line with too few fields is reported and skipped (the read fails). */
static int table_next(table *t, urne_span *cell) {
    urne_span line, f[URNE_MAX_FIELDS];
    while (urne_lines_next(&t->it, &line)) {
        if (urne_span_blank(line) || line.p[0] == '#') continue;
        long nf = urne_fields_split(line, t->sep, f, URNE_MAX_FIELDS), need = 0;
        for (int c = 0; c < t->ncols; c++)
            if (t->col[c] + 1 > need) need = t->col[c] + 1;
        if (nf < need || nf > URNE_MAX_FIELDS) {
            urne_diags_add(t->d, URNE_DIAG_ERROR, t->it.lineno, NULL, URNE_RULE_FIELD_COUNT,
                           nf < 0 ? "a quote is left open" : "%ld fields, but the header names %ld columns", nf, need);
            continue;
        }
        for (int c = 0; c < t->ncols; c++) cell[c] = t->col[c] >= 0 ? f[t->col[c]] : (urne_span){"", 0, 0};
        return 1;
    }
    return 0;
}

/* A whole number in [lo, hi], possibly negative, plain or grouped by thousands.
 * 0, or -1 with the error added. */
static int parse_integer(urne_span s, long line, const char *field, int64_t lo, int64_t hi, int64_t *out,
                         urne_diags *d) {
    urne_span t = urne_span_trim_padding(s);
    int neg = t.len > 0 && t.p[0] == '-';
    if (t.len == (size_t)neg || urne_num_parse_grouped(t.p + neg, t.len - (size_t)neg, out) != URNE_NUM_OK) {
        urne_diags_add(d, URNE_DIAG_ERROR, line, field, URNE_RULE_COUNT_FORMAT,
                       "%s '%.*s' is not a whole number from %lld to %lld", field, (int)t.len, t.p, (long long)lo,
                       (long long)hi);
        return -1;
    }
    if (neg) *out = -*out;
    if (*out < lo || *out > hi) {
        urne_diags_add(d, URNE_DIAG_ERROR, line, field, "out-of-range", "%s is %lld; it must be from %lld to %lld", field,
                       (long long)*out, (long long)lo, (long long)hi);
        return -1;
    }
    return 0;
}

/* The bit of a week label, made when first met. -1 past 64 labels (reported). */
static int week_bit(urne_match_input *in, urne_span label, long line, const char *field, urne_diags *d) {
    for (size_t i = 0; i < in->nweeks; i++)
        if (strncmp(in->weeks[i], label.p, label.len) == 0 && in->weeks[i][label.len] == '\0') return (int)i;
    if (in->nweeks == URNE_MATCH_MAX_WEEKS) {
        urne_diags_add(d, URNE_DIAG_ERROR, line, field, "too-many-weeks", "more than %d different weeks",
                       URNE_MATCH_MAX_WEEKS);
        return -1;
    }
    in->weeks[in->nweeks] = urne_span_dup(&in->arena, label);
    return in->weeks[in->nweeks] ? (int)in->nweeks++ : -1;
}

/* The index of a commune's name, made when first met; -1 when blank, -2 when
 * memory runs out. The table doubles before it is half full. */
static int32_t commune_index(urne_match_input *in, urne_span name) {
    name = urne_span_trim_padding(name);
    if (urne_span_blank(name)) return -1;
    if (2 * (in->ncommunes + 1) >= in->ncommune_slots) {
        size_t nslots;
        id_slot *t = slots_make(in->ncommunes + 1, &nslots);
        char **v = realloc(in->communes, (2 * in->ncommunes + 16) * sizeof *v);
        if (v) in->communes = v;
        if (!t || !v) return free(t), -2;
        for (uint32_t i = 0; i < in->ncommunes; i++) {
            size_t len = strlen(in->communes[i]);
            slot_put(t, slot_of(t, nslots, in->communes[i], len), in->communes[i], len, i);
        }
        free(in->commune_slots);
        in->commune_slots = t, in->ncommune_slots = nslots;
    }
    size_t s = slot_of(in->commune_slots, in->ncommune_slots, name.p, name.len);
    if (in->commune_slots[s].index != URNE_MATCH_NONE) return (int32_t)in->commune_slots[s].index;
    char *copy = urne_span_dup(&in->arena, name);
    if (copy == NULL) return -2;
    in->communes[in->ncommunes] = copy;
    slot_put(in->commune_slots, s, copy, strlen(copy), (uint32_t)in->ncommunes);
    return (int32_t)in->ncommunes++;
}

/* Split s on `sep` into trimmed pieces; calls each(piece) and stops at its first -1. */
static urne_span piece_at(urne_span *rest, char sep) {
    size_t i = 0;
    while (i < rest->len && rest->p[i] != sep) i++;
    urne_span piece = urne_span_trim_padding((urne_span){rest->p, i, 0});
    while (piece.len && (piece.p[0] == ' ' || piece.p[0] == '\t')) piece.p++, piece.len--;
    while (piece.len && (piece.p[piece.len - 1] == ' ' || piece.p[piece.len - 1] == '\t')) piece.len--;
    *rest = i < rest->len ? (urne_span){rest->p + i + 1, rest->len - i - 1, 0} : (urne_span){rest->p + i, 0, 0};
    return piece;
}

/* Room for one more element in *v (of `size` bytes each, count n, room *cap). */
static int grow(void **v, size_t size, size_t n, size_t *cap) {
    if (n < *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 256;
    void *nv = realloc(*v, ncap * size);
    if (nv == NULL) return -1;
    *v = nv, *cap = ncap;
    return 0;
}

#define GROW(arr, n, cap) grow((void **)&(arr), sizeof *(arr), (n), &(cap))

/* Put every id in its table; an id met twice is an error at its second line. */
static int index_ids(urne_match_input *in, int hosts, urne_diags *d) {
    size_t n = hosts ? in->in.nhosts : in->in.npupils, nslots;
    id_slot *slots = slots_make(n, &nslots);
    if (slots == NULL) return -1;
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *id = hosts ? in->hosts[i].id : in->pupils[i].id;
        size_t s = slot_of(slots, nslots, id, strlen(id));
        if (slots[s].index == URNE_MATCH_NONE) {
            slot_put(slots, s, id, strlen(id), i);
            continue;
        }
        long first = hosts ? in->host_line[slots[s].index] : in->pupil_line[slots[s].index];
        if (hosts)
            urne_diags_add(d, URNE_DIAG_ERROR, in->host_line[i], "id", "duplicate-host", "host %s is already at line %ld",
                           id, first);
        else
            urne_diags_add(d, URNE_DIAG_ERROR, in->pupil_line[i], "id", "duplicate-pupil",
                           "pupil %s is already at line %ld", id, first);
        bad = -1;
    }
    if (hosts) in->host_slots = slots, in->nhost_slots = nslots;
    else in->pupil_slots = slots, in->npupil_slots = nslots;
    return bad;
}

/* One host's line into *h: 0, or -1 with the errors added. */
static int host_line(urne_match_input *in, const urne_span *cell, long ln, urne_match_host *h, urne_diags *d) {
    memset(h, 0, sizeof *h);
    int bad = 0;
    if ((h->commune = commune_index(in, cell[H_COMMUNE])) == -2) return -1;
    if (urne_span_blank(cell[H_ID])) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "id", "id-empty", "the host has no id");
        bad = -1;
    } else if (cell[H_ID].len > URNE_MATCH_ID_MAX) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "id", "id-too-long", "the id has %zu bytes; at most %d", cell[H_ID].len,
                       URNE_MATCH_ID_MAX);
        bad = -1;
    } else if ((h->id = urne_span_dup(&in->arena, cell[H_ID])) == NULL)
        return -1;
    if (parse_integer(cell[H_CAPACITY], ln, "capacity", 0, URNE_MATCH_PRIORITY_MAX, &h->capacity, d) < 0) bad = -1;
    if (!urne_span_blank(cell[H_RESERVED]) &&
        parse_integer(cell[H_RESERVED], ln, "reserved", 0, URNE_MATCH_PRIORITY_MAX, &h->reserved, d) < 0)
        bad = -1;
    else if (bad == 0 && h->reserved > h->capacity) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "reserved", "reserved-le-capacity",
                       "%lld places reserved, but the host has %lld", (long long)h->reserved, (long long)h->capacity);
        bad = -1;
    }
    for (urne_span rest = cell[H_WEEKS]; rest.len > 0;) {
        urne_span label = piece_at(&rest, '|');
        if (label.len == 0) continue;
        int bit = week_bit(in, label, ln, "weeks", d);
        if (bit < 0) return -1;
        h->weeks |= 1ULL << bit;
    }
    return bad;
}

static int read_hosts(urne_match_input *in, const char *buf, size_t len, urne_diags *d) {
    table t = {.names = host_cols, .ncols = NH, .nrequired = 2};
    if (table_open(&t, buf, len, d) < 0) return -1;
    size_t before = d->errors, cap = 0, lcap = 0;
    urne_span cell[NH];
    while (table_next(&t, cell)) {
        urne_match_host h;
        if (host_line(in, cell, t.it.lineno, &h, d) < 0) continue;
        if (GROW(in->hosts, in->in.nhosts, cap) < 0 || GROW(in->host_line, in->in.nhosts, lcap) < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, t.it.lineno, NULL, "memory", "out of memory reading the hosts");
            break;
        }
        in->host_line[in->in.nhosts] = t.it.lineno;
        in->hosts[in->in.nhosts++] = h;
    }
    urne_lines_free(&t.it);
    if (d->errors == before && in->in.nhosts == 0)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no host after the header line");
    if (index_ids(in, 1, d) < 0 && d->errors == before) /* every host named twice, even beside other faults */
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory reading the hosts");
    return d->errors == before ? 0 : -1;
}

/* A pupil's wishes, appended to in->wishes; stamp[] marks each host with the
 * line that last wished it, so that a repeated wish is found without a search. 0, or -1 with errors added. */
static int pupil_wishes(urne_match_input *in, urne_span list, long ln, uint32_t line_stamp, uint32_t *stamp,
                        size_t *nwishes_total, size_t *cap, size_t *count, urne_diags *d) {
    int bad = 0;
    *count = 0;
    for (urne_span rest = list; rest.len > 0;) {
        urne_span id = piece_at(&rest, '>');
        if (id.len == 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "wishes", "wish-empty", "an empty wish between two '>'");
            bad = -1;
            continue;
        }
        id.quoted = list.quoted;
        uint32_t h = find_id(in->host_slots, in->nhost_slots, id);
        if (h == URNE_MATCH_NONE) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "wishes", "unknown-host", "no host %.*s in the hosts file", (int)id.len,
                           id.p);
            bad = -1;
        } else if (stamp[h] == line_stamp) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "wishes", "repeated-wish", "host %.*s is wished twice", (int)id.len,
                           id.p);
            bad = -1;
        } else if (GROW(in->wishes, *nwishes_total, *cap) < 0)
            return -1;
        else {
            stamp[h] = line_stamp;
            in->wishes[(*nwishes_total)++] = h;
            (*count)++;
        }
    }
    return bad;
}

typedef struct pupil_read {
    uint32_t *stamp;
    size_t *wish_at;                 /* pupil -> its first wish in in->wishes */
    size_t nwishes, wcap, pcap, lcap, acap;
    size_t lotteries;                /* pupils whose line gave a lottery number */
} pupil_read;

/* One pupil's line. 0, or -1 with the errors added (-2: out of memory). */
static int pupil_line(urne_match_input *in, const urne_span *cell, long ln, pupil_read *r, urne_diags *d) {
    uint32_t p = (uint32_t)in->in.npupils;
    if (GROW(in->pupils, p, r->pcap) < 0 || GROW(in->pupil_line, p, r->lcap) < 0 || GROW(r->wish_at, p, r->acap) < 0)
        return -2;
    urne_match_pupil *pu = &in->pupils[p];
    memset(pu, 0, sizeof *pu);
    int bad = 0;
    if (urne_span_blank(cell[P_ID])) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "id", "id-empty", "the pupil has no id");
        bad = -1;
    } else if (cell[P_ID].len > URNE_MATCH_ID_MAX) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "id", "id-too-long", "the id has %zu bytes; at most %d", cell[P_ID].len,
                       URNE_MATCH_ID_MAX);
        bad = -1;
    } else if ((pu->id = urne_span_dup(&in->arena, cell[P_ID])) == NULL)
        return -2;
    r->wish_at[p] = r->nwishes;
    size_t count;
    int w = pupil_wishes(in, cell[P_WISHES], ln, (uint32_t)ln, r->stamp, &r->nwishes, &r->wcap, &count, d);
    if (w < 0) bad = -1;
    pu->nwishes = count;
    if (!urne_span_blank(cell[P_PRIORITY]) && parse_integer(cell[P_PRIORITY], ln, "priority", -URNE_MATCH_PRIORITY_MAX,
                                                          URNE_MATCH_PRIORITY_MAX, &pu->priority, d) < 0)
        bad = -1;
    if (!urne_span_blank(cell[P_LOTTERY])) {
        if (parse_integer(cell[P_LOTTERY], ln, "lottery", -INT64_MAX, INT64_MAX, &pu->lottery, d) < 0) bad = -1;
        r->lotteries++;
    }
    pu->week = -1;
    if ((pu->commune = commune_index(in, cell[P_COMMUNE])) == -2) return -2;
    if (!urne_span_blank(cell[P_WEEK]) && (pu->week = week_bit(in, urne_span_trim_padding(cell[P_WEEK]), ln, "week", d)) < 0)
        bad = -1;
    in->pupil_line[p] = ln;
    if (bad == 0) in->in.npupils++;
    return bad;
}

static int read_pupils(urne_match_input *in, const char *buf, size_t len, urne_diags *d) {
    table t = {.names = pupil_cols, .ncols = NP, .nrequired = 2};
    if (table_open(&t, buf, len, d) < 0) return -1;
    pupil_read r = {0};
    r.stamp = malloc((in->in.nhosts ? in->in.nhosts : 1) * sizeof *r.stamp);
    size_t before = d->errors, lines = 0;
    if (r.stamp) memset(r.stamp, 0xff, (in->in.nhosts ? in->in.nhosts : 1) * sizeof *r.stamp);
    urne_span cell[NP];
    while (r.stamp && table_next(&t, cell)) {
        lines++;
        if (pupil_line(in, cell, t.it.lineno, &r, d) == -2) {
            urne_diags_add(d, URNE_DIAG_ERROR, t.it.lineno, NULL, "memory", "out of memory reading the pupils");
            break;
        }
    }
    urne_lines_free(&t.it);
    if (r.stamp == NULL) urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory reading the pupils");
    if (d->errors == before && lines == 0)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no pupil after the header line");
    if (d->errors == before && t.col[P_LOTTERY] >= 0 && r.lotteries != in->in.npupils)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, "lottery", "lottery-all-or-none",
                       "%zu of %zu pupils have a lottery number; give one to every pupil, or none (drawn from the seed)",
                       r.lotteries, in->in.npupils);
    in->lottery_given = t.col[P_LOTTERY] >= 0;
    for (size_t p = 0; p < in->in.npupils; p++) in->pupils[p].wishes = in->wishes + r.wish_at[p];
    free(r.stamp), free(r.wish_at);
    if (index_ids(in, 0, d) < 0 && d->errors == before)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory reading the pupils");
    return d->errors == before ? 0 : -1;
}

typedef struct ranking {
    uint32_t host, pupil, rank;
    long line;
} ranking;

static int by_host_pupil(const void *a, const void *b) {
    const ranking *x = a, *y = b;
    if (x->host != y->host) return x->host < y->host ? -1 : 1;
    return (x->pupil > y->pupil) - (x->pupil < y->pupil);
}

/* The rankings, sorted by host then pupil, into each host's slices. */
static int place_rankings(urne_match_input *in, ranking *v, size_t n, urne_diags *d) {
    if (n) qsort(v, n, sizeof *v, by_host_pupil); /* v is NULL when no line was kept */
    in->ranked = malloc((n ? n : 1) * sizeof *in->ranked);
    in->ranks = malloc((n ? n : 1) * sizeof *in->ranks);
    if (!in->ranked || !in->ranks) return -1;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && v[i].host == v[i - 1].host && v[i].pupil == v[i - 1].pupil) {
            urne_diags_add(d, URNE_DIAG_ERROR, v[i].line, "pupil", "duplicate-ranking",
                           "host %s already ranks pupil %s (line %ld)", in->hosts[v[i].host].id,
                           in->pupils[v[i].pupil].id, v[i - 1].line);
            bad = -1;
        }
        urne_match_host *h = &in->hosts[v[i].host];
        if (!h->ranks_own) h->ranks_own = 1, h->ranked_pupils = in->ranked + i, h->ranks = in->ranks + i;
        in->ranked[i] = v[i].pupil, in->ranks[i] = v[i].rank;
        h->nranked++;
    }
    return bad;
}

static int read_rankings(urne_match_input *in, const char *buf, size_t len, urne_diags *d) {
    table t = {.names = ranking_cols, .ncols = NR, .nrequired = NR};
    if (table_open(&t, buf, len, d) < 0) return -1;
    ranking *v = NULL;
    size_t n = 0, cap = 0, before = d->errors;
    urne_span cell[NR];
    while (table_next(&t, cell)) {
        long ln = t.it.lineno;
        uint32_t h = find_id(in->host_slots, in->nhost_slots, cell[R_HOST]);
        uint32_t p = find_id(in->pupil_slots, in->npupil_slots, cell[R_PUPIL]);
        int64_t rank = 0;
        if (h == URNE_MATCH_NONE)
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "host", "unknown-host", "no host %.*s in the hosts file",
                           (int)cell[R_HOST].len, cell[R_HOST].p);
        if (p == URNE_MATCH_NONE)
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "pupil", "unknown-pupil", "no pupil %.*s in the pupils file",
                           (int)cell[R_PUPIL].len, cell[R_PUPIL].p);
        if (parse_integer(cell[R_RANK], ln, "rank", 0, URNE_MATCH_PRIORITY_MAX, &rank, d) < 0 || h == URNE_MATCH_NONE ||
            p == URNE_MATCH_NONE)
            continue;
        if (GROW(v, n, cap) < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, NULL, "memory", "out of memory reading the rankings");
            break;
        }
        v[n++] = (ranking){h, p, (uint32_t)rank, ln};
    }
    urne_lines_free(&t.it);
    if (place_rankings(in, v, n, d) < 0 && d->errors == before) /* ranked twice: said beside other faults too */
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory reading the rankings");
    free(v);
    return d->errors == before ? 0 : -1;
}

typedef struct distance_line {
    urne_match_distance d;
    long line;
} distance_line;

static int by_pair(const void *x, const void *y) {
    const distance_line *a = x, *b = y;
    if (a->d.a != b->d.a) return a->d.a < b->d.a ? -1 : 1;
    if (a->d.b != b->d.b) return a->d.b < b->d.b ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

/* The pairs sorted into in->distances; a pair given twice named at its second line. */
static int place_distances(urne_match_input *in, distance_line *v, size_t n, urne_diags *d) {
    if (n) qsort(v, n, sizeof *v, by_pair); /* v is NULL when no line was kept */
    in->distances = malloc((n ? n : 1) * sizeof *in->distances);
    if (in->distances == NULL) return -1;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && v[i].d.a == v[i - 1].d.a && v[i].d.b == v[i - 1].d.b)
            urne_diags_add(d, URNE_DIAG_ERROR, v[i].line, "commune_b", "duplicate-distance",
                           "the distance between %s and %s is already given at line %ld", in->communes[v[i].d.a],
                           in->communes[v[i].d.b], v[i - 1].line);
        in->distances[i] = v[i].d;
    }
    in->in.distances = in->distances, in->in.ndistances = n;
    return 0;
}

int urne_io_match_distances(urne_match_input *in, const char *buf, size_t len, urne_diags *d) {
    static const char *const cols[3] = {"commune_a", "commune_b", "km"};
    table t = {.names = cols, .ncols = 3, .nrequired = 3};
    if (table_open(&t, buf, len, d) < 0) return -1;
    size_t n = 0, cap = 0, before = d->errors;
    distance_line *v = NULL;
    urne_span cell[3];
    while (table_next(&t, cell)) {
        long ln = t.it.lineno;
        int64_t km;
        int32_t a = commune_index(in, cell[0]), b = commune_index(in, cell[1]);
        if (a == -1 || b == -1) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, a == -1 ? "commune_a" : "commune_b", "commune-empty",
                           "a commune is missing");
            continue;
        }
        if (parse_integer(cell[2], ln, "km", 0, URNE_MATCH_PRIORITY_MAX, &km, d) < 0) continue;
        if (a == -2 || b == -2 || GROW(v, n, cap) < 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, NULL, "memory", "out of memory reading the distances");
            break;
        }
        v[n++] = (distance_line){{(uint32_t)(a < b ? a : b), (uint32_t)(a < b ? b : a), km}, ln};
    }
    urne_lines_free(&t.it);
    if (place_distances(in, v, n, d) < 0)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory reading the distances");
    free(v);
    return d->errors == before ? 0 : -1;
}

void urne_match_input_free(urne_match_input *in) {
    free(in->communes), free(in->commune_slots), free(in->distances);
    free(in->hosts), free(in->pupils), free(in->host_line), free(in->pupil_line), free(in->wishes);
    free(in->ranked), free(in->ranks), free(in->host_slots), free(in->pupil_slots);
    urne_arena_free(&in->arena);
    memset(in, 0, sizeof *in);
}

int urne_io_match_read(const char *hosts, size_t hosts_len, urne_diags *hd, const char *pupils, size_t pupils_len,
                       urne_diags *pd, const char *rankings, size_t rankings_len, urne_diags *rd,
                       urne_match_input *out) {
    memset(out, 0, sizeof *out);
    urne_arena_init(&out->arena);
    int bad = read_hosts(out, hosts, hosts_len, hd);
    if (bad == 0) bad = read_pupils(out, pupils, pupils_len, pd);
    if (bad == 0 && rankings) bad = read_rankings(out, rankings, rankings_len, rd);
    if (bad < 0) {
        urne_match_input_free(out);
        return -1;
    }
    out->in.hosts = out->hosts, out->in.pupils = out->pupils, out->in.max_km = -1;
    return 0;
}

int urne_io_match_assignment(const urne_match_input *in, const char *buf, size_t len, uint32_t *host_of, int64_t *lottery,
                             urne_diags *d) {
    static const char *const cols[3] = {"pupil", "host", "lottery"};
    table t = {.names = cols, .ncols = 3, .nrequired = 2};
    if (table_open(&t, buf, len, d) < 0) return -1;
    size_t before = d->errors;
    for (size_t p = 0; p < in->in.npupils; p++) host_of[p] = URNE_MATCH_NONE;
    uint8_t *seen = calloc(in->in.npupils ? in->in.npupils : 1, 1);
    urne_span cell[3];
    size_t lotteries = 0;
    while (seen && table_next(&t, cell)) {
        long ln = t.it.lineno;
        uint32_t p = find_id(in->pupil_slots, in->npupil_slots, cell[0]);
        if (p == URNE_MATCH_NONE) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "pupil", "unknown-pupil", "no pupil %.*s in the pupils file",
                           (int)cell[0].len, cell[0].p);
            continue;
        }
        if (seen[p]++) {
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "pupil", "duplicate-pupil", "pupil %s is placed twice", in->pupils[p].id);
            continue;
        }
        if (lottery && !urne_span_blank(cell[2]) &&
            parse_integer(cell[2], ln, "lottery", -INT64_MAX, INT64_MAX, &lottery[p], d) == 0)
            lotteries++;
        if (urne_span_blank(cell[1])) continue;
        uint32_t h = find_id(in->host_slots, in->nhost_slots, cell[1]);
        if (h == URNE_MATCH_NONE)
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "host", "unknown-host", "no host %.*s in the hosts file",
                           (int)cell[1].len, cell[1].p);
        host_of[p] = h;
    }
    if (seen == NULL) urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory reading the assignment");
    free(seen);
    urne_lines_free(&t.it);
    if (d->errors != before) return -1;
    return lottery && lotteries == in->in.npupils ? 1 : 0;
}

int urne_io_match_rankings_given(const urne_match_input *in, const char *buf, size_t len, const uint8_t *given,
                                 urne_diags *d) {
    table t = {.names = ranking_cols, .ncols = NR, .nrequired = NR};
    if (table_open(&t, buf, len, d) < 0) return -1;
    uint8_t *said = calloc(in->in.nhosts ? in->in.nhosts : 1, 1);
    int bad = said ? 0 : -1;
    urne_span cell[NR];
    while (said && table_next(&t, cell)) {
        uint32_t h = find_id(in->host_slots, in->nhost_slots, cell[R_HOST]);
        if (h == URNE_MATCH_NONE || !given[h] || said[h]++) continue; /* each host once: its first line */
        urne_diags_add(d, URNE_DIAG_ERROR, t.it.lineno, "host", "host-ranked-already",
                       "host %s already ranks its applicants: its ranking was given before and stands", in->hosts[h].id);
        bad = -1;
    }
    if (said == NULL) urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory reading the rankings");
    free(said);
    urne_lines_free(&t.it);
    return bad;
}

int urne_io_match_rankings_first(const urne_match_input *in, const char *buf, size_t len, long *first, urne_diags *d) {
    table t = {.names = ranking_cols, .ncols = NR, .nrequired = NR};
    if (table_open(&t, buf, len, d) < 0) return -1;
    urne_span cell[NR];
    while (table_next(&t, cell)) {
        uint32_t h = find_id(in->host_slots, in->nhost_slots, cell[R_HOST]);
        if (h != URNE_MATCH_NONE && first[h] == 0) first[h] = t.it.lineno;
    }
    urne_lines_free(&t.it);
    return 0;
}

int urne_io_match_pupil_list(const urne_match_input *in, const char *buf, size_t len, uint8_t *flags, urne_diags *d) {
    static const char *const cols[1] = {"pupil"};
    table t = {.names = cols, .ncols = 1, .nrequired = 1};
    if (table_open(&t, buf, len, d) < 0) return -1;
    size_t before = d->errors;
    urne_span cell[1];
    while (table_next(&t, cell)) {
        uint32_t p = find_id(in->pupil_slots, in->npupil_slots, cell[0]);
        if (p == URNE_MATCH_NONE)
            urne_diags_add(d, URNE_DIAG_ERROR, t.it.lineno, "pupil", "unknown-pupil", "no pupil %.*s in the pupils file",
                           (int)cell[0].len, cell[0].p);
        else
            flags[p] = 1;
    }
    urne_lines_free(&t.it);
    return d->errors == before ? 0 : -1;
}

int urne_io_match_rows(const char *buf, size_t len,
                       int (*fn)(const char *const *names, const char *const *values, long n, void *ctx), void *ctx) {
    urne_diags d;
    urne_diags_init(&d, NULL);
    urne_lines it;
    if (urne_parse_open(buf, len, URNE_ENC_AUTO, &it, &d) < 0) return urne_diags_free(&d), -1;
    urne_diags_free(&d);
    urne_arena header, row;
    urne_arena_init(&header);
    urne_arena_init(&row);
    const char *names[URNE_MAX_FIELDS], *values[URNE_MAX_FIELDS];
    long nnames = -1;
    char sep = ',';
    int stop = 0;
    urne_span line, f[URNE_MAX_FIELDS];
    while (!stop && urne_lines_next(&it, &line)) {
        if (urne_span_blank(line) || line.p[0] == '#') continue;
        if (nnames < 0) sep = urne_parse_header_separator(line);
        long nf = urne_fields_split(line, sep, f, URNE_MAX_FIELDS);
        if (nf < 0 || nf > URNE_MAX_FIELDS) return urne_lines_free(&it), urne_arena_free(&header), urne_arena_free(&row), -1;
        urne_arena *a = nnames < 0 ? &header : &row;
        const char **into = nnames < 0 ? names : values;
        for (long i = 0; i < nf; i++)
            if ((into[i] = urne_span_dup(a, f[i])) == NULL) stop = -1;
        if (nnames < 0) {
            nnames = nf;
            continue;
        }
        if (!stop) stop = fn(names, values, nf < nnames ? nf : nnames, ctx);
        urne_arena_free(&row);
        urne_arena_init(&row);
    }
    urne_lines_free(&it);
    urne_arena_free(&header);
    urne_arena_free(&row);
    return stop;
}
