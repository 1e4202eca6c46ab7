/* fuzz_planfile.c — libFuzzer target for the plan-file loaders (planfile_read_csv and
 * planfile_read_json), the code every plan an analyst brings goes through. The first byte picks
 * the format. Either a plan comes back whose values are all finite, or a data error with a message
 * and a place; never a crash, a leak or another kind of error. */
#include "core/plan.h"
#include "io/planfile.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "check failed: %s\n", #cond); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    int json = data[0] & 1;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    TyError err;
    ty_error_clear(&err);
    TyPlan *p = json ? planfile_read_json("fuzz.json", buf, len, &err)
                     : planfile_read_csv("fuzz.csv", buf, len, &err);
    if (p) {
        for (size_t i = 0; i < p->n; i++) {
            const TyIndicator *ind = &p->ind[i];
            CHECK(ind->id && ind->id[0] != '\0');
            for (int k = 0; k < series_count(&ind->actual); k++)
                CHECK(isfinite(series_get(&ind->actual, series_nth_year(&ind->actual, k))));
            /* every target read is a spec with its words; a number in it is finite */
            for (size_t k = 0; k < ind->ntargets; k++) {
                const TyTarget *t = &ind->targets[k];
                CHECK(t->year >= TY_YEAR_MIN && t->year <= TY_YEAR_MAX);
                CHECK(isnan(t->spec.a) || isfinite(t->spec.a));
                CHECK(isnan(t->spec.b) || isfinite(t->spec.b));
            }
        }
        plan_free(p);
    } else {
        CHECK(err.code == TY_EDATA || err.code == TY_ENOMEM);
        CHECK(err.msg[0] != '\0');
    }
    return 0;
}
