/* test_schedule.c — unit tests of core/schedule (DOMAIN §4): the Wuwei support rules
 * (shared/data/wuwei_support_policy.md) on hand-computed amounts, bracket boundaries, recurrence
 * and lag over years, validation messages, missing values, columns against scalars, and
 * allocation failure. Amounts are in 万元. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/schedule.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Relative tolerance: the expectations are hand-computed decimals, the rates binary fractions. */
static void assert_close_at(double actual, double expected, int line)
{
    if (isnan(actual) || fabs(actual - expected) > 1e-12 * fmax(1.0, fabs(expected)))
        fail_msg("line %d: expected %.17g, got %.17g", line, expected, actual);
}
#define assert_close(a, e) assert_close_at((a), (e), __LINE__)

static void assert_series_at(const double *actual, const double *expected, size_t n, int line)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(actual[i] - expected[i]) > 1e-12 * fmax(1.0, fabs(expected[i])) ||
            isnan(actual[i]) != isnan(expected[i]))
            fail_msg("line %d: [%zu] expected %.17g, got %.17g", line, i, expected[i], actual[i]);
}
#define assert_series(a, e) assert_series_at((a), (e), N_OF(e), __LINE__)

/* ---- the Wuwei rules as data --------------------------------------------------------- */

/* R5: indirect costs, 30% of the part ≤ 500, 25% of 500–1000, 20% above 1000. */
static TySchedule *r5(void)
{
    static const double t[] = { 0, 500, 1000 }, rate[] = { 0.30, 0.25, 0.20 };
    TySchedule *s;
    TyError err;
    assert_int_equal(schedule_new_marginal("R5", t, rate, 3, &s, &err), TY_OK);
    return s;
}

/* R8: one-off by annual R&D, ≥ 500 → 10, ≥ 1000 → 20, ≥ 2000 → 50, ≥ 10000 → 100; paid next year. */
static TySchedule *r8(void)
{
    static const double t[] = { 500, 1000, 2000, 10000 }, amount[] = { 10, 20, 50, 100 };
    TySchedule *s;
    TyError err;
    assert_int_equal(schedule_new_step("R8", t, amount, 4, TY_SCHEDULE_AT_LEAST, &s, &err), TY_OK);
    assert_int_equal(schedule_set_lag(s, 1, &err), TY_OK);
    return s;
}

/* R8b: deducted amount > 50 → 5 one-off. */
static TySchedule *r8b(void)
{
    static const double t[] = { 50 }, amount[] = { 5 };
    TySchedule *s;
    TyError err;
    assert_int_equal(schedule_new_step("R8b", t, amount, 1, TY_SCHEDULE_ABOVE, &s, &err), TY_OK);
    return s;
}

/* R3: project total ≥ 300 → 10%–20% of it, at most 100. */
static TySchedule *r3(void)
{
    TyScheduleRate p = { .threshold = 300, .bound = TY_SCHEDULE_AT_LEAST, .rate_lo = 0.10,
                         .rate_hi = 0.20, .min_amount = 0, .max_amount = 100 };
    TySchedule *s;
    TyError err;
    assert_int_equal(schedule_new_rate("R3", &p, &s, &err), TY_OK);
    return s;
}

/* R3b: project amount > 100 → 10% of it, at most 200. */
static TySchedule *r3b(void)
{
    TyScheduleRate p = { .threshold = 100, .bound = TY_SCHEDULE_ABOVE, .rate_lo = 0.10,
                         .rate_hi = 0.10, .min_amount = 0, .max_amount = 200 };
    TySchedule *s;
    TyError err;
    assert_int_equal(schedule_new_rate("R3b", &p, &s, &err), TY_OK);
    return s;
}

static TySchedule *per_unit(const char *id, double amount, int recurring, int lag)
{
    TySchedule *s;
    TyError err;
    assert_int_equal(schedule_new_per_unit(id, amount, &s, &err), TY_OK);
    assert_int_equal(schedule_set_recurring(s, recurring, &err), TY_OK);
    assert_int_equal(schedule_set_lag(s, lag, &err), TY_OK);
    return s;
}

/* ---- shapes ------------------------------------------------------------------------------ */

