/* eval_simd_avx2.c — the evaluator's kernels for AVX2 (four lanes; FMA is not enabled, and
 * -ffp-contract=off would keep it out anyway), used only when the CPU has AVX2 (eval_simd.c). */
#if defined(__x86_64__) && defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#elif defined(__x86_64__) && defined(__GNUC__)
#pragma GCC target("avx2")
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#define EVAL_KERNELS_TABLE eval_kernels_avx2
#define EVAL_KERNELS_NAME "avx2"
#include "eval_kernels.inc"
#else
#include "eval_kernels.h"
const EvalKernels eval_kernels_avx2 = { .name = NULL };   /* not on this machine */
#endif
#if defined(__x86_64__) && defined(__clang__)
#pragma clang attribute pop
#endif
