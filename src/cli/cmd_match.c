/*
 * cmd_match: `urne match run|check`, the command line's view of the matching
 * engine (src/match, issue 20).
 *
 *   urne match run --pupils P.csv --hosts H.csv [--host-rankings R.csv]
 *       [--distances D.csv --max-km N] [--method da|ttc|serial]
 *       [--tie-break single|multiple] [--seed S] --out DIR [--json]
 *     places the pupils and writes in DIR: assignment.csv (pupil, host, the
 *     wish's rank; an empty host when unplaced), host_lists.csv (each host's
 *     pupils, best placed first), explanations.csv (for each wish above the one
 *     obtained, why: the host's cutoff, or the week, or the host's ranking), and
 *     report.json (placed, unplaced, ranks obtained, priority pupils against the
 *     others, the seed, the inputs' SHA-256). --json prints the report too.
 *   urne match check --pupils P.csv --hosts H.csv [--host-rankings R.csv]
 *       --assignment A.csv [--method da|ttc|serial]
 *     verifies an assignment on its own: hosts wished and taking the pupil,
 *     places, and for da no blocking pair and the pupil-optimal stable result.
 *
 * The seed: given, or drawn from the system's randomness and reported, so that
 * the lottery can be replayed. Files are written beside their final names and
 * renamed once all are complete: a run cut short leaves no half output.
 * Exit status: 0 done (check: no fault), 1 input refused or faults found, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/urne_num.h"
#include "../io/io_file.h"
#include "../io/match_io.h"
#include "../io/match_report.h"
#include "cli.h"

static void match_usage(FILE *out) {
    fprintf(out, _("Usage: urne match run --pupils P.csv --hosts H.csv [--host-rankings R.csv]\n"
                   "           [--distances D.csv --max-km N] [--method da|ttc|serial] [--tie-break single|multiple]\n"
                   "           [--keep A.csv [--refused R.csv]] [--seed S] --out DIR [--json]\n"
                   "       urne match check --pupils P.csv --hosts H.csv [--host-rankings R.csv]\n"
                   "           [--distances D.csv --max-km N] --assignment A.csv [--method da|ttc|serial] [--seed S]\n"));
}

typedef struct opts {
    const char *pupils, *hosts, *rankings, *out, *assignment, *distances, *keep, *refused;
    int64_t max_km;
    urne_match_method method;
    urne_match_tie tie;
    uint64_t seed;
    int seed_given, json;
} opts;

static int parse_opts(int argc, char **argv, opts *o) {
    static const struct option longs[] = {
        {"pupils", required_argument, 0, 'p'}, {"hosts", required_argument, 0, 'H'},
        {"host-rankings", required_argument, 0, 'r'}, {"method", required_argument, 0, 'm'},
        {"tie-break", required_argument, 0, 't'}, {"seed", required_argument, 0, 's'},
        {"out", required_argument, 0, 'o'}, {"json", no_argument, 0, 'j'},
        {"assignment", required_argument, 0, 'a'}, {"distances", required_argument, 0, 'd'},
        {"max-km", required_argument, 0, 'k'}, {"keep", required_argument, 0, 'K'},
        {"refused", required_argument, 0, 'R'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->max_km = -1;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'p': o->pupils = optarg; break;
        case 'H': o->hosts = optarg; break;
        case 'r': o->rankings = optarg; break;
        case 'o': o->out = optarg; break;
        case 'a': o->assignment = optarg; break;
        case 'd': o->distances = optarg; break;
        case 'K': o->keep = optarg; break;
        case 'R': o->refused = optarg; break;
        case 'k':
            errno = 0;
            o->max_km = strtoll(optarg, &end, 10);
            if (errno || *end || optarg[0] == '\0' || o->max_km < 0)
                return fprintf(stderr, _("urne match: --max-km is a whole number of kilometres, not %s\n"), optarg),
                       URNE_EXIT_USAGE;
            break;
        case 'j': o->json = 1; break;
        case 'm':
            if (strcmp(optarg, "da") == 0) o->method = URNE_MATCH_DA;
            else if (strcmp(optarg, "ttc") == 0) o->method = URNE_MATCH_TTC;
            else if (strcmp(optarg, "serial") == 0) o->method = URNE_MATCH_SERIAL;
            else return fprintf(stderr, _("urne match: --method is da, ttc or serial, not %s\n"), optarg), URNE_EXIT_USAGE;
            break;
        case 't':
            if (strcmp(optarg, "single") == 0) o->tie = URNE_MATCH_TIE_SINGLE;
            else if (strcmp(optarg, "multiple") == 0) o->tie = URNE_MATCH_TIE_MULTIPLE;
            else return fprintf(stderr, _("urne match: --tie-break is single or multiple, not %s\n"), optarg), URNE_EXIT_USAGE;
            break;
        case 's':
            errno = 0;
            o->seed = strtoull(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || optarg[0] == '\0')
                return fprintf(stderr, _("urne match: --seed is a whole number from 0 to 18446744073709551615, not %s\n"),
                               optarg), URNE_EXIT_USAGE;
            o->seed_given = 1;
            break;
        case 'h': match_usage(stdout); return -1;
        default: match_usage(stderr); return URNE_EXIT_USAGE;
        }
    }
    if (!o->pupils || !o->hosts) return match_usage(stderr), URNE_EXIT_USAGE;
    if ((o->distances != NULL) != (o->max_km >= 0))
        return fprintf(stderr, _("urne match: --distances and --max-km go together\n")), URNE_EXIT_USAGE;
    if (o->tie == URNE_MATCH_TIE_MULTIPLE && o->method != URNE_MATCH_DA)
        return fprintf(stderr, _("urne match: --tie-break multiple applies to da only; ttc and serial use one order\n")),
               URNE_EXIT_USAGE;
    return 0;
}

/* The three files read and checked, the lottery drawn when not given. */
static void word_fault(const urne_match_input *in, const urne_match_fault *f) {
    const char *pupil = f->pupil < in->in.npupils ? in->pupils[f->pupil].id : "?";
    const char *host = f->host < in->in.nhosts ? in->hosts[f->host].id : "?";
    switch (f->kind) {
    case URNE_MATCH_BAD_HOST: fprintf(stderr, _("pupil %s: placed at a host that does not exist\n"), pupil); break;
    case URNE_MATCH_NOT_WISHED: fprintf(stderr, _("pupil %s: placed at %s, which they did not wish\n"), pupil, host); break;
    case URNE_MATCH_INELIGIBLE:
        fprintf(stderr, _("pupil %s: placed at %s, which does not take them (week or ranking)\n"), pupil, host);
        break;
    case URNE_MATCH_OVER_CAPACITY:
        fprintf(stderr, _("host %s: %lld pupils for %lld places\n"), host, (long long)f->count, (long long)f->limit);
        break;
    case URNE_MATCH_BLOCKING_PAIR:
        fprintf(stderr, _("pupil %s and host %s would both rather have each other (a blocking pair)\n"), pupil, host);
        break;
    case URNE_MATCH_KEPT_CHANGED:
        fprintf(stderr, _("pupil %s: kept their place from an earlier round, but is placed elsewhere\n"), pupil);
        break;
    case URNE_MATCH_ABSENT_PLACED: fprintf(stderr, _("pupil %s: takes no part in this round, but is placed\n"), pupil); break;
    case URNE_MATCH_NOT_OPTIMAL:
        fprintf(stderr, _("pupil %s: deferred acceptance places them at %s instead\n"), pupil,
                f->host == URNE_MATCH_NONE ? _("no host") : host);
        break;
    }
}

