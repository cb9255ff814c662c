/*
 * ministry_rows: reading the 70,000 rows of a national Ministry file, fast and on
 * every core.
 *
 * A national per-bureau file is 35 MB of rows that all look alike: the same 98
 * columns, the same eleven candidates in the same order. So each row is first tried
 * on a fast path that assumes exactly that: one pass finds the line's end and its
 * separators sixteen bytes at a time, the counts must be plain digits, the names the
 * first sheet's own bytes, the codes short. Any row that is not so (a quote, a
 * blank, a wrong field count, a stranger's name, a letter among the digits) goes to
 * ministry.c's careful reader, which accepts what the format allows and words every
 * error. Both fill the same sheet the same way; the fast path only gives up sooner.
 *
 * The text is cut at line boundaries into chunks, two per core, which one thread
 * per core takes in turn (io/parallel.h). Every chunk must know first where its
 * sheets go in the round's array and which line number it starts at, so the lines of
 * each are counted first: by the encoding survey, which went through the same parts
 * just before (results_io.c), or else here. Then the rows are read.
 * Chunks write disjoint sheets, into their own arena and message list. The one
 * thing they share is the round's string pool: the keys of départements,
 * circonscriptions and communes, remembered while the following rows name the same
 * ones, are interned there under a lock. The bureau keys, new on every row, are
 * only copied and hashed by the threads, and interned afterwards in file order, in
 * one pass that prefetches the slots ahead, which is where a duplicate bureau is
 * found. Then the chunks' sheets close up over the lines that gave none, their
 * messages follow each other in line order, and their arenas join the round's: the
 * round is the one a single pass would have built.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_mem.h"
#include "ministry_internal.h"
#include "parallel.h"

/* How many bureau keys ahead the interning pass prefetches. */
#define PREFETCH_AHEAD 48

/* Every column the fast path reads, from the layout and the first sheet. */
typedef struct row_plan {
    size_t nfields; /* a row of the expected shape has exactly these */
    long count_col[NCOUNTS];
    long unit_code_col[3], unit_label_col[3];
    long dept_col, commune_col, bureau_col;
    long nom_col[MAX_GROUPS], prenom_col[MAX_GROUPS], voix_col[MAX_GROUPS];
} row_plan;

typedef struct shared {
    const ministry_file *file;
    const row_plan *plan;
    int check;              /* check each sheet once written */
    urne_sheet *sheets;     /* the round's array, reserved for every line */
    leaf_ref *leaves;       /* one per sheet, NULL when the file has no bureau level */
    pthread_mutex_t lock;   /* on the round's string pool and arena */
} shared;

/* One chunk of the text and what reading it made. */
typedef struct chunk {
    shared *sh;
    const char *begin, *end; /* whole lines */
    size_t lines;            /* lines in [begin, end), counted first */
    size_t base;             /* index of its first sheet */
    long first_line;
    size_t nsheets;          /* sheets written at base.. */
    int failed;              /* memory ran out */
    urne_arena arena;
    urne_diags diags;  /* the rows' messages */
    urne_diags checks; /* the sheets' checks, reported only when no row is rejected */
    row_reader *rd;          /* scratch space of the thread reading it */
} chunk;

static void make_plan(const ministry_file *mf, row_plan *p) {
    const ministry_layout *lay = mf->lay;
    p->nfields = lay->repeating ? (size_t)lay->block_start + mf->ngroups * (size_t)lay->block_width
                                : (size_t)lay->header_fields;
    for (int r = 0; r < NCOUNTS; r++) p->count_col[r] = lay->fixed[R_INSCRITS + r];
    for (int k = 0; k < 3; k++) {
        p->unit_code_col[k] = lay->fixed[ministry_unit_code[k]];
        p->unit_label_col[k] = lay->fixed[ministry_unit_label[k]];
    }
    p->dept_col = lay->fixed[R_DEPT_CODE];
    p->commune_col = lay->fixed[R_COMMUNE_CODE];
    p->bureau_col = lay->fixed[R_BV_CODE];
    for (size_t g = 0; g < mf->ngroups; g++) {
        p->nom_col[g] = ministry_group_col(lay, g, GROUP_ROLE(R_G_NOM));
        p->prenom_col[g] = ministry_group_col(lay, g, GROUP_ROLE(R_G_PRENOM));
        p->voix_col[g] = ministry_group_col(lay, g, GROUP_ROLE(R_G_VOIX));
    }
}

