/* test_optim.c — the bounded Levenberg–Marquardt least squares of core/optim.h on problems whose
 * answers are derived by hand here: a straight line through four points (estimates, standard
 * errors and covariance from the normal equations), Rosenbrock's function unbounded (minimum
 * (1, 1)) and with x1 <= 0.5 (the bound binds; x2 = 0.25, se 0.05), dependent and dead
 * parameters reported as not identified, bad problems, a failing residual function, allocation
 * failures, and the same bits from two runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/optim.h"

/* y = a + b t through (0,1) (1,3) (2,2) (3,5). By hand: Σt = 6, Σt² = 14, Σy = 11, Σty = 22;
 * 4a + 6b = 11, 6a + 14b = 22, det 20: a = (154 - 132)/20 = 1.1, b = (88 - 66)/20 = 1.1.
 * Residuals y - ŷ: -0.1, 0.8, -1.3, 0.6; SSR 2.70; s² = 2.70 / (4 - 2) = 1.35.
 * (XᵀX)⁻¹ = [[14, -6], [-6, 4]] / 20: var a = 0.945, var b = 0.27, cov = -0.405. */
static const double LT[4] = { 0, 1, 2, 3 }, LY[4] = { 1, 3, 2, 5 };

static TyStatus line(void *ctx, const double *x, double *r, TyError *err)
{
    (void)ctx; (void)err;
    for (int i = 0; i < 4; i++) r[i] = x[0] + x[1] * LT[i] - LY[i];
    return TY_OK;
}

static TyStatus rosenbrock(void *ctx, const double *x, double *r, TyError *err)
{
    (void)ctx; (void)err;
    r[0] = 10.0 * (x[1] - x[0] * x[0]);
    r[1] = 1.0 - x[0];
    return TY_OK;
}

