/*
 * cmd_serve: `urne serve`, the server's options read into urne_serve_options
 * (web/serve.h), and its help.
 *
 *   urne serve [--db PATH] [--listen ADDR:PORT] [--access-log PATH|-] [--threads N]
 *              [--max-connections N] [--max-connections-per-address N]
 *              [--connection-timeout S] [--cache-size MIB] [--trusted-proxy ADDR]...
 *              [--smtp URL] [--mail-from ADDRESS] [--public-url URL] [--smtp-tries N]
 *
 * The server keeps the memory it freed (serve_malloc): glibc's default gives
 * back to the system the top of a thread's heap past 128 KiB free, and takes it
 * again at the next large allocation, page by page. SQLite's B-tree balancing
 * allocates tens of KiB for each page it splits, so under signing the heap went
 * up and down at every commit: 3 % of a signature's time in malloc's growing
 * its heap, more in the kernel's page faults (bench/RESULTS.md, sign18c).
 */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../web/mail.h"
#include "../web/serve.h"
#include "cli.h"

/* The store a command works on: --db when given, else the URNE_DB environment
 * variable (when set and not empty), else NULL. */
static const char *db_of(const char *db) {
    const char *env = getenv("URNE_DB");
    return db ? db : env && env[0] ? env : NULL;
}

/* A server's allocator keeps up to 64 MiB free at a heap's top (8 MiB asked
 * beyond each growth) and serves up to 4 MiB from its heaps, not by mmap: the
 * memory of a commit's balancing is used again, not unmapped and faulted in.
 * Per heap: a server once very busy may so hold a few hundred MiB it no longer
 * uses (glibc's heaps: one per busy thread, up to eight per core), ready for the
 * next peak; the README says so, and MALLOC_ARENA_MAX bounds it.
 * glibc only; nothing elsewhere. */
static void serve_malloc(void) {
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 8 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
}

/* A whole number from lo to hi for option `name`; -1 with a message otherwise. */
static long serve_number(const char *name, const char *text, long lo, long hi) {
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == 0 || *end || v < lo || v > hi) {
        fprintf(stderr, _("urne serve: --%s %s: expected a whole number from %ld to %ld\n"), name, text, lo, hi);
        return -1;
    }
    return v;
}

/* urne serve --help. */
static int serve_help(void) {
    printf(_("Usage: urne serve [--db PATH] [--listen ADDR:PORT] [--access-log PATH|-|none] [--threads N]\n"
                     "                  [--secure-cookies] [--quiet] [--max-connections N]\n"
                     "                  [--max-connections-per-address N] [--connection-timeout S]\n"
                     "                  [--cache-size MIB] [--trusted-proxy ADDR[/BITS]]...\n"
                     "                  [--smtp URL] [--mail-from ADDRESS] [--public-url URL] [--smtp-tries N]\n"
                     "                  [--mail-per-address N] [--mail-per-network N]\n\n"
                     "Serve the web interface and the JSON API (docs/API.md) from the database PATH\n"
                     "(default urne.db, created when missing). The access log gets one JSON line per\n"
                     "request (default: standard error); logins held back are told on standard error.\n"
                     "--secure-cookies when behind HTTPS. SIGTERM or Ctrl-C stops after the requests\n"
                     "in flight.\n\n"
                     "So that one client cannot starve the others:\n"
                     "  --max-connections N              connections open at once, all clients together\n"
                     "                                   (default: %d, or fewer if the open-file limit,\n"
                     "                                   raised to its hard limit at start, allows fewer)\n"
                     "  --max-connections-per-address N  at once from one client address (default %d;\n"
                     "                                   0: no limit; trusted proxies are not limited)\n"
                     "  --connection-timeout S           close a connection idle or half-sent for S seconds\n"
                     "                                   (default %d)\n"
                     "  --cache-size MIB                 memory for cached anonymous pages, least recently\n"
                     "                                   used dropped first (default %d; 0: no cache)\n"
                     "  --trusted-proxy ADDR[/BITS]      a reverse proxy in front of urne (repeatable): for\n"
                     "                                   requests from it, the client is the right-most\n"
                     "                                   X-Forwarded-For address that is not a trusted proxy;\n"
                     "                                   from anyone else, X-Forwarded-For is ignored\n\n"
                     "Failed logins are held back per account and client address, with waits that double\n"
                     "(60 s to 15 min): after 5 failures of the pair, or after 1 once the address has failed\n"
                     "30 times. A correct password from an address that did not fail is never refused.\n\n"
                     "Mail (confirmation links of initiatives signed by e-mail) leaves through an outbox in\n"
                     "the database: nothing is lost while the relay is down or the server stopped.\n"
                     "  --smtp URL          the relay: smtp://HOST:PORT (smtps:// for TLS; smtp://USER:PASS@HOST\n"
                     "                      logs in); without it, mails wait in the outbox\n"
                     "  --mail-from ADDRESS the sender (default: urne@ the public URL's host)\n"
                     "  --public-url URL    what the links in mails begin with (default: http:// and --listen)\n"
                     "  --smtp-tries N      tries before a mail the relay keeps failing has failed for good\n"
                     "                      (default: tried until its link expires, 7 days; waits double from\n"
                     "                      2 s to 10 min); a recipient the relay refuses for good fails at once\n"
                     "  --mail-per-address N\n"
                     "                      links asked an hour from one client address, then 429\n"
                     "                      (default %d; 0: no limit)\n"
                     "  --mail-per-network N\n"
                     "                      and from one network, an IPv4 /24 or IPv6 /48 (default %d;\n"
                     "                      0: no limit); behind a reverse proxy, give --trusted-proxy, or\n"
                     "                      every client counts as the proxy\n"),
                   URNE_SERVE_MAX_CONNECTIONS, URNE_SERVE_PER_ADDRESS, URNE_SERVE_TIMEOUT, URNE_SERVE_CACHE_MIB,
                   URNE_SERVE_MAIL_PER_ADDRESS, URNE_SERVE_MAIL_PER_NETWORK);
    printf("\n");
    urne_cli_db_help(stdout, 1);
    return URNE_EXIT_OK;
}

