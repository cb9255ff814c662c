/*
 * sortition_io: reading quotas and pool. See sortition_io.h.
 */
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "parse_common.h"
#include "sortition_io.h"

#define RULE_QUOTA "quota-format"
#define RULE_POOL "pool-format"
#define MAXF URNE_SORTITION_MAX_FEATURES

static urne_span trim(urne_span s) {
    while (s.len && (*s.p == ' ' || *s.p == '\t')) s.p++, s.len--;
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t')) s.len--;
    return s;
}

static int same_nocase(urne_span a, const char *b) {
    return strlen(b) == a.len && strncasecmp(a.p, b, a.len) == 0;
}

static char sep_of(urne_span line) {
    size_t semis = 0, commas = 0;
    for (size_t i = 0; i < line.len; i++) semis += line.p[i] == ';', commas += line.p[i] == ',';
    return semis > commas ? ';' : ',';
}

/* The quotas' columns, in the order of their names. */
enum { Q_CATEGORY, Q_FEATURE, Q_MIN, Q_MAX, Q_MIN_FLEX, Q_MAX_FLEX, Q_COLUMNS };
static const char *const quota_columns[Q_COLUMNS] = {"category", "feature", "min", "max", "min_flex", "max_flex"};

#define MAX_CATEGORIES 16

/* One quota row, read and checked. */
typedef struct quota_row {
    urne_span cat, feat;
    int64_t min, max, min_flex, max_flex;
} quota_row;

/* The pool's per-category arrays, room for MAX_CATEGORIES. 0, or -1 when out of memory. */
static int quota_arrays(urne_pool *p) {
    size_t cap = MAX_CATEGORIES;
    p->cat_names = urne_arena_alloc(&p->arena, cap * sizeof *p->cat_names);
    p->nfeat = urne_arena_alloc(&p->arena, cap * sizeof *p->nfeat);
    p->feat_names = urne_arena_alloc(&p->arena, cap * sizeof *p->feat_names);
    p->min = urne_arena_alloc(&p->arena, cap * sizeof *p->min);
    p->max = urne_arena_alloc(&p->arena, cap * sizeof *p->max);
    p->min_flex = urne_arena_alloc(&p->arena, cap * sizeof *p->min_flex);
    p->max_flex = urne_arena_alloc(&p->arena, cap * sizeof *p->max_flex);
    return p->cat_names && p->nfeat && p->feat_names && p->min && p->max && p->min_flex && p->max_flex ? 0 : -1;
}

/* The header: where each column is (-1: absent) and the separator. A missing
 * required column is reported. */
static void quota_header(urne_span line, long *col, char *sep, long ln, urne_diags *d) {
    urne_span f[16];
    *sep = sep_of(line);
    long n = urne_fields_split(line, *sep, f, 16);
    for (long i = 0; i < n && i < 16; i++)
        for (int k = 0; k < Q_COLUMNS; k++)
            if (same_nocase(trim(f[i]), quota_columns[k])) col[k] = i;
    for (int k = 0; k <= Q_MAX; k++)
        if (col[k] < 0)
            urne_diags_add(d, URNE_DIAG_ERROR, ln, quota_columns[k], URNE_RULE_HEADER,
                           "the quotas need a '%s' column (category,feature,min,max)", quota_columns[k]);
}

