/* test_progress.c — unit tests of core/progress (DOMAIN §2, docs/targets.md): every formula on
 * hand-computed examples, every shape with its statuses, direction down, the edge cases decided
 * in progress.h, and one named regression test per bug of issue 11 ("targets as written"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/plan.h"
#include "core/progress.h"

typedef struct Obs { int year; double value; } Obs;

#define OBS(...) (Obs[]){__VA_ARGS__}, sizeof((Obs[]){__VA_ARGS__}) / sizeof(Obs)
#define NONE NULL, 0

/* Adds an indicator with these actuals and targets to p; returns it (valid until the next add). */
static TyIndicator *add_indicator(TyPlan *p, const char *id, const Obs *actual, size_t na,
                                  const Obs *target, size_t nt)
{
    TyError err;
    size_t idx;
    assert_int_equal(plan_add(p, id, "指标", "1", &idx, &err), TY_OK);
    TyIndicator *ind = &p->ind[idx];
    for (size_t i = 0; i < na; i++)
        assert_int_equal(series_set(&ind->actual, actual[i].year, actual[i].value, &err), TY_OK);
    for (size_t i = 0; i < nt; i++)
        assert_int_equal(indicator_set_target_level(ind, target[i].year, target[i].value, &err), TY_OK);
    return ind;
}

/* Sets a target of any shape (core/target.h), with its words. */
static void set_spec(TyIndicator *ind, int year, TyTargetShape shape, TyTargetOp op, double a, double b,
                     int from, int to, const char *ref, const char *text)
{
    TyTargetSpec spec;
    memset(&spec, 0, sizeof spec);
    spec.shape = shape;
    spec.op = op;
    spec.a = a;
    spec.b = b;
    spec.from = from;
    spec.to = to;
    snprintf(spec.ref, sizeof spec.ref, "%s", ref ? ref : "");
    TyError err;
    assert_int_equal(indicator_set_target(ind, year, &spec, text, &err), TY_OK);
}

static TyProgress compute(const TyPlan *p, const TyIndicator *ind, int target_year, int as_of)
{
    TyProgress pr;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(progress_compute(p, (size_t)(ind - p->ind), target_year, as_of, &pr, &err), TY_OK);
    return pr;
}

/* Relative/absolute tolerance: the expectations are hand-computed decimals. */
static void assert_close_at(double actual, double expected, double tol, int line)
{
    if (isnan(actual) || fabs(actual - expected) > tol * fmax(1.0, fabs(expected)))
        fail_msg("line %d: expected %.17g, got %.17g", line, expected, actual);
}
#define assert_close(a, e) assert_close_at((a), (e), 1e-12, __LINE__)
#define assert_near(a, e) assert_close_at((a), (e), 1e-9, __LINE__)

static void assert_defined_at(TyQuantity q, double expected, double tol, int line)
{
    if (q.why) fail_msg("line %d: expected %.17g, got undefined (%s)", line, expected, q.why);
    assert_close_at(q.v, expected, tol, line);
}
#define assert_defined(q, e) assert_defined_at((q), (e), 1e-12, __LINE__)
#define assert_defined_near(q, e) assert_defined_at((q), (e), 1e-9, __LINE__)

static void assert_undefined_at(TyQuantity q, const char *why, int line)
{
    if (!q.why) fail_msg("line %d: expected undefined (%s), got %.17g", line, why, q.v);
    if (!isnan(q.v)) fail_msg("line %d: undefined quantity is not NaN", line);
    if (strcmp(q.why, why) != 0) fail_msg("line %d: expected why \"%s\", got \"%s\"", line, why, q.why);
}
#define assert_undefined(q, why) assert_undefined_at((q), (why), __LINE__)

static const char WHY_ONE[] = "base and latest are the same year (one actual)";
static const char WHY_HOLD[] = "hold target: the target asks for no progress from the base";
static const char WHY_PASSED[] = "target year has passed";
static const char WHY_NO_VALUE_T[] = "no actual for the target year (another year never stands in)";
static const char WHY_UNRESOLVED[] = "the threshold cannot be resolved";

/* b = 2020, x_b = 100; t = 2022, x_t = 121; T = 2025, V = 200; as of 2022; trend cagr.
 *   time_share      = (2022-2020)/(2025-2020)          = 2/5  = 0.4
 *   completion      = (121-100)/(200-100)              = 21/100 = 0.21
 *   required_change = (200-121)/(2025-2022)            = 79/3 = 26.333...
 *   required_rate   = (200/121)^(1/3) - 1 = 1.65289256^(1/3) - 1 = 0.182355861
 *   actual_rate     = (121/100)^(1/2) - 1 = 1.1 - 1    = 0.1
 *   projected       = 121 * 1.1^3 = 121 * 1.331        = 161.051
 *   progress        = (161.051-100)/(200-100)          = 0.61051  -> behind (0.10 <= P < 0.95)
 *   schedule_gap    = 0.21 - 0.4                       = -0.19 */
static void progress_should_compute_every_formula_with_cagr(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 121}), OBS({2025, 200}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.as_of, 2022);
    assert_int_equal(pr.base_year, 2020);
    assert_true(pr.base == 100);
    assert_int_equal(pr.latest_year, 2022);
    assert_true(pr.latest == 121);
    assert_int_equal(pr.target_year, 2025);
    assert_true(pr.target == 200);
    assert_defined(pr.time_share, 0.4);
    assert_defined(pr.completion, 0.21);
    assert_defined(pr.required_change, 79.0 / 3.0);
    assert_defined_near(pr.required_rate, 0.182355861);
    assert_defined(pr.actual_rate, 0.1);
    assert_defined(pr.projected, 161.051);
    assert_defined(pr.progress, 0.61051);
    assert_defined(pr.schedule_gap, -0.19);
    assert_int_equal(pr.status, TY_ST_BEHIND);
    assert_string_equal(pr.status_why, "projected 161.1 reaches 61% of the way from 100 to 200");
    plan_free(p);
}

/* Same data, trend linear: projected = 121 + (121-100)*(2025-2022)/(2022-2020) = 121 + 31.5
 * = 152.5; progress = 52.5/100 = 0.525 -> behind. The other quantities do not depend on the trend. */
static void progress_should_project_a_straight_line_with_trend_linear(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 121}), OBS({2025, 200}));
    ind->trend = TY_TREND_LINEAR;
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_defined(pr.projected, 152.5);
    assert_defined(pr.progress, 0.525);
    assert_defined(pr.actual_rate, 0.1);
    assert_defined(pr.completion, 0.21);
    assert_int_equal(pr.status, TY_ST_BEHIND);
    plan_free(p);
}

/* V = 160: projected 161.051, progress = 61.051/60 = 1.0175167 >= 0.95 -> on_track. */
static void progress_should_be_on_track_when_the_projection_reaches_the_target(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 121}), OBS({2025, 160}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_defined(pr.progress, 61.051 / 60.0);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    plan_free(p);
}

