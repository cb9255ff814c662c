/*
 * cmd_sortition: `urne sortition check|draw`. Reads the pool and quotas through io/,
 * checks feasibility, computes LEXIMIN with the sortition engine, draws a panel with
 * the published seed, and writes the results into --out DIR: panel.csv,
 * probabilities.csv, panels.csv and report.json (also printed with --json).
 *
 * The clock lives here, not in the engine (issue 14). The engine bounds its searches by
 * a budget in its own units (panel searches, MIP nodes, EM steps), so that the same
 * files, options and seed give byte-identical outputs on any machine; --budget sets
 * the panel searches. --time-limit is this adapter's: it hands the engine a "should I
 * stop?" callback that reads the monotonic clock, and the progress line's seconds are
 * read here too. A run stopped by the clock is not reproducible, and report.json says
 * so (timed_out, stopped_by, optimum_proven), as it says when a budget stopped it.
 */
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../io/io_file.h"
#include "../io/sortition_io.h"
#include "../io/write_common.h"
#include "cli.h"

static void sortition_usage(FILE *out) {
    fprintf(out,
            _("Usage: urne sortition check --pool P.csv --quotas Q.csv --size K   is any panel possible?\n"
              "       urne sortition draw  --pool P.csv --quotas Q.csv --size K [options]\n\n"
              "Options:\n"
              "  --pool FILE        volunteers: a header, one column per quota category, other columns kept\n"
              "  --quotas FILE      category,feature,min,max\n"
              "  --size K           panel size\n"
              "  --id COLUMN        the volunteers' id column (default: 'id', else the row number)\n"
              "  --method M         leximin (default), maximin, nash, or legacy (the former greedy method)\n"
              "  --households COLS  at most one person per address: the pool's address columns, e.g. street,zip\n"
              "  --seed TEXT        the seed published in advance, e.g. digits drawn in public (default 1)\n"
              "  --panels M         equally likely panels the distribution is rounded to (default 1000)\n"
              "  --out DIR          where to write panel.csv, alternates.csv, probabilities.csv, panels.csv,\n"
              "                     report.json\n"
              "                     (default: sortition-out)\n"
              "  --time-limit S     stop after S seconds with the best distribution found, and say so\n"
              "                     (what is found by then depends on the machine's speed)\n"
              "  --budget N         stop after N panel searches with the best distribution found, and say\n"
              "                     so: the same N stops at the same place on every machine (default 20000)\n"
              "  --column-generation\n"
              "                     LEXIMIN by the paper's column generation alone, without first trying\n"
              "                     the quotas' LP relaxation (much slower; for comparison)\n"
              "  --json             print report.json\n"
              "  -h, --help         this help\n\n"
              "Example:\n"
              "  urne sortition draw --pool respondents.csv --quotas categories.csv --size 20 --seed 20261123\n"));
}

typedef struct opts {
    const char *pool, *quotas, *id, *method, *seed, *out, *households;
    long long size, panels, budget;
    double seconds;
    int json, draw, column_generation;
} opts;

/* Monotonic seconds: for --time-limit and the progress line only, never for a result. */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the engine's callbacks share: the clock's start, the limit, the last line. */
typedef struct clock_ctx {
    double start, seconds, last_line;
    size_t last_round;
    const char *last_phase;
} clock_ctx;

/* The engine's "should I stop?": past --time-limit. */
static int past_time_limit(void *ctx) {
    const clock_ctx *c = ctx;
    return c->seconds > 0 && now() - c->start > c->seconds;
}

/* The engine reports after every unit of work; a line at most every second, and at
 * each new round or phase. */
static void progress(void *ctx, const urne_sortition_progress_info *i) {
    clock_ctx *c = ctx;
    double t = now();
    if (t - c->last_line < 1.0 && i->round == c->last_round && i->phase == c->last_phase) return;
    c->last_line = t, c->last_round = i->round, c->last_phase = i->phase;
    char secs[48], shown[48];
    snprintf(secs, sizeof secs, "%.1f", t - c->start);
    fputc('\r', stderr); /* back to the start of the progress line */
    fprintf(stderr,
            _("sortition (%s): round %zu, %zu of %zu types fixed, %zu panels, %zu LP / %zu MIP solves, %zu searches, "
              "%s s   "),
            i->phase, i->round, i->fixed, i->ntypes, i->panels, i->lp_solves, i->mip_solves, i->panel_searches,
            urne_i18n_decimal(urne_cli_lang(), secs, shown, sizeof shown));
    fflush(stderr);
}

