/*
 * audit: the tamper-evident log, as a hash chain.
 *
 * Every change urne makes to an election (a sheet entered, a bureau contested, a
 * decision, a publication, an account created) is appended as an entry: who, when,
 * what, the object's state before and after. Each entry holds the hash of the one
 * before it, and its own hash covers every field plus that link. Altering an entry
 * changes its hash; removing one breaks the link of the next; so recomputing the
 * chain from the first entry names the first place it was tampered with. The head
 * hash (the last entry's) is shown on the public pages: anyone who noted it can
 * later check that the history up to there was not rewritten.
 *
 * This module is pure: it hashes and checks entries in memory. The store keeps
 * them; `urne audit verify` feeds them here.
 *
 * Hash: SHA-256 (libsodium) over the fields in order, each preceded by its length
 * in decimal and a ':', so that no two different entries hash the same bytes.
 */
#ifndef URNE_AUDIT_H
#define URNE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#define URNE_AUDIT_HASH_HEX 65 /* 64 hex digits and a NUL */

/* The link held by the first entry: no entry before it. */
#define URNE_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct urne_audit_entry {
    int64_t seq;        /* 1, 2, 3... without gaps */
    const char *at;     /* UTC time, ISO 8601 */
    const char *actor;  /* user name, or "system" */
    const char *action; /* "sheet.enter", "bureau.contest", ... */
    const char *object; /* what it applies to: "election/3/bureau/12" */
    const char *before; /* JSON, "null" when the object did not exist */
    const char *after;  /* JSON, "null" when it no longer exists */
    char prev[URNE_AUDIT_HASH_HEX]; /* hash of entry seq-1, or URNE_AUDIT_GENESIS */
    char hash[URNE_AUDIT_HASH_HEX]; /* this entry's hash */
} urne_audit_entry;

/* Compute the hash of `e` (every field but e->hash) into out, as lowercase hex. */
void urne_audit_hash(const urne_audit_entry *e, char out[URNE_AUDIT_HASH_HEX]);

/* Fill e->prev from the previous entry's hash (or the genesis when prev_hash is
 * NULL), set e->seq to prev_seq + 1 and compute e->hash. */
void urne_audit_seal(urne_audit_entry *e, int64_t prev_seq, const char *prev_hash);

/* A chain being checked entry by entry, in order of seq. */
typedef struct urne_audit_check {
    int64_t next_seq;                 /* the seq expected next */
    char last_hash[URNE_AUDIT_HASH_HEX];
    int64_t bad_seq;                  /* first entry found wrong, 0 while none */
    char why[300];                    /* one sentence naming it */
} urne_audit_check;

void urne_audit_check_init(urne_audit_check *c);

/* Check the next entry read back from the store. Returns 0 when it is sound, -1
 * when the chain breaks here (c->bad_seq and c->why say where and how); after a
 * break further calls return -1 and change nothing. */
int urne_audit_check_next(urne_audit_check *c, const urne_audit_entry *e);

/* After the last entry: compare with the head the store recorded separately (seq
 * and hash), which catches entries removed from the end. 0 or -1 as above. */
int urne_audit_check_end(urne_audit_check *c, int64_t head_seq, const char *head_hash);

#endif
