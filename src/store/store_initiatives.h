/*
 * store_initiatives: the citizens' initiatives' rows (issue 18): the
 * initiatives, the electoral roll each is signed against, and the signatures
 * (initiative/ has the engine, app/initiative.h the use cases).
 *
 * Privacy is the shape of these tables. The store never holds a signer's name in
 * clear: a roll entry and a signature keep
 *   - a keyed hash (BLAKE2b with the initiative's key, hex) of the normalised
 *     identity, "NAME|GIVEN|BIRTH|COMMUNE" (initiative/identity.h), by which a
 *     signer is matched and deduplicated without the name being read;
 *   - a keyed hash of the index key "NAME|COMMUNE", by which a signer whose date or
 *     given names differ is told "a homonym" rather than "not on the roll";
 *   - the identity itself sealed to the verification authority's public key
 *     (libsodium's crypto_box_seal, base64): only the authority, offline, opens it.
 * A signature is unique per initiative and identity hash, decided inside the
 * write transaction that adds it (PostgreSQL: a unique index; SQLite: a set in
 * memory kept exact under its write lock, sqlite_dedup.h), so fifty connections
 * signing for one elector at once insert one row: urne_store_initiative_sign
 * answers 0 to the others. Counts are
 * not kept here: the application counts in memory and rebuilds from the rows.
 *
 * The rows change only as the use cases say: an initiative's state (with its
 * reasons or answer), a signature's invalidation (once, with its reason). Part of
 * the store's interface (store.h); return values as store.h says.
 */
#ifndef URNE_STORE_INITIATIVES_H
#define URNE_STORE_INITIATIVES_H

#include <stdint.h>

typedef struct urne_store urne_store;

#define URNE_STORE_INITIATIVE_TITLE_MAX 200
#define URNE_STORE_INITIATIVE_RULES_MAX 16384 /* the rules text (urne_initiative_rules_write): 128 figures (rules.h) of the longest names fit */
#define URNE_STORE_INITIATIVE_TEXT_MAX 4000  /* the committee's reasons, the authority's answer */
#define URNE_STORE_INITIATIVE_REASON_MAX 1000 /* an invalidation's reason */
#define URNE_STORE_INITIATIVE_HASH 65        /* 32 bytes in hex, NUL */
#define URNE_STORE_INITIATIVE_SEALED 1400    /* a sealed identity in base64, NUL */
#define URNE_STORE_INITIATIVE_LETTER 112     /* a letter's reference, NUL */

/* An initiative. Every text is NUL-terminated within its field. */
typedef struct urne_initiative_row {
    int64_t id;
    char title[URNE_STORE_INITIATIVE_TITLE_MAX + 1];
    char space[96];         /* the space it belongs to ("" the site, "org/nord"...) */
    char rules[URNE_STORE_INITIATIVE_RULES_MAX];
    char state[16];         /* urne_initiative_state_name */
    char authority_key[URNE_STORE_INITIATIVE_HASH]; /* the authority's public key, hex */
    char hash_key[URNE_STORE_INITIATIVE_HASH];      /* the key of the identity hashes, hex */
    char created_at[24];
    char created_by[64];
    char changed_at[24];    /* the last transition */
    char reasons[URNE_STORE_INITIATIVE_TEXT_MAX + 1]; /* the committee's, "" none */
    char answer[URNE_STORE_INITIATIVE_TEXT_MAX + 1];  /* the authority's, "" none */
} urne_initiative_row;