/* SHA-256 over both files, each preceded by its length, then the size and the address
 * columns: anyone holding the same inputs recomputes it. */
static void inputs_hash(const urne_io_buffer *pool, const urne_io_buffer *quotas, const opts *o, char hex[65]) {
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    char head[128];
    crypto_hash_sha256_init(&st);
    snprintf(head, sizeof head, "urne-sortition-v1 pool %zu\n", pool->len);
    crypto_hash_sha256_update(&st, (const unsigned char *)head, strlen(head));
    crypto_hash_sha256_update(&st, (const unsigned char *)pool->data, pool->len);
    snprintf(head, sizeof head, "quotas %zu\n", quotas->len);
    crypto_hash_sha256_update(&st, (const unsigned char *)head, strlen(head));
    crypto_hash_sha256_update(&st, (const unsigned char *)quotas->data, quotas->len);
    snprintf(head, sizeof head, "size %lld households %s\n", o->size, o->households ? o->households : "");
    crypto_hash_sha256_update(&st, (const unsigned char *)head, strlen(head));
    crypto_hash_sha256_final(&st, h);
    for (size_t i = 0; i < sizeof h; i++) snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

/* Write `text` to DIR/NAME whole (temporary file, then rename). */
static FILE *open_out(const char *dir, const char *name, char *tmp, size_t size) {
    snprintf(tmp, size, "%s/%s.tmp", dir, name);
    return fopen(tmp, "w");
}

static int close_out(FILE *f, const char *dir, const char *name, const char *tmp) {
    char final[4096];
    snprintf(final, sizeof final, "%s/%s", dir, name);
    int rc = ferror(f) | fclose(f);
    if (rc == 0) rc = rename(tmp, final);
    if (rc != 0) fprintf(stderr, _("urne sortition: cannot write %s: %s\n"), final, strerror(errno));
    return rc;
}

static const char *const method_names[] = {"leximin", "maximin", "nash", "legacy"};
/* How each method found its distribution (report.json), by method, then LEXIMIN through the relaxation. */
static const char *const algorithm_names[] = {"column generation", "column generation", "column generation",
                                              "greedy runs", "LP relaxation, decomposed"};

/* The pool file's separator, which every output keeps (French spreadsheets write ';'). */
static char sep_of_pool(const urne_pool *p) { return p->sep ? p->sep : ','; }

/* A volunteer's line as the pool file gave it, every column kept, after the row number
 * when the pool has no id column. */
static void put_line(FILE *f, const urne_pool *p, size_t i) {
    if (p->ids_from_rows) fprintf(f, "%s%c", p->ids[i], sep_of_pool(p));
    fprintf(f, "%s\n", p->lines[i]);
}

static void put_header(FILE *f, const urne_pool *p) {
    if (p->ids_from_rows) fprintf(f, "id%c", sep_of_pool(p));
    fprintf(f, "%s\n", p->header);
}

static int write_outputs(const opts *o, const urne_pool *p, const urne_sortition_result *r,
                         const urne_sortition_draw_result *dr, const urne_sortition_alternates_list *alt,
                         json_t *report) {
    if (mkdir(o->out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, _("urne sortition: cannot create %s: %s\n"), o->out, strerror(errno));
        return -1;
    }
    char tmp[4096];
    int rc = 0;
    FILE *f = open_out(o->out, "panel.csv", tmp, sizeof tmp);
    if (f == NULL) return -1;
    put_header(f, p);
    for (size_t i = 0; i < p->n; i++)
        if (dr->selected[i]) put_line(f, p, i);
    rc |= close_out(f, o->out, "panel.csv", tmp);
    if ((f = open_out(o->out, "alternates.csv", tmp, sizeof tmp)) == NULL) return -1;
    char sep = sep_of_pool(p);
    fprintf(f, "rank%creplaces%c", sep, sep);
    put_header(f, p);
    for (size_t a = 0; a < alt->n; a++) {
        fprintf(f, "%zu%c", a + 1, sep);
        urne_write_csv_cell(f, p->ids[alt->replaces[a]], sep);
        fputc(sep, f);
        put_line(f, p, alt->alternate[a]);
    }
    rc |= close_out(f, o->out, "alternates.csv", tmp);
    if ((f = open_out(o->out, "probabilities.csv", tmp, sizeof tmp)) == NULL) return -1;
    fprintf(f, "id%cprobability\n", sep);
    for (size_t i = 0; i < p->n; i++) {
        urne_write_csv_cell(f, p->ids[i], sep);
        fprintf(f, "%c%.9f\n", sep, r->type_prob[p->type_of[i]]);
    }
    rc |= close_out(f, o->out, "probabilities.csv", tmp);
    if ((f = open_out(o->out, "panels.csv", tmp, sizeof tmp)) == NULL) return -1;
    fprintf(f, "ticket_from%cticket_to%cprobability%cmembers\n", sep, sep, sep); /* one row per panel of the support, its tickets of m */
    size_t from = 1;
    for (size_t q = 0; q < r->npanels; q++) {
        if (dr->copies[q] == 0) continue;
        fprintf(f, "%zu%c%zu%c%.9f%c", from, sep, from + dr->copies[q] - 1, sep, r->panel_prob[q], sep);
        from += dr->copies[q];
        /* members by type: "type x seats" in the features' words */
        int first = 1;
        for (size_t t = 0; t < p->ntypes; t++) {
            int64_t x = r->panels[q * p->ntypes + t];
            if (!x) continue;
            fprintf(f, "%s%lldx", first ? "\"" : " ", (long long)x);
            for (size_t c = 0; c < p->ncat; c++)
                fprintf(f, "%s%s", c ? "/" : "", p->feat_names[c][p->type_feature[t * p->ncat + c]]);
            if (p->type_household && p->type_household[t] != URNE_NO_HOUSEHOLD) {
                size_t i = 0;
                while (p->type_of[i] != t) i++;
                fprintf(f, "(%s)", p->ids[i]);
            }
            first = 0;
        }
        fprintf(f, "%s\n", first ? "" : "\"");
    }
    rc |= close_out(f, o->out, "panels.csv", tmp);
    if ((f = open_out(o->out, "report.json", tmp, sizeof tmp)) == NULL) return -1;
    json_dumpf(report, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    rc |= close_out(f, o->out, "report.json", tmp);
    return rc;
}

static json_t *make_report(const opts *o, urne_sortition_method method, const urne_pool *p,
                           const urne_sortition_result *r, const urne_sortition_draw_result *dr,
                           const urne_sortition_alternates_list *alt, uint64_t seed, const char *hash) {
    json_t *rep = json_object();
    char buf[96];
    double mean = 0, max = 0;
    for (size_t i = 0; i < p->n; i++) {
        double pr = r->type_prob[p->type_of[i]];
        mean += pr / (double)p->n;
        if (pr > max) max = pr;
    }
    json_object_set_new(rep, "method", json_string(method_names[method]));
    json_object_set_new(rep, "size", json_integer(o->size));
    json_object_set_new(rep, "pool", json_integer((json_int_t)p->n));
    json_object_set_new(rep, "types", json_integer((json_int_t)p->ntypes));
    json_object_set_new(rep, "households", json_integer((json_int_t)p->nhouseholds));
    /* checked on the panel drawn, not assumed from the engine */
    json_object_set_new(rep, "quotas_met", json_boolean(urne_pool_panel_valid(p, o->size, dr->selected) == 1));
    json_object_set_new(rep, "min_probability", json_real(r->min_prob));
    json_object_set_new(rep, "mean_probability", json_real(mean));
    json_object_set_new(rep, "max_probability", json_real(max));
    json_t *groups = json_object();
    for (size_t c = 0; c < p->ncat; c++) {
        json_t *g = json_object();
        for (size_t f = 0; f < p->nfeat[c]; f++) {
            double sum = 0;
            size_t count = 0;
            for (size_t i = 0; i < p->n; i++)
                if (p->feature[i * p->ncat + c] == f) sum += r->type_prob[p->type_of[i]], count++;
            json_object_set_new(g, p->feat_names[c][f], count ? json_real(sum / (double)count) : json_null());
        }
        json_object_set_new(groups, p->cat_names[c], g);
    }
    json_object_set_new(rep, "probability_by_group", groups);
    json_object_set_new(rep, "seed", json_string(o->seed));
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)seed);
    json_object_set_new(rep, "seed_number", json_string(buf));
    snprintf(buf, sizeof buf, "sha256:%s", hash);
    json_object_set_new(rep, "inputs_hash", json_string(buf));
    json_object_set_new(rep, "panels", json_integer((json_int_t)dr->m));
    json_object_set_new(rep, "ticket", json_integer((json_int_t)dr->ticket + 1));
    json_object_set_new(rep, "rounding_moves", json_integer((json_int_t)dr->rounding.moves));
    json_object_set_new(rep, "rounding_max_deviation", json_real(dr->rounding.deviation));
    json_object_set_new(rep, "largest_remainders_max_deviation", json_real(dr->rounding.largest_remainders_deviation));
    json_object_set_new(rep, "alternates", json_integer((json_int_t)alt->n));
    json_object_set_new(rep, "members_without_alternate", json_integer((json_int_t)alt->without));
    json_object_set_new(rep, "distribution_panels", json_integer((json_int_t)r->npanels));
    json_object_set_new(rep, "panels_generated", json_integer((json_int_t)r->panels_generated));
    json_object_set_new(rep, "rounds", json_integer((json_int_t)r->rounds));
    json_object_set_new(rep, "lp_solves", json_integer((json_int_t)r->lp_solves));
    json_object_set_new(rep, "mip_solves", json_integer((json_int_t)r->mip_solves));
    json_object_set_new(rep, "algorithm", json_string(algorithm_names[method == URNE_SORTITION_LEXIMIN && r->relaxed ? 4 : method]));
    json_object_set_new(rep, "rounding_local_optimum", json_boolean(dr->rounding.local_optimum));
    /* how the search ended: proven, or what stopped it (the clock, or a budget, which
     * the same options reproduce) */
    json_object_set_new(rep, "optimum_proven", json_boolean(r->optimal));
    json_object_set_new(rep, "stopped_by", r->stopped == URNE_SORTITION_COMPLETE ? json_null()
                                           : json_string(r->stopped == URNE_SORTITION_STOP_CALLER
                                                             ? "time limit"
                                                             : urne_sortition_stop_name(r->stopped)));
    json_object_set_new(rep, "timed_out", json_boolean(r->stopped == URNE_SORTITION_STOP_CALLER));
    json_object_set_new(rep, "panel_searches", json_integer((json_int_t)r->panel_searches));
    json_object_set_new(rep, "panel_search_budget",
                        json_integer(o->budget > 0 ? o->budget : (json_int_t)URNE_SORTITION_DEFAULT_SEARCHES));
    return rep;
}

