/* progress.c — where an indicator stands against one target (DOMAIN §2): the required and
 * actual rates, the projection by the indicator's trend, the UN progress measure, the
 * "time half gone, task half done" comparison and the status, each undefined quantity with
 * its reason. The decisions beyond DOMAIN's table are listed in progress.h. */
#include "progress.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Reasons for undefined quantities: static, lower-case, specific. */
static const char WHY_NO_ACTUAL[] = "no actual at or before the as-of year";
static const char WHY_NO_ACTUAL_AT_TARGET[] = "no actual at or before the target year";
static const char WHY_SAME_YEAR[] = "base and latest are the same year";
static const char WHY_TARGET_IS_BASE[] = "target equals the base value";
static const char WHY_TARGET_YEAR_IS_BASE[] = "target year is the base year";
static const char WHY_NOT_POSITIVE[] = "rate needs positive values";
static const char WHY_PASSED[] = "target year has passed";
static const char WHY_OUT_OF_RANGE[] = "result out of range";

/* The three points every formula uses: base (b, xb), latest (t, xt), target (T, V). */
typedef struct Points {
    int b, t, T;
    double xb, xt, V;
    int d;   /* +1 up, -1 down */
} Points;

static TyQuantity undefined(const char *why)
{
    TyQuantity q = { NAN, why };
    return q;
}

/* Data is finite, but a rate or a projection can still overflow: that is undefined, never inf. */
static TyQuantity quantity(double v)
{
    if (!isfinite(v)) return undefined(WHY_OUT_OF_RANGE);
    TyQuantity q = { v, NULL };
    return q;
}

static int defined(TyQuantity q) { return q.why == NULL; }

/* (t - b) / (T - b): the share of the plan period that has gone (时间进度). */
static TyQuantity progress_time_share(const Points *p)
{
    if (p->T == p->b) return undefined(WHY_TARGET_YEAR_IS_BASE);
    return quantity((double)(p->t - p->b) / (double)(p->T - p->b));
}

/* (xt - xb) / (V - xb): the share of the task done (任务进度). */
static TyQuantity progress_completion(const Points *p)
{
    if (p->V == p->xb) return undefined(WHY_TARGET_IS_BASE);
    return quantity((p->xt - p->xb) / (p->V - p->xb));
}

/* (V - xt) / (T - t): the change needed each year from now on, in the indicator's unit. */
static TyQuantity progress_required_change(const Points *p)
{
    return quantity((p->V - p->xt) / (double)(p->T - p->t));
}

/* (V / xt)^(1 / (T - t)) - 1: the compound growth needed each year from now on. */
static TyQuantity progress_required_rate(const Points *p)
{
    if (!(p->xt > 0 && p->V > 0)) return undefined(WHY_NOT_POSITIVE);
    return quantity(pow(p->V / p->xt, 1.0 / (double)(p->T - p->t)) - 1.0);
}

/* (xt / xb)^(1 / (t - b)) - 1: the compound growth achieved so far (endpoint CAGR). */
static TyQuantity progress_actual_rate(const Points *p)
{
    if (p->t == p->b) return undefined(WHY_SAME_YEAR);
    if (!(p->xb > 0 && p->xt > 0)) return undefined(WHY_NOT_POSITIVE);
    return quantity(pow(p->xt / p->xb, 1.0 / (double)(p->t - p->b)) - 1.0);
}

/* xt + (xt - xb)(T - t)/(t - b): the straight line through base and latest. Needs t > b. */
static double projected_linear(const Points *p)
{
    return p->xt + (p->xt - p->xb) * (double)(p->T - p->t) / (double)(p->t - p->b);
}

/* Weighted least squares of ln(x) on the year over the actuals from b to t, weight
 * year - b + 1 so recent years count more (UN ESCAP anticipated progress), evaluated at T.
 * Centred on the weighted means for accuracy. 0 when it does not apply: fewer than three
 * actuals, or a value <= 0 (no logarithm). */
static int projected_wls(const TySeries *actual, const Points *p, double *out)
{
    double sw = 0, su = 0, sz = 0;
    int count = 0;
    for (int y = p->b; y <= p->t; y++) {
        double x = series_get(actual, y);
        if (isnan(x)) continue;
        if (x <= 0) return 0;
        double u = y - p->b, w = u + 1;
        sw += w;
        su += w * u;
        sz += w * log(x);
        count++;
    }
    if (count < 3) return 0;
    double u_mean = su / sw, z_mean = sz / sw, suu = 0, suz = 0;
    for (int y = p->b; y <= p->t; y++) {
        double x = series_get(actual, y);
        if (isnan(x)) continue;
        double u = y - p->b, w = u + 1;
        suu += w * (u - u_mean) * (u - u_mean);
        suz += w * (u - u_mean) * (log(x) - z_mean);
    }
    double slope = suz / suu;   /* suu > 0: three distinct years */
    *out = exp(z_mean + slope * ((double)(p->T - p->b) - u_mean));
    return 1;
}