/* V = 120 <= x_t = 121 -> achieved, even before the target year. */
static void progress_should_be_achieved_when_the_latest_meets_the_target(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 121}), OBS({2025, 120}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    assert_string_equal(pr.status_why, "latest 121 in 2022 already meets the target >= 120 for 2025");
    assert_defined(pr.required_change, -1.0 / 3.0);   /* (120-121)/3 */
    plan_free(p);
}

/* 100 -> 100.5: actual_rate = sqrt(1.005) - 1; projected = 100.5 * 1.005^1.5 = 101.2546914;
 * progress = 1.2546914/100 = 0.0125469 < 0.10 and x_t > x_b -> stalled. */
static void progress_should_be_stalled_when_progress_is_too_small(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 100.5}), OBS({2025, 200}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_defined_near(pr.projected, 101.2546914);
    assert_defined_near(pr.progress, 0.012546914);
    assert_int_equal(pr.status, TY_ST_STALLED);
    plan_free(p);
}

/* 100 -> 90: projected = 90 * 0.9^1.5 = 76.8433471; progress = -23.1566529/100 -> regressing. */
static void progress_should_be_regressing_when_moving_away_from_the_target(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 90}), OBS({2025, 200}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_defined_near(pr.projected, 76.8433471);
    assert_defined_near(pr.progress, -0.231566529);
    assert_defined(pr.completion, -0.1);
    assert_int_equal(pr.status, TY_ST_REGRESSING);
    assert_string_equal(pr.status_why,
                        "projected 76.84 reaches -23% of the way from 100 to 200, moving away from the target");
    plan_free(p);
}

/* Wuwei rd_intensity (研发投入强度): base 2020 0.62, targets 2022 0.85 and 2025 1.5, as of 2020.
 *   2025: required_change = (1.5-0.62)/5 = 0.176; required_rate = (1.5/0.62)^(1/5) - 1
 *         = 2.41935484^0.2 - 1 = 0.193273274
 *   2022: required_change = (0.85-0.62)/2 = 0.115; required_rate = (0.85/0.62)^(1/2) - 1
 *         = 1.37096774^0.5 - 1 = 0.170883317
 * One year of actuals: no trend, so time_share, completion (null, not 0: issue 11, a 0 read as
 * "on schedule"), actual_rate, projected and progress are undefined. */
static void progress_should_give_no_trend_for_the_wuwei_rd_intensity_row(void **state)
{
    TyPlan *p = plan_new("wuwei");
    TyIndicator *ind = add_indicator(p, "rd_intensity", OBS({2020, 0.62}), OBS({2022, 0.85}, {2025, 1.5}));
    TyProgress pr = compute(p, ind, 2025, 2020);
    assert_int_equal(pr.status, TY_ST_NO_TREND);
    assert_defined(pr.required_change, 0.176);
    assert_defined_near(pr.required_rate, 0.193273274);
    assert_close(pr.required_rate.v, pow(1.5 / 0.62, 1.0 / 5.0) - 1.0);
    assert_undefined(pr.time_share, WHY_ONE);
    assert_undefined(pr.completion, WHY_ONE);
    assert_undefined(pr.schedule_gap, WHY_ONE);
    assert_undefined(pr.actual_rate, WHY_ONE);
    assert_undefined(pr.projected, WHY_ONE);
    assert_undefined(pr.progress, WHY_ONE);
    assert_int_equal(pr.base_year, 2020);
    assert_int_equal(pr.latest_year, 2020);

    pr = compute(p, ind, 2022, 2020);
    assert_int_equal(pr.status, TY_ST_NO_TREND);
    assert_defined(pr.required_change, 0.115);
    assert_defined_near(pr.required_rate, 0.170883317);
    plan_free(p);
}

/* Energy per unit of output, lower is better: 0.5 (2020) -> 0.45 (2022), target 0.40 (2025).
 *   actual_rate = 0.9^(1/2) - 1 = -0.0513167; projected = 0.45 * 0.9^1.5 = 0.384216736
 *   progress = (0.384216736-0.5)/(0.40-0.5) = 1.1578326429 -> on_track
 *   completion = -0.05/-0.1 = 0.5; schedule_gap = 0.5 - 0.4 = 0.1
 *   required_change = (0.40-0.45)/3 = -0.0166667; required_rate = (0.4/0.45)^(1/3) - 1 = -0.0385002865
 * Target 0.30: progress = 0.115783264/0.2 = 0.57891632 -> behind. Target 0.46: 0.45 <= 0.46 -> achieved. */
static void progress_should_handle_direction_down(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "energy", OBS({2020, 0.5}, {2022, 0.45}),
                                     OBS({2025, 0.40}, {2026, 0.30}, {2027, 0.46}));
    ind->direction = TY_DOWN;
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_defined_near(pr.actual_rate, -0.0513167019);
    assert_defined_near(pr.projected, 0.384216736);
    assert_defined_near(pr.progress, 1.1578326429);
    assert_defined(pr.completion, 0.5);
    assert_defined(pr.schedule_gap, 0.1);
    assert_defined(pr.required_change, -0.05 / 3.0);
    assert_defined_near(pr.required_rate, -0.0385002865);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);

    /* 2026 target: T - t = 4, projected = 0.45 * 0.9^2 = 0.3645; progress = 0.1355/0.2 = 0.6775 */
    pr = compute(p, ind, 2026, 2022);
    assert_defined(pr.projected, 0.3645);
    assert_defined(pr.progress, 0.6775);
    assert_int_equal(pr.status, TY_ST_BEHIND);

    pr = compute(p, ind, 2027, 2022);
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    plan_free(p);
}

static void progress_should_call_a_rise_regressing_when_direction_is_down(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "energy", OBS({2020, 0.5}, {2022, 0.55}), OBS({2025, 0.40}));
    ind->direction = TY_DOWN;
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_REGRESSING);
    /* completion = (0.55-0.5)/(0.4-0.5) = -0.5 */
    assert_defined(pr.completion, -0.5);
    plan_free(p);
}

/* 2018..2021 all 100, target 120 in 2025: actual_rate = 0, projected = 100, progress = 0,
 * x_t = x_b -> stalled (not regressing). The same with wls (a flat fit). */
static void progress_should_call_a_flat_series_stalled(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "flat", OBS({2018, 100}, {2019, 100}, {2020, 100}, {2021, 100}),
                                     OBS({2025, 120}));
    TyProgress pr = compute(p, ind, 2025, 2021);
    assert_defined(pr.actual_rate, 0.0);
    assert_defined(pr.projected, 100.0);
    assert_defined(pr.progress, 0.0);
    assert_defined(pr.completion, 0.0);
    assert_defined(pr.time_share, 3.0 / 7.0);
    assert_int_equal(pr.status, TY_ST_STALLED);
    ind->trend = TY_TREND_WLS;
    pr = compute(p, ind, 2025, 2021);
    assert_defined(pr.projected, 100.0);
    assert_int_equal(pr.status, TY_ST_STALLED);
    plan_free(p);
}

