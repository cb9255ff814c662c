/*
 * distribution: one entry point for the four methods, so that the CLI (and later the
 * server) choose by name and never by function. See sortition.h.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "sortition_internal.h"

/* A method's return code, after asserting what every method promises when it succeeds:
 * each panel of the distribution seats exactly the k asked for, within every quota
 * (urne_sortition_result_set checks that the panels share one size; this, that it is
 * the caller's k). O(panels x types x features), small beside the search. */
static int checked(const urne_pool *pool, int64_t k, const urne_sortition_result *r, int rc) {
#ifndef NDEBUG
    if (rc == 0) {
        assert(r->ntypes == pool->ntypes);
        for (size_t q = 0; q < r->npanels; q++) assert(urne_pool_counts_valid(pool, r->panels + q * r->ntypes, k));
    }
#endif
    return rc;
}

int urne_sortition_distribution(const urne_pool *pool, int64_t k, const urne_sortition_options *opt,
                                urne_sortition_result *out, urne_diags *diags) {
    urne_sortition_options none;
    if (opt == NULL) {
        memset(&none, 0, sizeof none);
        opt = &none;
    }
    switch (opt->method) {
    case URNE_SORTITION_LEXIMIN:
        return checked(pool, k, out, urne_sortition_leximin_rounds(pool, k, SIZE_MAX, opt, out, diags));
    case URNE_SORTITION_MAXIMIN:
        return checked(pool, k, out, urne_sortition_leximin_rounds(pool, k, 1, opt, out, diags));
    case URNE_SORTITION_NASH:
        return checked(pool, k, out, urne_sortition_nash(pool, k, opt, out, diags));
    case URNE_SORTITION_LEGACY:
        return checked(pool, k, out, urne_sortition_legacy(pool, k, opt, out, diags));
    }
    memset(out, 0, sizeof *out);
    urne_diags_add(diags, URNE_DIAG_ERROR, 0, NULL, "method", "unknown method %d", (int)opt->method);
    return -1;
}
