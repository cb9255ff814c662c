/* The Ministry reader's two promises: cutting a file into chunks read by several
 * threads gives the round and the messages that one pass gives, and a row read by
 * the fast path is read as the careful reader would read it. Checked on the real
 * Rhône files and on copies of them with every kind of row the fast path hands over. */
#include "helpers.h"

#include "../../src/core/urne_text.h"
#include "../../src/io/parallel.h"

#define RHONE URNE_DATA_DIR "/fr_pres2017_2022_rhone69_bureaux/"

static const unsigned chunk_counts[] = {2, 3, 5, 16};

static int same_str(const char *a, const char *b) {
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

/* Every figure, key, code and label of every sheet, in order. */
static void assert_same_round(const urne_round *a, const urne_round *b) {
    assert_int_equal(a->nlevels, b->nlevels);
    assert_int_equal(a->ncandidates, b->ncandidates);
    for (size_t c = 0; c < a->ncandidates; c++) assert_string_equal(a->candidates[c].name, b->candidates[c].name);
    assert_int_equal(a->nsheets, b->nsheets);
    for (size_t i = 0; i < a->nsheets; i++) {
        const urne_sheet *x = &a->sheets[i], *y = &b->sheets[i];
        assert_int_equal(x->inscrits, y->inscrits);
        assert_int_equal(x->votants, y->votants);
        assert_int_equal(x->blancs, y->blancs);
        assert_int_equal(x->nuls, y->nuls);
        assert_int_equal(x->exprimes_stated, y->exprimes_stated);
        for (size_t c = 0; c < a->ncandidates; c++) assert_int_equal(x->votes[c], y->votes[c]);
        for (size_t l = 0; l < a->nlevels; l++) {
            if (!same_str(x->key[l], y->key[l]) || !same_str(x->code[l], y->code[l]) ||
                !same_str(x->label[l], y->label[l]))
                fail_msg("sheet %zu level %zu: %s/%s/%s vs %s/%s/%s", i, l, x->key[l], x->code[l], x->label[l],
                         y->key[l], y->code[l], y->label[l]);
        }
    }
}

/* Lines (sheet order) are compared separately: decorated copies keep them. */
static void assert_same_lines(const urne_round *a, const urne_round *b) {
    for (size_t i = 0; i < a->nsheets; i++) assert_int_equal(a->sheets[i].line, b->sheets[i].line);
}

static void assert_same_diags(const urne_diags *a, const urne_diags *b) {
    assert_int_equal(a->errors, b->errors);
    assert_int_equal(a->warnings, b->warnings);
    assert_int_equal(a->count, b->count);
    for (size_t i = 0; i < a->count; i++) {
        assert_int_equal(a->items[i].line, b->items[i].line);
        assert_string_equal(a->items[i].rule, b->items[i].rule);
        assert_string_equal(a->items[i].field, b->items[i].field);
        assert_string_equal(a->items[i].message, b->items[i].message);
    }
}

static urne_round *parse_checked(const char *text, size_t len, unsigned chunks, int check, urne_diags *d) {
    size_t skip;
    urne_encoding enc;
    assert_int_equal(urne_text_detect(text, len, URNE_ENC_AUTO, &skip, &enc, d), 0);
    return urne_io_parse_ministry_with(text + skip, len - skip, enc, &(urne_ministry_reading){chunks, check, NULL}, d);
}

static urne_round *parse(const char *text, size_t len, unsigned chunks, urne_diags *d) {
    return parse_checked(text, len, chunks, 0, d);
}

/* The real files: latin-1 with a repeating group (the official layout) and UTF-8
 * extractions with numbered groups. */
static void test_chunks_give_the_same_round(void **state) {
    (void)state;
    static const char *const files[] = {"PR17_BVot_T1_dept69.txt", "2017-pres-t1-commune-rhone-69-bronze.csv",
                                        "2022-pres-t1-commune-rhone-69-bronze.csv",
                                        "2022-pres-t2-commune-rhone-69-bronze.csv"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[512];
        snprintf(path, sizeof path, RHONE "%s", files[f]);
        size_t len;
        char *text = test_read(path, &len);
        urne_diags d1;
        urne_diags_init(&d1, path);
        urne_round *one = parse(text, len, 1, &d1);
        assert_non_null(one);
        assert_int_equal(d1.errors, 0);
        size_t lines = 0;
        for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
        assert_int_equal(one->nsheets, lines - 1); /* every row is a sheet */
        /* Keys are interned: the pool gives back the very pointer each sheet holds. */
        size_t last = one->nlevels - 1;
        for (size_t i = 0; i < one->nsheets; i += 97) {
            const char *k = one->sheets[i].key[last];
            assert_ptr_equal(urne_round_intern(one, k, strlen(k)), k);
            assert_ptr_equal(urne_round_intern(one, one->sheets[i].key[1], strlen(one->sheets[i].key[1])),
                             one->sheets[i].key[1]);
        }
        for (size_t w = 0; w < sizeof chunk_counts / sizeof chunk_counts[0]; w++) {
            urne_diags dn;
            urne_diags_init(&dn, path);
            urne_round *many = parse(text, len, chunk_counts[w], &dn);
            assert_non_null(many);
            assert_same_round(one, many);
            assert_same_lines(one, many);
            assert_same_diags(&d1, &dn);
            urne_round_free(many);
            urne_diags_free(&dn);
        }
        urne_round_free(one);
        urne_diags_free(&d1);
        free(text);
    }
}

/* A growable text built line by line. */
typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n) {
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

/* Fields joined by ';', as a row. */
static void put_fields(text *t, char *const *f, size_t n) {
    for (size_t j = 0; j < n; j++) {
        if (j) puts_(t, ";");
        puts_(t, f[j]);
    }
}

/* Split a line (no newline) on ';' into at most 128 fields, in place. */
static size_t split(char *line, char **f) {
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == ';') *p = '\0', f[n++] = p + 1;
    return n;
}

