/*
 * match_report: report.json, a run's figures as the command line writes them to
 * --out and the server gives them for a round (issue 20). The figures come from
 * the engine (urne_match_report_make); this file only words them, once for both.
 */
#ifndef URNE_MATCH_REPORT_H
#define URNE_MATCH_REPORT_H

#include "../core/urne_buf.h"
#include "../match/match.h"

/* What a report says beside the figures: how the run was made. inputs_sha256:
 * 64 hex digits, the SHA-256 of the input files, each preceded by its length as
 * 8 bytes little-endian, in the order hosts, pupils, rankings, distances, kept
 * places, refusals (those given). lottery_given: 1 when the pupils file gave the
 * lottery numbers, 0 when they were drawn from the seed. */
typedef struct urne_match_report_meta {
    urne_match_method method;
    urne_match_tie tie;
    uint64_t seed;
    int lottery_given;
    const char *inputs_sha256;
} urne_match_report_meta;

/* Append report.json's text (a JSON object, its members in a fixed order, one a
 * line) to b. Out of memory marks b (urne_buf's oom). */
void urne_io_match_report_json(urne_buf *b, const urne_match_report *rep, const urne_match_report_meta *m);

#endif