enum { IN_HOSTS, IN_PUPILS, IN_RANKINGS, IN_DISTANCES, IN_KEEP, IN_REFUSED, NIN };

/* The files read and checked, the lottery drawn when not given. */
typedef struct loaded {
    urne_io_buffer buf[NIN];
    urne_match_input input;
    uint32_t *kept;   /* a later round: the places kept from the earlier one, or NULL */
    uint8_t *absent;  /* the pupils who refused theirs, or NULL */
    unsigned char digest[crypto_hash_sha256_BYTES];
} loaded;

/* A later round's files: the assignment whose places are kept (but for the
 * pupils who refused theirs, who take no part), checked to fit the hosts. */
static int load_round(const opts *o, loaded *l, urne_diags *d) {
    urne_match_input *in = &l->input;
    size_t n = in->in.npupils ? in->in.npupils : 1;
    if ((l->absent = calloc(n, 1)) == NULL) return -1;
    in->in.absent = l->absent;
    if (o->refused && urne_io_match_pupil_list(in, l->buf[IN_REFUSED].data, l->buf[IN_REFUSED].len, l->absent,
                                               &d[IN_REFUSED]) < 0)
        return -1;
    if (!o->keep) return 0;
    if ((l->kept = malloc(n * sizeof *l->kept)) == NULL ||
        urne_io_match_assignment(in, l->buf[IN_KEEP].data, l->buf[IN_KEEP].len, l->kept, NULL, &d[IN_KEEP]) < 0)
        return -1;
    for (size_t p = 0; p < in->in.npupils; p++)
        if (l->absent[p]) l->kept[p] = URNE_MATCH_NONE; /* a refused place is freed */
    urne_match_prep prep;
    urne_match_faults f = {0};
    if (urne_match_prepare(&in->in, &prep) < 0) return -1;
    long faults = urne_match_check(&prep, l->kept, 0, 0, &f); /* places, wishes, eligibility of what is kept */
    urne_match_prep_free(&prep);
    if (faults != 0) fprintf(stderr, _("urne match: the places kept from %s do not fit:\n"), o->keep);
    for (size_t i = 0; i < f.n; i++) word_fault(in, &f.items[i]);
    urne_match_faults_free(&f);
    in->in.kept = l->kept;
    return faults == 0 ? 0 : -1;
}