#define SERVE_MAX_PROXIES 64

int urne_cli_serve(int argc, char **argv) {
    urne_serve_options o = {.lang = urne_cli_lang(),
                             .db = db_of(NULL) ? db_of(NULL) : "urne.db",
                            .listen = "127.0.0.1:8080",
                            .access_log = "-",
                            .max_per_address = URNE_SERVE_PER_ADDRESS,
                            .connection_timeout = URNE_SERVE_TIMEOUT,
                            .cache_bytes = (size_t)-1,
                            .mail_per_address = -1,
                            .mail_per_network = -1};
    static const char *proxies[SERVE_MAX_PROXIES];
    static const struct option longs[] = {
        {"db", required_argument, 0, 'd'},         {"listen", required_argument, 0, 'l'},
        {"access-log", required_argument, 0, 'a'}, {"threads", required_argument, 0, 't'},
        {"secure-cookies", no_argument, 0, 's'},   {"quiet", no_argument, 0, 'q'},
        {"max-connections", required_argument, 0, 'm'},
        {"max-connections-per-address", required_argument, 0, 'p'},
        {"connection-timeout", required_argument, 0, 'o'},
        {"cache-size", required_argument, 0, 'c'},
        {"trusted-proxy", required_argument, 0, 'x'},
        {"smtp", required_argument, 0, 'S'},       {"mail-from", required_argument, 0, 'F'},
        {"public-url", required_argument, 0, 'U'}, {"smtp-tries", required_argument, 0, 'T'},
        {"mail-per-address", required_argument, 0, 'A'},
        {"mail-per-network", required_argument, 0, 'N'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0}};
    int c;
    long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'l': o.listen = optarg; break;
        case 'a': o.access_log = strcmp(optarg, "none") == 0 ? NULL : optarg; break;
        case 't': o.threads = (unsigned)atoi(optarg); break;
        case 's': o.secure_cookies = 1; break;
        case 'q': o.quiet = 1; break;
        case 'm':
            if ((v = serve_number("max-connections", optarg, 16, 1000000)) < 0) return URNE_EXIT_USAGE;
            o.max_connections = (unsigned)v;
            break;
        case 'p':
            if ((v = serve_number("max-connections-per-address", optarg, 0, 1000000)) < 0) return URNE_EXIT_USAGE;
            o.max_per_address = (unsigned)v;
            break;
        case 'o':
            if ((v = serve_number("connection-timeout", optarg, 1, 3600)) < 0) return URNE_EXIT_USAGE;
            o.connection_timeout = (unsigned)v;
            break;
        case 'c':
            if ((v = serve_number("cache-size", optarg, 0, 1 << 20)) < 0) return URNE_EXIT_USAGE;
            o.cache_bytes = (size_t)v << 20;
            break;
        case 'x':
            if (o.ntrusted_proxies == SERVE_MAX_PROXIES) {
                fprintf(stderr, _("urne serve: at most %d --trusted-proxy (give a network: ADDRESS/BITS)\n"),
                        SERVE_MAX_PROXIES);
                return URNE_EXIT_USAGE;
            }
            proxies[o.ntrusted_proxies++] = optarg;
            o.trusted_proxies = proxies;
            break;
        case 'S': o.smtp = optarg; break;
        case 'F': o.mail_from = optarg; break;
        case 'U': o.public_url = optarg; break;
        case 'T':
            if ((v = serve_number("smtp-tries", optarg, 1, 100)) < 0) return URNE_EXIT_USAGE;
            o.smtp_tries = (int)v;
            break;
        case 'A':
            if ((v = serve_number("mail-per-address", optarg, 0, 1000000)) < 0) return URNE_EXIT_USAGE;
            o.mail_per_address = (int)v;
            break;
        case 'N':
            if ((v = serve_number("mail-per-network", optarg, 0, 1000000)) < 0) return URNE_EXIT_USAGE;
            o.mail_per_network = (int)v;
            break;
        case 'h': return serve_help();
        default: return URNE_EXIT_USAGE;
        }
    }
    serve_malloc();
    return urne_web_serve(&o);
}
