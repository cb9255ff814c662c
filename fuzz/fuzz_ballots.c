/* libFuzzer target, built once per ballot format (URNE_FUZZ_BFORMAT = URNE_BFMT_BLT,
 * URNE_BFMT_PREFLIB, URNE_BFMT_DEBIAN, URNE_BFMT_TEXT, URNE_BFMT_CSV; with CSV, grades and
 * majority judgment too): the reader, then every counting method and both
 * writers on what it accepted. Never a crash, a leak or an out-of-bounds access; a
 * rejection always says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/io/ballots_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*method_fn)(const urne_ballots *, uint64_t, urne_count_result *, urne_diags *);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    urne_diags d;
    urne_diags_init(&d, "fuzz");
#if URNE_FUZZ_BFORMAT == URNE_BFMT_CSV
    { /* the same bytes as grades, through majority judgment */
        urne_grades g;
        if (urne_io_parse_grades_csv((const char *)data, size, URNE_ENC_AUTO, &g, &d) == 0) {
            urne_count_result r;
            urne_count_mj(&g, 1, &r, &d);
            urne_count_result_free(&r);
            urne_grades_free(&g);
        }
        urne_diags_free(&d);
        urne_diags_init(&d, "fuzz");
    }
#endif
    urne_ballots b;
    if (urne_io_parse_ballots((const char *)data, size, URNE_FUZZ_BFORMAT, URNE_ENC_AUTO, &b, &d) != 0) {
        if (d.errors == 0) abort();
        urne_diags_free(&d);
        return 0;
    }
    FILE *sink = fopen("/dev/null", "w");
    if (b.ncand <= 40) { /* the Condorcet methods are cubic: keep each input fast */
        method_fn methods[] = {urne_count_plurality, urne_count_two_round, urne_count_borda, urne_count_irv,
                               urne_count_approval, urne_count_schulze, urne_count_ranked_pairs,
                               urne_count_copeland, urne_count_minimax};
        for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
            urne_count_result r;
            if (methods[m](&b, 1, &r, &d) == 0) {
                urne_io_write_count_table(sink, &b, &r, 1);
                urne_io_write_count_json(sink, &b, &r, 1);
            }
            urne_count_result_free(&r);
        }
        for (int m = 0; m < 4; m++) {
            urne_count_result r;
            if (urne_count_seats(&b, (urne_seat_method)m, 1 + b.ncand % 7, 500, 1 + m % 2, 1, &r, &d) == 0)
                urne_io_write_count_json(sink, &b, &r, 1);
            urne_count_result_free(&r);
        }
        int (*stv[])(const urne_ballots *, size_t, uint64_t, urne_count_result *, urne_diags *) = {
            urne_count_stv_scottish, urne_count_stv_wigm, urne_count_stv_meek};
        for (size_t k = 0; k < 3; k++) {
            urne_count_result r;
            if (stv[k](&b, b.seats ? b.seats : 1, 1, &r, &d) == 0) {
                urne_io_write_count_table(sink, &b, &r, b.seats);
                urne_io_write_count_json(sink, &b, &r, b.seats);
            }
            urne_count_result_free(&r);
        }
    }
    fclose(sink);
    urne_ballots_free(&b);
    urne_diags_free(&d);
    return 0;
}
