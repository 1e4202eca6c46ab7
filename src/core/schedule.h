/* schedule.h — policy schedules: what a support rule pays for a value or a count (DOMAIN §4).
 *
 * A TySchedule turns an input x (an enterprise's R&D spend, a project's total, a count of newly
 * recognised entities) into an amount, in the shapes policy texts use — as OpenFisca's scales:
 *
 *   marginal  bracket rates on the part of x in each band (R5: 30% / 25% / 20%):
 *             amount = Σ_k rate_k × max(0, min(x, t_{k+1}) − t_k), t_k the lower bounds, the
 *             last band open above; below t_0 nothing.
 *   step      one amount by bracket (R8, R8b): amount_k for the highest k whose threshold x
 *             reaches, 0 below the first threshold. "Reaches" is the schedule's bound: x ≥ t_k
 *             (TY_SCHEDULE_AT_LEAST, "以上") or x > t_k (TY_SCHEDULE_ABOVE, "超过"), the same
 *             for every threshold of the schedule.
 *   rate      a rate from a band on x, when x is eligible, clamped to [minimum, cap] (R3, R3b,
 *             R5b): 0 unless x ≥ threshold (or > with TY_SCHEDULE_ABOVE); otherwise
 *             clamp(rate × x, min_amount, max_amount), rate = (1 − c)·rate_lo + c·rate_hi with
 *             c the schedule's rate choice in [0, 1], default 1 (the top of the band: a policy
 *             that pays "10%–20%" or "at most 20%" costs at most that, and budgets plan the most).
 *             schedule_eval_range gives both ends of the band (rate_lo and rate_hi), so a cost
 *             can be reported as low–high with the default point beside it. A band open above
 *             (rate_hi = inf, "不低于 X") has the floor as its default point.
 *   per_unit  unit_amount × x, x a count (R7a: 20 per newly recognised high-tech enterprise);
 *             a top-up (R15: city adds 50) is the same shape over the count of eligible units.
 *
 * Over years, two settings place each year's amount in time (schedule_cost_by_year):
 *   recurring N  the amount is paid in N consecutive years from the year it arises (R13: 3);
 *   lag L        every payment falls L years later (R7/R8: "next year's budget" → 1).
 *
 * Every schedule carries a rule id ("R7a"), the unit of its amounts ("万元" unless set) and a
 * description, so reports can list cost by rule. Construction validates everything and names the
 * rule id in its message (TY_EDATA); evaluation cannot fail, never allocates, and maps a NaN
 * (missing) input to NaN. Inputs are finite or NaN (data never holds an infinity); an infinite
 * input gives what IEEE arithmetic gives, never a crash.
 *
 * A schedule is immutable during evaluation; the setters are for building and for scenarios
 * (copy first with schedule_copy so the base stays as it was). */
#ifndef TY_SCHEDULE_H
#define TY_SCHEDULE_H

#include <stddef.h>
#include "error.h"

/* The shapes, one line each: the enum and the names scripts use come from this list. */
#define TY_SCHEDULE_SHAPES(X)             \
    X(TY_SCHEDULE_MARGINAL, "marginal")   \
    X(TY_SCHEDULE_STEP, "step")           \
    X(TY_SCHEDULE_RATE, "rate")           \
    X(TY_SCHEDULE_PER_UNIT, "per_unit")

typedef enum TyScheduleShape {
#define TY_SCHEDULE_SHAPE_ENUM(sym, name) sym,
    TY_SCHEDULE_SHAPES(TY_SCHEDULE_SHAPE_ENUM)
#undef TY_SCHEDULE_SHAPE_ENUM
    TY_SCHEDULE_SHAPE__COUNT
} TyScheduleShape;

/* How x must compare with a threshold to reach it: name for scripts, symbol for display. */
#define TY_SCHEDULE_BOUNDS(X)                    \
    X(TY_SCHEDULE_AT_LEAST, "at_least", ">=")    \
    X(TY_SCHEDULE_ABOVE, "above", ">")

