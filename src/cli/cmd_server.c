/*
 * cmd_server: the commands around the server and its database.
 *
 *   urne serve ...   (cmd_serve.c)
 *   urne admin create --db PATH --user NAME [--role ROLE] [--tier 1|2]
 *                     (the password is read from standard input, never argv)
 *   urne admin grant --db PATH --user NAME --space SPACE --role ROLE [--tier 1|2]
 *   urne election import --db PATH FILE [--format F] [--title T] [--rules P]
 *                     [--set K=V;...] [--double-entry] [--deadline WHEN] [--space S] [--zone Z]
 *   urne backup --db PATH DEST
 *   urne audit verify --db PATH   (the chain, then the stored rows against the log)
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../io/io_file.h"
#include "../app/forum.h"
#include "../app/grants.h"
#include "../app/import.h"
#include "../web/outcome.h"
#include "../app/users.h"
#include "cli.h"

/* The store a command works on: --db when given, else the URNE_DB environment
 * variable (when set and not empty), else NULL. */
static const char *db_of(const char *db) {
    const char *env = getenv("URNE_DB");
    return db ? db : env && env[0] ? env : NULL;
}

/* db as messages show it: a PostgreSQL password replaced by *** (valid until the
 * next call). */
static const char *shown(const char *db) {
    static char buf[512];
    urne_store_where_safe(db, buf, sizeof buf);
    return buf;
}

void urne_cli_db_help(FILE *out, int env) {
    fputs(_("A store is a SQLite file (PATH, or sqlite:PATH) or a PostgreSQL database: a libpq URL\n"
            "(postgresql://USER@HOST/DBNAME) or keyword string (host=HOST dbname=NAME, or\n"
            "service=NAME from pg_service.conf); its password in ~/.pgpass or PGPASSWORD, not in the URL.\n"),
          out);
    if (env) fputs(_("Without --db, the URNE_DB environment variable names the store.\n"), out);
}

/* The store's last failure in the CLI's language (one process, one thread: a static buffer). */
static const char *store_words(const urne_store *s) {
    static char words[600];
    if (urne_store_error_phrase(s)->fmt == NULL) return urne_store_error(s);
    urne_i18n_phrase(urne_cli_lang(), urne_store_error_phrase(s), words, sizeof words);
    return words;
}

urne_store *urne_cli_store_open(const char *where, char *err, size_t errsize) {
    urne_phrase why;
    urne_store *s = urne_store_open_why(where, &why);
    if (s == NULL) {
        char words[600];
        urne_i18n_phrase(urne_cli_lang(), &why, words, sizeof words);
        snprintf(err, errsize, _("%s: %s"), shown(where), words);
    }
    return s;
}

/* Open the store of --db (*db) or URNE_DB, which *db then points to. */
static urne_store *open_db(const char *cmd, const char **db) {
    char err[600];
    *db = db_of(*db);
    if (*db == NULL) {
        fprintf(stderr, _("urne %s: --db PATH (or the URNE_DB environment variable) is required\n"), cmd);
        return NULL;
    }
    urne_store *s = urne_cli_store_open(*db, err, sizeof err);
    if (s == NULL) fprintf(stderr, _("urne %s: %s\n"), cmd, err);
    return s;
}

/* Read a password from standard input: one line, without echo when it is a
 * terminal (echo turned off through termios, and back on whatever happens). */
static int read_password(char *out, size_t size) {
    struct termios saved, quiet;
    int tty = isatty(0) && tcgetattr(0, &saved) == 0;
    if (tty) {
        fprintf(stderr, _("Password (at least 8 characters): "));
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    char *line = fgets(out, (int)size, stdin);
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &saved);
        fprintf(stderr, "\n");
    }
    if (line == NULL) return -1;
    out[strcspn(out, "\r\n")] = 0;
    return 0;
}

