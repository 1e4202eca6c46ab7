/* register_pay.h — a support policy's rules applied firm by firm over a register (DOMAIN §4, §7;
 * issue 16 item 3): for every firm-year and rule the amount paid and the year it is paid, and
 * totals by rule, county and payment year. Evaluation is column-wise: a rule's schedule
 * (core/schedule) over one register column, its condition a criteria `met`/`qualifies` array or
 * yes/no columns; no per-firm callbacks.
 *
 * A rule pays on row i when
 *   cond[i] == 1 (a criteria verdict; NULL: always), flag[i] == 1 (a yes/no column; NULL: always)
 *   and unless[i] != 1 (a yes/no column that excludes: NULL or empty never excludes),
 * and, for a one-off rule (`once`), row i is the firm's earliest such row (by year; the firm is
 * its 统一社会信用代码): later rows of the same firm are not paid again.
 * The amount is schedule_eval(x[i]) (x NULL: the rule pays per firm, x = 1); an empty x on a row
 * whose condition holds is unknown: NaN, counted in `unknown`, and left out of the totals.
 * The payment year is year[i] + event_shift + lag: event_shift places the event the schedule is
 * evaluated on relative to the application year (rd_3 is the year before: −1; a certification
 * in the application year: 0), lag is the schedule's (次年: 1).
 *
 * A band (schedule_is_band) gives low and high amounts beside the default point; other shapes
 * have lo = hi = the point (lo, hi arrays NULL: read through register_pay_lo / _hi). A recurring
 * schedule (N > 1 years) is refused: no firm-level rule of a policy text recurs. */
#ifndef TY_REGISTER_PAY_H
#define TY_REGISTER_PAY_H

#include <stddef.h>
#include "error.h"
#include "register.h"
#include "schedule.h"

typedef struct TyPayRule {
    const TySchedule *s;
    const double *x;           /* n values, or NULL: one unit per firm */
    const signed char *cond;   /* n verdicts (1 pays), or NULL */
    const double *flag;        /* n yes/no values (1 pays), or NULL */
    const double *unless;      /* n yes/no values (1 excludes), or NULL */
    int event_shift;
    int once;
} TyPayRule;

typedef struct TyPay {
    size_t n, nrules;
    double **amount;              /* [k][i]: point amount, 0 not paid, NaN unknown */
    double **lo, **hi;            /* [k] NULL unless rule k is a band */
    int *shift;                   /* [k]: payment year − application year */
    double *total;                /* [i]: Σ_k amount (unknown as 0) */
    /* totals, indexed [(k * ncounty + c) * nyears + (year − year0)] */
    size_t ncounty;               /* counties in order of first appearance ("" when none) */
    size_t *county_row;           /* [c]: the first row of county c (its name: register_county) */
    size_t *county_of;            /* [i]: the county of row i */
    int year0;
    size_t nyears;
    double *sum, *sum_lo, *sum_hi;
    size_t *paid;                 /* firms paid (amount > 0) */
    size_t *unknown;              /* [k]: rows whose amount is unknown */
} TyPay;

static inline double register_pay_lo(const TyPay *p, size_t k, size_t i)
{
    return p->lo[k] ? p->lo[k][i] : p->amount[k][i];
}
static inline double register_pay_hi(const TyPay *p, size_t k, size_t i)
{
    return p->hi[k] ? p->hi[k][i] : p->amount[k][i];
}
static inline size_t register_pay_at(const TyPay *p, size_t k, size_t c, int year)
{
    return (k * p->ncounty + c) * p->nyears + (size_t)(year - p->year0);
}

/* Applies rules[0..nrules) to every row of r. The register needs a `year` column with a value
 * in every row (TY_EDATA at the row's line otherwise); TY_EDATA for a recurring schedule.
 * Arrays in the rules have r->n values. */
TyStatus register_pay(const TyRegister *r, const TyPayRule *rules, size_t nrules, TyPay *out,
                      TyError *err);
void register_pay_free(TyPay *p);

#endif