static void schedule_should_apply_marginal_brackets_to_each_part(void **state)
{
    TySchedule *s = r5();
    /* 1200 = 500 at 30% + 500 at 25% + 200 at 20% = 150 + 125 + 40 = 315 */
    assert_close(schedule_eval_scalar(s, 1200), 315);
    assert_close(schedule_eval_scalar(s, 400), 120);    /* 400 × 30% */
    assert_close(schedule_eval_scalar(s, 500), 150);    /* 500 × 30%, nothing at 25% yet */
    assert_close(schedule_eval_scalar(s, 1000), 275);   /* 150 + 500 × 25% */
    assert_close(schedule_eval_scalar(s, 0), 0);
    assert_close(schedule_eval_scalar(s, -10), 0);      /* below the first threshold */
    schedule_free(s);

    /* A first threshold above 0: nothing below it, its rate on the part above it only. */
    static const double t[] = { 100, 200 }, rate[] = { 0.5, 0 };
    TyError err;
    assert_int_equal(schedule_new_marginal("M", t, rate, 2, &s, &err), TY_OK);
    assert_close(schedule_eval_scalar(s, 50), 0);
    assert_close(schedule_eval_scalar(s, 150), 25);     /* (150 − 100) × 50% */
    assert_close(schedule_eval_scalar(s, 1e6), 50);     /* (200 − 100) × 50% + the rest × 0 */
    schedule_free(s);
}

/* Step brackets include their lower bound (x ≥ t, "以上"): exactly 500 is in the 500 bracket. */
static void schedule_should_pay_step_amounts_from_inclusive_lower_bounds(void **state)
{
    TySchedule *s = r8();
    const double x[] = { 0, 499, 500, 999, 1000, 1999, 2000, 9999, 10000, 50000 };
    const double want[] = { 0, 0, 10, 10, 20, 20, 50, 50, 100, 100 };
    for (size_t i = 0; i < N_OF(x); i++) assert_close(schedule_eval_scalar(s, x[i]), want[i]);
    schedule_free(s);
}

/* R8b is a one-bracket step with a strict bound ("> 50"): 50 itself does not qualify. */
static void schedule_should_pay_step_amounts_above_strict_bounds(void **state)
{
    TySchedule *s = r8b();
    assert_close(schedule_eval_scalar(s, 49), 0);
    assert_close(schedule_eval_scalar(s, 50), 0);
    assert_close(schedule_eval_scalar(s, 50.01), 5);
    assert_close(schedule_eval_scalar(s, 1e6), 5);
    schedule_free(s);
}

static void schedule_should_pay_a_rate_from_the_band_above_the_eligibility_floor(void **state)
{
    TySchedule *s = r3();
    TyError err;
    assert_close(schedule_rate_choice(s), 1);             /* default: the top of the band */
    assert_close(schedule_eval_scalar(s, 299), 0);        /* below 300: not eligible */
    assert_close(schedule_eval_scalar(s, 300), 60);       /* 300 × 20% (≥ 300 includes 300) */
    assert_close(schedule_eval_scalar(s, 1000), 100);     /* 1000 × 20% = 200, capped at 100 */
    assert_int_equal(schedule_set_rate_choice(s, 0, &err), TY_OK);
    assert_close(schedule_eval_scalar(s, 300), 30);       /* 300 × 10% */
    assert_close(schedule_eval_scalar(s, 1000), 100);     /* 1000 × 10% = 100, exactly the cap */
    assert_int_equal(schedule_set_rate_choice(s, 0.5, &err), TY_OK);
    assert_close(schedule_eval_scalar(s, 300), 45);       /* 300 × 15% */
    schedule_free(s);

    s = r3b();
    assert_close(schedule_eval_scalar(s, 100), 0);        /* > 100 required */
    assert_close(schedule_eval_scalar(s, 101), 10.1);     /* 101 × 10% */
    assert_close(schedule_eval_scalar(s, 2000), 200);     /* 2000 × 10%, just the cap */
    assert_close(schedule_eval_scalar(s, 5000), 200);     /* 500, capped at 200 */
    schedule_free(s);

    /* A minimum amount lifts small eligible amounts; -inf means everyone is eligible (R5b-like). */
    TyScheduleRate p = { .threshold = -INFINITY, .bound = TY_SCHEDULE_AT_LEAST, .rate_lo = 0.1,
                         .rate_hi = 0.2, .min_amount = 5, .max_amount = INFINITY };
    assert_int_equal(schedule_new_rate("R5b", &p, &s, &err), TY_OK);
    assert_close(schedule_eval_scalar(s, 10), 5);         /* 10 × 20% = 2, lifted to 5 */
    assert_close(schedule_eval_scalar(s, 1e6), 2e5);      /* no cap */
    schedule_free(s);
}

