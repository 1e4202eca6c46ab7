/* test_hist.c — the log-linear histogram: quantiles within the stated bound of the exact ones,
 * results independent of the order values arrive in and of how partial histograms merge,
 * coarsening over wide ranges, zeros and negatives, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hist.h"
#include "core/rng.h"

#define N 100000

static TyError hist_err;

static void ok(TyStatus st)
{
    if (st) fail_msg("unexpected error: %s", hist_err.msg);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's default quantile of sorted values. */
static double exact_quantile(const double *sorted, size_t n, double p)
{
    double pos = p * (double)(n - 1);
    size_t j = (size_t)floor(pos);
    double g = pos - (double)j;
    return j + 1 < n ? sorted[j] + g * (sorted[j + 1] - sorted[j]) : sorted[j];
}

/* Values spread as exp(scale * (u - 0.5)) * sign, from the generator. */
static void fill(double *v, size_t n, double scale, double negative_share, double zero_share)
{
    for (size_t i = 0; i < n; i++) {
        double u, w;
        u = rng_uniform(1, 2, i);
        w = rng_uniform(1, 3, i);
        v[i] = exp(scale * (u - 0.5));
        if (w < negative_share) v[i] = -v[i];
        else if (w < negative_share + zero_share) v[i] = 0.0;
    }
}

static const double PS[] = { 0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1 };

static void check_against_exact(const TyHist *h, double *v, size_t n, double bound)
{
    double *s = malloc(n * sizeof *s);
    assert_non_null(s);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp);
    for (size_t k = 0; k < sizeof PS / sizeof PS[0]; k++) {
        double want = exact_quantile(s, n, PS[k]), got = hist_quantile(h, PS[k]);
        /* Relative to the larger neighbouring order statistic (see hist.h). */
        size_t j = (size_t)floor(PS[k] * (double)(n - 1));
        double scale = fmax(fabs(s[j]), fabs(s[j + 1 < n ? j + 1 : j]));
        if (fabs(got - want) > bound * scale)
            fail_msg("p %.2f: %.17g, exact %.17g (bound %g)", PS[k], got, want, bound);
    }
    assert_true(hist_quantile(h, 0) == s[0]);
    assert_true(hist_quantile(h, 1) == s[n - 1]);
    free(s);
}

static void hist_should_read_quantiles_within_its_error_bound(void **state)
{
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    fill(v, N, 3.0, 0, 0);
    TyHist h;
    hist_init(&h);
    for (size_t off = 0; off < N; off += 256) ok(hist_add(&h, v + off, N - off < 256 ? N - off : 256, &hist_err));
    assert_true(h.n == N);
    assert_true(hist_rel_error(&h) == ldexp(1, -13));
    check_against_exact(&h, v, N, ldexp(1, -13));
    hist_free(&h);
    free(v);
}

static int same_hist(const TyHist *a, const TyHist *b)
{
    for (size_t k = 0; k < sizeof PS / sizeof PS[0]; k++)
        if (hist_quantile(a, PS[k]) != hist_quantile(b, PS[k])) return 0;
    return a->n == b->n && a->zeros == b->zeros && a->pos.level == b->pos.level
        && a->neg.level == b->neg.level && a->min == b->min && a->max == b->max;
}

static void hist_should_not_depend_on_order_or_merging(void **state)
{
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    fill(v, N, 60.0, 0.3, 0.05);       /* wide enough to coarsen, both signs and zeros */
    TyHist whole, parts[3], rev;
    hist_init(&whole);
    hist_init(&rev);
    for (int i = 0; i < 3; i++) hist_init(&parts[i]);
    ok(hist_add(&whole, v, N, &hist_err));
    for (size_t off = 0; off < N; off += 1000) ok(hist_add(&parts[(off / 1000) % 3], v + off, 1000, &hist_err));
    for (size_t off = N; off > 0; off -= 100) ok(hist_add(&rev, v + off - 100, 100, &hist_err));
    TyHist merged;
    hist_init(&merged);
    ok(hist_merge(&merged, &parts[2], &hist_err));
    ok(hist_merge(&merged, &parts[0], &hist_err));
    ok(hist_merge(&merged, &parts[1], &hist_err));
    assert_true(same_hist(&whole, &merged));
    assert_true(same_hist(&whole, &rev));
    hist_free(&whole);
    hist_free(&merged);
    hist_free(&rev);
    for (int i = 0; i < 3; i++) hist_free(&parts[i]);
    free(v);
}

static void hist_should_coarsen_wide_ranges_and_say_so(void **state)
{
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    fill(v, N, 60.0, 0.3, 0.05);      /* magnitudes over 26 orders of ten */
    TyHist h;
    hist_init(&h);
    ok(hist_add(&h, v, N, &hist_err));
    double bound = hist_rel_error(&h);
    assert_true(bound > ldexp(1, -13));
    assert_true(h.pos.len <= TY_HIST_MAX_BUCKETS && h.neg.len <= TY_HIST_MAX_BUCKETS);
    assert_true(h.zeros > 0 && h.neg.total > 0 && h.pos.total > 0);
    check_against_exact(&h, v, N, bound);
    hist_free(&h);
    free(v);
}

static void hist_should_keep_a_constant_series_exact(void **state)
{
    double v[300];
    for (int i = 0; i < 300; i++) v[i] = 55.35;
    TyHist h;
    hist_init(&h);
    ok(hist_add(&h, v, 300, &hist_err));
    for (size_t k = 0; k < sizeof PS / sizeof PS[0]; k++) assert_true(hist_quantile(&h, PS[k]) == 55.35);
    hist_free(&h);
    hist_init(&h);
    assert_true(isnan(hist_quantile(&h, 0.5)));
    assert_true(hist_rel_error(&h) == 0);
}

static void hist_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    double v[2000];
    fill(v, 2000, 30.0, 0.5, 0.0);
    int succeeded = 0;
    for (long n = 0; n < 50 && !succeeded; n++) {
        TyHist h, g;
        hist_init(&h);
        hist_init(&g);
        ok(hist_add(&g, v, 1000, &hist_err));
        ty_alloc_fail_after(n);
        TyStatus st = hist_add(&h, v + 1000, 1000, &hist_err);
        if (!st) st = hist_merge(&h, &g, &hist_err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) succeeded = 1;
        else assert_int_equal(st, TY_ENOMEM);
        /* Whatever failed, h still reads as the values it took. */
        assert_true(h.n == 0 || h.n == 1000 || h.n == 2000);
        hist_free(&h);
        hist_free(&g);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hist_should_read_quantiles_within_its_error_bound),
        cmocka_unit_test(hist_should_not_depend_on_order_or_merging),
        cmocka_unit_test(hist_should_coarsen_wide_ranges_and_say_so),
        cmocka_unit_test(hist_should_keep_a_constant_series_exact),
        cmocka_unit_test(hist_should_fail_cleanly_on_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
