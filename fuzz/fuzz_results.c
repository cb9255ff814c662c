/* libFuzzer target, built once per format (URNE_FUZZ_FORMAT = URNE_FMT_MINISTRY,
 * URNE_FMT_LEGISLATIVE, URNE_FMT_NATIVE): the parser, then checks, aggregation at every level, the
 * outcome under every preset and every output writer, on arbitrary bytes. Whatever the
 * input, urne must either reject it with diagnostics or count it: never crash, leak or
 * read out of bounds (the target is built with ASan and UBSan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/io/results_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    urne_diags d;
    urne_diags_init(&d, "fuzz");
    urne_round *r = urne_io_results_parse((const char *)data, size, URNE_FUZZ_FORMAT, URNE_ENC_AUTO, &d);
    if (r == NULL) {
        if (d.errors == 0) abort(); /* a rejection always says why */
        urne_diags_free(&d);
        return 0;
    }
    static const char *const presets[] = {"presidential", "legislative", "party", "coop", "single"};
    FILE *sink = fopen("/dev/null", "w");
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
        urne_rules rules;
        urne_rules_preset(presets[p], &rules);
        rules.blank_recognised = (int)(p & 1);
        urne_outcome *o = NULL;
        if (urne_results_decide(r, &rules, &o, &d) != 0) continue;
        for (size_t l = 0; l < r->nlevels; l++) {
            urne_tally t;
            if (urne_results_aggregate(r, l, &t) != 0) abort();
            urne_report rep = {r, &rules, &t, o, &d, "fuzz"};
            urne_io_write_table(sink, &rep, (urne_lang)(p & 1)); /* both languages */
            urne_io_write_json(sink, &rep);
            urne_io_write_ministry_csv(sink, &rep);
            urne_tally_free(&t);
        }
        urne_outcomes_free(o, r->ncontests);
    }
    fclose(sink);
    urne_round_free(r);
    urne_diags_free(&d);
    return 0;
}
