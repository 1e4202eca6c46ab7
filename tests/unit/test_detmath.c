/* test_detmath.c — tuiyan's own exp, log, pow and erfc (core/detmath.h): within 8 ulp of glibc
 * over sweeps of deterministic pseudo-random arguments and grids (across the whole exponent
 * range, subnormals, near 1, large and negative exponents, the overflow and underflow
 * thresholds), C99 Annex F's special values exactly, exact results where the answer is
 * representable, and a checksum of the bits of a fixed sweep: the same on every machine, so
 * a change to the arithmetic (or FMA contraction creeping into the build) shows here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/detmath.h"

#define MAX_ULP 8.0

static uint64_t rng_state;

static uint64_t next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double unit(void) { return (double)(next() >> 11) * 0x1p-53; }   /* [0, 1) */

/* The doubles in order as integers: their difference counts the representable values between. */
static int64_t ordered(double x)
{
    int64_t i;
    memcpy(&i, &x, sizeof i);
    return i < 0 ? INT64_MIN - i : i;
}

/* How many ulps apart; NaN against NaN is 0, NaN against a number is huge. */
static double ulps(double a, double b)
{
    if (a != a || b != b) return (a != a && b != b) ? 0.0 : 1e300;
    if (a == b) return 0.0;
    return fabs((double)(ordered(a) - ordered(b)));
}

typedef struct Worst {
    double ulp, x, y, got, want;
    long n;
} Worst;

static void track(Worst *w, double got, double want, double x, double y)
{
    double d = ulps(got, want);
    w->n++;
    if (d > w->ulp) {
        w->ulp = d;
        w->x = x;
        w->y = y;
        w->got = got;
        w->want = want;
    }
}

static void check_worst(const Worst *w, const char *name)
{
    print_message("%s: %ld arguments, worst %.0f ulp at (%a, %a): %a, glibc %a\n", name, w->n,
                  w->ulp, w->x, w->y, w->got, w->want);
    if (w->ulp > MAX_ULP)
        fail_msg("%s(%a, %a) = %a, glibc %a: %.0f ulp apart (at most %.0f)", name, w->x, w->y,
                 w->got, w->want, w->ulp, MAX_ULP);
}

static void one_exp(Worst *w, double x) { track(w, ty_exp(x), exp(x), x, 0.0); }
static void one_log(Worst *w, double x) { track(w, ty_log(x), log(x), x, 0.0); }
static void one_pow(Worst *w, double x, double y) { track(w, ty_pow(x, y), pow(x, y), x, y); }

static void detmath_should_stay_within_8_ulp_of_glibc_for_exp(void **state)
{
    (void)state;
    Worst w = {0};
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 400000; i++) one_exp(&w, (2.0 * unit() - 1.0) * 746.0);
    for (int i = 0; i < 200000; i++) one_exp(&w, (2.0 * unit() - 1.0) * ldexp(1.0, -(int)(next() % 60)));
    for (int i = -7460; i <= 7460; i++) one_exp(&w, i * 0.1);
    /* around the overflow (709.78) and underflow (-708.4 subnormal, -745.13 zero) thresholds */
    for (int i = -2000; i <= 2000; i++) {
        one_exp(&w, 709.782712893384 + i * 1e-13);
        one_exp(&w, -708.3964185322641 + i * 1e-3);
        one_exp(&w, -745.1332191019411 + i * 1e-12);
        one_exp(&w, -744.0 + i * 1e-3);
    }
    double edge[] = { 0.0, -0.0, 0x1p-1074, -0x1p-1074, 0x1p-1022, 1.0, -1.0, 0x1p-53, -0x1p-54,
                      709.78, 709.79, -745.13, -745.14, 1e300, -1e300, 0.5 * M_LN2, M_LN2 };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) one_exp(&w, edge[i]);
    check_worst(&w, "exp");
}

static void detmath_should_stay_within_8_ulp_of_glibc_for_log(void **state)
{
    (void)state;
    Worst w = {0};
    rng_state = 0x2545f4914f6cdd1dULL;
    /* every binade, subnormals included */
    for (int i = 0; i < 400000; i++) one_log(&w, ldexp(0.5 + 0.5 * unit(), (int)(next() % 2100) - 1073));
    for (int i = 0; i < 200000; i++) {
        double d = (unit() - 0.5) * ldexp(1.0, -(int)(next() % 53));   /* 1 + tiny */
        one_log(&w, 1.0 + d);
    }
    for (int i = 1; i <= 100000; i++) one_log(&w, i * 0.001);
    for (int i = -100; i <= 100; i++) one_log(&w, nextafter(1.0, i < 0 ? 0.0 : 2.0) + i * 0x1p-52);
    double edge[] = { 0x1p-1074, 0x1p-1073, 0x1.fffffffffffffp-1023, 0x1p-1022, DBL_MAX, 2.0, 0.5,
                      M_E, 10.0, 0.1, nextafter(1.0, 0.0), nextafter(1.0, 2.0), 0.70507812499999,
                      0.705078125, 1.41015625, 1.4101562499999 };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) one_log(&w, edge[i]);
    check_worst(&w, "log");
}

