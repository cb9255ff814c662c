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

/* Quotas: grow categories and features as rows come. */
static int read_quotas(const char *buf, size_t len, urne_encoding enc, urne_pool *p, urne_diags *d) {
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, d) != 0) return -1;
    urne_span line, f[16];
    long col[6] = {-1, -1, -1, -1, -1, -1}; /* category, feature, min, max, min_flex, max_flex */
    static const char *const names[6] = {"category", "feature", "min", "max", "min_flex", "max_flex"};
    char sep = ',';
    int header = 0;
    size_t cap = 16;
    p->cat_names = urne_arena_alloc(&p->arena, cap * sizeof *p->cat_names);
    p->nfeat = urne_arena_alloc(&p->arena, cap * sizeof *p->nfeat);
    p->feat_names = urne_arena_alloc(&p->arena, cap * sizeof *p->feat_names);
    p->min = urne_arena_alloc(&p->arena, cap * sizeof *p->min);
    p->max = urne_arena_alloc(&p->arena, cap * sizeof *p->max);
    p->min_flex = urne_arena_alloc(&p->arena, cap * sizeof *p->min_flex);
    p->max_flex = urne_arena_alloc(&p->arena, cap * sizeof *p->max_flex);
    if (!p->cat_names || !p->nfeat || !p->feat_names || !p->min || !p->max || !p->min_flex || !p->max_flex) goto oom;
    while (urne_lines_next(&it, &line)) {
        if (urne_span_blank(line)) continue;
        if (!header) {
            sep = sep_of(line);
            long n = urne_fields_split(line, sep, f, 16);
            for (long i = 0; i < n && i < 16; i++)
                for (int k = 0; k < 6; k++)
                    if (same_nocase(trim(f[i]), names[k])) col[k] = i;
            for (int k = 0; k < 4; k++)
                if (col[k] < 0)
                    urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, names[k], URNE_RULE_HEADER,
                                   "the quotas need a '%s' column (category,feature,min,max)", names[k]);
            if (d->errors) break;
            header = 1;
            continue;
        }
        long n = urne_fields_split(line, sep, f, 16);
        if (n <= col[3] || n <= col[2] || n <= col[1] || n <= col[0]) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, NULL, URNE_RULE_FIELD_COUNT, "%ld fields: a quota row is "
                           "category,feature,min,max", n);
            continue;
        }
        urne_span cat = trim(f[col[0]]), feat = trim(f[col[1]]);
        int64_t mn, mx;
        if (urne_parse_count(f[col[2]], it.lineno, "min", &mn, d) || urne_parse_count(f[col[3]], it.lineno, "max", &mx, d))
            continue;
        int64_t fmn = 0, fmx = INT64_MAX;
        if (col[4] >= 0 && col[4] < n && !urne_span_blank(f[col[4]]) &&
            urne_parse_count(f[col[4]], it.lineno, "min_flex", &fmn, d))
            continue;
        if (col[5] >= 0 && col[5] < n && !urne_span_blank(f[col[5]]) &&
            urne_parse_count(f[col[5]], it.lineno, "max_flex", &fmx, d))
            continue;
        if (fmn > mn || fmx < mx) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, fmn > mn ? "min_flex" : "max_flex", RULE_QUOTA,
                           "%.*s/%.*s: %s %lld is %s %s %lld (the flex bounds say how far the quota may be relaxed)",
                           (int)cat.len, cat.p, (int)feat.len, feat.p, fmn > mn ? "min_flex" : "max_flex",
                           (long long)(fmn > mn ? fmn : fmx), fmn > mn ? "above" : "below", fmn > mn ? "min" : "max",
                           (long long)(fmn > mn ? mn : mx));
            continue;
        }
        if (mn > mx) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, "min", RULE_QUOTA, "%.*s/%.*s: min %lld is above max %lld",
                           (int)cat.len, cat.p, (int)feat.len, feat.p, (long long)mn, (long long)mx);
            continue;
        }
        if (cat.len == 0 || feat.len == 0) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, cat.len ? "feature" : "category", RULE_QUOTA, "is empty");
            continue;
        }
        size_t c = 0;
        while (c < p->ncat && !same_nocase(cat, p->cat_names[c])) c++;
        if (c == p->ncat) {
            if (p->ncat == cap) {
                urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, "category", RULE_QUOTA, "more than %zu categories", cap);
                continue;
            }
            p->cat_names[c] = urne_arena_strndup(&p->arena, cat.p, cat.len);
            p->feat_names[c] = urne_arena_alloc(&p->arena, MAXF * sizeof(char *));
            p->min[c] = urne_arena_alloc(&p->arena, MAXF * sizeof(int64_t));
            p->max[c] = urne_arena_alloc(&p->arena, MAXF * sizeof(int64_t));
            p->min_flex[c] = urne_arena_alloc(&p->arena, MAXF * sizeof(int64_t));
            p->max_flex[c] = urne_arena_alloc(&p->arena, MAXF * sizeof(int64_t));
            if (!p->cat_names[c] || !p->feat_names[c] || !p->min[c] || !p->max[c] || !p->min_flex[c] || !p->max_flex[c])
                goto oom;
            p->nfeat[c] = 0;
            p->ncat++;
        }
        size_t k = 0;
        while (k < p->nfeat[c] && !same_nocase(feat, p->feat_names[c][k])) k++;
        if (k < p->nfeat[c]) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, "feature", RULE_QUOTA, "%s/%.*s has two quota rows",
                           p->cat_names[c], (int)feat.len, feat.p);
            continue;
        }
        if (k == MAXF) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, "feature", RULE_QUOTA, "more than %d features", MAXF);
            continue;
        }
        if ((p->feat_names[c][k] = urne_arena_strndup(&p->arena, feat.p, feat.len)) == NULL) goto oom;
        p->min[c][k] = mn;
        p->max[c][k] = mx;
        p->min_flex[c][k] = fmn;
        p->max_flex[c][k] = fmx;
        p->nfeat[c]++;
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

