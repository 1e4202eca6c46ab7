/* test_series.c — unit tests of core/series: a value per year with missing years. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/series.h"

static void series_should_start_empty(void **state)
{
    TySeries s;
    series_init(&s);
    assert_int_equal(s.n, 0);
    assert_int_equal(series_count(&s), 0);
    assert_int_equal(series_first_year(&s), 0);
    assert_int_equal(series_last_year(&s), 0);
    assert_int_equal(series_nth_year(&s, 0), 0);
    assert_true(isnan(series_get(&s, 2020)));
    assert_false(series_has(&s, 2020));
    series_free(&s);
}

static void series_should_grow_forwards_and_backwards(void **state)
{
    TySeries s;
    TyError err;
    series_init(&s);
    assert_int_equal(series_set(&s, 2021, 5.0, &err), TY_OK);
    assert_int_equal(s.first_year, 2021);
    assert_int_equal(s.n, 1);
    assert_int_equal(series_set(&s, 2024, 8.0, &err), TY_OK);   /* forwards, over a gap */
    assert_int_equal(s.first_year, 2021);
    assert_int_equal(s.n, 4);
    assert_int_equal(series_set(&s, 2018, 2.0, &err), TY_OK);   /* backwards, over a gap */
    assert_int_equal(s.first_year, 2018);
    assert_int_equal(s.n, 7);
    assert_true(series_get(&s, 2018) == 2.0);
    assert_true(series_get(&s, 2021) == 5.0);
    assert_true(series_get(&s, 2024) == 8.0);
    assert_true(isnan(series_get(&s, 2019)));   /* the gaps are missing, not 0 */
    assert_true(isnan(series_get(&s, 2022)));
    assert_true(isnan(series_get(&s, 2017)));   /* outside the range */
    assert_true(isnan(series_get(&s, 2025)));
    assert_int_equal(series_count(&s), 3);
    series_free(&s);
}

static void series_should_overwrite_a_value(void **state)
{
    TySeries s;
    TyError err;
    series_init(&s);
    assert_int_equal(series_set(&s, 2020, 1.0, &err), TY_OK);
    assert_int_equal(series_set(&s, 2020, -3.5, &err), TY_OK);
    assert_true(series_get(&s, 2020) == -3.5);
    assert_int_equal(series_count(&s), 1);
    series_free(&s);
}

static void series_should_refuse_years_out_of_range(void **state)
{
    TySeries s;
    TyError err;
    series_init(&s);
    assert_int_equal(series_set(&s, TY_YEAR_MIN, 1.0, &err), TY_OK);
    assert_int_equal(series_set(&s, TY_YEAR_MAX, 1.0, &err), TY_OK);
    ty_error_clear(&err);
    assert_int_equal(series_set(&s, TY_YEAR_MIN - 1, 1.0, &err), TY_EDATA);
    assert_int_equal(err.code, TY_EDATA);
    assert_string_equal(err.msg, "year 1899 is outside 1900..2200");
    assert_int_equal(series_set(&s, TY_YEAR_MAX + 1, 1.0, &err), TY_EDATA);
    assert_int_equal(series_count(&s), 2);
    series_free(&s);
}

static void series_should_refuse_values_that_are_not_finite(void **state)
{
    TySeries s;
    TyError err;
    series_init(&s);
    assert_int_equal(series_set(&s, 2020, NAN, &err), TY_EDATA);
    assert_string_equal(err.msg, "value for 2020 is not a finite number");
    assert_int_equal(series_set(&s, 2020, INFINITY, &err), TY_EDATA);
    assert_int_equal(series_set(&s, 2020, -INFINITY, &err), TY_EDATA);
    assert_int_equal(series_count(&s), 0);
    series_free(&s);
}

static void series_should_unset_a_value(void **state)
{
    TySeries s;
    TyError err;
    series_init(&s);
    assert_int_equal(series_set(&s, 2020, 1.0, &err), TY_OK);
    assert_int_equal(series_set(&s, 2022, 3.0, &err), TY_OK);
    series_unset(&s, 2022);
    series_unset(&s, 1990);   /* outside: nothing happens */
    assert_false(series_has(&s, 2022));
    assert_true(series_has(&s, 2020));
    assert_int_equal(series_count(&s), 1);
    assert_int_equal(series_last_year(&s), 2020);
    series_free(&s);
}

