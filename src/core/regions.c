/* regions.c — aggregation across regions, ranking and the composite index (regions.h). */
#include "regions.h"

#include <math.h>

double regions_sum(const double *v, size_t n, const char **why)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) {
            if (why) *why = "a region has no value";
            return NAN;
        }
        s += v[i];
    }
    return s;
}

double regions_ratio(const double *num, const double *den, size_t n, double scale, const char **why)
{
    const char *w = NULL;
    double a = regions_sum(num, n, &w), b = regions_sum(den, n, &w);
    if (isnan(a) || isnan(b)) {
        if (why) *why = "a region has no numerator or denominator";
        return NAN;
    }
    if (b == 0) {
        if (why) *why = "the summed denominator is zero";
        return NAN;
    }
    return a / b * scale;
}

double regions_weighted_mean(const double *v, const double *w, size_t n, const char **why)
{
    double sv = 0, sw = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]) || isnan(w[i])) {
            if (why) *why = "a region has no value or weight";
            return NAN;
        }
        if (w[i] < 0) {
            if (why) *why = "a weight is negative";
            return NAN;
        }
        sv += w[i] * v[i];
        sw += w[i];
    }
    if (sw <= 0) {
        if (why) *why = "the weights sum to zero";
        return NAN;
    }
    return sv / sw;
}

void regions_rank(const double *v, size_t n, int direction, int *rank)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) { rank[i] = 0; continue; }
        int better = 0;
        for (size_t j = 0; j < n; j++)
            if (!isnan(v[j]) && (direction >= 0 ? v[j] > v[i] : v[j] < v[i])) better++;
        rank[i] = better + 1;
    }
}

/* Normalised score of one value (0..1), or NaN. */
static double normalise(double v, double lo, double hi, int dir, TyNormalise norm, double target)
{
    if (isnan(v)) return NAN;
    if (norm == TY_NORM_TARGET) {
        double s = dir >= 0 ? v / target : (v > 0 ? target / v : 1);
        return s > 1 ? 1 : (s < 0 ? 0 : s);
    }
    if (hi == lo) return 1;
    return dir >= 0 ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
}

TyStatus regions_composite(const double *values, size_t nind, size_t nreg, const double *weights,
                           const int *direction, TyNormalise norm, const double *targets,
                           double *index, TyError *err)
{
    double wsum = 0;
    for (size_t k = 0; k < nind; k++) {
        if (!(weights[k] >= 0) || !isfinite(weights[k]))
            return ty_error_set(err, TY_EDATA, "composite index: weight %zu is negative or not a number", k + 1);
        if (direction[k] != 1 && direction[k] != -1)
            return ty_error_set(err, TY_EDATA, "composite index: direction %zu must be +1 or -1", k + 1);
        if (norm == TY_NORM_TARGET && weights[k] > 0 && !(targets && targets[k] > 0))
            return ty_error_set(err, TY_EDATA, "composite index: indicator %zu needs a positive target", k + 1);
        wsum += weights[k];
    }
    if (wsum <= 0) return ty_error_set(err, TY_EDATA, "composite index: the weights sum to zero");
    for (size_t r = 0; r < nreg; r++) index[r] = 0;
    for (size_t k = 0; k < nind; k++) {
        if (weights[k] == 0) continue;
        const double *row = values + k * nreg;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t r = 0; r < nreg; r++) {
            if (isnan(row[r])) continue;
            if (row[r] < lo) lo = row[r];
            if (row[r] > hi) hi = row[r];
        }
        for (size_t r = 0; r < nreg; r++)
            index[r] += weights[k] * normalise(row[r], lo, hi, direction[k], norm, targets ? targets[k] : 0);
    }
    for (size_t r = 0; r < nreg; r++) index[r] = 100 * index[r] / wsum;   /* NaN stays NaN */
    return TY_OK;
}
