/*
 * cmd_store: the commands on a whole store.
 *
 *   urne store copy --from WHERE --to WHERE
 *
 * copies every table of one store into another, empty one, in any direction
 * between the backends (sqlite:PATH or a path, postgresql://..., a libpq keyword
 * string): when a site moves from SQLite to PostgreSQL, or back. The copy itself
 * is the store's (urne_store_transfer, store_rows.h: the same ids, password
 * hashes and audit log, sessions left behind, the destination written in one
 * transaction and its audit chain checked before it commits); this file opens
 * the two stores, shows progress on a long copy, and words the outcome.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../store/store.h"
#include "cli.h"

static void usage(void) {
    fprintf(stderr, _("Usage: urne store copy --from WHERE --to WHERE\n"
                      "  Copy a whole store (accounts, grants, elections, sheets, entries, disputes,\n"
                      "  publications, notices and the audit log as it is) into an empty store, in one\n"
                      "  transaction, then check the audit chain there. WHERE is sqlite:PATH (or a path)\n"
                      "  or postgresql://USER@HOST/DBNAME. Sessions are not copied: people log in again.\n"));
    urne_cli_db_help(stderr, 0);
}

/* A progress line on standard error, at most one a second: over itself on a
 * terminal, one line each otherwise (a log). */
typedef struct progress {
    time_t last;
    int shown, tty;
} progress;

static void show_progress(const char *table, int64_t done, int64_t total, void *ctx) {
    progress *p = ctx;
    time_t now = time(NULL);
    if (table[0] == 0) { /* the end: finish a line left open */
        if (p->shown && p->tty) fputc('\n', stderr);
        return;
    }
    if (now == p->last) return;
    if (p->last == 0) { /* the first second: a short copy says nothing */
        p->last = now;
        return;
    }
    p->last = now;
    p->shown = 1;
    fprintf(stderr, _("urne store copy: %lld of %lld rows copied (%s)"), (long long)done, (long long)total, table);
    fputc(p->tty ? '\r' : '\n', stderr);
    fflush(stderr);
}

/* Word what urne_store_transfer returned (not 0). */
static void say_failure(int rc, const urne_store_transfer_stats *st, const char *to, const char *err) {
    if (rc == URNE_STORE_TRANSFER_NOT_EMPTY)
        fprintf(stderr,
                _("urne store copy: %s is not empty (its table %s has %lld row(s)): a store is copied into an empty "
                  "one only; nothing was written\n"),
                to, st->table, (long long)st->table_rows);
    else if (rc == URNE_STORE_TRANSFER_CHAIN)
        fprintf(stderr, _("urne store copy: the audit chain copied to %s does not verify, at entry %lld: %s; nothing "
                          "was written\n"),
                to, (long long)st->bad_seq, st->why);
    else
        fprintf(stderr, _("urne store copy: %s; nothing was written to %s\n"), err, to);
}

static void say_counts(const urne_store_transfer_stats *st, const char *from, const char *to, const char *backend) {
    printf(_("urne: %s copied to %s (%s): %lld rows\n"), from, to, backend, (long long)st->total);
    int width = 0; /* the longest table name's: the counts in one column */
    for (size_t i = 0; i < urne_store_ntables; i++)
        if ((int)strlen(urne_store_tables[i].name) > width) width = (int)strlen(urne_store_tables[i].name);
    for (size_t i = 0; i < urne_store_ntables; i++)
        printf("  %-*s %lld\n", width, urne_store_tables[i].name, (long long)st->rows[i]);
    printf(_("urne: the audit chain verifies at the destination: %lld entries, head %s\n"), (long long)st->head_seq,
           st->head_seq ? st->head_hash : "-");
    printf(_("urne: sessions are not copied: people log in again on the destination\n"));
}

/* The file of a SQLite store (sqlite:PATH, or a plain path: no URL scheme, no
 * libpq keyword), or NULL. Opening creates a missing file: a source must exist (a
 * mistyped name is refused before it is made), and a destination the copy made is
 * removed when the copy fails. */
static const char *sqlite_file(const char *where) {
    if (strncmp(where, "sqlite:", 7) == 0) return where + 7;
    return strstr(where, "://") || strchr(where, '=') ? NULL : where;
}

/* Remove the SQLite file path and its WAL files (after a failed copy made them:
 * they hold an empty store, not a copy). */
static void remove_sqlite(const char *path) {
    char side[4096];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* Open both stores and copy. The exit status. */
static int copy(const char *from, const char *to) {
    char err[700], from_shown[300], to_shown[300];
    const char *file = sqlite_file(from);
    if (file && access(file, F_OK) != 0) {
        fprintf(stderr, _("urne store copy: the source: %s does not exist\n"), file);
        return URNE_EXIT_REJECTED;
    }
    urne_store_where_safe(from, from_shown, sizeof from_shown);
    urne_store_where_safe(to, to_shown, sizeof to_shown);
    if (sodium_init() < 0) return URNE_EXIT_REJECTED;
    urne_store *src = urne_cli_store_open(from, err, sizeof err);
    if (src == NULL) {
        fprintf(stderr, _("urne store copy: the source: %s\n"), err);
        return URNE_EXIT_REJECTED;
    }
    const char *dst_file = sqlite_file(to);
    int made = dst_file && access(dst_file, F_OK) != 0; /* this copy makes the file: removed if it fails */
    urne_store *dst = urne_cli_store_open(to, err, sizeof err);
    if (dst == NULL) {
        fprintf(stderr, _("urne store copy: the destination: %s\n"), err);
        urne_store_close(src);
        if (made) remove_sqlite(dst_file);
        return URNE_EXIT_REJECTED;
    }
    progress p = {.tty = isatty(2)};
    urne_store_transfer_stats st;
    int rc = urne_store_transfer(src, dst, show_progress, &p, &st, err, sizeof err);
    if (rc == 0)
        say_counts(&st, from_shown, to_shown, urne_store_backend(dst));
    else
        say_failure(rc, &st, to_shown, err);
    urne_store_close(dst);
    urne_store_close(src);
    if (rc != 0 && made) remove_sqlite(dst_file);
    return rc == 0 ? URNE_EXIT_OK : URNE_EXIT_REJECTED;
}

int urne_cli_store(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "copy") != 0) {
        usage();
        return argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) ? URNE_EXIT_OK
                                                                                             : URNE_EXIT_USAGE;
    }
    static const struct option longs[] = {
        {"from", required_argument, 0, 'f'}, {"to", required_argument, 0, 't'}, {0, 0, 0, 0}};
    const char *from = NULL, *to = NULL;
    int c;
    optind = 1;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        if (c == 'f') from = optarg;
        else if (c == 't') to = optarg;
        else {
            usage();
            return URNE_EXIT_USAGE;
        }
    }
    if (from == NULL || to == NULL || optind != argc || !from[0] || !to[0]) {
        usage();
        return URNE_EXIT_USAGE;
    }
    return copy(from, to);
}
