/*
 * cmd_results: `urne results tally|check`. Reads a tally-sheet file through io/,
 * checks and aggregates it with the results engine, decides the outcome under the
 * chosen rules, and prints a table, JSON or the Ministry's CSV layout. Output goes to
 * standard output, or to --output FILE written whole (temporary file, then rename),
 * so an interrupted or rejected run leaves no half-written result behind.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../io/io_file.h"
#include "../io/results_io.h"
#include "cli.h"

static void results_usage(FILE *out) {
    fprintf(out,
            _("Usage: urne results tally FILE [options]   count the sheets, print results and outcome\n"
              "       urne results check FILE [options]   only check the sheets\n\n"
              "Options:\n"
              "  --format ministry|legislative|native  input format (default: guessed from the file)\n"
              "  --encoding auto|utf8|latin1   input encoding (default: auto)\n"
              "  --level LEVEL       level to show: national, departement, circonscription,\n"
              "                      commune, bureau, or the levels a native file declares\n"
              "                      (default: the top level)\n"
              "  --rules PRESET      %s\n"
              "                      (default: the file's own '# rules:', else presidential for\n"
              "                      Ministry files, legislative for legislative files, party)\n"
              "  --round N           which round the file is (1 or 2; default: the file's, else 1)\n"
              "  --blank-recognised  blank ballots count among exprimés; a blank majority voids the round\n"
              "  --set KEY=VALUE     adjust the rules (repeatable): rounds=1|2, qualify-top=N,\n"
              "                      win-inscrits=N (1/N of inscrits, 0 none), qualify-inscrits=N,\n"
              "                      tie=older|report, final-majority=yes|no, blank=recognised|not-recognised\n"
              "  --compare FILE      compare with stated totals (the legislative per-département file)\n"
              "  --json              print JSON instead of a table\n"
              "  --csv               print CSV in the Ministry's layout (';', decimal commas, CRLF)\n"
              "  --excel             the same CSV for a spreadsheet: UTF-8's byte-order mark first,\n"
              "                      so that Excel reads accents right\n"
              "  --output FILE       write to FILE (whole or not at all) instead of standard output\n"
              "  -h, --help          this help\n\n"
              "Examples:\n"
              "  urne results tally PR17_BVot_T1_dept69.txt --level departement\n"
              "  urne results tally Legislatives_2017_Resultats_T1_Circonscription.csv --format legislative \\\n"
              "      --compare Legislatives_2017_Resultats_T1_Departement.csv\n"
              "  urne results tally examples/primary-round2.csv --json\n"),
            urne_rules_preset_names());
}

#define MAX_SETS 16

typedef struct tally_opts {
    const char *file, *level, *rules, *compare, *output;
    const char *sets[MAX_SETS];
    int nsets;
    urne_results_format format;
    urne_encoding encoding;
    int round, blank, json, csv, excel, check_only;
} tally_opts;

/* Apply "KEY=VALUE" to rules; -1 with the reason in why, in the CLI's language (each
 * reason names the setting at fault). */
static int apply_set(urne_rules *rules, const char *kv, char *why, size_t size) {
    const char *eq = strchr(kv, '=');
    urne_phrase reason;
    if (eq == NULL || eq == kv) {
        urne_phrase_set(&reason, "rule setting '%s': expected KEY=VALUE", kv);
    } else {
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
        if (urne_rules_set(rules, key, eq + 1, &reason) == 0) return 0;
    }
    urne_i18n_phrase(urne_cli_lang(), &reason, why, size);
    return -1;
}