typedef enum TyScheduleBound {
#define TY_SCHEDULE_BOUND_ENUM(sym, name, symbol) sym,
    TY_SCHEDULE_BOUNDS(TY_SCHEDULE_BOUND_ENUM)
#undef TY_SCHEDULE_BOUND_ENUM
    TY_SCHEDULE_BOUND__COUNT
} TyScheduleBound;

/* "marginal", "step", "rate", "per_unit"; "?" for a value outside the enum. */
const char *schedule_shape_name(TyScheduleShape shape);
/* The shape named `name`, or -1 (also for NULL). */
int schedule_shape_find(const char *name);
/* "at_least" / "above"; "?" outside the enum. */
const char *schedule_bound_name(TyScheduleBound bound);
/* ">=" / ">"; "?" outside the enum. */
const char *schedule_bound_symbol(TyScheduleBound bound);
/* The bound named by its name or its symbol ("at_least" or ">=", "above" or ">"), or -1. */
int schedule_bound_find(const char *name);

typedef struct TySchedule TySchedule;

/* Parameters of the rate shape. */
typedef struct TyScheduleRate {
    double threshold;        /* eligibility: finite, or -INFINITY for "every x is eligible" */
    TyScheduleBound bound;   /* x ≥ threshold or x > threshold */
    double rate_lo;          /* the band: 0 ≤ rate_lo ≤ rate_hi, finite; equal for one rate. */
    double rate_hi;          /*   Not capped at 1: R12c "matched 1:1" is rate 1, R16d 20–30 each */
                             /*   is a band of amounts per unit. rate_hi may be INFINITY: a band */
                             /*   open above (R13 "不低于50": at least 50, no top); its rate choice */
                             /*   is then 0 (the floor) and cannot be raised. */
    double min_amount;       /* paid at least this when eligible: finite, ≥ 0 (usually 0) */
    double max_amount;       /* the cap, ≥ min_amount; INFINITY for none */
} TyScheduleRate;

/* Constructors. Each fills *out with a new schedule (free with schedule_free) and returns TY_OK,
 * or leaves *out NULL and returns TY_EDATA (invalid parameters, the message names the id),
 * TY_ESCRIPT (NULL arrays, a bound outside the enum) or TY_ENOMEM. The id must be non-empty.
 * Arrays are copied. All start with unit "万元", description "", recurring 1 year, lag 0.
 *
 * thresholds: n ≥ 1 finite values, strictly increasing, each the lower bound of its bracket.
 * rates (marginal): finite, ≥ 0. amounts (step): finite, ≥ 0. unit_amount: finite, ≥ 0. */
TyStatus schedule_new_marginal(const char *id, const double *thresholds, const double *rates,
                               size_t n, TySchedule **out, TyError *err);
TyStatus schedule_new_step(const char *id, const double *thresholds, const double *amounts,
                           size_t n, TyScheduleBound bound, TySchedule **out, TyError *err);
TyStatus schedule_new_rate(const char *id, const TyScheduleRate *params, TySchedule **out,
                           TyError *err);
TyStatus schedule_new_per_unit(const char *id, double unit_amount, TySchedule **out,
                               TyError *err);
/* An independent copy (for a scenario that changes a setting). */
TyStatus schedule_copy(const TySchedule *s, TySchedule **out, TyError *err);
void schedule_free(TySchedule *s);

/* Settings. On failure the schedule is left as it was. */
/* years: 1 (one-off, the default) to 100. TY_EDATA outside. */
TyStatus schedule_set_recurring(TySchedule *s, int years, TyError *err);
/* years: 0 (the default) to 100. TY_EDATA outside. */
TyStatus schedule_set_lag(TySchedule *s, int years, TyError *err);
/* Rate shape only (TY_ESCRIPT for another shape); choice in [0, 1] (TY_EDATA outside); an open
 * band (rate_hi = inf) takes only 0 (TY_EDATA otherwise). */
