/* test_mc_stats.c — exact quantiles (mc_exact_quantiles) against a reference written here: sort
 * a copy with qsort and interpolate numpy's default way, x[j] + g (x[j+1] - x[j]) at p (n - 1).
 * The bucket selection must give the same bits on every kind of data: spread, heavy ties, a
 * constant, mixed signs, a range of 600 orders of magnitude, tiny and odd sizes (below and
 * around the size where the buckets start), p = 0 and 1, and repeated probabilities. Moments of
 * two and four series at once (mc_chunk_moments_add2, _add4) are the bits of one call of
 * mc_chunk_moments_add per series (shown to fail with g23 * g01 for g23 * g23 in add2's second
 * series, and with add4's fourth series squaring d2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mc_stats.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double reference_quantile(const double *sorted, size_t n, double p)
{
    double pos = p * (double)(n - 1);
    size_t j = (size_t)floor(pos);
    double g = pos - (double)j;
    if (g == 0.0 || j + 1 >= n) return sorted[j];
    return sorted[j] + g * (sorted[j + 1] - sorted[j]);
}

enum { KINDS = 6 };

static double value(int kind, size_t i)
{
    switch (kind) {
    case 0: return 100.0 * exp(0.3 * (urand() + urand() + urand() - 1.5));   /* spread, positive */
    case 1: return (double)(int)(urand() * 6.0);                            /* heavy ties 0..5 */
    case 2: return 42.5;                                                   /* constant */
    case 3: return (urand() - 0.5) * 1e4;                                  /* both signs */
    case 4: return ldexp(urand() + 0.5, (int)(urand() * 2000.0) - 1000);   /* 1e-301 .. 1e301 */
    default: return (double)i * 0.25 + (urand() < 0.01 ? 1e9 : 0.0);      /* sorted, rare outliers */
    }
}

static void quantiles_should_equal_sorting_bit_for_bit(void **state)
{
    (void)state;
    static const double probs[] = { 0.5, 0.0, 1.0, 0.05, 0.95, 0.25, 0.75, 0.5, 0.001, 0.999, 0.1, 0.9 };
    const size_t np = sizeof probs / sizeof probs[0];
    static const size_t sizes[] = { 1, 2, 3, 7, 100, 511, 512, 513, 1000, 2048, 4099, 10000, 30000 };
    for (int kind = 0; kind < KINDS; kind++) {
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            size_t n = sizes[si];
            double *v = malloc(n * sizeof *v), *sorted = malloc(n * sizeof *sorted), got[12];
            assert_non_null(v);
            assert_non_null(sorted);
            for (size_t i = 0; i < n; i++) v[i] = value(kind, i);
            memcpy(sorted, v, n * sizeof *v);
            qsort(sorted, n, sizeof *sorted, cmp_double);
            mc_exact_quantiles(v, n, probs, np, got);
            for (size_t q = 0; q < np; q++) {
                double want = reference_quantile(sorted, n, probs[q]);
                if (memcmp(&got[q], &want, sizeof want) != 0)
                    fail_msg("kind %d, n %zu, p %g: got %.17g, want %.17g", kind, n, probs[q], got[q], want);
            }
            free(v);
            free(sorted);
        }
    }
}

static void quantiles_should_treat_signed_zeros_as_equal(void **state)
{
    (void)state;
    double v[600], probs[] = { 0.5 }, got;
    for (size_t i = 0; i < 600; i++) v[i] = i < 200 ? -1.0 : (i % 2 ? 0.0 : -0.0);
    mc_exact_quantiles(v, 600, probs, 1, &got);
    assert_true(got == 0.0);
}

/* The extremes a series' moments hold are the first of equal values: +0 when +0 came first,
 * though -0 follows. The buckets must take -0 as +0 (a key below the minimum's would fall
 * outside them; shown to fail, by a crash, with order_key not folding -0 into +0). */