/* Field `col` of a line whose field edges are edge[0..nfields] (edge[0] is -1, so
 * that every field starts one byte after its left edge), untrimmed: a field with
 * blanks around it fails the fast path's tests and goes to the careful reader,
 * which trims. Absent columns (-1) read as empty. */
static inline urne_span field(const char *line, const uint32_t *edge, long col) {
    if (col < 0) return (urne_span){"", 0, 0};
    uint32_t start = edge[col] + 1u;
    return (urne_span){line + start, edge[col + 1] - start, 0};
}

static inline int is_blank(char c) { return c == ' ' || c == '\t'; }

/* A code the careful reader would read the same: no blank to trim. */
static inline int untrimmed(urne_span s) { return s.len == 0 || (!is_blank(s.p[0]) && !is_blank(s.p[s.len - 1])); }

static inline urne_span trim(urne_span s) {
    while (s.len && is_blank(s.p[0])) s.p++, s.len--;
    while (s.len && is_blank(s.p[s.len - 1])) s.len--;
    return s;
}

/* A count written as plain digits (what urne_num_parse_count accepts without a
 * word to say); anything else is for the careful reader. Up to eight digits, when
 * the eight bytes that end the field are inside the line, are read at once: the
 * digits checked and combined two, then four, then eight at a time. */
static inline int plain_count(urne_span s, const char *line, int64_t *out) {
    if (s.len == 0 || s.len > 18) return 0;
    if (s.len <= 8 && (size_t)(s.p - line) + s.len >= 8) {
        uint64_t w;
        memcpy(&w, s.p + s.len - 8, 8);
        uint64_t field_bytes = ~0ULL << ((8 - s.len) * 8); /* the bytes before the field are masked out */
        uint64_t d = (w & field_bytes) - (0x3030303030303030ULL & field_bytes);
        /* A byte below '0' borrows, one above '9' carries once 6 is added: either
         * sets a bit that no digit sets. */
        if ((d & 0x8080808080808080ULL) || ((d + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL & field_bytes))
            return 0;
        d = (d * 10 + (d >> 8)) & 0x00FF00FF00FF00FFULL;       /* pairs of digits */
        d = (d * 100 + (d >> 16)) & 0x0000FFFF0000FFFFULL;     /* fours */
        d = (d * 10000 + (d >> 32)) & 0xFFFFFFFFULL;           /* all eight */
        *out = (int64_t)d;
        return 1;
    }
    int64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
        if (d > 9) return 0;
        v = v * 10 + (int64_t)d;
    }
    *out = v;
    return 1;
}

static inline int all_ascii(const char *s, size_t n) {
    unsigned char any = 0;
    for (size_t i = 0; i < n; i++) any |= (unsigned char)s[i];
    return any < 0x80;
}

enum { ROW_SKIPPED = 0, ROW_WRITTEN = 1, ROW_CAREFUL = 2, ROW_NO_MEMORY = -1 };

/* The fast path: read a row of the expected shape into *dest, or say that the
 * careful reader must (ROW_CAREFUL: nothing was written, no message added). */
