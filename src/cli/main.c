/*
 * main: `urne COMMAND ...`. Subcommands live in their own files (cmd_*.c); this file
 * only knows their names and one-line summaries.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"results", urne_cli_results, "count tally sheets (procès-verbaux) and apply French election rules"},
    {"count", urne_cli_count, "count ballots: STV, IRV, Condorcet methods, Borda, plurality..."},
    {"sortition", urne_cli_sortition, "draw a citizens' council by lot, fair to every volunteer (LEXIMIN)"},
    {"serve", urne_cli_serve, "run the server: entry, récolement, publication, JSON API"},
    {"admin", urne_cli_admin, "create accounts (the first administrator)"},
    {"election", urne_cli_election, "import an election into a server's database"},
    {"backup", urne_cli_backup, "copy a server's database consistently, even while it runs"},
    {"audit", urne_cli_audit, "verify the audit log's hash chain"},
    {"routes", urne_cli_routes, "list the server's routes and the roles that may use each"},
};

static void usage(FILE *out) {
    fprintf(out,
            "urne %s — a democratic-decision engine\n\n"
            "Usage: urne COMMAND [ARGS...]\n\nCommands:\n",
            URNE_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\nRun 'urne COMMAND --help' for a command's options.\n"
            "Exit status: 0 done, 1 input rejected (the messages say why), 2 usage error.\n");
}

void urne_cli_print_diags(const urne_diags *diags) {
    char buf[1024];
    for (size_t i = 0; i < diags->count; i++) {
        urne_diag_format(diags, &diags->items[i], buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    size_t total = diags->errors + diags->warnings;
    if (total > diags->count)
        fprintf(stderr, "%s: ... and %zu more messages not shown\n", diags->file ? diags->file : "urne",
                total - diags->count);
}

int main(int argc, char **argv) {
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
    fprintf(stderr, "urne: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return URNE_EXIT_USAGE;
}
