/*
 * cmd_initiative_store: the `urne initiative` subcommands that work on a store
 * (--db, or URNE_DB), through the application's use cases as the server does:
 *
 *   urne initiative keygen --secret-key FILE
 *       the verification authority's key pair: the secret written to FILE (a new
 *       file, mode 0600), the public key printed, to give to `create`;
 *   urne initiative create --db DB --user NAME --title T --rules FILE --authority-key HEX [--space S]
 *   urne initiative import-roll --db DB --user NAME --id N FILE.csv
 *       as account NAME (its roles decide, as on the server); a roll is every
 *       line or none, each error naming file, line, field and rule;
 *   urne initiative export --db DB --id N [--secret-key FILE]
 *       the signatures as CSV for the authority: sealed, or opened with the
 *       authority's secret key (offline: the server never holds it); the
 *       "letter" column names the letter whose code signed (its reference,
 *       never the code), "" for a signature in the elector's name;
 *   urne initiative recount --db DB --id N
 *       the counts per territory rebuilt from the rows;
 *   urne initiative receipt --db DB --id N CODE
 *       whether a receipt code is a signature, and whether it is counted;
 *   urne initiative sample --db DB --user NAME --id N --size K --seed S [--secret-key FILE]
 *       the authority's sample drawn (logged), as CSV to fill: a verdict and a
 *       reason per signature, the identity opened with the authority's key;
 *   urne initiative verify-sample --db DB --user NAME --id N FILE
 *       the filled sample recorded (the invalid ones invalidated) and the valid
 *       count projected with its 95 % interval.
 * Exit status: 0 done, 1 refused (with its reason), 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/initiative.h"
#include "../io/initiative_verdicts.h"
#include "../io/io_file.h"
#include "../web/initiative_words.h"
#include "cli.h"

typedef struct sopts {
    const char *db, *user, *title, *rules, *key, *space, *secret, *seed;
    long long id, size;
    const char *arg; /* the one operand: FILE or CODE */
} sopts;

static int sopts_parse(int argc, char **argv, sopts *o) {
    static const struct option longs[] = {
        {"db", required_argument, 0, 'd'},    {"user", required_argument, 0, 'u'},
        {"title", required_argument, 0, 't'}, {"rules", required_argument, 0, 'r'},
        {"authority-key", required_argument, 0, 'k'}, {"space", required_argument, 0, 's'},
        {"secret-key", required_argument, 0, 'S'}, {"id", required_argument, 0, 'i'},
        {"size", required_argument, 0, 'z'},  {"seed", required_argument, 0, 'e'},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'u': o->user = optarg; break;
        case 't': o->title = optarg; break;
        case 'r': o->rules = optarg; break;
        case 'k': o->key = optarg; break;
        case 's': o->space = optarg; break;
        case 'S': o->secret = optarg; break;
        case 'e': o->seed = optarg; break;
        case 'z':
            o->size = strtoll(optarg, &end, 10);
            if (*optarg == 0 || *end || o->size <= 0) {
                fprintf(stderr, _("urne initiative: --size needs a number of signatures, not '%s'\n"), optarg);
                return -1;
            }
            break;
        case 'i':
            o->id = strtoll(optarg, &end, 10);
            if (*optarg == 0 || *end || o->id <= 0) {
                fprintf(stderr, _("urne initiative: --id needs an initiative's number, not '%s'\n"), optarg);
                return -1;
            }
            break;
        default: return -1;
        }
    }
    if (optind < argc) o->arg = argv[optind++];
    return optind < argc ? -1 : 0;
}

/* The store and the application over it, or an exit status. */
typedef struct opened {
    urne_store *s;
    urne_app app;
    urne_user user;
} opened;

