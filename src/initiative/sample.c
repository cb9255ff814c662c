/*
 * initiative sample: the authority's seeded sample of signatures and the
 * projection of what it finds (sample.h says how and why).
 */
#include "sample.h"

#include <assert.h>
#include <math.h>

#include "../core/urne_num.h"
#include "../count/count.h"

int urne_initiative_sample_draw(uint64_t population, uint64_t size, uint64_t seed, uint64_t *out) {
    if (size > population) return -1;
    assert(out != NULL || size == 0);
    urne_lot lot;
    urne_lot_init(&lot, seed);
    uint64_t taken = 0;
    for (uint64_t i = 0; i < population && taken < size; i++)
        if (urne_lot_below(&lot, population - i) < size - taken) out[taken++] = i;
    assert(taken == size); /* at i = population - (size - taken), every position left is taken */
    return 0;
}

/* x >= 0 rounded down, up, to the nearest, as whole signatures. */
static int64_t down(double x) { return (int64_t)x; }
static int64_t up(double x) { return (int64_t)x + ((double)(int64_t)x < x); }
static int64_t nearest(double x) { return (int64_t)(x + 0.5); }

urne_initiative_project_status urne_initiative_project(int64_t population, int64_t size, int64_t valid,
                                                       urne_initiative_projection *out) {
    *out = (urne_initiative_projection){population, size, valid, 0, 0, 0, 0};
    if (population < 0 || size < 0 || valid < 0 || valid > size || size > population)
        return URNE_INITIATIVE_PROJECT_BOUNDS;
    if (size == 0) return URNE_INITIATIVE_PROJECT_EMPTY;
    out->share_bp = (int64_t)urne_num_basis_points(valid, size);
    if (size == population) { /* the whole population checked: no doubt left */
        out->projected = out->low = out->high = valid;
        return URNE_INITIATIVE_PROJECT_OK;
    }
    const double z = 1.959963984540054; /* the normal's 97.5th percentile: a two-sided 95 % */
    double n = (double)size, big = (double)population, p = (double)valid / n;
    /* The finite population correction shrinks the variance by (N - n) / (N - 1):
     * as if the sample were that much larger. */
    double eff = n * (big - 1) / (big - n);
    double z2 = z * z, denom = 1 + z2 / eff;
    double centre = (p + z2 / (2 * eff)) / denom;
    double half = z / denom * sqrt(p * (1 - p) / eff + z2 / (4 * eff * eff));
    double low = centre - half < 0 ? 0 : centre - half, high = centre + half > 1 ? 1 : centre + half;
    out->projected = nearest(p * big);
    out->low = down(low * big);
    out->high = up(high * big);
    if (out->high > population) out->high = population;
    if (out->low > out->projected) out->low = out->projected; /* rounding never puts it outside */
    if (out->high < out->projected) out->high = out->projected;
    return URNE_INITIATIVE_PROJECT_OK;
}