/* No base value at all (the Wuwei county_fiscal_st_share row), or none yet as of the year. */
static void progress_should_give_no_data_without_an_actual(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "county_fiscal_st_share", NONE, OBS({2022, 0.5}, {2025, 1}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_NO_DATA);
    assert_int_equal(pr.base_year, 0);
    assert_true(isnan(pr.base));
    assert_int_equal(pr.latest_year, 0);
    assert_true(isnan(pr.latest));
    assert_true(pr.target == 1);
    const char *why = "no actual at or before the as-of year";
    assert_undefined(pr.time_share, why);
    assert_undefined(pr.completion, why);
    assert_undefined(pr.required_change, why);
    assert_undefined(pr.required_rate, why);
    assert_undefined(pr.actual_rate, why);
    assert_undefined(pr.projected, why);
    assert_undefined(pr.progress, why);
    assert_undefined(pr.schedule_gap, why);
    assert_string_equal(pr.status_why, "no actual at or before the as-of year 2022");

    ind = add_indicator(p, "later", OBS({2023, 5}), OBS({2025, 10}));
    pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_NO_DATA);
    assert_int_equal(pr.base_year, 0);   /* the 2023 actual does not count as of 2022 */
    plan_free(p);
}

/* Base before the as-of year but missing years in between: latest is the last one present.
 * 2018: 50, (2019, 2020 missing), 2021: 60 as of 2022; target 2024 80.
 *   time_share = 3/6 = 0.5; completion = 10/30; required_change = 20/3 */
static void progress_should_use_the_last_actual_present_as_latest(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "gap", OBS({2018, 50}, {2021, 60}), OBS({2024, 80}));
    TyProgress pr = compute(p, ind, 2024, 2022);
    assert_int_equal(pr.latest_year, 2021);
    assert_defined(pr.time_share, 0.5);
    assert_defined(pr.completion, 1.0 / 3.0);
    assert_defined(pr.required_change, 20.0 / 3.0);
    plan_free(p);
}

/* x_b = 0 (2020), x_t = 5 (2022), V = 20 (2025): actual_rate needs positive values, so cagr
 * falls back to the line: projected = 5 + 5*3/2 = 12.5; progress = 12.5/20 = 0.625 -> behind;
 * required_rate = (20/5)^(1/3) - 1 = 0.587401052.
 * x_b = 4, x_t = 0, V = 20: required_rate undefined; projected = 0 + (0-4)*3/2 = -6;
 * progress = (-6-4)/(20-4) = -0.625 -> regressing. */
static void progress_should_fall_back_to_linear_when_a_value_is_zero(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "zero_base", OBS({2020, 0}, {2022, 5}), OBS({2025, 20}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_undefined(pr.actual_rate, "rate needs positive values");
    assert_defined(pr.projected, 12.5);
    assert_defined(pr.progress, 0.625);
    assert_defined_near(pr.required_rate, 0.587401052);
    assert_int_equal(pr.status, TY_ST_BEHIND);

    ind = add_indicator(p, "zero_latest", OBS({2020, 4}, {2022, 0}), OBS({2025, 20}));
    pr = compute(p, ind, 2025, 2022);
    assert_undefined(pr.required_rate, "rate needs positive values");
    assert_undefined(pr.actual_rate, "rate needs positive values");
    assert_defined(pr.projected, -6.0);
    assert_defined(pr.progress, -0.625);
    assert_int_equal(pr.status, TY_ST_REGRESSING);

    ind = add_indicator(p, "negative_target", OBS({2020, 4}, {2022, 3}), OBS({2025, -1}));
    ind->direction = TY_DOWN;
    pr = compute(p, ind, 2025, 2022);
    assert_undefined(pr.required_rate, "rate needs positive values");
    assert_defined(pr.required_change, -4.0 / 3.0);
    plan_free(p);
}

/* V = x_b = 100, x_t = 90: d(V - x_b) = 0, a hold target (docs/targets.md): completion and
 * progress undefined; x_t < V so not achieved; projected 90 * 0.9^1.5 = 76.8433471 < 100 ->
 * behind (a hold is on_track or behind, never regressing). */
static void progress_should_leave_completion_undefined_when_target_equals_base(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "keep", OBS({2020, 100}, {2022, 90}), OBS({2025, 100}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_undefined(pr.completion, WHY_HOLD);
    assert_undefined(pr.progress, WHY_HOLD);
    assert_undefined(pr.schedule_gap, WHY_HOLD);
    assert_defined(pr.time_share, 0.4);
    assert_defined_near(pr.projected, 76.8433471);
    assert_int_equal(pr.status, TY_ST_BEHIND);

    ind = add_indicator(p, "kept", OBS({2020, 100}, {2022, 100}), OBS({2025, 100}));
    pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    plan_free(p);
}

/* P = 0.61051 (the first example). Default thresholds: behind. Plan thresholds {0.7, 0.62}:
 * stalled. The indicator's own {0.6, 0.1} win over the plan's: on_track. */
static void progress_should_use_the_indicators_own_thresholds_over_the_plans(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 121}), OBS({2025, 200}));
    TyProgress pr = compute(p, ind, 2025, 2022);   /* the plan's defaults */
    assert_int_equal(pr.status, TY_ST_BEHIND);
    p->thresholds.on_track = 0.7;
    p->thresholds.behind = 0.62;
    pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_STALLED);
    ind->has_thresholds = 1;
    ind->thresholds.on_track = 0.6;
    ind->thresholds.behind = 0.1;
    pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    ind->has_thresholds = 0;   /* the values stay but are no longer in force */
    pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_STALLED);
    plan_free(p);
}

/* wls on 4 points, 2018..2021, x = 1, e, e, e^3, so z = ln x = 0, 1, 1, 3 at u = year-2018 = 0..3,
 * weights w = u + 1 = 1, 2, 3, 4 (W = 10):
 *   u_mean = (0+2+6+12)/10 = 2;  z_mean = (0+2+3+12)/10 = 1.7
 *   Suu = 1*4 + 2*1 + 3*0 + 4*1 = 10
 *   Suz = 1*(-2)(-1.7) + 2*(-1)(-0.7) + 3*0*(-0.7) + 4*1*1.3 = 3.4 + 1.4 + 0 + 5.2 = 10
 *   slope = 1; fit at 2023 (u = 5): 1.7 + 1*(5-2) = 4.7; projected = e^4.7 = 109.947172452
 * (unweighted least squares would give 1.25 + 0.9*3.5 = 4.4: the weights matter).
 * actual_rate stays the endpoint rate (e^3/1)^(1/3) - 1 = e - 1.
 * progress = (e^4.7 - 1)/(1000 - 1) = 0.109056229 -> behind. */
