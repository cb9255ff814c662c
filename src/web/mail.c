/*
 * mail: see mail.h. The loop: the hourly purge when due; with a relay, take the
 * next mail due (claimed for two minutes: longer than libcurl's own timeouts),
 * send it, record the try; when none is due (or no relay), wait a second on
 * the condition (signalled to stop).
 */
#include "mail.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/initiative_mail.h"
#include "../io/smtp.h"
#include "serve.h"
#include "web.h"

#define MAIL_LEASE 120 /* seconds a claimed mail is this sender's */
#define MAIL_PURGE 3600 /* seconds between two removals of expired requests (urne_app_mail_purge) */

struct urne_mailer {
    urne_app *app;
    urne_smtp *smtp;
    int tries;
    urne_lang lang;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int stopping;
};

/* One mail due sent and its try recorded: 1; 0 none due; -1 the store failed. */
static int send_one(urne_mailer *m, urne_mail_row *row) {
    int64_t now = (int64_t)time(NULL);
    int rc = urne_app_mail_next(m->app, now, MAIL_LEASE, row);
    if (rc <= 0) return rc;
    char why[URNE_STORE_MAIL_ERROR];
    urne_smtp_result got = urne_smtp_send(m->smtp, row->recipient, row->subject, row->body, why, sizeof why);
    int sent = got == URNE_SMTP_SENT, final = 0;
    if (urne_app_mail_tried(m->app, row, sent ? NULL : why, got == URNE_SMTP_PERMANENT, m->tries,
                            (int64_t)time(NULL), &final) < 0)
        fprintf(stderr, urne_i18n_text(m->lang, "urne: mail %lld (%s): its try could not be recorded\n"),
                (long long)row->id, row->object);
    else if (final && got == URNE_SMTP_PERMANENT)
        fprintf(stderr, urne_i18n_text(m->lang, "urne: mail %lld (%s) refused by the relay, failed for good: %s\n"),
                (long long)row->id, row->object, why);
    else if (final)
        fprintf(stderr, urne_i18n_text(m->lang, "urne: mail %lld (%s) failed for good after %lld tries: %s\n"),
                (long long)row->id, row->object, (long long)row->tries + 1, why);
    else if (!sent)
        fprintf(stderr, urne_i18n_text(m->lang, "urne: mail %lld (%s): try %lld failed, tried again later: %s\n"),
                (long long)row->id, row->object, (long long)row->tries + 1, why);
    return 1;
}

static void *sender(void *arg) {
    urne_mailer *m = arg;
    urne_mail_row *row = malloc(sizeof *row);
    int64_t purged = 0;
    pthread_mutex_lock(&m->mu);
    while (!m->stopping) {
        pthread_mutex_unlock(&m->mu);
        int64_t now = (int64_t)time(NULL);
        if (now - purged >= MAIL_PURGE && urne_app_mail_purge(m->app, now) >= 0) purged = now;
        int rc = row && m->smtp ? send_one(m, row) : row ? 0 : -1;
        if (row) memset(row, 0, sizeof *row); /* the address and the link not left in memory */
        pthread_mutex_lock(&m->mu);
        if (rc == 1 || m->stopping) continue;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&m->cond, &m->mu, &until);
    }
    pthread_mutex_unlock(&m->mu);
    free(row);
    return NULL;
}

urne_mailer *urne_mailer_start(urne_app *app, const char *url, const char *from, int tries, urne_lang lang,
                               char *why, size_t size) {
    urne_mailer *m = calloc(1, sizeof *m);
    if (m == NULL) {
        snprintf(why, size, "%s", urne_i18n_text(lang, "out of memory"));
        return NULL;
    }
    m->app = app;
    m->tries = tries > 0 ? tries : 0;
    m->lang = lang;
    m->smtp = url ? urne_smtp_open(url, from, why, size) : NULL;
    if (url && m->smtp == NULL) {
        free(m);
        return NULL;
    }
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cond, NULL);
    if (pthread_create(&m->thread, NULL, sender, m) != 0) {
        snprintf(why, size, "%s", urne_i18n_text(lang, "cannot start the mail sender's thread"));
        urne_smtp_close(m->smtp);
        pthread_mutex_destroy(&m->mu);
        pthread_cond_destroy(&m->cond);
        free(m);
        return NULL;
    }
    return m;
}