/* The value expected at T if the trend so far continues. wls falls back to cagr, and cagr to
 * the straight line when the actual rate is undefined (a value <= 0), so an indicator with
 * a zero base still gets a projection. */
static TyQuantity progress_projected(const TyIndicator *ind, const Points *p, TyQuantity actual_rate)
{
    if (p->t == p->b) return undefined(WHY_SAME_YEAR);
    double wls;
    if (ind->trend == TY_TREND_WLS && projected_wls(&ind->actual, p, &wls)) return quantity(wls);
    if (ind->trend != TY_TREND_LINEAR && defined(actual_rate))
        return quantity(p->xt * pow(1.0 + actual_rate.v, (double)(p->T - p->t)));
    return quantity(projected_linear(p));
}

/* (projected - xb) / (V - xb): the UN Statistics Division's progress measure. */
static TyQuantity progress_measure(const Points *p, TyQuantity projected)
{
    if (!defined(projected)) return undefined(projected.why);
    if (p->V == p->xb) return undefined(WHY_TARGET_IS_BASE);
    return quantity((projected.v - p->xb) / (p->V - p->xb));
}

/* completion - time_share: ahead (> 0) of or behind (< 0) schedule (序时进度). */
static TyQuantity progress_schedule_gap(TyQuantity completion, TyQuantity time_share)
{
    if (!defined(completion)) return undefined(completion.why);
    if (!defined(time_share)) return undefined(time_share.why);
    return quantity(completion.v - time_share.v);
}

/* A number for status_why: short, and with '.' whatever the locale says. */
static const char *format_number(double x, char *buf, size_t size)
{
    if (fabs(x) >= 1e4 && fabs(x) < 1e15) snprintf(buf, size, "%.0f", x);
    else snprintf(buf, size, "%.4g", x);
    const char *dp = localeconv()->decimal_point;
    size_t dl = strlen(dp);
    char *at;
    if (dl > 0 && strcmp(dp, ".") != 0 && (at = strstr(buf, dp)) != NULL) {
        *at = '.';
        memmove(at + 1, at + dl, strlen(at + dl) + 1);
    }
    return buf;
}

/* A share as a whole percentage ("68%"), falling back to format_number when huge. */
static const char *format_percent(double share, char *buf, size_t size)
{
    double pct = share * 100.0;
    char num[24];
    if (fabs(pct) < 1e4) snprintf(num, sizeof num, "%.0f", pct);
    else format_number(pct, num, sizeof num);
    snprintf(buf, size, "%s%%", num);
    return buf;
}

static void set_all_quantities(TyProgress *out, const char *why)
{
    TyQuantity *all[] = { &out->time_share, &out->completion, &out->required_change,
                          &out->required_rate, &out->actual_rate, &out->projected,
                          &out->progress, &out->schedule_gap };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) *all[i] = undefined(why);
}

/* The record for a target before anything is known about the actuals. */
static void progress_start(TyProgress *out, int as_of, int target_year, double target)
{
    memset(out, 0, sizeof *out);
    out->as_of = as_of;
    out->base = out->latest = NAN;
    out->target_year = target_year;
    out->target = target;
    set_all_quantities(out, WHY_NO_ACTUAL);
    out->status = TY_ST_NO_DATA;
    snprintf(out->status_why, sizeof out->status_why, "no actual at or before the as-of year %d", as_of);
}

static int target_reached(const Points *p)
{
    return p->d * (p->xt - p->V) >= 0;
}

static int moved_away(const Points *p)
{
    return p->d * (p->xt - p->xb) < 0;
}

/* The quantities that are the same formulas for open and passed targets. */
static void compute_trend_quantities(const TyIndicator *ind, const Points *p, TyProgress *out)
{
    out->time_share = progress_time_share(p);
    out->completion = progress_completion(p);
    out->actual_rate = progress_actual_rate(p);
    out->projected = progress_projected(ind, p, out->actual_rate);
    out->progress = progress_measure(p, out->projected);
    out->schedule_gap = progress_schedule_gap(out->completion, out->time_share);
}