/* Feasibility first: say what is wrong and what would mend it. 1 feasible, 0 not, -1 failure. */
static int check_quotas(const opts *o, const urne_pool *p, urne_diags *d) {
    urne_sortition_feasibility fe;
    if (urne_sortition_check(p, o->size, &fe, d) != 0) {
        urne_cli_print_diags(d);
        return -1;
    }
    int rc = fe.feasible;
    if (!fe.feasible) {
        fprintf(stderr, _("%s: no panel of %lld meets every quota of %s.\n"), o->pool, o->size, o->quotas);
        if (fe.size_impossible) {
            if (p->nhouseholds)
                fprintf(stderr,
                        _("  No relaxation of the quotas helps: the pool (one person per household) cannot fill "
                          "%lld seats.\n"),
                        o->size);
            else
                fprintf(stderr, _("  No relaxation of the quotas helps: the pool cannot fill %lld seats.\n"), o->size);
        } else {
            if (fe.within_flex)
                fputs(_("  The quotas in conflict, and the smallest relaxation that makes panels possible:\n"), stderr);
            else
                fputs(_("  The quotas in conflict, and the smallest relaxation that makes panels possible (beyond "
                        "min_flex/max_flex: none within them does):\n"),
                      stderr);
            for (size_t i = 0; i < fe.nrelax; i++) {
                const urne_sortition_relax *x = &fe.relax[i];
                if (x->new_min != x->min)
                    fprintf(stderr, _("    %s/%s: minimum %lld -> %lld\n"), p->cat_names[x->cat], p->feat_names[x->cat][x->feat],
                            (long long)x->min, (long long)x->new_min);
                if (x->new_max != x->max)
                    fprintf(stderr, _("    %s/%s: maximum %lld -> %lld\n"), p->cat_names[x->cat], p->feat_names[x->cat][x->feat],
                            (long long)x->max, (long long)x->new_max);
            }
        }
    } else if (fe.nuncovered) {
        fprintf(stderr,
                urne_i18n_plural(urne_cli_lang(),
                                 "%s: warning: %zu volunteer is on no panel that meets the quotas (probability 0):",
                                 "%s: warning: %zu volunteers are on no panel that meets the quotas (probability 0):",
                                 fe.nuncovered),
                o->pool, fe.nuncovered);
        size_t shown = 0;
        for (size_t i = 0; i < p->n && shown < 20; i++)
            if (!fe.covered[p->type_of[i]]) fprintf(stderr, "%s %s", shown++ ? "," : "", p->ids[i]);
        fprintf(stderr, "%s\n", fe.nuncovered > shown ? ", ..." : "");
    }
    urne_sortition_check_free(&fe);
    return rc;
}

