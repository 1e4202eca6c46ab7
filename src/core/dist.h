/* dist.h — probability distributions of uncertain parameters (DOMAIN.md §5): normal,
 * lognormal, uniform and triangular, each optionally truncated to [lo, hi].
 *
 * Every distribution is sampled by its inverse CDF (x = Q(u) for a uniform u), which is what
 * makes Latin hypercube sampling and truncation exact and keeps each sample a pure function of
 * its uniform: truncation maps u into [F(lo), F(hi)] before Q, so nothing is rejected and
 * redrawn. Normal and lognormal tails work in the upper tail's survival probability when the
 * range lies above the median, so a range far out in the tail keeps its precision.
 *
 * The normal quantile is Wichura's AS 241 (PPND16, Applied Statistics 37:477–484, 1988),
 * accurate to about 1e-16; the normal CDF is tuiyan's own erfc, and log and exp are its own
 * too (detmath.h), so the draws are the same bits on every machine. */
#ifndef TY_DIST_H
#define TY_DIST_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "rng.h"

typedef enum TyDistKind {
    TY_DIST_NORMAL = 0,     /* a = mean, b = standard deviation */
    TY_DIST_LOGNORMAL,      /* a = mu, b = sigma of log(x): the median is exp(mu) */
    TY_DIST_UNIFORM,        /* a = lower, b = upper */
    TY_DIST_TRIANGULAR      /* a = lower, c = mode, b = upper */
} TyDistKind;

typedef struct TyDist {
    TyDistKind kind;
    double a, b, c;
    double lo, hi;          /* truncation; -INFINITY / INFINITY for none */
    /* set by dist_init */
    int upper_tail;         /* normal/lognormal: draw through the survival function */
    double p_lo, p_hi;      /* CDF (or survival, with upper_tail) at the truncation bounds */
} TyDist;

/* The name dist_find knows a kind by ("normal", ...), and the kind called name, or -1. */
const char *dist_kind_name(TyDistKind kind);
int dist_find(const char *name);

/* Fills *d and checks it: finite parameters, sd/sigma > 0, lower < upper, lower <= mode <=
 * upper, lo < hi (either may be infinite), and some probability left in [lo, hi].
 * TY_ESCRIPT with a message naming the problem ("normal: sd must be > 0, got -1"). */
TyStatus dist_init(TyDist *d, TyDistKind kind, double a, double b, double c, double lo,
                   double hi, TyError *err);

/* The value with probability u below it, 0 < u < 1, of the (truncated) distribution; always
 * within [lo, hi] and the support. */
double dist_quantile(const TyDist *d, double u);
/* P(X <= x) of the (truncated) distribution. */
double dist_cdf(const TyDist *d, double x);

/* Values for samples offset .. offset + count - 1 of a run, from the stream's uniforms. With
 * lhs (a permutation of the run's n samples, see rng.h) the run is a Latin hypercube: sample i
 * falls in stratum lhs(i) of n equal-probability strata. */
void dist_draw(const TyDist *d, uint64_t seed, uint64_t stream, const TyPermutation *lhs,
               size_t offset, size_t count, double *out);

/* The standard normal: quantile (AS 241) for 0 < p < 1, CDF and upper tail 1 - CDF. */
double dist_normal_quantile(double p);
double dist_normal_cdf(double z);
double dist_normal_sf(double z);

#endif
