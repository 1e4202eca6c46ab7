/* test_eval.c — running compiled models: stocks, delays, the certificate-cohort model, every
 * function's values (computed by hand), per-sample runs across block boundaries, overrides,
 * external functions and the non-finite check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/eval.h"
#include "core/model.h"

/* ---- helpers ---- */

static TyError eval_test_err;

#define assert_near(a, b, eps) eval_test_near((a), (b), (eps), __FILE__, __LINE__)
static void eval_test_near(double a, double b, double eps, const char *file, int line)
{
    if (fabs(a - b) <= eps) return;
    print_error("%.17g != %.17g (within %g)\n", a, b, eps);
    _fail(file, line);
}

static void ok(TyStatus st)
{
    if (st != TY_OK) fail_msg("unexpected error %d: %s", st, eval_test_err.msg);
}

static int num(TyModelBuilder *b, double v)
{
    int n;
    ok(model_node_const(b, v, &n, &eval_test_err));
    return n;
}

static int ref(TyModelBuilder *b, const char *name)
{
    int n;
    ok(model_node_ref(b, name, &n, &eval_test_err));
    return n;
}

static int delay(TyModelBuilder *b, const char *name, int years, int init)
{
    int n;
    ok(model_node_delay(b, name, years, init, &n, &eval_test_err));
    return n;
}

static int call(TyModelBuilder *b, TyOp op, int nargs, ...)
{
    int args[8], n;
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) args[i] = va_arg(ap, int);
    va_end(ap);
    ok(model_node_call(b, op, args, (size_t)nargs, &n, &eval_test_err));
    return n;
}

static int param(TyModelBuilder *b, const char *name, const char *unit, double v)
{
    int e;
    TyValue d = model_value_scalar(v);
    ok(model_add_param(b, name, unit, "m.lua:1", &d, &e, &eval_test_err));
    return e;
}

static int param_series(TyModelBuilder *b, const char *name, const char *unit, int first,
                        const double *v, size_t n)
{
    int e;
    TyValue d = model_value_series(first, v, n);
    ok(model_add_param(b, name, unit, "m.lua:2", &d, &e, &eval_test_err));
    return e;
}

static int aux(TyModelBuilder *b, const char *name, const char *unit, int expr)
{
    int e;
    ok(model_add_aux(b, name, unit, "m.lua:5", expr, &e, &eval_test_err));
    return e;
}

static int flow(TyModelBuilder *b, const char *name, const char *unit, int expr)
{
    int e;
    ok(model_add_flow(b, name, unit, "m.lua:6", expr, &e, &eval_test_err));
    return e;
}

static int stock(TyModelBuilder *b, const char *name, const char *unit, int init)
{
    int e;
    ok(model_add_stock(b, name, unit, "m.lua:7", init, &e, &eval_test_err));
    return e;
}

static TyModel *compile(TyModelBuilder *b, int first, int last)
{
    TyModel *m = NULL;
    TyError err;
    if (model_compile(b, first, last, &m, &err) != TY_OK) {
        char buf[1200];
        fail_msg("compile: %s", ty_error_format(&err, buf, sizeof buf));
    }
    return m;
}

static TyRunResult run1(const TyModel *m, const TyOverride *ov, size_t nov)
{
    TyRunResult res;
    TyError err;
    if (model_run_single(m, ov, nov, &res, &err) != TY_OK) {
        char buf[1200];
        fail_msg("run: %s", ty_error_format(&err, buf, sizeof buf));
    }
    return res;
}

/* Checks element `e` against expected values from `first` on. */
static void expect_series(const TyRunResult *res, int e, int first, const double *want, int n)
{
    for (int i = 0; i < n; i++) {
        double got = model_result_get(res, e, first + i);
        if (fabs(got - want[i]) > 1e-9 * (1 + fabs(want[i])))
            fail_msg("element %d, year %d: got %.17g, want %.17g", e, first + i, got, want[i]);
    }
}

/* ---- stocks and delays ---- */