static const double NO_LO[4] = { -HUGE_VAL, -HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
static const double NO_HI[4] = { HUGE_VAL, HUGE_VAL, HUGE_VAL, HUGE_VAL };

static void lsq_should_solve_a_straight_line_as_the_normal_equations_do(void **state)
{
    (void)state;
    TyLsqProblem p = { 2, 4, NO_LO, NO_HI, line, NULL };
    double x0[2] = { 0, 0 };
    TyLsqResult res;
    TyError err;
    assert_int_equal(ty_lsq_solve(&p, NULL, x0, &res, &err), TY_OK);
    assert_true(res.converged);
    /* to 1e-7: nearer, f = 2.7 changes by less than its last bit (14 × (1e-8)² < 4e-16) */
    assert_true(fabs(res.x[0] - 1.1) < 1e-7);
    assert_true(fabs(res.x[1] - 1.1) < 1e-7);
    assert_true(fabs(res.f - 2.70) < 1e-9);
    assert_int_equal(res.dof, 2);
    assert_true(fabs(res.sigma2 - 1.35) < 1e-9);
    assert_true(fabs(res.se[0] - sqrt(0.945)) < 1e-6);
    assert_true(fabs(res.se[1] - sqrt(0.27)) < 1e-6);
    assert_true(fabs(res.cov[1] - (-0.405)) < 1e-6);
    assert_true(fabs(res.cov[2] - (-0.405)) < 1e-6);
    const double resid[4] = { 0.1, -0.8, 1.3, -0.6 };    /* model - data */
    for (int i = 0; i < 4; i++) assert_true(fabs(res.r[i] - resid[i]) < 1e-7);
    for (int i = 0; i < 4; i++) {                        /* dr_i/da = 1, dr_i/db = t_i */
        assert_true(fabs(res.jac[i * 2] - 1.0) < 1e-6);
        assert_true(fabs(res.jac[i * 2 + 1] - LT[i]) < 1e-6);
    }
    assert_int_equal(res.state[0], TY_LSQ_FREE);
    assert_int_equal(res.state[1], TY_LSQ_FREE);
    ty_lsq_result_free(&res);
}

static void lsq_should_find_rosenbrocks_minimum_from_the_classic_start(void **state)
{
    (void)state;
    TyLsqProblem p = { 2, 2, NO_LO, NO_HI, rosenbrock, NULL };
    double x0[2] = { -1.2, 1.0 };
    TyLsqResult res;
    TyError err;
    assert_int_equal(ty_lsq_solve(&p, NULL, x0, &res, &err), TY_OK);
    assert_true(res.converged);
    assert_true(fabs(res.x[0] - 1.0) < 1e-6);
    assert_true(fabs(res.x[1] - 1.0) < 1e-6);
    assert_true(res.f < 1e-12);
    assert_true(res.iterations < 100);
    ty_lsq_result_free(&res);
}

/* With x1 in [-2, 0.5], x2 in [-1, 3]: along x2 = x1² f = (1 - x1)², least at the largest x1, so
 * x1 = 0.5 binds, x2 = 0.25, f = 0.25. The one free parameter: J's x2 column (10, 0), JᵀJ = 100,
 * dof = 2 - 1, s² = 0.25, se(x2) = sqrt(0.25 / 100) = 0.05. */
static void lsq_should_stop_at_a_binding_bound_and_say_so(void **state)
{
    (void)state;
    const double lo[2] = { -2, -1 }, hi[2] = { 0.5, 3 };
    TyLsqProblem p = { 2, 2, lo, hi, rosenbrock, NULL };
    double x0[2] = { -1.2, 1.0 };
    TyLsqResult res;
    TyError err;
    assert_int_equal(ty_lsq_solve(&p, NULL, x0, &res, &err), TY_OK);
    assert_true(res.converged);
    assert_true(res.x[0] == 0.5);
    assert_true(fabs(res.x[1] - 0.25) < 1e-7);
    assert_true(fabs(res.f - 0.25) < 1e-10);
    assert_int_equal(res.state[0], TY_LSQ_AT_HI);
    assert_int_equal(res.state[1], TY_LSQ_FREE);
    assert_true(isnan(res.se[0]));
    assert_true(fabs(res.se[1] - 0.05) < 1e-6);
    for (int j = 0; j < 2; j++) assert_true(res.x[j] >= lo[j] && res.x[j] <= hi[j]);
    ty_lsq_result_free(&res);

    /* a start outside the box is brought into it; a box of one point holds its parameter */
    const double lo2[2] = { 0.3, 0.09 }, hi2[2] = { 0.3, 3 };
    TyLsqProblem p2 = { 2, 2, lo2, hi2, rosenbrock, NULL };
    double x1[2] = { 5, -4 };
    assert_int_equal(ty_lsq_solve(&p2, NULL, x1, &res, &err), TY_OK);
    assert_true(res.x[0] == 0.3);
    assert_true(fabs(res.x[1] - 0.09) < 1e-7);
    ty_lsq_result_free(&res);
}

/* r = (x1 + x2 - 1, x1 + x2 - 2, 0·x3): x2's column equals x1's, x3's is zero. */
static TyStatus dependent(void *ctx, const double *x, double *r, TyError *err)
{
    (void)ctx; (void)err;
    r[0] = x[0] + x[1] - 1.0;
    r[1] = x[0] + x[1] - 2.0;
    r[2] = 0.0 * x[2];
    return TY_OK;
}

static void lsq_should_report_parameters_the_data_cannot_tell_apart(void **state)
{
    (void)state;
    TyLsqProblem p = { 3, 3, NO_LO, NO_HI, dependent, NULL };
    double x0[3] = { 0, 0, 7 };
    TyLsqResult res;
    TyError err;
    assert_int_equal(ty_lsq_solve(&p, NULL, x0, &res, &err), TY_OK);
    assert_true(fabs(res.x[0] + res.x[1] - 1.5) < 1e-9);    /* x1 + x2 = mean of 1 and 2 */
    assert_true(res.x[2] == 7.0);
    assert_int_equal(res.state[0], TY_LSQ_FREE);
    assert_int_equal(res.state[1], TY_LSQ_UNIDENTIFIED);
    assert_int_equal(res.state[2], TY_LSQ_UNIDENTIFIED);
    assert_true(isnan(res.se[1]) && isnan(res.se[2]));
    /* x1 alone: column (1, 1, 0), JᵀJ = 2; SSR 0.5 over dof 3 - 1: s² = 0.25, se = sqrt(0.125) */
    assert_true(fabs(res.se[0] - sqrt(0.125)) < 1e-6);
    ty_lsq_result_free(&res);
}

static int calls;
static TyStatus failing(void *ctx, const double *x, double *r, TyError *err)
{
    (void)ctx;
    r[0] = x[0] - 3.0;
    if (++calls > 4) return ty_error_set(err, TY_EDATA, "model broke at call %d", calls);
    return TY_OK;
}

static TyStatus nan_at_start(void *ctx, const double *x, double *r, TyError *err)
{
    (void)ctx; (void)err;
    r[0] = x[0] < 0 ? NAN : x[0] - 1.0;
    return TY_OK;
}

static void lsq_should_refuse_bad_problems_and_pass_on_failures(void **state)
{
    (void)state;
    TyLsqResult res;
    TyError err;
    const double lo[1] = { 2 }, hi[1] = { 1 };
    double x0[1] = { 1.5 };
    TyLsqProblem bad = { 1, 1, lo, hi, failing, NULL };
    assert_int_equal(ty_lsq_solve(&bad, NULL, x0, &res, &err), TY_EUSAGE);
    assert_non_null(strstr(err.msg, "lower bound 2 above upper bound 1"));
    TyLsqProblem none = { 0, 1, lo, hi, failing, NULL };
    assert_int_equal(ty_lsq_solve(&none, NULL, x0, &res, &err), TY_EUSAGE);

    calls = 0;
    TyLsqProblem p = { 1, 1, NO_LO, NO_HI, failing, NULL };
    double start[1] = { 0 };
    assert_int_equal(ty_lsq_solve(&p, NULL, start, &res, &err), TY_EDATA);
    assert_string_equal(err.msg, "model broke at call 5");
    assert_null(res.x);

    TyLsqProblem q = { 1, 1, NO_LO, NO_HI, nan_at_start, NULL };
    double neg[1] = { -1 };
    assert_int_equal(ty_lsq_solve(&q, NULL, neg, &res, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "not finite at the starting point"));
    double pos[1] = { 0.5 };                   /* NaN on the far side of 0 is only a failed step */
    assert_int_equal(ty_lsq_solve(&q, NULL, pos, &res, &err), TY_OK);
    assert_true(fabs(res.x[0] - 1.0) < 1e-9);
    ty_lsq_result_free(&res);

    TyLsqOptions o;                            /* out of iterations: not converged, and says so */
    ty_lsq_defaults(&o);
    o.max_iter = 1;
    TyLsqProblem rb = { 2, 2, NO_LO, NO_HI, rosenbrock, NULL };
    double x1[2] = { -1.2, 1.0 };
    assert_int_equal(ty_lsq_solve(&rb, &o, x1, &res, &err), TY_OK);
    assert_false(res.converged);
    assert_non_null(strstr(res.why, "stopped after 1 iterations"));
    ty_lsq_result_free(&res);
}

static void lsq_should_fail_cleanly_when_memory_runs_out(void **state)
{
    (void)state;
    TyLsqProblem p = { 2, 4, NO_LO, NO_HI, line, NULL };
    double x0[2] = { 0, 0 };
    TyLsqResult res;
    TyError err;
    TyStatus st = TY_ENOMEM;
    long n;
    for (n = 0; n < 100 && st == TY_ENOMEM; n++) {
        ty_alloc_fail_after(n);
        st = ty_lsq_solve(&p, NULL, x0, &res, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_ENOMEM) assert_null(res.x);
    }
    assert_int_equal(st, TY_OK);
    assert_true(n > 3);
    ty_lsq_result_free(&res);
}

/* A box so narrow (1e-320 wide, at 0) that the difference step underflows to 0: that column is
 * held at 0, the other parameter still fitted (r = (x1 - 2, 1e300 x2)). */
static TyStatus tiny_box(void *ctx, const double *x, double *r, TyError *err)
{
    (void)ctx; (void)err;
    r[0] = x[0] - 2.0;
    r[1] = 1e300 * x[1];
    return TY_OK;
}

static void lsq_should_hold_a_parameter_whose_step_underflows(void **state)
{
    (void)state;
    const double lo[2] = { -HUGE_VAL, -5e-321 }, hi[2] = { HUGE_VAL, 5e-321 };
    TyLsqProblem p = { 2, 2, lo, hi, tiny_box, NULL };
    double x0[2] = { 0, 0 };
    TyLsqResult res;
    TyError err;
    assert_int_equal(ty_lsq_solve(&p, NULL, x0, &res, &err), TY_OK);
    assert_true(fabs(res.x[0] - 2.0) < 1e-9);
    assert_true(res.x[1] == 0.0);
    assert_true(res.jac[1] == 0.0 && res.jac[3] == 0.0);
    assert_int_equal(res.state[1], TY_LSQ_UNIDENTIFIED);
    ty_lsq_result_free(&res);
}

static void lsq_should_give_the_same_bits_twice(void **state)
{
    (void)state;
    const double lo[2] = { -2, -1 }, hi[2] = { 2, 3 };
    TyLsqProblem p = { 2, 2, lo, hi, rosenbrock, NULL };
    double x0[2] = { -1.2, 1.0 };
    TyLsqResult a, b;
    TyError err;
    assert_int_equal(ty_lsq_solve(&p, NULL, x0, &a, &err), TY_OK);
    assert_int_equal(ty_lsq_solve(&p, NULL, x0, &b, &err), TY_OK);
    assert_memory_equal(a.x, b.x, 2 * sizeof(double));
    assert_memory_equal(a.jac, b.jac, 4 * sizeof(double));
    assert_memory_equal(&a.f, &b.f, sizeof(double));
    assert_int_equal(a.evaluations, b.evaluations);
    ty_lsq_result_free(&a);
    ty_lsq_result_free(&b);
}

/* [[4, 2], [2, 3]]⁻¹ = [[3, -2], [-2, 4]] / 8; [[1, 1], [1, 1]] is singular at pivot 1. */
static void spd_inverse_should_invert_and_find_the_dependent_column(void **state)
{
    (void)state;
    double a[4] = { 4, 2, 2, 3 };
    assert_int_equal(ty_spd_inverse(a, 2, 1e-12), -1);
    const double want[4] = { 0.375, -0.25, -0.25, 0.5 };
    for (int i = 0; i < 4; i++) assert_true(fabs(a[i] - want[i]) < 1e-15);
    double s[4] = { 1, 1, 1, 1 };
    assert_int_equal(ty_spd_inverse(s, 2, 1e-12), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lsq_should_solve_a_straight_line_as_the_normal_equations_do),
        cmocka_unit_test(lsq_should_find_rosenbrocks_minimum_from_the_classic_start),
        cmocka_unit_test(lsq_should_stop_at_a_binding_bound_and_say_so),
        cmocka_unit_test(lsq_should_report_parameters_the_data_cannot_tell_apart),
        cmocka_unit_test(lsq_should_refuse_bad_problems_and_pass_on_failures),
        cmocka_unit_test(lsq_should_fail_cleanly_when_memory_runs_out),
        cmocka_unit_test(lsq_should_hold_a_parameter_whose_step_underflows),
        cmocka_unit_test(lsq_should_give_the_same_bits_twice),
        cmocka_unit_test(spd_inverse_should_invert_and_find_the_dependent_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