/* A roll entry: an elector who may sign, as hashes and a sealed box. */
typedef struct urne_initiative_roll_entry {
    char key_hash[URNE_STORE_INITIATIVE_HASH];
    char index_hash[URNE_STORE_INITIATIVE_HASH];
    char territory[64];
    char sealed[URNE_STORE_INITIATIVE_SEALED];
    /* Its one-time code by letter (migration 12), "" for none: for a letter made
     * for an elector of the roll, the code's keyed hash, the letter's reference
     * (never the code) and the birth date, YYYY-MM-DD, that the age rule reads
     * when the code signs (the name stays sealed); for an anonymous code, whose
     * entry is the code itself (key_hash its hash), the letter's reference alone
     * (code_hash "": the entry is found by key_hash, and indexed once). */
    char code_hash[URNE_STORE_INITIATIVE_HASH];
    char letter[URNE_STORE_INITIATIVE_LETTER];
    char born[11];
} urne_initiative_roll_entry;

/* A signature. */
typedef struct urne_initiative_signature {
    int64_t id;
    int64_t initiative;
    char dedup[URNE_STORE_INITIATIVE_HASH];   /* the signer's key_hash on the roll */
    char territory[64];
    char sealed[URNE_STORE_INITIATIVE_SEALED];
    /* A receipt made before migration 15: SHA-256 of its code, hex; "" for one
     * made since, which carries the signature's id and whose secret part's hash
     * is `proof` (app/initiative_sign.c says how codes are made and checked). */
    char receipt[URNE_STORE_INITIATIVE_HASH];
    char signed_at[24];
    char marks[128];                          /* abuse marks for the authority, "" none */
    char invalid[URNE_STORE_INITIATIVE_REASON_MAX + 1]; /* the invalidation's reason, "" valid */
    char letter[URNE_STORE_INITIATIVE_LETTER]; /* signed with the code of that letter; "" by identity */
    char proof[URNE_STORE_INITIATIVE_HASH];   /* the receipt's secret part's hash, hex (migration 15); "" before */
} urne_initiative_signature;

/* Add an initiative (inside a transaction); i->id ignored. The new id, or -1. */
int64_t urne_store_initiative_put(urne_store *s, const urne_initiative_row *i);
/* Initiative `id` into *out: 1, 0 when there is none, -1. */
int urne_store_initiative_get(urne_store *s, int64_t id, urne_initiative_row *out);
/* Write i's state, changed_at, reasons and answer when its stored state is still
 * `expected` (inside a transaction): 1, 0 when it was not (nothing written), -1. */
int urne_store_initiative_update(urne_store *s, const urne_initiative_row *i, const char *expected);
/* Every initiative in order of id; fn's non-zero return stops and is returned. */
int urne_store_initiative_each(urne_store *s, int (*fn)(const urne_initiative_row *i, void *ctx), void *ctx);

/* Add a roll entry to initiative `id` (inside a transaction): 1, 0 when an entry
 * of that key_hash is already on its roll (nothing written), -1. */
int urne_store_initiative_roll_put(urne_store *s, int64_t id, const urne_initiative_roll_entry *e);
/* The roll entry of that key_hash: 1 with *out set; 0 when none, with *homonyms
 * the entries sharing index_hash; -1. */
int urne_store_initiative_roll_find(urne_store *s, int64_t id, const char *key_hash, const char *index_hash,
                                    urne_initiative_roll_entry *out, int64_t *homonyms);
/* The roll entry whose code_hash is `code_hash`: 1 with *out set, 0, -1. */
int urne_store_initiative_roll_code(urne_store *s, int64_t id, const char *code_hash, urne_initiative_roll_entry *out);
/* Give the roll entry of key_hash a letter (inside a transaction): its code_hash,
 * letter and born written when it has no code yet: 1; 0 when there is no such
 * entry or it has a code already (nothing written); -1 (a code_hash another
 * entry has included). */
int urne_store_initiative_roll_letter(urne_store *s, int64_t id, const char *key_hash, const char *code_hash,
                                      const char *letter, const char *born);
/* Take back the code of the roll entry of key_hash (inside a transaction): an
 * anonymous code's entry (code_hash "", a letter) removed, a letter's code, reference and birth date
 * emptied on its elector's entry: 1, 0 when the entry has no code, -1. */