static void progress_should_fit_weighted_least_squares_on_log_values(void **state)
{
    TyPlan *p = plan_new("t");
    const double e = exp(1.0);
    TyIndicator *ind = add_indicator(p, "w", OBS({2018, 1}, {2019, e}, {2020, e}, {2021, e * e * e}),
                                     OBS({2023, 1000}));
    ind->trend = TY_TREND_WLS;
    TyProgress pr = compute(p, ind, 2023, 2021);
    assert_defined_near(pr.projected, 109.947172452);
    assert_close(pr.projected.v, exp(4.7));
    assert_close(pr.actual_rate.v, e - 1.0);
    assert_defined_near(pr.progress, 0.109056229);
    assert_int_equal(pr.status, TY_ST_BEHIND);
    plan_free(p);
}

/* Exact exponential growth 100 * 1.1^(year-2018): the fit is exact, projected at 2025 is
 * 100 * 1.1^7 = 194.87171. */
static void progress_should_reproduce_exact_exponential_growth_with_wls(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "g", OBS({2018, 100}, {2019, 110}, {2020, 121}, {2021, 133.1}),
                                     OBS({2025, 300}));
    ind->trend = TY_TREND_WLS;
    TyProgress pr = compute(p, ind, 2025, 2021);
    assert_defined_near(pr.projected, 194.87171);
    plan_free(p);
}

/* wls needs three positive actuals: with two it is the cagr result (161.051 as above); with
 * a zero it is cagr, which itself falls back to the line. Actuals after as_of do not count. */
static void progress_should_fall_back_from_wls_to_cagr(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "two", OBS({2020, 100}, {2022, 121}, {2023, 500}), OBS({2025, 200}));
    ind->trend = TY_TREND_WLS;
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_defined(pr.projected, 161.051);

    /* 0 (2020), 2 (2021), 5 (2022): line through the endpoints, 5 + 5*3/2 = 12.5 */
    ind = add_indicator(p, "zero", OBS({2020, 0}, {2021, 2}, {2022, 5}), OBS({2025, 20}));
    ind->trend = TY_TREND_WLS;
    pr = compute(p, ind, 2025, 2022);
    assert_defined(pr.projected, 12.5);
    plan_free(p);
}

/* The target year has come: 100 (2020), 110 (2022), target 120 for 2022, as of 2023.
 *   judged on 2022: 110 < 120 -> missed; time_share = 1; completion = 10/20 = 0.5;
 *   schedule_gap = 0.5 - 1; required_*, projected and progress undefined (progress.h). */
static void progress_should_call_a_passed_target_missed(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 110}), OBS({2022, 120}));
    TyProgress pr = compute(p, ind, 2022, 2023);
    assert_int_equal(pr.status, TY_ST_MISSED);
    assert_undefined(pr.required_change, "target year has passed");
    assert_undefined(pr.required_rate, "target year has passed");
    assert_defined(pr.time_share, 1.0);
    assert_defined(pr.completion, 0.5);
    assert_undefined(pr.projected, WHY_PASSED);
    assert_undefined(pr.progress, WHY_PASSED);
    assert_defined(pr.schedule_gap, -0.5);
    assert_int_equal(pr.latest_year, 2022);
    assert_string_equal(pr.status_why, "actual 110 in 2022 does not meet the target >= 120");
    plan_free(p);
}

/* Issue 11, bug 3: a passed target with no actual for its own year is no_data; a year before
 * or after never stands in. 10 (2021), 13 (2023), target 12 for 2022, as of 2023: the old code
 * judged it on 2021's 10 -> missed. Also 100 (2020), 130 (2021), 90 (2024), target 120 for 2022,
 * as of 2024: the old code said achieved on 2021's 130. */
static void progress_should_give_no_data_for_a_passed_target_without_its_years_actual(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "gap", OBS({2021, 10}, {2023, 13}), OBS({2022, 12}));
    TyProgress pr = compute(p, ind, 2022, 2023);
    assert_int_equal(pr.status, TY_ST_NO_DATA);
    assert_undefined(pr.completion, WHY_NO_VALUE_T);
    assert_string_equal(pr.status_why, "no actual for 2022, the target year; another year never stands in");
    ind = add_indicator(p, "x", OBS({2020, 100}, {2021, 130}, {2024, 90}), OBS({2022, 120}));
    pr = compute(p, ind, 2022, 2024);
    assert_int_equal(pr.status, TY_ST_NO_DATA);
    assert_int_equal(pr.latest_year, 2024);   /* base and latest still describe the row */
    plan_free(p);
}

/* Issue 11, bug 3 (the other half): 10 (2021), 11 (2022), target 12 for 2023, as of 2023 (the
 * year has come, no actual for it): no_data, where the old code projected it as on_track. As of
 * 2022 the target is open: cagr projected 11 * 1.1 = 12.1, P = 2.1/2 = 1.05 -> on_track. */
static void progress_should_not_call_a_passed_target_without_its_actual_on_track(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2021, 10}, {2022, 11}), OBS({2023, 12}));
    TyProgress pr = compute(p, ind, 2023, 2023);
    assert_int_equal(pr.status, TY_ST_NO_DATA);
    pr = compute(p, ind, 2023, 2022);
    assert_defined(pr.projected, 12.1);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    plan_free(p);
}

static void progress_should_call_a_passed_down_target_missed_when_above(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "energy", OBS({2020, 0.5}, {2025, 0.42}), OBS({2025, 0.40}));
    ind->direction = TY_DOWN;
    TyProgress pr = compute(p, ind, 2025, 2026);
    assert_int_equal(pr.status, TY_ST_MISSED);
    assert_string_equal(pr.status_why, "actual 0.42 in 2025 does not meet the target <= 0.4");
    plan_free(p);
}

/* Thresholds are inclusive lower bounds. Linear trend for exact arithmetic: 100 (2020) ->
 * 110 (2022), projected at 2024 = 110 + 10*2/2 = 120. V = 120 is not reached by x_t = 110, and
 * P = 20/20 = 1 = on_track -> on_track. V = 140: P = 20/40 = 0.5 = behind -> behind. */
static void progress_should_count_a_progress_equal_to_a_threshold_as_reaching_it(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 110}), OBS({2024, 120}));
    ind->trend = TY_TREND_LINEAR;
    ind->has_thresholds = 1;
    ind->thresholds.on_track = 1.0;
    ind->thresholds.behind = 0.5;
    TyProgress pr = compute(p, ind, 2024, 2022);
    assert_defined(pr.progress, 1.0);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    /* the same year with V = 140: */
    assert_int_equal(indicator_set_target_level(ind, 2024, 140, &(TyError){0}), TY_OK);
    pr = compute(p, ind, 2024, 2022);
    assert_defined(pr.progress, 0.5);
    assert_int_equal(pr.status, TY_ST_BEHIND);
    plan_free(p);
}

