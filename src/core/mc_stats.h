/* mc_stats.h — the streaming statistics of a Monte Carlo run (private to mc.c): moments that
 * merge in a fixed order, and exact quantiles of kept values by selection. */
#ifndef TY_MC_STATS_H
#define TY_MC_STATS_H

#include <stddef.h>
#include <stdint.h>

/* A chunk's values of one series: sums of (x - shift), shift being the chunk's first value,
 * which keeps the sums small and the variance free of cancellation. */
typedef struct McChunkMoments {
    double shift, s1, s2, min, max;
    uint64_t n;
} McChunkMoments;

/* A run's moments so far: count, mean and sum of squared deviations. */
typedef struct McMoments {
    uint64_t n;
    double mean, m2, min, max;
} McMoments;

void mc_chunk_moments_reset(McChunkMoments *c);
/* Adds n >= 1 values whose minimum and maximum are lo and hi (from mc_block_range), or NaN and
 * NaN when the extremes are not wanted. */
void mc_chunk_moments_add(McChunkMoments *c, const double *v, size_t n, double lo, double hi);
/* mc_chunk_moments_add for two series of n values each, c's v (extremes vlo, vhi) and d's u,
 * neither a block that does not vary (lo != hi, or NaN): the same bits as two calls, faster. */
void mc_chunk_moments_add2(McChunkMoments *c, const double *v, double vlo, double vhi,
                           McChunkMoments *d, const double *u, double ulo, double uhi, size_t n);
/* The same for four series, c[s] getting v[s] (extremes lo[s], hi[s]), s < 4: four separate
 * series (no two c[s] the same), none a block that does not vary. */
void mc_chunk_moments_add4(McChunkMoments *const *c, const double *const *v, const double *lo,
                           const double *hi, size_t n);
/* The minimum and maximum of v[0 .. n-1], n >= 1 (finite values). */
void mc_block_range(const double *v, size_t n, double *lo, double *hi);
void mc_moments_reset(McMoments *m);
/* m += c (Chan et al.'s update). The result depends on the order chunks are merged in, so the
 * caller merges them in chunk order. */
void mc_moments_merge(McMoments *m, const McChunkMoments *c);
double mc_moments_sd(const McMoments *m);

/* The p-quantiles of v[0 .. n-1] (n >= 1) as numpy's default (linear between the order
 * statistics at floor and ceil of p (n - 1)), for probs[0 .. nprobs-1] in any order; v is
 * reordered. Deterministic: order statistics do not depend on how they are found. */
void mc_exact_quantiles(double *v, size_t n, const double *probs, size_t nprobs, double *out);
/* The same when v's minimum and maximum are known (lo, hi: a series' moments have them), which
 * saves a pass over v. */
void mc_exact_quantiles_in(double *v, size_t n, double lo, double hi, const double *probs, size_t nprobs,
                           double *out);

#endif