/* A row into q. 0, or -1 when it is wrong (reported). */
static int quota_row_read(urne_span line, char sep, const long *col, long ln, quota_row *q, urne_diags *d) {
    urne_span f[16];
    long n = urne_fields_split(line, sep, f, 16);
    if (n <= col[Q_MAX] || n <= col[Q_MIN] || n <= col[Q_FEATURE] || n <= col[Q_CATEGORY]) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT, "%ld fields: a quota row is "
                       "category,feature,min,max", n);
        return -1;
    }
    urne_span cat = q->cat = trim(f[col[Q_CATEGORY]]), feat = q->feat = trim(f[col[Q_FEATURE]]);
    int64_t mn, mx;
    if (urne_parse_count(f[col[Q_MIN]], ln, "min", &mn, d) || urne_parse_count(f[col[Q_MAX]], ln, "max", &mx, d))
        return -1;
    int64_t fmn = 0, fmx = INT64_MAX; /* flex bounds not given: the quota may not be relaxed */
    if (col[Q_MIN_FLEX] >= 0 && col[Q_MIN_FLEX] < n && !urne_span_blank(f[col[Q_MIN_FLEX]]) &&
        urne_parse_count(f[col[Q_MIN_FLEX]], ln, "min_flex", &fmn, d))
        return -1;
    if (col[Q_MAX_FLEX] >= 0 && col[Q_MAX_FLEX] < n && !urne_span_blank(f[col[Q_MAX_FLEX]]) &&
        urne_parse_count(f[col[Q_MAX_FLEX]], ln, "max_flex", &fmx, d))
        return -1;
    if (fmn > mn || fmx < mx) {
        if (fmn > mn)
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "min_flex", RULE_QUOTA,
                           "%.*s/%.*s: min_flex %lld is above min %lld (the flex bounds say how far the quota may "
                           "be relaxed)",
                           (int)cat.len, cat.p, (int)feat.len, feat.p, (long long)fmn, (long long)mn);
        else
            urne_diags_add(d, URNE_DIAG_ERROR, ln, "max_flex", RULE_QUOTA,
                           "%.*s/%.*s: max_flex %lld is below max %lld (the flex bounds say how far the quota may "
                           "be relaxed)",
                           (int)cat.len, cat.p, (int)feat.len, feat.p, (long long)fmx, (long long)mx);
        return -1;
    }
    if (mn > mx) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "min", RULE_QUOTA, "%.*s/%.*s: min %lld is above max %lld",
                       (int)cat.len, cat.p, (int)feat.len, feat.p, (long long)mn, (long long)mx);
        return -1;
    }
    if (cat.len == 0 || feat.len == 0) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, cat.len ? "feature" : "category", RULE_QUOTA, "is empty");
        return -1;
    }
    q->min = mn, q->max = mx, q->min_flex = fmn, q->max_flex = fmx;
    return 0;
}

/* The index of the category named `cat` in *c, added when new: 0; 1 when there is no
 * room for another (reported); -1 when out of memory. */
static int quota_category(urne_pool *p, urne_span cat, long ln, urne_diags *d, size_t *c) {
    *c = 0;
    while (*c < p->ncat && !same_nocase(cat, p->cat_names[*c])) (*c)++;
    if (*c < p->ncat) return 0;
    if (p->ncat == MAX_CATEGORIES) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "category", RULE_QUOTA, "more than %zu categories",
                       (size_t)MAX_CATEGORIES);
        return 1;
    }
    size_t k = *c;
    p->cat_names[k] = urne_arena_strndup(&p->arena, cat.p, cat.len);
    p->feat_names[k] = urne_arena_alloc(&p->arena, MAXF * sizeof(char *));
    p->min[k] = urne_arena_alloc(&p->arena, MAXF * sizeof(int64_t));
    p->max[k] = urne_arena_alloc(&p->arena, MAXF * sizeof(int64_t));
    p->min_flex[k] = urne_arena_alloc(&p->arena, MAXF * sizeof(int64_t));
    p->max_flex[k] = urne_arena_alloc(&p->arena, MAXF * sizeof(int64_t));
    if (!p->cat_names[k] || !p->feat_names[k] || !p->min[k] || !p->max[k] || !p->min_flex[k] || !p->max_flex[k])
        return -1;
    p->nfeat[k] = 0;
    p->ncat++;
    return 0;
}

/* A checked row into the pool's quotas: 0 (added, or refused and reported), or -1
 * when out of memory. */
static int quota_add(urne_pool *p, const quota_row *q, long ln, urne_diags *d) {
    size_t c;
    int rc = quota_category(p, q->cat, ln, d, &c);
    if (rc != 0) return rc < 0 ? -1 : 0;
    size_t k = 0;
    while (k < p->nfeat[c] && !same_nocase(q->feat, p->feat_names[c][k])) k++;
    if (k < p->nfeat[c]) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "feature", RULE_QUOTA, "%s/%.*s has two quota rows", p->cat_names[c],
                       (int)q->feat.len, q->feat.p);
        return 0;
    }
    if (k == MAXF) {
        urne_diags_add(d, URNE_DIAG_ERROR, ln, "feature", RULE_QUOTA, "more than %d features", MAXF);
        return 0;
    }
    if ((p->feat_names[c][k] = urne_arena_strndup(&p->arena, q->feat.p, q->feat.len)) == NULL) return -1;
    p->min[c][k] = q->min;
    p->max[c][k] = q->max;
    p->min_flex[c][k] = q->min_flex;
    p->max_flex[c][k] = q->max_flex;
    p->nfeat[c]++;
    return 0;
}

