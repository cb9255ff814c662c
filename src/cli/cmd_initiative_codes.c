/*
 * cmd_initiative_codes: `urne initiative codes`, the organisers' one-time codes
 * for letters (app/initiative_codes.c):
 *
 *   urne initiative codes --db DB --user NAME --id N --count K --territory T --out letters.csv
 *       K codes made for territory T, their hashes kept in the store, the codes
 *       written once to letters.csv (letter,territory,code; mode 0600), never
 *       anywhere else: anonymous codes, for a territory with no roll (refused
 *       where the roll has electors: docs/INITIATIVES.md);
 *   urne initiative codes --db DB --user NAME --id N --roll roll.csv --out letters.csv
 *       a letter for each elector the roll file names (the file imported with
 *       import-roll, or part of it): letters.csv has letter,territory,name,
 *       given,commune,code, for the organisers to mail; the code's hash goes on
 *       the elector's roll entry, so the code signs as that elector (once: a
 *       signature in their name and one with the code are one).
 *
 * The file is a new one (an existing file is refused before anything is made):
 * the codes go to a temporary file beside it, flushed to disk before the store
 * commits, and the file takes its name only after the commit. A failure before
 * the commit leaves nothing (the temporary file removed, the store rolled back);
 * one after it (the name taken meanwhile) leaves the codes in the temporary
 * file, whose name is said: they are the only copy.
 * Exit status: 0 done, 1 refused (with its reason), 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../app/initiative.h"
#include "../io/io_file.h"
#include "../web/initiative_words.h"
#include "cli.h"

typedef struct copts {
    const char *db, *user, *territory, *out, *roll;
    long long id, count;
} copts;

static int copts_parse(int argc, char **argv, copts *o) {
    static const struct option longs[] = {{"db", required_argument, 0, 'd'},    {"user", required_argument, 0, 'u'},
                                          {"id", required_argument, 0, 'i'},    {"count", required_argument, 0, 'c'},
                                          {"territory", required_argument, 0, 't'}, {"out", required_argument, 0, 'o'},
                                          {"roll", required_argument, 0, 'r'},      {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        char *end;
        long long *n = c == 'i' ? &o->id : &o->count;
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'u': o->user = optarg; break;
        case 't': o->territory = optarg; break;
        case 'o': o->out = optarg; break;
        case 'r': o->roll = optarg; break;
        case 'i':
        case 'c':
            *n = strtoll(optarg, &end, 10);
            if (*optarg == 0 || *end || *n <= 0) {
                fprintf(stderr, _("urne initiative codes: --%s needs a positive whole number, not '%s'\n"),
                        c == 'i' ? "id" : "count", optarg);
                return URNE_EXIT_USAGE;
            }
            break;
        default: return URNE_EXIT_USAGE;
        }
    }
    int anonymous = o->count || o->territory;
    if (optind < argc || !o->id || !o->out || !o->user || (anonymous ? !o->count || !o->territory || o->roll : !o->roll)) {
        fprintf(stderr, _("urne initiative codes: --db DB --user NAME --id N --out FILE are required, with "
                          "--roll ROLL.csv (letters for the roll's electors) or --count K --territory T (anonymous "
                          "codes)\n"));
        return URNE_EXIT_USAGE;
    }
    return 0;
}

typedef struct letters {
    FILE *f;
    int64_t written, count;
} letters;

/* One letter written; with the last, the file flushed to disk before the store
 * commits. */
static int letter_write(const char *letter, const char *territory, const char *code, void *ctx) {
    letters *l = ctx;
    urne_cli_csv_cell(l->f, letter, 0);
    urne_cli_csv_cell(l->f, territory, 0);
    urne_cli_csv_cell(l->f, code, 1);
    if (ferror(l->f)) return -1;
    if (++l->written == l->count && (fflush(l->f) != 0 || fsync(fileno(l->f)) != 0)) return -1;
    return 0;
}

/* One letter for an elector of the roll; with the last, the file flushed to
 * disk before the store commits. */
static int roll_letter_write(const urne_initiative_letter *x, void *ctx) {
    letters *l = ctx;
    const char *v[] = {x->letter, x->territory, x->name, x->given, x->commune, x->code};
    for (int k = 0; k < 6; k++) urne_cli_csv_cell(l->f, v[k], k == 5);
    if (ferror(l->f)) return -1;
    l->written++;
    if (x->last && (fflush(l->f) != 0 || fsync(fileno(l->f)) != 0)) return -1;
    return 0;
}

/* The store and the application over it, the acting account found: 0, or an
 * exit status with its reason said. */
