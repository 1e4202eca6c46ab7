/* dist.c — distributions by their inverse CDF, with truncation (see dist.h). */
#include "dist.h"

#include <math.h>

#include "detmath.h"
#include "detmath_core.h"

static const char *const KIND_NAMES[] = { "normal", "lognormal", "uniform", "triangular" };

const char *dist_kind_name(TyDistKind kind)
{
    if ((unsigned)kind >= sizeof KIND_NAMES / sizeof KIND_NAMES[0]) return "?";
    return KIND_NAMES[kind];
}

int dist_find(const char *name)
{
    for (int k = 0; k < (int)(sizeof KIND_NAMES / sizeof KIND_NAMES[0]); k++) {
        const char *a = KIND_NAMES[k], *b = name;
        while (*a && *a == *b) { a++; b++; }
        if (!*a && !*b) return k;
    }
    return -1;
}

/* ---- the standard normal ---- */

/* Horner's rule from c[7] down, written out (so a loop over lanes around it vectorises). */
static inline __attribute__((always_inline)) double poly7(const double *c, double x)
{
    return ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x + c[2]) * x + c[1]) * x
           + c[0];
}

/* AS 241, PPND16: three rational approximations, for the centre (|p - 0.5| <= 0.425), the
 * near tail (r = sqrt(-log(min(p, 1 - p))) <= 5) and the far tail. */
static const double NQ_A[8] = {
    3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
    1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
    3.3430575583588128105e+4, 2.5090809287301226727e+3 };
static const double NQ_B[8] = {
    1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
    2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4,
    5.2264952788528545610e+3 };
static const double NQ_C[8] = {
    1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
    3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
    2.27238449892691845833e-2, 7.74545014278341407640e-4 };
static const double NQ_D[8] = {
    1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
    1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
    1.05075007164441684324e-9 };
static const double NQ_E[8] = {
    6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
    2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
    2.71155556874348757815e-5, 2.01033439929228813265e-7 };
static const double NQ_F[8] = {
    1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
    7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
    2.04426310338993978564e-15 };

double dist_normal_quantile(double p)
{
    if (!(p > 0.0)) return -INFINITY;
    if (!(p < 1.0)) return INFINITY;
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        return q * poly7(NQ_A, r) / poly7(NQ_B, r);
    }
    double r = sqrt(-ty_log(q < 0.0 ? p : 1.0 - p));
    double z = r <= 5.0 ? poly7(NQ_C, r - 1.6) / poly7(NQ_D, r - 1.6)
                        : poly7(NQ_E, r - 5.0) / poly7(NQ_F, r - 5.0);
    return q < 0.0 ? -z : z;
}

double dist_normal_cdf(double z) { return 0.5 * ty_erfc(-z / sqrt(2.0)); }
double dist_normal_sf(double z) { return 0.5 * ty_erfc(z / sqrt(2.0)); }

/* ---- each kind's untruncated CDF and quantile ---- */

static double tri_cdf(const TyDist *d, double x)
{
    double lo = d->a, mode = d->c, hi = d->b;
    if (x <= lo) return 0.0;
    if (x >= hi) return 1.0;
    if (x <= mode) return (x - lo) * (x - lo) / ((hi - lo) * (mode - lo));
    return 1.0 - (hi - x) * (hi - x) / ((hi - lo) * (hi - mode));
}

static double tri_quantile(const TyDist *d, double p)
{
    double lo = d->a, mode = d->c, hi = d->b;
    double split = (mode - lo) / (hi - lo);
    if (p <= split) return lo + sqrt(p * (hi - lo) * (mode - lo));
    return hi - sqrt((1.0 - p) * (hi - lo) * (hi - mode));
}

/* Normal and lognormal work on z, the standard normal deviate of x. */
static double to_z(const TyDist *d, double x)
{
    if (d->kind == TY_DIST_LOGNORMAL) {
        if (x <= 0.0) return -INFINITY;
        if (isinf(x)) return INFINITY;
        return (ty_log(x) - d->a) / d->b;
    }
    if (isinf(x)) return x;
    return (x - d->a) / d->b;
}