static int fast_row(chunk *w, const char *line, const urne_scanned_line *info, long ln, urne_sheet *dest,
                    leaf_ref *leaf) {
    const row_plan *pl = w->sh->plan;
    const ministry_file *mf = w->sh->file;
    const uint32_t *edge = w->rd->pos;
    if (info->quoted || info->nsep + 1 != pl->nfields || info->nsep > URNE_MAX_FIELDS - 2) return ROW_CAREFUL;
    int64_t counts[NCOUNTS];
    for (int r = 0; r < NCOUNTS; r++) {
        counts[r] = -1;
        if (pl->count_col[r] >= 0 && !plain_count(field(line, edge, pl->count_col[r]), line, &counts[r]))
            return ROW_CAREFUL;
    }
    size_t ngroups = mf->ngroups;
    int64_t *votes = urne_arena_alloc_raw(&w->arena, ngroups * sizeof *votes); /* a row has a group or more */
    if (votes == NULL) return ROW_NO_MEMORY;
    for (size_t g = 0; g < ngroups; g++) {
        if (!plain_count(field(line, edge, pl->voix_col[g]), line, &votes[g]) ||
            !ministry_same_span(field(line, edge, pl->nom_col[g]), mf->raw_last[g]) ||
            !ministry_same_span(field(line, edge, pl->prenom_col[g]), mf->raw_first[g]))
            return ROW_CAREFUL;
    }
    /* The bureau's key, département-commune-bureau, copied for interning later. */
    /* Codes the careful reader would trim are its to read; so far nothing is written. */
    urne_span dept = field(line, edge, pl->dept_col), codes[3];
    if (!untrimmed(dept)) return ROW_CAREFUL;
    for (int k = 0; k < 3; k++) {
        codes[k] = field(line, edge, pl->unit_code_col[k]);
        if (!untrimmed(codes[k])) return ROW_CAREFUL;
    }
    char *leaf_key = NULL;
    size_t dept_len = dept.len, commune_len = 0;
    if (pl->bureau_col >= 0) {
        urne_span commune = field(line, edge, pl->commune_col), bureau = field(line, edge, pl->bureau_col);
        size_t klen = dept.len + 1 + commune.len + 1 + bureau.len;
        int plain = all_ascii(dept.p, dept.len) && all_ascii(commune.p, commune.len) && all_ascii(bureau.p, bureau.len);
        if (klen >= 256 || !untrimmed(commune) || !untrimmed(bureau) || (mf->enc == URNE_ENC_LATIN1 && !plain))
            return ROW_CAREFUL; /* too long, blanks to trim, or latin-1 to convert */
        leaf_key = urne_arena_alloc_raw(&w->arena, klen + 1);
        if (leaf_key == NULL) return ROW_NO_MEMORY;
        commune_len = commune.len;
        memcpy(leaf_key, dept.p, dept.len);
        leaf_key[dept.len] = '-';
        memcpy(leaf_key + dept.len + 1, commune.p, commune.len);
        leaf_key[dept.len + 1 + commune.len] = '-';
        memcpy(leaf_key + dept.len + 2 + commune.len, bureau.p, bureau.len);
        leaf_key[klen] = '\0';
        leaf->hash = urne_strpool_hash(leaf_key, klen);
        leaf->len = (uint32_t)klen;
    }
    urne_round *round = mf->round;
    urne_sheet_init(dest, 0, votes);
    dest->line = ln;
    urne_sheet_set_counts(dest, counts);
    size_t lv = 0;
    dest->key[lv] = round->contests[0].key;
    dest->label[lv++] = round->contests[0].label;
    for (int k = 0; k < 3; k++) {
        if (pl->unit_code_col[k] < 0) continue;
        const unit_cache *c = &w->rd->units[k];
        const unit_entry *u = c->n > 0 && ministry_unit_is(&c->recent[0], dept, codes[k])
                                  ? &c->recent[0]
                                  : ministry_unit(w->rd, k, dept, codes[k], trim(field(line, edge, pl->unit_label_col[k])));
        if (u == NULL) return ROW_NO_MEMORY;
        dest->key[lv] = u->key;
        dest->code[lv] = u->code_copy;
        dest->label[lv++] = u->label;
    }
    if (leaf_key != NULL) {
        dest->key[lv] = leaf_key;                                /* interned after the threads */
        dest->code[lv] = leaf_key + dept_len + 1 + commune_len + 1; /* the key ends with the code */
        dest->label[lv] = NULL;
    }
    return ROW_WRITTEN;
}

static void *count_lines(void *arg) {
    chunk *w = arg;
    size_t n = 0;
    for (const char *p = w->begin; p < w->end && (p = memchr(p, '\n', (size_t)(w->end - p))) != NULL; p++) n++;
    if (w->end > w->begin && w->end[-1] != '\n') n++; /* the last line of the text has no newline */
    w->lines = n;
    return NULL;
}

