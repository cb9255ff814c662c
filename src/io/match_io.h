/*
 * match_io: the matching's input files (issue 20), read into an engine instance.
 *
 *   hosts.csv          id, capacity [, reserved] [, weeks] and any columns of the
 *                      host's own (name, commune, domain...), kept but not read;
 *                      `weeks` lists the weeks offered separated by '|', empty for
 *                      any week; `reserved` the places held for priority pupils.
 *   pupils.csv         id, wishes [, priority] [, lottery] [, week] and columns of
 *                      their own; `wishes` are host ids best first separated by
 *                      '>'; `priority` an integer, higher first (2 for REP+, 1 for
 *                      REP); `lottery` an integer, lower first, given for every
 *                      pupil or for none (then drawn from the seed); `week` the
 *                      week the pupil is available, empty for any.
 *   host_rankings.csv  host, pupil, rank: a host that ranks its applicants itself,
 *                      lower first; it then takes only the pupils it ranked.
 *   distances.csv      commune_a, commune_b, km: with a maximum distance, a pupil
 *                      is placed only with a host whose `commune` is near theirs.
 *
 * Columns are found by name in the header, in any order, separated by ',' or ';'.
 * Every fault is an error naming the file, the line, the column and the rule (an
 * unknown host in a wish, a wish repeated, a capacity below zero, a pupil or a
 * host twice, an id over 200 bytes, reserved places beyond capacity, a priority beyond +-10^9, an empty
 * file); nothing is returned half-read.
 */
#ifndef URNE_MATCH_IO_H
#define URNE_MATCH_IO_H

#include <stddef.h>

#include "../core/urne_arena.h"
#include "../core/urne_diag.h"
#include "../match/match.h"

/* The longest id of a host or a pupil, in bytes: explanations quote them in
 * sentences of bounded length. */
#define URNE_MATCH_ID_MAX 200

typedef struct urne_match_input {
    urne_match_instance in;       /* points into the members below */
    urne_match_host *hosts;
    urne_match_pupil *pupils;
    long *host_line, *pupil_line; /* each one's line in its file */
    uint32_t *wishes;             /* every pupil's wishes, one after another */
    uint32_t *ranked, *ranks;     /* the rankings, host after host */
    const char *weeks[URNE_MATCH_MAX_WEEKS]; /* the week labels, in the order first met */
    size_t nweeks;
    int lottery_given;            /* 1: the pupils file gave every lottery number */
    struct id_slot *host_slots, *pupil_slots, *commune_slots; /* open-addressed tables of names (match_io.c) */
    size_t ncommune_slots;
    char **communes;              /* commune names (the `commune` columns), in the order first met */
    size_t ncommunes;
    urne_match_distance *distances;
    size_t nhost_slots, npupil_slots;
    urne_arena arena;             /* the ids and labels */
} urne_match_input;

/* Read the hosts (required), then the pupils (required), then the optional
 * rankings (NULL buffer: none) into *out, which needs no freeing on failure.
 * Errors go to the diags of the file at fault. 0, or -1. */
int urne_io_match_read(const char *hosts, size_t hosts_len, urne_diags *hd, const char *pupils, size_t pupils_len,
                       urne_diags *pd, const char *rankings, size_t rankings_len, urne_diags *rd,
                       urne_match_input *out);

/* Read an assignment (columns pupil, host; an empty host: unplaced; a pupil not
 * listed: unplaced) into host_of[npupils], and its optional `lottery` column
 * (what urne match run writes) into lottery[npupils] when lottery is not NULL.
 * 1 when every pupil had a lottery number, 0 when not, -1 with the errors in d. */
int urne_io_match_assignment(const urne_match_input *in, const char *buf, size_t len, uint32_t *host_of, int64_t *lottery,
                             urne_diags *d);

/* Read the distances between communes (columns commune_a, commune_b, km, a whole
 * number) into in->distances, after the hosts and pupils. A pair given twice, in
 * either order, is an error. 0, or -1 with the errors in d. */
int urne_io_match_distances(urne_match_input *in, const char *buf, size_t len, urne_diags *d);

/* A rankings file read with urne_io_match_read into *in, checked against the
 * hosts whose ranking was given before (given[h] != 0): the first line of each
 * such host is an error (field host, rule host-ranked-already). 0, or -1 with
 * the errors in d. */
int urne_io_match_rankings_given(const urne_match_input *in, const char *buf, size_t len, const uint8_t *given,
                                 urne_diags *d);

/* A rankings file read with urne_io_match_read into *in: first[h] = the line of
 * host h's first ranking in the file, 0 for a host it does not rank (first has
 * in->in.nhosts entries, zeroed by the caller). 0, or -1 with the errors in d. */
int urne_io_match_rankings_first(const urne_match_input *in, const char *buf, size_t len, long *first, urne_diags *d);

/* Read a list of pupils (a column `pupil`; other columns ignored): flags[p] = 1
 * for each pupil listed. 0, or -1 with the errors in d (an unknown pupil). */
int urne_io_match_pupil_list(const urne_match_input *in, const char *buf, size_t len, uint8_t *flags, urne_diags *d);

/* Each data line of a matching file urne_io_match_read accepted, in file order,
 * as the header's names and the line's values (unquoted), n of each: what the
 * engine does not read (a host's name, a pupil's school, the columns kept) for
 * those who keep it. fn's non-zero return stops and is returned; -1 when memory
 * runs out or the file is not the one read. */
int urne_io_match_rows(const char *buf, size_t len,
                       int (*fn)(const char *const *names, const char *const *values, long n, void *ctx), void *ctx);

void urne_match_input_free(urne_match_input *in);

/* The host or pupil with this id, or URNE_MATCH_NONE. */
uint32_t urne_io_match_host(const urne_match_input *in, const char *id);
uint32_t urne_io_match_pupil(const urne_match_input *in, const char *id);

#endif
