/* test_dist.c — distributions: the normal quantile against known values, each kind's sample
 * moments and quantiles within statistical tolerance at a fixed seed, truncation (including far
 * out in a tail), Latin hypercube strata, chunking, the errors for bad parameters, and normal
 * lognormal, uniform and triangular draws made a block at a time (vectorised) equal, bit for bit,
 * to the one-value dist_quantile of the same uniforms, in the centre and the tails, truncated,
 * and with exponents past exp's common range (shown to fail with the centre's bound 0.425 made
 * 0.42 in the block code, with min(p, 1 - p) taken as max, and with the triangle's product
 * taken as p * (span * below)). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/dist.h"
#include "core/rng.h"

#define N 200000
#define SEED 20240601u

static TyError dist_err;

static TyDist make(TyDistKind kind, double a, double b, double c, double lo, double hi)
{
    TyDist d;
    ty_error_clear(&dist_err);
    TyStatus st = dist_init(&d, kind, a, b, c, lo, hi, &dist_err);
    if (st) fail_msg("dist_init: %s", dist_err.msg);
    return d;
}

static double *draw(const TyDist *d, int lhs)
{
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    TyPermutation perm;
    uint64_t stream = rng_stream_id("test");
    if (lhs) rng_permutation_init(&perm, N, SEED, stream);
    dist_draw(d, SEED, stream, lhs ? &perm : NULL, 0, N, v);
    return v;
}

static void check_moments(const double *v, double mean, double var)
{
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < N; i++) s1 += v[i];
    double m = s1 / N;
    for (size_t i = 0; i < N; i++) s2 += (v[i] - m) * (v[i] - m);
    double s = s2 / (N - 1);
    /* Mean within 5 standard errors; variance within 4 % (ample for N = 200,000 and these
     * light-tailed distributions). */
    if (fabs(m - mean) > 5 * sqrt(var / N)) fail_msg("mean %.6g, expected %.6g", m, mean);
    if (fabs(s - var) > 0.04 * var) fail_msg("variance %.6g, expected %.6g", s, var);
}

/* The share of samples at or below the p-quantile is p, within 5 binomial standard errors. */
static void check_quantiles(const TyDist *d, const double *v)
{
    static const double ps[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        double x = dist_quantile(d, ps[k]);
        size_t below = 0;
        for (size_t i = 0; i < N; i++) below += v[i] <= x;
        double share = (double)below / N;
        if (fabs(share - ps[k]) > 5 * sqrt(ps[k] * (1 - ps[k]) / N))
            fail_msg("%s: %.5f of the samples at or below its %.2f-quantile", dist_kind_name(d->kind),
                     share, ps[k]);
        assert_true(fabs(dist_cdf(d, x) - ps[k]) < 1e-9);
    }
}

static void dist_should_invert_the_normal_cdf(void **state)
{
    assert_true(dist_normal_quantile(0.5) == 0.0);
    assert_true(fabs(dist_normal_quantile(0.975) - 1.959963984540054) < 1e-14);
    assert_true(fabs(dist_normal_quantile(0.9) - 1.2815515655446004) < 1e-14);
    assert_true(fabs(dist_normal_quantile(0.1) + 1.2815515655446004) < 1e-14);
    assert_true(fabs(dist_normal_quantile(1e-10) + 6.361340902404056) < 1e-12);
    /* Round trips through erfc in all three regions of AS 241, far tail included. */
    static const double ps[] = { 1e-300, 1e-20, 1e-12, 0.001, 0.02, 0.3, 0.5, 0.7, 0.98, 0.999 };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double z = dist_normal_quantile(ps[i]);
        double back = dist_normal_cdf(z);
        if (fabs(back - ps[i]) > 1e-12 * ps[i]) fail_msg("p %g: z %.17g gives %.17g", ps[i], z, back);
    }
    assert_true(isinf(dist_normal_quantile(0.0)) && dist_normal_quantile(0.0) < 0);
    assert_true(isinf(dist_normal_quantile(1.0)) && dist_normal_quantile(1.0) > 0);
}