static int parse_opts(int argc, char **argv, tally_opts *o) {
    static const struct option longopts[] = {
        {"format", required_argument, 0, 'f'}, {"encoding", required_argument, 0, 'e'},
        {"level", required_argument, 0, 'l'},  {"rules", required_argument, 0, 'r'},
        {"round", required_argument, 0, 'n'},  {"blank-recognised", no_argument, 0, 'b'},
        {"compare", required_argument, 0, 'c'}, {"json", no_argument, 0, 'j'},
        {"csv", no_argument, 0, 'C'},          {"output", required_argument, 0, 'o'},
        {"set", required_argument, 0, 's'},    {"help", no_argument, 0, 'h'},
        {"excel", no_argument, 0, 'E'},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (urne_io_format_parse(optarg, &o->format) != 0) {
                fprintf(stderr, _("urne results: unknown format '%s' (ministry, legislative, native)\n"), optarg);
                return URNE_EXIT_USAGE;
            }
            break;
        case 'e':
            if (urne_text_encoding_parse(optarg, &o->encoding) != 0) {
                fprintf(stderr, _("urne results: unknown encoding '%s' (auto, utf8, latin1)\n"), optarg);
                return URNE_EXIT_USAGE;
            }
            break;
        case 'l': o->level = optarg; break;
        case 'r': o->rules = optarg; break;
        case 'n':
            if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0) {
                fprintf(stderr, _("urne results: --round takes 1 or 2, not '%s'\n"), optarg);
                return URNE_EXIT_USAGE;
            }
            o->round = atoi(optarg);
            break;
        case 'b': o->blank = 1; break;
        case 's': {
            urne_rules probe;
            char why[400];
            urne_rules_preset("presidential", &probe);
            if (o->nsets == MAX_SETS) {
                fprintf(stderr, _("urne results: at most %d --set options\n"), MAX_SETS);
                return URNE_EXIT_USAGE;
            }
            if (apply_set(&probe, optarg, why, sizeof why) != 0) {
                fprintf(stderr, _("urne results: --set %s\n"), why);
                return URNE_EXIT_USAGE;
            }
            o->sets[o->nsets++] = optarg;
            break;
        }
        case 'c': o->compare = optarg; break;
        case 'j': o->json = 1; break;
        case 'C': o->csv = 1; break;
        case 'E': o->csv = o->excel = 1; break;
        case 'o': o->output = optarg; break;
        case 'h': results_usage(stdout); return -1;
        default:
            fprintf(stderr, _("urne results: unknown or incomplete option '%s'\n\n"), argv[optind - 1]);
            results_usage(stderr);
            return URNE_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, _("urne results: expected one FILE, got %d\n\n"), argc - optind);
        results_usage(stderr);
        return URNE_EXIT_USAGE;
    }
    if (o->json && o->csv) {
        fprintf(stderr, _("urne results: choose --json or --csv (--excel), not both\n"));
        return URNE_EXIT_USAGE;
    }
    o->file = argv[optind];
    if (o->rules) {
        urne_rules probe;
        if (urne_rules_preset(o->rules, &probe) != 0) {
            fprintf(stderr, _("urne results: unknown rules '%s' (known: %s)\n"), o->rules, urne_rules_preset_names());
            return URNE_EXIT_USAGE;
        }
    }
    return URNE_EXIT_OK;
}

/* Load, parse and check a tally file; NULL after printing its errors. */
static urne_round *load(const tally_opts *o, urne_diags *diags) {
    urne_io_buffer in;
    if (urne_io_read_file(o->file, &in, diags) != 0) return NULL;
    urne_round *round = urne_io_results_parse(in.data, in.len, o->format, o->encoding, diags);
    urne_io_buffer_free(&in);
    return round;
}

static int write_report(const tally_opts *o, const urne_report *rep) {
    FILE *out = stdout;
    char tmp[4096];
    if (o->output) {
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", o->output, (long)getpid());
        out = fopen(tmp, "w");
        if (out == NULL) {
            fprintf(stderr, _("urne results: cannot write %s: %s\n"), o->output, strerror(errno));
            return URNE_EXIT_REJECTED;
        }
    }
    int rc = o->json ? urne_io_write_json(out, rep)
                     : (o->csv ? urne_io_write_ministry_csv_styled(out, rep, &(urne_csv_style){o->excel, ','})
                               : urne_io_write_table(out, rep, urne_cli_lang()));
    if (fflush(out) != 0) rc = -1;
    if (o->output) {
        if (fclose(out) != 0) rc = -1;
        if (rc == 0 && rename(tmp, o->output) != 0) rc = -1;
        if (rc != 0) {
            fprintf(stderr, _("urne results: cannot write %s: %s\n"), o->output, strerror(errno));
            remove(tmp);
        }
    }
    return rc == 0 ? URNE_EXIT_OK : URNE_EXIT_REJECTED;
}

