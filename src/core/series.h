/* series.h — a value per year, with missing years. Missing is stored as NaN internally and
 * never leaves the core as a number: writers turn it into null / "—". Data never produces a
 * NaN (the number parser refuses "nan"), so NaN means "no value" without ambiguity. */
#ifndef TY_SERIES_H
#define TY_SERIES_H

#include <stddef.h>
#include "error.h"

#define TY_YEAR_MIN 1900
#define TY_YEAR_MAX 2200

typedef struct TySeries {
    int first_year;   /* year of v[0]; meaningless when n == 0 */
    int n;            /* number of years covered */
    double *v;        /* NaN = missing */
} TySeries;

void series_init(TySeries *s);
void series_free(TySeries *s);
/* dst must be initialised; its old content is replaced (and left as it was on failure). */
TyStatus series_copy(TySeries *dst, const TySeries *src, TyError *err);

/* Sets the value of a year, growing the range as needed. TY_EDATA if year out of range or
 * the value is not finite (NaN or infinity: use series_unset to remove a value).
 * TY_ENOMEM leaves the series as it was. */
TyStatus series_set(TySeries *s, int year, double value, TyError *err);
/* Removes the value of a year (sets missing). */
void series_unset(TySeries *s, int year);
/* Value at year, NaN if missing or outside. */
double series_get(const TySeries *s, int year);
int series_has(const TySeries *s, int year);

/* Number of non-missing years. */
int series_count(const TySeries *s);
/* Earliest / latest year with a value, optionally bounded: latest at or before `at_most`.
 * Return 0 when there is none. */
int series_first_year(const TySeries *s);
int series_last_year_at_or_before(const TySeries *s, int at_most);
int series_last_year(const TySeries *s);
/* The n-th present year in ascending order (0-based), 0 if none. */
int series_nth_year(const TySeries *s, int idx);

#endif
