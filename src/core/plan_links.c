/* plan_links.c — checks the references between rows of a plan (DOMAIN §1, docs/targets.md):
 * a flow_of row and the level row it derives its flows from, a benchmark target and the row it
 * compares with. Readers call it once every row is in, since a row may name one below it. */
#include "plan.h"

#include <string.h>

static TyStatus flow_of_problem(const TyPlan *p, const TyIndicator *ind, TyError *err)
{
    long j = plan_find(p, ind->flow_of);
    if (j < 0)
        return ty_error_set(err, TY_EDATA, "indicator %s: flow_of: no row \"%s\" in the plan",
                            ind->id, ind->flow_of);
    const TyIndicator *level = &p->ind[j];
    if (level == ind)
        return ty_error_set(err, TY_EDATA, "indicator %s: flow_of names the row itself", ind->id);
    if (level->flow_of || level->measure != TY_LEVEL)
        return ty_error_set(err, TY_EDATA, "indicator %s: flow_of \"%s\" must be a level row "
                            "(measure=level, not itself a flow_of row)", ind->id, ind->flow_of);
    if (ind->measure != TY_FLOW)
        return ty_error_set(err, TY_EDATA, "indicator %s: a flow_of row is a flow (measure=flow)", ind->id);
    if (series_count(&ind->actual) > 0)
        return ty_error_set(err, TY_EDATA, "indicator %s: a flow_of row's actuals are derived from "
                            "\"%s\", not typed (actual %d)", ind->id, ind->flow_of,
                            series_first_year(&ind->actual));
    return TY_OK;
}

TyStatus plan_check_links(const TyPlan *p, size_t *bad, int *year, TyError *err)
{
    for (size_t i = 0; i < p->n; i++) {
        const TyIndicator *ind = &p->ind[i];
        *bad = i;
        *year = 0;
        if (ind->flow_of && flow_of_problem(p, ind, err) != TY_OK) return err->code;
        for (size_t k = 0; k < ind->ntargets; k++) {
            const TyTarget *t = &ind->targets[k];
            if (t->spec.shape != TY_SHAPE_BENCHMARK) continue;
            *year = t->year;
            long j = plan_find(p, t->spec.ref);
            if (j < 0)
                return ty_error_set(err, TY_EDATA, "indicator %s: target %d: benchmark row \"%s\" is "
                                    "not in the plan (a benchmark names another row's id)",
                                    ind->id, t->year, t->spec.ref);
            if ((size_t)j == i)
                return ty_error_set(err, TY_EDATA, "indicator %s: target %d: a benchmark cannot be "
                                    "the row itself", ind->id, t->year);
        }
    }
    return TY_OK;
}
