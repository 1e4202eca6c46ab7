/* progress.h — where an indicator stands against one target (DOMAIN §2).
 *
 * base (b, x_b): earliest actual; latest (t, x_t): most recent actual at or before as_of;
 * target (T, V). d = +1 up, -1 down. Every quantity that cannot be computed is NaN with a
 * reason (a static string) in the matching `why` field; the writers print null / "—".
 *
 * Cases beyond DOMAIN's table, decided here and documented in the README:
 *  - no actual at or before as_of: status no_data, everything but the target undefined;
 *  - target year T <= t (the target year has passed, or is the latest year): the target is
 *    judged on the actual at T (or the latest before T): achieved or missed; required_* are
 *    undefined ("target year has passed"). The other quantities are the same formulas with t
 *    taken as that judged year (so time_share is 1 when there is an actual at T); status_why
 *    names the judged year and value. base_* and latest_* still describe the indicator as of
 *    as_of, so they are the same for every target of an indicator;
 *  - target year before the base year (no actual at or before T): status no_data;
 *  - trend cagr falls back to the linear projection when actual_rate is undefined (a value
 *    <= 0); trend wls fits ln(value) on year by least squares with weights year - b + 1 over
 *    the actuals from b to t, and falls back to cagr with fewer than three of them or a
 *    value <= 0; actual_rate is always the endpoint rate;
 *  - a result that overflows is undefined ("result out of range"), never inf.
 */
#ifndef TY_PROGRESS_H
#define TY_PROGRESS_H

#include "plan.h"

typedef enum TyProgressStatus {
    TY_ST_ACHIEVED = 0,
    TY_ST_ON_TRACK,
    TY_ST_BEHIND,
    TY_ST_STALLED,
    TY_ST_REGRESSING,
    TY_ST_NO_TREND,
    TY_ST_MISSED,
    TY_ST_NO_DATA
} TyProgressStatus;

typedef struct TyQuantity {
    double v;          /* NaN when undefined */
    const char *why;   /* NULL when defined; static reason text otherwise */
} TyQuantity;

typedef struct TyProgress {
    int as_of;
    int base_year;     /* 0 when none */
    double base;       /* NaN when none */
    int latest_year;   /* 0 when none */
    double latest;
    int target_year;
    double target;
    TyQuantity time_share, completion, required_change, required_rate,
               actual_rate, projected, progress, schedule_gap; /* schedule_gap = completion - time_share */
    TyProgressStatus status;
    char status_why[256];     /* one line explaining the status, with the numbers behind it */
} TyProgress;

/* Progress of ind against its target of target_year, as of as_of, with the thresholds in
 * force (the indicator's own when it has them, else plan_th). TY_EDATA if no such target. */
TyStatus progress_compute(const TyIndicator *ind, int target_year, int as_of,
                          const TyThresholds *plan_th, TyProgress *out, TyError *err);

const char *progress_status_name(TyProgressStatus s);

#endif