static int load(const opts *o, loaded *l) {
    memset(l, 0, sizeof *l);
    const char *paths[NIN] = {o->hosts, o->pupils, o->rankings, o->distances, o->keep, o->refused};
    urne_diags d[NIN];
    int bad = 0;
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    for (int i = 0; i < NIN; i++) {
        urne_diags_init(&d[i], paths[i]);
        if (paths[i] && urne_io_read_file(paths[i], &l->buf[i], &d[i]) < 0) bad = 1;
        if (paths[i] && !bad) {
            unsigned char len[8];
            for (int k = 0; k < 8; k++) len[k] = (unsigned char)((uint64_t)l->buf[i].len >> (8 * k));
            crypto_hash_sha256_update(&sha, len, sizeof len); /* lengths first: no two inputs hash alike */
            crypto_hash_sha256_update(&sha, (const unsigned char *)l->buf[i].data, l->buf[i].len);
        }
    }
    crypto_hash_sha256_final(&sha, l->digest);
    if (!bad && urne_io_match_read(l->buf[0].data, l->buf[0].len, &d[0], l->buf[1].data, l->buf[1].len, &d[1],
                                   o->rankings ? l->buf[2].data : NULL, l->buf[2].len, &d[2], &l->input) < 0)
        bad = 1;
    if (!bad && o->distances && urne_io_match_distances(&l->input, l->buf[3].data, l->buf[3].len, &d[3]) < 0) bad = 1;
    l->input.in.max_km = o->max_km;
    if (!bad && (o->keep || o->refused) && load_round(o, l, d) < 0) bad = 1;
    for (int i = 0; i < NIN; i++) urne_cli_print_diags(&d[i]), urne_diags_free(&d[i]);
    return bad ? -1 : 0;
}

static void unload(loaded *l) {
    urne_match_input_free(&l->input);
    free(l->kept);
    free(l->absent);
    for (int i = 0; i < NIN; i++) urne_io_buffer_free(&l->buf[i]);
}

/* Draw the lottery when the pupils file gave none. 0, or -1 (memory). */
static int draw_lottery(loaded *l, uint64_t seed) {
    if (l->input.lottery_given) return 0;
    size_t n = l->input.in.npupils;
    int64_t *lot = malloc((n ? n : 1) * sizeof *lot);
    if (lot == NULL) return -1;
    urne_match_draw(l->input.pupils, n, seed, lot);
    for (size_t p = 0; p < n; p++) l->input.pupils[p].lottery = lot[p];
    free(lot);
    return n && l->input.pupils[0].lottery == 0 ? -1 : 0;
}

/* ---- run: the four files ---- */

/* Output gathered in a buffer and handed to stdio in large pieces: a
 * département's explanations are millions of short fields. */
typedef struct out_buf {
    FILE *f;
    size_t n;
    char b[8192];
} out_buf;

