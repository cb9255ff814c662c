/*
 * cmd_initiative: `urne initiative rules|tally`, the command line's view of the
 * initiative engine (src/initiative/, issue 18). A thin adapter: it reads the
 * files (io/), asks the engine, and words what it says in the reader's language.
 *
 *   urne initiative rules --preset rip [--electorate N] [--opens DATE]
 *       the rules resolved: each threshold as written and, with --electorate, as
 *       a figure (rounded up, as a law reads a share); with --opens, the window's
 *       dates;
 *   urne initiative tally (--preset NAME | --rules FILE) --counts FILE.csv
 *       the evaluation of counts per territory (territory,electorate,signatures
 *       [,seats][,minimum]): the national count against its threshold, each
 *       territory against its minimum, the territories reaching theirs, and the
 *       verdict.
 * Exit status: 0 done (reached or not), 1 input refused, 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_num.h"
#include "../initiative/calendar.h"
#include "../initiative/rules.h"
#include "../initiative/tally.h"
#include "../io/initiative_io.h"
#include "../io/io_file.h"
#include "cli.h"

static void initiative_usage(FILE *out) {
    fprintf(out, _("Usage: urne initiative rules (--preset NAME | --rules FILE) [--electorate N] [--opens DATE]\n"
                   "       urne initiative tally (--preset NAME | --rules FILE) --counts FILE.csv\n"
                   "       urne initiative keygen --secret-key FILE\n"
                   "       urne initiative create --db DB --user NAME --title T --rules FILE --authority-key HEX\n"
                   "                              [--space S]\n"
                   "       urne initiative import-roll --db DB --user NAME --id N FILE.csv\n"
                   "       urne initiative codes --db DB --user NAME --id N --roll FILE.csv --out LETTERS.csv\n"
                   "       urne initiative codes --db DB --user NAME --id N --count K --territory T --out FILE.csv\n"
                   "       urne initiative export --db DB --id N [--secret-key FILE]\n"
                   "       urne initiative recount --db DB --id N\n"
                   "       urne initiative receipt --db DB --id N CODE\n"
                   "       urne initiative sample --db DB --user NAME --id N --size K --seed S [--secret-key FILE]\n"
                   "       urne initiative verify-sample --db DB --user NAME --id N FILE.csv\n\n"
                   "Presets: 49-3-citoyen, rip, local-petition, eci, territories.\n"
                   "A rules file has one 'key = value' a line, starting with 'preset = NAME' to adjust one.\n"
                   "The counts file has the columns territory,electorate,signatures and, when the rules\n"
                   "need them, seats or minimum.\n"));
}

typedef struct opts {
    const char *preset, *rules, *counts, *opens;
    long long electorate; /* -1: not given */
} opts;

