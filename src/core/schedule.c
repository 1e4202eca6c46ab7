/* schedule.c — building, validating and evaluating policy schedules (see schedule.h).
 *
 * All checks happen at construction so the evaluation loops can be branch-light, allocation-free
 * and unable to fail: a column of 100,000 enterprises costs one pass per schedule. */
#include "schedule.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "series.h"

/* Limits on the year settings: far beyond any plan, small enough that year arithmetic
 * (first_year + nyears + lag + recurring) cannot overflow. */
#define SCHEDULE_MAX_YEARS 100

struct TySchedule {
    TyScheduleShape shape;
    char *id;
    char *unit;
    char *description;
    int recurring;           /* ≥ 1 */
    int lag;                 /* ≥ 0 */
    /* marginal, step: n brackets; t = thresholds, v = rates or amounts; one block of 2n. */
    size_t n;
    double *t;
    double *v;
    TyScheduleBound bound;   /* step; rate (in r.bound) */
    TyScheduleRate r;        /* rate */
    double rate_choice;      /* rate: in [0, 1] */
    double rate;             /* rate: the rate at rate_choice, kept in step with it */
    double unit_amount;      /* per_unit */
};

static const char *const shape_names[TY_SCHEDULE_SHAPE__COUNT] = {
#define SHAPE_NAME(sym, name) [sym] = name,
    TY_SCHEDULE_SHAPES(SHAPE_NAME)
#undef SHAPE_NAME
};

static const struct { const char *name, *symbol; } bound_names[TY_SCHEDULE_BOUND__COUNT] = {
#define BOUND_NAME(sym, name, symbol) [sym] = { name, symbol },
    TY_SCHEDULE_BOUNDS(BOUND_NAME)
#undef BOUND_NAME
};

const char *schedule_shape_name(TyScheduleShape shape)
{
    return ((int)shape >= 0 && shape < TY_SCHEDULE_SHAPE__COUNT) ? shape_names[shape] : "?";
}

int schedule_shape_find(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < TY_SCHEDULE_SHAPE__COUNT; i++)
        if (strcmp(shape_names[i], name) == 0) return i;
    return -1;
}

const char *schedule_bound_name(TyScheduleBound bound)
{
    return ((int)bound >= 0 && bound < TY_SCHEDULE_BOUND__COUNT) ? bound_names[bound].name : "?";
}

const char *schedule_bound_symbol(TyScheduleBound bound)
{
    return ((int)bound >= 0 && bound < TY_SCHEDULE_BOUND__COUNT) ? bound_names[bound].symbol
                                                                   : "?";
}

int schedule_bound_find(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < TY_SCHEDULE_BOUND__COUNT; i++)
        if (strcmp(bound_names[i].name, name) == 0 || strcmp(bound_names[i].symbol, name) == 0)
            return i;
    return -1;
}

/* ---- construction ---------------------------------------------------------------------- */

void schedule_free(TySchedule *s)
{
    if (!s) return;
    ty_free(s->id);
    ty_free(s->unit);
    ty_free(s->description);
    ty_free(s->t);   /* v points into the same block */
    ty_free(s);
}

/* A schedule of this shape with its texts and defaults, or NULL (TY_ENOMEM in err). The id has
 * been checked by the caller. */
static TySchedule *schedule_alloc(TyScheduleShape shape, const char *id, TyError *err)
{
    TySchedule *s = ty_calloc(1, sizeof *s);
    if (!s) {
        ty_error_set(err, TY_ENOMEM, "out of memory");
        return NULL;
    }
    s->shape = shape;
    s->recurring = 1;
    s->rate_choice = 1.0;
    s->id = ty_strdup(id);
    s->unit = ty_strdup("万元");
    s->description = ty_strdup("");
    if (!s->id || !s->unit || !s->description) {
        schedule_free(s);
        ty_error_set(err, TY_ENOMEM, "out of memory");
        return NULL;
    }
    return s;
}

static TyStatus check_id(const char *id, TyError *err)
{
    if (!id || !id[0]) return ty_error_set(err, TY_EDATA, "schedule id is empty");
    return TY_OK;
}