/* A target year before the first actual cannot be judged: no_data, though base and latest exist. */
static void progress_should_give_no_data_for_a_target_before_the_base_year(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}, {2022, 110}), OBS({2019, 90}));
    TyProgress pr = compute(p, ind, 2019, 2022);
    assert_int_equal(pr.status, TY_ST_NO_DATA);
    assert_undefined(pr.progress, WHY_NO_VALUE_T);
    assert_undefined(pr.required_rate, WHY_NO_VALUE_T);
    assert_int_equal(pr.base_year, 2020);
    assert_int_equal(pr.latest_year, 2022);
    plan_free(p);
}

static void progress_should_refuse_a_target_year_without_a_target(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "x", OBS({2020, 100}), OBS({2025, 200}));
    TyProgress pr;
    TyError err;
    assert_int_equal(progress_compute(p, (size_t)(ind - p->ind), 2024, 2022, &pr, &err), TY_EDATA);
    assert_string_equal(err.msg, "indicator x has no target for 2024");
    plan_free(p);
}

/* 1e-300 -> 1e300 in one year: x_t/x_b overflows, so actual_rate is out of range (never inf)
 * and cagr falls back to the line: 1e300 + (1e300 - 1e-300)*4 = 5e300. */
static void progress_should_leave_overflowing_results_undefined(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "huge", OBS({2020, 1e-300}, {2021, 1e300}), OBS({2025, 1e301}));
    TyProgress pr = compute(p, ind, 2025, 2021);
    assert_undefined(pr.actual_rate, "result out of range");
    assert_defined(pr.projected, 5e300);
    assert_int_equal(pr.status, TY_ST_BEHIND);   /* progress = (5e300 - 1e-300)/1e301 = 0.5 */
    plan_free(p);
}


/* ---- targets as written: issue 11's bugs, each shape and its statuses ---- */

/* Issue 11, bug 1: a flow target is met only by its own year's flow. Flows 2 (2021), 3 (2022),
 * target 3 for 2023, as of 2022: the 2022 flow never meets the 2023 target (the old code said
 * achieved). cagr: rate 3/2 - 1 = 0.5, projected 3 * 1.5 = 4.5, P = (4.5-2)/(3-2) = 2.5 ->
 * on_track. The same numbers as a level: 3 >= 3 already -> achieved, so measure changes the
 * output. As of 2023 with a flow of 1 in 2023: 1 < 3 -> missed. */
static void progress_should_not_meet_a_flow_target_with_an_earlier_years_flow(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "new_hte", OBS({2021, 2}, {2022, 3}), OBS({2023, 3}));
    ind->measure = TY_FLOW;
    TyProgress pr = compute(p, ind, 2023, 2022);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    assert_defined(pr.projected, 4.5);
    assert_defined(pr.progress, 2.5);
    ind->measure = TY_LEVEL;
    pr = compute(p, ind, 2023, 2022);
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    ind->measure = TY_FLOW;
    assert_int_equal(series_set(&ind->actual, 2023, 1, &(TyError){0}), TY_OK);
    pr = compute(p, ind, 2023, 2023);
    assert_int_equal(pr.status, TY_ST_MISSED);
    plan_free(p);
}

/* Issue 11, bug 2: up, base 12.5 (2021), latest 8.45 (2022), target 11 for 2025: a target below
 * the base is a hold target. completion and progress undefined (the old code: 2.7 and 6.59 ->
 * on_track "659%"); time_share (2022-2021)/(2025-2021) = 0.25; projected 8.45 * (8.45/12.5)^3
 * = 8.45 * 0.676^3 = 8.45 * 0.308915776 = 2.610338307 < 11 -> behind. */
static void progress_should_judge_a_target_below_the_base_as_a_hold(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "growth_rate", OBS({2021, 12.5}, {2022, 8.45}), OBS({2025, 11}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_BEHIND);
    assert_undefined(pr.completion, WHY_HOLD);
    assert_undefined(pr.progress, WHY_HOLD);
    assert_defined(pr.time_share, 0.25);
    assert_defined_near(pr.projected, 2.610338307);
    plan_free(p);
}

/* A hold on_track: a flow row (no early achievement), flows 10 (2021), 9 (2022), target 8 for
 * 2023 (below the base 10: hold), linear: projected 9 - 1 = 8 >= 8 -> on_track. */
static void progress_should_call_a_hold_on_track_when_the_projection_meets_it(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "f", OBS({2021, 10}, {2022, 9}), OBS({2023, 8}));
    ind->measure = TY_FLOW;
    ind->trend = TY_TREND_LINEAR;
    TyProgress pr = compute(p, ind, 2023, 2022);
    assert_defined(pr.projected, 8.0);
    assert_undefined(pr.completion, WHY_HOLD);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    plan_free(p);
}

/* Issue 11, bug 5: one actual, 40 (2022), target 100 for 2025, as of 2022: time_share and
 * completion undefined (the old code: 0 and 0); required_change = 60/3 = 20; no_trend. */
static void progress_should_leave_time_share_undefined_with_one_actual(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "single", OBS({2022, 40}), OBS({2025, 100}));
    TyProgress pr = compute(p, ind, 2025, 2022);
    assert_int_equal(pr.status, TY_ST_NO_TREND);
    assert_undefined(pr.time_share, WHY_ONE);
    assert_undefined(pr.completion, WHY_ONE);
    assert_defined(pr.required_change, 20.0);
    plan_free(p);
}

/* Level, strictly (突破600): 600 in 2023 is not > 600 -> missed; 601 -> achieved. At most
 * (<=0.5, a down row): 0.5 -> achieved; strictly below (<0.5): 0.5 -> missed. */
static void progress_should_compare_strictly_when_the_target_says_so(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "hte", OBS({2020, 500}, {2023, 600}), NONE);
    set_spec(ind, 2023, TY_SHAPE_LEVEL, TY_OP_GT, 600, NAN, 0, 0, NULL, "突破600");
    TyProgress pr = compute(p, ind, 2023, 2023);
    assert_int_equal(pr.status, TY_ST_MISSED);
    assert_int_equal(pr.op, TY_OP_GT);
    assert_string_equal(pr.text, "突破600");
    assert_int_equal(series_set(&ind->actual, 2023, 601, &(TyError){0}), TY_OK);
    assert_int_equal(compute(p, ind, 2023, 2023).status, TY_ST_ACHIEVED);
    ind = add_indicator(p, "energy", OBS({2020, 0.6}, {2023, 0.5}), NONE);
    ind->direction = TY_DOWN;
    set_spec(ind, 2023, TY_SHAPE_LEVEL, TY_OP_DEFAULT, 0.5, NAN, 0, 0, NULL, "0.5以内");
    pr = compute(p, ind, 2023, 2023);
    assert_int_equal(pr.op, TY_OP_LE);   /* not written: the direction's */
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    set_spec(ind, 2023, TY_SHAPE_LEVEL, TY_OP_LT, 0.5, NAN, 0, 0, NULL, "<0.5");
    assert_int_equal(compute(p, ind, 2023, 2023).status, TY_ST_MISSED);
    plan_free(p);
}

