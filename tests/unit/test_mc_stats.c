/* test_mc_stats.c — exact quantiles (mc_exact_quantiles) against a reference written here: sort
 * a copy with qsort and interpolate numpy's default way, x[j] + g (x[j+1] - x[j]) at p (n - 1).
 * The bucket selection must give the same bits on every kind of data: spread, heavy ties, a
 * constant, mixed signs, a range of 600 orders of magnitude, tiny and odd sizes (below and
 * around the size where the buckets start), p = 0 and 1, and repeated probabilities. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_should_equal_sorting_bit_for_bit),
        cmocka_unit_test(quantiles_should_treat_signed_zeros_as_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