static TyStatus check_bound(const char *id, TyScheduleBound bound, TyError *err)
{
    if ((int)bound < 0 || bound >= TY_SCHEDULE_BOUND__COUNT)
        return ty_error_set(err, TY_ESCRIPT, "schedule \"%s\": unknown bound %d", id, (int)bound);
    return TY_OK;
}

/* A value that must be finite and not negative; `what` reads "rate 2", "unit amount", ... */
static TyStatus check_amount(const char *id, const char *what, double x, TyError *err)
{
    if (!isfinite(x))
        return ty_error_set(err, TY_EDATA, "schedule \"%s\": %s is not a finite number", id, what);
    if (x < 0)
        return ty_error_set(err, TY_EDATA, "schedule \"%s\": %s is negative (%.15g)", id, what, x);
    return TY_OK;
}

/* Checks and copies the brackets shared by marginal and step; `vname` is "rate" or "amount". */
static TyStatus new_brackets(TyScheduleShape shape, const char *id, const double *thresholds,
                             const double *values, size_t n, const char *vname,
                             TySchedule **out, TyError *err)
{
    *out = NULL;
    TyStatus st = check_id(id, err);
    if (st) return st;
    if (n == 0)
        return ty_error_set(err, TY_EDATA, "schedule \"%s\": needs at least one bracket", id);
    if (!thresholds || !values)
        return ty_error_set(err, TY_ESCRIPT, "schedule \"%s\": no %s given", id,
                            thresholds ? (shape == TY_SCHEDULE_MARGINAL ? "rates" : "amounts")
                                       : "thresholds");
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(thresholds[k]))
            return ty_error_set(err, TY_EDATA, "schedule \"%s\": threshold %zu is not a finite number",
                                id, k + 1);
        if (k > 0 && !(thresholds[k] > thresholds[k - 1]))
            return ty_error_set(err, TY_EDATA,
                                "schedule \"%s\": thresholds must be strictly increasing: "
                                "threshold %zu (%.15g) is not above threshold %zu (%.15g)",
                                id, k + 1, thresholds[k], k, thresholds[k - 1]);
        char what[48];
        snprintf(what, sizeof what, "%s %zu", vname, k + 1);
        if ((st = check_amount(id, what, values[k], err))) return st;
    }
    if (n > SIZE_MAX / (2 * sizeof(double)))
        return ty_error_set(err, TY_ENOMEM, "out of memory");
    TySchedule *s = schedule_alloc(shape, id, err);
    if (!s) return TY_ENOMEM;
    s->t = ty_malloc(2 * n * sizeof(double));
    if (!s->t) {
        schedule_free(s);
        return ty_error_set(err, TY_ENOMEM, "out of memory");
    }
    s->v = s->t + n;
    s->n = n;
    memcpy(s->t, thresholds, n * sizeof(double));
    memcpy(s->v, values, n * sizeof(double));
    *out = s;
    return TY_OK;
}

TyStatus schedule_new_marginal(const char *id, const double *thresholds, const double *rates,
                               size_t n, TySchedule **out, TyError *err)
{
    return new_brackets(TY_SCHEDULE_MARGINAL, id, thresholds, rates, n, "rate", out, err);
}

TyStatus schedule_new_step(const char *id, const double *thresholds, const double *amounts,
                           size_t n, TyScheduleBound bound, TySchedule **out, TyError *err)
{
    *out = NULL;
    TyStatus st = check_id(id, err);
    if (st) return st;
    if ((st = check_bound(id, bound, err))) return st;
    st = new_brackets(TY_SCHEDULE_STEP, id, thresholds, amounts, n, "amount", out, err);
    if (st == TY_OK) (*out)->bound = bound;
    return st;
}

static double rate_at(const TyScheduleRate *r, double choice)
{
    /* This form gives rate_lo and rate_hi exactly at the ends of the band. An open band
     * (rate_hi = inf) is only ever at choice 0: its floor, never 0 × inf. */
    if (choice == 0.0) return r->rate_lo;
    return (1.0 - choice) * r->rate_lo + choice * r->rate_hi;
}