static double from_z(const TyDist *d, double z)
{
    double x = d->a + d->b * z;
    return d->kind == TY_DIST_LOGNORMAL ? ty_exp(x) : x;
}

static int is_gaussian(const TyDist *d)
{
    return d->kind == TY_DIST_NORMAL || d->kind == TY_DIST_LOGNORMAL;
}

static double base_cdf(const TyDist *d, double x)
{
    switch (d->kind) {
    case TY_DIST_NORMAL:
    case TY_DIST_LOGNORMAL: return dist_normal_cdf(to_z(d, x));
    case TY_DIST_UNIFORM:
        if (x <= d->a) return 0.0;
        if (x >= d->b) return 1.0;
        return (x - d->a) / (d->b - d->a);
    case TY_DIST_TRIANGULAR: return tri_cdf(d, x);
    }
    return NAN;
}

static double base_quantile(const TyDist *d, double p)
{
    switch (d->kind) {
    case TY_DIST_NORMAL:
    case TY_DIST_LOGNORMAL: return from_z(d, dist_normal_quantile(p));
    case TY_DIST_UNIFORM: return d->a + p * (d->b - d->a);
    case TY_DIST_TRIANGULAR: return tri_quantile(d, p);
    }
    return NAN;
}

/* ---- construction ---- */

static TyStatus bad(TyError *err, const TyDist *d, const char *what, double v)
{
    return ty_error_set(err, TY_ESCRIPT, "%s: %s, got %.17g", dist_kind_name(d->kind), what, v);
}

static TyStatus check_params(const TyDist *d, TyError *err)
{
    if (!isfinite(d->a)) return bad(err, d, "parameters must be finite numbers", d->a);
    if (!isfinite(d->b)) return bad(err, d, "parameters must be finite numbers", d->b);
    switch (d->kind) {
    case TY_DIST_NORMAL:
        if (!(d->b > 0.0)) return bad(err, d, "sd must be > 0", d->b);
        return TY_OK;
    case TY_DIST_LOGNORMAL:
        if (!(d->b > 0.0)) return bad(err, d, "sigma must be > 0", d->b);
        return TY_OK;
    case TY_DIST_UNIFORM:
        if (!(d->a < d->b))
            return ty_error_set(err, TY_ESCRIPT, "uniform: lower (%.17g) must be below upper (%.17g)",
                                d->a, d->b);
        return TY_OK;
    case TY_DIST_TRIANGULAR:
        if (!isfinite(d->c)) return bad(err, d, "parameters must be finite numbers", d->c);
        if (!(d->a < d->b))
            return ty_error_set(err, TY_ESCRIPT,
                                "triangular: lower (%.17g) must be below upper (%.17g)", d->a, d->b);
        if (!(d->a <= d->c && d->c <= d->b))
            return ty_error_set(err, TY_ESCRIPT,
                                "triangular: mode (%.17g) must be within [%.17g, %.17g]", d->c,
                                d->a, d->b);
        return TY_OK;
    }
    return ty_error_set(err, TY_ESCRIPT, "unknown distribution kind %d", (int)d->kind);
}

