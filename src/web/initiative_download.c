/*
 * initiative_download: an initiative's counts per territory as CSV, for a
 * spreadsheet (GET /api/initiatives/N/counts.csv), and the letters of one-time
 * codes, answered once to the organisers who made them (POST
 * /api/initiatives/N/codes: initiative_routes.c asks the use case, which hands
 * each code here before its commit). Apart from the pages
 * (initiative_routes.c), which write through html.h only: a CSV is no HTML, and
 * its fields are quoted, not escaped, and a field a spreadsheet would take for a
 * formula (a territory "=..." typed into the roll) is written as text
 * (urne_download_csv_cell).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "../app/initiative.h"
#include "download.h"
#include "initiative_download.h"
#include "routes.h"

/* The counts per territory as CSV (territory, electors, signatures, minimum,
 * reached), the tally's figures as the JSON gives them, for a spreadsheet. */
static void counts_write(urne_buf *b, const urne_initiative_held *h) {
    urne_initiative_tally t;
    urne_initiative_territory_result *per;
    int ok = urne_app_initiative_figures(h, &t, &per) == URNE_INITIATIVE_TALLY_OK;
    urne_buf_puts(b, "territory,electors,signatures,minimum,reached\n");
    for (size_t i = 0; i < h->nterritories; i++) {
        urne_download_csv_cell(b, h->territories[i].name);
        urne_buf_printf(b, ",%lld,%lld,%lld,%s\n", (long long)h->territories[i].electors,
                        (long long)h->territories[i].signatures, ok ? (long long)per[i].minimum : 0LL,
                        ok && per[i].reached ? "yes" : "no");
    }
    free(per);
}

enum MHD_Result urne_initiative_counts_csv(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    urne_buf buf = {0};
    urne_app_read_begin(&r->srv->app);
    const urne_initiative_held *h = urne_app_initiative(&r->srv->app, id);
    if (h) counts_write(&buf, h);
    urne_app_read_end(&r->srv->app);
    if (h == NULL) {
        urne_buf_free(&buf);
        return urne_reply_json_error(r, 404, _(r, "No initiative %lld."), (long long)id);
    }
    char disposition[200], name[64];
    snprintf(name, sizeof name, "initiative-%lld-signatures", (long long)id);
    urne_download_disposition(name, name, ".csv", disposition, sizeof disposition);
    const char *headers[] = {"Content-Disposition", disposition, NULL};
    enum MHD_Result ret = buf.oom ? urne_reply_json_error(r, 500, "out of memory")
                                  : urne_reply_full(r, 200, "text/csv; charset=utf-8", buf.data, buf.len, headers);
    urne_buf_free(&buf);
    return ret;
}

int urne_initiative_letter_csv(const char *letter, const char *territory, const char *code, void *ctx) {
    urne_buf *b = ctx;
    if (b->len == 0) urne_buf_puts(b, "letter,territory,code\n");
    urne_download_csv_cell(b, letter);
    urne_buf_puts(b, ",");
    urne_download_csv_cell(b, territory);
    urne_buf_printf(b, ",%s\n", code); /* the alphabet's letters and digits, dashes: nothing to quote */
    return b->oom ? -1 : 0;
}

enum MHD_Result urne_initiative_letters_send(urne_req *r, int64_t id, urne_buf *b) {
    char disposition[200], name[64];
    snprintf(name, sizeof name, "initiative-%lld-letters", (long long)id);
    urne_download_disposition(name, name, ".csv", disposition, sizeof disposition);
    const char *headers[] = {"Content-Disposition", disposition, "Cache-Control", "no-store", NULL};
    enum MHD_Result ret = b->oom ? urne_reply_json_error(r, 500, "out of memory")
                                 : urne_reply_full(r, 200, "text/csv; charset=utf-8", b->data, b->len, headers);
    if (b->data) sodium_memzero(b->data, b->len);
    urne_buf_free(b);
    return ret;
}