/* The Ministry names its files ..._T1_... / -t2-: a round-2 file says so in its name. */
static int round_from_name(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *p = base; p[0] && p[1]; p++) {
        int before = p == base || p[-1] == '_' || p[-1] == '-';
        int after = p[2] == '\0' || p[2] == '_' || p[2] == '-' || p[2] == '.';
        if (before && after && (p[0] == 't' || p[0] == 'T') && (p[1] == '1' || p[1] == '2')) return p[1] - '0';
    }
    return 0;
}

static const char *default_rules(const urne_round *round, urne_results_format fmt) {
    if (round->rules_hint) return round->rules_hint;
    if (round->contest_level > 0) return "legislative";
    return fmt == URNE_FMT_NATIVE ? "party" : "presidential";
}

/* The rules and round number to count under: the preset (option, file, or the
 * format's default), then the file's adjustments, then the command line's. */
static void resolve_rules(const tally_opts *o, urne_round *round, urne_rules *rules) {
    urne_rules_preset(o->rules ? o->rules : default_rules(round, o->format), rules);
    if (o->blank || round->blank_recognised_hint) rules->blank_recognised = 1;
    char why[400]; /* every setting was checked when it was read */
    for (size_t i = 0; i < round->nrule_settings; i++) apply_set(rules, round->rule_settings[i], why, sizeof why);
    for (int i = 0; i < o->nsets; i++) apply_set(rules, o->sets[i], why, sizeof why);
    if (o->round) {
        round->number = o->round;
    } else if (o->format != URNE_FMT_NATIVE && round_from_name(o->file) == 2) {
        round->number = 2;
        fprintf(stderr, _("%s: counted as round 2, as its name says (use --round to override)\n"), o->file);
    }
}

/* --compare: read the stated totals and report every difference as a warning. */
static int compare_stated(const tally_opts *o, const urne_round *round, urne_diags *diags) {
    size_t dlevel = urne_round_level(round, "departement");
    if (dlevel == URNE_NONE) {
        fprintf(stderr, _("urne results: --compare needs a file with a 'departement' level\n"));
        return URNE_EXIT_USAGE;
    }
    urne_diags cdiags;
    urne_diags_init(&cdiags, o->compare);
    urne_io_buffer in;
    urne_tally stated, computed;
    int rc = URNE_EXIT_REJECTED;
    if (urne_io_read_file(o->compare, &in, &cdiags) == 0) {
        if (urne_io_stated_parse(in.data, in.len, o->encoding, &stated, &cdiags) == 0) {
            if (urne_results_aggregate(round, dlevel, &computed) == 0) {
                urne_results_compare(&computed, &stated, "departement", o->compare, diags);
                urne_tally_free(&computed);
                rc = URNE_EXIT_OK;
            }
            urne_tally_free(&stated);
        }
        urne_io_buffer_free(&in);
    }
    if (rc != URNE_EXIT_OK) {
        urne_cli_print_diags(&cdiags);
        fprintf(stderr, _("%s: rejected as stated totals\n"), o->compare);
    }
    urne_diags_free(&cdiags);
    return rc;
}

/* The missing bureaux and the outcome (urne_results_missing, urne_results_decide),
 * on a thread of their own beside the aggregation. */
typedef struct outcome_job {
    const urne_round *round;
    const urne_rules *rules;
    urne_outcome *outcomes;
    int rc;
    urne_diags diags;
} outcome_job;

/* Below this many sheets (a town, a département) a second thread is not worth starting. */
#define ONE_THREAD_BELOW 10000

static void *decide_job(void *arg) {
    outcome_job *job = arg;
    urne_results_missing(job->round, &job->diags); /* its warnings come first */
    job->rc = urne_results_decide(job->round, job->rules, &job->outcomes, &job->diags);
    return NULL;
}