static int open_app(const char *cmd, const sopts *o, opened *x, int need_user) {
    memset(x, 0, sizeof *x);
    const char *db = o->db ? o->db : getenv("URNE_DB");
    if (db == NULL || !*db) {
        fprintf(stderr, _("urne %s: --db PATH (or the URNE_DB environment variable) is required\n"), cmd);
        return URNE_EXIT_USAGE;
    }
    if (need_user && o->user == NULL) {
        fprintf(stderr, _("urne %s: --user NAME is required (the account the act is done as)\n"), cmd);
        return URNE_EXIT_USAGE;
    }
    char err[600];
    if (sodium_init() < 0 || (x->s = urne_cli_store_open(db, err, sizeof err)) == NULL) {
        fprintf(stderr, _("urne %s: %s\n"), cmd, x->s ? "libsodium" : err);
        return URNE_EXIT_REJECTED;
    }
    int found = need_user ? urne_store_user_find(x->s, o->user, &x->user, NULL, 0) : 1;
    if (found != 1) {
        fprintf(stderr, _("urne %s: no account '%s'\n"), cmd, o->user);
        urne_store_close(x->s);
        return URNE_EXIT_REJECTED;
    }
    urne_app_outcome why;
    if (urne_app_open(&x->app, x->s, &why) != URNE_APP_OK) {
        urne_i18n_phrase(urne_cli_lang(), &why.reason, err, sizeof err);
        char where[512]; /* the store as said: never its password */
        urne_store_where_safe(db, where, sizeof where);
        if (why.number > 0)
            fprintf(stderr, _("urne %s: %s: election %lld: %s\n"), cmd, where, (long long)why.number, err);
        else
            fprintf(stderr, _("urne %s: %s: %s\n"), cmd, where, err);
        urne_app_outcome_free(&why);
        urne_store_close(x->s);
        return URNE_EXIT_REJECTED;
    }
    return 0;
}

static void close_app(opened *x) {
    urne_app_close(&x->app);
    urne_store_close(x->s);
}

/* A refusal, worded: the reason's sentence when it has one, else its codes. */
static int refused(const char *cmd, const urne_app_outcome *o) {
    const char *words = urne_initiative_why_text(urne_cli_lang(), o->why);
    if (o->why && strcmp(o->why, URNE_WHY_FILE) == 0)
        fprintf(stderr, _("urne %s: the file is refused, nothing was written:\n"), cmd);
    else if (words)
        fprintf(stderr, _("urne %s: %s\n"), cmd, words);
    else
        fprintf(stderr, _("urne %s: refused (%s%s%s%s%s)%s%s\n"), cmd, urne_app_status_name(o->status),
                o->field[0] ? ", " : "", o->field, o->why ? ", " : "", o->why ? o->why : "", o->detail[0] ? ": " : "",
                o->detail);
    if (o->checks.count) urne_cli_print_diags(&o->checks);
    return URNE_EXIT_REJECTED;
}

static int run_create(const sopts *o) {
    if (o->title == NULL || o->rules == NULL || o->key == NULL) {
        fprintf(stderr, _("urne initiative create: --title, --rules FILE and --authority-key HEX are required\n"));
        return URNE_EXIT_USAGE;
    }
    urne_diags d;
    urne_diags_init(&d, o->rules);
    urne_io_buffer in;
    if (urne_io_read_file(o->rules, &in, &d) < 0) {
        urne_cli_print_diags(&d);
        urne_diags_free(&d);
        return URNE_EXIT_REJECTED;
    }
    urne_diags_free(&d);
    char *text = malloc(in.len + 1);
    opened x;
    int rc = text ? open_app("initiative create", o, &x, 1) : URNE_EXIT_REJECTED;
    if (text) memcpy(text, in.data, in.len), text[in.len] = 0;
    urne_io_buffer_free(&in);
    if (rc) {
        free(text);
        return rc;
    }
    urne_initiative_new n = {o->title, o->space ? o->space : "", text, o->key};
    urne_app_outcome out;
    if (urne_app_initiative_create(&x.app, &x.user, &n, &out) == URNE_APP_OK)
        printf(_("urne: initiative %lld created\n"), (long long)out.id);
    else
        rc = refused("initiative create", &out);
    urne_app_outcome_free(&out);
    free(text);
    close_app(&x);
    return rc;
}

static int run_import(const sopts *o) {
    if (o->id <= 0 || o->arg == NULL) {
        fprintf(stderr, _("urne initiative import-roll: --id N and one FILE.csv are required\n"));
        return URNE_EXIT_USAGE;
    }
    urne_diags d;
    urne_diags_init(&d, o->arg);
    urne_io_buffer in;
    if (urne_io_read_file(o->arg, &in, &d) < 0) {
        urne_cli_print_diags(&d);
        urne_diags_free(&d);
        return URNE_EXIT_REJECTED;
    }
    urne_diags_free(&d);
    opened x;
    int rc = open_app("initiative import-roll", o, &x, 1);
    if (rc == 0) {
        urne_app_outcome out;
        if (urne_app_initiative_roll(&x.app, &x.user, o->id, in.data, in.len, o->arg, &out) == URNE_APP_OK)
            printf(_("urne: %lld elector(s) added to the roll of initiative %lld\n"), (long long)out.number, o->id);
        else
            rc = refused("initiative import-roll", &out);
        urne_app_outcome_free(&out);
        close_app(&x);
    }
    urne_io_buffer_free(&in);
    return rc;
}