/* Parse the options after the subcommand. 0, or an exit status. */
static int parse_opts(int argc, char **argv, opts *o) {
    static const struct option longs[] = {{"preset", required_argument, 0, 'p'}, {"rules", required_argument, 0, 'r'},
                                          {"counts", required_argument, 0, 'c'}, {"electorate", required_argument, 0, 'e'},
                                          {"opens", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->electorate = -1;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        int64_t n;
        switch (c) {
        case 'p': o->preset = optarg; break;
        case 'r': o->rules = optarg; break;
        case 'c': o->counts = optarg; break;
        case 'o': o->opens = optarg; break;
        case 'e':
            if (urne_num_parse_grouped(optarg, strlen(optarg), &n) != URNE_NUM_OK) {
                fprintf(stderr, _("urne initiative: --electorate needs a whole number, not '%s'\n"), optarg);
                return URNE_EXIT_USAGE;
            }
            o->electorate = n;
            break;
        case 'h': initiative_usage(stdout); return -1;
        default: initiative_usage(stderr); return URNE_EXIT_USAGE;
        }
    }
    if ((o->preset == NULL) == (o->rules == NULL)) {
        fprintf(stderr, _("urne initiative: give either --preset or --rules\n"));
        return URNE_EXIT_USAGE;
    }
    return 0;
}

/* The rules from --preset or --rules. 0, or an exit status. */
static int load_rules(const opts *o, urne_initiative_rules *r) {
    if (o->preset) {
        if (urne_initiative_rules_preset(o->preset, r) == 0) return 0;
        fprintf(stderr, _("urne initiative: unknown preset '%s' (49-3-citoyen, rip, local-petition, eci, territories)\n"),
                o->preset);
        return URNE_EXIT_USAGE;
    }
    urne_diags d;
    urne_diags_init(&d, o->rules);
    urne_io_buffer buf;
    int rc = urne_io_read_file(o->rules, &buf, &d);
    if (rc == 0) {
        rc = urne_initiative_rules_parse(buf.data, buf.len, r, &d);
        urne_io_buffer_free(&buf);
    }
    if (rc < 0) urne_cli_print_diags(&d);
    urne_diags_free(&d);
    return rc < 0 ? URNE_EXIT_REJECTED : 0;
}

static void write_moment(int64_t t, char *buf, size_t size) {
    urne_initiative_date d = urne_initiative_date_of(t);
    int64_t s = t - urne_initiative_date_moment(d);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day, (int)(s / 3600),
             (int)(s / 60 % 60), (int)(s % 60));
}

static const char *yes_no(int v) { return v ? _("yes") : _("no"); }

/* A threshold in the reader's words into buf (size >= 64): "none", a count
 * grouped, "720 per seat", a share with the reader's decimal sign and, in
 * French, a no-break space before its %; a fraction ("1/5") as the rules write it. */
static const char *threshold_words(const urne_initiative_threshold *t, char *buf, size_t size) {
    urne_lang lang = urne_cli_lang();
    char text[64], n[48];
    switch (t->basis) {
    case URNE_INITIATIVE_NONE: snprintf(buf, size, "%s", urne_i18n_ctext(lang, "threshold", "none")); break;
    case URNE_INITIATIVE_GIVEN: snprintf(buf, size, "%s", _("given with each territory's counts")); break;
    case URNE_INITIATIVE_ABSOLUTE: urne_i18n_int(lang, t->count, buf, size); break;
    case URNE_INITIATIVE_PER_SEAT: snprintf(buf, size, _("%s per seat"), urne_i18n_int(lang, t->count, n, sizeof n)); break;
    case URNE_INITIATIVE_SHARE:
        urne_initiative_threshold_text(t, text, sizeof text);
        size_t k = strlen(text);
        if (k > 1 && text[k - 1] == '%') {
            text[k - 1] = 0;
            snprintf(buf, size, _("%s%%"), urne_i18n_decimal(lang, text, n, sizeof n));
        } else
            snprintf(buf, size, "%s", text);
        break;
    }
    return buf;
}

/* The window: its length, and its dates when known. */
static int print_window(const urne_initiative_rules *r, const opts *o) {
    int64_t opens = r->opens_at, closes;
    if (o->opens && urne_initiative_moment_parse(o->opens, strlen(o->opens), &opens) < 0) {
        fprintf(stderr, _("urne initiative: --opens needs a date (YYYY-MM-DD) or a UTC moment, not '%s'\n"), o->opens);
        return URNE_EXIT_USAGE;
    }
    if (r->closes_at == 0 && r->window_days == 0)
        printf(urne_i18n_plural(urne_cli_lang(), "Collection window: %d month\n", "Collection window: %d months\n",
                                (unsigned long)r->window_months),
               r->window_months);
    else if (r->closes_at == 0)
        printf(_("Collection window: %d months and %d days\n"), r->window_months, r->window_days);
    if (opens != 0 && urne_initiative_rules_close(r, opens, &closes) == 0) {
        char a[32], b[32];
        write_moment(opens, a, sizeof a);
        write_moment(closes, b, sizeof b);
        printf(_("Collection: from %s until %s (signatures at or after the end are late)\n"), a, b);
    }
    return 0;
}