TyStatus schedule_new_rate(const char *id, const TyScheduleRate *p, TySchedule **out,
                           TyError *err)
{
    *out = NULL;
    TyStatus st = check_id(id, err);
    if (st) return st;
    if (!p) return ty_error_set(err, TY_ESCRIPT, "schedule \"%s\": no rate parameters given", id);
    if ((st = check_bound(id, p->bound, err))) return st;
    if (!(isfinite(p->threshold) || p->threshold == -INFINITY))
        return ty_error_set(err, TY_EDATA,
                            "schedule \"%s\": eligibility threshold must be a finite number "
                            "or -inf (no threshold)", id);
    if ((st = check_amount(id, "rate_lo", p->rate_lo, err))) return st;
    /* rate_hi = inf: a band open above ("不低于 X": at least X, no top in the text). */
    if (p->rate_hi != INFINITY && (st = check_amount(id, "rate_hi", p->rate_hi, err))) return st;
    if (p->rate_lo > p->rate_hi)
        return ty_error_set(err, TY_EDATA,
                            "schedule \"%s\": rate band is reversed: rate_lo %.15g is above "
                            "rate_hi %.15g", id, p->rate_lo, p->rate_hi);
    if ((st = check_amount(id, "minimum amount", p->min_amount, err))) return st;
    if (isnan(p->max_amount))
        return ty_error_set(err, TY_EDATA,
                            "schedule \"%s\": cap must be a number or inf (no cap)", id);
    if (p->min_amount > p->max_amount)
        return ty_error_set(err, TY_EDATA,
                            "schedule \"%s\": minimum amount %.15g is above the cap %.15g",
                            id, p->min_amount, p->max_amount);
    TySchedule *s = schedule_alloc(TY_SCHEDULE_RATE, id, err);
    if (!s) return TY_ENOMEM;
    s->r = *p;
    s->bound = p->bound;
    if (p->rate_hi == INFINITY) s->rate_choice = 0.0;   /* an open band has no top: its floor */
    s->rate = rate_at(&s->r, s->rate_choice);
    *out = s;
    return TY_OK;
}

TyStatus schedule_new_per_unit(const char *id, double unit_amount, TySchedule **out,
                               TyError *err)
{
    *out = NULL;
    TyStatus st = check_id(id, err);
    if (st) return st;
    if ((st = check_amount(id, "unit amount", unit_amount, err))) return st;
    TySchedule *s = schedule_alloc(TY_SCHEDULE_PER_UNIT, id, err);
    if (!s) return TY_ENOMEM;
    s->unit_amount = unit_amount;
    *out = s;
    return TY_OK;
}

/* Replaces *slot by a copy of text, or leaves it and returns TY_ENOMEM. */
static TyStatus replace_text(char **slot, const char *text, TyError *err)
{
    char *c = ty_strdup(text);
    if (!c) return ty_error_set(err, TY_ENOMEM, "out of memory");
    ty_free(*slot);
    *slot = c;
    return TY_OK;
}

TyStatus schedule_copy(const TySchedule *s, TySchedule **out, TyError *err)
{
    *out = NULL;
    TySchedule *c = schedule_alloc(s->shape, s->id, err);
    if (!c) return TY_ENOMEM;
    if (replace_text(&c->unit, s->unit, err) || replace_text(&c->description, s->description, err)) {
        schedule_free(c);
        return TY_ENOMEM;
    }
    if (s->n > 0) {
        c->t = ty_malloc(2 * s->n * sizeof(double));
        if (!c->t) {
            schedule_free(c);
            return ty_error_set(err, TY_ENOMEM, "out of memory");
        }
        memcpy(c->t, s->t, 2 * s->n * sizeof(double));
        c->v = c->t + s->n;
    }
    c->n = s->n;
    c->recurring = s->recurring;
    c->lag = s->lag;
    c->bound = s->bound;
    c->r = s->r;
    c->rate_choice = s->rate_choice;
    c->rate = s->rate;
    c->unit_amount = s->unit_amount;
    *out = c;
    return TY_OK;
}

/* ---- settings and accessors ------------------------------------------------------------ */

TyStatus schedule_set_recurring(TySchedule *s, int years, TyError *err)
{
    if (years < 1 || years > SCHEDULE_MAX_YEARS)
        return ty_error_set(err, TY_EDATA, "schedule \"%s\": recurring years must be 1 to %d, got %d",
                            s->id, SCHEDULE_MAX_YEARS, years);
    s->recurring = years;
    return TY_OK;
}