static void series_should_find_first_last_and_nth_years(void **state)
{
    TySeries s;
    TyError err;
    series_init(&s);
    int years[] = {2023, 2019, 2021};
    for (int i = 0; i < 3; i++) assert_int_equal(series_set(&s, years[i], years[i] * 0.5, &err), TY_OK);
    series_unset(&s, 2019);
    assert_int_equal(series_set(&s, 2018, 0.0, &err), TY_OK);   /* 0 is a value */
    /* present: 2018, 2021, 2023 (2019 unset, inside the range) */
    assert_int_equal(series_first_year(&s), 2018);
    assert_int_equal(series_last_year(&s), 2023);
    assert_int_equal(series_last_year_at_or_before(&s, 2022), 2021);
    assert_int_equal(series_last_year_at_or_before(&s, 2021), 2021);
    assert_int_equal(series_last_year_at_or_before(&s, 2020), 2018);
    assert_int_equal(series_last_year_at_or_before(&s, 2017), 0);
    assert_int_equal(series_last_year_at_or_before(&s, 2100), 2023);
    assert_int_equal(series_nth_year(&s, 0), 2018);
    assert_int_equal(series_nth_year(&s, 1), 2021);
    assert_int_equal(series_nth_year(&s, 2), 2023);
    assert_int_equal(series_nth_year(&s, 3), 0);
    assert_int_equal(series_nth_year(&s, -1), 0);
    series_free(&s);
}

static void series_should_copy_independently(void **state)
{
    TySeries a, b;
    TyError err;
    series_init(&a);
    series_init(&b);
    assert_int_equal(series_set(&a, 2020, 1.0, &err), TY_OK);
    assert_int_equal(series_set(&a, 2022, 2.0, &err), TY_OK);
    assert_int_equal(series_set(&b, 2000, 9.0, &err), TY_OK);   /* replaced by the copy */
    assert_int_equal(series_copy(&b, &a, &err), TY_OK);
    assert_int_equal(b.first_year, 2020);
    assert_int_equal(b.n, 3);
    assert_true(series_get(&b, 2022) == 2.0);
    assert_int_equal(series_set(&a, 2022, 7.0, &err), TY_OK);
    assert_true(series_get(&b, 2022) == 2.0);
    assert_false(series_has(&b, 2000));
    series_free(&a);
    series_free(&b);
}

/* An injected allocation failure is TY_ENOMEM and leaves every value where it was, whether
 * the series was empty, growing forwards (realloc) or backwards (new block). */
static void series_should_stay_valid_when_allocation_fails(void **state)
{
    TySeries s;
    TyError err;
    series_init(&s);
    ty_alloc_fail_after(0);
    assert_int_equal(series_set(&s, 2020, 1.0, &err), TY_ENOMEM);
    assert_int_equal(err.code, TY_ENOMEM);
    assert_int_equal(s.n, 0);
    ty_alloc_fail_after(-1);
    assert_int_equal(series_set(&s, 2020, 1.0, &err), TY_OK);
    assert_int_equal(series_set(&s, 2021, 2.0, &err), TY_OK);

    ty_alloc_fail_after(0);
    assert_int_equal(series_set(&s, 2030, 3.0, &err), TY_ENOMEM);
    assert_int_equal(series_set(&s, 2010, 3.0, &err), TY_ENOMEM);
    assert_int_equal(series_set(&s, 2021, 5.0, &err), TY_OK);   /* inside: no allocation */
    TySeries copy;
    series_init(&copy);
    assert_int_equal(series_copy(&copy, &s, &err), TY_ENOMEM);
    assert_int_equal(copy.n, 0);
    ty_alloc_fail_after(-1);

    assert_int_equal(s.first_year, 2020);
    assert_int_equal(s.n, 2);
    assert_true(series_get(&s, 2020) == 1.0);
    assert_true(series_get(&s, 2021) == 5.0);
    assert_int_equal(series_set(&s, 2010, 3.0, &err), TY_OK);   /* and it still works */
    assert_int_equal(series_count(&s), 3);
    series_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(series_should_start_empty),
        cmocka_unit_test(series_should_grow_forwards_and_backwards),
        cmocka_unit_test(series_should_overwrite_a_value),
        cmocka_unit_test(series_should_refuse_years_out_of_range),
        cmocka_unit_test(series_should_refuse_values_that_are_not_finite),
        cmocka_unit_test(series_should_unset_a_value),
        cmocka_unit_test(series_should_find_first_last_and_nth_years),
        cmocka_unit_test(series_should_copy_independently),
        cmocka_unit_test(series_should_stay_valid_when_allocation_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
