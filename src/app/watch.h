/*
 * watch: the changes other processes make to the server's database (other urne
 * servers on PostgreSQL, the command line on either store), applied to what this
 * one holds in memory (the why and the how are in watch.c).
 */
#ifndef URNE_APP_WATCH_H
#define URNE_APP_WATCH_H

#include <stddef.h>

#include "app.h"

/* Start the thread that hears the other processes' changes, when app's store can
 * watch (PostgreSQL, SQLite); nothing when it cannot. 0, or -1 with
 * the reason in err (the store named without its password). Once, after
 * urne_app_open and the change hook are set. */
int urne_app_watch_start(urne_app *app, char *err, size_t errsize);
/* Stop and join the thread (nothing when none was started). Before urne_app_close. */
void urne_app_watch_stop(urne_app *app);

#endif