TyStatus schedule_set_lag(TySchedule *s, int years, TyError *err)
{
    if (years < 0 || years > SCHEDULE_MAX_YEARS)
        return ty_error_set(err, TY_EDATA, "schedule \"%s\": lag must be 0 to %d years, got %d",
                            s->id, SCHEDULE_MAX_YEARS, years);
    s->lag = years;
    return TY_OK;
}

TyStatus schedule_set_rate_choice(TySchedule *s, double choice, TyError *err)
{
    if (s->shape != TY_SCHEDULE_RATE)
        return ty_error_set(err, TY_ESCRIPT,
                            "schedule \"%s\": rate choice applies only to the rate shape, not %s",
                            s->id, schedule_shape_name(s->shape));
    if (!(choice >= 0.0 && choice <= 1.0))   /* also refuses NaN */
        return ty_error_set(err, TY_EDATA,
                            "schedule \"%s\": rate choice must be between 0 and 1, got %.15g",
                            s->id, choice);
    if (s->r.rate_hi == INFINITY && choice != 0.0)
        return ty_error_set(err, TY_EDATA,
                            "schedule \"%s\": the band is open above (at least %.15g, no top): "
                            "the rate choice must be 0, got %.15g", s->id, s->r.rate_lo, choice);
    s->rate_choice = choice;
    s->rate = rate_at(&s->r, choice);
    return TY_OK;
}

TyStatus schedule_set_unit(TySchedule *s, const char *unit, TyError *err)
{
    if (!unit) return ty_error_set(err, TY_ESCRIPT, "schedule \"%s\": unit is NULL", s->id);
    return replace_text(&s->unit, unit, err);
}

TyStatus schedule_set_description(TySchedule *s, const char *description, TyError *err)
{
    if (!description)
        return ty_error_set(err, TY_ESCRIPT, "schedule \"%s\": description is NULL", s->id);
    return replace_text(&s->description, description, err);
}

TyScheduleShape schedule_shape(const TySchedule *s) { return s->shape; }
const char *schedule_id(const TySchedule *s) { return s->id; }
const char *schedule_unit(const TySchedule *s) { return s->unit; }
const char *schedule_description(const TySchedule *s) { return s->description; }
int schedule_recurring(const TySchedule *s) { return s->recurring; }
int schedule_lag(const TySchedule *s) { return s->lag; }
double schedule_rate_choice(const TySchedule *s) { return s->rate_choice; }

/* ---- formatting ------------------------------------------------------------------------ */

/* snprintf that appends at *len and keeps *len ≤ size − 1 when the output is truncated. */
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
    if (*len + 1 >= size) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *len, size - *len, fmt, ap);
    va_end(ap);
    if (w < 0) return;
    *len = ((size_t)w >= size - *len) ? size - 1 : *len + (size_t)w;
}

const char *schedule_format(const TySchedule *s, char *buf, size_t size)
{
    if (size == 0) return buf;
    size_t len = 0;
    buf[0] = '\0';
    append(buf, size, &len, "%s %s: ", s->id, schedule_shape_name(s->shape));
    switch (s->shape) {
    case TY_SCHEDULE_MARGINAL:
        for (size_t k = 0; k < s->n; k++)
            append(buf, size, &len, "%s%.15g%% from %.15g", k ? ", " : "", s->v[k] * 100, s->t[k]);
        break;
    case TY_SCHEDULE_STEP:
        for (size_t k = 0; k < s->n; k++)
            append(buf, size, &len, "%s%s %.15g: %.15g", k ? ", " : "",
                   schedule_bound_symbol(s->bound), s->t[k], s->v[k]);
        break;
    case TY_SCHEDULE_RATE:
        if (s->r.threshold != -INFINITY)
            append(buf, size, &len, "%s %.15g: ", schedule_bound_symbol(s->r.bound), s->r.threshold);
        if (s->r.rate_lo == s->r.rate_hi)
            append(buf, size, &len, "%.15g%%", s->r.rate_hi * 100);
        else if (s->r.rate_hi == INFINITY)
            append(buf, size, &len, "at least %.15g%% (no top)", s->r.rate_lo * 100);
        else
            append(buf, size, &len, "%.15g%%-%.15g%% (at %.15g%%)", s->r.rate_lo * 100,
                   s->r.rate_hi * 100, s->rate * 100);
        if (s->r.min_amount > 0) append(buf, size, &len, ", at least %.15g", s->r.min_amount);
        if (s->r.max_amount != INFINITY) append(buf, size, &len, ", at most %.15g", s->r.max_amount);
        break;
    case TY_SCHEDULE_PER_UNIT:
        append(buf, size, &len, "%.15g each", s->unit_amount);
        break;
    case TY_SCHEDULE_SHAPE__COUNT:
        break;
    }
    if (s->unit[0]) append(buf, size, &len, " (%s)", s->unit);
    if (s->recurring > 1) append(buf, size, &len, ", for %d years", s->recurring);
    if (s->lag > 0) append(buf, size, &len, ", lag %d year%s", s->lag, s->lag == 1 ? "" : "s");
    return buf;
}

