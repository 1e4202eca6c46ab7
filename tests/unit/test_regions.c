/* test_regions.c — aggregation, ranking and the composite index, on numbers checked by hand. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/regions.h"

static void regions_should_aggregate_a_ratio_as_the_ratio_of_sums(void **state)
{
    (void)state;
    /* two counties: R&D 1 亿 of GDP 100 (1 %), and 9 亿 of GDP 300 (3 %) */
    double num[] = {1, 9}, den[] = {100, 300};
    const char *why = NULL;
    double city = regions_ratio(num, den, 2, 100, &why);
    assert_float_equal(city, 10.0 / 400 * 100, 1e-12);          /* 2.5 % */
    double mean_of_ratios = (1.0 + 3.0) / 2;                     /* 2 %: the wrong answer */
    assert_true(fabs(city - mean_of_ratios) > 0.4);
    assert_null(why);
}

static void regions_should_refuse_to_sum_over_a_missing_region(void **state)
{
    (void)state;
    double v[] = {1, NAN, 3};
    const char *why = NULL;
    assert_true(isnan(regions_sum(v, 3, &why)));
    assert_string_equal(why, "a region has no value");
    double zero[] = {0, 0}, one[] = {1, 1};
    assert_true(isnan(regions_ratio(one, zero, 2, 1, &why)));
    assert_string_equal(why, "the summed denominator is zero");
}

static void regions_should_weight_a_mean(void **state)
{
    (void)state;
    double v[] = {10, 20}, w[] = {1, 3};
    assert_float_equal(regions_weighted_mean(v, w, 2, NULL), 17.5, 1e-12);
}

static void regions_should_rank_with_ties_and_missing_last(void **state)
{
    (void)state;
    double v[] = {5, 9, 5, NAN, 1};
    int r[5];
    regions_rank(v, 5, 1, r);
    assert_int_equal(r[0], 2);
    assert_int_equal(r[1], 1);
    assert_int_equal(r[2], 2);
    assert_int_equal(r[3], 0);
    assert_int_equal(r[4], 4);
    regions_rank(v, 5, -1, r);
    assert_int_equal(r[4], 1);
    assert_int_equal(r[1], 4);
}

static void regions_should_build_a_minmax_composite_index(void **state)
{
    (void)state;
    /* 2 indicators × 3 regions; indicator 2 is lower-is-better */
    double values[] = {0, 5, 10,     /* scores 0, .5, 1 */
                       4, 2, 0};     /* down: scores 0, .5, 1 */
    double w[] = {3, 1};
    int dir[] = {1, -1};
    double idx[3];
    TyError err;
    assert_int_equal(regions_composite(values, 2, 3, w, dir, TY_NORM_MINMAX, NULL, idx, &err), TY_OK);
    assert_float_equal(idx[0], 0, 1e-12);
    assert_float_equal(idx[1], 50, 1e-12);
    assert_float_equal(idx[2], 100, 1e-12);
}

static void regions_should_cap_a_target_normalised_score(void **state)
{
    (void)state;
    double values[] = {50, 150};
    double w[] = {1}, t[] = {100};
    int dir[] = {1};
    double idx[2];
    TyError err;
    assert_int_equal(regions_composite(values, 1, 2, w, dir, TY_NORM_TARGET, t, idx, &err), TY_OK);
    assert_float_equal(idx[0], 50, 1e-12);
    assert_float_equal(idx[1], 100, 1e-12);
    double zero[] = {0};
    assert_int_equal(regions_composite(values, 1, 2, zero, dir, TY_NORM_TARGET, t, idx, &err), TY_EDATA);
    assert_string_equal(err.msg, "composite index: the weights sum to zero");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regions_should_aggregate_a_ratio_as_the_ratio_of_sums),
        cmocka_unit_test(regions_should_refuse_to_sum_over_a_missing_region),
        cmocka_unit_test(regions_should_weight_a_mean),
        cmocka_unit_test(regions_should_rank_with_ties_and_missing_last),
        cmocka_unit_test(regions_should_build_a_minmax_composite_index),
        cmocka_unit_test(regions_should_cap_a_target_normalised_score),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
