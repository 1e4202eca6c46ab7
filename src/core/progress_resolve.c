/* progress_resolve.c — the threshold V a target stands for, resolved from the data as of the
 * as-of year every time progress is computed (docs/targets.md "Resolving the threshold V"), so
 * a relative target follows its actuals when they change; with the words saying how. */
#include "progress_internal.h"

#include <math.h>
#include <stdio.h>

TyTargetOp progress_op(const TyIndicator *ind, const TyTargetSpec *spec)
{
    if (spec->shape == TY_SHAPE_MILESTONE) return TY_OP_DEFAULT;
    if (spec->shape == TY_SHAPE_RANK) return TY_OP_LE;
    if (spec->op != TY_OP_DEFAULT) return spec->op;
    return ind->direction == TY_DOWN ? TY_OP_LE : TY_OP_GE;
}

void progress_range(const TyIndicator *ind, const TyTargetSpec *spec, double *floor_, double *stretch)
{
    double lo = fmin(spec->a, spec->b), hi = fmax(spec->a, spec->b);
    *floor_ = ind->direction == TY_DOWN ? hi : lo;
    *stretch = ind->direction == TY_DOWN ? lo : hi;
}

/* points and multiples: from the declared base year's actual (or a Lua helper's own year). */
static int resolve_from_base(const TyPlan *p, const TyIndicator *ind, const TyYears *s,
                             const TyTargetSpec *spec, double *V, char *how, size_t size)
{
    char x[32], a[32];
    int ref;
    if (spec->from) {
        ref = spec->from;
        if (!years_has(s, ref)) {
            snprintf(how, size, "no actual for the reference year %d", ref);
            return 0;
        }
    } else {
        TyAnchor an;
        years_anchor(p, ind, s, &an);
        if (an.b == 0) {
            snprintf(how, size, "no base actual");
            return 0;
        }
        if (an.declared && !an.declared_ok) {
            snprintf(how, size, "declared base year %d has no actual", an.declared);
            return 0;
        }
        ref = an.b;
    }
    double xb = years_get(s, ref);
    progress_number(xb, x, sizeof x);
    progress_number(spec->a, a, sizeof a);
    if (spec->shape == TY_SHAPE_POINTS) {
        *V = xb + spec->a;
        snprintf(how, size, "base %d actual %s %s %s", ref, x, spec->a < 0 ? "-" : "+",
                 progress_number(fabs(spec->a), a, sizeof a));
    } else {
        *V = spec->a * xb;
        snprintf(how, size, "%s × base %d actual %s", a, ref, x);
    }
    return isfinite(*V);
}

/* growth: (1 + p/100) × x(T - 1), projected while that actual is not in and T is ahead. */
static int resolve_growth(const TyPlan *p, const TyIndicator *ind, const TyYears *s, int T,
                          int as_of, const TyTargetSpec *spec, double *V, char *how, size_t size)
{
    char k[32], x[32];
    double factor = 1.0 + spec->a / 100.0;
    progress_number(factor, k, sizeof k);
    if (years_has(s, T - 1)) {
        *V = factor * years_get(s, T - 1);
        snprintf(how, size, "%s × %d actual %s", k, T - 1, progress_number(years_get(s, T - 1), x, sizeof x));
        return isfinite(*V);
    }
    if (T <= as_of) {
        snprintf(how, size, "no actual for %d", T - 1);
        return 0;
    }
    TyAnchor an;
    years_anchor(p, ind, s, &an);
    double proj = years_project(ind->trend, s, an.b, an.t, T - 1);
    if (isnan(proj)) {
        snprintf(how, size, "%d has no actual and cannot be projected (%s)", T - 1,
                 an.b == 0 ? "no actual" : "one actual, no trend");
        return 0;
    }
    *V = factor * proj;
    snprintf(how, size, "%s × projected %d value %s", k, T - 1, progress_number(proj, x, sizeof x));
    return isfinite(*V);
}

/* benchmark: the other row's actual in T, its projection by its own trend while T is ahead. */
static int resolve_benchmark(const TyPlan *p, const TyTargetSpec *spec, int T, int as_of,
                             double *V, char *how, size_t size)
{
    char x[32];
    long j = plan_find(p, spec->ref);
    if (j < 0) {
        snprintf(how, size, "no row %s in the plan", spec->ref);
        return 0;
    }
    const TyIndicator *other = &p->ind[j];
    TyYears s2;
    years_own(p, other, as_of, &s2);
    if (years_has(&s2, T)) {
        *V = years_get(&s2, T);
        snprintf(how, size, "%s actual %d %s", spec->ref, T, progress_number(*V, x, sizeof x));
        return 1;
    }
    if (T <= as_of) {
        snprintf(how, size, "%s has no actual for %d", spec->ref, T);
        return 0;
    }
    TyAnchor an;
    years_anchor(p, other, &s2, &an);
    *V = years_project(other->trend, &s2, an.b, an.t, T);
    if (isnan(*V)) {
        snprintf(how, size, "%s cannot be projected to %d (%s)", spec->ref, T,
                 an.b == 0 ? "no actual" : "one actual, no trend");
        return 0;
    }
    snprintf(how, size, "%s projected %d value %s", spec->ref, T, progress_number(*V, x, sizeof x));
    return 1;
}

int progress_resolve(const TyPlan *p, const TyIndicator *ind, const TyYears *s, const TyTarget *t,
                     int as_of, double *V, char *how, size_t howsize)
{
    const TyTargetSpec *spec = &t->spec;
    char n[32];
    *V = NAN;
    switch (spec->shape) {
    case TY_SHAPE_LEVEL:
    case TY_SHAPE_RANK:
        *V = spec->a;
        snprintf(how, howsize, "as written");
        return 1;
    case TY_SHAPE_RANGE: {
        double stretch;
        progress_range(ind, spec, V, &stretch);
        snprintf(how, howsize, "as written (floor; stretch %s)", progress_number(stretch, n, sizeof n));
        return 1;
    }
    case TY_SHAPE_WINDOW:
        *V = spec->a;
        snprintf(how, howsize, "N = %s, the flow of %d", progress_number(spec->a, n, sizeof n), t->year);
        return 1;
    case TY_SHAPE_POINTS:
    case TY_SHAPE_MULTIPLE:
        return resolve_from_base(p, ind, s, spec, V, how, howsize);
    case TY_SHAPE_GROWTH:
        return resolve_growth(p, ind, s, t->year, as_of, spec, V, how, howsize);
    case TY_SHAPE_BENCHMARK:
        return resolve_benchmark(p, spec, t->year, as_of, V, how, howsize);
    case TY_SHAPE_MILESTONE:
        break;
    }
    snprintf(how, howsize, "a milestone has no threshold");
    return 0;
}
