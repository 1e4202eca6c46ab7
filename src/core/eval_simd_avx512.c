/* eval_simd_avx512.c — the evaluator's kernels for AVX-512 (eight lanes: F, DQ, VL, BW, and
 * 512-bit vectors preferred), used only when the CPU has them (eval_simd.c). */
#if defined(__x86_64__) && defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))), apply_to = function)
#elif defined(__x86_64__) && defined(__GNUC__)
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,prefer-vector-width=512")
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#define EVAL_KERNELS_TABLE eval_kernels_avx512
#define EVAL_KERNELS_NAME "avx512"
#include "eval_kernels.inc"
#else
#include "eval_kernels.h"
const EvalKernels eval_kernels_avx512 = { .name = NULL };   /* not on this machine */
#endif
#if defined(__x86_64__) && defined(__clang__)
#pragma clang attribute pop
#endif