/* Quotas: grow categories and features as rows come. */
static int read_quotas(const char *buf, size_t len, urne_encoding enc, urne_pool *p, urne_diags *d) {
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, d) != 0) return -1;
    urne_span line;
    long col[Q_COLUMNS] = {-1, -1, -1, -1, -1, -1};
    char sep = ',';
    int header = 0;
    if (quota_arrays(p) != 0) goto oom;
    while (urne_lines_next(&it, &line)) {
        if (urne_span_blank(line)) continue;
        if (!header) {
            quota_header(line, col, &sep, it.lineno, d);
            if (d->errors) break;
            header = 1;
            continue;
        }
        quota_row q;
        if (quota_row_read(line, sep, col, it.lineno, &q, d) != 0) continue;
        if (quota_add(p, &q, it.lineno, d) != 0) goto oom;
    }
    if (d->errors == 0 && p->ncat == 0)
        urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no quota row");
    urne_lines_free(&it);
    return d->errors ? -1 : 0;
oom:
    urne_lines_free(&it);
    urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    return -1;
}

typedef struct keyed {
    const char *key;
    size_t i;
} keyed;

static int by_key(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->i < y->i ? -1 : 1);
}

/* Volunteers whose address columns are equal (trimmed, case-insensitively) and not all
 * empty share a household; those of two or more get an index. 0 or -1 (memory). */
static int group_households(urne_pool *p, const char **keys) {
    keyed *k = malloc((p->n ? p->n : 1) * sizeof *k);
    p->household = malloc((p->n ? p->n : 1) * sizeof *p->household);
    if (!k || !p->household) {
        free(k);
        return -1;
    }
    for (size_t i = 0; i < p->n; i++) k[i].key = keys[i], k[i].i = i, p->household[i] = URNE_NO_HOUSEHOLD;
    qsort(k, p->n, sizeof *k, by_key);
    p->nhouseholds = 0;
    for (size_t i = 0; i < p->n;) {
        size_t j = i + 1;
        while (j < p->n && strcmp(k[j].key, k[i].key) == 0) j++;
        if (j - i >= 2 && k[i].key[0] != '\0') {
            for (size_t m = i; m < j; m++) p->household[k[m].i] = (uint32_t)p->nhouseholds;
            p->nhouseholds++;
        }
        i = j;
    }
    free(k);
    return 0;
}

/* The address of a row: its household columns, trimmed, lower case, joined by 0x1F. */
static char *address_key(urne_arena *a, const urne_span *f, const long *cols, size_t ncols) {
    size_t len = 0;
    for (size_t c = 0; c < ncols; c++) len += trim(f[cols[c]]).len + 1;
    char *key = urne_arena_alloc(a, len + 1), *w = key;
    if (key == NULL) return NULL;
    int any = 0;
    for (size_t c = 0; c < ncols; c++) {
        urne_span v = trim(f[cols[c]]);
        for (size_t i = 0; i < v.len; i++) *w++ = (char)tolower((unsigned char)v.p[i]);
        if (v.len) any = 1;
        if (c + 1 < ncols) *w++ = 0x1f;
    }
    *w = '\0';
    if (!any) key[0] = '\0';
    return key;
}

#define MAX_HOUSEHOLD_COLUMNS 8

#define MAX_POOL_FIELDS 1024

/* What read_pool keeps while it reads the pool's rows. */
typedef struct pool_reader {
    urne_pool *p;
    urne_diags *d;
    urne_span *f;        /* the fields of the line being read: MAX_POOL_FIELDS */
    long *cat_col;       /* ncat: each category's column */
    long id_col, ncols;  /* the id column (-1: ids are row numbers); columns of the header */
    long hh_col[MAX_HOUSEHOLD_COLUMNS];
    size_t nhh;          /* household columns */
    size_t cap;          /* rows the pool's arrays (and keys) hold */
    size_t *seen;        /* ncat x MAXF: how many volunteers have each feature */
    const char **keys;   /* each volunteer's address (address_key); NULL when households are not asked */
    char sep;
} pool_reader;

/* The columns --households names (COL,COL,...) into r->hh_col; a missing one is
 * reported. */
static void household_columns(pool_reader *r, const char *households, long n, long ln) {
    for (const char *h = households; h && *h;) {
        const char *comma = strchr(h, ',');
        urne_span name = {h, comma ? (size_t)(comma - h) : strlen(h), 0};
        name = trim(name);
        long col = -1;
        for (long i = 0; i < n && i < MAX_POOL_FIELDS; i++)
            if (trim(r->f[i]).len == name.len && strncasecmp(trim(r->f[i]).p, name.p, name.len) == 0) col = i;
        if (col < 0)
            urne_diags_add(r->d, URNE_DIAG_ERROR, ln, "households", URNE_RULE_HEADER,
                           "the pool has no column '%.*s' (named by --households)", (int)name.len, name.p);
        else if (r->nhh == MAX_HOUSEHOLD_COLUMNS)
            urne_diags_add(r->d, URNE_DIAG_ERROR, ln, "households", URNE_RULE_HEADER, "more than %d household columns",
                           MAX_HOUSEHOLD_COLUMNS);
        else
            r->hh_col[r->nhh++] = col;
        h = comma ? comma + 1 : h + strlen(h);
    }
}