static void detmath_should_stay_within_8_ulp_of_glibc_for_pow(void **state)
{
    (void)state;
    Worst w = {0};
    rng_state = 0x853c49e6748fea9bULL;
    /* moderate bases and exponents, as a model's elasticities and growth rates */
    for (int i = 0; i < 300000; i++)
        one_pow(&w, ldexp(0.5 + 0.5 * unit(), (int)(next() % 40) - 20),
                (2.0 * unit() - 1.0) * ldexp(1.0, (int)(next() % 14) - 4));
    /* bases near 1 with exponents that take y log x close to the overflow/underflow limits */
    for (int i = 0; i < 200000; i++) {
        double x = 1.0 + (unit() - 0.5) * ldexp(1.0, -(int)(next() % 45));
        if (x == 1.0) continue;
        double y = (2.0 * unit() - 1.0) * 745.0 / fabs(log(x));
        one_pow(&w, x, y);
    }
    /* the whole range of x, y with |y log x| up to 760 (overflow and underflow included) */
    for (int i = 0; i < 200000; i++) {
        double x = ldexp(0.5 + 0.5 * unit(), (int)(next() % 2100) - 1073);
        double l = fabs(log(x));
        double y = (2.0 * unit() - 1.0) * (l > 0.0 ? 760.0 / l : 1.0);
        one_pow(&w, x, y);
    }
    /* negative bases with integer exponents */
    for (int i = 0; i < 100000; i++) {
        double x = -ldexp(0.5 + 0.5 * unit(), (int)(next() % 20) - 10);
        double y = (double)((int)(next() % 201) - 100);
        one_pow(&w, x, y);
    }
    /* a grid */
    for (int i = 1; i <= 300; i++)
        for (int j = -300; j <= 300; j++) one_pow(&w, i * 0.05, j * 0.125);
    check_worst(&w, "pow");
}

static void expect_same(double got, double want, const char *what)
{
    if (!(got == want && signbit(got) == signbit(want)) && !(got != got && want != want))
        fail_msg("%s: got %a, expected %a", what, got, want);
}

