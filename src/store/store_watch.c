/*
 * store_watch: the store's public functions for watching the changes other
 * processes make (store.h says what a watch reports). They dispatch to the
 * backend's optional watch table (store_backend.h): PostgreSQL's hears the
 * notifications (pg_watch.c), SQLite's reads the audit log (sqlite_watch.c); a
 * backend without one leaves it NULL, and a caller asks urne_store_can_watch
 * before it opens one.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "store_backend.h"

int urne_store_unavailable(const urne_store *s) {
    return s != NULL && __atomic_load_n(&s->unavailable, __ATOMIC_RELAXED);
}

int urne_store_can_watch(const urne_store *s) { return s != NULL && s->ops->watch != NULL; }

int urne_store_announce(urne_store *s, const char *action, const char *object) {
    assert(action && object && strlen(object) < sizeof((urne_store_change *)0)->object);
    return urne_store_can_watch(s) ? s->ops->watch->announce(s, action, object, NULL) : 0;
}

urne_store_watch *urne_store_watch_open(urne_store *s, char *err, size_t errsize) {
    if (!urne_store_can_watch(s)) {
        snprintf(err, errsize, "the %s store has no changes to watch", s ? s->ops->name : "(none)");
        return NULL;
    }
    urne_store_watch *w = s->ops->watch->open(s, err, errsize);
    assert(w == NULL || w->ops == s->ops->watch);
    return w;
}

urne_store_watch_event urne_store_watch_wait(urne_store_watch *w, int timeout_ms, urne_store_change *out, size_t cap,
                                             size_t *n) {
    assert(w && out && cap > 0 && n);
    *n = 0;
    return w->ops->wait(w, timeout_ms, out, cap, n);
}

int urne_store_watch_seen(urne_store_watch *w, urne_store *s, const char *scope) {
    assert(w && s && w->ops == s->ops->watch && (scope == NULL || scope[0]));
    return w->ops->seen ? w->ops->seen(w, s, scope) : 0;
}

int urne_store_watch_saw(const urne_store_watch *w, const urne_store_change *c) {
    assert(w && c);
    return w->ops->saw ? w->ops->saw(w, c) : 0;
}

const char *urne_store_watch_error(const urne_store_watch *w) { return w->ops->error(w); }

void urne_store_watch_close(urne_store_watch *w) {
    if (w) w->ops->close(w);
}