static void schedule_should_multiply_a_unit_amount_by_a_count(void **state)
{
    TySchedule *s = per_unit("R7a", 20, 1, 0);
    assert_close(schedule_eval_scalar(s, 10), 200);       /* 10 enterprises × 20 */
    assert_close(schedule_eval_scalar(s, 0), 0);
    schedule_free(s);
}

/* R15 needs no special case: per unit over the count of eligible transfers, or, firm by firm,
 * a one-bracket step on the provincial amount received (> 0 → 50). */
static void schedule_should_express_a_top_up_with_existing_shapes(void **state)
{
    TySchedule *s = per_unit("R15", 50, 1, 0);
    assert_close(schedule_eval_scalar(s, 3), 150);        /* 3 transfers × 50 */
    schedule_free(s);

    static const double t[] = { 0 }, amount[] = { 50 };
    TyError err;
    assert_int_equal(schedule_new_step("R15", t, amount, 1, TY_SCHEDULE_ABOVE, &s, &err), TY_OK);
    const double provincial[] = { 0, 200, 150 }, want[] = { 0, 50, 50 };
    double out[3];
    schedule_eval(s, provincial, out, 3);
    assert_series(out, want);
    schedule_free(s);
}

/* A band gives both ends (issue 15): R3 10 %–20 % of a total ≥ 300, at most 100; R5b 10–20 %
 * with no threshold; R13 "不低于50" an open band (at least 50 per consortium a year, no top);
 * shapes without a band give one amount twice. Hand values from the policy text. */
static void schedule_should_give_both_ends_of_a_band(void **state)
{
    TySchedule *s = r3();
    TyError err;
    double lo, hi;
    schedule_eval_range(s, 299, &lo, &hi);                /* below 300: nothing at either end */
    assert_close(lo, 0);
    assert_close(hi, 0);
    schedule_eval_range(s, 300, &lo, &hi);                /* 300 × 10 % = 30, × 20 % = 60 */
    assert_close(lo, 30);
    assert_close(hi, 60);
    schedule_eval_range(s, 600, &lo, &hi);                /* 60, and 120 capped at 100 */
    assert_close(lo, 60);
    assert_close(hi, 100);
    schedule_eval_range(s, 1000, &lo, &hi);               /* 100 and 200: both at the cap */
    assert_close(lo, 100);
    assert_close(hi, 100);
    assert_int_equal(schedule_is_band(s), 1);
    assert_int_equal(schedule_is_open(s), 0);
    schedule_eval_range(s, NAN, &lo, &hi);
    assert_true(isnan(lo) && isnan(hi));
    schedule_free(s);

    s = r8();                                             /* a step: one amount */
    schedule_eval_range(s, 1000, &lo, &hi);
    assert_close(lo, 20);
    assert_close(hi, 20);
    assert_int_equal(schedule_is_band(s), 0);
    schedule_free(s);

    TyScheduleRate p = { .threshold = -INFINITY, .bound = TY_SCHEDULE_AT_LEAST, .rate_lo = 50,
                         .rate_hi = INFINITY, .min_amount = 0, .max_amount = INFINITY };
    assert_int_equal(schedule_new_rate("R13", &p, &s, &err), TY_OK);
    assert_int_equal(schedule_is_open(s), 1);
    assert_close(schedule_rate_choice(s), 0);             /* the default point of an open band */
    assert_close(schedule_eval_scalar(s, 2), 100);        /* 2 consortia × 50 */
    schedule_eval_range(s, 2, &lo, &hi);
    assert_close(lo, 100);
    assert_true(isinf(hi) && hi > 0);
    schedule_eval_range(s, 0, &lo, &hi);                  /* no consortium: 0 at both ends */
    assert_close(lo, 0);
    assert_close(hi, 0);
    assert_int_equal(schedule_set_rate_choice(s, 1, &err), TY_EDATA);
    assert_string_equal(err.msg, "schedule \"R13\": the band is open above (at least 50, no top): "
                                 "the rate choice must be 0, got 1");
    assert_close(schedule_eval_scalar(s, 2), 100);        /* unchanged */
    char buf[128];
    assert_string_equal(schedule_format(s, buf, sizeof buf), "R13 rate: at least 5000% (no top) (万元)");
    schedule_free(s);
}

