/*
 * ministry_internal: what the two halves of the Ministry reader share. ministry.c
 * knows the format (the header, the candidate groups, every message a broken row
 * gets); ministry_rows.c reads the rows of a big file fast, on every core, and hands
 * any row it cannot take as it is to ministry.c's careful reader. Internal to io/.
 */
#ifndef URNE_MINISTRY_INTERNAL_H
#define URNE_MINISTRY_INTERNAL_H

#include <pthread.h>
#include <string.h>

#include "parse_common.h"
#include "results_io.h"

enum ministry_role {
    R_IGNORE,
    R_DEPT_CODE, R_DEPT_LABEL, R_CIRCO_CODE, R_CIRCO_LABEL, R_COMMUNE_CODE, R_COMMUNE_LABEL, R_BV_CODE,
    R_INSCRITS, R_VOTANTS, R_BLANCS, R_NULS, R_EXPRIMES,
    R_G_PANEL, R_G_SEX, R_G_NOM, R_G_PRENOM, R_G_VOIX, R_G_OTHER,
    R_COUNT
};

#define NGROUP_ROLES 5 /* panel, sex, nom, prenom, voix */
#define MAX_GROUPS 64
#define NCOUNTS (R_EXPRIMES - R_INSCRITS + 1)
#define GROUP_ROLE(r) ((r) - R_G_PANEL)

/* Where the header puts each column. */
typedef struct ministry_layout {
    long fixed[R_G_PANEL];                    /* column of each fixed role, -1 if absent */
    long group_col[MAX_GROUPS][NGROUP_ROLES]; /* numbered mode */
    size_t ngroups;                           /* numbered mode: groups named by the header */
    int repeating;                            /* unnumbered group block repeating to the end */
    long block_start, block_width;
    long block_off[NGROUP_ROLES];
    long header_fields;
} ministry_layout;

/* Column of role `k` (GROUP_ROLE) of candidate group g, or -1. */
long ministry_group_col(const ministry_layout *lay, size_t g, int k);

/* What every reader of rows shares once the first row has named the candidates. */
typedef struct ministry_file {
    const ministry_layout *lay;
    urne_encoding enc;
    size_t ngroups;                 /* candidate groups of the first sheet, one candidate each */
    urne_span raw_first[MAX_GROUPS]; /* the candidates' names as the file writes them */
    urne_span raw_last[MAX_GROUPS];
    urne_round *round;              /* where the sheets go */
} ministry_file;

/* The fields of one row that urne uses, found in a single pass. */
typedef struct ministry_row {
    long nfields;
    urne_span fixed[R_G_PANEL];
    urne_span group[MAX_GROUPS][NGROUP_ROLES];
} ministry_row;

/* The units a reader met last at one level (département, circonscription,
 * commune), most recent first. Rows of a commune follow each other and a commune's
 * bureaux alternate between a few circonscriptions, so most rows find their units
 * here and intern nothing. */
#define UNIT_RECENT 8
typedef struct unit_entry {
    char dept[24], code[24]; /* the raw codes */
    size_t dept_len, code_len;
    const char *key;         /* interned in the round */
    const char *code_copy;   /* the code and label as UTF-8, in the reader's arena */
    const char *label;
} unit_entry;

typedef struct unit_cache {
    unit_entry recent[UNIT_RECENT];
    size_t n;
} unit_cache;

/* A bureau's key before it is interned: its hash and length, computed by the thread
 * that read the row. */
typedef struct leaf_ref {
    uint32_t hash, len;
} leaf_ref;

/* One reader's scratch space and destinations; each thread has its own. */
typedef struct row_reader {
    const ministry_file *file;
    urne_diags *diags;  /* where this reader's messages go */
    urne_arena *arena;  /* where its sheets' vote arrays, codes and labels go */
    pthread_mutex_t *round_lock; /* held to intern into the round, which readers share */
    ministry_row rw;
    uint32_t pos[URNE_MAX_FIELDS];
    urne_span spans[URNE_MAX_FIELDS];
    unit_cache units[3]; /* département, circonscription, commune */
} row_reader;

/* Levels 0..2 (département, circonscription, commune): the roles of their code and label. */
extern const enum ministry_role ministry_unit_code[3], ministry_unit_label[3];

/* a[0..n) == b[0..n), for the few bytes of a name or a code: whole words, the
 * last one overlapping the one before, never a byte outside either string. */
static inline int ministry_same_bytes(const char *a, const char *b, size_t n) {
    uint64_t x, y;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t u, v, w, z;
        memcpy(&u, a, 4), memcpy(&v, b, 4), memcpy(&w, a + n - 4, 4), memcpy(&z, b + n - 4, 4);
        return u == v && w == z;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static inline int ministry_same_span(urne_span a, urne_span b) {
    return a.len == b.len && ministry_same_bytes(a.p, b.p, a.len);
}

/* True when entry e is the unit named by these raw codes. */
static inline int ministry_unit_is(const unit_entry *e, urne_span dept, urne_span code) {
    return e->dept_len == dept.len && e->code_len == code.len && ministry_same_bytes(e->dept, dept.p, dept.len) &&
           ministry_same_bytes(e->code, code.p, code.len);
}

/* The unit of level k (0..2) named by these raw codes (its label read only when it
 * is new): from rd->units when met lately, else made (its key interned in the round
 * under rd->round_lock) and remembered. NULL when memory runs out. */
const unit_entry *ministry_unit(row_reader *rd, int k, urne_span dept, urne_span code, urne_span label);

/* The careful reader: read one row (its line number ln) into *dest, with every
 * message a broken row deserves. Its vote array, codes and labels go to rd->arena.
 * The bureau's key is left to intern: dest's last key is a copy in rd->arena, *leaf
 * its hash and length.
 * Returns 1 (the sheet written), 0 (the row's errors added to rd->diags, nothing
 * written) or -1 (out of memory). */
int ministry_read_sheet(row_reader *rd, urne_span line, long ln, urne_sheet *dest, leaf_ref *leaf);

/* Read the rows of text[0..len), the first on line `first_line`, into the round of
 * `file` (sheets in file order, nsheets set), as `how` says: cut into how->chunks
 * chunks (0: as many as the text deserves, cut where how->parts says when given);
 * with how->check, and when no row was rejected, the sheets are then checked as
 * urne_results_check would, with the same messages in the same order. Messages are
 * added to diags in line order. Returns 0, or -1 when memory runs out. */
int ministry_read_rows(const ministry_file *file, const char *text, size_t len, long first_line,
                       const urne_ministry_reading *how, urne_diags *diags);

#endif