/* A target whose year has come: judged on the actual at T, or the latest one before it. */
static void judge_passed_target(const TyIndicator *ind, Points p, TyProgress *out)
{
    char x[24], v[24];
    int judged = series_last_year_at_or_before(&ind->actual, p.T);
    if (judged == 0) {   /* T is before the base year: nothing to judge it on */
        set_all_quantities(out, WHY_NO_ACTUAL_AT_TARGET);
        out->status = TY_ST_NO_DATA;
        snprintf(out->status_why, sizeof out->status_why,
                 "no actual at or before the target year %d", p.T);
        return;
    }
    p.t = judged;
    p.xt = series_get(&ind->actual, judged);
    compute_trend_quantities(ind, &p, out);
    out->required_change = undefined(WHY_PASSED);
    out->required_rate = undefined(WHY_PASSED);
    int reached = target_reached(&p);
    out->status = reached ? TY_ST_ACHIEVED : TY_ST_MISSED;
    snprintf(out->status_why, sizeof out->status_why, "actual %s in %d %s the target %s for %d",
             format_number(p.xt, x, sizeof x), p.t,
             reached ? "meets" : p.d > 0 ? "falls short of" : "is above",
             format_number(p.V, v, sizeof v), p.T);
}

/* Status of a target still ahead (T > t), from the progress measure and the thresholds. */
static void judge_open_target(const Points *p, const TyThresholds *th, TyProgress *out)
{
    char x[24], v[24], b[24], pct[32];
    format_number(p->V, v, sizeof v);
    format_number(p->xb, b, sizeof b);
    if (target_reached(p)) {
        out->status = TY_ST_ACHIEVED;
        snprintf(out->status_why, sizeof out->status_why, "latest %s in %d meets the target %s for %d",
                 format_number(p->xt, x, sizeof x), p->t, v, p->T);
        return;
    }
    if (p->t == p->b) {
        out->status = TY_ST_NO_TREND;
        snprintf(out->status_why, sizeof out->status_why,
                 "only one year of actuals (%d) at or before %d: no trend to project", p->t, out->as_of);
        return;
    }
    double P = out->progress.v;
    if (defined(out->progress) && P >= th->on_track) out->status = TY_ST_ON_TRACK;
    else if (defined(out->progress) && P >= th->behind) out->status = TY_ST_BEHIND;
    else out->status = moved_away(p) ? TY_ST_REGRESSING : TY_ST_STALLED;
    if (defined(out->progress)) {
        snprintf(out->status_why, sizeof out->status_why, "projected %s reaches %s of the way from %s to %s%s",
                 format_number(out->projected.v, x, sizeof x), format_percent(P, pct, sizeof pct), b, v,
                 out->status == TY_ST_REGRESSING ? ", moving away from the target" : "");
    } else {
        snprintf(out->status_why, sizeof out->status_why, "progress undefined (%s); latest %s in %d %s",
                 out->progress.why, format_number(p->xt, x, sizeof x), p->t,
                 out->status == TY_ST_REGRESSING ? "has moved away from the target" : "has not moved away from the base");
    }
}

TyStatus progress_compute(const TyIndicator *ind, int target_year, int as_of,
                          const TyThresholds *plan_th, TyProgress *out, TyError *err)
{
    double V = series_get(&ind->target, target_year);
    if (isnan(V))
        return ty_error_set(err, TY_EDATA, "indicator %s has no target for %d", ind->id, target_year);
    TyThresholds defaults;
    thresholds_default(&defaults);
    const TyThresholds *th = ind->has_thresholds ? &ind->thresholds : plan_th ? plan_th : &defaults;

    progress_start(out, as_of, target_year, V);
    int t = series_last_year_at_or_before(&ind->actual, as_of);
    if (t == 0) return TY_OK;   /* no_data */
    Points p;
    p.b = series_first_year(&ind->actual);   /* <= t, so also at or before as_of */
    p.xb = series_get(&ind->actual, p.b);
    p.t = t;
    p.xt = series_get(&ind->actual, t);
    p.T = target_year;
    p.V = V;
    p.d = ind->direction == TY_DOWN ? -1 : 1;
    out->base_year = p.b;
    out->base = p.xb;
    out->latest_year = p.t;
    out->latest = p.xt;

    if (p.T <= p.t) {
        judge_passed_target(ind, p, out);
        return TY_OK;
    }
    compute_trend_quantities(ind, &p, out);
    out->required_change = progress_required_change(&p);
    out->required_rate = progress_required_rate(&p);
    judge_open_target(&p, th, out);
    return TY_OK;
}

const char *progress_status_name(TyProgressStatus s)
{
    static const char *const names[] = {
        [TY_ST_ACHIEVED] = "achieved", [TY_ST_ON_TRACK] = "on_track", [TY_ST_BEHIND] = "behind",
        [TY_ST_STALLED] = "stalled", [TY_ST_REGRESSING] = "regressing", [TY_ST_NO_TREND] = "no_trend",
        [TY_ST_MISSED] = "missed", [TY_ST_NO_DATA] = "no_data",
    };
    if ((unsigned)s >= sizeof names / sizeof names[0]) return "?";
    return names[s];
}