static int admin_create(int argc, char **argv) {
    const char *db = NULL, *user = NULL, *role = "admin";
    int tier = 1;
    static const struct option longs[] = {{"db", required_argument, 0, 'd'},   {"user", required_argument, 0, 'u'},
                                          {"role", required_argument, 0, 'r'}, {"tier", required_argument, 0, 't'},
                                          {"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'u': user = optarg; break;
        case 'r': role = optarg; break;
        case 't': tier = atoi(optarg); break;
        case 'h':
            printf(_("Usage: urne admin create --db PATH --user NAME [--role admin|commission|secretary|observer]\n"
                     "                         [--tier 1|2]\n\nCreate an account (by default the first administrator). "
                     "The password is read\nfrom standard input, never from the command line.\n"));
            urne_cli_db_help(stdout, 1);
            return URNE_EXIT_OK;
        default: return URNE_EXIT_USAGE;
        }
    }
    urne_role ro;
    if (user == NULL || urne_role_parse(role, &ro) < 0 || ro == URNE_ROLE_PUBLIC || ro > URNE_ROLE_ADMIN) {
        fprintf(stderr, _("urne admin create: --user NAME is required; --role is admin, commission, secretary or observer\n"));
        return URNE_EXIT_USAGE;
    }
    if (sodium_init() < 0) return URNE_EXIT_REJECTED;
    char password[512];
    if (read_password(password, sizeof password) < 0) {
        fprintf(stderr, _("urne admin create: no password on standard input\n"));
        return URNE_EXIT_USAGE;
    }
    urne_store *s = open_db("admin create", &db);
    if (s == NULL) return URNE_EXIT_REJECTED;
    char err[1200];
    urne_app_outcome o;
    int64_t id = urne_users_create(s, NULL, "system", user, password, ro, tier, &o);
    sodium_memzero(password, sizeof password);
    urne_store_close(s);
    /* A refusal's code in the reader's language; the store's own reason as it is. */
    if (id <= 0 && !urne_outcome_text(urne_cli_lang(), &o, err, sizeof err))
        snprintf(err, sizeof err, "%s", o.detail[0] ? o.detail : urne_app_status_name(o.status));
    urne_app_outcome_free(&o);
    if (id <= 0) {
        fprintf(stderr, _("urne admin create: %s\n"), err);
        return URNE_EXIT_REJECTED;
    }
    printf(_("urne: account '%s' (%s) created in %s\n"), user, role, shown(db));
    return URNE_EXIT_OK;
}

/* urne admin grant: a role in a space, given by the operator (app/grants.h). */
static int admin_grant(int argc, char **argv) {
    const char *db = NULL, *user = NULL, *space = NULL, *role = NULL;
    int tier = 1;
    static const struct option longs[] = {{"db", required_argument, 0, 'd'},    {"user", required_argument, 0, 'u'},
                                          {"space", required_argument, 0, 's'}, {"role", required_argument, 0, 'r'},
                                          {"tier", required_argument, 0, 't'},  {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'u': user = optarg; break;
        case 's': space = optarg; break;
        case 'r': role = optarg; break;
        case 't': tier = atoi(optarg); break;
        default: return URNE_EXIT_USAGE;
        }
    }
    urne_role ro;
    if (user == NULL || space == NULL || role == NULL || urne_role_parse(role, &ro) < 0) {
        fprintf(stderr, _("urne admin grant: --user NAME, --space SPACE and --role ROLE are required\n"));
        return URNE_EXIT_USAGE;
    }
    urne_store *s = open_db("admin grant", &db);
    if (s == NULL) return URNE_EXIT_REJECTED;
    urne_app_outcome o;
    urne_app_status st = urne_grants_put(s, "system", user, space, ro, tier, &o);
    urne_store_close(s);
    if (st != URNE_APP_OK) {
        const char *what = o.field[0] ? o.field : urne_app_status_name(st);
        char words[600];
        if (urne_outcome_text(urne_cli_lang(), &o, words, sizeof words))
            fprintf(stderr, _("urne admin grant: %s\n"), words);
        else if (st == URNE_APP_NO_USER)
            fprintf(stderr, _("urne admin grant: no user '%s'\n"), o.detail);
        else if (o.reason.fmt) { /* the store's failure, worded */
            urne_i18n_phrase(urne_cli_lang(), &o.reason, words, sizeof words);
            fprintf(stderr, _("urne admin grant: %s\n"), words);
        } else if (o.field[0] || o.detail[0])
            fprintf(stderr, _("urne admin grant: %s: %s\n"), what, o.detail);
        else
            fprintf(stderr, _("urne admin grant: %s\n"), what);
        urne_app_outcome_free(&o);
        return URNE_EXIT_REJECTED;
    }
    urne_app_outcome_free(&o);
    printf(_("urne: '%s' is %s (tier %d) in %s\n"), user, role, tier, space);
    return URNE_EXIT_OK;
}

