/* hist.h — quantiles of a stream of values in bounded memory, with a stated error.
 *
 * When a Monte Carlo run keeps more values than its budget allows, each tracked series is
 * summarised by a log-linear histogram (the layout of HDR histograms and DDSketch): a value's
 * bucket is its binary exponent and the top TY_HIST_BITS bits of its mantissa, read straight
 * from the IEEE-754 bits, so every bucket spans at most 2^-12 of its lower edge and a quantile
 * read from bucket midpoints is within 2^-13 (about 0.012 %) of the exact one, relative.
 * Positive and negative values have a store each, by magnitude; zeros are counted apart.
 *
 * A store keeps a dense array of counts over the buckets it has seen. When those span more
 * than TY_HIST_MAX_BUCKETS (16 binary orders of magnitude) the store merges neighbouring
 * buckets in pairs (its level goes up by one and its error bound doubles) until they fit.
 * Buckets depend only on the values, a coarser bucket is always a union of finer ones, and
 * counts are integers, so a histogram's final state does not depend on the order values
 * arrive in or on how partial histograms are merged: threads cannot change the result. */
#ifndef TY_HIST_H
#define TY_HIST_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define TY_HIST_BITS 12
#define TY_HIST_MAX_BUCKETS 65536

typedef struct TyHistStore {
    uint32_t *counts;       /* counts[k - base] for bucket keys base .. base + len - 1 */
    uint32_t base;
    size_t len;             /* allocated, with room to grow: at most TY_HIST_MAX_BUCKETS */
    unsigned level;         /* a key is the fine key >> level */
    uint32_t fmin, fmax;    /* fine keys of the smallest and largest magnitude held (if total) */
    uint64_t total;
} TyHistStore;

typedef struct TyHist {
    TyHistStore pos, neg;   /* values > 0 and < 0, by magnitude */
    uint64_t zeros;
    uint64_t n;
    double min, max;        /* exact */
} TyHist;

void hist_init(TyHist *h);
void hist_free(TyHist *h);
void hist_reset(TyHist *h);   /* empty, keeping nothing allocated */

/* Adds n finite values (at most UINT32_MAX in a histogram). TY_ENOMEM leaves h as it was. */
TyStatus hist_add(TyHist *h, const double *v, size_t n, TyError *err);
/* The same, for a caller that knows the values' minimum lo and maximum hi already. */
TyStatus hist_add_range(TyHist *h, const double *v, size_t n, double lo, double hi, TyError *err);
/* into += from. TY_ENOMEM leaves into as it was. */
TyStatus hist_merge(TyHist *into, const TyHist *from, TyError *err);

/* The p-quantile (0 <= p <= 1) as numpy's default (linear between the order statistics at
 * ranks floor and ceil of p (n - 1)), each order statistic replaced by its bucket's midpoint
 * and clamped to [min, max]. NaN when empty. */
double hist_quantile(const TyHist *h, double p);
/* The bound on |quantile - exact| / |exact| for this histogram: 2^-(13 - level) of its
 * coarsest non-empty store; 0 when every value is 0 (or h is empty). */
double hist_rel_error(const TyHist *h);

#endif
