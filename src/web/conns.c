/*
 * conns: connections per address (the rule is in conns.h).
 *
 * The count lives in one table for the whole process (one server per process),
 * keyed by the peer's address: open addressing, sized at start for four times
 * max_connections and never more than half full. An address whose count falls to
 * zero keeps its slot until the table would pass half full; it is then rebuilt
 * without them. When the table cannot take an address (still too full after the
 * rebuild, or out of memory for it) the connection is let in uncounted rather
 * than refused.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conns.h"
#include "server.h"
#include "web.h"

/* Open connections by peer address: open addressing, never more than half full
 * (entries at zero are dropped when the table is rebuilt). */
typedef struct conn_slot {
    urne_addr addr;
    unsigned open;
    int used;
} conn_slot;

static struct {
    pthread_mutex_t lock;
    conn_slot *slots;
    size_t cap, used;
    unsigned limit; /* per address; 0: none */
} conns = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t addr_hash(const urne_addr *a) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < 16; i++) h = (h ^ a->b[i]) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 29));
}

static conn_slot *conns_find(const urne_addr *a, int create) {
    size_t mask = conns.cap - 1, h = addr_hash(a) & mask;
    for (; conns.slots[h].used; h = (h + 1) & mask)
        if (memcmp(conns.slots[h].addr.b, a->b, 16) == 0) return &conns.slots[h];
    if (!create) return NULL;
    if (conns.used + 1 > conns.cap / 2) {
        /* Rebuild without the addresses that hold no connection. */
        conn_slot *old = conns.slots, *fresh = calloc(conns.cap, sizeof *fresh);
        if (fresh == NULL) return NULL;
        conns.slots = fresh;
        conns.used = 0;
        for (size_t i = 0; i < conns.cap; i++)
            if (old[i].used && old[i].open) {
                size_t k = addr_hash(&old[i].addr) & mask;
                while (fresh[k].used) k = (k + 1) & mask;
                fresh[k] = old[i];
                conns.used++;
            }
        free(old);
        if (conns.used + 1 > conns.cap / 2) return NULL;
        h = addr_hash(a) & mask;
        while (conns.slots[h].used) h = (h + 1) & mask;
    }
    conns.slots[h] = (conn_slot){*a, 0, 1};
    conns.used++;
    return &conns.slots[h];
}

enum MHD_Result urne_conns_accept(void *cls, const struct sockaddr *sa, socklen_t len) {
    urne_server *srv = cls;
    urne_addr a;
    (void)len;
    if (conns.limit == 0 || urne_addr_from_sockaddr(sa, &a) < 0 || urne_proxies_trusted(srv->proxies, &a))
        return MHD_YES;
    pthread_mutex_lock(&conns.lock);
    conn_slot *s = conns.slots ? conns_find(&a, 0) : NULL;
    unsigned open = s ? s->open : 0;
    pthread_mutex_unlock(&conns.lock);
    return open >= conns.limit ? MHD_NO : MHD_YES;
}

void urne_conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code) {
    urne_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        urne_conn *x = calloc(1, sizeof *x);
        *socket_context = x;
        if (x && srv->deadlines) {
            const union MHD_ConnectionInfo *fi =
                urne_server_mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
            if (fi) x->deadline = urne_deadlines_add(srv->deadlines, (int)fi->connect_fd);
        }
        if (x == NULL || urne_addr_peer(conn, &x->peer) < 0 || urne_proxies_trusted(srv->proxies, &x->peer)) return;
        pthread_mutex_lock(&conns.lock);
        conn_slot *s = conns.slots ? conns_find(&x->peer, 1) : NULL;
        if (s) {
            s->open++;
            x->counted = 1;
        }
        pthread_mutex_unlock(&conns.lock);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        urne_conn *x = *socket_context;
        if (x == NULL) return;
        if (srv->deadlines) urne_deadlines_remove(srv->deadlines, x->deadline);
        if (x->counted) {
            pthread_mutex_lock(&conns.lock);
            conn_slot *s = conns_find(&x->peer, 0);
            if (s && s->open) s->open--;
            pthread_mutex_unlock(&conns.lock);
        }
        free(x);
        *socket_context = NULL;
    }
}

int urne_conns_init(unsigned per_address, unsigned max_connections) {
    conns.limit = per_address;
    conns.cap = 1024;
    while (conns.cap < 4 * (size_t)max_connections) conns.cap *= 2;
    conns.slots = calloc(conns.cap, sizeof *conns.slots);
    conns.used = 0;
    return conns.slots ? 0 : -1;
}

void urne_conns_free(void) {
    free(conns.slots);
    conns.slots = NULL;
}

urne_conn *urne_conns_get(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *ci =
        urne_server_mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}