/* ---- the authority's keys and export ---- */

static int run_keygen(const sopts *o) {
    if (o->secret == NULL) {
        fprintf(stderr, _("urne initiative keygen: --secret-key FILE is required (a new file)\n"));
        return URNE_EXIT_USAGE;
    }
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    char hex[2 * crypto_box_SECRETKEYBYTES + 1];
    if (sodium_init() < 0 || crypto_box_keypair(pk, sk) != 0) return URNE_EXIT_REJECTED;
    int fd = open(o->secret, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        fprintf(stderr, _("urne initiative keygen: %s: %s\n"), o->secret, strerror(errno));
        return URNE_EXIT_REJECTED;
    }
    sodium_bin2hex(hex, sizeof hex, sk, sizeof sk);
    hex[sizeof hex - 1] = '\n';
    int ok = write(fd, hex, sizeof hex) == (ssize_t)sizeof hex && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(hex, sizeof hex);
    if (!ok) {
        fprintf(stderr, _("urne initiative keygen: %s: %s\n"), o->secret, strerror(errno));
        unlink(o->secret);
        return URNE_EXIT_REJECTED;
    }
    sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
    printf("%s\n", hex);
    return URNE_EXIT_OK;
}

/* The secret key in FILE (64 hex digits) and its public key. 0, or -1 said. */
static int read_secret(const char *path, unsigned char sk[32], unsigned char pk[32]) {
    FILE *f = fopen(path, "r");
    char hex[80] = "";
    size_t n = 0;
    int ok = f && fgets(hex, sizeof hex, f) != NULL;
    if (f) fclose(f);
    ok = ok && sodium_hex2bin(sk, 32, hex, strcspn(hex, "\r\n"), NULL, &n, NULL) == 0 && n == 32;
    sodium_memzero(hex, sizeof hex);
    if (!ok || crypto_scalarmult_base(pk, sk) != 0) {
        fprintf(stderr, _("urne initiative export: %s: not a secret key written by `urne initiative keygen`\n"), path);
        return -1;
    }
    return 0;
}

/* 0 when pk is the public key initiative `id` seals its signers to (or there is
 * no such initiative: the caller says so), else -1 said: a wrong key would open
 * nothing, and a sample drawn with it would be logged for nothing. */
static int key_is_authority(urne_app *app, const char *cmd, int64_t id, const unsigned char pk[32]) {
    char hex[65], want[65] = "";
    sodium_bin2hex(hex, sizeof hex, pk, 32);
    urne_app_read_begin(app);
    const urne_initiative_held *h = urne_app_initiative(app, id);
    if (h) snprintf(want, sizeof want, "%s", h->row.authority_key);
    urne_app_read_end(app);
    if (!want[0] || strcmp(hex, want) == 0) return 0;
    fprintf(stderr,
            _("urne %s: this secret key is not the authority's of initiative %lld (its public key is %s, the "
              "initiative's %s): nothing was done\n"),
            cmd, (long long)id, hex, want);
    return -1;
}

typedef struct export_ctx {
    const unsigned char *sk, *pk;
    int64_t opened, failed;
    int email; /* a petition by e-mail: the address sealed with the identity is a column too */
} export_ctx;

/* 1 when initiative `id`'s signers confirm by e-mail (their address sealed for the authority). */
static int signs_by_email(urne_app *app, int64_t id) {
    urne_app_read_begin(app);
    const urne_initiative_held *h = urne_app_initiative(app, id);
    int email = h && h->rules.identity == URNE_INITIATIVE_BY_EMAIL;
    urne_app_read_end(app);
    return email;
}

/* The identity's columns of a row whose box does not open: empty cells. */
static void empty_fields(const export_ctx *e, int last) {
    for (int k = 0, n = e->email ? 5 : 4; k < n; k++) urne_cli_csv_cell(stdout, "", last && k == n - 1);
}