TyStatus dist_init(TyDist *d, TyDistKind kind, double a, double b, double c, double lo,
                   double hi, TyError *err)
{
    d->kind = kind;
    d->a = a;
    d->b = b;
    d->c = c;
    d->lo = lo;
    d->hi = hi;
    d->upper_tail = 0;
    d->p_lo = 0.0;
    d->p_hi = 1.0;
    TyStatus st = check_params(d, err);
    if (st) return st;
    if (isnan(lo) || isnan(hi) || !(lo < hi) || lo == INFINITY || hi == -INFINITY)
        return ty_error_set(err, TY_ESCRIPT,
                            "%s: truncation [%.17g, %.17g] needs lo below hi",
                            dist_kind_name(kind), lo, hi);
    if (is_gaussian(d)) {
        double zlo = to_z(d, lo), zhi = to_z(d, hi);
        /* A range above the median keeps its precision in survival probabilities. */
        d->upper_tail = zlo > 0.0;
        if (d->upper_tail) {
            d->p_lo = dist_normal_sf(zlo);
            d->p_hi = dist_normal_sf(zhi);
        } else {
            d->p_lo = dist_normal_cdf(zlo);
            d->p_hi = dist_normal_cdf(zhi);
        }
    } else {
        d->p_lo = base_cdf(d, lo);
        d->p_hi = base_cdf(d, hi);
    }
    double mass = d->upper_tail ? d->p_lo - d->p_hi : d->p_hi - d->p_lo;
    if (!(mass > 1e-300))
        return ty_error_set(err, TY_ESCRIPT,
                            "%s: truncation [%.17g, %.17g] leaves no probability",
                            dist_kind_name(kind), lo, hi);
    return TY_OK;
}

/* ---- sampling ---- */

double dist_quantile(const TyDist *d, double u)
{
    double x;
    if (is_gaussian(d) && d->upper_tail) {
        double s = d->p_lo - u * (d->p_lo - d->p_hi);   /* survival: from S(lo) down to S(hi) */
        x = from_z(d, -dist_normal_quantile(s));
    } else {
        x = base_quantile(d, d->p_lo + u * (d->p_hi - d->p_lo));
    }
    /* Rounding at the ends of the range must not step outside it. */
    if (x < d->lo) x = d->lo;
    if (x > d->hi) x = d->hi;
    return x;
}

double dist_cdf(const TyDist *d, double x)
{
    double p;
    if (is_gaussian(d) && d->upper_tail)
        p = (d->p_lo - dist_normal_sf(to_z(d, x))) / (d->p_lo - d->p_hi);
    else
        p = (base_cdf(d, x) - d->p_lo) / (d->p_hi - d->p_lo);
    return p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
}

/* ---- normal and lognormal draws a block at a time ----
 * dist_quantile of a normal or lognormal not drawn through its upper tail, for DRAW_BLOCK
 * uniforms at once: the same operations lane by lane (both of dist_normal_quantile's branches
 * computed, the taken one kept; log and exp by detmath_core.h's common case), vectorised and
 * built for AVX-512, AVX2 and the baseline, chosen by the CPU. Lanes outside the common case
 * (p at 0 or 1, the log or exp of a lane outside its range) are flagged in f and drawn again
 * one at a time. */
#define DRAW_BLOCK 256