static void eval_should_accumulate_a_constant_inflow(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    int s = stock(b, "s", "家", num(b, 100));
    flow(b, "f", "家/年", num(b, 10));
    ok(model_stock_add_inflow(b, s, "f", &eval_test_err));
    TyModel *m = compile(b, 2021, 2026);
    TyRunResult res = run1(m, NULL, 0);
    double want[] = { 100, 110, 120, 130, 140, 150 };
    expect_series(&res, s, 2021, want, 6);
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

/* Two stocks, each the other's inflow: both updated from year t's values, never one from the
 * other's new value (stocks are updated where they are only when no flow is a stock; shown to
 * fail with that check saying yes here). */
static void eval_should_update_stocks_feeding_each_other_from_the_same_year(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    int a = stock(b, "a", "家", num(b, 1));
    int c = stock(b, "c", "家", num(b, 10));
    ok(model_stock_add_inflow(b, a, "c", &eval_test_err));
    ok(model_stock_add_inflow(b, c, "a", &eval_test_err));
    TyModel *m = compile(b, 2021, 2024);
    TyRunResult res = run1(m, NULL, 0);
    double want_a[] = { 1, 11, 22, 44 }, want_c[] = { 10, 11, 22, 44 };
    expect_series(&res, a, 2021, want_a, 4);
    expect_series(&res, c, 2021, want_c, 4);
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

static void eval_should_feed_a_stock_from_a_delayed_flow(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    double xv[] = { 10, 20, 30, 40, 50 };
    int x = param_series(b, "x", "家/年", 2021, xv, 5);
    double hist[] = { 1, 2 };
    ok(model_set_history(b, x, 2019, hist, 2, &eval_test_err));
    int s = stock(b, "s", "家", num(b, 0));
    int f = flow(b, "f", "家/年", delay(b, "x", 2, -1));
    ok(model_stock_add_inflow(b, s, "f", &eval_test_err));
    TyModel *m = compile(b, 2021, 2025);
    TyRunResult res = run1(m, NULL, 0);
    double want_f[] = { 1, 2, 10, 20, 30 };   /* x two years earlier */
    double want_s[] = { 0, 1, 3, 13, 33 };
    expect_series(&res, f, 2021, want_f, 5);
    expect_series(&res, s, 2021, want_s, 5);
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

/* High-tech certificates last three years: each cohort comes up for renewal three years after
 * certification and a share r renews. c = 10 a year (12, 8, 9 in 2018-2020), r = 0.8, 59
 * enterprises at the start:
 *   exits[t] = (1 - r) c[t-3]:  2.4 1.6 1.8 2 2 2   (2021..2026)
 *   hte:                        59, 66.6, 75, 83.2, 91.2, 99.2 */
static void eval_should_run_the_certificate_cohort_model(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    int c = param(b, "certs", "家/年", 10);
    double hist[] = { 12, 8, 9 };
    ok(model_set_history(b, c, 2018, hist, 3, &eval_test_err));
    param(b, "renewal", "ratio", 0.8);
    int hte = stock(b, "hte", "家", num(b, 59));
    int exits = flow(b, "exits", "家/年",
                     call(b, TY_OP_MUL, 2, call(b, TY_OP_SUB, 2, num(b, 1), ref(b, "renewal")),
                          delay(b, "certs", 3, -1)));
    ok(model_stock_add_inflow(b, hte, "certs", &eval_test_err));
    ok(model_stock_add_outflow(b, hte, "exits", &eval_test_err));
    TyModel *m = compile(b, 2021, 2026);
    TyRunResult res = run1(m, NULL, 0);
    double want_exits[] = { 2.4, 1.6, 1.8, 2, 2, 2 };
    double want_hte[] = { 59, 66.6, 75, 83.2, 91.2, 99.2 };
    expect_series(&res, exits, 2021, want_exits, 6);
    expect_series(&res, hte, 2021, want_hte, 6);
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

static void eval_should_delay_stocks_and_use_a_delay_initial_value(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    int s = stock(b, "s", "1", num(b, 1));
    flow(b, "f", "1", ref(b, "s"));                           /* doubles every year */
    ok(model_stock_add_inflow(b, s, "f", &eval_test_err));
    ok(model_set_history_const(b, s, 0.5, &eval_test_err));
    int d = aux(b, "d", "1", delay(b, "s", 1, -1));            /* history 0.5 before 2021 */
    int d2 = aux(b, "d2", "1", delay(b, "s", 2, num(b, -7)));  /* own initial value */
    TyModel *m = compile(b, 2021, 2025);
    TyRunResult res = run1(m, NULL, 0);
    double want_s[] = { 1, 2, 4, 8, 16 }, want_d[] = { 0.5, 1, 2, 4, 8 }, want_d2[] = { -7, -7, 1, 2, 4 };
    expect_series(&res, s, 2021, want_s, 5);
    expect_series(&res, d, 2021, want_d, 5);
    expect_series(&res, d2, 2021, want_d2, 5);
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

/* ---- functions ---- */

static void eval_should_compute_time_functions(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    int year;
    ok(model_node_year(b, &year, &eval_test_err));
    int yr = aux(b, "yr", "1", year);
    double years[] = { 2023, 2025 };
    int vals[] = { num(b, 0), num(b, 10) };
    int in;
    ok(model_node_interp(b, years, vals, 2, &in, &eval_test_err));
    int e_interp = aux(b, "ip", "1", in);
    int e_step = aux(b, "st", "1", call(b, TY_OP_STEP, 2, num(b, 2024), num(b, 5)));
    int e_ramp = aux(b, "rp", "1", call(b, TY_OP_RAMP, 3, num(b, 2), num(b, 2022), num(b, 2025)));
    int e_ramp2 = aux(b, "rp2", "1", call(b, TY_OP_RAMP, 2, num(b, 2), num(b, 2022)));
    int e_growth = aux(b, "gr", "1", call(b, TY_OP_GROWTH, 2, num(b, 100), num(b, 0.1)));
    param(b, "rate_pct", "%", 10);
    int e_growth_pct = aux(b, "grp", "1", call(b, TY_OP_GROWTH, 2, num(b, 100), ref(b, "rate_pct")));
    int e_if = aux(b, "cond", "1", call(b, TY_OP_IF, 3, call(b, TY_OP_GE, 2, ref(b, "yr"), num(b, 2023)),
                                         num(b, 1), num(b, 2)));
    TyModel *m = compile(b, 2021, 2026);
    TyRunResult res = run1(m, NULL, 0);
    double w_yr[] = { 2021, 2022, 2023, 2024, 2025, 2026 };
    double w_ip[] = { 0, 0, 0, 5, 10, 10 };
    double w_st[] = { 0, 0, 0, 5, 5, 5 };
    double w_rp[] = { 0, 0, 2, 4, 6, 6 };
    double w_rp2[] = { 0, 0, 2, 4, 6, 8 };
    double w_gr[] = { 100, 110, 121, 133.1, 146.41, 161.051 };
    double w_if[] = { 2, 2, 1, 1, 1, 1 };
    expect_series(&res, yr, 2021, w_yr, 6);
    expect_series(&res, e_interp, 2021, w_ip, 6);
    expect_series(&res, e_step, 2021, w_st, 6);
    expect_series(&res, e_ramp, 2021, w_rp, 6);
    expect_series(&res, e_ramp2, 2021, w_rp2, 6);
    expect_series(&res, e_growth, 2021, w_gr, 6);
    expect_series(&res, e_growth_pct, 2021, w_gr, 6);   /* 10 % is a rate of 0.1 */
    expect_series(&res, e_if, 2021, w_if, 6);
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

/* The same expressions on a param (evaluated by the kernels) and on constants (folded by the
 * compiler) must agree with values worked out by hand. */
static void eval_should_compute_math_functions_folded_or_not(void **state)
{
    (void)state;
    static const struct { TyOp op; int nargs; double a, b, c; double want; } cases[] = {
        { TY_OP_MIN, 3, 4, -2, 7, -2 }, { TY_OP_MAX, 3, 4, -2, 7, 7 },
        { TY_OP_CLAMP, 3, 12, 0, 10, 10 }, { TY_OP_CLAMP, 3, -3, 0, 10, 0 },
        { TY_OP_ABS, 1, -3, 0, 0, 3 }, { TY_OP_EXP, 1, 0, 0, 0, 1 },
        { TY_OP_LOG, 1, 2.718281828459045, 0, 0, 1 }, { TY_OP_LOG, 2, 8, 2, 0, 3 },
        { TY_OP_SQRT, 1, 16, 0, 0, 4 }, { TY_OP_FLOOR, 1, 2.7, 0, 0, 2 },
        { TY_OP_POW, 2, 2, 10, 0, 1024 }, { TY_OP_NEG, 1, 5, 0, 0, -5 },
        { TY_OP_SUB, 2, 5, 7, 0, -2 }, { TY_OP_DIV, 2, 7, 2, 0, 3.5 },
        { TY_OP_LT, 2, 1, 2, 0, 1 }, { TY_OP_LE, 2, 2, 2, 0, 1 }, { TY_OP_GT, 2, 1, 2, 0, 0 },
        { TY_OP_GE, 2, 1, 2, 0, 0 }, { TY_OP_EQ, 2, 3, 3, 0, 1 }, { TY_OP_NE, 2, 3, 3, 0, 0 },
        { TY_OP_AND, 2, 1, 0, 0, 0 }, { TY_OP_OR, 2, 1, 0, 0, 1 }, { TY_OP_NOT, 1, 0, 0, 0, 1 },
        { TY_OP_IF, 3, 0, 5, 6, 6 }, { TY_OP_SUM, 3, 1, 2, 3, 6 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (int folded = 0; folded < 2; folded++) {
            TyModelBuilder *b = model_builder_new();
            param(b, "pa", "1", cases[k].a);
            int a = folded ? num(b, cases[k].a) : ref(b, "pa");
            int bb = num(b, cases[k].b), c = num(b, cases[k].c), n;
            int args[3] = { a, bb, c };
            ok(model_node_call(b, cases[k].op, args, (size_t)cases[k].nargs, &n, &eval_test_err));
            int e = aux(b, "x", "1", n);
            TyModel *m = compile(b, 2021, 2021);
            if (folded) assert_int_equal(model_instruction_count(m), 0);
            TyRunResult res = run1(m, NULL, 0);
            double got = model_result_get(&res, e, 2021);
            if (fabs(got - cases[k].want) > 1e-12)
                fail_msg("%s (case %zu, folded %d): got %.17g, want %.17g",
                         model_op_name(cases[k].op), k, folded, got, cases[k].want);
            model_result_free(&res);
            model_free(m);
            model_builder_free(b);
        }
    }
}

/* Temporaries are reused between sub-expressions: an n-ary sum over computed terms and a
 * sub-expression shared by two operands must each see their own values. p = 4:
 *   sum(1.5p, 2p, p + 1, p - 1, -p) = 6 + 8 + 5 + 3 - 4 = 18
 *   q = 2p shared: (q + 1) * (q - 1) + q = 9 * 7 + 8 = 71 */
static void eval_should_keep_temporaries_apart(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "p", "1", 4);
    int p = ref(b, "p");
    int terms[5] = { call(b, TY_OP_MUL, 2, p, num(b, 1.5)), call(b, TY_OP_MUL, 2, p, num(b, 2)),
                     call(b, TY_OP_ADD, 2, p, num(b, 1)), call(b, TY_OP_SUB, 2, p, num(b, 1)),
                     call(b, TY_OP_NEG, 1, p) };
    int n;
    ok(model_node_call(b, TY_OP_SUM, terms, 5, &n, &eval_test_err));
    int e_sum = aux(b, "total", "1", n);
    int q = call(b, TY_OP_MUL, 2, p, num(b, 2));
    int e_shared = aux(b, "shared", "1",
                       call(b, TY_OP_ADD, 2,
                            call(b, TY_OP_MUL, 2, call(b, TY_OP_ADD, 2, q, num(b, 1)),
                                 call(b, TY_OP_SUB, 2, q, num(b, 1))), q));
    int mx[4] = { call(b, TY_OP_MUL, 2, p, num(b, 3)), call(b, TY_OP_ADD, 2, p, num(b, 9)),
                  call(b, TY_OP_SUB, 2, p, num(b, 9)), call(b, TY_OP_MUL, 2, p, p) };
    ok(model_node_call(b, TY_OP_MAX, mx, 4, &n, &eval_test_err));
    int e_max = aux(b, "biggest", "1", n);
    TyModel *m = compile(b, 2021, 2021);
    TyRunResult res = run1(m, NULL, 0);
    assert_near(model_result_get(&res, e_sum, 2021), 18, 0);
    assert_near(model_result_get(&res, e_shared, 2021), 71, 0);
    assert_near(model_result_get(&res, e_max, 2021), 16, 0);
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

static void eval_should_interpolate_lookup_tables_clamped(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    double xs[] = { 0, 10, 20 }, ys[] = { 0, 100, 150 };
    ok(model_add_lookup(b, "t", "万元", "家", "m.lua:3", xs, ys, 3, NULL, &eval_test_err));
    double xv[] = { -5, 5, 15, 30 };
    param_series(b, "x", "家", 2021, xv, 4);
    int n;
    ok(model_node_lookup(b, "t", ref(b, "x"), &n, &eval_test_err));
    int e = aux(b, "y", "万元", n);
    TyModel *m = compile(b, 2021, 2024);
    TyRunResult res = run1(m, NULL, 0);
    double want[] = { 0, 50, 125, 150 };
    expect_series(&res, e, 2021, want, 4);
    assert_true(isnan(model_result_get(&res, 0, 2021)));   /* a lookup has no values */
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

static void eval_should_convert_units_as_compiled(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "a", "万元", 5000);
    param(b, "bb", "亿元", 2);
    param(b, "rate", "%", 5);
    int x = aux(b, "x", "亿元", call(b, TY_OP_ADD, 2, ref(b, "a"), ref(b, "bb")));
    int r1 = aux(b, "r1", "1", call(b, TY_OP_ADD, 2, num(b, 1), ref(b, "rate")));    /* 1.05 */
    int r2 = aux(b, "r2", "%", call(b, TY_OP_ADD, 2, ref(b, "rate"), num(b, 1)));    /* 105 % */
    int above = aux(b, "above", "1", call(b, TY_OP_GT, 2, ref(b, "rate"), num(b, 0.03)));
    int five_wan;
    ok(model_node_const_unit(b, 5, "万元", &five_wan, &eval_test_err));
    int xs = aux(b, "x_plus", "亿元", call(b, TY_OP_ADD, 2, ref(b, "x"), five_wan));
    /* A 万元/年 flow into an 亿元 stock. */
    int s = stock(b, "fund", "亿元", num(b, 1));
    flow(b, "spend", "万元/年", num(b, 2000));
    ok(model_stock_add_inflow(b, s, "spend", &eval_test_err));
    TyModel *m = compile(b, 2021, 2023);
    TyRunResult res = run1(m, NULL, 0);
    assert_near(model_result_get(&res, x, 2021), 2.5, 1e-12);
    assert_near(model_result_get(&res, r1, 2021), 1.05, 1e-12);
    assert_near(model_result_get(&res, r2, 2021), 105, 1e-9);
    assert_near(model_result_get(&res, above, 2021), 1, 0);
    assert_near(model_result_get(&res, xs, 2021), 2.5005, 1e-12);
    double want_fund[] = { 1, 1.2, 1.4 };
    expect_series(&res, s, 2021, want_fund, 3);
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

/* ---- external functions ---- */

static int eval_test_calls;

static int double_it(void *ctx, int year, const double *x, double *y, size_t n)
{
    double k = *(const double *)ctx;
    eval_test_calls++;
    for (size_t i = 0; i < n; i++) y[i] = k * x[i] + (year == 2022 ? 1 : 0);
    return 0;
}

static int refuse(void *ctx, int year, const double *x, double *y, size_t n)
{
    return year == 2022 ? -1 : double_it(ctx, year, x, y, n);
}

static void eval_should_call_external_functions_per_block(void **state)
{
    (void)state;
    double two = 2;
    TyModelBuilder *b = model_builder_new();
    ok(model_add_extfn(b, "subsidy", "万元", "万元", "policy.lua:1", double_it, &two, &eval_test_err));
    ok(model_add_extfn(b, "broken", "万元", "万元", "policy.lua:2", refuse, &two, &eval_test_err));
    param(b, "spend", "亿元", 1);
    int n;
    ok(model_node_ext(b, "subsidy", ref(b, "spend"), &n, &eval_test_err));
    int e = aux(b, "sub", "万元", n);
    TyModel *m = compile(b, 2021, 2022);
    eval_test_calls = 0;
    TyRunResult res = run1(m, NULL, 0);
    assert_near(model_result_get(&res, e, 2021), 20000, 0);   /* 1 亿元 = 10000 万元, doubled */
    assert_near(model_result_get(&res, e, 2022), 20001, 0);
    assert_int_equal(eval_test_calls, 2);
    model_result_free(&res);
    model_free(m);

    ok(model_node_ext(b, "broken", ref(b, "spend"), &n, &eval_test_err));
    aux(b, "bad", "万元", n);
    m = compile(b, 2021, 2022);
    TyError err;
    assert_int_equal(model_run_single(m, NULL, 0, &res, &err), TY_EDATA);
    char buf[600];
    assert_string_equal(ty_error_format(&err, buf, sizeof buf),
                        "m.lua:5: function 'broken' failed in 'bad' in 2022");
    model_free(m);
    model_builder_free(b);
}

/* ---- samples and blocks ---- */

/* A model where every sample's path depends on its own parameter values. */
static TyModel *sample_model(void)
{
    TyModelBuilder *b = model_builder_new();
    param(b, "g", "1", 0.05);
    param(b, "k", "1", 3);
    double hist[] = { 1, 1 };
    int s = stock(b, "s", "1", call(b, TY_OP_MUL, 2, ref(b, "k"), num(b, 10)));
    int f = flow(b, "f", "1",
                 call(b, TY_OP_ADD, 2, call(b, TY_OP_MUL, 2, ref(b, "s"), ref(b, "g")),
                      call(b, TY_OP_MIN, 2, delay(b, "s", 2, -1), ref(b, "k"))));
    ok(model_set_history(b, s, 2019, hist, 2, &eval_test_err));
    ok(model_stock_add_inflow(b, s, "f", &eval_test_err));
    aux(b, "y", "1", call(b, TY_OP_IF, 3, call(b, TY_OP_GT, 2, ref(b, "f"), num(b, 2)),
                          call(b, TY_OP_LOG, 1, ref(b, "s")), ref(b, "g")));
    (void)f;
    /* Per-sample values through interp, lookup, step and growth. */
    double xs[] = { 0, 4, 8 }, ys[] = { 1, 3, 2 }, years[] = { 2023, 2030 };
    ok(model_add_lookup(b, "tab", "1", NULL, "m.lua:8", xs, ys, 3, NULL, &eval_test_err));
    int vals[] = { ref(b, "g"), ref(b, "k") }, ip, lk;
    ok(model_node_interp(b, years, vals, 2, &ip, &eval_test_err));
    ok(model_node_lookup(b, "tab", ref(b, "k"), &lk, &eval_test_err));
    aux(b, "z", "1", call(b, TY_OP_SUM, 4, ip, lk, call(b, TY_OP_STEP, 2, num(b, 2026), ref(b, "k")),
                          call(b, TY_OP_GROWTH, 2, ref(b, "k"), ref(b, "g"))));
    TyModel *m = compile(b, 2021, 2035);
    model_builder_free(b);
    return m;
}

typedef struct BlockLog {
    size_t calls;
    size_t covered;     /* samples delivered for (first year, element y) */
    int y_elem;
} BlockLog;

static TyStatus log_block(void *ctx, int year, int elem, const double *values, size_t offset,
                          size_t n, TyError *err)
{
    BlockLog *log = ctx;
    log->calls++;
    if (year == 2021 && elem == log->y_elem) {
        assert_true(offset == log->covered);   /* blocks in order, no gaps */
        log->covered += n;
    }
    for (size_t i = 0; i < n; i++) assert_true(isfinite(values[i]));
    return TY_OK;
}

static void eval_should_agree_with_single_runs_across_block_boundaries(void **state)
{
    (void)state;
    TyModel *m = sample_model();
    int tracked[] = { model_element_find(m, "s"), model_element_find(m, "f"),
                      model_element_find(m, "y"), model_element_find(m, "z") };
    const size_t sizes[] = { 1, 255, 256, 257, 1000 };
    int ny = 15;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t S = sizes[z];
        double *g = malloc(S * sizeof(double)), *k = malloc(S * sizeof(double));
        double *out = malloc(4 * (size_t)ny * S * sizeof(double));
        for (size_t i = 0; i < S; i++) {
            g[i] = 0.01 + 0.0001 * (double)i;
            k[i] = 1 + (double)(i % 7);
        }
        TyOverride ov[] = { { "g", model_value_samples(g, S) }, { "k", model_value_samples(k, S) } };
        BlockLog log = { 0, 0, tracked[2] };
        TyRunOptions opt = { .nsamples = S, .overrides = ov, .noverrides = 2, .tracked = tracked,
                             .ntracked = 4, .on_block = log_block, .ctx = &log, .out = out };
        TyError err;
        assert_int_equal(model_run(m, &opt, &err), TY_OK);
        assert_int_equal(log.covered, S);
        assert_int_equal(log.calls, 4 * (size_t)ny * ((S + TY_EVAL_BLOCK - 1) / TY_EVAL_BLOCK));
        /* Every sample equals a deterministic run with that sample's values. */
        for (size_t i = 0; i < S; i += (S > 300 ? 37 : 1)) {
            TyOverride one[] = { { "g", model_value_scalar(g[i]) }, { "k", model_value_scalar(k[i]) } };
            TyRunResult res = run1(m, one, 2);
            for (int t = 0; t < 4; t++)
                for (int yi = 0; yi < ny; yi++) {
                    double want = model_result_get(&res, tracked[t], 2021 + yi);
                    double got = out[((size_t)t * (size_t)ny + (size_t)yi) * S + i];
                    if (got != want)
                        fail_msg("S=%zu sample %zu elem %d year %d: %.17g != %.17g", S, i,
                                 tracked[t], 2021 + yi, got, want);
                }
            model_result_free(&res);
        }
        /* The last sample is always checked, whatever the stride. */
        TyOverride last[] = { { "g", model_value_scalar(g[S - 1]) }, { "k", model_value_scalar(k[S - 1]) } };
        TyRunResult res = run1(m, last, 2);
        assert_true(out[((size_t)2 * (size_t)ny + 14) * S + S - 1] == model_result_get(&res, tracked[2], 2035));
        model_result_free(&res);
        free(g);
        free(k);
        free(out);
    }
    model_free(m);
}

static void eval_should_take_per_sample_values_by_year(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "shock", "1", 0);
    int y = aux(b, "y", "1", call(b, TY_OP_MUL, 2, ref(b, "shock"), num(b, 2)));
    TyModel *m = compile(b, 2021, 2023);
    model_builder_free(b);
    double v[] = { 1, 2, 10, 20, 100, 200 };   /* [year][sample], 2 samples */
    TyOverride ov = { "shock", { TY_VALUE_SAMPLES_BY_YEAR, 0, v, 6, 0 } };
    double out[6];
    TyRunOptions opt = { .nsamples = 2, .overrides = &ov, .noverrides = 1, .tracked = &y,
                         .ntracked = 1, .out = out };
    TyError err;
    assert_int_equal(model_run(m, &opt, &err), TY_OK);
    double want[] = { 2, 4, 20, 40, 200, 400 };
    for (int i = 0; i < 6; i++) assert_near(out[i], want[i], 0);
    model_free(m);
}

/* ---- overrides ---- */

static TyModel *override_model(void)
{
    TyModelBuilder *b = model_builder_new();
    param(b, "growth_rate", "%", 5);
    TyValue d = model_value_scalar(0);
    ok(model_add_lever(b, "extra_certs", "家/年", "m.lua:3", &d, NULL, &eval_test_err));
    aux(b, "gdp", "亿元", call(b, TY_OP_GROWTH, 2, num(b, 100), ref(b, "growth_rate")));
    int s = stock(b, "hte", "家", num(b, 50));
    ok(model_stock_add_inflow(b, s, "extra_certs", &eval_test_err));
    TyModel *m = compile(b, 2021, 2023);
    model_builder_free(b);
    return m;
}

static void expect_run_error(const TyModel *m, const TyOverride *ov, size_t nov, TyStatus code,
                             const char *text)
{
    TyRunResult res;
    TyError err;
    char buf[1000];
    TyStatus st = model_run_single(m, ov, nov, &res, &err);
    ty_error_format(&err, buf, sizeof buf);
    if (st != code) fail_msg("status %d, expected %d: %s", st, code, buf);
    assert_null(res.values);
    assert_string_equal(buf, text);
}

static void eval_should_apply_overrides_in_order(void **state)
{
    (void)state;
    TyModel *m = override_model();
    int gdp = model_element_find(m, "gdp"), hte = model_element_find(m, "hte");
    TyRunResult res = run1(m, NULL, 0);
    double w_gdp[] = { 100, 105, 110.25 }, w_hte[] = { 50, 50, 50 };
    expect_series(&res, gdp, 2021, w_gdp, 3);
    expect_series(&res, hte, 2021, w_hte, 3);
    model_result_free(&res);

    double certs[] = { 99, 10, 20, 30, 99 };
    TyOverride ov[] = {
        { "growth_rate", model_value_scalar(20) },
        { "growth_rate", model_value_scalar(10) },               /* later wins */
        { "extra_certs", model_value_series(2020, certs, 5) },  /* extra years are ignored */
    };
    res = run1(m, ov, 3);
    double w_gdp2[] = { 100, 110, 121 }, w_hte2[] = { 50, 60, 80 };
    expect_series(&res, gdp, 2021, w_gdp2, 3);
    expect_series(&res, hte, 2021, w_hte2, 3);
    model_result_free(&res);
    model_free(m);
}

static void eval_should_reject_bad_overrides(void **state)
{
    (void)state;
    TyModel *m = override_model();
    TyOverride typo = { "growth_rat", model_value_scalar(1) };
    expect_run_error(m, &typo, 1, TY_ESCRIPT,
                     "no parameter or lever named 'growth_rat'; did you mean 'growth_rate'?");
    TyOverride none = { "population", model_value_scalar(1) };
    expect_run_error(m, &none, 1, TY_ESCRIPT, "no parameter or lever named 'population'");
    TyOverride on_aux = { "gdp", model_value_scalar(1) };
    expect_run_error(m, &on_aux, 1, TY_ESCRIPT,
                     "'gdp' is an aux, not a parameter or lever: it cannot be set");
    TyOverride on_stock = { "hte", model_value_scalar(1) };
    expect_run_error(m, &on_stock, 1, TY_ESCRIPT,
                     "'hte' is a stock, not a parameter or lever: it cannot be set");
    double short_series[] = { 1, 2 };
    TyOverride gap = { "extra_certs", model_value_series(2021, short_series, 2) };
    expect_run_error(m, &gap, 1, TY_EDATA, "the series set for 'extra_certs' has no value for 2023");
    TyOverride inf = { "growth_rate", model_value_scalar(INFINITY) };
    expect_run_error(m, &inf, 1, TY_EDATA, "the value set for 'growth_rate' is not finite");
    double samples[] = { 1, 2 };
    TyOverride wrong_n = { "growth_rate", model_value_samples(samples, 2) };
    expect_run_error(m, &wrong_n, 1, TY_EDATA,
                     "'growth_rate' is set to 2 values, but the run needs 1 (one per sample)");
    model_free(m);

    TyModelBuilder *b = model_builder_new();
    ok(model_add_param(b, "unset", "1", "m.lua:9", NULL, NULL, &eval_test_err));
    m = compile(b, 2021, 2022);
    model_builder_free(b);
    expect_run_error(m, NULL, 0, TY_ESCRIPT,
                     "m.lua:9: param 'unset' has no value: give it a default or set it for the run");
    TyOverride set = { "unset", model_value_scalar(3) };
    TyRunResult res = run1(m, &set, 1);
    assert_near(model_result_get(&res, 0, 2022), 3, 0);
    model_result_free(&res);
    model_free(m);
}

/* Values computed from parameters alone are computed once a block after the first year, in
 * slots of their own: temporaries reused by year-dependent work around them must not disturb
 * them, and every year must still equal a run of the sample alone. */
static void eval_should_keep_invariant_values_across_years(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "g", "1", 0.05);
    param(b, "k", "1", 3);
    int yr;
    ok(model_node_year(b, &yr, &eval_test_err));
    /* h = (k * 2 + g) * (k - g): temporaries, no year; w mixes them with the year's values. */
    int h = call(b, TY_OP_MUL, 2, call(b, TY_OP_ADD, 2, call(b, TY_OP_MUL, 2, ref(b, "k"), num(b, 2)),
                                      ref(b, "g")),
                 call(b, TY_OP_SUB, 2, ref(b, "k"), ref(b, "g")));
    aux(b, "w", "1", call(b, TY_OP_ADD, 2,
                          call(b, TY_OP_MUL, 2, call(b, TY_OP_GROWTH, 2, ref(b, "k"), ref(b, "g")), h),
                          call(b, TY_OP_SUB, 2, yr, call(b, TY_OP_MUL, 2,
                                                                               ref(b, "g"), ref(b, "k")))));
    aux(b, "v", "1", call(b, TY_OP_IF, 3, call(b, TY_OP_EQ, 2, yr, num(b, 2021)),
                          ref(b, "k"), call(b, TY_OP_DIV, 2, ref(b, "w"), ref(b, "k"))));
    TyModel *m = compile(b, 2021, 2040);
    model_builder_free(b);
    int tracked[] = { model_element_find(m, "w"), model_element_find(m, "v") };
    enum { S = 300, NY = 20 };
    double g[S], k[S];
    static double out[2 * NY * S];
    for (size_t i = 0; i < S; i++) {
        g[i] = -0.02 + 0.0003 * (double)i;
        k[i] = 1 + (double)(i % 5);
    }
    TyOverride ov[] = { { "g", model_value_samples(g, S) }, { "k", model_value_samples(k, S) } };
    TyRunOptions opt = { .nsamples = S, .overrides = ov, .noverrides = 2, .tracked = tracked,
                         .ntracked = 2, .out = out };
    TyError err;
    assert_int_equal(model_run(m, &opt, &err), TY_OK);
    for (size_t i = 0; i < S; i += 7) {
        TyOverride one[] = { { "g", model_value_scalar(g[i]) }, { "k", model_value_scalar(k[i]) } };
        TyRunResult res = run1(m, one, 2);
        for (int t = 0; t < 2; t++)
            for (int yi = 0; yi < NY; yi++) {
                double want = model_result_get(&res, tracked[t], 2021 + yi);
                double got = out[((size_t)t * NY + (size_t)yi) * S + i];
                if (got != want)
                    fail_msg("sample %zu elem %d year %d: %.17g != %.17g", i, tracked[t], 2021 + yi,
                             got, want);
            }
        model_result_free(&res);
    }
    model_free(m);
}

/* ---- non-finite values ---- */

static void eval_should_name_the_first_non_finite_value(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    double pv[] = { 4, 3, 2, 1 };
    param_series(b, "p", "1", 2021, pv, 4);
    /* y is computed first in the program but depends on x; the error must name x. */
    int y = aux(b, "y", "1", call(b, TY_OP_MUL, 2, ref(b, "x"), num(b, 2)));
    int x;
    ok(model_add_aux(b, "x", "1", "m.lua:12",
                     call(b, TY_OP_DIV, 2, num(b, 1), call(b, TY_OP_SUB, 2, ref(b, "p"), num(b, 2))),
                     &x, &eval_test_err));
    TyModel *m = compile(b, 2021, 2024);
    model_builder_free(b);
    expect_run_error(m, NULL, 0, TY_EDATA, "m.lua:12: 'x' is not finite (inf) in 2023");

    /* Allowed: the inf reaches the outputs, in year 2023 only. */
    double out[2 * 4];
    int tracked[] = { x, y };
    TyRunOptions opt = { .nsamples = 1, .tracked = tracked, .ntracked = 2, .out = out,
                         .allow_nonfinite = 1 };
    TyError err;
    assert_int_equal(model_run(m, &opt, &err), TY_OK);
    assert_near(out[0], 0.5, 0);
    assert_true(isinf(out[2]) && isinf(out[4 + 2]));
    assert_near(out[3], -1, 0);

    /* With samples, the sample is named. */
    double pvals[300];
    for (int i = 0; i < 300; i++) pvals[i] = i == 270 ? 2 : 5;
    TyOverride ov = { "p", model_value_samples(pvals, 300) };
    TyRunOptions opt2 = { .nsamples = 300, .overrides = &ov, .noverrides = 1 };
    assert_int_equal(model_run(m, &opt2, &err), TY_EDATA);
    char buf[600];
    assert_string_equal(ty_error_format(&err, buf, sizeof buf),
                        "m.lua:12: 'x' is not finite (inf) in 2021, sample 271");
    model_free(m);
}

static TyStatus stop_at_2022(void *ctx, int year, int elem, const double *values, size_t offset,
                             size_t n, TyError *err)
{
    if (year < 2022) return TY_OK;
    return ty_error_set(err, TY_EOUTPUT, "disk full while writing %d", year);
}

static void eval_should_stop_when_the_output_callback_fails(void **state)
{
    (void)state;
    TyModel *m = override_model();
    int gdp = model_element_find(m, "gdp");
    TyRunOptions opt = { .nsamples = 10, .tracked = &gdp, .ntracked = 1, .on_block = stop_at_2022 };
    TyError err;
    assert_int_equal(model_run(m, &opt, &err), TY_EOUTPUT);
    assert_string_equal(err.msg, "disk full while writing 2022");
    int bad = 99;
    TyRunOptions opt2 = { .nsamples = 1, .tracked = &bad, .ntracked = 1 };
    assert_int_equal(model_run(m, &opt2, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "run options: no element 99 to track");
    TyRunOptions opt3 = { .nsamples = 0 };
    assert_int_equal(model_run(m, &opt3, &err), TY_ESCRIPT);
    model_free(m);
}

static void eval_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    (void)state;
    TyModel *m = sample_model();
    int succeeded = 0;
    for (long n = 0; n < 1000 && !succeeded; n++) {
        TyRunResult res;
        TyError err;
        ty_alloc_fail_after(n);
        TyStatus st = model_run_single(m, NULL, 0, &res, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) {
            succeeded = 1;
            model_result_free(&res);
        } else {
            assert_int_equal(st, TY_ENOMEM);
            assert_null(res.values);
        }
    }
    assert_true(succeeded);
    model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eval_should_accumulate_a_constant_inflow),
        cmocka_unit_test(eval_should_update_stocks_feeding_each_other_from_the_same_year),
        cmocka_unit_test(eval_should_feed_a_stock_from_a_delayed_flow),
        cmocka_unit_test(eval_should_run_the_certificate_cohort_model),
        cmocka_unit_test(eval_should_delay_stocks_and_use_a_delay_initial_value),
        cmocka_unit_test(eval_should_compute_time_functions),
        cmocka_unit_test(eval_should_compute_math_functions_folded_or_not),
        cmocka_unit_test(eval_should_keep_temporaries_apart),
        cmocka_unit_test(eval_should_interpolate_lookup_tables_clamped),
        cmocka_unit_test(eval_should_convert_units_as_compiled),
        cmocka_unit_test(eval_should_call_external_functions_per_block),
        cmocka_unit_test(eval_should_agree_with_single_runs_across_block_boundaries),
        cmocka_unit_test(eval_should_take_per_sample_values_by_year),
        cmocka_unit_test(eval_should_apply_overrides_in_order),
        cmocka_unit_test(eval_should_reject_bad_overrides),
        cmocka_unit_test(eval_should_keep_invariant_values_across_years),
        cmocka_unit_test(eval_should_name_the_first_non_finite_value),
        cmocka_unit_test(eval_should_stop_when_the_output_callback_fails),
        cmocka_unit_test(eval_should_fail_cleanly_on_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