/* The official file's lines, CR LF removed; returns how many. */
static size_t rhone_lines(char ***out, char **buf) {
    size_t len;
    *buf = test_read(RHONE "PR17_BVot_T1_dept69.txt", &len);
    size_t n = 0;
    char **lines = malloc(2000 * sizeof *lines);
    assert_non_null(lines);
    for (char *p = *buf; *p && n < 2000;) {
        char *nl = strchr(p, '\n');
        lines[n++] = p;
        if (nl == NULL) break;
        *nl = '\0';
        if (nl > p && nl[-1] == '\r') nl[-1] = '\0';
        p = nl + 1;
    }
    *out = lines;
    return n;
}

/* The official file's lines, read once for the tests that rewrite them. */
static struct {
    char **lines;
    char *buf;
    size_t n;
} rhone;

static int load_rhone(void **state) {
    (void)state;
    rhone.n = rhone_lines(&rhone.lines, &rhone.buf);
    return 0;
}

static int free_rhone(void **state) {
    (void)state;
    free(rhone.lines);
    free(rhone.buf);
    return 0;
}

/* Row i of the official file, copied into row (size bytes) and split into f. */
static size_t rhone_row(size_t i, char *row, size_t size, char **f) {
    snprintf(row, size, "%s", rhone.lines[i]);
    return split(row, f);
}

#define FIXED 21 /* fields before the candidate groups in the official layout */
#define GROUP 7

/* Row `r` of the official file rewritten so that only the careful reader can take
 * it, in one of several ways, with the same meaning. */
static void decorate(text *t, const char *row, int how) {
    char copy[4096], *f[128];
    snprintf(copy, sizeof copy, "%s", row);
    size_t n = split(copy, f);
    for (size_t i = 0; i < n; i++) {
        size_t g = i >= FIXED ? (i - FIXED) / GROUP : 0;
        size_t src = i;
        if (how == 3 && i >= FIXED && g < 2) src = FIXED + (1 - g) * GROUP + (i - FIXED) % GROUP; /* groups 1 and 2 swapped */
        const char *v = f[src];
        char cell[256];
        switch (how) {
        case 0: snprintf(cell, sizeof cell, " %s ", v); break;            /* blanks around every field */
        case 1: snprintf(cell, sizeof cell, "\"%s\"", v); break;          /* every field quoted */
        case 2: snprintf(cell, sizeof cell, i == 7 ? "%s\t" : "%s", v); break; /* a tab after Inscrits */
        default: snprintf(cell, sizeof cell, "%s", v); break;
        }
        if (i) puts_(t, ";");
        puts_(t, cell);
    }
}