/* ---- over years ------------------------------------------------------------------------ */

/* R7a: 10 extra certifications a year 2022–2025 at 20, paid from the next year's budget. */
static void schedule_should_shift_costs_by_the_payment_lag(void **state)
{
    TySchedule *s = per_unit("R7a", 20, 1, 1);
    TyError err;
    const double counts[] = { 10, 10, 10, 10 };
    assert_int_equal(schedule_cost_years(s, 4), 5);
    double cost[5];
    assert_int_equal(schedule_cost_by_year(s, 2022, counts, 4, cost, 5, &err), TY_OK);
    const double want[] = { 0, 200, 200, 200, 200 };   /* 2022 … 2026: 10 × 20 a year later */
    assert_series(cost, want);
    schedule_free(s);
}

/* R13: 2 consortia in 2022, 1 in 2023, 50 a year each for 3 years. */
static void schedule_should_repeat_recurring_amounts_for_their_years(void **state)
{
    TySchedule *s = per_unit("R13", 50, 3, 0);
    TyError err;
    const double counts[] = { 2, 1 };
    assert_int_equal(schedule_cost_years(s, 2), 4);
    double cost[6];
    assert_int_equal(schedule_cost_by_year(s, 2022, counts, 2, cost, 6, &err), TY_OK);
    /* 2022: 2×50; 2023: 2×50 + 1×50; 2024: the same; 2025: 1×50; 2026, 2027: nothing */
    const double want[] = { 100, 150, 150, 50, 0, 0 };
    assert_series(cost, want);

    /* Lag and recurrence together: each cohort's 3 payments start a year later. */
    assert_int_equal(schedule_set_lag(s, 1, &err), TY_OK);
    assert_int_equal(schedule_cost_years(s, 2), 5);
    assert_int_equal(schedule_cost_by_year(s, 2022, counts, 2, cost, 5, &err), TY_OK);
    const double lagged[] = { 0, 100, 150, 150, 50 };
    assert_series(cost, lagged);
    schedule_free(s);
}

/* Values per year (one enterprise's R&D, R8) go through the schedule first, then the lag. */
static void schedule_should_evaluate_values_before_spreading_them(void **state)
{
    TySchedule *s = r8();   /* lag 1 */
    TyError err;
    const double rd[] = { 400, 1500, 12000 };   /* → 0, 20, 100 */
    double cost[4];
    assert_int_equal(schedule_cost_by_year(s, 2022, rd, 3, cost, 4, &err), TY_OK);
    const double want[] = { 0, 0, 20, 100 };
    assert_series(cost, want);

    /* Amounts summed over a register elsewhere: spread applies only the lag. */
    const double amounts[] = { 130, 70 };
    double spread[3];
    assert_int_equal(schedule_spread(s, 2022, amounts, 2, spread, 3, &err), TY_OK);
    const double want_spread[] = { 0, 130, 70 };
    assert_series(spread, want_spread);

    /* No input years: no cost, and cost slots are zeroed. */
    assert_int_equal(schedule_cost_years(s, 0), 0);
    assert_int_equal(schedule_cost_by_year(s, 2022, NULL, 0, cost, 2, &err), TY_OK);
    assert_true(cost[0] == 0 && cost[1] == 0);
    schedule_free(s);
}

