/* eval_simd_scalar.c — the evaluator's kernels with no vectorisation and exp, log and pow by
 * the scalar functions lane by lane: the reference the other sets must equal bit for bit
 * (TUIYAN_SIMD=scalar; eval_kernels.h). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-vectorize", "no-tree-loop-vectorize", "no-tree-slp-vectorize", "fp-contract=off")
#endif
#define EVAL_KERNELS_SCALAR 1
#define EVAL_KERNELS_TABLE eval_kernels_scalar
#define EVAL_KERNELS_NAME "scalar"
#include "eval_kernels.inc"