/* ---- evaluation ------------------------------------------------------------------------ */

/* Σ rate_k × (part of x in [t_k, t_{k+1})). Brackets above x add nothing, so the loop stops
 * at the first one x does not reach. */
static double eval_marginal(const TySchedule *s, double x)
{
    double sum = 0.0;
    for (size_t k = 0; k < s->n && x > s->t[k]; k++) {
        double top = (k + 1 < s->n && x > s->t[k + 1]) ? s->t[k + 1] : x;
        if (s->v[k] != 0.0) sum += s->v[k] * (top - s->t[k]);
    }
    return sum;
}

static double eval_step(const TySchedule *s, double x)
{
    /* The highest bracket x reaches; thresholds increase, so scan down from the top. */
    size_t k = s->n;
    if (s->bound == TY_SCHEDULE_ABOVE)
        while (k > 0 && !(x > s->t[k - 1])) k--;
    else
        while (k > 0 && !(x >= s->t[k - 1])) k--;
    return k ? s->v[k - 1] : 0.0;
}

/* The rate shape at a given rate; rate may be inf (the top of an open band): inf × 0 is 0
 * (nothing to pay on), inf × x > 0 is inf unless capped. */
static double rate_amount(const TySchedule *s, double rate, double x)
{
    int eligible = s->r.bound == TY_SCHEDULE_ABOVE ? x > s->r.threshold : x >= s->r.threshold;
    if (!eligible) return 0.0;
    double a = x == 0.0 ? 0.0 : rate * x;
    if (a < s->r.min_amount) a = s->r.min_amount;
    if (a > s->r.max_amount) a = s->r.max_amount;
    return a;
}

static double eval_rate(const TySchedule *s, double x)
{
    return rate_amount(s, s->rate, x);
}

static double eval_per_unit(const TySchedule *s, double x)
{
    return s->unit_amount * x;
}

double schedule_eval_scalar(const TySchedule *s, double x)
{
    if (isnan(x)) return x;   /* missing stays missing; every comparison below would say "no" */
    switch (s->shape) {
    case TY_SCHEDULE_MARGINAL: return eval_marginal(s, x);
    case TY_SCHEDULE_STEP: return eval_step(s, x);
    case TY_SCHEDULE_RATE: return eval_rate(s, x);
    case TY_SCHEDULE_PER_UNIT: return eval_per_unit(s, x);
    case TY_SCHEDULE_SHAPE__COUNT: break;
    }
    return NAN;
}

void schedule_eval_range(const TySchedule *s, double x, double *lo, double *hi)
{
    if (s->shape == TY_SCHEDULE_RATE && !isnan(x)) {
        *lo = rate_amount(s, s->r.rate_lo, x);
        *hi = rate_amount(s, s->r.rate_hi, x);
        return;
    }
    *lo = *hi = schedule_eval_scalar(s, x);
}

int schedule_is_band(const TySchedule *s)
{
    return s->shape == TY_SCHEDULE_RATE && s->r.rate_lo != s->r.rate_hi;
}

int schedule_is_open(const TySchedule *s)
{
    return s->shape == TY_SCHEDULE_RATE && s->r.rate_hi == INFINITY;
}

