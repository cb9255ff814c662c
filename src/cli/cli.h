/*
 * cli: the `urne` command. main.c dispatches to one function per subcommand; each
 * parses its options, calls an io/ adapter and an engine, and prints. Exit status:
 * 0 done, 1 input rejected (with its messages), 2 usage error.
 */
#ifndef URNE_CLI_H
#define URNE_CLI_H

#include <stdio.h>

#include "../core/urne_diag.h"
#include "../i18n/i18n.h"

#define URNE_EXIT_OK 0
#define URNE_EXIT_REJECTED 1
#define URNE_EXIT_USAGE 2

#define URNE_VERSION "0.1.0"

int urne_cli_results(int argc, char **argv);
int urne_cli_count(int argc, char **argv);
int urne_cli_sortition(int argc, char **argv);
int urne_cli_serve(int argc, char **argv);
int urne_cli_admin(int argc, char **argv);
int urne_cli_election(int argc, char **argv);
int urne_cli_backup(int argc, char **argv);
int urne_cli_audit(int argc, char **argv);
int urne_cli_store(int argc, char **argv);
int urne_cli_routes(int argc, char **argv);
int urne_cli_initiative(int argc, char **argv);
/* The initiative subcommands on a store (cmd_initiative_store.c): the exit
 * status, or -1 when `sub` is none of them. */
int urne_cli_initiative_store(const char *sub, int argc, char **argv);
/* `urne initiative codes` (cmd_initiative_codes.c): argv[0] is "codes"; the exit status. */
int urne_cli_initiative_codes(int argc, char **argv);
int urne_cli_forum(int argc, char **argv);
int urne_cli_match(int argc, char **argv);

/* Print the diagnostics of a list to stderr, in the CLI's language: every error and
 * warning kept, then a count of those not kept. */
void urne_cli_print_diags(const urne_diags *diags);

/* One CSV cell of a file the CLI writes for people (the letters, the authority's
 * export and sample) to f: quoted, its quotes doubled, followed by a comma or, when
 * `last`, the line's end. A cell beginning with = + - @, a tab or a carriage return
 * gets a leading quote inside the cell, so that a spreadsheet shows it as text and
 * never runs it as a formula (web/download.c does the same for the downloads).
 * Not for files urne reads back whole: `urne match check` reads its own exact. */
void urne_cli_csv_cell(FILE *f, const char *s, int last);

/* The language the CLI speaks: chosen once, when main() starts, from the gettext
 * environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: urne_i18n_from_env); English
 * unless it asks for French. */
urne_lang urne_cli_lang(void);

/* urne_store_open for the CLI (cmd_server.c): NULL with why the store cannot be
 * opened in err, in the CLI's language, after the store's name without its
 * password ("WHERE: reason"). */
typedef struct urne_store urne_store;
urne_store *urne_cli_store_open(const char *where, char *err, size_t errsize);
/* After a command's usage, on out: what a store may be (SQLite or PostgreSQL, and
 * how the latter is named), and, with env (the commands taking --db), that the
 * URNE_DB variable names it when --db is not given. */
void urne_cli_db_help(FILE *out, int env);

/* A message of the CLI's own, in its language: its English text is the msgid that
 * po/extract.sh extracts and po/fr.po translates. (cmd_routes.c gets web.h's
 * two-argument _() with the route table; the CLI's replaces it.) */
#ifdef _
#undef _
#endif
#define _(s) urne_i18n_text(urne_cli_lang(), s)

#endif
