/*
 * match_csv: the matching's downloads (issue 20): what `urne match run` writes
 * to --out, given by the server for a campaign's rounds.
 *
 *   /match/N/assignment.csv   the last round's assignment (pupil, host, wish,
 *                             round, lottery): the coordinator's;
 *   /match/N/hosts.csv        every host's list, host after host (host, pupil,
 *                             school, wish, priority, lottery, round, state),
 *                             each in the host's order (its ranking,
 *                             else the common order): the
 *                             coordinator's, who sends each host its part;
 *   /match/N/host.csv?code=   one host's own list by its private link: the places
 *                             offered or accepted, never a round not published;
 *   /match/N/explanations.csv for each pupil, each wish above the one obtained
 *                             in the last round that placed them, and why not
 *                             (the host's cutoff against the pupil's own
 *                             figures): the coordinator's;
 *   /match/N/report.json      a round's report (?round=, the last by default):
 *                             placed, unplaced, ranks, priority pupils against
 *                             the others, the seed and the inputs' SHA-256, as the
 *                             run recorded it: the coordinator's.
 *
 * Every download reads through a use case of app/match.h (the right checked and
 * the rows read there, under the lock); this file only writes the lines.
 *
 * The CSV files are opened in spreadsheets, and a cell a spreadsheet reads as a
 * formula (a pupil named "=HYPERLINK(...)", a host "+cmd", typed by whoever
 * filled a file or a form) would run there. Every cell of these downloads that
 * begins with = + - @, a tab or a carriage return is written after a single quote
 * (OWASP, "CSV injection"), which spreadsheets show as text: urne_download_csv_cell,
 * which the initiatives' downloads use too. Only in the server's downloads: the
 * command line's files keep the identifiers exact, because `urne match check`
 * and a later round's --keep read assignment.csv back, and a quote added would
 * be a different pupil; urne_buf_csv, which every writer uses, is left as it is
 * for the same reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "download.h"
#include "match_web.h"

/* The refusal of a download, as JSON in the request's language. */
static enum MHD_Result refused(urne_req *r, urne_app_outcome *o) {
    urne_result res = {0};
    urne_match_word(r, o, &res);
    urne_app_outcome_free(o);
    return urne_reply_json_error(r, res.status, "%s", res.message);
}

static enum MHD_Result send_file(urne_req *r, int64_t id, const char *stem, const char *ext, const char *type,
                                 urne_buf *buf) {
    char disposition[200], name[64];
    snprintf(name, sizeof name, "%s-%lld", stem, (long long)id);
    urne_download_disposition(name, name, ext, disposition, sizeof disposition);
    const char *h[] = {"Content-Disposition", disposition, NULL};
    enum MHD_Result ret = !buf->oom ? urne_reply_full(r, 200, type, buf->data ? buf->data : "", buf->len, h)
                                    : urne_reply_json_error(r, 500, "out of memory");
    urne_buf_free(buf);
    return ret;
}

/* A coordinator's CSV of the campaign's last round run: `header`, then a line
 * per row the use case gives (urne_app_match_round_rows: its right checked, the
 * rows read under the lock; nothing but the header before a first round), sent
 * as STEM-N.csv. */
static enum MHD_Result round_csv(urne_req *r, int64_t id, const char *stem, const char *header, int latest,
                                 urne_app_match_result_fn line) {
    urne_buf buf = {0};
    urne_buf_puts(&buf, header);
    urne_app_outcome o;
    if (urne_app_match_round_rows(&r->srv->app, &r->user, id, latest, line, &buf, &o) != URNE_APP_OK) {
        urne_buf_free(&buf);
        return refused(r, &o);
    }
    urne_app_outcome_free(&o);
    return send_file(r, id, stem, ".csv", "text/csv; charset=utf-8", &buf);
}

/* ---- assignment.csv ---- */

static void assignment_line(const urne_match_result_row *x, void *ctx) {
    urne_buf *b = ctx;
    urne_download_csv_cell(b, x->pupil);
    urne_buf_puts(b, ",");
    urne_download_csv_cell(b, x->host);
    urne_buf_printf(b, ",%lld,%lld,%lld\n", (long long)x->wish, (long long)x->round, (long long)x->lottery);
}

