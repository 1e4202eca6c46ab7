/* detmath_core.h — the arithmetic of ty_exp, ty_log and ty_pow (detmath.c) as inline,
 * branch-free pieces, shared by the scalar functions and the evaluator's block kernels
 * (eval_kernels.inc), so both run the very same operations in the same order and give the same
 * bits. Private to detmath.c and the evaluator.
 *
 * Branch-free so that GCC vectorises a loop over them: integers are taken from the bits of
 * doubles (a value plus 1.5 * 2^52 holds the nearest integer in its low bits; a 12-bit integer
 * OR-ed into the bits of 2^52 is that double plus the integer), every step exact, so a double
 * made this way equals the (double)(int) conversion the scalar code once used. Tables are read
 * by index (gathers in vector code). The lane functions (*_lane) compute the common case only
 * and report, through *special, every lane whose arguments or result leave it (non-positive,
 * subnormal or infinite x, y zero or not finite, x = 1, |y log x| > 707): the caller computes
 * those lanes again with the scalar function, which handles every case. */
#ifndef TY_DETMATH_CORE_H
#define TY_DETMATH_CORE_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* 2^(j/64) = TY_EXP_T[2j] + TY_EXP_T[2j + 1] */
extern const double TY_EXP_T[128];
/* log interval i: invc, -log(invc) hi and lo (detmath.c) */
extern const double TY_LOG_T[128][3];

#define EXP_INVLN2N 0x1.71547652b82fep+6      /* 64 / ln 2 */
#define EXP_LN2N_HI 0x1.62e42fefc0000p-7      /* ln2 / 64, 35 bits */
#define EXP_LN2N_LO -0x1.c610ca86c3899p-43    /* ln2 / 64 - EXP_LN2N_HI */
#define EXP_SHIFT 0x1.8p52                    /* adding it rounds to an integer */
#define EXP_SHIFT_BITS 0x4338000000000000ULL  /* the bits of EXP_SHIFT: 64 divides them */

#define LOG_LN2_HI 0x1.62e42fefa3800p-1       /* ln 2, 42 bits: exact times any exponent */
#define LOG_LN2_LO 0x1.ef35793c76730p-45
#define LOG_OFF 0x3fe6900000000000ULL         /* 0.705078125: z in [LOG_OFF, 2 LOG_OFF) */

/* The fast paths' bound on |y log x| and on |x| for exp: inside it exp's result is normal and
 * 2^e is one exact multiplication (e in [-1020, 1021]). */
#define DETMATH_LANE_MAX 707.0

/* Always inlined: a call left in a loop stops it being vectorised. */
#define DM_INLINE static inline __attribute__((always_inline))

DM_INLINE uint64_t dm_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

DM_INLINE double dm_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* a + b = s + e exactly (Knuth's TwoSum, any magnitudes). */
DM_INLINE double dm_two_sum(double a, double b, double *e)
{
    double s = a + b;
    double bb = s - a;
    *e = (a - (s - bb)) + (b - bb);
    return s;
}

/* Veltkamp's split: a = hi + lo, each half fits in 26 bits. |a| < 2^995. */
DM_INLINE void dm_split(double a, double *hi, double *lo)
{
    double t = 134217729.0 * a;   /* 2^27 + 1 */
    *hi = t - (t - a);
    *lo = a - *hi;
}

/* a^2 = p + e exactly (Dekker), without FMA. */
DM_INLINE double dm_two_sqr(double a, double *e)
{
    double p = a * a, ah, al;
    dm_split(a, &ah, &al);
    *e = ((ah * ah - p) + 2.0 * ah * al) + al * al;
    return p;
}

/* a * b = p + e exactly (Dekker), without FMA. */
DM_INLINE double dm_two_prod(double a, double b, double *e)
{
    double p = a * b, ah, al, bh, bl;
    dm_split(a, &ah, &al);
    dm_split(b, &bh, &bl);
    *e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return p;
}

/* e^(hi + lo) = v * 2^e, v in [0.99, 2.02), for |hi| <= 745.2, |lo| <= ulp(hi): returns v and
 * the bits of hi 64/ln2 + EXP_SHIFT (*kb), from which e = (*kb >> 6) - (EXP_SHIFT_BITS >> 6). */
DM_INLINE double dm_exp_core(double hi, double lo, uint64_t *kb)
{
    double ks = hi * EXP_INVLN2N + EXP_SHIFT;
    double kd = ks - EXP_SHIFT;               /* the integer k nearest hi 64/ln2 */
    uint64_t b = dm_bits(ks);                 /* EXP_SHIFT_BITS + k: |k| < 2^17 */
    double r = (hi - kd * EXP_LN2N_HI) - kd * EXP_LN2N_LO;   /* first difference exact */
    r += lo;
    uint64_t j = b & 63;
    /* e^r - 1, Taylor to degree 6, |r| < 0.0055 */
    double r2 = r * r;
    double p = r + r2 * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0)))));
    double th = TY_EXP_T[2 * j], tl = TY_EXP_T[2 * j + 1];
    *kb = b;
    return th + (tl + th * p);
}

/* 2^e as a double for e = (kb >> 6) - (EXP_SHIFT_BITS >> 6) in [-1022, 1023]. */
DM_INLINE double dm_exp_scale(uint64_t kb)
{
    return dm_double(((kb >> 6) - (EXP_SHIFT_BITS >> 6) + 1023) << 52);
}

