/* series.c — a value per year over a contiguous range of years, NaN for missing years.
 * The range grows backwards and forwards as values are set; it never shrinks, so an unset
 * year inside the range is simply NaN again. */
#include "series.h"
#include "alloc.h"

#include <math.h>
#include <string.h>

void series_init(TySeries *s)
{
    s->first_year = 0;
    s->n = 0;
    s->v = NULL;
}

void series_free(TySeries *s)
{
    ty_free(s->v);
    series_init(s);
}

TyStatus series_copy(TySeries *dst, const TySeries *src, TyError *err)
{
    double *v = NULL;
    if (src->n > 0) {
        v = ty_malloc((size_t)src->n * sizeof *v);
        if (!v) return ty_error_set(err, TY_ENOMEM, "not enough memory to copy a series of %d years", src->n);
        memcpy(v, src->v, (size_t)src->n * sizeof *v);
    }
    int first_year = src->first_year, n = src->n;   /* src may be dst */
    ty_free(dst->v);
    dst->v = v;
    dst->first_year = first_year;
    dst->n = n;
    return TY_OK;
}

static void fill_missing(double *v, int count)
{
    for (int i = 0; i < count; i++) v[i] = NAN;
}

/* Makes the range cover `year` (already checked to be in range). The series is untouched
 * when allocation fails. */
static TyStatus series_cover(TySeries *s, int year, TyError *err)
{
    if (s->n == 0) {
        double *v = ty_malloc(sizeof *v);
        if (!v) return ty_error_set(err, TY_ENOMEM, "not enough memory to store the value of %d", year);
        ty_free(s->v);
        s->v = v;
        s->first_year = year;
        s->n = 1;
        return TY_OK;
    }
    int last = s->first_year + s->n - 1;
    if (year > last) {
        int n = year - s->first_year + 1;
        double *v = ty_realloc(s->v, (size_t)n * sizeof *v);
        if (!v) return ty_error_set(err, TY_ENOMEM, "not enough memory to extend a series to %d", year);
        fill_missing(v + s->n, n - s->n);
        s->v = v;
        s->n = n;
    } else if (year < s->first_year) {
        /* A new block: realloc cannot grow at the front. */
        int shift = s->first_year - year, n = s->n + shift;
        double *v = ty_malloc((size_t)n * sizeof *v);
        if (!v) return ty_error_set(err, TY_ENOMEM, "not enough memory to extend a series back to %d", year);
        fill_missing(v, shift);
        memcpy(v + shift, s->v, (size_t)s->n * sizeof *v);
        ty_free(s->v);
        s->v = v;
        s->first_year = year;
        s->n = n;
    }
    return TY_OK;
}

TyStatus series_set(TySeries *s, int year, double value, TyError *err)
{
    if (year < TY_YEAR_MIN || year > TY_YEAR_MAX)
        return ty_error_set(err, TY_EDATA, "year %d is outside %d..%d", year, TY_YEAR_MIN, TY_YEAR_MAX);
    if (!isfinite(value))
        return ty_error_set(err, TY_EDATA, "value for %d is not a finite number", year);
    TyStatus st = series_cover(s, year, err);
    if (st != TY_OK) return st;
    s->v[year - s->first_year] = value;
    return TY_OK;
}

static int in_range(const TySeries *s, int year)
{
    return s->n > 0 && year >= s->first_year && year - s->first_year < s->n;
}

void series_unset(TySeries *s, int year)
{
    if (in_range(s, year)) s->v[year - s->first_year] = NAN;
}

double series_get(const TySeries *s, int year)
{
    return in_range(s, year) ? s->v[year - s->first_year] : NAN;
}

int series_has(const TySeries *s, int year)
{
    return !isnan(series_get(s, year));
}

int series_count(const TySeries *s)
{
    int count = 0;
    for (int i = 0; i < s->n; i++)
        if (!isnan(s->v[i])) count++;
    return count;
}

int series_first_year(const TySeries *s)
{
    for (int i = 0; i < s->n; i++)
        if (!isnan(s->v[i])) return s->first_year + i;
    return 0;
}

int series_last_year_at_or_before(const TySeries *s, int at_most)
{
    if (s->n == 0 || at_most < s->first_year) return 0;
    int i = at_most - s->first_year;
    if (i >= s->n) i = s->n - 1;
    for (; i >= 0; i--)
        if (!isnan(s->v[i])) return s->first_year + i;
    return 0;
}

int series_last_year(const TySeries *s)
{
    return series_last_year_at_or_before(s, TY_YEAR_MAX);
}

int series_nth_year(const TySeries *s, int idx)
{
    if (idx < 0) return 0;
    for (int i = 0; i < s->n; i++)
        if (!isnan(s->v[i]) && idx-- == 0) return s->first_year + i;
    return 0;
}