/* Range 3-5 (up: floor 3, stretch 5) for 2023: 6 -> exceeded, 4 -> achieved, 2 -> missed.
 * Written 5-3 it is the same range. Down row 5-3: floor 5, stretch 3: 4 -> achieved, 2 ->
 * exceeded. Open, 2 (2021), 6 (2023), range 3..5 for 2025: 6 already meets the stretch ->
 * exceeded early. */
static void progress_should_judge_a_range_by_floor_and_stretch(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "parks", OBS({2021, 2}, {2023, 6}), NONE);
    set_spec(ind, 2023, TY_SHAPE_RANGE, TY_OP_DEFAULT, 3, 5, 0, 0, NULL, "3-5个");
    TyProgress pr = compute(p, ind, 2023, 2023);
    assert_int_equal(pr.status, TY_ST_EXCEEDED);
    assert_true(pr.target == 3);
    assert_true(pr.stretch == 5);
    assert_int_equal(series_set(&ind->actual, 2023, 4, &(TyError){0}), TY_OK);
    assert_int_equal(compute(p, ind, 2023, 2023).status, TY_ST_ACHIEVED);
    assert_int_equal(series_set(&ind->actual, 2023, 2, &(TyError){0}), TY_OK);
    assert_int_equal(compute(p, ind, 2023, 2023).status, TY_ST_MISSED);
    set_spec(ind, 2023, TY_SHAPE_RANGE, TY_OP_DEFAULT, 5, 3, 0, 0, NULL, "5-3");
    pr = compute(p, ind, 2023, 2023);
    assert_true(pr.target == 3);
    assert_int_equal(pr.status, TY_ST_MISSED);
    ind->direction = TY_DOWN;
    pr = compute(p, ind, 2023, 2023);
    assert_true(pr.target == 5);
    assert_true(pr.stretch == 3);
    assert_int_equal(pr.status, TY_ST_EXCEEDED);   /* 2 <= 3 */
    assert_int_equal(series_set(&ind->actual, 2023, 4, &(TyError){0}), TY_OK);
    assert_int_equal(compute(p, ind, 2023, 2023).status, TY_ST_ACHIEVED);
    ind->direction = TY_UP;
    assert_int_equal(series_set(&ind->actual, 2023, 6, &(TyError){0}), TY_OK);
    set_spec(ind, 2025, TY_SHAPE_RANGE, TY_OP_DEFAULT, 3, 5, 0, 0, NULL, "3..5");
    assert_int_equal(compute(p, ind, 2025, 2023).status, TY_ST_EXCEEDED);
    plan_free(p);
}

/* Points from the declared base year: plan base_year 2020; 2.0 (2020), 2.6 (2022), 3.1 (2023);
 * +1.5pp for 2023: V = 2.0 + 1.5 = 3.5; 3.1 < 3.5 -> missed. Relative targets follow the data:
 * set the 2020 actual to 1.5 and V = 3.0, 3.1 >= 3 -> achieved. A declared base year without an
 * actual (2019 on the row) leaves V unresolved -> no_data. */
static void progress_should_resolve_points_from_the_declared_base_year(void **state)
{
    TyPlan *p = plan_new("t");
    p->base_year = 2020;
    TyIndicator *ind = add_indicator(p, "rd", OBS({2020, 2.0}, {2022, 2.6}, {2023, 3.1}), NONE);
    set_spec(ind, 2023, TY_SHAPE_POINTS, TY_OP_DEFAULT, 1.5, NAN, 0, 0, NULL, "提高1.5个百分点");
    TyProgress pr = compute(p, ind, 2023, 2023);
    assert_close(pr.target, 3.5);
    assert_string_equal(pr.resolved, "base 2020 actual 2 + 1.5");
    assert_string_equal(pr.base_how, "declared base year 2020");
    assert_int_equal(pr.status, TY_ST_MISSED);
    assert_int_equal(series_set(&ind->actual, 2020, 1.5, &(TyError){0}), TY_OK);
    pr = compute(p, ind, 2023, 2023);
    assert_close(pr.target, 3.0);
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    ind->base_year = 2019;
    pr = compute(p, ind, 2023, 2023);
    assert_true(isnan(pr.target));
    assert_int_equal(pr.status, TY_ST_NO_DATA);
    assert_undefined(pr.completion, WHY_UNRESOLVED);
    assert_string_equal(pr.base_how, "declared base year 2019 has no actual; earliest actual 2020 used");
    plan_free(p);
}

/* Growth on the year before: 100 (2021), 110 (2022), 120 (2023). +15% for 2023: V = 1.15 * 110
 * = 126.5, 120 < 126.5 -> missed. +5% for 2024 as of 2022: 2023 is not in yet, so it is projected
 * (cagr 110 * 1.1 = 121): V = 1.05 * 121 = 127.05. As of 2023: V = 1.05 * 120 = 126. A passed
 * growth target without x(T - 1): 100 (2021), 120 (2023), +15% for 2023 -> no_data. */
static void progress_should_resolve_growth_on_the_year_before(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "rev", OBS({2021, 100}, {2022, 110}, {2023, 120}), NONE);
    set_spec(ind, 2023, TY_SHAPE_GROWTH, TY_OP_DEFAULT, 15, NAN, 0, 0, NULL, "增长15%");
    set_spec(ind, 2024, TY_SHAPE_GROWTH, TY_OP_DEFAULT, 5, NAN, 0, 0, NULL, "+5%");
    TyProgress pr = compute(p, ind, 2023, 2023);
    assert_close(pr.target, 126.5);
    assert_int_equal(pr.status, TY_ST_MISSED);
    pr = compute(p, ind, 2024, 2022);
    assert_close(pr.target, 127.05);
    assert_string_equal(pr.resolved, "1.05 × projected 2023 value 121");
    assert_close(compute(p, ind, 2024, 2023).target, 126);
    series_unset(&ind->actual, 2022);
    pr = compute(p, ind, 2023, 2023);
    assert_int_equal(pr.status, TY_ST_NO_DATA);
    assert_true(isnan(pr.target));
    plan_free(p);
}

/* Multiple of the base (x2), undeclared base: 50 (2020), 60 (2021), as of 2021: V = 100;
 * cagr 0.2, projected 60 * 1.2^4 = 124.416, P = 74.416/50 = 1.48832 -> on_track. */
static void progress_should_resolve_a_multiple_of_the_base(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "pat", OBS({2020, 50}, {2021, 60}), NONE);
    set_spec(ind, 2025, TY_SHAPE_MULTIPLE, TY_OP_DEFAULT, 2, NAN, 0, 0, NULL, "翻一番");
    TyProgress pr = compute(p, ind, 2025, 2021);
    assert_close(pr.target, 100);
    assert_defined(pr.projected, 124.416);
    assert_defined(pr.progress, 1.48832);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    assert_string_equal(pr.base_how, "earliest actual 2020 (no base year declared)");
    plan_free(p);
}

