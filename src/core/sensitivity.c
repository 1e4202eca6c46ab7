/* sensitivity.c — one-at-a-time swings and elasticities as one vectorised run (see
 * sensitivity.h). Sample layout: 0 is the base; parameter p owns samples 1 + 4p .. 4 + 4p:
 * low, high, base × (1 - h), base × (1 + h). */
#include "sensitivity.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

enum { S_LOW = 1, S_HIGH, S_DOWN, S_UP, PER_PARAM = 4 };

typedef struct Capture {
    int elem, year;
    double *out;
} Capture;

static TyStatus capture(void *ctx, int year, int elem, const double *values, size_t offset,
                        size_t n, TyError *err)
{
    Capture *c = ctx;
    if (year == c->year && elem == c->elem) memcpy(c->out + offset, values, n * sizeof *values);
    return TY_OK;
}

static TyStatus check(const TyModel *m, const TySensOptions *opt, TyError *err)
{
    if (opt->nparams && !opt->params) return ty_error_set(err, TY_ESCRIPT, "sensitivity: parameters missing");
    if (opt->noverrides && !opt->overrides) return ty_error_set(err, TY_ESCRIPT, "sensitivity: overrides missing");
    if (opt->elem < 0 || (size_t)opt->elem >= model_element_count(m)
        || model_element_kind(m, opt->elem) == TY_ELEM_LOOKUP)
        return ty_error_set(err, TY_ESCRIPT, "sensitivity: the output is not an element with values");
    if (opt->year < model_first_year(m) || opt->year > model_last_year(m))
        return ty_error_set(err, TY_ESCRIPT, "sensitivity: year %d is outside the model's %d..%d",
                            opt->year, model_first_year(m), model_last_year(m));
    if (!(opt->p_low > 0.0 && opt->p_low < opt->p_high && opt->p_high < 1.0))
        return ty_error_set(err, TY_ESCRIPT,
                            "sensitivity: percentiles must satisfy 0 < low < high < 1, got %g and %g",
                            opt->p_low, opt->p_high);
    if (!(opt->rel_step > 0.0 && opt->rel_step < 0.5))
        return ty_error_set(err, TY_ESCRIPT, "sensitivity: the elasticity step must be in (0, 0.5), got %g",
                            opt->rel_step);
    for (size_t p = 0; p < opt->nparams; p++)
        if (!isfinite(opt->params[p].base))
            return ty_error_set(err, TY_ESCRIPT, "sensitivity: the base value of '%s' is not finite",
                                opt->params[p].name ? opt->params[p].name : "");
    return TY_OK;
}

/* One run of sample s alone, to say which parameter setting gave a non-finite value. */
static TyStatus explain(const TyModel *m, const TySensOptions *opt, TyOverride *ov,
                        const double *values, size_t nsamples, TyError *err)
{
    for (size_t s = 0; s < nsamples; s++) {
        for (size_t p = 0; p < opt->nparams; p++)
            ov[opt->noverrides + p].value = model_value_scalar(values[p * nsamples + s]);
        TyRunOptions ro;
        memset(&ro, 0, sizeof ro);
        ro.nsamples = 1;
        ro.overrides = ov;
        ro.noverrides = opt->noverrides + opt->nparams;
        TyError e;
        ty_error_clear(&e);
        TyStatus st = model_run(m, &ro, &e);
        if (st == TY_OK) continue;
        *err = e;
        if (s == 0) {
            snprintf(err->msg, sizeof err->msg, "sensitivity at the base values: %.700s", e.msg);
        } else {
            size_t p = (s - 1) / PER_PARAM;
            snprintf(err->msg, sizeof err->msg, "sensitivity with %.60s = %.17g (the others at base): %.600s",
                     opt->params[p].name, values[p * nsamples + s], e.msg);
        }
        return st;
    }
    return TY_OK;
}

TyStatus sens_oat(const TyModel *m, const TySensOptions *opt, double *y_base, TySensRow *rows,
                  TyError *err)
{
    TyStatus st = check(m, opt, err);
    if (st) return st;
    size_t np = opt->nparams, ns = 1 + PER_PARAM * np;
    double *values = ty_malloc((np * ns + 1) * sizeof(double));
    double *out = ty_calloc(ns, sizeof(double));
    TyOverride *ov = ty_calloc(opt->noverrides + np + 1, sizeof(TyOverride));
    if (!values || !out || !ov) {
        st = ty_error_set(err, TY_ENOMEM, "out of memory");
        goto done;
    }
    double h = opt->rel_step;
    for (size_t p = 0; p < np; p++) {
        const TySensParam *sp = &opt->params[p];
        double *v = values + p * ns;
        for (size_t s = 0; s < ns; s++) v[s] = sp->base;
        double *mine = v + PER_PARAM * p;           /* mine[S_LOW] is this parameter's low */
        mine[S_LOW] = dist_quantile(&sp->dist, opt->p_low);
        mine[S_HIGH] = dist_quantile(&sp->dist, opt->p_high);
        mine[S_DOWN] = sp->base * (1.0 - h);
        mine[S_UP] = sp->base * (1.0 + h);
    }
    for (size_t i = 0; i < opt->noverrides; i++) ov[i] = opt->overrides[i];
    for (size_t p = 0; p < np; p++) {
        ov[opt->noverrides + p].name = opt->params[p].name;
        ov[opt->noverrides + p].value = model_value_samples(values + p * ns, ns);
    }
    Capture cap = { opt->elem, opt->year, out };
    TyRunOptions ro;
    memset(&ro, 0, sizeof ro);
    ro.nsamples = ns;
    ro.overrides = ov;
    ro.noverrides = opt->noverrides + np;
    ro.tracked = &opt->elem;
    ro.ntracked = 1;
    ro.on_block = capture;
    ro.ctx = &cap;
    st = model_run(m, &ro, err);
    if (st == TY_EDATA) {
        TyError first = *err;
        st = explain(m, opt, ov, values, ns, err);
        if (st == TY_OK) { *err = first; st = TY_EDATA; }
    }
    if (st) goto done;
    double y0 = out[0];
    *y_base = y0;
    for (size_t p = 0; p < np; p++) {
        const double *mine = out + PER_PARAM * p;
        const double *x = values + p * ns + PER_PARAM * p;
        TySensRow *r = &rows[p];
        r->x_low = x[S_LOW];
        r->x_high = x[S_HIGH];
        r->y_low = mine[S_LOW];
        r->y_high = mine[S_HIGH];
        r->swing = fabs(r->y_high - r->y_low);
        double base = opt->params[p].base;
        r->elasticity = (base == 0.0 || y0 == 0.0)
                            ? NAN
                            : (mine[S_UP] - mine[S_DOWN]) / (2.0 * h * y0);
    }
done:
    ty_free(values);
    ty_free(out);
    ty_free(ov);
    return st;
}