int urne_mailer_sends(const urne_mailer *m) { return m != NULL && m->smtp != NULL; }

void urne_mailer_stop(urne_mailer *m) {
    if (m == NULL) return;
    pthread_mutex_lock(&m->mu);
    m->stopping = 1;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->thread, NULL);
    urne_smtp_close(m->smtp);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cond);
    free(m);
}

int urne_serve_mail_open(struct urne_server *srv, const struct urne_serve_options *opt) {
    const char *url = opt->public_url;
    char made[256];
    if (url == NULL) snprintf(made, sizeof made, "http://%s", opt->listen), url = made;
    size_t n = strlen(url);
    while (n && url[n - 1] == '/') n--;
    int scheme = strncmp(url, "http://", 7) == 0 ? 7 : strncmp(url, "https://", 8) == 0 ? 8 : 0;
    if (!scheme || n <= (size_t)scheme || n >= sizeof srv->public_url || strpbrk(url, " \t\r\n\"<>")) {
        fprintf(stderr, urne_i18n_text(opt->lang, "urne serve: --public-url %s: expected http://HOST[:PORT][/PATH] "
                                                   "or https://...\n"), url);
        return -1;
    }
    memcpy(srv->public_url, url, n);
    srv->public_url[n] = 0;
    srv->public_url_given = opt->public_url != NULL;
    char from[256], why[600];
    if (opt->smtp == NULL) {
        int64_t waiting = urne_app_mail_waiting(&srv->app);
        if (waiting > 0)
            fprintf(stderr, urne_i18n_text(opt->lang, "urne: %lld mail(s) wait in the outbox: start the server with "
                                                       "--smtp smtp://HOST:PORT to send them (they are kept)\n"),
                    (long long)waiting);
        /* No relay: the thread only purges (expired requests and their mails go all the same). */
        srv->mailer = urne_mailer_start(&srv->app, NULL, NULL, 0, opt->lang, why, sizeof why);
        if (srv->mailer == NULL)
            fprintf(stderr, urne_i18n_text(opt->lang, "urne serve: the outbox's purge cannot start: %s\n"), why);
        return srv->mailer ? 0 : -1;
    }
    if (opt->mail_from)
        snprintf(from, sizeof from, "%s", opt->mail_from);
    else { /* urne@ the public URL's host, without its port or path */
        const char *host = srv->public_url + scheme;
        snprintf(from, sizeof from, "urne@%.*s", (int)strcspn(host, ":/"), host);
    }
    /* Listening on loopback with mail on: most likely behind a reverse proxy,
     * which, unless trusted, is the one client all mail requests count for. */
    if (opt->ntrusted_proxies == 0 && opt->listen &&
        (strncmp(opt->listen, "127.", 4) == 0 || strncmp(opt->listen, "[::1]", 5) == 0 ||
         strncmp(opt->listen, "localhost", 9) == 0))
        fprintf(stderr, urne_i18n_text(opt->lang, "urne serve: mail requests are held back per client address; "
                                                   "behind a reverse proxy on %s, give it with --trusted-proxy, or "
                                                   "every client counts as the proxy\n"),
                opt->listen);
    srv->mailer = urne_mailer_start(&srv->app, opt->smtp, from, opt->smtp_tries, opt->lang, why, sizeof why);
    if (srv->mailer == NULL) {
        fprintf(stderr, urne_i18n_text(opt->lang, "urne serve: --smtp %s: %s\n"), opt->smtp, why);
        return -1;
    }
    return 0;
}