/* Benchmark: province_avg (linear) 8, 9, 10 (2021..2023); the row 7, 9.5, 10. >=province_avg
 * for 2022: V = 9, 9.5 -> achieved; >province_avg for 2023: V = 10, 10 > 10 fails -> missed;
 * for 2025, open as of 2023: V = the benchmark projected, 10 + (10-8)*2/2 = 12; the row (cagr)
 * projects 10 * (10/7) = 14.2857143, P = (14.2857143-7)/(12-7) = 1.4571429 -> on_track. */
static void progress_should_resolve_a_benchmark_from_the_other_row(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *avg = add_indicator(p, "province_avg", OBS({2021, 8}, {2022, 9}, {2023, 10}), NONE);
    avg->trend = TY_TREND_LINEAR;
    TyIndicator *ind = add_indicator(p, "growth", OBS({2021, 7}, {2022, 9.5}, {2023, 10}), NONE);
    set_spec(ind, 2022, TY_SHAPE_BENCHMARK, TY_OP_GE, NAN, NAN, 0, 0, "province_avg", ">=province_avg");
    set_spec(ind, 2023, TY_SHAPE_BENCHMARK, TY_OP_GT, NAN, NAN, 0, 0, "province_avg", "高于province_avg");
    set_spec(ind, 2025, TY_SHAPE_BENCHMARK, TY_OP_GT, NAN, NAN, 0, 0, "province_avg", "高于province_avg");
    TyProgress pr = compute(p, ind, 2022, 2023);
    assert_close(pr.target, 9);
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    assert_int_equal(compute(p, ind, 2023, 2023).status, TY_ST_MISSED);
    pr = compute(p, ind, 2025, 2023);
    assert_close(pr.target, 12);
    assert_defined_near(pr.progress, 1.457142857);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    plan_free(p);
}

/* Ranks (1 best, whatever the row's direction): 8, 6, 5 (2021..2023). rank<=5 for 2023 ->
 * achieved. rank<=3 for 2025: cagr projected 5 * (5/8) = 3.125 -> 3 (whole positions),
 * P = (3-8)/(3-8) = 1 -> on_track. 7 (2020), 6 (2022) linear to 2023: 5.5 -> 6 (half a position
 * rounds to the worse rank), P = (6-7)/(3-7) = 0.25 -> behind. */
static void progress_should_project_ranks_in_whole_positions(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "rank", OBS({2021, 8}, {2022, 6}, {2023, 5}), NONE);
    set_spec(ind, 2023, TY_SHAPE_RANK, TY_OP_LE, 5, NAN, 0, 0, NULL, "第5");
    set_spec(ind, 2025, TY_SHAPE_RANK, TY_OP_LE, 3, NAN, 0, 0, NULL, "前3位");
    assert_int_equal(compute(p, ind, 2023, 2023).status, TY_ST_ACHIEVED);
    TyProgress pr = compute(p, ind, 2025, 2023);
    assert_defined(pr.projected, 3.0);
    assert_defined(pr.progress, 1.0);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    ind = add_indicator(p, "rank2", OBS({2020, 7}, {2022, 6}), NONE);
    ind->trend = TY_TREND_LINEAR;
    set_spec(ind, 2023, TY_SHAPE_RANK, TY_OP_LE, 3, NAN, 0, 0, NULL, "前3");
    pr = compute(p, ind, 2023, 2022);
    assert_defined(pr.projected, 6.0);
    assert_defined(pr.progress, 0.25);
    assert_int_equal(pr.status, TY_ST_BEHIND);
    plan_free(p);
}

/* A window of several years on a level row (linear): 500 (2020), 540, 580, 600 (2023); 新增100
 * over 2023-2025 as of 2023: so far 600 - 580 = 20; the flows 40 (2021), 40 (2022), 20 (2023),
 * linear from 40 to 20: 10 in 2024, 0 in 2025; projected 20 + 10 + 0 = 30, P = 30/100 = 0.3 ->
 * behind; completion 20/100 = 0.2; time_share 1/3; required_change (100-20)/2 = 40. As of 2025
 * with 650 (2024), 690 (2025): 690 - 580 = 110 >= 100 -> achieved, completion 1.1. Without the
 * 2022 level the window cannot be known -> no_data. One-year window +30 for 2023: the flow 20 <
 * 30 -> missed. */
static void progress_should_add_up_the_flows_of_a_window(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "hte", OBS({2020, 500}, {2021, 540}, {2022, 580}, {2023, 600}), NONE);
    ind->trend = TY_TREND_LINEAR;
    set_spec(ind, 2025, TY_SHAPE_WINDOW, TY_OP_DEFAULT, 100, NAN, 2023, 2025, NULL, "新增100(2023-2025)");
    set_spec(ind, 2023, TY_SHAPE_WINDOW, TY_OP_DEFAULT, 30, NAN, 0, 0, NULL, "+30");
    TyProgress pr = compute(p, ind, 2025, 2023);
    assert_int_equal(pr.window_from, 2023);
    assert_int_equal(pr.window_to, 2025);
    assert_defined(pr.projected, 30.0);
    assert_defined(pr.progress, 0.3);
    assert_defined(pr.completion, 0.2);
    assert_defined(pr.time_share, 1.0 / 3.0);
    assert_defined(pr.required_change, 40.0);
    assert_int_equal(pr.status, TY_ST_BEHIND);
    assert_int_equal(compute(p, ind, 2023, 2023).status, TY_ST_MISSED);
    assert_int_equal(series_set(&ind->actual, 2024, 650, &(TyError){0}), TY_OK);
    assert_int_equal(series_set(&ind->actual, 2025, 690, &(TyError){0}), TY_OK);
    pr = compute(p, ind, 2025, 2025);
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    assert_defined(pr.completion, 1.1);
    series_unset(&ind->actual, 2022);
    assert_int_equal(compute(p, ind, 2025, 2025).status, TY_ST_NO_DATA);
    plan_free(p);
}

/* flow_of: the flow row's actuals are derived from its level row, and follow it. Levels 10, 12,
 * 15 (2020..2022): flows 2 (2021), 3 (2022); target 3 for 2023 as of 2022 -> on_track (projected
 * 4.5 as in bug 1). A 2023 level of 16 is a flow of 1 -> missed as of 2023. */
static void progress_should_derive_a_flow_of_rows_actuals_from_its_level_row(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *level = add_indicator(p, "total", OBS({2020, 10}, {2021, 12}, {2022, 15}), NONE);
    TyIndicator *flow = add_indicator(p, "new", NONE, OBS({2023, 3}));
    assert_int_equal(plan_set_string(&flow->flow_of, "total", &(TyError){0}), TY_OK);
    flow->measure = TY_FLOW;
    TyProgress pr = compute(p, flow, 2023, 2022);
    assert_int_equal(pr.base_year, 2021);
    assert_true(pr.base == 2);
    assert_true(pr.latest == 3);
    assert_int_equal(pr.status, TY_ST_ON_TRACK);
    level = &p->ind[0];
    assert_int_equal(series_set(&level->actual, 2023, 16, &(TyError){0}), TY_OK);
    assert_int_equal(compute(p, flow, 2023, 2023).status, TY_ST_MISSED);
    plan_free(p);
}