int urne_cli_admin(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "create") == 0) return admin_create(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "grant") == 0) return admin_grant(argc - 1, argv + 1);
    fprintf(stderr, _("Usage: urne admin create --db PATH --user NAME [--role ROLE] [--tier N]\n"
                      "       urne admin grant --db PATH --user NAME --space SPACE --role ROLE [--tier N]\n"));
    urne_cli_db_help(stderr, 1);
    return URNE_EXIT_USAGE;
}

int urne_cli_election(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "import") != 0) {
        fprintf(stderr, _("Usage: urne election import --db PATH FILE [--format F] [--title T] [--rules P]\n"
                          "                            [--set K=V;...] [--double-entry] [--deadline WHEN]\n"
                          "                            [--space org/NAME] [--zone ZONE]\n"));
        urne_cli_db_help(stderr, 1);
        return URNE_EXIT_USAGE;
    }
    argc--;
    argv++;
    const char *db = NULL;
    urne_import im = {0};
    static const struct option longs[] = {
        {"db", required_argument, 0, 'd'},      {"format", required_argument, 0, 'f'},
        {"title", required_argument, 0, 't'},   {"rules", required_argument, 0, 'r'},
        {"set", required_argument, 0, 's'},     {"double-entry", no_argument, 0, 'e'},
        {"deadline", required_argument, 0, 'l'}, {"round", required_argument, 0, 'n'},
        {"space", required_argument, 0, 'p'},   {"zone", required_argument, 0, 'z'},
        {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'f': im.format = optarg; break;
        case 't': im.title = optarg; break;
        case 'r': im.preset = optarg; break;
        case 's': im.settings = optarg; break;
        case 'e': im.double_entry = 1; break;
        case 'l': im.deadline = optarg; break;
        case 'n': im.round = atoi(optarg); break;
        case 'p': im.space = optarg; break;
        case 'z': im.zone = optarg; break;
        default: return URNE_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, _("urne election import: give one FILE\n"));
        return URNE_EXIT_USAGE;
    }
    if (sodium_init() < 0) return URNE_EXIT_REJECTED;
    urne_diags diags;
    urne_diags_init(&diags, argv[optind]);
    urne_io_buffer in;
    if (urne_io_read_file(argv[optind], &in, &diags) != 0) {
        urne_cli_print_diags(&diags);
        urne_diags_free(&diags);
        return URNE_EXIT_REJECTED;
    }
    urne_diags_free(&diags);
    im.text = in.data;
    im.len = in.len;
    im.source = argv[optind];
    urne_store *s = open_db("election import", &db);
    if (s == NULL) {
        urne_io_buffer_free(&in);
        return URNE_EXIT_REJECTED;
    }
    char err[4096];
    urne_app_outcome o;
    int64_t id = urne_import_election(s, "system", &im, &o);
    urne_store_close(s);
    /* A refusal's code in the reader's language; the store's own reason as it is. */
    if (id < 0 && !urne_outcome_text(urne_cli_lang(), &o, err, sizeof err))
        snprintf(err, sizeof err, "%s", o.detail[0] ? o.detail : urne_app_status_name(o.status));
    urne_app_outcome_free(&o);
    urne_io_buffer_free(&in);
    if (id < 0) {
        fprintf(stderr, _("urne election import: %s\n"), err);
        return URNE_EXIT_REJECTED;
    }
    printf(_("urne: election %lld imported from %s\n"), (long long)id, argv[optind]);
    return URNE_EXIT_OK;
}