static void test_careful_rows_read_the_same(void **state) {
    (void)state;
    char **lines = rhone.lines;
    size_t n = rhone.n;
    text plain = {0}, fancy = {0};
    for (size_t i = 0; i < n; i++) {
        puts_(&plain, lines[i]);
        puts_(&plain, "\n");
        if (i == 0 || i % 5 == 4)
            puts_(&fancy, lines[i]);
        else
            decorate(&fancy, lines[i], (int)(i % 5));
        puts_(&fancy, i % 2 ? "\r\n" : "\n"); /* CRLF and LF mixed */
    }
    urne_diags d1, d2;
    urne_diags_init(&d1, "plain");
    urne_diags_init(&d2, "fancy");
    urne_round *a = parse(plain.p, plain.len, 1, &d1);
    assert_non_null(a);
    assert_int_equal(d1.errors, 0);
    for (size_t w = 0; w < 3; w++) {
        urne_round *b = parse(fancy.p, fancy.len, w == 0 ? 1 : chunk_counts[w - 1], &d2);
        if (b == NULL) {
            char msg[600];
            urne_diag_format(&d2, &d2.items[0], msg, sizeof msg);
            fail_msg("%s", msg);
        }
        assert_same_round(a, b);
        assert_same_lines(a, b);
        urne_round_free(b);
    }
    urne_round_free(a);
    urne_diags_free(&d1);
    urne_diags_free(&d2);
    free(plain.p);
    free(fancy.p);
}

/* Broken rows spread over the file: the same messages, in line order, whatever the
 * number of threads; and each with the message the careful reader gives it. */
static void test_chunks_give_the_same_messages(void **state) {
    (void)state;
    size_t n = rhone.n;
    text t = {0};
    for (size_t i = 0; i < n; i++) {
        char row[4096], *f[128] = {0};
        size_t k = rhone_row(i, row, sizeof row, f);
        if (i == 100) f[FIXED + 4][0] = 'x';           /* a letter in a vote count */
        if (i == 600) k = FIXED + 2 * GROUP + 2;        /* truncated in the third candidate group */
        if (i == 900) f[FIXED + 2] = "INCONNU";         /* a stranger among the candidates */
        if (i == 1200) f[10] = "-3";                    /* a negative count */
        put_fields(&t, f, k);
        puts_(&t, "\n");
        if (i == 300) puts_(&t, "\n"); /* a blank line: no sheet, no message, but a line */
    }
    urne_diags ref;
    urne_diags_init(&ref, "broken");
    assert_null(parse(t.p, t.len, 1, &ref));
    assert_int_equal(ref.errors, 4);
    assert_true(test_has_diag(&ref, "count-format", NULL));
    assert_true(test_has_diag(&ref, "field-count", NULL));
    assert_true(test_has_diag(&ref, "unknown-candidate", "INCONNU"));
    assert_true(test_has_diag(&ref, "no-negative-count", NULL));
    /* Line numbers count the header and the blank line. */
    assert_int_equal(ref.items[0].line, 101);
    assert_int_equal(ref.items[1].line, 602);
    assert_int_equal(ref.items[2].line, 902);
    assert_int_equal(ref.items[3].line, 1202);
    for (size_t w = 0; w < sizeof chunk_counts / sizeof chunk_counts[0]; w++) {
        urne_diags d;
        urne_diags_init(&d, "broken");
        assert_null(parse(t.p, t.len, chunk_counts[w], &d));
        assert_same_diags(&ref, &d);
        urne_diags_free(&d);
    }
    urne_diags_free(&ref);
    free(t.p);
}

/* The same bureau at both ends of the file, so in different chunks: one key, and
 * the check names the first line. */