/* Milestones: not done (0) in 2022, done (1) in 2023; target 2023: as of 2023 achieved, as of
 * 2022 pending. Target 2022 with 0 in 2022 and 2023: as of 2023 overdue. Nothing reported:
 * no_data. Every quantity undefined. */
static void progress_should_judge_milestones_done_pending_and_overdue(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *lab = add_indicator(p, "lab", OBS({2022, 0}, {2023, 1}), NONE);
    set_spec(lab, 2023, TY_SHAPE_MILESTONE, TY_OP_DEFAULT, NAN, NAN, 0, 0, NULL, "通过验收");
    TyProgress pr = compute(p, lab, 2023, 2023);
    assert_int_equal(pr.status, TY_ST_ACHIEVED);
    assert_true(isnan(pr.target));
    assert_undefined(pr.progress, "a milestone has no quantities");
    assert_int_equal(compute(p, lab, 2023, 2022).status, TY_ST_PENDING);
    TyIndicator *plat = add_indicator(p, "platform", OBS({2022, 0}, {2023, 0}), NONE);
    set_spec(plat, 2022, TY_SHAPE_MILESTONE, TY_OP_DEFAULT, NAN, NAN, 0, 0, NULL, "完成");
    assert_int_equal(compute(p, plat, 2022, 2023).status, TY_ST_OVERDUE);
    TyIndicator *silent = add_indicator(p, "silent", NONE, NONE);
    set_spec(silent, 2023, TY_SHAPE_MILESTONE, TY_OP_DEFAULT, NAN, NAN, 0, 0, NULL, "建成");
    assert_int_equal(compute(p, silent, 2023, 2023).status, TY_ST_NO_DATA);
    assert_int_equal(compute(p, silent, 2023, 2022).status, TY_ST_NO_DATA);
    plan_free(p);
}

/* A broken link is an error, not a silent no_data: a benchmark naming no row. */
static void progress_should_refuse_a_benchmark_to_no_row(void **state)
{
    TyPlan *p = plan_new("t");
    TyIndicator *ind = add_indicator(p, "g", OBS({2021, 7}), NONE);
    set_spec(ind, 2025, TY_SHAPE_BENCHMARK, TY_OP_GT, NAN, NAN, 0, 0, "nope", ">nope");
    TyProgress pr;
    TyError err;
    assert_int_equal(progress_compute(p, 0, 2025, 2023, &pr, &err), TY_EDATA);
    plan_free(p);
}

static void progress_should_name_every_status(void **state)
{
    const char *names[] = {"achieved", "on_track", "behind", "stalled", "regressing",
                           "no_trend", "missed", "no_data", "exceeded", "pending", "overdue"};
    const TyProgressStatus st[] = {TY_ST_ACHIEVED, TY_ST_ON_TRACK, TY_ST_BEHIND, TY_ST_STALLED,
                                   TY_ST_REGRESSING, TY_ST_NO_TREND, TY_ST_MISSED, TY_ST_NO_DATA,
                                   TY_ST_EXCEEDED, TY_ST_PENDING, TY_ST_OVERDUE};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++)
        assert_string_equal(progress_status_name(st[i]), names[i]);
    assert_string_equal(progress_status_name((TyProgressStatus)99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(progress_should_compute_every_formula_with_cagr),
        cmocka_unit_test(progress_should_project_a_straight_line_with_trend_linear),
        cmocka_unit_test(progress_should_be_on_track_when_the_projection_reaches_the_target),
        cmocka_unit_test(progress_should_be_achieved_when_the_latest_meets_the_target),
        cmocka_unit_test(progress_should_be_stalled_when_progress_is_too_small),
        cmocka_unit_test(progress_should_be_regressing_when_moving_away_from_the_target),
        cmocka_unit_test(progress_should_give_no_trend_for_the_wuwei_rd_intensity_row),
        cmocka_unit_test(progress_should_handle_direction_down),
        cmocka_unit_test(progress_should_call_a_rise_regressing_when_direction_is_down),
        cmocka_unit_test(progress_should_call_a_flat_series_stalled),
        cmocka_unit_test(progress_should_give_no_data_without_an_actual),
        cmocka_unit_test(progress_should_use_the_last_actual_present_as_latest),
        cmocka_unit_test(progress_should_fall_back_to_linear_when_a_value_is_zero),
        cmocka_unit_test(progress_should_leave_completion_undefined_when_target_equals_base),
        cmocka_unit_test(progress_should_use_the_indicators_own_thresholds_over_the_plans),
        cmocka_unit_test(progress_should_fit_weighted_least_squares_on_log_values),
        cmocka_unit_test(progress_should_reproduce_exact_exponential_growth_with_wls),
        cmocka_unit_test(progress_should_fall_back_from_wls_to_cagr),
        cmocka_unit_test(progress_should_call_a_passed_target_missed),
        cmocka_unit_test(progress_should_give_no_data_for_a_passed_target_without_its_years_actual),
        cmocka_unit_test(progress_should_not_call_a_passed_target_without_its_actual_on_track),
        cmocka_unit_test(progress_should_call_a_passed_down_target_missed_when_above),
        cmocka_unit_test(progress_should_count_a_progress_equal_to_a_threshold_as_reaching_it),
        cmocka_unit_test(progress_should_give_no_data_for_a_target_before_the_base_year),
        cmocka_unit_test(progress_should_refuse_a_target_year_without_a_target),
        cmocka_unit_test(progress_should_leave_overflowing_results_undefined),
        cmocka_unit_test(progress_should_not_meet_a_flow_target_with_an_earlier_years_flow),
        cmocka_unit_test(progress_should_judge_a_target_below_the_base_as_a_hold),
        cmocka_unit_test(progress_should_call_a_hold_on_track_when_the_projection_meets_it),
        cmocka_unit_test(progress_should_leave_time_share_undefined_with_one_actual),
        cmocka_unit_test(progress_should_compare_strictly_when_the_target_says_so),
        cmocka_unit_test(progress_should_judge_a_range_by_floor_and_stretch),
        cmocka_unit_test(progress_should_resolve_points_from_the_declared_base_year),
        cmocka_unit_test(progress_should_resolve_growth_on_the_year_before),
        cmocka_unit_test(progress_should_resolve_a_multiple_of_the_base),
        cmocka_unit_test(progress_should_resolve_a_benchmark_from_the_other_row),
        cmocka_unit_test(progress_should_project_ranks_in_whole_positions),
        cmocka_unit_test(progress_should_add_up_the_flows_of_a_window),
        cmocka_unit_test(progress_should_derive_a_flow_of_rows_actuals_from_its_level_row),
        cmocka_unit_test(progress_should_judge_milestones_done_pending_and_overdue),
        cmocka_unit_test(progress_should_refuse_a_benchmark_to_no_row),
        cmocka_unit_test(progress_should_name_every_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