static int read_pool(const char *buf, size_t len, urne_encoding enc, const char *id_column, const char *households,
                     urne_pool *p, urne_diags *d, urne_diags *qd) {
    urne_lines it;
    if (urne_parse_open(buf, len, enc, &it, d) != 0) return -1;
    urne_span line, *f = malloc(1024 * sizeof *f);
    long *cat_col = malloc(p->ncat * sizeof *cat_col), id_col = -1, ncols = 0;
    size_t cap = 1024;
    char sep = ',';
    int header = 0;
    size_t *seen = calloc(p->ncat * MAXF, sizeof *seen);
    p->feature = malloc(cap * p->ncat * sizeof *p->feature);
    p->ids = malloc(cap * sizeof *p->ids);
    p->lines = malloc(cap * sizeof *p->lines);
    const char **keys = households ? malloc(cap * sizeof *keys) : NULL;
    long hh_col[MAX_HOUSEHOLD_COLUMNS];
    size_t nhh = 0;
    if (!f || !cat_col || !seen || !p->feature || !p->ids || !p->lines || (households && !keys)) goto oom;
    while (urne_lines_next(&it, &line)) {
        if (urne_span_blank(line)) continue;
        long n = urne_fields_split(line, sep_of(line), f, 1024);
        if (!header) {
            sep = sep_of(line);
            p->sep = sep;
            n = urne_fields_split(line, sep, f, 1024);
            ncols = n;
            for (size_t c = 0; c < p->ncat; c++) {
                cat_col[c] = -1;
                for (long i = 0; i < n && i < 1024; i++)
                    if (same_nocase(trim(f[i]), p->cat_names[c])) cat_col[c] = i;
                if (cat_col[c] < 0)
                    urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, p->cat_names[c], URNE_RULE_HEADER,
                                   "the pool has no column '%s', a category of the quotas", p->cat_names[c]);
            }
            for (long i = 0; i < n && i < 1024; i++)
                if (same_nocase(trim(f[i]), id_column ? id_column : "id")) id_col = i;
            if (id_column && id_col < 0)
                urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, id_column, URNE_RULE_HEADER, "the pool has no column '%s'",
                               id_column);
            for (const char *h = households; h && *h;) { /* COL,COL,... */
                const char *comma = strchr(h, ',');
                urne_span name = {h, comma ? (size_t)(comma - h) : strlen(h), 0};
                name = trim(name);
                long col = -1;
                for (long i = 0; i < n && i < 1024; i++)
                    if (trim(f[i]).len == name.len && strncasecmp(trim(f[i]).p, name.p, name.len) == 0) col = i;
                if (col < 0 || nhh == MAX_HOUSEHOLD_COLUMNS)
                    urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, "households", URNE_RULE_HEADER,
                                   col < 0 ? "the pool has no column '%.*s' (named by --households)"
                                           : "more than %d household columns",
                                   col < 0 ? (int)name.len : MAX_HOUSEHOLD_COLUMNS, name.p);
                else
                    hh_col[nhh++] = col;
                h = comma ? comma + 1 : h + strlen(h);
            }
            if (d->errors) break;
            p->header = urne_arena_strndup(&p->arena, line.p, line.len);
            p->ids_from_rows = id_col < 0;
            if (p->header == NULL) goto oom;
            header = 1;
            continue;
        }
        n = urne_fields_split(line, sep, f, 1024);
        if (n != ncols) {
            urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, NULL, URNE_RULE_FIELD_COUNT,
                           "%ld fields, but the header has %ld", n, ncols);
            continue;
        }
        if (p->n == cap) {
            cap *= 2;
            uint32_t *nf = realloc(p->feature, cap * p->ncat * sizeof *nf);
            if (nf) p->feature = nf;
            const char **ni = realloc(p->ids, cap * sizeof *ni);
            if (ni) p->ids = ni;
            const char **nl = realloc(p->lines, cap * sizeof *nl);
            if (nl) p->lines = nl;
            const char **nk = keys ? realloc(keys, cap * sizeof *nk) : NULL;
            if (nk) keys = nk;
            if (!nf || !ni || !nl || (keys && !nk)) goto oom;
        }
        int bad = 0;
        for (size_t c = 0; c < p->ncat; c++) {
            urne_span v = trim(f[cat_col[c]]);
            size_t k = 0;
            while (k < p->nfeat[c] && !same_nocase(v, p->feat_names[c][k])) k++;
            if (k == p->nfeat[c]) {
                urne_diags_add(d, URNE_DIAG_ERROR, it.lineno, p->cat_names[c], "unknown-feature",
                               "'%.*s' is not a feature of '%s' in the quotas", (int)v.len, v.p, p->cat_names[c]);
                bad = 1;
                continue;
            }
            p->feature[p->n * p->ncat + c] = (uint32_t)k;
            seen[c * MAXF + k]++;
        }
        if (bad) continue;
        char idbuf[32];
        if (id_col >= 0) {
            urne_span v = trim(f[id_col]);
            p->ids[p->n] = urne_arena_strndup(&p->arena, v.p, v.len);
        } else {
            snprintf(idbuf, sizeof idbuf, "%zu", p->n + 1);
            p->ids[p->n] = urne_arena_strdup(&p->arena, idbuf);
        }
        p->lines[p->n] = urne_arena_strndup(&p->arena, line.p, line.len);
        if (p->ids[p->n] == NULL || p->lines[p->n] == NULL) goto oom;
        if (keys && (keys[p->n] = address_key(&p->arena, f, hh_col, nhh)) == NULL) goto oom;
        p->n++;
    }
    /* Quotas for features nobody has. */
    for (size_t c = 0; header && c < p->ncat; c++)
        for (size_t k = 0; k < p->nfeat[c]; k++)
            if (seen[c * MAXF + k] == 0)
                urne_diags_add(qd, p->min[c][k] > 0 ? URNE_DIAG_ERROR : URNE_DIAG_WARNING, 0, p->cat_names[c],
                               "unused-feature", "no volunteer has %s/%s%s", p->cat_names[c], p->feat_names[c][k],
                               p->min[c][k] > 0 ? ", whose minimum is above 0" : "");
    if (id_col >= 0) /* duplicate ids: quadratic in the worst case, over pools of thousands */
        for (size_t i = 0; i < p->n; i++)
            for (size_t j = i + 1; j < p->n; j++)
                if (strcmp(p->ids[i], p->ids[j]) == 0) {
                    urne_diags_add(d, URNE_DIAG_ERROR, 0, "id", "duplicate-id", "id '%s' appears twice", p->ids[i]);
                    break;
                }
    if (d->errors == 0 && p->n == 0) urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, URNE_RULE_EMPTY, "no volunteer");
    if (keys && d->errors == 0 && group_households(p, keys) != 0) goto oom;
    free(f), free(cat_col), free(seen), free(keys);
    urne_lines_free(&it);
    return d->errors || qd->errors ? -1 : 0;
oom:
    free(f), free(cat_col), free(seen), free(keys);
    urne_lines_free(&it);
    urne_diags_add(d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory");
    return -1;
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