static void out_put(out_buf *o, const char *s, size_t len) {
    if (o->n + len > sizeof o->b) {
        fwrite(o->b, 1, o->n, o->f);
        o->n = 0;
        if (len > sizeof o->b) {
            fwrite(s, 1, len, o->f);
            return;
        }
    }
    memcpy(o->b + o->n, s, len);
    o->n += len;
}

static void out_int(out_buf *o, int64_t v) {
    char tmp[24];
    out_put(o, tmp, urne_num_write(v, tmp));
}

/* A CSV field: quoted, its quotes doubled, when it holds a separator, a quote or
 * a line break (or always, when `quote`). */
static void out_field(out_buf *o, const char *s, int quote) {
    size_t n = 0;
    while (s[n] && s[n] != ',' && s[n] != '"' && s[n] != '\n' && s[n] != '\r') n++;
    if (s[n] == '\0' && !quote) {
        out_put(o, s, n);
        return;
    }
    out_put(o, "\"", 1);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) out_put(o, s, (size_t)(q - s) + 1), out_put(o, "\"", 1);
    out_put(o, s, strlen(s));
    out_put(o, "\"", 1);
}

/* A pupil's wish, priority and lottery, ending their line. */
static void out_standing(out_buf *o, const urne_match_pupil *pupil, uint32_t wish) {
    out_put(o, ",", 1);
    if (wish) out_int(o, wish);
    out_put(o, ",", 1), out_int(o, pupil->priority);
    out_put(o, ",", 1), out_int(o, pupil->lottery);
    out_put(o, "\n", 1);
}

static int write_assignment(FILE *f, const urne_match_input *in, const urne_match_result *r) {
    out_buf *o = malloc(sizeof *o);
    if (o == NULL) return -1;
    *o = (out_buf){.f = f};
    fputs("pupil,host,wish,priority,lottery\n", f);
    for (size_t p = 0; p < in->in.npupils; p++) {
        out_field(o, in->pupils[p].id, 0);
        out_put(o, ",", 1);
        if (r->host_of[p] != URNE_MATCH_NONE) out_field(o, in->hosts[r->host_of[p]].id, 0);
        out_standing(o, &in->pupils[p], r->wish_of[p]);
    }
    fwrite(o->b, 1, o->n, f);
    free(o);
    return 0;
}

typedef struct placed_pupil {
    uint32_t host;
    urne_match_key key;
    uint32_t pupil;
} placed_pupil;

