/* test_sensitivity.c — one-at-a-time sensitivity: known swings and elasticities of a linear
 * model, a nonlinear elasticity, no elasticity at a zero base, the setting that gives a
 * non-finite value named, and bad options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/sensitivity.h"

static TyError sens_err;

static void ok(TyStatus st)
{
    if (st != TY_OK) fail_msg("unexpected error %d: %s", st, sens_err.msg);
}

static int node_num(TyModelBuilder *b, double v)
{
    int n;
    ok(model_node_const(b, v, &n, &sens_err));
    return n;
}

static int node_ref(TyModelBuilder *b, const char *name)
{
    int n;
    ok(model_node_ref(b, name, &n, &sens_err));
    return n;
}

static int node_call(TyModelBuilder *b, TyOp op, int x, int y)
{
    int args[2] = { x, y }, n;
    ok(model_node_call(b, op, args, op == TY_OP_LOG ? 1 : 2, &n, &sens_err));
    return n;
}

static void param(TyModelBuilder *b, const char *name, double v)
{
    TyValue d = model_value_scalar(v);
    ok(model_add_param(b, name, NULL, "lin.lua:1", &d, NULL, &sens_err));
}

static TyDist make(TyDistKind kind, double a, double b, double c)
{
    TyDist d;
    ok(dist_init(&d, kind, a, b, c, -INFINITY, INFINITY, &sens_err));
    return d;
}

/* y = 2a + 3b + 1 + c^2 in 2021..2025 */
static TyModel *model(void)
{
    TyModelBuilder *b = model_builder_new();
    param(b, "a", 5);
    param(b, "b", 1);
    param(b, "c", 0);
    int lin = node_call(b, TY_OP_ADD, node_call(b, TY_OP_MUL, node_num(b, 2), node_ref(b, "a")),
                        node_call(b, TY_OP_MUL, node_num(b, 3), node_ref(b, "b")));
    int y = node_call(b, TY_OP_ADD, node_call(b, TY_OP_ADD, lin, node_num(b, 1)),
                      node_call(b, TY_OP_MUL, node_ref(b, "c"), node_ref(b, "c")));
    ok(model_add_aux(b, "y", NULL, "lin.lua:2", y, NULL, &sens_err));
    ok(model_add_aux(b, "logy", NULL, "lin.lua:3", node_call(b, TY_OP_LOG, node_ref(b, "b"), -1), NULL, &sens_err));
    TyModel *m;
    ok(model_compile(b, 2021, 2025, &m, &sens_err));
    model_builder_free(b);
    return m;
}

static void sensitivity_should_swing_a_linear_model_by_known_amounts(void **state)
{
    TyModel *m = model();
    TySensParam ps[3] = {
        { "a", make(TY_DIST_UNIFORM, 0, 10, 0), 5 },
        { "b", make(TY_DIST_NORMAL, 1, 0.5, 0), 1 },
        { "c", make(TY_DIST_UNIFORM, -1, 1, 0), 0 },
    };
    TySensOptions opt = { .params = ps, .nparams = 3, .elem = model_element_find(m, "y"), .year = 2024,
                          .p_low = 0.1, .p_high = 0.9, .rel_step = 1e-4 };
    TySensRow rows[3];
    double y0;
    ok(sens_oat(m, &opt, &y0, rows, &sens_err));
    assert_true(fabs(y0 - 14) < 1e-12);
    /* a: P10 = 1, P90 = 9 -> y = 6 and 22 */
    assert_true(fabs(rows[0].x_low - 1) < 1e-12 && fabs(rows[0].x_high - 9) < 1e-12);
    assert_true(fabs(rows[0].y_low - 6) < 1e-12 && fabs(rows[0].y_high - 22) < 1e-12);
    assert_true(fabs(rows[0].swing - 16) < 1e-12);
    assert_true(fabs(rows[0].elasticity - 10.0 / 14) < 1e-9);
    /* b: 1 -/+ 0.5 × 1.2815515655446004 -> swing 3 × 1.2815515655446004 */
    assert_true(fabs(rows[1].swing - 3.844654696633801) < 1e-9);
    assert_true(fabs(rows[1].y_low - (14 - 1.5 * 1.2815515655446004)) < 1e-9);
    assert_true(fabs(rows[1].elasticity - 3.0 / 14) < 1e-9);
    /* c: symmetric around 0, so c^2 swings not at all, and a zero base has no elasticity */
    assert_true(fabs(rows[2].y_low - rows[2].y_high) < 1e-12 && rows[2].swing < 1e-12);
    assert_true(isnan(rows[2].elasticity));
    model_free(m);
}

