/*
 * cmd_count: `urne count --method METHOD [--rule RULE] [--seats N] [--format FMT]
 * [--seed S] [--json] FILE`. Reads ballots through io/, counts them with the count
 * engine, prints the report. Ties that the rules leave to lot are drawn from --seed
 * (default 1) and reported, so anyone can replay the count.
 *
 * --method takes a list, `--method schulze,irv,borda`: the file is read and parsed
 * once and every method counts the same ballots, the reports printed one after the
 * other in the order asked (with --json, a JSON array of them). For speed: reading
 * and parsing is most of a count's time (100,000 ballots over 10 candidates: the
 * parse is five sixths of a Schulze count), so five methods from one read cost about
 * a fifth of five runs. Every method is counted before anything is printed: when one
 * rejects the ballots, no report is written.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/ballots_io.h"
#include "../io/io_file.h"
#include "cli.h"

typedef int (*single_fn)(const urne_ballots *, uint64_t, urne_count_result *, urne_diags *);

static const struct {
    const char *name;
    single_fn fn;
    const char *summary;
} single_methods[] = {
    {"plurality", urne_count_plurality, N_("most first preferences")},
    {"approval", urne_count_approval, N_("most approvals (a ballot approves its first rank: all tied first)")},
    {"two-round", urne_count_two_round, N_("majority, else the top two meet, from the same ballots")},
    {"borda", urne_count_borda, N_("n-1 points for a first place, n-2 for a second...")},
    {"irv", urne_count_irv, N_("instant-runoff: exclude the last until a majority")},
    {"schulze", urne_count_schulze, N_("Condorcet, strongest paths (winning votes)")},
    {"ranked-pairs", urne_count_ranked_pairs, N_("Condorcet, lock majorities strongest first (Tideman)")},
    {"copeland", urne_count_copeland, N_("Condorcet, most pairwise wins")},
    {"minimax", urne_count_minimax, N_("Condorcet, smallest worst defeat")},
};

static void count_usage(FILE *out) {
    fprintf(out, _("Usage: urne count --method METHOD[,METHOD...] [options] FILE\n\nMethods:\n"));
    for (size_t i = 0; i < sizeof single_methods / sizeof single_methods[0]; i++)
        fprintf(out, "  %-13s %s\n", single_methods[i].name, _(single_methods[i].summary));
    fprintf(out,
            _("  %-13s single transferable vote, --rule scottish (the 2007 Scottish rules, default),\n"
              "                meek (Meek's method, New Zealand arithmetic) or wigm (Gregory, 9 decimals)\n"
              "  %-13s majority judgment, from a CSV of grades ('# grades: best, ..., worst')\n"
              "  %-13s seats for lists by highest average, divisors 1, 2, 3...\n"
              "  %-13s seats for lists by highest average, divisors 1, 3, 5...\n"
              "  %-13s seats for lists by largest remainder (Hare quota)\n"
              "  %-13s French municipal rule: majority bonus, then highest average among lists >= 5 %%\n\n"
              "Options:\n"
              "  --method METHOD   how to count (required); a list such as schulze,irv,borda counts\n"
              "                    the same ballots by each method from one reading of the file\n"
              "  --rule RULE       STV rule: scottish (default), meek, wigm\n"
              "  --seats N         seats to fill (default: the file's, else 1)\n"
              "  --threshold PCT   seat methods: lists under PCT %% of valid votes take no seat (e.g. 5, 3.5)\n"
              "  --round 1|2       municipal: round 1 needs an absolute majority for the bonus (default 1)\n"
              "  --format FMT      blt, hil, soc, soi, toc, toi, cat, debian, text, csv (default: the\n"
              "                    file's extension, else guessed from its content)\n"
              "  --encoding E      auto, utf8, latin1 (default: auto)\n"
              "  --seed S          seed for ties the rules leave to lot (default 1; reported)\n"
              "  --json            print the report as JSON\n"
              "  -h, --help        this help\n\n"
              "Examples:\n"
              "  urne count --method stv --rule scottish Anderston-City-2007.blt\n"
              "  urne count --method schulze leader2006_tally.txt\n"
              "  urne count --method irv --json 00005-00000002.toi\n"
              "  urne count --method schulze,ranked-pairs,irv,borda ballots.blt\n"
              "  urne count --method municipal --seats 29 lists.txt   (lines such as '1520: Liste A')\n"),
            "stv", "mj", "dhondt", "sainte-lague", "hare", "municipal");
}

/* Write a count's report; a rejection's messages otherwise. Returns the exit status. */
static int finish(const char *file, int counted, int json, const urne_ballots *b, const urne_count_result *r,
                  size_t shown, urne_diags *diags) {
    int rc = URNE_EXIT_REJECTED;
    if (counted == 0)
        rc = (json ? urne_io_write_count_json(stdout, b, r, shown) : urne_io_write_count_table(stdout, b, r, shown)) == 0
                 ? URNE_EXIT_OK
                 : URNE_EXIT_REJECTED;
    if (rc != URNE_EXIT_OK) {
        urne_cli_print_diags(diags);
        if (diags->errors)
            fprintf(stderr,
                    urne_i18n_plural(urne_cli_lang(), "%s: rejected: %zu error; nothing was counted\n",
                                     "%s: rejected: %zu errors; nothing was counted\n", diags->errors),
                    file, diags->errors);
    }
    return rc;
}