/* The header: the separator, and the columns of the categories, the id and the
 * households (a missing one reported). */
static void pool_header(pool_reader *r, urne_span line, const char *id_column, const char *households, long ln) {
    urne_pool *p = r->p;
    r->sep = p->sep = sep_of(line);
    long n = r->ncols = urne_fields_split(line, r->sep, r->f, MAX_POOL_FIELDS);
    for (size_t c = 0; c < p->ncat; c++) {
        r->cat_col[c] = -1;
        for (long i = 0; i < n && i < MAX_POOL_FIELDS; i++)
            if (same_nocase(trim(r->f[i]), p->cat_names[c])) r->cat_col[c] = i;
        if (r->cat_col[c] < 0)
            urne_diags_add(r->d, URNE_DIAG_ERROR, ln, p->cat_names[c], URNE_RULE_HEADER,
                           "the pool has no column '%s', a category of the quotas", p->cat_names[c]);
    }
    for (long i = 0; i < n && i < MAX_POOL_FIELDS; i++)
        if (same_nocase(trim(r->f[i]), id_column ? id_column : "id")) r->id_col = i;
    if (id_column && r->id_col < 0)
        urne_diags_add(r->d, URNE_DIAG_ERROR, ln, id_column, URNE_RULE_HEADER, "the pool has no column '%s'",
                       id_column);
    household_columns(r, households, n, ln);
}

/* Room for twice as many rows. 0, or -1 when out of memory (what was grown is kept,
 * and freed with the pool). */
static int pool_grow(pool_reader *r) {
    urne_pool *p = r->p;
    r->cap *= 2;
    uint32_t *nf = realloc(p->feature, r->cap * p->ncat * sizeof *nf);
    if (nf) p->feature = nf;
    const char **ni = realloc(p->ids, r->cap * sizeof *ni);
    if (ni) p->ids = ni;
    const char **nl = realloc(p->lines, r->cap * sizeof *nl);
    if (nl) p->lines = nl;
    const char **nk = r->keys ? realloc(r->keys, r->cap * sizeof *nk) : NULL;
    if (nk) r->keys = nk;
    return !nf || !ni || !nl || (r->keys && !nk) ? -1 : 0;
}

/* A volunteer's features, one per category, from the fields in r->f. 0, or -1 when
 * a value is no feature of the quotas (each such value reported). */
static int pool_features(pool_reader *r, long ln) {
    urne_pool *p = r->p;
    int bad = 0;
    for (size_t c = 0; c < p->ncat; c++) {
        urne_span v = trim(r->f[r->cat_col[c]]);
        size_t k = 0;
        while (k < p->nfeat[c] && !same_nocase(v, p->feat_names[c][k])) k++;
        if (k == p->nfeat[c]) {
            urne_diags_add(r->d, URNE_DIAG_ERROR, ln, p->cat_names[c], "unknown-feature",
                           "'%.*s' is not a feature of '%s' in the quotas", (int)v.len, v.p, p->cat_names[c]);
            bad = 1;
            continue;
        }
        p->feature[p->n * p->ncat + c] = (uint32_t)k;
        r->seen[c * MAXF + k]++;
    }
    return bad ? -1 : 0;
}

/* A row after the header: one more volunteer, or an error reported. 0, or -1 when
 * out of memory. */
static int pool_row(pool_reader *r, urne_span line, long ln) {
    urne_pool *p = r->p;
    long n = urne_fields_split(line, r->sep, r->f, MAX_POOL_FIELDS);
    if (n != r->ncols) {
        urne_diags_add(r->d, URNE_DIAG_ERROR, ln, NULL, URNE_RULE_FIELD_COUNT, "%ld fields, but the header has %ld",
                       n, r->ncols);
        return 0;
    }
    if (p->n == r->cap && pool_grow(r) != 0) return -1;
    if (pool_features(r, ln) != 0) return 0;
    char idbuf[32];
    if (r->id_col >= 0) {
        urne_span v = trim(r->f[r->id_col]);
        p->ids[p->n] = urne_arena_strndup(&p->arena, v.p, v.len);
    } else {
        snprintf(idbuf, sizeof idbuf, "%zu", p->n + 1);
        p->ids[p->n] = urne_arena_strdup(&p->arena, idbuf);
    }
    p->lines[p->n] = urne_arena_strndup(&p->arena, line.p, line.len);
    if (p->ids[p->n] == NULL || p->lines[p->n] == NULL) return -1;
    if (r->keys && (r->keys[p->n] = address_key(&p->arena, r->f, r->hh_col, r->nhh)) == NULL) return -1;
    p->n++;
    return 0;
}