static void schedule_should_refuse_a_cost_array_that_would_drop_costs(void **state)
{
    TySchedule *s = per_unit("R7a", 20, 1, 1);
    TyError err;
    const double counts[] = { 10, 10, 10, 10 };
    double cost[4] = { -1, -1, -1, -1 };
    assert_int_equal(schedule_cost_by_year(s, 2022, counts, 4, cost, 4, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "schedule \"R7a\": cost needs 5 years (4 input years + lag 1 + "
                                 "0 further recurring years), got 4");
    assert_true(cost[0] == -1);   /* nothing written */

    double big[5];
    assert_int_equal(schedule_cost_by_year(s, 2197, counts, 4, big, 5, &err), TY_EDATA);
    assert_string_equal(err.msg, "schedule \"R7a\": cost years 2197 to 2201 are outside 1900 to 2200");
    assert_int_equal(schedule_cost_by_year(s, 1899, counts, 4, big, 5, &err), TY_EDATA);
    assert_string_equal(err.msg, "schedule \"R7a\": input years 1899 to 1902 are outside 1900 to 2200");
    assert_int_equal(schedule_cost_by_year(s, 2022, NULL, 4, big, 5, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "schedule \"R7a\": no input array given");
    schedule_free(s);
}

/* ---- missing values, columns ------------------------------------------------------------- */

static void schedule_should_keep_missing_values_missing(void **state)
{
    TySchedule *all[] = { r5(), r8(), r3(), per_unit("R7a", 20, 1, 0) };
    for (size_t i = 0; i < N_OF(all); i++) {
        assert_true(isnan(schedule_eval_scalar(all[i], NAN)));
        double x[2] = { NAN, 1200 }, out[2];
        schedule_eval(all[i], x, out, 2);
        assert_true(isnan(out[0]));
        assert_false(isnan(out[1]));
    }
    /* A missing year makes the years it pays into missing, and only those. */
    TySchedule *r13 = per_unit("R13", 50, 3, 0);
    TyError err;
    const double counts[] = { 2, NAN, 0, 0, 1 };
    double cost[7];
    assert_int_equal(schedule_cost_by_year(r13, 2022, counts, 5, cost, 7, &err), TY_OK);
    const double want[] = { 100, NAN, NAN, NAN, 50, 50, 50 };
    assert_series(cost, want);
    schedule_free(r13);
    for (size_t i = 0; i < N_OF(all); i++) schedule_free(all[i]);
}

/* Deterministic xorshift64: the same inputs on every run. */
static uint64_t next_random(uint64_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return *st;
}

static void schedule_should_evaluate_columns_exactly_as_scalars(void **state)
{
    TySchedule *all[] = { r5(), r8(), r8b(), r3(), r3b(), per_unit("R7a", 20, 1, 0) };
    enum { N = 4000 };
    static double x[N], out[N], inplace[N];
    static const double edges[] = { 0, 50, 100, 300, 500, 1000, 2000, 10000 };
    uint64_t seed = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < N; i++) {
        uint64_t r = next_random(&seed);
        if (r % 17 == 0) x[i] = NAN;
        else if (r % 5 == 0) x[i] = edges[(r >> 8) % N_OF(edges)];   /* the boundaries often */
        else x[i] = -100 + (double)(r >> 11) / 9007199254740992.0 * 20100;   /* [-100, 20000) */
    }
    for (size_t k = 0; k < N_OF(all); k++) {
        schedule_eval(all[k], x, out, N);
        memcpy(inplace, x, sizeof x);
        schedule_eval(all[k], inplace, inplace, N);   /* out may be x */
        for (size_t i = 0; i < N; i++) {
            double one = schedule_eval_scalar(all[k], x[i]);
            if (memcmp(&one, &out[i], sizeof one) != 0 || memcmp(&one, &inplace[i], sizeof one) != 0)
                fail_msg("%s at %.17g: scalar %.17g, column %.17g, in place %.17g",
                         schedule_id(all[k]), x[i], one, out[i], inplace[i]);
        }
        schedule_free(all[k]);
    }
}

/* ---- validation ------------------------------------------------------------------------ */

static void expect_marginal_error(const char *id, const double *t, const double *rate, size_t n,
                                  TyStatus code, const char *msg)
{
    TySchedule *s = (TySchedule *)1;
    TyError err;
    assert_int_equal(schedule_new_marginal(id, t, rate, n, &s, &err), code);
    assert_null(s);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, msg);
}

static void expect_rate_error(const TyScheduleRate *p, const char *msg)
{
    TySchedule *s = (TySchedule *)1;
    TyError err;
    assert_int_equal(schedule_new_rate("R3", p, &s, &err), TY_EDATA);
    assert_null(s);
    assert_string_equal(err.msg, msg);
}