/* The identity a sealed box holds, as CSV fields (the last ending the line when
 * `last`), or -1 when it does not open. */
static int open_sealed_fields(const export_ctx *e, const char *sealed, int last) {
    unsigned char plain[URNE_STORE_INITIATIVE_SEALED];
    if (urne_sealer_open(e->pk, e->sk, sealed, plain, sizeof plain) < 0) return -1;
    json_t *j = json_loads((const char *)plain, 0, NULL);
    sodium_memzero(plain, sizeof plain);
    if (!json_is_object(j)) {
        json_decref(j);
        return -1;
    }
    static const char *const keys[] = {"name", "given", "birth", "commune", "email"};
    for (int k = 0, n = e->email ? 5 : 4; k < n; k++) {
        const char *v = json_string_value(json_object_get(j, keys[k]));
        urne_cli_csv_cell(stdout, v ? v : "", last && k == n - 1);
    }
    json_decref(j);
    return 0;
}

static int export_one(const urne_initiative_signature *sig, void *ctx) {
    export_ctx *e = ctx;
    printf("%lld,", (long long)sig->id);
    urne_cli_csv_cell(stdout, sig->territory, 0);
    urne_cli_csv_cell(stdout, sig->signed_at, 0);
    urne_cli_csv_cell(stdout, sig->marks, 0);
    urne_cli_csv_cell(stdout, sig->invalid, 0);
    urne_cli_csv_cell(stdout, sig->letter, 0); /* the letter whose code signed; "" in the elector's name */
    if (e->sk == NULL)
        urne_cli_csv_cell(stdout, sig->sealed, 1);
    else if (open_sealed_fields(e, sig->sealed, 1) < 0) {
        e->failed++;
        empty_fields(e, 1);
    } else
        e->opened++;
    return 0;
}

static int run_export(const sopts *o) {
    if (o->id <= 0) {
        fprintf(stderr, _("urne initiative export: --id N is required\n"));
        return URNE_EXIT_USAGE;
    }
    unsigned char sk[32], pk[32];
    if (sodium_init() < 0 || (o->secret && read_secret(o->secret, sk, pk) < 0)) return URNE_EXIT_REJECTED;
    opened x;
    int rc = open_app("initiative export", o, &x, 0);
    if (rc) return rc;
    if (o->secret && key_is_authority(&x.app, "initiative export", o->id, pk) < 0) {
        sodium_memzero(sk, sizeof sk);
        close_app(&x);
        return URNE_EXIT_REJECTED;
    }
    export_ctx e = {o->secret ? sk : NULL, o->secret ? pk : NULL, 0, 0, o->secret && signs_by_email(&x.app, o->id)};
    printf(o->secret ? "id,territory,signed_at,marks,invalid,letter,name,given,birth,commune%s\n"
                     : "id,territory,signed_at,marks,invalid,letter,sealed%s\n",
           e.email ? ",email" : "");
    int each = urne_app_initiative_signatures_each(&x.app, o->id, export_one, &e);
    sodium_memzero(sk, sizeof sk);
    if (each == -2)
        fprintf(stderr, _("urne initiative export: no initiative %lld\n"), o->id);
    else if (each != 0)
        fprintf(stderr, _("urne initiative export: %s\n"), urne_store_error(x.s));
    else if (e.failed)
        fprintf(stderr, _("urne initiative export: %lld signature(s) do not open with this key\n"), (long long)e.failed);
    rc = each != 0 || e.failed || fflush(stdout) != 0 ? URNE_EXIT_REJECTED : URNE_EXIT_OK;
    close_app(&x);
    return rc;
}

/* ---- recount and receipts ---- */