TyStatus schedule_set_rate_choice(TySchedule *s, double choice, TyError *err);
/* Text is copied; TY_ESCRIPT for NULL, TY_ENOMEM. An empty unit means "no unit". */
TyStatus schedule_set_unit(TySchedule *s, const char *unit, TyError *err);
TyStatus schedule_set_description(TySchedule *s, const char *description, TyError *err);

TyScheduleShape schedule_shape(const TySchedule *s);
const char *schedule_id(const TySchedule *s);
const char *schedule_unit(const TySchedule *s);
const char *schedule_description(const TySchedule *s);
int schedule_recurring(const TySchedule *s);
int schedule_lag(const TySchedule *s);
double schedule_rate_choice(const TySchedule *s);   /* 1 for shapes other than rate */

/* One line for people (REPL, report footnotes), e.g.
 *   R8 step: >= 500: 10, >= 1000: 20, >= 2000: 50, >= 10000: 100 (万元), lag 1 year
 * Numbers as %.15g, rates in percent. Truncated to size; returns buf. */
const char *schedule_format(const TySchedule *s, char *buf, size_t size);

/* The amount of one payment for x (at the schedule's rate choice: the default point). */
double schedule_eval_scalar(const TySchedule *s, double x);
/* The range of that amount over the band: *lo at rate_lo, *hi at rate_hi (the rate shape);
 * *lo = *hi = schedule_eval_scalar for the other shapes. For an open band (rate_hi = inf,
 * "不低于"), *hi is inf when an eligible x > 0 is not capped (0 when x is 0). NaN x: both NaN.
 * The default point (schedule_eval_scalar) always lies in [*lo, *hi]. */
void schedule_eval_range(const TySchedule *s, double x, double *lo, double *hi);
/* 1 if the schedule is a rate with rate_lo < rate_hi (its amounts are a range), else 0. */
int schedule_is_band(const TySchedule *s);
/* 1 if the schedule is a rate band open above (rate_hi = inf), else 0. */
int schedule_is_open(const TySchedule *s);
/* out[i] = schedule_eval_scalar(s, x[i]) for i < n, bit for bit; out may be x. For columns
 * (one value per enterprise or project). Recurrence and lag do not enter here. */
void schedule_eval(const TySchedule *s, const double *x, double *out, size_t n);

/* Number of years a cost-by-year result spans for nyears input years:
 * nyears + lag + recurring − 1, or 0 when nyears is 0. */
size_t schedule_cost_years(const TySchedule *s, size_t nyears);

/* Cost by year. values[i] is the input of year first_year + i (a count of new entities, or one
 * entity's value), i < nyears; cost[j] is the cost in year first_year + j, j < ncost:
 *
 *   cost[j] = Σ_{k=0}^{N−1} amount[j − L − k]   (terms with an index outside 0..nyears−1 omitted)
 *
 * amount[i] = schedule_eval_scalar(s, values[i]), N = recurring years, L = lag. So the payments
 * for year i's input fall in years first_year + i + L … first_year + i + L + N − 1, and the last
 * cost year is first_year + nyears − 1 + L + N − 1. ncost must be at least
 * schedule_cost_years(s, nyears) — costs are never dropped silently; cost years beyond that are
 * 0. A missing (NaN) input makes every year it pays into NaN.
 * TY_ESCRIPT if ncost is too short or an array is NULL with a non-zero length; TY_EDATA if the
 * cost years leave TY_YEAR_MIN…TY_YEAR_MAX (series.h). Nothing is written on failure. */
TyStatus schedule_cost_by_year(const TySchedule *s, int first_year, const double *values,
                               size_t nyears, double *cost, size_t ncost, TyError *err);
/* The same from amounts already evaluated (e.g. the sum over a register of schedule_eval per
 * cohort year): only recurrence and lag are applied. */
TyStatus schedule_spread(const TySchedule *s, int first_year, const double *amounts,
                         size_t nyears, double *cost, size_t ncost, TyError *err);

#endif