/* After the last row: quotas for features nobody has (to qd: they are the quotas'
 * fault), ids given twice, an empty pool. */
static void pool_check(const pool_reader *r, int header, urne_diags *qd) {
    const urne_pool *p = r->p;
    for (size_t c = 0; header && c < p->ncat; c++)
        for (size_t k = 0; k < p->nfeat[c]; k++) {
            if (r->seen[c * MAXF + k] != 0) continue;
            if (p->min[c][k] > 0)
                urne_diags_add(qd, URNE_DIAG_ERROR, 0, p->cat_names[c], "unused-feature",
                               "no volunteer has %s/%s, whose minimum is above 0", p->cat_names[c], p->feat_names[c][k]);
            else
                urne_diags_add(qd, URNE_DIAG_WARNING, 0, p->cat_names[c], "unused-feature", "no volunteer has %s/%s",
                               p->cat_names[c], p->feat_names[c][k]);
        }
    if (r->id_col >= 0) /* duplicate ids: quadratic in the worst case, over pools of thousands */
        for (size_t i = 0; i < p->n; i++)
            for (size_t j = i + 1; j < p->n; j++)
                if (strcmp(p->ids[i], p->ids[j]) == 0) {
                    urne_diags_add(r->d, URNE_DIAG_ERROR, 0, "id", "duplicate-id", "id '%s' appears twice",
                                   p->ids[i]);
                    break;
                }
    if (r->d->errors == 0 && p->n == 0) urne_diags_add(r->d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no volunteer");
}

static int read_pool(const char *buf, size_t len, urne_encoding enc, const char *id_column, const char *households,
                     urne_pool *p, urne_diags *d, urne_diags *qd) {
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, d) != 0) return -1;
    pool_reader r = {.p = p, .d = d, .id_col = -1, .cap = 1024, .sep = ','};
    r.f = malloc(MAX_POOL_FIELDS * sizeof *r.f);
    r.cat_col = malloc(p->ncat * sizeof *r.cat_col);
    r.seen = calloc(p->ncat * MAXF, sizeof *r.seen);
    r.keys = households ? malloc(r.cap * sizeof *r.keys) : NULL;
    p->feature = malloc(r.cap * p->ncat * sizeof *p->feature);
    p->ids = malloc(r.cap * sizeof *p->ids);
    p->lines = malloc(r.cap * sizeof *p->lines);
    int header = 0, rc = -1;
    urne_span line;
    if (!r.f || !r.cat_col || !r.seen || !p->feature || !p->ids || !p->lines || (households && !r.keys)) goto oom;
    while (urne_lines_next(&it, &line)) {
        if (urne_span_blank(line)) continue;
        if (header) {
            if (pool_row(&r, line, it.lineno) != 0) goto oom;
            continue;
        }
        pool_header(&r, line, id_column, households, it.lineno);
        if (d->errors) break;
        p->header = urne_arena_strndup(&p->arena, line.p, line.len);
        p->ids_from_rows = r.id_col < 0;
        if (p->header == NULL) goto oom;
        header = 1;
    }
    pool_check(&r, header, qd);
    if (r.keys && d->errors == 0 && group_households(p, r.keys) != 0) goto oom;
    rc = d->errors || qd->errors ? -1 : 0;
    goto done;
oom:
    urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
done:
    free(r.f), free(r.cat_col), free(r.seen), free(r.keys);
    urne_lines_free(&it);
    return rc;
}

int urne_io_parse_sortition(const char *pool_buf, size_t pool_len, const char *quota_buf, size_t quota_len,
                            urne_encoding enc, const char *id_column, const char *households, urne_pool *out,
                            urne_diags *pool_diags, urne_diags *quota_diags) {
    memset(out, 0, sizeof *out);
    urne_arena_init(&out->arena);
    int rc = read_quotas(quota_buf, quota_len, enc, out, quota_diags);
    if (rc == 0) rc = read_pool(pool_buf, pool_len, enc, id_column, households, out, pool_diags, quota_diags);
    if (rc == 0 && urne_pool_types(out) != 0) {
        urne_diags_add(pool_diags, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
        rc = -1;
    }
    if (rc != 0) urne_pool_free(out);
    return rc;
}
