/* progress_series.c — the series progress judges a target on, as of the as-of year: a row's own
 * actuals or its flows (derived from a level row for flow_of rows and windows), its base and
 * latest (docs/targets.md "The base year"), its rate and its projection by the row's trend. */
#include "progress_internal.h"
#include "detmath.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void years_clear(TyYears *s)
{
    s->lo = 1;
    s->hi = 0;
}

int years_has(const TyYears *s, int y)
{
    return y >= s->lo && y <= s->hi && !isnan(s->x[y - TY_YEAR_MIN]);
}

double years_get(const TyYears *s, int y)
{
    return years_has(s, y) ? s->x[y - TY_YEAR_MIN] : NAN;
}

/* Copies a series' years lo..hi (hi capped at as_of) into out. */
static void years_from_series(const TySeries *a, int as_of, TyYears *out)
{
    years_clear(out);
    int lo = series_first_year(a), hi = series_last_year_at_or_before(a, as_of);
    if (lo == 0 || hi == 0) return;
    out->lo = lo;
    out->hi = hi;
    for (int y = lo; y <= hi; y++) out->x[y - TY_YEAR_MIN] = series_get(a, y);
}

/* level(y) - level(y - 1) where both are in. */
static void years_flows_of(const TyYears *L, TyYears *out)
{
    years_clear(out);
    if (L->lo >= L->hi) return;   /* fewer than two years: no flow */
    out->lo = L->lo + 1;
    out->hi = L->hi;
    for (int y = out->lo; y <= out->hi; y++)
        out->x[y - TY_YEAR_MIN] = years_get(L, y) - years_get(L, y - 1);   /* NaN if either is missing */
}

void years_own(const TyPlan *p, const TyIndicator *ind, int as_of, TyYears *out)
{
    long j = ind->flow_of ? plan_find(p, ind->flow_of) : -1;
    if (!ind->flow_of) {
        years_from_series(&ind->actual, as_of, out);
    } else if (j < 0 || &p->ind[j] == ind || p->ind[j].flow_of) {
        years_clear(out);   /* a broken link: plan_check_links reports it */
    } else {
        TyYears L;
        years_from_series(&p->ind[j].actual, as_of, &L);
        years_flows_of(&L, out);
    }
}

void years_flows(const TyPlan *p, const TyIndicator *ind, int as_of, TyYears *out)
{
    if (ind->measure == TY_FLOW || ind->flow_of) {
        years_own(p, ind, as_of, out);
        return;
    }
    TyYears L;
    years_own(p, ind, as_of, &L);
    years_flows_of(&L, out);
}

void years_anchor(const TyPlan *p, const TyIndicator *ind, const TyYears *s, TyAnchor *out)
{
    memset(out, 0, sizeof *out);
    out->xb = out->xt = NAN;
    out->declared = indicator_declared_base_year(p, ind);
    int first = 0;
    for (int y = s->lo; y <= s->hi && !first; y++)
        if (years_has(s, y)) first = y;
    if (out->declared && years_has(s, out->declared)) {
        out->b = out->declared;
        out->declared_ok = 1;
        snprintf(out->how, sizeof out->how, "declared base year %d", out->b);
    } else if (first == 0) {
        snprintf(out->how, sizeof out->how, "no actual at or before the as-of year");
        return;
    } else {
        out->b = first;
        if (out->declared)
            snprintf(out->how, sizeof out->how, "declared base year %d has no actual; earliest "
                     "actual %d used", out->declared, first);
        else
            snprintf(out->how, sizeof out->how, "earliest actual %d (no base year declared)", first);
    }
    out->xb = years_get(s, out->b);
    for (int y = s->hi; y >= out->b; y--)
        if (years_has(s, y)) {
            out->t = y;
            break;
        }
    out->xt = years_get(s, out->t);
}

double years_rate(const TyYears *s, int b, int t)
{
    double xb = years_get(s, b), xt = years_get(s, t);
    if (t == b || !(xb > 0 && xt > 0)) return NAN;
    double r = ty_pow(xt / xb, 1.0 / (double)(t - b)) - 1.0;
    return isfinite(r) ? r : NAN;
}

/* Weighted least squares of ln(x) on the year over the values from b to t, weight year - b + 1
 * so recent years count more (UN ESCAP anticipated progress), evaluated at T. Centred on the
 * weighted means for accuracy. 0 when it does not apply: fewer than three values, or one <= 0. */
static int projected_wls(const TyYears *s, int b, int t, int T, double *out)
{
    double sw = 0, su = 0, sz = 0;
    int count = 0;
    for (int y = b; y <= t; y++) {
        double x = years_get(s, y);
        if (isnan(x)) continue;
        if (x <= 0) return 0;
        double u = y - b, w = u + 1;
        sw += w;
        su += w * u;
        sz += w * ty_log(x);
        count++;
    }
    if (count < 3) return 0;
    double u_mean = su / sw, z_mean = sz / sw, suu = 0, suz = 0;
    for (int y = b; y <= t; y++) {
        double x = years_get(s, y);
        if (isnan(x)) continue;
        double u = y - b, w = u + 1;
        suu += w * (u - u_mean) * (u - u_mean);
        suz += w * (u - u_mean) * (ty_log(x) - z_mean);
    }
    double slope = suz / suu;   /* suu > 0: three distinct years */
    *out = ty_exp(z_mean + slope * ((double)(T - b) - u_mean));
    return 1;
}

double years_project(TyTrend trend, const TyYears *s, int b, int t, int T)
{
    if (b == 0 || t == b) return NAN;
    double xb = years_get(s, b), xt = years_get(s, t), v;
    if (trend == TY_TREND_WLS && projected_wls(s, b, t, T, &v)) return isfinite(v) ? v : NAN;
    double rate = years_rate(s, b, t);
    if (trend != TY_TREND_LINEAR && !isnan(rate)) v = xt * ty_pow(1.0 + rate, (double)(T - t));
    else v = xt + (xt - xb) * (double)(T - t) / (double)(t - b);   /* straight line through b, t */
    return isfinite(v) ? v : NAN;
}

const char *progress_number(double x, char *buf, size_t size)
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