/* The territories' own figures the rules give, with the minimum of each. */
static void print_figures(const urne_initiative_rules *r) {
    urne_lang lang = urne_cli_lang();
    char a[48], b[48];
    for (size_t i = 0; i < r->nfigures; i++) {
        const urne_initiative_figure *f = &r->figures[i];
        int64_t minimum;
        if (urne_initiative_threshold_resolve(&r->territory, 0, f->seats, f->minimum, &minimum) != URNE_INITIATIVE_RESOLVED)
            continue; /* checked rules: a figure of the kind their rule uses; an overflow is the tally's to say */
        if (f->seats >= 0)
            printf(_("  %s: %s seats, a minimum of %s\n"), f->territory, urne_i18n_int(lang, f->seats, a, sizeof a),
                   urne_i18n_int(lang, minimum, b, sizeof b));
        else
            printf(_("  %s: a minimum of %s\n"), f->territory, urne_i18n_int(lang, minimum, b, sizeof b));
    }
}

static int run_rules(const opts *o) {
    urne_initiative_rules r;
    int rc = load_rules(o, &r);
    if (rc) return rc;
    urne_lang lang = urne_cli_lang();
    char t[96], n1[48], n2[48];
    printf(_("Preset: %s\n"), r.preset[0] ? r.preset : _("none"));
    printf(_("National threshold: %s\n"), threshold_words(&r.national, t, sizeof t));
    int64_t figure;
    if (o->electorate >= 0 &&
        urne_initiative_threshold_resolve(&r.national, o->electorate, -1, -1, &figure) == URNE_INITIATIVE_RESOLVED)
        printf(_("  with %s electors: %s signatures\n"), urne_i18n_int(lang, o->electorate, n1, sizeof n1),
               urne_i18n_int(lang, figure, n2, sizeof n2));
    printf(_("Minimum per territory: %s\n"), threshold_words(&r.territory, t, sizeof t));
    print_figures(&r);
    if (r.territory.basis != URNE_INITIATIVE_NONE && r.territories.basis == URNE_INITIATIVE_NONE)
        printf(_("Territories that must reach their minimum: all\n"));
    else
        printf(_("Territories that must reach their minimum: %s\n"), threshold_words(&r.territories, t, sizeof t));
    rc = print_window(&r, o);
    if (rc) return rc;
    printf(_("Stops when the threshold is reached: %s\n"), yes_no(r.stop_at_threshold));
    printf(_("Minimum age: %d\n"), r.age_min);
    printf(_("Roll: %s\n"), r.roll_territory[0] ? r.roll_territory : _("any"));
    /* "none", "public": words whose French agrees with its noun, hence a context each */
    printf(_("Organisation: %s\n"),
           r.organisation[0] ? r.organisation : urne_i18n_ctext(lang, "organisation", "none"));
    printf(_("Supporters: %s\n"), r.supporters == URNE_INITIATIVE_PUBLIC
                                      ? urne_i18n_ctext(lang, "supporters", "public")
                                      : urne_i18n_ctext(lang, "supporters", "confidential"));
    return URNE_EXIT_OK;
}

/* basis points as "12.34", in lang's decimal writing. */
static const char *pct(int64_t bp, char *buf, size_t size) {
    char plain[48];
    snprintf(plain, sizeof plain, "%lld.%02lld", (long long)(bp / 100), (long long)(bp % 100));
    return urne_i18n_decimal(urne_cli_lang(), plain, buf, size);
}