void schedule_eval(const TySchedule *s, const double *x, double *out, size_t n)
{
    /* The shape is chosen once per column, not per element. */
    switch (s->shape) {
#define COLUMN(f)                                                 \
    for (size_t i = 0; i < n; i++) {                              \
        double xi = x[i];                                         \
        out[i] = isnan(xi) ? xi : f(s, xi);                       \
    }                                                             \
    break;
    case TY_SCHEDULE_MARGINAL: COLUMN(eval_marginal)
    case TY_SCHEDULE_STEP: COLUMN(eval_step)
    case TY_SCHEDULE_RATE: COLUMN(eval_rate)
    case TY_SCHEDULE_PER_UNIT: COLUMN(eval_per_unit)
#undef COLUMN
    case TY_SCHEDULE_SHAPE__COUNT:
        for (size_t i = 0; i < n; i++) out[i] = NAN;
        break;
    }
}

/* ---- over years ------------------------------------------------------------------------ */

size_t schedule_cost_years(const TySchedule *s, size_t nyears)
{
    if (nyears == 0) return 0;
    return nyears + (size_t)s->lag + (size_t)s->recurring - 1;
}

/* The checks shared by cost_by_year and spread; nothing is written when they fail. */
static TyStatus check_years(const TySchedule *s, int first_year, const double *in, size_t nyears,
                            const double *cost, size_t ncost, TyError *err)
{
    if ((nyears > 0 && !in) || (ncost > 0 && !cost))
        return ty_error_set(err, TY_ESCRIPT, "schedule \"%s\": no %s array given", s->id,
                            (nyears > 0 && !in) ? "input" : "cost");
    const size_t span_max = (size_t)(TY_YEAR_MAX - TY_YEAR_MIN + 1);
    /* Bounding nyears first keeps every sum below small. */
    if (first_year < TY_YEAR_MIN || first_year > TY_YEAR_MAX || nyears > span_max)
        return ty_error_set(err, TY_EDATA, "schedule \"%s\": input years %d to %lld are outside %d to %d",
                            s->id, first_year, (long long)first_year + (long long)nyears - 1,
                            TY_YEAR_MIN, TY_YEAR_MAX);
    size_t need = schedule_cost_years(s, nyears);
    if (ncost < need)
        return ty_error_set(err, TY_ESCRIPT,
                            "schedule \"%s\": cost needs %zu years (%zu input years + lag %d + "
                            "%d further recurring years), got %zu",
                            s->id, need, nyears, s->lag, s->recurring - 1, ncost);
    if (need > 0 && (long long)first_year + (long long)need - 1 > TY_YEAR_MAX)
        return ty_error_set(err, TY_EDATA, "schedule \"%s\": cost years %d to %lld are outside %d to %d",
                            s->id, first_year, (long long)first_year + (long long)need - 1,
                            TY_YEAR_MIN, TY_YEAR_MAX);
    return TY_OK;
}

/* Adds amount a, arising in year index i, to the years it is paid in. */
static void spread_one(const TySchedule *s, double a, size_t i, double *cost)
{
    size_t j = i + (size_t)s->lag;
    for (int k = 0; k < s->recurring; k++) cost[j + (size_t)k] += a;
}

TyStatus schedule_cost_by_year(const TySchedule *s, int first_year, const double *values,
                               size_t nyears, double *cost, size_t ncost, TyError *err)
{
    TyStatus st = check_years(s, first_year, values, nyears, cost, ncost, err);
    if (st) return st;
    for (size_t j = 0; j < ncost; j++) cost[j] = 0.0;
    for (size_t i = 0; i < nyears; i++)
        spread_one(s, schedule_eval_scalar(s, values[i]), i, cost);
    return TY_OK;
}

TyStatus schedule_spread(const TySchedule *s, int first_year, const double *amounts,
                         size_t nyears, double *cost, size_t ncost, TyError *err)
{
    TyStatus st = check_years(s, first_year, amounts, nyears, cost, ncost, err);
    if (st) return st;
    for (size_t j = 0; j < ncost; j++) cost[j] = 0.0;
    for (size_t i = 0; i < nyears; i++) spread_one(s, amounts[i], i, cost);
    return TY_OK;
}