static void test_duplicate_across_chunks(void **state) {
    (void)state;
    char **lines = rhone.lines;
    size_t n = rhone.n;
    text t = {0};
    for (size_t i = 0; i < n; i++) puts_(&t, lines[i]), puts_(&t, "\n");
    puts_(&t, lines[1]); /* no final newline either */
    for (size_t w = 1; w <= 3; w++) {
        urne_diags d;
        urne_diags_init(&d, "dup");
        urne_round *r = parse(t.p, t.len, (unsigned)w, &d);
        assert_non_null(r);
        assert_int_equal(r->nsheets, n);
        size_t last = r->nlevels - 1;
        assert_ptr_equal(r->sheets[0].key[last], r->sheets[n - 1].key[last]);
        assert_int_equal(urne_results_check(r, &d), 1);
        assert_true(test_has_diag(&d, "duplicate-bureau", "first on line 2"));
        assert_int_equal(d.items[0].line, (long)n + 1);
        urne_round_free(r);
        urne_diags_free(&d);
    }
    free(t.p);
}

/* Sheets checked by the threads as they read them: the messages urne_results_check
 * gives after a plain read, in the same order, duplicates last. */
static void test_checks_while_reading(void **state) {
    (void)state;
    char **lines = rhone.lines;
    size_t n = rhone.n;
    text t = {0};
    for (size_t i = 0; i < n; i++) {
        char row[4096], *f[128] = {0}, big[32];
        size_t k = rhone_row(i, row, sizeof row, f);
        if (i == 50 || i == 1250) { /* votants above inscrits, and so out of balance */
            snprintf(big, sizeof big, "%d", atoi(f[7]) + 1000);
            f[10] = big;
        } else if (i == 700) { /* exprimés stated wrong */
            snprintf(big, sizeof big, "%d", atoi(f[18]) + 1);
            f[18] = big;
        }
        put_fields(&t, f, k);
        puts_(&t, "\n");
    }
    puts_(&t, lines[640]); /* a duplicate, last */
    puts_(&t, "\n");
    urne_diags ref;
    urne_diags_init(&ref, "checks");
    urne_round *r = parse(t.p, t.len, 1, &ref);
    assert_non_null(r);
    assert_int_equal(ref.errors, 0);
    assert_int_equal(urne_results_check(r, &ref), 6);
    urne_round_free(r);
    assert_true(test_has_diag(&ref, "duplicate-bureau", "first on line 641"));
    assert_string_equal(ref.items[ref.count - 1].rule, "duplicate-bureau");
    for (size_t w = 0; w < 4; w++) {
        urne_diags d;
        urne_diags_init(&d, "checks");
        assert_null(parse_checked(t.p, t.len, w == 0 ? 1 : chunk_counts[w - 1], 1, &d));
        assert_same_diags(&ref, &d);
        urne_diags_free(&d);
    }
    /* A row rejected as it is read: the file is rejected for it alone. */
    puts_(&t, "69;Rh\xf4ne;08;x\n");
    urne_diags d;
    urne_diags_init(&d, "checks");
    assert_null(parse_checked(t.p, t.len, 2, 1, &d));
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.items[0].rule, "field-count");
    urne_diags_free(&d);
    urne_diags_free(&ref);
    free(t.p);
}

/* The parts the encoding survey cut and counted, handed to the reader: the same
 * round and messages as when the reader cuts and counts itself, whether the first
 * part holds the header and rows or the header alone. */
