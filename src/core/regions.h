/* regions.h — a city as a set of counties (DOMAIN §6): aggregating county values to the city by
 * each indicator's rule, ranking counties, and a composite index (综合科技创新水平指数-style).
 *
 * Missing values (NaN) are never guessed: a sum, ratio or mean over regions with a missing value
 * is missing, with the reason; ranking puts missing values last, unranked (rank 0). */
#ifndef TY_REGIONS_H
#define TY_REGIONS_H

#include <stddef.h>
#include "error.h"

/* Sum of v[0..n): NaN (and *why set) if any is missing. */
double regions_sum(const double *v, size_t n, const char **why);
/* The ratio of sums Σnum / Σden × scale — never the mean of the regions' ratios. */
double regions_ratio(const double *num, const double *den, size_t n, double scale, const char **why);
/* Σ w_i v_i / Σ w_i; weights >= 0 with a positive sum. */
double regions_weighted_mean(const double *v, const double *w, size_t n, const char **why);

/* Competition ranking ("1224"): rank[i] = 1 + the number of regions strictly better than i;
 * better is larger for direction +1, smaller for -1; a missing value gets rank 0. */
void regions_rank(const double *v, size_t n, int direction, int *rank);

typedef enum TyNormalise {
    TY_NORM_MINMAX = 0,   /* (v - min) / (max - min) across regions; all equal -> 1 */
    TY_NORM_TARGET = 1    /* v / target, capped at 1 (for direction -1: target / v, capped) */
} TyNormalise;

/* Composite index 0..100 per region: for each indicator k (values[k * nreg + r]) normalise across
 * regions, then index[r] = 100 × Σ_k w_k s_kr / Σ_k w_k. direction[k] is +1 or -1; targets is
 * needed for TY_NORM_TARGET (targets[k] > 0). A region with a missing value in an indicator of
 * positive weight gets a missing index. TY_EDATA for negative or all-zero weights, a bad
 * direction or a missing/non-positive target. */
TyStatus regions_composite(const double *values, size_t nind, size_t nreg, const double *weights,
                           const int *direction, TyNormalise norm, const double *targets,
                           double *index, TyError *err);

#endif