static void detmath_should_give_annex_f_special_values_exactly(void **state)
{
    (void)state;
    const double inf = INFINITY, nan = NAN;
    /* exp */
    expect_same(ty_exp(0.0), 1.0, "exp(0)");
    expect_same(ty_exp(-0.0), 1.0, "exp(-0)");
    expect_same(ty_exp(inf), inf, "exp(inf)");
    expect_same(ty_exp(-inf), 0.0, "exp(-inf)");
    expect_same(ty_exp(nan), nan, "exp(nan)");
    expect_same(ty_exp(710.0), inf, "exp(710) overflows");
    expect_same(ty_exp(-746.0), 0.0, "exp(-746) underflows to +0");
    expect_same(ty_exp(0x1p-1074), 1.0, "exp(least subnormal)");
    assert_true(ty_exp(709.78) < inf && ty_exp(709.78) > 1e308);
    assert_true(ty_exp(-745.0) > 0.0 && ty_exp(-745.0) < 0x1p-1070);   /* subnormal, not 0 */
    /* log */
    expect_same(ty_log(1.0), 0.0, "log(1) = +0");
    expect_same(ty_log(0.0), -inf, "log(0)");
    expect_same(ty_log(-0.0), -inf, "log(-0)");
    expect_same(ty_log(inf), inf, "log(inf)");
    expect_same(ty_log(-1.0), nan, "log(-1)");
    expect_same(ty_log(-inf), nan, "log(-inf)");
    expect_same(ty_log(-0x1p-1074), nan, "log(negative subnormal)");
    expect_same(ty_log(nan), nan, "log(nan)");
    expect_same(ty_log(0x1p-1074), log(0x1p-1074), "log(least subnormal)");
    /* pow */
    double anything[] = { 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, inf, -inf, nan, 0x1p-1074 };
    for (size_t i = 0; i < sizeof anything / sizeof anything[0]; i++) {
        expect_same(ty_pow(anything[i], 0.0), 1.0, "pow(x, +0) = 1");
        expect_same(ty_pow(anything[i], -0.0), 1.0, "pow(x, -0) = 1");
        expect_same(ty_pow(1.0, anything[i]), 1.0, "pow(1, y) = 1");
    }
    expect_same(ty_pow(nan, 2.0), nan, "pow(nan, 2)");
    expect_same(ty_pow(2.0, nan), nan, "pow(2, nan)");
    expect_same(ty_pow(0.0, -3.0), inf, "pow(+0, odd < 0)");
    expect_same(ty_pow(-0.0, -3.0), -inf, "pow(-0, odd < 0)");
    expect_same(ty_pow(0.0, -2.0), inf, "pow(+0, even < 0)");
    expect_same(ty_pow(-0.0, -2.5), inf, "pow(-0, non-integer < 0)");
    expect_same(ty_pow(-0.0, -inf), inf, "pow(-0, -inf)");
    expect_same(ty_pow(0.0, 3.0), 0.0, "pow(+0, odd > 0)");
    expect_same(ty_pow(-0.0, 3.0), -0.0, "pow(-0, odd > 0)");
    expect_same(ty_pow(-0.0, 2.0), 0.0, "pow(-0, even > 0)");
    expect_same(ty_pow(-0.0, 0.5), 0.0, "pow(-0, non-integer > 0)");
    expect_same(ty_pow(-0.0, inf), 0.0, "pow(-0, inf)");
    expect_same(ty_pow(-1.0, inf), 1.0, "pow(-1, inf)");
    expect_same(ty_pow(-1.0, -inf), 1.0, "pow(-1, -inf)");
    expect_same(ty_pow(0.5, -inf), inf, "pow(|x| < 1, -inf)");
    expect_same(ty_pow(-0.5, -inf), inf, "pow(-0.5, -inf)");
    expect_same(ty_pow(2.0, -inf), 0.0, "pow(|x| > 1, -inf)");
    expect_same(ty_pow(0.5, inf), 0.0, "pow(|x| < 1, inf)");
    expect_same(ty_pow(-2.0, inf), inf, "pow(|x| > 1, inf)");
    expect_same(ty_pow(-inf, -3.0), -0.0, "pow(-inf, odd < 0)");
    expect_same(ty_pow(-inf, -2.0), 0.0, "pow(-inf, even < 0)");
    expect_same(ty_pow(-inf, 3.0), -inf, "pow(-inf, odd > 0)");
    expect_same(ty_pow(-inf, 2.5), inf, "pow(-inf, non-integer > 0)");
    expect_same(ty_pow(inf, -0.5), 0.0, "pow(inf, < 0)");
    expect_same(ty_pow(inf, 0.5), inf, "pow(inf, > 0)");
    expect_same(ty_pow(-8.0, 1.0 / 3.0), nan, "pow(negative, non-integer)");
    expect_same(ty_pow(-2.0, 3.0), -8.0, "pow(-2, 3)");
    expect_same(ty_pow(-2.0, 4.0), 16.0, "pow(-2, 4)");
    expect_same(ty_pow(-2.0, 0x1p60), inf, "pow(-2, huge even)");
    expect_same(ty_pow(-0.5, 0x1p60), 0.0, "pow(-0.5, huge even)");
    expect_same(ty_pow(-2.0, -1075.0), -0.0, "pow(-2, -1075) underflows to -0");
    expect_same(ty_pow(-2.0, 1025.0), -inf, "pow(-2, 1025) overflows to -inf");
    expect_same(ty_pow(10.0, 400.0), inf, "pow(10, 400)");
    expect_same(ty_pow(10.0, -400.0), 0.0, "pow(10, -400)");
    expect_same(ty_pow(0x1p-1074, 2.0), 0.0, "pow(least subnormal, 2)");
    expect_same(ty_pow(2.0, -1074.0), 0x1p-1074, "pow(2, -1074)");
    expect_same(ty_pow(1e300, 1e300), inf, "pow(1e300, 1e300)");
    expect_same(ty_pow(1e-300, 1e300), 0.0, "pow(1e-300, 1e300)");
    /* erfc */
    expect_same(ty_erfc(0.0), 1.0, "erfc(0)");
    expect_same(ty_erfc(-0.0), 1.0, "erfc(-0)");
    expect_same(ty_erfc(inf), 0.0, "erfc(inf)");
    expect_same(ty_erfc(-inf), 2.0, "erfc(-inf)");
    expect_same(ty_erfc(nan), nan, "erfc(nan)");
    expect_same(ty_erfc(30.0), 0.0, "erfc(30)");
    expect_same(ty_erfc(-30.0), 2.0, "erfc(-30)");
}