static int codes_open(const copts *o, urne_store **s, urne_app *app, urne_user *user) {
    const char *db = o->db ? o->db : getenv("URNE_DB");
    char err[600];
    if (db == NULL || !*db) {
        fprintf(stderr, _("urne %s: --db PATH (or the URNE_DB environment variable) is required\n"),
                "initiative codes");
        return URNE_EXIT_USAGE;
    }
    if (sodium_init() < 0 || (*s = urne_cli_store_open(db, err, sizeof err)) == NULL) {
        fprintf(stderr, _("urne %s: %s\n"), "initiative codes", *s ? "libsodium" : err);
        return URNE_EXIT_REJECTED;
    }
    urne_app_outcome why;
    if (urne_store_user_find(*s, o->user, user, NULL, 0) != 1) {
        fprintf(stderr, _("urne %s: no account '%s'\n"), "initiative codes", o->user);
    } else if (urne_app_open(app, *s, &why) != URNE_APP_OK) {
        urne_i18n_phrase(urne_cli_lang(), &why.reason, err, sizeof err);
        fprintf(stderr, _("urne %s: %s\n"), "initiative codes", err);
        urne_app_outcome_free(&why);
    } else
        return 0;
    urne_store_close(*s);
    return URNE_EXIT_REJECTED;
}

static int codes_refused(const urne_app_outcome *o) {
    const char *words = urne_initiative_why_text(urne_cli_lang(), o->why);
    if (o->checks.count) urne_cli_print_diags(&o->checks);
    if (words && o->detail[0] && o->why &&
        (strcmp(o->why, URNE_WHY_CODES_ROLL) == 0 || strcmp(o->why, URNE_WHY_CODES_ANONYMOUS) == 0 ||
         strcmp(o->why, URNE_WHY_TERRITORY_FIGURES) == 0))
        fprintf(stderr, _("urne initiative codes: territory %s: %s Nothing was kept.\n"), o->detail, words);
    else if (words)
        fprintf(stderr, _("urne initiative codes: %s Nothing was kept.\n"), words);
    else
        fprintf(stderr, _("urne initiative codes: refused (%s%s%s): nothing was kept\n"),
                urne_app_status_name(o->status), o->why ? ", " : "", o->why ? o->why : "");
    return URNE_EXIT_REJECTED;
}

/* The letters made into l by the use case o asks for: its status, out set. */
static urne_app_status codes_make(const copts *o, urne_app *app, const urne_user *user, letters *l,
                                  urne_app_outcome *out) {
    if (!o->roll) {
        fputs("letter,territory,code\n", l->f);
        return urne_app_initiative_codes(app, user, o->id, o->territory, o->count, letter_write, l, out);
    }
    urne_diags d;
    urne_diags_init(&d, o->roll);
    urne_io_buffer in;
    if (urne_io_read_file(o->roll, &in, &d) < 0) {
        urne_cli_print_diags(&d);
        urne_diags_free(&d);
        urne_app_outcome_init(out);
        return out->status = URNE_APP_BAD_INPUT;
    }
    urne_diags_free(&d);
    fputs("letter,territory,name,given,commune,code\n", l->f);
    urne_app_status st =
        urne_app_initiative_letters(app, user, o->id, in.data, in.len, o->roll, roll_letter_write, l, out);
    urne_io_buffer_free(&in);
    return st;
}

int urne_cli_initiative_codes(int argc, char **argv) {
    copts o;
    int rc = copts_parse(argc, argv, &o);
    if (rc) return rc;
    struct stat st;
    if (lstat(o.out, &st) == 0 || errno != ENOENT) {
        fprintf(stderr, _("urne initiative codes: %s: exists already; the letters are written to a new file\n"), o.out);
        return URNE_EXIT_REJECTED;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", o.out) >= (int)sizeof tmp) return URNE_EXIT_USAGE;
    int fd = mkstemp(tmp); /* mode 0600 */
    letters l = {fd >= 0 ? fdopen(fd, "w") : NULL, 0, o.count};
    if (l.f == NULL) {
        fprintf(stderr, _("urne initiative codes: %s: %s\n"), o.out, strerror(errno));
        if (fd >= 0) close(fd), unlink(tmp);
        return URNE_EXIT_REJECTED;
    }
    urne_store *s = NULL;
    urne_app app;
    urne_user user;
    if ((rc = codes_open(&o, &s, &app, &user)) != 0) {
        fclose(l.f);
        unlink(tmp);
        return rc;
    }
    urne_app_outcome out;
    urne_app_status done = codes_make(&o, &app, &user, &l, &out);
    int closed = fclose(l.f);
    if (done != URNE_APP_OK) {
        unlink(tmp);
        rc = codes_refused(&out);
    } else if (closed != 0 || link(tmp, o.out) != 0) {
        fprintf(stderr, _("urne initiative codes: the codes are kept but %s could not be named: they are in %s, "
                          "their only copy\n"), o.out, tmp);
        rc = URNE_EXIT_REJECTED;
    } else {
        unlink(tmp);
        if (o.roll)
            printf(_("%lld letter(s) for electors of the roll written to %s\n"), (long long)out.number, o.out);
        else
            printf(_("%lld code(s) for %s written to %s\n"), o.count, o.territory, o.out);
        rc = URNE_EXIT_OK;
    }
    urne_app_outcome_free(&out);
    urne_app_close(&app);
    urne_store_close(s);
    return rc;
}