static int tally(const tally_opts *o) {
    urne_diags diags;
    urne_diags_init(&diags, o->file);
    urne_round *round = load(o, &diags);
    if (round == NULL) {
        urne_cli_print_diags(&diags);
        fprintf(stderr,
                urne_i18n_plural(urne_cli_lang(), "%s: rejected: %zu error; nothing was counted\n",
                                 "%s: rejected: %zu errors; nothing was counted\n", diags.errors),
                o->file, diags.errors);
        urne_diags_free(&diags);
        return URNE_EXIT_REJECTED;
    }
    int rc = URNE_EXIT_OK;
    if (o->check_only) {
        urne_results_missing(round, &diags);
        urne_cli_print_diags(&diags);
        printf(_("%s: %zu sheets pass every check (%zu candidates, %zu contests)\n"), o->file, round->nsheets,
               round->ncandidates, round->ncontests);
        urne_round_free(round);
        urne_diags_free(&diags);
        return URNE_EXIT_OK;
    }
    size_t level = 0;
    if (o->level && (level = urne_round_level(round, o->level)) == URNE_NONE) {
        fprintf(stderr, _("urne results: %s has no level '%s'; its levels are:"), o->file, o->level);
        for (size_t l = 0; l < round->nlevels; l++) fprintf(stderr, "%s %s", l ? "," : "", round->levels[l]);
        fprintf(stderr, "\n");
        urne_round_free(round);
        urne_diags_free(&diags);
        return URNE_EXIT_USAGE;
    }
    urne_rules rules;
    resolve_rules(o, round, &rules);
    urne_tally tally;
    urne_outcome *outcomes = NULL;
    /* The tally on one side, the missing bureaux and the outcome on the other: passes
     * over every sheet that do not depend on each other, so on a national file they
     * run at once, one per core. */
    outcome_job job = {round, &rules, NULL, -1, {0}};
    urne_diags_init(&job.diags, o->file);
    pthread_t decider;
    int threaded = round->nsheets >= ONE_THREAD_BELOW && pthread_create(&decider, NULL, decide_job, &job) == 0;
    int agg_rc = urne_results_aggregate(round, level, &tally);
    if (threaded)
        pthread_join(decider, NULL);
    else
        decide_job(&job);
    outcomes = job.outcomes;
    urne_diags_append(&diags, &job.diags);
    urne_diags_free(&job.diags);
    if (agg_rc != 0) {
        fprintf(stderr, _("urne: out of memory\n"));
        urne_outcomes_free(outcomes, round->ncontests);
        urne_round_free(round);
        urne_diags_free(&diags);
        return URNE_EXIT_REJECTED;
    }
    if (job.rc != 0) {
        urne_cli_print_diags(&diags);
        rc = URNE_EXIT_REJECTED;
        goto done;
    }
    if (o->compare && (rc = compare_stated(o, round, &diags)) != URNE_EXIT_OK) goto done;
    urne_report rep = {round, &rules, &tally, outcomes, &diags, o->file};
    urne_cli_print_diags(&diags);
    rc = write_report(o, &rep);
done:
    urne_outcomes_free(outcomes, round->ncontests);
    urne_tally_free(&tally);
    urne_round_free(round);
    urne_diags_free(&diags);
    return rc;
}

int urne_cli_results(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        results_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? URNE_EXIT_USAGE : URNE_EXIT_OK;
    }
    tally_opts o;
    memset(&o, 0, sizeof o);
    if (strcmp(argv[1], "check") == 0)
        o.check_only = 1;
    else if (strcmp(argv[1], "tally") != 0) {
        fprintf(stderr, _("urne results: unknown subcommand '%s' (tally, check)\n\n"), argv[1]);
        results_usage(stderr);
        return URNE_EXIT_USAGE;
    }
    int rc = parse_opts(argc - 1, argv + 1, &o);
    if (rc == -1) return URNE_EXIT_OK; /* --help */
    if (rc != URNE_EXIT_OK) return rc;
    return tally(&o);
}