enum MHD_Result urne_match_csv_assignment(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    return round_csv(r, id, "assignment", "pupil,host,wish,round,lottery\n", 0, assignment_line);
}

/* ---- explanations.csv ---- */

/* One line per wish above the one a pupil obtained, with why it was not
 * theirs: the explanation of the last round that placed the pupil (or left
 * them unplaced; a pupil whose place was kept has no row in later rounds), as
 * the pupil's placement and the command line's explanations.csv give it, the
 * reason a code ("full": the host's cutoff, the priority and lottery number of
 * the last pupil admitted, against the pupil's own). */
static void explanation_lines(const urne_match_result_row *x, void *ctx) {
    urne_buf *b = ctx;
    json_t *why = json_loads(x->explanation, 0, NULL);
    for (size_t i = 0; i < json_array_size(why); i++) {
        json_t *w = json_array_get(why, i);
        const char *reason = json_string_value(json_object_get(w, "why"));
        urne_download_csv_cell(b, x->pupil);
        urne_buf_printf(b, ",%lld,%lld,", (long long)x->round, (long long)json_integer_value(json_object_get(w, "wish")));
        urne_download_csv_cell(b, json_string_value(json_object_get(w, "host")));
        urne_buf_printf(b, ",%s", reason ? reason : "");
        static const char *const figures[] = {"cutoff_priority", "cutoff_lottery", "own_priority", "own_lottery"};
        for (size_t k = 0; k < 4; k++) {
            json_t *v = json_object_get(w, figures[k]);
            if (json_is_integer(v))
                urne_buf_printf(b, ",%lld", (long long)json_integer_value(v));
            else
                urne_buf_puts(b, ",");
        }
        urne_buf_puts(b, "\n");
    }
    json_decref(why);
}

enum MHD_Result urne_match_csv_explanations(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    return round_csv(r, id, "explanations",
                     "pupil,round,wish,host,reason,cutoff_priority,cutoff_lottery,own_priority,own_lottery\n", 1,
                     explanation_lines);
}

/* ---- the hosts' lists ---- */

static void list_line(const urne_match_listed *x, void *ctx) {
    urne_buf *b = ctx;
    urne_download_csv_cell(b, x->host);
    urne_buf_puts(b, ",");
    urne_download_csv_cell(b, x->pupil);
    urne_buf_puts(b, ",");
    urne_download_csv_cell(b, x->school);
    urne_buf_printf(b, ",%lld,%lld,%lld,%lld,%s\n", (long long)x->wish, (long long)x->priority, (long long)x->lottery,
                    (long long)x->round, x->state);
}

static enum MHD_Result lists(urne_req *r, int64_t id, const char *code) {
    urne_buf buf = {0};
    urne_buf_puts(&buf, "host,pupil,school,wish,priority,lottery,round,state\n");
    urne_app_outcome o;
    if (urne_app_match_lists(&r->srv->app, &r->user, id, code, list_line, &buf, &o) != URNE_APP_OK) {
        urne_buf_free(&buf);
        return refused(r, &o);
    }
    urne_app_outcome_free(&o);
    return send_file(r, id, code ? "host" : "hosts", ".csv", "text/csv; charset=utf-8", &buf);
}

enum MHD_Result urne_match_csv_hosts(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    return lists(r, id, NULL);
}

enum MHD_Result urne_match_csv_host(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    r->cacheable = 0; /* its private code is in the address: never kept, nor shared from the cache */
    const char *code = urne_req_query(r, "code");
    return lists(r, id, code ? code : "");
}

/* ---- report.json ---- */

enum MHD_Result urne_match_json_report(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    const char *q = urne_req_query(r, "round");
    int64_t round = urne_match_field_count(q, 0);
    if (round < 0) return urne_reply_json_error(r, 400, _(r, "Field '%s': a whole number from 0."), "round");
    char *text = NULL;
    urne_app_outcome o;
    if (urne_app_match_report(&r->srv->app, &r->user, id, round, &text, &o) != URNE_APP_OK) return refused(r, &o);
    urne_app_outcome_free(&o);
    urne_buf buf = {0};
    urne_buf_puts(&buf, text); /* the command line's report.json, line for line */
    free(text);
    return send_file(r, id, "report", ".json", "application/json", &buf);
}