static int run_recount(const sopts *o) {
    if (o->id <= 0) {
        fprintf(stderr, _("urne initiative recount: --id N is required\n"));
        return URNE_EXIT_USAGE;
    }
    opened x;
    int rc = open_app("initiative recount", o, &x, 0);
    if (rc) return rc;
    urne_app_read_begin(&x.app);
    const urne_initiative_held *h = urne_app_initiative(&x.app, o->id);
    if (h == NULL) {
        fprintf(stderr, _("urne initiative recount: no initiative %lld\n"), o->id);
        rc = URNE_EXIT_REJECTED;
    } else {
        printf(_("Initiative %lld (%s): %lld valid signature(s), %lld invalidated\n"), o->id,
               urne_initiative_state_text(urne_cli_lang(), h->state), (long long)h->signatures, (long long)h->invalid);
        for (size_t i = 0; i < h->nterritories; i++)
            printf(_("  %s: %lld signature(s), %lld elector(s) on the roll\n"), h->territories[i].name,
                   (long long)h->territories[i].signatures, (long long)h->territories[i].electors);
    }
    urne_app_read_end(&x.app);
    close_app(&x);
    return rc;
}

static int run_receipt(const sopts *o) {
    if (o->id <= 0 || o->arg == NULL) {
        fprintf(stderr, _("urne initiative receipt: --id N and the CODE are required\n"));
        return URNE_EXIT_USAGE;
    }
    opened x;
    int rc = open_app("initiative receipt", o, &x, 0);
    if (rc) return rc;
    urne_user nobody = {.role = URNE_ROLE_PUBLIC};
    urne_app_outcome out;
    if (urne_app_initiative_receipt(&x.app, &nobody, o->id, o->arg, &out) != URNE_APP_OK)
        rc = refused("initiative receipt", &out);
    else if (out.detail[0])
        printf(_("Signature %lld of %s (%s): invalidated, not counted: %s\n"), (long long)out.id, out.at, out.field,
               out.detail);
    else
        printf(_("Signature %lld of %s (%s): counted\n"), (long long)out.id, out.at, out.field);
    urne_app_outcome_free(&out);
    close_app(&x);
    return rc;
}

/* ---- the authority's verification sample ---- */

typedef struct sample_ctx {
    const urne_initiative_sample *s;
    export_ctx *e;
} sample_ctx;

static int sample_one(const urne_initiative_signature *sig, void *ctx) {
    sample_ctx *c = ctx;
    printf("%lld,", (long long)sig->id);
    urne_cli_csv_cell(stdout, sig->territory, 0);
    urne_cli_csv_cell(stdout, sig->signed_at, 0);
    urne_cli_csv_cell(stdout, sig->marks, 0);
    if (c->e->sk == NULL)
        urne_cli_csv_cell(stdout, sig->sealed, 0);
    else if (open_sealed_fields(c->e, sig->sealed, 0) < 0) {
        c->e->failed++;
        empty_fields(c->e, 0);
    }
    fputs(",\n", stdout); /* the verdict and the reason, for the authority */
    return 0;
}

static int run_sample(const sopts *o) {
    char *end = NULL;
    unsigned long long seed = o->seed ? strtoull(o->seed, &end, 10) : 0;
    if (o->id <= 0 || o->size <= 0 || o->seed == NULL || !*o->seed || *end || o->seed[0] == '-') {
        fprintf(stderr, _("urne initiative sample: --id N, --size K and --seed S (a whole number) are required\n"));
        return URNE_EXIT_USAGE;
    }
    unsigned char sk[32], pk[32];
    if (sodium_init() < 0 || (o->secret && read_secret(o->secret, sk, pk) < 0)) return URNE_EXIT_REJECTED;
    opened x;
    int rc = open_app("initiative sample", o, &x, 1);
    if (rc) return rc;
    if (o->secret && key_is_authority(&x.app, "initiative sample", o->id, pk) < 0) {
        sodium_memzero(sk, sizeof sk);
        close_app(&x);
        return URNE_EXIT_REJECTED;
    }
    urne_initiative_sample s;
    urne_app_outcome out;
    if (urne_app_initiative_sample_draw(&x.app, &x.user, o->id, o->size, (uint64_t)seed, &s, &out) != URNE_APP_OK) {
        rc = refused("initiative sample", &out);
        if (out.why && strcmp(out.why, URNE_WHY_SAMPLE_SIZE) == 0)
            fprintf(stderr, _("urne initiative sample: %lld valid signature(s)\n"), (long long)out.number);
    } else {
        export_ctx e = {o->secret ? sk : NULL, o->secret ? pk : NULL, 0, 0, o->secret && signs_by_email(&x.app, o->id)};
        sample_ctx c = {&s, &e};
        printf("# sample %lld of initiative %lld: %zu of %lld valid signatures, drawn with seed %llu\n",
               (long long)s.seq, o->id, s.n, (long long)s.population, seed);
        printf(o->secret ? "signature,territory,signed_at,marks,name,given,birth,commune%s,verdict,reason\n"
                         : "signature,territory,signed_at,marks,sealed,verdict,reason\n",
               e.email ? ",email" : "");
        /* Each drawn signature read by its id: the sample's k rows, not every row. */
        urne_initiative_signature *sig = malloc(sizeof *sig);
        int read = sig ? 0 : -1;
        for (size_t i = 0; read == 0 && i < s.n; i++)
            read = urne_app_initiative_signature_get(&x.app, o->id, s.signatures[i], sig) == 1 ? sample_one(sig, &c) : -1;
        free(sig);
        if (read != 0 || fflush(stdout) != 0) {
            fprintf(stderr, _("urne initiative sample: %s\n"), urne_store_error(x.s));
            rc = URNE_EXIT_REJECTED;
        } else if (e.failed) {
            fprintf(stderr, _("urne initiative sample: %lld signature(s) do not open with this key\n"),
                    (long long)e.failed);
            rc = URNE_EXIT_REJECTED;
        }
        urne_initiative_sample_free(&s);
    }
    sodium_memzero(sk, sizeof sk);
    urne_app_outcome_free(&out);
    close_app(&x);
    return rc;
}