static void test_survey_parts(void **state) {
    (void)state;
    size_t len;
    char *raw = test_read(RHONE "PR17_BVot_T1_dept69.txt", &len);
    urne_diags d1;
    urne_diags_init(&d1, "parts");
    urne_round *one = parse_checked(raw, len, 1, 1, &d1);
    assert_non_null(one);
    size_t header_end = (size_t)(strchr(raw, '\n') - raw) + 1;
    for (int layout = 0; layout < 3; layout++) {
        urne_io_parts parts;
        parts.text = raw;
        parts.n = layout == 0 ? 3 : layout == 1 ? 16 : 2;
        urne_io_cut_lines(raw, len, parts.n, parts.cut);
        if (layout == 2) parts.cut[1] = header_end; /* a first part with the header alone */
        for (size_t i = 0; i < parts.n; i++) {
            urne_text_survey sv;
            urne_text_survey_part(raw + parts.cut[i], parts.cut[i + 1] - parts.cut[i], 0, &sv);
            parts.newlines[i] = sv.lines;
        }
        urne_diags d;
        urne_diags_init(&d, "parts");
        urne_round *r = urne_io_parse_ministry_with(raw, len, URNE_ENC_LATIN1, &(urne_ministry_reading){0, 1, &parts}, &d);
        assert_non_null(r);
        assert_same_round(one, r);
        assert_same_lines(one, r);
        assert_same_diags(&d1, &d);
        urne_round_free(r);
        urne_diags_free(&d);
    }
    /* Lines counted by the survey: every LF, none past a NUL. */
    urne_text_survey sv;
    urne_text_survey_part("a\nb\n\nc", 6, 1, &sv);
    assert_int_equal(sv.lines, 3);
    assert_int_equal(sv.nul, SIZE_MAX);
    urne_text_survey_part("a\nb\0\n\n0123456789abcdef\n", 23, 1, &sv);
    assert_int_equal(sv.nul, 3);
    assert_int_equal(sv.lines, 1);
    urne_text_survey_part("\n\n0123456789abcdef\n\n\0x", 22, 0, &sv); /* past the first 16 bytes */
    assert_int_equal(sv.nul, 20);
    assert_int_equal(sv.lines, 4);
    /* Long enough for the counters to be summed many times, with a NUL near the end. */
    static char big[100003];
    size_t want = 0;
    for (size_t i = 0; i < sizeof big; i++) {
        big[i] = i % 7 == 0 || i % 13 == 0 ? '\n' : 'x';
        want += big[i] == '\n' && i < 99990;
    }
    big[99990] = '\0';
    urne_text_survey_part(big, sizeof big, 1, &sv);
    assert_int_equal(sv.nul, 99990);
    assert_int_equal(sv.lines, want);
    urne_round_free(one);
    urne_diags_free(&d1);
    free(raw);
}

/* Counts read eight bytes at a time: every value the byte loop accepts, every
 * byte it refuses, at every length. */
static void test_counts(void **state) {
    (void)state;
    static const char *const good[] = {"0", "7", "42", "00042", "1234567", "12345678", "99999999", "100000000",
                                       "123456789012", "999999999999999999"};
    static const int64_t want[] = {0, 7, 42, 42, 1234567, 12345678, 99999999, 100000000, 123456789012LL,
                                   999999999999999999LL};
    static const char *const bad[] = {"4a", "/5", ":5", "5/", "9:", "1.5", "12345a78", "a2345678", "1234567a",
                                      "0x10", "\xb5", "5\xb0", "+5", "1e3"};
    const char *header = "Code du d\xe9partement;Code de la commune;Code du b.vote;Inscrits;Votants;Blancs;Nuls;"
                         "Exprim\xe9s;N\xb0Panneau;Sexe;Nom;Pr\xe9nom;Voix\n";
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char buf[512];
        int n = snprintf(buf, sizeof buf, "%s01;001;0001;%s;%s;0;0;%s;1;F;DUPONT;Anne;%s\n", header, good[i],
                         good[i], good[i], good[i]);
        urne_diags d;
        urne_diags_init(&d, "counts");
        urne_round *r = parse(buf, (size_t)n, 1, &d);
        if (r == NULL) fail_msg("'%s' refused", good[i]);
        assert_int_equal(r->sheets[0].votes[0], want[i]);
        assert_int_equal(r->sheets[0].inscrits, want[i]);
        urne_round_free(r);
        urne_diags_free(&d);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[512];
        int n = snprintf(buf, sizeof buf, "%s01;001;0001;10;10;0;0;10;1;F;DUPONT;Anne;%s\n", header, bad[i]);
        urne_diags d;
        urne_diags_init(&d, "counts");
        assert_null(parse(buf, (size_t)n, 1, &d));
        if (!test_has_diag(&d, "count-format", NULL) && !test_has_diag(&d, "no-negative-count", NULL))
            fail_msg("'%s': %s", bad[i], d.count ? d.items[0].message : "no message");
        urne_diags_free(&d);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunks_give_the_same_round),
        cmocka_unit_test(test_careful_rows_read_the_same),
        cmocka_unit_test(test_chunks_give_the_same_messages),
        cmocka_unit_test(test_duplicate_across_chunks),
        cmocka_unit_test(test_checks_while_reading),
        cmocka_unit_test(test_survey_parts),
        cmocka_unit_test(test_counts),
    };
    return cmocka_run_group_tests(tests, load_rhone, free_rhone);
}