static void dist_should_match_the_moments_and_quantiles_of_each_kind(void **state)
{
    /* lognormal with mean 5 and sd 2 of the value: sigma^2 = log(1 + 0.16) */
    double s2 = log(1.16), mu = log(5.0) - s2 / 2;
    struct { TyDist d; double mean, var; } cases[] = {
        { make(TY_DIST_NORMAL, 10, 2, 0, -INFINITY, INFINITY), 10, 4 },
        { make(TY_DIST_LOGNORMAL, mu, sqrt(s2), 0, -INFINITY, INFINITY), 5, 4 },
        { make(TY_DIST_UNIFORM, 2, 6, 0, -INFINITY, INFINITY), 4, 16.0 / 12 },
        { make(TY_DIST_TRIANGULAR, 1, 6, 2, -INFINITY, INFINITY), 3,
          (1 + 36 + 4 - 6 - 2 - 12) / 18.0 },
        { make(TY_DIST_TRIANGULAR, 0, 1, 0, -INFINITY, INFINITY), 1.0 / 3, 1.0 / 18 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (int lhs = 0; lhs <= 1; lhs++) {
            double *v = draw(&cases[k].d, lhs);
            check_moments(v, cases[k].mean, cases[k].var);
            check_quantiles(&cases[k].d, v);
            free(v);
        }
    }
}

static double phi(double z) { return exp(-z * z / 2) / sqrt(2 * M_PI); }

static void dist_should_truncate_within_bounds_with_the_truncated_mean(void **state)
{
    struct { TyDist d; double lo, hi; } cases[] = {
        { make(TY_DIST_NORMAL, 0, 1, 0, 1, INFINITY), 1, INFINITY },
        { make(TY_DIST_NORMAL, 0, 1, 0, 8, 9), 8, 9 },              /* the upper-tail path */
        { make(TY_DIST_NORMAL, 0, 1, 0, -9, -8), -9, -8 },
        { make(TY_DIST_NORMAL, 0, 1, 0, -0.5, 0.5), -0.5, 0.5 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double a = cases[k].lo, b = cases[k].hi;
        double mass = dist_normal_cdf(b) - dist_normal_cdf(a);
        if (a > 0) mass = dist_normal_sf(a) - dist_normal_sf(b);
        double mean = (phi(a) - (isinf(b) ? 0 : phi(b))) / mass;
        double *v = draw(&cases[k].d, 0);
        double s = 0;
        for (size_t i = 0; i < N; i++) {
            assert_true(v[i] >= a && v[i] <= b);
            s += v[i];
        }
        /* The truncated sd is below 1: 5 standard errors of a unit sd is generous. */
        if (fabs(s / N - mean) > 5 / sqrt((double)N)) fail_msg("case %zu: mean %.8g, expected %.8g", k, s / N, mean);
        free(v);
    }
    /* Truncated uniform and triangular: within the intersection. */
    TyDist u = make(TY_DIST_UNIFORM, 0, 10, 0, 2, 3);
    TyDist t = make(TY_DIST_TRIANGULAR, 0, 10, 5, 4, INFINITY);
    double *v = draw(&u, 1);
    for (size_t i = 0; i < N; i++) assert_true(v[i] >= 2 && v[i] <= 3);
    free(v);
    v = draw(&t, 0);
    for (size_t i = 0; i < N; i++) assert_true(v[i] >= 4 && v[i] <= 10);
    check_quantiles(&t, v);
    free(v);
}

static void dist_should_put_one_sample_in_each_latin_hypercube_stratum(void **state)
{
    TyDist u = make(TY_DIST_UNIFORM, 0, 1, 0, -INFINITY, INFINITY);
    const size_t n = 1000;
    double v[1000];
    unsigned char seen[1000] = { 0 };
    TyPermutation perm;
    rng_permutation_init(&perm, n, 5, 77);
    dist_draw(&u, 5, 77, &perm, 0, n, v);
    for (size_t i = 0; i < n; i++) {
        size_t stratum = (size_t)floor(v[i] * (double)n);
        assert_true(stratum < n);
        assert_int_equal(seen[stratum], 0);
        seen[stratum] = 1;
    }
}

static void dist_should_draw_the_same_values_whatever_the_chunks(void **state)
{
    TyDist d = make(TY_DIST_LOGNORMAL, 0, 0.5, 0, 0.5, 3);
    const size_t n = 5000;
    double whole[5000], parts[5000];
    TyPermutation perm;
    rng_permutation_init(&perm, n, 3, 11);
    dist_draw(&d, 3, 11, &perm, 0, n, whole);
    for (size_t off = 0; off < n; off += 777)
        dist_draw(&d, 3, 11, &perm, off, off + 777 > n ? n - off : 777, parts + off);
    assert_memory_equal(whole, parts, sizeof whole);
}

static void expect_bad(TyDistKind kind, double a, double b, double c, double lo, double hi,
                       const char *text)
{
    TyDist d;
    ty_error_clear(&dist_err);
    assert_int_equal(dist_init(&d, kind, a, b, c, lo, hi, &dist_err), TY_ESCRIPT);
    if (!strstr(dist_err.msg, text)) fail_msg("message '%s' lacks '%s'", dist_err.msg, text);
}

static void dist_should_reject_bad_parameters(void **state)
{
    expect_bad(TY_DIST_NORMAL, 0, 0, 0, -INFINITY, INFINITY, "normal: sd must be > 0, got 0");
    expect_bad(TY_DIST_NORMAL, NAN, 1, 0, -INFINITY, INFINITY, "parameters must be finite");
    expect_bad(TY_DIST_LOGNORMAL, 0, -1, 0, -INFINITY, INFINITY, "lognormal: sigma must be > 0");
    expect_bad(TY_DIST_UNIFORM, 3, 3, 0, -INFINITY, INFINITY, "uniform: lower (3) must be below upper (3)");
    expect_bad(TY_DIST_TRIANGULAR, 0, 1, 2, -INFINITY, INFINITY, "triangular: mode (2) must be within [0, 1]");
    expect_bad(TY_DIST_NORMAL, 0, 1, 0, 2, 1, "truncation [2, 1] needs lo below hi");
    expect_bad(TY_DIST_NORMAL, 0, 1, 0, 40, 41, "truncation [40, 41] leaves no probability");
    expect_bad(TY_DIST_UNIFORM, 0, 1, 0, 2, 3, "leaves no probability");
    assert_int_equal(dist_find("triangular"), TY_DIST_TRIANGULAR);
    assert_int_equal(dist_find("gamma"), -1);
}

static void dist_block_draws_should_equal_one_value_at_a_time(void **state)
{
    (void)state;
    static const struct { TyDistKind kind; double a, b, c, lo, hi; } cases[] = {
        { TY_DIST_NORMAL, 10.0, 2.0, 0.0, -INFINITY, INFINITY },
        { TY_DIST_NORMAL, -3.0, 1e-3, 0.0, -INFINITY, -2.9995 },          /* truncated above */
        { TY_DIST_NORMAL, 0.0, 1.0, 0.0, -1.5, 0.4 },
        { TY_DIST_LOGNORMAL, 0.1, 0.3, 0.0, -INFINITY, INFINITY },
        { TY_DIST_LOGNORMAL, 0.0, 90.0, 0.0, -INFINITY, INFINITY },       /* exp far out of range */
        { TY_DIST_LOGNORMAL, 2.0, 0.5, 0.0, 1.0, 20.0 },
        { TY_DIST_UNIFORM, 0.2, 0.4, 0.0, -INFINITY, INFINITY },
        { TY_DIST_UNIFORM, -1.0, 3.0, 0.0, 0.0, 2.0 },                   /* truncated */
        { TY_DIST_TRIANGULAR, 20.0, 40.0, 30.0, -INFINITY, INFINITY },
        { TY_DIST_TRIANGULAR, 5.0, 40.0, 15.0, -INFINITY, INFINITY },
        { TY_DIST_TRIANGULAR, 0.03, 0.09, 0.06, 0.04, 0.08 },            /* truncated */
        { TY_DIST_TRIANGULAR, 0.0, 1.0, 0.0, -INFINITY, INFINITY },      /* mode at an end */
        { TY_DIST_TRIANGULAR, 0.0, 1.0, 1.0, -INFINITY, INFINITY },
    };
    enum { NDRAW = 5000 };
    static double got[NDRAW];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        TyDist d;
        TyError err;
        assert_int_equal(dist_init(&d, cases[c].kind, cases[c].a, cases[c].b, cases[c].c, cases[c].lo,
                                   cases[c].hi, &err), TY_OK);
        uint64_t stream = rng_stream_id("block") + c;
        dist_draw(&d, 77, stream, NULL, 3, NDRAW, got);   /* an odd offset: a partial block */
        size_t far = 0;
        for (size_t i = 0; i < NDRAW; i++) {
            double u = rng_uniform(77, stream, 3 + i);
            double want = dist_quantile(&d, u);
            if (memcmp(&got[i], &want, sizeof want) != 0)
                fail_msg("case %zu, draw %zu (u = %a): %a, one at a time %a", c, i, u, got[i], want);
            far += u < 0.025 || u > 0.975;
        }
        assert_true(far > 100);   /* the tails were drawn */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dist_should_invert_the_normal_cdf),
        cmocka_unit_test(dist_should_match_the_moments_and_quantiles_of_each_kind),
        cmocka_unit_test(dist_should_truncate_within_bounds_with_the_truncated_mean),
        cmocka_unit_test(dist_should_put_one_sample_in_each_latin_hypercube_stratum),
        cmocka_unit_test(dist_should_draw_the_same_values_whatever_the_chunks),
        cmocka_unit_test(dist_should_reject_bad_parameters),
        cmocka_unit_test(dist_block_draws_should_equal_one_value_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