/* Majority judgment reads grades, not rankings: its own path from file to report. */
static int count_mj(const char *file, urne_encoding enc, uint64_t seed, int json) {
    urne_diags diags;
    urne_diags_init(&diags, file);
    urne_io_buffer in;
    urne_grades g; /* lives until the report is written: its grade names label it */
    urne_ballots names; /* the writers take names and title from ballots */
    urne_count_result r;
    int counted = -1;
    memset(&g, 0, sizeof g);
    memset(&names, 0, sizeof names);
    memset(&r, 0, sizeof r);
    if (urne_io_read_file(file, &in, &diags) == 0) {
        int parsed = urne_io_parse_grades_csv(in.data, in.len, enc, &g, &diags);
        urne_io_buffer_free(&in);
        if (parsed == 0) {
            if (urne_ballots_init(&names, g.ncand, g.names) == 0 &&
                (g.title == NULL || urne_ballots_title(&names, g.title) == 0))
                counted = urne_count_mj(&g, seed, &r, &diags);
            names.total = g.total;
        }
    }
    int rc = finish(file, counted, json, &names, &r, 1, &diags);
    urne_count_result_free(&r);
    urne_grades_free(&g);
    urne_ballots_free(&names);
    urne_diags_free(&diags);
    return rc;
}

/* What the command line asks for. */
typedef struct count_opts {
    const char *method, *rule, *file;
    long long seats; /* 0: not given */
    unsigned long long seed;
    int json, round;
    int64_t threshold_bp;
    urne_ballot_format fmt;
    urne_encoding enc;
} count_opts;

/* The method named by --method, resolved: exactly one of these is set. */
typedef struct count_method {
    single_fn single;
    int stv;
    int seat_method; /* an urne_seat_method, or -1 */
    int mj;
} count_method;

#define PARSED -1 /* not an exit status: the command line was read, go on */

/* One option's argument into o. PARSED, or the exit status when the command ends
 * here (--help, or a bad argument, said on standard error). */
static int count_option(int c, const char *arg, char **argv, count_opts *o) {
    char *end;
    switch (c) {
    case 'm': o->method = arg; break;
    case 'r': o->rule = arg; break;
    case 's':
        o->seats = strtoll(arg, &end, 10);
        if (*end || o->seats < 1) {
            fprintf(stderr, _("urne count: --seats takes a whole number >= 1, not '%s'\n"), arg);
            return URNE_EXIT_USAGE;
        }
        break;
    case 'f':
        if (urne_io_ballot_format_parse(arg, &o->fmt) != 0) {
            fprintf(stderr, _("urne count: unknown format '%s' (blt, hil, soc, soi, toc, toi, debian)\n"), arg);
            return URNE_EXIT_USAGE;
        }
        break;
    case 'e':
        if (urne_text_encoding_parse(arg, &o->enc) != 0) {
            fprintf(stderr, _("urne count: unknown encoding '%s' (auto, utf8, latin1)\n"), arg);
            return URNE_EXIT_USAGE;
        }
        break;
    case 'S':
        o->seed = strtoull(arg, &end, 10);
        if (*end || !*arg) {
            fprintf(stderr, _("urne count: --seed takes a whole number, not '%s'\n"), arg);
            return URNE_EXIT_USAGE;
        }
        break;
    case 'j': o->json = 1; break;
    case 't': {
        double pct = strtod(arg, &end);
        if (*end || pct < 0 || pct > 100) {
            fprintf(stderr, _("urne count: --threshold takes a percentage from 0 to 100, not '%s'\n"), arg);
            return URNE_EXIT_USAGE;
        }
        o->threshold_bp = (int64_t)(pct * 100 + 0.5); /* basis points: 5 -> 500, 3.5 -> 350 */
        break;
    }
    case 'R':
        if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0) {
            fprintf(stderr, _("urne count: --round takes 1 or 2, not '%s'\n"), arg);
            return URNE_EXIT_USAGE;
        }
        o->round = arg[0] - '0';
        break;
    case 'h': count_usage(stdout); return URNE_EXIT_OK;
    default:
        fprintf(stderr, _("urne count: unknown or incomplete option '%s'\n\n"), argv[optind - 1]);
        count_usage(stderr);
        return URNE_EXIT_USAGE;
    }
    return PARSED;
}