static int run(const opts *o, urne_sortition_method method) {
    urne_diags pd, qd, d;
    urne_diags_init(&pd, o->pool);
    urne_diags_init(&qd, o->quotas);
    urne_diags_init(&d, "urne sortition");
    urne_io_buffer pb, qb;
    urne_pool p;
    int rc = URNE_EXIT_REJECTED, have_pool = 0;
    memset(&pb, 0, sizeof pb);
    memset(&qb, 0, sizeof qb);
    if (urne_io_read_file(o->pool, &pb, &pd) == 0 && urne_io_read_file(o->quotas, &qb, &qd) == 0 &&
        urne_io_parse_sortition(pb.data, pb.len, qb.data, qb.len, URNE_ENC_AUTO, o->id, o->households, &p, &pd, &qd) == 0)
        have_pool = 1;
    urne_cli_print_diags(&qd);
    urne_cli_print_diags(&pd);
    if (!have_pool) goto out;
    if (o->size > (long long)p.n) {
        fprintf(stderr, _("urne sortition: a panel of %lld from a pool of %zu is impossible\n"), o->size, p.n);
        goto out;
    }
    int feasible = check_quotas(o, &p, &d);
    if (feasible != 1) goto out;
    if (!o->draw) {
        if (p.nhouseholds)
            printf(_("%s: %zu volunteers in %zu types (households apart); panels of %lld meeting every quota exist\n"),
                   o->pool, p.n, p.ntypes, o->size);
        else
            printf(_("%s: %zu volunteers in %zu types; panels of %lld meeting every quota exist\n"), o->pool, p.n,
                   p.ntypes, o->size);
        rc = URNE_EXIT_OK;
        goto out;
    }
    uint64_t seed = urne_sortition_seed(o->seed);
    urne_sortition_result r;
    clock_ctx clk = {.start = now(), .seconds = o->seconds, .last_line = -1e300};
    urne_sortition_options so = {.method = method,
                                 .budget = {.panel_searches = (size_t)o->budget},
                                 .should_stop = o->seconds > 0 ? past_time_limit : NULL,
                                 .stop_ctx = &clk,
                                 .progress = progress,
                                 .ctx = &clk,
                                 .seed = seed,
                                 .legacy_runs = (size_t)o->panels,
                                 .no_relaxation = o->column_generation};
    if (urne_sortition_distribution(&p, o->size, &so, &r, &d) != 0) {
        fputc('\n', stderr);
        urne_cli_print_diags(&d);
        goto out;
    }
    fputc('\n', stderr);
    if (r.stopped == URNE_SORTITION_STOP_CALLER)
        fprintf(stderr, _("urne sortition: time limit reached: the distribution is the best found, not the %s optimum\n"),
                method_names[method]);
    else if (r.stopped != URNE_SORTITION_COMPLETE)
        fprintf(stderr, _("urne sortition: %s: the distribution is the best found, not proven the %s optimum\n"),
                urne_sortition_stop_name(r.stopped), method_names[method]);
    urne_sortition_draw_result dr;
    urne_sortition_alternates_list alt;
    if (urne_sortition_draw(&p, &r, (size_t)o->panels, seed, &dr) == 0) {
        if (urne_sortition_alternates(&p, dr.selected, seed, &alt) == 0) {
            char hash[65];
            inputs_hash(&pb, &qb, o, hash);
            json_t *rep = make_report(o, method, &p, &r, &dr, &alt, seed, hash);
            if (write_outputs(o, &p, &r, &dr, &alt, rep) == 0) {
                if (o->json) {
                    json_dumpf(rep, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                    fputc('\n', stdout);
                } else {
                    size_t len = strlen(o->out);
                    char pct[48], shown[48];
                    snprintf(pct, sizeof pct, "%.4f", 100 * r.min_prob);
                    printf(_("Panel drawn: ticket %zu of %zu; minimum probability %s %%; %zu alternates; written to "
                             "%s%s\n"),
                           dr.ticket + 1, dr.m, urne_i18n_decimal(urne_cli_lang(), pct, shown, sizeof shown), alt.n,
                           o->out, len && o->out[len - 1] == '/' ? "" : "/");
                }
                rc = URNE_EXIT_OK;
            }
            json_decref(rep);
            urne_sortition_alternates_free(&alt);
        }
        urne_sortition_draw_free(&dr);
    }
    urne_sortition_result_free(&r);
out:
    if (have_pool) urne_pool_free(&p);
    urne_io_buffer_free(&pb);
    urne_io_buffer_free(&qb);
    urne_diags_free(&pd);
    urne_diags_free(&qd);
    urne_diags_free(&d);
    return rc;
}

int urne_cli_sortition(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        sortition_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? URNE_EXIT_USAGE : URNE_EXIT_OK;
    }
    opts o = {.method = "leximin", .seed = "1", .out = "sortition-out", .panels = 1000};
    if (strcmp(argv[1], "draw") == 0)
        o.draw = 1;
    else if (strcmp(argv[1], "check") != 0) {
        fprintf(stderr, _("urne sortition: unknown subcommand '%s' (check, draw)\n"), argv[1]);
        return URNE_EXIT_USAGE;
    }
    static const struct option longopts[] = {
        {"pool", required_argument, 0, 'p'},   {"quotas", required_argument, 0, 'q'},
        {"size", required_argument, 0, 'k'},   {"id", required_argument, 0, 'i'},
        {"method", required_argument, 0, 'm'}, {"seed", required_argument, 0, 's'},
        {"panels", required_argument, 0, 'P'}, {"out", required_argument, 0, 'o'},
        {"time-limit", required_argument, 0, 't'}, {"json", no_argument, 0, 'j'},
        {"households", required_argument, 0, 'H'}, {"help", no_argument, 0, 'h'},
        {"column-generation", no_argument, 0, 'C'}, {"budget", required_argument, 0, 'B'},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    char *end;
    while ((c = getopt_long(argc - 1, argv + 1, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': o.pool = optarg; break;
        case 'q': o.quotas = optarg; break;
        case 'i': o.id = optarg; break;
        case 'm': o.method = optarg; break;
        case 's': o.seed = optarg; break;
        case 'o': o.out = optarg; break;
        case 'j': o.json = 1; break;
        case 'C': o.column_generation = 1; break;
        case 'k':
        case 'P':
        case 'B': {
            long long v = strtoll(optarg, &end, 10);
            if (*end || v < 1) {
                fprintf(stderr, _("urne sortition: --%s takes a whole number >= 1, not '%s'\n"),
                        c == 'k' ? "size" : c == 'P' ? "panels" : "budget", optarg);
                return URNE_EXIT_USAGE;
            }
            if (c == 'k') o.size = v;
            else if (c == 'P') o.panels = v;
            else o.budget = v;
            break;
        }
        case 't':
            o.seconds = strtod(optarg, &end);
            if (*end || o.seconds <= 0) {
                fprintf(stderr, _("urne sortition: --time-limit takes seconds > 0, not '%s'\n"), optarg);
                return URNE_EXIT_USAGE;
            }
            break;
        case 'H': o.households = optarg; break;
        case 'h': sortition_usage(stdout); return URNE_EXIT_OK;
        default:
            fprintf(stderr, _("urne sortition: unknown or incomplete option '%s'\n\n"), argv[optind]);
            sortition_usage(stderr);
            return URNE_EXIT_USAGE;
        }
    }
    if (!o.pool || !o.quotas || !o.size || optind != argc - 1) {
        fprintf(stderr, _("urne sortition: --pool, --quotas and --size are required, and nothing else\n\n"));
        sortition_usage(stderr);
        return URNE_EXIT_USAGE;
    }
    for (int m = 0; m < 4; m++)
        if (strcmp(o.method, method_names[m]) == 0) return run(&o, (urne_sortition_method)m);
    fprintf(stderr, _("urne sortition: unknown method '%s' (leximin, maximin, nash, legacy)\n"), o.method);
    return URNE_EXIT_USAGE;
}