static void schedule_should_refuse_invalid_brackets_naming_the_rule(void **state)
{
    const double rate[] = { 0.30, 0.25, 0.20 };
    expect_marginal_error("R5", (const double[]){ 0, 1000, 500 }, rate, 3, TY_EDATA,
                          "schedule \"R5\": thresholds must be strictly increasing: "
                          "threshold 3 (500) is not above threshold 2 (1000)");
    expect_marginal_error("R5", (const double[]){ 0, 500, 500 }, rate, 3, TY_EDATA,
                          "schedule \"R5\": thresholds must be strictly increasing: "
                          "threshold 3 (500) is not above threshold 2 (500)");
    expect_marginal_error("R5", (const double[]){ 0, NAN, 1000 }, rate, 3, TY_EDATA,
                          "schedule \"R5\": threshold 2 is not a finite number");
    expect_marginal_error("R5", (const double[]){ 0, 500, 1000 },
                          (const double[]){ 0.30, -0.25, 0.20 }, 3, TY_EDATA,
                          "schedule \"R5\": rate 2 is negative (-0.25)");
    expect_marginal_error("R5", (const double[]){ 0, 500, 1000 },
                          (const double[]){ 0.30, 0.25, INFINITY }, 3, TY_EDATA,
                          "schedule \"R5\": rate 3 is not a finite number");
    expect_marginal_error("R5", rate, rate, 0, TY_EDATA,
                          "schedule \"R5\": needs at least one bracket");
    expect_marginal_error("R5", NULL, rate, 3, TY_ESCRIPT, "schedule \"R5\": no thresholds given");
    expect_marginal_error("", rate, rate, 1, TY_EDATA, "schedule id is empty");
    expect_marginal_error(NULL, rate, rate, 1, TY_EDATA, "schedule id is empty");

    TySchedule *s = (TySchedule *)1;
    TyError err;
    assert_int_equal(schedule_new_step("R8", (const double[]){ 500, 1000 },
                                       (const double[]){ 10, -20 }, 2, TY_SCHEDULE_AT_LEAST, &s, &err),
                     TY_EDATA);
    assert_null(s);
    assert_string_equal(err.msg, "schedule \"R8\": amount 2 is negative (-20)");
    assert_int_equal(schedule_new_step("R8", (const double[]){ 500 }, (const double[]){ 10 }, 1,
                                       (TyScheduleBound)7, &s, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "schedule \"R8\": unknown bound 7");
    assert_int_equal(schedule_new_per_unit("R7a", -20, &s, &err), TY_EDATA);
    assert_string_equal(err.msg, "schedule \"R7a\": unit amount is negative (-20)");
    assert_null(s);
}

static void schedule_should_refuse_an_invalid_rate_naming_the_rule(void **state)
{
    const TyScheduleRate ok = { .threshold = 300, .bound = TY_SCHEDULE_AT_LEAST, .rate_lo = 0.10,
                                .rate_hi = 0.20, .min_amount = 0, .max_amount = 100 };
    TyScheduleRate p = ok;
    p.min_amount = 150;
    expect_rate_error(&p, "schedule \"R3\": minimum amount 150 is above the cap 100");
    p = ok;
    p.rate_lo = 0.3;
    expect_rate_error(&p, "schedule \"R3\": rate band is reversed: rate_lo 0.3 is above rate_hi 0.2");
    p = ok;
    p.rate_lo = -0.1;
    expect_rate_error(&p, "schedule \"R3\": rate_lo is negative (-0.1)");
    p = ok;
    p.threshold = INFINITY;
    expect_rate_error(&p, "schedule \"R3\": eligibility threshold must be a finite number "
                          "or -inf (no threshold)");
    p = ok;
    p.max_amount = NAN;
    expect_rate_error(&p, "schedule \"R3\": cap must be a number or inf (no cap)");
}

static void schedule_should_refuse_invalid_settings_and_keep_the_old_ones(void **state)
{
    TySchedule *s = r3();
    TyError err;
    assert_int_equal(schedule_set_rate_choice(s, 1.5, &err), TY_EDATA);
    assert_string_equal(err.msg, "schedule \"R3\": rate choice must be between 0 and 1, got 1.5");
    assert_int_equal(schedule_set_rate_choice(s, NAN, &err), TY_EDATA);
    assert_close(schedule_rate_choice(s), 1);
    assert_int_equal(schedule_set_lag(s, -1, &err), TY_EDATA);
    assert_string_equal(err.msg, "schedule \"R3\": lag must be 0 to 100 years, got -1");
    assert_int_equal(schedule_set_recurring(s, 0, &err), TY_EDATA);
    assert_string_equal(err.msg, "schedule \"R3\": recurring years must be 1 to 100, got 0");
    assert_int_equal(schedule_lag(s), 0);
    assert_int_equal(schedule_recurring(s), 1);
    schedule_free(s);

    s = r5();
    assert_int_equal(schedule_set_rate_choice(s, 0.5, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "schedule \"R5\": rate choice applies only to the rate shape, not marginal");
    schedule_free(s);
}

/* ---- names, texts, copies -------------------------------------------------------------- */

static void schedule_should_map_shape_and_bound_names_both_ways(void **state)
{
    const char *names[] = { "marginal", "step", "rate", "per_unit" };
    assert_int_equal(TY_SCHEDULE_SHAPE__COUNT, N_OF(names));
    for (int i = 0; i < TY_SCHEDULE_SHAPE__COUNT; i++) {
        assert_string_equal(schedule_shape_name((TyScheduleShape)i), names[i]);
        assert_int_equal(schedule_shape_find(names[i]), i);
    }
    assert_int_equal(schedule_shape_find("Step"), -1);
    assert_int_equal(schedule_shape_find(NULL), -1);
    assert_string_equal(schedule_shape_name(TY_SCHEDULE_SHAPE__COUNT), "?");
    assert_int_equal(schedule_bound_find("at_least"), TY_SCHEDULE_AT_LEAST);
    assert_int_equal(schedule_bound_find(">="), TY_SCHEDULE_AT_LEAST);
    assert_int_equal(schedule_bound_find("above"), TY_SCHEDULE_ABOVE);
    assert_int_equal(schedule_bound_find(">"), TY_SCHEDULE_ABOVE);
    assert_int_equal(schedule_bound_find("<"), -1);
    assert_string_equal(schedule_bound_name(TY_SCHEDULE_ABOVE), "above");
    assert_string_equal(schedule_bound_symbol(TY_SCHEDULE_AT_LEAST), ">=");
}

static void schedule_should_carry_rule_id_unit_and_description(void **state)
{
    TySchedule *s = r8();
    TyError err;
    char buf[256];
    assert_string_equal(schedule_id(s), "R8");
    assert_string_equal(schedule_unit(s), "万元");
    assert_string_equal(schedule_description(s), "");
    assert_int_equal(schedule_shape(s), TY_SCHEDULE_STEP);
    assert_int_equal(schedule_set_description(s, "规上工业企业研发投入一次性补助", &err), TY_OK);
    assert_string_equal(schedule_description(s), "规上工业企业研发投入一次性补助");
    assert_string_equal(schedule_format(s, buf, sizeof buf),
                        "R8 step: >= 500: 10, >= 1000: 20, >= 2000: 50, >= 10000: 100 (万元), lag 1 year");
    assert_string_equal(schedule_format(s, buf, 8), "R8 step");   /* truncated, terminated */
    schedule_free(s);

    s = r5();
    assert_string_equal(schedule_format(s, buf, sizeof buf),
                        "R5 marginal: 30% from 0, 25% from 500, 20% from 1000 (万元)");
    schedule_free(s);
    s = r3();
    assert_string_equal(schedule_format(s, buf, sizeof buf),
                        "R3 rate: >= 300: 10%-20% (at 20%), at most 100 (万元)");
    schedule_free(s);
    s = per_unit("R13", 50, 3, 0);
    assert_int_equal(schedule_set_unit(s, "", &err), TY_OK);
    assert_string_equal(schedule_format(s, buf, sizeof buf), "R13 per_unit: 50 each, for 3 years");
    schedule_free(s);
}

/* A scenario changes a copy; the base schedule stays as it was. */
static void schedule_should_copy_independently(void **state)
{
    TySchedule *base = r3(), *c;
    TyError err;
    assert_int_equal(schedule_set_lag(base, 1, &err), TY_OK);
    assert_int_equal(schedule_copy(base, &c, &err), TY_OK);
    assert_int_equal(schedule_set_rate_choice(c, 0, &err), TY_OK);
    assert_int_equal(schedule_set_unit(c, "元", &err), TY_OK);
    assert_close(schedule_eval_scalar(base, 300), 60);
    assert_close(schedule_eval_scalar(c, 300), 30);
    assert_int_equal(schedule_lag(c), 1);
    assert_string_equal(schedule_unit(base), "万元");
    schedule_free(base);
    schedule_free(c);

    base = r8();
    assert_int_equal(schedule_copy(base, &c, &err), TY_OK);
    schedule_free(base);   /* the copy owns its brackets */
    assert_close(schedule_eval_scalar(c, 2000), 50);
    schedule_free(c);
}

/* Every allocation failure is a clean TY_ENOMEM with *out NULL (ASan checks for leaks), and
 * a failing setter leaves the old text. */
static void schedule_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    static const double t[] = { 0, 500, 1000 }, rate[] = { 0.30, 0.25, 0.20 };
    const TyScheduleRate p = { .threshold = 300, .bound = TY_SCHEDULE_AT_LEAST, .rate_lo = 0.1,
                               .rate_hi = 0.2, .min_amount = 0, .max_amount = 100 };
    TySchedule *base = r5();
    for (int which = 0; which < 5; which++) {
        int succeeded = 0;
        for (long n = 0; n < 100 && !succeeded; n++) {
            TySchedule *s = (TySchedule *)1;
            TyError err;
            TyStatus st = TY_EINTERNAL;
            ty_alloc_fail_after(n);
            switch (which) {
            case 0: st = schedule_new_marginal("R5", t, rate, 3, &s, &err); break;
            case 1: st = schedule_new_step("R8", t, rate, 3, TY_SCHEDULE_ABOVE, &s, &err); break;
            case 2: st = schedule_new_rate("R3", &p, &s, &err); break;
            case 3: st = schedule_new_per_unit("R7a", 20, &s, &err); break;
            case 4: st = schedule_copy(base, &s, &err); break;
            }
            ty_alloc_fail_after(-1);
            if (st == TY_OK) {
                succeeded = 1;
                schedule_free(s);
            } else {
                assert_int_equal(st, TY_ENOMEM);
                assert_string_equal(err.msg, "out of memory");
                assert_null(s);
            }
        }
        assert_true(succeeded);
    }
    TyError err;
    ty_alloc_fail_after(0);
    assert_int_equal(schedule_set_unit(base, "元", &err), TY_ENOMEM);
    assert_int_equal(schedule_set_description(base, "间接费用", &err), TY_ENOMEM);
    ty_alloc_fail_after(-1);
    assert_string_equal(schedule_unit(base), "万元");
    assert_string_equal(schedule_description(base), "");
    schedule_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedule_should_apply_marginal_brackets_to_each_part),
        cmocka_unit_test(schedule_should_pay_step_amounts_from_inclusive_lower_bounds),
        cmocka_unit_test(schedule_should_pay_step_amounts_above_strict_bounds),
        cmocka_unit_test(schedule_should_pay_a_rate_from_the_band_above_the_eligibility_floor),
        cmocka_unit_test(schedule_should_give_both_ends_of_a_band),
        cmocka_unit_test(schedule_should_multiply_a_unit_amount_by_a_count),
        cmocka_unit_test(schedule_should_express_a_top_up_with_existing_shapes),
        cmocka_unit_test(schedule_should_shift_costs_by_the_payment_lag),
        cmocka_unit_test(schedule_should_repeat_recurring_amounts_for_their_years),
        cmocka_unit_test(schedule_should_evaluate_values_before_spreading_them),
        cmocka_unit_test(schedule_should_refuse_a_cost_array_that_would_drop_costs),
        cmocka_unit_test(schedule_should_keep_missing_values_missing),
        cmocka_unit_test(schedule_should_evaluate_columns_exactly_as_scalars),
        cmocka_unit_test(schedule_should_refuse_invalid_brackets_naming_the_rule),
        cmocka_unit_test(schedule_should_refuse_an_invalid_rate_naming_the_rule),
        cmocka_unit_test(schedule_should_refuse_invalid_settings_and_keep_the_old_ones),
        cmocka_unit_test(schedule_should_map_shape_and_bound_names_both_ways),
        cmocka_unit_test(schedule_should_carry_rule_id_unit_and_description),
        cmocka_unit_test(schedule_should_copy_independently),
        cmocka_unit_test(schedule_should_fail_cleanly_on_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
