/* eval_simd.c — which build of the evaluator's kernels this process uses (eval_kernels.h):
 * TUIYAN_SIMD's, else the widest this CPU runs. All give the same bits, so the choice changes
 * only the speed. */
#include "eval_kernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static _Atomic(const EvalKernels *) chosen;

static int cpu_runs(const EvalKernels *k)
{
    if (!k->name) return 0;                   /* not built for this machine */
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (k == &eval_kernels_avx2) return __builtin_cpu_supports("avx2");
    if (k == &eval_kernels_avx512)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
#endif
    return 1;
}

const EvalKernels *eval_kernels_named(const char *name)
{
    const EvalKernels *all[] = { &eval_kernels_scalar, &eval_kernels_sse2, &eval_kernels_avx2,
                                 &eval_kernels_avx512 };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->name && strcmp(all[i]->name, name) == 0) return cpu_runs(all[i]) ? all[i] : NULL;
    return NULL;
}

TyStatus eval_kernels_get(const EvalKernels **out, TyError *err)
{
    const EvalKernels *k = atomic_load(&chosen);
    if (k) {
        *out = k;
        return TY_OK;
    }
    const char *want = getenv("TUIYAN_SIMD");
    if (want && *want && strcmp(want, "auto") != 0) {
        k = eval_kernels_named(want);
        if (!k) {
            int known = !strcmp(want, "scalar") || !strcmp(want, "sse2") || !strcmp(want, "avx2")
                     || !strcmp(want, "avx512");
            return ty_error_set(err, TY_ESCRIPT,
                                known ? "TUIYAN_SIMD=%.20s: this CPU cannot run it"
                                      : "TUIYAN_SIMD=%.20s: not one of scalar, sse2, avx2, avx512, auto",
                                want);
        }
    } else {
        k = eval_kernels_named("avx512");
        if (!k) k = eval_kernels_named("avx2");
        if (!k) k = &eval_kernels_sse2;
    }
    /* Threads racing here choose the same set; the first store wins. */
    const EvalKernels *expected = NULL;
    atomic_compare_exchange_strong(&chosen, &expected, k);
    *out = atomic_load(&chosen);
    return TY_OK;
}

void eval_kernels_force(const EvalKernels *k)
{
    atomic_store(&chosen, k);
}