static void *read_rows(void *arg) {
    chunk *w = arg;
    shared *sh = w->sh;
    long ln = w->first_line;
    for (const char *p = w->begin; p < w->end; ln++) {
        urne_scanned_line info;
        uint32_t *edge = w->rd->pos; /* the careful reader uses it too: set on every row */
        urne_text_scan_line(p, (size_t)(w->end - p), ';', edge + 1, URNE_MAX_FIELDS - 2, &info);
        edge[0] = UINT32_MAX;
        if (info.nsep <= URNE_MAX_FIELDS - 2) edge[info.nsep + 1] = (uint32_t)info.len;
        if (info.len > 0) { /* a blank line carries no sheet */
            size_t at = w->base + w->nsheets;
            leaf_ref *leaf = sh->leaves ? &sh->leaves[at] : &(leaf_ref){0, 0};
            int rc = fast_row(w, p, &info, ln, &sh->sheets[at], leaf);
            if (rc == ROW_CAREFUL) rc = ministry_read_sheet(w->rd, (urne_span){p, info.len, 0}, ln, &sh->sheets[at], leaf);
            if (rc < 0) {
                w->failed = 1;
                return NULL;
            }
            if (rc == ROW_WRITTEN) {
                if (sh->check) urne_results_check_sheet(sh->file->round, &sh->sheets[at], &w->checks);
                w->nsheets++;
            }
        }
        p += info.next;
    }
    return NULL;
}

/* Intern the bureau keys in file order, prefetching slots ahead: the pool keeps
 * the threads' copies, and a key met before resolves to the first one. Returns how
 * many keys were met before (0 means every sheet holds a key of its own, so no two
 * sheets share one), or -1 when memory runs out. */
static long intern_leaves(urne_round *round, const leaf_ref *leaves, size_t lv) {
    urne_strpool *pool = &round->strings;
    size_t n = round->nsheets;
    long met = 0;
    for (size_t i = 0; i < n && i < PREFETCH_AHEAD; i++) urne_strpool_prefetch(pool, leaves[i].hash);
    for (size_t i = 0; i < n; i++) {
        if (i + PREFETCH_AHEAD < n) urne_strpool_prefetch(pool, leaves[i + PREFETCH_AHEAD].hash);
        urne_sheet *s = &round->sheets[i];
        const char *key = urne_strpool_adopt(pool, s->key[lv], leaves[i].len, leaves[i].hash);
        if (key == NULL) return -1;
        met += key != s->key[lv];
        s->key[lv] = key;
    }
    return met;
}

/* The chunks of text[0..len), their lines counted: the parts the
 * encoding survey made when given (the rows start inside one of them), else cut and
 * counted here. Fills ws[i].begin, end and lines; returns how many. */
static size_t make_chunks(const char *text, size_t len, const urne_ministry_reading *how, chunk *ws) {
    const urne_io_parts *parts = how->parts;
    size_t n = 0;
    if (parts != NULL && how->chunks == 0 && text >= parts->text && text + len == parts->text + parts->cut[parts->n]) {
        size_t body = (size_t)(text - parts->text);
        for (size_t i = 0; i < parts->n; i++) {
            size_t start = parts->cut[i], end = parts->cut[i + 1];
            if (end <= body) continue;
            size_t lines = parts->newlines[i];
            for (; start < body; start++) lines -= parts->text[start] == '\n'; /* the header's */
            if (end > start && parts->text[end - 1] != '\n') lines++; /* a last line without LF */
            ws[n].begin = parts->text + start;
            ws[n].end = parts->text + end;
            ws[n++].lines = lines;
        }
        return n;
    }
    n = urne_io_chunks(len, how->chunks);
    size_t cut[URNE_IO_MAX_CHUNKS + 1];
    urne_io_cut_lines(text, len, n, cut);
    for (size_t i = 0; i < n; i++) {
        ws[i].begin = text + cut[i];
        ws[i].end = text + cut[i + 1];
    }
    urne_io_run(count_lines, ws, sizeof *ws, n);
    return n;
}