static void detmath_should_be_exact_where_the_answer_is_representable(void **state)
{
    (void)state;
    char what[64];
    double p = 1.0;
    for (int n = 0; n <= 22; n++, p *= 10.0) {          /* 10^n is exact up to 10^22 */
        snprintf(what, sizeof what, "pow(10, %d)", n);
        expect_same(ty_pow(10.0, n), p, what);
        snprintf(what, sizeof what, "pow(1e4, %d / 4)", n);
        if (n % 4 == 0) expect_same(ty_pow(1e4, n / 4), p, what);
    }
    for (int k = -1074; k <= 1023; k++) {
        snprintf(what, sizeof what, "pow(2, %d)", k);
        expect_same(ty_pow(2.0, k), ldexp(1.0, k), what);
    }
    for (int k = -1022; k <= 1023; k++) {
        snprintf(what, sizeof what, "log(2^%d)", k);
        expect_same(ty_log(ldexp(1.0, k)), log(ldexp(1.0, k)), what);
    }
    expect_same(ty_pow(4.0, 0.5), 2.0, "pow(4, 0.5)");
    expect_same(ty_pow(1.5, 2.0), 2.25, "pow(1.5, 2)");
    expect_same(ty_pow(1.1, 1.0), 1.1, "pow(1.1, 1)");
    expect_same(ty_pow(2.0, -1.0), 0.5, "pow(2, -1)");
    expect_same(ty_pow(0.25, -0.5), 2.0, "pow(0.25, -0.5)");
    expect_same(ty_pow(-3.0, 3.0), -27.0, "pow(-3, 3)");
}

static void detmath_should_stay_close_to_glibc_for_erfc(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    rng_state = 0xda3e39cb94b95bdbULL;
    for (int i = 0; i < 200000; i++) {
        double x = (2.0 * unit() - 1.0) * 27.0;
        if (i % 4 == 0) x = (2.0 * unit() - 1.0) * 2.0;
        double got = ty_erfc(x), want = erfc(x);
        if (want < 0x1p-1000) continue;               /* near underflow: few significant bits */
        double rel = fabs(got - want) / want;
        if (rel > worst) { worst = rel; at = x; }
    }
    for (int i = -2700; i <= 2700; i++) {
        double x = i * 0.01, want = erfc(x);
        if (want < 0x1p-1000) continue;
        double rel = fabs(ty_erfc(x) - want) / want;
        if (rel > worst) { worst = rel; at = x; }
    }
    print_message("erfc: worst relative error %.3g at %a\n", worst, at);
    if (worst > 1e-14) fail_msg("erfc(%a) is %.3g relative from glibc's (at most 1e-14)", at, worst);
}

/* The bits of a fixed sweep of every function, hashed. This number is the same on every machine
 * and build; it changes only when detmath.c's arithmetic does (then check the ulp tests and
 * update it deliberately: outputs of every model run change with it). */
static void detmath_should_give_the_same_bits_on_every_machine(void **state)
{
    (void)state;
    uint64_t h = 1469598103934665603ULL;
    rng_state = 0x6a09e667f3bcc909ULL;
    for (int i = 0; i < 100000; i++) {
        double x = ldexp(0.5 + 0.5 * unit(), (int)(next() % 60) - 30);
        double y = (2.0 * unit() - 1.0) * 20.0;
        double r[4] = { ty_exp(y * 30.0), ty_log(x), ty_pow(x, y), ty_erfc(y * 0.3) };
        for (int k = 0; k < 4; k++) {
            uint64_t b;
            memcpy(&b, &r[k], sizeof b);
            h = (h ^ b) * 1099511628211ULL;
        }
    }
    print_message("sweep checksum %016llx\n", (unsigned long long)h);
    assert_int_equal(h, 0x38e8a140a0132894ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detmath_should_stay_within_8_ulp_of_glibc_for_exp),
        cmocka_unit_test(detmath_should_stay_within_8_ulp_of_glibc_for_log),
        cmocka_unit_test(detmath_should_stay_within_8_ulp_of_glibc_for_pow),
        cmocka_unit_test(detmath_should_give_annex_f_special_values_exactly),
        cmocka_unit_test(detmath_should_be_exact_where_the_answer_is_representable),
        cmocka_unit_test(detmath_should_stay_close_to_glibc_for_erfc),
        cmocka_unit_test(detmath_should_give_the_same_bits_on_every_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
