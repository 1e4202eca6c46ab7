/* detmath.h — exp, log, pow and erfc that give the same bits on every machine.
 *
 * glibc picks its exp/log/pow (and erfc, which calls exp) by CPU: the FMA and non-FMA versions
 * differ in the last bit for about 0.07 % of arguments, which was enough to change a standard
 * deviation in the 17th digit between two machines. These are tuiyan's own, from fixed
 * polynomials and tables using only IEEE add/sub/mul/div/sqrt and exact scaling (detmath.c), so
 * an output is a function of the inputs alone. Accuracy, measured against glibc over sweeps of
 * millions of arguments (tests/unit/test_detmath.c): exp, log, pow within 1 ulp (the test holds
 * them to <= 8 ulp), erfc within a relative 1e-14. Special values follow C99 Annex F (exp(-inf)
 * = 0, log(0) = -inf, log(-1) = NaN, pow(x, 0) = pow(1, y) = 1 even for NaN, pow(-8, 1/3) = NaN,
 * pow(-2, 3) = -8, overflow to inf, underflow to 0); errno and floating-point flags are not set. */
#ifndef TY_DETMATH_H
#define TY_DETMATH_H

double ty_exp(double x);
double ty_log(double x);
double ty_pow(double x, double y);
double ty_erfc(double x);

#endif
