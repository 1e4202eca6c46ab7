/* sensitivity.h — one-at-a-time sensitivity of a model output (DOMAIN.md §5): how far one
 * output in one year moves when each uncertain parameter alone goes to a low and a high
 * percentile of its distribution, the others held at their base values (the data of a tornado
 * chart), and each parameter's elasticity at the base point.
 *
 * All the runs are samples of one vectorised model run (eval.h): sample 0 is the base, and each
 * parameter adds four (low, high, and base × (1 ∓ rel_step) for the elasticity by central
 * difference), so the whole analysis costs about one model run of 1 + 4 × nparams samples. */
#ifndef TY_SENSITIVITY_H
#define TY_SENSITIVITY_H

#include <stddef.h>
#include "dist.h"
#include "error.h"
#include "eval.h"
#include "model.h"

typedef struct TySensParam {
    const char *name;       /* a param or lever */
    TyDist dist;            /* initialised with dist_init */
    double base;            /* its value while the others move (its default, or the scenario's) */
} TySensParam;

typedef struct TySensOptions {
    const TyOverride *overrides;    /* the scenario, applied first */
    size_t noverrides;
    const TySensParam *params;
    size_t nparams;
    int elem;                       /* the output: an element with values */
    int year;
    double p_low, p_high;           /* percentiles of the swing, 0 < p_low < p_high < 1 */
    double rel_step;                /* for elasticities, e.g. 1e-4; 0 < rel_step < 0.5 */
} TySensOptions;

typedef struct TySensRow {
    double x_low, x_high;           /* the parameter at p_low and at p_high */
    double y_low, y_high;           /* the output there, the others at base */
    double swing;                   /* |y_high - y_low| */
    double elasticity;              /* d ln y / d ln x at the base; NaN when x or y is 0 there */
} TySensRow;

/* rows[i] for params[i]. TY_ESCRIPT for bad options or names; TY_EDATA when a run gives a
 * value that is not finite, naming the parameter and its value; model_run's other errors. */
TyStatus sens_oat(const TyModel *m, const TySensOptions *opt, double *y_base, TySensRow *rows,
                  TyError *err);

#endif