static int run_verify_sample(const sopts *o) {
    if (o->id <= 0 || o->arg == NULL) {
        fprintf(stderr, _("urne initiative verify-sample: --id N and the FILE filled with the verdicts are required\n"));
        return URNE_EXIT_USAGE;
    }
    urne_diags d;
    urne_diags_init(&d, o->arg);
    urne_io_buffer in = {0};
    urne_verdicts v;
    if (urne_io_read_file(o->arg, &in, &d) < 0 || urne_io_parse_verdicts(in.data, in.len, &v, &d) < 0) {
        if (in.data) urne_io_buffer_free(&in);
        fprintf(stderr, _("urne initiative verify-sample: the file is refused, nothing was written:\n"));
        urne_cli_print_diags(&d);
        urne_diags_free(&d);
        return URNE_EXIT_REJECTED;
    }
    urne_io_buffer_free(&in);
    urne_diags_free(&d);
    opened x;
    int rc = open_app("initiative verify-sample", o, &x, 1);
    if (rc) {
        urne_verdicts_free(&v);
        return rc;
    }
    urne_app_outcome out;
    urne_initiative_projection p;
    if (urne_app_initiative_sample_record(&x.app, &x.user, o->id, v.sample, v.items, v.n, &p, &out) != URNE_APP_OK) {
        rc = refused("initiative verify-sample", &out);
        if (out.number > 0 && out.field[0] && strcmp(out.field, "sample") != 0)
            fprintf(stderr, _("urne initiative verify-sample: signature %lld\n"), (long long)out.number);
    } else
        printf(_("Sample %lld: %lld of %lld signature(s) checked are valid (%lld.%02lld %%); valid signatures "
                 "projected: %lld of %lld, 95 %% interval %lld to %lld\n"),
               (long long)v.sample, (long long)p.valid, (long long)p.size, (long long)(p.share_bp / 100),
               (long long)(p.share_bp % 100), (long long)p.projected, (long long)p.population, (long long)p.low,
               (long long)p.high);
    urne_app_outcome_free(&out);
    urne_verdicts_free(&v);
    close_app(&x);
    return rc;
}

int urne_cli_initiative_store(const char *sub, int argc, char **argv) {
    if (strcmp(sub, "codes") == 0) return urne_cli_initiative_codes(argc, argv);
    static const struct {
        const char *name;
        int (*run)(const sopts *o);
    } subs[] = {{"keygen", run_keygen},   {"create", run_create},   {"import-roll", run_import},
                {"export", run_export},   {"recount", run_recount}, {"receipt", run_receipt},
                {"sample", run_sample},   {"verify-sample", run_verify_sample}};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(sub, subs[i].name) == 0) {
            sopts o;
            if (sopts_parse(argc, argv, &o) < 0) {
                fprintf(stderr, _("urne initiative %s: bad options (see urne initiative --help)\n"), sub);
                return URNE_EXIT_USAGE;
            }
            return subs[i].run(&o);
        }
    return -1;
}