static void sensitivity_should_take_scenario_overrides_as_the_base(void **state)
{
    TyModel *m = model();
    TySensParam ps[1] = { { "a", make(TY_DIST_UNIFORM, 0, 10, 0), 5 } };
    TyOverride ov[1] = { { "b", model_value_scalar(2) } };
    TySensOptions opt = { .overrides = ov, .noverrides = 1, .params = ps, .nparams = 1,
                          .elem = model_element_find(m, "y"), .year = 2021, .p_low = 0.25,
                          .p_high = 0.75, .rel_step = 1e-3 };
    TySensRow row;
    double y0;
    ok(sens_oat(m, &opt, &y0, &row, &sens_err));
    assert_true(fabs(y0 - 17) < 1e-12);                  /* 10 + 6 + 1 */
    assert_true(fabs(row.y_low - 12) < 1e-12 && fabs(row.y_high - 22) < 1e-12);
    model_free(m);
}

static void sensitivity_should_name_the_setting_that_fails(void **state)
{
    TyModel *m = model();
    TySensParam ps[1] = { { "b", make(TY_DIST_UNIFORM, -1, 3, 0), 1 } };
    TySensOptions opt = { .params = ps, .nparams = 1, .elem = model_element_find(m, "logy"), .year = 2021,
                          .p_low = 0.1, .p_high = 0.9, .rel_step = 1e-4 };
    TySensRow row;
    double y0;
    TyError err;
    assert_int_equal(sens_oat(m, &opt, &y0, &row, &err), TY_EDATA);
    if (!strstr(err.msg, "sensitivity with b = -0.59999999999999998 (the others at base): 'logy' is not finite (NaN) in 2021"))
        fail_msg("message: %s", err.msg);
    assert_int_equal(err.line, 3);
    model_free(m);
}

static void expect_bad(const TyModel *m, TySensOptions o, const char *text)
{
    TySensRow rows[4];
    double y0;
    TyError err;
    assert_int_equal(sens_oat(m, &o, &y0, rows, &err), TY_ESCRIPT);
    if (!strstr(err.msg, text)) fail_msg("message '%s' lacks '%s'", err.msg, text);
}

static void sensitivity_should_reject_bad_options(void **state)
{
    TyModel *m = model();
    TySensParam ps[1] = { { "a", make(TY_DIST_UNIFORM, 0, 10, 0), 5 } };
    TySensOptions o = { .params = ps, .nparams = 1, .elem = model_element_find(m, "y"), .year = 2021,
                        .p_low = 0.1, .p_high = 0.9, .rel_step = 1e-4 };
    TySensOptions bad = o;
    bad.year = 2030;
    expect_bad(m, bad, "year 2030 is outside the model's 2021..2025");
    bad = o;
    bad.p_low = 0.9;
    bad.p_high = 0.1;
    expect_bad(m, bad, "percentiles must satisfy 0 < low < high < 1");
    bad = o;
    bad.rel_step = 0;
    expect_bad(m, bad, "the elasticity step must be in (0, 0.5)");
    bad = o;
    bad.elem = 99;
    expect_bad(m, bad, "the output is not an element with values");
    ps[0].name = "nope";
    expect_bad(m, o, "no parameter or lever named 'nope'");
    model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sensitivity_should_swing_a_linear_model_by_known_amounts),
        cmocka_unit_test(sensitivity_should_take_scenario_overrides_as_the_base),
        cmocka_unit_test(sensitivity_should_name_the_setting_that_fails),
        cmocka_unit_test(sensitivity_should_reject_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
