/* register_check.h — criteria over a whole register, column by column (DOMAIN §7): for every
 * firm-year and criterion the value, the threshold that applies, met or not, and the shortfall in
 * the criterion's own unit; per firm whether it qualifies; and the 后备 ranking of the firms that
 * do not, by how little they lack. The criteria themselves are data (stdlib/tuiyan/criteria/);
 * the binding compiles them into TyCriterion records with the register's column indices.
 *
 * A criterion's value:
 *   CRIT_VALUE  Σ num columns                       (ip_core ≥ 1; staff ≤ 500; score > 70)
 *   CRIT_RATIO  Σ num / Σ den                       (Σrd / Σrevenue; st_staff / staff)
 *   CRIT_DAYS   at − num[0], days                   (applied − registered ≥ 365)
 * compared with the threshold by op; with bands, the threshold is chosen by the value of the band
 * column (band b: the first with band_col ≤ edges[b], or > every edge: the last).
 *
 * Shortfall (0 when met, NaN when unknown), in the unit of what must change:
 *   VALUE/DAYS, ≥ or >:  threshold − value (>: with integer, the next whole number above);
 *   VALUE, ≤ or <:       value − threshold (the excess);
 *   RATIO, ≥ or >:       how much more numerator at the same denominator: threshold × Σden − Σnum
 *                        (万元 of R&D, people of S&T staff); integer: the least whole number that
 *                        meets the ratio.
 * Empty cells: a criterion whose inputs are empty is unknown (met = -1); a ratio over years with
 * `pairwise` skips a year whose num and den are both empty (a firm younger than three years: the
 * criteria count the years it operated) and is unknown if no year is left; with skip_empty the
 * denominator is the sum of the columns that have a value (unknown if none). A criterion with
 * any_of flag columns is met whenever one of them is 1 (科技型中小企业's direct routes).
 *
 * Qualifies: every criterion met; an unknown `required` criterion fails it, an unknown optional
 * one (the expert score, when the register has none) is reported as not assessed and does not.
 *
 * 后备 ranking, among the firm-years of the same application year that do not qualify: fewer
 * criteria not met (unknown counts as not met) first; then the smaller sum of relative gaps, each
 * unmet criterion's |threshold − value| / |threshold| for a ratio, |shortfall| / |threshold| for
 * the others, capped at 1 (an unknown one counts 1);
 * equal keys share a rank ("1224"); rank 0 for a firm that qualifies. */
#ifndef TY_REGISTER_CHECK_H
#define TY_REGISTER_CHECK_H

#include <stddef.h>
#include "error.h"
#include "register.h"

#define TY_CRIT_TERMS 4
#define TY_CRIT_BANDS 4

typedef enum TyCritKind { CRIT_VALUE, CRIT_RATIO, CRIT_DAYS } TyCritKind;
typedef enum TyCritOp { CRIT_GE, CRIT_GT, CRIT_LE, CRIT_LT } TyCritOp;

typedef struct TyCriterion {
    TyCritKind kind;
    TyCritOp op;
    int num[TY_CRIT_TERMS], nnum;      /* register column indices; -1: absent from the register */
    int den[TY_CRIT_TERMS], nden;
    int pairwise;
    int skip_empty;                    /* den: a sum over the columns that have a value */
    double threshold;                  /* without bands */
    int band_col, nbands;              /* nbands edges, nbands + 1 thresholds */
    double edges[TY_CRIT_BANDS], band_threshold[TY_CRIT_BANDS + 1];
    int any_of[TY_CRIT_TERMS], nany;   /* flag columns */
    int at_col;                        /* CRIT_DAYS: the date measured to; -1: 31 Dec of year */
    int year_col;                      /* CRIT_DAYS without at_col */
    int integer;                       /* shortfall in whole units */
    int required;
} TyCriterion;

typedef struct TyCheck {
    size_t n, ncrit;
    /* per criterion k, one array of n rows each (separate blocks of n, not one of k x n: glibc
     * then serves a second check from the memory the first freed, not from fresh pages) */
    double **value, **threshold, **shortfall;   /* [k][i] */
    signed char **met;                          /* [k][i]: 1 met, 0 not, -1 unknown */
    /* Fresh pages are what a check mostly costs (the arithmetic is a tenth of it), so nothing is
     * copied that need not be: a criterion that is one register column has that column as its
     * value (value_borrowed[k], not freed), and one without bands has threshold[k] NULL and
     * threshold_const[k]: read thresholds through register_check_threshold. */
    unsigned char *value_borrowed;
    double *threshold_const;
    signed char *qualifies;                  /* [i] */
    int *unmet;                              /* [i]: criteria not met or unknown (required) */
    double *gap;                             /* [i]: the sum of relative gaps */
    long *rank;                              /* [i]: 后备 rank within the year; 0 qualifies */
    size_t *order;                           /* the 后备 list: rows in rank order (year, rank, row) */
    size_t norder;
} TyCheck;

static inline double register_check_threshold(const TyCheck *c, size_t k, size_t i)
{
    return c->threshold[k] ? c->threshold[k][i] : c->threshold_const[k];
}

/* Checks every row of r against crit[0..ncrit). Column indices must be valid for r (the caller
 * resolved them; -1 only where allowed: an absent optional criterion's num is unknown). */
TyStatus register_check(const TyRegister *r, const TyCriterion *crit, size_t ncrit, TyCheck *out,
                        TyError *err);
void register_check_free(TyCheck *c);

#endif