static void quantiles_in_should_take_negative_zero_as_the_minimum_zero(void **state)
{
    (void)state;
    double v[1000], probs[] = { 0.1, 0.5 }, got[2];
    for (size_t i = 0; i < 1000; i++) v[i] = i < 600 ? (i % 2 ? -0.0 : 0.0) : (double)i;
    double lo, hi;
    mc_block_range(v, 1000, &lo, &hi);
    assert_true(lo == 0.0 && !signbit(lo));
    mc_exact_quantiles_in(v, 1000, lo, hi, probs, 2, got);
    assert_true(got[0] == 0.0 && got[1] == 0.0);
}

static int same_moments(const McChunkMoments *a, const McChunkMoments *b)
{
    return memcmp(&a->shift, &b->shift, sizeof a->shift) == 0 && memcmp(&a->s1, &b->s1, sizeof a->s1) == 0
        && memcmp(&a->s2, &b->s2, sizeof a->s2) == 0 && memcmp(&a->min, &b->min, sizeof a->min) == 0
        && memcmp(&a->max, &b->max, sizeof a->max) == 0 && a->n == b->n;
}

static void moments_of_two_and_four_series_should_equal_one_at_a_time(void **state)
{
    (void)state;
    static double v[300], u[300], w3[300], w4[300];
    McChunkMoments c1, d1, c2, d2, e1, f1, c4, d4, e4, f4;
    McChunkMoments *all[] = { &c1, &d1, &c2, &d2, &e1, &f1, &c4, &d4, &e4, &f4 };
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) mc_chunk_moments_reset(all[k]);
    /* blocks of several sizes (multiples of 4 and not), the first setting each shift */
    static const size_t sizes[] = { 256, 7, 256, 1, 3, 256, 130, 256 };
    for (size_t b = 0; b < sizeof sizes / sizeof sizes[0]; b++) {
        size_t n = sizes[b];
        for (size_t i = 0; i < n; i++) {
            v[i] = 1e3 * urand() - 200.0;
            u[i] = (b % 2 ? 1e-7 : 5e6) * urand();
        }
        double vlo, vhi, ulo, uhi;
        mc_block_range(v, n, &vlo, &vhi);
        mc_block_range(u, n, &ulo, &uhi);
        if (b == 3) vlo = vhi = ulo = uhi = NAN;   /* extremes not wanted */
        mc_chunk_moments_add(&c1, v, n, vlo, vhi);
        mc_chunk_moments_add(&d1, u, n, ulo, uhi);
        mc_chunk_moments_add2(&c2, v, vlo, vhi, &d2, u, ulo, uhi, n);
        assert_true(same_moments(&c1, &c2));
        assert_true(same_moments(&d1, &d2));
        /* four at once: v, u, and two more series made from them */
        for (size_t i = 0; i < n; i++) {
            w3[i] = v[i] * 3.0 + u[i];
            w4[i] = 1.0 / (1.0 + u[i]);
        }
        double lo4[4] = { vlo, ulo, 0, 0 }, hi4[4] = { vhi, uhi, 0, 0 };
        mc_block_range(w3, n, &lo4[2], &hi4[2]);
        mc_block_range(w4, n, &lo4[3], &hi4[3]);
        if (b == 3) lo4[2] = hi4[2] = lo4[3] = hi4[3] = NAN;
        mc_chunk_moments_add(&e1, w3, n, lo4[2], hi4[2]);
        mc_chunk_moments_add(&f1, w4, n, lo4[3], hi4[3]);
        McChunkMoments *four[4] = { &c4, &d4, &e4, &f4 };
        const double *vals[4] = { v, u, w3, w4 };
        mc_chunk_moments_add4(four, vals, lo4, hi4, n);
        assert_true(same_moments(&c1, &c4) && same_moments(&d1, &d4));
        assert_true(same_moments(&e1, &e4) && same_moments(&f1, &f4));
    }
    assert_true(c1.n == 1165 && c1.s2 > 0.0 && d1.s2 > 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_should_equal_sorting_bit_for_bit),
        cmocka_unit_test(quantiles_should_treat_signed_zeros_as_equal),
        cmocka_unit_test(quantiles_in_should_take_negative_zero_as_the_minimum_zero),
        cmocka_unit_test(moments_of_two_and_four_series_should_equal_one_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
