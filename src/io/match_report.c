/*
 * match_report: report.json's words (match_report.h). Written by hand, not by
 * jansson, so that the file reads one member a line in a fixed order, diffs
 * well from one run to the next, and stays what the command line always wrote.
 */
#include "match_report.h"

void urne_io_match_report_json(urne_buf *b, const urne_match_report *rep, const urne_match_report_meta *m) {
    static const char *const methods[] = {"da", "ttc", "serial"};
    const char *method = (unsigned)m->method < 3 ? methods[m->method] : "da";
    urne_buf_printf(b, "{\n  \"method\": \"%s\",\n  \"tie_break\": \"%s\",\n  \"seed\": %llu,\n  \"lottery\": \"%s\",\n",
                    method, m->tie == URNE_MATCH_TIE_MULTIPLE ? "multiple" : "single", (unsigned long long)m->seed,
                    m->lottery_given ? "given" : "drawn");
    urne_buf_printf(b,
                    "  \"inputs_sha256\": \"%s\",\n  \"pupils\": %zu,\n  \"hosts\": %zu,\n  \"placed\": %zu,\n"
                    "  \"unplaced\": %zu,\n",
                    m->inputs_sha256 ? m->inputs_sha256 : "", rep->pupils, rep->hosts, rep->placed, rep->unplaced);
    urne_buf_puts(b, "  \"rank_distribution\": [");
    for (size_t w = 1; rep->ranks && w <= rep->max_wish; w++) urne_buf_printf(b, "%s%zu", w > 1 ? ", " : "", rep->ranks[w]);
    urne_buf_printf(b, "],\n  \"priority_pupils\": {\"pupils\": %zu, \"placed\": %zu, \"first_wish\": %zu},\n",
                    rep->priority_pupils, rep->priority_placed, rep->priority_first);
    urne_buf_printf(b, "  \"other_pupils\": {\"pupils\": %zu, \"placed\": %zu, \"first_wish\": %zu},\n", rep->other_pupils,
                    rep->other_placed, rep->other_first);
    urne_buf_printf(b, "  \"round\": {\"later\": %s, \"kept\": %zu, \"refused\": %zu}\n}\n", rep->later ? "true" : "false",
                    rep->kept, rep->absent);
}