static int by_host_key(const void *a, const void *b) {
    const placed_pupil *x = a, *y = b;
    if (x->host != y->host) return x->host < y->host ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

static int write_host_lists(FILE *f, const urne_match_prep *prep, const urne_match_input *in, const urne_match_result *r) {
    size_t n = 0;
    placed_pupil *v = malloc((in->in.npupils ? in->in.npupils : 1) * sizeof *v);
    if (v == NULL) return -1;
    for (size_t p = 0; p < in->in.npupils; p++)
        if (r->host_of[p] != URNE_MATCH_NONE)
            v[n++] = (placed_pupil){r->host_of[p], urne_match_key_of(prep, (uint32_t)p, r->host_of[p]), (uint32_t)p};
    qsort(v, n, sizeof *v, by_host_key);
    out_buf *o = malloc(sizeof *o);
    if (o == NULL) return free(v), -1;
    *o = (out_buf){.f = f};
    fputs("host,pupil,wish,priority,lottery\n", f);
    for (size_t i = 0; i < n; i++) {
        out_field(o, in->hosts[v[i].host].id, 0);
        out_put(o, ",", 1);
        out_field(o, in->pupils[v[i].pupil].id, 0);
        out_standing(o, &in->pupils[v[i].pupil], r->wish_of[v[i].pupil]);
    }
    fwrite(o->b, 1, o->n, f);
    free(o);
    free(v);
    return 0;
}

static const char *why_code(urne_match_why w) {
    static const char *const codes[] = {"full", "week-not-offered", "not-ranked-by-host", "no-places", "taken-before", "too-far"};
    return codes[w];
}

/* One reason, worded in the CLI's language. */
static void word_reason(char *buf, size_t size, const urne_match_input *in, const urne_match_reason *r) {
    const char *host = in->hosts[r->host].id;
    switch (r->why) {
    case URNE_MATCH_WHY_FULL:
        if (r->cutoff_pupil == URNE_MATCH_NONE) snprintf(buf, size, _("%s had no place left for you"), host);
        else if (r->by_rank)
            snprintf(buf, size, _("%s ranked you %lld; its last pupil admitted was ranked %lld"), host,
                     (long long)r->own_priority, (long long)r->cutoff_priority);
        else
            snprintf(buf, size, _("%s was full: its last pupil admitted had priority %lld and lottery number %lld; "
                                  "you have priority %lld and lottery number %lld"),
                     host, (long long)r->cutoff_priority, (long long)r->cutoff_lottery, (long long)r->own_priority,
                     (long long)r->own_lottery);
        break;
    case URNE_MATCH_WHY_WEEK: snprintf(buf, size, _("%s does not offer the week you are available"), host); break;
    case URNE_MATCH_WHY_NOT_RANKED: snprintf(buf, size, _("%s ranks its applicants and did not rank you"), host); break;
    case URNE_MATCH_WHY_NO_PLACES: snprintf(buf, size, _("%s has no places"), host); break;
    case URNE_MATCH_WHY_TRADED: snprintf(buf, size, _("%s's places were taken before your turn"), host); break;
    case URNE_MATCH_WHY_TOO_FAR: snprintf(buf, size, _("%s is further from your commune than the maximum distance"), host); break;
    }
}

/* One explanation line: the codes and figures, then the sentence, always quoted
 * (it is ours, but a host's id inside it may hold a comma). */
static void explanation_line(out_buf *o, const urne_match_input *in, const urne_match_pupil *pupil,
                             const urne_match_reason *r) {
    char text[1200];
    out_field(o, pupil->id, 0);
    out_put(o, ",", 1);
    out_int(o, r->wish);
    out_put(o, ",", 1);
    out_field(o, in->hosts[r->host].id, 0);
    out_put(o, ",", 1);
    const char *code = why_code(r->why);
    out_put(o, code, strlen(code));
    out_put(o, ",", 1);
    if (r->cutoff_pupil != URNE_MATCH_NONE) {
        out_field(o, in->pupils[r->cutoff_pupil].id, 0);
        const int64_t v[4] = {r->cutoff_priority, r->cutoff_lottery, r->own_priority, r->own_lottery};
        for (int i = 0; i < 4; i++) out_put(o, ",", 1), out_int(o, v[i]);
        out_put(o, ",", 1);
    } else
        out_put(o, ",,,,,", 5);
    word_reason(text, sizeof text, in, r);
    out_field(o, text, 1);
    out_put(o, "\n", 1);
}

static int write_explanations(FILE *f, const urne_match_prep *prep, const opts *o, const urne_match_input *in,
                              const urne_match_result *r) {
    urne_match_cutoffs c;
    size_t max = 0;
    for (size_t p = 0; p < in->in.npupils; p++)
        if (in->pupils[p].nwishes > max) max = in->pupils[p].nwishes;
    urne_match_reason *why = malloc((max ? max : 1) * sizeof *why);
    if (why == NULL || urne_match_cutoffs_make(prep, r->host_of, &c) < 0) return free(why), -1;
    fputs("pupil,wish,host,reason,cutoff_pupil,cutoff_priority,cutoff_lottery,own_priority,own_lottery,explanation\n", f);
    out_buf *ob = malloc(sizeof *ob);
    if (ob == NULL) return urne_match_cutoffs_free(&c), free(why), -1;
    *ob = (out_buf){.f = f};
    for (size_t p = 0; p < in->in.npupils; p++) {
        size_t n = urne_match_explain(prep, o->method, r, &c, (uint32_t)p, why, max);
        for (size_t i = 0; i < n; i++) explanation_line(ob, in, &in->pupils[p], &why[i]);
    }
    fwrite(ob->b, 1, ob->n, f);
    free(ob);
    urne_match_cutoffs_free(&c);
    free(why);
    return 0;
}

/* report.json: the engine's figures (urne_match_report_make) in io's words,
 * the same the server gives for a round. 0, or -1 (memory). */
static int write_report(FILE *f, const opts *o, const loaded *l, const urne_match_result *r) {
    urne_match_report rep;
    if (urne_match_report_make(&l->input.in, r, &rep) < 0) return -1;
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, l->digest, sizeof l->digest);
    urne_match_report_meta m = {o->method, o->tie, o->seed, l->input.lottery_given, hex};
    urne_buf b = {0};
    urne_io_match_report_json(&b, &rep, &m);
    urne_match_report_free(&rep);
    int bad = b.oom;
    if (!bad) fwrite(b.data, 1, b.len, f);
    urne_buf_free(&b);
    return bad ? -1 : 0;
}

