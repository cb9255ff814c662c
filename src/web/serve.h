/*
 * serve: how the command line starts the server, and all it needs to know of it.
 * `urne serve` (cli/cmd_server.c) fills the options and calls urne_web_serve;
 * nothing else of web/ is visible to the command line.
 */
#ifndef URNE_SERVE_H
#define URNE_SERVE_H

#include <stddef.h>

#include "../i18n/i18n.h"

/* The server's configuration (cli/cmd_server.c fills it). */

typedef struct urne_serve_options {
    const char *db;
    const char *listen;      /* "127.0.0.1:8080" */
    const char *access_log;  /* path, "-" for standard error, NULL for none */
    unsigned threads;        /* 0: one per core */
    int secure_cookies;      /* add Secure to cookies (behind HTTPS) */
    int quiet;               /* no start-up lines */
    unsigned max_connections;    /* at once, all clients; 0: from the process's file limit */
    unsigned max_per_address;    /* at once from one client address; 0: no limit */
    unsigned connection_timeout; /* seconds a connection may stay idle or half-sent; 0: the default */
    size_t cache_bytes;          /* the anonymous page cache's budget; (size_t)-1: the default, 0: none */
    const char *const *trusted_proxies; /* "ADDR" or "ADDR/BITS": peers whose X-Forwarded-For is believed */
    size_t ntrusted_proxies;
    urne_lang lang;          /* the language of what the server says on its terminal */
    const char *smtp;        /* the relay's URL (smtp://host:port); NULL: mails wait in the outbox */
    const char *mail_from;   /* the mails' sender address; NULL: urne@ the public URL's host */
    const char *public_url;  /* what links in mails begin with; NULL: http:// and the listening address */
    int smtp_tries;          /* tries before a mail the relay keeps failing fails for good; 0: until its link expires */
    int mail_per_address;    /* mail requests an hour from one client address; 0: no limit, -1: the default */
    int mail_per_network;    /* and from one network (IPv4 /24, IPv6 /48); 0: no limit, -1: the default */
} urne_serve_options;

/* The defaults `urne serve --help` shows. */
#define URNE_SERVE_MAX_CONNECTIONS 16384 /* or fewer, when the open-file limit is lower */
#define URNE_SERVE_PER_ADDRESS 64
#define URNE_SERVE_TIMEOUT 10
#define URNE_SERVE_CACHE_MIB 64
#define URNE_SERVE_MAIL_PER_ADDRESS 20
#define URNE_SERVE_MAIL_PER_NETWORK 500 /* a /24 behind a carrier's NAT is many people */

/* Run the server until SIGTERM or SIGINT; returns an exit status. */
int urne_web_serve(const urne_serve_options *opt);

#endif
