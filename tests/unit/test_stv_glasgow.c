/* Scottish STV on the 21 wards of Glasgow 2007, stage by stage against an independent
 * program's count (droop, Scottish rule, five-decimal fixed point): every candidate's
 * votes and the non-transferable total after the first preferences and after every
 * transfer, and who is elected. */
#include <dirent.h>

#include "helpers.h"
#include "../../src/count/count.h"
#include "../../src/io/ballots_io.h"

#define GLASGOW URNE_DATA_DIR "/glasgow2007_stv_blt/"

/* "1234.56789" -> 123456789 */
static int64_t fixed5(const char *s) {
    int64_t whole = 0, frac = 0;
    int digits = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9') whole = whole * 10 + (*p++ - '0');
    if (*p == '.') p++;
    while (*p >= '0' && *p <= '9' && digits < 5) frac = frac * 10 + (*p++ - '0'), digits++;
    while (digits++ < 5) frac *= 10;
    return whole * 100000 + frac;
}

typedef struct ref_line {
    char action[16];
    int64_t nt;
    int64_t votes[32];
    char state[32];
    char names[32][64];
    size_t n;
} ref_line;

static int read_ref(const char *path, ref_line *lines, size_t max) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[8192];
    int n = 0;
    while (fgets(buf, sizeof buf, f) && n < (int)max) {
        char *fields[128];
        size_t nf = 0;
        for (char *tok = strtok(buf, "\t\n"); tok && nf < 128; tok = strtok(NULL, "\t\n")) fields[nf++] = tok;
        if (nf < 4) continue;
        if (strcmp(fields[1], "begin") && strcmp(fields[1], "transfer") && strcmp(fields[1], "end")) continue;
        ref_line *r = &lines[n++];
        snprintf(r->action, sizeof r->action, "%s", fields[1]);
        r->nt = fixed5(fields[3]);
        r->n = (nf - 4) / 3;
        for (size_t c = 0; c < r->n; c++) {
            snprintf(r->names[c], sizeof r->names[c], "%s", fields[4 + 3 * c]);
            r->state[c] = fields[5 + 3 * c][0];
            r->votes[c] = fixed5(fields[6 + 3 * c]);
        }
    }
    fclose(f);
    return n;
}

/* Names with runs of blanks folded to one (the reference prints them so; the BLT file
 * has "Ellen   Hurcombe", which urne keeps as written). */
static void fold(const char *in, char *out, size_t size) {
    size_t j = 0;
    for (; *in && j + 1 < size; in++)
        if (!(*in == ' ' && j > 0 && out[j - 1] == ' ')) out[j++] = *in;
    out[j] = '\0';
}

static void count_ward(const char *ward) {
    char path[512], refpath[512];
    snprintf(path, sizeof path, GLASGOW "%s.blt", ward);
    snprintf(refpath, sizeof refpath, GLASGOW "ref_droop_scotland/%s-scotland-fixed-p5-d5.txt", ward);
    size_t len;
    char *buf = test_read(path, &len);
    urne_diags d;
    urne_diags_init(&d, path);
    urne_ballots b;
    assert_int_equal(urne_io_parse_blt(buf, len, URNE_ENC_AUTO, &b, &d), 0);
    urne_count_result r;
    assert_int_equal(urne_count_stv_scottish(&b, b.seats, 1, &r, &d), 0);
    static ref_line ref[256];
    int nref = read_ref(refpath, ref, 256);
    assert_true(nref >= 2);
    /* Stage 0 = 'begin'; each later stage with a transfer = the next 'transfer'. */
    int k = 0;
    for (size_t st = 0; st < r.nstages; st++) {
        const urne_count_stage *s = &r.stages[st];
        if (st > 0 && strcmp(s->action, "surplus") != 0 && strcmp(s->action, "exclusion") != 0) continue;
        const ref_line *rl = &ref[k++];
        assert_string_equal(rl->action, st == 0 ? "begin" : "transfer");
        assert_int_equal(rl->n, b.ncand);
        for (size_t c = 0; c < b.ncand; c++) {
            char mine[128];
            fold(b.names[c], mine, sizeof mine);
            assert_string_equal(rl->names[c], mine);
            if (rl->votes[c] != s->votes[c])
                fail_msg("%s, stage %zu (%s), %s: urne %lld, reference %lld", ward, st, s->action, b.names[c],
                         (long long)s->votes[c], (long long)rl->votes[c]);
        }
        if (rl->nt != s->nontransferable)
            fail_msg("%s, stage %zu: non-transferable urne %lld, reference %lld", ward, st,
                     (long long)s->nontransferable, (long long)rl->nt);
    }
    assert_string_equal(ref[k].action, "end"); /* every transfer matched, none left over */
    for (size_t c = 0; c < b.ncand; c++) {
        int elected = 0;
        for (size_t w = 0; w < r.nwinners; w++) elected |= r.winners[w] == c;
        if (elected != (ref[k].state[c] == 'E'))
            fail_msg("%s: %s %s by urne, %c in the reference", ward, b.names[c], elected ? "elected" : "not elected",
                     ref[k].state[c]);
    }
    assert_int_equal(r.nwinners, b.seats);
    urne_count_result_free(&r);
    urne_ballots_free(&b);
    urne_diags_free(&d);
    free(buf);
}

static void test_all_wards(void **state) {
    (void)state;
    DIR *dir = opendir(GLASGOW);
    assert_non_null(dir);
    struct dirent *e;
    int wards = 0;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".blt") != 0) continue;
        char ward[256];
        snprintf(ward, sizeof ward, "%.*s", (int)(n - 4), e->d_name);
        count_ward(ward);
        wards++;
    }
    closedir(dir);
    assert_int_equal(wards, 21);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_wards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
