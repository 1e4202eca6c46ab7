/* eval_simd_sse2.c — the evaluator's kernels for x86-64's baseline (SSE2: two lanes), with the
 * vectorised exp, log and pow (eval_kernels.h). On other machines: whatever the compiler's
 * baseline is, under the same name. */
#define EVAL_KERNELS_TABLE eval_kernels_sse2
#define EVAL_KERNELS_NAME "sse2"
#include "eval_kernels.inc"