/* The command line into o: PARSED, or the exit status when the command ends here. */
static int count_parse(int argc, char **argv, count_opts *o) {
    static const struct option longopts[] = {
        {"method", required_argument, 0, 'm'}, {"rule", required_argument, 0, 'r'},
        {"seats", required_argument, 0, 's'},  {"format", required_argument, 0, 'f'},
        {"encoding", required_argument, 0, 'e'}, {"seed", required_argument, 0, 'S'},
        {"json", no_argument, 0, 'j'},         {"help", no_argument, 0, 'h'},
        {"threshold", required_argument, 0, 't'}, {"round", required_argument, 0, 'R'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->round = 1;
    o->fmt = URNE_BFMT_AUTO;
    o->enc = URNE_ENC_AUTO;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int rc = count_option(c, optarg, argv, o);
        if (rc != PARSED) return rc;
    }
    if (optind != argc - 1 || o->method == NULL) {
        if (o->method == NULL)
            fputs(_("urne count: --method is required\n\n"), stderr);
        else
            fputs(_("urne count: expected one FILE\n\n"), stderr);
        count_usage(stderr);
        return URNE_EXIT_USAGE;
    }
    o->file = argv[optind];
    return PARSED;
}

/* One method of --method (with --rule and --seats, which depend on it; --rule may come
 * with a list that names stv among others) into m: PARSED, or
 * URNE_EXIT_USAGE when they do not go together (said on standard error). */
static int count_resolve(const count_opts *o, const char *method, int list_has_stv, count_method *m) {
    static const struct { const char *name; urne_seat_method m; } seat_methods[] = {
        {"dhondt", URNE_SEATS_DHONDT}, {"sainte-lague", URNE_SEATS_SAINTE_LAGUE},
        {"hare", URNE_SEATS_HARE},     {"municipal", URNE_SEATS_MUNICIPAL},
    };
    const char *rule = o->rule;
    m->single = NULL;
    m->stv = strcmp(method, "stv") == 0;
    m->seat_method = -1;
    for (size_t i = 0; i < sizeof seat_methods / sizeof seat_methods[0]; i++)
        if (strcmp(method, seat_methods[i].name) == 0) m->seat_method = (int)seat_methods[i].m;
    for (size_t i = 0; i < sizeof single_methods / sizeof single_methods[0]; i++)
        if (strcmp(method, single_methods[i].name) == 0) m->single = single_methods[i].fn;
    m->mj = strcmp(method, "mj") == 0;
    if (!m->single && !m->stv && m->seat_method < 0 && !m->mj) {
        fprintf(stderr, _("urne count: unknown method '%s' (see urne count --help)\n"), method);
        return URNE_EXIT_USAGE;
    }
    if (m->stv && rule && strcmp(rule, "scottish") != 0 && strcmp(rule, "meek") != 0 && strcmp(rule, "wigm") != 0) {
        fprintf(stderr, _("urne count: unknown STV rule '%s' (scottish, meek, wigm)\n"), rule);
        return URNE_EXIT_USAGE;
    }
    if (!list_has_stv && rule) {
        fprintf(stderr, _("urne count: --rule applies to stv only\n"));
        return URNE_EXIT_USAGE;
    }
    if (m->seat_method >= 0 && o->seats == 0) {
        fprintf(stderr, _("urne count: --method %s needs --seats N\n"), method);
        return URNE_EXIT_USAGE;
    }
    return PARSED;
}

/* Count parsed ballots by the method asked; *shown is how many winners the report
 * shows. 0, or -1 with the reasons in diags. */
static int count_ballots(const count_opts *o, const count_method *m, const urne_ballots *b, urne_count_result *r,
                         size_t *shown, urne_diags *diags) {
    size_t n = o->seats ? (size_t)o->seats : (m->stv && b->seats ? b->seats : 1);
    *shown = m->stv || m->seat_method >= 0 ? n : 1;
    if (m->stv) {
        int (*stv_fn)(const urne_ballots *, size_t, uint64_t, urne_count_result *, urne_diags *) =
            o->rule == NULL || strcmp(o->rule, "scottish") == 0 ? urne_count_stv_scottish
            : strcmp(o->rule, "meek") == 0                      ? urne_count_stv_meek
                                                                : urne_count_stv_wigm;
        return stv_fn(b, n, o->seed, r, diags);
    }
    if (m->seat_method >= 0)
        return urne_count_seats(b, (urne_seat_method)m->seat_method, n, o->threshold_bp, o->round, o->seed, r, diags);
    return m->single(b, o->seed, r, diags);
}

#define MAX_METHODS 16 /* more than there are methods: a list names each at most once */

/* --method's list, split at commas and resolved, into names[] and m[]; *n of them.
 * PARSED, or URNE_EXIT_USAGE (said on standard error): an unknown or repeated
 * method, an empty name, more than MAX_METHODS, or mj (which reads grades) in a list. */
static int count_methods(const count_opts *o, char names[][32], count_method *m, size_t *n) {
    const char *p = o->method;
    int has_stv = 0;
    *n = 0;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len >= 32 || *n == MAX_METHODS) {
            fprintf(stderr, _("urne count: --method takes method names separated by commas, not '%s'\n"), o->method);
            return URNE_EXIT_USAGE;
        }
        memcpy(names[*n], p, len);
        names[*n][len] = '\0';
        for (size_t i = 0; i < *n; i++)
            if (strcmp(names[i], names[*n]) == 0) {
                fprintf(stderr, _("urne count: method '%s' is named twice\n"), names[*n]);
                return URNE_EXIT_USAGE;
            }
        has_stv |= strcmp(names[*n], "stv") == 0;
        (*n)++;
        if (comma == NULL) break;
        p = comma + 1;
    }
    for (size_t i = 0; i < *n; i++) {
        int rc = count_resolve(o, names[i], has_stv, &m[i]);
        if (rc != PARSED) return rc;
        if (m[i].mj && *n > 1) {
            fprintf(stderr, _("urne count: mj reads grades, not rankings: count it alone\n"));
            return URNE_EXIT_USAGE;
        }
    }
    return PARSED;
}

