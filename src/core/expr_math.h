/* expr_math.h — the arithmetic of each expression node on one value, as inline functions.
 *
 * The evaluator's kernels apply these element-wise over a block of samples, and the compiler's
 * constant folding applies them once, so a folded constant always equals what the evaluator
 * would have computed (private to the model compiler and evaluator). */
#ifndef TY_EXPR_MATH_H
#define TY_EXPR_MATH_H

#include <math.h>
#include "detmath.h"

/* NaN in either argument gives NaN: a missing value must not hide behind min/max. */
static inline double expr_min(double a, double b) { return (a != a || a < b) ? a : b; }
static inline double expr_max(double a, double b) { return (a != a || a > b) ? a : b; }
static inline double expr_clamp(double x, double lo, double hi)
{
    return expr_min(expr_max(x, lo), hi);
}
static inline double expr_truth(int c) { return c ? 1.0 : 0.0; }
/* A NaN condition gives NaN rather than silently choosing a branch. */
static inline double expr_if(double c, double a, double b)
{
    return c != c ? c : (c != 0.0 ? a : b);
}
/* exp, log and pow are tuiyan's own (detmath.h): the same bits on every CPU. */
static inline double expr_exp(double x) { return ty_exp(x); }
static inline double expr_pow(double x, double y) { return ty_pow(x, y); }
static inline double expr_log(double x) { return ty_log(x); }
static inline double expr_log_base(double x, double base) { return ty_log(x) / ty_log(base); }
static inline double expr_step(int year, double y0, double v)
{
    return (double)year >= y0 ? v : 0.0;
}
/* ramp(slope, y0, y1): y1 = +inf when not given. */
static inline double expr_ramp(int year, double slope, double y0, double y1)
{
    double t = (double)year;
    if (t <= y0) return 0.0;
    if (t > y1) t = y1;
    return slope * (t - y0);
}
/* elapsed >= 0. Repeated squaring, in the order the evaluator's vector kernel uses. */
static inline double expr_growth(double base, double rate, int elapsed)
{
    double r = 1.0, f = 1.0 + rate;
    for (unsigned e = (unsigned)elapsed; e; e >>= 1) {
        if (e & 1u) r *= f;
        if (e > 1u) f *= f;
    }
    return r * base;
}

/* Piecewise-linear table, clamped at the ends; xs strictly increasing, n >= 1. */
static inline double expr_lookup(const double *xs, const double *ys, int n, double x)
{
    if (x != x) return x;
    if (x <= xs[0]) return ys[0];
    if (x >= xs[n - 1]) return ys[n - 1];
    int lo = 0, hi = n - 1;            /* xs[lo] < x < xs[hi] */
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (xs[mid] <= x) lo = mid; else hi = mid;
    }
    double w = (x - xs[lo]) / (xs[hi] - xs[lo]);
    return ys[lo] + w * (ys[hi] - ys[lo]);
}

#endif
