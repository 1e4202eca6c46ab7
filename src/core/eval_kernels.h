/* eval_kernels.h — the evaluator's kernels (one loop over a block of TY_EVAL_BLOCK lanes per
 * instruction), built once for each instruction set and chosen once per process.
 *
 * eval_kernels.inc is compiled four times (eval_simd_*.c): "scalar" (no vectorisation, exp/log/
 * pow by the scalar functions one lane at a time: the reference), "sse2" (the x86-64 baseline),
 * "avx2" and "avx512", the last two used only when the CPU has them. Every set gives the same
 * bits: the kernels are the same C, lane by lane the same IEEE operations in the same order
 * (-ffp-contract=off: no FMA), and the vectorised exp, log and pow share their arithmetic with
 * detmath.c (detmath_core.h), leaving the lanes outside their common case to the scalar
 * functions. tests/unit/test_eval_simd.c and tests/cli/test_simd.sh hold them to that.
 *
 * TUIYAN_SIMD=scalar|sse2|avx2|avx512 forces a set (another name, or a set the CPU lacks, is a
 * usage error when tuiyan starts: main.c); unset or "auto" takes the widest the CPU has. */
#ifndef TY_EVAL_KERNELS_H
#define TY_EVAL_KERNELS_H

#include <stddef.h>
#include "error.h"
#include "expr_ops.h"

typedef void (*EvalK1)(double *restrict o, const double *restrict a);
typedef void (*EvalK2)(double *restrict o, const double *restrict a, const double *restrict b);
typedef void (*EvalK3)(double *restrict o, const double *restrict a, const double *restrict b,
                       const double *restrict c);
/* The same, checking what they write as they write it: 1 when every lane is finite. */
typedef int (*EvalK1C)(double *restrict o, const double *restrict a);
typedef int (*EvalK2C)(double *restrict o, const double *restrict a, const double *restrict b);
/* A two-argument operation, its result then times k (as two instructions would round it), and
 * the same checking what it writes. */
typedef void (*EvalK2S)(double *restrict o, const double *restrict a, const double *restrict b,
                        double k);
typedef int (*EvalK2SC)(double *restrict o, const double *restrict a, const double *restrict b,
                        double k);

#define EVAL_KERNEL_OPS (TY_OP__COUNT + 3)   /* the DSL's operations and the evaluator's own */

typedef struct EvalKernels {
    const char *name;
    EvalK1 neg, abs, exp, log, sqrt, floor, not_, copy;
    EvalK2 add, sub, mul, div, pow, lt, le, gt, ge, eq, ne, and_, or_, min, max, log_base;
    EvalK3 if_, clamp;
    void (*fill)(double *restrict o, double v);
    void (*scale)(double *restrict o, const double *restrict a, double k);
    void (*step)(double *restrict o, const double *restrict a, const double *restrict b, int year);
    /* c may be NULL (no end year) */
    void (*ramp)(double *restrict o, const double *restrict a, const double *restrict b,
                 const double *restrict c, int year);
    void (*growth)(double *restrict o, const double *restrict a, const double *restrict b,
                   int elapsed);
    void (*growth_kept)(double *restrict o, const double *restrict a,
                        const double *restrict powers, int elapsed);
    void (*growth_powers)(double *restrict powers, const double *restrict b, int n);
    void (*lerp)(double *restrict o, const double *restrict lo, const double *restrict hi,
                 double w);
    void (*lookup)(double *restrict o, const double *restrict a, const double *xs,
                   const double *ys, int n);
    int (*scale_c)(double *restrict o, const double *restrict a, double k);   /* checking */
    /* pow, keeping the base's log in lh and ll for a later pow of the same base, and that later
     * pow (both give pow's bits; the scalar set keeps nothing and computes both in full) */
    void (*pow_keep)(double *restrict o, const double *restrict a, const double *restrict b,
                     double *restrict lh, double *restrict ll);
    void (*pow_given)(double *restrict o, const double *restrict a, const double *restrict b,
                      const double *restrict lh, const double *restrict ll);
    /* o += k * a */
    void (*axpy)(double *restrict o, const double *restrict a, double k);
    /* 1 when every lane of every one of the n blocks is finite */
    int (*finite)(const double *const *v, size_t n);
    /* 1 when all n values are finite (any n) */
    int (*finite_n)(const double *v, size_t n);
    /* by operation (TyOp, or model_internal.h's EVAL_COPY): the checking kernels, NULL where
     * there is none (exp and log are checked after them, as the others are) */
    EvalK1C k1c[EVAL_KERNEL_OPS];
    EvalK2C k2c[EVAL_KERNEL_OPS];
    /* add, sub, mul and div followed by a scale (a unit conversion), plain and checking */
    EvalK2S k2s[EVAL_KERNEL_OPS];
    EvalK2SC k2sc[EVAL_KERNEL_OPS];
} EvalKernels;

extern const EvalKernels eval_kernels_scalar, eval_kernels_sse2, eval_kernels_avx2,
    eval_kernels_avx512;

/* The set for this process: TUIYAN_SIMD's, else the widest the CPU runs; chosen at the first
 * call. TY_ESCRIPT when TUIYAN_SIMD names no set or one this CPU cannot run. Thread-safe. */
TyStatus eval_kernels_get(const EvalKernels **out, TyError *err);

/* The set called name if this CPU runs it, else NULL (tests force each in turn). */
const EvalKernels *eval_kernels_named(const char *name);

/* Replaces the chosen set (NULL: choose again at the next eval_kernels_get). For tests; not
 * while a run is going on. */
void eval_kernels_force(const EvalKernels *k);

#endif