/* Write every report, in the order asked (a JSON array when more than one); 0 or -1. */
static int write_reports(int json, size_t n, const urne_ballots *b, const urne_count_result *r, const size_t *shown) {
    int rc = 0;
    if (json && n > 1) fputs("[\n", stdout);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i > 0) fputs(json ? ",\n" : "\n", stdout);
        rc = json ? urne_io_write_count_json(stdout, b, &r[i], shown[i])
                  : urne_io_write_count_table(stdout, b, &r[i], shown[i]);
    }
    if (json && n > 1 && rc == 0) fputs("]\n", stdout);
    return rc;
}

int urne_cli_count(int argc, char **argv) {
    count_opts o;
    count_method m[MAX_METHODS];
    char names[MAX_METHODS][32];
    size_t nm = 0;
    int rc = count_parse(argc, argv, &o);
    if (rc == PARSED) rc = count_methods(&o, names, m, &nm);
    if (rc != PARSED) return rc;
    if (o.fmt == URNE_BFMT_AUTO) o.fmt = urne_io_ballot_format_from_name(o.file);
    if (m[0].mj) return count_mj(o.file, o.enc, o.seed, o.json);
    urne_diags diags;
    urne_diags_init(&diags, o.file);
    urne_io_buffer in;
    urne_ballots b;
    urne_count_result r[MAX_METHODS];
    size_t shown[MAX_METHODS] = {0};
    int counted = -1;
    memset(&b, 0, sizeof b);
    memset(r, 0, sizeof r);
    if (urne_io_read_file(o.file, &in, &diags) == 0) {
        int parsed = urne_io_parse_ballots(in.data, in.len, o.fmt, o.enc, &b, &diags);
        urne_io_buffer_free(&in);
        counted = parsed;
        for (size_t i = 0; i < nm && counted == 0; i++) counted = count_ballots(&o, &m[i], &b, &r[i], &shown[i], &diags);
    }
    if (nm == 1) {
        rc = finish(o.file, counted, o.json, &b, &r[0], shown[0], &diags);
    } else {
        rc = counted == 0 && write_reports(o.json, nm, &b, r, shown) == 0 ? URNE_EXIT_OK : URNE_EXIT_REJECTED;
        if (rc != URNE_EXIT_OK) rc = finish(o.file, -1, o.json, &b, &r[0], 1, &diags);
    }
    for (size_t i = 0; i < nm; i++) urne_count_result_free(&r[i]);
    urne_ballots_free(&b);
    urne_diags_free(&diags);
    return rc;
}