static inline __attribute__((always_inline)) double normal_quantile_lane(double p, double *special)
{
    double q = p - 0.5;
    double r0 = 0.180625 - q * q;
    double zc = q * poly7(NQ_A, r0) / poly7(NQ_B, r0);
    /* min(p, 1 - p) is q < 0 ? p : 1 - p for p in (0, 1), and a select between two values
     * computed first (an arm holding arithmetic would be a branch: it may trap) */
    double one_minus_p = 1.0 - p;
    double lf, lg = dm_log_lane(p < one_minus_p ? p : one_minus_p, &lf);
    double r = sqrt(fabs(lg));                /* = sqrt(-lg): lg < 0 in every lane kept */
    double zn = poly7(NQ_C, r - 1.6) / poly7(NQ_D, r - 1.6);
    double zf = poly7(NQ_E, r - 5.0) / poly7(NQ_F, r - 5.0);
    double zt = r <= 5.0 ? zn : zf;
    zt = q < 0.0 ? -zt : zt;
    int central = fabs(q) <= 0.425;
    double tail_flag = central ? 0.0 : lf;    /* the log matters only in the tails */
    int bad = (!((p > 0.0) & (p < 1.0))) | (tail_flag != 0.0);
    *special = bad ? 1.0 : 0.0;
    return central ? zc : zt;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void gaussian_block(const TyDist *d, const double *restrict u, double *restrict out,
                           double *restrict f)
{
    double p_lo = d->p_lo, width = d->p_hi - d->p_lo, a = d->a, b = d->b, lo = d->lo, hi = d->hi;
    if (d->kind == TY_DIST_LOGNORMAL) {
        for (size_t j = 0; j < DRAW_BLOCK; j++) {
            double fz, fe;
            double z = normal_quantile_lane(p_lo + u[j] * width, &fz);
            double x = dm_exp_lane(a + b * z, &fe);
            x = x < lo ? lo : x;
            out[j] = x > hi ? hi : x;
            f[j] = fz + fe;
        }
        return;
    }
    for (size_t j = 0; j < DRAW_BLOCK; j++) {
        double x = a + b * normal_quantile_lane(p_lo + u[j] * width, &f[j]);
        x = x < lo ? lo : x;
        out[j] = x > hi ? hi : x;
    }
}

/* dist_quantile of a uniform or triangular for DRAW_BLOCK uniforms at once: the same operations
 * lane by lane (the triangle's two arms both computed, the taken one kept; sqrt is IEEE's in
 * every build), vectorised like gaussian_block. No lane is special. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void linear_block(const TyDist *d, const double *restrict u, double *restrict out)
{
    double p_lo = d->p_lo, width = d->p_hi - d->p_lo, lo = d->lo, hi = d->hi;
    if (d->kind == TY_DIST_UNIFORM) {
        double a = d->a, span = d->b - d->a;
        for (size_t j = 0; j < DRAW_BLOCK; j++) {
            double x = a + (p_lo + u[j] * width) * span;
            x = x < lo ? lo : x;
            out[j] = x > hi ? hi : x;
        }
        return;
    }
    double t_lo = d->a, mode = d->c, t_hi = d->b;
    double span = t_hi - t_lo, below = mode - t_lo, above = t_hi - mode, split = below / span;
    for (size_t j = 0; j < DRAW_BLOCK; j++) {
        double p = p_lo + u[j] * width;
        double left = t_lo + sqrt(p * span * below);
        double right = t_hi - sqrt((1.0 - p) * span * above);
        double x = p <= split ? left : right;
        x = x < lo ? lo : x;
        out[j] = x > hi ? hi : x;
    }
}

void dist_draw(const TyDist *d, uint64_t seed, uint64_t stream, const TyPermutation *lhs,
               size_t offset, size_t count, double *out)
{
    double u[DRAW_BLOCK];
    int block = !lhs && is_gaussian(d) && !d->upper_tail;
    int linear = !lhs && (d->kind == TY_DIST_UNIFORM || d->kind == TY_DIST_TRIANGULAR);
    for (size_t k = 0; k < count; k += DRAW_BLOCK) {
        size_t m = count - k < DRAW_BLOCK ? count - k : DRAW_BLOCK;
        rng_uniforms(seed, stream, (uint64_t)(offset + k), m, u);
        if (block) {
            double x[DRAW_BLOCK], f[DRAW_BLOCK];
            for (size_t j = m; j < DRAW_BLOCK; j++) u[j] = 0.5;   /* lanes past the count */
            gaussian_block(d, u, x, f);
            for (size_t j = 0; j < m; j++) out[k + j] = f[j] != 0.0 ? dist_quantile(d, u[j]) : x[j];
            continue;
        }
        if (linear) {
            double x[DRAW_BLOCK];
            for (size_t j = m; j < DRAW_BLOCK; j++) u[j] = 0.5;
            linear_block(d, u, x);
            memcpy(out + k, x, m * sizeof *x);
            continue;
        }
        for (size_t j = 0; j < m; j++) {
            double p = u[j];
            if (lhs) {
                /* stratum lhs(i) of n, the uniform as the position inside it */
                p = ((double)rng_permute(lhs, (uint64_t)(offset + k + j)) + p) / (double)lhs->n;
                if (!(p < 1.0)) p = 1.0 - 0x1p-53;   /* (n - tiny) / n can round up to 1 */
            }
            out[k + j] = dist_quantile(d, p);
        }
    }
}