enum { F_ASSIGNMENT, F_HOSTS, F_EXPLANATIONS, F_REPORT, NFILES };
static const char *const out_names[NFILES] = {"assignment.csv", "host_lists.csv", "explanations.csv", "report.json"};

/* Write the four files under temporary names, then rename them all. */
/* One output file, written under its temporary name. */
typedef struct output_job {
    int which;
    char tmp[4096];
    const opts *o;
    const loaded *l;
    const urne_match_prep *prep;
    const urne_match_result *r;
    int bad;
} output_job;

static void *write_one(void *arg) {
    output_job *j = arg;
    FILE *f = fopen(j->tmp, "w");
    if (f == NULL) {
        fprintf(stderr, _("urne match: cannot write %s: %s\n"), j->tmp, strerror(errno));
        j->bad = 1;
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    if (j->which == F_ASSIGNMENT) j->bad = write_assignment(f, &j->l->input, j->r) < 0;
    else if (j->which == F_HOSTS) j->bad = write_host_lists(f, j->prep, &j->l->input, j->r) < 0;
    else if (j->which == F_EXPLANATIONS) j->bad = write_explanations(f, j->prep, j->o, &j->l->input, j->r) < 0;
    else j->bad = write_report(f, j->o, j->l, j->r) < 0;
    if (ferror(f) | (fclose(f) != 0)) j->bad = 1;
    if (j->bad) fprintf(stderr, _("urne match: cannot write %s: %s\n"), j->tmp, strerror(errno));
    return NULL;
}

/* Write the four files under temporary names, then rename them all. The
 * explanations, the largest by far, are written on a second thread meanwhile:
 * the machine's other core, where a département's run spends a third of its time. */
static int write_outputs(const opts *o, const loaded *l, const urne_match_prep *prep, const urne_match_result *r) {
    if (mkdir(o->out, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, _("urne match: cannot make the directory %s: %s\n"), o->out, strerror(errno));
        return -1;
    }
    output_job jobs[NFILES];
    for (int i = 0; i < NFILES; i++) {
        jobs[i] = (output_job){.which = i, .o = o, .l = l, .prep = prep, .r = r};
        snprintf(jobs[i].tmp, sizeof jobs[i].tmp, "%s/.%s.tmp", o->out, out_names[i]);
    }
    pthread_t side;
    int threaded = pthread_create(&side, NULL, write_one, &jobs[F_EXPLANATIONS]) == 0;
    for (int i = 0; i < NFILES; i++)
        if (i != F_EXPLANATIONS || !threaded) write_one(&jobs[i]);
    if (threaded) pthread_join(side, NULL);
    int bad = 0;
    for (int i = 0; i < NFILES; i++) bad |= jobs[i].bad;
    for (int i = 0; i < NFILES; i++) {
        char final[4200];
        snprintf(final, sizeof final, "%s/%s", o->out, out_names[i]);
        if (bad) remove(jobs[i].tmp);
        else if (rename(jobs[i].tmp, final) < 0) {
            fprintf(stderr, _("urne match: cannot write %s: %s\n"), final, strerror(errno));
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

static int match_run(const opts *o, loaded *l) {
    urne_match_prep prep;
    urne_match_result r;
    if (urne_match_prepare(&l->input.in, &prep) < 0) return fprintf(stderr, _("urne match: out of memory\n")), URNE_EXIT_REJECTED;
    if (urne_match_run(&prep, o->method, &r) < 0) {
        urne_match_prep_free(&prep);
        return fprintf(stderr, _("urne match: out of memory\n")), URNE_EXIT_REJECTED;
    }
    int st = write_outputs(o, l, &prep, &r) < 0 ? URNE_EXIT_REJECTED : URNE_EXIT_OK;
    if (st == URNE_EXIT_OK && o->json) write_report(stdout, o, l, &r);
    if (st == URNE_EXIT_OK && !o->json) {
        size_t placed = 0;
        for (size_t p = 0; p < l->input.in.npupils; p++) placed += r.host_of[p] != URNE_MATCH_NONE;
        printf(_("%zu of %zu pupils placed (seed %llu); written in %s\n"), placed, l->input.in.npupils,
               (unsigned long long)o->seed, o->out);
    }
    urne_match_result_free(&r);
    urne_match_prep_free(&prep);
    return st;
}

/* ---- check ---- */

/* The assignment read; the lottery it was made with taken from it when the
 * pupils file has none (the numbers urne match run writes beside each pupil),
 * else drawn from --seed, which is then required. */
static int read_assignment(const opts *o, loaded *l, uint32_t *host_of) {
    urne_match_input *in = &l->input;
    urne_io_buffer buf;
    urne_diags d;
    urne_diags_init(&d, o->assignment);
    size_t n = in->in.npupils ? in->in.npupils : 1;
    int64_t *lot = malloc(n * sizeof *lot);
    int got = -1;
    if (lot && urne_io_read_file(o->assignment, &buf, &d) == 0) {
        got = urne_io_match_assignment(in, buf.data, buf.len, host_of, in->lottery_given ? NULL : lot, &d);
        urne_io_buffer_free(&buf);
    }
    urne_cli_print_diags(&d);
    urne_diags_free(&d);
    if (got == 1)
        for (size_t p = 0; p < in->in.npupils; p++) in->pupils[p].lottery = lot[p];
    free(lot);
    if (got == 0 && !in->lottery_given && !o->seed_given) {
        fprintf(stderr, _("urne match: the pupils have no lottery numbers, nor the assignment: give the run's --seed\n"));
        return -1;
    }
    if (got == 0 && !in->lottery_given && draw_lottery(l, o->seed) < 0) return -1;
    return got < 0 ? -1 : 0;
}

static int match_check(const opts *o, loaded *l) {
    const urne_match_input *in = &l->input;
    uint32_t *host_of = malloc((in->in.npupils ? in->in.npupils : 1) * sizeof *host_of);
    int bad = host_of == NULL || read_assignment(o, l, host_of) < 0;
    urne_match_prep prep;
    if (bad || urne_match_prepare(&in->in, &prep) < 0) return free(host_of), URNE_EXIT_REJECTED;
    urne_match_faults f = {0};
    int da = o->method == URNE_MATCH_DA;
    long n = urne_match_check(&prep, host_of, da, da, &f);
    for (size_t i = 0; i < f.n; i++) word_fault(in, &f.items[i]);
    if (n > 0 && f.total > f.n) fprintf(stderr, _("(and %zu more)\n"), f.total - f.n);
    if (n == 0) printf(da ? _("the assignment holds: places, wishes, no blocking pair, the pupil-optimal stable result\n")
                          : _("the assignment holds: places and wishes\n"));
    if (n < 0) fprintf(stderr, _("urne match: out of memory\n"));
    urne_match_faults_free(&f);
    urne_match_prep_free(&prep);
    free(host_of);
    return n == 0 ? URNE_EXIT_OK : URNE_EXIT_REJECTED;
}

int urne_cli_match(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        match_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? URNE_EXIT_USAGE : URNE_EXIT_OK;
    }
    int check = strcmp(argv[1], "check") == 0;
    if (!check && strcmp(argv[1], "run") != 0) {
        fprintf(stderr, _("urne match: unknown subcommand %s (run, check)\n"), argv[1]);
        return URNE_EXIT_USAGE;
    }
    opts o;
    int st = parse_opts(argc - 1, argv + 1, &o);
    if (st) return st < 0 ? URNE_EXIT_OK : st;
    if (check ? !o.assignment : !o.out) return match_usage(stderr), URNE_EXIT_USAGE;
    if (sodium_init() < 0) return URNE_EXIT_REJECTED;
    if (!o.seed_given && !check) randombytes_buf(&o.seed, sizeof o.seed);
    loaded l;
    if (load(&o, &l) < 0) return unload(&l), URNE_EXIT_REJECTED;
    l.input.in.tie = o.tie, l.input.in.seed = o.seed;
    if (!check && draw_lottery(&l, o.seed) < 0) {
        fprintf(stderr, _("urne match: out of memory\n"));
        return unload(&l), URNE_EXIT_REJECTED;
    }
    st = check ? match_check(&o, &l) : match_run(&o, &l);
    unload(&l);
    return st;
}
