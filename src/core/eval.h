/* eval.h — running a compiled model over years × samples.
 *
 * Samples are independent, so the evaluator takes them in blocks of TY_EVAL_BLOCK: for each
 * block it runs every year from the first to the last, each instruction a tight loop over the
 * block. Memory is the block × the model's slots (elements, constants, temporaries, delay
 * history as deep as the longest delay) plus what the caller keeps; never samples × elements.
 * Lua never runs here; external functions are called once per block and year.
 *
 * A TyModel is immutable: several runs of one model may go on at once in different threads,
 * as long as its external functions allow it. */
#ifndef TY_EVAL_H
#define TY_EVAL_H

#include <stddef.h>
#include "error.h"
#include "model.h"

#define TY_EVAL_BLOCK 256       /* samples per block */

/* Sets a param or lever for one run. Later overrides of the same name win, so layered
 * scenarios can be passed parent first. Values are in the element's declared unit and must be
 * finite; a SERIES must cover every model year (NaN is "no value" and an error);
 * SAMPLES has nsamples values; SAMPLES_BY_YEAR years × nsamples. The arrays are read during
 * the run only. */
typedef struct TyOverride {
    const char *name;
    TyValue value;
} TyOverride;

/* Called for each tracked element, year and block of samples: values[i] is sample offset + i,
 * for i < n, in the element's unit. Return TY_OK to go on; any other status stops the run and
 * is returned as is, with err (which the callback may fill) passed back to the caller. */
typedef TyStatus (*TyEvalBlockFn)(void *ctx, int year, int elem, const double *values,
                                  size_t offset, size_t n, TyError *err);

/* The same for every tracked element at once, when a caller wants them together (mc.c
 * summarises two series at a time): values[k] is tracked[k]'s block, for k < ntracked. */
typedef TyStatus (*TyEvalYearFn)(void *ctx, int year, const double *const *values, size_t offset,
                                 size_t n, TyError *err);

typedef struct TyRunOptions {
    size_t nsamples;              /* >= 1 */
    const TyOverride *overrides;
    size_t noverrides;
    const int *tracked;           /* element indices to deliver (not lookups) */
    size_t ntracked;
    TyEvalBlockFn on_block;       /* may be NULL */
    TyEvalYearFn on_year;         /* may be NULL; called after on_block's calls of the year */
    void *ctx;
    /* May be NULL; else ntracked × years × nsamples doubles, filled as
     * out[(k * years + (year - first_year)) * nsamples + sample] for tracked[k]. */
    double *out;
    /* 0 (the default): stop with TY_EDATA at the first value that is not finite, naming the
     * element, its place, the year and the sample (checked after each year in evaluation
     * order, so the element named is where the inf/NaN first appeared, not a downstream one).
     * 1: let inf/NaN propagate to the outputs; the caller must not print them. */
    int allow_nonfinite;
} TyRunOptions;

/* TY_ESCRIPT for bad options, an override naming no param or lever ("no parameter or lever
 * named 'x'; did you mean 'y'?") or naming another kind of element, or an input with no value;
 * TY_EDATA for override values that are missing or not finite, a non-finite result (see
 * allow_nonfinite) or a failing external function; TY_ENOMEM; or the on_block status. */
TyStatus model_run(const TyModel *m, const TyRunOptions *opt, TyError *err);

/* Every element's value in every year of one deterministic run (nsamples = 1, non-finite
 * values are an error). values[elem * nyears + (year - first_year)]; a lookup element's row
 * is NaN (it has no value: skip it, see model_element_kind). */
typedef struct TyRunResult {
    int first_year;
    int nyears;
    size_t nelems;
    double *values;
} TyRunResult;

TyStatus model_run_single(const TyModel *m, const TyOverride *overrides, size_t noverrides,
                          TyRunResult *res, TyError *err);
/* NaN when elem or year is out of range. */
double model_result_get(const TyRunResult *res, int elem, int year);
void model_result_free(TyRunResult *res);

/* What model_run left out of the later years' program, for tests: if_s whose branch's writer
 * writes their slot (branches), instructions computing a value an earlier one computed
 * (merged), pows starting from another pow's log of the same base (shared_logs), elements
 * written straight into their delay ring's row, not copied there (rotated), and scales (unit
 * conversions) folded into the operation before them (scales). */
typedef struct TyEvalPlanCounts {
    size_t branches, merged, shared_logs, rotated, scales;
} TyEvalPlanCounts;

/* The counts of the calling thread's last model_run. */
TyEvalPlanCounts eval_plan_counts(void);

/* 0: model_run leaves nothing out and runs every instruction as compiled; 1 (the default): it
 * takes the shortcuts above, which give the same bits. For tests; not while a run is going on. */
void eval_plan_shortcuts(int on);

#endif