/* log(x) = *hi + *lo for x = 2^-sub * the positive normal double of bits ix (sub 0, or 52 for a
 * subnormal x scaled up by 2^52); |*lo| <= ulp(*hi).
 * x = 2^k z, z in [0.705, 1.41); a table of 128 intervals gives invc ~ 1/c (20 bits, so
 * z_head * invc is exact for the 33-bit head of z) and -log(invc) as a double-double. */
DM_INLINE void dm_log_core(uint64_t ix, double sub, double *hi, double *lo)
{
    uint64_t tmp = ix - LOG_OFF;
    uint64_t i = (tmp >> 45) & 127;
    /* k = tmp >> 52 (arithmetic) in [-1023, 1024]: its 12 bits plus 2048, into 2^52's bits */
    double kd = (dm_double(0x4330000000000000ULL | ((tmp >> 52) ^ 0x800)) - 0x1.00000000008p52) - sub;
    double z = dm_double(ix - (tmp & (0xfffULL << 52)));
    double invc = TY_LOG_T[i][0], lch = TY_LOG_T[i][1], lcl = TY_LOG_T[i][2];
    /* t = z invc - 1 = (zh invc - 1) + zl invc: zh has 33 bits, invc 20, so the first part is
     * exact; the second is below 2^-31 and rounds by < 2^-84. */
    double zh = dm_double(dm_bits(z) & ~0xfffffULL);
    double zl = z - zh;
    double th_e, a = zh * invc - 1.0, b = zl * invc;
    double th = dm_two_sum(a, b, &th_e);
    /* log1p(t) = t - t^2/2 + t^3 q(t) */
    double sq_e, sq = dm_two_sqr(th, &sq_e);
    double h2 = -0.5 * sq;                    /* exact */
    double v = th + h2, v_e = h2 - (v - th);  /* fast two-sum: |th| >= |h2| */
    double q = th * sq * (1.0 / 3.0 + th * (-0.25 + th * (0.2 + th * (-1.0 / 6.0 + th * (1.0 / 7.0
               + th * -0.125)))));
    double w = kd * LOG_LN2_HI + lch;         /* k ln2_hi exact; |k ln2| >= |lch| unless k = 0 */
    double w_e = (kd * LOG_LN2_HI - w) + lch;
    double e2, s = dm_two_sum(w, v, &e2);
    double l = w_e + e2 + v_e + th_e + kd * LOG_LN2_LO + lcl - 0.5 * sq_e + q;
    *hi = s + l;
    *lo = (s - *hi) + l;
}

/* 1 unless x is positive, normal and finite (NaN: 1). Compared as doubles: SSE2 and AVX2 have
 * no unsigned 64-bit compare to vectorise a test on the bits with. */
DM_INLINE int dm_not_pos_normal(double x)
{
    return !((x >= 0x1p-1022) & (x <= 0x1.fffffffffffffp+1023));
}

/* ty_exp(x) for |x| <= DETMATH_LANE_MAX; *special = 1.0 for any other x (NaN included), else
 * 0.0 (flags are doubles: SSE2 vectorises a select between doubles, not into integers). */
DM_INLINE double dm_exp_lane(double x, double *special)
{
    uint64_t kb;
    double v = dm_exp_core(x, 0.0, &kb);
    *special = ((x <= DETMATH_LANE_MAX) & (x >= -DETMATH_LANE_MAX)) ? 0.0 : 1.0;
    return v * dm_exp_scale(kb);
}

/* ty_log(x) for positive normal finite x; *special = 1.0 for any other x, else 0.0. */
DM_INLINE double dm_log_lane(double x, double *special)
{
    double hi, lo;
    *special = dm_not_pos_normal(x) ? 1.0 : 0.0;
    dm_log_core(dm_bits(x), 0.0, &hi, &lo);
    return hi + lo;
}

DM_INLINE double dm_pow_from_log(double x, double y, double lh, double ll, double *special);

/* ty_pow(x, y) for positive normal finite x != 1, finite y != 0 and |y log x| <= 707;
 * *special = 1.0 for any other lane, else 0.0. */
DM_INLINE double dm_pow_lane(double x, double y, double *special)
{
    double lh, ll;
    dm_log_core(dm_bits(x), 0.0, &lh, &ll);
    return dm_pow_from_log(x, y, lh, ll, special);
}

/* The same as dm_pow_lane, with x's log kept in *lh and *ll for dm_pow_from_log. */
DM_INLINE double dm_pow_lane_keep(double x, double y, double *lh, double *ll, double *special)
{
    dm_log_core(dm_bits(x), 0.0, lh, ll);
    return dm_pow_from_log(x, y, *lh, *ll, special);
}

/* The rest of dm_pow_lane, given x's log lh + ll as dm_log_core gives it (dm_pow_lane_keep):
 * two pows of the same x with different y share one log, to the same bits. */
DM_INLINE double dm_pow_from_log(double x, double y, double lh, double ll, double *special)
{
    double pe, p = dm_two_prod(y, lh, &pe);
    int sp = dm_not_pos_normal(x) | !((y != 0.0) & (fabs(y) <= 0x1.fffffffffffffp+1023))
           | (x == 1.0) | !((p <= DETMATH_LANE_MAX) & (p >= -DETMATH_LANE_MAX));
    uint64_t kb;
    double v = dm_exp_core(p, pe + y * ll, &kb);
    *special = sp ? 1.0 : 0.0;
    return v * dm_exp_scale(kb);
}

#endif
