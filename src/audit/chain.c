/*
 * chain: hashing and checking the audit log's entries (see audit.h).
 */
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"

static void absorb(crypto_hash_sha256_state *st, const char *s) {
    char len[24];
    size_t n = s ? strlen(s) : 0;
    int k = snprintf(len, sizeof len, "%zu:", n);
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)k);
    if (n) crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

void urne_audit_hash(const urne_audit_entry *e, char out[URNE_AUDIT_HASH_HEX]) {
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char seq[24];
    snprintf(seq, sizeof seq, "%lld", (long long)e->seq);
    crypto_hash_sha256_init(&st);
    absorb(&st, "urne-audit-1"); /* the format's version: a later change cannot collide */
    absorb(&st, seq);
    absorb(&st, e->at);
    absorb(&st, e->actor);
    absorb(&st, e->action);
    absorb(&st, e->object);
    absorb(&st, e->before);
    absorb(&st, e->after);
    absorb(&st, e->prev);
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(out, URNE_AUDIT_HASH_HEX, digest, sizeof digest);
}

#ifndef NDEBUG
/* Does the entry just sealed link to the one before it? Its seq follows prev_seq, its
 * prev is the previous hash whole (not cut by the buffer), and the checker of
 * `urne audit verify` accepts it as that entry's successor. For asserts only: the
 * program builds these links itself, so a break here is a bug, never tampering. */
static int sealed_links(const urne_audit_entry *e, int64_t prev_seq, const char *prev_hash) {
    const char *link = prev_hash ? prev_hash : URNE_AUDIT_GENESIS;
    if (e->seq != prev_seq + 1 || strcmp(e->prev, link) != 0) return 0;
    urne_audit_check c;
    urne_audit_check_init(&c);
    c.next_seq = e->seq;
    memcpy(c.last_hash, e->prev, sizeof c.last_hash);
    return urne_audit_check_next(&c, e) == 0;
}
#endif

void urne_audit_seal(urne_audit_entry *e, int64_t prev_seq, const char *prev_hash) {
    e->seq = prev_seq + 1;
    snprintf(e->prev, sizeof e->prev, "%s", prev_hash ? prev_hash : URNE_AUDIT_GENESIS);
    urne_audit_hash(e, e->hash);
    assert(sealed_links(e, prev_seq, prev_hash));
}

void urne_audit_check_init(urne_audit_check *c) {
    memset(c, 0, sizeof *c);
    c->next_seq = 1;
    snprintf(c->last_hash, sizeof c->last_hash, "%s", URNE_AUDIT_GENESIS);
}

static int broken(urne_audit_check *c, int64_t seq, const char *fmt, long long a, long long b) {
    c->bad_seq = seq;
    snprintf(c->why, sizeof c->why, fmt, a, b);
    return -1;
}

int urne_audit_check_next(urne_audit_check *c, const urne_audit_entry *e) {
    if (c->bad_seq) return -1;
    if (e->seq != c->next_seq) {
        if (e->seq > c->next_seq)
            return broken(c, c->next_seq, "entry %lld was removed (the log goes on at entry %lld)",
                          (long long)c->next_seq, (long long)e->seq);
        return broken(c, e->seq, "entry %lld appears out of order (expected entry %lld)", (long long)e->seq,
                      (long long)c->next_seq);
    }
    if (strcmp(e->prev, c->last_hash) != 0)
        return broken(c, e->seq,
                      "entry %lld does not link to entry %lld: an entry before it was altered or replaced",
                      (long long)e->seq, (long long)e->seq - 1);
    char h[URNE_AUDIT_HASH_HEX];
    urne_audit_hash(e, h);
    if (strcmp(h, e->hash) != 0)
        return broken(c, e->seq, "entry %lld was altered: its content no longer matches its hash%.0lld",
                      (long long)e->seq, 0);
    memcpy(c->last_hash, e->hash, sizeof c->last_hash);
    c->next_seq++;
    return 0;
}

int urne_audit_check_end(urne_audit_check *c, int64_t head_seq, const char *head_hash) {
    if (c->bad_seq) return -1;
    int64_t last = c->next_seq - 1;
    if (head_seq != last)
        return broken(c, last + 1 <= head_seq ? last + 1 : head_seq,
                      "the log ends at entry %lld but its recorded head is entry %lld: entries were removed "
                      "from the end",
                      (long long)last, (long long)head_seq);
    if (head_seq > 0 && strcmp(head_hash ? head_hash : "", c->last_hash) != 0)
        return broken(c, last, "entry %lld differs from the recorded head hash%.0lld", (long long)last, 0);
    return 0;
}
