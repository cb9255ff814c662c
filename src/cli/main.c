/*
 * main: `urne COMMAND ...`. Subcommands live in their own files (cmd_*.c); this file
 * only knows their names and one-line summaries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"results", urne_cli_results, N_("count tally sheets (procès-verbaux) and apply French election rules")},
    {"count", urne_cli_count, N_("count ballots: STV, IRV, Condorcet methods, Borda, plurality...")},
    {"sortition", urne_cli_sortition, N_("draw a citizens' council by lot, fair to every volunteer (LEXIMIN)")},
    {"serve", urne_cli_serve, N_("run the server: entry, récolement, publication, JSON API")},
    {"admin", urne_cli_admin, N_("create accounts (the first administrator)")},
    {"election", urne_cli_election, N_("import an election into a server's database")},
    {"backup", urne_cli_backup, N_("copy a server's database consistently, even while it runs")},
    {"audit", urne_cli_audit, N_("verify the audit log's hash chain")},
    {"store", urne_cli_store, N_("copy a whole store into an empty one (SQLite to PostgreSQL and back)")},
    {"routes", urne_cli_routes, N_("list the server's routes and the roles that may use each")},
    {"initiative", urne_cli_initiative, N_("a citizens' initiative's rules and whether its counts reach them")},
    {"match", urne_cli_match, N_("place pupils with host organisations, fairly, and check a placement")},
    {"forum", urne_cli_forum, N_("render a forum message to HTML, as the forum will show it")},
};

static urne_lang cli_lang = URNE_LANG_EN;

urne_lang urne_cli_lang(void) { return cli_lang; }

static void usage(FILE *out) {
    fprintf(out,
            _("urne %s — a democratic-decision engine\n\n"
              "Usage: urne COMMAND [ARGS...]\n\nCommands:\n"),
            URNE_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
    fputs(_("\nRun 'urne COMMAND --help' for a command's options.\n"
            "Exit status: 0 done, 1 input rejected (the messages say why), 2 usage error.\n"),
          out);
}

void urne_cli_csv_cell(FILE *f, const char *s, int last) {
    fputc('"', f);
    if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL) fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputs(last ? "\"\n" : "\",", f);
}

void urne_cli_print_diags(const urne_diags *diags) {
    char buf[1024];
    for (size_t i = 0; i < diags->count; i++) {
        urne_i18n_diag(cli_lang, diags, &diags->items[i], buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    size_t total = diags->errors + diags->warnings;
    if (total > diags->count)
        fprintf(stderr, _("%s: ... and %zu more messages not shown\n"), diags->file ? diags->file : "urne",
                total - diags->count);
}

int main(int argc, char **argv) {
    cli_lang = urne_i18n_from_env(getenv("LANGUAGE"), getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"));
    if (argc < 2) {
        usage(stderr);
        return URNE_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return URNE_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("urne %s\n", URNE_VERSION);
        return URNE_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, _("urne: unknown command '%s'\n\n"), argv[1]);
    usage(stderr);
    return URNE_EXIT_USAGE;
}