int ministry_read_rows(const ministry_file *file, const char *text, size_t len, long first_line,
                       const urne_ministry_reading *how, urne_diags *diags) {
    urne_round *round = file->round;
    size_t n = 0;
    row_plan *plan = malloc(sizeof *plan);
    chunk *ws = calloc(URNE_IO_MAX_CHUNKS, sizeof *ws);
    shared sh = {file, plan, how->check, NULL, NULL, PTHREAD_MUTEX_INITIALIZER};
    int rc = -1;
    /* Held for a few hundred nanoseconds at a time: spin a little before sleeping. */
    pthread_mutexattr_t attr;
    if (pthread_mutexattr_init(&attr) == 0) {
#if defined(__GLIBC__)
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
        pthread_mutex_init(&sh.lock, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (plan == NULL || ws == NULL) goto done;
    make_plan(file, plan);
    n = make_chunks(text, len, how, ws);
    for (size_t i = 0; i < n; i++) ws[i].sh = &sh;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        ws[i].base = total;
        ws[i].first_line = first_line + (long)total;
        total += ws[i].lines;
    }
    if (urne_round_reserve_sheets(round, total) != 0) goto done;
    sh.sheets = round->sheets;
    size_t leaf_level = round->nlevels - 1;
    if (plan->bureau_col >= 0 && total > 0 && (sh.leaves = urne_mem_alloc(total * sizeof *sh.leaves)) == NULL)
        goto done;
    for (size_t i = 0; i < n; i++) {
        urne_arena_init(&ws[i].arena);
        /* Each row takes a vote array and a bureau key from the arena: one block for all. */
        size_t per_row = ((file->ngroups ? file->ngroups : 1) * sizeof(int64_t) + 15) / 16 * 16 + 32;
        if (urne_arena_reserve(&ws[i].arena, ws[i].lines * per_row) != 0) goto done;
        urne_diags_init(&ws[i].diags, diags->file);
        urne_diags_init(&ws[i].checks, diags->file);
        if ((ws[i].rd = calloc(1, sizeof *ws[i].rd)) == NULL) goto done;
        ws[i].rd->file = file;
        ws[i].rd->diags = &ws[i].diags;
        ws[i].rd->arena = &ws[i].arena;
        ws[i].rd->round_lock = &sh.lock;
    }
    urne_io_run(read_rows, ws, sizeof *ws, n);

    /* Close the chunks up, in order, and take over what each one made. */
    size_t nsheets = 0;
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        chunk *w = &ws[i];
        if (w->base != nsheets) {
            memmove(&round->sheets[nsheets], &round->sheets[w->base], w->nsheets * sizeof *round->sheets);
            if (sh.leaves) memmove(&sh.leaves[nsheets], &sh.leaves[w->base], w->nsheets * sizeof *sh.leaves);
        }
        nsheets += w->nsheets;
        failed |= w->failed;
        urne_diags_append(diags, &w->diags);
        urne_arena_adopt(&round->arena, &w->arena);
    }
    round->nsheets = nsheets;
    long met = sh.leaves == NULL ? 1 : 0; /* without bureau keys interned here, nothing is known */
    if (!failed && (sh.leaves == NULL || (met = intern_leaves(round, sh.leaves, leaf_level)) >= 0)) rc = 0;
    /* A rejected row rejects the file before any sheet is checked (as urne_results_parse
     * does); otherwise the checks come in sheet order, duplicates last. */
    if (rc == 0 && how->check && diags->errors == 0) {
        for (size_t i = 0; i < n; i++) urne_diags_append(diags, &ws[i].checks);
        /* Interning found every bureau key new: no duplicate, no need to look again. */
        if (met > 0) urne_results_check_duplicates(round, diags);
    }
done:
    for (size_t i = 0; ws != NULL && i < n; i++) {
        urne_arena_adopt(&round->arena, &ws[i].arena); /* on failure too: nothing leaks */
        urne_diags_free(&ws[i].diags);
        urne_diags_free(&ws[i].checks);
        free(ws[i].rd);
    }
    urne_mem_free(sh.leaves);
    pthread_mutex_destroy(&sh.lock);
    free(ws);
    free(plan);
    return rc;
}