int urne_store_initiative_roll_unletter(urne_store *s, int64_t id, const char *key_hash);
/* fn(territory, electors, anonymous) for each territory of the roll, in order of
 * name: its entries, and how many of them are anonymous codes (a letter, no
 * code_hash; those made before migration 12 have neither and are not told).
 * Read from the counts kept beside the roll (migration 18: urne_store_
 * initiative_roll_put and _unletter keep them in their transaction), a row
 * per territory, not from the roll itself, whatever its size. */
int urne_store_initiative_roll_counts(urne_store *s, int64_t id,
                                      int (*fn)(const char *territory, int64_t electors, int64_t anonymous,
                                                void *ctx),
                                      void *ctx);

/* Add a signature (inside a transaction; sig->id ignored): its id (> 0), 0 when
 * the initiative already has a signature of that dedup hash (nothing written), -1. */
int64_t urne_store_initiative_sign(urne_store *s, const urne_initiative_signature *sig);
/* Make initiative id's next signature fast: on SQLite, its signatures' dedup
 * hashes read into memory now (sqlite_dedup.h), not at its first signature
 * under the application's lock (seconds at ten million); nothing on a backend
 * that needs nothing. 0, or -1. */
int urne_store_initiative_warm(urne_store *s, int64_t id);
/* Initiative id no longer collects (its state committed): what the store held in
 * memory to make its signatures fast may go (on SQLite its dedup set: 16 bytes a
 * slot, some 23-46 MB a million signatures), read again if it is ever signed
 * again. Outside a write transaction. 0 (nothing can fail). */
int urne_store_initiative_cool(urne_store *s, int64_t id);
/* The signature of initiative `id` whose receipt hash is `receipt` (not empty),
 * among those made before migration 15 (a receipt made since is checked by its
 * signature's id and proof): 1, 0, -1. */
int urne_store_initiative_receipt(urne_store *s, int64_t id, const char *receipt, urne_initiative_signature *out);
/* Signature `sig` of initiative `id` into *out: 1, 0, -1. */
int urne_store_initiative_signature_get(urne_store *s, int64_t id, int64_t sig, urne_initiative_signature *out);
/* Invalidate signature `sig` of initiative `id` with `reason` (not empty), when
 * it is still valid (inside a transaction): 1, 0 when it is not (nothing written), -1. */
int urne_store_initiative_invalidate(urne_store *s, int64_t id, int64_t sig, const char *reason);
/* fn(territory, valid, invalidated) for each territory where initiative `id`
 * has signatures, in no set order: counted from an index, never from the rows
 * (what the application does at open). A nonzero answer from fn stops and is
 * answered; -1 a store failure. */
int urne_store_initiative_signature_counts(urne_store *s, int64_t id,
                                           int (*fn)(const char *territory, int64_t valid, int64_t invalid,
                                                     void *ctx),
                                           void *ctx);
/* fn(day, valid) for each UTC day ("YYYY-MM-DD", the date signed_at begins with)
 * on which initiative `id` has valid signatures, in no set order: counted from
 * an index (migration 16), never from the rows. fn's non-zero answer stops and
 * is answered; -1 a store failure. */
int urne_store_initiative_signature_days(urne_store *s, int64_t id,
                                         int (*fn)(const char *day, int64_t valid, void *ctx), void *ctx);
/* fn(sig) for the id of each valid signature of initiative `id`, in no set
 * order: read from an index (migration 16), never from the rows and their sealed
 * identities. fn's non-zero answer stops and is answered; -1 a store failure. */
int urne_store_initiative_valid_ids(urne_store *s, int64_t id, int (*fn)(int64_t sig, void *ctx), void *ctx);
/* Every signature of initiative `id` (0: of every initiative) in order of id. */
int urne_store_initiative_signatures_each(urne_store *s, int64_t id,
                                          int (*fn)(const urne_initiative_signature *sig, void *ctx), void *ctx);

#endif