/* Parse the only option of backup and audit verify: --db PATH. 0 or -1. */
static int db_option(int argc, char **argv, const char **db) {
    static const struct option longs[] = {{"db", required_argument, 0, 'd'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        if (c != 'd') return -1;
        *db = optarg;
    }
    return 0;
}

int urne_cli_backup(int argc, char **argv) {
    const char *db = NULL;
    if (db_option(argc, argv, &db) < 0 || optind != argc - 1) {
        fprintf(stderr, _("Usage: urne backup --db PATH DEST   (a consistent copy, even while the server runs)\n"));
        urne_cli_db_help(stderr, 1);
        return URNE_EXIT_USAGE;
    }
    if (access(argv[optind], F_OK) == 0) {
        fprintf(stderr, _("urne backup: %s exists; choose a new file name\n"), argv[optind]);
        return URNE_EXIT_REJECTED;
    }
    urne_store *s = open_db("backup", &db);
    if (s == NULL) return URNE_EXIT_REJECTED;
    int rc = urne_store_backup(s, argv[optind]);
    if (rc < 0) fprintf(stderr, _("urne backup: %s\n"), store_words(s));
    urne_store_close(s);
    if (rc == 0) printf(_("urne: %s backed up to %s\n"), shown(db), argv[optind]);
    return rc == 0 ? URNE_EXIT_OK : URNE_EXIT_REJECTED;
}

static int check_entry(const urne_audit_entry *e, void *ctx) { return urne_audit_check_next(ctx, e) < 0 ? 1 : 0; }

/* Replaying the log against the rows: the replay, and the bureau being compared
 * (so that a difference names it). */
typedef struct verify {
    urne_audit_replay *replay;
    urne_audit_grants *grants;
    urne_audit_notices *notices;
    urne_audit_initiatives *initiatives;
    urne_audit_matches *matches;
    urne_audit_forums *forums;
    urne_store *store;
    const char *db, *keys, *label;
    char why[300];   /* why a grant's, a notice's or an initiative's entry could not be folded */
    size_t grant_diffs, notice_diffs, initiative_diffs, match_diffs, forum_diffs, posts_not_compared;
    int64_t last_post; /* the keyset of the posts' pages */
} verify;

static int fold_entry(const urne_audit_entry *e, void *ctx) {
    verify *v = ctx;
    if (urne_audit_fold(v->replay, e) < 0) return 1;
    if (urne_audit_fold_grant(v->grants, e, v->why, sizeof v->why) < 0) return 2;
    if (urne_audit_fold_initiative(v->initiatives, e, v->why, sizeof v->why) < 0) return 2;
    if (urne_audit_fold_match(v->matches, e, v->why, sizeof v->why) < 0) return 2;
    if (urne_audit_fold_forum(v->forums, e, v->why, sizeof v->why) < 0) return 2;
    return urne_audit_fold_notice(v->notices, e, v->why, sizeof v->why) < 0 ? 2 : 0;
}

/* One line per differing field: where, which field, the stored value, the logged one. */
static void print_diff(const urne_audit_diff *d, void *ctx) {
    const verify *v = ctx;
    char where[700], seq[48] = "";
    if (strcmp(d->table, "election") == 0)
        snprintf(where, sizeof where, _("election %lld"), (long long)d->election);
    else if (strcmp(d->table, "user") == 0)
        snprintf(where, sizeof where, _("account %lld"), (long long)d->id);
    else if (strcmp(d->table, "grant") == 0)
        snprintf(where, sizeof where, _("account %lld, grant in"), (long long)d->id);
    else if (strcmp(d->table, "notice") == 0)
        snprintf(where, sizeof where, _("notice %lld"), (long long)d->id);
    else if (strcmp(d->table, "initiative") == 0)
        snprintf(where, sizeof where, _("initiative %lld"), (long long)d->id);
    else if (strcmp(d->table, "campaign") == 0)
        snprintf(where, sizeof where, _("matching campaign %lld"), (long long)d->id);
    else if (strcmp(d->table, "forum") == 0 || strcmp(d->table, "post") == 0 || strcmp(d->table, "ban") == 0)
        snprintf(where, sizeof where, "%s %lld", strcmp(d->table, "forum") == 0 ? _("forum")
                                                 : strcmp(d->table, "post") == 0 ? _("forum message")
                                                                                 : _("forum ban"),
                 (long long)d->id);
    else if (strcmp(d->table, "signature") == 0)
        snprintf(where, sizeof where, _("initiative %lld, signature %lld"), (long long)d->election, (long long)d->id);
    else if ((strcmp(d->table, "bureau") == 0 || strcmp(d->table, "entry") == 0) && v->keys)
        snprintf(where, sizeof where, _("election %lld, bureau %lld (%.300s%s%.300s)"), (long long)d->election,
                 (long long)d->id, v->keys, v->label && *v->label ? ", " : "", v->label ? v->label : "");
    else if (strcmp(d->table, "entry") == 0 || strcmp(d->table, "bureau") == 0 ||
             strcmp(d->table, "assignment") == 0)
        snprintf(where, sizeof where, _("election %lld, bureau %lld"), (long long)d->election, (long long)d->id);
    else
        snprintf(where, sizeof where, _("election %lld, %s %lld"), (long long)d->election, d->table, (long long)d->id);
    size_t used = strlen(where);
    if (strcmp(d->table, "entry") == 0) snprintf(where + used, sizeof where - used, _(", typed entry %zu"), d->nth);
    if (strcmp(d->table, "assignment") == 0) snprintf(where + used, sizeof where - used, "%s", _(", assignment"));
    if (d->seq) snprintf(seq, sizeof seq, _(" (as of entry %lld)"), (long long)d->seq);
    fprintf(stderr, _("urne audit verify: %s: %s: %s: stored %s, logged %s%s\n"), v->db, where, d->field, d->stored,
            d->logged, seq);
}

static void print_note(const char *sentence, void *ctx) {
    printf(_("urne: %s: not compared: %s\n"), ((const verify *)ctx)->db, sentence);
}

static int cmp_election(const urne_audit_election *m, void *ctx) {
    urne_audit_replay_compare_election(((verify *)ctx)->replay, m, print_diff, ctx);
    return 0;
}

static int cmp_sheet(int64_t election, size_t bureau, const char *keys, const char *label, const urne_audit_sheet *s,
                     void *ctx) {
    verify *v = ctx;
    v->keys = keys;
    v->label = label;
    urne_audit_replay_compare_sheet(v->replay, election, bureau, s, print_diff, v);
    v->keys = v->label = NULL;
    return 0;
}

static int cmp_typed(int64_t election, size_t bureau, const char *key, const char *label, const urne_audit_typed *t,
                     void *ctx) {
    verify *v = ctx;
    v->keys = key;
    v->label = label;
    urne_audit_replay_compare_typed(v->replay, election, bureau, t, print_diff, v);
    v->keys = v->label = NULL;
    return 0;
}

static int cmp_dispute(const urne_audit_dispute *d, void *ctx) {
    urne_audit_replay_compare_dispute(((verify *)ctx)->replay, d, print_diff, ctx);
    return 0;
}

static int cmp_assignment(int64_t user, int64_t election, size_t bureau, void *ctx) {
    urne_audit_replay_compare_assignment(((verify *)ctx)->replay, user, election, bureau, print_diff, ctx);
    return 0;
}

static int cmp_grant(const urne_store_grant *g, void *ctx) {
    verify *v = ctx;
    urne_audit_grant x = {.user = g->user, .tier = g->tier};
    snprintf(x.space, sizeof x.space, "%s", g->space);
    snprintf(x.role, sizeof x.role, "%s", urne_role_name(g->role));
    v->grant_diffs += urne_audit_grants_compare(v->grants, &x, print_diff, v);
    return 0;
}

static int cmp_notice(const urne_notice *n, void *ctx) {
    verify *v = ctx;
    urne_audit_notice x;
    memset(&x, 0, sizeof x);
    x.id = n->id;
    /* The fields are the same sizes (store_notices.h, replay_notices.h): never cut. */
    _Static_assert(sizeof x.title == sizeof n->title && sizeof x.body == sizeof n->body &&
                       sizeof x.published_at == sizeof n->published_at &&
                       sizeof x.published_by == sizeof n->published_by,
                   "a stored notice fits its replayed row");
    memcpy(x.title, n->title, sizeof x.title);
    memcpy(x.body, n->body, sizeof x.body);
    memcpy(x.published_at, n->published_at, sizeof x.published_at);
    memcpy(x.published_by, n->published_by, sizeof x.published_by);
    v->notice_diffs += urne_audit_notices_compare(v->notices, &x, print_diff, v);
    return 0;
}

static int cmp_signature(const urne_initiative_signature *sig, void *ctx) {
    verify *v = ctx;
    v->initiative_diffs +=
        urne_audit_initiatives_compare_signature(v->initiatives, sig->initiative, sig->id, sig->invalid, print_diff, v);
    return 0;
}

static int cmp_initiative(const urne_initiative_row *i, void *ctx) {
    verify *v = ctx;
    urne_audit_initiative *x = calloc(1, sizeof *x);
    if (x == NULL) return -1;
    /* The fields are the same sizes (store_initiatives.h, replay_initiatives.h): never cut. */
    _Static_assert(sizeof x->title == sizeof i->title && sizeof x->rules == sizeof i->rules &&
                       sizeof x->reasons == sizeof i->reasons && sizeof x->answer == sizeof i->answer &&
                       sizeof x->space == sizeof i->space && sizeof x->state == sizeof i->state,
                   "a stored initiative fits its replayed row");
    x->id = i->id;
    memcpy(x->title, i->title, sizeof x->title);
    memcpy(x->space, i->space, sizeof x->space);
    memcpy(x->rules, i->rules, sizeof x->rules);
    memcpy(x->state, i->state, sizeof x->state);
    memcpy(x->authority_key, i->authority_key, sizeof x->authority_key);
    memcpy(x->created_at, i->created_at, sizeof x->created_at);
    memcpy(x->created_by, i->created_by, sizeof x->created_by);
    memcpy(x->changed_at, i->changed_at, sizeof x->changed_at);
    memcpy(x->reasons, i->reasons, sizeof x->reasons);
    memcpy(x->answer, i->answer, sizeof x->answer);
    v->initiative_diffs += urne_audit_initiatives_compare(v->initiatives, x, print_diff, v);
    free(x);
    return urne_store_initiative_signatures_each(v->store, i->id, cmp_signature, v);
}

static int cmp_campaign(const urne_match_campaign_row *c, void *ctx) {
    verify *v = ctx;
    urne_audit_match x;
    memset(&x, 0, sizeof x);
    /* The fields are the same sizes (store_matches.h, replay_matches.h): never cut. */
    _Static_assert(sizeof x.name == sizeof c->name && sizeof x.space == sizeof c->space &&
                       sizeof x.state == sizeof c->state && sizeof x.method == sizeof c->method &&
                       sizeof x.tie == sizeof c->tie && sizeof x.deadline == sizeof c->deadline &&
                       sizeof x.created_at == sizeof c->created_at && sizeof x.created_by == sizeof c->created_by,
                   "a stored campaign fits its replayed row");
    x.id = c->id, x.seed = c->seed, x.round = c->round, x.final_round = c->final_round;
    memcpy(x.name, c->name, sizeof x.name);
    memcpy(x.space, c->space, sizeof x.space);
    memcpy(x.state, c->state, sizeof x.state);
    memcpy(x.method, c->method, sizeof x.method);
    memcpy(x.tie, c->tie, sizeof x.tie);
    memcpy(x.deadline, c->deadline, sizeof x.deadline);
    memcpy(x.created_at, c->created_at, sizeof x.created_at);
    memcpy(x.created_by, c->created_by, sizeof x.created_by);
    char digest[URNE_STORE_MATCH_HASH];
    urne_match_sum sum;
    if (urne_store_match_digest(v->store, c->id, digest) < 0 || urne_store_match_sum_parse(digest, &sum) < 0) return -1;
    memcpy(x.rows, sum.w, sizeof x.rows);
    v->match_diffs += urne_audit_matches_compare(v->matches, &x, print_diff, v);
    return 0;
}

static int cmp_user(const urne_audit_user *u, void *ctx) {
    urne_audit_replay_compare_user(((verify *)ctx)->replay, u, print_diff, ctx);
    return 0;
}

static int cmp_forum(const urne_forum_row *f, void *ctx) {
    verify *v = ctx;
    urne_audit_forum x = {.id = f->id, .visitors = f->visitors};
    _Static_assert(sizeof x.attached == sizeof f->attached && sizeof x.title == sizeof f->title &&
                       sizeof x.mode == sizeof f->mode && sizeof x.created_by == sizeof f->created_by,
                   "a stored forum fits its replayed row");
    memcpy(x.attached, f->attached, sizeof x.attached);
    memcpy(x.title, f->title, sizeof x.title);
    memcpy(x.mode, f->mode, sizeof x.mode);
    memcpy(x.created_at, f->created_at, sizeof x.created_at);
    memcpy(x.created_by, f->created_by, sizeof x.created_by);
    v->forum_diffs += urne_audit_forums_compare_forum(v->forums, &x, print_diff, v);
    return 0;
}

static int cmp_post(const urne_post_row *p, void *ctx) {
    verify *v = ctx;
    urne_audit_post x = {.id = p->id, .forum = p->forum, .reason = p->reason, .edited_body = p->edited_body,
                         .edit_note = p->edit_note};
    snprintf(x.state, sizeof x.state, "%s", p->state);
    snprintf(x.decided_by, sizeof x.decided_by, "%s", p->decided_by);
    snprintf(x.decided_at, sizeof x.decided_at, "%s", p->decided_at);
    v->forum_diffs += urne_audit_forums_compare_post(v->forums, &x, print_diff, v, &v->posts_not_compared);
    v->last_post = p->id;
    return 0;
}

static int cmp_ban(const urne_forum_ban *b, void *ctx) {
    verify *v = ctx;
    urne_audit_ban x = {.id = b->id, .forum = b->forum};
    _Static_assert(sizeof x.value == sizeof b->value && sizeof x.reason == sizeof b->reason,
                   "a stored ban fits its replayed row");
    memcpy(x.kind, b->kind, sizeof x.kind);
    _Static_assert(URNE_APP_BAN_LOGGED <= sizeof x.value, "a logged ban value fits its replayed row");
    urne_app_ban_value_logged(b->value, x.value); /* the log holds its hash, not the address */
    memcpy(x.reason, b->reason, sizeof x.reason);
    memcpy(x.created_at, b->created_at, sizeof x.created_at);
    memcpy(x.created_by, b->created_by, sizeof x.created_by);
    v->forum_diffs += urne_audit_forums_compare_ban(v->forums, &x, print_diff, v);
    return 0;
}

/* The forums, their posts (by pages of 1000, in order of id) and bans compared. 0 or -1. */
static int verify_forums(urne_store *s, verify *v) {
    if (urne_store_forum_each(s, cmp_forum, v) != 0 || urne_store_forum_ban_each(s, cmp_ban, v) != 0) return -1;
    for (int64_t before = -1; v->last_post != before;) {
        before = v->last_post;
        urne_posts_query q = {URNE_POSTS_ALL, 0, 0, v->last_post, 1000};
        if (urne_store_post_page(s, &q, cmp_post, v) != 0) return -1;
    }
    return 0;
}

static void verify_free(verify *v) {
    urne_audit_replay_free(v->replay);
    urne_audit_grants_free(v->grants);
    urne_audit_notices_free(v->notices);
    urne_audit_initiatives_free(v->initiatives);
    urne_audit_matches_free(v->matches);
    urne_audit_forums_free(v->forums);
}

/* Replay the (intact) log and compare every row the store holds with it. Prints
 * each difference and what could not be compared; returns the exit status. */
static int verify_state(urne_store *s, const char *db, int64_t entries, const char *head) {
    verify v = {.replay = urne_audit_replay_new(), .grants = urne_audit_grants_new(),
                .notices = urne_audit_notices_new(), .initiatives = urne_audit_initiatives_new(),
                .matches = urne_audit_matches_new(), .forums = urne_audit_forums_new(), .store = s, .db = db};
    if (v.replay == NULL || v.grants == NULL || v.notices == NULL || v.initiatives == NULL || v.matches == NULL ||
        v.forums == NULL) {
        fprintf(stderr, _("urne audit verify: out of memory\n"));
        verify_free(&v);
        return URNE_EXIT_REJECTED;
    }
    int rc = urne_store_audit_each(s, 1, fold_entry, &v);
    if (rc != 0) {
        fprintf(stderr, _("urne audit verify: %s: the log is intact but cannot be replayed: %s\n"), db,
                rc == 1 ? urne_audit_replay_error(v.replay) : rc == 2 ? v.why : store_words(s));
        verify_free(&v);
        return URNE_EXIT_REJECTED;
    }
    if (urne_store_audit_elections(s, cmp_election, &v) < 0 || urne_store_audit_sheets(s, cmp_sheet, &v) < 0 ||
        urne_store_audit_typed(s, cmp_typed, &v) < 0 || urne_store_audit_disputes(s, cmp_dispute, &v) < 0 ||
        urne_store_audit_users(s, cmp_user, &v) < 0 || urne_store_audit_assignments(s, cmp_assignment, &v) < 0 ||
        urne_store_grant_each(s, 0, cmp_grant, &v) < 0 || urne_store_notice_each(s, cmp_notice, &v) < 0 ||
        urne_store_initiative_each(s, cmp_initiative, &v) != 0 || urne_store_match_campaign_each(s, cmp_campaign, &v) != 0 ||
        verify_forums(s, &v) < 0) {
        fprintf(stderr, _("urne audit verify: %s: %s\n"), db, store_words(s));
        verify_free(&v);
        return URNE_EXIT_REJECTED;
    }
    urne_audit_replay_stats st;
    urne_audit_replay_finish(v.replay, print_diff, print_note, &v, &st);
    size_t grants, notices, initiatives, campaigns, forums;
    st.differences += v.grant_diffs + urne_audit_grants_finish(v.grants, print_diff, &v, &grants);
    st.differences += v.notice_diffs + urne_audit_notices_finish(v.notices, print_diff, &v, &notices);
    st.differences += v.initiative_diffs + urne_audit_initiatives_finish(v.initiatives, print_diff, &v, &initiatives);
    st.differences += v.match_diffs + urne_audit_matches_finish(v.matches, print_diff, &v, &campaigns);
    st.differences += v.forum_diffs + urne_audit_forums_finish(v.forums, print_diff, &v, &forums);
    size_t posts_not_compared = v.posts_not_compared;
    verify_free(&v);
    if (st.differences) {
        fprintf(stderr,
                _("urne audit verify: %s: the audit log is intact (%lld entries, head %s) but the store differs from "
                  "it: %zu difference(s) above\n"),
                db, (long long)entries, head, st.differences);
        return URNE_EXIT_REJECTED;
    }
    printf(_("urne: %s: audit log intact, %lld entries, head %s\n"), db, (long long)entries, head);
    if (st.not_compared)
        printf(urne_i18n_plural(urne_cli_lang(),
                                "urne: %s: the stored state matches the log where the log records it: %zu election(s), "
                                "%zu bureau(x), %zu typed entry, %zu dispute(s), %zu account(s), %zu assignment(s), "
                                "%zu grant(s) compared",
                                "urne: %s: the stored state matches the log where the log records it: %zu election(s), "
                                "%zu bureau(x), %zu typed entries, %zu dispute(s), %zu account(s), %zu assignment(s), "
                                "%zu grant(s) compared",
                                st.entries),
               db, st.elections, st.sheets, st.entries, st.disputes, st.users, st.assignments, grants);
    else
        printf(urne_i18n_plural(urne_cli_lang(),
                                "urne: %s: the stored state matches the log: %zu election(s), %zu bureau(x), %zu typed "
                                "entry, %zu dispute(s), %zu account(s), %zu assignment(s), %zu grant(s) compared",
                                "urne: %s: the stored state matches the log: %zu election(s), %zu bureau(x), %zu typed "
                                "entries, %zu dispute(s), %zu account(s), %zu assignment(s), %zu grant(s) compared",
                                st.entries),
               db, st.elections, st.sheets, st.entries, st.disputes, st.users, st.assignments, grants);
    if (notices) printf(_(", %zu notice(s) compared"), notices);
    if (initiatives) printf(_(", %zu initiative(s) compared"), initiatives);
    if (campaigns) printf(_(", %zu matching campaign(s) compared"), campaigns);
    if (forums) printf(_(", %zu forum row(s) compared"), forums);
    if (posts_not_compared)
        printf(_(", %zu forum message(s) as their authors wrote them (no act recorded: not compared)"),
               posts_not_compared);
    if (st.not_compared) printf(_("; %zu row(s) not compared (above)"), st.not_compared);
    printf("\n");
    return URNE_EXIT_OK;
}

static int audit_usage(void) {
    fprintf(stderr, _("Usage: urne audit verify --db PATH\n"
                      "  Recompute the audit chain, then replay the log and compare what it says with the\n"
                      "  figures, states, decisions, publications and accounts the database holds.\n"));
    urne_cli_db_help(stderr, 1);
    return URNE_EXIT_USAGE;
}

int urne_cli_audit(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "verify") != 0) return audit_usage();
    argc--;
    argv++;
    const char *db = NULL;
    if (db_option(argc, argv, &db) < 0 || optind != argc) return audit_usage();
    if (sodium_init() < 0) return URNE_EXIT_REJECTED;
    urne_store *s = open_db("audit verify", &db);
    if (s == NULL) return URNE_EXIT_REJECTED;
    if (urne_store_read_begin(s) < 0) { /* the log and the rows of one moment, even while serving */
        fprintf(stderr, _("urne audit verify: %s\n"), store_words(s));
        urne_store_close(s);
        return URNE_EXIT_REJECTED;
    }
    urne_audit_check chk;
    urne_audit_check_init(&chk);
    int rc = urne_store_audit_each(s, 1, check_entry, &chk);
    int64_t head_seq = 0;
    char head[URNE_AUDIT_HASH_HEX] = "";
    if (rc < 0) {
        fprintf(stderr, _("urne audit verify: %s\n"), store_words(s));
        urne_store_read_end(s);
        urne_store_close(s);
        return URNE_EXIT_REJECTED;
    }
    urne_store_audit_head(s, &head_seq, head);
    if (chk.bad_seq == 0) urne_audit_check_end(&chk, head_seq, head);
    if (chk.bad_seq) {
        fprintf(stderr, _("urne audit verify: %s: the chain is broken at entry %lld: %s\n"), shown(db), (long long)chk.bad_seq,
                chk.why);
        urne_store_read_end(s);
        urne_store_close(s);
        return URNE_EXIT_REJECTED;
    }
    rc = verify_state(s, shown(db), head_seq, head);
    urne_store_read_end(s);
    urne_store_close(s);
    return rc;
}