static void print_tally(const urne_initiative_counts *c, const urne_initiative_territory_result *t,
                        const urne_initiative_tally *out, int territory_rule) {
    urne_lang lang = urne_cli_lang();
    char a[48], b[48], p[48];
    printf(_("Signatures: %s of %s electors (%s %%)\n"), urne_i18n_int(lang, out->signatures, a, sizeof a),
           urne_i18n_int(lang, out->electorate, b, sizeof b), pct(out->national_share_bp, p, sizeof p));
    if (out->national_threshold > 0)
        printf(_("National threshold: %s signatures, %s (%s %% of it)\n"),
               urne_i18n_int(lang, out->national_threshold, a, sizeof a),
               out->national_reached ? _("reached") : _("not reached"), pct(out->national_progress_bp, p, sizeof p));
    if (territory_rule) {
        printf(_("Territories reaching their minimum: %s of %zu (%s needed), %s\n"),
               urne_i18n_int(lang, out->territories_reaching, a, sizeof a), c->n,
               urne_i18n_int(lang, out->territories_needed, b, sizeof b),
               out->territories_met ? _("enough") : _("not enough"));
        for (size_t i = 0; i < c->n; i++)
            printf(_("  %s: %s of a minimum of %s (%s %%), %s\n"), c->items[i].name,
                   urne_i18n_int(lang, c->items[i].signatures, a, sizeof a),
                   urne_i18n_int(lang, t[i].minimum, b, sizeof b), pct(t[i].progress_bp, p, sizeof p),
                   t[i].reached ? _("reached") : _("not reached"));
    }
    printf("%s\n", out->reached ? _("The initiative has reached its threshold.")
                                : _("The initiative has not reached its threshold."));
}

static int run_tally(const opts *o) {
    if (o->counts == NULL) {
        fprintf(stderr, _("urne initiative tally: --counts FILE.csv is required\n"));
        return URNE_EXIT_USAGE;
    }
    urne_initiative_rules r;
    int rc = load_rules(o, &r);
    if (rc) return rc;
    urne_diags d;
    urne_diags_init(&d, o->counts);
    urne_io_buffer buf;
    urne_initiative_counts c;
    if (urne_io_read_file(o->counts, &buf, &d) < 0) goto refused;
    rc = urne_io_parse_initiative_counts(buf.data, buf.len, &c, &d);
    urne_io_buffer_free(&buf);
    if (rc < 0) goto refused;
    urne_initiative_territory_result *t = calloc(c.n, sizeof *t);
    urne_initiative_tally out;
    if (t == NULL) {
        urne_diags_add(&d, URNE_DIAG_ERROR, 0, NULL, "memory", "out of memory tallying the counts");
        urne_initiative_counts_free(&c);
        goto refused;
    }
    if (urne_initiative_tally_evaluate(&r, c.items, c.n, t, &out) != URNE_INITIATIVE_TALLY_OK) {
        char why[512];
        urne_i18n_phrase(urne_cli_lang(), &out.why, why, sizeof why);
        fprintf(stderr, _("%s: rejected: %s\n"), o->counts, why);
        rc = URNE_EXIT_REJECTED;
    } else {
        print_tally(&c, t, &out, r.territory.basis != URNE_INITIATIVE_NONE);
        rc = URNE_EXIT_OK;
    }
    free(t);
    urne_initiative_counts_free(&c);
    urne_diags_free(&d);
    return rc;
refused:
    urne_cli_print_diags(&d);
    urne_diags_free(&d);
    return URNE_EXIT_REJECTED;
}

int urne_cli_initiative(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        initiative_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? URNE_EXIT_USAGE : URNE_EXIT_OK;
    }
    const char *sub = argv[1];
    int stored = urne_cli_initiative_store(sub, argc - 1, argv + 1);
    if (stored >= 0) return stored;
    if (strcmp(sub, "rules") != 0 && strcmp(sub, "tally") != 0) {
        fprintf(stderr, _("urne initiative: unknown subcommand '%s' (rules, tally, keygen, create, import-roll, "
                          "export, recount, receipt)\n"), sub);
        return URNE_EXIT_USAGE;
    }
    opts o;
    int rc = parse_opts(argc - 1, argv + 1, &o);
    if (rc) return rc < 0 ? URNE_EXIT_OK : rc;
    return strcmp(sub, "rules") == 0 ? run_rules(&o) : run_tally(&o);
}
