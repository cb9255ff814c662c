/*
 * distribution: one entry point for the four methods, so that the CLI (and later the
 * server) choose by name and never by function. See sortition.h.
 */
#include <stdint.h>
#include <string.h>

#include "sortition_internal.h"

int urne_sortition_distribution(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                                urne_sortition_result *out, urne_diags *diags) {
    urne_sortition_options none;
    if (opt == NULL) {
        memset(&none, 0, sizeof none);
        opt = &none;
    }
    switch (opt->method) {
    case URNE_SORTITION_LEXIMIN: return urne_sortition_leximin_rounds(pool, k, SIZE_MAX, opt, out, diags);
    case URNE_SORTITION_MAXIMIN: return urne_sortition_leximin_rounds(pool, k, 1, opt, out, diags);
    case URNE_SORTITION_NASH: return urne_sortition_nash(pool, k, opt, out, diags);
    case URNE_SORTITION_LEGACY: return urne_sortition_legacy(pool, k, opt, out, diags);
    }
    memset(out, 0, sizeof *out);
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "method", "unknown method %d", (int)opt->method);
    return -1;
}
